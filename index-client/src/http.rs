//! The HTTP layer: one shared client, per-host credentials, retries with
//! backoff, size limits and range requests.

use std::future::Future;
use std::io::Write;
use std::time::Duration;

use reqwest::header::{
    HeaderMap, ACCEPT, ACCEPT_ENCODING, CONTENT_RANGE, CONTENT_TYPE, RANGE, RETRY_AFTER,
};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::IndexError;
use crate::simple::percent_decode;

/// First delay between retries; doubled each time.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
/// Longest delay between retries, including a server's `Retry-After`.
const BACKOFF_CAP: Duration = Duration::from_secs(10);

/// Credentials for one origin (scheme, host and port).
#[derive(Debug, Clone)]
struct Credential {
    origin: url::Origin,
    username: String,
    password: Option<String>,
}

/// The outcome of one attempt.
pub(crate) enum Attempt<T> {
    Done(T),
    Retry {
        err: IndexError,
        after: Option<Duration>,
    },
    Fail(IndexError),
}

/// A successful page fetch.
pub(crate) struct Page {
    /// The URL after redirects, for resolving relative links.
    pub url: Url,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The answer to a request for a file's tail.
pub(crate) enum Tail {
    /// The server honoured the range.
    Partial {
        bytes: Vec<u8>,
        start: u64,
        total: u64,
    },
    /// The server sent the whole file instead; it is in a temporary file.
    Full(Downloaded),
}

/// A whole file, downloaded into an anonymous temporary file.
pub(crate) struct Downloaded {
    pub file: std::fs::File,
    pub len: u64,
    pub sha256: String,
}

pub(crate) struct Http {
    client: reqwest::Client,
    retries: u32,
    offline: bool,
    credentials: Vec<Credential>,
    netrc: crate::netrc::Netrc,
}

impl Http {
    pub fn new(
        connect_timeout: Duration,
        read_timeout: Duration,
        retries: u32,
        offline: bool,
        locations: &[Url],
        netrc: crate::netrc::Netrc,
    ) -> Result<Self, IndexError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("lockit/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(16)
            .tcp_nodelay(true);
        if !connect_timeout.is_zero() {
            builder = builder.connect_timeout(connect_timeout);
        }
        if !read_timeout.is_zero() {
            builder = builder.read_timeout(read_timeout);
        }
        builder = extra_roots(builder)?;
        let client = builder
            .build()
            .map_err(|e| IndexError::Client(e.to_string()))?;
        let credentials = locations
            .iter()
            .filter(|u| !u.username().is_empty() || u.password().is_some())
            .map(|u| Credential {
                origin: u.origin(),
                username: percent_decode(u.username()),
                password: u.password().map(percent_decode),
            })
            .collect();
        Ok(Http {
            client,
            retries,
            offline,
            credentials,
            netrc,
        })
    }

    /// The URL without credentials, and the credentials to send with it: its own,
    /// those configured for its origin, or those `.netrc` names its host with. Other
    /// origins and hosts never see them.
    fn authorize(&self, url: &Url) -> (Url, Option<(String, Option<String>)>) {
        let mut clean = url.clone();
        let own = if !url.username().is_empty() || url.password().is_some() {
            let _ = clean.set_username("");
            let _ = clean.set_password(None);
            Some((
                percent_decode(url.username()),
                url.password().map(percent_decode),
            ))
        } else {
            None
        };
        let origin = clean.origin();
        let auth = own.or_else(|| {
            self.credentials
                .iter()
                .find(|c| c.origin == origin)
                .map(|c| (c.username.clone(), c.password.clone()))
        });
        let auth = auth.or_else(|| {
            self.netrc
                .lookup(clean.host_str()?)
                .map(|m| (m.login.clone(), m.password.clone()))
        });
        (clean, auth)
    }

    /// Runs `op` with retries and backoff for transient failures.
    async fn retrying<T, F, Fut>(&self, mut op: F) -> Result<T, IndexError>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        let mut attempt = 0;
        loop {
            match op(attempt + 1).await {
                Attempt::Done(t) => return Ok(t),
                Attempt::Fail(err) => return Err(err),
                Attempt::Retry { err, after } => {
                    // A server asking for a longer wait than we would ever make is not
                    // asked again sooner: that would only prolong its trouble.
                    if attempt >= self.retries || after.is_some_and(|a| a > BACKOFF_CAP) {
                        return Err(err);
                    }
                    let backoff = BACKOFF_BASE
                        .saturating_mul(1 << attempt.min(16))
                        .min(BACKOFF_CAP);
                    let wait = after.map_or(backoff, |a| a.min(BACKOFF_CAP));
                    tracing::debug!("retrying in {wait:?}: {err}");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Sends one GET; transient failures and statuses become `Retry`.
    async fn send(
        &self,
        url: &Url,
        headers: &HeaderMap,
        attempt: u32,
    ) -> Attempt<reqwest::Response> {
        if self.offline {
            return Attempt::Fail(IndexError::offline(url));
        }
        let (clean, auth) = self.authorize(url);
        let mut request = self.client.get(clean).headers(headers.clone());
        if let Some((user, pass)) = auth {
            request = request.basic_auth(user, pass);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                if matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504) {
                    let after = retry_after(response.headers());
                    return Attempt::Retry {
                        err: IndexError::status(url, status.as_u16()),
                        after,
                    };
                }
                Attempt::Done(response)
            }
            Err(e) => transport(url, attempt, &e),
        }
    }

    /// Fetches a project or find-links page; `None` for 404/410.
    pub async fn page(
        &self,
        url: &Url,
        accept: &str,
        limit: u64,
    ) -> Result<Option<Page>, IndexError> {
        let mut headers = HeaderMap::new();
        if let Ok(v) = accept.parse() {
            headers.insert(ACCEPT, v);
        }
        self.retrying(|attempt| {
            let headers = &headers;
            async move {
                let response = match self.send(url, headers, attempt).await {
                    Attempt::Done(r) => r,
                    Attempt::Retry { err, after } => return Attempt::Retry { err, after },
                    Attempt::Fail(e) => return Attempt::Fail(e),
                };
                let status = response.status();
                if matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE) {
                    return Attempt::Done(None);
                }
                if !status.is_success() {
                    return Attempt::Fail(IndexError::status(url, status.as_u16()));
                }
                let mut final_url = response.url().clone();
                // Redirects may drop our credentials from the URL; links resolve without them anyway.
                let _ = final_url.set_username("");
                let _ = final_url.set_password(None);
                let content_type = response
                    .headers()
                    .get(CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                match read_body(response, url, limit, "a project page", attempt).await {
                    Attempt::Done(body) => Attempt::Done(Some(Page {
                        url: final_url,
                        content_type,
                        body,
                    })),
                    Attempt::Retry { err, after } => Attempt::Retry { err, after },
                    Attempt::Fail(e) => Attempt::Fail(e),
                }
            }
        })
        .await
    }

    /// Fetches a small file (a `.metadata` file); any non-success status is an error.
    pub async fn bytes(
        &self,
        url: &Url,
        limit: u64,
        what: &'static str,
    ) -> Result<Vec<u8>, IndexError> {
        let headers = identity_headers(None);
        self.retrying(|attempt| {
            let headers = &headers;
            async move {
                let response = match self.send(url, headers, attempt).await {
                    Attempt::Done(r) => r,
                    other => return other.map_never(),
                };
                if !response.status().is_success() {
                    return Attempt::Fail(IndexError::status(url, response.status().as_u16()));
                }
                read_body(response, url, limit, what, attempt).await
            }
        })
        .await
    }

    /// Asks for the last `tail` bytes of a file (as an explicit range when the
    /// size is known); a server that ignores ranges gets its whole answer kept.
    pub async fn tail(
        &self,
        url: &Url,
        size: Option<u64>,
        tail: u64,
        download_limit: u64,
    ) -> Result<Tail, IndexError> {
        let range = match size {
            Some(size) if size > 0 => format!("bytes={}-{}", size.saturating_sub(tail), size - 1),
            _ => format!("bytes=-{tail}"),
        };
        let headers = identity_headers(Some(&range));
        let result = self
            .retrying(|attempt| {
                let headers = &headers;
                async move {
                    let response = match self.send(url, headers, attempt).await {
                        Attempt::Done(r) => r,
                        other => return other.map_never(),
                    };
                    match response.status() {
                        StatusCode::PARTIAL_CONTENT => {
                            let Some((start, total)) = content_range(response.headers()) else {
                                // Unusable Content-Range: treat as "no range support".
                                return Attempt::Done(None);
                            };
                            match read_body(response, url, tail + 1024, "a range response", attempt)
                                .await
                            {
                                Attempt::Done(bytes) => Attempt::Done(Some(Tail::Partial {
                                    bytes,
                                    start,
                                    total,
                                })),
                                other => other.map_never(),
                            }
                        }
                        StatusCode::OK => {
                            match save_body(response, url, download_limit, attempt).await {
                                Attempt::Done(d) => Attempt::Done(Some(Tail::Full(d))),
                                other => other.map_never(),
                            }
                        }
                        StatusCode::RANGE_NOT_SATISFIABLE => Attempt::Done(None),
                        s => Attempt::Fail(IndexError::status(url, s.as_u16())),
                    }
                }
            })
            .await?;
        match result {
            Some(t) => Ok(t),
            None => Ok(Tail::Full(self.download(url, download_limit).await?)),
        }
    }

    /// Bytes `start..end` of a file whose server is known to honour ranges.
    pub async fn range(&self, url: &Url, start: u64, end: u64) -> Result<Vec<u8>, IndexError> {
        let range = format!("bytes={}-{}", start, end.saturating_sub(1));
        let headers = identity_headers(Some(&range));
        let want = end.saturating_sub(start);
        self.retrying(|attempt| {
            let headers = &headers;
            async move {
                let response = match self.send(url, headers, attempt).await {
                    Attempt::Done(r) => r,
                    other => return other.map_never(),
                };
                if response.status() != StatusCode::PARTIAL_CONTENT {
                    return Attempt::Fail(IndexError::status(url, response.status().as_u16()));
                }
                match read_body(response, url, want, "a range response", attempt).await {
                    Attempt::Done(bytes) if bytes.len() as u64 == want => Attempt::Done(bytes),
                    Attempt::Done(bytes) => Attempt::Retry {
                        err: IndexError::Transport {
                            url: crate::error::redact(url),
                            attempts: attempt,
                            message: format!("asked for {want} bytes, got {}", bytes.len()),
                            hint: crate::error::TRANSPORT_HINT,
                        },
                        after: None,
                    },
                    other => other,
                }
            }
        })
        .await
    }

    /// Downloads a whole file into an anonymous temporary file, hashing it on the way.
    pub async fn download(&self, url: &Url, limit: u64) -> Result<Downloaded, IndexError> {
        let headers = identity_headers(None);
        self.retrying(|attempt| {
            let headers = &headers;
            async move {
                let response = match self.send(url, headers, attempt).await {
                    Attempt::Done(r) => r,
                    other => return other.map_never(),
                };
                if !response.status().is_success() {
                    return Attempt::Fail(IndexError::status(url, response.status().as_u16()));
                }
                save_body(response, url, limit, attempt).await
            }
        })
        .await
    }
}

impl<T> Attempt<T> {
    /// Re-types a non-`Done` attempt. Panics never: `Done` is mapped by the caller first.
    fn map_never<U>(self) -> Attempt<U> {
        match self {
            Attempt::Done(_) => {
                Attempt::Fail(IndexError::Client("internal: unexpected success".into()))
            }
            Attempt::Retry { err, after } => Attempt::Retry { err, after },
            Attempt::Fail(e) => Attempt::Fail(e),
        }
    }
}

fn identity_headers(range: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    // Ranges and hashes refer to the bytes as stored: no transfer compression.
    headers.insert(
        ACCEPT_ENCODING,
        reqwest::header::HeaderValue::from_static("identity"),
    );
    if let Some(v) = range.and_then(|r| r.parse().ok()) {
        headers.insert(RANGE, v);
    }
    headers
}

fn transport<T>(url: &Url, attempt: u32, e: &reqwest::Error) -> Attempt<T> {
    let err = IndexError::transport(url, attempt, e);
    // An untrusted certificate does not heal by asking again.
    if crate::error::untrusted_certificate(e) {
        return Attempt::Fail(err);
    }
    if e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() || e.is_decode() {
        Attempt::Retry { err, after: None }
    } else {
        Attempt::Fail(err)
    }
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110 section 10.2.3).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = when.duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// `bytes START-END/TOTAL` -> (START, TOTAL).
fn content_range(headers: &HeaderMap) -> Option<(u64, u64)> {
    let v = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    let rest = v.trim().strip_prefix("bytes")?.trim();
    let (range, total) = rest.split_once('/')?;
    let (start, _end) = range.split_once('-')?;
    Some((start.trim().parse().ok()?, total.trim().parse().ok()?))
}

async fn read_body(
    mut response: reqwest::Response,
    url: &Url,
    limit: u64,
    what: &'static str,
    attempt: u32,
) -> Attempt<Vec<u8>> {
    if response.content_length().is_some_and(|l| l > limit) {
        return Attempt::Fail(IndexError::too_large(url, limit, what));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() as u64 + chunk.len() as u64 > limit {
                    return Attempt::Fail(IndexError::too_large(url, limit, what));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Attempt::Done(body),
            Err(e) => return transport(url, attempt, &e),
        }
    }
}

async fn save_body(
    mut response: reqwest::Response,
    url: &Url,
    limit: u64,
    attempt: u32,
) -> Attempt<Downloaded> {
    if response.content_length().is_some_and(|l| l > limit) {
        return Attempt::Fail(IndexError::too_large(url, limit, "a download"));
    }
    let io_err = |e: std::io::Error| {
        Attempt::Fail(IndexError::Io {
            path: "temporary file".into(),
            message: e.to_string(),
        })
    };
    let mut file = match tempfile::tempfile() {
        Ok(f) => f,
        Err(e) => return io_err(e),
    };
    let mut hasher = Sha256::new();
    let mut len = 0u64;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                len += chunk.len() as u64;
                if len > limit {
                    return Attempt::Fail(IndexError::too_large(url, limit, "a download"));
                }
                hasher.update(&chunk);
                if let Err(e) = file.write_all(&chunk) {
                    return io_err(e);
                }
            }
            Ok(None) => break,
            Err(e) => return transport(url, attempt, &e),
        }
    }
    Attempt::Done(Downloaded {
        file,
        len,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// On Linux the platform verifier reads the system store through
/// rustls-native-certs, which already honours `SSL_CERT_FILE` and `SSL_CERT_DIR`.
/// Elsewhere the OS verifier ignores them, so a bundle named there is merged in.
#[cfg(target_os = "linux")]
fn extra_roots(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, IndexError> {
    Ok(builder)
}

#[cfg(not(target_os = "linux"))]
fn extra_roots(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, IndexError> {
    let Some(path) = std::env::var_os("SSL_CERT_FILE") else {
        return Ok(builder);
    };
    let pem = std::fs::read(&path).map_err(|e| IndexError::Io {
        path: std::path::Path::new(&path).display().to_string(),
        message: e.to_string(),
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| IndexError::Client(format!("bad certificates in SSL_CERT_FILE: {e}")))?;
    Ok(builder.tls_certs_merge(certs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, " 7 ".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a past date: now");
        let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30);
        let text = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&soon)
            .unwrap();
        h.insert(RETRY_AFTER, text.parse().unwrap());
        let wait = retry_after(&h).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn content_range_parsing() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_RANGE, "bytes 100-199/1234".parse().unwrap());
        assert_eq!(content_range(&h), Some((100, 1234)));
        h.insert(CONTENT_RANGE, "bytes 0-9/*".parse().unwrap());
        assert_eq!(content_range(&h), None);
    }

    #[test]
    fn credentials_stay_with_their_origin() {
        let idx = Url::parse("https://us%40er:p%3Ass@private.example/simple/").unwrap();
        let netrc = crate::netrc::Netrc::parse(
            "machine private.example login n password p\nmachine other.example login o password q",
        );
        let http = Http::new(Duration::ZERO, Duration::ZERO, 0, false, &[idx], netrc).unwrap();
        let (clean, auth) =
            http.authorize(&Url::parse("https://private.example/files/a.whl").unwrap());
        assert_eq!(clean.as_str(), "https://private.example/files/a.whl");
        assert_eq!(auth, Some(("us@er".into(), Some("p:ss".into()))));
        let (_, auth) =
            http.authorize(&Url::parse("https://private.example:8443/files/a.whl").unwrap());
        // Not the URL's origin; `.netrc` names hosts without ports, like curl.
        assert_eq!(auth, Some(("n".into(), Some("p".into()))));
        let (_, auth) = http.authorize(&Url::parse("https://third.example/files/a.whl").unwrap());
        assert_eq!(auth, None);
        // `.netrc` credentials go to the host they name, and URL credentials win over them.
        let (_, auth) = http.authorize(&Url::parse("https://other.example/files/a.whl").unwrap());
        assert_eq!(auth, Some(("o".into(), Some("q".into()))));
    }
}
