//! Source trees from sdists: a `.tar.gz` or `.zip` unpacked into a scratch folder, whose
//! single top-level folder is the tree the backend builds.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Cap on bytes decompressed from one sdist, against archive bombs.
const MAX_UNPACKED: u64 = 4 * 1024 * 1024 * 1024;

/// Unpacks the sdist `file`, named `filename`, into `dest` and returns its source tree.
/// Entries that would land outside `dest` (`..`, absolute paths, links out) are refused
/// by the archive readers.
pub(crate) fn unpack(mut file: File, filename: &str, dest: &Path) -> Result<PathBuf, String> {
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(BufReader::new(file))
            .map_err(|e| format!("not a zip archive: {e}"))?;
        zip.extract(dest).map_err(|e| format!("corrupt zip: {e}"))?;
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") || lower.ends_with(".tar") {
        let reader: Box<dyn Read> = if lower.ends_with(".tar") {
            Box::new(BufReader::new(file).take(MAX_UNPACKED))
        } else {
            Box::new(flate2::read::GzDecoder::new(BufReader::new(file)).take(MAX_UNPACKED))
        };
        let mut archive = tar::Archive::new(reader);
        archive.set_preserve_mtime(false);
        archive
            .unpack(dest)
            .map_err(|e| format!("corrupt tarball: {e}"))?;
    } else {
        return Err(format!("`{filename}` is not a .tar.gz or .zip sdist"));
    }
    source_tree(dest)
}

/// The folder of `dest` that holds the project: its only folder, or `dest` itself when the
/// archive put the project's files at the top.
fn source_tree(dest: &Path) -> Result<PathBuf, String> {
    let mut dirs = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(dest).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            dirs.push(entry.path());
        } else {
            files += 1;
        }
    }
    match (dirs.as_slice(), files) {
        ([only], 0) => Ok(only.clone()),
        _ if dest.join("pyproject.toml").is_file() || dest.join("setup.py").is_file() => {
            Ok(dest.to_path_buf())
        }
        _ => Err("the archive holds no single project folder".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn tar_gz(entries: &[(&str, &[u8])]) -> File {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (path, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            // `append_data` refuses `..`; write the raw name as a hostile archive would.
            let name = header.as_old_mut().name.as_mut();
            name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_cksum();
            tar.append(&header, *data).unwrap();
        }
        let bytes = tar.into_inner().unwrap().finish().unwrap();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        file
    }

    #[test]
    fn the_top_folder_is_the_source_tree() {
        let dir = tempfile::tempdir().unwrap();
        let file = tar_gz(&[
            ("pkg-1.0/setup.py", b"print()"),
            ("pkg-1.0/pkg/__init__.py", b""),
        ]);
        let tree = unpack(file, "pkg-1.0.tar.gz", dir.path()).unwrap();
        assert_eq!(tree, dir.path().join("pkg-1.0"));
        assert!(tree.join("pkg/__init__.py").is_file());
    }

    #[test]
    fn entries_outside_the_folder_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let inside = dir.path().join("in");
        std::fs::create_dir(&inside).unwrap();
        let absolute = dir.path().join("absolute.txt");
        let absolute_name = absolute.to_str().unwrap();
        let file = tar_gz(&[
            ("../escaped.txt", b"x"),
            (absolute_name, b"x"),
            ("pkg-1.0/setup.py", b""),
        ]);
        let _ = unpack(file, "pkg-1.0.tar.gz", &inside);
        assert!(!dir.path().join("escaped.txt").exists());
        assert!(!absolute.exists());
        let err = unpack(tempfile::tempfile().unwrap(), "pkg-1.0.whl", &inside).unwrap_err();
        assert!(err.contains("not a .tar.gz"), "{err}");
    }
}
