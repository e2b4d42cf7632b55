//! `--format pylock`: PEP 751 pylock.toml output (snapshot), its default name, and that it
//! reads back as TOML with the fields installers need.

use crate::common::{
    locked_dir, read, resolve_cmd_loud, run, scenario, serve, tempdir, write, SMALL,
};

#[test]
fn pylock_snapshot() {
    let index = serve(&scenario(SMALL));
    let dir = locked_dir(&index.url(), "app\n", &["--format", "pylock"]);
    let lock = read(&dir.path().join("pylock.toml"));
    let port_free = lock.replace(&index.url(), "[INDEX]").replace(
        &index.url().trim_end_matches("/simple/").to_string(),
        "[HOST]",
    );
    insta::assert_snapshot!(port_free);
}

#[test]
fn pylock_is_toml_with_what_installers_need() {
    let index = serve(&scenario(SMALL));
    let dir = locked_dir(
        &index.url(),
        "app\n",
        &["--format", "pylock", "-o", "pylock.dev.toml"],
    );
    let doc: toml::Table =
        toml::from_str(&read(&dir.path().join("pylock.dev.toml"))).expect("toml");
    assert_eq!(doc["lock-version"].as_str(), Some("1.0"));
    assert_eq!(doc["created-by"].as_str(), Some("lockit"));
    assert_eq!(doc["requires-python"].as_str(), Some(">=3.12"));
    let packages = doc["packages"].as_array().expect("packages");
    let names: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["app", "lib", "util"]);
    let lib = &packages[1];
    assert_eq!(lib["version"].as_str(), Some("1.2.0"));
    assert!(lib["index"]
        .as_str()
        .is_some_and(|i| i.starts_with("http://127.0.0.1")));
    let sdist = lib["sdist"].as_table().expect("lib has an sdist");
    assert_eq!(sdist["name"].as_str(), Some("lib-1.2.0.tar.gz"));
    assert!(sdist["upload-time"].as_datetime().is_some());
    assert!(sdist["size"].as_integer().is_some_and(|s| s > 0));
    assert_eq!(sdist["hashes"]["sha256"].as_str().map(str::len), Some(64));
    let wheels = lib["wheels"].as_array().expect("wheels");
    assert!(wheels[0]["url"]
        .as_str()
        .is_some_and(|u| u.ends_with("lib-1.2.0-py3-none-any.whl")));
    let deps: Vec<&str> = packages[0]["dependencies"]
        .as_array()
        .expect("app's dependencies")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(deps, ["lib", "util"]);
}

#[test]
fn odd_pylock_names_get_a_warning() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "util\n");
    // Not quiet, to see the warning.
    let run = run(resolve_cmd_loud(dir.path(), &index.url()).args([
        "requirements.in",
        "--format",
        "pylock",
        "-o",
        "lock.toml",
    ]));
    run.assert_ok();
    assert!(
        run.stderr.contains("warning: PEP 751 names lock files"),
        "{}",
        run.stderr
    );
}
