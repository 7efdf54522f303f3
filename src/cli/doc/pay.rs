use clap::Args;
use rust_decimal::Decimal;

use crate::model::{DocKind, Money};
use crate::rules::{refundable, Balance};
use crate::{Error, Result};

use super::super::Ctx;
use super::{invoice_balance, issue, load_sound_doc, new_document, DocArgs};

#[derive(Debug, Args)]
pub struct DocPayArgs {
    /// The invoice paid.
    pub invoice: String,
    #[command(flatten)]
    pub money: MoneyArgs,
}

#[derive(Debug, Args)]
pub struct DocRefundArgs {
    /// The credit note refunded.
    pub credit_note: String,
    #[command(flatten)]
    pub money: MoneyArgs,
}

/// Money that moves: in for a payment, out for a refund.
#[derive(Debug, Args)]
pub struct MoneyArgs {
    /// The amount; when left out, all that is due (payment) or owed (refund).
    #[arg(long, value_parser = Money::parse)]
    pub amount: Option<Money>,
    /// How: bonifico, contanti, carta, assegno, RiBa...
    #[arg(long)]
    pub method: Option<String>,
    /// The bank's or the customer's reference (CRO, cheque number).
    #[arg(long)]
    pub reference: Option<String>,
    #[command(flatten)]
    pub doc: DocArgs,
}

pub fn cmd_doc_pay(ctx: &Ctx, args: DocPayArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let invoice = load_sound_doc(&desk, &args.invoice)?;
    if invoice.kind != DocKind::Invoice {
        return Err(Error::refused(format!("{} is a {}, not an invoice", invoice.id, invoice.kind)));
    }
    let balance = invoice_balance(&desk, &invoice)?;
    let payable = balance.payable();
    let amount = checked_amount(
        args.money.amount,
        payable,
        || {
            format!(
                "{}: nothing is due (invoiced {}, credited {}, paid {})",
                invoice.id, balance.invoiced, balance.credited, balance.paid
            )
        },
        |a| format!("{}: a payment of {a} is more than what is due ({})", invoice.id, Money(payable)),
    )?;
    let mut doc = new_document(ctx, &desk, DocKind::Payment, &invoice.customer, &args.money.doc)?;
    doc.ticket = invoice.ticket.clone();
    doc.invoice = Some(invoice.id.clone());
    doc.amount = Some(amount);
    doc.method = args.money.method.or_else(|| invoice.payment.as_ref().and_then(|p| p.method.clone()));
    doc.reference = args.money.reference;
    issue(ctx, &desk, &mut doc, vec![], &format!("payment of {amount} on {}", invoice.id))?;
    let left = Money(payable - amount.0);
    ctx.say(format!("{}: {} still due", invoice.id, left));
    Ok(())
}

pub fn cmd_doc_refund(ctx: &Ctx, args: DocRefundArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let note = load_sound_doc(&desk, &args.credit_note)?;
    if note.kind != DocKind::CreditNote {
        return Err(Error::refused(format!("{} is a {}, not a credit note", note.id, note.kind)));
    }
    let docs = desk.documents(&[DocKind::CreditNote, DocKind::Payment, DocKind::Refund])?;
    let invoice_id = note.invoice.clone().unwrap_or_default();
    let invoice = load_sound_doc(&desk, &invoice_id)?;
    let balance = Balance::of_invoice(&invoice, &docs);
    let owed = refundable(&note, &balance, &docs);
    let amount = checked_amount(
        args.money.amount,
        owed,
        || {
            format!(
                "{}: nothing to refund (the customer has not paid more than {} owes after its credit notes)",
                note.id, invoice.id
            )
        },
        |a| format!("{}: a refund of {a} is more than the credit note owes ({})", note.id, Money(owed)),
    )?;
    let mut doc = new_document(ctx, &desk, DocKind::Refund, &note.customer, &args.money.doc)?;
    doc.ticket = note.ticket.clone();
    doc.credit_note = Some(note.id.clone());
    doc.amount = Some(amount);
    doc.method = args.money.method;
    doc.reference = args.money.reference;
    issue(ctx, &desk, &mut doc, vec![], &format!("refund of {amount} on {}", note.id))
}

/// The amount asked for (or all that is allowed), refused when nothing is allowed or when
/// it is more than allowed.
fn checked_amount(
    asked: Option<Money>,
    allowed: Decimal,
    nothing: impl FnOnce() -> String,
    too_much: impl FnOnce(Money) -> String,
) -> Result<Money> {
    if allowed <= Decimal::ZERO {
        return Err(Error::refused(nothing()));
    }
    match asked {
        None => Ok(Money(allowed)),
        Some(a) if a.0 <= Decimal::ZERO => Err(Error::refused(format!("--amount {a}: must be positive"))),
        Some(a) if a.0 > allowed => Err(Error::refused(too_much(a))),
        Some(a) => Ok(a),
    }
}
