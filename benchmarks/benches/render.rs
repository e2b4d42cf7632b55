//! Rendering a lock: the airflow resolution as requirements.txt.

use criterion::{criterion_group, criterion_main, Criterion};
use lockit_benchmarks::{options, Recording};
use lockit_lockfile::{Header, Lock, LockedPackage, Via};
use lockit_resolver::Dependent;

fn render(c: &mut Criterion) {
    let recording = Recording::load_corpus("airflow").expect("recorded index");
    let index = recording.index();
    let resolution = lockit_resolver::resolve(&index, &recording.roots(), &[], &options())
        .expect("the recording resolves");
    let packages = resolution
        .packages
        .iter()
        .map(|p| {
            let mut hashes: Vec<String> = p
                .files
                .iter()
                .filter_map(|f| f.sha256.as_ref().map(|h| format!("sha256:{h}")))
                .collect();
            hashes.sort();
            LockedPackage {
                name: p.name.clone(),
                version: p.version.clone(),
                hashes,
                via: p
                    .dependents
                    .iter()
                    .map(|d| match d {
                        Dependent::Root { source, .. } => Via::Input(source.clone()),
                        Dependent::Package { name, .. } => Via::Package(name.clone()),
                    })
                    .collect(),
                marker: None,
                url: None,
            }
        })
        .collect();
    let lock = Lock {
        header: Some(Header {
            python: "3.12".into(),
            command: "lockit resolve airflow.in".into(),
        }),
        packages,
    };
    c.bench_function("render/airflow", |b| {
        b.iter(|| criterion::black_box(lockit_lockfile::render(&lock).len()))
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
