//! The frontend against real interpreters: in-tree backends (no build requirements, no
//! index), and build requirements resolved, fetched and installed from a local test index.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use lockit_build_frontend::{BuildError, BuildFrontend, FrontendOptions, HookFailure};
use lockit_index_client::{ClientOptions, IndexClient, PackageName, Version};
use lockit_test_index::{Scenario, TestIndex};

const IN_TREE: &str = r#"
[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]
"#;

/// A backend whose Requires-Dist is computed by the hook.
const PREPARES: &str = r#"
import os
def prepare_metadata_for_build_wheel(directory, config_settings=None):
    deps = ["dep>=%d" % (1 + 1), "other; python_version >= '3'"]
    os.makedirs(os.path.join(directory, "demo-1.0.dist-info"))
    with open(os.path.join(directory, "demo-1.0.dist-info", "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")
        f.write("".join("Requires-Dist: %s\n" % d for d in deps))
    print("prepared")
    return "demo-1.0.dist-info"
"#;

/// No prepare hook: the frontend must build the wheel and read it.
const WHEEL_ONLY: &str = r#"
import os, zipfile
def build_wheel(directory, config_settings=None, metadata_directory=None):
    name = "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, name), "w") as z:
        z.writestr("demo/__init__.py", "")
        z.writestr("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: from-wheel\n")
    return name
"#;

const FAILS: &str = r#"
def prepare_metadata_for_build_wheel(directory, config_settings=None):
    for i in range(40):
        print("noise", i)
    raise RuntimeError("the backend gives up")
"#;

const SLOW: &str = r#"
import time
def prepare_metadata_for_build_wheel(directory, config_settings=None):
    print("sleeping")
    time.sleep(60)
"#;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn offline_client() -> IndexClient {
    IndexClient::new(ClientOptions {
        index_urls: Vec::new(),
        offline: true,
        ..ClientOptions::default()
    })
    .unwrap()
}

fn frontend(cache: &Path, timeout: Duration) -> BuildFrontend {
    BuildFrontend::new(FrontendOptions {
        cache_dir: Some(cache.to_path_buf()),
        timeout,
        ..FrontendOptions::default()
    })
}

fn demo() -> (PackageName, Version) {
    (
        PackageName::from_str("demo").unwrap(),
        Version::from_str("1.0").unwrap(),
    )
}

fn prepare(source: &Path, timeout: Duration) -> Result<String, BuildError> {
    let cache = tempfile::tempdir().unwrap();
    let (name, version) = demo();
    frontend(cache.path(), timeout)
        .prepare_metadata(&offline_client(), &name, &version, source)
        .map(|bytes| String::from_utf8(bytes).unwrap())
}

#[test]
fn an_in_tree_backend_prepares_metadata_computed_by_the_hook() {
    let source = tree(&[("pyproject.toml", IN_TREE), ("backend.py", PREPARES)]);
    let metadata = prepare(source.path(), Duration::from_secs(60)).unwrap();
    assert!(metadata.contains("Requires-Dist: dep>=2\n"), "{metadata}");
    assert!(metadata.contains("Requires-Dist: other; python_version >= '3'\n"));
}

#[test]
fn without_the_prepare_hook_the_wheel_is_built_and_read() {
    let source = tree(&[("pyproject.toml", IN_TREE), ("backend.py", WHEEL_ONLY)]);
    let metadata = prepare(source.path(), Duration::from_secs(60)).unwrap();
    assert!(metadata.contains("Requires-Dist: from-wheel"), "{metadata}");
}

#[test]
fn a_failing_hook_is_named_with_its_last_lines() {
    let source = tree(&[("pyproject.toml", IN_TREE), ("backend.py", FAILS)]);
    let err = prepare(source.path(), Duration::from_secs(60)).unwrap_err();
    let BuildError::Hook {
        hook,
        failure,
        output,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*hook, "prepare_metadata_for_build_wheel");
    assert_eq!(*failure, HookFailure::Exit(Some(1)));
    assert_eq!(output.len(), 20, "{output:?}");
    assert_eq!(
        output.last().map(String::as_str),
        Some("RuntimeError: the backend gives up")
    );
    assert!(err
        .summary()
        .ends_with("RuntimeError: the backend gives up"));
    assert_eq!(err.package(), ("demo", "1.0"));
}

#[test]
fn a_hook_past_the_timeout_is_killed() {
    let source = tree(&[("pyproject.toml", IN_TREE), ("backend.py", SLOW)]);
    let started = std::time::Instant::now();
    let err = prepare(source.path(), Duration::from_secs(2)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        matches!(&err, BuildError::Hook { failure: HookFailure::Timeout(2), output, .. } if output == &["sleeping"]),
        "{err:?}"
    );
}

#[test]
fn a_missing_backend_is_an_error_not_a_hang() {
    let source = tree(&[("pyproject.toml", IN_TREE)]);
    let err = prepare(source.path(), Duration::from_secs(60)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("`get_requires_for_build_wheel` of `demo` 1.0 failed"),
        "{text}"
    );
    assert!(text.contains("ModuleNotFoundError"), "{text}");
}

/// Build requirements come from the index: resolved by lockit, fetched with their
/// hashes, installed by pip (the index has no `installer`); `get_requires_for_build_wheel`'s additions make a second
/// environment; a second build with the same requirements reuses the cached ones.
#[test]
fn build_requirements_are_resolved_installed_and_cached() {
    let scenario = Scenario::from_toml(
        r#"
name = "build-requirements"
[[packages]]
name = "helper"
version = "1.0.0"
[[packages]]
name = "helper"
version = "2.0.0"
[[packages]]
name = "extra-helper"
version = "3.0.0"
"#,
    )
    .unwrap();
    let index = TestIndex::serve_scenario(&scenario).unwrap();
    let pyproject = r#"
[build-system]
requires = ["helper<2"]
build-backend = "backend"
backend-path = ["."]
"#;
    let backend = r#"
import os
def get_requires_for_build_wheel(config_settings=None):
    import helper
    return ["extra-helper"]
def prepare_metadata_for_build_wheel(directory, config_settings=None):
    import helper, extra_helper
    os.makedirs(os.path.join(directory, "demo-1.0.dist-info"))
    with open(os.path.join(directory, "demo-1.0.dist-info", "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")
        f.write("Requires-Dist: helper==%s\n" % helper.__version__)
        f.write("Requires-Dist: extra-helper==%s\n" % extra_helper.__version__)
    return "demo-1.0.dist-info"
"#;
    let source = tree(&[("pyproject.toml", pyproject), ("backend.py", backend)]);
    let cache = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = IndexClient::new(ClientOptions {
        index_urls: vec![index.url()],
        cache_dir: Some(cache.path().join("index")),
        ..ClientOptions::default()
    })
    .unwrap();
    let frontend = std::sync::Arc::new(frontend(cache.path(), Duration::from_secs(120)));
    let build =
        || {
            let (frontend, client) = (frontend.clone(), client.clone());
            let path = source.path().to_path_buf();
            let (name, version) = demo();
            runtime
                .block_on(runtime.spawn_blocking(move || {
                    frontend.prepare_metadata(&client, &name, &version, &path)
                }))
                .unwrap()
        };
    let metadata = String::from_utf8(build().unwrap()).unwrap();
    assert!(
        metadata.contains("Requires-Dist: helper==1.0.0"),
        "{metadata}"
    );
    assert!(
        metadata.contains("Requires-Dist: extra-helper==3.0.0"),
        "{metadata}"
    );
    let envs = cache.path().join("build-envs-v1");
    let complete = |dir: &Path| -> Vec<String> {
        let mut locks: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                std::fs::read_to_string(e.unwrap().path().join(".lockit-complete")).ok()
            })
            .collect();
        locks.sort();
        locks
    };
    let first = complete(&envs);
    assert_eq!(first.len(), 2, "{first:?}");
    // This index has no PyPA `installer`: pip installed them.
    assert!(!envs.join("installer").exists());
    assert!(
        first[0].starts_with("extra-helper==3.0.0 --hash=sha256:"),
        "{first:?}"
    );
    assert!(
        first[0].contains("\nhelper==1.0.0 --hash=sha256:"),
        "{first:?}"
    );
    assert!(
        first[1].starts_with("helper==1.0.0 --hash=sha256:"),
        "{first:?}"
    );
    let wheel_downloads = || {
        index
            .requests()
            .iter()
            .filter(|r| r.path.ends_with(".whl"))
            .count()
    };
    let downloads = wheel_downloads();
    build().unwrap();
    assert_eq!(complete(&envs), first);
    assert_eq!(
        wheel_downloads(),
        downloads,
        "the environments were made again"
    );
}
