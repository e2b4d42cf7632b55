//! `lockit explain` as text for people: the pin, who requires it, the paths to it, and why
//! each newer release was not chosen; or the conflict report with its hints and fixes.

use std::fmt::Write as _;

use lockit_types::{PackageName, RequirementOrigin, SourcedRequirement, Version};

use super::model::{Hidden, NotInLock, Pinned, SkipReason, Split, VersionNote};
use crate::{NoSolution, ResolveOptions};

/// How many paths and skipped groups the text output lists before summing up.
const PATHS_SHOWN: usize = 12;
const GROUPS_SHOWN: usize = 10;

/// How the text marks emphasis; the caller decides whether that means colour.
pub trait Paint {
    /// Headings and names.
    fn bold(&self, text: &str) -> String;
    /// The pin, and fixes.
    fn green(&self, text: &str) -> String;
    /// Versions not chosen, and hints.
    fn yellow(&self, text: &str) -> String;
    /// `error:`.
    fn red(&self, text: &str) -> String;
}

pub(crate) fn target_line(options: &ResolveOptions) -> String {
    options.describe()
}

/// For a universal lock, where `name`'s pins apply and, when there are several, the
/// requirements whose markers split them; `None` for a single-target lock or one
/// unconditional pin.
pub fn split_text(name: &PackageName, split: Option<&Split>, s: &dyn Paint) -> Option<String> {
    let split = split?;
    let mut out = String::new();
    match split.pins.as_slice() {
        [] => return None,
        [(version, marker)] => {
            let _ = writeln!(
                out,
                "{name} {version} is installed only where `{}`.\n",
                marker.as_ref()?
            );
            return Some(out);
        }
        many => {
            let _ = writeln!(
                out,
                "{}",
                s.bold(&format!(
                    "{name} has {} pins in this universal lock, one per part of the environments:",
                    many.len()
                ))
            );
            for (version, marker) in many {
                let at = marker
                    .as_ref()
                    .map(|m| format!(" ; {m}"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {}", s.green(&format!("{name}=={version}{at}")));
            }
        }
    }
    if !split.requirements.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            s.bold(&format!(
                "Split where requirements on {name} apply under different markers:"
            ))
        );
        for line in &split.requirements {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "\nThe rest is about {name} {}.\n", split.pins[0].0);
    Some(out)
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

/// The first line of why the releases were not chosen, for `tree --outdated`.
pub(crate) fn reason_line(name: &PackageName, pin: &Version, reason: &SkipReason) -> String {
    let lines: Vec<String> = reason_text(name, pin, reason)
        .iter()
        .map(|l| l.trim().to_string())
        .collect();
    lines.join(" ")
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
            let mut out = vec![format!(
                "allowed by every requirement on {name}, but choosing it fails:"
            )];
            out.extend(lines.iter().map(|l| format!("    {l}")));
            out
        }
        SkipReason::AlsoResolves {
            moved,
            kept_by_lock,
        } => {
            let with = if moved.is_empty() {
                "with every other pin unchanged".to_string()
            } else {
                let list: Vec<String> = moved
                    .iter()
                    .map(|(n, was, would)| format!("{n} {would} instead of {was}"))
                    .collect();
                format!("with {}", list.join(", "))
            };
            let why = if *kept_by_lock {
                format!("{name} {pin} is kept because the existing lock pins it")
            } else if moved.iter().all(|(_, was, would)| would > was) {
                "nothing would be older, so lockit should have chosen it: please report this"
                    .to_string()
            } else {
                "the solver kept the newer of the pins that would move".to_string()
            };
            vec![format!(
                "allowed, and it resolves too, {with}; {why}; `lockit resolve -P {name}` moves it"
            )]
        }
        SkipReason::OlderThanChecked => {
            vec!["allowed by every requirement; older than the newest allowed release, whose check is above".to_string()]
        }
        SkipReason::Unchecked(why) => {
            vec![format!("allowed by every requirement; not checked: {why}")]
        }
    }
}

/// Why `name` is pinned where it is: who requires it, the paths to it, and what kept each
/// newer release out.
pub fn pinned_text(
    name: &PackageName,
    options: &ResolveOptions,
    p: &Pinned,
    s: &dyn Paint,
    hidden: Option<&Hidden>,
) -> String {
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
    if let Some(warning) = &p.yanked {
        let _ = writeln!(out, "{} {warning}", s.yellow("warning:"));
    }
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
        (Some(v), _) if *v < p.version => {
            format!("{name} {v}, not counting yanked releases and pre-releases; the pin is newer.")
        }
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
    if let Some(h) = hidden {
        for n in &h.versions {
            let _ = writeln!(
                out,
                "Hidden by --exclude-newer {}: {name} {} (uploaded{})",
                h.cutoff,
                n.version,
                n.uploaded_text()
            );
        }
    }
    out
}

/// Why `name` is not in the lock: the requirements on it that did not apply.
pub fn not_in_lock_text(
    name: &PackageName,
    options: &ResolveOptions,
    n: &NotInLock,
    s: &dyn Paint,
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

/// The conflict report, with hints, checked fixes and `name`'s versions on the index.
pub fn failure_text(
    name: &PackageName,
    report: &NoSolution,
    versions: &[VersionNote],
    s: &dyn Paint,
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
