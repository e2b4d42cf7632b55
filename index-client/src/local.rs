//! Local projects (`-e ./dir`, `./dir`, `name @ file:///dir`): source trees whose metadata
//! a PEP 517 build prepares, and which are then their package's one candidate, as a direct
//! reference's file is. A tree changes under its name and version, so its built metadata
//! is cached under the tree's stamp (every source file's path, size and modification
//! time; see [`crate::tree_stamp`]): any edit builds again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lockit_types::{
    CoreMetadata, DistFile, DistFilename, PackageName, SdistExtension, SdistFilename,
};

use crate::client::parse_metadata;
use crate::{IndexClient, MetadataBuildError};

/// Why a local project's metadata cannot be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalProjectError {
    /// The path is not a folder holding a `pyproject.toml` or `setup.py`.
    #[error("`{}` is not a Python project folder (it has no pyproject.toml or setup.py)", path.display())]
    NotAProject {
        /// The folder, as resolved.
        path: PathBuf,
    },
    /// Building is forbidden, and only a build tells a local project's metadata.
    #[error("the metadata of the local project `{}` must be built, and {flag} forbids building it", path.display())]
    BuildDisabled {
        /// The folder.
        path: PathBuf,
        /// The option that forbids it (`--no-build`, `--no-build-package NAME`).
        flag: lockit_resolver::BuildBan,
    },
    /// The build failed (its output was reported by the frontend).
    #[error("building the metadata of the local project `{}` failed: {reason}", path.display())]
    BuildFailed {
        /// The folder.
        path: PathBuf,
        /// What failed; its one line names the hook and its last error line.
        reason: lockit_resolver::BuildFailure,
    },
    /// The built metadata is malformed, or for another project than the requirement names.
    #[error("the local project `{}` has invalid metadata: {reason}", path.display())]
    BadMetadata {
        /// The folder.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl IndexClient {
    /// The candidate file and metadata of the local project at `dir` (an absolute folder),
    /// built for an editable install when `editable`. `expected` is the name the
    /// requirement gave (`name @ file:///dir`); the metadata must agree. The metadata is
    /// remembered for the run, so the resolver reads it like any other version's; the
    /// file is an sdist of extension [`SdistExtension::Directory`] with a `file://` URL and
    /// no hash.
    pub async fn local_project(
        &self,
        dir: &Path,
        editable: bool,
        expected: Option<&PackageName>,
    ) -> Result<(DistFile, Arc<CoreMetadata>), LocalProjectError> {
        let path = dir.to_path_buf();
        if !dir.join("pyproject.toml").is_file() && !dir.join("setup.py").is_file() {
            return Err(LocalProjectError::NotAProject { path });
        }
        let cache_path = self.local_cache_path(dir, editable);
        let cached = cache_path
            .as_ref()
            .and_then(|p| Some((p, self.disk_cache()?.read(p)?)));
        if let Some((cached_at, bytes)) = cached {
            match self.local_metadata(dir, expected, &bytes) {
                Ok(found) => return Ok(found),
                Err(e) => {
                    if let Some(cache) = self.disk_cache() {
                        cache.drop_entry(cached_at, &e.to_string());
                    }
                }
            }
        }
        let forbidden = match expected {
            Some(name) => self.build_policy().forbidding(name),
            None => self
                .build_policy()
                .no_build
                .then_some(lockit_resolver::BuildBan::NoBuild),
        };
        if let Some(flag) = forbidden {
            return Err(LocalProjectError::BuildDisabled { path, flag });
        }
        let Some(builder) = self.builder() else {
            return Err(LocalProjectError::BuildFailed {
                path,
                reason: lockit_resolver::BuildFailure::new("no build frontend is available"),
            });
        };
        tracing::debug!(
            "building the metadata of the local project {}",
            dir.display()
        );
        let (client, tree) = (self.clone(), path.clone());
        let built =
            tokio::task::spawn_blocking(move || builder.build_tree(&client, &tree, editable))
                .await
                .unwrap_or_else(|e| Err(MetadataBuildError::Panicked(e.to_string())));
        let bytes = built.map_err(|e| LocalProjectError::BuildFailed {
            path: path.clone(),
            reason: e.into_failure(),
        })?;
        let found = self.local_metadata(dir, expected, &bytes)?;
        if let Some(cache) = self.disk_cache() {
            // Also under the stamp after the build: a backend may write into the tree
            // (setuptools-scm's version file), and the next run sees that tree.
            for at in [cache_path, self.local_cache_path(dir, editable)]
                .into_iter()
                .flatten()
            {
                cache.write_metadata(&at, &bytes);
            }
        }
        Ok(found)
    }

    /// Where the metadata built from the tree at `dir`, as it is now, is cached; `None`
    /// without a cache or a stamp.
    fn local_cache_path(&self, dir: &Path, editable: bool) -> Option<PathBuf> {
        let cache = self.disk_cache()?;
        let stamp = crate::tree_stamp::tree_stamp(dir)?;
        Some(cache.metadata_path(&format!("local:{}:{editable}:{stamp}", dir.display())))
    }

    /// The candidate of the local project at `dir` whose built `METADATA` is `bytes`.
    fn local_metadata(
        &self,
        dir: &Path,
        expected: Option<&PackageName>,
        bytes: &[u8],
    ) -> Result<(DistFile, Arc<CoreMetadata>), LocalProjectError> {
        let bad = |reason: String| LocalProjectError::BadMetadata {
            path: dir.to_path_buf(),
            reason,
        };
        let meta = parse_metadata(bytes).map_err(|e| bad(e.to_string()))?;
        if let Some(name) = expected.filter(|n| **n != meta.name) {
            return Err(bad(format!(
                "the requirement names `{name}`, the project is `{}`",
                meta.name
            )));
        }
        let url = lockit_types::folder_url(dir)
            .ok_or_else(|| bad("the path cannot be written as a file:// URL".to_string()))?;
        let folder = DistFilename::Sdist(SdistFilename {
            name: meta.name.clone(),
            version: meta.version.clone(),
            extension: SdistExtension::Directory,
        });
        let file = DistFile::unindexed(folder, url, None);
        let meta = Arc::new(meta);
        self.remember_metadata(&meta);
        Ok((file, meta))
    }
}
