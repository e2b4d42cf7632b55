//! The process exit codes, in one place.

use std::process::ExitCode;

/// What a lockit run ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// No set of versions satisfies the requirements (or `verify` found a stale lock).
    NoSolution = 1,
    /// Bad input or usage.
    BadInput = 2,
    /// The index or network failed.
    Network = 3,
    /// `verify` found nothing wrong but could not check everything (offline, cache miss).
    Unchecked = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A run that failed: what to print and how to exit.
#[derive(Debug)]
pub struct Failure {
    /// The message for stderr.
    pub message: String,
    /// The exit code.
    pub code: Exit,
}

impl Failure {
    /// A failure with `code`.
    pub fn new(code: Exit, message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code,
        }
    }

    /// Bad input or usage (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(Exit::BadInput, message)
    }
}

impl From<lockit_session::SessionError> for Failure {
    fn from(e: lockit_session::SessionError) -> Self {
        let code = match e.stop {
            lockit_session::Stop::BadInput => Exit::BadInput,
            lockit_session::Stop::NoSolution => Exit::NoSolution,
            lockit_session::Stop::Network => Exit::Network,
        };
        Failure::new(code, e.message)
    }
}
