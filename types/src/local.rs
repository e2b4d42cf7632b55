//! Local projects: source trees a requirements file names by path (`-e ./dir`, `./dir`,
//! `file:///dir`), whose name, version and dependencies only a PEP 517 build tells.

use std::path::PathBuf;

use pep508_rs::ExtraName;

use crate::RequirementOrigin;

/// A local project named by path, before its metadata is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalProject {
    /// The folder on disk (a relative path is joined to its requirements file's folder).
    pub path: PathBuf,
    /// The path or URL as written (`./dir`), which the lock repeats for an editable.
    pub written: String,
    /// `-e`: to be installed in editable mode (PEP 660).
    pub editable: bool,
    /// The extras asked for: `./dir[test]`.
    pub extras: Vec<ExtraName>,
    /// Where it was written.
    pub origin: RequirementOrigin,
    /// The line as written, for `# via` and messages.
    pub text: String,
    /// The inputs' own project (a `pyproject.toml` whose dependencies are dynamic): its
    /// dependencies are locked in its place, as pip-compile locks a `setup.py`'s.
    pub dependencies_only: bool,
}

/// A requirement named only by a VCS URL (`git+https://host/repo@v1.0`, with no `name @`
/// and no `#egg=`): its name is what its built metadata says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnnamedRequirement {
    /// The URL as written.
    pub url: String,
    /// The marker after `;`, if any.
    pub marker: Option<String>,
    /// Where it was written.
    pub origin: RequirementOrigin,
    /// The line as written, for `# via` and messages.
    pub text: String,
}
