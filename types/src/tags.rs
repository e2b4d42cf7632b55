//! Wheel tags: which wheels a target can install, and which it prefers.

use std::collections::HashMap;
use std::fmt;

use crate::WheelFilename;

/// One `python-abi-platform` tag triple.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    /// Interpreter tag, e.g. `cp312` or `py3`.
    pub python: String,
    /// ABI tag, e.g. `cp312`, `abi3` or `none`.
    pub abi: String,
    /// Platform tag, e.g. `manylinux_2_28_x86_64` or `any`.
    pub platform: String,
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.python, self.abi, self.platform)
    }
}

/// The tags a target accepts, each with a priority (higher is preferred).
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// Keyed by `python-abi-platform`, the form a single-tag wheel's tag text already has.
    priority: HashMap<String, u32>,
}

impl Tags {
    /// Builds the accepted tags of CPython `major.minor` on the given platform tags,
    /// in the order `packaging.tags.sys_tags()` yields them (most preferred first).
    pub fn cpython(major: u64, minor: u64, platforms: &[String]) -> Self {
        let mut ordered: Vec<(String, String, String)> = Vec::new();
        let cp = format!("cp{major}{minor}");
        let mut push = |py: &str, abi: &str, plat: &str| {
            ordered.push((py.to_string(), abi.to_string(), plat.to_string()));
        };
        for abi in [cp.as_str(), "abi3", "none"] {
            for plat in platforms {
                push(&cp, abi, plat);
            }
        }
        for older in (2..minor).rev() {
            for plat in platforms {
                push(&format!("cp{major}{older}"), "abi3", plat);
            }
        }
        let py_versions: Vec<String> = std::iter::once(format!("py{major}{minor}"))
            .chain(std::iter::once(format!("py{major}")))
            .chain((0..minor).rev().map(|m| format!("py{major}{m}")))
            .collect();
        for py in &py_versions {
            for plat in platforms {
                push(py, "none", plat);
            }
        }
        push(&cp, "none", "any");
        for py in &py_versions {
            push(py, "none", "any");
        }
        let n = ordered.len() as u32;
        let mut priority = HashMap::with_capacity(ordered.len());
        for (i, (py, abi, plat)) in ordered.into_iter().enumerate() {
            priority
                .entry(format!("{py}-{abi}-{plat}"))
                .or_insert(n - i as u32);
        }
        Tags { priority }
    }

    /// The best priority among the wheel's expanded tags, or `None` when the target cannot install it.
    pub fn compatibility(&self, wheel: &WheelFilename) -> Option<u32> {
        let text = wheel.tag_text();
        if !text.contains('.') {
            return self.priority.get(text).copied();
        }
        let set = wheel.tags();
        let mut best = None;
        let mut key = String::with_capacity(text.len());
        for py in set.python() {
            for abi in set.abi() {
                for plat in set.platform() {
                    key.clear();
                    key.push_str(py);
                    key.push('-');
                    key.push_str(abi);
                    key.push('-');
                    key.push_str(plat);
                    if let Some(&p) = self.priority.get(key.as_str()) {
                        best = best.max(Some(p));
                    }
                }
            }
        }
        best
    }

    /// True when the target can install the wheel.
    pub fn is_compatible(&self, wheel: &WheelFilename) -> bool {
        self.compatibility(wheel).is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::TagSet;

    fn tags() -> Tags {
        Tags::cpython(
            3,
            12,
            &[
                "manylinux_2_17_x86_64".into(),
                "manylinux2014_x86_64".into(),
                "linux_x86_64".into(),
            ],
        )
    }

    #[test]
    fn compatibility_table() {
        let t = tags();
        let cases = [
            (
                "a-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                true,
            ),
            ("a-1-cp311-cp311-manylinux_2_17_x86_64.whl", false),
            ("a-1-cp38-abi3-manylinux2014_x86_64.whl", true),
            ("a-1-py3-none-any.whl", true),
            ("a-1-py2.py3-none-any.whl", true),
            ("a-1-py2-none-any.whl", false),
            ("a-1-cp312-cp312-win_amd64.whl", false),
            ("a-1-cp312-cp312-manylinux_2_34_x86_64.whl", false),
            ("a-1-cp313-cp313-manylinux_2_17_x86_64.whl", false),
        ];
        for (f, ok) in cases {
            assert_eq!(
                t.is_compatible(&WheelFilename::from_str(f).unwrap()),
                ok,
                "{f}"
            );
        }
    }

    #[test]
    fn tag_sets_split_into_three_parts() {
        for (text, parts) in [
            ("py2.py3-none-any", Some(["py2.py3", "none", "any"])),
            (
                "cp312-cp312-manylinux_2_17_x86_64",
                Some(["cp312", "cp312", "manylinux_2_17_x86_64"]),
            ),
            ("-none-any", Some(["", "none", "any"])),
            ("py3-none", None),
            ("py3-none-any-extra", None),
            ("", None),
        ] {
            assert_eq!(TagSet::parse(text).map(|s| s.parts()), parts, "{text}");
        }
        let set = TagSet::parse("py2.py3-cp39.abi3-a.b").expect("three parts");
        assert_eq!(set.python().collect::<Vec<_>>(), ["py2", "py3"]);
        assert_eq!(set.abi().collect::<Vec<_>>(), ["cp39", "abi3"]);
        assert_eq!(set.platform().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn specific_beats_generic() {
        let t = tags();
        let specific = t.compatibility(
            &WheelFilename::from_str("a-1-cp312-cp312-manylinux_2_17_x86_64.whl").unwrap(),
        );
        let abi3 = t.compatibility(
            &WheelFilename::from_str("a-1-cp38-abi3-manylinux_2_17_x86_64.whl").unwrap(),
        );
        let pure = t.compatibility(&WheelFilename::from_str("a-1-py3-none-any.whl").unwrap());
        assert!(specific > abi3 && abi3 > pure);
    }
}
