//! `lockit verify`: exit 0 for a current lock; 1 for a stale or tampered one, each difference
//! with its reason and the line to look at; 2 for bad input; 3 when the index is unreachable.
//! Covers both lock formats, `--offline`, `--format json` and GitHub annotations.

use std::path::Path;

use crate::common::{
    locked_dir, lockit_cmd, read, resolve, resolve_cmd_cached, run, scenario, serve, tempdir,
    write, Run,
};

const INDEX: &str = r#"
name = "verify"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["lib>=1", "util"]
[[packages]]
name = "app"
version = "1.1.0"
requires = ["lib>=1", "util"]
[[packages]]
name = "lib"
version = "1.0.0"
requires = ["util<2"]
sdist = true
[[packages]]
name = "util"
version = "1.0.0"
[[packages]]
name = "util"
version = "1.5.0"
[[packages]]
name = "other"
version = "3.0.0"
"#;

/// Runs `lockit verify <args>` in `dir` with no inherited lockit or CI settings.
fn verify_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = lockit_cmd(dir);
    cmd.arg("verify").args(args).env_remove("GITHUB_ACTIONS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

fn verify(dir: &Path, args: &[&str]) -> Run {
    verify_with(dir, args, &[])
}

/// A directory with `requirements.in` (`app`) locked into `requirements.txt`.
fn locked(index_url: &str) -> tempfile::TempDir {
    locked_dir(index_url, "app\n", &[])
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "`{from}` not in\n{text}");
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// The 1-based line of `path` that contains `needle`.
fn line_of(path: &Path, needle: &str) -> usize {
    read(path)
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in {}", path.display()))
}

#[test]
fn fresh_lock_is_current() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("`requirements.txt` is current (3 pins for Python 3.12.0 on x86_64-manylinux_2_28, as the lock records)"),
        "{}",
        run.stderr
    );
    // Naming the input instead finds the lock next to it.
    verify(dir.path(), &["requirements.in"]).assert_ok();
}

#[test]
fn edited_hash_names_the_file_and_line() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    let lock = dir.path().join("requirements.txt");
    let text = read(&lock);
    let hash_line = text
        .lines()
        .skip_while(|l| !l.starts_with("util==1.5.0"))
        .nth(1)
        .expect("util's hash line");
    let hash = hash_line
        .trim()
        .trim_start_matches("--hash=sha256:")
        .to_string();
    let line = line_of(&lock, &hash);
    let mut tampered = hash.clone();
    tampered.replace_range(0..1, if hash.starts_with('0') { "1" } else { "0" });
    edit(&lock, &hash, &tampered);
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(&format!(
            "! util 1.5.0: hash of `util-1.5.0-py3-none-any.whl` differs from the index (requirements.txt:{line})"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn edited_pin_names_the_line() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    let lock = dir.path().join("requirements.txt");
    let line = line_of(&lock, "app==1.1.0");
    edit(&lock, "app==1.1.0", "app==1.0.0");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(&format!(
            "! app 1.0.0: `app==1.0.0` (requirements.txt:{line}) has the hashes of app 1.1.0; was the pin edited?"
        )),
        "{}",
        run.stderr
    );

    // A pin moved to a version the index never had.
    edit(&lock, "app==1.0.0", "app==1.9.0");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(&format!(
            "~ app 1.9.0 -> 1.1.0: app 1.9.0 (requirements.txt:{line}) is not on the index"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn added_requirement_names_the_input_line() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    write(dir.path(), "requirements.in", "app\n# a comment\nother\n");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("+ other 3.0.0: requirements.in:3 adds `other`"),
        "{}",
        run.stderr
    );
}

#[test]
fn tightened_specifier_names_the_input_line() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    write(dir.path(), "requirements.in", "app<1.1\n");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("~ app 1.1.0 -> 1.0.0: requirements.in:1: `app<1.1` no longer admits 1.1.0"),
        "{}",
        run.stderr
    );
}

#[test]
fn constraint_and_removed_requirement_are_explained() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\nother\n");
    write(dir.path(), "constraints.txt", "util<2\n");
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-c", "constraints.txt"],
    )
    .assert_ok();
    verify(dir.path(), &["--lock", "requirements.txt"]).assert_ok();

    write(dir.path(), "constraints.txt", "util<1.5\n");
    write(dir.path(), "requirements.in", "app\n");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    let lock = dir.path().join("requirements.txt");
    assert!(
        run.stderr.contains(
            "~ util 1.5.0 -> 1.0.0: the constraint on `util` (constraints.txt:1: `util<1.5`) no longer admits 1.5.0"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "- other 3.0.0: no input requires `other` any more (requirements.txt:{} says `# via -r requirements.in`)",
            line_of(&lock, "other==")
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_hashes_make_a_lock_stale() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    let lock = dir.path().join("requirements.txt");
    let text = read(&lock);
    let stripped: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("--hash"))
        .map(|l| format!("{}\n", l.trim_end_matches(" \\")))
        .collect();
    std::fs::write(&lock, stripped).expect("write");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(run.stderr.contains("`app` has no hashes"), "{}", run.stderr);
}

#[test]
fn bad_input_exits_2() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    write(dir.path(), "requirements.in", "app>>1\n");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(2);
    assert!(run.stderr.contains("requirements.in:1"), "{}", run.stderr);

    let run = verify(dir.path(), &["--lock", "missing.txt"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("cannot read the lock `missing.txt`"),
        "{}",
        run.stderr
    );

    verify(dir.path(), &[]).assert_code(2);

    // A lock without a header needs the input named.
    write(dir.path(), "requirements.in", "app\n");
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "--no-header", "-o", "bare.txt"],
    )
    .assert_ok();
    let run = verify(dir.path(), &["--lock", "bare.txt"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("does not say how it was made"),
        "{}",
        run.stderr
    );
    verify(
        dir.path(),
        &[
            "requirements.in",
            "--lock",
            "bare.txt",
            "--index-url",
            &index.url(),
            "--python-version",
            "3.12",
            "--python-platform",
            "x86_64-manylinux_2_28",
            "--no-cache",
        ],
    )
    .assert_ok();
}

#[test]
fn unreachable_index_exits_3() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    drop(index);
    let run = verify(
        dir.path(),
        &["--lock", "requirements.txt", "--connect-timeout", "2"],
    );
    run.assert_code(3);
}

#[test]
fn unparsable_lock_is_stale_and_names_the_line() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    let lock = dir.path().join("requirements.txt");
    let text = read(&lock);
    std::fs::write(&lock, format!("{text}<<<<<<< HEAD\n")).expect("write");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains(&format!("requirements.txt:{}", text.lines().count() + 1)),
        "{}",
        run.stderr
    );
}

#[test]
fn json_and_github_annotations() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    write(dir.path(), "requirements.in", "app\nother\n");
    let run = verify_with(
        dir.path(),
        &["--lock", "requirements.txt", "--format", "json"],
        &[("GITHUB_ACTIONS", "true")],
    );
    run.assert_code(1);
    // With --format json, stdout is the JSON document alone; annotations go to stderr,
    // which the Actions runner also reads.
    assert!(
        run.stderr.contains(
            "::error file=requirements.in,line=2::+ other 3.0.0: requirements.in:2 adds `other`"
        ),
        "{}",
        run.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    assert_eq!(json["current"], false);
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"][0]["kind"], "added");
    assert_eq!(json["findings"][0]["package"], "other");
    assert_eq!(json["findings"][0]["expected"], "3.0.0");
    assert_eq!(json["findings"][0]["file"], "requirements.in");
    assert_eq!(json["findings"][0]["line"], 2);
}

#[test]
fn pylock_is_verified_file_by_file() {
    let index = serve(&scenario(INDEX));
    let dir = locked_dir(&index.url(), "app\n", &["--format", "pylock"]);
    verify(dir.path(), &["--lock", "pylock.toml"]).assert_ok();
    // The input is enough when only a pylock.toml sits beside it.
    verify(dir.path(), &["requirements.in"]).assert_ok();

    let lock = dir.path().join("pylock.toml");
    let text = read(&lock);
    let line = line_of(&lock, "lib-1.0.0.tar.gz\"");
    let sdist_line = text.lines().nth(line - 1).expect("line");
    let hash = sdist_line
        .split("sha256 = \"")
        .nth(1)
        .and_then(|h| h.get(..64))
        .expect("sdist hash");
    edit(&lock, hash, &"0".repeat(64));
    let run = verify(dir.path(), &["--lock", "pylock.toml"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(&format!(
            "! lib 1.0.0: hash of `lib-1.0.0.tar.gz` differs from the index (pylock.toml:{line})"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn offline_checks_inputs_closure_and_hashes_from_the_cache() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let cache = dir.path().join("cache");
    write(dir.path(), "requirements.in", "app\n");
    run(resolve_cmd_cached(dir.path(), &index.url(), Some(&cache)).arg("requirements.in"))
        .assert_ok();
    drop(index);
    // The cache is this machine's, not the lock's: it is named to `verify` too.
    let cache = cache.display().to_string();
    let offline = [
        "--lock",
        "requirements.txt",
        "--offline",
        "--cache-dir",
        &cache,
    ];
    verify(dir.path(), &offline).assert_ok();

    // A dependency dropped from the lock breaks the closure.
    let lock = dir.path().join("requirements.txt");
    let text = read(&lock);
    let without_lib: String = {
        let mut out = String::new();
        let mut skip = false;
        for l in text.lines() {
            if l.starts_with("lib==") {
                skip = true;
            } else if !l.starts_with(' ') {
                skip = false;
            }
            if !skip {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    };
    std::fs::write(&lock, &without_lib).expect("write");
    let run = verify(dir.path(), &offline);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("! lib: `app` 1.1.0 (requirements.txt:13) requires `lib"),
        "{}",
        run.stderr
    );

    // An input the lock does not satisfy.
    std::fs::write(&lock, &text).expect("write");
    write(dir.path(), "requirements.in", "app<1.1\n");
    let run = verify(dir.path(), &offline);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("requirements.in:1 requires `app<1.1`, which the pin 1.1.0"),
        "{}",
        run.stderr
    );
}

// ---- issue 16: verify tells the truth ----

/// A lock made with a cache, checked offline with an empty one: nothing could be checked,
/// which is never "current" (exit 4), whether or not the lock was tampered with.
#[test]
fn regression_offline_with_an_empty_cache_never_passes() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    let offline = [
        "--lock",
        "requirements.txt",
        "--offline",
        "--cache-dir",
        "empty-cache",
    ];
    let run = verify(dir.path(), &offline);
    run.assert_code(4);
    assert!(
        run.stderr
            .contains("3 of 3 pins could not be checked (not in the cache): app, lib, util"),
        "{}",
        run.stderr
    );
    let lock = dir.path().join("requirements.txt");
    let text = read(&lock);
    let hash = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("--hash=sha256:"))
        .expect("a hash")
        .trim_end_matches([' ', '\\'])
        .to_string();
    edit(&lock, &hash, &"0".repeat(64));
    verify(dir.path(), &offline).assert_code(4);
    let run = verify(dir.path(), &[&offline[..], &["--allow-unchecked"]].concat());
    run.assert_ok();
    assert!(
        run.stderr
            .contains("warning: 3 of 3 pins could not be checked"),
        "{}",
        run.stderr
    );
}

/// A fake `python3` that describes itself as CPython `version` on manylinux x86_64.
fn fake_python(dir: &Path, version: &str) -> std::path::PathBuf {
    let bin = dir.join(format!("py{version}"));
    std::fs::create_dir_all(&bin).expect("mkdir");
    let script = bin.join("python3");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho '{{\"version\": \"{version}\", \"sys_platform\": \"linux\", \"machine\": \"x86_64\", \"libc\": [\"glibc\", \"2.28\"]}}'\n"
        ),
    )
    .expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    bin
}

/// Made where `python3` is 3.12, verified where it is 3.11: the lock records its target
/// and verify checks that one, and says so.
#[test]
fn regression_verify_uses_the_recorded_target_not_the_local_python() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let path_with = |bin: &Path| {
        format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    };
    let py312 = fake_python(dir.path(), "3.12.4");
    let mut cmd = lockit_cmd(dir.path());
    cmd.args([
        "resolve",
        "requirements.in",
        "--no-cache",
        "--index-url",
        &index.url(),
    ])
    .env("PATH", path_with(&py312))
    .env("XDG_CACHE_HOME", dir.path().join("xdg"));
    let made = run(&mut cmd);
    made.assert_ok();
    assert!(
        made.stderr
            .contains("for Python 3.12.4 on x86_64-manylinux_2_28 in "),
        "{}",
        made.stderr
    );
    let lock = read(&dir.path().join("requirements.txt"));
    assert!(
        lock.contains("# python: 3.12.4\n# platform: x86_64-manylinux_2_28\n"),
        "{lock}"
    );

    let py311 = fake_python(dir.path(), "3.11.9");
    let mut cmd = lockit_cmd(dir.path());
    cmd.args(["verify", "requirements.in", "--no-cache"])
        .env("PATH", path_with(&py311))
        .env("XDG_CACHE_HOME", dir.path().join("xdg"))
        .env_remove("GITHUB_ACTIONS");
    let checked = run(&mut cmd);
    checked.assert_ok();
    assert!(
        checked
            .stderr
            .contains("for Python 3.12.4 on x86_64-manylinux_2_28, as the lock records"),
        "{}",
        checked.stderr
    );
}

/// A new top-level requirement the lock already pins changes its `# via` lines, so the
/// lock is not what resolve would write.
#[test]
fn regression_new_requirement_already_pinned_is_stale() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    write(dir.path(), "requirements.in", "app\nutil\n");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("`lockit resolve` writes `    #   -r requirements.in` here"),
        "{}",
        run.stderr
    );
}

/// Hand edits that keep every pin and hash still make the lock stale: reordered entries
/// and a deleted hash line.
#[test]
fn hand_edits_are_found() {
    let index = serve(&scenario(INDEX));
    let dir = locked(&index.url());
    let lock = dir.path().join("requirements.txt");
    let text = read(&lock);
    // Move `app`'s entry to the end.
    let start = text.find("app==").expect("app");
    let end = text[start..]
        .find("lib==")
        .map(|i| start + i)
        .expect("lib after app");
    let reordered = format!("{}{}{}", &text[..start], &text[end..], &text[start..end]);
    std::fs::write(&lock, &reordered).expect("write");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("is not what `lockit resolve` writes here"),
        "{}",
        run.stderr
    );

    std::fs::write(&lock, &text).expect("write");
    verify(dir.path(), &["--lock", "requirements.txt"]).assert_ok();
    let hash_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("--hash="))
        .expect("a hash line");
    let without: String = text.replacen(&format!("{hash_line}\n"), "", 1);
    std::fs::write(&lock, without).expect("write");
    verify(dir.path(), &["--lock", "requirements.txt"]).assert_code(1);
}

/// A changed `--override` and a lock made for another target are stale.
#[test]
fn changed_override_and_other_target_are_stale() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    write(dir.path(), "overrides.txt", "util==1.0.0\n");
    run(crate::common::resolve_cmd(dir.path(), &index.url()).args([
        "requirements.in",
        "--override",
        "overrides.txt",
    ]))
    .assert_ok();
    verify(dir.path(), &["--lock", "requirements.txt"]).assert_ok();
    write(dir.path(), "overrides.txt", "util==1.5.0\n");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(run.stderr.contains("util 1.0.0 -> 1.5.0"), "{}", run.stderr);

    // A lock for 3.12 checked as if for another platform.
    write(dir.path(), "overrides.txt", "util==1.0.0\n");
    let run = verify(
        dir.path(),
        &[
            "--lock",
            "requirements.txt",
            "--python-platform",
            "aarch64-apple-darwin",
        ],
    );
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("the lock records platform x86_64-manylinux_2_28, not aarch64-apple-darwin"),
        "{}",
        run.stderr
    );
}

/// `--hash` in an input is a promise: a wrong one is an error naming the line and the
/// hashes the index has, not silently replaced.
#[test]
fn regression_input_hash_is_a_promise() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let wrong = "0".repeat(64);
    write(
        dir.path(),
        "requirements.in",
        format!("app\nutil==1.5.0 --hash=sha256:{wrong}\n"),
    );
    let run = resolve(dir.path(), &index.url(), ["requirements.in"]);
    run.assert_code(1);
    assert!(run.stderr.contains("requirements.in:2"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("sha256:{wrong}")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("util-1.5.0-py3-none-any.whl"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("requirements.txt").exists());

    // The right hash: only that file is pinned.
    let lock_dir = locked(&index.url());
    let lock = read(&lock_dir.path().join("requirements.txt"));
    let util_hash = lock
        .split("util==1.5.0")
        .nth(1)
        .and_then(|rest| rest.split("--hash=").nth(1))
        .map(|h| h.split_whitespace().next().unwrap_or_default().to_string())
        .expect("util's hash");
    write(
        dir.path(),
        "requirements.in",
        format!("app\nutil==1.5.0 --hash={util_hash}\n"),
    );
    resolve(dir.path(), &index.url(), ["requirements.in"]).assert_ok();
    verify(dir.path(), &["--lock", "requirements.txt"]).assert_ok();
}

// ---- issue 20: the header records the settings as typed fields ----

/// A lock whose header shows a custom command is verified from the settings the header
/// records (inputs, constraints, style), with no command line to re-read; a recorded
/// setting edited by hand then makes it stale.
#[test]
fn a_custom_command_lock_verifies_from_its_recorded_settings() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    write(dir.path(), "constraints.txt", "util<1.5\n");
    resolve(
        dir.path(),
        &index.url(),
        [
            "requirements.in",
            "-c",
            "constraints.txt",
            "--no-annotate",
            "--custom-compile-command",
            "make lock",
        ],
    )
    .assert_ok();
    let lock = dir.path().join("requirements.txt");
    let text = read(&lock);
    for field in [
        "# input: requirements.in\n",
        "# constraint: constraints.txt\n",
        "# no-annotate: true\n",
    ] {
        assert!(text.contains(field), "{field} not in\n{text}");
    }
    assert!(text.contains("util==1.0.0"), "{text}");
    verify(dir.path(), &["--lock", "requirements.txt"]).assert_ok();

    // Without `no-annotate`, the lock would carry `# via` lines.
    edit(&lock, "# no-annotate: true\n", "");
    let run = verify(dir.path(), &["--lock", "requirements.txt"]);
    run.assert_code(1);
    assert!(run.stderr.contains("# via"), "{}", run.stderr);
}

/// A header written before the settings model (no `input` field) is still read, with the
/// command it records.
#[test]
fn regression_a_header_without_typed_inputs_still_verifies() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    write(dir.path(), "constraints.txt", "util<1.5\n");
    resolve(
        dir.path(),
        &index.url(),
        ["requirements.in", "-c", "constraints.txt"],
    )
    .assert_ok();
    let lock = dir.path().join("requirements.txt");
    edit(&lock, "# input: requirements.in\n", "");
    edit(&lock, "# constraint: constraints.txt\n", "");
    verify(dir.path(), &["--lock", "requirements.txt"]).assert_ok();
}
