//! What can go wrong while talking to an index, and which failures merely make
//! one version unusable.

use lockit_resolver::{
    file_problems_text, BuildBan, BuildFailure, FileProblem, InvalidMetadata, Unusable,
};
use lockit_types::{redact_text, RedactedUrl};
use url::Url;

/// An index client failure. URLs in messages never carry credentials.
#[derive(Debug, Clone, thiserror::Error)]
pub enum IndexError {
    /// An index URL or find-links location given in the options is not usable.
    #[error("invalid index location `{location}`: {reason}")]
    InvalidLocation {
        /// The location, redacted.
        location: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be set up (TLS roots, proxy settings).
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
    /// The connection failed or timed out, after retries.
    #[error("request to `{url}` failed after {attempts} attempt(s): {message}; {hint}")]
    Transport {
        /// The URL, redacted.
        url: String,
        /// How many attempts were made.
        attempts: u32,
        /// The transport error.
        message: String,
        /// What to try.
        hint: &'static str,
    },
    /// The server answered with an error status, after retries for transient ones.
    #[error("`{url}` answered HTTP {status}{}", status_hint(url, *status))]
    Status {
        /// The URL, redacted.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// A response or file was larger than the limit we accept.
    #[error(
        "`{url}` is larger than the {limit}-byte limit for {what}; the server may be misbehaving"
    )]
    TooLarge {
        /// The URL, redacted.
        url: String,
        /// The limit in bytes.
        limit: u64,
        /// What was being read.
        what: &'static str,
    },
    /// A project page could not be parsed.
    #[error("could not parse the project page `{url}`: {reason}; is this a PEP 503/691 Simple API index?")]
    BadPage {
        /// The URL, redacted.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// A downloaded file does not match the sha256 the index published.
    #[error("`{url}` has sha256 {actual} but the index says {expected}; the file changed or the download was corrupted, try again or report it to the index")]
    HashMismatch {
        /// The URL, redacted.
        url: String,
        /// The hash the index published.
        expected: String,
        /// The hash of the bytes received.
        actual: String,
    },
    /// Offline mode and the cache does not have what was asked for.
    #[error("`{url}` is not in the cache and `--offline` forbids network access; run once without `--offline` to fill the cache")]
    Offline {
        /// The URL, redacted.
        url: String,
    },
    /// A local file or directory could not be read.
    #[error("could not read `{path}`: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
    /// No file of this version yields usable core metadata (sdist with dynamic
    /// dependencies, no wheel or sdist, unsupported archive format).
    #[error(
        "no usable metadata for `{name}` {version}: {}",
        file_problems_text(files, Some((name, version)))
    )]
    MetadataUnavailable {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// Why each candidate file was rejected, in the order tried.
        files: Vec<FileProblem>,
    },
    /// The version has only an sdist whose metadata must be built, and the build policy
    /// forbids building it.
    #[error("`{name}` {version} has only an sdist whose metadata must be built, and {flag} forbids building it")]
    BuildDisabled {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// The option that forbids it (`--no-build`, `--no-build-package NAME`).
        flag: BuildBan,
    },
    /// Building the sdist's metadata failed (PEP 517 hook error, timeout, build requirements).
    #[error("building the metadata of `{name}` {version} failed: {reason}")]
    BuildFailed {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// What failed; its one line names the hook and its last error line.
        reason: BuildFailure,
    },
    /// A file's metadata or archive is malformed.
    #[error("{}", invalid.full(name, version))]
    BadMetadata {
        /// The project.
        name: String,
        /// The version.
        version: String,
        /// The file (redacted), the field at fault and what is wrong.
        invalid: Box<InvalidMetadata>,
    },
}

/// What to try after a connection failure of no more particular kind.
pub(crate) const TRANSPORT_HINT: &str = "check the network, proxy and certificates (SSL_CERT_FILE), or use `--offline` with a warm cache";

/// What to try after an error status. `--refresh` is named only where a stale cached
/// page can be the cause: a file the index no longer has, listed on a page read from
/// the cache. A local file that is missing is just missing.
fn status_hint(url: &str, status: u16) -> &'static str {
    match status {
        401 | 403 => {
            "; the index needs credentials: put them in the index URL (`https://user:token@host/simple/`)"
        }
        404 | 410 if url.starts_with("file:") => "; the file does not exist",
        404 | 410 => {
            "; the index no longer has it (if a project page from the cache lists it, `--refresh` reads the page again)"
        }
        416 => "; the server rejected a range request",
        429 => "; the index is rate limiting, try again later",
        500..=599 => "; the index is having trouble, try again later",
        _ => "",
    }
}

impl IndexError {
    /// True when this version's metadata cannot be had (the resolver skips the
    /// version); false for transport, HTTP and offline failures, which are fatal.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            IndexError::MetadataUnavailable { .. }
                | IndexError::BadMetadata { .. }
                | IndexError::BuildDisabled { .. }
                | IndexError::BuildFailed { .. }
        )
    }

    /// Why this version cannot be used, typed as the resolver records it; `None` for a
    /// failure that is fatal (see [`IndexError::is_unavailable`]).
    pub fn unusable(&self) -> Option<Unusable> {
        match self {
            IndexError::BuildDisabled { flag, .. } => Some(Unusable::BuildForbidden(flag.clone())),
            IndexError::BuildFailed { reason, .. } => Some(Unusable::BuildFailed(reason.clone())),
            IndexError::MetadataUnavailable { .. } | IndexError::BadMetadata { .. } => {
                Some(Unusable::NoMetadata(self.file_problems()))
            }
            _ => None,
        }
    }

    /// The per-file problems this error stands for (empty for any other error).
    pub(crate) fn file_problems(&self) -> Vec<FileProblem> {
        match self {
            IndexError::MetadataUnavailable { files, .. } => files.clone(),
            IndexError::BadMetadata { invalid, .. } => {
                vec![FileProblem::Invalid(invalid.as_ref().clone())]
            }
            _ => Vec::new(),
        }
    }

    pub(crate) fn status(url: &Url, status: u16) -> Self {
        IndexError::Status {
            url: redact(url),
            status,
        }
    }

    pub(crate) fn transport(url: &Url, attempts: u32, err: &reqwest::Error) -> Self {
        let message = error_chain(err);
        let hint = if err.is_redirect() {
            "the server redirects in a loop or too often; check the index URL"
        } else if err.is_timeout() {
            "the index stopped answering; try again, or raise `--read-timeout` / `--connect-timeout` for a slow network"
        } else if untrusted_certificate(err) {
            "the index's TLS certificate is not trusted; for a corporate CA set SSL_CERT_FILE or SSL_CERT_DIR"
        } else {
            TRANSPORT_HINT
        };
        IndexError::Transport {
            url: redact(url),
            attempts,
            message,
            hint,
        }
    }

    pub(crate) fn too_large(url: &Url, limit: u64, what: &'static str) -> Self {
        IndexError::TooLarge {
            url: redact(url),
            limit,
            what,
        }
    }

    pub(crate) fn offline(url: &Url) -> Self {
        IndexError::Offline { url: redact(url) }
    }
}

/// True when TLS refused the server's certificate: a rustls error among `err`'s sources
/// (an I/O error carries it on the way, and hides it from `source()`).
pub(crate) fn untrusted_certificate(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if matches!(
            e.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented)
        ) {
            return true;
        }
        // An I/O error's `source()` skips the error it wraps: look at that one next.
        current = match e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    false
}

/// A URL as text with any username and password replaced by `***` (see [`RedactedUrl`]).
pub(crate) fn redact(url: &Url) -> String {
    RedactedUrl::from_url(url).to_string()
}

/// A location given by the user (URL or path) with credentials redacted; a URL shows as it
/// parses (the form the rest of a message uses), anything else as given.
pub(crate) fn redact_str(location: &str) -> String {
    match Url::parse(location) {
        Ok(url) => redact(&url),
        Err(_) => location.to_string(),
    }
}

/// The error and its sources on one line, without the URL reqwest puts in front.
fn error_chain(err: &reqwest::Error) -> String {
    let mut out = String::new();
    let mut current: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
        current = e.source();
    }
    // reqwest includes the URL ("error sending request for url (...)"); scrub any
    // credentials that might have been in it.
    redact_text(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted() {
        let url = Url::parse("https://alice:secret@example.com/simple/")
            .unwrap_or_else(|e| panic!("{e}"));
        let err = IndexError::status(&url, 401);
        let text = err.to_string();
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.contains("alice"), "{text}");
        assert!(text.contains("example.com"), "{text}");
        assert_eq!(
            redact_text("error sending request for url (https://a:b@h.org/x)"),
            "error sending request for url (https://***@h.org/x)"
        );
        assert_eq!(redact_text("no urls here"), "no urls here");
    }

    #[test]
    fn a_release_s_reasons_name_it_once() {
        let sdist = FileProblem::NoStaticMetadata {
            file: "x.tar.gz".into(),
            gaps: vec![lockit_resolver::StaticGap::NoPkgInfo],
        };
        let outer = IndexError::MetadataUnavailable {
            name: "tornado".into(),
            version: "4.0".into(),
            files: vec![sdist.clone(), sdist],
        };
        assert_eq!(
            outer.to_string(),
            "no usable metadata for `tornado` 4.0: the sdist `x.tar.gz` has no static metadata (no PKG-INFO); the sdist `x.tar.gz` has no static metadata (no PKG-INFO)"
        );
    }

    #[test]
    fn refresh_is_offered_only_where_a_cached_page_can_be_stale() {
        let web = Url::parse("https://example.com/f.whl").unwrap_or_else(|e| panic!("{e}"));
        assert!(IndexError::status(&web, 404)
            .to_string()
            .contains("--refresh"));
        let local = Url::parse("file:///tmp/f.whl").unwrap_or_else(|e| panic!("{e}"));
        let text = IndexError::status(&local, 404).to_string();
        assert!(!text.contains("--refresh"), "{text}");
        assert!(!IndexError::status(&web, 503)
            .to_string()
            .contains("--refresh"));
    }

    #[test]
    fn an_untrusted_certificate_is_told_by_type_not_by_words() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let wrapped =
            std::io::Error::other(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
        assert!(untrusted_certificate(&wrapped));
        let words = std::io::Error::other("invalid peer certificate: UnknownIssuer");
        assert!(!untrusted_certificate(&words));
    }

    #[test]
    fn unavailable_vs_fatal() {
        let url = Url::parse("https://example.com/").unwrap_or_else(|e| panic!("{e}"));
        assert!(!IndexError::status(&url, 503).is_unavailable());
        assert!(!IndexError::offline(&url).is_unavailable());
        let unavailable = IndexError::MetadataUnavailable {
            name: "a".into(),
            version: "1".into(),
            files: vec![FileProblem::NoFiles],
        };
        assert!(unavailable.is_unavailable());
        assert_eq!(
            unavailable.unusable(),
            Some(Unusable::NoMetadata(vec![FileProblem::NoFiles]))
        );
        assert_eq!(IndexError::status(&url, 503).unusable(), None);
    }
}
