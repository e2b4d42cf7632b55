//! `lockit sync`: makes a Python environment exactly a lock's pins for its interpreter.
//!
//! - [`environment`]: which environment (`--python`, `VIRTUAL_ENV`, `.venv`) and what it is.
//! - [`installed`]: what it has, from its `.dist-info` folders.
//! - [`wanted`]: the lock's pins for its interpreter (markers decided, targets checked).
//! - [`plan`]: the changes from one to the other.
//! - [`fetch`]: files found by their locked hashes, downloaded in parallel, checked, and
//!   unpacked once into the cache.
//! - [`install`]: installing (linked from the cache) and uninstalling (by RECORD) wheels.
//! - [`lock_file`]: one sync of an environment at a time, and the journal that lets the
//!   next sync repair an interrupted one.
//! - [`sync()`]: all of it, in an order that changes nothing until every file is checked.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod environment;
mod error;
pub mod fetch;
pub mod install;
pub mod installed;
pub mod lock_file;
pub mod plan;
mod sync;
pub mod wanted;

pub use environment::{Discovery, Environment};
pub use error::SyncError;
pub use plan::{Change, Plan};
pub use sync::{sync, Outcome, SyncOptions};
pub use wanted::Wanted;
