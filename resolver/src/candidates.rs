//! Which versions of a project the target can use, and why the others cannot.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use lockit_types::{DistFile, DistFilename, PackageName, ProjectFiles, Version};
use pubgrub::Ranges;

use crate::environment::ResolverEnvironment;
use crate::options::ResolveOptions;
use crate::prerelease::Prereleases;
use crate::ranges::{pinned_version, specifiers_contain};
use crate::unusable::Unusable;

/// Some files of one release of a project, by position: version maps point into the
/// project's files instead of copying them (pages list thousands).
#[derive(Debug, Clone)]
pub struct Files {
    project: Arc<ProjectFiles>,
    release: usize,
    indices: Vec<u32>,
}

impl Files {
    /// The files, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &DistFile> + Clone + '_ {
        let files = self.project.release(self.release);
        self.indices.iter().map(move |&i| &files[i as usize])
    }

    /// The first file.
    pub fn first(&self) -> Option<&DistFile> {
        self.iter().next()
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// Copies of the files, in order.
    pub fn to_vec(&self) -> Vec<DistFile> {
        self.iter().cloned().collect()
    }
}

impl<'a> IntoIterator for &'a Files {
    type Item = &'a DistFile;
    type IntoIter = Box<dyn Iterator<Item = &'a DistFile> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// One version of a project as the target sees it.
#[derive(Debug, Clone)]
pub struct VersionEntry {
    /// Every file published for this version (all are hashed into the lock), in index order.
    pub files: Files,
    /// Files the target can use, best first; or why there are none.
    pub usable: Result<Files, Unusable>,
    /// True when every file of the version is yanked.
    pub yanked: bool,
}

impl VersionEntry {
    /// The files to read this version's metadata from, best first: the usable ones and,
    /// when only sdists are usable, the wheels built for other targets too. A wheel's
    /// METADATA is read without running a build, and every file of a release declares
    /// the same dependencies (uv reads an incompatible wheel the same way).
    pub fn metadata_files(&self) -> Result<Files, Unusable> {
        let usable = self.usable.as_ref().map_err(Clone::clone)?;
        if usable.iter().any(|f| f.filename.is_wheel()) {
            return Ok(usable.clone());
        }
        let files = self.files.project.release(self.files.release);
        let mut indices = usable.indices.clone();
        indices.extend(
            self.files
                .indices
                .iter()
                .filter(|&&i| files[i as usize].filename.is_wheel()),
        );
        Ok(Files {
            indices,
            ..usable.clone()
        })
    }
}

/// What judging a project's versions needs, shared by all of them.
#[derive(Debug)]
struct Judge {
    project: Arc<ProjectFiles>,
    /// Which Python Requires-Python is checked against, which wheels install.
    environment: ResolverEnvironment,
    wheels_ok: bool,
    sdists_ok: bool,
    /// Environments each release must have a file for (see `UniversalSpace::needs`).
    needs: Vec<Arc<lockit_types::Target>>,
}

/// The versions of one project, each judged for the target when first looked at.
#[derive(Debug, Default)]
pub struct VersionMap {
    versions: BTreeMap<Version, OnceLock<VersionEntry>>,
    judge: Option<Judge>,
}

impl VersionMap {
    /// The versions of a project, to be judged for the target as the solver asks.
    pub fn new(project: &Arc<ProjectFiles>, options: &ResolveOptions) -> Self {
        let versions = project
            .versions()
            .map(|v| (v.clone(), OnceLock::new()))
            .collect();
        VersionMap {
            versions,
            judge: Some(Judge {
                project: project.clone(),
                environment: options.environment.clone(),
                wheels_ok: options.binary.wheels_allowed(&project.name),
                sdists_ok: options.binary.sdists_allowed(&project.name),
                needs: options.environment.needs(&project.name).cloned().collect(),
            }),
        }
    }

    fn entry<'m>(
        &'m self,
        version: &Version,
        cell: &'m OnceLock<VersionEntry>,
    ) -> &'m VersionEntry {
        cell.get_or_init(|| match &self.judge {
            Some(judge) => judge.version(version),
            None => unreachable!("a map without a project has no versions"),
        })
    }

    /// The entry for `version`.
    pub fn get(&self, version: &Version) -> Option<&VersionEntry> {
        let cell = self.versions.get(version)?;
        Some(self.entry(version, cell))
    }

    /// All versions, newest first, without judging them.
    pub fn versions(&self) -> impl Iterator<Item = &Version> {
        self.versions.keys().rev()
    }

    /// All versions, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = (&Version, &VersionEntry)> {
        self.versions
            .iter()
            .rev()
            .map(|(v, cell)| (v, self.entry(v, cell)))
    }

    /// `version` as the index spells it (`1.16.0` for 1.16 when it publishes that).
    pub fn published(&self, version: &Version) -> Option<&Version> {
        self.versions.get_key_value(version).map(|(v, _)| v)
    }

    /// True when some `version+local` exists besides `version` itself.
    pub fn has_local_variants(&self, version: &Version) -> bool {
        self.versions
            .range(version.clone()..)
            .take_while(|(v, _)| (*v).clone().without_local() == *version)
            .any(|(v, _)| !v.local().is_empty())
    }

    /// The versions below `below` in `range` that the target can use, newest first, with
    /// the files to read their metadata from ([`VersionEntry::metadata_files`]).
    pub fn usable_below<'m>(
        &'m self,
        below: &Version,
        range: &'m Ranges<Version>,
    ) -> impl Iterator<Item = (&'m Version, Files)> + 'm {
        self.versions
            .range(..below.clone())
            .rev()
            .filter(move |(v, _)| range.contains(*v))
            .map(|(v, cell)| (v, self.entry(v, cell)))
            .filter(|(_, e)| !e.yanked)
            .filter_map(|(v, e)| e.metadata_files().ok().map(|f| (v, f)))
    }

    /// True when `range` holds a pre-release newer than `version` (without judging it).
    pub fn has_prerelease_above(&self, version: &Version, range: &Ranges<Version>) -> bool {
        self.versions
            .range(version..)
            .any(|(v, _)| v.any_prerelease() && v != version && range.contains(v))
    }

    /// True when the project has no versions at all.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    /// Picks the version to try for `range`: a preference if it fits, else the newest
    /// allowed by the yank and pre-release rules. Unusable versions are returned too, so
    /// that the solver records why they fail.
    pub fn choose(
        &self,
        range: &Ranges<Version>,
        prereleases: &Prereleases,
        preference: Option<&Version>,
        lowest: bool,
    ) -> Option<Version> {
        let exact = pinned_version(range);
        let allowed = |v: &Version, e: &VersionEntry| !e.yanked || exact == Some(v);
        if let Some(pref) = preference {
            if let Some(cell) = self.versions.get(pref) {
                if range.contains(pref) {
                    let e = self.entry(pref, cell);
                    if allowed(pref, e) && e.usable.is_ok() {
                        return Some(pref.clone());
                    }
                }
            }
        }
        let prereleases_ok = *prereleases == Prereleases::Allowed;
        let mut newest_pre = None;
        let in_order: Box<dyn Iterator<Item = _>> = if lowest {
            Box::new(self.versions.iter())
        } else {
            Box::new(self.versions.iter().rev())
        };
        for (v, cell) in in_order {
            // Cheap checks first: judging a version decodes its files.
            if !range.contains(v) || (newest_pre.is_some() && v.any_prerelease() && !prereleases_ok)
            {
                continue;
            }
            if !allowed(v, self.entry(v, cell)) {
                continue;
            }
            if v.any_prerelease() && !prereleases_ok {
                newest_pre = Some(v);
                continue;
            }
            return Some(v.clone());
        }
        let fallback = match prereleases {
            Prereleases::Allowed | Prereleases::Disallowed => false,
            // "If necessary" means the project publishes nothing but pre-releases; a range
            // that only pre-releases satisfy is not enough (that needs an explicit opt-in).
            Prereleases::IfOnlyPrereleases => self.versions.keys().all(|v| v.any_prerelease()),
            Prereleases::IfNoFinalIn(requested) => {
                newest_pre.is_some() && !self.has_final(requested)
            }
        };
        if fallback {
            newest_pre.cloned()
        } else {
            None
        }
    }

    /// True when `range` holds a final release the target can use (not yanked, unless
    /// `range` pins it; with a file the target can install).
    fn has_final(&self, range: &Ranges<Version>) -> bool {
        let exact = pinned_version(range);
        self.versions
            .iter()
            .rev()
            .filter(|(v, _)| !v.any_prerelease() && range.contains(*v))
            .any(|(v, cell)| {
                let e = self.entry(v, cell);
                (!e.yanked || exact == Some(v)) && e.usable.is_ok()
            })
    }
}

impl Judge {
    /// Which files of `version` the target can use, best first, or why none.
    fn version(&self, version: &Version) -> VersionEntry {
        let release = self.project.position(version).unwrap_or(usize::MAX);
        let all = self.project.release(release);
        let python = self.environment.python();
        let yanked = all.iter().all(|f| f.yanked.is_yanked());
        let python_ok = |f: &DistFile| {
            f.requires_python
                .as_ref()
                .is_none_or(|spec| specifiers_contain(spec, python))
        };
        let mut wheels: Vec<(u32, u32)> = Vec::new();
        let mut sdists = Vec::new();
        let mut wrong_python = None;
        let mut wheel_tags = Vec::new();
        let (mut any_wheel, mut any_sdist) = (false, false);
        for (i, f) in (0u32..).zip(all) {
            match &f.filename {
                DistFilename::Wheel(w) => {
                    any_wheel = true;
                    if !self.wheels_ok {
                        continue;
                    }
                    match self.environment.wheel_priority(w) {
                        Some(priority) if python_ok(f) => wheels.push((priority, i)),
                        Some(_) => wrong_python = f.requires_python.clone(),
                        None => wheel_tags.push(w.tag_text().to_string()),
                    }
                }
                DistFilename::Sdist(_) => {
                    any_sdist = true;
                    if !self.sdists_ok {
                        continue;
                    }
                    if python_ok(f) {
                        sdists.push(i);
                    } else {
                        wrong_python = f.requires_python.clone();
                    }
                }
            }
        }
        // Best tag first; ties keep index order so the choice is deterministic.
        wheels.sort_by_key(|w| std::cmp::Reverse(w.0));
        let mut usable: Vec<u32> = wheels.into_iter().map(|(_, i)| i).collect();
        usable.extend(sdists);
        let files = |indices| Files {
            project: self.project.clone(),
            release,
            indices,
        };
        let lacks = |t: &lockit_types::Target| {
            !all.iter().any(|f| {
                let python_ok = f
                    .requires_python
                    .as_ref()
                    .is_none_or(|spec| specifiers_contain(spec, &t.python));
                python_ok
                    && match &f.filename {
                        DistFilename::Wheel(w) => {
                            self.wheels_ok && t.tags.compatibility(w).is_some()
                        }
                        DistFilename::Sdist(_) => self.sdists_ok,
                    }
            })
        };
        let usable = if !usable.is_empty() && self.needs.iter().any(|t| lacks(t)) {
            // A required environment cannot install this release.
            let mut tags: Vec<String> = all
                .iter()
                .filter_map(|f| f.filename.as_wheel().map(|w| w.tag_text().to_string()))
                .collect();
            tags.sort();
            tags.dedup();
            Err(Unusable::NoCompatibleWheel(tags))
        } else if !usable.is_empty() {
            Ok(files(usable))
        } else if let Some(spec) = wrong_python {
            Err(Unusable::RequiresPython(spec))
        } else if any_wheel && self.wheels_ok && !wheel_tags.is_empty() {
            wheel_tags.sort();
            wheel_tags.dedup();
            Err(Unusable::NoCompatibleWheel(wheel_tags))
        } else if any_sdist && !self.sdists_ok {
            Err(Unusable::SdistOnly)
        } else {
            Err(Unusable::WheelOnly)
        };
        VersionEntry {
            files: files((0..all.len() as u32).collect()),
            usable,
            yanked,
        }
    }
}

/// How many releases the target cannot use [`best_candidate`] looks past.
const SKIPPED_UNUSABLE: usize = 20;

/// For prefetching: the version (and its files, best first) whose metadata the solver
/// most likely reads for `range`. `choose` also offers releases the target cannot use
/// (numpy 1.21.2 to 1.21.6 need Python <3.11); the solver rejects those without reading
/// anything and reads the next one, so that is the guess.
pub(crate) fn best_candidate(
    map: &VersionMap,
    name: &PackageName,
    range: &Ranges<Version>,
    options: &ResolveOptions,
) -> Option<(Version, Files)> {
    let preference = options.preferences.get(name);
    let mut range = range.clone();
    for _ in 0..=SKIPPED_UNUSABLE {
        let prereleases = Prereleases::guess(options.prerelease, &range);
        let lowest = options.resolution == crate::options::ResolutionMode::Lowest;
        let v = map.choose(&range, &prereleases, preference, lowest)?;
        match map.get(&v)?.metadata_files() {
            Ok(files) => return Some((v, files)),
            Err(_) => range = range.intersection(&Ranges::singleton(v).complement()),
        }
    }
    None
}
