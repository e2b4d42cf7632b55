//! The environment a lock is for: Python version, platform, marker values and wheel tags.

use std::fmt;
use std::str::FromStr;

use pep508_rs::{MarkerEnvironment, MarkerEnvironmentBuilder};

use crate::{Tags, Version};

/// Why a target could not be built from the options given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// `--python-platform` named a platform we do not know.
    #[error("unknown Python platform `{0}`; try one of: linux, macos, windows, x86_64-manylinux_2_28, aarch64-manylinux_2_28, x86_64-unknown-linux-musl, aarch64-apple-darwin, x86_64-apple-darwin, x86_64-pc-windows-msvc")]
    UnknownPlatform(String),
    /// `--python-version` was not `3.X` or `3.X.Y`.
    #[error("invalid Python version `{0}`: expected `3.X` or `3.X.Y`")]
    BadPythonVersion(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Os {
    /// glibc Linux with its manylinux (major, minor) version.
    Manylinux(u16, u16),
    /// musl Linux with its (major, minor) version.
    Musllinux(u16, u16),
    /// macOS with its (major, minor) deployment target.
    Macos(u16, u16),
    Windows,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arch {
    X86_64,
    Aarch64,
    X86,
}

/// A platform as uv spells it (`x86_64-manylinux_2_28`, `aarch64-apple-darwin`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    os: Os,
    arch: Arch,
    spelling: String,
}

impl FromStr for Platform {
    type Err = TargetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || TargetError::UnknownPlatform(s.to_string());
        let lower = s.to_ascii_lowercase();
        let (arch, os) = match lower.as_str() {
            "linux" => (Arch::X86_64, Os::Manylinux(2, 17)),
            "macos" => (Arch::Aarch64, Os::Macos(12, 0)),
            "windows" => (Arch::X86_64, Os::Windows),
            "x86_64-unknown-linux-gnu" => (Arch::X86_64, Os::Manylinux(2, 17)),
            "aarch64-unknown-linux-gnu" => (Arch::Aarch64, Os::Manylinux(2, 17)),
            "x86_64-unknown-linux-musl" => (Arch::X86_64, Os::Musllinux(1, 2)),
            "aarch64-unknown-linux-musl" => (Arch::Aarch64, Os::Musllinux(1, 2)),
            "aarch64-apple-darwin" => (Arch::Aarch64, Os::Macos(12, 0)),
            "x86_64-apple-darwin" => (Arch::X86_64, Os::Macos(10, 12)),
            "x86_64-pc-windows-msvc" => (Arch::X86_64, Os::Windows),
            "aarch64-pc-windows-msvc" => (Arch::Aarch64, Os::Windows),
            "i686-pc-windows-msvc" => (Arch::X86, Os::Windows),
            other => {
                let (arch, rest) = other.split_once('-').ok_or_else(unknown)?;
                let arch = match arch {
                    "x86_64" => Arch::X86_64,
                    "aarch64" => Arch::Aarch64,
                    _ => return Err(unknown()),
                };
                let (family, ver) = rest.split_once('_').ok_or_else(unknown)?;
                let (maj, min) = ver.split_once('_').ok_or_else(unknown)?;
                let maj: u16 = maj.parse().map_err(|_| unknown())?;
                let min: u16 = min.parse().map_err(|_| unknown())?;
                let os = match family {
                    "manylinux" if maj == 2 => Os::Manylinux(maj, min),
                    "musllinux" if maj == 1 => Os::Musllinux(maj, min),
                    _ => return Err(unknown()),
                };
                (arch, os)
            }
        };
        Ok(Platform {
            os,
            arch,
            spelling: s.to_string(),
        })
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spelling)
    }
}

impl Platform {
    /// This macOS platform at macOS `major.minor` instead of its default deployment target
    /// (wheels built for a newer macOS install there); `None` for other systems.
    pub fn macos_at(&self, major: u16, minor: u16) -> Option<Platform> {
        match self.os {
            Os::Macos(..) => Some(Platform {
                os: Os::Macos(major, minor),
                arch: self.arch,
                spelling: format!("{} (macOS {major}.{minor})", self.spelling),
            }),
            _ => None,
        }
    }

    /// The platform tags this platform accepts, most preferred first.
    pub fn platform_tags(&self) -> Vec<String> {
        let arch = match (self.os, self.arch) {
            (Os::Macos(..), Arch::Aarch64) => "arm64",
            (_, Arch::X86_64) => "x86_64",
            (_, Arch::Aarch64) => "aarch64",
            (_, Arch::X86) => "i686",
        };
        let mut tags = Vec::new();
        match self.os {
            // `linux_*` first: a wheel built for this very machine is the most specific
            // (packaging orders it so since 26.3; PyPI accepts no `linux_*` uploads, so it
            // only matters for find-links directories).
            Os::Manylinux(_, minor) => {
                tags.push(format!("linux_{arch}"));
                let floor = if self.arch == Arch::X86_64 { 5 } else { 17 };
                for m in (floor..=minor).rev() {
                    tags.push(format!("manylinux_2_{m}_{arch}"));
                    match m {
                        17 => tags.push(format!("manylinux2014_{arch}")),
                        12 => tags.push(format!("manylinux2010_{arch}")),
                        5 => tags.push(format!("manylinux1_{arch}")),
                        _ => {}
                    }
                }
            }
            Os::Musllinux(_, minor) => {
                tags.push(format!("linux_{arch}"));
                for m in (0..=minor).rev() {
                    tags.push(format!("musllinux_1_{m}_{arch}"));
                }
            }
            Os::Macos(major, minor) => {
                let binary_formats: &[&str] = match self.arch {
                    Arch::Aarch64 => &["arm64", "universal2"],
                    _ => &[
                        "x86_64",
                        "intel",
                        "fat64",
                        // Three architectures (i386, ppc, x86_64), as CPython names it;
                        // not `fat32`, which no build produces.
                        "fat3",
                        "universal2",
                        "universal",
                    ],
                };
                let mut versions = Vec::new();
                if major >= 11 {
                    for maj in (11..=major).rev() {
                        let min = if maj == major { minor } else { 0 };
                        versions.push((maj, min));
                    }
                    for min in (4..=16).rev() {
                        versions.push((10, min));
                    }
                } else {
                    for min in (4..=minor).rev() {
                        versions.push((10, min));
                    }
                }
                for (maj, min) in versions {
                    for fmt in binary_formats {
                        if maj == 10 && self.arch == Arch::Aarch64 && *fmt == "arm64" {
                            continue;
                        }
                        tags.push(format!("macosx_{maj}_{min}_{fmt}"));
                    }
                }
            }
            Os::Windows => tags.push(
                match self.arch {
                    Arch::X86_64 => "win_amd64",
                    Arch::Aarch64 => "win_arm64",
                    Arch::X86 => "win32",
                }
                .to_string(),
            ),
        }
        tags
    }
}

/// Everything resolution needs to know about the environment a lock is for.
#[derive(Debug, Clone)]
pub struct Target {
    /// The full Python version (`3.12.0` when only `3.12` was given).
    pub python: Version,
    /// The platform.
    pub platform: Platform,
    /// Values for PEP 508 environment markers. The version values are final releases
    /// spelled `major.minor` (`python_version`) and `major.minor.patch`
    /// (`python_full_version`, `implementation_version`): marker rewriting relies on it
    /// (see `lockit_types::parse_requirement`). `platform_release` is empty (unknown).
    pub markers: MarkerEnvironment,
    /// Accepted wheel tags.
    pub tags: Tags,
}

impl Target {
    /// Builds a CPython target for `python` (`3.12` or `3.12.4`) on `platform`.
    pub fn new(python: &str, platform: Platform) -> Result<Self, TargetError> {
        let bad = || TargetError::BadPythonVersion(python.to_string());
        let parts: Vec<u64> = python
            .trim()
            .split('.')
            .map(|p| p.parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let (major, minor, patch) = match parts.as_slice() {
            [3, minor] => (3, *minor, 0),
            [3, minor, patch] => (3, *minor, *patch),
            _ => return Err(bad()),
        };
        let full = format!("{major}.{minor}.{patch}");
        let short = format!("{major}.{minor}");
        let (os_name, sys_platform, system, machine) = match (platform.os, platform.arch) {
            (Os::Manylinux(..) | Os::Musllinux(..), Arch::Aarch64) => {
                ("posix", "linux", "Linux", "aarch64")
            }
            (Os::Manylinux(..) | Os::Musllinux(..), _) => ("posix", "linux", "Linux", "x86_64"),
            (Os::Macos(..), Arch::Aarch64) => ("posix", "darwin", "Darwin", "arm64"),
            (Os::Macos(..), _) => ("posix", "darwin", "Darwin", "x86_64"),
            (Os::Windows, Arch::X86_64) => ("nt", "win32", "Windows", "AMD64"),
            (Os::Windows, Arch::Aarch64) => ("nt", "win32", "Windows", "ARM64"),
            (Os::Windows, Arch::X86) => ("nt", "win32", "Windows", "x86"),
        };
        let markers = MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
            implementation_name: "cpython",
            implementation_version: &full,
            os_name,
            platform_machine: machine,
            platform_python_implementation: "CPython",
            platform_release: "",
            platform_system: system,
            platform_version: "",
            python_full_version: &full,
            python_version: &short,
            sys_platform,
        })
        .map_err(|_| bad())?;
        let tags = Tags::cpython(major, minor, &platform.platform_tags());
        Ok(Target {
            python: Version::from_str(&full).map_err(|_| bad())?,
            platform,
            markers,
            tags,
        })
    }

    /// `major.minor` of the target Python.
    pub fn python_minor(&self) -> String {
        let r = self.python.release();
        format!("{}.{}", r[0], r.get(1).copied().unwrap_or(0))
    }

    /// `Python 3.12.0 on x86_64-manylinux_2_28`, as messages name the target.
    pub fn describe(&self) -> String {
        format!("Python {} on {}", self.python, self.platform)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MarkerEval;

    #[test]
    fn manylinux_tags_descend_with_aliases() {
        let p: Platform = "x86_64-manylinux_2_28".parse().unwrap();
        let tags = p.platform_tags();
        assert_eq!(tags[0], "linux_x86_64");
        assert_eq!(tags[1], "manylinux_2_28_x86_64");
        assert!(tags.contains(&"manylinux2014_x86_64".to_string()));
        assert_eq!(tags.last().unwrap(), "manylinux1_x86_64");
    }

    #[test]
    fn intel_macos_accepts_fat3_not_fat32() {
        let tags = "x86_64-apple-darwin"
            .parse::<Platform>()
            .unwrap()
            .platform_tags();
        assert!(tags.contains(&"macosx_10_9_fat3".to_string()));
        assert!(!tags.iter().any(|t| t.ends_with("fat32")));
    }

    #[test]
    fn native_linux_tag_is_preferred_like_packaging() {
        let tags = "x86_64-unknown-linux-musl"
            .parse::<Platform>()
            .unwrap()
            .platform_tags();
        assert_eq!(
            tags,
            [
                "linux_x86_64",
                "musllinux_1_2_x86_64",
                "musllinux_1_1_x86_64",
                "musllinux_1_0_x86_64"
            ]
        );
    }

    #[test]
    fn platform_spellings() {
        for ok in [
            "linux",
            "macos",
            "windows",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc",
            "aarch64-manylinux_2_17",
            "x86_64-unknown-linux-musl",
        ] {
            assert!(ok.parse::<Platform>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "sparc-sun-solaris",
            "x86_64-manylinux_3_1",
            "x86_64-manylinux_2_x",
        ] {
            assert!(bad.parse::<Platform>().is_err(), "{bad}");
        }
    }

    #[test]
    fn environment_versions_are_final_releases_spelled_plainly() {
        // `crate::marker` rewrites `===`, `in` and suffixed versions on these spellings.
        for (python, short, full) in [
            ("3.12", "3.12", "3.12.0"),
            ("3.8.10", "3.8", "3.8.10"),
            ("3.14.0", "3.14", "3.14.0"),
            ("3.012", "3.12", "3.12.0"),
        ] {
            let t = Target::new(python, "linux".parse().unwrap()).unwrap();
            assert_eq!(t.markers.python_version().to_string(), short);
            assert_eq!(t.markers.python_full_version().to_string(), full);
            assert_eq!(t.markers.implementation_version().to_string(), full);
            assert_eq!(t.markers.platform_release(), "");
        }
        for not_final in ["3.13.0rc1", "3.12.dev0", "3.12.0.post1", "1!3.12"] {
            assert!(
                Target::new(not_final, "linux".parse().unwrap()).is_err(),
                "{not_final}"
            );
        }
    }

    #[test]
    fn target_markers() {
        let t = Target::new("3.12", "windows".parse().unwrap()).unwrap();
        assert_eq!(t.python.to_string(), "3.12.0");
        assert_eq!(t.python_minor(), "3.12");
        let req =
            crate::parse_requirement("a; sys_platform == 'win32' and python_version >= '3.12'")
                .unwrap();
        assert!(req.marker.holds(&t.markers, &[]));
        assert!(Target::new("2", "linux".parse().unwrap()).is_err());
        assert!(Target::new("3.x", "linux".parse().unwrap()).is_err());
    }
}
