//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A Python dependency resolver and lockfile generator.
#[derive(Debug, Parser)]
#[command(name = "lockit", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Resolve requirements into a hashed lockfile.
    Resolve(ResolveArgs),
}

/// Pre-release policy, as uv spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrereleaseArg {
    Disallow,
    Allow,
    IfNecessary,
    Explicit,
    IfNecessaryOrExplicit,
}

/// How packages found on several indexes are chosen, as uv spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IndexStrategyArg {
    /// Only the first index that has a package (protects against dependency confusion).
    FirstIndex,
    /// The best version across all indexes (unsafe with a private index).
    UnsafeBestMatch,
}

/// Options that say what to resolve for and where from (shared by every command).
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// Python version to resolve for (`3.12`); default: the `python3` on PATH.
    #[arg(long, value_name = "X.Y")]
    pub python_version: Option<String>,
    /// Platform to resolve for, as uv spells it (`x86_64-manylinux_2_28`, `aarch64-apple-darwin`, `windows`).
    #[arg(long, value_name = "PLATFORM")]
    pub python_platform: Option<String>,
    /// Ignore files uploaded after this date (RFC 3339 timestamp or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub exclude_newer: Option<String>,
    /// Index URL (default https://pypi.org/simple/).
    #[arg(short = 'i', long, env = "LOCKIT_INDEX_URL")]
    pub index_url: Option<String>,
    /// More index URLs; a package is taken from the first index that has it.
    #[arg(long, env = "LOCKIT_EXTRA_INDEX_URL", value_delimiter = ' ')]
    pub extra_index_url: Vec<String>,
    /// Flat pages or directories of distribution files.
    #[arg(short = 'f', long)]
    pub find_links: Vec<String>,
    /// When pre-releases may be chosen.
    #[arg(long, value_enum)]
    pub prerelease: Option<PrereleaseArg>,
    /// Same as `--prerelease allow`.
    #[arg(long)]
    pub pre: bool,
    /// Never use sdists for these packages (`:all:` for every package).
    #[arg(long, value_name = "PKG")]
    pub only_binary: Vec<String>,
    /// Never use wheels for these packages (`:all:` for every package).
    #[arg(long, value_name = "PKG")]
    pub no_binary: Vec<String>,
    /// Constrain versions without adding packages.
    #[arg(short = 'c', long = "constraint", value_name = "FILE")]
    pub constraints: Vec<PathBuf>,
    /// Lock for every platform at once (not supported yet).
    #[arg(long)]
    pub universal: bool,
    /// Cache directory (default: the XDG cache dir).
    #[arg(long, env = "LOCKIT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Use no disk cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Never use the network; everything must come from the cache.
    #[arg(long, env = "LOCKIT_OFFLINE")]
    pub offline: bool,
    /// Refetch project pages even when the cache holds them.
    #[arg(long)]
    pub refresh: bool,
    /// Seconds to wait for a connection.
    #[arg(long, env = "LOCKIT_CONNECT_TIMEOUT", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Seconds to wait for data on a connection.
    #[arg(long, env = "LOCKIT_READ_TIMEOUT", default_value_t = 30.0)]
    pub read_timeout: f64,
    /// Which indexes a package may come from: the first that has it (safe), or all of them.
    #[arg(long, value_enum, env = "LOCKIT_INDEX_STRATEGY", default_value_t = IndexStrategyArg::FirstIndex)]
    pub index_strategy: IndexStrategyArg,
    /// Verify TLS with the operating system's certificate store (always the case; accepted for uv/pip compatibility).
    #[arg(long, env = "LOCKIT_NATIVE_TLS")]
    pub native_tls: bool,
    /// Less output.
    #[arg(short, long)]
    pub quiet: bool,
    /// More output.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Requirements files (`requirements.in`).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file; `-` for stdout. Default: the first input with `.txt`.
    #[arg(short, long)]
    pub output_file: Option<PathBuf>,
    /// Omit the header comment.
    #[arg(long)]
    pub no_header: bool,
    /// Accepted for pip-compile compatibility: hashes are always written.
    #[arg(long, hide = true)]
    pub generate_hashes: bool,
    #[command(flatten)]
    pub target: TargetArgs,
}
