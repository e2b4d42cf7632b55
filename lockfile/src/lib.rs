//! Reading requirements files and writing lockfiles; no network.
//!
//! - [`requirements_in`]: pip's requirements-file format as input (`requirements.in`), with
//!   `-r`/`-c` includes, options and the file and line every requirement came from.
//! - [`requirements_txt`]: the pip-compile compatible lock: [`render`] writes it, [`parse_lock`]
//!   reads one back for re-locking and `lockit verify`.
//! - [`write_atomic`]: replace a lock file without ever leaving half of one.

mod lines;
pub mod requirements_in;
pub mod requirements_txt;
mod write;

pub use requirements_in::{
    LineError, LineErrorKind, RequirementsError, RequirementsFile, SourcedRequirement,
};
pub use requirements_txt::{
    parse_lock, render, Header, Lock, LockParseError, LockedPackage, ParsedLock, Pin, Via,
};
pub use write::write_atomic;
