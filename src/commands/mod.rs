//! One module per command; they share only the CLI's common modules, never each other.

pub(crate) mod diff;
mod explain;
mod resolve;
pub mod sync;
pub(crate) mod tree;
mod verify;

use crate::cli::{Cli, Command};
use crate::exit_code::{Exit, Failure};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<Exit, Failure> {
    let output = match &cli.command {
        Command::Resolve(args) => Some(&args.common.output),
        Command::Explain(args) => Some(&args.common.output),
        Command::Verify(args) => Some(&args.common.output),
        Command::Tree(args) => Some(&args.common.output),
        Command::Diff(_) => None,
        Command::Sync(args) => Some(&args.output),
    };
    if let Some(output) = output {
        lockit_console::init_logging(output.verbose, output.quiet);
        match output.color {
            crate::cli::ColorArg::Auto => lockit_console::ColorChoice::Auto,
            crate::cli::ColorArg::Always => lockit_console::ColorChoice::Always,
            crate::cli::ColorArg::Never => lockit_console::ColorChoice::Never,
        }
        .set();
    }
    match cli.command {
        Command::Resolve(args) => resolve::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Tree(args) => tree::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Sync(args) => sync::run(args),
    }
}
