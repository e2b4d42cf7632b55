//! What changed between two sets of pins: the summary `resolve` prints after a re-lock and
//! the pin diff `verify` reports.

use std::collections::BTreeMap;
use std::fmt;

use pep440_rs::Version;
use pep508_rs::PackageName;

/// One pin that differs between an old and a new lock.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PinChange {
    /// Only in the new lock.
    Added {
        /// The package.
        name: PackageName,
        /// Its new pin.
        version: Version,
    },
    /// Only in the old lock.
    Removed {
        /// The package.
        name: PackageName,
        /// Its old pin.
        version: Version,
    },
    /// In both, at different versions.
    Changed {
        /// The package.
        name: PackageName,
        /// The old pin.
        from: Version,
        /// The new pin.
        to: Version,
    },
}

impl PinChange {
    /// The package the change is about.
    pub fn name(&self) -> &PackageName {
        match self {
            PinChange::Added { name, .. }
            | PinChange::Removed { name, .. }
            | PinChange::Changed { name, .. } => name,
        }
    }
}

impl fmt::Display for PinChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinChange::Added { name, version } => write!(f, "+ {name} {version}"),
            PinChange::Removed { name, version } => write!(f, "- {name} {version}"),
            PinChange::Changed { name, from, to } => write!(f, "~ {name} {from} -> {to}"),
        }
    }
}

/// The changes from `old` to `new`, by package name.
pub fn diff_pins(
    old: &BTreeMap<PackageName, Version>,
    new: &BTreeMap<PackageName, Version>,
) -> Vec<PinChange> {
    let mut out = Vec::new();
    for (name, from) in old {
        match new.get(name) {
            None => out.push(PinChange::Removed {
                name: name.clone(),
                version: from.clone(),
            }),
            Some(to) if to != from => out.push(PinChange::Changed {
                name: name.clone(),
                from: from.clone(),
                to: to.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, version) in new {
        if !old.contains_key(name) {
            out.push(PinChange::Added {
                name: name.clone(),
                version: version.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.name().cmp(b.name()));
    out
}

/// For packages pinned at the same version in both locks, what else changed: hash lines
/// (`~ six 1.16.0: 2 hashes added, 1 removed`) and `# via` annotations.
pub fn line_changes(old: &crate::ParsedLock, new: &crate::ParsedLock) -> Vec<String> {
    use std::collections::BTreeSet;
    let mut out = Vec::new();
    for pin in &new.pins {
        let Some(before) = old.pins.iter().find(|p| p.name == pin.name) else {
            continue;
        };
        if before.version != pin.version {
            continue;
        }
        let version = pin
            .version
            .as_ref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let set = |p: &crate::Pin| -> BTreeSet<String> {
            p.hashes.iter().map(|h| h.to_ascii_lowercase()).collect()
        };
        let (was, now) = (set(before), set(pin));
        let added = now.difference(&was).count();
        let removed = was.difference(&now).count();
        if added + removed > 0 {
            let plural = |n: usize| if n == 1 { "" } else { "es" };
            out.push(format!(
                "~ {}{version}: {added} hash{} added, {removed} hash{} removed",
                pin.name,
                plural(added),
                plural(removed)
            ));
        }
        if before.via != pin.via {
            out.push(format!("~ {}{version}: `# via` changed", pin.name));
        }
    }
    out
}

/// What re-locking changed, a line each: "lock unchanged" only when the bytes are the
/// same; else pin changes, then hash and `# via` changes of pins that stayed, else
/// "lock updated: its header changed".
pub fn relock_summary(
    old: &crate::ParsedLock,
    old_text: &str,
    new: &crate::ParsedLock,
    new_text: &str,
) -> Vec<String> {
    if old_text == new_text {
        return vec!["lock unchanged".to_string()];
    }
    let mut lines: Vec<String> = diff_pins(&old.versions(), &new.versions())
        .iter()
        .map(ToString::to_string)
        .collect();
    lines.extend(line_changes(old, new));
    if lines.is_empty() {
        lines.push("lock updated: its header changed".to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn pins(list: &[(&str, &str)]) -> BTreeMap<PackageName, Version> {
        list.iter()
            .map(|(n, v)| {
                (
                    PackageName::from_str(n).expect("name"),
                    Version::from_str(v).expect("version"),
                )
            })
            .collect()
    }

    #[test]
    fn summarizes_changes_by_name() {
        let old = pins(&[("numpy", "1.26.4"), ("six", "1.16.0"), ("flask", "3.1.0")]);
        let new = pins(&[("numpy", "2.1.3"), ("idna", "3.10"), ("flask", "3.1.0")]);
        let lines: Vec<String> = diff_pins(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            ["+ idna 3.10", "~ numpy 1.26.4 -> 2.1.3", "- six 1.16.0"]
        );
        assert!(diff_pins(&old, &old).is_empty());
    }
}
