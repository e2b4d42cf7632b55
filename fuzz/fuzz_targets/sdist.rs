//! Source distributions: `.tar.gz` and `.zip` scanned for PKG-INFO / pyproject.toml
//! without extracting, the static `[project]` table, and the cache entry envelope.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    match kind % 4 {
        0 => {
            let _ = lockit_index_client::fuzz::sdist_tar_gz(rest);
        }
        1 => {
            let _ = lockit_index_client::fuzz::sdist_zip(rest);
        }
        2 => {
            let _ = lockit_index_client::fuzz::pyproject_metadata(rest);
        }
        _ => {
            let _ = lockit_index_client::fuzz::cache_entry(rest);
        }
    }
});

/// lockit-dist wraps pep508_rs in `catch_unwind` (it panics on some inputs); libFuzzer's
/// panic hook would abort on those caught panics. A silent hook lets them be caught as in
/// production, while a panic that escapes still aborts the run (libfuzzer-sys checks).
/// With `LOCKIT_FUZZ_SHOW_PANICS` set, every panic is printed: run a crash input that way
/// to see which one escaped (it is the last printed).
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let show = std::env::var_os("LOCKIT_FUZZ_SHOW_PANICS").is_some();
        std::panic::set_hook(Box::new(move |info| {
            if show {
                eprintln!("panic: {info}");
            }
        }));
    });
}
