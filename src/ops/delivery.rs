//! Goods that travel: a delivery note in (ddt-in) receives the customer's item; a delivery
//! note out (ddt-out) sends goods sold, the repaired item back, or a replacement unit.

use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::model::{
    DdtPurpose, DdtReason, DocKind, Document, Equipment, Instant, Item, Kind, Line, Rate, Ticket, TransportBy,
};
use crate::rules::{check_equipment, refuse_if_any, warranty_end};
use crate::{Error, Result};

use super::documents::{issue, item_lines, plain_line, ticket_document, DocOptions};
use super::Env;

/// How goods travel (DPR 472/1996): packages, weight, appearance, carrier, start.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    pub packages: Option<u32>,
    pub weight: Option<Rate>,
    pub appearance: Option<String>,
    pub transport_by: Option<TransportBy>,
    pub carrier: Option<String>,
    pub transport_start: Option<Instant>,
}

impl Transport {
    fn apply(self, doc: &mut Document) {
        doc.packages = self.packages;
        doc.weight = self.weight;
        doc.appearance = self.appearance;
        doc.transport_by = self.transport_by;
        doc.carrier = self.carrier;
        doc.transport_start = self.transport_start;
    }
}

/// Receives goods for ticket `id`: `lines` as `CODE:QTY[:SERIAL]` (the ticket's item and
/// serial by default), for `reason` (warranty for warranty work, else repair, by default).
pub fn receive(
    env: &Env,
    id: &str,
    reason: Option<DdtReason>,
    lines: &[String],
    transport: Transport,
    opts: &DocOptions,
) -> Result<String> {
    let _lock = env.lock()?;
    let ticket: Ticket = env.desk.load(id)?;
    let mut doc = ticket_document(env, DocKind::DdtIn, &ticket, opts)?;
    doc.lines = if lines.is_empty() {
        let code = ticket.item.as_ref().ok_or_else(|| {
            Error::usage(format!("{} names no item: say what is received with --line CODE:QTY[:SERIAL]", ticket.id))
        })?;
        let item: Item = env.desk.load(code)?;
        vec![plain_line(&item, Decimal::ONE, ticket.serial.clone())]
    } else {
        item_lines(env, lines, false)?
    };
    let reason = reason.unwrap_or(if ticket.warranty { DdtReason::Warranty } else { DdtReason::Repair });
    doc.reason = Some(reason.to_string());
    transport.apply(&mut doc);
    issue(env, &mut doc, vec![], &format!("ddt-in for {}", ticket.id))
}

/// What a delivery note out sends.
#[derive(Debug, Clone, Default)]
pub struct Shipment {
    pub purpose: Option<DdtPurpose>,
    /// The delivery note that received the item; the ticket's latest one by default.
    pub ddt_in: Option<String>,
    /// `CODE:QTY[:SERIAL]` lines.
    pub lines: Vec<String>,
    /// For a replacement: the new unit's serial.
    pub new_serial: Option<String>,
    pub transport: Transport,
}

/// Sends goods for ticket `id`.
pub fn ship(env: &Env, id: &str, what: Shipment, opts: &DocOptions) -> Result<String> {
    let _lock = env.lock()?;
    let desk = &env.desk;
    let ticket: Ticket = desk.load(id)?;
    let purpose = what.purpose.ok_or_else(|| Error::usage("a delivery note out needs its purpose"))?;
    let mut doc = ticket_document(env, DocKind::DdtOut, &ticket, opts)?;
    doc.purpose = Some(purpose.clone());
    let received = match &what.ddt_in {
        Some(id) => Some(linked_ddt_in(&desk.load_doc(id)?, &ticket)?),
        None => desk.documents(&[DocKind::DdtIn])?.into_iter().rfind(|d| d.ticket.as_deref() == Some(&ticket.id)),
    };
    let mut also = Vec::new();
    match purpose {
        DdtPurpose::Sale => {
            if what.lines.is_empty() {
                return Err(Error::usage("a sale needs what is sold: --line CODE:QTY[:SERIAL]"));
            }
            doc.lines = item_lines(env, &what.lines, true)?;
        }
        DdtPurpose::Return => {
            doc.lines = if !what.lines.is_empty() {
                item_lines(env, &what.lines, false)?
            } else {
                let r = received.as_ref().ok_or_else(|| {
                    Error::usage(format!("{} has no ddt-in to return: say what is sent with --line", ticket.id))
                })?;
                r.lines.clone()
            };
            doc.ddt_in = received.map(|r| r.id);
        }
        DdtPurpose::Replacement => {
            let (line, written) = replace_unit(env, &ticket, &doc, what.new_serial.as_deref())?;
            doc.lines = vec![line];
            doc.ddt_in = received.map(|r| r.id);
            also = written;
        }
        DdtPurpose::Unknown(other) => {
            return Err(Error::usage(format!("--purpose {other:?}: one of {}", DdtPurpose::TEXTS.join(", "))))
        }
    }
    what.transport.apply(&mut doc);
    issue(env, &mut doc, also, &format!("ddt-out ({purpose}) for {}", ticket.id))
}

fn linked_ddt_in(doc: &Document, ticket: &Ticket) -> Result<Document> {
    if doc.kind != DocKind::DdtIn {
        return Err(Error::refused(format!("--ddt-in {}: a {}, not a ddt-in", doc.id, doc.kind)));
    }
    if doc.ticket.as_deref() != Some(&ticket.id) {
        return Err(Error::refused(format!("--ddt-in {}: it belongs to another ticket", doc.id)));
    }
    Ok(doc.clone())
}

/// Registers the new unit to the customer (its warranty starts on the document's date)
/// and marks the old one replaced. Returns the line and the written equipment files.
fn replace_unit(env: &Env, ticket: &Ticket, doc: &Document, new_serial: Option<&str>) -> Result<(Line, Vec<PathBuf>)> {
    let desk = &env.desk;
    if !desk.config.features.serial_numbers {
        return Err(Error::refused("a replacement registers the new unit: serial numbers are off in this desk")
            .with_hint("set `serial_numbers = true` under [features] in tkt.toml"));
    }
    let serial = new_serial.ok_or_else(|| Error::usage("a replacement needs --new-serial SERIAL of the new unit"))?;
    Kind::Equipment.check_id(serial)?;
    if desk.exists(Kind::Equipment, serial) {
        return Err(Error::refused(format!("--new-serial {serial}: that unit is already registered")));
    }
    let old: Option<Equipment> = match &ticket.serial {
        Some(s) => desk.get(s)?,
        None => None,
    };
    let code = ticket
        .item
        .clone()
        .or_else(|| old.as_ref().map(|o| o.item.clone()))
        .ok_or_else(|| Error::usage(format!("{} names no item: the new unit's item is not known", ticket.id)))?;
    let item: Item = desk.load(&code)?;
    let unit = Equipment {
        serial: serial.to_string(),
        item: item.code.clone(),
        customer: ticket.customer.clone(),
        sold_on: Some(doc.date),
        warranty_until: item.warranty_months.and_then(|m| warranty_end(doc.date, m)),
        location: old.as_ref().and_then(|o| o.location.clone()),
        notes: Some(format!("Replaces {} ({})", ticket.serial.as_deref().unwrap_or("?"), ticket.id)),
        replaced_by: None,
        replaced_on: None,
        extra: Default::default(),
    };
    refuse_if_any(&format!("unit {serial}"), check_equipment(&unit, Some(&item), true))?;
    let mut written = vec![desk.write(&unit)?];
    if let Some(mut old) = old {
        old.replaced_by = Some(serial.to_string());
        old.replaced_on = Some(doc.date);
        written.push(desk.write(&old)?);
    }
    if let Some(until) = unit.warranty_until {
        env.say(format!("{serial}: registered to {}, warranty until {until}", ticket.customer));
    }
    Ok((plain_line(&item, Decimal::ONE, Some(serial.to_string())), written))
}
