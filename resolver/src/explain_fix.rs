//! After a failed resolution: say more about the packages in the conflict (yanks,
//! near-miss names) and look for the smallest change to the user's own requirements
//! that resolves, proving each one by solving again.
//!
//! Every extra solve goes through the same (memoizing) index, so it costs little once
//! the first attempt has fetched the pages; the whole search is bounded in time.

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lockit_types::{
    CoreMetadata, DistFile, MarkerEval, PackageName, ProjectFiles, Requirement, SourcedRequirement,
    Version, VersionSpecifier, VersionSpecifiers,
};
use pep508_rs::VersionOrUrl;
use pubgrub::Ranges;

use crate::candidates::{VersionEntry, VersionMap};
use crate::index::{CandidateHint, Crawl, FetchError, Index};
use crate::options::ResolveOptions;
use crate::prefetch::{constraint_ranges, CrawlContext};
use crate::ranges::specifiers_range;
use crate::report::{self, Known, Maps, NoSolution, Suggestion};
use crate::resolution::Resolution;

/// How long the search for fixes may take in all.
pub const SEARCH_BUDGET: Duration = Duration::from_secs(10);
/// How many releases of one pinned package are tried when moving its pin.
const MOVE_TRIES: usize = 8;
/// How many suggestions a report shows.
const SHOWN: usize = 3;

/// An index that stops answering once `until` has passed, so that a search of many
/// solves ends on time.
pub(crate) struct Bounded<'a> {
    pub inner: &'a dyn Index,
    pub until: Instant,
}

impl Bounded<'_> {
    fn check(&self) -> Result<(), FetchError> {
        if Instant::now() >= self.until {
            Err(FetchError::Fatal("the time for this search ran out".into()))
        } else {
            Ok(())
        }
    }
}

impl Index for Bounded<'_> {
    fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        self.check()?;
        self.inner.project(name)
    }

    fn metadata(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        self.check()?;
        self.inner.metadata(name, version, files)
    }

    fn prefetch(&self, name: &PackageName, hint: CandidateHint) {
        if self.check().is_ok() {
            self.inner.prefetch(name, hint);
        }
    }

    // Forwarded, not left to the default (which prefetches `name` only): the search's
    // solves crawl the graph below each new package as the first solve did.
    fn prefetch_deep(&self, name: &PackageName, hint: CandidateHint, then: Crawl) {
        if self.check().is_ok() {
            self.inner.prefetch_deep(name, hint, then);
        }
    }

    fn searching_fix(&self, tried: usize) {
        self.inner.searching_fix(tried);
    }
}

/// The version map of `name` for the target, if the index answers.
pub(crate) fn version_map(
    index: &dyn Index,
    name: &PackageName,
    options: &ResolveOptions,
) -> Option<VersionMap> {
    let project = index.project(name).ok()?;
    Some(VersionMap::new(&project, options))
}

/// Completes a failed resolution's report: re-rendered with yanks and every published
/// version, near-miss names for unknown projects, and checked suggestions.
pub(crate) fn enrich(
    report: &mut NoSolution,
    index: &dyn Index,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
) {
    let bounded = Bounded {
        inner: index,
        until: Instant::now() + SEARCH_BUDGET,
    };
    let mut names = report::tree_names(report.tree());
    names.extend(roots.iter().map(|r| r.requirement.name.clone()));
    let mut maps: Maps = HashMap::new();
    let mut version_maps = HashMap::new();
    for name in &names {
        if let Some(map) = version_map(&bounded, name, options) {
            maps.insert(name.clone(), Known::from_map(&map));
            version_maps.insert(name.clone(), map);
        }
    }
    prefetch_changes(&bounded, report, roots, constraints, options, &version_maps);
    report.render(&maps);
    if report.wants_prerelease_check() {
        // The pre-release hint only when pre-releases would resolve: in a conflict
        // about something else, the gaps between ruled-out releases hold pre-releases
        // that are ruled out the same way.
        let mut allow = options.clone();
        allow.prerelease = crate::PrereleaseMode::Allow;
        let helps = crate::solve(&bounded, roots, constraints, &allow).is_ok();
        report.set_prerelease_check(helps);
        report.render(&maps);
    }
    let mut renames = HashMap::new();
    for (missing, found) in near_misses(report, &bounded, &maps) {
        let hint = if found.is_empty() {
            format!(
                "`{missing}` is not on the index; check the spelling, or add the index that has it with --extra-index-url"
            )
        } else {
            let list: Vec<String> = found.iter().map(|n| format!("`{n}`")).collect();
            format!(
                "`{missing}` is not on the index; did you mean {}?",
                list.join(" or ")
            )
        };
        report.add_hint(hint);
        renames.insert(missing, found);
    }
    let (list, note) = suggest(
        report,
        &bounded,
        roots,
        constraints,
        options,
        &version_maps,
        &renames,
    );
    report.set_suggestions(list, note);
}

/// The user's requirements the search changes, with their positions in `roots`: those
/// named in the conflict and used on the target.
fn changeable<'r>(
    report: &NoSolution,
    roots: &'r [SourcedRequirement],
    options: &'r ResolveOptions,
) -> impl Iterator<Item = (usize, &'r SourcedRequirement)> + 'r {
    let involved = report::root_names(report.tree());
    roots.iter().enumerate().filter(move |(_, root)| {
        let req = &root.requirement;
        involved.contains(&req.name) && req.marker.holds(&options.environment.target().markers, &[])
    })
}

/// Starts fetching, all at once, what the search's solves will read first: for each
/// requirement it changes, the releases a moved pin tries and the newest release once the
/// specifier is dropped, each with the graph below it (as the first solve prefetches its
/// roots). The solves then mostly find their pages and metadata already there, where
/// they would otherwise wait for them one round trip at a time.
fn prefetch_changes(
    index: &Bounded<'_>,
    report: &NoSolution,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    maps: &HashMap<PackageName, VersionMap>,
) {
    let crawl = CrawlContext::new(
        Arc::new(options.clone()),
        Arc::new(constraint_ranges(constraints, options)),
    );
    for (_, root) in changeable(report, roots, options) {
        let name = &root.requirement.name;
        let Some(VersionOrUrl::VersionSpecifier(specs)) = &root.requirement.version_or_url else {
            continue;
        };
        let range = specifiers_range(specs);
        crawl.start(index, name, crawl.constrained(name, Ranges::full()));
        let Some(map) = maps.get(name) else {
            continue;
        };
        for (_, v) in pin_moves(map, &range) {
            crawl.start(index, name, crawl.constrained(name, Ranges::singleton(v)));
        }
        // Without the specifier the solve starts from the newest release and, when that
        // conflicts too, walks back through the next ones.
        for (v, entry) in map
            .newest_first()
            .filter(|(v, e)| plain_release(v, e))
            .take(MOVE_TRIES)
        {
            if let Ok(files) = entry.metadata_files() {
                let pick = Some((v.clone(), files));
                index.prefetch(name, Box::new(move |_| pick));
            }
        }
    }
}

/// For each project the index does not have, the names one slip away that it does.
fn near_misses(
    report: &NoSolution,
    index: &Bounded<'_>,
    maps: &Maps,
) -> Vec<(PackageName, Vec<PackageName>)> {
    let mut out = Vec::new();
    for (missing, _) in report.missing_projects() {
        let wanted = missing.to_string();
        let mut found: BTreeSet<PackageName> = maps
            .iter()
            .filter(|(n, k)| !k.versions.is_empty() && *n != missing)
            .filter(|(n, _)| wanted.len() > 3 && report::edit_distance(n.as_ref(), &wanted) <= 2)
            .map(|(n, _)| n.clone())
            .collect();
        let variants: Vec<PackageName> = report::name_variants(&wanted)
            .iter()
            .filter_map(|v| PackageName::from_str(v).ok())
            .collect();
        for v in &variants {
            index.prefetch(v, Box::new(|_| None));
        }
        for v in variants {
            if index.project(&v).is_ok_and(|p| !p.is_empty()) {
                found.insert(v);
            }
        }
        if !out.iter().any(|(m, _)| m == missing) {
            out.push((missing.clone(), found.into_iter().collect()));
        }
    }
    out
}

/// The requirement with its version part replaced.
fn with_specifiers(req: &Requirement, specs: Option<VersionSpecifiers>) -> Requirement {
    let mut r = req.clone();
    r.version_or_url = specs.map(VersionOrUrl::VersionSpecifier);
    r
}

fn pin(req: &Requirement, v: &Version) -> Requirement {
    with_specifiers(
        req,
        Some(VersionSpecifiers::from(VersionSpecifier::equals_version(
            v.clone(),
        ))),
    )
}

/// The specifiers the other dependents of `name` put on it in `resolution`, merged into
/// one range and written back as a specifier (`None` when they allow anything).
fn others_range(resolution: &Resolution, name: &PackageName) -> Option<VersionSpecifiers> {
    let pkg = resolution.get(name)?;
    let mut range = Ranges::full();
    for d in &pkg.dependents {
        if !d.is_input() {
            if let Some(VersionOrUrl::VersionSpecifier(s)) = &d.requirement.version_or_url {
                range = range.intersection(&specifiers_range(s));
            }
        }
    }
    let text = crate::ranges::range_text(&range)?;
    VersionSpecifiers::from_str(&text).ok()
}

struct Search<'s, 'i> {
    index: &'s Bounded<'i>,
    constraints: &'s [SourcedRequirement],
    options: &'s ResolveOptions,
    show: BTreeSet<PackageName>,
    inputs: Vec<PackageName>,
    tried: usize,
    out_of_time: bool,
}

impl Search<'_, '_> {
    /// Solves with `roots`; `None` when it fails or time ran out.
    fn solve(&mut self, roots: &[SourcedRequirement]) -> Option<Resolution> {
        if Instant::now() >= self.index.until {
            self.out_of_time = true;
            return None;
        }
        self.index.searching_fix(self.tried);
        self.tried += 1;
        match crate::solve(self.index, roots, self.constraints, self.options) {
            Ok(r) => Some(r),
            Err(_) => {
                if Instant::now() >= self.index.until {
                    self.out_of_time = true;
                }
                None
            }
        }
    }

    fn pins(&self, resolution: &Resolution, changed: &PackageName) -> Vec<(PackageName, Version)> {
        let mut names: Vec<&PackageName> = vec![changed];
        names.extend(self.show.iter());
        names.extend(self.inputs.iter());
        let mut seen = BTreeSet::new();
        names
            .into_iter()
            .filter(|n| seen.insert(*n))
            .filter_map(|n| resolution.get(n).map(|p| (n.clone(), p.version.clone())))
            .take(5)
            .collect()
    }
}

fn replaced(roots: &[SourcedRequirement], i: usize, req: Requirement) -> Vec<SourcedRequirement> {
    let mut list = roots.to_vec();
    list[i].requirement = req;
    list[i].text = None;
    list
}

/// Tries, for each top-level requirement in the conflict: moving a pin to the nearest
/// release that resolves, relaxing the specifier to what the rest of the graph allows,
/// and dropping the requirement. Returns the cheapest few and a note when time ran out.
fn suggest(
    report: &NoSolution,
    index: &Bounded<'_>,
    roots: &[SourcedRequirement],
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
    maps: &HashMap<PackageName, VersionMap>,
    renames: &HashMap<PackageName, Vec<PackageName>>,
) -> (Vec<Suggestion>, Option<String>) {
    let mut search = Search {
        index,
        constraints,
        options,
        show: report::tree_names(report.tree()),
        inputs: roots.iter().map(|r| r.requirement.name.clone()).collect(),
        tried: 0,
        out_of_time: false,
    };
    let mut found: Vec<Suggestion> = Vec::new();
    for (i, root) in changeable(report, roots, options) {
        let req = &root.requirement;
        let location = root.location();
        let before = req.to_string();
        let specs = match &req.version_or_url {
            Some(VersionOrUrl::VersionSpecifier(s)) => Some(s.clone()),
            _ => None,
        };
        let mut resolved_by_relaxing = false;
        // A name the index does not have: try the near misses it does have.
        for other in renames.get(&req.name).into_iter().flatten() {
            let mut renamed = req.clone();
            renamed.name = other.clone();
            if let Some(r) = search.solve(&replaced(roots, i, renamed.clone())) {
                resolved_by_relaxing = true;
                found.push(Suggestion {
                    before: before.clone(),
                    after: Some(renamed.to_string()),
                    location: location.clone(),
                    cost: 5,
                    pins: search.pins(&r, other),
                });
            }
        }
        if let Some(specs) = &specs {
            let range = specifiers_range(specs);
            // Moving a pin: the nearest releases outside the range, newer ones first.
            if crate::ranges::pinned_version(&range).is_some() {
                if let Some(map) = maps.get(&req.name) {
                    if let Some(s) = move_pin(&mut search, roots, i, map, &range) {
                        found.push(Suggestion {
                            location: location.clone(),
                            before: before.clone(),
                            ..s
                        });
                    }
                }
            }
            // Relaxing: drop the specifier, then keep only what the other dependents ask.
            let loose = replaced(roots, i, with_specifiers(req, None));
            if let Some(r) = search.solve(&loose) {
                let after = with_specifiers(req, others_range(&r, &req.name));
                let verified = if after.version_or_url.is_none() {
                    Some(r)
                } else {
                    search.solve(&replaced(roots, i, after.clone()))
                };
                if let Some(r) = verified {
                    resolved_by_relaxing = true;
                    found.push(Suggestion {
                        before: before.clone(),
                        after: Some(after.to_string()),
                        location: location.clone(),
                        cost: 50,
                        pins: search.pins(&r, &req.name),
                    });
                }
            }
        }
        if !resolved_by_relaxing {
            let mut without = roots.to_vec();
            without.remove(i);
            if let Some(r) = search.solve(&without) {
                found.push(Suggestion {
                    before: before.clone(),
                    after: None,
                    location: location.clone(),
                    cost: 100,
                    pins: search.pins(&r, &req.name),
                });
            }
        }
        if search.out_of_time {
            break;
        }
    }
    found.sort_by(|a, b| (a.cost, &a.location).cmp(&(b.cost, &b.location)));
    found.dedup_by(|a, b| a.after == b.after && a.before == b.before);
    found.truncate(SHOWN);
    let note = if search.out_of_time {
        Some(format!(
            "stopped looking for fixes after {} s ({} changes tried); more may exist",
            SEARCH_BUDGET.as_secs(),
            search.tried
        ))
    } else if found.is_empty() && search.tried > 0 {
        Some(format!(
            "no single change to one of your requirements resolves ({} changes tried)",
            search.tried
        ))
    } else {
        None
    };
    (found, note)
}

/// A release the search may move a pin to: not yanked, usable on the target, final.
fn plain_release(v: &Version, entry: &VersionEntry) -> bool {
    !entry.yanked && entry.usable.is_ok() && !v.any_prerelease()
}

/// The releases a moved pin tries, in order, with the cost of each: the nearest
/// [`MOVE_TRIES`] newer ones first, then the nearest older ones, skipping yanked releases,
/// pre-releases and releases the target cannot use.
fn pin_moves(map: &VersionMap, range: &Ranges<Version>) -> Vec<(u32, Version)> {
    let Some(pinned) = crate::ranges::pinned_version(range) else {
        return Vec::new();
    };
    let mut all: Vec<&Version> = map
        .newest_first()
        .filter(|(v, e)| plain_release(v, e))
        .map(|(v, _)| v)
        .collect();
    all.reverse();
    let newer = all.iter().copied().filter(|v| *v > pinned);
    let older = all.iter().rev().copied().filter(|v| *v < pinned);
    let nearest = |list: &mut dyn Iterator<Item = &Version>, direction: u32| {
        list.take(MOVE_TRIES)
            .enumerate()
            .filter(|(_, v)| !range.contains(v))
            .map(|(distance, v)| (10 + direction + distance as u32, v.clone()))
            .collect::<Vec<_>>()
    };
    let mut moves = nearest(&mut { newer }, 0);
    moves.extend(nearest(&mut { older }, 5));
    moves
}

/// The nearest release outside `range` that resolves when pinned, trying newer ones
/// first; its cost grows with the distance moved.
fn move_pin(
    search: &mut Search<'_, '_>,
    roots: &[SourcedRequirement],
    i: usize,
    map: &VersionMap,
    range: &Ranges<Version>,
) -> Option<Suggestion> {
    let req = &roots[i].requirement;
    for (cost, v) in pin_moves(map, range) {
        let after = pin(req, &v);
        if let Some(r) = search.solve(&replaced(roots, i, after.clone())) {
            return Some(Suggestion {
                before: String::new(),
                after: Some(after.to_string()),
                location: String::new(),
                cost,
                pins: search.pins(&r, &req.name),
            });
        }
        if search.out_of_time {
            return None;
        }
    }
    None
}
