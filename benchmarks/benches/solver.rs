//! The solver on recorded indexes: version maps, candidate choice, PubGrub and the
//! restarts, with every page and metadata answer already in memory.

use criterion::{criterion_group, criterion_main, Criterion};
use lockit_benchmarks::{options, Recording};

fn solver(c: &mut Criterion) {
    let mut group = c.benchmark_group("resolve");
    group.sample_size(10);
    for corpus in ["jupyter", "airflow", "boto"] {
        let recording = Recording::load_corpus(corpus).expect("recorded index (see src/lib.rs)");
        let index = recording.index();
        let roots = recording.roots();
        let options = options();
        group.bench_function(corpus, |b| {
            b.iter(|| {
                let res = lockit_resolver::resolve(&index, &roots, &[], &options)
                    .expect("the recording resolves");
                criterion::black_box(res.packages.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, solver);
criterion_main!(benches);
