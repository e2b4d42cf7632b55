//! What `lockit verify` says about a lock: one JSON document for tools, GitHub annotations,
//! and the lines for people.

use serde::Serialize;

use super::Finding;

/// `verify --format json`, schema version 1: `findings` have `kind`, `file`, `line`,
/// `package`, `expected`, `found` and `message`; `unchecked` lists pins not checked.
#[derive(Serialize)]
pub struct Report<'a> {
    version: u32,
    lock: &'a str,
    current: bool,
    pins: usize,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    unchecked: &'a [String],
    findings: &'a [Finding],
}

impl<'a> Report<'a> {
    /// The report on the lock `lock` of `pins` pins: what was found, and the pins that
    /// could not be checked.
    pub fn new(
        lock: &'a str,
        findings: &'a [Finding],
        pins: usize,
        unchecked: &'a [String],
    ) -> Self {
        Report {
            version: 1,
            lock,
            current: findings.is_empty(),
            pins,
            unchecked,
            findings,
        }
    }

    /// True when nothing was found.
    pub fn current(&self) -> bool {
        self.current
    }

    /// The JSON document, with a final newline.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).map_or_else(|_| String::new(), |t| t + "\n")
    }

    /// A GitHub Actions workflow command per finding.
    pub fn annotations(&self) -> String {
        self.findings
            .iter()
            .map(Finding::github_annotation)
            .collect()
    }

    /// The lines for people: current (for `target`, unless `quiet`) or each finding and
    /// what to do, then the pins that could not be checked, an error unless
    /// `allow_unchecked` accepts them.
    pub fn text(&self, target: Option<&str>, quiet: bool, allow_unchecked: bool) -> String {
        let (lock, pins) = (self.lock, self.pins);
        let mut out = String::new();
        if self.current {
            if !quiet {
                let target = target.map(|t| format!(" for {t}")).unwrap_or_default();
                out += &format!("`{lock}` is current ({pins} pins{target})\n");
            }
        } else {
            out += &format!("error: `{lock}` is not current:\n");
            for f in self.findings {
                out += &format!("  {}\n", f.headline());
            }
            out += "hint: run the `lockit resolve` command in its header to update it\n";
        }
        if !self.unchecked.is_empty() && (!quiet || !allow_unchecked) {
            let severity = if allow_unchecked { "warning" } else { "error" };
            out += &format!(
                "{severity}: {} of {pins} pins could not be checked (not in the cache): {}\n",
                self.unchecked.len(),
                self.unchecked.join(", ")
            );
            if !allow_unchecked {
                out += "hint: run `lockit verify` online, or pass --allow-unchecked to accept an incomplete check\n";
            }
        }
        out
    }
}
