//! What the fuzz targets share.

/// lockit-types wraps pep508_rs in `catch_unwind` (it panics on some inputs); libFuzzer's
/// panic hook would abort on those caught panics. A silent hook lets them be caught as in
/// production, while a panic that escapes still aborts the run (libfuzzer-sys checks).
/// With `LOCKIT_FUZZ_SHOW_PANICS` set, every panic is printed: run a crash input that way
/// to see which one escaped (it is the last printed).
pub fn quiet_caught_panics() {
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
