//! The fork driver of a universal solve.
//!
//! PubGrub 0.4 cannot clone its state, so a fork is never continued from where it was
//! found: the solve of a space stops as soon as one package is required under different
//! markers ([`Unsolved::Fork`]), and each part of the split space is solved again from the
//! start, with the versions that finished forks chose as preferences (so that forks agree
//! where they can). Metadata is memoized by the index, so a re-solve costs solver time
//! only. The finished forks are then merged: one pin per version, under the union of the
//! markers of the forks that chose it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use lockit_types::{DistFilename, PackageName, SourcedRequirement, Target, Version};
use pep508_rs::MarkerTree;

use crate::error::ResolveError;
use crate::index::Index;
use crate::markers::{python_at_least, python_floor, readable, wheel_marker};
use crate::options::ResolveOptions;
use crate::provider::{Provider, Unsolved};
use crate::report::NoSolution;
use crate::resolution::{dependent_order, Resolution, ResolvedPackage};

/// At most this many forks per resolution; past it, a space is solved without splitting
/// (requirements on one package under different markers then all apply together).
const MAX_FORKS: usize = 64;

/// A part of the space to solve, with the packages whose releases must have a file for
/// some environments there (see `Universal::needs`).
type Part = (MarkerTree, Vec<(PackageName, Arc<Target>)>);

/// Solves `roots` for every environment of `options.universal`'s space.
pub(crate) fn solve_universal(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
) -> Result<Resolution, ResolveError> {
    let Some(universal) = &options.universal else {
        return Err(ResolveError::Index(
            "a universal solve needs a universal space".into(),
        ));
    };
    let first = solve_parts(
        index,
        roots,
        constraints,
        options,
        vec![(universal.space.clone(), Vec::new())],
    )?;
    // A `--required-environment` whose environments cannot install some pin: solve its
    // part of the space again on its own, with those packages held to releases that have a
    // file for those environments (an older torch with the wheel). When none has, the
    // first lock stands and the caller names the environment.
    let mut parts = Vec::new();
    let mut rest = universal.space.clone();
    for required in &universal.required {
        let mut needs = Vec::new();
        for target in crate::coverage::required(options, required) {
            for name in crate::coverage::gap_names(&first, options, &target) {
                needs.push((name, Arc::new(target.clone())));
            }
        }
        let mut part = rest.clone();
        part.and(required.clone());
        if needs.is_empty() || part.is_false() {
            continue;
        }
        rest.and(required.negate());
        parts.push((part, needs));
    }
    if parts.is_empty() {
        return Ok(first);
    }
    // The unrestricted rest first: its newer pins are preferences the required parts can
    // only take where they have the files.
    if !rest.is_false() {
        parts.insert(0, (rest, Vec::new()));
    }
    Ok(solve_parts(index, roots, constraints, options, parts).unwrap_or(first))
}

/// Solves each part of the space (with the packages each must be able to install on which
/// environments), forking as needed, and merges the forks.
fn solve_parts(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    parts: Vec<Part>,
) -> Result<Resolution, ResolveError> {
    let Some(universal) = &options.universal else {
        return Err(ResolveError::Index(
            "a universal solve needs a universal space".into(),
        ));
    };
    let mut forks = parts.len();
    let mut queue: VecDeque<Part> = parts.into();
    let mut done: Vec<Resolution> = Vec::new();
    let mut preferences = options.preferences.clone();
    while let Some((space, needs)) = queue.pop_front() {
        let mut fork = fork_options(options, space, &preferences);
        if let Some(u) = &mut fork.universal {
            u.needs.clone_from(&needs);
        }
        let provider = Provider::new(index, roots, constraints, &fork);
        let provider = if forks >= MAX_FORKS {
            provider.without_forks()
        } else {
            provider
        };
        match provider.solve() {
            Ok(resolution) => {
                for p in &resolution.packages {
                    preferences
                        .entry(p.name.clone())
                        .or_insert_with(|| p.version.clone());
                }
                done.push(resolution);
            }
            Err(Unsolved::Fork(mut parts)) => {
                forks += parts.len() - 1;
                // Newer Pythons first (as uv does): their pins, given as preferences to the
                // forks after them, then do not hold them back to releases older Pythons need.
                parts.sort_by_cached_key(|p| std::cmp::Reverse(python_floor(p)));
                for part in parts.into_iter().rev() {
                    queue.push_front((part, needs.clone()));
                }
            }
            Err(Unsolved::NoSolution(tree, available)) => {
                return Err(ResolveError::NoSolution(Box::new(NoSolution::new(
                    *tree, roots, &fork, available,
                ))))
            }
            Err(Unsolved::Index(e)) => return Err(ResolveError::Index(e)),
        }
    }
    tracing::debug!("universal solve: {} fork(s)", done.len());
    Ok(merge(done, &universal.python_floor))
}

/// The options of one fork: its space, the Python floor it implies, the preferences so far.
fn fork_options(
    options: &ResolveOptions,
    space: MarkerTree,
    preferences: &std::collections::HashMap<PackageName, Version>,
) -> ResolveOptions {
    let mut fork = options.clone();
    fork.preferences = preferences.clone();
    if let Some(universal) = &options.universal {
        // The existing lock's pin for this part of the space comes first; where several
        // meet it, the newest (a fork on its Requires-Python then splits as it did).
        let mut locked: std::collections::HashMap<&PackageName, &Version> = Default::default();
        for (name, version, marker) in &universal.locked {
            if !marker.is_disjoint(&space) {
                let best = locked.entry(name).or_insert(version);
                if version > *best {
                    *best = version;
                }
            }
        }
        for (name, version) in locked {
            fork.preferences.insert(name.clone(), version.clone());
        }
    }
    if let Some(universal) = &mut fork.universal {
        let floor = python_floor(&space)
            .filter(|f| *f > universal.python_floor)
            .unwrap_or_else(|| universal.python_floor.clone());
        if floor != options.target.python {
            if let Ok(target) = Target::new(&floor.to_string(), options.target.platform.clone()) {
                fork.target = Arc::new(target);
            }
        }
        universal.space = space;
    }
    fork
}

/// One pin per (name, version) over all forks, under the union of their markers, written
/// without the Python floor every environment of the lock has.
fn merge(forks: Vec<Resolution>, floor: &Version) -> Resolution {
    let mut pins: BTreeMap<(PackageName, Version), ResolvedPackage> = BTreeMap::new();
    for p in forks.into_iter().flat_map(|r| r.packages) {
        match pins.get_mut(&(p.name.clone(), p.version.clone())) {
            Some(pin) => {
                pin.marker.or(p.marker);
                for e in p.extras {
                    if !pin.extras.contains(&e) {
                        pin.extras.push(e);
                    }
                }
                pin.dependents.extend(p.dependents);
            }
            None => {
                pins.insert((p.name.clone(), p.version.clone()), p);
            }
        }
    }
    let space = python_at_least(floor);
    let packages = pins
        .into_values()
        .map(|mut p| {
            // Hash only the files some environment that installs this pin may install.
            let mut reach = p.marker.clone();
            reach.and(space.clone());
            p.files.retain(|f| match &f.filename {
                DistFilename::Wheel(w) => !wheel_marker(w).is_disjoint(&reach),
                DistFilename::Sdist(_) => true,
            });
            p.extras.sort();
            p.dependents.sort_by_key(dependent_order);
            p.dependents.dedup_by_key(|d| dependent_order(d));
            p.marker = readable(&p.marker.simplify_python_versions(
                std::ops::Bound::Included(floor),
                std::ops::Bound::Unbounded,
            ));
            p
        })
        .collect();
    Resolution { packages }
}
