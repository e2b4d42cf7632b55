//! Turns arguments and requirement-file options into client and resolver settings.

use std::collections::HashSet;
use std::ops::Bound;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use lockit_index_client::{BuildPolicy, ClientOptions, IndexStrategy};
use lockit_lockfile::Inputs;
use lockit_resolver::{
    BinaryPolicy, PrereleaseMode, ResolveOptions, ResolverEnvironment, UniversalSpace,
};
use lockit_types::{PackageName, Version};
use pep508_rs::MarkerTree;

use crate::cli::{CacheArgs, CommonArgs, IndexStrategyArg, PrereleaseArg, ResolverArgs};
use crate::exit_code::Failure;
use crate::target::resolve_target;

/// The default index.
pub const PYPI: &str = "https://pypi.org/simple/";

/// Parses `--exclude-newer`: an RFC 3339 timestamp, or a date meaning its midnight UTC.
pub fn exclude_newer(arg: Option<&str>) -> Result<Option<jiff::Timestamp>, Failure> {
    let Some(s) = arg else { return Ok(None) };
    if let Ok(ts) = jiff::Timestamp::from_str(s) {
        return Ok(Some(ts));
    }
    if let Ok(date) = jiff::civil::Date::from_str(s) {
        if let Ok(zoned) = date.to_zoned(jiff::tz::TimeZone::UTC) {
            return Ok(Some(zoned.timestamp()));
        }
    }
    Err(Failure::input(format!(
        "invalid --exclude-newer `{s}`: expected an RFC 3339 timestamp like 2026-11-01T00:00:00Z or a date like 2026-11-01"
    )))
}

/// The pre-release policy from `--prerelease` / `--pre` / a file's `--pre`.
fn prerelease(args: &ResolverArgs, file_pre: bool) -> PrereleaseMode {
    match args.prerelease {
        Some(PrereleaseArg::Allow) => PrereleaseMode::Allow,
        Some(PrereleaseArg::Disallow) => PrereleaseMode::Disallow,
        Some(PrereleaseArg::IfNecessary) => PrereleaseMode::IfNecessary,
        Some(PrereleaseArg::Explicit | PrereleaseArg::IfNecessaryOrExplicit) => {
            PrereleaseMode::IfNecessaryOrExplicit
        }
        None if args.pre || file_pre => PrereleaseMode::Allow,
        None => PrereleaseMode::default(),
    }
}

/// Package names from `--only-binary` / `--no-binary` values (comma-separated; `:all:`
/// sets `all`, `:none:` is nothing).
fn binary_names(
    list: &[String],
    all: &mut bool,
    set: &mut HashSet<PackageName>,
) -> Result<(), Failure> {
    for item in list.iter().flat_map(|s| s.split(',')).map(str::trim) {
        match item {
            "" | ":none:" => {}
            ":all:" => *all = true,
            n => {
                let name = PackageName::from_str(n)
                    .map_err(|e| Failure::input(format!("invalid package name `{n}`: {e}")))?;
                set.insert(name);
            }
        }
    }
    Ok(())
}

/// The cache directory: `--cache-dir`, `LOCKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/lockit`
/// or `~/.cache/lockit`; none with `--no-cache`.
fn cache_dir(args: &CacheArgs) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    if let Some(d) = &args.cache_dir {
        return Some(d.clone());
    }
    default_cache_root()
}

/// `LOCKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/lockit` or `~/.cache/lockit`.
pub fn default_cache_root() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("LOCKIT_CACHE_DIR").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("lockit"))
}

/// Client options from the flags, with the index options the requirements files give.
fn client_options(args: &CommonArgs, inputs: &Inputs) -> Result<ClientOptions, Failure> {
    let index = &args.index;
    // pip's configuration counts below lockit's options, variables and input files.
    let pip = lockit_index_client::PipIndexConfig::from_env();
    let (primary, from) = match (&index.index_url, inputs.index_url(), &pip.index_url) {
        (Some(url), _, _) => (url.clone(), "--index-url / LOCKIT_INDEX_URL".to_string()),
        (None, Some(url), _) => (url.to_string(), "a requirements file".to_string()),
        (None, None, Some((url, from))) => (url.clone(), from.clone()),
        (None, None, None) => (PYPI.to_string(), "the default".to_string()),
    };
    tracing::debug!(
        "index: {} (from {from})",
        lockit_lockfile::without_credentials(&primary)
    );
    let mut index_urls = vec![primary];
    for extra in index
        .extra_index_url
        .iter()
        .chain(&inputs.file_options(|f| &f.extra_index_urls))
        .chain(&pip.extra_index_urls)
    {
        if !extra.is_empty() && !index_urls.contains(extra) {
            index_urls.push(extra.clone());
        }
    }
    let mut find_links: Vec<String> = index.find_links.clone();
    for f in inputs.file_options(|f| &f.find_links) {
        if !find_links.contains(&f) {
            find_links.push(f);
        }
    }
    let secs = |s: f64, what: &str| {
        if s.is_finite() && s > 0.0 {
            Ok(Duration::from_secs_f64(s))
        } else {
            Err(Failure::input(format!(
                "{what} must be a positive number of seconds"
            )))
        }
    };
    Ok(ClientOptions {
        index_urls,
        find_links,
        cache_dir: cache_dir(&args.cache),
        offline: index.offline,
        refresh: args.cache.refresh,
        exclude_newer: exclude_newer(args.resolver.exclude_newer.as_deref())?,
        connect_timeout: secs(index.connect_timeout, "--connect-timeout")?,
        read_timeout: secs(index.read_timeout, "--read-timeout")?,
        retries: 3,
        index_strategy: match index.index_strategy {
            IndexStrategyArg::FirstIndex => IndexStrategy::FirstIndex,
            IndexStrategyArg::UnsafeBestMatch => IndexStrategy::UnsafeBestMatch,
        },
        verbose: args.output.verbose > 0,
        native_tls: index.native_tls,
        netrc: true,
        build_policy: build_policy(&args.resolver)?,
        // The session installs the build frontend.
        builder: None,
    })
}

/// `--no-build` and `--no-build-package` as the client's build policy.
fn build_policy(args: &ResolverArgs) -> Result<BuildPolicy, Failure> {
    let mut policy = BuildPolicy {
        no_build: args.no_build,
        ..BuildPolicy::default()
    };
    for name in &args.no_build_package {
        let name = PackageName::from_str(name.trim())
            .map_err(|e| Failure::input(format!("invalid --no-build-package `{name}`: {e}")))?;
        policy.no_build_packages.insert(name);
    }
    Ok(policy)
}

/// The resolver and client options a run uses, for the target the flags (or the local
/// interpreter) name.
pub fn prepare(
    inputs: &Inputs,
    args: &CommonArgs,
) -> Result<(ResolveOptions, ClientOptions), Failure> {
    let environment = if args.target.universal {
        ResolverEnvironment::universal(universal_space(inputs, args)?)
            .map_err(|e| Failure::input(e.to_string()))?
    } else {
        ResolverEnvironment::specific(resolve_target(
            args.target.python_version.as_deref(),
            args.target.python_platform.as_deref(),
            args.target.python.as_deref(),
            args.output.quiet,
        )?)
    };
    if let Some((rp, path)) = &inputs.requires_python {
        if !lockit_resolver::specifiers_contain(rp, environment.python()) {
            return Err(Failure::input(format!(
                "the target Python {} is outside `requires-python = \"{rp}\"` of `{}`; pass a --python-version it allows",
                environment.python_minor(),
                path.display()
            )));
        }
    }
    let client_options = client_options(args, inputs)?;
    let resolver = &args.resolver;
    let mut binary = BinaryPolicy::default();
    let only_binary = [
        resolver.only_binary.clone(),
        inputs.file_options(|f| &f.only_binary),
    ]
    .concat();
    let no_binary = [
        resolver.no_binary.clone(),
        inputs.file_options(|f| &f.no_binary),
    ]
    .concat();
    binary_names(
        &only_binary,
        &mut binary.only_binary_all,
        &mut binary.only_binary,
    )?;
    binary_names(&no_binary, &mut binary.no_binary_all, &mut binary.no_binary)?;
    let mut options = ResolveOptions::for_environment(environment);
    options.prerelease = prerelease(resolver, inputs.pre());
    options.binary = binary;
    options.overrides = inputs.overrides.clone();
    Ok((options, client_options))
}

/// The space a `--universal` lock serves: every environment from the lowest Python
/// (`--python-version`, else the lower bound of `requires-python`) on, within
/// `requires-python`.
fn universal_space(inputs: &Inputs, args: &CommonArgs) -> Result<UniversalSpace, Failure> {
    let requires_python = inputs.requires_python.as_ref();
    let floor = match (&args.target.python_version, requires_python) {
        (Some(v), _) => v
            .parse::<Version>()
            .map_err(|_| Failure::input(format!("invalid Python version `{v}`: expected `3.X` or `3.X.Y`")))?,
        (None, Some((rp, _))) => {
            let range = lockit_resolver::specifiers_range(rp);
            match range.bounding_range().map(|(lower, _)| lower) {
                Some(Bound::Included(v)) | Some(Bound::Excluded(v)) => v.clone(),
                _ => return Err(Failure::input(format!(
                    "--universal needs a lowest Python: `requires-python = \"{rp}\"` has none; pass --python-version"
                ))),
            }
        }
        (None, None) => {
            return Err(Failure::input(
                "--universal needs the lowest Python to support: pass --python-version (or give a pyproject.toml with requires-python)",
            ))
        }
    };
    let mut universal = UniversalSpace::from_floor(floor);
    if !args.target.environments.is_empty() {
        let mut union = MarkerTree::FALSE;
        for text in &args.target.environments {
            union.or(environment_marker(text, "--environment")?);
        }
        universal.space.and(union);
    }
    for text in &args.target.required_environments {
        let marker = environment_marker(text, "--required-environment")?;
        universal.required.push(marker);
    }
    if let Some((rp, path)) = requires_python {
        let text = rp
            .iter()
            .map(|s| format!("python_full_version {} '{}'", s.operator(), s.version()))
            .collect::<Vec<_>>()
            .join(" and ");
        if let Ok(marker) = text.parse::<MarkerTree>() {
            universal.space.and(marker);
        }
        if universal.space.is_false() {
            return Err(Failure::input(format!(
                "the lowest Python {} is outside `requires-python = \"{rp}\"` of `{}`; pass a --python-version it allows",
                universal.python_floor,
                path.display()
            )));
        }
    }
    if universal.space.is_false() {
        return Err(Failure::input(
            "no environment is left to lock for: the --environment markers exclude every Python from --python-version on",
        ));
    }
    Ok(universal)
}

/// The marker of an `--environment` / `--required-environment` value, read as a
/// requirement's marker is (so it evaluates as `packaging` would).
fn environment_marker(text: &str, flag: &str) -> Result<MarkerTree, Failure> {
    lockit_types::parse_requirement(&format!("environment ; {text}"))
        .map(|r| r.marker)
        .map_err(|e| {
            Failure::input(format!(
                "{flag} `{text}` is not a PEP 508 marker: {}",
                e.message
            ))
        })
}

/// Records in `header` what decided the answer (see [`lockit_lockfile::RECORDED_KEYS`]),
/// whether it came from flags, files, the environment or the local interpreter.
pub fn record(
    header: &mut lockit_lockfile::Header,
    options: &ResolveOptions,
    client: &ClientOptions,
) {
    header.record("python", &options.environment.python().to_string());
    header.record("platform", &options.environment.recorded_platform());
    for url in &client.index_urls {
        header.record("index-url", url);
    }
    for link in &client.find_links {
        header.record("find-links", link);
    }
    if let Some(cutoff) = client.exclude_newer {
        header.record("exclude-newer", &cutoff.to_string());
    }
    header.record("prerelease", options.prerelease.as_str());
}

/// Records, for a universal lock, the checked environments that can install every pin
/// they select: one `covers` line per platform, with its Pythons.
pub fn record_coverage(
    header: &mut lockit_lockfile::Header,
    coverage: &[lockit_resolver::Coverage],
) {
    let mut by_platform: Vec<(String, Vec<String>)> = Vec::new();
    for c in coverage.iter().filter(|c| c.gaps.is_empty()) {
        let platform = c.target.platform.to_string();
        let python = c.target.python_minor();
        match by_platform.iter_mut().find(|(p, _)| *p == platform) {
            Some((_, pythons)) => pythons.push(python),
            None => by_platform.push((platform, vec![python])),
        }
    }
    for (platform, pythons) in by_platform {
        header.record(
            "covers",
            &format!("{platform}: CPython {}", pythons.join(", ")),
        );
    }
}

/// How the lock is written beyond its pins (pip-compile's annotation and index options).
pub fn lock_style(
    compat: &crate::cli::CompatArgs,
    client: &ClientOptions,
) -> lockit_lockfile::LockStyle {
    lockit_lockfile::LockStyle {
        no_annotate: compat.no_annotate,
        extras: compat.no_strip_extras,
        line_annotations: compat.annotation_style == crate::cli::AnnotationStyle::Line,
        index_urls: if compat.emit_index_url {
            client
                .index_urls
                .iter()
                .map(|u| lockit_lockfile::without_credentials(u))
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// Applies what a lock's header recorded (target, indexes, cutoff) where the command was
/// not told otherwise: a lock is checked and explained for the target it was made for,
/// not this machine's.
pub fn apply_recorded(common: &mut CommonArgs, recorded: &[(String, String)], given: &CommonArgs) {
    let first = |key| lockit_lockfile::recorded(recorded, key).map(str::to_string);
    let all = |key: &str| -> Vec<String> {
        recorded
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    };
    if given.target.python_version.is_none() {
        common.target.python_version = first("python").or(common.target.python_version.take());
    }
    if given.target.python_platform.is_none() {
        match first("platform") {
            // A universal lock is checked and explained as universal.
            Some(p) if p == "universal" => {
                common.target.universal = true;
                common.target.python_platform = None;
            }
            recorded => {
                common.target.python_platform = recorded.or(common.target.python_platform.take());
            }
        }
    }
    if given.resolver.exclude_newer.is_none() {
        common.resolver.exclude_newer =
            first("exclude-newer").or(common.resolver.exclude_newer.take());
    }
    let indexes = all("index-url");
    if given.index.index_url.is_none() && given.index.extra_index_url.is_empty() {
        if let Some((primary, extra)) = indexes.split_first() {
            common.index.index_url = Some(primary.clone());
            common.index.extra_index_url = extra.to_vec();
        }
    }
    let links = all("find-links");
    if given.index.find_links.is_empty() && !links.is_empty() {
        common.index.find_links = links;
    }
}
