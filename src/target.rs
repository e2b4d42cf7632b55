//! Which environment to lock for: from flags, else from the `python3` on PATH.

use std::process::Command;

use lockit_dist::{Platform, Target};

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

fn query_interpreter() -> Option<Interpreter> {
    let out = Command::new("python3").args(["-c", QUERY]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
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
        .map_err(|e| Failure::input(format!("error: {e}")))?;
    Target::new(&version, platform).map_err(|e| Failure::input(format!("error: {e}")))
}
