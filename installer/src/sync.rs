//! A whole sync: read the lock, find the environment, plan, then (unless checking) fetch
//! and check every file before changing anything, and change the environment under its
//! lock, journalled so that an interrupted sync is repaired by the next.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lockit_index_client::{ClientOptions, IndexClient};
use rayon::prelude::*;

use crate::environment::{Discovery, Environment};
use crate::fetch::{fetch_all, WheelCache};
use crate::install::Installer;
use crate::installed::installed;
use crate::lock_file::EnvironmentLock;
use crate::plan::{plan, Change, Plan};
use crate::wanted::{read_lock, recorded, wanted};
use crate::SyncError;

/// What a sync is asked to do.
#[derive(Clone, Default)]
pub struct SyncOptions {
    /// The lock (requirements.txt or pylock.toml).
    pub lock: PathBuf,
    /// How to find the environment.
    pub discovery: Discovery,
    /// Only compare (`--check`): change nothing.
    pub check: bool,
    /// Only print the plan (`--dry-run`).
    pub dry_run: bool,
    /// Index URLs to use instead of the lock's (first is the primary).
    pub index_urls: Vec<String>,
    /// Find-links locations, added to the lock's.
    pub find_links: Vec<String>,
    /// lockit's cache root; `None` keeps unpacked wheels in a temporary folder.
    pub cache_root: Option<PathBuf>,
    /// Never use the network.
    pub offline: bool,
    /// Copy files instead of linking them from the cache.
    pub copy: bool,
    /// Compile installed modules to bytecode (`--compile-bytecode`).
    pub compile_bytecode: bool,
    /// Report progress on stderr (only drawn on a terminal).
    pub progress: Option<std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>>,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("lock", &self.lock)
            .field("discovery", &self.discovery)
            .field("check", &self.check)
            .field("dry_run", &self.dry_run)
            .finish_non_exhaustive()
    }
}

/// How a sync ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The changes planned (and, unless checking or a dry run, made).
    pub plan: Plan,
    /// The environment's interpreter.
    pub python: PathBuf,
    /// True when the environment was changed.
    pub changed: bool,
}

/// What `lockit sync` says about an outcome: the changes for stdout (with `--check` and
/// `--dry-run`) and a summary for stderr.
#[derive(Debug, Default)]
pub struct Summary {
    /// One line per change (`+ name 1.2`, `- name 1.0`, `~ name 1.0 -> 1.2`).
    pub stdout: String,
    /// What happened, for people.
    pub stderr: String,
    /// `--check`: the environment differs from the lock.
    pub differs: bool,
}

impl Outcome {
    /// The summary of this outcome of syncing with the lock `lock`, as `options` asked,
    /// `seconds` after it started; `quiet` keeps only what a check must say.
    pub fn summary(
        &self,
        lock: &Path,
        options: &SyncOptions,
        quiet: bool,
        seconds: f64,
    ) -> Summary {
        let plan = &self.plan;
        let lines: Vec<String> = plan.changes.iter().map(ToString::to_string).collect();
        let (python, lock, n, same) = (
            self.python.display(),
            lock.display(),
            lines.len(),
            plan.unchanged,
        );
        let mut out = Summary::default();
        if options.check || options.dry_run {
            out.stdout = lines.iter().map(|l| format!("{l}\n")).collect();
        }
        out.stderr = match (options.check, options.dry_run, plan.is_empty()) {
            (true, _, false) => {
                out.differs = true;
                format!("{python} differs from {lock} in {n} packages\n")
            }
            _ if quiet => String::new(),
            (true, _, true) => format!("{python} is exactly {lock} ({same} packages)\n"),
            (false, true, _) => {
                format!("Would make {n} changes ({same} packages already as locked)\n")
            }
            (false, false, true) => {
                format!("Nothing to do: {python} is exactly {lock} ({same} packages)\n")
            }
            (false, false, false) => {
                format!("Synced {python} with {lock}: {n} changes in {seconds:.2}s\n")
                    + &lines.iter().map(|l| format!(" {l}\n")).collect::<String>()
            }
        };
        out
    }
}

/// Runs a sync as `options` say.
pub fn sync(options: &SyncOptions) -> Result<Outcome, SyncError> {
    let started = Instant::now();
    let lock = read_lock(&options.lock)?;
    let mut discovery = options.discovery.clone();
    discovery.no_create |= options.check || options.dry_run;
    if discovery.lock_python.is_none() {
        discovery.lock_python =
            recorded(&lock, "python").map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."));
    }
    let env = Environment::discover(&discovery)?;
    let pins = wanted(&lock, &options.lock, &env.python, &env.target)?;
    let read_only = options.check || options.dry_run;
    let held = match read_only {
        true => None,
        false => Some(EnvironmentLock::acquire(&env.prefix)?),
    };
    let dirty = held
        .as_ref()
        .map(EnvironmentLock::dirty)
        .unwrap_or_default();
    let present = installed(&env.site_packages());
    let plan = plan(&present, &pins, &dirty);
    let outcome = |plan: Plan, changed| Outcome {
        plan,
        python: env.python.clone(),
        changed,
    };
    let Some(held) = held.filter(|_| !plan.is_empty() || !dirty.is_empty()) else {
        return Ok(outcome(plan, false));
    };

    let to_install: Vec<_> = plan
        .changes
        .iter()
        .filter_map(Change::wanted)
        .cloned()
        .collect();
    let cache_root = match &options.cache_root {
        Some(root) => root.clone(),
        None => std::env::temp_dir().join(format!("lockit-sync-{}", std::process::id())),
    };
    let cache = WheelCache::new(&cache_root);
    let fetched = if to_install.is_empty() {
        Vec::new()
    } else {
        let client = IndexClient::new(client_options(options, &lock, &cache_root))
            .map_err(|e| SyncError::Fetch(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| SyncError::Fetch(format!("cannot start the async runtime: {e}")))?;
        let total = to_install.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let report = |_: &crate::Wanted| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(progress) = &options.progress {
                progress(n, total);
            }
        };
        let builder = crate::fetch::Builder {
            frontend: std::sync::Arc::new(lockit_build_frontend::BuildFrontend::new(
                lockit_build_frontend::FrontendOptions {
                    python: Some(env.python.clone()),
                    python_version: Some(env.target.python_minor()),
                    cache_dir: Some(cache_root.clone()),
                    ..Default::default()
                },
            )),
            client: client.clone(),
        };
        runtime.block_on(fetch_all(
            &client,
            &cache,
            &to_install,
            &env.target,
            Some(&builder),
            &report,
        ))?
    };

    // Every file is here and checked: from now on the environment changes.
    held.begin(plan.changes.iter().map(Change::name))?;
    let installer = Installer::new(&env, options.copy);
    plan.changes
        .par_iter()
        .filter_map(Change::installed)
        .try_for_each(|dist| installer.uninstall(dist))?;
    fetched
        .par_iter()
        .try_for_each(|(pin, file)| installer.install(pin, file))?;
    if options.compile_bytecode {
        compile_bytecode(&env)?;
    }
    held.finish()?;
    if options.cache_root.is_none() {
        let _ = std::fs::remove_dir_all(&cache_root);
    }
    tracing::debug!("synced in {:.2?}", started.elapsed());
    Ok(outcome(plan, true))
}

/// The index the lock was made from, unless `options` name one.
fn client_options(
    options: &SyncOptions,
    lock: &lockit_lockfile::ParsedLock,
    cache_root: &std::path::Path,
) -> ClientOptions {
    let mut index_urls = options.index_urls.clone();
    if index_urls.is_empty() {
        index_urls.extend(lock.index_url.iter().cloned());
        index_urls.extend(lock.extra_index_urls.iter().cloned());
    }
    if index_urls.is_empty() {
        index_urls.extend(
            lock.recorded
                .iter()
                .filter(|(k, _)| k == "index-url")
                .map(|(_, v)| v.clone()),
        );
    }
    let mut client = ClientOptions::default();
    if !index_urls.is_empty() {
        client.index_urls = index_urls;
    }
    client.find_links = lock.find_links.clone();
    client.find_links.extend(
        lock.recorded
            .iter()
            .filter(|(k, _)| k == "find-links")
            .map(|(_, v)| v.clone()),
    );
    client.find_links.extend(options.find_links.iter().cloned());
    client.cache_dir = Some(cache_root.to_path_buf());
    client.offline = options.offline;
    client
}

/// `python -m compileall` over the environment's site-packages.
fn compile_bytecode(env: &Environment) -> Result<(), SyncError> {
    let out = std::process::Command::new(&env.python)
        .args(["-m", "compileall", "-q", "-j", "0"])
        .args(env.site_packages())
        .output()
        .map_err(|e| SyncError::Install(format!("cannot compile bytecode: {e}")))?;
    if !out.status.success() {
        tracing::warn!(
            "compiling bytecode reported errors: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    Ok(())
}
