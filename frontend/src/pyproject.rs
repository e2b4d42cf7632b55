//! The `[build-system]` table of a source tree (PEP 518, PEP 517), with the defaults pip
//! and uv use for projects that have none.

use std::path::{Component, Path};

use lockit_types::Requirement;

/// What a projects without `[build-system]` is built with (pip's and uv's default).
pub const LEGACY_REQUIRES: &str = "setuptools>=40.8.0";
/// The backend of projects whose `[build-system]` names none: setuptools running `setup.py`.
pub const LEGACY_BACKEND: &str = "setuptools.build_meta:__legacy__";

/// How a source tree is built.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSystem {
    /// `build-system.requires`: what the build environment holds.
    pub requires: Vec<Requirement>,
    /// `build-system.build-backend`: `module` or `module:object`.
    pub backend: String,
    /// `build-system.backend-path`: folders of the source tree put first on `sys.path`
    /// (in-tree backends), relative to its root.
    pub backend_path: Vec<String>,
}

impl BuildSystem {
    /// Reads `pyproject.toml` of the source tree at `root` (absent: the legacy default).
    pub fn read(root: &Path) -> Result<BuildSystem, String> {
        match std::fs::read_to_string(root.join("pyproject.toml")) {
            Ok(text) => BuildSystem::parse(Some(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BuildSystem::parse(None),
            Err(e) => Err(format!("cannot read pyproject.toml: {e}")),
        }
    }

    /// Parses the text of a `pyproject.toml` (`None`: there is none). Without a
    /// `[build-system]` table the project is a legacy setuptools one; a table without
    /// `build-backend` keeps its `requires` and gets the legacy backend, as pip does.
    pub fn parse(pyproject: Option<&str>) -> Result<BuildSystem, String> {
        let legacy = || -> Result<BuildSystem, String> {
            Ok(BuildSystem {
                requires: vec![requirement(LEGACY_REQUIRES)?],
                backend: LEGACY_BACKEND.to_string(),
                backend_path: Vec::new(),
            })
        };
        let Some(text) = pyproject else {
            return legacy();
        };
        let doc: toml::Table =
            toml::from_str(text).map_err(|e| format!("invalid pyproject.toml: {e}"))?;
        let Some(table) = doc.get("build-system") else {
            return legacy();
        };
        let table = table.as_table().ok_or("`build-system` is not a table")?;
        let requires = table
            .get("requires")
            .ok_or("`build-system.requires` is missing (PEP 518 requires it)")?
            .as_array()
            .ok_or("`build-system.requires` is not an array")?
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| "`build-system.requires` holds a non-string".to_string())
                    .and_then(requirement)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let backend = match table.get("build-backend") {
            None => LEGACY_BACKEND.to_string(),
            Some(v) => {
                let spec = v.as_str().ok_or("`build-backend` is not a string")?;
                check_backend(spec)?;
                spec.to_string()
            }
        };
        let backend_path = match table.get("backend-path") {
            None => Vec::new(),
            Some(v) => v
                .as_array()
                .ok_or("`backend-path` is not an array")?
                .iter()
                .map(|p| {
                    let p = p.as_str().ok_or("`backend-path` holds a non-string")?;
                    check_inside(p)?;
                    Ok(p.to_string())
                })
                .collect::<Result<Vec<_>, String>>()?,
        };
        Ok(BuildSystem {
            requires,
            backend,
            backend_path,
        })
    }
}

fn requirement(text: &str) -> Result<Requirement, String> {
    lockit_types::parse_requirement(text)
        .map_err(|e| format!("invalid build requirement `{text}`: {}", e.message))
}

/// `module.sub` or `module.sub:object.attr`, each part a Python identifier.
fn check_backend(spec: &str) -> Result<(), String> {
    let (module, object) = match spec.split_once(':') {
        Some((m, o)) => (m, Some(o)),
        None => (spec, None),
    };
    let dotted = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    if dotted(module.trim()) && object.is_none_or(|o| dotted(o.trim())) {
        Ok(())
    } else {
        Err(format!(
            "`build-backend = \"{spec}\"` is not `module` or `module:object`"
        ))
    }
}

/// PEP 517: `backend-path` entries are relative and stay inside the source tree.
fn check_inside(path: &str) -> Result<(), String> {
    let p = Path::new(path);
    let mut depth = 0i32;
    for c in p.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth -= 1,
            Component::RootDir | Component::Prefix(_) => depth = -1,
        }
        if depth < 0 {
            return Err(format!(
                "`backend-path` entry `{path}` is outside the source tree"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(b: &BuildSystem) -> Vec<String> {
        b.requires.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn defaults_follow_pip() {
        let none = BuildSystem::parse(None).unwrap();
        assert_eq!(reqs(&none), ["setuptools>=40.8.0"]);
        assert_eq!(none.backend, LEGACY_BACKEND);
        let no_table = BuildSystem::parse(Some("[project]\nname = 'x'\n")).unwrap();
        assert_eq!(no_table, none);
        let no_backend =
            BuildSystem::parse(Some("[build-system]\nrequires = ['setuptools', 'wheel']\n"))
                .unwrap();
        assert_eq!(reqs(&no_backend), ["setuptools", "wheel"]);
        assert_eq!(no_backend.backend, LEGACY_BACKEND);
    }

    #[test]
    fn in_tree_backends() {
        let b = BuildSystem::parse(Some(
            "[build-system]\nrequires = []\nbuild-backend = 'backend:hooks'\nbackend-path = ['.', 'tools/build']\n",
        ))
        .unwrap();
        assert!(b.requires.is_empty());
        assert_eq!(b.backend, "backend:hooks");
        assert_eq!(b.backend_path, [".", "tools/build"]);
    }

    #[test]
    fn invalid_tables_say_why() {
        for (text, want) in [
            (
                "[build-system]\nbuild-backend = 'x'\n",
                "requires` is missing",
            ),
            ("[build-system]\nrequires = 'x'\n", "not an array"),
            (
                "[build-system]\nrequires = ['a>=>1']\n",
                "invalid build requirement",
            ),
            (
                "[build-system]\nrequires = []\nbuild-backend = 'a b'\n",
                "not `module`",
            ),
            (
                "[build-system]\nrequires = []\nbuild-backend = 'a:'\n",
                "not `module`",
            ),
            (
                "[build-system]\nrequires = []\nbuild-backend = 'a'\nbackend-path = ['../up']\n",
                "outside the source tree",
            ),
            (
                "[build-system]\nrequires = []\nbuild-backend = 'a'\nbackend-path = ['/abs']\n",
                "outside the source tree",
            ),
            ("build-system = = 1", "invalid pyproject.toml"),
        ] {
            let err = BuildSystem::parse(Some(text)).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
        assert!(BuildSystem::parse(Some(
            "[build-system]\nrequires = []\nbuild-backend = 'flit_core.buildapi'\nbackend-path = ['a/../b']\n"
        ))
        .is_ok());
    }
}
