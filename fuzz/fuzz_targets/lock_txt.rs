//! Reading back a `requirements.txt` lock (for re-locking and `lockit verify`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = lockit_lockfile::parse_lock(text);
});
