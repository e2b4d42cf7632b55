//! The client against a tiny canned HTTP server on 127.0.0.1.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lockit_index_client::{
    ClientOptions, DistFile, IndexClient, IndexError, PackageName, ProjectFiles, Version,
};
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------
// Test server

#[derive(Clone, Default)]
struct Route {
    body: Vec<u8>,
    content_type: String,
    /// Honour `Range` headers (Python's http.server does not).
    ranges: bool,
    /// Statuses to answer with before the real body, each with extra headers.
    failures: VecDeque<(u16, Vec<(String, String)>)>,
    status: Option<u16>,
}

#[derive(Debug, Clone)]
struct Logged {
    path: String,
    range: Option<String>,
    authorization: Option<String>,
    accept: Option<String>,
    status: u16,
}

#[derive(Clone, Default)]
struct Server {
    routes: Arc<Mutex<HashMap<String, Route>>>,
    log: Arc<Mutex<Vec<Logged>>>,
    base: String,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            base: format!("http://{}", listener.local_addr().unwrap()),
            ..Server::default()
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || s.handle(stream));
            }
        });
        server
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    fn file(&self, path: &str, body: Vec<u8>, ranges: bool) {
        self.route(
            path,
            Route {
                body,
                content_type: "application/octet-stream".into(),
                ranges,
                ..Route::default()
            },
        );
    }

    fn requests(&self, path: &str) -> Vec<Logged> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.path == path)
            .cloned()
            .collect()
    }

    fn handle(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut headers = HashMap::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 {
                    return;
                }
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                }
            }
            let (status, extra, body, content_type) = self.answer(&path, headers.get("range"));
            self.log.lock().unwrap().push(Logged {
                path: path.clone(),
                range: headers.get("range").cloned(),
                authorization: headers.get("authorization").cloned(),
                accept: headers.get("accept").cloned(),
                status,
            });
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: {content_type}\r\n",
                body.len()
            );
            for (k, v) in extra {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&body).is_err() {
                return;
            }
            let _ = stream.flush();
        }
    }

    fn answer(
        &self,
        path: &str,
        range: Option<&String>,
    ) -> (u16, Vec<(String, String)>, Vec<u8>, String) {
        let mut routes = self.routes.lock().unwrap();
        let Some(route) = routes.get_mut(path) else {
            return (404, vec![], b"not found".to_vec(), "text/plain".into());
        };
        if let Some((status, headers)) = route.failures.pop_front() {
            return (status, headers, b"try again".to_vec(), "text/plain".into());
        }
        let status = route.status.unwrap_or(200);
        let len = route.body.len() as u64;
        if let (true, Some(range)) = (route.ranges, range) {
            let spec = range.trim_start_matches("bytes=");
            let (a, b) = spec.split_once('-').unwrap();
            let (start, end) = if a.is_empty() {
                (len.saturating_sub(b.parse().unwrap()), len - 1)
            } else {
                let end = if b.is_empty() {
                    len - 1
                } else {
                    b.parse::<u64>().unwrap().min(len - 1)
                };
                (a.parse().unwrap(), end)
            };
            let body = route.body[start as usize..=end as usize].to_vec();
            let extra = vec![("Content-Range".into(), format!("bytes {start}-{end}/{len}"))];
            return (206, extra, body, route.content_type.clone());
        }
        (
            status,
            vec![],
            route.body.clone(),
            route.content_type.clone(),
        )
    }
}

// ---------------------------------------------------------------------------
// Fixtures

fn sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Every file of a project, in version order.
fn all(project: &ProjectFiles) -> Vec<DistFile> {
    project.files().cloned().collect()
}

fn name(s: &str) -> PackageName {
    PackageName::from_str(s).unwrap()
}

fn version(s: &str) -> Version {
    Version::from_str(s).unwrap()
}

fn metadata_text(n: &str, v: &str, deps: &[&str]) -> Vec<u8> {
    let mut s = format!("Metadata-Version: 2.1\nName: {n}\nVersion: {v}\n");
    for d in deps {
        s.push_str(&format!("Requires-Dist: {d}\n"));
    }
    s.push_str("\nDescription\n");
    s.into_bytes()
}

/// A wheel whose payload is large enough that range reads matter.
fn wheel(n: &str, v: &str, deps: &[&str]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file(format!("{n}/__init__.py"), deflated).unwrap();
    w.write_all(b"print('hi')\n").unwrap();
    w.start_file(format!("{n}/data.bin"), stored).unwrap();
    let noise: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    w.write_all(&noise).unwrap();
    w.start_file(format!("{n}-{v}.dist-info/METADATA"), deflated)
        .unwrap();
    w.write_all(&metadata_text(n, v, deps)).unwrap();
    w.start_file(format!("{n}-{v}.dist-info/RECORD"), deflated)
        .unwrap();
    w.finish().unwrap().into_inner()
}

fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, path, *data).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn options(server: &Server) -> ClientOptions {
    ClientOptions {
        index_urls: vec![server.url("/simple/")],
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        retries: 3,
        ..ClientOptions::default()
    }
}

fn json_page(files: &[serde_json::Value]) -> Route {
    Route {
        body: serde_json::to_vec(
            &serde_json::json!({"meta": {"api-version": "1.1"}, "name": "x", "files": files}),
        )
        .unwrap(),
        content_type: "application/vnd.pypi.simple.v1+json".into(),
        ..Route::default()
    }
}

fn html_page(html: String) -> Route {
    Route {
        body: html.into_bytes(),
        content_type: "text/html; charset=utf-8".into(),
        ..Route::default()
    }
}

// ---------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn json_page_and_metadata_file() {
    let server = Server::start();
    let meta = metadata_text("foo", "1.0", &["bar>=2"]);
    server.route(
        "/simple/foo/",
        json_page(&[
            serde_json::json!({"filename": "foo-1.0-py3-none-any.whl", "url": "../../files/foo-1.0-py3-none-any.whl",
                "hashes": {"sha256": sha256(b"wheel")}, "requires-python": ">=3.8", "upload-time": "2024-01-01T00:00:00Z",
                "core-metadata": {"sha256": sha256(&meta)}}),
            serde_json::json!({"filename": "foo-2.0.tar.gz", "url": "/files/foo-2.0.tar.gz", "hashes": {},
                "upload-time": "2025-06-01T00:00:00Z", "yanked": "broken"}),
            serde_json::json!({"filename": "other-1.0.tar.gz", "url": "/files/other-1.0.tar.gz", "hashes": {}}),
        ]),
    );
    server.file(
        "/files/foo-1.0-py3-none-any.whl.metadata",
        meta.clone(),
        false,
    );

    let client = IndexClient::new(options(&server)).unwrap();
    let project = client.project(&name("foo")).await.unwrap();
    assert_eq!(all(&project).len(), 2, "other projects' files are skipped");
    let wheel = &all(&project)[0];
    assert_eq!(wheel.url, server.url("/files/foo-1.0-py3-none-any.whl"));
    assert_eq!(&*wheel.index, server.url("/simple/"));
    assert!(all(&project)[1].yanked.is_yanked());
    let accept = server.requests("/simple/foo/")[0].accept.clone().unwrap();
    assert!(
        accept.starts_with("application/vnd.pypi.simple.v1+json"),
        "{accept}"
    );

    let m = client
        .metadata(&name("foo"), &version("1.0"), &all(&project)[..1])
        .await
        .unwrap();
    assert_eq!(m.requires_dist.len(), 1);
    // Only the .metadata file was fetched, never the wheel.
    assert!(server
        .requests("/files/foo-1.0-py3-none-any.whl")
        .is_empty());
    // Memoized: asking again makes no request.
    client
        .metadata(&name("foo"), &version("1.0"), &all(&project)[..1])
        .await
        .unwrap();
    client.project(&name("foo")).await.unwrap();
    assert_eq!(
        server
            .requests("/files/foo-1.0-py3-none-any.whl.metadata")
            .len(),
        1
    );
    assert_eq!(server.requests("/simple/foo/").len(), 1);

    // exclude-newer drops the later file.
    let mut opts = options(&server);
    opts.exclude_newer = Some("2025-01-01T00:00:00Z".parse().unwrap());
    let client = IndexClient::new(opts).unwrap();
    assert_eq!(all(&client.project(&name("foo")).await.unwrap()).len(), 1);
}

#[tokio::test]
async fn bad_metadata_hash_is_fatal() {
    let server = Server::start();
    let meta = metadata_text("foo", "1.0", &[]);
    server.route(
        "/simple/foo/",
        json_page(&[serde_json::json!({"filename": "foo-1.0-py3-none-any.whl", "url": "/f/foo-1.0-py3-none-any.whl",
            "hashes": {}, "core-metadata": {"sha256": sha256(b"something else")}})]),
    );
    server.file("/f/foo-1.0-py3-none-any.whl.metadata", meta, false);
    let client = IndexClient::new(options(&server)).unwrap();
    let files = all(&client.project(&name("foo")).await.unwrap()).clone();
    let err = client
        .metadata(&name("foo"), &version("1.0"), &files)
        .await
        .unwrap_err();
    assert!(matches!(err, IndexError::HashMismatch { .. }), "{err}");
    assert!(!err.is_unavailable());
}

#[tokio::test]
async fn html_page_and_wheel_range_requests() {
    let server = Server::start();
    let whl = wheel("bar", "1.0", &["baz; python_version < '3.10'"]);
    server.route(
        "/simple/bar/",
        html_page(format!(
            "<!DOCTYPE html><html><body>\n<a\n href='/files/bar-1.0-py3-none-any.whl#sha256={}'\n data-requires-python='&gt;=3.7'>bar-1.0-py3-none-any.whl</a><br>\n</body></html>",
            sha256(&whl)
        )),
    );
    server.file("/files/bar-1.0-py3-none-any.whl", whl.clone(), true);
    let client = IndexClient::new(options(&server)).unwrap();
    let project = client.project(&name("bar")).await.unwrap();
    assert_eq!(all(&project).len(), 1);
    assert_eq!(
        all(&project)[0].sha256.as_deref(),
        Some(sha256(&whl).as_str())
    );
    assert_eq!(
        all(&project)[0]
            .requires_python
            .as_ref()
            .unwrap()
            .to_string(),
        ">=3.7"
    );
    let m = client
        .metadata(&name("bar"), &version("1.0"), &all(&project))
        .await
        .unwrap();
    assert_eq!(m.requires_dist.len(), 1);
    let reqs = server.requests("/files/bar-1.0-py3-none-any.whl");
    assert!(!reqs.is_empty() && reqs.len() <= 3, "{reqs:?}");
    assert!(
        reqs.iter().all(|r| r.range.is_some() && r.status == 206),
        "{reqs:?}"
    );
}

#[tokio::test]
async fn server_without_ranges_gets_full_download_checked() {
    let server = Server::start();
    let whl = wheel("bar", "1.0", &[]);
    let good = sha256(&whl);
    server.route(
        "/simple/bar/",
        html_page(format!(
            "<a href=\"/files/bar-1.0-py3-none-any.whl#sha256={good}\">x</a>\
             <a href=\"/files/bar-2.0-py3-none-any.whl#sha256={}\">x</a>",
            sha256(b"not this")
        )),
    );
    server.file("/files/bar-1.0-py3-none-any.whl", whl.clone(), false);
    server.file(
        "/files/bar-2.0-py3-none-any.whl",
        wheel("bar", "2.0", &[]),
        false,
    );
    let client = IndexClient::new(options(&server)).unwrap();
    let files = all(&client.project(&name("bar")).await.unwrap()).clone();
    let m = client
        .metadata(&name("bar"), &version("1.0"), &files[..1])
        .await
        .unwrap();
    assert_eq!(m.version, version("1.0"));
    assert_eq!(server.requests("/files/bar-1.0-py3-none-any.whl").len(), 1);
    let err = client
        .metadata(&name("bar"), &version("2.0"), &files[1..])
        .await
        .unwrap_err();
    assert!(matches!(err, IndexError::HashMismatch { .. }), "{err}");
}

#[tokio::test]
async fn unknown_project_and_index_priority() {
    let server = Server::start();
    server.route(
        "/extra/foo/",
        html_page("<a href='/e/foo-9.0.tar.gz'>".into()),
    );
    server.route(
        "/extra/bar/",
        html_page("<a href='/e/bar-9.0.tar.gz'>".into()),
    );
    server.route(
        "/simple/bar/",
        html_page("<a href='/p/bar-1.0.tar.gz'>".into()),
    );
    let mut opts = options(&server);
    opts.index_urls.push(server.url("/extra"));
    let client = IndexClient::new(opts).unwrap();
    // Not on the primary: the extra index answers.
    let foo = client.project(&name("foo")).await.unwrap();
    assert_eq!(all(&foo).len(), 1);
    assert_eq!(&*all(&foo)[0].index, server.url("/extra/"));
    // On the primary: the extra index is never asked (no dependency confusion).
    let bar = client.project(&name("bar")).await.unwrap();
    assert_eq!(all(&bar)[0].url, server.url("/p/bar-1.0.tar.gz"));
    assert!(server.requests("/extra/bar/").is_empty());
    // Nowhere: no files, not an error.
    let nothing = client.project(&name("nothing-here")).await.unwrap();
    assert!(all(&nothing).is_empty());
}

#[tokio::test]
async fn transient_failures_are_retried() {
    let server = Server::start();
    let mut route = html_page("<a href='/p/foo-1.0.tar.gz'>".into());
    route.failures = VecDeque::from([
        (503, vec![]),
        (429, vec![("Retry-After".to_string(), "0".to_string())]),
    ]);
    server.route("/simple/foo/", route);
    let client = IndexClient::new(options(&server)).unwrap();
    let foo = client.project(&name("foo")).await.unwrap();
    assert_eq!(all(&foo).len(), 1);
    assert_eq!(server.requests("/simple/foo/").len(), 3);

    // A server that keeps failing: a fatal error naming the URL and status.
    let mut route = html_page(String::new());
    route.failures = (0..10).map(|_| (503, vec![])).collect();
    server.route("/simple/down/", route);
    let mut opts = options(&server);
    opts.retries = 1;
    let client = IndexClient::new(opts).unwrap();
    let err = client.project(&name("down")).await.unwrap_err();
    assert!(
        matches!(err, IndexError::Status { status: 503, .. }),
        "{err}"
    );
    assert!(!err.is_unavailable());
    assert!(err.to_string().contains("/simple/down/"), "{err}");
    assert_eq!(server.requests("/simple/down/").len(), 2);

    // 403 is not retried.
    let mut route = html_page(String::new());
    route.status = Some(403);
    server.route("/simple/private/", route);
    let err = client.project(&name("private")).await.unwrap_err();
    assert!(
        matches!(err, IndexError::Status { status: 403, .. }),
        "{err}"
    );
    assert_eq!(server.requests("/simple/private/").len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = IndexClient::new(ClientOptions {
        index_urls: vec![format!("http://u:hunter2@127.0.0.1:{port}/simple/")],
        retries: 1,
        ..ClientOptions::default()
    })
    .unwrap();
    let err = client.project(&name("foo")).await.unwrap_err();
    assert!(
        matches!(err, IndexError::Transport { attempts: 2, .. }),
        "{err}"
    );
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn sdist_metadata() {
    let server = Server::start();
    let static_pkg_info = b"Metadata-Version: 2.2\nName: s\nVersion: 1.0\nRequires-Dist: a\n\n";
    let dynamic_pkg_info = b"Metadata-Version: 2.1\nName: s\nVersion: 2.0\nRequires-Dist: a\n\n";
    let pyproject = b"[project]\nname = 's'\nversion = '2.0'\ndependencies = ['b', 'c>1']\n";
    server.file(
        "/f/s-1.0.tar.gz",
        tar_gz(&[("s-1.0/PKG-INFO", static_pkg_info)]),
        false,
    );
    server.file(
        "/f/s-2.0.tar.gz",
        tar_gz(&[
            ("s-2.0/PKG-INFO", dynamic_pkg_info),
            ("s-2.0/pyproject.toml", pyproject),
        ]),
        false,
    );
    server.file("/f/s-3.0.tar.gz", tar_gz(&[("s-3.0/setup.py", b"")]), false);
    server.file("/f/s-4.0.tar.gz", b"this is no tarball".to_vec(), false);
    server.route(
        "/simple/s/",
        html_page(
            ["1.0", "2.0", "3.0", "4.0"]
                .iter()
                .map(|v| format!("<a href='/f/s-{v}.tar.gz'>s-{v}.tar.gz</a>\n"))
                .collect(),
        ),
    );
    let client = IndexClient::new(options(&server)).unwrap();
    let files = all(&client.project(&name("s")).await.unwrap()).clone();
    let m1 = client
        .metadata(&name("s"), &version("1.0"), &files[0..1])
        .await
        .unwrap();
    assert_eq!(m1.requires_dist.len(), 1);
    let m2 = client
        .metadata(&name("s"), &version("2.0"), &files[1..2])
        .await
        .unwrap();
    assert_eq!(m2.requires_dist.len(), 2);
    for (i, v) in [(2, "3.0"), (3, "4.0")] {
        let err = client
            .metadata(&name("s"), &version(v), &files[i..i + 1])
            .await
            .unwrap_err();
        assert!(err.is_unavailable(), "{err}");
        assert!(err.to_string().contains(&format!("`s` {v}")), "{err}");
    }
    let err = client
        .metadata(&name("s"), &version("5.0"), &[])
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err}");
}

#[tokio::test]
async fn disk_cache_and_offline() {
    let server = Server::start();
    let meta = metadata_text("foo", "1.0", &["x"]);
    server.route(
        "/simple/foo/",
        json_page(&[serde_json::json!({"filename": "foo-1.0-py3-none-any.whl", "url": "/f/foo-1.0-py3-none-any.whl",
            "hashes": {"sha256": sha256(b"w")}, "core-metadata": true})]),
    );
    server.file("/f/foo-1.0-py3-none-any.whl.metadata", meta, false);
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&server);
    opts.cache_dir = Some(dir.path().to_path_buf());

    let client = IndexClient::new(opts.clone()).unwrap();
    let files = all(&client.project(&name("foo")).await.unwrap()).clone();
    client
        .metadata(&name("foo"), &version("1.0"), &files)
        .await
        .unwrap();
    client.project(&name("unknown")).await.unwrap();

    // A second client reuses the fresh page and the metadata without asking.
    let client = IndexClient::new(opts.clone()).unwrap();
    let again = client.project(&name("foo")).await.unwrap();
    assert_eq!(all(&again), files);
    client
        .metadata(&name("foo"), &version("1.0"), &files)
        .await
        .unwrap();
    assert_eq!(server.requests("/simple/foo/").len(), 1);
    assert_eq!(
        server
            .requests("/f/foo-1.0-py3-none-any.whl.metadata")
            .len(),
        1
    );

    // --refresh refetches the page but not the metadata (keyed by sha256).
    let mut refresh = opts.clone();
    refresh.refresh = true;
    let client = IndexClient::new(refresh).unwrap();
    client.project(&name("foo")).await.unwrap();
    client
        .metadata(&name("foo"), &version("1.0"), &files)
        .await
        .unwrap();
    assert_eq!(server.requests("/simple/foo/").len(), 2);
    assert_eq!(
        server
            .requests("/f/foo-1.0-py3-none-any.whl.metadata")
            .len(),
        1
    );

    // Offline: the cache answers, the 404 was remembered, a miss is an Offline error.
    let mut offline = opts.clone();
    offline.offline = true;
    let client = IndexClient::new(offline).unwrap();
    assert_eq!(all(&client.project(&name("foo")).await.unwrap()), files);
    assert!(all(&client.project(&name("unknown")).await.unwrap()).is_empty());
    client
        .metadata(&name("foo"), &version("1.0"), &files)
        .await
        .unwrap();
    let err = client.project(&name("never-seen")).await.unwrap_err();
    assert!(matches!(err, IndexError::Offline { .. }), "{err}");
    assert!(!err.is_unavailable());
    let total = server.log.lock().unwrap().len();

    // Corrupt every cache file: the client refetches instead of failing.
    for entry in walk(dir.path()) {
        std::fs::write(&entry, b"garbage").unwrap();
    }
    let client = IndexClient::new(opts).unwrap();
    assert_eq!(all(&client.project(&name("foo")).await.unwrap()), files);
    client
        .metadata(&name("foo"), &version("1.0"), &files)
        .await
        .unwrap();
    assert_eq!(server.log.lock().unwrap().len(), total + 2);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn credentials_only_go_to_their_host() {
    let server = Server::start();
    let cdn = Server::start();
    server.route(
        "/simple/foo/",
        html_page(format!(
            "<a href='{}'>foo-1.0-py3-none-any.whl</a><a href='{}'>foo-2.0-py3-none-any.whl</a>",
            server.url("/f/foo-1.0-py3-none-any.whl"),
            cdn.url("/f/foo-2.0-py3-none-any.whl"),
        )),
    );
    server.file(
        "/f/foo-1.0-py3-none-any.whl",
        wheel("foo", "1.0", &[]),
        true,
    );
    cdn.file(
        "/f/foo-2.0-py3-none-any.whl",
        wheel("foo", "2.0", &[]),
        true,
    );
    let base = server.base.replace("http://", "http://alice:s3cret@");
    let client = IndexClient::new(ClientOptions {
        index_urls: vec![format!("{base}/simple/")],
        ..options(&server)
    })
    .unwrap();
    let files = all(&client.project(&name("foo")).await.unwrap()).clone();
    assert!(files
        .iter()
        .all(|f| !f.url.contains("s3cret") && !f.index.contains("s3cret")));
    client
        .metadata(&name("foo"), &version("1.0"), &files[..1])
        .await
        .unwrap();
    client
        .metadata(&name("foo"), &version("2.0"), &files[1..])
        .await
        .unwrap();
    // The index's host gets the credentials on every request, including file downloads.
    let log = server.log.lock().unwrap().clone();
    assert!(log.len() >= 2);
    assert!(
        log.iter().all(|l| l
            .authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))),
        "{log:?}"
    );
    // Another host never sees them.
    let log = cdn.log.lock().unwrap().clone();
    assert!(!log.is_empty());
    assert!(log.iter().all(|l| l.authorization.is_none()), "{log:?}");
}

#[tokio::test]
async fn find_links_pages_and_directories() {
    let server = Server::start();
    let whl = wheel("foo", "1.0", &["dep"]);
    server.route(
        "/links/",
        html_page(
            "<a href='foo-2.0.tar.gz'>foo-2.0.tar.gz</a> <a href='bar-1.0.tar.gz'>bar</a>".into(),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("foo-1.0-py3-none-any.whl"), &whl).unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"").unwrap();
    let client = IndexClient::new(ClientOptions {
        index_urls: vec![],
        find_links: vec![server.url("/links/"), dir.path().display().to_string()],
        ..options(&server)
    })
    .unwrap();
    let foo = client.project(&name("foo")).await.unwrap();
    let names: Vec<String> = foo
        .files()
        .map(|f| f.url.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(names, ["foo-1.0-py3-none-any.whl", "foo-2.0.tar.gz"]);
    let bar = client.project(&name("bar")).await.unwrap();
    assert_eq!(all(&bar).len(), 1);
    // The find-links page is fetched once for all projects.
    assert_eq!(server.requests("/links/").len(), 1);
    // Metadata straight from the local wheel.
    let m = client
        .metadata(&name("foo"), &version("1.0"), &all(&foo)[..1])
        .await
        .unwrap();
    assert_eq!(m.requires_dist.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_request() {
    let server = Server::start();
    server.route(
        "/simple/foo/",
        html_page("<a href='/p/foo-1.0.tar.gz'>".into()),
    );
    let client = IndexClient::new(options(&server)).unwrap();
    client.prefetch_project(&name("foo"));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { all(&c.project(&name("foo")).await.unwrap()).len() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 1);
    }
    assert_eq!(server.requests("/simple/foo/").len(), 1);
}

#[test]
fn invalid_index_url_is_an_error() {
    let err = IndexClient::new(ClientOptions {
        index_urls: vec!["not a url".into()],
        ..ClientOptions::default()
    })
    .err()
    .unwrap();
    assert!(matches!(err, IndexError::InvalidLocation { .. }), "{err}");
}

#[tokio::test]
async fn local_file_index() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("simple").join("foo");
    std::fs::create_dir_all(&project).unwrap();
    let meta = metadata_text("foo", "1.0", &["a", "b"]);
    std::fs::write(
        project.join("foo-1.0-py3-none-any.whl"),
        wheel("foo", "1.0", &[]),
    )
    .unwrap();
    std::fs::write(project.join("foo-1.0-py3-none-any.whl.metadata"), &meta).unwrap();
    std::fs::write(
        project.join("index.html"),
        format!(
            "<a href=\"foo-1.0-py3-none-any.whl\" data-core-metadata=\"sha256={}\">foo-1.0-py3-none-any.whl</a>",
            sha256(&meta)
        ),
    )
    .unwrap();
    let index = url::Url::from_directory_path(dir.path().join("simple")).unwrap();
    let client = IndexClient::new(ClientOptions {
        index_urls: vec![index.to_string()],
        offline: true,
        ..ClientOptions::default()
    })
    .unwrap();
    let files = all(&client.project(&name("foo")).await.unwrap()).clone();
    assert_eq!(files.len(), 1);
    let m = client
        .metadata(&name("foo"), &version("1.0"), &files)
        .await
        .unwrap();
    assert_eq!(
        m.requires_dist.len(),
        2,
        "read from the .metadata file, not the wheel"
    );
    assert!(all(&client.project(&name("bar")).await.unwrap()).is_empty());
}

/// Builds "metadata" by checking it was handed the sdist; counts its calls.
#[derive(Debug, Default)]
struct FakeBuilder {
    calls: std::sync::atomic::AtomicUsize,
    fail: bool,
}

impl lockit_index_client::MetadataBuilder for FakeBuilder {
    fn build(
        &self,
        _client: &IndexClient,
        name: &PackageName,
        version: &Version,
        mut sdist: std::fs::File,
        filename: &str,
    ) -> Result<Vec<u8>, lockit_index_client::MetadataBuildError> {
        use std::io::{Read, Seek};
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut magic = [0u8; 2];
        sdist.seek(std::io::SeekFrom::Start(0)).unwrap();
        sdist.read_exact(&mut magic).unwrap();
        assert_eq!(magic, [0x1f, 0x8b], "not the gzipped sdist");
        assert_eq!(filename, "d-1.0.tar.gz");
        if self.fail {
            return Err(lockit_index_client::BuildFailure {
                step: Some("prepare_metadata_for_build_wheel".into()),
                summary: "`prepare_metadata_for_build_wheel` failed: boom".into(),
                output: vec!["RuntimeError: boom".into()],
            }
            .into());
        }
        Ok(metadata_text(
            name.as_ref(),
            &version.to_string(),
            &["built"],
        ))
    }
}

/// An sdist without static metadata goes to the builder once: prefetches never build, the
/// answer is cached by the sdist's sha256 (a second client neither builds nor downloads),
/// `--no-build` and failed builds make the version unavailable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdists_without_static_metadata_are_built_once() {
    use std::sync::atomic::Ordering;
    let server = Server::start();
    let sdist = tar_gz(&[("d-1.0/setup.py", b"from setuptools import setup\nsetup()\n")]);
    server.route(
        "/simple/d/",
        json_page(&[
            serde_json::json!({"filename": "d-1.0.tar.gz", "url": "/f/d-1.0.tar.gz",
            "hashes": {"sha256": sha256(&sdist)}}),
        ]),
    );
    server.file("/f/d-1.0.tar.gz", sdist, false);
    let dir = tempfile::tempdir().unwrap();
    let builder = Arc::new(FakeBuilder::default());
    let client_with = |builder: Arc<FakeBuilder>, cache: &std::path::Path, no_build: bool| {
        let mut opts = options(&server);
        opts.cache_dir = Some(cache.to_path_buf());
        opts.builder = Some(builder);
        opts.build_policy.no_build = no_build;
        IndexClient::new(opts).unwrap()
    };
    let client = client_with(builder.clone(), dir.path(), false);
    let files = all(&client.project(&name("d")).await.unwrap()).clone();
    let (d, v1) = (name("d"), version("1.0"));

    assert!(client
        .metadata_without_build(&d, &v1, &files)
        .await
        .is_none());
    assert_eq!(builder.calls.load(Ordering::SeqCst), 0);
    let meta = client.metadata(&d, &v1, &files).await.unwrap();
    assert_eq!(meta.requires_dist[0].name.as_ref(), "built");
    assert_eq!(builder.calls.load(Ordering::SeqCst), 1);

    let downloads = server.requests("/f/d-1.0.tar.gz").len();
    let warm = client_with(builder.clone(), dir.path(), false);
    let meta = warm.metadata(&d, &v1, &files).await.unwrap();
    assert_eq!(meta.requires_dist[0].name.as_ref(), "built");
    assert_eq!(builder.calls.load(Ordering::SeqCst), 1);
    assert_eq!(server.requests("/f/d-1.0.tar.gz").len(), downloads);

    let cold = tempfile::tempdir().unwrap();
    let err = client_with(builder.clone(), cold.path(), true)
        .metadata(&d, &v1, &files)
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err}");
    assert!(
        matches!(&err, IndexError::BuildDisabled { flag, .. } if *flag == lockit_index_client::BuildBan::NoBuild),
        "{err:?}"
    );
    assert_eq!(builder.calls.load(Ordering::SeqCst), 1);

    let failing = Arc::new(FakeBuilder {
        fail: true,
        ..FakeBuilder::default()
    });
    let err = client_with(failing.clone(), cold.path(), false)
        .metadata(&d, &v1, &files)
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err}");
    assert_eq!(
        err.to_string(),
        "building the metadata of `d` 1.0 failed: `prepare_metadata_for_build_wheel` failed: boom"
    );
    // The reason reaches the resolver typed, with the step and the output's tail.
    match err.unusable() {
        Some(lockit_resolver::Unusable::BuildFailed(failure)) => {
            assert_eq!(
                failure.step.as_deref(),
                Some("prepare_metadata_for_build_wheel")
            );
            assert_eq!(failure.output, ["RuntimeError: boom"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(failing.calls.load(Ordering::SeqCst), 1);
}

/// torchsde 0.2.5: its wheel's METADATA says `Requires-Dist: numpy (>=1.19.*)`, which does
/// not parse, and its sdist needs a build that `--no-build` forbids. The reason names the
/// wheel and the field (it was "only an sdist whose metadata must be built, which
/// --no-build forbids": the forbidden build said more than the wheel), and it is the same
/// read from the cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wheel_with_an_invalid_specifier_is_invalid_metadata_not_a_forbidden_build() {
    let server = Server::start();
    let whl = wheel("torchsde", "0.2.5", &["numpy (>=1.19.*)"]);
    let sdist = tar_gz(&[(
        "torchsde-0.2.5/setup.py",
        b"from setuptools import setup\nsetup()\n",
    )]);
    server.route(
        "/simple/torchsde/",
        json_page(&[
            serde_json::json!({"filename": "torchsde-0.2.5-py3-none-any.whl",
            "url": "/f/torchsde-0.2.5-py3-none-any.whl", "hashes": {"sha256": sha256(&whl)}}),
            serde_json::json!({"filename": "torchsde-0.2.5.tar.gz", "url": "/f/torchsde-0.2.5.tar.gz",
            "hashes": {"sha256": sha256(&sdist)}}),
        ]),
    );
    server.file("/f/torchsde-0.2.5-py3-none-any.whl", whl, true);
    server.file("/f/torchsde-0.2.5.tar.gz", sdist, false);
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let mut opts = options(&server);
        opts.cache_dir = Some(dir.path().to_path_buf());
        opts.builder = Some(Arc::new(FakeBuilder::default()));
        opts.build_policy.no_build = true;
        let client = IndexClient::new(opts).unwrap();
        let files = all(&client.project(&name("torchsde")).await.unwrap()).clone();
        let err = client
            .metadata(&name("torchsde"), &version("0.2.5"), &files)
            .await
            .unwrap_err();
        let Some(lockit_resolver::Unusable::NoMetadata(problems)) = err.unusable() else {
            panic!("{err:?}");
        };
        let lockit_resolver::FileProblem::Invalid(bad) = &problems[0] else {
            panic!("{problems:?}");
        };
        assert!(bad.wheel);
        assert!(
            bad.file.ends_with("torchsde-0.2.5-py3-none-any.whl"),
            "{bad:?}"
        );
        assert_eq!(bad.field.as_deref(), Some("Requires-Dist"));
        assert!(bad.problem.contains("numpy (>=1.19.*)"), "{bad:?}");
    }
}
