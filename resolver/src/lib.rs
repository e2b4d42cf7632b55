//! PubGrub-based resolution of Python requirements for one target environment.
//!
//! The resolver does no I/O: it sees the package index only through the [`Index`]
//! trait, so it runs the same on PyPI, a local test index or an in-memory map.

#![warn(missing_docs)]

mod availability;
mod candidates;
mod coverage;
mod error;
mod explain;
mod explain_fix;
mod forks;
mod index;
mod markers;
mod options;
mod package;
mod pin_graph;
mod prefetch;
mod prose;
mod provider;
mod ranges;
mod report;
mod resolution;
mod unusable;
mod wheel_tags;

pub use candidates::{Files, VersionMap};
pub use coverage::{
    coverage, environments, gaps, required, Coverage, CHECKED_PLATFORMS, CHECKED_PYTHONS,
};
pub use error::ResolveError;
pub use explain::{
    explain, explanation_json, failure_json, failure_text, not_in_lock_text, pinned_text,
    split_text, target_versions, universal_split, Explanation, Hidden, Mention, NotInLock, Paint,
    Pinned, SkipReason, Skipped, Split, VersionNote,
};
pub use explain_fix::SEARCH_BUDGET;
pub use index::{CandidateHint, Crawl, FetchError, Index};
pub use lockit_types::{RequirementOrigin, SourcedRequirement};
pub use markers::{lock_text, python_at_least};
pub use options::{BinaryPolicy, PrereleaseMode, ResolveOptions, Universal};
pub use package::Pkg;
pub use pin_graph::{walk_pins, PinVisit, PinWalk};
pub use ranges::{names_prerelease, range_text, specifiers_contain, specifiers_range};
pub use report::{NoSolution, Suggestion, REPORT_MAX_BYTES, REPORT_MAX_LINES};
pub use resolution::{Resolution, ResolvedPackage};
pub use unusable::{
    file_problems_text, BuildBan, BuildFailure, FileProblem, InvalidMetadata, StaticGap, Unusable,
};

use provider::{Provider, Unsolved};

/// Resolves `roots` (with `constraints`) against `index` for `options.target`.
///
/// When nothing resolves, the report also carries hints and the changes to `roots`
/// that were checked to resolve (a search bounded by [`SEARCH_BUDGET`]).
pub fn resolve(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
) -> Result<Resolution, ResolveError> {
    match solve(index, roots, constraints, options) {
        // The fix search solves many times; for a universal lock that is many forks each.
        Err(ResolveError::NoSolution(mut report)) if options.universal.is_none() => {
            explain_fix::enrich(&mut report, index, roots, constraints, options);
            Err(ResolveError::NoSolution(report))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;

/// Solves once, without the fix search: the provider's derivation tree becomes the
/// report here, so the provider knows nothing of reports.
pub(crate) fn solve(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
) -> Result<Resolution, ResolveError> {
    if options.universal.is_some() {
        return forks::solve_universal(index, roots, constraints, options);
    }
    match Provider::new(index, roots, constraints, options).solve() {
        Ok(resolution) => Ok(resolution),
        Err(Unsolved::NoSolution(tree, available)) => Err(ResolveError::NoSolution(Box::new(
            NoSolution::new(*tree, roots, options, available),
        ))),
        Err(Unsolved::Index(e)) => Err(ResolveError::Index(e)),
        Err(Unsolved::Fork(_)) => Err(ResolveError::Index(
            "a single-target solve asked to fork".into(),
        )),
    }
}
