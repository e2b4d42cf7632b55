//! The server: one accept thread, one thread per connection, and the routes of a Simple
//! API index over a [`Backend`] that supplies pages and file bytes.

use std::io::{self, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::backend::Backend;
use crate::fault::{self, Fault, FaultRule};
use crate::http::{self, Conn, Format, RangeRequest, Request, Response};
use crate::model;
use crate::recorded::RecordedIndex;
use crate::recorder::{RecordOptions, Recorder};
use crate::scenario::Scenario;
use lockit_types::normalize_name;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// `GET`, `HEAD`...
    pub method: String,
    /// The request target as sent (path and query, percent-encoded).
    pub url: String,
    /// The decoded path, e.g. `/files/a-1.0-py3-none-any.whl.metadata`.
    pub path: String,
    /// The `Range` header.
    pub range: Option<String>,
    /// The `Accept` header.
    pub accept: Option<String>,
    /// The `Authorization` header, as sent (tests check where credentials went).
    pub authorization: Option<String>,
    /// The status sent; 0 when the connection was dropped by a fault.
    pub status: u16,
}

struct Shared {
    backend: Box<dyn Backend>,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    base: String,
    log: Mutex<Vec<LoggedRequest>>,
    faults: Mutex<Vec<FaultRule>>,
    ignore_ranges: AtomicBool,
    stop: AtomicBool,
    connections: Mutex<Vec<JoinHandle<()>>>,
}

/// A Python package index on 127.0.0.1, serving until dropped.
pub struct TestIndex {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking connection thread must not take the whole index down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl TestIndex {
    /// Serves a scenario's generated artifacts on an ephemeral port.
    pub fn serve_scenario(s: &Scenario) -> io::Result<TestIndex> {
        let built = s
            .build()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        Self::start(Box::new(built), 0)
    }

    /// Replays a recorded fixture directory offline on an ephemeral port.
    pub fn serve_recorded(dir: &Path) -> io::Result<TestIndex> {
        Self::serve_recorded_on(dir, 0)
    }

    /// Replays a recorded fixture directory on `port` (0 for an ephemeral one).
    pub fn serve_recorded_on(dir: &Path, port: u16) -> io::Result<TestIndex> {
        Self::start(Box::new(RecordedIndex::open(dir)?), port)
    }

    /// Serves a scenario on `port` (0 for an ephemeral one).
    pub fn serve_scenario_on(s: &Scenario, port: u16) -> io::Result<TestIndex> {
        let built = s
            .build()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        Self::start(Box::new(built), port)
    }

    /// Runs a recording proxy in front of an upstream index (see [`RecordOptions`]).
    pub fn record(opts: &RecordOptions) -> io::Result<TestIndex> {
        Self::start(Box::new(Recorder::new(opts)?), opts.port)
    }

    fn start(backend: Box<dyn Backend>, port: u16) -> io::Result<TestIndex> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            backend,
            base: format!("http://{addr}"),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            ignore_ranges: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            connections: Mutex::new(Vec::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name(format!("test-index-{}", addr.port()))
            .spawn(move || accept_loop(listener, accept_shared))?;
        Ok(TestIndex {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The negotiated index URL, `http://127.0.0.1:PORT/simple/`.
    pub fn url(&self) -> String {
        format!("{}/simple/", self.shared.base)
    }

    /// An index URL that always answers PEP 691 JSON.
    pub fn json_url(&self) -> String {
        format!("{}/json/simple/", self.shared.base)
    }

    /// An index URL that always answers PEP 503 HTML.
    pub fn html_url(&self) -> String {
        format!("{}/html/simple/", self.shared.base)
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.shared.base.clone()
    }

    /// The URL a file is served at.
    pub fn file_url(&self, filename: &str) -> String {
        file_url(&self.shared.base, filename)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request served so far, in order of completion.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the requests served so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// When on, `Range` headers are ignored (full `200` bodies, `Accept-Ranges: none`).
    pub fn set_ignore_ranges(&self, on: bool) {
        self.shared.ignore_ranges.store(on, Ordering::SeqCst);
    }

    /// Applies `fault` to every request whose decoded path is `pattern` (or starts with it,
    /// when it ends in `*`). The first matching rule wins.
    pub fn inject(&self, pattern: &str, fault: Fault) {
        self.push_fault(pattern, fault, None);
    }

    /// Like [`TestIndex::inject`], for the next `times` matching requests only.
    pub fn inject_times(&self, pattern: &str, fault: Fault, times: u32) {
        if times > 0 {
            self.push_fault(pattern, fault, Some(times));
        }
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Applies one of `faults` at random to each request matching `pattern`, with
    /// probability `per_mille / 1000`, drawn from a generator seeded with `seed`.
    pub fn inject_random(&self, pattern: &str, faults: Vec<Fault>, per_mille: u32, seed: u64) {
        lock(&self.shared.faults).push(FaultRule {
            pattern: pattern.to_string(),
            fault: Fault::Drop,
            remaining: None,
            random: Some(crate::fault::Random {
                faults,
                per_mille,
                state: seed,
            }),
        });
    }

    fn push_fault(&self, pattern: &str, fault: Fault, remaining: Option<u32>) {
        lock(&self.shared.faults).push(FaultRule {
            pattern: pattern.to_string(),
            fault,
            remaining,
            random: None,
        });
    }
}

impl Drop for TestIndex {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop, which is blocked in accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
        let connections = std::mem::take(&mut *lock(&self.shared.connections));
        for c in connections {
            let _ = c.join();
        }
    }
}

impl std::fmt::Debug for TestIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestIndex")
            .field("url", &self.url())
            .finish()
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let conn_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("test-index-conn".into())
            .spawn(move || serve_connection(stream, &conn_shared));
        if let Ok(handle) = spawned {
            let mut conns = lock(&shared.connections);
            conns.retain(|h| !h.is_finished());
            conns.push(handle);
        }
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let Ok(mut conn) = Conn::new(stream) else {
        return;
    };
    loop {
        let req = match conn.next_request(&shared.stop) {
            Ok(Some(req)) => req,
            Ok(None) => return,
            Err(e) => {
                let resp = Response::text(400, &e.to_string());
                let _ = http::write_response(&mut conn.stream, &resp, false, false);
                return;
            }
        };
        match serve_request(&mut conn.stream, shared, &req) {
            Ok(true) => {}
            Ok(false) | Err(_) => {
                let _ = conn.stream.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

/// Answers one request, applying any injected fault; false when the connection must close.
fn serve_request(stream: &mut TcpStream, shared: &Shared, req: &Request) -> io::Result<bool> {
    let path = req.path();
    let fault = fault::take(&mut lock(&shared.faults), &path);
    let head_only = req.method == "HEAD";
    let keep_alive = req.keep_alive();
    let log = |status: u16| {
        lock(&shared.log).push(LoggedRequest {
            method: req.method.clone(),
            url: req.target.clone(),
            path: path.clone(),
            range: req.header("range").map(str::to_string),
            accept: req.header("accept").map(str::to_string),
            authorization: req.header("authorization").map(str::to_string),
            status,
        });
    };
    let mut resp = match &fault {
        Some(Fault::Drop) => {
            log(0);
            return Ok(false);
        }
        Some(Fault::Status(status)) => Response::text(*status, "injected fault"),
        Some(Fault::RetryAfter { status, seconds }) => {
            Response::text(*status, "injected fault").header("Retry-After", seconds.to_string())
        }
        Some(Fault::Redirect(location)) => Response::redirect(302, location),
        Some(Fault::Delay(d)) => {
            if !wait(shared, *d) {
                return Ok(false);
            }
            route(shared, req, &path)
        }
        _ => route(shared, req, &path),
    };
    match &fault {
        Some(Fault::Corrupt) => {
            for b in resp.body.iter_mut().step_by(7) {
                *b ^= 0x5a;
            }
        }
        Some(Fault::Body(body)) => resp.body = body.clone(),
        _ => {}
    }
    log(resp.status);
    if let Some(Fault::StallBody(d)) = &fault {
        let mut bytes = http::head_bytes(&resp, false);
        if !head_only {
            bytes.extend_from_slice(&resp.body[..resp.body.len() / 2]);
        }
        stream.write_all(&bytes)?;
        stream.flush()?;
        wait(shared, *d);
        return Ok(false);
    }
    if let Some(Fault::Huge {
        len,
        declare_length,
    }) = &fault
    {
        return stream_huge(stream, shared, &resp, *len, *declare_length, head_only);
    }
    if matches!(fault, Some(Fault::Truncate)) {
        let mut bytes = http::head_bytes(&resp, false);
        if !head_only {
            bytes.extend_from_slice(&resp.body[..resp.body.len() / 2]);
        }
        stream.write_all(&bytes)?;
        stream.flush()?;
        return Ok(false);
    }
    http::write_response(stream, &resp, head_only, keep_alive)?;
    Ok(keep_alive)
}

/// Sleeps for `d`, waking to check for shutdown; false when the server is stopping.
fn wait(shared: &Shared, d: Duration) -> bool {
    let until = Instant::now() + d;
    while Instant::now() < until {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep(http::POLL.min(until.saturating_duration_since(Instant::now())));
    }
    true
}

/// Streams `len` filler bytes as the body of `resp` (whose own body is dropped), in
/// chunks, until done, the peer goes away or the server stops. Always closes.
fn stream_huge(
    stream: &mut TcpStream,
    shared: &Shared,
    resp: &Response,
    len: u64,
    declare_length: bool,
    head_only: bool,
) -> io::Result<bool> {
    let mut head = Response {
        status: 200,
        headers: resp
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .cloned()
            .collect(),
        body: Vec::new(),
    };
    if declare_length {
        head = head.header("Content-Length", len.to_string());
    }
    let mut bytes = http::head_bytes(&head, false);
    if !declare_length {
        // `head_bytes` announced an empty body; a close-delimited body has no length at all.
        let text = String::from_utf8_lossy(&bytes).replace("Content-Length: 0\r\n", "");
        bytes = text.into_bytes();
    }
    stream.write_all(&bytes)?;
    if head_only {
        return Ok(false);
    }
    // Filler that is neither valid JSON nor HTML nor metadata: only its size matters.
    let chunk = b"lockit-test-index huge body filler. ".repeat(2048);
    let mut sent = 0u64;
    while sent < len && !shared.stop.load(Ordering::SeqCst) {
        let n = usize::try_from((len - sent).min(chunk.len() as u64)).unwrap_or(chunk.len());
        if stream.write_all(&chunk[..n]).is_err() {
            break;
        }
        sent += n as u64;
    }
    let _ = stream.flush();
    Ok(false)
}

fn file_url(base: &str, filename: &str) -> String {
    let mut out = format!("{base}/files/");
    for c in filename.chars() {
        match c {
            '%' | '#' | '?' | ' ' | '"' | '<' | '>' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn route(shared: &Shared, req: &Request, path: &str) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return Response::text(405, "only GET and HEAD are served").header("Allow", "GET, HEAD");
    }
    if let Some(filename) = path.strip_prefix("/files/") {
        return serve_file(shared, req, filename);
    }
    let (prefix, forced, rest) = if let Some(rest) = path.strip_prefix("/json") {
        ("/json", Some(Format::Json), rest)
    } else if let Some(rest) = path.strip_prefix("/html") {
        ("/html", Some(Format::Html), rest)
    } else {
        ("", None, path)
    };
    let Some(rest) = rest.strip_prefix("/simple") else {
        return Response::text(404, &format!("no such page: {path}"));
    };
    let format = forced.unwrap_or_else(|| http::negotiate(req.header("accept")));
    let negotiated = forced.is_none();
    if rest.is_empty() {
        return Response::redirect(301, &format!("{prefix}/simple/"));
    }
    let rest = rest.trim_start_matches('/');
    if rest.is_empty() {
        return page(req, format, negotiated, root_page(shared, prefix, format));
    }
    let (name, slash) = match rest.strip_suffix('/') {
        Some(name) => (name, true),
        None => (rest, false),
    };
    if name.contains('/') {
        return Response::text(404, &format!("no such page: {path}"));
    }
    let norm = normalize_name(name);
    // Like PyPI: one canonical URL per project, others redirect to it.
    if norm != name || !slash {
        return Response::redirect(301, &format!("{prefix}/simple/{norm}/"));
    }
    let project = match shared.backend.project(&norm) {
        Ok(Some(p)) => p,
        Ok(None) => return Response::text(404, &format!("no project named `{norm}`")),
        Err(e) => return Response::text(502, &e),
    };
    let base = shared.base.clone();
    let url = |f: &str| file_url(&base, f);
    let body = match format {
        Format::Json => model::project_json(&project, &url),
        Format::Html => model::project_html(&project, &url),
    };
    page(req, format, negotiated, Ok(body))
}

fn root_page(shared: &Shared, prefix: &str, format: Format) -> Result<String, String> {
    let names = shared.backend.project_names()?;
    Ok(match format {
        Format::Json => model::root_json(&names),
        Format::Html => model::root_html(&names, &|n| format!("{prefix}/simple/{n}/")),
    })
}

fn page(req: &Request, format: Format, negotiated: bool, body: Result<String, String>) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) => return Response::text(502, &e),
    };
    let content_type = match format {
        Format::Json => model::JSON_MEDIA_TYPE,
        Format::Html
            if req
                .header("accept")
                .is_some_and(|a| a.contains(model::HTML_MEDIA_TYPE)) =>
        {
            model::HTML_MEDIA_TYPE
        }
        Format::Html => "text/html; charset=utf-8",
    };
    let etag = format!(
        "\"{}\"",
        &crate::artifacts::sha256_hex(body.as_bytes())[..32]
    );
    let mut resp = if req.header("if-none-match") == Some(etag.as_str()) {
        Response::new(304, content_type, Vec::new())
    } else {
        Response::new(200, content_type, body)
    };
    resp = resp.header("ETag", etag);
    if negotiated {
        resp = resp.header("Vary", "Accept");
    }
    resp
}

fn serve_file(shared: &Shared, req: &Request, filename: &str) -> Response {
    if filename.is_empty() || filename.contains('/') || filename.contains('\\') {
        return Response::text(404, &format!("no such file: {filename}"));
    }
    let bytes = match shared.backend.file(filename) {
        Ok(Some(b)) => b,
        Ok(None) => return Response::text(404, &format!("no file named `{filename}`")),
        Err(e) => return Response::text(502, &e),
    };
    let len = bytes.len();
    let ignore = shared.ignore_ranges.load(Ordering::SeqCst);
    let range = if ignore {
        RangeRequest::Full
    } else {
        http::parse_range(req.header("range"), len)
    };
    let accept_ranges = if ignore { "none" } else { "bytes" };
    let etag = format!("\"{}\"", &crate::artifacts::sha256_hex(&bytes)[..32]);
    let resp = match range {
        RangeRequest::Full => Response::new(200, "application/octet-stream", bytes.to_vec()),
        RangeRequest::Partial(start, end) => {
            Response::new(206, "application/octet-stream", bytes[start..end].to_vec()).header(
                "Content-Range",
                format!("bytes {start}-{}/{len}", end.saturating_sub(1)),
            )
        }
        RangeRequest::Unsatisfiable => Response::text(416, "range not satisfiable")
            .header("Content-Range", format!("bytes */{len}")),
    };
    resp.header("Accept-Ranges", accept_ranges)
        .header("ETag", etag)
}
