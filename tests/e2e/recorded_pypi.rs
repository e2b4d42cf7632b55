//! Resolution against real PyPI data, offline: the pages and wheels that resolving `flask`
//! read from pypi.org, recorded with `lockit-test-index record --exclude-newer
//! 2026-11-01T00:00:00Z` into `tests/fixtures/pypi-flask/`, next to the lock that
//! `uv pip compile --generate-hashes` gave on pypi.org for the same input and target
//! (`uv-lock.txt`, an independent answer to compare with).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::{read, resolve_cmd_cached, run, tempdir, write};
use lockit_test_index::TestIndex;

const EXCLUDE_NEWER: &str = "2026-11-01T00:00:00Z";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pypi-flask")
}

/// Each pin of a requirements.txt lock with the set of its hashes.
fn pins_with_hashes(lock: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in lock.lines() {
        let line = line.trim_end_matches('\\').trim();
        if let Some(hash) = line.strip_prefix("--hash=") {
            let pin: &String = current.as_ref().expect("a hash after a pin");
            out.entry(pin.clone()).or_default().insert(hash.to_string());
        } else if !line.is_empty() && !line.starts_with('#') {
            let pin = line.to_string();
            out.entry(pin.clone()).or_default();
            current = Some(pin);
        }
    }
    out
}

/// `lockit resolve requirements.in` (`flask`) against the recorded index.
fn lock(dir: &Path, index: &TestIndex, cache: &Path, extra: &[&str]) -> String {
    let out = run(resolve_cmd_cached(dir, &index.url(), Some(cache))
        .args([
            "requirements.in",
            "--exclude-newer",
            EXCLUDE_NEWER,
            "--no-header",
        ])
        .args(["-o", "-"])
        .args(extra));
    out.assert_ok();
    out.stdout
}

#[test]
fn recorded_pypi_flask_gives_uvs_pins_and_hashes_cold_and_offline() {
    let index = TestIndex::serve_recorded(&fixture()).expect("serve the recorded fixture");
    let dir = tempdir();
    write(dir.path(), "requirements.in", "flask\n");
    let cache = dir.path().join("cache");
    let cold = lock(dir.path(), &index, &cache, &[]);
    let uv = read(&fixture().join("uv-lock.txt"));
    let ours = pins_with_hashes(&cold);
    assert_eq!(ours.len(), 7, "{cold}");
    assert_eq!(ours, pins_with_hashes(&uv), "lockit:\n{cold}\nuv:\n{uv}");
    // The same data read back from lockit's own cache, page by page and release by release.
    let offline = lock(dir.path(), &index, &cache, &["--offline"]);
    assert_eq!(offline, cold);
    let requests = index.requests().len();
    let again = lock(dir.path(), &index, &cache, &[]);
    assert_eq!(again, cold);
    assert_eq!(
        index.requests().len(),
        requests,
        "a warm run with --exclude-newer in the past asks the index nothing"
    );
}
