//! Checking a lock against its inputs and the index: the findings `lockit verify` reports.
//!
//! Online, [`LockCheck::against`] compares the lock with a fresh resolution of its inputs
//! (pins, hashes, who requires what). Offline, [`LockCheck::offline`] checks what the lock,
//! the inputs and the cache can show: inputs satisfied, pins closed under their (cached)
//! dependencies, hashes matching cached listings.

use std::collections::{BTreeMap, BTreeSet};

use lockit_resolver::{walk_pins, Index, PinVisit, Resolution, ResolveOptions};
use lockit_types::{
    url_file_name, DistFile, MarkerEval, PackageName, ProjectFiles, Requirement, RequirementOrigin,
    SourcedRequirement, Version,
};
use pep508_rs::VersionOrUrl;
use serde::Serialize;

use std::path::Path;

use crate::encode::{to_lock, to_pylock, KeptHashes};
use crate::lock_file::is_toml;
use crate::{render, render_pylock, Header, Inputs, LockParseError, ParsedLock, Pin};

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

    fn about(pin: &Pin, kind: FindingKind, message: String, file: &str, line: usize) -> Finding {
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

/// One finding per pin that carries no hash.
pub fn missing_hashes(lock: &ParsedLock, lock_name: &str) -> Vec<Finding> {
    lock.pins
        .iter()
        .filter(|p| p.hashes.is_empty() && !p.url.as_deref().is_some_and(is_folder_url))
        .map(|p| {
            let message = format!("{lock_name}:{}: `{}` has no hashes", p.line, p.name);
            Finding::about(p, FindingKind::NoHashes, message, lock_name, p.line)
        })
        .collect()
}

/// True for a `file:` URL of a folder (a local project), which has no hash: its last part
/// is not a wheel or sdist.
fn is_folder_url(url: &str) -> bool {
    let file = url_file_name(url).to_ascii_lowercase();
    url.starts_with("file:")
        && ![
            ".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz", ".tar",
        ]
        .iter()
        .any(|ext| file.ends_with(ext))
}

/// True when `req` says nothing about versions or admits `v`.
fn admits(req: &Requirement, v: &Version) -> bool {
    match &req.version_or_url {
        Some(VersionOrUrl::VersionSpecifier(s)) => lockit_resolver::specifiers_contain(s, v),
        _ => true,
    }
}

fn active(req: &Requirement, options: &ResolveOptions) -> bool {
    req.marker.holds(&options.environment.target().markers, &[])
}

/// The 1-based line of the lock that holds `needle`, searching from `from`.
fn line_with(text: &str, from: usize, needle: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map_or(from, |(i, _)| i + 1)
}

/// Compares the lock's hashes for `pin` with the files the index lists for its version.
pub fn hash_findings(
    pin: &Pin,
    index_files: &[DistFile],
    lock_name: &str,
    text: &str,
) -> Vec<Finding> {
    let problem = |message: String, line: usize| {
        Finding::about(pin, FindingKind::Hash, message, lock_name, line)
    };
    let index: Vec<(String, String)> = index_files
        .iter()
        .filter_map(|f| {
            Some((
                url_file_name(&f.url),
                format!("sha256:{}", f.sha256.as_ref()?),
            ))
        })
        .collect();
    let mut out = Vec::new();
    if !pin.files.is_empty() {
        // pylock.toml names each file, so each can be checked on its own.
        for f in &pin.files {
            match index.iter().find(|(name, _)| *name == f.name) {
                None => out.push(problem(
                    format!(
                        "the file `{}` is no longer on the index ({lock_name}:{})",
                        f.name, f.line
                    ),
                    f.line,
                )),
                Some((_, hash)) if !hash.eq_ignore_ascii_case(&f.hash) => out.push(problem(
                    format!(
                        "hash of `{}` differs from the index ({lock_name}:{})",
                        f.name, f.line
                    ),
                    f.line,
                )),
                Some(_) => {}
            }
        }
        for (name, _) in &index {
            if !pin.files.iter().any(|f| f.name == *name) {
                out.push(problem(
                    format!(
                        "the index has `{name}`, which the lock does not list ({lock_name}:{})",
                        pin.line
                    ),
                    pin.line,
                ));
            }
        }
        return out;
    }
    let locked: BTreeSet<String> = pin.hashes.iter().map(|h| h.to_ascii_lowercase()).collect();
    let unknown: Vec<&String> = pin
        .hashes
        .iter()
        .filter(|h| !index.iter().any(|(_, ih)| ih.eq_ignore_ascii_case(h)))
        .collect();
    let missing: Vec<&String> = index
        .iter()
        .filter(|(_, h)| !locked.contains(&h.to_ascii_lowercase()))
        .map(|(name, _)| name)
        .collect();
    if !index.is_empty()
        && !pin.hashes.is_empty()
        && unknown.len() == pin.hashes.len()
        && unknown.len() > 1
    {
        let v = pin
            .version
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        out.push(problem(
            format!(
                "none of the hashes of `{}=={v}` ({lock_name}:{}) belong to its files on the index; was the pin edited?",
                pin.name, pin.line
            ),
            pin.line,
        ));
        return out;
    }
    for (i, hash) in unknown.iter().enumerate() {
        let line = line_with(text, pin.line, hash);
        match missing.get(i) {
            Some(name) => out.push(problem(
                format!("hash of `{name}` differs from the index ({lock_name}:{line})"),
                line,
            )),
            None => out.push(problem(
                format!(
                    "hash `{hash}` matches no file of `{}` on the index ({lock_name}:{line})",
                    pin.name
                ),
                line,
            )),
        }
    }
    for name in missing.iter().skip(unknown.len()) {
        out.push(problem(
            format!(
                "the index has `{name}`, which the lock has no hash for ({lock_name}:{})",
                pin.line
            ),
            pin.line,
        ));
    }
    out
}

/// A pin whose hashes all belong to another version of the project: someone edited the version.
pub fn edited_pin(pin: &Pin, project: &ProjectFiles, lock_name: &str) -> Option<Finding> {
    let version = pin.version.as_ref()?;
    let of = |h: &String| {
        project.files().find(|f| {
            f.sha256
                .as_ref()
                .is_some_and(|s| h.eq_ignore_ascii_case(&format!("sha256:{s}")))
        })
    };
    let owners: BTreeSet<&Version> = pin
        .hashes
        .iter()
        .map(|h| of(h).map(|f| f.filename.version()))
        .collect::<Option<_>>()?;
    match owners.into_iter().collect::<Vec<_>>()[..] {
        [other] if other != version => {
            let message = format!(
                "`{}=={version}` ({lock_name}:{}) has the hashes of {} {other}; was the pin edited?",
                pin.name, pin.line, pin.name
            );
            Some(Finding::about(
                pin,
                FindingKind::Hash,
                message,
                lock_name,
                pin.line,
            ))
        }
        _ => None,
    }
}

/// A lock, its text, and what it is checked against.
pub struct LockCheck<'a> {
    /// The parsed lock.
    pub lock: &'a ParsedLock,
    /// The lock's path as shown in messages.
    pub lock_name: &'a str,
    /// The lock's text (to find the line of a hash).
    pub text: &'a str,
    /// The inputs it was made from.
    pub inputs: &'a Inputs,
    /// The resolver options it was made with.
    pub options: &'a ResolveOptions,
    /// The index (or its cache, offline).
    pub index: &'a dyn Index,
    /// How `resolve` was told to write it (pip-compile's annotation and index options).
    pub style: crate::LockStyle,
    /// The inputs' editable local projects: name to the path as written (`./app`).
    pub editables: &'a std::collections::HashMap<PackageName, String>,
}

impl LockCheck<'_> {
    fn pins(&self) -> BTreeMap<&PackageName, &Pin> {
        self.lock.pins.iter().map(|p| (&p.name, p)).collect()
    }

    fn roots_named<'s>(
        &'s self,
        name: &'s PackageName,
    ) -> impl Iterator<Item = &'s SourcedRequirement> + 's {
        self.inputs
            .requirements_on(name)
            .filter(|r| active(&r.requirement, self.options))
    }

    fn at_input(r: &SourcedRequirement) -> (String, Option<usize>) {
        (r.origin.source().unwrap_or_default(), r.origin.line())
    }

    /// The finding for inputs that no longer resolve, with the resolver's report.
    pub fn no_solution(&self, report: &dyn std::fmt::Display) -> Finding {
        Finding {
            kind: FindingKind::NoSolution,
            package: None,
            locked: None,
            expected: None,
            message: format!("the inputs no longer resolve: {report}"),
            file: self
                .inputs
                .requirements
                .first()
                .and_then(|r| r.origin.source())
                .unwrap_or_else(|| self.lock_name.to_string()),
            line: None,
        }
    }

    /// Why `name` moved off its pin `from`, and where to look.
    fn why_changed(
        &self,
        name: &PackageName,
        from: &Version,
        pin: &Pin,
        fresh: &Resolution,
    ) -> (String, String, Option<usize>) {
        let lock_name = self.lock_name;
        for r in self.roots_named(name) {
            if !admits(&r.requirement, from) {
                let (file, line) = Self::at_input(r);
                return (
                    format!(
                        "{}: `{}` no longer admits {from}",
                        r.location(),
                        r.written()
                    ),
                    file,
                    line,
                );
            }
        }
        for c in &self.inputs.constraints {
            if &c.requirement.name == name
                && active(&c.requirement, self.options)
                && !admits(&c.requirement, from)
            {
                let (file, line) = Self::at_input(c);
                return (
                    format!(
                        "the constraint on `{name}` ({}: `{}`) no longer admits {from}",
                        c.location(),
                        c.written()
                    ),
                    file,
                    line,
                );
            }
        }
        let at_lock = |m: String| (m, lock_name.to_string(), Some(pin.line));
        if let Some(p) = fresh.get(name) {
            for d in &p.dependents {
                if let RequirementOrigin::Package { name: dep, version } = &d.origin {
                    if !admits(&d.requirement, from) {
                        return at_lock(format!(
                            "`{dep}` {version} requires `{}`, which excludes {from}",
                            d.requirement
                        ));
                    }
                }
            }
        }
        if let Ok(project) = self.index.project(name) {
            let files = project.files_of(from);
            if files.is_empty() {
                return at_lock(format!(
                    "{name} {from} ({lock_name}:{}) is not on the index",
                    pin.line
                ));
            }
            if files.iter().all(|f| f.yanked.is_yanked()) {
                return at_lock(format!(
                    "{name} {from} ({lock_name}:{}) is yanked",
                    pin.line
                ));
            }
        }
        at_lock(format!(
            "{from} ({lock_name}:{}) no longer fits with the other pins",
            pin.line
        ))
    }

    /// Compares the lock with `fresh`, a resolution of the same inputs that preferred the
    /// lock's pins: pins added, removed or moved (with the reason), and hashes.
    pub fn against(&self, fresh: &Resolution) -> Vec<Finding> {
        let lock_name = self.lock_name;
        let pins = self.pins();
        let mut findings = Vec::new();
        let environment = &self.options.environment;
        for (key, now) in [
            ("python", environment.python().to_string()),
            ("platform", environment.recorded_platform()),
        ] {
            match crate::recorded(&self.lock.recorded, key) {
                Some(was) if was != now => findings.push(Finding {
                    kind: FindingKind::Target,
                    package: None,
                    locked: Some(was.to_string()),
                    expected: Some(now.clone()),
                    message: format!("the lock records {key} {was}, not {now}"),
                    file: lock_name.to_string(),
                    line: self.lock.command_line,
                }),
                _ => {}
            }
        }
        for (path, line) in &self.lock.editables {
            if !self.editables.values().any(|e| e == path) {
                findings.push(Finding {
                    kind: FindingKind::Removed,
                    package: None,
                    locked: Some(path.clone()),
                    expected: None,
                    message: format!(
                        "no input names the editable project `{path}` any more ({lock_name}:{line})"
                    ),
                    file: lock_name.to_string(),
                    line: Some(*line),
                });
            }
        }
        if self.options.environment.is_universal() {
            // One name may have several pins (one per marker): compare what would be
            // written, line by line, pins, markers and hashes alike.
            findings.extend(self.line_findings(&self.expected_text(fresh)));
            return findings;
        }
        for p in &fresh.packages {
            if let Some(path) = self.editables.get(&p.name) {
                // A folder: no version or hash to check, only that the lock names it.
                if !self.lock.editables.iter().any(|(e, _)| e == path) {
                    findings.push(Finding {
                        kind: FindingKind::Added,
                        package: Some(p.name.to_string()),
                        locked: None,
                        expected: Some(path.clone()),
                        message: format!("the inputs name the editable project `{path}`"),
                        file: lock_name.to_string(),
                        line: None,
                    });
                }
                continue;
            }
            let Some(pin) = pins.get(&p.name) else {
                let (message, file, line) = match self.roots_named(&p.name).next() {
                    Some(r) => {
                        let (file, line) = Self::at_input(r);
                        (format!("{} adds `{}`", r.location(), p.name), file, line)
                    }
                    None => {
                        let by: Vec<String> = p
                            .dependents
                            .iter()
                            .filter_map(|d| match &d.origin {
                                RequirementOrigin::Package { name, version } => {
                                    Some(format!("`{name}` {version}"))
                                }
                                _ => None,
                            })
                            .collect();
                        (
                            format!("required by {}", by.join(", ")),
                            lock_name.to_string(),
                            None,
                        )
                    }
                };
                findings.push(Finding {
                    kind: FindingKind::Added,
                    package: Some(p.name.to_string()),
                    locked: None,
                    expected: Some(p.version.to_string()),
                    message,
                    file,
                    line,
                });
                continue;
            };
            if pin.url.is_some() || p.url.is_some() {
                // A direct reference's one file, hashed as it was downloaded (a local
                // project's folder has no hash).
                if pin.url == p.url && p.files.iter().any(|f| f.sha256.is_some()) {
                    findings.extend(hash_findings(pin, &p.files, lock_name, self.text));
                }
                continue;
            }
            match &pin.version {
                Some(v) if *v != p.version => {
                    let (message, file, line) = self.why_changed(&p.name, v, pin, fresh);
                    findings.push(Finding {
                        kind: FindingKind::Changed,
                        package: Some(p.name.to_string()),
                        locked: Some(v.to_string()),
                        expected: Some(p.version.to_string()),
                        message,
                        file,
                        line,
                    });
                }
                _ => {
                    let edited = self
                        .index
                        .project(&pin.name)
                        .ok()
                        .and_then(|project| edited_pin(pin, &project, lock_name));
                    match edited {
                        Some(finding) => findings.push(finding),
                        None => findings.extend(hash_findings(pin, &p.files, lock_name, self.text)),
                    }
                }
            }
        }
        for pin in &self.lock.pins {
            if fresh.get(&pin.name).is_some() {
                continue;
            }
            let from_input: Vec<&String> =
                pin.via.iter().filter(|v| v.starts_with("-r ")).collect();
            let message = if from_input.is_empty() {
                format!(
                    "nothing requires `{}` any more ({lock_name}:{})",
                    pin.name, pin.line
                )
            } else {
                format!(
                    "no input requires `{}` any more ({lock_name}:{} says `# via {}`)",
                    pin.name, pin.line, from_input[0]
                )
            };
            findings.push(Finding::about(
                pin,
                FindingKind::Removed,
                message,
                lock_name,
                pin.line,
            ));
        }
        if findings.is_empty() {
            findings.extend(self.line_findings(&self.expected_text(fresh)));
        }
        findings
    }

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
    fn line_findings(&self, expected: &str) -> Vec<Finding> {
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

    /// The metadata of `name` when the inputs name it as a local project (a folder, built
    /// when the session started; the index remembers what the build said).
    fn local_metadata(
        &self,
        name: &PackageName,
    ) -> Option<std::sync::Arc<lockit_types::CoreMetadata>> {
        let file = self
            .options
            .direct
            .get(name)
            .filter(|f| f.filename.is_folder())?;
        self.index
            .metadata(name, file.filename.version(), std::slice::from_ref(file))
            .ok()
    }

    /// Checks without resolving: inputs satisfied by the pins, pins closed under their
    /// dependencies as the index (or cache) knows them, hashes matching its listings.
    /// Returns the findings and every pin whose hashes could not be checked (not reached
    /// from the inputs through what the cache holds, or a direct URL).
    pub fn offline(&self) -> (Vec<Finding>, Vec<String>) {
        let lock_name = self.lock_name;
        let options = self.options;
        let pins = self.pins();
        let mut findings = Vec::new();
        let mut roots = Vec::new();
        let unsatisfied = |req: &Requirement,
                           pin: Option<&&Pin>,
                           whose: String,
                           file: String,
                           line: Option<usize>| {
            let (kind, message) = match pin {
                None => (
                    FindingKind::MissingDependency,
                    format!("{whose} requires `{req}`, which the lock does not pin"),
                ),
                Some(p) => match &p.version {
                    Some(v) if !admits(req, v) => (
                        FindingKind::Unsatisfied,
                        format!(
                            "{whose} requires `{req}`, which the pin {v} ({lock_name}:{}) does not satisfy",
                            p.line
                        ),
                    ),
                    _ => return None,
                },
            };
            Some(Finding {
                kind,
                package: Some(req.name.to_string()),
                locked: pin
                    .and_then(|p| p.version.as_ref())
                    .map(ToString::to_string),
                expected: None,
                message,
                file,
                line,
            })
        };
        let mut checked: BTreeSet<PackageName> = BTreeSet::new();
        for r in &self.inputs.requirements {
            if !active(&r.requirement, options) {
                continue;
            }
            let pin = pins.get(&r.requirement.name);
            let (file, line) = Self::at_input(r);
            if let Some(meta) = self.local_metadata(&r.requirement.name) {
                // A local project: its folder has no hash, and an editable no pin; what
                // it requires is what the lock must satisfy.
                checked.insert(r.requirement.name.clone());
                let whose = format!("the local project `{}`", r.requirement.name);
                for dep in &meta.requires_dist {
                    if !dep
                        .marker
                        .holds(&options.environment.target().markers, &r.requirement.extras)
                    {
                        continue;
                    }
                    let pin = pins.get(&dep.name);
                    findings.extend(unsatisfied(dep, pin, whose.clone(), file.clone(), line));
                    roots.push((dep.name.clone(), dep.extras.clone()));
                }
                continue;
            }
            let finding = match pin {
                None => Some(Finding {
                    kind: FindingKind::Added,
                    package: Some(r.requirement.name.to_string()),
                    locked: None,
                    expected: None,
                    message: format!("{} adds `{}`", r.location(), r.requirement.name),
                    file,
                    line,
                }),
                Some(_) => unsatisfied(&r.requirement, pin, r.location(), file, line),
            };
            findings.extend(finding);
            roots.push((r.requirement.name.clone(), r.requirement.extras.clone()));
        }
        for c in &self.inputs.constraints {
            let Some(p) = pins.get(&c.requirement.name) else {
                continue;
            };
            if let (true, Some(v)) = (active(&c.requirement, options), &p.version) {
                if !admits(&c.requirement, v) {
                    let (file, line) = Self::at_input(c);
                    findings.push(Finding {
                        kind: FindingKind::Unsatisfied,
                        package: Some(c.requirement.name.to_string()),
                        locked: Some(v.to_string()),
                        expected: None,
                        message: format!(
                            "the constraint on `{}` ({}: `{}`) does not admit {v}",
                            c.requirement.name,
                            c.location(),
                            c.written()
                        ),
                        file,
                        line,
                    });
                }
            }
        }
        let versions = self.lock.versions();
        let walk = walk_pins(
            self.index,
            &versions,
            roots,
            options,
            &mut |visit| match visit {
                PinVisit::Files { name, files } => {
                    if let Some(pin) = pins.get(name) {
                        checked.insert(name.clone());
                        findings.extend(hash_findings(pin, files, lock_name, self.text));
                    }
                }
                PinVisit::Requires {
                    name,
                    version,
                    requirement,
                } => {
                    let line = pins.get(name).map_or(0, |p| p.line);
                    let whose = format!("`{name}` {version} ({lock_name}:{line})");
                    findings.extend(unsatisfied(
                        requirement,
                        pins.get(&requirement.name),
                        whose,
                        lock_name.to_string(),
                        Some(line),
                    ));
                }
            },
        );
        if walk.unchecked.is_empty() {
            for pin in &self.lock.pins {
                if !walk.reached.contains(&pin.name) && !checked.contains(&pin.name) {
                    let message =
                        format!("nothing requires `{}` ({lock_name}:{})", pin.name, pin.line);
                    findings.push(Finding::about(
                        pin,
                        FindingKind::Extraneous,
                        message,
                        lock_name,
                        pin.line,
                    ));
                }
            }
        }
        findings.dedup_by(|a, b| a.message == b.message);
        let unchecked = self
            .lock
            .pins
            .iter()
            .filter(|p| !checked.contains(&p.name))
            .map(|p| p.name.to_string())
            .collect();
        (findings, unchecked)
    }
}
