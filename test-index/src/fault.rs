//! Faults a test can inject into the responses for chosen URLs.

use std::time::Duration;

/// What goes wrong with a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a short text body.
    Status(u16),
    /// Answer with this status (429, 503) and `Retry-After: seconds`.
    RetryAfter {
        /// The status code.
        status: u16,
        /// The `Retry-After` value in seconds.
        seconds: u64,
    },
    /// Close the connection without answering.
    Drop,
    /// Send the headers of the real response (with its full `Content-Length`), then half
    /// the body, then close.
    Truncate,
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer normally but with the body's bytes altered, so that hashes no longer match.
    Corrupt,
    /// Answer normally but with this body instead (malformed JSON or HTML, huge bodies).
    Body(Vec<u8>),
    /// Answer `302 Found` pointing at this location (the same path gives a redirect loop).
    Redirect(String),
}

/// A fault and the requests it applies to.
#[derive(Debug, Clone)]
pub(crate) struct FaultRule {
    /// An exact decoded path (`/files/a-1.0-py3-none-any.whl.metadata`), or a prefix ending
    /// in `*` (`/simple/*`).
    pub pattern: String,
    pub fault: Fault,
    /// How many more requests it applies to; `None` for all.
    pub remaining: Option<u32>,
}

impl FaultRule {
    pub fn matches(&self, path: &str) -> bool {
        match self.pattern.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.pattern,
        }
    }
}

/// Takes the first rule matching `path`, counting down its remaining uses.
pub(crate) fn take(rules: &mut Vec<FaultRule>, path: &str) -> Option<Fault> {
    let i = rules.iter().position(|r| r.matches(path))?;
    let fault = rules[i].fault.clone();
    if let Some(n) = &mut rules[i].remaining {
        *n = n.saturating_sub(1);
        if *n == 0 {
            rules.remove(i);
        }
    }
    Some(fault)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_and_count_down() {
        let mut rules = vec![
            FaultRule {
                pattern: "/files/a.whl".into(),
                fault: Fault::Drop,
                remaining: Some(1),
            },
            FaultRule {
                pattern: "/simple/*".into(),
                fault: Fault::Status(503),
                remaining: None,
            },
        ];
        assert_eq!(take(&mut rules, "/files/a.whl"), Some(Fault::Drop));
        assert_eq!(take(&mut rules, "/files/a.whl"), None);
        assert_eq!(take(&mut rules, "/simple/x/"), Some(Fault::Status(503)));
        assert_eq!(take(&mut rules, "/simple/x/"), Some(Fault::Status(503)));
        assert_eq!(take(&mut rules, "/json/simple/x/"), None);
    }
}
