//! `lockit verify`: is the lock current and untampered?
//!
//! Online, the inputs are resolved again exactly as the lock's header says they were, with
//! the lock's pins as preferences, and [`lockit_lockfile::check`] compares; `--offline`
//! checks what the lock, the inputs and the cache can show. This module only chooses what
//! to check against and reports the findings.

use std::path::{Path, PathBuf};

use lockit_lockfile::check::{self, Finding, LockCheck, Report};
use lockit_resolver::ResolveError;

use crate::cli::{ReportFormat, VerifyArgs};
use crate::exit_code::{Exit, Failure};
use crate::{output, settings};
use lockit_session::Session;

/// The lock to check: `--lock`, else the input's default lock (pylock.toml if only it exists).
fn lock_path(args: &VerifyArgs) -> Result<PathBuf, Failure> {
    match (&args.lock, &args.input) {
        (Some(l), _) => Ok(l.clone()),
        (None, Some(input)) => {
            let txt = lockit_lockfile::default_lock_path(input, false);
            let pylock = lockit_lockfile::default_lock_path(input, true);
            Ok(if !txt.exists() && pylock.exists() { pylock } else { txt })
        }
        (None, None) => Err(Failure::input(
            "name the lock to check with --lock (and the input it was made from, if its header does not say)",
        )),
    }
}

/// Runs `lockit verify`.
pub fn run(args: VerifyArgs) -> Result<Exit, Failure> {
    let lock_path = lock_path(&args)?;
    let text = std::fs::read_to_string(&lock_path).map_err(|e| {
        Failure::input(format!(
            "cannot read the lock `{}`: {e}",
            lock_path.display()
        ))
    })?;
    let lock_name = lock_path.display().to_string();
    let lock = match lockit_lockfile::parse_lock_file(&lock_path, &text) {
        Ok(l) => l,
        Err(e) => {
            return report(
                &args,
                &lock_name,
                &[check::unreadable(&lock_name, &e)],
                0,
                Vec::new(),
                None,
            )
        }
    };

    let lock_dir = lock_path.parent().unwrap_or(Path::new("")).to_path_buf();
    let given = settings::requested(args.input.as_slice(), &args.input_args, &args.common, None);
    let config = settings::config(&args.common)?;
    let requested = match (settings::recorded(&lock, &lock_dir), &args.input) {
        (Some(recorded), _) => given.or(&recorded).or(&config),
        (None, Some(_)) => given.or(&config),
        (None, None) => {
            return Err(Failure::input(format!(
                "the header of `{lock_name}` does not say how it was made; pass the input it was made from (`lockit verify requirements.in --lock {lock_name}`)"
            )))
        }
    };
    let quiet = args.common.output.quiet;
    let mut inputs = settings::read_inputs(&requested)?;
    let lock_settings = settings::decide(&requested, &inputs, quiet)?;
    let mut options = lock_settings.resolve_options(&inputs);
    let network = settings::network(&args.common)?;
    let client_options = lock_settings.client_options(&network);

    if network.offline && options.environment.is_universal() {
        // Its pins apply under markers, which the offline walk does not follow: it would
        // report false findings rather than say what it could not check.
        return Err(Failure::new(
            Exit::Unchecked,
            format!(
                "`{lock_name}` is a universal lock, which `verify --offline` cannot check yet; run `lockit verify` online"
            ),
        ));
    }
    let mut findings = check::missing_hashes(&lock, &lock_name);
    let style = lock_settings.lock_style();
    let session = Session::start(
        client_options,
        &mut options,
        &mut inputs,
        &settings::session(&args.common, false),
        &lock.urls(),
    )?;
    if !network.offline {
        options.preferences = lock.versions().into_iter().collect();
    }
    let checker = LockCheck {
        lock: &lock,
        lock_name: &lock_name,
        text: &text,
        inputs: &inputs,
        options: &options,
        index: &session.index,
        style,
        editables: &session.editables,
    };
    let outcome = if network.offline {
        Ok(checker.offline())
    } else {
        match lockit_resolver::resolve(
            &session.index,
            &inputs.requirements,
            &inputs.constraints,
            &options,
        ) {
            Ok(mut fresh) => match inputs.keep_promised(&mut fresh) {
                Ok(()) => Ok((checker.against(&fresh), Vec::new())),
                Err(e) => Ok((vec![checker.no_solution(&e)], Vec::new())),
            },
            Err(ResolveError::NoSolution(report)) => {
                Ok((vec![checker.no_solution(&report)], Vec::new()))
            }
            Err(ResolveError::Index(e)) => Err(Failure::new(Exit::Network, e.to_string())),
        }
    };
    session.report_builds(quiet);
    session.shutdown();
    let (found, unchecked) = outcome?;
    findings.extend(found);
    let target = options.describe();
    let given = &args.common.target;
    let target = if lock.recorded.is_empty()
        || (given.python_version.is_some() && given.python_platform.is_some())
    {
        target
    } else {
        format!("{target}, as the lock records")
    };
    report(
        &args,
        &lock_name,
        &findings,
        lock.pins.len(),
        unchecked,
        Some(target),
    )
}

/// Reports the findings (JSON on stdout, annotations for GitHub, text on stderr).
fn report(
    args: &VerifyArgs,
    lock_name: &str,
    findings: &[Finding],
    pins: usize,
    unchecked: Vec<String>,
    target: Option<String>,
) -> Result<Exit, Failure> {
    let report = Report::new(lock_name, findings, pins, &unchecked);
    let json = args.format == ReportFormat::Json;
    if json {
        output::write_stdout(&report.json())?;
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        // The runner reads workflow commands from both streams; stdout stays pure JSON.
        if json {
            eprint!("{}", report.annotations());
        } else {
            output::write_stdout(&report.annotations())?;
        }
    }
    if !json {
        let quiet = args.common.output.quiet;
        eprint!(
            "{}",
            report.text(target.as_deref(), quiet, args.allow_unchecked)
        );
    }
    Ok(
        match (
            report.current(),
            unchecked.is_empty() || args.allow_unchecked,
        ) {
            (false, _) => Exit::NoSolution,
            (true, true) => Exit::Ok,
            (true, false) => Exit::Unchecked,
        },
    )
}
