use chrono::NaiveDate;
use clap::Args;

use crate::model::Priority;
use crate::ops::optional;
use crate::ops::ticket::{self, TicketDraft};
use crate::Result;

use super::super::{parse_date, Ctx};
use super::WarrantyArgs;

#[derive(Debug, Args)]
pub struct TicketCreateArgs {
    /// A short title of the problem ('-' reads standard input).
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
    /// How urgent it is.
    #[arg(long, value_enum, default_value = "normal")]
    pub priority: Priority,
    /// A free category (e.g. caldaia, climatizzatore), for lists and reports.
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
    let title = ctx.text_arg(&args.title)?;
    let problem = args.problem.map(|p| ctx.text_arg(&p)).transpose()?.and_then(optional);
    let draft = TicketDraft {
        title,
        customer: args.customer,
        item: args.item,
        serial: args.serial,
        warranty: args.warranty.flag(),
        priority: args.priority,
        category: args.category,
        assignee: args.assignee,
        problem,
        due: args.due,
        set: args.set,
        request: None,
    };
    let ticket = ctx.run(|env| ticket::create(env, draft))?;
    ctx.print_id(&ticket.id)
}
