//! The lock's pins for one environment: markers decided for its interpreter (a universal
//! lock keeps the pins whose markers hold), and a single-target lock refused where its
//! recorded Python or platform does not fit.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lockit_lockfile::ParsedLock;
use lockit_types::{MarkerEval, PackageName, Platform, Target, Version};

use crate::SyncError;

/// A pin the environment must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The package.
    pub name: PackageName,
    /// The pinned version; `None` for a direct reference.
    pub version: Option<Version>,
    /// The direct reference (`name @ url`), as written.
    pub url: Option<String>,
    /// The hashes its file may have (`sha256:<hex>`).
    pub hashes: Vec<String>,
    /// 1-based line in the lock.
    pub line: usize,
    /// For `-e ./dir`: the project folder, installed editable (PEP 660).
    pub editable: Option<PathBuf>,
}

impl Wanted {
    /// `name 1.2` or `name @ url`, as summaries show it.
    pub fn describe(&self) -> String {
        match (&self.version, &self.url) {
            (Some(v), _) => format!("{} {v}", self.name),
            (None, Some(url)) => format!("{} @ {url}", self.name),
            (None, None) => self.name.to_string(),
        }
    }

    /// The sha256 hex digests the lock allows for this pin.
    pub fn sha256s(&self) -> impl Iterator<Item = &str> {
        self.hashes.iter().filter_map(|h| h.strip_prefix("sha256:"))
    }
}

/// Reads the lock at `path` (requirements.txt or pylock.toml).
pub fn read_lock(path: &Path) -> Result<ParsedLock, SyncError> {
    let text = std::fs::read_to_string(path).map_err(|e| SyncError::Lock {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    lockit_lockfile::parse_lock_file(path, &text).map_err(|e| SyncError::Lock {
        path: path.to_path_buf(),
        message: format!("line {}: {}", e.line, e.message),
    })
}

/// The first value the lock's header records for `key`.
pub fn recorded<'a>(lock: &'a ParsedLock, key: &str) -> Option<&'a str> {
    lock.recorded
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The pins of `lock` (read from `lock_path`) that the environment of `python`, whose
/// target is `target`, installs.
pub fn wanted(
    lock: &ParsedLock,
    lock_path: &Path,
    python: &Path,
    target: &Target,
) -> Result<Vec<Wanted>, SyncError> {
    check_target(lock, lock_path, python, target)?;
    let mut out: Vec<Wanted> = Vec::new();
    for pin in &lock.pins {
        if let Some(marker) = pin.marker.as_deref().filter(|m| !m.trim().is_empty()) {
            let text = format!("{} ; {marker}", pin.name);
            let requirement =
                lockit_types::parse_requirement(&text).map_err(|e| SyncError::Lock {
                    path: lock_path.to_path_buf(),
                    message: format!("line {}: the marker `{marker}`: {}", pin.line, e.message),
                })?;
            if !requirement.marker.holds(&target.markers, &[]) {
                continue;
            }
        }
        if let Some(url) = pin.url.as_deref().filter(|u| u.starts_with("git+")) {
            return Err(SyncError::Unsupported {
                name: pin.name.to_string(),
                message: format!("line {} pins a git source (`{url}`), which lockit does not lock or install yet", pin.line),
            });
        }
        if let Some(other) = out.iter().find(|w| w.name == pin.name) {
            return Err(SyncError::Lock {
                path: lock_path.to_path_buf(),
                message: format!(
                    "lines {} and {} both pin `{}` for {}; their markers overlap",
                    other.line,
                    pin.line,
                    pin.name,
                    target.describe()
                ),
            });
        }
        out.push(Wanted {
            name: pin.name.clone(),
            version: pin.version.clone(),
            url: pin.url.clone(),
            hashes: pin.hashes.clone(),
            line: pin.line,
            editable: None,
        });
    }
    let base = lock_path.parent().unwrap_or(Path::new(""));
    for (path, line) in &lock.editables {
        out.push(editable(base, path, *line, lock_path)?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The pin of `-e PATH` (line `line`), named by its `pyproject.toml`'s static
/// `[project] name`; PATH is relative to the lock's folder.
fn editable(base: &Path, path: &str, line: usize, lock_path: &Path) -> Result<Wanted, SyncError> {
    let folder = base.join(path);
    let folder = std::fs::canonicalize(&folder).map_err(|e| SyncError::Lock {
        path: lock_path.to_path_buf(),
        message: format!("line {line}: `-e {path}`: `{}`: {e}", folder.display()),
    })?;
    let unreadable = |why: String| SyncError::Unsupported {
        name: path.to_string(),
        message: format!("line {line} of `{}`: {why}", lock_path.display()),
    };
    let text = std::fs::read_to_string(folder.join("pyproject.toml"))
        .map_err(|e| unreadable(format!("cannot read its pyproject.toml: {e}")))?;
    let name = text
        .lines()
        .skip_while(|l| l.trim() != "[project]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| {
            let (key, value) = l.split_once('=')?;
            (key.trim() == "name").then(|| value.trim().trim_matches(['"', '\'']).to_string())
        })
        .ok_or_else(|| unreadable("its pyproject.toml has no static `[project] name`, which sync needs for an editable".into()))?;
    let name = PackageName::from_str(&name).map_err(|e| unreadable(e.to_string()))?;
    let url = url::Url::from_directory_path(&folder)
        .map(|u| u.as_str().trim_end_matches('/').to_string())
        .map_err(|()| unreadable("its path is not absolute".into()))?;
    Ok(Wanted {
        name,
        version: None,
        url: Some(url),
        hashes: Vec::new(),
        line,
        editable: Some(folder),
    })
}

/// Refuses a single-target lock whose recorded Python (`major.minor`) or platform does not
/// fit the interpreter; universal locks, and locks that record neither, fit any.
fn check_target(
    lock: &ParsedLock,
    lock_path: &Path,
    python: &Path,
    target: &Target,
) -> Result<(), SyncError> {
    let platform = recorded(lock, "platform");
    if platform == Some("universal") {
        return Ok(());
    }
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    let found_minor = target.python_minor();
    let python_fits = recorded(lock, "python").is_none_or(|v| minor(v) == found_minor);
    let platform_fits = match platform.map(str::parse::<Platform>) {
        None => true,
        Some(Ok(locked)) => {
            let accepted = target.platform.platform_tags();
            locked
                .platform_tags()
                .iter()
                .filter(|t| !t.starts_with("linux_"))
                .all(|t| accepted.contains(t))
        }
        // A platform this lockit cannot read: let the hashes decide.
        Some(Err(_)) => true,
    };
    if python_fits && platform_fits {
        return Ok(());
    }
    let locked = format!(
        "Python {} on {}",
        recorded(lock, "python")
            .map(minor)
            .unwrap_or_else(|| "?".into()),
        platform.unwrap_or("?")
    );
    Err(SyncError::WrongTarget {
        lock: lock_path.to_path_buf(),
        locked,
        python: PathBuf::from(python),
        found: format!("Python {} on {}", target.python, target.platform),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(python: &str, platform: &str) -> Target {
        Target::new(python, platform.parse().unwrap()).unwrap()
    }

    fn lock(header: &str, body: &str) -> ParsedLock {
        lockit_lockfile::parse_lock(&format!("#\n# This file is autogenerated by lockit with Python 3.10\n# by the following command:\n#\n#    lockit resolve x.in\n#\n{header}#\n{body}")).unwrap()
    }

    const UNIVERSAL: &str = "# python: 3.10.0\n# platform: universal\n";
    const BODY: &str = "numpy==2.2.6 ; python_full_version < '3.11' \\\n    --hash=sha256:aa\nnumpy==2.3.5 ; python_full_version >= '3.11' \\\n    --hash=sha256:bb\ntomli==2.0.1 ; python_full_version < '3.11'\nsix==1.17.0\n";

    fn names(w: &[Wanted]) -> Vec<String> {
        w.iter().map(Wanted::describe).collect()
    }

    #[test]
    fn a_universal_lock_keeps_the_pins_whose_markers_hold() {
        let lock = lock(UNIVERSAL, BODY);
        let path = Path::new("requirements.txt");
        let py = Path::new("python");
        let old = wanted(&lock, path, py, &target("3.10.13", "x86_64-manylinux_2_36")).unwrap();
        assert_eq!(names(&old), ["numpy 2.2.6", "six 1.17.0", "tomli 2.0.1"]);
        let new = wanted(&lock, path, py, &target("3.13.0", "x86_64-manylinux_2_36")).unwrap();
        assert_eq!(names(&new), ["numpy 2.3.5", "six 1.17.0"]);
        assert_eq!(new[0].sha256s().collect::<Vec<_>>(), ["bb"]);
    }

    #[test]
    fn a_single_target_lock_for_another_python_is_refused_naming_both() {
        let lock = lock(
            "# python: 3.12.0\n# platform: x86_64-manylinux_2_28\n",
            "six==1.17.0\n",
        );
        let err = wanted(
            &lock,
            Path::new("requirements.txt"),
            Path::new(".venv/bin/python"),
            &target("3.10.13", "x86_64-manylinux_2_36"),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "the lock `requirements.txt` is for Python 3.12 on x86_64-manylinux_2_28, but `.venv/bin/python` is Python 3.10.13 on x86_64-manylinux_2_36; resolve again for it, or make a universal lock (`--universal`)");
    }

    #[test]
    fn a_newer_glibc_fits_an_older_manylinux_lock_but_not_another_arch() {
        let fits = lock(
            "# python: 3.12.0\n# platform: x86_64-manylinux_2_28\n",
            "six==1.17.0\n",
        );
        let t = target("3.12.1", "x86_64-manylinux_2_36");
        assert!(wanted(&fits, Path::new("r.txt"), Path::new("p"), &t).is_ok());
        let arm = lock(
            "# python: 3.12.0\n# platform: aarch64-manylinux_2_28\n",
            "six==1.17.0\n",
        );
        assert!(matches!(
            wanted(&arm, Path::new("r.txt"), Path::new("p"), &t),
            Err(SyncError::WrongTarget { .. })
        ));
    }

    #[test]
    fn git_pins_are_refused_with_a_clear_error() {
        let lock = lock("", "app @ git+https://example.com/app@abc\n");
        let err = wanted(
            &lock,
            Path::new("r.txt"),
            Path::new("p"),
            &target("3.12", "x86_64-manylinux_2_28"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("git source"), "{err}");
    }
}
