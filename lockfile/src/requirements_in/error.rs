//! Errors from reading requirements files, rendered with the offending line underlined.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a requirements file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RequirementsError {
    /// The file given on the command line could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The path as given.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// Something at a known place in a file is wrong (boxed to keep `Result` small).
    #[error("{0}")]
    Line(Box<LineError>),
}

impl RequirementsError {
    /// The error's location, when it has one.
    pub fn line_error(&self) -> Option<&LineError> {
        match self {
            RequirementsError::Line(e) => Some(e),
            RequirementsError::Read { .. } => None,
        }
    }
}

/// An error at a place in a requirements file.
///
/// Its `Display` names the place and underlines it:
/// ```text
/// error: requirements.in:3:9: expected one of `@`, `(`, ...
///   |
/// 3 | numpy>=1=>2
///   |         ^
/// ```
#[derive(Debug)]
pub struct LineError {
    /// The file, as given (relative paths stay relative).
    pub file: PathBuf,
    /// 1-based physical line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How many characters to underline (at least 1).
    pub width: usize,
    /// The physical line as written.
    pub source_line: String,
    /// What is wrong, or what was expected instead.
    pub kind: LineErrorKind,
}

/// What is wrong at a [`LineError`]'s place.
#[derive(Debug, thiserror::Error)]
pub enum LineErrorKind {
    /// A requirement line is not valid PEP 508; the text says what was expected.
    #[error("{0}")]
    Requirement(String),
    /// An option neither pip nor lockit knows.
    #[error("unknown option `{0}`")]
    UnknownOption(String),
    /// An option that needs a value was the last thing on the line.
    #[error("option `{0}` expects a value")]
    MissingValue(String),
    /// A flag was given `=value`.
    #[error("option `{0}` takes no value")]
    UnexpectedValue(String),
    /// A stray word after the options of an option line.
    #[error("unexpected argument `{0}`; put each requirement on its own line")]
    UnexpectedArgument(String),
    /// A file-wide option after a requirement on the same line.
    #[error("option `{0}` cannot follow a requirement; put it on its own line")]
    OptionAfterRequirement(String),
    /// A per-requirement option (`--hash`) on a line without a requirement.
    #[error(
        "option `{0}` applies to one requirement; put it after the requirement on the same line"
    )]
    OptionWithoutRequirement(String),
    /// Something pip accepts that lockit deliberately does not.
    #[error("{what} are not supported; {hint}")]
    Unsupported {
        /// What was used.
        what: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// A `-r`/`-c` file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Include {
        /// The included path as lockit tried to open it.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// A `-r`/`-c` chain that comes back to a file being read.
    #[error("include cycle {}; remove one of these includes", chain.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(" -> "))]
    Cycle {
        /// The files from the first occurrence to the repeated one.
        chain: Vec<PathBuf>,
    },
    /// The file is not UTF-8.
    #[error("the file is not valid UTF-8; save it as UTF-8")]
    NotUtf8,
    /// The file is UTF-16 (Windows editors and PowerShell redirection produce these).
    #[error("the file is UTF-16 encoded; save it as UTF-8")]
    Utf16,
    /// The file contains a NUL byte.
    #[error("the file contains a NUL byte; is it a binary file?")]
    Nul,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.kind
        )?;
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        let shown: String = self
            .source_line
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect();
        // Tabs are copied into the padding so the caret lines up however tabs are displayed.
        let pad: String = shown
            .chars()
            .chain(std::iter::repeat(' '))
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {shown}")?;
        write!(f, "{gutter} | {pad}{}", "^".repeat(self.width.max(1)))
    }
}

impl std::error::Error for LineError {}

impl From<LineError> for RequirementsError {
    fn from(e: LineError) -> Self {
        RequirementsError::Line(Box::new(e))
    }
}
