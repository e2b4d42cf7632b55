//! The header comment of a lock: the Python it is for and the command that made it, written
//! so that it can be run again (shell-quoted, credentials redacted) and read back.

/// What the header comment says about how the lock was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The Python version the lock is for, as it should read (`3.12`).
    pub python: String,
    /// The command line that produced the lock, as it should read (`lockit resolve requirements.in`).
    pub command: String,
}

impl Header {
    /// A header for Python `python` recording `lockit ARGS`: each argument shell-quoted when
    /// it needs to be, with `user:password@` in URLs replaced by `***@` (a lock is shared,
    /// credentials are not). Deterministic: nothing is added to the arguments.
    pub fn new(python: String, args: impl IntoIterator<Item = String>) -> Header {
        let quoted: Vec<String> = args
            .into_iter()
            .map(|a| redact_credentials(&a))
            .map(|a| {
                if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "\"'$`\\".contains(c))
                {
                    format!("'{}'", a.replace('\'', "'\\''"))
                } else {
                    a
                }
            })
            .collect();
        Header {
            python,
            command: format!("lockit {}", quoted.join(" ")),
        }
    }
}

/// `https://user:secret@host/…` -> `https://***@host/…`, also inside `--index-url=URL`.
fn redact_credentials(arg: &str) -> String {
    let Some(scheme_end) = arg.find("://") else {
        return arg.to_string();
    };
    let rest = &arg[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}://***{}", &arg[..scheme_end], &rest[at..]),
        None => arg.to_string(),
    }
}

/// Splits a recorded command line the way a POSIX shell would (quotes and backslashes, no
/// expansion); `None` when a quote is not closed.
pub fn command_words(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_from_recorded_arguments() {
        for (arg, want) in [
            (
                "https://user:pw@example.org/simple/",
                "https://***@example.org/simple/",
            ),
            (
                "--index-url=https://tok@example.org/simple",
                "--index-url=https://***@example.org/simple",
            ),
            ("https://example.org/simple/", "https://example.org/simple/"),
            ("https://example.org/a@b", "https://example.org/a@b"),
            ("requirements.in", "requirements.in"),
        ] {
            assert_eq!(redact_credentials(arg), want, "{arg}");
        }
    }

    #[test]
    fn splits_header_commands_like_a_shell() {
        let words = command_words(
            "lockit resolve 'a b.in' -c \"c d.txt\" x\\ y --exclude-newer 'it'\\''s'",
        )
        .expect("balanced");
        assert_eq!(
            words,
            [
                "lockit",
                "resolve",
                "a b.in",
                "-c",
                "c d.txt",
                "x y",
                "--exclude-newer",
                "it's"
            ]
        );
        assert_eq!(command_words("lockit 'open"), None);
    }

    #[test]
    fn recorded_commands_split_back_into_their_arguments() {
        let args = [
            "resolve",
            "a b.in",
            "it's",
            "",
            "--index-url=https://u:p@h/simple",
        ];
        let header = Header::new("3.12".into(), args.iter().map(|s| s.to_string()));
        let words = command_words(&header.command).expect("balanced");
        assert_eq!(
            words,
            [
                "lockit",
                "resolve",
                "a b.in",
                "it's",
                "",
                "--index-url=https://***@h/simple"
            ]
        );
    }
}
