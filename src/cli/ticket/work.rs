use chrono::NaiveTime;
use clap::{Args, ValueEnum};
use rust_decimal::Decimal;

use crate::model::{DocKind, Item, Material, Rate, Ticket};
use crate::rules::{check_serial_pattern, round_cents};
use crate::{Error, Result};

use super::super::doc::{issue, parse_item_spec, ticket_document, DocArgs};
use super::super::Ctx;

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
    #[arg(long, value_enum)]
    pub outcome: Option<Outcome>,
    /// The name of the customer who signed the report.
    #[arg(long)]
    pub signed_by: Option<String>,
    #[command(flatten)]
    pub doc: DocArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Outcome {
    Resolved,
    Unresolved,
    FollowUp,
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("{s:?} is not a time (HH:MM)"))
}

pub fn cmd_ticket_work(ctx: &Ctx, args: TicketWorkArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let ticket: Ticket = desk.load(&args.id)?;
    let hours = work_hours(args.hours, args.start, args.end)?;
    let mut doc = ticket_document(ctx, &desk, DocKind::WorkReport, &ticket, &args.doc)?;
    doc.technician = Some(args.technician.unwrap_or_else(|| ctx.actor(&desk)));
    doc.start = args.start.map(|t| t.format("%H:%M").to_string());
    doc.end = args.end.map(|t| t.format("%H:%M").to_string());
    doc.hours = Some(hours);
    doc.travel_hours = args.travel_hours;
    doc.km = args.km;
    doc.activities = args.activities.iter().map(|a| ctx.text_arg(a)).collect::<Result<Vec<_>>>()?;
    doc.activities.retain(|a| !a.trim().is_empty());
    for spec in &args.materials {
        let (code, qty, serial) = parse_item_spec(spec)?;
        let item: Item =
            desk.get(&code)?.ok_or_else(|| Error::refused(format!("--material {spec:?}: unknown item {code:?}")))?;
        if let Some(problem) = serial.as_deref().and_then(|s| check_serial_pattern(s, &item)) {
            return Err(Error::refused(format!("--material {spec:?}: {}", problem.message)));
        }
        doc.materials.push(Material { item: code, qty: Rate(qty), serial });
    }
    doc.outcome = args.outcome.map(|o| match o {
        Outcome::Resolved => "resolved".to_string(),
        Outcome::Unresolved => "unresolved".to_string(),
        Outcome::FollowUp => "follow-up".to_string(),
    });
    doc.signed_by = args.signed_by;
    issue(ctx, &desk, &mut doc, vec![], &format!("work report for {} ({hours} h)", ticket.id))
}

/// The hours of a work report: given, or from start and end; when both, they must agree
/// to the minute.
fn work_hours(hours: Option<Rate>, start: Option<NaiveTime>, end: Option<NaiveTime>) -> Result<Rate> {
    let span = match (start, end) {
        (Some(s), Some(e)) if e > s => Some(Decimal::from((e - s).num_minutes())),
        (Some(s), Some(e)) => {
            return Err(Error::refused(format!(
                "--end {} is not after --start {}",
                e.format("%H:%M"),
                s.format("%H:%M")
            )))
        }
        _ => None,
    };
    match (hours, span) {
        (Some(h), Some(minutes)) if (h.0 * Decimal::from(60) - minutes).abs() >= Decimal::ONE => {
            Err(Error::refused(format!(
                "--hours {h} disagrees with --start/--end ({minutes} minutes = {} h)",
                round_cents(minutes / Decimal::from(60))
            )))
        }
        (Some(h), _) if h.0 <= Decimal::ZERO => Err(Error::refused(format!("--hours {h}: must be positive"))),
        (Some(h), _) => Ok(h),
        (None, Some(minutes)) => Ok(Rate(round_cents(minutes / Decimal::from(60)).normalize())),
        (None, None) => Err(Error::usage("a work report needs --hours, or --start and --end")),
    }
}
