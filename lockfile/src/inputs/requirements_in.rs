//! pip's requirements-file format as pip-compile users write it (`requirements.in`).
//!
//! Lines are preprocessed like pip does (`\` continuations, `#` comments, `${VAR}`), then each
//! is either a PEP 508 requirement (optionally followed by `--hash`) or a line of options
//! (`-r`, `-c`, `--index-url`, ...). Requirements remember the file and line they came from.

mod error;

use std::fs;
use std::path::{Component, Path, PathBuf};

use lockit_types::{LocalProject, RequirementOrigin, SourcedRequirement, UnnamedRequirement};
use pep508_rs::{ExtraName, Requirement};

pub use error::{LineError, LineErrorKind, RequirementsError};

use crate::lines::{logical_lines, physical_lines, LogicalLine};

/// Everything a requirements file (and the files it includes) asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequirementsFile {
    /// Requirements, in file order, `-r` files expanded in place.
    pub requirements: Vec<SourcedRequirement>,
    /// Requirements read from `-c` files: they limit versions but do not add packages.
    pub constraints: Vec<SourcedRequirement>,
    /// Local projects named by path (`-e ./dir`, `./dir`, `file:///dir`), in file order.
    pub local_projects: Vec<LocalProject>,
    /// Requirements named only by a VCS URL (`git+https://…` without `#egg=`).
    pub unnamed: Vec<UnnamedRequirement>,
    /// `--index-url` / `-i`; the last one wins, as in pip.
    pub index_url: Option<String>,
    /// `--extra-index-url`, in order, without duplicates.
    pub extra_index_urls: Vec<String>,
    /// `--no-index`.
    pub no_index: bool,
    /// `--find-links` / `-f`; relative paths that exist next to the file are made relative to it.
    pub find_links: Vec<String>,
    /// `--trusted-host`.
    pub trusted_hosts: Vec<String>,
    /// `--pre`.
    pub pre: bool,
    /// `--no-binary` values, split on `,` (`:all:`, `:none:` or package names).
    pub no_binary: Vec<String>,
    /// `--only-binary` values, split on `,`.
    pub only_binary: Vec<String>,
    /// `--prefer-binary`.
    pub prefer_binary: bool,
    /// `--require-hashes`.
    pub require_hashes: bool,
}

impl RequirementsFile {
    /// Reads and parses the file at `path` and every file it includes.
    pub fn read(path: &Path) -> Result<Self, RequirementsError> {
        let bytes = fs::read(path).map_err(|source| RequirementsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = decode(&bytes, path)?;
        Self::parse(text, path)
    }

    /// Parses `text` as the contents of `path`; `-r`/`-c` are read from the filesystem relative
    /// to `path`'s directory. `${VAR}` is expanded from the process environment.
    pub fn parse(text: &str, path: &Path) -> Result<Self, RequirementsError> {
        Self::parse_with_env(text, path, &|name| std::env::var(name).ok())
    }

    /// [`RequirementsFile::parse`] with `${VAR}` looked up in `env` instead of the process environment.
    pub fn parse_with_env(
        text: &str,
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, RequirementsError> {
        let text = check_text(text, path)?;
        let mut parser = Parser {
            env,
            stack: vec![Frame {
                canonical: fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
                display: path.to_path_buf(),
            }],
            out: RequirementsFile::default(),
        };
        parser.parse_file(text, path, path, false)?;
        Ok(parser.out)
    }
}

struct Frame {
    canonical: PathBuf,
    display: PathBuf,
}

struct Parser<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    /// The files being read, outermost first, to catch `-r` cycles.
    stack: Vec<Frame>,
    out: RequirementsFile,
}

/// The options pip accepts in requirements files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Requirement,
    Constraint,
    IndexUrl,
    ExtraIndexUrl,
    NoIndex,
    FindLinks,
    TrustedHost,
    Pre,
    NoBinary,
    OnlyBinary,
    PreferBinary,
    RequireHashes,
    UseFeature,
    Editable,
    // Per-requirement options; they only affect installing, so they are accepted and ignored.
    Hash,
    GlobalOption,
    ConfigSettings,
}

impl Opt {
    fn lookup(name: &str) -> Option<Opt> {
        Some(match name {
            "-r" | "--requirement" => Opt::Requirement,
            "-c" | "--constraint" => Opt::Constraint,
            "-i" | "--index-url" => Opt::IndexUrl,
            "--extra-index-url" => Opt::ExtraIndexUrl,
            "--no-index" => Opt::NoIndex,
            "-f" | "--find-links" => Opt::FindLinks,
            "--trusted-host" => Opt::TrustedHost,
            "--pre" => Opt::Pre,
            "--no-binary" => Opt::NoBinary,
            "--only-binary" => Opt::OnlyBinary,
            "--prefer-binary" => Opt::PreferBinary,
            "--require-hashes" => Opt::RequireHashes,
            "--use-feature" => Opt::UseFeature,
            "-e" | "--editable" => Opt::Editable,
            "--hash" => Opt::Hash,
            "--global-option" => Opt::GlobalOption,
            "-C" | "--config-settings" => Opt::ConfigSettings,
            _ => return None,
        })
    }

    fn takes_value(self) -> bool {
        !matches!(
            self,
            Opt::NoIndex | Opt::Pre | Opt::PreferBinary | Opt::RequireHashes
        )
    }

    fn per_requirement(self) -> bool {
        matches!(self, Opt::Hash | Opt::GlobalOption | Opt::ConfigSettings)
    }
}

/// A whitespace-separated word of a logical line and its byte offset there.
#[derive(Debug, Clone, Copy)]
struct Token<'t> {
    start: usize,
    text: &'t str,
}

fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push(Token {
                    start: st,
                    text: &s[st..i],
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(Token {
            start: st,
            text: &s[st..],
        });
    }
    out
}

/// One parsed option: which, the text naming it, and its value with the value's offset.
struct OptUse<'t> {
    opt: Opt,
    name: &'t str,
    name_at: usize,
    value: Option<(usize, &'t str)>,
}

/// Where and what to report, before it is mapped to a physical line.
struct Fault {
    start: usize,
    len: usize,
    kind: LineErrorKind,
}

fn fault(start: usize, len: usize, kind: LineErrorKind) -> Fault {
    Fault { start, len, kind }
}

/// Parses the option words of a line (optparse's `--name=value`, `--name value`, `-xvalue`).
fn parse_options<'t>(words: &[Token<'t>]) -> Result<Vec<OptUse<'t>>, Fault> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        let w = word.text;
        if !w.starts_with('-') || w == "-" {
            return Err(fault(
                word.start,
                w.len(),
                LineErrorKind::UnexpectedArgument(w.to_string()),
            ));
        }
        let (name, attached) = if w.starts_with("--") {
            match w.split_once('=') {
                Some((n, v)) => (n, Some((word.start + n.len() + 1, v))),
                None => (w, None),
            }
        } else {
            // Short options: `-r file` or `-rfile`; the name is one ASCII letter.
            let split = w.char_indices().nth(2).map_or(w.len(), |(i, _)| i);
            let (n, v) = w.split_at(split);
            (n, (!v.is_empty()).then_some((word.start + split, v)))
        };
        let Some(opt) = Opt::lookup(name) else {
            return Err(fault(
                word.start,
                name.len(),
                LineErrorKind::UnknownOption(name.to_string()),
            ));
        };
        let value = if opt.takes_value() {
            match attached {
                Some(v) => Some(v),
                None => match words.get(i) {
                    Some(next) => {
                        i += 1;
                        Some((next.start, next.text))
                    }
                    None => {
                        return Err(fault(
                            word.start,
                            name.len(),
                            LineErrorKind::MissingValue(name.to_string()),
                        ))
                    }
                },
            }
        } else {
            if attached.is_some() {
                return Err(fault(
                    word.start,
                    w.len(),
                    LineErrorKind::UnexpectedValue(name.to_string()),
                ));
            }
            None
        };
        if let Some((at, "")) = value {
            return Err(fault(
                at.saturating_sub(1),
                1,
                LineErrorKind::MissingValue(name.to_string()),
            ));
        }
        out.push(OptUse {
            opt,
            name,
            name_at: word.start,
            value,
        });
    }
    Ok(out)
}

/// True when a requirement line is a path rather than a PEP 508 requirement, as pip decides
/// it: it starts like a path (`.`, `/`, `~`, `file:`) or has a `/` without an `@`.
fn looks_like_path(text: &str) -> bool {
    let first = text.split(';').next().unwrap_or(text).trim();
    first.starts_with(['.', '/', '~'])
        || first.to_ascii_lowercase().starts_with("file:")
        || (first.contains('/') && !first.contains('@') && !first.contains("://"))
}

/// Where a local project is written: its line number and text.
#[derive(Clone, Copy)]
struct LineText<'a> {
    line: usize,
    written: &'a str,
}

/// The local project that `value` (`./dir`, `./dir[extra]`, `file:///dir`) names in the
/// file `display` (read at `fs_path`); `None` when it is not a local folder (a VCS or
/// remote URL).
fn local_project(
    value: &str,
    display: &Path,
    fs_path: &Path,
    editable: bool,
    at: LineText<'_>,
) -> Option<LocalProject> {
    let value = value.trim();
    let (path_text, extras) = match value.strip_suffix(']').and_then(|v| v.rsplit_once('[')) {
        Some((path, extras)) => (
            path,
            extras
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| e.parse::<ExtraName>().ok())
                .collect::<Option<Vec<_>>>()?,
        ),
        None => (value, Vec::new()),
    };
    let lower = path_text.to_ascii_lowercase();
    let relative = if lower.starts_with("file:") {
        let url = url::Url::parse(path_text).ok()?;
        url.to_file_path().ok()?
    } else if is_remote(path_text)
        || path_text.contains("://")
        || path_text.contains('+') && path_text.contains(':')
    {
        return None;
    } else {
        PathBuf::from(path_text)
    };
    let on_disk = normalize(&dir_of(fs_path).join(&relative));
    let path = std::path::absolute(&on_disk).unwrap_or(on_disk);
    Some(LocalProject {
        path,
        written: path_text.to_string(),
        editable,
        extras,
        origin: RequirementOrigin::File {
            path: display.to_path_buf(),
            line: at.line,
        },
        text: at.written.to_string(),
        dependencies_only: false,
    })
}

/// A requirement line that is a bare VCS URL, as pip reads it.
enum Vcs<'a> {
    /// `git+URL#egg=name`: read as `name @ git+URL`.
    Named(String),
    /// `git+URL` alone: its name is what its build says.
    Unnamed {
        url: &'a str,
        marker: Option<&'a str>,
    },
}

/// The bare VCS URL (`git+`, `hg+`, `svn+`, `bzr+`) `text` is, if it is one.
fn vcs_line(text: &str) -> Option<Vcs<'_>> {
    let lower = text.trim_start().to_ascii_lowercase();
    if !["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return None;
    }
    // A marker follows ` ;` (a URL may hold `;`).
    let (url, marker) = match text.find(" ;").or_else(|| text.find("\t;")) {
        Some(i) => (text[..i].trim(), Some(text[i + 2..].trim())),
        None => (text.trim(), None),
    };
    let egg = url
        .split_once('#')
        .into_iter()
        .flat_map(|(_, f)| f.split('&'))
        .find_map(|kv| kv.strip_prefix("egg="))
        .filter(|e| !e.is_empty());
    Some(match egg {
        Some(name) => Vcs::Named(match marker {
            Some(m) => format!("{name} @ {url} ; {m}"),
            None => format!("{name} @ {url}"),
        }),
        None => Vcs::Unnamed { url, marker },
    })
}

fn is_remote(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    ["http://", "https://", "file:", "ftp://"]
        .iter()
        .any(|s| lower.starts_with(s))
}

impl Parser<'_> {
    /// Parses one file's text. `display` names it in results and errors; `fs_path` is where
    /// it was read from, for resolving `-r` relative to it.
    fn parse_file(
        &mut self,
        text: &str,
        display: &Path,
        fs_path: &Path,
        constraint: bool,
    ) -> Result<(), RequirementsError> {
        let physical: Vec<&str> = physical_lines(text).map(|(_, l)| l).collect();
        for line in logical_lines(text, self.env) {
            self.parse_line(&line, display, fs_path, constraint)
                .map_err(|f| locate(&line, &physical, display, f))??;
        }
        Ok(())
    }

    /// Parses one logical line. The outer error is a fault on this line; the inner one comes
    /// from an included file and is already located.
    fn parse_line(
        &mut self,
        line: &LogicalLine,
        display: &Path,
        fs_path: &Path,
        constraint: bool,
    ) -> Result<Result<(), RequirementsError>, Fault> {
        let words = tokens(&line.text);
        let first_option = words
            .iter()
            .position(|w| w.text.starts_with('-'))
            .unwrap_or(words.len());
        let options = parse_options(&words[first_option..])?;
        let req_end = words.get(first_option).map_or(line.text.len(), |w| w.start);
        let req_text = line.text[..req_end].trim_end();

        if req_text.is_empty() {
            for o in &options {
                if o.opt.per_requirement() {
                    return Err(fault(
                        o.name_at,
                        o.name.len(),
                        LineErrorKind::OptionWithoutRequirement(o.name.to_string()),
                    ));
                }
            }
            let at_line = LineText {
                line: line.line,
                written: &line.written,
            };
            for o in options {
                if let Err(e) = self.apply(o, display, fs_path, at_line)? {
                    return Ok(Err(e));
                }
            }
            return Ok(Ok(()));
        }

        if let Some(o) = options.iter().find(|o| !o.opt.per_requirement()) {
            return Err(fault(
                o.name_at,
                o.name.len(),
                LineErrorKind::OptionAfterRequirement(o.name.to_string()),
            ));
        }
        let requirement_text = match vcs_line(req_text) {
            Some(Vcs::Named(text)) => Some(text),
            Some(Vcs::Unnamed { url, marker }) if !constraint => {
                self.out.unnamed.push(UnnamedRequirement {
                    url: url.to_string(),
                    marker: marker.map(str::to_string),
                    origin: RequirementOrigin::File {
                        path: display.to_path_buf(),
                        line: line.line,
                    },
                    text: line.written.clone(),
                });
                return Ok(Ok(()));
            }
            Some(Vcs::Unnamed { .. }) => {
                return Err(fault(
                    0,
                    req_text.len(),
                    LineErrorKind::Unsupported {
                        what: "a VCS URL without a name in a constraints file",
                        hint: "write it as `name @ git+…`",
                    },
                ))
            }
            None => None,
        };
        let req_text = requirement_text.as_deref().unwrap_or(req_text);
        if looks_like_path(req_text) {
            if constraint {
                return Err(fault(
                    0,
                    req_text.len(),
                    LineErrorKind::Unsupported {
                        what: "a local project in a constraints file",
                        hint: "name the project in a requirements file instead",
                    },
                ));
            }
            let written = LineText {
                line: line.line,
                written: &line.written,
            };
            let project = local_project(req_text, display, fs_path, false, written);
            if let Some(p) = project.as_ref().filter(|p| !p.path.is_dir()) {
                return Err(fault(
                    0,
                    req_text.len(),
                    LineErrorKind::NotAFolder(p.written.clone()),
                ));
            }
            let Some(project) = project else {
                return Err(fault(
                    0,
                    req_text.len(),
                    LineErrorKind::Unsupported {
                        what: "a path that is not a local project folder",
                        hint: "name a folder with a pyproject.toml or setup.py, or write `name @ file:///path/to/file`",
                    },
                ));
            };
            self.out.local_projects.push(project);
            return Ok(Ok(()));
        }
        let requirement = parse_requirement(req_text)?;
        let sourced = SourcedRequirement {
            requirement,
            origin: RequirementOrigin::File {
                path: display.to_path_buf(),
                line: line.line,
            },
            text: Some(line.written.clone()),
            hashes: options
                .iter()
                .filter(|o| matches!(o.opt, Opt::Hash))
                .filter_map(|o| o.value.map(|(_, v)| v.trim().to_ascii_lowercase()))
                .collect(),
        };
        if constraint {
            self.out.constraints.push(sourced);
        } else {
            self.out.requirements.push(sourced);
        }
        Ok(Ok(()))
    }

    fn apply(
        &mut self,
        o: OptUse<'_>,
        display: &Path,
        fs_path: &Path,
        at_line: LineText<'_>,
    ) -> Result<Result<(), RequirementsError>, Fault> {
        let (at, value) = o.value.unwrap_or((o.name_at, ""));
        let out = &mut self.out;
        match o.opt {
            // As in pip, `-r` inside a constraints file adds requirements, `-c` constraints.
            Opt::Requirement => return self.include(at, value, display, fs_path, false),
            Opt::Constraint => return self.include(at, value, display, fs_path, true),
            Opt::IndexUrl => out.index_url = Some(value.to_string()),
            Opt::ExtraIndexUrl => push_unique(&mut out.extra_index_urls, value),
            Opt::NoIndex => out.no_index = true,
            Opt::FindLinks => {
                let local = dir_of(fs_path).join(value);
                let value = if !is_remote(value) && local.exists() {
                    normalize(&dir_of(display).join(value))
                        .to_string_lossy()
                        .into_owned()
                } else {
                    value.to_string()
                };
                push_unique(&mut out.find_links, &value);
            }
            Opt::TrustedHost => push_unique(&mut out.trusted_hosts, value),
            Opt::Pre => out.pre = true,
            Opt::NoBinary => split_names(&mut out.no_binary, value),
            Opt::OnlyBinary => split_names(&mut out.only_binary, value),
            Opt::PreferBinary => out.prefer_binary = true,
            Opt::RequireHashes => out.require_hashes = true,
            Opt::UseFeature => {}
            Opt::Editable => {
                let project = local_project(value, display, fs_path, true, at_line);
                if let Some(p) = project.as_ref().filter(|p| !p.path.is_dir()) {
                    let at = o.value.map_or(o.name_at, |(at, _)| at);
                    return Err(fault(
                        at,
                        value.len(),
                        LineErrorKind::NotAFolder(p.written.clone()),
                    ));
                }
                let Some(project) = project else {
                    return Err(fault(
                        o.name_at,
                        o.name.len(),
                        LineErrorKind::Unsupported {
                            what: "editable requirements that are not a local folder",
                            hint: "lockit does not check out repositories; check out the project and write `-e ./path`",
                        },
                    ));
                };
                self.out.local_projects.push(project);
            }
            Opt::Hash | Opt::GlobalOption | Opt::ConfigSettings => {}
        }
        Ok(Ok(()))
    }

    /// Reads and parses a `-r`/`-c` file named on a line of `display`.
    fn include(
        &mut self,
        at: usize,
        value: &str,
        display: &Path,
        fs_path: &Path,
        constraint: bool,
    ) -> Result<Result<(), RequirementsError>, Fault> {
        if is_remote(value) {
            return Err(fault(
                at,
                value.len(),
                LineErrorKind::Unsupported {
                    what: "remote requirements files",
                    hint: "download the file and include it by path",
                },
            ));
        }
        let nested_fs = dir_of(fs_path).join(value);
        let nested_display = normalize(&dir_of(display).join(value));
        let bytes = match fs::read(&nested_fs) {
            Ok(b) => b,
            Err(source) => {
                return Err(fault(
                    at,
                    value.len(),
                    LineErrorKind::Include {
                        path: nested_display,
                        source,
                    },
                ))
            }
        };
        let canonical = fs::canonicalize(&nested_fs).unwrap_or_else(|_| nested_fs.clone());
        if let Some(first) = self.stack.iter().position(|f| f.canonical == canonical) {
            let mut chain: Vec<PathBuf> = self.stack[first..]
                .iter()
                .map(|f| f.display.clone())
                .collect();
            chain.push(nested_display);
            return Err(fault(at, value.len(), LineErrorKind::Cycle { chain }));
        }
        let text = match decode(&bytes, &nested_display) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        self.stack.push(Frame {
            canonical,
            display: nested_display.clone(),
        });
        let result = self.parse_file(text, &nested_display, &nested_fs, constraint);
        self.stack.pop();
        Ok(result)
    }
}

fn parse_requirement(text: &str) -> Result<Requirement, Fault> {
    lockit_types::parse_requirement(text)
        .map_err(|e| fault(e.start, e.len, LineErrorKind::Requirement(e.message)))
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

fn split_names(list: &mut Vec<String>, value: &str) {
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        push_unique(list, name);
    }
}

/// The directory a file is in; `""` for a bare file name, so joins stay relative.
fn dir_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

/// Removes `.` and `name/..` without touching the filesystem, so `-r` chains print tidily.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Maps a fault on a logical line to the physical line, column and underline it came from.
fn locate(line: &LogicalLine, physical: &[&str], file: &Path, f: Fault) -> RequirementsError {
    let at = line.origin_of(f.start);
    let source_line = physical
        .get(at.line.saturating_sub(1))
        .copied()
        .unwrap_or_default();
    let before = source_line.get(..at.byte).unwrap_or(source_line);
    let column = before.chars().count() + 1;
    let end = f.start.saturating_add(f.len).min(line.text.len());
    let underlined = line
        .text
        .get(f.start.min(end)..end)
        .map_or(1, |s| s.chars().count());
    // Stop at the end of the physical line (plus one for an error at its end).
    let room = source_line.chars().count() + 2 - column.min(source_line.chars().count() + 1);
    LineError {
        file: file.to_path_buf(),
        line: at.line,
        column,
        width: underlined.clamp(1, room.max(1)),
        source_line: source_line.to_string(),
        kind: f.kind,
    }
    .into()
}

/// Bytes to text: UTF-8 (a BOM is dropped) without NULs, else an error pointing at the byte.
fn decode<'b>(bytes: &'b [u8], path: &Path) -> Result<&'b str, RequirementsError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(byte_error(bytes, 0, path, LineErrorKind::Utf16));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => check_text(text, path),
        Err(e) => Err(byte_error(
            bytes,
            e.valid_up_to(),
            path,
            LineErrorKind::NotUtf8,
        )),
    }
}

fn check_text<'t>(text: &'t str, path: &Path) -> Result<&'t str, RequirementsError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    match text.find('\0') {
        Some(at) => Err(byte_error(text.as_bytes(), at, path, LineErrorKind::Nul)),
        None => Ok(text),
    }
}

fn byte_error(bytes: &[u8], at: usize, path: &Path, kind: LineErrorKind) -> RequirementsError {
    let at = at.min(bytes.len());
    let line_start = bytes[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let before = String::from_utf8_lossy(&bytes[line_start..at]);
    let source_line = String::from_utf8_lossy(&bytes[line_start..line_end]);
    LineError {
        file: path.to_path_buf(),
        line,
        column: before.chars().count() + 1,
        width: 1,
        // A UTF-16 line shown as UTF-8 is noise.
        source_line: if matches!(kind, LineErrorKind::Utf16) {
            String::new()
        } else {
            source_line.trim_end_matches('\r').to_string()
        },
        kind,
    }
    .into()
}

#[cfg(test)]
mod tests;
