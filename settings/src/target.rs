//! Which environment to lock for: from flags, else from the interpreter `--python` names or
//! the `python3` on PATH.

use std::path::Path;

use lockit_interpreter::Interpreter;
use lockit_types::{Platform, Target};

use crate::SettingsError;

/// Used when no flag says and no interpreter answers.
const DEFAULT_PYTHON: &str = "3.12";
const DEFAULT_PLATFORM: &str = "x86_64-manylinux_2_28";

/// Builds the target from `--python-version` / `--python-platform`, filling gaps from the
/// interpreter (`python`, else `python3` on PATH), and saying so when neither is available.
/// A `--python` that does not answer is an error, not a default.
pub(crate) fn resolve_target(
    python_version: Option<&str>,
    python_platform: Option<&str>,
    python: Option<&Path>,
    quiet: bool,
) -> Result<Target, SettingsError> {
    let interpreter = if python_version.is_none() || python_platform.is_none() {
        let cache = crate::default_cache_root();
        let found = Interpreter::find(python, cache.as_deref());
        if let (None, Some(p)) = (&found, python) {
            return Err(SettingsError::NotAnInterpreter(p.to_path_buf()));
        }
        found
    } else {
        None
    };
    if let Some(i) = &interpreter {
        tracing::debug!(
            "target from the interpreter {}: {}",
            i.path.display(),
            i.version
        );
    }
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
        .map_err(|e: lockit_types::TargetError| SettingsError::Target(e.to_string()))?;
    Target::new(&version, platform).map_err(|e| SettingsError::Target(e.to_string()))
}
