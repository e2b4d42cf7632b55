//! PubGrub-based resolution of Python requirements for one target environment.
//!
//! The resolver does no I/O: it sees the package index only through the [`Index`]
//! trait, so it runs the same on PyPI, a local test index or an in-memory map.

mod candidates;
mod error;
mod explain;
mod explain_fix;
mod index;
mod options;
mod package;
mod provider;
mod ranges;
mod report;
mod resolution;

pub use candidates::{best_candidate, Files, Unusable, VersionMap};
pub use error::ResolveError;
pub use explain::{
    explain, range_text, target_versions, Explanation, Mention, NotInLock, Pinned, SkipReason,
    Skipped, Step, StepFrom, VersionNote,
};
pub use explain_fix::SEARCH_BUDGET;
pub use index::{CandidateHint, Crawl, FetchError, Index};
pub use options::{BinaryPolicy, PrereleaseMode, ResolveOptions, RootRequirement};
pub use package::Pkg;
pub use ranges::{names_prerelease, specifiers_contain, specifiers_range};
pub use report::{NoSolution, Suggestion};
pub use resolution::{Dependent, Resolution, ResolvedPackage};

use provider::Provider;

/// Resolves `roots` (with `constraints`) against `index` for `options.target`.
///
/// When nothing resolves, the report also carries hints and the changes to `roots`
/// that were checked to resolve (a search bounded by [`SEARCH_BUDGET`]).
pub fn resolve(
    index: &dyn Index,
    roots: &[RootRequirement],
    constraints: &[pep508_rs::Requirement],
    options: &ResolveOptions,
) -> Result<Resolution, ResolveError> {
    let provider = Provider::new(index, roots, constraints, options);
    match provider.solve() {
        Err(ResolveError::NoSolution(mut report)) => {
            explain_fix::enrich(&mut report, index, roots, constraints, options);
            Err(ResolveError::NoSolution(report))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;
