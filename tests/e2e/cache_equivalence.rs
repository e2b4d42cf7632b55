//! The cache's shortcuts never change a lock: pages kept in the binary cache format (and,
//! with `--exclude-newer` in the past, trusted without revalidation), metadata kept as its
//! headers only and keyed by file hash, `--offline` and `--refresh` all give the bytes that
//! `--no-cache` gives.

use std::path::Path;

use crate::common::{
    self, load_scenario, read, resolve_cmd_cached, run, scenario, serve, tempdir, write,
};
use lockit_test_index::Scenario;

/// Metadata with a long description, wheels with and without PEP 658 files, an sdist-only
/// release, a yanked release, `requires-python` on some files, extras, and a dependency
/// decided before the package that keeps rejecting it (the resolver restarts).
const RICH: &str = r#"
name = "cache-equivalence"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["dateish", "web[fast]"]
[[packages]]
name = "web"
version = "2.0.0"
requires = ["boto-like", "fast-json; extra == 'fast'"]
extras = ["fast"]
metadata_file = false
[[packages]]
name = "fast-json"
version = "1.0.0"
sdist = true
wheels = []
[[packages]]
name = "dateish"
version = "2.0.0"
[[packages]]
name = "dateish"
version = "3.0.0"
requires_python = ">=3.8"
[[packages]]
name = "dateish"
version = "3.1.0"
yanked = "broken"
"#;

fn rich() -> Scenario {
    let mut text = RICH.to_string();
    for minor in 0..12 {
        text.push_str(&format!(
            "[[packages]]\nname = \"boto-like\"\nversion = \"1.{minor}.0\"\nrequires = [\"dateish<3\"]\n"
        ));
    }
    text.push_str("[root]\nrequires = [\"app\"]\n");
    scenario(&text)
}

/// `lockit resolve` with `cache` (or `--no-cache`) plus `extra`, the lock on stdout.
fn lock(dir: &Path, url: &str, cache: Option<&Path>, extra: &[&str]) -> String {
    let out = run(resolve_cmd_cached(dir, url, cache)
        .args(["--no-header", "-o", "-"])
        .args(extra)
        .arg("requirements.in"));
    out.assert_ok();
    out.stdout
}

/// Checks every cache state against `--no-cache`; returns the lock.
fn check(s: &Scenario, flags: &[&str]) -> String {
    let index = serve(s);
    let dir = tempdir();
    let cache = tempdir();
    write(
        dir.path(),
        "requirements.in",
        s.root.requires.join("\n") + "\n",
    );
    let url = index.url();
    let reference = lock(dir.path(), &url, None, flags);
    assert!(!reference.trim().is_empty(), "{}: empty lock", s.name);
    let cached = Some(cache.path());
    let with = |extra: &[&str]| {
        let mut all = flags.to_vec();
        all.extend_from_slice(extra);
        lock(dir.path(), &url, cached, &all)
    };
    for (state, got) in [
        ("cold cache", with(&[])),
        ("warm cache", with(&[])),
        ("--offline", with(&["--offline"])),
        ("--refresh", with(&["--refresh"])),
        ("--offline after --refresh", with(&["--offline"])),
    ] {
        assert_eq!(
            got, reference,
            "{}: {state} differs from --no-cache",
            s.name
        );
    }
    // The same through a file, as users run it.
    let out = run(resolve_cmd_cached(dir.path(), &url, cached)
        .args(flags)
        .args([
            "--no-header",
            "--offline",
            "-o",
            "lock.txt",
            "requirements.in",
        ]));
    out.assert_ok();
    assert_eq!(read(&dir.path().join("lock.txt")), reference, "{}", s.name);
    reference
}

#[test]
fn rich_index_locks_the_same_with_and_without_cache() {
    let pins = common::pins(&check(&rich(), &[]));
    assert_eq!(
        pins,
        common::pinmap(&[
            ("app", "1.0.0"),
            ("boto-like", "1.11.0"),
            ("dateish", "2.0.0"),
            ("fast-json", "1.0.0"),
            ("web", "2.0.0"),
        ])
    );
    check(&rich(), &["--exclude-newer", "2030-01-01T00:00:00Z"]);
}

#[test]
fn scenarios_lock_the_same_with_and_without_cache() {
    for name in ["backtracking", "extras-requested", "chain"] {
        check(&load_scenario(name), &[]);
    }
    check(
        &load_scenario("exclude-newer"),
        &["--exclude-newer", "2025-01-01T00:00:00Z"],
    );
}
