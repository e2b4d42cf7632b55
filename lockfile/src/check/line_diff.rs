//! Line by line: the lock compared with the text `lockit resolve` would write, header
//! comments aside, for what pins and hashes alone do not show (annotations, order, markers).

use std::path::Path;

use lockit_resolver::Resolution;

use super::{Finding, FindingKind, LockCheck};
use crate::format::encode::{to_lock, to_pylock, KeptHashes};
use crate::format::lock_file::is_toml;
use crate::{render, render_pylock, Header};

/// How many differing lines a report lists before counting the rest.
pub const LINES_SHOWN: usize = 12;

/// A lock's text without its leading header comment, and the 1-based line it starts on.
fn body(text: &str) -> (&str, usize) {
    let mut offset = 0;
    let mut line = 1;
    for l in text.split_inclusive('\n') {
        if !l.trim_start().starts_with('#') {
            break;
        }
        offset += l.len();
        line += 1;
    }
    (&text[offset..], line)
}

impl LockCheck<'_> {
    /// The lock `lockit resolve` would write from `fresh`, in this lock's format, with this
    /// lock's header and its hashes kept where versions did not move.
    pub fn expected_text(&self, fresh: &Resolution) -> String {
        let header = self.lock.command.as_ref().map(|command| Header {
            python: self.options.environment.python_minor(),
            command: command.clone(),
            recorded: self.lock.recorded.clone(),
        });
        let kept = KeptHashes::from_lock(self.lock, |_| false);
        if is_toml(Path::new(self.lock_name)) {
            let python = self.options.environment.python_minor();
            let mut lock = to_pylock(fresh, header, &python, &kept);
            crate::mark_pylock_editables(&mut lock, self.editables);
            render_pylock(&lock)
        } else {
            let mut lock = to_lock(fresh, header, &kept);
            lock.style = self.style.clone();
            crate::mark_editables(&mut lock, self.editables);
            crate::add_constraint_vias(
                &mut lock,
                &self.inputs.constraints,
                self.options.environment.target(),
            );
            render(&lock)
        }
    }

    /// One finding per line that differs between the lock and `expected`, header comments
    /// aside (at most [`LINES_SHOWN`], then one that counts the rest).
    pub(super) fn line_findings(&self, expected: &str) -> Vec<Finding> {
        let (found, found_start) = body(self.text);
        let (expected, _) = body(expected);
        let diff = similar::TextDiff::from_lines(found, expected);
        let mut findings = Vec::new();
        let mut more = 0;
        let mut line = found_start;
        for change in diff.iter_all_changes() {
            let text = change.value().trim_end_matches(['\r', '\n']);
            let (at, message) = match change.tag() {
                similar::ChangeTag::Equal => {
                    line += 1;
                    continue;
                }
                similar::ChangeTag::Delete => {
                    line += 1;
                    (
                        line - 1,
                        format!("`{text}` is not what `lockit resolve` writes here"),
                    )
                }
                similar::ChangeTag::Insert => {
                    (line, format!("`lockit resolve` writes `{text}` here"))
                }
            };
            if findings.len() == LINES_SHOWN {
                more += 1;
                continue;
            }
            findings.push(Finding {
                kind: FindingKind::Line,
                package: None,
                locked: None,
                expected: None,
                message: format!("{}:{at}: {message}", self.lock_name),
                file: self.lock_name.to_string(),
                line: Some(at),
            });
        }
        if more > 0 {
            findings.push(Finding {
                kind: FindingKind::Line,
                package: None,
                locked: None,
                expected: None,
                message: format!("… and {more} more lines differ"),
                file: self.lock_name.to_string(),
                line: None,
            });
        }
        findings
    }
}
