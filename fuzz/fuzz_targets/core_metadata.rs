//! METADATA (wheels, `.metadata` files) and sdist PKG-INFO, as served by an index.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
    // Through the index client's guard (non-UTF-8 bytes made python-pkginfo's RFC 2047
    // decoder panic: see docs/reliability.md), which is how lockit reads index metadata.
    let _ = lockit_index_client::fuzz::core_metadata(data);
});
