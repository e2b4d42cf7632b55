//! The index client seen through the resolver's [`Index`] trait: the resolver runs on a
//! plain thread and blocks on the client's futures; prefetches and the crawl run on the
//! runtime.

use std::sync::Arc;

use lockit_resolver::{CandidateHint, Crawl, FetchError, Index};
use lockit_types::{CoreMetadata, DistFile, PackageName, ProjectFiles, Version};
use tokio::runtime::Handle;

use crate::{IndexClient, IndexError};

/// The index client as the resolver's [`Index`].
pub struct ClientIndex {
    client: IndexClient,
    runtime: Handle,
    observer: Option<Arc<dyn FetchObserver>>,
}

/// Told of every page and metadata file the resolver reads (for a progress display).
pub trait FetchObserver: Send + Sync {
    /// One more project page read.
    fn project(&self);
    /// One more version's metadata read.
    fn metadata(&self);
    /// The resolver is looking for a change to the requirements that resolves, and has
    /// tried `tried` so far. The default ignores it.
    fn searching_fix(&self, _tried: usize) {}
}

impl ClientIndex {
    /// Wraps `client`, whose futures run on `runtime`.
    pub fn new(client: IndexClient, runtime: Handle) -> Self {
        ClientIndex {
            client,
            runtime,
            observer: None,
        }
    }

    /// Tells `observer` of every read.
    pub fn with_observer(mut self, observer: Arc<dyn FetchObserver>) -> Self {
        self.observer = Some(observer);
        self
    }
}

/// The client's error as the resolver sees it: the typed reason a version cannot be used,
/// carried unchanged, or a fatal failure.
fn fetch_error(e: IndexError) -> FetchError {
    match e.unusable() {
        Some(why) => FetchError::Unavailable(why),
        None => FetchError::Fatal(Box::new(e)),
    }
}

impl Index for ClientIndex {
    fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        if let Some(o) = &self.observer {
            o.project();
        }
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
        if let Some(o) = &self.observer {
            o.metadata();
        }
        self.runtime
            .block_on(self.client.metadata(name, version, files))
            .map_err(fetch_error)
    }

    fn searching_fix(&self, tried: usize) {
        if let Some(o) = &self.observer {
            o.searching_fix(tried);
        }
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
                        let _ = client.metadata_without_build(&name, &version, &files).await;
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
        let files = files.to_vec();
        let meta = match client.metadata_without_build(&name, &version, &files).await {
            Some(Ok(meta)) => meta,
            Some(Err(_)) => return,
            // Only a build tells (and building is allowed). When the guess is the project's
            // newest release, which the solver tries first unless something rules it out,
            // start the build now so it runs while the solver works on the rest of the
            // graph (it runs once per sdist; the solver waits on it when it gets there).
            // Older guesses are left to the solver: building them would often be wasted.
            None if project.versions().max() == Some(&version) => {
                tracing::debug!("building {name} {version} early: the crawl guesses it");
                match client.metadata(&name, &version, &files).await {
                    Ok(meta) => meta,
                    Err(_) => return,
                }
            }
            None => return,
        };
        for (child, hint, then) in (then.0)(&meta) {
            crawl(client.clone(), runtime.clone(), child, hint, then);
        }
    });
}
