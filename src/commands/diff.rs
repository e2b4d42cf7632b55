//! `lockit diff OLD NEW`: what changed between two locks (see [`lockit_graph::DiffReport`]).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use lockit_graph::DiffReport;

use crate::exit_code::{Exit, Failure};
use crate::output;

/// How `diff` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A line per change.
    Text,
    /// A table, then details: for a pull-request comment.
    Markdown,
    /// One JSON document, for tools.
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old lock (requirements.txt or pylock.toml).
    pub old: PathBuf,
    /// The new lock.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when anything changed, as `git diff --exit-code`.
    #[arg(long)]
    pub exit_code: bool,
}

/// Reads a lock in either format, naming the file in any error.
fn read_lock(path: &std::path::Path) -> Result<lockit_lockfile::ParsedLock, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("cannot read `{}`: {e}", path.display())))?;
    lockit_lockfile::parse_lock_file(path, &text)
        .map_err(|e| Failure::input(format!("`{}`: {e}", path.display())))
}

/// Runs `lockit diff`.
pub fn run(args: DiffArgs) -> Result<Exit, Failure> {
    let (old, new) = (read_lock(&args.old)?, read_lock(&args.new)?);
    let report = DiffReport::new(&old, &new);
    let text = match args.format {
        DiffFormat::Text => report.text(),
        DiffFormat::Markdown => report.markdown(),
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report.json()).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    output::write_stdout(&text)?;
    match args.exit_code && !report.is_empty() {
        true => Ok(Exit::NoSolution),
        false => Ok(Exit::Ok),
    }
}
