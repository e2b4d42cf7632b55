//! [`Requested`]: what one source (the command line, a lock's header) says about a lock's
//! settings; unset fields leave the choice to a lower source.

use std::path::PathBuf;

use lockit_index_client::IndexStrategy;
use lockit_resolver::PrereleaseMode;

/// What one source asks of a lock. Lists and options left empty defer to the source below
/// ([`Requested::or`]); flags that are set stay set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requested {
    /// Requirements files (or a pyproject.toml) to lock.
    pub inputs: Vec<PathBuf>,
    /// `-c` files.
    pub constraints: Vec<PathBuf>,
    /// `--override` files.
    pub overrides: Vec<PathBuf>,
    /// `--extra` names (pyproject.toml).
    pub extras: Vec<String>,
    /// `--all-extras`.
    pub all_extras: bool,
    /// `--group` names (PEP 735).
    pub groups: Vec<String>,
    /// `--python-version` (`3.12` or `3.12.0`).
    pub python_version: Option<String>,
    /// `--python-platform`.
    pub python_platform: Option<String>,
    /// `--python`: the interpreter that names the target when no version or platform is
    /// given, and that builds run with. Never recorded (the target it gave is).
    pub python: Option<PathBuf>,
    /// `--universal`.
    pub universal: bool,
    /// `--environment` markers (universal).
    pub environments: Vec<String>,
    /// `--required-environment` markers (universal).
    pub required_environments: Vec<String>,
    /// `--index-url`.
    pub index_url: Option<String>,
    /// `--extra-index-url`s.
    pub extra_index_urls: Vec<String>,
    /// `--find-links`.
    pub find_links: Vec<String>,
    /// `--no-index`: only `--find-links` locations are read.
    pub no_index: bool,
    /// `--index-strategy`.
    pub index_strategy: Option<IndexStrategy>,
    /// `--exclude-newer`, as given.
    pub exclude_newer: Option<String>,
    /// `--exclude-newer-package NAME=DATE` values, as given.
    pub exclude_newer_packages: Vec<String>,
    /// `--prerelease`.
    pub prerelease: Option<PrereleaseMode>,
    /// `--resolution`.
    pub resolution: Option<lockit_resolver::ResolutionMode>,
    /// `--pre` (`--prerelease allow` unless `--prerelease` says otherwise).
    pub pre: bool,
    /// `--only-binary` values (comma-separated lists, `:all:`, `:none:`).
    pub only_binary: Vec<String>,
    /// `--no-binary` values.
    pub no_binary: Vec<String>,
    /// `--no-build`.
    pub no_build: bool,
    /// `--no-build-package` names.
    pub no_build_packages: Vec<String>,
    /// How the lock is written beyond its pins.
    pub style: StyleRequest,
}

/// pip-compile's options for what a requirements.txt says besides its pins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StyleRequest {
    /// `--no-annotate`.
    pub no_annotate: bool,
    /// `--no-strip-extras`.
    pub no_strip_extras: bool,
    /// `--annotation-style line`.
    pub line_annotations: bool,
    /// `--emit-index-url`.
    pub emit_index_url: bool,
}

/// `upper` where it has anything, else `lower`.
fn list<T: Clone>(upper: &[T], lower: &[T]) -> Vec<T> {
    if upper.is_empty() {
        lower.to_vec()
    } else {
        upper.to_vec()
    }
}

impl Requested {
    /// This request over `lower`: every field this one sets wins. The input selection
    /// (overrides, extras, groups) is one choice, taken whole from whichever source gives
    /// any of it; a target given here (a platform, or `--universal`) replaces the lower one.
    pub fn or(&self, lower: &Requested) -> Requested {
        let selection = if self.selects() { self } else { lower };
        let platform_here = self.python_platform.is_some() || self.universal;
        let target = if platform_here { self } else { lower };
        Requested {
            inputs: list(&self.inputs, &lower.inputs),
            constraints: list(&self.constraints, &lower.constraints),
            overrides: selection.overrides.clone(),
            extras: selection.extras.clone(),
            all_extras: selection.all_extras,
            groups: selection.groups.clone(),
            python_version: self
                .python_version
                .clone()
                .or_else(|| lower.python_version.clone()),
            python_platform: target.python_platform.clone(),
            python: self.python.clone().or_else(|| lower.python.clone()),
            universal: target.universal,
            environments: list(&self.environments, &lower.environments),
            required_environments: list(&self.required_environments, &lower.required_environments),
            index_url: self.index_url.clone().or_else(|| lower.index_url.clone()),
            extra_index_urls: if self.index_url.is_some() || !self.extra_index_urls.is_empty() {
                self.extra_index_urls.clone()
            } else {
                lower.extra_index_urls.clone()
            },
            find_links: list(&self.find_links, &lower.find_links),
            no_index: self.no_index || lower.no_index,
            index_strategy: self.index_strategy.or(lower.index_strategy),
            exclude_newer: self
                .exclude_newer
                .clone()
                .or_else(|| lower.exclude_newer.clone()),
            exclude_newer_packages: list(
                &self.exclude_newer_packages,
                &lower.exclude_newer_packages,
            ),
            prerelease: self.prerelease.or(lower.prerelease),
            resolution: self.resolution.or(lower.resolution),
            pre: self.pre || lower.pre,
            only_binary: list(&self.only_binary, &lower.only_binary),
            no_binary: list(&self.no_binary, &lower.no_binary),
            no_build: self.no_build || lower.no_build,
            no_build_packages: list(&self.no_build_packages, &lower.no_build_packages),
            style: StyleRequest {
                no_annotate: self.style.no_annotate || lower.style.no_annotate,
                no_strip_extras: self.style.no_strip_extras || lower.style.no_strip_extras,
                line_annotations: self.style.line_annotations || lower.style.line_annotations,
                emit_index_url: self.style.emit_index_url || lower.style.emit_index_url,
            },
        }
    }

    /// True when this source chooses what to take from the inputs (overrides, extras,
    /// groups).
    pub fn selects(&self) -> bool {
        !self.overrides.is_empty()
            || !self.extras.is_empty()
            || self.all_extras
            || !self.groups.is_empty()
    }

    /// The one environment this request names without asking an interpreter: its Python
    /// version on its platform, else on `default_platform`; `None` when either is missing
    /// (a universal lock names no platform).
    pub fn named_target(
        &self,
        default_platform: Option<&str>,
    ) -> Result<Option<lockit_types::Target>, crate::SettingsError> {
        let platform = self.python_platform.as_deref().or(default_platform);
        let (Some(version), Some(platform)) = (&self.python_version, platform) else {
            return Ok(None);
        };
        let target = |e: lockit_types::TargetError| crate::SettingsError::Target(e.to_string());
        let platform = platform.parse().map_err(target)?;
        lockit_types::Target::new(version, platform)
            .map(Some)
            .map_err(target)
    }

    /// What to take from a pyproject.toml input.
    pub fn selection(&self) -> lockit_lockfile::Selection {
        lockit_lockfile::Selection {
            extras: self.extras.clone(),
            all_extras: self.all_extras,
            groups: self.groups.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upper_source_wins_where_it_says_anything() {
        let header = Requested {
            inputs: vec!["req.in".into()],
            python_version: Some("3.12.0".into()),
            python_platform: Some("x86_64-manylinux_2_28".into()),
            index_url: Some("https://a/simple/".into()),
            extra_index_urls: vec!["https://b/simple/".into()],
            extras: vec!["cli".into()],
            ..Requested::default()
        };
        let flags = Requested {
            python_version: Some("3.11".into()),
            index_url: Some("https://c/simple/".into()),
            ..Requested::default()
        };
        let merged = flags.or(&header);
        assert_eq!(merged.python_version.as_deref(), Some("3.11"));
        assert_eq!(
            merged.python_platform.as_deref(),
            Some("x86_64-manylinux_2_28")
        );
        assert_eq!(merged.inputs, header.inputs);
        // A primary index given replaces the recorded set, extras included.
        assert_eq!(merged.index_url.as_deref(), Some("https://c/simple/"));
        assert!(merged.extra_index_urls.is_empty());
        assert_eq!(merged.extras, ["cli"]);
    }

    #[test]
    fn the_input_selection_is_taken_whole() {
        let header = Requested {
            extras: vec!["cli".into()],
            groups: vec!["test".into()],
            ..Requested::default()
        };
        let flags = Requested {
            all_extras: true,
            ..Requested::default()
        };
        let merged = flags.or(&header);
        assert!(merged.all_extras);
        assert!(merged.extras.is_empty() && merged.groups.is_empty());
    }

    #[test]
    fn a_universal_lock_stays_universal_unless_a_platform_is_given() {
        let header = Requested {
            universal: true,
            python_version: Some("3.10".into()),
            ..Requested::default()
        };
        assert!(Requested::default().or(&header).universal);
        let flags = Requested {
            python_platform: Some("windows".into()),
            ..Requested::default()
        };
        let merged = flags.or(&header);
        assert!(!merged.universal);
        assert_eq!(merged.python_platform.as_deref(), Some("windows"));
    }
}
