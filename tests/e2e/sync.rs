//! `lockit sync` against the local test index, into venvs made with the machine's
//! `python3 -m venv`: installs exactly the lock, `--check` and `--dry-run`, removals and
//! moved pins, hash mismatches that change nothing, refusals, turns taken by two syncs of
//! one environment, and repair after a sync killed with SIGKILL.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// `python3 -m venv [--without-pip] dir/venv`; its interpreter.
fn venv(dir: &Path, pip: bool) -> PathBuf {
    let root = dir.join("venv");
    let mut cmd = Command::new("python3");
    cmd.args(["-m", "venv"]);
    if !pip {
        cmd.arg("--without-pip");
    }
    let status = cmd.arg(&root).status().expect("run python3 -m venv");
    assert!(status.success(), "python3 -m venv failed");
    root.join("bin").join("python")
}

/// `lockit resolve requirements.in` for the interpreter `python`, in `dir`.
fn lock_for(dir: &Path, index_url: &str, python: &Path, input: &str) {
    let python = python.as_os_str();
    resolve_in(
        dir,
        index_url,
        input,
        ["--no-cache".as_ref(), "--python".as_ref(), python],
    );
}

/// Writes `input` as `requirements.in` in `dir` and locks it quietly from `index_url`,
/// with `args`.
fn resolve_in<'a>(
    dir: &Path,
    index_url: &str,
    input: &str,
    args: impl IntoIterator<Item = &'a std::ffi::OsStr>,
) {
    write(dir, "requirements.in", input);
    run(lockit_cmd(dir)
        .args(["resolve", "requirements.in", "-q", "--index-url", index_url])
        .args(args))
    .assert_ok();
}

/// `lockit sync LOCK --python PYTHON --cache-dir dir/cache ARGS`, in `dir`.
fn sync_cmd(dir: &Path, python: &Path, lock: &str) -> Command {
    sync_cmd_cached(dir, python, lock, &dir.join("cache"))
}

/// [`sync_cmd`] with its own `--cache-dir`.
fn sync_cmd_cached(dir: &Path, python: &Path, lock: &str, cache: &Path) -> Command {
    let mut cmd = lockit_cmd(dir);
    cmd.env_remove("VIRTUAL_ENV")
        .args(["sync", lock, "--python"])
        .arg(python)
        .arg("--cache-dir")
        .arg(cache);
    cmd
}

fn sync(dir: &Path, python: &Path, args: &[&str]) -> Run {
    run(sync_cmd(dir, python, "requirements.txt").args(args))
}

/// The `.dist-info` folders of the venv, as `name-version`.
fn installed(python: &Path) -> BTreeSet<String> {
    let root = python.parent().and_then(Path::parent).expect("venv root");
    let mut out = BTreeSet::new();
    for lib in std::fs::read_dir(root.join("lib")).expect("lib") {
        let site = lib.expect("entry").path().join("site-packages");
        for entry in std::fs::read_dir(&site).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".dist-info") {
                out.insert(stem.to_string());
            }
        }
    }
    out
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn imports(python: &Path, modules: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {modules}")])
        .status()
        .expect("run the venv's python")
        .success()
}

#[test]
fn sync_installs_exactly_the_lock_and_check_then_passes() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "app\n");
    let first = sync(dir.path(), &python, &[]);
    first.assert_ok();
    assert!(first.stderr.contains("+ app 1.0.0"), "{}", first.stderr);
    assert_eq!(
        installed(&python),
        set(&["app-1.0.0", "lib-1.2.0", "util-1.5.0"])
    );
    assert!(imports(&python, "app, lib, util"));
    let site = python.parent().unwrap().parent().unwrap();
    let installer = std::fs::read_dir(site.join("lib"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("site-packages/app-1.0.0.dist-info/INSTALLER"))
        .find(|p| p.is_file())
        .expect("INSTALLER written");
    assert_eq!(read(&installer).trim(), "lockit");
    sync(dir.path(), &python, &["--check"]).assert_ok();
    let again = sync(dir.path(), &python, &[]);
    again.assert_ok();
    assert!(again.stderr.contains("Nothing to do"), "{}", again.stderr);
}

#[test]
fn check_names_an_extra_package_and_sync_removes_it() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "app\nother\n");
    sync(dir.path(), &python, &[]).assert_ok();
    lock_for(dir.path(), &index.url(), &python, "app\n");
    let check = sync(dir.path(), &python, &["--check"]);
    check.assert_code(1);
    assert_eq!(check.stdout, "- other 3.0.0\n");
    let dry = sync(dir.path(), &python, &["--dry-run"]);
    dry.assert_ok();
    assert_eq!(dry.stdout, "- other 3.0.0\n");
    assert!(
        installed(&python).contains("other-3.0.0"),
        "dry run changed nothing"
    );
    let synced = sync(dir.path(), &python, &[]);
    synced.assert_ok();
    assert!(synced.stderr.contains("- other 3.0.0"), "{}", synced.stderr);
    assert_eq!(
        installed(&python),
        set(&["app-1.0.0", "lib-1.2.0", "util-1.5.0"])
    );
    assert!(!imports(&python, "other"), "its files are gone too");
    sync(dir.path(), &python, &["--check"]).assert_ok();
}

#[test]
fn a_changed_pin_moves_the_environment() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "util==1.5.0\n");
    sync(dir.path(), &python, &[]).assert_ok();
    lock_for(dir.path(), &index.url(), &python, "util==2.0.0\n");
    let moved = sync(dir.path(), &python, &[]);
    moved.assert_ok();
    assert!(
        moved.stderr.contains("~ util 1.5.0 -> 2.0.0"),
        "{}",
        moved.stderr
    );
    assert_eq!(installed(&python), set(&["util-2.0.0"]));
    let version = Command::new(&python)
        .args(["-c", "import util; print(util.__version__)"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), "2.0.0");
}

#[test]
fn an_edited_hash_fails_and_leaves_the_environment_unchanged() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "util==1.5.0\n");
    sync(dir.path(), &python, &[]).assert_ok();
    lock_for(dir.path(), &index.url(), &python, "app\n");
    let lock = read(&dir.path().join("requirements.txt"));
    // Every hash of `lib` gets its last digit changed.
    let mut in_lib = false;
    let edited: Vec<String> = lock
        .lines()
        .map(|l| {
            if !l.starts_with(' ') {
                in_lib = l.starts_with("lib==");
            }
            match in_lib && l.trim_end().len() > 70 && l.contains("--hash=sha256:") {
                true => {
                    let cut = l.trim_end_matches([' ', '\\']);
                    let (head, last) = cut.split_at(cut.len() - 1);
                    let other = if last == "0" { "1" } else { "0" };
                    format!("{head}{other}{}", &l[cut.len()..])
                }
                false => l.to_string(),
            }
        })
        .collect();
    assert_ne!(edited.join("\n") + "\n", lock, "a hash was edited");
    let bytes = edited.join("\n") + "\n";
    write(dir.path(), "requirements.txt", &bytes);
    let before = installed(&python);
    let failed = sync(dir.path(), &python, &[]);
    failed.assert_code(3);
    assert!(failed.stderr.contains("lib"), "{}", failed.stderr);
    assert_eq!(installed(&python), before, "nothing changed");
    assert_eq!(before, set(&["util-1.5.0"]));
}

#[test]
fn a_lock_for_another_python_is_refused_naming_both() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    // A Python the venv is not.
    let other = [
        "--no-cache",
        "--python-version",
        "3.9",
        "--python-platform",
        PYTHON_PLATFORM,
    ];
    resolve_in(
        dir.path(),
        &index.url(),
        "util\n",
        other.map(std::ffi::OsStr::new),
    );
    let refused = sync(dir.path(), &python, &[]);
    refused.assert_code(2);
    assert!(
        refused
            .stderr
            .contains("is for Python 3.9 on x86_64-manylinux_2_28, but"),
        "{}",
        refused.stderr
    );
    assert!(installed(&python).is_empty());
}

#[test]
fn an_interpreter_outside_a_venv_is_refused_without_system() {
    let dir = tempdir();
    write(dir.path(), "requirements.txt", "");
    let python3 = String::from_utf8(
        Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let refused = sync(dir.path(), Path::new(python3.trim()), &["--check"]);
    refused.assert_code(2);
    assert!(
        refused
            .stderr
            .contains("is not in a virtual environment; pass --system")
            || refused.stderr.contains("externally managed"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_missing_dot_venv_is_created_and_synced() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let probe = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &probe, "util\n");
    let created = run(lockit_cmd(dir.path())
        .env_remove("VIRTUAL_ENV")
        .args(["sync", "--cache-dir"])
        .arg(dir.path().join("cache")));
    created.assert_ok();
    assert!(
        created.stderr.contains("Creating a virtual environment"),
        "{}",
        created.stderr
    );
    let python = dir.path().join(".venv/bin/python");
    assert!(installed(&python).contains("util-2.0.0"));
}

#[test]
fn pip_sees_the_result_as_its_own() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), true);
    lock_for(dir.path(), &index.url(), &python, "app\n");
    sync(dir.path(), &python, &[]).assert_ok();
    let pip = |args: &[&str]| {
        Command::new(&python)
            .args(["-m", "pip", "--disable-pip-version-check"])
            .args(args)
            .output()
            .unwrap()
    };
    let list = pip(&["list", "--format=freeze"]);
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.contains("app==1.0.0") && list.contains("util==1.5.0"),
        "{list}"
    );
    assert!(list.contains("pip=="), "pip is kept: {list}");
    assert!(pip(&["check"]).status.success());
    let show = pip(&["show", "-f", "lib"]);
    assert!(String::from_utf8_lossy(&show.stdout).contains("lib/__init__.py"));
    assert!(pip(&["uninstall", "-y", "app"]).status.success());
    let check = sync(dir.path(), &python, &["--check"]);
    check.assert_code(1);
    assert_eq!(check.stdout, "+ app 1.0.0\n");
}

#[test]
fn two_syncs_of_one_environment_take_turns() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "app\nother\n");
    let children: Vec<_> = (0..2)
        .map(|_| {
            sync_cmd(dir.path(), &python, "requirements.txt")
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    sync(dir.path(), &python, &["--check"]).assert_ok();
}

#[test]
fn a_sync_killed_part_way_is_repaired_by_the_next() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "util==1.5.0\nother\n");
    sync(dir.path(), &python, &[]).assert_ok();
    lock_for(dir.path(), &index.url(), &python, "app\nutil==1.5.0\n");
    // SIGKILL at several points of the second sync (a fresh cache each time, so that it
    // downloads, unpacks and installs), then sync again: it ends as the lock says.
    for delay in [0, 20, 50, 100, 200] {
        let cache = dir.path().join(format!("cache-{delay}"));
        // Regression: the killed sync was given --cache-dir twice, so clap refused it before
        // it did anything and the kill tested nothing.
        let mut child = sync_cmd_cached(dir.path(), &python, "requirements.txt", &cache)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let repaired = sync(dir.path(), &python, &[]);
        repaired.assert_ok();
        sync(dir.path(), &python, &["--check"]).assert_ok();
        assert_eq!(
            installed(&python),
            set(&["app-1.0.0", "lib-1.2.0", "util-1.5.0"])
        );
        assert!(imports(&python, "app, lib, util"));
        // Back to the first lock for the next round.
        lock_for(dir.path(), &index.url(), &python, "util==1.5.0\nother\n");
        sync(dir.path(), &python, &[]).assert_ok();
        lock_for(dir.path(), &index.url(), &python, "app\nutil==1.5.0\n");
    }
}

#[test]
fn a_journal_left_by_a_killed_sync_reinstalls_what_it_names() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "util\n");
    sync(dir.path(), &python, &[]).assert_ok();
    let root = python.parent().unwrap().parent().unwrap();
    // As a kill between unlinking util's files and removing its RECORD leaves it.
    let site = std::fs::read_dir(root.join("lib"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("site-packages"))
        .next()
        .unwrap();
    std::fs::remove_file(site.join("util/__init__.py")).unwrap();
    write(root, ".lockit-sync.journal", "util\n");
    let repaired = sync(dir.path(), &python, &[]);
    repaired.assert_ok();
    assert!(
        repaired.stderr.contains("~ util 2.0.0 -> 2.0.0"),
        "{}",
        repaired.stderr
    );
    assert!(imports(&python, "util"));
    assert!(!root.join(".lockit-sync.journal").exists());
}

/// `dyn` 2.0.0 has only an sdist, whose backend logs its hooks to `LOCKIT_TEST_BUILD_LOG`.
const SDIST_ONLY: &str = r#"
name = "sync-sdist"
[[packages]]
name = "dyn"
version = "2.0.0"
wheels = []
sdist = true
build = "wheel-only"
requires = ["dep>=2"]
[[packages]]
name = "dep"
version = "2.0.0"
"#;

#[test]
fn an_sdist_only_pin_is_built_once_and_installed() {
    let index = serve(&scenario(SDIST_ONLY));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    let log = dir.path().join("build.log");
    lock_for(dir.path(), &index.url(), &python, "dyn\n");
    let first =
        run(sync_cmd(dir.path(), &python, "requirements.txt").env("LOCKIT_TEST_BUILD_LOG", &log));
    first.assert_ok();
    assert!(
        first.stderr.contains("Building dyn 2.0.0 from its sdist"),
        "{}",
        first.stderr
    );
    assert!(
        build_log(&log).contains(&"build_wheel dyn 2.0.0".to_string()),
        "{:?}",
        build_log(&log)
    );
    assert_eq!(installed(&python), set(&["dep-2.0.0", "dyn-2.0.0"]));
    assert!(imports(&python, "dyn, dep"));
    // A fresh environment with the same cache: the built wheel is reused.
    let built = build_log(&log).len();
    std::fs::remove_dir_all(dir.path().join("venv")).unwrap();
    let python = venv(dir.path(), false);
    let second =
        run(sync_cmd(dir.path(), &python, "requirements.txt").env("LOCKIT_TEST_BUILD_LOG", &log));
    second.assert_ok();
    assert!(!second.stderr.contains("Building"), "{}", second.stderr);
    assert_eq!(build_log(&log).len(), built, "nothing was built again");
    assert_eq!(installed(&python), set(&["dep-2.0.0", "dyn-2.0.0"]));
}

#[test]
fn an_editable_pin_is_installed_editable_and_kept_while_it_stays() {
    let index = serve(&scenario(crate::local_projects::INDEX));
    let dir = tempdir();
    let spec: lockit_test_index::PackageSpec = toml::from_str(
        "name = \"app\"\nversion = \"0.1.0\"\nrequires = [\"dep<2\"]\nbuild = \"dynamic\"\n",
    )
    .unwrap();
    lockit_test_index::write_local_project(&dir.path().join("app"), &spec).unwrap();
    let python = venv(dir.path(), false);
    let cache = dir.path().join("cache");
    let args = [
        "--cache-dir".as_ref(),
        cache.as_os_str(),
        "--python".as_ref(),
        python.as_os_str(),
    ];
    resolve_in(dir.path(), &index.url(), "-e ./app\n", args);
    let synced = sync(dir.path(), &python, &[]);
    synced.assert_ok();
    assert!(
        synced.stderr.contains("+ app @ file://"),
        "{}",
        synced.stderr
    );
    assert_eq!(installed(&python), set(&["app-0.1.0", "dep-1.0.0"]));
    let root = python.parent().unwrap().parent().unwrap();
    let direct_url = std::fs::read_dir(root.join("lib"))
        .unwrap()
        .flatten()
        .map(|e| {
            e.path()
                .join("site-packages/app-0.1.0.dist-info/direct_url.json")
        })
        .find(|p| p.is_file())
        .expect("direct_url.json written");
    let text = read(&direct_url);
    assert!(text.contains("\"editable\":true"), "{text}");
    let again = sync(dir.path(), &python, &[]);
    again.assert_ok();
    assert!(again.stderr.contains("Nothing to do"), "{}", again.stderr);
}

#[test]
fn a_pylock_toml_syncs_like_requirements_txt() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    let args = ["--no-cache", "--format", "pylock", "--python"].map(std::ffi::OsStr::new);
    resolve_in(
        dir.path(),
        &index.url(),
        "app\n",
        args.into_iter().chain([python.as_os_str()]),
    );
    run(&mut sync_cmd(dir.path(), &python, "pylock.toml")).assert_ok();
    assert_eq!(
        installed(&python),
        set(&["app-1.0.0", "lib-1.2.0", "util-1.5.0"])
    );
    run(sync_cmd(dir.path(), &python, "pylock.toml").arg("--check")).assert_ok();
}

#[test]
fn compile_bytecode_is_opt_in() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    lock_for(dir.path(), &index.url(), &python, "util\n");
    sync(dir.path(), &python, &[]).assert_ok();
    let root = python.parent().unwrap().parent().unwrap();
    let pycache = |root: &Path| {
        std::fs::read_dir(root.join("lib"))
            .unwrap()
            .flatten()
            .map(|e| e.path().join("site-packages/util/__pycache__"))
            .any(|p| p.is_dir())
    };
    assert!(!pycache(root), "no bytecode without the flag");
    std::fs::remove_dir_all(root).unwrap();
    let python = venv(dir.path(), false);
    sync(dir.path(), &python, &["--compile-bytecode"]).assert_ok();
    assert!(pycache(python.parent().unwrap().parent().unwrap()));
}

#[test]
fn a_url_pin_is_installed_with_its_pep_610_record() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let python = venv(dir.path(), false);
    let url = index.file_url("util-1.5.0-py3-none-any.whl");
    lock_for(
        dir.path(),
        &index.url(),
        &python,
        &format!("util @ {url}\n"),
    );
    sync(dir.path(), &python, &[]).assert_ok();
    let root = python.parent().unwrap().parent().unwrap();
    let direct_url = std::fs::read_dir(root.join("lib"))
        .unwrap()
        .flatten()
        .map(|e| {
            e.path()
                .join("site-packages/util-1.5.0.dist-info/direct_url.json")
        })
        .find(|p| p.is_file())
        .expect("direct_url.json written");
    let text = read(&direct_url);
    assert!(text.contains(&format!("\"url\":\"{url}\"")), "{text}");
    assert!(text.contains("\"archive_info\""), "{text}");
    sync(dir.path(), &python, &["--check"]).assert_ok();
}
