//! `explain` and the conflict report against the real PyPI, pinned in time with
//! `--exclude-newer` (the acceptance cases of the explain issue). They need network
//! access to pypi.org.

use std::path::Path;

use crate::common::{self, lockit_cmd, run, tempdir, write, Run, TARGET_ARGS};

const PYPI: &str = "https://pypi.org/simple/";
const EXCLUDE_NEWER: &str = "2026-11-01T00:00:00Z";

/// `lockit <command> <args> requirements.in` with the fixed target, sharing `cache`.
fn lockit(dir: &Path, cache: &Path, command: &str, args: &[&str]) -> Run {
    let mut cmd = lockit_cmd(dir);
    cmd.arg(command)
        .args(args)
        .arg("requirements.in")
        .args(TARGET_ARGS)
        .args(["--exclude-newer", EXCLUDE_NEWER, "-q", "--index-url", PYPI])
        .arg("--cache-dir")
        .arg(cache)
        .env("NO_COLOR", "1");
    run(&mut cmd)
}

#[test]
fn conflict_numpy_says_no_cp312_wheel_and_suggests_a_fix_that_resolves() {
    let dir = tempdir();
    let cache = tempdir();
    write(
        dir.path(),
        "requirements.in",
        "tensorflow==2.15.0\nnumpy>=2\n",
    );
    let resolve = lockit(dir.path(), cache.path(), "resolve", &["-o", "-"]);
    resolve.assert_code(1);
    let explain = lockit(dir.path(), cache.path(), "explain", &["tensorflow"]);
    explain.assert_code(1);
    for text in [&resolve.stderr, &explain.stdout] {
        assert!(
            text.contains("tensorflow 2.15.0 has no wheel for cp312"),
            "{text}"
        );
        assert!(text.contains("cp39, cp310, cp311"), "{text}");
    }
    // The first run fills the cache; on a slow link its search for fixes may run out of
    // time (and say so). The second finds a fix.
    assert!(
        resolve.stderr.contains("fix: ") || resolve.stderr.contains("stopped looking for fixes"),
        "{}",
        resolve.stderr
    );
    assert!(explain.stdout.contains("fix: "), "{}", explain.stdout);
    // The first fix, applied by hand, resolves.
    let line = explain
        .stdout
        .lines()
        .find(|l| l.contains("change `tensorflow==2.15.0`"))
        .unwrap_or_else(|| panic!("no tensorflow fix in\n{}", explain.stdout));
    let after = line
        .split(" to `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("cannot read the fix `{line}`"));
    write(
        dir.path(),
        "requirements.in",
        format!("{after}\nnumpy>=2\n"),
    );
    lockit(dir.path(), cache.path(), "resolve", &["-o", "-"]).assert_ok();
}

#[test]
fn datasci_explain_numpy_lists_every_dependent_and_the_newest() {
    let dir = tempdir();
    let cache = tempdir();
    write(
        dir.path(),
        "requirements.in",
        "pandas\nscikit-learn\nmatplotlib\nseaborn\nstatsmodels\nscipy\n",
    );
    let lock = lockit(dir.path(), cache.path(), "resolve", &["-o", "-"]);
    lock.assert_ok();
    let explain = lockit(dir.path(), cache.path(), "explain", &["numpy"]);
    explain.assert_ok();
    let out = &explain.stdout;
    // Every package the lock says numpy is `# via` appears with its specifier.
    let vias = common::vias(&lock.stdout);
    let dependents = vias.get("numpy").expect("numpy is in the lock");
    assert!(dependents.len() >= 5, "{dependents:?}");
    for d in dependents {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with("numpy") && l.contains(&format!("(from {d} "))),
            "dependent {d} missing in\n{out}"
        );
    }
    assert!(
        out.contains("Newest on the index for this target: numpy "),
        "{out}"
    );
    assert!(out.contains("Allowed: numpy"), "{out}");
}
