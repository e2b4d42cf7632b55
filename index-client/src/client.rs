//! The index client: project pages from the first index that knows a project,
//! find-links, core metadata, memoization and the disk cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lockit_types::{
    CoreMetadata, DistFile, DistFilename, PackageName, ProjectFiles, SdistExtension, Version,
};
use tokio::sync::OnceCell;
use url::Url;

use crate::build::{lock_exclusive, BuildPolicy, MetadataBuildError};
use crate::cache::DiskCache;
use crate::error::{redact, redact_str, IndexError};
use crate::http::{Http, Tail};
use crate::page_format::{decode_lazy, encode_links, timestamp_ms, CachedPage};
use crate::sdist;
use crate::simple::{self, RawFile};
use crate::zipread::{self, LocalFile, RangeSource, ZipError};
use lockit_resolver::{FileProblem, InvalidMetadata, StaticGap};

/// Largest project or find-links page we read.
const MAX_PAGE: u64 = 64 * 1024 * 1024;
/// Largest `METADATA`, `PKG-INFO` or `.metadata` file we read.
const MAX_METADATA: u64 = 16 * 1024 * 1024;
/// Largest archive entry we decompress (`pyproject.toml`).
const MAX_ENTRY: u64 = 64 * 1024 * 1024;
/// Largest whole-file download (sdists, wheels from servers without ranges).
const MAX_DOWNLOAD: u64 = 4 * 1024 * 1024 * 1024;
/// How long a cached page is fresh when `exclude_newer` does not settle it.
const PAGE_TTL: jiff::SignedDuration = jiff::SignedDuration::from_secs(600);

/// How the client finds and caches projects.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Simple API base URLs; the first is the primary index, the rest are extra indexes.
    pub index_urls: Vec<String>,
    /// Flat HTML pages (or local directories) listing files of any project.
    pub find_links: Vec<String>,
    /// Where to cache pages and metadata; `None` for no disk cache.
    pub cache_dir: Option<PathBuf>,
    /// Never touch the network; cache misses are [`IndexError::Offline`].
    pub offline: bool,
    /// Ignore cached project pages (metadata keyed by sha256 stays valid).
    pub refresh: bool,
    /// Ignore the cached pages of these packages only (`--refresh-package`).
    pub refresh_packages: std::collections::HashSet<PackageName>,
    /// Drop files uploaded after this instant.
    pub exclude_newer: Option<jiff::Timestamp>,
    /// Per-package cutoffs (`--exclude-newer-package NAME=DATE`), over `exclude_newer`.
    pub exclude_newer_packages: HashMap<PackageName, jiff::Timestamp>,
    /// TCP/TLS connect timeout (zero = none).
    pub connect_timeout: Duration,
    /// Timeout between reads on a connection (zero = none).
    pub read_timeout: Duration,
    /// Retries for transient failures.
    pub retries: u32,
    /// How the files of a project found on several indexes are combined.
    pub index_strategy: IndexStrategy,
    /// Warn on stderr about things that are handled but worth knowing (damaged cache entries).
    pub verbose: bool,
    /// Accepted for `--native-tls`: certificates are always verified against the
    /// operating system's store (and `SSL_CERT_FILE` / `SSL_CERT_DIR`), so this changes nothing.
    pub native_tls: bool,
    /// Read credentials for index hosts from `$NETRC` or `~/.netrc`.
    pub netrc: bool,
    /// When sdists whose metadata is dynamic may be built.
    pub build_policy: BuildPolicy,
    /// Builds the metadata of such sdists; `None`: they are unusable, as without a frontend.
    pub builder: Option<Arc<dyn MetadataBuilder>>,
}

/// Which indexes a project's files come from when several indexes are configured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IndexStrategy {
    /// Only from the first index that has the project: a public index can never
    /// shadow a private package of the same name (dependency confusion).
    #[default]
    FirstIndex,
    /// From every index, the best version winning wherever it is (files of the same
    /// name are taken from the earlier index). Unsafe with public and private indexes.
    UnsafeBestMatch,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            index_urls: vec!["https://pypi.org/simple/".to_string()],
            find_links: Vec::new(),
            cache_dir: None,
            offline: false,
            refresh: false,
            refresh_packages: Default::default(),
            exclude_newer: None,
            exclude_newer_packages: HashMap::new(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            retries: 3,
            index_strategy: IndexStrategy::FirstIndex,
            verbose: false,
            native_tls: false,
            netrc: true,
            build_policy: BuildPolicy::default(),
            builder: None,
        }
    }
}

/// A Simple API index (base URL ends in `/`, credentials kept by [`Http`]).
struct Index {
    url: Url,
    /// Redacted form, used in [`DistFile::index`] and cache keys.
    label: String,
}

enum FindLinks {
    Dir(PathBuf),
    Page { url: Url, label: String },
}

type Memo<T> = Arc<OnceCell<Result<Arc<T>, IndexError>>>;

struct Inner {
    http: Http,
    indexes: Vec<Index>,
    find_links: Vec<FindLinks>,
    find_links_pages: Vec<OnceCell<Result<Arc<Vec<RawFile>>, IndexError>>>,
    cache: Option<DiskCache>,
    offline: bool,
    refresh: bool,
    refresh_packages: std::collections::HashSet<PackageName>,
    exclude_newer: Option<jiff::Timestamp>,
    exclude_newer_packages: HashMap<PackageName, jiff::Timestamp>,
    index_strategy: IndexStrategy,
    projects: Mutex<HashMap<PackageName, Memo<ProjectFiles>>>,
    metadata: Mutex<HashMap<(PackageName, Version), Memo<CoreMetadata>>>,
    build_policy: BuildPolicy,
    builder: Option<Arc<dyn MetadataBuilder>>,
}

/// Builds the core metadata of an sdist whose metadata is not static.
pub trait MetadataBuilder: Send + Sync + std::fmt::Debug {
    /// The `METADATA` bytes of `name` `version`, built from `sdist`: the archive named
    /// `filename` (`.tar.gz` or `.zip`), already checked against the index's sha256.
    ///
    /// Runs on a blocking thread inside the client's runtime, so it may block on `client`'s
    /// futures (to resolve and fetch build requirements). On `Err` (the step that failed,
    /// its one-line summary and its output's tail) the version becomes unusable.
    fn build(
        &self,
        client: &IndexClient,
        name: &PackageName,
        version: &Version,
        sdist: std::fs::File,
        filename: &str,
    ) -> Result<Vec<u8>, MetadataBuildError>;

    /// The `METADATA` bytes of the local source tree `tree` (a folder with a
    /// `pyproject.toml` or `setup.py`), prepared for an editable install (PEP 660
    /// `prepare_metadata_for_build_editable`, else the wheel hooks) when `editable`. Runs
    /// as [`MetadataBuilder::build`] does.
    fn build_tree(
        &self,
        _client: &IndexClient,
        _tree: &Path,
        _editable: bool,
    ) -> Result<Vec<u8>, MetadataBuildError> {
        Err(MetadataBuildError::LocalProjectsUnsupported)
    }
}

/// An async client for Python package indexes. Cheap to clone; clones share
/// connections, memoized answers and in-flight requests.
#[derive(Clone)]
pub struct IndexClient {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves the map usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn parse_location(location: &str) -> Result<Url, IndexError> {
    Url::parse(location.trim()).map_err(|e| IndexError::InvalidLocation {
        location: redact_str(location),
        reason: e.to_string(),
    })
}

fn local_path(url: &Url) -> Result<PathBuf, IndexError> {
    url.to_file_path()
        .map_err(|()| IndexError::InvalidLocation {
            location: url.to_string(),
            reason: "not a local path".into(),
        })
}

fn label_of(url: &Url) -> String {
    let mut clean = url.clone();
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    clean.to_string()
}

impl IndexClient {
    /// Builds a client; fails on unparsable index URLs or a TLS setup problem.
    pub fn new(options: ClientOptions) -> Result<Self, IndexError> {
        let mut credentialed = Vec::new();
        let mut indexes = Vec::new();
        for location in &options.index_urls {
            let mut url = parse_location(location)?;
            if url.cannot_be_a_base() {
                return Err(IndexError::InvalidLocation {
                    location: redact(&url),
                    reason: "not a base URL".into(),
                });
            }
            if !url.path().ends_with('/') {
                let path = format!("{}/", url.path());
                url.set_path(&path);
            }
            credentialed.push(url.clone());
            indexes.push(Index {
                label: label_of(&url),
                url,
            });
        }
        let mut find_links = Vec::new();
        for location in &options.find_links {
            let path = Path::new(location.trim());
            let entry = match Url::parse(location.trim()) {
                // A Windows path like `C:\wheels` parses as a URL with scheme `c`.
                Ok(url) if url.scheme().len() > 1 => {
                    if url.scheme() == "file" {
                        FindLinks::Dir(local_path(&url)?)
                    } else {
                        credentialed.push(url.clone());
                        FindLinks::Page {
                            label: label_of(&url),
                            url,
                        }
                    }
                }
                _ => FindLinks::Dir(path.to_path_buf()),
            };
            find_links.push(entry);
        }
        let netrc = if options.netrc {
            crate::netrc::Netrc::from_env()
        } else {
            crate::netrc::Netrc::default()
        };
        let http = Http::new(
            options.connect_timeout,
            options.read_timeout,
            options.retries,
            options.offline,
            &credentialed,
            netrc,
        )?;
        Ok(IndexClient {
            inner: Arc::new(Inner {
                http,
                find_links_pages: find_links.iter().map(|_| OnceCell::new()).collect(),
                indexes,
                find_links,
                cache: options
                    .cache_dir
                    .map(|dir| DiskCache::new(dir, options.verbose)),
                offline: options.offline,
                refresh: options.refresh,
                refresh_packages: options.refresh_packages,
                exclude_newer: options.exclude_newer,
                exclude_newer_packages: options.exclude_newer_packages,
                index_strategy: options.index_strategy,
                projects: Mutex::new(HashMap::new()),
                metadata: Mutex::new(HashMap::new()),
                build_policy: options.build_policy,
                builder: options.builder,
            }),
        })
    }

    /// True when the client may not use the network (`--offline`).
    pub fn is_offline(&self) -> bool {
        self.inner.offline
    }

    /// All files for a project: from the first index that knows it (indexes are
    /// never mixed, against dependency confusion, unless [`IndexStrategy::UnsafeBestMatch`]
    /// says so), plus find-links files. An
    /// unknown project has no files. Concurrent callers share one request.
    pub async fn project(&self, name: &PackageName) -> Result<Arc<ProjectFiles>, IndexError> {
        let cell = lock(&self.inner.projects)
            .entry(name.clone())
            .or_default()
            .clone();
        cell.get_or_init(|| async { self.fetch_project(name).await.map(Arc::new) })
            .await
            .clone()
    }

    /// Core metadata for one version, from its files ordered by preference, building an
    /// sdist whose metadata is dynamic when a [`MetadataBuilder`] is set and the
    /// [`BuildPolicy`] allows. Errors for which [`IndexError::is_unavailable`] holds mean
    /// "skip this version".
    pub async fn metadata(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[DistFile],
    ) -> Result<Arc<CoreMetadata>, IndexError> {
        let cell = self.metadata_cell(name, version);
        cell.get_or_init(|| async {
            match self.fetch_metadata(name, version, files, true).await {
                Ok(Some(meta)) => Ok(Arc::new(meta)),
                Ok(None) => Err(IndexError::Client(
                    "internal: a build was deferred where it was allowed".into(),
                )),
                Err(e) => Err(e),
            }
        })
        .await
        .clone()
    }

    /// As [`IndexClient::metadata`], but never builds: `None` when the metadata would
    /// have to be built. That answer is not memoized, so a later `metadata` call builds.
    /// For prefetching, where a guess is never worth running a build.
    pub async fn metadata_without_build(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[DistFile],
    ) -> Option<Result<Arc<CoreMetadata>, IndexError>> {
        let cell = self.metadata_cell(name, version);
        let answer = cell
            .get_or_try_init(|| async {
                match self.fetch_metadata(name, version, files, false).await {
                    Ok(Some(meta)) => Ok(Ok(Arc::new(meta))),
                    Ok(None) => Err(()),
                    Err(e) => Ok(Err(e)),
                }
            })
            .await;
        answer.ok().cloned()
    }

    /// Remembers `meta` as the metadata of its name and version for this run (a local
    /// project's, which no file on an index tells).
    pub(crate) fn remember_metadata(&self, meta: &Arc<CoreMetadata>) {
        let _ = self
            .metadata_cell(&meta.name, &meta.version)
            .set(Ok(meta.clone()));
    }

    /// When sdists may be built.
    pub(crate) fn build_policy(&self) -> &BuildPolicy {
        &self.inner.build_policy
    }

    /// The on-disk cache, unless `--no-cache`.
    pub(crate) fn disk_cache(&self) -> Option<&DiskCache> {
        self.inner.cache.as_ref()
    }

    /// The build frontend, when there is one.
    pub(crate) fn builder(&self) -> Option<Arc<dyn MetadataBuilder>> {
        self.inner.builder.clone()
    }

    fn metadata_cell(&self, name: &PackageName, version: &Version) -> Memo<CoreMetadata> {
        let key = (name.clone(), version.clone());
        lock(&self.inner.metadata).entry(key).or_default().clone()
    }

    /// Starts fetching a project page in the background (needs a tokio runtime;
    /// without one this does nothing).
    pub fn prefetch_project(&self, name: &PackageName) {
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let this = self.clone();
            let name = name.clone();
            handle.spawn(async move {
                let _ = this.project(&name).await;
            });
        }
    }

    /// True when the metadata of the preferred one of `files` is in the disk cache, so that
    /// reading it later costs no request (prefetching it would only spend CPU on parsing).
    pub fn metadata_on_disk(&self, files: &[DistFile]) -> bool {
        files
            .first()
            .filter(|f| f.sha256.is_some())
            .and_then(|f| self.metadata_path(f))
            .is_some_and(|path| path.exists())
    }

    /// Where the disk cache keeps `file`'s metadata: keyed by the file's sha256 (a file
    /// never changes), else by its URL.
    fn metadata_path(&self, file: &DistFile) -> Option<PathBuf> {
        let key = match &file.sha256 {
            Some(h) => format!("sha256:{h}"),
            None => format!("url:{}", file.url),
        };
        Some(self.inner.cache.as_ref()?.metadata_path(&key))
    }

    /// Starts fetching a version's metadata in the background.
    pub fn prefetch_metadata(&self, name: &PackageName, version: &Version, files: Vec<DistFile>) {
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let this = self.clone();
            let name = name.clone();
            let version = version.clone();
            handle.spawn(async move {
                let _ = this.metadata_without_build(&name, &version, &files).await;
            });
        }
    }

    /// The sha256 of the file at `url` (a direct reference such as `name @ https://…/x.whl`),
    /// read in full: from disk for `file://`, else downloaded and hashed on the way.
    pub async fn file_sha256(&self, url: &str) -> Result<String, IndexError> {
        let parsed = Url::parse(url).map_err(|e| IndexError::InvalidLocation {
            location: redact_str(url),
            reason: e.to_string(),
        })?;
        if parsed.scheme() == "file" {
            let mut local = open_local(&parsed)?;
            let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
            std::io::copy(&mut local.file, &mut hasher).map_err(|e| IndexError::Io {
                path: redact(&parsed),
                message: e.to_string(),
            })?;
            return Ok(hex::encode(sha2::Digest::finalize(hasher)));
        }
        // The answer is kept for `--offline`, which cannot read the file; online the file
        // is always read, since what a URL serves can change.
        let cached_at = self
            .disk_cache()
            .map(|c| c.metadata_path(&format!("url-sha256:{}", parsed.as_str())));
        if self.is_offline() {
            let cached = cached_at
                .as_ref()
                .and_then(|at| self.disk_cache()?.read(at))
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            if let Some(sha256) = cached {
                return Ok(sha256);
            }
        }
        let sha256 = self
            .inner
            .http
            .download(&parsed, MAX_DOWNLOAD)
            .await?
            .sha256;
        if let (Some(cache), Some(at)) = (self.disk_cache(), &cached_at) {
            cache.write_metadata(at, sha256.as_bytes());
        }
        Ok(sha256)
    }

    /// Saves `file` at `dest` and returns its sha256, checked against the index's when it
    /// published one: the wheels of a build environment, installed with `--require-hashes`.
    pub async fn download(&self, file: &DistFile, dest: &Path) -> Result<String, IndexError> {
        let url = Url::parse(&file.url).map_err(|e| IndexError::InvalidLocation {
            location: redact_str(&file.url),
            reason: e.to_string(),
        })?;
        let local = if url.scheme() == "file" {
            open_local(&url)?
        } else {
            let download = self.inner.http.download(&url, MAX_DOWNLOAD).await?;
            LocalFile {
                file: download.file,
                len: download.len,
            }
        };
        let dest = dest.to_path_buf();
        let copied = tokio::task::spawn_blocking(move || copy_hashed(local.file, &dest))
            .await
            .map_err(|e| IndexError::Io {
                path: redact(&url),
                message: e.to_string(),
            })?;
        let sha256 = copied.map_err(|e| IndexError::Io {
            path: redact(&url),
            message: e.to_string(),
        })?;
        verify(file, &url, &sha256)?;
        Ok(sha256)
    }

    // -----------------------------------------------------------------------
    // Project pages

    async fn fetch_project(&self, name: &PackageName) -> Result<ProjectFiles, IndexError> {
        let mut files: Vec<DistFile> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut interner = lockit_types::PageInterner::default();
        let first_index = self.inner.index_strategy == IndexStrategy::FirstIndex;
        // One page gives every file: it is read release by release, as the solver asks.
        let single_page = first_index && self.inner.find_links.is_empty();
        for index in &self.inner.indexes {
            let label: Arc<str> = index.label.as_str().into();
            if first_index {
                match self.cached_project(index, name, &label) {
                    Some(Some(project)) if single_page => return Ok(project),
                    Some(Some(project)) => {
                        files = project.files().cloned().collect();
                        break;
                    }
                    Some(None) => continue,
                    None => {}
                }
            }
            let (raw, encoded) = self.index_page(index, name).await?;
            if let (true, Some(links)) = (single_page, &raw) {
                let bytes = encoded.unwrap_or_else(|| encode_links(0, Some(links), Some(name)));
                let lazy = decode_lazy(bytes, name, &label, self.cutoff(name));
                if let Some(project) = lazy.and_then(|page| page.project) {
                    return Ok(project);
                }
                // Not reached: a page always decodes as it was just encoded.
                tracing::warn!("the page of {name} did not read back; using its links");
            }
            if let Some(raw) = raw {
                files.reserve(raw.len());
                // The same filename on a later index is shadowed by the earlier one
                // (with first-index, no later index is read).
                let mut names = Vec::new();
                for r in raw {
                    if seen.contains(&r.filename) {
                        continue;
                    }
                    if !first_index {
                        names.push(r.filename.clone());
                    }
                    if let Some(file) = r.into_dist_file(name, &label, &mut interner) {
                        files.push(file);
                    }
                }
                seen.extend(names);
                if first_index {
                    break;
                }
            }
        }
        for (i, entry) in self.inner.find_links.iter().enumerate() {
            let raw = self.find_links_page(i).await?;
            let label = match entry {
                FindLinks::Dir(path) => path.display().to_string(),
                FindLinks::Page { label, .. } => label.clone(),
            };
            for file in raw.iter().filter_map(|r| r.to_dist_file(name, &label)) {
                if !files.iter().any(|f| f.url == file.url) {
                    files.push(file);
                }
            }
        }
        if let Some(cutoff) = self.cutoff(name) {
            files.retain(|f| f.upload_time.is_none_or(|t| t <= cutoff));
        }
        Ok(ProjectFiles::new(name.clone(), files))
    }

    /// The upload cutoff for `name`: its own `--exclude-newer-package`, else the global one.
    pub fn cutoff(&self, name: &PackageName) -> Option<jiff::Timestamp> {
        self.inner
            .exclude_newer_packages
            .get(name)
            .copied()
            .or(self.inner.exclude_newer)
    }

    /// True when the cached pages of `name` (`None`: a find-links page) are not to be used:
    /// `--refresh`, or `--refresh-package NAME`.
    fn refreshes(&self, name: Option<&PackageName>) -> bool {
        self.inner.refresh || name.is_some_and(|n| self.inner.refresh_packages.contains(n))
    }

    /// True when a page of `name` (`None`: a find-links page) fetched at `fetched_at` may
    /// be used without asking again: it postdates the cutoff, or it is young enough.
    fn is_fresh(&self, name: Option<&PackageName>, fetched_at: jiff::Timestamp) -> bool {
        let cutoff = match name {
            Some(name) => self.cutoff(name),
            None => self.inner.exclude_newer,
        };
        if cutoff.is_some_and(|cutoff| fetched_at > cutoff) {
            return true;
        }
        jiff::Timestamp::now().duration_since(fetched_at) < PAGE_TTL
    }

    /// `index`'s cached page for `name` when it may be used now, read lazily (`Some(None)`:
    /// the index said it does not know the project); `None` when the page must be fetched.
    fn cached_project(
        &self,
        index: &Index,
        name: &PackageName,
        label: &Arc<str>,
    ) -> Option<Option<ProjectFiles>> {
        let cache = self.inner.cache.as_ref()?;
        if index.url.scheme() == "file" {
            return None;
        }
        let path = cache.page_path(&index.label, name.as_ref());
        let page = cache.read_lazy_page(&path, name, label, self.cutoff(name))?;
        let fetched_at = timestamp_ms(page.fetched_at_ms);
        let usable = self.inner.offline
            || (!self.refreshes(Some(name)) && self.is_fresh(Some(name), fetched_at));
        usable.then_some(page.project)
    }

    /// A cached page that may be used now, if any.
    fn cached_page(&self, path: &Path, project: Option<&PackageName>) -> Option<CachedPage> {
        let cache = self.inner.cache.as_ref()?;
        let page = cache.read_page(path, project)?;
        if self.inner.offline
            || (!self.refreshes(project) && self.is_fresh(project, page.fetched_at()))
        {
            Some(page)
        } else {
            None
        }
    }

    /// Encodes a page just fetched and stores it; returns the encoded bytes.
    fn store_page(
        &self,
        path: Option<&Path>,
        files: Option<&[RawFile]>,
        project: Option<&PackageName>,
    ) -> Vec<u8> {
        let now = jiff::Timestamp::now().as_millisecond();
        let bytes = encode_links(now, files, project);
        // A page without a single link is more often a login or portal page answering 200
        // than a real project: cheap to ask again, wrong to remember.
        if files.is_some_and(<[RawFile]>::is_empty) {
            return bytes;
        }
        if let (Some(_), Some(path)) = (&self.inner.cache, path) {
            crate::cache::write_entry(path, &bytes);
        }
        bytes
    }

    /// The links on one index's page for `name` (`None` when the index does not know it),
    /// and, when they were just fetched, the page as [`encode_links`] encodes it.
    async fn index_page(
        &self,
        index: &Index,
        name: &PackageName,
    ) -> Result<(Option<Vec<RawFile>>, Option<Vec<u8>>), IndexError> {
        let url = index
            .url
            .join(&format!("{name}/"))
            .map_err(|e| IndexError::InvalidLocation {
                location: index.label.clone(),
                reason: e.to_string(),
            })?;
        if url.scheme() == "file" {
            return Ok((local_index_page(&url)?, None));
        }
        let path = self
            .inner
            .cache
            .as_ref()
            .map(|c| c.page_path(&index.label, name.as_ref()));
        if let Some(page) = path
            .as_deref()
            .and_then(|p| self.cached_page(p, Some(name)))
        {
            return Ok((page.files, None));
        }
        if self.inner.offline {
            return Err(IndexError::offline(&url));
        }
        let files = match self.inner.http.page(&url, simple::ACCEPT, MAX_PAGE).await? {
            None => None,
            Some(page) => Some(parse_page(
                &page.body,
                page.content_type.as_deref(),
                &page.url,
            )?),
        };
        let bytes = self.store_page(path.as_deref(), files.as_deref(), Some(name));
        Ok((files, Some(bytes)))
    }

    async fn find_links_page(&self, i: usize) -> Result<Arc<Vec<RawFile>>, IndexError> {
        let (Some(entry), Some(cell)) = (
            self.inner.find_links.get(i),
            self.inner.find_links_pages.get(i),
        ) else {
            return Ok(Arc::new(Vec::new()));
        };
        cell.get_or_init(|| async {
            match entry {
                FindLinks::Dir(path) => list_directory(path).map(Arc::new),
                FindLinks::Page { url, label } => {
                    let path = self
                        .inner
                        .cache
                        .as_ref()
                        .map(|c| c.page_path(label, "find-links"));
                    if let Some(page) = path.as_deref().and_then(|p| self.cached_page(p, None)) {
                        return Ok(Arc::new(page.files.unwrap_or_default()));
                    }
                    if self.inner.offline {
                        return Err(IndexError::offline(url));
                    }
                    let page = self
                        .inner
                        .http
                        .page(url, "text/html", MAX_PAGE)
                        .await?
                        .ok_or_else(|| IndexError::status(url, 404))?;
                    let files = Some(simple::parse_html(&page.body, &page.url));
                    self.store_page(path.as_deref(), files.as_deref(), None);
                    Ok(Arc::new(files.into_iter().flatten().collect()))
                }
            }
        })
        .await
        .clone()
    }

    // -----------------------------------------------------------------------
    // Metadata

    /// `Ok(None)`: only a build would tell, and `may_build` is false.
    async fn fetch_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        files: &[DistFile],
        may_build: bool,
    ) -> Result<Option<CoreMetadata>, IndexError> {
        let mut reasons: Vec<FileProblem> = Vec::new();
        let mut build_error = None;
        // Any wheel's METADATA serves the version; sdists only when there is no usable wheel.
        let ordered = files
            .iter()
            .filter(|f| f.filename.is_wheel())
            .chain(files.iter().filter(|f| !f.filename.is_wheel()));
        for file in ordered {
            match self.file_metadata(name, version, file, may_build).await {
                Ok(meta) => return Ok(meta),
                // A build that failed or was forbidden says more than the files before it.
                Err(e @ (IndexError::BuildFailed { .. } | IndexError::BuildDisabled { .. })) => {
                    build_error.get_or_insert(e);
                }
                Err(e) if e.is_unavailable() => reasons.extend(e.file_problems()),
                Err(e) => return Err(e),
            }
        }
        // Unless a wheel's own metadata is at fault: then the release has a wheel, and the
        // sdist beside it is no news (torchsde 0.2.5's wheel says `numpy (>=1.19.*)`).
        let wheel_invalid = reasons
            .iter()
            .any(|p| matches!(p, FileProblem::Invalid(bad) if bad.wheel));
        if let Some(e) = build_error.filter(|_| !wheel_invalid) {
            return Err(e);
        }
        if reasons.is_empty() {
            reasons.push(FileProblem::NoFiles);
        }
        Err(IndexError::MetadataUnavailable {
            name: name.to_string(),
            version: version.to_string(),
            files: reasons,
        })
    }

    async fn file_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        file: &DistFile,
        may_build: bool,
    ) -> Result<Option<CoreMetadata>, IndexError> {
        let url =
            Url::parse(&file.url).map_err(|e| self.bad(name, version, file, e.to_string()))?;
        let cache_path = self.metadata_path(file);
        let cache = self.inner.cache.as_ref();
        if let Some(meta) = self.cached_metadata(name, version, file) {
            return Ok(Some(meta));
        }
        // A file never changes, so neither does "its metadata is unusable": remember that too
        // (why, typed), or an offline run would ask the network for what an online run
        // already rejected. An entry that does not read as reasons is ignored.
        let unusable_path = cache_path.as_ref().map(|p| p.with_extension("unusable"));
        if let Some(files) = unusable_path
            .as_deref()
            .and_then(|p| cache.and_then(|c| c.read(p)))
            .and_then(|bytes| serde_json::from_slice::<Vec<FileProblem>>(&bytes).ok())
        {
            return Err(IndexError::MetadataUnavailable {
                name: name.to_string(),
                version: version.to_string(),
                files,
            });
        }
        // Likewise "only a build gives its metadata", so that a warm run knows it without
        // reading the sdist again (and `--offline --no-build` can say so).
        let needs_build_path = cache_path
            .as_ref()
            .filter(|_| file.sha256.is_some())
            .map(|p| p.with_extension("needs-build"));
        let known = needs_build_path
            .as_deref()
            .and_then(|p| cache.and_then(|c| c.read(p)))
            .and_then(|bytes| serde_json::from_slice::<Vec<StaticGap>>(&bytes).ok());
        let (sdist, why) = match known {
            Some(why) => (None, why),
            None => match self.metadata_bytes(name, version, file, &url).await {
                Ok(Fetched::Metadata(bytes, meta)) => {
                    if let (Some(cache), Some(path)) = (cache, &cache_path) {
                        cache.write_metadata(path, &bytes);
                    }
                    return Ok(Some(meta));
                }
                Ok(Fetched::NeedsBuild { sdist, why }) => {
                    if let (Some(_), Some(path), Ok(json)) =
                        (cache, &needs_build_path, serde_json::to_vec(&why))
                    {
                        crate::cache::write_entry(path, &json);
                    }
                    (Some(sdist), why)
                }
                Err(e) if e.is_unavailable() && file.sha256.is_some() => {
                    if let (Some(_), Some(path), Ok(json)) = (
                        cache,
                        &unusable_path,
                        serde_json::to_vec(&e.file_problems()),
                    ) {
                        crate::cache::write_entry(path, &json);
                    }
                    return Err(e);
                }
                Err(e) => return Err(e),
            },
        };
        self.build_metadata(name, version, file, &url, sdist, &why, may_build)
            .await
    }

    /// `file`'s metadata from the disk cache, when it is there and is this version's.
    fn cached_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        file: &DistFile,
    ) -> Option<CoreMetadata> {
        let cache = self.inner.cache.as_ref()?;
        let path = self.metadata_path(file)?;
        let bytes = cache.read(&path)?;
        match self.check(name, version, file, parse_metadata(&bytes)) {
            Ok(meta) => Some(meta),
            // Whole and checksummed but not this version's metadata: refetch it.
            Err(e) => {
                cache.drop_entry(&path, &e.to_string());
                None
            }
        }
    }

    /// Metadata from building the sdist `file` (`sdist`: its bytes when already at hand),
    /// whose static metadata is missing for the reason `why`. `Ok(None)` when a build is
    /// allowed but `may_build` is false.
    #[allow(clippy::too_many_arguments)]
    async fn build_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        file: &DistFile,
        url: &Url,
        sdist: Option<LocalFile>,
        why: &[StaticGap],
        may_build: bool,
    ) -> Result<Option<CoreMetadata>, IndexError> {
        let Some(builder) = self.inner.builder.clone() else {
            return Err(IndexError::MetadataUnavailable {
                name: name.to_string(),
                version: version.to_string(),
                files: vec![FileProblem::NoStaticMetadata {
                    file: redact(url),
                    gaps: why.to_vec(),
                }],
            });
        };
        if let Some(flag) = self.inner.build_policy.forbidding(name) {
            return Err(IndexError::BuildDisabled {
                name: name.to_string(),
                version: version.to_string(),
                flag,
            });
        }
        if !may_build {
            return Ok(None);
        }
        // One build per sdist, even when several processes share the cache: the first takes
        // the lock and builds, the others wait and then read what it cached.
        let cache_path = self.metadata_path(file).filter(|_| file.sha256.is_some());
        let _lock = match &cache_path {
            Some(path) => Some(
                lock_exclusive(path.with_extension("build-lock"))
                    .await
                    .map_err(|e| IndexError::Io {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    })?,
            ),
            None => None,
        };
        if let Some(meta) = self.cached_metadata(name, version, file) {
            return Ok(Some(meta));
        }
        let sdist = match sdist {
            Some(sdist) => sdist,
            None => self.sdist_file(file, url).await?,
        };
        tracing::debug!("building the metadata of {name} {version} ({why:?})");
        let filename = lockit_types::url_file_name(&file.url);
        let (client, owned_name, owned_version) = (self.clone(), name.clone(), version.clone());
        let built = tokio::task::spawn_blocking(move || {
            builder.build(&client, &owned_name, &owned_version, sdist.file, &filename)
        })
        .await
        .unwrap_or_else(|e| Err(MetadataBuildError::Panicked(e.to_string())));
        let bytes = built.map_err(|e| IndexError::BuildFailed {
            name: name.to_string(),
            version: version.to_string(),
            reason: e.into_failure(),
        })?;
        let meta = self.check(name, version, file, parse_metadata(&bytes))?;
        if let (Some(cache), Some(path)) = (&self.inner.cache, &cache_path) {
            cache.write_metadata(path, &bytes);
        }
        Ok(Some(meta))
    }

    fn bad(
        &self,
        name: &PackageName,
        version: &Version,
        file: &DistFile,
        reason: String,
    ) -> IndexError {
        bad_metadata(name, version, invalid(file, None, reason))
    }

    /// Checks that parsed metadata is for the version asked about.
    fn check(
        &self,
        name: &PackageName,
        version: &Version,
        file: &DistFile,
        parsed: Result<CoreMetadata, lockit_types::MetadataError>,
    ) -> Result<CoreMetadata, IndexError> {
        checked(name, version, file, parsed).map_err(|bad| bad_metadata(name, version, bad))
    }

    /// Fetches and validates metadata; returns the bytes to cache with the result, or the
    /// sdist when only a build can give its metadata.
    async fn metadata_bytes(
        &self,
        name: &PackageName,
        version: &Version,
        file: &DistFile,
        url: &Url,
    ) -> Result<Fetched, IndexError> {
        let parse = |bytes: &[u8]| -> Result<CoreMetadata, lockit_types::MetadataError> {
            if file.filename.is_wheel() {
                parse_metadata(bytes)
            } else {
                parse_sdist_pkg_info(bytes)
            }
        };
        // (1) PEP 658/714 `.metadata` next to the file.
        if let Some(expected) = &file.core_metadata {
            let meta_url = Url::parse(&format!("{}.metadata", file.url))
                .map_err(|e| self.bad(name, version, file, e.to_string()))?;
            let fetched = if meta_url.scheme() == "file" {
                read_local(&meta_url, MAX_METADATA)
            } else {
                self.inner
                    .http
                    .bytes(&meta_url, MAX_METADATA, "a metadata file")
                    .await
            };
            match fetched {
                Ok(bytes) => {
                    if let Some(expected) = expected {
                        let actual = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
                        if &actual != expected {
                            return Err(IndexError::HashMismatch {
                                url: redact(&meta_url),
                                expected: expected.clone(),
                                actual,
                            });
                        }
                    }
                    let meta = self.check(name, version, file, parse(&bytes))?;
                    return Ok(Fetched::Metadata(bytes, meta));
                }
                // The index advertised a file it does not have: read the distribution instead.
                Err(IndexError::Status { status: 404, .. }) => {}
                Err(e) => return Err(e),
            }
        }
        match &file.filename {
            // (2) The wheel's `.dist-info/METADATA`, by range requests when possible.
            DistFilename::Wheel(wheel) => {
                let prefix = format!(
                    "{}-{}.dist-info/",
                    wheel.name.as_dist_info_name(),
                    wheel.version
                );
                let bytes = self
                    .wheel_metadata(file, url, &prefix)
                    .await
                    .map_err(|e| match e {
                        ZipError::Source(e) => e,
                        ZipError::Format(reason) => self.bad(name, version, file, reason),
                    })?;
                let meta = self.check(name, version, file, parse_metadata(&bytes))?;
                Ok(Fetched::Metadata(bytes, meta))
            }
            // (3) An sdist's PKG-INFO, or a static pyproject.toml.
            DistFilename::Sdist(sdist) => {
                let unavailable = |problem: FileProblem| IndexError::MetadataUnavailable {
                    name: name.to_string(),
                    version: version.to_string(),
                    files: vec![problem],
                };
                let (found, local) = match sdist.extension {
                    SdistExtension::TarGz | SdistExtension::Zip => {
                        self.sdist_files(name, version, file, url, sdist.extension)
                            .await?
                    }
                    SdistExtension::Tar => {
                        return Err(unavailable(FileProblem::ArchiveFormat {
                            file: redact(url),
                        }))
                    }
                    SdistExtension::Directory => {
                        return Err(unavailable(FileProblem::LocalProject { file: redact(url) }))
                    }
                };
                let mut why = Vec::new();
                if let Some(pkg_info) = found.pkg_info {
                    match checked(name, version, file, parse_sdist_pkg_info(&pkg_info)) {
                        Ok(meta) => return Ok(Fetched::Metadata(pkg_info, meta)),
                        Err(bad) => why.push(StaticGap::PkgInfo(bad)),
                    }
                } else {
                    why.push(StaticGap::NoPkgInfo);
                }
                if let Some(pyproject) = found.pyproject {
                    match sdist::metadata_from_pyproject(&pyproject, name, version) {
                        Ok(bytes) => {
                            let meta = self.check(name, version, file, parse_metadata(&bytes))?;
                            return Ok(Fetched::Metadata(bytes, meta));
                        }
                        Err(e) => why.push(StaticGap::Pyproject(e)),
                    }
                } else {
                    why.push(StaticGap::NoPyproject);
                }
                Ok(Fetched::NeedsBuild { sdist: local, why })
            }
        }
    }

    async fn wheel_metadata(
        &self,
        file: &DistFile,
        url: &Url,
        prefix: &str,
    ) -> Result<Vec<u8>, ZipError> {
        if url.scheme() == "file" {
            let mut src = open_local(url).map_err(ZipError::Source)?;
            return metadata_from_zip(&mut src, None, prefix).await;
        }
        let tail = self
            .inner
            .http
            .tail(url, file.size, zipread::TAIL_SIZE, MAX_DOWNLOAD)
            .await
            .map_err(ZipError::Source)?;
        match tail {
            Tail::Partial {
                bytes,
                start,
                total,
            } => {
                let mut src = HttpRange {
                    http: &self.inner.http,
                    url,
                    len: total,
                };
                metadata_from_zip(&mut src, Some((bytes, start)), prefix).await
            }
            Tail::Full(download) => {
                verify(file, url, &download.sha256).map_err(ZipError::Source)?;
                let mut src = LocalFile {
                    file: download.file,
                    len: download.len,
                };
                metadata_from_zip(&mut src, None, prefix).await
            }
        }
    }

    /// The sdist `file`, from disk for `file://` URLs, else downloaded and checked against
    /// the index's sha256.
    async fn sdist_file(&self, file: &DistFile, url: &Url) -> Result<LocalFile, IndexError> {
        if url.scheme() == "file" {
            return open_local(url);
        }
        let download = self.inner.http.download(url, MAX_DOWNLOAD).await?;
        verify(file, url, &download.sha256)?;
        Ok(LocalFile {
            file: download.file,
            len: download.len,
        })
    }

    /// The sdist's static-metadata files, and the sdist itself for a build.
    async fn sdist_files(
        &self,
        name: &PackageName,
        version: &Version,
        file: &DistFile,
        url: &Url,
        extension: SdistExtension,
    ) -> Result<(sdist::SdistFiles, LocalFile), IndexError> {
        let local = self.sdist_file(file, url).await?;
        let bad = |reason: String| self.bad(name, version, file, reason);
        let io = |e: std::io::Error| IndexError::Io {
            path: redact(url),
            message: e.to_string(),
        };
        let keep = LocalFile {
            file: local.file.try_clone().map_err(io)?,
            len: local.len,
        };
        let found = match extension {
            SdistExtension::Zip => {
                let mut src = local;
                sdist::read_zip(&mut src, MAX_METADATA)
                    .await
                    .map_err(|e| match e {
                        ZipError::Source(e) => e,
                        ZipError::Format(r) => bad(r),
                    })?
            }
            _ => {
                let mut f = local.file;
                let read = tokio::task::spawn_blocking(move || {
                    use std::io::{Seek, SeekFrom};
                    f.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
                    sdist::read_tar_gz(std::io::BufReader::new(f), MAX_ENTRY)
                })
                .await
                .map_err(|e| bad(e.to_string()))?;
                read.map_err(bad)?
            }
        };
        Ok((found, keep))
    }
}

/// What reading a file's metadata gave.
enum Fetched {
    /// The metadata bytes (to cache) and their parse.
    Metadata(Vec<u8>, CoreMetadata),
    /// An sdist without static metadata (`why`): only a build can tell.
    NeedsBuild {
        sdist: LocalFile,
        why: Vec<StaticGap>,
    },
}

/// What is wrong with `file`'s metadata, typed: the file (redacted), the field at fault.
fn invalid(file: &DistFile, field: Option<&str>, problem: String) -> InvalidMetadata {
    InvalidMetadata {
        file: redact_str(&file.url),
        wheel: file.filename.is_wheel(),
        field: field.map(str::to_string),
        problem,
    }
}

fn bad_metadata(name: &PackageName, version: &Version, invalid: InvalidMetadata) -> IndexError {
    IndexError::BadMetadata {
        name: name.to_string(),
        version: version.to_string(),
        invalid: Box::new(invalid),
    }
}

/// `parsed`, when it parsed and is the metadata of `name` `version`.
fn checked(
    name: &PackageName,
    version: &Version,
    file: &DistFile,
    parsed: Result<CoreMetadata, lockit_types::MetadataError>,
) -> Result<CoreMetadata, InvalidMetadata> {
    let meta = parsed.map_err(|e| {
        let field = match &e {
            lockit_types::MetadataError::Field { field, .. } => Some(*field),
            _ => None,
        };
        invalid(file, field, e.to_string())
    })?;
    if &meta.name != name || &meta.version != version {
        return Err(invalid(
            file,
            None,
            format!("the metadata is for `{}` {}", meta.name, meta.version),
        ));
    }
    Ok(meta)
}

/// Core metadata from an index, parsed with a guard: METADATA is UTF-8 (PEP 566), and
/// python-pkginfo's RFC 2047 decoder panics (aborting the process, as it happens inside
/// formatting) on an encoded word such as `=?\xff?B??=` that is not, so anything that is
/// not UTF-8 is replaced before parsing. Found by fuzz/core_metadata.
pub(crate) fn parse_metadata(bytes: &[u8]) -> Result<CoreMetadata, lockit_types::MetadataError> {
    match std::str::from_utf8(bytes) {
        Ok(_) => CoreMetadata::parse(bytes),
        Err(_) => CoreMetadata::parse(String::from_utf8_lossy(bytes).as_bytes()),
    }
}

/// [`parse_metadata`] for an sdist's `PKG-INFO`.
pub(crate) fn parse_sdist_pkg_info(
    bytes: &[u8],
) -> Result<CoreMetadata, lockit_types::MetadataError> {
    match std::str::from_utf8(bytes) {
        Ok(_) => CoreMetadata::parse_sdist_pkg_info(bytes),
        Err(_) => CoreMetadata::parse_sdist_pkg_info(String::from_utf8_lossy(bytes).as_bytes()),
    }
}

/// Copies `from` (from its start) to a new file `to` and returns the sha256 of the bytes.
fn copy_hashed(mut from: std::fs::File, to: &Path) -> std::io::Result<String> {
    use std::io::{Read, Seek, SeekFrom, Write};
    from.seek(SeekFrom::Start(0))?;
    let mut out = std::fs::File::create(to)?;
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha2::Digest::update(&mut hasher, &buf[..n]);
        out.write_all(&buf[..n])?;
    }
    Ok(hex::encode(sha2::Digest::finalize(hasher)))
}

/// Checks a whole download against the index's hash.
fn verify(file: &DistFile, url: &Url, actual: &str) -> Result<(), IndexError> {
    match &file.sha256 {
        Some(expected) if !expected.eq_ignore_ascii_case(actual) => Err(IndexError::HashMismatch {
            url: redact(url),
            expected: expected.clone(),
            actual: actual.to_string(),
        }),
        _ => Ok(()),
    }
}

/// A small local file, as `Http::bytes` would fetch it (missing = 404).
fn read_local(url: &Url, limit: u64) -> Result<Vec<u8>, IndexError> {
    let mut local = match open_local(url) {
        Ok(l) => l,
        Err(IndexError::Io { .. }) if local_path(url).is_ok_and(|p| !p.exists()) => {
            return Err(IndexError::status(url, 404))
        }
        Err(e) => return Err(e),
    };
    if local.len > limit {
        return Err(IndexError::too_large(url, limit, "a metadata file"));
    }
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut local.file, &mut out).map_err(|e| IndexError::Io {
        path: url.to_string(),
        message: e.to_string(),
    })?;
    Ok(out)
}

fn open_local(url: &Url) -> Result<LocalFile, IndexError> {
    let path = local_path(url)?;
    let io = |e: std::io::Error| IndexError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(&path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    Ok(LocalFile { file, len })
}

async fn metadata_from_zip<S: RangeSource>(
    src: &mut S,
    tail: Option<(Vec<u8>, u64)>,
    prefix: &str,
) -> Result<Vec<u8>, ZipError> {
    let entries = zipread::list_entries(src, tail).await?;
    let entry = zipread::find_metadata_entry(&entries, prefix)
        .ok_or("the wheel has no `.dist-info/METADATA`")?
        .clone();
    zipread::read_entry(src, &entry, MAX_METADATA).await
}

/// Range reads of a remote file whose server honours `Range`.
struct HttpRange<'a> {
    http: &'a Http,
    url: &'a Url,
    len: u64,
}

impl RangeSource for HttpRange<'_> {
    fn len(&self) -> u64 {
        self.len
    }
    async fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, ZipError> {
        self.http
            .range(self.url, start, end)
            .await
            .map_err(ZipError::Source)
    }
}

/// Parses a project page as JSON or HTML, by content type (or first byte when absent).
fn parse_page(
    body: &[u8],
    content_type: Option<&str>,
    url: &Url,
) -> Result<Vec<RawFile>, IndexError> {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let is_json = ct.contains("json")
        || (ct.is_empty() && body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'));
    if is_json {
        simple::parse_json(body, url).map_err(|reason| IndexError::BadPage {
            url: redact(url),
            reason,
        })
    } else {
        // PEP 503 pages are UTF-8 text: binary garbage is a broken server or proxy, not
        // a page without links.
        if std::str::from_utf8(body).is_err() || body.contains(&0) {
            return Err(IndexError::BadPage {
                url: redact(url),
                reason: "the HTML page is not UTF-8 text".into(),
            });
        }
        Ok(simple::parse_html(body, url))
    }
}

/// A `file://` index: `<dir>/<name>/index.html`, or the directory's files.
fn local_index_page(url: &Url) -> Result<Option<Vec<RawFile>>, IndexError> {
    let dir = local_path(url)?;
    if !dir.is_dir() {
        return Ok(None);
    }
    let index = dir.join("index.html");
    if index.is_file() {
        let body = std::fs::read(&index).map_err(|e| IndexError::Io {
            path: index.display().to_string(),
            message: e.to_string(),
        })?;
        return parse_page(&body, Some("text/html"), url).map(Some);
    }
    list_directory(&dir).map(Some)
}

/// The files in a local find-links directory, sorted by name.
fn list_directory(dir: &Path) -> Result<Vec<RawFile>, IndexError> {
    let io = |e: std::io::Error| IndexError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let dir = std::path::absolute(dir).map_err(io)?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if !entry.file_type().map_err(io)?.is_file() {
            continue;
        }
        let Some(filename) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Ok(url) = Url::from_file_path(entry.path()) else {
            continue;
        };
        files.push(RawFile {
            filename,
            url: url.to_string(),
            sha256: None,
            requires_python: None,
            yanked: None,
            upload_time: None,
            size: entry.metadata().ok().map(|m| m.len()),
            core_metadata: None,
        });
    }
    files.sort_by(|a, b| a.filename.cmp(&b.filename));
    Ok(files)
}

/// The core metadata the disk cache at `cache_dir` holds for the file whose sha256 (hex)
/// is `sha256`, read without any request: a lock's `--hash` lines name the files whose
/// metadata a resolution cached, so `lockit tree` can annotate a lock offline.
pub fn cached_metadata_by_hash(cache_dir: &Path, sha256: &str) -> Option<CoreMetadata> {
    let cache = DiskCache::new(cache_dir.to_path_buf(), false);
    let key = format!("sha256:{}", sha256.to_ascii_lowercase());
    let bytes = cache.read(&cache.metadata_path(&key))?;
    parse_metadata(&bytes).ok()
}
