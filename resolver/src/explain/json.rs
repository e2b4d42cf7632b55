//! `lockit explain --format json`: the same findings as the text, for tools.

use lockit_types::{PackageName, RequirementOrigin, SourcedRequirement};
use serde_json::{json, Value};

use super::model::{Explanation, Hidden, SkipReason, Split, VersionNote};
use crate::{NoSolution, ResolveOptions};

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
        SkipReason::AlsoResolves {
            moved,
            kept_by_lock,
        } => json!({
            "kind": "also-resolves",
            "kept_by_lock": kept_by_lock,
            "moves": moved.iter().map(|(n, was, would)| json!({
                "package": n.to_string(), "pinned": was.to_string(), "would_be": would.to_string(),
            })).collect::<Vec<_>>(),
        }),
        SkipReason::OlderThanChecked => json!({ "kind": "older-than-checked" }),
        SkipReason::Unchecked(why) => json!({ "kind": "not-checked", "why": why }),
    }
}

fn target_json(options: &ResolveOptions) -> Value {
    json!({
        "python": options.environment.target().python.to_string(),
        "platform": options.environment.target().platform.to_string(),
    })
}

/// The explanation of `name` as JSON; for a universal lock (`split`), `universal` lists
/// every pin with its marker and the marked requirements that split them, and the rest is
/// about the first pin.
pub fn explanation_json(
    name: &PackageName,
    options: &ResolveOptions,
    e: &Explanation,
    hidden: Option<&Hidden>,
    split: Option<&Split>,
) -> Value {
    let mut v = match e {
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
            "yanked": p.yanked,
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
    };
    if let (Some(obj), Some(split)) = (v.as_object_mut(), split) {
        let pins: Vec<Value> = split
            .pins
            .iter()
            .map(|(version, marker)| json!({"version": version.to_string(), "marker": marker}))
            .collect();
        obj.insert(
            "universal".into(),
            json!({ "pins": pins, "split_by": split.requirements }),
        );
    }
    if let (Some(obj), Some(h)) = (v.as_object_mut(), hidden) {
        obj.insert("exclude_newer".into(), json!(h.cutoff));
        let hidden: Vec<Value> = h
            .versions
            .iter()
            .map(|n| json!({"version": n.version.to_string(), "uploaded": n.uploaded.map(|t| t.to_string())}))
            .collect();
        obj.insert("hidden_by_exclude_newer".into(), json!(hidden));
    }
    v
}

/// The conflict report as JSON, with `name`'s versions on the index.
pub fn failure_json(
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
