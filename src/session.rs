//! A run's session with the index: the async runtime and the index client, seen by the
//! resolver through [`ClientIndex`], the files direct references name, and the build
//! frontend the client calls for sdists whose metadata is dynamic.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use lockit_build_frontend::{BuildFrontend, FrontendOptions};
use lockit_index_client::{ClientIndex, ClientOptions, DirectFileError, IndexClient};
use lockit_resolver::{ResolveOptions, SourcedRequirement};
use lockit_types::{DistFile, PackageName};
use pep508_rs::VersionOrUrl;
use tokio::runtime::Handle;

use crate::exit_code::{Exit, Failure};
use lockit_console::Progress;

/// The async runtime and index one run resolves against.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    /// The index, through the resolver's trait.
    pub index: ClientIndex,
    progress: Arc<Progress>,
    frontend: Arc<BuildFrontend>,
}

impl Session {
    /// Starts the runtime and client, and fills `options.direct` from the inputs' URLs.
    /// Builds run with `python` (`--python`), else a `python3.X` of the target's version.
    pub fn start(
        mut client_options: ClientOptions,
        options: &mut ResolveOptions,
        roots: &[SourcedRequirement],
        progress: bool,
        python: Option<&Path>,
    ) -> Result<Self, Failure> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Failure::new(
                    Exit::Network,
                    format!("cannot start the async runtime: {e}"),
                )
            })?;
        let frontend = Arc::new(BuildFrontend::new(FrontendOptions {
            python: python.map(Path::to_path_buf),
            python_version: Some(options.target.python_minor()),
            cache_dir: client_options.cache_dir.clone(),
            ..FrontendOptions::default()
        }));
        client_options.builder = Some(frontend.clone());
        let client = IndexClient::new(client_options)
            .map_err(|e| Failure::new(Exit::Network, e.to_string()))?;
        options.direct = direct_files(roots, &client, runtime.handle())?;
        let progress = Arc::new(Progress::new(progress));
        let index =
            ClientIndex::new(client, runtime.handle().clone()).with_observer(progress.clone());
        Ok(Session {
            runtime,
            index,
            progress,
            frontend,
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
        let report = self.frontend.take_report();
        if quiet {
            return;
        }
        for (name, version) in &report.built {
            eprintln!("Built metadata for {name} {version} (sdist)");
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
            eprintln!(
                "warning: {failure}\n  skip building it with `--no-build-package {name}`, or constrain `{name}` to a release with a wheel"
            );
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

    /// Stops background work without waiting for it.
    pub fn shutdown(self) {
        drop(self.index);
        self.runtime.shutdown_background();
    }
}

/// The file each URL requirement names, hashed by reading it (and checked against its
/// `#sha256=` fragment), so the lock can pin it with `--hash` like any other.
fn direct_files(
    roots: &[SourcedRequirement],
    client: &IndexClient,
    runtime: &Handle,
) -> Result<HashMap<PackageName, DistFile>, Failure> {
    let mut files: HashMap<PackageName, DistFile> = HashMap::new();
    for root in roots {
        let Some(VersionOrUrl::Url(url)) = &root.requirement.version_or_url else {
            continue;
        };
        let (at, name) = (root.location(), &root.requirement.name);
        let file = runtime
            .block_on(client.direct_file(name, &url.to_url()))
            .map_err(|e| {
                let code = match e {
                    DirectFileError::NotADistribution { .. } => Exit::BadInput,
                    DirectFileError::HashMismatch { .. } => Exit::NoSolution,
                    DirectFileError::Fetch(_) => Exit::Network,
                };
                Failure::new(code, format!("{at}: {e}"))
            })?;
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
