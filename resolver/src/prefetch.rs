//! Prefetching: guessing, off the solver's thread, which versions the solver will read
//! next, and crawling their dependencies so the index fetches the graph as wide as it goes.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use lockit_types::{CoreMetadata, PackageName, SourcedRequirement, Version};
use pep508_rs::VersionOrUrl;
use pubgrub::Ranges;

use crate::candidates::{best_candidate, VersionMap};
use crate::index::{CandidateHint, Crawl, Index};
use crate::options::ResolveOptions;
use crate::ranges::{specifiers_contain, specifiers_range};

/// What prefetch tasks need to guess, off the solver's thread, which versions the solver
/// will read next: the dependencies of each prefetched version's likely pick.
#[derive(Clone)]
pub(crate) struct CrawlContext {
    pub(crate) options: Arc<ResolveOptions>,
    pub(crate) constraints: Arc<HashMap<PackageName, Ranges<Version>>>,
    pub(crate) prebuilt: Arc<Mutex<HashMap<PackageName, Arc<VersionMap>>>>,
    pub(crate) crawled: Arc<Mutex<HashSet<PackageName>>>,
}

/// The ranges `constraints` put on their packages for the target, intersected per package.
pub(crate) fn constraint_ranges(
    constraints: &[SourcedRequirement],
    options: &ResolveOptions,
) -> HashMap<PackageName, Ranges<Version>> {
    let mut ranges: HashMap<PackageName, Ranges<Version>> = HashMap::new();
    for c in constraints.iter().map(|c| &c.requirement) {
        if !options.applies(&c.marker, &[]) {
            continue;
        }
        if let Some(VersionOrUrl::VersionSpecifier(spec)) = &c.version_or_url {
            let r = specifiers_range(spec);
            ranges
                .entry(c.name.clone())
                .and_modify(|e| *e = e.intersection(&r))
                .or_insert(r);
        }
    }
    ranges
}

impl CrawlContext {
    /// A crawl with nothing prefetched yet.
    pub(crate) fn new(
        options: Arc<ResolveOptions>,
        constraints: Arc<HashMap<PackageName, Ranges<Version>>>,
    ) -> Self {
        CrawlContext {
            options,
            constraints,
            prebuilt: Arc::default(),
            crawled: Arc::default(),
        }
    }

    /// Starts fetching `name`'s likely version in `range` and, as metadata arrives, the
    /// graph below it: what the solver does when it first sees a package. Direct
    /// references have no page to fetch.
    pub(crate) fn start(&self, index: &dyn Index, name: &PackageName, range: Ranges<Version>) {
        if self.options.direct.contains_key(name) {
            return;
        }
        self.seen(name);
        let (hint, then) = self.clone().hint(name.clone(), range, false);
        index.prefetch_deep(name, hint, then);
    }

    /// `range` narrowed by the constraints on `name`.
    pub(crate) fn constrained(
        &self,
        name: &PackageName,
        range: Ranges<Version>,
    ) -> Ranges<Version> {
        match self.constraints.get(name) {
            Some(c) => range.intersection(c),
            None => range,
        }
    }

    /// Marks `name` as prefetched; false when it already was.
    pub(crate) fn seen(&self, name: &PackageName) -> bool {
        self.crawled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(name.clone())
    }

    /// Picks the likely version of `name` in `range` (building, once, the version map the
    /// solver will take), and follows its dependencies once its metadata is known.
    ///
    /// `deep` hints (the crawl's own guesses) skip versions that only an sdist can describe:
    /// reading one means downloading it, and the solver may never get there.
    pub(crate) fn hint(
        self,
        name: PackageName,
        range: Ranges<Version>,
        deep: bool,
    ) -> (CandidateHint, Crawl) {
        let pick_ctx = self.clone();
        let pick_name = name.clone();
        let hint: CandidateHint = Box::new(move |project| {
            let lock = || {
                pick_ctx
                    .prebuilt
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            };
            let known = lock().get(&pick_name).cloned();
            let map = known.unwrap_or_else(|| {
                // Built outside the lock: big pages take a while.
                let map = Arc::new(VersionMap::new(project, &pick_ctx.options));
                lock().insert(pick_name.clone(), map.clone());
                map
            });
            best_candidate(&map, &pick_name, &range, &pick_ctx.options)
                .filter(|(_, files)| !deep || files.iter().any(|f| f.filename.is_wheel()))
        });
        let then = Crawl(Box::new(move |meta: &CoreMetadata| self.children(meta)));
        (hint, then)
    }

    /// The dependencies (without extras) of a prefetched version not prefetched yet.
    fn children(&self, meta: &CoreMetadata) -> Vec<(PackageName, CandidateHint, Crawl)> {
        let python = self.options.environment.python();
        if meta
            .requires_python
            .as_ref()
            .is_some_and(|rp| !specifiers_contain(rp, python))
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for req in &meta.requires_dist {
            if !self.options.applies(&req.marker, &[]) {
                continue;
            }
            for req in self.options.overridden(req) {
                let mut range = match &req.version_or_url {
                    None => Ranges::full(),
                    Some(VersionOrUrl::VersionSpecifier(spec)) => specifiers_range(spec),
                    Some(VersionOrUrl::Url(_)) => continue,
                };
                if self.options.direct.contains_key(&req.name) || !self.seen(&req.name) {
                    continue;
                }
                if let Some(c) = self.constraints.get(&req.name) {
                    range = range.intersection(c);
                }
                let (hint, then) = self.clone().hint(req.name.clone(), range, true);
                out.push((req.name.clone(), hint, then));
            }
        }
        out
    }
}
