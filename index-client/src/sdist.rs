//! Static metadata from source distributions: the top-level `PKG-INFO` (when it
//! is trustworthy, Metadata-Version 2.2+) or a static `[project]` table.

use std::io::Read;
use std::str::FromStr;

use lockit_types::{CoreMetadata, ExtraName, PackageName, Requirement, Version, VersionSpecifiers};

use crate::zipread::{self, RangeSource, ZipError};

/// The two files of interest at the top folder of an sdist.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SdistFiles {
    pub pkg_info: Option<Vec<u8>>,
    pub pyproject: Option<Vec<u8>>,
}

/// Cap on bytes decompressed while scanning a tarball, against gzip bombs.
const MAX_TAR_STREAM: u64 = 1024 * 1024 * 1024;

/// `top/NAME` with exactly one leading folder (and an optional `./`).
fn top_level_name(path: &str) -> Option<&str> {
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut parts = path.split('/');
    let (Some(top), Some(name), None) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    (!top.is_empty()).then_some(name)
}

/// Reads `PKG-INFO` and `pyproject.toml` from a `.tar.gz` stream without extracting it.
pub(crate) fn read_tar_gz(reader: impl Read, limit: u64) -> Result<SdistFiles, String> {
    let gz = flate2::read::GzDecoder::new(reader).take(MAX_TAR_STREAM);
    let mut archive = tar::Archive::new(gz);
    let mut found = SdistFiles::default();
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| format!("corrupt tarball: {e}"))?;
        let path = entry.path().map_err(|e| e.to_string())?;
        let Some(path) = path.to_str().map(str::to_string) else {
            continue;
        };
        let slot = match top_level_name(&path) {
            Some("PKG-INFO") if found.pkg_info.is_none() => &mut found.pkg_info,
            Some("pyproject.toml") if found.pyproject.is_none() => &mut found.pyproject,
            _ => continue,
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("corrupt tarball: {e}"))?;
        if data.len() as u64 > limit {
            return Err(format!("`{path}` is over the {limit}-byte limit"));
        }
        *slot = Some(data);
        if found.pkg_info.is_some() && found.pyproject.is_some() {
            break;
        }
    }
    Ok(found)
}

/// Reads `PKG-INFO` and `pyproject.toml` from a `.zip` sdist.
pub(crate) async fn read_zip<S: RangeSource>(
    src: &mut S,
    limit: u64,
) -> Result<SdistFiles, ZipError> {
    let entries = zipread::list_entries(src, None).await?;
    let mut found = SdistFiles::default();
    for want in ["PKG-INFO", "pyproject.toml"] {
        let Some(entry) = entries
            .iter()
            .find(|e| top_level_name(&e.name) == Some(want))
        else {
            continue;
        };
        let data = zipread::read_entry(src, entry, limit).await?;
        match want {
            "PKG-INFO" => found.pkg_info = Some(data),
            _ => found.pyproject = Some(data),
        }
    }
    Ok(found)
}

/// Turns a static `[project]` table into core metadata text (so it can be cached
/// and re-parsed like any `METADATA`); `Err` says why it is not static.
pub(crate) fn metadata_from_pyproject(
    pyproject: &[u8],
    name: &PackageName,
    version: &Version,
) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(pyproject).map_err(|_| "pyproject.toml is not UTF-8")?;
    let doc: toml::Table =
        toml::from_str(text).map_err(|e| format!("invalid pyproject.toml: {e}"))?;
    let project = doc
        .get("project")
        .and_then(toml::Value::as_table)
        .ok_or("pyproject.toml has no [project] table")?;
    let dynamic: Vec<&str> = match project.get("dynamic") {
        None => Vec::new(),
        Some(v) => v
            .as_array()
            .ok_or("`project.dynamic` is not an array")?
            .iter()
            .filter_map(toml::Value::as_str)
            .collect(),
    };
    for field in ["dependencies", "optional-dependencies", "requires-python"] {
        if dynamic.contains(&field) {
            return Err(format!(
                "`{field}` is dynamic in pyproject.toml: the sdist would have to be built"
            ));
        }
    }
    if let Some(n) = project.get("name").and_then(toml::Value::as_str) {
        let declared =
            PackageName::from_str(n).map_err(|e| format!("invalid `project.name`: {e}"))?;
        if &declared != name {
            return Err(format!("pyproject.toml is for `{declared}`, not `{name}`"));
        }
    }
    if let Some(v) = project.get("version").and_then(toml::Value::as_str) {
        let declared =
            Version::from_str(v).map_err(|e| format!("invalid `project.version`: {e}"))?;
        if &declared != version {
            return Err(format!(
                "pyproject.toml says version {declared}, the filename says {version}"
            ));
        }
    } else if !dynamic.contains(&"version") {
        return Err("pyproject.toml has neither a static nor a dynamic `version`".into());
    }

    // Through lockit-types's guard: pep508_rs panics on some names (`foo. >=1`), and an
    // sdist's pyproject.toml is anyone's input.
    let requirement = |s: &str| -> Result<Requirement, String> {
        lockit_types::parse_requirement(s)
            .map_err(|e| format!("invalid requirement `{s}` in pyproject.toml: {}", e.message))
    };
    let strings = |v: &toml::Value, what: &str| -> Result<Vec<String>, String> {
        v.as_array()
            .ok_or(format!("`{what}` is not an array"))?
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or(format!("`{what}` holds a non-string"))
            })
            .collect()
    };

    let mut out = format!("Metadata-Version: 2.2\nName: {name}\nVersion: {version}\n");
    if let Some(rp) = project.get("requires-python") {
        let rp = rp.as_str().ok_or("`requires-python` is not a string")?;
        let spec = VersionSpecifiers::from_str(rp)
            .map_err(|e| format!("invalid `requires-python`: {e}"))?;
        out.push_str(&format!("Requires-Python: {spec}\n"));
    }
    if let Some(deps) = project.get("dependencies") {
        for dep in strings(deps, "dependencies")? {
            out.push_str(&format!("Requires-Dist: {}\n", requirement(&dep)?));
        }
    }
    if let Some(optional) = project.get("optional-dependencies") {
        let optional = optional
            .as_table()
            .ok_or("`optional-dependencies` is not a table")?;
        for (extra, deps) in optional {
            let extra =
                ExtraName::from_str(extra).map_err(|e| format!("invalid extra `{extra}`: {e}"))?;
            out.push_str(&format!("Provides-Extra: {extra}\n"));
            for dep in strings(deps, "optional-dependencies")? {
                let mut req = requirement(&dep)?;
                let marker = req.marker.try_to_string();
                req.marker = pep508_rs::MarkerTree::TRUE;
                let line = match marker {
                    None => format!("{req} ; extra == \"{extra}\""),
                    Some(m) => format!("{req} ; ({m}) and extra == \"{extra}\""),
                };
                // Validate the combination before writing it.
                requirement(&line)?;
                out.push_str(&format!("Requires-Dist: {line}\n"));
            }
        }
    }
    out.push('\n');
    // Checks that the synthesized text round-trips.
    CoreMetadata::parse(out.as_bytes()).map_err(|e| e.to_string())?;
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    pub(crate) fn build_tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (path, data) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, path, *data).unwrap();
        }
        let mut gz = tar.into_inner().unwrap();
        gz.flush().unwrap();
        gz.finish().unwrap()
    }

    fn n(s: &str) -> PackageName {
        PackageName::from_str(s).unwrap()
    }
    fn v(s: &str) -> Version {
        Version::from_str(s).unwrap()
    }

    /// Found by fuzz/ (target sdist): pep508_rs panicked on these names, which took the
    /// whole process down (exit 101) when a find-links sdist's pyproject.toml had them.
    #[test]
    fn regression_pyproject_names_that_panic_pep508_rs() {
        for dep in [
            "foo. >=1",
            "requks-----.---+--0--cc",
            "a[b-] >=1",
            "x_ ; os_name == 'a'",
        ] {
            let text = format!(
                "[project]\nname = \"pkg\"\nversion = \"1.0\"\ndependencies = [\"{dep}\"]\n"
            );
            let err = metadata_from_pyproject(text.as_bytes(), &n("pkg"), &v("1.0")).unwrap_err();
            assert!(err.contains("invalid requirement"), "{dep}: {err}");
            let text = format!(
                "[project]\nname = \"pkg\"\nversion = \"1.0\"\n[project.optional-dependencies]\nx = [\"{dep}\"]\n"
            );
            assert!(metadata_from_pyproject(text.as_bytes(), &n("pkg"), &v("1.0")).is_err());
        }
    }

    /// A gzip bomb: 64 MiB of zeros as PKG-INFO compresses to ~64 KiB; only `limit + 1`
    /// bytes of it are ever inflated into memory.
    #[test]
    fn tar_gz_entry_over_the_limit_is_refused() {
        let big = vec![0u8; 64 << 20];
        let tgz = build_tar_gz(&[("pkg-1.0/PKG-INFO", &big)]);
        assert!(tgz.len() < 1 << 20, "{}", tgz.len());
        let err = read_tar_gz(tgz.as_slice(), 1 << 20).unwrap_err();
        assert!(err.contains("over the 1048576-byte limit"), "{err}");
        // Files we do not look for are skipped without being read into memory.
        let tgz = build_tar_gz(&[("pkg-1.0/data.bin", &big), ("pkg-1.0/PKG-INFO", b"x")]);
        let found = read_tar_gz(tgz.as_slice(), 1 << 20).unwrap();
        assert_eq!(found.pkg_info.as_deref(), Some(b"x" as &[u8]));
    }

    #[test]
    fn tar_gz_top_level_only() {
        let tgz = build_tar_gz(&[
            ("foo-1.0/src/foo.egg-info/PKG-INFO", b"nested" as &[u8]),
            ("foo-1.0/setup.py", b""),
            ("foo-1.0/PKG-INFO", b"top"),
            ("./foo-1.0/pyproject.toml", b"[project]"),
        ]);
        let found = read_tar_gz(&tgz[..], 1024).unwrap();
        assert_eq!(found.pkg_info.as_deref(), Some(b"top" as &[u8]));
        assert_eq!(found.pyproject.as_deref(), Some(b"[project]" as &[u8]));
        assert!(read_tar_gz(&tgz[..], 2).is_err());
        assert!(read_tar_gz(&b"garbage"[..], 1024).is_err());
        let none = read_tar_gz(&build_tar_gz(&[("foo-1.0/setup.py", b"")])[..], 1024).unwrap();
        assert_eq!(none, SdistFiles::default());
    }

    #[test]
    fn zip_sdist() {
        let zip = crate::zipread::tests::build_zip(
            &[
                ("foo-1.0/PKG-INFO", b"top" as &[u8]),
                ("foo-1.0/a/PKG-INFO", b"nested"),
            ],
            true,
            "",
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let found = rt
            .block_on(read_zip(&mut crate::zipread::InMemory(zip), 1024))
            .unwrap();
        assert_eq!(found.pkg_info.as_deref(), Some(b"top" as &[u8]));
        assert_eq!(found.pyproject, None);
    }

    #[test]
    fn pyproject_table() {
        let ok = r#"
[build-system]
requires = ["setuptools"]
[project]
name = "Foo"
dynamic = ["version", "readme"]
requires-python = ">=3.9"
dependencies = ["requests>=2", "tomli; python_version < '3.11'"]
[project.optional-dependencies]
Test = ["pytest", "pytest-xdist; sys_platform != 'win32'"]
"#;
        let bytes = metadata_from_pyproject(ok.as_bytes(), &n("foo"), &v("1.0")).unwrap();
        let meta = CoreMetadata::parse(&bytes).unwrap();
        assert_eq!(meta.name, n("foo"));
        assert_eq!(meta.version, v("1.0"));
        assert_eq!(meta.requires_python.unwrap().to_string(), ">=3.9");
        assert_eq!(meta.provides_extras.len(), 1);
        let reqs: Vec<String> = meta.requires_dist.iter().map(|r| r.to_string()).collect();
        assert_eq!(reqs.len(), 4, "{reqs:?}");
        assert!(reqs[3].contains("extra == 'test'"), "{reqs:?}");
        assert!(reqs[3].contains("sys_platform != 'win32' and"), "{reqs:?}");

        let cases = [
            (
                "[project]\nname='foo'\nversion='1.0'\ndynamic=['dependencies']",
                "dynamic",
            ),
            ("[tool.x]\n", "no [project]"),
            ("[project]\nname='bar'\nversion='1.0'", "not `foo`"),
            ("[project]\nname='foo'\nversion='2.0'", "version"),
            ("[project]\nname='foo'", "version"),
            (
                "[project]\nname='foo'\nversion='1.0'\ndependencies=['a>=>1']",
                "invalid requirement",
            ),
            (
                "[project]\nname='foo'\nversion='1.0'\ndependencies=['a\\nRequires-Dist: evil']",
                "invalid requirement",
            ),
            ("not toml = = =", "invalid pyproject"),
        ];
        for (toml, want) in cases {
            let err = metadata_from_pyproject(toml.as_bytes(), &n("foo"), &v("1.0")).unwrap_err();
            assert!(err.contains(want), "{toml}: {err}");
        }
        // Static version and no dependencies at all is fine.
        assert!(metadata_from_pyproject(
            b"[project]\nname='foo'\nversion='1.0.0'",
            &n("foo"),
            &v("1.0")
        )
        .is_ok());
    }
}
