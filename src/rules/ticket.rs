//! The consistency of one ticket with the records it points at.

use crate::model::Config;
use crate::model::{Equipment, Item, State, Ticket};

use super::{check_custom, check_serial, Problem};

/// The records a ticket refers to, resolved by the caller (from files or from memory).
pub struct TicketRefs<'a> {
    pub state: Option<&'a State>,
    pub customer_exists: bool,
    /// `None` when the ticket names no item; `Some(None)` when it names an unknown one.
    pub item: Option<Option<&'a Item>>,
    /// The unit and its item, when the ticket names a serial.
    pub unit: Option<Option<(&'a Equipment, Option<&'a Item>)>>,
    /// Whether the ticket's serial is the one it had (a check of the desk, an edit that
    /// leaves it): a closed ticket keeps a unit handed to another owner since.
    pub kept_unit: bool,
}

/// Whether a ticket's `closed_at` disagrees with its state (lists, reports and check agree
/// on what is open only if it says it too): `tkt check` names it.
pub fn closed_at_problem(t: &Ticket, state: &State) -> Option<Problem> {
    match (state.closed, t.closed_at.is_some()) {
        (true, false) => Some(Problem::new("closed_at", format!("missing, in the closed state {}", state.id))),
        (false, true) => Some(Problem::new("closed_at", format!("set, in the open state {}", state.id))),
        _ => None,
    }
}

/// A field printed on a line of its own (a title, an assignee) that holds a line break
/// (other control characters, a stranger's escape sequences, are shown as symbols).
pub fn one_line(field: &str, value: &str) -> Option<Problem> {
    let breaks = |c: char| matches!(c, '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}');
    value.contains(breaks).then(|| Problem::new(field, "must be one line, without line breaks"))
}

/// Problems of a ticket: unknown state, customer, item or serial, a serial that does not
/// fit the ticket, and custom fields that do not fit their declaration.
pub fn check_ticket(t: &Ticket, config: &Config, refs: &TicketRefs) -> Vec<Problem> {
    let mut problems = Vec::new();
    if t.title.trim().is_empty() {
        problems.push(Problem::new("title", "must not be empty"));
    }
    // One line each, as lists and `ticket show` print them: a line break would forge a line
    // of the view (found by a scripting attack: a title made `ticket show` print a state).
    let fields = [("title", Some(&t.title)), ("assignee", t.assignee.as_ref()), ("category", t.category.as_ref())];
    problems.extend(fields.into_iter().filter_map(|(field, value)| one_line(field, value?)));
    if refs.state.is_none() {
        problems.push(Problem::new("state", format!("unknown state {:?}", t.state)));
    }
    // A closed ticket was its customer's unit's: the unit may have changed hands since (a
    // serial newly set on it is held to the customer, as on any ticket).
    let closed = refs.kept_unit && refs.state.is_some_and(|s| s.closed);
    if !refs.customer_exists {
        problems.push(Problem::new("customer", format!("unknown customer {:?}", t.customer)));
    }
    if let (Some(None), Some(item)) = (refs.item, &t.item) {
        problems.push(Problem::new("item", format!("unknown item {item:?}")));
    }
    if let Some(serial) = &t.serial {
        if !config.features.serial_numbers {
            problems.push(Problem::new(
                "serial",
                "serial numbers are off in this desk (set features.serial_numbers = true in tkt.toml)",
            ));
        } else {
            match refs.unit {
                Some(Some((unit, Some(unit_item)))) => {
                    let owner = if closed { unit.customer.as_str() } else { t.customer.as_str() };
                    problems.extend(check_serial(owner, t.item.as_deref(), unit, unit_item))
                }
                Some(Some((unit, None))) => {
                    problems.push(Problem::new("serial", format!("{serial} is a unit of unknown item {:?}", unit.item)))
                }
                _ => problems.push(Problem::new(
                    "serial",
                    format!("unknown serial {serial:?} (register it with `tkt equipment create`)"),
                )),
            }
        }
    }
    problems.extend(check_custom(&t.custom, &config.fields));
    problems
}
