use clap::{Args, ValueEnum};

use crate::model::{DocKind, Document, Equipment, Item, Kind, Ticket};
use crate::rules::{check_equipment, refuse_if_any, warranty_end};
use crate::{Error, Result};

use super::super::doc::{issue, item_lines, plain_line, ticket_document, DocArgs};
use super::super::Ctx;
use super::receive::TransportArgs;

#[derive(Debug, Args)]
pub struct TicketShipArgs {
    pub id: String,
    /// sale: goods sold, priced from the items; return: the received item goes back;
    /// replacement: a new unit replaces the customer's.
    #[arg(long, value_enum)]
    pub purpose: ShipPurpose,
    /// The delivery note that received the item (a return sends back its lines); the
    /// ticket's latest one by default.
    #[arg(long, value_name = "DDT-IN")]
    pub ddt_in: Option<String>,
    /// What is sent: CODE:QTY[:SERIAL] (repeatable).
    #[arg(long = "line", value_name = "CODE:QTY[:SERIAL]")]
    pub lines: Vec<String>,
    /// For a replacement: the serial of the new unit, registered to the customer with a
    /// warranty starting on the document's date.
    #[arg(long, value_name = "SERIAL")]
    pub new_serial: Option<String>,
    #[command(flatten)]
    pub transport: TransportArgs,
    #[command(flatten)]
    pub doc: DocArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShipPurpose {
    Sale,
    Return,
    Replacement,
}

pub fn cmd_ticket_ship(ctx: &Ctx, args: TicketShipArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let ticket: Ticket = desk.load(&args.id)?;
    let mut doc = ticket_document(ctx, &desk, DocKind::DdtOut, &ticket, &args.doc)?;
    doc.purpose = Some(format!("{:?}", args.purpose).to_lowercase());
    let received = match &args.ddt_in {
        Some(id) => Some(linked_ddt_in(&desk.load_doc(id)?, &ticket)?),
        None => desk.documents(&[DocKind::DdtIn])?.into_iter().rfind(|d| d.ticket.as_deref() == Some(&ticket.id)),
    };
    let mut also = Vec::new();
    match args.purpose {
        ShipPurpose::Sale => {
            if args.lines.is_empty() {
                return Err(Error::usage("a sale needs what is sold: --line CODE:QTY[:SERIAL]"));
            }
            doc.lines = item_lines(&desk, &args.lines, true)?;
        }
        ShipPurpose::Return => {
            doc.lines = if !args.lines.is_empty() {
                item_lines(&desk, &args.lines, false)?
            } else {
                let r = received.as_ref().ok_or_else(|| {
                    Error::usage(format!("{} has no ddt-in to return: say what is sent with --line", ticket.id))
                })?;
                r.lines.clone()
            };
            doc.ddt_in = received.map(|r| r.id);
        }
        ShipPurpose::Replacement => {
            let (line, written) = replace_unit(ctx, &desk, &ticket, &doc, args.new_serial.as_deref())?;
            doc.lines = vec![line];
            doc.ddt_in = received.map(|r| r.id);
            also = written;
        }
    }
    args.transport.apply(&mut doc);
    let purpose = doc.purpose.clone().unwrap_or_default();
    issue(ctx, &desk, &mut doc, also, &format!("ddt-out ({purpose}) for {}", ticket.id))
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
fn replace_unit(
    ctx: &Ctx,
    desk: &crate::desk::Desk,
    ticket: &Ticket,
    doc: &Document,
    new_serial: Option<&str>,
) -> Result<(crate::model::Line, Vec<std::path::PathBuf>)> {
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
        ctx.say(format!("{serial}: registered to {}, warranty until {until}", ticket.customer));
    }
    Ok((plain_line(&item, rust_decimal::Decimal::ONE, Some(serial.to_string())), written))
}
