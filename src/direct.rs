//! Requirements that name a file by URL (`name @ https://…/name-1.0-py3-none-any.whl`).

use std::collections::HashMap;

use lockit_index_client::IndexClient;
use lockit_resolver::SourcedRequirement;
use lockit_types::{DistFile, DistFilename, PackageName, Yanked};
use pep508_rs::VersionOrUrl;
use tokio::runtime::Handle;

use crate::exit_code::{Exit, Failure};

/// The file each URL requirement names, hashed by reading it (and checked against its
/// `#sha256=` fragment), so the lock can pin it with `--hash` like any other.
pub fn direct_files(
    roots: &[SourcedRequirement],
    client: &IndexClient,
    runtime: &Handle,
    offline: bool,
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
        // The file is always hashed as downloaded: a `#sha256=` fragment is a promise to
        // check, not a hash to copy into the lock.
        let promised = fragment.as_deref().and_then(|f| f.strip_prefix("sha256="));
        let sha256 = match (
            runtime.block_on(client.file_sha256(location.as_str())),
            promised,
        ) {
            (Ok(sha256), _) => sha256,
            // Offline, a remote file cannot be read: its promise is all there is.
            (Err(_), Some(promised)) if offline => promised.to_ascii_lowercase(),
            (Err(e), _) => return Err(Failure::new(Exit::Network, format!("{at}: {e}"))),
        };
        if let Some(promised) = promised {
            if !promised.eq_ignore_ascii_case(&sha256) {
                return Err(Failure::new(
                    Exit::NoSolution,
                    format!("{at}: `{name} @ {location}` promises sha256:{} but the file has sha256:{sha256}", promised.to_ascii_lowercase()),
                ));
            }
        }
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
