//! `lockit-test-index`: serve a scenario or a recorded fixture, or record one from an
//! upstream index.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lockit_test_index::{RecordOptions, Scenario, TestIndex};

#[derive(Parser)]
#[command(name = "lockit-test-index", about, version)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Proxy an upstream index and record what is fetched through it into a fixture folder.
    Record {
        /// The upstream Simple API root.
        #[arg(long, default_value = "https://pypi.org/simple/")]
        upstream: String,
        /// The fixture folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Leave out files uploaded after this RFC 3339 instant.
        #[arg(long)]
        exclude_newer: Option<String>,
        /// The local port; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Replay a recorded fixture folder.
    Serve {
        /// The fixture folder.
        dir: PathBuf,
        /// The local port; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Replace the recorded wheels of a fixture folder by their PEP 658 metadata (for
    /// fixtures recorded from an index that serves none: lockit then reads wheels by
    /// range requests and the recorder keeps each whole).
    Slim {
        /// The fixture folder.
        dir: PathBuf,
    },
    /// Serve a synthetic scenario file.
    Scenario {
        /// The scenario TOML file.
        file: PathBuf,
        /// The local port; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let index = match args.command {
        Command::Record {
            upstream,
            out,
            exclude_newer,
            port,
        } => {
            let opts = RecordOptions {
                upstream,
                out: out.clone(),
                exclude_newer,
                port,
            };
            TestIndex::record(&opts)
                .with_context(|| format!("cannot start recording into `{}`", out.display()))?
        }
        Command::Slim { dir } => {
            let done = lockit_test_index::slim(&dir)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("cannot slim `{}`", dir.display()))?;
            println!(
                "replaced {} wheels by their metadata ({} bytes fewer)",
                done.wheels, done.bytes_saved
            );
            return Ok(());
        }
        Command::Serve { dir, port } => TestIndex::serve_recorded_on(&dir, port)
            .with_context(|| format!("cannot serve `{}`", dir.display()))?,
        Command::Scenario { file, port } => {
            let scenario = Scenario::load(&file)?;
            TestIndex::serve_scenario_on(&scenario, port)
                .with_context(|| format!("cannot serve `{}`", file.display()))?
        }
    };
    println!("{}", index.url());
    eprintln!(
        "serving {} (JSON only: {}, HTML only: {}); stop with Ctrl-C",
        index.url(),
        index.json_url(),
        index.html_url()
    );
    loop {
        std::thread::park();
    }
}
