//! The marker algebra a universal solve needs, on top of pep508_rs's `MarkerTree`: no
//! marker solver of our own, only the ways lockit uses it (extras removed, a Python floor).

use std::ops::Bound;
use std::str::FromStr;

use lockit_types::{ExtraName, Version, WheelFilename};
use pep508_rs::{
    ExtraOperator, MarkerExpression, MarkerTree, MarkerTreeKind, MarkerValueExtra,
    MarkerValueVersion,
};

/// `marker` with its `extra` atoms decided: those naming one of `extras` hold, all others
/// do not. What is left speaks only of the environment.
pub fn without_extras(marker: &MarkerTree, extras: &[ExtraName]) -> MarkerTree {
    // Cheap test first: a marker without extras is unchanged when they are all set.
    if marker.clone().simplify_extras_with(|_| true) == *marker {
        return marker.clone();
    }
    let mut out = MarkerTree::FALSE;
    for conjunct in marker.to_dnf() {
        let mut term = MarkerTree::TRUE;
        let mut holds = true;
        for atom in conjunct {
            match atom {
                MarkerExpression::Extra { operator, name } => {
                    let present = match &name {
                        MarkerValueExtra::Extra(e) => extras.contains(e),
                        MarkerValueExtra::Arbitrary(_) => false,
                    };
                    holds &= present == (operator == ExtraOperator::Equal);
                }
                other => term.and(MarkerTree::expression(other)),
            }
        }
        if holds {
            out.or(term);
        }
    }
    out
}

/// `python_full_version >= "floor"`.
pub fn python_at_least(floor: &Version) -> MarkerTree {
    MarkerTree::from_str(&format!("python_full_version >= '{floor}'")).unwrap_or(MarkerTree::TRUE)
}

/// The lowest Python `marker` allows, when it bounds the Python version from below.
pub fn python_floor(marker: &MarkerTree) -> Option<Version> {
    match marker.kind() {
        MarkerTreeKind::Version(node) if *node.key() == MarkerValueVersion::PythonFullVersion => {
            let mut floor: Option<Version> = None;
            for (range, child) in node.edges() {
                if child.is_false() {
                    continue;
                }
                let (lower, _) = range.bounding_range()?;
                let v = match lower {
                    Bound::Included(v) | Bound::Excluded(v) => v.clone(),
                    Bound::Unbounded => return None,
                };
                floor = Some(floor.map_or(v.clone(), |f| f.min(v)));
            }
            floor
        }
        MarkerTreeKind::Version(node) => node
            .edges()
            .filter(|(_, child)| !child.is_false())
            .map(|(_, child)| python_floor(&child))
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .min(),
        _ => None,
    }
}

/// What every real Python knows about its platform: `sys_platform`, `platform_system`
/// and `os_name` name one system together (`win32`, `Windows`, `nt`; `darwin`, `Darwin`,
/// `posix`; `linux`, `Linux`, `posix`; or none of these).
fn platform_facts() -> MarkerTree {
    MarkerTree::from_str(
        "(sys_platform == 'win32' and platform_system == 'Windows' and os_name == 'nt') \
         or (sys_platform == 'darwin' and platform_system == 'Darwin' and os_name == 'posix') \
         or (sys_platform == 'linux' and platform_system == 'Linux' and os_name == 'posix') \
         or (sys_platform != 'win32' and sys_platform != 'darwin' and sys_platform != 'linux' \
             and platform_system != 'Windows' and platform_system != 'Darwin' \
             and platform_system != 'Linux' and os_name != 'nt')",
    )
    .unwrap_or(MarkerTree::TRUE)
}

/// At most this many terms in a marker's disjunctive form are simplified (beyond, the
/// marker is left as the algebra gives it).
const MAX_TERMS: usize = 64;

fn all_of(atoms: &[MarkerTree]) -> MarkerTree {
    let mut out = MarkerTree::TRUE;
    for a in atoms {
        out.and(a.clone());
    }
    out
}

fn any_of(terms: &[MarkerTree]) -> MarkerTree {
    let mut out = MarkerTree::FALSE;
    for t in terms {
        out.or(t.clone());
    }
    out
}

/// `marker` simplified with [`platform_facts`]: terms no real platform satisfies are
/// dropped (`platform_system == 'Linux' and sys_platform == 'win32'`), then atoms the rest
/// of their term implies (`platform_system == 'Darwin'` beside `sys_platform == 'darwin'`),
/// then terms other terms cover. It holds in exactly the same real environments.
pub fn readable(marker: &MarkerTree) -> MarkerTree {
    let dnf = marker.to_dnf();
    if dnf.len() > MAX_TERMS || marker.is_true() || marker.is_false() {
        return marker.clone();
    }
    let facts = platform_facts();
    let within = |m: &MarkerTree| {
        let mut m = m.clone();
        m.and(facts.clone());
        m
    };
    let mut terms: Vec<MarkerTree> = Vec::new();
    for conjunct in dnf {
        let mut atoms: Vec<MarkerTree> = conjunct.into_iter().map(MarkerTree::expression).collect();
        if within(&all_of(&atoms)).is_false() {
            continue;
        }
        let mut i = 0;
        while i < atoms.len() {
            let rest: Vec<MarkerTree> = atoms
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, a)| a.clone())
                .collect();
            if implies(&within(&all_of(&rest)), &atoms[i]) {
                atoms.remove(i);
            } else {
                i += 1;
            }
        }
        terms.push(all_of(&atoms));
    }
    let mut i = 0;
    while i < terms.len() {
        let others: Vec<MarkerTree> = terms
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, t)| t.clone())
            .collect();
        if implies(&within(&terms[i]), &any_of(&others)) {
            terms.remove(i);
        } else {
            i += 1;
        }
    }
    let simpler = any_of(&terms);
    // Only ever a shorter spelling of the same thing.
    let len = |m: &MarkerTree| m.contents().map_or(0, |c| c.to_string().len());
    if len(&simpler) < len(marker) {
        simpler
    } else {
        marker.clone()
    }
}

/// The environments a wheel's tags admit, as far as markers can say: its Pythons
/// (`cp312` is CPython 3.12, `cp39-abi3` CPython 3.9 and newer, `py3` any Python 3) and
/// its systems (`win_*` Windows, `macosx_*` macOS, `*linux*` Linux). Tags markers cannot
/// tell apart (architectures, glibc versions) are left to the installer.
pub fn wheel_marker(wheel: &WheelFilename) -> MarkerTree {
    let abi3 = wheel.abi().any(|a| a == "abi3");
    let mut pythons = MarkerTree::FALSE;
    for tag in wheel.python() {
        pythons.or(python_tag_marker(tag, abi3));
    }
    let mut systems = MarkerTree::FALSE;
    for tag in wheel.platform() {
        let system = if tag.starts_with("win") {
            "sys_platform == 'win32'"
        } else if tag.starts_with("macosx") {
            "sys_platform == 'darwin'"
        } else if tag.contains("linux") {
            "sys_platform == 'linux'"
        } else {
            ""
        };
        systems.or(MarkerTree::from_str(system).unwrap_or(MarkerTree::TRUE));
    }
    pythons.and(systems);
    pythons
}

/// The Pythons one wheel python tag admits (true when it is not one we read).
fn python_tag_marker(tag: &str, abi3: bool) -> MarkerTree {
    let (kind, digits) = tag.split_at(tag.len().min(2));
    let version = match digits.len() {
        0 => return MarkerTree::TRUE,
        1 => digits.to_string(),
        _ => format!("{}.{}", &digits[..1], &digits[1..]),
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return MarkerTree::TRUE;
    }
    let text = match (kind, digits.len()) {
        ("py", 1) => {
            let major: u32 = digits.parse().unwrap_or(3);
            format!(
                "python_version >= '{major}' and python_version < '{}'",
                major + 1
            )
        }
        ("py", _) => format!("python_full_version >= '{version}'"),
        ("cp", _) if abi3 => {
            format!("implementation_name == 'cpython' and python_full_version >= '{version}'")
        }
        ("cp", _) => format!("implementation_name == 'cpython' and python_version == '{version}'"),
        ("pp", _) => format!("implementation_name == 'pypy' and python_version == '{version}'"),
        _ => return MarkerTree::TRUE,
    };
    MarkerTree::from_str(&text).unwrap_or(MarkerTree::TRUE)
}

/// The Pythons `spec` (a Requires-Python) admits, as a marker.
pub fn requires_python_marker(spec: &lockit_types::VersionSpecifiers) -> MarkerTree {
    let mut out = MarkerTree::TRUE;
    for s in spec.iter() {
        let text = format!("python_full_version {} '{}'", s.operator(), s.version());
        match MarkerTree::from_str(&text) {
            Ok(m) => out.and(m),
            // Not one a marker can say (`~=3`): no split on it.
            Err(_) => return MarkerTree::TRUE,
        }
    }
    out
}

/// When a release's Requires-Python admits part of `space` only: that part first, then
/// the rest (solved first, the part with the newer release gives its pins as preferences).
pub fn requires_python_split(
    space: &MarkerTree,
    spec: &lockit_types::VersionSpecifiers,
) -> Option<Vec<MarkerTree>> {
    let admitted = requires_python_marker(spec);
    let mut inside = space.clone();
    inside.and(admitted.clone());
    let mut outside = space.clone();
    outside.and(admitted.negate());
    (!inside.is_false() && !outside.is_false()).then(|| vec![inside, outside])
}

/// True when every environment of `space` satisfies `marker`.
pub fn implies(space: &MarkerTree, marker: &MarkerTree) -> bool {
    space.is_disjoint(&marker.negate())
}

/// `marker` as written into a lock, with the Python floor the whole lock assumes left out;
/// `None` when it always holds there.
pub fn lock_text(marker: &MarkerTree, python_floor: &Version) -> Option<String> {
    let simple = marker
        .clone()
        .simplify_python_versions(Bound::Included(python_floor), Bound::Unbounded);
    simple.contents().map(|c| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> MarkerTree {
        MarkerTree::from_str(s).expect("valid marker")
    }

    #[test]
    fn extras_are_decided() {
        let extra: ExtraName = "dev".parse().expect("extra");
        let marker = m("sys_platform == 'linux' and extra == 'dev'");
        assert_eq!(without_extras(&marker, &[]), MarkerTree::FALSE);
        assert_eq!(
            without_extras(&marker, std::slice::from_ref(&extra)),
            m("sys_platform == 'linux'")
        );
        let plain = m("python_version < '3.11'");
        assert_eq!(without_extras(&plain, &[extra]), plain);
    }

    #[test]
    fn readable_markers_use_platform_facts() {
        let cases = [
            (
                "(platform_machine == 'AMD64' and platform_system == 'Linux' and sys_platform == 'win32') \
                 or (platform_machine == 'x86_64' and platform_system == 'Linux' and sys_platform == 'linux')",
                "platform_machine == 'x86_64' and sys_platform == 'linux'",
            ),
            (
                "os_name != 'nt' or (sys_platform != 'emscripten' and sys_platform != 'win32')",
                "os_name != 'nt'",
            ),
            ("sys_platform == 'darwin' and platform_system == 'Darwin'", "sys_platform == 'darwin'"),
            ("python_full_version < '3.11'", "python_full_version < '3.11'"),
        ];
        for (given, want) in cases {
            let got = readable(&m(given));
            assert_eq!(got, m(want), "{given}");
        }
    }

    #[test]
    fn wheel_markers() {
        let wheel = |f: &str| WheelFilename::from_str(f).expect("wheel");
        let space = python_at_least(&Version::from_str("3.10").expect("version"));
        let cases = [
            ("x-1.0-py3-none-any.whl", true),
            ("x-1.0-py2-none-any.whl", false),
            ("x-1.0-cp39-cp39-win_amd64.whl", false),
            ("x-1.0-cp312-cp312-win_amd64.whl", true),
            ("x-1.0-cp38-abi3-manylinux_2_17_x86_64.whl", true),
            ("x-1.0-pp39-pypy39_pp73-manylinux_2_17_x86_64.whl", false),
        ];
        for (file, installable) in cases {
            assert_eq!(
                !wheel_marker(&wheel(file)).is_disjoint(&space),
                installable,
                "{file}"
            );
        }
        let linux = m("sys_platform == 'linux'");
        assert!(wheel_marker(&wheel("x-1.0-cp312-cp312-win_amd64.whl")).is_disjoint(&linux));
    }

    #[test]
    fn floors() {
        let v = |s: &str| Version::from_str(s).expect("version");
        assert_eq!(python_floor(&python_at_least(&v("3.10"))), Some(v("3.10")));
        let both = {
            let mut t = python_at_least(&v("3.9"));
            t.and(m("python_version >= '3.11' and sys_platform == 'linux'"));
            t
        };
        assert_eq!(python_floor(&both), Some(v("3.11")));
        assert_eq!(python_floor(&m("sys_platform == 'linux'")), None);
    }

    #[test]
    fn lock_text_leaves_out_the_floor() {
        let v = Version::from_str("3.10").expect("version");
        assert_eq!(lock_text(&python_at_least(&v), &v), None);
        let mut t = python_at_least(&v);
        t.and(m("sys_platform == 'darwin'"));
        assert_eq!(
            lock_text(&t, &v).as_deref(),
            Some("sys_platform == 'darwin'")
        );
    }
}
