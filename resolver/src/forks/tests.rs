//! Forks on in-memory indexes: where a universal solve splits, what each fork prefers,
//! and how the forks merge.

use std::str::FromStr;

use lockit_types::{PackageName, Version};
use pep508_rs::MarkerTree;

use super::prefer::locked_in;
use super::split::split_on_markers;
use crate::tests::{roots, MemoryIndex};
use crate::{resolve, ResolveOptions, ResolverEnvironment, UniversalSpace};

fn marker(s: &str) -> MarkerTree {
    MarkerTree::from_str(s).unwrap()
}

fn name(s: &str) -> PackageName {
    PackageName::from_str(s).unwrap()
}

fn version(s: &str) -> Version {
    Version::from_str(s).unwrap()
}

/// Options for a universal lock from Python `floor` on.
fn universal(floor: &str) -> ResolveOptions {
    let space = UniversalSpace::from_floor(version(floor));
    ResolveOptions::for_environment(ResolverEnvironment::universal(space).unwrap())
}

/// The lock's pins as `name==version ; marker` (no marker where it always holds).
fn lock(index: &MemoryIndex, reqs: &[&str], options: &ResolveOptions) -> Vec<String> {
    let resolution = resolve(index, &roots(reqs), &[], options).unwrap();
    resolution
        .packages
        .iter()
        .map(|p| match p.marker.contents() {
            Some(m) => format!("{}=={} ; {m}", p.name, p.version),
            None => format!("{}=={}", p.name, p.version),
        })
        .collect()
}

#[test]
fn markers_on_one_name_split_the_space_in_two() {
    let space = marker("python_full_version >= '3.10'");
    let parts = split_on_markers(
        &space,
        &[
            (name("a"), marker("python_version >= '3.11'")),
            (name("a"), marker("python_version < '3.11'")),
        ],
    )
    .expect("a split");
    assert_eq!(parts.len(), 2);
    assert!(parts[0].is_disjoint(&parts[1]));

    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &[]);
    idx.add("a", "2.0", &[]);
    let pins = lock(
        &idx,
        &[
            "a>=2 ; python_version >= '3.11'",
            "a<2 ; python_version < '3.11'",
        ],
        &universal("3.10"),
    );
    assert_eq!(
        pins,
        [
            "a==1.0 ; python_full_version < '3.11'",
            "a==2.0 ; python_full_version >= '3.11'",
        ]
    );
}

#[test]
fn markers_that_hold_throughout_the_space_or_name_different_packages_do_not_split() {
    let space = marker("python_full_version >= '3.10'");
    // Both hold everywhere from 3.10: nothing to tell apart.
    let same = [
        (name("a"), marker("python_version >= '3.8'")),
        (name("a"), MarkerTree::TRUE),
    ];
    assert_eq!(split_on_markers(&space, &same), None);
    // Different markers on different packages: each applies where it holds.
    let apart = [
        (name("a"), marker("sys_platform == 'linux'")),
        (name("b"), marker("sys_platform == 'win32'")),
    ];
    assert_eq!(split_on_markers(&space, &apart), None);
}

#[test]
fn forks_that_pick_the_same_version_merge_into_one_pin() {
    let mut idx = MemoryIndex::default();
    idx.add("b", "1.0", &[]);
    idx.add("b", "2.0", &["c"]);
    idx.add("c", "1.0", &[]);
    let reqs = [
        "b ; sys_platform == 'linux'",
        "b>=1 ; sys_platform == 'win32'",
    ];
    let markers: Vec<_> = roots(&reqs)
        .into_iter()
        .map(|r| (r.requirement.name, r.requirement.marker))
        .collect();
    let space = marker("python_full_version >= '3.10'");
    // Linux, Windows, and the rest (which needs no b): three forks, two of them pick b 2.0.
    assert_eq!(split_on_markers(&space, &markers).map(|p| p.len()), Some(3));
    assert_eq!(
        lock(&idx, &reqs, &universal("3.10")),
        [
            "b==2.0 ; sys_platform == 'linux' or sys_platform == 'win32'",
            "c==1.0 ; sys_platform == 'linux' or sys_platform == 'win32'",
        ]
    );
}

#[test]
fn a_locked_pin_is_preferred_in_the_fork_its_marker_meets() {
    let mut idx = MemoryIndex::default();
    for v in ["1.0", "2.0", "3.0"] {
        idx.add("a", v, &[]);
    }
    let reqs = [
        "a ; python_version < '3.11'",
        "a>=1 ; python_version >= '3.11'",
    ];
    // Unlocked, both forks take the newest and merge.
    assert_eq!(lock(&idx, &reqs, &universal("3.10")), ["a==3.0"]);

    let mut options = universal("3.10");
    options.environment.prefer_locked(vec![
        (name("a"), version("1.0"), marker("python_version < '3.11'")),
        (
            name("a"),
            version("2.0"),
            marker("python_version >= '3.11'"),
        ),
    ]);
    assert_eq!(
        lock(&idx, &reqs, &options),
        [
            "a==1.0 ; python_full_version < '3.11'",
            "a==2.0 ; python_full_version >= '3.11'",
        ]
    );
}

#[test]
fn where_several_locked_pins_meet_a_fork_the_newest_is_preferred() {
    let locked = [
        (name("a"), version("1.0"), marker("python_version < '3.11'")),
        (
            name("a"),
            version("2.0"),
            marker("python_version >= '3.11'"),
        ),
        (name("b"), version("5.0"), marker("sys_platform == 'win32'")),
    ];
    let whole = locked_in(&locked, &marker("python_full_version >= '3.10'"));
    assert_eq!(whole.get(&name("a")), Some(&&version("2.0")));
    let linux_310 = locked_in(
        &locked,
        &marker("python_full_version < '3.11' and sys_platform == 'linux'"),
    );
    assert_eq!(linux_310.get(&name("a")), Some(&&version("1.0")));
    assert_eq!(linux_310.get(&name("b")), None);
}

#[test]
fn newest_release_needing_newer_python_forks_at_its_floor() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &[]);
    idx.add("a", "2.0", &[]).requires_python = Some(">=3.11".parse().unwrap());
    assert_eq!(
        lock(&idx, &["a"], &universal("3.10")),
        [
            "a==1.0 ; python_full_version < '3.11'",
            "a==2.0 ; python_full_version >= '3.11'",
        ]
    );
    // From 3.11 on, nothing needs an older release: no fork.
    assert_eq!(lock(&idx, &["a"], &universal("3.11")), ["a==2.0"]);
}

#[test]
fn a_version_an_earlier_fork_chose_is_preferred_by_the_next() {
    let mut idx = MemoryIndex::default();
    idx.add("a", "1.0", &["c<2"]);
    idx.add("a", "2.0", &["c"]);
    idx.add("c", "1.0", &[]);
    idx.add("c", "2.0", &[]);
    // The fork from 3.11 is solved first (newer Pythons first) and takes c 1.0; the
    // fork before 3.11 could take c 2.0 but keeps the version the first one chose.
    assert_eq!(
        lock(
            &idx,
            &[
                "a==1.0 ; python_version >= '3.11'",
                "a==2.0 ; python_version < '3.11'"
            ],
            &universal("3.10"),
        ),
        [
            "a==1.0 ; python_full_version >= '3.11'",
            "a==2.0 ; python_full_version < '3.11'",
            "c==1.0",
        ]
    );
}

#[test]
fn a_pin_hashes_only_the_wheels_its_environments_install() {
    let mut idx = MemoryIndex::default();
    idx.add_tagged("a", "1.0", "cp310-cp310-manylinux_2_17_x86_64", &[]);
    idx.add_tagged("a", "1.0", "cp312-cp312-manylinux_2_17_x86_64", &[]);
    idx.add_tagged("a", "1.0", "cp312-cp312-win_amd64", &[]);
    let resolution = resolve(
        &idx,
        &roots(&["a ; sys_platform == 'linux'"]),
        &[],
        &universal("3.10"),
    )
    .unwrap();
    let files: Vec<&str> = resolution.packages[0]
        .files
        .iter()
        .map(|f| f.url.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "https://files.example/a-1.0-cp310-cp310-manylinux_2_17_x86_64.whl",
            "https://files.example/a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
        ]
    );
}
