//! The options of one fork: its part of the space and the versions it prefers.

use std::collections::HashMap;
use std::sync::Arc;

use lockit_types::{PackageName, Target, Version};
use pep508_rs::MarkerTree;

use crate::options::ResolveOptions;

/// The options of the fork that solves `part` of `options`' universal space: the
/// versions earlier forks chose (`chosen`) as preferences, overridden by the existing
/// lock's pins for this part (`locked`, see [`locked_in`]); releases of the packages in
/// `needs` must have a file for those environments.
pub(crate) fn fork_options(
    options: &ResolveOptions,
    locked: &[(PackageName, Version, MarkerTree)],
    part: MarkerTree,
    needs: Vec<(PackageName, Arc<Target>)>,
    chosen: &HashMap<PackageName, Version>,
) -> ResolveOptions {
    let mut fork = options.clone();
    fork.preferences = chosen.clone();
    for (name, version) in locked_in(locked, &part) {
        fork.preferences.insert(name.clone(), version.clone());
    }
    fork.environment = options.environment.narrowed(part, needs);
    fork
}

/// The existing lock's pin for each package in `part` of the space: of the pins whose
/// marker meets it, the newest (a fork on its Requires-Python then splits as it did).
pub(crate) fn locked_in<'a>(
    locked: &'a [(PackageName, Version, MarkerTree)],
    part: &MarkerTree,
) -> HashMap<&'a PackageName, &'a Version> {
    let mut out: HashMap<&PackageName, &Version> = HashMap::new();
    for (name, version, marker) in locked {
        if !marker.is_disjoint(part) {
            let best = out.entry(name).or_insert(version);
            if version > *best {
                *best = version;
            }
        }
    }
    out
}
