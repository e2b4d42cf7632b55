//! A run's session with the index: the async runtime and the index client, seen by the
//! resolver through [`ClientIndex`], the files direct references name, and the build
//! frontend the client calls for sdists whose metadata is dynamic.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use lockit_build_frontend::{BuildFrontend, FrontendOptions};
use lockit_index_client::{
    ClientIndex, ClientOptions, DirectFileError, DirectInputError, GitError, IndexClient,
    LocalProjectError,
};
use lockit_lockfile::Inputs;
use lockit_resolver::ResolveOptions;
use lockit_types::PackageName;

use lockit_console::Progress;

/// How a session failed, which the CLI maps to its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// An input cannot be used (exit 2).
    BadInput,
    /// A build was forbidden or a promised hash did not match, as when nothing resolves
    /// (exit 1).
    NoSolution,
    /// The index, the network or git failed (exit 3).
    Network,
}

/// A session that could not start: why, worded for the user, and how to stop.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SessionError {
    /// How to stop.
    pub stop: Stop,
    /// What to print.
    pub message: String,
}

impl SessionError {
    fn new(stop: Stop, message: impl Into<String>) -> Self {
        SessionError {
            stop,
            message: message.into(),
        }
    }
}

/// What the command line says about builds and progress.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    /// `--python`: the interpreter builds run with.
    pub python: Option<std::path::PathBuf>,
    /// `-j`: at most this many builds at once.
    pub concurrent_builds: Option<u16>,
    /// Show a progress line.
    pub progress: bool,
}

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
    /// `options.direct` from the inputs' URLs (a git URL at the commit `locked`, the
    /// existing lock's URL pins, names for it). Builds run with `--python`, else a
    /// `python3.X` of the target's version, at most `-j` at once.
    pub fn start(
        mut client_options: ClientOptions,
        options: &mut ResolveOptions,
        inputs: &mut Inputs,
        session: &SessionOptions,
        locked: &HashMap<PackageName, String>,
    ) -> Result<Self, SessionError> {
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
                    SessionError::new(
                        Stop::Network,
                        format!("cannot start the async runtime: {e}"),
                    )
                })?,
        ));
        let defaults = FrontendOptions::default();
        let frontend = Arc::new(BuildFrontend::new(FrontendOptions {
            python: session.python.clone(),
            python_version: Some(options.environment.python_minor()),
            cache_dir: client_options.cache_dir.clone(),
            concurrent_builds: session
                .concurrent_builds
                .map_or(defaults.concurrent_builds, usize::from),
            ..defaults
        }));
        client_options.builder = Some(frontend.clone());
        let client = IndexClient::new(client_options)
            .map_err(|e| SessionError::new(Stop::Network, e.to_string()))?;
        let handle = runtime.handle();
        let local = handle
            .block_on(client.local_projects(&inputs.local_projects))
            .map_err(|e| direct_failure(&frontend, e))?;
        inputs.requirements.extend(local.requirements);
        let named = handle
            .block_on(client.name_unnamed(&inputs.unnamed, locked))
            .map_err(|e| direct_failure(&frontend, e))?;
        inputs.requirements.extend(named);
        options.direct = handle
            .block_on(client.direct_files(&inputs.requirements, &local.files, locked))
            .map_err(|e| direct_failure(&frontend, e))?;
        let progress = Arc::new(Progress::new(session.progress));
        let index =
            ClientIndex::new(client, runtime.handle().clone()).with_observer(progress.clone());
        Ok(Session {
            index,
            progress,
            frontend,
            editables: local.editables,
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
    if !quiet {
        for line in report.lines(direct) {
            eprintln!("{line}");
        }
    }
}

/// The failure for a direct reference of the inputs, after the build's own output where
/// a local project's build failed (it says why; the error names the line): exit 1 when
/// `--no-build` forbade the build or a `#sha256=` promise failed, as for an sdist, 3 when
/// the file could not be fetched, else 2.
fn direct_failure(frontend: &BuildFrontend, e: DirectInputError) -> SessionError {
    let code = match &e {
        DirectInputError::Local { source, .. } => {
            report_builds(frontend, false, &HashSet::new());
            match source {
                LocalProjectError::BuildDisabled { .. } => Stop::NoSolution,
                _ => Stop::BadInput,
            }
        }
        DirectInputError::File { source, .. } => match source {
            DirectFileError::NotADistribution { .. } => Stop::BadInput,
            DirectFileError::HashMismatch { .. } => Stop::NoSolution,
            DirectFileError::Fetch(_) => Stop::Network,
            DirectFileError::Build { source, .. } => match **source {
                LocalProjectError::BuildDisabled { .. } => Stop::NoSolution,
                _ => Stop::BadInput,
            },
        },
        DirectInputError::Git { source, .. } => match source {
            GitError::Command { .. } | GitError::Offline { .. } => Stop::Network,
            GitError::NoSuchReference { .. } | GitError::NoSubdirectory { .. } => Stop::NoSolution,
            _ => Stop::BadInput,
        },
        DirectInputError::InvalidRequirement { .. } | DirectInputError::TwoUrls { .. } => {
            Stop::BadInput
        }
    };
    SessionError::new(code, e.to_string())
}
