//! The marker algebra a universal solve needs, on top of pep508_rs's `MarkerTree`: no
//! marker solver of our own, only the ways lockit uses it (extras removed, a Python floor).

use std::ops::Bound;
use std::str::FromStr;

use lockit_types::{ExtraName, Version};
use pep508_rs::{
    ExtraOperator, MarkerExpression, MarkerTree, MarkerTreeKind, MarkerValueExtra,
    MarkerValueVersion,
};

/// `marker` with its `extra` atoms decided: those naming one of `extras` hold, all others
/// do not. What is left speaks only of the environment.
pub fn without_extras(marker: &MarkerTree, extras: &[ExtraName]) -> MarkerTree {
    // Cheap test first: a marker without extras is unchanged when they are all set.
    if marker.clone().simplify_extras_with(|_| true) == *marker {
        return marker.clone();
    }
    let mut out = MarkerTree::FALSE;
    for conjunct in marker.to_dnf() {
        let mut term = MarkerTree::TRUE;
        let mut holds = true;
        for atom in conjunct {
            match atom {
                MarkerExpression::Extra { operator, name } => {
                    let present = match &name {
                        MarkerValueExtra::Extra(e) => extras.contains(e),
                        MarkerValueExtra::Arbitrary(_) => false,
                    };
                    holds &= present == (operator == ExtraOperator::Equal);
                }
                other => term.and(MarkerTree::expression(other)),
            }
        }
        if holds {
            out.or(term);
        }
    }
    out
}

/// `python_full_version >= "floor"`.
pub fn python_at_least(floor: &Version) -> MarkerTree {
    MarkerTree::from_str(&format!("python_full_version >= '{floor}'")).unwrap_or(MarkerTree::TRUE)
}

/// The lowest Python `marker` allows, when it bounds the Python version from below.
pub fn python_floor(marker: &MarkerTree) -> Option<Version> {
    match marker.kind() {
        MarkerTreeKind::Version(node) if *node.key() == MarkerValueVersion::PythonFullVersion => {
            let mut floor: Option<Version> = None;
            for (range, child) in node.edges() {
                if child.is_false() {
                    continue;
                }
                let (lower, _) = range.bounding_range()?;
                let v = match lower {
                    Bound::Included(v) | Bound::Excluded(v) => v.clone(),
                    Bound::Unbounded => return None,
                };
                floor = Some(floor.map_or(v.clone(), |f| f.min(v)));
            }
            floor
        }
        MarkerTreeKind::Version(node) => node
            .edges()
            .filter(|(_, child)| !child.is_false())
            .map(|(_, child)| python_floor(&child))
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .min(),
        _ => None,
    }
}

/// True when every environment of `space` satisfies `marker`.
pub fn implies(space: &MarkerTree, marker: &MarkerTree) -> bool {
    space.is_disjoint(&marker.negate())
}

/// `marker` as written into a lock, with the Python floor the whole lock assumes left out;
/// `None` when it always holds there.
pub fn lock_text(marker: &MarkerTree, python_floor: &Version) -> Option<String> {
    let simple = marker
        .clone()
        .simplify_python_versions(Bound::Included(python_floor), Bound::Unbounded);
    simple.contents().map(|c| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> MarkerTree {
        MarkerTree::from_str(s).expect("valid marker")
    }

    #[test]
    fn extras_are_decided() {
        let extra: ExtraName = "dev".parse().expect("extra");
        let marker = m("sys_platform == 'linux' and extra == 'dev'");
        assert_eq!(without_extras(&marker, &[]), MarkerTree::FALSE);
        assert_eq!(
            without_extras(&marker, std::slice::from_ref(&extra)),
            m("sys_platform == 'linux'")
        );
        let plain = m("python_version < '3.11'");
        assert_eq!(without_extras(&plain, &[extra]), plain);
    }

    #[test]
    fn floors() {
        let v = |s: &str| Version::from_str(s).expect("version");
        assert_eq!(python_floor(&python_at_least(&v("3.10"))), Some(v("3.10")));
        let both = {
            let mut t = python_at_least(&v("3.9"));
            t.and(m("python_version >= '3.11' and sys_platform == 'linux'"));
            t
        };
        assert_eq!(python_floor(&both), Some(v("3.11")));
        assert_eq!(python_floor(&m("sys_platform == 'linux'")), None);
    }

    #[test]
    fn lock_text_leaves_out_the_floor() {
        let v = Version::from_str("3.10").expect("version");
        assert_eq!(lock_text(&python_at_least(&v), &v), None);
        let mut t = python_at_least(&v);
        t.and(m("sys_platform == 'darwin'"));
        assert_eq!(
            lock_text(&t, &v).as_deref(),
            Some("sys_platform == 'darwin'")
        );
    }
}
