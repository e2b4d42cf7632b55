//! A resolution turned into the lock formats' data, apart from their text: the resolver's
//! [`Resolution`] becomes a requirements.txt [`Lock`] or a PEP 751 [`Pylock`], which
//! [`crate::render`] and [`crate::render_pylock`] write (as cargo keeps `EncodableResolve`
//! apart from `Resolve`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lockit_resolver::{Resolution, ResolvedPackage};
use lockit_types::{
    folder_path, url_file_name, DistFile, DistFilename, MarkerEval, PackageName, RequirementOrigin,
    SdistExtension, SourcedRequirement, Target, Version,
};

use crate::{
    Header, Lock, LockedPackage, ParsedLock, Pylock, PylockDirectory, PylockFile, PylockPackage,
    Via,
};

/// The hashes an existing lock pins, kept on re-lock for every package whose version stays:
/// files uploaded to a release after it was locked are a supply-chain change, which only
/// `--upgrade` / `-P NAME` takes in.
#[derive(Debug, Clone, Default)]
pub struct KeptHashes(BTreeMap<PackageName, (Version, BTreeSet<String>)>);

impl KeptHashes {
    /// The hashes of `lock`'s pins, except those of packages `moving` names.
    pub fn from_lock(lock: &ParsedLock, moving: impl Fn(&PackageName) -> bool) -> Self {
        let kept = lock
            .pins
            .iter()
            .filter(|p| !moving(&p.name))
            .filter_map(|p| {
                let hashes = p
                    .hashes
                    .iter()
                    .chain(p.files.iter().map(|f| &f.hash))
                    .map(|h| h.to_ascii_lowercase())
                    .collect();
                Some((p.name.clone(), (p.version.clone()?, hashes)))
            })
            .collect();
        KeptHashes(kept)
    }

    /// The files of `p` the lock lists: those whose hash is kept when its version did not
    /// change (all of them when none of the kept hashes is still on the index).
    fn files<'a>(&self, p: &'a ResolvedPackage) -> Vec<&'a DistFile> {
        let all = || p.files.iter().collect();
        let Some((version, hashes)) = self.0.get(&p.name) else {
            return all();
        };
        if *version != p.version {
            return all();
        }
        let kept: Vec<&DistFile> = p
            .files
            .iter()
            .filter(|f| {
                f.sha256
                    .as_ref()
                    .is_some_and(|h| hashes.contains(&format!("sha256:{}", h.to_ascii_lowercase())))
            })
            .collect();
        if kept.is_empty() {
            all()
        } else {
            kept
        }
    }
}

/// The `sha256:<hex>` hashes of a pin's files, sorted and deduplicated.
pub fn file_hashes<'a>(files: impl IntoIterator<Item = &'a DistFile>) -> Vec<String> {
    let mut hashes: Vec<String> = files
        .into_iter()
        .filter_map(|f| f.sha256.as_ref().map(|h| format!("sha256:{h}")))
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

/// The `# via` reason a requirement's origin gives: `-r FILE` for an input, the package
/// name for a dependency.
pub fn via(origin: &RequirementOrigin) -> Via {
    match origin {
        RequirementOrigin::Package { name, .. } => Via::Package(name.clone()),
        other => Via::Input(other.source().unwrap_or_default()),
    }
}

/// The resolution as a requirements.txt lock: every pin with its files' hashes (those
/// `kept` from an existing lock where the version did not move).
pub fn to_lock(resolution: &Resolution, header: Option<Header>, kept: &KeptHashes) -> Lock {
    let packages = resolution
        .packages
        .iter()
        .map(|p| LockedPackage {
            name: p.name.clone(),
            version: p.version.clone(),
            extras: p.extras.clone(),
            hashes: file_hashes(kept.files(p)),
            via: p.dependents.iter().map(|d| via(&d.origin)).collect(),
            marker: p.marker.contents().map(|m| m.to_string()),
            url: p.url.clone(),
            editable: None,
        })
        .collect();
    Lock {
        header,
        packages,
        style: Default::default(),
    }
}

/// Marks the pins of editable local projects (`editables`: name to the path as written),
/// which are written `-e ./app` without hashes.
pub fn mark_editables(lock: &mut Lock, editables: &HashMap<PackageName, String>) {
    for p in &mut lock.packages {
        if let Some(path) = editables.get(&p.name) {
            p.editable = Some(path.clone());
            p.hashes.clear();
        }
    }
}

/// Marks the packages of editable local projects in a pylock.toml (`editables`: name to
/// the path as written).
pub fn mark_pylock_editables(lock: &mut Pylock, editables: &HashMap<PackageName, String>) {
    for p in &mut lock.packages {
        if let (Some(path), Some(dir)) = (editables.get(&p.name), p.directory.as_mut()) {
            dir.path = path.clone();
            dir.editable = true;
        }
    }
}

/// Adds `# via -c FILE` to every pin that a constraint from a file applies to (its marker
/// holding for `target`), as pip-compile writes it; constraints from options add nothing.
pub fn add_constraint_vias(lock: &mut Lock, constraints: &[SourcedRequirement], target: &Target) {
    for c in constraints {
        let (RequirementOrigin::File { path, .. }, true) =
            (&c.origin, c.requirement.marker.holds(&target.markers, &[]))
        else {
            continue;
        };
        for p in lock
            .packages
            .iter_mut()
            .filter(|p| p.name == c.requirement.name)
        {
            p.via.push(Via::Constraint(path.display().to_string()));
        }
    }
}

fn pylock_file(f: &DistFile) -> Option<PylockFile> {
    Some(PylockFile {
        name: url_file_name(&f.url),
        url: f.url.clone(),
        upload_time: f.upload_time.map(|t| t.to_string()),
        size: f.size,
        sha256: f.sha256.clone()?,
    })
}

/// The resolution as a PEP 751 lock for Python `python` (`3.12`): every hashed wheel and
/// one sdist (`.tar.gz` preferred over `.zip`), of the files `kept` allows.
pub fn to_pylock(
    resolution: &Resolution,
    header: Option<Header>,
    python: &str,
    kept: &KeptHashes,
) -> Pylock {
    let mut dependencies: BTreeMap<PackageName, Vec<PackageName>> = BTreeMap::new();
    for p in &resolution.packages {
        for d in &p.dependents {
            if let RequirementOrigin::Package { name, .. } = &d.origin {
                dependencies
                    .entry(name.clone())
                    .or_default()
                    .push(p.name.clone());
            }
        }
    }
    let packages = resolution
        .packages
        .iter()
        .map(|p| {
            let files = kept.files(p);
            let wheels = files
                .iter()
                .filter(|f| f.filename.is_wheel())
                .filter_map(|f| pylock_file(f))
                .collect();
            let sdist_rank = |f: &&DistFile| match &f.filename {
                DistFilename::Sdist(s) if s.extension == SdistExtension::TarGz => Some(0),
                DistFilename::Sdist(s) if s.extension == SdistExtension::Zip => Some(1),
                _ => None,
            };
            let sdist = files
                .iter()
                .copied()
                .filter(|f| f.sha256.is_some())
                .filter_map(|f| sdist_rank(&f).map(|r| (r, f)))
                .min_by_key(|(r, _)| *r)
                .and_then(|(_, f)| pylock_file(f));
            PylockPackage {
                name: p.name.clone(),
                version: p.version.clone(),
                marker: p.marker.contents().map(|m| m.to_string()),
                // A direct URL's file comes from no index.
                index: p
                    .files
                    .first()
                    .filter(|_| p.url.is_none())
                    .map(|f| f.index.to_string()),
                dependencies: dependencies.remove(&p.name).unwrap_or_default(),
                sdist,
                wheels,
                directory: p
                    .files
                    .iter()
                    .find(|f| f.filename.is_folder())
                    .and_then(|f| folder_path(&f.url))
                    .map(|path| PylockDirectory {
                        path: path.display().to_string(),
                        editable: false,
                    }),
            }
        })
        .collect();
    Pylock {
        header,
        requires_python: Some(format!(">={python}")),
        packages,
    }
}
