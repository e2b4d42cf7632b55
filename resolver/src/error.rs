//! Why a resolution did not produce pins.

use crate::report::NoSolution;

/// A failed resolution.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The requirements cannot all be satisfied; the report says why.
    #[error("{0}")]
    NoSolution(Box<NoSolution>),
    /// The index failed; resolution stopped.
    #[error(transparent)]
    Index(Box<dyn std::error::Error + Send + Sync>),
}
