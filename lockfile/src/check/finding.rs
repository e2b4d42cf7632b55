//! What a check finds: one [`Finding`] per way the lock differs from what it should be,
//! and how a finding reads for people and for GitHub Actions.

use serde::Serialize;

use crate::{LockParseError, Pin};

/// What kind of difference a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A package a fresh resolution pins and the lock does not.
    Added,
    /// A pin that nothing requires any more.
    Removed,
    /// A pin a fresh resolution moves to another version.
    Changed,
    /// A hash that does not match the index's files, or a file without a hash.
    Hash,
    /// A pin without any `--hash`.
    NoHashes,
    /// A requirement the pin does not satisfy (offline).
    Unsatisfied,
    /// A requirement on a package the lock does not pin (offline).
    MissingDependency,
    /// A pin nothing reaches (offline).
    Extraneous,
    /// The inputs do not resolve any more.
    NoSolution,
    /// A line `resolve` would write differently (annotations, order, hand edits).
    Line,
    /// The lock records another target than the one checked.
    Target,
    /// The lock cannot be parsed.
    Unreadable,
}

/// One way the lock differs from what it should be.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What kind of difference.
    pub kind: FindingKind,
    /// The package concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The version the lock pins (`found` in JSON).
    #[serde(rename = "found", skip_serializing_if = "Option::is_none")]
    pub locked: Option<String>,
    /// The version a fresh resolution gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Why, naming the line to look at.
    pub message: String,
    /// The file to look at (an input or the lock).
    pub file: String,
    /// The 1-based line in `file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Finding {
    /// `+` added, `-` removed, `~` changed, `!` anything else.
    pub fn sign(&self) -> &'static str {
        match self.kind {
            FindingKind::Added => "+",
            FindingKind::Removed | FindingKind::Extraneous => "-",
            FindingKind::Changed => "~",
            _ => "!",
        }
    }

    /// One line for people: `~ numpy 2.1.0 -> 2.2.0: requirements.in:3: …`.
    pub fn headline(&self) -> String {
        let versions = match (&self.locked, &self.expected) {
            (Some(a), Some(b)) if a != b => format!(" {a} -> {b}"),
            (Some(a), _) => format!(" {a}"),
            (None, Some(b)) => format!(" {b}"),
            (None, None) => String::new(),
        };
        match &self.package {
            Some(p) => format!("{} {p}{versions}: {}", self.sign(), self.message),
            None => format!("{} {}", self.sign(), self.message),
        }
    }

    /// A GitHub Actions `::error` workflow command that annotates the finding's line.
    pub fn github_annotation(&self) -> String {
        let data = |s: &str| {
            s.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        };
        let mut props = format!(
            "file={}",
            data(&self.file).replace(':', "%3A").replace(',', "%2C")
        );
        if let Some(line) = self.line {
            props.push_str(&format!(",line={line}"));
        }
        format!("::error {props}::{}\n", data(&self.headline()))
    }

    /// A finding about `pin`, at `file:line`.
    pub(super) fn about(
        pin: &Pin,
        kind: FindingKind,
        message: String,
        file: &str,
        line: usize,
    ) -> Finding {
        Finding {
            kind,
            package: Some(pin.name.to_string()),
            locked: pin.version.as_ref().map(ToString::to_string),
            expected: None,
            message,
            file: file.to_string(),
            line: Some(line),
        }
    }
}

/// The finding for a lock that cannot be parsed.
pub fn unreadable(lock_name: &str, e: &LockParseError) -> Finding {
    Finding {
        kind: FindingKind::Unreadable,
        package: None,
        locked: None,
        expected: None,
        message: format!(
            "{lock_name}:{}: the lock cannot be read: {}",
            e.line, e.message
        ),
        file: lock_name.to_string(),
        line: Some(e.line),
    }
}
