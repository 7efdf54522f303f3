//! The consistency of customers, items and equipment.

use rust_decimal::Decimal;

use crate::model::{Channel, Customer, Equipment, Item, Request, RequestStatus};

use super::{check_italian_vat_number, check_serial_pattern, check_tax_code, Problem};

/// The field by which `b` is the same customer as `a`: the same Partita IVA (with or
/// without `IT`), codice fiscale or e-mail, compared without case or spaces.
pub fn same_customer(a: &Customer, b: &Customer) -> Option<&'static str> {
    let norm = |v: &Option<String>| {
        v.as_deref()
            .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase())
            .filter(|s| !s.is_empty())
    };
    let vat = |c: &Customer| norm(&c.vat_number).map(|v| v.strip_prefix("IT").map(str::to_string).unwrap_or(v));
    let same = |x: Option<String>, y: Option<String>| x.is_some() && x == y;
    if same(vat(a), vat(b)) {
        Some("vat_number")
    } else if same(norm(&a.tax_code), norm(&b.tax_code)) {
        Some("tax_code")
    } else if same(norm(&a.email), norm(&b.email)) {
        Some("email")
    } else {
        None
    }
}

/// Problems of a customer: empty name, a Partita IVA or Codice Fiscale whose check
/// character is wrong (Italian customers), a malformed e-mail or SDI code.
pub fn check_customer(c: &Customer) -> Vec<Problem> {
    let mut problems = Vec::new();
    if c.name.trim().is_empty() {
        problems.push(Problem::new("name", "must not be empty"));
    }
    let italian = c.address.country.as_deref().is_none_or(|cc| cc.trim().is_empty() || cc.eq_ignore_ascii_case("IT"));
    if italian {
        // An Italian customer's is an Italian Partita IVA: not any text after two letters
        // (found by a scripting attack: `TODO` passed, and only the invoice found it).
        if let Some(v) = c.vat_number.as_deref().filter(|v| !v.is_empty()) {
            if let Err(e) = check_italian_vat_number(v) {
                problems.push(Problem::new("vat_number", e));
            }
        }
        if let Some(v) = c.tax_code.as_deref().filter(|v| !v.is_empty()) {
            if let Err(e) = check_tax_code(v) {
                problems.push(Problem::new("tax_code", e));
            }
        }
    }
    if let Some(cc) = c.address.country.as_deref().map(str::trim).filter(|cc| !cc.is_empty()) {
        if !is_country_code(cc) {
            problems.push(Problem::new("country", format!("{cc:?} is not a 2-letter ISO country code (IT, DE, FR)")));
        }
    }
    for (field, value) in [("email", &c.email), ("pec", &c.pec)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            let ok = v
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !v.contains(char::is_whitespace));
            if !ok {
                problems.push(Problem::new(field, format!("{v:?} is not an e-mail address")));
            } else if field == "pec" && is_sdi_pec(v) {
                problems.push(Problem::new(field, format!("{v} is SDI's own address, not the customer's PEC")));
            }
        }
    }
    // Where it is set, not first by the invoice after the work (found by a fiscal audit).
    if c.reverse_charge && c.vat_number.as_deref().is_none_or(|v| v.trim().is_empty()) {
        problems.push(Problem::new("reverse_charge", "reverse charge is only for a customer with a Partita IVA"));
    }
    if let Some(sdi) = c.sdi_code.as_deref().filter(|v| !v.is_empty()) {
        // A business's codice destinatario has 7 characters, a public office's 6.
        if !((sdi.len() == 7 || sdi.len() == 6) && sdi.chars().all(|ch| ch.is_ascii_alphanumeric())) {
            problems.push(Problem::new(
                "sdi_code",
                format!("{sdi:?} is not an SDI code (7 letters or digits, 6 for a public administration)"),
            ));
        }
    }
    problems
}

/// Whether `address` is one of SDI's own PEC addresses (`sdiNN@pec.fatturapa.it`).
pub fn is_sdi_pec(address: &str) -> bool {
    address.trim().to_ascii_lowercase().ends_with("@pec.fatturapa.it")
}

/// Whether a country is written as its 2-letter ISO code (IT, DE), as FatturaPA wants it.
pub fn is_country_code(cc: &str) -> bool {
    cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Problems of an item: empty description, negative price, a VAT rate outside 0-100, a
/// natura missing or wrong ([`check_item_nature`]; `forfettario` when the seller charges no
/// VAT at all, RF19, whose items at 0% need none of their own), a serial pattern that is
/// not a regular expression.
pub fn check_item(i: &Item, forfettario: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    if i.description.trim().is_empty() {
        problems.push(Problem::new("description", "must not be empty"));
    }
    if i.price.is_some_and(|p| p.0.is_sign_negative()) {
        problems.push(Problem::new("price", "must not be negative"));
    }
    if i.vat_rate.is_some_and(|r| r.0 < Decimal::ZERO || r.0 > Decimal::ONE_HUNDRED) {
        problems.push(Problem::new("vat_rate", "must be a percentage between 0 and 100"));
    }
    // As an e-invoice writes it (AliquotaIVA: 22.00).
    if i.vat_rate.is_some_and(|r| r.0.normalize().scale() > 2) {
        problems.push(Problem::new("vat_rate", "has at most 2 decimals"));
    }
    if i.vat_rate.is_some_and(|r| r.0 > Decimal::ZERO && r.0 < Decimal::ONE) {
        problems.push(Problem::new("vat_rate", "is a percentage: 22, not 0.22"));
    }
    problems.extend(check_item_nature(i, forfettario));
    if let Some(p) = i.serial_pattern.as_deref().filter(|p| !p.is_empty()) {
        if let Err(e) = regex::Regex::new(p) {
            let first = e.to_string().lines().last().unwrap_or_default().to_string();
            problems.push(Problem::new("serial_pattern", format!("{p:?} is not a regular expression: {first}")));
        }
    }
    problems
}

/// An item sold without VAT says why, as its invoices must: a natura of FatturaPA 1.2 and
/// the rule, within the 100 characters of RiferimentoNormativo; an item with VAT has no
/// natura (SDI refuses one beside a rate, 00400).
fn check_item_nature(i: &Item, forfettario: bool) -> Vec<Problem> {
    let zero = i.vat_rate.is_some_and(|r| r.0.is_zero());
    let mut problems = Vec::new();
    match i.vat_nature.as_deref() {
        None if zero && !forfettario => problems.push(Problem::new(
            "vat_nature",
            "an item at 0% VAT needs its nature (e.g. N4 for an exempt operation) and vat_note, the rule",
        )),
        Some(n) if !crate::model::is_nature(n) => {
            problems.push(Problem::new("vat_nature", crate::model::not_a_nature(n)))
        }
        Some(_) if !zero => problems
            .push(Problem::new("vat_nature", "is for an item at 0% VAT only: set vat_rate to 0, or clear the nature")),
        _ => {}
    }
    match i.vat_note.as_deref() {
        None | Some("") if i.vat_nature.is_some() => problems.push(Problem::new(
            "vat_note",
            "missing: an invoice without VAT must cite the rule that allows it (e.g. \"Esente art. 10 DPR 633/72\")",
        )),
        Some(n) => {
            if let Some(long) = super::vat::too_long_for_the_e_invoice(n) {
                problems.push(Problem::new("vat_note", long));
            } else if !n.is_empty() && i.vat_nature.is_none() {
                problems.push(Problem::new("vat_note", "is for an item with a vat_nature only"));
            }
        }
        None => {}
    }
    problems
}

/// Problems of a unit: unknown item or customer, a serial that does not match its item's
/// pattern, a warranty that ends before the sale.
pub fn check_equipment(unit: &Equipment, item: Option<&Item>, customer_exists: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    match item {
        Some(item) => problems.extend(check_serial_pattern(&unit.serial, item)),
        None => problems.push(Problem::new("item", format!("unknown item {:?}", unit.item))),
    }
    if !customer_exists {
        problems.push(Problem::new("customer", format!("unknown customer {:?}", unit.customer)));
    }
    if let (Some(sold), Some(until)) = (unit.sold_on, unit.warranty_until) {
        if until < sold {
            problems.push(Problem::new("warranty_until", format!("{until} is before sold_on {sold}")));
        }
    }
    problems
}

/// Problems of a request on its own: its channel and status, and a promoted request
/// without its ticket.
pub fn check_request(r: &Request) -> Vec<Problem> {
    let mut problems = Vec::new();
    // One line, as a ticket's title it becomes (found by a review: `request show` printed
    // forged lines, and its promotion failed).
    problems.extend(super::one_line("subject", &r.subject));
    if let Channel::Unknown(other) = &r.channel {
        problems.push(Problem::new("channel", format!("{other:?} is not one of {}", Channel::TEXTS.join(", "))));
    }
    match (&r.status, &r.ticket) {
        (RequestStatus::Open | RequestStatus::Rejected, None) | (RequestStatus::Promoted, Some(_)) => {}
        (RequestStatus::Promoted, None) => problems.push(Problem::new("ticket", "a promoted request names its ticket")),
        (RequestStatus::Open | RequestStatus::Rejected, Some(t)) => {
            problems.push(Problem::new("status", format!("{} but linked to ticket {t}; expected promoted", r.status)))
        }
        (RequestStatus::Unknown(other), _) => problems
            .push(Problem::new("status", format!("{other:?} is not one of {}", RequestStatus::TEXTS.join(", ")))),
    }
    if r.subject.trim().is_empty() {
        problems.push(Problem::new("subject", "must not be empty"));
    }
    problems
}
