//! Explaining a failed resolution to a person.

use std::fmt;

use lockit_dist::Version;
use pubgrub::{DefaultStringReporter, DerivationTree, Ranges, Reporter};

use crate::options::{ResolveOptions, RootRequirement};
use crate::package::Pkg;
use crate::provider::Unavailable;

/// The derivation tree of a failed resolution and its rendering.
#[derive(Debug, Clone)]
pub struct NoSolution {
    tree: DerivationTree<Pkg, Ranges<Version>, Unavailable>,
    text: String,
}

impl NoSolution {
    pub(crate) fn new(
        tree: DerivationTree<Pkg, Ranges<Version>, Unavailable>,
        _roots: &[RootRequirement],
        options: &ResolveOptions,
    ) -> Self {
        let body = DefaultStringReporter::report(&tree);
        let text = format!(
            "no solution for Python {} on {}:\n{}",
            options.target.python_minor(),
            options.target.platform,
            body
        );
        NoSolution { tree, text }
    }

    /// The raw derivation tree.
    pub fn tree(&self) -> &DerivationTree<Pkg, Ranges<Version>, Unavailable> {
        &self.tree
    }
}

impl fmt::Display for NoSolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
