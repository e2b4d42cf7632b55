//! `-P` / `--upgrade-package` values: a name lets that package move off its pin; a
//! requirement (`PKG==X`, any specifier) also constrains it.

use std::collections::HashSet;
use std::str::FromStr;

use lockit_types::{PackageName, RequirementOrigin, SourcedRequirement};

/// The names `values` unpin, and the constraints they add; an error names the value.
pub fn upgrade_packages(
    values: &[String],
) -> Result<(HashSet<PackageName>, Vec<SourcedRequirement>), String> {
    let mut names = HashSet::new();
    let mut constraints = Vec::new();
    for value in values {
        if let Ok(name) = PackageName::from_str(value.trim()) {
            names.insert(name);
            continue;
        }
        let req = lockit_types::parse_requirement(value).map_err(|e| {
            format!(
                "invalid --upgrade-package `{value}`: {}; expected a name or a requirement like `pydantic==2.9.2`",
                e.message
            )
        })?;
        names.insert(req.name.clone());
        let origin = RequirementOrigin::Named(format!("--upgrade-package {value}"));
        constraints.push(SourcedRequirement::new(req, origin));
    }
    Ok((names, constraints))
}
