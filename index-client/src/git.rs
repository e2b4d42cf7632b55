//! Git sources (`name @ git+https://host/repo@v1.0#subdirectory=pkg`), fetched with the
//! `git` program as pip and uv do: a bare clone per repository URL (the cache's
//! `git-v1/db`), a reference resolved to its full commit SHA, and that commit's tree
//! unpacked once per SHA (`git-v1/checkouts`), where the PEP 517 path builds it like any
//! local project. Credentials in the URL are never printed: errors show the URL redacted.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::IndexClient;

/// The VCS schemes pip knows; only git is supported.
const OTHER_VCS: &[&str] = &["hg+", "svn+", "bzr+"];

/// A parsed `git+` URL: the repository, the reference asked for and the subdirectory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitUrl {
    /// The repository URL git is given (`https://host/repo.git`), credentials included.
    pub repository: String,
    /// `@ref`: a tag, branch or commit; `None` for the default branch.
    pub reference: Option<String>,
    /// `#subdirectory=`: where the project sits in the repository.
    pub subdirectory: Option<String>,
}

/// Why a git source cannot be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    /// `hg+`, `svn+` or `bzr+`.
    #[error("`{url}`: {scheme} repositories are not supported; only git+ URLs are")]
    UnsupportedScheme {
        /// The URL, redacted.
        url: String,
        /// `hg`, `svn`, `bzr`.
        scheme: String,
    },
    /// Not a URL git can be given.
    #[error("`{url}` is not a git URL: {reason}")]
    Invalid {
        /// The URL, redacted.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The `git` program is missing or failed.
    #[error("git failed on `{url}`: {reason}")]
    Command {
        /// The URL, redacted.
        url: String,
        /// git's last error line.
        reason: String,
    },
    /// The reference names no tag, branch or commit.
    #[error("`{url}` has no tag, branch or commit `{reference}`")]
    NoSuchReference {
        /// The URL, redacted.
        url: String,
        /// The reference.
        reference: String,
    },
    /// `--offline`, and the cache does not hold the repository or the reference.
    #[error("`{url}`@{reference} is not in the cache, and --offline forbids fetching it")]
    Offline {
        /// The URL, redacted.
        url: String,
        /// The reference.
        reference: String,
    },
    /// The subdirectory does not exist at that commit.
    #[error("`{url}` has no subdirectory `{subdirectory}` at commit {sha}")]
    NoSubdirectory {
        /// The URL, redacted.
        url: String,
        /// The subdirectory.
        subdirectory: String,
        /// The commit.
        sha: String,
    },
}

/// A commit's tree on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitCheckout {
    /// The full commit SHA the reference resolved to.
    pub sha: String,
    /// The project folder: the tree, or its subdirectory.
    pub project: PathBuf,
}

impl GitUrl {
    /// Parses `git+SCHEME://…[@ref][#subdirectory=…&egg=…]`; `None` when `url` is no VCS
    /// URL at all, an error for another VCS or a malformed one.
    pub fn parse(url: &str) -> Option<Result<GitUrl, GitError>> {
        if let Some(scheme) = OTHER_VCS.iter().find(|s| url.starts_with(*s)) {
            return Some(Err(GitError::UnsupportedScheme {
                url: redact(url),
                scheme: scheme.trim_end_matches('+').to_string(),
            }));
        }
        let rest = url.strip_prefix("git+")?;
        Some(Self::parse_git(rest).map_err(|reason| GitError::Invalid {
            url: redact(url),
            reason,
        }))
    }

    fn parse_git(rest: &str) -> Result<GitUrl, String> {
        let (location, fragment) = match rest.split_once('#') {
            Some((l, f)) => (l, Some(f)),
            None => (rest, None),
        };
        let scheme_end = location
            .find("://")
            .ok_or_else(|| "expected git+SCHEME://…".to_string())?;
        let scheme = &location[..scheme_end];
        if !["https", "http", "ssh", "file", "git"].contains(&scheme) {
            return Err(format!("the scheme `git+{scheme}` is not one git fetches"));
        }
        // The reference follows the last `@` of the path (an `@` before it is a user).
        let path_start = location[scheme_end + 3..]
            .find('/')
            .map_or(location.len(), |i| scheme_end + 3 + i);
        let (repository, reference) = match location[path_start..].rfind('@') {
            Some(at) => {
                let at = path_start + at;
                (&location[..at], Some(&location[at + 1..]))
            }
            None => (location, None),
        };
        if reference.is_some_and(str::is_empty) {
            return Err("an empty reference after `@`".to_string());
        }
        let subdirectory = fragment
            .into_iter()
            .flat_map(|f| f.split('&'))
            .find_map(|kv| kv.strip_prefix("subdirectory="))
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if subdirectory.as_deref().is_some_and(|s| {
            Path::new(s)
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        }) {
            return Err("`subdirectory` must be a relative path inside the repository".into());
        }
        Ok(GitUrl {
            repository: repository.to_string(),
            reference: reference.map(str::to_string),
            subdirectory,
        })
    }

    /// The URL pinned to `sha`, as the lock writes it: `git+URL@SHA[#subdirectory=…]`,
    /// without credentials (a lock is shared; they come from the input, netrc or git's
    /// credential helpers wherever it is used).
    pub fn pinned(&self, sha: &str) -> String {
        let sub = self
            .subdirectory
            .as_ref()
            .map(|s| format!("#subdirectory={s}"))
            .unwrap_or_default();
        format!("git+{}@{sha}{sub}", self.public_repository())
    }

    /// The repository URL without credentials: an `ssh://` user (`git@`) stays, as it is a
    /// login name, not a secret; any other user and password go.
    pub fn public_repository(&self) -> String {
        let repo = &self.repository;
        let url = lockit_types::RedactedUrl::new(repo);
        // `ssh://git@host/…`: a login name and no password.
        let ssh_login = repo.starts_with("ssh://")
            && repo[6..]
                .split(['/', '@'])
                .next()
                .is_some_and(|user| !user.contains(':'));
        if ssh_login {
            repo.clone()
        } else {
            url.without_credentials()
        }
    }

    /// The same source at another reference (a locked SHA).
    pub fn at(&self, reference: &str) -> GitUrl {
        GitUrl {
            reference: Some(reference.to_string()),
            ..self.clone()
        }
    }

    /// The repository and subdirectory, without the reference: two URLs with the same
    /// source are the same project at maybe different commits.
    pub fn source(&self) -> (String, Option<String>) {
        (
            self.public_repository().trim_end_matches('/').to_string(),
            self.subdirectory.clone(),
        )
    }
}

/// `url` as messages show it: `scheme://***@host/…`.
pub(crate) fn redact(url: &str) -> String {
    lockit_types::RedactedUrl::new(url).to_string()
}

/// True for a full 40-hex commit SHA.
fn is_full_sha(reference: &str) -> bool {
    reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Runs git with `args` in `dir`; its stdout, or its last error line.
fn git(dir: Option<&Path>, args: &[&str]) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.arg("-C").arg(dir);
    }
    // Never prompt on a terminal: a missing credential is an error, not a hang.
    cmd.args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `git`: {e} (is git installed?)"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output")
            .to_string();
        Err(lockit_types::redact_text(&line))
    }
}

/// The commit `candidate` names in the bare repository `db`, if any.
fn rev_parse(db: &Path, candidate: &str) -> Option<String> {
    let out = git(
        Some(db),
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{candidate}^{{commit}}"),
        ],
    )
    .ok()?;
    let sha = String::from_utf8_lossy(&out).trim().to_string();
    is_full_sha(&sha).then_some(sha)
}

/// The commit `reference` names (`None`: the default branch), as a branch, a tag or a
/// commit, in that order.
fn resolve_reference(db: &Path, reference: Option<&str>) -> Option<String> {
    match reference {
        None => rev_parse(db, "refs/remotes/origin/HEAD"),
        Some(r) => [
            format!("refs/remotes/origin/{r}"),
            format!("refs/tags/{r}"),
            r.to_string(),
        ]
        .iter()
        .find_map(|c| rev_parse(db, c)),
    }
}

impl IndexClient {
    /// The tree of `source` at its reference: fetched into the cache's bare clone unless
    /// the reference is a commit the clone already has (so a locked SHA works
    /// `--offline`), resolved to the full SHA, and unpacked once per SHA.
    pub async fn git_checkout(&self, source: &GitUrl) -> Result<GitCheckout, GitError> {
        let root = match self.disk_cache() {
            Some(cache) => (
                cache.git_path("db", &source.repository),
                cache.git_path("checkouts", &source.repository),
            ),
            None => {
                // No cache: a folder for this run, left for the OS to clean.
                let dir = std::env::temp_dir().join(format!("lockit-git-{}", std::process::id()));
                let key = crate::cache::DiskCache::new(dir, false);
                (
                    key.git_path("db", &source.repository),
                    key.git_path("checkouts", &source.repository),
                )
            }
        };
        let (source, offline) = (source.clone(), self.is_offline());
        tokio::task::spawn_blocking(move || checkout(&source, &root.0, &root.1, offline))
            .await
            .unwrap_or_else(|e| {
                Err(GitError::Command {
                    url: String::new(),
                    reason: format!("the git task panicked: {e}"),
                })
            })
    }
}

/// [`IndexClient::git_checkout`], blocking.
fn checkout(
    source: &GitUrl,
    db: &Path,
    checkouts: &Path,
    offline: bool,
) -> Result<GitCheckout, GitError> {
    let url = redact(&source.repository);
    let failed = |reason: String| GitError::Command {
        url: url.clone(),
        reason,
    };
    let reference = source.reference.as_deref();
    let known = db.join("HEAD").is_file();
    let cached = known
        .then(|| {
            reference
                .filter(|r| is_full_sha(r))
                .and_then(|r| rev_parse(db, r))
        })
        .flatten();
    let sha = match cached {
        Some(sha) => sha,
        None if offline => {
            // A tag or branch answers offline as of the last fetch.
            match known.then(|| resolve_reference(db, reference)).flatten() {
                Some(sha) => sha,
                None => {
                    return Err(GitError::Offline {
                        url,
                        reference: reference.unwrap_or("HEAD").to_string(),
                    })
                }
            }
        }
        None => {
            if !known {
                std::fs::create_dir_all(db).map_err(|e| failed(e.to_string()))?;
                git(Some(db), &["init", "--quiet", "--bare"]).map_err(failed)?;
            }
            git(
                Some(db),
                &[
                    "fetch",
                    "--quiet",
                    "--force",
                    "--tags",
                    "--",
                    &source.repository,
                    "+refs/heads/*:refs/remotes/origin/*",
                    "+HEAD:refs/remotes/origin/HEAD",
                ],
            )
            .map_err(failed)?;
            match resolve_reference(db, reference) {
                Some(sha) => sha,
                // A commit no branch or tag reaches: fetched by itself.
                None if reference.is_some_and(is_full_sha) => {
                    let r = reference.unwrap_or_default();
                    git(Some(db), &["fetch", "--quiet", "--", &source.repository, r])
                        .map_err(failed)?;
                    rev_parse(db, r).ok_or_else(|| GitError::NoSuchReference {
                        url: url.clone(),
                        reference: r.to_string(),
                    })?
                }
                None => {
                    return Err(GitError::NoSuchReference {
                        url,
                        reference: reference.unwrap_or("HEAD").to_string(),
                    })
                }
            }
        }
    };
    finish(source, &url, checkouts, db, sha)
}

/// Unpacks commit `sha` of `db` under `checkouts` (once), and finds the project in it.
fn finish(
    source: &GitUrl,
    url: &str,
    checkouts: &Path,
    db: &Path,
    sha: String,
) -> Result<GitCheckout, GitError> {
    let failed = |reason: String| GitError::Command {
        url: url.to_string(),
        reason,
    };
    let tree = checkouts.join(&sha);
    if !tree.is_dir() {
        std::fs::create_dir_all(checkouts).map_err(|e| failed(e.to_string()))?;
        let partial = tempfile::tempdir_in(checkouts).map_err(|e| failed(e.to_string()))?;
        let archive = git(Some(db), &["archive", "--format=tar", &sha]).map_err(failed)?;
        tar::Archive::new(archive.as_slice())
            .unpack(partial.path())
            .map_err(|e| failed(format!("cannot unpack commit {sha}: {e}")))?;
        // A concurrent run may have won the race; its tree is the same.
        let partial = partial.keep();
        if std::fs::rename(&partial, &tree).is_err() {
            let _ = std::fs::remove_dir_all(&partial);
        }
    }
    let project = match &source.subdirectory {
        Some(sub) => tree.join(sub),
        None => tree,
    };
    if !project.is_dir() {
        return Err(GitError::NoSubdirectory {
            url: url.to_string(),
            subdirectory: source.subdirectory.clone().unwrap_or_default(),
            sha,
        });
    }
    Ok(GitCheckout { sha, project })
}

#[cfg(test)]
mod tests;
