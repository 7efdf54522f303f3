//! What an invoice is owed: invoiced, credited, paid, refunded, due; and how much more
//! a credit note, a payment or a refund may take (DESIGN §5).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{DocKind, Document, Money};

/// The balance of one invoice, derived from the documents that point at it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Balance {
    pub invoiced: Money,
    pub credited: Money,
    pub paid: Money,
    pub refunded: Money,
    /// What the customer still owes; negative when the business owes a refund.
    pub due: Money,
}

impl Balance {
    /// The balance of `invoice` given all documents of the desk (or at least those of
    /// its ticket).
    pub fn of_invoice(invoice: &Document, docs: &[Document]) -> Balance {
        let mut b = Balance { invoiced: Money(invoice.value().0), ..Balance::default() };
        let credit_notes: Vec<&Document> = docs
            .iter()
            .filter(|d| d.kind == DocKind::CreditNote && d.invoice.as_deref() == Some(&invoice.id))
            .collect();
        b.credited = Money(credit_notes.iter().map(|c| c.value().0).sum());
        b.paid = Money(
            docs.iter()
                .filter(|d| d.kind == DocKind::Payment && d.invoice.as_deref() == Some(&invoice.id))
                .map(|d| d.value().0)
                .sum(),
        );
        b.refunded = Money(
            docs.iter()
                .filter(|d| {
                    d.kind == DocKind::Refund && credit_notes.iter().any(|c| d.credit_note.as_deref() == Some(&c.id))
                })
                .map(|d| d.value().0)
                .sum(),
        );
        b.due = Money(b.invoiced.0 - b.credited.0 - b.paid.0 + b.refunded.0);
        b
    }

    /// What a new credit note may still take: the invoice less what is already credited.
    pub fn creditable(&self) -> Decimal {
        (self.invoiced.0 - self.credited.0).max(Decimal::ZERO)
    }

    /// What a new payment may still take.
    pub fn payable(&self) -> Decimal {
        self.due.0.max(Decimal::ZERO)
    }

    /// What the business owes back in money: what was paid beyond the invoice less its
    /// credit notes, less what was already refunded.
    pub fn overpaid(&self) -> Decimal {
        (-self.due.0).max(Decimal::ZERO)
    }
}

/// What a credit note still owes in money: its total less its refunds, and never more
/// than what the invoice has been overpaid.
pub fn refundable(credit_note: &Document, invoice_balance: &Balance, docs: &[Document]) -> Decimal {
    let refunded: Decimal = docs
        .iter()
        .filter(|d| d.kind == DocKind::Refund && d.credit_note.as_deref() == Some(&credit_note.id))
        .map(|d| d.value().0)
        .sum();
    (credit_note.value().0 - refunded).max(Decimal::ZERO).min(invoice_balance.overpaid())
}
