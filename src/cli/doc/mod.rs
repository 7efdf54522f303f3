//! `tkt doc`: documents after they are issued — list, show, print, credit, pay, refund,
//! close — and the flags every new document takes.

mod close;
mod credit;
mod export;
mod list;
mod pay;
mod print;
mod send;
mod show;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::ops::documents::DocOptions;
use crate::Result;

use super::{parse_document_date, Ctx};

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  tkt doc list --kind invoice --unpaid
  tkt doc print WR-2026-0003 --format html > rapportino.html
  tkt doc credit INV-2026-0003 --line 3:1 --reason 'Ricambio reso'
  tkt doc pay INV-2026-0003 --amount 100.00 --method bonifico --reference CRO123")]
pub enum DocCommand {
    /// List documents, filtered.
    List(list::DocListArgs),
    /// Show one document (and an invoice's balance).
    Show(show::DocShowArgs),
    /// Print a document as text or as a self-contained HTML page.
    Print(print::DocPrintArgs),
    /// Issue a credit note against an invoice: all of it, chosen lines, or an amount.
    Credit(credit::DocCreditArgs),
    /// Record a payment received against an invoice.
    Pay(pay::DocPayArgs),
    /// Record a refund paid out against a credit note.
    Refund(pay::DocRefundArgs),
    /// Close a job order, or mark a sales order fulfilled or cancelled.
    Close(close::DocCloseArgs),
    /// Export invoices and credit notes as FatturaPA XML files for SDI.
    Export(export::DocExportArgs),
    /// Mail exported e-invoices to SDI from the desk's PEC account.
    Send(send::DocSendArgs),
}

pub fn run(ctx: &Ctx, cmd: DocCommand) -> Result<()> {
    match cmd {
        DocCommand::List(a) => list::cmd_doc_list(ctx, a),
        DocCommand::Show(a) => show::cmd_doc_show(ctx, a),
        DocCommand::Print(a) => print::cmd_doc_print(ctx, a),
        DocCommand::Credit(a) => credit::cmd_doc_credit(ctx, a),
        DocCommand::Pay(a) => pay::cmd_doc_pay(ctx, a),
        DocCommand::Refund(a) => pay::cmd_doc_refund(ctx, a),
        DocCommand::Close(a) => {
            // A job or sales order this clone's sync just renumbered (fiscal documents are
            // never renumbered): the id is the remote's now.
            ctx.refuse_renumbered(&a.id)?;
            close::cmd_doc_close(ctx, a)
        }
        DocCommand::Export(a) => export::cmd_doc_export(ctx, a),
        DocCommand::Send(a) => send::cmd_doc_send(ctx, a),
    }
}

/// Flags every new document takes.
#[derive(Debug, Args, Default)]
pub struct DocArgs {
    /// The document's date (YYYY-MM-DD); today by default.
    #[arg(long, value_parser = parse_document_date)]
    pub date: Option<NaiveDate>,
    /// Numbering series (sezionale), e.g. MR for a technician's tablet; the clone's own
    /// series from .tkt/settings.toml by default.
    #[arg(long)]
    pub series: Option<String>,
    /// Notes printed on the document ('-' reads standard input).
    #[arg(long)]
    pub notes: Option<String>,
}

impl DocArgs {
    /// The options of the operation, with `--notes -` read from standard input.
    pub fn options(&self, ctx: &Ctx) -> Result<DocOptions> {
        Ok(DocOptions {
            date: self.date,
            series: self.series.clone(),
            notes: self.notes.as_deref().map(|n| ctx.text_arg(n)).transpose()?,
        })
    }
}
