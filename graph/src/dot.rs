//! A graph in Graphviz's DOT language: `lockit tree --format dot | dot -Tsvg > lock.svg`.
//! Pins are boxes, input files ellipses; an edge is labelled with what it asked for.

use crate::graph::{Asked, Graph};

/// The graph as a DOT `digraph`.
pub fn graph_dot(graph: &Graph) -> String {
    let mut out = String::from("digraph lock {\n    rankdir=LR;\n    node [shape=box];\n");
    for (i, p) in graph.packages.iter().enumerate() {
        let mut label = p.label();
        if let Some(m) = &p.marker {
            label.push_str(&format!("\n; {m}"));
        }
        out.push_str(&format!("    p{i} [label={}];\n", quote(&label)));
    }
    let files = graph.input_files();
    for (f, file) in files.iter().enumerate() {
        out.push_str(&format!(
            "    f{f} [label={}, shape=ellipse];\n",
            quote(file)
        ));
    }
    for r in &graph.roots {
        let Some(f) = files.iter().position(|f| *f == r.source) else {
            continue;
        };
        let mut label = r.line.map(|l| format!("line {l}")).unwrap_or_default();
        if let Some(a) = r.asked.as_ref().map(|a| a.requirement(&r.name)) {
            label = format!("{label}: {a}");
        }
        for j in graph.pins_of(&r.name) {
            out.push_str(&format!("    f{f} -> p{j} [label={}];\n", quote(&label)));
        }
    }
    for (i, p) in graph.packages.iter().enumerate() {
        for d in &p.dependencies {
            let label: Vec<String> = d
                .asked
                .iter()
                .map(Asked::text)
                .filter(|t| t != "any version")
                .collect();
            for j in graph.pins_of(&d.name) {
                out.push_str(&format!("    p{i} -> p{j}"));
                if !label.is_empty() {
                    out.push_str(&format!(" [label={}]", quote(&label.join(" | "))));
                }
                out.push_str(";\n");
            }
        }
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string (a newline becomes `\n`, which DOT draws as a line break).
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn pins_are_boxes_and_input_files_ellipses() {
        insta::assert_snapshot!(graph_dot(&fixture::graph()));
    }

    #[test]
    fn quotes_what_dot_would_misread() {
        assert_eq!(quote("a \"b\"\\\n"), "\"a \\\"b\\\"\\\\\\n\"");
    }
}
