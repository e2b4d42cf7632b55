use super::*;
use crate::fixture;

fn names(graph: &Graph, i: usize) -> Vec<String> {
    graph.packages[i]
        .dependencies
        .iter()
        .map(|d| d.name.to_string())
        .collect()
}

fn index(graph: &Graph, name: &str) -> usize {
    let name = PackageName::from_str(name).unwrap();
    let first = graph.pins_of(&name).next().unwrap();
    first
}

#[test]
fn via_lines_give_the_edges_and_the_roots() {
    let lock = lockit_lockfile::parse_lock(fixture::LOCK).unwrap();
    let graph = Graph::from_lock(&lock);
    assert_eq!(
        names(&graph, index(&graph, "flask")),
        ["jinja2", "werkzeug"]
    );
    assert_eq!(names(&graph, index(&graph, "jinja2")), ["markupsafe"]);
    assert_eq!(names(&graph, index(&graph, "jsonschema")), ["fqdn"]);
    let roots: Vec<String> = graph.roots.iter().map(|r| r.place()).collect();
    assert_eq!(roots, ["requirements.in", "requirements.in"]);
}

#[test]
fn inputs_give_roots_their_line_and_metadata_gives_edges_their_requirement() {
    let graph = fixture::graph();
    let flask = graph
        .roots
        .iter()
        .find(|r| r.name.as_ref() == "flask")
        .unwrap();
    assert_eq!(flask.place(), "requirements.in:1");
    assert_eq!(flask.asked.as_ref().unwrap().text(), ">=3");
    let jsonschema = &graph.packages[index(&graph, "jsonschema")];
    // The extra asked of it is on the pin, and the edge it brings says so.
    assert_eq!(jsonschema.label(), "jsonschema[format-nongpl]==4.23.0");
    let fqdn = &jsonschema.dependencies[0];
    assert_eq!(fqdn.asked[0].text(), "if extra == 'format-nongpl'");
    let flask = &graph.packages[index(&graph, "flask")];
    assert_eq!(flask.dependencies[0].asked[0].text(), ">=3.1.2");
}

#[test]
fn a_pylock_gives_edges_from_dependencies_and_roots_from_inputs_or_orphans() {
    let text = r#"lock-version = "1.0"
created-by = "lockit"

[[packages]]
name = "flask"
version = "3.1.0"
dependencies = [{ name = "jinja2" }]
wheels = [{ name = "flask-3.1.0-py3-none-any.whl", url = "https://x/flask-3.1.0-py3-none-any.whl", hashes = { sha256 = "aa" } }]

[[packages]]
name = "jinja2"
version = "3.1.6"
wheels = [{ name = "jinja2-3.1.6-py3-none-any.whl", url = "https://x/jinja2-3.1.6-py3-none-any.whl", hashes = { sha256 = "bb" } }]
"#;
    let lock = lockit_lockfile::parse_pylock(text).unwrap();
    let mut graph = Graph::from_pylock(&lock, text).unwrap();
    assert_eq!(names(&graph, index(&graph, "flask")), ["jinja2"]);
    graph.root_the_unreached();
    let roots: Vec<String> = graph.roots.iter().map(|r| r.name.to_string()).collect();
    assert_eq!(roots, ["flask"]);
    let mut with_inputs = Graph::from_pylock(&lock, text).unwrap();
    with_inputs.attach_inputs(&fixture::inputs());
    assert_eq!(with_inputs.roots[0].place(), "requirements.in:1");
}

#[test]
fn projection_drops_pins_and_edges_whose_marker_does_not_hold() {
    let text = "\
numpy==1.26.4 ; python_full_version < '3.10'
    # via -r r.in
numpy==2.1.3 ; python_full_version >= '3.10'
    # via -r r.in
colorama==0.4.6 ; sys_platform == 'win32'
    # via click
click==8.1.8
    # via -r r.in
";
    let lock = lockit_lockfile::parse_lock(text).unwrap();
    let graph = Graph::from_lock(&lock);
    assert_eq!(graph.packages.len(), 4);
    let linux =
        lockit_types::Target::new("3.12", "x86_64-manylinux_2_28".parse().unwrap()).unwrap();
    let projected = graph.project(&linux.markers);
    let labels: Vec<String> = projected.packages.iter().map(Package::label).collect();
    assert_eq!(labels, ["numpy==2.1.3", "click==8.1.8"]);
    assert!(projected.packages[1].dependencies.is_empty());
    let windows = lockit_types::Target::new("3.9", "windows".parse().unwrap()).unwrap();
    let labels: Vec<String> = graph
        .project(&windows.markers)
        .packages
        .iter()
        .map(Package::label)
        .collect();
    assert_eq!(labels, ["numpy==1.26.4", "colorama==0.4.6", "click==8.1.8"]);
}

#[test]
fn a_lock_without_via_lines_roots_every_package_nothing_requires() {
    let lock = lockit_lockfile::parse_lock("six==1.16.0\nidna==3.10\n").unwrap();
    let mut graph = Graph::from_lock(&lock);
    graph.root_the_unreached();
    assert_eq!(graph.roots.len(), 2);
    assert!(graph.roots.iter().all(|r| r.place().contains("nothing")));
}
