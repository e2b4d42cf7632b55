//! Issue 20: no module imports one that imports it back (tests aside), in any crate.
//! `tests/module_cycles.py` reads each module's `crate::`/`super::` paths, resolving a name
//! to the module that defines it, and names every cycle.

use std::path::Path;
use std::process::Command;

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("tests/module_cycles.py"))
        .arg(root)
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "module cycles:\n{report}");
    // The script saw the crates it is meant to check.
    for crate_name in ["resolver", "lockfile", "settings", "lockit (src/)"] {
        assert!(report.contains(&format!("{crate_name}: ")), "{report}");
    }
}
