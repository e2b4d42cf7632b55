//! Parsing what the index serves: core metadata, PEP 508 requirements, filenames.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lockit_benchmarks::Recording;
use lockit_types::{CoreMetadata, DistFilename, PackageName};

fn parse(c: &mut Criterion) {
    let recording = Recording::load_corpus("airflow").expect("recorded index");
    let texts: Vec<&str> = recording.metadata_texts().collect();
    // Real METADATA files carry the long description after the headers.
    let description = "A long description line, as READMEs have.\n".repeat(500);
    let with_body: Vec<String> = texts
        .iter()
        .map(|t| format!("{t}\n{description}"))
        .collect();
    let requirements: Vec<String> = texts
        .iter()
        .flat_map(|t| t.lines())
        .filter_map(|l| l.strip_prefix("Requires-Dist: "))
        .map(str::to_string)
        .collect();

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("metadata/headers-only", |b| {
        b.iter(|| {
            for t in &texts {
                criterion::black_box(CoreMetadata::parse(t.as_bytes()).ok());
            }
        })
    });
    group.bench_function("metadata/with-description", |b| {
        b.iter(|| {
            for t in &with_body {
                criterion::black_box(CoreMetadata::parse(t.as_bytes()).ok());
            }
        })
    });
    group.throughput(Throughput::Elements(requirements.len() as u64));
    group.bench_function("requirements", |b| {
        b.iter(|| {
            for r in &requirements {
                criterion::black_box(lockit_types::parse_requirement(r).ok());
            }
        })
    });
    let files: Vec<(PackageName, &str)> = recording
        .projects
        .iter()
        .filter_map(|(n, files)| Some((n.parse().ok()?, files)))
        .flat_map(|(n, files): (PackageName, _)| {
            files
                .iter()
                .map(move |(f, _, _)| (n.clone(), f.as_str()))
                .collect::<Vec<_>>()
        })
        .collect();
    group.throughput(Throughput::Elements(files.len() as u64));
    group.bench_function("filenames", |b| {
        b.iter(|| {
            for (n, f) in &files {
                criterion::black_box(DistFilename::parse(f, n).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
