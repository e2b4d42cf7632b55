//! A graph as a Mermaid `flowchart`, which GitHub renders in markdown inside a
//! ```` ```mermaid ```` block.

use crate::graph::{Asked, Graph};

/// The graph as a Mermaid flowchart, left to right.
pub fn graph_mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, p) in graph.packages.iter().enumerate() {
        let mut label = p.label();
        if let Some(m) = &p.marker {
            label.push_str(&format!("<br>; {m}"));
        }
        out.push_str(&format!("    p{i}[\"{}\"]\n", escape(&label)));
    }
    let files = graph.input_files();
    for (f, file) in files.iter().enumerate() {
        out.push_str(&format!("    f{f}([\"{}\"])\n", escape(file)));
    }
    for r in &graph.roots {
        let Some(f) = files.iter().position(|f| *f == r.source) else {
            continue;
        };
        let label = r.line.map(|l| format!("line {l}"));
        for j in graph.pins_of(&r.name) {
            match &label {
                Some(l) => out.push_str(&format!("    f{f} -->|\"{}\"| p{j}\n", escape(l))),
                None => out.push_str(&format!("    f{f} --> p{j}\n")),
            }
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
                if label.is_empty() {
                    out.push_str(&format!("    p{i} --> p{j}\n"));
                } else {
                    out.push_str(&format!(
                        "    p{i} -->|\"{}\"| p{j}\n",
                        escape(&label.join(" | "))
                    ));
                }
            }
        }
    }
    out
}

/// Mermaid's entity codes for the characters that end or confuse a quoted label.
fn escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('|', "#124;")
        .replace("#lt;br#gt;", "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn a_flowchart_with_labelled_edges() {
        let text = graph_mermaid(&fixture::graph());
        assert!(text.starts_with("flowchart LR\n"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn labels_escape_quotes_and_comparisons() {
        assert_eq!(
            escape("a>=1 ; b == \"x\" | c"),
            "a#gt;=1 ; b == #quot;x#quot; #124; c"
        );
        assert_eq!(escape("a<br>; m"), "a<br>; m");
    }
}
