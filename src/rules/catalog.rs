//! The state catalog: its consistency and the transitions it allows.

use std::collections::HashSet;

use crate::model::{HistoryEntry, Instant, State, Ticket};
use crate::{Error, Result};

use super::Problem;

/// The state new tickets start in: the one initial state, which is not closed.
pub fn initial_state(states: &[State]) -> Result<&State, Problem> {
    let initial: Vec<&State> = states.iter().filter(|s| s.initial).collect();
    match initial[..] {
        [one] if one.closed => Err(Problem::new(
            "initial",
            format!("the initial state {} is closed: new tickets would start closed", one.id),
        )),
        [one] => Ok(one),
        [] => Err(Problem::new("initial", "no state is initial; exactly one must be (`tkt state edit ID --initial`)")),
        _ => {
            let ids: Vec<&str> = initial.iter().map(|s| s.id.as_str()).collect();
            Err(Problem::new(
                "initial",
                format!("{} states are initial ({}); exactly one must be", ids.len(), ids.join(", ")),
            ))
        }
    }
}

/// Problems of a catalog: exactly one initial state, not closed, transitions to known states only.
pub fn check_catalog(states: &[State]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let ids: HashSet<&str> = states.iter().map(|s| s.id.as_str()).collect();
    problems.extend(initial_state(states).err());
    for s in states {
        for t in &s.transitions {
            if !ids.contains(t.as_str()) {
                problems.push(Problem::new(format!("{}.transitions", s.id), format!("unknown state {t:?}")));
            }
        }
    }
    problems
}

/// Moves a ticket to `to` if the catalog allows it, setting or clearing `closed_at` and
/// appending to history. A refusal names the allowed targets.
pub fn transition(
    ticket: &mut Ticket,
    catalog: &[State],
    to: &str,
    at: Instant,
    by: &str,
    note: Option<String>,
) -> Result<()> {
    // An id no state can have (`In-Lavorazione`) is refused as such (exit 4), as `state
    // show` refuses it — a typo, not a state that has not come by sync yet (found by a
    // scripting attack).
    crate::model::Kind::State.check_id(to)?;
    let target = catalog.iter().find(|s| s.id == to).ok_or_else(|| {
        let known: Vec<&str> = catalog.iter().map(|s| s.id.as_str()).collect();
        Error::not_found("state", to).with_hint(format!("states: {}", known.join(", ")))
    })?;
    let Some(current) = catalog.iter().find(|s| s.id == ticket.state) else {
        return Err(Error::refused(format!(
            "{}: its state {:?} is not in the catalog, so no transition is defined from it",
            ticket.id, ticket.state
        ))
        .with_hint(format!(
            "fix `state:` in the ticket's file, or create the state: tkt state create {}",
            ticket.state
        )));
    };
    let allowed = current.transitions.as_slice();
    if ticket.state == to {
        return Err(Error::refused(format!("{} is already {to}", ticket.id)));
    }
    if !allowed.iter().any(|a| a == to) {
        let list = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
        return Err(Error::refused(format!(
            "{}: cannot move from {} to {to}; allowed: {list}",
            ticket.id, ticket.state
        )));
    }
    let from = std::mem::replace(&mut ticket.state, to.to_string());
    ticket.closed_at = if target.closed { ticket.closed_at.or(Some(at)) } else { None };
    ticket.history.push(HistoryEntry {
        at,
        by: by.to_string(),
        from: Some(from),
        to: to.to_string(),
        note,
        extra: Default::default(),
    });
    Ok(())
}

/// Makes a merged ticket (a YAML value) consistent with its merged state: in a closed
/// state `closed_at` is set (kept, else the instant its history entered that state, else
/// `now`); in any other state it is cleared. A state the catalog does not know is left as
/// it is. Returns whether the ticket changed.
pub fn settle_closed_at(ticket: &mut serde_yaml::Value, catalog: &[State], now: &Instant) -> bool {
    let Some(state) = ticket.get("state").and_then(|s| s.as_str()).map(str::to_string) else { return false };
    let Some(closed) = catalog.iter().find(|s| s.id == state).map(|s| s.closed) else { return false };
    let current = ticket.get("closed_at").filter(|v| !v.is_null()).cloned();
    let settled = match (closed, current) {
        (false, _) => serde_yaml::Value::Null,
        (true, Some(at)) => at,
        (true, None) => ticket
            .get("history")
            .and_then(|h| h.as_sequence())
            .and_then(|h| h.iter().rev().find(|e| e.get("to").and_then(|t| t.as_str()) == Some(state.as_str())))
            .and_then(|e| e.get("at").cloned())
            .unwrap_or_else(|| now.to_rfc3339().into()),
    };
    let Some(map) = ticket.as_mapping_mut() else { return false };
    let key = serde_yaml::Value::from("closed_at");
    if map.get(&key) == Some(&settled) || (settled.is_null() && !map.contains_key(&key)) {
        return false;
    }
    map.insert(key, settled);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_catalog as catalog;

    #[test]
    fn the_default_catalog_is_valid() {
        assert_eq!(check_catalog(&catalog()), vec![]);
    }

    fn ticket(state: &str) -> Ticket {
        serde_yaml::from_str(&format!(
            "id: T-2026-0001\ntitle: x\ncustomer: C-0001\nstate: {state}\nopened_at: 2026-01-01T09:00:00+01:00\nopened_by: anna\n"
        ))
        .unwrap()
    }

    fn at() -> Instant {
        "2026-02-01T10:00:00+01:00".parse().unwrap()
    }

    #[test]
    fn entering_a_closed_state_sets_closed_at_and_reopening_clears_it() {
        let mut t = ticket("resolved");
        transition(&mut t, &catalog(), "closed", at(), "anna", None).unwrap();
        assert_eq!(t.closed_at, Some(at()));
        assert_eq!(t.history.last().unwrap().from.as_deref(), Some("resolved"));
        transition(&mut t, &catalog(), "in-progress", at(), "anna", Some("again".into())).unwrap();
        assert_eq!(t.closed_at, None);
        assert_eq!(t.history.len(), 2);
    }

    #[test]
    fn a_refused_transition_names_the_allowed_targets() {
        let mut t = ticket("new");
        let err = transition(&mut t, &catalog(), "closed", at(), "anna", None).unwrap_err();
        assert_eq!(err.exit_code(), 4);
        assert!(err.message.contains("allowed: in-progress, waiting-customer, cancelled"), "{}", err.message);
        assert_eq!(t.state, "new");
        assert!(t.history.is_empty());
    }

    #[test]
    fn catalogs_need_one_initial_state_and_known_targets() {
        let mut states = catalog();
        states[1].initial = true;
        states[2].transitions.push("nowhere".into());
        let problems = check_catalog(&states);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].to_string().contains("\"nowhere\""));
        for s in &mut states {
            s.initial = false;
        }
        assert!(check_catalog(&states)[0].message.contains("no state is initial"));
    }
}
