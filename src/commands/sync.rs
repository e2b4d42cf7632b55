//! `lockit sync`: makes the environment exactly the lock (the work is `lockit-installer`'s).

use std::sync::Arc;

use lockit_installer::{Discovery, SyncError, SyncOptions};

use crate::cli::SyncArgs;
use crate::exit_code::{Exit, Failure};

/// Runs `lockit sync`.
pub fn run(args: SyncArgs) -> Result<Exit, Failure> {
    let cache_root = args
        .cache_dir
        .clone()
        .or_else(lockit_settings::default_cache_root);
    let progress = Arc::new(lockit_console::Progress::new(
        !args.output.quiet && !args.output.no_progress,
    ));
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
    let seconds = started.elapsed().as_secs_f64();
    let summary = outcome?.summary(&args.lock, &options, args.output.quiet, seconds);
    print!("{}", summary.stdout);
    eprint!("{}", summary.stderr);
    Ok(if summary.differs {
        Exit::NoSolution
    } else {
        Exit::Ok
    })
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
