//! Scenario files: a synthetic index (one `[[packages]]` entry per version), plus the
//! resolution input and expected result that a test reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lockit_types::{PackageName, Requirement, Version, VersionSpecifiers};
use serde::{Deserialize, Serialize};

/// The upload time given to files whose scenario entry names none.
pub const DEFAULT_UPLOAD_TIME: &str = "2024-01-01T00:00:00Z";

/// A synthetic index and, optionally, what resolving against it should give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short identifier, e.g. `two-library-numpy-clash`.
    pub name: String,
    /// What the scenario exercises.
    #[serde(default)]
    pub description: Option<String>,
    /// One entry per published version.
    #[serde(default)]
    pub packages: Vec<PackageSpec>,
    /// The requirements to resolve.
    #[serde(default)]
    pub root: RootSpec,
    /// Resolver settings for the test.
    #[serde(default)]
    pub options: ScenarioOptions,
    /// The result a test should see.
    #[serde(default)]
    pub expected: Option<Expected>,
}

/// One published version of a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSpec {
    /// Project name as written in `METADATA` (normalized for URLs).
    pub name: String,
    /// PEP 440 version.
    pub version: String,
    /// `Requires-Dist` lines (PEP 508).
    #[serde(default)]
    pub requires: Vec<String>,
    /// `Provides-Extra` names.
    #[serde(default)]
    pub extras: Vec<String>,
    /// `Requires-Python`, also listed on the page.
    #[serde(default)]
    pub requires_python: Option<String>,
    /// Wheel tag triples (`py3-none-any`); empty means no wheel.
    #[serde(default = "default_wheels")]
    pub wheels: Vec<String>,
    /// Also publish `name-version.tar.gz`.
    #[serde(default)]
    pub sdist: bool,
    /// How the sdist gives its metadata: statically, or only by building it.
    #[serde(default)]
    pub build: SdistBuild,
    /// `false`, `true` or a reason.
    #[serde(default)]
    pub yanked: YankedSpec,
    /// RFC 3339 upload time of every file of this version.
    #[serde(default)]
    pub upload_time: Option<String>,
    /// Publish PEP 658 `<wheel>.metadata` files.
    #[serde(default = "yes")]
    pub metadata_file: bool,
}

fn default_wheels() -> Vec<String> {
    vec!["py3-none-any".to_string()]
}

fn yes() -> bool {
    true
}

/// How an sdist gives its metadata (`build = "..."`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SdistBuild {
    /// `PKG-INFO` (Metadata-Version 2.2) and a static `[project]` table: no build needed.
    #[default]
    Static,
    /// Metadata-Version 2.1 `PKG-INFO` without dependencies and `dynamic = ["dependencies"]`;
    /// an in-tree backend (`backend-path = ["."]`, no build requirements) computes
    /// `Requires-Dist` when `prepare_metadata_for_build_wheel` runs. Every hook call
    /// appends `<hook> <name> <version>` to the file `$LOCKIT_TEST_BUILD_LOG` names.
    Dynamic,
    /// As `dynamic`, without `prepare_metadata_for_build_wheel`: frontends must call
    /// `build_wheel` and read the wheel's `METADATA`.
    WheelOnly,
    /// As `dynamic`, but `prepare_metadata_for_build_wheel` and `build_wheel` print a few
    /// lines and raise `RuntimeError`.
    Fails,
}

/// A version's yank status as written in a scenario: a flag or a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum YankedSpec {
    /// `yanked = true` / `false`.
    Flag(bool),
    /// `yanked = "reason"`.
    Reason(String),
}

impl Default for YankedSpec {
    fn default() -> Self {
        YankedSpec::Flag(false)
    }
}

impl YankedSpec {
    /// `None` when not yanked, else the reason (empty for `true`).
    pub fn reason(&self) -> Option<String> {
        match self {
            YankedSpec::Flag(false) => None,
            YankedSpec::Flag(true) => Some(String::new()),
            YankedSpec::Reason(r) => Some(r.clone()),
        }
    }
}

/// The requirements a test resolves (`[root]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RootSpec {
    /// PEP 508 requirements, as a `requirements.in` would list them.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Anything else (constraints, overrides...), for tests to interpret.
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

/// Resolver settings (`[options]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOptions {
    /// `--python-version`, e.g. `3.12`.
    #[serde(default)]
    pub python_version: Option<String>,
    /// `--python-platform`, e.g. `x86_64-manylinux_2_17`.
    #[serde(default)]
    pub python_platform: Option<String>,
    /// `--exclude-newer`, RFC 3339.
    #[serde(default)]
    pub exclude_newer: Option<String>,
    /// `--prerelease` mode, e.g. `allow`, `if-necessary`.
    #[serde(default)]
    pub prerelease: Option<String>,
    /// `--resolution` mode, e.g. `lowest`.
    #[serde(default)]
    pub resolution: Option<String>,
    /// Further options, for tests to interpret.
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

/// The expected result (`[expected]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    /// Whether a resolution exists.
    #[serde(default = "yes")]
    pub satisfiable: bool,
    /// Normalized name to pinned version.
    #[serde(default)]
    pub packages: BTreeMap<String, String>,
    /// Why, for the reader (and text an error report should contain).
    #[serde(default)]
    pub explanation: Option<String>,
    /// Further expectations, for tests to interpret.
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

/// Why a scenario could not be loaded or built.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario `{}`: {source}", path.display())]
    Io {
        /// The scenario file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown keys.
    #[error("invalid scenario{}: {source}", path.as_ref().map(|p| format!(" `{}`", p.display())).unwrap_or_default())]
    Toml {
        /// The scenario file, when read from one.
        path: Option<PathBuf>,
        /// The parser's message.
        source: toml::de::Error,
    },
    /// A package entry holds a value that does not parse.
    #[error("scenario `{scenario}`, `{package}` {version}: {reason}")]
    Invalid {
        /// The scenario's name.
        scenario: String,
        /// The package entry's name.
        package: String,
        /// The package entry's version.
        version: String,
        /// What is wrong.
        reason: String,
    },
    /// Building an artifact failed (zip or tar writer).
    #[error("cannot build `{filename}`: {reason}")]
    Build {
        /// The artifact.
        filename: String,
        /// The writer's message.
        reason: String,
    },
}

impl Scenario {
    /// Parses and validates a scenario.
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        let s: Scenario =
            toml::from_str(text).map_err(|source| ScenarioError::Toml { path: None, source })?;
        s.validate()?;
        Ok(s)
    }

    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Scenario::from_toml(&text).map_err(|e| match e {
            ScenarioError::Toml { source, .. } => ScenarioError::Toml {
                path: Some(path.to_path_buf()),
                source,
            },
            e => e,
        })
    }

    /// Checks every value a server or test would later parse, so a typo in a scenario is
    /// reported with its package and version instead of surfacing as a resolver failure.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut seen = std::collections::BTreeSet::new();
        for p in &self.packages {
            let invalid = |reason: String| ScenarioError::Invalid {
                scenario: self.name.clone(),
                package: p.name.clone(),
                version: p.version.clone(),
                reason,
            };
            let name = PackageName::from_str(&p.name)
                .map_err(|e| invalid(format!("invalid name: {e}")))?;
            let version = Version::from_str(&p.version)
                .map_err(|e| invalid(format!("invalid version: {e}")))?;
            if !seen.insert((name, version)) {
                return Err(invalid("listed twice".into()));
            }
            for r in &p.requires {
                r.parse::<Requirement>()
                    .map_err(|e| invalid(format!("invalid requirement `{r}`: {}", e.message)))?;
            }
            for e in &p.extras {
                lockit_types::ExtraName::from_str(e)
                    .map_err(|err| invalid(format!("invalid extra `{e}`: {err}")))?;
            }
            if let Some(rp) = &p.requires_python {
                VersionSpecifiers::from_str(rp)
                    .map_err(|e| invalid(format!("invalid requires_python `{rp}`: {e}")))?;
            }
            let mut tags = std::collections::BTreeSet::new();
            for t in &p.wheels {
                let parts = lockit_types::TagSet::parse(t).map(|set| set.parts());
                if !parts.is_some_and(|parts| parts.iter().all(|p| !p.is_empty())) {
                    return Err(invalid(format!(
                        "wheel tag `{t}` is not a `python-abi-platform` triple"
                    )));
                }
                if !tags.insert(t) {
                    return Err(invalid(format!("wheel tag `{t}` listed twice")));
                }
            }
            if p.build != SdistBuild::Static && !p.sdist {
                return Err(invalid("`build` needs `sdist = true`".into()));
            }
            if let Some(t) = &p.upload_time {
                jiff::Timestamp::from_str(t)
                    .map_err(|e| invalid(format!("invalid upload_time `{t}`: {e}")))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_scenario() {
        let s = Scenario::from_toml(
            r#"
name = "demo"
description = "d"
[[packages]]
name = "numpy"
version = "2.1.0"
requires = ["dep>=1; python_version >= '3.8'", "extra-dep; extra == 'fast'"]
extras = ["fast"]
requires_python = ">=3.10"
wheels = ["cp312-cp312-manylinux_2_17_x86_64", "py3-none-any"]
sdist = true
yanked = "broken"
[[packages]]
name = "dep"
version = "1.0"
wheels = []
sdist = true
yanked = true
[root]
requires = ["numpy"]
constraints = ["dep<2"]
[options]
python_version = "3.12"
exclude_newer = "2024-06-01T00:00:00Z"
custom = 1
[expected]
satisfiable = true
packages = { numpy = "2.1.0", dep = "1.0" }
"#,
        )
        .unwrap();
        assert_eq!(s.packages.len(), 2);
        assert_eq!(s.packages[0].yanked.reason().as_deref(), Some("broken"));
        assert_eq!(s.packages[1].yanked.reason().as_deref(), Some(""));
        assert!(s.packages[1].wheels.is_empty());
        assert!(s.packages[1].metadata_file);
        assert_eq!(s.root.requires, vec!["numpy"]);
        assert!(s.root.other.contains_key("constraints"));
        assert_eq!(s.options.python_version.as_deref(), Some("3.12"));
        assert!(s.options.other.contains_key("custom"));
        let e = s.expected.unwrap();
        assert!(e.satisfiable);
        assert_eq!(e.packages["numpy"], "2.1.0");
    }

    #[test]
    fn defaults() {
        let s = Scenario::from_toml("name = \"x\"\n[[packages]]\nname = \"a\"\nversion = \"1\"\n")
            .unwrap();
        let p = &s.packages[0];
        assert_eq!(p.wheels, vec!["py3-none-any"]);
        assert!(!p.sdist && p.metadata_file && p.yanked.reason().is_none());
        assert!(s.expected.is_none());
    }

    #[test]
    fn rejects_bad_entries() {
        for (body, needle) in [
            ("version = \"x.y\"", "invalid version"),
            (
                "version = \"1\"\nrequires = [\"b >>> 1\"]",
                "invalid requirement",
            ),
            ("version = \"1\"\nwheels = [\"py3-none\"]", "triple"),
            (
                "version = \"1\"\nrequires_python = \"3.8\"",
                "requires_python",
            ),
            (
                "version = \"1\"\nupload_time = \"yesterday\"",
                "upload_time",
            ),
            ("version = \"1\"\nbogus = 1", "unknown field"),
        ] {
            let text = format!("name = \"x\"\n[[packages]]\nname = \"a\"\n{body}\n");
            let err = Scenario::from_toml(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "{body}: {err}");
        }
        let dup = "name = \"x\"\n[[packages]]\nname = \"a\"\nversion = \"1.0\"\n[[packages]]\nname = \"A\"\nversion = \"1\"\n";
        assert!(Scenario::from_toml(dup)
            .unwrap_err()
            .to_string()
            .contains("twice"));
    }
}
