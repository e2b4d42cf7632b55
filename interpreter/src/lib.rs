//! The Python interpreters lockit runs: finding `python3` on `PATH` (or the one `--python`
//! names) and asking it what it is: its version and the platform its wheels are for, in
//! uv's `--python-platform` spelling. Answers are cached per interpreter binary.

#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What an interpreter says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// The interpreter that answered.
    pub path: PathBuf,
    /// Its `sys.executable`: the real binary behind a shim or link (`path` when an older
    /// cached answer does not say). Builds run this, which starts faster than a shim.
    pub executable: PathBuf,
    /// `platform.python_version()`, e.g. `3.12.4`.
    pub version: String,
    /// The platform in `--python-platform` spelling (`x86_64-manylinux_2_28`,
    /// `aarch64-apple-darwin`, `x86_64-pc-windows-msvc`); `None` when lockit has no
    /// name for it.
    pub platform: Option<String>,
}

const QUERY: &str = r#"
import json, platform, sys
print(json.dumps({"version": platform.python_version(), "sys_platform": sys.platform,
  "machine": platform.machine(), "libc": list(platform.libc_ver()),
  "executable": sys.executable}))
"#;

impl Interpreter {
    /// Asks `python` (a path), else the first `python3` on `PATH`. The answer is cached in
    /// `cache_root/interpreters-v2`, keyed by the interpreter's resolved path, size and
    /// modification time, so an upgraded interpreter is asked again. `None` when there is
    /// no interpreter or it does not answer.
    pub fn find(python: Option<&Path>, cache_root: Option<&Path>) -> Option<Interpreter> {
        let exe = match python {
            Some(p) => p.to_path_buf(),
            None => on_path("python3").into_iter().next()?,
        };
        let answer = answer(&exe, cache_root)?;
        parse(&exe, &answer)
    }

    /// The interpreter to run builds for a target Python `minor` (`3.12`) with: `python`
    /// when given; else the first `python3.12` that answers with that version, looked for
    /// in every `PATH` directory but pyenv's shims, then in pyenv's versions
    /// (`$PYENV_ROOT`, else `~/.pyenv`), newest patch first; else `python3` on `PATH`,
    /// whatever its version. `None` when none answers.
    pub fn find_for(
        python: Option<&Path>,
        minor: Option<&str>,
        cache_root: Option<&Path>,
    ) -> Option<Interpreter> {
        if python.is_some() {
            return Interpreter::find(python, cache_root);
        }
        let exact = minor.and_then(|minor| {
            let prefix = format!("{minor}.");
            let path = std::env::var_os("PATH").unwrap_or_default();
            let pyenv = std::env::var_os("PYENV_ROOT")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
            candidates_for(minor, &path, pyenv)
                .into_iter()
                .find_map(|exe| {
                    let found = parse(&exe, &answer(&exe, cache_root)?)?;
                    (found.version == minor || found.version.starts_with(&prefix)).then_some(found)
                })
        });
        exact.or_else(|| Interpreter::find(None, cache_root))
    }
}

/// Every `python3.X` for `minor` = `3.X` that may exist: in the `path` folders (a
/// `PATH` value) in order, then in the versions of the pyenv at `root`, newest patch
/// release first.
fn candidates_for(minor: &str, path: &std::ffi::OsStr, root: Option<PathBuf>) -> Vec<PathBuf> {
    let name = format!("python{minor}");
    // pyenv's shims are skipped: its versions are looked in below, and a shim of a version
    // that is not selected takes a third of a second to say so.
    let shims = root.as_ref().map(|r| r.join("shims"));
    let mut list: Vec<PathBuf> = in_folders(path, &name)
        .into_iter()
        .filter(|p| p.parent() != shims.as_deref())
        .collect();
    if let Some(Ok(dir)) = root.map(|r| std::fs::read_dir(r.join("versions"))) {
        let prefix = format!("{minor}.");
        let mut versions: Vec<(u64, PathBuf)> = dir
            .filter_map(Result::ok)
            .filter_map(|e| {
                let v = e.file_name().to_str()?.to_string();
                let patch = v.strip_prefix(&prefix)?.parse::<u64>().ok()?;
                Some((patch, e.path().join("bin").join(&name)))
            })
            .filter(|(_, p)| p.is_file())
            .collect();
        versions.sort_by_key(|(patch, _)| std::cmp::Reverse(*patch));
        list.extend(versions.into_iter().map(|(_, p)| p));
    }
    list
}

/// Every `name` on `PATH`, in order.
fn on_path(name: &str) -> Vec<PathBuf> {
    in_folders(&std::env::var_os("PATH").unwrap_or_default(), name)
}

/// Every file `name` in the folders of `path` (a `PATH` value), in order.
fn in_folders(path: &std::ffi::OsStr, name: &str) -> Vec<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .filter(|p| p.is_file())
        .collect()
}

/// Where the answer of the interpreter at `exe` is kept.
fn answer_cache(exe: &Path, root: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(exe).ok()?;
    let meta = std::fs::metadata(&real).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let key = format!("{}|{}|{}", real.display(), meta.len(), mtime.as_nanos());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&key, &mut hasher);
    Some(
        root.join("interpreters-v2")
            .join(format!("{:016x}.json", std::hash::Hasher::finish(&hasher))),
    )
}

/// Runs the interpreter's self-description, or reads the cached answer.
fn answer(exe: &Path, cache_root: Option<&Path>) -> Option<Vec<u8>> {
    let cached = cache_root.and_then(|root| answer_cache(exe, root));
    if let Some(bytes) = cached.as_deref().and_then(|p| std::fs::read(p).ok()) {
        return Some(bytes);
    }
    let out = Command::new(exe).args(["-c", QUERY]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    if let Some(path) = cached {
        // Best effort: a cache that cannot be written only costs the next run a query.
        let _ = write_atomic(&path, &out.stdout);
    }
    Some(out.stdout)
}

/// Writes `bytes` to `path` through an unnamed temporary file in the same directory, so
/// a reader never sees half an answer and a killed run leaves nothing behind.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = atomic_write_file::AtomicWriteFile::open(path)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.commit()
}

/// Reads an answer: `{"version", "sys_platform", "machine", "libc": [lib, version],
/// "executable"}`.
fn parse(exe: &Path, answer: &[u8]) -> Option<Interpreter> {
    let v: serde_json::Value = serde_json::from_slice(answer).ok()?;
    let version = v.get("version")?.as_str()?.to_string();
    let machine = v.get("machine")?.as_str()?.to_ascii_lowercase();
    let arch = match machine.as_str() {
        "x86_64" | "amd64" => Some("x86_64"),
        "aarch64" | "arm64" => Some("aarch64"),
        _ => None,
    };
    let platform = arch.and_then(|arch| match v.get("sys_platform")?.as_str()? {
        "linux" => {
            let libc = v.get("libc")?.as_array()?;
            let (lib, ver) = (libc.first()?.as_str()?, libc.get(1)?.as_str()?);
            if lib == "glibc" {
                let (maj, min) = ver.split_once('.')?;
                Some(format!("{arch}-manylinux_{maj}_{min}"))
            } else {
                Some(format!("{arch}-unknown-linux-musl"))
            }
        }
        "darwin" => Some(format!("{arch}-apple-darwin")),
        "win32" => Some(format!("{arch}-pc-windows-msvc")),
        _ => None,
    });
    let executable = v
        .get("executable")
        .and_then(|e| e.as_str())
        .filter(|e| !e.is_empty())
        .map_or_else(|| exe.to_path_buf(), PathBuf::from);
    Some(Interpreter {
        path: exe.to_path_buf(),
        executable,
        version,
        platform,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> Option<Interpreter> {
        parse(Path::new("python3"), json.as_bytes())
    }

    /// Regression (builds ran on Python 3.11 for a 3.12 target): a pyenv shim of a version
    /// pyenv has not selected does not answer, so shims are skipped and pyenv's own
    /// versions are looked in after `PATH`, newest patch first; other minors are not.
    #[test]
    fn python_3_x_is_looked_for_past_pyenv_shims_in_its_versions() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("pyenv");
        let exe = |folder: &Path| {
            std::fs::create_dir_all(folder).unwrap();
            std::fs::write(folder.join("python3.12"), "").unwrap();
            folder.join("python3.12")
        };
        exe(&root.join("shims"));
        let system = exe(&dir.path().join("usr/bin"));
        let old = exe(&root.join("versions/3.12.1/bin"));
        let new = exe(&root.join("versions/3.12.10/bin"));
        std::fs::create_dir_all(root.join("versions/3.11.7/bin")).unwrap();
        std::fs::write(root.join("versions/3.11.7/bin/python3.11"), "").unwrap();
        let path = std::env::join_paths([root.join("shims"), dir.path().join("usr/bin")]).unwrap();
        assert_eq!(
            candidates_for("3.12", &path, Some(root.clone())),
            [system, new, old]
        );
        assert!(candidates_for("3.11", &path, None).is_empty());
    }

    #[test]
    fn answers_name_the_platform_as_uv_spells_it() {
        let linux = answer(
            r#"{"version": "3.12.4", "sys_platform": "linux", "machine": "x86_64", "libc": ["glibc", "2.28"]}"#,
        );
        assert_eq!(
            linux.map(|i| (i.version, i.platform)),
            Some(("3.12.4".into(), Some("x86_64-manylinux_2_28".into())))
        );
        let musl = answer(
            r#"{"version": "3.11.0", "sys_platform": "linux", "machine": "aarch64", "libc": ["", ""]}"#,
        );
        assert_eq!(
            musl.and_then(|i| i.platform).as_deref(),
            Some("aarch64-unknown-linux-musl")
        );
        let mac = answer(
            r#"{"version": "3.13.0", "sys_platform": "darwin", "machine": "arm64", "libc": ["", ""]}"#,
        );
        assert_eq!(
            mac.and_then(|i| i.platform).as_deref(),
            Some("aarch64-apple-darwin")
        );
        let odd = answer(
            r#"{"version": "3.13.0", "sys_platform": "linux", "machine": "riscv64", "libc": ["glibc", "2.39"]}"#,
        );
        assert_eq!(
            odd.map(|i| (i.version, i.platform)),
            Some(("3.13.0".into(), None))
        );
        assert_eq!(answer("not json"), None);
    }

    #[test]
    fn a_real_interpreter_answers_and_the_answer_is_cached() {
        let Some(python) = on_path("python3").into_iter().next() else {
            panic!("python3 is not on PATH; lockit needs one for its tests");
        };
        let cache = tempfile::tempdir().expect("tempdir");
        let first = Interpreter::find(Some(&python), Some(cache.path())).expect("answers");
        assert!(first.version.starts_with("3."), "{first:?}");
        let cached = answer_cache(&python, cache.path()).expect("a cache path");
        assert!(cached.exists());
        assert_eq!(
            Interpreter::find(Some(&python), Some(cache.path())),
            Some(first)
        );
    }
}
