//! What a run says about its builds: building runs code from the index, so every build is
//! named, and each failure is shown once per project.

use std::collections::HashSet;
use std::str::FromStr;

use lockit_types::PackageName;

use crate::{BuildReport, LOCAL_PROJECT};

impl BuildReport {
    /// The lines to print: a `Built metadata for …` line per build, then, one screen per
    /// project, its first failure in full with what to do and the other releases that
    /// failed, named. `direct` holds the packages named by URL or path: like a local
    /// project, they have no other release to fall back on, so no advice is given.
    pub fn lines(&self, direct: &HashSet<PackageName>) -> Vec<String> {
        let mut lines: Vec<String> = self
            .built
            .iter()
            .map(|what| format!("Built metadata for {what}"))
            .collect();
        let mut shown: Vec<(&str, Vec<&str>)> = Vec::new();
        for failure in &self.failed {
            let (name, version) = failure.package();
            if let Some((_, more)) = shown.iter_mut().find(|(n, _)| *n == name) {
                more.push(version);
                continue;
            }
            shown.push((name, Vec::new()));
            let named_by_url = PackageName::from_str(name).is_ok_and(|n| direct.contains(&n));
            if version == LOCAL_PROJECT || named_by_url {
                // The error that follows names its line.
                lines.push(failure.to_string());
            } else {
                lines.push(format!(
                    "warning: {failure}\n  skip building it with `--no-build-package {name}`, or constrain `{name}` to a release with a wheel"
                ));
            }
        }
        for (name, more) in shown.iter().filter(|(_, more)| !more.is_empty()) {
            lines.push(format!(
                "warning: {} more release{} of `{name}` could not be built: {}",
                more.len(),
                if more.len() == 1 { "" } else { "s" },
                more.join(", ")
            ));
        }
        lines
    }
}
