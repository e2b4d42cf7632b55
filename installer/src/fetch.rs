//! Files for the pins to install: each found by its locked hash (on the index the lock
//! names, or at its URL), downloaded in parallel through the index client, checked
//! against the lock's hashes, and unpacked once into the cache under its sha256
//! (`wheels-v1/<sha256>/`), from where installs link it. A pin with a cached wheel that
//! fits the interpreter needs no network at all.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use lockit_index_client::IndexClient;
use lockit_types::{url_file_name, DistFile, DistFilename, PackageName, Target};
use serde::{Deserialize, Serialize};

use crate::wanted::Wanted;
use crate::SyncError;

/// Bump when the layout of an unpacked wheel in the cache changes.
const WHEELS_DIR: &str = "wheels-v1";
/// Downloads at once.
const PARALLEL: usize = 32;

/// A wheel ready to install: unpacked in the cache, checked against the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The wheel's file name.
    pub filename: String,
    /// The unpacked wheel.
    pub dir: PathBuf,
    /// Its sha256, one of the lock's.
    pub sha256: String,
}

/// What the cache records beside an unpacked wheel.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    filename: String,
}

/// The unpacked-wheel cache under `root`.
#[derive(Debug, Clone)]
pub struct WheelCache {
    root: PathBuf,
}

impl WheelCache {
    /// The cache under lockit's cache root.
    pub fn new(cache_root: &Path) -> WheelCache {
        WheelCache {
            root: cache_root.join(WHEELS_DIR),
        }
    }

    /// The unpacked wheel with `sha256` whose name the interpreter accepts, if cached.
    pub fn lookup(&self, sha256: &str, name: &PackageName, target: &Target) -> Option<Fetched> {
        let bytes = std::fs::read(self.root.join(format!("{sha256}.json"))).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        let dir = self.root.join(sha256);
        let parsed = DistFilename::parse(&entry.filename, name).ok()?;
        let fits = parsed
            .as_wheel()
            .is_some_and(|w| target.tags.is_compatible(w));
        (fits && dir.is_dir()).then(|| Fetched {
            filename: entry.filename,
            dir,
            sha256: sha256.to_string(),
        })
    }

    /// The wheel built from the sdist with `sdist_sha256`, if one was built and cached.
    pub fn built(
        &self,
        sdist_sha256: &str,
        name: &PackageName,
        target: &Target,
    ) -> Option<Fetched> {
        let bytes = std::fs::read(self.root.join(format!("built-{sdist_sha256}"))).ok()?;
        let wheel_sha256 = String::from_utf8(bytes).ok()?;
        self.lookup(wheel_sha256.trim(), name, target)
    }

    /// Records that the sdist with `sdist_sha256` builds into the cached wheel `wheel`.
    fn record_built(&self, sdist_sha256: &str, wheel: &Fetched) -> Result<(), SyncError> {
        let path = self.root.join(format!("built-{sdist_sha256}"));
        let part = self.root.join(format!("built-{sdist_sha256}.part"));
        std::fs::write(&part, &wheel.sha256)
            .and_then(|()| std::fs::rename(&part, &path))
            .map_err(|e| SyncError::io("cannot write the cache entry", &path, e))
    }

    /// Unpacks the checked `wheel` file as the entry for `sha256` (another process may
    /// have stored it first: then its entry is used).
    pub fn store(&self, wheel: &Path, filename: &str, sha256: &str) -> Result<Fetched, SyncError> {
        std::fs::create_dir_all(&self.root)
            .map_err(|e| SyncError::io("cannot create the cache folder", &self.root, e))?;
        let dir = self.root.join(sha256);
        let entry_path = self.root.join(format!("{sha256}.json"));
        if !(dir.is_dir() && entry_path.is_file()) {
            let scratch = tempfile::Builder::new()
                .prefix(".unpack-")
                .tempdir_in(&self.root)
                .map_err(|e| SyncError::io("cannot make a scratch folder in", &self.root, e))?;
            unzip(wheel, scratch.path())
                .map_err(|e| SyncError::Fetch(format!("cannot unpack `{filename}`: {e}")))?;
            let unpacked = scratch.keep();
            if dir.exists() {
                // Left by a run killed between the rename and the entry: replace it.
                let _ = std::fs::remove_dir_all(&dir);
            }
            if let Err(e) = std::fs::rename(&unpacked, &dir) {
                let _ = std::fs::remove_dir_all(&unpacked);
                if !dir.is_dir() {
                    return Err(SyncError::io("cannot store in the cache", &dir, e));
                }
            }
            let entry = serde_json::to_vec(&Entry {
                filename: filename.to_string(),
            })
            .map_err(|e| SyncError::Fetch(e.to_string()))?;
            let part = entry_path.with_extension("json.part");
            std::fs::write(&part, entry)
                .and_then(|()| std::fs::rename(&part, &entry_path))
                .map_err(|e| SyncError::io("cannot write the cache entry", &entry_path, e))?;
        }
        Ok(Fetched {
            filename: filename.to_string(),
            dir,
            sha256: sha256.to_string(),
        })
    }
}

/// Unpacks the zip at `wheel` into `dest`, refusing paths that leave it.
fn unzip(wheel: &Path, dest: &Path) -> Result<(), String> {
    let file = std::fs::File::open(wheel).map_err(|e| e.to_string())?;
    let mut archive =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| e.to_string())?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let Some(relative) = entry.enclosed_name() else {
            return Err(format!(
                "the entry `{}` leaves the wheel",
                entry.name_raw().escape_ascii()
            ));
        };
        let path = dest.join(relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&path).map_err(|e| e.to_string())?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut out = std::fs::File::create(&path).map_err(|e| e.to_string())?;
        std::io::copy(&mut entry, &mut out).map_err(|e| e.to_string())?;
        #[cfg(unix)]
        if let Some(mode) = entry.unix_mode().filter(|m| m & 0o111 != 0) {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o777));
        }
    }
    Ok(())
}

/// The file to install for `pin`: the wheel among its locked hashes that the interpreter
/// likes best. `Err` names why there is none.
async fn choose(
    client: &IndexClient,
    pin: &Wanted,
    target: &Target,
) -> Result<DistFile, SyncError> {
    let hashes: Vec<&str> = pin.sha256s().collect();
    if let Some(url) = &pin.url {
        let name = url_file_name(url);
        let filename =
            DistFilename::parse(&name, &pin.name).map_err(|e| SyncError::Unsupported {
                name: pin.name.to_string(),
                message: format!("`{url}` is not a wheel or sdist: {e}"),
            })?;
        return Ok(DistFile::unindexed(filename, url.clone(), None));
    }
    let project = client.project(&pin.name).await.map_err(|e| {
        SyncError::Fetch(format!("cannot read the index page of `{}`: {e}", pin.name))
    })?;
    let version = pin.version.as_ref();
    let candidates: Vec<&DistFile> = project
        .files()
        .filter(|f| Some(f.filename.version()) == version)
        .filter(|f| f.sha256.as_deref().is_some_and(|h| hashes.contains(&h)))
        .collect();
    let best = candidates
        .iter()
        .filter_map(|f| {
            let wheel = f.filename.as_wheel()?;
            Some((target.tags.compatibility(wheel)?, *f))
        })
        .max_by_key(|(priority, _)| *priority)
        .map(|(_, f)| f);
    let sdist = candidates.iter().find(|f| !f.filename.is_wheel());
    match best.or(sdist.copied()) {
        Some(file) => Ok(file.clone()),
        None => Err(SyncError::Fetch(format!(
            "no file of {} on the index has a hash the lock allows and fits {} (line {})",
            pin.describe(),
            target.describe(),
            pin.line
        ))),
    }
}

/// Fetches every pin (cache first), `PARALLEL` at a time; `progress` is told of each one
/// done. All or nothing: the first failure is returned once the others stop.
pub async fn fetch_all(
    client: &IndexClient,
    cache: &WheelCache,
    pins: &[Wanted],
    target: &Target,
    builder: Option<&Builder>,
    progress: &(dyn Fn(&Wanted) + Sync),
) -> Result<Vec<(Wanted, Fetched)>, SyncError> {
    let scratch = Arc::new(
        tempfile::Builder::new()
            .prefix(".download-")
            .tempdir_in({
                std::fs::create_dir_all(&cache.root)
                    .map_err(|e| SyncError::io("cannot create the cache folder", &cache.root, e))?;
                &cache.root
            })
            .map_err(|e| SyncError::io("cannot make a scratch folder in", &cache.root, e))?,
    );
    let jobs = pins.iter().map(|pin| {
        let scratch = Arc::clone(&scratch);
        async move {
            let fetched = fetch_one(client, cache, pin, target, scratch.path(), builder).await?;
            progress(pin);
            Ok::<_, SyncError>((pin.clone(), fetched))
        }
    });
    let mut stream = futures::stream::iter(jobs).buffer_unordered(PARALLEL);
    let mut out = Vec::with_capacity(pins.len());
    while let Some(result) = stream.next().await {
        out.push(result?);
    }
    out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    Ok(out)
}

/// One pin: from the cache, else downloaded, checked and unpacked.
async fn fetch_one(
    client: &IndexClient,
    cache: &WheelCache,
    pin: &Wanted,
    target: &Target,
    scratch: &Path,
    builder: Option<&Builder>,
) -> Result<Fetched, SyncError> {
    if let Some(folder) = &pin.editable {
        let Some(builder) = builder else {
            return Err(SyncError::Unsupported {
                name: pin.name.to_string(),
                message: "an editable needs a build, and no build is possible here".into(),
            });
        };
        return build_editable(builder, cache, pin, folder, scratch).await;
    }
    if pin.hashes.is_empty() {
        return Err(SyncError::Fetch(format!(
            "line {} pins {} without a hash: sync installs only checked files (lock with hashes: `lockit resolve`, `pip-compile --generate-hashes`)",
            pin.line,
            pin.describe()
        )));
    }
    if let Some(hit) = pin
        .sha256s()
        .find_map(|h| cache.lookup(h, &pin.name, target))
    {
        return Ok(hit);
    }
    let file = choose(client, pin, target).await?;
    let name = url_file_name(&file.url);
    if !file.filename.is_wheel() {
        if let Some(hit) = pin
            .sha256s()
            .find_map(|h| cache.built(h, &pin.name, target))
        {
            return Ok(hit);
        }
    }
    let dest = scratch.join(&name);
    let sha256 = client.download(&file, &dest).await.map_err(|e| {
        SyncError::Fetch(format!(
            "cannot download `{name}` for {}: {e}",
            pin.describe()
        ))
    })?;
    if !pin.sha256s().any(|h| h.eq_ignore_ascii_case(&sha256)) {
        return Err(SyncError::Fetch(format!(
            "`{name}` has sha256 {sha256}, which the lock does not allow for {} (line {}); nothing was changed",
            pin.describe(),
            pin.line
        )));
    }
    if !file.filename.is_wheel() {
        let Some(builder) = builder else {
            return Err(SyncError::Unsupported {
                name: pin.name.to_string(),
                message: format!("`{name}` is an sdist and no build is possible here"),
            });
        };
        return build(builder, cache, pin, &file, &dest, &sha256, scratch).await;
    }
    let cache = cache.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let stored = cache.store(&dest, &name, &sha256);
        let _ = std::fs::remove_file(&dest);
        stored
    })
    .await
    .map_err(|e| SyncError::Fetch(e.to_string()))??;
    Ok(stored)
}

/// Builds wheels from sdists with lockit's PEP 517 frontend, with the environment's
/// interpreter, and the client build requirements are fetched through.
pub struct Builder {
    /// The frontend.
    pub frontend: std::sync::Arc<lockit_build_frontend::BuildFrontend>,
    /// The client the frontend resolves and fetches build requirements with.
    pub client: IndexClient,
}

/// Builds the checked sdist at `sdist` into a wheel (`build_wheel`), caches it unpacked and
/// records it under the sdist's hash, so the next sync of that pin builds nothing.
async fn build(
    builder: &Builder,
    cache: &WheelCache,
    pin: &Wanted,
    file: &DistFile,
    sdist: &Path,
    sdist_sha256: &str,
    scratch: &Path,
) -> Result<Fetched, SyncError> {
    let frontend = std::sync::Arc::clone(&builder.frontend);
    let client = builder.client.clone();
    let name = pin.name.clone();
    let version = file.filename.version().clone();
    let filename = url_file_name(&file.url);
    let sdist = sdist.to_path_buf();
    let out_dir = scratch.join(format!("built-{sdist_sha256}"));
    let cache = cache.clone();
    let sdist_sha256 = sdist_sha256.to_string();
    let describe = pin.describe();
    tokio::task::spawn_blocking(move || {
        let open =
            std::fs::File::open(&sdist).map_err(|e| SyncError::io("cannot open", &sdist, e))?;
        eprintln!("Building {describe} from its sdist");
        let wheel = frontend
            .build_sdist_wheel(&client, &name, &version, open, &filename, &out_dir)
            .map_err(|e| SyncError::Install(format!("cannot build {describe}: {e}")))?;
        let wheel_name = wheel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&wheel).map_err(|e| SyncError::io("cannot read", &wheel, e))?;
        let wheel_sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        let stored = cache.store(&wheel, &wheel_name, &wheel_sha256)?;
        cache.record_built(&sdist_sha256, &stored)?;
        Ok(stored)
    })
    .await
    .map_err(|e| SyncError::Fetch(e.to_string()))?
}

/// Builds the editable wheel of the local project at `folder` (PEP 660) and unpacks it
/// into the cache under its own hash (a folder has no locked hash to check).
async fn build_editable(
    builder: &Builder,
    cache: &WheelCache,
    pin: &Wanted,
    folder: &Path,
    scratch: &Path,
) -> Result<Fetched, SyncError> {
    let frontend = std::sync::Arc::clone(&builder.frontend);
    let client = builder.client.clone();
    let folder = folder.to_path_buf();
    let out_dir = scratch.join(format!("editable-{}", pin.name));
    let cache = cache.clone();
    let describe = format!("{} (editable, {})", pin.name, folder.display());
    tokio::task::spawn_blocking(move || {
        eprintln!("Building {describe}");
        let wheel = frontend
            .build_tree_wheel(&client, &folder, true, &out_dir)
            .map_err(|e| SyncError::Install(format!("cannot build {describe}: {e}")))?;
        let wheel_name = wheel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&wheel).map_err(|e| SyncError::io("cannot read", &wheel, e))?;
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        cache.store(&wheel, &wheel_name, &sha256)
    })
    .await
    .map_err(|e| SyncError::Fetch(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::str::FromStr;

    use super::*;

    fn wheel(dir: &Path, members: &[(&str, &str)]) -> PathBuf {
        let path = dir.join("six-1.17.0-py2.py3-none-any.whl");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (name, text) in members {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    fn target(platform: &str) -> Target {
        Target::new("3.12", platform.parse().unwrap()).unwrap()
    }

    #[test]
    fn a_stored_wheel_is_unpacked_once_and_found_by_hash_for_a_fitting_target() {
        let tmp = tempfile::tempdir().unwrap();
        let file = wheel(
            tmp.path(),
            &[("six.py", "x = 1\n"), ("six-1.17.0.dist-info/RECORD", "")],
        );
        let cache = WheelCache::new(&tmp.path().join("cache"));
        let six = PackageName::from_str("six").unwrap();
        assert_eq!(
            cache.lookup("ab", &six, &target("x86_64-manylinux_2_28")),
            None
        );
        let stored = cache
            .store(&file, "six-1.17.0-py2.py3-none-any.whl", "ab")
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(stored.dir.join("six.py")).unwrap(),
            "x = 1\n"
        );
        let found = cache.lookup("ab", &six, &target("x86_64-pc-windows-msvc"));
        assert_eq!(found, Some(stored));
    }

    #[test]
    fn a_cached_wheel_for_another_platform_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let file = wheel(tmp.path(), &[("m.py", "")]);
        let cache = WheelCache::new(&tmp.path().join("cache"));
        let name = "numpy-2.3.5-cp312-cp312-win_amd64.whl";
        cache.store(&file, name, "cd").unwrap();
        let numpy = PackageName::from_str("numpy").unwrap();
        assert!(cache
            .lookup("cd", &numpy, &target("x86_64-manylinux_2_28"))
            .is_none());
        assert!(cache
            .lookup("cd", &numpy, &target("x86_64-pc-windows-msvc"))
            .is_some());
    }

    #[test]
    fn an_entry_that_leaves_the_wheel_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let file = wheel(tmp.path(), &[("../evil.py", "")]);
        let cache = WheelCache::new(&tmp.path().join("cache"));
        let err = cache
            .store(&file, "six-1.17.0-py2.py3-none-any.whl", "ef")
            .unwrap_err();
        assert!(err.to_string().contains("leaves the wheel"), "{err}");
        assert!(!tmp.path().join("evil.py").exists());
    }
}
