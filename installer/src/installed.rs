//! What an environment has installed: its `.dist-info` folders, read by name alone (plus
//! `direct_url.json` where a distribution came from a URL or a folder), so a sync that
//! changes nothing reads no more than that.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lockit_types::{PackageName, Version};

/// One installed distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The normalized name.
    pub name: PackageName,
    /// The version the folder name gives.
    pub version: Version,
    /// Its `.dist-info` folder.
    pub dist_info: PathBuf,
    /// The `url` of its PEP 610 `direct_url.json`, when it came from a URL or a folder.
    pub direct_url: Option<String>,
    /// True when `direct_url.json` says it is installed editable.
    pub editable: bool,
    /// False when `RECORD` or `METADATA` is missing: an install that was interrupted.
    pub complete: bool,
}

/// Every `.dist-info` folder in `dirs`, sorted by name; unreadable folders are skipped.
pub fn installed(dirs: &[PathBuf]) -> Vec<Installed> {
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(stem) = file_name
                .to_str()
                .and_then(|n| n.strip_suffix(".dist-info"))
            else {
                continue;
            };
            let Some(dist) = read_dist_info(&entry.path(), stem) else {
                tracing::debug!("skipping the unreadable {}", entry.path().display());
                continue;
            };
            found.push(dist);
        }
    }
    found.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    found
}

/// One `.dist-info` folder, named `stem.dist-info`.
fn read_dist_info(path: &Path, stem: &str) -> Option<Installed> {
    let (name, version) = stem.rsplit_once('-')?;
    let name = PackageName::from_str(name).ok()?;
    let version = Version::from_str(version).ok()?;
    let (direct_url, editable) = match std::fs::read(path.join("direct_url.json")) {
        Ok(bytes) => read_direct_url(&bytes),
        Err(_) => (None, false),
    };
    let complete = path.join("RECORD").is_file() && path.join("METADATA").is_file();
    Some(Installed {
        name,
        version,
        dist_info: path.to_path_buf(),
        direct_url,
        editable,
        complete,
    })
}

/// The `url` and the editable flag of a PEP 610 `direct_url.json`.
fn read_direct_url(bytes: &[u8]) -> (Option<String>, bool) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return (None, false);
    };
    let url = value
        .get("url")
        .and_then(|u| u.as_str())
        .map(str::to_string);
    let editable = value
        .pointer("/dir_info/editable")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    (url, editable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist_info(dir: &Path, stem: &str, files: &[(&str, &str)]) {
        let d = dir.join(format!("{stem}.dist-info"));
        std::fs::create_dir_all(&d).unwrap();
        for (name, text) in files {
            std::fs::write(d.join(name), text).unwrap();
        }
    }

    #[test]
    fn reads_names_versions_and_direct_urls() {
        let tmp = tempfile::tempdir().unwrap();
        let complete = [("RECORD", ""), ("METADATA", "")];
        dist_info(tmp.path(), "Typing_Extensions-4.12.2", &complete);
        dist_info(
            tmp.path(),
            "app-0.1",
            &[
                ("RECORD", ""),
                ("METADATA", ""),
                (
                    "direct_url.json",
                    r#"{"url": "file:///src/app", "dir_info": {"editable": true}}"#,
                ),
            ],
        );
        dist_info(tmp.path(), "half-1.0", &[("METADATA", "")]);
        std::fs::create_dir_all(tmp.path().join("not_a_dist")).unwrap();
        let found = installed(&[tmp.path().to_path_buf()]);
        let summary: Vec<String> = found
            .iter()
            .map(|d| {
                format!(
                    "{} {} {:?} {} {}",
                    d.name, d.version, d.direct_url, d.editable, d.complete
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "app 0.1 Some(\"file:///src/app\") true true",
                "half 1.0 None false false",
                "typing-extensions 4.12.2 None false true",
            ]
        );
    }

    #[test]
    fn a_missing_folder_has_nothing_installed() {
        assert!(installed(&[PathBuf::from("/nonexistent/site-packages")]).is_empty());
    }
}
