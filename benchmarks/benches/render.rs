//! Rendering a lock: the airflow resolution as requirements.txt.

use criterion::{criterion_group, criterion_main, Criterion};
use lockit_benchmarks::{options, Recording};
use lockit_lockfile::Header;

fn render(c: &mut Criterion) {
    let recording = Recording::load_corpus("airflow").expect("recorded index");
    let index = recording.index();
    let resolution = lockit_resolver::resolve(&index, &recording.roots(), &[], &options())
        .expect("the recording resolves");
    let header = Header::new(
        "3.12".into(),
        ["resolve".to_string(), "airflow.in".to_string()],
    );
    let lock = lockit_lockfile::to_lock(&resolution, Some(header), &Default::default());
    c.bench_function("render/airflow", |b| {
        b.iter(|| criterion::black_box(lockit_lockfile::render(&lock).len()))
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
