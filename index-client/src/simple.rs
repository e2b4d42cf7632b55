//! Simple API project pages: PEP 691 JSON and PEP 503 HTML, parsed into links
//! that are then matched against the requested project.

use std::str::FromStr;
use std::sync::Arc;

use lockit_types::{DistFile, DistFilename, PackageName, PageInterner, VersionSpecifiers, Yanked};
use serde::{Deserialize, Serialize};
use url::Url;

/// The `Accept` header for project pages: JSON preferred, HTML accepted.
pub(crate) const ACCEPT: &str =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/// One link from a project or find-links page, before its filename is checked.
///
/// This is also the on-disk form of a cached page, hence the short serde names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RawFile {
    #[serde(rename = "f")]
    pub filename: String,
    /// Absolute, without fragment or credentials.
    #[serde(rename = "u")]
    pub url: String,
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub requires_python: Option<String>,
    /// `None` = not yanked; `Some(reason)` = yanked.
    #[serde(rename = "y", default, skip_serializing_if = "Option::is_none")]
    pub yanked: Option<String>,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub upload_time: Option<String>,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Serialized as `""` for "available, no hash" since serde cannot tell
    /// `Some(None)` from `None` through `null`.
    #[serde(
        rename = "m",
        default,
        skip_serializing_if = "Option::is_none",
        with = "core_metadata_serde"
    )]
    pub core_metadata: Option<Option<String>>,
}

mod core_metadata_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(Some(hash)) => s.serialize_str(hash),
            _ => s.serialize_str(""),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Some((!s.is_empty()).then_some(s)))
    }
}

impl RawFile {
    /// As [`RawFile::to_dist_file`], taking the strings instead of copying them and
    /// parsing repeated values once per page through `interner`.
    pub fn into_dist_file(
        self,
        name: &PackageName,
        index: &Arc<str>,
        interner: &mut PageInterner,
    ) -> Option<DistFile> {
        let filename = interner.filename(&self.filename, name).ok()?;
        let requires_python = self
            .requires_python
            .as_deref()
            .and_then(|s| interner.requires_python(s));
        Some(DistFile {
            filename,
            url: self.url,
            sha256: self.sha256,
            requires_python,
            yanked: match self.yanked {
                None => Yanked::No,
                Some(reason) => Yanked::Yes(reason),
            },
            upload_time: self
                .upload_time
                .as_deref()
                .and_then(|t| jiff::Timestamp::from_str(t).ok()),
            size: self.size,
            core_metadata: self.core_metadata,
            index: index.clone(),
        })
    }

    /// The file as a distribution of `name`, or `None` when its filename names
    /// another project or no distribution at all.
    pub fn to_dist_file(&self, name: &PackageName, index: &str) -> Option<DistFile> {
        let filename = DistFilename::parse(&self.filename, name).ok()?;
        let requires_python = self
            .requires_python
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| VersionSpecifiers::from_str(s).ok());
        Some(DistFile {
            filename,
            url: self.url.clone(),
            sha256: self.sha256.clone(),
            requires_python,
            yanked: match &self.yanked {
                None => Yanked::No,
                Some(reason) => Yanked::Yes(reason.clone()),
            },
            upload_time: self
                .upload_time
                .as_deref()
                .and_then(|t| jiff::Timestamp::from_str(t).ok()),
            size: self.size,
            core_metadata: self.core_metadata.clone(),
            index: index.into(),
        })
    }
}

/// Resolves `href` against `base`, splitting off a `#sha256=` fragment and any credentials.
fn resolve(base: &Url, href: &str) -> Option<(Url, Option<String>)> {
    let mut url = base.join(href.trim()).ok()?;
    let mut sha256 = None;
    if let Some(fragment) = url.fragment() {
        if let Some((algo, value)) = fragment.split_once('=') {
            if algo.eq_ignore_ascii_case("sha256") && is_sha256(value) {
                sha256 = Some(value.to_ascii_lowercase());
            }
        }
    }
    url.set_fragment(None);
    // Credentials are kept by the client per host, never in stored URLs.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some((url, sha256))
}

fn is_sha256(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The last path segment of a URL, percent-decoded.
fn url_filename(url: &Url) -> Option<String> {
    let last = url.path_segments()?.next_back()?;
    if last.is_empty() {
        return None;
    }
    Some(percent_decode(last))
}

pub(crate) use lockit_types::percent_decode;

// ---------------------------------------------------------------------------
// PEP 691 JSON

#[derive(Deserialize)]
struct JsonPage {
    #[serde(default)]
    files: Vec<JsonFile>,
}

#[derive(Deserialize)]
struct JsonFile {
    filename: String,
    url: String,
    #[serde(default)]
    hashes: std::collections::HashMap<String, String>,
    #[serde(rename = "requires-python", default)]
    requires_python: Option<String>,
    #[serde(default)]
    yanked: Option<BoolOrString>,
    #[serde(rename = "upload-time", default)]
    upload_time: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(rename = "core-metadata", default)]
    core_metadata: Option<BoolOrHashes>,
    #[serde(rename = "dist-info-metadata", default)]
    dist_info_metadata: Option<BoolOrHashes>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrString {
    Bool(bool),
    String(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrHashes {
    Bool(bool),
    Hashes(std::collections::HashMap<String, String>),
}

fn sha256_of(hashes: &std::collections::HashMap<String, String>) -> Option<String> {
    hashes
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("sha256") && is_sha256(v))
        .map(|(_, v)| v.to_ascii_lowercase())
}

/// Parses a PEP 691 JSON project page fetched from `page_url`.
pub(crate) fn parse_json(body: &[u8], page_url: &Url) -> Result<Vec<RawFile>, String> {
    let page: JsonPage = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(page.files.len());
    for file in page.files {
        let Some((url, fragment_hash)) = resolve(page_url, &file.url) else {
            continue;
        };
        let yanked = match file.yanked {
            None | Some(BoolOrString::Bool(false)) => None,
            Some(BoolOrString::Bool(true)) => Some(String::new()),
            Some(BoolOrString::String(reason)) => Some(reason),
        };
        let core_metadata = match file.core_metadata.or(file.dist_info_metadata) {
            None | Some(BoolOrHashes::Bool(false)) => None,
            Some(BoolOrHashes::Bool(true)) => Some(None),
            Some(BoolOrHashes::Hashes(h)) => Some(sha256_of(&h)),
        };
        out.push(RawFile {
            filename: file.filename,
            url: url.to_string(),
            sha256: sha256_of(&file.hashes).or(fragment_hash),
            requires_python: file.requires_python,
            yanked,
            upload_time: file.upload_time,
            size: file.size,
            core_metadata,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// PEP 503 HTML

/// Parses a PEP 503 HTML page (or a find-links page) fetched from `page_url`.
///
/// A tolerant scanner, not a full HTML parser: it finds `<a ...>` and `<base ...>`
/// tags and reads their attributes, which is all a Simple API page has.
pub(crate) fn parse_html(body: &[u8], page_url: &Url) -> Vec<RawFile> {
    let text = String::from_utf8_lossy(body);
    let mut base = page_url.clone();
    let mut out = Vec::new();
    for tag in scan_tags(&text) {
        if tag.name == "base" {
            if let Some(href) = tag.attr("href") {
                if let Ok(b) = page_url.join(href.trim()) {
                    base = b;
                }
            }
            continue;
        }
        let Some(href) = tag.attr("href") else {
            continue;
        };
        let Some((url, sha256)) = resolve(&base, href) else {
            continue;
        };
        let Some(filename) = url_filename(&url).or_else(|| {
            let text = tag.text.trim();
            (!text.is_empty()).then(|| text.to_string())
        }) else {
            continue;
        };
        let core_metadata = tag
            .attr("data-core-metadata")
            .or_else(|| tag.attr("data-dist-info-metadata"))
            .and_then(|v| {
                let v = v.trim();
                if v.eq_ignore_ascii_case("false") {
                    return None;
                }
                Some(match v.split_once('=') {
                    Some((algo, hash))
                        if algo.eq_ignore_ascii_case("sha256") && is_sha256(hash) =>
                    {
                        Some(hash.to_ascii_lowercase())
                    }
                    _ => None,
                })
            });
        out.push(RawFile {
            filename,
            url: url.to_string(),
            sha256,
            requires_python: tag.attr("data-requires-python").map(str::to_string),
            yanked: tag.attr("data-yanked").map(str::to_string),
            upload_time: None,
            size: None,
            core_metadata,
        });
    }
    out
}

struct Tag {
    /// Lowercase tag name.
    name: String,
    /// Lowercase attribute names with decoded values (empty for valueless attributes).
    attrs: Vec<(String, String)>,
    /// For `<a>`: the decoded text up to `</a>`.
    text: String,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Finds `<a>` and `<base>` tags, skipping comments.
fn scan_tags(text: &str) -> Vec<Tag> {
    let bytes = text.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        i += off;
        if text[i..].starts_with("<!--") {
            i = match text[i + 4..].find("-->") {
                Some(end) => i + 4 + end + 3,
                None => bytes.len(),
            };
            continue;
        }
        let name_start = i + 1;
        let name_end = text[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(bytes.len(), |e| name_start + e);
        let name = text[name_start..name_end].to_ascii_lowercase();
        if name != "a" && name != "base" {
            i = name_start;
            continue;
        }
        let (attrs, after) = parse_attrs(text, name_end);
        let mut tag = Tag {
            name,
            attrs,
            text: String::new(),
        };
        i = after;
        if tag.name == "a" {
            let end = find_ignore_case(&text[i..], "</a").map_or(bytes.len(), |e| i + e);
            tag.text = decode_entities(&text[i..end]);
            i = end;
        }
        tags.push(tag);
    }
    tags
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Parses attributes from `start` up to the closing `>`; returns them and the index after `>`.
fn parse_attrs(text: &str, start: usize) -> (Vec<(String, String)>, usize) {
    let bytes = text.as_bytes();
    let mut attrs = Vec::new();
    let mut i = start;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, i);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = text[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let (raw, next) = match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let value_start = j + 1;
                    match text[value_start..].find(q as char) {
                        Some(e) => (&text[value_start..value_start + e], value_start + e + 1),
                        None => (&text[value_start..], bytes.len()),
                    }
                }
                _ => {
                    let value_start = j;
                    let mut e = j;
                    while e < bytes.len() && !bytes[e].is_ascii_whitespace() && bytes[e] != b'>' {
                        e += 1;
                    }
                    (&text[value_start..e], e)
                }
            };
            i = next;
            if !name.is_empty() && !attrs.iter().any(|(k, _)| *k == name) {
                attrs.push((name, decode_entities(raw)));
            }
        } else {
            if !name.is_empty() && !attrs.iter().any(|(k, _)| *k == name) {
                attrs.push((name, String::new()));
            }
            if i == name_start {
                // A stray `=` or similar: skip it so we always make progress.
                i += 1;
            }
        }
    }
}

/// Decodes the character references a Simple API page uses.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let Some(semi) = rest[1..].find(';').map(|p| p + 1).filter(|&p| p <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://example.com/simple/foo/").unwrap()
    }

    const SHA: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn html_table() {
        // (html, filename, url, sha256, requires_python, yanked, core_metadata)
        type Case<'a> = (
            &'a str,
            &'a str,
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            Option<Option<&'a str>>,
        );
        let sha_frag = format!("#sha256={SHA}");
        let sha_meta = format!("sha256={SHA}");
        let plain = format!(r#"<a href="../../files/foo-1.0.tar.gz{sha_frag}">foo-1.0.tar.gz</a>"#);
        let multiline = format!(
            "<A\n  HREF = 'https://cdn.example.org/foo-1.0-py3-none-any.whl'\n  data-requires-python=\"&gt;=3.8\"\n  data-dist-info-metadata=\"{sha_meta}\"\n>foo-1.0-py3-none-any.whl</A>"
        );
        let cases: Vec<Case> = vec![
            (
                &plain,
                "foo-1.0.tar.gz",
                "https://example.com/files/foo-1.0.tar.gz",
                Some(SHA),
                None,
                None,
                None,
            ),
            (
                &multiline,
                "foo-1.0-py3-none-any.whl",
                "https://cdn.example.org/foo-1.0-py3-none-any.whl",
                None,
                Some(">=3.8"),
                None,
                Some(Some(SHA)),
            ),
            (
                "<a href=foo-2.0.zip data-yanked data-requires-python=>=3.7,<4>foo</a>",
                "foo-2.0.zip",
                "https://example.com/simple/foo/foo-2.0.zip",
                None,
                // Unquoted values end at `>`: the best a scanner can do.
                Some(""),
                Some(""),
                None,
            ),
            (
                "<a data-requires-python='>=3.6, <4' data-yanked='broken &amp; bad' href='/p/foo-3.0.tar.gz' data-core-metadata=true>x</a>",
                "foo-3.0.tar.gz",
                "https://example.com/p/foo-3.0.tar.gz",
                None,
                Some(">=3.6, <4"),
                Some("broken & bad"),
                Some(None),
            ),
            (
                "<a href=\"foo-4.0.tar.gz#md5=abc\" data-requires-python=\"&lt;4,&#62;=3.9\" data-core-metadata=\"sha512=xyz\">",
                "foo-4.0.tar.gz",
                "https://example.com/simple/foo/foo-4.0.tar.gz",
                None,
                Some("<4,>=3.9"),
                None,
                Some(None),
            ),
            (
                "<a href=\"https://u:p@example.com/f/foo%2B1-5.0.tar.gz\">",
                "foo+1-5.0.tar.gz",
                "https://example.com/f/foo%2B1-5.0.tar.gz",
                None,
                None,
                None,
                None,
            ),
        ];
        for (html, filename, url, sha, rp, yanked, cm) in cases {
            let files = parse_html(html.as_bytes(), &page());
            assert_eq!(files.len(), 1, "{html}");
            let f = &files[0];
            assert_eq!(f.filename, filename, "{html}");
            assert_eq!(f.url, url, "{html}");
            assert_eq!(f.sha256.as_deref(), sha, "{html}");
            assert_eq!(f.requires_python.as_deref(), rp, "{html}");
            assert_eq!(f.yanked.as_deref(), yanked, "{html}");
            assert_eq!(f.core_metadata.as_ref().map(|c| c.as_deref()), cm, "{html}");
        }
    }

    #[test]
    fn html_whole_page() {
        let html = format!(
            r#"<!DOCTYPE html>
<html><head><meta name="pypi:repository-version" content="1.1"><title>Links for foo</title></head>
<body>
<!-- <a href="commented-out-1.0.tar.gz">no</a> -->
<h1>Links for foo</h1>
<a href="/files/foo-1.0.tar.gz#sha256={SHA}" data-requires-python="<3.12,>=3.8">foo-1.0.tar.gz</a><br/>
<a href="/files/foo-1.0-py3-none-any.whl" data-yanked="">foo-1.0-py3-none-any.whl</a><br/>
<a href="/files/bar-1.0-py3-none-any.whl">bar-1.0-py3-none-any.whl</a><br/>
<a href="/files/README.txt">README</a>
<a name="anchor">no href</a>
<abbr title="x">not a link</abbr>
</body></html>"#
        );
        let files = parse_html(html.as_bytes(), &page());
        let names: Vec<&str> = files.iter().map(|f| f.filename.as_str()).collect();
        assert_eq!(
            names,
            [
                "foo-1.0.tar.gz",
                "foo-1.0-py3-none-any.whl",
                "bar-1.0-py3-none-any.whl",
                "README.txt"
            ]
        );
        assert_eq!(files[0].requires_python.as_deref(), Some("<3.12,>=3.8"));
        let foo = PackageName::from_str("foo").unwrap();
        let dist: Vec<DistFile> = files
            .iter()
            .filter_map(|f| f.to_dist_file(&foo, "idx"))
            .collect();
        assert_eq!(dist.len(), 2);
        assert_eq!(
            dist[0].requires_python.as_ref().map(|r| r.to_string()),
            Some(">=3.8, <3.12".to_string())
        );
        assert!(dist[1].yanked.is_yanked());
    }

    #[test]
    fn html_base_tag_and_garbage() {
        let html = "<base href=\"https://mirror.example/pkgs/\"><a href=\"foo-1.0.tar.gz\">";
        let files = parse_html(html.as_bytes(), &page());
        assert_eq!(files[0].url, "https://mirror.example/pkgs/foo-1.0.tar.gz");
        // Truncated and malformed input must not panic.
        for junk in [
            "<",
            "<a",
            "<a href=",
            "<a href=\"unterminated",
            "<a =x href=y",
            "<!-- never closed",
            "&",
            "<a href='x'>&#xZZ; &#99999999; &",
            "<a\u{e9}\u{1F600} href=\u{e9}>",
        ] {
            let _ = parse_html(junk.as_bytes(), &page());
        }
    }

    #[test]
    fn json_page() {
        let json = format!(
            r#"{{"meta": {{"api-version": "1.1"}}, "name": "foo", "files": [
  {{"filename": "foo-1.0.tar.gz", "url": "../../files/foo-1.0.tar.gz", "hashes": {{"sha256": "{}"}},
    "requires-python": ">=3.8", "yanked": false, "upload-time": "2024-01-02T03:04:05.123456Z", "size": 1234}},
  {{"filename": "foo-1.0-py3-none-any.whl", "url": "https://files.example/foo-1.0-py3-none-any.whl", "hashes": {{}},
    "yanked": "bad build", "core-metadata": {{"sha256": "{SHA}"}}}},
  {{"filename": "foo-1.1-py3-none-any.whl", "url": "foo-1.1-py3-none-any.whl#sha256={SHA}", "hashes": {{}},
    "yanked": true, "dist-info-metadata": true}},
  {{"filename": "foo-1.2.tar.gz", "url": "foo-1.2.tar.gz", "hashes": {{}}, "core-metadata": false, "requires-python": null}}
]}}"#,
            SHA.to_uppercase()
        );
        let files = parse_json(json.as_bytes(), &page()).unwrap();
        assert_eq!(files.len(), 4);
        assert_eq!(files[0].url, "https://example.com/files/foo-1.0.tar.gz");
        assert_eq!(files[0].sha256.as_deref(), Some(SHA));
        assert_eq!(files[0].yanked, None);
        assert_eq!(files[0].size, Some(1234));
        assert_eq!(files[1].yanked.as_deref(), Some("bad build"));
        assert_eq!(files[1].core_metadata, Some(Some(SHA.to_string())));
        assert_eq!(files[2].yanked.as_deref(), Some(""));
        assert_eq!(files[2].core_metadata, Some(None));
        assert_eq!(files[2].sha256.as_deref(), Some(SHA));
        assert_eq!(files[3].core_metadata, None);
        let foo = PackageName::from_str("foo").unwrap();
        let d = files[0].to_dist_file(&foo, "idx").unwrap();
        assert_eq!(
            d.upload_time.unwrap().to_string(),
            "2024-01-02T03:04:05.123456Z"
        );
        assert!(parse_json(b"<html>", &page()).is_err());
        assert!(parse_json(b"{\"files\": [{\"filename\": 1}]}", &page()).is_err());
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("&lt;4&#44;&#x3E;=3 &amp;&unknown; & x"),
            "<4,>=3 &&unknown; & x"
        );
    }
}
