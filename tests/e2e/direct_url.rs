//! Requirements that name their file by URL: `name @ https://…/name-1.0-py3-none-any.whl`.

use crate::common::{
    read, resolve, resolve_cmd_cached, run, scenario, serve, tempdir, write, SMALL,
};

#[test]
fn url_requirement_is_pinned_with_its_hash_and_dependencies() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let wheel = "lib-1.0.0-py3-none-any.whl";
    let url = index.file_url(wheel);
    write(dir.path(), "requirements.in", format!("lib @ {url}\n"));
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-o", "lock.txt"],
    )
    .assert_ok();
    let lock = read(&dir.path().join("lock.txt"));
    // The URL wins over the index's newer lib 1.2.0, and its dependency is followed.
    assert!(lock.contains(&format!("lib @ {url} \\")), "{lock}");
    assert!(!lock.contains("lib==1.2.0"), "{lock}");
    assert!(lock.contains("util==1.5.0"), "{lock}");
    // Hashed by reading the file, since the URL carries no #sha256= fragment.
    let sha = index_sha256(&index, wheel);
    assert!(lock.contains(&format!("--hash=sha256:{sha}")), "{lock}");
}

#[test]
fn url_fragment_hash_that_matches_is_kept() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let wheel = "util-1.5.0-py3-none-any.whl";
    let sha = index_sha256(&index, wheel);
    write(
        dir.path(),
        "requirements.in",
        format!("util @ {}#sha256={sha}\n", index.file_url(wheel)),
    );
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-o", "lock.txt"],
    )
    .assert_ok();
    let lock = read(&dir.path().join("lock.txt"));
    assert!(lock.contains(&format!("--hash=sha256:{sha}")), "{lock}");
}

/// Issue 16: a `#sha256=` fragment is a promise. A wrong one used to be copied into the
/// lock as the file's hash.
#[test]
fn regression_url_fragment_hash_that_does_not_match_is_refused() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let wheel = "util-1.5.0-py3-none-any.whl";
    let wrong = "0".repeat(64);
    write(
        dir.path(),
        "requirements.in",
        format!("util @ {}#sha256={wrong}\n", index.file_url(wheel)),
    );
    let run = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-o", "lock.txt"],
    );
    run.assert_code(1);
    let sha = index_sha256(&index, wheel);
    assert!(run.stderr.contains("requirements.in:1"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "promises sha256:{wrong} but the file has sha256:{sha}"
        )),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("lock.txt").exists());
}

#[test]
fn url_that_is_not_a_distribution_is_bad_input() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(
        dir.path(),
        "requirements.in",
        format!("lib @ {}\n", index.file_url("not-a-dist.txt")),
    );
    let run = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-o", "lock.txt"],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("requirements.in:1"), "{}", run.stderr);
    assert!(!dir.path().join("lock.txt").exists());
}

fn index_sha256(_index: &lockit_test_index::TestIndex, filename: &str) -> String {
    let built = scenario(SMALL).build().expect("build scenario");
    built.sha256(filename).expect("file in scenario")
}

/// Regression: after an online run, `--offline` failed on a URL requirement ("is not in
/// the cache"), since its hash came only from reading the file; `verify --offline` said
/// the URL's dependencies were not required by anything. The hash is kept in the
/// cache for offline runs; online, the file is read again, as what a URL serves can change.
#[test]
fn regression_url_requirement_resolves_offline_from_the_cache() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let url = index.file_url("lib-1.0.0-py3-none-any.whl");
    write(dir.path(), "requirements.in", format!("lib @ {url}\n"));
    let cache = dir.path().join("cache");
    let index_url = index.url();
    let lock = |out: &str, offline: bool| {
        let mut cmd = resolve_cmd_cached(dir.path(), &index_url, Some(&cache));
        cmd.args(["requirements.in", "--no-header", "-o", out]);
        if offline {
            cmd.arg("--offline");
        }
        run(&mut cmd).assert_ok();
        read(&dir.path().join(out))
    };
    let online = lock("online.txt", false);
    drop(index);
    assert_eq!(lock("offline.txt", true), online);
    // verify --offline follows the URL's pin to its dependencies (regression: it found no
    // metadata for a pin without a version, and called its dependencies extraneous).
    let mut verify = crate::common::lockit_cmd(dir.path());
    verify
        .args([
            "verify",
            "requirements.in",
            "--lock",
            "online.txt",
            "--offline",
        ])
        .arg("--cache-dir")
        .arg(&cache)
        .args(["--index-url", &index_url])
        .args(crate::common::TARGET_ARGS);
    let checked = run(&mut verify);
    checked.assert_ok();
    // Without the cache there is nothing to go on: it says so, naming the URL.
    let mut cold = resolve_cmd_cached(dir.path(), &url, Some(&dir.path().join("empty")));
    cold.args(["requirements.in", "--offline", "-o", "cold.txt"]);
    let failed = run(&mut cold);
    assert_eq!(failed.code, Some(3), "{}", failed.stderr);
    assert!(failed.stderr.contains(&url), "{}", failed.stderr);
}
