//! pyproject.toml inputs: `[project].dependencies`, `--extra` / `--all-extras`, PEP 735
//! `--group` with `include-group`, `requires-python` against the target, and `verify`
//! repeating the selection recorded in the header.

use std::path::Path;

use crate::common::{self, pinmap, pins, read_lock, resolve, scenario, serve, tempdir, write};

const INDEX: &str = r#"
name = "pyproject"
[[packages]]
name = "base"
version = "1.0.0"
[[packages]]
name = "fast"
version = "2.0.0"
requires = ["speedups"]
[[packages]]
name = "speedups"
version = "1.0.0"
[[packages]]
name = "pretty"
version = "3.0.0"
[[packages]]
name = "pytest"
version = "8.0.0"
[[packages]]
name = "ruff"
version = "0.6.0"
"#;

const PYPROJECT: &str = r#"[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "base>=1",
]

[project.optional-dependencies]
fast = ["fast>=2"]
pretty = ["pretty"]

[dependency-groups]
lint = ["ruff"]
test = ["pytest>=8", { include-group = "lint" }]
"#;

fn project(dir: &Path, text: &str) {
    write(dir, "pyproject.toml", text);
}

fn locked(dir: &Path, index_url: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["pyproject.toml", "-o", "requirements.txt"];
    all.extend_from_slice(args);
    resolve(dir, index_url, all).assert_ok();
    pins(&read_lock(dir)).into_keys().collect()
}

#[test]
fn extras_and_groups_select_exactly_what_they_name() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    project(dir.path(), PYPROJECT);
    let url = index.url();
    assert_eq!(locked(dir.path(), &url, &[]), ["base"]);
    assert_eq!(
        locked(dir.path(), &url, &["--extra", "fast"]),
        ["base", "fast", "speedups"]
    );
    assert_eq!(
        locked(dir.path(), &url, &["--extra", "pretty"]),
        ["base", "pretty"]
    );
    assert_eq!(
        locked(dir.path(), &url, &["--all-extras"]),
        ["base", "fast", "pretty", "speedups"]
    );
    assert_eq!(
        locked(dir.path(), &url, &["--group", "lint"]),
        ["base", "ruff"]
    );
    assert_eq!(
        locked(dir.path(), &url, &["--group", "test"]),
        ["base", "pytest", "ruff"]
    );
    assert_eq!(
        locked(dir.path(), &url, &["--extra", "pretty", "--group", "lint"]),
        ["base", "pretty", "ruff"]
    );
    let lock = read_lock(dir.path());
    assert!(lock.contains("# via -r pyproject.toml"), "{lock}");
}

#[test]
fn default_output_is_requirements_txt_beside_the_project() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    project(dir.path(), PYPROJECT);
    resolve(dir.path(), &index.url(), ["pyproject.toml"]).assert_ok();
    assert_eq!(pins(&read_lock(dir.path())), pinmap(&[("base", "1.0.0")]));
}

#[test]
fn unknown_extra_or_group_is_bad_input() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    project(dir.path(), PYPROJECT);
    let run = resolve(
        dir.path(),
        &index.url(),
        ["pyproject.toml", "--extra", "gpu"],
    );
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("has no optional-dependencies extra `gpu`; it defines `fast`, `pretty`"),
        "{}",
        run.stderr
    );
    let run = resolve(
        dir.path(),
        &index.url(),
        ["pyproject.toml", "--group", "docs"],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("no dependency group `docs`"),
        "{}",
        run.stderr
    );

    write(dir.path(), "requirements.in", "base\n");
    let run = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "--extra", "fast"],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("select from a pyproject.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn requires_python_bounds_the_target() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    project(dir.path(), &PYPROJECT.replace(">=3.11", ">=3.13"));
    let run = resolve(dir.path(), &index.url(), ["pyproject.toml"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(
            "the target Python 3.12 is outside `requires-python = \">=3.13\"` of `pyproject.toml`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_requirement_names_the_line() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    project(
        dir.path(),
        &PYPROJECT.replace("\"base>=1\"", "\"base>=>1\""),
    );
    let run = resolve(dir.path(), &index.url(), ["pyproject.toml"]);
    run.assert_code(2);
    assert!(run.stderr.contains("pyproject.toml:6"), "{}", run.stderr);
}

#[test]
fn verify_repeats_the_selection_in_the_header() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    project(dir.path(), PYPROJECT);
    locked(
        dir.path(),
        &index.url(),
        &["--extra", "fast", "--group", "test"],
    );
    let verify = |dir: &Path| {
        common::run(
            common::lockit_cmd(dir)
                .args(["verify", "--lock", "requirements.txt"])
                .env_remove("GITHUB_ACTIONS"),
        )
    };
    verify(dir.path()).assert_ok();
    project(
        dir.path(),
        &PYPROJECT.replace("lint = [\"ruff\"]", "lint = [\"ruff\", \"pretty\"]"),
    );
    let run = verify(dir.path());
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("+ pretty 3.0.0: pyproject.toml:14 adds `pretty`"),
        "{}",
        run.stderr
    );
}
