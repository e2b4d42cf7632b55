//! Explaining a failed resolution to a person: ranges as users write them,
//! requirements named by file and line, the target spelled out.

use std::collections::HashMap;
use std::fmt;
use std::ops::Bound;

use lockit_dist::{PackageName, Version};
use pep440_rs::LocalSegment;
use pubgrub::{
    DefaultStringReporter, DerivationTree, Derived, External, Map, Ranges, ReportFormatter,
    Reporter, Term,
};

use crate::candidates::Unusable;
use crate::options::{ResolveOptions, RootRequirement};
use crate::package::Pkg;
use crate::provider::Unavailable;

type Tree = DerivationTree<Pkg, Ranges<Version>, Unavailable>;
type Ext = External<Pkg, Ranges<Version>, Unavailable>;
type Terms = Map<Pkg, Term<Ranges<Version>>>;

/// The derivation tree of a failed resolution and its rendering.
#[derive(Debug, Clone)]
pub struct NoSolution {
    tree: Tree,
    text: String,
}

impl NoSolution {
    pub(crate) fn new(
        tree: Tree,
        roots: &[RootRequirement],
        options: &ResolveOptions,
        available: HashMap<PackageName, Vec<Version>>,
    ) -> Self {
        let mut origins: HashMap<PackageName, Vec<String>> = HashMap::new();
        for r in roots {
            let at = match r.line {
                Some(l) => format!("{}:{l}", r.source),
                None => r.source.clone(),
            };
            origins
                .entry(r.requirement.name.clone())
                .or_default()
                .push(format!("`{}` ({at})", r.requirement));
        }
        let formatter = Plain { origins, available };
        let body = DefaultStringReporter::report_with_formatter(&tree, &formatter);
        let mut text = format!(
            "no solution for Python {} on {}:\n{}",
            options.target.python,
            options.target.platform,
            indent(&body)
        );
        for hint in hints(&tree, options) {
            text.push_str("\nhint: ");
            text.push_str(&hint);
        }
        NoSolution { tree, text }
    }

    /// The raw derivation tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }
}

impl fmt::Display for NoSolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn indent(body: &str) -> String {
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A version without the internal markers used to build ranges.
fn clean(v: &Version) -> Version {
    let mut v = v.clone().with_min(None).with_max(None);
    if v.local() == [LocalSegment::Number(u64::MAX)] {
        v = v.without_local();
    }
    v
}

/// `>=1.0, <2` style text for a range; `None` for "any version".
pub(crate) fn specifier_text(range: &Ranges<Version>) -> Option<String> {
    if range == &Ranges::full() {
        return None;
    }
    if let Some(v) = crate::ranges::pinned_version(range) {
        return Some(format!("=={}", clean(v)));
    }
    let complement = range.complement();
    if let Some(v) = crate::ranges::pinned_version(&complement) {
        return Some(format!("!={}", clean(v)));
    }
    let parts: Vec<String> = range
        .iter()
        .map(|(lo, hi)| {
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

/// `numpy>=2` or `numpy`.
fn term(pkg: &Pkg, range: &Ranges<Version>) -> String {
    match (pkg, specifier_text(range)) {
        (Pkg::Root, _) => "your requirements".to_string(),
        (p, Some(s)) if s.contains(" or ") => format!("{p} ({s})"),
        (p, Some(s)) => format!("{p}{s}"),
        (p, None) => p.to_string(),
    }
}

struct Plain {
    origins: HashMap<PackageName, Vec<String>>,
    /// Every version each project has on the index, oldest first.
    available: HashMap<PackageName, Vec<Version>>,
}

impl Plain {
    /// "no version of util matches util>=9 (the index has 1.5.0, 2.0.0)"
    fn no_versions(&self, p: &Pkg, range: &Ranges<Version>) -> String {
        let versions = p
            .name()
            .and_then(|n| self.available.get(n))
            .map(Vec::as_slice);
        match versions {
            None | Some([]) => format!("{p} does not exist on the index"),
            Some(list) if range == &Ranges::full() => {
                format!(
                    "no version of {p} can be used (the index has {})",
                    shortlist(list)
                )
            }
            Some(list) => format!(
                "no version of {p} matches {} (the index has {})",
                term(p, range),
                shortlist(list)
            ),
        }
    }
}

/// The newest few versions, oldest first: `…, 1.5.0, 2.0.0`.
fn shortlist(versions: &[Version]) -> String {
    const SHOWN: usize = 5;
    let tail = &versions[versions.len().saturating_sub(SHOWN)..];
    let mut text: Vec<String> = tail.iter().map(ToString::to_string).collect();
    if versions.len() > SHOWN {
        text.insert(0, "…".to_string());
    }
    text.join(", ")
}

impl ReportFormatter<Pkg, Ranges<Version>, Unavailable> for Plain {
    type Output = String;

    fn format_external(&self, external: &Ext) -> String {
        match external {
            External::NotRoot(..) => "we are solving your requirements".to_string(),
            External::NoVersions(p, range) => self.no_versions(p, range),
            External::Custom(p, range, why) => match crate::ranges::pinned_version(range) {
                Some(v) => format!("{p} {} {why}", clean(v)),
                None => format!("{} {why}", term(p, range)),
            },
            External::FromDependencyOf(Pkg::Root, _, dep, range) => {
                let name = dep.name();
                match name.and_then(|n| self.origins.get(n)) {
                    Some(list) => format!("you require {}", list.join(" and ")),
                    None => format!("you require {}", term(dep, range)),
                }
            }
            External::FromDependencyOf(p, prange, dep, drange) => {
                format!("{} depends on {}", term(p, prange), term(dep, drange))
            }
        }
    }

    fn format_terms(&self, terms: &Terms) -> String {
        let list: Vec<_> = terms.iter().collect();
        match list.as_slice() {
            [] | [(Pkg::Root, _)] => "your requirements cannot be satisfied".to_string(),
            [(p, Term::Positive(r))] => format!("{} cannot be used", term(p, r)),
            [(p, Term::Negative(r))] => format!("{} is required", term(p, r)),
            [(p1, Term::Positive(r1)), (p2, Term::Negative(r2))]
            | [(p2, Term::Negative(r2)), (p1, Term::Positive(r1))] => {
                if **p1 == Pkg::Root {
                    format!("you require {}", term(p2, r2))
                } else {
                    format!("{} depends on {}", term(p1, r1), term(p2, r2))
                }
            }
            many => {
                let parts: Vec<String> = many
                    .iter()
                    .map(|(p, t)| match t {
                        Term::Positive(r) => term(p, r),
                        Term::Negative(r) => format!("not {}", term(p, r)),
                    })
                    .collect();
                format!("{} cannot be used together", parts.join(", "))
            }
        }
    }

    fn explain_both_external(&self, e1: &Ext, e2: &Ext, current: &Terms) -> String {
        format!(
            "Because {} and {}, {}.",
            self.format_external(e1),
            self.format_external(e2),
            self.format_terms(current)
        )
    }

    fn explain_both_ref(
        &self,
        id1: usize,
        d1: &Derived<Pkg, Ranges<Version>, Unavailable>,
        id2: usize,
        d2: &Derived<Pkg, Ranges<Version>, Unavailable>,
        current: &Terms,
    ) -> String {
        format!(
            "Because {} (see ({id1})) and {} (see ({id2})), {}.",
            self.format_terms(&d1.terms),
            self.format_terms(&d2.terms),
            self.format_terms(current)
        )
    }

    fn explain_ref_and_external(
        &self,
        id: usize,
        d: &Derived<Pkg, Ranges<Version>, Unavailable>,
        e: &Ext,
        current: &Terms,
    ) -> String {
        format!(
            "Because {} (see ({id})) and {}, {}.",
            self.format_terms(&d.terms),
            self.format_external(e),
            self.format_terms(current)
        )
    }

    fn and_explain_external(&self, e: &Ext, current: &Terms) -> String {
        format!(
            "And because {}, {}.",
            self.format_external(e),
            self.format_terms(current)
        )
    }

    fn and_explain_ref(
        &self,
        id: usize,
        d: &Derived<Pkg, Ranges<Version>, Unavailable>,
        current: &Terms,
    ) -> String {
        format!(
            "And because {} (see ({id})), {}.",
            self.format_terms(&d.terms),
            self.format_terms(current)
        )
    }

    fn and_explain_prior_and_external(&self, prior: &Ext, e: &Ext, current: &Terms) -> String {
        format!(
            "And because {} and {}, {}.",
            self.format_external(prior),
            self.format_external(e),
            self.format_terms(current)
        )
    }
}

fn externals<'t>(tree: &'t Tree, out: &mut Vec<&'t Ext>) {
    match tree {
        DerivationTree::External(e) => out.push(e),
        DerivationTree::Derived(d) => {
            externals(&d.cause1, out);
            externals(&d.cause2, out);
        }
    }
}

/// Short advice for the common causes found in the tree.
fn hints(tree: &Tree, options: &ResolveOptions) -> Vec<String> {
    let mut list = Vec::new();
    let mut all = Vec::new();
    externals(tree, &mut all);
    for e in all {
        let External::Custom(p, range, why) = e else {
            continue;
        };
        let version = crate::ranges::pinned_version(range).map(clean);
        let at = version
            .map(|v| format!("{p} {v}"))
            .unwrap_or_else(|| p.to_string());
        let hint = match why {
            Unavailable::Unusable(Unusable::NoCompatibleWheel(tags)) => format!(
                "{at} publishes wheels only for the ABIs {}, none of which runs on Python {} ({}); pick a release of {p} with wheels for this Python, or resolve for another --python-version",
                crate::candidates::abis(tags).join(", "),
                options.target.python_minor(),
                options.target.platform,
            ),
            Unavailable::Unusable(Unusable::RequiresPython(spec))
            | Unavailable::RequiresPython(spec) => format!(
                "{at} requires Python {spec}, but the target is Python {}; pass a matching --python-version or allow an older {p}",
                options.target.python
            ),
            _ => continue,
        };
        if !list.contains(&hint) {
            list.push(hint);
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lockit_dist::VersionSpecifiers;

    use super::*;
    use crate::ranges::specifiers_range;

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
            let got = specifier_text(&r).unwrap();
            assert_eq!(got, text, "{spec}");
            assert!(!got.contains("18446744073709551615") && !got.contains('∞'));
        }
        assert_eq!(specifier_text(&Ranges::full()), None);
    }

    #[test]
    fn abis_are_sorted_naturally() {
        let tags = vec![
            "cp310-cp310-x".to_string(),
            "cp39-cp39-x".into(),
            "cp311-cp311-y".into(),
            "cp39-cp39-y".into(),
        ];
        assert_eq!(crate::candidates::abis(&tags), ["cp39", "cp310", "cp311"]);
    }
}
