//! The server against a plain HTTP/1.1 client (std TcpStream) and against reqwest.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read, Write};
use std::net::TcpStream;
use std::path::Path;

use lockit_test_index::{sha256_hex, Fault, Scenario, TestIndex};

const JSON: &str = "application/vnd.pypi.simple.v1+json";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// One request on a fresh connection with `Connection: close`; reads to EOF.
fn request(index: &TestIndex, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut s = TcpStream::connect(index.addr()).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        index.addr()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse_reply(&raw, method == "HEAD")
}

fn parse_reply(raw: &[u8], head_only: bool) -> Reply {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| l.split_once(':').unwrap())
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let body = raw[end + 4..].to_vec();
    let reply = Reply {
        status,
        headers,
        body,
    };
    if !head_only {
        let len: usize = reply.header("content-length").unwrap().parse().unwrap();
        assert_eq!(reply.body.len(), len, "body length matches Content-Length");
    }
    reply
}

fn get(index: &TestIndex, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(index, "GET", path, headers)
}

fn scenario(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    Scenario::load(&path).unwrap()
}

fn wheel_of<'a>(page: &'a serde_json::Value, filename: &str) -> &'a serde_json::Value {
    page["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["filename"] == filename)
        .unwrap()
}

#[test]
fn index_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<TestIndex>();
}

#[test]
fn example_scenarios_load_and_build() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let s = Scenario::load(&path).unwrap();
        let built = s.build().unwrap();
        let expected = s.expected.as_ref().unwrap();
        for name in expected.packages.keys() {
            assert!(built.projects.contains_key(name), "{}: {name}", s.name);
        }
        n += 1;
    }
    assert!(n >= 4);
}

#[test]
fn negotiates_json_and_html() {
    let index = TestIndex::serve_scenario(&scenario("simple-chain")).unwrap();
    let json = get(&index, "/simple/b/", &[("Accept", JSON)]);
    assert_eq!(json.status, 200);
    assert_eq!(json.header("content-type"), Some(JSON));
    assert_eq!(json.header("vary"), Some("Accept"));
    let page = json.json();
    assert_eq!(page["name"], "b");
    assert_eq!(page["meta"]["api-version"], "1.1");
    assert_eq!(page["versions"], serde_json::json!(["1.0.0", "2.0.0"]));
    let files = page["files"].as_array().unwrap();
    assert_eq!(files.len(), 3, "two wheels and one sdist");
    let whl = wheel_of(&page, "b-2.0.0-py3-none-any.whl");
    assert_eq!(
        whl["url"],
        format!("{}/files/b-2.0.0-py3-none-any.whl", index.base_url())
    );
    assert_eq!(whl["yanked"], false);
    assert_eq!(whl["upload-time"], "2024-01-01T00:00:00Z");
    assert!(whl["size"].as_u64().unwrap() > 0);
    assert!(whl["core-metadata"]["sha256"].is_string());
    let sdist = wheel_of(&page, "b-2.0.0.tar.gz");
    assert!(sdist.get("core-metadata").is_none());

    let html = get(&index, "/simple/b/", &[]);
    assert_eq!(html.status, 200);
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = html.text();
    let sha = whl["hashes"]["sha256"].as_str().unwrap();
    let meta = whl["core-metadata"]["sha256"].as_str().unwrap();
    assert!(text.contains(&format!(
        "href=\"{}/files/b-2.0.0-py3-none-any.whl#sha256={sha}\"",
        index.base_url()
    )));
    assert!(text.contains(&format!("data-core-metadata=\"sha256={meta}\"")));

    // Forced variants ignore Accept.
    let forced = get(&index, "/json/simple/b/", &[("Accept", "text/html")]);
    assert_eq!(forced.header("content-type"), Some(JSON));
    assert_eq!(forced.json(), page);
    let forced = get(&index, "/html/simple/b/", &[("Accept", JSON)]);
    assert_eq!(forced.text(), text);
    assert!(forced.header("vary").is_none());

    let root = get(&index, "/simple/", &[("Accept", JSON)]).json();
    assert_eq!(
        root["projects"],
        serde_json::json!([{"name": "a"}, {"name": "b"}, {"name": "c"}])
    );
    assert!(get(&index, "/html/simple/", &[])
        .text()
        .contains("<a href=\"/html/simple/c/\">c</a>"));
}

#[test]
fn html_carries_yanks_and_requires_python() {
    let index = TestIndex::serve_scenario(&scenario("yanked")).unwrap();
    let html = get(&index, "/html/simple/lib/", &[]).text();
    assert!(html.contains("data-yanked=\"broken wheel: imports fail on 3.12\""));
    let json = get(&index, "/json/simple/lib/", &[]).json();
    let yanked = wheel_of(&json, "lib-1.1.0-py3-none-any.whl");
    assert_eq!(yanked["yanked"], "broken wheel: imports fail on 3.12");
    assert_eq!(yanked["upload-time"], "2024-02-01T00:00:00Z");
    let pinned = get(&index, "/json/simple/pinned/", &[]).json();
    assert_eq!(pinned["files"][0]["yanked"], true);
    assert!(get(&index, "/html/simple/pinned/", &[])
        .text()
        .contains("data-yanked=\"\""));

    let index = TestIndex::serve_scenario(&scenario("extras")).unwrap();
    let html = get(&index, "/html/simple/web-framework/", &[]).text();
    assert!(html.contains("data-requires-python=\"&gt;=3.9\""), "{html}");
    let json = get(&index, "/json/simple/web-framework/", &[]).json();
    assert_eq!(json["files"][0]["requires-python"], ">=3.9");
}

#[test]
fn unknown_projects_404_and_names_redirect() {
    let index = TestIndex::serve_scenario(&scenario("extras")).unwrap();
    assert_eq!(get(&index, "/simple/nope/", &[]).status, 404);
    assert_eq!(
        get(&index, "/files/nope-1.0-py3-none-any.whl", &[]).status,
        404
    );
    assert_eq!(get(&index, "/elsewhere", &[]).status, 404);
    let r = get(&index, "/simple/Web_Framework/", &[]);
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/simple/web-framework/"));
    let r = get(&index, "/json/simple/routing", &[]);
    assert_eq!(r.header("location"), Some("/json/simple/routing/"));
    assert_eq!(request(&index, "POST", "/simple/", &[]).status, 405);
}

#[test]
fn files_metadata_and_ranges() {
    let s = scenario("simple-chain");
    let built = s.build().unwrap();
    let index = TestIndex::serve_scenario(&s).unwrap();
    let name = "a-2.0.0-py3-none-any.whl";
    let full = get(&index, &format!("/files/{name}"), &[]);
    assert_eq!(full.status, 200);
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    assert_eq!(sha256_hex(&full.body), built.sha256(name).unwrap());
    let len = full.body.len();

    let head = request(&index, "HEAD", &format!("/files/{name}"), &[]);
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(len.to_string().as_str())
    );
    assert!(head.body.is_empty());

    let tail = get(&index, &format!("/files/{name}"), &[("Range", "bytes=-22")]);
    assert_eq!(tail.status, 206);
    assert_eq!(&tail.body[..], &full.body[len - 22..]);
    assert_eq!(
        tail.header("content-range"),
        Some(format!("bytes {}-{}/{len}", len - 22, len - 1).as_str())
    );
    let mid = get(
        &index,
        &format!("/files/{name}"),
        &[("Range", "bytes=10-19")],
    );
    assert_eq!(mid.status, 206);
    assert_eq!(&mid.body[..], &full.body[10..20]);
    let bad = get(
        &index,
        &format!("/files/{name}"),
        &[("Range", &format!("bytes={len}-"))],
    );
    assert_eq!(bad.status, 416);
    assert_eq!(
        bad.header("content-range"),
        Some(format!("bytes */{len}").as_str())
    );

    index.set_ignore_ranges(true);
    let ignored = get(&index, &format!("/files/{name}"), &[("Range", "bytes=-22")]);
    assert_eq!(ignored.status, 200);
    assert_eq!(ignored.body, full.body);
    assert_eq!(ignored.header("accept-ranges"), Some("none"));
    index.set_ignore_ranges(false);

    let meta = get(&index, &format!("/files/{name}.metadata"), &[]);
    assert_eq!(meta.status, 200);
    let parsed = lockit_types::CoreMetadata::parse(&meta.body).unwrap();
    assert_eq!(parsed.requires_dist[0].to_string(), "b>=2");
    let page = get(&index, "/json/simple/a/", &[]).json();
    assert_eq!(
        wheel_of(&page, name)["core-metadata"]["sha256"],
        sha256_hex(&meta.body)
    );

    // The served wheel is a zip whose METADATA is the .metadata file.
    let mut zip = zip::ZipArchive::new(Cursor::new(full.body)).unwrap();
    let mut inner = Vec::new();
    zip.by_name("a-2.0.0.dist-info/METADATA")
        .unwrap()
        .read_to_end(&mut inner)
        .unwrap();
    assert_eq!(inner, meta.body);

    let sdist = get(&index, "/files/b-2.0.0.tar.gz", &[]);
    assert_eq!(
        sha256_hex(&sdist.body),
        built.sha256("b-2.0.0.tar.gz").unwrap()
    );
    assert_eq!(
        get(&index, "/files/b-2.0.0.tar.gz.metadata", &[]).status,
        404
    );
}

#[test]
fn metadata_file_can_be_left_out() {
    let index = TestIndex::serve_scenario(&scenario("prerelease")).unwrap();
    let page = get(&index, "/json/simple/engine/", &[]).json();
    let rc = wheel_of(&page, "engine-2.0.0rc1-py3-none-any.whl");
    assert!(rc.get("core-metadata").is_none());
    assert_eq!(
        get(
            &index,
            "/files/engine-2.0.0rc1-py3-none-any.whl.metadata",
            &[]
        )
        .status,
        404
    );
    assert_eq!(
        page["versions"],
        serde_json::json!(["1.9.0", "2.0.0b1", "2.0.0rc1"])
    );
}

#[test]
fn same_scenario_same_hashes() {
    let s = scenario("extras");
    let a = TestIndex::serve_scenario(&s).unwrap();
    let b = TestIndex::serve_scenario(&s).unwrap();
    let hashes = |index: &TestIndex| {
        let page = get(index, "/json/simple/fast-json/", &[]).json();
        page["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["filename"].clone(),
                    f["hashes"].clone(),
                    f["core-metadata"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(hashes(&a), hashes(&b));
    assert_eq!(hashes(&a).len(), 4);
}

#[test]
fn logs_requests() {
    let index = TestIndex::serve_scenario(&scenario("simple-chain")).unwrap();
    get(&index, "/simple/a/", &[("Accept", JSON)]);
    get(
        &index,
        "/files/a-1.0.0-py3-none-any.whl",
        &[("Range", "bytes=-100")],
    );
    get(&index, "/files/a-1.0.0-py3-none-any.whl.metadata", &[]);
    let log = index.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].url, "/simple/a/");
    assert_eq!(log[0].accept.as_deref(), Some(JSON));
    assert_eq!(log[1].range.as_deref(), Some("bytes=-100"));
    assert_eq!(log[1].status, 206);
    assert_eq!(log[2].path, "/files/a-1.0.0-py3-none-any.whl.metadata");
    index.clear_requests();
    assert!(index.requests().is_empty());
}

#[test]
fn faults() {
    let index = TestIndex::serve_scenario(&scenario("simple-chain")).unwrap();
    index.inject_times("/simple/a/", Fault::Status(503), 1);
    assert_eq!(get(&index, "/simple/a/", &[]).status, 503);
    assert_eq!(get(&index, "/simple/a/", &[]).status, 200);

    index.inject_times(
        "/simple/*",
        Fault::RetryAfter {
            status: 429,
            seconds: 7,
        },
        1,
    );
    let r = get(&index, "/simple/b/", &[]);
    assert_eq!((r.status, r.header("retry-after")), (429, Some("7")));

    // Drop: the connection closes with no bytes.
    index.inject_times("/simple/c/", Fault::Drop, 1);
    let mut s = TcpStream::connect(index.addr()).unwrap();
    s.write_all(b"GET /simple/c/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(raw.is_empty());

    // Truncate: Content-Length promises more than arrives.
    let name = "c-2.0.0-py3-none-any.whl";
    index.inject_times(&format!("/files/{name}"), Fault::Truncate, 1);
    let mut s = TcpStream::connect(index.addr()).unwrap();
    s.write_all(format!("GET /files/{name} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
    let promised: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(raw.len() - end - 4, promised / 2);

    index.inject_times(&format!("/files/{name}"), Fault::Corrupt, 1);
    let bad = get(&index, &format!("/files/{name}"), &[]);
    let good = get(&index, &format!("/files/{name}"), &[]);
    assert_eq!(bad.body.len(), good.body.len());
    assert_ne!(sha256_hex(&bad.body), sha256_hex(&good.body));

    index.inject("/json/simple/a/", Fault::Body(b"{not json".to_vec()));
    assert_eq!(get(&index, "/json/simple/a/", &[]).body, b"{not json");
    index.inject("/simple/loop/", Fault::Redirect("/simple/loop/".into()));
    let r = get(&index, "/simple/loop/", &[]);
    assert_eq!(
        (r.status, r.header("location")),
        (302, Some("/simple/loop/"))
    );
    index.clear_faults();
    assert!(get(&index, "/json/simple/a/", &[]).json().is_object());

    index.inject_times(
        "/simple/a/",
        Fault::Delay(std::time::Duration::from_millis(150)),
        1,
    );
    let t = std::time::Instant::now();
    assert_eq!(get(&index, "/simple/a/", &[]).status, 200);
    assert!(t.elapsed() >= std::time::Duration::from_millis(150));
    let statuses: Vec<u16> = index.requests().iter().map(|r| r.status).collect();
    assert!(
        statuses.contains(&0),
        "dropped requests are logged with status 0"
    );
}

#[test]
fn reqwest_keep_alive_and_concurrency() {
    let index = TestIndex::serve_scenario(&scenario("extras")).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = index.url();
    let base = index.base_url();
    rt.block_on(async move {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let mut tasks = Vec::new();
        for i in 0..40 {
            let client = client.clone();
            let url = url.clone();
            let base = base.clone();
            tasks.push(tokio::spawn(async move {
                let name = ["web-framework", "routing", "fast-json", "docs-theme"][i % 4];
                let body = client
                    .get(format!("{url}{name}/"))
                    .header("Accept", JSON)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
                let file = page["files"][0]["filename"].as_str().unwrap().to_string();
                let resp = client
                    .get(format!("{base}/files/{file}"))
                    .header("Range", "bytes=-30")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 206);
                assert_eq!(resp.bytes().await.unwrap().len(), 30);
                // Redirects to the normalized name are followed.
                let resp = client
                    .get(format!("{url}{}", name.to_uppercase()))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
                assert!(resp.url().path().ends_with(&format!("/{name}/")));
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
    assert_eq!(index.requests().len(), 40 * 4);
    // Dropping the index with idle pooled connections still open must not hang.
    drop(index);
}
