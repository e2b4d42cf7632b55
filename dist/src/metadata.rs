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
        let raw = python_pkginfo::Metadata::parse(bytes)
            .map_err(|e| MetadataError::Syntax(e.to_string()))?;
        let field = |field: &'static str, value: &str, reason: String| MetadataError::Field {
            field,
            value: value.to_string(),
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
