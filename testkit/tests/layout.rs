//! The code's shape, checked: no crate has a file-level import cycle (two files that each
//! name the other, directly or round a loop), and no route module imports another (what
//! routes share lives in `server/src/http/`). A reference is a `crate::…` or `super::…` path
//! outside the file's tests, doc comments included: a doc link is a dependency for a reader.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found
}

/// A file's module path within its crate: `routes::offices` for `routes/offices/mod.rs`.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The paths after each `prefix` in `text`: `crate::http::problem::Problem` gives
/// `["http", "problem", "Problem"]`.
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    text.match_indices(prefix)
        .filter(|(at, _)| !text[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            rest[..end].split("::").filter(|s| !s.is_empty()).map(str::to_string).collect()
        })
        .collect()
}

/// Each module of the crate at `root` and the modules it refers to.
fn dependencies(root: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files: BTreeMap<Vec<String>, PathBuf> = sources(root).into_iter().map(|f| (module_of(root, &f), f)).collect();
    let longest_module =
        |path: &[String]| (1..=path.len()).rev().map(|k| path[..k].to_vec()).find(|m| files.contains_key(m));
    files
        .iter()
        .map(|(module, file)| {
            let text = std::fs::read_to_string(file).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            let is_dir_module = file.file_stem().is_some_and(|s| s == "mod" || s == "lib");
            let parent: Vec<String> =
                if is_dir_module { module.clone() } else { module[..module.len().saturating_sub(1)].to_vec() };
            let parent = if is_dir_module { parent[..parent.len().saturating_sub(1)].to_vec() } else { parent };
            let mut uses = BTreeSet::new();
            for path in paths_after(text, "crate::") {
                uses.extend(longest_module(&path));
            }
            for path in paths_after(text, "super::") {
                let full: Vec<String> = parent.iter().cloned().chain(path).collect();
                uses.extend(longest_module(&full));
            }
            uses.remove(module);
            uses.retain(|m| !m.is_empty());
            (module.clone(), uses)
        })
        .collect()
}

/// The modules on some loop of references, each loop once.
fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    let reaches = |from: &Vec<String>, to: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut pending: Vec<&Vec<String>> = graph.get(from).into_iter().flatten().collect();
        while let Some(next) = pending.pop() {
            if next == to {
                return true;
            }
            if seen.insert(next) {
                pending.extend(graph.get(next).into_iter().flatten());
            }
        }
        false
    };
    let mut loops: BTreeSet<Vec<String>> = BTreeSet::new();
    for (module, uses) in graph {
        for used in uses {
            if reaches(used, module) {
                let mut pair = vec![module.join("::"), used.join("::")];
                pair.sort();
                loops.insert(pair);
            }
        }
    }
    loops.into_iter().collect()
}

const CRATES: [&str; 5] = ["data-boundaries/src", "tiles/src", "registry/src", "server/src", "testkit/src"];

#[test]
fn no_crate_has_a_file_level_import_cycle() {
    for dir in CRATES {
        let graph = dependencies(&testkit::workspace_root().join(dir));
        assert!(graph.len() > 1, "{dir}: no modules found");
        assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{dir}: files that depend on each other");
    }
}

#[test]
fn no_route_module_imports_another() {
    let graph = dependencies(&testkit::workspace_root().join("server/src"));
    let route = |m: &Vec<String>| m.first().is_some_and(|s| s == "routes") && m.len() > 1;
    let crossing: Vec<String> = graph
        .iter()
        .filter(|(module, _)| route(module))
        .flat_map(|(module, uses)| {
            // A module may use its own submodules and its parent's router glue (`routes::ogc`
            // for `routes::ogc::items`); never a sibling route.
            uses.iter()
                .filter(|used| route(used) && !used.starts_with(module) && !module.starts_with(used))
                .map(move |used| format!("{} uses {}", module.join("::"), used.join("::")))
        })
        .collect();
    assert_eq!(crossing, Vec::<String>::new());
}

#[test]
fn the_checker_sees_a_cycle_when_there_is_one() {
    let module = |name: &str| vec![name.to_string()];
    let graph = BTreeMap::from([
        (module("a"), BTreeSet::from([module("b")])),
        (module("b"), BTreeSet::from([module("c")])),
        (module("c"), BTreeSet::from([module("a")])),
        (module("d"), BTreeSet::from([module("a")])),
    ]);
    let found = cycles(&graph);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.iter().all(|pair| !pair.contains(&"d".to_string())));
    assert_eq!(
        paths_after("use crate::http::problem::Problem; x_crate::no", "crate::"),
        [["http", "problem", "Problem"]]
    );
}
