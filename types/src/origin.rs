//! Where a requirement came from: the one type that travels with a requirement from the
//! input parser through the resolver to the lock's `# via` and to `lockit explain`.

use std::fmt;
use std::path::{Path, PathBuf};

use pep440_rs::Version;
use pep508_rs::{PackageName, Requirement};

/// Who asked for a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequirementOrigin {
    /// A line of an input file: a requirements file, a constraints file or a
    /// `pyproject.toml`. The path is as the user gave it (relative stays relative).
    File {
        /// The file.
        path: PathBuf,
        /// The 1-based line the requirement starts on.
        line: usize,
    },
    /// Something that is not a file line, named as a person would say it (a command-line
    /// option, or a pin the resolver tries on its own).
    Named(String),
    /// The `Requires-Dist` metadata of a package version.
    Package {
        /// The package that declares the requirement.
        name: PackageName,
        /// Its version.
        version: Version,
    },
}

impl RequirementOrigin {
    /// The input file, for origins that are one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            RequirementOrigin::File { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The 1-based line in [`Self::file`].
    pub fn line(&self) -> Option<usize> {
        match self {
            RequirementOrigin::File { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The file or name the user wrote the requirement in (`requirements.in`); `None` for
    /// a package's metadata. This is what `# via -r …` names.
    pub fn source(&self) -> Option<String> {
        match self {
            RequirementOrigin::File { path, .. } => Some(path.display().to_string()),
            RequirementOrigin::Named(name) => Some(name.clone()),
            RequirementOrigin::Package { .. } => None,
        }
    }
}

/// `requirements.in:3`, `-P pydantic`, or `pandas 2.2.3`.
impl fmt::Display for RequirementOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequirementOrigin::File { path, line } => write!(f, "{}:{line}", path.display()),
            RequirementOrigin::Named(name) => f.write_str(name),
            RequirementOrigin::Package { name, version } => write!(f, "{name} {version}"),
        }
    }
}

/// A requirement and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedRequirement {
    /// The parsed requirement.
    pub requirement: Requirement,
    /// Who asked for it.
    pub origin: RequirementOrigin,
    /// The requirement as written in an input file: continuations joined, comment removed
    /// and `${VAR}` not expanded. `None` for requirements that were not written in a file.
    pub text: Option<String>,
    /// The `--hash` values written with it (`sha256:<hex>`, lower-case): only files with
    /// one of these hashes may satisfy it.
    pub hashes: Vec<String>,
}

impl SourcedRequirement {
    /// A requirement that was not written in a file (it has no [`Self::text`]).
    pub fn new(requirement: Requirement, origin: RequirementOrigin) -> Self {
        SourcedRequirement {
            requirement,
            origin,
            text: None,
            hashes: Vec::new(),
        }
    }

    /// The requirement as the user wrote it, else as pep508 prints it.
    pub fn written(&self) -> String {
        self.text
            .clone()
            .unwrap_or_else(|| self.requirement.to_string())
    }

    /// `file:line` (or the origin's name), for messages: `flask>=3 (from requirements.in:4)`.
    pub fn location(&self) -> String {
        self.origin.to_string()
    }

    /// True when a user wrote it (an input file or option), not a package's metadata.
    pub fn is_input(&self) -> bool {
        !matches!(self.origin, RequirementOrigin::Package { .. })
    }
}

/// `requirements.in:3 flask>=3`, or `pandas 2.2.3 requires numpy>=1.26`.
impl fmt::Display for SourcedRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            RequirementOrigin::Package { .. } => {
                write!(f, "{} requires {}", self.origin, self.requirement)
            }
            other => write!(f, "{other} {}", self.requirement),
        }
    }
}
