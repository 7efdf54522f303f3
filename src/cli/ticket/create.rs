use chrono::{Datelike, NaiveDate};
use clap::Args;

use crate::model::{Equipment, HistoryEntry, Kind, Priority, Ticket};
use crate::{Error, Result};

use super::super::{optional, parse_date, Ctx};
use super::{apply_custom, check_against_desk, decide_warranty, require_serials, WarrantyArgs};

#[derive(Debug, Args)]
pub struct TicketCreateArgs {
    /// A short title of the problem.
    #[arg(long)]
    pub title: String,
    /// The customer's id (C-0001); taken from the unit when --serial is given.
    #[arg(long)]
    pub customer: Option<String>,
    /// The item concerned; taken from the unit when --serial is given.
    #[arg(long)]
    pub item: Option<String>,
    /// The serial number of the unit concerned.
    #[arg(long)]
    pub serial: Option<String>,
    #[command(flatten)]
    pub warranty: WarrantyArgs,
    #[arg(long, value_enum, default_value = "normal")]
    pub priority: Priority,
    #[arg(long)]
    pub category: Option<String>,
    /// Who works on it.
    #[arg(long)]
    pub assignee: Option<String>,
    /// What the customer reports ('-' reads standard input).
    #[arg(long)]
    pub problem: Option<String>,
    /// When it must be solved (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub due: Option<NaiveDate>,
    /// A custom field declared in tkt.toml: --set NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
}

pub fn cmd_ticket_create(ctx: &Ctx, args: TicketCreateArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = desk.lock(ctx.lock_wait)?;
    require_serials(&desk, args.serial.as_ref())?;
    let actor = ctx.actor(&desk);
    let unit: Option<Equipment> = match &args.serial {
        Some(s) => desk.get(s)?,
        None => None,
    };
    let customer = args
        .customer
        .or_else(|| unit.as_ref().map(|u| u.customer.clone()))
        .ok_or_else(|| Error::usage("a ticket needs --customer (or --serial of a registered unit)"))?;
    let initial = desk.catalog()?.into_iter().find(|s| s.initial).ok_or_else(|| {
        Error::refused("the state catalog has no initial state")
            .with_hint("mark one with `tkt state edit ID --initial`")
    })?;
    let problem = args.problem.map(|p| ctx.text_arg(&p)).transpose()?.and_then(optional);
    let mut ticket = Ticket {
        id: String::new(),
        title: args.title.trim().to_string(),
        customer,
        state: initial.id.clone(),
        opened_at: ctx.now,
        opened_by: actor.clone(),
        priority: args.priority,
        category: args.category.and_then(optional),
        assignee: args.assignee.and_then(optional),
        request: None,
        item: args.item.or_else(|| unit.as_ref().map(|u| u.item.clone())),
        serial: args.serial,
        warranty: false,
        problem,
        solution: None,
        due: args.due,
        closed_at: None,
        custom: Default::default(),
        notes: vec![],
        history: vec![],
        extra: Default::default(),
    };
    apply_custom(&desk, &mut ticket, &args.set)?;
    check_against_desk(&desk, &ticket)?;
    let override_note = decide_warranty(ctx, &desk, &mut ticket, &args.warranty, true)?;
    ticket.history.push(HistoryEntry {
        at: ctx.now,
        by: actor,
        from: None,
        to: initial.id.clone(),
        note: override_note,
        extra: Default::default(),
    });
    ticket.id = desk.next_id(Kind::Ticket, Some(ctx.now.year()), None)?;
    let path = desk.write(&ticket)?;
    ctx.commit(&desk, &[path], &format!("{}: new ticket for {}: {}", ticket.id, ticket.customer, ticket.title))?;
    ctx.say(format!("Opened {} ({}) for {}", ticket.id, initial.name, ticket.customer));
    ctx.print_id(&ticket.id)
}
