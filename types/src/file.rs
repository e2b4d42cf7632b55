//! One file an index publishes for a project, as listed on its Simple API page.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use crate::filename::{DistFilename, FilenameError};
use crate::{PackageName, Version, VersionSpecifiers};

/// Whether (and why) a file was yanked (PEP 592).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Yanked {
    /// Not yanked.
    #[default]
    No,
    /// Yanked, with the reason the index gave (possibly empty).
    Yes(String),
}

impl Yanked {
    /// True when the file is yanked.
    pub fn is_yanked(&self) -> bool {
        matches!(self, Yanked::Yes(_))
    }
}

/// A distribution file (wheel or sdist) of one project version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistFile {
    /// The parsed filename; it carries the version and, for wheels, the tags.
    pub filename: DistFilename,
    /// Absolute URL of the file, without the `#sha256=` fragment.
    pub url: String,
    /// Lowercase hex sha256 of the file, when the index gave one.
    pub sha256: Option<String>,
    /// `data-requires-python` / `requires-python`; `None` when absent or unparsable.
    pub requires_python: Option<VersionSpecifiers>,
    /// PEP 592 yank status.
    pub yanked: Yanked,
    /// PEP 700 upload time, when known.
    pub upload_time: Option<jiff::Timestamp>,
    /// File size in bytes, when known.
    pub size: Option<u64>,
    /// PEP 658/714: the index serves `<url>.metadata`; the value is its sha256 when given.
    pub core_metadata: Option<Option<String>>,
    /// Which index (base URL) served this file; shared by every file of a page.
    pub index: Arc<str>,
}

impl DistFile {
    /// A file no index lists: a direct reference's (`name @ https://…`, with the sha256
    /// read from it) or a local project's folder (no hash).
    pub fn unindexed(filename: DistFilename, url: String, sha256: Option<String>) -> Self {
        DistFile {
            filename,
            url,
            sha256,
            requires_python: None,
            yanked: Yanked::No,
            upload_time: None,
            size: None,
            core_metadata: None,
            index: "".into(),
        }
    }
}

/// Decodes the files of one release on first use, so that a cached page with thousands of
/// releases costs only the few the solver looks at.
pub trait ReleaseSource: Send + Sync + std::fmt::Debug {
    /// The files of release number `release` (in ascending version order), in index order.
    fn files(&self, release: usize) -> Vec<DistFile>;
}

#[derive(Debug, Clone)]
struct Release {
    version: Version,
    files: OnceLock<Vec<DistFile>>,
}

/// Every file one index lists for a project, grouped by version (ascending).
#[derive(Debug, Clone)]
pub struct ProjectFiles {
    /// The normalized project name.
    pub name: PackageName,
    releases: Vec<Release>,
    source: Option<Arc<dyn ReleaseSource>>,
}

impl ProjectFiles {
    /// Groups `files` by version; files of one version keep their order.
    pub fn new(name: PackageName, mut files: Vec<DistFile>) -> Self {
        files.sort_by(|a, b| a.filename.version().cmp(b.filename.version()));
        let mut releases: Vec<Release> = Vec::new();
        for file in files {
            match releases.last_mut() {
                Some(r) if &r.version == file.filename.version() => {
                    if let Some(list) = r.files.get_mut() {
                        list.push(file);
                    }
                }
                _ => releases.push(Release {
                    version: file.filename.version().clone(),
                    files: OnceLock::from(vec![file]),
                }),
            }
        }
        ProjectFiles {
            name,
            releases,
            source: None,
        }
    }

    /// Releases whose files `source` decodes when first asked; `versions` must be
    /// ascending and distinct, release `i` being `versions[i]`.
    pub fn lazy(name: PackageName, versions: Vec<Version>, source: Arc<dyn ReleaseSource>) -> Self {
        debug_assert!(versions.windows(2).all(|w| w[0] < w[1]));
        let releases = versions
            .into_iter()
            .map(|version| Release {
                version,
                files: OnceLock::new(),
            })
            .collect();
        ProjectFiles {
            name,
            releases,
            source: Some(source),
        }
    }

    /// The versions, ascending.
    pub fn versions(&self) -> impl DoubleEndedIterator<Item = &Version> + ExactSizeIterator {
        self.releases.iter().map(|r| &r.version)
    }

    /// The files of release number `release` (see [`ProjectFiles::versions`]).
    pub fn release(&self, release: usize) -> &[DistFile] {
        let Some(r) = self.releases.get(release) else {
            return &[];
        };
        r.files.get_or_init(|| {
            self.source
                .as_ref()
                .map(|s| s.files(release))
                .unwrap_or_default()
        })
    }

    /// The position of `version` among the releases.
    pub fn position(&self, version: &Version) -> Option<usize> {
        self.releases
            .binary_search_by(|r| r.version.cmp(version))
            .ok()
    }

    /// The files of `version` (none when the index does not list it).
    pub fn files_of(&self, version: &Version) -> &[DistFile] {
        self.position(version).map_or(&[], |i| self.release(i))
    }

    /// Every file, in version order.
    pub fn files(&self) -> impl Iterator<Item = &DistFile> {
        (0..self.releases.len()).flat_map(|i| self.release(i))
    }

    /// True when the project has no files.
    pub fn is_empty(&self) -> bool {
        self.releases.is_empty()
    }
}

impl PartialEq for ProjectFiles {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.files().eq(other.files())
    }
}

impl Eq for ProjectFiles {}

/// Parses what the files of one project page repeat, once per distinct string: the wheels
/// of a release share its version, and a page has a handful of `requires-python` values
/// for thousands of files.
#[derive(Debug, Default)]
pub struct PageInterner {
    versions: HashMap<Box<str>, Option<Version>>,
    specifiers: HashMap<Box<str>, Option<VersionSpecifiers>>,
}

impl PageInterner {
    /// `text` as a version, `None` when it is not one.
    pub fn version(&mut self, text: &str) -> Option<Version> {
        if let Some(v) = self.versions.get(text) {
            return v.clone();
        }
        let v = Version::from_str(text).ok();
        self.versions.insert(text.into(), v.clone());
        v
    }

    /// A `requires-python` value: `None` when blank or unparsable.
    pub fn requires_python(&mut self, text: &str) -> Option<VersionSpecifiers> {
        if let Some(spec) = self.specifiers.get(text) {
            return spec.clone();
        }
        let trimmed = text.trim();
        let spec = if trimmed.is_empty() {
            None
        } else {
            VersionSpecifiers::from_str(trimmed).ok()
        };
        self.specifiers.insert(text.into(), spec.clone());
        spec
    }

    /// [`DistFilename::parse`] with memoized versions.
    pub fn filename(
        &mut self,
        filename: &str,
        expected: &PackageName,
    ) -> Result<DistFilename, FilenameError> {
        DistFilename::parse_with(filename, expected, &mut |v| self.version(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_parses_equal_plain_ones() {
        let mut i = PageInterner::default();
        let name = PackageName::from_str("foo").unwrap();
        for f in [
            "foo-1.0-py3-none-any.whl",
            "foo-1.0.tar.gz",
            "foo-1.0-cp312-cp312-win_amd64.whl",
            "foo-1.0.post1.zip",
            "foo-bad.tar.gz",
        ] {
            for _ in 0..2 {
                assert_eq!(i.filename(f, &name), DistFilename::parse(f, &name), "{f}");
            }
        }
        for rp in [">=3.8", " >=3.8 ", "", "  ", "nonsense", ">=3.8,<4"] {
            let plain = Some(rp.trim())
                .filter(|s| !s.is_empty())
                .and_then(|s| VersionSpecifiers::from_str(s).ok());
            assert_eq!(i.requires_python(rp), plain, "{rp:?}");
            assert_eq!(i.requires_python(rp), plain, "{rp:?}");
        }
    }
}
