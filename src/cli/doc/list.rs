use clap::Args;

use crate::model::{DocKind, Document};
use crate::ops::einvoice::SdiState;
use crate::ops::query::{list_documents, DocQuery, ListedDocument};
use crate::render::Format;
use crate::Result;

use super::super::{Ctx, FormatArg, Period};

#[derive(Debug, Args)]
pub struct DocListArgs {
    /// Only documents of these kinds (repeatable).
    #[arg(long, value_enum)]
    pub kind: Vec<DocKind>,
    /// Only documents of this ticket.
    #[arg(long)]
    pub ticket: Option<String>,
    /// Only documents of this customer.
    #[arg(long)]
    pub customer: Option<String>,
    #[command(flatten)]
    pub period: Period,
    /// Only invoices with something still due.
    #[arg(long)]
    pub unpaid: bool,
    /// Only e-invoices in this state (pending: exported or sent, SDI has not answered).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(SdiState::FILTERS))]
    pub sdi: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_doc_list(ctx: &Ctx, args: DocListArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let query = DocQuery {
        kinds: args.kind,
        ticket: args.ticket,
        customer: args.customer,
        since: args.period.since,
        until: args.period.until,
        unpaid: args.unpaid,
        sdi: args.sdi,
    };
    let docs = list_documents(&desk, &query)?;
    let names: std::collections::HashMap<String, String> =
        if args.format.format == Format::Table { ctx.customer_names(&desk)? } else { Default::default() };
    let amount =
        |d: &Document| if d.totals.is_some() || d.amount.is_some() { d.value().to_string() } else { String::new() };
    ctx.out().optional(&["ticket", "status"]).records(
        args.format.format,
        &docs,
        &[
            ("id", &|l: &ListedDocument| l.doc.id.clone()),
            ("kind", &|l: &ListedDocument| l.doc.kind.to_string()),
            ("date", &|l: &ListedDocument| l.doc.date.to_string()),
            ("ticket", &|l: &ListedDocument| l.doc.ticket.clone().unwrap_or_default()),
            ("amount", &|l: &ListedDocument| amount(&l.doc)),
            ("due", &|l: &ListedDocument| l.due.map(|m| m.to_string()).unwrap_or_default()),
            ("status", &|l: &ListedDocument| l.status.clone()),
            ("customer", &|l: &ListedDocument| {
                names.get(&l.doc.customer).cloned().unwrap_or_else(|| l.doc.customer.clone())
            }),
        ],
    )
}
