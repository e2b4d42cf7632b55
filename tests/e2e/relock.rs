//! Re-locking: the existing output's pins are preferences, so adding a requirement changes
//! only what must change; `--upgrade` and `-P` let pins move; a summary says what changed.
//! Also `--override`, which replaces what a dependency declares.

use crate::common::{
    locked_dir, pinmap, pins, read, read_lock, resolve, resolve_cmd_loud, run, scenario, serve,
    tempdir, write, Run,
};

/// What the index looked like when the lock was first made.
const OLD: &str = r#"
name = "relock-old"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["lib>=1", "util"]
[[packages]]
name = "lib"
version = "1.0.0"
requires = ["util<2"]
[[packages]]
name = "util"
version = "1.0.0"
"#;

/// Later: every package has a newer release, and `rich` (with a dependency) exists.
const NEW: &str = r#"
name = "relock-new"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["lib>=1", "util"]
[[packages]]
name = "app"
version = "1.1.0"
requires = ["lib>=1", "util"]
[[packages]]
name = "lib"
version = "1.0.0"
requires = ["util<2"]
[[packages]]
name = "lib"
version = "1.1.0"
requires = ["util"]
[[packages]]
name = "util"
version = "1.0.0"
[[packages]]
name = "util"
version = "2.0.0"
[[packages]]
name = "rich"
version = "1.0.0"
requires = ["markdown>=1"]
[[packages]]
name = "markdown"
version = "1.0.0"
"#;

/// `lockit resolve` without `-q`, so the change summary is printed.
fn resolve_loud(dir: &std::path::Path, index_url: &str, args: &[&str]) -> Run {
    run(resolve_cmd_loud(dir, index_url).args(args))
}

fn summary(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter(|l| {
            l.starts_with("+ ")
                || l.starts_with("- ")
                || l.starts_with("~ ")
                || *l == "lock unchanged"
        })
        .map(str::to_string)
        .collect()
}

/// Locks `app` against [`OLD`] in a fresh directory.
fn old_lock() -> tempfile::TempDir {
    let old = serve(&scenario(OLD));
    let dir = locked_dir(&old.url(), "app\n", &[]);
    assert_eq!(
        pins(&read_lock(dir.path())),
        pinmap(&[("app", "1.0.0"), ("lib", "1.0.0"), ("util", "1.0.0")])
    );
    dir
}

#[test]
fn adding_a_requirement_adds_only_it_and_its_dependencies() {
    let dir = old_lock();
    let new = serve(&scenario(NEW));
    write(dir.path(), "requirements.in", "app\nrich\n");
    let run = resolve_loud(dir.path(), &new.url(), &["requirements.in"]);
    run.assert_ok();
    assert_eq!(
        pins(&read_lock(dir.path())),
        pinmap(&[
            ("app", "1.0.0"),
            ("lib", "1.0.0"),
            ("markdown", "1.0.0"),
            ("rich", "1.0.0"),
            ("util", "1.0.0"),
        ])
    );
    assert_eq!(summary(&run), ["+ markdown 1.0.0", "+ rich 1.0.0"]);

    let again = resolve_loud(dir.path(), &new.url(), &["requirements.in"]);
    assert_eq!(summary(again.assert_ok()), ["lock unchanged"]);

    write(dir.path(), "requirements.in", "app\n");
    let removed = resolve_loud(dir.path(), &new.url(), &["requirements.in"]);
    assert_eq!(
        summary(removed.assert_ok()),
        ["- markdown 1.0.0", "- rich 1.0.0"]
    );
}

#[test]
fn upgrade_drops_every_pin() {
    let dir = old_lock();
    let new = serve(&scenario(NEW));
    let run = resolve_loud(dir.path(), &new.url(), &["requirements.in", "--upgrade"]);
    assert_eq!(
        summary(run.assert_ok()),
        [
            "~ app 1.0.0 -> 1.1.0",
            "~ lib 1.0.0 -> 1.1.0",
            "~ util 1.0.0 -> 2.0.0"
        ]
    );
}

#[test]
fn upgrade_package_moves_one_pin_and_what_must_follow() {
    let dir = old_lock();
    let new = serve(&scenario(NEW));
    // `-P lib`: lib may move; util is still preferred at 1.0.0 and lib 1.1.0 allows it.
    let run = resolve_loud(dir.path(), &new.url(), &["requirements.in", "-P", "lib"]);
    assert_eq!(summary(run.assert_ok()), ["~ lib 1.0.0 -> 1.1.0"]);

    // `-P util`: util moves to 2.0.0, which lib 1.1.0 allows; nothing else changes.
    let run = resolve_loud(dir.path(), &new.url(), &["requirements.in", "-P", "util"]);
    assert_eq!(summary(run.assert_ok()), ["~ util 1.0.0 -> 2.0.0"]);

    // `-P lib==1.0.0` sets lib back; util must follow (lib 1.0.0 needs util<2); app stays.
    let run = resolve_loud(
        dir.path(),
        &new.url(),
        &["requirements.in", "--upgrade-package", "lib==1.0.0"],
    );
    assert_eq!(
        summary(run.assert_ok()),
        ["~ lib 1.1.0 -> 1.0.0", "~ util 2.0.0 -> 1.0.0"]
    );
    assert_eq!(pins(&read_lock(dir.path()))["app"], "1.0.0");
}

#[test]
fn bad_upgrade_package_is_bad_input() {
    let dir = old_lock();
    let new = serve(&scenario(NEW));
    let run = resolve(dir.path(), &new.url(), ["requirements.in", "-P", "lib>>1"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("--upgrade-package `lib>>1`"),
        "{}",
        run.stderr
    );
}

#[test]
fn unreadable_output_is_replaced_with_a_warning() {
    let new = serve(&scenario(NEW));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "util\n");
    write(dir.path(), "requirements.txt", "<<<<<<< HEAD\n");
    let run = resolve_loud(dir.path(), &new.url(), &["requirements.in"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("warning: not keeping the pins"),
        "{}",
        run.stderr
    );
    assert_eq!(pins(&read_lock(dir.path())), pinmap(&[("util", "2.0.0")]));
}

#[test]
fn pylock_output_pins_are_kept_too() {
    let old = serve(&scenario(OLD));
    let dir = locked_dir(&old.url(), "app\n", &["--format", "pylock"]);
    let new = serve(&scenario(NEW));
    write(dir.path(), "requirements.in", "app\nrich\n");
    let run = resolve_loud(
        dir.path(),
        &new.url(),
        &["requirements.in", "--format", "pylock"],
    );
    assert_eq!(
        summary(run.assert_ok()),
        ["+ markdown 1.0.0", "+ rich 1.0.0"]
    );
    let lock = read(&dir.path().join("pylock.toml"));
    assert!(
        lock.contains("name = \"app\"\nversion = \"1.0.0\""),
        "{lock}"
    );
}

#[test]
fn override_replaces_what_a_dependency_declares() {
    let new = serve(&scenario(NEW));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "lib==1.0.0\n");
    // lib 1.0.0 declares util<2; the override says any util>=2 will do.
    write(dir.path(), "overrides.txt", "util>=2\n");
    resolve(
        dir.path(),
        &new.url(),
        ["requirements.in", "--override", "overrides.txt"],
    )
    .assert_ok();
    assert_eq!(
        pins(&read_lock(dir.path())),
        pinmap(&[("lib", "1.0.0"), ("util", "2.0.0")])
    );
    // Without it, the declared bound holds.
    resolve(dir.path(), &new.url(), ["requirements.in", "--upgrade"]).assert_ok();
    assert_eq!(pins(&read_lock(dir.path()))["util"], "1.0.0");
}

/// Issue 16: files uploaded to a release after it was locked (here, an sdist) are not
/// added by a re-lock without `-P`: they are a supply-chain change. `-P` takes them, and
/// the summary says so instead of "lock unchanged".
#[test]
fn regression_relock_keeps_the_hash_lines_of_kept_pins() {
    const WHEEL_ONLY: &str = r#"
name = "hashes-then"
[[packages]]
name = "lib"
version = "1.0.0"
"#;
    const WITH_SDIST: &str = r#"
name = "hashes-now"
[[packages]]
name = "lib"
version = "1.0.0"
sdist = true
"#;
    let then = serve(&scenario(WHEEL_ONLY));
    let dir = locked_dir(&then.url(), "lib\n", &[]);
    let body = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let before = read_lock(dir.path());
    assert_eq!(before.matches("--hash=").count(), 1, "{before}");

    let now = serve(&scenario(WITH_SDIST));
    let run = resolve_loud(dir.path(), &now.url(), &["requirements.in"]);
    run.assert_ok();
    let after = read_lock(dir.path());
    assert_eq!(body(&after), body(&before), "hash lines kept");
    // The header changed (another index URL), so the lock is not "unchanged".
    assert!(!run.stderr.contains("lock unchanged"), "{}", run.stderr);

    let run = resolve_loud(dir.path(), &now.url(), &["requirements.in", "-P", "lib"]);
    run.assert_ok();
    let moved = read_lock(dir.path());
    assert_eq!(moved.matches("--hash=").count(), 2, "{moved}");
    assert_eq!(
        summary(&run),
        ["~ lib 1.0.0: 1 hash added, 0 hashes removed"]
    );
}
