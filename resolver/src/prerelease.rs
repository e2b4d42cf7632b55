//! Which pre-releases of a package the solver may choose: the pre-release policy applied
//! to the requirements on the package when the solver picks its version.
//!
//! The default is PEP 440's rule as `packaging` implements it and pip applies it: the
//! specifiers of every requirement on a package are intersected into one set, and that
//! set admits pre-releases when one of its specifiers names a pre-release, or when no
//! final release satisfies it. Requirements count alike whoever makes them (the user,
//! a constraint, a dependency). uv's modes look at the user's own requirements only.

use std::collections::{HashMap, HashSet};

use lockit_types::{PackageName, SourcedRequirement, Version};
use pep508_rs::VersionOrUrl;
use pubgrub::Ranges;

use crate::options::{PrereleaseMode, ResolveOptions};
use crate::package::Pkg;
use crate::ranges::names_prerelease;

/// What the policy allows for one package's pre-releases, now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prereleases {
    /// Any pre-release in range, like a final release.
    Allowed,
    /// None.
    Disallowed,
    /// Only when the project publishes nothing but pre-releases (uv's `if-necessary`).
    IfOnlyPrereleases,
    /// Only when no final release lies in this range: the requirements on the package,
    /// intersected (PEP 440). A final release the target cannot use (no file it can
    /// install, yanked) does not count, as pip drops those before filtering; one the
    /// solver ruled out for a conflict does, as pip's filter never sees conflicts.
    IfNoFinalIn(Ranges<Version>),
}

impl Prereleases {
    /// The rule for a package `mode` gives when nothing is known of who requires it but
    /// `range` (a guess for prefetching).
    pub(crate) fn guess(mode: PrereleaseMode, range: &Ranges<Version>) -> Self {
        match mode {
            PrereleaseMode::Pep440 => Prereleases::IfNoFinalIn(range.clone()),
            PrereleaseMode::Allow => Prereleases::Allowed,
            PrereleaseMode::Disallow | PrereleaseMode::Explicit => Prereleases::Disallowed,
            PrereleaseMode::IfNecessary | PrereleaseMode::IfNecessaryOrExplicit => {
                Prereleases::IfOnlyPrereleases
            }
        }
    }
}

/// One package's requirement made by one version of a dependent (or the root).
#[derive(Debug, Clone)]
struct Request {
    /// The versions it admits (its specifiers, narrowed by constraints).
    range: Ranges<Version>,
    /// Its specifiers name a pre-release ([`crate::ranges::names_prerelease`]).
    names_prerelease: bool,
}

/// The requirements made on each package so far in a solve, by who made them.
#[derive(Debug, Default)]
pub(crate) struct Requests {
    by: HashMap<PackageName, HashMap<(Pkg, Version), Request>>,
    /// Packages a constraint (`-c`) names a pre-release of.
    constrained: HashSet<PackageName>,
}

impl Requests {
    /// No requirements yet; the `constraints` that apply and name a pre-release opt their
    /// packages in (pip adds a constraint's specifiers to the set it filters with).
    pub(crate) fn with_constraints(
        constraints: &[SourcedRequirement],
        options: &ResolveOptions,
    ) -> Self {
        let mut requests = Requests::default();
        for c in constraints.iter().map(|c| &c.requirement) {
            if let Some(VersionOrUrl::VersionSpecifier(spec)) = &c.version_or_url {
                if names_prerelease(spec) && options.applies(&c.marker, &[]) {
                    requests.constrained.insert(c.name.clone());
                }
            }
        }
        requests
    }

    /// Notes that `parent` at `version` requires `name` in `range`; `names` when the
    /// requirement's specifiers name a pre-release. Two requirements of one dependent on
    /// one package make one (intersected); noting the same one again changes nothing.
    pub(crate) fn record(
        &mut self,
        parent: &Pkg,
        version: &Version,
        name: &PackageName,
        range: &Ranges<Version>,
        names: bool,
    ) {
        self.by
            .entry(name.clone())
            .or_default()
            .entry((parent.clone(), version.clone()))
            .and_modify(|r| {
                r.range = r.range.intersection(range);
                r.names_prerelease |= names;
            })
            .or_insert_with(|| Request {
                range: range.clone(),
                names_prerelease: names,
            });
    }

    /// The rule `mode` gives for `name`, whose versions the solver now holds to `range`.
    /// `decided(p, v)` tells whether the solver has `p` at `v`: only the requirements of
    /// decided dependents (and the root's) are on the package now.
    pub(crate) fn rule(
        &self,
        mode: PrereleaseMode,
        name: &PackageName,
        range: &Ranges<Version>,
        decided: impl Fn(&Pkg, &Version) -> bool,
    ) -> Prereleases {
        let requests = self.by.get(name);
        let user_names = || {
            requests.is_some_and(|r| {
                r.iter()
                    .any(|((p, _), r)| *p == Pkg::Root && r.names_prerelease)
            })
        };
        match mode {
            PrereleaseMode::Allow => Prereleases::Allowed,
            PrereleaseMode::Disallow => Prereleases::Disallowed,
            PrereleaseMode::IfNecessary => Prereleases::IfOnlyPrereleases,
            PrereleaseMode::Explicit if user_names() => Prereleases::Allowed,
            PrereleaseMode::Explicit => Prereleases::Disallowed,
            PrereleaseMode::IfNecessaryOrExplicit if user_names() => Prereleases::Allowed,
            PrereleaseMode::IfNecessaryOrExplicit => Prereleases::IfOnlyPrereleases,
            PrereleaseMode::Pep440 => {
                // A requirement is on the package while its dependent is decided at that
                // version; the solver's range then lies within the requirement's.
                let active = requests.into_iter().flatten().filter(|((p, v), r)| {
                    *p == Pkg::Root || (decided(p, v) && range.subset_of(&r.range))
                });
                let mut requested = Ranges::full();
                for (_, r) in active {
                    if r.names_prerelease {
                        return Prereleases::Allowed;
                    }
                    requested = requested.intersection(&r.range);
                }
                if self.constrained.contains(name) {
                    return Prereleases::Allowed;
                }
                Prereleases::IfNoFinalIn(requested)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lockit_types::VersionSpecifiers;

    use super::*;
    use crate::ranges::specifiers_range;

    fn range(spec: &str) -> Ranges<Version> {
        specifiers_range(&VersionSpecifiers::from_str(spec).unwrap())
    }

    fn v(s: &str) -> Version {
        Version::from_str(s).unwrap()
    }

    fn pkg(s: &str) -> Pkg {
        Pkg::Project(PackageName::from_str(s).unwrap())
    }

    /// pip intersects every requirement on a package into one `SpecifierSet`: one that
    /// names a pre-release opts the package in, whoever makes it, while it is made.
    #[test]
    fn a_decided_dependents_prerelease_opts_the_package_in() {
        let demo = PackageName::from_str("demo").unwrap();
        let mut requests = Requests::default();
        requests.record(&Pkg::Root, &v("0"), &demo, &range(">=1.0"), false);
        requests.record(&pkg("app"), &v("2.0"), &demo, &range(">=2.0b1"), true);
        requests.record(&pkg("app"), &v("1.0"), &demo, &range(">=1.5"), false);
        let now = range(">=2.0b1");
        let at = |version: &'static str| {
            move |p: &Pkg, x: &Version| *p == pkg("app") && *x == v(version)
        };
        let rule = |mode, decided| requests.rule(mode, &demo, &now, decided);
        assert_eq!(
            rule(PrereleaseMode::Pep440, at("2.0")),
            Prereleases::Allowed
        );
        // app 1.0 is decided instead: its requirement does not name a pre-release.
        assert_eq!(
            requests.rule(PrereleaseMode::Pep440, &demo, &range(">=1.5"), at("1.0")),
            Prereleases::IfNoFinalIn(range(">=1.5"))
        );
        // Nothing decided: only the root's requirement is on demo.
        assert_eq!(
            requests.rule(PrereleaseMode::Pep440, &demo, &range(">=1.0"), |_, _| false),
            Prereleases::IfNoFinalIn(range(">=1.0"))
        );
        // uv's modes look at the user's own requirements only.
        assert_eq!(
            rule(PrereleaseMode::IfNecessaryOrExplicit, at("2.0")),
            Prereleases::IfOnlyPrereleases
        );
        assert_eq!(
            rule(PrereleaseMode::Explicit, at("2.0")),
            Prereleases::Disallowed
        );
    }

    #[test]
    fn a_constraint_that_names_a_prerelease_opts_the_package_in() {
        let demo = PackageName::from_str("demo").unwrap();
        let constraint = lockit_types::parse_requirement("demo<3.0rc1").unwrap();
        let constraints = [SourcedRequirement::new(
            constraint,
            crate::RequirementOrigin::Named("-c".into()),
        )];
        let target = "x86_64-manylinux_2_28".parse().unwrap();
        let options = ResolveOptions::new(lockit_types::Target::new("3.12", target).unwrap());
        let mut requests = Requests::with_constraints(&constraints, &options);
        requests.record(&Pkg::Root, &v("0"), &demo, &range(">=1.0"), false);
        let rule = requests.rule(PrereleaseMode::Pep440, &demo, &range(">=1.0"), |_, _| false);
        assert_eq!(rule, Prereleases::Allowed);
    }
}
