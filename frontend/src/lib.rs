//! A PEP 517 build frontend for metadata, as pip's `operations/build/metadata.py` and
//! uv's `uv-build-frontend` prepare it.
//!
//! Given a source tree (or an sdist, unpacked first) and an interpreter, it reads
//! `[build-system]` (PEP 518; without one, `setuptools>=40.8.0` and the legacy
//! `setuptools.build_meta:__legacy__` backend), resolves the build requirements with
//! lockit's own resolver for the build interpreter, downloads their wheels with hash
//! checks, installs them with the interpreter's pip into an isolated venv (cached by its
//! lock), and calls `get_requires_for_build_wheel`, then
//! `prepare_metadata_for_build_wheel` (or `build_wheel`, reading the wheel's `METADATA`)
//! through a tiny Python script that honours `backend-path`. Every step has a timeout; a
//! failure is a [`BuildError`] naming the package, version, step and its last output.
//!
//! [`BuildFrontend`] is the index client's [`lockit_index_client::MetadataBuilder`]: the
//! client calls it for sdists whose metadata is dynamic and caches what it returns.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod env;
mod error;
mod frontend;
mod hooks;
mod pyproject;
mod report;
mod slots;
mod source;

pub use error::{BuildError, HookFailure, TAIL_LINES};
pub use frontend::{BuildFrontend, BuildReport, FrontendOptions, LOCAL_PROJECT};
pub use pyproject::{BuildSystem, LEGACY_BACKEND, LEGACY_REQUIRES};
