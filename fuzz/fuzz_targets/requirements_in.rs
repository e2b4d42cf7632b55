//! `requirements.in` files: options, continuations, markers, env vars, hashes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `-r`/`-c` includes resolve to a directory that does not exist: no filesystem reads.
    let path = std::path::Path::new("/nonexistent-lockit-fuzz/requirements.in");
    let env = |name: &str| (name == "FUZZ").then(|| "value".to_string());
    let _ = lockit_lockfile::RequirementsFile::parse_with_env(text, path, &env);
});
