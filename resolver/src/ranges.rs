//! PEP 440 specifiers as PubGrub ranges, with local-version semantics, and ranges written
//! back as specifiers.

use lockit_types::{max_local, Version, VersionSpecifiers};
pub use lockit_types::{specifiers_contain, specifiers_range, spelled_as};
use pep440_rs::{LocalSegment, Operator};
use std::ops::Bound;

use pubgrub::Ranges;

/// True when the specifiers name a pre-release, which opts the project into pre-releases
/// (`packaging`'s `SpecifierSet.prereleases`): any specifier but `!=` and wildcards
/// whose version is a pre- or dev-release.
pub fn names_prerelease(specs: &VersionSpecifiers) -> bool {
    specs.iter().any(|s| {
        !matches!(
            s.operator(),
            Operator::NotEqual | Operator::NotEqualStar | Operator::EqualStar
        ) && s.version().any_prerelease()
    })
}

/// The one release a range pins (`==V`, allowing `V+local`), if it pins one.
pub fn pinned_version(range: &Ranges<Version>) -> Option<&Version> {
    use std::ops::Bound::Included;
    if let Some(v) = range.as_singleton() {
        return Some(v);
    }
    match range.bounding_range()? {
        (Included(lo), Included(hi)) if *hi == max_local(lo) && range.iter().count() == 1 => {
            Some(lo)
        }
        _ => None,
    }
}

/// A version without the internal markers used to build ranges.
pub(crate) fn clean(v: &Version) -> Version {
    let mut v = v.clone();
    // pep440_rs asserts (in debug builds) that no pre/dev/post version ever carries these
    // markers, even when clearing them: only clear what is set.
    if Version::min(&v).is_some() {
        v = v.with_min(None);
    }
    if Version::max(&v).is_some() {
        v = v.with_max(None);
    }
    if v.local() == [LocalSegment::Number(u64::MAX)] {
        v = v.without_local();
    }
    v
}

/// A range written back as the specifier a user would write (`>=1.0,<2`, `==1.2`,
/// `!=1.3`, ranges joined by ` or `); `None` for any version.
pub fn range_text(range: &Ranges<Version>) -> Option<String> {
    if range == &Ranges::full() {
        return None;
    }
    if let Some(v) = pinned_version(range) {
        return Some(format!("=={}", clean(v)));
    }
    let complement = range.complement();
    if let Some(v) = pinned_version(&complement) {
        return Some(format!("!={}", clean(v)));
    }
    let parts: Vec<String> = range
        .iter()
        .map(|(lo, hi)| {
            if let (Bound::Included(a), Bound::Included(b)) = (lo, hi) {
                if clean(a) == clean(b) {
                    return format!("=={}", clean(a));
                }
            }
            let lo = match lo {
                Bound::Included(v) => Some(format!(">={}", clean(v))),
                Bound::Excluded(v) => Some(format!(">{}", clean(v))),
                Bound::Unbounded => None,
            };
            let hi = match hi {
                Bound::Included(v) => Some(format!("<={}", clean(v))),
                Bound::Excluded(v) => Some(format!("<{}", clean(v))),
                Bound::Unbounded => None,
            };
            match (lo, hi) {
                (Some(l), Some(h)) => format!("{l},{h}"),
                (Some(x), None) | (None, Some(x)) => x,
                (None, None) => "*".to_string(),
            }
        })
        .collect();
    Some(parts.join(" or "))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn ranges_read_like_specifiers() {
        for (spec, text) in [
            ("==2.15.0", "==2.15.0"),
            (">=2", ">=2"),
            (">=1.23.5,<2", ">=1.23.5,<2"),
            ("!=1.0", "!=1.0"),
            ("<=1.0", "<=1.0"),
            (">1.0", ">1.0"),
        ] {
            let r = specifiers_range(&VersionSpecifiers::from_str(spec).unwrap());
            let got = range_text(&r).unwrap();
            assert_eq!(got, text, "{spec}");
            assert!(!got.contains("18446744073709551615") && !got.contains('∞'));
        }
        assert_eq!(range_text(&Ranges::full()), None);
        let pins = specifiers_range(&VersionSpecifiers::from_str("==1.0").unwrap()).union(
            &specifiers_range(&VersionSpecifiers::from_str("==2.0").unwrap()),
        );
        assert_eq!(range_text(&pins).unwrap(), "==1.0 or ==2.0");
    }

    #[test]
    fn only_specifiers_that_can_select_a_prerelease_name_one() {
        let names = |s: &str| names_prerelease(&VersionSpecifiers::from_str(s).unwrap());
        assert!(names(">=1.0a1"));
        assert!(names("==2.0.dev1"));
        assert!(names("<3,>=2.0rc1"));
        // `!=1.0a1` excludes a pre-release; it does not ask for one.
        assert!(!names("!=1.0a1"));
        assert!(!names(">=1.0"));
    }

    /// Found by the corpus "why not newer" test: writing a range bounded by a dev release
    /// panicked in debug builds (pep440_rs asserts no dev version takes a `min` marker, even
    /// `with_min(None)`).
    #[test]
    fn regression_ranges_bounded_by_dev_pre_and_post_releases_are_written() {
        for spec in [
            ">=1.0.dev0",
            "<2.0.dev3",
            ">1.0a1",
            "<=1.0.post1.dev2",
            "==1.0rc1",
            ">=1.0.post2",
        ] {
            let r = specifiers_range(&VersionSpecifiers::from_str(spec).unwrap());
            assert!(range_text(&r).is_some(), "{spec}");
            assert!(range_text(&r.complement()).is_some(), "!{spec}");
        }
    }

    proptest::proptest! {
        /// The range agrees with pep440_rs's own `contains` (local labels aside).
        #[test]
        fn range_agrees_with_specifier(
            op in proptest::sample::select(vec!["==", "!=", "<", "<=", ">", ">=", "~="]),
            a in 0u64..4, b in 0u64..4, c in 0u64..4, d in 0u64..4, post in proptest::option::of(0u64..2),
        ) {
            let spec = VersionSpecifiers::from_str(&format!("{op}{a}.{b}")).unwrap();
            let mut v = Version::new([c, d]);
            v = v.with_post(post);
            proptest::prop_assert_eq!(specifiers_range(&spec).contains(&v), spec.contains(&v), "{} {}", spec, v);
        }
    }
}
