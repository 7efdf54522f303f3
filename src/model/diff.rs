//! Field-by-field differences between two versions of a record's YAML, for `ticket log`
//! and for naming what an edit changed.

use serde::Serialize;
use serde_json::Value;

/// One field that changed: dotted name (`address.city`, `custom.contract`), or
/// `notes[+]` for an element appended to a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// The changes from `before` to `after` (either may be absent: created or deleted).
pub fn field_changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let parse = |text: Option<&str>| -> Value {
        text.and_then(|t| super::from_yaml::<serde_yaml::Value>(t.as_bytes()).ok())
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or(Value::Null)
    };
    let mut out = Vec::new();
    compare("", &parse(before), &parse(after), &mut out);
    out
}

/// The changes between two serialisable values (two versions of a record).
pub fn value_changes<T: Serialize>(before: &T, after: &T) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let b = serde_json::to_value(before).unwrap_or(Value::Null);
    let a = serde_json::to_value(after).unwrap_or(Value::Null);
    compare("", &b, &a, &mut out);
    out
}

fn compare(prefix: &str, before: &Value, after: &Value, out: &mut Vec<FieldChange>) {
    if before == after {
        return;
    }
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (k, av) in a {
                compare(&key(k), b.get(k).unwrap_or(&Value::Null), av, out);
            }
            for (k, bv) in b {
                if !a.contains_key(k) {
                    compare(&key(k), bv, &Value::Null, out);
                }
            }
        }
        (Value::Null, Value::Object(a)) if !prefix.is_empty() => {
            for (k, av) in a {
                compare(&key(k), &Value::Null, av, out);
            }
        }
        (Value::Array(b), Value::Array(a)) if a.len() > b.len() && a.starts_with(b) => {
            for added in &a[b.len()..] {
                out.push(FieldChange { field: format!("{prefix}[+]"), from: Value::Null, to: added.clone() });
            }
        }
        (Value::Null, Value::Array(a)) if !prefix.is_empty() => {
            for added in a {
                out.push(FieldChange { field: format!("{prefix}[+]"), from: Value::Null, to: added.clone() });
            }
        }
        _ => out.push(FieldChange { field: prefix.to_string(), from: before.clone(), to: after.clone() }),
    }
}

/// The fields of an issued fiscal document that differ in `current` (empty when none
/// does). Keys tkt does not know are annotations and may change.
pub fn issued_fields_changed(issued: &super::Document, current: &super::Document) -> Vec<String> {
    let (mut issued, mut current) = (issued.clone(), current.clone());
    issued.extra.clear();
    current.extra.clear();
    if issued == current {
        return Vec::new();
    }
    changed_fields(&value_changes(&issued, &current))
}

/// The top-level field names among changes, without repeats, for commit messages.
pub fn changed_fields(changes: &[FieldChange]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for c in changes {
        let top = c.field.split(['.', '[']).next().unwrap_or("").to_string();
        if !names.contains(&top) {
            names.push(top);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_fields_and_appended_list_items() {
        let before = "id: T-1\nstate: new\ncustom:\n  floor: 2\nnotes: []\n";
        let after = "id: T-1\nstate: in-progress\ncustom:\n  floor: 3\nnotes:\n- text: hi\n";
        let changes = field_changes(Some(before), Some(after));
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["state", "custom.floor", "notes[+]"]);
        assert_eq!(changes[0].from, Value::from("new"));
        assert_eq!(changed_fields(&changes), ["state", "custom", "notes"]);
    }

    #[test]
    fn a_created_record_lists_its_fields() {
        let changes = field_changes(None, Some("id: T-1\ntitle: x\n"));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "");
    }
}
