//! Configuration files: `lockit.toml`, or `[tool.lockit]` in `pyproject.toml`, with the
//! same keys as the long options (`index-url`, `exclude-newer`, `only-binary`, …). Found in
//! the current folder or the nearest folder above it that has one; a request from the
//! command line is layered over it ([`Requested::or`]), and pip's configuration counts below
//! it.

use std::path::{Path, PathBuf};

use lockit_index_client::IndexStrategy;
use serde::Deserialize;

use crate::{Requested, StyleRequest};

/// Why a configuration file cannot be used; it names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the configuration file `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a key lockit does not know.
    #[error("invalid configuration in `{}`: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        message: String,
    },
}

/// One value or a list, as a long option given once or repeated.
#[derive(Debug, Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn list(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(v) => vec![v],
            OneOrMany::Many(v) => v,
        }
    }
}

/// The keys a configuration file may set: the long options that decide a lock.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Config {
    python_version: Option<String>,
    python_platform: Option<String>,
    universal: Option<bool>,
    #[serde(default)]
    environment: OneOrMany,
    #[serde(default)]
    required_environment: OneOrMany,
    index_url: Option<String>,
    #[serde(default)]
    extra_index_url: OneOrMany,
    #[serde(default)]
    find_links: OneOrMany,
    index_strategy: Option<String>,
    no_index: Option<bool>,
    exclude_newer: Option<String>,
    #[serde(default)]
    exclude_newer_package: OneOrMany,
    prerelease: Option<String>,
    resolution: Option<String>,
    #[serde(default)]
    only_binary: OneOrMany,
    #[serde(default)]
    no_binary: OneOrMany,
    no_build: Option<bool>,
    #[serde(default)]
    no_build_package: OneOrMany,
    #[serde(default)]
    constraint: OneOrMany,
    no_annotate: Option<bool>,
    no_strip_extras: Option<bool>,
    annotation_style: Option<String>,
    emit_index_url: Option<bool>,
}

/// `pyproject.toml`, of which only `[tool.lockit]` is read.
#[derive(Deserialize)]
struct PyProject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    lockit: Option<toml::Value>,
}

/// The configuration file that applies in `dir`: the nearest `lockit.toml`, or
/// `pyproject.toml` with a `[tool.lockit]` table, in `dir` or a folder above it.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    for folder in dir.ancestors() {
        let lockit = folder.join("lockit.toml");
        if lockit.is_file() {
            return Some(lockit);
        }
        let pyproject = folder.join("pyproject.toml");
        let has_table = std::fs::read_to_string(&pyproject)
            .ok()
            .and_then(|text| toml::from_str::<PyProject>(&text).ok())
            .and_then(|p| p.tool?.lockit)
            .is_some();
        if has_table {
            return Some(pyproject);
        }
    }
    None
}

impl Requested {
    /// What the configuration file at `path` asks for (`lockit.toml`, or a
    /// `pyproject.toml`'s `[tool.lockit]`). Relative paths in it (`constraint`,
    /// `find-links` folders) are relative to the file.
    pub fn from_config(path: &Path) -> Result<Requested, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let config: Config = if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            let table = toml::from_str::<PyProject>(&text)
                .map_err(|e| invalid(e.to_string()))?
                .tool
                .and_then(|t| t.lockit)
                .unwrap_or(toml::Value::Table(Default::default()));
            table
                .try_into()
                .map_err(|e: toml::de::Error| invalid(e.to_string()))?
        } else {
            toml::from_str(&text).map_err(|e| invalid(e.to_string()))?
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        let relative = |p: String| {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                dir.join(p)
            }
        };
        let index_strategy = match config.index_strategy.as_deref() {
            None => None,
            Some("first-index") => Some(IndexStrategy::FirstIndex),
            Some("unsafe-best-match") => Some(IndexStrategy::UnsafeBestMatch),
            Some(other) => {
                return Err(invalid(format!(
                    "`index-strategy = \"{other}\"`: expected first-index or unsafe-best-match"
                )))
            }
        };
        let prerelease = match config.prerelease.as_deref() {
            None => None,
            Some(text) => Some(crate::recorded::prerelease(text).ok_or_else(|| {
                invalid(format!(
                    "`prerelease = \"{text}\"`: expected pep440, allow, disallow, if-necessary, explicit or if-necessary-or-explicit"
                ))
            })?),
        };
        let resolution = match config.resolution.as_deref() {
            None => None,
            Some(text) => Some(crate::recorded::resolution(text).ok_or_else(|| {
                invalid(format!(
                    "`resolution = \"{text}\"`: expected highest, lowest or lowest-direct"
                ))
            })?),
        };
        let line_annotations = match config.annotation_style.as_deref() {
            None | Some("split") => false,
            Some("line") => true,
            Some(other) => {
                return Err(invalid(format!(
                    "`annotation-style = \"{other}\"`: expected split or line"
                )))
            }
        };
        let find_links = config
            .find_links
            .list()
            .into_iter()
            .map(|f| match dir.join(&f) {
                local if !f.contains("://") && local.exists() => local.display().to_string(),
                _ => f,
            })
            .collect();
        Ok(Requested {
            constraints: config.constraint.list().into_iter().map(relative).collect(),
            python_version: config.python_version,
            python_platform: config.python_platform,
            universal: config.universal.unwrap_or(false),
            environments: config.environment.list(),
            required_environments: config.required_environment.list(),
            index_url: config.index_url,
            extra_index_urls: config.extra_index_url.list(),
            find_links,
            no_index: config.no_index.unwrap_or(false),
            index_strategy,
            exclude_newer: config.exclude_newer,
            exclude_newer_packages: config.exclude_newer_package.list(),
            prerelease,
            resolution,
            only_binary: config.only_binary.list(),
            no_binary: config.no_binary.list(),
            no_build: config.no_build.unwrap_or(false),
            no_build_packages: config.no_build_package.list(),
            style: StyleRequest {
                no_annotate: config.no_annotate.unwrap_or(false),
                no_strip_extras: config.no_strip_extras.unwrap_or(false),
                line_annotations,
                emit_index_url: config.emit_index_url.unwrap_or(false),
            },
            ..Requested::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockit_resolver::PrereleaseMode;

    #[test]
    fn a_lockit_toml_sets_what_the_long_options_set() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("lockit.toml"),
            "index-url = \"https://pypi.example/simple/\"\nexclude-newer = \"7 days\"\nonly-binary = \":all:\"\nno-build-package = [\"a\", \"b\"]\nprerelease = \"allow\"\nconstraint = \"c.txt\"\n",
        )
        .expect("write");
        let nested = dir.path().join("src/app");
        std::fs::create_dir_all(&nested).expect("mkdir");
        let found = find_config(&nested).expect("found above");
        let r = Requested::from_config(&found).expect("valid");
        assert_eq!(r.index_url.as_deref(), Some("https://pypi.example/simple/"));
        assert_eq!(r.exclude_newer.as_deref(), Some("7 days"));
        assert_eq!(r.only_binary, [":all:"]);
        assert_eq!(r.no_build_packages, ["a", "b"]);
        assert_eq!(r.prerelease, Some(PrereleaseMode::Allow));
        assert_eq!(r.constraints, [dir.path().join("c.txt")]);
        // The command line wins where it says anything.
        let flags = Requested {
            prerelease: Some(PrereleaseMode::Disallow),
            ..Requested::default()
        };
        let merged = flags.or(&r);
        assert_eq!(merged.prerelease, Some(PrereleaseMode::Disallow));
        assert_eq!(merged.no_build_packages, ["a", "b"]);
    }

    #[test]
    fn pyproject_tool_lockit_counts_and_unknown_keys_are_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pyproject = dir.path().join("pyproject.toml");
        std::fs::write(&pyproject, "[project]\nname = \"x\"\n").expect("write");
        assert_eq!(find_config(dir.path()), None);
        std::fs::write(
            &pyproject,
            "[project]\nname = \"x\"\n[tool.lockit]\nno-build = true\n",
        )
        .expect("write");
        let found = find_config(dir.path()).expect("found");
        assert!(Requested::from_config(&found).expect("valid").no_build);
        std::fs::write(&pyproject, "[tool.lockit]\nindex_url = \"x\"\n").expect("write");
        let e = Requested::from_config(&pyproject).expect_err("unknown key");
        assert!(e.to_string().contains("unknown field `index_url`"), "{e}");
        assert!(e.to_string().contains("pyproject.toml"), "{e}");
    }
}
