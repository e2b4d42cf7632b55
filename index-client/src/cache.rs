//! The on-disk cache: project pages (parsed, with the time they were fetched)
//! and the header section of core metadata keyed by file hash.
//!
//! Every entry is `MAGIC | format version (u32) | payload length (u64) |
//! crc32(payload) (u32) | payload`, written to a temporary file and renamed into
//! place, so a reader sees either a whole entry or none; anything that does
//! not check out is deleted and refetched. The checksum guards against damage
//! (truncation, bit flips, a crash between write and rename), not against an
//! attacker who can write to the cache directory, so a fast CRC is enough.
//!
//! Pages are stored in a compact binary form (see [`encode_page`]) that is much
//! cheaper to read than JSON: a warm or offline run reads every page it needs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lockit_dist::{DistFile, PackageName, PageInterner, Yanked};

use sha2::{Digest, Sha256};

use crate::simple::RawFile;

const MAGIC: &[u8; 4] = b"LKIC";
/// Bump when the payload format changes; older entries are then ignored.
const FORMAT_VERSION: u32 = 2;
const HEADER_LEN: usize = 4 + 4 + 8 + 4;

/// A cached project page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CachedPage {
    /// When the page was fetched, in milliseconds since the Unix epoch.
    pub fetched_at_ms: i64,
    /// `None` when the index answered 404 for the project.
    pub files: Option<Vec<RawFile>>,
}

impl CachedPage {
    /// When the page was fetched.
    pub fn fetched_at(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.fetched_at_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

/// A directory of cache entries.
///
/// Several lockit processes may share one directory: writers never collide because each
/// entry is renamed into place whole (the last rename wins, and every writer of a key
/// writes the same bytes for it), and readers check every entry they read.
#[derive(Debug, Clone)]
pub(crate) struct DiskCache {
    root: PathBuf,
    /// Say on stderr when a damaged entry is dropped.
    verbose: bool,
}

fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

impl DiskCache {
    pub fn new(root: PathBuf, verbose: bool) -> Self {
        DiskCache { root, verbose }
    }

    fn path(&self, bucket: &str, key: &str) -> PathBuf {
        // Hash the key: it may hold characters that are not valid in filenames.
        self.root.join(bucket).join(hex_sha256(key.as_bytes()))
    }

    pub fn page_path(&self, index_url: &str, name: &str) -> PathBuf {
        self.path("pages-v2", &format!("{index_url}\n{name}"))
    }

    pub fn metadata_path(&self, key: &str) -> PathBuf {
        self.path("metadata-v2", key)
    }

    pub fn read_page(&self, path: &Path) -> Option<CachedPage> {
        let payload = self.read(path)?;
        match decode_page(&payload) {
            Some(page) => Some(page),
            None => {
                self.drop_entry(path, "undecodable page");
                None
            }
        }
    }

    /// A cached page decoded into `name`'s files (see [`decode_page_files`]).
    pub fn read_page_files(
        &self,
        path: &Path,
        name: &PackageName,
        label: &Arc<str>,
        interner: &mut PageInterner,
    ) -> Option<CachedFiles> {
        let payload = self.read(path)?;
        match decode_page_files(&payload, name, label, interner) {
            Some(page) => Some(page),
            None => {
                self.drop_entry(path, "undecodable page");
                None
            }
        }
    }

    pub fn write_page(&self, path: &Path, page: &CachedPage) {
        write_entry(path, &encode_page(page));
    }

    /// Stores a `METADATA` / `PKG-INFO` file; only its headers are kept, since the
    /// body (the long description) is never read back.
    pub fn write_metadata(&self, path: &Path, metadata: &[u8]) {
        write_entry(path, lockit_dist::header_bytes(metadata));
    }

    /// The payload of a valid entry; an invalid one is removed (and, verbosely, reported).
    pub fn read(&self, path: &Path) -> Option<Vec<u8>> {
        let mut data = std::fs::read(path).ok()?;
        if entry_is_valid(&data) {
            // In place: pages run to megabytes, and a copy would double the peak.
            data.drain(..HEADER_LEN);
            Some(data)
        } else {
            self.drop_entry(path, "bad length, format or checksum");
            None
        }
    }

    /// Removes a damaged entry so that it is fetched again.
    pub fn drop_entry(&self, path: &Path, why: &str) {
        if self.verbose {
            eprintln!(
                "warning: dropping damaged cache entry `{}` ({why}); it will be fetched again",
                path.display()
            );
        }
        tracing::debug!("dropping corrupt cache entry {}: {why}", path.display());
        let _ = std::fs::remove_file(path);
    }
}

/// The payload of an entry's bytes when its envelope checks out.
pub(crate) fn check_entry(data: &[u8]) -> Option<Vec<u8>> {
    entry_is_valid(data).then(|| data[HEADER_LEN..].to_vec())
}

fn entry_is_valid(data: &[u8]) -> bool {
    data.len() >= HEADER_LEN
        && &data[..4] == MAGIC
        && data[4..8] == FORMAT_VERSION.to_le_bytes()
        && data[8..16] == ((data.len() - HEADER_LEN) as u64).to_le_bytes()
        && data[16..20] == crc32fast::hash(&data[HEADER_LEN..]).to_le_bytes()
}

/// Writes an entry atomically. Failures are logged and ignored: the cache is
/// an optimisation, never a reason to fail.
pub(crate) fn write_entry(path: &Path, payload: &[u8]) {
    if let Err(e) = try_write_entry(path, payload) {
        tracing::debug!("could not write cache entry {}: {e}", path.display());
    }
}

fn try_write_entry(path: &Path, payload: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("cache path has no parent"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(MAGIC)?;
    tmp.write_all(&FORMAT_VERSION.to_le_bytes())?;
    tmp.write_all(&(payload.len() as u64).to_le_bytes())?;
    tmp.write_all(&crc32fast::hash(payload).to_le_bytes())?;
    tmp.write_all(payload)?;
    // No fsync: an entry that a crash leaves short or zeroed fails its checksum and is
    // fetched again, and syncing every entry made cold runs pay a disk flush per file.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Binary page format
//
// fetched_at_ms: i64 LE | has files: u8 (0 = the index said 404) | count: varint |
// per file: flags: u8 | filename | url or url prefix | [sha256: 32 bytes] |
// [requires_python] | [yanked reason] | [upload_time] | [size: varint] |
// [core metadata hash: 32 bytes]
// Strings are a varint length and UTF-8 bytes; `[...]` fields are present when their
// flag is set. Hashes are stored as bytes when they are lowercase hex (PyPI's form),
// which halves their size; the URL is stored without its last segment when that
// segment is the filename, as on PyPI.

const F_SHA256: u8 = 1;
const F_REQUIRES_PYTHON: u8 = 1 << 1;
const F_YANKED: u8 = 1 << 2;
const F_UPLOAD_TIME: u8 = 1 << 3;
const F_SIZE: u8 = 1 << 4;
const F_CORE_METADATA: u8 = 1 << 5;
const F_CORE_METADATA_HASH: u8 = 1 << 6;
const F_URL_ENDS_IN_FILENAME: u8 = 1 << 7;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// `Some(bytes)` when `hex` is 64 lowercase hex digits, the only form stored as bytes.
fn hex32(hex: &str) -> Option<[u8; 32]> {
    let lower = hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let mut out = [0u8; 32];
    (hex.len() == 64 && lower && hex::decode_to_slice(hex, &mut out).is_ok()).then_some(out)
}

/// Encodes a page in the binary cache format.
pub(crate) fn encode_page(page: &CachedPage) -> Vec<u8> {
    let files = page.files.as_deref().unwrap_or_default();
    let mut out = Vec::with_capacity(16 + files.len() * 120);
    out.extend_from_slice(&page.fetched_at_ms.to_le_bytes());
    out.push(u8::from(page.files.is_some()));
    put_varint(&mut out, files.len() as u64);
    for f in files {
        let sha = f.sha256.as_deref().map(|h| (h, hex32(h)));
        let meta_hash = match &f.core_metadata {
            Some(Some(h)) => Some((h.as_str(), hex32(h))),
            _ => None,
        };
        // A hash we cannot store as bytes is stored as text (never seen on PyPI).
        let sha_bytes = sha.and_then(|(_, b)| b);
        let meta_bytes = meta_hash.and_then(|(_, b)| b);
        let url_prefix = f
            .url
            .strip_suffix(f.filename.as_str())
            .filter(|p| p.ends_with('/') && !f.filename.is_empty());
        let mut flags = 0u8;
        for (on, bit) in [
            (sha.is_some(), F_SHA256),
            (f.requires_python.is_some(), F_REQUIRES_PYTHON),
            (f.yanked.is_some(), F_YANKED),
            (f.upload_time.is_some(), F_UPLOAD_TIME),
            (f.size.is_some(), F_SIZE),
            (f.core_metadata.is_some(), F_CORE_METADATA),
            (meta_hash.is_some(), F_CORE_METADATA_HASH),
            (url_prefix.is_some(), F_URL_ENDS_IN_FILENAME),
        ] {
            if on {
                flags |= bit;
            }
        }
        out.push(flags);
        put_str(&mut out, &f.filename);
        put_str(&mut out, url_prefix.unwrap_or(&f.url));
        if let Some((text, _)) = sha {
            put_hash(&mut out, text, sha_bytes);
        }
        if let Some(rp) = &f.requires_python {
            put_str(&mut out, rp);
        }
        if let Some(y) = &f.yanked {
            put_str(&mut out, y);
        }
        if let Some(t) = &f.upload_time {
            put_str(&mut out, t);
        }
        if let Some(size) = f.size {
            put_varint(&mut out, size);
        }
        if let Some((text, _)) = meta_hash {
            put_hash(&mut out, text, meta_bytes);
        }
    }
    out
}

/// A hash: tag 0 + 32 bytes, or tag 1 + the text as given.
fn put_hash(out: &mut Vec<u8>, text: &str, bytes: Option<[u8; 32]>) {
    match bytes {
        Some(b) => {
            out.push(0);
            out.extend_from_slice(&b);
        }
        None => {
            out.push(1);
            put_str(out, text);
        }
    }
}

/// Lowercase hex, as `hex::encode` gives it, without its per-character iterator.
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.data.len() < n {
            return None;
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.varint()?).ok()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    fn hash(&mut self) -> Option<String> {
        match self.byte()? {
            0 => Some(lower_hex(self.take(32)?)),
            1 => self.str().map(str::to_string),
            _ => None,
        }
    }
}

/// One file of an encoded page, borrowing what it can from the page's bytes.
pub(crate) struct FileView<'a> {
    pub filename: &'a str,
    pub url: String,
    pub sha256: Option<String>,
    pub requires_python: Option<&'a str>,
    pub yanked: Option<&'a str>,
    pub upload_time: Option<&'a str>,
    pub size: Option<u64>,
    pub core_metadata: Option<Option<String>>,
}

/// Decodes a page written by [`encode_page`] into `(fetched_at_ms, files)`, each file made
/// by `make` (`None` leaves it out); `None` when the bytes are not a page.
fn decode_with<T>(
    data: &[u8],
    mut make: impl FnMut(FileView<'_>) -> Option<T>,
) -> Option<(i64, Option<Vec<T>>)> {
    let mut r = Reader { data };
    let fetched_at_ms = i64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let has_files = match r.byte()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let count = usize::try_from(r.varint()?).ok()?;
    // Every file takes at least three bytes: never trust a count the data cannot hold.
    if count > r.data.len() / 3 + 1 {
        return None;
    }
    let mut files = Vec::with_capacity(count);
    for _ in 0..count {
        let flags = r.byte()?;
        let on = |bit: u8| flags & bit != 0;
        let filename = r.str()?;
        let url = r.str()?;
        let url = if on(F_URL_ENDS_IN_FILENAME) {
            let mut full = String::with_capacity(url.len() + filename.len());
            full.push_str(url);
            full.push_str(filename);
            full
        } else {
            url.to_string()
        };
        let sha256 = if on(F_SHA256) { Some(r.hash()?) } else { None };
        let mut text =
            |bit: u8| -> Option<Option<&str>> { Some(if on(bit) { Some(r.str()?) } else { None }) };
        let requires_python = text(F_REQUIRES_PYTHON)?;
        let yanked = text(F_YANKED)?;
        let upload_time = text(F_UPLOAD_TIME)?;
        let size = if on(F_SIZE) { Some(r.varint()?) } else { None };
        let core_metadata = match (on(F_CORE_METADATA), on(F_CORE_METADATA_HASH)) {
            (false, false) => None,
            (true, false) => Some(None),
            (true, true) => Some(Some(r.hash()?)),
            (false, true) => return None,
        };
        let view = FileView {
            filename,
            url,
            sha256,
            requires_python,
            yanked,
            upload_time,
            size,
            core_metadata,
        };
        if let Some(file) = make(view) {
            files.push(file);
        }
    }
    if !r.data.is_empty() {
        return None;
    }
    Some((fetched_at_ms, has_files.then_some(files)))
}

/// Decodes a page written by [`encode_page`]; `None` when the bytes are not one.
pub(crate) fn decode_page(data: &[u8]) -> Option<CachedPage> {
    let (fetched_at_ms, files) = decode_with(data, |v| {
        Some(RawFile {
            filename: v.filename.to_string(),
            url: v.url,
            sha256: v.sha256,
            requires_python: v.requires_python.map(str::to_string),
            yanked: v.yanked.map(str::to_string),
            upload_time: v.upload_time.map(str::to_string),
            size: v.size,
            core_metadata: v.core_metadata,
        })
    })?;
    Some(CachedPage {
        fetched_at_ms,
        files,
    })
}

/// A cached page decoded straight into the files of one project.
pub(crate) struct CachedFiles {
    /// When the page was fetched, in milliseconds since the Unix epoch.
    pub fetched_at_ms: i64,
    /// `None` when the index answered 404 for the project.
    pub files: Option<Vec<DistFile>>,
}

/// Decodes a page into the files [`RawFile::into_dist_file`] would make of its links,
/// without building the links first (a warm run reads every page it needs).
pub(crate) fn decode_page_files(
    data: &[u8],
    name: &PackageName,
    label: &Arc<str>,
    interner: &mut PageInterner,
) -> Option<CachedFiles> {
    let (fetched_at_ms, files) = decode_with(data, |v| {
        let filename = interner.filename(v.filename, name).ok()?;
        let requires_python = v.requires_python.and_then(|s| interner.requires_python(s));
        Some(DistFile {
            filename,
            url: v.url,
            sha256: v.sha256,
            requires_python,
            yanked: match v.yanked {
                None => Yanked::No,
                Some(reason) => Yanked::Yes(reason.to_string()),
            },
            upload_time: v
                .upload_time
                .and_then(|t| jiff::Timestamp::from_str(t).ok()),
            size: v.size,
            core_metadata: v.core_metadata,
            index: label.clone(),
        })
    })?;
    Some(CachedFiles {
        fetched_at_ms,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().to_path_buf(), false);
        let path = cache.metadata_path("abc");
        assert_eq!(cache.read(&path), None);
        write_entry(&path, b"hello");
        assert_eq!(cache.read(&path).as_deref(), Some(b"hello" as &[u8]));
        let good = std::fs::read(&path).unwrap();

        // Every kind of damage makes the entry disappear instead of being trusted.
        let mut damaged: Vec<Vec<u8>> = vec![
            Vec::new(),
            good[..10].to_vec(),
            good[..good.len() - 1].to_vec(),
        ];
        for i in [0, 5, 9, 20, good.len() - 1] {
            let mut d = good.clone();
            d[i] ^= 1;
            damaged.push(d);
        }
        let mut longer = good.clone();
        longer.push(b'!');
        damaged.push(longer);
        for d in damaged {
            std::fs::write(&path, &d).unwrap();
            assert_eq!(cache.read(&path), None);
            assert!(!path.exists());
        }
    }

    #[test]
    fn pages_round_trip_and_bad_json_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().to_path_buf(), false);
        let path = cache.page_path("https://example.com/simple/", "foo");
        let page = CachedPage {
            fetched_at_ms: jiff::Timestamp::now().as_millisecond(),
            files: Some(vec![RawFile {
                filename: "foo-1.0.tar.gz".into(),
                url: "https://example.com/foo-1.0.tar.gz".into(),
                sha256: None,
                requires_python: Some(">=3.8".into()),
                yanked: Some(String::new()),
                upload_time: None,
                size: Some(3),
                core_metadata: Some(None),
            }]),
        };
        cache.write_page(&path, &page);
        assert_eq!(cache.read_page(&path), Some(page));
        // A valid envelope around a payload we cannot decode.
        write_entry(&path, b"{not a page");
        assert_eq!(cache.read_page(&path), None);
        assert!(!path.exists());
        // Distinct keys do not collide.
        assert_ne!(path, cache.page_path("https://example.com/simple/", "bar"));
    }

    fn raw(filename: &str, url: &str) -> RawFile {
        RawFile {
            filename: filename.into(),
            url: url.into(),
            sha256: None,
            requires_python: None,
            yanked: None,
            upload_time: None,
            size: None,
            core_metadata: None,
        }
    }

    #[test]
    fn pages_decode_to_the_files_their_links_make() {
        let name = PackageName::from_str("a").unwrap();
        let label: Arc<str> = "https://example.com/simple/".into();
        let mut files = vec![
            raw("a-1.0.tar.gz", "https://files.example/p/a-1.0.tar.gz"),
            raw(
                "a-2.0-py3-none-any.whl",
                "https://files.example/p/a-2.0-py3-none-any.whl",
            ),
            raw("b-1.0.tar.gz", "https://files.example/p/b-1.0.tar.gz"),
            raw("a-1.0.exe", "https://files.example/p/a-1.0.exe"),
        ];
        files[0].requires_python = Some(">=3.8".into());
        files[0].yanked = Some("bad".into());
        files[0].upload_time = Some("2024-01-02T03:04:05.678901Z".into());
        files[1].requires_python = Some("nonsense".into());
        files[1].sha256 = Some("ab".repeat(32));
        files[1].core_metadata = Some(None);
        let page = CachedPage {
            fetched_at_ms: 7,
            files: Some(files.clone()),
        };
        let bytes = encode_page(&page);
        let mut interner = PageInterner::default();
        let direct = decode_page_files(&bytes, &name, &label, &mut interner).unwrap();
        let mut interner = PageInterner::default();
        let via_links: Vec<DistFile> = files
            .into_iter()
            .filter_map(|f| f.into_dist_file(&name, &label, &mut interner))
            .collect();
        assert_eq!(direct.fetched_at_ms, 7);
        assert_eq!(direct.files.as_ref().map(Vec::len), Some(2));
        assert_eq!(direct.files, Some(via_links));
    }

    #[test]
    fn lower_hex_is_hex_encode() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(lower_hex(&bytes), hex::encode(&bytes));
    }

    #[test]
    fn binary_pages_round_trip_every_field_shape() {
        let sha = "0123456789abcdef".repeat(4);
        let mut files = vec![
            raw("a-1.0.tar.gz", "https://files.example/p/ab/a-1.0.tar.gz"),
            raw(
                "a-1.0+local.tar.gz",
                "https://files.example/p/a-1.0%2Blocal.tar.gz",
            ),
            raw("a-2.0-py3-none-any.whl", "file:///wheels/other-name.whl"),
            raw("a-3.0.zip", "https://files.example/"),
        ];
        files[0].sha256 = Some(sha.clone());
        files[0].requires_python = Some(">=3.8, <4".into());
        files[0].yanked = Some(String::new());
        files[0].upload_time = Some("2024-01-02T03:04:05.678901Z".into());
        files[0].size = Some(u64::MAX);
        files[0].core_metadata = Some(Some(sha.clone()));
        files[1].sha256 = Some(sha.to_uppercase());
        files[1].yanked = Some("broken \u{e9}".into());
        files[1].core_metadata = Some(None);
        files[1].size = Some(0);
        files[2].core_metadata = Some(Some("not-hex".into()));
        files[2].requires_python = Some(String::new());
        for page in [
            CachedPage {
                fetched_at_ms: -5,
                files: None,
            },
            CachedPage {
                fetched_at_ms: 1_700_000_000_000,
                files: Some(Vec::new()),
            },
            CachedPage {
                fetched_at_ms: 1_700_000_000_000,
                files: Some(files),
            },
        ] {
            let bytes = encode_page(&page);
            assert_eq!(decode_page(&bytes), Some(page.clone()));
            // Truncated or extended payloads are rejected, never misread.
            for n in 0..bytes.len() {
                assert_eq!(decode_page(&bytes[..n]), None, "{n}");
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert_eq!(decode_page(&longer), None);
        }
    }
}
