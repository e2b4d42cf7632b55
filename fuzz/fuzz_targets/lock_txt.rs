//! Reading back a `requirements.txt` lock (for re-locking and `lockit verify`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = lockit_lockfile::parse_lock(text);
});

/// lockit-dist wraps pep508_rs in `catch_unwind` (it panics on some inputs); libFuzzer's
/// panic hook would abort on those caught panics. A silent hook lets them be caught as in
/// production, while a panic that escapes still aborts the run (libfuzzer-sys checks).
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}
