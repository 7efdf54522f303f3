use clap::Args;

use crate::model::PaymentMethod;
use crate::ops::documents::render_document;
use crate::ops::invoice::{invoice_ticket, InvoiceOptions, Invoiced};
use crate::print::PrintFormat;
use crate::Result;

use super::super::doc::DocArgs;
use super::super::Ctx;

#[derive(Debug, Args)]
pub struct TicketInvoiceArgs {
    pub id: String,
    /// Print the invoice that would be issued, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Payment terms; the customer's by default (e.g. "30 gg data fattura").
    #[arg(long)]
    pub terms: Option<String>,
    /// Payment method; billing.payment_method of tkt.toml by default.
    #[arg(long)]
    pub method: Option<PaymentMethod>,
    /// Bill only the work reports and deliveries dated up to this day (YYYY-MM-DD): a
    /// deferred invoice bills one month's DDTs.
    #[arg(long, value_parser = super::super::parse_date, value_name = "DATE")]
    pub until: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub doc: DocArgs,
}

pub fn cmd_ticket_invoice(ctx: &Ctx, args: TicketInvoiceArgs) -> Result<()> {
    let opts = InvoiceOptions {
        terms: args.terms,
        method: args.method,
        doc: args.doc.options(ctx)?,
        dry_run: args.dry_run,
        until: args.until,
    };
    ctx.run(|env| match invoice_ticket(env, &args.id, opts)? {
        Invoiced::Issued(id) => ctx.print_id(&id),
        Invoiced::Draft(doc) => ctx.print_text(&render_document(&env.desk, &doc, PrintFormat::Text)?),
    })
}
