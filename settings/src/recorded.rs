//! The settings in a lock's header, both ways: [`LockSettings::record`] writes them as
//! `(key, value)` fields (requirements.txt's `# key: value` comments and pylock.toml's
//! `[tool.lockit]` are two encodings of that list, see `lockit_lockfile::Header`), and
//! [`Requested::from_recorded`] reads them back as typed fields. No command line is parsed.

use lockit_index_client::IndexStrategy;
use lockit_lockfile::Header;
use lockit_resolver::{Coverage, PrereleaseMode, ResolutionMode};

use crate::{LockSettings, Requested};

/// The value of a flag that is set.
const TRUE: &str = "true";

impl LockSettings {
    /// Records in `header` what decided the answer, whether it came from flags, files, the
    /// environment or the local interpreter: the target, the inputs and their selection,
    /// the indexes, the cutoff and every policy that differs from the default.
    pub fn record(&self, header: &mut Header) {
        let r = &self.requested;
        header.record("python", &self.environment.python().to_string());
        header.record("platform", &self.environment.recorded_platform());
        for url in &self.index_urls {
            header.record("index-url", url);
        }
        for link in &self.find_links {
            header.record("find-links", link);
        }
        if let Some(cutoff) = self.exclude_newer {
            header.record("exclude-newer", &cutoff.to_string());
        }
        for (name, at) in &self.exclude_newer_packages {
            header.record("exclude-newer-package", &format!("{name}={at}"));
        }
        header.record("prerelease", self.prerelease.as_str());
        if self.resolution != ResolutionMode::Highest {
            header.record("resolution", self.resolution.as_str());
        }
        let lists: [(&str, Vec<String>); 11] = [
            ("environment", r.environments.clone()),
            ("required-environment", r.required_environments.clone()),
            ("input", paths(&r.inputs)),
            ("constraint", paths(&r.constraints)),
            ("override", paths(&r.overrides)),
            ("extra", r.extras.clone()),
            ("group", r.groups.clone()),
            ("only-binary", r.only_binary.clone()),
            ("no-binary", r.no_binary.clone()),
            ("no-build-package", r.no_build_packages.clone()),
            (
                "index-strategy",
                match self.index_strategy {
                    IndexStrategy::FirstIndex => Vec::new(),
                    IndexStrategy::UnsafeBestMatch => vec!["unsafe-best-match".to_string()],
                },
            ),
        ];
        for (key, values) in lists {
            for value in values {
                header.record(key, &value);
            }
        }
        let flags = [
            ("all-extras", r.all_extras),
            ("no-index", self.index_urls.is_empty()),
            ("no-build", r.no_build),
            ("no-annotate", r.style.no_annotate),
            ("no-strip-extras", r.style.no_strip_extras),
            ("emit-index-url", r.style.emit_index_url),
        ];
        for (key, set) in flags {
            if set {
                header.record(key, TRUE);
            }
        }
        if r.style.line_annotations {
            header.record("annotation-style", "line");
        }
    }

    /// Records, for a universal lock, the checked environments that can install every pin
    /// they select: one `covers` line per platform, with its Pythons.
    pub fn record_coverage(header: &mut Header, coverage: &[Coverage]) {
        let mut by_platform: Vec<(String, Vec<String>)> = Vec::new();
        for c in coverage.iter().filter(|c| c.gaps.is_empty()) {
            let platform = c.target.platform.to_string();
            let python = c.target.python_minor();
            match by_platform.iter_mut().find(|(p, _)| *p == platform) {
                Some((_, pythons)) => pythons.push(python),
                None => by_platform.push((platform, vec![python])),
            }
        }
        for (platform, pythons) in by_platform {
            header.record(
                "covers",
                &format!("{platform}: CPython {}", pythons.join(", ")),
            );
        }
    }
}

/// Paths as the header writes them.
fn paths(list: &[std::path::PathBuf]) -> Vec<String> {
    list.iter().map(|p| p.display().to_string()).collect()
}

impl Requested {
    /// What a lock's header recorded (`recorded`: its `(key, value)` fields), as a request
    /// that `lockit verify` and `lockit explain` repeat. Unknown keys and values that do not
    /// parse are left out (a hand-edited header then differs from what `resolve` would
    /// write, which `verify` reports).
    pub fn from_recorded(recorded: &[(String, String)]) -> Requested {
        let all = |key: &str| -> Vec<String> {
            recorded
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let first = |key: &str| all(key).into_iter().next();
        let flag = |key: &str| first(key).is_some_and(|v| v == TRUE);
        let indexes = all("index-url");
        let platform = first("platform");
        let universal = platform.as_deref() == Some("universal");
        let mut requested = Requested {
            inputs: all("input").into_iter().map(Into::into).collect(),
            constraints: all("constraint").into_iter().map(Into::into).collect(),
            overrides: all("override").into_iter().map(Into::into).collect(),
            extras: all("extra"),
            all_extras: flag("all-extras"),
            groups: all("group"),
            python_version: first("python"),
            python_platform: platform.filter(|_| !universal),
            python: None,
            universal,
            environments: all("environment"),
            required_environments: all("required-environment"),
            index_url: indexes.first().cloned(),
            extra_index_urls: indexes.iter().skip(1).cloned().collect(),
            find_links: all("find-links"),
            no_index: flag("no-index"),
            index_strategy: match first("index-strategy").as_deref() {
                Some("unsafe-best-match") => Some(IndexStrategy::UnsafeBestMatch),
                Some("first-index") => Some(IndexStrategy::FirstIndex),
                _ => None,
            },
            exclude_newer: first("exclude-newer"),
            exclude_newer_packages: all("exclude-newer-package"),
            prerelease: first("prerelease").and_then(|p| prerelease(&p)),
            resolution: first("resolution").and_then(|r| resolution(&r)),
            pre: false,
            only_binary: all("only-binary"),
            no_binary: all("no-binary"),
            no_build: flag("no-build"),
            no_build_packages: all("no-build-package"),
            style: Default::default(),
        };
        requested.style.no_annotate = flag("no-annotate");
        requested.style.no_strip_extras = flag("no-strip-extras");
        requested.style.emit_index_url = flag("emit-index-url");
        requested.style.line_annotations = first("annotation-style").as_deref() == Some("line");
        requested
    }

    /// True when `recorded` names the inputs, as every header since the settings model
    /// does; older headers are read together with the command they record.
    pub fn recorded_in_full(recorded: &[(String, String)]) -> bool {
        recorded.iter().any(|(k, _)| k == "input")
    }
}

/// A resolution strategy, as `--resolution` spells it.
pub(crate) fn resolution(text: &str) -> Option<ResolutionMode> {
    [
        ResolutionMode::Highest,
        ResolutionMode::Lowest,
        ResolutionMode::LowestDirect,
    ]
    .into_iter()
    .find(|m| m.as_str() == text)
}

/// A recorded pre-release policy, as `--prerelease` spells it.
pub(crate) fn prerelease(text: &str) -> Option<PrereleaseMode> {
    [
        PrereleaseMode::Pep440,
        PrereleaseMode::Disallow,
        PrereleaseMode::Allow,
        PrereleaseMode::IfNecessary,
        PrereleaseMode::Explicit,
        PrereleaseMode::IfNecessaryOrExplicit,
    ]
    .into_iter()
    .find(|m| m.as_str() == text)
}

#[cfg(test)]
mod tests;
