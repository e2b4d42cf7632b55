//! `lockit tree` and `lockit diff` on locks of a local index, and `lockit resolve` on a
//! lock with merge conflict markers.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// `web` 1 before 2025-06-01, `web` 2 (needing `schema[format]`, which brings `fqdn`)
/// after; `server` 1.1 after too.
const INDEX: &str = r#"
name = "tree"
[[packages]]
name = "web"
version = "1.0.0"
requires = ["templates>=1", "server"]
upload_time = "2024-01-01T00:00:00Z"
[[packages]]
name = "web"
version = "2.0.0"
requires = ["templates>=2", "server", "schema[format]>=1"]
upload_time = "2025-09-01T00:00:00Z"
[[packages]]
name = "templates"
version = "1.0.0"
requires = ["escape>=1"]
upload_time = "2024-01-01T00:00:00Z"
[[packages]]
name = "templates"
version = "2.0.0"
requires = ["escape>=2"]
upload_time = "2025-09-01T00:00:00Z"
[[packages]]
name = "escape"
version = "1.0.0"
upload_time = "2024-01-01T00:00:00Z"
[[packages]]
name = "escape"
version = "2.1.0"
upload_time = "2025-09-01T00:00:00Z"
[[packages]]
name = "server"
version = "1.0.0"
requires = ["escape"]
upload_time = "2024-01-01T00:00:00Z"
[[packages]]
name = "server"
version = "1.1.0"
requires = ["escape"]
upload_time = "2025-09-01T00:00:00Z"
[[packages]]
name = "schema"
version = "1.0.0"
requires = ["fqdn ; extra == 'format'", "rare ; extra == 'other'"]
extras = ["format", "other"]
upload_time = "2024-01-01T00:00:00Z"
[[packages]]
name = "fqdn"
version = "1.5.0"
upload_time = "2024-01-01T00:00:00Z"
"#;

const OLD: &str = "2025-06-01T00:00:00Z";
const NEW: &str = "2026-11-01T00:00:00Z";

/// Locks `web` in `dir` as of `cutoff` into `out`, caching metadata in `dir/cache`.
fn lock(dir: &Path, url: &str, cutoff: &str, out: &str, extra: &[&str]) {
    write(dir, "requirements.in", "web\n");
    let mut cmd = resolve_cmd_cached(dir, url, Some(&dir.join("cache")));
    cmd.args(["requirements.in", "--exclude-newer", cutoff, "-o", out])
        .args(extra);
    run(&mut cmd).assert_ok();
}

fn tree(dir: &Path, args: &[&str]) -> Run {
    let cache = dir.join("cache");
    let cache = cache.to_str().expect("utf-8 path");
    let run = lockit_raw(
        dir,
        ["tree", "--cache-dir", cache].iter().chain(args.iter()),
    );
    run.assert_ok();
    run
}

fn edges(json: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for p in json["packages"].as_array().expect("packages") {
        for d in p["dependencies"].as_array().expect("dependencies") {
            let parent = p["name"].as_str().expect("name").to_string();
            let child = d["name"].as_str().expect("name").to_string();
            out.push((parent, child, d.clone()));
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

#[test]
fn the_tree_shows_every_edge_with_what_it_asked_for() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), NEW, "requirements.txt", &[]);
    let text = tree(dir.path(), &[]).stdout;
    insta::assert_snapshot!("tree_text", text);
    let json: Value =
        serde_json::from_str(&tree(dir.path(), &["--format", "json"]).stdout).expect("json");
    let found: Vec<String> = edges(&json)
        .iter()
        .map(|(p, c, d)| {
            let spec = d["specifier"].as_str().unwrap_or("");
            let marker = d["marker"]
                .as_str()
                .map(|m| format!(" ; {m}"))
                .unwrap_or_default();
            format!("{p} -> {c}{spec}{marker}")
        })
        .collect();
    assert_eq!(
        found,
        [
            "schema -> fqdn ; extra == 'format'",
            "server -> escape",
            "templates -> escape>=2",
            "web -> schema>=1",
            "web -> server",
            "web -> templates>=2",
        ]
    );
    let schema = json["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "schema")
        .expect("schema");
    assert_eq!(schema["extras"], serde_json::json!(["format"]));
    assert_eq!(json["roots"][0]["source"], "requirements.in");
    assert_eq!(json["roots"][0]["line"], 1);
}

#[test]
fn invert_names_every_parent_up_to_the_requirement_line() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), NEW, "requirements.txt", &[]);
    let text = tree(dir.path(), &["--invert", "escape"]).stdout;
    assert_eq!(
        text,
        "\
escape==2.1.0
├── server==1.1.0 (requires escape)
│   └── web==2.0.0 (requires server)
│       └── requirements.in:1: web
└── templates==2.0.0 (requires escape>=2)
    └── web==2.0.0 (requires templates>=2) (*)
"
    );
    let pruned = tree(dir.path(), &["--prune", "schema", "--depth", "1"]).stdout;
    assert_eq!(
        pruned,
        "web==2.0.0 (requirements.in:1)\n├── server==1.1.0 (any version)\n└── templates==2.0.0 (>=2)\n"
    );
    let sub = tree(dir.path(), &["--package", "schema"]).stdout;
    assert_eq!(
        sub,
        "schema[format]==1.0.0\n└── fqdn==1.5.0 (if extra == 'format')\n"
    );
    let missing = lockit_raw(dir.path(), ["tree", "--package", "nope"]);
    missing.assert_code(2);
    assert!(missing
        .stderr
        .contains("`nope` is not in `requirements.txt`"));
}

#[test]
fn the_tree_needs_no_network_and_no_cache() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), NEW, "requirements.txt", &[]);
    drop(index);
    let empty = dir.path().join("empty-cache");
    std::fs::create_dir(&empty).expect("mkdir");
    let run = lockit_raw(
        dir.path(),
        [
            "tree",
            "--offline",
            "--cache-dir",
            empty.to_str().expect("utf-8"),
        ],
    );
    run.assert_ok();
    // The edges are the lock's; only what they asked for needs the metadata.
    assert_eq!(
        run.stdout,
        "\
web==2.0.0 (requirements.in:1)
├── schema==1.0.0
│   └── fqdn==1.5.0
├── server==1.1.0
│   └── escape==2.1.0
└── templates==2.0.0
    └── escape==2.1.0
"
    );
}

#[test]
fn dot_and_mermaid_outputs() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), NEW, "requirements.txt", &[]);
    let dot = tree(dir.path(), &["--format", "dot"]).stdout;
    insta::assert_snapshot!("tree_dot", dot);
    let mermaid = tree(dir.path(), &["--format", "mermaid"]).stdout;
    assert!(mermaid.starts_with("flowchart"), "{mermaid}");
    insta::assert_snapshot!("tree_mermaid", mermaid);
    let Ok(mut graphviz) = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        println!(
            "note: Graphviz `dot` is not installed; not checking that it reads the DOT output"
        );
        return;
    };
    use std::io::Write;
    graphviz
        .stdin
        .take()
        .expect("stdin")
        .write_all(dot.as_bytes())
        .expect("write");
    let out = graphviz.wait_with_output().expect("dot runs");
    assert!(
        out.status.success(),
        "dot refused it: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
}

#[test]
fn a_pylock_tree_has_the_same_edges() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), NEW, "requirements.txt", &[]);
    lock(
        dir.path(),
        &index.url(),
        NEW,
        "pylock.toml",
        &["--format", "pylock"],
    );
    let from_txt: Value =
        serde_json::from_str(&tree(dir.path(), &["--format", "json"]).stdout).expect("json");
    let from_pylock: Value =
        serde_json::from_str(&tree(dir.path(), &["pylock.toml", "--format", "json"]).stdout)
            .expect("json");
    assert_eq!(edges(&from_txt), edges(&from_pylock));
    assert_eq!(from_pylock["roots"][0]["name"], "web");
    assert_eq!(from_pylock["roots"][0]["line"], 1);
}

#[test]
fn a_universal_lock_is_shown_with_markers_or_projected() {
    let index = serve(&scenario(
        r#"
name = "universal-tree"
[[packages]]
name = "cli"
version = "1.0.0"
requires = ["colorama ; sys_platform == 'win32'", "click"]
[[packages]]
name = "colorama"
version = "0.4.6"
[[packages]]
name = "click"
version = "8.1.8"
"#,
    ));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "cli\n");
    let mut cmd = lockit_cmd(dir.path());
    cmd.args([
        "resolve",
        "requirements.in",
        "--universal",
        "--python-version",
        "3.10",
    ])
    .args(["--index-url", &index.url(), "-q", "--cache-dir", "cache"]);
    run(&mut cmd).assert_ok();
    let all = tree(dir.path(), &[]).stdout;
    assert!(
        all.contains("colorama==0.4.6 ; sys_platform == 'win32'"),
        "{all}"
    );
    let linux = tree(
        dir.path(),
        &[
            "--python-version",
            "3.12",
            "--python-platform",
            "x86_64-manylinux_2_28",
        ],
    )
    .stdout;
    assert!(!linux.contains("colorama"), "{linux}");
    assert!(linux.contains("click==8.1.8"), "{linux}");
    let windows = tree(
        dir.path(),
        &[
            "--python-version",
            "3.12",
            "--python-platform",
            "x86_64-pc-windows-msvc",
        ],
    )
    .stdout;
    assert!(
        windows.contains("colorama==0.4.6 (if sys_platform == 'win32')"),
        "{windows}"
    );
}

#[test]
fn diff_names_every_changed_pin_with_both_versions() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), OLD, "old.txt", &[]);
    lock(dir.path(), &index.url(), NEW, "new.txt", &[]);
    let text = lockit_raw(dir.path(), ["diff", "old.txt", "new.txt"]);
    text.assert_ok();
    insta::assert_snapshot!("diff_text", text.stdout);
    let (old, new) = (
        pins(&read(&dir.path().join("old.txt"))),
        pins(&read(&dir.path().join("new.txt"))),
    );
    for (name, from) in &old {
        match new.get(name) {
            Some(to) if to != from => {
                assert!(
                    text.stdout.contains(&format!("{name} {from} -> {to}")),
                    "{name}"
                )
            }
            _ => {}
        }
    }
    let markdown = lockit_raw(
        dir.path(),
        ["diff", "old.txt", "new.txt", "--format", "markdown"],
    );
    markdown.assert_ok();
    insta::assert_snapshot!("diff_markdown", markdown.stdout);
    assert!(markdown
        .stdout
        .contains("| `web` | upgraded (major) | 1.0.0 | 2.0.0 |"));
    let json = lockit_raw(
        dir.path(),
        ["diff", "old.txt", "new.txt", "--format", "json"],
    );
    let json: Value = serde_json::from_str(&json.stdout).expect("json");
    let changed: Vec<String> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| format!("{} {} {} {}", c["kind"], c["name"], c["old"], c["new"]))
        .collect();
    assert_eq!(
        changed,
        [
            r#""added" "fqdn" null "1.5.0""#,
            r#""added" "schema" null "1.0.0""#,
            r#""upgraded" "escape" "1.0.0" "2.1.0""#,
            r#""upgraded" "server" "1.0.0" "1.1.0""#,
            r#""upgraded" "templates" "1.0.0" "2.0.0""#,
            r#""upgraded" "web" "1.0.0" "2.0.0""#,
        ]
    );
    assert_eq!(json["changes"][0]["via"], serde_json::json!(["schema"]));
    // --exit-code: 1 when anything changed, as `git diff --exit-code`; 0 otherwise.
    lockit_raw(dir.path(), ["diff", "old.txt", "new.txt", "--exit-code"]).assert_code(1);
    let same = lockit_raw(dir.path(), ["diff", "new.txt", "new.txt", "--exit-code"]);
    same.assert_code(0);
    assert_eq!(same.stdout, "no changes\n");
}

#[test]
fn a_lock_with_merge_conflict_markers_keeps_the_pins_both_sides_agree_on() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), OLD, "requirements.txt", &[]);
    lock(dir.path(), &index.url(), NEW, "theirs.txt", &[]);
    // Their side moved `web`; `server`, `templates` and `escape` are on both at 1.0.0.
    let ours = read(&dir.path().join("requirements.txt"));
    let theirs = read(&dir.path().join("theirs.txt"));
    // A pin's lines: up to the next line that starts another pin.
    let block = |text: &str, name: &str| -> String {
        let start = text.find(&format!("\n{name}==")).expect("pin") + 1;
        let rest = &text[start..];
        let end = rest
            .match_indices('\n')
            .map(|(at, _)| at + 1)
            .find(|&at| rest[at..].starts_with(|c: char| c.is_ascii_alphabetic()))
            .unwrap_or(rest.len());
        rest[..end].to_string()
    };
    let web_ours = block(&ours, "web");
    let web_theirs = block(&theirs, "web");
    let conflicted = ours.replace(
        &web_ours,
        &format!("<<<<<<< HEAD\n{web_ours}=======\n{web_theirs}>>>>>>> theirs\n"),
    );
    assert!(conflicted.contains("<<<<<<< HEAD"));
    write(dir.path(), "requirements.txt", &conflicted);
    let mut cmd = resolve_cmd_loud(dir.path(), &index.url());
    cmd.args(["requirements.in", "--exclude-newer", NEW]);
    let run = run(&mut cmd);
    run.assert_ok();
    assert!(
        run.stderr.contains("holds merge conflict markers: keeping the 3 pins both sides agree on and resolving the rest again"),
        "{}",
        run.stderr
    );
    let relocked = read_lock(dir.path());
    assert!(!relocked.contains("<<<<<<<") && !relocked.contains(">>>>>>>"));
    let pinned = pins(&relocked);
    // Agreed pins are kept where they still fit: `server`, though 1.1.0 is newer;
    // `web` is resolved again, and its 2.0.0 moves `templates` (and `escape`) on.
    assert_eq!(pinned["server"], "1.0.0");
    assert_eq!(pinned["web"], "2.0.0");
    assert_eq!(pinned["templates"], "2.0.0");
}

#[test]
fn outdated_names_the_newest_release_and_why_the_pin_is_older() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    lock(dir.path(), &index.url(), OLD, "requirements.txt", &[]);
    let cutoff = [
        "--outdated",
        "--exclude-newer",
        NEW,
        "--index-url",
        &index.url(),
    ];
    let shown = tree(dir.path(), &[&["--depth", "0"][..], &cutoff[..]].concat());
    assert!(
        shown.stdout.contains(
            "  web 1.0.0 -> 2.0.0: published 2025-09-01, after the lock's --exclude-newer 2025-06-01T00:00:00Z\n"
        ),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .ends_with("0 of 4 pins are the newest release.\n"),
        "{}",
        shown.stdout
    );
    // Without a cutoff in the way, the reason is explain's.
    write(dir.path(), "requirements.in", "web<2\n");
    let mut cmd = resolve_cmd_cached(dir.path(), &index.url(), Some(&dir.path().join("cache")));
    cmd.args(["requirements.in", "-o", "pinned.txt"]);
    run(&mut cmd).assert_ok();
    let json = tree(
        dir.path(),
        &[
            "pinned.txt",
            "--format",
            "json",
            "--outdated",
            "--index-url",
            &index.url(),
        ],
    );
    let json: Value = serde_json::from_str(&json.stdout).expect("json");
    let web = json["outdated"]
        .as_array()
        .expect("outdated")
        .iter()
        .find(|o| o["name"] == "web")
        .expect("web");
    assert_eq!(web["version"], "1.0.0");
    assert_eq!(web["newest"], "2.0.0");
    assert!(
        web["reason"]
            .as_str()
            .expect("reason")
            .starts_with("excluded by"),
        "{web}"
    );
    assert!(
        web["reason"].as_str().expect("reason").contains("web<2"),
        "{web}"
    );
    let server = json["outdated"]
        .as_array()
        .expect("outdated")
        .iter()
        .find(|o| o["name"] == "server")
        .expect("server");
    assert_eq!(server["newest"], server["version"]);
    assert!(server.get("reason").is_none());
}
