//! `lockit`: resolve Python requirements into a hashed, deterministic lock.
//!
//! The binary only parses arguments, builds settings and calls the libraries; `main` prints
//! a failure once, as `error: …`, and maps it to its exit code.

use std::process::ExitCode;

mod cli;
mod commands;
mod exit_code;
mod output;
mod settings;

fn main() -> ExitCode {
    use clap::Parser;
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.kind() == clap::error::ErrorKind::UnknownArgument => {
            eprintln!("{} {}", error_word(), cli::unknown_option(&e));
            return exit_code::Exit::BadInput.into();
        }
        Err(e) => e.exit(),
    };
    match commands::run(cli) {
        Ok(code) => code.into(),
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("{} {}", error_word(), failure.message);
            }
            failure.code.into()
        }
    }
}

/// `error:`, in bold red on a terminal without `NO_COLOR`.
fn error_word() -> String {
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    lockit_resolver::Paint::red(&lockit_console::Style::new(terminal), "error:")
}
