//! Source distributions: `.tar.gz` and `.zip` scanned for PKG-INFO / pyproject.toml
//! without extracting, the static `[project]` table, and the cache entry envelope.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
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
