//! Lock formats: a resolution encoded as a lock, written, read back and compared.
//!
//! - [`requirements_txt`]: the pip-compile compatible lock: [`render`](crate::render) writes
//!   it, [`parse_lock`](crate::parse_lock) reads one back for re-locking and `lockit verify`.
//! - [`pylock`]: PEP 751 `pylock.toml`, read into the same [`ParsedLock`](crate::ParsedLock)
//!   view as requirements.txt.
//! - [`encode`]: a resolution turned into either format's data.
//! - [`kept`]: what a re-lock keeps of the lock it replaces.
//! - [`lock_file`]: which format a lock file is, by its name.
//! - [`diff`]: what changed between two sets of pins.
//! - [`conflict`]: the pins both sides of a lock with merge conflict markers agree on.
//! - [`write`]: replacing a lock file without ever leaving half of one.

pub mod conflict;
pub mod diff;
pub mod encode;
pub mod kept;
pub mod lock_file;
pub mod pylock;
pub mod requirements_txt;
pub mod write;
