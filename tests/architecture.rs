//! The pure core stays pure: `model` and `reconcile` import no I/O crates or I/O modules.

use crate::support::root;
use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "tokio",
    "reqwest",
    "ldap3",
    "ratatui",
    "crossterm",
    "axum",
    "hyper",
    "std::fs",
    "std::net",
    "std::process",
    "std::io",
    "crate::source",
    "crate::ftrack",
    "crate::sandbox",
    "crate::apply",
    "crate::report",
    "crate::tui",
    "crate::config",
    "crate::state",
    "crate::commands",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn model_and_reconcile_import_no_io() {
    let mut files = vec![root().join("src/model.rs")];
    rust_files(&root().join("src/reconcile"), &mut files);
    assert!(
        files.len() > 5,
        "expected the reconcile sources, found {files:?}"
    );
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            // Comments may name anything; code lines are checked for paths and imports.
            if code.starts_with("//") || !code.contains("::") && !code.starts_with("use ") {
                continue;
            }
            for bad in FORBIDDEN {
                if code.contains(bad) {
                    offences.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the pure core must not do I/O:\n{}",
        offences.join("\n")
    );
}
