//! `lockit explain PKG`: why PKG is pinned where it is (who requires it, along which
//! paths, what holds newer releases back), or, when nothing resolves, the conflict
//! report with hints and checked fixes. `--format json` gives the same for tools.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;

use lockit_index_client::ClientOptions;
use lockit_lockfile::Inputs;
use lockit_resolver::{
    Explanation, NoSolution, NotInLock, Pinned, RequirementOrigin, ResolveError, ResolveOptions,
    SkipReason, SourcedRequirement, VersionNote,
};
use lockit_types::{PackageName, Version};
use serde_json::{json, Value};

use crate::cli::{ExplainArgs, ReportFormat};
use crate::exit_code::{Exit, Failure};
use crate::hints::{exclude_newer_hints, unfiltered_versions, uploaded};
use crate::session::Session;
use crate::style::Style;
use crate::{output, settings};

/// How many paths and skipped groups the text output lists before summing up.
const PATHS_SHOWN: usize = 12;
const GROUPS_SHOWN: usize = 10;

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
    let session = Session::start(client_options, &mut options, &inputs.requirements, false)?;
    let result = lockit_resolver::explain(
        &session.index,
        &inputs.requirements,
        &inputs.constraints,
        &options,
        &name,
    );
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
                        let mut text = pinned_text(&name, &options, p, style);
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
                    Explanation::NotInLock(n) => not_in_lock_text(&name, &options, n, style),
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
                ReportFormat::Text => failure_text(&name, &report, &versions, style),
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

fn target_line(options: &ResolveOptions) -> String {
    format!(
        "Python {} on {}",
        options.target.python, options.target.platform
    )
}

fn path_text(path: &[SourcedRequirement]) -> String {
    path.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// `2.3.1, 2.3.0, …, 2.0.0 (14 versions)`, newest first.
fn versions_text(versions: &[Version]) -> String {
    let all: Vec<String> = versions.iter().map(ToString::to_string).collect();
    if all.len() <= 4 {
        return all.join(", ");
    }
    format!(
        "{}, …, {} ({} versions)",
        all[..3].join(", "),
        all[all.len() - 1],
        all.len()
    )
}

fn requirement_on(step: &SourcedRequirement) -> String {
    match &step.origin {
        RequirementOrigin::Package { .. } => format!("{} ({})", step.origin, step.requirement),
        _ => format!("your {step}"),
    }
}

fn reason_text(name: &PackageName, pin: &Version, reason: &SkipReason) -> Vec<String> {
    match reason {
        SkipReason::Excluded(steps) => {
            let by: Vec<String> = steps.iter().map(requirement_on).collect();
            vec![format!("excluded by {}", by.join(" and "))]
        }
        SkipReason::Constraint(spec) => vec![format!("excluded by the constraint {name}{spec}")],
        SkipReason::Unusable(why) => vec![why.clone()],
        SkipReason::Yanked(why) if why.is_empty() => vec!["yanked".to_string()],
        SkipReason::Yanked(why) => vec![format!("yanked ({why})")],
        SkipReason::Prerelease => {
            vec!["pre-releases, which are left out (--prerelease allow considers them)".to_string()]
        }
        SkipReason::Conflict(lines) => {
            let mut out =
                vec![format!("allowed by every requirement on {name}, but choosing it fails:")];
            out.extend(lines.iter().map(|l| format!("    {l}")));
            out
        }
        SkipReason::AlsoResolves => vec![format!(
            "allowed, and it resolves too; {name} {pin} was kept (an existing lock pins it, or the solver settled there); `lockit resolve -P {name}` moves it"
        )],
        SkipReason::NotChecked => {
            vec!["allowed by every requirement; not chosen for the same reason as the newer one".to_string()]
        }
    }
}

fn pinned_text(name: &PackageName, options: &ResolveOptions, p: &Pinned, s: Style) -> String {
    let mut out = String::new();
    let extras = if p.extras.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = p.extras.iter().map(ToString::to_string).collect();
        format!(" (with extras {})", list.join(", "))
    };
    let _ = writeln!(
        out,
        "{} is pinned{extras} for {}.",
        s.bold(&s.green(&format!("{name} {}", p.version))),
        target_line(options)
    );
    let _ = writeln!(out, "\n{}", s.bold("Required by:"));
    for step in &p.required_by {
        let _ = writeln!(out, "  {}  (from {})", step.requirement, step.origin);
    }
    let _ = writeln!(out, "\n{}", s.bold("Paths from your requirements:"));
    for path in p.paths.iter().take(PATHS_SHOWN) {
        let _ = writeln!(out, "  {}", path_text(path));
    }
    let more = p.paths.len().saturating_sub(PATHS_SHOWN);
    if more > 0 || p.paths_truncated {
        let plus = if p.paths_truncated { "+" } else { "" };
        let _ = writeln!(out, "  … and {more}{plus} more");
    }
    let allowed = match &p.allowed {
        Some(spec) => format!("{name}{spec}"),
        None => format!("any version of {name}"),
    };
    let _ = writeln!(
        out,
        "\n{} {allowed} (what every requirement above allows{})",
        s.bold("Allowed:"),
        if p.constraint.is_some() {
            ", with your constraints"
        } else {
            ""
        }
    );
    let newest = match (&p.newest_installable, &p.newest_published) {
        (Some(v), _) if *v == p.version => format!("{name} {v}, the pinned version."),
        (Some(v), _) => format!("{name} {v}; the pin is older."),
        (None, Some(v)) => format!("none can be installed (the newest published is {name} {v})."),
        (None, None) => "none.".to_string(),
    };
    let _ = writeln!(
        out,
        "{} {newest}",
        s.bold("Newest on the index for this target:")
    );
    if !p.skipped.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            s.bold(&format!("Newer than {name} {} and not chosen:", p.version))
        );
        for group in p.skipped.iter().take(GROUPS_SHOWN) {
            let lines = reason_text(name, &p.version, &group.reason);
            let head = lines.first().cloned().unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}: {head}",
                s.yellow(&format!("{name} {}", versions_text(&group.versions)))
            );
            for l in lines.iter().skip(1) {
                let _ = writeln!(out, "  {l}");
            }
        }
        let more = p.skipped.len().saturating_sub(GROUPS_SHOWN);
        if more > 0 {
            let _ = writeln!(out, "  … and {more} more groups of older versions");
        }
    }
    out
}

fn not_in_lock_text(
    name: &PackageName,
    options: &ResolveOptions,
    n: &NotInLock,
    s: Style,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} is not in the lock for {}.",
        s.bold(name.as_ref()),
        target_line(options)
    );
    if n.mentions.is_empty() {
        let _ = writeln!(
            out,
            "Nothing in your requirements or their dependencies asks for it."
        );
    } else {
        let _ = writeln!(out, "\n{}", s.bold("Mentioned, but not for this target:"));
        for m in &n.mentions {
            let _ = writeln!(out, "  {}: {}", m.step, m.why);
        }
    }
    if n.published == 0 {
        let _ = write!(out, "\n{name} is not on the index");
        if n.near_misses.is_empty() {
            let _ = writeln!(out, ".");
        } else {
            let list: Vec<String> = n.near_misses.iter().map(|m| format!("`{m}`")).collect();
            let _ = writeln!(out, "; did you mean {}?", list.join(" or "));
        }
    } else {
        let _ = writeln!(
            out,
            "\nThe index has {} version{} of {name}.",
            n.published,
            if n.published == 1 { "" } else { "s" }
        );
    }
    out
}

fn failure_text(
    name: &PackageName,
    report: &NoSolution,
    versions: &[VersionNote],
    s: Style,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", s.red("error:"), report.heading());
    for line in report.derivation() {
        let _ = writeln!(out, "  {line}");
    }
    for hint in report.hints() {
        let _ = writeln!(out, "{} {hint}", s.yellow("hint:"));
    }
    match report.suggestions() {
        [] => {}
        [one] => {
            let _ = writeln!(out, "{} {one} (checked by re-solving)", s.green("fix:"));
        }
        many => {
            let _ = writeln!(
                out,
                "{} each of these changes resolves (checked by re-solving):",
                s.green("fix:")
            );
            for (i, sug) in many.iter().enumerate() {
                let _ = writeln!(out, "  {}. {sug}", i + 1);
            }
        }
    }
    if let Some(note) = report.search_note() {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = writeln!(
        out,
        "\n{}",
        s.bold(&format!("{name} on the index for this target:"))
    );
    if versions.is_empty() {
        let _ = writeln!(out, "  no versions");
    }
    for v in versions.iter().take(8) {
        let status = match &v.problem {
            Some(p) => p.clone(),
            None if v.version.any_prerelease() => "installable (a pre-release)".to_string(),
            None => "installable".to_string(),
        };
        let _ = writeln!(out, "  {name} {}: {status}", v.version);
    }
    if versions.len() > 8 {
        let _ = writeln!(out, "  … and {} older versions", versions.len() - 8);
    }
    out
}

fn step_json(step: &SourcedRequirement) -> Value {
    let from = match &step.origin {
        RequirementOrigin::Package { name, version } => {
            json!({ "package": name.to_string(), "version": version.to_string() })
        }
        other => json!({ "file": other.source(), "line": other.line() }),
    };
    json!({ "from": from, "requirement": step.requirement.to_string() })
}

fn reason_json(reason: &SkipReason) -> Value {
    match reason {
        SkipReason::Excluded(steps) => {
            json!({ "kind": "excluded", "by": steps.iter().map(step_json).collect::<Vec<_>>() })
        }
        SkipReason::Constraint(spec) => json!({ "kind": "constraint", "specifier": spec }),
        SkipReason::Unusable(why) => json!({ "kind": "unusable", "why": why }),
        SkipReason::Yanked(why) => json!({ "kind": "yanked", "why": why }),
        SkipReason::Prerelease => json!({ "kind": "prerelease" }),
        SkipReason::Conflict(lines) => json!({ "kind": "conflict", "derivation": lines }),
        SkipReason::AlsoResolves => json!({ "kind": "also-resolves" }),
        SkipReason::NotChecked => json!({ "kind": "not-checked" }),
    }
}

fn target_json(options: &ResolveOptions) -> Value {
    json!({
        "python": options.target.python.to_string(),
        "platform": options.target.platform.to_string(),
    })
}

fn explanation_json(name: &PackageName, options: &ResolveOptions, e: &Explanation) -> Value {
    match e {
        Explanation::Pinned(p) => json!({
            "package": name.to_string(),
            "target": target_json(options),
            "status": "pinned",
            "version": p.version.to_string(),
            "extras": p.extras.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "required_by": p.required_by.iter().map(step_json).collect::<Vec<_>>(),
            "paths": p.paths.iter().map(|path| path.iter().map(step_json).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "paths_truncated": p.paths_truncated,
            "allowed": p.allowed,
            "constraint": p.constraint,
            "newest_published": p.newest_published.as_ref().map(ToString::to_string),
            "newest_installable": p.newest_installable.as_ref().map(ToString::to_string),
            "skipped": p.skipped.iter().map(|g| json!({
                "versions": g.versions.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "reason": reason_json(&g.reason),
            })).collect::<Vec<_>>(),
        }),
        Explanation::NotInLock(n) => json!({
            "package": name.to_string(),
            "target": target_json(options),
            "status": "not-in-lock",
            "mentions": n.mentions.iter().map(|m| json!({
                "requirement": step_json(&m.step),
                "why": m.why,
            })).collect::<Vec<_>>(),
            "published_versions": n.published,
            "near_misses": n.near_misses,
        }),
    }
}

fn failure_json(
    name: &PackageName,
    options: &ResolveOptions,
    report: &NoSolution,
    versions: &[VersionNote],
) -> Value {
    json!({
        "package": name.to_string(),
        "target": target_json(options),
        "status": "no-solution",
        "report": {
            "heading": report.heading(),
            "derivation": report.derivation(),
            "hints": report.hints(),
            "suggestions": report.suggestions().iter().map(|s| json!({
                "requirement": s.before,
                "location": s.location,
                "change_to": s.after,
                "resolves_with": s.pins.iter().map(|(n, v)| json!({"package": n.to_string(), "version": v.to_string()})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "note": report.search_note(),
        },
        "versions": versions.iter().map(|v| json!({
            "version": v.version.to_string(),
            "problem": v.problem,
        })).collect::<Vec<_>>(),
    })
}
