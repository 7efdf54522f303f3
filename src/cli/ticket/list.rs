use std::collections::HashMap;

use clap::Args;

use crate::desk::Desk;
use crate::model::{Priority, Ticket};
use crate::ops::query::{list_ticket_cells, list_tickets, SortKey, TicketQuery};
use crate::render::Format;
use crate::Result;

use super::super::{Ctx, FormatArg, Period};

#[derive(Debug, Args)]
pub struct TicketListArgs {
    /// Only tickets in these states (comma-separated, repeatable).
    #[arg(long, value_name = "STATES")]
    pub state: Vec<String>,
    /// Only tickets in a state that is not closed.
    #[arg(long, conflicts_with = "closed")]
    pub open: bool,
    /// Only tickets in a closed state.
    #[arg(long)]
    pub closed: bool,
    /// Only closed tickets that received an e-mail after they were closed (a reply after
    /// close, see `[intake] reopen` in tkt.toml).
    #[arg(long)]
    pub replied: bool,
    /// Only open tickets past their due day (due before today).
    #[arg(long, conflicts_with = "closed")]
    pub overdue: bool,
    /// Only tickets of this customer (C-0001).
    #[arg(long)]
    pub customer: Option<String>,
    /// Only tickets assigned to USER; `-` for unassigned ones.
    #[arg(long, value_name = "USER")]
    pub assignee: Option<String>,
    /// Only tickets of this priority.
    #[arg(long, value_enum)]
    pub priority: Option<Priority>,
    /// Only tickets about this item code.
    #[arg(long)]
    pub item: Option<String>,
    /// Only tickets about this unit (serial number).
    #[arg(long)]
    pub serial: Option<String>,
    /// Only warranty tickets (`--warranty false` for the others).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub warranty: Option<bool>,
    #[command(flatten)]
    pub period: Period,
    /// Only tickets whose title or problem contains TEXT (any case).
    #[arg(long)]
    pub text: Option<String>,
    /// Only tickets whose custom field NAME is VALUE (repeatable).
    #[arg(long = "where", value_name = "NAME=VALUE")]
    pub custom: Vec<String>,
    /// Sort by this key.
    #[arg(long, value_enum, default_value = "id")]
    pub sort: SortKey,
    /// Reverse the order.
    #[arg(long, short)]
    pub reverse: bool,
    /// Show at most N tickets.
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_ticket_list(ctx: &Ctx, args: TicketListArgs) -> Result<()> {
    let query = TicketQuery {
        states: super::super::split_list(&args.state),
        open: args.open,
        closed: args.closed,
        replied: args.replied,
        overdue_on: args.overdue.then(|| ctx.now.date_naive()),
        customer: args.customer,
        assignee: args.assignee,
        priority: args.priority,
        item: args.item,
        serial: args.serial,
        warranty: args.warranty,
        since: args.period.since,
        until: args.period.until,
        text: args.text,
        custom: args.custom,
        sort: args.sort,
        reverse: args.reverse,
        limit: args.limit,
    };
    let desk = ctx.open_desk()?;
    if args.format.format == Format::Csv {
        if let Some(rows) = list_ticket_cells(&desk, &query)? {
            return ctx.out().csv_cells(&rows);
        }
    }
    print_tickets(ctx, &desk, args.format.format, &list_tickets(&desk, &query)?)
}

/// Prints tickets; the table shows customer names, JSON/YAML/CSV the records.
pub fn print_tickets(ctx: &Ctx, desk: &Desk, format: Format, tickets: &[Ticket]) -> Result<()> {
    let names: HashMap<String, String> =
        if format == Format::Table { ctx.customer_names(desk)? } else { HashMap::new() };
    let customer = |t: &Ticket| names.get(&t.customer).cloned().unwrap_or_else(|| t.customer.clone());
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    ctx.out().optional(&["prio", "opened", "assignee", "w"]).records(
        format,
        tickets,
        &[
            ("id", &|t: &Ticket| t.id.clone()),
            ("state", &|t: &Ticket| t.state.clone()),
            // `!`: sync conflicts wait for a person (tkt ticket show lists them).
            ("!", &|t: &Ticket| {
                if crate::model::conflicts_in(&t.extra).is_empty() {
                    String::new()
                } else {
                    "!".into()
                }
            }),
            ("prio", &|t: &Ticket| t.priority.as_str().to_string()),
            ("opened", &|t: &Ticket| t.opened_at.date_naive().to_string()),
            ("customer", &customer),
            ("assignee", &|t: &Ticket| opt(&t.assignee)),
            ("w", &|t: &Ticket| if t.warranty { "W".into() } else { String::new() }),
            ("title", &|t: &Ticket| t.title.clone()),
        ],
    )?;
    if format == Format::Table && tickets.is_empty() {
        ctx.say("no tickets");
    }
    Ok(())
}
