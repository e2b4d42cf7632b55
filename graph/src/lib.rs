//! A lock seen as a dependency graph, and two locks compared; no I/O.
//!
//! - [`graph`]: the model: pins, the edges between them (`# via` lines or pylock.toml's
//!   `dependencies`), the input lines at the top; metadata adds what each edge asked for.
//! - [`walk`]: the lines of a tree: down from the roots or some packages, up from one
//!   (`--invert`), with `--depth` and `--prune`; repeated subtrees printed once.
//! - [`text`], [`json`], [`dot`], [`mermaid`]: the formats of `lockit tree`.
//! - [`diff_report`]: `lockit diff`, as text, markdown and JSON.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(test)]
mod fixture;

pub mod diff_report;
pub mod dot;
pub mod graph;
pub mod json;
pub mod mermaid;
pub mod text;
pub mod walk;

pub use diff_report::{Bump, Change, DiffReport};
pub use dot::graph_dot;
pub use graph::{Asked, Dependency, Graph, GraphError, Package, Root};
pub use json::graph_json;
pub use mermaid::graph_mermaid;
pub use text::tree_text;
pub use walk::{walk, Line, Node, Tree, TreeOptions};
