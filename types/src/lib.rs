//! The vocabulary shared by lockit's crates: the files an index publishes,
//! their filenames, wheel tags, core metadata and the target environment.
//!
//! It does no I/O; the index client fills these types and the resolver reads them.

#![warn(missing_docs)]

mod file;
mod filename;
mod local;
mod marker;
mod metadata;
mod name;
mod origin;
mod quiet_panic;
mod redacted_url;
mod requirement;
mod specifiers;
mod tag_set;
mod tags;
mod target;

pub use file::{DistFile, PageInterner, ProjectFiles, ReleaseSource, Yanked};
pub use filename::{
    folder_path, folder_url, percent_decode, url_file_name, DistFilename, FilenameError,
    SdistExtension, SdistFilename, WheelFilename,
};
pub use local::{LocalProject, UnnamedRequirement};
pub use marker::MarkerEval;
pub use metadata::{header_bytes, CoreMetadata, MetadataError};
pub use name::normalize_name;
pub use origin::{RequirementOrigin, SourcedRequirement};
pub use pep440_rs::{Version, VersionSpecifier, VersionSpecifiers};
pub use pep508_rs::{ExtraName, MarkerEnvironment, PackageName, Requirement};
pub use redacted_url::{redact_text, RedactedUrl};
pub use requirement::{parse_requirement, RequirementSyntaxError};
pub use specifiers::{
    max_local, specifier_contains, specifier_range, specifiers_contain, specifiers_range,
    spelled_as,
};
pub use tag_set::TagSet;
pub use tags::{Tag, Tags};
pub use target::{Platform, Target, TargetError};
