//! `lockit resolve`: requirements in, hashed lock out.

use std::io::Write;
use std::path::{Path, PathBuf};

use lockit_index_client::IndexClient;
use lockit_lockfile::{Header, Lock, LockedPackage, RequirementsFile, Via};
use lockit_resolver::{Dependent, Resolution, ResolveError, ResolveOptions, RootRequirement};

use crate::cli::ResolveArgs;
use crate::exit_code::{Exit, Failure};
use crate::index_bridge::ClientIndex;
use crate::settings;
use crate::target::resolve_target;

/// Everything read from the input files.
struct Inputs {
    roots: Vec<RootRequirement>,
    constraints: Vec<lockit_dist::Requirement>,
    files: Vec<RequirementsFile>,
}

fn read_inputs(paths: &[PathBuf], constraint_paths: &[PathBuf]) -> Result<Inputs, Failure> {
    let read = |p: &Path| RequirementsFile::read(p).map_err(|e| Failure::input(e.to_string()));
    let mut roots = Vec::new();
    let mut constraints = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let file = read(path)?;
        for r in &file.requirements {
            roots.push(RootRequirement {
                requirement: r.requirement.clone(),
                source: r.file.display().to_string(),
                line: Some(r.line),
            });
        }
        constraints.extend(file.constraints.iter().map(|c| c.requirement.clone()));
        files.push(file);
    }
    for path in constraint_paths {
        let file = read(path)?;
        constraints.extend(file.requirements.iter().map(|c| c.requirement.clone()));
        constraints.extend(file.constraints.iter().map(|c| c.requirement.clone()));
    }
    Ok(Inputs {
        roots,
        constraints,
        files,
    })
}

/// The command line recorded in the lock header: deterministic, no absolute paths added.
fn header_command() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
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

fn to_lock(resolution: &Resolution, header: Option<Header>) -> Lock {
    let packages = resolution
        .packages
        .iter()
        .map(|p| {
            let mut hashes: Vec<String> = p
                .files
                .iter()
                .filter_map(|f| f.sha256.as_ref().map(|h| format!("sha256:{h}")))
                .collect();
            hashes.sort();
            hashes.dedup();
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
                hashes,
                via,
                marker: None,
                url: None,
            }
        })
        .collect();
    Lock { header, packages }
}

/// Runs `lockit resolve`.
pub fn run(args: ResolveArgs) -> Result<Exit, Failure> {
    if args.target.universal {
        return Err(Failure::input(
            "error: --universal is not supported yet: lockit locks for one target; pass --python-version and --python-platform",
        ));
    }
    let inputs = read_inputs(&args.inputs, &args.target.constraints)?;
    let target = resolve_target(
        args.target.python_version.as_deref(),
        args.target.python_platform.as_deref(),
        args.target.quiet,
    )?;
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
        settings::client_options(&args.target, file_index, &file_extra, &file_links)?;
    let only_binary: Vec<String> = args
        .target
        .only_binary
        .iter()
        .cloned()
        .chain(inputs.files.iter().flat_map(|f| f.only_binary.clone()))
        .collect();
    let no_binary: Vec<String> = args
        .target
        .no_binary
        .iter()
        .cloned()
        .chain(inputs.files.iter().flat_map(|f| f.no_binary.clone()))
        .collect();
    let mut options = ResolveOptions::new(target);
    options.prerelease = settings::prerelease(&args.target, first.is_some_and(|f| f.pre));
    options.binary = settings::binary_policy(&only_binary, &no_binary)?;

    let output = match &args.output_file {
        Some(p) if p.as_os_str() == "-" => None,
        Some(p) => Some(p.clone()),
        None => Some(args.inputs[0].with_extension("txt")),
    };
    if let Some(out) = &output {
        if args.inputs.iter().any(|i| i == out) {
            return Err(Failure::input(format!(
                "error: the output file `{}` is also an input; pass -o with another path",
                out.display()
            )));
        }
    }

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
    let index = ClientIndex::new(client, runtime.handle().clone());
    let resolution =
        match lockit_resolver::resolve(&index, &inputs.roots, &inputs.constraints, &options) {
            Ok(r) => r,
            Err(ResolveError::NoSolution(report)) => {
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
    let lock = to_lock(&resolution, header);
    let text = lockit_lockfile::render(&lock);
    match output {
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush());
        }
        Some(path) => lockit_lockfile::write_atomic(&path, text.as_bytes()).map_err(|e| {
            Failure::input(format!("error: cannot write `{}`: {e}", path.display()))
        })?,
    }
    if !args.target.quiet {
        eprintln!("Resolved {} packages", resolution.packages.len());
    }
    drop(index);
    runtime.shutdown_background();
    Ok(Exit::Ok)
}
