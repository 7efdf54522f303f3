//! The floors of the crate import only the floors below them: no circle, no upward arrow
//! (README, Development).

use std::collections::BTreeSet;
use std::path::Path;

/// From the top down; a floor may use any floor after it, and the foundation.
const FLOORS: &[&[&str]] = &[
    &["cli"],
    &["ops"],
    &["sync", "intake", "print", "report", "einvoice", "pec"],
    &["desk"],
    &["git"],
    &["rules"],
    &["model"],
];
const FOUNDATION: &[&str] = &["cores", "error", "files", "memory", "render"];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|f| f.contains(&module))
}

fn uses(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            uses(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = |s: &str| s.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            for (i, _) in text.match_indices("crate::") {
                let rest = &text[i + 7..];
                match rest.strip_prefix('{') {
                    // `use crate::{a::X, b};`: every top-level name in the braces.
                    Some(list) => {
                        let list = &list[..list.find('}').unwrap_or(list.len())];
                        found.extend(list.split(',').map(name).filter(|n: &String| !n.is_empty()));
                    }
                    None => {
                        found.insert(name(rest));
                    }
                }
            }
        }
    }
}

#[test]
fn every_floor_imports_only_the_floors_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (level, floor) in FLOORS.iter().enumerate() {
        for module in *floor {
            let dir = src.join(module);
            let mut found = BTreeSet::new();
            uses(&dir, &mut found);
            for used in found {
                let allowed = used == *module
                    || FOUNDATION.contains(&used.as_str())
                    || floor_of(&used).is_some_and(|l| l > level)
                    || ["Error", "ErrorKind", "Result"].contains(&used.as_str());
                if !allowed {
                    wrong.push(format!("src/{module}/ uses crate::{used}"));
                }
            }
        }
    }
    assert_eq!(wrong, Vec::<String>::new(), "imports that run up or sideways");
}

#[test]
fn rules_and_report_import_only_the_model() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in ["rules", "report"] {
        let mut found = BTreeSet::new();
        uses(&src.join(module), &mut found);
        found.retain(|m| !["model", "rules", "error", "Error", "ErrorKind", "Result"].contains(&m.as_str()));
        assert_eq!(found, BTreeSet::new(), "src/{module}/ imports more than model/");
    }
}
