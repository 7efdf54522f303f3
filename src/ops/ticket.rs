//! The life of a ticket: open it (checked against the desk, its warranty decided), note,
//! assign, move it through the state catalog, edit it.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};

use crate::model::{DocKind, Equipment, HistoryEntry, Item, Kind, Note, Priority, Ticket};
use crate::rules::{check_ticket, parse_custom, refuse_if_any, transition as move_ticket, warranty_covers, TicketRefs};
use crate::{Error, Result};

use super::edit::{edit_record, save_edit};
use super::{optional, Env};

/// What the user said about warranty work, on create, promote and edit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum WarrantyFlag {
    /// Nothing: a unit in warranty marks a new ticket by itself.
    #[default]
    Unstated,
    /// Warranty work: refused unless the unit's warranty covers the opening date.
    Yes,
    /// Not warranty work, even when the unit is in warranty.
    No,
    /// Warranty work although the unit's warranty does not cover it, for this reason
    /// (written to the ticket's history).
    Override(String),
}

/// What a new ticket is made of, from `ticket create` or from a promoted request.
#[derive(Debug, Clone, Default)]
pub struct TicketDraft {
    pub title: String,
    /// Taken from the unit when left out.
    pub customer: Option<String>,
    pub item: Option<String>,
    pub serial: Option<String>,
    pub warranty: WarrantyFlag,
    pub priority: Priority,
    pub category: Option<String>,
    pub assignee: Option<String>,
    pub problem: Option<String>,
    pub due: Option<NaiveDate>,
    /// Custom fields as `NAME=VALUE`.
    pub set: Vec<String>,
    pub request: Option<String>,
}

/// Opens a ticket and commits it as `<ID>: new ticket for <customer>: <title>`.
pub fn create(env: &Env, draft: TicketDraft) -> Result<Ticket> {
    let _lock = env.lock()?;
    let (ticket, path) = open_ticket(env, draft)?;
    env.commit(&[path], &format!("{}: new ticket for {}: {}", ticket.id, ticket.customer, ticket.title))?;
    Ok(ticket)
}

/// Opens a ticket in the catalog's initial state: checks it against the desk, decides its
/// warranty, gives it the next number and writes it. The caller holds the lock and commits
/// the returned path.
pub fn open_ticket(env: &Env, draft: TicketDraft) -> Result<(Ticket, PathBuf)> {
    let desk = &env.desk;
    require_serials(env, draft.serial.as_ref())?;
    let unit: Option<Equipment> =
        match &draft.serial {
            Some(s) => Some(desk.get(s)?.ok_or_else(|| {
                Error::not_found("serial", s).with_hint("register the unit with `tkt equipment create`")
            })?),
            None => None,
        };
    let customer = draft
        .customer
        .or_else(|| unit.as_ref().map(|u| u.customer.clone()))
        .ok_or_else(|| Error::usage("a ticket needs --customer (or --serial of a registered unit)"))?;
    let catalog = desk.catalog()?;
    let initial = crate::rules::initial_state(&catalog).map_err(|p| {
        Error::refused(format!("the state catalog: {}", p.message))
            .with_hint("mark the state new tickets start in with `tkt state edit ID --initial` (not closed)")
    })?;
    let mut ticket = Ticket {
        id: String::new(),
        title: draft.title.trim().to_string(),
        customer,
        state: initial.id.clone(),
        opened_at: env.now,
        opened_by: env.actor().to_string(),
        priority: draft.priority,
        category: draft.category.and_then(optional),
        assignee: draft.assignee.and_then(nobody_is_none),
        request: draft.request,
        item: draft.item.or_else(|| unit.as_ref().map(|u| u.item.clone())),
        serial: draft.serial,
        warranty: false,
        problem: draft.problem,
        solution: None,
        due: draft.due,
        closed_at: None,
        custom: Default::default(),
        notes: vec![],
        history: vec![],
        extra: Default::default(),
    };
    apply_custom(env, &mut ticket, &draft.set)?;
    check_against_desk(env, &ticket, None)?;
    let override_note = decide_warranty(env, &mut ticket, &draft.warranty, true)?;
    ticket.history.push(HistoryEntry {
        at: env.now,
        by: env.actor().to_string(),
        from: None,
        to: initial.id.clone(),
        note: override_note,
        extra: Default::default(),
    });
    ticket.id = desk.next_id(Kind::Ticket, Some(env.now.year()), None)?;
    let path = desk.write(&ticket)?;
    env.say(format!("Opened {} ({}) for {}", ticket.id, initial.name, ticket.customer));
    Ok((ticket, path))
}

/// Adds a note by the actor; returns how many notes the ticket has.
pub fn note(env: &Env, id: &str, text: String) -> Result<usize> {
    let _lock = env.lock()?;
    let mut ticket: Ticket = env.desk.load(id)?;
    if text.trim().is_empty() {
        return Err(Error::refused("the note is empty"));
    }
    ticket.notes.push(Note::new(env.now, env.actor(), text));
    let path = env.desk.write(&ticket)?;
    env.commit(&[path], &format!("{}: note", ticket.id))?;
    env.say(format!("{}: note added ({} in all)", ticket.id, ticket.notes.len()));
    Ok(ticket.notes.len())
}

/// An assignee as given: nobody however it is written (empty, or `-` as lists show it).
fn nobody_is_none(assignee: String) -> Option<String> {
    optional(assignee).filter(|a| a != "-")
}

/// Assigns the ticket to `assignee` (None: nobody); nothing is written when it already is.
pub fn assign(env: &Env, id: &str, assignee: Option<String>) -> Result<()> {
    // Nobody is nobody however it is written: `""` and `-` (as lists show it) unassign.
    let assignee = assignee.and_then(nobody_is_none);
    let _lock = env.lock()?;
    let mut ticket: Ticket = env.desk.load(id)?;
    let label = env.desk.path_of(Kind::Ticket, id)?.display().to_string();
    crate::rules::refuse_if_any(
        &label,
        assignee.as_deref().and_then(|a| crate::rules::one_line("assignee", a)).into_iter().collect(),
    )?;
    if ticket.assignee == assignee {
        env.say(format!("{}: nothing changed", ticket.id));
        return Ok(());
    }
    ticket.assignee = assignee.clone();
    let path = env.desk.write(&ticket)?;
    let what = match &assignee {
        Some(a) => format!("assign {a}"),
        None => "unassign".to_string(),
    };
    env.commit(&[path], &format!("{}: {what}", ticket.id))?;
    env.say(format!("{}: {what}", ticket.id));
    Ok(())
}

/// Moves the ticket to `state` as the catalog allows, with an optional note in its history.
pub fn transition(env: &Env, id: &str, state: &str, note: Option<String>) -> Result<Ticket> {
    let _lock = env.lock()?;
    let mut ticket: Ticket = env.desk.load(id)?;
    let catalog = env.desk.catalog()?;
    let from = ticket.state.clone();
    move_ticket(&mut ticket, &catalog, state, env.now, env.actor(), note.filter(|n| !n.trim().is_empty()))?;
    let path = env.desk.write(&ticket)?;
    env.commit(&[path], &format!("{}: transition {from} -> {}", ticket.id, ticket.state))?;
    let closed = if ticket.closed_at.is_some() { " (closed)" } else { "" };
    env.say(format!("{}: {from} -> {}{closed}", ticket.id, ticket.state));
    Ok(ticket)
}

/// Changes to a ticket's fields; `None` leaves a field alone, empty text clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketChanges {
    pub title: Option<String>,
    pub customer: Option<String>,
    pub item: Option<String>,
    pub serial: Option<String>,
    pub warranty: WarrantyFlag,
    pub priority: Option<Priority>,
    pub category: Option<String>,
    pub assignee: Option<String>,
    pub problem: Option<String>,
    pub solution: Option<String>,
    pub due: Option<NaiveDate>,
    /// Custom fields as `NAME=VALUE`; an empty value removes the field.
    pub set: Vec<String>,
    /// Optional fields to empty.
    pub clear: Vec<String>,
    /// Sync conflicts to mark resolved (`all` for every one).
    pub resolve: Vec<String>,
}

/// Edits a ticket's fields, checked against the desk; its warranty is decided again when
/// the serial changes.
pub fn edit(env: &Env, id: &str, changes: TicketChanges) -> Result<()> {
    let change = |before: &Ticket| {
        let c = changes;
        require_serials(env, c.serial.as_ref())?;
        let mut after = before.clone();
        if let Some(t) = c.title {
            after.title = t.trim().to_string();
        }
        if let Some(v) = c.customer {
            after.customer = v.trim().to_string();
        }
        if let Some(i) = c.item {
            after.item = optional(i);
        }
        if let Some(s) = c.serial {
            after.serial = optional(s);
        }
        if let Some(p) = c.priority {
            after.priority = p;
        }
        if let Some(v) = c.category {
            after.category = optional(v);
        }
        if let Some(a) = c.assignee {
            after.assignee = nobody_is_none(a);
        }
        if let Some(p) = c.problem {
            after.problem = optional(p);
        }
        if let Some(s) = c.solution {
            after.solution = optional(s);
        }
        if let Some(d) = c.due {
            after.due = Some(d);
        }
        for field in &c.clear {
            match field.as_str() {
                "category" => after.category = None,
                "assignee" => after.assignee = None,
                "item" => after.item = None,
                "serial" => after.serial = None,
                "problem" => after.problem = None,
                "solution" => after.solution = None,
                "due" => after.due = None,
                other => {
                    return Err(Error::usage(format!(
                    "--clear {other}: not an optional field (category, assignee, item, serial, problem, solution, due)"
                )))
                }
            }
        }
        apply_custom(env, &mut after, &c.set)?;
        resolve_conflicts(&mut after, &c.resolve)?;
        refuse_moving_documents(env, before, &after)?;
        check_against_desk(env, &after, Some(before))?;
        let serial_changed = after.serial != before.serial;
        if let Some(note) = decide_warranty(env, &mut after, &c.warranty, serial_changed)? {
            let entry = event(env, &after, note);
            after.history.push(entry);
        }
        Ok(after)
    };
    edit_record(env, id, change, |_, _| Ok(vec![]))
}

/// Saves a ticket edited by hand (in `$EDITOR`): the state may not move around the
/// catalog's rules, and the warranty flag may not be set on a unit out of warranty.
pub fn edit_by_hand(env: &Env, id: &str, edited: impl FnOnce(&Ticket) -> Result<Ticket>) -> Result<()> {
    let _lock = env.lock()?;
    let before: Ticket = env.desk.load(id)?;
    let mut after = edited(&before)?;
    // A note added in the editor is the editor's, written now: no one else's, no other day.
    for note in after.notes.iter_mut().skip(before.notes.len()) {
        note.by = env.actor().to_string();
        note.at = env.now;
    }
    save_edit(env, &before, &after, |after| {
        if after.state != before.state {
            return Err(Error::refused(format!("{}: the state cannot be changed by an edit", before.id))
                .with_hint(format!("use `tkt ticket transition {} {}`", before.id, after.state)));
        }
        // What happened is not edited: when and by whom it was opened and closed, its
        // history, and who wrote each note when (a note's text may be corrected; new
        // notes may be added, none taken away).
        let written = |t: &Ticket| t.notes.iter().map(|n| (n.at, n.by.clone())).collect::<Vec<_>>();
        let guarded = [
            ("opened_at", after.opened_at != before.opened_at),
            ("opened_by", after.opened_by != before.opened_by),
            ("closed_at", after.closed_at != before.closed_at),
            ("history", after.history != before.history),
            ("notes", !written(after).starts_with(&written(&before))),
        ];
        if let Some((field, _)) = guarded.iter().find(|(_, changed)| *changed) {
            return Err(Error::refused(format!(
                "{}: {field} records what happened and cannot be changed by an edit",
                before.id
            ))
            .with_hint(format!("add a note instead: tkt ticket note {} TEXT", before.id)));
        }
        refuse_moving_documents(env, &before, after)?;
        check_against_desk(env, after, Some(&before))?;
        if after.warranty && (!before.warranty || after.serial != before.serial) {
            let mut probe = after.clone();
            decide_warranty(env, &mut probe, &WarrantyFlag::Yes, false)?;
        }
        Ok(vec![])
    })
}

/// Sets the warranty flag from the user's word and the unit (DESIGN §5). With `auto`, a
/// unit in warranty marks the ticket without a word. Returns the history note of an
/// override.
fn decide_warranty(env: &Env, t: &mut Ticket, flag: &WarrantyFlag, auto: bool) -> Result<Option<String>> {
    let desk = &env.desk;
    let unit: Option<Equipment> = match (&t.serial, desk.config.features.serial_numbers) {
        (Some(serial), true) => desk.get(serial)?,
        _ => None,
    };
    let opened = t.opened_at.date_naive();
    let covered = unit.as_ref().map(|u| warranty_covers(u, opened));
    let until = |u: &Equipment| u.warranty_until.map(|d| d.to_string()).unwrap_or_else(|| "none".into());
    match flag {
        WarrantyFlag::No => t.warranty = false,
        WarrantyFlag::Override(reason) => {
            t.warranty = true;
            let ended =
                unit.as_ref().map(|u| format!(" (warranty of {} until {})", u.serial, until(u))).unwrap_or_default();
            return Ok(Some(format!("warranty override: {}{ended}", reason.trim())));
        }
        WarrantyFlag::Yes => match (&unit, covered) {
            (Some(_), Some(true)) => t.warranty = true,
            (Some(u), _) => {
                return Err(Error::refused(format!(
                    "{}: the warranty of {} (until {}) does not cover {opened}",
                    shown_id(t),
                    u.serial,
                    until(u)
                ))
                .with_hint("use --warranty-override REASON to mark it as warranty work anyway"))
            }
            (None, _) if !desk.config.features.serial_numbers => t.warranty = true,
            (None, _) => {
                return Err(Error::refused("--warranty needs --serial, to check the unit's warranty")
                    .with_hint("give the unit with --serial, or use --warranty-override REASON"))
            }
        },
        WarrantyFlag::Unstated if auto => match (&unit, covered) {
            (Some(u), Some(true)) => {
                t.warranty = true;
                env.say(format!(
                    "{} is in warranty until {}: marked as warranty work (--no-warranty to not)",
                    u.serial,
                    until(u)
                ));
            }
            // The unit changed to one out of warranty, or went: the work is no longer
            // warranty work by the unit's word (an override says why it is).
            _ if t.warranty && desk.config.features.serial_numbers => {
                t.warranty = false;
                let why = match &unit {
                    Some(u) => format!("the warranty of {} (until {}) does not cover {opened}", u.serial, until(u)),
                    None => "it names no unit".to_string(),
                };
                env.say(format!(
                    "{}: no longer warranty work: {why} (--warranty-override REASON to keep it)",
                    shown_id(t)
                ));
            }
            _ => {}
        },
        WarrantyFlag::Unstated => {}
    }
    Ok(None)
}

/// A ticket's id for messages; a ticket being created has none yet.
fn shown_id(t: &Ticket) -> &str {
    if t.id.is_empty() {
        "new ticket"
    } else {
        &t.id
    }
}

/// Checks a ticket against the records it names, as stored in the desk; `before`, the
/// ticket as stored when it is edited.
fn check_against_desk(env: &Env, t: &Ticket, before: Option<&Ticket>) -> Result<()> {
    let desk = &env.desk;
    let catalog = desk.catalog()?;
    let item: Option<Item> = match &t.item {
        Some(code) => desk.get(code)?,
        None => None,
    };
    let unit: Option<Equipment> = match &t.serial {
        Some(serial) => desk.get(serial)?,
        None => None,
    };
    let unit_item: Option<Item> = match &unit {
        Some(u) => desk.get(&u.item)?,
        None => None,
    };
    // A customer or item that does not exist is "not found" (exit 3), as everywhere.
    Kind::Customer.check_id(&t.customer)?;
    if !desk.exists(Kind::Customer, &t.customer) {
        return Err(Error::not_found("customer", &t.customer));
    }
    if let (Some(code), None) = (&t.item, &item) {
        return Err(Error::not_found("item", code));
    }
    if let (Some(serial), None, true) = (&t.serial, &unit, desk.config.features.serial_numbers) {
        return Err(Error::not_found("unit", serial));
    }
    let refs = TicketRefs {
        state: catalog.iter().find(|s| s.id == t.state),
        customer_exists: true,
        item: t.item.as_ref().map(|_| item.as_ref()),
        unit: t.serial.as_ref().map(|_| unit.as_ref().map(|u| (u, unit_item.as_ref()))),
        kept_unit: before.is_some_and(|b| b.serial == t.serial),
    };
    refuse_if_any(&format!("ticket {}", shown_id(t)), check_ticket(t, &desk.config, &refs))
}

/// A ticket's documents are its customer's (each names it): once it has any, its
/// customer stays.
fn refuse_moving_documents(env: &Env, before: &Ticket, after: &Ticket) -> Result<()> {
    if after.customer == before.customer {
        return Ok(());
    }
    let docs = env.desk.documents_pointing_at(&before.id, &DocKind::ALL)?;
    let own: Vec<&crate::model::Document> =
        docs.iter().filter(|d| d.ticket.as_deref() == Some(before.id.as_str())).collect();
    // Back to the customer its documents are all for (a ticket moved by hand or by a
    // merge, as `ticket invoice` says to do; found by an office attack: that was refused).
    let others: Vec<&crate::model::Document> = own.iter().copied().filter(|d| d.customer != after.customer).collect();
    if others.is_empty() {
        return Ok(());
    }
    let mut customers: Vec<&str> = others.iter().map(|d| d.customer.as_str()).collect();
    customers.sort_unstable();
    customers.dedup();
    Err(Error::refused(format!(
        "{}: its customer cannot change: it has documents of {} ({})",
        before.id,
        customers.join(", "),
        others.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
    ))
    .with_hint("open a new ticket for the other customer"))
}

/// Applies `NAME=VALUE` custom fields (an empty value removes the field).
fn apply_custom(env: &Env, t: &mut Ticket, sets: &[String]) -> Result<()> {
    let fields = &env.desk.config.fields;
    for set in sets {
        let (name, value) =
            set.split_once('=').ok_or_else(|| Error::usage(format!("--set {set:?}: expected NAME=VALUE")))?;
        let name = name.trim();
        // An empty value removes the field, also one tkt.toml no longer declares (a review:
        // it could not be taken off, and every edit of the ticket was refused).
        if value.is_empty() && t.custom.remove(name).is_some() {
            continue;
        }
        let def = fields.get(name).ok_or_else(|| {
            let known: Vec<&str> = fields.keys().map(String::as_str).collect();
            let list = if known.is_empty() { "none declared".to_string() } else { known.join(", ") };
            Error::refused(format!("--set {name}: no custom field {name:?} in tkt.toml (fields: {list})"))
                .with_hint(format!("declare it under [fields.{name}] in tkt.toml"))
        })?;
        if value.is_empty() {
            t.custom.remove(name);
        } else {
            t.custom.insert(name.to_string(), parse_custom(name, def, value).map_err(Error::refused)?);
        }
    }
    Ok(())
}

/// A history entry that records an event without a state change.
fn event(env: &Env, t: &Ticket, note: String) -> HistoryEntry {
    HistoryEntry {
        at: env.now,
        by: env.actor().to_string(),
        from: Some(t.state.clone()),
        to: t.state.clone(),
        note: Some(note),
        extra: Default::default(),
    }
}

/// Refuses a serial when serial numbers are off.
fn require_serials(env: &Env, serial: Option<&String>) -> Result<()> {
    if serial.is_some() && !env.desk.config.features.serial_numbers {
        return Err(Error::refused("--serial: serial numbers are off in this desk")
            .with_hint("set `serial_numbers = true` under [features] in tkt.toml"));
    }
    Ok(())
}

/// Drops the recorded sync conflicts on the named fields (or all of them).
fn resolve_conflicts(ticket: &mut Ticket, fields: &[String]) -> Result<()> {
    crate::model::resolve_conflicts(&mut ticket.extra, fields)
        .map_err(|why| Error::refused(format!("{} {why}", ticket.id)))
}
