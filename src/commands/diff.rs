//! `lockit diff OLD NEW`: what changed between two locks (see [`lockit_graph::DiffReport`]).

use lockit_graph::DiffReport;

use crate::cli::{DiffArgs, DiffFormat};
use crate::exit_code::{Exit, Failure};
use crate::output;

/// Runs `lockit diff`.
pub fn run(args: DiffArgs) -> Result<Exit, Failure> {
    let (old, new) = (
        output::read_lock(&args.old)?.0,
        output::read_lock(&args.new)?.0,
    );
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
