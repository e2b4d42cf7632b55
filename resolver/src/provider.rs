//! The PubGrub `DependencyProvider`: turns index data into versions and dependencies.
//!
//! Where a solve splits its space is not decided here: the provider asks its [`Forking`]
//! (the fork module's, for one part of a universal space; [`OneTarget`] otherwise) and
//! stops with the split it gets.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use lockit_types::{
    CoreMetadata, ExtraName, PackageName, Requirement, RequirementOrigin, SourcedRequirement,
    Version, VersionSpecifiers,
};
use pep508_rs::{MarkerTree, VersionOrUrl};
use pubgrub::{
    Dependencies, DependencyProvider, PackageResolutionStatistics, PubGrubError, Ranges,
};

use crate::availability::Derivation;
use crate::candidates::VersionMap;
use crate::index::{FetchError, Index};
use crate::markers::without_extras;
use crate::options::{ResolutionMode, ResolveOptions};
use crate::package::Pkg;
use crate::prefetch::{constraint_ranges, CrawlContext};
use crate::prerelease::Requests;
use crate::ranges::{
    names_prerelease, pinned_version, specifiers_contain, specifiers_range, spelled_as,
};
use crate::resolution::{Resolution, ResolvedPackage};
use crate::unusable::Unusable;

/// Why [`Provider::solve`] ended without pins (`S`: what its [`Forking`] splits with).
pub(crate) enum Unsolved<S> {
    /// Nothing satisfies every requirement: PubGrub's derivation tree, and every version of
    /// each project the solver looked at (oldest first), for the report.
    NoSolution(Box<Derivation>, HashMap<PackageName, Vec<Version>>),
    /// The index failed; solving stopped.
    Index(Box<dyn std::error::Error + Send + Sync>),
    /// The space has to be split: solve each part on its own.
    Split(S),
}

/// A fatal failure inside the provider.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ProviderError(pub Box<dyn std::error::Error + Send + Sync>);

/// Why the provider stopped PubGrub before it finished.
///
/// PubGrub 0.4 has no way to end a solve early but an error: `should_cancel`,
/// `choose_version` and `get_dependencies` can only return `Err(Self::Err)`, which comes
/// back wrapped in `PubGrubError` (`Dependencies::Unusable` records a reason and goes
/// on solving). So this is the provider's error type, and [`Provider::solve`] unwraps it
/// again: a restart or a split is a signal here, never reported as a failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stop<S: Debug> {
    /// Start the solve over with new priorities (see [`Restart`]).
    #[error("the solve starts over with new priorities")]
    Restart,
    /// The space splits ([`Forking`]).
    #[error("the space splits into forks: {0:?}")]
    Split(S),
    /// The index failed.
    #[error(transparent)]
    Index(Box<dyn std::error::Error + Send + Sync>),
}

impl<S: Debug> From<ProviderError> for Stop<S> {
    fn from(e: ProviderError) -> Self {
        Stop::Index(e.0)
    }
}

/// How a solve splits its space, and where its pins are installed.
pub(crate) trait Forking {
    /// What a solve stops with to split ([`Infallible`] where it never does).
    type Split: Debug + 'static;

    /// A split, when requirements on one package (`markers`: each requirement's package
    /// and its marker, extras decided) apply under different markers.
    fn on_markers(&self, markers: &[(PackageName, MarkerTree)]) -> Option<Self::Split>;

    /// A split, when the release the solver would pick has a Requires-Python (`spec`)
    /// that admits only part of the space.
    fn on_requires_python(&self, spec: &VersionSpecifiers) -> Option<Self::Split>;

    /// Sets each pin's marker from the paths that reach it (`edges`: what each selected
    /// version required), and drops the pins none reaches.
    fn place(
        &self,
        selected: &HashMap<Pkg, Version>,
        edges: &HashMap<(Pkg, Version), Vec<SourcedRequirement>>,
        packages: &mut BTreeMap<PackageName, ResolvedPackage>,
    );
}

/// One target: nothing splits, and every pin is installed (its marker stays true).
pub(crate) struct OneTarget;

impl Forking for OneTarget {
    type Split = Infallible;

    fn on_markers(&self, _: &[(PackageName, MarkerTree)]) -> Option<Infallible> {
        None
    }

    fn on_requires_python(&self, _: &VersionSpecifiers) -> Option<Infallible> {
        None
    }

    fn place(
        &self,
        _: &HashMap<Pkg, Version>,
        _: &HashMap<(Pkg, Version), Vec<SourcedRequirement>>,
        _: &mut BTreeMap<PackageName, ResolvedPackage>,
    ) {
    }
}

type Priority = (u8, u8, Reverse<u32>);

/// A version's dependencies, or why it cannot be used.
type Deps = Result<BTreeMap<Pkg, Ranges<Version>>, Unusable>;

pub(crate) struct Provider<'a, F: Forking> {
    index: &'a dyn Index,
    roots: &'a [SourcedRequirement],
    constraints: Arc<HashMap<PackageName, Ranges<Version>>>,
    options: Arc<ResolveOptions>,
    /// Names already handed to [`Index::prefetch_deep`], by the solver or by the crawl.
    crawled: Arc<Mutex<HashSet<PackageName>>>,
    maps: RefCell<HashMap<PackageName, Arc<VersionMap>>>,
    /// Version maps built by prefetch tasks (off the solver's thread) while picking what to
    /// prefetch; the solver takes them instead of building its own.
    prebuilt: Arc<Mutex<HashMap<PackageName, Arc<VersionMap>>>>,
    order: RefCell<HashMap<PackageName, u32>>,
    /// Who requires what, for the pre-release rule.
    requests: RefCell<Requests>,
    /// What each chosen version (and the root) required, kept for `# via` and `explain`.
    edges: RefCell<HashMap<(Pkg, Version), Vec<SourcedRequirement>>>,
    metadata: RefCell<HashMap<(PackageName, Version), Arc<CoreMetadata>>>,
    /// Versions skipped because their metadata could not be had, for the warning that a pin
    /// is older than a release that was skipped.
    skipped: RefCell<HashMap<PackageName, BTreeMap<Version, Unusable>>>,
    tries: RefCell<HashMap<PackageName, u32>>,
    /// Conflict-driven priorities, kept across restarts of the solver (see [`Restart`]).
    restart: RefCell<Restart>,
    /// Where the solve splits its space.
    forks: F,
}

/// A package whose versions keep being rejected for one already-decided dependency (the
/// culprit: `python-dateutil` 3.0.0 decided before any `botocore`, all of which need `<3`)
/// makes PubGrub walk back through every release of the package and then of its
/// dependents. After [`CULPRIT_HITS`] such rejections the solve starts over with the
/// package decided as soon as it is seen and the culprit decided last; metadata fetched so
/// far stays memoized, so a restart costs only solver time.
#[derive(Default)]
struct Restart {
    /// The version last chosen for each package in this attempt.
    chosen: HashMap<PackageName, Version>,
    /// (affected, culprit) -> versions of `affected` whose requirement excluded the
    /// culprit's chosen version, in this attempt.
    hits: HashMap<(PackageName, PackageName), u32>,
    /// Decided early in later attempts.
    early: HashSet<PackageName>,
    /// Decided late in later attempts.
    late: HashSet<PackageName>,
    /// Set when this attempt should stop and the solve start over.
    requested: bool,
    /// Restarts so far.
    count: u32,
}

/// Rejections of one package's versions by one culprit before the solve restarts.
const CULPRIT_HITS: u32 = 5;
/// At most this many restarts per resolution: a guard, not a budget. Each restart has a
/// new culprit, and a restart costs only solver time while a walk through old releases
/// costs their metadata, perhaps builds (airflow has five culprits; with four restarts its
/// fifth walked flask-limiter down to an sdist-only release and built it).
const MAX_RESTARTS: u32 = 16;

/// After this many versions of one package were tried, the next ones are prefetched in bulk:
/// the solver is walking back through old releases (boto3/botocore style).
const BATCH_AFTER: u32 = 3;
/// How many older versions one bulk prefetch asks for.
const BATCH_SIZE: usize = 50;

fn root_version() -> Version {
    Version::new([0])
}

impl<'a, F: Forking> Provider<'a, F> {
    pub fn new(
        index: &'a dyn Index,
        roots: &'a [SourcedRequirement],
        constraints: &[SourcedRequirement],
        options: &ResolveOptions,
        forks: F,
    ) -> Self {
        Provider {
            index,
            roots,
            constraints: Arc::new(constraint_ranges(constraints, options)),
            crawled: Arc::default(),
            options: Arc::new(options.clone()),
            maps: RefCell::default(),
            prebuilt: Arc::default(),
            order: RefCell::default(),
            requests: RefCell::new(Requests::with_constraints(constraints, options)),
            edges: RefCell::default(),
            metadata: RefCell::default(),
            skipped: RefCell::default(),
            tries: RefCell::default(),
            restart: RefCell::default(),
            forks,
        }
    }

    /// Solves, starting over as often as [`Restart`] asks; stops at the first split.
    pub fn solve(&self) -> Result<Resolution, Unsolved<F::Split>> {
        loop {
            let result = pubgrub::resolve(self, Pkg::Root, root_version());
            {
                let mut restart = self.restart.borrow_mut();
                restart.requested = false;
                restart.chosen.clear();
                restart.hits.clear();
            }
            let stop = match result {
                Ok(selected) => return self.resolution(selected.into_iter().collect()),
                Err(PubGrubError::NoSolution(tree)) => {
                    return Err(Unsolved::NoSolution(Box::new(tree), self.available()))
                }
                Err(PubGrubError::ErrorChoosingVersion { source, .. })
                | Err(PubGrubError::ErrorRetrievingDependencies { source, .. })
                | Err(PubGrubError::ErrorInShouldCancel(source)) => source,
            };
            match stop {
                Stop::Restart => self.tries.borrow_mut().clear(),
                Stop::Split(split) => return Err(Unsolved::Split(split)),
                Stop::Index(e) => return Err(Unsolved::Index(e)),
            }
        }
    }

    fn version_map(&self, name: &PackageName) -> Result<Arc<VersionMap>, ProviderError> {
        if let Some(m) = self.maps.borrow().get(name) {
            return Ok(m.clone());
        }
        let project = match self.options.direct.get(name) {
            Some(file) => Arc::new(lockit_types::ProjectFiles::new(
                name.clone(),
                vec![file.clone()],
            )),
            None => self.index.project(name).map_err(fatal)?,
        };
        let prebuilt = self
            .prebuilt
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(name);
        let map = match prebuilt {
            Some(map) if !self.options.direct.contains_key(name) => map,
            _ => Arc::new(VersionMap::new(&project, &self.options)),
        };
        self.maps.borrow_mut().insert(name.clone(), map.clone());
        Ok(map)
    }

    /// Remembers that `version` was passed over for `why`, so that an older pin says so
    /// (never a silent downgrade).
    fn skip(&self, name: &PackageName, version: &Version, why: Unusable) {
        self.skipped
            .borrow_mut()
            .entry(name.clone())
            .or_default()
            .insert(version.clone(), why);
    }

    fn core_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[lockit_types::DistFile],
    ) -> Result<Result<Arc<CoreMetadata>, Unusable>, ProviderError> {
        let key = (name.clone(), version.clone());
        if let Some(m) = self.metadata.borrow().get(&key) {
            return Ok(Ok(m.clone()));
        }
        match self.index.metadata(name, version, files) {
            Ok(m) => {
                self.metadata.borrow_mut().insert(key, m.clone());
                Ok(Ok(m))
            }
            Err(FetchError::Unavailable(reason)) => {
                self.skip(name, version, reason.clone());
                Ok(Err(reason))
            }
            Err(FetchError::Fatal(e)) => Err(ProviderError(e)),
        }
    }

    /// Adds the PubGrub terms for `req` to `deps`, discovering its package.
    fn add_requirement(
        &self,
        deps: &mut BTreeMap<Pkg, Ranges<Version>>,
        this: &Pkg,
        version: &Version,
        req: &Requirement,
    ) -> Result<(), Unusable> {
        let mut range = match &req.version_or_url {
            None => Ranges::full(),
            Some(VersionOrUrl::VersionSpecifier(spec)) => specifiers_range(spec),
            // The URL's file is the package's only candidate (see `ResolveOptions::direct`).
            Some(VersionOrUrl::Url(_)) if self.options.direct.contains_key(&req.name) => {
                Ranges::full()
            }
            Some(VersionOrUrl::Url(url)) => return Err(Unusable::DirectUrl(url.to_string())),
        };
        if let Some(c) = self.constraints.get(&req.name) {
            range = range.intersection(c);
        }
        self.discover(&req.name, &range);
        // `==V` admits `V+local`; when the index has no such variant, a plain singleton
        // keeps reports free of empty "local versions of V" ranges. `===V` admits V only
        // when the index spells it exactly so (`===1.16` is not 1.16.0).
        if let Some(v) = pinned_version(&range).cloned() {
            if let Ok(map) = self.version_map(&req.name) {
                let spelled = match (&req.version_or_url, map.published(&v)) {
                    (Some(VersionOrUrl::VersionSpecifier(spec)), Some(published)) => {
                        spelled_as(spec, published)
                    }
                    _ => true,
                };
                if !spelled {
                    range = Ranges::empty();
                } else if !map.has_local_variants(&v) {
                    range = Ranges::singleton(v);
                }
            }
        }
        let names = match &req.version_or_url {
            Some(VersionOrUrl::VersionSpecifier(spec)) => names_prerelease(spec),
            _ => false,
        };
        self.requests
            .borrow_mut()
            .record(this, version, &req.name, &range, names);
        if names && *this != Pkg::Root {
            self.revisit_for_prerelease(&req.name, &range);
        }
        let mut add = |p: Pkg| {
            if &p == this {
                return;
            }
            deps.entry(p)
                .and_modify(|r| *r = r.intersection(&range))
                .or_insert_with(|| range.clone());
        };
        add(Pkg::Project(req.name.clone()));
        for extra in &req.extras {
            add(Pkg::Extra(req.name.clone(), extra.clone()));
        }
        Ok(())
    }

    /// PEP 440 lets a dependency's requirement that names a pre-release opt the package in:
    /// when the package is already decided at a release older than a pre-release the
    /// requirement admits, the solve starts over with the package decided late, once the
    /// requirements on it are known (pip filters with all of them at once).
    fn revisit_for_prerelease(&self, name: &PackageName, range: &Ranges<Version>) {
        if self.options.prerelease != crate::PrereleaseMode::Pep440 {
            return;
        }
        let Ok(map) = self.version_map(name) else {
            return;
        };
        let mut restart = self.restart.borrow_mut();
        if restart.count >= MAX_RESTARTS || restart.requested || restart.late.contains(name) {
            return;
        }
        let Some(chosen) = restart.chosen.get(name) else {
            return;
        };
        if map.has_prerelease_above(chosen, range) {
            tracing::debug!(
                "a requirement names a pre-release of {name}: restarting with {name} decided late"
            );
            restart.late.insert(name.clone());
            restart.requested = true;
            restart.count += 1;
        }
    }

    /// Numbers packages in the order they are first seen and starts fetching them.
    fn discover(&self, name: &PackageName, range: &Ranges<Version>) {
        let mut order = self.order.borrow_mut();
        if order.contains_key(name) {
            return;
        }
        let n = order.len() as u32;
        order.insert(name.clone(), n);
        let crawl = CrawlContext {
            options: self.options.clone(),
            constraints: self.constraints.clone(),
            prebuilt: self.prebuilt.clone(),
            crawled: self.crawled.clone(),
        };
        crawl.start(self.index, name, range.clone());
    }

    fn dependencies_of(
        &self,
        pkg: &Pkg,
        name: &PackageName,
        extra: Option<&ExtraName>,
        version: &Version,
    ) -> Result<Deps, Stop<F::Split>> {
        let map = self.version_map(name)?;
        let Some(entry) = map.get(version) else {
            return Ok(Err(Unusable::unreadable(format!(
                "{name} {version} is not on the index"
            ))));
        };
        let files = match entry.metadata_files() {
            Ok(files) => files.to_vec(),
            Err(why) => {
                if why == Unusable::SdistOnly {
                    self.skip(name, version, why.clone());
                }
                return Ok(Err(why));
            }
        };
        let meta = match self.core_metadata(name, version, &files)? {
            Ok(m) => m,
            Err(reason) => return Ok(Err(reason)),
        };
        if let Some(rp) = &meta.requires_python {
            if !specifiers_contain(rp, self.options.environment.python()) {
                if let Some(split) = self.forks.on_requires_python(rp) {
                    return Err(Stop::Split(split));
                }
                return Ok(Err(Unusable::RequiresPython(rp.clone())));
            }
        }
        let mut deps = BTreeMap::new();
        let mut edges = Vec::new();
        if extra.is_some() {
            deps.insert(
                Pkg::Project(name.clone()),
                Ranges::singleton(version.clone()),
            );
        }
        let extras: Vec<ExtraName> = extra.into_iter().cloned().collect();
        let mut markers = Vec::new();
        for req in &meta.requires_dist {
            let active = self.options.applies(&req.marker, &extras);
            let in_base = extra.is_some()
                && self
                    .options
                    .environment
                    .applies_without(&req.marker, &extras);
            if !active || in_base {
                continue;
            }
            markers.push((req.name.clone(), without_extras(&req.marker, &extras)));
            for req in self.options.overridden(req) {
                if let Err(u) = self.add_requirement(&mut deps, pkg, version, req) {
                    return Ok(Err(u));
                }
                edges.push(SourcedRequirement::new(
                    req.clone(),
                    RequirementOrigin::Package {
                        name: name.clone(),
                        version: version.clone(),
                    },
                ));
            }
        }
        if let Some(split) = self.forks.on_markers(&markers) {
            return Err(Stop::Split(split));
        }
        self.edges
            .borrow_mut()
            .insert((pkg.clone(), version.clone()), edges);
        self.note_culprits(name, &deps);
        Ok(Ok(deps))
    }

    /// Counts the dependencies of a version of `name` whose range excludes the version
    /// already chosen for them, and asks for a restart when one culprit keeps doing it.
    fn note_culprits(&self, name: &PackageName, deps: &BTreeMap<Pkg, Ranges<Version>>) {
        let mut restart = self.restart.borrow_mut();
        if restart.count >= MAX_RESTARTS || restart.requested {
            return;
        }
        let mut culprit = None;
        for (dep, range) in deps {
            let Pkg::Project(dep) = dep else { continue };
            if dep == name {
                continue;
            }
            let Some(chosen) = restart.chosen.get(dep) else {
                continue;
            };
            if range.contains(chosen) {
                continue;
            }
            let key = (name.clone(), dep.clone());
            let hits = restart.hits.entry(key).or_default();
            *hits += 1;
            if *hits >= CULPRIT_HITS && !restart.late.contains(dep) && culprit.is_none() {
                culprit = Some(dep.clone());
            }
        }
        if let Some(culprit) = culprit {
            tracing::debug!(
                "{culprit} keeps excluding versions of {name}: restarting with {name} decided early and {culprit} late"
            );
            restart.early.insert(name.clone());
            restart.late.insert(culprit);
            restart.requested = true;
            restart.count += 1;
        }
    }

    fn root_dependencies(&self) -> Result<Deps, Stop<F::Split>> {
        let mut deps = BTreeMap::new();
        let mut edges = Vec::new();
        let mut markers = Vec::new();
        for root in self.roots {
            let req = &root.requirement;
            if !self.options.applies(&req.marker, &[]) {
                continue;
            }
            if let Err(why) = self.add_requirement(&mut deps, &Pkg::Root, &root_version(), req) {
                return Ok(Err(why));
            }
            markers.push((req.name.clone(), without_extras(&req.marker, &[])));
            edges.push(root.clone());
        }
        if let Some(split) = self.forks.on_markers(&markers) {
            return Err(Stop::Split(split));
        }
        self.edges
            .borrow_mut()
            .insert((Pkg::Root, root_version()), edges);
        Ok(Ok(deps))
    }

    fn resolution(
        &self,
        selected: HashMap<Pkg, Version>,
    ) -> Result<Resolution, Unsolved<F::Split>> {
        let mut packages: BTreeMap<PackageName, ResolvedPackage> = BTreeMap::new();
        for (pkg, version) in &selected {
            let Pkg::Project(name) = pkg else { continue };
            let map = self.version_map(name).map_err(|e| Unsolved::Index(e.0))?;
            let mut files = map
                .get(version)
                .map(|e| e.files.to_vec())
                .unwrap_or_default();
            files.sort_by(|a, b| a.url.cmp(&b.url));
            let metadata = self
                .metadata
                .borrow()
                .get(&(name.clone(), version.clone()))
                .cloned();
            packages.insert(
                name.clone(),
                ResolvedPackage {
                    name: name.clone(),
                    version: version.clone(),
                    files,
                    extras: Vec::new(),
                    dependents: Vec::new(),
                    metadata,
                    url: self.options.direct.get(name).map(|f| f.url.clone()),
                    skipped_newer: self.skipped.borrow().get(name).and_then(|skips| {
                        skips
                            .range(version..)
                            .next_back()
                            .filter(|(v, _)| *v > version)
                            .map(|(v, why)| (v.clone(), why.clone()))
                    }),
                    marker: MarkerTree::TRUE,
                },
            );
        }
        let edges = self.edges.borrow();
        self.forks.place(&selected, &edges, &mut packages);
        for (pkg, version) in &selected {
            let Some(list) = edges.get(&(pkg.clone(), version.clone())) else {
                continue;
            };
            for edge in list {
                let child_name = &edge.requirement.name;
                let Some(child) = packages.get_mut(child_name) else {
                    continue;
                };
                for extra in &edge.requirement.extras {
                    if selected.contains_key(&Pkg::Extra(child_name.clone(), extra.clone()))
                        && !child.extras.contains(extra)
                    {
                        child.extras.push(extra.clone());
                    }
                }
                child.dependents.push(edge.clone());
            }
        }
        for p in packages.values_mut() {
            p.extras.sort();
            p.dependents.sort_by_key(crate::resolution::dependent_order);
            p.dependents
                .dedup_by_key(|d| crate::resolution::dependent_order(d));
        }
        Ok(Resolution {
            packages: packages.into_values().collect(),
        })
    }
}

impl<F: Forking> Provider<'_, F> {
    /// Every version of every project seen, oldest first, for the report.
    fn available(&self) -> HashMap<PackageName, Vec<Version>> {
        let maps = self.maps.borrow();
        maps.iter()
            .map(|(n, m)| {
                let mut versions: Vec<Version> = m.versions().cloned().collect();
                versions.reverse();
                (n.clone(), versions)
            })
            .collect()
    }

    /// Once a package has been tried several times, fetch the metadata of the next
    /// [`BATCH_SIZE`] candidates at once instead of one round trip per backtrack.
    fn maybe_batch_prefetch(
        &self,
        name: &PackageName,
        map: &VersionMap,
        chosen: &Version,
        range: &Ranges<Version>,
    ) {
        let tries = {
            let mut tries = self.tries.borrow_mut();
            let t = tries.entry(name.clone()).or_default();
            *t += 1;
            *t
        };
        if tries != BATCH_AFTER && (tries < BATCH_AFTER || tries % BATCH_SIZE as u32 != 0) {
            return;
        }
        for (v, files) in map.usable_below(chosen, range).take(BATCH_SIZE) {
            let pick = Some((v.clone(), files));
            self.index.prefetch(name, Box::new(move |_| pick));
        }
    }
}

fn fatal(e: FetchError) -> ProviderError {
    match e {
        FetchError::Fatal(e) => ProviderError(e),
        FetchError::Unavailable(s) => ProviderError(s.clause(None).into()),
    }
}

impl<F: Forking> DependencyProvider for Provider<'_, F> {
    type P = Pkg;
    type V = Version;
    type VS = Ranges<Version>;
    type Priority = Priority;
    type M = Unusable;
    type Err = Stop<F::Split>;

    fn prioritize(
        &self,
        package: &Pkg,
        range: &Ranges<Version>,
        stats: &PackageResolutionStatistics,
    ) -> Priority {
        let Some(name) = package.name() else {
            return (u8::MAX, u8::MAX, Reverse(0));
        };
        // Packages that keep conflicting are decided early, so the solver stops
        // walking back through their old releases; culprits of earlier attempts late.
        let conflicts = {
            let restart = self.restart.borrow();
            if restart.late.contains(name) {
                0
            } else if stats.conflict_count() >= 5 || restart.early.contains(name) {
                2
            } else {
                1
            }
        };
        let singleton = u8::from(pinned_version(range).is_some());
        let order = self.order.borrow().get(name).copied().unwrap_or(u32::MAX);
        (conflicts, singleton, Reverse(order))
    }

    fn choose_version(
        &self,
        package: &Pkg,
        range: &Ranges<Version>,
    ) -> Result<Option<Version>, Stop<F::Split>> {
        let Some(name) = package.name() else {
            return Ok(Some(root_version()));
        };
        let map = self.version_map(name)?;
        let prereleases = {
            let chosen = &self.restart.borrow().chosen;
            self.requests
                .borrow()
                .rule(self.options.prerelease, name, range, |p, v| {
                    p.name().is_some_and(|n| chosen.get(n) == Some(v))
                })
        };
        let lowest = match self.options.resolution {
            ResolutionMode::Highest => false,
            ResolutionMode::Lowest => true,
            ResolutionMode::LowestDirect => self.roots.iter().any(|r| r.requirement.name == *name),
        };
        let chosen = map.choose(
            range,
            &prereleases,
            self.options.preferences.get(name),
            lowest,
        );
        if let Some(v) = &chosen {
            if let Some(Err(Unusable::RequiresPython(spec))) = map.get(v).map(|e| &e.usable) {
                if let Some(split) = self.forks.on_requires_python(spec) {
                    return Err(Stop::Split(split));
                }
            }
            self.maybe_batch_prefetch(name, &map, v, range);
            if let Pkg::Project(_) = package {
                self.restart
                    .borrow_mut()
                    .chosen
                    .insert(name.clone(), v.clone());
            }
        }
        tracing::debug!(
            "choose {package} {} -> {}",
            crate::ranges::range_text(range).unwrap_or_default(),
            chosen
                .as_ref()
                .map_or("none".to_string(), ToString::to_string)
        );
        Ok(chosen)
    }

    fn should_cancel(&self) -> Result<(), Stop<F::Split>> {
        if self.restart.borrow().requested {
            return Err(Stop::Restart);
        }
        Ok(())
    }

    fn get_dependencies(
        &self,
        package: &Pkg,
        version: &Version,
    ) -> Result<Dependencies<Pkg, Ranges<Version>, Unusable>, Stop<F::Split>> {
        let deps = match package {
            Pkg::Root => self.root_dependencies()?,
            Pkg::Project(name) => self.dependencies_of(package, name, None, version)?,
            Pkg::Extra(name, extra) => self.dependencies_of(package, name, Some(extra), version)?,
        };
        Ok(match deps {
            Ok(deps) => Dependencies::Available(deps.into_iter().collect()),
            Err(why) => Dependencies::Unavailable(why),
        })
    }
}
