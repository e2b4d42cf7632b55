use std::str::FromStr;

use proptest::prelude::*;

use super::*;

fn name(s: &str) -> PackageName {
    PackageName::from_str(s).expect("valid name")
}

fn version(s: &str) -> Version {
    Version::from_str(s).expect("valid version")
}

fn pkg(n: &str, v: &str, hashes: &[&str], via: Vec<Via>) -> LockedPackage {
    LockedPackage {
        name: name(n),
        version: version(v),
        extras: Vec::new(),
        hashes: hashes.iter().map(|h| h.to_string()).collect(),
        via,
        marker: None,
        url: None,
        editable: None,
    }
}

fn h(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

fn flask_lock(header: Option<Header>) -> Lock {
    let (a, b, c, d) = (h('a'), h('b'), h('c'), h('d'));
    let mut colorama = pkg(
        "colorama",
        "0.4.6",
        &[&d],
        vec![Via::Package(name("click"))],
    );
    colorama.marker = Some("platform_system == \"Windows\"".to_string());
    let mut local = pkg(
        "mypkg",
        "1.0",
        &[],
        vec![Via::Input("requirements.in".into())],
    );
    local.url = Some("https://example.org/mypkg-1.0-py3-none-any.whl".to_string());
    Lock {
        header,
        // Deliberately unsorted, with duplicate hashes and reasons.
        packages: vec![
            pkg(
                "Flask",
                "3.1.0",
                &[&b, &a, &b],
                vec![Via::Input("requirements.in".into())],
            ),
            pkg(
                "click",
                "8.1.7",
                &[&c],
                vec![
                    Via::Package(name("flask")),
                    Via::Input("requirements.in".into()),
                    Via::Constraint("constraints.txt".into()),
                    Via::Package(name("black")),
                    Via::Package(name("flask")),
                ],
            ),
            colorama,
            local,
            pkg(
                "blinker",
                "1.9.0",
                &[&a, &c],
                vec![Via::Package(name("flask"))],
            ),
            pkg("zipp", "3.21.0", &[], vec![]),
        ],
        style: Default::default(),
    }
}

#[test]
fn pip_compile_styles_no_annotate_line_annotations_and_index_urls() {
    let mut lock = flask_lock(None);
    lock.style.no_annotate = true;
    let bare = render(&lock);
    assert!(!bare.contains("# via"), "{bare}");
    lock.style = LockStyle {
        line_annotations: true,
        index_urls: vec![
            "https://a.example/simple".into(),
            "https://b.example/simple".into(),
        ],
        ..Default::default()
    };
    let text = render(&lock);
    assert!(
        text.starts_with(
            "--index-url https://a.example/simple\n--extra-index-url https://b.example/simple\n\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  # via -c constraints.txt, -r requirements.in, black, flask\n"),
        "{text}"
    );
    let parsed = parse_lock(&text).expect("parses back");
    assert_eq!(parsed.pins.len(), lock.packages.len());
    assert_eq!(
        parsed.index_url.as_deref(),
        Some("https://a.example/simple")
    );
}

fn header() -> Header {
    Header {
        python: "3.12".into(),
        command: "lockit resolve requirements.in --generate-hashes -o requirements.txt".into(),
        recorded: Vec::new(),
    }
}

/// A header recording a target, two indexes (one with credentials) and a cutoff.
fn recording_header() -> Header {
    let mut h = Header::new("3.11".into(), ["resolve".to_string(), "np.in".to_string()]);
    h.record("python", "3.11.9");
    h.record("platform", "x86_64-manylinux_2_28");
    h.record("index-url", "https://user:secret@private.example/simple/");
    h.record("index-url", "https://pypi.org/simple/");
    h.record("exclude-newer", "2026-11-01T00:00:00Z");
    h
}

#[test]
fn recorded_settings_are_written_without_credentials_and_read_back() {
    let header = recording_header();
    let want = vec![
        ("python".to_string(), "3.11.9".to_string()),
        ("platform".to_string(), "x86_64-manylinux_2_28".to_string()),
        (
            "index-url".to_string(),
            "https://private.example/simple/".to_string(),
        ),
        (
            "index-url".to_string(),
            "https://pypi.org/simple/".to_string(),
        ),
        (
            "exclude-newer".to_string(),
            "2026-11-01T00:00:00Z".to_string(),
        ),
    ];
    assert_eq!(header.recorded, want);
    let text = render(&Lock {
        header: Some(header.clone()),
        packages: vec![],
        style: Default::default(),
    });
    assert!(!text.contains("secret"), "{text}");
    let parsed = parse_lock(&text).expect("parses");
    assert_eq!(parsed.recorded, want, "{text}");
    assert_eq!(parsed.command.as_deref(), Some("lockit resolve np.in"));
    let pylock = crate::render_pylock(&crate::Pylock {
        header: Some(header),
        requires_python: Some(">=3.11".into()),
        packages: vec![],
    });
    let parsed = crate::parse_pylock(&pylock).expect("parses");
    assert_eq!(parsed.recorded, want, "{pylock}");
}

#[test]
fn renders_like_pip_compile() {
    insta::assert_snapshot!(render(&flask_lock(Some(header()))));
}

/// `--no-strip-extras` writes each pin's extras, sorted, on index and URL pins alike;
/// without it they are left out.
#[test]
fn extras_are_written_only_when_kept() {
    let mut lock = flask_lock(None);
    for p in &mut lock.packages {
        p.extras = vec![
            ExtraName::from_str("socks").expect("extra"),
            ExtraName::from_str("async").expect("extra"),
        ];
    }
    let stripped = render(&lock);
    assert!(stripped.contains("\nflask==3.1.0 \\\n"), "{stripped}");
    assert!(!stripped.contains('['), "{stripped}");
    lock.style.extras = true;
    let kept = render(&lock);
    assert!(kept.contains("\nflask[async,socks]==3.1.0 \\\n"), "{kept}");
    assert!(
        kept.contains("\nmypkg[async,socks] @ https://example.org/mypkg-1.0-py3-none-any.whl"),
        "{kept}"
    );
    let parsed = parse_lock(&kept).expect("parses");
    assert_eq!(parsed.pins.len(), lock.packages.len());
}

#[test]
fn renders_without_header_or_hashes() {
    let mut lock = flask_lock(None);
    for p in &mut lock.packages {
        p.hashes.clear();
    }
    insta::assert_snapshot!(render(&lock));
}

#[test]
fn empty_lock_is_just_the_header() {
    let lock = Lock {
        header: Some(header()),
        packages: vec![],
        style: Default::default(),
    };
    insta::assert_snapshot!(render(&lock));
    let lock = Lock {
        header: None,
        packages: vec![],
        style: Default::default(),
    };
    assert_eq!(render(&lock), "");
}

#[test]
fn a_newline_in_the_command_cannot_escape_the_comment() {
    let lock = Lock {
        header: Some(Header {
            python: "3.12".into(),
            command: "lockit resolve 'a\nevil==1'".into(),
            recorded: vec![("python".into(), "3.12\nevil==2".into())],
        }),
        packages: vec![],
        style: Default::default(),
    };
    let parsed = parse_lock(&render(&lock)).expect("parses");
    assert!(parsed.pins.is_empty());
}

#[test]
fn pip_compile_output_reads_back() {
    let text = r#"#
# This file is autogenerated by pip-compile with Python 3.12
# by the following command:
#
#    pip-compile --generate-hashes requirements.in
#
--index-url https://pypi.example/simple
--extra-index-url https://extra.example/simple

blinker==1.9.0 \
    --hash=sha256:aaaa \
    --hash=sha256:bbbb
    # via flask
click==8.1.7 \
    --hash=sha256:cccc
    # via
    #   -r requirements.in
    #   black
    #   flask
colorama==0.4.6 ; platform_system == "Windows"
    # via click
Flask==3.1.0
    # via -r requirements.in
mypkg @ https://example.org/mypkg-1.0-py3-none-any.whl#sha256=dddd
    # via -r requirements.in
six===1.16.0  # legacy

# The following packages are considered to be unsafe in a requirements file:
# setuptools
"#;
    let lock = parse_lock(text).expect("parses");
    assert_eq!(
        lock.index_url.as_deref(),
        Some("https://pypi.example/simple")
    );
    assert_eq!(lock.extra_index_urls, ["https://extra.example/simple"]);
    let summary: Vec<String> = lock
        .pins
        .iter()
        .map(|p| {
            format!(
                "{}:{} {} {} {:?} {:?} {:?}",
                p.line,
                p.name,
                p.version
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                p.url.as_deref().unwrap_or("-"),
                p.marker,
                p.hashes,
                p.via
            )
        })
        .collect();
    insta::assert_debug_snapshot!(summary);
}

/// Editable local projects are read back with their lines (they have no name or hash).
#[test]
fn editable_lines_are_read_back() {
    let lock = parse_lock("-e ./app\n    # via -r r.in\nflask==3.0 \\\n    --hash=sha256:aa\n")
        .expect("parses");
    assert_eq!(lock.editables, [("./app".to_string(), 1)]);
    assert_eq!(lock.pins.len(), 1);
    assert_eq!(lock.pins[0].line, 3);
}

#[test]
fn bad_locks() {
    for (text, line, needle) in [
        ("flask>=3", 1, "expected an exact pin"),
        ("\n\nflask", 3, "expected an exact pin"),
        ("flask==3.*", 1, "expected an exact pin"),
        ("flask==3 --index-url x", 1, "cannot follow a pin"),
        ("--hash=sha256:aa", 1, "without a pin"),
        ("-r other.txt", 1, "unexpected option `-r`"),
        ("flask==3 \\\n  --hash", 1, "expects a value"),
        ("flask==3 stray", 1, "`stray`"),
        ("fla sk==3", 1, "expected"),
        ("b. ==1", 1, "must end with an alphanumeric"),
    ] {
        let e = parse_lock(text).expect_err(text);
        assert_eq!(e.line, line, "{text:?}: {e}");
        assert!(e.message.contains(needle), "{text:?}: {e}");
    }
}

#[test]
fn lock_error_message() {
    let e = parse_lock("a==1\nflask>=3 \\\n    --hash=sha256:aa\n").expect_err("not a pin");
    insta::assert_snapshot!(e.to_string());
}

fn arb_name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9]{0,6}([-_.][A-Za-z0-9]{1,3})?"
}

fn arb_version() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(0u32..200, 1..4),
        proptest::option::of(prop_oneof![
            Just("a1"),
            Just("rc2"),
            Just(".post1"),
            Just(".dev3")
        ]),
    )
        .prop_map(|(parts, suffix)| {
            let release: Vec<String> = parts.iter().map(ToString::to_string).collect();
            format!("{}{}", release.join("."), suffix.unwrap_or(""))
        })
}

fn arb_via() -> impl Strategy<Value = Via> {
    prop_oneof![
        "[a-z]{1,6}(/[a-z]{1,6})?\\.in".prop_map(Via::Input),
        "[a-z]{1,6}\\.txt".prop_map(Via::Constraint),
        arb_name().prop_map(|n| Via::Package(name(&n))),
    ]
}

fn arb_package() -> impl Strategy<Value = LockedPackage> {
    (
        arb_name(),
        arb_version(),
        proptest::collection::vec("[0-9a-f]{64}", 0..4),
        proptest::collection::vec(arb_via(), 0..4),
        proptest::option::of(prop_oneof![
            Just("sys_platform == 'win32'".to_string()),
            Just("python_full_version >= '3.9' and extra == 'x'".to_string()),
        ]),
        proptest::option::of("[a-z]{1,8}".prop_map(|s| format!("https://example.org/{s}.whl"))),
        proptest::collection::vec("[a-z][a-z0-9-]{0,6}[a-z0-9]", 0..3),
    )
        .prop_map(|(n, v, hashes, via, marker, url, extras)| LockedPackage {
            name: name(&n),
            version: version(&v),
            extras: extras
                .iter()
                .map(|e| ExtraName::from_str(e).expect("valid extra"))
                .collect(),
            hashes: hashes.into_iter().map(|h| format!("sha256:{h}")).collect(),
            via,
            marker,
            url,
            editable: None,
        })
}

fn arb_lock() -> impl Strategy<Value = Lock> {
    (
        proptest::option::of(("3\\.[0-9]{1,2}", "lockit [ -~]{0,40}")),
        proptest::collection::vec(arb_package(), 0..12),
        any::<bool>(),
    )
        .prop_map(|(header, packages, extras)| {
            // One entry per name, as a resolution has.
            let mut seen = std::collections::HashSet::new();
            let packages = packages
                .into_iter()
                .filter(|p| seen.insert(p.name.clone()))
                .collect();
            Lock {
                header: header.map(|(python, command)| Header {
                    python,
                    command,
                    recorded: Vec::new(),
                }),
                packages,
                style: LockStyle {
                    extras,
                    ..Default::default()
                },
            }
        })
}

proptest! {
    #[test]
    fn parse_render_round_trips(lock in arb_lock()) {
        let text = render(&lock);
        let parsed = parse_lock(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut expected: Vec<&LockedPackage> = lock.packages.iter().collect();
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        prop_assert_eq!(parsed.pins.len(), expected.len());
        for (pin, p) in parsed.pins.iter().zip(expected) {
            prop_assert_eq!(&pin.name, &p.name);
            match &p.url {
                Some(url) => {
                    prop_assert_eq!(pin.url.as_ref(), Some(url));
                    prop_assert_eq!(pin.version.as_ref(), None);
                }
                None => prop_assert_eq!(pin.version.as_ref(), Some(&p.version)),
            }
            let mut hashes = p.hashes.clone();
            hashes.sort();
            hashes.dedup();
            prop_assert_eq!(&pin.hashes, &hashes);
            let mut via: Vec<String> = p.via.iter().map(ToString::to_string).collect();
            via.sort();
            via.dedup();
            prop_assert_eq!(&pin.via, &via);
            prop_assert_eq!(pin.marker.is_some(), p.marker.is_some());
        }
    }

    #[test]
    fn render_ignores_input_order(lock in arb_lock(), seed in any::<u64>()) {
        let mut shuffled = lock.clone();
        // A cheap deterministic shuffle: rotate and reverse by the seed.
        let n = shuffled.packages.len().max(1);
        shuffled.packages.rotate_left((seed as usize) % n);
        if seed % 2 == 0 {
            shuffled.packages.reverse();
        }
        for p in &mut shuffled.packages {
            p.hashes.reverse();
            p.via.reverse();
        }
        prop_assert_eq!(render(&lock), render(&shuffled));
    }

    #[test]
    fn parse_lock_never_panics(text in "\\PC*") {
        let _ = parse_lock(&text);
    }
}
