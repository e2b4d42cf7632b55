//! Recorded indexes for benchmarks: what the resolver asked an index while locking one
//! corpus input (every project page and every version's metadata), kept small enough to
//! commit and replayed without a network.
//!
//! The data files (`benchmarks/data/<corpus>.json.gz`) are written by the `record` binary:
//! `cargo run --release -p lockit-benchmarks --bin record -- ../shared/bench/corpus/jupyter.in`.
//! Only what resolution reads is kept: filenames, `requires-python`, yank flags and the
//! metadata fields the resolver uses. URLs and hashes are made up from the filenames when
//! the data is loaded, so a page costs about what a real one does to group and judge.

#![warn(missing_docs)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use lockit_resolver::{
    FetchError, Index, RequirementOrigin, ResolveOptions, SourcedRequirement, Unusable,
};
use lockit_types::{
    CoreMetadata, DistFile, DistFilename, PackageName, Platform, ProjectFiles, Requirement, Target,
    Version, Yanked,
};
use serde::{Deserialize, Serialize};

/// The target every recording and benchmark uses (as `benchmarks/compare.sh` does).
pub const PYTHON: &str = "3.12";
/// See [`PYTHON`].
pub const PLATFORM: &str = "x86_64-manylinux_2_28";
/// See [`PYTHON`].
pub const EXCLUDE_NEWER: &str = "2026-11-01T00:00:00Z";

/// One recorded file: `(filename, requires-python, yanked)`.
type RecordedFile = (String, Option<String>, bool);

/// What one resolution read from an index.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Recording {
    /// The input requirements, one per entry.
    pub requirements: Vec<String>,
    /// Project pages, by normalized name.
    pub projects: Vec<(String, Vec<RecordedFile>)>,
    /// `(name, version, metadata text or why it is unavailable)`.
    pub metadata: Vec<(String, String, Result<String, String>)>,
    /// The resolution recorded, as `name==version`; a replay must give the same.
    #[serde(default)]
    pub pins: Vec<String>,
}

/// Where the committed recordings live.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

impl Recording {
    /// Reads a gzipped recording.
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
        serde_json::from_str(&text).map_err(std::io::Error::other)
    }

    /// Reads `benchmarks/data/<corpus>.json.gz`.
    pub fn load_corpus(corpus: &str) -> std::io::Result<Self> {
        Self::load(&data_dir().join(format!("{corpus}.json.gz")))
    }

    /// Writes it gzipped, entries sorted so the same resolution gives the same bytes.
    pub fn save(&mut self, path: &Path) -> std::io::Result<()> {
        self.projects.sort();
        self.metadata.sort();
        let json = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(path)?,
            flate2::Compression::best(),
        );
        gz.write_all(&json)?;
        gz.finish()?;
        Ok(())
    }

    /// The root requirements.
    pub fn roots(&self) -> Vec<SourcedRequirement> {
        self.requirements
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                Some(SourcedRequirement::new(
                    lockit_types::parse_requirement(r).ok()?,
                    RequirementOrigin::File {
                        path: "requirements.in".into(),
                        line: i + 1,
                    },
                ))
            })
            .collect()
    }

    /// Every metadata text that was available.
    pub fn metadata_texts(&self) -> impl Iterator<Item = &str> {
        self.metadata
            .iter()
            .filter_map(|(_, _, m)| m.as_deref().ok())
    }

    /// An in-memory index answering as the recorded one did.
    pub fn index(&self) -> RecordedIndex {
        let mut projects = HashMap::new();
        for (name, files) in &self.projects {
            let Ok(name) = PackageName::from_str(name) else {
                continue;
            };
            let files = files
                .iter()
                .filter_map(|(filename, rp, yanked)| file(&name, filename, rp.as_deref(), *yanked))
                .collect();
            projects.insert(name.clone(), Arc::new(ProjectFiles::new(name, files)));
        }
        let mut metadata = HashMap::new();
        for (name, version, meta) in &self.metadata {
            let (Ok(name), Ok(version)) = (PackageName::from_str(name), Version::from_str(version))
            else {
                continue;
            };
            let parsed = match meta {
                Ok(text) => CoreMetadata::parse(text.as_bytes())
                    .map(Arc::new)
                    .map_err(|e| e.to_string()),
                Err(why) => Err(why.clone()),
            };
            metadata.insert((name, version), parsed);
        }
        RecordedIndex { projects, metadata }
    }
}

fn file(name: &PackageName, filename: &str, rp: Option<&str>, yanked: bool) -> Option<DistFile> {
    use sha2::Digest;
    Some(DistFile {
        filename: DistFilename::parse(filename, name).ok()?,
        url: format!("https://files.example/packages/{filename}"),
        sha256: Some(hex::encode(sha2::Sha256::digest(filename.as_bytes()))),
        requires_python: rp.and_then(|s| s.trim().parse().ok()),
        yanked: if yanked {
            Yanked::Yes(String::new())
        } else {
            Yanked::No
        },
        upload_time: None,
        size: None,
        core_metadata: Some(None),
        index: "https://pypi.org/simple/".into(),
    })
}

/// A recorded index, replayed from memory.
pub struct RecordedIndex {
    projects: HashMap<PackageName, Arc<ProjectFiles>>,
    metadata: HashMap<(PackageName, Version), Result<Arc<CoreMetadata>, String>>,
}

impl Index for RecordedIndex {
    fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        Ok(self
            .projects
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::new(ProjectFiles::new(name.clone(), Vec::new()))))
    }

    fn metadata(
        &self,
        name: &PackageName,
        version: &Version,
        _files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        match self.metadata.get(&(name.clone(), version.clone())) {
            Some(Ok(m)) => Ok(m.clone()),
            Some(Err(why)) => Err(FetchError::Unavailable(Unusable::unreadable(why.clone()))),
            None => Err(FetchError::Fatal(
                format!("{name} {version} was not recorded").into(),
            )),
        }
    }
}

/// The options every benchmark resolves with.
pub fn options() -> ResolveOptions {
    let platform = Platform::from_str(PLATFORM).expect("known platform");
    ResolveOptions::new(Target::new(PYTHON, platform).expect("known target"))
}

/// Metadata as text holding only the fields resolution reads.
pub fn metadata_text(m: &CoreMetadata) -> String {
    let mut out = format!(
        "Metadata-Version: {}\nName: {}\nVersion: {}\n",
        m.metadata_version, m.name, m.version
    );
    if let Some(rp) = &m.requires_python {
        out.push_str(&format!("Requires-Python: {rp}\n"));
    }
    for r in &m.requires_dist {
        out.push_str(&format!("Requires-Dist: {r}\n"));
    }
    for e in &m.provides_extras {
        out.push_str(&format!("Provides-Extra: {e}\n"));
    }
    for d in &m.dynamic {
        out.push_str(&format!("Dynamic: {d}\n"));
    }
    out
}

/// Wraps an index and records every answer into a [`Recording`].
pub struct Recorder<'a> {
    inner: &'a dyn Index,
    recording: Mutex<Recording>,
}

impl<'a> Recorder<'a> {
    /// Records what `inner` answers for a resolution of `requirements`.
    pub fn new(inner: &'a dyn Index, requirements: Vec<String>) -> Self {
        Recorder {
            inner,
            recording: Mutex::new(Recording {
                requirements,
                ..Recording::default()
            }),
        }
    }

    /// The recording so far.
    pub fn finish(self) -> Recording {
        self.recording
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recording> {
        self.recording
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Index for Recorder<'_> {
    fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, FetchError> {
        let project = self.inner.project(name)?;
        let mut rec = self.lock();
        if !rec.projects.iter().any(|(n, _)| n == name.as_ref()) {
            let files = project
                .files()
                .map(|f| {
                    let filename = lockit_types::url_file_name(&f.url);
                    (
                        filename,
                        f.requires_python.as_ref().map(ToString::to_string),
                        f.yanked.is_yanked(),
                    )
                })
                .collect();
            rec.projects.push((name.to_string(), files));
        }
        Ok(project)
    }

    fn metadata(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, FetchError> {
        let answer = self.inner.metadata(name, version, files);
        let recorded = match &answer {
            Ok(m) => Ok(metadata_text(m)),
            Err(FetchError::Unavailable(why)) => {
                Err(why.clause(Some((name.as_ref(), &version.to_string()))))
            }
            Err(FetchError::Fatal(_)) => return answer,
        };
        let mut rec = self.lock();
        let key = (name.to_string(), version.to_string());
        if !rec
            .metadata
            .iter()
            .any(|(n, v, _)| (n, v) == (&key.0, &key.1))
        {
            rec.metadata.push((key.0, key.1, recorded));
        }
        answer
    }
}

/// Requirements from a corpus `.in` file: one per line, `#` comments dropped.
pub fn read_requirements(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Parses a requirement the way the recording's roots are parsed.
pub fn requirement(text: &str) -> Option<Requirement> {
    lockit_types::parse_requirement(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_replay_to_the_resolution_they_were_recorded_from() {
        for corpus in ["jupyter", "airflow", "boto"] {
            let recording = Recording::load_corpus(corpus).unwrap();
            let res =
                lockit_resolver::resolve(&recording.index(), &recording.roots(), &[], &options())
                    .unwrap();
            let pins: Vec<String> = res
                .packages
                .iter()
                .map(|p| format!("{}=={}", p.name, p.version))
                .collect();
            assert_eq!(pins, recording.pins, "{corpus}");
        }
    }
}
