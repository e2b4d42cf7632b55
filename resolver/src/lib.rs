//! PubGrub-based resolution of Python requirements for one target environment, or for
//! every environment of a universal space, forking where they differ (see
//! [`ResolverEnvironment`]).
//!
//! The resolver does no I/O: it sees the package index only through the [`Index`]
//! trait, so it runs the same on PyPI, a local test index or an in-memory map.

#![warn(missing_docs)]

mod availability;
mod candidates;
mod coverage;
mod environment;
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
mod prerelease;
mod prose;
mod provider;
mod ranges;
mod report;
mod resolution;
mod unusable;
mod wheel_tags;

pub use candidates::{Files, VersionMap};
pub use coverage::{
    coverage, environments, gaps, required, required_environment_problems, Coverage,
    CHECKED_PLATFORMS, CHECKED_PYTHONS,
};
pub use environment::{ResolverEnvironment, UniversalSpace};
pub use error::ResolveError;
pub use explain::{
    explain, explanation_json, failure_json, failure_text, not_in_lock_text, outdated,
    outdated_json, outdated_text, pinned_text, split_text, target_versions, universal_split,
    Explanation, Hidden, Mention, NotInLock, Outdated, Paint, Pinned, SkipReason, Skipped, Split,
    VersionNote,
};
pub use explain_fix::SEARCH_BUDGET;
pub use index::{CandidateHint, Crawl, FetchError, Index};
pub use lockit_types::{RequirementOrigin, SourcedRequirement};
pub use markers::{lock_text, python_at_least};
pub use options::{BinaryPolicy, PrereleaseMode, ResolutionMode, ResolveOptions};
pub use package::Pkg;
pub use pin_graph::{walk_pins, PinVisit, PinWalk};
pub use prerelease::Prereleases;
pub use ranges::{names_prerelease, range_text, specifiers_contain, specifiers_range};
pub use report::{NoSolution, Suggestion, REPORT_MAX_BYTES, REPORT_MAX_LINES};
pub use resolution::{Resolution, ResolvedPackage};
pub use unusable::{
    file_problems_text, BuildBan, BuildFailure, FileProblem, InvalidMetadata, StaticGap, Unusable,
};

use provider::{OneTarget, Provider, Unsolved};

/// Resolves `roots` (with `constraints`) against `index` for `options.environment`.
///
/// When nothing resolves for one target, the report also carries hints and the changes
/// to `roots` that were checked to resolve (a search bounded by [`SEARCH_BUDGET`]; not
/// for a universal lock, where each of its solves is many forks).
pub fn resolve(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
) -> Result<Resolution, ResolveError> {
    solve_with(index, roots, constraints, options, true)
}

#[cfg(test)]
mod tests;

/// Solves once, without the fix search.
pub(crate) fn solve(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
) -> Result<Resolution, ResolveError> {
    solve_with(index, roots, constraints, options, false)
}

/// Solves a universal space fork by fork, or one target (then, when `fix_search`, a
/// failure's report gets the fix search). The provider's derivation tree becomes the
/// report here, so the provider knows nothing of reports.
fn solve_with(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    fix_search: bool,
) -> Result<Resolution, ResolveError> {
    if let Some(universal) = options.environment.universal_space() {
        return forks::solve_universal(index, roots, constraints, options, universal);
    }
    match Provider::new(index, roots, constraints, options, OneTarget).solve() {
        Ok(resolution) => Ok(resolution),
        Err(Unsolved::NoSolution(tree, available)) => {
            let mut report = Box::new(NoSolution::new(*tree, roots, options, available));
            if fix_search {
                explain_fix::enrich(&mut report, index, roots, constraints, options);
            }
            Err(ResolveError::NoSolution(report))
        }
        Err(Unsolved::Index(e)) => Err(ResolveError::Index(e)),
        Err(Unsolved::Split(never)) => match never {},
    }
}
