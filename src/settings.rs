//! Turns arguments and requirement-file options into client and resolver settings.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use lockit_types::PackageName;
use lockit_index_client::{ClientOptions, IndexStrategy};
use lockit_resolver::{BinaryPolicy, PrereleaseMode};

use crate::cli::{IndexStrategyArg, PrereleaseArg, TargetArgs};
use crate::exit_code::Failure;

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
        "error: invalid --exclude-newer `{s}`: expected an RFC 3339 timestamp like 2026-11-01T00:00:00Z or a date like 2026-11-01"
    )))
}

/// The pre-release policy from `--prerelease` / `--pre` / a file's `--pre`.
pub fn prerelease(args: &TargetArgs, file_pre: bool) -> PrereleaseMode {
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

/// `--only-binary` / `--no-binary` lists (from flags and files) as a policy.
pub fn binary_policy(
    only_binary: &[String],
    no_binary: &[String],
) -> Result<BinaryPolicy, Failure> {
    let mut policy = BinaryPolicy::default();
    let names =
        |list: &[String], all: &mut bool, set: &mut std::collections::HashSet<PackageName>| {
            for item in list.iter().flat_map(|s| s.split(',')) {
                let item = item.trim();
                match item {
                    "" | ":none:" => {}
                    ":all:" => *all = true,
                    n => {
                        let name = PackageName::from_str(n).map_err(|e| {
                            Failure::input(format!("error: invalid package name `{n}`: {e}"))
                        })?;
                        set.insert(name);
                    }
                }
            }
            Ok::<(), Failure>(())
        };
    names(
        only_binary,
        &mut policy.only_binary_all,
        &mut policy.only_binary,
    )?;
    names(no_binary, &mut policy.no_binary_all, &mut policy.no_binary)?;
    Ok(policy)
}

/// The cache directory: `--cache-dir`, `LOCKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/lockit`
/// or `~/.cache/lockit`; none with `--no-cache`.
pub fn cache_dir(args: &TargetArgs) -> Option<PathBuf> {
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

/// Client options from the flags, with the index URLs a requirements file named.
pub fn client_options(
    args: &TargetArgs,
    file_index: Option<&str>,
    file_extra: &[String],
    file_find_links: &[String],
) -> Result<ClientOptions, Failure> {
    let primary = args
        .index_url
        .clone()
        .or_else(|| file_index.map(str::to_string))
        .unwrap_or_else(|| PYPI.to_string());
    let mut index_urls = vec![primary];
    for extra in args.extra_index_url.iter().chain(file_extra) {
        if !extra.is_empty() && !index_urls.contains(extra) {
            index_urls.push(extra.clone());
        }
    }
    let mut find_links: Vec<String> = args.find_links.clone();
    for f in file_find_links {
        if !find_links.contains(f) {
            find_links.push(f.clone());
        }
    }
    let secs = |s: f64, what: &str| {
        if s.is_finite() && s > 0.0 {
            Ok(Duration::from_secs_f64(s))
        } else {
            Err(Failure::input(format!(
                "error: {what} must be a positive number of seconds"
            )))
        }
    };
    Ok(ClientOptions {
        index_urls,
        find_links,
        cache_dir: cache_dir(args),
        offline: args.offline,
        refresh: args.refresh,
        exclude_newer: exclude_newer(args.exclude_newer.as_deref())?,
        connect_timeout: secs(args.connect_timeout, "--connect-timeout")?,
        read_timeout: secs(args.read_timeout, "--read-timeout")?,
        retries: 3,
        index_strategy: match args.index_strategy {
            IndexStrategyArg::FirstIndex => IndexStrategy::FirstIndex,
            IndexStrategyArg::UnsafeBestMatch => IndexStrategy::UnsafeBestMatch,
        },
        verbose: args.verbose > 0,
        native_tls: args.native_tls,
        netrc: true,
    })
}
