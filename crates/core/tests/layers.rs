//! The core crate's layers stay layers: each top folder of `src/` (a
//! module `foo.rs` with its folder `foo/`) uses only the folders the table
//! in `lib.rs` allows, by path (`crate::model::…`), and no cycle runs
//! between folders.
//!
//! The check reads the source, not the compiled crate: it collects every
//! `crate::<folder>` path outside comments and test modules, per folder.
//! Run with `--nocapture` to see the folder graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// What each folder may use; the same table as in `lib.rs`'s module doc.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("rules", &["model"]),
    ("document", &["model", "rules"]),
    ("page", &["model", "rules", "document"]),
    ("matching", &["model", "rules"]),
    (
        "command",
        &["model", "rules", "document", "page", "matching"],
    ),
    (
        "privacy",
        &["model", "rules", "document", "page", "command"],
    ),
    ("files", &["model", "rules", "command", "privacy"]),
    ("report", &["model", "rules", "page", "privacy", "files"]),
];

/// The folders the tandem page (a participant's app) is built from, without
/// the `coordinator` feature.
const PARTICIPANT: &[&str] = &["model", "rules", "document", "page"];

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("the source folder is readable") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The top folder a source file belongs to: `src/model.rs` and
/// `src/model/day.rs` both to `model`; `lib.rs` to none.
fn folder_of(path: &Path) -> Option<String> {
    let relative = path.strip_prefix(source_dir()).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_string())
}

/// The code of a file without comments and without its test module (tests
/// of a lower layer may drive it through the whole crate).
fn code_of(text: &str) -> String {
    let without_tests = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    without_tests
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::<name>` in the code, and whether anything is reached
/// through the crate root (`crate::{…}` or `crate::SomeType`).
fn crate_paths(code: &str) -> (BTreeSet<String>, Vec<String>) {
    let mut folders = BTreeSet::new();
    let mut through_root = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if at > 0 {
            let before = code[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' {
                continue; // e.g. `tandem_crate::`
            }
        }
        let rest = &code[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || name.starts_with(|c: char| c.is_uppercase()) {
            through_root.push(rest.chars().take(40).collect());
        } else {
            folders.insert(name);
        }
    }
    (folders, through_root)
}

fn folder_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&source_dir(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut through_root = Vec::new();
    for file in files {
        let Some(folder) = folder_of(&file) else {
            continue;
        };
        let text = fs::read_to_string(&file).expect("a source file is readable");
        let (used, root) = crate_paths(&code_of(&text));
        for path in root {
            through_root.push(format!("{}: crate::{path}", file.display()));
        }
        let entry = graph.entry(folder.clone()).or_default();
        entry.extend(used.into_iter().filter(|used| *used != folder));
    }
    assert!(
        through_root.is_empty(),
        "layers import each other by path, not through the crate root:\n{}",
        through_root.join("\n")
    );
    graph
}

/// The folders in an order where each comes after everything it uses, or
/// the folders left on a cycle.
fn layer_order(graph: &BTreeMap<String, BTreeSet<String>>) -> Result<Vec<String>, Vec<String>> {
    let mut placed: Vec<String> = Vec::new();
    let mut left: BTreeSet<&String> = graph.keys().collect();
    while !left.is_empty() {
        let ready: Vec<&String> = left
            .iter()
            .copied()
            .filter(|folder| graph[*folder].iter().all(|used| placed.contains(used)))
            .collect();
        if ready.is_empty() {
            return Err(left.into_iter().cloned().collect());
        }
        for folder in ready {
            left.remove(folder);
            placed.push(folder.clone());
        }
    }
    Ok(placed)
}

fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    ALLOWED
        .iter()
        .map(|(folder, uses)| {
            (
                folder.to_string(),
                uses.iter().map(|used| used.to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn every_folder_uses_only_the_folders_its_layer_allows() {
    let graph = folder_graph();
    let allowed = allowed();
    println!("folder graph of crates/core/src (folder -> folders it uses):");
    for (folder, uses) in &graph {
        let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
        println!("  {folder:<9} -> {}", uses.join(", "));
    }
    let mut broken = Vec::new();
    for (folder, uses) in &graph {
        let Some(may_use) = allowed.get(folder) else {
            broken.push(format!("{folder} is not in the table of layers"));
            continue;
        };
        for used in uses {
            if !may_use.contains(used) {
                broken.push(format!("{folder} uses {used}, which its layer may not"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_model_uses_nothing_above_it() {
    let graph = folder_graph();
    assert_eq!(graph.get("model"), Some(&BTreeSet::new()));
}

#[test]
fn no_cycle_runs_between_folders() {
    let graph = folder_graph();
    let order = layer_order(&graph)
        .unwrap_or_else(|cycle| panic!("these folders use each other in a cycle: {cycle:?}"));
    println!("layers, lowest first: {}", order.join(" < "));
    layer_order(&allowed()).expect("the table of allowed layers has no cycle");
}

#[test]
fn the_participant_folders_use_no_coordinator_folder() {
    let graph = folder_graph();
    for folder in PARTICIPANT {
        for used in &graph[*folder] {
            assert!(
                PARTICIPANT.contains(&used.as_str()),
                "{folder} uses {used}, which a participant's app is built without"
            );
        }
    }
}

#[test]
fn a_cycle_is_found_when_two_folders_use_each_other() {
    let mut graph = allowed();
    graph
        .get_mut("model")
        .expect("the model is a layer")
        .insert("report".into());
    assert!(layer_order(&graph).is_err());
}

#[test]
fn a_path_through_the_crate_root_is_told_apart_from_a_folder() {
    let (folders, root) = crate_paths(
        "use crate::model::day::Day;\nuse crate::{Person};\nlet x = crate::Stage::Applied;",
    );
    assert_eq!(folders, BTreeSet::from(["model".to_string()]));
    assert_eq!(root.len(), 2);
}
