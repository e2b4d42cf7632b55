//! The packages PubGrub reasons about: real projects plus virtual ones for extras.

use std::fmt;

use lockit_types::{ExtraName, PackageName};

/// A PubGrub package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pkg {
    /// The user's requirements.
    Root,
    /// A project on the index.
    Project(PackageName),
    /// `project[extra]`: pinned to the project's version, adds the extra's requirements.
    Extra(PackageName, ExtraName),
}

impl Pkg {
    /// The project this package belongs to, if any.
    pub fn name(&self) -> Option<&PackageName> {
        match self {
            Pkg::Root => None,
            Pkg::Project(n) | Pkg::Extra(n, _) => Some(n),
        }
    }
}

impl fmt::Display for Pkg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pkg::Root => f.write_str("your requirements"),
            Pkg::Project(n) => write!(f, "{n}"),
            Pkg::Extra(n, e) => write!(f, "{n}[{e}]"),
        }
    }
}
