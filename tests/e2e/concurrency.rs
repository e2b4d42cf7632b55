//! Many lockit processes on one cache: started at once, cold, warm, refreshing, offline,
//! all succeed with byte-identical locks, and the cache they leave behind is good.
//!
//! Cache entries are written to a temporary file in their own directory and renamed into
//! place, so concurrent writers of one key never interleave and readers see a whole entry
//! or none; every entry is checked when read.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{self, read, resolve_cmd_cached, scenario, serve, tempdir, write};
use lockit_test_index::{Fault, TestIndex};

const PROCESSES: usize = 8;

/// A graph wide enough that the processes write many entries at the same moments.
const INDEX: &str = r#"
name = "concurrency"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["a", "b", "c", "d"]
[[packages]]
name = "a"
version = "1.0.0"
requires = ["e>=1"]
[[packages]]
name = "a"
version = "2.0.0"
requires = ["e>=2"]
[[packages]]
name = "b"
version = "1.0.0"
requires = ["e<2"]
[[packages]]
name = "c"
version = "1.0.0"
sdist = true
[[packages]]
name = "d"
version = "1.0.0"
wheels = []
sdist = true
[[packages]]
name = "e"
version = "1.5.0"
[[packages]]
name = "e"
version = "2.0.0"
"#;

fn command(dir: &Path, index: &TestIndex, cache: &Path, out: &str, extra: &[&str]) -> Command {
    let mut cmd = resolve_cmd_cached(dir, &index.url(), Some(cache));
    cmd.args(["requirements.in", "--no-header", "-o", out])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Starts `PROCESSES` runs at once, each writing `lock-N.txt` (or all `shared.txt`), and
/// returns the locks they wrote after checking they all succeeded.
fn stampede(
    dir: &Path,
    index: &TestIndex,
    cache: &Path,
    extra: &[&str],
    shared: bool,
) -> Vec<String> {
    let outs: Vec<String> = (0..PROCESSES)
        .map(|i| {
            if shared {
                "shared.txt".into()
            } else {
                format!("lock-{i}.txt")
            }
        })
        .collect();
    let children: Vec<Child> = outs
        .iter()
        .map(|out| {
            command(dir, index, cache, out, extra)
                .spawn()
                .expect("spawn lockit")
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "process {i} of {PROCESSES} ({extra:?}) failed: {:?}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    outs.iter().map(|o| read(&dir.join(o))).collect()
}

#[test]
fn eight_processes_on_one_cache_give_identical_locks() {
    let index = serve(&scenario(INDEX));
    // Slow every answer a little so that the processes overlap for the whole run.
    index.inject("*", Fault::Delay(Duration::from_millis(15)));
    let dir = tempdir();
    let cache = tempdir();
    write(dir.path(), "requirements.in", "app\n");

    // The reference: one run on its own cache.
    let reference_cache = tempdir();
    let reference = stampede_one(dir.path(), &index, reference_cache.path());

    for (what, extra, shared) in [
        ("cold cache", &[][..], false),
        ("warm cache", &[][..], false),
        ("refreshing pages", &["--refresh"][..], false),
        ("offline", &["--offline"][..], false),
        ("one shared output file", &[][..], true),
    ] {
        let locks = stampede(dir.path(), &index, cache.path(), extra, shared);
        for (i, lock) in locks.iter().enumerate() {
            assert_eq!(lock, &reference, "{what}: process {i} wrote another lock");
        }
    }
    // No temporary files left next to the locks.
    let mut stray = common::other_entries(dir.path(), &["requirements.in", "shared.txt"]);
    stray.retain(|n| !n.starts_with("lock-"));
    assert_eq!(stray, Vec::<String>::new());
}

#[test]
fn processes_recover_together_from_a_damaged_cache() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let cache = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let reference = stampede_one(dir.path(), &index, cache.path());
    // Damage every entry a different way, then let eight processes find out at once.
    for (i, file) in files(cache.path()).iter().enumerate() {
        let bytes = std::fs::read(file).expect("read entry");
        let damaged = match i % 4 {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => Vec::new(),
            2 => b"garbage that is not a cache entry".to_vec(),
            _ => {
                let mut b = bytes.clone();
                let last = b.len() - 1;
                b[last] ^= 0xff;
                b
            }
        };
        std::fs::write(file, damaged).expect("damage entry");
    }
    let locks = stampede(dir.path(), &index, cache.path(), &[], false);
    assert!(locks.iter().all(|l| l == &reference));
    // What they left is good enough for offline use.
    let locks = stampede(dir.path(), &index, cache.path(), &["--offline"], false);
    assert!(locks.iter().all(|l| l == &reference));
}

fn stampede_one(dir: &Path, index: &TestIndex, cache: &Path) -> String {
    let out = command(dir, index, cache, "reference.txt", &[])
        .output()
        .expect("run lockit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lock = read(&dir.join("reference.txt"));
    std::fs::remove_file(dir.join("reference.txt")).expect("remove reference");
    assert!(lock.contains("app==1.0.0"), "{lock}");
    lock
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}
