//! A lock that holds git merge conflict markers: the two sides it joins, and the pins
//! they agree on, which `lockit resolve` keeps while it resolves the rest again.

use std::path::Path;

use crate::{parse_lock_file, LockParseError, ParsedLock, Pin};

/// The pins both sides of a conflicted lock agree on.
#[derive(Debug, Clone)]
pub struct AgreedLock {
    /// Our side's header with the pins both sides write the same (name, version,
    /// reference, marker and hashes).
    pub lock: ParsedLock,
    /// How many pins that is.
    pub kept: usize,
    /// How many pins of either side are not among them.
    pub dropped: usize,
}

/// The two sides of `text` when it holds git conflict markers (`<<<<<<<`, `=======`,
/// `>>>>>>>`; a diff3 base section, `|||||||`, is left out), else `None`. Lines outside
/// the conflicts belong to both.
pub fn conflict_sides(text: &str) -> Option<(String, String)> {
    #[derive(PartialEq)]
    enum At {
        Both,
        Ours,
        Base,
        Theirs,
    }
    let mut at = At::Both;
    let (mut ours, mut theirs) = (String::new(), String::new());
    let mut conflicted = false;
    for line in text.split_inclusive('\n') {
        let marker = |m: &str| line.starts_with(m);
        match at {
            At::Both if marker("<<<<<<<") => {
                at = At::Ours;
                conflicted = true;
            }
            At::Ours if marker("|||||||") => at = At::Base,
            At::Ours | At::Base if marker("=======") => at = At::Theirs,
            At::Theirs if marker(">>>>>>>") => at = At::Both,
            At::Both => {
                ours.push_str(line);
                theirs.push_str(line);
            }
            At::Ours => ours.push_str(line),
            At::Base => {}
            At::Theirs => theirs.push_str(line),
        }
    }
    (conflicted && at == At::Both).then_some((ours, theirs))
}

/// For a lock at `path` whose `text` holds conflict markers: the pins both sides agree
/// on (`None` when it holds none; an error when a side cannot be read).
pub fn agreed_lock(path: &Path, text: &str) -> Option<Result<AgreedLock, LockParseError>> {
    let (ours, theirs) = conflict_sides(text)?;
    let read = || -> Result<AgreedLock, LockParseError> {
        let ours = parse_lock_file(path, &ours)?;
        let theirs = parse_lock_file(path, &theirs)?;
        let same = |a: &Pin, b: &Pin| {
            let hashes = |p: &Pin| {
                let mut h: Vec<String> = p
                    .hashes
                    .iter()
                    .chain(p.files.iter().map(|f| &f.hash))
                    .map(|h| h.to_ascii_lowercase())
                    .collect();
                h.sort();
                h
            };
            (&a.name, &a.version, &a.url, &a.marker) == (&b.name, &b.version, &b.url, &b.marker)
                && hashes(a) == hashes(b)
        };
        let total = ours.pins.len() + theirs.pins.len();
        let mut lock = ours.clone();
        lock.pins.retain(|p| theirs.pins.iter().any(|t| same(p, t)));
        let kept = lock.pins.len();
        Ok(AgreedLock {
            lock,
            kept,
            dropped: total - 2 * kept,
        })
    };
    Some(read())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFLICTED: &str = "\
six==1.16.0 \\
    --hash=sha256:aa
    # via -r r.in
<<<<<<< HEAD
idna==3.7 \\
    --hash=sha256:bb
||||||| base
idna==3.6 \\
    --hash=sha256:cc
=======
idna==3.10 \\
    --hash=sha256:dd
>>>>>>> theirs
    # via -r r.in
zipp==3.20.0 \\
    --hash=sha256:ee
    # via -r r.in
";

    #[test]
    fn splits_the_sides_and_leaves_out_the_base() {
        let (ours, theirs) = conflict_sides(CONFLICTED).expect("conflicted");
        assert!(ours.contains("idna==3.7") && !ours.contains("idna==3.10"));
        assert!(theirs.contains("idna==3.10") && !theirs.contains("idna==3.7"));
        assert!(!ours.contains("3.6") && !theirs.contains("3.6"));
        assert!(ours.contains("six==1.16.0") && theirs.contains("zipp==3.20.0"));
        assert!(conflict_sides("six==1.16.0\n").is_none());
        // An unterminated conflict is not a lock anyone can read either way.
        assert!(conflict_sides("<<<<<<< HEAD\nsix==1\n").is_none());
    }

    #[test]
    fn keeps_only_the_pins_both_sides_write_alike() {
        let agreed = agreed_lock(Path::new("requirements.txt"), CONFLICTED)
            .expect("conflicted")
            .expect("readable");
        let names: Vec<String> = agreed
            .lock
            .pins
            .iter()
            .map(|p| p.name.to_string())
            .collect();
        assert_eq!(names, ["six", "zipp"]);
        assert_eq!((agreed.kept, agreed.dropped), (2, 2));
    }
}
