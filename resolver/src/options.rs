//! What the user asked for: environment, pre-release and binary policies, preferences.

use std::collections::{HashMap, HashSet};

use lockit_types::{DistFile, ExtraName, PackageName, Requirement, Target, Version};
use pep508_rs::MarkerTree;

use crate::environment::ResolverEnvironment;

/// When pre-releases may be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrereleaseMode {
    /// PEP 440's rule, as `packaging`'s `SpecifierSet.filter` (and so pip) applies it to
    /// the requirements on a package, the user's and its dependents' alike: a pre-release
    /// when one of their specifiers names one, or when no final release satisfies them all.
    #[default]
    Pep440,
    /// Never.
    Disallow,
    /// Always, like final releases.
    Allow,
    /// Only for a package that publishes nothing but pre-releases (uv's `if-necessary`).
    IfNecessary,
    /// Only for a package one of the user's own requirements names a pre-release of.
    Explicit,
    /// As `IfNecessary`, and also as `Explicit` (uv's default).
    IfNecessaryOrExplicit,
}

impl PrereleaseMode {
    /// As `--prerelease` spells it (`if-necessary-or-explicit`).
    pub fn as_str(self) -> &'static str {
        match self {
            PrereleaseMode::Pep440 => "pep440",
            PrereleaseMode::Disallow => "disallow",
            PrereleaseMode::Allow => "allow",
            PrereleaseMode::IfNecessary => "if-necessary",
            PrereleaseMode::Explicit => "explicit",
            PrereleaseMode::IfNecessaryOrExplicit => "if-necessary-or-explicit",
        }
    }
}

/// Which version of a package the resolver tries first, as uv's `--resolution` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResolutionMode {
    /// The newest that fits.
    #[default]
    Highest,
    /// The oldest that fits, for every package (proves declared lower bounds).
    Lowest,
    /// The oldest for the inputs' own requirements, the newest for the rest.
    LowestDirect,
}

impl ResolutionMode {
    /// As `--resolution` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ResolutionMode::Highest => "highest",
            ResolutionMode::Lowest => "lowest",
            ResolutionMode::LowestDirect => "lowest-direct",
        }
    }
}

/// Which kinds of distributions may be used.
#[derive(Debug, Clone, Default)]
pub struct BinaryPolicy {
    /// Never use wheels for these packages (`--no-binary`).
    pub no_binary: HashSet<PackageName>,
    /// Never use wheels at all (`--no-binary :all:`).
    pub no_binary_all: bool,
    /// Never use sdists for these packages (`--only-binary`).
    pub only_binary: HashSet<PackageName>,
    /// Never use sdists at all (`--only-binary :all:`).
    pub only_binary_all: bool,
}

impl BinaryPolicy {
    /// True when wheels of `name` may be used.
    pub fn wheels_allowed(&self, name: &PackageName) -> bool {
        !(self.no_binary_all || self.no_binary.contains(name)) || self.only_binary.contains(name)
    }

    /// True when sdists of `name` may be used.
    pub fn sdists_allowed(&self, name: &PackageName) -> bool {
        !(self.only_binary_all || self.only_binary.contains(name)) || self.no_binary.contains(name)
    }
}

/// Options of one resolution.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    /// What the lock is for: one target, or a universal space (cheap to clone).
    pub environment: ResolverEnvironment,
    /// Pre-release policy.
    pub prerelease: PrereleaseMode,
    /// Newest or oldest first.
    pub resolution: ResolutionMode,
    /// Wheel / sdist policy.
    pub binary: BinaryPolicy,
    /// Versions to keep when they still fit (pins of an existing lock).
    pub preferences: HashMap<PackageName, Version>,
    /// `--override`: requirements used instead of whatever a dependency declares on that
    /// name (for broken upstream metadata). The user's own requirements are not replaced.
    pub overrides: HashMap<PackageName, Vec<Requirement>>,
    /// Packages named by a direct URL (`name @ https://…/x.whl`): that file is their only
    /// candidate, and the index is not asked about them.
    pub direct: HashMap<PackageName, DistFile>,
}

impl ResolveOptions {
    /// What a dependency's requirement `req` stands for: the `--override` requirements on
    /// its name that apply in the environment, or `req` itself when there are none.
    pub(crate) fn overridden<'a>(&'a self, req: &'a Requirement) -> Vec<&'a Requirement> {
        match self.overrides.get(&req.name) {
            Some(list) => list
                .iter()
                .filter(|o| self.applies(&o.marker, &[]))
                .collect(),
            None => vec![req],
        }
    }

    /// True when a requirement with `marker` applies (with `extras` active); see
    /// [`ResolverEnvironment::applies`].
    pub(crate) fn applies(&self, marker: &MarkerTree, extras: &[ExtraName]) -> bool {
        self.environment.applies(marker, extras)
    }

    /// What the lock is for, as messages name it (see [`ResolverEnvironment::describe`]).
    pub fn describe(&self) -> String {
        self.environment.describe()
    }

    /// Options with defaults for `target`.
    pub fn new(target: Target) -> Self {
        Self::for_environment(ResolverEnvironment::specific(target))
    }

    /// Options with defaults for `environment`.
    pub fn for_environment(environment: ResolverEnvironment) -> Self {
        ResolveOptions {
            environment,
            prerelease: PrereleaseMode::default(),
            resolution: ResolutionMode::default(),
            binary: BinaryPolicy::default(),
            preferences: HashMap::new(),
            overrides: HashMap::new(),
            direct: HashMap::new(),
        }
    }
}
