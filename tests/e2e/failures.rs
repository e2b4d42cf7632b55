//! Failing runs: no solution (exit 1), unknown packages (exit 1), index and network
//! failures (exit 3), and a `kill -9` mid-run. In every case an existing lock is left
//! byte-identical and no temporary file is left next to it.

use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{
    self, load_scenario, resolve, resolve_cmd, scenario, serve, tempdir, write, Run, SMALL,
};
use lockit_test_index::{Fault, TestIndex};

/// What a user's directory holds before a failing run: an input and a good old lock.
const OLD_LOCK: &str =
    "# an old lock, which a failed run must not touch\napp==0.9.0 \\\n    --hash=sha256:00\n";

/// A directory with `requirements.in` (`input`) and an old `requirements.txt`.
fn project(input: &str) -> tempfile::TempDir {
    let dir = tempdir();
    write(dir.path(), "requirements.in", input);
    write(dir.path(), "requirements.txt", OLD_LOCK);
    dir
}

/// The old lock is unchanged and nothing else appeared.
#[track_caller]
fn assert_untouched(dir: &Path, what: &str) {
    assert_eq!(
        std::fs::read(dir.join("requirements.txt")).expect("old lock still there"),
        OLD_LOCK.as_bytes(),
        "{what}: the old lock changed"
    );
    assert_eq!(
        common::other_entries(dir, &["requirements.in", "requirements.txt"]),
        Vec::<String>::new(),
        "{what}: stray files"
    );
}

/// Runs a resolve of `input` that must fail with `code`, then checks stderr for `needles`,
/// that it is one screen without a panic, and that the old lock survived.
#[track_caller]
fn assert_fails(url: &str, input: &str, code: i32, needles: &[&str], what: &str) -> Run {
    let dir = project(input);
    let run = resolve(dir.path(), url, ["requirements.in"]);
    let ctx = format!("{what}\n--- stderr\n{}", run.stderr);
    assert_eq!(run.code, Some(code), "{ctx}");
    for needle in needles {
        assert!(run.stderr.contains(needle), "{ctx}\nno `{needle}`");
    }
    assert!(run.stderr.lines().count() < 40, "{ctx}\nmore than a screen");
    assert!(!run.stderr.contains("panicked"), "{ctx}");
    assert!(run.stdout.is_empty(), "{ctx}\nstdout: {}", run.stdout);
    assert_untouched(dir.path(), what);
    run
}

// ---- no solution (exit 1) ----

#[test]
fn no_solution_names_both_conflicting_packages() {
    let index = serve(&load_scenario("conflict"));
    let run = assert_fails(
        &index.url(),
        "left\nright\n",
        1,
        &["left", "right", "shared"],
        "conflict",
    );
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
}

#[test]
fn no_solution_from_two_root_requirements() {
    let index = serve(&scenario(SMALL));
    assert_fails(
        &index.url(),
        "util>=2\nlib\n",
        1,
        &["util", "lib"],
        "root util>=2 against lib's util<2",
    );
}

#[test]
fn no_version_matches_the_specifier() {
    let index = serve(&scenario(SMALL));
    assert_fails(&index.url(), "util>=9\n", 1, &["util"], "util>=9");
}

// ---- unknown packages: 404 means "no such project", exit 1 and not 3 ----

#[test]
fn unknown_root_package_is_no_solution() {
    let index = serve(&scenario(SMALL));
    assert_fails(
        &index.url(),
        "app\nno-such-package\n",
        1,
        &["no-such-package", "requirements.in:2"],
        "unknown root package",
    );
}

/// The no-solution report must say *why* a package has no candidates. Today the resolver
/// collapses PubGrub's `NoVersions` nodes (`collapse_no_versions` in
/// `resolver/src/provider.rs`) and the reason disappears: `lockit resolve` of
/// `no-such-package` prints only "you require `no-such-package` (requirements.in:1)",
/// and `util>=9` (index has 1.5.0, 2.0.0) only "you require `util>=9` (requirements.in:1)".
#[test]
fn no_solution_report_says_why_a_package_has_no_versions() {
    let index = serve(&scenario(SMALL));
    for (input, package) in [
        ("no-such-package\n", "no-such-package"),
        ("util>=9\n", "util"),
        ("app\nnot-there>=1\n", "not-there"),
    ] {
        let run = assert_fails(&index.url(), input, 1, &[package], input);
        let lower = run.stderr.to_lowercase();
        assert!(
            [
                "not found",
                "no version",
                "not on the index",
                "does not exist"
            ]
            .iter()
            .any(|why| lower.contains(why)),
            "{input:?}: stderr does not say why `{package}` has no versions:\n{}",
            run.stderr
        );
    }
}

#[test]
fn injected_404_for_a_dependency_is_no_solution() {
    let index = serve(&scenario(SMALL));
    index.inject("/simple/util/", Fault::Status(404));
    // A 404 is "no such project" (exit 1), not an index failure (exit 3).
    let run = assert_fails(&index.url(), "app\n", 1, &["util", "app"], "404 for util");
    assert!(!run.stderr.contains("HTTP 404"), "{}", run.stderr);
}

// ---- index and network failures (exit 3) ----

#[test]
fn closed_port_exits_3() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/simple/");
    let started = Instant::now();
    assert_fails(
        &url,
        "app\n",
        3,
        &[&format!("127.0.0.1:{port}")],
        "closed port",
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn status_500_on_every_request_exits_3_after_retries() {
    let index = serve(&scenario(SMALL));
    index.inject("*", Fault::Status(500));
    assert_fails(&index.url(), "app\n", 3, &["500"], "500 everywhere");
    let attempts = index
        .requests()
        .iter()
        .filter(|r| r.path == "/simple/app/")
        .count();
    assert!(
        attempts > 1,
        "a 500 should be retried; {attempts} attempt(s)"
    );
}

#[test]
fn status_500_on_metadata_exits_3() {
    let index = serve(&scenario(SMALL));
    index.inject("/files/*", Fault::Status(500));
    assert_fails(&index.url(), "app\n", 3, &["500"], "500 on files");
}

#[test]
fn transient_503_is_retried_and_succeeds() {
    let index = serve(&scenario(SMALL));
    index.inject_times("/simple/app/", Fault::Status(503), 2);
    index.inject_times(
        "/simple/lib/",
        Fault::RetryAfter {
            status: 429,
            seconds: 1,
        },
        1,
    );
    let dir = project("app\n");
    resolve(dir.path(), &index.url(), ["requirements.in"]).assert_ok();
    assert_eq!(
        common::pins(&common::read_lock(dir.path())),
        common::pinmap(&[("app", "1.0.0"), ("lib", "1.2.0"), ("util", "1.5.0")])
    );
}

#[test]
fn dropped_connections_exit_3() {
    let index = serve(&scenario(SMALL));
    index.inject("/simple/*", Fault::Drop);
    assert_fails(&index.url(), "app\n", 3, &["/simple/app/"], "dropped");
}

#[test]
fn garbage_project_page_exits_3() {
    let index = serve(&scenario(SMALL));
    index.inject("/simple/lib/", Fault::Body(b"{not json".to_vec()));
    assert_fails(&index.url(), "app\n", 3, &["lib"], "garbage page");
}

#[test]
fn forbidden_exits_3() {
    let index = serve(&scenario(SMALL));
    index.inject("/simple/*", Fault::Status(403));
    assert_fails(&index.url(), "app\n", 3, &["403"], "403");
}

// ---- kill -9 mid-run ----

fn wait_for(index: &TestIndex, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !index.requests().iter().any(|r| r.path == path) {
        assert!(Instant::now() < deadline, "{path} never requested");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn kill_9_mid_run_leaves_the_old_lock() {
    let index = serve(&scenario(SMALL));
    // Pages answer at once, files (metadata) hang: the run is stuck mid-resolution.
    index.inject("/files/*", Fault::Delay(Duration::from_secs(60)));
    let dir = project("app\nother\n");
    let mut child = resolve_cmd(dir.path(), &index.url())
        .arg("requirements.in")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn lockit");
    wait_for(&index, "/simple/app/");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "lockit finished before it was killed"
    );
    child.kill().expect("kill -9");
    let status = child.wait().expect("wait");
    assert!(!status.success());
    assert_untouched(dir.path(), "kill -9 mid-run");
}

#[test]
fn kill_9_while_many_runs_are_in_flight() {
    // Slow everything a little so runs are killed at different points, some late.
    let index = serve(&scenario(SMALL));
    index.inject("*", Fault::Delay(Duration::from_millis(30)));
    let dir = project("app\nother\n");
    for delay_ms in [0u64, 50, 150, 300, 600] {
        let mut child = resolve_cmd(dir.path(), &index.url())
            .args(["requirements.in", "-o", "requirements.txt"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn lockit");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().expect("try_wait").is_some();
        let _ = child.kill();
        let _ = child.wait();
        if !finished {
            // Either the old lock or a complete new one; never half, never a temp file.
            let lock = common::read_lock(dir.path());
            if lock != OLD_LOCK {
                assert_eq!(
                    common::pins(&lock),
                    common::pinmap(&[
                        ("app", "1.0.0"),
                        ("lib", "1.2.0"),
                        ("other", "3.0.0"),
                        ("util", "1.5.0")
                    ])
                );
                write(dir.path(), "requirements.txt", OLD_LOCK);
            }
            assert_untouched(dir.path(), &format!("killed after {delay_ms} ms"));
        }
    }
}

#[test]
fn broken_responses_exit_3() {
    let metadata = "/files/app-1.0.0-py3-none-any.whl.metadata";
    for (pattern, fault, needle) in [
        ("/simple/app/", Fault::Truncate, "/simple/app/"),
        (metadata, Fault::Truncate, metadata),
        (metadata, Fault::Corrupt, "sha256"),
        (
            metadata,
            Fault::Body(b"Metadata-Version: 2.1\n".to_vec()),
            "sha256",
        ),
        (
            "/simple/app/",
            Fault::Redirect("/simple/app/".into()),
            "redirect",
        ),
    ] {
        let index = serve(&scenario(SMALL));
        index.inject(pattern, fault.clone());
        assert_fails(
            &index.url(),
            "app\n",
            3,
            &[needle],
            &format!("{pattern} {fault:?}"),
        );
    }
}

#[test]
fn one_truncated_response_is_retried() {
    let index = serve(&scenario(SMALL));
    index.inject_times("/simple/app/", Fault::Truncate, 1);
    index.inject_times("/files/lib-1.2.0-py3-none-any.whl.metadata", Fault::Drop, 1);
    let dir = project("app\n");
    resolve(dir.path(), &index.url(), ["requirements.in"]).assert_ok();
    assert_eq!(common::pins(&common::read_lock(dir.path()))["lib"], "1.2.0");
}

#[test]
fn no_solution_with_dash_o_dash_prints_no_lock() {
    let index = serve(&load_scenario("conflict"));
    let dir = project("left\nright\n");
    let run = resolve(dir.path(), &index.url(), ["requirements.in", "-o", "-"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "");
    assert_untouched(dir.path(), "-o - no solution");
}

#[test]
fn unwritable_output_exits_2_and_leaves_nothing() {
    let index = serve(&scenario(SMALL));
    let dir = project("app\n");
    let run = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-o", "no-such-dir/lock.txt"],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("no-such-dir/lock.txt"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
    assert_untouched(dir.path(), "unwritable output");
}
