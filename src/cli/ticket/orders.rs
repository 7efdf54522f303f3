//! `ticket job` (commessa) and `ticket order` (ordine cliente).

use chrono::NaiveDate;
use clap::Args;

use crate::model::{Money, Rate};
use crate::ops::orders;
use crate::Result;

use super::super::doc::DocArgs;
use super::super::{parse_date, Ctx};

#[derive(Debug, Args)]
pub struct TicketJobArgs {
    pub id: String,
    /// What the job is; the ticket's title by default.
    #[arg(long)]
    pub title: Option<String>,
    /// Hours budgeted.
    #[arg(long, value_parser = Rate::parse)]
    pub budget_hours: Option<Rate>,
    /// Amount budgeted, in euro.
    #[arg(long, value_parser = Money::parse)]
    pub budget_amount: Option<Money>,
    #[command(flatten)]
    pub doc: DocArgs,
}

#[derive(Debug, Args)]
pub struct TicketOrderArgs {
    pub id: String,
    /// What is ordered: CODE:QTY (repeatable), priced from the items.
    #[arg(long = "line", value_name = "CODE:QTY", required = true)]
    pub lines: Vec<String>,
    /// When the goods are to be delivered.
    #[arg(long, value_parser = parse_date)]
    pub delivery_date: Option<NaiveDate>,
    #[command(flatten)]
    pub doc: DocArgs,
}

pub fn cmd_ticket_job(ctx: &Ctx, args: TicketJobArgs) -> Result<()> {
    let opts = args.doc.options(ctx)?;
    let id =
        ctx.run(|env| orders::open_job(env, &args.id, args.title, args.budget_hours, args.budget_amount, &opts))?;
    ctx.print_id(&id)
}

pub fn cmd_ticket_order(ctx: &Ctx, args: TicketOrderArgs) -> Result<()> {
    let opts = args.doc.options(ctx)?;
    let id = ctx.run(|env| orders::take_order(env, &args.id, &args.lines, args.delivery_date, &opts))?;
    ctx.print_id(&id)
}
