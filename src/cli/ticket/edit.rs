use chrono::NaiveDate;
use clap::Args;

use crate::model::Priority;
use crate::ops::ticket::{self, TicketChanges};
use crate::Result;

use super::super::editor::edit_in_editor;
use super::super::{parse_date, Ctx};
use super::WarrantyArgs;

#[derive(Debug, Args)]
pub struct TicketEditArgs {
    pub id: String,
    /// The ticket's title, in a line ('-' reads standard input).
    #[arg(long)]
    pub title: Option<String>,
    /// Move the ticket to another customer (C-0001).
    #[arg(long)]
    pub customer: Option<String>,
    /// The item concerned (its code).
    #[arg(long)]
    pub item: Option<String>,
    /// The unit concerned (its serial number); sets the customer and item.
    #[arg(long)]
    pub serial: Option<String>,
    #[command(flatten)]
    pub warranty: WarrantyArgs,
    /// How urgent it is.
    #[arg(long, value_enum)]
    pub priority: Option<Priority>,
    /// A free category (e.g. caldaia, climatizzatore).
    #[arg(long)]
    pub category: Option<String>,
    /// The technician who follows it.
    #[arg(long)]
    pub assignee: Option<String>,
    /// What the customer reports ('-' reads standard input).
    #[arg(long)]
    pub problem: Option<String>,
    /// What was done to solve it ('-' reads standard input).
    #[arg(long)]
    pub solution: Option<String>,
    /// The day it is due (YYYY-MM-DD); lists and reports name it overdue after.
    #[arg(long, value_parser = parse_date)]
    pub due: Option<NaiveDate>,
    /// Set a custom field: --set NAME=VALUE; an empty VALUE removes it (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Empty optional fields (comma-separated or repeated): category, assignee, item,
    /// serial, problem, solution, due.
    #[arg(long, value_name = "FIELD")]
    pub clear: Vec<String>,
    /// Mark a sync conflict on FIELD resolved (keeping the current value, or the one set
    /// by the other flags); `all` for every conflict of the ticket.
    #[arg(long, value_name = "FIELD")]
    pub resolve: Vec<String>,
}

pub fn cmd_ticket_edit(ctx: &Ctx, args: TicketEditArgs) -> Result<()> {
    let changes = TicketChanges {
        problem: args.problem.map(|p| ctx.text_arg(&p)).transpose()?,
        solution: args.solution.map(|s| ctx.text_arg(&s)).transpose()?,
        title: args.title.map(|t| ctx.text_arg(&t)).transpose()?,
        customer: args.customer,
        item: args.item,
        serial: args.serial,
        warranty: args.warranty.flag(),
        priority: args.priority,
        category: args.category,
        assignee: args.assignee,
        due: args.due,
        set: args.set,
        clear: crate::cli::split_list(&args.clear),
        resolve: args.resolve,
    };
    // No flag at all: the ticket opens in $EDITOR.
    if changes == TicketChanges::default() {
        return edit_in_editor(ctx, &args.id, |env, edit| ticket::edit_by_hand(env, &args.id, edit));
    }
    ctx.run(|env| ticket::edit(env, &args.id, changes))
}
