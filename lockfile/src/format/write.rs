//! Replacing a lock file so readers see either the old or the new contents, never half of one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` atomically: an unnamed temporary file in the same directory
/// (`O_TMPFILE` on Linux, so a run killed half-way leaves nothing behind) is written,
/// synced and renamed over `path`, and the directory is synced.
///
/// An existing file keeps its permissions; a new one gets `0o644` on Unix (temporary files are
/// created `0o600`, which would hide a lock from the rest of a team). A symlink at `path` is
/// followed so the link survives.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = resolve_symlink(path);
    let existed = fs::metadata(&target).is_ok();
    let mut file = atomic_write_file::AtomicWriteFile::open(&target)?;
    file.write_all(contents)?;
    if !existed {
        set_default_permissions(file.as_file())?;
    }
    file.commit()
}

fn resolve_symlink(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

#[cfg(unix)]
fn set_default_permissions(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_file: &fs::File) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_and_rewrites_unchanged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("requirements.txt");
        write_atomic(&path, b"a==1\n").expect("first write");
        assert_eq!(fs::read(&path).expect("read"), b"a==1\n");
        write_atomic(&path, b"a==2\n").expect("replace");
        assert_eq!(fs::read(&path).expect("read"), b"a==2\n");
        write_atomic(&path, b"a==2\n").expect("unchanged");
        assert_eq!(fs::read(&path).expect("read"), b"a==2\n");
        // No temporary files are left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("requirements.txt")]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("new.txt");
        write_atomic(&path, b"x").expect("write");
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o664)).expect("chmod");
        write_atomic(&path, b"y").expect("write");
        assert_eq!(mode(&path), 0o664);

        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&path, &link).expect("symlink");
        write_atomic(&link, b"z").expect("write through link");
        assert!(fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&path).expect("read"), b"z");
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nope").join("requirements.txt");
        assert!(write_atomic(&path, b"x").is_err());
    }
}
