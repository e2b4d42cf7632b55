//! Inputs: what a run reads to know what to lock.
//!
//! - [`requirements_in`]: pip's requirements-file format (`requirements.in`), with `-r`/`-c`
//!   includes, options and the file and line every requirement came from.
//! - [`pyproject`]: `pyproject.toml` (dependencies, extras, dependency groups).
//! - [`script`]: a Python script's PEP 723 `# /// script` block.
//! - [`Inputs`]: every input of a run together, with constraints and overrides.
//! - [`upgrade_packages`]: `-P` values, as names to unpin and constraints to add.

mod input_files;
pub mod pyproject;
pub mod requirements_in;
pub mod script;
mod upgrade;

pub use input_files::{HashMismatch, InputError, Inputs};
pub use upgrade::upgrade_packages;
