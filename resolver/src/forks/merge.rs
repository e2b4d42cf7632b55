//! Merging finished forks into one lock.

use std::collections::BTreeMap;

use lockit_types::{DistFilename, PackageName, Version};

use crate::markers::{python_at_least, readable, wheel_marker};
use crate::resolution::{dependent_order, Resolution, ResolvedPackage};

/// One pin per (name, version) over all forks, under the union of their markers, written
/// without the Python floor every environment of the lock has.
pub(crate) fn merge(forks: Vec<Resolution>, floor: &Version) -> Resolution {
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
