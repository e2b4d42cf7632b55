//! `tree --outdated`: the lock's inputs resolved again as its header says, its pins
//! preferred, against the index as it is now (or as of `--exclude-newer`); then, for
//! each pin, [`lockit_resolver::outdated`].

use std::path::{Path, PathBuf};

use lockit_lockfile::{Inputs, ParsedLock};
use lockit_resolver::{Outdated, ResolveError};

use crate::cli::{CommonArgs, ResolveArgs};
use crate::exit_code::{Exit, Failure};
use crate::session::Session;
use crate::settings;

/// Each pin with the newest release and, where the pin is older, why.
pub fn check(
    lock: &ParsedLock,
    lock_dir: &Path,
    given: &CommonArgs,
) -> Result<Vec<Outdated>, Failure> {
    let header = lock.command.as_deref().and_then(ResolveArgs::from_header).ok_or_else(|| {
        Failure::input("--outdated resolves the lock's inputs again, and its header names no `lockit resolve` command")
    })?;
    let locate = |p: &PathBuf| {
        if p.exists() {
            p.clone()
        } else {
            lock_dir.join(p)
        }
    };
    let all = |list: &[PathBuf]| list.iter().map(locate).collect::<Vec<_>>();
    let mut inputs = Inputs::read(
        &all(&header.inputs),
        &all(&header.common.resolver.constraints),
        &all(&header.input.overrides),
        &header.input.selection(),
    )
    .map_err(|e| Failure::input(e.to_string()))?;
    let mut common = given.clone();
    settings::apply_recorded(&mut common, &lock.recorded, given);
    // What is newer is asked of the index as it is now, unless told otherwise.
    common
        .resolver
        .exclude_newer
        .clone_from(&given.resolver.exclude_newer);
    common.resolver.prerelease = given
        .resolver
        .prerelease
        .or(header.common.resolver.prerelease);
    common.resolver.pre |= header.common.resolver.pre;
    let lock_cutoff =
        settings::exclude_newer(lockit_lockfile::recorded(&lock.recorded, "exclude-newer"))?;
    let (mut options, client_options) = settings::prepare(&inputs, &common)?;
    options.preferences = lock.versions().into_iter().collect();
    let session = Session::start(client_options, &mut options, &mut inputs, false, &common)?;
    let result = lockit_resolver::outdated(
        &session.index,
        &inputs.requirements,
        &inputs.constraints,
        &options,
        lock_cutoff,
    );
    session.report_builds(common.output.quiet);
    session.shutdown();
    result.map_err(|e| match e {
        ResolveError::NoSolution(report) => Failure::new(Exit::NoSolution, report.to_string()),
        ResolveError::Index(e) => Failure::new(Exit::Network, e.to_string()),
    })
}
