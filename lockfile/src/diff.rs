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
