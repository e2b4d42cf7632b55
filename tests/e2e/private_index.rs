//! A real private index: `pypiserver` from PyPI, started here on 127.0.0.1 with basic auth
//! and a few wheels, as `--index-url`, with public PyPI as `--extra-index-url` (issue 15).
//! First-index safety holds, and credentials from the URL, netrc and the environment work
//! and never appear in output, lock or cache.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lockit_test_index::python::venv_with;

use crate::common::{files_under, lockit_cmd, pins, read, run, scenario, tempdir, write, Run};

const USER: &str = "alice";
const SECRET: &str = "s3cret-pw-7f2a";

/// The private packages: `acme-private` (needs `six`, which only PyPI has) and a private
/// `requests` that must win over PyPI's (dependency confusion).
const PRIVATE: &str = r#"
name = "private"
[[packages]]
name = "acme-private"
version = "1.0.0"
requires = ["six"]
[[packages]]
name = "requests"
version = "0.0.1"
"#;

/// A running pypiserver; stopped on drop.
struct PypiServer {
    child: Child,
    port: u16,
}

impl Drop for PypiServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl PypiServer {
    fn start(dir: &Path) -> PypiServer {
        let python = venv_with("pypiserver", &["pypiserver==2.4.2", "passlib==1.7.4"]);
        let packages = dir.join("packages");
        std::fs::create_dir_all(&packages).expect("mkdir");
        let built = scenario(PRIVATE).build().expect("build");
        for (name, bytes) in &built.files {
            if name.ends_with(".whl") {
                std::fs::write(packages.join(name), bytes).expect("write wheel");
            }
        }
        let htpasswd = dir.join("htpasswd.txt");
        let made = Command::new(&python)
            .arg("-c")
            .arg(format!(
                "from passlib.apache import HtpasswdFile\nh = HtpasswdFile({:?}, new=True)\nh.set_password({USER:?}, {SECRET:?})\nh.save()",
                htpasswd.display().to_string()
            ))
            .status()
            .expect("run passlib");
        assert!(made.success(), "htpasswd");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let server = python.with_file_name("pypi-server");
        let child = Command::new(server)
            .args(["run", "-i", "127.0.0.1", "-p", &port.to_string()])
            .args(["-a", "download,list", "-P"])
            .arg(&htpasswd)
            .arg(&packages)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pypi-server");
        let until = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "pypi-server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        PypiServer { child, port }
    }

    fn url(&self, creds: bool) -> String {
        let auth = if creds {
            format!("{USER}:{SECRET}@")
        } else {
            String::new()
        };
        format!("http://{auth}127.0.0.1:{}/simple/", self.port)
    }
}

/// Resolves `requirements.in` in `dir` with PyPI as the extra index.
fn lock(dir: &Path, index: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = lockit_cmd(dir);
    cmd.args(["resolve", "requirements.in", "-o", "requirements.txt"])
        .args([
            "--python-version",
            "3.12",
            "--python-platform",
            "x86_64-manylinux_2_28",
        ])
        .args([
            "--exclude-newer",
            "2026-11-01T00:00:00Z",
            "--cache-dir",
            "cache",
        ])
        .args(["--extra-index-url", "https://pypi.org/simple/"]);
    if let Some(url) = index {
        cmd.args(["--index-url", url]);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

fn assert_no_secret(dir: &Path, run: &Run) {
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "{}",
        run.stderr
    );
    for file in files_under(dir) {
        let name = file.display().to_string();
        assert!(!name.contains(SECRET), "{name}");
        if file
            .file_name()
            .is_some_and(|n| n == "htpasswd.txt" || n == ".netrc")
        {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "the secret is in {name}"
        );
    }
}

#[test]
fn pypiserver_with_basic_auth_first_index_wins_and_secrets_stay_out() {
    let dir = tempdir();
    let server = PypiServer::start(&dir.path().join("server"));
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("mkdir");
    write(&work, "requirements.in", "acme-private\nrequests\n");

    // Credentials in the URL.
    let with_url = lock(&work, Some(&server.url(true)), &[]);
    with_url.assert_ok();
    let got = pins(&read(&work.join("requirements.txt")));
    assert_eq!(got.get("acme-private").map(String::as_str), Some("1.0.0"));
    // The private index has `requests`, so PyPI's is never considered.
    assert_eq!(got.get("requests").map(String::as_str), Some("0.0.1"));
    assert!(got.contains_key("six"), "six comes from PyPI: {got:?}");
    assert_no_secret(&work, &with_url);

    // From netrc, with a URL that carries none.
    let netrc = write(
        dir.path(),
        ".netrc",
        format!("machine 127.0.0.1 login {USER} password {SECRET}\n"),
    );
    std::fs::remove_dir_all(work.join("cache")).expect("fresh cache");
    let netrc = netrc.display().to_string();
    let with_netrc = lock(&work, Some(&server.url(false)), &[("NETRC", &netrc)]);
    with_netrc.assert_ok();
    assert_no_secret(&work, &with_netrc);

    // From the environment.
    let url = server.url(true);
    let with_env = lock(&work, None, &[("LOCKIT_INDEX_URL", &url)]);
    with_env.assert_ok();
    assert_no_secret(&work, &with_env);

    // Without credentials: a network failure naming the index, not a silent fallback to PyPI.
    std::fs::remove_dir_all(work.join("cache")).expect("fresh cache");
    let refused = lock(&work, Some(&server.url(false)), &[("NETRC", "/dev/null")]);
    refused.assert_code(3);
    assert!(refused.stderr.contains("127.0.0.1"), "{}", refused.stderr);
    assert!(refused.stderr.contains("401"), "{}", refused.stderr);
}
