//! `-v` / `-vv` diagnostics on stderr.

use tracing_subscriber::filter::LevelFilter;

/// Sends lockit's own diagnostics to stderr: `-v` shows debug events, `-vv` traces.
/// `RUST_LOG`-style filtering is not needed: events come only from lockit's crates.
pub fn init(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 0) => LevelFilter::WARN,
        (false, 1) => LevelFilter::DEBUG,
        (false, _) => LevelFilter::TRACE,
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    // A second initialisation (tests calling twice) is harmless; ignore its error.
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .without_time()
        .try_init();
}
