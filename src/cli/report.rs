//! `tkt report NAME`: what is open and how old, who worked how many hours, what was
//! invoiced, paid and still due, what warranty work cost, which products fail most.

use clap::Args;

use crate::ops::query::{run_report, ReportName, ReportQuery};
use crate::render::{text, Format};
use crate::report::{GroupBy, Report};
use crate::Result;

use super::{Ctx, FormatArg, Period};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkt report summary --since 2026-01-01 --until 2026-03-31
  tkt report aging --group-by priority
  tkt report hours --group-by month --format csv > ore.csv
  tkt report billing --group-by customer --format json | jq '.[] | {customer, due}'
  tkt report receivables
  tkt report warranty --since 2026-01-01 --item CALD-24K
  tkt report equipment --within 60
  tkt report aging --as-of 2026-09-30")]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    pub name: ReportName,
    #[command(flatten)]
    pub period: Period,
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

pub fn cmd_report(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    let query = ReportQuery {
        name: args.name,
        since: args.period.since,
        until: args.period.until,
        customer: args.customer,
        assignee: args.assignee,
        item: args.item,
        state: args.state,
        warranty: args.warranty,
        group_by: args.group_by,
        as_of: args.as_of,
        within: args.within,
    };
    let report = run_report(&ctx.open_desk()?, ctx.now.date_naive(), &query)?;
    print(ctx, args.format.format, &report)
}

fn print(ctx: &Ctx, format: Format, report: &Report) -> Result<()> {
    let mut out = ctx.out();
    match format {
        Format::Table => {
            let rows = report.written().into_iter().map(|r| r.iter().map(text).collect::<Vec<_>>());
            out.table(report.columns.iter().map(|c| c.to_uppercase()), rows)?;
            if report.rows.is_empty() {
                ctx.say("nothing to report");
            }
            Ok(())
        }
        Format::Json => out.json(&report.objects()),
        Format::Yaml => out.yaml(&report.objects()),
        Format::Csv => out.csv_of(&report.columns, &report.written_objects()),
    }
}
