//! Walking a given set of pins (a lock) from the inputs through the index's metadata,
//! without solving: which pins the inputs reach, and every requirement met on the way.
//! `lockit verify --offline` checks a lock's closure with it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use lockit_types::{
    DistFile, ExtraName, MarkerEval, PackageName, ProjectFiles, Requirement, Version,
};

use crate::candidates::VersionMap;
use crate::index::Index;
use crate::options::ResolveOptions;

/// What [`walk_pins`] meets, in the order it meets it.
#[derive(Debug)]
pub enum PinVisit<'a> {
    /// A pin reached from the inputs, with the index's files for its version (not called
    /// when the index lists none).
    Files {
        /// The pinned package.
        name: &'a PackageName,
        /// Its files on the index.
        files: &'a [DistFile],
    },
    /// A requirement of a reached pin whose marker holds for the target (with the pin's
    /// requested extras), `--override` applied.
    Requires {
        /// The pinned package that declares it.
        name: &'a PackageName,
        /// Its pinned version.
        version: &'a Version,
        /// The requirement.
        requirement: &'a Requirement,
    },
}

/// What a walk could and could not reach.
#[derive(Debug, Default)]
pub struct PinWalk {
    /// Every name the walk reached (pinned or not).
    pub reached: BTreeSet<PackageName>,
    /// Pins whose project page or metadata could not be read, so their requirements were
    /// not followed.
    pub unchecked: BTreeSet<PackageName>,
}

/// Walks `pins` from `roots` (names with the extras asked of them) through the metadata
/// `index` has for each pinned version, calling `visit` for what it meets. A name that is
/// not pinned is reached but not followed.
pub fn walk_pins(
    index: &dyn Index,
    pins: &BTreeMap<PackageName, Version>,
    roots: Vec<(PackageName, Vec<ExtraName>)>,
    options: &ResolveOptions,
    visit: &mut dyn FnMut(PinVisit<'_>),
) -> PinWalk {
    let mut walk = PinWalk::default();
    let mut wanted = roots;
    let mut extras_seen: HashMap<PackageName, BTreeSet<ExtraName>> = HashMap::new();
    while let Some((name, extras)) = wanted.pop() {
        let seen = extras_seen.entry(name.clone()).or_default();
        let new_extras: Vec<ExtraName> = extras
            .into_iter()
            .filter(|e| seen.insert(e.clone()))
            .collect();
        if !walk.reached.insert(name.clone()) && new_extras.is_empty() {
            continue;
        }
        // A file named by URL or path is its package's one candidate, whatever the index
        // has; its pin in the lock carries no version.
        let direct = options.direct.get(&name);
        let Some(version) = pins.get(&name).or(direct.map(|f| f.filename.version())) else {
            continue;
        };
        let project = match direct {
            Some(file) => Ok(Arc::new(ProjectFiles::new(
                name.clone(),
                vec![file.clone()],
            ))),
            None => index.project(&name),
        };
        let Ok(project) = project else {
            walk.unchecked.insert(name);
            continue;
        };
        let files = project.files_of(version);
        if !files.is_empty() {
            visit(PinVisit::Files { name: &name, files });
        }
        // The files in the order the resolver reads metadata from, so the cache has it.
        let map = VersionMap::new(&project, options);
        let owned: Vec<DistFile> = match map.get(version).map(|e| e.metadata_files()) {
            Some(Ok(usable)) => usable.to_vec(),
            _ => files.to_vec(),
        };
        let Ok(meta) = index.metadata(&name, version, &owned) else {
            walk.unchecked.insert(name);
            continue;
        };
        let all_extras: Vec<ExtraName> = extras_seen
            .get(&name)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        for dep in &meta.requires_dist {
            if !dep
                .marker
                .holds(&options.environment.target().markers, &all_extras)
            {
                continue;
            }
            for dep in options.overridden(dep) {
                visit(PinVisit::Requires {
                    name: &name,
                    version,
                    requirement: dep,
                });
                wanted.push((dep.name.clone(), dep.extras.clone()));
            }
        }
    }
    walk
}
