//! Job orders (commessa) and sales orders (ordine cliente) opened from a ticket, and
//! closing them.

use chrono::NaiveDate;

use crate::model::{DocKind, Money, OrderStatus, Rate, Ticket};
use crate::{Error, Result};

use super::documents::{issue, item_lines, ticket_document, DocOptions, SerialUse};
use super::Env;

/// Opens a job order for ticket `id` (titled like the ticket by default); returns its id.
pub fn open_job(
    env: &Env,
    id: &str,
    title: Option<String>,
    budget_hours: Option<Rate>,
    budget_amount: Option<Money>,
    opts: &DocOptions,
) -> Result<String> {
    let _lock = env.lock()?;
    let ticket: Ticket = env.desk.load(id)?;
    let mut doc = ticket_document(env, DocKind::JobOrder, &ticket, opts)?;
    doc.title = Some(title.unwrap_or_else(|| ticket.title.clone()));
    doc.budget_hours = budget_hours;
    doc.budget_amount = budget_amount;
    doc.status = Some(OrderStatus::Open);
    if budget_hours.is_some_and(|h| h.0.is_sign_negative()) {
        return Err(Error::refused("--budget-hours must not be negative"));
    }
    issue(env, &mut doc, vec![], &format!("job order for {}", ticket.id))
}

/// Takes a sales order for ticket `id`: `CODE:QTY` lines priced from the items.
pub fn take_order(
    env: &Env,
    id: &str,
    lines: &[String],
    delivery_date: Option<NaiveDate>,
    opts: &DocOptions,
) -> Result<String> {
    let _lock = env.lock()?;
    let ticket: Ticket = env.desk.load(id)?;
    let mut doc = ticket_document(env, DocKind::SalesOrder, &ticket, opts)?;
    doc.lines = item_lines(env, lines, true, &doc.customer, SerialUse::Any)?;
    doc.delivery_date = delivery_date;
    doc.status = Some(OrderStatus::Open);
    issue(env, &mut doc, vec![], &format!("sales order for {}", ticket.id))
}

/// Closes a job order, or marks a sales order fulfilled (the default) or cancelled.
pub fn close_order(env: &Env, id: &str, status: Option<OrderStatus>) -> Result<OrderStatus> {
    let _lock = env.lock()?;
    let mut doc = env.desk.load_doc(id)?;
    let status = match (doc.kind, status) {
        (DocKind::JobOrder, None) => OrderStatus::Closed,
        (DocKind::JobOrder, Some(_)) => {
            return Err(Error::usage("--status is for sales orders; a job order is just closed"))
        }
        (DocKind::SalesOrder, None | Some(OrderStatus::Fulfilled)) => OrderStatus::Fulfilled,
        (DocKind::SalesOrder, Some(OrderStatus::Cancelled)) => OrderStatus::Cancelled,
        (DocKind::SalesOrder, Some(other)) => {
            return Err(Error::usage(format!("--status {other}: a sales order is fulfilled or cancelled")))
        }
        (kind, _) => {
            return Err(Error::refused(format!("{} is {}; only job and sales orders are closed", doc.id, kind.a())))
        }
    };
    if doc.status != Some(OrderStatus::Open) {
        let now = doc.status.as_ref().map_or("closed", OrderStatus::as_str);
        return Err(Error::refused(format!("{} is already {now}", doc.id)));
    }
    doc.status = Some(status.clone());
    let path = env.desk.write(&doc)?;
    env.commit(&[path], &format!("{}: {status}", doc.id))?;
    env.say(format!("{}: {status}", doc.id));
    Ok(status)
}
