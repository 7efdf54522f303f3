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
}

/// Problems of a ticket: unknown state, customer, item or serial, a serial that does not
/// fit the ticket, and custom fields that do not fit their declaration.
pub fn check_ticket(t: &Ticket, config: &Config, refs: &TicketRefs) -> Vec<Problem> {
    let mut problems = Vec::new();
    if t.title.trim().is_empty() {
        problems.push(Problem::new("title", "must not be empty"));
    }
    match refs.state {
        None => problems.push(Problem::new("state", format!("unknown state {:?}", t.state))),
        // Lists, reports and check agree on what is open only if `closed_at` says it too.
        Some(s) if s.closed && t.closed_at.is_none() => {
            problems.push(Problem::new("closed_at", format!("missing, in the closed state {}", s.id)))
        }
        Some(s) if !s.closed && t.closed_at.is_some() => {
            problems.push(Problem::new("closed_at", format!("set, in the open state {}", s.id)))
        }
        Some(_) => {}
    }
    // A closed ticket was its customer's unit's: the unit may have changed hands since.
    let closed = refs.state.is_some_and(|s| s.closed);
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
