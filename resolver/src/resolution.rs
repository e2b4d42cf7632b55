//! The result of a successful resolution: one pin per project, with who asked for it.

use std::sync::Arc;

use lockit_types::{CoreMetadata, DistFile, ExtraName, PackageName, Requirement, Version};

/// Who required a package, with the requirement as written.
#[derive(Debug, Clone)]
pub enum Dependent {
    /// A top-level requirement.
    Root {
        /// The file it came from.
        source: String,
        /// Its line, when known.
        line: Option<usize>,
        /// The requirement.
        requirement: Requirement,
    },
    /// Another pinned package.
    Package {
        /// The dependent's name.
        name: PackageName,
        /// The dependent's pinned version.
        version: Version,
        /// Its `Requires-Dist` entry.
        requirement: Requirement,
    },
}

impl Dependent {
    /// Inputs first (by file), then packages by name.
    pub(crate) fn sort_key(&self) -> (u8, String) {
        match self {
            Dependent::Root { source, .. } => (0, source.clone()),
            Dependent::Package { name, .. } => (1, name.to_string()),
        }
    }
}

/// One pinned project.
#[derive(Debug, Clone)]
pub struct ResolvedPackage {
    /// Normalized name.
    pub name: PackageName,
    /// Pinned version.
    pub version: Version,
    /// Every file published for the version, sorted by URL.
    pub files: Vec<DistFile>,
    /// Extras that were requested and resolved.
    pub extras: Vec<ExtraName>,
    /// Who requires it, inputs first.
    pub dependents: Vec<Dependent>,
    /// The metadata the dependencies were read from.
    pub metadata: Option<Arc<CoreMetadata>>,
    /// The direct URL the package comes from, when the user named one.
    pub url: Option<String>,
}

/// A complete, consistent set of pins, sorted by name.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// The pins.
    pub packages: Vec<ResolvedPackage>,
}

impl Resolution {
    /// The pin for `name`, if any.
    pub fn get(&self, name: &PackageName) -> Option<&ResolvedPackage> {
        self.packages
            .binary_search_by(|p| p.name.cmp(name))
            .ok()
            .map(|i| &self.packages[i])
    }
}
