//! Reading requirements files and writing lockfiles; no network. Three groups of modules:
//!
//! - [`inputs`]: what a run locks: requirements files ([`requirements_in`]), a
//!   `pyproject.toml` ([`pyproject`]), and [`Inputs`], all of a run's inputs together.
//! - [`format`]: the lock formats: requirements.txt ([`requirements_txt`]: [`render`] writes
//!   it, [`parse_lock`] reads it back), PEP 751 `pylock.toml` ([`pylock`]: [`render_pylock`],
//!   [`parse_pylock`], into the same [`ParsedLock`] view), the encoding of a resolution as
//!   either ([`encode`]), what changed between two locks ([`diff`]) and [`write_atomic`].
//! - [`check`]: a lock checked against its inputs and the index (`lockit verify`).

#![warn(missing_docs)]

pub mod check;
pub mod format;
mod header;
pub mod inputs;
mod lines;

pub use format::{diff, encode, pylock, requirements_txt};
pub use inputs::{pyproject, requirements_in};

pub use format::conflict::{agreed_lock, conflict_sides, AgreedLock};
pub use format::diff::{diff_pins, line_changes, relock_summary, PinChange};
pub use format::encode::{
    add_constraint_vias, mark_editables, mark_pylock_editables, to_lock, to_pylock, KeptHashes,
};
pub use format::kept::Kept;
pub use format::lock_file::{default_lock_path, is_pylock_name, parse_lock_file};
pub use format::pylock::{
    parse_pylock, render_pylock, Pylock, PylockDirectory, PylockFile, PylockPackage,
};
pub use format::requirements_txt::{
    parse_lock, render, Lock, LockParseError, LockStyle, LockedPackage, ParsedLock, Pin, PinFile,
    Via,
};
pub use format::write::write_atomic;
pub use header::{
    command_words, recorded, without_credentials, without_destination, Header, LIST_KEYS,
    RECORDED_KEYS,
};
pub use inputs::pyproject::{PyProject, PyProjectError, Selection};
pub use inputs::requirements_in::{LineError, LineErrorKind, RequirementsError, RequirementsFile};
pub use inputs::{upgrade_packages, HashMismatch, InputError, Inputs};
pub use lockit_types::{RequirementOrigin, SourcedRequirement};
