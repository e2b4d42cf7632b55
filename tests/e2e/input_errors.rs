//! Bad input: every malformed requirements file, missing file or bad flag exits 2 with one
//! screen of stderr that names the file and line, never a panic, and writes no lock.

use std::path::Path;

use crate::common::{self, resolve, resolve_cmd, serve, tempdir, write, Run, SMALL};
use lockit_test_index::TestIndex;

/// One malformed input: the files to write (the first is passed to `lockit resolve`), the
/// `file:line:` stderr must name, and one more string it must contain.
struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static [u8])],
    location: &'static str,
    needle: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "bad specifier",
        files: &[("requirements.in", b"app\nlib>=1=>2\n")],
        location: "requirements.in:2:7:",
        needle: "=>2",
    },
    Case {
        name: "unknown option",
        files: &[("requirements.in", b"app\n\n--frobnicate\n")],
        location: "requirements.in:3:1:",
        needle: "unknown option `--frobnicate`",
    },
    Case {
        name: "unknown short option",
        files: &[("requirements.in", b"-x app\n")],
        location: "requirements.in:1:1:",
        needle: "unknown option `-x`",
    },
    Case {
        name: "unclosed bracket",
        files: &[("requirements.in", b"# comment\napp[foo\n")],
        location: "requirements.in:2:",
        needle: "bracket",
    },
    Case {
        name: "bad marker",
        files: &[("requirements.in", b"app; python_version >> '3'\n")],
        location: "requirements.in:1:21:",
        needle: "marker",
    },
    Case {
        name: "missing -r file",
        files: &[("requirements.in", b"app\n-r missing.in\n")],
        location: "requirements.in:2:",
        needle: "missing.in",
    },
    Case {
        name: "missing -c file",
        files: &[("requirements.in", b"app\n-c nope/constraints.txt\n")],
        location: "requirements.in:2:",
        needle: "nope/constraints.txt",
    },
    Case {
        name: "NUL bytes (a binary file)",
        files: &[(
            "requirements.in",
            b"app\n\x7fELF\x02\x01\x01\x00\x00\x00junk\n",
        )],
        location: "requirements.in:2:",
        needle: "NUL",
    },
    Case {
        name: "invalid UTF-8",
        files: &[("requirements.in", b"app\nlib\n\xff\xfeutil\n")],
        location: "requirements.in:3:1:",
        needle: "UTF-8",
    },
    Case {
        name: "UTF-16 with BOM",
        files: &[("requirements.in", b"\xff\xfea\x00p\x00p\x00\n\x00")],
        location: "requirements.in:1:",
        needle: "UTF-16",
    },
    Case {
        name: "editable requirement of a missing folder",
        files: &[("requirements.in", b"app\n-e ./my-project\n")],
        location: "requirements.in:2:4:",
        needle: "`./my-project` is not a folder",
    },
    Case {
        name: "bare --hash line",
        files: &[("requirements.in", b"app\n--hash=sha256:0000\n")],
        location: "requirements.in:2:1:",
        needle: "--hash",
    },
    Case {
        name: "bad extra",
        files: &[("requirements.in", b"app[b@d]\n")],
        location: "requirements.in:1:6:",
        needle: "extras",
    },
    Case {
        name: "`name @` without a URL",
        files: &[("requirements.in", b"app @\n")],
        location: "requirements.in:1:",
        needle: "URL",
    },
    Case {
        name: "-r cycle",
        files: &[
            ("requirements.in", b"app\n-r other.in\n"),
            ("other.in", b"lib\n-r requirements.in\n"),
        ],
        location: "other.in:2:",
        needle: "cycle",
    },
    Case {
        name: "stray option value",
        files: &[("requirements.in", b"app\n--pre yes\n")],
        location: "requirements.in:2:7:",
        needle: "yes",
    },
    Case {
        name: "flag given a value",
        files: &[("requirements.in", b"--pre=1\napp\n")],
        location: "requirements.in:1:1:",
        needle: "takes no value",
    },
    Case {
        name: "option missing its value",
        files: &[("requirements.in", b"app\n--index-url\n")],
        location: "requirements.in:2:1:",
        needle: "expects a value",
    },
    Case {
        name: "file-wide option after a requirement",
        files: &[(
            "requirements.in",
            b"app --index-url https://example.org/simple/\n",
        )],
        location: "requirements.in:1:5:",
        needle: "own line",
    },
    Case {
        name: "remote -r URL",
        files: &[(
            "requirements.in",
            b"-r https://example.org/requirements.txt\n",
        )],
        location: "requirements.in:1:",
        needle: "remote",
    },
    Case {
        name: "name ending in punctuation",
        files: &[("requirements.in", b"app\nlib.\n")],
        location: "requirements.in:2:",
        needle: "lib.",
    },
    Case {
        name: "error inside an included file, path relative to the includer",
        files: &[
            ("requirements.in", b"app\n-r sub/more.in\n"),
            ("sub/more.in", b"lib\n# two\nutil===\n"),
        ],
        location: "sub/more.in:3:",
        needle: "util",
    },
    Case {
        name: "error two includes away, path normalized",
        files: &[
            ("reqs/main.in", b"-r ../shared/base.in\n"),
            ("shared/base.in", b"app\nlib>>1\n"),
        ],
        location: "error: shared/base.in:2:",
        needle: "lib>>1",
    },
    Case {
        name: "error on a continuation line",
        files: &[("requirements.in", b"app \\\n  >=1=>2\n")],
        location: "requirements.in:2:",
        needle: "=>2",
    },
    Case {
        name: "bad version in ==",
        files: &[("requirements.in", b"app==1.0.0.bogus!\n")],
        location: "requirements.in:1:",
        needle: "app==1.0.0.bogus!",
    },
];

/// Checks the shape every bad-input failure must have.
#[track_caller]
fn assert_bad_input(run: &Run, location: &str, needle: &str, what: &str) {
    let ctx = format!("{what}\n--- stderr\n{}", run.stderr);
    assert_eq!(run.code, Some(2), "{ctx}");
    assert!(run.stderr.contains(location), "{ctx}\nno `{location}`");
    assert!(run.stderr.contains(needle), "{ctx}\nno `{needle}`");
    assert!(run.stderr.lines().count() < 25, "{ctx}\nmore than a screen");
    assert!(!run.stderr.contains("panicked"), "{ctx}");
    assert!(run.stdout.is_empty(), "{what}: stdout {:?}", run.stdout);
}

fn index() -> TestIndex {
    serve(&common::scenario(SMALL))
}

#[test]
fn malformed_requirement_files_exit_2_naming_file_and_line() {
    assert!(CASES.len() >= 20);
    let index = index();
    for case in CASES {
        let dir = tempdir();
        for (path, bytes) in case.files {
            write(dir.path(), path, bytes);
        }
        let input = case.files[0].0;
        let run = resolve(dir.path(), &index.url(), [input, "-o", "out.txt"]);
        assert_bad_input(&run, case.location, case.needle, case.name);
        assert!(run.stderr.starts_with("error: "), "{}", case.name);
        assert!(!dir.path().join("out.txt").exists(), "{}", case.name);
    }
    // Input errors are found before the index is asked anything.
    assert_eq!(index.requests(), Vec::new());
}

#[test]
fn bad_env_var_expansion_is_reported_at_the_line_that_used_it() {
    let index = index();
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\nlib${LIB_SPEC}\n");
    let run = common::run(
        resolve_cmd(dir.path(), &index.url())
            .env("LIB_SPEC", ">=1=>2")
            .arg("requirements.in"),
    );
    assert_bad_input(&run, "requirements.in:2:", "LIB_SPEC", "${VAR} expansion");
    assert!(!dir.path().join("requirements.txt").exists());
}

#[test]
fn bad_constraints_file_names_its_own_line() {
    let index = index();
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    write(dir.path(), "constraints.txt", "util<2\nlib>>1\n");
    let run = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-c", "constraints.txt"],
    );
    assert_bad_input(&run, "constraints.txt:2:", "lib>>1", "-c file");
}

#[test]
fn missing_input_file_exits_2_naming_it() {
    let index = index();
    let dir = tempdir();
    let run = resolve(dir.path(), &index.url(), ["does-not-exist.in"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("`does-not-exist.in`"),
        "stderr: {}",
        run.stderr
    );
    assert!(run.stderr.lines().count() < 25);
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(common::other_entries(dir.path(), &[]), Vec::<String>::new());
}

#[test]
fn input_that_is_a_directory_exits_2() {
    let index = index();
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("reqs.in")).expect("mkdir");
    let run = resolve(dir.path(), &index.url(), ["reqs.in"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("reqs.in"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
}

/// Decision recorded here: an input with no requirements (empty, or only comments and
/// blank lines) is not an error. lockit succeeds and writes a lock with the header and no
/// pins, without asking the index anything, like pip-compile.
#[test]
fn empty_input_writes_an_empty_lock() {
    let index = index();
    for (name, text) in [
        ("empty", ""),
        ("comments", "# nothing yet\n\n   \n# still nothing\n"),
    ] {
        let dir = tempdir();
        write(dir.path(), "requirements.in", text);
        let run = resolve(dir.path(), &index.url(), ["requirements.in", "--no-header"]);
        run.assert_ok();
        assert_eq!(run.stderr, "", "{name}");
        assert_eq!(common::read_lock(dir.path()), "", "{name}");
    }
    assert_eq!(index.requests(), Vec::new());
}

fn bad_flag(flag: &str, value: &str, needle: &str) {
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    // Not `resolve_cmd`: it already sets the target flags, and clap rejects repeats.
    let mut args = vec![
        "resolve",
        "requirements.in",
        "--no-cache",
        "-q",
        "--index-url",
        "http://127.0.0.1:9/simple/",
    ];
    if flag != "--python-version" {
        args.extend(["--python-version", "3.12"]);
    }
    if flag != "--python-platform" {
        args.extend(["--python-platform", "x86_64-manylinux_2_28"]);
    }
    args.extend([flag, value]);
    let run = common::lockit_raw(dir.path(), &args);
    let ctx = format!("{flag} {value}\n--- stderr\n{}", run.stderr);
    assert_eq!(run.code, Some(2), "{ctx}");
    assert!(run.stderr.contains(needle), "{ctx}\nno `{needle}`");
    assert!(run.stderr.lines().count() < 25, "{ctx}");
    assert!(!run.stderr.contains("panicked"), "{ctx}");
    assert!(!Path::new(&dir.path().join("requirements.txt")).exists());
}

#[test]
fn bad_python_platform_exits_2() {
    bad_flag("--python-platform", "x86_64-plan9", "x86_64-plan9");
    bad_flag("--python-platform", "", "error");
}

#[test]
fn bad_python_version_exits_2() {
    bad_flag("--python-version", "three", "three");
}

#[test]
fn bad_exclude_newer_exits_2() {
    bad_flag("--exclude-newer", "last tuesday", "--exclude-newer");
    bad_flag("--exclude-newer", "2024-13-45", "--exclude-newer");
}

#[test]
fn bad_prerelease_value_exits_2() {
    bad_flag("--prerelease", "sometimes", "sometimes");
}

#[test]
fn output_that_is_also_the_input_exits_2() {
    let dir = tempdir();
    write(dir.path(), "requirements.txt", "app\n");
    let run = resolve(
        dir.path(),
        "http://127.0.0.1:9/simple/",
        ["requirements.txt"],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("also an input"), "{}", run.stderr);
    assert_eq!(common::read_lock(dir.path()), "app\n");
}
