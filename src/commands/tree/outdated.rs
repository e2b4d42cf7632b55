//! `tree --outdated`: the lock's inputs resolved again as its header says, its pins
//! preferred, against the index as it is now (or as of `--exclude-newer`); then, for
//! each pin, [`lockit_resolver::outdated`].

use std::path::Path;

use lockit_lockfile::ParsedLock;
use lockit_resolver::{Outdated, ResolveError};

use crate::cli::{CommonArgs, InputArgs};
use crate::exit_code::{Exit, Failure};
use crate::settings;
use lockit_session::Session;

/// Each pin with the newest release and, where the pin is older, why.
pub fn check(
    lock: &ParsedLock,
    lock_dir: &Path,
    given: &CommonArgs,
) -> Result<Vec<Outdated>, Failure> {
    let recorded = settings::recorded(lock, lock_dir).ok_or_else(|| {
        Failure::input("--outdated resolves the lock's inputs again, and its header does not say how it was made")
    })?;
    let lock_cutoff = lockit_settings::exclude_newer(recorded.exclude_newer.as_deref())
        .map_err(|e| Failure::input(e.to_string()))?;
    let mut requested = settings::requested(&[], &InputArgs::default(), given, None).or(&recorded);
    // What is newer is asked of the index as it is now, unless told otherwise.
    requested
        .exclude_newer
        .clone_from(&given.resolver.exclude_newer);
    requested
        .exclude_newer_packages
        .clone_from(&given.resolver.exclude_newer_package);
    let mut inputs = settings::read_inputs(&requested)?;
    let lock_settings = settings::decide(&requested, &inputs, given.output.quiet)?;
    let mut options = lock_settings.resolve_options(&inputs);
    let client_options = lock_settings.client_options(&settings::network(given)?);
    options.preferences = lock.versions().into_iter().collect();
    let session = Session::start(
        client_options,
        &mut options,
        &mut inputs,
        &settings::session(given, false),
        &lock.urls(),
    )?;
    let result = lockit_resolver::outdated(
        &session.index,
        &inputs.requirements,
        &inputs.constraints,
        &options,
        lock_cutoff,
    );
    session.report_builds(given.output.quiet);
    session.shutdown();
    result.map_err(|e| match e {
        ResolveError::NoSolution(report) => Failure::new(Exit::NoSolution, report.to_string()),
        ResolveError::Index(e) => Failure::new(Exit::Network, e.to_string()),
    })
}
