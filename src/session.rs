//! A run's session with the index: the async runtime and the index client, seen by the
//! resolver through [`ClientIndex`].

use std::sync::Arc;

use lockit_index_client::{ClientIndex, ClientOptions, IndexClient};
use lockit_resolver::{ResolveOptions, SourcedRequirement};

use crate::exit_code::{Exit, Failure};
use crate::progress::Progress;

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
        let client = IndexClient::new(client_options)
            .map_err(|e| Failure::new(Exit::Network, e.to_string()))?;
        options.direct = crate::direct::direct_files(roots, &client, runtime.handle())?;
        let index = ClientIndex::new(client, runtime.handle().clone())
            .with_observer(Arc::new(Progress::new(progress)));
        Ok(Session { runtime, index })
    }

    /// Stops background work without waiting for it.
    pub fn shutdown(self) {
        drop(self.index);
        self.runtime.shutdown_background();
    }
}
