//! Why a build could not give metadata, with what a user needs to act on it.

use std::fmt;

/// How many lines of a failed step's output an error keeps.
pub const TAIL_LINES: usize = 20;

/// How a PEP 517 hook (or an environment step) ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookFailure {
    /// The process exited unsuccessfully (`None`: killed by a signal).
    Exit(Option<i32>),
    /// It ran longer than the timeout, in seconds, and was killed.
    Timeout(u64),
    /// It could not be started.
    Spawn(String),
}

impl fmt::Display for HookFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HookFailure::Exit(Some(code)) => write!(f, "failed (exit status {code})"),
            HookFailure::Exit(None) => f.write_str("was killed by a signal"),
            HookFailure::Timeout(secs) => write!(f, "ran past the {secs}-second build timeout"),
            HookFailure::Spawn(why) => write!(f, "could not be started: {why}"),
        }
    }
}

/// Why the metadata of a source tree could not be prepared. Every variant names the
/// package and version; failed steps carry the last [`TAIL_LINES`] lines of their output.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BuildError {
    /// The sdist could not be unpacked, or holds no source tree.
    #[error("cannot unpack the sdist of `{name}` {version}: {reason}")]
    Unpack {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// What went wrong.
        reason: String,
    },
    /// The `[build-system]` table of `pyproject.toml` is invalid (PEP 518, PEP 517).
    #[error("invalid `[build-system]` in the pyproject.toml of `{name}` {version}: {reason}")]
    BuildSystem {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No Python interpreter to build with.
    #[error("no Python to build `{name}` {version} with: {reason}")]
    Interpreter {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// Why none was found.
        reason: String,
    },
    /// The build requirements could not be resolved or downloaded.
    #[error("the build requirements of `{name}` {version} ({requirements}) cannot be installed for the build interpreter: {reason}")]
    Requirements {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// The requirements, comma-separated.
        requirements: String,
        /// The resolver's or the client's explanation.
        reason: String,
    },
    /// Creating the isolated build environment failed (`venv` or `pip install`).
    #[error(
        "could not create the build environment of `{name}` {version}: `{step}` {failure}{}",
        tail_text(output)
    )]
    Environment {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// The command that failed, shortly (`python -m venv`, `pip install`).
        step: &'static str,
        /// How it ended.
        failure: HookFailure,
        /// Its last lines of output.
        output: Vec<String>,
    },
    /// A PEP 517 hook failed or ran too long.
    #[error("`{hook}` of `{name}` {version} {failure}{}", tail_text(output))]
    Hook {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// The hook (`prepare_metadata_for_build_wheel`, `build_wheel`, ...).
        hook: &'static str,
        /// How it ended.
        failure: HookFailure,
        /// Its last lines of output.
        output: Vec<String>,
    },
    /// The hook succeeded but left no readable `METADATA`.
    #[error("`{hook}` of `{name}` {version} gave no metadata: {reason}")]
    NoMetadata {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// The hook.
        hook: &'static str,
        /// What was missing.
        reason: String,
    },
}

fn tail_text(lines: &[String]) -> String {
    if lines.is_empty() {
        return " and printed nothing".to_string();
    }
    let mut out = String::from("; its last output:");
    for line in lines {
        out.push_str("\n    | ");
        out.push_str(line);
    }
    out
}

impl BuildError {
    /// One line for the resolver's report: the step that failed and its last error line
    /// (the exception, or the last line that says error; else the last line), without the
    /// package, which the report names already. The whole failure was printed before.
    pub fn summary(&self) -> String {
        let last = |output: &[String]| {
            let lines = || {
                output
                    .iter()
                    .rev()
                    .map(|l| l.trim())
                    .filter(|l| !l.is_empty())
            };
            lines()
                .find(|l| says_error(l))
                .or_else(|| lines().next())
                .map(|l| format!(": {l}"))
                .unwrap_or_default()
        };
        match self {
            BuildError::Hook {
                hook,
                failure,
                output,
                ..
            } => format!("`{hook}` {failure}{}", last(output)),
            BuildError::Environment {
                step,
                failure,
                output,
                ..
            } => format!(
                "creating the build environment: `{step}` {failure}{}",
                last(output)
            ),
            BuildError::Unpack { reason, .. } => format!("cannot unpack the sdist: {reason}"),
            BuildError::BuildSystem { reason, .. } => {
                format!("invalid `[build-system]`: {reason}")
            }
            BuildError::Interpreter { reason, .. } => format!("no Python to build with: {reason}"),
            // The resolver's report was printed in full; a report inside a report reads
            // badly, and cut short it says nothing.
            BuildError::Requirements { requirements, .. } => {
                format!("its build requirements ({requirements}) cannot be installed")
            }
            BuildError::NoMetadata { hook, reason, .. } => {
                format!("`{hook}` gave no metadata: {reason}")
            }
        }
    }

    /// The failure as the resolver records it: the step that failed, [`BuildError::summary`]
    /// and the tail of the step's output.
    pub fn failure(&self) -> lockit_resolver::BuildFailure {
        let (step, output) = match self {
            BuildError::Hook { hook, output, .. } => (Some(hook.to_string()), output.clone()),
            BuildError::Environment { step, output, .. } => {
                (Some(step.to_string()), output.clone())
            }
            BuildError::NoMetadata { hook, .. } => (Some(hook.to_string()), Vec::new()),
            _ => (None, Vec::new()),
        };
        lockit_resolver::BuildFailure {
            step,
            summary: self.summary(),
            output,
        }
    }

    /// The project and version the build was for.
    pub fn package(&self) -> (&str, &str) {
        match self {
            BuildError::Unpack { name, version, .. }
            | BuildError::BuildSystem { name, version, .. }
            | BuildError::Interpreter { name, version, .. }
            | BuildError::Requirements { name, version, .. }
            | BuildError::Environment { name, version, .. }
            | BuildError::Hook { name, version, .. }
            | BuildError::NoMetadata { name, version, .. } => (name, version),
        }
    }
}

/// True for a line that reports an error: `RuntimeError: …`, `error: …`, `FATAL …`.
fn says_error(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["error", "exception", "fatal"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The last [`TAIL_LINES`] lines of `text`, without trailing blank lines.
pub(crate) fn tail(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let start = end.saturating_sub(TAIL_LINES);
    lines[start..end].iter().map(|l| l.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_hook_fits_on_one_screen() {
        let output: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        let err = BuildError::Hook {
            name: "dyn".into(),
            version: "2.0.0".into(),
            hook: "prepare_metadata_for_build_wheel",
            failure: HookFailure::Exit(Some(1)),
            output: tail(&format!("{output}RuntimeError: boom\n\n\n")),
        };
        let text = err.to_string();
        assert!(text.starts_with(
            "`prepare_metadata_for_build_wheel` of `dyn` 2.0.0 failed (exit status 1); its last output:\n    | line 32\n"
        ), "{text}");
        assert!(text.ends_with("    | RuntimeError: boom"), "{text}");
        assert_eq!(text.lines().count(), 1 + TAIL_LINES);
        assert_eq!(
            err.summary(),
            "`prepare_metadata_for_build_wheel` failed (exit status 1): RuntimeError: boom"
        );
        assert_eq!(err.package(), ("dyn", "2.0.0"));
    }

    /// Regression: the summary quoted the last line, which for a wrapped message was a
    /// fragment ("the system's package manager or via https://rustup.rs/)").
    #[test]
    fn the_summary_quotes_the_last_error_line() {
        let err = BuildError::Hook {
            name: "orjson".into(),
            version: "3.0.0".into(),
            hook: "prepare_metadata_for_build_wheel",
            failure: HookFailure::Exit(Some(1)),
            output: tail("Running setup\nerror: can't find Rust compiler\n\nInstall it through\nthe system's package manager or via https://rustup.rs/\n"),
        };
        assert_eq!(
            err.summary(),
            "`prepare_metadata_for_build_wheel` failed (exit status 1): error: can't find Rust compiler"
        );
        let err = BuildError::Requirements {
            name: "x".into(),
            version: "1".into(),
            requirements: "setuptools>=999".into(),
            reason: "no solution:\n  Because no version of setuptools matches setuptools>=999 (the index has …, 84.1.0) and you require it, …".into(),
        };
        assert_eq!(
            err.summary(),
            "its build requirements (setuptools>=999) cannot be installed"
        );
        assert!(err
            .to_string()
            .contains("cannot be installed for the build interpreter: no solution:"));
    }

    #[test]
    fn silence_and_timeouts_are_said() {
        let err = BuildError::Hook {
            name: "x".into(),
            version: "1".into(),
            hook: "build_wheel",
            failure: HookFailure::Timeout(30),
            output: Vec::new(),
        };
        assert_eq!(
            err.to_string(),
            "`build_wheel` of `x` 1 ran past the 30-second build timeout and printed nothing"
        );
        assert_eq!(tail("\n\n"), Vec::<String>::new());
    }
}
