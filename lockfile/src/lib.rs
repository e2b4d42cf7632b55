//! Reading requirements files and writing lockfiles; no network.
//!
//! - [`requirements_in`]: pip's requirements-file format as input (`requirements.in`), with
//!   `-r`/`-c` includes, options and the file and line every requirement came from.
//! - [`requirements_txt`]: the pip-compile compatible lock: [`render`] writes it, [`parse_lock`]
//!   reads one back for re-locking and `lockit verify`.
//! - [`pylock`]: PEP 751 `pylock.toml`: [`render_pylock`] writes it, [`parse_pylock`] reads it
//!   into the same [`ParsedLock`] view as requirements.txt.
//! - [`pyproject`]: `pyproject.toml` as an input (dependencies, extras, dependency groups).
//! - [`diff`]: what changed between two sets of pins.
//! - [`agreed_lock`]: the pins both sides of a lock with merge conflict markers agree on.
//! - [`write_atomic`]: replace a lock file without ever leaving half of one.

#![warn(missing_docs)]

pub mod check;
mod conflict;
pub mod diff;
pub mod encode;
mod header;
pub mod inputs;
mod lines;
mod lock_file;
pub mod pylock;
pub mod pyproject;
pub mod requirements_in;
pub mod requirements_txt;
mod write;

pub use conflict::{agreed_lock, conflict_sides, AgreedLock};
pub use diff::{diff_pins, line_changes, relock_summary, PinChange};
pub use encode::{
    add_constraint_vias, mark_editables, mark_pylock_editables, to_lock, to_pylock, KeptHashes,
};
pub use header::{command_words, recorded, without_credentials, Header, RECORDED_KEYS};
pub use inputs::{HashMismatch, InputError, Inputs};
pub use lock_file::{default_lock_path, is_pylock_name, parse_lock_file};
pub use lockit_types::{RequirementOrigin, SourcedRequirement};
pub use pylock::{parse_pylock, render_pylock, Pylock, PylockDirectory, PylockFile, PylockPackage};
pub use pyproject::{PyProject, PyProjectError, Selection};
pub use requirements_in::{LineError, LineErrorKind, RequirementsError, RequirementsFile};
pub use requirements_txt::{
    parse_lock, render, Lock, LockParseError, LockStyle, LockedPackage, ParsedLock, Pin, PinFile,
    Via,
};
pub use write::write_atomic;
