//! The fault matrix: one test per kind of network or index fault, each run of the real
//! binary with a disk cache. For every fault we check:
//!
//! 1. the exit code (3) and a message naming the URL, the status or cause and what to try;
//! 2. the existing lock is byte-identical and no stray file appeared next to it;
//! 3. the cache is clean: no bad bytes stored, `--offline` right after either fails
//!    cleanly ("not in the cache") or gives the clean lock, never a different one;
//! 4. without the fault, an online and then an `--offline` run give exactly the lock of a
//!    clean run.
//!
//! `tests/e2e/failures.rs` checks exit codes and an untouched lock for some of these faults
//! without a cache; this file adds the cache, the messages, timing and recovery.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{
    file_containing, files_under, lock_stdout, lockit_cmd, other_entries, read, run, scenario,
    serve, tempdir, write, Run, TARGET_ARGS,
};
use lockit_test_index::{Fault, TestIndex};

const OLD_LOCK: &str =
    "# an old lock, which a failed run must not touch\napp==0.9.0 \\\n    --hash=sha256:00\n";

/// `app` needs `lib` and `util`; every version has a `.metadata` file.
const INDEX: &str = r#"
name = "faults"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["lib>=1", "util"]
[[packages]]
name = "lib"
version = "1.2.0"
requires = ["util<2"]
[[packages]]
name = "util"
version = "1.5.0"
[[packages]]
name = "util"
version = "2.0.0"
"#;

const APP_METADATA: &str = "/files/app-1.0.0-py3-none-any.whl.metadata";

/// One test's world: an index, a project directory with an old lock, a cache elsewhere,
/// and the lock a clean run gives.
struct World {
    index: TestIndex,
    url: String,
    project: tempfile::TempDir,
    cache: tempfile::TempDir,
    clean_lock: String,
}

impl World {
    fn new() -> World {
        Self::with_url(|index| index.url())
    }

    fn with_url(url: impl Fn(&TestIndex) -> String) -> World {
        let index = serve(&scenario(INDEX));
        let url = url(&index);
        // The reference: a clean run, no cache, to stdout.
        let reference = lock_stdout(&url, "app\n");
        assert!(reference.contains("app==1.0.0"), "{reference}");
        index.clear_requests();
        let project = tempdir();
        write(project.path(), "requirements.in", "app\n");
        write(project.path(), "requirements.txt", OLD_LOCK);
        World {
            index,
            url,
            project,
            cache: tempdir(),
            clean_lock: reference,
        }
    }

    fn lock_path(&self) -> PathBuf {
        self.project.path().join("requirements.txt")
    }

    /// `lockit resolve requirements.in --no-header -q` with this world's index and cache;
    /// no timeouts, for the caller to add.
    fn command(&self) -> Command {
        let mut cmd = lockit_cmd(self.project.path());
        cmd.args(["resolve", "requirements.in", "--no-header", "-q"])
            .args(TARGET_ARGS)
            .args(["--index-url", &self.url])
            .arg("--cache-dir")
            .arg(self.cache.path());
        cmd
    }

    /// [`World::command`] plus `extra` (which may set its own `--read-timeout`).
    fn resolve(&self, extra: &[&str]) -> Run {
        let mut cmd = self.command();
        cmd.args(["--connect-timeout", "5"]).args(extra);
        if !extra.contains(&"--read-timeout") {
            cmd.args(["--read-timeout", "20"]);
        }
        run(&mut cmd)
    }

    /// The old lock is byte-identical and nothing else appeared in the project.
    #[track_caller]
    fn assert_untouched(&self, what: &str) {
        assert_eq!(
            std::fs::read(self.lock_path()).expect("lock"),
            OLD_LOCK.as_bytes(),
            "{what}: the old lock changed"
        );
        assert_eq!(
            other_entries(
                self.project.path(),
                &["requirements.in", "requirements.txt"]
            ),
            Vec::<String>::new(),
            "{what}: stray files"
        );
    }

    /// Runs with the fault(s) already injected and checks the failure; then checks the
    /// cache with `--offline`, and recovery without the fault.
    #[track_caller]
    fn check_failure(&self, extra: &[&str], needles: &[&str], garbage: Option<&[u8]>) -> Run {
        let failed = self.resolve(extra);
        // Shown with `--nocapture`: the messages users would read, for docs/reliability.md.
        eprintln!("{}", failed.stderr.trim_end());
        let ctx = format!("--- stderr\n{}", failed.stderr);
        assert_eq!(failed.code, Some(3), "{ctx}");
        assert!(failed.stderr.starts_with("error: "), "{ctx}");
        for needle in needles {
            assert!(failed.stderr.contains(needle), "no `{needle}` in\n{ctx}");
        }
        assert!(!failed.stderr.contains("panicked"), "{ctx}");
        assert!(
            failed.stderr.lines().count() < 20,
            "more than a screen:\n{ctx}"
        );
        self.assert_untouched("failed run");
        if let Some(garbage) = garbage {
            assert_cache_free_of(self.cache.path(), garbage);
        }
        self.index.clear_faults();
        self.check_recovery();
        failed
    }

    /// With the fault gone: `--offline` never gives a wrong lock, an online run gives the
    /// clean lock, and `--offline` then gives it too.
    #[track_caller]
    fn check_recovery(&self) {
        let offline = self.resolve(&["--offline"]);
        match offline.code {
            Some(0) => assert_eq!(
                read(&self.lock_path()),
                self.clean_lock,
                "offline after fault"
            ),
            Some(3) => {
                assert!(offline.stderr.contains("--offline"), "{}", offline.stderr);
                self.assert_untouched("offline run after the fault");
            }
            other => panic!("offline after fault exited {other:?}:\n{}", offline.stderr),
        }
        self.resolve(&[]).assert_ok();
        assert_eq!(
            read(&self.lock_path()),
            self.clean_lock,
            "online after fault"
        );
        write(self.project.path(), "requirements.txt", OLD_LOCK);
        self.resolve(&["--offline"]).assert_ok();
        assert_eq!(
            read(&self.lock_path()),
            self.clean_lock,
            "offline after recovery"
        );
        write(self.project.path(), "requirements.txt", OLD_LOCK);
    }

    fn attempts(&self, path: &str) -> usize {
        self.index
            .requests()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }
}

/// No file in the cache contains `needle`.
#[track_caller]
fn assert_cache_free_of(dir: &Path, needle: &[u8]) {
    if let Some(file) = file_containing(dir, needle) {
        panic!(
            "the cache stored a bad response: {} holds {:?}",
            file.display(),
            String::from_utf8_lossy(needle)
        );
    }
}

// ---- the matrix: permanent faults exit 3 ----

#[test]
fn dropped_connection() {
    let w = World::new();
    w.index.inject("/simple/app/", Fault::Drop);
    w.check_failure(
        &[],
        &[
            "/simple/app/",
            "failed after 4 attempt(s)",
            "check the network",
        ],
        None,
    );
    // 4 attempts, then 1 by the recovery run (offline runs ask nothing).
    assert_eq!(w.attempts("/simple/app/"), 4 + 1);
}

#[test]
fn status_500() {
    let w = World::new();
    w.index.inject("/simple/lib/", Fault::Status(500));
    w.check_failure(
        &[],
        &["/simple/lib/", "HTTP 500", "try again later"],
        Some(b"injected fault"),
    );
}

#[test]
fn status_503_on_metadata() {
    let w = World::new();
    w.index.inject(APP_METADATA, Fault::Status(503));
    w.check_failure(
        &[],
        &[APP_METADATA, "HTTP 503", "try again later"],
        Some(b"injected fault"),
    );
}

#[test]
fn status_429_honours_retry_after_then_gives_up() {
    let w = World::new();
    w.index.inject(
        "/simple/app/",
        Fault::RetryAfter {
            status: 429,
            seconds: 1,
        },
    );
    let started = Instant::now();
    w.check_failure(&[], &["/simple/app/", "HTTP 429", "rate limiting"], None);
    // 3 retries, each after the server's 1 s (not the 0.2/0.4/0.8 s backoff).
    let first = w
        .index
        .requests()
        .iter()
        .filter(|r| r.path == "/simple/app/" && r.status == 429)
        .count();
    assert_eq!(first, 4);
    assert!(started.elapsed() >= Duration::from_secs(3));
}

#[test]
fn status_503_asking_for_an_hour_is_not_hammered() {
    let w = World::new();
    w.index.inject(
        "/simple/app/",
        Fault::RetryAfter {
            status: 503,
            seconds: 3600,
        },
    );
    let started = Instant::now();
    w.check_failure(&[], &["/simple/app/", "HTTP 503", "try again later"], None);
    assert!(started.elapsed() < Duration::from_secs(30));
    // One attempt, then one by the recovery run.
    assert_eq!(w.attempts("/simple/app/"), 1 + 1);
}

#[test]
fn status_429_with_retry_after_once_is_waited_out() {
    let w = World::new();
    w.index.inject_times(
        "/simple/util/",
        Fault::RetryAfter {
            status: 429,
            seconds: 2,
        },
        1,
    );
    let started = Instant::now();
    w.resolve(&[]).assert_ok();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 2 not honoured ({:?})",
        started.elapsed()
    );
    assert_eq!(read(&w.lock_path()), w.clean_lock);
}

#[test]
fn stall_mid_body_past_the_read_timeout() {
    let w = World::new();
    w.index
        .inject("/simple/app/", Fault::StallBody(Duration::from_secs(120)));
    let started = Instant::now();
    let failed = w.check_failure(
        &["--read-timeout", "1"],
        &[
            "/simple/app/",
            "failed after 4 attempt(s)",
            "timed out",
            "raise `--read-timeout`",
        ],
        None,
    );
    // 4 attempts of ~1 s plus 1.4 s of backoff, then three more runs; never 120 s.
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "took {:?}: {}",
        started.elapsed(),
        failed.stderr
    );
}

#[test]
fn stall_before_headers_past_the_read_timeout_from_env() {
    let w = World::new();
    w.index
        .inject(APP_METADATA, Fault::Delay(Duration::from_secs(120)));
    let started = Instant::now();
    // `World::resolve` passes `--read-timeout 20`; the variable must win only without
    // the flag, so run this one without the timeout flags.
    let failed = run(w
        .command()
        .env("LOCKIT_READ_TIMEOUT", "1")
        .env("LOCKIT_CONNECT_TIMEOUT", "1"));
    failed.assert_code(3);
    assert!(failed.stderr.contains(APP_METADATA), "{}", failed.stderr);
    assert!(failed.stderr.contains("timed out"), "{}", failed.stderr);
    assert!(
        failed.stderr.contains("--read-timeout"),
        "{}",
        failed.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "LOCKIT_READ_TIMEOUT=1 not honoured: {:?}",
        started.elapsed()
    );
    w.assert_untouched("stalled metadata");
    w.index.clear_faults();
    w.check_recovery();
}

#[test]
fn truncated_body() {
    let w = World::new();
    w.index.inject("/simple/lib/", Fault::Truncate);
    w.index.inject(APP_METADATA, Fault::Truncate);
    w.check_failure(
        &[],
        &["failed after 4 attempt(s)", "check the network"],
        None,
    );
}

#[test]
fn malformed_json_page() {
    let w = World::with_url(TestIndex::json_url);
    let garbage = br#"{"meta": {"api-version": "1.1"}, "files": [{"filename": "GARBAGE-MARK"#;
    w.index
        .inject("/json/simple/lib/", Fault::Body(garbage.to_vec()));
    w.check_failure(
        &[],
        &[
            "/json/simple/lib/",
            "could not parse the project page",
            "Simple API",
        ],
        Some(b"GARBAGE-MARK"),
    );
}

#[test]
fn malformed_html_page() {
    let w = World::with_url(TestIndex::html_url);
    // Binary garbage where a page should be (a proxy's error blob, a mangled encoding).
    let mut garbage = b"<html><body><a href=\"GARBAGE-MARK-1.0.tar.gz\">\xff\xfe\x00\x00".to_vec();
    garbage.extend((0u8..=255).cycle().take(4096));
    w.index.inject("/html/simple/lib/", Fault::Body(garbage));
    w.check_failure(
        &[],
        &["/html/simple/lib/", "could not parse the project page"],
        Some(b"GARBAGE-MARK"),
    );
}

#[test]
fn html_page_without_links_is_not_cached() {
    // Well-formed HTML with no links (a login or portal page answering 200): the project
    // looks empty, which is no solution. It must not stick in the cache.
    let w = World::with_url(TestIndex::html_url);
    let portal = b"<html><body><h1>Please sign in</h1><form></form></body></html>".to_vec();
    w.index.inject("/html/simple/lib/", Fault::Body(portal));
    let failed = w.resolve(&[]);
    failed.assert_code(1);
    assert!(failed.stderr.contains("lib"), "{}", failed.stderr);
    w.assert_untouched("portal page");
    w.index.clear_faults();
    w.check_recovery();
}

#[test]
fn metadata_sha256_mismatch() {
    let w = World::new();
    // Valid metadata for the right version, but not the bytes the index hashed.
    let forged = b"Metadata-Version: 2.1\nName: app\nVersion: 1.0.0\nRequires-Dist: FORGED-MARK\n";
    w.index.inject(APP_METADATA, Fault::Body(forged.to_vec()));
    w.check_failure(
        &[],
        &[
            APP_METADATA,
            "sha256",
            "try again or report it to the index",
        ],
        Some(b"FORGED-MARK"),
    );
}

#[test]
fn wheel_sha256_mismatch_when_read_whole() {
    // No `.metadata` and no ranges: the whole wheel is downloaded and must hash right.
    let w = World::new();
    w.index.set_ignore_ranges(true);
    w.index.inject(APP_METADATA, Fault::Status(404));
    w.index
        .inject("/files/app-1.0.0-py3-none-any.whl", Fault::Corrupt);
    w.check_failure(
        &[],
        &["/files/app-1.0.0-py3-none-any.whl", "sha256", "try again"],
        None,
    );
}

#[test]
fn redirect_loop() {
    let w = World::new();
    w.index
        .inject("/simple/app/", Fault::Redirect("/simple/app/".into()));
    w.check_failure(
        &[],
        &["/simple/app/", "too many redirects", "check the index URL"],
        None,
    );
}

#[test]
fn huge_page_without_length_is_cut_off() {
    let w = World::new();
    // 200 MB, no Content-Length: only counting stops it (the page limit is 64 MiB).
    w.index.inject(
        "/simple/app/",
        Fault::Huge {
            len: 200 << 20,
            declare_length: false,
        },
    );
    let started = Instant::now();
    w.check_failure(
        &[],
        &[
            "/simple/app/",
            "larger than the 67108864-byte limit",
            "project page",
        ],
        Some(b"huge body filler"),
    );
    // A limit is not retried: 1 attempt, then 1 by the recovery run.
    assert_eq!(w.attempts("/simple/app/"), 1 + 1);
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn huge_metadata_with_length_is_refused_up_front() {
    let w = World::new();
    w.index.inject(
        APP_METADATA,
        Fault::Huge {
            len: 10 << 30,
            declare_length: true,
        },
    );
    let started = Instant::now();
    w.check_failure(
        &[],
        &[
            APP_METADATA,
            "larger than the 16777216-byte limit",
            "metadata",
        ],
        Some(b"huge body filler"),
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

// ---- transient faults: retried, same lock as a clean run ----

#[test]
fn every_transient_fault_once_gives_the_clean_lock() {
    let w = World::new();
    w.index.inject_times("/simple/app/", Fault::Drop, 1);
    w.index.inject_times("/simple/lib/", Fault::Status(503), 2);
    w.index.inject_times("/simple/util/", Fault::Truncate, 1);
    w.index
        .inject_times(APP_METADATA, Fault::StallBody(Duration::from_secs(60)), 1);
    w.index.inject_times(
        "/files/lib-1.2.0-py3-none-any.whl.metadata",
        Fault::Status(500),
        3,
    );
    w.index.inject_times(
        "/files/util-1.5.0-py3-none-any.whl.metadata",
        Fault::RetryAfter {
            status: 429,
            seconds: 1,
        },
        1,
    );
    w.resolve(&["--read-timeout", "2"]).assert_ok();
    assert_eq!(read(&w.lock_path()), w.clean_lock);
    // And the cache it filled is good: offline gives the same bytes.
    write(w.project.path(), "requirements.txt", OLD_LOCK);
    w.resolve(&["--offline"]).assert_ok();
    assert_eq!(read(&w.lock_path()), w.clean_lock);
}

#[test]
fn seeded_random_faults_never_give_a_wrong_lock() {
    // Each seed: every request has a 25% chance of a transient fault. A run either
    // succeeds with the clean lock or exits 3 with the old lock; the cache stays usable.
    let mut outcomes = Vec::new();
    for seed in 1..=6u64 {
        let w = World::new();
        w.index.inject_random(
            "*",
            vec![
                Fault::Drop,
                Fault::Status(503),
                Fault::Status(500),
                Fault::Truncate,
                Fault::RetryAfter {
                    status: 429,
                    seconds: 0,
                },
            ],
            250,
            seed,
        );
        let r = w.resolve(&[]);
        match r.code {
            Some(0) => assert_eq!(read(&w.lock_path()), w.clean_lock, "seed {seed}"),
            Some(3) => w.assert_untouched(&format!("seed {seed}")),
            other => panic!("seed {seed}: exit {other:?}\n{}", r.stderr),
        }
        outcomes.push(r.code);
        w.index.clear_faults();
        w.check_recovery();
    }
    assert!(outcomes.contains(&Some(0)), "{outcomes:?}");
}

// ---- cache integrity ----

#[test]
fn damaged_cache_entries_are_dropped_refetched_and_reported_with_v() {
    let w = World::new();
    w.resolve(&[]).assert_ok();
    assert_eq!(read(&w.lock_path()), w.clean_lock);
    let entries = files_under(w.cache.path());
    assert!(entries.len() >= 4, "{entries:?}");
    for (i, file) in entries.iter().enumerate() {
        let bytes = std::fs::read(file).expect("read entry");
        let damaged = match i % 4 {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => Vec::new(),
            2 => b"GARBAGE-MARK: not a cache entry".to_vec(),
            _ => {
                let mut b = bytes;
                let mid = b.len() / 2;
                b[mid] ^= 0x01;
                b
            }
        };
        std::fs::write(file, damaged).expect("damage entry");
    }
    write(w.project.path(), "requirements.txt", OLD_LOCK);
    w.index.clear_requests();
    let run = w.resolve(&["-v"]);
    run.assert_ok();
    assert_eq!(read(&w.lock_path()), w.clean_lock);
    assert!(
        run.stderr.contains("warning: dropping damaged cache entry"),
        "{}",
        run.stderr
    );
    assert!(!w.index.requests().is_empty(), "nothing was refetched");
    assert_cache_free_of(w.cache.path(), b"GARBAGE-MARK");
    // Quiet without -v; and the refetched entries serve an offline run.
    write(w.project.path(), "requirements.txt", OLD_LOCK);
    let offline = w.resolve(&["--offline"]);
    offline.assert_ok();
    assert!(!offline.stderr.contains("warning"), "{}", offline.stderr);
    assert_eq!(read(&w.lock_path()), w.clean_lock);
}
