//! A resolution turned into the lock formats' data, apart from their text: the resolver's
//! [`Resolution`] becomes a requirements.txt [`Lock`] or a PEP 751 [`Pylock`], which
//! [`crate::render`] and [`crate::render_pylock`] write (as cargo keeps `EncodableResolve`
//! apart from `Resolve`).

use std::collections::BTreeMap;

use lockit_resolver::Resolution;
use lockit_types::{
    url_file_name, DistFile, DistFilename, PackageName, RequirementOrigin, SdistExtension,
};

use crate::{Header, Lock, LockedPackage, Pylock, PylockFile, PylockPackage, Via};

/// The `sha256:<hex>` hashes of a pin's files, sorted and deduplicated.
pub fn file_hashes(files: &[DistFile]) -> Vec<String> {
    let mut hashes: Vec<String> = files
        .iter()
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

/// The resolution as a requirements.txt lock: every pin with all its files' hashes.
pub fn to_lock(resolution: &Resolution, header: Option<Header>) -> Lock {
    let packages = resolution
        .packages
        .iter()
        .map(|p| LockedPackage {
            name: p.name.clone(),
            version: p.version.clone(),
            hashes: file_hashes(&p.files),
            via: p.dependents.iter().map(|d| via(&d.origin)).collect(),
            marker: None,
            url: p.url.clone(),
        })
        .collect();
    Lock { header, packages }
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
/// one sdist (`.tar.gz` preferred over `.zip`).
pub fn to_pylock(resolution: &Resolution, header: Option<Header>, python: &str) -> Pylock {
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
            let wheels = p
                .files
                .iter()
                .filter(|f| f.filename.is_wheel())
                .filter_map(pylock_file)
                .collect();
            let sdist_rank = |f: &&DistFile| match &f.filename {
                DistFilename::Sdist(s) if s.extension == SdistExtension::TarGz => Some(0),
                DistFilename::Sdist(s) if s.extension == SdistExtension::Zip => Some(1),
                _ => None,
            };
            let sdist = p
                .files
                .iter()
                .filter(|f| f.sha256.is_some())
                .filter_map(|f| sdist_rank(&f).map(|r| (r, f)))
                .min_by_key(|(r, _)| *r)
                .and_then(|(_, f)| pylock_file(f));
            PylockPackage {
                name: p.name.clone(),
                version: p.version.clone(),
                // A direct URL's file comes from no index.
                index: p
                    .files
                    .first()
                    .filter(|_| p.url.is_none())
                    .map(|f| f.index.to_string()),
                dependencies: dependencies.remove(&p.name).unwrap_or_default(),
                sdist,
                wheels,
            }
        })
        .collect();
    Pylock {
        header,
        requires_python: Some(format!(">={python}")),
        packages,
    }
}
