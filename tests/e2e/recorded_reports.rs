//! Conflict reports on real, long release histories, replayed offline from
//! `tests/fixtures/pypi-conflicts/` (recorded from PyPI, see its README): a report fits
//! one screen whatever the history.

use std::path::{Path, PathBuf};

use crate::common::{lockit_cmd, tempdir, write, Run, TARGET_ARGS};
use lockit_test_index::TestIndex;

const EXCLUDE_NEWER: &str = "2026-11-01T00:00:00Z";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pypi-conflicts")
}

/// `lockit resolve requirements.in` with `input` and `extra` flags against the recorded
/// index; the report from a warm second run (the first fills the cache), redacted.
fn report(input: &str, extra: &[&str]) -> (Option<i32>, String) {
    let index = TestIndex::serve_recorded(&fixture()).expect("serve the recorded fixture");
    let dir = tempdir();
    write(dir.path(), "requirements.in", input);
    let cache = dir.path().join("cache");
    let mut last = None;
    for _ in 0..2 {
        let mut cmd = lockit_cmd(dir.path());
        cmd.args(["resolve", "requirements.in", "-o", "-"])
            .args(TARGET_ARGS)
            .args(["--exclude-newer", EXCLUDE_NEWER, "-q"])
            .arg("--cache-dir")
            .arg(&cache)
            .args(["--index-url", &index.url()])
            .args(extra)
            .env("NO_COLOR", "1");
        last = Some(Run::from_output(cmd.output().expect("run lockit")));
    }
    let run = last.expect("ran");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let base = index.url();
    let text = run
        .stderr
        .replace(base.trim_end_matches("/simple/"), "[INDEX]");
    (run.code, text)
}

/// The budget every report keeps, and what none may contain.
#[track_caller]
fn assert_one_screen(text: &str, max_lines: usize, max_line: usize) {
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= max_lines, "{} lines:\n{text}", lines.len());
    assert!(
        text.len() <= lockit_resolver::REPORT_MAX_BYTES,
        "{} bytes:\n{text}",
        text.len()
    );
    for line in &lines {
        assert!(
            line.chars().count() <= max_line,
            "a line of {} characters:\n{line}",
            line.chars().count()
        );
    }
    for bad in ["://", "try --refresh", " or >", "no usable metadata for"] {
        assert!(!text.contains(bad), "`{bad}` in\n{text}");
    }
}

/// Issue 15's acceptance case: at most 15 lines, none over 200 characters, no
/// pre-release hint (pre-releases have nothing to do with it), both fixes still offered.
#[test]
fn django_5_with_asgiref_below_3_fits_fifteen_lines() {
    let (code, text) = report("django>=5\nasgiref<3\n", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert_one_screen(&text, 15, 200);
    assert!(!text.contains("pre-release"), "{text}");
    assert!(
        text.contains("change `django>=5` (requirements.in:1) to `django`"),
        "{text}"
    );
    assert!(
        text.contains("change `asgiref<3` (requirements.in:2) to `asgiref>=3.9.1`"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// Ninety-nine numpy releases from 2009 on, none installable on cp312 without an sdist:
/// one sentence, grouped by reason, and one hint per reason.
#[test]
fn a_decade_of_numpy_releases_is_one_sentence() {
    let (code, text) = report("numpy<1.26\n", &["--only-binary", ":all:"]);
    assert_eq!(code, Some(1), "{text}");
    assert_one_screen(&text, lockit_resolver::REPORT_MAX_LINES, 300);
    assert!(
        text.contains("the 99 releases of numpy before 1.26.0 cannot be used"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}
