use clap::Args;

use crate::model::DdtPurpose;
use crate::ops::delivery::{self, Shipment};
use crate::Result;

use super::super::doc::DocArgs;
use super::super::{vocabulary, Ctx};
use super::receive::TransportArgs;

#[derive(Debug, Args)]
pub struct TicketShipArgs {
    pub id: String,
    /// sale: goods sold, priced from the items; return: the received item goes back;
    /// replacement: a new unit replaces the customer's.
    #[arg(long, value_parser = vocabulary::<DdtPurpose>(DdtPurpose::TEXTS))]
    pub purpose: DdtPurpose,
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

pub fn cmd_ticket_ship(ctx: &Ctx, args: TicketShipArgs) -> Result<()> {
    let opts = args.doc.options(ctx)?;
    let what = Shipment {
        purpose: Some(args.purpose),
        ddt_in: args.ddt_in,
        lines: args.lines,
        new_serial: args.new_serial,
        transport: args.transport.transport(),
    };
    let id = ctx.run(|env| delivery::ship(env, &args.id, what, &opts))?;
    ctx.print_id(&id)
}
