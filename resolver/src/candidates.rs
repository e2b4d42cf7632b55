//! Which versions of a project the target can use, and why the others cannot.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use lockit_dist::{DistFile, DistFilename, PackageName, ProjectFiles, Version, VersionSpecifiers};
use pubgrub::Ranges;

use crate::options::{PrereleaseMode, ResolveOptions};
use crate::ranges::pinned_version;

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

/// Some files of a project, by position in its [`ProjectFiles`]: version maps point
/// into the project's list instead of copying its files (pages list thousands).
#[derive(Debug, Clone)]
pub struct Files {
    project: Arc<ProjectFiles>,
    indices: Vec<u32>,
}

impl Files {
    /// The files, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &DistFile> + Clone + '_ {
        self.indices
            .iter()
            .map(|&i| &self.project.files[i as usize])
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

/// The versions of one project, with their usability for the target.
#[derive(Debug, Clone, Default)]
pub struct VersionMap {
    versions: BTreeMap<Version, VersionEntry>,
}

impl VersionMap {
    /// Groups a project's files by version and judges each version for the target.
    pub fn new(project: &Arc<ProjectFiles>, options: &ResolveOptions) -> Self {
        let files = &project.files;
        let mut order: Vec<u32> = (0..files.len() as u32).collect();
        // Stable: files of one version keep the index's order.
        order.sort_by(|&a, &b| {
            files[a as usize]
                .filename
                .version()
                .cmp(files[b as usize].filename.version())
        });
        let mut versions = Vec::new();
        for group in order.chunk_by(|&a, &b| {
            files[a as usize].filename.version() == files[b as usize].filename.version()
        }) {
            let version = files[group[0] as usize].filename.version().clone();
            let entry = judge(project, group.to_vec(), options);
            versions.push((version, entry));
        }
        VersionMap {
            versions: versions.into_iter().collect(),
        }
    }

    /// The entry for `version`.
    pub fn get(&self, version: &Version) -> Option<&VersionEntry> {
        self.versions.get(version)
    }

    /// All versions, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = (&Version, &VersionEntry)> {
        self.versions.iter().rev()
    }

    /// True when some `version+local` exists besides `version` itself.
    pub fn has_local_variants(&self, version: &Version) -> bool {
        self.versions
            .range(version.clone()..)
            .take_while(|(v, _)| (*v).clone().without_local() == *version)
            .any(|(v, _)| !v.local().is_empty())
    }

    /// The versions below `below` in `range` that the target can use, newest first.
    pub fn usable_below<'m>(
        &'m self,
        below: &Version,
        range: &'m Ranges<Version>,
    ) -> impl Iterator<Item = (&'m Version, &'m Files)> + 'm {
        self.versions
            .range(..below.clone())
            .rev()
            .filter(move |(v, e)| range.contains(*v) && !e.yanked)
            .filter_map(|(v, e)| e.usable.as_ref().ok().map(|f| (v, f)))
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
        prerelease: PrereleaseMode,
        explicit_prerelease: bool,
        preference: Option<&Version>,
    ) -> Option<Version> {
        let exact = pinned_version(range);
        let allowed =
            |v: &Version, e: &VersionEntry| range.contains(v) && (!e.yanked || exact == Some(v));
        if let Some(pref) = preference {
            if let Some(e) = self.versions.get(pref) {
                if allowed(pref, e) && e.usable.is_ok() {
                    return Some(pref.clone());
                }
            }
        }
        let prereleases_ok = match prerelease {
            PrereleaseMode::Allow => true,
            PrereleaseMode::Disallow => false,
            PrereleaseMode::IfNecessary => false,
            PrereleaseMode::IfNecessaryOrExplicit => explicit_prerelease,
        };
        let mut newest_pre = None;
        for (v, e) in self.newest_first() {
            if !allowed(v, e) {
                continue;
            }
            if v.any_prerelease() && !prereleases_ok {
                if newest_pre.is_none() {
                    newest_pre = Some(v);
                }
                continue;
            }
            return Some(v.clone());
        }
        // "If necessary" means the project publishes nothing but pre-releases; a range that
        // only pre-releases satisfy is not enough (that needs an explicit opt-in).
        let only_prereleases = self.versions.keys().all(|v| v.any_prerelease());
        match prerelease {
            PrereleaseMode::IfNecessary | PrereleaseMode::IfNecessaryOrExplicit
                if only_prereleases =>
            {
                newest_pre.cloned()
            }
            _ => None,
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

fn judge(project: &Arc<ProjectFiles>, indices: Vec<u32>, options: &ResolveOptions) -> VersionEntry {
    let name = &project.name;
    let files = |list: &[u32]| -> Vec<(u32, &DistFile)> {
        list.iter()
            .map(|&i| (i, &project.files[i as usize]))
            .collect()
    };
    let all = files(&indices);
    let target = &options.target;
    let yanked = all.iter().all(|(_, f)| f.yanked.is_yanked());
    let wheels_ok = options.binary.wheels_allowed(name);
    let sdists_ok = options.binary.sdists_allowed(name);
    let python_ok = |f: &DistFile| {
        f.requires_python
            .as_ref()
            .is_none_or(|spec| spec.contains(&target.python))
    };
    let mut wheels: Vec<(u32, u32)> = Vec::new();
    let mut sdists = Vec::new();
    let mut wrong_python = None;
    let mut wheel_tags = Vec::new();
    let (mut any_wheel, mut any_sdist) = (false, false);
    for &(i, f) in &all {
        match &f.filename {
            DistFilename::Wheel(w) => {
                any_wheel = true;
                if !wheels_ok {
                    continue;
                }
                match target.tags.compatibility(w) {
                    Some(priority) if python_ok(f) => wheels.push((priority, i)),
                    Some(_) => wrong_python = f.requires_python.clone(),
                    None => wheel_tags.push(w.tag_text().to_string()),
                }
            }
            DistFilename::Sdist(_) => {
                any_sdist = true;
                if !sdists_ok {
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
    let usable = if !usable.is_empty() {
        Ok(Files {
            project: project.clone(),
            indices: usable,
        })
    } else if let Some(spec) = wrong_python {
        Err(Unusable::RequiresPython(spec))
    } else if any_wheel && wheels_ok && !wheel_tags.is_empty() {
        wheel_tags.sort();
        wheel_tags.dedup();
        Err(Unusable::NoCompatibleWheel(wheel_tags))
    } else if any_sdist && !sdists_ok {
        Err(Unusable::SdistOnly)
    } else {
        debug_assert!(any_wheel && !wheels_ok);
        Err(Unusable::WheelOnly)
    };
    VersionEntry {
        files: Files {
            project: project.clone(),
            indices,
        },
        usable,
        yanked,
    }
}

/// For prefetching: the version (and its files, best first) that `choose` would most
/// likely pick for `range`.
pub fn best_candidate(
    map: &VersionMap,
    name: &PackageName,
    range: &Ranges<Version>,
    options: &ResolveOptions,
) -> Option<(Version, Files)> {
    let preference = options.preferences.get(name);
    let v = map.choose(range, options.prerelease, false, preference)?;
    let files = map.get(&v)?.usable.as_ref().ok()?.clone();
    Some((v, files))
}
