//! An async client for Python package indexes.
//!
//! It reads PEP 691 JSON and PEP 503 HTML project pages (and find-links pages
//! or directories), and gets each version's core metadata the cheapest way
//! available: the PEP 658 `.metadata` file, a few HTTP range requests into a
//! wheel, or an sdist's static `PKG-INFO` / `pyproject.toml`; when an sdist's metadata is
//! dynamic, a [`MetadataBuilder`] (a PEP 517 frontend) builds it. Answers are memoized per
//! client and cached on disk, built metadata by the sdist's sha256 like any other;
//! transient failures are retried.
//!
//! ```no_run
//! # async fn demo() -> Result<(), lockit_index_client::IndexError> {
//! use lockit_index_client::{ClientOptions, IndexClient, PackageName};
//! let client = IndexClient::new(ClientOptions::default())?;
//! let name: PackageName = "requests".parse().expect("valid name");
//! let project = client.project(&name).await?;
//! println!("{} files", project.files().count());
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod archive;
mod build;
mod cache;
mod client;
mod direct;
mod direct_inputs;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod git;
mod http;
mod local;
mod netrc;
mod page_format;
mod pip_config;
mod resolver_index;
mod sdist;
mod simple;
mod tree_stamp;
mod zipread;

pub use build::{BuildPolicy, MetadataBuildError};
pub use client::{
    cached_metadata_by_hash, ClientOptions, IndexClient, IndexStrategy, MetadataBuilder,
};
pub use direct::DirectFileError;
pub use direct_inputs::{DirectInputError, LocalProjects};
pub use error::IndexError;
pub use git::{GitCheckout, GitError, GitUrl};
pub use local::LocalProjectError;
pub use lockit_resolver::{BuildBan, BuildFailure};
pub use lockit_types::{CoreMetadata, DistFile, DistFilename, PackageName, ProjectFiles, Version};
pub use pip_config::PipIndexConfig;
pub use resolver_index::{ClientIndex, FetchObserver};
