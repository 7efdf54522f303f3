//! Goods that travel: a delivery note in (ddt-in) receives the customer's item; a delivery
//! note out (ddt-out) sends goods sold, the repaired item back, or a replacement unit.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::model::{
    DdtPurpose, DdtReason, DocKind, Document, Equipment, Instant, Item, Kind, Line, Rate, Ticket, TransportBy,
};
use crate::rules::{check_equipment, check_vat_number, item_line, refuse_if_any, warranty_end};
use crate::{Error, Result};

use super::documents::{
    check_serials, issue, issue_with, item_lines, plain_line, ticket_document, DocOptions, SerialUse,
};
use super::Env;

/// How goods travel (DPR 472/1996): packages, weight, appearance, who carries them (a
/// carrier with its name, address and Partita IVA), start.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    pub packages: Option<u32>,
    pub weight: Option<Rate>,
    pub appearance: Option<String>,
    pub transport_by: Option<TransportBy>,
    pub carrier: Option<String>,
    pub carrier_address: Option<String>,
    pub carrier_vat_number: Option<String>,
    pub transport_start: Option<Instant>,
}

impl Transport {
    /// Sets the transport fields of `doc`. A carrier's data means transport by a carrier;
    /// transport by a carrier needs the carrier's name, address and valid Partita IVA.
    fn apply(self, doc: &mut Document) -> Result<()> {
        let carrier = [&self.carrier, &self.carrier_address, &self.carrier_vat_number]
            .map(|f| f.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string));
        let named = carrier.iter().any(Option::is_some);
        let by = match self.transport_by {
            None if named => Some(TransportBy::Carrier),
            other => other,
        };
        if by == Some(TransportBy::Carrier) {
            let missing: Vec<&str> = ["--carrier NAME", "--carrier-address TEXT", "--carrier-vat P.IVA"]
                .into_iter()
                .zip(&carrier)
                .filter(|(_, value)| value.is_none())
                .map(|(flag, _)| flag)
                .collect();
            if !missing.is_empty() {
                return Err(Error::refused(format!(
                    "--transport-by carrier: a DDT names its carrier (DPR 472/1996); missing {}",
                    missing.join(", ")
                )));
            }
            if let Some(Err(why)) = carrier[2].as_deref().map(check_vat_number) {
                return Err(Error::refused(format!("--carrier-vat {:?}: {why}", carrier[2].as_deref().unwrap_or(""))));
            }
        } else if named {
            return Err(Error::refused(format!(
                "--carrier: the goods are carried by the {}, not by a carrier",
                by.as_ref().map(TransportBy::as_str).unwrap_or("?")
            )));
        }
        if self.packages == Some(0) {
            return Err(Error::usage("--packages 0: a DDT sends at least one package"));
        }
        if let Some(w) = self.weight.filter(|w| w.0 <= Decimal::ZERO) {
            return Err(Error::usage(format!("--weight {w}: a weight is more than 0 kg")));
        }
        let [name, address, vat] = carrier;
        doc.packages = self.packages;
        doc.weight = self.weight;
        doc.appearance = self.appearance;
        doc.transport_by = by;
        doc.carrier = name;
        doc.carrier_address = address;
        doc.carrier_vat_number = vat;
        doc.transport_start = self.transport_start;
        Ok(())
    }
}

/// The customer's own delivery note that came with the goods: its number and date.
#[derive(Debug, Clone, Default)]
pub struct TheirDdt {
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
}

/// Receives goods for ticket `id`: `lines` as `CODE:QTY[:SERIAL]` (the ticket's item and
/// serial by default), for `reason` (warranty for warranty work, else repair, by default).
/// A serial received must be a unit of the ticket's customer.
pub fn receive(
    env: &Env,
    id: &str,
    reason: Option<DdtReason>,
    lines: &[String],
    their: TheirDdt,
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
        let line = plain_line(&item, Decimal::ONE, ticket.serial.clone());
        check_serials(
            env,
            &format!("{}'s serial", ticket.id),
            std::slice::from_ref(&line),
            &doc.customer,
            SerialUse::Owned,
        )?;
        vec![line]
    } else {
        item_lines(env, lines, false, &doc.customer, SerialUse::Owned)?
    };
    let reason = reason.unwrap_or(if ticket.warranty { DdtReason::Warranty } else { DdtReason::Repair });
    doc.reason = Some(reason.to_string());
    doc.their_ddt = their.number.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    doc.their_ddt_date = their.date;
    match (&doc.their_ddt, doc.their_ddt_date) {
        (None, Some(_)) => return Err(Error::usage("--their-ddt-date needs --their-ddt NUMBER")),
        // A DDT is known by its number and its date: a number alone names none.
        (Some(_), None) => return Err(Error::usage("--their-ddt needs --their-ddt-date DATE, the date on their DDT")),
        (_, Some(date)) if date > doc.date => {
            return Err(Error::refused(format!(
                "--their-ddt-date {date} is after this ddt-in's date {}: their DDT comes with the goods",
                doc.date
            )))
        }
        _ => {}
    }
    transport.apply(&mut doc)?;
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

/// Sends goods for ticket `id`. Units a sale or a replacement registers (or marks
/// replaced) are written with the delivery note, once it passed its checks.
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
    // Its lines are copied into the new DDT: as they were issued.
    if let Some(r) = &received {
        super::documents::refuse_changed_since_issue(desk, &[r])?;
    }
    // Goods go back after they came: not before the delivery note that received them.
    if let Some(r) = received.as_ref().filter(|r| r.date > doc.date && purpose == DdtPurpose::Return) {
        return Err(Error::refused(format!(
            "a ddt-out dated {} may not precede {} of {}, which received the goods",
            doc.date, r.id, r.date
        )));
    }
    let mut units = Vec::new();
    let mut billed = false;
    match purpose {
        DdtPurpose::Sale => {
            if what.lines.is_empty() {
                return Err(Error::usage("a sale needs what is sold: --line CODE:QTY[:SERIAL]"));
            }
            doc.lines = item_lines(env, &what.lines, true, &doc.customer, SerialUse::New)?;
            units = sold_units(env, &doc)?;
        }
        DdtPurpose::Return => {
            doc.lines = if !what.lines.is_empty() {
                item_lines(env, &what.lines, false, &doc.customer, SerialUse::Owned)?
            } else {
                let r = received.as_ref().ok_or_else(|| {
                    Error::usage(format!("{} has no ddt-in to return: say what is sent with --line", ticket.id))
                })?;
                check_serials(env, &format!("the lines of {}", r.id), &r.lines, &doc.customer, SerialUse::Owned)?;
                // What earlier returns left of it (found by a fiscal review: once one line
                // had gone back, the default refused the rest).
                let returns = returns_of(env, r)?;
                let left = crate::rules::left_to_return(r, &returns.iter().collect::<Vec<_>>());
                if left.is_empty() {
                    let by: Vec<&str> = returns.iter().map(|d| d.id.as_str()).collect();
                    return Err(Error::refused(format!(
                        "{}: everything {} brought was sent back already ({})",
                        ticket.id,
                        r.id,
                        by.join(", ")
                    )));
                }
                left
            };
            if let Some(r) = &received {
                refuse_returned_already(env, r, &doc.lines)?;
            }
            doc.ddt_in = received.map(|r| r.id);
        }
        DdtPurpose::Replacement => {
            // Out of warranty, the new unit is sold: priced like a sale, and invoiced.
            billed = !ticket.warranty;
            let (line, replaced) = replacement(env, &ticket, &doc, what.new_serial.as_deref(), billed)?;
            doc.lines = vec![line];
            doc.ddt_in = received.map(|r| r.id);
            units = replaced;
        }
        DdtPurpose::Unknown(other) => {
            return Err(Error::usage(format!("--purpose {other:?}: one of {}", DdtPurpose::TEXTS.join(", "))))
        }
    }
    what.transport.apply(&mut doc)?;
    let write_units = || units.iter().map(|u| desk.write(u)).collect::<Result<Vec<_>>>();
    let issued = issue_with(env, &mut doc, write_units, &format!("ddt-out ({purpose}) for {}", ticket.id))?;
    for unit in units.iter().filter(|u| u.replaced_by.is_none()) {
        env.say(match unit.warranty_until {
            Some(until) => format!("{}: registered to {}, warranty until {until}", unit.serial, unit.customer),
            None => format!("{}: registered to {}", unit.serial, unit.customer),
        });
    }
    if billed {
        env.say(format!(
            "{} is not warranty work: the replacement is priced like a sale and billed by `tkt ticket invoice`",
            ticket.id
        ));
    }
    Ok(issued)
}

/// Refuses to send back more of what `received` brought than is left of it: what returns
/// naming it sent back already is not sent again (a line of goods it did not bring is
/// another matter). Counted per item, whatever the serials, and per unit for a line that
/// names one the ddt-in brought.
fn refuse_returned_already(env: &Env, received: &Document, lines: &[Line]) -> Result<()> {
    use crate::rules::returns_goods_of;
    super::documents::refuse_issued_against_gone(
        env,
        DocKind::DdtOut,
        &received.id,
        &returns_goods_of,
        "returned goods of",
    )?;
    let returns = returns_of(env, received)?;
    let returns: Vec<&Document> = returns.iter().collect();
    let Some(over) = crate::rules::returned_beyond(received, &returns, lines) else { return Ok(()) };
    let by: Vec<&str> = returns.iter().map(|d| d.id.as_str()).collect();
    let left = (over.brought - over.sent).max(Decimal::ZERO);
    let hint = match (&over.item, left.is_zero(), over.by_serial) {
        (Some(item), false, false) => format!(" (send it with --line {item}:{left})"),
        _ => String::new(),
    };
    Err(Error::refused(format!(
        "{}: {} brought {}, and {} sent back {} already: {left} of it is left to return{hint}",
        over.what,
        received.id,
        over.brought,
        by.join(", "),
        over.sent
    )))
}

/// The delivery notes that sent back goods `received` brought.
fn returns_of(env: &Env, received: &Document) -> Result<Vec<Document>> {
    let of = |d: &Document| crate::rules::returns_goods_of(d) == Some(received.id.as_str());
    Ok(env.desk.documents(&[DocKind::DdtOut])?.into_iter().filter(of).collect())
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

/// A new unit of `item` for the document's customer, sold (or given as a replacement) on
/// the document's date, its warranty from the item's months; checked like any unit.
fn new_unit(doc: &Document, item: &Item, serial: &str, location: Option<String>, notes: String) -> Result<Equipment> {
    let unit = Equipment {
        serial: serial.to_string(),
        item: item.code.clone(),
        customer: doc.customer.clone(),
        sold_on: Some(doc.date),
        warranty_until: item.warranty_months.and_then(|m| warranty_end(doc.date, m)),
        location,
        notes: Some(notes),
        replaced_by: None,
        replaced_on: None,
        extra: Default::default(),
    };
    refuse_if_any(&format!("unit {serial}"), check_equipment(&unit, Some(item), true))?;
    Ok(unit)
}

/// The units a sale registers to the customer: one per serial it sends (with serial
/// numbers on).
fn sold_units(env: &Env, doc: &Document) -> Result<Vec<Equipment>> {
    let desk = &env.desk;
    if !desk.config.features.serial_numbers {
        return Ok(vec![]);
    }
    let mut units: Vec<Equipment> = Vec::new();
    for line in &doc.lines {
        let (Some(code), Some(serial)) = (&line.item, &line.serial) else { continue };
        if units.iter().any(|u| &u.serial == serial) {
            return Err(Error::refused(format!("--line: serial {serial} is sold twice in one DDT")));
        }
        let item: Item = desk.load(code)?;
        let notes = match &doc.ticket {
            Some(t) => format!("Sold for {t}"),
            None => "Sold".to_string(),
        };
        units.push(new_unit(doc, &item, serial, None, notes)?);
    }
    Ok(units)
}

/// A replacement: the new unit registered to the customer (its warranty starts on the
/// document's date) and the old one marked replaced. Returns the line — priced from the
/// item when the replacement is `billed` — and the units to write.
fn replacement(
    env: &Env,
    ticket: &Ticket,
    doc: &Document,
    new_serial: Option<&str>,
    billed: bool,
) -> Result<(Line, Vec<Equipment>)> {
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
    let line = if billed {
        item_line(&item, Decimal::ONE, item.description.clone(), Some(serial.to_string()))
            .map_err(|p| Error::refused(format!("a replacement out of warranty is sold: {p}")))?
    } else {
        plain_line(&item, Decimal::ONE, Some(serial.to_string()))
    };
    let notes = format!("Replaces {} ({})", ticket.serial.as_deref().unwrap_or("?"), ticket.id);
    if let Some(by) = old.as_ref().and_then(|o| Some((o.serial.clone(), o.replaced_by.clone()?, o.replaced_on))) {
        return Err(Error::refused(format!(
            "{} was replaced by {}{} already: a unit is replaced once",
            by.0,
            by.1,
            by.2.map(|d| format!(" on {d}")).unwrap_or_default()
        ))
        .with_hint(format!("a fault of the new unit is a ticket about {}", by.1)));
    }
    let mut units = vec![new_unit(doc, &item, serial, old.as_ref().and_then(|o| o.location.clone()), notes)?];
    if let Some(mut old) = old {
        old.replaced_by = Some(serial.to_string());
        old.replaced_on = Some(doc.date);
        units.push(old);
    }
    Ok((line, units))
}
