//! Checking a lock against its inputs and the index: the findings `lockit verify` reports.
//!
//! Online, [`LockCheck::against`] compares the lock with a fresh resolution of its inputs
//! (pins, hashes, who requires what). Offline, [`LockCheck::offline`] checks what the lock,
//! the inputs and the cache can show: inputs satisfied, pins closed under their (cached)
//! dependencies, hashes matching cached listings.

mod against;
mod finding;
mod hashes;
mod line_diff;
mod lock_check;
mod offline;
mod report;
#[cfg(test)]
mod tests;

pub use finding::{unreadable, Finding, FindingKind};
pub use hashes::{edited_pin, hash_findings, missing_hashes};
pub use line_diff::LINES_SHOWN;
pub use lock_check::LockCheck;
pub use report::Report;
