//! PEP 691 JSON project pages, as served by an untrusted index.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
    let _ = lockit_index_client::fuzz::json_page(data);
});
