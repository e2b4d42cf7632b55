//! Project pages in the disk cache: a compact binary form grouped by release, so that a
//! warm run decodes only the releases the solver looks at (pages list thousands).
//!
//! fetched_at_ms: i64 LE | has files: u8 (0 = the index said 404) | project name |
//! URL roots: varint count, strings | release count: varint | per release: version |
//! earliest upload: varint (0 = some file has no upload time, else zigzag(ns) + 1) |
//! file count: varint | block length: varint | then the releases' blocks, each its files
//! in index order:
//! flags: u8 | filename | URL | [sha256] | [requires_python] | [yanked reason] |
//! [upload time] | [size: varint] | [core metadata hash]
//!
//! Strings are a varint length and UTF-8 bytes; `[...]` fields are present when their
//! flag is set. Hashes are tag 0 and 32 bytes when they are lowercase hex (PyPI's form),
//! else tag 1 and the text. Upload times are tag 0 and zigzag(ns since the epoch), else
//! tag 1 and the text. A URL is tag 0 and the whole URL; or, when it ends in the
//! filename, tag 1 and the directory, or tag 2, a root's number and the hex path
//! segments after the root as bytes (PyPI's `https://files.pythonhosted.org/packages/
//! ab/cd/<60 hex>/` takes 38 bytes instead of 107). Files whose names are not
//! distributions of the project are not stored. A find-links page, which lists many
//! projects, is stored flat: an empty name and one release with an empty version holding
//! every file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use lockit_types::{
    DistFile, DistFilename, PackageName, PageInterner, ProjectFiles, ReleaseSource, Version, Yanked,
};

use crate::simple::RawFile;

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
        timestamp_ms(self.fetched_at_ms)
    }
}

/// Milliseconds since the epoch as a timestamp (the epoch when out of range).
pub(crate) fn timestamp_ms(ms: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

const F_SHA256: u8 = 1;
const F_REQUIRES_PYTHON: u8 = 1 << 1;
const F_YANKED: u8 = 1 << 2;
const F_UPLOAD_TIME: u8 = 1 << 3;
const F_SIZE: u8 = 1 << 4;
const F_CORE_METADATA: u8 = 1 << 5;
const F_CORE_METADATA_HASH: u8 = 1 << 6;
const F_UNUSED: u8 = 1 << 7;
/// At most this many hex path segments are stored as bytes.
const MAX_HEX_SEGMENTS: usize = 8;

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

/// A hash: tag 0 + 32 bytes, or tag 1 + the text as given.
fn put_hash(out: &mut Vec<u8>, text: &str) {
    match hex32(text) {
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

/// An upload time as nanoseconds since the epoch, when it is one that fits.
fn upload_nanos(text: &str) -> Option<i64> {
    let t = jiff::Timestamp::from_str(text).ok()?;
    i64::try_from(t.as_nanosecond()).ok()
}

/// Nanoseconds since the epoch as a timestamp.
fn timestamp_ns(ns: i64) -> Option<jiff::Timestamp> {
    jiff::Timestamp::from_nanosecond(i128::from(ns)).ok()
}

/// The URL roots of a page: what comes before the hex path segments of its file URLs.
#[derive(Default)]
struct Roots {
    list: Vec<String>,
    ids: std::collections::HashMap<String, usize>,
}

impl Roots {
    fn id(&mut self, root: &str) -> usize {
        if let Some(&id) = self.ids.get(root) {
            return id;
        }
        self.list.push(root.to_string());
        self.ids.insert(root.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

fn is_lower_hex(s: &str) -> bool {
    !s.is_empty()
        && s.len().is_multiple_of(2)
        && s.len() <= 510
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `dir` (ending in `/`) as its root and the hex segments after it, when it ends in any.
fn split_hex_tail(dir: &str) -> Option<(&str, Vec<&str>)> {
    let body = dir.strip_suffix('/')?;
    let mut segments: Vec<&str> = body
        .rsplit('/')
        .take(MAX_HEX_SEGMENTS)
        .take_while(|s| is_lower_hex(s))
        .collect();
    if segments.is_empty() {
        return None;
    }
    segments.reverse();
    let tail: usize = segments.iter().map(|s| s.len() + 1).sum();
    let root = &dir[..dir.len() - tail];
    // The root must end where a segment starts (or be empty).
    (root.is_empty() || root.ends_with('/')).then_some((root, segments))
}

/// Encodes `project`'s page in the binary cache format; `None` for a flat page of any
/// projects' files (find-links).
pub(crate) fn encode_page(page: &CachedPage, project: Option<&PackageName>) -> Vec<u8> {
    encode_links(page.fetched_at_ms, page.files.as_deref(), project)
}

/// [`encode_page`] of a page fetched at `fetched_at_ms` with these links (`None`: 404).
pub(crate) fn encode_links(
    fetched_at_ms: i64,
    links: Option<&[RawFile]>,
    project: Option<&PackageName>,
) -> Vec<u8> {
    let files = links.unwrap_or_default();
    let mut releases: BTreeMap<Option<Version>, Vec<&RawFile>> = BTreeMap::new();
    for f in files {
        let version = match project {
            None => None,
            Some(name) => match DistFilename::parse(&f.filename, name) {
                Ok(parsed) => Some(parsed.version().clone()),
                Err(_) => continue,
            },
        };
        releases.entry(version).or_default().push(f);
    }
    let mut roots = Roots::default();
    let mut table = Vec::new();
    let mut blocks = Vec::with_capacity(files.len() * 100);
    put_varint(&mut table, releases.len() as u64);
    for (version, files) in &releases {
        let start = blocks.len();
        for f in files {
            encode_file(&mut blocks, f, &mut roots);
        }
        let earliest = files
            .iter()
            .map(|f| upload_nanos(f.upload_time.as_deref()?))
            .collect::<Option<Vec<i64>>>()
            .and_then(|times| times.into_iter().min());
        put_str(
            &mut table,
            &version
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
        put_varint(&mut table, earliest.map_or(0, |t| zigzag(t) + 1));
        put_varint(&mut table, files.len() as u64);
        put_varint(&mut table, (blocks.len() - start) as u64);
    }
    let mut out = Vec::with_capacity(64 + table.len() + blocks.len());
    out.extend_from_slice(&fetched_at_ms.to_le_bytes());
    out.push(u8::from(links.is_some()));
    put_str(&mut out, project.map_or("", |n| n.as_ref()));
    put_varint(&mut out, roots.list.len() as u64);
    for root in &roots.list {
        put_str(&mut out, root);
    }
    out.extend_from_slice(&table);
    out.extend_from_slice(&blocks);
    out
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn encode_file(out: &mut Vec<u8>, f: &RawFile, roots: &mut Roots) {
    let meta_hash = match &f.core_metadata {
        Some(Some(h)) => Some(h.as_str()),
        _ => None,
    };
    let url_prefix = f
        .url
        .strip_suffix(f.filename.as_str())
        .filter(|p| p.ends_with('/') && !f.filename.is_empty());
    let mut flags = 0u8;
    for (on, bit) in [
        (f.sha256.is_some(), F_SHA256),
        (f.requires_python.is_some(), F_REQUIRES_PYTHON),
        (f.yanked.is_some(), F_YANKED),
        (f.upload_time.is_some(), F_UPLOAD_TIME),
        (f.size.is_some(), F_SIZE),
        (f.core_metadata.is_some(), F_CORE_METADATA),
        (meta_hash.is_some(), F_CORE_METADATA_HASH),
    ] {
        if on {
            flags |= bit;
        }
    }
    out.push(flags);
    put_str(out, &f.filename);
    match url_prefix.map(|dir| (dir, split_hex_tail(dir))) {
        Some((_, Some((root, segments)))) => {
            out.push(2);
            put_varint(out, roots.id(root) as u64);
            out.push(segments.len() as u8);
            for segment in segments {
                put_varint(out, (segment.len() / 2) as u64);
                let start = out.len();
                out.resize(start + segment.len() / 2, 0);
                // Checked by `is_lower_hex`.
                let _ = hex::decode_to_slice(segment, &mut out[start..]);
            }
        }
        Some((dir, None)) => {
            out.push(1);
            put_str(out, dir);
        }
        None => {
            out.push(0);
            put_str(out, &f.url);
        }
    }
    if let Some(sha) = &f.sha256 {
        put_hash(out, sha);
    }
    for text in [&f.requires_python, &f.yanked].into_iter().flatten() {
        put_str(out, text);
    }
    if let Some(time) = &f.upload_time {
        match upload_nanos(time) {
            Some(ns) => {
                out.push(0);
                put_varint(out, zigzag(ns));
            }
            None => {
                out.push(1);
                put_str(out, time);
            }
        }
    }
    if let Some(size) = f.size {
        put_varint(out, size);
    }
    if let Some(hash) = meta_hash {
        put_hash(out, hash);
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

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    fn hash(&mut self) -> Option<String> {
        match self.byte()? {
            0 => Some(lower_hex(self.take(32)?)),
            1 => self.str().map(str::to_string),
            _ => None,
        }
    }

    fn text(&mut self, present: bool) -> Option<Option<&'a str>> {
        Some(if present { Some(self.str()?) } else { None })
    }
}

/// An upload time as stored.
enum Upload<'a> {
    Nanos(i64),
    Text(&'a str),
}

impl Upload<'_> {
    fn timestamp(&self) -> Option<jiff::Timestamp> {
        match self {
            Upload::Nanos(ns) => timestamp_ns(*ns),
            Upload::Text(text) => jiff::Timestamp::from_str(text).ok(),
        }
    }

    /// The time as text: canonical when it is a time that encodes as nanoseconds, so that
    /// decoding and encoding again gives the same page.
    fn text(&self) -> Option<String> {
        match self {
            Upload::Nanos(ns) => timestamp_ns(*ns).map(|t| t.to_string()),
            Upload::Text(text) => Some(match upload_nanos(text).and_then(timestamp_ns) {
                Some(t) => t.to_string(),
                None => (*text).to_string(),
            }),
        }
    }
}

/// One file of an encoded page, borrowing what it can from the page's bytes.
struct FileView<'a> {
    filename: &'a str,
    url: String,
    sha256: Option<String>,
    requires_python: Option<&'a str>,
    yanked: Option<&'a str>,
    upload_time: Option<Upload<'a>>,
    size: Option<u64>,
    core_metadata: Option<Option<String>>,
}

fn read_url(r: &mut Reader<'_>, filename: &str, roots: &[String]) -> Option<String> {
    Some(match r.byte()? {
        0 => r.str()?.to_string(),
        1 => {
            let dir = r.str()?;
            let mut url = String::with_capacity(dir.len() + filename.len());
            url.push_str(dir);
            url.push_str(filename);
            url
        }
        2 => {
            let root = roots.get(r.len()?)?;
            let count = usize::from(r.byte()?);
            if count == 0 || count > MAX_HEX_SEGMENTS {
                return None;
            }
            let mut url = String::with_capacity(root.len() + 64 + 4 * count + filename.len());
            url.push_str(root);
            for _ in 0..count {
                let len = r.len()?;
                if len == 0 {
                    return None;
                }
                url.push_str(&lower_hex(r.take(len)?));
                url.push('/');
            }
            url.push_str(filename);
            url
        }
        _ => return None,
    })
}

fn read_file<'a>(r: &mut Reader<'a>, roots: &[String]) -> Option<FileView<'a>> {
    let flags = r.byte()?;
    if flags & F_UNUSED != 0 {
        return None;
    }
    let on = |bit: u8| flags & bit != 0;
    let filename = r.str()?;
    let url = read_url(r, filename, roots)?;
    let sha256 = if on(F_SHA256) { Some(r.hash()?) } else { None };
    let requires_python = r.text(on(F_REQUIRES_PYTHON))?;
    let yanked = r.text(on(F_YANKED))?;
    let upload_time = if on(F_UPLOAD_TIME) {
        Some(match r.byte()? {
            0 => Upload::Nanos(unzigzag(r.varint()?)),
            1 => Upload::Text(r.str()?),
            _ => return None,
        })
    } else {
        None
    };
    let size = if on(F_SIZE) { Some(r.varint()?) } else { None };
    let core_metadata = match (on(F_CORE_METADATA), on(F_CORE_METADATA_HASH)) {
        (false, false) => None,
        (true, false) => Some(None),
        (true, true) => Some(Some(r.hash()?)),
        (false, true) => return None,
    };
    Some(FileView {
        filename,
        url,
        sha256,
        requires_python,
        yanked,
        upload_time,
        size,
        core_metadata,
    })
}

/// One release in a page's table: where its files are.
#[derive(Debug)]
struct ReleaseEntry {
    /// `None` in a flat page.
    version: Option<Version>,
    /// Earliest upload time of its files in ns; `None` when some file has none.
    earliest: Option<i64>,
    count: usize,
    block: Range<usize>,
}

/// A page's header and release table, checked against the length of the data.
struct Header {
    fetched_at_ms: i64,
    has_files: bool,
    /// `None` for a flat page.
    name: Option<PackageName>,
    /// URL roots that file URLs refer to by number.
    roots: Vec<String>,
    releases: Vec<ReleaseEntry>,
}

fn read_header(data: &[u8]) -> Option<Header> {
    let mut r = Reader { data };
    let fetched_at_ms = i64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let has_files = match r.byte()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let name = match r.str()? {
        "" => None,
        text => Some(PackageName::from_str(text).ok()?),
    };
    let root_count = r.len()?;
    if root_count > r.data.len() {
        return None;
    }
    let roots = (0..root_count)
        .map(|_| r.str().map(str::to_string))
        .collect::<Option<Vec<String>>>()?;
    let count = r.len()?;
    // Every release takes at least four bytes: never trust a count the data cannot hold.
    if count > r.data.len() / 4 || (name.is_none() && count > 1) {
        return None;
    }
    let mut releases: Vec<ReleaseEntry> = Vec::with_capacity(count);
    let mut offset = 0usize;
    for _ in 0..count {
        let version = match (r.str()?, &name) {
            ("", None) => None,
            (text, Some(_)) => Some(Version::from_str(text).ok()?),
            _ => return None,
        };
        if releases.last().is_some_and(|prev| prev.version >= version) {
            return None;
        }
        let earliest = match r.varint()? {
            0 => None,
            t => Some(unzigzag(t - 1)),
        };
        let files = r.len()?;
        let len = r.len()?;
        let end = offset.checked_add(len)?;
        if files == 0 || files > len / 3 {
            return None;
        }
        releases.push(ReleaseEntry {
            version,
            earliest,
            count: files,
            block: offset..end,
        });
        offset = end;
    }
    let base = data.len() - r.data.len();
    if offset != r.data.len() {
        return None;
    }
    for release in &mut releases {
        release.block = release.block.start + base..release.block.end + base;
    }
    Some(Header {
        fetched_at_ms,
        has_files,
        name,
        roots,
        releases,
    })
}

/// The files of one release's block, each made by `make` (`None` leaves it out); `None`
/// when the block does not hold exactly `count` files.
fn read_block<T>(
    data: &[u8],
    roots: &[String],
    release: &ReleaseEntry,
    mut make: impl FnMut(FileView<'_>) -> Option<T>,
) -> Option<Vec<T>> {
    let mut r = Reader {
        data: data.get(release.block.clone())?,
    };
    let mut files = Vec::with_capacity(release.count);
    for _ in 0..release.count {
        if let Some(file) = make(read_file(&mut r, roots)?) {
            files.push(file);
        }
    }
    r.data.is_empty().then_some(files)
}

/// Decodes a page written by [`encode_page`] back into links and the project it is for;
/// `None` when the bytes are not one.
pub(crate) fn decode_page(data: &[u8]) -> Option<(Option<PackageName>, CachedPage)> {
    let header = read_header(data)?;
    let mut files = Vec::new();
    for release in &header.releases {
        let block = read_block(data, &header.roots, release, |v| {
            Some(RawFile {
                filename: v.filename.to_string(),
                url: v.url,
                sha256: v.sha256,
                requires_python: v.requires_python.map(str::to_string),
                yanked: v.yanked.map(str::to_string),
                upload_time: v.upload_time.and_then(|t| t.text()),
                size: v.size,
                core_metadata: v.core_metadata,
            })
        })?;
        // Each file must be a distribution of the release it is filed under.
        if let (Some(name), Some(version)) = (&header.name, &release.version) {
            let belongs = |f: &RawFile| {
                DistFilename::parse(&f.filename, name).is_ok_and(|p| p.version() == version)
            };
            if !block.iter().all(belongs) {
                return None;
            }
        }
        files.extend(block);
    }
    let page = CachedPage {
        fetched_at_ms: header.fetched_at_ms,
        files: header.has_files.then_some(files),
    };
    Some((header.name, page))
}

/// A cached page read as a project's releases, each decoded on first use.
pub(crate) struct LazyPage {
    /// When the page was fetched, in milliseconds since the Unix epoch.
    pub fetched_at_ms: i64,
    /// `None` when the index answered 404 for the project.
    pub project: Option<ProjectFiles>,
}

/// Reads `data` as `name`'s page from index `label`, keeping only files uploaded by
/// `cutoff` (`--exclude-newer`); `None` when the bytes are not such a page.
pub(crate) fn decode_lazy(
    data: Vec<u8>,
    name: &PackageName,
    label: &Arc<str>,
    cutoff: Option<jiff::Timestamp>,
) -> Option<LazyPage> {
    let header = read_header(&data)?;
    if header.name.as_ref() != Some(name) {
        return None;
    }
    let cutoff_ns = cutoff.map(|t| {
        let ns = t.as_nanosecond();
        i64::try_from(ns).unwrap_or(if ns > 0 { i64::MAX } else { i64::MIN })
    });
    // A release all of whose files are newer than the cutoff is not listed at all.
    let releases: Vec<ReleaseEntry> = header
        .releases
        .into_iter()
        .filter(|r| match (r.earliest, cutoff_ns) {
            (Some(earliest), Some(cutoff)) => earliest <= cutoff,
            _ => true,
        })
        .collect();
    let versions = releases.iter().filter_map(|r| r.version.clone()).collect();
    let project = header.has_files.then(|| {
        let source = PageReleases {
            data,
            roots: header.roots,
            releases,
            name: name.clone(),
            label: label.clone(),
            cutoff,
            interner: Mutex::new(PageInterner::default()),
        };
        ProjectFiles::lazy(name.clone(), versions, Arc::new(source))
    });
    Some(LazyPage {
        fetched_at_ms: header.fetched_at_ms,
        project,
    })
}

/// The bytes of a cached page and its release table: decodes one release when asked.
struct PageReleases {
    data: Vec<u8>,
    roots: Vec<String>,
    releases: Vec<ReleaseEntry>,
    name: PackageName,
    label: Arc<str>,
    cutoff: Option<jiff::Timestamp>,
    interner: Mutex<PageInterner>,
}

impl std::fmt::Debug for PageReleases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageReleases")
            .field("name", &self.name)
            .field("releases", &self.releases.len())
            .finish_non_exhaustive()
    }
}

impl ReleaseSource for PageReleases {
    fn files(&self, release: usize) -> Vec<DistFile> {
        let Some(entry) = self.releases.get(release) else {
            return Vec::new();
        };
        let mut interner = self
            .interner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The checksum of the entry was verified when it was read, so a block that does
        // not decode can only come from a bug; it then lists no files.
        read_block(&self.data, &self.roots, entry, |v| {
            let file = dist_file(v, &self.name, &self.label, &mut interner)?;
            let kept = self
                .cutoff
                .is_none_or(|c| file.upload_time.is_none_or(|t| t <= c));
            (kept && Some(file.filename.version()) == entry.version.as_ref()).then_some(file)
        })
        .unwrap_or_default()
    }
}

/// The file as [`RawFile::into_dist_file`] would make it from the same link.
fn dist_file(
    v: FileView<'_>,
    name: &PackageName,
    label: &Arc<str>,
    interner: &mut PageInterner,
) -> Option<DistFile> {
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
        upload_time: v.upload_time.and_then(|t| t.timestamp()),
        size: v.size,
        core_metadata: v.core_metadata,
        index: label.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn name(s: &str) -> PackageName {
        PackageName::from_str(s).unwrap()
    }

    #[test]
    fn lazy_pages_decode_to_the_files_their_links_make() {
        let a = name("a");
        let label: Arc<str> = "https://example.com/simple/".into();
        let mut files = vec![
            raw(
                "a-2.0-py3-none-any.whl",
                "https://files.example/p/a-2.0-py3-none-any.whl",
            ),
            raw("a-1.0.tar.gz", "https://files.example/p/a-1.0.tar.gz"),
            raw("b-1.0.tar.gz", "https://files.example/p/b-1.0.tar.gz"),
            raw("a-1.0.exe", "https://files.example/p/a-1.0.exe"),
            raw("a-2.0.tar.gz", "https://files.example/p/a-2.0.tar.gz"),
        ];
        files[1].requires_python = Some(">=3.8".into());
        files[1].yanked = Some("bad".into());
        files[1].upload_time = Some("2024-01-02T03:04:05.678901Z".into());
        files[0].requires_python = Some("nonsense".into());
        files[0].sha256 = Some("ab".repeat(32));
        files[0].core_metadata = Some(None);
        let page = CachedPage {
            fetched_at_ms: 7,
            files: Some(files.clone()),
        };
        let bytes = encode_page(&page, Some(&a));
        let lazy = decode_lazy(bytes, &a, &label, None).unwrap();
        assert_eq!(lazy.fetched_at_ms, 7);
        let mut interner = PageInterner::default();
        let via_links: Vec<DistFile> = files
            .into_iter()
            .filter_map(|f| f.into_dist_file(&a, &label, &mut interner))
            .collect();
        let project = lazy.project.unwrap();
        assert_eq!(project, ProjectFiles::new(a.clone(), via_links));
        assert_eq!(project.versions().count(), 2);
        assert_eq!(
            project.files_of(&Version::from_str("2.0").unwrap()).len(),
            2
        );
        // Another project's page is not read as this one's.
        let bytes = encode_page(&page, Some(&a));
        assert!(decode_lazy(bytes, &name("b"), &label, None).is_none());
    }

    #[test]
    fn exclude_newer_drops_files_and_whole_releases() {
        let a = name("a");
        let label: Arc<str> = "idx".into();
        let mut files = vec![
            raw("a-1.0.tar.gz", "u/a-1.0.tar.gz"),
            raw("a-1.0-py3-none-any.whl", "u/a-1.0-py3-none-any.whl"),
            raw("a-2.0.tar.gz", "u/a-2.0.tar.gz"),
            raw("a-3.0.tar.gz", "u/a-3.0.tar.gz"),
        ];
        files[0].upload_time = Some("2024-01-01T00:00:00Z".into());
        files[1].upload_time = Some("2024-06-01T00:00:00.000001Z".into());
        files[2].upload_time = Some("2025-01-01T00:00:00Z".into());
        // a-3.0 has no upload time: it is always kept, as a link without one is.
        let page = CachedPage {
            fetched_at_ms: 0,
            files: Some(files),
        };
        let cutoff = jiff::Timestamp::from_str("2024-06-01T00:00:00Z").unwrap();
        let lazy = decode_lazy(encode_page(&page, Some(&a)), &a, &label, Some(cutoff)).unwrap();
        let project = lazy.project.unwrap();
        let versions: Vec<String> = project.versions().map(ToString::to_string).collect();
        assert_eq!(versions, ["1.0", "3.0"]);
        let kept: Vec<String> = project
            .files()
            .map(|f| lockit_types::url_file_name(&f.url))
            .collect();
        assert_eq!(kept, ["a-1.0.tar.gz", "a-3.0.tar.gz"]);
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
            raw(
                "a-4.0-py3-none-any.whl",
                "https://files.pythonhosted.org/packages/0e/f9/66471f9b7e9291cca697b2e61a10645a537f389a9d5c0679d50dd86b20f7/a-4.0-py3-none-any.whl",
            ),
            raw("a-4.0.tar.gz", "https://h.example/AB/cd/a-4.0.tar.gz"),
            raw("a-5.0.tar.gz", "https://h.example/abc/a-5.0.tar.gz"),
        ];
        files[4].upload_time = Some("2010-06-29T19:56:36.71994Z".into());
        files[5].upload_time = Some("not a time".into());
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
        files[3].upload_time = Some("1960-01-01T00:00:00Z".into());
        let a = name("a");
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
                files: Some(files.clone()),
            },
        ] {
            let bytes = encode_page(&page, Some(&a));
            assert_eq!(decode_page(&bytes), Some((Some(a.clone()), page.clone())));
            let flat = encode_page(&page, None);
            assert_eq!(decode_page(&flat), Some((None, page.clone())));
            assert!(decode_lazy(flat, &a, &Arc::from("i"), None).is_none());
            // Truncated or extended payloads are rejected, never misread.
            for n in 0..bytes.len() {
                assert_eq!(decode_page(&bytes[..n]), None, "{n}");
                assert!(decode_lazy(bytes[..n].to_vec(), &a, &Arc::from("i"), None).is_none());
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert_eq!(decode_page(&longer), None);
        }
        // A PyPI file (22-byte name, 107-byte directory, a time) costs about 70 bytes.
        let pypi = |n: usize| CachedPage {
            fetched_at_ms: 0,
            files: Some(vec![files[4].clone(); n]),
        };
        let one_more =
            encode_page(&pypi(2), Some(&a)).len() - encode_page(&pypi(1), Some(&a)).len();
        assert!(one_more < 80, "{one_more}");
    }

    #[test]
    fn upload_times_keep_their_instant_and_come_back_canonical() {
        let a = name("a");
        let mut file = raw("a-1.0.tar.gz", "u/a-1.0.tar.gz");
        file.upload_time = Some("2010-06-29T19:56:36.719940Z".into());
        let page = CachedPage {
            fetched_at_ms: 0,
            files: Some(vec![file.clone()]),
        };
        let (_, back) = decode_page(&encode_page(&page, Some(&a))).unwrap();
        let text = back.files.unwrap()[0].upload_time.clone().unwrap();
        assert_eq!(text, "2010-06-29T19:56:36.71994Z");
        let original = jiff::Timestamp::from_str(file.upload_time.as_deref().unwrap()).unwrap();
        assert_eq!(jiff::Timestamp::from_str(&text).unwrap(), original);
    }

    proptest::proptest! {
        /// Law: whatever the links and the cutoff, a page read lazily lists exactly the
        /// files that the links make, minus those uploaded after the cutoff.
        #[test]
        fn lazy_pages_equal_eager_files(
            links in proptest::collection::vec(
                (
                    0u8..6,
                    proptest::prop_oneof!["py3-none-any.whl", "cp312-cp312-manylinux_2_28_x86_64.whl", "tar.gz", "zip"],
                    proptest::option::of(0i64..4),
                    proptest::option::of(proptest::prop_oneof![">=3.8", "<3", "", "bad"]),
                    proptest::bool::ANY,
                ),
                0..30,
            ),
            cutoff in proptest::option::of(0i64..4),
        ) {
            let a = name("a");
            let label: Arc<str> = "idx".into();
            let day = |d: i64| jiff::Timestamp::from_second(1_700_000_000 + d * 86_400).unwrap();
            let files: Vec<RawFile> = links
                .iter()
                .enumerate()
                .map(|(i, (minor, kind, day_n, rp, yanked))| {
                    let sep = if kind.ends_with(".whl") { "-" } else { "." };
                    let filename = format!("a-1.{minor}{sep}{kind}");
                    let mut f = raw(&filename, &format!("https://f.example/{i}/{filename}"));
                    f.upload_time = day_n.map(|d| day(d).to_string());
                    f.requires_python = rp.clone();
                    f.yanked = yanked.then(String::new);
                    f.sha256 = Some(format!("{i:064x}"));
                    f
                })
                .collect();
            let page = CachedPage { fetched_at_ms: 1, files: Some(files.clone()) };
            let cutoff = cutoff.map(day);
            let lazy = decode_lazy(encode_page(&page, Some(&a)), &a, &label, cutoff).unwrap();
            let mut interner = PageInterner::default();
            let mut eager: Vec<DistFile> = files
                .into_iter()
                .filter_map(|f| f.into_dist_file(&a, &label, &mut interner))
                .collect();
            if let Some(c) = cutoff {
                eager.retain(|f| f.upload_time.is_none_or(|t| t <= c));
            }
            let lazy = lazy.project.unwrap();
            let expected = ProjectFiles::new(a.clone(), eager);
            proptest::prop_assert_eq!(lazy.versions().collect::<Vec<_>>(), expected.versions().collect::<Vec<_>>());
            proptest::prop_assert_eq!(lazy, expected);
        }
    }
}
