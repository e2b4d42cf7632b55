//! `lockit resolve`: requirements in, hashed lock out.
//!
//! When the output already exists its pins are preferences, so a re-lock changes only what
//! must change; `--upgrade` / `-P` let packages move.

use std::path::PathBuf;

use lockit_lockfile::{Header, Kept, ParsedLock};
use lockit_resolver::ResolveError;
use lockit_settings::LockSettings;

use crate::cli::{LockFormat, ResolveArgs, ResolverArg};
use crate::exit_code::{Exit, Failure};
use crate::{output, settings};
use lockit_session::Session;

/// Where the lock goes (`None`: stdout), refusing to overwrite an input.
fn output_path(args: &ResolveArgs) -> Result<Option<PathBuf>, Failure> {
    let output = match &args.output_file {
        Some(p) if p.as_os_str() == "-" => return Ok(None),
        Some(p) => p.clone(),
        None if args.inputs[0].as_os_str() == "-" => return Err(Failure::input(
            "requirements come from stdin (`-`): name the lock with -o FILE (or -o - for stdout)",
        )),
        None => {
            lockit_lockfile::default_lock_path(&args.inputs[0], args.format == LockFormat::Pylock)
        }
    };
    if args.inputs.contains(&output) {
        return Err(Failure::input(format!(
            "the output file `{}` is also an input; pass -o with another path",
            output.display()
        )));
    }
    let name = output
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let pylock_name = lockit_lockfile::is_pylock_name(name);
    if args.format == LockFormat::Pylock && !pylock_name && !args.common.output.quiet {
        eprintln!("warning: PEP 751 names lock files `pylock.toml` or `pylock.<name>.toml`; installers may refuse `{name}`");
    }
    Ok(Some(output))
}

/// The lock at `path` (and its text), whose pins and hashes re-locking keeps where they
/// still fit.
fn previous_lock(path: &PathBuf, quiet: bool) -> Option<(ParsedLock, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let agreed = lockit_lockfile::agreed_lock(path, &text).map(|r| {
        r.map(|a| {
            if !quiet {
                eprintln!("note: `{}` holds merge conflict markers: keeping the {} pins both sides agree on and resolving the rest again", path.display(), a.kept);
            }
            a.lock
        })
    });
    match agreed.unwrap_or_else(|| lockit_lockfile::parse_lock_file(path, &text)) {
        Ok(lock) => Some((lock, text)),
        Err(e) => {
            if !quiet {
                eprintln!(
                    "warning: not keeping the pins of `{}`, which cannot be read: {e}",
                    path.display()
                );
            }
            None
        }
    }
}

/// Runs `lockit resolve`.
pub fn run(args: ResolveArgs) -> Result<Exit, Failure> {
    let started = std::time::Instant::now();
    let quiet = args.common.output.quiet;
    // Before stdin is read: `lockit resolve -` without -o is refused at once, not after
    // the user has typed the requirements.
    let output = if args.compat.dry_run {
        None
    } else {
        output_path(&args)?
    };
    let requested =
        settings::requested(&args.inputs, &args.input, &args.common, Some(&args.compat))
            .or(&settings::config(&args.common)?);
    let mut inputs = settings::read_inputs(&requested)?;
    let lock_settings = settings::decide(&requested, &inputs, quiet)?;
    let mut options = lock_settings.resolve_options(&inputs);
    let client_options = lock_settings.client_options(&settings::network(&args.common)?);
    if args.compat.resolver == Some(ResolverArg::Legacy) {
        return Err(Failure::input(
            "--resolver legacy: lockit has only a backtracking resolver; drop the option",
        ));
    }

    // Re-locking: the existing output's pins are kept where they still fit.
    let (unpin, upgrade_constraints) =
        lockit_lockfile::upgrade_packages(&args.upgrade_package).map_err(Failure::input)?;
    inputs.constraints.extend(upgrade_constraints);
    let previous = output.as_ref().and_then(|p| previous_lock(p, quiet));
    let kept = match (&previous, args.upgrade) {
        (Some((lock, _)), false) => lock.kept(&unpin),
        _ => Kept::default(),
    };
    options.preferences = kept.versions.clone();
    options.environment.prefer_locked(kept.marked.clone());
    let hint_options = client_options.clone();
    let session = Session::start(
        client_options,
        &mut options,
        &mut inputs,
        &settings::session(&args.common, !quiet),
        &kept.urls,
    )?;
    let resolved = lockit_resolver::resolve(
        &session.index,
        &inputs.requirements,
        &inputs.constraints,
        &options,
    );
    session.report_builds(quiet);
    let mut resolution = match resolved {
        Ok(r) => r,
        Err(ResolveError::NoSolution(mut report)) => {
            for hint in lockit_session::hints::exclude_newer_hints(&report, &hint_options, &options)
            {
                report.add_hint(hint);
            }
            return Err(Failure::new(Exit::NoSolution, report.to_string()));
        }
        Err(ResolveError::Index(e)) => return Err(Failure::new(Exit::Network, e.to_string())),
    };
    inputs
        .keep_promised(&mut resolution)
        .map_err(|e| Failure::new(Exit::NoSolution, e.to_string()))?;
    let coverage = lockit_resolver::coverage(&resolution, &options);
    check_required_environments(&resolution, &options)?;
    let python = options.environment.python_minor();
    let header = (!args.no_header).then(|| {
        let mut header = Header::new(
            python.clone(),
            crate::cli::recorded_args(std::env::args().skip(1)),
        );
        if let Some(custom) = &args.compat.custom_compile_command {
            header.command.clone_from(custom);
        }
        lock_settings.record(&mut header);
        LockSettings::record_coverage(&mut header, &coverage);
        header
    });
    let text = match args.format {
        LockFormat::Requirements => {
            let mut lock = lockit_lockfile::to_lock(&resolution, header, &kept.hashes);
            lock.style = lock_settings.lock_style();
            lockit_lockfile::add_constraint_vias(
                &mut lock,
                &inputs.constraints,
                options.environment.target(),
            );
            lockit_lockfile::mark_editables(&mut lock, &session.editables);
            lockit_lockfile::render(&lock)
        }
        LockFormat::Pylock => {
            let mut lock = lockit_lockfile::to_pylock(&resolution, header, &python, &kept.hashes);
            lockit_lockfile::mark_pylock_editables(&mut lock, &session.editables);
            lockit_lockfile::render_pylock(&lock)
        }
    };
    if args.compat.dry_run && !quiet {
        eprintln!("Dry-run, so nothing updated.");
    }
    match &output {
        None => output::write_stdout(&text)?,
        Some(path) => lockit_lockfile::write_atomic(path, text.as_bytes())
            .map_err(|e| Failure::input(format!("cannot write `{}`: {e}", path.display())))?,
    }
    if !quiet {
        for c in coverage.iter().filter(|c| !c.gaps.is_empty()) {
            eprintln!(
                "warning: the lock cannot install on {}: {}",
                c.name(),
                c.gaps.join(", ")
            );
        }
        for warning in resolution
            .packages
            .iter()
            .filter_map(|p| p.skipped_warning())
            .chain(
                resolution
                    .packages
                    .iter()
                    .filter_map(|p| p.yanked_warning()),
            )
            .chain(
                resolution
                    .packages
                    .iter()
                    .flat_map(|p| p.unknown_extra_warnings()),
            )
        {
            eprintln!("warning: {warning}");
        }
        let n = resolution.packages.len();
        eprintln!(
            "Resolved {n} package{} for {} in {:.2}s",
            if n == 1 { "" } else { "s" },
            options.describe(),
            started.elapsed().as_secs_f64()
        );
        if let (Some((old, old_text)), Some(path)) = (&previous, &output) {
            let written = lockit_lockfile::parse_lock_file(path, &text).unwrap_or_default();
            for line in lockit_lockfile::relock_summary(old, old_text, &written, &text) {
                eprintln!("{line}");
            }
        }
    }
    session.shutdown();
    Ok(Exit::Ok)
}

/// Fails when an environment a `--required-environment` selects cannot install the lock.
fn check_required_environments(
    resolution: &lockit_resolver::Resolution,
    options: &lockit_resolver::ResolveOptions,
) -> Result<(), Failure> {
    let problems = lockit_resolver::required_environment_problems(resolution, options);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::new(
        Exit::NoSolution,
        format!(
            "{}\nhint: constrain the packages named to releases with files for it, or drop the --required-environment",
            problems.join("\n")
        ),
    ))
}
