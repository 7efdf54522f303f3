use std::collections::HashMap;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::desk::Desk;
use crate::model::{Customer, Priority, SequenceId, State, Ticket};
use crate::render::Format;
use crate::{Error, Result};

use super::super::{parse_date, Ctx, FormatArg};

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
    /// Only tickets opened on or after this day.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Only tickets opened on or before this day.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub until: Option<NaiveDate>,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortKey {
    Id,
    Opened,
    /// Most urgent first.
    Priority,
    Due,
    /// In catalog order.
    State,
    Customer,
    Assignee,
}

pub fn cmd_ticket_list(ctx: &Ctx, args: TicketListArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let catalog = desk.catalog()?;
    let states = super::super::split_list(&args.state);
    for s in &states {
        if !catalog.iter().any(|c| &c.id == s) {
            let known: Vec<&str> = catalog.iter().map(|c| c.id.as_str()).collect();
            return Err(Error::not_found("state", s).with_hint(format!("states: {}", known.join(", "))));
        }
    }
    let mut wheres = Vec::new();
    for w in &args.custom {
        let (name, value) =
            w.split_once('=').ok_or_else(|| Error::usage(format!("--where {w:?}: expected NAME=VALUE")))?;
        if !desk.config.fields.contains_key(name) {
            return Err(Error::usage(format!("--where {name}: no custom field {name:?} in tkt.toml")));
        }
        wheres.push((name.to_string(), value.to_string()));
    }
    let closed_state = |s: &str| catalog.iter().find(|c| c.id == s).is_some_and(|c| c.closed);
    let closed = |t: &Ticket| closed_state(&t.state);
    let text = args.text.as_ref().map(|t| t.to_lowercase());
    // State, customer and assignee are tested on the cache's index first, so that only
    // the tickets that can match are decoded.
    let may_match = |k: &[String]| match k {
        [state, customer, assignee] => {
            (states.is_empty() || states.contains(state))
                && (!args.open || !closed_state(state))
                && (!args.closed || closed_state(state))
                && args.customer.as_ref().is_none_or(|c| c == customer)
                && args.assignee.as_ref().is_none_or(|a| if a == "-" { assignee.is_empty() } else { a == assignee })
        }
        _ => true,
    };
    let mut tickets: Vec<Ticket> = desk.load_where(&may_match)?;
    tickets.retain(|t| {
        let opened = t.opened_at.date_naive();
        (states.is_empty() || states.contains(&t.state))
            && (!args.open || !closed(t))
            && (!args.closed || closed(t))
            && args.customer.as_ref().is_none_or(|c| &t.customer == c)
            && args.assignee.as_ref().is_none_or(|a| {
                if a == "-" {
                    t.assignee.is_none()
                } else {
                    t.assignee.as_ref() == Some(a)
                }
            })
            && args.priority.is_none_or(|p| t.priority == p)
            && args.item.as_ref().is_none_or(|i| t.item.as_ref() == Some(i))
            && args.serial.as_ref().is_none_or(|s| t.serial.as_ref() == Some(s))
            && args.warranty.is_none_or(|w| t.warranty == w)
            && args.since.is_none_or(|d| opened >= d)
            && args.until.is_none_or(|d| opened <= d)
            && text.as_ref().is_none_or(|q| {
                t.title.to_lowercase().contains(q) || t.problem.as_ref().is_some_and(|p| p.to_lowercase().contains(q))
            })
            && wheres.iter().all(|(name, value)| t.custom.get(name).is_some_and(|v| yaml_text(v) == *value))
    });
    sort(&mut tickets, args.sort, &catalog);
    if args.reverse {
        tickets.reverse();
    }
    if let Some(n) = args.limit {
        tickets.truncate(n);
    }
    print_tickets(ctx, &desk, args.format.format, &tickets)
}

fn sort(tickets: &mut [Ticket], key: SortKey, catalog: &[State]) {
    let id_key = |t: &Ticket| SequenceId::parse(&t.id).map(|s| (s.year, s.seq, s.series));
    match key {
        SortKey::Id => tickets.sort_by_cached_key(id_key),
        SortKey::Opened => tickets.sort_by_key(|t| t.opened_at),
        SortKey::Priority => tickets.sort_by_key(|t| std::cmp::Reverse(t.priority)),
        // Tickets without a due date come last.
        SortKey::Due => tickets.sort_by_key(|t| (t.due.is_none(), t.due)),
        SortKey::State => tickets.sort_by_key(|t| catalog.iter().position(|s| s.id == t.state)),
        SortKey::Customer => tickets.sort_by(|a, b| a.customer.cmp(&b.customer)),
        SortKey::Assignee => tickets.sort_by(|a, b| a.assignee.cmp(&b.assignee)),
    }
}

fn yaml_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).map(|s| s.trim().to_string()).unwrap_or_default(),
    }
}

/// Prints tickets; the table shows customer names, JSON/YAML/CSV the records.
pub fn print_tickets(ctx: &Ctx, desk: &Desk, format: Format, tickets: &[Ticket]) -> Result<()> {
    let names: HashMap<String, String> = if format == Format::Table {
        desk.load_all::<Customer>()?.into_iter().map(|c| (c.id, c.name)).collect()
    } else {
        HashMap::new()
    };
    let customer = |t: &Ticket| names.get(&t.customer).cloned().unwrap_or_else(|| t.customer.clone());
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    ctx.out().records(
        format,
        tickets,
        &[
            ("id", &|t: &Ticket| t.id.clone()),
            ("state", &|t: &Ticket| t.state.clone()),
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
