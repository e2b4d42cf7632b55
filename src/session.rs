//! A run's session with the index: the async runtime and the index client, seen by the
//! resolver through [`ClientIndex`], the files direct references name, and the build
//! frontend the client calls for sdists whose metadata is dynamic.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;

use lockit_build_frontend::{BuildFrontend, FrontendOptions};
use lockit_index_client::LocalProjectError;
use lockit_index_client::{ClientIndex, ClientOptions, DirectFileError, IndexClient};
use lockit_lockfile::Inputs;
use lockit_resolver::{ResolveOptions, SourcedRequirement};
use lockit_types::{DistFile, LocalProject, PackageName};
use pep508_rs::VersionOrUrl;
use tokio::runtime::Handle;

use crate::cli::CommonArgs;
use crate::exit_code::{Exit, Failure};
use lockit_console::Progress;

/// The async runtime and index one run resolves against.
pub struct Session {
    /// The index, through the resolver's trait.
    pub index: ClientIndex,
    progress: Arc<Progress>,
    frontend: Arc<BuildFrontend>,
    /// The editable local projects, by name, with the path as written (`./app`): the lock
    /// repeats it as `-e ./app`.
    pub editables: HashMap<PackageName, String>,
    /// Packages named by URL or path: their one candidate is that file, so a failed build
    /// is not followed by advice about other releases.
    direct: HashSet<PackageName>,
}

impl Session {
    /// Starts the runtime and client, builds the metadata of the inputs' local projects
    /// (adding them to `inputs.requirements` as `name @ file:///dir`), and fills
    /// `options.direct` from the inputs' URLs. Builds run with `--python`, else a
    /// `python3.X` of the target's version, at most `-j` at once.
    pub fn start(
        mut client_options: ClientOptions,
        options: &mut ResolveOptions,
        inputs: &mut Inputs,
        progress: bool,
        args: &CommonArgs,
    ) -> Result<Self, Failure> {
        // Leaked, never shut down: background work (a prefetch, a speculative build
        // resolving its build requirements) may still be using it when the run ends, and a
        // runtime shut down under such a thread makes it panic ("A Tokio 1.x context was
        // found, but it is being shutdown") onto the user's terminal. The process exits
        // right after a run, which stops that work.
        let runtime: &'static tokio::runtime::Runtime = Box::leak(Box::new(
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| {
                    Failure::new(
                        Exit::Network,
                        format!("cannot start the async runtime: {e}"),
                    )
                })?,
        ));
        let defaults = FrontendOptions::default();
        let frontend = Arc::new(BuildFrontend::new(FrontendOptions {
            python: args.target.python.clone(),
            python_version: Some(options.environment.python_minor()),
            cache_dir: client_options.cache_dir.clone(),
            concurrent_builds: args
                .resolver
                .concurrent_builds
                .map_or(defaults.concurrent_builds, usize::from),
            ..defaults
        }));
        client_options.builder = Some(frontend.clone());
        let client = IndexClient::new(client_options)
            .map_err(|e| Failure::new(Exit::Network, e.to_string()))?;
        let mut editables = HashMap::new();
        let local = local_projects(&inputs.local_projects, &client, &frontend, runtime.handle())?;
        let mut local_files = HashMap::new();
        for (project, requirements, file) in local {
            if let Some(file) = file {
                let name = file.filename.name().clone();
                if project.editable {
                    editables.insert(name.clone(), project.written.clone());
                }
                local_files.insert(name, file);
            }
            inputs.requirements.extend(requirements);
        }
        options.direct = direct_files(
            &inputs.requirements,
            &local_files,
            &client,
            &frontend,
            runtime.handle(),
        )?;
        let progress = Arc::new(Progress::new(progress));
        let index =
            ClientIndex::new(client, runtime.handle().clone()).with_observer(progress.clone());
        Ok(Session {
            index,
            progress,
            frontend,
            editables,
            direct: options.direct.keys().cloned().collect(),
        })
    }

    /// Clears the progress line for good: call before writing anything else.
    pub fn finish_progress(&self) {
        self.progress.finish();
    }

    /// Clears the progress line, then prints what was built since the last call (cache
    /// hits are not builds) and, on one screen each, the builds that failed: building runs
    /// code from the index, so a run says so.
    pub fn report_builds(&self, quiet: bool) {
        self.finish_progress();
        report_builds(&self.frontend, quiet, &self.direct);
    }

    /// Ends the run without waiting for background work, which the process exit stops
    /// (the runtime is never shut down; see [`Session::start`]).
    pub fn shutdown(self) {
        drop(self.index);
    }
}

/// Prints what `frontend` built since the last call and, on one screen each, the builds
/// that failed.
fn report_builds(frontend: &BuildFrontend, quiet: bool, direct: &HashSet<PackageName>) {
    let report = frontend.take_report();
    if quiet {
        return;
    }
    for what in &report.built {
        eprintln!("Built metadata for {what}");
    }
    // One screen per project: its first failure in full, the other releases named.
    let mut shown: Vec<(&str, Vec<&str>)> = Vec::new();
    for failure in &report.failed {
        let (name, version) = failure.package();
        if let Some((_, more)) = shown.iter_mut().find(|(n, _)| *n == name) {
            more.push(version);
            continue;
        }
        shown.push((name, Vec::new()));
        let named_by_url = PackageName::from_str(name).is_ok_and(|n| direct.contains(&n));
        if version == lockit_build_frontend::LOCAL_PROJECT || named_by_url {
            // A local project, or a file the input names: it has no other release to fall
            // back on, and the error that follows names its line.
            eprintln!("{failure}");
        } else {
            eprintln!(
                "warning: {failure}\n  skip building it with `--no-build-package {name}`, or constrain `{name}` to a release with a wheel"
            );
        }
    }
    for (name, more) in shown.iter().filter(|(_, more)| !more.is_empty()) {
        eprintln!(
            "warning: {} more release{} of `{name}` could not be built: {}",
            more.len(),
            if more.len() == 1 { "" } else { "s" },
            more.join(", ")
        );
    }
}

/// The failure for a local project named at `at` whose metadata could not be had, after
/// the build's own output (which says why; the error names the line): exit 1 when
/// `--no-build` forbade the build, as for an sdist, else 2.
fn local_failure(frontend: &BuildFrontend, at: &str, e: LocalProjectError) -> Failure {
    report_builds(frontend, false, &HashSet::new());
    let code = match e {
        LocalProjectError::BuildDisabled { .. } => Exit::NoSolution,
        _ => Exit::BadInput,
    };
    Failure::new(code, format!("{at}: {e}"))
}

/// A local project, built: the requirements it adds to the inputs, and its candidate file
/// (none for the inputs' own project, whose dependencies are locked in its place).
type BuiltProject = (LocalProject, Vec<SourcedRequirement>, Option<DistFile>);

/// Each local project's requirement (`name[extras] @ file:///dir`, at its line) and
/// candidate file, its metadata built (and remembered by `client`); for a pyproject.toml
/// input whose dependencies are dynamic, its `Requires-Dist` with the selected extras.
fn local_projects(
    projects: &[LocalProject],
    client: &IndexClient,
    frontend: &BuildFrontend,
    runtime: &Handle,
) -> Result<Vec<BuiltProject>, Failure> {
    let mut out = Vec::new();
    for project in projects {
        let at = &project.origin;
        let built = runtime.block_on(client.local_project(&project.path, project.editable, None));
        let (file, meta) = built.map_err(|e| local_failure(frontend, &at.to_string(), e))?;
        if project.dependencies_only {
            let requirements = meta
                .requires_dist
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    r.marker = r.marker.simplify_extras(&project.extras);
                    SourcedRequirement::new(r, at.clone())
                })
                .collect();
            out.push((project.clone(), requirements, None));
            continue;
        }
        let extras = if project.extras.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = project.extras.iter().map(ToString::to_string).collect();
            format!("[{}]", names.join(","))
        };
        let text = format!("{}{extras} @ {}", meta.name, file.url);
        let requirement = lockit_types::parse_requirement(&text).map_err(|e| {
            Failure::input(format!(
                "{at}: the local project `{}` gives the requirement `{text}`, which is invalid: {}",
                project.written, e.message
            ))
        })?;
        let mut sourced = SourcedRequirement::new(requirement, at.clone());
        sourced.text = Some(project.text.clone());
        out.push((project.clone(), vec![sourced], Some(file)));
    }
    Ok(out)
}

/// The file each URL requirement names, hashed by reading it (and checked against its
/// `#sha256=` fragment), so the lock can pin it with `--hash` like any other.
fn direct_files(
    roots: &[SourcedRequirement],
    local: &HashMap<PackageName, DistFile>,
    client: &IndexClient,
    frontend: &BuildFrontend,
    runtime: &Handle,
) -> Result<HashMap<PackageName, DistFile>, Failure> {
    let mut files: HashMap<PackageName, DistFile> = HashMap::new();
    for root in roots {
        let Some(VersionOrUrl::Url(url)) = &root.requirement.version_or_url else {
            continue;
        };
        let (at, name) = (root.location(), &root.requirement.name);
        let url = url.to_url();
        let folder = (url.scheme() == "file")
            .then(|| url.to_file_path().ok())
            .flatten()
            .filter(|p| p.is_dir());
        let file = if let Some(file) = local.get(name).filter(|f| f.url == url.as_str()) {
            file.clone()
        } else if let Some(dir) = folder {
            // `name @ file:///dir`: a local project the requirement names.
            runtime
                .block_on(client.local_project(&dir, false, Some(name)))
                .map_err(|e| local_failure(frontend, &at, e))?
                .0
        } else {
            runtime
                .block_on(client.direct_file(name, &url))
                .map_err(|e| {
                    let code = match e {
                        DirectFileError::NotADistribution { .. } => Exit::BadInput,
                        DirectFileError::HashMismatch { .. } => Exit::NoSolution,
                        DirectFileError::Fetch(_) => Exit::Network,
                    };
                    Failure::new(code, format!("{at}: {e}"))
                })?
        };
        if let Some(other) = files.get(name).filter(|o| o.url != file.url) {
            return Err(Failure::input(format!(
                "{at}: `{name}` is requested from two URLs: {} and {}",
                other.url, file.url
            )));
        }
        files.insert(name.clone(), file);
    }
    Ok(files)
}
