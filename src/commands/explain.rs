//! `lockit explain PKG`: why PKG is pinned where it is (who requires it, along which
//! paths, what holds newer releases back), or, when nothing resolves, the conflict
//! report with hints and checked fixes. `--format json` gives the same for tools.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;

use lockit_index_client::ClientOptions;
use lockit_lockfile::Inputs;
use lockit_resolver::{
    explanation_json, failure_json, failure_text, not_in_lock_text, pinned_text, Explanation,
    ResolveError, ResolveOptions, VersionNote,
};
use lockit_types::PackageName;
use serde_json::{json, Value};

use crate::cli::{ExplainArgs, ReportFormat};
use crate::exit_code::{Exit, Failure};
use crate::hints::{exclude_newer_hints, unfiltered_versions, uploaded};
use crate::session::Session;
use crate::style::Style;
use crate::{output, settings};

/// Runs `lockit explain`.
pub fn run(args: ExplainArgs) -> Result<Exit, Failure> {
    let name = PackageName::from_str(&args.package)
        .map_err(|e| Failure::input(format!("invalid package name `{}`: {e}", args.package)))?;
    let paths = if args.inputs.is_empty() {
        vec![PathBuf::from("requirements.in")]
    } else {
        args.inputs.clone()
    };
    let inputs = Inputs::read(
        &paths,
        &args.common.resolver.constraints,
        &args.input.overrides,
        &args.input.selection(),
    )
    .map_err(|e| Failure::input(e.to_string()))?;
    let (mut options, client_options) = settings::prepare(&inputs, &args.common)?;
    // Explain the lock `resolve` would keep: its pins are preferences there too.
    let lock_path = lockit_lockfile::default_lock_path(&paths[0], false);
    if let Ok(text) = std::fs::read_to_string(&lock_path) {
        if let Ok(lock) = lockit_lockfile::parse_lock_file(&lock_path, &text) {
            options.preferences = lock.versions().into_iter().collect();
        }
    }
    let hint_options = client_options.clone();
    let session = Session::start(
        client_options,
        &mut options,
        &inputs.requirements,
        false,
        args.common.target.python.as_deref(),
    )?;
    let result = lockit_resolver::explain(
        &session.index,
        &inputs.requirements,
        &inputs.constraints,
        &options,
        &name,
    );
    session.report_builds(args.common.output.quiet);
    let style = Style::detect();
    let (code, text) = match result {
        Ok((_, explanation)) => {
            let hidden = hidden_versions(&hint_options, &name, &options, &explanation);
            let text = match args.format {
                ReportFormat::Json => {
                    let mut v = explanation_json(&name, &options, &explanation);
                    if let (Some(obj), Some(cutoff)) =
                        (v.as_object_mut(), hint_options.exclude_newer)
                    {
                        obj.insert("exclude_newer".into(), json!(cutoff.to_string()));
                        obj.insert(
                            "hidden_by_exclude_newer".into(),
                            json!(hidden
                                .iter()
                                .map(|n| json!({
                                    "version": n.version.to_string(),
                                    "uploaded": n.uploaded.map(|t| t.to_string()),
                                }))
                                .collect::<Vec<_>>()),
                        );
                    }
                    json_text(&v)
                }
                ReportFormat::Text => match &explanation {
                    Explanation::Pinned(p) => {
                        let mut text = pinned_text(&name, &options, p, &style);
                        if let Some(cutoff) = hint_options.exclude_newer {
                            for n in &hidden {
                                let _ = writeln!(
                                    text,
                                    "Hidden by --exclude-newer {cutoff}: {name} {} (uploaded{})",
                                    n.version,
                                    uploaded(n)
                                );
                            }
                        }
                        text
                    }
                    Explanation::NotInLock(n) => not_in_lock_text(&name, &options, n, &style),
                },
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

/// Versions newer than the pin that `--exclude-newer` hides.
fn hidden_versions(
    client_options: &ClientOptions,
    name: &PackageName,
    options: &ResolveOptions,
    explanation: &Explanation,
) -> Vec<VersionNote> {
    let Explanation::Pinned(p) = explanation else {
        return Vec::new();
    };
    if client_options.exclude_newer.is_none() {
        return Vec::new();
    }
    let seen = p.newest_published.as_ref().unwrap_or(&p.version);
    unfiltered_versions(client_options, name, options)
        .into_iter()
        .filter(|n| n.version > *seen)
        .collect()
}

fn json_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
