//! Just enough of the zip format to pull `*.dist-info/METADATA` out of a wheel
//! with a few range reads: end of central directory (+ zip64), central
//! directory, one local header, inflate.

use std::io::Read;

/// Bytes read from the end of a file in the first request.
pub(crate) const TAIL_SIZE: u64 = 64 * 1024;
/// Largest central directory we are willing to read.
const MAX_CENTRAL_DIRECTORY: u64 = 64 * 1024 * 1024;

/// Why an entry could not be read: a malformed archive (this file is unusable)
/// or a failure of the source itself (network trouble, which is fatal).
#[derive(Debug)]
pub(crate) enum ZipError {
    Format(String),
    Source(crate::IndexError),
}

impl From<String> for ZipError {
    fn from(s: String) -> Self {
        ZipError::Format(s)
    }
}

impl From<&str> for ZipError {
    fn from(s: &str) -> Self {
        ZipError::Format(s.to_string())
    }
}

impl std::fmt::Display for ZipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZipError::Format(s) => f.write_str(s),
            ZipError::Source(e) => e.fmt(f),
        }
    }
}

/// Where a source can read byte ranges from: an HTTP server with range support,
/// or a local or downloaded file.
pub(crate) trait RangeSource {
    /// Total length of the file.
    fn len(&self) -> u64;
    /// Bytes `start..end` (end exclusive, clamped by the caller to `len`).
    async fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, ZipError>;
}

/// A central directory entry, with what we need to read its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub name: String,
    pub method: u16,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub local_header_offset: u64,
}

struct Directory {
    offset: u64,
    size: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;

/// Finds the central directory from the file's tail (`tail` starts at `tail_start`).
/// May need one more read for a zip64 end record that is not in the tail.
async fn find_directory<S: RangeSource>(
    src: &mut S,
    tail: &[u8],
    tail_start: u64,
) -> Result<Directory, ZipError> {
    // The EOCD is 22 bytes plus a comment of up to 64 KiB; search backwards.
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(tail, i) == Some(EOCD_SIG))
        .ok_or("no end of central directory record: not a zip file")?;
    let bad = || "truncated end of central directory record".to_string();
    let size = u32_at(tail, eocd + 12).ok_or_else(bad)?;
    let offset = u32_at(tail, eocd + 16).ok_or_else(bad)?;
    let entries = u16_at(tail, eocd + 10).ok_or_else(bad)?;
    if size != u32::MAX && offset != u32::MAX && entries != u16::MAX {
        return Ok(Directory {
            offset: u64::from(offset),
            size: u64::from(size),
        });
    }
    // Zip64: a 20-byte locator sits just before the EOCD and points at the zip64 EOCD.
    let loc = eocd.checked_sub(20).ok_or("zip64 locator missing")?;
    if u32_at(tail, loc) != Some(ZIP64_LOCATOR_SIG) {
        return Err("zip64 locator missing".into());
    }
    let z64_offset = u64_at(tail, loc + 8).ok_or("truncated zip64 locator")?;
    // Offsets come from the file: any of them may be near u64::MAX.
    let z64_end = z64_offset
        .checked_add(56)
        .ok_or("zip64 end record out of bounds")?;
    let tail_end = tail_start.saturating_add(tail.len() as u64);
    let record = if z64_offset >= tail_start && z64_end <= tail_end {
        let at = usize::try_from(z64_offset - tail_start)
            .map_err(|_| "zip64 end record out of bounds")?;
        tail.get(at..at + 56)
            .ok_or("truncated zip64 end record")?
            .to_vec()
    } else {
        if z64_end > src.len() {
            return Err("zip64 end record out of bounds".into());
        }
        src.read(z64_offset, z64_end).await?
    };
    if u32_at(&record, 0) != Some(ZIP64_EOCD_SIG) {
        return Err("bad zip64 end of central directory signature".into());
    }
    Ok(Directory {
        size: u64_at(&record, 40).ok_or("truncated zip64 end record")?,
        offset: u64_at(&record, 48).ok_or("truncated zip64 end record")?,
    })
}

/// Parses central directory entries.
pub(crate) fn parse_central_directory(cd: &[u8]) -> Result<Vec<Entry>, ZipError> {
    let mut entries = Vec::new();
    let mut i = 0;
    while i + 46 <= cd.len() {
        if u32_at(cd, i) != Some(CENTRAL_SIG) {
            break;
        }
        let bad = || "truncated central directory entry".to_string();
        let method = u16_at(cd, i + 10).ok_or_else(bad)?;
        let mut compressed = u64::from(u32_at(cd, i + 20).ok_or_else(bad)?);
        let mut uncompressed = u64::from(u32_at(cd, i + 24).ok_or_else(bad)?);
        let name_len = usize::from(u16_at(cd, i + 28).ok_or_else(bad)?);
        let extra_len = usize::from(u16_at(cd, i + 30).ok_or_else(bad)?);
        let comment_len = usize::from(u16_at(cd, i + 32).ok_or_else(bad)?);
        let mut offset = u64::from(u32_at(cd, i + 42).ok_or_else(bad)?);
        let name_start = i + 46;
        let name = cd.get(name_start..name_start + name_len).ok_or_else(bad)?;
        let extra = cd
            .get(name_start + name_len..name_start + name_len + extra_len)
            .ok_or_else(bad)?;
        // Zip64 extended information: present fields appear in this fixed order.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e).ok_or_else(bad)?;
            let len = usize::from(u16_at(extra, e + 2).ok_or_else(bad)?);
            let data = extra.get(e + 4..e + 4 + len).ok_or_else(bad)?;
            if id == 0x0001 {
                let mut d = 0;
                let mut take = |field: &mut u64| {
                    if *field == u64::from(u32::MAX) {
                        if let Some(v) = u64_at(data, d) {
                            *field = v;
                            d += 8;
                        }
                    }
                };
                take(&mut uncompressed);
                take(&mut compressed);
                take(&mut offset);
            }
            e += 4 + len;
        }
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed_size: compressed,
            uncompressed_size: uncompressed,
            local_header_offset: offset,
        });
        i = name_start + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

/// Picks the wheel's `<name>-<version>.dist-info/METADATA` from the entries: a
/// top-level `.dist-info` directory (the one whose name matches the wheel when
/// there are several).
pub(crate) fn find_metadata_entry<'a>(
    entries: &'a [Entry],
    dist_info_prefix: &str,
) -> Option<&'a Entry> {
    let candidates: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            let mut parts = e.name.split('/');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(dir), Some("METADATA"), None) if dir.ends_with(".dist-info")
            )
        })
        .collect();
    if candidates.len() <= 1 {
        return candidates.first().copied();
    }
    let want = dist_info_prefix.to_ascii_lowercase();
    candidates
        .iter()
        .find(|e| e.name.to_ascii_lowercase().starts_with(&want))
        .copied()
        .or_else(|| candidates.first().copied())
}

/// Reads and decompresses one entry, limiting the inflated size.
pub(crate) async fn read_entry<S: RangeSource>(
    src: &mut S,
    entry: &Entry,
    limit: u64,
) -> Result<Vec<u8>, ZipError> {
    if entry.uncompressed_size > limit {
        return Err(format!(
            "`{}` is {} bytes, over the {limit}-byte limit",
            entry.name, entry.uncompressed_size
        )
        .into());
    }
    // Deflate never grows data by more than a few bytes per block, so compressed data much
    // larger than the inflated limit is a lie that would only make us read more.
    if entry.compressed_size > limit.saturating_mul(2).saturating_add(1024) {
        return Err(format!(
            "`{}` claims {} compressed bytes, over the {limit}-byte limit",
            entry.name, entry.compressed_size
        )
        .into());
    }
    let start = entry.local_header_offset;
    // The local header's name and extra field lengths may differ from the central
    // directory's; guess generously and read more if needed.
    let guess = (30 + 256 + entry.name.len() as u64).saturating_add(entry.compressed_size);
    let end = (start.saturating_add(guess)).min(src.len());
    if start >= end {
        return Err("local header out of bounds".into());
    }
    let mut buf = src.read(start, end).await?;
    if u32_at(&buf, 0) != Some(LOCAL_SIG) {
        return Err(format!("bad local header signature for `{}`", entry.name).into());
    }
    let name_len = u64::from(u16_at(&buf, 26).ok_or("truncated local header")?);
    let extra_len = u64::from(u16_at(&buf, 28).ok_or("truncated local header")?);
    let data_start = 30 + name_len + extra_len;
    let past_end = || format!("`{}` extends past the end of the file", entry.name);
    let data_end = data_start
        .checked_add(entry.compressed_size)
        .ok_or_else(past_end)?;
    if data_end > buf.len() as u64 {
        let file_end = start.checked_add(data_end).ok_or_else(past_end)?;
        if file_end > src.len() {
            return Err(past_end().into());
        }
        let more = src.read(start + buf.len() as u64, file_end).await?;
        buf.extend_from_slice(&more);
    }
    let range = usize::try_from(data_start)
        .ok()
        .zip(usize::try_from(data_end).ok());
    let data = range
        .and_then(|(a, b)| buf.get(a..b))
        .ok_or("entry data out of bounds")?;
    match entry.method {
        0 => Ok(data.to_vec()),
        8 => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(data)
                .take(limit + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("could not inflate `{}`: {e}", entry.name))?;
            if out.len() as u64 > limit {
                return Err(
                    format!("`{}` inflates past the {limit}-byte limit", entry.name).into(),
                );
            }
            Ok(out)
        }
        m => Err(format!("`{}` uses unsupported compression method {m}", entry.name).into()),
    }
}

/// Lists a zip's entries with as few reads as possible.
pub(crate) async fn list_entries<S: RangeSource>(
    src: &mut S,
    tail: Option<(Vec<u8>, u64)>,
) -> Result<Vec<Entry>, ZipError> {
    let (tail, tail_start) = match tail {
        Some(t) => t,
        None => {
            let start = src.len().saturating_sub(TAIL_SIZE);
            (src.read(start, src.len()).await?, start)
        }
    };
    let dir = find_directory(src, &tail, tail_start).await?;
    if dir.size > MAX_CENTRAL_DIRECTORY {
        return Err(format!("central directory of {} bytes is too large", dir.size).into());
    }
    let end = dir
        .offset
        .checked_add(dir.size)
        .ok_or("central directory out of bounds")?;
    if end > src.len() {
        return Err("central directory out of bounds".into());
    }
    let cd = if dir.offset >= tail_start {
        let a = (dir.offset - tail_start) as usize;
        tail.get(a..a + dir.size as usize)
            .ok_or("central directory out of bounds")?
            .to_vec()
    } else {
        src.read(dir.offset, end).await?
    };
    parse_central_directory(&cd)
}

/// A zip held in memory (tests and fuzz targets).
pub(crate) struct InMemory(pub Vec<u8>);

impl RangeSource for InMemory {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
    async fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, ZipError> {
        self.0
            .get(start as usize..end as usize)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| "read past the end of the file".into())
    }
}

/// A zip in a local (possibly temporary) file.
pub(crate) struct LocalFile {
    pub file: std::fs::File,
    pub len: u64,
}

impl RangeSource for LocalFile {
    fn len(&self) -> u64 {
        self.len
    }
    async fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, ZipError> {
        use std::io::{Seek, SeekFrom};
        if end > self.len || start > end {
            return Err("read past the end of the file".into());
        }
        self.file
            .seek(SeekFrom::Start(start))
            .map_err(|e| e.to_string())?;
        let mut buf = vec![0; (end - start) as usize];
        self.file.read_exact(&mut buf).map_err(|e| e.to_string())?;
        Ok(buf)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    /// Builds a zip with the `zip` crate.
    pub(crate) fn build_zip(files: &[(&str, &[u8])], deflate: bool, comment: &str) -> Vec<u8> {
        let mut w = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let method = if deflate {
            ::zip::CompressionMethod::Deflated
        } else {
            ::zip::CompressionMethod::Stored
        };
        let opts = ::zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        let _ = w.set_comment(comment);
        w.finish().unwrap().into_inner()
    }

    /// Builds a zip by hand with zip64 end records and zip64 extra fields.
    fn build_zip64(name: &str, data: &[u8], padding: usize) -> Vec<u8> {
        let mut out = vec![0u8; padding];
        let local_offset = out.len() as u64;
        out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
        out.extend_from_slice(&[45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // ver, flags, method 0, time, date, crc
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        let cd_offset = out.len() as u64;
        out.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
        out.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // made-by, need, flags, method, time, date, crc
        out.extend_from_slice(&u32::MAX.to_le_bytes()); // compressed
        out.extend_from_slice(&u32::MAX.to_le_bytes()); // uncompressed
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&28u16.to_le_bytes()); // extra len
        out.extend_from_slice(&[0; 6]); // comment len, disk, internal attr
        out.extend_from_slice(&[0; 4]); // external attr
        out.extend_from_slice(&u32::MAX.to_le_bytes()); // offset
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&24u16.to_le_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend_from_slice(&local_offset.to_le_bytes());
        let cd_size = out.len() as u64 - cd_offset;
        let z64_offset = out.len() as u64;
        out.extend_from_slice(&ZIP64_EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&1u64.to_le_bytes());
        out.extend_from_slice(&1u64.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&ZIP64_LOCATOR_SIG.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&z64_offset.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        out.extend_from_slice(&u32::MAX.to_le_bytes());
        out.extend_from_slice(&u32::MAX.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// Counts reads to check that big files are read sparsely.
    struct Counting(InMemory, usize);
    impl RangeSource for Counting {
        fn len(&self) -> u64 {
            self.0.len()
        }
        async fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, ZipError> {
            self.1 += 1;
            self.0.read(start, end).await
        }
    }

    async fn metadata_of<S: RangeSource>(src: &mut S) -> Result<Vec<u8>, ZipError> {
        let entries = list_entries(src, None).await?;
        let entry = find_metadata_entry(&entries, "foo-1.0.dist-info/")
            .ok_or("no METADATA")?
            .clone();
        read_entry(src, &entry, 1 << 20).await
    }

    #[test]
    fn reads_metadata_from_wheels() {
        let meta = b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n";
        let big = vec![7u8; 300 * 1024];
        for (deflate, comment) in [
            (true, ""),
            (false, ""),
            (true, "a comment with PK\x05\x06 inside"),
        ] {
            let zip = build_zip(
                &[
                    ("foo/__init__.py", b"" as &[u8]),
                    ("foo/big.bin", &big),
                    ("foo-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n"),
                    ("foo-1.0.dist-info/METADATA", meta),
                    ("foo-1.0.dist-info/RECORD", b""),
                ],
                deflate,
                comment,
            );
            let mut src = Counting(InMemory(zip), 0);
            let got = block_on(metadata_of(&mut src)).unwrap();
            assert_eq!(got, meta);
            assert!(src.1 <= 3, "{} reads", src.1);
        }
    }

    #[test]
    fn reads_zip64() {
        for padding in [0, 200 * 1024] {
            let zip = build_zip64("foo-1.0.dist-info/METADATA", b"Name: foo\n", padding);
            let got = block_on(metadata_of(&mut InMemory(zip))).unwrap();
            assert_eq!(got, b"Name: foo\n");
        }
    }

    #[test]
    fn picks_the_matching_dist_info() {
        let zip = build_zip(
            &[
                ("vendored-2.0.dist-info/METADATA", b"other" as &[u8]),
                ("foo-1.0.dist-info/METADATA", b"mine"),
                ("foo-1.0.dist-info/sub/METADATA", b"nested"),
            ],
            true,
            "",
        );
        assert_eq!(block_on(metadata_of(&mut InMemory(zip))).unwrap(), b"mine");
    }

    #[test]
    fn bad_zips_fail_cleanly() {
        let good = build_zip(&[("foo-1.0.dist-info/METADATA", b"x" as &[u8])], true, "");
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"not a zip".to_vec(),
            good[..good.len() - 5].to_vec(),
        ];
        // Corrupt each byte of the central directory area in turn.
        for i in good.len().saturating_sub(80)..good.len() {
            let mut c = good.clone();
            c[i] ^= 0xff;
            cases.push(c);
        }
        for case in cases {
            let _ = block_on(metadata_of(&mut InMemory(case)));
        }
    }

    /// Found by fuzz/zip_metadata: offsets and sizes from the file near `u64::MAX`
    /// overflowed additions (a panic with overflow checks, a wrong read without).
    #[test]
    fn regression_offsets_near_u64_max() {
        // A zip64 locator pointing 10 bytes before the end of the address space.
        let mut zip = Vec::new();
        zip.extend_from_slice(&ZIP64_LOCATOR_SIG.to_le_bytes());
        zip.extend_from_slice(&0u32.to_le_bytes());
        zip.extend_from_slice(&(u64::MAX - 10).to_le_bytes());
        zip.extend_from_slice(&1u32.to_le_bytes());
        zip.extend_from_slice(&EOCD_SIG.to_le_bytes());
        zip.extend_from_slice(&[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        zip.extend_from_slice(&u32::MAX.to_le_bytes());
        zip.extend_from_slice(&u32::MAX.to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        let err = block_on(list_entries(&mut InMemory(zip), None)).unwrap_err();
        assert!(err.to_string().contains("out of bounds"), "{err}");

        // An entry whose (zip64) compressed size or offset is absurd.
        let mut file = LOCAL_SIG.to_le_bytes().to_vec();
        file.extend_from_slice(&[0; 60]);
        for (compressed, offset) in [(u64::MAX - 5, 0), (10, u64::MAX - 5), (u64::MAX, u64::MAX)] {
            let entry = Entry {
                name: "a-1.0.dist-info/METADATA".into(),
                method: 0,
                compressed_size: compressed,
                uncompressed_size: 10,
                local_header_offset: offset,
            };
            assert!(block_on(read_entry(&mut InMemory(file.clone()), &entry, 1024)).is_err());
        }
    }

    #[test]
    fn inflate_bomb_is_limited() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let zip = build_zip(&[("foo-1.0.dist-info/METADATA", &zeros)], true, "");
        let mut src = InMemory(zip);
        let entries = block_on(list_entries(&mut src, None)).unwrap();
        let mut entry = entries[0].clone();
        assert!(block_on(read_entry(&mut src, &entry, 1024)).is_err());
        // Even when the directory lies about the size.
        entry.uncompressed_size = 10;
        let err = block_on(read_entry(&mut src, &entry, 1024))
            .unwrap_err()
            .to_string();
        assert!(err.contains("limit"), "{err}");
    }
}
