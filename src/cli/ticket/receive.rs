use chrono::NaiveDate;
use clap::Args;

use crate::model::{DdtReason, Instant, Rate, TransportBy};
use crate::ops::delivery::{self, TheirDdt, Transport};
use crate::Result;

use super::super::doc::DocArgs;
use super::super::{parse_date, vocabulary, Ctx};

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
    /// Who carries the goods: sender, recipient or carrier.
    #[arg(long, value_parser = vocabulary::<TransportBy>(TransportBy::TEXTS))]
    pub transport_by: Option<TransportBy>,
    /// The carrier's name (with --transport-by carrier, which it implies).
    #[arg(long, value_name = "NAME")]
    pub carrier: Option<String>,
    /// The carrier's address.
    #[arg(long, value_name = "TEXT")]
    pub carrier_address: Option<String>,
    /// The carrier's Partita IVA.
    #[arg(long, value_name = "P.IVA")]
    pub carrier_vat: Option<String>,
    /// When the transport starts (RFC 3339, e.g. 2026-11-27T15:00:00+01:00).
    #[arg(long, value_parser = parse_instant)]
    pub transport_start: Option<Instant>,
}

impl TransportArgs {
    pub fn transport(self) -> Transport {
        Transport {
            packages: self.packages,
            weight: self.weight,
            appearance: self.appearance,
            transport_by: self.transport_by,
            carrier: self.carrier,
            carrier_address: self.carrier_address,
            carrier_vat_number: self.carrier_vat,
            transport_start: self.transport_start,
        }
    }
}

fn parse_instant(s: &str) -> Result<Instant, String> {
    chrono::DateTime::parse_from_rfc3339(s).map_err(|e| format!("{s:?} is not an RFC 3339 instant: {e}"))
}

#[derive(Debug, Args)]
pub struct TicketReceiveArgs {
    pub id: String,
    /// Why the item is received (repair, replacement, warranty, inspection); warranty when
    /// the ticket is warranty work, else repair.
    #[arg(long, value_parser = vocabulary::<DdtReason>(DdtReason::TEXTS))]
    pub reason: Option<DdtReason>,
    /// What is received: CODE:QTY[:SERIAL] (repeatable); the ticket's item and serial by default.
    #[arg(long = "line", value_name = "CODE:QTY[:SERIAL]")]
    pub lines: Vec<String>,
    /// The number of the customer's own DDT the goods came with.
    #[arg(long, value_name = "NUMBER")]
    pub their_ddt: Option<String>,
    /// The date of the customer's own DDT (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub their_ddt_date: Option<NaiveDate>,
    #[command(flatten)]
    pub transport: TransportArgs,
    #[command(flatten)]
    pub doc: DocArgs,
}

pub fn cmd_ticket_receive(ctx: &Ctx, args: TicketReceiveArgs) -> Result<()> {
    let opts = args.doc.options(ctx)?;
    let transport = args.transport.transport();
    let their = TheirDdt { number: args.their_ddt, date: args.their_ddt_date };
    let id = ctx.run(|env| delivery::receive(env, &args.id, args.reason, &args.lines, their, transport, &opts))?;
    ctx.print_id(&id)
}
