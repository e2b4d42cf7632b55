//! What `explain` finds, as data: the text and JSON renderings read it.

use lockit_types::{ExtraName, PackageName, SourcedRequirement, Version};

/// A package's pins in a universal lock: where each applies, and the requirements whose
/// markers split them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Each pin's version and marker (`None`: everywhere), in lock order.
    pub pins: Vec<(Version, Option<String>)>,
    /// The requirements on it that carry a marker, as written, each once.
    pub requirements: Vec<String>,
}

/// Why versions newer than the pin were not chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// These requirements do not allow them.
    Excluded(Vec<SourcedRequirement>),
    /// A constraint (`-c`) does not allow them.
    Constraint(String),
    /// The target cannot install them (no wheel for it, requires-python, binary policy).
    Unusable(String),
    /// Yanked, with the index's reason (possibly empty).
    Yanked(String),
    /// Pre-releases, which the pre-release policy leaves out.
    Prerelease,
    /// Every requirement on the package allows it, but choosing it fails; the lines
    /// explain the conflict.
    Conflict(Vec<String>),
    /// Allowed and resolvable too, moving these other pins (name, pinned, would be).
    AlsoResolves {
        /// The other pins choosing it moves.
        moved: Vec<(PackageName, Version, Version)>,
        /// True when the pin is kept because an existing lock pins it.
        kept_by_lock: bool,
    },
    /// Allowed by every requirement; older than the newest allowed release, which is the
    /// one solved again.
    OlderThanChecked,
    /// Allowed by every requirement; solving again with it did not finish (the reason).
    Unchecked(String),
}

/// A run of versions skipped for one reason, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The versions.
    pub versions: Vec<Version>,
    /// Why.
    pub reason: SkipReason,
}

/// What `explain` found for a package that is in the lock.
#[derive(Debug, Clone)]
pub struct Pinned {
    /// The pinned version.
    pub version: Version,
    /// Extras of it that were requested.
    pub extras: Vec<ExtraName>,
    /// Every requirement on it, as written, by who wrote it.
    pub required_by: Vec<SourcedRequirement>,
    /// Paths from the inputs down to it, shortest first.
    pub paths: Vec<Vec<SourcedRequirement>>,
    /// True when there were more than could be listed.
    pub paths_truncated: bool,
    /// The range every requirement (and constraint) allows; `None` for any version.
    pub allowed: Option<String>,
    /// The constraint from `-c` files, when one applies.
    pub constraint: Option<String>,
    /// The newest version published (after `--exclude-newer`).
    pub newest_published: Option<Version>,
    /// The newest version this target could install, requirements aside.
    pub newest_installable: Option<Version>,
    /// Versions newer than the pin and why each was not chosen, newest first.
    pub skipped: Vec<Skipped>,
    /// When the pinned version is yanked: the warning to show (see
    /// [`crate::ResolvedPackage::yanked_warning`]).
    pub yanked: Option<String>,
}

/// One place a package is mentioned although it is not in the lock.
#[derive(Debug, Clone)]
pub struct Mention {
    /// The requirement and who wrote it.
    pub step: SourcedRequirement,
    /// Why it did not apply.
    pub why: String,
}

/// What `explain` found for a package that is not in the lock.
#[derive(Debug, Clone)]
pub struct NotInLock {
    /// Requirements that name it but did not apply to this target.
    pub mentions: Vec<Mention>,
    /// How many versions the index has (0: not on the index).
    pub published: usize,
    /// Names on the index one slip away, when it is not on the index.
    pub near_misses: Vec<String>,
}

/// The result of `explain`.
#[derive(Debug, Clone)]
pub enum Explanation {
    /// The package is pinned.
    Pinned(Box<Pinned>),
    /// The package is not in the lock.
    NotInLock(NotInLock),
}

/// One published version and whether this target can install it.
#[derive(Debug, Clone)]
pub struct VersionNote {
    /// The version.
    pub version: Version,
    /// Why the target cannot use it (no wheel, requires-python, yanked); `None` if it can.
    pub problem: Option<String>,
    /// When its first file was uploaded, if the index says.
    pub uploaded: Option<jiff::Timestamp>,
}

impl VersionNote {
    /// ` on 2025-06-01`, or nothing when the index gives no upload time.
    pub fn uploaded_text(&self) -> String {
        self.uploaded
            .map(|t| format!(" on {}", t.strftime("%Y-%m-%d")))
            .unwrap_or_default()
    }
}

/// Releases `--exclude-newer` hid: the cutoff as given and what the index lists after it.
#[derive(Debug, Clone)]
pub struct Hidden {
    /// The cutoff (`2026-11-01T00:00:00Z`).
    pub cutoff: String,
    /// Versions newer than the newest one seen, newest first.
    pub versions: Vec<VersionNote>,
}
