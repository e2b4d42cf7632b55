//! Core metadata (`METADATA` / `PKG-INFO`): what a distribution requires.

use std::str::FromStr;

use crate::{ExtraName, PackageName, Requirement, Version, VersionSpecifiers};

/// Why a metadata file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// The file is not valid RFC 822 core metadata.
    #[error("invalid core metadata: {0}")]
    Syntax(String),
    /// A field holds a value that does not parse.
    #[error("invalid `{field}` value `{value}` in core metadata: {reason}")]
    Field {
        /// The header name.
        field: &'static str,
        /// The offending value.
        value: String,
        /// The parser's message.
        reason: String,
    },
    /// An sdist's PKG-INFO that cannot be trusted for dependencies.
    #[error("`Requires-Dist` is dynamic (Metadata-Version {0}): the sdist would have to be built")]
    Dynamic(String),
}

/// A value as quoted in an error: its first 120 characters and its length when longer
/// (a hostile file's value can run to megabytes).
fn shortened(value: &str) -> String {
    const SHOWN: usize = 120;
    match value.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}… ({} bytes)", &value[..cut], value.len()),
        None => value.to_string(),
    }
}

/// The header section of a `METADATA` / `PKG-INFO` file: everything up to and including
/// the first empty line (RFC 822 ends the headers there), or all of `bytes` without one.
///
/// Resolution reads headers only, so the body (the long description, often most of the
/// file) need not be cached or parsed; parsing the header section gives the same fields.
pub fn header_bytes(bytes: &[u8]) -> &[u8] {
    let mut start = 0;
    while start < bytes.len() {
        let end = match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start + i,
            None => return bytes,
        };
        let line = &bytes[start..end];
        if line.is_empty() || line == b"\r" {
            return &bytes[..=end];
        }
        start = end + 1;
    }
    bytes
}

/// The parts of a distribution's core metadata that resolution needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreMetadata {
    /// `Metadata-Version`.
    pub metadata_version: String,
    /// `Name`, normalized.
    pub name: PackageName,
    /// `Version`.
    pub version: Version,
    /// `Requires-Dist`, in file order.
    pub requires_dist: Vec<Requirement>,
    /// `Requires-Python`.
    pub requires_python: Option<VersionSpecifiers>,
    /// `Provides-Extra`.
    pub provides_extras: Vec<ExtraName>,
    /// `Dynamic` fields (Metadata-Version 2.2+).
    pub dynamic: Vec<String>,
}

impl CoreMetadata {
    /// Parses a `METADATA` or `PKG-INFO` file.
    pub fn parse(bytes: &[u8]) -> Result<Self, MetadataError> {
        // Only headers matter here; the body (the long description) can be most of the file.
        // python-pkginfo panics on some hostile headers (a non-UTF-8 RFC 2047 word).
        let raw = crate::quiet_panic::catch_quietly(|| {
            python_pkginfo::Metadata::parse(header_bytes(bytes))
        })
        .map_err(|()| MetadataError::Syntax("unreadable header encoding".to_string()))?
        .map_err(|e| MetadataError::Syntax(e.to_string()))?;
        let field = |field: &'static str, value: &str, reason: String| MetadataError::Field {
            field,
            value: shortened(value),
            reason,
        };
        let name = PackageName::from_str(raw.name.trim())
            .map_err(|e| field("Name", &raw.name, e.to_string()))?;
        let version = Version::from_str(raw.version.trim())
            .map_err(|e| field("Version", &raw.version, e.to_string()))?;
        let requires_dist = raw
            .requires_dist
            .iter()
            .map(|r| crate::parse_requirement(r).map_err(|e| field("Requires-Dist", r, e.message)))
            .collect::<Result<Vec<_>, _>>()?;
        let requires_python = match raw.requires_python.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                VersionSpecifiers::from_str(s)
                    .map_err(|e| field("Requires-Python", s, e.to_string()))?,
            ),
        };
        // An unparsable extra name cannot be requested by anyone, so it is dropped.
        let provides_extras = raw
            .provides_extras
            .iter()
            .filter_map(|e| ExtraName::from_str(e.trim()).ok())
            .collect();
        Ok(CoreMetadata {
            metadata_version: raw.metadata_version,
            name,
            version,
            requires_dist,
            requires_python,
            provides_extras,
            dynamic: raw.dynamic,
        })
    }

    /// Parses an sdist's `PKG-INFO`, accepting it only when its dependencies are static
    /// (Metadata-Version 2.2 or later and `Requires-Dist` not declared dynamic).
    pub fn parse_sdist_pkg_info(bytes: &[u8]) -> Result<Self, MetadataError> {
        let meta = Self::parse(bytes)?;
        let version_ok = Version::from_str(&meta.metadata_version)
            .map(|v| v >= Version::new([2, 2]))
            .unwrap_or(false);
        let dynamic = meta.dynamic.iter().any(|d| {
            let d = d.to_ascii_lowercase();
            d == "requires-dist" || d == "requires-python"
        });
        if !version_ok || dynamic {
            return Err(MetadataError::Dynamic(meta.metadata_version));
        }
        Ok(meta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Metadata-Version: 2.1\nName: Flask\nVersion: 3.1.0\nRequires-Python: >=3.9\nRequires-Dist: Werkzeug>=3.1\nRequires-Dist: asyncio ; extra == 'async'\nProvides-Extra: async\n\nLong description\n";

    #[test]
    fn parses_wheel_metadata() {
        let m = CoreMetadata::parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(m.name.as_ref(), "flask");
        assert_eq!(m.requires_dist.len(), 2);
        assert_eq!(m.provides_extras.len(), 1);
        assert_eq!(m.requires_python.unwrap().to_string(), ">=3.9");
    }

    #[test]
    fn headers_end_at_the_first_empty_line() {
        let cases: [(&str, &str); 6] = [
            ("A: 1\n\nbody\n\nmore", "A: 1\n\n"),
            ("A: 1\r\n\r\nbody", "A: 1\r\n\r\n"),
            ("A: 1\nB: 2", "A: 1\nB: 2"),
            ("A: 1\n", "A: 1\n"),
            ("\nbody", "\n"),
            (
                "A: 1\n  folded\n \nB: 2\n\nx",
                "A: 1\n  folded\n \nB: 2\n\n",
            ),
        ];
        for (input, headers) in cases {
            assert_eq!(
                header_bytes(input.as_bytes()),
                headers.as_bytes(),
                "{input:?}"
            );
        }
    }

    #[test]
    fn body_does_not_change_the_parse() {
        let with_body = format!("{SAMPLE}Requires-Dist: not-a-header\n\u{e9}\u{ff}\n");
        let full = python_pkginfo::Metadata::parse(with_body.as_bytes()).unwrap();
        let trimmed = CoreMetadata::parse(with_body.as_bytes()).unwrap();
        assert_eq!(full.requires_dist.len(), trimmed.requires_dist.len());
        assert_eq!(trimmed, CoreMetadata::parse(SAMPLE.as_bytes()).unwrap());
    }

    #[test]
    fn old_pkg_info_is_dynamic() {
        assert!(matches!(
            CoreMetadata::parse_sdist_pkg_info(SAMPLE.as_bytes()),
            Err(MetadataError::Dynamic(_))
        ));
        let new = SAMPLE.replace("2.1", "2.2");
        assert!(CoreMetadata::parse_sdist_pkg_info(new.as_bytes()).is_ok());
        let dynamic = new.replace("Provides-Extra", "Dynamic: Requires-Dist\nProvides-Extra");
        assert!(CoreMetadata::parse_sdist_pkg_info(dynamic.as_bytes()).is_err());
    }

    #[test]
    fn name_ending_in_punctuation_is_an_error_not_a_panic() {
        let bad = SAMPLE.replace("Werkzeug>=3.1", "foo. >=1");
        assert!(CoreMetadata::parse(bad.as_bytes()).is_err());
    }

    #[test]
    fn long_bad_values_are_shortened_in_the_error() {
        let long = format!("Werkzeug; os_name == '{}'", "é".repeat(5000));
        let bad = SAMPLE.replace("Werkzeug>=3.1", &long);
        let err = CoreMetadata::parse(bad.as_bytes()).unwrap_err().to_string();
        assert!(err.len() < 400, "{err}");
        assert!(
            err.contains("Werkzeug; os_name") && err.contains("bytes)"),
            "{err}"
        );
    }

    #[test]
    fn bad_requirement_is_an_error() {
        let bad = SAMPLE.replace("Werkzeug>=3.1", "Werkzeug>=>3");
        assert!(matches!(
            CoreMetadata::parse(bad.as_bytes()),
            Err(MetadataError::Field {
                field: "Requires-Dist",
                ..
            })
        ));
    }
}
