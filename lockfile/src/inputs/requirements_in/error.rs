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
    /// A local project (`-e ./dir`, `./dir`) names no folder.
    #[error(
        "`{0}` is not a folder: a local project is a folder with a pyproject.toml or setup.py"
    )]
    NotAFolder(String),
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

/// The most characters of a source line shown under an error; a longer line is shown
/// as a window around the error, cut ends marked with `…`.
const WINDOW: usize = 120;
/// How much of the window goes before the error's column.
const BEFORE: usize = 40;

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What is wrong may quote the input (`unknown option `--…``): as long as the
        // window, at most.
        let mut what = self.kind.to_string();
        if what.chars().count() > 2 * WINDOW {
            what = what.chars().take(2 * WINDOW - 1).collect();
            what.push('…');
        }
        writeln!(
            f,
            "{}:{}:{}: {what}",
            self.file.display(),
            self.line,
            self.column,
        )?;
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        let chars: Vec<char> = self
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
        let at = self.column.saturating_sub(1);
        // The window: all of a short line; else WINDOW characters starting a little
        // before the error, moved left when the line ends sooner.
        let (start, end) = if chars.len() <= WINDOW {
            (0, chars.len())
        } else {
            let start = at.saturating_sub(BEFORE).min(chars.len() - WINDOW);
            (start, start + WINDOW)
        };
        let mut shown = String::new();
        let mut pad = String::new();
        if start > 0 {
            shown.push('…');
            pad.push(' ');
        }
        shown.extend(&chars[start..end]);
        if end < chars.len() {
            shown.push('…');
        }
        // Tabs are copied into the padding so the caret lines up however tabs are displayed.
        pad.extend(
            chars[start..]
                .iter()
                .copied()
                .chain(std::iter::repeat(' '))
                .take(at.saturating_sub(start))
                .map(|c| if c == '\t' { '\t' } else { ' ' }),
        );
        // The underline stops at the window's end (one past it for an error at the end
        // of the line).
        let room = (end + 1).saturating_sub(at).max(1);
        let width = self.width.clamp(1, room);
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {shown}")?;
        write!(f, "{gutter} | {pad}{}", "^".repeat(width))
    }
}

impl std::error::Error for LineError {}

impl From<LineError> for RequirementsError {
    fn from(e: LineError) -> Self {
        RequirementsError::Line(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(line: String, column: usize, width: usize) -> String {
        LineError {
            file: PathBuf::from("requirements.in"),
            line: 7,
            column,
            width,
            source_line: line,
            kind: LineErrorKind::Requirement("expected something".into()),
        }
        .to_string()
    }

    /// The shown line and the caret line, with the gutter taken off.
    fn shown(text: &str) -> (String, String) {
        let lines: Vec<&str> = text.lines().collect();
        let cut = |l: &str| {
            l.split_once(" | ")
                .map(|x| x.1.to_string())
                .unwrap_or_default()
        };
        (cut(lines[2]), cut(lines[3]))
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let text = error("numpy>=1=>2".into(), 9, 1);
        assert_eq!(
            text,
            "requirements.in:7:9: expected something\n  |\n7 | numpy>=1=>2\n  |         ^"
        );
    }

    #[test]
    fn a_200_kb_line_is_shown_as_a_window_around_the_caret() {
        let line = format!("numpy>=1.0,{}@{}", "x".repeat(100_000), "y".repeat(100_000));
        let at = line.find('@').map(|i| i + 1).unwrap_or(0);
        let text = error(line.clone(), at, 100_000);
        assert!(text.len() < 400, "{} bytes", text.len());
        let (source, caret) = shown(&text);
        assert!(source.starts_with('…') && source.ends_with('…'), "{source}");
        assert!(source.chars().count() <= WINDOW + 2);
        assert!(caret.chars().count() <= WINDOW + 2, "{caret}");
        // The caret is under the `@`.
        let under = caret.chars().position(|c| c == '^').unwrap_or(0);
        assert_eq!(source.chars().nth(under), Some('@'), "{source}\n{caret}");

        // At the start: no leading ellipsis, caret under column 12.
        let text = error(line.clone(), 12, 200_000);
        let (source, caret) = shown(&text);
        assert!(!source.starts_with('…') && source.ends_with('…'));
        assert_eq!(caret.find('^'), Some(11));
        assert!(caret.len() <= WINDOW + 2);

        // An unknown option as long as the line is cut too.
        let text = LineError {
            file: PathBuf::from("requirements.in"),
            line: 1,
            column: 1,
            width: 1,
            source_line: String::new(),
            kind: LineErrorKind::UnknownOption(format!("--{}", "o".repeat(200_000))),
        }
        .to_string();
        assert!(text.len() < 400, "{} bytes", text.len());

        // At the very end (one past the last character).
        let end = line.chars().count() + 1;
        let text = error(line, end, 1);
        let (source, caret) = shown(&text);
        assert!(source.starts_with('…') && !source.ends_with('…'));
        assert_eq!(
            caret.chars().count(),
            source.chars().count() + 1,
            "{source}\n{caret}"
        );
    }

    #[test]
    fn tabs_before_the_caret_stay_tabs_inside_the_window() {
        let line = format!("{}\tbad", "a".repeat(300));
        let text = error(line, 302, 3);
        let (source, caret) = shown(&text);
        assert!(caret.contains('\t'));
        let under = caret.chars().position(|c| c == '^').unwrap_or(0);
        assert_eq!(source.chars().nth(under), Some('b'), "{source}\n{caret}");
    }
}
