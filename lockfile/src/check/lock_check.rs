//! [`LockCheck`]: a lock, its text, and what it is checked against, with the questions both
//! checks ask of them (which pins, which input names a package, does a requirement apply).

use std::collections::{BTreeMap, HashMap};

use lockit_resolver::{Index, ResolveOptions};
use lockit_types::{MarkerEval, PackageName, Requirement, SourcedRequirement, Version};
use pep508_rs::VersionOrUrl;

use crate::{Inputs, ParsedLock, Pin};

/// True when `req` says nothing about versions or admits `v`.
pub(super) fn admits(req: &Requirement, v: &Version) -> bool {
    match &req.version_or_url {
        Some(VersionOrUrl::VersionSpecifier(s)) => lockit_resolver::specifiers_contain(s, v),
        _ => true,
    }
}

/// True when `req` applies to the checked target.
pub(super) fn active(req: &Requirement, options: &ResolveOptions) -> bool {
    req.marker.holds(&options.environment.target().markers, &[])
}

/// A lock, its text, and what it is checked against.
pub struct LockCheck<'a> {
    /// The parsed lock.
    pub lock: &'a ParsedLock,
    /// The lock's path as shown in messages.
    pub lock_name: &'a str,
    /// The lock's text (to find the line of a hash).
    pub text: &'a str,
    /// The inputs it was made from.
    pub inputs: &'a Inputs,
    /// The resolver options it was made with.
    pub options: &'a ResolveOptions,
    /// The index (or its cache, offline).
    pub index: &'a dyn Index,
    /// How `resolve` was told to write it (pip-compile's annotation and index options).
    pub style: crate::LockStyle,
    /// The inputs' editable local projects: name to the path as written (`./app`).
    pub editables: &'a HashMap<PackageName, String>,
}

impl LockCheck<'_> {
    /// The lock's pins by name.
    pub(super) fn pins(&self) -> BTreeMap<&PackageName, &Pin> {
        self.lock.pins.iter().map(|p| (&p.name, p)).collect()
    }

    /// The inputs' requirements on `name` that apply to the target.
    pub(super) fn roots_named<'s>(
        &'s self,
        name: &'s PackageName,
    ) -> impl Iterator<Item = &'s SourcedRequirement> + 's {
        self.inputs
            .requirements_on(name)
            .filter(|r| active(&r.requirement, self.options))
    }

    /// The input file and line `r` was read from.
    pub(super) fn at_input(r: &SourcedRequirement) -> (String, Option<usize>) {
        (r.origin.source().unwrap_or_default(), r.origin.line())
    }
}
