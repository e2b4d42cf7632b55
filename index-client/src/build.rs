//! Metadata only a build can give: the policy saying when the client may build an sdist
//! whose metadata is dynamic, and why a build gave nothing ([`MetadataBuildError`]).
//!
//! The client knows nothing of build backends: a [`crate::MetadataBuilder`] (the CLI
//! installs lockit-build-frontend's) does the work, so the dependency points from the
//! frontend to the client and never back. The trait lives beside the client it is handed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use lockit_resolver::{BuildBan, BuildFailure};
use lockit_types::PackageName;

/// Why a [`MetadataBuilder`] gave no metadata.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataBuildError {
    /// A step of the build failed: which, how, and the tail of its output.
    #[error(transparent)]
    Failed(#[from] BuildFailure),
    /// This builder cannot build local projects.
    #[error("this build frontend cannot build local projects")]
    LocalProjectsUnsupported,
    /// The thread the build ran on panicked.
    #[error("the build panicked: {0}")]
    Panicked(String),
}

impl MetadataBuildError {
    /// The failure as the resolver records it (a builder that could not run has only its
    /// one line).
    pub fn into_failure(self) -> BuildFailure {
        match self {
            MetadataBuildError::Failed(failure) => failure,
            other => BuildFailure::new(other.to_string()),
        }
    }
}

/// When sdists may be built for their metadata (`--no-build`, `--no-build-package`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildPolicy {
    /// Never build (`--no-build`).
    pub no_build: bool,
    /// Never build these (`--no-build-package`).
    pub no_build_packages: HashSet<PackageName>,
}

impl BuildPolicy {
    /// The option that forbids building `name`; `None` when allowed.
    pub fn forbidding(&self, name: &PackageName) -> Option<BuildBan> {
        if self.no_build {
            Some(BuildBan::NoBuild)
        } else if self.no_build_packages.contains(name) {
            Some(BuildBan::NoBuildPackage(name.clone()))
        } else {
            None
        }
    }
}

/// An exclusive lock on `path` (created if missing), held until the file is dropped: one
/// build per sdist even when several processes share a cache. Waits on a blocking thread.
pub(crate) async fn lock_exclusive(path: PathBuf) -> std::io::Result<std::fs::File> {
    tokio::task::spawn_blocking(move || lock_file(&path))
        .await
        .map_err(std::io::Error::other)?
}

fn lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    file.lock()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn policy_names_the_option_that_forbids() {
        let name = PackageName::from_str("Python_NVD3").unwrap();
        let mut policy = BuildPolicy::default();
        assert_eq!(policy.forbidding(&name), None);
        policy.no_build_packages.insert(name.clone());
        assert_eq!(
            policy.forbidding(&name).map(|b| b.to_string()).as_deref(),
            Some("--no-build-package python-nvd3")
        );
        policy.no_build = true;
        assert_eq!(policy.forbidding(&name), Some(BuildBan::NoBuild));
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = lock_file(&path).unwrap();
        let other = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(first);
        assert!(other.try_lock().is_ok());
    }
}
