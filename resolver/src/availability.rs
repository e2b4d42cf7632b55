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

/// Why the core metadata of a version cannot be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataProblem {
    /// Its files' metadata is missing or malformed: the index client's explanation.
    Unreadable(String),
    /// Only an sdist whose metadata must be built (PEP 517), and the named option
    /// (`--no-build`, `--no-build-package NAME`) forbids building it.
    BuildDisabled(String),
    /// Building the sdist's metadata failed: the hook that failed and its last error line.
    BuildFailed(String),
}

impl MetadataProblem {
    /// True when a build was forbidden or failed (the user can act on the build).
    pub fn is_build(&self) -> bool {
        !matches!(self, MetadataProblem::Unreadable(_))
    }
}

impl From<String> for MetadataProblem {
    fn from(reason: String) -> Self {
        MetadataProblem::Unreadable(reason)
    }
}

impl From<&str> for MetadataProblem {
    fn from(reason: &str) -> Self {
        MetadataProblem::Unreadable(reason.to_string())
    }
}

/// The reason alone (`Unreadable` is the client's text as given, so recordings round-trip).
impl fmt::Display for MetadataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataProblem::Unreadable(m) => f.write_str(m),
            MetadataProblem::BuildDisabled(flag) => write!(
                f,
                "its metadata must be built from the sdist, and {flag} forbids building it"
            ),
            MetadataProblem::BuildFailed(why) => write!(f, "building its metadata failed: {why}"),
        }
    }
}

/// Why PubGrub may not use a version that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// The target cannot install any of its files.
    Unusable(Unusable),
    /// Its metadata cannot be had.
    Metadata(MetadataProblem),
    /// Its metadata's `Requires-Python` excludes the target.
    RequiresPython(VersionSpecifiers),
    /// It uses a direct URL, which this resolver does not follow for dependencies.
    DirectUrl(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::Unusable(u) => write!(f, "{u}"),
            Unavailable::Metadata(m @ MetadataProblem::Unreadable(_)) => {
                write!(f, "has unusable metadata: {m}")
            }
            Unavailable::Metadata(MetadataProblem::BuildDisabled(flag)) => {
                write!(f, "must be built for its metadata, which {flag} forbids")
            }
            Unavailable::Metadata(MetadataProblem::BuildFailed(why)) => {
                write!(f, "could not be built ({why})")
            }
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

/// What to do about a release whose metadata could not be had (`at` names the release,
/// `name` the project), for the report's hints.
pub(crate) fn metadata_hint(at: &str, name: &str, problem: &MetadataProblem) -> String {
    match problem {
        MetadataProblem::Unreadable(m) => format!(
            "the metadata of {at} could not be read ({m}); try --refresh, or exclude that release"
        ),
        MetadataProblem::BuildDisabled(flag) => format!(
            "{at} has only an sdist whose metadata must be built, which {flag} forbids; allow building {name}, or constrain {name} to a release with a wheel"
        ),
        MetadataProblem::BuildFailed(_) => format!(
            "{at} could not be built (its output is above); constrain {name} to a release with a wheel, or pass --no-build-package {name} to skip building it"
        ),
    }
}

/// The warning for a pin older than a release skipped for its metadata:
/// `dyn 2.0.0 was skipped (building its metadata failed: …); dyn 1.0.0 is pinned instead`.
pub(crate) fn skipped_newer_text(
    name: &lockit_types::PackageName,
    pinned: &lockit_types::Version,
    skipped: &lockit_types::Version,
    problem: &MetadataProblem,
) -> String {
    format!("{name} {skipped} was skipped ({problem}); {name} {pinned} is pinned instead")
}
