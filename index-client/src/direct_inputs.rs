//! The inputs' direct references: local projects (`-e ./dir`, `./dir`) and files or folders
//! named by URL (`name @ https://…/x.whl`, `name @ file:///dir`). Each becomes its
//! package's one candidate, hashed (files) or built for its metadata (folders), before the
//! resolution starts.

use std::collections::HashMap;

use lockit_types::{DistFile, LocalProject, PackageName, SourcedRequirement, UnnamedRequirement};
use pep508_rs::VersionOrUrl;

use crate::{DirectFileError, GitError, GitUrl, IndexClient, LocalProjectError};

/// Why a direct reference of the inputs cannot be used; each names the input line.
#[derive(Debug, thiserror::Error)]
pub enum DirectInputError {
    /// A local project's metadata could not be had.
    #[error("{at}: {source}")]
    Local {
        /// The input line (`requirements.in:3`).
        at: String,
        /// Why.
        source: LocalProjectError,
    },
    /// A local project's built name gives no valid requirement.
    #[error("{at}: the local project `{written}` gives the requirement `{text}`, which is invalid: {reason}")]
    InvalidRequirement {
        /// The input line.
        at: String,
        /// The path as written.
        written: String,
        /// The requirement it gave.
        text: String,
        /// The parser's complaint.
        reason: String,
    },
    /// A file named by URL could not be used.
    #[error("{at}: {source}")]
    File {
        /// The input line.
        at: String,
        /// Why.
        source: DirectFileError,
    },
    /// A git source could not be had.
    #[error("{at}: {source}")]
    Git {
        /// The input line.
        at: String,
        /// Why.
        source: GitError,
    },
    /// One package named from two URLs.
    #[error("{at}: `{name}` is requested from two URLs: {first} and {second}")]
    TwoUrls {
        /// The input line of the second.
        at: String,
        /// The package.
        name: PackageName,
        /// The first URL.
        first: String,
        /// The second URL.
        second: String,
    },
}

/// The local projects of the inputs, built.
#[derive(Debug, Default)]
pub struct LocalProjects {
    /// What they add to the inputs: `name[extras] @ file:///dir` at its line, or for a
    /// pyproject.toml input whose dependencies are dynamic, its `Requires-Dist` with the
    /// selected extras.
    pub requirements: Vec<SourcedRequirement>,
    /// The editable ones by name, with the path as written (`./app`): the lock repeats it
    /// as `-e ./app`.
    pub editables: HashMap<PackageName, String>,
    /// Each project's candidate file (a folder sdist), by name.
    pub files: HashMap<PackageName, DistFile>,
}

impl IndexClient {
    /// Builds the metadata of `projects` (remembered for the run, so the resolver reads it
    /// like any other version's).
    pub async fn local_projects(
        &self,
        projects: &[LocalProject],
    ) -> Result<LocalProjects, DirectInputError> {
        let mut out = LocalProjects::default();
        for project in projects {
            let at = &project.origin;
            let (file, meta) = self
                .local_project(&project.path, project.editable, None)
                .await
                .map_err(|source| DirectInputError::Local {
                    at: at.to_string(),
                    source,
                })?;
            if project.dependencies_only {
                out.requirements.extend(meta.requires_dist.iter().map(|r| {
                    let mut r = r.clone();
                    r.marker = r.marker.simplify_extras(&project.extras);
                    SourcedRequirement::new(r, at.clone())
                }));
                continue;
            }
            let extras = if project.extras.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = project.extras.iter().map(ToString::to_string).collect();
                format!("[{}]", names.join(","))
            };
            let text = format!("{}{extras} @ {}", meta.name, file.url);
            let requirement = lockit_types::parse_requirement(&text).map_err(|e| {
                DirectInputError::InvalidRequirement {
                    at: at.to_string(),
                    written: project.written.clone(),
                    text: text.clone(),
                    reason: e.message,
                }
            })?;
            let mut sourced = SourcedRequirement::new(requirement, at.clone());
            sourced.text = Some(project.text.clone());
            out.requirements.push(sourced);
            let name = file.filename.name().clone();
            if project.editable {
                out.editables.insert(name.clone(), project.written.clone());
            }
            out.files.insert(name, file);
        }
        Ok(out)
    }

    /// The file each URL requirement of `roots` names, hashed by reading it (and checked
    /// against its `#sha256=` fragment), so the lock can pin it with `--hash` like any
    /// other; a `file:///dir` URL is a local project, built (`local` holds those already
    /// built); a `git+` URL is checked out at its reference, or at the commit `locked`
    /// pins for the same repository (a re-lock keeps it), and built.
    pub async fn direct_files(
        &self,
        roots: &[SourcedRequirement],
        local: &HashMap<PackageName, DistFile>,
        locked: &HashMap<PackageName, String>,
    ) -> Result<HashMap<PackageName, DistFile>, DirectInputError> {
        let mut files: HashMap<PackageName, DistFile> = HashMap::new();
        for root in roots {
            let Some(VersionOrUrl::Url(url)) = &root.requirement.version_or_url else {
                continue;
            };
            let (at, name) = (root.location(), &root.requirement.name);
            if let Some(git) = GitUrl::parse(url.given().unwrap_or(url.as_str())) {
                let git = git.map_err(|source| DirectInputError::Git {
                    at: at.clone(),
                    source,
                })?;
                let file =
                    self.git_file(name, &git, locked.get(name))
                        .await
                        .map_err(|e| match e {
                            GitFileError::Git(source) => DirectInputError::Git {
                                at: at.clone(),
                                source,
                            },
                            GitFileError::Local(source) => DirectInputError::Local {
                                at: at.clone(),
                                source,
                            },
                        })?;
                files.insert(name.clone(), file);
                continue;
            }
            let url = url.to_url();
            let folder = (url.scheme() == "file")
                .then(|| url.to_file_path().ok())
                .flatten()
                .filter(|p| p.is_dir());
            let file = if let Some(file) = local.get(name).filter(|f| f.url == url.as_str()) {
                file.clone()
            } else if let Some(dir) = folder {
                self.local_project(&dir, false, Some(name))
                    .await
                    .map_err(|source| DirectInputError::Local {
                        at: at.clone(),
                        source,
                    })?
                    .0
            } else {
                self.direct_file(name, &url)
                    .await
                    .map_err(|source| DirectInputError::File {
                        at: at.clone(),
                        source,
                    })?
            };
            if let Some(other) = files.get(name).filter(|o| o.url != file.url) {
                return Err(DirectInputError::TwoUrls {
                    at,
                    name: name.clone(),
                    first: other.url.clone(),
                    second: file.url.clone(),
                });
            }
            files.insert(name.clone(), file);
        }
        Ok(files)
    }
}

impl IndexClient {
    /// The requirements `unnamed` stand for, named by what their builds say:
    /// `name @ git+…` at the line that wrote the bare URL. A source `locked` pins (same
    /// repository and subdirectory) is built at that commit, with no fetch.
    pub async fn name_unnamed(
        &self,
        unnamed: &[UnnamedRequirement],
        locked: &HashMap<PackageName, String>,
    ) -> Result<Vec<SourcedRequirement>, DirectInputError> {
        let mut out = Vec::new();
        for u in unnamed {
            let at = u.origin.to_string();
            let git = GitUrl::parse(&u.url)
                .unwrap_or_else(|| {
                    Err(GitError::Invalid {
                        url: crate::git::redact(&u.url),
                        reason: "expected a git+ URL".to_string(),
                    })
                })
                .map_err(|source| DirectInputError::Git {
                    at: at.clone(),
                    source,
                })?;
            let pinned = locked
                .values()
                .filter_map(|url| GitUrl::parse(url)?.ok())
                .find(|l| l.source() == git.source())
                .and_then(|l| l.reference.map(|sha| git.at(&sha)));
            let checkout = self
                .git_checkout(pinned.as_ref().unwrap_or(&git))
                .await
                .map_err(|source| DirectInputError::Git {
                    at: at.clone(),
                    source,
                })?;
            let (_, meta) = self
                .local_project(&checkout.project, false, None)
                .await
                .map_err(|source| DirectInputError::Local {
                    at: at.clone(),
                    source,
                })?;
            let text = match &u.marker {
                Some(m) => format!("{} @ {} ; {m}", meta.name, u.url),
                None => format!("{} @ {}", meta.name, u.url),
            };
            let requirement = lockit_types::parse_requirement(&text).map_err(|e| {
                DirectInputError::InvalidRequirement {
                    at: at.clone(),
                    written: u.url.clone(),
                    text: text.clone(),
                    reason: e.message,
                }
            })?;
            let mut sourced = SourcedRequirement::new(requirement, u.origin.clone());
            sourced.text = Some(u.text.clone());
            out.push(sourced);
        }
        Ok(out)
    }
}

/// Why a git requirement's candidate cannot be had.
enum GitFileError {
    Git(GitError),
    Local(LocalProjectError),
}

impl IndexClient {
    /// The candidate of `name` from the git source `git`: at the commit `locked` pins
    /// when it is the same repository and subdirectory, else at the reference; built as a
    /// local project, its URL pinned to the full SHA.
    async fn git_file(
        &self,
        name: &PackageName,
        git: &GitUrl,
        locked: Option<&String>,
    ) -> Result<DistFile, GitFileError> {
        let pinned = locked
            .and_then(|url| GitUrl::parse(url)?.ok())
            .filter(|l| l.source() == git.source())
            .and_then(|l| l.reference.map(|sha| git.at(&sha)));
        let source = pinned.as_ref().unwrap_or(git);
        let checkout = self.git_checkout(source).await.map_err(GitFileError::Git)?;
        let (mut file, _) = self
            .local_project(&checkout.project, false, Some(name))
            .await
            .map_err(GitFileError::Local)?;
        file.url = git.pinned(&checkout.sha);
        Ok(file)
    }
}
