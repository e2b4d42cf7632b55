//! Security end to end: credentials (in index URLs, `.netrc` or environment variables)
//! go to their own host only and never show up in the lock, its header, stderr (also with
//! `-v`), error messages or the cache; with several indexes a package comes from the first
//! index that has it unless `--index-strategy unsafe-best-match` says otherwise; nothing
//! from an index is run or extracted.

use std::path::Path;
use std::process::Command;

use crate::common::{
    self, file_containing, lockit_cmd, pins, read, read_lock, resolve_cmd_cached, run, scenario,
    serve, tempdir, write, Run, SMALL, TARGET_ARGS,
};
use lockit_test_index::{Fault, TestIndex};

const USER: &str = "alice-user";
const PASSWORD: &str = "S3CRET-pa55word";

/// `Basic base64(user:password)`, as the server sees it.
fn basic(user: &str, password: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// `http://user:password@127.0.0.1:PORT/simple/`.
fn with_credentials(index: &TestIndex) -> String {
    index
        .url()
        .replace("http://", &format!("http://{USER}:{PASSWORD}@"))
}

/// Neither the password nor the user name appear in the run's output or in any file
/// under `dirs` (the project with its lock, the cache).
#[track_caller]
fn assert_no_secret(run: &Run, dirs: &[&Path], secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret),
            "stdout leaks `{secret}`:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(secret),
            "stderr leaks `{secret}`:\n{}",
            run.stderr
        );
        for dir in dirs {
            if let Some(file) = file_containing(dir, secret.as_bytes()) {
                panic!("{} leaks `{secret}`", file.display());
            }
        }
    }
}

/// A clean environment: no `LOCKIT_*`, and a `HOME` without a `.netrc`.
fn isolate(cmd: &mut Command, home: &Path) {
    cmd.env("HOME", home).env_remove("NETRC");
}

/// [`resolve_cmd_cached`] in `dir` against `url`, isolated with `dir` as its `HOME`.
fn isolated(dir: &Path, url: &str, cache: Option<&Path>) -> Command {
    let mut cmd = resolve_cmd_cached(dir, url, cache);
    isolate(&mut cmd, dir);
    cmd
}

// ---- credentials ----

#[test]
fn credentials_in_the_index_url_are_sent_and_never_shown() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    let cache = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let url = with_credentials(&index);
    // --no-header: the header records the command line, checked on its own below.
    let ok = run(isolated(dir.path(), &url, Some(cache.path())).args([
        "requirements.in",
        "--no-header",
        "-vv",
    ]));
    ok.assert_ok();
    // Every request to the index carried the credentials (pages and files: same origin).
    let auth = basic(USER, PASSWORD);
    let requests = index.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        assert_eq!(
            r.authorization.as_deref(),
            Some(auth.as_str()),
            "{}",
            r.path
        );
        assert!(!r.url.contains(PASSWORD));
    }
    assert_no_secret(&ok, &[dir.path(), cache.path()], &[PASSWORD, USER]);

    // A failing run: the error names the URL, without the credentials.
    index.inject("/files/*", Fault::Status(500));
    let cache2 = tempdir();
    let failed = run(isolated(dir.path(), &url, Some(cache2.path())).args([
        "requirements.in",
        "--no-header",
        "-vv",
        "-o",
        "failed.txt",
    ]));
    failed.assert_code(3);
    assert!(failed.stderr.contains("127.0.0.1"), "{}", failed.stderr);
    assert_no_secret(&failed, &[dir.path(), cache2.path()], &[PASSWORD, USER]);
}

#[test]
fn credentials_in_env_vars_never_reach_the_lock() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let mut cmd = lockit_cmd(dir.path());
    cmd.args(["resolve", "requirements.in", "-v", "--no-cache"])
        .args(TARGET_ARGS)
        .env("LOCKIT_INDEX_URL", with_credentials(&index));
    isolate(&mut cmd, dir.path());
    let ok = run(&mut cmd);
    ok.assert_ok();
    assert!(read_lock(dir.path()).contains("app==1.0.0"));
    assert!(index
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() == Some(basic(USER, PASSWORD).as_str())));
    assert_no_secret(&ok, &[dir.path()], &[PASSWORD, USER]);
}

/// The lock header records the command line; `--index-url https://user:pass@...` in it
/// must come out redacted.
#[test]
fn lock_header_redacts_credentials_in_the_command_line() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    // The extra index is never asked: `app` is found on the first one.
    let ok = run(isolated(dir.path(), &with_credentials(&index), None)
        .args(["requirements.in", "--extra-index-url"])
        .arg(format!("https://tok:{PASSWORD}@extra.invalid/simple/")));
    ok.assert_ok();
    let lock = read_lock(dir.path());
    assert!(lock.starts_with('#'), "no header:\n{lock}");
    assert!(lock.contains("--index-url"), "{lock}");
    assert_no_secret(&ok, &[dir.path()], &[PASSWORD, USER]);
}

/// Every output format and command: pylock.toml (which records index URLs), `verify`,
/// and `explain --format json`.
#[test]
fn credentials_never_reach_pylock_verify_or_explain_json() {
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let url = with_credentials(&index);
    let lockit = |args: &[&str]| {
        let mut cmd = lockit_cmd(dir.path());
        cmd.args(args)
            .args(TARGET_ARGS)
            .args(["--no-cache", "--index-url", &url, "-v"]);
        isolate(&mut cmd, dir.path());
        run(&mut cmd)
    };
    let runs = [
        lockit(&[
            "resolve",
            "requirements.in",
            "--format",
            "pylock",
            "-o",
            "pylock.toml",
        ]),
        lockit(&["resolve", "requirements.in", "-o", "requirements.txt"]),
        lockit(&["verify", "requirements.in", "--lock", "pylock.toml"]),
        lockit(&["verify", "requirements.in", "--lock", "requirements.txt"]),
        lockit(&["explain", "util", "requirements.in", "--format", "json"]),
        lockit(&["explain", "lib", "requirements.in"]),
    ];
    for r in &runs {
        r.assert_ok();
        assert_no_secret(r, &[dir.path()], &[PASSWORD, USER]);
    }
    let pylock = read(&dir.path().join("pylock.toml"));
    assert!(pylock.contains("127.0.0.1"), "{pylock}");
    assert!(
        runs[4].stdout.trim_start().starts_with('{'),
        "{}",
        runs[4].stdout
    );
}

#[test]
fn netrc_credentials_are_used_for_their_host_only() {
    let index = serve(&scenario(SMALL));
    let home = tempdir();
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    // `127.0.0.1` is named; `default` would hand its password to any host and is ignored.
    write(
        home.path(),
        ".netrc",
        format!("machine 127.0.0.1 login bob password NETRC-{PASSWORD}\ndefault login anon password DEFAULT-{PASSWORD}\n"),
    );
    let mut cmd = resolve_cmd_cached(dir.path(), &index.url(), None);
    cmd.args(["requirements.in", "-v"])
        .env("HOME", home.path())
        .env_remove("NETRC");
    let ok = run(&mut cmd);
    ok.assert_ok();
    let want = basic("bob", &format!("NETRC-{PASSWORD}"));
    assert!(index
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() == Some(want.as_str())));
    assert_no_secret(&ok, &[dir.path()], &[PASSWORD, "bob"]);

    // `$NETRC` names another file; one for another host sends nothing here.
    index.clear_requests();
    let other = write(
        home.path(),
        "other-netrc",
        format!("machine pypi.org login x password {PASSWORD}\n"),
    );
    let mut cmd = resolve_cmd_cached(dir.path(), &index.url(), None);
    cmd.args(["requirements.in"])
        .env("HOME", home.path())
        .env("NETRC", &other);
    run(&mut cmd).assert_ok();
    assert!(index.requests().iter().all(|r| r.authorization.is_none()));
}

#[test]
fn credentials_never_go_to_another_origin() {
    // The private index (with credentials) links its files on another server: that server
    // must not see the credentials, nor must the extra index.
    let private = serve(&scenario(SMALL));
    let other = serve(&scenario(SMALL));
    let page = format!(
        "<html><body>\n<a href=\"{}\">app-1.0.0-py3-none-any.whl</a>\n</body></html>\n",
        other.file_url("app-1.0.0-py3-none-any.whl")
    );
    private.inject("/html/simple/app/", Fault::Body(page.into_bytes()));
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let url = private
        .html_url()
        .replace("http://", &format!("http://{USER}:{PASSWORD}@"));
    let ok = run(isolated(dir.path(), &url, None).args([
        "requirements.in",
        "--no-header",
        "--extra-index-url",
        &other.url(),
    ]));
    ok.assert_ok();
    assert!(other
        .requests()
        .iter()
        .any(|r| r.path.starts_with("/files/app-1.0.0")));
    for r in other.requests() {
        assert_eq!(r.authorization, None, "{} got credentials", r.path);
    }
    let auth = basic(USER, PASSWORD);
    assert!(private
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() == Some(auth.as_str())));
    assert_no_secret(&ok, &[dir.path()], &[PASSWORD, USER]);
}

// ---- dependency confusion ----

const PRIVATE: &str = r#"
name = "private"
[[packages]]
name = "app"
version = "1.0.0"
requires = ["internal-tool"]
[[packages]]
name = "internal-tool"
version = "1.0.0"
"#;

/// A public index where someone uploaded a higher `internal-tool`, and a newer `app`.
const PUBLIC: &str = r#"
name = "public"
[[packages]]
name = "internal-tool"
version = "99.0.0"
requires = ["payload"]
[[packages]]
name = "payload"
version = "1.0.0"
[[packages]]
name = "app"
version = "5.0.0"
"#;

fn confusion_run(private: &TestIndex, public: &TestIndex, extra: &[&str]) -> (Run, String) {
    let dir = tempdir();
    write(dir.path(), "requirements.in", "internal-tool\n");
    let r = run(isolated(dir.path(), &private.url(), None)
        .args([
            "requirements.in",
            "--no-header",
            "--extra-index-url",
            &public.url(),
        ])
        .args(extra));
    let lock = std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap_or_default();
    (r, lock)
}

#[test]
fn first_index_wins_by_default() {
    let private = serve(&scenario(PRIVATE));
    let public = serve(&scenario(PUBLIC));
    let (r, lock) = confusion_run(&private, &public, &[]);
    r.assert_ok();
    assert_eq!(pins(&lock), common::pinmap(&[("internal-tool", "1.0.0")]));
    // The hash is the private file's, and the public index was never asked for it.
    let private_hash = lockit_test_index::sha256_hex(&reqwest_free_get(
        &private.file_url("internal_tool-1.0.0-py3-none-any.whl"),
    ));
    assert!(lock.contains(&private_hash), "{lock}");
    assert!(!public
        .requests()
        .iter()
        .any(|r| r.path.contains("internal")));

    // Explicitly the same.
    let (r, lock2) = confusion_run(&private, &public, &["--index-strategy", "first-index"]);
    r.assert_ok();
    assert_eq!(lock, lock2);
}

#[test]
fn unsafe_best_match_is_an_explicit_opt_in() {
    let private = serve(&scenario(PRIVATE));
    let public = serve(&scenario(PUBLIC));
    let (r, lock) = confusion_run(
        &private,
        &public,
        &["--index-strategy", "unsafe-best-match"],
    );
    r.assert_ok();
    assert_eq!(
        pins(&lock),
        common::pinmap(&[("internal-tool", "99.0.0"), ("payload", "1.0.0")])
    );
}

#[test]
fn a_failing_private_index_does_not_fall_through_to_the_public_one() {
    let private = serve(&scenario(PRIVATE));
    let public = serve(&scenario(PUBLIC));
    private.inject("/simple/internal-tool/", Fault::Status(503));
    let (r, lock) = confusion_run(&private, &public, &[]);
    r.assert_code(3);
    assert!(r.stderr.contains("HTTP 503"), "{}", r.stderr);
    assert_eq!(lock, "");
    assert!(!public
        .requests()
        .iter()
        .any(|r| r.path.contains("internal")));
}

/// Runs `python3 -c script args...`, which builds a hostile file for a test to serve.
fn python3<I, S>(script: &str, args: I) -> std::io::Result<std::process::ExitStatus>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .status()
}

/// GET over a plain socket (the tests have no HTTP client dependency).
fn reqwest_free_get(url: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest.split_once('/').expect("path");
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    let at = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head end");
    buf[at + 4..].to_vec()
}

// ---- TLS ----

#[test]
fn https_to_a_plain_http_server_fails_instead_of_downgrading() {
    let index = serve(&scenario(SMALL));
    let url = index.url().replace("http://", "https://");
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let r = run(isolated(dir.path(), &url, None).args(["requirements.in", "--native-tls"]));
    r.assert_code(3);
    assert!(r.stderr.contains("https://127.0.0.1"), "{}", r.stderr);
    assert!(!dir.path().join("requirements.txt").exists());
}

// ---- code from an index runs only in a build lockit may do; nothing escapes ----

/// An sdist with only a setup.py that would leave a mark if run, and members whose names
/// point outside any extraction directory. With `--no-build` nothing runs; without it, the
/// sdist is unpacked for a build into a scratch folder and no member lands outside it.
#[test]
fn sdists_are_built_only_when_allowed_and_never_unpacked_outside() {
    let dir = tempdir();
    let links = dir.path().join("links");
    std::fs::create_dir_all(&links).expect("links dir");
    let mark = dir.path().join("EXECUTED");
    let escape = dir.path().join("ESCAPED");
    let script = r#"
import io, tarfile, sys
out, mark, escape = sys.argv[1], sys.argv[2], sys.argv[3]
setup = ("open(%r, 'w').write('ran')\nfrom setuptools import setup\nsetup(name='evil', version='1.0')\n" % mark).encode()
with tarfile.open(out, 'w:gz') as t:
    for name, data in [('evil-1.0/setup.py', setup), ('evil-1.0/../../ESCAPED', b'x'), (escape, b'x'),
                       ('evil-1.0/PKG-INFO', b'Metadata-Version: 1.0\nName: evil\nVersion: 1.0\n')]:
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
"#;
    let made = python3(
        script,
        [
            links.join("evil-1.0.tar.gz").as_os_str(),
            mark.as_os_str(),
            escape.as_os_str(),
        ],
    );
    match made {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("skipping: python3 could not build the sdist ({other:?})");
            return;
        }
    }
    let index = serve(&scenario(SMALL));
    write(dir.path(), "requirements.in", "evil\n");
    // PKG-INFO 1.0 is not trusted and there is no pyproject.toml: only a build would tell.
    let r = run(isolated(dir.path(), &index.url(), None)
        .args(["requirements.in", "--no-build", "--find-links"])
        .arg(&links));
    r.assert_code(1);
    assert!(
        r.stderr.contains(
            "evil has only an sdist whose metadata must be built, which --no-build forbids"
        ),
        "{}",
        r.stderr
    );
    assert!(!mark.exists(), "setup.py was run");
    // Allowed to build, lockit unpacks it (the test index has no setuptools to build with).
    let r = run(isolated(dir.path(), &index.url(), None)
        .args(["requirements.in", "--find-links"])
        .arg(&links));
    r.assert_code(1);
    assert!(r.stderr.contains("evil could not be built"), "{}", r.stderr);
    assert!(!escape.exists(), "an archive member was extracted outside");
    assert!(!dir
        .path()
        .parent()
        .map(|p| p.join("ESCAPED"))
        .is_some_and(|p| p.exists()));
}

/// An HTTPS server with a self-signed certificate (`openssl s_server`), killed on drop.
struct TlsServer {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl TlsServer {
    /// `None` when the `openssl` command is not available.
    fn start() -> Option<TlsServer> {
        let dir = tempdir();
        let made = Command::new("openssl")
            .current_dir(dir.path())
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-keyout",
                "key.pem",
                "-out",
                "cert.pem",
                "-subj",
                "/CN=lockit-test",
            ])
            .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if !made.is_ok_and(|s| s.success()) {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .ok()?
            .port();
        std::fs::create_dir_all(dir.path().join("certs")).ok()?;
        std::fs::copy(
            dir.path().join("cert.pem"),
            dir.path().join("certs/cert.pem"),
        )
        .ok()?;
        let rehash = Command::new("openssl")
            .args(["rehash"])
            .arg(dir.path().join("certs"))
            .status();
        if !rehash.is_ok_and(|s| s.success()) {
            return None;
        }
        let child = Command::new("openssl")
            .current_dir(dir.path())
            .args([
                "s_server", "-quiet", "-WWW", "-cert", "cert.pem", "-key", "key.pem",
            ])
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let server = TlsServer { child, port, dir };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if std::time::Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Some(server)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn tls_is_verified_and_ssl_cert_file_and_dir_are_honoured() {
    let Some(server) = TlsServer::start() else {
        eprintln!("skipping: `openssl` is not available to make a test certificate");
        return;
    };
    let dir = tempdir();
    write(dir.path(), "requirements.in", "app\n");
    let url = format!("https://127.0.0.1:{}/simple/", server.port);
    let attempt = |env: &[(&str, &Path)], extra: &[&str]| {
        let mut cmd = isolated(dir.path(), &url, None);
        cmd.args(["requirements.in", "-o", "-"]).args(extra);
        cmd.env_remove("SSL_CERT_FILE").env_remove("SSL_CERT_DIR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    };
    // Self-signed and not trusted: refused, with --native-tls too.
    for extra in [&[][..], &["--native-tls"][..]] {
        let r = attempt(&[], extra);
        r.assert_code(3);
        assert!(r.stderr.contains("certificate"), "{}", r.stderr);
        assert!(r.stderr.contains("SSL_CERT_FILE"), "{}", r.stderr);
        // Not retried: an untrusted certificate does not heal.
        assert!(r.stderr.contains("after 1 attempt(s)"), "{}", r.stderr);
    }
    // Trusted through SSL_CERT_FILE or SSL_CERT_DIR: the TLS handshake succeeds and the
    // server's answer (no such project: `openssl s_server -WWW` serves no index) is read.
    let cert = server.dir.path().join("cert.pem");
    let certs = server.dir.path().join("certs");
    for env in [
        [("SSL_CERT_FILE", cert.as_path())],
        [("SSL_CERT_DIR", certs.as_path())],
    ] {
        let r = attempt(&env, &[]);
        assert!(!r.stderr.contains("certificate"), "{env:?}: {}", r.stderr);
        assert_eq!(r.code, Some(1), "{env:?}: {}", r.stderr);
        assert!(r.stderr.contains("app"), "{}", r.stderr);
    }
}

// ---- hostile input found by fuzzing ----

/// Found by `fuzz/` (targets requirement, requirements_in, core_metadata, lock_txt):
/// pep508_rs 0.9.2 panics in `Cursor::slice` (cursor.rs:40, "byte index is not a char
/// boundary") on a `~=` marker comparison followed by a multi-byte character. lockit-types's
/// `catch_unwind` guard turns it into "not a valid requirement", but the default panic hook
/// has already printed `thread 'main' panicked at ...` (and a backtrace with
/// RUST_BACKTRACE) to stderr, from a requirements file or from any index's METADATA.
#[test]
fn a_requirement_that_panics_pep508_rs_prints_no_panic() {
    let hostile = "f;python_version~=\" \"\u{558f}";
    let index = serve(&scenario(SMALL));
    let dir = tempdir();
    write(dir.path(), "requirements.in", format!("{hostile}\n"));
    let r = run(isolated(dir.path(), &index.url(), None)
        .arg("requirements.in")
        .env_remove("RUST_BACKTRACE"));
    r.assert_code(2);
    assert!(r.stderr.contains("requirements.in:1"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);

    // The same line in a wheel's METADATA, from a local index: the version is unusable.
    let script = r#"
import sys, zipfile, os
root = sys.argv[1]
os.makedirs(os.path.join(root, "evil"), exist_ok=True)
whl = os.path.join(root, "evil", "evil-1.0-py3-none-any.whl")
with zipfile.ZipFile(whl, "w") as z:
    z.writestr("evil-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\nRequires-Dist: " + sys.argv[2] + "\n")
open(os.path.join(root, "evil", "index.html"), "w").write('<a href="evil-1.0-py3-none-any.whl">evil-1.0-py3-none-any.whl</a>')
"#;
    let local = dir.path().join("local-index");
    let made = python3(script, [local.as_os_str(), hostile.as_ref()]);
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping the METADATA half: python3 could not build the wheel");
        return;
    }
    write(dir.path(), "requirements.in", "evil\n");
    let url = format!("file://{}/", local.display());
    let r = run(isolated(dir.path(), &url, None)
        .arg("requirements.in")
        .env_remove("RUST_BACKTRACE"));
    r.assert_code(1);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// Found by `fuzz/` (target sdist): a pyproject.toml dependency like `foo. >=1` made
/// pep508_rs panic inside the index client, and lockit died with exit 101. Such a table is
/// not static metadata, so only a build could tell; `--no-build` keeps the test offline.
#[test]
fn regression_sdist_pyproject_that_panicked_pep508_rs() {
    let dir = tempdir();
    let links = dir.path().join("links");
    let script = r#"
import io, os, sys, tarfile
os.makedirs(sys.argv[1], exist_ok=True)
py = b'[project]\nname = "evil"\nversion = "1.0"\ndependencies = ["foo. >=1"]\n'
with tarfile.open(os.path.join(sys.argv[1], "evil-1.0.tar.gz"), "w:gz") as t:
    info = tarfile.TarInfo("evil-1.0/pyproject.toml"); info.size = len(py); t.addfile(info, io.BytesIO(py))
"#;
    let made = python3(script, [&links]);
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: python3 could not build the sdist");
        return;
    }
    let index = serve(&scenario(SMALL));
    write(dir.path(), "requirements.in", "evil\n");
    let r = run(isolated(dir.path(), &index.url(), None)
        .args(["requirements.in", "--no-build", "--find-links"])
        .arg(&links)
        .env_remove("RUST_BACKTRACE"));
    r.assert_code(1);
    assert!(
        r.stderr.contains(
            "evil has only an sdist whose metadata must be built, which --no-build forbids"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// METADATA whose `Requires-Python` is an RFC 2047 encoded word that is not UTF-8:
/// found by `fuzz/core_metadata` (minimized).
fn hostile_encoded_word_metadata(name: &str) -> Vec<u8> {
    let mut meta = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nRequires-Python:=?")
        .into_bytes();
    meta.extend([0x93; 13]);
    meta.extend([0xff; 36]);
    meta.extend([0x93; 7]);
    meta.extend(b"?GGGGGGGGGGGGGG??=\n");
    meta
}

/// python-pkginfo's RFC 2047 decoder (rfc2047-decoder 1.1.2, `EncodedWord`'s `Display`
/// unwraps `String::from_utf8`) panicked on such METADATA from any index and lockit died
/// (exit 101; an abort where the panic cannot unwind). The index client now parses
/// metadata that is not UTF-8 as lossy UTF-8.
#[test]
fn regression_metadata_with_a_non_utf8_encoded_word_does_not_crash() {
    let dir = tempdir();
    let local = dir.path().join("local-index");
    std::fs::create_dir_all(local.join("evil")).expect("index dir");
    let script = r#"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("evil-1.0.dist-info/METADATA", open(sys.argv[2], "rb").read())
"#;
    let meta = write(
        dir.path(),
        "METADATA",
        hostile_encoded_word_metadata("evil"),
    );
    let made = python3(
        script,
        [
            local.join("evil/evil-1.0-py3-none-any.whl").as_os_str(),
            meta.as_os_str(),
        ],
    );
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: python3 could not build the wheel");
        return;
    }
    write(
        &local,
        "evil/index.html",
        "<a href=\"evil-1.0-py3-none-any.whl\">evil-1.0-py3-none-any.whl</a>\n",
    );
    write(dir.path(), "requirements.in", "evil\n");
    let url = format!("file://{}/", local.display());
    let r = run(isolated(dir.path(), &url, None)
        .arg("requirements.in")
        .env_remove("RUST_BACKTRACE"));
    assert!(
        matches!(r.code, Some(0 | 1)),
        "exit {:?}\n{}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// The same bytes through lockit-types's public API still panic (lockit-types has no guard
/// around python-pkginfo; index-client's is the only one).
#[test]
fn core_metadata_parse_survives_a_non_utf8_encoded_word() {
    let meta = hostile_encoded_word_metadata("evil");
    let parsed = std::panic::catch_unwind(|| lockit_types::CoreMetadata::parse(&meta).is_ok());
    assert!(parsed.is_ok(), "CoreMetadata::parse panicked");
}

/// An index whose METADATA carries a marker that makes pep508_rs build a huge decision
/// diagram (0.7 s and 300 MB for this one, 2.6 GB at twice the size; found by fuzzing):
/// lockit refuses it quickly and
/// says why, instead of exhausting the machine's memory.
#[test]
fn a_huge_marker_in_index_metadata_is_refused_not_interned() {
    let machines: Vec<String> = (0..20).map(|m| format!("m{m}")).collect();
    let marker: Vec<String> = (0..128)
        .map(|i| {
            format!(
                "(sys_platform != 'b{i}' and platform_machine in '{} x{i}')",
                machines.join(" ")
            )
        })
        .collect();
    let s = common::scenario(&format!(
        "name = \"huge-marker\"\n[[packages]]\nname = \"evil\"\nversion = \"1.0\"\n\
         requires = [\"dep; {}\"]\n[[packages]]\nname = \"dep\"\nversion = \"1.0\"\n\
         [root]\nrequires = [\"evil\"]\n",
        marker.join(" or ")
    ));
    let index = common::serve(&s);
    let dir = tempdir();
    write(dir.path(), "requirements.in", "evil\n");
    let start = std::time::Instant::now();
    let r = common::resolve(dir.path(), &index.url(), ["requirements.in"]);
    assert!(
        matches!(r.code, Some(1 | 3)),
        "exit {:?}\n{}",
        r.code,
        r.stderr
    );
    assert!(r.stderr.contains("longer than 1024"), "{}", r.stderr);
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert!(!dir.path().join("requirements.txt").exists());
    // The message quotes the start of the value, not all 16 KB of it.
    assert!(r.stderr.len() < 4000, "{}", r.stderr);
}
