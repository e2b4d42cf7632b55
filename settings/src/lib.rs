//! What a lock is for, as one typed value.
//!
//! A [`Requested`] is what one source says: the command line, or the header of an existing
//! lock ([`Requested::from_recorded`]); sources are layered with [`Requested::or`].
//! [`LockSettings::decide`] turns the layered request and the inputs into the settings a run
//! uses (the environment, the indexes, the cutoff, the pre-release, binary and build
//! policies, the output style); [`LockSettings::resolve_options`] and
//! [`LockSettings::client_options`] derive the resolver's and the client's options from it at
//! the edge, and [`LockSettings::record`] writes it into the lock's header, which
//! [`Requested::from_recorded`] reads back field by field (module `recorded`).

#![warn(missing_docs)]

mod config;
mod cutoff;
mod decide;
mod error;
mod network;
mod recorded;
mod requested;
mod target;

pub use config::{find_config, ConfigError};
pub use cutoff::{exclude_newer, package_cutoff};
pub use decide::{package_names, LockSettings, PYPI};
pub use error::SettingsError;
pub use network::{default_cache_root, Network};
pub use requested::{Requested, StyleRequest};
