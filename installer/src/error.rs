//! Why a sync could not be done, with what a user needs to act on it.

use std::path::PathBuf;

/// A sync that could not be carried out; the environment is as it was unless the variant
/// says otherwise.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The lock file could not be read or parsed.
    #[error("cannot read the lock `{path}`: {message}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The lock was made for another Python or platform than the interpreter's.
    #[error("the lock `{lock}` is for {locked}, but `{python}` is {found}; resolve again for it, or make a universal lock (`--universal`)")]
    WrongTarget {
        /// The lock file.
        lock: PathBuf,
        /// What the lock records.
        locked: String,
        /// The interpreter.
        python: PathBuf,
        /// What the interpreter is.
        found: String,
    },
    /// No environment to sync was found or could be made.
    #[error("{0}")]
    Environment(String),
    /// The interpreter is not in a virtual environment and `--system` was not given, or
    /// its installation is externally managed (PEP 668).
    #[error("{0}")]
    Refused(String),
    /// A pin the lock has that sync cannot install.
    #[error("cannot install `{name}`: {message}")]
    Unsupported {
        /// The package.
        name: String,
        /// Why.
        message: String,
    },
    /// A file could not be had, or did not match the lock's hashes; nothing was changed.
    #[error("{0}")]
    Fetch(String),
    /// A file on disk could not be read or written.
    #[error("{what} `{path}`: {message}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The path.
        path: PathBuf,
        /// The error.
        message: String,
    },
    /// Installing or removing a distribution failed part-way; the next sync repairs it.
    #[error("{0}")]
    Install(String),
}

impl SyncError {
    /// An I/O error on `path` while doing `what`.
    pub(crate) fn io(what: &'static str, path: impl Into<PathBuf>, e: std::io::Error) -> Self {
        SyncError::Io {
            what,
            path: path.into(),
            message: e.to_string(),
        }
    }
}
