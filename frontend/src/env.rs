//! Isolated build environments: build requirements resolved by lockit's own resolver for
//! the build interpreter (wheels only), their wheels downloaded with hash checks, and
//! installed into a fresh venv by PyPA's `installer` (its wheel, resolved and hash-checked
//! the same way, run from `PYTHONPATH`), or by the interpreter's pip (`--no-deps
//! --no-index --require-hashes`) when the index has no `installer` for it. A venv is kept
//! in the cache under a key made of the interpreter and its lock (`name==version
//! --hash=sha256:…` lines), so builds with the same requirements share one, across runs
//! and processes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use lockit_index_client::{ClientIndex, IndexClient};
use lockit_interpreter::Interpreter;
use lockit_resolver::{RequirementOrigin, ResolveOptions, SourcedRequirement};
use lockit_types::{DistFile, PackageName, Requirement, Target, Version};
use sha2::{Digest, Sha256};

use crate::error::HookFailure;
use crate::hooks::{isolate, run_logged, Failed};

/// Bump when the layout of an environment changes; older ones are then left alone.
const ENVS_DIR: &str = "build-envs-v1";
/// Written last into a finished environment: its lock.
const COMPLETE: &str = ".lockit-complete";
/// PyPA's wheel installer, which installs a build environment several times faster than
/// pip (no pip start-up, no second interpreter): 0.7 is the first with
/// `--no-compile-bytecode`, 1.0 the first that takes several wheels at once.
const INSTALLER: &str = "installer>=0.7";

/// How the build interpreter installs wheels into a venv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pip {
    /// Its own pip (22.3 or newer) installs into the venv with `--python`: the venv is
    /// created `--without-pip`, which is much faster.
    External,
    /// The venv gets its own pip (`ensurepip`), which installs.
    InVenv,
}

/// The interpreter builds run with, and the target its build requirements are for.
#[derive(Debug, Clone)]
pub(crate) struct BuildPython {
    /// The interpreter.
    pub interpreter: Interpreter,
    /// Its version and platform, as a resolver target.
    pub target: Arc<Target>,
    /// How wheels are installed with it, once asked.
    pip: std::sync::OnceLock<Pip>,
}

impl BuildPython {
    /// Asks `interpreter` for its pip, and makes its target.
    pub fn new(interpreter: Interpreter) -> Result<BuildPython, String> {
        let platform = interpreter
            .platform
            .as_deref()
            .ok_or("lockit has no name for the interpreter's platform")?
            .parse()
            .map_err(|e: lockit_types::TargetError| e.to_string())?;
        let target = Target::new(&interpreter.version, platform).map_err(|e| e.to_string())?;
        Ok(BuildPython {
            interpreter,
            target: Arc::new(target),
            pip: std::sync::OnceLock::new(),
        })
    }

    /// How wheels are installed: asked of the interpreter's installed pip the first time
    /// (by its distribution metadata, which is much faster than importing pip).
    pub fn pip(&self) -> Pip {
        *self.pip.get_or_init(|| {
            let version = Command::new(&self.interpreter.executable)
                .args([
                    "-c",
                    "import importlib.metadata as m; print(m.version('pip'))",
                ])
                .stdin(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| pip_version(&String::from_utf8_lossy(&o.stdout)));
            match version {
                Some(v) if v >= (22, 3) => Pip::External,
                _ => Pip::InVenv,
            }
        })
    }
}

/// `(22, 3)` from `22.3.1`.
fn pip_version(answer: &str) -> Option<(u32, u32)> {
    let version = answer.split_whitespace().next()?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or_default();
    Some((major, minor))
}

/// One wheel of a build environment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LockedWheel {
    /// The project.
    pub name: PackageName,
    /// The pinned version.
    pub version: Version,
    /// The wheel for the build interpreter.
    pub file: DistFile,
}

impl LockedWheel {
    /// The wheel's file name, as downloaded.
    fn file_name(&self) -> String {
        lockit_types::url_file_name(&self.file.url)
    }

    /// `name==version --hash=sha256:…` (without a hash when the index gave none).
    fn line(&self) -> String {
        match &self.file.sha256 {
            Some(h) => format!("{}=={} --hash=sha256:{h}", self.name, self.version),
            None => format!("{}=={}", self.name, self.version),
        }
    }
}

/// The lock of an environment, as text: one [`LockedWheel::line`] per wheel, sorted.
fn lock_text(lock: &[LockedWheel]) -> String {
    let mut lines: Vec<String> = lock.iter().map(LockedWheel::line).collect();
    lines.sort();
    lines.join("\n")
}

/// A finished build environment.
#[derive(Debug, Clone)]
pub(crate) struct BuildEnv {
    /// The venv.
    pub root: PathBuf,
    /// Its interpreter.
    pub python: PathBuf,
}

/// Why an environment could not be made.
#[derive(Debug, Clone)]
pub(crate) enum EnvError {
    /// Downloading a wheel failed.
    Fetch(String),
    /// A command failed: which, how, its last lines.
    Step(&'static str, Failed),
}

/// Where environments live, and what this process already tried: every release of a
/// project usually has the same build requirements, and a resolution or an environment
/// that failed for one would fail the same way for the next.
#[derive(Debug)]
pub(crate) struct Environments {
    root: PathBuf,
    /// Holds `root` alive when there is no cache directory.
    _scratch: Option<tempfile::TempDir>,
    resolved: Mutex<HashMap<String, Result<Vec<LockedWheel>, String>>>,
    failed: Mutex<HashMap<String, EnvError>>,
    /// The `installer` wheel per build interpreter, fetched at most once, in the
    /// background from the first resolution of build requirements; `None` when the index
    /// has none for it.
    installers: Mutex<HashMap<PathBuf, Arc<OnceLock<Option<Installer>>>>>,
}

/// PyPA's `installer`, as a wheel run from `PYTHONPATH`.
#[derive(Debug, Clone)]
struct Installer {
    /// The wheel, checked against the index's sha256.
    wheel: PathBuf,
    /// Its version: before 1.0 it installs one wheel per call.
    version: Version,
}

impl Environments {
    /// Environments under `cache_dir`, or in a scratch folder removed on drop.
    pub fn new(cache_dir: Option<&Path>) -> std::io::Result<Environments> {
        let (root, scratch) = match cache_dir {
            // Absolute: hooks run in the source tree, not where lockit was started.
            Some(dir) => (std::path::absolute(dir)?.join(ENVS_DIR), None),
            None => {
                let scratch = tempfile::Builder::new().prefix("lockit-build-").tempdir()?;
                (scratch.path().join(ENVS_DIR), Some(scratch))
            }
        };
        Ok(Environments {
            root,
            _scratch: scratch,
            resolved: Mutex::default(),
            failed: Mutex::default(),
            installers: Mutex::default(),
        })
    }

    /// Resolves `requirements` for `python` with lockit's resolver, wheels only (a build
    /// requirement is never built itself); one wheel per pin, the best for its tags.
    pub fn resolve(
        &self,
        client: &IndexClient,
        python: &BuildPython,
        requirements: &[Requirement],
    ) -> Result<Vec<LockedWheel>, String> {
        let mut key: Vec<String> = requirements.iter().map(ToString::to_string).collect();
        key.sort();
        let key = key.join("\n");
        if requirements.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(answer) = lock(&self.resolved).get(&key) {
            return answer.clone();
        }
        // The environment will need an installer: fetch it while these resolve.
        self.prefetch_installer(client, python);
        let answer = resolve_wheels(client, python, requirements);
        lock(&self.resolved).insert(key, answer.clone());
        answer
    }

    /// The cell holding `python`'s installer.
    fn installer_cell(&self, python: &BuildPython) -> Arc<OnceLock<Option<Installer>>> {
        lock(&self.installers)
            .entry(python.interpreter.executable.clone())
            .or_default()
            .clone()
    }

    /// Starts fetching `python`'s installer in the background, unless it is known.
    fn prefetch_installer(&self, client: &IndexClient, python: &BuildPython) {
        let cell = self.installer_cell(python);
        if cell.get().is_some() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (client, python, dir) = (client.clone(), python.clone(), self.root.clone());
        std::thread::spawn(move || {
            let _entered = runtime.enter();
            cell.get_or_init(|| fetch_installer(&client, &python, &dir));
        });
    }

    /// `python`'s installer: fetched now, or waited for when a prefetch is under way.
    fn installer(&self, client: &IndexClient, python: &BuildPython) -> Option<Installer> {
        self.installer_cell(python)
            .get_or_init(|| fetch_installer(client, python, &self.root))
            .clone()
    }
}

/// Resolves `requirements` for `python`, wheels only; one wheel per pin, the best for
/// its tags.
fn resolve_wheels(
    client: &IndexClient,
    python: &BuildPython,
    requirements: &[Requirement],
) -> Result<Vec<LockedWheel>, String> {
    let runtime = tokio::runtime::Handle::try_current()
        .map_err(|_| "resolving build requirements needs the client's runtime".to_string())?;
    let roots: Vec<SourcedRequirement> = requirements
        .iter()
        .map(|r| {
            SourcedRequirement::new(
                r.clone(),
                RequirementOrigin::Named("build-system.requires".into()),
            )
        })
        .collect();
    let mut options = ResolveOptions::new((*python.target).clone());
    options.binary.only_binary_all = true;
    let index = ClientIndex::new(client.clone(), runtime);
    let resolution =
        lockit_resolver::resolve(&index, &roots, &[], &options).map_err(|e| e.to_string())?;
    let mut wheels = Vec::new();
    for p in &resolution.packages {
        let best = p
            .files
            .iter()
            .filter_map(|f| {
                let wheel = f.filename.as_wheel()?;
                Some((python.target.tags.compatibility(wheel)?, f))
            })
            .max_by_key(|(priority, _)| *priority)
            .map(|(_, f)| f.clone())
            .ok_or_else(|| {
                format!(
                    "{} {} has no wheel for the build interpreter",
                    p.name, p.version
                )
            })?;
        wheels.push(LockedWheel {
            name: p.name.clone(),
            version: p.version.clone(),
            file: best,
        });
    }
    Ok(wheels)
}

/// PyPA's `installer` for `python`, resolved and downloaded with a hash check into
/// `dir/installer/`, where later runs find it; `None` (pip installs instead) when it
/// cannot be had, say offline or from an index without it.
fn fetch_installer(client: &IndexClient, python: &BuildPython, dir: &Path) -> Option<Installer> {
    let fetched = (|| {
        let requirement: Requirement = INSTALLER.parse().map_err(|e| format!("{e}"))?;
        let wheel = resolve_wheels(client, python, &[requirement])?
            .into_iter()
            .find(|w| w.name.as_ref() == "installer")
            .ok_or("the resolution has no installer")?;
        let sha256 = wheel
            .file
            .sha256
            .as_deref()
            .ok_or("the index gives no sha256")?;
        let folder = dir.join("installer").join(sha256);
        let path = folder.join(wheel.file_name());
        if !path.is_file() {
            std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
            let part = tempfile::NamedTempFile::new_in(&folder).map_err(|e| e.to_string())?;
            let runtime = tokio::runtime::Handle::try_current()
                .map_err(|_| "downloading needs the client's runtime".to_string())?;
            runtime
                .block_on(client.download(&wheel.file, part.path()))
                .map_err(|e| e.to_string())?;
            part.persist(&path).map_err(|e| e.to_string())?;
        }
        Ok::<_, String>(Installer {
            wheel: path,
            version: wheel.version,
        })
    })();
    fetched
        .map_err(|e| tracing::debug!("no installer, pip installs build environments: {e}"))
        .ok()
}

impl Environments {
    /// The environment holding exactly `wheels` for `python`: the cached one, or a new one.
    /// One process creates it while others wait for the lock, then use it.
    pub fn ensure(
        &self,
        client: &IndexClient,
        python: &BuildPython,
        wheels: &[LockedWheel],
        timeout: Duration,
    ) -> Result<BuildEnv, EnvError> {
        let text = lock_text(wheels);
        let key = hex::encode(Sha256::digest(
            format!(
                "{}\n{}\n{text}",
                python.interpreter.executable.display(),
                python.interpreter.version
            )
            .as_bytes(),
        ));
        let key = key[..24].to_string();
        if let Some(e) = lock(&self.failed).get(&key) {
            return Err(e.clone());
        }
        let made = self.create(client, python, wheels, &key, &text, timeout);
        if let Err(e) = &made {
            lock(&self.failed).insert(key, e.clone());
        }
        made
    }

    fn create(
        &self,
        client: &IndexClient,
        python: &BuildPython,
        wheels: &[LockedWheel],
        key: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<BuildEnv, EnvError> {
        let root = self.root.join(key);
        let env = BuildEnv {
            python: venv_python(&root),
            root: root.clone(),
        };
        let complete = root.join(COMPLETE);
        if complete.is_file() {
            return Ok(env);
        }
        let io = |what: &'static str, e: std::io::Error| {
            EnvError::Step(what, (HookFailure::Spawn(e.to_string()), Vec::new()))
        };
        std::fs::create_dir_all(&self.root).map_err(|e| io("create the cache folder", e))?;
        let lock_file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root.join(format!("{key}.lock")))
            .map_err(|e| io("lock the environment", e))?;
        lock_file
            .lock()
            .map_err(|e| io("lock the environment", e))?;
        if complete.is_file() {
            return Ok(env);
        }
        tracing::debug!(
            "creating the build environment {} for {text:?}",
            root.display()
        );
        // Left over from a run that stopped half-way.
        if root.exists() {
            std::fs::remove_dir_all(&root).map_err(|e| io("remove a stale environment", e))?;
        }
        let scratch = tempfile::Builder::new()
            .prefix("wheels-")
            .tempdir_in(&self.root)
            .map_err(|e| io("make a scratch folder", e))?;
        let hashed = download(client, wheels, scratch.path())?;
        let installer = match wheels.is_empty() {
            true => None,
            false => self.installer(client, python),
        };
        let pip = match installer {
            None if !wheels.is_empty() => Some(python.pip()),
            _ => None,
        };
        let mut cmd = Command::new(&python.interpreter.executable);
        cmd.args(["-m", "venv"]);
        if pip != Some(Pip::InVenv) {
            cmd.arg("--without-pip");
        }
        cmd.arg(&root);
        run_logged(&mut cmd, &scratch.path().join("venv.log"), timeout)
            .map_err(|f| EnvError::Step("python -m venv", f))?;
        if let Some(installer) = installer {
            let paths: Vec<PathBuf> = wheels
                .iter()
                .map(|w| scratch.path().join(w.file_name()))
                .collect();
            // Before 1.0 it takes one wheel per call.
            let per_call = match installer.version.release().first() {
                Some(major) if *major >= 1 => paths.len(),
                _ => 1,
            };
            for batch in paths.chunks(per_call) {
                let mut cmd = Command::new(&env.python);
                cmd.args(["-m", "installer", "--no-compile-bytecode"])
                    .args(batch);
                isolate(&mut cmd, &root);
                cmd.env("PYTHONPATH", &installer.wheel);
                run_logged(&mut cmd, &scratch.path().join("install.log"), timeout)
                    .map_err(|f| EnvError::Step("python -m installer", f))?;
            }
        }
        if let Some(pip) = pip {
            let requirements = scratch.path().join("requirements.txt");
            std::fs::write(&requirements, hashed.join("\n") + "\n")
                .map_err(|e| io("write the requirements", e))?;
            let mut cmd = match pip {
                Pip::External => {
                    let mut cmd = Command::new(&python.interpreter.executable);
                    cmd.args(["-m", "pip", "--python"]).arg(&env.python);
                    cmd
                }
                Pip::InVenv => {
                    let mut cmd = Command::new(&env.python);
                    cmd.args(["-m", "pip"]);
                    cmd
                }
            };
            cmd.args([
                "install",
                "--no-deps",
                "--no-index",
                "--require-hashes",
                "--no-compile",
                "--disable-pip-version-check",
                "--no-warn-script-location",
                "--quiet",
                "--find-links",
            ])
            .arg(scratch.path())
            .arg("--requirement")
            .arg(&requirements);
            quiet_pip(&mut cmd);
            isolate(&mut cmd, &root);
            run_logged(&mut cmd, &scratch.path().join("pip.log"), timeout)
                .map_err(|f| EnvError::Step("pip install", f))?;
        }
        std::fs::write(&complete, text).map_err(|e| io("mark the environment complete", e))?;
        Ok(env)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The interpreter of the venv at `root`.
fn venv_python(root: &Path) -> PathBuf {
    if cfg!(windows) {
        root.join("Scripts").join("python.exe")
    } else {
        root.join("bin").join("python")
    }
}

/// No user or site pip configuration reaches the install: only the flags lockit gives.
fn quiet_pip(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PIP_") {
            cmd.env_remove(key);
        }
    }
    let devnull = if cfg!(windows) { "nul" } else { "/dev/null" };
    cmd.env("PIP_CONFIG_FILE", devnull).env("PIP_NO_INPUT", "1");
}

/// Downloads `wheels` into `dir` (each checked against the index's sha256) and returns
/// their hashed requirement lines, for `pip install --require-hashes`.
fn download(
    client: &IndexClient,
    wheels: &[LockedWheel],
    dir: &Path,
) -> Result<Vec<String>, EnvError> {
    if wheels.is_empty() {
        return Ok(Vec::new());
    }
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
        EnvError::Fetch("downloading build requirements needs the client's runtime".into())
    })?;
    let tasks: Vec<_> = wheels
        .iter()
        .map(|w| {
            let (client, file, dest) = (client.clone(), w.file.clone(), dir.join(w.file_name()));
            runtime.spawn(async move { client.download(&file, &dest).await })
        })
        .collect();
    let mut lines = Vec::new();
    for (wheel, task) in wheels.iter().zip(tasks) {
        let sha256 = runtime
            .block_on(task)
            .map_err(|e| EnvError::Fetch(e.to_string()))?
            .map_err(|e| EnvError::Fetch(e.to_string()))?;
        lines.push(format!(
            "{}=={} --hash=sha256:{sha256}",
            wheel.name, wheel.version
        ));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_cache_dir_gives_absolute_environments() {
        let envs = Environments::new(Some(Path::new("relative-cache"))).unwrap();
        assert!(envs.root.is_absolute(), "{}", envs.root.display());
        assert!(envs.root.ends_with("relative-cache/build-envs-v1"));
    }

    #[test]
    fn pip_versions() {
        assert_eq!(pip_version("23.2.1\n"), Some((23, 2)));
        assert_eq!(pip_version("9"), Some((9, 0)));
        assert_eq!(pip_version("Traceback"), None);
    }
}
