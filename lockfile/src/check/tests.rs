//! What the checks find, on small in-memory locks: a world of two packages (`a` requires
//! `b`) on an in-memory index, a fresh resolution of `a>=1,<2`, and the lock `lockit
//! resolve` writes for it, edited the ways locks go stale or get edited by hand.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use lockit_resolver::{
    FetchError, Index, Resolution, ResolveOptions, ResolvedPackage, ResolverEnvironment,
    UniversalSpace,
};
use lockit_types::{
    CoreMetadata, DistFile, DistFilename, PackageName, Platform, ProjectFiles, Requirement,
    RequirementOrigin, SourcedRequirement, Target, Version,
};
use pep508_rs::MarkerTree;

use super::*;
use crate::{parse_lock, render, to_lock, Inputs, KeptHashes, ParsedLock, RequirementsFile};

const LOCK: &str = "requirements.txt";

fn name(s: &str) -> PackageName {
    PackageName::from_str(s).expect("valid name")
}

fn version(s: &str) -> Version {
    Version::from_str(s).expect("valid version")
}

/// A hash made of one repeated hex digit, so tests can tell files apart at a glance.
fn sha(digit: char) -> String {
    digit.to_string().repeat(64)
}

fn file(filename: &str, digit: char) -> DistFile {
    let project = name(filename.split('-').next().expect("a name"));
    DistFile::unindexed(
        DistFilename::parse(filename, &project).expect("valid filename"),
        format!("https://files.example/{filename}"),
        Some(sha(digit)),
    )
}

/// `a` 1.0 (requires `b`), `a` 2.0, `b` 1.0 (a wheel and an sdist), `c` 1.0.
struct World {
    projects: HashMap<PackageName, Vec<DistFile>>,
    metadata: HashMap<(PackageName, Version), Arc<CoreMetadata>>,
}

impl World {
    fn new() -> World {
        let mut world = World {
            projects: HashMap::new(),
            metadata: HashMap::new(),
        };
        world.add("a", "1.0", &[("a-1.0-py3-none-any.whl", '1')], &["b"]);
        world.add("a", "2.0", &[("a-2.0-py3-none-any.whl", '2')], &["b"]);
        world.add(
            "b",
            "1.0",
            &[("b-1.0-py3-none-any.whl", 'b'), ("b-1.0.tar.gz", 'c')],
            &[],
        );
        world.add("c", "1.0", &[("c-1.0-py3-none-any.whl", 'd')], &[]);
        world
    }

    fn add(&mut self, pkg: &str, v: &str, files: &[(&str, char)], requires: &[&str]) {
        let files = files.iter().map(|(f, digit)| file(f, *digit));
        self.projects.entry(name(pkg)).or_default().extend(files);
        let mut text = format!("Metadata-Version: 2.1\nName: {pkg}\nVersion: {v}\n");
        for r in requires {
            text.push_str(&format!("Requires-Dist: {r}\n"));
        }
        let meta = CoreMetadata::parse(text.as_bytes()).expect("valid metadata");
        self.metadata
            .insert((name(pkg), version(v)), Arc::new(meta));
    }

    fn files(&self, pkg: &str, v: &str) -> Vec<DistFile> {
        self.projects[&name(pkg)]
            .iter()
            .filter(|f| f.filename.version() == &version(v))
            .cloned()
            .collect()
    }

    /// The resolution of `a>=1,<2`: `a` 1.0 for the input, `b` 1.0 for `a`.
    fn fresh(&self, inputs: &Inputs) -> Resolution {
        let by_a = SourcedRequirement::new(
            Requirement::from_str("b").expect("valid requirement"),
            RequirementOrigin::Package {
                name: name("a"),
                version: version("1.0"),
            },
        );
        Resolution {
            packages: vec![
                self.pinned("a", "1.0", inputs.requirements.clone()),
                self.pinned("b", "1.0", vec![by_a]),
            ],
        }
    }

    fn pinned(&self, pkg: &str, v: &str, dependents: Vec<SourcedRequirement>) -> ResolvedPackage {
        ResolvedPackage {
            name: name(pkg),
            version: version(v),
            files: self.files(pkg, v),
            extras: Vec::new(),
            dependents,
            metadata: self.metadata.get(&(name(pkg), version(v))).cloned(),
            url: None,
            skipped_newer: None,
            marker: MarkerTree::TRUE,
        }
    }
}

impl Index for World {
    fn project(&self, n: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        let files = self.projects.get(n).cloned().unwrap_or_default();
        Ok(Arc::new(ProjectFiles::new(n.clone(), files)))
    }

    fn metadata(
        &self,
        n: &PackageName,
        v: &Version,
        _files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        self.metadata
            .get(&(n.clone(), v.clone()))
            .cloned()
            .ok_or_else(|| {
                FetchError::Unavailable(lockit_resolver::Unusable::unreadable("no metadata"))
            })
    }
}

fn inputs(text: &str) -> Inputs {
    let file = RequirementsFile::parse(text, Path::new("requirements.in")).expect("valid input");
    Inputs {
        requirements: file.requirements.clone(),
        constraints: file.constraints.clone(),
        ..Inputs::default()
    }
}

fn options() -> ResolveOptions {
    let platform = Platform::from_str("x86_64-manylinux_2_28").expect("valid platform");
    ResolveOptions::new(Target::new("3.12", platform).expect("valid target"))
}

/// The lock `lockit resolve` writes for `fresh` (no header).
fn written(fresh: &Resolution) -> String {
    render(&to_lock(fresh, None, &KeptHashes::default()))
}

/// Everything one check needs, owned, so each test states only what differs.
struct Case {
    world: World,
    inputs: Inputs,
    options: ResolveOptions,
    fresh: Resolution,
    text: String,
    lock: ParsedLock,
    editables: HashMap<PackageName, String>,
}

impl Case {
    /// The two-package world, its resolution, and the lock written for it, passed
    /// through `edit` (what a person or time did to it).
    fn new(edit: impl Fn(String) -> String) -> Case {
        let world = World::new();
        let inputs = inputs("a>=1,<2\n");
        let fresh = world.fresh(&inputs);
        let text = edit(written(&fresh));
        let lock = parse_lock(&text).expect("the lock reads back");
        Case {
            world,
            inputs,
            options: options(),
            fresh,
            text,
            lock,
            editables: HashMap::new(),
        }
    }

    fn check(&self) -> LockCheck<'_> {
        LockCheck {
            lock: &self.lock,
            lock_name: LOCK,
            text: &self.text,
            inputs: &self.inputs,
            options: &self.options,
            index: &self.world,
            style: Default::default(),
            editables: &self.editables,
        }
    }

    fn against(&self) -> Vec<Finding> {
        self.check().against(&self.fresh)
    }

    /// The offline findings, and the pins whose hashes it could not check.
    fn offline(&self) -> (Vec<String>, Vec<String>) {
        let (findings, unchecked) = self.check().offline();
        (summary(&findings), unchecked)
    }
}

/// What was done to the lock, how, and the findings expected (see [`summary`]).
type Edit = (&'static str, fn(String) -> String, Vec<&'static str>);

/// Each finding as `kind line: message`, to compare whole reports at once.
fn summary(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let line = f.line.map(|l| l.to_string()).unwrap_or_default();
            format!("{:?} {}:{line}: {}", f.kind, f.file, f.message)
        })
        .collect()
}

#[test]
fn the_lock_resolve_writes_has_no_findings() {
    let case = Case::new(|t| t);
    assert_eq!(
        case.text,
        format!(
            "a==1.0 \\\n    --hash=sha256:{}\n    # via -r requirements.in\nb==1.0 \\\n    --hash=sha256:{} \\\n    --hash=sha256:{}\n    # via a\n",
            sha('1'),
            sha('b'),
            sha('c')
        ),
        "the fixture the other tests edit"
    );
    assert_eq!(summary(&case.against()), Vec::<String>::new());
    assert_eq!(case.offline(), (vec![], vec![]));
    assert_eq!(
        summary(&missing_hashes(&case.lock, LOCK)),
        Vec::<String>::new()
    );
}

#[test]
fn online_findings_name_what_changed_and_where() {
    let cases: [Edit; 5] = [
        (
            "a pin the inputs no longer admit",
            |t| t.replace("a==1.0", "a==2.0").replace(&sha('1'), &sha('2')),
            vec!["Changed requirements.in:1: requirements.in:1: `a>=1,<2` no longer admits 2.0"],
        ),
        (
            "a pin nothing requires",
            |t| format!("{t}c==1.0 \\\n    --hash=sha256:{}\n", sha('d')),
            vec!["Removed requirements.txt:8: nothing requires `c` any more (requirements.txt:8)"],
        ),
        (
            "a dependency the lock lacks",
            |t| t.split("b==1.0").next().unwrap_or_default().to_string(),
            vec!["Added requirements.txt:: required by `a` 1.0"],
        ),
        (
            "a hash that matches no file",
            |t| t.replace(&sha('c'), &sha('e')),
            vec!["Hash requirements.txt:6: hash of `b-1.0.tar.gz` differs from the index (requirements.txt:6)"],
        ),
        (
            "a version edited by hand, hashes left as they were",
            |t| t.replace(&sha('1'), &sha('2')),
            vec!["Hash requirements.txt:1: `a==1.0` (requirements.txt:1) has the hashes of a 2.0; was the pin edited?"],
        ),
    ];
    for (what, edit, want) in cases {
        let case = Case::new(edit);
        assert_eq!(summary(&case.against()), want, "{what}");
    }
}

#[test]
fn lines_resolve_would_write_differently_are_named() {
    let cases: [Edit; 3] = [
        (
            "a changed `# via`",
            |t| t.replace("# via a", "# via c"),
            vec![
                "Line requirements.txt:7: requirements.txt:7: `    # via c` is not what `lockit resolve` writes here",
                "Line requirements.txt:8: requirements.txt:8: `lockit resolve` writes `    # via a` here",
            ],
        ),
        (
            "pins in the wrong order",
            |t| {
                let (a, b) = t.split_at(t.find("b==").unwrap_or_default());
                format!("{b}{a}")
            },
            vec![
                "Line requirements.txt:1: requirements.txt:1: `lockit resolve` writes `a==1.0 \\` here",
                "Line requirements.txt:1: requirements.txt:1: `lockit resolve` writes `    --hash=sha256:1111111111111111111111111111111111111111111111111111111111111111` here",
                "Line requirements.txt:1: requirements.txt:1: `lockit resolve` writes `    # via -r requirements.in` here",
                "Line requirements.txt:5: requirements.txt:5: `a==1.0 \\` is not what `lockit resolve` writes here",
                "Line requirements.txt:6: requirements.txt:6: `    --hash=sha256:1111111111111111111111111111111111111111111111111111111111111111` is not what `lockit resolve` writes here",
                "Line requirements.txt:7: requirements.txt:7: `    # via -r requirements.in` is not what `lockit resolve` writes here",
            ],
        ),
        (
            "a header comment is not compared",
            |t| format!("# edited by hand\n{t}"),
            vec![],
        ),
    ];
    for (what, edit, want) in cases {
        let case = Case::new(edit);
        assert_eq!(summary(&case.against()), want, "{what}");
    }
}

#[test]
fn a_lock_for_another_python_is_a_target_finding() {
    let mut case = Case::new(|t| t);
    case.lock.recorded = vec![("python".into(), "3.11".into())];
    let findings = case.against();
    assert_eq!(
        summary(&findings),
        ["Target requirements.txt:: the lock records python 3.11, not 3.12.0"]
    );
    assert_eq!(findings[0].locked.as_deref(), Some("3.11"));
    assert_eq!(findings[0].expected.as_deref(), Some("3.12.0"));
}

#[test]
fn a_universal_lock_is_compared_line_by_line_markers_included() {
    let win = MarkerTree::from_str("sys_platform == 'win32'").expect("valid marker");
    let mut case = Case::new(|t| t);
    case.options.environment =
        ResolverEnvironment::universal(UniversalSpace::from_floor(version("3.9")))
            .expect("a space");
    case.fresh.packages[1].marker = win;
    case.text = written(&case.fresh);
    assert!(
        case.text.contains("b==1.0 ; sys_platform == 'win32'"),
        "{}",
        case.text
    );
    case.lock = parse_lock(&case.text).expect("reads back");
    assert_eq!(summary(&case.against()), Vec::<String>::new(), "as written");

    case.text = case.text.replace("'win32'", "'linux'");
    case.lock = parse_lock(&case.text).expect("reads back");
    assert_eq!(
        summary(&case.against()),
        [
            "Line requirements.txt:4: requirements.txt:4: `b==1.0 ; sys_platform == 'linux' \\` is not what `lockit resolve` writes here",
            "Line requirements.txt:5: requirements.txt:5: `lockit resolve` writes `b==1.0 ; sys_platform == 'win32' \\` here",
        ]
    );
}

#[test]
fn offline_findings_need_no_resolution() {
    let cases: [Edit; 4] = [
        (
            "an extraneous pin (its hashes left unchecked)",
            |t| format!("{t}c==1.0 \\\n    --hash=sha256:{}\n", sha('d')),
            vec!["Extraneous requirements.txt:8: nothing requires `c` (requirements.txt:8)"],
        ),
        (
            "a pin the input does not admit",
            |t| t.replace("a==1.0", "a==2.0").replace(&sha('1'), &sha('2')),
            vec!["Unsatisfied requirements.in:1: requirements.in:1 requires `a>=1,<2`, which the pin 2.0 (requirements.txt:1) does not satisfy"],
        ),
        (
            "a dependency the lock does not pin",
            |t| t.split("b==1.0").next().unwrap_or_default().to_string(),
            vec!["MissingDependency requirements.txt:1: `a` 1.0 (requirements.txt:1) requires `b`, which the lock does not pin"],
        ),
        (
            "a hash the index does not list",
            |t| t.replace(&sha('b'), &sha('e')),
            vec!["Hash requirements.txt:5: hash of `b-1.0-py3-none-any.whl` differs from the index (requirements.txt:5)"],
        ),
    ];
    for (what, edit, want) in cases {
        let case = Case::new(edit);
        let (found, unchecked) = case.offline();
        assert_eq!(found, want, "{what}");
        let extraneous = what.starts_with("an extraneous");
        assert_eq!(
            unchecked,
            if extraneous { vec!["c"] } else { vec![] },
            "{what}"
        );
    }
}

#[test]
fn an_input_the_lock_does_not_pin_is_added_offline() {
    let mut case = Case::new(|t| t);
    case.inputs = inputs("a>=1,<2\nc\n");
    assert_eq!(
        case.offline().0,
        ["Added requirements.in:2: requirements.in:2 adds `c`"]
    );
}

#[test]
fn the_constraint_that_moved_a_pin_is_named() {
    let mut case = Case::new(|t| t);
    case.inputs.constraints = inputs("a!=1.0\n").requirements;
    case.fresh = Resolution {
        packages: vec![
            case.world
                .pinned("a", "2.0", case.inputs.requirements.clone()),
            case.fresh.packages[1].clone(),
        ],
    };
    let findings = case.against();
    assert_eq!(
        summary(&findings),
        ["Changed requirements.in:1: the constraint on `a` (requirements.in:1: `a!=1.0`) no longer admits 1.0"]
    );
    assert_eq!(
        findings[0].headline(),
        format!("~ a 1.0 -> 2.0: {}", findings[0].message)
    );
}

#[test]
fn hashes_are_checked_file_by_file() {
    let pin = |hashes: &[char]| {
        let lines: String = hashes
            .iter()
            .map(|d| format!(" \\\n    --hash=sha256:{}", sha(*d)))
            .collect();
        let text = format!("b==1.0{lines}\n");
        (parse_lock(&text).expect("reads back"), text)
    };
    let world = World::new();
    let index = world.files("b", "1.0");
    for (hashes, want) in [
        (&['b', 'c'][..], vec![]),
        (&['c', 'b'][..], vec![]),
        (
            &['b'][..],
            vec!["the index has `b-1.0.tar.gz`, which the lock has no hash for (requirements.txt:1)"],
        ),
        (
            &['b', 'c', 'e'][..],
            vec!["hash `sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee` matches no file of `b` on the index (requirements.txt:4)"],
        ),
        (
            &['e', 'f'][..],
            vec!["none of the hashes of `b==1.0` (requirements.txt:1) belong to its files on the index; was the pin edited?"],
        ),
    ] {
        let (lock, text) = pin(hashes);
        let found: Vec<String> = hash_findings(&lock.pins[0], &index, LOCK, &text)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(found, want, "{hashes:?}");
    }
}

#[test]
fn pylock_files_are_checked_by_name() {
    let text = format!(
        "lock-version = \"1.0\"\n\n[[packages]]\nname = \"b\"\nversion = \"1.0\"\nwheels = [\n    {{ name = \"b-1.0-py3-none-any.whl\", url = \"https://files.example/b-1.0-py3-none-any.whl\", hashes = {{ sha256 = \"{}\" }} }},\n    {{ name = \"b-1.0-py2-none-any.whl\", url = \"https://files.example/b-1.0-py2-none-any.whl\", hashes = {{ sha256 = \"{}\" }} }},\n]\n",
        sha('e'),
        sha('f'),
    );
    let lock = crate::parse_pylock(&text).expect("reads back");
    let index = World::new().files("b", "1.0");
    let found: Vec<String> = hash_findings(&lock.pins[0], &index, "pylock.toml", &text)
        .into_iter()
        .map(|f| format!("{:?} {}", f.line, f.message))
        .collect();
    assert_eq!(
        found,
        [
            "Some(7) hash of `b-1.0-py3-none-any.whl` differs from the index (pylock.toml:7)",
            "Some(8) the file `b-1.0-py2-none-any.whl` is no longer on the index (pylock.toml:8)",
            "Some(3) the index has `b-1.0.tar.gz`, which the lock does not list (pylock.toml:3)",
        ]
    );
}

#[test]
fn pins_without_hashes_are_found_except_folders() {
    let text = "a==1.0\nb==1.0 \\\n    --hash=sha256:bb\napp @ file:///src/app\nwheel @ file:///w/wheel-1.0-py3-none-any.whl\n";
    let lock = parse_lock(text).expect("reads back");
    assert_eq!(
        summary(&missing_hashes(&lock, LOCK)),
        [
            "NoHashes requirements.txt:1: requirements.txt:1: `a` has no hashes",
            "NoHashes requirements.txt:5: requirements.txt:5: `wheel` has no hashes",
        ]
    );
}

#[test]
fn findings_read_as_one_line_for_people_and_for_github() {
    let finding =
        |kind, package: Option<&str>, locked: Option<&str>, expected: Option<&str>| Finding {
            kind,
            package: package.map(str::to_string),
            locked: locked.map(str::to_string),
            expected: expected.map(str::to_string),
            message: "why, 100%\nreally".to_string(),
            file: "dir,x/req:1.txt".to_string(),
            line: Some(3),
        };
    for (f, headline) in [
        (
            finding(FindingKind::Changed, Some("a"), Some("1"), Some("2")),
            "~ a 1 -> 2: why, 100%\nreally",
        ),
        (
            finding(FindingKind::Added, Some("a"), None, Some("2")),
            "+ a 2: why, 100%\nreally",
        ),
        (
            finding(FindingKind::Removed, Some("a"), Some("1"), None),
            "- a 1: why, 100%\nreally",
        ),
        (
            finding(FindingKind::Extraneous, Some("a"), Some("1"), Some("1")),
            "- a 1: why, 100%\nreally",
        ),
        (
            finding(FindingKind::Line, None, None, None),
            "! why, 100%\nreally",
        ),
    ] {
        assert_eq!(f.headline(), headline, "{:?}", f.kind);
        assert_eq!(
            f.github_annotation(),
            format!(
                "::error file=dir%2Cx/req%3A1.txt,line=3::{}\n",
                headline.replace('%', "%25").replace('\n', "%0A")
            )
        );
    }
}

#[test]
fn an_unreadable_lock_is_one_finding_at_its_line() {
    let Err(e) = parse_lock("a==1.0\nnot a pin ===\n") else {
        panic!("the second line is not a pin");
    };
    let f = unreadable(LOCK, &e);
    assert_eq!(f.kind, FindingKind::Unreadable);
    assert_eq!(f.line, Some(2));
    assert!(
        f.message
            .starts_with("requirements.txt:2: the lock cannot be read: "),
        "{}",
        f.message
    );
}

#[test]
fn the_inputs_that_no_longer_resolve_are_one_finding_at_the_first_input() {
    let case = Case::new(|t| t);
    let f = case.check().no_solution(&"a cannot be had");
    assert_eq!(
        (f.kind, f.file.as_str(), f.message.as_str()),
        (
            FindingKind::NoSolution,
            "requirements.in",
            "the inputs no longer resolve: a cannot be had"
        )
    );
}
