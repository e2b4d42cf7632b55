//! Local projects (issue 13): `-e ./dir`, `./dir` and `name @ file:///dir` in a
//! requirements file are built for their metadata (PEP 517, PEP 660 for editables) by an
//! in-tree backend that needs no network, then pinned like any requirement: editables as
//! `-e ./dir`, others as `name @ file:///dir`, neither with a hash.

use std::path::Path;
use std::process::Command;

use lockit_test_index::{write_local_project, PackageSpec};

use crate::common::{
    build_log, lockit_cmd, pinmap, pins, run, scenario, serve, tempdir, write, TARGET_ARGS,
};

/// `dep` 1 and 2, and `testing`: what the local projects here require.
pub(crate) const INDEX: &str = r#"
name = "local-projects"

[[packages]]
name = "dep"
version = "1.0.0"
[[packages]]
name = "dep"
version = "2.0.0"
[[packages]]
name = "testing"
version = "3.0.0"
"#;

/// The local project `app` 0.1.0 at `dir/app`, requiring `dep<2` and, with `test`,
/// `testing`; `fails` makes every hook raise.
fn app(dir: &Path, fails: bool) {
    let spec: PackageSpec = toml::from_str(&format!(
        r#"
name = "app"
version = "0.1.0"
requires = ["dep<2", "testing; extra == 'test'"]
extras = ["test"]
build = "{}"
"#,
        if fails { "fails" } else { "dynamic" }
    ))
    .expect("spec");
    write_local_project(&dir.join("app"), &spec).expect("write the project");
}

fn resolve(dir: &Path, index: &str, log: &Path) -> Command {
    let mut cmd = lockit_cmd(dir);
    cmd.arg("resolve")
        .args(TARGET_ARGS)
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .args(["--index-url", index, "--no-header"])
        .env("LOCKIT_TEST_BUILD_LOG", log);
    cmd
}

#[test]
fn an_editable_local_project_is_built_with_pep_660_and_locked_as_written() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let log = dir.path().join("build.log");
    app(dir.path(), false);
    write(dir.path(), "requirements.in", "-e ./app[test]\n");

    let out = run(resolve(dir.path(), &index.url(), &log).args(["requirements.in", "-o", "-"]));
    out.assert_ok();
    assert_eq!(
        pins(&out.stdout.replace("-e ./app\n", "")),
        pinmap(&[("dep", "1.0.0"), ("testing", "3.0.0")])
    );
    assert!(
        out.stdout
            .contains("-e ./app\n    # via -r requirements.in\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("    # via app\n"), "{}", out.stdout);
    assert!(
        out.stderr.contains("Built metadata for the local project "),
        "{}",
        out.stderr
    );
    assert_eq!(
        build_log(&log),
        [
            "get_requires_for_build_wheel app 0.1.0",
            "prepare_metadata_for_build_editable app 0.1.0",
            "prepare_metadata_for_build_wheel app 0.1.0"
        ]
    );

    // verify accepts the lock resolve wrote, and names an edited editable line.
    let lock = write(dir.path(), "requirements.txt", &out.stdout);
    let verify = || {
        let mut cmd = lockit_cmd(dir.path());
        cmd.args(["verify", "requirements.in", "--lock"])
            .arg(&lock)
            .args(TARGET_ARGS)
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .args(["--index-url", &index.url()]);
        cmd
    };
    run(&mut verify()).assert_ok();
    // Offline too: what the local project requires is checked against the pins.
    run(verify().arg("--offline")).assert_ok();
    write(
        dir.path(),
        "requirements.txt",
        out.stdout.replace("dep==1.0.0", "dep==2.0.0"),
    );
    let moved = run(verify().arg("--offline"));
    moved.assert_code(1);
    assert!(
        moved
            .stderr
            .contains("the local project `app` requires `dep<2`, which the pin 2.0.0"),
        "{}",
        moved.stderr
    );
    write(
        dir.path(),
        "requirements.txt",
        out.stdout.replace("-e ./app", "-e ./other"),
    );
    let stale = run(&mut verify());
    stale.assert_code(1);
    assert!(
        stale.stdout.contains("`./other`") || stale.stderr.contains("`./other`"),
        "{}{}",
        stale.stdout,
        stale.stderr
    );
}

#[test]
fn a_local_project_by_path_or_file_url_is_pinned_by_its_file_url_without_a_hash() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let log = dir.path().join("build.log");
    app(dir.path(), false);
    let url = url::Url::from_directory_path(dir.path().join("app").canonicalize().unwrap())
        .unwrap()
        .to_string();
    let url = url.trim_end_matches('/');
    for input in ["./app\n".to_string(), format!("app @ {url}\n")] {
        write(dir.path(), "requirements.in", &input);
        let out = run(resolve(dir.path(), &index.url(), &log).args([
            "requirements.in",
            "--generate-hashes",
            "-o",
            "-",
        ]));
        out.assert_ok();
        assert!(
            out.stdout
                .contains(&format!("app @ {url}\n    # via -r requirements.in\n")),
            "{input}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains("dep==1.0.0 \\\n    --hash=sha256:"),
            "{}",
            out.stdout
        );
    }
    // Not editable: the PEP 660 hook is never called.
    assert!(
        !build_log(&log).iter().any(|l| l.contains("editable")),
        "{:?}",
        build_log(&log)
    );
}

#[test]
fn local_projects_that_cannot_be_built_are_errors_naming_the_line() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let log = dir.path().join("build.log");
    app(dir.path(), true);
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    let by_url = format!(
        "app @ {}\n",
        url::Url::from_directory_path(dir.path().join("app").canonicalize().unwrap()).unwrap()
    );
    for (input, flags, code, needles) in [
        // `name @ file:///dir` fails as a local project line does, output included.
        (
            by_url.as_str(),
            &[][..],
            2,
            &[
                "requirements.in:1: building the metadata of the local project",
                "    | lockit test backend: this build fails on purpose",
            ][..],
        ),
        (
            by_url.as_str(),
            &["--no-build"],
            1,
            &[
                "requirements.in:1: the metadata of the local project",
                "--no-build forbids building it",
            ],
        ),
        (
            "dep\n-e ./app\n",
            &[][..],
            2,
            &[
                "requirements.in:2: building the metadata of the local project",
                "    | lockit test backend: this build fails on purpose",
            ][..],
        ),
        (
            "./empty\n",
            &[],
            2,
            &[
                "requirements.in:1: `",
                "empty` is not a Python project folder",
            ],
        ),
        (
            "-e ./app\n",
            &["--no-build"],
            1,
            &[
                "requirements.in:1: the metadata of the local project",
                "--no-build forbids building it",
            ],
        ),
        (
            "-e git+https://example.org/app.git#egg=app\n",
            &[],
            2,
            &["editable requirements that are not a local folder"],
        ),
    ] {
        write(dir.path(), "requirements.in", input);
        let out = run(resolve(dir.path(), &index.url(), &log)
            .args(["requirements.in", "-o", "requirements.txt"])
            .args(flags));
        out.assert_code(code);
        for needle in needles {
            assert!(
                out.stderr.contains(needle),
                "{input}: missing {needle:?} in\n{}",
                out.stderr
            );
        }
        assert!(
            !dir.path().join("requirements.txt").exists(),
            "a lock was written"
        );
    }
}

/// A pyproject.toml input whose dependencies are dynamic is built, and its dependencies
/// (with the selected extra) are locked in its place, as pip-compile locks a setup.py's.
#[test]
fn a_pyproject_with_dynamic_dependencies_locks_what_its_build_says() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let log = dir.path().join("build.log");
    app(dir.path(), false);
    let out = run(resolve(dir.path(), &index.url(), &log).args([
        "app/pyproject.toml",
        "--extra",
        "test",
        "-o",
        "-",
    ]));
    out.assert_ok();
    assert_eq!(
        pins(&out.stdout),
        pinmap(&[("dep", "1.0.0"), ("testing", "3.0.0")])
    );
    assert!(
        out.stdout.contains("    # via -r app/pyproject.toml\n"),
        "{}",
        out.stdout
    );
    let plain =
        run(resolve(dir.path(), &index.url(), &log).args(["app/pyproject.toml", "-o", "-"]));
    plain.assert_ok();
    assert_eq!(pins(&plain.stdout), pinmap(&[("dep", "1.0.0")]));
}

/// A warm run reuses the metadata built from an unchanged tree (no hook runs, even under
/// `--no-build`), and any edit to the tree builds it again.
#[test]
fn an_unchanged_local_project_is_not_built_again() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let log = dir.path().join("build.log");
    app(dir.path(), false);
    write(dir.path(), "requirements.in", "-e ./app\n");
    let lock = |extra: &[&str]| {
        let out = run(resolve(dir.path(), &index.url(), &log)
            .args(["requirements.in", "-o", "-"])
            .args(extra));
        out.assert_ok();
        out
    };
    let cold = lock(&[]);
    let built = build_log(&log).len();
    assert!(built > 0);
    for extra in [&[][..], &["--no-build"][..]] {
        let warm = lock(extra);
        assert_eq!(warm.stdout, cold.stdout, "{extra:?}");
        assert_eq!(
            build_log(&log).len(),
            built,
            "{extra:?}: {:?}",
            build_log(&log)
        );
        assert!(!warm.stderr.contains("Built metadata"), "{}", warm.stderr);
    }
    // The project now needs dep 2: its tree changed, so it is built again.
    let spec: PackageSpec = toml::from_str(
        "name = \"app\"\nversion = \"0.1.0\"\nrequires = [\"dep>=2\"]\nbuild = \"dynamic\"\n",
    )
    .expect("spec");
    write_local_project(&dir.path().join("app"), &spec).expect("rewrite the project");
    let edited = lock(&[]);
    assert!(build_log(&log).len() > built);
    assert_eq!(
        pins(&edited.stdout.replace("-e ./app\n", "")),
        pinmap(&[("dep", "2.0.0")])
    );
}

/// `--no-strip-extras` keeps an editable's extras (`-e ./app[test]`), as pip-compile
/// does (regression: the editable line dropped them).
#[test]
fn no_strip_extras_keeps_an_editables_extras() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let log = dir.path().join("build.log");
    app(dir.path(), false);
    write(dir.path(), "requirements.in", "-e ./app[test]\n");
    let out = run(resolve(dir.path(), &index.url(), &log).args([
        "requirements.in",
        "--no-strip-extras",
        "-o",
        "-",
    ]));
    out.assert_ok();
    assert!(
        out.stdout
            .contains("-e ./app[test]\n    # via -r requirements.in\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        pins(&out.stdout.replace("-e ./app[test]\n", "")),
        pinmap(&[("dep", "1.0.0"), ("testing", "3.0.0")])
    );
}
