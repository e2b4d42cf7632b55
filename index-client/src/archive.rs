//! Source archives named by URL whatever their file name (GitHub's `archive/v1.2.tar.gz`,
//! a `git archive` of a project): downloaded and hashed like any direct file, unpacked once
//! per sha256 into the cache, and built as a local project, since only the build says the
//! name and version such a name does not.

use std::io::Read;
use std::path::{Path, PathBuf};

use lockit_types::{DistFile, DistFilename, PackageName, SdistExtension, SdistFilename, Version};
use url::Url;

use crate::{DirectFileError, IndexClient, IndexError};

/// Cap on bytes unpacked from one archive, against archive bombs.
const MAX_UNPACKED: u64 = 4 * 1024 * 1024 * 1024;

impl IndexClient {
    /// The candidate of `name` from the source archive at `location` (no fragment), whose
    /// file name is not `name-version.tar.gz`: hashed (and checked against `promised`),
    /// unpacked under the cache by its hash, built for its metadata.
    pub(crate) async fn archive_file(
        &self,
        name: &PackageName,
        location: &Url,
        filename: &str,
        promised: Option<String>,
    ) -> Result<DistFile, DirectFileError> {
        let root = match self.disk_cache() {
            Some(cache) => cache.git_path("archives", location.as_str()),
            None => std::env::temp_dir().join(format!("lockit-archives-{}", std::process::id())),
        };
        let io = |e: std::io::Error| {
            DirectFileError::Fetch(IndexError::Io {
                path: location.to_string(),
                message: e.to_string(),
            })
        };
        std::fs::create_dir_all(&root).map_err(io)?;
        let download = root.join("download");
        let placeholder = DistFile::unindexed(
            DistFilename::Sdist(SdistFilename {
                name: name.clone(),
                version: Version::new([0]),
                extension: SdistExtension::TarGz,
            }),
            location.to_string(),
            None,
        );
        let sha256 = match self.download(&placeholder, &download).await {
            Ok(sha256) => sha256,
            // Offline, the tree unpacked before (under the promised hash) still serves.
            Err(_) if self.is_offline() && promised.is_some() => {
                promised.clone().unwrap_or_default()
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(promised) = promised.filter(|p| !p.eq_ignore_ascii_case(&sha256)) {
            return Err(DirectFileError::HashMismatch {
                name: name.clone(),
                url: location.to_string(),
                promised,
                actual: sha256,
            });
        }
        let tree = root.join(&sha256);
        if !tree.is_dir() {
            let lower = filename.to_ascii_lowercase();
            let partial = tempfile::tempdir_in(&root).map_err(io)?;
            unpack(&download, &lower, partial.path()).map_err(|reason| {
                DirectFileError::NotADistribution {
                    name: name.clone(),
                    url: location.to_string(),
                    reason,
                }
            })?;
            let partial = partial.keep();
            if std::fs::rename(&partial, &tree).is_err() {
                let _ = std::fs::remove_dir_all(&partial);
            }
        }
        let _ = std::fs::remove_file(&download);
        let project = project_folder(&tree).ok_or_else(|| DirectFileError::NotADistribution {
            name: name.clone(),
            url: location.to_string(),
            reason: "the archive holds no project folder (pyproject.toml or setup.py)".into(),
        })?;
        let (mut file, _) = self
            .local_project(&project, false, Some(name))
            .await
            .map_err(|e| DirectFileError::Build {
                name: name.clone(),
                url: location.to_string(),
                source: Box::new(e),
            })?;
        file.url = location.to_string();
        file.sha256 = Some(sha256);
        Ok(file)
    }
}

/// Unpacks the archive at `path` (named `lower`, lowercased) into `dest`; entries that would
/// land outside it are refused by the readers.
fn unpack(path: &Path, lower: &str, dest: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    if lower.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
            .map_err(|e| format!("not a zip archive: {e}"))?;
        return zip.extract(dest).map_err(|e| format!("corrupt zip: {e}"));
    }
    let reader: Box<dyn Read> = if lower.ends_with(".tar") {
        Box::new(std::io::BufReader::new(file).take(MAX_UNPACKED))
    } else {
        Box::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)).take(MAX_UNPACKED))
    };
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_mtime(false);
    archive
        .unpack(dest)
        .map_err(|e| format!("corrupt tarball: {e}"))
}

/// The project in an unpacked archive: its top, or its one top-level folder.
fn project_folder(tree: &Path) -> Option<PathBuf> {
    let is_project = |p: &Path| p.join("pyproject.toml").is_file() || p.join("setup.py").is_file();
    if is_project(tree) {
        return Some(tree.to_path_buf());
    }
    let mut dirs = std::fs::read_dir(tree)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path());
    let only = dirs.next()?;
    (dirs.next().is_none() && is_project(&only)).then_some(only)
}
