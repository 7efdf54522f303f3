use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use clap::Args;

use crate::desk::Desk;
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
    let _lock = ctx.lock(&desk)?;
    let problem = args.problem.map(|p| ctx.text_arg(&p)).transpose()?.and_then(optional);
    let draft = TicketDraft {
        title: args.title,
        customer: args.customer,
        item: args.item,
        serial: args.serial,
        warranty: args.warranty,
        priority: args.priority,
        category: args.category,
        assignee: args.assignee,
        problem,
        due: args.due,
        set: args.set,
        request: None,
    };
    let (ticket, path) = open_ticket(ctx, &desk, draft)?;
    ctx.commit(&desk, &[path], &format!("{}: new ticket for {}: {}", ticket.id, ticket.customer, ticket.title))?;
    ctx.print_id(&ticket.id)
}

/// What a new ticket is made of, from `ticket create` or from a promoted request.
pub struct TicketDraft {
    pub title: String,
    /// Taken from the unit when left out.
    pub customer: Option<String>,
    pub item: Option<String>,
    pub serial: Option<String>,
    pub warranty: WarrantyArgs,
    pub priority: Priority,
    pub category: Option<String>,
    pub assignee: Option<String>,
    pub problem: Option<String>,
    pub due: Option<NaiveDate>,
    /// Custom fields as `NAME=VALUE`.
    pub set: Vec<String>,
    pub request: Option<String>,
}

/// Opens a ticket in the catalog's initial state: checks it against the desk, decides its
/// warranty, gives it the next number and writes it. The caller commits the returned path.
pub fn open_ticket(ctx: &Ctx, desk: &Desk, draft: TicketDraft) -> Result<(Ticket, PathBuf)> {
    require_serials(desk, draft.serial.as_ref())?;
    let actor = ctx.actor(desk);
    let unit: Option<Equipment> = match &draft.serial {
        Some(s) => desk.get(s)?,
        None => None,
    };
    let customer = draft
        .customer
        .or_else(|| unit.as_ref().map(|u| u.customer.clone()))
        .ok_or_else(|| Error::usage("a ticket needs --customer (or --serial of a registered unit)"))?;
    let initial = desk.catalog()?.into_iter().find(|s| s.initial).ok_or_else(|| {
        Error::refused("the state catalog has no initial state")
            .with_hint("mark one with `tkt state edit ID --initial`")
    })?;
    let mut ticket = Ticket {
        id: String::new(),
        title: draft.title.trim().to_string(),
        customer,
        state: initial.id.clone(),
        opened_at: ctx.now,
        opened_by: actor.clone(),
        priority: draft.priority,
        category: draft.category.and_then(optional),
        assignee: draft.assignee.and_then(optional),
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
    apply_custom(desk, &mut ticket, &draft.set)?;
    check_against_desk(desk, &ticket)?;
    let override_note = decide_warranty(ctx, desk, &mut ticket, &draft.warranty, true)?;
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
    ctx.say(format!("Opened {} ({}) for {}", ticket.id, initial.name, ticket.customer));
    Ok((ticket, path))
}
