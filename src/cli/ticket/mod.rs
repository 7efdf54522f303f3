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

use crate::ops::ticket::WarrantyFlag;
use crate::Result;

use super::Ctx;

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
    // A command that changes a ticket this clone's sync just renumbered: the id is the
    // remote's ticket now (a script's `id=$(tkt ticket create …)` with a cron sync between).
    let changes: Vec<&String> = match &cmd {
        // A customer renumbered too: the id is the remote's customer now.
        TicketCommand::Edit(a) => std::iter::once(&a.id).chain(&a.customer).collect(),
        TicketCommand::Note(a) => vec![&a.id],
        TicketCommand::Assign(a) => vec![&a.id],
        TicketCommand::Transition(a) => vec![&a.id],
        TicketCommand::Receive(a) => vec![&a.id],
        TicketCommand::Ship(a) => vec![&a.id],
        TicketCommand::Work(a) => vec![&a.id],
        TicketCommand::Invoice(a) if !a.dry_run => vec![&a.id],
        TicketCommand::Invoice(_) => vec![],
        TicketCommand::Job(a) => vec![&a.id],
        TicketCommand::Order(a) => vec![&a.id],
        TicketCommand::Create(a) => a.customer.iter().collect(),
        TicketCommand::List(_) | TicketCommand::Show(_) | TicketCommand::Log(_) => vec![],
    };
    for id in changes {
        ctx.refuse_renumbered(id)?;
    }
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
    pub fn flag(self) -> WarrantyFlag {
        match self {
            WarrantyArgs { warranty_override: Some(reason), .. } => WarrantyFlag::Override(reason),
            WarrantyArgs { warranty: true, .. } => WarrantyFlag::Yes,
            WarrantyArgs { no_warranty: true, .. } => WarrantyFlag::No,
            _ => WarrantyFlag::Unstated,
        }
    }
}
