//! Advice for the causes of one conflict, each given once, and only where it applies:
//! many releases unusable for one reason make one hint; the pre-release hint only when
//! pre-releases would resolve; nothing about the cache, which cannot make an unreadable
//! release readable (its verdict is kept by file hash, `--refresh` or not).

use lockit_types::{PackageName, Version};
use pubgrub::{External, Ranges};

use crate::availability::{build_flag, common_kind, kind, metadata_detail, python_specs, Kind};
use crate::options::ResolveOptions;
use crate::package::Pkg;
use crate::prose::{agree, clip, newest};
use crate::ranges::specifiers_contain;
use crate::report::tree::Ext;
use crate::report::words::Words;
use crate::unusable::Unusable;
use crate::wheel_tags::{main_abis, platform_summary, target_abi};

/// The most hints a report gives from its derivation (others may be added after).
const MAX: usize = 3;
/// The longest detail quoted from an index error.
const DETAIL: usize = 160;

/// Whether pre-releases would resolve the conflict: not known, checked yes, checked no.
pub(crate) type PrereleaseCheck = Option<bool>;

/// The reasons of one kind that versions of one project are unusable.
type Group<'t> = (
    Pkg,
    Kind,
    Ranges<Version>,
    Vec<(&'t Ranges<Version>, &'t Unusable)>,
);

/// Hints for the facts `all` of a simplified tree.
pub(crate) fn hints(
    all: &[&Ext],
    options: &ResolveOptions,
    words: &Words<'_>,
    prerelease: PrereleaseCheck,
) -> Vec<String> {
    let target = options.environment.target();
    // One group per project and kind of reason, in the order first met.
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let push = |list: &mut Vec<String>, hint: String| {
        if !list.contains(&hint) {
            list.push(hint);
        }
    };
    for e in all {
        match e {
            External::Custom(p, _, causes) => {
                for (r, why) in &causes.0 {
                    let k = kind(why, target).family();
                    match groups.iter_mut().find(|g| g.0 == *p && g.1 == k) {
                        Some(g) => {
                            g.2 = g.2.union(r);
                            g.3.push((r, why));
                        }
                        None => groups.push((p.clone(), k, r.clone(), vec![(r, why)])),
                    }
                }
            }
            // A file named by URL or path is the one candidate: no other release to ask for.
            External::NoVersions(p, _)
                if p.name().is_some_and(|n| options.direct.contains_key(n)) => {}
            External::NoVersions(p, range) => {
                if let Some(h) = no_versions_hint(p, range, words, prerelease) {
                    push(&mut list, h);
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<String> = Vec::new();
    for (p, _, range, causes) in &groups {
        if let Some(h) = unusable_hint(p, range, causes, options, words) {
            push(&mut out, h);
        }
    }
    out.extend(list);
    out.truncate(MAX);
    out
}

fn unusable_hint(
    p: &Pkg,
    range: &Ranges<Version>,
    causes: &[(&Ranges<Version>, &Unusable)],
    options: &ResolveOptions,
    words: &Words<'_>,
) -> Option<String> {
    let target = options.environment.target();
    let whys: Vec<&Unusable> = causes.iter().map(|(_, w)| *w).collect();
    let k = common_kind(&whys, target)?;
    let at = words.span(p, range);
    let name = p.name().map(ToString::to_string).unwrap_or_default();
    let tags: Vec<String> = whys
        .iter()
        .filter_map(|w| match w {
            Unusable::NoCompatibleWheel(t) => Some(t.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let publish = at.verb("publishes", "publish");
    // The reasons that differ from release to release are shown for one: the newest.
    let example = || -> String {
        let newest = words.newest(p, range);
        let why = newest
            .and_then(|v| causes.iter().find(|(r, _)| r.contains(v)))
            .or(causes.last())
            .map(|(_, w)| *w);
        let detail = match why {
            Some(why) => metadata_detail(why, DETAIL),
            None => String::new(),
        };
        match (at.plural, newest) {
            (true, Some(v)) => format!("{name} {v}: {detail}"),
            _ => detail,
        }
    };
    if let Some(file) = p.name().and_then(|n| options.direct.get(n)) {
        let url = clip(&file.url, 80);
        return match k {
            Kind::BuildFailed => Some(format!(
                "{} could not be built (the build's output is above); fix its build, or require a wheel of {name} instead of `{url}`",
                at.text,
            )),
            Kind::BuildDisabled => Some(format!(
                "{} must be built for its metadata, which {} forbids; allow building {name}, or require a wheel of {name} instead of `{url}`",
                at.text,
                build_flag(&whys),
            )),
            _ => None,
        };
    }
    Some(match k {
        Kind::WrongPlatform => format!(
            "{} {publish} wheels for Python {} only for {}, none of which runs on {}; allow a release of {name} with wheels for it, or resolve for another --python-platform",
            at.text,
            target.python_minor(),
            platform_summary(&tags, target),
            target.platform,
        ),
        Kind::WrongAbi => format!(
            "{} {publish} wheels only for the ABIs {}, none of which runs on Python {} ({}); allow a release of {name} with wheels for this Python, or resolve for another --python-version",
            at.text,
            newest(&main_abis(&tags), 4),
            target.python_minor(),
            target_abi(target),
        ),
        Kind::RequiresPython => {
            let specs = python_specs(&whys);
            // Releases that want a newer Python than the target: older ones may not.
            let newer_python = whys.iter().any(|w| match w {
                Unusable::RequiresPython(s) => {
                    specifiers_contain(s, &Version::new([99, 0]))
                }
                _ => false,
            });
            format!(
                "{} {} Python {}, but the target is Python {}; pass a matching --python-version or allow {} {name}",
                at.text,
                at.verb("requires", "require"),
                newest(&specs, 3).replace(", ", " or "),
                target.python,
                if newer_python { "an older" } else { "a newer" },
            )
        }
        Kind::SdistOnly => format!(
            "{} {} published only as {}, and --only-binary forbids sdists for {name}; drop --only-binary for {name} or allow a release with wheels",
            at.text,
            at.verb("is", "are"),
            agree(at.plural, "an sdist", "sdists"),
        ),
        Kind::WheelOnly => format!(
            "{} {} published only as wheels, and --no-binary forbids them for {name}; drop --no-binary for {name}",
            at.text,
            at.verb("is", "are"),
        ),
        // Advice first: a long example is what gets cut.
        Kind::DynamicSdist | Kind::Archive => format!(
            "lockit could not read the metadata of {} from its sdist; allow a release of {name} with a wheel ({})",
            at.text,
            example(),
        ),
        Kind::BuildDisabled => format!(
            "{} {} only {} whose metadata must be built, which {} forbids; allow building {name}, or constrain {name} to a release with a wheel",
            at.text,
            at.verb("has", "have"),
            agree(at.plural, "an sdist", "sdists"),
            build_flag(&whys),
        ),
        Kind::BuildFailed => format!(
            "{} could not be built (the build's output is above); constrain {name} to a release with a wheel, or pass --no-build-package {name} to skip building it",
            at.text,
        ),
        Kind::InvalidMetadata | Kind::NoMetadata => format!(
            "the metadata of {} could not be read; allow another release of {name} ({})",
            at.text,
            example(),
        ),
        Kind::DirectUrl => return None,
    })
}

/// The pre-release and yank hints for "no version of X in R".
fn no_versions_hint(
    p: &Pkg,
    range: &Ranges<Version>,
    words: &Words<'_>,
    prerelease: PrereleaseCheck,
) -> Option<String> {
    let known = words.known(p)?;
    let name: &PackageName = p.name()?;
    let inside: Vec<(&Version, bool)> = known
        .versions
        .iter()
        .rev()
        .filter(|v| range.contains(v))
        .map(|v| (v, known.yanked.contains_key(v)))
        .collect();
    if let Some((v, _)) = inside.iter().find(|(v, y)| !y && v.any_prerelease()) {
        // The gaps between releases ruled out for other reasons hold pre-releases too;
        // asking for those would not help.
        let helps = match prerelease {
            Some(checked) => checked,
            None => !words.leftover(p, range),
        };
        return helps.then(|| {
            format!(
                "only pre-releases of {name} match {}; ask for one explicitly (`{name}>={v}`) or pass --prerelease allow",
                words.spec(p, range)
            )
        });
    }
    let (v, _) = inside.iter().find(|(_, yanked)| *yanked)?;
    let reason = match known.yanked.get(*v) {
        Some(r) if !r.is_empty() => format!(" ({})", clip(r, DETAIL)),
        _ => String::new(),
    };
    Some(format!(
        "{name} {v} was yanked{reason}; an exact pin `{name}=={v}` still installs it, or allow an older {name}"
    ))
}

/// True when some fact of the tree says only pre-releases are left in a range someone
/// asked for: worth checking whether pre-releases would resolve.
pub(crate) fn prerelease_candidate(all: &[&Ext], words: &Words<'_>) -> bool {
    all.iter().any(|e| {
        let External::NoVersions(p, range) = e else {
            return false;
        };
        words.known(p).is_some_and(|k| {
            k.versions
                .iter()
                .any(|v| range.contains(v) && v.any_prerelease() && !k.yanked.contains_key(v))
        })
    })
}
