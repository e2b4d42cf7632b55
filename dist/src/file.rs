//! One file an index publishes for a project, as listed on its Simple API page.

use crate::filename::DistFilename;
use crate::{PackageName, VersionSpecifiers};

/// Whether (and why) a file was yanked (PEP 592).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Yanked {
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
    /// Which index (base URL) served this file.
    pub index: String,
}

/// Every file one index lists for a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFiles {
    /// The normalized project name.
    pub name: PackageName,
    /// The files, in the order the index listed them.
    pub files: Vec<DistFile>,
}
