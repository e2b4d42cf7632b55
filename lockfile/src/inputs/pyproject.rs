//! `pyproject.toml` as an input: `[project].dependencies`, `optional-dependencies` (extras),
//! PEP 735 `[dependency-groups]` (with `include-group`) and `requires-python`.
//!
//! Every requirement keeps the file and line it was written on, like requirements files do.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::VersionSpecifiers;
use pep508_rs::{ExtraName, PackageName};
use serde::Deserialize;

use lockit_types::{normalize_name, RequirementOrigin, SourcedRequirement};

/// Why a pyproject.toml cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PyProjectError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The path as given.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Something at a line of the file is wrong.
    #[error("{}:{line}: {message}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A selection (`--extra`, `--group`) names something the file does not define.
    #[error("`{}` has no {what} `{name}`{}", path.display(), available_list(available))]
    Unknown {
        /// The file.
        path: PathBuf,
        /// `optional-dependencies` extra or dependency group.
        what: &'static str,
        /// The name asked for.
        name: String,
        /// What the file defines.
        available: Vec<String>,
    },
    /// The file lacks what lockit needs.
    #[error("`{}`: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is missing and what to do.
        message: String,
    },
}

fn available_list(names: &[String]) -> String {
    if names.is_empty() {
        "; it defines none".to_string()
    } else {
        format!(
            "; it defines {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// One entry of a dependency group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupEntry {
    /// A requirement.
    Requirement(Box<SourcedRequirement>),
    /// `{include-group = "name"}`, normalized, with its line.
    Include(String, usize),
}

/// What lockit reads from a pyproject.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyProject {
    /// The file, as given.
    pub path: PathBuf,
    /// `[project].name`, normalized.
    pub name: Option<PackageName>,
    /// `[project].requires-python`.
    pub requires_python: Option<VersionSpecifiers>,
    /// `[project].dependencies`.
    pub dependencies: Vec<SourcedRequirement>,
    /// `[project.optional-dependencies]`, by normalized extra name.
    pub optional_dependencies: BTreeMap<ExtraName, Vec<SourcedRequirement>>,
    /// `[dependency-groups]`, by normalized group name.
    pub dependency_groups: BTreeMap<String, Vec<GroupEntry>>,
    /// `dependencies` or `optional-dependencies` is `dynamic`: only a PEP 517 build of the
    /// project tells them (and `dependencies` / `optional_dependencies` are empty).
    pub dynamic_dependencies: bool,
}

/// Which optional parts of a pyproject.toml to resolve.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--extra` names.
    pub extras: Vec<String>,
    /// `--all-extras`.
    pub all_extras: bool,
    /// `--group` names.
    pub groups: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawPyProject {
    project: Option<RawProject>,
    #[serde(default)]
    dependency_groups: BTreeMap<toml::Spanned<String>, Vec<toml::Spanned<toml::Value>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawProject {
    name: Option<toml::Spanned<String>>,
    requires_python: Option<toml::Spanned<String>>,
    #[serde(default)]
    dependencies: Vec<toml::Spanned<String>>,
    #[serde(default)]
    optional_dependencies: BTreeMap<toml::Spanned<String>, Vec<toml::Spanned<String>>>,
    #[serde(default)]
    dynamic: Vec<String>,
}

/// PEP 735 normalization of a dependency-group name: PEP 503's rule for project names
/// ([`normalize_name`]), surrounding whitespace dropped.
pub fn normalize_group(name: &str) -> String {
    normalize_name(name.trim())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

impl PyProject {
    /// Reads and parses the pyproject.toml at `path`.
    pub fn read(path: &Path) -> Result<Self, PyProjectError> {
        let text = fs::read_to_string(path).map_err(|source| PyProjectError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses `text` as the contents of `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Self, PyProjectError> {
        let at = |offset: usize, message: String| PyProjectError::Line {
            path: path.to_path_buf(),
            line: line_of(text, offset),
            message,
        };
        let raw: RawPyProject = toml::from_str(text).map_err(|e| {
            at(
                e.span().map_or(0, |s| s.start),
                e.message().trim().to_string(),
            )
        })?;
        let requirement = |s: &toml::Spanned<String>| {
            let req = lockit_types::parse_requirement(s.get_ref())
                .map_err(|e| at(s.span().start, format!("`{}`: {}", s.get_ref(), e.message)))?;
            Ok::<_, PyProjectError>(SourcedRequirement {
                requirement: req,
                origin: RequirementOrigin::File {
                    path: path.to_path_buf(),
                    line: line_of(text, s.span().start),
                },
                text: Some(s.get_ref().clone()),
                hashes: Vec::new(),
            })
        };
        let mut out = PyProject {
            path: path.to_path_buf(),
            name: None,
            requires_python: None,
            dependencies: Vec::new(),
            optional_dependencies: BTreeMap::new(),
            dependency_groups: BTreeMap::new(),
            dynamic_dependencies: false,
        };
        if let Some(project) = raw.project {
            out.dynamic_dependencies = project
                .dynamic
                .iter()
                .any(|d| d == "dependencies" || d == "optional-dependencies");
            if let Some(n) = &project.name {
                out.name = Some(
                    PackageName::from_str(n.get_ref())
                        .map_err(|e| at(n.span().start, e.to_string()))?,
                );
            }
            if let Some(rp) = &project.requires_python {
                out.requires_python =
                    Some(VersionSpecifiers::from_str(rp.get_ref()).map_err(|e| {
                        at(rp.span().start, format!("invalid `requires-python`: {e}"))
                    })?);
            }
            for d in &project.dependencies {
                out.dependencies.push(requirement(d)?);
            }
            for (extra, reqs) in &project.optional_dependencies {
                let name = ExtraName::from_str(extra.get_ref())
                    .map_err(|e| at(extra.span().start, e.to_string()))?;
                let list = reqs
                    .iter()
                    .map(requirement)
                    .collect::<Result<Vec<_>, _>>()?;
                out.optional_dependencies
                    .entry(name)
                    .or_default()
                    .extend(list);
            }
        }
        for (group, entries) in &raw.dependency_groups {
            let mut list = Vec::new();
            for entry in entries {
                match entry.get_ref() {
                    toml::Value::String(s) => list.push(GroupEntry::Requirement(Box::new(requirement(
                        &toml::Spanned::new(entry.span(), s.clone()),
                    )?))),
                    toml::Value::Table(t) => match t.get("include-group") {
                        Some(toml::Value::String(g)) if t.len() == 1 => list.push(
                            GroupEntry::Include(normalize_group(g), line_of(text, entry.span().start)),
                        ),
                        _ => {
                            return Err(at(
                                entry.span().start,
                                "a dependency group entry is a requirement string or `{include-group = \"name\"}`".to_string(),
                            ))
                        }
                    },
                    _ => {
                        return Err(at(
                            entry.span().start,
                            "a dependency group entry is a requirement string or `{include-group = \"name\"}`".to_string(),
                        ))
                    }
                }
            }
            out.dependency_groups
                .entry(normalize_group(group.get_ref()))
                .or_default()
                .extend(list);
        }
        Ok(out)
    }

    /// The extras `selection` asks for, for a project whose dependencies are dynamic (its
    /// build decides which exist).
    pub fn dynamic_extras(&self, selection: &Selection) -> Vec<ExtraName> {
        selection
            .extras
            .iter()
            .filter_map(|e| ExtraName::from_str(e).ok())
            .collect()
    }

    /// The requirements to resolve: the dependencies, the selected extras and groups.
    /// Requirements on the project itself (`myproject[extra]`) are expanded in place.
    pub fn requirements(
        &self,
        selection: &Selection,
    ) -> Result<Vec<SourcedRequirement>, PyProjectError> {
        let mut extras: BTreeSet<ExtraName> = BTreeSet::new();
        if selection.all_extras {
            extras.extend(self.optional_dependencies.keys().cloned());
        }
        for e in &selection.extras {
            let name = ExtraName::from_str(e)
                .ok()
                .filter(|n| self.optional_dependencies.contains_key(n));
            if self.dynamic_dependencies {
                // Only the build knows the extras; `dynamic_extras` passes them on.
                continue;
            }
            match name {
                Some(n) => {
                    extras.insert(n);
                }
                None => {
                    return Err(PyProjectError::Unknown {
                        path: self.path.clone(),
                        what: "optional-dependencies extra",
                        name: e.clone(),
                        available: self
                            .optional_dependencies
                            .keys()
                            .map(ToString::to_string)
                            .collect(),
                    })
                }
            }
        }
        let mut out = Vec::new();
        let mut seen_extras = BTreeSet::new();
        self.push_all(&self.dependencies, &mut out, &mut seen_extras);
        for extra in &extras {
            self.push_extra(extra, &mut out, &mut seen_extras);
        }
        for group in &selection.groups {
            let mut stack = Vec::new();
            self.push_group(
                &normalize_group(group),
                group,
                &mut stack,
                &mut out,
                &mut seen_extras,
            )?;
        }
        Ok(out)
    }

    fn push_all(
        &self,
        reqs: &[SourcedRequirement],
        out: &mut Vec<SourcedRequirement>,
        seen_extras: &mut BTreeSet<ExtraName>,
    ) {
        for r in reqs {
            self.push(r, out, seen_extras);
        }
    }

    fn push(
        &self,
        r: &SourcedRequirement,
        out: &mut Vec<SourcedRequirement>,
        seen_extras: &mut BTreeSet<ExtraName>,
    ) {
        if self.name.as_ref() == Some(&r.requirement.name) {
            for extra in &r.requirement.extras {
                self.push_extra(extra, out, seen_extras);
            }
        } else {
            out.push(r.clone());
        }
    }

    fn push_extra(
        &self,
        extra: &ExtraName,
        out: &mut Vec<SourcedRequirement>,
        seen_extras: &mut BTreeSet<ExtraName>,
    ) {
        if !seen_extras.insert(extra.clone()) {
            return;
        }
        if let Some(reqs) = self.optional_dependencies.get(extra) {
            self.push_all(reqs, out, seen_extras);
        }
    }

    fn push_group(
        &self,
        group: &str,
        as_given: &str,
        stack: &mut Vec<String>,
        out: &mut Vec<SourcedRequirement>,
        seen_extras: &mut BTreeSet<ExtraName>,
    ) -> Result<(), PyProjectError> {
        let Some(entries) = self.dependency_groups.get(group) else {
            return Err(PyProjectError::Unknown {
                path: self.path.clone(),
                what: "dependency group",
                name: as_given.to_string(),
                available: self.dependency_groups.keys().cloned().collect(),
            });
        };
        if stack.iter().any(|g| g == group) {
            stack.push(group.to_string());
            return Err(PyProjectError::Invalid {
                path: self.path.clone(),
                message: format!(
                    "dependency groups include each other: {}; remove one `include-group`",
                    stack.join(" -> ")
                ),
            });
        }
        stack.push(group.to_string());
        for entry in entries {
            match entry {
                GroupEntry::Requirement(r) => self.push(r, out, seen_extras),
                GroupEntry::Include(g, _) => self.push_group(g, g, stack, out, seen_extras)?,
            }
        }
        stack.pop();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYPROJECT: &str = r#"[project]
name = "My_App"
requires-python = ">=3.10"
dependencies = [
    "httpx>=0.27",
    "pydantic",
]

[project.optional-dependencies]
cli = ["rich", "typer"]
Fast = ["orjson; python_version >= '3.9'"]
all = ["my-app[cli,fast]"]

[dependency-groups]
test = ["pytest>=8", { include-group = "Lint" }]
lint = ["ruff"]
loop-a = [{ include-group = "loop-b" }]
loop-b = [{ include-group = "loop-a" }]
"#;

    fn project() -> PyProject {
        PyProject::parse(PYPROJECT, Path::new("pyproject.toml")).expect("parse")
    }

    fn selected(sel: Selection) -> Vec<String> {
        project()
            .requirements(&sel)
            .expect("select")
            .iter()
            .map(|r| format!("{}:{}", r.requirement.name, r.origin.line().unwrap_or(0)))
            .collect()
    }

    #[test]
    fn selects_dependencies_extras_and_groups() {
        assert_eq!(selected(Selection::default()), ["httpx:5", "pydantic:6"]);
        let extras = Selection {
            extras: vec!["cli".into()],
            ..Default::default()
        };
        assert_eq!(
            selected(extras),
            ["httpx:5", "pydantic:6", "rich:10", "typer:10"]
        );
        let all = Selection {
            all_extras: true,
            ..Default::default()
        };
        assert_eq!(
            selected(all),
            ["httpx:5", "pydantic:6", "rich:10", "typer:10", "orjson:11"]
        );
        // A self-referencing extra expands to the extras it names.
        let via_self = Selection {
            extras: vec!["all".into()],
            ..Default::default()
        };
        assert_eq!(
            selected(via_self),
            ["httpx:5", "pydantic:6", "rich:10", "typer:10", "orjson:11"]
        );
        let group = Selection {
            groups: vec!["TEST".into()],
            ..Default::default()
        };
        assert_eq!(
            selected(group),
            ["httpx:5", "pydantic:6", "pytest:15", "ruff:16"]
        );
        assert_eq!(
            project().requires_python.map(|r| r.to_string()).as_deref(),
            Some(">=3.10")
        );
    }

    #[test]
    fn unknown_names_and_cycles_are_errors() {
        let err = |sel: Selection| project().requirements(&sel).expect_err("error").to_string();
        insta::assert_snapshot!(err(Selection { extras: vec!["gpu".into()], ..Default::default() }), @"`pyproject.toml` has no optional-dependencies extra `gpu`; it defines `all`, `cli`, `fast`");
        insta::assert_snapshot!(err(Selection { groups: vec!["docs".into()], ..Default::default() }), @"`pyproject.toml` has no dependency group `docs`; it defines `lint`, `loop-a`, `loop-b`, `test`");
        insta::assert_snapshot!(err(Selection { groups: vec!["loop-a".into()], ..Default::default() }), @"`pyproject.toml`: dependency groups include each other: loop-a -> loop-b -> loop-a; remove one `include-group`");
    }

    /// Dynamic dependencies are no longer refused: the project is built for them (issue 13).
    #[test]
    fn dynamic_dependencies_are_marked_for_a_build() {
        let p = PyProject::parse(
            "[project]\nname = \"a\"\ndynamic = [\"dependencies\"]\n",
            Path::new("pyproject.toml"),
        )
        .expect("parses");
        assert!(p.dynamic_dependencies);
        assert!(p.dependencies.is_empty());
        let sel = Selection {
            extras: vec!["test".into()],
            ..Default::default()
        };
        assert!(p.requirements(&sel).expect("no unknown extra").is_empty());
        assert_eq!(p.dynamic_extras(&sel).len(), 1);
        let static_deps =
            PyProject::parse("[project]\nname = \"a\"\n", Path::new("pyproject.toml"))
                .expect("parses");
        assert!(!static_deps.dynamic_dependencies);
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = |text: &str| {
            PyProject::parse(text, Path::new("pyproject.toml"))
                .expect_err("bad")
                .to_string()
        };
        insta::assert_snapshot!(e("[project]\nname = \"a\"\ndependencies = [\n  \"ok\",\n  \"bad>>1\",\n]\n"), @r#"
            pyproject.toml:5: `bad>>1`: no such comparison operator ">>", must be one of ~= == != <= >= < > ===
            "#);
        insta::assert_snapshot!(e("[project]\ndependencies = 3\n"), @"pyproject.toml:2: invalid type: integer `3`, expected a sequence");
        insta::assert_snapshot!(e("[dependency-groups]\ndev = [1]\n"), @r#"
            pyproject.toml:2: a dependency group entry is a requirement string or `{include-group = "name"}`
            "#);
    }
}
