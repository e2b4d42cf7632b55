//! Shared helpers for the end-to-end tests: run the real `lockit` binary against a local
//! index, write input files, read pins back out of a lock.
//!
//! Every module of the `e2e` test binary uses it as `crate::common`.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use lockit_test_index::{Scenario, TestIndex};

/// The target every test resolves for, so results never depend on the machine's Python.
pub const PYTHON_VERSION: &str = "3.12";
/// See [`PYTHON_VERSION`].
pub const PYTHON_PLATFORM: &str = "x86_64-manylinux_2_28";

/// The path of the `lockit` binary Cargo built for these tests.
pub fn lockit_bin() -> &'static str {
    env!("CARGO_BIN_EXE_lockit")
}

/// `--python-version 3.12 --python-platform x86_64-manylinux_2_28`, as arguments.
pub const TARGET_ARGS: [&str; 4] = [
    "--python-version",
    PYTHON_VERSION,
    "--python-platform",
    PYTHON_PLATFORM,
];

/// The `LOCKIT_*` variables a test must not inherit from the developer's shell.
pub const LOCKIT_VARS: [&str; 7] = [
    "LOCKIT_INDEX_URL",
    "LOCKIT_EXTRA_INDEX_URL",
    "LOCKIT_CACHE_DIR",
    "LOCKIT_OFFLINE",
    "LOCKIT_CONNECT_TIMEOUT",
    "LOCKIT_READ_TIMEOUT",
    "LOCKIT_INDEX_STRATEGY",
];

/// A bare `lockit` command in `cwd`: no arguments, stdin closed, no [`LOCKIT_VARS`] and no
/// pip index configuration.
pub fn lockit_cmd(cwd: &Path) -> Command {
    let mut cmd = Command::new(lockit_bin());
    cmd.current_dir(cwd).stdin(Stdio::null());
    for var in LOCKIT_VARS {
        cmd.env_remove(var);
    }
    // pip's index configuration is read too (below lockit's own): keep the developer's out.
    cmd.env("PIP_CONFIG_FILE", "/dev/null")
        .env_remove("PIP_INDEX_URL")
        .env_remove("PIP_EXTRA_INDEX_URL");
    cmd
}

/// A `lockit resolve` command with the fixed target, `--no-cache`, `-q` and `--index-url`,
/// run in `cwd` with no `LOCKIT_*` variables inherited from the developer's shell.
pub fn resolve_cmd(cwd: &Path, index_url: &str) -> Command {
    resolve_cmd_cached(cwd, index_url, None)
}

/// [`resolve_cmd`] with `--cache-dir cache` instead of `--no-cache` when `cache` is given.
pub fn resolve_cmd_cached(cwd: &Path, index_url: &str, cache: Option<&Path>) -> Command {
    resolve_cmd_with(cwd, index_url, cache, true)
}

/// [`resolve_cmd`] without `-q`, so warnings and the change summary are printed.
pub fn resolve_cmd_loud(cwd: &Path, index_url: &str) -> Command {
    resolve_cmd_with(cwd, index_url, None, false)
}

/// [`resolve_cmd_cached`], with `-q` only when `quiet`.
fn resolve_cmd_with(cwd: &Path, index_url: &str, cache: Option<&Path>, quiet: bool) -> Command {
    let mut cmd = lockit_cmd(cwd);
    cmd.arg("resolve").args(TARGET_ARGS);
    match cache {
        Some(dir) => cmd.arg("--cache-dir").arg(dir),
        None => cmd.arg("--no-cache"),
    };
    if quiet {
        cmd.arg("-q");
    }
    cmd.args(["--index-url", index_url])
        // Fail fast: a test that waits on the network is a test that hangs.
        .args(["--connect-timeout", "5", "--read-timeout", "20"]);
    cmd
}

/// What a finished run left behind.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// Collects a finished process's output.
    /// Every run of every test is also checked for a panic, of any thread (regression: a
    /// background thread panicked when the runtime was shut down under it, onto the
    /// user's terminal, though the run's own answer was right).
    #[track_caller]
    pub fn from_output(out: Output) -> Run {
        let run = Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked at") && run.code != Some(101),
            "lockit panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Panics with both streams unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the run succeeded.
    #[track_caller]
    pub fn assert_ok(&self) -> &Run {
        self.assert_code(0)
    }
}

/// Runs `lockit resolve <args>` in `cwd` against `index_url` and waits for it.
pub fn resolve<I, S>(cwd: &Path, index_url: &str, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = resolve_cmd(cwd, index_url)
        .args(args)
        .output()
        .expect("run lockit");
    Run::from_output(out)
}

/// Runs a prepared command and waits for it.
pub fn run(cmd: &mut Command) -> Run {
    Run::from_output(cmd.output().expect("run lockit"))
}

/// Runs `lockit` with exactly `args` (no defaults added) in `cwd`.
pub fn lockit_raw<I, S>(cwd: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(lockit_cmd(cwd).args(args))
}

/// Writes `contents` to `dir/name` (creating parent directories) and returns the path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent directory");
    }
    fs::write(&path, contents).expect("write file");
    path
}

/// Reads a file as UTF-8.
pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Reads `dir/requirements.txt`, the default lock of `dir/requirements.in`.
pub fn read_lock(dir: &Path) -> String {
    read(&dir.join("requirements.txt"))
}

/// A tempdir whose `requirements.in` holds `input`, locked by a successful
/// `lockit resolve requirements.in <args>`.
#[track_caller]
pub fn locked_dir(index_url: &str, input: &str, args: &[&str]) -> tempfile::TempDir {
    let dir = tempdir();
    write(dir.path(), "requirements.in", input);
    resolve(
        dir.path(),
        index_url,
        ["requirements.in"].iter().chain(args),
    )
    .assert_ok();
    dir
}

/// The lock of a `requirements.in` holding `input`, without header, as printed by `-o -`.
#[track_caller]
pub fn lock_stdout(index_url: &str, input: &str) -> String {
    let dir = tempdir();
    write(dir.path(), "requirements.in", input);
    let run = resolve(
        dir.path(),
        index_url,
        ["requirements.in", "--no-header", "-o", "-"],
    );
    run.assert_ok();
    run.stdout
}

/// Every file under `dir`, recursively (none when `dir` cannot be read).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The first file under `dir` whose bytes contain `needle`, if any.
pub fn file_containing(dir: &Path, needle: &[u8]) -> Option<PathBuf> {
    files_under(dir).into_iter().find(|file| {
        let bytes = fs::read(file).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

/// The `name==version` pins of a lock, in file order, ignoring hashes and comments.
pub fn pins(lock: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lock.lines() {
        let line = line.trim_end_matches('\\').trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("--") {
            continue;
        }
        let req = line.split(';').next().unwrap_or(line).trim();
        let (name, version) = req
            .split_once("==")
            .unwrap_or_else(|| panic!("not a pin: {line:?} in\n{lock}"));
        let previous = out.insert(name.trim().to_string(), version.trim().to_string());
        assert!(previous.is_none(), "{name} pinned twice in\n{lock}");
    }
    out
}

/// `[("a", "1.0"), ...]` as a map, for comparing with [`pins`].
pub fn pinmap(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// The `# via` reasons of each package in a lock (single-line and multi-line forms).
pub fn vias(lock: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_via = false;
    for line in lock.lines() {
        if !line.starts_with(' ') && !line.starts_with('#') && line.contains("==") {
            let name = line.split("==").next().unwrap_or_default().trim();
            current = Some(name.to_string());
            out.entry(name.to_string()).or_default();
            in_via = false;
            continue;
        }
        let Some(pkg) = &current else { continue };
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("# via ") {
            out.entry(pkg.clone()).or_default().push(rest.to_string());
            in_via = false;
        } else if t == "# via" {
            in_via = true;
        } else if in_via {
            if let Some(rest) = t.strip_prefix("#   ") {
                out.entry(pkg.clone()).or_default().push(rest.to_string());
            }
        }
    }
    out
}

/// Directory entries other than `keep`, sorted: stray temporary files show up here.
pub fn other_entries(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// The directory holding our scenario files.
pub fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// Loads `tests/scenarios/<name>.toml`.
pub fn load_scenario(name: &str) -> Scenario {
    let path = scenarios_dir().join(format!("{name}.toml"));
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Parses a scenario written inline in a test.
pub fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml(toml).unwrap_or_else(|e| panic!("{e}"))
}

/// Serves a scenario; the index stops when the value is dropped.
pub fn serve(s: &Scenario) -> TestIndex {
    TestIndex::serve_scenario(s).expect("start test index")
}

/// A small index used by many tests: `app` needs `lib` and `util`, `lib` needs `util<2`.
pub const SMALL: &str = r#"
name = "small"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["lib>=1", "util"]
[[packages]]
name = "lib"
version = "1.0.0"
requires = ["util<2"]
[[packages]]
name = "lib"
version = "1.2.0"
requires = ["util<2"]
sdist = true
[[packages]]
name = "util"
version = "1.5.0"
[[packages]]
name = "util"
version = "2.0.0"
[[packages]]
name = "other"
version = "3.0.0"
"#;

/// A tempdir to hold a test's inputs and outputs.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// The lines the test index's in-tree build backend logged to `log` (one per hook call,
/// `hook name version`); none when no build ran.
pub fn build_log(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}
