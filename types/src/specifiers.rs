//! Version specifiers decided as `packaging` (the reference implementation) decides them:
//! the one membership rule of lockit, shared by the resolver (requirements,
//! requires-python, `explain`) and marker evaluation (`platform_release` compared as a
//! version).

use pep440_rs::{LocalSegment, Operator, Version, VersionSpecifier, VersionSpecifiers};
use version_ranges::Ranges;

/// The largest `V+local` of a release: any local label of `V` sorts below it.
pub fn max_local(v: &Version) -> Version {
    v.clone().with_local(vec![LocalSegment::Number(u64::MAX)])
}

/// The versions one specifier allows, as `packaging` (the reference implementation)
/// decides them; every operator is spelled out here rather than taken from pep440_rs,
/// whose conversion gets the bounds next to post-releases wrong.
///
/// - `==V`, `!=V` and `<=V` without a local label also cover `V+local`: PEP 440 says local
///   labels are ignored there.
/// - `<V` excludes the pre-releases of `V` unless `V` is one: it is `< V.dev0`, so
///   `<2.9.0.post0` admits 2.9.0 (`2.9.0 < 2.9.0.post0.dev0`).
/// - `>V` excludes the post-releases of `V` unless `V` is one: for a post- or
///   dev-release it is "after `V` and its local versions", so `>1.0.post1` admits
///   `1.0.post2.dev0`.
/// - `==V.*` is `[V.dev0, next.dev0)`.
/// - `===V` compares text; a range cannot tell `1.16` from `1.16.0` (they are equal
///   versions), so it holds the whole class and [`specifiers_contain`] checks the
///   spelling on top.
pub fn specifier_range(spec: &VersionSpecifier) -> Ranges<Version> {
    let v = spec.version();
    let plain = v.local().is_empty();
    match spec.operator() {
        Operator::Equal | Operator::NotEqual => {
            let eq = if plain {
                Ranges::between(v.clone(), max_local(v)).union(&Ranges::singleton(max_local(v)))
            } else {
                Ranges::singleton(v.clone())
            };
            if spec.operator() == &Operator::Equal {
                eq
            } else {
                eq.complement()
            }
        }
        Operator::ExactEqual => Ranges::singleton(v.clone()),
        Operator::LessThanEqual if plain => Ranges::lower_than(max_local(v)),
        Operator::LessThanEqual => Ranges::lower_than(v.clone()),
        Operator::GreaterThanEqual => Ranges::higher_than(v.clone()),
        Operator::LessThan if v.any_prerelease() => Ranges::strictly_lower_than(v.clone()),
        // Below every pre-release of V's post-release: `V.postN.dev0`.
        Operator::LessThan if v.is_post() => {
            Ranges::strictly_lower_than(v.clone().without_local().with_dev(Some(0)))
        }
        // Below every pre-release of V (pep440_rs's `min` marker, which reports print as V).
        Operator::LessThan => {
            Ranges::strictly_lower_than(v.clone().without_local().with_min(Some(0)))
        }
        Operator::GreaterThan if v.is_post() || v.is_dev() => {
            Ranges::strictly_higher_than(max_local(&v.clone().without_local()))
        }
        // Above V and all its post-releases (pep440_rs's `max` marker).
        Operator::GreaterThan => {
            Ranges::strictly_higher_than(v.clone().without_local().with_max(Some(0)))
        }
        Operator::TildeEqual => {
            let release = v.release();
            let prefix = &release[..release.len().saturating_sub(1)];
            Ranges::from_range_bounds(v.clone()..next_prefix_dev0(v, prefix))
        }
        Operator::EqualStar | Operator::NotEqualStar => {
            let low = Version::new(v.release())
                .with_epoch(v.epoch())
                .with_dev(Some(0));
            let prefix = Ranges::from_range_bounds(low..next_prefix_dev0(v, v.release()));
            if spec.operator() == &Operator::EqualStar {
                prefix
            } else {
                prefix.complement()
            }
        }
    }
}

/// The first version past the prefix `release` of `v`'s epoch: `1.2` gives `1.3.dev0`.
fn next_prefix_dev0(v: &Version, release: &[u64]) -> Version {
    let mut next = release.to_vec();
    if let Some(last) = next.last_mut() {
        *last += 1;
    }
    Version::new(next).with_epoch(v.epoch()).with_dev(Some(0))
}

/// The versions all specifiers allow (`===` by value; see [`specifiers_contain`]).
pub fn specifiers_range(specs: &VersionSpecifiers) -> Ranges<Version> {
    specs.iter().fold(Ranges::full(), |acc, s| {
        acc.intersection(&specifier_range(s))
    })
}

/// True when `version`, spelled as the index publishes it, satisfies every specifier:
/// the one membership rule of lockit (requires-python, requirements, `explain`).
pub fn specifiers_contain(specs: &VersionSpecifiers, version: &Version) -> bool {
    specifiers_range(specs).contains(version) && spelled_as(specs, version)
}

/// `===V` is string equality (PEP 440 "arbitrary equality"; `packaging` compares
/// `str(version).lower()` with the specifier's text lower-cased): `===1.16` does not
/// match 1.16.0, though the two versions are equal.
pub fn spelled_as(specs: &VersionSpecifiers, version: &Version) -> bool {
    specs
        .iter()
        .filter(|s| *s.operator() == Operator::ExactEqual)
        .all(|s| {
            s.version()
                .to_string()
                .eq_ignore_ascii_case(&version.to_string())
        })
}

/// True when `version` satisfies one specifier (see [`specifiers_contain`]).
pub fn specifier_contains(spec: &VersionSpecifier, version: &Version) -> bool {
    specifier_range(spec).contains(version)
        && (*spec.operator() != Operator::ExactEqual
            || spec
                .version()
                .to_string()
                .eq_ignore_ascii_case(&version.to_string()))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("==1.2.3", "1.2.3+foo", true),
            ("==1.2.3", "1.2.3", true),
            ("==1.2.3", "1.2.3.post1", false),
            ("==1.2.3+foo", "1.2.3+bar", false),
            ("!=1.2.3", "1.2.3+foo", false),
            ("<=1.2.3", "1.2.3+foo", true),
            (">1.2.3", "1.2.3+foo", false),
            (">1.2.3", "1.2.3.post1", false),
            (">=1.2.3", "1.2.3+foo", true),
            ("<1.2.3", "1.2.3rc1", false),
            ("==1.2.*", "1.2.9", true),
            ("==1.2.*", "1.3", false),
            ("~=1.4.5", "1.4.9", true),
            ("~=1.4.5", "1.5", false),
        ];
        for (spec, version, expected) in cases {
            let specs = VersionSpecifiers::from_str(spec).unwrap();
            let v = Version::from_str(version).unwrap();
            assert_eq!(
                specifiers_range(&specs).contains(&v),
                expected,
                "{spec} vs {version}"
            );
        }
    }

    fn admits(spec: &str, version: &str) -> bool {
        let specs = VersionSpecifiers::from_str(spec).unwrap();
        specifiers_contain(&specs, &Version::from_str(version).unwrap())
    }

    #[test]
    fn post_release_upper_bound_admits_the_release() {
        // python-dateutil<2.9.0.post0 must allow 2.9.0 (issue 12).
        assert!(admits("<2.9.0.post0", "2.9.0"));
        assert!(admits("<2.9.0.post0", "2.9.0+local"));
        assert!(admits("<1.1.post1", "1.1"));
        assert!(admits("<1.1.post1", "1.0.post2"));
        assert!(admits("<1.1.post1", "1.1.post0"));
        assert!(!admits("<1.1.post1", "1.1.post1"));
        assert!(!admits("<1.1.post1", "1.1.post1.dev0"));
    }

    #[test]
    fn post_release_lower_bound_admits_itself() {
        // hidapi>=0.12.0.post1,<0.12.0.post2 must allow 0.12.0.post1 (issue 12).
        assert!(admits(">=0.12.0.post1,<0.12.0.post2", "0.12.0.post1"));
        assert!(admits(">=1.0,<1.0.post2", "1.0.post1"));
        assert!(!admits(">=1.0,<1.0.post2", "1.0.post2"));
    }

    #[test]
    fn arbitrary_equality_is_string_equality() {
        // six===1.16 must not match 1.16.0 (issue 12).
        assert!(!admits("===1.16", "1.16.0"));
        assert!(admits("===1.16", "1.16"));
        assert!(admits("===1.16.0", "1.16.0"));
        assert!(!admits("===1.16", "1.16+local"));
        // The range holds the whole class of equal versions; the spelling decides.
        let specs = VersionSpecifiers::from_str("===1.16").unwrap();
        assert!(specifiers_range(&specs).contains(&Version::from_str("1.16.0").unwrap()));
    }

    #[test]
    fn greater_than_post_release_admits_the_next_posts_dev_release() {
        assert!(admits(">1.0.post1", "1.0.post2.dev0"));
        assert!(!admits(">1.0.post1", "1.0.post1+local"));
        assert!(!admits(">1.0", "1.0.post1"));
        assert!(admits(">1.0.dev1", "1.0.dev2"));
    }

    #[test]
    fn wildcard_is_the_release_prefix_with_its_prereleases() {
        assert!(!admits("==1.2.*", "1.3a1"));
        assert!(!admits("==1.2.*", "1.3.dev0"));
        assert!(admits("==1.2.*", "1.2.dev0"));
        assert!(admits("!=1.2.*", "1.3a1"));
        assert!(admits("==1!1.2.*", "1!1.2.0+local"));
        assert!(!admits("==1!1.2.*", "1.2.0"));
    }
}
