//! Recorded fixtures replayed offline.
//!
//! Layout of a fixture directory:
//! ```text
//! DIR/simple/<normalized-name>.json   PEP 691 page; file URLs are `../files/<filename>`
//! DIR/files/<filename>.metadata       PEP 658 metadata fetched while recording
//! DIR/files/<filename>                any distribution file fetched while recording
//! ```

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::backend::Backend;
use crate::model::{self, Project};

/// A fixture directory; pages and files are read on each request, so a test can add files.
pub(crate) struct RecordedIndex {
    dir: PathBuf,
}

impl RecordedIndex {
    pub fn open(dir: &Path) -> io::Result<RecordedIndex> {
        let simple = dir.join("simple");
        if !simple.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "`{}` is not a recorded index: it has no `simple/` folder",
                    dir.display()
                ),
            ));
        }
        Ok(RecordedIndex {
            dir: dir.to_path_buf(),
        })
    }
}

/// True for a name that is one plain path component (no separators, no `..`).
pub(crate) fn is_safe_component(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.starts_with('.')
}

/// Reads a stored page into the shared model.
pub(crate) fn read_page(path: &Path) -> Result<Option<Project>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
    };
    let (name, files) =
        model::parse_project_json(&bytes).map_err(|e| format!("`{}`: {e}", path.display()))?;
    Ok(Some(Project {
        name,
        files: files.into_iter().map(|f| f.entry).collect(),
    }))
}

impl Backend for RecordedIndex {
    fn project_names(&self) -> Result<Vec<String>, String> {
        let dir = self.dir.join("simple");
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot list `{}`: {e}", dir.display()))?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".json")
                    .map(str::to_string)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    fn project(&self, name: &str) -> Result<Option<Project>, String> {
        if !is_safe_component(name) {
            return Ok(None);
        }
        read_page(&self.dir.join("simple").join(format!("{name}.json")))
    }

    fn file(&self, filename: &str) -> Result<Option<Arc<[u8]>>, String> {
        if !is_safe_component(filename) {
            return Ok(None);
        }
        let path = self.dir.join("files").join(filename);
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(Arc::from(b))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
        }
    }
}

/// What [`slim`] did to a fixture.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Slimmed {
    /// Wheels replaced by their metadata.
    pub wheels: usize,
    /// Bytes the fixture no longer holds.
    pub bytes_saved: u64,
}

/// Replaces each recorded wheel of a fixture by its PEP 658 `.metadata` file, and marks
/// the wheel's page entry as having one (`core-metadata` with its sha256), as PyPI
/// serves it. An index that does not serve PEP 658 metadata makes lockit read wheels by
/// range requests, and the recorder keeps whole files: a django history is a gigabyte
/// of wheels of which lockit reads a few kilobytes each. After slimming, a replay
/// serves the same metadata and no wheel.
pub fn slim(dir: &Path) -> Result<Slimmed, String> {
    use sha2::Digest;
    let mut done = Slimmed::default();
    let simple = dir.join("simple");
    let files = dir.join("files");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&simple)
        .map_err(|e| format!("cannot list `{}`: {e}", simple.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    pages.sort();
    for page in pages {
        let Some(mut project) = read_page(&page)? else {
            continue;
        };
        let mut changed = false;
        for f in &mut project.files {
            let wheel = files.join(&f.filename);
            if !f.filename.ends_with(".whl") || f.core_metadata.is_some() || !wheel.is_file() {
                continue;
            }
            let bytes = std::fs::read(&wheel)
                .map_err(|e| format!("cannot read `{}`: {e}", wheel.display()))?;
            let metadata =
                wheel_metadata(&bytes).map_err(|e| format!("`{}`: {e}", wheel.display()))?;
            let meta_path = files.join(format!("{}.metadata", f.filename));
            std::fs::write(&meta_path, &metadata)
                .map_err(|e| format!("cannot write `{}`: {e}", meta_path.display()))?;
            let sha = hex::encode(sha2::Sha256::digest(&metadata));
            f.core_metadata = Some([("sha256".to_string(), sha)].into());
            std::fs::remove_file(&wheel)
                .map_err(|e| format!("cannot remove `{}`: {e}", wheel.display()))?;
            done.wheels += 1;
            done.bytes_saved += bytes.len() as u64;
            changed = true;
        }
        if changed {
            let text = model::project_fixture_json(&project, &|f| format!("../files/{f}"));
            std::fs::write(&page, text)
                .map_err(|e| format!("cannot write `{}`: {e}", page.display()))?;
        }
    }
    Ok(done)
}

/// The `*.dist-info/METADATA` of a wheel.
fn wheel_metadata(wheel: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut zip =
        zip::ZipArchive::new(io::Cursor::new(wheel)).map_err(|e| format!("not a zip: {e}"))?;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("cannot open entry {i}: {e}"))?;
        let name = entry
            .name()
            .map_err(|e| format!("entry {i} has no usable name: {e}"))?
            .to_string();
        let mut parts = name.split('/');
        let top_level_metadata = matches!(
            (parts.next(), parts.next(), parts.next()),
            (Some(dir), Some("METADATA"), None) if dir.ends_with(".dist-info")
        );
        if top_level_metadata {
            let mut out = Vec::new();
            entry
                .read_to_end(&mut out)
                .map_err(|e| format!("cannot read `{name}`: {e}"))?;
            return Ok(out);
        }
    }
    Err("no `.dist-info/METADATA`".to_string())
}
