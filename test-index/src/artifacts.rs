//! Real, deterministic distribution files built in memory from a scenario: wheels (zip with
//! `METADATA`, `WHEEL`, `RECORD`), sdists (tar.gz with `PKG-INFO` and `pyproject.toml`) and
//! PEP 658 `.metadata` files.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::str::FromStr;
use std::sync::Arc;

use lockit_types::{PackageName, Version};
use sha2::{Digest, Sha256};

use crate::model::{FileEntry, Project};
use crate::scenario::{PackageSpec, Scenario, ScenarioError, SdistBuild, DEFAULT_UPLOAD_TIME};
use lockit_types::normalize_name;

/// Every page and file of a scenario's index, built in memory.
#[derive(Debug, Clone, Default)]
pub struct BuiltIndex {
    /// Normalized name to project.
    pub projects: BTreeMap<String, Project>,
    /// Filename (including `.metadata` files) to bytes.
    pub files: BTreeMap<String, Arc<[u8]>>,
}

impl BuiltIndex {
    /// The sha256 (lowercase hex) of a published file.
    pub fn sha256(&self, filename: &str) -> Option<String> {
        self.files.get(filename).map(|b| sha256_hex(b))
    }
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The mtime of every archive member: fixed so that builds are reproducible.
const ARCHIVE_MTIME: u64 = 1_704_067_200; // 2024-01-01T00:00:00Z

impl Scenario {
    /// Builds every artifact of the scenario; the same scenario always gives the same bytes.
    pub fn build(&self) -> Result<BuiltIndex, ScenarioError> {
        self.validate()?;
        let mut index = BuiltIndex::default();
        for p in &self.packages {
            let invalid = |reason: String| ScenarioError::Invalid {
                scenario: self.name.clone(),
                package: p.name.clone(),
                version: p.version.clone(),
                reason,
            };
            let norm = normalize_name(&p.name);
            let name = PackageName::from_str(&p.name).map_err(|e| invalid(e.to_string()))?;
            let version = Version::from_str(&p.version)
                .map_err(|e| invalid(e.to_string()))?
                .to_string();
            let upload_time = match &p.upload_time {
                Some(t) => jiff::Timestamp::from_str(t)
                    .map_err(|e| invalid(e.to_string()))?
                    .to_string(),
                None => DEFAULT_UPLOAD_TIME.to_string(),
            };
            // Wheel and sdist names escape `-` as `_` (binary distribution format, PEP 625).
            let dist = name.as_ref().replace('-', "_");
            let stem = format!("{dist}-{version}");
            let project = index
                .projects
                .entry(norm.clone())
                .or_insert_with(|| Project {
                    name: norm.clone(),
                    files: Vec::new(),
                });
            let entry = |filename: &str, bytes: &[u8], meta: Option<&[u8]>| FileEntry {
                filename: filename.to_string(),
                hashes: [("sha256".to_string(), sha256_hex(bytes))].into(),
                requires_python: p.requires_python.clone(),
                yanked: p.yanked.reason(),
                upload_time: Some(upload_time.clone()),
                size: Some(bytes.len() as u64),
                core_metadata: meta.map(|m| [("sha256".to_string(), sha256_hex(m))].into()),
            };
            let metadata = core_metadata(p, &version, "2.1");
            for tag in &p.wheels {
                let filename = format!("{stem}-{tag}.whl");
                let bytes = build_wheel(&dist, &version, tag, &metadata).map_err(|reason| {
                    ScenarioError::Build {
                        filename: filename.clone(),
                        reason,
                    }
                })?;
                let meta = p.metadata_file.then_some(metadata.as_bytes());
                project.files.push(entry(&filename, &bytes, meta));
                if let Some(m) = meta {
                    index
                        .files
                        .insert(format!("{filename}.metadata"), Arc::from(m));
                }
                index.files.insert(filename, Arc::from(bytes));
            }
            if p.sdist {
                let filename = format!("{stem}.tar.gz");
                let bytes =
                    build_sdist(p, &stem, &version).map_err(|reason| ScenarioError::Build {
                        filename: filename.clone(),
                        reason,
                    })?;
                project.files.push(entry(&filename, &bytes, None));
                index.files.insert(filename, Arc::from(bytes));
            }
        }
        for project in index.projects.values_mut() {
            project.sort_files();
        }
        Ok(index)
    }
}

/// The `METADATA` / `PKG-INFO` text of a package entry.
pub fn core_metadata(p: &PackageSpec, version: &str, metadata_version: &str) -> String {
    let mut out = format!(
        "Metadata-Version: {metadata_version}\nName: {}\nVersion: {version}\nSummary: lockit test package\n",
        p.name
    );
    if let Some(rp) = &p.requires_python {
        out.push_str(&format!("Requires-Python: {rp}\n"));
    }
    for r in &p.requires {
        out.push_str(&format!("Requires-Dist: {r}\n"));
    }
    for e in &p.extras {
        out.push_str(&format!("Provides-Extra: {e}\n"));
    }
    out
}

fn build_wheel(dist: &str, version: &str, tag: &str, metadata: &str) -> Result<Vec<u8>, String> {
    let dist_info = format!("{dist}-{version}.dist-info");
    let purelib = tag.ends_with("-any");
    let wheel = format!(
        "Wheel-Version: 1.0\nGenerator: lockit-test-index\nRoot-Is-Purelib: {purelib}\nTag: {tag}\n"
    );
    let module = format!("__version__ = \"{version}\"\n");
    let members: Vec<(String, Vec<u8>)> = vec![
        (format!("{dist}/__init__.py"), module.into_bytes()),
        (
            format!("{dist_info}/METADATA"),
            metadata.as_bytes().to_vec(),
        ),
        (format!("{dist_info}/WHEEL"), wheel.into_bytes()),
    ];
    let mut record = String::new();
    for (path, bytes) in &members {
        record.push_str(&format!(
            "{path},sha256={},{}\n",
            urlsafe_b64_nopad(&Sha256::digest(bytes)),
            bytes.len()
        ));
    }
    record.push_str(&format!("{dist_info}/RECORD,,\n"));

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let record_member = (format!("{dist_info}/RECORD"), record.into_bytes());
    for (path, bytes) in members.iter().chain(std::iter::once(&record_member)) {
        zip.start_file(path.as_str(), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

fn build_sdist(p: &PackageSpec, stem: &str, version: &str) -> Result<Vec<u8>, String> {
    if p.build != SdistBuild::Static {
        return build_dynamic_sdist(p, stem, version);
    }
    let pkg_info = core_metadata(p, version, "2.2");
    // Only unconditional and marker-only requirements fit `dependencies`; extras are in PKG-INFO.
    let deps: Vec<String> = p
        .requires
        .iter()
        .filter(|r| !r.contains("extra"))
        .map(|r| format!("  {},\n", toml_string(r)))
        .collect();
    let mut pyproject = format!(
        "[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = {}\nversion = {}\n",
        toml_string(&p.name),
        toml_string(version)
    );
    if let Some(rp) = &p.requires_python {
        pyproject.push_str(&format!("requires-python = {}\n", toml_string(rp)));
    }
    pyproject.push_str(&format!("dependencies = [\n{}]\n", deps.concat()));
    tar_gz(
        stem,
        &[
            ("PKG-INFO", pkg_info.as_bytes()),
            ("pyproject.toml", pyproject.as_bytes()),
        ],
    )
}

/// An sdist whose dependencies only its in-tree backend knows (see [`SdistBuild`]).
fn build_dynamic_sdist(p: &PackageSpec, stem: &str, version: &str) -> Result<Vec<u8>, String> {
    // What setuptools wrote before Metadata-Version 2.2: not to be trusted, and here empty.
    let pkg_info = format!(
        "Metadata-Version: 2.1\nName: {}\nVersion: {version}\nSummary: lockit test package\n",
        p.name
    );
    let pyproject = format!(
        "[build-system]\nrequires = []\nbuild-backend = \"lockit_test_backend\"\nbackend-path = [\".\"]\n\n[project]\nname = {}\nversion = {}\ndynamic = [\"dependencies\", \"optional-dependencies\"]\n",
        toml_string(&p.name),
        toml_string(version)
    );
    let backend = backend_source(p, stem, version);
    tar_gz(
        stem,
        &[
            ("PKG-INFO", pkg_info.as_bytes()),
            ("pyproject.toml", pyproject.as_bytes()),
            ("lockit_test_backend.py", backend.as_bytes()),
        ],
    )
}

/// The in-tree backend ([`BACKEND`]) filled in for `p` (its files named `stem`).
fn backend_source(p: &PackageSpec, stem: &str, version: &str) -> String {
    let list = |items: &[String]| serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
    let backend = BACKEND
        .replace(
            "@NAME@",
            &serde_json::to_string(&p.name).unwrap_or_default(),
        )
        .replace(
            "@VERSION@",
            &serde_json::to_string(version).unwrap_or_default(),
        )
        .replace("@DIST@", &serde_json::to_string(&stem).unwrap_or_default())
        .replace(
            "@REQUIRES_PYTHON@",
            &p.requires_python.as_ref().map_or("None".to_string(), |rp| {
                serde_json::to_string(rp).unwrap_or_default()
            }),
        )
        .replace("@REQUIRES@", &list(&p.requires))
        .replace("@EXTRAS@", &list(&p.extras))
        .replace(
            "@FAILS@",
            if p.build == SdistBuild::Fails {
                "True"
            } else {
                "False"
            },
        );
    if p.build == SdistBuild::WheelOnly {
        backend.replace(
            "def prepare_metadata_for_build_wheel",
            "def _no_prepare_metadata",
        )
    } else {
        backend
    }
}

/// Writes a local project (`-e ./dir` in a requirements file) into `dir`: `p`'s
/// dependencies are known only to its in-tree backend, which also has the PEP 660
/// `prepare_metadata_for_build_editable` hook (logged as such, then as the wheel hook).
pub fn write_local_project(dir: &std::path::Path, p: &PackageSpec) -> std::io::Result<()> {
    let stem = format!("{}-{}", p.name.replace('-', "_"), p.version);
    let pyproject = format!(
        "[build-system]\nrequires = []\nbuild-backend = \"lockit_test_backend\"\nbackend-path = [\".\"]\n\n[project]\nname = {}\nversion = {}\ndynamic = [\"dependencies\", \"optional-dependencies\"]\n",
        toml_string(&p.name),
        toml_string(&p.version)
    );
    let backend = backend_source(p, &stem, &p.version) + EDITABLE_HOOK;
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("pyproject.toml"), pyproject)?;
    std::fs::write(dir.join("lockit_test_backend.py"), backend)
}

/// PEP 660's metadata hook, for local projects installed in editable mode.
const EDITABLE_HOOK: &str = r#"

def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_editable")
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)
"#;

/// The in-tree backend of [`build_dynamic_sdist`]; `@KEY@` are JSON (hence Python) literals.
const BACKEND: &str = r#""""A PEP 517 backend for lockit's tests: the metadata is only known when built."""
import json, os, zipfile

NAME = @NAME@
VERSION = @VERSION@
DIST = @DIST@
REQUIRES_PYTHON = @REQUIRES_PYTHON@
EXTRAS = @EXTRAS@
FAILS = @FAILS@
# Computed when a hook runs: no static reading of this sdist can know it.
REQUIRES = json.loads(json.dumps(@REQUIRES@))


def _log(hook):
    path = os.environ.get("LOCKIT_TEST_BUILD_LOG")
    if path:
        with open(path, "a") as f:
            f.write("%s %s %s\n" % (hook, NAME, VERSION))


def _fail(hook):
    print("lockit test backend: %s of %s %s" % (hook, NAME, VERSION))
    print("lockit test backend: this build fails on purpose")
    raise RuntimeError("%s of %s %s fails on purpose" % (hook, NAME, VERSION))


def _metadata():
    lines = ["Metadata-Version: 2.1", "Name: " + NAME, "Version: " + VERSION]
    if REQUIRES_PYTHON:
        lines.append("Requires-Python: " + REQUIRES_PYTHON)
    lines += ["Requires-Dist: " + r for r in REQUIRES]
    lines += ["Provides-Extra: " + e for e in EXTRAS]
    return "\n".join(lines) + "\n"


def get_requires_for_build_wheel(config_settings=None):
    _log("get_requires_for_build_wheel")
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_wheel")
    if FAILS:
        _fail("prepare_metadata_for_build_wheel")
    dist_info = DIST + ".dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info))
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w") as f:
        f.write(_metadata())
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_wheel")
    if FAILS:
        _fail("build_wheel")
    name = DIST + "-py3-none-any.whl"
    dist_info = DIST + ".dist-info"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        z.writestr(DIST.split("-")[0] + "/__init__.py", "")
        z.writestr(dist_info + "/METADATA", _metadata())
        z.writestr(dist_info + "/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(dist_info + "/RECORD", "")
    return name


def build_sdist(sdist_directory, config_settings=None):
    raise NotImplementedError("lockit's test backend builds no sdists")
"#;

/// A deterministic `.tar.gz` of `files` under the folder `stem`.
fn tar_gz(stem: &str, files: &[(&str, &[u8])]) -> Result<Vec<u8>, String> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for &(name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(ARCHIVE_MTIME);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, format!("{stem}/{name}"), bytes)
            .map_err(|e| e.to_string())?;
    }
    let gz = tar.into_inner().map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// RECORD hashes are urlsafe base64 without padding.
fn urlsafe_b64_nopad(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::Read;

    use super::*;

    const SCENARIO: &str = r#"
name = "t"
[[packages]]
name = "Foo.Bar"
version = "1.0.0-rc1"
requires = ["dep>=1; python_version >= '3.8'", "extra-dep; extra == 'fast'"]
extras = ["fast"]
requires_python = ">=3.10"
wheels = ["cp312-cp312-manylinux_2_17_x86_64", "py3-none-any"]
sdist = true
[[packages]]
name = "dep"
version = "1"
metadata_file = false
"#;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(urlsafe_b64_nopad(b""), "");
        assert_eq!(urlsafe_b64_nopad(b"f"), "Zg");
        assert_eq!(urlsafe_b64_nopad(b"fo"), "Zm8");
        assert_eq!(urlsafe_b64_nopad(b"foo"), "Zm9v");
        assert_eq!(urlsafe_b64_nopad(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn wheels_are_zips_whose_metadata_matches() {
        let s = Scenario::from_toml(SCENARIO).unwrap();
        let index = s.build().unwrap();
        let project = &index.projects["foo-bar"];
        let names: Vec<&str> = project.files.iter().map(|f| f.filename.as_str()).collect();
        assert_eq!(
            names,
            [
                "foo_bar-1.0.0rc1-cp312-cp312-manylinux_2_17_x86_64.whl",
                "foo_bar-1.0.0rc1-py3-none-any.whl",
                "foo_bar-1.0.0rc1.tar.gz"
            ]
        );
        let wheel = &index.files["foo_bar-1.0.0rc1-py3-none-any.whl"];
        let mut zip = zip::ZipArchive::new(Cursor::new(wheel.to_vec())).unwrap();
        let mut metadata = Vec::new();
        zip.by_name("foo_bar-1.0.0rc1.dist-info/METADATA")
            .unwrap()
            .read_to_end(&mut metadata)
            .unwrap();
        assert_eq!(
            &metadata[..],
            &index.files["foo_bar-1.0.0rc1-py3-none-any.whl.metadata"][..]
        );
        let meta = lockit_types::CoreMetadata::parse(&metadata).unwrap();
        assert_eq!(meta.name.as_ref(), "foo-bar");
        assert_eq!(meta.version.to_string(), "1.0.0rc1");
        assert_eq!(meta.requires_dist.len(), 2);
        assert_eq!(meta.provides_extras.len(), 1);
        assert_eq!(meta.requires_python.unwrap().to_string(), ">=3.10");
        let mut record = String::new();
        zip.by_name("foo_bar-1.0.0rc1.dist-info/RECORD")
            .unwrap()
            .read_to_string(&mut record)
            .unwrap();
        let expected = format!(
            "foo_bar-1.0.0rc1.dist-info/METADATA,sha256={},{}",
            urlsafe_b64_nopad(&Sha256::digest(&metadata)),
            metadata.len()
        );
        assert!(record.contains(&expected), "{record}");
        let entry = &project.files[1];
        assert_eq!(entry.sha256(), Some(sha256_hex(wheel).as_str()));
        assert_eq!(entry.size, Some(wheel.len() as u64));
        assert!(entry.core_metadata.is_some());
        assert!(project.files[2].core_metadata.is_none());
        assert!(!index.files.contains_key("dep-1-py3-none-any.whl.metadata"));
        assert!(index.projects["dep"].files[0].core_metadata.is_none());
    }

    #[test]
    fn sdist_holds_static_pkg_info() {
        let index = Scenario::from_toml(SCENARIO).unwrap().build().unwrap();
        let gz = &index.files["foo_bar-1.0.0rc1.tar.gz"];
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&gz[..]));
        let mut found = BTreeMap::new();
        for e in tar.entries().unwrap() {
            let mut e = e.unwrap();
            let path = e.path().unwrap().to_string_lossy().into_owned();
            let mut text = String::new();
            e.read_to_string(&mut text).unwrap();
            found.insert(path, text);
        }
        let pkg_info = &found["foo_bar-1.0.0rc1/PKG-INFO"];
        let meta = lockit_types::CoreMetadata::parse_sdist_pkg_info(pkg_info.as_bytes()).unwrap();
        assert_eq!(meta.requires_dist.len(), 2);
        let pyproject: toml::Table = found["foo_bar-1.0.0rc1/pyproject.toml"].parse().unwrap();
        assert_eq!(pyproject["project"]["name"].as_str(), Some("Foo.Bar"));
    }

    #[test]
    fn builds_are_deterministic() {
        let s = Scenario::from_toml(SCENARIO).unwrap();
        let (a, b) = (s.build().unwrap(), s.build().unwrap());
        assert_eq!(a.files, b.files);
        assert_eq!(a.projects, b.projects);
    }
}
