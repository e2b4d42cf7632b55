//! Where a universal solve splits its space: requirements on one package under
//! different markers, or a release whose Requires-Python admits only part of the space.

use std::collections::{BTreeMap, HashMap};

use lockit_types::{PackageName, SourcedRequirement, Version, VersionSpecifiers};
use pep508_rs::MarkerTree;

use crate::forks::reach::reach;
use crate::markers::{implies, requires_python_split};
use crate::package::Pkg;
use crate::provider::Forking;
use crate::resolution::ResolvedPackage;

/// One part of a universal space being solved: the provider stops with a split of it
/// where [`split_on_markers`] or [`requires_python_split`] finds one.
pub(crate) struct ForkSpace {
    space: MarkerTree,
    /// False once the solve has forked as often as it may: requirements that apply
    /// somewhere in the space then apply throughout it.
    splitting: bool,
}

impl ForkSpace {
    /// Solving `space`, splitting it where needed when `splitting`.
    pub(crate) fn new(space: MarkerTree, splitting: bool) -> Self {
        ForkSpace { space, splitting }
    }
}

impl Forking for ForkSpace {
    type Split = Vec<MarkerTree>;

    fn on_markers(&self, markers: &[(PackageName, MarkerTree)]) -> Option<Vec<MarkerTree>> {
        if !self.splitting {
            return None;
        }
        let parts = split_on_markers(&self.space, markers)?;
        tracing::debug!(
            "fork: {}",
            parts
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        Some(parts)
    }

    /// The newer release serves the part its Requires-Python admits, an older one the
    /// rest (as uv does).
    fn on_requires_python(&self, spec: &VersionSpecifiers) -> Option<Vec<MarkerTree>> {
        if !self.splitting {
            return None;
        }
        let parts = requires_python_split(&self.space, spec)?;
        tracing::debug!("fork on Requires-Python {spec}");
        Some(parts)
    }

    fn place(
        &self,
        selected: &HashMap<Pkg, Version>,
        edges: &HashMap<(Pkg, Version), Vec<SourcedRequirement>>,
        packages: &mut BTreeMap<PackageName, ResolvedPackage>,
    ) {
        let reached = reach(selected, edges, &self.space);
        for p in packages.values_mut() {
            p.marker = reached
                .get(&Pkg::Project(p.name.clone()))
                .cloned()
                .unwrap_or(MarkerTree::FALSE);
        }
        // A package every path to which markers cut off is installed nowhere.
        packages.retain(|_, p| !p.marker.is_false());
    }
}

/// The parts of `space` to solve apart when the requirements in `markers` (each one's
/// package and marker) require one package under two or more markers that differ
/// within it: every such marker that does not hold throughout the space cuts each part
/// in two. `None` when nothing splits.
pub(crate) fn split_on_markers(
    space: &MarkerTree,
    markers: &[(PackageName, MarkerTree)],
) -> Option<Vec<MarkerTree>> {
    let mut by_name: BTreeMap<&PackageName, Vec<MarkerTree>> = BTreeMap::new();
    for (name, marker) in markers {
        let mut m = marker.clone();
        m.and(space.clone());
        let list = by_name.entry(name).or_default();
        if !list.contains(&m) {
            list.push(m);
        }
    }
    let mut splitters: Vec<MarkerTree> = Vec::new();
    for list in by_name.values().filter(|l| l.len() > 1) {
        for m in list {
            if !implies(space, m) && !splitters.contains(m) {
                splitters.push(m.clone());
            }
        }
    }
    let mut parts = vec![space.clone()];
    for s in &splitters {
        parts = parts
            .into_iter()
            .flat_map(|p| {
                let mut yes = p.clone();
                yes.and(s.clone());
                let mut no = p;
                no.and(s.negate());
                [yes, no]
            })
            .filter(|p| !p.is_false())
            .collect();
    }
    (parts.len() > 1).then_some(parts)
}
