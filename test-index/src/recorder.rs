//! The recording proxy: answers like an index, fetching each page and file from an upstream
//! index on demand and storing it in the fixture layout that [`crate::TestIndex::serve_recorded`]
//! replays.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::backend::Backend;
use crate::model::{self, Project};
use crate::recorded::{is_safe_component, read_page};
use lockit_types::normalize_name;

/// Settings of a recording session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOptions {
    /// The upstream Simple API root, e.g. `https://pypi.org/simple/`.
    pub upstream: String,
    /// The fixture directory to write.
    pub out: PathBuf,
    /// Files uploaded after this RFC 3339 instant are left out of recorded pages.
    pub exclude_newer: Option<String>,
    /// The local port (0 for an ephemeral one).
    pub port: u16,
}

pub(crate) struct Recorder {
    upstream: url::Url,
    out: PathBuf,
    exclude_newer: Option<jiff::Timestamp>,
    client: reqwest::Client,
    // Taken in Drop: a runtime must be shut down in the background if the last reference
    // goes away inside a test's own async runtime.
    rt: Option<tokio::runtime::Runtime>,
    /// Filename to upstream URL, learnt from the pages fetched in this session.
    urls: Mutex<HashMap<String, url::Url>>,
}

fn invalid_input(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

impl Recorder {
    pub fn new(opts: &RecordOptions) -> io::Result<Recorder> {
        let mut upstream = opts.upstream.clone();
        if !upstream.ends_with('/') {
            upstream.push('/');
        }
        let upstream = url::Url::parse(&upstream)
            .map_err(|e| invalid_input(format!("invalid upstream URL `{upstream}`: {e}")))?;
        let exclude_newer = opts
            .exclude_newer
            .as_deref()
            .map(|t| {
                jiff::Timestamp::from_str(t)
                    .map_err(|e| invalid_input(format!("invalid --exclude-newer `{t}`: {e}")))
            })
            .transpose()?;
        std::fs::create_dir_all(opts.out.join("simple"))?;
        std::fs::create_dir_all(opts.out.join("files"))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("lockit-test-index/", env!("CARGO_PKG_VERSION")));
        if matches!(
            upstream.host_str(),
            Some("127.0.0.1" | "localhost" | "[::1]")
        ) {
            builder = builder.no_proxy();
        }
        let client = {
            let _guard = rt.enter();
            builder
                .build()
                .map_err(|e| io::Error::other(e.to_string()))?
        };
        Ok(Recorder {
            upstream,
            out: opts.out.clone(),
            exclude_newer,
            client,
            rt: Some(rt),
            urls: Mutex::new(HashMap::new()),
        })
    }

    /// GETs `url`; `None` for 404, an error message for other failures.
    fn get(
        &self,
        url: &url::Url,
        accept: Option<&str>,
    ) -> Result<Option<(url::Url, Vec<u8>)>, String> {
        let rt = self.rt.as_ref().ok_or("the recorder is shutting down")?;
        let mut req = self.client.get(url.clone());
        if let Some(a) = accept {
            req = req.header(reqwest::header::ACCEPT, a);
        }
        rt.block_on(async {
            let resp = req
                .send()
                .await
                .map_err(|e| format!("upstream request `{url}` failed: {e}"))?;
            let status = resp.status();
            if status == reqwest::StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if !status.is_success() {
                return Err(format!("upstream `{url}` answered {status}"));
            }
            let final_url = resp.url().clone();
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| format!("reading upstream `{url}` failed: {e}"))?;
            Ok(Some((final_url, bytes.to_vec())))
        })
    }

    fn store(&self, rel: &Path, bytes: &[u8]) -> Result<(), String> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = self.out.join(rel);
        let tmp = path.with_file_name(format!(
            ".tmp-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
    }

    fn cutoff_allows(&self, upload_time: Option<&str>) -> bool {
        match (&self.exclude_newer, upload_time) {
            (Some(cutoff), Some(t)) => jiff::Timestamp::from_str(t).map_or(true, |t| t <= *cutoff),
            _ => true,
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl Backend for Recorder {
    fn project_names(&self) -> Result<Vec<String>, String> {
        // The upstream root can list half a million projects; list what was recorded.
        let dir = self.out.join("simple");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list `{}`: {e}", dir.display()))?
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".json")
                    .map(str::to_string)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    fn project(&self, name: &str) -> Result<Option<Project>, String> {
        if !is_safe_component(name) {
            return Ok(None);
        }
        let page_url = self
            .upstream
            .join(&format!("{name}/"))
            .map_err(|e| format!("cannot build the upstream URL of `{name}`: {e}"))?;
        let Some((final_url, bytes)) = self.get(&page_url, Some(model::JSON_MEDIA_TYPE))? else {
            return Ok(None);
        };
        let (page_name, files) =
            model::parse_project_json(&bytes).map_err(|e| format!("upstream `{page_url}`: {e}"))?;
        let mut project = Project {
            name: normalize_name(&page_name),
            files: Vec::new(),
        };
        let mut urls = HashMap::new();
        for f in files {
            if !self.cutoff_allows(f.entry.upload_time.as_deref()) {
                continue;
            }
            let Ok(mut url) = final_url.join(&f.url) else {
                continue;
            };
            url.set_fragment(None);
            urls.insert(f.entry.filename.clone(), url);
            project.files.push(f.entry);
        }
        project.sort_files();
        let text = model::project_fixture_json(&project, &|f| format!("../files/{f}"));
        self.store(
            &Path::new("simple").join(format!("{name}.json")),
            text.as_bytes(),
        )?;
        self.urls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(urls);
        // Serve what was stored, so the session sees exactly what a replay will.
        read_page(&self.out.join("simple").join(format!("{name}.json")))
    }

    fn file(&self, filename: &str) -> Result<Option<Arc<[u8]>>, String> {
        if !is_safe_component(filename) {
            return Ok(None);
        }
        let rel = Path::new("files").join(filename);
        if let Ok(bytes) = std::fs::read(self.out.join(&rel)) {
            return Ok(Some(Arc::from(bytes)));
        }
        let upstream = {
            let urls = self.urls.lock().unwrap_or_else(|e| e.into_inner());
            match (urls.get(filename), filename.strip_suffix(".metadata")) {
                (Some(u), _) => Some(u.clone()),
                (None, Some(dist)) => urls.get(dist).map(|u| {
                    let mut u = u.clone();
                    u.set_path(&format!("{}.metadata", u.path()));
                    u
                }),
                (None, None) => None,
            }
        };
        let Some(url) = upstream else {
            return Ok(None);
        };
        // Ranges are served from the stored copy: the whole file is fetched once.
        let Some((_, bytes)) = self.get(&url, None)? else {
            return Ok(None);
        };
        self.store(&rel, &bytes)?;
        Ok(Some(Arc::from(bytes)))
    }
}
