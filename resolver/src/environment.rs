//! The environment a resolution is for: one target, or a universal space of them.
//!
//! Modelled on uv's `ResolverEnvironment`: the kind is private, so that code outside
//! this module asks the environment a question (does this marker apply, which Python
//! does Requires-Python meet, how good is this wheel) instead of branching on the kind.
//! [`ResolverEnvironment::universal_space`] and [`ResolverEnvironment::is_universal`]
//! are for the few places that truly differ (the fork driver, the coverage check).

use std::sync::Arc;

use lockit_types::{
    ExtraName, MarkerEval, PackageName, Platform, Target, TargetError, Version, WheelFilename,
};
use pep508_rs::MarkerTree;

use crate::markers::{lock_text, python_at_least, python_floor, without_extras};

/// What a resolution locks for (see the module docs).
#[derive(Debug, Clone)]
pub struct ResolverEnvironment {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// One Python on one platform: markers are evaluated, wheels judged by its tags.
    Specific(Arc<Target>),
    /// Every environment of a marker space.
    Universal {
        space: Arc<UniversalSpace>,
        /// The space's lowest Python on Linux: its Python is the one Requires-Python is
        /// checked against, and it answers where a message or a check needs one target.
        stand_in: Arc<Target>,
    },
}

/// The environments a universal lock serves: every one whose markers fall in `space`.
#[derive(Debug, Clone)]
pub struct UniversalSpace {
    /// The lowest Python supported (`--python-version` or `requires-python`).
    pub python_floor: Version,
    /// The marker space of this solve: the whole supported space (narrowed by
    /// `--environment`), or one fork of it.
    pub space: MarkerTree,
    /// `--required-environment` markers: environments that must be able to install the lock.
    pub required: Vec<MarkerTree>,
    /// The existing lock's pins with their markers: a fork prefers the pin whose marker
    /// meets its space, so that re-locking keeps each fork's versions.
    pub locked: Vec<(PackageName, Version, MarkerTree)>,
    /// Packages whose releases must have a file these environments can install, in this
    /// part of the space (a `--required-environment` that found a gap).
    pub(crate) needs: Vec<(PackageName, Arc<Target>)>,
}

impl UniversalSpace {
    /// The space of every environment with a Python from `python_floor` on.
    pub fn from_floor(python_floor: Version) -> Self {
        let space = python_at_least(&python_floor);
        UniversalSpace {
            python_floor,
            space,
            required: Vec::new(),
            locked: Vec::new(),
            needs: Vec::new(),
        }
    }
}

impl ResolverEnvironment {
    /// One target: its markers decide which requirements apply, its tags which wheels.
    pub fn specific(target: Target) -> Self {
        ResolverEnvironment {
            kind: Kind::Specific(Arc::new(target)),
        }
    }

    /// Every environment of `space`. Fails when the space's lowest Python is not one a
    /// target can name (`3.X` or `3.X.Y`).
    pub fn universal(space: UniversalSpace) -> Result<Self, TargetError> {
        let linux: Platform = "linux".parse()?;
        let stand_in = Target::new(&space.python_floor.to_string(), linux)?;
        Ok(ResolverEnvironment {
            kind: Kind::Universal {
                space: Arc::new(space),
                stand_in: Arc::new(stand_in),
            },
        })
    }

    /// The universal space, for the code that solves or checks one; `None` for a target.
    pub fn universal_space(&self) -> Option<&UniversalSpace> {
        match &self.kind {
            Kind::Specific(_) => None,
            Kind::Universal { space, .. } => Some(space),
        }
    }

    /// True for a universal lock.
    pub fn is_universal(&self) -> bool {
        self.universal_space().is_some()
    }

    /// The one target that answers where a single environment is asked about (a marker
    /// in a message, the Python a build runs): the target itself, or for a universal
    /// space its lowest Python on Linux. Wheels are never picked by a stand-in's tags.
    pub fn target(&self) -> &Arc<Target> {
        match &self.kind {
            Kind::Specific(target) => target,
            Kind::Universal { stand_in, .. } => stand_in,
        }
    }

    /// The Python Requires-Python is checked against: the target's, or the lowest Python
    /// of the space (of this fork of it).
    pub fn python(&self) -> &Version {
        &self.target().python
    }

    /// `major.minor` of [`ResolverEnvironment::python`], as lock headers record it.
    pub fn python_minor(&self) -> String {
        self.target().python_minor()
    }

    /// True when a requirement with `marker` applies (with `extras` active): its marker
    /// holds for the target, or, in a universal space, for some environment of it.
    pub fn applies(&self, marker: &MarkerTree, extras: &[ExtraName]) -> bool {
        match &self.kind {
            Kind::Specific(target) => marker.holds(&target.markers, extras),
            Kind::Universal { space, .. } => {
                !space.space.is_disjoint(&without_extras(marker, extras))
            }
        }
    }

    /// True when a requirement of a package's extra (active with `extras`) applies just as
    /// well without them, so the base package already carries it: its marker holds for
    /// the target without extras, or, in a universal space, does not depend on them.
    pub fn applies_without(&self, marker: &MarkerTree, extras: &[ExtraName]) -> bool {
        match &self.kind {
            Kind::Specific(_) => self.applies(marker, &[]),
            Kind::Universal { .. } => without_extras(marker, &[]) == without_extras(marker, extras),
        }
    }

    /// How well the environment installs `wheel`: `None` when it cannot, else a priority
    /// (higher is better). Any wheel serves some environment of a universal space.
    pub fn wheel_priority(&self, wheel: &WheelFilename) -> Option<u32> {
        match &self.kind {
            Kind::Specific(target) => target.tags.compatibility(wheel),
            Kind::Universal { .. } => Some(0),
        }
    }

    /// The environments whose files each release of `name` must include (a
    /// `--required-environment` that found a gap); none for a target.
    pub fn needs<'a>(&'a self, name: &'a PackageName) -> impl Iterator<Item = &'a Arc<Target>> {
        self.universal_space()
            .into_iter()
            .flat_map(|u| &u.needs)
            .filter(move |(n, _)| n == name)
            .map(|(_, target)| target)
    }

    /// The `--required-environment` markers; none for a target.
    pub fn required(&self) -> &[MarkerTree] {
        self.universal_space().map_or(&[], |u| &u.required)
    }

    /// Gives a universal space the existing lock's pins with their markers (see
    /// [`UniversalSpace::locked`]). A target ignores them: its preferences are
    /// `ResolveOptions::preferences`.
    pub fn prefer_locked(&mut self, pins: Vec<(PackageName, Version, MarkerTree)>) {
        if let Kind::Universal { space, .. } = &mut self.kind {
            Arc::make_mut(space).locked = pins;
        }
    }

    /// The part `part` of a universal space, whose releases of each package in `needs`
    /// must have a file for those environments; its stand-in Python is the part's lowest
    /// Python. A target has no parts and stays as it is.
    pub fn narrowed(&self, part: MarkerTree, needs: Vec<(PackageName, Arc<Target>)>) -> Self {
        let Kind::Universal { space, stand_in } = &self.kind else {
            return self.clone();
        };
        let floor = python_floor(&part)
            .filter(|f| *f > space.python_floor)
            .unwrap_or_else(|| space.python_floor.clone());
        let stand_in = if floor == stand_in.python {
            stand_in.clone()
        } else {
            Target::new(&floor.to_string(), stand_in.platform.clone())
                .map(Arc::new)
                .unwrap_or_else(|_| stand_in.clone())
        };
        let mut narrowed = UniversalSpace::clone(space);
        narrowed.space = part;
        narrowed.needs = needs;
        ResolverEnvironment {
            kind: Kind::Universal {
                space: Arc::new(narrowed),
                stand_in,
            },
        }
    }

    /// What the lock is for, as messages name it: `Python 3.12.0 on x86_64-manylinux_2_28`,
    /// or `every platform, Python 3.10 and newer` for a universal lock.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Specific(target) => target.describe(),
            Kind::Universal { space, .. } => {
                format!("every platform, Python {} and newer", space.python_floor)
            }
        }
    }

    /// What this solve is for, as a failure names it: [`ResolverEnvironment::describe`],
    /// or the part of a universal lock's environments one fork of it covers.
    pub fn describe_part(&self) -> String {
        if let Kind::Universal { space, .. } = &self.kind {
            if let Some(part) = lock_text(&space.space, &space.python_floor) {
                return format!(
                    "the environments where `{part}` (universal lock, Python {} and newer)",
                    space.python_floor
                );
            }
        }
        self.describe()
    }

    /// The platform a lock header records: the target's, or `universal`.
    pub fn recorded_platform(&self) -> String {
        match &self.kind {
            Kind::Specific(target) => target.platform.to_string(),
            Kind::Universal { .. } => "universal".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn marker(s: &str) -> MarkerTree {
        MarkerTree::from_str(s).unwrap()
    }

    fn linux_312() -> ResolverEnvironment {
        ResolverEnvironment::specific(
            Target::new("3.12", "x86_64-manylinux_2_28".parse().unwrap()).unwrap(),
        )
    }

    fn from_310() -> ResolverEnvironment {
        ResolverEnvironment::universal(UniversalSpace::from_floor(
            Version::from_str("3.10").unwrap(),
        ))
        .unwrap()
    }

    #[test]
    fn a_target_applies_the_markers_that_hold_for_it() {
        let env = linux_312();
        assert!(env.applies(&marker("sys_platform == 'linux'"), &[]));
        assert!(!env.applies(&marker("sys_platform == 'win32'"), &[]));
        assert!(!env.applies(&marker("python_version < '3.10'"), &[]));
    }

    #[test]
    fn a_universal_space_applies_a_marker_some_environment_of_it_meets() {
        let env = from_310();
        assert!(env.applies(&marker("sys_platform == 'win32'"), &[]));
        assert!(env.applies(&marker("python_version >= '3.12'"), &[]));
        assert!(!env.applies(&marker("python_version < '3.10'"), &[]));
    }

    #[test]
    fn a_fork_checks_requires_python_at_its_own_floor() {
        let env = from_310();
        assert_eq!(env.python().to_string(), "3.10.0");
        let fork = env.narrowed(marker("python_full_version >= '3.11'"), Vec::new());
        assert_eq!(fork.python().to_string(), "3.11.0");
        assert_eq!(
            fork.describe_part(),
            "the environments where `python_full_version >= '3.11'` (universal lock, Python 3.10 and newer)"
        );
        assert_eq!(env.describe_part(), "every platform, Python 3.10 and newer");
    }

    #[test]
    fn only_a_target_judges_wheels_by_their_tags() {
        let wheel = WheelFilename::from_str("a-1.0-cp312-cp312-win_amd64.whl").unwrap();
        assert_eq!(linux_312().wheel_priority(&wheel), None);
        assert_eq!(from_310().wheel_priority(&wheel), Some(0));
    }
}
