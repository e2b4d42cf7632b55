//! A Python with `packaging`, the reference implementation, for the differential tests.
//!
//! `LOCKIT_TEST_PYTHON` names one to use as it is. Otherwise a virtual environment is made
//! once under the Cargo target directory with `python3 -m venv` and
//! `pip install packaging==PACKAGING`, and reused by later runs. A lock directory (created
//! atomically) keeps concurrently running test binaries from building it twice.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// The `packaging` release the tests compare against (bump deliberately: its answers are
/// what "correct" means here).
pub const PACKAGING: &str = "26.4";

/// A lock older than this is taken to be left by a killed run.
const STALE_LOCK: Duration = Duration::from_secs(600);

/// The Python to run the oracle with; provisioned on first use.
pub fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| match std::env::var_os("LOCKIT_TEST_PYTHON") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            let version = packaging_version(&p).unwrap_or_else(|e| {
                panic!(
                    "LOCKIT_TEST_PYTHON={}: cannot import packaging: {e}",
                    p.display()
                )
            });
            if version != PACKAGING {
                eprintln!(
                    "note: LOCKIT_TEST_PYTHON has packaging {version}; the tests pin {PACKAGING}"
                );
            }
            p
        }
        _ => provision(),
    })
}

/// Where the build puts its outputs: `CARGO_TARGET_DIR`, else three levels above this test
/// binary (`target/debug/deps/differential-…`).
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("path of the test binary");
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// A scratch directory for request and answer files.
pub fn work_dir() -> PathBuf {
    let dir = target_dir().join("differential-python").join("work");
    std::fs::create_dir_all(&dir).expect("create the differential work directory");
    dir
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn packaging_version(python: &Path) -> Result<String, String> {
    let out = Command::new(python)
        .args(["-c", "import packaging; print(packaging.__version__)"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Builds (or reuses) `target/differential-python/packaging-PACKAGING`.
fn provision() -> PathBuf {
    let root = target_dir().join("differential-python");
    std::fs::create_dir_all(&root).expect("create target/differential-python");
    let venv = root.join(format!("packaging-{PACKAGING}"));
    let ready = venv.join("lockit-ready");
    if ready.exists() {
        return venv_python(&venv);
    }
    let lock = root.join(format!("packaging-{PACKAGING}.lock"));
    let _guard = LockDir::acquire(&lock);
    if ready.exists() {
        return venv_python(&venv);
    }
    let _ = std::fs::remove_dir_all(&venv);
    let host = std::env::var_os("LOCKIT_TEST_PYTHON3").unwrap_or_else(|| "python3".into());
    run(
        Command::new(&host).arg("-m").arg("venv").arg(&venv),
        &format!(
            "`{} -m venv` (the differential tests need Python 3 with venv and pip on PATH \
             to install packaging=={PACKAGING}, or LOCKIT_TEST_PYTHON set to a Python that has packaging)",
            host.to_string_lossy()
        ),
    );
    let python = venv_python(&venv);
    run(
        Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("packaging=={PACKAGING}"),
        ]),
        &format!("pip install packaging=={PACKAGING} (needs access to PyPI)"),
    );
    let version = packaging_version(&python).unwrap_or_else(|e| panic!("packaging: {e}"));
    assert_eq!(version, PACKAGING, "the venv's packaging version");
    std::fs::write(&ready, PACKAGING).expect("mark the venv ready");
    python
}

fn run(cmd: &mut Command, what: &str) {
    match cmd.output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("{what}: cannot run it: {e}"),
    }
}

/// A directory created atomically as a cross-process lock; removed on drop.
struct LockDir(PathBuf);

impl LockDir {
    fn acquire(path: &Path) -> Self {
        loop {
            match std::fs::create_dir(path) {
                Ok(()) => return LockDir(path.to_path_buf()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > STALE_LOCK) {
                        let _ = std::fs::remove_dir(path);
                        continue;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("create lock {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for LockDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Runs `oracle.py MODE` on `request` and returns its answer.
pub fn ask(mode: &str, request: &serde_json::Value) -> serde_json::Value {
    let dir = work_dir();
    let id = format!("{mode}-{}", std::process::id());
    let request_path = dir.join(format!("{id}.request.json"));
    let answer_path = dir.join(format!("{id}.answer.json"));
    std::fs::write(
        &request_path,
        serde_json::to_vec(request).expect("encode request"),
    )
    .expect("write request");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/oracle.py");
    run(
        Command::new(python())
            .arg(&script)
            .arg(mode)
            .arg(&request_path)
            .arg(&answer_path),
        &format!("oracle.py {mode}"),
    );
    let answer = std::fs::read(&answer_path).expect("read answer");
    let _ = std::fs::remove_file(&request_path);
    let _ = std::fs::remove_file(&answer_path);
    serde_json::from_slice(&answer).expect("decode answer")
}
