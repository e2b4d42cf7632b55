//! `lockit tree --outdated`: for every pin, the newest release the target can install
//! and, where the pin is older, why, in one line: the first reason [`super::explain`]
//! gives for the newest release it did not choose.

use lockit_types::{PackageName, SourcedRequirement, Version};

use super::{pinned, text::reason_line, version_map};
use crate::error::ResolveError;
use crate::index::Index;
use crate::options::ResolveOptions;

/// One pin and what is newer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outdated {
    /// The package.
    pub name: PackageName,
    /// Its pin.
    pub version: Version,
    /// The newest release the target can install (not yanked; a pre-release only when
    /// the policy or the pin allows one).
    pub newest: Option<Version>,
    /// When the pin is older than `newest`: why, in one line.
    pub reason: Option<String>,
}

/// Resolves once (the options' preferences keep the lock's pins), then, for each pin,
/// finds the newest installable release and, where the pin is older, why: published
/// after `lock_cutoff` (the lock's `--exclude-newer`), else the reason `explain` gives.
pub fn outdated(
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    lock_cutoff: Option<jiff::Timestamp>,
) -> Result<Vec<Outdated>, ResolveError> {
    let resolution = crate::resolve(index, roots, constraints, options)?;
    let mut out = Vec::new();
    for pkg in &resolution.packages {
        let prerelease_ok =
            options.prerelease == crate::PrereleaseMode::Allow || pkg.version.any_prerelease();
        let newest = version_map(index, &pkg.name, options).and_then(|map| {
            map.newest_first()
                .find(|(v, e)| {
                    e.usable.is_ok() && !e.yanked && (prerelease_ok || !v.any_prerelease())
                })
                .map(|(v, e)| {
                    (
                        v.clone(),
                        e.files.iter().filter_map(|f| f.upload_time).min(),
                    )
                })
        });
        let (newest, uploaded) = newest.unzip();
        let after_cutoff = uploaded
            .flatten()
            .zip(lock_cutoff)
            .filter(|(uploaded, cutoff)| uploaded > cutoff);
        let reason = match &newest {
            Some(n) if *n > pkg.version && after_cutoff.is_some() => after_cutoff.map(|(u, c)| {
                format!(
                    "published {}, after the lock's --exclude-newer {c}",
                    u.strftime("%Y-%m-%d")
                )
            }),
            Some(n) if *n > pkg.version => {
                let p = pinned(index, roots, constraints, options, &resolution, pkg);
                p.skipped
                    .iter()
                    .find(|s| s.versions.contains(n))
                    .or(p.skipped.first())
                    .map(|s| reason_line(&pkg.name, &pkg.version, &s.reason))
            }
            _ => None,
        };
        out.push(Outdated {
            name: pkg.name.clone(),
            version: pkg.version.clone(),
            newest,
            reason,
        });
    }
    out.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    Ok(out)
}

/// For `tree --outdated`: a line per pin older than the newest release (`name pin ->
/// newest: why`), then how many are not.
pub fn outdated_text(list: &[Outdated]) -> String {
    let mut out = String::from("\nNewer releases:\n");
    let older: Vec<&Outdated> = list.iter().filter(|o| o.reason.is_some()).collect();
    for o in &older {
        let newest = o
            .newest
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let reason = o.reason.as_deref().unwrap_or_default();
        out.push_str(&format!(
            "  {} {} -> {newest}: {reason}\n",
            o.name, o.version
        ));
    }
    out.push_str(&format!(
        "{} of {} pins are the newest release.\n",
        list.len() - older.len(),
        list.len()
    ));
    out
}

/// For `tree --outdated --format json`: `[{"name", "version", "newest", "reason"?}]`.
pub fn outdated_json(list: &[Outdated]) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = list
        .iter()
        .map(|o| {
            let mut e = serde_json::json!({
                "name": o.name.to_string(),
                "version": o.version.to_string(),
                "newest": o.newest.as_ref().map(ToString::to_string),
            });
            if let (Some(reason), Some(e)) = (&o.reason, e.as_object_mut()) {
                e.insert("reason".into(), serde_json::json!(reason));
            }
            e
        })
        .collect();
    serde_json::Value::Array(entries)
}
