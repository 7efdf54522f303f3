use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::desk::Desk;
use crate::files::write_atomic;
use crate::model::{Customer, DocKind, Document, Kind, Ticket};
use crate::print::{PrintFormat, PrintInput};
use crate::Result;

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct DocPrintArgs {
    pub id: String,
    /// text for a terminal or a printer; html for one self-contained page with print CSS.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: PrintFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn cmd_doc_print(ctx: &Ctx, args: DocPrintArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let doc = desk.load_doc(&args.id)?;
    let page = render_document(&desk, &doc, args.format)?;
    match args.output {
        Some(path) => {
            let path = ctx.cwd().join(path);
            write_atomic(&path, page.as_bytes())?;
            ctx.say(format!("{}: printed to {}", doc.id, path.display()));
        }
        None => std::io::stdout().lock().write_all(page.as_bytes())?,
    }
    Ok(())
}

/// Renders a document of the desk with its customer, ticket and (invoices) balance.
pub fn render_document(desk: &Desk, doc: &Document, format: PrintFormat) -> Result<String> {
    let customer: Option<Customer> = desk.get(&doc.customer)?;
    let ticket: Option<Ticket> = match &doc.ticket {
        Some(t) => desk.get(t)?,
        None => None,
    };
    // A draft (`ticket invoice --dry-run`) has no balance yet.
    let issued = desk.exists(Kind::Document(doc.kind), &doc.id);
    let balance = if doc.kind == DocKind::Invoice && issued { Some(super::invoice_balance(desk, doc)?) } else { None };
    crate::print::render_document(
        &PrintInput {
            config: &desk.config,
            doc,
            customer: customer.as_ref(),
            ticket: ticket.as_ref(),
            balance: balance.as_ref(),
            templates: &desk.root().join("templates"),
        },
        format,
    )
}
