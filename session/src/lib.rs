//! A run's session with the index: the async runtime and the index client, seen by the
//! resolver through [`ClientIndex`](lockit_index_client::ClientIndex), the files direct
//! references name, the build frontend the client calls for sdists whose metadata is
//! dynamic, and the progress line; and [`hints`], a second look at the index for reports.

#![warn(missing_docs)]

pub mod hints;
mod session;

pub use session::{Session, SessionError, SessionOptions, Stop};
