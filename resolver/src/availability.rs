//! Availability: every reason a version that exists cannot be used (no wheel for the
//! target, `Requires-Python`, binary policy, unreadable metadata, a direct URL), as data,
//! and the one place that puts those reasons into words.

use std::fmt;

use lockit_types::{Target, Version, VersionSpecifiers};
use pubgrub::Ranges;

use crate::options::ResolveOptions;
use crate::package::Pkg;
use crate::prose::{agree, and_list, clip, newest};

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
    for tag in tags {
        let mut parts = tag.split('-');
        let (Some(py), Some(abi)) = (parts.next(), parts.next()) else {
            continue;
        };
        for a in abi.split('.') {
            if a == "none" || a == "abi3" {
                list.extend(py.split('.').map(str::to_string));
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
    let mut parts = tag.split('-');
    let (Some(py), Some(abi)) = (parts.next(), parts.next()) else {
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
    py.split('.').any(|p| {
        abi.split('.').any(|a| match a {
            "none" => py3_up_to(p, "py") || p == own,
            "abi3" => py3_up_to(p, "cp"),
            a => a == own && p == own,
        })
    })
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
    /// Only an sdist, and `--only-binary` forbids sdists for the package.
    OnlyBinary,
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
            MetadataProblem::OnlyBinary => {
                f.write_str("it is published only as an sdist, and --only-binary forbids sdists")
            }
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
            Unavailable::Metadata(MetadataProblem::OnlyBinary) => {
                write!(f, "{}", Unusable::SdistOnly)
            }
            Unavailable::RequiresPython(s) => write!(f, "requires Python {s}"),
            Unavailable::DirectUrl(u) => write!(f, "depends on the direct URL {u}"),
        }
    }
}

/// The derivation tree PubGrub gives when nothing resolves: its external facts carry the
/// reasons versions were unavailable, which the report words.
pub(crate) type Derivation = pubgrub::DerivationTree<Pkg, Ranges<Version>, Unavailable>;

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
    if tags.iter().any(|t| fits_interpreter(t, target)) {
        format!(
            "has no wheel for {} (its wheels are for {})",
            target.platform,
            platforms(tags).join(", ")
        )
    } else {
        format!(
            "has no wheel for {} (its wheels are for {})",
            target_abi(target),
            interpreters(tags).join(", ")
        )
    }
}

/// Why the target cannot install a version, in words.
pub(crate) fn unusable_text(u: &Unusable, options: &ResolveOptions) -> String {
    match u {
        Unusable::NoCompatibleWheel(tags) => wheel_problem(tags, &options.target),
        other => other.to_string(),
    }
}

/// What a reason is about, so that many versions unusable for one reason make one
/// sentence ("42 releases of tornado have only sdists whose metadata …").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// Wheels for the target's ABI exist, but not for its platform.
    WrongPlatform,
    /// No wheel for the target's Python ABI.
    WrongAbi,
    /// `Requires-Python` excludes the target.
    RequiresPython,
    /// Only sdists, and `--only-binary` forbids them.
    SdistOnly,
    /// Only wheels, and `--no-binary` forbids them.
    WheelOnly,
    /// Only an sdist whose metadata cannot be read without building it.
    DynamicSdist,
    /// Only an sdist whose metadata must be built, and an option forbids building it.
    BuildDisabled,
    /// Only an sdist, and building its metadata failed.
    BuildFailed,
    /// Only an sdist in an archive format lockit does not read.
    Archive,
    /// The metadata is malformed or for another version.
    InvalidMetadata,
    /// Any other reason the metadata cannot be had.
    NoMetadata,
    /// A dependency on a direct URL.
    DirectUrl,
}

/// The kind of `why`.
pub(crate) fn kind(why: &Unavailable, target: &Target) -> Kind {
    match why {
        Unavailable::Unusable(Unusable::NoCompatibleWheel(tags)) => {
            if tags.iter().any(|t| fits_interpreter(t, target)) {
                Kind::WrongPlatform
            } else {
                Kind::WrongAbi
            }
        }
        Unavailable::Unusable(Unusable::RequiresPython(_)) | Unavailable::RequiresPython(_) => {
            Kind::RequiresPython
        }
        Unavailable::Unusable(Unusable::SdistOnly) => Kind::SdistOnly,
        Unavailable::Unusable(Unusable::WheelOnly) => Kind::WheelOnly,
        Unavailable::Metadata(MetadataProblem::BuildDisabled(_)) => Kind::BuildDisabled,
        Unavailable::Metadata(MetadataProblem::BuildFailed(_)) => Kind::BuildFailed,
        Unavailable::Metadata(MetadataProblem::OnlyBinary) => Kind::SdistOnly,
        Unavailable::Metadata(MetadataProblem::Unreadable(m)) => {
            if m.contains("has no static metadata") {
                Kind::DynamicSdist
            } else if m.contains("archive format") {
                Kind::Archive
            } else if m.contains("invalid metadata") {
                Kind::InvalidMetadata
            } else {
                Kind::NoMetadata
            }
        }
        Unavailable::DirectUrl(_) => Kind::DirectUrl,
    }
}

impl Kind {
    /// The kind reasons are grouped by: every metadata failure is one.
    pub(crate) fn family(self) -> Kind {
        match self {
            Kind::DynamicSdist
            | Kind::BuildDisabled
            | Kind::BuildFailed
            | Kind::Archive
            | Kind::InvalidMetadata
            | Kind::NoMetadata => Kind::NoMetadata,
            other => other,
        }
    }
}

/// The kind to word a group of reasons by: their own when they agree, else their
/// family's.
pub(crate) fn common_kind(whys: &[&Unavailable], target: &Target) -> Option<Kind> {
    let first = kind(whys.first()?, target);
    if whys.iter().all(|w| kind(w, target) == first) {
        Some(first)
    } else {
        Some(first.family())
    }
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

/// The predicate of a sentence about versions unusable for reasons of one kind:
/// "have no wheel for cp312 (their wheels are for …, cp310, cp311)". `whys` all have
/// `kind`; `plural` is the number of the subject; without `detail`, nothing in
/// parentheses.
pub(crate) fn predicate(
    kind: Kind,
    whys: &[&Unavailable],
    target: &Target,
    plural: bool,
    detail: bool,
) -> String {
    let tags: Vec<String> = whys
        .iter()
        .filter_map(|w| match w {
            Unavailable::Unusable(Unusable::NoCompatibleWheel(t)) => Some(t.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let its = agree(plural, "its", "their");
    let have = agree(plural, "has", "have");
    match kind {
        Kind::WrongPlatform if detail => format!(
            "{have} no wheel for {} ({its} wheels are for {})",
            target.platform,
            platform_summary(&tags, target)
        ),
        Kind::WrongPlatform => format!("{have} no wheel for {}", target.platform),
        Kind::WrongAbi if detail => format!(
            "{have} no wheel for {} ({its} wheels are for {})",
            target_abi(target),
            newest(&main_abis(&tags), 4)
        ),
        Kind::WrongAbi => format!("{have} no wheel for {}", target_abi(target)),
        Kind::RequiresPython => {
            let specs = python_specs(whys);
            if specs.len() == 1 || !detail {
                format!(
                    "{} Python {}",
                    agree(plural, "requires", "require"),
                    specs.last().map_or("", String::as_str)
                )
            } else {
                format!(
                    "{} another Python ({})",
                    agree(plural, "requires", "require"),
                    newest(&specs, 3)
                )
            }
        }
        Kind::SdistOnly if detail => format!(
            "{} published only as {} (which --only-binary rules out)",
            agree(plural, "is", "are"),
            agree(plural, "an sdist", "sdists")
        ),
        Kind::SdistOnly => format!("{have} only {}", agree(plural, "an sdist", "sdists")),
        Kind::WheelOnly if detail => format!(
            "{} published only as wheels (which --no-binary rules out)",
            agree(plural, "is", "are")
        ),
        Kind::WheelOnly => format!("{have} only wheels"),
        Kind::DynamicSdist => format!(
            "{have} only {} without static metadata",
            agree(plural, "an sdist", "sdists")
        ),
        Kind::BuildDisabled => format!(
            "{have} only {} whose metadata must be built, which {} forbids",
            agree(plural, "an sdist", "sdists"),
            build_flag(whys)
        ),
        Kind::BuildFailed => match whys.last() {
            Some(Unavailable::Metadata(MetadataProblem::BuildFailed(why))) if detail => {
                format!("could not be built ({})", clip(why, 160))
            }
            _ => "could not be built".to_string(),
        },
        Kind::Archive => format!(
            "{have} only {} in a format lockit cannot read",
            agree(plural, "an sdist", "sdists")
        ),
        Kind::InvalidMetadata => format!("{have} invalid metadata"),
        Kind::NoMetadata => format!("{have} no metadata lockit can read"),
        Kind::DirectUrl => {
            let urls: Vec<&String> = whys
                .iter()
                .filter_map(|w| match w {
                    Unavailable::DirectUrl(u) => Some(u),
                    _ => None,
                })
                .collect();
            match urls.as_slice() {
                [one] => format!(
                    "{} on the direct URL {one}",
                    agree(plural, "depends", "depend")
                ),
                _ => format!("{} on direct URLs", agree(plural, "depends", "depend")),
            }
        }
    }
}

/// The option that forbade building among `whys` (`--no-build`, `--no-build-package X`).
pub(crate) fn build_flag<'a>(whys: &[&'a Unavailable]) -> &'a str {
    whys.iter()
        .find_map(|w| match w {
            Unavailable::Metadata(MetadataProblem::BuildDisabled(flag)) => Some(flag.as_str()),
            _ => None,
        })
        .unwrap_or("--no-build")
}

/// The distinct `Requires-Python` specifiers among `whys`, in the order first seen.
pub(crate) fn python_specs(whys: &[&Unavailable]) -> Vec<String> {
    let mut specs: Vec<String> = Vec::new();
    for w in whys {
        if let Unavailable::Unusable(Unusable::RequiresPython(s)) | Unavailable::RequiresPython(s) =
            w
        {
            let s = s.to_string();
            if !specs.contains(&s) {
                specs.push(s);
            }
        }
    }
    specs
}

/// A metadata failure in a few words: the repeated "no usable metadata for `x` 1.0:"
/// prefixes dropped, each URL cut to its file name, at most `max` characters.
pub(crate) fn metadata_detail(reason: &str, max: usize) -> String {
    let mut text = reason.trim();
    while let Some(rest) = text.strip_prefix("no usable metadata for `") {
        match rest.find(": ") {
            Some(i) => text = rest[i + 2..].trim_start(),
            None => break,
        }
    }
    let mut text = file_names(text);
    // "invalid metadata for `x` 1.0 in `x-1.0.tar.gz`: " says again what the report says.
    while let Some(i) = text.find("invalid metadata for `") {
        let Some(end) = text[i..]
            .find(" in `")
            .and_then(|j| text[i + j + 5..].find("`: ").map(|k| i + j + 5 + k + 3))
        else {
            break;
        };
        text.replace_range(i..end, "");
    }
    clip(&shorten_quotes(&text, 40), max)
}

/// Each `quoted` part of `text` longer than `max` characters cut to its start, so that
/// what follows a long quoted value (why it was refused) stays in view.
fn shorten_quotes(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backticks.
        if i % 2 == 1 && part.chars().count() > max {
            out.push_str(&clip(part, max));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Every `scheme://…/name` in `text` replaced by `name`.
pub(crate) fn file_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let start = rest[..pos]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '.' || c == '-'))
            .map_or(0, |i| i + 1);
        out.push_str(&rest[..start]);
        let tail = &rest[pos + 3..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | ')' | ';' | ','))
            .unwrap_or(tail.len());
        let url = &tail[..end];
        let url = url.split(['#', '?']).next().unwrap_or(url);
        let name = url.trim_end_matches('/').rsplit('/').next().unwrap_or(url);
        out.push_str(name);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::str::FromStr;

    use lockit_types::Platform;

    use super::*;

    fn target() -> Target {
        Target::new("3.12", Platform::from_str("x86_64-manylinux_2_28").unwrap()).unwrap()
    }

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_wheel_fits_the_interpreter_by_python_and_abi_tags() {
        let t = target();
        for (tag, fits) in [
            ("py3-none-any", true),
            ("py2.py3-none-any", true),
            ("cp312-cp312-win_amd64", true),
            ("cp39-abi3-macosx_11_0_arm64", true),
            ("cp313-abi3-manylinux_2_28_x86_64", false),
            ("cp311-cp311-manylinux_2_28_x86_64", false),
            // Old wheels said `none` for a CPython 2.7 build.
            ("cp27-none-macosx_10_6_intel", false),
            ("py2-none-any", false),
        ] {
            assert_eq!(fits_interpreter(tag, &t), fits, "{tag}");
        }
        assert_eq!(
            interpreters(&tags(&[
                "cp27-none-macosx_10_6_intel",
                "cp27-cp27mu-manylinux1_x86_64",
                "cp310-cp310-x"
            ])),
            ["cp27", "cp27mu", "cp310"]
        );
    }

    #[test]
    fn wheels_for_other_platforms_are_summed_up_by_system() {
        let t = target();
        let list = tags(&[
            "cp312-cp312-macosx_10_9_x86_64",
            "cp312-cp312-macosx_11_0_arm64",
            "cp312-cp312-win_amd64",
            "cp312-cp312-win32",
            "cp312-cp312-musllinux_1_1_aarch64",
            "cp311-cp311-manylinux_2_17_x86_64",
        ]);
        assert_eq!(
            platform_summary(&list, &t),
            "musllinux_1_1_aarch64, macOS and Windows"
        );
        let why = Unavailable::Unusable(Unusable::NoCompatibleWheel(list));
        assert_eq!(kind(&why, &t), Kind::WrongPlatform);
        let old = Unavailable::Unusable(Unusable::NoCompatibleWheel(tags(&[
            "cp27-none-macosx_10_6_intel",
            "cp27-cp27mu-manylinux1_x86_64",
        ])));
        assert_eq!(kind(&old, &t), Kind::WrongAbi);
    }

    #[test]
    fn metadata_failures_are_told_once_without_urls() {
        let url = "https://files.pythonhosted.org/packages/3f/69/dd21/tornado-4.0.tar.gz";
        let reason = format!(
            "no usable metadata for `tornado` 4.0: no usable metadata for `tornado` 4.0: the sdist `{url}` has no static metadata (PKG-INFO: invalid metadata for `tornado` 4.0 in `{url}`: `Requires-Dist` is dynamic; no pyproject.toml)"
        );
        assert_eq!(
            metadata_detail(&reason, 200),
            "the sdist `tornado-4.0.tar.gz` has no static metadata (PKG-INFO: `Requires-Dist` is dynamic; no pyproject.toml)"
        );
        assert_eq!(
            kind(&Unavailable::Metadata(reason.into()), &target()),
            Kind::DynamicSdist
        );
        let long = format!(
            "invalid `Requires-Dist` value `dep; {}`: longer than 1024",
            "x".repeat(900)
        );
        let detail = metadata_detail(&long, 120);
        assert!(detail.ends_with("longer than 1024"), "{detail}");
        assert_eq!(
            file_names("see http://h/x/y.whl#sha256=1, and more"),
            "see y.whl, and more"
        );
    }
}
