//! `tkt ticket`: the life of a ticket, one file per command.

mod assign;
mod create;
mod edit;
mod invoice;
mod list;
mod log;
mod note;
mod orders;
mod receive;
mod ship;
mod show;
mod transition;
mod work;

use clap::{Args, Subcommand};

use crate::desk::Desk;
use crate::model::{Equipment, HistoryEntry, Item, Kind, Ticket};
use crate::rules::{check_ticket, parse_custom, refuse_if_any, warranty_covers, TicketRefs};
use crate::{Error, Result};

use super::Ctx;

pub use create::{open_ticket, TicketDraft};
pub use list::print_tickets;

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  tkt ticket create --serial CV24-104233 --title 'Caldaia in blocco' --priority high
  tkt ticket list --open --assignee marco
  tkt ticket transition T-2026-0020 diagnosi -m 'Sul posto'
  tkt ticket list --open --format json | jq -r '.[].id'")]
pub enum TicketCommand {
    /// Open a ticket; prints its id.
    Create(create::TicketCreateArgs),
    /// List tickets, filtered and sorted.
    List(list::TicketListArgs),
    /// Show a ticket with its notes and history.
    Show(show::TicketShowArgs),
    /// Change fields of a ticket; $EDITOR without flags.
    Edit(edit::TicketEditArgs),
    /// Add a note to a ticket.
    Note(note::TicketNoteArgs),
    /// Assign a ticket to a technician (yourself by default).
    Assign(assign::TicketAssignArgs),
    /// Move a ticket to another state, as the catalog allows.
    Transition(transition::TicketTransitionArgs),
    /// Who changed what and when, field by field, from git history.
    Log(log::TicketLogArgs),
    /// Receive the customer's item: a delivery note in (DDT di ricevimento).
    Receive(receive::TicketReceiveArgs),
    /// Send an item: a delivery note out for a sale, a return or a replacement.
    Ship(ship::TicketShipArgs),
    /// Write a work report (rapporto di intervento): hours, travel, materials, outcome.
    Work(work::TicketWorkArgs),
    /// Invoice what is not yet invoiced: work reports and sales; warranty work at 0.00.
    Invoice(invoice::TicketInvoiceArgs),
    /// Open a job order (commessa) with its budget.
    Job(orders::TicketJobArgs),
    /// Take a customer order (ordine cliente) for goods.
    Order(orders::TicketOrderArgs),
}

pub fn run(ctx: &Ctx, cmd: TicketCommand) -> Result<()> {
    match cmd {
        TicketCommand::Create(a) => create::cmd_ticket_create(ctx, a),
        TicketCommand::List(a) => list::cmd_ticket_list(ctx, a),
        TicketCommand::Show(a) => show::cmd_ticket_show(ctx, a),
        TicketCommand::Edit(a) => edit::cmd_ticket_edit(ctx, a),
        TicketCommand::Note(a) => note::cmd_ticket_note(ctx, a),
        TicketCommand::Assign(a) => assign::cmd_ticket_assign(ctx, a),
        TicketCommand::Transition(a) => transition::cmd_ticket_transition(ctx, a),
        TicketCommand::Log(a) => log::cmd_ticket_log(ctx, a),
        TicketCommand::Receive(a) => receive::cmd_ticket_receive(ctx, a),
        TicketCommand::Ship(a) => ship::cmd_ticket_ship(ctx, a),
        TicketCommand::Work(a) => work::cmd_ticket_work(ctx, a),
        TicketCommand::Invoice(a) => invoice::cmd_ticket_invoice(ctx, a),
        TicketCommand::Job(a) => orders::cmd_ticket_job(ctx, a),
        TicketCommand::Order(a) => orders::cmd_ticket_order(ctx, a),
    }
}

/// How the warranty flag is set, shared by create and edit.
#[derive(Debug, Args, Default)]
#[group(multiple = false)]
pub struct WarrantyArgs {
    /// Warranty work: refused unless the unit's warranty covers the opening date.
    #[arg(long)]
    pub warranty: bool,
    /// Not warranty work, even when the unit is in warranty.
    #[arg(long)]
    pub no_warranty: bool,
    /// Warranty work although the unit's warranty does not cover it; the reason goes to
    /// the ticket's history.
    #[arg(long, value_name = "REASON")]
    pub warranty_override: Option<String>,
}

impl WarrantyArgs {
    fn given(&self) -> bool {
        self.warranty || self.no_warranty || self.warranty_override.is_some()
    }
}

/// Sets the warranty flag from the flags and the unit (DESIGN §5). With `auto`, a unit in
/// warranty marks the ticket without a flag. Returns the history note of an override.
fn decide_warranty(ctx: &Ctx, desk: &Desk, t: &mut Ticket, args: &WarrantyArgs, auto: bool) -> Result<Option<String>> {
    let unit: Option<Equipment> = match (&t.serial, desk.config.features.serial_numbers) {
        (Some(serial), true) => desk.get(serial)?,
        _ => None,
    };
    let opened = t.opened_at.date_naive();
    let covered = unit.as_ref().map(|u| warranty_covers(u, opened));
    let until = |u: &Equipment| u.warranty_until.map(|d| d.to_string()).unwrap_or_else(|| "none".into());
    if args.no_warranty {
        t.warranty = false;
    } else if let Some(reason) = &args.warranty_override {
        t.warranty = true;
        let ended =
            unit.as_ref().map(|u| format!(" (warranty of {} until {})", u.serial, until(u))).unwrap_or_default();
        return Ok(Some(format!("warranty override: {}{ended}", reason.trim())));
    } else if args.warranty {
        match (&unit, covered) {
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
        }
    } else if auto {
        if let (Some(u), Some(true)) = (&unit, covered) {
            t.warranty = true;
            ctx.say(format!(
                "{} is in warranty until {}: marked as warranty work (--no-warranty to not)",
                u.serial,
                until(u)
            ));
        }
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

/// Checks a ticket against the records it names, as stored in the desk.
fn check_against_desk(desk: &Desk, t: &Ticket) -> Result<()> {
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
    let refs = TicketRefs {
        state: catalog.iter().find(|s| s.id == t.state),
        customer_exists: desk.exists(Kind::Customer, &t.customer),
        item: t.item.as_ref().map(|_| item.as_ref()),
        unit: t.serial.as_ref().map(|_| unit.as_ref().map(|u| (u, unit_item.as_ref()))),
    };
    refuse_if_any(&format!("ticket {}", shown_id(t)), check_ticket(t, &desk.config, &refs))
}

/// Applies `--set NAME=VALUE` (an empty value removes the field).
fn apply_custom(desk: &Desk, t: &mut Ticket, sets: &[String]) -> Result<()> {
    for set in sets {
        let (name, value) =
            set.split_once('=').ok_or_else(|| Error::usage(format!("--set {set:?}: expected NAME=VALUE")))?;
        let name = name.trim();
        let def = desk.config.fields.get(name).ok_or_else(|| {
            let known: Vec<&str> = desk.config.fields.keys().map(String::as_str).collect();
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
fn event(t: &Ticket, ctx: &Ctx, actor: &str, note: String) -> HistoryEntry {
    HistoryEntry {
        at: ctx.now,
        by: actor.to_string(),
        from: Some(t.state.clone()),
        to: t.state.clone(),
        note: Some(note),
        extra: Default::default(),
    }
}

/// Refuses `--serial` when serial numbers are off.
fn require_serials(desk: &Desk, serial: Option<&String>) -> Result<()> {
    if serial.is_some() && !desk.config.features.serial_numbers {
        return Err(Error::refused("--serial: serial numbers are off in this desk")
            .with_hint("set `serial_numbers = true` under [features] in tkt.toml"));
    }
    Ok(())
}
