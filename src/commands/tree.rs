//! `lockit tree [LOCK]`: the lock's dependency graph, from the lock alone (no network);
//! the cache's metadata, where it has it, adds what each edge asked for. `--outdated`
//! asks the index what is newer (see `outdated.rs`).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lockit_graph::{Graph, TreeOptions};
use lockit_types::PackageName;

use crate::cli::{GraphFormat, InputArgs, TreeArgs};

mod outdated;
use crate::exit_code::{Exit, Failure};
use crate::output;

fn name(s: &str) -> Result<PackageName, Failure> {
    PackageName::from_str(s.trim())
        .map_err(|e| Failure::input(format!("invalid package name `{s}`: {e}")))
}

/// Runs `lockit tree`.
pub fn run(args: TreeArgs) -> Result<Exit, Failure> {
    if args.outdated && matches!(args.format, GraphFormat::Dot | GraphFormat::Mermaid) {
        return Err(Failure::input("--outdated goes with --format text or json"));
    }
    let path = args
        .lock
        .clone()
        .unwrap_or_else(|| PathBuf::from("requirements.txt"));
    let (lock, text) = crate::output::read_lock(&path)?;
    let mut graph = if path.extension().is_some_and(|e| e == "toml") {
        Graph::from_pylock(&lock, &text).map_err(|e| Failure::input(e.to_string()))?
    } else {
        Graph::from_lock(&lock)
    };
    let lock_dir = path.parent().unwrap_or(Path::new(""));
    let recorded = crate::settings::recorded(&lock, lock_dir).unwrap_or_default();
    graph.read_inputs(&recorded.inputs, &recorded.selection(), lock_dir);
    graph.root_the_unreached();
    let cache = match args.common.cache.no_cache {
        true => None,
        false => args
            .common
            .cache
            .cache_dir
            .clone()
            .or_else(lockit_settings::default_cache_root),
    };
    // The environment asked for, else the one the lock records (none for a universal lock).
    let given = crate::settings::requested(&[], &InputArgs::default(), &args.common, None);
    let project = given.python_version.is_some() || given.python_platform.is_some();
    let target = given
        .or(&recorded)
        .named_target(project.then_some("x86_64-manylinux_2_28"))
        .map_err(|e| Failure::input(e.to_string()))?;
    graph.annotate(
        |p| {
            let cache = cache.as_deref()?;
            p.hashes.iter().find_map(|h| {
                let hex = h.strip_prefix("sha256:")?;
                let meta = lockit_index_client::cached_metadata_by_hash(cache, hex)?;
                (meta.name == p.name).then_some(meta.requires_dist)
            })
        },
        target.as_ref().map(|t| &t.markers),
    );
    if let (Some(target), true) = (&target, project) {
        graph = graph.project(&target.markers);
    }
    let options = TreeOptions {
        depth: args.depth,
        packages: args
            .package
            .iter()
            .map(|s| name(s))
            .collect::<Result<_, _>>()?,
        invert: args.invert.as_deref().map(name).transpose()?,
        prune: args
            .prune
            .iter()
            .map(|s| name(s))
            .collect::<Result<_, _>>()?,
    };
    for wanted in options.packages.iter().chain(&options.invert) {
        if graph.pins_of(wanted).next().is_none() {
            return Err(Failure::input(format!(
                "`{wanted}` is not in `{}`",
                path.display()
            )));
        }
    }
    let tree = lockit_graph::walk(&graph, &options);
    let shown = tree.subgraph(&graph);
    let outdated = match args.outdated {
        true => Some(outdated::check(&lock, lock_dir, &args.common)?),
        false => None,
    };
    let out = match args.format {
        GraphFormat::Text => {
            let text = lockit_graph::tree_text(&graph, &tree);
            text + &outdated
                .as_deref()
                .map(lockit_resolver::outdated_text)
                .unwrap_or_default()
        }
        GraphFormat::Json => {
            let mut json = lockit_graph::graph_json(&shown);
            if let (Some(list), Some(o)) = (&outdated, json.as_object_mut()) {
                o.insert("outdated".into(), lockit_resolver::outdated_json(list));
            }
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
        }
        GraphFormat::Dot => lockit_graph::graph_dot(&shown),
        GraphFormat::Mermaid => lockit_graph::graph_mermaid(&shown),
    };
    output::write_stdout(&out)?;
    Ok(Exit::Ok)
}
