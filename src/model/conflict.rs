//! The conflicts a sync records inside a record (under `conflicts:`) until a person
//! resolves them: which field, the value kept and the other one, who and when on each side.

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use super::CONFLICTS;

/// One recorded conflict.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Conflict {
    pub field: String,
    pub kept: ConflictSide,
    pub other: ConflictSide,
}

/// One side of a conflict: its value, and who changed it when (when known).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConflictSide {
    pub value: Value,
    pub by: Option<String>,
    pub at: Option<String>,
}

impl ConflictSide {
    /// The value as a person reads it: text as text, a note or a history entry by its
    /// text, a list one element a line.
    pub fn text(&self) -> String {
        shown(&self.value)
    }

    /// "by anna at 2026-11-27T09:00:00+01:00", or as much of it as is known.
    pub fn who(&self) -> String {
        match (&self.by, &self.at) {
            (Some(by), Some(at)) => format!("{by} at {at}"),
            (Some(by), None) => by.clone(),
            (None, Some(at)) => at.clone(),
            (None, None) => String::new(),
        }
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Sequence(items) => items.iter().map(shown).collect::<Vec<_>>().join("\n"),
        Value::Mapping(m) => match m.get("text").or_else(|| m.get("note")) {
            Some(text) => {
                let by = m.get("by").and_then(Value::as_str).unwrap_or_default();
                let at = m.get("at").and_then(Value::as_str).unwrap_or_default();
                format!("{at} {by}: {}", shown(text)).trim().to_string()
            }
            None => serde_yaml::to_string(value).unwrap_or_default().trim_end().to_string(),
        },
        Value::Tagged(t) => shown(&t.value),
    }
}

/// The conflicts in a record's mapping of unknown keys ([`super::Record::extra`], where
/// sync writes them); entries that are not mappings are skipped.
pub fn conflicts_in(extra: &Mapping) -> Vec<Conflict> {
    match extra.get(CONFLICTS) {
        Some(Value::Sequence(list)) => list.iter().filter_map(|c| serde_yaml::from_value(c.clone()).ok()).collect(),
        _ => vec![],
    }
}

/// Drops the conflicts recorded on the named fields (`all` for every one) from a record's
/// unknown keys; `Err` names a field with no conflict. The key goes when the list empties.
pub fn resolve_conflicts(extra: &mut Mapping, fields: &[String]) -> Result<(), String> {
    if fields.is_empty() {
        return Ok(());
    }
    let key = Value::from(CONFLICTS);
    let Some(Value::Sequence(list)) = extra.get_mut(&key) else {
        return Err("has no sync conflicts to resolve".into());
    };
    let field_of = |c: &Value| c.get("field").and_then(Value::as_str).map(str::to_string);
    let all = fields.iter().any(|f| f == "all");
    for f in fields.iter().filter(|f| *f != "all") {
        if !list.iter().any(|c| field_of(c).as_deref() == Some(f.as_str())) {
            return Err(format!("has no sync conflict on {f}"));
        }
    }
    list.retain(|c| !all && !fields.iter().any(|f| field_of(c).as_deref() == Some(f.as_str())));
    if list.is_empty() {
        extra.remove(&key);
    }
    Ok(())
}
