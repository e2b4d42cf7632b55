//! The stamp of a local project's source tree: a digest of every file's path, size and
//! modification time, so that built metadata can be reused until anything in the tree
//! changes. Folders that never hold a project's sources (version control, virtual
//! environments, caches, build outputs) are skipped, except the git refs a version may be
//! computed from (setuptools-scm, hatch-vcs).

use std::path::Path;
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

/// Past this many files the tree is not stamped (and its metadata is built every run):
/// walking it would cost more than a build saves.
const MAX_FILES: usize = 20_000;

/// Folder names skipped at any depth (as are `*.egg-info` and virtual environments).
const SKIPPED: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

/// Build outputs, skipped only at the top: deeper, a folder of that name may be a
/// package (pypa/build's sources are `src/build/`).
const SKIPPED_AT_TOP: &[&str] = &["build", "dist", "target"];

/// The git files a VCS-derived version depends on: the checked-out commit and the tags.
const GIT_FILES: &[&str] = &["HEAD", "packed-refs", "refs"];

/// The hex sha256 stamp of the tree at `dir`; `None` when it cannot be read whole or has
/// more than [`MAX_FILES`] files.
pub(crate) fn tree_stamp(dir: &Path) -> Option<String> {
    let mut entries = Vec::new();
    walk(dir, dir, &mut entries)?;
    let git = dir.join(".git");
    for name in GIT_FILES {
        let path = git.join(name);
        if path.is_dir() {
            walk(dir, &path, &mut entries)?;
        } else if path.exists() {
            entries.push(entry(dir, &path)?);
        }
    }
    entries.sort();
    let mut hasher = Sha256::new();
    for e in &entries {
        hasher.update(e.as_bytes());
        hasher.update(b"\n");
    }
    Some(hex::encode(hasher.finalize()))
}

/// Appends one line per file under `folder`, skipping [`SKIPPED`] folders, `*.egg-info`
/// and virtual environments.
fn walk(root: &Path, folder: &Path, entries: &mut Vec<String>) -> Option<()> {
    for item in std::fs::read_dir(folder).ok()? {
        let item = item.ok()?;
        let path = item.path();
        let kind = item.file_type().ok()?;
        let name = item.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            let in_git = folder.starts_with(root.join(".git"));
            let skipped = match in_git {
                true => name == "objects",
                false => {
                    SKIPPED.contains(&name.as_ref())
                        || (folder == root && SKIPPED_AT_TOP.contains(&name.as_ref()))
                        || name.ends_with(".egg-info")
                        || path.join("pyvenv.cfg").exists()
                }
            };
            if !skipped {
                walk(root, &path, entries)?;
            }
        } else {
            entries.push(entry(root, &path)?);
            if entries.len() > MAX_FILES {
                return None;
            }
        }
    }
    Some(())
}

/// `relative/path size mtime-nanoseconds` (a symlink: its target's).
fn entry(root: &Path, path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let relative = path.strip_prefix(root).unwrap_or(path);
    Some(format!("{} {} {modified}", relative.display(), meta.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn any_source_change_changes_the_stamp_and_skipped_folders_do_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        write(d, "pyproject.toml", "[project]\nname = 'p'\n");
        write(d, "src/p/__init__.py", "__version__ = '1'\n");
        let first = tree_stamp(d).expect("stamp");
        assert_eq!(tree_stamp(d).as_deref(), Some(first.as_str()));

        // Outside the sources: caches, build outputs, virtual environments, git objects.
        write(d, "src/p/__pycache__/x.pyc", "x");
        write(d, "build/lib/p.py", "x");
        write(d, "dist/p-1.tar.gz", "x");
        write(d, "p.egg-info/PKG-INFO", "x");
        write(d, "env/pyvenv.cfg", "home = /usr\n");
        write(d, "env/lib/site.py", "x");
        write(d, ".git/objects/ab/cdef", "x");
        assert_eq!(tree_stamp(d).as_deref(), Some(first.as_str()));

        // A package named like a build output, deeper down, is sources.
        write(d, "src/build/__init__.py", "x");
        let with_build = tree_stamp(d).expect("stamp");
        assert_ne!(with_build, first);
        let first = with_build;

        // A source file whose size changes, a new file, a new git tag: each changes it.
        write(d, "src/p/__init__.py", "__version__ = '22'\n");
        let second = tree_stamp(d).expect("stamp");
        assert_ne!(second, first);
        write(d, "requirements.txt", "six\n");
        let third = tree_stamp(d).expect("stamp");
        assert_ne!(third, second);
        write(d, ".git/refs/tags/v2", "0123\n");
        assert_ne!(tree_stamp(d).expect("stamp"), third);
    }

    #[test]
    fn an_unreadable_tree_has_no_stamp() {
        assert_eq!(tree_stamp(Path::new("/no/such/folder")), None);
    }
}
