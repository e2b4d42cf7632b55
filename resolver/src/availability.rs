//! Availability: the reasons versions that exist cannot be used ([`Unusable`]) as the
//! solver records them, grouped by kind so that many releases unusable for one reason
//! make one sentence, and the one place that puts groups of them into words.

use lockit_types::{Target, Version};
use pubgrub::Ranges;

use crate::options::ResolveOptions;
use crate::package::Pkg;
use crate::prose::{agree, clip, newest};
use crate::unusable::{FileProblem, Unusable};
use crate::wheel_tags::{
    fits_interpreter, interpreters, main_abis, platform_summary, platforms, target_abi,
};

/// The derivation tree PubGrub gives when nothing resolves: its external facts carry the
/// reasons versions were unavailable, which the report words.
pub(crate) type Derivation = pubgrub::DerivationTree<Pkg, Ranges<Version>, Unusable>;

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
        Unusable::NoCompatibleWheel(tags) => wheel_problem(tags, options.environment.target()),
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
pub(crate) fn kind(why: &Unusable, target: &Target) -> Kind {
    match why {
        Unusable::NoCompatibleWheel(tags) => {
            if tags.iter().any(|t| fits_interpreter(t, target)) {
                Kind::WrongPlatform
            } else {
                Kind::WrongAbi
            }
        }
        Unusable::RequiresPython(_) => Kind::RequiresPython,
        Unusable::SdistOnly => Kind::SdistOnly,
        Unusable::WheelOnly => Kind::WheelOnly,
        Unusable::BuildForbidden(_) => Kind::BuildDisabled,
        Unusable::BuildFailed(_) => Kind::BuildFailed,
        Unusable::NoMetadata(files) => metadata_kind(files),
        Unusable::DirectUrl(_) => Kind::DirectUrl,
    }
}

/// The kind of a release none of whose `files` gives metadata. A wheel whose metadata is
/// invalid says most: the release has a wheel, and its metadata is at fault (an sdist
/// beside it that would need a build is no news then).
fn metadata_kind(files: &[FileProblem]) -> Kind {
    let any = |f: fn(&FileProblem) -> bool| files.iter().any(f);
    if any(|p| matches!(p, FileProblem::Invalid(bad) if bad.wheel)) {
        Kind::InvalidMetadata
    } else if any(|p| matches!(p, FileProblem::NoStaticMetadata { .. })) {
        Kind::DynamicSdist
    } else if any(|p| matches!(p, FileProblem::ArchiveFormat { .. })) {
        Kind::Archive
    } else if any(|p| matches!(p, FileProblem::Invalid(_))) {
        Kind::InvalidMetadata
    } else {
        Kind::NoMetadata
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
pub(crate) fn common_kind(whys: &[&Unusable], target: &Target) -> Option<Kind> {
    let first = kind(whys.first()?, target);
    if whys.iter().all(|w| kind(w, target) == first) {
        Some(first)
    } else {
        Some(first.family())
    }
}

/// The predicate of a sentence about versions unusable for reasons of one kind:
/// "have no wheel for cp312 (their wheels are for …, cp310, cp311)". `whys` all have
/// `kind`; `plural` is the number of the subject; without `detail`, nothing in
/// parentheses.
pub(crate) fn predicate(
    kind: Kind,
    whys: &[&Unusable],
    target: &Target,
    plural: bool,
    detail: bool,
) -> String {
    let tags: Vec<String> = whys
        .iter()
        .filter_map(|w| match w {
            Unusable::NoCompatibleWheel(t) => Some(t.clone()),
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
            Some(Unusable::BuildFailed(why)) if detail => {
                format!("could not be built ({})", clip(&why.summary, 160))
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
                    Unusable::DirectUrl(u) => Some(u),
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
pub(crate) fn build_flag(whys: &[&Unusable]) -> String {
    whys.iter()
        .find_map(|w| match w {
            Unusable::BuildForbidden(ban) => Some(ban.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "--no-build".to_string())
}

/// The distinct `Requires-Python` specifiers among `whys`, in the order first seen.
pub(crate) fn python_specs(whys: &[&Unusable]) -> Vec<String> {
    let mut specs: Vec<String> = Vec::new();
    for w in whys {
        if let Unusable::RequiresPython(s) = w {
            let s = s.to_string();
            if !specs.contains(&s) {
                specs.push(s);
            }
        }
    }
    specs
}

/// Why a release's metadata cannot be had, in a few words for a report that names the
/// release already: each URL cut to its file name, long quoted values cut short, at most
/// `max` characters. Empty for reasons that are not about metadata.
pub(crate) fn metadata_detail(why: &Unusable, max: usize) -> String {
    match why {
        Unusable::BuildForbidden(_) | Unusable::BuildFailed(_) | Unusable::NoMetadata(_) => {
            clip(&shorten_quotes(&file_names(&why.clause(None)), 40), max)
        }
        _ => String::new(),
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::str::FromStr;

    use lockit_types::Platform;

    use super::*;
    use crate::unusable::{InvalidMetadata, StaticGap};
    use crate::wheel_tags::{fits_interpreter, interpreters, platform_summary};

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
        let why = Unusable::NoCompatibleWheel(list);
        assert_eq!(kind(&why, &t), Kind::WrongPlatform);
        let old = Unusable::NoCompatibleWheel(tags(&[
            "cp27-none-macosx_10_6_intel",
            "cp27-cp27mu-manylinux1_x86_64",
        ]));
        assert_eq!(kind(&old, &t), Kind::WrongAbi);
    }

    fn invalid(file: &str, wheel: bool, field: Option<&str>, problem: &str) -> InvalidMetadata {
        InvalidMetadata {
            file: file.to_string(),
            wheel,
            field: field.map(str::to_string),
            problem: problem.to_string(),
        }
    }

    #[test]
    fn metadata_failures_are_told_once_without_urls() {
        let url = "https://files.pythonhosted.org/packages/3f/69/dd21/tornado-4.0.tar.gz";
        let why = Unusable::NoMetadata(vec![FileProblem::NoStaticMetadata {
            file: url.to_string(),
            gaps: vec![
                StaticGap::PkgInfo(invalid(url, false, None, "`Requires-Dist` is dynamic")),
                StaticGap::NoPyproject,
            ],
        }]);
        assert_eq!(
            metadata_detail(&why, 200),
            "the sdist `tornado-4.0.tar.gz` has no static metadata (PKG-INFO: `Requires-Dist` is dynamic; no pyproject.toml)"
        );
        assert_eq!(
            why.clause(Some(("tornado", "4.0"))),
            format!("no usable metadata for `tornado` 4.0: the sdist `{url}` has no static metadata (PKG-INFO: invalid metadata for `tornado` 4.0 in `{url}`: `Requires-Dist` is dynamic; no pyproject.toml)")
        );
        assert_eq!(kind(&why, &target()), Kind::DynamicSdist);
        let long = format!(
            "invalid `Requires-Dist` value `dep; {}`: longer than 1024",
            "x".repeat(900)
        );
        let why = Unusable::NoMetadata(vec![FileProblem::Invalid(invalid(
            "https://h/x-1.0-py3-none-any.whl",
            true,
            Some("Requires-Dist"),
            &long,
        ))]);
        let detail = metadata_detail(&why, 120);
        assert!(detail.ends_with("longer than 1024"), "{detail}");
        assert_eq!(
            file_names("see http://h/x/y.whl#sha256=1, and more"),
            "see y.whl, and more"
        );
    }

    /// torchsde 0.2.5's wheel says `Requires-Dist: numpy (>=1.19.*)`, which does not parse;
    /// its sdist would need a build. The release has a wheel, whose metadata is at fault:
    /// it was told as "only an sdist without static metadata" when reasons were sorted by
    /// their text.
    #[test]
    fn a_wheel_with_invalid_metadata_is_invalid_metadata_not_an_sdist_problem() {
        let wheel = "https://files.example/torchsde-0.2.5-py3-none-any.whl";
        let sdist = "https://files.example/torchsde-0.2.5.tar.gz";
        let why = Unusable::NoMetadata(vec![
            FileProblem::Invalid(invalid(
                wheel,
                true,
                Some("Requires-Dist"),
                "invalid `Requires-Dist` value `numpy (>=1.19.*)` in core metadata: …",
            )),
            FileProblem::NoStaticMetadata {
                file: sdist.to_string(),
                gaps: vec![StaticGap::NoPkgInfo, StaticGap::NoPyproject],
            },
        ]);
        let t = target();
        assert_eq!(kind(&why, &t), Kind::InvalidMetadata);
        assert_eq!(
            predicate(kind(&why, &t), &[&why], &t, false, true),
            "has invalid metadata"
        );
    }
}
