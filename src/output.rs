//! Writing results to stdout, and reading a lock named on the command line.

use std::io::Write;

use crate::exit_code::{Exit, Failure};

/// Writes `text` to stdout. A closed pipe (`lockit … | head`) is not an error: the reader
/// has what it wanted. Any other write error is.
pub fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(
            Exit::BadInput,
            format!("cannot write to stdout: {e}"),
        )),
        _ => Ok(()),
    }
}

/// Reads a lock in either format, and its text, naming the file in any error.
pub fn read_lock(path: &std::path::Path) -> Result<(lockit_lockfile::ParsedLock, String), Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("cannot read `{}`: {e}", path.display())))?;
    let lock = lockit_lockfile::parse_lock_file(path, &text)
        .map_err(|e| Failure::input(format!("`{}`: {e}", path.display())))?;
    Ok((lock, text))
}
