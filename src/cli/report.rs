//! `tkt report NAME`: what is open and how old, who worked how many hours, what was
//! invoiced, paid and still due, what warranty work cost, which products fail most.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::model::{DocKind, Item, Ticket};
use crate::render::{text, Format};
use crate::report::{self, Data, GroupBy, Params, Report};
use crate::Result;

use super::{parse_date, Ctx, FormatArg};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkt report summary --since 2026-01-01 --until 2026-03-31
  tkt report aging --group-by priority
  tkt report hours --group-by month --format csv > ore.csv
  tkt report billing --group-by customer --format json | jq '.[] | {customer, due}'
  tkt report receivables
  tkt report equipment --within 60")]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    pub name: ReportName,
    /// From this day (tickets opened, documents dated, work done).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Up to this day, included.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub until: Option<NaiveDate>,
    /// Only this customer's tickets and documents.
    #[arg(long)]
    pub customer: Option<String>,
    /// Only tickets assigned to USER (and their documents).
    #[arg(long, value_name = "USER")]
    pub assignee: Option<String>,
    /// Only tickets about this item.
    #[arg(long)]
    pub item: Option<String>,
    /// Only tickets in this state.
    #[arg(long)]
    pub state: Option<String>,
    /// Only warranty tickets (`--warranty false`: only the others).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub warranty: Option<bool>,
    /// Group rows by: assignee or priority (aging); technician, customer or month (hours);
    /// month or customer (billing); item (equipment).
    #[arg(long, value_enum)]
    pub group_by: Option<GroupBy>,
    /// Compute the report on the desk as it was on this day (YYYY-MM-DD) or at this git
    /// revision (a commit, tag or branch), from history, leaving the work tree alone.
    #[arg(long, value_name = "DATE|REV")]
    pub as_of: Option<String>,
    /// equipment: a ticket on the same unit within N days of the previous one is a repeat.
    #[arg(long, value_name = "N", default_value = "90")]
    pub within: i64,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportName {
    /// Tickets by state, opened and closed, time to close, backlog.
    Summary,
    /// Open tickets by age and assignee (or priority), and overdue ones.
    Aging,
    /// Hours and travel by technician, customer or month; billable and warranty.
    Hours,
    /// Invoiced, credited, paid, refunded and due, with VAT per rate.
    Billing,
    /// Unpaid invoices with due date and days overdue.
    Receivables,
    /// Warranty work per item and what it cost at list price.
    Warranty,
    /// Tickets per unit or item, and repeat failures.
    Equipment,
}

impl ReportName {
    /// The kinds of document the report reads; the others are never loaded.
    fn documents(self) -> &'static [DocKind] {
        match self {
            ReportName::Summary | ReportName::Aging | ReportName::Equipment => &[],
            ReportName::Hours | ReportName::Warranty => &[DocKind::WorkReport],
            ReportName::Billing | ReportName::Receivables => {
                &[DocKind::Invoice, DocKind::CreditNote, DocKind::Payment, DocKind::Refund]
            }
        }
    }
}

pub fn cmd_report(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let kinds = args.name.documents();
    let (snap, today) = match &args.as_of {
        Some(spec) => desk.snapshot_at(spec, kinds)?,
        None => (desk.snapshot(kinds)?, ctx.now.date_naive()),
    };
    let tickets: Vec<Ticket> = snap.tickets.into_iter().filter(|t| keep(&args, t)).collect();
    let filtered = args.customer.is_some()
        || args.assignee.is_some()
        || args.item.is_some()
        || args.state.is_some()
        || args.warranty.is_some();
    let ids: HashSet<&str> = tickets.iter().map(|t| t.id.as_str()).collect();
    let docs: Vec<_> = snap
        .docs
        .into_iter()
        .filter(|d| match &d.ticket {
            _ if !filtered => true,
            Some(t) => ids.contains(t.as_str()),
            None => args.customer.as_ref().is_some_and(|c| &d.customer == c),
        })
        .collect();
    let items: HashMap<String, Item> = snap.items.into_iter().map(|i| (i.code.clone(), i)).collect();
    let data =
        Data { tickets: &tickets, catalog: &snap.catalog, docs: &docs, items: &items, billing: &snap.config.billing };
    let params = Params {
        since: args.since,
        until: args.until.or(args.as_of.as_ref().map(|_| today)),
        today,
        group_by: args.group_by,
        within_days: args.within,
    };
    let table = match args.name {
        ReportName::Summary => report::summary(&data, &params),
        ReportName::Aging => report::aging(&data, &params),
        ReportName::Hours => report::hours(&data, &params),
        ReportName::Billing => report::billing(&data, &params),
        ReportName::Receivables => report::receivables(&data, &params),
        ReportName::Warranty => report::warranty(&data, &params),
        ReportName::Equipment => report::equipment(&data, &params),
    };
    print(ctx, args.format.format, &table)
}

fn keep(args: &ReportArgs, t: &Ticket) -> bool {
    args.customer.as_ref().is_none_or(|c| &t.customer == c)
        && args.assignee.as_ref().is_none_or(|a| t.assignee.as_ref() == Some(a))
        && args.item.as_ref().is_none_or(|i| t.item.as_ref() == Some(i))
        && args.state.as_ref().is_none_or(|s| &t.state == s)
        && args.warranty.is_none_or(|w| t.warranty == w)
}

fn print(ctx: &Ctx, format: Format, report: &Report) -> Result<()> {
    let mut out = ctx.out();
    match format {
        Format::Table => {
            let rows = report.rows.iter().map(|r| r.iter().map(text).collect::<Vec<_>>());
            out.table(report.columns.iter().map(|c| c.to_uppercase()), rows)?;
            if report.rows.is_empty() {
                ctx.say("nothing to report");
            }
            Ok(())
        }
        Format::Json => out.json(&report.objects()),
        Format::Yaml => out.yaml(&report.objects()),
        Format::Csv => out.csv(&report.objects()),
    }
}
