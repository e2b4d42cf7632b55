//! pip-compile and uv habits (issue 15): their command lines, stdin, pip's index
//! configuration, annotation options and `# via -c`.

use std::io::Write;
use std::process::Stdio;

use crate::common::{
    lockit_cmd, read, resolve, run, scenario, serve, tempdir, write, SMALL, TARGET_ARGS,
};

/// A typical pip-compile command line works as written.
#[test]
fn a_pip_compile_command_line_works() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let args = [
        "--generate-hashes",
        "--allow-unsafe",
        "--strip-extras",
        "--no-emit-index-url",
        "--annotation-style=split",
        "--output-file=requirements.txt",
        "requirements.in",
    ];
    resolve(dir.path(), &index.url(), args).assert_ok();
    let lock = read(&dir.path().join("requirements.txt"));
    assert!(lock.contains("app==1.0.0"), "{lock}");
    assert!(
        !lock.lines().any(|l| l.starts_with("--index-url")),
        "{lock}"
    );
    let mut verify = lockit_cmd(dir.path());
    verify.args(["verify", "requirements.in"]);
    run(&mut verify).assert_ok();
}

/// `cat requirements.in | lockit resolve - -o out.txt` locks what the file would.
#[test]
fn requirements_on_stdin() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-o", "from-file.txt"],
    )
    .assert_ok();
    let mut cmd = crate::common::resolve_cmd(dir.path(), &index.url());
    cmd.args(["-", "-o", "out.txt"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"app\n")
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pins = |name: &str| crate::common::pins(&read(&dir.path().join(name)));
    assert_eq!(pins("out.txt"), pins("from-file.txt"));
    // Without -o there is no file to name after the input, and lockit says so before
    // reading stdin (regression: it read stdin first, so whatever came there, here a
    // line that is no requirement, was reported instead).
    let mut cmd = crate::common::resolve_cmd(dir.path(), &index.url());
    cmd.arg("-").stdin(Stdio::piped());
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // The write may fail once lockit has exited without reading; that is the point.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"/not/a/requirement: line 1\n");
    let run = crate::common::Run::from_output(child.wait_with_output().expect("wait"));
    run.assert_code(2);
    assert!(run.stderr.contains("-o FILE"), "{}", run.stderr);
}

/// pip's index configuration is read when lockit is given none, and an unreachable
/// `PIP_INDEX_URL` is a network failure that names it.
#[test]
fn pip_index_url_and_pip_conf_are_read() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let lock = |env: &[(&str, String)]| {
        let mut cmd = lockit_cmd(dir.path());
        cmd.arg("resolve").args(TARGET_ARGS).args([
            "--no-cache",
            "requirements.in",
            "-o",
            "-",
            "--connect-timeout",
            "2",
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    };
    let via_env = lock(&[("PIP_INDEX_URL", index.url())]);
    via_env.assert_ok();
    assert!(
        via_env
            .stdout
            .contains(&format!("# index-url: {}", index.url())),
        "{}",
        via_env.stdout
    );

    let conf = write(
        dir.path(),
        "pip.conf",
        format!("[global]\nindex-url = {}\n", index.url()),
    );
    let via_file = lock(&[("PIP_CONFIG_FILE", conf.display().to_string())]);
    via_file.assert_ok();
    assert!(
        via_file.stdout.contains("app==1.0.0"),
        "{}",
        via_file.stdout
    );

    let dead = "http://127.0.0.1:9/simple/".to_string();
    let failed = lock(&[("PIP_INDEX_URL", dead)]);
    failed.assert_code(3);
    assert!(failed.stderr.contains("127.0.0.1:9"), "{}", failed.stderr);
}

/// `--no-annotate`, `--annotation-style line`, `--emit-index-url`,
/// `--custom-compile-command` and `--dry-run`, and `verify` of such a lock.
#[test]
fn annotation_and_header_options() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "--no-annotate"],
    )
    .assert_ok();
    let lock = read(&dir.path().join("requirements.txt"));
    assert!(!lock.contains("# via"), "{lock}");
    let mut verify = lockit_cmd(dir.path());
    verify.args(["verify", "requirements.in"]);
    run(&mut verify).assert_ok();

    let args = [
        "requirements.in",
        "--annotation-style",
        "line",
        "--emit-index-url",
        "-o",
        "-",
    ];
    let line = resolve(dir.path(), &index.url(), args);
    line.assert_ok();
    assert!(
        line.stdout
            .contains(&format!("--index-url {}\n", index.url())),
        "{}",
        line.stdout
    );
    assert!(
        line.stdout.contains("  # via -r requirements.in\n"),
        "{}",
        line.stdout
    );

    let custom = resolve(
        dir.path(),
        &index.url(),
        [
            "requirements.in",
            "--custom-compile-command",
            "make lock",
            "-o",
            "-",
        ],
    );
    assert!(
        custom.stdout.contains("#    make lock\n"),
        "{}",
        custom.stdout
    );

    let before = read(&dir.path().join("requirements.txt"));
    let dry = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "--dry-run", "-U"],
    );
    dry.assert_ok();
    assert!(dry.stdout.contains("app==1.0.0"), "{}", dry.stdout);
    assert_eq!(read(&dir.path().join("requirements.txt")), before);
}

/// Pins a constraint file applies to say so: `# via -c constraints.txt`.
#[test]
fn constraints_are_annotated() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    write(dir.path(), "constraints.txt", "util<2\n");
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-c", "constraints.txt"],
    )
    .assert_ok();
    let vias = crate::common::vias(&read(&dir.path().join("requirements.txt")));
    assert!(
        vias["util"].contains(&"-c constraints.txt".to_string()),
        "{vias:?}"
    );
    let mut verify = lockit_cmd(dir.path());
    verify.args(["verify", "requirements.in"]);
    run(&mut verify).assert_ok();
}

/// Another tool's spelling gets lockit's, not clap's `-- --flag` tip.
#[test]
fn unknown_options_name_the_lockit_spelling() {
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let mut cmd = lockit_cmd(dir.path());
    cmd.args([
        "resolve",
        "requirements.in",
        "--index",
        "https://example.org/simple",
    ]);
    let out = run(&mut cmd);
    out.assert_code(2);
    assert!(
        out.stderr.contains("lockit spells it `--index-url`"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("-- --"), "{}", out.stderr);
}

/// Regression (issue 15): the header recorded the command as given, so the lock written
/// with `-o -` said `-o -` and the one written to a file said `-o out.txt`. Where the lock
/// goes is not part of how it was made: both are byte-identical, and verify reads either.
#[test]
fn the_lock_on_stdout_is_byte_identical_to_the_lock_in_a_file() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let to_file = |args: &[&str]| {
        resolve(dir.path(), &index.url(), args).assert_ok();
    };
    to_file(&["requirements.in", "-o", "out.txt"]);
    to_file(&["requirements.in", "--output-file=other.txt"]);
    let stdout = crate::common::resolve_cmd(dir.path(), &index.url())
        .args(["requirements.in", "-o", "-"])
        .output()
        .expect("run lockit");
    assert!(stdout.status.success(), "{stdout:?}");
    let file = std::fs::read(dir.path().join("out.txt")).expect("read out.txt");
    assert!(
        String::from_utf8_lossy(&file).starts_with('#'),
        "the lock has its header"
    );
    assert_eq!(
        String::from_utf8_lossy(&stdout.stdout),
        String::from_utf8_lossy(&file)
    );
    assert_eq!(stdout.stdout, file);
    assert_eq!(
        std::fs::read(dir.path().join("other.txt")).expect("read other.txt"),
        file
    );
    // The lock printed to stdout and saved by the shell still verifies.
    write(dir.path(), "piped.txt", &stdout.stdout);
    let mut verify = lockit_cmd(dir.path());
    verify.args(["verify", "--lock", "piped.txt"]);
    run(&mut verify).assert_ok();
}

/// `--no-strip-extras` writes the extras each pin was required with, as pip-compile before
/// 8 did, and `verify` accepts that lock; by default (and with `--strip-extras`, which
/// overrides it when given later) pins carry no extras.
#[test]
fn no_strip_extras_writes_the_extras_of_each_pin() {
    let index = serve(&crate::common::load_scenario("transitive-extras"));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let lock = |args: &[&str]| {
        let mut all = vec!["requirements.in", "-o", "requirements.txt"];
        all.extend_from_slice(args);
        resolve(dir.path(), &index.url(), all).assert_ok();
        read(&dir.path().join("requirements.txt"))
    };
    let kept = lock(&["--no-strip-extras"]);
    assert!(kept.contains("\nclient[http2,socks]==1.0.0 \\\n"), "{kept}");
    assert!(kept.contains("\napp==1.0.0 \\\n"), "{kept}");
    let mut verify = lockit_cmd(dir.path());
    verify.args(["verify", "requirements.in"]);
    run(&mut verify).assert_ok();
    // The extras are part of what verify checks.
    write(
        dir.path(),
        "requirements.txt",
        kept.replace("client[http2,socks]==", "client=="),
    );
    run(&mut verify).assert_code(1);
    // With --universal an extra may be wanted in only some of the environments that
    // install its pin (pip would then demand pins the lock does not have): refused.
    let universal = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "--universal", "--no-strip-extras"],
    );
    universal.assert_code(2);
    assert!(
        universal.stderr.contains("--no-strip-extras") && universal.stderr.contains("--universal"),
        "{}",
        universal.stderr
    );
    for args in [&[][..], &["--no-strip-extras", "--strip-extras"][..]] {
        let stripped = lock(args);
        assert!(
            stripped.contains("\nclient==1.0.0 \\\n"),
            "{args:?}: {stripped}"
        );
        assert!(!stripped.contains('['), "{args:?}: {stripped}");
    }
}

/// `lib` and `other` 1.0.0 (2024-01-01), `lib` 1.1.0 (2024-12-31), both 2.0.0 (2025-06-01).
const DATED: &str = r#"
name = "dated"
[[packages]]
name = "lib"
version = "1.0.0"
upload_time = "2024-01-01T00:00:00Z"
[[packages]]
name = "lib"
version = "1.1.0"
upload_time = "2024-12-31T00:00:00Z"
[[packages]]
name = "lib"
version = "2.0.0"
upload_time = "2025-06-01T00:00:00Z"
[[packages]]
name = "other"
version = "1.0.0"
upload_time = "2024-01-01T00:00:00Z"
[[packages]]
name = "other"
version = "2.0.0"
upload_time = "2025-06-01T00:00:00Z"
"#;

/// `--exclude-newer-package NAME=DATE` holds one package back, over `--exclude-newer`; an
/// age (`1000 days`) is counted back from now and recorded as the instant it meant, which
/// `verify` then uses.
#[test]
fn package_cutoffs_and_ages_as_uv_reads_them() {
    let index = serve(&scenario(DATED));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "lib\nother\n");
    let lock = |args: &[&str]| {
        let mut all = vec!["requirements.in", "-o", "-"];
        all.extend(args);
        let out = resolve(dir.path(), &index.url(), all);
        out.assert_ok();
        out.stdout
    };
    let held = lock(&["--exclude-newer-package", "lib=2024-06-01"]);
    assert_eq!(
        crate::common::pins(&held),
        crate::common::pinmap(&[("lib", "1.0.0"), ("other", "2.0.0")])
    );
    assert!(
        held.contains("# exclude-newer-package: lib=2024-06-01T00:00:00Z\n"),
        "{held}"
    );
    let both = lock(&[
        "--exclude-newer",
        "2025-01-01",
        "--exclude-newer-package",
        "other=2026-01-01T00:00:00Z",
    ]);
    assert_eq!(
        crate::common::pins(&both),
        crate::common::pinmap(&[("lib", "1.1.0"), ("other", "2.0.0")])
    );
    // Today minus 1000 days is before 2024-12-31 for the next few years.
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "--exclude-newer", "1000 days"],
    )
    .assert_ok();
    let written = read(&dir.path().join("requirements.txt"));
    assert!(written.contains("lib==1.0.0"), "{written}");
    let cutoff = written
        .lines()
        .find_map(|l| l.strip_prefix("# exclude-newer: "))
        .expect("the recorded instant");
    assert!(cutoff.parse::<jiff::Timestamp>().is_ok(), "{cutoff}");
    let mut verify = lockit_cmd(dir.path());
    verify.args(["verify", "--lock", "requirements.txt"]);
    run(&mut verify).assert_ok();
    let bad = resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "--exclude-newer-package", "lib"],
    );
    bad.assert_code(2);
    assert!(bad.stderr.contains("expected NAME=DATE"), "{}", bad.stderr);
}

/// `lockit.toml` (or `[tool.lockit]` in pyproject.toml) sets what the long options set; the
/// command line wins, `--no-config` ignores the file, and an unknown key is an error that
/// names the file.
#[test]
fn a_config_file_sits_below_the_command_line() {
    let index = serve(&scenario(DATED));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "lib\n");
    write(
        dir.path(),
        "lockit.toml",
        format!(
            "index-url = \"{}\"\nexclude-newer-package = [\"lib=2024-06-01\"]\n",
            index.url()
        ),
    );
    let lock = |args: &[&str]| {
        let mut cmd = lockit_cmd(dir.path());
        cmd.args(["resolve", "requirements.in", "-o", "-", "-q", "--no-cache"])
            .args(TARGET_ARGS)
            .args(args);
        run(&mut cmd)
    };
    let from_file = lock(&[]);
    from_file.assert_ok();
    assert!(
        from_file.stdout.contains("lib==1.0.0"),
        "{}",
        from_file.stdout
    );
    let flag = lock(&["--exclude-newer-package", "lib=2025-01-01"]);
    assert!(flag.stdout.contains("lib==1.1.0"), "{}", flag.stdout);
    let url = index.url();
    let ignored = lock(&["--no-config", "--index-url", &url]);
    assert!(ignored.stdout.contains("lib==2.0.0"), "{}", ignored.stdout);

    write(dir.path(), "lockit.toml", "index_url = \"x\"\n");
    let bad = lock(&[]);
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("lockit.toml") && bad.stderr.contains("unknown field `index_url`"),
        "{}",
        bad.stderr
    );
}

/// A PEP 723 script's `# /// script` block is locked as `uv pip compile script.py` reads it:
/// its dependencies, under its `requires-python`.
#[test]
fn a_pep_723_script_locks_its_dependencies() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let script = "# /// script\n# requires-python = \">=3.12\"\n# dependencies = [\n#   \"app\",\n# ]\n# ///\nimport app\n";
    write(dir.path(), "tool.py", script);
    let out = resolve(dir.path(), &index.url(), ["tool.py", "-o", "-"]);
    out.assert_ok();
    assert!(out.stdout.contains("app==1.0.0"), "{}", out.stdout);
    assert!(out.stdout.contains("# via -r tool.py"), "{}", out.stdout);
    write(dir.path(), "new.py", script.replace(">=3.12", ">=3.13"));
    let refused = resolve(dir.path(), &index.url(), ["new.py", "-o", "-"]);
    refused.assert_code(2);
    assert!(
        refused
            .stderr
            .contains("outside `requires-python = \">=3.13\"` of `new.py`"),
        "{}",
        refused.stderr
    );
    write(dir.path(), "plain.py", "import os\n");
    let none = resolve(dir.path(), &index.url(), ["plain.py", "-o", "-"]);
    none.assert_code(2);
    assert!(
        none.stderr.contains("plain.py: no `# /// script` block"),
        "{}",
        none.stderr
    );
}

/// `--no-index --find-links DIR` resolves from the folder alone, as pip does; so does a
/// requirements file's own `--no-index` line (it used to be read and then ignored).
#[test]
fn no_index_resolves_from_find_links_alone() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let links = dir.path().join("links");
    std::fs::create_dir(&links).expect("mkdir");
    for wheel in [
        "app-1.0.0-py3-none-any.whl",
        "lib-1.0.0-py3-none-any.whl",
        "util-1.5.0-py3-none-any.whl",
    ] {
        let fetched = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])",
            ])
            .arg(index.file_url(wheel))
            .arg(links.join(wheel))
            .status()
            .expect("python3 runs");
        assert!(fetched.success(), "{wheel}");
    }
    drop(index);
    write(dir.path(), "requirements.in", "app\n");
    let lock = |input: &str, extra: &[&str]| {
        let mut cmd = lockit_cmd(dir.path());
        cmd.args([
            "resolve",
            input,
            "-o",
            "-",
            "-q",
            "--no-cache",
            "--find-links",
            "links",
        ])
        .args(TARGET_ARGS)
        .args(extra);
        run(&mut cmd)
    };
    let out = lock("requirements.in", &["--no-index"]);
    out.assert_ok();
    assert_eq!(
        crate::common::pins(&out.stdout),
        crate::common::pinmap(&[("app", "1.0.0"), ("lib", "1.0.0"), ("util", "1.5.0")])
    );
    assert!(out.stdout.contains("# no-index: true\n"), "{}", out.stdout);
    assert!(!out.stdout.contains("# index-url:"), "{}", out.stdout);
    write(dir.path(), "offline.in", "--no-index\napp\n");
    let from_file = lock("offline.in", &[]);
    from_file.assert_ok();
    assert!(
        from_file.stdout.contains("# no-index: true\n"),
        "{}",
        from_file.stdout
    );
    assert_eq!(
        crate::common::pins(&from_file.stdout),
        crate::common::pins(&out.stdout)
    );
}

/// `--color always|never|auto` as uv and pip spell it (auto: a terminal without
/// `NO_COLOR`, so plain into a pipe), and `--no-progress`.
#[test]
fn color_and_progress_options() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "nothing-here\n");
    let fail = |args: &[&str]| {
        let mut all = vec!["requirements.in", "-o", "-"];
        all.extend(args);
        let out = resolve(dir.path(), &index.url(), all);
        assert_ne!(out.code, Some(0), "{}", out.stderr);
        out.stderr
    };
    let colored = fail(&["--color", "always", "--no-progress"]);
    assert!(colored.starts_with("\u{1b}["), "{colored:?}");
    for plain in [fail(&["--color", "never"]), fail(&[])] {
        assert!(plain.starts_with("error:"), "{plain:?}");
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
    }
}

/// `--refresh-package NAME` asks the index again for that package's page only; the other
/// cached pages are used as they are.
#[test]
fn refresh_package_refetches_one_page() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let cache = dir.path().join("cache");
    write(dir.path(), "requirements.in", "app\n");
    let pages = |extra: &[&str]| {
        index.clear_requests();
        run(
            crate::common::resolve_cmd_cached(dir.path(), &index.url(), Some(&cache))
                .args(["requirements.in", "-o", "-"])
                .args(extra),
        )
        .assert_ok();
        let mut paths: Vec<String> = index
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| !p.starts_with("/files/"))
            .collect();
        paths.sort();
        paths
    };
    let cold = pages(&[]);
    assert!(cold.len() >= 3, "{cold:?}");
    assert_eq!(pages(&[]), Vec::<String>::new());
    let refreshed = pages(&["--refresh-package", "util"]);
    assert_eq!(refreshed.len(), 1, "{refreshed:?}");
    assert!(refreshed[0].contains("util"), "{refreshed:?}");
}
