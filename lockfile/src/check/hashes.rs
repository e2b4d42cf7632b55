//! Hash checks: pins without hashes, hashes that match no file of the index, and pins whose
//! hashes belong to another version (a hand-edited version).

use std::collections::BTreeSet;

use lockit_types::{url_file_name, DistFile, ProjectFiles, Version};

use super::{Finding, FindingKind};
use crate::{ParsedLock, Pin};

/// One finding per pin that carries no hash.
pub fn missing_hashes(lock: &ParsedLock, lock_name: &str) -> Vec<Finding> {
    lock.pins
        .iter()
        .filter(|p| {
            p.hashes.is_empty()
                && !p
                    .url
                    .as_deref()
                    .is_some_and(|u| is_folder_url(u) || is_git_commit(u))
        })
        .map(|p| {
            let message = format!("{lock_name}:{}: `{}` has no hashes", p.line, p.name);
            Finding::about(p, FindingKind::NoHashes, message, lock_name, p.line)
        })
        .collect()
}

/// True for a `file:` URL of a folder (a local project), which has no hash: its last part
/// is not a wheel or sdist.
fn is_folder_url(url: &str) -> bool {
    let file = url_file_name(url).to_ascii_lowercase();
    url.starts_with("file:")
        && ![
            ".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz", ".tar",
        ]
        .iter()
        .any(|ext| file.ends_with(ext))
}

/// True for a `git+` URL pinned to a full commit SHA, which names its content as a hash
/// does (pip refuses hashes on VCS requirements).
fn is_git_commit(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("git+") else {
        return false;
    };
    let location = rest.split('#').next().unwrap_or(rest);
    location
        .rsplit_once('@')
        .is_some_and(|(_, sha)| sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The 1-based line of the lock that holds `needle`, searching from `from`.
fn line_with(text: &str, from: usize, needle: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map_or(from, |(i, _)| i + 1)
}

/// Compares the lock's hashes for `pin` with the files the index lists for its version.
pub fn hash_findings(
    pin: &Pin,
    index_files: &[DistFile],
    lock_name: &str,
    text: &str,
) -> Vec<Finding> {
    let problem = |message: String, line: usize| {
        Finding::about(pin, FindingKind::Hash, message, lock_name, line)
    };
    let index: Vec<(String, String)> = index_files
        .iter()
        .filter_map(|f| {
            Some((
                url_file_name(&f.url),
                format!("sha256:{}", f.sha256.as_ref()?),
            ))
        })
        .collect();
    let mut out = Vec::new();
    if !pin.files.is_empty() {
        // pylock.toml names each file, so each can be checked on its own.
        for f in &pin.files {
            match index.iter().find(|(name, _)| *name == f.name) {
                None => out.push(problem(
                    format!(
                        "the file `{}` is no longer on the index ({lock_name}:{})",
                        f.name, f.line
                    ),
                    f.line,
                )),
                Some((_, hash)) if !hash.eq_ignore_ascii_case(&f.hash) => out.push(problem(
                    format!(
                        "hash of `{}` differs from the index ({lock_name}:{})",
                        f.name, f.line
                    ),
                    f.line,
                )),
                Some(_) => {}
            }
        }
        for (name, _) in &index {
            if !pin.files.iter().any(|f| f.name == *name) {
                out.push(problem(
                    format!(
                        "the index has `{name}`, which the lock does not list ({lock_name}:{})",
                        pin.line
                    ),
                    pin.line,
                ));
            }
        }
        return out;
    }
    let locked: BTreeSet<String> = pin.hashes.iter().map(|h| h.to_ascii_lowercase()).collect();
    let unknown: Vec<&String> = pin
        .hashes
        .iter()
        .filter(|h| !index.iter().any(|(_, ih)| ih.eq_ignore_ascii_case(h)))
        .collect();
    let missing: Vec<&String> = index
        .iter()
        .filter(|(_, h)| !locked.contains(&h.to_ascii_lowercase()))
        .map(|(name, _)| name)
        .collect();
    if !index.is_empty()
        && !pin.hashes.is_empty()
        && unknown.len() == pin.hashes.len()
        && unknown.len() > 1
    {
        let v = pin
            .version
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        out.push(problem(
            format!(
                "none of the hashes of `{}=={v}` ({lock_name}:{}) belong to its files on the index; was the pin edited?",
                pin.name, pin.line
            ),
            pin.line,
        ));
        return out;
    }
    for (i, hash) in unknown.iter().enumerate() {
        let line = line_with(text, pin.line, hash);
        match missing.get(i) {
            Some(name) => out.push(problem(
                format!("hash of `{name}` differs from the index ({lock_name}:{line})"),
                line,
            )),
            None => out.push(problem(
                format!(
                    "hash `{hash}` matches no file of `{}` on the index ({lock_name}:{line})",
                    pin.name
                ),
                line,
            )),
        }
    }
    for name in missing.iter().skip(unknown.len()) {
        out.push(problem(
            format!(
                "the index has `{name}`, which the lock has no hash for ({lock_name}:{})",
                pin.line
            ),
            pin.line,
        ));
    }
    out
}

/// A pin whose hashes all belong to another version of the project: someone edited the version.
pub fn edited_pin(pin: &Pin, project: &ProjectFiles, lock_name: &str) -> Option<Finding> {
    let version = pin.version.as_ref()?;
    let of = |h: &String| {
        project.files().find(|f| {
            f.sha256
                .as_ref()
                .is_some_and(|s| h.eq_ignore_ascii_case(&format!("sha256:{s}")))
        })
    };
    let owners: BTreeSet<&Version> = pin
        .hashes
        .iter()
        .map(|h| of(h).map(|f| f.filename.version()))
        .collect::<Option<_>>()?;
    match owners.into_iter().collect::<Vec<_>>()[..] {
        [other] if other != version => {
            let message = format!(
                "`{}=={version}` ({lock_name}:{}) has the hashes of {} {other}; was the pin edited?",
                pin.name, pin.line, pin.name
            );
            Some(Finding::about(
                pin,
                FindingKind::Hash,
                message,
                lock_name,
                pin.line,
            ))
        }
        _ => None,
    }
}
