//! `lockit sync`: makes the environment exactly the lock (the work is `lockit-installer`'s).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use lockit_installer::{Discovery, SyncError, SyncOptions};

use crate::cli::OutputArgs;
use crate::exit_code::{Exit, Failure};

/// `lockit sync` arguments.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The lock: a requirements.txt with hashes (lockit's, pip-compile's or uv's) or a pylock.toml.
    #[arg(default_value = "requirements.txt")]
    pub lock: PathBuf,
    /// The interpreter of the environment to sync; default: `VIRTUAL_ENV`, else `.venv` (created when missing).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Allow changing an interpreter that is not in a virtual environment.
    #[arg(long)]
    pub system: bool,
    /// Change nothing: exit 0 when the environment is exactly the lock, 1 with the differences.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Print what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Compile installed modules to bytecode.
    #[arg(long)]
    pub compile_bytecode: bool,
    /// Copy files into the environment instead of linking them from the cache.
    #[arg(long)]
    pub copy: bool,
    /// Index URL to fetch from instead of the lock's.
    #[arg(long, value_name = "URL")]
    pub index_url: Option<String>,
    /// Extra index URLs.
    #[arg(long, value_name = "URL")]
    pub extra_index_url: Vec<String>,
    /// Find-links locations added to the lock's.
    #[arg(long, value_name = "URL")]
    pub find_links: Vec<String>,
    /// Cache folder (default: `LOCKIT_CACHE_DIR`, else `~/.cache/lockit`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Never use the network: only cached wheels are installed.
    #[arg(long)]
    pub offline: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `lockit sync`.
pub fn run(args: SyncArgs) -> Result<Exit, Failure> {
    let cache_root = args
        .cache_dir
        .clone()
        .or_else(crate::settings::default_cache_root);
    let progress = Arc::new(lockit_console::Progress::new(!args.output.quiet));
    let bar = Arc::clone(&progress);
    let options = SyncOptions {
        lock: args.lock.clone(),
        discovery: Discovery {
            python: args.python.clone(),
            system: args.system,
            lock_python: None,
            cache_root: cache_root.clone(),
            cwd: std::env::current_dir().unwrap_or_default(),
            no_create: false,
        },
        check: args.check,
        dry_run: args.dry_run,
        index_urls: args
            .index_url
            .iter()
            .chain(&args.extra_index_url)
            .cloned()
            .collect(),
        find_links: args.find_links.clone(),
        cache_root,
        offline: args.offline,
        copy: args.copy,
        compile_bytecode: args.compile_bytecode,
        progress: Some(Arc::new(move |done, total| bar.downloaded(done, total))),
    };
    let started = std::time::Instant::now();
    let outcome = lockit_installer::sync(&options).map_err(failure);
    progress.finish();
    let outcome = outcome?;
    let plan = &outcome.plan;
    let lines: Vec<String> = plan.changes.iter().map(ToString::to_string).collect();
    if args.check || args.dry_run {
        for line in &lines {
            println!("{line}");
        }
    }
    let lock = args.lock.display();
    if args.check {
        if plan.is_empty() {
            if !args.output.quiet {
                eprintln!(
                    "{} is exactly {lock} ({} packages)",
                    outcome.python.display(),
                    plan.unchanged
                );
            }
            return Ok(Exit::Ok);
        }
        eprintln!(
            "{} differs from {lock} in {} packages",
            outcome.python.display(),
            lines.len()
        );
        return Ok(Exit::NoSolution);
    }
    if args.output.quiet {
        return Ok(Exit::Ok);
    }
    if args.dry_run {
        eprintln!(
            "Would make {} changes ({} packages already as locked)",
            lines.len(),
            plan.unchanged
        );
    } else if plan.is_empty() {
        eprintln!(
            "Nothing to do: {} is exactly {lock} ({} packages)",
            outcome.python.display(),
            plan.unchanged
        );
    } else {
        eprintln!(
            "Synced {} with {lock}: {} changes in {:.2}s",
            outcome.python.display(),
            lines.len(),
            started.elapsed().as_secs_f64()
        );
        for line in &lines {
            eprintln!(" {line}");
        }
    }
    Ok(Exit::Ok)
}

/// The exit code of each failure: 2 for the lock, the environment or what sync refuses,
/// 3 for files that could not be had or checked.
fn failure(e: SyncError) -> Failure {
    let code = match &e {
        SyncError::Fetch(_) => Exit::Network,
        _ => Exit::BadInput,
    };
    Failure::new(code, e.to_string())
}
