//! Where each pin of one fork is installed: the markers along the paths that reach it.

use std::collections::{BTreeMap, HashMap};

use lockit_types::{ExtraName, SourcedRequirement, Version};
use pep508_rs::MarkerTree;

use crate::markers::without_extras;
use crate::package::Pkg;

/// Where each selected package is installed: the union, over the paths from the root, of
/// the markers along them, within `space`.
pub(crate) fn reach(
    selected: &HashMap<Pkg, Version>,
    edges: &HashMap<(Pkg, Version), Vec<SourcedRequirement>>,
    space: &MarkerTree,
) -> BTreeMap<Pkg, MarkerTree> {
    let mut reached: BTreeMap<Pkg, MarkerTree> = BTreeMap::new();
    reached.insert(Pkg::Root, space.clone());
    // Markers only grow, and each can take finitely many values: this settles.
    loop {
        let mut changed = false;
        for (pkg, version) in selected {
            let Some(from) = reached.get(pkg).cloned() else {
                continue;
            };
            let Some(list) = edges.get(&(pkg.clone(), version.clone())) else {
                continue;
            };
            let extras: Vec<ExtraName> = match pkg {
                Pkg::Extra(_, extra) => vec![extra.clone()],
                _ => Vec::new(),
            };
            for edge in list {
                let req = &edge.requirement;
                let mut marker = without_extras(&req.marker, &extras);
                marker.and(from.clone());
                if marker.is_false() {
                    continue;
                }
                let children = std::iter::once(Pkg::Project(req.name.clone())).chain(
                    req.extras
                        .iter()
                        .map(|e| Pkg::Extra(req.name.clone(), e.clone())),
                );
                for child in children {
                    if !selected.contains_key(&child) {
                        continue;
                    }
                    let entry = reached.entry(child).or_insert(MarkerTree::FALSE);
                    let mut grown = entry.clone();
                    grown.or(marker.clone());
                    if grown != *entry {
                        *entry = grown;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            return reached;
        }
    }
}
