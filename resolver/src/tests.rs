//! Resolution on in-memory indexes.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use lockit_types::{
    CoreMetadata, DistFile, DistFilename, PackageName, Platform, ProjectFiles, Requirement, Target,
    Version, Yanked,
};

use crate::{
    resolve, BuildBan, BuildFailure, FetchError, FileProblem, Index, InvalidMetadata,
    PrereleaseMode, RequirementOrigin, ResolveError, ResolveOptions, SourcedRequirement, StaticGap,
    Unusable,
};

/// An index held in memory (shared with the fork tests).
#[derive(Default)]
pub(crate) struct MemoryIndex {
    projects: HashMap<PackageName, Vec<DistFile>>,
    metadata: HashMap<(PackageName, Version), Arc<CoreMetadata>>,
    /// Why the metadata of a release cannot be had (as the index client words it).
    problems: HashMap<(PackageName, Version), Unusable>,
    /// Releases whose metadata only a wheel tells without a build (their sdist's is
    /// dynamic, and building is off).
    wheel_metadata_only: std::collections::HashSet<(PackageName, Version)>,
}

fn name(s: &str) -> PackageName {
    PackageName::from_str(s).unwrap()
}

impl MemoryIndex {
    /// Adds `name==version` with a wheel tagged `tag`, depending on `deps`.
    pub(crate) fn add_tagged(
        &mut self,
        pkg: &str,
        version: &str,
        tag: &str,
        deps: &[&str],
    ) -> &mut DistFile {
        let n = name(pkg);
        let v = Version::from_str(version).unwrap();
        let filename = format!("{pkg}-{version}-{tag}.whl");
        let meta = format!(
            "Metadata-Version: 2.1\nName: {pkg}\nVersion: {version}\n{}",
            deps.iter()
                .map(|d| format!("Requires-Dist: {d}\n"))
                .collect::<String>()
        );
        let meta = CoreMetadata::parse(meta.as_bytes()).unwrap();
        self.metadata.insert((n.clone(), v), Arc::new(meta));
        let files = self.projects.entry(n.clone()).or_default();
        files.push(DistFile {
            filename: DistFilename::parse(&filename, &n).unwrap(),
            url: format!("https://files.example/{filename}"),
            sha256: Some(format!("{:064x}", files.len())),
            requires_python: None,
            yanked: Yanked::No,
            upload_time: None,
            size: None,
            core_metadata: Some(None),
            index: "https://files.example/simple/".into(),
        });
        files.last_mut().unwrap()
    }

    pub(crate) fn add(&mut self, pkg: &str, version: &str, deps: &[&str]) -> &mut DistFile {
        self.add_tagged(pkg, version, "py3-none-any", deps)
    }

    /// Adds `name==version` as an sdist whose metadata cannot be read without building
    /// it (a `setup.py` project), with the index client's wording of that.
    fn add_dynamic_sdist(&mut self, pkg: &str, version: &str) -> &mut DistFile {
        let n = name(pkg);
        let v = Version::from_str(version).unwrap();
        let filename = format!("{pkg}-{version}.tar.gz");
        let url = format!("https://files.example/packages/ab/cd/{filename}");
        self.problems.insert(
            (n.clone(), v),
            Unusable::NoMetadata(vec![FileProblem::NoStaticMetadata {
                file: url.clone(),
                gaps: vec![
                    StaticGap::PkgInfo(InvalidMetadata {
                        file: url.clone(),
                        wheel: false,
                        field: None,
                        problem: "`Requires-Dist` is dynamic (Metadata-Version 1.0): the sdist would have to be built".into(),
                    }),
                    StaticGap::NoPyproject,
                ],
            }]),
        );
        let files = self.projects.entry(n.clone()).or_default();
        files.push(DistFile {
            filename: DistFilename::parse(&filename, &n).unwrap(),
            url,
            sha256: Some(format!("{:064x}", files.len())),
            requires_python: None,
            yanked: Yanked::No,
            upload_time: None,
            size: None,
            core_metadata: None,
            index: "https://files.example/simple/".into(),
        });
        files.last_mut().unwrap()
    }
}

impl Index for MemoryIndex {
    fn project(&self, n: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        let files = self.projects.get(n).cloned().unwrap_or_default();
        Ok(Arc::new(ProjectFiles::new(n.clone(), files)))
    }

    fn metadata(
        &self,
        n: &PackageName,
        v: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        let key = (n.clone(), v.clone());
        if let Some(problem) = self.problems.get(&key) {
            return Err(FetchError::Unavailable(problem.clone()));
        }
        if self.wheel_metadata_only.contains(&key) && !files.iter().any(|f| f.filename.is_wheel()) {
            return Err(FetchError::Unavailable(Unusable::BuildForbidden(
                BuildBan::NoBuild,
            )));
        }
        self.metadata
            .get(&key)
            .cloned()
            .ok_or_else(|| FetchError::Unavailable(Unusable::unreadable("no metadata")))
    }
}

fn options() -> ResolveOptions {
    ResolveOptions::new(
        Target::new("3.12", Platform::from_str("x86_64-manylinux_2_28").unwrap()).unwrap(),
    )
}

pub(crate) fn roots(reqs: &[&str]) -> Vec<SourcedRequirement> {
    reqs.iter()
        .enumerate()
        .map(|(i, r)| {
            SourcedRequirement::new(
                Requirement::from_str(r).unwrap(),
                RequirementOrigin::File {
                    path: "requirements.in".into(),
                    line: i + 1,
                },
            )
        })
        .collect()
}

fn pins(
    index: &MemoryIndex,
    reqs: &[&str],
    options: &ResolveOptions,
) -> Result<Vec<String>, ResolveError> {
    let res = resolve(index, &roots(reqs), &[], options)?;
    Ok(res
        .packages
        .iter()
        .map(|p| format!("{}=={}", p.name, p.version))
        .collect())
}

#[test]
fn picks_newest_and_follows_dependencies() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["b>=1"]);
    idx.add("a", "2.0", &["b>=2"]);
    idx.add("b", "1.0", &[]);
    idx.add("b", "2.0", &[]);
    idx.add("b", "3.0", &[]);
    assert_eq!(
        pins(&idx, &["a"], &options()).unwrap(),
        ["a==2.0", "b==3.0"]
    );
}

#[test]
fn backtracks_on_conflict() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["c<2"]);
    idx.add("a", "2.0", &["c>=2"]);
    idx.add("d", "1.0", &["c<2"]);
    idx.add("c", "1.0", &[]);
    idx.add("c", "2.0", &[]);
    assert_eq!(
        pins(&idx, &["a", "d"], &options()).unwrap(),
        ["a==1.0", "c==1.0", "d==1.0"]
    );
}

#[test]
fn reports_conflict() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["c>=2"]);
    idx.add("d", "1.0", &["c<2"]);
    idx.add("c", "1.0", &[]);
    idx.add("c", "2.0", &[]);
    let err = pins(&idx, &["a", "d"], &options()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ResolveError::NoSolution(_)));
    assert!(text.contains('a') && text.contains('d'), "{text}");
}

#[test]
fn extras_add_their_requirements_at_the_same_version() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["b", "c; extra == 'x'"]);
    idx.add("a", "2.0", &["b"]);
    idx.add("b", "1.0", &[]);
    idx.add("c", "1.0", &[]);
    // a 2.0 has no extra `x`; asking for it must not pull `c`.
    assert_eq!(
        pins(&idx, &["a[x]"], &options()).unwrap(),
        ["a==2.0", "b==1.0"]
    );
    assert_eq!(
        pins(&idx, &["a[x]<2"], &options()).unwrap(),
        ["a==1.0", "b==1.0", "c==1.0"]
    );
}

#[test]
fn markers_are_evaluated_for_the_target() {
    let mut idx = MemoryIndex::default();
    idx.add(
        "a",
        "1.0",
        &[
            "win; sys_platform == 'win32'",
            "lin; sys_platform == 'linux'",
        ],
    );
    idx.add("win", "1.0", &[]);
    idx.add("lin", "1.0", &[]);
    assert_eq!(
        pins(&idx, &["a"], &options()).unwrap(),
        ["a==1.0", "lin==1.0"]
    );
}

#[test]
fn incompatible_wheels_and_python_are_skipped() {
    let mut idx = MemoryIndex::default();
    idx.add_tagged("a", "3.0", "cp311-cp311-manylinux_2_17_x86_64", &[]);
    idx.add("a", "2.0", &[]).requires_python = Some(">=3.13".parse().unwrap());
    idx.add_tagged("a", "1.0", "cp312-cp312-manylinux_2_17_x86_64", &[]);
    assert_eq!(pins(&idx, &["a"], &options()).unwrap(), ["a==1.0"]);
    let err = pins(&idx, &["a==3.0"], &options()).unwrap_err().to_string();
    assert!(err.contains("its wheels are for cp311"), "{err}");
}

#[test]
fn yanked_only_when_pinned_exactly() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &[]);
    idx.add("a", "2.0", &[]).yanked = Yanked::Yes("broken".into());
    assert_eq!(pins(&idx, &["a"], &options()).unwrap(), ["a==1.0"]);
    assert_eq!(pins(&idx, &["a==2.0"], &options()).unwrap(), ["a==2.0"]);
}

#[test]
fn prereleases_follow_policy() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &[]);
    idx.add("a", "2.0b1", &[]);
    idx.add("only", "1.0a1", &[]);
    let opts = options();
    assert_eq!(pins(&idx, &["a"], &opts).unwrap(), ["a==1.0"]);
    assert_eq!(pins(&idx, &["a>=2.0b1"], &opts).unwrap(), ["a==2.0b1"]);
    assert_eq!(pins(&idx, &["only"], &opts).unwrap(), ["only==1.0a1"]);
    // Only pre-releases in range: PEP 440 takes one (no final release satisfies `>1`);
    // uv's default wants an opt-in when the project has finals.
    assert_eq!(pins(&idx, &["a>1"], &opts).unwrap(), ["a==2.0b1"]);
    let mut uv = options();
    uv.prerelease = PrereleaseMode::IfNecessaryOrExplicit;
    let r = pins(&idx, &["a>1"], &uv);
    assert!(r.is_err(), "{r:?}");
    assert_eq!(pins(&idx, &["a>=2.0b1"], &uv).unwrap(), ["a==2.0b1"]);
    // uv's `explicit`: the user's opt-in only, not a project of pre-releases alone.
    let mut explicit = options();
    explicit.prerelease = PrereleaseMode::Explicit;
    assert_eq!(pins(&idx, &["a>=2.0b1"], &explicit).unwrap(), ["a==2.0b1"]);
    assert!(pins(&idx, &["only"], &explicit).is_err());
    let mut allow = options();
    allow.prerelease = PrereleaseMode::Allow;
    assert_eq!(pins(&idx, &["a"], &allow).unwrap(), ["a==2.0b1"]);
    let mut never = options();
    never.prerelease = PrereleaseMode::Disallow;
    assert!(pins(&idx, &["only"], &never).is_err());
}

/// Issue 21: a project's newest release pins `somedep==0.2.2b5`. lockit skipped that
/// release and fell back, without a word, to an older one with other pins; PEP 440 (pip,
/// uv) takes the pre-release a dependency names.
#[test]
fn regression_a_dependencys_pinned_prerelease_is_taken() {
    let mut idx = MemoryIndex::default();
    idx.add("proj", "1.0", &["somedep==0.1"]);
    idx.add("proj", "2.0", &["somedep==0.2.2b5"]);
    idx.add("somedep", "0.1", &[]);
    idx.add("somedep", "0.2.2b5", &[]);
    idx.add("somedep", "0.3", &[]);
    assert_eq!(
        pins(&idx, &["proj"], &options()).unwrap(),
        ["proj==2.0", "somedep==0.2.2b5"]
    );
    // uv's default looks at the user's own requirements only.
    let mut uv = options();
    uv.prerelease = PrereleaseMode::IfNecessaryOrExplicit;
    assert_eq!(
        pins(&idx, &["proj"], &uv).unwrap(),
        ["proj==1.0", "somedep==0.1"]
    );
}

/// pip intersects every requirement on a package into one specifier set and filters
/// once: one specifier that names a pre-release opts the package in, and pre-releases
/// are taken when no final release is left, whoever's requirements leave none.
#[test]
fn requirements_on_one_package_combine_into_one_prerelease_rule() {
    let mut idx = MemoryIndex::default();
    for v in ["1.0", "1.5", "2.0b1"] {
        idx.add("a", v, &[]);
    }
    idx.add("names", "1.0", &["a<=2.0b1"]);
    idx.add("narrows", "1.0", &["a>1.5"]);
    idx.add("finals", "1.0", &["a<2"]);
    let opts = options();
    // `a` is decided before `names` says anything: the solve revisits it.
    assert_eq!(
        pins(&idx, &["a>=1.0", "names"], &opts).unwrap(),
        ["a==2.0b1", "names==1.0"]
    );
    assert_eq!(
        pins(&idx, &["a>=1.0", "narrows"], &opts).unwrap(),
        ["a==2.0b1", "narrows==1.0"]
    );
    assert_eq!(
        pins(&idx, &["a", "finals"], &opts).unwrap(),
        ["a==1.5", "finals==1.0"]
    );
    // A constraint counts too.
    let constraints = roots(&["a<3.0rc1"]);
    let res = resolve(&idx, &roots(&["a"]), &constraints, &opts).unwrap();
    assert_eq!(res.get(&name("a")).unwrap().version.to_string(), "2.0b1");
}

/// Issue 21: `pymongo[nonexistent-extra]` resolved without a word; pip and uv warn.
#[test]
fn regression_an_unknown_extra_is_named_with_its_release() {
    let mut idx = MemoryIndex::default();
    idx.add("pymongo", "4.10.1", &["dnspython; extra == 'srv'"]);
    idx.add("dnspython", "2.7.0", &[]);
    let res = resolve(
        &idx,
        &roots(&["pymongo[srv,nonexistent-extra]"]),
        &[],
        &options(),
    )
    .unwrap();
    let pymongo = res.get(&name("pymongo")).unwrap();
    assert_eq!(
        pymongo.unknown_extra_warnings(),
        ["pymongo 4.10.1 does not provide the extra 'nonexistent-extra'"]
    );
    assert!(res.get(&name("dnspython")).is_some());
    assert!(res
        .get(&name("dnspython"))
        .unwrap()
        .unknown_extra_warnings()
        .is_empty());
}

#[test]
fn preferences_are_kept_when_they_fit() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &[]);
    idx.add("a", "2.0", &[]);
    let mut opts = options();
    opts.preferences
        .insert(name("a"), Version::from_str("1.0").unwrap());
    assert_eq!(pins(&idx, &["a"], &opts).unwrap(), ["a==1.0"]);
    assert_eq!(pins(&idx, &["a>1"], &opts).unwrap(), ["a==2.0"]);
}

#[test]
fn dependents_are_recorded() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["c>=1"]);
    idx.add("b", "1.0", &["c"]);
    idx.add("c", "1.0", &[]);
    let res = resolve(&idx, &roots(&["a", "b", "c"]), &[], &options()).unwrap();
    let c = res.get(&name("c")).unwrap();
    let keys: Vec<_> = c
        .dependents
        .iter()
        .map(crate::resolution::dependent_order)
        .collect();
    assert_eq!(
        keys,
        [
            (0, "requirements.in".into()),
            (1, "a".into()),
            (1, "b".into())
        ]
    );
}

#[test]
fn constraints_limit_without_adding() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["b"]);
    idx.add("b", "1.0", &[]);
    idx.add("b", "2.0", &[]);
    idx.add("z", "1.0", &[]);
    let cons = roots(&["b<2", "z==1.0"]);
    let res = resolve(&idx, &roots(&["a"]), &cons, &options()).unwrap();
    let got: Vec<_> = res
        .packages
        .iter()
        .map(|p| format!("{}=={}", p.name, p.version))
        .collect();
    assert_eq!(got, ["a==1.0", "b==1.0"]);
}

#[test]
fn direct_url_is_the_only_candidate() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["b>=1"]);
    idx.add("a", "2.0", &[]);
    idx.add("b", "1.0", &[]);
    // The URL's file is version 1.0 even though the index has 2.0.
    let file = idx.projects[&name("a")][0].clone();
    let mut opts = options();
    opts.direct.insert(name("a"), file.clone());
    let reqs = [format!("a @ {}", file.url)];
    let reqs: Vec<&str> = reqs.iter().map(String::as_str).collect();
    let res = resolve(&idx, &roots(&reqs), &[], &opts).unwrap();
    let a = res.get(&name("a")).unwrap();
    assert_eq!(a.version.to_string(), "1.0");
    assert_eq!(a.url.as_deref(), Some(file.url.as_str()));
    assert!(res.get(&name("b")).is_some());
    // Without the file registered, a URL requirement cannot be resolved.
    assert!(resolve(&idx, &roots(&reqs), &[], &options()).is_err());
}

/// Counts metadata requests per project.
struct Counting<'a> {
    inner: &'a MemoryIndex,
    asked: std::sync::Mutex<HashMap<PackageName, u32>>,
}

impl Index for Counting<'_> {
    fn project(&self, n: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        self.inner.project(n)
    }

    fn metadata(
        &self,
        n: &PackageName,
        v: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        *self.asked.lock().unwrap().entry(n.clone()).or_default() += 1;
        self.inner.metadata(n, v, files)
    }
}

#[test]
fn a_culprit_decided_early_does_not_make_the_solver_walk_every_release() {
    // `d` 3.0 is decided before `c` is seen, and every `c` needs `d<3` (python-dateutil and
    // botocore in airflow): the solve restarts with `c` early and `d` late instead of
    // trying all 40 releases of `c`.
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["d", "b"]);
    idx.add("b", "1.0", &["c"]);
    for minor in 0..40 {
        idx.add("c", &format!("1.{minor}"), &["d<3"]);
    }
    idx.add("d", "2.0", &[]);
    idx.add("d", "3.0", &[]);
    let counting = Counting {
        inner: &idx,
        asked: Default::default(),
    };
    let res = resolve(&counting, &roots(&["a"]), &[], &options()).unwrap();
    let got: Vec<String> = res
        .packages
        .iter()
        .map(|p| format!("{}=={}", p.name, p.version))
        .collect();
    assert_eq!(got, ["a==1.0", "b==1.0", "c==1.39", "d==2.0"]);
    let asked = counting.asked.lock().unwrap()[&name("c")];
    assert!(asked <= 10, "metadata of {asked} versions of c was read");
}

/// Regression (issue 13, cold airflow): the fifth culprit of one solve (`rich` 15 against
/// every `flask-limiter`) found the restart budget spent, so the solver walked all of
/// flask-limiter's releases and built an sdist that uv never builds. Each of twelve
/// independent culprits gets its restart.
#[test]
fn every_culprit_of_a_solve_gets_its_restart() {
    const PAIRS: usize = 12;
    let mut idx = MemoryIndex::default();
    let mut top: Vec<String> = Vec::new();
    for i in 0..PAIRS {
        top.push(format!("d{i}"));
        top.push(format!("b{i}"));
        idx.add(&format!("b{i}"), "1.0", &[&format!("c{i}")]);
        for minor in 0..40 {
            idx.add(
                &format!("c{i}"),
                &format!("1.{minor}"),
                &[&format!("d{i}<3")],
            );
        }
        idx.add(&format!("d{i}"), "2.0", &[]);
        idx.add(&format!("d{i}"), "3.0", &[]);
    }
    let top: Vec<&str> = top.iter().map(String::as_str).collect();
    idx.add("a", "1.0", &top);
    let counting = Counting {
        inner: &idx,
        asked: Default::default(),
    };
    let res = resolve(&counting, &roots(&["a"]), &[], &options()).unwrap();
    let asked = counting.asked.lock().unwrap();
    for i in 0..PAIRS {
        let c = res.get(&name(&format!("c{i}"))).unwrap();
        assert_eq!(c.version.to_string(), "1.39");
        let d = res.get(&name(&format!("d{i}"))).unwrap();
        assert_eq!(d.version.to_string(), "2.0");
        let read = asked[&name(&format!("c{i}"))];
        assert!(read <= 10, "metadata of {read} versions of c{i} was read");
    }
}

/// Counts which releases of a lazy project were decoded.
#[derive(Debug, Default)]
struct CountingSource {
    decoded: std::sync::Mutex<Vec<usize>>,
}

impl lockit_types::ReleaseSource for CountingSource {
    fn files(&self, release: usize) -> Vec<DistFile> {
        self.decoded.lock().unwrap().push(release);
        let version = format!("1.{release}");
        let n = name("big");
        let filename = format!("big-{version}-py3-none-any.whl");
        vec![DistFile {
            filename: DistFilename::parse(&filename, &n).unwrap(),
            url: format!("https://files.example/{filename}"),
            sha256: Some(format!("{release:064x}")),
            requires_python: None,
            yanked: Yanked::No,
            upload_time: None,
            size: None,
            core_metadata: None,
            index: "idx".into(),
        }]
    }
}

#[test]
fn choosing_a_version_decodes_only_the_releases_it_looks_at() {
    let source = Arc::new(CountingSource::default());
    let versions = (0..500)
        .map(|i| Version::from_str(&format!("1.{i}")).unwrap())
        .collect();
    let project = Arc::new(ProjectFiles::lazy(name("big"), versions, source.clone()));
    let map = crate::VersionMap::new(&project, &options());
    assert_eq!(map.versions().count(), 500);
    assert!(source.decoded.lock().unwrap().is_empty());
    let below = crate::ranges::specifiers_range(
        &lockit_types::VersionSpecifiers::from_str("<1.250").unwrap(),
    );
    let chosen = map.choose(
        &below,
        &crate::Prereleases::IfNoFinalIn(below.clone()),
        None,
        false,
    );
    assert_eq!(chosen, Some(Version::from_str("1.249").unwrap()));
    // Only the chosen release was judged; the 250 newer ones are outside the range.
    assert_eq!(*source.decoded.lock().unwrap(), [249]);
    let entry = map.get(&Version::from_str("1.249").unwrap()).unwrap();
    assert_eq!(entry.usable.as_ref().map(|f| f.len()), Ok(1));
}

/// Issue 12's examples, resolved: post-release bounds and arbitrary equality.
#[test]
fn post_release_bounds_pick_what_packaging_admits() {
    let mut idx = MemoryIndex::default();
    for v in ["1.0", "1.0.post1", "1.0.post2", "1.1", "1.1.post1"] {
        idx.add("demo", v, &[]);
    }
    idx.add("dateutil", "2.8.2", &[]);
    idx.add("dateutil", "2.9.0", &[]);
    idx.add("dateutil", "2.9.0.post0", &[]);
    idx.add("hidapi", "0.12.0.post1", &[]);
    idx.add("hidapi", "0.12.0.post2", &[]);
    let o = options();
    assert_eq!(pins(&idx, &["demo<1.1.post1"], &o).unwrap(), ["demo==1.1"]);
    assert_eq!(
        pins(&idx, &["demo>=1.0,<1.0.post2"], &o).unwrap(),
        ["demo==1.0.post1"]
    );
    assert_eq!(
        pins(&idx, &["dateutil<2.9.0.post0"], &o).unwrap(),
        ["dateutil==2.9.0"]
    );
    assert_eq!(
        pins(&idx, &["hidapi>=0.12.0.post1,<0.12.0.post2"], &o).unwrap(),
        ["hidapi==0.12.0.post1"]
    );
}

#[test]
fn arbitrary_equality_needs_the_published_spelling() {
    let mut idx = MemoryIndex::default();
    idx.add("six", "1.15.0", &[]);
    idx.add("six", "1.16.0", &[]);
    let o = options();
    assert!(matches!(
        pins(&idx, &["six===1.16"], &o),
        Err(ResolveError::NoSolution(_))
    ));
    assert_eq!(pins(&idx, &["six===1.16.0"], &o).unwrap(), ["six==1.16.0"]);
    // As a dependency's requirement too.
    idx.add("app", "1.0", &["six===1.16"]);
    assert!(pins(&idx, &["app"], &o).is_err());
}

// ---- reports fit one screen ----

/// A small deterministic generator, so that proptest's seed decides a whole registry.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The `j`th release of a long history: 0.0, 0.1, …, 0.19, 1.0, …
fn release(j: usize) -> String {
    format!("{}.{}", j / 20, j % 20)
}

/// A registry with long release histories: a chain p0 -> p1 -> … whose dependency
/// specifiers change every few releases, releases that are sdist-only with unreadable
/// metadata, built for other ABIs or platforms, for a newer Python, yanked, and
/// pre-releases in between; and requirements that likely conflict.
fn long_history_registry(
    seed: u64,
    packages: usize,
    history: usize,
    unusable_percent: u64,
) -> (MemoryIndex, Vec<String>, bool) {
    let mut rng = Rng(seed | 1);
    let mut idx = MemoryIndex::default();
    let lengths: Vec<usize> = (0..packages)
        .map(|_| 1 + rng.below(history as u64) as usize)
        .collect();
    for i in 0..packages {
        let pkg = format!("p{i}");
        let stride = 1 + rng.below(12) as usize;
        let mut dep = String::new();
        for j in 0..lengths[i] {
            let version = release(j);
            if j % stride == 0 && i + 1 < packages {
                let next = release(rng.below(lengths[i + 1] as u64) as usize);
                dep = match rng.below(3) {
                    0 => format!("p{}>={next}", i + 1),
                    1 => format!("p{}<{next}", i + 1),
                    _ => format!("p{}>={next},<{}", i + 1, release(lengths[i + 1])),
                };
            }
            let mut deps: Vec<String> = Vec::new();
            if !dep.is_empty() {
                deps.push(dep.clone());
            }
            if i + 2 < packages && rng.below(4) == 0 {
                deps.push(format!(
                    "p{}<{}",
                    i + 2,
                    release(rng.below(lengths[i + 2] as u64) as usize)
                ));
            }
            let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
            if rng.below(8) == 0 {
                idx.add(&pkg, &format!("{version}rc1"), &deps);
            }
            if rng.below(100) >= unusable_percent {
                let f = idx.add(&pkg, &version, &deps);
                if rng.below(20) == 0 {
                    f.yanked = Yanked::Yes("broken build".into());
                }
                continue;
            }
            match rng.below(5) {
                0 | 1 => {
                    idx.add_dynamic_sdist(&pkg, &version);
                }
                2 => {
                    let py = 6 + rng.below(6);
                    idx.add_tagged(
                        &pkg,
                        &version,
                        &format!("cp3{py}-cp3{py}-manylinux_2_17_x86_64"),
                        &deps,
                    );
                }
                3 => {
                    idx.add_tagged(&pkg, &version, "cp312-cp312-win_amd64", &deps);
                    idx.add_tagged(&pkg, &version, "cp312-cp312-macosx_11_0_arm64", &deps);
                }
                _ => {
                    idx.add(&pkg, &version, &deps).requires_python =
                        Some(">=3.13".parse().unwrap());
                }
            }
        }
    }
    let mut roots = vec![match rng.below(3) {
        0 => "p0".to_string(),
        1 => format!("p0>={}", release(rng.below(lengths[0] as u64) as usize)),
        _ => format!("p0<{}", release(1 + rng.below(lengths[0] as u64) as usize)),
    }];
    for _ in 0..rng.below(3) {
        let i = rng.below(packages as u64) as usize;
        let v = release(rng.below(lengths[i] as u64 + 2) as usize);
        roots.push(match rng.below(3) {
            0 => format!("p{i}<{v}"),
            1 => format!("p{i}>={v}"),
            _ => format!("p{i}=={v}"),
        });
    }
    (idx, roots, rng.below(6) == 0)
}

/// Checks one report against the budget and for what no report may contain.
fn assert_fits(report: &str) {
    let lines: Vec<&str> = report.lines().collect();
    assert!(
        lines.len() <= crate::REPORT_MAX_LINES,
        "{} lines:\n{report}",
        lines.len()
    );
    assert!(
        report.len() <= crate::REPORT_MAX_BYTES,
        "{} bytes:\n{report}",
        report.len()
    );
    for bad in [
        "://",
        "∞",
        "18446744073709551615",
        "try --refresh",
        "no usable metadata for `",
    ] {
        assert!(!report.contains(bad), "`{bad}` in\n{report}");
    }
    let mut seen = std::collections::HashSet::new();
    for line in lines.iter().map(|l| l.trim()) {
        assert!(seen.insert(line), "`{line}` twice in\n{report}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(40),
        ..proptest::test_runner::Config::default()
    })]

    /// Whatever the release history, a report fits one screen: at most 40 lines and
    /// 6 KB, no URL, no internal range bounds, no line twice.
    #[test]
    fn every_report_fits_one_screen(
        seed in proptest::prelude::any::<u64>(),
        packages in 2usize..7,
        history in 1usize..240,
        unusable in 0u64..90,
    ) {
        let (idx, reqs, only_binary) = long_history_registry(seed, packages, history, unusable);
        let reqs: Vec<&str> = reqs.iter().map(String::as_str).collect();
        let mut opts = options();
        opts.binary.only_binary_all = only_binary;
        if let Err(ResolveError::NoSolution(report)) = resolve(&idx, &roots(&reqs), &[], &opts) {
            let text = report.to_string();
            if std::env::var_os("LOCKIT_REPORT_STATS").is_some() {
                eprintln!("STATS {} {}", text.lines().count(), text.len());
                if text.lines().count() > 12 { eprintln!("{text}"); }
            }
            assert_fits(&text);
        }
    }
}

#[test]
fn a_decade_of_unreadable_releases_is_one_sentence() {
    let mut idx = MemoryIndex::default();
    for j in 0..42 {
        idx.add_dynamic_sdist("tornado", &release(j));
    }
    for j in 42..60 {
        idx.add("tornado", &release(j), &[]);
    }
    idx.add("server", "1.0", &["tornado"]);
    let err = resolve(&idx, &roots(&["server", "tornado<2.2"]), &[], &options()).unwrap_err();
    let text = err.to_string();
    assert_fits(&text);
    assert!(
        text.contains(
            "the 42 releases of tornado before 2.2 have only sdists without static metadata"
        ),
        "{text}"
    );
    // The detail once, for the newest of them, with the file name and not its URL.
    assert_eq!(text.matches("tornado-2.1.tar.gz").count(), 1, "{text}");
    assert!(!text.contains("--refresh"), "{text}");
}

#[test]
fn prerelease_hint_only_when_prereleases_resolve() {
    // Every final release of a from 1.0 needs b>=2, which the user rules out; the
    // pre-releases between them need it too, so allowing them would not help.
    let mut idx = MemoryIndex::default();
    for j in 0..20 {
        idx.add("a", &release(j), &["b"]);
    }
    for j in 20..60 {
        idx.add("a", &format!("{}rc1", release(j)), &["b>=2"]);
        idx.add("a", &release(j), &["b>=2"]);
    }
    idx.add("b", "1.0", &[]);
    idx.add("b", "2.0", &[]);
    let err = resolve(&idx, &roots(&["a>=1.0", "b<2"]), &[], &options()).unwrap_err();
    let text = err.to_string();
    assert_fits(&text);
    assert!(!text.contains("pre-release"), "{text}");
    assert!(
        text.contains("every a release from 1.0 depends on b>=2"),
        "{text}"
    );
    // Where only a pre-release is left and it resolves, the hint stays (under uv's rule:
    // PEP 440's takes that pre-release).
    let mut idx = MemoryIndex::default();
    idx.add("c", "1.0", &[]);
    idx.add("c", "2.0rc1", &[]);
    assert_eq!(pins(&idx, &["c>=1.5"], &options()).unwrap(), ["c==2.0rc1"]);
    let mut uv = options();
    uv.prerelease = PrereleaseMode::IfNecessaryOrExplicit;
    let err = resolve(&idx, &roots(&["c>=1.5"]), &[], &uv).unwrap_err();
    assert!(
        err.to_string()
            .contains("hint: only pre-releases of c match c>=1.5"),
        "{err}"
    );
}

/// A newer release whose metadata could not be built is skipped, never silently: the
/// older pin says which release was skipped and why, and a pin on it gets a report that
/// names the build and what to do.
#[test]
fn a_release_that_could_not_be_built_is_named_beside_the_older_pin() {
    let mut idx = MemoryIndex::default();
    idx.add("dyn", "1.0", &[]);
    idx.add("dyn", "2.0", &[]);
    idx.add("app", "1.0", &["dyn"]);
    let why = "`prepare_metadata_for_build_wheel` failed (exit status 1): RuntimeError: boom";
    idx.problems.insert(
        (name("dyn"), Version::from_str("2.0").unwrap()),
        Unusable::BuildFailed(BuildFailure::new(why)),
    );
    let res = resolve(&idx, &roots(&["app"]), &[], &options()).unwrap();
    let dyn_pin = res.get(&name("dyn")).unwrap();
    assert_eq!(dyn_pin.version.to_string(), "1.0");
    assert_eq!(
        dyn_pin.skipped_warning().unwrap(),
        format!(
            "dyn 2.0 was skipped (building its metadata failed: {why}); dyn 1.0 is pinned instead"
        )
    );
    assert_eq!(res.get(&name("app")).unwrap().skipped_warning(), None);

    let Err(ResolveError::NoSolution(report)) =
        resolve(&idx, &roots(&["dyn==2.0"]), &[], &options())
    else {
        panic!("dyn==2.0 cannot be built")
    };
    let text = report.to_string();
    assert!(
        text.contains(&format!("dyn 2.0 could not be built ({why})")),
        "{text}"
    );
    assert!(
        text.contains("pass --no-build-package dyn to skip building it"),
        "{text}"
    );

    idx.problems.insert(
        (name("dyn"), Version::from_str("2.0").unwrap()),
        Unusable::BuildForbidden(BuildBan::NoBuild),
    );
    let res = resolve(&idx, &roots(&["dyn"]), &[], &options()).unwrap();
    assert_eq!(
        res.get(&name("dyn")).unwrap().skipped_warning().unwrap(),
        "dyn 2.0 was skipped (its metadata must be built from the sdist, and --no-build forbids building it); dyn 1.0 is pinned instead"
    );
    let Err(ResolveError::NoSolution(report)) =
        resolve(&idx, &roots(&["dyn==2.0"]), &[], &options())
    else {
        panic!("dyn==2.0 may not be built")
    };
    let text = report.to_string();
    // The fact's own clause is closed by a comma before the next fact.
    assert!(
        text.contains(
            "dyn 2.0 has only an sdist whose metadata must be built, which --no-build forbids, and you require"
        ),
        "{text}"
    );
}

/// Regression (pandas 1.5.3 on Python 3.12, whose sdist needs a build and whose wheels
/// are for older Pythons): a release usable only as an sdist reads its metadata from a
/// wheel built for another target, as uv does, instead of building the sdist.
#[test]
fn an_sdist_only_release_reads_a_wheel_for_another_target_rather_than_building() {
    let mut idx = MemoryIndex::default();
    idx.add_tagged("pd", "1.5", "cp310-cp310-manylinux_2_17_x86_64", &["dep"]);
    idx.add_dynamic_sdist("pd", "1.5");
    let v = Version::from_str("1.5").unwrap();
    idx.problems.remove(&(name("pd"), v.clone()));
    idx.wheel_metadata_only.insert((name("pd"), v));
    idx.add("dep", "1.0", &[]);
    assert_eq!(
        pins(&idx, &["pd"], &options()).unwrap(),
        ["dep==1.0", "pd==1.5"]
    );
}

/// Never a silent downgrade: under `--only-binary`, a pin older than a release published
/// only as an sdist says which release was passed over and why.
#[test]
fn only_binary_names_the_newer_sdist_only_release_it_passed_over() {
    let mut idx = MemoryIndex::default();
    idx.add("lib", "1.0", &[]);
    idx.add_dynamic_sdist("lib", "2.0");
    let mut opts = options();
    opts.binary.only_binary.insert(name("lib"));
    let res = resolve(&idx, &roots(&["lib"]), &[], &opts).unwrap();
    let lib = res.get(&name("lib")).unwrap();
    assert_eq!(lib.version.to_string(), "1.0");
    assert_eq!(
        lib.skipped_warning().unwrap(),
        "lib 2.0 was skipped (it is published only as an sdist, and --only-binary forbids sdists); lib 1.0 is pinned instead"
    );
    // Without --only-binary there is nothing to say about an older pin chosen for another reason.
    let res = resolve(&idx, &roots(&["lib<2"]), &[], &options()).unwrap();
    assert_eq!(res.get(&name("lib")).unwrap().skipped_warning(), None);
}

/// An index with latency counted in round trips: what is asked for while the resolver has
/// waited `t` round trips arrives at `t + 1`. Blocking reads wait for what they need;
/// prefetches, and the crawls they start, go on in between, as the index client's tasks
/// do. `now` ends as the number of round trips the resolver sat through in series.
struct RoundTrips<'a> {
    inner: &'a MemoryIndex,
    clock: std::sync::Mutex<Clock>,
}

#[derive(Default)]
struct Clock {
    now: u32,
    /// When each page and each version's metadata arrives (or arrived).
    pages: HashMap<PackageName, u32>,
    metadata: HashMap<(PackageName, Version), u32>,
    /// Prefetches waiting for their page, then for their metadata.
    for_page: Vec<(PackageName, crate::CandidateHint, Option<crate::Crawl>)>,
    for_metadata: Vec<((PackageName, Version), crate::Crawl)>,
}

impl Clock {
    fn ask_page(&mut self, name: &PackageName) -> u32 {
        let at = self.now + 1;
        *self.pages.entry(name.clone()).or_insert(at)
    }

    fn ask_metadata(&mut self, key: &(PackageName, Version)) -> u32 {
        let at = self.now + 1;
        *self.metadata.entry(key.clone()).or_insert(at)
    }

    /// Moves every prefetch whose page or metadata has arrived one step on.
    fn settle(&mut self, index: &MemoryIndex) {
        loop {
            let mut moved = false;
            for (name, hint, crawl) in std::mem::take(&mut self.for_page) {
                if self.pages[&name] > self.now {
                    self.for_page.push((name, hint, crawl));
                    continue;
                }
                moved = true;
                let project = index.project(&name).unwrap();
                if let Some((version, _)) = hint(&project) {
                    let key = (name, version);
                    self.ask_metadata(&key);
                    if let Some(crawl) = crawl {
                        self.for_metadata.push((key, crawl));
                    }
                }
            }
            for (key, crawl) in std::mem::take(&mut self.for_metadata) {
                if self.metadata[&key] > self.now {
                    self.for_metadata.push((key, crawl));
                    continue;
                }
                moved = true;
                if let Ok(meta) = index.metadata(&key.0, &key.1, &[]) {
                    for (child, hint, then) in (crawl.0)(&meta) {
                        self.ask_page(&child);
                        self.for_page.push((child, hint, Some(then)));
                    }
                }
            }
            if !moved {
                return;
            }
        }
    }

    fn wait_until(&mut self, at: u32, index: &MemoryIndex) {
        while self.now < at {
            self.now += 1;
            self.settle(index);
        }
    }
}

impl RoundTrips<'_> {
    fn prefetch_with(
        &self,
        name: &PackageName,
        hint: crate::CandidateHint,
        then: Option<crate::Crawl>,
    ) {
        let mut clock = self.clock.lock().unwrap();
        clock.ask_page(name);
        clock.for_page.push((name.clone(), hint, then));
        clock.settle(self.inner);
    }

    fn now(&self) -> u32 {
        self.clock.lock().unwrap().now
    }
}

impl Index for RoundTrips<'_> {
    fn project(&self, n: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        let mut clock = self.clock.lock().unwrap();
        let at = clock.ask_page(n);
        clock.wait_until(at, self.inner);
        self.inner.project(n)
    }

    fn metadata(
        &self,
        n: &PackageName,
        v: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        let mut clock = self.clock.lock().unwrap();
        let at = clock.ask_metadata(&(n.clone(), v.clone()));
        clock.wait_until(at, self.inner);
        self.inner.metadata(n, v, files)
    }

    fn prefetch(&self, name: &PackageName, hint: crate::CandidateHint) {
        self.prefetch_with(name, hint, None);
    }

    fn prefetch_deep(&self, name: &PackageName, hint: crate::CandidateHint, then: crate::Crawl) {
        self.prefetch_with(name, hint, Some(then));
    }
}

/// Regression (issue 15): a cold conflict waited about ten seconds for its fix. The
/// search's solves went through an index wrapper that dropped the deep crawl, a moved pin
/// prefetched 16 releases counting from the newest (so the older ones it tried came one
/// round trip each), and nothing the candidate solves would read was asked for before
/// they ran. Shaped like `pandas==2.2.3` + `numpy<1.22`: the fix (an older pin, whose
/// dependencies the first solve never saw) must cost a few round trips, not one per read.
#[test]
fn the_fix_search_prefetches_what_its_solves_read() {
    let mut idx = MemoryIndex::default();
    for minor in 0..10 {
        idx.add(
            "pandas",
            &format!("2.{minor}"),
            &["numpy>=1.26", "dateutil>=2"],
        );
    }
    // Twelve releases newer than the pin, as pandas 2.2.3 has.
    for minor in 0..8 {
        idx.add(
            "pandas",
            &format!("3.{minor}"),
            &["numpy>=2", "dateutil>=2"],
        );
    }
    for minor in 0..5 {
        idx.add("pandas", &format!("1.{minor}"), &["numpy>=1.20", "oldtz"]);
    }
    for v in ["1.20", "1.21", "1.26"] {
        idx.add("numpy", v, &[]);
    }
    idx.add("numpy", "2.0", &["openblas"]);
    idx.add("openblas", "1.0", &[]);
    idx.add("dateutil", "2.0", &["six"]);
    idx.add("six", "1.0", &[]);
    idx.add("oldtz", "1.0", &["oldtzdata"]);
    idx.add("oldtzdata", "1.0", &[]);
    let index = RoundTrips {
        inner: &idx,
        clock: Default::default(),
    };
    let reqs = roots(&["pandas==2.5", "numpy<1.22"]);
    let solved_once = {
        let first = RoundTrips {
            inner: &idx,
            clock: Default::default(),
        };
        assert!(crate::solve(&first, &reqs, &[], &options()).is_err());
        first.now()
    };
    let Err(ResolveError::NoSolution(report)) = resolve(&index, &reqs, &[], &options()) else {
        panic!("pandas 2.5 needs a numpy the input forbids");
    };
    let text = report.to_string();
    assert!(
        text.contains("`pandas==1.4`: resolves with pandas 1.4, numpy 1.21"),
        "{text}"
    );
    // Five reads that wait on each other: pandas 1.4's metadata, then the page and the
    // metadata of oldtz, then of oldtzdata. Everything else arrives alongside.
    let search = index.now() - solved_once;
    assert!(
        search <= 5,
        "the fix search waited {search} round trips in series (the first solve {solved_once})\n{text}"
    );
}

/// Regression (issue 15): the prefetch guess for `numpy<1.22` was 1.21.6, which needs
/// Python <3.11; the solver rejects it (and 1.21.5 to 1.21.2) without reading anything and
/// then waited a round trip for 1.21.1, which nothing had asked for.
#[test]
fn the_prefetch_guess_skips_releases_the_target_cannot_use() {
    let mut idx = MemoryIndex::default();
    idx.add("numpy", "1.21.1", &[]);
    for patch in 2..7 {
        idx.add("numpy", &format!("1.21.{patch}"), &[])
            .requires_python = Some(lockit_types::VersionSpecifiers::from_str("<3.11").unwrap());
    }
    idx.add("numpy", "2.0", &[]);
    let project = idx.project(&name("numpy")).unwrap();
    let map = crate::VersionMap::new(&project, &options());
    let below =
        crate::specifiers_range(&lockit_types::VersionSpecifiers::from_str("<1.22").unwrap());
    let (guess, files) =
        crate::candidates::best_candidate(&map, &name("numpy"), &below, &options()).unwrap();
    assert_eq!(guess.to_string(), "1.21.1");
    assert_eq!(files.len(), 1);
    let none = crate::specifiers_range(
        &lockit_types::VersionSpecifiers::from_str(">1.21.1,<1.22").unwrap(),
    );
    assert!(crate::candidates::best_candidate(&map, &name("numpy"), &none, &options()).is_none());
}

/// Counts what the fix search tells the index, for a progress display.
struct Watching<'a> {
    inner: &'a MemoryIndex,
    told: std::sync::Mutex<Vec<usize>>,
}

impl Index for Watching<'_> {
    fn project(&self, n: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        self.inner.project(n)
    }

    fn metadata(
        &self,
        n: &PackageName,
        v: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        self.inner.metadata(n, v, files)
    }

    fn searching_fix(&self, tried: usize) {
        self.told.lock().unwrap().push(tried);
    }
}

/// Regression (issue 15): the progress line said nothing while the fix search ran. The
/// search tells its index before each solve, through the time-bounded wrapper.
#[test]
fn the_fix_search_tells_the_index_how_far_it_got() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["c>=2"]);
    idx.add("a", "0.9", &[]);
    idx.add("c", "1.0", &[]);
    idx.add("c", "2.0", &[]);
    let watching = Watching {
        inner: &idx,
        told: Default::default(),
    };
    assert!(resolve(&watching, &roots(&["a==1.0", "c<2"]), &[], &options()).is_err());
    let told = watching.told.lock().unwrap().clone();
    assert!(!told.is_empty());
    assert_eq!(told, (0..told.len()).collect::<Vec<_>>());
    // A resolution that succeeds searches for nothing.
    let quiet = Watching {
        inner: &idx,
        told: Default::default(),
    };
    resolve(&quiet, &roots(&["a"]), &[], &options()).unwrap();
    assert!(quiet.told.lock().unwrap().is_empty());
}

#[test]
fn outdated_gives_each_pin_the_newest_release_and_why_it_is_older() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["b<2"]);
    idx.add("b", "1.0", &[]);
    idx.add("b", "2.0", &[]);
    idx.add("c", "1.0", &[]);
    idx.add("c", "1.1", &[]);
    let mut opts = options();
    opts.preferences
        .insert(name("c"), Version::from_str("1.0").unwrap());
    let list = crate::outdated(&idx, &roots(&["a", "c"]), &[], &opts, None).unwrap();
    let shown: Vec<String> = list
        .iter()
        .map(|o| {
            let newest = o
                .newest
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!(
                "{} {} {newest} {}",
                o.name,
                o.version,
                o.reason.clone().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(shown[0], "a 1.0 1.0 ");
    assert_eq!(shown[1], "b 1.0 2.0 excluded by a 1.0 (b<2)");
    assert!(
        shown[2].starts_with("c 1.0 1.1 allowed, and it resolves too"),
        "{}",
        shown[2]
    );
    assert!(crate::outdated_text(&list).ends_with("1 of 3 pins are the newest release.\n"));
}

/// `--resolution`: `lowest` takes the oldest release that fits for every package,
/// `lowest-direct` only for the inputs' own requirements, `highest` the newest.
#[test]
fn resolution_modes_pick_oldest_or_newest_as_uv_does() {
    let mut index = MemoryIndex::default();
    index.add("app", "1.0", &["lib>=1.0"]);
    index.add("app", "2.0", &["lib>=1.1"]);
    for v in ["1.0", "1.1", "2.0"] {
        index.add("lib", v, &[]);
    }
    let with = |mode| {
        let mut o = options();
        o.resolution = mode;
        pins(&index, &["app>=1.0"], &o).unwrap()
    };
    assert_eq!(
        with(crate::ResolutionMode::Highest),
        ["app==2.0", "lib==2.0"]
    );
    assert_eq!(
        with(crate::ResolutionMode::Lowest),
        ["app==1.0", "lib==1.0"]
    );
    assert_eq!(
        with(crate::ResolutionMode::LowestDirect),
        ["app==1.0", "lib==2.0"]
    );
}
