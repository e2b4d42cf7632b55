//! What a sync changes: the installed distributions against the lock's pins for the
//! environment. pip, setuptools and wheel are kept unless the lock pins them (as
//! pip-sync does); an install left half-done (no `RECORD`), or one an interrupted sync
//! was changing, is done again.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use lockit_types::PackageName;

use crate::installed::Installed;
use crate::wanted::Wanted;

/// Packages an environment keeps although the lock does not pin them.
pub const SEEDS: &[&str] = &["pip", "setuptools", "wheel"];

/// One change to the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A pin the environment lacks.
    Add(Wanted),
    /// A distribution the lock does not have.
    Remove(Installed),
    /// An installed distribution that is not the pin (another version or source, or a
    /// broken install).
    Replace(Installed, Wanted),
}

impl Change {
    /// The package it changes.
    pub fn name(&self) -> &PackageName {
        match self {
            Change::Add(w) | Change::Replace(_, w) => &w.name,
            Change::Remove(i) => &i.name,
        }
    }

    /// The pin to install, if any.
    pub fn wanted(&self) -> Option<&Wanted> {
        match self {
            Change::Add(w) | Change::Replace(_, w) => Some(w),
            Change::Remove(_) => None,
        }
    }

    /// The distribution to remove, if any.
    pub fn installed(&self) -> Option<&Installed> {
        match self {
            Change::Remove(i) | Change::Replace(i, _) => Some(i),
            Change::Add(_) => None,
        }
    }
}

impl fmt::Display for Change {
    /// `+ name 1.2`, `- name 1.0`, `~ name 1.0 -> 1.2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Add(w) => write!(f, "+ {}", w.describe()),
            Change::Remove(i) => write!(f, "- {} {}", i.name, i.version),
            Change::Replace(i, w) => {
                let to = match (&w.version, &w.url) {
                    (Some(v), _) => v.to_string(),
                    (None, Some(url)) => format!("@ {url}"),
                    (None, None) => String::new(),
                };
                let broken = match i.complete {
                    true => "",
                    false => " (repaired)",
                };
                write!(f, "~ {} {} -> {to}{broken}", i.name, i.version)
            }
        }
    }
}

/// Every change, ordered by package name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The changes.
    pub changes: Vec<Change>,
    /// Pins already installed as locked.
    pub unchanged: usize,
}

impl Plan {
    /// True when the environment is exactly the lock.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The changes that make `installed` exactly `wanted`; `dirty` names packages an
/// interrupted sync was changing, which are installed again whatever they look like.
pub fn plan(installed: &[Installed], wanted: &[Wanted], dirty: &HashSet<PackageName>) -> Plan {
    let mut by_name: BTreeMap<&PackageName, Vec<&Installed>> = BTreeMap::new();
    for dist in installed {
        by_name.entry(&dist.name).or_default().push(dist);
    }
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for pin in wanted {
        let mut present = by_name.remove(&pin.name).unwrap_or_default();
        let keep = present
            .iter()
            .position(|i| !dirty.contains(&i.name) && satisfies(i, pin));
        match keep {
            Some(at) => {
                present.remove(at);
                unchanged += 1;
                changes.extend(present.into_iter().map(|i| Change::Remove(i.clone())));
            }
            None => {
                let mut present = present.into_iter();
                match present.next() {
                    Some(first) => changes.push(Change::Replace(first.clone(), pin.clone())),
                    None => changes.push(Change::Add(pin.clone())),
                }
                changes.extend(present.map(|i| Change::Remove(i.clone())));
            }
        }
    }
    for (name, left) in by_name {
        let seed = SEEDS.contains(&name.as_ref());
        for dist in left {
            if seed && dist.complete && !dirty.contains(name) {
                continue;
            }
            changes.push(Change::Remove(dist.clone()));
        }
    }
    changes.sort_by(|a, b| a.name().cmp(b.name()));
    Plan { changes, unchanged }
}

/// True when `dist` is `pin` as locked: same version from an index, or installed from the
/// same URL, and whole.
fn satisfies(dist: &Installed, pin: &Wanted) -> bool {
    if !dist.complete || dist.editable != pin.editable.is_some() {
        return false;
    }
    match (&pin.url, &pin.version) {
        (Some(url), _) => dist.direct_url.as_deref() == Some(url.as_str()),
        (None, Some(version)) => dist.direct_url.is_none() && &dist.version == version,
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::str::FromStr;

    use super::*;

    fn dist(name: &str, version: &str) -> Installed {
        Installed {
            name: PackageName::from_str(name).unwrap(),
            version: version.parse().unwrap(),
            dist_info: PathBuf::from(format!("{name}-{version}.dist-info")),
            direct_url: None,
            editable: false,
            complete: true,
        }
    }

    fn pin(name: &str, version: &str) -> Wanted {
        Wanted {
            name: PackageName::from_str(name).unwrap(),
            version: Some(version.parse().unwrap()),
            url: None,
            hashes: vec![],
            line: 1,
            editable: None,
        }
    }

    fn lines(plan: &Plan) -> Vec<String> {
        plan.changes.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn adds_replaces_and_removes_keeping_seeds() {
        let installed = [
            dist("numpy", "2.2.6"),
            dist("pip", "24.0"),
            dist("setuptools", "65.5.0"),
            dist("six", "1.17.0"),
            dist("tqdm", "4.67.1"),
        ];
        let wanted = [
            pin("numpy", "2.3.5"),
            pin("pandas", "2.3.3"),
            pin("six", "1.17.0"),
        ];
        let plan = plan(&installed, &wanted, &HashSet::new());
        assert_eq!(
            lines(&plan),
            ["~ numpy 2.2.6 -> 2.3.5", "+ pandas 2.3.3", "- tqdm 4.67.1"]
        );
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn a_pinned_seed_is_synced_like_any_pin() {
        let installed = [dist("pip", "24.0")];
        let plan = plan(&installed, &[pin("pip", "25.1")], &HashSet::new());
        assert_eq!(lines(&plan), ["~ pip 24.0 -> 25.1"]);
    }

    #[test]
    fn the_same_environment_plans_nothing() {
        let installed = [dist("six", "1.17.0"), dist("pip", "24.0")];
        let plan = plan(&installed, &[pin("six", "1.17.0")], &HashSet::new());
        assert!(plan.is_empty());
    }

    #[test]
    fn half_installed_and_dirty_distributions_are_installed_again() {
        let mut half = dist("six", "1.17.0");
        half.complete = false;
        let p = plan(&[half], &[pin("six", "1.17.0")], &HashSet::new());
        assert_eq!(lines(&p), ["~ six 1.17.0 -> 1.17.0 (repaired)"]);
        let dirty: HashSet<PackageName> = [PackageName::from_str("six").unwrap()].into();
        let p = plan(&[dist("six", "1.17.0")], &[pin("six", "1.17.0")], &dirty);
        assert_eq!(lines(&p), ["~ six 1.17.0 -> 1.17.0"]);
    }

    #[test]
    fn a_url_pin_is_satisfied_only_by_its_url() {
        let mut from_url = dist("app", "0.1");
        from_url.direct_url = Some("https://example.com/app-0.1-py3-none-any.whl".into());
        let mut wanted = pin("app", "0.1");
        wanted.version = None;
        wanted.url = from_url.direct_url.clone();
        assert!(plan(&[from_url.clone()], &[wanted.clone()], &HashSet::new()).is_empty());
        let p = plan(&[dist("app", "0.1")], &[wanted], &HashSet::new());
        assert_eq!(p.changes.len(), 1);
    }
}
