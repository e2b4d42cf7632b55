//! Differential tests against `packaging`, the reference implementation pip uses
//! (issue 12): generated specifier/version pairs, marker/environment pairs and every
//! supported platform's wheel tags, each answered by lockit and by one Python process
//! running `differential/oracle.py`, must agree.
//!
//! The generators are seeded: every run checks the same cases. On a disagreement the test
//! prints the first ones (input, lockit, packaging) and fails.
//!
//! Markers are held to full agreement: every marker/environment pair that packaging
//! evaluates, lockit evaluates alike (`lockit_types::parse_requirement`, then
//! `MarkerEval::holds`); a marker packaging cannot parse, or raises on evaluating in any of
//! the generated environments (`~=` on a string, `extra < 'x'`), lockit must refuse to
//! read, and it may refuse no other.

#[path = "differential/python.rs"]
mod python;
#[path = "differential/rng.rs"]
mod rng;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;

use lockit_resolver::{names_prerelease, specifiers_contain, specifiers_range};
use lockit_types::{parse_requirement, Platform, Tags, Target, Version, VersionSpecifiers};
use lockit_types::{ExtraName, MarkerEval, WheelFilename};
use rng::Rng;
use serde_json::{json, Value};

/// How many disagreements to print before failing.
const SHOWN: usize = 20;

fn fail_on(kind: &str, checked: usize, mismatches: &[String]) {
    eprintln!(
        "{kind}: {checked} cases checked against packaging {}",
        python::PACKAGING
    );
    if mismatches.is_empty() {
        return;
    }
    // All of them, for working through a long list.
    if let Some(path) = std::env::var_os("LOCKIT_DIFFERENTIAL_DUMP") {
        let path = std::path::Path::new(&path).join(format!("{}.txt", kind.replace('/', "-")));
        let _ = std::fs::write(path, mismatches.join("\n"));
    }
    let mut text = format!(
        "{} of {checked} {kind} cases disagree with packaging {}; the first ones:\n",
        mismatches.len(),
        python::PACKAGING
    );
    for m in mismatches.iter().take(SHOWN) {
        let _ = writeln!(text, "  {m}");
    }
    panic!("{text}");
}

// ---------------------------------------------------------------------------------------
// Specifiers

/// Which parts a generated version may have (the operators restrict them).
#[derive(Clone, Copy)]
struct Shape {
    local: bool,
    suffixes: bool,
    min_parts: usize,
}

const ANY: Shape = Shape {
    local: true,
    suffixes: true,
    min_parts: 1,
};

/// A version string in one of PEP 440's spellings (normalized or not).
fn gen_version(rng: &mut Rng, shape: Shape) -> String {
    let mut s = String::new();
    if rng.chance(4) {
        s.push('v');
    }
    if rng.chance(10) {
        let _ = write!(s, "{}!", 1 + rng.below(2));
    }
    let parts = shape.min_parts + rng.below(5 - shape.min_parts);
    for i in 0..parts {
        if i > 0 {
            s.push('.');
        }
        // Small numbers, so that generated versions and specifiers meet often.
        let n = [0, 0, 1, 1, 2, 9, 10][rng.below(7)];
        let _ = write!(s, "{n}");
    }
    if shape.suffixes {
        if rng.chance(30) {
            s.push_str(rng.pick(&["", "", ".", "-", "_"]));
            s.push_str(rng.pick(&[
                "a", "a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "RC",
            ]));
            if rng.chance(80) {
                let _ = write!(s, "{}", rng.below(3));
            }
        }
        if rng.chance(30) {
            if rng.chance(20) {
                let _ = write!(s, "-{}", rng.below(3));
            } else {
                s.push_str(rng.pick(&[".post", ".post", "post", "-post", "_post", ".r", ".rev"]));
                if rng.chance(80) {
                    let _ = write!(s, "{}", rng.below(3));
                }
            }
        }
        if rng.chance(20) {
            s.push_str(rng.pick(&[".dev", ".dev", "dev", "-dev"]));
            if rng.chance(80) {
                let _ = write!(s, "{}", rng.below(3));
            }
        }
    }
    if shape.local && rng.chance(12) {
        s.push('+');
        s.push_str(rng.pick(&["local", "abc.5", "1", "ubuntu-1", "Foo_2", "0"]));
    }
    s
}

/// One specifier clause, valid for `packaging` (its operators restrict the version).
fn gen_clause(rng: &mut Rng) -> String {
    let op = rng.pick(&["==", "!=", "<", "<=", ">", ">=", "~=", "==*", "!=*", "==="]);
    let space = if rng.chance(15) { " " } else { "" };
    match op {
        "==" | "!=" => format!("{op}{space}{}", gen_version(rng, ANY)),
        "==*" | "!=*" => {
            let shape = Shape {
                local: false,
                suffixes: false,
                min_parts: 1,
            };
            format!("{}{space}{}.*", &op[..2], gen_version(rng, shape))
        }
        "~=" => {
            let shape = Shape {
                local: false,
                suffixes: true,
                min_parts: 2,
            };
            format!("~={space}{}", gen_version(rng, shape))
        }
        "===" => {
            // `===` compares text; a resolver's versions are normalized, so spell the
            // version the normalized way (`packaging`'s `str(Version)`), in any case.
            let v = Version::from_str(&gen_version(rng, ANY)).expect("generated version");
            let text = v.to_string();
            let text = if rng.chance(20) {
                text.to_uppercase()
            } else {
                text
            };
            format!("==={space}{text}")
        }
        _ => {
            let shape = Shape {
                local: false,
                suffixes: true,
                min_parts: 1,
            };
            format!("{op}{space}{}", gen_version(rng, shape))
        }
    }
}

fn gen_specifiers(rng: &mut Rng) -> String {
    let n = 1 + rng.below(3);
    let clauses: Vec<String> = (0..n).map(|_| gen_clause(rng)).collect();
    clauses.join(if rng.chance(30) { ", " } else { "," })
}

/// A version next to a specifier's own: where the boundary rules live.
fn near(rng: &mut Rng, spec: &str) -> String {
    let clause = spec
        .split(',')
        .nth(rng.below(spec.split(',').count()))
        .unwrap_or(spec);
    let base = clause
        .trim()
        .trim_start_matches(['=', '!', '<', '>', '~'])
        .trim()
        .trim_end_matches(".*")
        .to_string();
    let Ok(v) = Version::from_str(&base) else {
        return base;
    };
    let plain = v.clone().without_local();
    match rng.below(12) {
        0 => v.to_string(),
        1 => format!("{plain}+local"),
        2 => format!("{plain}.0"),
        3 => format!(
            "{}",
            plain
                .clone()
                .with_post(Some(plain.post().map_or(0, |p| p + 1)))
        ),
        4 => format!("{}", plain.clone().with_dev(Some(0))),
        5 => format!(
            "{}",
            plain
                .clone()
                .with_post(plain.post().and_then(|p| p.checked_sub(1)))
        ),
        6 => format!("{}", plain.clone().with_dev(None).with_post(None)),
        7 => format!("{}", plain.only_release().with_epoch(plain.epoch())) + "a1",
        8 => format!("{}", plain.clone().with_post(Some(1)).with_dev(Some(0))),
        9 => {
            let mut release = plain.release().to_vec();
            if let Some(last) = release.last_mut() {
                *last += 1;
            }
            let next = plain
                .clone()
                .with_release(release)
                .with_post(None)
                .with_dev(None);
            format!("{next}{}", rng.pick(&["", "a1", ".dev0", ".post1"]))
        }
        10 => format!("{}", plain.only_release()),
        _ => format!("{}", plain.clone().with_dev(plain.dev().map(|d| d + 1))),
    }
}

#[test]
fn specifiers_agree_with_packaging() {
    const SPECS: usize = 1500;
    const PER_SPEC: usize = 6;
    let mut rng = Rng(0x5eed_0440);
    let mut specs = Vec::with_capacity(SPECS);
    let mut versions: Vec<String> = Vec::new();
    let mut version_index: HashMap<String, usize> = HashMap::new();
    let mut pairs = Vec::new();
    for si in 0..SPECS {
        let spec = gen_specifiers(&mut rng);
        for k in 0..PER_SPEC {
            let v = if k % 2 == 0 {
                near(&mut rng, &spec)
            } else {
                gen_version(&mut rng, ANY)
            };
            let vi = *version_index.entry(v.clone()).or_insert_with(|| {
                versions.push(v);
                versions.len() - 1
            });
            pairs.push((si, vi));
        }
        specs.push(spec);
    }
    let answer = python::ask(
        "specifiers",
        &json!({ "specs": specs, "versions": versions, "pairs": pairs }),
    );

    let mut mismatches = Vec::new();
    // Parsing: both accept every generated version and specifier, and spell versions alike
    // (`===` compares spellings).
    let parsed_versions: Vec<Option<Version>> = versions
        .iter()
        .zip(answer["versions"].as_array().expect("versions"))
        .map(|(text, reference)| {
            let ours = Version::from_str(text).ok();
            let theirs = reference["str"].as_str();
            if ours.as_ref().map(ToString::to_string).as_deref() != theirs {
                mismatches.push(format!(
                    "version {text:?}: lockit reads {:?}, packaging {theirs:?}",
                    ours.map(|v| v.to_string())
                ));
                return None;
            }
            ours
        })
        .collect();
    let parsed_specs: Vec<Option<VersionSpecifiers>> = specs
        .iter()
        .zip(answer["specs"].as_array().expect("specs"))
        .map(|(text, reference)| {
            let ours = VersionSpecifiers::from_str(text);
            if ours.is_ok() != reference["valid"].as_bool().unwrap_or(false) {
                mismatches.push(format!(
                    "specifier {text:?}: lockit {}, packaging {}",
                    if ours.is_ok() { "accepts" } else { "rejects" },
                    if reference["valid"] == true {
                        "accepts"
                    } else {
                        "rejects"
                    },
                ));
                return None;
            }
            let ours = ours.ok()?;
            // The pre-release opt-in: a specifier that names one (packaging's
            // `SpecifierSet.prereleases`), which lockit's default mode honours.
            let named = names_prerelease(&ours);
            if Some(named) != reference["prereleases"].as_bool() {
                mismatches.push(format!(
                    "specifier {text:?} names a pre-release: lockit {named}, packaging {}",
                    reference["prereleases"]
                ));
            }
            Some(ours)
        })
        .collect();
    let contains = answer["contains"].as_array().expect("contains");
    for (&(si, vi), reference) in pairs.iter().zip(contains) {
        let (Some(spec), Some(v)) = (&parsed_specs[si], &parsed_versions[vi]) else {
            continue;
        };
        let ours = specifiers_contain(spec, v);
        if Some(ours) != reference.as_bool() {
            mismatches.push(format!(
                "{:?} contains {:?}: lockit {ours}, packaging {reference}",
                specs[si], versions[vi]
            ));
        }
        // The PubGrub range holds every version equal to an admitted one (`===` narrows
        // by spelling on top of it), so it never leaves an admitted version out.
        if ours && !specifiers_range(spec).contains(v) {
            mismatches.push(format!(
                "{:?}: range leaves out {:?}, which the specifier admits",
                specs[si], versions[vi]
            ));
        }
    }
    assert!(pairs.len() >= 5000, "only {} pairs", pairs.len());
    fail_on("specifier/version", pairs.len(), &mismatches);
}

// ---------------------------------------------------------------------------------------
// Markers

const PLATFORMS: &[&str] = &[
    "linux",
    "macos",
    "windows",
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "aarch64-apple-darwin",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
    "i686-pc-windows-msvc",
    "x86_64-manylinux_2_17",
    "x86_64-manylinux_2_28",
    "aarch64-manylinux_2_17",
    "aarch64-manylinux_2_28",
    "x86_64-manylinux_2_5",
    "x86_64-manylinux_2_12",
    "x86_64-manylinux_2_34",
    "x86_64-musllinux_1_1",
    "aarch64-musllinux_1_2",
];

/// An environment as lockit builds one for a target (`Target::new`), with
/// `platform_release` varied (lockit leaves it empty) and a set of extras.
struct Env {
    markers: lockit_types::MarkerEnvironment,
    extras: Vec<String>,
}

fn gen_env(rng: &mut Rng) -> Env {
    let minor = 8 + rng.below(7);
    let python = if rng.chance(50) {
        format!("3.{minor}")
    } else {
        format!("3.{minor}.{}", rng.below(12))
    };
    let platform: Platform = rng.pick(PLATFORMS).parse().expect("platform");
    let target = Target::new(&python, platform).expect("target");
    let release = rng.pick(&[
        "",
        "",
        "5.15.0-91-generic",
        "6.8.0",
        "6.1",
        "23.4.0",
        "10",
        "10.0.22631",
        "4.4.0-19041-Microsoft",
        "5.10.0+rpt",
    ]);
    let extras: Vec<String> = ["test", "doc", "Test_Extra"]
        .iter()
        .filter(|_| rng.chance(30))
        .map(|e| e.to_string())
        .collect();
    Env {
        markers: target.markers.with_platform_release(release),
        extras,
    }
}

fn env_json(env: &Env) -> Value {
    let m = &env.markers;
    json!({
        "implementation_name": m.implementation_name(),
        "implementation_version": m.implementation_version().to_string(),
        "os_name": m.os_name(),
        "platform_machine": m.platform_machine(),
        "platform_python_implementation": m.platform_python_implementation(),
        "platform_release": m.platform_release(),
        "platform_system": m.platform_system(),
        "platform_version": m.platform_version(),
        "python_full_version": m.python_full_version().to_string(),
        "python_version": m.python_version().to_string(),
        "sys_platform": m.sys_platform(),
        "extra": env.extras,
    })
}

fn quote(rng: &mut Rng, s: &str) -> String {
    if rng.chance(50) {
        format!("'{s}'")
    } else {
        format!("\"{s}\"")
    }
}

/// Whether packaging may raise on evaluating an atom (in some environment): `~=` or `===`
/// on a string, `extra` with an operator other than `==`/`!=`, `~=` on a version marker
/// with a value that makes no `~=` specifier, `~=`/`===` with `platform_release` on the
/// right. Only steers the generator (see [`gen_marker`]); the test asks packaging.
fn may_raise(var: &str, op: &str, value: &str, inverted: bool) -> bool {
    let version_var = matches!(
        var,
        "python_version" | "python_full_version" | "implementation_version"
    );
    match (var, op) {
        ("extra", "==" | "!=") => false,
        ("extra", _) => true,
        ("platform_release", "~=" | "===") => inverted || op == "~=",
        (_, "~=" | "===") if !version_var => true,
        (_, "~=") => value.split('.').count() < 2 || value.ends_with(".*") || value.contains(' '),
        _ => false,
    }
}

/// One comparison; `true` when packaging may raise on it.
fn gen_marker_atom(rng: &mut Rng, safe_only: bool) -> (String, bool) {
    loop {
        let (text, raises) = gen_any_marker_atom(rng);
        if !safe_only || !raises {
            return (text, raises);
        }
    }
}

fn gen_any_marker_atom(rng: &mut Rng) -> (String, bool) {
    let var = rng.pick(&[
        "python_version",
        "python_full_version",
        "platform_release",
        "sys_platform",
        "platform_machine",
        "implementation_name",
        "platform_system",
        "os_name",
        "extra",
        "implementation_version",
    ]);
    let values: &[&str] = match var {
        "python_version" => &[
            "3.8",
            "3.9",
            "3.10",
            "3.11",
            "3.12",
            "3.13",
            "3.14",
            "3",
            "3.1",
            "3.12.0",
            "3.12rc1",
            "3.11.post1",
            "1!3.12",
        ],
        "python_full_version" | "implementation_version" => &[
            "3.12.0",
            "3.12",
            "3.13.1",
            "3.10.0rc1",
            "3.9.18",
            "3.11.0.post1",
            "3.14.0a1",
            "3",
            "3.12.0+local",
            "3.13.0.dev0",
        ],
        "platform_release" => &[
            "5.15",
            "6",
            "6.1",
            "23.4.0",
            "10.0",
            "5.15.0-91-generic",
            "abc",
            "6.8.0rc1",
        ],
        "sys_platform" => &["linux", "darwin", "win32", "Linux", "lin", "cygwin"],
        "platform_machine" => &["x86_64", "aarch64", "arm64", "AMD64", "x86", "86", "ARM64"],
        "implementation_name" => &["cpython", "pypy", "CPython", "python"],
        "platform_system" => &["Linux", "Darwin", "Windows", "linux", "Win"],
        "os_name" => &["posix", "nt", "java"],
        _ => &[
            "test",
            "doc",
            "Test-Extra",
            "test_extra",
            "tests",
            "DOC",
            "",
        ],
    };
    let value = rng.pick(values).to_string();
    let op = rng.pick(&[
        "==", "==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in",
    ]);
    let (value, op) = if var == "extra" && rng.chance(60) {
        (value, "==")
    } else {
        (value, op)
    };
    let value = if op.ends_with("in") && rng.chance(50) {
        // A list-like string: `in` is a substring test.
        format!("{value} {}", rng.pick(values))
    } else if op == "==" && var.contains("version") && rng.chance(20) {
        format!("{value}.*")
    } else {
        value
    };
    let quoted = quote(rng, &value);
    let inverted = rng.chance(20) && var != "extra";
    let raises = may_raise(var, op, &value, inverted);
    let text = if inverted {
        if rng.chance(10) {
            // Two strings: packaging looks the right one up in the environment.
            format!("{quoted} {op} {}", quote(rng, var))
        } else {
            // Value on the left: `"linux" in sys_platform`, `'3.8' < python_version`.
            format!("{quoted} {op} {var}")
        }
    } else if rng.chance(3) && var != "extra" {
        // Two variables: packaging compares the left one with the right one's name.
        let other = rng.pick(&["os_name", "sys_platform", "python_version", "extra"]);
        format!("{var} {op} {other}")
    } else {
        format!("{var} {op} {quoted}")
    };
    (text, raises)
}

/// A marker of `and`/`or` with and without parentheses; `true` when one of its atoms may
/// make packaging raise.
fn gen_marker(rng: &mut Rng, depth: usize, safe_only: bool) -> (String, bool) {
    if depth == 0 || rng.chance(35) {
        return gen_marker_atom(rng, safe_only);
    }
    let n = 2 + rng.below(2);
    let parts: Vec<(String, bool)> = (0..n)
        .map(|_| gen_marker(rng, depth - 1, safe_only))
        .collect();
    let mut s = parts[0].0.clone();
    for p in &parts[1..] {
        let _ = write!(s, " {} {}", rng.pick(&["and", "or"]), p.0);
    }
    let raises = parts.iter().any(|p| p.1);
    if rng.chance(40) {
        (format!("({s})"), raises)
    } else {
        (s, raises)
    }
}

/// Every generated marker, in every generated environment, evaluates as packaging
/// evaluates it; markers packaging raises on (in any of the environments) are exactly the
/// ones lockit refuses to read, and markers packaging cannot parse lockit refuses too.
#[test]
fn markers_agree_with_packaging() {
    const MARKERS: usize = 1500;
    const ENVS: usize = 60;
    const PER_MARKER: usize = 3;
    let mut rng = Rng(0x5eed_0508);
    // Two in three markers are built from atoms packaging does not raise on, so that
    // thousands of pairs are evaluated; the rest take any atom (one that raises makes
    // the whole marker one lockit must refuse).
    let generated: Vec<(String, bool)> = (0..MARKERS)
        .map(|i| gen_marker(&mut rng, 3, i % 3 != 0))
        .collect();
    let markers: Vec<&str> = generated.iter().map(|g| g.0.as_str()).collect();
    let envs: Vec<Env> = (0..ENVS).map(|_| gen_env(&mut rng)).collect();
    let pairs: Vec<(usize, usize)> = (0..MARKERS * PER_MARKER)
        .map(|i| (i / PER_MARKER, rng.below(ENVS)))
        .collect();
    let answer = python::ask(
        "markers",
        &json!({
            "markers": markers,
            "envs": envs.iter().map(env_json).collect::<Vec<_>>(),
            "pairs": pairs,
        }),
    );
    let mut mismatches = Vec::new();
    let mut refused = 0;
    let parsed: Vec<Option<pep508_rs::MarkerTree>> = generated
        .iter()
        .zip(answer["markers"].as_array().expect("markers"))
        .map(|((text, _), reference)| {
            // As lockit reads markers: in a requirement, through its parser.
            let ours = parse_requirement(&format!("a; {text}")).map(|r| r.marker);
            // packaging's verdict: it cannot parse the marker, or it raises on
            // evaluating it in one of the environments, or it evaluates it everywhere.
            let theirs = if reference["valid"] != true {
                Err(format!("cannot parse it ({})", reference["error"]))
            } else if let Some(error) = reference["raises"].as_str() {
                Err(format!("raises on evaluating it ({error})"))
            } else {
                Ok(())
            };
            match (&ours, theirs) {
                (Ok(_), Ok(())) => {}
                (Err(_), Err(_)) => refused += 1,
                (Ok(_), Err(why)) => {
                    mismatches.push(format!("marker {text:?}: lockit reads it, packaging {why}"))
                }
                (Err(e), Ok(())) => mismatches.push(format!(
                    "marker {text:?}: lockit refuses it ({}), packaging evaluates it",
                    e.message
                )),
            }
            ours.ok()
        })
        .collect();
    let results = answer["results"].as_array().expect("results");
    let mut checked = 0;
    let mut raised = 0;
    for (&(mi, ei), reference) in pairs.iter().zip(results) {
        let Value::Bool(theirs) = reference else {
            // packaging raised (or could not parse it): lockit refused the marker above.
            raised += 1;
            continue;
        };
        let Some(marker) = &parsed[mi] else {
            // Refused, and reported above unless packaging raises elsewhere.
            continue;
        };
        let env = &envs[ei];
        let extras: Vec<ExtraName> = env
            .extras
            .iter()
            .map(|e| ExtraName::from_str(e).expect("extra"))
            .collect();
        let ours = marker.holds(&env.markers, &extras);
        checked += 1;
        if ours != *theirs {
            mismatches.push(format!(
                "{:?} in {}: lockit {ours}, packaging {theirs}",
                generated[mi].0,
                env_json(env)
            ));
        }
    }
    eprintln!(
        "markers: {} pairs ({MARKERS} markers x {PER_MARKER} of {ENVS} environments); \
         {checked} evaluated by both, {raised} where packaging raised; {refused} markers \
         refused by both",
        pairs.len()
    );
    assert!(pairs.len() >= 4500, "only {} pairs", pairs.len());
    assert!(
        checked >= 2000,
        "only {checked} marker pairs were evaluated by both"
    );
    fail_on("marker/environment", checked, &mismatches);
}

// ---------------------------------------------------------------------------------------
// Wheel tags

/// What `packaging` needs to list a platform's tags the way it would on that machine.
fn platform_json(spelling: &str) -> Value {
    let p: Platform = spelling.parse().expect("platform");
    let target = Target::new("3.12", p).expect("target");
    let m = &target.markers;
    let arch = m.platform_machine();
    match m.sys_platform() {
        "linux" => {
            let arch = if arch == "aarch64" {
                "aarch64"
            } else {
                "x86_64"
            };
            // The glibc/musl minor the platform names (the defaults of the short spellings).
            let (kind, minor) = match spelling {
                "linux" | "x86_64-unknown-linux-gnu" | "aarch64-unknown-linux-gnu" => {
                    ("manylinux", 17)
                }
                "x86_64-unknown-linux-musl" | "aarch64-unknown-linux-musl" => ("musllinux", 2),
                s => {
                    let (_, rest) = s.split_once('-').expect("arch-family_major_minor");
                    let kind = if rest.starts_with("manylinux") {
                        "manylinux"
                    } else {
                        "musllinux"
                    };
                    let minor = rest
                        .rsplit('_')
                        .next()
                        .expect("minor")
                        .parse::<u32>()
                        .expect("minor");
                    (kind, minor)
                }
            };
            json!({ "kind": kind, "arch": arch, "minor": minor })
        }
        "darwin" => {
            let (arch, major, minor) = if arch == "arm64" {
                ("arm64", 12, 0)
            } else {
                ("x86_64", 10, 12)
            };
            json!({ "kind": "macos", "arch": arch, "major": major, "minor": minor })
        }
        _ => {
            let tag = match arch {
                "AMD64" => "win_amd64",
                "ARM64" => "win_arm64",
                _ => "win32",
            };
            json!({ "kind": "windows", "tag": tag })
        }
    }
}

#[test]
fn wheel_tags_agree_with_packaging() {
    let pythons: Vec<u64> = (8..=14).collect();
    let mut targets = Vec::new();
    let mut ours: Vec<(String, u64, Tags, Vec<String>)> = Vec::new();
    for &spelling in PLATFORMS {
        let platform: Platform = spelling.parse().expect("platform");
        for &minor in &pythons {
            targets.push(json!({ "platform": platform_json(spelling), "python": [3, minor] }));
            let plats = platform.platform_tags();
            ours.push((
                spelling.to_string(),
                minor,
                Tags::cpython(3, minor, &plats),
                plats,
            ));
        }
    }
    // First ask only for the tag lists, then build wheel names from their union and ours.
    let answer = python::ask("tags", &json!({ "targets": targets, "wheels": [] }));
    let reference: Vec<Vec<String>> = answer["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            t["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .map(|s| s.as_str().expect("tag").to_string())
                .collect()
        })
        .collect();

    let mut mismatches = Vec::new();
    let mut all_tags: Vec<String> = Vec::new();
    for ((spelling, minor, tags, plats), theirs) in ours.iter().zip(&reference) {
        // Same set and same preference order: lockit's priorities must fall strictly
        // along packaging's list (first occurrences; later duplicates add nothing).
        let mut seen = std::collections::HashSet::new();
        let mut previous: Option<(&str, u32)> = None;
        let mut order_reported = false;
        for tag in theirs {
            if !seen.insert(tag.as_str()) {
                continue;
            }
            let wheel = WheelFilename::from_str(&format!("a-1-{tag}.whl")).expect("wheel");
            match (tags.compatibility(&wheel), previous) {
                (None, _) => mismatches.push(format!(
                    "{spelling} py3.{minor}: lockit rejects {tag}, packaging accepts it"
                )),
                (Some(p), Some((before, q))) if p >= q => {
                    // One report per target: the first place the orders part.
                    if !order_reported {
                        mismatches.push(format!(
                            "{spelling} py3.{minor}: packaging prefers {before} to {tag}, lockit does not"
                        ));
                        order_reported = true;
                    }
                }
                (Some(p), _) => previous = Some((tag, p)),
            }
        }
        // Anything lockit accepts beyond that: built from its own platform tags.
        for plat in plats.iter().map(String::as_str).chain(["any"]) {
            for py in [
                format!("cp3{minor}"),
                format!("py3{minor}"),
                "py3".to_string(),
                "cp32".to_string(),
                "py30".to_string(),
            ] {
                for abi in [
                    format!("cp3{minor}"),
                    "abi3".to_string(),
                    "none".to_string(),
                ] {
                    let tag = format!("{py}-{abi}-{plat}");
                    let wheel = WheelFilename::from_str(&format!("a-1-{tag}.whl")).expect("wheel");
                    if tags.is_compatible(&wheel) && !seen.contains(tag.as_str()) {
                        mismatches.push(format!(
                            "{spelling} py3.{minor}: lockit accepts {tag}, packaging does not"
                        ));
                    }
                    all_tags.push(tag);
                }
            }
        }
        all_tags.extend(theirs.iter().cloned());
    }
    all_tags.sort();
    all_tags.dedup();

    // Wheel filenames from the union of both sides' tags, compressed tag sets, and tags
    // neither side accepts; every target judges every file.
    let mut rng = Rng(0x5eed_0425);
    let mut wheels: Vec<String> = Vec::new();
    let strangers = [
        "cp27-cp27mu-manylinux1_x86_64",
        "cp312-cp312-manylinux_2_17_ppc64le",
        "cp313-cp313t-manylinux_2_17_x86_64",
        "pp310-pypy310_pp73-manylinux_2_17_x86_64",
        "cp312-cp312-macosx_14_0_arm64",
        "cp312-cp312-macosx_10_3_x86_64",
        "cp312-cp312-musllinux_1_3_x86_64",
        "cp312-cp312-manylinux_2_35_x86_64",
        "cp312-cp312-win_ia64",
        "py2-none-any",
        "cp315-abi3-manylinux_2_17_x86_64",
        "cp312-cp312-linux_armv7l",
        "cp312-cp312-macosx_11_0_fat32",
        "cp312-cp312-macosx_10_9_fat3",
    ];
    for _ in 0..3000 {
        let n = if rng.chance(80) { 1 } else { 2 + rng.below(2) };
        let picks: Vec<Vec<&str>> = (0..n)
            .map(|_| {
                let t = if rng.chance(10) {
                    strangers[rng.below(strangers.len())]
                } else {
                    all_tags[rng.below(all_tags.len())].as_str()
                };
                t.split('-').collect()
            })
            .collect();
        let join = |i: usize| {
            let mut parts: Vec<&str> = picks.iter().map(|p| p[i]).collect();
            parts.sort_unstable();
            parts.dedup();
            parts.join(".")
        };
        wheels.push(format!("a-1.0-{}-{}-{}.whl", join(0), join(1), join(2)));
    }
    wheels.extend(strangers.iter().map(|t| format!("a-1.0-{t}.whl")));
    let answer = python::ask("tags", &json!({ "targets": targets, "wheels": wheels }));
    let mut checked = 0;
    for ((spelling, minor, tags, _), reference) in ours
        .iter()
        .zip(answer["targets"].as_array().expect("targets"))
    {
        for (file, theirs) in wheels
            .iter()
            .zip(reference["compatible"].as_array().expect("compatible"))
        {
            let wheel = WheelFilename::from_str(file).expect("wheel");
            let ours = tags.is_compatible(&wheel);
            checked += 1;
            if Some(ours) != theirs.as_bool() {
                mismatches.push(format!(
                    "{spelling} py3.{minor} {file}: lockit {ours}, packaging {theirs}"
                ));
            }
        }
    }
    fail_on("platform tag/wheel", checked, &mismatches);
}
