//! The model: a lock's pins as packages, the requirements between them as dependencies,
//! and the input lines that start it all as roots.
//!
//! A lock alone gives the edges (`# via` lines, or pylock.toml's `dependencies`); the
//! core metadata of the pins, where the caller has it, adds what each edge asked for
//! (specifier, extras, marker).

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use lockit_lockfile::ParsedLock;
use lockit_types::{
    ExtraName, MarkerEnvironment, MarkerEval, PackageName, Requirement, RequirementOrigin,
    SourcedRequirement, Version,
};
use pep508_rs::VersionOrUrl;
use serde::Deserialize;

/// A lock as a graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// One per pin, in lock order (a universal lock may pin one name several times).
    pub packages: Vec<Package>,
    /// The requirements the user wrote, each naming the package it starts from.
    pub roots: Vec<Root>,
}

/// One pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package.
    pub name: PackageName,
    /// The pinned version; `None` for a direct reference.
    pub version: Option<Version>,
    /// The direct reference, for `name @ url` pins.
    pub url: Option<String>,
    /// Where the pin is installed (universal locks); `None`: everywhere.
    pub marker: Option<String>,
    /// The `--hash` values, by which cached metadata is found.
    pub hashes: Vec<String>,
    /// The extras some requirement asked of it.
    pub extras: BTreeSet<String>,
    /// The packages it requires, by name, in name order.
    pub dependencies: Vec<Dependency>,
}

/// One edge: a package requires `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The package required.
    pub name: PackageName,
    /// The requirements of the metadata on it (several when markers split them); empty
    /// when the metadata is not at hand.
    pub asked: Vec<Asked>,
}

/// What one requirement asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asked {
    /// The version specifier (`>=2.0`) or `@ url`; `None`: any version.
    pub specifier: Option<String>,
    /// The extras requested (`format-nongpl`).
    pub extras: Vec<String>,
    /// The requirement's marker; `None`: always.
    pub marker: Option<String>,
}

/// A requirement the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// The package it names.
    pub name: PackageName,
    /// The input file, as written in the lock (`requirements.in`); empty when the lock
    /// does not say (a package nothing requires).
    pub source: String,
    /// The 1-based line in that file, when the file could be read.
    pub line: Option<usize>,
    /// What the line asked for, when the file could be read.
    pub asked: Option<Asked>,
}

impl Package {
    /// `name==version`, `name[extras]==version`, or `name @ url`.
    pub fn label(&self) -> String {
        let extras = if self.extras.is_empty() {
            String::new()
        } else {
            let list: Vec<&str> = self.extras.iter().map(String::as_str).collect();
            format!("[{}]", list.join(","))
        };
        match (&self.version, &self.url) {
            (Some(v), _) => format!("{}{extras}=={v}", self.name),
            (None, Some(url)) => format!("{}{extras} @ {url}", self.name),
            (None, None) => format!("{}{extras}", self.name),
        }
    }
}

impl Asked {
    /// From a requirement's version part, extras and marker.
    pub fn of(requirement: &Requirement) -> Asked {
        let specifier = match &requirement.version_or_url {
            Some(VersionOrUrl::VersionSpecifier(s)) if !s.is_empty() => Some(s.to_string()),
            Some(VersionOrUrl::Url(url)) => Some(format!("@ {url}")),
            _ => None,
        };
        Asked {
            specifier,
            extras: requirement.extras.iter().map(ToString::to_string).collect(),
            marker: requirement.marker.contents().map(|m| m.to_string()),
        }
    }

    /// `>=2.0 if extra == 'x'`, `[socks]>=2`, `if sys_platform == 'linux'`, or `any
    /// version` when it asked for nothing in particular.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if !self.extras.is_empty() {
            out.push_str(&format!("[{}]", self.extras.join(",")));
        }
        if let Some(s) = &self.specifier {
            out.push_str(s);
        }
        if let Some(m) = &self.marker {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("if {m}"));
        }
        if out.is_empty() {
            out.push_str("any version");
        }
        out
    }

    /// The requirement as written: `name[extras]>=2.0 ; marker`.
    pub fn requirement(&self, name: &PackageName) -> String {
        let mut out = name.to_string();
        if !self.extras.is_empty() {
            out.push_str(&format!("[{}]", self.extras.join(",")));
        }
        if let Some(s) = &self.specifier {
            out.push_str(s);
        }
        if let Some(m) = &self.marker {
            out.push_str(&format!(" ; {m}"));
        }
        out
    }
}

impl Root {
    /// `requirements.in:3`, `requirements.in`, or `(nothing requires it)`.
    pub fn place(&self) -> String {
        match (self.source.as_str(), self.line) {
            ("", _) => "(nothing in the lock requires it)".to_string(),
            (file, Some(line)) => format!("{file}:{line}"),
            (file, None) => file.to_string(),
        }
    }
}

/// Why a lock could not be read as a graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// The pylock.toml could not be read for its `dependencies`.
    #[error("cannot read the `dependencies` of the pylock.toml: {0}")]
    Pylock(String),
}

#[derive(Deserialize)]
struct RawLock {
    #[serde(default)]
    packages: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    dependencies: Vec<RawDependency>,
}

#[derive(Deserialize)]
struct RawDependency {
    name: String,
}

impl Graph {
    /// The graph of a requirements.txt lock: an edge for every `# via PACKAGE`, a root
    /// for every `# via -r FILE`.
    pub fn from_lock(lock: &ParsedLock) -> Graph {
        let mut graph = Graph::nodes(lock);
        for pin in &lock.pins {
            for via in &pin.via {
                if let Some(file) = via.strip_prefix("-r ") {
                    graph.add_root(&pin.name, file.trim());
                } else if via.starts_with("-c ") {
                    // A constraint is no reason to install.
                } else if let Ok(parent) = PackageName::from_str(via.trim()) {
                    graph.add_edge(&parent, None, &pin.name);
                }
            }
        }
        graph
    }

    /// The graph of a PEP 751 pylock.toml (`text`, read into `lock`): an edge for every
    /// entry of a package's `dependencies`. Roots come from the inputs
    /// ([`Graph::attach_inputs`]), else are the packages nothing requires.
    pub fn from_pylock(lock: &ParsedLock, text: &str) -> Result<Graph, GraphError> {
        let raw: RawLock = toml::from_str(text).map_err(|e| GraphError::Pylock(e.to_string()))?;
        let mut graph = Graph::nodes(lock);
        for package in raw.packages {
            let Ok(parent) = PackageName::from_str(&package.name) else {
                continue;
            };
            let version = package
                .version
                .as_deref()
                .and_then(|v| Version::from_str(v).ok());
            for dependency in package.dependencies {
                if let Ok(child) = PackageName::from_str(&dependency.name) {
                    graph.add_edge(&parent, version.as_ref(), &child);
                }
            }
        }
        Ok(graph)
    }

    fn nodes(lock: &ParsedLock) -> Graph {
        let packages = lock
            .pins
            .iter()
            .map(|pin| Package {
                name: pin.name.clone(),
                version: pin.version.clone(),
                url: pin.url.clone(),
                marker: pin.marker.clone(),
                hashes: pin
                    .hashes
                    .iter()
                    .cloned()
                    .chain(pin.files.iter().map(|f| f.hash.clone()))
                    .collect(),
                extras: BTreeSet::new(),
                dependencies: Vec::new(),
            })
            .collect();
        Graph {
            packages,
            roots: Vec::new(),
        }
    }

    /// Adds `parent -> child` to every pin of `parent` (of `version` when given).
    fn add_edge(&mut self, parent: &PackageName, version: Option<&Version>, child: &PackageName) {
        for p in self.packages.iter_mut().filter(|p| &p.name == parent) {
            if version.is_some_and(|v| p.version.as_ref() != Some(v)) {
                continue;
            }
            if !p.dependencies.iter().any(|d| &d.name == child) {
                p.dependencies.push(Dependency {
                    name: child.clone(),
                    asked: Vec::new(),
                });
                p.dependencies.sort_by(|a, b| a.name.cmp(&b.name));
            }
        }
    }

    fn add_root(&mut self, name: &PackageName, source: &str) {
        if !self
            .roots
            .iter()
            .any(|r| &r.name == name && r.source == source)
        {
            self.roots.push(Root {
                name: name.clone(),
                source: source.to_string(),
                line: None,
                asked: None,
            });
        }
    }

    /// The packages pinned as `name`.
    pub fn pins_of<'a>(&'a self, name: &'a PackageName) -> impl Iterator<Item = usize> + 'a {
        self.packages
            .iter()
            .enumerate()
            .filter(move |(_, p)| &p.name == name)
            .map(|(i, _)| i)
    }

    /// The input files the roots come from, sorted, each once.
    pub fn input_files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = self
            .roots
            .iter()
            .map(|r| r.source.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        files.sort_unstable();
        files.dedup();
        files
    }

    /// Reads the inputs the lock was made from (`recorded`, else the files its roots'
    /// `# via -r` name), where they are found from here or beside the lock in `lock_dir`,
    /// and attaches them ([`Graph::attach_inputs`]); `None` when they cannot be read.
    pub fn read_inputs(
        &mut self,
        recorded: &[std::path::PathBuf],
        selection: &lockit_lockfile::Selection,
        lock_dir: &std::path::Path,
    ) -> Option<()> {
        let mut paths = recorded.to_vec();
        for root in self.roots.iter().filter(|r| !r.source.is_empty()) {
            let path = std::path::PathBuf::from(&root.source);
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        let paths: Vec<_> = paths
            .into_iter()
            .filter(|p| p.as_os_str() != "-")
            .map(|p| if p.exists() { p } else { lock_dir.join(p) })
            .filter(|p| p.exists())
            .collect();
        let inputs = lockit_lockfile::Inputs::read(&paths, &[], &[], selection).ok()?;
        self.attach_inputs(&inputs.requirements);
        Some(())
    }

    /// Gives the roots the file and line of the input requirement that names them, and
    /// what it asked for; input requirements naming a pin no root names yet become roots
    /// (a pylock.toml, or a lock written with `--no-annotate`).
    pub fn attach_inputs(&mut self, inputs: &[SourcedRequirement]) {
        for input in inputs {
            let RequirementOrigin::File { path, line } = &input.origin else {
                continue;
            };
            let name = &input.requirement.name;
            if self.pins_of(name).next().is_none() {
                continue;
            }
            let file = path.display().to_string();
            let asked = Some(Asked::of(&input.requirement));
            let same_file = |r: &Root| {
                r.source == file
                    || file.ends_with(&format!("/{}", r.source.trim_start_matches("./")))
            };
            if let Some(root) = self
                .roots
                .iter_mut()
                .find(|r| &r.name == name && r.line.is_none() && same_file(r))
            {
                root.line = Some(*line);
                root.asked = asked;
                continue;
            }
            let annotated = self.roots.iter().any(|r| !r.source.is_empty());
            let named = self.roots.iter().any(|r| &r.name == name);
            let listed = self
                .roots
                .iter()
                .any(|r| &r.name == name && r.line == Some(*line) && r.source == file);
            // An annotated lock says what is a root; a second line on a root's name (split
            // by markers) is one more.
            if !listed && (!annotated || named) {
                self.roots.push(Root {
                    name: name.clone(),
                    source: file,
                    line: Some(*line),
                    asked,
                });
            }
        }
    }

    /// Makes a root of every package the roots do not reach (a lock without `# via`
    /// lines, a pylock.toml without its inputs): nothing is left out of the tree.
    pub fn root_the_unreached(&mut self) {
        loop {
            let reached = self.reached();
            // Prefer packages nothing requires; a cycle nothing reaches starts at its first.
            let required: BTreeSet<&PackageName> = self
                .packages
                .iter()
                .flat_map(|p| p.dependencies.iter().map(|d| &d.name))
                .collect();
            let unreached: Vec<usize> = (0..self.packages.len())
                .filter(|i| !reached.contains(i))
                .collect();
            let Some(&first) = unreached
                .iter()
                .find(|&&i| !required.contains(&self.packages[i].name))
                .or(unreached.first())
            else {
                return;
            };
            let name = self.packages[first].name.clone();
            self.add_root(&name, "");
        }
    }

    /// The packages the roots reach.
    fn reached(&self) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = self
            .roots
            .iter()
            .flat_map(|r| self.pins_of(&r.name).collect::<Vec<_>>())
            .collect();
        while let Some(i) = stack.pop() {
            if !seen.insert(i) {
                continue;
            }
            for d in &self.packages[i].dependencies {
                stack.extend(self.pins_of(&d.name).filter(|j| !seen.contains(j)));
            }
        }
        seen
    }

    /// Adds what each edge asked for from the pins' core metadata (`metadata` gives a
    /// pin's `Requires-Dist`, when at hand), and the extras asked of each pin. With
    /// `env`, requirements whose marker does not hold there (with the extras asked of
    /// the parent) are left out, unless that would leave the lock's edge with none.
    pub fn annotate(
        &mut self,
        metadata: impl Fn(&Package) -> Option<Vec<Requirement>>,
        env: Option<&MarkerEnvironment>,
    ) {
        for p in &mut self.packages {
            let Some(requires) = metadata(p) else {
                continue;
            };
            for d in &mut p.dependencies {
                d.asked = requires
                    .iter()
                    .filter(|r| r.name == d.name)
                    .map(|r| (Asked::of(r), r.marker.clone()))
                    .fold(Vec::new(), |mut all: Vec<(Asked, _)>, one| {
                        if !all.iter().any(|(a, _)| *a == one.0) {
                            all.push(one);
                        }
                        all
                    })
                    .into_iter()
                    .map(|(a, _)| a)
                    .collect();
            }
        }
        self.gather_extras();
        let Some(env) = env else {
            return;
        };
        let extras_of: HashMap<usize, Vec<ExtraName>> = self
            .packages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let extras = p
                    .extras
                    .iter()
                    .filter_map(|e| ExtraName::from_str(e).ok())
                    .collect();
                (i, extras)
            })
            .collect();
        for (i, p) in self.packages.iter_mut().enumerate() {
            let extras = &extras_of[&i];
            for d in &mut p.dependencies {
                let held: Vec<Asked> = d
                    .asked
                    .iter()
                    .filter(|a| marker_holds(a.marker.as_deref(), env, extras))
                    .cloned()
                    .collect();
                if !held.is_empty() {
                    d.asked = held;
                }
            }
        }
        self.gather_extras();
    }

    /// Each pin's extras: those its roots and the edges into it ask for.
    fn gather_extras(&mut self) {
        let mut wanted: HashMap<PackageName, BTreeSet<String>> = HashMap::new();
        for p in &self.packages {
            for d in &p.dependencies {
                for a in &d.asked {
                    wanted
                        .entry(d.name.clone())
                        .or_default()
                        .extend(a.extras.iter().cloned());
                }
            }
        }
        for r in &self.roots {
            if let Some(a) = &r.asked {
                wanted
                    .entry(r.name.clone())
                    .or_default()
                    .extend(a.extras.iter().cloned());
            }
        }
        for p in &mut self.packages {
            p.extras = wanted.get(&p.name).cloned().unwrap_or_default();
        }
    }

    /// The lock as installed in one environment: pins whose marker does not hold there
    /// are left out, with the edges and roots to them, and so are edges whose every
    /// requirement's marker does not hold (known only where the metadata was at hand).
    pub fn project(&self, env: &MarkerEnvironment) -> Graph {
        let no_extras: [ExtraName; 0] = [];
        let packages: Vec<Package> = self
            .packages
            .iter()
            .filter(|p| marker_holds(p.marker.as_deref(), env, &no_extras))
            .cloned()
            .map(|mut p| {
                p.marker = None;
                let extras: Vec<ExtraName> = p
                    .extras
                    .iter()
                    .filter_map(|e| ExtraName::from_str(e).ok())
                    .collect();
                p.dependencies.retain(|d| {
                    d.asked.is_empty()
                        || d.asked
                            .iter()
                            .any(|a| marker_holds(a.marker.as_deref(), env, &extras))
                });
                p
            })
            .collect();
        let names: BTreeSet<PackageName> = packages.iter().map(|p| p.name.clone()).collect();
        let mut graph = Graph {
            packages,
            roots: self
                .roots
                .iter()
                .filter(|r| names.contains(&r.name))
                .filter(|r| {
                    r.asked
                        .as_ref()
                        .is_none_or(|a| marker_holds(a.marker.as_deref(), env, &no_extras))
                })
                .cloned()
                .collect(),
        };
        for p in &mut graph.packages {
            p.dependencies.retain(|d| names.contains(&d.name));
        }
        graph
    }
}

/// Whether a marker (as text) holds in `env` with `extras`; an unreadable one is taken
/// to hold, so that nothing the lock says is hidden.
fn marker_holds(marker: Option<&str>, env: &MarkerEnvironment, extras: &[ExtraName]) -> bool {
    let Some(text) = marker else {
        return true;
    };
    match lockit_types::parse_requirement(&format!("marker ; {text}")) {
        Ok(r) => r.marker.holds(env, extras),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests;
