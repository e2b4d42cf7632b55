//! Which environment to lock for: from flags, else from the `python3` on PATH.

use std::path::{Path, PathBuf};
use std::process::Command;

use lockit_types::{Platform, Target};

use crate::exit_code::Failure;

/// Used when no flag says and no interpreter answers.
const DEFAULT_PYTHON: &str = "3.12";
const DEFAULT_PLATFORM: &str = "x86_64-manylinux_2_28";

const QUERY: &str = r#"
import json, platform, sys
print(json.dumps({"version": platform.python_version(), "sys_platform": sys.platform,
  "machine": platform.machine(), "libc": list(platform.libc_ver())}))
"#;

/// What the interpreter on PATH says about itself.
struct Interpreter {
    version: String,
    platform: Option<String>,
}

/// The first `python3` on PATH.
fn find_python3() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("python3"))
        .find(|p| p.is_file())
}

/// Where the answer of the interpreter at `exe` is kept: keyed by its resolved path,
/// size and modification time, so an upgraded interpreter is asked again.
fn answer_cache(exe: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(exe).ok()?;
    let meta = std::fs::metadata(&real).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let key = format!("{}|{}|{}", real.display(), meta.len(), mtime.as_nanos());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&key, &mut hasher);
    let root = crate::settings::default_cache_root()?;
    Some(
        root.join("interpreters-v1")
            .join(format!("{:016x}.json", std::hash::Hasher::finish(&hasher))),
    )
}

/// Runs the interpreter's self-description, or reads the cached answer.
fn interpreter_answer() -> Option<Vec<u8>> {
    let exe = find_python3()?;
    let cached = answer_cache(&exe);
    if let Some(bytes) = cached.as_deref().and_then(|p| std::fs::read(p).ok()) {
        return Some(bytes);
    }
    let out = Command::new(&exe).args(["-c", QUERY]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    if let Some(path) = cached {
        // Best effort: a cache that cannot be written only costs the next run a query.
        let _ = path
            .parent()
            .map(std::fs::create_dir_all)
            .and_then(Result::ok)
            .map(|()| lockit_lockfile::write_atomic(&path, &out.stdout));
    }
    Some(out.stdout)
}

fn query_interpreter() -> Option<Interpreter> {
    let answer = interpreter_answer()?;
    let v: serde_json::Value = serde_json::from_slice(&answer).ok()?;
    let version = v.get("version")?.as_str()?.to_string();
    let machine = v.get("machine")?.as_str()?.to_ascii_lowercase();
    let arch = match machine.as_str() {
        "x86_64" | "amd64" => "x86_64",
        "aarch64" | "arm64" => "aarch64",
        _ => {
            return Some(Interpreter {
                version,
                platform: None,
            })
        }
    };
    let platform = match v.get("sys_platform")?.as_str()? {
        "linux" => {
            let libc = v.get("libc")?.as_array()?;
            let (lib, ver) = (libc.first()?.as_str()?, libc.get(1)?.as_str()?);
            if lib == "glibc" {
                let (maj, min) = ver.split_once('.')?;
                Some(format!("{arch}-manylinux_{maj}_{min}"))
            } else {
                Some(format!("{arch}-unknown-linux-musl"))
            }
        }
        "darwin" => Some(format!("{arch}-apple-darwin")),
        "win32" => Some(format!("{arch}-pc-windows-msvc")),
        _ => None,
    };
    Some(Interpreter { version, platform })
}

/// Builds the target from `--python-version` / `--python-platform`, filling gaps from the
/// interpreter on PATH, and saying so when neither is available.
pub fn resolve_target(
    python_version: Option<&str>,
    python_platform: Option<&str>,
    quiet: bool,
) -> Result<Target, Failure> {
    let interpreter = if python_version.is_none() || python_platform.is_none() {
        query_interpreter()
    } else {
        None
    };
    let version = match (python_version, &interpreter) {
        (Some(v), _) => v.to_string(),
        (None, Some(i)) => i.version.clone(),
        (None, None) => {
            if !quiet {
                eprintln!("note: no `python3` found on PATH; resolving for Python {DEFAULT_PYTHON} (use --python-version)");
            }
            DEFAULT_PYTHON.to_string()
        }
    };
    let platform = match (
        python_platform,
        interpreter.as_ref().and_then(|i| i.platform.clone()),
    ) {
        (Some(p), _) => p.to_string(),
        (None, Some(p)) => p,
        (None, None) => {
            if !quiet {
                eprintln!(
                    "note: resolving for platform {DEFAULT_PLATFORM} (use --python-platform)"
                );
            }
            DEFAULT_PLATFORM.to_string()
        }
    };
    let platform: Platform = platform
        .parse()
        .map_err(|e: lockit_types::TargetError| Failure::input(e.to_string()))?;
    Target::new(&version, platform).map_err(|e| Failure::input(e.to_string()))
}
