//! The derivation tree as the report tells it: steps about versions that do not exist
//! or could never be chosen folded away, the reasons many versions of one project are
//! unusable gathered into one fact, and a chain of "X depends on Y" facts stated as
//! the one fact it proves.
//!
//! Every rewrite keeps the tree a valid proof: a fact is only replaced by one it
//! implies together with its siblings, and a derived fact keeps its conclusion.

use std::fmt;
use std::sync::Arc;

use lockit_types::Version;
use pubgrub::{DerivationTree, Derived, External, Ranges, Term};

use crate::package::Pkg;
use crate::report::words::Words;
use crate::unusable::Unusable;

/// Why versions of one project cannot be used: each range with its reason. Many
/// incompatibilities of one project, gathered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Causes(pub Vec<(Ranges<Version>, Unusable)>);

impl fmt::Display for Causes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(|(_, why)| why.to_string()).collect();
        f.write_str(&list.join("; "))
    }
}

pub(crate) type Tree = DerivationTree<Pkg, Ranges<Version>, Causes>;
pub(crate) type Ext = External<Pkg, Ranges<Version>, Causes>;
type Node = Derived<Pkg, Ranges<Version>, Causes>;

/// The solver's tree with each reason in a [`Causes`] of its own.
pub(crate) fn convert(tree: &crate::availability::Derivation) -> Tree {
    match tree {
        DerivationTree::External(e) => DerivationTree::External(match e {
            External::NotRoot(p, v) => External::NotRoot(p.clone(), v.clone()),
            External::NoVersions(p, r) => External::NoVersions(p.clone(), r.clone()),
            External::FromDependencyOf(p, r, d, dr) => {
                External::FromDependencyOf(p.clone(), r.clone(), d.clone(), dr.clone())
            }
            External::Custom(p, r, why) => {
                External::Custom(p.clone(), r.clone(), Causes(vec![(r.clone(), why.clone())]))
            }
        }),
        DerivationTree::Derived(d) => DerivationTree::Derived(Derived {
            terms: d.terms.clone(),
            shared_id: d.shared_id,
            cause1: Arc::new(convert(&d.cause1)),
            cause2: Arc::new(convert(&d.cause2)),
        }),
    }
}

/// Rewrites `tree`, bottom up, until no rule applies.
pub(crate) fn simplify(tree: &mut Tree, words: &Words<'_>) {
    if let DerivationTree::Derived(d) = tree {
        simplify(Arc::make_mut(&mut d.cause1), words);
        simplify(Arc::make_mut(&mut d.cause2), words);
    }
    // The causes are done; a replacement's causes are too, but it may open the way for
    // another rule at this node.
    while let DerivationTree::Derived(d) = tree {
        let replaced = fold_no_versions(d, words)
            .or_else(|| gather_pair(d, words))
            .or_else(|| gather_down(d, words))
            .or_else(|| dependency_fact(d));
        match replaced {
            Some(t) => *tree = t,
            None => break,
        }
    }
}

/// A "no version of X in R" step whose range holds no version the solver could choose
/// (the gaps left after the real releases were ruled out one by one) folded into the
/// neighbouring fact, so the report speaks only of releases: "X 1.0 depends on Y" plus
/// "X has no other version" becomes "X depends on Y".
fn fold_no_versions(d: &Node, words: &Words<'_>) -> Option<Tree> {
    let (p, r, other) = match (&*d.cause1, &*d.cause2) {
        (DerivationTree::External(External::NoVersions(p, r)), other)
        | (other, DerivationTree::External(External::NoVersions(p, r)))
            if words.holds_none(p, r) =>
        {
            (p, r, other)
        }
        _ => return None,
    };
    match other {
        DerivationTree::External(e) => widen(e, p, r, words).map(DerivationTree::External),
        // The derived fact, restated with this step's conclusion (which differs only by
        // versions that could not be chosen anyway). A range someone wrote stays: "only
        // pre-releases match beta>=1.5" is the point of the report.
        DerivationTree::Derived(inner)
            if inner.shared_id.is_none() && (words.holds_nothing(p, r) || words.leftover(p, r)) =>
        {
            let mut inner = inner.clone();
            inner.terms = d.terms.clone();
            inner.shared_id = d.shared_id;
            Some(DerivationTree::Derived(inner))
        }
        DerivationTree::Derived(_) => None,
    }
}

fn widen(e: &Ext, p: &Pkg, r: &Ranges<Version>, words: &Words<'_>) -> Option<Ext> {
    match e {
        External::FromDependencyOf(q, qr, dep, dr) if q == p => Some(External::FromDependencyOf(
            q.clone(),
            qr.union(r),
            dep.clone(),
            dr.clone(),
        )),
        // "X depends on Y>=1" and "no Y>1.0 exists": the requirement as written says it,
        // as long as some Y it allows could be chosen.
        External::FromDependencyOf(_, _, dep, dr) if dep == p && !words.holds_none(p, dr) => {
            Some(e.clone())
        }
        External::Custom(q, qr, why) if q == p => {
            Some(External::Custom(q.clone(), qr.union(r), why.clone()))
        }
        _ => None,
    }
}

/// A project, some of its versions, and why they cannot be used.
type Fact<'t> = (
    &'t Pkg,
    &'t Ranges<Version>,
    &'t [(Ranges<Version>, Unusable)],
);

/// The project and causes of a fact that some versions of one project cannot be used:
/// its reasons, or none for a range that holds no choosable version.
fn unusable<'t>(t: &'t Tree, words: &Words<'_>) -> Option<Fact<'t>> {
    match t {
        DerivationTree::External(External::Custom(p, r, c)) => Some((p, r, &c.0)),
        DerivationTree::External(External::NoVersions(p, r)) if words.holds_none(p, r) => {
            Some((p, r, &[]))
        }
        _ => None,
    }
}

/// Both causes say versions of one project cannot be used, and so does the conclusion:
/// one fact with both reasons.
fn gather_pair(d: &Node, words: &Words<'_>) -> Option<Tree> {
    let (p1, r1, c1) = unusable(&d.cause1, words)?;
    let (p2, r2, c2) = unusable(&d.cause2, words)?;
    if p1 != p2 || c1.is_empty() && c2.is_empty() {
        return None;
    }
    let range = match d.terms.iter().collect::<Vec<_>>().as_slice() {
        [(p, Term::Positive(r))] if *p == p1 => r.union(r1).union(r2),
        _ => return None,
    };
    let causes = c1.iter().chain(c2).cloned().collect();
    Some(DerivationTree::External(External::Custom(
        p1.clone(),
        range,
        Causes(causes),
    )))
}

/// "X 1.0 cannot be used" next to a step that itself rests on "X 1.1 cannot be used":
/// both facts become one, one level down. A chain of a hundred unusable releases
/// becomes one line.
fn gather_down(d: &Node, words: &Words<'_>) -> Option<Tree> {
    for (this, that) in [(&d.cause1, &d.cause2), (&d.cause2, &d.cause1)] {
        let Some((p, r, c)) = unusable(this, words) else {
            continue;
        };
        let DerivationTree::Derived(inner) = &**that else {
            continue;
        };
        if inner.shared_id.is_some() {
            continue;
        }
        for (x, y) in [
            (&inner.cause1, &inner.cause2),
            (&inner.cause2, &inner.cause1),
        ] {
            let Some((p2, r2, c2)) = unusable(x, words) else {
                continue;
            };
            if p2 != p || c.is_empty() && c2.is_empty() {
                continue;
            }
            let causes: Vec<_> = c2.iter().chain(c).cloned().collect();
            let gathered =
                DerivationTree::External(External::Custom(p.clone(), r.union(r2), Causes(causes)));
            return Some(DerivationTree::Derived(Derived {
                terms: d.terms.clone(),
                shared_id: d.shared_id,
                cause1: y.clone(),
                cause2: Arc::new(gathered),
            }));
        }
    }
    None
}

/// A step that concludes "X in R depends on Y in S" from nothing but what versions of X
/// depend on in Y is that fact: one line instead of one per group of releases.
fn dependency_fact(d: &Node) -> Option<Tree> {
    let terms: Vec<_> = d.terms.iter().collect();
    let (p, r, q, s) = match terms.as_slice() {
        [(p, Term::Positive(r)), (q, Term::Negative(s))]
        | [(q, Term::Negative(s)), (p, Term::Positive(r))] => (*p, r, *q, s),
        _ => return None,
    };
    if *p == Pkg::Root {
        return None;
    }
    let only_deps = |t: &Tree| -> bool { only_dependencies(t, p, q) };
    if !(only_deps(&d.cause1) && only_deps(&d.cause2)) {
        return None;
    }
    Some(DerivationTree::External(External::FromDependencyOf(
        p.clone(),
        r.clone(),
        q.clone(),
        s.clone(),
    )))
}

fn only_dependencies(t: &Tree, p: &Pkg, q: &Pkg) -> bool {
    match t {
        DerivationTree::External(External::FromDependencyOf(a, _, b, _)) => a == p && b == q,
        DerivationTree::External(_) => false,
        DerivationTree::Derived(d) => {
            only_dependencies(&d.cause1, p, q) && only_dependencies(&d.cause2, p, q)
        }
    }
}

/// Every external fact of the tree.
pub(crate) fn externals<'t>(tree: &'t Tree, out: &mut Vec<&'t Ext>) {
    match tree {
        DerivationTree::External(e) => out.push(e),
        DerivationTree::Derived(d) => {
            externals(&d.cause1, out);
            externals(&d.cause2, out);
        }
    }
}
