//! `ticket job` (commessa) and `ticket order` (ordine cliente).

use chrono::NaiveDate;
use clap::Args;

use crate::model::{DocKind, Money, Rate, Ticket};
use crate::{Error, Result};

use super::super::doc::{issue, item_lines, ticket_document, DocArgs};
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
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let ticket: Ticket = desk.load(&args.id)?;
    let mut doc = ticket_document(ctx, &desk, DocKind::JobOrder, &ticket, &args.doc)?;
    doc.title = Some(args.title.unwrap_or_else(|| ticket.title.clone()));
    doc.budget_hours = args.budget_hours;
    doc.budget_amount = args.budget_amount;
    doc.status = Some("open".into());
    if args.budget_hours.is_some_and(|h| h.0.is_sign_negative()) {
        return Err(Error::refused("--budget-hours must not be negative"));
    }
    issue(ctx, &desk, &mut doc, vec![], &format!("job order for {}", ticket.id))
}

pub fn cmd_ticket_order(ctx: &Ctx, args: TicketOrderArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let ticket: Ticket = desk.load(&args.id)?;
    let mut doc = ticket_document(ctx, &desk, DocKind::SalesOrder, &ticket, &args.doc)?;
    doc.lines = item_lines(&desk, &args.lines, true)?;
    doc.delivery_date = args.delivery_date;
    doc.status = Some("open".into());
    issue(ctx, &desk, &mut doc, vec![], &format!("sales order for {}", ticket.id))
}
