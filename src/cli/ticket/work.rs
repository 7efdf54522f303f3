use chrono::NaiveTime;
use clap::Args;

use crate::model::{Rate, WorkOutcome};
use crate::ops::work::{self, WorkReport};
use crate::Result;

use super::super::doc::DocArgs;
use super::super::{vocabulary, Ctx};

#[derive(Debug, Args)]
pub struct TicketWorkArgs {
    pub id: String,
    /// Hours worked, a decimal (2.5 = two and a half hours); from --start/--end if left out.
    #[arg(long, value_parser = Rate::parse)]
    pub hours: Option<Rate>,
    /// When work started (HH:MM).
    #[arg(long, value_parser = parse_time, requires = "end")]
    pub start: Option<NaiveTime>,
    /// When work ended (HH:MM).
    #[arg(long, value_parser = parse_time, requires = "start")]
    pub end: Option<NaiveTime>,
    /// What was done (repeatable; '-' reads standard input).
    #[arg(long = "activity")]
    pub activities: Vec<String>,
    /// Who did it; you by default.
    #[arg(long)]
    pub technician: Option<String>,
    /// Hours of travel.
    #[arg(long, value_parser = Rate::parse)]
    pub travel_hours: Option<Rate>,
    /// Kilometres driven.
    #[arg(long, value_parser = Rate::parse)]
    pub km: Option<Rate>,
    /// A material used: CODE:QTY[:SERIAL] (repeatable).
    #[arg(long = "material", value_name = "CODE:QTY[:SERIAL]")]
    pub materials: Vec<String>,
    /// How the visit ended: resolved, unresolved or follow-up.
    #[arg(long, value_parser = vocabulary::<WorkOutcome>(WorkOutcome::TEXTS))]
    pub outcome: Option<WorkOutcome>,
    /// The name of the customer who signed the report.
    #[arg(long)]
    pub signed_by: Option<String>,
    #[command(flatten)]
    pub doc: DocArgs,
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("{s:?} is not a time (HH:MM)"))
}

pub fn cmd_ticket_work(ctx: &Ctx, args: TicketWorkArgs) -> Result<()> {
    let opts = args.doc.options(ctx)?;
    let work = WorkReport {
        activities: args.activities.iter().map(|a| ctx.text_arg(a)).collect::<Result<Vec<_>>>()?,
        hours: args.hours,
        start: args.start,
        end: args.end,
        technician: args.technician,
        travel_hours: args.travel_hours,
        km: args.km,
        materials: args.materials,
        outcome: args.outcome,
        signed_by: args.signed_by,
    };
    let id = ctx.run(|env| work::report_work(env, &args.id, work, &opts))?;
    ctx.print_id(&id)
}
