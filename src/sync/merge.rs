//! The record-aware three-way merge (DESIGN §7): different fields changed on each side
//! are both kept; lists that only grow (notes, history) get the union in time order; the
//! same field changed both ways gets a deterministic winner — the later change, then the
//! greater value — and the other value is kept in the record's `conflicts` list until a
//! person resolves it. The result does not depend on which side is "ours".

use serde_yaml::{Mapping, Value};

use crate::model::{Instant, CONFLICTS};

/// Who changed a side, and when (seconds since the epoch), when known.
#[derive(Debug, Clone, Default)]
pub struct Side {
    pub by: Option<String>,
    pub at: Option<i64>,
}

/// A merged record and the fields that conflicted.
#[derive(Debug)]
pub struct Merged {
    pub value: Value,
    pub conflicts: Vec<String>,
}

/// Merges two versions of a record (YAML values) against their common base (`None` when
/// both sides created it). `now` stamps new conflict entries, and every instant in them is
/// written in its offset: the desk's time zone, like everything else tkt writes.
pub fn merge_record(base: Option<&Value>, ours: &Value, theirs: &Value, sides: [&Side; 2], now: &Instant) -> Merged {
    let recorded_at = now.to_rfc3339();
    let mut m = Merger { sides, now, recorded_at: &recorded_at, conflicts: Vec::new(), entries: Vec::new() };
    let mut value = m.merge("", base, Some(ours), Some(theirs)).unwrap_or(Value::Null);
    if !m.entries.is_empty() {
        if let Value::Mapping(map) = &mut value {
            let mut list = match map.remove(CONFLICTS) {
                Some(Value::Sequence(s)) => s,
                _ => vec![],
            };
            for e in m.entries {
                if !list.contains(&e) {
                    list.push(e);
                }
            }
            map.insert(Value::from(CONFLICTS), Value::Sequence(list));
        }
    }
    Merged { value, conflicts: m.conflicts }
}

struct Merger<'a> {
    sides: [&'a Side; 2],
    now: &'a Instant,
    recorded_at: &'a str,
    conflicts: Vec<String>,
    entries: Vec<Value>,
}

impl Merger<'_> {
    fn merge(
        &mut self,
        path: &str,
        base: Option<&Value>,
        ours: Option<&Value>,
        theirs: Option<&Value>,
    ) -> Option<Value> {
        if ours == theirs {
            return ours.cloned();
        }
        if base == ours {
            return theirs.cloned();
        }
        if base == theirs {
            return ours.cloned();
        }
        match (ours, theirs) {
            (Some(Value::Mapping(o)), Some(Value::Mapping(t))) => {
                let empty = Mapping::new();
                let b = match base {
                    Some(Value::Mapping(b)) => b,
                    _ => &empty,
                };
                let mut out = Mapping::new();
                let keys = o.keys().chain(t.keys().filter(|k| !o.contains_key(*k)));
                for key in keys.cloned().collect::<Vec<_>>() {
                    let name = key.as_str().map(str::to_string).unwrap_or_else(|| canonical(&key));
                    let child = if path.is_empty() { name } else { format!("{path}.{name}") };
                    if let Some(v) = self.merge(&child, b.get(&key), o.get(&key), t.get(&key)) {
                        out.insert(key, v);
                    }
                }
                Some(Value::Mapping(out))
            }
            (Some(Value::Sequence(o)), Some(Value::Sequence(t))) => {
                let empty = Vec::new();
                let b = match base {
                    Some(Value::Sequence(b)) => b,
                    None | Some(Value::Null) => &empty,
                    Some(_) => return Some(self.conflict(path, ours, theirs)),
                };
                // A list that only grew on both sides (notes, history) gets the union.
                if b.iter().all(|x| o.contains(x) && t.contains(x)) {
                    Some(Value::Sequence(union(b, o, t)))
                } else {
                    Some(self.conflict(path, ours, theirs))
                }
            }
            // Deleted on one side, changed on the other: the change is kept.
            (None, Some(t)) => Some(t.clone()),
            (Some(o), None) => Some(o.clone()),
            _ => Some(self.conflict(path, ours, theirs)),
        }
    }

    /// The winner of a field changed both ways; the other value is recorded.
    fn conflict(&mut self, path: &str, ours: Option<&Value>, theirs: Option<&Value>) -> Value {
        let ours = ours.cloned().unwrap_or(Value::Null);
        let theirs = theirs.cloned().unwrap_or(Value::Null);
        let key = |v: &Value, s: &Side| (s.at.unwrap_or(i64::MIN), canonical(v));
        let ours_wins = key(&ours, self.sides[0]) >= key(&theirs, self.sides[1]);
        let (kept, kept_side, other, other_side) = if ours_wins {
            (ours, self.sides[0], theirs, self.sides[1])
        } else {
            (theirs, self.sides[1], ours, self.sides[0])
        };
        let field = if path.is_empty() { "(record)".to_string() } else { path.to_string() };
        let mut entry = Mapping::new();
        entry.insert("field".into(), field.clone().into());
        entry.insert("kept".into(), described(&kept, kept_side, self.now));
        entry.insert("other".into(), described(&other, other_side, self.now));
        entry.insert("recorded_at".into(), self.recorded_at.into());
        self.entries.push(Value::Mapping(entry));
        self.conflicts.push(field);
        kept
    }
}

fn described(value: &Value, side: &Side, now: &Instant) -> Value {
    let mut m = Mapping::new();
    m.insert("value".into(), value.clone());
    if let Some(by) = &side.by {
        m.insert("by".into(), by.clone().into());
    }
    if let Some(at) = side.at.and_then(|s| chrono::DateTime::from_timestamp(s, 0)) {
        m.insert("at".into(), at.with_timezone(now.offset()).to_rfc3339().into());
    }
    Value::Mapping(m)
}

/// Every element of both sides once. Entries with a time (`at`: notes, history) all in
/// time order; others in the base's order, then what was added. The order does not depend
/// on which side is which, so merging again later finds the same list.
fn union(base: &[Value], ours: &[Value], theirs: &[Value]) -> Vec<Value> {
    let mut all: Vec<&Value> = ours.iter().chain(theirs.iter()).collect();
    if all.iter().all(|v| time_of(v).is_some()) {
        all.sort_by_key(|v| (time_of(v), canonical(v)));
        all.dedup();
        return all.into_iter().cloned().collect();
    }
    let mut added: Vec<&Value> = all.into_iter().filter(|v| !base.contains(v)).collect();
    added.sort_by_key(|v| canonical(v));
    added.dedup();
    base.iter().chain(added).cloned().collect()
}

fn time_of(v: &Value) -> Option<i64> {
    let at = v.get("at")?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(at).ok().map(|t| t.timestamp())
}

/// A stable text of a value, for ordering and comparing.
pub fn canonical(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Value {
        serde_yaml::from_str(s).unwrap()
    }

    fn now() -> Instant {
        chrono::DateTime::parse_from_rfc3339("2026-11-27T09:00:00+01:00").unwrap()
    }

    fn side(by: &str, at: i64) -> Side {
        Side { by: Some(by.into()), at: Some(at) }
    }

    const BASE: &str = "id: T-1\ntitle: Caldaia\npriority: normal\nassignee: null\nnotes:\n- {at: '2026-11-01T09:00:00+01:00', by: a, text: uno}\n";

    #[test]
    fn different_fields_are_both_kept_and_notes_are_united_in_time_order() {
        let ours = y(&BASE
            .replace("priority: normal", "priority: high")
            .replace("text: uno}\n", "text: uno}\n- {at: '2026-11-03T09:00:00+01:00', by: a, text: tre}\n"));
        let theirs = y(&BASE
            .replace("assignee: null", "assignee: marco")
            .replace("text: uno}\n", "text: uno}\n- {at: '2026-11-02T09:00:00+01:00', by: b, text: due}\n"));
        let m = merge_record(Some(&y(BASE)), &ours, &theirs, [&side("a", 1), &side("b", 2)], &now());
        assert!(m.conflicts.is_empty());
        assert_eq!(m.value["priority"], "high");
        assert_eq!(m.value["assignee"], "marco");
        let texts: Vec<&str> =
            m.value["notes"].as_sequence().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
        assert_eq!(texts, ["uno", "due", "tre"]);
        assert!(m.value.get(CONFLICTS).is_none());
    }

    #[test]
    fn the_same_field_changed_both_ways_converges_whichever_side_merges() {
        let ours = y(&BASE.replace("title: Caldaia", "title: Caldaia in blocco"));
        let theirs = y(&BASE.replace("title: Caldaia", "title: Caldaia rumorosa"));
        let (a, b) = (side("anna", 100), side("marco", 200));
        let one = merge_record(Some(&y(BASE)), &ours, &theirs, [&a, &b], &now());
        let two = merge_record(Some(&y(BASE)), &theirs, &ours, [&b, &a], &now());
        assert_eq!(one.value, two.value, "the result does not depend on who merges");
        assert_eq!(one.value["title"], "Caldaia rumorosa", "the later change wins");
        let c = &one.value[CONFLICTS][0];
        assert_eq!(c["field"], "title");
        assert_eq!(c["other"]["value"], "Caldaia in blocco");
        assert_eq!(c["other"]["by"], "anna");
        assert_eq!(one.conflicts, ["title"]);
    }

    #[test]
    fn a_list_merged_before_still_merges_as_a_list() {
        // ours already holds a merge that put its note before the base's.
        let base = y("notes:\n- {at: '2026-11-02T09:00:00Z', text: b}\n");
        let ours = y("notes:\n- {at: '2026-11-01T09:00:00Z', text: a}\n- {at: '2026-11-02T09:00:00Z', text: b}\n");
        let theirs = y("notes:\n- {at: '2026-11-02T09:00:00Z', text: b}\n- {at: '2026-11-03T09:00:00Z', text: c}\n");
        let m = merge_record(Some(&base), &ours, &theirs, [&Side::default(), &Side::default()], &now());
        assert!(m.conflicts.is_empty());
        let texts: Vec<&str> =
            m.value["notes"].as_sequence().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
        assert_eq!(texts, ["a", "b", "c"]);
    }

    #[test]
    fn a_field_deleted_on_one_side_and_changed_on_the_other_keeps_the_change() {
        let base = y("id: x\nextra_key: 1\n");
        let ours = y("id: x\n");
        let theirs = y("id: x\nextra_key: 2\n");
        let m = merge_record(Some(&base), &ours, &theirs, [&Side::default(), &Side::default()], &now());
        assert_eq!(m.value["extra_key"], 2);
    }

    #[test]
    fn random_edit_sequences_converge_and_lose_no_note() {
        // A small deterministic generator: xorshift.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..300 {
            let base = y(BASE);
            let mut sides = [base.clone(), base.clone()];
            let mut notes_added = Vec::new();
            for (s, doc) in sides.iter_mut().enumerate() {
                for _ in 0..next(4) {
                    match next(3) {
                        0 => doc["title"] = Value::from(format!("t{}", next(3))),
                        1 => doc["priority"] = Value::from(["low", "high", "urgent"][next(3) as usize]),
                        _ => {
                            let text = format!("note {s}-{}", next(1000));
                            let at = format!("2026-11-{:02}T09:00:00+01:00", 2 + next(20));
                            let mut note = Mapping::new();
                            note.insert("at".into(), at.into());
                            note.insert("by".into(), format!("s{s}").into());
                            note.insert("text".into(), text.clone().into());
                            doc["notes"].as_sequence_mut().unwrap().push(Value::Mapping(note));
                            notes_added.push(text);
                        }
                    }
                }
            }
            let (a, b) = (side("a", next(3) as i64), side("b", next(3) as i64));
            let one = merge_record(Some(&base), &sides[0], &sides[1], [&a, &b], &now());
            let two = merge_record(Some(&base), &sides[1], &sides[0], [&b, &a], &now());
            assert_eq!(one.value, two.value);
            let texts: Vec<&str> =
                one.value["notes"].as_sequence().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
            for t in &notes_added {
                assert!(texts.contains(&t.as_str()), "{t} lost");
            }
        }
    }
}
