//! The end-to-end tests of the `lockit` binary, in one test binary. Each module was its
//! own file in `tests/` and so its own test binary, compiled and linked separately; one
//! binary links once, which is what the test build spends its time on with 2 cores.
//!
//! Run one module with `cargo test -p lockit --test e2e faults::`.

mod common;

mod builds;
mod cache_equivalence;
mod concurrency;
mod direct_url;
mod explain;
mod explain_live;
mod failures;
mod faults;
mod git;
mod habits;
mod input_errors;
mod live_pypi;
mod local_projects;
mod module_cycles;
mod output;
mod private_index;
mod pylock;
mod pyproject;
mod recorded_pypi;
mod recorded_reports;
mod relock;
mod scenarios;
mod security;
mod sync;
mod tree;
mod universal;
mod verify;
