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
//! Pages are stored in a compact binary form (see [`crate::page_format`]) that is much
//! cheaper to read than JSON and is decoded one release at a time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lockit_types::PackageName;
use sha2::{Digest, Sha256};

use crate::page_format::{decode_lazy, decode_page, CachedPage, LazyPage};

const MAGIC: &[u8; 4] = b"LKIC";
/// Bump when the payload format changes; older entries are then ignored.
const FORMAT_VERSION: u32 = 2;
const HEADER_LEN: usize = 4 + 4 + 8 + 4;

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
        self.path("pages-v4", &format!("{index_url}\n{name}"))
    }

    pub fn metadata_path(&self, key: &str) -> PathBuf {
        self.path("metadata-v2", key)
    }

    /// A git repository's folder: `db` (a bare clone, by URL) or `checkouts` (a commit's
    /// tree, by URL and SHA).
    pub fn git_path(&self, kind: &str, key: &str) -> PathBuf {
        self.path(&format!("git-v1/{kind}"), key)
    }

    /// The cached page at `path` of `project` (`None`: a flat find-links page), as links.
    pub fn read_page(&self, path: &Path, project: Option<&PackageName>) -> Option<CachedPage> {
        let payload = self.read(path)?;
        match decode_page(&payload) {
            Some((stored, page)) if stored.as_ref() == project => Some(page),
            _ => {
                self.drop_entry(path, "undecodable page");
                None
            }
        }
    }

    /// The cached page of `name` at `path`, its releases decoded when first used (see
    /// [`decode_lazy`]).
    pub fn read_lazy_page(
        &self,
        path: &Path,
        name: &PackageName,
        label: &Arc<str>,
        cutoff: Option<jiff::Timestamp>,
    ) -> Option<LazyPage> {
        let payload = self.read(path)?;
        match decode_lazy(payload, name, label, cutoff) {
            Some(page) => Some(page),
            None => {
                self.drop_entry(path, "undecodable page");
                None
            }
        }
    }

    /// Stores `project`'s page (`None`: a flat find-links page).
    #[cfg(test)]
    pub fn write_page(&self, path: &Path, page: &CachedPage, project: Option<&PackageName>) {
        write_entry(path, &crate::page_format::encode_page(page, project));
    }

    /// Stores a `METADATA` / `PKG-INFO` file; only its headers are kept, since the
    /// body (the long description) is never read back.
    pub fn write_metadata(&self, path: &Path, metadata: &[u8]) {
        write_entry(path, lockit_types::header_bytes(metadata));
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

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::simple::RawFile;

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
    fn pages_round_trip_and_undecodable_pages_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().to_path_buf(), false);
        let path = cache.page_path("https://example.com/simple/", "foo");
        let foo = PackageName::from_str("foo").unwrap();
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
        cache.write_page(&path, &page, Some(&foo));
        assert_eq!(cache.read_page(&path, Some(&foo)), Some(page));
        let label: Arc<str> = "https://example.com/simple/".into();
        let lazy = cache.read_lazy_page(&path, &foo, &label, None).unwrap();
        assert_eq!(lazy.project.map(|p| p.files().count()), Some(1));
        // Read as another project's page, it is not trusted (and not kept).
        let bar = PackageName::from_str("bar").unwrap();
        assert_eq!(cache.read_page(&path, Some(&bar)), None);
        assert!(!path.exists());
        // A valid envelope around a payload we cannot decode.
        write_entry(&path, b"{not a page");
        assert_eq!(cache.read_page(&path, Some(&foo)), None);
        assert!(!path.exists());
        // Distinct keys do not collide.
        assert_ne!(path, cache.page_path("https://example.com/simple/", "bar"));
    }
}
