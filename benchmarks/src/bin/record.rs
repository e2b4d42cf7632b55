//! Records what a resolution reads from the index into `benchmarks/data/<corpus>.json.gz`.
//!
//! Usage: `record CORPUS.in [--cache-dir DIR] [--offline] [--out FILE]`
//!
//! Resolves CORPUS.in for the benchmark target (CPython 3.12, x86_64 manylinux 2.28,
//! `--exclude-newer 2026-11-01`) against PyPI, through lockit's cache when `--cache-dir`
//! is given (with `--offline`, only from it), and writes every page and metadata answer.

use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use lockit_benchmarks::{data_dir, read_requirements, Recorder, EXCLUDE_NEWER};
use lockit_index_client::{ClientIndex, ClientOptions, IndexClient};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("record: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut input = None;
    let mut options = ClientOptions {
        exclude_newer: Some(jiff::Timestamp::from_str(EXCLUDE_NEWER)?),
        ..ClientOptions::default()
    };
    let mut out = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cache-dir" => options.cache_dir = args.next().map(PathBuf::from),
            "--offline" => options.offline = true,
            "--out" => out = args.next().map(PathBuf::from),
            _ if input.is_none() => input = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`").into()),
        }
    }
    let input =
        input.ok_or("usage: record CORPUS.in [--cache-dir DIR] [--offline] [--out FILE]")?;
    let corpus = input
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("bad corpus file name")?
        .to_string();
    let out = out.unwrap_or_else(|| data_dir().join(format!("{corpus}.json.gz")));
    let requirements = read_requirements(&std::fs::read_to_string(&input)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let index = ClientIndex::new(IndexClient::new(options)?, runtime.handle().clone());
    let recorder = Recorder::new(&index, requirements);
    let roots = {
        let rec = lockit_benchmarks::Recording {
            requirements: read_requirements(&std::fs::read_to_string(&input)?),
            ..Default::default()
        };
        rec.roots()
    };
    let resolution =
        lockit_resolver::resolve(&recorder, &roots, &[], &lockit_benchmarks::options())
            .map_err(|e| format!("{corpus} does not resolve: {e}"))?;
    let mut recording = recorder.finish();
    recording.pins = resolution
        .packages
        .iter()
        .map(|p| format!("{}=={}", p.name, p.version))
        .collect();
    recording.save(&out)?;
    eprintln!(
        "{corpus}: {} packages; recorded {} pages, {} metadata into {}",
        resolution.packages.len(),
        recording.projects.len(),
        recording.metadata.len(),
        out.display()
    );
    Ok(())
}
