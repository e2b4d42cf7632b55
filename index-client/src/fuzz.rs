//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz). Not a stable API: each
//! function feeds untrusted bytes to one parser exactly as the client would, and must
//! return (with any result) instead of panicking, looping or allocating without bound.

use std::str::FromStr;

use lockit_types::PackageName;
use url::Url;

use crate::zipread::{self, InMemory};

const PAGE_URL: &str = "https://example.com/simple/pkg/";

/// The project name a filename claims (`foo_bar-1.0-...` -> `foo-bar`), to exercise
/// the filename parser on whatever the page linked.
fn claimed_name(filename: &str) -> Option<PackageName> {
    PackageName::from_str(filename.split('-').next()?).ok()
}

fn dist_files(files: &[crate::simple::RawFile]) -> usize {
    files
        .iter()
        .filter_map(|f| f.to_dist_file(&claimed_name(&f.filename)?, "fuzz"))
        .count()
}

/// Parses a PEP 691 JSON project page; returns how many links were usable files.
pub fn json_page(body: &[u8]) -> Result<usize, String> {
    let url = Url::parse(PAGE_URL).map_err(|e| e.to_string())?;
    let files = crate::simple::parse_json(body, &url)?;
    Ok(dist_files(&files))
}

/// Parses a PEP 503 HTML project (or find-links) page; returns how many links were usable files.
pub fn html_page(body: &[u8]) -> usize {
    let Ok(url) = Url::parse(PAGE_URL) else {
        return 0;
    };
    dist_files(&crate::simple::parse_html(body, &url))
}

/// Reads `*.dist-info/METADATA` out of a zip held in memory, the way metadata is read
/// from a wheel with range requests: end record, central directory, local header, inflate.
pub fn wheel_metadata(zip: &[u8]) -> Result<Vec<u8>, String> {
    let mut src = InMemory(zip.to_vec());
    futures::executor::block_on(async {
        let entries = zipread::list_entries(&mut src, None).await?;
        let entry = zipread::find_metadata_entry(&entries, "pkg-1.0.dist-info/")
            .ok_or("no METADATA")?
            .clone();
        zipread::read_entry(&mut src, &entry, 1024 * 1024).await
    })
    .map_err(|e| e.to_string())
}

/// Parses raw central directory records; returns the number of entries.
pub fn central_directory(cd: &[u8]) -> Result<usize, String> {
    zipread::parse_central_directory(cd)
        .map(|e| e.len())
        .map_err(|e| e.to_string())
}

/// Reads `PKG-INFO` and `pyproject.toml` from a `.tar.gz` sdist, then the static
/// metadata a pyproject.toml gives, as the client does for sdists without PKG-INFO 2.2.
pub fn sdist_tar_gz(data: &[u8]) -> Result<(), String> {
    let found = crate::sdist::read_tar_gz(data, 1024 * 1024)?;
    if let Some(pyproject) = found.pyproject {
        pyproject_metadata(&pyproject)?;
    }
    Ok(())
}

/// Reads `PKG-INFO` and `pyproject.toml` from a `.zip` sdist.
pub fn sdist_zip(data: &[u8]) -> Result<(), String> {
    let mut src = InMemory(data.to_vec());
    futures::executor::block_on(crate::sdist::read_zip(&mut src, 1024 * 1024))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Turns a `pyproject.toml` into core metadata text, for `pkg` 1.0.
pub fn pyproject_metadata(pyproject: &[u8]) -> Result<Vec<u8>, String> {
    let name = PackageName::from_str("pkg").map_err(|e| e.to_string())?;
    let version = lockit_types::Version::from_str("1.0").map_err(|e| e.to_string())?;
    crate::sdist::metadata_from_pyproject(pyproject, &name, &version)
}

/// Reads a disk cache entry (envelope and checksum) from `bytes`; a bad one is dropped.
/// Then decodes the payload as a cached project page (the checksum is a CRC, which a
/// damaged file can still pass), and checks that a decoded page encodes back the same.
pub fn cache_entry(bytes: &[u8]) -> Option<Vec<u8>> {
    for payload in [
        bytes,
        crate::cache::check_entry(bytes).as_deref().unwrap_or(&[]),
    ] {
        if let Some((name, page)) = crate::page_format::decode_page(payload) {
            let again = crate::page_format::encode_page(&page, name.as_ref());
            if let Some(name) = &name {
                // Every release decodes lazily as it does eagerly.
                let label: std::sync::Arc<str> = "fuzz".into();
                let lazy = crate::page_format::decode_lazy(payload.to_vec(), name, &label, None);
                let files = lazy.and_then(|l| l.project).map(|p| p.files().count());
                let links = page.files.as_deref().unwrap_or_default();
                assert!(files.unwrap_or(0) <= links.len(), "more files than links");
            }
            assert_eq!(
                crate::page_format::decode_page(&again),
                Some((name, page)),
                "a cached page does not survive encode/decode"
            );
        }
    }
    crate::cache::check_entry(bytes)
}

/// Parses METADATA and PKG-INFO bytes as the client does with what an index serves.
pub fn core_metadata(bytes: &[u8]) -> bool {
    let wheel = crate::client::parse_metadata(bytes).is_ok();
    let sdist = crate::client::parse_sdist_pkg_info(bytes).is_ok();
    wheel || sdist
}

#[cfg(test)]
mod tests {
    /// Found by fuzz/core_metadata: RFC 2047 encoded words that are not UTF-8 made
    /// python-pkginfo's decoder panic inside formatting, which aborts the process.
    #[test]
    fn regression_non_utf8_encoded_words_do_not_abort() {
        // The input fuzzing found, minimized: it aborts `CoreMetadata::parse` itself.
        let mut found = b"Metadata-Version\nName: \nVersion:\nRequires-Python:=?".to_vec();
        found.extend([0x93; 13]);
        found.extend([0xff; 36]);
        found.extend([0x93; 7]);
        found.extend(b"?GGGGGGGGGGGGGG??=\n");
        let cases: [&[u8]; 3] = [
            &found,
            b"Metadata-Version: 2.1\nName: a\nVersion: 1\nRequires-Python: =?\xff?B??=\n",
            b"Metadata-Version: 2.1\nName: a\nVersion: 1\nSummary: =?utf-8?\xfe?x?=\n",
        ];
        for case in cases {
            let _ = super::core_metadata(case);
        }
    }
}
