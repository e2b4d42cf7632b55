//! The header of a lock: the Python it is for, the command that made it (shell-quoted,
//! credentials redacted, so that it can be run again) and the settings that decided the
//! answer, recorded whether they came from flags, files, the environment or the local
//! interpreter, so that `lockit verify` repeats the resolution anywhere.

use lockit_types::RedactedUrl;

/// The keys a header records, in the order pylock.toml's `[tool.lockit]` writes them:
/// `python` and `platform` (the target), the indexes (repeated, without credentials), the
/// cutoff and the policies, then the inputs and what is taken from them, and for a
/// universal lock its environments and what it `covers`. `lockit_settings` decides which
/// are written and reads them back.
pub const RECORDED_KEYS: &[&str] = &[
    "python",
    "platform",
    "index-url",
    "find-links",
    "exclude-newer",
    "exclude-newer-package",
    "prerelease",
    "resolution",
    "environment",
    "required-environment",
    "input",
    "constraint",
    "override",
    "extra",
    "group",
    "only-binary",
    "no-binary",
    "no-build-package",
    "index-strategy",
    "all-extras",
    "no-index",
    "no-build",
    "no-annotate",
    "no-strip-extras",
    "emit-index-url",
    "annotation-style",
    "covers",
];

/// The recorded keys that may repeat: pylock.toml writes them as arrays, whatever their
/// number.
pub const LIST_KEYS: &[&str] = &[
    "index-url",
    "find-links",
    "exclude-newer-package",
    "environment",
    "required-environment",
    "input",
    "constraint",
    "override",
    "extra",
    "group",
    "only-binary",
    "no-binary",
    "no-build-package",
];

/// What the header says about how the lock was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The Python version the lock is for, as it should read (`3.12`).
    pub python: String,
    /// The command line that produced the lock, as it should read (`lockit resolve requirements.in`).
    pub command: String,
    /// The settings that decided the answer, as `(key, value)` with keys from
    /// [`RECORDED_KEYS`] (a key may repeat, e.g. several index URLs).
    pub recorded: Vec<(String, String)>,
}

impl Header {
    /// A header for Python `python` recording `lockit ARGS`: each argument shell-quoted when
    /// it needs to be, with `user:password@` in URLs replaced by `***@` (a lock is shared,
    /// credentials are not). Deterministic: nothing is added to the arguments.
    pub fn new(python: String, args: impl IntoIterator<Item = String>) -> Header {
        let quoted: Vec<String> = args
            .into_iter()
            .map(|a| RedactedUrl::new(&a).to_string())
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
            recorded: Vec::new(),
        }
    }

    /// Records `value` under `key` (one of [`RECORDED_KEYS`]); URLs lose their credentials.
    pub fn record(&mut self, key: &str, value: &str) {
        self.recorded
            .push((key.to_string(), without_credentials(value)));
    }
}

/// The first value recorded under `key`.
pub fn recorded<'a>(recorded: &'a [(String, String)], key: &str) -> Option<&'a str> {
    recorded
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `https://user:secret@host/…` -> `https://host/…`: a recorded index is a place, and its
/// credentials come from the environment or netrc wherever the lock is checked.
pub fn without_credentials(value: &str) -> String {
    RedactedUrl::new(value).without_credentials()
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

/// The `lockit resolve` arguments (`args`, after the program name) a lock's header records:
/// as given, without where the lock was written (`-o`/`--output-file` and its value), so
/// that the lock written to stdout is byte-identical to the one written to a file. Nothing
/// that reads the header back (`verify`, a relock) needs the destination: the lock is where
/// it is read from. `valued` are the short options that take a value (in `-cout`, `out`
/// is `-c`'s value).
pub fn without_destination(args: impl IntoIterator<Item = String>, valued: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            out.push(arg);
            out.extend(args);
            break;
        }
        if arg == "--output-file" {
            args.next();
            continue;
        }
        if arg.starts_with("--output-file=") {
            continue;
        }
        let Some(cluster) = arg
            .strip_prefix('-')
            .filter(|c| !c.is_empty() && !c.starts_with('-'))
        else {
            out.push(arg);
            continue;
        };
        let mut kept = String::new();
        let mut value_follows = false;
        for (i, c) in cluster.char_indices() {
            let rest = &cluster[i + c.len_utf8()..];
            if c == 'o' {
                // `-o FILE`, `-oFILE`, `-o=FILE`, `-qo FILE`: the rest is the destination.
                value_follows = rest.is_empty();
                break;
            }
            kept.push(c);
            if valued.contains(&c) {
                kept.push_str(rest);
                break;
            }
        }
        if value_follows {
            args.next();
        }
        if !kept.is_empty() {
            out.push(format!("-{kept}"));
        }
    }
    out
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
            assert_eq!(RedactedUrl::new(arg).to_string(), want, "{arg}");
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
