use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;

fn env(name: &str) -> Option<String> {
    match name {
        "INDEX" => Some("https://pypi.example/simple".into()),
        "VERSION" => Some("2.0".into()),
        "TOKEN" => Some("t0k".into()),
        _ => None,
    }
}

/// Parses in-memory text as `requirements.in` in a directory that does not exist, so a stray
/// `-r` can never read a real file.
fn parse(text: &str) -> Result<RequirementsFile, RequirementsError> {
    RequirementsFile::parse_with_env(text, Path::new("no-such-dir/requirements.in"), &env)
}

fn ok(text: &str) -> RequirementsFile {
    match parse(text) {
        Ok(f) => f,
        Err(e) => panic!("{text:?} failed:\n{e}"),
    }
}

fn fail(text: &str) -> LineError {
    match parse(text) {
        Ok(f) => panic!("{text:?} parsed: {f:?}"),
        Err(RequirementsError::Line(e)) => *e,
        Err(e) => panic!("{text:?}: not a line error: {e}"),
    }
}

fn fixture(rel: &str) -> PathBuf {
    // Unit tests run in the package directory, so this stays relative and snapshots stay stable.
    Path::new("tests/fixtures").join(rel)
}

fn read_err(path: &Path) -> String {
    match RequirementsFile::read(path) {
        Ok(f) => panic!("{} parsed: {f:?}", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn good_lines() {
    // (input, [(line, requirement as pep508 prints it)])
    let cases: &[(&str, &[(usize, &str)])] = &[
        ("", &[]),
        ("\n# comment only\n\n", &[]),
        ("flask", &[(1, "flask")]),
        ("Flask>=3.0,<4  # pinned major\n", &[(1, "flask>=3.0,<4")]),
        ("celery[redis]==5.4.0", &[(1, "celery[redis]==5.4.0")]),
        (
            "requests ; python_version < '3.9'",
            &[(1, "requests ; python_full_version < '3.9'")],
        ),
        (
            "pkg @ https://example.org/pkg-1.0-py3-none-any.whl#sha256=abc",
            &[(
                1,
                "pkg @ https://example.org/pkg-1.0-py3-none-any.whl#sha256=abc",
            )],
        ),
        // Continuations join lines; the requirement keeps the first line's number.
        (
            "\nnumpy \\\n  >=1.26 \\\n  ,<3\nscipy",
            &[(2, "numpy>=1.26,<3"), (5, "scipy")],
        ),
        // `\` at EOF continues into nothing, as in pip.
        ("attrs \\", &[(1, "attrs")]),
        ("django==${VERSION}", &[(1, "django==2.0")]),
        // `--hash` after a requirement is allowed and ignored.
        (
            "six==1.16.0 --hash=sha256:abc \\\n    --hash sha256:def",
            &[(1, "six==1.16.0")],
        ),
        ("\u{FEFF}attrs\r\nsix\r\n", &[(1, "attrs"), (2, "six")]),
    ];
    for (input, expected) in cases {
        let parsed = ok(input);
        let got: Vec<(usize, String)> = parsed
            .requirements
            .iter()
            .map(|r| (r.origin.line().unwrap_or(0), r.requirement.to_string()))
            .collect();
        let expected: Vec<(usize, String)> =
            expected.iter().map(|(l, s)| (*l, s.to_string())).collect();
        assert_eq!(got, expected, "{input:?}");
        assert!(parsed
            .requirements
            .iter()
            .all(|r| r.origin.file() == Some(Path::new("no-such-dir/requirements.in"))));
    }
}

#[test]
fn text_is_kept_as_written() {
    let f = ok("# c\ndjango==${VERSION}  # web\nnumpy \\\n >=1\n");
    let texts: Vec<&str> = f
        .requirements
        .iter()
        .filter_map(|r| r.text.as_deref())
        .collect();
    assert_eq!(texts, ["django==${VERSION}", "numpy  >=1"]);
}

#[test]
fn option_lines() {
    let f = ok("\
--index-url ${INDEX}
--extra-index-url=https://extra.example/simple
-i https://override.example/simple
--extra-index-url https://extra.example/simple
-f https://links.example/
--find-links=./wheels
--pre --prefer-binary
--no-binary :all: --only-binary=numpy,scipy
--no-binary=lxml
--no-index
--trusted-host example.org
--require-hashes
--use-feature=truststore
");
    assert_eq!(
        f.index_url.as_deref(),
        Some("https://override.example/simple")
    );
    assert_eq!(f.extra_index_urls, ["https://extra.example/simple"]);
    // `./wheels` does not exist next to the file, so it is kept as written.
    assert_eq!(f.find_links, ["https://links.example/", "./wheels"]);
    assert!(f.pre && f.prefer_binary && f.no_index && f.require_hashes);
    assert_eq!(f.no_binary, [":all:", "lxml"]);
    assert_eq!(f.only_binary, ["numpy", "scipy"]);
    assert_eq!(f.trusted_hosts, ["example.org"]);
    assert!(f.requirements.is_empty());
}

#[test]
fn bad_lines() {
    // (input, line, column, the message must contain)
    let cases: &[(&str, usize, usize, &str)] = &[
        ("numpy>=1=>2", 1, 9, "found `=>2`"),
        ("flask\nnumpy>=1.0.x", 2, 11, "found `.x`"),
        ("--frobnicate", 1, 1, "unknown option `--frobnicate`"),
        ("  -x foo", 1, 3, "unknown option `-x`"),
        ("celery[redis", 1, 7, "missing closing bracket"),
        ("requests ; python_version >> '3'", 1, 0, ""),
        ("requests ; platform_foo == 'x'", 1, 0, ""),
        ("--index-url", 1, 1, "expects a value"),
        ("--index-url=", 1, 12, "expects a value"),
        ("--pre=yes", 1, 1, "takes no value"),
        ("--pre flask", 1, 7, "unexpected argument `flask`"),
        (
            "flask --index-url https://x",
            1,
            7,
            "cannot follow a requirement",
        ),
        ("--hash=sha256:abc", 1, 1, "applies to one requirement"),
        (
            "-e git+https://example.org/x.git#egg=x",
            1,
            1,
            "editable requirements that are not a local folder",
        ),
        (
            "-r https://example.org/r.txt",
            1,
            4,
            "remote requirements files",
        ),
        ("https://example.org/x.whl", 1, 0, "`name @ url`"),
        (
            "-r missing.in",
            1,
            4,
            "cannot read `no-such-dir/missing.in`",
        ),
        ("a\n\0b", 2, 1, "NUL byte"),
        ("numpy \\\n  >=1 =>2", 2, 7, "trailing `=>2`"),
        ("x @ ${TOKEN}://", 1, 0, ""),
    ];
    let mut wrong = Vec::new();
    for (input, line, column, needle) in cases {
        let e = fail(input);
        if e.line != *line
            || (*column != 0 && e.column != *column)
            || !e.kind.to_string().contains(needle)
        {
            wrong.push(format!(
                "{input:?}: want {line}:{column} with `{needle}`, got\n{e}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn error_bad_specifier() {
    insta::assert_snapshot!(fail("flask\n# numbers\nnumpy>=1=>2\n").to_string());
}

#[test]
fn error_bad_version() {
    insta::assert_snapshot!(fail("numpy>=1.0.x").to_string());
}

#[test]
fn error_unknown_option() {
    insta::assert_snapshot!(fail("--pre --frobnicate\n").to_string());
}

#[test]
fn error_unclosed_bracket() {
    insta::assert_snapshot!(fail("celery[redis>=5\n").to_string());
}

#[test]
fn error_bad_marker() {
    insta::assert_snapshot!(fail("requests ; python_version >> '3.8'\n").to_string());
}

#[test]
fn error_on_continuation_line() {
    insta::assert_snapshot!(fail("numpy \\\n    >=1 =>2\n").to_string());
}

#[test]
fn error_option_after_requirement() {
    insta::assert_snapshot!(fail("flask --index-url https://x\n").to_string());
}

#[test]
fn error_bare_url() {
    insta::assert_snapshot!(fail("https://example.org/x-1.0-py3-none-any.whl\n").to_string());
}

#[test]
fn error_missing_include() {
    insta::assert_snapshot!(read_err(&fixture("missing/requirements.in")));
}

#[test]
fn error_cycle() {
    insta::assert_snapshot!(read_err(&fixture("cycle/a.in")));
}

#[test]
fn error_not_utf8() {
    insta::assert_snapshot!(read_err(&fixture("junk/latin1.in")));
}

#[test]
fn error_utf16() {
    insta::assert_snapshot!(read_err(&fixture("junk/utf16.in")));
}

#[test]
fn error_missing_top_level_file() {
    let e = read_err(&fixture("nope.in"));
    assert!(
        e.starts_with("cannot read `tests/fixtures/nope.in`: "),
        "{e}"
    );
}

#[test]
fn nested_includes_are_relative_to_the_including_file() {
    let f = RequirementsFile::read(&fixture("nested/requirements.in")).expect("parses");
    let where_ = |rs: &[SourcedRequirement]| -> Vec<String> {
        rs.iter()
            .map(|r| format!("{} {}", r.origin, r.requirement))
            .collect()
    };
    assert_eq!(
        where_(&f.requirements),
        [
            "tests/fixtures/nested/common.in:1 click",
            "tests/fixtures/nested/sub/base.in:3 requests[socks]>=2.31 ; python_full_version >= '3.8'",
            "tests/fixtures/nested/requirements.in:4 flask>=3",
        ]
    );
    assert_eq!(
        where_(&f.constraints),
        [
            "tests/fixtures/nested/constraints.txt:1 urllib3<2",
            "tests/fixtures/nested/more-constraints.txt:1 idna==3.7",
        ]
    );
    assert_eq!(f.index_url.as_deref(), Some("https://example.org/simple"));
    assert_eq!(f.requirements[2].text.as_deref(), Some("flask>=3"));
    assert_eq!(
        f.requirements[2].location(),
        "tests/fixtures/nested/requirements.in:4"
    );
}

#[test]
fn parse_resolves_includes_next_to_the_given_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("base.in"), "attrs\n").expect("write");
    let top = dir.path().join("requirements.in");
    let f = RequirementsFile::parse_with_env("-r base.in\nsix\n", &top, &env).expect("parses");
    assert_eq!(f.requirements.len(), 2);
    assert_eq!(
        f.requirements[0].origin.file(),
        Some(dir.path().join("base.in").as_path())
    );
    assert_eq!(f.requirements[1].origin.file(), Some(top.as_path()));
}

#[test]
fn a_file_included_twice_is_not_a_cycle() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("common.in"), "attrs\n").expect("write");
    std::fs::write(dir.path().join("a.in"), "-r common.in\n").expect("write");
    let top = dir.path().join("requirements.in");
    let f = RequirementsFile::parse_with_env("-r a.in\n-r common.in\n", &top, &env)
        .expect("diamond is fine");
    assert_eq!(f.requirements.len(), 2);
}

#[test]
fn find_links_next_to_the_file_are_made_relative_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("wheels")).expect("mkdir");
    let top = dir.path().join("requirements.in");
    let f = RequirementsFile::parse_with_env("-f ./wheels\n", &top, &env).expect("parses");
    assert_eq!(
        f.find_links,
        [dir.path().join("wheels").to_string_lossy().into_owned()]
    );
}

#[test]
fn normalize_is_lexical() {
    for (input, expected) in [
        ("a/./b/../c.in", "a/c.in"),
        ("../x.in", "../x.in"),
        ("a/../../x.in", "../x.in"),
        ("/../x.in", "/x.in"),
        ("./x.in", "x.in"),
        (".", "."),
    ] {
        assert_eq!(
            normalize(Path::new(input)),
            PathBuf::from(expected),
            "{input}"
        );
    }
}

/// Fragments that make proptest build lines the parser has to think about.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("numpy".to_string()),
        Just("celery[redis".to_string()),
        Just("]".to_string()),
        Just(">=1.0".to_string()),
        Just("=>".to_string()),
        Just(",".to_string()),
        Just(" ; ".to_string()),
        Just("python_version < '3.9'".to_string()),
        Just(" @ https://x.example/a.whl".to_string()),
        Just("\\\n".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just("#".to_string()),
        Just("${VERSION}".to_string()),
        Just("${".to_string()),
        Just("--hash=sha256:ab".to_string()),
        Just("--index-url".to_string()),
        Just("-i".to_string()),
        Just("--pre".to_string()),
        Just("=".to_string()),
        Just("-e".to_string()),
        Just("é".to_string()),
        Just("\u{1F600}".to_string()),
        Just("\r".to_string()),
        "\\PC{0,4}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        if let Err(e) = parse(&text) {
            let _ = e.to_string();
        }
    }

    #[test]
    fn arbitrary_text_with_controls_never_panics(text in ".*") {
        if let Err(e) = parse(&text) {
            let _ = e.to_string();
        }
    }

    #[test]
    fn plausible_lines_never_panic(parts in proptest::collection::vec(fragment(), 0..24)) {
        let text = parts.concat();
        match parse(&text) {
            Ok(f) => {
                for r in f.requirements {
                    prop_assert!(r.origin.line().is_some_and(|l| l >= 1));
                }
            }
            Err(e) => {
                let rendered = e.to_string();
                if let Some(le) = e.line_error() {
                    prop_assert!(le.line >= 1 && le.column >= 1 && le.width >= 1);
                    prop_assert!(rendered.lines().count() == 4, "{}", rendered);
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Err(e) = decode(&bytes, Path::new("requirements.in")) {
            let _ = e.to_string();
        }
    }
}

/// `-e ./dir`, `./dir[extra]` and `file:` URLs name local projects, resolved against the
/// requirements file's folder; a path that is no folder is an error at its column.
#[test]
fn local_projects_are_read_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["app", "lib"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    let url = format!("file://{}", dir.path().join("lib").display());
    let path = dir.path().join("requirements.in");
    std::fs::write(&path, format!("-e ./app[test]\n./lib\nflask\n{url}\n")).unwrap();
    let f = RequirementsFile::read(&path).unwrap();
    let got: Vec<(String, bool, usize, usize)> = f
        .local_projects
        .iter()
        .map(|p| {
            (
                p.written.clone(),
                p.editable,
                p.extras.len(),
                p.origin.line().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("./app".to_string(), true, 1, 1),
            ("./lib".to_string(), false, 0, 2),
            (url, false, 0, 4)
        ]
    );
    assert_eq!(f.local_projects[0].path, dir.path().join("app"));
    assert_eq!(f.local_projects[2].path, dir.path().join("lib"));
    assert_eq!(f.requirements.len(), 1);
    let e = fail("flask\n-e ./nowhere\n");
    assert_eq!((e.line, e.column), (2, 4), "{e}");
    assert!(e.to_string().contains("`./nowhere` is not a folder"), "{e}");
}

#[test]
fn bare_vcs_urls_are_named_by_egg_or_left_for_the_build() {
    let file = ok(concat!(
        "git+https://host.example/org/a.git@v1.2#egg=alpha\n",
        "git+https://host.example/org/b.git@main#subdirectory=pkg ; sys_platform == 'linux'\n",
        "beta @ git+ssh://git@host.example/org/c.git@0123abcd\n",
    ));
    let named: Vec<String> = file
        .requirements
        .iter()
        .map(|r| r.requirement.to_string())
        .collect();
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(named[0].starts_with("alpha @ git+https://host.example/org/a.git@v1.2"));
    assert!(named[1].starts_with("beta @ git+ssh://"));
    assert_eq!(file.unnamed.len(), 1);
    let unnamed = &file.unnamed[0];
    assert_eq!(
        unnamed.url,
        "git+https://host.example/org/b.git@main#subdirectory=pkg"
    );
    assert_eq!(unnamed.marker.as_deref(), Some("sys_platform == 'linux'"));
    assert_eq!(unnamed.origin.to_string(), "no-such-dir/requirements.in:2");
}
