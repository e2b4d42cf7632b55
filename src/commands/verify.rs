//! `lockit verify`: is the lock current and untampered?
//!
//! Online, the inputs are resolved again exactly as the lock's header says they were, with
//! the lock's pins as preferences; the lock is current when that gives the same pins and the
//! index still has the same files with the same hashes. Every difference is reported with the
//! reason for it, pointing at the input or lock line to look at. `--offline` checks what the
//! lock, the inputs and the cache can tell: inputs satisfied, pins closed under dependencies,
//! hashes present and matching cached listings.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use clap::Parser;
use lockit_types::{DistFile, ExtraName, PackageName, ProjectFiles, Requirement, Version};
use lockit_lockfile::{ParsedLock, Pin, SourcedRequirement};
use lockit_resolver::{Dependent, Index, Resolution, ResolveError, ResolveOptions};
use pep508_rs::VersionOrUrl;
use serde::Serialize;

use super::resolve::{self, Engine, Inputs};
use crate::cli::{
    Cli, Command, InputArgs, LockFormat, ReportFormat, ResolveArgs, TargetArgs, VerifyArgs,
};
use crate::exit_code::{Exit, Failure};

/// One way the lock differs from what it should be.
#[derive(Debug, Clone, Serialize)]
struct Problem {
    /// `added`, `removed`, `changed`, `hash`, `file`, `no-hashes`, `unsatisfied`,
    /// `missing-dependency`, `extraneous`, `no-solution`, `unreadable`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<String>,
    /// The version the lock pins.
    #[serde(skip_serializing_if = "Option::is_none")]
    locked: Option<String>,
    /// The version a fresh resolution gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<String>,
    /// Why, naming the line to look at.
    message: String,
    /// The file to look at (an input or the lock).
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

impl Problem {
    fn sign(&self) -> &'static str {
        match self.kind {
            "added" => "+",
            "removed" | "extraneous" => "-",
            "changed" => "~",
            _ => "!",
        }
    }

    fn headline(&self) -> String {
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
}

#[derive(Serialize)]
struct Report<'a> {
    lock: String,
    current: bool,
    pins: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unchecked: Vec<String>,
    problems: &'a [Problem],
}

/// Splits a command line the way a POSIX shell would (quotes and backslashes; no expansion).
fn shell_words(s: &str) -> Option<Vec<String>> {
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

/// The `lockit resolve` arguments recorded in a lock's header, if it has them.
fn header_args(command: &str) -> Option<ResolveArgs> {
    let words = shell_words(command)?;
    if words.first().map(String::as_str) != Some("lockit") {
        return None;
    }
    match Cli::try_parse_from(words).ok()?.command {
        Command::Resolve(args) => Some(args),
        _ => None,
    }
}

/// A path from the header: as written when it exists from here, else next to the lock.
fn locate(path: &Path, lock_dir: &Path) -> PathBuf {
    if path.is_absolute() || path.exists() {
        return path.to_path_buf();
    }
    let beside = lock_dir.join(path);
    if beside.exists() {
        beside
    } else {
        path.to_path_buf()
    }
}

/// The header's target options, with what was given to `verify` taking precedence.
fn merge_target(header: &TargetArgs, given: &TargetArgs, lock_dir: &Path) -> TargetArgs {
    let mut t = header.clone();
    t.constraints = t.constraints.iter().map(|p| locate(p, lock_dir)).collect();
    macro_rules! given_option {
        ($($field:ident),*) => {$(
            if given.$field.is_some() {
                t.$field = given.$field.clone();
            }
        )*};
    }
    macro_rules! given_list {
        ($($field:ident),*) => {$(
            if !given.$field.is_empty() {
                t.$field = given.$field.clone();
            }
        )*};
    }
    given_option!(
        python_version,
        python_platform,
        exclude_newer,
        index_url,
        prerelease
    );
    given_list!(
        extra_index_url,
        find_links,
        only_binary,
        no_binary,
        constraints
    );
    t.pre |= given.pre;
    if given.cache_dir.is_some() {
        t.cache_dir = given.cache_dir.clone();
        t.no_cache = false;
    }
    t.no_cache |= given.no_cache;
    t.offline = given.offline;
    t.refresh = given.refresh;
    t.connect_timeout = given.connect_timeout;
    t.read_timeout = given.read_timeout;
    t.native_tls |= given.native_tls;
    t.quiet = given.quiet;
    t.verbose = given.verbose;
    t
}

fn input_args_given(a: &InputArgs) -> bool {
    !a.overrides.is_empty() || !a.extra.is_empty() || a.all_extras || !a.group.is_empty()
}

/// Runs `lockit verify`.
pub fn run(args: VerifyArgs) -> Result<Exit, Failure> {
    let lock_path = match (&args.lock, &args.input) {
        (Some(l), _) => l.clone(),
        (None, Some(input)) => {
            let txt = resolve::default_output(input, LockFormat::Requirements);
            let pylock = resolve::default_output(input, LockFormat::Pylock);
            if !txt.exists() && pylock.exists() {
                pylock
            } else {
                txt
            }
        }
        (None, None) => {
            return Err(Failure::input(
                "error: name the lock to check with --lock (and the input it was made from, if its header does not say)",
            ))
        }
    };
    let text = std::fs::read_to_string(&lock_path).map_err(|e| {
        Failure::input(format!(
            "error: cannot read the lock `{}`: {e}",
            lock_path.display()
        ))
    })?;
    let lock_name = lock_path.display().to_string();
    let report = |problems: &[Problem], pins: usize, unchecked: Vec<String>| {
        print_report(&args, &lock_name, problems, pins, unchecked)
    };
    let lock = match resolve::parse_any_lock(&lock_path, &text) {
        Ok(l) => l,
        Err(e) => {
            let problem = Problem {
                kind: "unreadable",
                package: None,
                locked: None,
                expected: None,
                message: format!(
                    "{lock_name}:{}: the lock cannot be read: {}",
                    e.line, e.message
                ),
                file: lock_name.clone(),
                line: Some(e.line),
            };
            return Ok(report(&[problem], 0, Vec::new()));
        }
    };

    let lock_dir = lock_path.parent().unwrap_or(Path::new("")).to_path_buf();
    let header = lock.command.as_deref().and_then(header_args);
    let (inputs_paths, target, input_args) = match &header {
        Some(h) => {
            let paths = match &args.input {
                Some(i) => vec![i.clone()],
                None => h.inputs.iter().map(|p| locate(p, &lock_dir)).collect(),
            };
            let mut input_args = if input_args_given(&args.input_args) {
                args.input_args.clone()
            } else {
                h.input.clone()
            };
            input_args.overrides = input_args
                .overrides
                .iter()
                .map(|p| locate(p, &lock_dir))
                .collect();
            (paths, merge_target(&h.target, &args.target, &lock_dir), input_args)
        }
        None => match &args.input {
            Some(i) => (vec![i.clone()], args.target.clone(), args.input_args.clone()),
            None => {
                return Err(Failure::input(format!(
                    "error: the header of `{lock_name}` does not say how it was made; pass the input it was made from (`lockit verify requirements.in --lock {lock_name}`)"
                )))
            }
        },
    };
    let inputs = resolve::read_inputs(&inputs_paths, &target.constraints, &input_args)?;
    let (mut options, client_options) = resolve::prepare(&inputs, &target)?;

    let mut problems = no_hash_problems(&lock, &lock_name);
    let engine = Engine::start(client_options, &mut options, &inputs.roots, false)?;
    let outcome = if target.offline {
        offline_check(&engine, &lock, &inputs, &options, &lock_name, &text)
    } else {
        online_check(&engine, &lock, &inputs, &mut options, &lock_name, &text)
            .map(|p| (p, Vec::new()))
    };
    engine.shutdown();
    let (found, unchecked) = outcome?;
    problems.extend(found);
    Ok(report(&problems, lock.pins.len(), unchecked))
}

fn no_hash_problems(lock: &ParsedLock, lock_name: &str) -> Vec<Problem> {
    lock.pins
        .iter()
        .filter(|p| p.hashes.is_empty())
        .map(|p| Problem {
            kind: "no-hashes",
            package: Some(p.name.to_string()),
            locked: p.version.as_ref().map(ToString::to_string),
            expected: None,
            message: format!("{lock_name}:{}: `{}` has no hashes", p.line, p.name),
            file: lock_name.to_string(),
            line: Some(p.line),
        })
        .collect()
}

fn print_report(
    args: &VerifyArgs,
    lock_name: &str,
    problems: &[Problem],
    pins: usize,
    unchecked: Vec<String>,
) -> Exit {
    let current = problems.is_empty();
    if args.format == ReportFormat::Json {
        let report = Report {
            lock: lock_name.to_string(),
            current,
            pins,
            unchecked: unchecked.clone(),
            problems,
        };
        if let Ok(json) = serde_json::to_string_pretty(&report) {
            println!("{json}");
        }
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        for p in problems {
            let mut props = format!("file={}", escape_property(&p.file));
            if let Some(line) = p.line {
                props.push_str(&format!(",line={line}"));
            }
            println!("::error {props}::{}", escape_data(&p.headline()));
        }
    }
    if args.format == ReportFormat::Text {
        if current {
            if !args.target.quiet {
                eprintln!("`{lock_name}` is current ({pins} pins)");
            }
        } else {
            eprintln!("error: `{lock_name}` is not current:");
            for p in problems {
                eprintln!("  {}", p.headline());
            }
            eprintln!("hint: run the `lockit resolve` command in its header to update it");
        }
        if !unchecked.is_empty() && !args.target.quiet {
            eprintln!(
                "warning: not checked offline (not in the cache): {}",
                unchecked.join(", ")
            );
        }
    }
    if current {
        Exit::Ok
    } else {
        Exit::NoSolution
    }
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// True when `req` says nothing about versions or admits `v`.
fn admits(req: &Requirement, v: &Version) -> bool {
    match &req.version_or_url {
        Some(VersionOrUrl::VersionSpecifier(s)) => s.contains(v),
        _ => true,
    }
}

fn active(req: &Requirement, options: &ResolveOptions) -> bool {
    req.marker.evaluate(&options.target.markers, &[])
}

fn files_of<'a>(project: &'a ProjectFiles, version: &Version) -> Vec<&'a DistFile> {
    project.files_of(version).iter().collect()
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
fn hash_problems(
    pin: &Pin,
    index_files: &[&DistFile],
    lock_name: &str,
    text: &str,
) -> Vec<Problem> {
    let version = pin.version.as_ref().map(ToString::to_string);
    let problem = |message: String, line: usize| Problem {
        kind: "hash",
        package: Some(pin.name.to_string()),
        locked: version.clone(),
        expected: None,
        message,
        file: lock_name.to_string(),
        line: Some(line),
    };
    let index: Vec<(String, String)> = index_files
        .iter()
        .filter_map(|f| {
            Some((
                resolve::file_name(&f.url),
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
        let v = version.clone().unwrap_or_default();
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

/// A pin whose hashes all belong to another version: someone edited the version.
fn edited_pin(pin: &Pin, engine: &Engine, lock_name: &str) -> Option<Problem> {
    let version = pin.version.as_ref()?;
    let project = engine.index.project(&pin.name).ok()?;
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
        [other] if other != version => Some(Problem {
            kind: "hash",
            package: Some(pin.name.to_string()),
            locked: Some(version.to_string()),
            expected: None,
            message: format!(
                "`{}=={version}` ({lock_name}:{}) has the hashes of {} {other}; was the pin edited?",
                pin.name, pin.line, pin.name
            ),
            file: lock_name.to_string(),
            line: Some(pin.line),
        }),
        _ => None,
    }
}

fn roots_named<'a>(
    inputs: &'a Inputs,
    name: &'a PackageName,
    options: &'a ResolveOptions,
) -> impl Iterator<Item = &'a SourcedRequirement> {
    inputs
        .root_sources
        .iter()
        .filter(move |r| &r.requirement.name == name && active(&r.requirement, options))
}

/// What an online check compares against.
struct Fresh<'a> {
    engine: &'a Engine,
    inputs: &'a Inputs,
    options: &'a ResolveOptions,
    resolution: &'a Resolution,
    lock_name: &'a str,
}

/// Why `name` moved off its pin `from`, and where to look.
fn why_changed(
    name: &PackageName,
    from: &Version,
    pin: &Pin,
    ctx: &Fresh<'_>,
) -> (String, String, Option<usize>) {
    let Fresh {
        engine,
        inputs,
        options,
        resolution: fresh,
        lock_name,
    } = *ctx;
    for r in roots_named(inputs, name, options) {
        if !admits(&r.requirement, from) {
            return (
                format!("{}: `{}` no longer admits {from}", r.location(), r.text),
                r.file.display().to_string(),
                Some(r.line),
            );
        }
    }
    for c in &inputs.constraint_sources {
        if &c.requirement.name == name
            && active(&c.requirement, options)
            && !admits(&c.requirement, from)
        {
            return (
                format!(
                    "the constraint on `{name}` ({}: `{}`) no longer admits {from}",
                    c.location(),
                    c.text
                ),
                c.file.display().to_string(),
                Some(c.line),
            );
        }
    }
    let at_lock = |m: String| (m, lock_name.to_string(), Some(pin.line));
    if let Some(p) = fresh.get(name) {
        for d in &p.dependents {
            if let Dependent::Package {
                name: dep,
                version,
                requirement,
            } = d
            {
                if !admits(requirement, from) {
                    return at_lock(format!(
                        "`{dep}` {version} requires `{requirement}`, which excludes {from}"
                    ));
                }
            }
        }
    }
    if let Ok(project) = engine.index.project(name) {
        let files = files_of(&project, from);
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

fn online_check(
    engine: &Engine,
    lock: &ParsedLock,
    inputs: &Inputs,
    options: &mut ResolveOptions,
    lock_name: &str,
    text: &str,
) -> Result<Vec<Problem>, Failure> {
    let pins: BTreeMap<&PackageName, &Pin> = lock.pins.iter().map(|p| (&p.name, p)).collect();
    options.preferences = resolve::lock_pins(lock).into_iter().collect();
    let fresh = match lockit_resolver::resolve(
        &engine.index,
        &inputs.roots,
        &inputs.constraints,
        options,
    ) {
        Ok(r) => r,
        Err(ResolveError::NoSolution(report)) => {
            return Ok(vec![Problem {
                kind: "no-solution",
                package: None,
                locked: None,
                expected: None,
                message: format!("the inputs no longer resolve: {report}"),
                file: inputs
                    .root_sources
                    .first()
                    .map_or_else(|| lock_name.to_string(), |r| r.file.display().to_string()),
                line: None,
            }])
        }
        Err(ResolveError::Index(e)) => {
            return Err(Failure::new(Exit::Network, format!("error: {e}")))
        }
    };
    let mut problems = Vec::new();
    for p in &fresh.packages {
        let Some(pin) = pins.get(&p.name) else {
            let (message, file, line) = match roots_named(inputs, &p.name, options).next() {
                Some(r) => (
                    format!("{} adds `{}`", r.location(), p.name),
                    r.file.display().to_string(),
                    Some(r.line),
                ),
                None => {
                    let by: Vec<String> = p
                        .dependents
                        .iter()
                        .filter_map(|d| match d {
                            Dependent::Package { name, version, .. } => {
                                Some(format!("`{name}` {version}"))
                            }
                            Dependent::Root { .. } => None,
                        })
                        .collect();
                    (
                        format!("required by {}", by.join(", ")),
                        lock_name.to_string(),
                        None,
                    )
                }
            };
            problems.push(Problem {
                kind: "added",
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
            continue;
        }
        match &pin.version {
            Some(v) if *v != p.version => {
                let ctx = Fresh {
                    engine,
                    inputs,
                    options,
                    resolution: &fresh,
                    lock_name,
                };
                let (message, file, line) = why_changed(&p.name, v, pin, &ctx);
                problems.push(Problem {
                    kind: "changed",
                    package: Some(p.name.to_string()),
                    locked: Some(v.to_string()),
                    expected: Some(p.version.to_string()),
                    message,
                    file,
                    line,
                });
            }
            _ => match edited_pin(pin, engine, lock_name) {
                Some(problem) => problems.push(problem),
                None => problems.extend(hash_problems(
                    pin,
                    &p.files.iter().collect::<Vec<_>>(),
                    lock_name,
                    text,
                )),
            },
        }
    }
    for pin in &lock.pins {
        if fresh.get(&pin.name).is_some() {
            continue;
        }
        let from_input: Vec<&String> = pin.via.iter().filter(|v| v.starts_with("-r ")).collect();
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
        problems.push(Problem {
            kind: "removed",
            package: Some(pin.name.to_string()),
            locked: pin.version.as_ref().map(ToString::to_string),
            expected: None,
            message,
            file: lock_name.to_string(),
            line: Some(pin.line),
        });
    }
    Ok(problems)
}

/// `--offline`: inputs satisfied by pins, pins closed under (cached) dependencies, hashes
/// matching cached listings. Returns the problems and how many pins could not be checked.
fn offline_check(
    engine: &Engine,
    lock: &ParsedLock,
    inputs: &Inputs,
    options: &ResolveOptions,
    lock_name: &str,
    text: &str,
) -> Result<(Vec<Problem>, Vec<String>), Failure> {
    let pins: BTreeMap<&PackageName, &Pin> = lock.pins.iter().map(|p| (&p.name, p)).collect();
    let mut problems = Vec::new();
    let mut wanted: Vec<(PackageName, Vec<ExtraName>)> = Vec::new();
    let unsatisfied = |req: &Requirement,
                       pin: Option<&&Pin>,
                       whose: String,
                       file: String,
                       line: Option<usize>| {
        let (kind, message) = match pin {
            None => ("missing-dependency", format!("{whose} requires `{req}`, which the lock does not pin")),
            Some(p) => match &p.version {
                Some(v) if !admits(req, v) => (
                    "unsatisfied",
                    format!("{whose} requires `{req}`, which the pin {v} ({lock_name}:{}) does not satisfy", p.line),
                ),
                _ => return None,
            },
        };
        Some(Problem {
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
    for r in &inputs.root_sources {
        if !active(&r.requirement, options) {
            continue;
        }
        let pin = pins.get(&r.requirement.name);
        let problem = match pin {
            None => Some(Problem {
                kind: "added",
                package: Some(r.requirement.name.to_string()),
                locked: None,
                expected: None,
                message: format!("{} adds `{}`", r.location(), r.requirement.name),
                file: r.file.display().to_string(),
                line: Some(r.line),
            }),
            Some(_) => unsatisfied(
                &r.requirement,
                pin,
                r.location(),
                r.file.display().to_string(),
                Some(r.line),
            ),
        };
        problems.extend(problem);
        wanted.push((r.requirement.name.clone(), r.requirement.extras.clone()));
    }
    for c in &inputs.constraint_sources {
        if let (true, Some(p)) = (
            active(&c.requirement, options),
            pins.get(&c.requirement.name),
        ) {
            if let Some(v) = &p.version {
                if !admits(&c.requirement, v) {
                    problems.push(Problem {
                        kind: "unsatisfied",
                        package: Some(c.requirement.name.to_string()),
                        locked: Some(v.to_string()),
                        expected: None,
                        message: format!(
                            "the constraint on `{}` ({}: `{}`) does not admit {v}",
                            c.requirement.name,
                            c.location(),
                            c.text
                        ),
                        file: c.file.display().to_string(),
                        line: Some(c.line),
                    });
                }
            }
        }
    }
    // Walk the dependency graph from the inputs through cached metadata.
    let mut extras_seen: HashMap<PackageName, BTreeSet<ExtraName>> = HashMap::new();
    let mut reached: BTreeSet<PackageName> = BTreeSet::new();
    let mut unchecked: BTreeSet<PackageName> = BTreeSet::new();
    while let Some((name, extras)) = wanted.pop() {
        let seen = extras_seen.entry(name.clone()).or_default();
        let new_extras: Vec<ExtraName> = extras
            .into_iter()
            .filter(|e| seen.insert(e.clone()))
            .collect();
        if !reached.insert(name.clone()) && new_extras.is_empty() {
            continue;
        }
        let Some(pin) = pins.get(&name) else { continue };
        let Some(version) = &pin.version else {
            continue;
        };
        let project = match engine.index.project(&name) {
            Ok(p) => p,
            Err(_) => {
                unchecked.insert(name.clone());
                continue;
            }
        };
        let files = files_of(&project, version);
        if !files.is_empty() {
            problems.extend(hash_problems(pin, &files, lock_name, text));
        }
        // The files in the order the resolver reads metadata from, so the cache has it.
        let map = lockit_resolver::VersionMap::new(&project, options);
        let owned: Vec<DistFile> = match map.get(version).map(|e| &e.usable) {
            Some(Ok(usable)) => usable.to_vec(),
            _ => files.into_iter().cloned().collect(),
        };
        let Ok(meta) = engine.index.metadata(&name, version, &owned) else {
            unchecked.insert(name.clone());
            continue;
        };
        let all_extras: Vec<ExtraName> = extras_seen
            .get(&name)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        for dep in &meta.requires_dist {
            if !dep.marker.evaluate(&options.target.markers, &all_extras) {
                continue;
            }
            let replaced: Vec<&Requirement> = match options.overrides.get(&dep.name) {
                Some(list) => list.iter().filter(|o| active(o, options)).collect(),
                None => vec![dep],
            };
            for dep in replaced {
                let whose = format!("`{name}` {version} ({lock_name}:{})", pin.line);
                problems.extend(unsatisfied(
                    dep,
                    pins.get(&dep.name),
                    whose,
                    lock_name.to_string(),
                    Some(pin.line),
                ));
                wanted.push((dep.name.clone(), dep.extras.clone()));
            }
        }
    }
    if unchecked.is_empty() {
        for pin in &lock.pins {
            if !reached.contains(&pin.name) {
                problems.push(Problem {
                    kind: "extraneous",
                    package: Some(pin.name.to_string()),
                    locked: pin.version.as_ref().map(ToString::to_string),
                    expected: None,
                    message: format!("nothing requires `{}` ({lock_name}:{})", pin.name, pin.line),
                    file: lock_name.to_string(),
                    line: Some(pin.line),
                });
            }
        }
    }
    problems.dedup_by(|a, b| a.message == b.message);
    Ok((
        problems,
        unchecked.iter().map(ToString::to_string).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_header_commands_like_a_shell() {
        let words =
            shell_words("lockit resolve 'a b.in' -c \"c d.txt\" x\\ y --exclude-newer 'it'\\''s'")
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
        assert_eq!(shell_words("lockit 'open"), None);
    }

    #[test]
    fn reads_resolve_arguments_from_a_header() {
        let args =
            header_args("lockit resolve req.in --python-version 3.12 --extra cli -o out.txt")
                .expect("a resolve command");
        assert_eq!(args.inputs, [PathBuf::from("req.in")]);
        assert_eq!(args.target.python_version.as_deref(), Some("3.12"));
        assert_eq!(args.input.extra, ["cli"]);
        assert!(header_args("pip-compile requirements.in").is_none());
    }
}
