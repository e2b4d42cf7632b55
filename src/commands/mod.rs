//! One module per command; they share only the CLI's common modules, never each other.

mod explain;
mod resolve;
pub mod sync;
mod verify;

use crate::cli::{Cli, Command};
use crate::exit_code::{Exit, Failure};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<Exit, Failure> {
    let output = match &cli.command {
        Command::Resolve(args) => &args.common.output,
        Command::Explain(args) => &args.common.output,
        Command::Verify(args) => &args.common.output,
        Command::Sync(args) => &args.output,
    };
    crate::logging::init(output.verbose, output.quiet);
    match cli.command {
        Command::Resolve(args) => resolve::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Sync(args) => sync::run(args),
    }
}
