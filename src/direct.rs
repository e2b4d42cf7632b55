//! Requirements that name a file by URL (`name @ https://…/name-1.0-py3-none-any.whl`).

use std::collections::HashMap;

use lockit_index_client::{DirectFileError, IndexClient};
use lockit_resolver::SourcedRequirement;
use lockit_types::{DistFile, PackageName};
use pep508_rs::VersionOrUrl;
use tokio::runtime::Handle;

use crate::exit_code::{Exit, Failure};

/// The file each URL requirement names, hashed by reading it (and checked against its
/// `#sha256=` fragment), so the lock can pin it with `--hash` like any other.
pub fn direct_files(
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
