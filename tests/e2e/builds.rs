//! Metadata from builds (issue 13): sdists whose dependencies only a PEP 517 build can
//! tell, served by the test index with an in-tree backend (`backend-path = ["."]`, no
//! build requirements), so no network is needed. The backend appends one line per hook
//! call to the file `LOCKIT_TEST_BUILD_LOG` names, which tells when a build ran.

use std::path::Path;
use std::process::Command;

use crate::common::{
    build_log, lockit_cmd, pinmap, pins, read, run, scenario, serve, tempdir, write, TARGET_ARGS,
};

const SCENARIO: &str = r#"
name = "builds"

[[packages]]
name = "app"
version = "1.0.0"
requires = ["dyn"]

# The older release has a wheel; the newest is an sdist whose dependencies a build computes.
[[packages]]
name = "dyn"
version = "1.0.0"
requires = ["dep<2"]
[[packages]]
name = "dyn"
version = "2.0.0"
wheels = []
sdist = true
build = "dynamic"
requires = ["dep>=2"]

[[packages]]
name = "dep"
version = "1.0.0"
[[packages]]
name = "dep"
version = "2.0.0"

# The two newest releases' backends raise.
[[packages]]
name = "bad"
version = "1.0.0"
[[packages]]
name = "bad"
version = "1.5.0"
wheels = []
sdist = true
build = "fails"
[[packages]]
name = "bad"
version = "2.0.0"
wheels = []
sdist = true
build = "fails"

# A backend with no prepare_metadata_for_build_wheel.
[[packages]]
name = "whl"
version = "1.0.0"
wheels = []
sdist = true
build = "wheel-only"
requires = ["dep==1.0.0"]
"#;

/// `lockit resolve` with the fixed target, a cache at `cache`, the lock on stdout, not
/// quiet (so the `Built` lines and warnings are printed), and the backend's log at `log`.
fn build_cmd(dir: &Path, index: &str, cache: &Path, log: &Path) -> Command {
    let mut cmd = lockit_cmd(dir);
    cmd.arg("resolve")
        .args(TARGET_ARGS)
        .arg("--cache-dir")
        .arg(cache)
        .args(["--index-url", index, "--no-header", "-o", "-"])
        .args(["--connect-timeout", "5", "--read-timeout", "20"])
        .env("LOCKIT_TEST_BUILD_LOG", log);
    cmd
}

#[test]
fn a_dynamic_sdist_is_built_once_and_its_dependencies_pinned() {
    let index = serve(&scenario(SCENARIO));
    let dir = tempdir();
    let (cache, log) = (dir.path().join("cache"), dir.path().join("build.log"));
    write(dir.path(), "requirements.in", "app\n");

    let cold = run(build_cmd(dir.path(), &index.url(), &cache, &log).arg("requirements.in"));
    cold.assert_ok();
    assert_eq!(
        pins(&cold.stdout),
        pinmap(&[("app", "1.0.0"), ("dep", "2.0.0"), ("dyn", "2.0.0")])
    );
    assert!(
        cold.stderr
            .contains("Built metadata for dyn 2.0.0 (sdist)\n"),
        "{}",
        cold.stderr
    );
    assert_eq!(
        build_log(&log),
        [
            "get_requires_for_build_wheel dyn 2.0.0",
            "prepare_metadata_for_build_wheel dyn 2.0.0"
        ]
    );

    // Warm: the built metadata is cached by the sdist's sha256; nothing is built.
    let warm = run(build_cmd(dir.path(), &index.url(), &cache, &log).arg("requirements.in"));
    warm.assert_ok();
    assert_eq!(warm.stdout, cold.stdout);
    assert!(!warm.stderr.contains("Built"), "{}", warm.stderr);
    assert_eq!(build_log(&log).len(), 2);

    // And so offline runs that may not build give the same lock.
    let offline = run(build_cmd(dir.path(), &index.url(), &cache, &log).args([
        "requirements.in",
        "--offline",
        "--no-build",
    ]));
    offline.assert_ok();
    assert_eq!(offline.stdout, cold.stdout);
    assert_eq!(build_log(&log).len(), 2);
}

#[test]
fn no_build_leaves_the_release_out_and_says_why() {
    let index = serve(&scenario(SCENARIO));
    let dir = tempdir();
    let (cache, log) = (dir.path().join("cache"), dir.path().join("build.log"));
    write(dir.path(), "requirements.in", "app\n");
    for (flags, option) in [
        (&["--no-build"][..], "--no-build"),
        (&["--no-build-package", "DYN"][..], "--no-build-package dyn"),
    ] {
        let out = run(build_cmd(dir.path(), &index.url(), &cache, &log)
            .arg("requirements.in")
            .args(flags));
        out.assert_ok();
        assert_eq!(
            pins(&out.stdout),
            pinmap(&[("app", "1.0.0"), ("dep", "1.0.0"), ("dyn", "1.0.0")])
        );
        assert!(
            out.stderr.contains(&format!(
                "warning: dyn 2.0.0 was skipped (its metadata must be built from the sdist, and {option} forbids building it); dyn 1.0.0 is pinned instead\n"
            )),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("Built"), "{}", out.stderr);
    }
    assert!(!log.exists(), "a build ran: {:?}", build_log(&log));

    write(dir.path(), "pinned.in", "dyn==2.0.0\n");
    let out =
        run(build_cmd(dir.path(), &index.url(), &cache, &log).args(["pinned.in", "--no-build"]));
    out.assert_code(1);
    assert!(
        out.stderr.contains(
            "dyn 2.0.0 has only an sdist whose metadata must be built, which --no-build forbids"
        ),
        "{}",
        out.stderr
    );
    assert!(!log.exists());
}

#[test]
fn a_failing_build_is_reported_on_one_screen_and_an_older_release_used() {
    let index = serve(&scenario(SCENARIO));
    let dir = tempdir();
    let (cache, log) = (dir.path().join("cache"), dir.path().join("build.log"));
    write(dir.path(), "requirements.in", "bad\n");
    let out = run(build_cmd(dir.path(), &index.url(), &cache, &log).arg("requirements.in"));
    out.assert_ok();
    assert_eq!(pins(&out.stdout), pinmap(&[("bad", "1.0.0")]));
    let err = &out.stderr;
    for needle in [
        "warning: `prepare_metadata_for_build_wheel` of `bad` 2.0.0 failed (exit status 1); its last output:\n",
        "    | lockit test backend: this build fails on purpose\n",
        "    | RuntimeError: prepare_metadata_for_build_wheel of bad 2.0.0 fails on purpose\n",
        "  skip building it with `--no-build-package bad`, or constrain `bad` to a release with a wheel\n",
        "warning: 1 more release of `bad` could not be built: 1.5.0\n",
        "warning: bad 2.0.0 was skipped (building its metadata failed: `prepare_metadata_for_build_wheel` failed (exit status 1): RuntimeError: prepare_metadata_for_build_wheel of bad 2.0.0 fails on purpose); bad 1.0.0 is pinned instead\n",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in\n{err}");
    }
    assert!(!err.contains("1.5.0 failed"), "{err}");
    assert!(err.lines().count() <= 30, "not one screen:\n{err}");

    // A failure is not cached: the next run tries again, and says so again.
    let again = run(build_cmd(dir.path(), &index.url(), &cache, &log).arg("requirements.in"));
    again.assert_ok();
    assert!(
        again.stderr.contains("bad 2.0.0 was skipped"),
        "{}",
        again.stderr
    );
    assert_eq!(
        build_log(&log)
            .iter()
            .filter(|l| l.starts_with("prepare_metadata_for_build_wheel bad"))
            .count(),
        4
    );
}

#[test]
fn a_backend_without_the_prepare_hook_builds_a_wheel() {
    let index = serve(&scenario(SCENARIO));
    let dir = tempdir();
    let (cache, log) = (dir.path().join("cache"), dir.path().join("build.log"));
    write(dir.path(), "requirements.in", "whl\n");
    let out = run(build_cmd(dir.path(), &index.url(), &cache, &log).arg("requirements.in"));
    out.assert_ok();
    assert_eq!(
        pins(&out.stdout),
        pinmap(&[("dep", "1.0.0"), ("whl", "1.0.0")])
    );
    assert_eq!(
        build_log(&log),
        [
            "get_requires_for_build_wheel whl 1.0.0",
            "build_wheel whl 1.0.0"
        ]
    );
}

/// One build per sdist even when several processes share a cache: the first to take the
/// lock next to the cache entry builds, the others wait and read what it cached.
#[test]
fn processes_sharing_a_cache_build_once() {
    let index = serve(&scenario(SCENARIO));
    let dir = tempdir();
    let (cache, log) = (dir.path().join("cache"), dir.path().join("build.log"));
    write(dir.path(), "requirements.in", "app\n");
    let children: Vec<_> = (0..4)
        .map(|_| {
            build_cmd(dir.path(), &index.url(), &cache, &log)
                .arg("requirements.in")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn lockit")
        })
        .collect();
    let mut built = 0;
    for child in children {
        let out = crate::common::Run::from_output(child.wait_with_output().expect("wait"));
        out.assert_ok();
        assert_eq!(pins(&out.stdout)["dyn"], "2.0.0");
        built += out.stderr.matches("Built metadata for dyn 2.0.0").count();
    }
    assert_eq!(built, 1);
    assert_eq!(
        build_log(&log)
            .iter()
            .filter(|l| l.starts_with("prepare_metadata_for_build_wheel"))
            .count(),
        1,
        "{}",
        read(&log)
    );
}

/// `explain` lists the newer release a build could not give metadata for, with the reason
/// (never a silent downgrade, issue 13).
#[test]
fn explain_names_the_release_that_was_not_built() {
    let index = serve(&scenario(SCENARIO));
    let dir = tempdir();
    let (cache, log) = (dir.path().join("cache"), dir.path().join("build.log"));
    write(dir.path(), "requirements.in", "app\n");
    let mut cmd = lockit_cmd(dir.path());
    cmd.args(["explain", "dyn", "requirements.in", "--no-build"])
        .args(TARGET_ARGS)
        .arg("--cache-dir")
        .arg(&cache)
        .args(["--index-url", &index.url()])
        .env("LOCKIT_TEST_BUILD_LOG", &log);
    let out = run(&mut cmd);
    out.assert_ok();
    assert!(out.stdout.contains("dyn 1.0.0 is pinned"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Newer than dyn 1.0.0 and not chosen:\n  dyn 2.0.0: ")
            && out.stdout.contains(
                "dyn 2.0.0 has only an sdist whose metadata must be built, which --no-build forbids"
            ),
        "{}",
        out.stdout
    );
    assert!(!log.exists());
}

/// Regression: a failing sdist named by URL was reported as if the index were its source
/// ("bad does not exist on the index", "no version of bad matches bad!=2.0.0 (the index
/// has …)"), with advice about other releases (`--no-build-package`, "constrain bad to a
/// release with a wheel") that cannot help a URL's one file.
#[test]
fn regression_a_failing_sdist_named_by_url_is_reported_as_that_file() {
    let index = serve(&scenario(SCENARIO));
    let dir = tempdir();
    let (cache, log) = (dir.path().join("cache"), dir.path().join("build.log"));
    let url = index.file_url("bad-2.0.0.tar.gz");
    write(dir.path(), "requirements.in", format!("bad @ {url}\n"));
    for flags in [&[][..], &["--no-build"][..]] {
        let out = run(build_cmd(dir.path(), &index.url(), &cache, &log)
            .arg("requirements.in")
            .args(flags));
        out.assert_code(1);
        let err = &out.stderr;
        assert!(
            err.contains(&format!(
                "Because bad comes only from `{url}` and bad 2.0.0"
            )),
            "{flags:?}: {err}"
        );
        assert!(
            err.contains(&format!("or require a wheel of bad instead of `{url}`")),
            "{flags:?}: {err}"
        );
        for wrong in ["the index", "--no-build-package", "constrain"] {
            assert!(!err.contains(wrong), "{flags:?}: {wrong:?} in\n{err}");
        }
    }
}
