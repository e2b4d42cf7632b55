//! What a re-lock keeps of the lock it replaces: each pin as a preference (with its marker,
//! for a universal lock's forks), each git pin's commit, and each pin's hashes, except for
//! the packages that may move (`-P NAME`).

use std::collections::{HashMap, HashSet};

use lockit_types::{PackageName, Version};
use pep508_rs::MarkerTree;

use crate::{KeptHashes, ParsedLock};

/// What a re-lock keeps of an existing lock.
#[derive(Debug, Default)]
pub struct Kept {
    /// The pins to prefer where they still fit.
    pub versions: HashMap<PackageName, Version>,
    /// The pins with their markers: a fork prefers the pin whose marker meets its space.
    pub marked: Vec<(PackageName, Version, MarkerTree)>,
    /// Direct references' URLs: a git pin keeps its commit.
    pub urls: HashMap<PackageName, String>,
    /// The hashes of pins whose version does not move.
    pub hashes: KeptHashes,
}

impl ParsedLock {
    /// What a re-lock keeps of this lock, the packages in `moving` aside.
    pub fn kept(&self, moving: &HashSet<PackageName>) -> Kept {
        let stays = |name: &PackageName| !moving.contains(name);
        let marked = self
            .pins
            .iter()
            .filter(|p| stays(&p.name))
            .filter_map(|p| {
                let version = p.version.clone()?;
                let marker = match &p.marker {
                    Some(m) => {
                        lockit_types::parse_requirement(&format!("{} ; {m}", p.name))
                            .ok()?
                            .marker
                    }
                    None => MarkerTree::TRUE,
                };
                Some((p.name.clone(), version, marker))
            })
            .collect();
        let mut urls = self.urls();
        urls.retain(|name, _| stays(name));
        Kept {
            versions: self
                .versions()
                .into_iter()
                .filter(|(name, _)| stays(name))
                .collect(),
            marked,
            urls,
            hashes: KeptHashes::from_lock(self, |name| moving.contains(name)),
        }
    }
}
