//! Explaining a failed resolution to a person, on one screen whatever the release
//! history: versions named as a person would name them, the reasons many releases are
//! unusable gathered into one sentence, requirements named by file and line, the
//! target spelled out, hints only where they apply, and changes that were checked to
//! resolve.
//!
//! [`tree`] rewrites the solver's derivation, [`words`] names sets of versions,
//! [`hints`] gives advice; a report never exceeds [`REPORT_MAX_LINES`] lines and
//! [`REPORT_MAX_BYTES`] bytes.

mod hints;
mod tree;
mod words;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use lockit_types::{DistFile, PackageName, SourcedRequirement, Target, Version};
use pubgrub::{
    DefaultStringReporter, Derived, External, Map, Ranges, ReportFormatter, Reporter, Term,
};

use crate::availability::{common_kind, kind, predicate, Kind};
use crate::options::{PrereleaseMode, ResolveOptions};
use crate::package::Pkg;
use crate::prose::{agree, capped_and_list, clip};
use crate::ranges::names_prerelease;
use crate::unusable::Unusable;

pub(crate) use words::{Known, Maps};

use tree::{Causes, Ext};
use words::{Phrase, Words};

type Terms = Map<Pkg, Term<Ranges<Version>>>;
type Node = Derived<Pkg, Ranges<Version>, Causes>;

/// The most lines a whole report takes (heading, derivation, hints, fixes, note).
pub const REPORT_MAX_LINES: usize = 40;
/// The most bytes a whole report takes.
pub const REPORT_MAX_BYTES: usize = 6 * 1024;
/// The most derivation steps shown; earlier ones are counted instead. With the other
/// parts at their most, and `explain`'s list of versions, a report stays in budget.
const MAX_STEPS: usize = 18;
/// The most bytes of derivation shown.
const MAX_STEP_BYTES: usize = 3200;
/// The longest line of a report, in characters.
const MAX_LINE: usize = 300;
/// The most hints in all, with those added after the derivation's own.
const MAX_HINTS: usize = 5;
/// The most pins a suggestion lists.
const MAX_PINS: usize = 6;
/// The most items of a list inside a sentence.
const MAX_ITEMS: usize = 3;

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
        let mut text = match &self.after {
            Some(after) => format!(
                "change `{}` ({}) to `{after}`",
                clip(&self.before, 80),
                self.location
            ),
            None => format!("remove `{}` ({})", clip(&self.before, 80), self.location),
        };
        let pins: Vec<String> = self.pins.iter().map(|(n, v)| format!("{n} {v}")).collect();
        if pins.is_empty() {
            text.push_str(": resolves");
        } else {
            let mut shown: Vec<String> = pins.iter().take(MAX_PINS).cloned().collect();
            if pins.len() > MAX_PINS {
                shown.push(format!("{} more", pins.len() - MAX_PINS));
            }
            text.push_str(&format!(": resolves with {}", shown.join(", ")));
        }
        f.write_str(&clip(&text, MAX_LINE - 40))
    }
}

/// The derivation tree of a failed resolution and its rendering.
#[derive(Debug, Clone)]
pub struct NoSolution {
    tree: crate::availability::Derivation,
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
    /// Whether pre-releases would resolve, once checked.
    prerelease: hints::PrereleaseCheck,
    /// Whether the derivation leaves pre-releases worth checking.
    prerelease_candidate: bool,
}

impl NoSolution {
    pub(crate) fn new(
        tree: crate::availability::Derivation,
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
            prerelease: None,
            prerelease_candidate: false,
        };
        report.render(&maps);
        report
    }

    /// Projects whose pre-releases the solver may choose.
    fn prereleases_allowed(&self, maps: &Maps) -> HashSet<PackageName> {
        match self.options.prerelease {
            PrereleaseMode::Allow => maps.keys().cloned().collect(),
            PrereleaseMode::Pep440
            | PrereleaseMode::Explicit
            | PrereleaseMode::IfNecessaryOrExplicit => self
                .roots
                .iter()
                .filter_map(|r| match &r.requirement.version_or_url {
                    Some(pep508_rs::VersionOrUrl::VersionSpecifier(s)) if names_prerelease(s) => {
                        Some(r.requirement.name.clone())
                    }
                    _ => None,
                })
                .collect(),
            PrereleaseMode::Disallow | PrereleaseMode::IfNecessary => HashSet::new(),
        }
    }

    /// Writes the report again with what is known about each project.
    pub(crate) fn render(&mut self, maps: &Maps) {
        let options = &self.options;
        let mut origins: HashMap<PackageName, Vec<String>> = HashMap::new();
        for r in &self.roots {
            let list = origins.entry(r.requirement.name.clone()).or_default();
            let text = format!(
                "`{}` ({})",
                clip(&r.requirement.to_string(), 80),
                r.location()
            );
            if !list.contains(&text) {
                list.push(text);
            }
        }
        let words = Words::new(maps, self.prereleases_allowed(maps));
        let mut simplified = tree::convert(&self.tree);
        tree::simplify(&mut simplified, &words);
        let formatter = Plain {
            origins,
            words: &words,
            target: options.environment.target(),
            direct: &options.direct,
        };
        let text = DefaultStringReporter::report_with_formatter(&simplified, &formatter);
        let mut body: Vec<String> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let line = clip(line, MAX_LINE);
            if !body.contains(&line) {
                body.push(line);
            }
        }
        self.body = fit_steps(body);
        // A universal solve fails in one fork: name its part of the environments.
        self.heading = format!("no solution for {}:", options.environment.describe_part());
        let mut all = Vec::new();
        tree::externals(&simplified, &mut all);
        let mut missing = Vec::new();
        let mut unmatched = Vec::new();
        for e in &all {
            if let External::NoVersions(p, range) = e {
                let Some(name) = p.name() else { continue };
                if options.direct.contains_key(name) {
                    continue;
                }
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
        self.prerelease_candidate = hints::prerelease_candidate(&all, &words);
        self.hints = hints::hints(&all, options, &words, self.prerelease)
            .into_iter()
            .map(|h| clip(&h, MAX_LINE))
            .collect();
        self.missing = missing;
        self.unmatched = unmatched;
    }

    /// The raw derivation tree.
    pub fn tree(&self) -> &crate::availability::Derivation {
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
    /// without `--exclude-newer`); a report keeps at most a few.
    pub fn add_hint(&mut self, hint: String) {
        let hint = clip(&hint, MAX_LINE);
        if !self.hints.contains(&hint) && self.hints.len() < MAX_HINTS {
            self.hints.push(hint);
        }
    }

    pub(crate) fn set_suggestions(&mut self, list: Vec<Suggestion>, note: Option<String>) {
        self.suggestions = list;
        self.search_note = note;
    }

    /// True when the derivation leaves only pre-releases in some range, and whether
    /// allowing them resolves is not yet known.
    pub(crate) fn wants_prerelease_check(&self) -> bool {
        self.prerelease_candidate && self.prerelease.is_none()
    }

    /// Records whether allowing pre-releases resolves; the pre-release hint is given
    /// only when it does (takes effect at the next [`NoSolution::render`]).
    pub(crate) fn set_prerelease_check(&mut self, helps: bool) {
        self.prerelease = Some(helps);
    }
}

/// The derivation within [`MAX_STEPS`] lines and [`MAX_STEP_BYTES`] bytes: when it is
/// longer, its last steps (which reach the user's requirements) after a line that
/// counts the others. Grouping keeps real reports far below this; it is the bound for
/// whatever the solver derives.
fn fit_steps(mut body: Vec<String>) -> Vec<String> {
    /// Room for the line that counts what is left out.
    const NOTE: usize = 64;
    let bytes = |b: &[String]| b.iter().map(|l| l.len() + 3).sum::<usize>();
    if body.len() <= MAX_STEPS && bytes(&body) <= MAX_STEP_BYTES {
        return body;
    }
    let total = body.len();
    while body.len() > 1 && (body.len() + 1 > MAX_STEPS || bytes(&body) + NOTE > MAX_STEP_BYTES) {
        body.remove(0);
    }
    let dropped = total - body.len();
    body.insert(
        0,
        format!("… {dropped} of {total} steps are not shown; the last ones follow"),
    );
    body
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

/// The newest few of a list, oldest first: `…, 1.5.0, 2.0.0`.
fn shortlist(versions: &[&Version]) -> String {
    let items: Vec<String> = versions.iter().map(ToString::to_string).collect();
    crate::prose::newest(&items, 5)
}

/// A kind of reason, the versions it applies to, and the reasons.
type KindGroup<'c> = (Kind, Ranges<Version>, Vec<&'c Unusable>);

struct Plain<'w> {
    origins: HashMap<PackageName, Vec<String>>,
    words: &'w Words<'w>,
    target: &'w Target,
    /// Packages named by URL or path, whose one candidate is that file.
    direct: &'w HashMap<PackageName, DistFile>,
}

impl Plain<'_> {
    fn no_versions(&self, p: &Pkg, range: &Ranges<Version>) -> String {
        // Not a question for the index: the file is the one candidate.
        if let Some(file) = p.name().and_then(|n| self.direct.get(n)) {
            return format!("{p} comes only from `{}`", clip(&file.url, 100));
        }
        let words = self.words;
        let all = words.published(p);
        if all.is_empty() {
            return format!("{p} does not exist on the index");
        }
        let spec = words.spec(p, range);
        let inside: Vec<&Version> = all.iter().copied().filter(|v| range.contains(v)).collect();
        if inside.is_empty() {
            return format!(
                "no version of {p} matches {spec} (the index has {})",
                shortlist(&all)
            );
        }
        let known = words.known(p);
        let yanked: Vec<&Version> = inside
            .iter()
            .copied()
            .filter(|v| known.is_some_and(|k| k.yanked.contains_key(v)))
            .collect();
        if yanked.len() == inside.len() {
            return format!(
                "every version of {p} that matches {spec} is yanked ({})",
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
                "only pre-releases of {p} match {spec} ({}; pre-releases are not allowed)",
                shortlist(&pre)
            );
        }
        format!(
            "no version of {p} matches {spec} (the index has {})",
            shortlist(&all)
        )
    }

    /// "tornado 4.0 to 4.5.3 have only sdists without static metadata": versions of one
    /// project and why they cannot be used, one clause per kind of reason.
    fn unusable(&self, p: &Pkg, range: &Ranges<Version>, causes: &Causes) -> String {
        let span = self.words.span(p, range);
        let mut kinds: Vec<KindGroup<'_>> = Vec::new();
        for (r, why) in &causes.0 {
            let k = kind(why, self.target).family();
            match kinds.iter_mut().find(|g| g.0 == k) {
                Some(g) => {
                    g.1 = g.1.union(r);
                    g.2.push(why);
                }
                None => kinds.push((k, r.clone(), vec![why])),
            }
        }
        let word = |whys: &[&Unusable], plural: bool, detail: bool| -> String {
            match common_kind(whys, self.target) {
                Some(k) => predicate(k, whys, self.target, plural, detail),
                None => agree(plural, "cannot be used", "cannot be used").to_string(),
            }
        };
        match kinds.as_slice() {
            [] => format!("{} cannot be used", span.text),
            [(_, _, whys)] => format!("{} {}", span.text, word(whys, span.plural, true)),
            _ => {
                // Most common reason first.
                let mut counted: Vec<(usize, &KindGroup<'_>)> = kinds
                    .iter()
                    .map(|g| (self.words.count(p, &g.1), g))
                    .collect();
                counted.sort_by_key(|c| std::cmp::Reverse(c.0));
                let mut parts: Vec<String> = counted
                    .iter()
                    .take(MAX_ITEMS)
                    .map(|(n, (_, r, whys))| {
                        let one = *n <= 1;
                        let who = match (one, self.words.newest(p, r)) {
                            (true, Some(v)) => v.to_string(),
                            _ => n.to_string(),
                        };
                        format!("{who} {}", word(whys, !one, false))
                    })
                    .collect();
                let rest: usize = counted.iter().skip(MAX_ITEMS).map(|(n, _)| n).sum();
                if rest > 0 {
                    parts.push(format!("{rest} for other reasons"));
                }
                format!(
                    "{} cannot be used ({})",
                    span.text,
                    capped_and_list(&parts, MAX_ITEMS + 1)
                )
            }
        }
    }

    fn span(&self, p: &Pkg, r: &Ranges<Version>) -> Phrase {
        self.words.span(p, r)
    }
}

impl ReportFormatter<Pkg, Ranges<Version>, Causes> for Plain<'_> {
    type Output = String;

    fn format_external(&self, external: &Ext) -> String {
        match external {
            External::NotRoot(..) => "we are solving your requirements".to_string(),
            External::NoVersions(p, range) => self.no_versions(p, range),
            External::Custom(p, range, causes) => self.unusable(p, range, causes),
            External::FromDependencyOf(Pkg::Root, _, dep, range) => {
                match dep.name().and_then(|n| self.origins.get(n)) {
                    Some(list) => format!("you require {}", capped_and_list(list, MAX_ITEMS)),
                    None => format!("you require {}", self.words.spec(dep, range)),
                }
            }
            External::FromDependencyOf(Pkg::Extra(n, e), prange, Pkg::Project(d), _) if n == d => {
                let base = self.span(&Pkg::Project(n.clone()), prange);
                format!(
                    "{} with its extra `{e}` {} the same release of {n}",
                    base.text,
                    base.verb("is", "are")
                )
            }
            External::FromDependencyOf(p, prange, dep, drange) => {
                let who = self.span(p, prange);
                format!(
                    "{} {} on {}",
                    who.text,
                    who.verb("depends", "depend"),
                    self.words.spec(dep, drange)
                )
            }
        }
    }

    fn format_terms(&self, terms: &Terms) -> String {
        let list: Vec<_> = terms.iter().collect();
        match list.as_slice() {
            [] | [(Pkg::Root, _)] => "your requirements cannot be satisfied".to_string(),
            [(p, Term::Positive(r))] => {
                format!("{} cannot be used", self.span(p, r).text)
            }
            [(p, Term::Negative(r))] => format!("{} is required", self.words.spec(p, r)),
            [(p1, Term::Positive(r1)), (p2, Term::Negative(r2))]
            | [(p2, Term::Negative(r2)), (p1, Term::Positive(r1))] => {
                if **p1 == Pkg::Root {
                    format!("you require {}", self.words.spec(p2, r2))
                } else {
                    let who = self.span(p1, r1);
                    format!(
                        "{} {} on {}",
                        who.text,
                        who.verb("depends", "depend"),
                        self.words.spec(p2, r2)
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
                        Term::Positive(r) => users.push(self.span(p, r).text),
                        Term::Negative(r) => needs.push(self.words.spec(p, r)),
                    }
                }
                let users_text = capped_and_list(&users, MAX_ITEMS);
                let who = match (root, users.is_empty()) {
                    (true, true) => "your requirements".to_string(),
                    (true, false) => format!("with your requirements, {users_text}"),
                    (false, _) => users_text.clone(),
                };
                if needs.is_empty() {
                    match (root, users.len()) {
                        (true, 1) => format!("{users_text} cannot be used with your requirements"),
                        (true, _) => {
                            format!("{users_text} cannot be used together with your requirements")
                        }
                        (false, _) => format!("{users_text} cannot be used together"),
                    }
                } else {
                    let verb = if users.len() == 1 { "needs" } else { "need" };
                    let mut shown: Vec<String> = needs.iter().take(MAX_ITEMS).cloned().collect();
                    if needs.len() > MAX_ITEMS {
                        shown.push(format!("one of {} others", needs.len() - MAX_ITEMS));
                    }
                    format!("{who} {verb} {}", shown.join(" or "))
                }
            }
        }
    }

    fn explain_both_external(&self, e1: &Ext, e2: &Ext, current: &Terms) -> String {
        format!(
            "Because {}, {}.",
            both(&self.format_external(e1), &self.format_external(e2)),
            self.format_terms(current)
        )
    }

    fn explain_both_ref(
        &self,
        id1: usize,
        d1: &Node,
        id2: usize,
        d2: &Node,
        current: &Terms,
    ) -> String {
        format!(
            "Because {} (we know from ({id1})) and {} (from ({id2})), {}.",
            self.format_terms(&d1.terms),
            self.format_terms(&d2.terms),
            self.format_terms(current)
        )
    }

    fn explain_ref_and_external(&self, id: usize, d: &Node, e: &Ext, current: &Terms) -> String {
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

    fn and_explain_ref(&self, id: usize, d: &Node, current: &Terms) -> String {
        format!(
            "And because {} (we know from ({id})), {}.",
            self.format_terms(&d.terms),
            self.format_terms(current)
        )
    }

    fn and_explain_prior_and_external(&self, prior: &Ext, e: &Ext, current: &Terms) -> String {
        format!(
            "And because {}, {}.",
            both(&self.format_external(prior), &self.format_external(e)),
            self.format_terms(current)
        )
    }
}

/// Two facts joined by "and"; with a comma first when the first has a clause of its own,
/// a comma outside parentheses ("…must be built, which --no-build forbids, and you
/// require…").
fn both(first: &str, second: &str) -> String {
    let mut depth = 0i32;
    let mut clause = false;
    for (i, c) in first.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 && first[i + 1..].starts_with(' ') => clause = true,
            _ => {}
        }
    }
    match clause {
        true => format!("{first}, and {second}"),
        false => format!("{first} and {second}"),
    }
}

/// The project names a derivation tree mentions.
pub(crate) fn tree_names(tree: &crate::availability::Derivation) -> BTreeSet<PackageName> {
    tree.packages()
        .into_iter()
        .filter_map(|p| p.name().cloned())
        .collect()
}

/// The projects the user's own requirements bring into the conflict.
pub(crate) fn root_names(tree: &crate::availability::Derivation) -> BTreeSet<PackageName> {
    let mut all = Vec::new();
    raw_externals(tree, &mut all);
    all.iter()
        .filter_map(|e| match e {
            External::FromDependencyOf(Pkg::Root, _, dep, _) => dep.name().cloned(),
            _ => None,
        })
        .collect()
}

fn raw_externals<'t>(
    tree: &'t crate::availability::Derivation,
    out: &mut Vec<&'t External<Pkg, Ranges<Version>, Unusable>>,
) {
    match tree {
        pubgrub::DerivationTree::External(e) => out.push(e),
        pubgrub::DerivationTree::Derived(d) => {
            raw_externals(&d.cause1, out);
            raw_externals(&d.cause2, out);
        }
    }
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
    use crate::wheel_tags::{abis, platforms};

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
    fn a_long_derivation_keeps_its_last_steps_and_counts_the_others() {
        let short: Vec<String> = (0..5).map(|i| format!("step {i}")).collect();
        assert_eq!(fit_steps(short.clone()), short);
        let long: Vec<String> = (0..60)
            .map(|i| format!("step {i} {}", "x".repeat(150)))
            .collect();
        let fitted = fit_steps(long);
        assert!(fitted.len() <= MAX_STEPS, "{}", fitted.len());
        let bytes: usize = fitted.iter().map(|l| l.len() + 3).sum();
        assert!(bytes <= MAX_STEP_BYTES, "{bytes}");
        assert!(fitted[0].starts_with("… "), "{}", fitted[0]);
        assert!(fitted[fitted.len() - 1].starts_with("step 59 "));
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
