//! `requirements.in` files: options, continuations, markers, env vars, hashes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `-r`/`-c` includes resolve to a directory that does not exist: no filesystem reads.
    let path = std::path::Path::new("/nonexistent-lockit-fuzz/requirements.in");
    let env = |name: &str| (name == "FUZZ").then(|| "value".to_string());
    let _ = lockit_lockfile::RequirementsFile::parse_with_env(text, path, &env);
});

/// lockit-dist wraps pep508_rs in `catch_unwind` (it panics on some inputs); libFuzzer's
/// panic hook would abort on those caught panics. A silent hook lets them be caught as in
/// production, while a panic that escapes still aborts the run (libfuzzer-sys checks).
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}
