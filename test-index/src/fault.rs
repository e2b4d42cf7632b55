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
    /// Send the headers (with the full `Content-Length`) and half the body, then stall for
    /// this long without a byte or closing: a server hanging mid-response, past any read
    /// timeout shorter than this.
    StallBody(Duration),
    /// Answer `200` with a body of `len` filler bytes, streamed without ever holding it in
    /// memory. With `declare_length` the length is announced in `Content-Length`; without,
    /// the body runs until the connection closes, so only counting bytes can stop it.
    Huge {
        /// How many bytes to send.
        len: u64,
        /// Whether to send `Content-Length`.
        declare_length: bool,
    },
}

/// A fault applied at random: each matching request draws from a generator seeded with
/// `seed` and gets one of `faults` with probability `per_mille / 1000`, else no fault.
/// Requests that arrive in the same order get the same faults.
#[derive(Debug, Clone)]
pub(crate) struct Random {
    pub faults: Vec<Fault>,
    pub per_mille: u32,
    pub state: u64,
}

impl Random {
    /// xorshift64*: small, deterministic, good enough to pick faults.
    fn next(&mut self) -> u64 {
        let mut x = self.state.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn draw(&mut self) -> Option<Fault> {
        let roll = self.next() % 1000;
        let pick = self.next();
        if roll >= u64::from(self.per_mille) || self.faults.is_empty() {
            return None;
        }
        let i = usize::try_from(pick % self.faults.len() as u64).unwrap_or(0);
        self.faults.get(i).cloned()
    }
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
    /// When set, `fault` is ignored and a fault is drawn at random per request.
    pub random: Option<Random>,
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
    if let Some(random) = &mut rules[i].random {
        return random.draw();
    }
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
                random: None,
            },
            FaultRule {
                pattern: "/simple/*".into(),
                fault: Fault::Status(503),
                remaining: None,
                random: None,
            },
        ];
        assert_eq!(take(&mut rules, "/files/a.whl"), Some(Fault::Drop));
        assert_eq!(take(&mut rules, "/files/a.whl"), None);
        assert_eq!(take(&mut rules, "/simple/x/"), Some(Fault::Status(503)));
        assert_eq!(take(&mut rules, "/simple/x/"), Some(Fault::Status(503)));
        assert_eq!(take(&mut rules, "/json/simple/x/"), None);
    }

    #[test]
    fn random_faults_follow_the_seed() {
        let rule = |seed| FaultRule {
            pattern: "*".into(),
            fault: Fault::Drop,
            remaining: None,
            random: Some(Random {
                faults: vec![Fault::Drop, Fault::Status(503)],
                per_mille: 300,
                state: seed,
            }),
        };
        let draws = |seed| {
            let mut rules = vec![rule(seed)];
            (0..1000)
                .map(|_| take(&mut rules, "/x"))
                .collect::<Vec<_>>()
        };
        let a = draws(7);
        assert_eq!(a, draws(7));
        assert_ne!(a, draws(8));
        let hits = a.iter().filter(|f| f.is_some()).count();
        assert!((200..400).contains(&hits), "{hits} faults in 1000 at 30%");
        assert!(a.contains(&Some(Fault::Drop)) && a.contains(&Some(Fault::Status(503))));
    }
}
