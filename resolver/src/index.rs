//! What the resolver needs from a package index.

use std::sync::Arc;

use lockit_types::{CoreMetadata, DistFile, PackageName, ProjectFiles, Version};

use crate::candidates::Files;
use crate::unusable::Unusable;

/// Why the index could not give what was asked.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// This version cannot be used (no usable metadata, a failed or forbidden build); the
    /// resolver skips it and keeps the reason for the report.
    #[error("{}", .0.clause(None))]
    Unavailable(Unusable),
    /// The index failed (network, HTTP status, offline cache miss); resolution stops.
    #[error(transparent)]
    Fatal(Box<dyn std::error::Error + Send + Sync>),
}

/// Picks, once a project's files are known, which version's metadata to prefetch.
pub type CandidateHint = Box<dyn FnOnce(&Arc<ProjectFiles>) -> Option<(Version, Files)> + Send>;

/// What to prefetch once a version's metadata is known: each dependency, with what to
/// pick from its files and what to do with its metadata in turn.
pub struct Crawl(pub Box<CrawlFn>);

/// The body of a [`Crawl`].
pub type CrawlFn = dyn FnOnce(&CoreMetadata) -> Vec<CrawlStep> + Send;

/// One dependency to prefetch: its name, what to pick, and what to do next.
pub type CrawlStep = (PackageName, CandidateHint, Crawl);

/// A source of projects and their metadata. Implementations memoize; the resolver may ask twice.
pub trait Index: Sync {
    /// Every file the index lists for `name`; an unknown project has no files.
    fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, FetchError>;

    /// The core metadata of `name==version`, read from the first usable of `files`
    /// (ordered by preference).
    fn metadata(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError>;

    /// Starts fetching `name`'s files, then the metadata of the version `hint` picks,
    /// without waiting. The default does nothing.
    fn prefetch(&self, _name: &PackageName, _hint: CandidateHint) {}

    /// As [`Index::prefetch`], then hands the metadata to `then` and prefetches what it
    /// returns the same way, so pages and metadata of the likely graph arrive before the
    /// solver asks. The default prefetches `name` only.
    fn prefetch_deep(&self, name: &PackageName, hint: CandidateHint, _then: Crawl) {
        self.prefetch(name, hint);
    }

    /// Told before each solve of the search for a fix (after a conflict), with how many
    /// changes were tried before it, for a progress display. The default does nothing.
    fn searching_fix(&self, _tried: usize) {}
}
