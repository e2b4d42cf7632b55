use std::path::Path;
use std::process::Command;

use super::*;

fn run_git(dir: &Path, args: &[&str]) -> String {
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

/// A repository with a tagged first commit (`v1.0`) and a second one on `main`, whose
/// project lives in `pkg/`.
fn repository() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    run_git(repo, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::create_dir(repo.join("pkg")).expect("mkdir");
    std::fs::write(repo.join("pkg/setup.py"), "# one\n").expect("write");
    run_git(repo, &["add", "."]);
    run_git(repo, &["commit", "--quiet", "-m", "one"]);
    run_git(repo, &["tag", "v1.0"]);
    let first = run_git(repo, &["rev-parse", "HEAD"]);
    std::fs::write(repo.join("pkg/setup.py"), "# two\n").expect("write");
    run_git(repo, &["commit", "--quiet", "-am", "two"]);
    let second = run_git(repo, &["rev-parse", "HEAD"]);
    (dir, first, second)
}

#[test]
fn git_urls_split_into_repository_reference_and_subdirectory() {
    let parse = |u: &str| GitUrl::parse(u).expect("a VCS URL").expect("valid");
    let url =
        parse("git+https://user:tok@host.example/org/repo.git@v1.2#subdirectory=pkg&egg=name");
    assert_eq!(url.repository, "https://user:tok@host.example/org/repo.git");
    assert_eq!(url.reference.as_deref(), Some("v1.2"));
    assert_eq!(url.subdirectory.as_deref(), Some("pkg"));
    assert_eq!(
        url.pinned("abc"),
        "git+https://host.example/org/repo.git@abc#subdirectory=pkg"
    );
    let ssh = parse("git+ssh://git@host.example/org/repo.git");
    assert_eq!(ssh.repository, "ssh://git@host.example/org/repo.git");
    assert_eq!(ssh.reference, None);
    assert_eq!(
        ssh.pinned("abc"),
        "git+ssh://git@host.example/org/repo.git@abc"
    );
    // The same source with and without credentials.
    let plain = parse("git+https://host.example/org/repo.git@main#subdirectory=pkg");
    assert_eq!(url.source(), plain.source());
    assert!(GitUrl::parse("https://host.example/x.tar.gz").is_none());
    for bad in [
        "git+https://host.example/repo@",
        "git+ftp://host.example/repo",
        "git+https://host.example/repo#subdirectory=../up",
    ] {
        assert!(GitUrl::parse(bad).expect("a VCS URL").is_err(), "{bad}");
    }
    let hg = GitUrl::parse("hg+https://host.example/repo").expect("a VCS URL");
    assert!(matches!(hg, Err(GitError::UnsupportedScheme { ref scheme, .. }) if scheme == "hg"));
}

#[test]
fn credentials_never_show_in_errors() {
    assert_eq!(
        redact("https://user:secret@host.example/repo.git"),
        "https://***@host.example/repo.git"
    );
    let url = GitUrl::parse("git+https://user:secret@127.0.0.1:9/repo.git@main")
        .expect("a VCS URL")
        .expect("valid");
    let cache = tempfile::tempdir().expect("tempdir");
    let e = checkout(
        &url,
        &cache.path().join("db"),
        &cache.path().join("co"),
        false,
    )
    .expect_err("nothing listens there");
    assert!(!e.to_string().contains("secret"), "{e}");
}

#[test]
fn references_resolve_to_full_shas_and_trees_unpack_once() {
    let (repo, first, second) = repository();
    let cache = tempfile::tempdir().expect("tempdir");
    let (db, co) = (cache.path().join("db"), cache.path().join("co"));
    let base = format!("git+file://{}", repo.path().display());
    let at = |reference: &str| {
        let url = GitUrl::parse(&format!("{base}@{reference}#subdirectory=pkg"))
            .expect("a VCS URL")
            .expect("valid");
        checkout(&url, &db, &co, false)
    };
    let tagged = at("v1.0").expect("the tag");
    assert_eq!(tagged.sha, first);
    assert_eq!(
        std::fs::read_to_string(tagged.project.join("setup.py")).expect("read"),
        "# one\n"
    );
    assert_eq!(at("main").expect("the branch").sha, second);
    assert_eq!(at(&first[..10]).expect("a short SHA").sha, first);
    assert_eq!(at(&second).expect("a full SHA").sha, second);
    let default = GitUrl::parse(&base).expect("a VCS URL").expect("valid");
    assert_eq!(
        checkout(&default, &db, &co, false).expect("HEAD").sha,
        second
    );
    assert!(matches!(at("nope"), Err(GitError::NoSuchReference { .. })));

    // A commit the clone has, and a branch as last fetched, answer offline.
    let url = GitUrl::parse(&format!("{base}@{first}"))
        .expect("a VCS URL")
        .expect("valid");
    assert_eq!(checkout(&url, &db, &co, true).expect("offline").sha, first);
    let other = tempfile::tempdir().expect("tempdir");
    let fresh = checkout(
        &url,
        &other.path().join("db"),
        &other.path().join("co"),
        true,
    );
    assert!(matches!(fresh, Err(GitError::Offline { .. })));

    let missing = GitUrl::parse(&format!("{base}@v1.0#subdirectory=nowhere"))
        .expect("a VCS URL")
        .expect("valid");
    assert!(matches!(
        checkout(&missing, &db, &co, false),
        Err(GitError::NoSubdirectory { .. })
    ));
}
