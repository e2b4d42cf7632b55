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
    /// Check that a lock is current and untampered (for CI): exit 0 current, 1 stale.
    Verify(VerifyArgs),
    /// Explain why a package is pinned where it is, or why nothing resolves.
    Explain(ExplainArgs),
    /// Show a lock's dependency tree (text, JSON, DOT or Mermaid), from the lock alone.
    Tree(TreeArgs),
    /// Show what changed between two locks (text, markdown or JSON).
    Diff(DiffArgs),
    /// Make an environment exactly a lock: install, replace and remove packages.
    Sync(SyncArgs),
}

/// Pre-release policy: PEP 440's by default, or one of uv's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrereleaseArg {
    // PEP 440's rule, as pip applies it: the default. (No doc comments on the variants:
    // clap would list them one per line in `--help`.)
    Pep440,
    Disallow,
    Allow,
    IfNecessary,
    Explicit,
    IfNecessaryOrExplicit,
}

/// `--resolution`, as uv spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResolutionArg {
    Highest,
    Lowest,
    LowestDirect,
}

/// How packages found on several indexes are chosen, as uv spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IndexStrategyArg {
    /// Only the first index that has a package (protects against dependency confusion).
    FirstIndex,
    /// The best version across all indexes (unsafe with a private index).
    UnsafeBestMatch,
}

/// Options every command takes, in groups.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub resolver: ResolverArgs,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Where settings come from besides the command line.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Configuration")]
pub struct ConfigArgs {
    /// Read settings from this file (`lockit.toml` format) instead of the nearest
    /// `lockit.toml` or `pyproject.toml` `[tool.lockit]`.
    #[arg(long, value_name = "PATH", env = "LOCKIT_CONFIG_FILE")]
    pub config_file: Option<PathBuf>,
    /// Read no configuration file.
    #[arg(long, env = "LOCKIT_NO_CONFIG", conflicts_with = "config_file")]
    pub no_config: bool,
}

/// The environment to lock for.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Target options")]
pub struct TargetArgs {
    /// Python version to resolve for (`3.12`); default: the `python3` on PATH.
    #[arg(long, value_name = "X.Y")]
    pub python_version: Option<String>,
    /// Platform to resolve for, as uv spells it (`x86_64-manylinux_2_28`, `aarch64-apple-darwin`, `windows`).
    #[arg(long, value_name = "PLATFORM")]
    pub python_platform: Option<String>,
    /// Lock for this interpreter (its version and platform) instead of the `python3` on PATH;
    /// builds run with it. With --universal: only the interpreter builds run with.
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Lock for every platform and every Python from `--python-version` (or `requires-python`)
    /// on: pins carry PEP 508 markers.
    #[arg(long, conflicts_with = "python_platform")]
    pub universal: bool,
    /// With --universal: lock only for environments where this PEP 508 marker holds
    /// (repeatable; the lock serves their union), as uv's `environments`.
    #[arg(long = "environment", value_name = "MARKER", requires = "universal")]
    pub environments: Vec<String>,
    /// With --universal: fail unless every checked environment (CPython 3.10-3.14 on Linux,
    /// macOS and Windows) this marker selects can install every pin it needs (repeatable).
    #[arg(
        long = "required-environment",
        value_name = "MARKER",
        requires = "universal"
    )]
    pub required_environments: Vec<String>,
}

/// What the resolver may choose.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Resolver options")]
pub struct ResolverArgs {
    /// Ignore files uploaded after this instant: an RFC 3339 timestamp, a date (YYYY-MM-DD),
    /// or an age counted back from now (`7 days`, `1 week`, `P7D`); the lock records the
    /// instant.
    #[arg(long, value_name = "DATE")]
    pub exclude_newer: Option<String>,
    /// Ignore files of one package uploaded after DATE (any form --exclude-newer takes),
    /// over --exclude-newer. Repeatable.
    #[arg(long, value_name = "NAME=DATE")]
    pub exclude_newer_package: Vec<String>,
    /// When pre-releases may be chosen.
    #[arg(long, value_enum)]
    pub prerelease: Option<PrereleaseArg>,
    /// Which release to try first: the newest (`highest`, the default), the oldest that
    /// fits (`lowest`), or the oldest for your own requirements only (`lowest-direct`).
    #[arg(long, value_enum)]
    pub resolution: Option<ResolutionArg>,
    /// Same as `--prerelease allow`.
    #[arg(long)]
    pub pre: bool,
    /// Never use sdists for these packages (`:all:` for every package).
    #[arg(long, value_name = "PKG")]
    pub only_binary: Vec<String>,
    /// Never use wheels for these packages (`:all:` for every package).
    #[arg(long, value_name = "PKG")]
    pub no_binary: Vec<String>,
    /// Never build an sdist for its metadata: releases whose metadata needs a build are left out.
    #[arg(long)]
    pub no_build: bool,
    /// Never build this package's sdists for their metadata. Repeatable.
    #[arg(long, value_name = "PKG")]
    pub no_build_package: Vec<String>,
    /// At most N PEP 517 builds at once (default: the number of CPUs).
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        env = "LOCKIT_CONCURRENT_BUILDS",
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub concurrent_builds: Option<u16>,
    /// Constrain versions without adding packages.
    #[arg(short = 'c', long = "constraint", value_name = "FILE")]
    pub constraints: Vec<PathBuf>,
}

/// Where packages come from.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Index options")]
pub struct IndexArgs {
    /// Index URL (default https://pypi.org/simple/).
    #[arg(short = 'i', long, env = "LOCKIT_INDEX_URL")]
    pub index_url: Option<String>,
    /// More index URLs; a package is taken from the first index that has it.
    #[arg(long, env = "LOCKIT_EXTRA_INDEX_URL", value_delimiter = ' ')]
    pub extra_index_url: Vec<String>,
    /// Flat pages or directories of distribution files.
    #[arg(short = 'f', long)]
    pub find_links: Vec<String>,
    /// Read no index: only the `--find-links` locations.
    #[arg(long)]
    pub no_index: bool,
    /// Which indexes a package may come from: the first that has it (safe, the default), or
    /// all of them.
    #[arg(long, value_enum, env = "LOCKIT_INDEX_STRATEGY")]
    pub index_strategy: Option<IndexStrategyArg>,
    /// Never use the network; everything must come from the cache.
    #[arg(long, env = "LOCKIT_OFFLINE")]
    pub offline: bool,
    /// Seconds to wait for a connection.
    #[arg(long, env = "LOCKIT_CONNECT_TIMEOUT", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Seconds to wait for data on a connection.
    #[arg(long, env = "LOCKIT_READ_TIMEOUT", default_value_t = 30.0)]
    pub read_timeout: f64,
    /// Verify TLS with the operating system's certificate store (always the case; accepted for uv/pip compatibility).
    #[arg(long, env = "LOCKIT_NATIVE_TLS")]
    pub native_tls: bool,
}

/// The on-disk cache.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Cache options")]
pub struct CacheArgs {
    /// Cache directory (default: the XDG cache dir).
    #[arg(long, env = "LOCKIT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Use no disk cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Refetch project pages even when the cache holds them.
    #[arg(long)]
    pub refresh: bool,
    /// Refetch this package's pages only (repeatable).
    #[arg(long, value_name = "PKG")]
    pub refresh_package: Vec<String>,
}

/// How much lockit says on stderr.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output options")]
pub struct OutputArgs {
    /// Less output.
    #[arg(short, long)]
    pub quiet: bool,
    /// More output.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Hide the progress line.
    #[arg(long, env = "LOCKIT_NO_PROGRESS")]
    pub no_progress: bool,
    /// Colour: on a terminal without `NO_COLOR` (auto), always, or never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// `--color`, as uv and pip spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
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
    /// Lock format: `requirements` (pip's requirements.txt) or `pylock` (PEP 751 pylock.toml).
    #[arg(long, value_enum, default_value_t = LockFormat::Requirements)]
    pub format: LockFormat,
    /// Ignore the pins of the existing output file (by default, pins that still fit are kept).
    #[arg(short = 'U', long)]
    pub upgrade: bool,
    /// Let this package move off its pin; `PKG==X` (any specifier) also requires it. Repeatable.
    #[arg(short = 'P', long, value_name = "PKG")]
    pub upgrade_package: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub compat: CompatArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// pip-compile's options, so that its command lines work unchanged.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "pip-compile compatibility")]
pub struct CompatArgs {
    /// No-op: hashes are always written.
    #[arg(long)]
    pub generate_hashes: bool,
    /// No-op: pip, setuptools and wheel are pinned like any other package.
    #[arg(long)]
    pub allow_unsafe: bool,
    /// Pins without extras (`requests==2.32.3`); the default, as in pip-compile 8.
    #[arg(long, overrides_with = "no_strip_extras")]
    pub strip_extras: bool,
    /// Pins carry the extras they were required with (`requests[socks]==2.32.3`), as in
    /// pip-compile before 8. Not with --universal, where an extra may be wanted in only
    /// some of the environments that install its pin.
    #[arg(long, overrides_with = "strip_extras", conflicts_with = "universal")]
    pub no_strip_extras: bool,
    /// Write `--index-url` / `--extra-index-url` lines (without credentials) first.
    #[arg(long, overrides_with = "no_emit_index_url")]
    pub emit_index_url: bool,
    /// No-op (the default): index URLs are recorded in the header comment only.
    #[arg(long)]
    pub no_emit_index_url: bool,
    /// Omit the `# via` comments.
    #[arg(long)]
    pub no_annotate: bool,
    /// `split`: `# via` lines under each pin (the default); `line`: on the pin's last line.
    #[arg(long, value_enum, default_value_t = AnnotationStyle::Split)]
    pub annotation_style: AnnotationStyle,
    /// Show this command in the header instead of lockit's own (`verify` then needs the
    /// input named).
    #[arg(long, value_name = "COMMAND")]
    pub custom_compile_command: Option<String>,
    /// No-op for `backtracking`: lockit's PubGrub resolver always backtracks.
    #[arg(long, value_enum)]
    pub resolver: Option<ResolverArg>,
    /// Resolve and print the lock on stdout; write no file.
    #[arg(long)]
    pub dry_run: bool,
}

/// How `tree` prints the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// An indented tree.
    Text,
    /// `{"packages": [...], "roots": [...]}` (schema in the README).
    Json,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub markdown).
    Mermaid,
}

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// The lock: requirements.txt (default) or pylock.toml.
    pub lock: Option<PathBuf>,
    /// Show at most N levels below the top.
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
    /// Show the subtree of this package (repeatable).
    #[arg(long, value_name = "NAME")]
    pub package: Vec<String>,
    /// Show who requires this package, up to the requirement file and line.
    #[arg(long, value_name = "NAME", conflicts_with = "package")]
    pub invert: Option<String>,
    /// Leave this package and what only it brings out (repeatable).
    #[arg(long, value_name = "NAME")]
    pub prune: Vec<String>,
    /// Ask the index for each pin's newest release, and why an older one is pinned
    /// (with `--format text` or `json`).
    #[arg(long)]
    pub outdated: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// How `diff` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A line per change.
    Text,
    /// A table, then details: for a pull-request comment.
    Markdown,
    /// One JSON document, for tools.
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old lock (requirements.txt or pylock.toml).
    pub old: PathBuf,
    /// The new lock.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when anything changed, as `git diff --exit-code`.
    #[arg(long)]
    pub exit_code: bool,
}

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

/// pip-compile's `--annotation-style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnnotationStyle {
    /// `# via` comment lines under each pin.
    Split,
    /// `# via a, b` at the end of the pin's last line.
    Line,
}

/// pip-compile's `--resolver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResolverArg {
    /// What lockit does.
    Backtracking,
    /// pip's old resolver, which lockit does not have.
    Legacy,
}

/// The lock formats `resolve` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LockFormat {
    /// requirements.txt with `--hash` lines, as pip-compile writes it.
    Requirements,
    /// PEP 751 pylock.toml.
    Pylock,
}

/// What to take from the inputs (pyproject.toml selections, overrides); recorded in the
/// lock header so `verify` can repeat it.
#[derive(Debug, Clone, Default, Args)]
pub struct InputArgs {
    /// Requirements files whose entries replace what dependencies declare on those packages.
    #[arg(long = "override", value_name = "FILE")]
    pub overrides: Vec<PathBuf>,
    /// pyproject.toml: include this `[project.optional-dependencies]` extra. Repeatable.
    #[arg(long, value_name = "NAME")]
    pub extra: Vec<String>,
    /// pyproject.toml: include every optional-dependencies extra.
    #[arg(long)]
    pub all_extras: bool,
    /// pyproject.toml: include this PEP 735 dependency group. Repeatable.
    #[arg(long, value_name = "NAME")]
    pub group: Vec<String>,
}

/// How `verify` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people.
    Text,
    /// One JSON document on stdout, for tools.
    Json,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The input the lock was made from; default: the inputs in the lock's header.
    pub input: Option<PathBuf>,
    /// The lock to check (requirements.txt or pylock.toml); default: the input with `.txt`.
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 0 (with a warning) when nothing is wrong but some pins could not be checked,
    /// instead of exit 4.
    #[arg(long)]
    pub allow_unchecked: bool,
    #[command(flatten)]
    pub input_args: InputArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The package to explain.
    pub package: String,
    /// Requirements files; default `requirements.in`.
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl ResolveArgs {
    /// The `lockit resolve` arguments recorded in a lock's header command, if it is one.
    pub fn from_header(command: &str) -> Option<ResolveArgs> {
        let words = lockit_lockfile::command_words(command)?;
        if words.first().map(String::as_str) != Some("lockit") {
            return None;
        }
        match Cli::try_parse_from(words).ok()?.command {
            Command::Resolve(args) => Some(args),
            _ => None,
        }
    }
}

/// The `lockit resolve` arguments (`args`, after the program name) a lock's header records
/// (see [`lockit_lockfile::without_destination`]).
pub fn recorded_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    use clap::CommandFactory;
    // Short options that take a value end a cluster: in `-cout` the `o` is `-c`'s value.
    let valued: Vec<char> = Cli::command()
        .find_subcommand("resolve")
        .into_iter()
        .flat_map(|c| c.get_arguments())
        .filter(|a| a.get_action().takes_values())
        .filter_map(clap::Arg::get_short)
        .collect();
    lockit_lockfile::without_destination(args, &valued)
}

/// Other tools' spellings of lockit's options (pip-compile, uv, pip).
const OTHER_SPELLINGS: &[(&str, &str)] = &[
    ("--index", "--index-url"),
    ("--default-index", "--index-url"),
    ("--extra-index", "--extra-index-url"),
    ("--output", "--output-file"),
    ("--constraints", "--constraint"),
    ("--rebuild", "--refresh"),
    ("--upgrade-packages", "--upgrade-package"),
    ("--pre-release", "--prerelease"),
];

/// The message for an option lockit does not know: the lockit spelling when another tool's
/// is used, else clap's closest match, never clap's "use `-- --flag`" tip.
pub fn unknown_option(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        _ => None,
    };
    let given = text(ContextKind::InvalidArg).unwrap_or_default();
    let flag = given.split('=').next().unwrap_or_default();
    let hint = OTHER_SPELLINGS
        .iter()
        .find(|(other, _)| *other == flag)
        .map(|(_, ours)| ours.to_string())
        .or_else(|| text(ContextKind::SuggestedArg));
    match hint {
        Some(ours) => {
            format!("unknown option `{flag}`; lockit spells it `{ours}` (see `lockit help`)")
        }
        None => format!("unknown option `{flag}` (see `lockit help` for the options)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_options_get_lockit_spellings_not_clap_tips() {
        let message = |args: &[&str]| {
            let e = Cli::try_parse_from(args).expect_err("unknown option");
            unknown_option(&e)
        };
        assert_eq!(
            message(&["lockit", "resolve", "r.in", "--index", "https://x"]),
            "unknown option `--index`; lockit spells it `--index-url` (see `lockit help`)"
        );
        assert!(message(&["lockit", "resolve", "r.in", "--upgrad"]).contains("`--upgrade`"));
        assert!(!message(&["lockit", "resolve", "r.in", "--frobnicate"]).contains("-- --"));
    }

    #[test]
    fn a_pip_compile_command_line_parses() {
        let cli = Cli::try_parse_from([
            "lockit",
            "resolve",
            "--generate-hashes",
            "--allow-unsafe",
            "--strip-extras",
            "--no-emit-index-url",
            "--annotation-style=split",
            "--output-file=requirements.txt",
            "requirements.in",
        ])
        .expect("parses");
        let Command::Resolve(args) = cli.command else {
            panic!("resolve")
        };
        assert_eq!(args.output_file, Some(PathBuf::from("requirements.txt")));
        assert_eq!(args.compat.annotation_style, AnnotationStyle::Split);
    }

    #[test]
    fn the_recorded_command_leaves_out_the_output_destination() {
        let recorded = |args: &[&str]| recorded_args(args.iter().map(|a| a.to_string())).join(" ");
        let plain = "resolve r.in -q --python-version 3.12";
        for with_output in [
            "resolve r.in -o - -q --python-version 3.12",
            "resolve r.in -o out.txt -q --python-version 3.12",
            "resolve r.in -oout.txt -q --python-version 3.12",
            "resolve r.in -o=out.txt -q --python-version 3.12",
            "resolve r.in --output-file out.txt -q --python-version 3.12",
            "resolve r.in --output-file=- -q --python-version 3.12",
        ] {
            let args: Vec<&str> = with_output.split(' ').collect();
            assert_eq!(recorded(&args), plain, "{with_output}");
        }
        // A cluster keeps its other flags; a valued short option keeps its value.
        assert_eq!(
            recorded(&["resolve", "r.in", "-qo", "x.txt"]),
            "resolve r.in -q"
        );
        assert_eq!(
            recorded(&["resolve", "r.in", "-cout.txt"]),
            "resolve r.in -cout.txt"
        );
        assert_eq!(recorded(&["resolve", "--", "-o"]), "resolve -- -o");
        assert_eq!(recorded(&["resolve", "-"]), "resolve -");
    }

    #[test]
    fn reads_resolve_arguments_from_a_header() {
        let args = ResolveArgs::from_header(
            "lockit resolve req.in --python-version 3.12 --extra cli -o out.txt",
        )
        .expect("a resolve command");
        assert_eq!(args.inputs, [PathBuf::from("req.in")]);
        assert_eq!(args.common.target.python_version.as_deref(), Some("3.12"));
        assert_eq!(args.input.extra, ["cli"]);
        assert!(ResolveArgs::from_header("pip-compile requirements.in").is_none());
    }
}
