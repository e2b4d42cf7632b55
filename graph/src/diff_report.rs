//! `lockit diff OLD NEW`: what changed between two locks, for people (text), for a
//! pull-request comment (markdown: a table, then details) and for tools (JSON). The
//! version changes are [`lockit_lockfile::diff_pins`]'s, sorted into upgrades and
//! downgrades; hash-only and marker changes are those of pins that kept their version.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use lockit_lockfile::{diff_pins, ParsedLock, Pin, PinChange};
use lockit_types::{PackageName, Version};
use serde_json::{json, Value};

/// How far a version moved: the first release segment that differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// `1.x` to `2.x`.
    Major,
    /// `1.2` to `1.3`.
    Minor,
    /// `1.2.3` to `1.2.4`.
    Patch,
    /// Only a later segment, a pre-, post- or dev-release or a local label.
    Other,
}

impl Bump {
    /// Between two versions.
    pub fn between(from: &Version, to: &Version) -> Bump {
        let (a, b) = (from.release(), to.release());
        let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
        if from.epoch() != to.epoch() || at(a, 0) != at(b, 0) {
            Bump::Major
        } else if at(a, 1) != at(b, 1) {
            Bump::Minor
        } else if at(a, 2) != at(b, 2) {
            Bump::Patch
        } else {
            Bump::Other
        }
    }

    /// `major`, `minor`, `patch` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Major => "major",
            Bump::Minor => "minor",
            Bump::Patch => "patch",
            Bump::Other => "other",
        }
    }
}

/// One package that differs between the two locks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Only in the new lock, with its `# via` reasons.
    Added {
        /// The package.
        name: PackageName,
        /// Its pin (`@ url` for a direct reference).
        version: String,
        /// Why it is there (`-r requirements.in`, `jsonschema`).
        via: Vec<String>,
    },
    /// Only in the old lock.
    Removed {
        /// The package.
        name: PackageName,
        /// Its old pin.
        version: String,
    },
    /// Pinned newer.
    Upgraded {
        /// The package.
        name: PackageName,
        /// The old pin.
        from: Version,
        /// The new pin.
        to: Version,
        /// How far.
        bump: Bump,
    },
    /// Pinned older.
    Downgraded {
        /// The package.
        name: PackageName,
        /// The old pin.
        from: Version,
        /// The new pin.
        to: Version,
        /// How far.
        bump: Bump,
    },
    /// The same version, under another marker (universal locks).
    Marker {
        /// The package.
        name: PackageName,
        /// Its pin.
        version: String,
        /// The old marker; `None`: everywhere.
        from: Option<String>,
        /// The new marker.
        to: Option<String>,
    },
    /// The same version and marker, with other `--hash` lines.
    Hashes {
        /// The package.
        name: PackageName,
        /// Its pin.
        version: String,
        /// Hashes only the new lock has.
        added: usize,
        /// Hashes only the old lock has.
        removed: usize,
    },
}

impl Change {
    /// `added`, `removed`, `upgraded`, `downgraded`, `marker` or `hashes`.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added { .. } => "added",
            Change::Removed { .. } => "removed",
            Change::Upgraded { .. } => "upgraded",
            Change::Downgraded { .. } => "downgraded",
            Change::Marker { .. } => "marker",
            Change::Hashes { .. } => "hashes",
        }
    }

    /// The package.
    pub fn name(&self) -> &PackageName {
        match self {
            Change::Added { name, .. }
            | Change::Removed { name, .. }
            | Change::Upgraded { name, .. }
            | Change::Downgraded { name, .. }
            | Change::Marker { name, .. }
            | Change::Hashes { name, .. } => name,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Change::Added { .. } => 0,
            Change::Removed { .. } => 1,
            Change::Upgraded { .. } => 2,
            Change::Downgraded { .. } => 3,
            Change::Marker { .. } => 4,
            Change::Hashes { .. } => 5,
        }
    }

    /// The old pin, where there was one.
    fn old_pin(&self) -> String {
        match self {
            Change::Added { .. } => String::new(),
            Change::Removed { version, .. }
            | Change::Marker { version, .. }
            | Change::Hashes { version, .. } => version.clone(),
            Change::Upgraded { from, .. } | Change::Downgraded { from, .. } => from.to_string(),
        }
    }

    /// The new pin, where there is one.
    fn new_pin(&self) -> String {
        match self {
            Change::Removed { .. } => String::new(),
            Change::Added { version, .. }
            | Change::Marker { version, .. }
            | Change::Hashes { version, .. } => version.clone(),
            Change::Upgraded { to, .. } | Change::Downgraded { to, .. } => to.to_string(),
        }
    }

    /// What happened, in a few words (`upgraded (major)`, `2 hashes added, 1 removed`).
    fn what(&self) -> String {
        match self {
            Change::Upgraded { bump, .. } | Change::Downgraded { bump, .. } => {
                format!("{} ({})", self.kind(), bump.as_str())
            }
            Change::Marker { from, to, .. } => format!(
                "marker {} -> {}",
                marker_text(from.as_deref()),
                marker_text(to.as_deref())
            ),
            Change::Hashes { added, removed, .. } => {
                format!(
                    "{} added, {removed} removed",
                    plural(*added, "hash", "hashes")
                )
            }
            _ => self.kind().to_string(),
        }
    }
}

fn marker_text(marker: Option<&str>) -> String {
    marker.map_or_else(|| "(everywhere)".to_string(), |m| format!("`{m}`"))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What changed from one lock to another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffReport {
    /// The changes: added, removed, upgraded, downgraded, marker, hashes; by name within.
    pub changes: Vec<Change>,
}

fn pin_text(pin: &Pin) -> String {
    match (&pin.version, &pin.url) {
        (Some(v), _) => v.to_string(),
        (None, Some(url)) => format!("@ {url}"),
        (None, None) => String::new(),
    }
}

impl DiffReport {
    /// Compares `old` with `new`.
    pub fn new(old: &ParsedLock, new: &ParsedLock) -> DiffReport {
        let mut changes = Vec::new();
        for change in diff_pins(&old.versions(), &new.versions()) {
            changes.push(match change {
                PinChange::Added { name, version } => Change::Added {
                    via: vias(new, &name),
                    name,
                    version: version.to_string(),
                },
                PinChange::Removed { name, version } => Change::Removed {
                    name,
                    version: version.to_string(),
                },
                PinChange::Changed { name, from, to } => {
                    let bump = Bump::between(&from, &to);
                    if to > from {
                        Change::Upgraded {
                            name,
                            from,
                            to,
                            bump,
                        }
                    } else {
                        Change::Downgraded {
                            name,
                            from,
                            to,
                            bump,
                        }
                    }
                }
            });
        }
        // Direct references have no version for `diff_pins` to compare.
        let names = |lock: &ParsedLock| -> BTreeSet<PackageName> {
            lock.pins.iter().map(|p| p.name.clone()).collect()
        };
        let (old_names, new_names) = (names(old), names(new));
        let listed: BTreeSet<PackageName> = changes.iter().map(|c| c.name().clone()).collect();
        for pin in new.pins.iter().filter(|p| p.version.is_none()) {
            if !old_names.contains(&pin.name) && !listed.contains(&pin.name) {
                changes.push(Change::Added {
                    name: pin.name.clone(),
                    version: pin_text(pin),
                    via: vias(new, &pin.name),
                });
            }
        }
        for pin in old.pins.iter().filter(|p| p.version.is_none()) {
            if !new_names.contains(&pin.name) && !listed.contains(&pin.name) {
                changes.push(Change::Removed {
                    name: pin.name.clone(),
                    version: pin_text(pin),
                });
            }
        }
        for pin in &new.pins {
            let same =
                |p: &&Pin| p.name == pin.name && p.version == pin.version && p.url == pin.url;
            let Some(before) = old.pins.iter().find(same) else {
                continue;
            };
            if before.marker != pin.marker {
                // Among several pins of one version, the one under the same marker.
                if !old.pins.iter().filter(same).any(|p| p.marker == pin.marker) {
                    changes.push(Change::Marker {
                        name: pin.name.clone(),
                        version: pin_text(pin),
                        from: before.marker.clone(),
                        to: pin.marker.clone(),
                    });
                }
                continue;
            }
            let set = |p: &Pin| -> BTreeSet<String> {
                p.hashes
                    .iter()
                    .chain(p.files.iter().map(|f| &f.hash))
                    .map(|h| h.to_ascii_lowercase())
                    .collect()
            };
            let (was, now) = (set(before), set(pin));
            let added = now.difference(&was).count();
            let removed = was.difference(&now).count();
            if added + removed > 0 {
                changes.push(Change::Hashes {
                    name: pin.name.clone(),
                    version: pin_text(pin),
                    added,
                    removed,
                });
            }
        }
        changes.sort_by(|a, b| (a.rank(), a.name()).cmp(&(b.rank(), b.name())));
        DiffReport { changes }
    }

    /// True when the locks pin the same things.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    fn counts(&self) -> Vec<(&'static str, usize)> {
        let kinds = [
            "added",
            "removed",
            "upgraded",
            "downgraded",
            "marker",
            "hashes",
        ];
        kinds
            .iter()
            .map(|k| (*k, self.changes.iter().filter(|c| c.kind() == *k).count()))
            .collect()
    }

    /// `3 packages changed: 1 added, 2 upgraded`, or `no changes`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no changes".to_string();
        }
        let parts: Vec<String> = self
            .counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| match k {
                "marker" => plural(n, "marker changed", "markers changed"),
                "hashes" => format!("{n} with other hashes"),
                k => format!("{n} {k}"),
            })
            .collect();
        format!(
            "{} changed: {}",
            plural(self.changes.len(), "package", "packages"),
            parts.join(", ")
        )
    }

    /// For a terminal: a line per change, then the summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.changes {
            let line = match c {
                Change::Added { name, version, via } => {
                    let via = if via.is_empty() {
                        String::new()
                    } else {
                        format!("  (via {})", via.join(", "))
                    };
                    format!("+ {name} {version}{via}")
                }
                Change::Removed { name, version } => format!("- {name} {version}"),
                Change::Upgraded {
                    name,
                    from,
                    to,
                    bump,
                } => {
                    format!("↑ {name} {from} -> {to} ({})", bump.as_str())
                }
                Change::Downgraded {
                    name,
                    from,
                    to,
                    bump,
                } => {
                    format!("↓ {name} {from} -> {to} ({})", bump.as_str())
                }
                Change::Marker { name, version, .. } | Change::Hashes { name, version, .. } => {
                    format!("~ {name} {version}: {}", c.what())
                }
            };
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// For a pull-request comment: a table of the changes, then the details (why each
    /// added package is there).
    pub fn markdown(&self) -> String {
        let mut out = String::from("### Lock changes\n\n");
        if self.is_empty() {
            out.push_str("No changes.\n");
            return out;
        }
        let _ = writeln!(out, "{}.\n", self.summary());
        out.push_str("| Package | Change | Old | New |\n|---|---|---|---|\n");
        for c in &self.changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                c.name(),
                cell(&c.what()),
                cell(&c.old_pin()),
                cell(&c.new_pin())
            );
        }
        let added: Vec<&Change> = self
            .changes
            .iter()
            .filter(|c| matches!(c, Change::Added { .. }))
            .collect();
        if !added.is_empty() {
            out.push_str("\n<details><summary>Why the added packages are there</summary>\n\n");
            for c in added {
                if let Change::Added { name, version, via } = c {
                    let via = if via.is_empty() {
                        "(the lock does not say)".to_string()
                    } else {
                        via.iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let _ = writeln!(out, "- `{name}` {version}: via {via}");
                }
            }
            out.push_str("\n</details>\n");
        }
        out
    }

    /// For tools: `{"version": 1, "summary": {...}, "changes": [{"kind", "name", ...}]}`.
    pub fn json(&self) -> Value {
        let summary: serde_json::Map<String, Value> = self
            .counts()
            .into_iter()
            .map(|(k, n)| (k.to_string(), json!(n)))
            .collect();
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                let mut o = json!({ "kind": c.kind(), "name": c.name().to_string() });
                let fields = match c {
                    Change::Added { version, via, .. } => json!({ "new": version, "via": via }),
                    Change::Removed { version, .. } => json!({ "old": version }),
                    Change::Upgraded { from, to, bump, .. }
                    | Change::Downgraded { from, to, bump, .. } => json!({
                        "old": from.to_string(), "new": to.to_string(), "bump": bump.as_str()
                    }),
                    Change::Marker {
                        version, from, to, ..
                    } => {
                        json!({ "version": version, "old_marker": from, "new_marker": to })
                    }
                    Change::Hashes {
                        version,
                        added,
                        removed,
                        ..
                    } => json!({
                        "version": version, "hashes_added": added, "hashes_removed": removed
                    }),
                };
                if let (Some(o), Value::Object(f)) = (o.as_object_mut(), fields) {
                    o.extend(f);
                }
                o
            })
            .collect();
        json!({ "version": 1, "summary": summary, "changes": changes })
    }
}

/// A markdown table cell: `|` would end it.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The `# via` reasons of `name`'s pins in `lock`.
fn vias(lock: &ParsedLock, name: &PackageName) -> Vec<String> {
    let mut out: Vec<String> = lock
        .pins
        .iter()
        .filter(|p| &p.name == name)
        .flat_map(|p| p.via.iter().cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    const OLD: &str = "\
attrs==24.2.0 \\
    --hash=sha256:aa
    # via -r r.in
idna==3.10 \\
    --hash=sha256:bb
    # via requests
numpy==1.26.4 ; python_version < '3.13' \\
    --hash=sha256:cc
    # via -r r.in
requests==2.31.0 \\
    --hash=sha256:dd
    # via -r r.in
six==1.16.0 \\
    --hash=sha256:ee
    # via -r r.in
urllib3==2.2.3 \\
    --hash=sha256:ff
    # via requests
";

    const NEW: &str = "\
attrs==24.2.0 \\
    --hash=sha256:aa \\
    --hash=sha256:a2
    # via -r r.in
certifi==2025.1.31 \\
    --hash=sha256:c1
    # via requests
idna==3.7 \\
    --hash=sha256:b7
    # via requests
numpy==1.26.4 \\
    --hash=sha256:cc
    # via -r r.in
requests==2.32.3 \\
    --hash=sha256:d3
    # via -r r.in
urllib3==3.0.0 \\
    --hash=sha256:f3
    # via requests
";

    fn report() -> DiffReport {
        let old = lockit_lockfile::parse_lock(OLD).unwrap();
        let new = lockit_lockfile::parse_lock(NEW).unwrap();
        DiffReport::new(&old, &new)
    }

    #[test]
    fn sorts_changes_by_kind() {
        let kinds: Vec<String> = report()
            .changes
            .iter()
            .map(|c| format!("{} {}", c.kind(), c.name()))
            .collect();
        assert_eq!(
            kinds,
            [
                "added certifi",
                "removed six",
                "upgraded requests",
                "upgraded urllib3",
                "downgraded idna",
                "marker numpy",
                "hashes attrs",
            ]
        );
        let lock = lockit_lockfile::parse_lock(OLD).unwrap();
        assert!(DiffReport::new(&lock, &lock).is_empty());
    }

    #[test]
    fn bumps_name_the_first_release_segment_that_moved() {
        let v = |s: &str| Version::from_str(s).unwrap();
        assert_eq!(Bump::between(&v("1.2.3"), &v("2.0.0")), Bump::Major);
        assert_eq!(Bump::between(&v("1.2.3"), &v("1.3")), Bump::Minor);
        assert_eq!(Bump::between(&v("1.2.3"), &v("1.2.4")), Bump::Patch);
        assert_eq!(Bump::between(&v("1.2.3"), &v("1.2.3.post1")), Bump::Other);
        assert_eq!(Bump::between(&v("1.2"), &v("1.2.0")), Bump::Other);
        assert_eq!(Bump::between(&v("2024.1"), &v("1!1.0")), Bump::Major);
    }

    #[test]
    fn text() {
        insta::assert_snapshot!(report().text());
    }

    #[test]
    fn markdown() {
        insta::assert_snapshot!(report().markdown());
    }

    #[test]
    fn json() {
        insta::assert_snapshot!(serde_json::to_string_pretty(&report().json()).unwrap());
    }
}
