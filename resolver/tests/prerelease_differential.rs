//! Differential test of the default pre-release rule (issue 21) against `packaging`.
//!
//! Generated release histories of one project, `demo` (finals, pre-releases, dev and post
//! releases), and generated specifiers over them. Each specifier is resolved by lockit's
//! resolver with the default policy on an in-memory index three ways: as the user's own
//! requirement (`demo<spec>`), through a dependency (the root requires `app`, whose only
//! release requires `demo<spec>`), and combined with a dependency's (the root requires
//! `demo<A>` and `mid`, whose only release requires `demo<B>`). The pin must be the newest
//! version `SpecifierSet(spec).filter(history)` keeps (`A,B` for the combined case: pip
//! intersects every requirement on a package into one set and filters once), and no
//! solution exactly where it keeps none.
//!
//! The generators are seeded: every run checks the same cases.

#[path = "differential/python.rs"]
mod python;
#[path = "differential/rng.rs"]
mod rng;

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Arc;

use lockit_resolver::{
    resolve, FetchError, Index, RequirementOrigin, ResolveError, ResolveOptions, SourcedRequirement,
};
use lockit_types::{
    CoreMetadata, DistFile, DistFilename, PackageName, Platform, ProjectFiles, Requirement, Target,
    Version, VersionSpecifiers,
};
use rng::Rng;
use serde_json::json;

/// An index of `demo`'s history and the few projects that require it.
#[derive(Default)]
struct MemoryIndex {
    projects: HashMap<PackageName, Arc<ProjectFiles>>,
    metadata: HashMap<(PackageName, Version), Arc<CoreMetadata>>,
}

impl MemoryIndex {
    /// Adds one release of `name` (a `py3-none-any` wheel) requiring `requires`.
    fn add(&mut self, name: &str, versions: &[String], requires: &[String]) {
        let n = PackageName::from_str(name).expect("name");
        let mut files = Vec::new();
        for version in versions {
            let v = Version::from_str(version).expect("generated version");
            let file = format!("{name}-{version}-py3-none-any.whl");
            let filename = DistFilename::parse(&file, &n).expect("wheel name");
            let url = format!("https://files.example/{file}");
            files.push(DistFile::unindexed(filename, url, Some("0".repeat(64))));
            let text = format!(
                "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{}",
                requires
                    .iter()
                    .map(|r| format!("Requires-Dist: {r}\n"))
                    .collect::<String>()
            );
            let meta = CoreMetadata::parse(text.as_bytes()).expect("metadata");
            self.metadata.insert((n.clone(), v), Arc::new(meta));
        }
        self.projects
            .insert(n.clone(), Arc::new(ProjectFiles::new(n, files)));
    }
}

impl Index for MemoryIndex {
    fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        Ok(self
            .projects
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::new(ProjectFiles::new(name.clone(), Vec::new()))))
    }

    fn metadata(
        &self,
        name: &PackageName,
        version: &Version,
        _files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        self.metadata
            .get(&(name.clone(), version.clone()))
            .cloned()
            .ok_or_else(|| FetchError::Fatal(format!("no metadata for {name} {version}").into()))
    }
}

/// A release history: a few release numbers, each with some of a final, pre-releases,
/// dev and post releases; normalized and oldest first.
fn gen_history(rng: &mut Rng) -> Vec<String> {
    let mut versions = BTreeSet::new();
    for major in 0..3 {
        for minor in 0..3 {
            if !rng.chance(55) {
                continue;
            }
            let base = if rng.chance(25) {
                format!("{major}.{minor}.1")
            } else {
                format!("{major}.{minor}")
            };
            let mut add = |suffix: &str| {
                versions.insert(Version::from_str(&format!("{base}{suffix}")).expect("version"));
            };
            if rng.chance(65) {
                add("");
            }
            if rng.chance(40) {
                add(rng.pick(&["a1", "b1", "b2", "rc1"]));
            }
            if rng.chance(20) {
                add(".dev0");
            }
            if rng.chance(20) {
                add(".post1");
            }
            if rng.chance(10) {
                add(rng.pick(&["a1.dev1", ".post1.dev0", "rc1.post1"]));
            }
        }
    }
    if versions.is_empty() {
        versions.insert(Version::from_str("1.0b1").expect("version"));
    }
    versions.iter().map(ToString::to_string).collect()
}

/// The history of issue 21's table.
fn issue_history() -> Vec<String> {
    [
        "1.0",
        "1.1",
        "2.0.dev1",
        "2.0b1",
        "2.0b2",
        "2.0",
        "2.0.post1",
        "2.0.1",
        "2.1.0rc1",
        "3.0.dev1",
        "3.0b1",
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

/// A version of the history, or one next to it.
fn gen_version(rng: &mut Rng, history: &[String]) -> Version {
    let v = Version::from_str(&history[rng.below(history.len())]).expect("history version");
    if rng.chance(55) {
        return v;
    }
    let mut release = v.release().to_vec();
    if rng.chance(30) {
        if let Some(last) = release.last_mut() {
            *last += 1;
        }
    }
    let plain = Version::new(release);
    let suffix = rng.pick(&["", "", "a1", "b2", "rc1", ".dev0", ".post1", ".post1.dev0"]);
    Version::from_str(&format!("{plain}{suffix}")).expect("nearby version")
}

/// One clause over the history.
fn gen_clause(rng: &mut Rng, history: &[String]) -> String {
    let v = gen_version(rng, history);
    match rng.pick(&["==", "!=", "<", "<=", ">", ">=", "~=", "==*", "!=*", "==="]) {
        op @ ("==*" | "!=*") => {
            let release = v.release();
            let parts = 1 + rng.below(release.len());
            let prefix: Vec<String> = release[..parts].iter().map(u64::to_string).collect();
            format!("{}{}.*", &op[..2], prefix.join("."))
        }
        "~=" => {
            let v = if v.release().len() < 2 {
                v.clone().with_release(vec![v.release()[0], 0])
            } else {
                v
            };
            format!("~={v}")
        }
        op => format!("{op}{v}"),
    }
}

fn gen_spec(rng: &mut Rng, history: &[String]) -> String {
    let n = 1 + usize::from(rng.chance(35));
    let clauses: Vec<String> = (0..n).map(|_| gen_clause(rng, history)).collect();
    clauses.join(",")
}

/// How a case puts its specifiers on `demo`.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// The user's own requirement.
    Direct,
    /// The only release of the user's `app` requires it.
    Dependency,
    /// The user requires `demo<A>` and `mid`, whose only release requires `demo<B>`.
    Combined,
}

struct Case {
    history: usize,
    kind: Kind,
    specs: Vec<String>,
}

fn root(text: &str) -> SourcedRequirement {
    SourcedRequirement::new(
        Requirement::from_str(text).expect("root requirement"),
        RequirementOrigin::Named("test".into()),
    )
}

/// lockit's pin of `demo` for `case`, `None` when nothing resolves.
fn lockit_pick(histories: &[Vec<String>], case: &Case, options: &ResolveOptions) -> Option<String> {
    let mut index = MemoryIndex::default();
    index.add("demo", &histories[case.history], &[]);
    let one = vec!["1.0".to_string()];
    let demo = |spec: &String| format!("demo{spec}");
    let roots = match case.kind {
        Kind::Direct => vec![root(&demo(&case.specs[0]))],
        Kind::Dependency => {
            index.add("app", &one, &[demo(&case.specs[0])]);
            vec![root("app")]
        }
        Kind::Combined => {
            index.add("mid", &one, &[demo(&case.specs[1])]);
            vec![root(&demo(&case.specs[0])), root("mid")]
        }
    };
    match resolve(&index, &roots, &[], options) {
        Ok(resolution) => {
            let name = PackageName::from_str("demo").expect("name");
            Some(resolution.get(&name)?.version.to_string())
        }
        Err(ResolveError::NoSolution(_)) => None,
        Err(e) => panic!("{case:?}: {e}", case = case.specs),
    }
}

#[test]
fn default_prerelease_rule_agrees_with_packaging() {
    const HISTORIES: usize = 12;
    const SPECS_PER_HISTORY: usize = 50;
    let mut rng = Rng(0x5eed_0021);
    let mut histories = vec![issue_history()];
    histories.extend((1..HISTORIES).map(|_| gen_history(&mut rng)));
    let mut cases = Vec::new();
    // Issue 21's table, then generated cases.
    for (kind, spec) in [
        (Kind::Dependency, "==3.0b1"),
        (Kind::Dependency, "<=2.0b2"),
        (Kind::Direct, ">2.0.1"),
        (Kind::Direct, "==2.1.*"),
    ] {
        cases.push(Case {
            history: 0,
            kind,
            specs: vec![spec.to_string()],
        });
    }
    for (h, history) in histories.iter().enumerate() {
        for _ in 0..SPECS_PER_HISTORY {
            let spec = gen_spec(&mut rng, history);
            for kind in [Kind::Direct, Kind::Dependency] {
                cases.push(Case {
                    history: h,
                    kind,
                    specs: vec![spec.clone()],
                });
            }
            cases.push(Case {
                history: h,
                kind: Kind::Combined,
                specs: vec![spec, gen_spec(&mut rng, history)],
            });
        }
    }
    let request = json!({
        "histories": histories,
        "cases": cases
            .iter()
            .map(|c| json!({ "history": c.history, "spec": c.specs.join(",") }))
            .collect::<Vec<_>>(),
    });
    let answer = python::ask("filter", &request);
    let answers = answer["cases"].as_array().expect("cases");
    let options = ResolveOptions::new(
        Target::new(
            "3.12",
            Platform::from_str("x86_64-manylinux_2_28").expect("platform"),
        )
        .expect("target"),
    );
    let mut mismatches = Vec::new();
    let mut checked = 0;
    let mut prereleases = 0;
    for (case, reference) in cases.iter().zip(answers) {
        let ours_valid = case
            .specs
            .iter()
            .all(|s| VersionSpecifiers::from_str(s).is_ok());
        let theirs_valid = reference["valid"].as_bool().unwrap_or(false);
        let what = format!(
            "{:?} {} over [{}]",
            case.kind,
            case.specs.join(" + "),
            histories[case.history].join(", ")
        );
        if ours_valid != theirs_valid {
            mismatches.push(format!(
                "{what}: lockit reads the specifiers: {ours_valid}, packaging: {theirs_valid}"
            ));
            continue;
        }
        if !ours_valid {
            continue;
        }
        checked += 1;
        let theirs = reference["newest"].as_str().map(str::to_string);
        if theirs
            .as_deref()
            .is_some_and(|v| Version::from_str(v).is_ok_and(|v| v.any_prerelease()))
        {
            prereleases += 1;
        }
        let ours = lockit_pick(&histories, case, &options);
        if ours != theirs {
            mismatches.push(format!(
                "{what}: lockit {}, packaging {}",
                ours.as_deref().unwrap_or("no solution"),
                theirs.as_deref().unwrap_or("nothing")
            ));
        }
    }
    eprintln!(
        "pre-release rule: {checked} cases checked against packaging {} ({prereleases} pick a pre-release)",
        python::PACKAGING
    );
    // The generators must reach the rule: many cases where packaging picks a pre-release.
    assert!(checked >= 1500, "only {checked} cases");
    assert!(prereleases >= 200, "only {prereleases} pick a pre-release");
    if !mismatches.is_empty() {
        if let Some(dir) = std::env::var_os("LOCKIT_DIFFERENTIAL_DUMP") {
            let path = std::path::Path::new(&dir).join("prerelease.txt");
            let _ = std::fs::write(path, mismatches.join("\n"));
        }
        let shown: Vec<&String> = mismatches.iter().take(20).collect();
        panic!(
            "{} of {checked} cases disagree with packaging {}; the first ones:\n  {}",
            mismatches.len(),
            python::PACKAGING,
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
}
