//! pip's own index configuration, read as pip-compile reads it (below lockit's options and
//! variables): `PIP_INDEX_URL` / `PIP_EXTRA_INDEX_URL`, else `index-url` /
//! `extra-index-url` from pip's configuration files (pip's `[install]` section over its
//! `[global]` one; later files over earlier ones).

use std::path::{Path, PathBuf};

/// The indexes pip is configured with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipIndexConfig {
    /// `index-url`, and where it was set (`PIP_INDEX_URL` or a file's path).
    pub index_url: Option<(String, String)>,
    /// `extra-index-url` values, in order.
    pub extra_index_urls: Vec<String>,
}

impl PipIndexConfig {
    /// From this process's environment and pip's configuration files: `PIP_CONFIG_FILE`
    /// (`os.devnull` turns files off), else `/etc/xdg/pip/pip.conf`, `/etc/pip.conf`,
    /// `~/.pip/pip.conf`, `$XDG_CONFIG_HOME/pip/pip.conf` (`~/.config/pip/pip.conf`) and
    /// `$VIRTUAL_ENV/pip.conf`.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        let mut files = Vec::new();
        match var("PIP_CONFIG_FILE") {
            Some(f) if f == "/dev/null" || f == "nul" => {}
            Some(f) => files.push(PathBuf::from(f)),
            None => {
                files.push(PathBuf::from("/etc/xdg/pip/pip.conf"));
                files.push(PathBuf::from("/etc/pip.conf"));
                if let Some(h) = &home {
                    files.push(h.join(".pip/pip.conf"));
                }
                let xdg = var("XDG_CONFIG_HOME")
                    .map(PathBuf::from)
                    .or_else(|| home.as_ref().map(|h| h.join(".config")));
                if let Some(x) = xdg {
                    files.push(x.join("pip/pip.conf"));
                }
                if let Some(venv) = var("VIRTUAL_ENV") {
                    files.push(Path::new(&venv).join("pip.conf"));
                }
            }
        }
        Self::read(&var, &files)
    }

    /// From `var` (the environment) and `files`, later files over earlier ones.
    pub fn read(var: &dyn Fn(&str) -> Option<String>, files: &[PathBuf]) -> Self {
        let mut config = PipIndexConfig::default();
        for file in files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let values = ini_values(&text);
            if let Some((url, _)) = values.index_url {
                config.index_url = Some((url, file.display().to_string()));
            }
            if !values.extra_index_urls.is_empty() {
                config.extra_index_urls = values.extra_index_urls;
            }
        }
        if let Some(url) = var("PIP_INDEX_URL") {
            config.index_url = Some((url, "PIP_INDEX_URL".to_string()));
        }
        if let Some(urls) = var("PIP_EXTRA_INDEX_URL") {
            config.extra_index_urls = urls.split_whitespace().map(str::to_string).collect();
        }
        config
    }
}

/// `index-url` and `extra-index-url` of one pip configuration file: `[install]` over
/// `[global]`; a value may continue on indented lines (several extra indexes).
fn ini_values(text: &str) -> PipIndexConfig {
    let mut section = String::new();
    let mut found: Vec<(String, String, String)> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = found.last_mut() {
                last.2.push(' ');
                last.2.push_str(trimmed);
            }
            continue;
        }
        if let Some((key, value)) = trimmed.split_once(['=', ':']) {
            let key = key.trim().to_ascii_lowercase().replace('_', "-");
            found.push((section.clone(), key, value.trim().to_string()));
        }
    }
    let pick = |key: &str| {
        ["install", "global"].iter().find_map(|sec| {
            found
                .iter()
                .rev()
                .find(|(s, k, _)| s == sec && k == key)
                .map(|(_, _, v)| v.clone())
        })
    };
    PipIndexConfig {
        index_url: pick("index-url").map(|u| (u, String::new())),
        extra_index_urls: pick("extra-index-url")
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_then_environment_install_over_global() {
        let dir = tempfile::tempdir().unwrap();
        let global = dir.path().join("global.conf");
        std::fs::write(&global, "[global]\nindex-url = https://global.example/simple\nextra-index-url =\n    https://a.example/simple\n    https://b.example/simple\n").unwrap();
        let user = dir.path().join("user.conf");
        std::fs::write(&user, "[global]\nindex_url=https://user-global.example/simple\n[install]\nindex-url = https://user.example/simple\n").unwrap();
        let none = |_: &str| None;
        let c = PipIndexConfig::read(&none, &[global.clone(), user.clone()]);
        assert_eq!(
            c.index_url,
            Some((
                "https://user.example/simple".into(),
                user.display().to_string()
            ))
        );
        assert_eq!(
            c.extra_index_urls,
            ["https://a.example/simple", "https://b.example/simple"]
        );
        let env = |k: &str| match k {
            "PIP_INDEX_URL" => Some("https://env.example/simple".to_string()),
            "PIP_EXTRA_INDEX_URL" => Some("https://x.example https://y.example".to_string()),
            _ => None,
        };
        let c = PipIndexConfig::read(&env, &[global, user]);
        assert_eq!(
            c.index_url,
            Some(("https://env.example/simple".into(), "PIP_INDEX_URL".into()))
        );
        assert_eq!(
            c.extra_index_urls,
            ["https://x.example", "https://y.example"]
        );
        assert_eq!(
            PipIndexConfig::read(&none, &[dir.path().join("missing.conf")]),
            PipIndexConfig::default()
        );
    }
}
