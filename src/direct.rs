//! Requirements that name a file by URL (`name @ https://…/name-1.0-py3-none-any.whl`).

use std::collections::HashMap;

use lockit_index_client::IndexClient;
use lockit_resolver::SourcedRequirement;
use lockit_types::{DistFile, DistFilename, PackageName, Yanked};
use pep508_rs::VersionOrUrl;
use tokio::runtime::Handle;

use crate::exit_code::{Exit, Failure};

/// The file each URL requirement names, hashed (from its `#sha256=` fragment, else by
/// reading it), so the lock can pin it with `--hash` like any other.
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
        let at = root.location();
        let name = &root.requirement.name;
        let mut location = url.to_url();
        let fragment = location.fragment().map(str::to_string);
        location.set_fragment(None);
        let filename = location
            .path_segments()
            .and_then(|mut s| s.next_back())
            .map(lockit_types::percent_decode)
            .unwrap_or_default();
        let parsed = DistFilename::parse(&filename, name).map_err(|e| {
            Failure::input(format!(
                "{at}: `{name} @ {location}` must point to a wheel or sdist of `{name}`: {e}"
            ))
        })?;
        let sha256 = match fragment.as_deref().and_then(|f| f.strip_prefix("sha256=")) {
            Some(h) => h.to_ascii_lowercase(),
            None => runtime
                .block_on(client.file_sha256(location.as_str()))
                .map_err(|e| Failure::new(Exit::Network, format!("{at}: {e}")))?,
        };
        let file = DistFile {
            filename: parsed,
            url: location.to_string(),
            sha256: Some(sha256),
            requires_python: None,
            yanked: Yanked::No,
            upload_time: None,
            size: None,
            core_metadata: None,
            index: "".into(),
        };
        if let Some(other) = files.get(name) {
            if other.url != file.url {
                return Err(Failure::input(format!(
                    "{at}: `{name}` is requested from two URLs: {} and {}",
                    other.url, file.url
                )));
            }
        }
        files.insert(name.clone(), file);
    }
    Ok(files)
}
