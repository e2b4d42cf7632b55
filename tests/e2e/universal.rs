//! `--universal`: one lock for every platform and every Python from a floor on.
//!
//! Besides the lock's text, each lock is checked independently of the resolver: for a
//! set of environments, the lock's markers are evaluated to get that environment's pins,
//! and those must form a complete, consistent resolution of the scenario there.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use lockit_test_index::Scenario;
use lockit_types::{
    parse_requirement, MarkerEval, PackageName, Platform, Target, Version, WheelFilename,
};
use pep508_rs::VersionOrUrl;

use crate::common::{lockit_raw, read, scenario, serve, tempdir, write};

/// Pythons and platforms the projections are checked on.
const PYTHONS: [&str; 4] = ["3.10", "3.11", "3.12", "3.13"];
const PLATFORMS: [&str; 4] = [
    "x86_64-manylinux_2_28",
    "aarch64-manylinux_2_28",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

/// `app` needs `lib>=2` from Python 3.11 and `lib<2` before (a fork), `lib` 2 needs a
/// newer `util` than `lib` 1, Windows needs `winonly` (a Windows wheel only), and the
/// root asks for `macdep` on macOS only.
const FORKING: &str = r#"
name = "forking"
[[packages]]
name = "app"
version = "1.0.0"
requires = [
  "lib>=2 ; python_version >= '3.11'",
  "lib<2 ; python_version < '3.11'",
  "winonly ; sys_platform == 'win32'",
  "shared",
]
[[packages]]
name = "lib"
version = "1.5.0"
requires = ["util<2", "shared"]
[[packages]]
name = "lib"
version = "2.1.0"
requires_python = ">=3.11"
requires = ["util>=2"]
[[packages]]
name = "util"
version = "1.0.0"
[[packages]]
name = "util"
version = "2.0.0"
[[packages]]
name = "shared"
version = "1.0.0"
[[packages]]
name = "winonly"
version = "1.0.0"
wheels = ["py3-none-win_amd64"]
[[packages]]
name = "macdep"
version = "1.0.0"
wheels = []
sdist = true
[root]
requires = ["app", "macdep ; sys_platform == 'darwin'"]
"#;

/// Serves `s` and writes its root requirements to `requirements.in` in a fresh folder.
fn served(s: &Scenario) -> (lockit_test_index::TestIndex, tempfile::TempDir) {
    let dir = tempdir();
    write(dir.path(), "requirements.in", s.root.requires.join("\n"));
    (serve(s), dir)
}

/// Runs `lockit resolve --universal` on `input` against `index`, writing `requirements.txt`
/// without its header.
fn lock(dir: &std::path::Path, index: &str, extra: &[&str]) -> crate::common::Run {
    resolve_universal(dir, index, &[&["--no-header"], extra].concat())
}

/// [`lock`] with the header, which `verify` and `explain` read.
fn resolve_universal(dir: &std::path::Path, index: &str, extra: &[&str]) -> crate::common::Run {
    let mut args = vec![
        "resolve",
        "requirements.in",
        "--universal",
        "--python-version",
        "3.10",
        "--no-cache",
        "-q",
        "--index-url",
        index,
    ];
    args.extend_from_slice(extra);
    lockit_raw(dir, args)
}

/// `(name, version, marker)` of every pin line of a requirements.txt lock.
fn pin_lines(lock: &str) -> Vec<(String, String, Option<String>)> {
    lock.lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains("=="))
        .map(|l| {
            let l = l.trim_end_matches('\\').trim();
            let (req, marker) = match l.split_once(';') {
                Some((r, m)) => (r.trim(), Some(m.trim().to_string())),
                None => (l, None),
            };
            let (name, version) = req.split_once("==").expect("a pin");
            (name.to_string(), version.to_string(), marker)
        })
        .collect()
}

/// The pins `env` installs from `lock`: those whose marker holds there.
fn project(lock: &str, env: &Target) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, version, marker) in pin_lines(lock) {
        let text = match &marker {
            Some(m) => format!("{name}=={version} ; {m}"),
            None => format!("{name}=={version}"),
        };
        let req = parse_requirement(&text).expect("a pin parses");
        if req.marker.holds(&env.markers, &[]) {
            let previous = out.insert(name.clone(), version.clone());
            assert!(
                previous.is_none(),
                "{name} pinned twice for {}:\n{lock}",
                env.describe()
            );
        }
    }
    out
}

/// Checks that `pins` is a complete, consistent resolution of `s`'s root for `env`:
/// every requirement that applies is met, every pin is needed, and each has a file the
/// environment can install.
fn check_projection(s: &Scenario, pins: &BTreeMap<String, String>, env: &Target) {
    let at = env.describe();
    let mut todo: Vec<(String, Vec<String>)> = s
        .root
        .requires
        .iter()
        .map(|r| (r.clone(), Vec::new()))
        .collect();
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut seen: BTreeSet<(String, Vec<String>)> = BTreeSet::new();
    while let Some((text, extras)) = todo.pop() {
        if !seen.insert((text.clone(), extras.clone())) {
            continue;
        }
        let req = parse_requirement(&text).expect("scenario requirement");
        let extras: Vec<_> = extras.iter().map(|e| e.parse().expect("extra")).collect();
        if !req.marker.holds(&env.markers, &extras) {
            continue;
        }
        let name = req.name.to_string();
        let Some(pinned) = pins.get(&name) else {
            panic!("{at}: `{text}` applies but {name} is not pinned: {pins:?}");
        };
        let version = Version::from_str(pinned).expect("version");
        if let Some(VersionOrUrl::VersionSpecifier(spec)) = &req.version_or_url {
            assert!(
                spec.contains(&version),
                "{at}: {name}=={pinned} does not meet `{text}`"
            );
        }
        let spec = s
            .packages
            .iter()
            .find(|p| {
                PackageName::from_str(&p.name).ok() == Some(req.name.clone())
                    && Version::from_str(&p.version).ok() == Some(version.clone())
            })
            .unwrap_or_else(|| panic!("{at}: {name}=={pinned} is not on the index"));
        if let Some(rp) = &spec.requires_python {
            let rp = lockit_types::VersionSpecifiers::from_str(rp).expect("requires-python");
            assert!(
                rp.contains(&env.python),
                "{at}: {name}=={pinned} requires Python {rp}"
            );
        }
        let installable = spec.sdist
            || spec.wheels.iter().any(|tag| {
                let file = format!("{}-{}-{tag}.whl", name.replace('-', "_"), spec.version);
                WheelFilename::from_str(&file)
                    .ok()
                    .and_then(|w| env.tags.compatibility(&w))
                    .is_some()
            });
        assert!(installable, "{at}: {name}=={pinned} has no file to install");
        reached.insert(name);
        let requested: Vec<String> = req.extras.iter().map(ToString::to_string).collect();
        for dep in &spec.requires {
            todo.push((dep.clone(), requested.clone()));
        }
    }
    let unreachable: Vec<&String> = pins.keys().filter(|n| !reached.contains(*n)).collect();
    assert!(
        unreachable.is_empty(),
        "{at}: pinned but not needed: {unreachable:?}"
    );
}

/// Every environment of [`PYTHONS`] x [`PLATFORMS`].
fn environments() -> Vec<Target> {
    let mut out = Vec::new();
    for python in PYTHONS {
        for platform in PLATFORMS {
            let platform = Platform::from_str(platform).expect("platform");
            out.push(Target::new(python, platform).expect("target"));
        }
    }
    out
}

#[test]
fn forks_where_markers_split_and_merges_where_forks_agree() {
    let s = scenario(FORKING);
    let (index, dir) = served(&s);
    lock(dir.path(), &index.url(), &["-o", "requirements.txt"]).assert_ok();
    let text = read(&dir.path().join("requirements.txt"));
    let lines: Vec<String> = pin_lines(&text)
        .into_iter()
        .map(|(n, v, m)| match m {
            Some(m) => format!("{n}=={v} ; {m}"),
            None => format!("{n}=={v}"),
        })
        .collect();
    assert_eq!(
        lines,
        [
            "app==1.0.0",
            "lib==1.5.0 ; python_full_version < '3.11'",
            "lib==2.1.0 ; python_full_version >= '3.11'",
            "macdep==1.0.0 ; sys_platform == 'darwin'",
            "shared==1.0.0",
            "util==1.0.0 ; python_full_version < '3.11'",
            "util==2.0.0 ; python_full_version >= '3.11'",
            "winonly==1.0.0 ; sys_platform == 'win32'",
        ],
        "{text}"
    );
    for env in environments() {
        check_projection(&s, &project(&text, &env), &env);
    }
}

#[test]
fn relocking_a_universal_lock_changes_no_byte() {
    let s = scenario(FORKING);
    let (index, dir) = served(&s);
    lock(dir.path(), &index.url(), &["-o", "requirements.txt"]).assert_ok();
    let first = read(&dir.path().join("requirements.txt"));
    lock(dir.path(), &index.url(), &["-o", "requirements.txt"]).assert_ok();
    assert_eq!(read(&dir.path().join("requirements.txt")), first);
    let to_stdout = lock(dir.path(), &index.url(), &["--upgrade", "-o", "-"]);
    to_stdout.assert_ok();
    assert_eq!(to_stdout.stdout, first);
}

#[test]
fn pylock_carries_the_markers() {
    let s = scenario(FORKING);
    let (index, dir) = served(&s);
    let run = lock(dir.path(), &index.url(), &["--format", "pylock", "-o", "-"]);
    run.assert_ok();
    let doc: toml::Table = run.stdout.parse().expect("pylock.toml is TOML");
    let packages = doc["packages"].as_array().expect("packages");
    let markers: Vec<(String, Option<String>)> = packages
        .iter()
        .map(|p| {
            (
                format!(
                    "{}=={}",
                    p["name"].as_str().unwrap_or(""),
                    p["version"].as_str().unwrap_or("")
                ),
                p.get("marker").and_then(|m| m.as_str()).map(str::to_string),
            )
        })
        .collect();
    assert!(
        markers.contains(&(
            "winonly==1.0.0".to_string(),
            Some("sys_platform == 'win32'".to_string())
        )),
        "{}",
        run.stdout
    );
    assert!(
        markers.contains(&("app==1.0.0".to_string(), None)),
        "{}",
        run.stdout
    );
}

/// Requirements on one package under markers that overlap: each overlap is a fork, every
/// environment gets one version meeting all that apply there, and forks share versions
/// where they can.
#[test]
fn overlapping_markers_meet_every_requirement_that_applies() {
    let s = scenario(
        r#"
name = "overlap"
[[packages]]
name = "a"
version = "1.0.0"
[[packages]]
name = "a"
version = "2.0.0"
[[packages]]
name = "a"
version = "3.0.0"
[[packages]]
name = "b"
version = "1.0.0"
requires = ["a<3 ; sys_platform == 'linux'", "a<2 ; python_version < '3.12'"]
[root]
requires = ["b", "a>=1.0"]
"#,
    );
    let (index, dir) = served(&s);
    let run = lock(dir.path(), &index.url(), &["-o", "-"]);
    run.assert_ok();
    for env in environments() {
        check_projection(&s, &project(&run.stdout, &env), &env);
    }
    // Newer Pythons are solved first: `a` 2.0.0 (Linux caps it below 3) is preferred by the
    // forks after, so Pythons before 3.12 need 1.0.0 and no fork takes 3.0.0.
    let versions: BTreeSet<String> = pin_lines(&run.stdout)
        .into_iter()
        .filter(|(n, _, _)| n == "a")
        .map(|(_, v, _)| v)
        .collect();
    assert_eq!(versions.len(), 2, "{}", run.stdout);
}

#[test]
fn universal_without_a_lowest_python_exits_2() {
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let run = lockit_raw(
        dir.path(),
        [
            "resolve",
            "requirements.in",
            "--universal",
            "--index-url",
            "http://127.0.0.1:9/simple/",
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--python-version"), "{}", run.stderr);
}

/// `native` has wheels for CPython 3.12 on x86_64 Linux and on Windows only.
const NATIVE: &str = r#"
name = "native"
[[packages]]
name = "native"
version = "1.0.0"
wheels = ["cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-win_amd64"]
[root]
requires = ["native"]
"#;

/// `lockit resolve --universal --python-version 3.12` with `extra`, loud, to stdout.
fn lock_loud(dir: &std::path::Path, index: &str, extra: &[&str]) -> crate::common::Run {
    let mut args = vec![
        "resolve",
        "requirements.in",
        "--universal",
        "--python-version",
        "3.12",
        "--no-cache",
        "--index-url",
        index,
        "-o",
        "-",
    ];
    args.extend_from_slice(extra);
    lockit_raw(dir, args)
}

#[test]
fn names_each_environment_the_lock_cannot_install_on() {
    let s = scenario(NATIVE);
    let index = serve(&s);
    let dir = tempdir();
    write(dir.path(), "requirements.in", "native\n");
    let run = lock_loud(dir.path(), &index.url(), &[]);
    run.assert_ok();
    assert!(
        run.stderr.contains(
            "warning: the lock cannot install on CPython 3.12 on aarch64-manylinux_2_28: native 1.0.0 (no wheel for it and no sdist)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: the lock cannot install on CPython 3.13 on x86_64-manylinux_2_28"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr
            .contains("cannot install on CPython 3.12 on x86_64-manylinux_2_28"),
        "{}",
        run.stderr
    );
    let covers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("# covers: "))
        .collect();
    assert_eq!(
        covers,
        [
            "# covers: x86_64-manylinux_2_28: CPython 3.12",
            "# covers: x86_64-pc-windows-msvc: CPython 3.12",
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn a_required_environment_with_a_gap_fails_naming_it() {
    let s = scenario(NATIVE);
    let index = serve(&s);
    let dir = tempdir();
    write(dir.path(), "requirements.in", "native\n");
    let covered =
        "sys_platform == 'linux' and platform_machine == 'x86_64' and python_version == '3.12'";
    lock_loud(
        dir.path(),
        &index.url(),
        &["--required-environment", covered],
    )
    .assert_ok();
    let run = lock_loud(
        dir.path(),
        &index.url(),
        &["--required-environment", "sys_platform == 'darwin'"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the required environment CPython 3.12 on aarch64-apple-darwin (macOS 15.0) cannot install: native 1.0.0"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn environment_narrows_the_space() {
    let s = scenario(FORKING);
    let (index, dir) = served(&s);
    let run = lock(
        dir.path(),
        &index.url(),
        &["--environment", "sys_platform == 'linux'", "-o", "-"],
    );
    run.assert_ok();
    let names: BTreeSet<String> = pin_lines(&run.stdout)
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    assert!(
        !names.contains("winonly") && !names.contains("macdep"),
        "{}",
        run.stdout
    );
    assert!(names.contains("lib"), "{}", run.stdout);
}

#[test]
fn verify_rechecks_a_universal_lock() {
    let s = scenario(FORKING);
    let (index, dir) = served(&s);
    let url = index.url();
    resolve_universal(dir.path(), &url, &[]).assert_ok();
    // Offline, the walk of the pins cannot follow their markers: it says so (exit 4)
    // instead of reporting false findings.
    let offline = lockit_raw(dir.path(), ["verify", "requirements.in", "--offline"]);
    assert_eq!(
        offline.code,
        Some(4),
        "{}{}",
        offline.stdout,
        offline.stderr
    );
    assert!(
        offline
            .stderr
            .contains("is a universal lock, which `verify --offline` cannot check yet"),
        "{}",
        offline.stderr
    );
    assert!(offline.stdout.is_empty(), "{}", offline.stdout);
    let verify = || lockit_raw(dir.path(), ["verify", "requirements.in", "--no-cache"]);
    let run = verify();
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let path = dir.path().join("requirements.txt");
    let edited = read(&path).replace(
        "util==1.0.0 ; python_full_version < '3.11'",
        "util==1.0.0 ; python_full_version < '3.12'",
    );
    write(dir.path(), "requirements.txt", edited);
    let run = verify();
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("python_full_version < '3.12'"),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_shows_each_pin_with_its_marker_and_the_split() {
    let s = scenario(FORKING);
    let (index, dir) = served(&s);
    let url = index.url();
    resolve_universal(dir.path(), &url, &[]).assert_ok();
    let run = lockit_raw(
        dir.path(),
        ["explain", "lib", "requirements.in", "--no-cache"],
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    for expected in [
        "lib has 2 pins in this universal lock",
        "lib==1.5.0 ; python_full_version < '3.11'",
        "lib==2.1.0 ; python_full_version >= '3.11'",
        "app 1.0.0 requires lib<2 ; python_full_version < '3.11'",
        "pinned for every platform, Python 3.10",
    ] {
        assert!(run.stdout.contains(expected), "{expected}:\n{}", run.stdout);
    }
    let run = lockit_raw(
        dir.path(),
        ["explain", "winonly", "requirements.in", "--no-cache"],
    );
    assert!(
        run.stdout
            .contains("winonly 1.0.0 is installed only where `sys_platform == 'win32'`"),
        "{}",
        run.stdout
    );
    // The JSON says the same: every pin with its marker, and what split them (before,
    // it described the first pin alone, as if it were the only one).
    let run = lockit_raw(
        dir.path(),
        [
            "explain",
            "lib",
            "requirements.in",
            "--no-cache",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        json["universal"]["pins"],
        serde_json::json!([
            {"version": "1.5.0", "marker": "python_full_version < '3.11'"},
            {"version": "2.1.0", "marker": "python_full_version >= '3.11'"},
        ]),
        "{json}"
    );
    assert!(
        json["universal"]["split_by"]
            .as_array()
            .expect("split_by")
            .iter()
            .any(|r| r == "app 1.0.0 requires lib<2 ; python_full_version < '3.11'"),
        "{json}"
    );
    assert_eq!(json["version"], "1.5.0", "{json}");
}

/// The newest `modern` needs Python 3.11: Pythons from 3.11 get it, 3.10 the one before
/// (a fork on Requires-Python, as uv makes).
#[test]
fn forks_where_the_newest_release_needs_a_newer_python() {
    let s = scenario(
        r#"
name = "requires-python-fork"
[[packages]]
name = "modern"
version = "1.0.0"
requires = ["helper<2"]
[[packages]]
name = "modern"
version = "2.0.0"
requires_python = ">=3.11"
requires = ["helper"]
[[packages]]
name = "helper"
version = "1.0.0"
[[packages]]
name = "helper"
version = "2.0.0"
[root]
requires = ["modern"]
"#,
    );
    let index = serve(&s);
    let dir = tempdir();
    write(dir.path(), "requirements.in", "modern\n");
    let run = lock(dir.path(), &index.url(), &["-o", "-"]);
    run.assert_ok();
    let lines: Vec<String> = pin_lines(&run.stdout)
        .into_iter()
        .map(|(n, v, m)| format!("{n}=={v} ; {}", m.unwrap_or_default()))
        .collect();
    assert_eq!(
        lines,
        [
            "helper==1.0.0 ; python_full_version < '3.11'",
            "helper==2.0.0 ; python_full_version >= '3.11'",
            "modern==1.0.0 ; python_full_version < '3.11'",
            "modern==2.0.0 ; python_full_version >= '3.11'",
        ],
        "{}",
        run.stdout
    );
    for env in environments() {
        check_projection(&s, &project(&run.stdout, &env), &env);
    }
    // Re-locking over the lock keeps the fork: each part prefers the newest pin meeting it.
    lock(dir.path(), &index.url(), &["-o", "requirements.txt"]).assert_ok();
    let first = read(&dir.path().join("requirements.txt"));
    lock(dir.path(), &index.url(), &["-o", "requirements.txt"]).assert_ok();
    assert_eq!(read(&dir.path().join("requirements.txt")), first);
    assert!(
        first.contains("modern==2.0.0 ; python_full_version >= '3.11'"),
        "{first}"
    );
}

/// The newest `native` has no Windows wheel, the one before has: requiring Windows gives
/// Windows the older release and every other environment the newest.
#[test]
fn a_required_environment_gets_an_older_release_that_has_its_wheel() {
    let s = scenario(
        r#"
name = "required-older"
[[packages]]
name = "native"
version = "1.0.0"
wheels = ["py3-none-manylinux_2_17_x86_64", "py3-none-win_amd64"]
[[packages]]
name = "native"
version = "2.0.0"
wheels = ["py3-none-manylinux_2_17_x86_64"]
[root]
requires = ["native"]
"#,
    );
    let index = serve(&s);
    let dir = tempdir();
    write(dir.path(), "requirements.in", "native\n");
    let run = lock_loud(
        dir.path(),
        &index.url(),
        &["--required-environment", "sys_platform == 'win32'"],
    );
    run.assert_ok();
    let lines: Vec<String> = pin_lines(&run.stdout)
        .into_iter()
        .map(|(n, v, m)| format!("{n}=={v} ; {}", m.unwrap_or_default()))
        .collect();
    assert_eq!(
        lines,
        [
            "native==1.0.0 ; sys_platform == 'win32'",
            "native==2.0.0 ; sys_platform != 'win32'",
        ],
        "{}",
        run.stdout
    );
    // No release has a macOS wheel: requiring macOS fails, naming it.
    let run = lock_loud(
        dir.path(),
        &index.url(),
        &["--required-environment", "sys_platform == 'darwin'"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("aarch64-apple-darwin"),
        "{}",
        run.stderr
    );
}

/// A conflict in one fork fails the lock, and the report names that fork's environments.
#[test]
fn a_conflict_in_one_fork_names_its_environments() {
    let s = scenario(
        r#"
name = "fork-conflict"
[[packages]]
name = "x"
version = "1.0.0"
[[packages]]
name = "x"
version = "2.0.0"
[root]
requires = ["x<2 ; sys_platform == 'win32'", "x>=2 ; python_version >= '3.11'"]
"#,
    );
    let (index, dir) = served(&s);
    let run = lock(dir.path(), &index.url(), &["-o", "-"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no solution for the environments where `")
            && run.stderr.contains("sys_platform == 'win32'")
            && run.stderr.contains("python_full_version >= '3.11'"),
        "{}",
        run.stderr
    );
}

/// `--python` with `--universal` chooses the interpreter builds run with (it was refused):
/// a backend that picks its dependencies by the running Python gives that Python's answer.
#[test]
fn universal_builds_run_with_the_python_given() {
    let index = serve(&scenario(crate::local_projects::INDEX));
    let dir = tempdir();
    write(
        dir.path(),
        "vdep/pyproject.toml",
        "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n",
    );
    write(
        dir.path(),
        "vdep/backend.py",
        r#"import os, sys
def _metadata(directory):
    here = "%d.%d" % sys.version_info[:2]
    dep = "dep>=2" if here == os.environ["WANT_PYTHON"] else "dep<2"
    os.makedirs(os.path.join(directory, "vdep-0.1.dist-info"))
    with open(os.path.join(directory, "vdep-0.1.dist-info", "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: vdep\nVersion: 0.1\nRequires-Dist: %s\n" % dep)
    return "vdep-0.1.dist-info"
def prepare_metadata_for_build_wheel(directory, config_settings=None):
    return _metadata(directory)
def prepare_metadata_for_build_editable(directory, config_settings=None):
    return _metadata(directory)
"#,
    );
    write(dir.path(), "requirements.in", "-e ./vdep\n");
    let python = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])",
        ])
        .output()
        .expect("python3 on PATH");
    let answer = String::from_utf8(python.stdout).expect("utf-8");
    let mut lines = answer.lines();
    let (executable, version) = (lines.next().expect("path"), lines.next().expect("version"));
    let url = index.url();
    let mut cmd = crate::common::lockit_cmd(dir.path());
    cmd.args([
        "resolve",
        "requirements.in",
        "--universal",
        "--python-version",
        "3.10",
    ])
    .args([
        "--python",
        executable,
        "--no-cache",
        "-q",
        "--index-url",
        &url,
        "-o",
        "-",
    ])
    .env("WANT_PYTHON", version);
    let run = crate::common::run(&mut cmd);
    run.assert_ok();
    assert!(run.stdout.contains("dep==2.0.0"), "{}", run.stdout);
}

/// An extra no release provides is warned about once per pin, not once per fork (the
/// `FORKING` app splits the space on Python 3.11).
#[test]
fn an_unknown_extra_is_warned_about_once_not_per_fork() {
    let mut s = scenario(FORKING);
    s.root.requires = vec!["app[nonexistent-extra]".to_string()];
    let (index, dir) = served(&s);
    let run = lockit_raw(
        dir.path(),
        [
            "resolve",
            "requirements.in",
            "--universal",
            "--python-version",
            "3.10",
            "--no-cache",
            "--index-url",
            &index.url(),
            "-o",
            "-",
        ],
    );
    run.assert_ok();
    assert!(
        run.stdout
            .contains("lib==1.5.0 ; python_full_version < '3.11'"),
        "{}",
        run.stdout
    );
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.contains("extra")).collect();
    insta::assert_snapshot!(warnings.join("\n"), @"warning: app 1.0.0 does not provide the extra 'nonexistent-extra'");
}
