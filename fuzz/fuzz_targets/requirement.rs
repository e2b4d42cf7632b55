//! PEP 508 requirements with markers, through lockit's panic-guarded parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(req) = lockit_types::parse_requirement(text) {
        // What parses must print and parse again. Only for short inputs: printing a marker
        // normalizes it to DNF, which takes seconds on some 2 KB markers (a known
        // pep508_rs cost, see docs/reliability.md), and would stall the fuzzer there.
        if text.len() <= 256 {
            let _ = lockit_types::parse_requirement(&req.to_string());
        }
    }
});
