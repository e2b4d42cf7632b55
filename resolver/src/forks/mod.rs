//! Forks: how a universal solve splits its space, solves each part and merges them.
//!
//! PubGrub 0.4 cannot clone its state, so a fork is never continued from where it was
//! found: the solve of a part stops as soon as it has to split ([`split`]: one package
//! required under different markers, or a release whose Requires-Python admits only part
//! of the space), and each part of the split is solved again from the start, with the
//! versions that finished forks chose as preferences (so that forks agree where they can;
//! [`prefer`]). Metadata is memoized by the index, so a re-solve costs solver time only.
//! The finished forks are then merged ([`merge`]): one pin per version, under the union of
//! the markers of the forks that chose it ([`reach`]).

mod merge;
mod prefer;
mod reach;
mod split;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::sync::Arc;

use lockit_types::{PackageName, SourcedRequirement, Target};
use pep508_rs::MarkerTree;

use crate::environment::UniversalSpace;
use crate::error::ResolveError;
use crate::index::Index;
use crate::markers::python_floor;
use crate::options::ResolveOptions;
use crate::provider::{Provider, Unsolved};
use crate::report::NoSolution;
use crate::resolution::Resolution;

use merge::merge;
use prefer::fork_options;
use split::ForkSpace;

/// At most this many forks per resolution; past it, a space is solved without splitting
/// (requirements on one package under different markers then all apply together).
const MAX_FORKS: usize = 64;

/// A part of the space to solve, with the packages whose releases must have a file for
/// some environments there (see `UniversalSpace::needs`).
type Part = (MarkerTree, Vec<(PackageName, Arc<Target>)>);

/// Solves `roots` for every environment of `universal`, the space of `options`.
pub(crate) fn solve_universal(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    universal: &UniversalSpace,
) -> Result<Resolution, ResolveError> {
    let first = solve_parts(
        index,
        roots,
        constraints,
        options,
        universal,
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
    Ok(solve_parts(index, roots, constraints, options, universal, parts).unwrap_or(first))
}

/// Solves each part of the space (with the packages each must be able to install on which
/// environments), forking as needed, and merges the forks.
fn solve_parts(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    universal: &UniversalSpace,
    parts: Vec<Part>,
) -> Result<Resolution, ResolveError> {
    let mut forks = parts.len();
    let mut queue: VecDeque<Part> = parts.into();
    let mut done: Vec<Resolution> = Vec::new();
    let mut preferences = options.preferences.clone();
    while let Some((space, needs)) = queue.pop_front() {
        let split = ForkSpace::new(space.clone(), forks < MAX_FORKS);
        let fork = fork_options(
            options,
            &universal.locked,
            space,
            needs.clone(),
            &preferences,
        );
        match Provider::new(index, roots, constraints, &fork, split).solve() {
            Ok(resolution) => {
                for p in &resolution.packages {
                    preferences
                        .entry(p.name.clone())
                        .or_insert_with(|| p.version.clone());
                }
                done.push(resolution);
            }
            Err(Unsolved::Split(mut parts)) => {
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
