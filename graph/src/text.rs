//! A tree as text, drawn as `uv tree` and pipdeptree draw it.
//!
//! ```text
//! flask==3.1.0 (requirements.in:1: >=3)
//! ├── jinja2==3.1.6 (>=3.1.2)
//! │   └── markupsafe==3.0.2 (>=2.0)
//! └── werkzeug==3.1.3 (>=3.1) (*)
//! ```

use crate::graph::{Asked, Graph};
use crate::walk::{Node, Tree};

/// The tree, a line each, ending in a newline; `(*)` marks a subtree printed above.
pub fn tree_text(graph: &Graph, tree: &Tree) -> String {
    let mut out = String::new();
    // Whether the line at each depth still has siblings below it (draws `│`).
    let mut open: Vec<bool> = Vec::new();
    for (n, line) in tree.lines.iter().enumerate() {
        let more_siblings = tree.lines[n + 1..]
            .iter()
            .take_while(|l| l.depth >= line.depth)
            .any(|l| l.depth == line.depth);
        open.truncate(line.depth);
        if line.depth > 0 {
            for &bar in open.iter().skip(1) {
                out.push_str(if bar { "│   " } else { "    " });
            }
            out.push_str(if more_siblings {
                "├── "
            } else {
                "└── "
            });
        }
        open.push(more_siblings);
        out.push_str(&line_text(graph, tree, n));
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("(nothing to show)\n");
    }
    out
}

/// One line without its drawing.
fn line_text(graph: &Graph, tree: &Tree, n: usize) -> String {
    let line = &tree.lines[n];
    match line.node {
        Node::Input(r) => {
            let root = &graph.roots[r];
            let asked = root.asked.clone().unwrap_or_default();
            format!("{}: {}", root.place(), asked.requirement(&root.name))
        }
        Node::Package(i) => {
            let p = &graph.packages[i];
            let mut out = p.label();
            if let Some(m) = &p.marker {
                out.push_str(&format!(" ; {m}"));
            }
            let asked = asked_text(&line.asked);
            let asked_of_root = asked.clone().filter(|a| a != ANY);
            match (line.root.map(|r| &graph.roots[r]), asked) {
                (Some(root), _) if asked_of_root.is_none() => {
                    out.push_str(&format!(" ({})", root.place()))
                }
                (Some(root), Some(a)) => out.push_str(&format!(" ({}: {a})", root.place())),
                (Some(root), None) => out.push_str(&format!(" ({})", root.place())),
                (None, _) if tree.inverted && n > 0 => {
                    let below = parent_name(graph, tree, n);
                    let list: Vec<String> =
                        line.asked.iter().map(|a| a.requirement(&below)).collect();
                    match list.is_empty() {
                        true => out.push_str(&format!(" (requires {below})")),
                        false => out.push_str(&format!(" (requires {})", list.join(" | "))),
                    }
                }
                (None, Some(a)) => out.push_str(&format!(" ({a})")),
                (None, None) => {}
            }
            if line.repeated {
                out.push_str(" (*)");
            }
            out
        }
    }
}

/// What [`Asked::text`] says of a requirement that asks for nothing in particular.
const ANY: &str = "any version";

/// The requirements of an edge, `|` between those markers split.
fn asked_text(asked: &[Asked]) -> Option<String> {
    if asked.is_empty() {
        return None;
    }
    let list: Vec<String> = asked.iter().map(Asked::text).collect();
    Some(list.join(" | "))
}

/// In an inverted tree, the package line `n`'s package requires: the nearest line above
/// it one level up.
fn parent_name(graph: &Graph, tree: &Tree, n: usize) -> lockit_types::PackageName {
    let depth = tree.lines[n].depth;
    tree.lines[..n]
        .iter()
        .rev()
        .find(|l| l.depth + 1 == depth)
        .and_then(|l| match l.node {
            Node::Package(i) => Some(graph.packages[i].name.clone()),
            Node::Input(_) => None,
        })
        .unwrap_or_else(|| graph.packages[0].name.clone())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lockit_types::PackageName;

    use super::*;
    use crate::fixture;
    use crate::walk::{walk, TreeOptions};

    #[test]
    fn draws_the_tree_with_what_each_edge_asked_for() {
        let graph = fixture::graph();
        let tree = walk(&graph, &TreeOptions::default());
        insta::assert_snapshot!(tree_text(&graph, &tree));
    }

    #[test]
    fn draws_the_inverted_tree_down_to_the_input_line() {
        let graph = fixture::graph();
        let options = TreeOptions {
            invert: Some(PackageName::from_str("markupsafe").unwrap()),
            ..TreeOptions::default()
        };
        insta::assert_snapshot!(tree_text(&graph, &walk(&graph, &options)));
    }
}
