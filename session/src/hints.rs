//! Hints that need a second look at the index: what `--exclude-newer` hides.

use lockit_index_client::{ClientIndex, ClientOptions, IndexClient};
use lockit_resolver::{Explanation, NoSolution, ResolveOptions, VersionNote};
use lockit_types::PackageName;

/// When `--exclude-newer` is set and a requested range matches nothing, asks the index
/// again without the cutoff: "lib 2.0.0 matches lib>=2 but was uploaded 2025-06-01".
pub fn exclude_newer_hints(
    report: &NoSolution,
    client_options: &ClientOptions,
    options: &ResolveOptions,
) -> Vec<String> {
    let Some(cutoff) = client_options.exclude_newer else {
        return Vec::new();
    };
    let wanted: Vec<_> = report
        .unmatched_ranges()
        .iter()
        .chain(report.missing_projects())
        .cloned()
        .collect();
    let mut hints = Vec::new();
    for (name, range) in wanted {
        let hidden = unfiltered_versions(client_options, &name, options);
        let Some(note) = hidden.iter().find(|n| range.contains(&n.version)) else {
            continue;
        };
        let spec = lockit_resolver::range_text(&range)
            .map(|s| format!("{name}{s}"))
            .unwrap_or_else(|| name.to_string());
        hints.push(format!(
            "{name} {} matches {spec} but was uploaded{}, after --exclude-newer {cutoff}; move --exclude-newer later to use it",
            note.version,
            note.uploaded_text(),
        ));
    }
    hints
}

/// Every version of `name` as the index lists it without `--exclude-newer`.
pub fn unfiltered_versions(
    client_options: &ClientOptions,
    name: &PackageName,
    options: &ResolveOptions,
) -> Vec<VersionNote> {
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let unfiltered = ClientOptions {
        exclude_newer: None,
        exclude_newer_packages: Default::default(),
        ..client_options.clone()
    };
    let Ok(client) = IndexClient::new(unfiltered) else {
        return Vec::new();
    };
    let index = ClientIndex::new(client, runtime.handle().clone());
    let list = lockit_resolver::target_versions(&index, name, options);
    drop(index);
    runtime.shutdown_background();
    list
}

/// Versions newer than the pin that `--exclude-newer` hides.
pub fn hidden_versions(
    client_options: &ClientOptions,
    name: &PackageName,
    options: &ResolveOptions,
    explanation: &Explanation,
) -> Vec<VersionNote> {
    let Explanation::Pinned(p) = explanation else {
        return Vec::new();
    };
    if client_options.exclude_newer.is_none() {
        return Vec::new();
    }
    let seen = p.newest_published.as_ref().unwrap_or(&p.version);
    unfiltered_versions(client_options, name, options)
        .into_iter()
        .filter(|n| n.version > *seen)
        .collect()
}
