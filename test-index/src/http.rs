//! A minimal HTTP/1.1 server side: enough of the protocol for reqwest (keep-alive,
//! `Content-Length` bodies, HEAD, byte ranges), and nothing that hides the bytes on the wire,
//! so that faults can be injected at any point of a response.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Longest request head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Longest request body accepted (the index only serves GET and HEAD).
const MAX_BODY: usize = 1024 * 1024;
/// How often a blocked read wakes up to check whether the server is stopping.
pub(crate) const POLL: Duration = Duration::from_millis(100);
/// How long an idle keep-alive connection is kept.
const IDLE: Duration = Duration::from_secs(60);

/// A parsed request head.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (path and query).
    pub target: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The percent-decoded path, without the query.
    pub fn path(&self) -> String {
        let raw = self.target.split(['?', '#']).next().unwrap_or("");
        // Absolute-form targets (`GET http://host/path`) come from proxies.
        let raw = match raw.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => raw,
        };
        percent_decode(raw)
    }

    /// Whether the client wants the connection kept open after this response.
    pub fn keep_alive(&self) -> bool {
        let conn = self.header("connection").map(str::to_ascii_lowercase);
        match conn.as_deref() {
            Some(c) if c.contains("close") => false,
            Some(c) if c.contains("keep-alive") => true,
            _ => self.version != "HTTP/1.0",
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response to be written; `body` is omitted on the wire for HEAD.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", format!("{body}\n"))
    }

    pub fn redirect(status: u16, location: &str) -> Response {
        Response::text(status, &format!("see {location}")).header("Location", location)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// One accepted connection: a stream and the bytes read past the last request.
pub(crate) struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn new(stream: TcpStream) -> io::Result<Conn> {
        stream.set_read_timeout(Some(POLL))?;
        // A client that stops reading must not keep the server from shutting down.
        stream.set_write_timeout(Some(Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
        })
    }

    /// Reads the next request; `None` when the peer closed, idled out or the server stops.
    pub fn next_request(&mut self, stop: &AtomicBool) -> io::Result<Option<Request>> {
        let start = Instant::now();
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "request head too large",
                ));
            }
            if !self.fill(stop, start)? {
                return Ok(None);
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        self.buf.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split_whitespace();
        let (Some(method), Some(target), Some(version)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad request line `{request_line}`"),
            ));
        };
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let req = Request {
            method: method.to_string(),
            target: target.to_string(),
            version: version.to_string(),
            headers,
        };
        if req.header("transfer-encoding").is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "chunked request bodies are not supported",
            ));
        }
        let len: usize = req
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if len > MAX_BODY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request body too large",
            ));
        }
        while self.buf.len() < len {
            if !self.fill(stop, Instant::now())? {
                return Ok(None);
            }
        }
        self.buf.drain(..len);
        Ok(Some(req))
    }

    /// Reads more bytes; false on EOF, stop or idle timeout.
    fn fill(&mut self, stop: &AtomicBool, since: Instant) -> io::Result<bool> {
        let mut tmp = [0u8; 8192];
        loop {
            if stop.load(Ordering::SeqCst) || since.elapsed() > IDLE {
                return Ok(false);
            }
            match self.stream.read(&mut tmp) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&tmp[..n]);
                    return Ok(true);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// The status line and headers of `resp`, with `Content-Length` and `Connection` added.
pub(crate) fn head_bytes(resp: &Response, keep_alive: bool) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !resp
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    head.into_bytes()
}

/// Writes a complete response (no body for HEAD).
pub(crate) fn write_response(
    stream: &mut TcpStream,
    resp: &Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut bytes = head_bytes(resp, keep_alive);
    if !head_only {
        bytes.extend_from_slice(&resp.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

/// A `Range` header resolved against a body length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeRequest {
    /// No usable range: serve the whole body (absent, malformed or multi-range).
    Full,
    /// Serve bytes `start..end` (end exclusive).
    Partial(usize, usize),
    /// The range lies outside the body: 416.
    Unsatisfiable,
}

/// Resolves `bytes=a-b`, `bytes=a-` and `bytes=-n` against `len` (RFC 9110 section 14).
pub(crate) fn parse_range(header: Option<&str>, len: usize) -> RangeRequest {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let Ok(n) = b.parse::<usize>() else {
            return RangeRequest::Full;
        };
        if n == 0 || len == 0 {
            return RangeRequest::Unsatisfiable;
        }
        return RangeRequest::Partial(len.saturating_sub(n), len);
    }
    let Ok(start) = a.parse::<usize>() else {
        return RangeRequest::Full;
    };
    let end = if b.is_empty() {
        len
    } else {
        match b.parse::<usize>() {
            Ok(last) if last >= start => last.saturating_add(1).min(len),
            _ => return RangeRequest::Full,
        }
    };
    if start >= len {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Partial(start, end)
}

/// Which rendering of a Simple API page to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Html,
}

/// PEP 691 content negotiation: JSON when the client ranks it at least as high as HTML,
/// HTML otherwise (also for a missing `Accept` or `*/*`).
pub(crate) fn negotiate(accept: Option<&str>) -> Format {
    let Some(accept) = accept else {
        return Format::Html;
    };
    let (mut json, mut html) = (0.0f32, 0.0f32);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "application/vnd.pypi.simple.v1+json" | "application/vnd.pypi.simple.latest+json" => {
                json = json.max(q)
            }
            "application/vnd.pypi.simple.v1+html"
            | "application/vnd.pypi.simple.latest+html"
            | "text/html"
            | "text/*"
            | "*/*" => html = html.max(q),
            _ => {}
        }
    }
    if json > 0.0 && json >= html {
        Format::Json
    } else {
        Format::Html
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeRequest::*;
        for (h, len, want) in [
            (None, 10, Full),
            (Some("bytes=0-3"), 10, Partial(0, 4)),
            (Some("bytes=5-"), 10, Partial(5, 10)),
            (Some("bytes=-4"), 10, Partial(6, 10)),
            (Some("bytes=-40"), 10, Partial(0, 10)),
            (Some("bytes=8-100"), 10, Partial(8, 10)),
            (Some("bytes=10-12"), 10, Unsatisfiable),
            (Some("bytes=-0"), 10, Unsatisfiable),
            (Some("bytes=0-1,4-5"), 10, Full),
            (Some("bytes=5-2"), 10, Full),
            (Some("items=0-1"), 10, Full),
            (Some("bytes=x-1"), 10, Full),
        ] {
            assert_eq!(parse_range(h, len), want, "{h:?}");
        }
    }

    #[test]
    fn negotiation() {
        use Format::*;
        for (accept, want) in [
            (None, Html),
            (Some("*/*"), Html),
            (Some("text/html"), Html),
            (Some("application/vnd.pypi.simple.v1+json"), Json),
            (
                Some("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"),
                Json,
            ),
            (Some("application/vnd.pypi.simple.v1+json;q=0.1, text/html"), Html),
            (Some("application/vnd.pypi.simple.latest+json"), Json),
            (Some("application/vnd.pypi.simple.v1+json;q=0"), Html),
        ] {
            assert_eq!(negotiate(accept), want, "{accept:?}");
        }
    }

    #[test]
    fn decodes_paths() {
        assert_eq!(percent_decode("/files/a%2Bb-1.0.whl"), "/files/a+b-1.0.whl");
        assert_eq!(percent_decode("/x%2"), "/x%2");
        assert_eq!(percent_decode("/%zz"), "/%zz");
    }
}
