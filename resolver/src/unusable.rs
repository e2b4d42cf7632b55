//! Why a release that exists cannot be used: one reason type, typed where the reason
//! arises (the candidate filter, the index client, the build frontend, the provider) and
//! carried unchanged to the report. Grouping and the report's sentences are in
//! `availability`; the words for one reason are here.

use std::fmt;

use lockit_types::{PackageName, Version, VersionSpecifiers};
use serde::{Deserialize, Serialize};

/// Why a release that exists on the index cannot be used for the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// `Requires-Python` (of every file, or of its metadata) excludes the target.
    RequiresPython(VersionSpecifiers),
    /// Only wheels, none for the target's tags; the tags that exist are listed.
    NoCompatibleWheel(Vec<String>),
    /// Only sdists, and `--only-binary` forbids them.
    SdistOnly,
    /// Only wheels, and `--no-binary` forbids them.
    WheelOnly,
    /// Only an sdist whose metadata must be built, and an option forbids building it.
    BuildForbidden(BuildBan),
    /// Building the sdist's metadata failed.
    BuildFailed(BuildFailure),
    /// No file gives usable metadata: each file's problem, in the order tried.
    NoMetadata(Vec<FileProblem>),
    /// It depends on a direct URL, which this resolver does not follow for dependencies.
    DirectUrl(String),
}

/// The option that forbids building a package's sdists for their metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BuildBan {
    /// `--no-build`.
    NoBuild,
    /// `--no-build-package NAME`.
    NoBuildPackage(PackageName),
}

impl fmt::Display for BuildBan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildBan::NoBuild => f.write_str("--no-build"),
            BuildBan::NoBuildPackage(name) => write!(f, "--no-build-package {name}"),
        }
    }
}

/// A build that gave no metadata: the step that failed, one line saying how (the step and
/// its last error line, without the package, which the report names), and the last lines
/// of its output. What a build frontend returns and the report words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{summary}")]
pub struct BuildFailure {
    /// The hook or step that failed (`prepare_metadata_for_build_wheel`, `pip install`),
    /// when one did.
    pub step: Option<String>,
    /// One line: the step that failed and its last error line.
    pub summary: String,
    /// The last lines of the step's output.
    pub output: Vec<String>,
}

impl BuildFailure {
    /// A failure known by its one line only (no step ran, or it gave no output).
    pub fn new(summary: impl Into<String>) -> Self {
        BuildFailure {
            step: None,
            summary: summary.into(),
            output: Vec::new(),
        }
    }
}

/// Why one file of a release gives no usable metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    /// An sdist whose metadata only a build tells, and no build frontend to build it: the
    /// file, and why its PKG-INFO and pyproject.toml do not tell.
    NoStaticMetadata {
        /// The sdist's URL, without credentials.
        file: String,
        /// Why the static sources fall short, in the order read.
        gaps: Vec<StaticGap>,
    },
    /// An sdist in an archive format lockit does not read (`.tar`).
    ArchiveFormat {
        /// The file's URL, without credentials.
        file: String,
    },
    /// A local project, whose metadata is built before resolving, met as a candidate.
    LocalProject {
        /// The folder's URL.
        file: String,
    },
    /// Metadata that does not parse, or is another release's.
    Invalid(InvalidMetadata),
    /// The release has no wheel and no sdist.
    NoFiles,
    /// Known only by the index's words (a recording, an index that is not lockit's client).
    Unreadable(String),
}

/// Why the static metadata an sdist carries does not give its dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaticGap {
    /// It has no PKG-INFO.
    NoPkgInfo,
    /// Its PKG-INFO is invalid, or declares its dependencies dynamic.
    PkgInfo(InvalidMetadata),
    /// It has no pyproject.toml.
    NoPyproject,
    /// Its pyproject.toml does not give the dependencies statically: why.
    Pyproject(String),
}

/// Metadata that cannot be used: the file it came from, the field at fault when one is,
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidMetadata {
    /// The distribution file's URL, without credentials.
    pub file: String,
    /// True when the file is a wheel.
    pub wheel: bool,
    /// The core-metadata field that does not parse (`Requires-Dist`), when one does not.
    pub field: Option<String>,
    /// What is wrong, in the parser's words.
    pub problem: String,
}

impl InvalidMetadata {
    /// `invalid metadata for `x` 1.0 in `URL`: …`, as the index client says it.
    pub fn full(&self, name: &str, version: &str) -> String {
        format!(
            "invalid metadata for `{name}` {version} in `{}`: {}",
            self.file, self.problem
        )
    }
}

impl StaticGap {
    /// The gap in words; `name` and `version` only where the full form names them.
    fn words(&self, full: Option<(&str, &str)>) -> String {
        match self {
            StaticGap::NoPkgInfo => "no PKG-INFO".to_string(),
            StaticGap::PkgInfo(bad) => match full {
                Some((name, version)) => format!("PKG-INFO: {}", bad.full(name, version)),
                None => format!("PKG-INFO: {}", bad.problem),
            },
            StaticGap::NoPyproject => "no pyproject.toml".to_string(),
            StaticGap::Pyproject(why) => why.clone(),
        }
    }
}

impl FileProblem {
    /// The problem in words. With `full` (the release's name and version), as the index
    /// client says it; without, as a report quotes it, which names the release already.
    pub fn words(&self, full: Option<(&str, &str)>) -> String {
        match self {
            FileProblem::NoStaticMetadata { file, gaps } => {
                let gaps: Vec<String> = gaps.iter().map(|g| g.words(full)).collect();
                format!(
                    "the sdist `{file}` has no static metadata ({})",
                    gaps.join("; ")
                )
            }
            FileProblem::ArchiveFormat { file } => {
                format!("`{file}` is in an archive format lockit does not read")
            }
            FileProblem::LocalProject { file } => {
                format!("`{file}` is a local project, whose metadata is built before resolving")
            }
            FileProblem::Invalid(bad) => match full {
                Some((name, version)) => bad.full(name, version),
                None => bad.problem.clone(),
            },
            FileProblem::NoFiles => "there is no wheel or source distribution for it".to_string(),
            FileProblem::Unreadable(text) => text.clone(),
        }
    }
}

/// Each file's problem in words, joined (see [`FileProblem::words`]).
pub fn file_problems_text(files: &[FileProblem], full: Option<(&str, &str)>) -> String {
    let list: Vec<String> = files.iter().map(|p| p.words(full)).collect();
    list.join("; ")
}

impl Unusable {
    /// Metadata known to be missing, in the index's words.
    pub fn unreadable(text: impl Into<String>) -> Self {
        Unusable::NoMetadata(vec![FileProblem::Unreadable(text.into())])
    }

    /// The reason as a clause of its own: "building its metadata failed: …". Metadata
    /// problems are told as the index client tells them when `release` (name and version)
    /// is given ("no usable metadata for `x` 2.0: …", for "`x` 2.0 was skipped (…)"), and
    /// without the release, which a report names already, when not.
    pub fn clause(&self, release: Option<(&str, &str)>) -> String {
        match self {
            Unusable::RequiresPython(spec) => format!("it requires Python {spec}"),
            Unusable::NoCompatibleWheel(_) => "it has no wheel for the target".to_string(),
            Unusable::SdistOnly => {
                "it is published only as an sdist, and --only-binary forbids sdists".to_string()
            }
            Unusable::WheelOnly => {
                "it is published only as wheels, and --no-binary forbids them".to_string()
            }
            Unusable::BuildForbidden(ban) => {
                format!("its metadata must be built from the sdist, and {ban} forbids building it")
            }
            Unusable::BuildFailed(failure) => {
                format!("building its metadata failed: {}", failure.summary)
            }
            Unusable::NoMetadata(files) => match release {
                Some((name, version)) => format!(
                    "no usable metadata for `{name}` {version}: {}",
                    file_problems_text(files, release)
                ),
                None => file_problems_text(files, None),
            },
            Unusable::DirectUrl(url) => format!("it depends on the direct URL {url}"),
        }
    }
}

/// The reason as a predicate: "has no wheel for the target (…)", "could not be built (…)".
impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::RequiresPython(spec) => write!(f, "requires Python {spec}"),
            Unusable::NoCompatibleWheel(tags) => write!(
                f,
                "has no wheel for the target (its wheels are for {})",
                crate::wheel_tags::abis(tags).join(", ")
            ),
            Unusable::SdistOnly => f.write_str("has only an sdist, and binary-only was requested"),
            Unusable::WheelOnly => f.write_str("has only wheels, and --no-binary was requested"),
            Unusable::BuildForbidden(ban) => {
                write!(f, "must be built for its metadata, which {ban} forbids")
            }
            Unusable::BuildFailed(failure) => write!(f, "could not be built ({failure})"),
            Unusable::NoMetadata(files) => {
                write!(
                    f,
                    "has unusable metadata: {}",
                    file_problems_text(files, None)
                )
            }
            Unusable::DirectUrl(url) => write!(f, "depends on the direct URL {url}"),
        }
    }
}

/// The warning for a pin older than a release skipped for its metadata:
/// `dyn 2.0.0 was skipped (building its metadata failed: …); dyn 1.0.0 is pinned instead`.
pub(crate) fn skipped_newer_text(
    name: &PackageName,
    pinned: &Version,
    skipped: &Version,
    why: &Unusable,
) -> String {
    format!(
        "{name} {skipped} was skipped ({}); {name} {pinned} is pinned instead",
        why.clause(Some((name.as_ref(), &skipped.to_string())))
    )
}
