//! A graph as JSON, for tools (the schema is in the README):
//!
//! ```json
//! {"packages": [{"name": "jinja2", "version": "3.1.6",
//!                "dependencies": [{"name": "markupsafe", "specifier": ">=2.0"}]}],
//!  "roots": [{"name": "jinja2", "source": "requirements.in", "line": 1}]}
//! ```

use serde_json::{json, Map, Value};

use crate::graph::{Asked, Graph};

/// The graph as a JSON value: `packages` (each with `name`, `version` or `url`, `marker`,
/// `extras` and `dependencies`) and `roots`; optional keys are left out when empty.
pub fn graph_json(graph: &Graph) -> Value {
    let packages: Vec<Value> = graph
        .packages
        .iter()
        .map(|p| {
            let mut o = Map::new();
            o.insert("name".into(), json!(p.name.to_string()));
            if let Some(v) = &p.version {
                o.insert("version".into(), json!(v.to_string()));
            }
            if let Some(u) = &p.url {
                o.insert("url".into(), json!(u));
            }
            if let Some(m) = &p.marker {
                o.insert("marker".into(), json!(m));
            }
            if !p.extras.is_empty() {
                o.insert("extras".into(), json!(p.extras));
            }
            let mut dependencies = Vec::new();
            for d in &p.dependencies {
                if d.asked.is_empty() {
                    dependencies.push(json!({ "name": d.name.to_string() }));
                }
                for a in &d.asked {
                    let mut e = Map::new();
                    e.insert("name".into(), json!(d.name.to_string()));
                    asked_fields(&mut e, a);
                    dependencies.push(Value::Object(e));
                }
            }
            o.insert("dependencies".into(), Value::Array(dependencies));
            Value::Object(o)
        })
        .collect();
    let roots: Vec<Value> = graph
        .roots
        .iter()
        .map(|r| {
            let mut o = Map::new();
            o.insert("name".into(), json!(r.name.to_string()));
            if !r.source.is_empty() {
                o.insert("source".into(), json!(r.source));
            }
            if let Some(line) = r.line {
                o.insert("line".into(), json!(line));
            }
            if let Some(a) = &r.asked {
                asked_fields(&mut o, a);
            }
            Value::Object(o)
        })
        .collect();
    json!({ "packages": packages, "roots": roots })
}

fn asked_fields(o: &mut Map<String, Value>, a: &Asked) {
    if let Some(s) = &a.specifier {
        o.insert("specifier".into(), json!(s));
    }
    if !a.extras.is_empty() {
        o.insert("extras".into(), json!(a.extras));
    }
    if let Some(m) = &a.marker {
        o.insert("marker".into(), json!(m));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn packages_with_their_dependencies_and_the_roots() {
        let json = graph_json(&fixture::graph());
        insta::assert_snapshot!(serde_json::to_string_pretty(&json).unwrap());
    }
}
