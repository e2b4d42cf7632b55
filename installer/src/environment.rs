//! Which environment a sync changes, and what it is: `--python PATH`, else `VIRTUAL_ENV`,
//! else `.venv` in the current folder (created when missing), asked once for its layout
//! (the install scheme's folders), its Python and its platform.

use std::path::{Path, PathBuf};
use std::process::Command;

use lockit_interpreter::Interpreter;
use lockit_types::{Platform, Target};
use serde::Deserialize;

use crate::SyncError;

/// The environment a sync changes.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The interpreter (`.venv/bin/python`).
    pub python: PathBuf,
    /// `sys.prefix`: the venv's root.
    pub prefix: PathBuf,
    /// Its Python and platform, with marker values and accepted wheel tags.
    pub target: Target,
    /// The install scheme's folders.
    pub scheme: Scheme,
    /// `os.name` (`posix`, `nt`).
    pub os_name: String,
    /// `sys.executable` as the interpreter reports it: scripts' shebangs name it.
    pub executable: PathBuf,
    /// True when `prefix` is a virtual environment.
    pub is_venv: bool,
}

/// The folders a wheel's files go to (sysconfig's install scheme).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Scheme {
    /// Pure-Python packages.
    pub purelib: PathBuf,
    /// Platform-specific packages (the same folder in a venv on most systems).
    pub platlib: PathBuf,
    /// Console and GUI scripts.
    pub scripts: PathBuf,
    /// `.data/data/` files.
    pub data: PathBuf,
    /// `.data/headers/` files.
    pub include: PathBuf,
}

/// What the interpreter says about itself.
#[derive(Debug, Deserialize)]
struct Answer {
    version: String,
    prefix: PathBuf,
    base_prefix: PathBuf,
    executable: PathBuf,
    os_name: String,
    externally_managed: bool,
    scheme: Scheme,
}

const QUERY: &str = r#"
import json, os, platform, sys, sysconfig
p = sysconfig.get_paths()
print(json.dumps({"version": platform.python_version(), "prefix": sys.prefix,
  "base_prefix": getattr(sys, "base_prefix", sys.prefix), "executable": sys.executable,
  "os_name": os.name,
  "externally_managed": os.path.isfile(os.path.join(p["stdlib"], "EXTERNALLY-MANAGED")),
  "scheme": {k: p[k] for k in ("purelib", "platlib", "scripts", "data", "include")}}))
"#;

/// How to find the environment.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// `--python PATH`.
    pub python: Option<PathBuf>,
    /// `--system`: an interpreter outside a venv may be changed.
    pub system: bool,
    /// The `major.minor` the lock records, for creating `.venv`.
    pub lock_python: Option<String>,
    /// Where lockit caches interpreter answers.
    pub cache_root: Option<PathBuf>,
    /// The folder `.venv` is looked for in.
    pub cwd: PathBuf,
    /// Do not create `.venv` when it is missing (`--check`, `--dry-run`).
    pub no_create: bool,
}

/// The interpreter of the venv at `root`.
pub fn venv_python(root: &Path) -> PathBuf {
    if cfg!(windows) {
        root.join("Scripts").join("python.exe")
    } else {
        root.join("bin").join("python")
    }
}

impl Environment {
    /// Finds (or creates) the environment `how` names and asks its interpreter about it.
    pub fn discover(how: &Discovery) -> Result<Environment, SyncError> {
        let python = match (&how.python, std::env::var_os("VIRTUAL_ENV")) {
            (Some(python), _) => python.clone(),
            (None, Some(venv)) if !venv.is_empty() => venv_python(Path::new(&venv)),
            _ => {
                let root = how.cwd.join(".venv");
                let python = venv_python(&root);
                if !python.exists() {
                    if how.no_create {
                        return Err(SyncError::Environment(format!(
                            "no environment to check: `{}` does not exist (give --python PATH or activate a venv)",
                            root.display()
                        )));
                    }
                    create_venv(&root, how)?;
                }
                python
            }
        };
        Environment::of(&python, how)
    }

    /// Asks `python` about itself; refuses one outside a venv without `--system`, and an
    /// externally managed one.
    pub fn of(python: &Path, how: &Discovery) -> Result<Environment, SyncError> {
        let out = Command::new(python)
            .args(["-I", "-c", QUERY])
            .output()
            .map_err(|e| {
                SyncError::Environment(format!(
                    "cannot run the interpreter `{}`: {e}",
                    python.display()
                ))
            })?;
        if !out.status.success() {
            return Err(SyncError::Environment(format!(
                "the interpreter `{}` failed to describe itself: {}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let answer: Answer = serde_json::from_slice(&out.stdout).map_err(|e| {
            SyncError::Environment(format!(
                "the interpreter `{}` gave an unreadable answer: {e}",
                python.display()
            ))
        })?;
        let is_venv = answer.prefix != answer.base_prefix;
        if !is_venv {
            if answer.externally_managed {
                return Err(SyncError::Refused(format!(
                    "`{}` is externally managed (PEP 668): its packages belong to the system's package manager; sync into a virtual environment instead (`python3 -m venv .venv`)",
                    python.display()
                )));
            }
            if !how.system {
                return Err(SyncError::Refused(format!(
                    "`{}` is not in a virtual environment; pass --system to change its packages anyway",
                    python.display()
                )));
            }
        }
        let platform = Interpreter::find(Some(python), how.cache_root.as_deref())
            .and_then(|i| i.platform)
            .ok_or_else(|| {
                SyncError::Environment(format!(
                    "lockit has no name for the platform of `{}`",
                    python.display()
                ))
            })?;
        let platform: Platform = platform
            .parse()
            .map_err(|e: lockit_types::TargetError| SyncError::Environment(e.to_string()))?;
        let target = Target::new(&answer.version, platform)
            .map_err(|e| SyncError::Environment(e.to_string()))?;
        Ok(Environment {
            python: python.to_path_buf(),
            prefix: answer.prefix,
            target,
            scheme: answer.scheme,
            os_name: answer.os_name,
            executable: answer.executable,
            is_venv,
        })
    }

    /// The folders distributions are installed in: purelib, and platlib when it differs.
    pub fn site_packages(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.scheme.purelib.clone()];
        if self.scheme.platlib != self.scheme.purelib {
            dirs.push(self.scheme.platlib.clone());
        }
        dirs
    }

    /// `major.minor` of the interpreter.
    pub fn python_minor(&self) -> (u8, u8) {
        let r = self.target.python.release();
        let part = |i: usize| r.get(i).copied().unwrap_or(0).min(255) as u8;
        (part(0), part(1))
    }
}

/// Creates the venv `root` with the lock's Python when one is found, else `python3`.
fn create_venv(root: &Path, how: &Discovery) -> Result<(), SyncError> {
    let base = Interpreter::find_for(None, how.lock_python.as_deref(), how.cache_root.as_deref())
        .ok_or_else(|| {
        SyncError::Environment("no `python3` to create `.venv` with (give --python PATH)".into())
    })?;
    eprintln!(
        "Creating a virtual environment at {} with Python {}",
        root.display(),
        base.version
    );
    let out = Command::new(&base.executable)
        .args(["-m", "venv"])
        .arg(root)
        .output()
        .map_err(|e| SyncError::Environment(format!("cannot run `python -m venv`: {e}")))?;
    if !out.status.success() {
        return Err(SyncError::Environment(format!(
            "`{} -m venv {}` failed: {}",
            base.executable.display(),
            root.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}
