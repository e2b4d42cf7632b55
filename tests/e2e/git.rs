//! Git requirements (issue 22): `name @ git+URL@ref` and bare `git+URL@ref#subdirectory=…`
//! lines are checked out with the `git` program, built for their metadata and pinned to the
//! full commit SHA; a re-lock keeps the SHA until `-P NAME`; `verify` and `--offline`
//! answer from the lock and the cache. Repositories are made by the test, reached over
//! `file://`.

use std::path::Path;
use std::process::Command;

use lockit_test_index::{write_local_project, PackageSpec};

use crate::common::{lockit_cmd, read, run, scenario, serve, tempdir, write, TARGET_ARGS};

/// `dep` 1 and 2: what the git projects require.
const INDEX: &str = r#"
name = "git"
[[packages]]
name = "dep"
version = "1.0.0"
[[packages]]
name = "dep"
version = "2.0.0"
"#;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Writes the project `name` `version` requiring `requires` at `dir` and commits it;
/// returns the commit's SHA.
fn commit_project(repo: &Path, sub: &str, name: &str, version: &str, requires: &str) -> String {
    let spec: PackageSpec = toml::from_str(&format!(
        "name = \"{name}\"\nversion = \"{version}\"\nrequires = [{requires}]\nbuild = \"dynamic\"\n"
    ))
    .expect("spec");
    write_local_project(&repo.join(sub), &spec).expect("write the project");
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", version]);
    git(repo, &["rev-parse", "HEAD"])
}

fn new_repo(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).expect("mkdir");
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    dir.to_path_buf()
}

fn resolve(dir: &Path, index: &str, args: &[&str]) -> crate::common::Run {
    let mut cmd = lockit_cmd(dir);
    cmd.arg("resolve")
        .args(TARGET_ARGS)
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .args(["--index-url", index, "-q"])
        .args(args);
    run(&mut cmd)
}

#[test]
fn git_requirements_pin_full_shas_that_relocks_keep_until_asked() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let alpha = new_repo(&dir.path().join("alpha"));
    let tagged = commit_project(&alpha, ".", "alpha", "0.1.0", "\"dep<2\"");
    git(&alpha, &["tag", "v1.0"]);
    commit_project(&alpha, ".", "alpha", "0.2.0", "\"dep\"");
    let beta = new_repo(&dir.path().join("beta"));
    let first = commit_project(&beta, "pkg", "beta", "1.0.0", "\"dep\"");
    let (alpha_url, beta_url) = (
        format!("file://{}", alpha.display()),
        format!("file://{}", beta.display()),
    );
    write(
        dir.path(),
        "requirements.in",
        format!("alpha @ git+{alpha_url}@v1.0\ngit+{beta_url}@main#subdirectory=pkg\n"),
    );

    resolve(dir.path(), &index.url(), &["requirements.in"]).assert_ok();
    let lock_path = dir.path().join("requirements.txt");
    let lock = read(&lock_path);
    let alpha_pin = format!("alpha @ git+{alpha_url}@{tagged}\n");
    let beta_pin = format!("beta @ git+{beta_url}@{first}#subdirectory=pkg\n");
    for pin in [&alpha_pin, &beta_pin, &"dep==1.0.0 \\\n".to_string()] {
        assert!(lock.contains(pin.as_str()), "{pin} not in\n{lock}");
    }
    // Only index files carry hashes: a commit is its own checksum.
    assert!(!lock.contains(&format!("{tagged} \\")), "{lock}");

    let mut verify = lockit_cmd(dir.path());
    verify.args(["verify", "--lock", "requirements.txt", "--cache-dir"]);
    verify.arg(dir.path().join("cache"));
    run(&mut verify).assert_ok();

    // The branch moves on: a re-lock keeps the pinned commit, offline too.
    let second = commit_project(&beta, "pkg", "beta", "1.1.0", "\"dep\"");
    resolve(dir.path(), &index.url(), &["requirements.in"]).assert_ok();
    assert_eq!(read(&lock_path), lock);
    let offline = resolve(dir.path(), &index.url(), &["requirements.in", "--offline"]);
    offline.assert_ok();
    let pins_only = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(pins_only(&read(&lock_path)), pins_only(&lock));

    // `-P beta` moves it to the branch's new commit.
    resolve(dir.path(), &index.url(), &["requirements.in", "-P", "beta"]).assert_ok();
    let moved = read(&lock_path);
    assert!(
        moved.contains(&format!(
            "beta @ git+{beta_url}@{second}#subdirectory=pkg\n"
        )),
        "{moved}"
    );
    assert!(moved.contains(&alpha_pin), "{moved}");
}

#[test]
fn missing_references_and_other_vcs_are_clear_errors() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let repo = new_repo(&dir.path().join("repo"));
    commit_project(&repo, ".", "alpha", "0.1.0", "");
    let url = format!("file://{}", repo.display());
    write(dir.path(), "missing.in", format!("alpha @ git+{url}@v9\n"));
    let run = resolve(dir.path(), &index.url(), &["missing.in", "-o", "-"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("missing.in:1: `")
            && run.stderr.contains("` has no tag, branch or commit `v9`"),
        "{}",
        run.stderr
    );
    write(dir.path(), "hg.in", "alpha @ hg+https://example.org/repo\n");
    let run = resolve(dir.path(), &index.url(), &["hg.in", "-o", "-"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("hg repositories are not supported; only git+ URLs are"),
        "{}",
        run.stderr
    );
}

/// Source archives whatever their name (GitHub's `archive/v1.2.tar.gz`, a `git archive`
/// with or without a top folder, `.zip`) are hashed, unpacked and built; the lock pins the
/// URL with the archive's hash, and a `#sha256=` that does not match is refused.
#[test]
fn source_archives_with_any_name_and_top_folder_are_built_and_hashed() {
    let index = serve(&scenario(INDEX));
    let dir = tempdir();
    let repo = new_repo(&dir.path().join("alpha"));
    commit_project(&repo, ".", "alpha", "0.3.0", "\"dep<2\"");
    let archives = [
        (
            "v1.2.tar.gz",
            vec!["--format=tar.gz", "--prefix=alpha-1.2/"],
        ),
        ("main.zip", vec!["--format=zip"]),
        ("snapshot.tgz", vec!["--format=tar.gz"]),
    ];
    for (name, args) in archives {
        let path = dir.path().join(name);
        let mut cmd = vec!["archive"];
        cmd.extend(args);
        let out = path.display().to_string();
        cmd.extend(["-o", &out, "HEAD"]);
        git(&repo, &cmd);
        let url = format!("file://{}", path.display());
        write(dir.path(), "archive.in", format!("alpha @ {url}\n"));
        let run = resolve(dir.path(), &index.url(), &["archive.in", "-o", "-"]);
        run.assert_ok();
        let sha = sha256_of(&path);
        assert!(
            run.stdout
                .contains(&format!("alpha @ {url} \\\n    --hash=sha256:{sha}\n")),
            "{name}:\n{}",
            run.stdout
        );
        assert!(run.stdout.contains("dep==1.0.0"), "{}", run.stdout);
    }
    let path = dir.path().join("v1.2.tar.gz");
    write(
        dir.path(),
        "wrong.in",
        format!(
            "alpha @ file://{}#sha256={}\n",
            path.display(),
            "0".repeat(64)
        ),
    );
    let run = resolve(dir.path(), &index.url(), &["wrong.in", "-o", "-"]);
    run.assert_code(1);
    assert!(run.stderr.contains("promises sha256:000"), "{}", run.stderr);
}

fn sha256_of(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a hash")
        .to_string()
}
