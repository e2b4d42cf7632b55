//! PEP 751 `pylock.toml` locks (for `lockit verify` and re-locking), and `pyproject.toml`
//! inputs; the first byte picks which.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if kind % 2 == 0 {
        let _ = lockit_lockfile::parse_pylock(text);
    } else {
        let path = std::path::Path::new("/nonexistent-lockit-fuzz/pyproject.toml");
        let _ = lockit_lockfile::PyProject::parse(text, path);
    }
});
