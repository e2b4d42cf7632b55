//! What the server serves from: a [`Backend`] supplies project pages and file bytes, whether
//! they are built from a scenario, read from recorded fixtures or fetched from upstream.

use std::sync::Arc;

use crate::model::Project;

/// Where pages and files come from: a scenario, a fixture directory or an upstream index.
/// Errors are messages for a `502` response.
pub(crate) trait Backend: Send + Sync {
    /// Normalized names of every project, sorted.
    fn project_names(&self) -> Result<Vec<String>, String>;
    /// The project with this normalized name, if the index has it.
    fn project(&self, name: &str) -> Result<Option<Project>, String>;
    /// The bytes of a file (or `<file>.metadata`), if the index has it.
    fn file(&self, filename: &str) -> Result<Option<Arc<[u8]>>, String>;
}

impl Backend for crate::BuiltIndex {
    fn project_names(&self) -> Result<Vec<String>, String> {
        Ok(self.projects.keys().cloned().collect())
    }

    fn project(&self, name: &str) -> Result<Option<Project>, String> {
        Ok(self.projects.get(name).cloned())
    }

    fn file(&self, filename: &str) -> Result<Option<Arc<[u8]>>, String> {
        Ok(self.files.get(filename).cloned())
    }
}
