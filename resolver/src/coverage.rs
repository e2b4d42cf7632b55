//! Where a universal lock can install: for each common environment (CPython 3.10–3.14 on
//! Linux, macOS and Windows) inside the lock's space, whether every pin it selects has a
//! file it can install, so that a gap is told at lock time, not by a failed install.

use std::str::FromStr;

use lockit_types::{DistFile, DistFilename, MarkerEval, PackageName, Platform, Target};
use pep508_rs::MarkerTree;

use crate::options::ResolveOptions;
use crate::ranges::specifiers_contain;
use crate::resolution::Resolution;

/// The Pythons checked (CPython minor versions).
pub const CHECKED_PYTHONS: [&str; 5] = ["3.10", "3.11", "3.12", "3.13", "3.14"];

/// The platforms checked, as `--python-platform` spells them.
pub const CHECKED_PLATFORMS: [&str; 5] = [
    "x86_64-manylinux_2_28",
    "aarch64-manylinux_2_28",
    "aarch64-apple-darwin",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

/// The macOS release the macOS environments are checked on.
const MACOS: (u16, u16) = (15, 0);

/// One checked environment and the pins it selects that it cannot install.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The environment.
    pub target: Target,
    /// `name version` of each selected pin without a usable file (or whose Requires-Python
    /// excludes this Python), with why.
    pub gaps: Vec<String>,
}

impl Coverage {
    /// `CPython 3.12 on x86_64-manylinux_2_28`.
    pub fn name(&self) -> String {
        format!(
            "CPython {} on {}",
            self.target.python_minor(),
            self.target.platform
        )
    }
}

/// What keeps an environment a `--required-environment` selects from installing the lock,
/// one sentence each, naming it and what it lacks (or the marker, when it selects none of
/// the checked environments); empty when every one can.
pub fn required_environment_problems(
    resolution: &Resolution,
    options: &ResolveOptions,
) -> Vec<String> {
    let mut problems = Vec::new();
    for marker in options.environment.required() {
        let text = marker
            .contents()
            .map_or_else(|| "true".to_string(), |m| m.to_string());
        let targets = required(options, marker);
        if targets.is_empty() {
            problems.push(format!(
                "--required-environment `{text}` selects none of the environments lockit checks (CPython 3.10-3.14 on {}) inside the lock's space",
                CHECKED_PLATFORMS.join(", ")
            ));
        }
        for target in targets {
            let gaps = gaps(resolution, options, &target);
            if !gaps.is_empty() {
                problems.push(format!(
                    "the required environment CPython {} on {} cannot install: {}",
                    target.python_minor(),
                    target.platform,
                    gaps.join(", ")
                ));
            }
        }
    }
    problems
}

/// The checked environments of a universal solve's space: those of [`CHECKED_PYTHONS`] x
/// [`CHECKED_PLATFORMS`] whose markers the space admits.
pub fn environments(options: &ResolveOptions) -> Vec<Target> {
    let Some(universal) = options.environment.universal_space() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for platform in CHECKED_PLATFORMS {
        for python in CHECKED_PYTHONS {
            let Ok(platform) = Platform::from_str(platform) else {
                continue;
            };
            // A current macOS: Macs run recent releases, and wheels target them.
            let platform = platform.macos_at(MACOS.0, MACOS.1).unwrap_or(platform);
            let Ok(target) = Target::new(python, platform) else {
                continue;
            };
            if universal.space.holds(&target.markers, &[]) {
                out.push(target);
            }
        }
    }
    out
}

/// How each checked environment fares with `resolution` (empty unless universal).
pub fn coverage(resolution: &Resolution, options: &ResolveOptions) -> Vec<Coverage> {
    environments(options)
        .into_iter()
        .map(|target| {
            let gaps = gaps(resolution, options, &target);
            Coverage { target, gaps }
        })
        .collect()
}

/// The checked environments `marker` (a `--required-environment`) selects.
pub fn required(options: &ResolveOptions, marker: &MarkerTree) -> Vec<Target> {
    environments(options)
        .into_iter()
        .filter(|t| marker.holds(&t.markers, &[]))
        .collect()
}

/// The selected pins `target` cannot install, as `name version (why)`.
pub fn gaps(resolution: &Resolution, options: &ResolveOptions, target: &Target) -> Vec<String> {
    gap_list(resolution, options, target)
        .into_iter()
        .map(|(_, why)| why)
        .collect()
}

/// The names of the selected pins `target` cannot install.
pub(crate) fn gap_names(
    resolution: &Resolution,
    options: &ResolveOptions,
    target: &Target,
) -> Vec<PackageName> {
    gap_list(resolution, options, target)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// True when `target` can install one of `files` of `name` (a wheel for it, or an sdist).
pub(crate) fn installable<'f>(
    files: impl IntoIterator<Item = &'f DistFile>,
    name: &PackageName,
    options: &ResolveOptions,
    target: &Target,
) -> bool {
    files.into_iter().any(|f| {
        let python_ok = f
            .requires_python
            .as_ref()
            .is_none_or(|rp| specifiers_contain(rp, &target.python));
        python_ok
            && match &f.filename {
                DistFilename::Wheel(w) => {
                    options.binary.wheels_allowed(name) && target.tags.compatibility(w).is_some()
                }
                DistFilename::Sdist(_) => options.binary.sdists_allowed(name),
            }
    })
}

/// Each selected pin `target` cannot install, with why.
fn gap_list(
    resolution: &Resolution,
    options: &ResolveOptions,
    target: &Target,
) -> Vec<(PackageName, String)> {
    let mut out = Vec::new();
    for p in &resolution.packages {
        if !p.marker.holds(&target.markers, &[]) || p.url.is_some() {
            continue;
        }
        if let Some(rp) = p.metadata.as_ref().and_then(|m| m.requires_python.as_ref()) {
            if !specifiers_contain(rp, &target.python) {
                let why = format!("{} {} (needs Python {rp})", p.name, p.version);
                out.push((p.name.clone(), why));
                continue;
            }
        }
        if !installable(&p.files, &p.name, options, target) {
            let why = format!("{} {} (no wheel for it and no sdist)", p.name, p.version);
            out.push((p.name.clone(), why));
        }
    }
    out
}
