use clap::Args;
use rust_decimal::Decimal;

use crate::model::{DocKind, Document, Line, Money, Rate};
use crate::rules::totals;
use crate::{Error, Result};

use super::super::Ctx;
use super::{invoice_balance, issue, load_sound_doc, new_document, DocArgs};

#[derive(Debug, Args)]
pub struct DocCreditArgs {
    /// The invoice to credit.
    pub invoice: String,
    /// Why (reso, errore di fatturazione, sconto concordato...); printed on the note.
    #[arg(long)]
    pub reason: String,
    /// Credit line N of the invoice, or QTY of it: --line 2 or --line 2:0.5 (repeatable).
    #[arg(long = "line", value_name = "N[:QTY]", conflicts_with = "amount")]
    pub lines: Vec<String>,
    /// Credit this taxable amount (VAT is added at the invoice's rate, or --vat-rate).
    #[arg(long, value_parser = Money::parse)]
    pub amount: Option<Money>,
    /// The VAT rate of an --amount credit, when the invoice has several.
    #[arg(long, value_parser = Rate::parse, requires = "amount")]
    pub vat_rate: Option<Rate>,
    #[command(flatten)]
    pub doc: DocArgs,
}

pub fn cmd_doc_credit(ctx: &Ctx, args: DocCreditArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let invoice = load_sound_doc(&desk, &args.invoice)?;
    if invoice.kind != DocKind::Invoice {
        return Err(Error::refused(format!("{} is a {}, not an invoice", invoice.id, invoice.kind)));
    }
    if args.reason.trim().is_empty() {
        return Err(Error::refused("--reason must say why the invoice is credited"));
    }
    let lines = if let Some(amount) = args.amount {
        vec![amount_line(&invoice, amount, args.vat_rate, &args.reason)?]
    } else if args.lines.is_empty() {
        invoice.lines.clone()
    } else {
        args.lines.iter().map(|spec| invoice_line(&invoice, spec)).collect::<Result<_>>()?
    };
    let balance = invoice_balance(&desk, &invoice)?;
    let total = totals(&lines).total;
    if total.0 > balance.creditable() {
        return Err(Error::refused(format!(
            "a credit note of {total} is more than what is left of {} ({} invoiced, {} already credited)",
            invoice.id, balance.invoiced, balance.credited
        )));
    }
    if total.0 <= Decimal::ZERO {
        return Err(Error::refused(format!("{}: a credit note of {total} credits nothing", invoice.id)));
    }
    let mut doc: Document = new_document(ctx, &desk, DocKind::CreditNote, &invoice.customer, &args.doc)?;
    doc.ticket = invoice.ticket.clone();
    doc.invoice = Some(invoice.id.clone());
    doc.reason = Some(args.reason.trim().to_string());
    doc.lines = lines;
    issue(ctx, &desk, &mut doc, vec![], &format!("credit note of {total} on {}", invoice.id))
}

/// Line N of the invoice, with the quantity asked for (all of it by default).
fn invoice_line(invoice: &Document, spec: &str) -> Result<Line> {
    let (n, qty) = match spec.split_once(':') {
        Some((n, q)) => (n, Some(q)),
        None => (spec, None),
    };
    let n: usize = n.trim().parse().map_err(|_| Error::usage(format!("--line {spec:?}: expected N[:QTY]")))?;
    let mut line =
        invoice.lines.get(n.wrapping_sub(1)).cloned().ok_or_else(|| {
            Error::refused(format!("--line {n}: {} has lines 1 to {}", invoice.id, invoice.lines.len()))
        })?;
    if let Some(q) = qty {
        let q = Rate::parse(q).map_err(|e| Error::refused(format!("--line {spec:?}: {e}")))?;
        if q.0 <= Decimal::ZERO || q.0 > line.qty.0 {
            return Err(Error::refused(format!(
                "--line {spec:?}: the quantity must be more than 0 and at most {}",
                line.qty
            )));
        }
        line.qty = q;
    }
    Ok(line)
}

/// One line crediting `amount` (taxable) at the invoice's VAT rate.
fn amount_line(invoice: &Document, amount: Money, rate: Option<Rate>, reason: &str) -> Result<Line> {
    let vat = invoice.totals.as_ref().map(|t| t.vat.clone()).unwrap_or_default();
    let (rate, nature) = match rate {
        Some(r) => (r, vat.iter().find(|v| v.rate == r).and_then(|v| v.nature.clone())),
        None => match vat.as_slice() {
            [only] => (only.rate, only.nature.clone()),
            _ => {
                let rates: Vec<String> = vat.iter().map(|v| format!("{}%", v.rate)).collect();
                return Err(Error::usage(format!(
                    "{} has several VAT rates ({}): give --vat-rate",
                    invoice.id,
                    rates.join(", ")
                )));
            }
        },
    };
    Ok(Line {
        item: None,
        description: format!("Rettifica: {}", reason.trim()),
        qty: Rate(Decimal::ONE),
        unit: None,
        unit_price: Some(amount),
        discount_pct: None,
        vat_rate: Some(rate),
        vat_nature: nature,
        serial: None,
        extra: Default::default(),
    })
}
