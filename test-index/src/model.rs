//! What an index lists for a project, and its two renderings: PEP 691 JSON and PEP 503 HTML.
//!
//! The same model is filled from a scenario, from a recorded fixture or from an upstream
//! index, so every flavour of the server renders pages the same way.

use std::collections::BTreeMap;
use std::str::FromStr;

use lockit_types::{DistFilename, PackageName, Version};
use serde_json::{json, Map, Value};

/// The PEP 691 media type of a JSON project page.
pub const JSON_MEDIA_TYPE: &str = "application/vnd.pypi.simple.v1+json";
/// The PEP 691 media type of an HTML project page.
pub const HTML_MEDIA_TYPE: &str = "application/vnd.pypi.simple.v1+html";
/// The Simple API version the pages declare (1.1 adds PEP 700 fields).
pub const API_VERSION: &str = "1.1";

/// Every file one project publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The normalized project name.
    pub name: String,
    /// The files, in page order.
    pub files: Vec<FileEntry>,
}

/// One file as a Simple API page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The filename; files are served at `/files/<filename>`.
    pub filename: String,
    /// Hash name (`sha256`) to lowercase hex digest.
    pub hashes: BTreeMap<String, String>,
    /// `requires-python`, verbatim.
    pub requires_python: Option<String>,
    /// `None` when not yanked, else the reason (possibly empty).
    pub yanked: Option<String>,
    /// PEP 700 upload time, RFC 3339.
    pub upload_time: Option<String>,
    /// File size in bytes.
    pub size: Option<u64>,
    /// PEP 658/714: `Some` when `<file>.metadata` is served, with its hashes (maybe none).
    pub core_metadata: Option<BTreeMap<String, String>>,
}

impl FileEntry {
    /// The sha256 of the file, when known.
    pub fn sha256(&self) -> Option<&str> {
        self.hashes.get("sha256").map(String::as_str)
    }
}

impl Project {
    /// The distinct versions of the files, in ascending PEP 440 order (PEP 700 `versions`).
    pub fn versions(&self) -> Vec<String> {
        let Ok(name) = PackageName::from_str(&self.name) else {
            return Vec::new();
        };
        let mut versions: Vec<Version> = self
            .files
            .iter()
            .filter_map(|f| DistFilename::parse(&f.filename, &name).ok())
            .map(|d| d.version().clone())
            .collect();
        versions.sort();
        versions.dedup();
        versions.iter().map(ToString::to_string).collect()
    }

    /// Orders files by version, then filename, so pages do not depend on input order.
    pub fn sort_files(&mut self) {
        let name = PackageName::from_str(&self.name).ok();
        let version_of = |f: &FileEntry| {
            name.as_ref()
                .and_then(|n| DistFilename::parse(&f.filename, n).ok())
                .map(|d| d.version().clone())
        };
        self.files.sort_by(|a, b| {
            version_of(a)
                .cmp(&version_of(b))
                .then_with(|| a.filename.cmp(&b.filename))
        });
    }
}

fn hashes_value(hashes: &BTreeMap<String, String>) -> Value {
    Value::Object(
        hashes
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// One file as a PEP 691 JSON object; `url` is where the file is served.
pub fn file_json(file: &FileEntry, url: &str, legacy_keys: bool) -> Value {
    let mut m = Map::new();
    m.insert("filename".into(), json!(file.filename));
    m.insert("url".into(), json!(url));
    m.insert("hashes".into(), hashes_value(&file.hashes));
    if let Some(rp) = &file.requires_python {
        m.insert("requires-python".into(), json!(rp));
    }
    if let Some(meta) = &file.core_metadata {
        let v = if meta.is_empty() {
            json!(true)
        } else {
            hashes_value(meta)
        };
        if legacy_keys {
            m.insert("data-dist-info-metadata".into(), v.clone());
        }
        m.insert("core-metadata".into(), v);
    }
    m.insert(
        "yanked".into(),
        match &file.yanked {
            None => json!(false),
            Some(r) if r.is_empty() => json!(true),
            Some(r) => json!(r),
        },
    );
    if let Some(t) = &file.upload_time {
        m.insert("upload-time".into(), json!(t));
    }
    if let Some(s) = file.size {
        m.insert("size".into(), json!(s));
    }
    Value::Object(m)
}

/// A project page as PEP 691 JSON; `file_url` maps a filename to its URL.
pub fn project_json(project: &Project, file_url: &dyn Fn(&str) -> String) -> String {
    let files: Vec<Value> = project
        .files
        .iter()
        .map(|f| file_json(f, &file_url(&f.filename), true))
        .collect();
    json!({
        "meta": { "api-version": API_VERSION },
        "name": project.name,
        "versions": project.versions(),
        "files": files,
    })
    .to_string()
}

/// The stored fixture form of a page: compact JSON with keys sorted and one file per line,
/// so that a re-recording diffs file by file.
pub fn project_fixture_json(project: &Project, file_url: &dyn Fn(&str) -> String) -> String {
    let mut out = String::from("{\"files\":[");
    for (i, f) in project.files.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&file_json(f, &file_url(&f.filename), false).to_string());
    }
    out.push_str("\n],\"meta\":");
    out.push_str(&json!({ "api-version": API_VERSION }).to_string());
    out.push_str(",\"name\":");
    out.push_str(&json!(project.name).to_string());
    out.push_str(",\"versions\":");
    out.push_str(&json!(project.versions()).to_string());
    out.push_str("}\n");
    out
}

/// A project page as PEP 503 HTML (with PEP 592, 658 and 714 attributes).
pub fn project_html(project: &Project, file_url: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html>\n  <head>\n");
    out.push_str(&format!(
        "    <meta name=\"pypi:repository-version\" content=\"{API_VERSION}\">\n"
    ));
    out.push_str(&format!(
        "    <title>Links for {0}</title>\n  </head>\n  <body>\n    <h1>Links for {0}</h1>\n",
        escape_html(&project.name)
    ));
    for f in &project.files {
        let mut href = file_url(&f.filename);
        if let Some(sha) = f.sha256() {
            href.push_str("#sha256=");
            href.push_str(sha);
        }
        out.push_str(&format!("    <a href=\"{}\"", escape_html(&href)));
        if let Some(rp) = &f.requires_python {
            out.push_str(&format!(" data-requires-python=\"{}\"", escape_html(rp)));
        }
        if let Some(reason) = &f.yanked {
            out.push_str(&format!(" data-yanked=\"{}\"", escape_html(reason)));
        }
        if let Some(meta) = &f.core_metadata {
            let v = match meta.get("sha256") {
                Some(sha) => format!("sha256={sha}"),
                None => "true".to_string(),
            };
            out.push_str(&format!(
                " data-dist-info-metadata=\"{v}\" data-core-metadata=\"{v}\""
            ));
        }
        out.push_str(&format!(">{}</a><br/>\n", escape_html(&f.filename)));
    }
    out.push_str("  </body>\n</html>\n");
    out
}

/// The index root (`/simple/`) as PEP 691 JSON.
pub fn root_json(names: &[String]) -> String {
    let projects: Vec<Value> = names.iter().map(|n| json!({ "name": n })).collect();
    json!({ "meta": { "api-version": API_VERSION }, "projects": projects }).to_string()
}

/// The index root (`/simple/`) as PEP 503 HTML; `project_url` maps a name to its page.
pub fn root_html(names: &[String], project_url: &dyn Fn(&str) -> String) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html>\n  <head>\n");
    out.push_str(&format!(
        "    <meta name=\"pypi:repository-version\" content=\"{API_VERSION}\">\n"
    ));
    out.push_str("    <title>Simple index</title>\n  </head>\n  <body>\n");
    for n in names {
        out.push_str(&format!(
            "    <a href=\"{}\">{}</a><br/>\n",
            escape_html(&project_url(n)),
            escape_html(n)
        ));
    }
    out.push_str("  </body>\n</html>\n");
    out
}

/// Escapes text for an HTML attribute value or element body.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Why a PEP 691 page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid PEP 691 project page: {0}")]
pub struct PageError(pub String);

/// One file read from a PEP 691 page, with its URL as written on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    /// The file's listing.
    pub entry: FileEntry,
    /// The `url` value, unresolved.
    pub url: String,
}

/// Reads a PEP 691 project page (upstream's or a stored fixture).
pub fn parse_project_json(text: &[u8]) -> Result<(String, Vec<ParsedFile>), PageError> {
    let v: Value = serde_json::from_slice(text).map_err(|e| PageError(e.to_string()))?;
    let name = v
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| PageError("no `name`".into()))?;
    let files = v
        .get("files")
        .and_then(Value::as_array)
        .ok_or_else(|| PageError("no `files` array".into()))?;
    let str_map = |v: Option<&Value>| -> BTreeMap<String, String> {
        v.and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let filename = f
            .get("filename")
            .and_then(Value::as_str)
            .ok_or_else(|| PageError("a file has no `filename`".into()))?;
        let url = f
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| PageError(format!("`{filename}` has no `url`")))?;
        let meta = f
            .get("core-metadata")
            .or_else(|| f.get("data-dist-info-metadata"))
            .or_else(|| f.get("dist-info-metadata"));
        let core_metadata = match meta {
            None | Some(Value::Bool(false)) | Some(Value::Null) => None,
            Some(Value::Bool(true)) => Some(BTreeMap::new()),
            Some(v) => Some(str_map(Some(v))),
        };
        let yanked = match f.get("yanked") {
            None | Some(Value::Bool(false)) | Some(Value::Null) => None,
            Some(Value::String(r)) => Some(r.clone()),
            Some(_) => Some(String::new()),
        };
        out.push(ParsedFile {
            entry: FileEntry {
                filename: filename.to_string(),
                hashes: str_map(f.get("hashes")),
                requires_python: f
                    .get("requires-python")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                yanked,
                upload_time: f
                    .get("upload-time")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                size: f.get("size").and_then(Value::as_u64),
                core_metadata,
            },
            url: url.to_string(),
        });
    }
    Ok((name.to_string(), out))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sample() -> Project {
        Project {
            name: "demo".into(),
            files: vec![FileEntry {
                filename: "demo-1.0-py3-none-any.whl".into(),
                hashes: [("sha256".to_string(), "ab".repeat(32))].into(),
                requires_python: Some(">=3.8, <4".into()),
                yanked: Some("broken \"build\"".into()),
                upload_time: Some("2024-01-01T00:00:00Z".into()),
                size: Some(10),
                core_metadata: Some([("sha256".to_string(), "cd".repeat(32))].into()),
            }],
        }
    }

    #[test]
    fn html_escapes_attributes() {
        let html = project_html(&sample(), &|f| format!("http://x/files/{f}"));
        assert!(html.contains("data-requires-python=\"&gt;=3.8, &lt;4\""));
        assert!(html.contains("data-yanked=\"broken &quot;build&quot;\""));
        assert!(html.contains(&format!(
            "data-core-metadata=\"sha256={}\"",
            "cd".repeat(32)
        )));
        assert!(html.contains(&format!("#sha256={}", "ab".repeat(32))));
    }

    #[test]
    fn fixture_json_round_trips() {
        let p = sample();
        let text = project_fixture_json(&p, &|f| format!("../files/{f}"));
        assert_eq!(text.lines().count(), 3, "{text}");
        let (name, files) = parse_project_json(text.as_bytes()).unwrap();
        assert_eq!(name, "demo");
        assert_eq!(files[0].entry, p.files[0]);
        assert_eq!(files[0].url, "../files/demo-1.0-py3-none-any.whl");
    }
}
