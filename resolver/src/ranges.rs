//! PEP 440 specifiers as PubGrub ranges, with local-version semantics, and ranges written
//! back as specifiers.

use lockit_types::{Version, VersionSpecifier, VersionSpecifiers};
use pep440_rs::{LocalSegment, Operator};
use std::ops::Bound;

use pubgrub::Ranges;

/// The largest `V+local` of a release: any local label of `V` sorts below it.
fn max_local(v: &Version) -> Version {
    v.clone().with_local(vec![LocalSegment::Number(u64::MAX)])
}

/// The versions one specifier allows. `==V`, `!=V` and `<=V` without a local label
/// also cover `V+local`, as PEP 440 says local labels are ignored there.
pub fn specifier_range(spec: &VersionSpecifier) -> Ranges<Version> {
    let v = spec.version();
    let plain = v.local().is_empty();
    match spec.operator() {
        Operator::Equal if plain => {
            Ranges::between(v.clone(), max_local(v)).union(&Ranges::singleton(max_local(v)))
        }
        Operator::NotEqual if plain => {
            specifier_range(&VersionSpecifier::equals_version(v.clone())).complement()
        }
        Operator::LessThanEqual if plain => Ranges::lower_than(max_local(v)),
        _ => Ranges::from(spec.clone()),
    }
}

/// The versions all specifiers allow.
pub fn specifiers_range(specs: &VersionSpecifiers) -> Ranges<Version> {
    specs.iter().fold(Ranges::full(), |acc, s| {
        acc.intersection(&specifier_range(s))
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
    let mut v = v.clone().with_min(None).with_max(None);
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
