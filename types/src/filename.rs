//! Wheel and sdist filenames: what version and tags a file is for.

use std::fmt;
use std::str::FromStr;

use crate::{PackageName, TagSet, Version};

/// Why a filename does not name a distribution of the expected project.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{filename}` is not a distribution filename: {reason}")]
pub struct FilenameError {
    /// The filename as given.
    pub filename: String,
    /// What was wrong with it.
    pub reason: String,
}

fn err(filename: &str, reason: impl Into<String>) -> FilenameError {
    FilenameError {
        filename: filename.to_string(),
        reason: reason.into(),
    }
}

/// A parsed wheel filename (`name-version(-build)?-py-abi-plat.whl`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WheelFilename {
    /// The project name, normalized.
    pub name: PackageName,
    /// The version.
    pub version: Version,
    /// The optional build tag.
    pub build: Option<String>,
    /// The compressed tag set as written, `python-abi-platform` (each part may hold several
    /// `.`-separated tags). One string rather than three lists: pages list thousands of
    /// wheels, and most of them are only ever checked against the target once.
    tags: Box<str>,
}

/// The archive format of an sdist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SdistExtension {
    /// `.tar.gz`
    TarGz,
    /// `.zip`
    Zip,
    /// `.tar.bz2` and other legacy tarballs.
    Tar,
    /// Not an archive: a local source tree (`-e ./dir`, `name @ file:///dir`), whose
    /// metadata is built and which has no hash.
    Directory,
}

/// A parsed source distribution filename (`name-version.tar.gz`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SdistFilename {
    /// The project name, normalized.
    pub name: PackageName,
    /// The version.
    pub version: Version,
    /// The archive format.
    pub extension: SdistExtension,
}

/// A wheel or an sdist filename.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DistFilename {
    /// A built distribution.
    Wheel(WheelFilename),
    /// A source distribution.
    Sdist(SdistFilename),
}

/// True when `raw` is a valid name that normalizes to `expected` (PEP 503).
fn names_match(raw: &str, expected: &PackageName) -> bool {
    PackageName::from_str(raw).is_ok_and(|name| name == *expected)
}

impl DistFilename {
    /// Parses `filename` as a distribution of `expected`; other projects' files are an error.
    pub fn parse(filename: &str, expected: &PackageName) -> Result<Self, FilenameError> {
        Self::parse_with(filename, expected, &mut |v| Version::from_str(v).ok())
    }

    /// As [`DistFilename::parse`], with versions parsed by `version` (which may memoize:
    /// the files of one release share its version).
    pub fn parse_with(
        filename: &str,
        expected: &PackageName,
        version: &mut dyn FnMut(&str) -> Option<Version>,
    ) -> Result<Self, FilenameError> {
        if let Some(stem) = filename.strip_suffix(".whl") {
            // Fast path: the expected project, no build tag, a version that parses.
            if let Some((n, v, None, tags)) = wheel_parts(stem) {
                if names_match(n, expected) {
                    if let Some(v) = version(v) {
                        return Ok(DistFilename::Wheel(WheelFilename {
                            name: expected.clone(),
                            version: v,
                            build: None,
                            tags: tags.into(),
                        }));
                    }
                }
            }
            let wheel = WheelFilename::from_str(filename)?;
            if &wheel.name != expected {
                return Err(err(filename, format!("it belongs to `{}`", wheel.name)));
            }
            Ok(DistFilename::Wheel(wheel))
        } else {
            SdistFilename::parse_with(filename, expected, version).map(DistFilename::Sdist)
        }
    }

    /// The project this file is a distribution of, normalized.
    pub fn name(&self) -> &PackageName {
        match self {
            DistFilename::Wheel(w) => &w.name,
            DistFilename::Sdist(s) => &s.name,
        }
    }

    /// The version this file is a distribution of.
    pub fn version(&self) -> &Version {
        match self {
            DistFilename::Wheel(w) => &w.version,
            DistFilename::Sdist(s) => &s.version,
        }
    }

    /// The wheel filename, if this is a wheel.
    pub fn as_wheel(&self) -> Option<&WheelFilename> {
        match self {
            DistFilename::Wheel(w) => Some(w),
            DistFilename::Sdist(_) => None,
        }
    }

    /// True for a wheel.
    pub fn is_wheel(&self) -> bool {
        matches!(self, DistFilename::Wheel(_))
    }

    /// True for a local project's folder (see [`SdistExtension::Directory`]).
    pub fn is_folder(&self) -> bool {
        matches!(self, DistFilename::Sdist(s) if s.extension == SdistExtension::Directory)
    }
}

/// The `file://` URL a local project's folder is written as (no trailing `/`, so a lock
/// reads back as written); `None` for a relative path.
pub fn folder_url(path: &std::path::Path) -> Option<String> {
    let url = url::Url::from_directory_path(path).ok()?;
    Some(url.as_str().trim_end_matches('/').to_string())
}

/// The folder a `file://` URL names; `None` for another scheme or a malformed URL.
pub fn folder_path(url: &str) -> Option<std::path::PathBuf> {
    url::Url::parse(url).ok()?.to_file_path().ok()
}

impl WheelFilename {
    /// The compressed tag set, `python-abi-platform`, e.g. `py2.py3-none-any`.
    pub fn tag_text(&self) -> &str {
        &self.tags
    }

    /// The compressed tag set, split.
    pub fn tags(&self) -> TagSet<'_> {
        // Parsing checked the three parts; the default (no tags) is never reached.
        TagSet::parse(&self.tags).unwrap_or_default()
    }

    /// Python tags (`cp312`, `py3`).
    pub fn python(&self) -> impl Iterator<Item = &str> + Clone {
        self.tags().python()
    }

    /// ABI tags (`cp312`, `abi3`, `none`).
    pub fn abi(&self) -> impl Iterator<Item = &str> + Clone {
        self.tags().abi()
    }

    /// Platform tags (`manylinux_2_17_x86_64`, `any`).
    pub fn platform(&self) -> impl Iterator<Item = &str> + Clone {
        self.tags().platform()
    }
}

/// A wheel filename's stem split as `name-version(-build)?-python-abi-platform`: name,
/// version, build tag, and the tag set as one `python-abi-platform` slice; `None` unless
/// it has five or six `-`-separated parts.
fn wheel_parts(stem: &str) -> Option<(&str, &str, Option<&str>, &str)> {
    let tags_start = stem.rmatch_indices('-').nth(2)?.0;
    let mut head = stem[..tags_start].split('-');
    match (head.next(), head.next(), head.next(), head.next()) {
        (Some(name), Some(version), build, None) => {
            Some((name, version, build, &stem[tags_start + 1..]))
        }
        _ => None,
    }
}

impl FromStr for WheelFilename {
    type Err = FilenameError;

    fn from_str(filename: &str) -> Result<Self, Self::Err> {
        let stem = filename
            .strip_suffix(".whl")
            .ok_or_else(|| err(filename, "it does not end in `.whl`"))?;
        let (name, version, build, tags) = wheel_parts(stem)
            .ok_or_else(|| err(filename, "a wheel name has five or six `-`-separated parts"))?;
        let name = PackageName::from_str(name).map_err(|e| err(filename, e.to_string()))?;
        let version = Version::from_str(version).map_err(|e| err(filename, e.to_string()))?;
        Ok(WheelFilename {
            name,
            version,
            build: build.map(str::to_string),
            tags: tags.into(),
        })
    }
}

impl SdistFilename {
    /// Parses an sdist filename, using the known project name to find where the version starts
    /// (legacy sdists keep `-` in the name).
    pub fn parse(filename: &str, expected: &PackageName) -> Result<Self, FilenameError> {
        Self::parse_with(filename, expected, &mut |v| Version::from_str(v).ok())
    }

    fn parse_with(
        filename: &str,
        expected: &PackageName,
        parse_version: &mut dyn FnMut(&str) -> Option<Version>,
    ) -> Result<Self, FilenameError> {
        let (stem, extension) = if let Some(s) = filename.strip_suffix(".tar.gz") {
            (s, SdistExtension::TarGz)
        } else if let Some(s) = filename.strip_suffix(".tgz") {
            // A gzipped tarball by another name: read like `.tar.gz`.
            (s, SdistExtension::TarGz)
        } else if let Some(s) = filename.strip_suffix(".zip") {
            (s, SdistExtension::Zip)
        } else if let Some(s) = filename
            .strip_suffix(".tar.bz2")
            .or_else(|| filename.strip_suffix(".tar.xz"))
            .or_else(|| filename.strip_suffix(".tar"))
        {
            (s, SdistExtension::Tar)
        } else {
            return Err(err(filename, "unknown archive extension"));
        };
        for (i, _) in stem.match_indices('-') {
            let (name, version) = (&stem[..i], &stem[i + 1..]);
            if !names_match(name, expected) {
                continue;
            }
            if let Some(version) = parse_version(version) {
                return Ok(SdistFilename {
                    name: expected.clone(),
                    version,
                    extension,
                });
            }
        }
        Err(err(
            filename,
            format!("no `{expected}-<version>` prefix found"),
        ))
    }
}

impl fmt::Display for WheelFilename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.name, self.version)?;
        if let Some(b) = &self.build {
            write!(f, "-{b}")?;
        }
        write!(f, "-{}.whl", self.tags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> PackageName {
        PackageName::from_str(s).unwrap()
    }

    /// A folder's URL reads back as the folder, without a trailing `/`, and a folder
    /// pin is told from files.
    #[test]
    fn folder_urls_round_trip() {
        let url = folder_url(std::path::Path::new("/srv/my app")).unwrap();
        assert_eq!(url, "file:///srv/my%20app");
        assert_eq!(
            folder_path(&url).unwrap(),
            std::path::Path::new("/srv/my app")
        );
        assert_eq!(folder_url(std::path::Path::new("relative/app")), None);
        assert_eq!(folder_path("https://example.org/app"), None);
        let folder = DistFilename::Sdist(SdistFilename {
            name: name("app"),
            version: Version::from_str("1.0").unwrap(),
            extension: SdistExtension::Directory,
        });
        assert!(folder.is_folder());
        let sdist = DistFilename::parse("app-1.0.tar.gz", &name("app")).unwrap();
        assert!(!sdist.is_folder());
    }

    #[test]
    fn wheel_with_compressed_tags() {
        let w = WheelFilename::from_str(
            "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        )
        .unwrap();
        assert_eq!(w.name, name("numpy"));
        assert_eq!(w.version.to_string(), "2.1.3");
        assert_eq!(
            w.platform().collect::<Vec<_>>(),
            vec!["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        );
        assert_eq!(w.python().collect::<Vec<_>>(), vec!["cp312"]);
        assert_eq!(w.abi().collect::<Vec<_>>(), vec!["cp312"]);
        assert_eq!(
            w.tag_text(),
            "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"
        );
        assert_eq!(w.build, None);
    }

    #[test]
    fn wheel_with_build_tag() {
        let w = WheelFilename::from_str("foo-1.0-1b-py3-none-any.whl").unwrap();
        assert_eq!(w.build.as_deref(), Some("1b"));
        assert_eq!(w.to_string(), "foo-1.0-1b-py3-none-any.whl");
    }

    #[test]
    fn bad_wheels() {
        for f in [
            "foo.whl",
            "foo-1.0-py3-none.whl",
            "foo-notaversion-py3-none-any.whl",
        ] {
            assert!(WheelFilename::from_str(f).is_err(), "{f}");
        }
    }

    #[test]
    fn sdist_with_dashes_in_name() {
        let s = SdistFilename::parse("zope-interface-5.0.tar.gz", &name("zope.interface")).unwrap();
        assert_eq!(s.version.to_string(), "5.0");
        let s = SdistFilename::parse("Django-4.2.zip", &name("django")).unwrap();
        assert_eq!(s.extension, SdistExtension::Zip);
        assert!(SdistFilename::parse("other-1.0.tar.gz", &name("django")).is_err());
    }

    #[test]
    fn name_matching_is_pep503_normalization() {
        let cases = [
            ("Foo_Bar", "foo-bar", true),
            ("foo..bar", "foo-bar", true),
            ("foo-_bar", "foo-bar", true),
            ("foobar", "foo-bar", false),
            ("foo-bar-", "foo-bar", false),
            ("-foo-bar", "foo-bar", false),
            ("foo-ba", "foo-bar", false),
            ("foo-barr", "foo-bar", false),
            ("foo!bar", "foo-bar", false),
            ("", "foo-bar", false),
        ];
        for (raw, expected, ok) in cases {
            assert_eq!(names_match(raw, &name(expected)), ok, "{raw}");
            let parsed = PackageName::from_str(raw).is_ok_and(|n| n == name(expected));
            assert_eq!(parsed, ok, "{raw}");
        }
    }

    #[test]
    fn fast_and_slow_wheel_parses_agree() {
        for f in [
            "Foo_Bar-1.0-py3-none-any.whl",
            "foo_bar-1.0-1b-py3-none-any.whl",
            "foo_bar-2.0rc1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        ] {
            let fast = DistFilename::parse(f, &name("foo-bar")).unwrap();
            let slow = WheelFilename::from_str(f).unwrap();
            assert_eq!(fast, DistFilename::Wheel(slow), "{f}");
        }
        assert!(DistFilename::parse("foo-1.0-py3-none-any.whl", &name("foo-bar")).is_err());
    }

    proptest::proptest! {
        /// `wheel_parts` splits as the old `split('-')` into five or six parts did.
        #[test]
        fn wheel_parts_are_five_or_six_dash_separated_parts(stem in "[a-z0-9.-]{0,16}") {
            let parts: Vec<&str> = stem.split('-').collect();
            let old = match parts.as_slice() {
                [n, v, p, a, pl] => Some((*n, *v, None, format!("{p}-{a}-{pl}"))),
                [n, v, b, p, a, pl] => Some((*n, *v, Some(*b), format!("{p}-{a}-{pl}"))),
                _ => None,
            };
            let new = wheel_parts(&stem).map(|(n, v, b, t)| (n, v, b, t.to_string()));
            proptest::prop_assert_eq!(new, old);
        }
    }

    #[test]
    fn other_projects_wheel_is_rejected() {
        assert!(DistFilename::parse("a-1.0-py3-none-any.whl", &name("b")).is_err());
    }
}

/// Decodes `%XX` escapes (invalid ones are kept as they are; bytes that are not UTF-8
/// become U+FFFD). URLs escape `+` in local versions as `%2B`.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A file's name from its URL: the last path segment, without query or fragment, decoded.
pub fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    percent_decode(path.rsplit('/').next().unwrap_or(path))
}

#[cfg(test)]
mod url_name_tests {
    use super::{percent_decode, url_file_name};

    #[test]
    fn decodes_names_from_urls() {
        assert_eq!(
            url_file_name("https://h/p/torch-2.0%2Bcpu-cp312-cp312-linux_x86_64.whl#sha256=ab"),
            "torch-2.0+cpu-cp312-cp312-linux_x86_64.whl"
        );
        assert_eq!(url_file_name("a-1.0.tar.gz?x=1"), "a-1.0.tar.gz");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
