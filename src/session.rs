//! A run's session with the index: the async runtime, the index client, and the bridge
//! that lets the synchronous resolver read from it.

use std::sync::Arc;

use lockit_index_client::{ClientOptions, IndexClient, IndexError};
use lockit_resolver::{
    CandidateHint, Crawl, FetchError, Index, ResolveOptions, SourcedRequirement,
};
use lockit_types::{CoreMetadata, DistFile, PackageName, ProjectFiles, Version};
use tokio::runtime::Handle;

use crate::exit_code::{Exit, Failure};
use crate::progress::Progress;

/// The index client seen through the resolver's `Index` trait. The resolver runs on a
/// plain thread and blocks on the client's futures; prefetches run on the runtime.
pub struct ClientIndex {
    client: IndexClient,
    runtime: Handle,
    progress: Progress,
}

impl ClientIndex {
    /// Wraps `client`, whose futures run on `runtime`.
    pub fn new(client: IndexClient, runtime: Handle) -> Self {
        ClientIndex {
            client,
            runtime,
            progress: Progress::new(false),
        }
    }

    /// Shows a progress line on stderr while resolving (only on a terminal).
    pub fn with_progress(mut self, wanted: bool) -> Self {
        self.progress = Progress::new(wanted);
        self
    }
}

fn fetch_error(e: IndexError) -> FetchError {
    if e.is_unavailable() {
        FetchError::Unavailable(e.to_string())
    } else {
        FetchError::Fatal(Box::new(e))
    }
}

impl Index for ClientIndex {
    fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        self.progress.project();
        self.runtime
            .block_on(self.client.project(name))
            .map_err(fetch_error)
    }

    fn metadata(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        self.progress.metadata();
        self.runtime
            .block_on(self.client.metadata(name, version, files))
            .map_err(fetch_error)
    }

    fn prefetch_deep(&self, name: &PackageName, hint: CandidateHint, then: Crawl) {
        crawl(
            self.client.clone(),
            self.runtime.clone(),
            name.clone(),
            hint,
            then,
        );
    }

    fn prefetch(&self, name: &PackageName, hint: CandidateHint) {
        let client = self.client.clone();
        let name = name.clone();
        self.runtime.spawn(async move {
            // Failures surface again when the resolver asks for real.
            if let Ok(project) = client.project(&name).await {
                if let Some((version, files)) = hint(&project) {
                    let files = files.to_vec();
                    // A guess that is already on disk is cheap to read if the solver asks.
                    if !client.metadata_on_disk(&files) {
                        let _ = client.metadata(&name, &version, &files).await;
                    }
                }
            }
        });
    }
}

/// Prefetches `name` and its likely version's metadata, then each dependency `then` names,
/// each in its own task: the graph is fetched as wide as it goes while the solver works.
fn crawl(
    client: IndexClient,
    runtime: Handle,
    name: PackageName,
    hint: CandidateHint,
    then: Crawl,
) {
    let handle = runtime.clone();
    handle.spawn(async move {
        // Failures surface again when the resolver asks for real.
        let Ok(project) = client.project(&name).await else {
            return;
        };
        let Some((version, files)) = hint(&project) else {
            return;
        };
        let Ok(meta) = client.metadata(&name, &version, &files.to_vec()).await else {
            return;
        };
        for (child, hint, then) in (then.0)(&meta) {
            crawl(client.clone(), runtime.clone(), child, hint, then);
        }
    });
}

/// The async runtime and index one run resolves against.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    /// The index, through the resolver's trait.
    pub index: ClientIndex,
}

impl Session {
    /// Starts the runtime and client, and fills `options.direct` from the inputs' URLs.
    pub fn start(
        client_options: ClientOptions,
        options: &mut ResolveOptions,
        roots: &[SourcedRequirement],
        progress: bool,
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
        let offline = client_options.offline;
        let client = IndexClient::new(client_options)
            .map_err(|e| Failure::new(Exit::Network, e.to_string()))?;
        options.direct = crate::direct::direct_files(roots, &client, runtime.handle(), offline)?;
        let index = ClientIndex::new(client, runtime.handle().clone()).with_progress(progress);
        Ok(Session { runtime, index })
    }

    /// Stops background work without waiting for it.
    pub fn shutdown(self) {
        drop(self.index);
        self.runtime.shutdown_background();
    }
}
