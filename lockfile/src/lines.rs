//! pip's line preprocessing: `\` continuations, comments and `${VAR}` expansion, keeping
//! track of where every byte of the result came from so errors point at the file as written.

/// Where a byte of a logical line came from: 1-based physical line and byte offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin {
    pub line: usize,
    pub byte: usize,
}

/// One logical line: physical lines joined, comment removed, whitespace trimmed.
#[derive(Debug, Clone)]
pub(crate) struct LogicalLine {
    /// The text after `${VAR}` expansion; what gets parsed.
    pub text: String,
    /// `origin[i]` is where `text`'s byte `i` came from; one past the end is also present.
    pub origin: Vec<Origin>,
    /// The 1-based physical line the logical line starts on.
    pub line: usize,
    /// The text as written: joined and trimmed, comment removed, variables not expanded.
    pub written: String,
}

impl LogicalLine {
    /// Where byte `offset` of `text` came from; offsets past the end map to the end.
    pub fn origin_of(&self, offset: usize) -> Origin {
        let last = Origin {
            line: self.line,
            byte: 0,
        };
        self.origin
            .get(offset)
            .or_else(|| self.origin.last())
            .copied()
            .unwrap_or(last)
    }
}

/// Splits text into physical lines (`\n` or `\r\n`), 1-based.
pub(crate) fn physical_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
}

/// Byte offset where a comment starts: a `#` at the start or after whitespace (pip's
/// `(^|\s+)#.*$`), so `#sha256=` fragments inside URLs are kept.
pub(crate) fn comment_start(s: &str) -> Option<usize> {
    let mut prev_ws = true;
    for (i, c) in s.char_indices() {
        if c == '#' && prev_ws {
            return Some(i);
        }
        prev_ws = c.is_whitespace();
    }
    None
}

/// Joins continuations and strips comments like pip's `join_lines` + `ignore_comments`,
/// then expands `${NAME}` with `env`. Blank results are dropped.
pub(crate) fn logical_lines(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<LogicalLine> {
    let mut out = Vec::new();
    let mut joined = String::new();
    let mut origin: Vec<Origin> = Vec::new();
    let mut start_line: Option<usize> = None;
    let mut last_line = 0;

    for (number, line) in physical_lines(text) {
        last_line = number;
        // A comment line ends a continuation even when it ends with `\` (as in pip).
        let continues = line.ends_with('\\') && comment_start(line).is_none();
        let kept = if continues {
            &line[..line.len() - 1]
        } else {
            line
        };
        start_line.get_or_insert(number);
        if !continues && !joined.is_empty() && comment_start(line).is_some() {
            // pip prefixes such a line with a space so `a\` + `# c` still reads as a comment.
            joined.push(' ');
            origin.push(Origin {
                line: number,
                byte: 0,
            });
        }
        for (i, _) in kept.bytes().enumerate() {
            origin.push(Origin {
                line: number,
                byte: i,
            });
        }
        joined.push_str(kept);
        if !continues {
            let end = Origin {
                line: number,
                byte: kept.len(),
            };
            if let Some(l) = finish(&joined, &origin, end, start_line.unwrap_or(number), env) {
                out.push(l);
            }
            joined.clear();
            origin.clear();
            start_line = None;
        }
    }
    // A `\` on the last line continues into nothing; pip keeps what was joined so far.
    if let Some(start) = start_line {
        let end = origin.last().map_or(
            Origin {
                line: last_line,
                byte: 0,
            },
            |o| Origin {
                line: o.line,
                byte: o.byte + 1,
            },
        );
        if let Some(l) = finish(&joined, &origin, end, start, env) {
            out.push(l);
        }
    }
    out
}

fn finish(
    joined: &str,
    origin: &[Origin],
    end: Origin,
    line: usize,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<LogicalLine> {
    let cut = comment_start(joined).unwrap_or(joined.len());
    let uncommented = &joined[..cut];
    let trimmed = uncommented.trim();
    if trimmed.is_empty() {
        return None;
    }
    let lead = uncommented.len() - uncommented.trim_start().len();
    let written_origin = &origin[lead..lead + trimmed.len()];
    let end = origin.get(lead + trimmed.len()).copied().unwrap_or(end);
    let (text, mut text_origin) = expand_vars(trimmed, written_origin, env);
    text_origin.push(end);
    Some(LogicalLine {
        text,
        origin: text_origin,
        line,
        written: trimmed.to_string(),
    })
}

/// Replaces `${NAME}` (NAME = `[A-Z0-9_]+`) with its value; undefined names stay as written.
fn expand_vars(
    s: &str,
    origin: &[Origin],
    env: &dyn Fn(&str) -> Option<String>,
) -> (String, Vec<Origin>) {
    let mut text = String::with_capacity(s.len());
    let mut out_origin = Vec::with_capacity(origin.len());
    let mut i = 0;
    while i < s.len() {
        if let Some(rest) = s[i..].strip_prefix("${") {
            let name_len = rest
                .bytes()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
                .count();
            if name_len > 0 && rest.as_bytes().get(name_len) == Some(&b'}') {
                if let Some(value) = env(&rest[..name_len]) {
                    text.push_str(&value);
                    out_origin.extend(std::iter::repeat_n(origin[i], value.len()));
                    i += 2 + name_len + 1;
                    continue;
                }
            }
        }
        // Copy one whole character so `text` stays valid UTF-8.
        let ch_len = s[i..].chars().next().map_or(1, char::len_utf8);
        text.push_str(&s[i..i + ch_len]);
        out_origin.extend_from_slice(&origin[i..i + ch_len]);
        i += ch_len;
    }
    (text, out_origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TOKEN" => Some("s3cr3t".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn texts(s: &str) -> Vec<(usize, String)> {
        logical_lines(s, &env)
            .into_iter()
            .map(|l| (l.line, l.text))
            .collect()
    }

    #[test]
    fn preprocessing_table() {
        let cases: &[(&str, &[(usize, &str)])] = &[
            ("", &[]),
            ("\n\n  \n", &[]),
            ("# only a comment\n", &[]),
            ("a  # trailing\n", &[(1, "a")]),
            ("a#not-a-comment\n", &[(1, "a#not-a-comment")]),
            ("a \\\n  >=1\nb\n", &[(1, "a   >=1"), (3, "b")]),
            ("a \\\n# c \\\nb\n", &[(1, "a"), (3, "b")]),
            ("a\\\n# c\n", &[(1, "a")]),
            ("a \\", &[(1, "a")]),
            ("\r\n a\r\n", &[(2, "a")]),
            (
                "x @ https://${TOKEN}@h/x.whl",
                &[(1, "x @ https://s3cr3t@h/x.whl")],
            ),
            (
                "x${EMPTY}y ${NOPE} ${lower} $TOKEN",
                &[(1, "xy ${NOPE} ${lower} $TOKEN")],
            ),
            ("${", &[(1, "${")]),
            ("é${TOKEN}é", &[(1, "és3cr3té")]),
        ];
        for (input, expected) in cases {
            let expected: Vec<(usize, String)> =
                expected.iter().map(|(n, s)| (*n, s.to_string())).collect();
            assert_eq!(texts(input), expected, "{input:?}");
        }
    }

    #[test]
    fn origins_point_into_physical_lines() {
        let lines = logical_lines("  a \\\n  b${TOKEN}c\n", &env);
        let l = &lines[0];
        assert_eq!(l.text, "a   bs3cr3tc");
        assert_eq!(l.origin_of(0), Origin { line: 1, byte: 2 });
        assert_eq!(l.origin_of(4), Origin { line: 2, byte: 2 });
        // Expanded bytes point at the `$`.
        assert_eq!(l.origin_of(6), Origin { line: 2, byte: 3 });
        assert_eq!(l.origin_of(11), Origin { line: 2, byte: 11 });
        // One past the end.
        assert_eq!(l.origin_of(12), Origin { line: 2, byte: 12 });
        assert_eq!(l.written, "a   b${TOKEN}c");
    }
}
