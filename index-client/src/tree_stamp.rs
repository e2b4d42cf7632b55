//! The stamp of a local project's source tree: a digest of every file's path, size and
//! modification time, so that built metadata can be reused until anything in the tree
//! changes. Folders that never hold a project's sources (version control, virtual
//! environments, caches, build outputs) are skipped, except the git refs a version may be
//! computed from (setuptools-scm, hatch-vcs).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
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

/// The hex sha256 stamp of the tree at `dir`; `None` when it cannot be read whole or has
/// more than [`MAX_FILES`] files.
pub(crate) fn tree_stamp(dir: &Path) -> Option<String> {
    let mut walk = Walk {
        root: dir,
        entries: Vec::new(),
        seen: HashSet::new(),
    };
    walk.folder(dir)?;
    for path in git_files(dir) {
        match path.is_dir() {
            true => walk.folder(&path)?,
            false if path.exists() => walk.file(&path)?,
            false => {}
        }
    }
    let mut entries = walk.entries;
    entries.sort();
    let mut hasher = Sha256::new();
    for e in &entries {
        hasher.update(e.as_bytes());
        hasher.update(b"\n");
    }
    Some(hex::encode(hasher.finalize()))
}

/// What a VCS-derived version (setuptools-scm, hatch-vcs) depends on: the checked-out
/// commit (`HEAD`) and the branches and tags (`refs/`, `packed-refs`) of the git
/// repository holding `dir`, which may be above it (a monorepo) or a worktree, whose
/// `.git` is a file naming its git folder.
fn git_files(dir: &Path) -> Vec<PathBuf> {
    for folder in dir.ancestors() {
        let dot_git = folder.join(".git");
        let (git, common) = if dot_git.is_dir() {
            (dot_git.clone(), dot_git)
        } else if dot_git.is_file() {
            let Some(git) = std::fs::read_to_string(&dot_git)
                .ok()
                .and_then(|t| Some(folder.join(t.trim().strip_prefix("gitdir:")?.trim())))
            else {
                return Vec::new();
            };
            let common = std::fs::read_to_string(git.join("commondir"))
                .map_or_else(|_| git.clone(), |c| git.join(c.trim()));
            (git, common)
        } else {
            continue;
        };
        return vec![
            git.join("HEAD"),
            common.join("packed-refs"),
            common.join("refs"),
        ];
    }
    Vec::new()
}

/// One stamp's walk: a line per file, each folder once (symlinked folders are followed).
struct Walk<'a> {
    root: &'a Path,
    entries: Vec<String>,
    seen: HashSet<PathBuf>,
}

impl Walk<'_> {
    /// The files under `folder`, skipping [`SKIPPED`] folders, `*.egg-info` and virtual
    /// environments.
    fn folder(&mut self, folder: &Path) -> Option<()> {
        if !self.seen.insert(std::fs::canonicalize(folder).ok()?) {
            return Some(());
        }
        for item in std::fs::read_dir(folder).ok()? {
            let path = item.ok()?.path();
            let name = path.file_name()?.to_string_lossy().into_owned();
            // Through a symlink, as the build will read it.
            if !path.is_dir() {
                self.file(&path)?;
                continue;
            }
            let skipped = SKIPPED.contains(&name.as_str())
                || (folder == self.root && SKIPPED_AT_TOP.contains(&name.as_str()))
                || name.ends_with(".egg-info")
                || path.join("pyvenv.cfg").exists();
            if !skipped {
                self.folder(&path)?;
            }
        }
        Some(())
    }

    /// `relative/path size mtime-nanoseconds`, the target's for a symlink (the link's own
    /// when it points nowhere).
    fn file(&mut self, path: &Path) -> Option<()> {
        let meta = std::fs::metadata(path)
            .or_else(|_| std::fs::symlink_metadata(path))
            .ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        self.entries
            .push(format!("{} {} {modified}", relative.display(), meta.len()));
        (self.entries.len() <= MAX_FILES).then_some(())
    }
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

    /// Regressions: a folder reached through a symlink was not looked into, and the git
    /// repository of a project below its top (a monorepo) or in a worktree (`.git` is a
    /// file) was not found, so edits there left a stale stamp.
    #[cfg(unix)]
    #[test]
    fn symlinked_folders_and_git_repositories_above_or_elsewhere_count() {
        let top = tempfile::tempdir().expect("tempdir");
        let t = top.path();
        write(t, "shared/reqs.txt", "six\n");
        write(t, "repo/pkg/setup.py", "x");
        let pkg = t.join("repo/pkg");
        std::os::unix::fs::symlink(t.join("shared"), pkg.join("sub")).expect("symlink");
        let first = tree_stamp(&pkg).expect("stamp");
        write(t, "shared/reqs.txt", "attrs\n");
        let second = tree_stamp(&pkg).expect("stamp");
        assert_ne!(second, first, "an edit through a symlinked folder");
        // A loop of symlinks ends.
        std::os::unix::fs::symlink(&pkg, t.join("shared/back")).expect("symlink");
        assert!(tree_stamp(&pkg).is_some());
        let third = tree_stamp(&pkg).expect("stamp");

        // The repository is above the project: a new tag there counts.
        write(t, "repo/.git/HEAD", "ref: refs/heads/main\n");
        let fourth = tree_stamp(&pkg).expect("stamp");
        assert_ne!(fourth, third);
        write(t, "repo/.git/refs/tags/v2.0", "0123\n");
        let fifth = tree_stamp(&pkg).expect("stamp");
        assert_ne!(fifth, fourth, "a tag in the repository above");

        // A worktree: `.git` names its git folder, whose `commondir` holds the refs.
        write(t, "main/.git/worktrees/wt/HEAD", "0123\n");
        write(t, "main/.git/worktrees/wt/commondir", "../..\n");
        write(
            t,
            "wt/.git",
            &format!("gitdir: {}\n", t.join("main/.git/worktrees/wt").display()),
        );
        write(t, "wt/pyproject.toml", "x");
        let wt = t.join("wt");
        let before = tree_stamp(&wt).expect("stamp");
        write(t, "main/.git/refs/tags/v10.0", "0123\n");
        let tagged = tree_stamp(&wt).expect("stamp");
        assert_ne!(tagged, before, "a tag in the worktree's common folder");
        write(t, "main/.git/worktrees/wt/HEAD", "4567\n");
        assert_ne!(
            tree_stamp(&wt).expect("stamp"),
            tagged,
            "a commit in the worktree"
        );
    }

    #[test]
    fn an_unreadable_tree_has_no_stamp() {
        assert_eq!(tree_stamp(Path::new("/no/such/folder")), None);
    }
}
