//! Availability: every reason a version that exists cannot be used (no wheel for the
//! target, `Requires-Python`, binary policy, unreadable metadata, a direct URL), as data,
//! and the one place that puts those reasons into words.

use std::fmt;

use lockit_types::{Target, VersionSpecifiers};

use crate::options::ResolveOptions;

/// Why a version that exists on the index cannot be installed on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// Every file requires a Python the target is not.
    RequiresPython(VersionSpecifiers),
    /// Only wheels, none for the target's tags; the tags that exist are listed.
    NoCompatibleWheel(Vec<String>),
    /// Only sdists, and `--only-binary` forbids them.
    SdistOnly,
    /// Only wheels, and `--no-binary` forbids them.
    WheelOnly,
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::RequiresPython(spec) => write!(f, "requires Python {spec}"),
            Unusable::NoCompatibleWheel(tags) => {
                write!(
                    f,
                    "has no wheel for the target (its wheels are for {})",
                    abis(tags).join(", ")
                )
            }
            Unusable::SdistOnly => f.write_str("has only an sdist, and binary-only was requested"),
            Unusable::WheelOnly => f.write_str("has only wheels, and --no-binary was requested"),
        }
    }
}

/// The distinct ABI tags of a list of `py-abi-platform` tags, in version order.
pub(crate) fn abis(tags: &[String]) -> Vec<String> {
    let mut abis: Vec<String> = tags
        .iter()
        .filter_map(|t| t.split('-').nth(1))
        .flat_map(|a| a.split('.'))
        .map(str::to_string)
        .collect();
    abis.sort_by_key(|a| {
        let digits: String = a.chars().filter(char::is_ascii_digit).collect();
        (
            a.chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect::<String>(),
            digits.parse::<u32>().unwrap_or(0),
        )
    });
    abis.dedup();
    abis
}

/// Why PubGrub may not use a version that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// The target cannot install any of its files.
    Unusable(Unusable),
    /// Its metadata cannot be had.
    Metadata(String),
    /// Its metadata's `Requires-Python` excludes the target.
    RequiresPython(VersionSpecifiers),
    /// It uses a direct URL, which this resolver does not follow for dependencies.
    DirectUrl(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::Unusable(u) => write!(f, "{u}"),
            Unavailable::Metadata(m) => write!(f, "has unusable metadata: {m}"),
            Unavailable::RequiresPython(s) => write!(f, "requires Python {s}"),
            Unavailable::DirectUrl(u) => write!(f, "depends on the direct URL {u}"),
        }
    }
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
        .filter_map(|t| t.splitn(3, '-').nth(2))
        .flat_map(|p| p.split('.'))
        .map(str::to_string)
        .collect();
    list.sort();
    list.dedup();
    list
}

/// What is wrong with the wheels of a version whose tags do not fit the target.
pub(crate) fn wheel_problem(tags: &[String], target: &Target) -> String {
    let abis = abis(tags);
    let own = target_abi(target);
    let abi_fits = abis.iter().any(|a| *a == own || a == "abi3" || a == "none");
    if abi_fits {
        format!(
            "has no wheel for {} (its wheels are for {})",
            target.platform,
            platforms(tags).join(", ")
        )
    } else {
        format!(
            "has no wheel for {own} (its wheels are for {})",
            abis.join(", ")
        )
    }
}

/// Why a version cannot be used, in words.
pub(crate) fn unavailable_text(why: &Unavailable, target: &Target) -> String {
    match why {
        Unavailable::Unusable(Unusable::NoCompatibleWheel(tags)) => wheel_problem(tags, target),
        Unavailable::Unusable(Unusable::RequiresPython(spec))
        | Unavailable::RequiresPython(spec) => {
            format!("requires Python {spec}")
        }
        Unavailable::Unusable(Unusable::SdistOnly) => {
            "is published only as an sdist (which --only-binary rules out)".to_string()
        }
        Unavailable::Unusable(Unusable::WheelOnly) => {
            "is published only as wheels (which --no-binary rules out)".to_string()
        }
        other => other.to_string(),
    }
}

/// Why the target cannot install a version, in words.
pub(crate) fn unusable_text(u: &Unusable, options: &ResolveOptions) -> String {
    match u {
        Unusable::NoCompatibleWheel(tags) => wheel_problem(tags, &options.target),
        other => other.to_string(),
    }
}
