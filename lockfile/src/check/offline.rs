//! The offline check: what the lock, the inputs and the cache can show without resolving
//! (inputs satisfied, pins closed under their dependencies, hashes matching listings).

use std::collections::BTreeSet;

use lockit_resolver::{walk_pins, PinVisit};
use lockit_types::{MarkerEval, PackageName, Requirement};

use super::hashes::hash_findings;
use super::lock_check::{active, admits};
use super::{Finding, FindingKind, LockCheck};
use crate::Pin;

impl LockCheck<'_> {
    /// The metadata of `name` when the inputs name it as a local project (a folder, built
    /// when the session started; the index remembers what the build said).
    fn local_metadata(
        &self,
        name: &PackageName,
    ) -> Option<std::sync::Arc<lockit_types::CoreMetadata>> {
        let file = self
            .options
            .direct
            .get(name)
            .filter(|f| f.filename.is_folder())?;
        self.index
            .metadata(name, file.filename.version(), std::slice::from_ref(file))
            .ok()
    }

    /// Checks without resolving: inputs satisfied by the pins, pins closed under their
    /// dependencies as the index (or cache) knows them, hashes matching its listings.
    /// Returns the findings and every pin whose hashes could not be checked (not reached
    /// from the inputs through what the cache holds, or a direct URL).
    pub fn offline(&self) -> (Vec<Finding>, Vec<String>) {
        let lock_name = self.lock_name;
        let options = self.options;
        let pins = self.pins();
        let mut findings = Vec::new();
        let mut roots = Vec::new();
        let unsatisfied = |req: &Requirement,
                           pin: Option<&&Pin>,
                           whose: String,
                           file: String,
                           line: Option<usize>| {
            let (kind, message) = match pin {
                None => (
                    FindingKind::MissingDependency,
                    format!("{whose} requires `{req}`, which the lock does not pin"),
                ),
                Some(p) => match &p.version {
                    Some(v) if !admits(req, v) => (
                        FindingKind::Unsatisfied,
                        format!(
                            "{whose} requires `{req}`, which the pin {v} ({lock_name}:{}) does not satisfy",
                            p.line
                        ),
                    ),
                    _ => return None,
                },
            };
            Some(Finding {
                kind,
                package: Some(req.name.to_string()),
                locked: pin
                    .and_then(|p| p.version.as_ref())
                    .map(ToString::to_string),
                expected: None,
                message,
                file,
                line,
            })
        };
        let mut checked: BTreeSet<PackageName> = BTreeSet::new();
        for r in &self.inputs.requirements {
            if !active(&r.requirement, options) {
                continue;
            }
            let pin = pins.get(&r.requirement.name);
            let (file, line) = Self::at_input(r);
            if let Some(meta) = self.local_metadata(&r.requirement.name) {
                // A local project: its folder has no hash, and an editable no pin; what
                // it requires is what the lock must satisfy.
                checked.insert(r.requirement.name.clone());
                let whose = format!("the local project `{}`", r.requirement.name);
                for dep in &meta.requires_dist {
                    if !dep
                        .marker
                        .holds(&options.environment.target().markers, &r.requirement.extras)
                    {
                        continue;
                    }
                    let pin = pins.get(&dep.name);
                    findings.extend(unsatisfied(dep, pin, whose.clone(), file.clone(), line));
                    roots.push((dep.name.clone(), dep.extras.clone()));
                }
                continue;
            }
            let finding = match pin {
                None => Some(Finding {
                    kind: FindingKind::Added,
                    package: Some(r.requirement.name.to_string()),
                    locked: None,
                    expected: None,
                    message: format!("{} adds `{}`", r.location(), r.requirement.name),
                    file,
                    line,
                }),
                Some(_) => unsatisfied(&r.requirement, pin, r.location(), file, line),
            };
            findings.extend(finding);
            roots.push((r.requirement.name.clone(), r.requirement.extras.clone()));
        }
        for c in &self.inputs.constraints {
            let Some(p) = pins.get(&c.requirement.name) else {
                continue;
            };
            if let (true, Some(v)) = (active(&c.requirement, options), &p.version) {
                if !admits(&c.requirement, v) {
                    let (file, line) = Self::at_input(c);
                    findings.push(Finding {
                        kind: FindingKind::Unsatisfied,
                        package: Some(c.requirement.name.to_string()),
                        locked: Some(v.to_string()),
                        expected: None,
                        message: format!(
                            "the constraint on `{}` ({}: `{}`) does not admit {v}",
                            c.requirement.name,
                            c.location(),
                            c.written()
                        ),
                        file,
                        line,
                    });
                }
            }
        }
        let versions = self.lock.versions();
        let walk = walk_pins(
            self.index,
            &versions,
            roots,
            options,
            &mut |visit| match visit {
                PinVisit::Files { name, files } => {
                    if let Some(pin) = pins.get(name) {
                        checked.insert(name.clone());
                        findings.extend(hash_findings(pin, files, lock_name, self.text));
                    }
                }
                PinVisit::Requires {
                    name,
                    version,
                    requirement,
                } => {
                    let line = pins.get(name).map_or(0, |p| p.line);
                    let whose = format!("`{name}` {version} ({lock_name}:{line})");
                    findings.extend(unsatisfied(
                        requirement,
                        pins.get(&requirement.name),
                        whose,
                        lock_name.to_string(),
                        Some(line),
                    ));
                }
            },
        );
        if walk.unchecked.is_empty() {
            for pin in &self.lock.pins {
                if !walk.reached.contains(&pin.name) && !checked.contains(&pin.name) {
                    let message =
                        format!("nothing requires `{}` ({lock_name}:{})", pin.name, pin.line);
                    findings.push(Finding::about(
                        pin,
                        FindingKind::Extraneous,
                        message,
                        lock_name,
                        pin.line,
                    ));
                }
            }
        }
        findings.dedup_by(|a, b| a.message == b.message);
        let unchecked = self
            .lock
            .pins
            .iter()
            .filter(|p| !checked.contains(&p.name))
            .map(|p| p.name.to_string())
            .collect();
        (findings, unchecked)
    }
}
