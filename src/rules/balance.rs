//! What an invoice is owed: invoiced, credited, paid, refunded, due; and how much more
//! a credit note, a payment or a refund may take (DESIGN §5).

use std::collections::HashMap;

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
    /// What the buyer withholds and pays to the State instead (a condominium's 4%, a public
    /// administration's VAT).
    pub withheld: Money,
    /// What the customer still owes; negative when the business owes a refund.
    pub due: Money,
}

impl Balance {
    /// The balance of `invoice` given all documents of the desk (or at least those of
    /// its ticket).
    pub fn of_invoice(invoice: &Document, docs: &[Document]) -> Balance {
        let mut relevant = vec![invoice.clone()];
        relevant.extend(docs.iter().filter(|d| d.kind != DocKind::Invoice).cloned());
        balances(&relevant).remove(&invoice.id).unwrap_or_default()
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

/// What a balance reads of a document: the record itself, or a report's lean copy of it.
pub trait Ledgered {
    fn doc_kind(&self) -> DocKind;
    fn doc_id(&self) -> &str;
    /// A credit note's or payment's invoice.
    fn invoice(&self) -> Option<&str>;
    /// A refund's credit note.
    fn credit_note(&self) -> Option<&str>;
    /// Its total, or a payment's or refund's amount.
    fn value(&self) -> Money;
    /// What the buyer withholds of an invoice (and what a credit note gives back of it).
    fn withheld(&self) -> Money;
    /// Its taxable amount.
    fn net(&self) -> Money;
    /// Whether an invoice's credit notes say what they give back of its withholding
    /// (nothing when they say nothing): its lines say which bear it, or what is withheld
    /// is the VAT a public administration pays itself, which each credit note's own VAT
    /// reverses.
    fn gives_back_exactly(&self) -> bool;
}

impl Ledgered for Document {
    fn doc_kind(&self) -> DocKind {
        self.kind
    }
    fn doc_id(&self) -> &str {
        &self.id
    }
    fn invoice(&self) -> Option<&str> {
        self.invoice.as_deref()
    }
    fn credit_note(&self) -> Option<&str> {
        self.credit_note.as_deref()
    }
    fn value(&self) -> Money {
        Document::value(self)
    }
    fn withheld(&self) -> Money {
        let withholding = self.withholding.as_ref().map(|w| w.amount.0).unwrap_or_default();
        // A public administration pays the VAT of its invoices to the State itself (split
        // payment, art. 17-ter DPR 633/72): the seller is owed the rest.
        // A credit note to it gives back the VAT it reverses.
        let vat = match matches!(self.kind, DocKind::Invoice | DocKind::CreditNote) && super::vat::split_payment(self) {
            true => self.totals.as_ref().map(|t| t.vat.iter().map(|v| v.tax.0).sum()).unwrap_or_default(),
            false => Decimal::ZERO,
        };
        Money(withholding + vat)
    }
    fn net(&self) -> Money {
        super::net_of(self)
    }
    fn gives_back_exactly(&self) -> bool {
        self.lines.iter().any(|l| l.withholding) || super::vat::split_payment(self)
    }
}

/// The balances of every invoice among `docs`, in one pass over them.
pub fn balances<D: Ledgered>(docs: &[D]) -> HashMap<String, Balance> {
    let exact: std::collections::HashSet<&str> = docs
        .iter()
        .filter(|d| d.doc_kind() == DocKind::Invoice && d.gives_back_exactly())
        .map(|d| d.doc_id())
        .collect();
    let mut out: HashMap<String, Balance> = docs
        .iter()
        .filter(|d| d.doc_kind() == DocKind::Invoice)
        .map(|d| {
            (d.doc_id().to_string(), Balance { invoiced: d.value(), withheld: d.withheld(), ..Balance::default() })
        })
        .collect();
    let nets: HashMap<&str, Money> =
        docs.iter().filter(|d| d.doc_kind() == DocKind::Invoice).map(|d| (d.doc_id(), d.net())).collect();
    let mut credited_nets: HashMap<&str, Decimal> = HashMap::new();
    let invoice_of_note: HashMap<&str, &str> = docs
        .iter()
        .filter(|d| d.doc_kind() == DocKind::CreditNote)
        .filter_map(|d| d.invoice().map(|i| (d.doc_id(), i)))
        .collect();
    // What credit notes that say so give back of their invoice's withholding.
    let mut given_back: HashMap<&str, Decimal> = HashMap::new();
    for d in docs {
        if let (DocKind::CreditNote, Some(invoice)) = (d.doc_kind(), d.invoice()) {
            *given_back.entry(invoice).or_default() += d.withheld().0;
            *credited_nets.entry(invoice).or_default() += d.net().0;
        }
        let (invoice, field): (Option<&str>, fn(&mut Balance) -> &mut Money) = match d.doc_kind() {
            DocKind::CreditNote => (d.invoice(), |b| &mut b.credited),
            DocKind::Payment => (d.invoice(), |b| &mut b.paid),
            DocKind::Refund => (d.credit_note().and_then(|c| invoice_of_note.get(c).copied()), |b| &mut b.refunded),
            _ => continue,
        };
        if let Some(b) = invoice.and_then(|i| out.get_mut(i)) {
            field(b).0 += d.value().0;
        }
    }
    for (id, b) in out.iter_mut() {
        // A withholding falls with what is credited: by what each credit note gives back of
        // it (its share of the work), or — credit notes that do not say — in proportion; a
        // cancelled invoice withholds nothing.
        let withheld = |credited: Money| match exact.contains(id.as_str()) {
            true => (b.withheld.0 - given_back.get(id.as_str()).copied().unwrap_or_default()).max(Decimal::ZERO),
            false if !b.invoiced.0.is_zero() => {
                let left = (b.invoiced.0 - credited.0).max(Decimal::ZERO);
                super::round_cents(b.withheld.0 * left / b.invoiced.0)
            }
            false => b.withheld.0,
        };
        let due = |credited: Money, withheld: Decimal| b.invoiced.0 - withheld - credited.0 - b.paid.0 + b.refunded.0;
        let as_issued = (withheld(b.credited), due(b.credited, withheld(b.credited)));
        // Credit notes crediting every line of their invoice cancel it whole: each rounds
        // its own VAT (and what it gives back of a withholding), and the cent that leaves
        // either way is owed neither way, nor is a cent more: of the balance by the notes as
        // issued (what the customer was paid and refunded against) and the one of an
        // invoice cancelled, withholding nothing, the one nearer nothing — nothing where
        // they lie either side of it (found by fiscal reviews: an invoice credited line by
        // line stayed 0.01 due; paid, and every note refunded, "due -0.01" that no refund
        // could pay; a public administration's, "withheld 0.01").
        // Each view's columns add up to its due (a review: a row whose columns did not).
        let by_notes = (b.credited, Money(as_issued.0), Money(as_issued.1));
        let credited_net = Money(credited_nets.get(id.as_str()).copied().unwrap_or_default());
        (b.credited, b.withheld, b.due) = match super::cancels(credited_net, nets[id.as_str()]) {
            true => {
                let cancelled = (b.invoiced, Money::default(), Money(due(b.invoiced, Decimal::ZERO)));
                let side = |x: Money| x.0.cmp(&Decimal::ZERO);
                match () {
                    _ if by_notes.2 .0.is_zero() => by_notes,
                    _ if cancelled.2 .0.is_zero() => cancelled,
                    // Either side of nothing: nothing, the cent credited to the row.
                    _ if side(by_notes.2) != side(cancelled.2) => {
                        (Money(b.invoiced.0 - b.paid.0 + b.refunded.0), Money::default(), Money::default())
                    }
                    _ if by_notes.2 .0.abs() < cancelled.2 .0.abs() => by_notes,
                    _ => cancelled,
                }
            }
            false => by_notes,
        };
    }
    out
}

/// What credit notes may not do to their invoice (art. 26 DPR 633/72): credit a rate or
/// natura it does not have, or more taxable at a rate than it has. Each note rounds its own
/// VAT, so notes reversing an invoice line by line may credit half a cent of VAT more per
/// note than the invoice charged: the limit is on the taxable, per rate.
pub fn credit_problems(invoice: &Document, notes: &[&Document]) -> Vec<super::Problem> {
    type Key = (Decimal, Option<String>);
    let key = |v: &crate::model::VatLine| (v.rate.0.normalize(), v.nature.clone());
    // Per rate and natura: taxable, VAT, and how many documents have a row there.
    let per_key = |docs: &[&Document]| {
        let mut sums: std::collections::BTreeMap<Key, (Decimal, Decimal, u32)> = Default::default();
        for d in docs {
            for v in d.totals.as_ref().map(|t| t.vat.as_slice()).unwrap_or_default() {
                let sum = sums.entry(key(v)).or_default();
                *sum = (sum.0 + v.taxable.0, sum.1 + v.tax.0, sum.2 + 1);
            }
        }
        sums
    };
    let invoiced = per_key(&[invoice]);
    let mut problems = Vec::new();
    for (k, (credited, credited_tax, count)) in per_key(notes) {
        // Each note rounds its own VAT, half a cent at most: together they may reverse
        // that much more than was charged (four lines of 11.25 at 22% are 9.90 of VAT on
        // the invoice, 4 × 2.48 on their notes), no more (art. 26 reverses what was
        // charged).
        let rounding = Decimal::new((i64::from(count) + 1).max(2) / 2, 2);
        let rate = k.0;
        let nature = k.1.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
        match invoiced.get(&k).copied() {
            None => problems.push(super::Problem::new(
                "lines",
                format!("{} has no line at {rate}%{nature}: a credit note reverses what its invoice charged", invoice.id),
            )),
            Some((taxable, ..)) if credited > taxable => problems.push(super::Problem::new(
                "balance",
                format!(
                    "at {rate}%{nature} credit notes would credit {} taxable, more than what is left of {} ({} invoiced)",
                    Money(credited),
                    invoice.id,
                    Money(taxable)
                ),
            )),
            Some((_, tax, _)) if credited_tax > tax + rounding => problems.push(super::Problem::new(
                "balance",
                format!(
                    "at {rate}%{nature} credit notes would reverse {} of VAT, more than the {} {} charged",
                    Money(credited_tax),
                    Money(tax),
                    invoice.id
                ),
            )),
            Some(_) => {}
        }
    }
    problems
}

/// What a credit note still owes in money: what the customer paid for what it credits
/// (its total less what it gives back of the invoice's withholding, the VAT a public
/// administration pays itself among it) less its refunds, and never more than what the
/// invoice has been overpaid.
pub fn refundable(credit_note: &Document, invoice_balance: &Balance, docs: &[Document]) -> Decimal {
    let refunded: Decimal = docs
        .iter()
        .filter(|d| d.kind == DocKind::Refund && d.credit_note.as_deref() == Some(&credit_note.id))
        .map(|d| d.value().0)
        .sum();
    let paid_for = credit_note.value().0 - Ledgered::withheld(credit_note).0;
    (paid_for - refunded).max(Decimal::ZERO).min(invoice_balance.overpaid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_balances_in_one_pass_agree_with_one_invoice_at_a_time() {
        let docs: Vec<Document> = serde_yaml::from_str(
            "- {id: INV-2026-0001, kind: invoice, date: 2026-01-01, customer: C-0001, created_by: a, totals: {net: '100.00', vat: [], total: '122.00'}}
- {id: INV-2026-0002, kind: invoice, date: 2026-01-02, customer: C-0001, created_by: a, totals: {net: '10.00', vat: [], total: '12.20'}}
- {id: CN-2026-0001, kind: credit-note, date: 2026-01-03, customer: C-0001, created_by: a, invoice: INV-2026-0001, totals: {net: '20.00', vat: [], total: '24.40'}}
- {id: PAY-2026-0001, kind: payment, date: 2026-01-04, customer: C-0001, created_by: a, invoice: INV-2026-0001, amount: '122.00'}
- {id: RF-2026-0001, kind: refund, date: 2026-01-05, customer: C-0001, created_by: a, credit_note: CN-2026-0001, amount: '24.40'}
",
        )
        .unwrap();
        let all = balances(&docs);
        for inv in docs.iter().filter(|d| d.kind == DocKind::Invoice) {
            assert_eq!(all[&inv.id], Balance::of_invoice(inv, &docs));
        }
        assert_eq!(all["INV-2026-0001"].due, Money::default());
        assert_eq!(all["INV-2026-0002"].due.to_string(), "12.20");
    }
}
