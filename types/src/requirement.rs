//! A panic-free front for `pep508_rs::Requirement` parsing.
//!
//! pep508_rs 0.9 panics (an `expect` on name validation) when a package or extra name ends in
//! `.`, `-` or `_` and something follows it (`foo. >=1`, `a[b-]`). Requirement files are user
//! input and locks may come from anywhere, so those names are rejected here first.
//!
//! It is also where markers meet `packaging`'s semantics: the marker comparisons
//! pep508_rs reads differently are rewritten before it parses them, or refused where
//! packaging raises (see `crate::marker`); other markers pass through byte-identical.

use std::str::FromStr;

use pep508_rs::{Pep508Error, Requirement, VerbatimUrl};

use crate::marker::Rewrite;

/// A parse failure: byte span in the input and what was expected (lowercase first letter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementSyntaxError {
    /// Byte offset of the problem.
    pub start: usize,
    /// Length of the problem in bytes.
    pub len: usize,
    /// What was expected.
    pub message: String,
}

/// Parses a PEP 508 requirement without ever panicking; its marker means what it means to
/// `packaging` when evaluated with [`crate::MarkerEval::holds`].
pub fn parse_requirement(text: &str) -> Result<Requirement<VerbatimUrl>, RequirementSyntaxError> {
    if let Some(e) = check_names(text) {
        return Err(e);
    }
    if let Some(e) = check_nesting(text)
        .or_else(|| check_marker_length(text))
        .or_else(|| check_string_tilde(text))
    {
        return Err(e);
    }
    // Atoms pep508_rs reads differently from packaging are rewritten (or refused) first;
    // other markers pass through byte-identical (see `crate::marker`).
    let mut unreadable = false;
    let rewritten = match marker_start(text) {
        Some(semicolon) => match crate::marker::rewrite(&text[semicolon + 1..]) {
            Ok(Rewrite::Unchanged) => None,
            Ok(Rewrite::Changed(marker)) => Some(format!("{}{marker}", &text[..=semicolon])),
            Ok(Rewrite::Unreadable) => {
                unreadable = true;
                None
            }
            Err(refusal) => {
                return Err(RequirementSyntaxError {
                    start: semicolon + 1 + refusal.start,
                    len: refusal.len,
                    message: refusal.message,
                })
            }
        },
        None => None,
    };
    let parsed = match rewritten.as_deref().map(pep508) {
        Some(Ok(Ok(r))) => return Ok(r),
        // A rewrite that pep508_rs cannot read: report on the text as written.
        Some(_) | None => pep508(text),
    };
    match parsed {
        Ok(Ok(_)) if rewritten.is_some() || unreadable => Err(RequirementSyntaxError {
            start: marker_start(text).map_or(0, |s| s + 1),
            len: text.len() - marker_start(text).map_or(0, |s| s + 1),
            message: "lockit cannot read this marker the way packaging does".to_string(),
        }),
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => {
            let message = e.message.to_string();
            let message =
                if message.starts_with("URL requirement must be preceded by a package name") {
                    "expected a package name before the URL or path; write it as `name @ url`"
                        .to_string()
                } else {
                    lowercase_first(&message)
                };
            Err(narrow(
                text,
                RequirementSyntaxError {
                    start: e.start,
                    len: e.len,
                    message,
                },
            ))
        }
        Err(_) => Err(RequirementSyntaxError {
            start: 0,
            len: text.len(),
            message: "not a valid requirement".to_string(),
        }),
    }
}

/// pep508_rs's parser, with panics we have not found yet turned into an error.
fn pep508(text: &str) -> Result<Result<Requirement<VerbatimUrl>, Pep508Error<VerbatimUrl>>, ()> {
    crate::quiet_panic::catch_quietly(|| Requirement::<VerbatimUrl>::from_str(text))
}

/// Where the marker starts: the `;` that pep508_rs takes as its separator. After
/// `name @ url` that is a `;` preceded by whitespace (a URL may hold `;`); otherwise the
/// first `;`.
fn marker_start(text: &str) -> Option<usize> {
    let first = text.find(['@', ';'])?;
    if text[first..].starts_with(';') {
        return Some(first);
    }
    let mut after_space = false;
    for (i, c) in text[first..].char_indices() {
        if c == ';' && after_space {
            return Some(first + i);
        }
        after_space = c.is_whitespace();
    }
    None
}

/// Markers deeper than this are refused: pep508_rs parses them recursively and a few
/// thousand `(` overflow the stack (found by fuzzing). Real markers nest two or three deep.
const MAX_MARKER_NESTING: usize = 32;

/// Refuses parenthesised markers nested deeper than [`MAX_MARKER_NESTING`]
/// (quoted strings are skipped).
fn check_nesting(text: &str) -> Option<RequirementSyntaxError> {
    let mut depth = 0usize;
    for (i, c) in unquoted(text) {
        match c {
            '(' => {
                depth += 1;
                if depth > MAX_MARKER_NESTING {
                    return Some(RequirementSyntaxError {
                        start: i,
                        len: 1,
                        message: format!("parentheses nested more than {MAX_MARKER_NESTING} deep"),
                    });
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The characters of `text` outside quoted strings (and not the quotes), with their
/// byte offsets.
fn unquoted(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote = None;
    text.char_indices().filter(move |&(_, c)| match quote {
        Some(q) => {
            if c == q {
                quote = None;
            }
            false
        }
        None if c == '"' || c == '\'' => {
            quote = Some(c);
            false
        }
        None => true,
    })
}

/// Markers longer than this are refused: pep508_rs interns every marker's decision
/// diagram in a process-wide table that is never freed, and its size grows much faster
/// than the text (found by fuzzing: one 33 KB marker of `or`-ed `platform_machine in "…"`
/// clauses took 6 s and 2.6 GB). The longest marker among the corpus's ~400 METADATA
/// files (CUDA wheels of torch) is 209 bytes.
const MAX_MARKER_LEN: usize = 1024;

/// Refuses a marker (the text after the first `;` outside quotes) longer than
/// [`MAX_MARKER_LEN`] bytes.
fn check_marker_length(text: &str) -> Option<RequirementSyntaxError> {
    let (i, _) = unquoted(text).find(|&(_, c)| c == ';')?;
    let len = text.len() - i - 1;
    (len > MAX_MARKER_LEN).then(|| RequirementSyntaxError {
        start: i + 1,
        len,
        message: format!(
            "the marker is {len} bytes long; markers longer than {MAX_MARKER_LEN} bytes are \
             refused"
        ),
    })
}

/// Marker names pep508_rs compares as versions; `~=` on any other name compares strings.
const VERSION_MARKERS: [&str; 4] = [
    "python_version",
    "python_full_version",
    "implementation_version",
    "extra",
];

/// Refuses `'<string>' ~= <string marker>` (`'linux' ~= sys_platform`): `~=` is only defined
/// on versions (`packaging` raises when evaluating it), and pep508_rs panics on this form
/// inside its marker interner, poisoning it so that every later marker in the process
/// fails to parse (found by the differential marker test).
fn check_string_tilde(text: &str) -> Option<RequirementSyntaxError> {
    let (semicolon, _) = unquoted(text).find(|&(_, c)| c == ';')?;
    let marker = &text[semicolon..];
    let mut previous = None;
    for (i, c) in unquoted(marker) {
        if previous == Some('~') && c == '=' {
            let after = &marker[i + 1..];
            let operand = after.trim_start();
            let name_len = operand
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(operand.len());
            let name = &operand[..name_len];
            if !name.is_empty() && !VERSION_MARKERS.contains(&name) {
                let start = semicolon + i + 1 + (after.len() - operand.len());
                return Some(RequirementSyntaxError {
                    start,
                    len: name_len,
                    message: format!(
                        "`~=` compares versions, and `{name}` is not a version marker"
                    ),
                });
            }
        }
        previous = Some(c);
    }
    None
}

/// The names pep508_rs would panic on: a name or extra ending in punctuation, not at the end.
fn check_names(text: &str) -> Option<RequirementSyntaxError> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    if !rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let name_len = rest.find(|c| !is_name_char(c)).unwrap_or(rest.len());
    if let Some(e) = punctuation_end(text, start, name_len, "package name") {
        return Some(e);
    }
    let mut pos = start + name_len;
    pos += text[pos..].len() - text[pos..].trim_start().len();
    if !text[pos..].starts_with('[') {
        return None;
    }
    pos += 1;
    loop {
        pos += text[pos..].len() - text[pos..].trim_start().len();
        let rest = &text[pos..];
        if !rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return None;
        }
        let len = rest.find(|c| !is_name_char(c)).unwrap_or(rest.len());
        if let Some(e) = punctuation_end(text, pos, len, "extra name") {
            return Some(e);
        }
        pos += len;
        pos += text[pos..].len() - text[pos..].trim_start().len();
        if !text[pos..].starts_with(',') {
            return None;
        }
        pos += 1;
    }
}

fn punctuation_end(
    text: &str,
    start: usize,
    len: usize,
    what: &str,
) -> Option<RequirementSyntaxError> {
    let last = text[start..start + len].chars().last()?;
    matches!(last, '.' | '-' | '_').then(|| RequirementSyntaxError {
        start: start + len - 1,
        len: 1,
        message: format!("{what} must end with an alphanumeric character, not `{last}`"),
    })
}

/// pep440 reports "after parsing `1`, found `=>2`" over the whole specifier; underline just the
/// part it found, which is what the user has to change.
fn narrow(text: &str, e: RequirementSyntaxError) -> RequirementSyntaxError {
    // The last backticked snippet is what was found (`found `x``, `trailing `x``).
    let found = e
        .message
        .rsplit_once('`')
        .and_then(|(before, _)| before.rsplit_once('`'))
        .map(|(_, found)| found)
        .filter(|f| !f.is_empty());
    let span = text.get(e.start..e.start.saturating_add(e.len));
    match (found, span) {
        (Some(found), Some(span)) => match span.find(found) {
            Some(k) => RequirementSyntaxError {
                start: e.start + k,
                len: found.len(),
                message: e.message,
            },
            None => e,
        },
        _ => e,
    }
}

/// pep508_rs starts messages with a capital; ours follow `file:line:col: ` in lowercase.
/// Acronyms (`URL`) keep their case.
fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if !b.is_uppercase() => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(chars)
            .collect(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_equal_on_a_string_marker_is_an_error_not_a_poisoned_parser() {
        for text in [
            "a; 'linux' ~= sys_platform",
            "a; python_version >= '3' and ('6' ~= platform_release)",
            "a;\"x\"~=platform_machine",
        ] {
            let e = parse_requirement(text).expect_err(text);
            assert!(
                e.message.contains("`~=` compares versions"),
                "{text}: {}",
                e.message
            );
        }
        // pep508_rs's own handling stays for the forms it does not panic on.
        for ok in [
            "a; '3.8' ~= python_version",
            "a; python_version ~= '3.8'",
            "a ~= 1.0; sys_platform == 'linux'",
            "a; sys_platform == '~=x'",
        ] {
            assert!(parse_requirement(ok).is_ok(), "{ok}");
        }
        // And later markers still parse.
        assert!(parse_requirement("a; os_name == 'nt'").is_ok());
    }

    #[test]
    fn the_marker_after_a_url_is_the_one_rewritten() {
        // A URL may hold `;`; the marker starts at the `;` after whitespace.
        let r =
            parse_requirement("a @ https://x.org/a;b/a-1.whl ; sys_platform <= 'linux'").unwrap();
        assert_eq!(
            r.version_or_url.unwrap().to_string(),
            "https://x.org/a;b/a-1.whl"
        );
        assert_eq!(r.marker.try_to_string().unwrap(), "sys_platform == 'linux'");
        let e = parse_requirement("a @ https://x.org/a.whl ; os_name ~= 'nt'").unwrap_err();
        assert_eq!(e.start, 26, "{e:?}");
        assert!(parse_requirement("a @ https://x.org/a;b/a-1.whl").is_ok());
    }

    #[test]
    fn names_ending_in_punctuation_are_errors_not_panics() {
        for (text, start) in [
            ("b. ", 1),
            ("foo- >=1", 3),
            ("foo_[x]", 3),
            ("a[b-]", 3),
            ("a[ok, b. ]", 7),
            ("a [ b_ ,c]", 5),
        ] {
            let e = parse_requirement(text).expect_err(text);
            assert_eq!(e.start, start, "{text}: {e:?}");
        }
        for ok in [
            "a",
            "a.b",
            "a[b.c]",
            "a[b,c]>=1",
            "a @ https://x.org./a-.whl",
        ] {
            assert!(parse_requirement(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn underline_narrows_to_what_was_found() {
        let e = parse_requirement("numpy>=1=>2").expect_err("bad");
        assert_eq!((e.start, e.len), (8, 3), "{e:?}");
    }

    #[test]
    fn huge_markers_are_refused_before_pep508_rs_interns_them() {
        let clause = |i: usize| {
            let machines: Vec<String> = (0..20).map(|m| format!("m{m}")).collect();
            format!(
                "(sys_platform != 'b{i}' and platform_machine in '{} x{i}')",
                machines.join(" ")
            )
        };
        let marker = |n: usize| (0..n).map(clause).collect::<Vec<_>>().join(" or ");
        // The shape that took 6 s and 2.6 GB at 33 KB (found by fuzz/requirement).
        let hostile = format!("a; {}", marker(256));
        let start = std::time::Instant::now();
        let err = parse_requirement(&hostile).unwrap_err();
        assert!(err.message.contains("longer than 1024"), "{}", err.message);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        // Real markers are far shorter; a long quoted value counts too.
        assert!(parse_requirement(&format!("a; {}", marker(4))).is_ok());
        let quoted = format!("a; os_name == '{};'", "x".repeat(2000));
        assert!(parse_requirement(&quoted)
            .unwrap_err()
            .message
            .contains("1024"));
        let cuda = "nvidia-cuda-sanitizer-api==13.2.87.*; (sys_platform == 'linux' and \
                    platform_machine == 'aarch64' or sys_platform == 'linux' and \
                    platform_machine == 'x86_64' or sys_platform == 'win32' and \
                    platform_machine == 'AMD64') and extra == 'sanitizer'";
        assert!(parse_requirement(cuda).is_ok());
    }

    #[test]
    fn deeply_nested_markers_are_refused_not_a_stack_overflow() {
        let hostile = format!(
            "a; {}python_version > '3'{}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let err = parse_requirement(&hostile).unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
        let fine = "a; (python_version > '3' and (os_name == 'posix' or os_name == 'nt'))";
        assert!(parse_requirement(fine).is_ok());
        assert!(
            parse_requirement("a; python_version > '((((((((((((((((((((((((((((((((((((3'")
                .is_ok()
        );
    }
}
