//! A run's session with the index: the async runtime and the index client, seen by the
//! resolver through [`ClientIndex`], with the build frontend the client calls for sdists
//! whose metadata is dynamic.

use std::path::Path;
use std::sync::Arc;

use lockit_build_frontend::{BuildFrontend, FrontendOptions};
use lockit_index_client::{ClientIndex, ClientOptions, IndexClient};
use lockit_resolver::{ResolveOptions, SourcedRequirement};

use crate::exit_code::{Exit, Failure};
use crate::progress::Progress;

/// The async runtime and index one run resolves against.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    /// The index, through the resolver's trait.
    pub index: ClientIndex,
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
        options.direct = crate::direct::direct_files(roots, &client, runtime.handle())?;
        let index = ClientIndex::new(client, runtime.handle().clone())
            .with_observer(Arc::new(Progress::new(progress)));
        Ok(Session {
            runtime,
            index,
            frontend,
        })
    }

    /// Prints what was built since the last call (cache hits are not builds) and, on one
    /// screen each, the builds that failed: building runs code from the index, so a run
    /// says so.
    pub fn report_builds(&self, quiet: bool) {
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
