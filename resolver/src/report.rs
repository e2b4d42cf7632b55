//! Explaining a failed resolution to a person: ranges as users write them, versions
//! collapsed to those that exist, requirements named by file and line, the target
//! spelled out, hints for the usual causes and changes that were checked to resolve.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use lockit_types::{PackageName, SourcedRequirement, Target, Version, Yanked};
use pubgrub::{
    DefaultStringReporter, DerivationTree, Derived, External, Map, Ranges, ReportFormatter,
    Reporter, Term,
};

use crate::availability::{
    abis, metadata_hint, platforms, target_abi, unavailable_text, Unavailable, Unusable,
};
use crate::candidates::VersionMap;
use crate::options::ResolveOptions;
use crate::package::Pkg;
use crate::ranges::range_text;

type Tree = crate::provider::Derivation;
type Ext = External<Pkg, Ranges<Version>, Unavailable>;
type Terms = Map<Pkg, Term<Ranges<Version>>>;

/// What the report knows about one project's published versions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    /// Every version, oldest first.
    pub versions: Vec<Version>,
    /// Yanked versions, with the reason the index gave (possibly empty).
    pub yanked: HashMap<Version, String>,
}

impl Known {
    /// Versions and yanks from a version map.
    pub fn from_map(map: &VersionMap) -> Self {
        let mut versions = Vec::new();
        let mut yanked = HashMap::new();
        for (v, e) in map.newest_first() {
            versions.push(v.clone());
            if e.yanked {
                let reason = e
                    .files
                    .iter()
                    .find_map(|f| match &f.yanked {
                        Yanked::Yes(r) => Some(r.clone()),
                        Yanked::No => None,
                    })
                    .unwrap_or_default();
                yanked.insert(v.clone(), reason);
            }
        }
        versions.reverse();
        Known { versions, yanked }
    }
}

/// What the report knows about each project, by name.
pub(crate) type Maps = HashMap<PackageName, Known>;

/// A change to the user's requirements that was checked, by re-solving, to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The requirement as the user wrote it.
    pub before: String,
    /// What to write instead; `None` means delete the line.
    pub after: Option<String>,
    /// `file:line` of the requirement.
    pub location: String,
    /// How big the change is; smaller is better (used for ranking).
    pub cost: u32,
    /// Pins of the packages the conflict was about, in the resolution the change gives.
    pub pins: Vec<(PackageName, Version)>,
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.after {
            Some(after) => write!(
                f,
                "change `{}` ({}) to `{after}`",
                self.before, self.location
            )?,
            None => write!(f, "remove `{}` ({})", self.before, self.location)?,
        }
        let pins: Vec<String> = self.pins.iter().map(|(n, v)| format!("{n} {v}")).collect();
        if pins.is_empty() {
            f.write_str(": resolves")
        } else {
            write!(f, ": resolves with {}", pins.join(", "))
        }
    }
}

/// The derivation tree of a failed resolution and its rendering.
#[derive(Debug, Clone)]
pub struct NoSolution {
    tree: Tree,
    roots: Vec<SourcedRequirement>,
    options: ResolveOptions,
    heading: String,
    body: Vec<String>,
    hints: Vec<String>,
    suggestions: Vec<Suggestion>,
    search_note: Option<String>,
    /// Projects asked for that the index does not have, with the ranges asked for.
    missing: Vec<(PackageName, Ranges<Version>)>,
    /// Projects whose requested range holds no published version.
    unmatched: Vec<(PackageName, Ranges<Version>)>,
}

impl NoSolution {
    pub(crate) fn new(
        tree: Tree,
        roots: &[SourcedRequirement],
        options: &ResolveOptions,
        available: HashMap<PackageName, Vec<Version>>,
    ) -> Self {
        let maps: Maps = available
            .into_iter()
            .map(|(n, versions)| {
                (
                    n,
                    Known {
                        versions,
                        yanked: HashMap::new(),
                    },
                )
            })
            .collect();
        let mut report = NoSolution {
            tree,
            roots: roots.to_vec(),
            options: options.clone(),
            heading: String::new(),
            body: Vec::new(),
            hints: Vec::new(),
            suggestions: Vec::new(),
            search_note: None,
            missing: Vec::new(),
            unmatched: Vec::new(),
        };
        report.render(&maps);
        report
    }

    /// Writes the report again with what is known about each project.
    pub(crate) fn render(&mut self, maps: &Maps) {
        let options = &self.options;
        let mut origins: HashMap<PackageName, Vec<String>> = HashMap::new();
        for r in &self.roots {
            let list = origins.entry(r.requirement.name.clone()).or_default();
            let text = format!("`{}` ({})", r.requirement, r.location());
            if !list.contains(&text) {
                list.push(text);
            }
        }
        let mut simplified = self.tree.clone();
        simplify(&mut simplified, maps);
        let formatter = Plain {
            origins,
            maps,
            target: &options.target,
        };
        let text = DefaultStringReporter::report_with_formatter(&simplified, &formatter);
        let mut body: Vec<String> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if !body.iter().any(|b| b == line) {
                body.push(line.to_string());
            }
        }
        self.heading = format!(
            "no solution for Python {} on {}:",
            options.target.python, options.target.platform
        );
        let mut all = Vec::new();
        externals(&simplified, &mut all);
        let mut missing = Vec::new();
        let mut unmatched = Vec::new();
        for e in &all {
            if let External::NoVersions(p, range) = e {
                let Some(name) = p.name() else { continue };
                match maps.get(name) {
                    Some(k) if !k.versions.is_empty() => {
                        if !k.versions.iter().any(|v| range.contains(v)) {
                            unmatched.push((name.clone(), range.clone()));
                        }
                    }
                    _ => missing.push((name.clone(), range.clone())),
                }
            }
        }
        missing.dedup();
        unmatched.dedup();
        self.hints = hints(&all, options, maps);
        self.body = body;
        self.missing = missing;
        self.unmatched = unmatched;
    }

    /// The raw derivation tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The first line: what could not be solved, for which target.
    pub fn heading(&self) -> &str {
        &self.heading
    }

    /// The derivation, one sentence a line, shared steps numbered.
    pub fn derivation(&self) -> &[String] {
        &self.body
    }

    /// Advice for the causes found in the derivation.
    pub fn hints(&self) -> &[String] {
        &self.hints
    }

    /// Changes to the input that were checked to resolve, best first.
    pub fn suggestions(&self) -> &[Suggestion] {
        &self.suggestions
    }

    /// Set when the search for suggestions stopped before trying everything.
    pub fn search_note(&self) -> Option<&str> {
        self.search_note.as_deref()
    }

    /// Projects the index does not have, with the ranges asked for.
    pub fn missing_projects(&self) -> &[(PackageName, Ranges<Version>)] {
        &self.missing
    }

    /// Projects whose requested range matches no published version (for example because
    /// `--exclude-newer` hides it), with those ranges.
    pub fn unmatched_ranges(&self) -> &[(PackageName, Ranges<Version>)] {
        &self.unmatched
    }

    /// Adds a hint found outside the resolver (for example by asking the index again
    /// without `--exclude-newer`).
    pub fn add_hint(&mut self, hint: String) {
        if !self.hints.contains(&hint) {
            self.hints.push(hint);
        }
    }

    pub(crate) fn set_suggestions(&mut self, list: Vec<Suggestion>, note: Option<String>) {
        self.suggestions = list;
        self.search_note = note;
    }
}

impl fmt::Display for NoSolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.heading)?;
        for line in &self.body {
            write!(f, "\n  {line}")?;
        }
        for hint in &self.hints {
            write!(f, "\nhint: {hint}")?;
        }
        match self.suggestions.as_slice() {
            [] => {}
            [one] => write!(f, "\nfix: {one} (checked by re-solving)")?,
            many => {
                f.write_str("\nfix: each of these changes resolves (checked by re-solving):")?;
                for (i, s) in many.iter().enumerate() {
                    write!(f, "\n  {}. {s}", i + 1)?;
                }
            }
        }
        if let Some(note) = &self.search_note {
            write!(f, "\nnote: {note}")?;
        }
        Ok(())
    }
}

/// `numpy>=2` or `numpy`: a range as the specifier a user would write.
fn term(pkg: &Pkg, range: &Ranges<Version>) -> String {
    match (pkg, range_text(range)) {
        (Pkg::Root, _) => "your requirements".to_string(),
        (p, Some(s)) if s.contains(" or ") => format!("{p} ({s})"),
        (p, Some(s)) => format!("{p}{s}"),
        (p, None) => p.to_string(),
    }
}

/// Every version of `pkg` on the index, oldest first.
fn published<'m>(maps: &'m Maps, pkg: &Pkg) -> Vec<&'m Version> {
    pkg.name()
        .and_then(|n| maps.get(n))
        .map(|k| k.versions.iter().collect())
        .unwrap_or_default()
}

/// A range of versions a package may take, written with the versions that exist:
/// `tensors` (every published version), `tabular 1.0.0`, `werkzeug<=2.3.8`.
fn existing(maps: &Maps, pkg: &Pkg, range: &Ranges<Version>) -> String {
    if *pkg == Pkg::Root {
        return "your requirements".to_string();
    }
    let all = published(maps, pkg);
    let inside: Vec<usize> = (0..all.len()).filter(|&i| range.contains(all[i])).collect();
    match inside.as_slice() {
        [] => term(pkg, range),
        _ if inside.len() == all.len() => pkg.to_string(),
        [one] => format!("{pkg} {}", all[*one]),
        [first, .., last] if last - first + 1 == inside.len() => {
            if *first == 0 {
                format!("{pkg}<={}", all[*last])
            } else if *last == all.len() - 1 {
                format!("{pkg}>={}", all[*first])
            } else {
                format!("{pkg}>={},<={}", all[*first], all[*last])
            }
        }
        list => {
            let shown: Vec<String> = list.iter().map(|&i| all[i].to_string()).collect();
            format!("{pkg} {}", shortlist_strings(&shown))
        }
    }
}

/// The newest few of a list, oldest first: `…, 1.5.0, 2.0.0`.
fn shortlist_strings(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let tail = &items[items.len().saturating_sub(SHOWN)..];
    let mut text: Vec<String> = tail.to_vec();
    if items.len() > SHOWN {
        text.insert(0, "…".to_string());
    }
    text.join(", ")
}

fn shortlist(versions: &[&Version]) -> String {
    let items: Vec<String> = versions.iter().map(ToString::to_string).collect();
    shortlist_strings(&items)
}

struct Plain<'m> {
    origins: HashMap<PackageName, Vec<String>>,
    maps: &'m Maps,
    target: &'m Target,
}

impl Plain<'_> {
    fn no_versions(&self, p: &Pkg, range: &Ranges<Version>) -> String {
        let all = published(self.maps, p);
        if all.is_empty() {
            return format!("{p} does not exist on the index");
        }
        let inside: Vec<&Version> = all.iter().copied().filter(|v| range.contains(v)).collect();
        if inside.is_empty() {
            return format!(
                "no version of {p} matches {} (the index has {})",
                term(p, range),
                shortlist(&all)
            );
        }
        let known = p.name().and_then(|n| self.maps.get(n));
        let yanked: Vec<&Version> = inside
            .iter()
            .copied()
            .filter(|v| known.is_some_and(|k| k.yanked.contains_key(v)))
            .collect();
        if yanked.len() == inside.len() {
            return format!(
                "every version of {p} that matches {} is yanked ({})",
                term(p, range),
                shortlist(&yanked)
            );
        }
        if inside
            .iter()
            .all(|v| v.any_prerelease() || yanked.contains(v))
        {
            let pre: Vec<&Version> = inside
                .iter()
                .copied()
                .filter(|v| !yanked.contains(v))
                .collect();
            return format!(
                "only pre-releases of {p} match {} ({}; pre-releases are not allowed)",
                term(p, range),
                shortlist(&pre)
            );
        }
        format!(
            "no version of {p} matches {} (the index has {})",
            term(p, range),
            shortlist(&all)
        )
    }
}

impl ReportFormatter<Pkg, Ranges<Version>, Unavailable> for Plain<'_> {
    type Output = String;

    fn format_external(&self, external: &Ext) -> String {
        match external {
            External::NotRoot(..) => "we are solving your requirements".to_string(),
            External::NoVersions(p, range) => self.no_versions(p, range),
            External::Custom(p, range, why) => format!(
                "{} {}",
                existing(self.maps, p, range),
                unavailable_text(why, self.target)
            ),
            External::FromDependencyOf(Pkg::Root, _, dep, range) => {
                match dep.name().and_then(|n| self.origins.get(n)) {
                    Some(list) => format!("you require {}", list.join(" and ")),
                    None => format!("you require {}", term(dep, range)),
                }
            }
            External::FromDependencyOf(Pkg::Extra(n, e), prange, Pkg::Project(d), _) if n == d => {
                let base = existing(self.maps, &Pkg::Project(n.clone()), prange);
                format!("{base} with its extra `{e}` is the same release of {n}")
            }
            External::FromDependencyOf(p, prange, dep, drange) => format!(
                "{} depends on {}",
                existing(self.maps, p, prange),
                term(dep, drange)
            ),
        }
    }

    fn format_terms(&self, terms: &Terms) -> String {
        let list: Vec<_> = terms.iter().collect();
        match list.as_slice() {
            [] | [(Pkg::Root, _)] => "your requirements cannot be satisfied".to_string(),
            [(p, Term::Positive(r))] => {
                format!("{} cannot be used", existing(self.maps, p, r))
            }
            [(p, Term::Negative(r))] => format!("{} is required", term(p, r)),
            [(p1, Term::Positive(r1)), (p2, Term::Negative(r2))]
            | [(p2, Term::Negative(r2)), (p1, Term::Positive(r1))] => {
                if **p1 == Pkg::Root {
                    format!("you require {}", term(p2, r2))
                } else {
                    format!(
                        "{} depends on {}",
                        existing(self.maps, p1, r1),
                        term(p2, r2)
                    )
                }
            }
            many => {
                // {A, B, not C, not D}: A and B together need C or D.
                let mut root = false;
                let mut users = Vec::new();
                let mut needs = Vec::new();
                for (p, t) in many {
                    match t {
                        Term::Positive(_) if **p == Pkg::Root => root = true,
                        Term::Positive(r) => users.push(existing(self.maps, p, r)),
                        Term::Negative(r) => needs.push(term(p, r)),
                    }
                }
                let who = match (root, users.is_empty()) {
                    (true, true) => "your requirements".to_string(),
                    (true, false) => format!("with your requirements, {}", users.join(" and ")),
                    (false, _) => users.join(" and "),
                };
                if needs.is_empty() {
                    format!("{} cannot be used together", users.join(", "))
                } else {
                    let verb = if users.len() == 1 { "needs" } else { "need" };
                    format!("{who} {verb} {}", needs.join(" or "))
                }
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
            "Because {} (we know from ({id1})) and {} (from ({id2})), {}.",
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
            "Because {} (we know from ({id})) and {}, {}.",
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
            "And because {} (we know from ({id})), {}.",
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

/// True when `range` holds no version of `pkg` that the index publishes.
fn holds_nothing(maps: &Maps, pkg: &Pkg, range: &Ranges<Version>) -> bool {
    let all = published(maps, pkg);
    !all.is_empty() && !all.iter().any(|v| range.contains(v))
}

/// Folds "no version of X matches X!=1.0" steps (ranges that hold no published
/// version) into the neighbouring fact, so the report speaks only of versions that
/// exist: "X==1.0 depends on Y" plus "X has no other version" becomes "X depends on Y".
fn simplify(tree: &mut Tree, maps: &Maps) {
    let DerivationTree::Derived(d) = tree else {
        return;
    };
    simplify(Arc::make_mut(&mut d.cause1), maps);
    simplify(Arc::make_mut(&mut d.cause2), maps);
    let folded = match (&*d.cause1, &*d.cause2) {
        (DerivationTree::External(External::NoVersions(p, r)), other)
        | (other, DerivationTree::External(External::NoVersions(p, r)))
            if holds_nothing(maps, p, r) =>
        {
            match other {
                DerivationTree::External(e) => widen(e, p, r, maps).map(DerivationTree::External),
                // The derived fact, restated with this step's conclusion (which differs
                // only by versions that do not exist).
                DerivationTree::Derived(inner) if inner.shared_id.is_none() => {
                    let mut inner = inner.clone();
                    inner.terms = d.terms.clone();
                    inner.shared_id = d.shared_id;
                    Some(DerivationTree::Derived(inner))
                }
                DerivationTree::Derived(_) => None,
            }
        }
        _ => None,
    };
    if let Some(t) = folded {
        *tree = t;
    }
}

fn widen(e: &Ext, p: &Pkg, r: &Ranges<Version>, maps: &Maps) -> Option<Ext> {
    match e {
        External::FromDependencyOf(q, qr, dep, dr) if q == p => Some(External::FromDependencyOf(
            q.clone(),
            qr.union(r),
            dep.clone(),
            dr.clone(),
        )),
        // "X depends on Y>=1" and "no Y>1.0 exists": the requirement as written says it,
        // as long as some Y it allows exists.
        External::FromDependencyOf(_, _, dep, dr) if dep == p && !holds_nothing(maps, p, dr) => {
            Some(e.clone())
        }
        External::Custom(q, qr, why) if q == p => {
            Some(External::Custom(q.clone(), qr.union(r), why.clone()))
        }
        _ => None,
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

/// The project names a derivation tree mentions.
pub(crate) fn tree_names(tree: &Tree) -> BTreeSet<PackageName> {
    tree.packages()
        .into_iter()
        .filter_map(|p| p.name().cloned())
        .collect()
}

/// The projects the user's own requirements bring into the conflict.
pub(crate) fn root_names(tree: &Tree) -> BTreeSet<PackageName> {
    let mut all = Vec::new();
    externals(tree, &mut all);
    all.iter()
        .filter_map(|e| match e {
            External::FromDependencyOf(Pkg::Root, _, dep, _) => dep.name().cloned(),
            _ => None,
        })
        .collect()
}

/// Short advice for the common causes found in the tree.
fn hints(all: &[&Ext], options: &ResolveOptions, maps: &Maps) -> Vec<String> {
    let target = &options.target;
    // The same reason for several versions of one package makes one hint.
    let mut merged: Vec<Ext> = Vec::new();
    for e in all {
        if let External::Custom(p, r, why) = e {
            if let Some(External::Custom(_, mr, _)) = merged
                .iter_mut()
                .find(|m| matches!(m, External::Custom(q, _, w) if q == p && w == why))
            {
                *mr = mr.union(r);
                continue;
            }
        }
        merged.push((*e).clone());
    }
    let mut list = Vec::new();
    for e in &merged {
        let hint = match e {
            External::Custom(p, range, why) => {
                let at = existing(maps, p, range);
                match why {
                    Unavailable::Unusable(Unusable::NoCompatibleWheel(tags)) => {
                        let abis = abis(tags);
                        let own = target_abi(target);
                        if abis.iter().any(|a| *a == own || a == "abi3" || a == "none") {
                            format!(
                                "{at} publishes wheels only for the platforms {}, none of which runs on {}; pick a release of {p} with wheels for it, resolve for another --python-platform, or use a release with an sdist",
                                platforms(tags).join(", "),
                                target.platform,
                            )
                        } else {
                            format!(
                                "{at} publishes wheels only for the ABIs {}, none of which runs on Python {} ({own}, {}); pick a release of {p} with wheels for this Python, or resolve for another --python-version",
                                abis.join(", "),
                                target.python_minor(),
                                target.platform,
                            )
                        }
                    }
                    Unavailable::Unusable(Unusable::RequiresPython(spec))
                    | Unavailable::RequiresPython(spec) => format!(
                        "{at} requires Python {spec}, but the target is Python {}; pass a matching --python-version or allow an older {p}",
                        target.python
                    ),
                    Unavailable::Unusable(Unusable::SdistOnly) => format!(
                        "{at} is published only as an sdist, and --only-binary forbids sdists for it; drop --only-binary for {p} or allow a release with wheels"
                    ),
                    Unavailable::Unusable(Unusable::WheelOnly) => format!(
                        "{at} is published only as wheels, and --no-binary forbids them for it; drop --no-binary for {p}"
                    ),
                    Unavailable::Metadata(m) => {
                        let name = p.name().map(ToString::to_string).unwrap_or_default();
                        metadata_hint(&at, &name, m)
                    }
                    Unavailable::DirectUrl(_) => continue,
                }
            }
            External::NoVersions(p, range) => {
                let Some(known) = p.name().and_then(|n| maps.get(n)) else {
                    continue;
                };
                let inside: Vec<(&Version, bool)> = known
                    .versions
                    .iter()
                    .rev()
                    .filter(|v| range.contains(v))
                    .map(|v| (v, known.yanked.contains_key(v)))
                    .collect();
                if inside.is_empty() {
                    continue;
                }
                let name = p.name().map(ToString::to_string).unwrap_or_default();
                if let Some((v, _)) = inside.iter().find(|(v, y)| !y && v.any_prerelease()) {
                    format!(
                        "only pre-releases of {name} match {}; ask for one explicitly (`{name}>={v}`) or pass --prerelease allow",
                        term(p, range)
                    )
                } else if let Some((v, _)) = inside.first() {
                    let reason = match known.yanked.get(*v) {
                        Some(r) if !r.is_empty() => format!(" ({r})"),
                        _ => String::new(),
                    };
                    format!(
                        "{name} {v} was yanked{reason}; an exact pin `{name}=={v}` still installs it, or allow an older {name}"
                    )
                } else {
                    continue;
                }
            }
            _ => continue,
        };
        if !list.contains(&hint) {
            list.push(hint);
        }
    }
    list
}

/// Levenshtein distance with adjacent transpositions, for near-miss names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Names one slip away from `name`: swapped neighbours, one letter dropped, and the
/// usual `python-`/`py` prefixes, to ask the index about (it has no name list).
pub(crate) fn name_variants(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(1) {
        let mut c = chars.clone();
        c.swap(i, i + 1);
        out.push(c.into_iter().collect::<String>());
    }
    for i in 0..chars.len() {
        let mut c = chars.clone();
        c.remove(i);
        out.push(c.into_iter().collect::<String>());
    }
    for (prefix, _) in [("python-", ()), ("py", ())] {
        match name.strip_prefix(prefix) {
            Some(rest) => out.push(rest.to_string()),
            None => out.push(format!("{prefix}{name}")),
        }
    }
    out.retain(|v| v != name && v.len() > 1 && !v.starts_with('-') && !v.ends_with('-'));
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {

    use super::*;

    #[test]
    fn abis_are_sorted_naturally() {
        let tags = vec![
            "cp310-cp310-x".to_string(),
            "cp39-cp39-x".into(),
            "cp311-cp311-y".into(),
            "cp39-cp39-y".into(),
        ];
        assert_eq!(abis(&tags), ["cp39", "cp310", "cp311"]);
        assert_eq!(platforms(&tags), ["x", "y"]);
    }

    #[test]
    fn near_misses() {
        for (a, b, d) in [
            ("requests", "reqeusts", 1),
            ("numpy", "numpi", 1),
            ("numpy", "numpy", 0),
            ("flask", "django", 5),
        ] {
            assert_eq!(edit_distance(a, b), d, "{a} {b}");
        }
        let v = name_variants("reqeusts");
        assert!(v.contains(&"requests".to_string()));
        assert!(v.contains(&"pyreqeusts".to_string()));
        assert!(!v.contains(&"reqeusts".to_string()));
        assert!(name_variants("python-dateutil").contains(&"dateutil".to_string()));
    }
}
