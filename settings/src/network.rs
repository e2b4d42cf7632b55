//! [`Network`]: how a run reaches the index (cache, timeouts, verbosity), which never
//! changes the answer and so is not recorded in a lock.

use std::path::PathBuf;
use std::time::Duration;

/// How a run reaches the index, which does not change the answer: cache, network and
/// verbosity.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// `--cache-dir`.
    pub cache_dir: Option<PathBuf>,
    /// `--no-cache`.
    pub no_cache: bool,
    /// `--offline`.
    pub offline: bool,
    /// `--refresh`.
    pub refresh: bool,
    /// `--refresh-package` names.
    pub refresh_packages: std::collections::HashSet<lockit_types::PackageName>,
    /// Seconds to wait for a connection.
    pub connect_timeout: Duration,
    /// Seconds to wait for data.
    pub read_timeout: Duration,
    /// `-v`.
    pub verbose: bool,
    /// `--native-tls`.
    pub native_tls: bool,
}

impl Network {
    /// The cache directory: `--cache-dir`, `LOCKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/lockit`
    /// or `~/.cache/lockit`; none with `--no-cache`.
    pub fn cache(&self) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        self.cache_dir.clone().or_else(default_cache_root)
    }
}

/// `LOCKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/lockit` or `~/.cache/lockit`.
pub fn default_cache_root() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("LOCKIT_CACHE_DIR").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("lockit"))
}
