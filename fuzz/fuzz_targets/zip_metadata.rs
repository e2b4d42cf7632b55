//! The zip reader behind range requests: end records (zip64 too), central directory,
//! local header, inflate with a size limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lockit_fuzz::quiet_caught_panics();
    let _ = lockit_index_client::fuzz::wheel_metadata(data);
    let _ = lockit_index_client::fuzz::central_directory(data);
});
