//! A local Python package index on 127.0.0.1 for lockit's end-to-end tests.
//!
//! Two flavours share one server:
//! - synthetic [`Scenario`]s (TOML), whose wheels, sdists and `.metadata` files are built
//!   deterministically in memory ([`TestIndex::serve_scenario`]);
//! - recorded fixtures of a real index, replayed offline ([`TestIndex::serve_recorded`]) and
//!   written by a recording proxy ([`TestIndex::record`], `lockit-test-index record`).
//!
//! Routes: `/simple/` and `/simple/<name>/` (PEP 691 JSON or PEP 503 HTML by `Accept`),
//! `/json/simple/...` and `/html/simple/...` (one format only), `/files/<filename>` and
//! `/files/<filename>.metadata` (with byte ranges). Every request is logged
//! ([`TestIndex::requests`]) and any URL can be given a [`Fault`].

#![warn(missing_docs)]

mod artifacts;
mod backend;
mod fault;
mod http;
pub mod model;
pub mod python;
mod recorded;
mod recorder;
mod scenario;
mod server;

pub use artifacts::{core_metadata, sha256_hex, write_local_project, BuiltIndex};
pub use fault::Fault;
pub use recorded::{slim, Slimmed};
pub use recorder::RecordOptions;
pub use scenario::{
    Expected, PackageSpec, RootSpec, Scenario, ScenarioError, ScenarioOptions, SdistBuild,
    YankedSpec, DEFAULT_UPLOAD_TIME,
};
pub use server::{LoggedRequest, TestIndex};
