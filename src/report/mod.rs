//! Reports for the business: pure functions from the desk's records to a table of plain
//! values (text and numbers), which the command line prints as a table, CSV or JSON.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::model::Billing;
use crate::model::{DocKind, Item, State};
use crate::rules::balances;

mod facts;
pub use facts::{DocFacts, TicketFacts};

/// A report: column names and rows of plain values.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// The columns that are amounts of money.
    money: Vec<bool>,
}

impl Report {
    fn new(columns: &[&str]) -> Report {
        Report::of(columns.iter().map(|c| c.to_string()).collect())
    }

    fn of(columns: Vec<String>) -> Report {
        Report { money: vec![false; columns.len()], columns, rows: vec![] }
    }

    /// Marks the columns named as amounts of money.
    fn with_money(mut self, names: &[&str]) -> Report {
        for (column, money) in self.columns.iter().zip(self.money.iter_mut()) {
            *money |= names.contains(&column.as_str()) || column.starts_with("vat_") && names.contains(&"vat_");
        }
        self
    }

    /// Rows as objects keyed by column, for JSON: every number a plain number.
    pub fn objects(&self) -> Vec<serde_json::Map<String, Value>> {
        self.rows.iter().map(|r| self.columns.iter().cloned().zip(r.iter().cloned()).collect()).collect()
    }

    /// Rows as a person reads them (a table, CSV): amounts of money with their cents,
    /// `73.20` as on the documents, not `73.2`.
    pub fn written(&self) -> Vec<Vec<Value>> {
        let cents = |v: &Value| match v {
            // Half a cent away from zero, as the documents round (not to even).
            Value::Number(n) => n.to_string().parse::<Decimal>().ok().map(|d| {
                let cents = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
                Value::String(format!("{cents:.2}"))
            }),
            _ => None,
        };
        let row = |r: &Vec<Value>| {
            r.iter()
                .zip(&self.money)
                .map(|(v, &money)| money.then(|| cents(v)).flatten().unwrap_or_else(|| v.clone()))
                .collect()
        };
        self.rows.iter().map(row).collect()
    }

    /// [`Report::written`] as objects keyed by column, for CSV.
    pub fn written_objects(&self) -> Vec<serde_json::Map<String, Value>> {
        self.written().into_iter().map(|r| self.columns.iter().cloned().zip(r).collect()).collect()
    }
}

/// What a report may be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    Assignee,
    Priority,
    Technician,
    Customer,
    Month,
    Item,
}

/// The records a report reads.
pub struct Data<'a> {
    pub tickets: &'a [TicketFacts],
    pub catalog: &'a [State],
    pub docs: &'a [DocFacts],
    pub items: &'a HashMap<String, Item>,
    pub billing: &'a Billing,
}

/// The period, the day the report is made, and its options.
#[derive(Debug, Clone)]
pub struct Params {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub today: NaiveDate,
    pub group_by: Option<GroupBy>,
    /// For `equipment`: a second ticket on the same unit within this many days is a repeat.
    pub within_days: i64,
}

impl Params {
    fn in_period(&self, day: NaiveDate) -> bool {
        self.since.is_none_or(|s| day >= s) && self.until.is_none_or(|u| day <= u)
    }
}

/// A decimal as a plain JSON number (exact for amounts with up to 15 digits).
pub fn number(d: Decimal) -> Value {
    let d = d.normalize();
    if d.fract().is_zero() {
        if let Some(n) = d.to_i64() {
            return Value::from(n);
        }
    }
    d.to_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
}

fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

fn closed_states(catalog: &[State]) -> Vec<&str> {
    catalog.iter().filter(|s| s.closed).map(|s| s.id.as_str()).collect()
}

/// Tickets by state; opened and closed in the period; median and 90th percentile days to
/// close; backlog (open tickets) at the start and at the end of the period.
pub fn summary(data: &Data, p: &Params) -> Report {
    let mut r = Report::new(&["metric", "value"]);
    let closed = closed_states(data.catalog);
    let opened = data.tickets.iter().filter(|t| p.in_period(t.opened_at.date_naive())).count();
    let mut days: Vec<i64> = data
        .tickets
        .iter()
        .filter_map(|t| {
            t.closed_at
                .filter(|c| closed.contains(&t.state.as_str()) && p.in_period(c.date_naive()))
                .map(|c| (c - t.opened_at).num_seconds())
        })
        .map(|s| s.max(0))
        .collect();
    days.sort_unstable();
    let percentile = |q: f64| -> Value {
        if days.is_empty() {
            return Value::Null;
        }
        // Nearest rank, in days with one decimal.
        let rank = ((q * days.len() as f64).ceil() as usize).clamp(1, days.len());
        let d = Decimal::from(days[rank - 1]) / Decimal::from(86_400);
        number(d.round_dp(1))
    };
    // `None`: now — every ticket opened so far, also one whose own day (in the offset it
    // was opened with, another clone's zone) is already tomorrow here (found by a scripting
    // attack: a clone in UTC counted one fewer than it listed just after midnight in Rome).
    let open_on = |day: Option<NaiveDate>| {
        let end = day.unwrap_or(p.today);
        data.tickets
            .iter()
            .filter(|t| day.is_none_or(|d| t.opened_at.date_naive() <= d))
            .filter(|t| t.closed_at.is_none_or(|c| c.date_naive() > end))
            .count()
    };
    r.rows.push(vec![text("opened"), Value::from(opened)]);
    r.rows.push(vec![text("closed"), Value::from(days.len())]);
    r.rows.push(vec![text("median_days_to_close"), percentile(0.5)]);
    r.rows.push(vec![text("p90_days_to_close"), percentile(0.9)]);
    let start = p.since.and_then(|s| s.pred_opt());
    r.rows.push(vec![text("backlog_start"), start.map(|d| Value::from(open_on(Some(d)))).unwrap_or(Value::from(0))]);
    r.rows.push(vec![text("backlog_end"), Value::from(open_on(p.until))]);
    for s in data.catalog {
        let n = data.tickets.iter().filter(|t| t.state == s.id).count();
        r.rows.push(vec![text(format!("state.{}", s.id)), Value::from(n)]);
    }
    // A state the catalog no longer has (its file deleted by hand) is counted all the same,
    // after the catalog's: the rows add up to every ticket (`tkt check` names the state).
    let mut unknown: Vec<&str> =
        data.tickets.iter().map(|t| t.state.as_str()).filter(|s| !data.catalog.iter().any(|c| c.id == *s)).collect();
    unknown.sort_unstable();
    unknown.dedup();
    for s in unknown {
        let n = data.tickets.iter().filter(|t| t.state == s).count();
        r.rows.push(vec![text(format!("state.{s}")), Value::from(n)]);
    }
    r
}

/// Open tickets by age (0-2 days, 3-7, 8-30, over 30) per assignee (or priority), and
/// how many are past their due day.
pub fn aging(data: &Data, p: &Params) -> Report {
    let by_priority = p.group_by == Some(GroupBy::Priority);
    let mut r = Report::new(&[
        if by_priority { "priority" } else { "assignee" },
        "0-2",
        "3-7",
        "8-30",
        "30+",
        "total",
        "overdue",
    ]);
    let closed = closed_states(data.catalog);
    let mut groups: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    // The open tickets opened in the period, as every report takes it (found by a
    // scripting attack: the period was taken and ignored).
    let open_of_period =
        |t: &&TicketFacts| !closed.contains(&t.state.as_str()) && p.in_period(t.opened_at.date_naive());
    for t in data.tickets.iter().filter(open_of_period) {
        let key = if by_priority {
            t.priority.as_str().to_string()
        } else {
            t.assignee.clone().unwrap_or_else(|| "-".into())
        };
        let age = (p.today - t.opened_at.date_naive()).num_days();
        let bucket = match age {
            ..=2 => 0,
            3..=7 => 1,
            8..=30 => 2,
            _ => 3,
        };
        let g = groups.entry(key).or_default();
        g[bucket] += 1;
        g[4] += 1;
        g[5] += i64::from(t.due.is_some_and(|d| d < p.today));
    }
    for (k, g) in groups {
        let mut row = vec![text(k)];
        row.extend(g.iter().map(|n| Value::from(*n)));
        r.rows.push(row);
    }
    r
}

/// Work-report hours and travel per technician (or customer, or month), split billable
/// and warranty.
pub fn hours(data: &Data, p: &Params) -> Report {
    let group = p.group_by.unwrap_or(GroupBy::Technician);
    let mut r =
        Report::new(&[group_name(group), "reports", "hours", "travel_hours", "billable_hours", "warranty_hours"]);
    // Warranty hours are the hours the warranty covers: with `billing.warranty_covers`
    // leaving labour out, a warranty ticket's hours are billed (a review).
    let covered = data.billing.warranty_covers.contains(&crate::model::Cover::Labour);
    let warranty: HashMap<&str, bool> = data.tickets.iter().map(|t| (t.id.as_str(), t.warranty && covered)).collect();
    let mut groups: BTreeMap<String, [Decimal; 5]> = BTreeMap::new();
    for d in data.docs.iter().filter(|d| d.kind == DocKind::WorkReport && p.in_period(d.date)) {
        let key = match group {
            GroupBy::Customer => d.customer.clone(),
            GroupBy::Month => month(d.date),
            _ => d.technician.clone().unwrap_or_else(|| "-".into()),
        };
        let h = d.hours.map(|h| h.0).unwrap_or_default();
        let g = groups.entry(key).or_default();
        g[0] += Decimal::ONE;
        g[1] += h;
        g[2] += d.travel_hours.map(|h| h.0).unwrap_or_default();
        if d.ticket.as_deref().and_then(|t| warranty.get(t)).copied().unwrap_or(false) {
            g[4] += h;
        } else {
            g[3] += h;
        }
    }
    for (k, g) in groups {
        let mut row = vec![text(k)];
        row.extend(g.iter().map(|n| number(*n)));
        r.rows.push(row);
    }
    r
}

/// Invoiced, credited, paid and refunded per month (or customer), from the documents dated
/// in the period; what is still due of the invoices of the group; and the VAT of each rate
/// owed for the group: its invoices' less its credit notes' (found by a fiscal review: a
/// January note reversing December's VAT showed in no column).
pub fn billing(data: &Data, p: &Params) -> Report {
    let by_customer = p.group_by == Some(GroupBy::Customer);
    let docs: Vec<&DocFacts> = data.docs.iter().filter(|d| p.in_period(d.date)).collect();
    // A column for every rate the desk's invoices and credit notes ever carried, whatever
    // the period: the same columns every month for a script, an empty month's too (found by
    // a scripting attack: March had no `vat_0`, an empty month no VAT column).
    let mut rates: Vec<String> = data
        .docs
        .iter()
        .filter(|d| matches!(d.kind, DocKind::Invoice | DocKind::CreditNote))
        .flat_map(|d| d.vat.iter().map(|v| v.0.to_string()))
        .collect();
    rates.sort_by_key(|r| std::cmp::Reverse(r.parse::<Decimal>().unwrap_or_default()));
    rates.dedup();
    let mut columns: Vec<String> = vec![if by_customer { "customer" } else { "month" }.into()];
    columns.extend(["invoiced", "credited", "paid", "refunded", "due"].map(String::from));
    columns.extend(rates.iter().map(|r| format!("vat_{r}")));
    let outstanding = balances(data.docs);
    let mut groups: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
    for d in &docs {
        let slot = match d.kind {
            DocKind::Invoice => 0,
            DocKind::CreditNote => 1,
            DocKind::Payment => 2,
            DocKind::Refund => 3,
            _ => continue,
        };
        let key = if by_customer { d.customer.clone() } else { month(d.date) };
        let g = groups.entry(key).or_insert_with(|| vec![Decimal::ZERO; 5 + rates.len()]);
        g[slot] += d.value.0;
        if d.kind == DocKind::Invoice {
            g[4] += outstanding.get(&d.id).map(|b| b.due.0).unwrap_or_default();
        }
        // The VAT a public administration pays the State itself is none the seller owes
        // (found by a fiscal review: it was counted as owed).
        let sign = match d.kind {
            _ if d.split_payment => continue,
            DocKind::Invoice => Decimal::ONE,
            DocKind::CreditNote => -Decimal::ONE,
            _ => continue,
        };
        for (rate, tax) in &d.vat {
            if let Some(i) = rates.iter().position(|r| *r == rate.to_string()) {
                g[5 + i] += sign * tax.0;
            }
        }
    }
    let mut r = Report::of(columns).with_money(&["invoiced", "credited", "paid", "refunded", "due", "vat_"]);
    for (k, g) in groups {
        let mut row = vec![text(k)];
        row.extend(g.iter().map(|n| number(*n)));
        r.rows.push(row);
    }
    r
}

/// Invoices with something still due, with their due date and days overdue.
pub fn receivables(data: &Data, p: &Params) -> Report {
    let mut r = Report::new(&["invoice", "customer", "date", "due_date", "total", "due", "days_overdue"])
        .with_money(&["total", "due"]);
    let all = balances(data.docs);
    for d in data.docs.iter().filter(|d| d.kind == DocKind::Invoice && p.in_period(d.date)) {
        let Some(b) = all.get(&d.id).filter(|b| b.due.0 > Decimal::ZERO) else { continue };
        let due_date = d.due_date.unwrap_or(d.date);
        let overdue = (p.today - due_date).num_days().max(0);
        r.rows.push(vec![
            text(&d.id),
            text(&d.customer),
            text(d.date.to_string()),
            text(due_date.to_string()),
            number(d.value.0),
            number(b.due.0),
            Value::from(overdue),
        ]);
    }
    r
}

/// Warranty interventions per item: tickets, hours, and what the business gave away at
/// list price (labour, travel, materials).
pub fn warranty(data: &Data, p: &Params) -> Report {
    let mut r =
        Report::new(&["item", "tickets", "hours", "labour_value", "travel_value", "materials_value", "given_away"])
            .with_money(&["labour_value", "travel_value", "materials_value", "given_away"]);
    let price = |code: &Option<String>| {
        code.as_ref().and_then(|c| data.items.get(c)).and_then(|i| i.price).map(|p| p.0).unwrap_or_default()
    };
    // What the warranty covers (`billing.warranty_covers`) was given away; the rest was billed.
    let covers =
        |c: crate::model::Cover| if data.billing.warranty_covers.contains(&c) { Decimal::ONE } else { Decimal::ZERO };
    let (labour, travel) = (price(&data.billing.labour_item), price(&data.billing.travel_item));
    let (labour, travel) = (labour * covers(crate::model::Cover::Labour), travel * covers(crate::model::Cover::Travel));
    let materials = covers(crate::model::Cover::Materials);
    let mut reports: HashMap<&str, Vec<&DocFacts>> = HashMap::new();
    for d in data.docs.iter().filter(|d| d.kind == DocKind::WorkReport) {
        if let Some(t) = &d.ticket {
            reports.entry(t.as_str()).or_default().push(d);
        }
    }
    let mut groups: BTreeMap<String, [Decimal; 5]> = BTreeMap::new();
    for t in data.tickets.iter().filter(|t| t.warranty && p.in_period(t.opened_at.date_naive())) {
        let g = groups.entry(t.item.clone().unwrap_or_else(|| "-".into())).or_default();
        g[0] += Decimal::ONE;
        for d in reports.get(t.id.as_str()).into_iter().flatten() {
            let h = d.hours.map(|h| h.0).unwrap_or_default();
            g[1] += h;
            g[2] += h * labour;
            g[3] += d.travel_hours.map(|h| h.0).unwrap_or_default() * travel;
            for (item, qty) in &d.materials {
                g[4] += materials * qty.0 * data.items.get(item).and_then(|i| i.price).map(|p| p.0).unwrap_or_default();
            }
        }
    }
    for (k, g) in groups {
        r.rows.push(vec![
            text(k),
            number(g[0]),
            number(g[1]),
            number(g[2]),
            number(g[3]),
            number(g[4]),
            number(g[2] + g[3] + g[4]),
        ]);
    }
    r
}

/// Tickets per unit (and its item), and repeat failures: tickets opened on the same unit
/// within `within_days` of the one before.
pub fn equipment(data: &Data, p: &Params) -> Report {
    let by_item = p.group_by == Some(GroupBy::Item);
    let mut r = if by_item {
        Report::new(&["item", "units", "tickets", "repeats"])
    } else {
        Report::new(&["serial", "item", "customer", "tickets", "repeats"])
    };
    let mut by_serial: BTreeMap<&str, Vec<&TicketFacts>> = BTreeMap::new();
    for t in data.tickets.iter().filter(|t| p.in_period(t.opened_at.date_naive())) {
        if let Some(s) = &t.serial {
            by_serial.entry(s.as_str()).or_default().push(t);
        }
    }
    let mut items: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for (serial, mut ts) in by_serial {
        ts.sort_by_key(|t| t.opened_at);
        let repeats =
            ts.windows(2).filter(|w| (w[1].opened_at - w[0].opened_at).num_days() <= p.within_days).count() as i64;
        let item = ts[0].item.clone().unwrap_or_else(|| "-".into());
        if by_item {
            let g = items.entry(item).or_default();
            g[0] += 1;
            g[1] += ts.len() as i64;
            g[2] += repeats;
        } else {
            r.rows.push(vec![
                text(serial),
                text(item),
                text(&ts[0].customer),
                Value::from(ts.len()),
                Value::from(repeats),
            ]);
        }
    }
    for (k, g) in items {
        r.rows.push(vec![text(k), Value::from(g[0]), Value::from(g[1]), Value::from(g[2])]);
    }
    r
}

fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn group_name(g: GroupBy) -> &'static str {
    match g {
        GroupBy::Assignee => "assignee",
        GroupBy::Priority => "priority",
        GroupBy::Technician => "technician",
        GroupBy::Customer => "customer",
        GroupBy::Month => "month",
        GroupBy::Item => "item",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Money in a table rounds half a cent away from zero, as the documents do (found by a
    /// review: 1.5 h at 45.15 was 67.72, the invoice 67.73).
    #[test]
    fn money_is_written_with_its_cents_rounded_as_documents_round() {
        let r = Report::new(&["item", "value"]).with_money(&["value"]);
        let r = Report { rows: vec![vec![text("CALD"), number(Decimal::new(67725, 3))]], ..r };
        assert_eq!(r.written()[0][1], Value::String("67.73".into()));
        assert_eq!(r.objects()[0]["value"], serde_json::json!(67.725));
    }
}
