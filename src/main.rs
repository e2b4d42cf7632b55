//! `lockit`: resolve Python requirements into a hashed, deterministic lock.

use std::process::ExitCode;

mod cli;
mod commands;
mod direct;
mod exit_code;
mod index_bridge;
mod logging;
mod progress;
mod settings;
mod target;

fn main() -> ExitCode {
    use clap::Parser;
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code.into(),
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("{}", failure.message);
            }
            failure.code.into()
        }
    }
}
