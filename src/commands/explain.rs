//! `lockit explain PKG`: why PKG is pinned where it is (who requires it, along which
//! paths, what holds newer releases back), or, when nothing resolves, the conflict
//! report with hints and checked fixes. `--format json` gives the same for tools.

use std::path::PathBuf;
use std::str::FromStr;

use lockit_resolver::{
    explanation_json, failure_json, failure_text, not_in_lock_text, pinned_text, split_text,
    universal_split, Explanation, Hidden, ResolveError,
};
use lockit_settings::Requested;
use lockit_types::PackageName;
use serde_json::Value;

use crate::cli::{ExplainArgs, ReportFormat};
use crate::exit_code::{Exit, Failure};
use crate::{output, settings};
use lockit_console::Style;
use lockit_session::hints::{exclude_newer_hints, hidden_versions};
use lockit_session::Session;

/// Runs `lockit explain`.
pub fn run(args: ExplainArgs) -> Result<Exit, Failure> {
    let name = PackageName::from_str(&args.package)
        .map_err(|e| Failure::input(format!("invalid package name `{}`: {e}", args.package)))?;
    let paths = if args.inputs.is_empty() {
        vec![PathBuf::from("requirements.in")]
    } else {
        args.inputs.clone()
    };
    // Explain the lock `resolve` would keep, for the target it records: its pins are
    // preferences there too.
    let lock_path = lockit_lockfile::default_lock_path(&paths[0], false);
    let lock = std::fs::read_to_string(&lock_path)
        .ok()
        .and_then(|text| lockit_lockfile::parse_lock_file(&lock_path, &text).ok());
    let given = settings::requested(&paths, &args.input, &args.common, None);
    let requested = match lock
        .as_ref()
        .and_then(|l| settings::recorded(l, std::path::Path::new("")))
    {
        // The inputs named here are the ones explained; the rest is as the lock records.
        Some(recorded) => Requested {
            inputs: given.inputs.clone(),
            ..given.or(&recorded)
        },
        None => given,
    }
    .or(&settings::config(&args.common)?);
    let mut inputs = settings::read_inputs(&requested)?;
    let lock_settings = settings::decide(&requested, &inputs, args.common.output.quiet)?;
    let mut options = lock_settings.resolve_options(&inputs);
    let client_options = lock_settings.client_options(&settings::network(&args.common)?);
    if let Some(lock) = &lock {
        options.preferences = lock.versions().into_iter().collect();
    }
    let hint_options = client_options.clone();
    let session = Session::start(
        client_options,
        &mut options,
        &mut inputs,
        &settings::session(&args.common, false),
        &lock.as_ref().map(|l| l.urls()).unwrap_or_default(),
    )?;
    let result = lockit_resolver::explain(
        &session.index,
        &inputs.requirements,
        &inputs.constraints,
        &options,
        &name,
    );
    session.report_builds(args.common.output.quiet);
    let style = Style::new(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let (code, text) = match result {
        Ok((resolution, explanation)) => {
            let hidden = hint_options.exclude_newer.map(|cutoff| Hidden {
                cutoff: cutoff.to_string(),
                versions: hidden_versions(&hint_options, &name, &options, &explanation),
            });
            let split = universal_split(&name, &options, &resolution);
            let text = match (args.format, &explanation) {
                (ReportFormat::Json, e) => json_text(&explanation_json(
                    &name,
                    &options,
                    e,
                    hidden.as_ref(),
                    split.as_ref(),
                )),
                (ReportFormat::Text, Explanation::Pinned(p)) => {
                    let split = split_text(&name, split.as_ref(), &style);
                    split.unwrap_or_default()
                        + &pinned_text(&name, &options, p, &style, hidden.as_ref())
                }
                (ReportFormat::Text, Explanation::NotInLock(n)) => {
                    not_in_lock_text(&name, &options, n, &style)
                }
            };
            (Exit::Ok, text)
        }
        Err(ResolveError::NoSolution(mut report)) => {
            for hint in exclude_newer_hints(&report, &hint_options, &options) {
                report.add_hint(hint);
            }
            let versions = lockit_resolver::target_versions(&session.index, &name, &options);
            let text = match args.format {
                ReportFormat::Json => json_text(&failure_json(&name, &options, &report, &versions)),
                ReportFormat::Text => failure_text(&name, &report, &versions, &style),
            };
            (Exit::NoSolution, text)
        }
        Err(ResolveError::Index(e)) => {
            session.shutdown();
            return Err(Failure::new(Exit::Network, e.to_string()));
        }
    };
    session.shutdown();
    output::write_stdout(&text)?;
    Ok(code)
}

fn json_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
