//! Python tools for tests, from PyPI: a virtual environment made once per set of pinned
//! requirements under the Cargo target directory and reused by later runs, so tests can
//! start real servers (pypiserver) or ask reference implementations (packaging).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// A lock directory older than this is taken to be left by a killed run.
const STALE_LOCK: Duration = Duration::from_secs(600);

/// Where the build puts its outputs: `CARGO_TARGET_DIR`, else three levels above the
/// running test binary (`target/debug/deps/…`).
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// The `python` of a virtual environment named `name` holding exactly `requirements`
/// (pinned `name==version` strings), made with the `python3` on PATH on first use.
///
/// # Panics
/// When there is no `python3` or pip cannot install the requirements: a test that needs
/// the tool cannot run without it, and must say so rather than pass.
pub fn venv_with(name: &str, requirements: &[&str]) -> PathBuf {
    let root = target_dir().join("test-venvs");
    let venv = root.join(name);
    let python = venv.join("bin").join("python");
    let ready = venv.join(".lockit-ready");
    let wanted = requirements.join("\n");
    if std::fs::read_to_string(&ready).is_ok_and(|r| r == wanted) {
        return python;
    }
    std::fs::create_dir_all(&root).expect("create the test venv directory");
    let lock = root.join(format!("{name}.lock"));
    loop {
        match std::fs::create_dir(&lock) {
            Ok(()) => break,
            Err(_) => {
                let stale = std::fs::metadata(&lock)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| SystemTime::now().duration_since(t).ok())
                    .is_some_and(|age| age > STALE_LOCK);
                if stale {
                    let _ = std::fs::remove_dir(&lock);
                }
                if std::fs::read_to_string(&ready).is_ok_and(|r| r == wanted) {
                    return python;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
    let made = (|| {
        if std::fs::read_to_string(&ready).is_ok_and(|r| r == wanted) {
            return Ok(());
        }
        let _ = std::fs::remove_dir_all(&venv);
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(requirements))?;
        std::fs::write(&ready, &wanted).map_err(|e| e.to_string())
    })();
    let _ = std::fs::remove_dir(&lock);
    if let Err(e) = made {
        panic!("cannot make the test venv `{name}` with {requirements:?}: {e}");
    }
    python
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
