//! Work reports (rapporto di intervento): hours (given, or from start and end), travel,
//! activities, materials used, outcome, signature.

use chrono::NaiveTime;
use rust_decimal::Decimal;

use crate::model::{DocKind, Item, Material, Rate, Ticket, WorkOutcome};
use crate::rules::round_cents;
use crate::{Error, ErrorKind, Result};

use super::documents::{check_line_serial, issue, parse_item_spec, ticket_document, DocOptions, SerialUse};
use super::Env;

/// What a work report says.
#[derive(Debug, Clone, Default)]
pub struct WorkReport {
    pub hours: Option<Rate>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub activities: Vec<String>,
    /// Who did it; the actor by default.
    pub technician: Option<String>,
    pub travel_hours: Option<Rate>,
    pub km: Option<Rate>,
    /// `CODE:QTY[:SERIAL]` materials used.
    pub materials: Vec<String>,
    pub outcome: Option<WorkOutcome>,
    pub signed_by: Option<String>,
}

/// Writes a work report for ticket `id`; returns its id.
pub fn report_work(env: &Env, id: &str, work: WorkReport, opts: &DocOptions) -> Result<String> {
    let _lock = env.lock()?;
    let ticket: Ticket = env.desk.load(id)?;
    let hours = work_hours(work.hours, work.start, work.end)?;
    let mut doc = ticket_document(env, DocKind::WorkReport, &ticket, opts)?;
    // Work is reported once done: a report dated ahead would hold up the ticket's invoice.
    let today = env.now.date_naive();
    if doc.date > today {
        return Err(Error::refused(format!("a work report may not be dated {}, after today ({today})", doc.date)));
    }
    doc.technician = Some(work.technician.unwrap_or_else(|| env.actor().to_string()));
    doc.start = work.start.map(|t| t.format("%H:%M").to_string());
    doc.end = work.end.map(|t| t.format("%H:%M").to_string());
    doc.hours = Some(hours);
    doc.travel_hours = work.travel_hours;
    doc.km = work.km;
    doc.activities = work.activities.into_iter().filter(|a| !a.trim().is_empty()).collect();
    for spec in &work.materials {
        let (code, qty, serial) = parse_item_spec(spec)?;
        let item: Item = env
            .desk
            .get(&code)?
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("--material {spec:?}: unknown item {code:?}")))?;
        if let Some(serial) = &serial {
            check_line_serial(env, &format!("--material {spec:?}"), &item, qty, serial, &doc.customer, SerialUse::Any)?;
        }
        doc.materials.push(Material { item: code, description: Some(item.description), qty: Rate(qty), serial });
    }
    doc.outcome = work.outcome;
    doc.signed_by = work.signed_by;
    issue(env, &mut doc, vec![], &format!("work report for {} ({hours} h)", ticket.id))
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
        // To the eight decimals an e-invoice's quantity holds, so that the minutes are what
        // is billed at any price: 80 minutes at 45.00 are 60.00, not 1.33 h's 59.85 (found
        // by a fiscal review), and at 180.00 are 240.00, not 1.3333 h's 239.99 (found by a
        // fiscal audit).
        (None, Some(minutes)) => Ok(Rate((minutes / Decimal::from(60)).round_dp(8).normalize())),
        (None, None) => Err(Error::usage("a work report needs --hours, or --start and --end")),
    }
}
