use std::collections::{HashMap, HashSet};

use clap::Args;

use crate::model::{Customer, DocKind, Document, Item, PaymentInfo, Ticket};
use crate::print::PrintFormat;
use crate::rules::{due_date, invoice_lines, totals};
use crate::{Error, Result};

use super::super::doc::{issue, render_document, ticket_document, DocArgs};
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
    pub method: Option<String>,
    #[command(flatten)]
    pub doc: DocArgs,
}

pub fn cmd_ticket_invoice(ctx: &Ctx, args: TicketInvoiceArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let ticket: Ticket = desk.load(&args.id)?;
    let docs = desk.documents(&[DocKind::WorkReport, DocKind::DdtOut, DocKind::Invoice])?;
    let billed: HashSet<&str> =
        docs.iter().filter(|d| d.kind == DocKind::Invoice).flat_map(|d| d.sources.iter().map(String::as_str)).collect();
    let unbilled: Vec<&Document> = docs
        .iter()
        .filter(|d| d.ticket.as_deref() == Some(&ticket.id) && !billed.contains(d.id.as_str()))
        .filter(|d| {
            d.kind == DocKind::WorkReport || (d.kind == DocKind::DdtOut && d.purpose.as_deref() == Some("sale"))
        })
        .collect();
    if unbilled.is_empty() {
        return Err(Error::refused(format!(
            "{}: nothing to invoice (no work report or sale not yet invoiced)",
            ticket.id
        )));
    }
    let items: HashMap<String, Item> = desk.load_all::<Item>()?.into_iter().map(|i| (i.code.clone(), i)).collect();
    let draft =
        invoice_lines(&ticket, &unbilled, &items, &desk.config.billing).map_err(|p| Error::refused(p.to_string()))?;
    let customer: Option<Customer> = desk.get(&ticket.customer)?;
    let mut doc = ticket_document(ctx, &desk, DocKind::Invoice, &ticket, &args.doc)?;
    doc.warranty = Some(ticket.warranty);
    doc.lines = draft.lines;
    doc.sources = draft.sources;
    let terms = args.terms.or_else(|| customer.and_then(|c| c.payment_terms));
    doc.payment = Some(PaymentInfo {
        due_date: due_date(doc.date, terms.as_deref()),
        terms,
        method: args.method.or_else(|| desk.config.billing.payment_method.clone()),
    });
    let total = totals(&doc.lines).total;
    if args.dry_run {
        doc.totals = Some(totals(&doc.lines));
        doc.id = "(draft)".into();
        print!("{}", render_document(&desk, &doc, PrintFormat::Text)?);
        ctx.say(format!("dry run: nothing written; {} would bill {}", ticket.id, doc.sources.join(", ")));
        return Ok(());
    }
    let what = format!("invoice of {total} for {} ({})", ticket.id, doc.sources.join(", "));
    issue(ctx, &desk, &mut doc, vec![], &what)
}
