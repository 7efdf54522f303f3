use clap::{Args, ValueEnum};

use crate::model::{DocKind, Instant, Item, Rate, Ticket};
use crate::{Error, Result};

use super::super::doc::{issue, item_lines, plain_line, ticket_document, DocArgs};
use super::super::Ctx;

/// How goods travel, shared by receive and ship.
#[derive(Debug, Args, Default)]
pub struct TransportArgs {
    /// Number of packages (colli).
    #[arg(long)]
    pub packages: Option<u32>,
    /// Gross weight in kg.
    #[arg(long, value_parser = Rate::parse)]
    pub weight: Option<Rate>,
    /// Outward appearance of the goods (aspetto dei beni): scatola, sfuso, pallet...
    #[arg(long)]
    pub appearance: Option<String>,
    /// Who carries the goods.
    #[arg(long, value_enum)]
    pub transport_by: Option<TransportBy>,
    /// The carrier's name, when a carrier carries them.
    #[arg(long)]
    pub carrier: Option<String>,
    /// When the transport starts (RFC 3339, e.g. 2026-11-27T15:00:00+01:00).
    #[arg(long, value_parser = parse_instant)]
    pub transport_start: Option<Instant>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TransportBy {
    Sender,
    Recipient,
    Carrier,
}

impl TransportArgs {
    pub fn apply(self, doc: &mut crate::model::Document) {
        doc.packages = self.packages;
        doc.weight = self.weight;
        doc.appearance = self.appearance;
        doc.transport_by = self.transport_by.map(|t| format!("{t:?}").to_lowercase());
        doc.carrier = self.carrier;
        doc.transport_start = self.transport_start;
    }
}

fn parse_instant(s: &str) -> Result<Instant, String> {
    chrono::DateTime::parse_from_rfc3339(s).map_err(|e| format!("{s:?} is not an RFC 3339 instant: {e}"))
}

#[derive(Debug, Args)]
pub struct TicketReceiveArgs {
    pub id: String,
    /// Why the item is received; warranty when the ticket is warranty work, else repair.
    #[arg(long, value_enum)]
    pub reason: Option<ReceiveReason>,
    /// What is received: CODE:QTY[:SERIAL] (repeatable); the ticket's item and serial by default.
    #[arg(long = "line", value_name = "CODE:QTY[:SERIAL]")]
    pub lines: Vec<String>,
    #[command(flatten)]
    pub transport: TransportArgs,
    #[command(flatten)]
    pub doc: DocArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReceiveReason {
    Repair,
    Replacement,
    Warranty,
    Inspection,
}

pub fn cmd_ticket_receive(ctx: &Ctx, args: TicketReceiveArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let ticket: Ticket = desk.load(&args.id)?;
    let mut doc = ticket_document(ctx, &desk, DocKind::DdtIn, &ticket, &args.doc)?;
    doc.lines = if args.lines.is_empty() {
        let code = ticket.item.as_ref().ok_or_else(|| {
            Error::usage(format!("{} names no item: say what is received with --line CODE:QTY[:SERIAL]", ticket.id))
        })?;
        let item: Item = desk.load(code)?;
        vec![plain_line(&item, rust_decimal::Decimal::ONE, ticket.serial.clone())]
    } else {
        item_lines(&desk, &args.lines, false)?
    };
    let reason = match args.reason {
        Some(r) => format!("{r:?}").to_lowercase(),
        None if ticket.warranty => "warranty".into(),
        None => "repair".into(),
    };
    doc.reason = Some(reason);
    args.transport.apply(&mut doc);
    issue(ctx, &desk, &mut doc, vec![], &format!("ddt-in for {}", ticket.id))
}
