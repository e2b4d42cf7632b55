//! lockit's terminal presentation, as uv keeps its own in `uv-console`: the one-line
//! progress display ([`Progress`], an index-client [`FetchObserver`](lockit_index_client::FetchObserver))
//! and colour ([`Style`], the resolver's [`Paint`](lockit_resolver::Paint)), both only on
//! a terminal and colour never with `NO_COLOR`; and `-v` diagnostics on stderr
//! ([`init_logging`]). Nothing here writes to stdout.

#![warn(missing_docs)]

mod logging;
mod progress;
mod style;

pub use logging::init as init_logging;
pub use progress::Progress;
pub use style::{ColorChoice, Style};
