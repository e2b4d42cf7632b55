//! The result of a successful resolution: one pin per project, with who asked for it.

use std::sync::Arc;

use crate::markers::without_extras;
use crate::unusable::Unusable;

use pep508_rs::MarkerTree;

use lockit_types::{
    CoreMetadata, DistFile, ExtraName, PackageName, RequirementOrigin, SourcedRequirement, Version,
};

/// The order of a package's dependents: inputs first (by file), then packages by name.
/// Two inputs in one file, or two versions of one package, count as one dependent.
pub(crate) fn dependent_order(d: &SourcedRequirement) -> (u8, String) {
    match &d.origin {
        RequirementOrigin::Package { name, .. } => (1, name.to_string()),
        other => (0, other.source().unwrap_or_default()),
    }
}

/// One pinned project.
#[derive(Debug, Clone)]
pub struct ResolvedPackage {
    /// Normalized name.
    pub name: PackageName,
    /// Pinned version.
    pub version: Version,
    /// Every file published for the version, sorted by URL.
    pub files: Vec<DistFile>,
    /// Extras that were requested and resolved.
    pub extras: Vec<ExtraName>,
    /// Who requires it, inputs first; one entry per input file and per package.
    pub dependents: Vec<SourcedRequirement>,
    /// The metadata the dependencies were read from.
    pub metadata: Option<Arc<CoreMetadata>>,
    /// The direct URL the package comes from, when the user named one.
    pub url: Option<String>,
    /// The newest release newer than the pin that was skipped because its metadata could
    /// not be had (a failed or forbidden build, unreadable metadata), and why.
    pub skipped_newer: Option<(Version, Unusable)>,
    /// Where the pin applies: always (true) in a single-target lock; in a universal lock,
    /// the environments that install this version.
    pub marker: MarkerTree,
}

impl ResolvedPackage {
    /// When every file of the pinned version is yanked (PEP 592), the index's reason
    /// (possibly empty). The resolver picks a yanked release only when the requirements
    /// on it pin exactly that version (`==V` or `===V`), in an input or in a dependency's
    /// metadata, as PEP 592 allows and pip and uv do.
    pub fn yanked(&self) -> Option<String> {
        if self.files.is_empty() || !self.files.iter().all(|f| f.yanked.is_yanked()) {
            return None;
        }
        Some(
            self.files
                .iter()
                .find_map(|f| match &f.yanked {
                    lockit_types::Yanked::Yes(reason) if !reason.is_empty() => Some(reason.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
        )
    }

    /// `dyn 2.0.0 was skipped (…); dyn 1.0.0 is pinned instead`, when a newer release was
    /// skipped for its metadata, so a fallback to an older release is never silent.
    pub fn skipped_warning(&self) -> Option<String> {
        let (skipped, why) = self.skipped_newer.as_ref()?;
        Some(crate::unusable::skipped_newer_text(
            &self.name,
            &self.version,
            skipped,
            why,
        ))
    }

    /// `warning: python-daemon 2.3.1 is yanked (reason: …); requirements.in:1 pins it`.
    pub fn yanked_warning(&self) -> Option<String> {
        let reason = self.yanked()?;
        let why = if reason.is_empty() {
            "no reason given".to_string()
        } else {
            format!("reason: {reason}")
        };
        let by: Vec<String> = self.dependents.iter().map(ToString::to_string).collect();
        Some(format!(
            "{} {} is yanked ({why}); it is pinned by {}",
            self.name,
            self.version,
            by.join(", ")
        ))
    }

    /// `pymongo 4.10.1 does not provide the extra 'nonexistent-extra'`, for each extra
    /// asked of this pin that its metadata does not declare, as pip warns (an unknown
    /// extra adds nothing, so the user's typo would otherwise pass without a word).
    pub fn unknown_extra_warnings(&self) -> Vec<String> {
        let Some(meta) = &self.metadata else {
            return Vec::new();
        };
        self.extras
            .iter()
            .filter(|extra| !provides(meta, extra))
            .map(|extra| {
                format!(
                    "{} {} does not provide the extra '{extra}'",
                    self.name, self.version
                )
            })
            .collect()
    }
}

/// True when `meta` declares `extra` (`Provides-Extra`), or a requirement's marker uses
/// it (metadata older than `Provides-Extra` says so only there).
fn provides(meta: &CoreMetadata, extra: &ExtraName) -> bool {
    let with = [extra.clone()];
    meta.provides_extras.contains(extra)
        || meta
            .requires_dist
            .iter()
            .any(|r| without_extras(&r.marker, &with) != without_extras(&r.marker, &[]))
}

/// A complete, consistent set of pins, sorted by name.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// The pins.
    pub packages: Vec<ResolvedPackage>,
}

impl Resolution {
    /// The pin for `name`, if any (in a universal lock, the one of its oldest version).
    pub fn get(&self, name: &PackageName) -> Option<&ResolvedPackage> {
        let i = self.packages.partition_point(|p| p.name < *name);
        self.packages.get(i).filter(|p| p.name == *name)
    }
}
