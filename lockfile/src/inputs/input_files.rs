//! Everything a run reads from its input files: requirements (from requirements files or a
//! `pyproject.toml`), constraints (`-c`) and overrides (`--override`), each with its origin.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lockit_resolver::Resolution;
use lockit_types::{
    url_file_name, DistFile, LocalProject, PackageName, Requirement, RequirementOrigin,
    SourcedRequirement, UnnamedRequirement, Version, VersionSpecifiers,
};

use crate::format::lock_file::is_toml;
use crate::{PyProject, PyProjectError, RequirementsError, RequirementsFile, Selection};

/// Why the inputs cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A requirements, constraints or overrides file is unreadable or malformed.
    #[error(transparent)]
    Requirements(#[from] RequirementsError),
    /// A `pyproject.toml` is unreadable, malformed or lacks a selected extra or group.
    #[error(transparent)]
    PyProject(#[from] PyProjectError),
    /// A script's PEP 723 metadata is missing or malformed.
    #[error(transparent)]
    Script(#[from] super::script::ScriptError),
    /// `--extra`, `--all-extras` or `--group` without a `pyproject.toml` to select from.
    #[error(
        "--extra, --all-extras and --group select from a pyproject.toml; pass one as an input"
    )]
    SelectionWithoutPyProject,
    /// A constraints or overrides file names a local project, which only requirements may.
    #[error("{at}: a local project (`{written}`) can only be a requirement, not a constraint or override")]
    LocalProjectNotRequired {
        /// `file:line`.
        at: String,
        /// The path as written.
        written: String,
    },
}

/// Refuses the local projects of a constraints or overrides file.
fn no_local_projects(file: &RequirementsFile) -> Result<(), InputError> {
    let first = file
        .local_projects
        .iter()
        .map(|p| (&p.origin, &p.written))
        .chain(file.unnamed.iter().map(|u| (&u.origin, &u.url)))
        .next();
    match first {
        Some((origin, written)) => Err(InputError::LocalProjectNotRequired {
            at: origin.to_string(),
            written: written.clone(),
        }),
        None => Ok(()),
    }
}

/// The requirements file on stdin (`-`).
fn read_stdin(path: &Path) -> Result<RequirementsFile, RequirementsError> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|source| {
        RequirementsError::Read {
            path: path.to_path_buf(),
            source,
        }
    })?;
    RequirementsFile::parse(&text, path)
}

/// A requirement whose `--hash` values no file of its pin has.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: `{}` promises files with the hash{} {}, but no file of {name} {version} has one; the index has {}",
    requirement.location(),
    requirement.written(),
    if requirement.hashes.len() == 1 { "" } else { "es" },
    requirement.hashes.join(", "),
    if index.is_empty() { "no hashed files".to_string() } else { index.join(", ") }
)]
pub struct HashMismatch {
    /// The requirement, with its `--hash` values.
    pub requirement: SourcedRequirement,
    /// The package it pins.
    pub name: PackageName,
    /// The version the resolution chose.
    pub version: Version,
    /// What the index has: `sha256:<hex> (filename)`.
    pub index: Vec<String>,
}

/// The requirements, constraints and overrides of one run.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// What the resolver starts from, in input order.
    pub requirements: Vec<SourcedRequirement>,
    /// Constraints: `-c` files and constraint lines inside requirements files.
    pub constraints: Vec<SourcedRequirement>,
    /// Local projects named by path (`-e ./dir`, `./dir`), in input order: they join
    /// `requirements` once a build has named them.
    pub local_projects: Vec<LocalProject>,
    /// Requirements named only by a VCS URL: they join `requirements` once a build has
    /// named them.
    pub unnamed: Vec<UnnamedRequirement>,
    /// `--override` requirements by package.
    pub overrides: HashMap<PackageName, Vec<Requirement>>,
    /// The requirements files read (for the index and binary options they set).
    pub files: Vec<RequirementsFile>,
    /// A pyproject.toml's `requires-python` and the file that says it.
    pub requires_python: Option<(VersionSpecifiers, PathBuf)>,
}

impl Inputs {
    /// Reads `paths` (requirements files, `-` for stdin, or `pyproject.toml` from which
    /// `selection` picks extras and groups), the constraint files and the override files.
    pub fn read(
        paths: &[PathBuf],
        constraint_paths: &[PathBuf],
        override_paths: &[PathBuf],
        selection: &Selection,
    ) -> Result<Inputs, InputError> {
        let selects =
            !selection.extras.is_empty() || selection.all_extras || !selection.groups.is_empty();
        if selects && !paths.iter().any(|p| is_toml(p)) {
            return Err(InputError::SelectionWithoutPyProject);
        }
        let mut inputs = Inputs::default();
        for path in paths {
            if super::script::is_script(path) {
                let script = super::script::read_script(path)?;
                if let Some(rp) = script.requires_python {
                    inputs.requires_python = Some((rp, path.clone()));
                }
                inputs.requirements.extend(script.requirements);
            } else if is_toml(path) {
                let project = PyProject::read(path)?;
                if let Some(rp) = &project.requires_python {
                    inputs.requires_python = Some((rp.clone(), path.clone()));
                }
                if project.dynamic_dependencies {
                    let folder = match path.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                        _ => PathBuf::from("."),
                    };
                    let folder = std::path::absolute(&folder).unwrap_or(folder);
                    inputs.local_projects.push(LocalProject {
                        path: folder,
                        written: path.display().to_string(),
                        editable: false,
                        extras: project.dynamic_extras(selection),
                        origin: RequirementOrigin::Named(path.display().to_string()),
                        text: path.display().to_string(),
                        dependencies_only: true,
                    });
                }
                inputs.requirements.extend(project.requirements(selection)?);
            } else {
                let file = if path.as_os_str() == "-" {
                    read_stdin(path)?
                } else {
                    RequirementsFile::read(path)?
                };
                inputs
                    .requirements
                    .extend(file.requirements.iter().cloned());
                inputs.constraints.extend(file.constraints.iter().cloned());
                inputs
                    .local_projects
                    .extend(file.local_projects.iter().cloned());
                inputs.unnamed.extend(file.unnamed.iter().cloned());
                inputs.files.push(file);
            }
        }
        for path in constraint_paths {
            let file = RequirementsFile::read(path)?;
            no_local_projects(&file)?;
            inputs.constraints.extend(file.requirements);
            inputs.constraints.extend(file.constraints);
        }
        for path in override_paths {
            let file = RequirementsFile::read(path)?;
            no_local_projects(&file)?;
            for o in file.requirements.iter().chain(&file.constraints) {
                inputs
                    .overrides
                    .entry(o.requirement.name.clone())
                    .or_default()
                    .push(o.requirement.clone());
            }
        }
        Ok(inputs)
    }

    /// Keeps, of each pinned package that an input requirement gives `--hash` values for
    /// (or a `#sha256=` URL fragment, already checked when the file was hashed), only the
    /// files with one of those hashes: hashes in inputs are promises, never replaced.
    pub fn keep_promised(&self, resolution: &mut Resolution) -> Result<(), Box<HashMismatch>> {
        for r in self.requirements.iter().filter(|r| !r.hashes.is_empty()) {
            let Some(p) = resolution
                .packages
                .iter_mut()
                .find(|p| p.name == r.requirement.name)
            else {
                continue;
            };
            let promised = |f: &DistFile| {
                f.sha256.as_ref().is_some_and(|h| {
                    r.hashes
                        .contains(&format!("sha256:{}", h.to_ascii_lowercase()))
                })
            };
            if !p.files.iter().any(promised) {
                return Err(Box::new(HashMismatch {
                    requirement: r.clone(),
                    name: p.name.clone(),
                    version: p.version.clone(),
                    index: p
                        .files
                        .iter()
                        .filter_map(|f| {
                            let h = f.sha256.as_ref()?;
                            Some(format!("sha256:{h} ({})", url_file_name(&f.url)))
                        })
                        .collect(),
                }));
            }
            p.files.retain(promised);
        }
        Ok(())
    }

    /// The inputs' requirements on `name`.
    pub fn requirements_on<'a>(
        &'a self,
        name: &'a PackageName,
    ) -> impl Iterator<Item = &'a SourcedRequirement> {
        self.requirements
            .iter()
            .filter(move |r| &r.requirement.name == name)
    }

    /// The first requirements file's own `--pre`.
    pub fn pre(&self) -> bool {
        self.files.first().is_some_and(|f| f.pre)
    }

    /// `--index-url` of the first requirements file that sets one.
    pub fn index_url(&self) -> Option<&str> {
        self.files.iter().find_map(|f| f.index_url.as_deref())
    }

    /// Every file's `--extra-index-url`, `--find-links`, `--only-binary` or `--no-binary`
    /// values, in file order (`list` picks which).
    pub fn file_options(&self, list: impl Fn(&RequirementsFile) -> &Vec<String>) -> Vec<String> {
        self.files.iter().flat_map(|f| list(f).clone()).collect()
    }
}
