//! `lockit resolve`: requirements in, hashed lock out.
//!
//! When the output already exists its pins are preferences, so a re-lock changes only what
//! must change; `--upgrade` / `-P` let packages move. The helpers here (reading inputs,
//! preparing options, converting a resolution into either lock format) are shared with
//! `lockit verify`, which must resolve exactly as `resolve` did.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lockit_types::{DistFilename, PackageName, Requirement, SdistExtension, Version};
use lockit_index_client::{ClientOptions, IndexClient};
use lockit_lockfile::{
    Header, Lock, LockParseError, LockedPackage, ParsedLock, PyProject, Pylock, PylockFile,
    PylockPackage, RequirementsFile, Selection, SourcedRequirement, Via,
};
use lockit_resolver::{Dependent, Resolution, ResolveError, ResolveOptions, RootRequirement};

use crate::cli::{InputArgs, LockFormat, ResolveArgs, TargetArgs};
use crate::exit_code::{Exit, Failure};
use crate::index_bridge::ClientIndex;
use crate::settings;
use crate::target::resolve_target;

/// Everything read from the input files.
pub(crate) struct Inputs {
    /// What the resolver starts from.
    pub roots: Vec<RootRequirement>,
    /// The same requirements with file and line, for messages.
    pub root_sources: Vec<SourcedRequirement>,
    /// Constraints (`-c`), for the resolver.
    pub constraints: Vec<Requirement>,
    /// The same constraints with file and line.
    pub constraint_sources: Vec<SourcedRequirement>,
    /// `--override` requirements by package.
    pub overrides: HashMap<PackageName, Vec<Requirement>>,
    /// The requirements files read (for their index and binary options).
    pub files: Vec<RequirementsFile>,
    /// A pyproject.toml's `requires-python` and the file that says it.
    pub requires_python: Option<(lockit_types::VersionSpecifiers, PathBuf)>,
}

/// True for inputs read as pyproject.toml rather than as requirements files.
pub(crate) fn is_pyproject(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

/// True for locks read and written as PEP 751 pylock.toml.
pub(crate) fn is_pylock(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

/// Reads the inputs, constraints and overrides a run names.
pub(crate) fn read_inputs(
    paths: &[PathBuf],
    constraint_paths: &[PathBuf],
    input: &InputArgs,
) -> Result<Inputs, Failure> {
    let read = |p: &Path| RequirementsFile::read(p).map_err(|e| Failure::input(e.to_string()));
    let mut inputs = Inputs {
        roots: Vec::new(),
        root_sources: Vec::new(),
        constraints: Vec::new(),
        constraint_sources: Vec::new(),
        overrides: HashMap::new(),
        files: Vec::new(),
        requires_python: None,
    };
    let selection = Selection {
        extras: input.extra.clone(),
        all_extras: input.all_extras,
        groups: input.group.clone(),
    };
    let selects =
        !selection.extras.is_empty() || selection.all_extras || !selection.groups.is_empty();
    if selects && !paths.iter().any(|p| is_pyproject(p)) {
        return Err(Failure::input(
            "error: --extra, --all-extras and --group select from a pyproject.toml; pass one as an input",
        ));
    }
    for path in paths {
        let requirements = if is_pyproject(path) {
            let project = PyProject::read(path).map_err(|e| Failure::input(e.to_string()))?;
            if let Some(rp) = &project.requires_python {
                inputs.requires_python = Some((rp.clone(), path.clone()));
            }
            project
                .requirements(&selection)
                .map_err(|e| Failure::input(e.to_string()))?
        } else {
            let file = read(path)?;
            let requirements = file.requirements.clone();
            inputs
                .constraint_sources
                .extend(file.constraints.iter().cloned());
            inputs.files.push(file);
            requirements
        };
        for r in requirements {
            inputs.roots.push(RootRequirement {
                requirement: r.requirement.clone(),
                source: r.file.display().to_string(),
                line: Some(r.line),
            });
            inputs.root_sources.push(r);
        }
    }
    for path in constraint_paths {
        let file = read(path)?;
        inputs
            .constraint_sources
            .extend(file.requirements.iter().cloned());
        inputs
            .constraint_sources
            .extend(file.constraints.iter().cloned());
    }
    inputs.constraints = inputs
        .constraint_sources
        .iter()
        .map(|c| c.requirement.clone())
        .collect();
    for path in &input.overrides {
        let file = read(path)?;
        for o in file.requirements.iter().chain(&file.constraints) {
            inputs
                .overrides
                .entry(o.requirement.name.clone())
                .or_default()
                .push(o.requirement.clone());
        }
    }
    Ok(inputs)
}

/// The resolver and client options a run uses.
pub(crate) fn prepare(
    inputs: &Inputs,
    target_args: &TargetArgs,
) -> Result<(ResolveOptions, ClientOptions), Failure> {
    if target_args.universal {
        return Err(Failure::input(
            "error: --universal is not supported yet: lockit locks for one target; pass --python-version and --python-platform",
        ));
    }
    let target = resolve_target(
        target_args.python_version.as_deref(),
        target_args.python_platform.as_deref(),
        target_args.quiet,
    )?;
    if let Some((rp, path)) = &inputs.requires_python {
        if !rp.contains(&target.python) {
            return Err(Failure::input(format!(
                "error: the target Python {} is outside `requires-python = \"{rp}\"` of `{}`; pass a --python-version it allows",
                target.python_minor(),
                path.display()
            )));
        }
    }
    let first = inputs.files.first();
    let file_index = inputs.files.iter().find_map(|f| f.index_url.as_deref());
    let file_extra: Vec<String> = inputs
        .files
        .iter()
        .flat_map(|f| f.extra_index_urls.clone())
        .collect();
    let file_links: Vec<String> = inputs
        .files
        .iter()
        .flat_map(|f| f.find_links.clone())
        .collect();
    let client_options =
        settings::client_options(target_args, file_index, &file_extra, &file_links)?;
    let only_binary: Vec<String> = target_args
        .only_binary
        .iter()
        .cloned()
        .chain(inputs.files.iter().flat_map(|f| f.only_binary.clone()))
        .collect();
    let no_binary: Vec<String> = target_args
        .no_binary
        .iter()
        .cloned()
        .chain(inputs.files.iter().flat_map(|f| f.no_binary.clone()))
        .collect();
    let mut options = ResolveOptions::new(target);
    options.prerelease = settings::prerelease(target_args, first.is_some_and(|f| f.pre));
    options.binary = settings::binary_policy(&only_binary, &no_binary)?;
    options.overrides = inputs.overrides.clone();
    Ok((options, client_options))
}

/// The async runtime and index one run resolves against.
pub(crate) struct Engine {
    runtime: tokio::runtime::Runtime,
    /// The index, through the resolver's trait.
    pub index: ClientIndex,
}

impl Engine {
    /// Starts the runtime and client, and fills `options.direct` from the inputs' URLs.
    pub fn start(
        client_options: ClientOptions,
        options: &mut ResolveOptions,
        roots: &[RootRequirement],
        progress: bool,
    ) -> Result<Self, Failure> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Failure::new(
                    Exit::Network,
                    format!("error: cannot start the async runtime: {e}"),
                )
            })?;
        let client = IndexClient::new(client_options)
            .map_err(|e| Failure::new(Exit::Network, format!("error: {e}")))?;
        options.direct = crate::direct::direct_files(roots, &client, runtime.handle())?;
        let index = ClientIndex::new(client, runtime.handle().clone()).with_progress(progress);
        Ok(Engine { runtime, index })
    }

    /// Stops background work without waiting for it.
    pub fn shutdown(self) {
        drop(self.index);
        self.runtime.shutdown_background();
    }
}

/// The command line recorded in the lock header: deterministic, no absolute paths added.
fn header_command() -> String {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .map(|a| redact_userinfo(&a))
        .collect();
    let quoted: Vec<String> = args
        .iter()
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "\"'$`\\".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a.clone()
            }
        })
        .collect();
    format!("lockit {}", quoted.join(" "))
}

/// `https://user:secret@host/…` -> `https://***@host/…`: a lock is shared, credentials are not.
/// Works inside `--index-url=URL` too.
fn redact_userinfo(arg: &str) -> String {
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

/// The `sha256:<hex>` hashes of a pin's files, sorted.
pub(crate) fn file_hashes(files: &[lockit_types::DistFile]) -> Vec<String> {
    let mut hashes: Vec<String> = files
        .iter()
        .filter_map(|f| f.sha256.as_ref().map(|h| format!("sha256:{h}")))
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

pub(crate) fn to_lock(resolution: &Resolution, header: Option<Header>) -> Lock {
    let packages = resolution
        .packages
        .iter()
        .map(|p| {
            let via = p
                .dependents
                .iter()
                .map(|d| match d {
                    Dependent::Root { source, .. } => Via::Input(source.clone()),
                    Dependent::Package { name, .. } => Via::Package(name.clone()),
                })
                .collect();
            LockedPackage {
                name: p.name.clone(),
                version: p.version.clone(),
                hashes: file_hashes(&p.files),
                via,
                marker: None,
                url: p.url.clone(),
            }
        })
        .collect();
    Lock { header, packages }
}

pub(crate) use lockit_types::url_file_name as file_name;

fn pylock_file(f: &lockit_types::DistFile) -> Option<PylockFile> {
    Some(PylockFile {
        name: file_name(&f.url),
        url: f.url.clone(),
        upload_time: f.upload_time.map(|t| t.to_string()),
        size: f.size,
        sha256: f.sha256.clone()?,
    })
}

/// The resolution as a PEP 751 lock: every hashed wheel, one sdist (`.tar.gz` preferred).
pub(crate) fn to_pylock(resolution: &Resolution, header: Option<Header>, python: &str) -> Pylock {
    let mut dependencies: BTreeMap<PackageName, Vec<PackageName>> = BTreeMap::new();
    for p in &resolution.packages {
        for d in &p.dependents {
            if let Dependent::Package { name, .. } = d {
                dependencies
                    .entry(name.clone())
                    .or_default()
                    .push(p.name.clone());
            }
        }
    }
    let packages = resolution
        .packages
        .iter()
        .map(|p| {
            let wheels = p
                .files
                .iter()
                .filter(|f| f.filename.is_wheel())
                .filter_map(pylock_file)
                .collect();
            let sdist_rank = |f: &&lockit_types::DistFile| match &f.filename {
                DistFilename::Sdist(s) if s.extension == SdistExtension::TarGz => Some(0),
                DistFilename::Sdist(s) if s.extension == SdistExtension::Zip => Some(1),
                _ => None,
            };
            let sdist = p
                .files
                .iter()
                .filter(|f| f.sha256.is_some())
                .filter_map(|f| sdist_rank(&f).map(|r| (r, f)))
                .min_by_key(|(r, _)| *r)
                .and_then(|(_, f)| pylock_file(f));
            PylockPackage {
                name: p.name.clone(),
                version: p.version.clone(),
                // A direct URL's file comes from no index.
                index: p
                    .files
                    .first()
                    .filter(|_| p.url.is_none())
                    .map(|f| f.index.to_string()),
                dependencies: dependencies.remove(&p.name).unwrap_or_default(),
                sdist,
                wheels,
            }
        })
        .collect();
    Pylock {
        header,
        requires_python: Some(format!(">={python}")),
        packages,
    }
}

/// Reads a lock in either format, by its file name.
pub(crate) fn parse_any_lock(path: &Path, text: &str) -> Result<ParsedLock, LockParseError> {
    if is_pylock(path) {
        lockit_lockfile::parse_pylock(text)
    } else {
        lockit_lockfile::parse_lock(text)
    }
}

/// The `name -> version` pins of a parsed lock.
pub(crate) fn lock_pins(lock: &ParsedLock) -> BTreeMap<PackageName, Version> {
    lock.pins
        .iter()
        .filter_map(|p| Some((p.name.clone(), p.version.clone()?)))
        .collect()
}

/// `-P` values: names to unpin, and requirements (`PKG==X`) to add as constraints.
fn upgrade_packages(
    values: &[String],
) -> Result<(HashSet<PackageName>, Vec<Requirement>), Failure> {
    let mut names = HashSet::new();
    let mut constraints = Vec::new();
    for value in values {
        if let Ok(name) = PackageName::from_str(value.trim()) {
            names.insert(name);
            continue;
        }
        let req = lockit_types::parse_requirement(value).map_err(|e| {
            Failure::input(format!(
                "error: invalid --upgrade-package `{value}`: {}; expected a name or a requirement like `pydantic==2.9.2`",
                e.message
            ))
        })?;
        names.insert(req.name.clone());
        constraints.push(req);
    }
    Ok((names, constraints))
}

/// Where the lock goes when `-o` is not given.
pub(crate) fn default_output(first_input: &Path, format: LockFormat) -> PathBuf {
    let dir = first_input.parent().unwrap_or(Path::new(""));
    match format {
        LockFormat::Pylock => dir.join("pylock.toml"),
        LockFormat::Requirements if is_pyproject(first_input) => dir.join("requirements.txt"),
        LockFormat::Requirements => first_input.with_extension("txt"),
    }
}

/// Runs `lockit resolve`.
pub fn run(args: ResolveArgs) -> Result<Exit, Failure> {
    let quiet = args.target.quiet;
    let mut inputs = read_inputs(&args.inputs, &args.target.constraints, &args.input)?;
    let (mut options, client_options) = prepare(&inputs, &args.target)?;

    let output = match &args.output_file {
        Some(p) if p.as_os_str() == "-" => None,
        Some(p) => Some(p.clone()),
        None => Some(default_output(&args.inputs[0], args.format)),
    };
    if let Some(out) = &output {
        if args.inputs.iter().any(|i| i == out) {
            return Err(Failure::input(format!(
                "error: the output file `{}` is also an input; pass -o with another path",
                out.display()
            )));
        }
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let pylock_name = name == "pylock.toml"
            || (name.starts_with("pylock.")
                && name.ends_with(".toml")
                && !name[7..name.len() - 5].contains('.'));
        if args.format == LockFormat::Pylock && !pylock_name && !quiet {
            eprintln!("warning: PEP 751 names lock files `pylock.toml` or `pylock.<name>.toml`; installers may refuse `{name}`");
        }
    }

    // Re-locking: the existing output's pins are kept where they still fit.
    let (unpin, upgrade_constraints) = upgrade_packages(&args.upgrade_package)?;
    inputs.constraints.extend(upgrade_constraints);
    let previous = match &output {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match parse_any_lock(path, &text) {
                Ok(lock) => Some(lock_pins(&lock)),
                Err(e) => {
                    if !quiet {
                        eprintln!(
                            "warning: not keeping the pins of `{}`, which cannot be read: {e}",
                            path.display()
                        );
                    }
                    None
                }
            },
            Err(_) => None,
        },
        None => None,
    };
    if let (Some(pins), false) = (&previous, args.upgrade) {
        options.preferences = pins
            .iter()
            .filter(|(name, _)| !unpin.contains(*name))
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
    }

    let hint_options = client_options.clone();
    let engine = Engine::start(client_options, &mut options, &inputs.roots, !quiet)?;
    let resolution =
        match lockit_resolver::resolve(&engine.index, &inputs.roots, &inputs.constraints, &options)
        {
            Ok(r) => r,
            Err(ResolveError::NoSolution(mut report)) => {
                for hint in super::explain::exclude_newer_hints(&report, &hint_options, &options) {
                    report.add_hint(hint);
                }
                return Err(Failure::new(Exit::NoSolution, format!("error: {report}")));
            }
            Err(ResolveError::Index(e)) => {
                return Err(Failure::new(Exit::Network, format!("error: {e}")));
            }
        };
    let header = (!args.no_header).then(|| Header {
        python: options.target.python_minor(),
        command: header_command(),
    });
    let text = match args.format {
        LockFormat::Requirements => lockit_lockfile::render(&to_lock(&resolution, header)),
        LockFormat::Pylock => lockit_lockfile::render_pylock(&to_pylock(
            &resolution,
            header,
            &options.target.python_minor(),
        )),
    };
    match &output {
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush());
        }
        Some(path) => lockit_lockfile::write_atomic(path, text.as_bytes()).map_err(|e| {
            Failure::input(format!("error: cannot write `{}`: {e}", path.display()))
        })?,
    }
    if !quiet {
        eprintln!("Resolved {} packages", resolution.packages.len());
        if let Some(old) = &previous {
            let new: BTreeMap<PackageName, Version> = resolution
                .packages
                .iter()
                .map(|p| (p.name.clone(), p.version.clone()))
                .collect();
            let changes = lockit_lockfile::diff_pins(old, &new);
            if changes.is_empty() {
                eprintln!("lock unchanged");
            }
            for change in changes {
                eprintln!("{change}");
            }
        }
    }
    engine.shutdown();
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::redact_userinfo;

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
            assert_eq!(redact_userinfo(arg), want, "{arg}");
        }
    }
}
