//! Scenario-driven resolution: the regression suite for packse conformance behaviours.
//!
//! Each `tests/scenarios/*.toml` (the `lockit-test-index` scenario format) describes an
//! index, the requirements to resolve (`[root] requires`), flags (`[options]`) and the
//! result (`[expected]`). A scenario is served on 127.0.0.1, `lockit resolve` runs
//! against it, and:
//! - `satisfiable = true`: exit 0 and exactly the `[expected] packages` pins;
//! - `satisfiable = false`: exit 1, no lock written, and stderr containing every string in
//!   `[expected] stderr_contains` (which satisfiable scenarios may also give, for warnings).
//!
//! These are the behaviours the packse suite (`tests/conformance/run.sh`) checks, reduced
//! to cases that run offline in milliseconds; when a packse scenario regresses, add its
//! essence here. Each scenario is its own test (see `scenario_tests!`) so one can be
//! ignored with a reason, and `every_scenario_file_has_a_test` keeps the list complete.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{self, load_scenario, scenarios_dir, serve, tempdir, write};
use lockit_test_index::Scenario;

/// The command-line flags a scenario's `[options]` ask for.
fn option_flags(s: &Scenario) -> Vec<String> {
    let o = &s.options;
    // Every test locks for the same target; a scenario that needs another would silently
    // test something else, so it must say so here first.
    if let Some(v) = &o.python_version {
        assert_eq!(v, common::PYTHON_VERSION, "{}: python_version", s.name);
    }
    if let Some(p) = &o.python_platform {
        assert_eq!(p, common::PYTHON_PLATFORM, "{}: python_platform", s.name);
    }
    assert!(
        o.resolution.is_none(),
        "{}: --resolution is not supported",
        s.name
    );
    let mut flags = Vec::new();
    if let Some(d) = &o.exclude_newer {
        flags.extend(["--exclude-newer".to_string(), d.clone()]);
    }
    if let Some(p) = &o.prerelease {
        flags.push(format!("--prerelease={p}"));
    }
    for (key, value) in &o.other {
        let flag = match key.as_str() {
            "only_binary" => "--only-binary",
            "no_binary" => "--no-binary",
            other => panic!("{}: unknown option `{other}`", s.name),
        };
        let list = value
            .as_array()
            .unwrap_or_else(|| panic!("{}: `{key}` must be a list", s.name));
        for item in list {
            let item = item.as_str().expect("option values are strings");
            flags.extend([flag.to_string(), item.to_string()]);
        }
    }
    flags
}

fn stderr_needles(s: &Scenario) -> Vec<String> {
    let Some(expected) = &s.expected else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in &expected.other {
        match key.as_str() {
            "stderr_contains" => out.extend(
                value
                    .as_array()
                    .expect("stderr_contains is a list")
                    .iter()
                    .map(|v| v.as_str().expect("strings").to_string()),
            ),
            other => panic!("{}: unknown [expected] key `{other}`", s.name),
        }
    }
    out
}

/// Serves `tests/scenarios/<name>.toml`, resolves it and checks the expected outcome.
fn check(name: &str) {
    let s = load_scenario(name);
    assert_eq!(s.name, name, "the scenario's name matches its file name");
    let expected = s
        .expected
        .clone()
        .unwrap_or_else(|| panic!("{name}: no [expected]"));
    assert!(
        s.root.other.is_empty(),
        "{name}: unsupported [root] keys {:?}",
        s.root.other.keys()
    );
    let index = serve(&s);
    let dir = tempdir();
    let mut input = s.root.requires.join("\n");
    input.push('\n');
    write(dir.path(), "requirements.in", input);

    let mut args = vec!["requirements.in".to_string()];
    args.extend(option_flags(&s));
    // Loud (no -q) so that warnings a scenario expects reach stderr.
    let out = common::resolve_cmd_loud(dir.path(), &index.url())
        .args(&args)
        .output()
        .expect("run lockit");
    let run = common::Run::from_output(out);
    let lock_path = dir.path().join("requirements.txt");
    let context = format!(
        "scenario `{name}`: {}\n--- stderr\n{}",
        s.description.as_deref().unwrap_or(""),
        run.stderr
    );
    if expected.satisfiable {
        assert_eq!(run.code, Some(0), "{context}");
        let lock = common::read(&lock_path);
        let want: BTreeMap<String, String> = expected.packages.clone();
        assert_eq!(common::pins(&lock), want, "{context}\n--- lock\n{lock}");
        for needle in stderr_needles(&s) {
            assert!(
                run.stderr.contains(&needle),
                "{context}: stderr lacks `{needle}`"
            );
        }
    } else {
        assert_eq!(run.code, Some(1), "{context}");
        assert!(!lock_path.exists(), "{context}: a lock was written");
        for needle in stderr_needles(&s) {
            assert!(
                run.stderr.contains(&needle),
                "{context}: stderr lacks `{needle}`"
            );
        }
    }
}

macro_rules! scenario_tests {
    ($($(#[$attr:meta])* $test:ident => $file:literal,)*) => {
        $(
            $(#[$attr])*
            #[test]
            fn $test() {
                check($file);
            }
        )*

        const LISTED: &[&str] = &[$($file),*];
    };
}

scenario_tests! {
    chain => "chain",
    backtracking => "backtracking",
    extras_requested => "extras-requested",
    extras_not_requested => "extras-not-requested",
    markers_false => "markers-false",
    requires_python_too_new => "requires-python-too-new",
    requires_python_unsatisfiable => "requires-python-unsatisfiable",
    incompatible_wheel_tags => "incompatible-wheel-tags",
    yanked_skipped => "yanked-skipped",
    yanked_pinned => "yanked-pinned",
    prerelease_skipped => "prerelease-skipped",
    prerelease_allowed => "prerelease-allowed",
    prerelease_only => "prerelease-only",
    prerelease_explicit => "prerelease-explicit",
    prerelease_dependency => "prerelease-dependency",
    prerelease_no_final => "prerelease-no-final",
    // Reproduction: index `lib` 1.2.3+foo and 1.2.4, input `lib==1.2.3` -> exit 1. Passed
    // before f8f64bc; `VersionMap::has_local_variants` assumes `V` itself is published
    // (it skips the first entry >= V), so `==V` is narrowed to exactly `V`.
    local_version => "local-version",
    local_version_with_final => "local-version-with-final",
    post_release_excluded => "post-release-excluded",
    post_release_included => "post-release-included",
    sdist_only => "sdist-only",
    only_binary_sdist_only => "only-binary-sdist-only",
    exclude_newer => "exclude-newer",
    conflict => "conflict",
    yanked_transitive_pin => "yanked-transitive-pin",
    yanked_only => "yanked-only",
    epoch => "epoch",
    wheel_tags_compatible => "wheel-tags-compatible",
    dependency_cycle => "dependency-cycle",
    transitive_extras => "transitive-extras",
    extras_unknown => "extras-unknown",
    name_normalization => "name-normalization",
    root_markers => "root-markers",
}

/// A scenario file without a test would never run; a test without a file fails anyway.
#[test]
fn every_scenario_file_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(scenarios_dir())
        .expect("list tests/scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            Path::new(&p)
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "add new scenario files to scenario_tests!");
    assert!(on_disk.len() >= 15);
}

/// Every scenario file loads and validates, so a typo fails here with its name and not
/// as a confusing resolution difference.
#[test]
fn every_scenario_file_loads() {
    for name in LISTED {
        let s = load_scenario(name);
        assert!(s.expected.is_some(), "{name}: no [expected]");
        let _ = option_flags(&s);
        let _ = stderr_needles(&s);
    }
}
