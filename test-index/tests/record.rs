//! The recording proxy against a scenario index standing in for PyPI, then the replay.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use lockit_test_index::{sha256_hex, RecordOptions, Scenario, TestIndex};

const JSON: &str = "application/vnd.pypi.simple.v1+json";

fn scenario(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    Scenario::load(&path).unwrap()
}

fn client() -> (tokio::runtime::Runtime, reqwest::Client) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = {
        let _g = rt.enter();
        reqwest::Client::builder().no_proxy().build().unwrap()
    };
    (rt, client)
}

fn fetch(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    url: &str,
    accept: Option<&str>,
) -> (u16, Vec<u8>) {
    rt.block_on(async {
        let mut req = client.get(url);
        if let Some(a) = accept {
            req = req.header("Accept", a);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.bytes().await.unwrap().to_vec())
    })
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn records_then_replays_offline() {
    let upstream = TestIndex::serve_scenario(&scenario("prerelease")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (rt, client) = client();
    let wheel = "engine-2.0.0b1-py3-none-any.whl";
    let (recorded_page, metadata) = {
        let recorder = TestIndex::record(&RecordOptions {
            // The forced-JSON variant checks that the recorder asks for PEP 691 itself.
            upstream: upstream.json_url(),
            out: out.path().to_path_buf(),
            exclude_newer: Some("2025-01-01T00:00:00Z".into()),
            port: 0,
        })
        .unwrap();
        let (status, page) = fetch(
            &rt,
            &client,
            &format!("{}engine/", recorder.url()),
            Some(JSON),
        );
        assert_eq!(status, 200);
        let page = json(&page);
        // The rc was uploaded after --exclude-newer.
        assert_eq!(page["versions"], serde_json::json!(["1.9.0", "2.0.0b1"]));
        let url = page["files"][1]["url"].as_str().unwrap().to_string();
        assert_eq!(url, format!("{}/files/{wheel}", recorder.base_url()));
        let (status, metadata) = fetch(&rt, &client, &format!("{url}.metadata"), None);
        assert_eq!(status, 200);
        assert_eq!(
            page["files"][1]["core-metadata"]["sha256"],
            sha256_hex(&metadata)
        );
        let (status, html) = fetch(
            &rt,
            &client,
            &format!("{}plugin/", recorder.html_url()),
            None,
        );
        assert_eq!(status, 200);
        assert!(String::from_utf8(html)
            .unwrap()
            .contains("plugin-0.1.0-py3-none-any.whl"));
        let (status, _) = fetch(&rt, &client, &format!("{}missing/", recorder.url()), None);
        assert_eq!(status, 404);
        // A file the page does not list (it was excluded) cannot be fetched through the proxy.
        let (status, _) = fetch(
            &rt,
            &client,
            &format!(
                "{}/files/engine-2.0.0rc1-py3-none-any.whl",
                recorder.base_url()
            ),
            None,
        );
        assert_eq!(status, 404);
        // Range requests on a non-recorded wheel fetch it whole once, then slice.
        let whl = "plugin-0.1.0-py3-none-any.whl";
        let resp = rt.block_on(
            client
                .get(format!("{}/files/{whl}", recorder.base_url()))
                .header("Range", "bytes=-10")
                .send(),
        );
        assert_eq!(resp.unwrap().status(), 206);
        assert!(out.path().join("files").join(whl).is_file());
        (page, metadata)
    };

    // The fixture layout.
    let stored = std::fs::read_to_string(out.path().join("simple/engine.json")).unwrap();
    assert!(
        stored.contains(&format!("\"url\":\"../files/{wheel}\"")),
        "{stored}"
    );
    assert_eq!(stored.lines().count(), 4, "one line per file: {stored}");
    assert_eq!(
        std::fs::read(out.path().join(format!("files/{wheel}.metadata"))).unwrap(),
        metadata
    );
    assert!(!out.path().join(format!("files/{wheel}")).exists());

    // Replay without the upstream.
    let upstream_hashes = {
        let (_, p) = fetch(
            &rt,
            &client,
            &format!("{}engine/", upstream.json_url()),
            None,
        );
        json(&p)["files"][1]["hashes"].clone()
    };
    drop(upstream);
    let replay = TestIndex::serve_recorded(out.path()).unwrap();
    let (status, page) = fetch(
        &rt,
        &client,
        &format!("{}engine/", replay.url()),
        Some(JSON),
    );
    assert_eq!(status, 200);
    let page = json(&page);
    assert_eq!(page["files"][1]["hashes"], upstream_hashes);
    assert_eq!(page["files"], {
        // Same listing as during recording, apart from the server's address.
        let text = recorded_page["files"]
            .to_string()
            .replace(&url_base(&recorded_page), &replay.base_url());
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    });
    let (status, replayed) = fetch(
        &rt,
        &client,
        &format!("{}/files/{wheel}.metadata", replay.base_url()),
        None,
    );
    assert_eq!((status, replayed), (200, metadata));
    let (status, html) = fetch(&rt, &client, &format!("{}engine/", replay.html_url()), None);
    assert_eq!(status, 200);
    assert!(String::from_utf8(html)
        .unwrap()
        .contains("data-requires-python=\"&gt;=3.10\""));
    let (status, root) = fetch(&rt, &client, &replay.json_url(), None);
    assert_eq!(status, 200);
    assert_eq!(
        json(&root)["projects"],
        serde_json::json!([{"name": "engine"}, {"name": "plugin"}])
    );
    let log = replay.requests();
    assert!(log.iter().all(|r| r.status == 200), "{log:?}");
}

fn url_base(page: &serde_json::Value) -> String {
    let url = page["files"][0]["url"].as_str().unwrap();
    url[..url.find("/files/").unwrap()].to_string()
}

#[test]
fn recording_is_deterministic() {
    let upstream = TestIndex::serve_scenario(&scenario("simple-chain")).unwrap();
    let (rt, client) = client();
    let mut pages = Vec::new();
    for _ in 0..2 {
        let out = tempfile::tempdir().unwrap();
        let recorder = TestIndex::record(&RecordOptions {
            upstream: upstream.url(),
            out: out.path().to_path_buf(),
            exclude_newer: None,
            port: 0,
        })
        .unwrap();
        let (status, _) = fetch(&rt, &client, &format!("{}b/", recorder.url()), Some(JSON));
        assert_eq!(status, 200);
        drop(recorder);
        pages.push(std::fs::read(out.path().join("simple/b.json")).unwrap());
    }
    assert_eq!(pages[0], pages[1]);
}

#[test]
fn serve_recorded_rejects_non_fixture_dirs() {
    let dir = tempfile::tempdir().unwrap();
    let err = TestIndex::serve_recorded(dir.path()).unwrap_err();
    assert!(err.to_string().contains("simple/"), "{err}");
}

#[test]
fn slimming_replaces_recorded_wheels_by_their_metadata() {
    let upstream = TestIndex::serve_scenario(&scenario("prerelease")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (rt, client) = client();
    // The one wheel the scenario serves without PEP 658 metadata.
    let whl = "engine-2.0.0rc1-py3-none-any.whl";
    let entry = |page: &serde_json::Value| -> serde_json::Value {
        page["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["filename"] == whl)
            .cloned()
            .unwrap()
    };
    {
        let recorder = TestIndex::record(&RecordOptions {
            upstream: upstream.url(),
            out: out.path().to_path_buf(),
            exclude_newer: None,
            port: 0,
        })
        .unwrap();
        let (status, page) = fetch(
            &rt,
            &client,
            &format!("{}engine/", recorder.url()),
            Some(JSON),
        );
        assert_eq!(status, 200);
        assert!(entry(&json(&page)).get("core-metadata").is_none());
        // What lockit does without PEP 658 metadata: read the wheel's tail.
        let resp = rt.block_on(
            client
                .get(format!("{}/files/{whl}", recorder.base_url()))
                .header("Range", "bytes=-10")
                .send(),
        );
        assert_eq!(resp.unwrap().status(), 206);
    }
    let wheel = out.path().join("files").join(whl);
    assert!(wheel.is_file());
    let done = lockit_test_index::slim(out.path()).unwrap();
    assert_eq!(done.wheels, 1);
    assert!(!wheel.exists());
    let metadata = std::fs::read(out.path().join(format!("files/{whl}.metadata"))).unwrap();
    let text = String::from_utf8(metadata.clone()).unwrap();
    assert!(
        text.starts_with("Metadata-Version: ") && text.contains("Name: engine"),
        "{text}"
    );
    // Slimming twice changes nothing.
    assert_eq!(lockit_test_index::slim(out.path()).unwrap().wheels, 0);

    drop(upstream);
    let replay = TestIndex::serve_recorded(out.path()).unwrap();
    let (_, page) = fetch(
        &rt,
        &client,
        &format!("{}engine/", replay.url()),
        Some(JSON),
    );
    assert_eq!(
        entry(&json(&page))["core-metadata"]["sha256"],
        sha256_hex(&metadata)
    );
    let (status, served) = fetch(
        &rt,
        &client,
        &format!("{}/files/{whl}.metadata", replay.base_url()),
        None,
    );
    assert_eq!((status, served), (200, metadata));
}
