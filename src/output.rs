//! Writing results to stdout.

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
