use chrono::NaiveDate;
use clap::Args;

use crate::model::{Customer, DocKind, Document};
use crate::render::Format;
use crate::rules::balances;
use crate::Result;

use super::super::{parse_date, Ctx, FormatArg};

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
    /// Only documents dated on or after this day.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Only documents dated on or before this day.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub until: Option<NaiveDate>,
    /// Only invoices with something still due.
    #[arg(long)]
    pub unpaid: bool,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_doc_list(ctx: &Ctx, args: DocListArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let all = desk.documents(&[])?;
    let mut kinds = args.kind.clone();
    if args.unpaid {
        kinds = vec![DocKind::Invoice];
    }
    let balances = balances(&all);
    let due = |d: &Document| balances.get(&d.id).map(|b| b.due).unwrap_or_default();
    let docs: Vec<Document> = all
        .iter()
        .filter(|d| {
            (kinds.is_empty() || kinds.contains(&d.kind))
                && args.ticket.as_ref().is_none_or(|t| d.ticket.as_ref() == Some(t))
                && args.customer.as_ref().is_none_or(|c| &d.customer == c)
                && args.since.is_none_or(|s| d.date >= s)
                && args.until.is_none_or(|u| d.date <= u)
                && (!args.unpaid || due(d).0.is_sign_positive() && !due(d).0.is_zero())
        })
        .cloned()
        .collect();
    let names: std::collections::HashMap<String, String> = if args.format.format == Format::Table {
        desk.load_all::<Customer>()?.into_iter().map(|c| (c.id, c.name)).collect()
    } else {
        Default::default()
    };
    let status = |d: &Document| -> String {
        match d.kind {
            DocKind::Invoice => {
                let b = &balances[&d.id];
                if b.due.0.is_zero() {
                    "settled".into()
                } else {
                    format!("due {}", b.due)
                }
            }
            DocKind::CreditNote | DocKind::Payment => format!("on {}", d.invoice.as_deref().unwrap_or("?")),
            DocKind::Refund => format!("on {}", d.credit_note.as_deref().unwrap_or("?")),
            _ => d
                .status
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| d.purpose.as_ref().map(ToString::to_string))
                .or_else(|| d.reason.clone())
                .unwrap_or_default(),
        }
    };
    let amount =
        |d: &Document| if d.totals.is_some() || d.amount.is_some() { d.value().to_string() } else { String::new() };
    ctx.out().records(
        args.format.format,
        &docs,
        &[
            ("id", &|d: &Document| d.id.clone()),
            ("kind", &|d: &Document| d.kind.to_string()),
            ("date", &|d: &Document| d.date.to_string()),
            ("ticket", &|d: &Document| d.ticket.clone().unwrap_or_default()),
            ("amount", &amount),
            ("status", &status),
            ("customer", &|d: &Document| names.get(&d.customer).cloned().unwrap_or_else(|| d.customer.clone())),
        ],
    )
}
