//! `explain`: why a package is pinned where it is, who brings it in, and what keeps
//! newer releases out, all read from a successful resolution and the index.

use std::collections::BTreeSet;
use std::time::Instant;

use lockit_types::{
    MarkerEval, PackageName, Requirement, RequirementOrigin, SourcedRequirement, Version,
};
use pep508_rs::VersionOrUrl;
use pubgrub::Ranges;

use crate::availability::unusable_text;
use crate::candidates::VersionMap;
use crate::error::ResolveError;
use crate::explain_fix::{version_map, Bounded, SEARCH_BUDGET};
use crate::index::Index;
use crate::options::{PrereleaseMode, ResolveOptions};
use crate::ranges::{specifiers_contain, specifiers_range};
use crate::report;
use crate::resolution::{Resolution, ResolvedPackage};

mod json;
mod model;
mod outdated;
mod text;

pub use json::{explanation_json, failure_json};
pub use model::{
    Explanation, Hidden, Mention, NotInLock, Pinned, SkipReason, Skipped, Split, VersionNote,
};
pub use outdated::{outdated, outdated_json, outdated_text, Outdated};
pub use text::{failure_text, not_in_lock_text, pinned_text, split_text, Paint};

/// `name`'s [`Split`] in a universal `resolution`; `None` for a single-target lock or a
/// package that is not pinned.
pub fn universal_split(
    name: &PackageName,
    options: &ResolveOptions,
    resolution: &Resolution,
) -> Option<Split> {
    if !options.environment.is_universal() {
        return None;
    }
    let pins: Vec<&ResolvedPackage> = resolution
        .packages
        .iter()
        .filter(|p| p.name == *name)
        .collect();
    if pins.is_empty() {
        return None;
    }
    let mut requirements: Vec<String> = Vec::new();
    for d in pins
        .iter()
        .flat_map(|p| &p.dependents)
        .filter(|d| !d.requirement.marker.is_true())
    {
        let line = d.to_string();
        if !requirements.contains(&line) {
            requirements.push(line);
        }
    }
    Some(Split {
        pins: pins
            .iter()
            .map(|p| {
                (
                    p.version.clone(),
                    p.marker.contents().map(|m| m.to_string()),
                )
            })
            .collect(),
        requirements,
    })
}

/// Paths kept (and counted) before giving up on listing them all.
const MAX_PATHS: usize = 200;

/// Resolves, then explains `name`'s place in the result. A failed resolution comes
/// back as the error, with its full report.
pub fn explain(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    name: &PackageName,
) -> Result<(Resolution, Explanation), ResolveError> {
    let resolution = crate::resolve(index, roots, constraints, options)?;
    let explanation = match resolution.get(name) {
        Some(pkg) => Explanation::Pinned(Box::new(pinned(
            index,
            roots,
            constraints,
            options,
            &resolution,
            pkg,
        ))),
        None => Explanation::NotInLock(not_in_lock(index, roots, options, &resolution, name)),
    };
    Ok((resolution, explanation))
}

/// Every path from an input down to `name`, each ending at `name`.
fn paths(resolution: &Resolution, name: &PackageName) -> (Vec<Vec<SourcedRequirement>>, bool) {
    fn walk(
        resolution: &Resolution,
        name: &PackageName,
        seen: &mut Vec<PackageName>,
        suffix: &mut Vec<SourcedRequirement>,
        out: &mut Vec<Vec<SourcedRequirement>>,
    ) -> bool {
        let Some(pkg) = resolution.get(name) else {
            return true;
        };
        for d in &pkg.dependents {
            if out.len() >= MAX_PATHS {
                return false;
            }
            let step = d.clone();
            match &d.origin {
                RequirementOrigin::File { .. } | RequirementOrigin::Named(_) => {
                    let mut path = vec![step];
                    path.extend(suffix.iter().rev().cloned());
                    out.push(path);
                }
                RequirementOrigin::Package { name: parent, .. } => {
                    if seen.contains(parent) {
                        continue;
                    }
                    seen.push(parent.clone());
                    suffix.push(step);
                    let complete = walk(resolution, parent, seen, suffix, out);
                    suffix.pop();
                    seen.pop();
                    if !complete {
                        return false;
                    }
                }
            }
        }
        true
    }
    let mut out = Vec::new();
    let complete = walk(
        resolution,
        name,
        &mut vec![name.clone()],
        &mut Vec::new(),
        &mut out,
    );
    out.sort_by_key(|p| {
        (
            p.len(),
            p.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
    });
    (out, !complete)
}

/// Whether `req` admits `v` as the index spells it (see `specifiers_contain`).
fn admits(req: &Requirement, v: &Version) -> bool {
    match &req.version_or_url {
        Some(VersionOrUrl::VersionSpecifier(s)) => specifiers_contain(s, v),
        _ => true,
    }
}

fn range_of(req: &Requirement) -> Ranges<Version> {
    match &req.version_or_url {
        Some(VersionOrUrl::VersionSpecifier(s)) => specifiers_range(s),
        _ => Ranges::full(),
    }
}

fn pinned(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    resolution: &Resolution,
    pkg: &ResolvedPackage,
) -> Pinned {
    let name = &pkg.name;
    let required_by: Vec<SourcedRequirement> = pkg.dependents.clone();
    let (paths, paths_truncated) = paths(resolution, name);
    let mut constraint_range: Option<Ranges<Version>> = None;
    for c in constraints.iter().map(|c| &c.requirement) {
        if c.name == *name && c.marker.holds(&options.environment.target().markers, &[]) {
            let r = range_of(c);
            constraint_range = Some(match constraint_range {
                Some(prev) => prev.intersection(&r),
                None => r,
            });
        }
    }
    let mut allowed = constraint_range.clone().unwrap_or_else(Ranges::full);
    for s in &required_by {
        allowed = allowed.intersection(&range_of(&s.requirement));
    }
    let map = version_map(index, name, options).unwrap_or_default();
    let newest_published = map.newest_first().next().map(|(v, _)| v.clone());
    let prerelease_ok = options.prerelease == PrereleaseMode::Allow || pkg.version.any_prerelease();
    let newest_installable = map
        .newest_first()
        .find(|(v, e)| e.usable.is_ok() && !e.yanked && (prerelease_ok || !v.any_prerelease()))
        .map(|(v, _)| v.clone());
    let mut skipped: Vec<Skipped> = Vec::new();
    let mut checked_conflict = false;
    let until = Instant::now() + SEARCH_BUDGET;
    for (v, entry) in map.newest_first() {
        if *v <= pkg.version {
            break;
        }
        let reason = if let Err(u) = &entry.usable {
            SkipReason::Unusable(unusable_text(u, options))
        } else if entry.yanked {
            SkipReason::Yanked(yank_reason(&map, v))
        } else if v.any_prerelease() && !prerelease_ok {
            SkipReason::Prerelease
        } else {
            let excluding: Vec<SourcedRequirement> = required_by
                .iter()
                .filter(|s| !admits(&s.requirement, v))
                .cloned()
                .collect();
            if !excluding.is_empty() {
                SkipReason::Excluded(excluding)
            } else if constraint_range.as_ref().is_some_and(|r| !r.contains(v)) {
                SkipReason::Constraint(
                    constraint_range
                        .as_ref()
                        .and_then(crate::ranges::range_text)
                        .unwrap_or_default(),
                )
            } else if !checked_conflict {
                checked_conflict = true;
                conflict_of(
                    index,
                    roots,
                    constraints,
                    options,
                    resolution,
                    name,
                    v,
                    until,
                )
            } else {
                SkipReason::OlderThanChecked
            }
        };
        match skipped.last_mut() {
            Some(last) if last.reason == reason => last.versions.push(v.clone()),
            _ => skipped.push(Skipped {
                versions: vec![v.clone()],
                reason,
            }),
        }
    }
    Pinned {
        version: pkg.version.clone(),
        extras: pkg.extras.clone(),
        required_by,
        paths,
        paths_truncated,
        allowed: crate::ranges::range_text(&allowed),
        constraint: constraint_range
            .as_ref()
            .and_then(crate::ranges::range_text),
        newest_published,
        newest_installable,
        skipped,
        yanked: pkg.yanked_warning(),
    }
}

fn yank_reason(map: &VersionMap, v: &Version) -> String {
    map.get(v)
        .and_then(|e| {
            e.files.iter().find_map(|f| match &f.yanked {
                lockit_types::Yanked::Yes(r) => Some(r.clone()),
                lockit_types::Yanked::No => None,
            })
        })
        .unwrap_or_default()
}

/// Solves again with `name==v` added to the inputs, to say why `v` was not chosen.
/// What choosing `v` would cost: solving again with `name==v` required (the lock's pins
/// still preferred) either fails, and the conflict says why, or resolves, and the pins it
/// moves say what the solver traded.
#[allow(clippy::too_many_arguments)]
fn conflict_of(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    chosen: &Resolution,
    name: &PackageName,
    v: &Version,
    until: Instant,
) -> SkipReason {
    let bounded = Bounded {
        inner: index,
        until,
    };
    let Ok(requirement) = lockit_types::parse_requirement(&format!("{name}=={v}")) else {
        return SkipReason::Unchecked(format!(
            "`{name}=={v}` is not a requirement lockit can read"
        ));
    };
    let mut with_pin = roots.to_vec();
    with_pin.push(SourcedRequirement::new(
        requirement,
        RequirementOrigin::Named("the pin being tried".to_string()),
    ));
    match crate::solve(&bounded, &with_pin, constraints, options) {
        Ok(other) => SkipReason::AlsoResolves {
            kept_by_lock: options
                .preferences
                .get(name)
                .is_some_and(|p| chosen.get(name).is_some_and(|c| c.version == *p)),
            moved: other
                .packages
                .iter()
                .filter(|p| p.name != *name)
                .filter_map(|p| {
                    let was = chosen.get(&p.name)?;
                    (was.version != p.version)
                        .then(|| (p.name.clone(), was.version.clone(), p.version.clone()))
                })
                .collect(),
        },
        Err(ResolveError::NoSolution(report)) => SkipReason::Conflict(report.derivation().to_vec()),
        Err(ResolveError::Index(e)) if Instant::now() >= until => SkipReason::Unchecked(format!(
            "solving again with it took longer than {}s ({e})",
            SEARCH_BUDGET.as_secs()
        )),
        Err(ResolveError::Index(e)) => SkipReason::Unchecked(format!("the index failed: {e}")),
    }
}

fn not_in_lock(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    options: &ResolveOptions,
    resolution: &Resolution,
    name: &PackageName,
) -> NotInLock {
    let target = options.environment.target();
    let where_ = options.describe();
    let mut mentions = Vec::new();
    for r in roots.iter().filter(|r| r.requirement.name == *name) {
        mentions.push(Mention {
            step: r.clone(),
            why: format!("its marker is false for {where_}"),
        });
    }
    for p in &resolution.packages {
        let Some(meta) = &p.metadata else { continue };
        for req in meta.requires_dist.iter().filter(|r| r.name == *name) {
            let step = SourcedRequirement::new(
                req.clone(),
                RequirementOrigin::Package {
                    name: p.name.clone(),
                    version: p.version.clone(),
                },
            );
            let extra = meta
                .provides_extras
                .iter()
                .find(|e| req.marker.holds(&target.markers, std::slice::from_ref(*e)));
            let why = match extra {
                Some(e) if !req.marker.holds(&target.markers, &[]) => format!(
                    "only with the extra `{e}` of {}, which nothing requests",
                    p.name
                ),
                _ => format!("its marker is false for {where_}"),
            };
            mentions.push(Mention { step, why });
        }
    }
    let published = version_map(index, name, options)
        .map(|m| m.versions().count())
        .unwrap_or(0);
    let mut near_misses = BTreeSet::new();
    if published == 0 {
        let wanted = name.to_string();
        for p in &resolution.packages {
            let n = p.name.to_string();
            if wanted.len() > 3 && report::edit_distance(&n, &wanted) <= 2 {
                near_misses.insert(n);
            }
        }
        let variants: Vec<PackageName> = report::name_variants(&wanted)
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        for v in &variants {
            index.prefetch(v, Box::new(|_| None));
        }
        for v in &variants {
            if index.project(v).is_ok_and(|p| !p.is_empty()) {
                near_misses.insert(v.to_string());
            }
        }
    }
    NotInLock {
        mentions,
        published,
        near_misses: near_misses.into_iter().collect(),
    }
}

/// Every version of `name` on `index`, newest first, judged for the target.
pub fn target_versions(
    index: &dyn Index,
    name: &PackageName,
    options: &ResolveOptions,
) -> Vec<VersionNote> {
    let Some(map) = version_map(index, name, options) else {
        return Vec::new();
    };
    map.newest_first()
        .map(|(v, e)| VersionNote {
            version: v.clone(),
            problem: match &e.usable {
                Err(u) => Some(unusable_text(u, options)),
                Ok(_) if e.yanked => Some(match yank_reason(&map, v) {
                    r if r.is_empty() => "yanked".to_string(),
                    r => format!("yanked ({r})"),
                }),
                Ok(_) => None,
            },
            uploaded: e.files.iter().filter_map(|f| f.upload_time).min(),
        })
        .collect()
}
