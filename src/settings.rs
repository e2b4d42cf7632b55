//! The command line as a [`Requested`] (the settings it asks for) and a [`Network`] (how
//! the index is reached), and a lock's header read back as a request; the settings
//! themselves are decided by `lockit_settings`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lockit_index_client::IndexStrategy;
use lockit_lockfile::{Inputs, ParsedLock};
use lockit_resolver::{PrereleaseMode, ResolutionMode};
use lockit_settings::{LockSettings, Network, Requested, StyleRequest};

use crate::cli::{
    AnnotationStyle, CommonArgs, CompatArgs, IndexStrategyArg, InputArgs, PrereleaseArg,
    ResolutionArg, ResolveArgs,
};
use crate::exit_code::Failure;

/// What the command line asks for: `inputs` with `common`'s options, `input`'s
/// selection and, for `resolve`, pip-compile's style options.
pub fn requested(
    inputs: &[PathBuf],
    input: &InputArgs,
    common: &CommonArgs,
    compat: Option<&CompatArgs>,
) -> Requested {
    let (t, r, i) = (&common.target, &common.resolver, &common.index);
    Requested {
        inputs: inputs.to_vec(),
        constraints: r.constraints.clone(),
        overrides: input.overrides.clone(),
        extras: input.extra.clone(),
        all_extras: input.all_extras,
        groups: input.group.clone(),
        python_version: t.python_version.clone(),
        python_platform: t.python_platform.clone(),
        python: t.python.clone(),
        universal: t.universal,
        environments: t.environments.clone(),
        required_environments: t.required_environments.clone(),
        index_url: i.index_url.clone(),
        extra_index_urls: i.extra_index_url.clone(),
        find_links: i.find_links.clone(),
        no_index: i.no_index,
        index_strategy: i.index_strategy.map(|s| match s {
            IndexStrategyArg::FirstIndex => IndexStrategy::FirstIndex,
            IndexStrategyArg::UnsafeBestMatch => IndexStrategy::UnsafeBestMatch,
        }),
        exclude_newer: r.exclude_newer.clone(),
        exclude_newer_packages: r.exclude_newer_package.clone(),
        prerelease: r.prerelease.map(|p| match p {
            PrereleaseArg::Allow => PrereleaseMode::Allow,
            PrereleaseArg::Disallow => PrereleaseMode::Disallow,
            PrereleaseArg::IfNecessary => PrereleaseMode::IfNecessary,
            PrereleaseArg::Explicit => PrereleaseMode::Explicit,
            PrereleaseArg::IfNecessaryOrExplicit => PrereleaseMode::IfNecessaryOrExplicit,
            PrereleaseArg::Pep440 => PrereleaseMode::Pep440,
        }),
        resolution: r.resolution.map(|m| match m {
            ResolutionArg::Highest => ResolutionMode::Highest,
            ResolutionArg::Lowest => ResolutionMode::Lowest,
            ResolutionArg::LowestDirect => ResolutionMode::LowestDirect,
        }),
        pre: r.pre,
        only_binary: r.only_binary.clone(),
        no_binary: r.no_binary.clone(),
        no_build: r.no_build,
        no_build_packages: r.no_build_package.clone(),
        style: compat.map(style).unwrap_or_default(),
    }
}

/// What the configuration file asks for: `--config-file`, else the nearest `lockit.toml`
/// or `pyproject.toml` with `[tool.lockit]` from the current folder up; nothing with
/// `--no-config`.
pub fn config(common: &CommonArgs) -> Result<Requested, Failure> {
    let args = &common.config;
    let path = match (&args.config_file, args.no_config) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) => std::env::current_dir()
            .ok()
            .and_then(|dir| lockit_settings::find_config(&dir)),
    };
    match path {
        Some(path) => {
            tracing::debug!("settings from {}", path.display());
            Requested::from_config(&path).map_err(|e| Failure::input(e.to_string()))
        }
        None => Ok(Requested::default()),
    }
}

/// pip-compile's options for what the lock says besides its pins.
fn style(compat: &CompatArgs) -> StyleRequest {
    StyleRequest {
        no_annotate: compat.no_annotate,
        no_strip_extras: compat.no_strip_extras,
        line_annotations: compat.annotation_style == AnnotationStyle::Line,
        emit_index_url: compat.emit_index_url,
    }
}

/// How this run reaches the index.
pub fn network(common: &CommonArgs) -> Result<Network, Failure> {
    let secs = |s: f64, what: &str| {
        if s.is_finite() && s > 0.0 {
            Ok(Duration::from_secs_f64(s))
        } else {
            Err(Failure::input(format!(
                "{what} must be a positive number of seconds"
            )))
        }
    };
    let (index, cache) = (&common.index, &common.cache);
    Ok(Network {
        cache_dir: cache.cache_dir.clone(),
        no_cache: cache.no_cache,
        offline: index.offline,
        refresh: cache.refresh,
        refresh_packages: lockit_settings::package_names(
            &cache.refresh_package,
            "--refresh-package ",
        )
        .map_err(|e| Failure::input(e.to_string()))?,
        connect_timeout: secs(index.connect_timeout, "--connect-timeout")?,
        read_timeout: secs(index.read_timeout, "--read-timeout")?,
        verbose: common.output.verbose > 0,
        native_tls: index.native_tls,
    })
}

/// What `lock`'s header recorded, as a request with its paths found from here (as
/// written, else beside the lock in `lock_dir`). A header written before the settings
/// model is read with the command it records. `None` when the header does not say how
/// the lock was made.
pub fn recorded(lock: &ParsedLock, lock_dir: &Path) -> Option<Requested> {
    let typed = Requested::from_recorded(&lock.recorded);
    let mut requested = if Requested::recorded_in_full(&lock.recorded) {
        typed
    } else {
        let args = lock.command.as_deref().and_then(ResolveArgs::from_header)?;
        let mut old = requested(&args.inputs, &args.input, &args.common, Some(&args.compat));
        // The interpreter the old command named was the local one's; the target it gave
        // is recorded.
        old.python = None;
        typed.or(&old)
    };
    for list in [
        &mut requested.inputs,
        &mut requested.constraints,
        &mut requested.overrides,
    ] {
        for path in list.iter_mut() {
            *path = locate(path, lock_dir);
        }
    }
    Some(requested)
}

/// A path from a header: as written when it exists from here, else next to the lock.
fn locate(path: &Path, lock_dir: &Path) -> PathBuf {
    if path.is_absolute() || path.exists() {
        return path.to_path_buf();
    }
    let beside = lock_dir.join(path);
    if beside.exists() {
        beside
    } else {
        path.to_path_buf()
    }
}

/// Reads the inputs `requested` names.
pub fn read_inputs(requested: &Requested) -> Result<Inputs, Failure> {
    Inputs::read(
        &requested.inputs,
        &requested.constraints,
        &requested.overrides,
        &requested.selection(),
    )
    .map_err(|e| Failure::input(e.to_string()))
}

/// The settings `requested` and `inputs` decide.
pub fn decide(
    requested: &Requested,
    inputs: &Inputs,
    quiet: bool,
) -> Result<LockSettings, Failure> {
    LockSettings::decide(requested, inputs, quiet).map_err(|e| Failure::input(e.to_string()))
}

/// What the command line says about builds and the progress line.
pub fn session(common: &CommonArgs, progress: bool) -> lockit_session::SessionOptions {
    lockit_session::SessionOptions {
        python: common.target.python.clone(),
        concurrent_builds: common.resolver.concurrent_builds,
        progress: progress && !common.output.no_progress,
    }
}
