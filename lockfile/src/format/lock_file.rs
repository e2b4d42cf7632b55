//! Which file a lock is, and reading one in either format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lockit_types::{PackageName, Version};

use crate::{parse_lock, parse_pylock, LockParseError, ParsedLock};

/// True for a `.toml` path: a `pyproject.toml` input, or a PEP 751 `pylock.toml` lock.
pub(crate) fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

/// True for the names PEP 751 gives lock files: `pylock.toml` or `pylock.<name>.toml`.
pub fn is_pylock_name(name: &str) -> bool {
    name == "pylock.toml"
        || (name.starts_with("pylock.")
            && name.ends_with(".toml")
            && !name[7..name.len() - 5].contains('.'))
}

/// Reads a lock in the format its file name says: pylock.toml for `.toml`, else requirements.txt.
pub fn parse_lock_file(path: &Path, text: &str) -> Result<ParsedLock, LockParseError> {
    if is_toml(path) {
        parse_pylock(text)
    } else {
        parse_lock(text)
    }
}

/// Where the lock of `first_input` goes by default: `pylock.toml` beside it for PEP 751,
/// else `requirements.txt` beside a pyproject.toml, else the input with `.txt`.
pub fn default_lock_path(first_input: &Path, pylock: bool) -> PathBuf {
    let dir = first_input.parent().unwrap_or(Path::new(""));
    if pylock {
        dir.join("pylock.toml")
    } else if is_toml(first_input) {
        dir.join("requirements.txt")
    } else {
        first_input.with_extension("txt")
    }
}

impl ParsedLock {
    /// The `name -> version` pins (direct references, which have no version, left out).
    pub fn versions(&self) -> BTreeMap<PackageName, Version> {
        self.pins
            .iter()
            .filter_map(|p| Some((p.name.clone(), p.version.clone()?)))
            .collect()
    }

    /// The `name -> URL` pins of direct references (`name @ git+https://…@SHA`): a
    /// re-lock keeps a git pin's commit.
    pub fn urls(&self) -> std::collections::HashMap<PackageName, String> {
        self.pins
            .iter()
            .filter_map(|p| Some((p.name.clone(), p.url.clone()?)))
            .collect()
    }
}
