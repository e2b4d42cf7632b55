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

use crate::model::{self, Project};
use crate::server::Backend;

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
