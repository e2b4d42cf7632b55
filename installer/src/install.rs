//! Installing and uninstalling wheels as the binary distribution format specifies
//! (RECORD, INSTALLER, console and GUI scripts for the environment's interpreter, `.data`
//! folders, PEP 610 `direct_url.json`), by uv's maintained implementation
//! (`uv-install-wheel`): each file linked from the unpacked wheel in the cache (reflink,
//! else hard link, else copy), and removed by its RECORD.

use std::path::Path;
use std::str::FromStr;

use uv_install_wheel::{InstallState, Layout, LinkMode};

use crate::environment::Environment;
use crate::fetch::Fetched;
use crate::installed::Installed;
use crate::wanted::Wanted;
use crate::SyncError;

/// What `INSTALLER` says: pip reads it for `pip list` and `pip uninstall` works on it.
const INSTALLER: &str = "lockit";

/// Installs wheels into one environment.
pub struct Installer {
    layout: Layout,
    state: InstallState,
    link_mode: LinkMode,
}

impl Installer {
    /// An installer for `env`; `copy` forces copies instead of links.
    pub fn new(env: &Environment, copy: bool) -> Installer {
        let scheme = &env.scheme;
        Installer {
            layout: Layout {
                sys_executable: env.python.clone(),
                python_version: env.python_minor(),
                os_name: env.os_name.clone(),
                scheme: uv_pypi_types::Scheme {
                    purelib: scheme.purelib.clone(),
                    platlib: scheme.platlib.clone(),
                    scripts: scheme.scripts.clone(),
                    data: scheme.data.clone(),
                    include: scheme.include.clone(),
                },
            },
            state: InstallState::new(uv_preview::Preview::default()),
            link_mode: match copy {
                true => LinkMode::Copy,
                false => LinkMode::default(),
            },
        }
    }

    /// Installs the unpacked wheel `fetched` for `pin`, with `direct_url.json` for a URL pin.
    pub fn install(&self, pin: &Wanted, fetched: &Fetched) -> Result<(), SyncError> {
        let filename = uv_distribution_filename::WheelFilename::from_str(&fetched.filename)
            .map_err(|e| SyncError::Install(format!("`{}`: {e}", fetched.filename)))?;
        let direct_url = match (&pin.url, &pin.editable) {
            (Some(url), Some(_)) => Some(editable_url(url)?),
            (Some(url), None) => Some(direct_url(url, &fetched.sha256)?),
            (None, _) => None,
        };
        uv_install_wheel::install_wheel(
            &self.layout,
            false,
            &fetched.dir,
            &filename,
            direct_url.as_ref(),
            None::<&()>,
            None::<&()>,
            Some(INSTALLER),
            true,
            self.link_mode,
            &self.state,
        )
        .map_err(|e| SyncError::Install(format!("cannot install {}: {e}", pin.describe())))
    }

    /// Removes `dist` by its RECORD (a distribution without one: its `.dist-info` folder).
    pub fn uninstall(&self, dist: &Installed) -> Result<(), SyncError> {
        let describe = format!("{} {}", dist.name, dist.version);
        if !dist.dist_info.join("RECORD").is_file() {
            return remove_dir(&dist.dist_info);
        }
        uv_install_wheel::uninstall_wheel(&dist.dist_info, &describe, &self.layout)
            .map(drop)
            .map_err(|e| SyncError::Install(format!("cannot uninstall {describe}: {e}")))
    }
}

/// PEP 610's record of an archive URL, with the hash it was checked against.
fn direct_url(url: &str, sha256: &str) -> Result<uv_pypi_types::DirectUrl, SyncError> {
    let value = serde_json::json!({
        "url": url,
        "archive_info": {"hash": format!("sha256={sha256}"), "hashes": {"sha256": sha256}},
    });
    serde_json::from_value(value).map_err(|e| SyncError::Install(e.to_string()))
}

/// PEP 610's record of a project folder installed editable.
fn editable_url(url: &str) -> Result<uv_pypi_types::DirectUrl, SyncError> {
    let value = serde_json::json!({"url": url, "dir_info": {"editable": true}});
    serde_json::from_value(value).map_err(|e| SyncError::Install(e.to_string()))
}

fn remove_dir(path: &Path) -> Result<(), SyncError> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SyncError::io("cannot remove", path, e)),
    }
}
