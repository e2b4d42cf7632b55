//! Files named by URL (`name @ https://…/name-1.0-py3-none-any.whl`): the one candidate of
//! a direct reference, hashed by reading it so the lock can pin it with `--hash`.

use lockit_types::{percent_decode, DistFile, DistFilename, PackageName};
use url::Url;

use crate::{IndexClient, IndexError};

/// Why a direct reference cannot be pinned.
#[derive(Debug, thiserror::Error)]
pub enum DirectFileError {
    /// The URL's last segment is not a wheel or sdist of the package.
    #[error("`{name} @ {url}` must point to a wheel or sdist of `{name}`: {reason}")]
    NotADistribution {
        /// The package named.
        name: PackageName,
        /// The URL, without its fragment.
        url: String,
        /// What is wrong with its file name.
        reason: String,
    },
    /// A `#sha256=` fragment that the file does not have.
    #[error("`{name} @ {url}` promises sha256:{promised} but the file has sha256:{actual}")]
    HashMismatch {
        /// The package named.
        name: PackageName,
        /// The URL, without its fragment.
        url: String,
        /// The fragment's hash.
        promised: String,
        /// The file's hash.
        actual: String,
    },
    /// A source archive whose name says no version could not be built for its metadata.
    #[error("`{name} @ {url}`: {source}")]
    Build {
        /// The package named.
        name: PackageName,
        /// The URL, without its fragment.
        url: String,
        /// Why.
        source: Box<crate::LocalProjectError>,
    },
    /// The file could not be read.
    #[error(transparent)]
    Fetch(#[from] IndexError),
}

impl IndexClient {
    /// The file `url` names for `name`, with its sha256 from reading it. A `#sha256=`
    /// fragment is checked, not copied; only offline, where a remote file cannot be read,
    /// is the fragment taken as given.
    pub async fn direct_file(
        &self,
        name: &PackageName,
        url: &Url,
    ) -> Result<DistFile, DirectFileError> {
        let mut location = url.clone();
        let fragment = location.fragment().map(str::to_string);
        location.set_fragment(None);
        let filename = location
            .path_segments()
            .and_then(|mut s| s.next_back())
            .map(percent_decode)
            .unwrap_or_default();
        let promised = fragment
            .as_deref()
            .and_then(|f| f.strip_prefix("sha256="))
            .map(str::to_ascii_lowercase);
        let parsed = match DistFilename::parse(&filename, name) {
            Ok(parsed) => parsed,
            // GitHub's `archive/v1.2.tar.gz`: only a build names the version.
            Err(_) if is_archive(&filename) => {
                return self
                    .archive_file(name, &location, &filename, promised)
                    .await
            }
            Err(e) => {
                return Err(DirectFileError::NotADistribution {
                    name: name.clone(),
                    url: location.to_string(),
                    reason: e.to_string(),
                })
            }
        };
        let sha256 = match (self.file_sha256(location.as_str()).await, promised.as_ref()) {
            (Ok(sha256), _) => sha256,
            (Err(_), Some(promised)) if self.is_offline() => promised.clone(),
            (Err(e), _) => return Err(e.into()),
        };
        if let Some(promised) = promised.filter(|p| !p.eq_ignore_ascii_case(&sha256)) {
            return Err(DirectFileError::HashMismatch {
                name: name.clone(),
                url: location.to_string(),
                promised,
                actual: sha256,
            });
        }
        Ok(DistFile::unindexed(
            parsed,
            location.to_string(),
            Some(sha256),
        ))
    }
}

/// True when `filename` ends as a source archive lockit unpacks.
fn is_archive(filename: &str) -> bool {
    let lower = filename.to_ascii_lowercase();
    [".tar.gz", ".tgz", ".zip", ".tar"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}
