//! A few resolutions against the real PyPI, pinned in time with `--exclude-newer`
//! so their answers cannot drift. They need network access to pypi.org.

use std::path::Path;

use crate::common::{pinmap, pins, read, resolve, resolve_cmd_cached, run, tempdir, write};

const PYPI: &str = "https://pypi.org/simple/";
const EXCLUDE_NEWER: &str = "2026-11-01T00:00:00Z";

#[test]
fn flask_matches_uv_pins_and_hashes() {
    let dir = tempdir();
    write(dir.path(), "requirements.in", "flask\n");
    resolve_live(dir.path()).assert_ok();
    let lock = read(&dir.path().join("lock.txt"));
    // The same set `uv pip compile --generate-hashes` gives with the same options.
    assert_eq!(
        pins(&lock),
        pinmap(&[
            ("blinker", "1.9.0"),
            ("click", "8.5.0"),
            ("flask", "3.1.3"),
            ("itsdangerous", "2.2.0"),
            ("jinja2", "3.1.6"),
            ("markupsafe", "3.0.4"),
            ("werkzeug", "3.1.9"),
        ])
    );
    // Every file of the pinned release is hashed: flask 3.1.3 has a wheel and an sdist.
    assert!(lock.contains(
        "--hash=sha256:0ef0e52b8a9cd932855379197dd8f94047b359ca0a78695144304cb45f87c9eb"
    ));
    assert!(lock.contains(
        "--hash=sha256:f4bcbefc124291925f1a26446da31a5178f9483862233b23c0c96a20701f670c"
    ));
}

#[test]
fn tensorflow_2_15_has_no_cp312_wheel() {
    let dir = tempdir();
    write(
        dir.path(),
        "requirements.in",
        "tensorflow==2.15.0\nnumpy>=2\n",
    );
    let run = resolve_live(dir.path());
    run.assert_code(1);
    assert!(
        run.stderr.contains("tensorflow 2.15.0 has no wheel"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cp39, cp310, cp311"), "{}", run.stderr);
    assert!(run.stderr.contains("requirements.in:1"), "{}", run.stderr);
    assert!(!dir.path().join("lock.txt").exists());
}

/// python-nvd3 publishes only an sdist, whose `setup.py` declares its dependencies (issue
/// 13): its metadata is built (setuptools fetched from PyPI and installed by PyPA's
/// `installer`, itself fetched from PyPI, into an isolated environment) and the pins are
/// the ones `uv pip compile` gives with the same options.
#[test]
fn python_nvd3_is_built_and_pins_as_uv_does() {
    let dir = tempdir();
    write(dir.path(), "requirements.in", "python-nvd3\n");
    let cache = dir.path().join("cache");
    run(resolve_cmd_cached(dir.path(), PYPI, Some(&cache)).args([
        "requirements.in",
        "--exclude-newer",
        EXCLUDE_NEWER,
        "-o",
        "lock.txt",
    ]))
    .assert_ok();
    // The environment was installed by `installer` (pip is the fallback).
    let envs = cache.join("build-envs-v1");
    let installers = files_named(&envs.join("installer"), "installer-1.1.0-py3-none-any.whl");
    assert_eq!(installers, 1, "no installer wheel under {}", envs.display());
    let setuptools = std::fs::read_dir(&envs)
        .expect("build environments")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join(".lockit-complete")).ok())
        .filter(|lock| lock.starts_with("setuptools=="))
        .count();
    assert_eq!(
        setuptools,
        1,
        "no setuptools environment in {}",
        envs.display()
    );
    let lock = read(&dir.path().join("lock.txt"));
    assert_eq!(
        pins(&lock),
        pinmap(&[
            ("jinja2", "3.1.6"),
            ("markupsafe", "3.0.4"),
            ("python-nvd3", "0.16.0"),
            ("python-slugify", "9.1.3"),
            ("text-unidecode", "1.3"),
        ])
    );
}

/// `-e ./pkg` of a local setuptools project (a legacy `setup.py` with `install_requires`
/// and an extra) resolves through a real PEP 517 build with setuptools from PyPI, and its
/// dependencies are pinned (issue 13).
#[test]
fn an_editable_setuptools_project_pins_its_install_requires() {
    let dir = tempdir();
    write(
        dir.path(),
        "pkg/setup.py",
        "from setuptools import setup\nsetup(name='My_Pkg', version='0.3.1', py_modules=[],\n      install_requires=['six>=1.16', \"attrs<24; python_version >= '3.8'\"],\n      extras_require={'test': ['iniconfig==2.0.0']})\n",
    );
    write(dir.path(), "requirements.in", "-e ./pkg[test]\n");
    resolve_live(dir.path()).assert_ok();
    let lock = read(&dir.path().join("lock.txt"));
    assert!(
        lock.contains("\n-e ./pkg\n    # via -r requirements.in\n"),
        "{lock}"
    );
    assert_eq!(
        pins(&lock.replace("-e ./pkg\n", "")),
        pinmap(&[
            ("attrs", "23.2.0"),
            ("iniconfig", "2.0.0"),
            ("six", "1.17.0")
        ])
    );
}

/// Regression (issue 13): pandas 1.5.3 has no wheel for Python 3.12 and an sdist whose
/// metadata only a build tells (and whose build fails with today's setuptools); its wheels
/// for older Pythons declare the same dependencies, so lockit reads one, builds nothing,
/// and pins what `uv pip compile` pins with the same options.
#[test]
fn pandas_1_5_3_reads_an_older_pythons_wheel_instead_of_building() {
    let dir = tempdir();
    write(dir.path(), "requirements.in", "pandas==1.5.3\n");
    let run = resolve_live(dir.path());
    run.assert_ok();
    assert!(!run.stderr.contains("Built"), "{}", run.stderr);
    assert_eq!(
        pins(&read(&dir.path().join("lock.txt"))),
        pinmap(&[
            ("numpy", "2.5.4"),
            ("pandas", "1.5.3"),
            ("python-dateutil", "3.0.0"),
            ("pytz", "2026.6"),
            ("six", "1.17.0"),
            ("tzdata", "2026.6"),
        ])
    );
}

/// `lockit resolve requirements.in -o lock.txt` in `dir`, against PyPI as of
/// [`EXCLUDE_NEWER`].
fn resolve_live(dir: &Path) -> crate::common::Run {
    resolve(
        dir,
        PYPI,
        [
            "requirements.in",
            "--exclude-newer",
            EXCLUDE_NEWER,
            "-o",
            "lock.txt",
        ],
    )
}

/// How many files called `name` are under `dir`, at any depth.
fn files_named(dir: &Path, name: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.path() {
            p if p.is_dir() => files_named(&p, name),
            p => usize::from(p.file_name().is_some_and(|n| n == name)),
        })
        .sum()
}
