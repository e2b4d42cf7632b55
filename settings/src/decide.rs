//! [`LockSettings`]: the settings a run uses, decided once from the layered request, the
//! inputs and the local interpreter, and the resolver's and client's options derived from
//! them.

use std::collections::HashSet;
use std::ops::Bound;
use std::str::FromStr;

use lockit_index_client::{BuildPolicy, ClientOptions, IndexStrategy};
use lockit_lockfile::{Inputs, LockStyle};
use lockit_resolver::{
    BinaryPolicy, PrereleaseMode, ResolutionMode, ResolveOptions, ResolverEnvironment,
    UniversalSpace,
};
use lockit_types::{PackageName, Version};
use pep508_rs::MarkerTree;

use crate::target::resolve_target;
use crate::{Network, Requested, SettingsError};

/// The default index.
pub const PYPI: &str = "https://pypi.org/simple/";

/// Everything that decides a lock, whichever source it came from: what
/// [`LockSettings::record`] writes into the header.
#[derive(Debug, Clone)]
pub struct LockSettings {
    /// The request these were decided from (inputs, selections, the option values as
    /// given).
    pub requested: Requested,
    /// The environment: one target, or the marker space of a universal lock.
    pub environment: ResolverEnvironment,
    /// The indexes, primary first.
    pub index_urls: Vec<String>,
    /// `--find-links` locations, from the flags and the requirements files.
    pub find_links: Vec<String>,
    /// Which indexes a package may come from.
    pub index_strategy: IndexStrategy,
    /// Files uploaded after this instant are ignored.
    pub exclude_newer: Option<jiff::Timestamp>,
    /// Per-package cutoffs, over `exclude_newer`.
    pub exclude_newer_packages: std::collections::BTreeMap<PackageName, jiff::Timestamp>,
    /// When pre-releases may be chosen.
    pub prerelease: PrereleaseMode,
    /// Newest or oldest first.
    pub resolution: ResolutionMode,
    /// Wheel and sdist policy.
    pub binary: BinaryPolicy,
    /// When sdists may be built.
    pub build: BuildPolicy,
}

impl LockSettings {
    /// Decides the settings of a run from `requested` (already layered), the options the
    /// requirements files give, pip's configuration and, where no flag names the target,
    /// the local interpreter.
    pub fn decide(
        requested: &Requested,
        inputs: &Inputs,
        quiet: bool,
    ) -> Result<LockSettings, SettingsError> {
        let environment = if requested.universal {
            ResolverEnvironment::universal(universal_space(inputs, requested)?)
                .map_err(|e| SettingsError::Target(e.to_string()))?
        } else {
            ResolverEnvironment::specific(resolve_target(
                requested.python_version.as_deref(),
                requested.python_platform.as_deref(),
                requested.python.as_deref(),
                quiet,
            )?)
        };
        if let Some((rp, path)) = &inputs.requires_python {
            if !lockit_resolver::specifiers_contain(rp, environment.python()) {
                return Err(SettingsError::OutsideRequiresPython {
                    python: environment.python_minor(),
                    requires_python: rp.to_string(),
                    file: path.clone(),
                });
            }
        }
        let (mut index_urls, find_links) = indexes(requested, inputs);
        // `--no-index` (or a requirements file's): the find-links locations alone.
        if requested.no_index || inputs.files.iter().any(|f| f.no_index) {
            index_urls.clear();
        }
        let mut binary = BinaryPolicy::default();
        let only_binary = [
            requested.only_binary.clone(),
            inputs.file_options(|f| &f.only_binary),
        ]
        .concat();
        let no_binary = [
            requested.no_binary.clone(),
            inputs.file_options(|f| &f.no_binary),
        ]
        .concat();
        binary_names(
            &only_binary,
            &mut binary.only_binary_all,
            &mut binary.only_binary,
        )?;
        binary_names(&no_binary, &mut binary.no_binary_all, &mut binary.no_binary)?;
        let mut build = BuildPolicy {
            no_build: requested.no_build,
            ..BuildPolicy::default()
        };
        for name in &requested.no_build_packages {
            build
                .no_build_packages
                .insert(package_name(name, "--no-build-package ")?);
        }
        Ok(LockSettings {
            requested: requested.clone(),
            environment,
            index_urls,
            find_links,
            index_strategy: requested
                .index_strategy
                .unwrap_or(IndexStrategy::FirstIndex),
            exclude_newer: crate::exclude_newer(requested.exclude_newer.as_deref())?,
            exclude_newer_packages: requested
                .exclude_newer_packages
                .iter()
                .map(|arg| crate::package_cutoff(arg))
                .collect::<Result<_, _>>()?,
            prerelease: match requested.prerelease {
                Some(mode) => mode,
                None if requested.pre || inputs.pre() => PrereleaseMode::Allow,
                None => PrereleaseMode::default(),
            },
            resolution: requested.resolution.unwrap_or_default(),
            binary,
            build,
        })
    }

    /// The resolver's options for these settings and `inputs` (their overrides).
    pub fn resolve_options(&self, inputs: &Inputs) -> ResolveOptions {
        let mut options = ResolveOptions::for_environment(self.environment.clone());
        options.prerelease = self.prerelease;
        options.resolution = self.resolution;
        options.binary = self.binary.clone();
        options.overrides = inputs.overrides.clone();
        options
    }

    /// The index client's options for these settings, reached as `network` says.
    pub fn client_options(&self, network: &Network) -> ClientOptions {
        ClientOptions {
            index_urls: self.index_urls.clone(),
            find_links: self.find_links.clone(),
            cache_dir: network.cache(),
            offline: network.offline,
            refresh: network.refresh,
            refresh_packages: network.refresh_packages.clone(),
            exclude_newer: self.exclude_newer,
            exclude_newer_packages: self
                .exclude_newer_packages
                .iter()
                .map(|(name, at)| (name.clone(), *at))
                .collect(),
            connect_timeout: network.connect_timeout,
            read_timeout: network.read_timeout,
            retries: 3,
            index_strategy: self.index_strategy,
            verbose: network.verbose,
            native_tls: network.native_tls,
            netrc: true,
            build_policy: self.build.clone(),
            // The session installs the build frontend.
            builder: None,
        }
    }

    /// How the lock is written beyond its pins (pip-compile's annotation and index options).
    pub fn lock_style(&self) -> LockStyle {
        let style = &self.requested.style;
        LockStyle {
            no_annotate: style.no_annotate,
            extras: style.no_strip_extras,
            line_annotations: style.line_annotations,
            index_urls: if style.emit_index_url {
                self.index_urls
                    .iter()
                    .map(|u| lockit_lockfile::without_credentials(u))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// The indexes and find-links locations: flags, else a requirements file, else pip's
/// configuration, else PyPI; extra indexes from all three.
fn indexes(requested: &Requested, inputs: &Inputs) -> (Vec<String>, Vec<String>) {
    // pip's configuration counts below lockit's options, variables and input files.
    let pip = lockit_index_client::PipIndexConfig::from_env();
    let (primary, from) = match (&requested.index_url, inputs.index_url(), &pip.index_url) {
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
    for extra in requested
        .extra_index_urls
        .iter()
        .chain(&inputs.file_options(|f| &f.extra_index_urls))
        .chain(&pip.extra_index_urls)
    {
        if !extra.is_empty() && !index_urls.contains(extra) {
            index_urls.push(extra.clone());
        }
    }
    let mut find_links = requested.find_links.clone();
    for f in inputs.file_options(|f| &f.find_links) {
        if !find_links.contains(&f) {
            find_links.push(f);
        }
    }
    (index_urls, find_links)
}

/// The package names given to `option` (`--refresh-package `, with its trailing space).
pub fn package_names(
    values: &[String],
    option: &'static str,
) -> Result<std::collections::HashSet<PackageName>, SettingsError> {
    values.iter().map(|v| package_name(v, option)).collect()
}

/// A package name given to `option`.
fn package_name(value: &str, option: &'static str) -> Result<PackageName, SettingsError> {
    PackageName::from_str(value.trim()).map_err(|e| SettingsError::PackageName {
        option,
        value: value.to_string(),
        reason: e.to_string(),
    })
}

/// Package names from `--only-binary` / `--no-binary` values (comma-separated; `:all:`
/// sets `all`, `:none:` is nothing).
fn binary_names(
    list: &[String],
    all: &mut bool,
    set: &mut HashSet<PackageName>,
) -> Result<(), SettingsError> {
    for item in list.iter().flat_map(|s| s.split(',')).map(str::trim) {
        match item {
            "" | ":none:" => {}
            ":all:" => *all = true,
            n => {
                set.insert(package_name(n, "package name ")?);
            }
        }
    }
    Ok(())
}

/// The space a `--universal` lock serves: every environment from the lowest Python
/// (`--python-version`, else the lower bound of `requires-python`) on, within
/// `requires-python`.
fn universal_space(
    inputs: &Inputs,
    requested: &Requested,
) -> Result<UniversalSpace, SettingsError> {
    let requires_python = inputs.requires_python.as_ref();
    let floor = match (&requested.python_version, requires_python) {
        (Some(v), _) => v
            .parse::<Version>()
            .map_err(|_| SettingsError::PythonVersion(v.clone()))?,
        (None, Some((rp, _))) => {
            let range = lockit_resolver::specifiers_range(rp);
            match range.bounding_range().map(|(lower, _)| lower) {
                Some(Bound::Included(v)) | Some(Bound::Excluded(v)) => v.clone(),
                _ => return Err(SettingsError::NoLowerBound(rp.to_string())),
            }
        }
        (None, None) => return Err(SettingsError::NoLowestPython),
    };
    let mut universal = UniversalSpace::from_floor(floor);
    if !requested.environments.is_empty() {
        let mut union = MarkerTree::FALSE;
        for text in &requested.environments {
            union.or(environment_marker(text, "--environment")?);
        }
        universal.space.and(union);
    }
    for text in &requested.required_environments {
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
            return Err(SettingsError::FloorOutsideRequiresPython {
                python: universal.python_floor.to_string(),
                requires_python: rp.to_string(),
                file: path.clone(),
            });
        }
    }
    if universal.space.is_false() {
        return Err(SettingsError::EmptySpace);
    }
    Ok(universal)
}

/// The marker of an `--environment` / `--required-environment` value, read as a
/// requirement's marker is (so it evaluates as `packaging` would).
fn environment_marker(text: &str, flag: &'static str) -> Result<MarkerTree, SettingsError> {
    lockit_types::parse_requirement(&format!("environment ; {text}"))
        .map(|r| r.marker)
        .map_err(|e| SettingsError::Marker {
            flag,
            text: text.to_string(),
            reason: e.message,
        })
}
