//! URLs as they may be shown: never with the user name or password they may carry. A lock's
//! header, an error message and a log line all go through [`RedactedUrl`].

use std::fmt;

use url::Url;

/// A URL, or an argument that holds one (`--index-url=URL`), shown with any `user:password@`
/// replaced by `***@`. Apart from that the text is kept as given: a URL typed on the command
/// line is recorded as it was typed, and a parsed [`Url`] shows as it serializes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedactedUrl<'a> {
    text: &'a str,
}

impl<'a> RedactedUrl<'a> {
    /// Text as the user gave it: a URL, a path, or `--flag=URL`.
    pub fn new(text: &'a str) -> Self {
        RedactedUrl { text }
    }

    /// A parsed URL (its user name and password are percent-encoded, so the text form
    /// finds exactly the part [`Url::username`] and [`Url::password`] read).
    pub fn from_url(url: &'a Url) -> Self {
        RedactedUrl { text: url.as_str() }
    }

    /// The text before the credentials (through `://`) and after them (from the `@` on),
    /// when there are credentials: the part between `://` and the last `@` of the authority.
    fn split(&self) -> Option<(&'a str, &'a str)> {
        let text = self.text;
        let scheme_end = text.find("://")? + 3;
        let rest = &text[scheme_end..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let at = rest[..authority_end].rfind('@')?;
        Some((&text[..scheme_end], &rest[at..]))
    }

    /// True when the text carries a user name or a password.
    pub fn has_credentials(&self) -> bool {
        self.split().is_some()
    }

    /// The text with the credentials left out altogether (`https://host/…`): a recorded
    /// index is a place, and its credentials come from wherever the lock is used.
    pub fn without_credentials(&self) -> String {
        match self.split() {
            Some((before, after)) => format!("{before}{}", &after[1..]),
            None => self.text.to_string(),
        }
    }
}

impl fmt::Display for RedactedUrl<'_> {
    /// `https://user:secret@host/…` as `https://***@host/…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.split() {
            Some((before, after)) => write!(f, "{before}***{after}"),
            None => f.write_str(self.text),
        }
    }
}

/// Free text (an error chain that quotes URLs) with `user:pass@` of every URL in it
/// replaced by `***@`; a URL's authority ends at whitespace, `/`, `)`, `"` or a backtick.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == ')' || c == '/' || c == '"' || c == '`')
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("***@");
                rest = &tail[at + 1..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn credentials_are_replaced_and_the_rest_kept_as_written() {
        for (text, shown, bare) in [
            (
                "https://user:pw@example.org/simple/",
                "https://***@example.org/simple/",
                "https://example.org/simple/",
            ),
            (
                "--index-url=https://tok@example.org/simple",
                "--index-url=https://***@example.org/simple",
                "--index-url=https://example.org/simple",
            ),
            (
                "https://u:p@Example.ORG",
                "https://***@Example.ORG",
                "https://Example.ORG",
            ),
            (
                "https://example.org/simple/",
                "https://example.org/simple/",
                "https://example.org/simple/",
            ),
            (
                "https://example.org/a@b",
                "https://example.org/a@b",
                "https://example.org/a@b",
            ),
            ("https://h?q=a@b", "https://h?q=a@b", "https://h?q=a@b"),
            ("requirements.in", "requirements.in", "requirements.in"),
            ("https://a@b@host/x", "https://***@host/x", "https://host/x"),
        ] {
            let r = RedactedUrl::new(text);
            assert_eq!(r.to_string(), shown, "{text}");
            assert_eq!(r.without_credentials(), bare, "{text}");
            assert_eq!(r.has_credentials(), text != shown, "{text}");
        }
    }

    #[test]
    fn a_parsed_url_shows_as_it_serializes() {
        let url = Url::parse("https://alice:s%40cret@Example.com/simple").expect("valid");
        assert_eq!(
            RedactedUrl::from_url(&url).to_string(),
            "https://***@example.com/simple"
        );
        let only_password = Url::parse("https://:pw@example.com/").expect("valid");
        assert_eq!(
            RedactedUrl::from_url(&only_password).to_string(),
            "https://***@example.com/"
        );
    }

    #[test]
    fn urls_in_free_text_lose_their_credentials() {
        assert_eq!(
            redact_text("error sending request for url (https://a:b@h.org/x)"),
            "error sending request for url (https://***@h.org/x)"
        );
        assert_eq!(
            redact_text("`http://u:p@a/` then http://v@b"),
            "`http://***@a/` then http://***@b"
        );
        assert_eq!(redact_text("no urls here"), "no urls here");
    }

    /// What the index client did before: the `url` crate's own setters.
    fn with_setters(url: &Url) -> String {
        if url.username().is_empty() && url.password().is_none() {
            return url.to_string();
        }
        let mut clean = url.clone();
        let _ = clean.set_username("***");
        let _ = clean.set_password(None);
        clean.to_string()
    }

    proptest! {
        #[test]
        fn never_shows_the_user_or_password(
            user in "[a-zA-Z0-9@:/?#%._~-]{1,12}",
            password in proptest::option::of("[a-zA-Z0-9@:/?#%._~-]{1,12}"),
            path in "(/[a-z0-9]{0,6}){0,3}",
        ) {
            let mut url = Url::parse(&format!("https://index.example{path}")).expect("valid");
            url.set_username(&user).expect("https has users");
            url.set_password(password.as_deref()).expect("https has passwords");
            let shown = RedactedUrl::from_url(&url).to_string();
            let bare = RedactedUrl::from_url(&url).without_credentials();
            for secret in std::iter::once(url.username()).chain(url.password()) {
                let userinfo = format!("{secret}@");
                prop_assert!(!shown.contains(&userinfo), "{shown}");
                prop_assert!(!bare.contains(&userinfo), "{bare}");
            }
            prop_assert_eq!(&shown, &with_setters(&url));
            let mut clean = url.clone();
            let _ = clean.set_username("");
            let _ = clean.set_password(None);
            prop_assert_eq!(bare, clean.to_string());
        }

        #[test]
        fn text_without_credentials_is_kept(text in "[a-zA-Z0-9:/?#._=-]{0,30}") {
            prop_assume!(!text.contains('@'));
            prop_assert_eq!(RedactedUrl::new(&text).to_string(), text.clone());
            prop_assert_eq!(RedactedUrl::new(&text).without_credentials(), text);
        }
    }
}
