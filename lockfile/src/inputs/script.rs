//! PEP 723 inline script metadata: a Python script's `# /// script` block, whose
//! `dependencies` are locked under its `requires-python`, as `uv pip compile script.py` and
//! `pip lock` read it.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lockit_types::{RequirementOrigin, SourcedRequirement, VersionSpecifiers};
use serde::Deserialize;

/// Why a script's metadata cannot be read; each names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// The file cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The script.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No `# /// script` block, or more than one.
    #[error("{}: {problem}", path.display())]
    Block {
        /// The script.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The block is not valid TOML, or a value is not what PEP 723 says.
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        /// The script.
        path: PathBuf,
        /// The line at fault (the block's first line when TOML does not say).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// What a script asks for.
#[derive(Debug, Default)]
pub struct Script {
    /// Its `dependencies`, each at the line that names it.
    pub requirements: Vec<SourcedRequirement>,
    /// Its `requires-python`.
    pub requires_python: Option<VersionSpecifiers>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    #[serde(default)]
    dependencies: Vec<String>,
    requires_python: Option<String>,
}

/// True for a path that names a Python script.
pub(crate) fn is_script(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyw")
}

/// Reads the `# /// script` block of the script at `path`.
pub fn read_script(path: &Path) -> Result<Script, ScriptError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScriptError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_script(&text, path)
}

/// The `# /// script` block of `text` (the script at `path`), as PEP 723 delimits it: a
/// `# /// script` line, comment lines (`#` alone or `# ` and the content), a `# ///` line.
pub fn parse_script(text: &str, path: &Path) -> Result<Script, ScriptError> {
    let block = |problem: &str| ScriptError::Block {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    };
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].trim_end() == "# /// script")
        .collect();
    let start = match starts.as_slice() {
        [one] => *one,
        [] => {
            return Err(block(
                "no `# /// script` block (PEP 723) names the script's dependencies",
            ))
        }
        _ => {
            return Err(block(
                "more than one `# /// script` block; PEP 723 allows one",
            ))
        }
    };
    let mut content = Vec::new();
    let mut end = None;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let line = line.trim_end();
        if line == "# ///" {
            end = Some(i);
            break;
        }
        match line
            .strip_prefix("# ")
            .or_else(|| (line == "#").then_some(""))
        {
            Some(c) => content.push(c),
            None => break,
        }
    }
    if end.is_none() {
        return Err(block(
            "the `# /// script` block is not closed by a `# ///` line",
        ));
    }
    let toml_text = content.join("\n");
    let invalid = |line: usize, message: String| ScriptError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let meta: Metadata = toml::from_str(&toml_text).map_err(|e| {
        let line = e
            .span()
            .map_or(0, |s| toml_text[..s.start].matches('\n').count() + 1);
        invalid(
            start + 1 + line,
            format!("invalid script metadata: {}", e.message()),
        )
    })?;
    // The file line of each dependency: the first block line that quotes it.
    let line_of = |dep: &str| {
        content
            .iter()
            .position(|c| c.contains(dep))
            .map_or(start + 1, |i| start + 2 + i)
    };
    let mut out = Script::default();
    for dep in &meta.dependencies {
        let line = line_of(dep);
        let requirement = lockit_types::parse_requirement(dep)
            .map_err(|e| invalid(line, format!("invalid dependency `{dep}`: {}", e.message)))?;
        let mut sourced = SourcedRequirement::new(
            requirement,
            RequirementOrigin::File {
                path: path.to_path_buf(),
                line,
            },
        );
        sourced.text = Some(dep.clone());
        out.requirements.push(sourced);
    }
    if let Some(rp) = &meta.requires_python {
        let spec = VersionSpecifiers::from_str(rp)
            .map_err(|e| invalid(line_of(rp), format!("invalid requires-python `{rp}`: {e}")))?;
        out.requires_python = Some(spec);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = r#"#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "requests<3",
#   "rich",
# ]
# ///
import requests
"#;

    #[test]
    fn a_script_block_gives_dependencies_at_their_lines_and_requires_python() {
        let script = parse_script(SCRIPT, Path::new("tool.py")).expect("valid");
        let found: Vec<(String, String)> = script
            .requirements
            .iter()
            .map(|r| (r.requirement.to_string(), r.origin.to_string()))
            .collect();
        assert_eq!(
            found,
            [
                ("requests<3".to_string(), "tool.py:5".to_string()),
                ("rich".to_string(), "tool.py:6".to_string())
            ]
        );
        assert_eq!(
            script.requires_python.map(|s| s.to_string()).as_deref(),
            Some(">=3.11")
        );
    }

    #[test]
    fn broken_blocks_are_errors_naming_the_file_and_line() {
        let err = |text: &str| {
            parse_script(text, Path::new("tool.py"))
                .expect_err("invalid")
                .to_string()
        };
        assert!(err("import os\n").contains("no `# /// script` block"));
        assert!(err("# /// script\n# dependencies = []\nimport os\n").contains("not closed"));
        assert!(err("# /// script\n# ///\n# /// script\n# ///\n").contains("more than one"));
        assert_eq!(
            err("# /// script\n# dependencies = [\"requests>>2\"]\n# ///\n")
                .split(": invalid")
                .next(),
            Some("tool.py:2")
        );
        assert!(err("# /// script\n# dependencies = 3\n# ///\n")
            .starts_with("tool.py:2: invalid script metadata"));
    }
}
