//! `lockit explain` and the no-solution report, snapshotted: a reviewer reads the diff
//! of a message the way a user reads the message.
//!
//! Each case serves `tests/scenarios/explain/<name>.toml` on 127.0.0.1, writes its
//! `[root] requires` to `requirements.in` (and `[root] constraints` to
//! `constraints.txt`), runs the real binary and snapshots exit code and output with the
//! temporary directory and the index address redacted. Every output is also checked
//! for internal names, raw range bounds and repeated lines.

use std::path::Path;

use crate::common::{self, lockit_cmd, serve, tempdir, write, Run, TARGET_ARGS};
use lockit_test_index::Scenario;

fn load(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios/explain")
        .join(format!("{name}.toml"));
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The flags a scenario's `[options]` ask for.
fn option_flags(s: &Scenario) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(d) = &s.options.exclude_newer {
        flags.extend(["--exclude-newer".to_string(), d.clone()]);
    }
    if let Some(p) = &s.options.prerelease {
        flags.push(format!("--prerelease={p}"));
    }
    for (key, value) in &s.options.other {
        let flag = match key.as_str() {
            "only_binary" => "--only-binary",
            "no_binary" => "--no-binary",
            other => panic!("{}: unknown option `{other}`", s.name),
        };
        for item in value.as_array().expect("a list") {
            flags.extend([
                flag.to_string(),
                item.as_str().expect("strings").to_string(),
            ]);
        }
    }
    flags
}

/// Runs `lockit <command...> requirements.in` on the scenario; returns the redacted
/// snapshot text.
fn run(scenario: &str, command: &[&str]) -> String {
    let s = load(scenario);
    let index = serve(&s);
    let dir = tempdir();
    write(
        dir.path(),
        "requirements.in",
        format!("{}\n", s.root.requires.join("\n")),
    );
    let mut cmd = lockit_cmd(dir.path());
    cmd.args(command)
        .arg("requirements.in")
        .args(TARGET_ARGS)
        .args(["--no-cache", "-q", "--index-url", &index.url()])
        .args(["--connect-timeout", "5", "--read-timeout", "20"])
        .args(option_flags(&s))
        .env("NO_COLOR", "1");
    if let Some(list) = s.root.other.get("lock") {
        // An existing lock: its pins are preferences, as `resolve` keeps them.
        let pins: Vec<&str> = list
            .as_array()
            .expect("lock is a list")
            .iter()
            .map(|v| v.as_str().expect("strings"))
            .collect();
        write(
            dir.path(),
            "requirements.txt",
            format!("{}\n", pins.join("\n")),
        );
    }
    if let Some(list) = s.root.other.get("constraints") {
        let lines: Vec<&str> = list
            .as_array()
            .expect("constraints is a list")
            .iter()
            .map(|v| v.as_str().expect("strings"))
            .collect();
        write(
            dir.path(),
            "constraints.txt",
            format!("{}\n", lines.join("\n")),
        );
        cmd.args(["-c", "constraints.txt"]);
    }
    if command[0] == "resolve" {
        cmd.args(["-o", "-"]);
    }
    let out = Run::from_output(cmd.output().expect("run lockit"));
    let redact = |t: &str| {
        let base = index.url();
        let base = base.trim_end_matches("/simple/");
        t.replace(&dir.path().display().to_string(), "[TMP]")
            .replace(base, "[INDEX]")
    };
    let stdout = redact(&out.stdout);
    let stderr = redact(&out.stderr);
    // JSON repeats lines like `"kind": "excluded",` by nature.
    let json = command.contains(&"json");
    for text in [&stdout, &stderr] {
        assert_readable(text, !json);
    }
    let mut snap = format!("exit: {:?}\n", out.code);
    if !stdout.is_empty() {
        snap.push_str(&format!("--- stdout\n{stdout}"));
    }
    if !stderr.is_empty() {
        snap.push_str(&format!("--- stderr\n{stderr}"));
    }
    snap
}

/// No internal names, no raw bounds, no line said twice.
#[track_caller]
fn assert_readable(text: &str, check_repeats: bool) {
    for bad in [
        "∞",
        "18446744073709551615",
        "Pkg::",
        "Project(",
        "Extra(",
        "Root",
        "NoVersions",
        "FromDependencyOf",
    ] {
        assert!(!text.contains(bad), "`{bad}` in\n{text}");
    }
    if !check_repeats {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(seen.insert(line), "repeated line `{line}` in\n{text}");
    }
}

macro_rules! snapshots {
    ($($test:ident => $scenario:literal [$($arg:literal),+],)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!(run($scenario, &[$($arg),+]));
            }
        )*
    };
}

// ---- conflict reports ----
snapshots! {
    conflict_numpy_clash => "numpy-clash" ["resolve"],
    conflict_numpy_clash_explain => "numpy-clash" ["explain", "tensors"],
    conflict_python_mismatch => "python-mismatch" ["resolve"],
    conflict_wheel_tags => "wheel-tags" ["resolve"],
    conflict_wheel_tags_explain => "wheel-tags" ["explain", "native"],
    conflict_prerelease_only => "prerelease-only" ["resolve"],
    conflict_yanked => "yanked" ["resolve"],
    conflict_exclude_newer_explain => "exclude-newer" ["explain", "lib"],
    conflict_exclude_newer => "exclude-newer" ["resolve"],
    conflict_typo => "typo" ["resolve"],
    conflict_long_chain => "chain" ["resolve"],
    conflict_extra => "extra-conflict" ["resolve"],
    conflict_root_clash => "root-clash" ["resolve"],
    conflict_no_matching_version => "no-matching-version" ["resolve"],
    conflict_sdist_only => "sdist-only" ["resolve"],
    conflict_transitive_python => "transitive-python" ["resolve"],
    conflict_backtracking => "backtrack-shared" ["resolve"],
    conflict_shared_derivation => "shared-derivation" ["resolve"],
    conflict_json => "wheel-tags" ["explain", "native", "--format", "json"],
}

// ---- success explanations ----
snapshots! {
    explain_many_dependents => "ok-many-dependents" ["explain", "numpy"],
    explain_transitive_path => "ok-many-dependents" ["explain", "frames"],
    explain_held_back => "ok-held-back" ["explain", "numpy"],
    explain_yanked_pin => "yanked-pinned" ["explain", "lib"],
    explain_kept_by_lock => "ok-kept-by-lock" ["explain", "lib"],
    explain_held_back_json => "ok-held-back" ["explain", "numpy", "--format", "json"],
    explain_skipped_for_target => "ok-skipped-for-target" ["explain", "native"],
    explain_conflict_held => "ok-conflict-held" ["explain", "lib"],
    explain_marker_false => "ok-not-in-lock" ["explain", "winonly"],
    explain_extra_not_requested => "ok-not-in-lock" ["explain", "fast"],
    explain_not_on_index => "ok-not-in-lock" ["explain", "reqeusts"],
    explain_through_extra => "ok-extras" ["explain", "socksio"],
    explain_constraint => "ok-extras" ["explain", "h2"],
    explain_exclude_newer => "ok-exclude-newer" ["explain", "lib"],
}

/// The report `resolve` prints is the one `explain` prints for the same inputs.
#[test]
fn resolve_and_explain_agree() {
    let resolve = run("numpy-clash", &["resolve"]);
    let explain = run("numpy-clash", &["explain", "numpy"]);
    let report = resolve
        .split("--- stderr\n")
        .nth(1)
        .expect("a report on stderr");
    let report = report.trim_start_matches("error: ");
    assert!(explain.contains(report.trim_end()), "{resolve}\n{explain}");
}

/// Every suggested fix resolves when applied by hand.
#[test]
fn suggested_fix_resolves() {
    let s = load("numpy-clash");
    let index = serve(&s);
    let dir = tempdir();
    write(dir.path(), "requirements.in", "tabular==1.1.0\ntensors\n");
    common::resolve(dir.path(), &index.url(), ["requirements.in", "-o", "-"]).assert_ok();
}
