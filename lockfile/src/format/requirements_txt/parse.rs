//! Reading a requirements.txt lock back: pins, hashes and `# via` reasons with their lines.

use pep440_rs::{Operator, Version};
use pep508_rs::{PackageName, VersionOrUrl};

use crate::lines::{comment_start, physical_lines};

/// A lock as read back from requirements.txt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedLock {
    /// The pins, in file order.
    pub pins: Vec<Pin>,
    /// `--index-url`, when the lock names one.
    pub index_url: Option<String>,
    /// `--extra-index-url` lines, in order.
    pub extra_index_urls: Vec<String>,
    /// `--find-links` lines, in order.
    pub find_links: Vec<String>,
    /// The command line in the header comment (`lockit resolve ...`), when there is one.
    pub command: Option<String>,
    /// The 1-based line of that command.
    pub command_line: Option<usize>,
    /// The settings the header records (see [`crate::Header::recorded`]).
    pub recorded: Vec<(String, String)>,
    /// `-e PATH` lines: editable local projects, as written, with their 1-based lines.
    pub editables: Vec<(String, usize)>,
}

/// One `name==version` (or `name @ url`) line of a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The package name, normalized.
    pub name: PackageName,
    /// The pinned version; `None` for a direct reference.
    pub version: Option<Version>,
    /// The direct reference, as written.
    pub url: Option<String>,
    /// The marker after `;`, as pep508 normalizes it.
    pub marker: Option<String>,
    /// `--hash` values (`sha256:<hex>`), in file order.
    pub hashes: Vec<String>,
    /// The `# via` reasons as written (`-r requirements.in`, `flask`).
    pub via: Vec<String>,
    /// The files the pin names with their hashes; only pylock.toml names them.
    pub files: Vec<PinFile>,
    /// 1-based line the pin starts on.
    pub line: usize,
}

/// A file a lock entry names (pylock.toml `wheels` / `sdist`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinFile {
    /// The filename (`flask-3.1.3-py3-none-any.whl`).
    pub name: String,
    /// The hash as `sha256:<hex>`.
    pub hash: String,
    /// 1-based line of the entry.
    pub line: usize,
}

/// Why a lock could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}: `{text}`")]
pub struct LockParseError {
    /// 1-based line where the offending entry starts.
    pub line: usize,
    /// The entry, continuation lines joined.
    pub text: String,
    /// What was expected.
    pub message: String,
}

/// Reads a requirements.txt lock (pip-compile's, uv's or lockit's).
pub fn parse_lock(text: &str) -> Result<ParsedLock, LockParseError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = Reader::default();
    let mut pending: Option<(usize, String)> = None;
    for (number, line) in physical_lines(text) {
        let is_comment = line.trim_start().starts_with('#');
        if is_comment && reader.lock.pins.is_empty() {
            reader.header(number, line);
        }
        if is_comment {
            // As in pip, a comment ends a continuation.
            if let Some((start, joined)) = pending.take() {
                reader.entry(start, &joined)?;
            }
            reader.comment(line);
            continue;
        }
        let continues = line.ends_with('\\') && comment_start(line).is_none();
        let kept = if continues {
            &line[..line.len() - 1]
        } else {
            line
        };
        let (start, mut joined) = pending.take().unwrap_or((number, String::new()));
        joined.push_str(kept);
        if continues {
            pending = Some((start, joined));
        } else {
            reader.entry(start, &joined)?;
        }
    }
    if let Some((start, joined)) = pending {
        reader.entry(start, &joined)?;
    }
    Ok(reader.lock)
}

#[derive(Default)]
struct Reader {
    lock: ParsedLock,
    /// The pin the next `# via` comments belong to; cleared by anything else.
    last_pin: Option<usize>,
    /// Inside a multi-line `# via` block.
    in_via: bool,
    /// The header said "by the following command"; the next comment is the command.
    command_next: bool,
}

impl Reader {
    /// Picks the command line out of a pip-compile style header.
    fn header(&mut self, number: usize, line: &str) {
        let body = line.trim_start().trim_start_matches('#').trim();
        if body.is_empty() {
            return;
        }
        if self.lock.command.is_some() {
            if let Some((key, value)) = body.split_once(": ") {
                if crate::header::RECORDED_KEYS.contains(&key) {
                    self.lock
                        .recorded
                        .push((key.to_string(), value.trim().to_string()));
                }
            }
            return;
        }
        if body.contains("the following command") {
            self.command_next = true;
        } else if self.command_next {
            self.lock.command = Some(body.to_string());
            self.lock.command_line = Some(number);
            self.command_next = false;
        }
    }

    fn comment(&mut self, line: &str) {
        let body = line.trim_start().trim_start_matches('#');
        let via = self.last_pin.and_then(|i| self.lock.pins.get_mut(i));
        let Some(pin) = via else {
            return;
        };
        let word = body.trim();
        if let Some(rest) = word.strip_prefix("via") {
            if rest.is_empty() {
                self.in_via = true;
                return;
            }
            if rest.starts_with(char::is_whitespace) {
                pin.via.push(rest.trim().to_string());
                self.in_via = false;
                return;
            }
        }
        if self.in_via && !word.is_empty() && body.starts_with("   ") {
            pin.via.push(word.to_string());
        } else {
            self.in_via = false;
            self.last_pin = None;
        }
    }

    fn entry(&mut self, line: usize, joined: &str) -> Result<(), LockParseError> {
        self.in_via = false;
        self.last_pin = None;
        let cut = comment_start(joined).unwrap_or(joined.len());
        let entry = joined[..cut].trim();
        if entry.is_empty() {
            return Ok(());
        }
        let err = |message: String| LockParseError {
            line,
            text: entry.to_string(),
            message,
        };

        let words: Vec<&str> = entry.split_whitespace().collect();
        let first_option = words
            .iter()
            .position(|w| w.starts_with('-'))
            .unwrap_or(words.len());
        let requirement = words[..first_option].join(" ");
        let mut options: Vec<(&str, Option<&str>)> = Vec::new();
        let mut rest = words[first_option..].iter();
        while let Some(word) = rest.next() {
            if !word.starts_with('-') {
                return Err(err(format!("unexpected argument `{word}`")));
            }
            let (name, value) = match word.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v)),
                _ => (*word, None),
            };
            let takes_value = !matches!(
                name,
                "--no-index" | "--pre" | "--prefer-binary" | "--require-hashes"
            );
            let value = match value {
                Some(v) => Some(v),
                None if takes_value => match rest.next() {
                    Some(v) => Some(*v),
                    None => return Err(err(format!("option `{name}` expects a value"))),
                },
                None => None,
            };
            options.push((name, value));
        }

        if requirement.is_empty() {
            for (name, value) in options {
                let value = value.unwrap_or_default().to_string();
                match name {
                    "-i" | "--index-url" => self.lock.index_url = Some(value),
                    "--extra-index-url" => self.lock.extra_index_urls.push(value),
                    "-f" | "--find-links" => self.lock.find_links.push(value),
                    "--trusted-host" | "--no-index" | "--pre" | "--no-binary" | "--only-binary"
                    | "--prefer-binary" | "--require-hashes" | "--use-feature" => {}
                    "-e" | "--editable" => self.lock.editables.push((value, line)),
                    "--hash" => return Err(err("`--hash` without a pin before it".to_string())),
                    other => return Err(err(format!("unexpected option `{other}` in a lock"))),
                }
            }
            return Ok(());
        }

        let mut hashes = Vec::new();
        for (name, value) in options {
            match (name, value) {
                ("--hash", Some(v)) => hashes.push(v.to_string()),
                ("--global-option" | "--config-settings" | "-C", _) => {}
                (other, _) => {
                    return Err(err(format!(
                        "option `{other}` cannot follow a pin; only `--hash` can"
                    )))
                }
            }
        }
        let req = lockit_types::parse_requirement(&requirement).map_err(|e| err(e.message))?;
        let (version, url) = match &req.version_or_url {
            Some(VersionOrUrl::Url(url)) => (
                None,
                Some(url.given().map_or_else(|| url.to_string(), str::to_string)),
            ),
            Some(VersionOrUrl::VersionSpecifier(specs)) => {
                match specs.iter().collect::<Vec<_>>()[..] {
                    [spec] if matches!(spec.operator(), Operator::Equal | Operator::ExactEqual) => {
                        (Some(spec.version().clone()), None)
                    }
                    _ => return Err(err("expected an exact pin like `name==1.0`".to_string())),
                }
            }
            None => return Err(err("expected an exact pin like `name==1.0`".to_string())),
        };
        self.lock.pins.push(Pin {
            name: req.name.clone(),
            version,
            url,
            marker: req.marker.try_to_string(),
            hashes,
            via: Vec::new(),
            files: Vec::new(),
            line,
        });
        self.last_pin = Some(self.lock.pins.len() - 1);
        Ok(())
    }
}
