//! The online check: the lock compared with a fresh resolution of its inputs (pins added,
//! removed or moved, with the reason; hashes; the recorded target).

use lockit_resolver::Resolution;
use lockit_types::{PackageName, RequirementOrigin, Version};

use super::hashes::{edited_pin, hash_findings};
use super::lock_check::{active, admits};
use super::{Finding, FindingKind, LockCheck};
use crate::Pin;

impl LockCheck<'_> {
    /// The finding for inputs that no longer resolve, with the resolver's report.
    pub fn no_solution(&self, report: &dyn std::fmt::Display) -> Finding {
        Finding {
            kind: FindingKind::NoSolution,
            package: None,
            locked: None,
            expected: None,
            message: format!("the inputs no longer resolve: {report}"),
            file: self
                .inputs
                .requirements
                .first()
                .and_then(|r| r.origin.source())
                .unwrap_or_else(|| self.lock_name.to_string()),
            line: None,
        }
    }

    /// Why `name` moved off its pin `from`, and where to look.
    fn why_changed(
        &self,
        name: &PackageName,
        from: &Version,
        pin: &Pin,
        fresh: &Resolution,
    ) -> (String, String, Option<usize>) {
        let lock_name = self.lock_name;
        for r in self.roots_named(name) {
            if !admits(&r.requirement, from) {
                let (file, line) = Self::at_input(r);
                return (
                    format!(
                        "{}: `{}` no longer admits {from}",
                        r.location(),
                        r.written()
                    ),
                    file,
                    line,
                );
            }
        }
        for c in &self.inputs.constraints {
            if &c.requirement.name == name
                && active(&c.requirement, self.options)
                && !admits(&c.requirement, from)
            {
                let (file, line) = Self::at_input(c);
                return (
                    format!(
                        "the constraint on `{name}` ({}: `{}`) no longer admits {from}",
                        c.location(),
                        c.written()
                    ),
                    file,
                    line,
                );
            }
        }
        let at_lock = |m: String| (m, lock_name.to_string(), Some(pin.line));
        if let Some(p) = fresh.get(name) {
            for d in &p.dependents {
                if let RequirementOrigin::Package { name: dep, version } = &d.origin {
                    if !admits(&d.requirement, from) {
                        return at_lock(format!(
                            "`{dep}` {version} requires `{}`, which excludes {from}",
                            d.requirement
                        ));
                    }
                }
            }
        }
        if let Ok(project) = self.index.project(name) {
            let files = project.files_of(from);
            if files.is_empty() {
                return at_lock(format!(
                    "{name} {from} ({lock_name}:{}) is not on the index",
                    pin.line
                ));
            }
            if files.iter().all(|f| f.yanked.is_yanked()) {
                return at_lock(format!(
                    "{name} {from} ({lock_name}:{}) is yanked",
                    pin.line
                ));
            }
        }
        at_lock(format!(
            "{from} ({lock_name}:{}) no longer fits with the other pins",
            pin.line
        ))
    }

    /// Compares the lock with `fresh`, a resolution of the same inputs that preferred the
    /// lock's pins: pins added, removed or moved (with the reason), and hashes.
    pub fn against(&self, fresh: &Resolution) -> Vec<Finding> {
        let lock_name = self.lock_name;
        let pins = self.pins();
        let mut findings = Vec::new();
        let environment = &self.options.environment;
        for (key, now) in [
            ("python", environment.python().to_string()),
            ("platform", environment.recorded_platform()),
        ] {
            match crate::recorded(&self.lock.recorded, key) {
                Some(was) if was != now => findings.push(Finding {
                    kind: FindingKind::Target,
                    package: None,
                    locked: Some(was.to_string()),
                    expected: Some(now.clone()),
                    message: format!("the lock records {key} {was}, not {now}"),
                    file: lock_name.to_string(),
                    line: self.lock.command_line,
                }),
                _ => {}
            }
        }
        for (path, line) in &self.lock.editables {
            if !self.editables.values().any(|e| e == path) {
                findings.push(Finding {
                    kind: FindingKind::Removed,
                    package: None,
                    locked: Some(path.clone()),
                    expected: None,
                    message: format!(
                        "no input names the editable project `{path}` any more ({lock_name}:{line})"
                    ),
                    file: lock_name.to_string(),
                    line: Some(*line),
                });
            }
        }
        if self.options.environment.is_universal() {
            // One name may have several pins (one per marker): compare what would be
            // written, line by line, pins, markers and hashes alike.
            findings.extend(self.line_findings(&self.expected_text(fresh)));
            return findings;
        }
        for p in &fresh.packages {
            if let Some(path) = self.editables.get(&p.name) {
                // A folder: no version or hash to check, only that the lock names it.
                if !self.lock.editables.iter().any(|(e, _)| e == path) {
                    findings.push(Finding {
                        kind: FindingKind::Added,
                        package: Some(p.name.to_string()),
                        locked: None,
                        expected: Some(path.clone()),
                        message: format!("the inputs name the editable project `{path}`"),
                        file: lock_name.to_string(),
                        line: None,
                    });
                }
                continue;
            }
            let Some(pin) = pins.get(&p.name) else {
                let (message, file, line) = match self.roots_named(&p.name).next() {
                    Some(r) => {
                        let (file, line) = Self::at_input(r);
                        (format!("{} adds `{}`", r.location(), p.name), file, line)
                    }
                    None => {
                        let by: Vec<String> = p
                            .dependents
                            .iter()
                            .filter_map(|d| match &d.origin {
                                RequirementOrigin::Package { name, version } => {
                                    Some(format!("`{name}` {version}"))
                                }
                                _ => None,
                            })
                            .collect();
                        (
                            format!("required by {}", by.join(", ")),
                            lock_name.to_string(),
                            None,
                        )
                    }
                };
                findings.push(Finding {
                    kind: FindingKind::Added,
                    package: Some(p.name.to_string()),
                    locked: None,
                    expected: Some(p.version.to_string()),
                    message,
                    file,
                    line,
                });
                continue;
            };
            if pin.url.is_some() || p.url.is_some() {
                // A direct reference's one file, hashed as it was downloaded (a local
                // project's folder has no hash).
                if pin.url == p.url && p.files.iter().any(|f| f.sha256.is_some()) {
                    findings.extend(hash_findings(pin, &p.files, lock_name, self.text));
                }
                continue;
            }
            match &pin.version {
                Some(v) if *v != p.version => {
                    let (message, file, line) = self.why_changed(&p.name, v, pin, fresh);
                    findings.push(Finding {
                        kind: FindingKind::Changed,
                        package: Some(p.name.to_string()),
                        locked: Some(v.to_string()),
                        expected: Some(p.version.to_string()),
                        message,
                        file,
                        line,
                    });
                }
                _ => {
                    let edited = self
                        .index
                        .project(&pin.name)
                        .ok()
                        .and_then(|project| edited_pin(pin, &project, lock_name));
                    match edited {
                        Some(finding) => findings.push(finding),
                        None => findings.extend(hash_findings(pin, &p.files, lock_name, self.text)),
                    }
                }
            }
        }
        for pin in &self.lock.pins {
            if fresh.get(&pin.name).is_some() {
                continue;
            }
            let from_input: Vec<&String> =
                pin.via.iter().filter(|v| v.starts_with("-r ")).collect();
            let message = if from_input.is_empty() {
                format!(
                    "nothing requires `{}` any more ({lock_name}:{})",
                    pin.name, pin.line
                )
            } else {
                format!(
                    "no input requires `{}` any more ({lock_name}:{} says `# via {}`)",
                    pin.name, pin.line, from_input[0]
                )
            };
            findings.push(Finding::about(
                pin,
                FindingKind::Removed,
                message,
                lock_name,
                pin.line,
            ));
        }
        if findings.is_empty() {
            findings.extend(self.line_findings(&self.expected_text(fresh)));
        }
        findings
    }
}
