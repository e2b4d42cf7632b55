//! Why settings could not be decided: each variant names the option or file at fault.

use std::path::PathBuf;

/// A setting that cannot be used, worded for the user (the CLI exits 2 with it).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `--exclude-newer` is neither a timestamp nor a date.
    #[error("invalid --exclude-newer `{0}`: expected an RFC 3339 timestamp like 2026-11-01T00:00:00Z, a date like 2026-11-01, or an age like `7 days` or `P7D`")]
    ExcludeNewer(String),
    /// `--exclude-newer-package` is not `NAME=DATE`.
    #[error("invalid --exclude-newer-package `{0}`: expected NAME=DATE, with a timestamp, a date or an age as --exclude-newer takes")]
    ExcludeNewerPackage(String),
    /// A package name given to an option does not parse.
    #[error("invalid {option}`{value}`: {reason}")]
    PackageName {
        /// The option with a trailing space (`--no-build-package `), or empty for a list of names.
        option: &'static str,
        /// The value as given.
        value: String,
        /// Why it is not a name.
        reason: String,
    },
    /// A Python version that is not `3.X` or `3.X.Y`.
    #[error("invalid Python version `{0}`: expected `3.X` or `3.X.Y`")]
    PythonVersion(String),
    /// The target (version or platform) does not parse.
    #[error("{0}")]
    Target(String),
    /// `--python` names something that is not an interpreter.
    #[error("--python `{}` is not a Python interpreter that answers `-c`", .0.display())]
    NotAnInterpreter(PathBuf),
    /// The target Python is outside the inputs' `requires-python`.
    #[error("the target Python {python} is outside `requires-python = \"{requires_python}\"` of `{}`; pass a --python-version it allows", .file.display())]
    OutsideRequiresPython {
        /// The target Python (`3.12`).
        python: String,
        /// The specifiers.
        requires_python: String,
        /// The file that declares them.
        file: PathBuf,
    },
    /// `--universal` with a `requires-python` that has no lower bound.
    #[error("--universal needs a lowest Python: `requires-python = \"{0}\"` has none; pass --python-version")]
    NoLowerBound(String),
    /// `--universal` with nothing that names the lowest Python.
    #[error("--universal needs the lowest Python to support: pass --python-version (or give a pyproject.toml with requires-python)")]
    NoLowestPython,
    /// The universal floor is outside `requires-python`.
    #[error("the lowest Python {python} is outside `requires-python = \"{requires_python}\"` of `{}`; pass a --python-version it allows", .file.display())]
    FloorOutsideRequiresPython {
        /// The floor (`3.10`).
        python: String,
        /// The specifiers.
        requires_python: String,
        /// The file that declares them.
        file: PathBuf,
    },
    /// `--environment` markers that leave nothing.
    #[error("no environment is left to lock for: the --environment markers exclude every Python from --python-version on")]
    EmptySpace,
    /// An `--environment` / `--required-environment` that is not a marker.
    #[error("{flag} `{text}` is not a PEP 508 marker: {reason}")]
    Marker {
        /// The option.
        flag: &'static str,
        /// The value as given.
        text: String,
        /// The parser's complaint.
        reason: String,
    },
}
