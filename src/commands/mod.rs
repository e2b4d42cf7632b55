//! One module per command.

mod explain;
mod resolve;
mod verify;

use crate::cli::{Cli, Command};
use crate::exit_code::{Exit, Failure};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<Exit, Failure> {
    match cli.command {
        Command::Resolve(args) => {
            crate::logging::init(args.target.verbose, args.target.quiet);
            resolve::run(args)
        }
        Command::Explain(args) => {
            crate::logging::init(args.target.verbose, args.target.quiet);
            explain::run(args)
        }
        Command::Verify(args) => {
            crate::logging::init(args.target.verbose, args.target.quiet);
            verify::run(args)
        }
    }
}
