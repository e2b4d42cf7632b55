//! Wheel tags (`py-abi-platform`) as a report names them: the interpreters and platforms
//! a release's wheels are for, and whether one fits the target's interpreter.

use lockit_types::{TagSet, Target};

use crate::prose::{and_list, newest};

/// The distinct ABI tags of a list of `py-abi-platform` tags, in version order.
pub(crate) fn abis(tags: &[String]) -> Vec<String> {
    let mut abis: Vec<String> = tags
        .iter()
        .filter_map(|t| TagSet::parse(t))
        .flat_map(|set| set.abi())
        .map(str::to_string)
        .collect();
    natural_sort(&mut abis);
    abis
}

/// Sorts tags like `cp39`, `cp310`, `pypy39_pp73` by letters, then number.
fn natural_sort(list: &mut Vec<String>) {
    list.sort_by_key(|a| {
        let digits: String = a.chars().filter(char::is_ascii_digit).collect();
        (
            a.chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect::<String>(),
            digits.parse::<u64>().unwrap_or(0),
        )
    });
    list.dedup();
}

/// The interpreters wheels are built for, in version order: the ABI tag (`cp39`,
/// `cp27mu`), or the Python tag where the ABI tag says nothing of it (`cp27` of
/// `cp27-none-macosx_10_6_intel`, `cp36` of `cp36-abi3-…`).
pub(crate) fn interpreters(tags: &[String]) -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    for set in tags.iter().filter_map(|t| TagSet::parse(t)) {
        for a in set.abi() {
            if a == "none" || a == "abi3" {
                list.extend(set.python().map(str::to_string));
            } else {
                list.push(a.to_string());
            }
        }
    }
    natural_sort(&mut list);
    list
}

/// True when a wheel tagged `tag` is built for the target's interpreter, whatever its
/// platform: `py3-none-…`, `cp312-cp312-…`, `cp39-abi3-…` for CPython 3.12.
pub(crate) fn fits_interpreter(tag: &str, target: &Target) -> bool {
    let Some(set) = TagSet::parse(tag) else {
        return false;
    };
    let own = target_abi(target);
    let minor = target.python.release().get(1).copied().unwrap_or(0);
    let py3_up_to = |t: &str, prefix: &str| {
        t.strip_prefix(prefix).is_some_and(|rest| {
            rest == "3"
                || rest
                    .strip_prefix('3')
                    .and_then(|m| m.parse::<u64>().ok())
                    .is_some_and(|m| m <= minor)
        })
    };
    set.python().any(|p| {
        set.abi().any(|a| match a {
            "none" => py3_up_to(p, "py") || p == own,
            "abi3" => py3_up_to(p, "cp"),
            a => a == own && p == own,
        })
    })
}

/// `cp312`: the ABI tag of the target's interpreter.
pub(crate) fn target_abi(target: &Target) -> String {
    let r = target.python.release();
    format!(
        "cp{}{}",
        r.first().copied().unwrap_or(3),
        r.get(1).copied().unwrap_or(0)
    )
}

/// The distinct platform tags of `py-abi-platform` tags.
pub(crate) fn platforms(tags: &[String]) -> Vec<String> {
    let mut list: Vec<String> = tags
        .iter()
        .filter_map(|t| TagSet::parse(t))
        .flat_map(|set| set.platform())
        .map(str::to_string)
        .collect();
    list.sort();
    list.dedup();
    list
}

/// The interpreters of `tags` worth naming: CPython's when there are any (PyPy's sort
/// after them and say less).
pub(crate) fn main_abis(tags: &[String]) -> Vec<String> {
    let all = interpreters(tags);
    let cpython: Vec<String> = all
        .iter()
        .filter(|a| a.starts_with("cp"))
        .cloned()
        .collect();
    if cpython.is_empty() {
        all
    } else {
        cpython
    }
}

/// The platforms of `tags` for the target's interpreter, those of the target's
/// operating system named and the others counted by system: `manylinux1_i686,
/// manylinux1_x86_64, macOS and Windows`.
pub(crate) fn platform_summary(tags: &[String], target: &Target) -> String {
    let fitting: Vec<String> = tags
        .iter()
        .filter(|t| fits_interpreter(t, target))
        .cloned()
        .collect();
    let tags = if fitting.is_empty() {
        tags
    } else {
        &fitting[..]
    };
    let system = |p: &str| -> &'static str {
        if p.contains("macos") || p.contains("darwin") {
            "macOS"
        } else if p.starts_with("win") || p.contains("windows") {
            "Windows"
        } else if p.contains("linux") {
            "Linux"
        } else {
            "other systems"
        }
    };
    let own = system(&target.platform.to_string());
    let all = platforms(tags);
    let mut named: Vec<String> = all.iter().filter(|p| system(p) == own).cloned().collect();
    if named.len() > 3 {
        named = vec![newest(&named, 3)];
    }
    let mut others: Vec<String> = Vec::new();
    for p in &all {
        let s = system(p);
        if s != own && !others.iter().any(|o| o == s) {
            others.push(s.to_string());
        }
    }
    named.extend(others);
    and_list(&named)
}
