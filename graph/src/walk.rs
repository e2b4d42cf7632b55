//! Walking the graph into the lines of a tree: from the roots down, from some packages
//! down (`--package`), or from one package up to the input lines (`--invert`), with
//! `--depth` and `--prune`. A package whose subtree was already printed is printed
//! again once, marked, and not expanded (as `uv tree` prints `(*)`); that also ends cycles.

use std::collections::BTreeSet;

use lockit_types::PackageName;

use crate::graph::{Asked, Graph, Root};

/// What to show of the graph.
#[derive(Debug, Clone, Default)]
pub struct TreeOptions {
    /// Show at most this many levels below the top (`0`: the top only).
    pub depth: Option<usize>,
    /// Start from these packages instead of the roots.
    pub packages: Vec<PackageName>,
    /// Show who requires this package, up to the input lines.
    pub invert: Option<PackageName>,
    /// Leave these packages (and what only they bring) out.
    pub prune: Vec<PackageName>,
}

/// One thing a line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A pin (index into [`Graph::packages`]).
    Package(usize),
    /// An input line (index into [`Graph::roots`]), the end of an inverted walk.
    Input(usize),
}

/// One line of a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Levels below the top.
    pub depth: usize,
    /// What it shows.
    pub node: Node,
    /// What the edge to it asked for: the parent's requirement on it (inverted: its
    /// requirement on the line above).
    pub asked: Vec<Asked>,
    /// For a top line that an input requirement starts: that root.
    pub root: Option<usize>,
    /// Its subtree was printed above, so it is not expanded here.
    pub repeated: bool,
}

/// The lines of a tree, in print order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// The lines.
    pub lines: Vec<Line>,
    /// Walked upward (`--invert`): a line's children require it.
    pub inverted: bool,
}

/// Walks `graph` as `options` say.
pub fn walk(graph: &Graph, options: &TreeOptions) -> Tree {
    let mut walker = Walker {
        graph,
        options,
        expanded: BTreeSet::new(),
        lines: Vec::new(),
    };
    if let Some(name) = &options.invert {
        for i in graph.pins_of(name) {
            walker.up(i, 0, Vec::new());
        }
        return Tree {
            lines: walker.lines,
            inverted: true,
        };
    }
    if options.packages.is_empty() {
        let mut roots: Vec<(usize, &Root)> = graph.roots.iter().enumerate().collect();
        roots.sort_by(|(_, a), (_, b)| {
            (&a.name, &a.source, a.line).cmp(&(&b.name, &b.source, b.line))
        });
        for (r, root) in roots {
            for i in graph.pins_of(&root.name) {
                let asked = root.asked.iter().cloned().collect();
                walker.down(i, 0, asked, Some(r));
            }
        }
    } else {
        for name in &options.packages {
            for i in graph.pins_of(name) {
                walker.down(i, 0, Vec::new(), None);
            }
        }
    }
    Tree {
        lines: walker.lines,
        inverted: false,
    }
}

struct Walker<'a> {
    graph: &'a Graph,
    options: &'a TreeOptions,
    expanded: BTreeSet<usize>,
    lines: Vec<Line>,
}

impl Walker<'_> {
    fn pruned(&self, i: usize) -> bool {
        self.options.prune.contains(&self.graph.packages[i].name)
    }

    fn deeper(&self, depth: usize) -> bool {
        self.options.depth.is_none_or(|max| depth < max)
    }

    /// The line of pin `i` and, unless shown before, its dependencies below it.
    fn down(&mut self, i: usize, depth: usize, asked: Vec<Asked>, root: Option<usize>) {
        if self.pruned(i) {
            return;
        }
        let graph = self.graph;
        let children: Vec<(usize, Vec<Asked>)> = graph.packages[i]
            .dependencies
            .iter()
            .flat_map(|d| graph.pins_of(&d.name).map(move |j| (j, d.asked.clone())))
            .filter(|(j, _)| !self.pruned(*j))
            .collect();
        let repeated = !children.is_empty() && self.expanded.contains(&i);
        self.lines.push(Line {
            depth,
            node: Node::Package(i),
            asked,
            root,
            repeated,
        });
        if repeated || !self.deeper(depth) {
            return;
        }
        self.expanded.insert(i);
        for (j, asked) in children {
            self.down(j, depth + 1, asked, None);
        }
    }

    /// The line of pin `i` and, unless shown before, the pins and input lines that
    /// require it, below it.
    fn up(&mut self, i: usize, depth: usize, asked: Vec<Asked>) {
        if self.pruned(i) {
            return;
        }
        let graph = self.graph;
        let name = &graph.packages[i].name;
        let parents: Vec<(usize, Vec<Asked>)> = graph
            .packages
            .iter()
            .enumerate()
            .filter(|(j, _)| !self.pruned(*j))
            .filter_map(|(j, p)| {
                let d = p.dependencies.iter().find(|d| &d.name == name)?;
                Some((j, d.asked.clone()))
            })
            .collect();
        let mut inputs: Vec<usize> = (0..graph.roots.len())
            .filter(|&r| &graph.roots[r].name == name && !graph.roots[r].source.is_empty())
            .collect();
        inputs.sort_by(|&a, &b| {
            let (a, b) = (&graph.roots[a], &graph.roots[b]);
            (&a.source, a.line).cmp(&(&b.source, b.line))
        });
        let has_children = !parents.is_empty() || !inputs.is_empty();
        let repeated = has_children && self.expanded.contains(&i);
        self.lines.push(Line {
            depth,
            node: Node::Package(i),
            asked,
            root: None,
            repeated,
        });
        if repeated || !self.deeper(depth) {
            return;
        }
        self.expanded.insert(i);
        for r in inputs {
            self.lines.push(Line {
                depth: depth + 1,
                node: Node::Input(r),
                asked: graph.roots[r].asked.iter().cloned().collect(),
                root: Some(r),
                repeated: false,
            });
        }
        for (j, asked) in parents {
            self.up(j, depth + 1, asked);
        }
    }
}

impl Tree {
    /// The part of `graph` the tree shows: its pins, the edges between them, and the
    /// roots it starts from (or reaches, inverted). `--package` tops become roots
    /// without a file.
    pub fn subgraph(&self, graph: &Graph) -> Graph {
        let shown: BTreeSet<usize> = self
            .lines
            .iter()
            .filter_map(|l| match l.node {
                Node::Package(i) => Some(i),
                Node::Input(_) => None,
            })
            .collect();
        let names: BTreeSet<&PackageName> =
            shown.iter().map(|&i| &graph.packages[i].name).collect();
        let packages = shown
            .iter()
            .map(|&i| {
                let mut p = graph.packages[i].clone();
                p.dependencies.retain(|d| names.contains(&d.name));
                p
            })
            .collect();
        let mut roots: Vec<Root> = Vec::new();
        for line in &self.lines {
            let root = match (line.root, line.node) {
                (Some(r), _) => graph.roots[r].clone(),
                (None, Node::Package(i)) if line.depth == 0 && !self.inverted => Root {
                    name: graph.packages[i].name.clone(),
                    source: String::new(),
                    line: None,
                    asked: None,
                },
                _ => continue,
            };
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        Graph { packages, roots }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::fixture;

    fn shown(graph: &Graph, tree: &Tree) -> Vec<String> {
        tree.lines
            .iter()
            .map(|l| {
                let what = match l.node {
                    Node::Package(i) => graph.packages[i].name.to_string(),
                    Node::Input(r) => graph.roots[r].place(),
                };
                let mark = if l.repeated { " (*)" } else { "" };
                format!("{}{what}{mark}", "  ".repeat(l.depth))
            })
            .collect()
    }

    fn name(s: &str) -> PackageName {
        PackageName::from_str(s).unwrap()
    }

    #[test]
    fn a_repeated_subtree_is_shown_once_and_marked() {
        let graph = fixture::graph();
        let tree = walk(&graph, &TreeOptions::default());
        assert_eq!(
            shown(&graph, &tree),
            [
                "flask",
                "  jinja2",
                "    markupsafe",
                "  werkzeug",
                "    markupsafe",
                "jsonschema",
                "  fqdn",
            ]
        );
        // markupsafe has no children, so the second is not marked; a shared parent is.
        let text = "a==1\n    # via -r r.in\nb==1\n    # via -r r.in\nc==1\n    # via\n    #   a\n    #   b\nd==1\n    # via c\n";
        let graph = Graph::from_lock(&lockit_lockfile::parse_lock(text).unwrap());
        let tree = walk(&graph, &TreeOptions::default());
        assert_eq!(shown(&graph, &tree), ["a", "  c", "    d", "b", "  c (*)"]);
    }

    #[test]
    fn a_cycle_ends_at_the_repeat() {
        let text = "a==1\n    # via\n    #   -r r.in\n    #   b\nb==1\n    # via a\n";
        let graph = Graph::from_lock(&lockit_lockfile::parse_lock(text).unwrap());
        let tree = walk(&graph, &TreeOptions::default());
        assert_eq!(shown(&graph, &tree), ["a", "  b", "    a (*)"]);
    }

    #[test]
    fn depth_package_and_prune_cut_the_tree() {
        let graph = fixture::graph();
        let depth = TreeOptions {
            depth: Some(1),
            ..TreeOptions::default()
        };
        assert_eq!(
            shown(&graph, &walk(&graph, &depth)),
            ["flask", "  jinja2", "  werkzeug", "jsonschema", "  fqdn"]
        );
        let package = TreeOptions {
            packages: vec![name("werkzeug")],
            ..TreeOptions::default()
        };
        assert_eq!(
            shown(&graph, &walk(&graph, &package)),
            ["werkzeug", "  markupsafe"]
        );
        let prune = TreeOptions {
            prune: vec![name("jinja2"), name("jsonschema")],
            ..TreeOptions::default()
        };
        assert_eq!(
            shown(&graph, &walk(&graph, &prune)),
            ["flask", "  werkzeug", "    markupsafe"]
        );
    }

    #[test]
    fn invert_walks_up_to_the_input_lines() {
        let graph = fixture::graph();
        let invert = TreeOptions {
            invert: Some(name("markupsafe")),
            ..TreeOptions::default()
        };
        let tree = walk(&graph, &invert);
        assert_eq!(
            shown(&graph, &tree),
            [
                "markupsafe",
                "  jinja2",
                "    flask",
                "      requirements.in:1",
                "  werkzeug",
                "    flask (*)",
            ]
        );
        let sub = tree.subgraph(&graph);
        assert_eq!(sub.packages.len(), 4);
        assert_eq!(sub.roots.len(), 1);
    }
}
