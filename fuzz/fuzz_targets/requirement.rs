//! PEP 508 requirements with markers, through lockit's panic-guarded parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(req) = lockit_dist::parse_requirement(text) {
        // What parses must print and parse again. Only for short inputs: printing a marker
        // normalizes it to DNF, which takes seconds on some 2 KB markers (a known
        // pep508_rs cost, see docs/reliability.md), and would stall the fuzzer there.
        if text.len() <= 256 {
            let _ = lockit_dist::parse_requirement(&req.to_string());
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
