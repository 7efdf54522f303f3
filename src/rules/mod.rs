//! Business rules as pure functions: they take records, `now` and the actor as arguments
//! and never read the clock, the environment or the disk.

mod balance;
mod billing;
mod catalog;
mod custom;
mod documents;
mod fiscal;
mod records;
mod terms;
mod ticket;
mod vat;
mod warranty;

pub use balance::{balances, credit_problems, refundable, Balance, Ledgered};
pub use billing::{
    cancelled_by, cancels, check_amount, check_digits, check_priced_lines, deferred_deadline, invoice_lines, item_line,
    line_net, net_of, round_cents, totals, totals_agree, unbilled, InvoiceDraft, WARRANTY_NOTE,
};
pub use catalog::{check_catalog, initial_state, settle_closed_at, transition};
pub use custom::{check_custom, parse_custom, same_custom};
pub use documents::{
    check_document, check_issued_document, left_to_return, money_unsound, returned_beyond, returns_goods_of,
    ReturnedBeyond,
};
pub use fiscal::{
    check_buyer, check_company, check_ddt_parties, check_iban, check_italian_vat_number, check_tax_code,
    check_vat_number, rea_parts, MAX_FISCAL_NUMBER, REA_FORM,
};
pub use records::{
    check_customer, check_equipment, check_item, check_request, is_country_code, is_sdi_pec, same_customer,
};
pub use terms::{due_date, paid_by_transfer, payment_modality};
pub use ticket::{check_ticket, closed_at_problem, one_line, TicketRefs};
pub use vat::{
    apply_regime, condominium_withholding, regime_of, split_payment, stamp_duty, Exemption, VatRegime, STAMP_DUTY_NOTE,
};
pub use warranty::{check_serial, check_serial_pattern, warranty_covers, warranty_end};

/// One thing wrong with a record: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Turns a record's problems into one refusal (exit 4) that lists them all.
pub fn refuse_if_any(subject: &str, problems: Vec<Problem>) -> crate::Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    Err(crate::Error::refused(format!("{subject} is not valid:\n{}", list.join("\n"))))
}

/// Refuses money counted from documents whose stored money disagrees with itself
/// ([`money_unsound`]), naming the first: exit 4, `tkt check` says the rest.
pub fn refuse_unsound_money<'a>(unsound: impl IntoIterator<Item = (&'a str, &'a str)>) -> crate::Result<()> {
    match unsound.into_iter().next() {
        None => Ok(()),
        Some((id, why)) => Err(crate::Error::refused(format!(
            "{id}: {why}: its money cannot be counted as it stands (changed by hand since it was issued?)"
        ))
        .with_hint("tkt check names what is wrong; restore the document from git history")),
    }
}
