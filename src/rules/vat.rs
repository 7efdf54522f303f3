//! The VAT regimes a service business meets, and the legal wording of every natura tkt
//! writes, in one table: warranty work outside the scope of VAT, the forfettario, reverse
//! charge on building systems, a reduced rate the business declares, the imposta di bollo,
//! and the condominium's withholding.

use rust_decimal::Decimal;

use crate::model::{Billing, Company, Customer, Line, Money, Rate, StampDuty, Totals, Withholding};

use super::{round_cents, Problem};

/// Why a line carries no VAT: its natura (FatturaPA) and the wording the law wants on the
/// document, with its reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exemption {
    /// A free repair under the seller's warranty: no consideration, so outside the scope.
    Warranty,
    /// The seller is in the regime forfettario (RF19): no VAT is charged.
    Forfettario,
    /// Installation and repair of building systems for a VAT-registered customer.
    ReverseCharge,
    /// The imposta di bollo charged back to the customer: excluded from the VAT base.
    StampDuty,
}

impl Exemption {
    /// Every exemption tkt writes, for the README's table and the tests.
    pub const ALL: [Exemption; 4] =
        [Exemption::Warranty, Exemption::Forfettario, Exemption::ReverseCharge, Exemption::StampDuty];

    pub fn nature(self) -> &'static str {
        match self {
            Exemption::Warranty | Exemption::Forfettario => "N2.2",
            Exemption::ReverseCharge => "N6.7",
            Exemption::StampDuty => "N1",
        }
    }

    /// The wording printed on the document and sent as riferimento normativo (at most 100
    /// characters, as FatturaPA allows).
    pub fn note(self) -> &'static str {
        match self {
            Exemption::Warranty => {
                "Operazione non soggetta: intervento in garanzia senza corrispettivo, artt. 2-3 DPR 633/72"
            }
            Exemption::Forfettario => "Operazione senza IVA, regime forfettario art. 1 c. 54-89 L. 190/2014",
            Exemption::ReverseCharge => "Inversione contabile, art. 17 c. 6 lett. a-ter DPR 633/72",
            Exemption::StampDuty => "Escluso art. 15 DPR 633/72: rimborso imposta di bollo",
        }
    }

    /// Makes `line` a line of this exemption: VAT 0 with its natura and wording.
    pub fn apply(self, line: &mut Line) {
        line.vat_rate = Some(Rate(Decimal::ZERO));
        line.vat_nature = Some(self.nature().to_string());
        line.vat_note = Some(self.note().to_string());
    }
}

/// What the imposta di bollo says on the document.
pub const STAMP_DUTY_NOTE: &str = "Imposta di bollo assolta in modo virtuale, art. 15 DPR 642/72 e DM 17/06/2014";
/// The bollo on a document without VAT, and the amount above which it is due.
pub const STAMP_DUTY: Decimal = Decimal::from_parts(200, 0, 0, false, 2);
pub const STAMP_DUTY_THRESHOLD: Decimal = Decimal::from_parts(7747, 0, 0, false, 2);
/// The condominium's withholding on account.
pub const CONDOMINIUM_WITHHOLDING: Decimal = Decimal::from_parts(4, 0, 0, false, 0);
pub const CONDOMINIUM_REFERENCE: &str = "art. 25-ter DPR 600/73";

/// How an invoice's lines are taxed, from the seller's regime and the customer's flags.
#[derive(Debug, Clone, PartialEq)]
pub enum VatRegime {
    /// Each line at its item's rate.
    Standard,
    Forfettario,
    ReverseCharge,
    /// A rate the business declares in tkt.toml for this customer's work.
    Reduced {
        rate: Rate,
        note: String,
        /// The natura of a rule at rate 0 (art. 7-ter, an intra-EU supply...).
        nature: Option<String>,
        /// Goods sold on their own: their natura and wording, when the rule covers them.
        goods: Option<(String, String)>,
        /// A forfettario seller's service outside the scope of VAT: where the work is
        /// taxed decides its natura (art. 7-ter: N2.1, not the regime's N2.2); goods are
        /// sold without VAT as the regime's.
        forfettario: bool,
    },
}

impl VatRegime {
    /// Whether the seller is in the regime forfettario, whose income bears no withholding.
    pub fn is_forfettario(&self) -> bool {
        matches!(self, VatRegime::Forfettario | VatRegime::Reduced { forfettario: true, .. })
    }
}

/// The regime of an invoice from `company` to `customer`.
pub fn regime_of(company: &Company, customer: &Customer, billing: &Billing) -> Result<VatRegime, Problem> {
    if company.is_forfettario() {
        // The regime charges no VAT, so a customer's rate is not its; but a service outside
        // the scope of Italian VAT (rate 0 with its natura) is outside it whoever sells.
        // Goods are the regime's: a forfettario's sale to a business in another EU country
        // is no intra-EU supply (art. 41 c. 2-bis DL 331/93; found by a review).
        return Ok(match rule_of(customer, billing)? {
            Some(VatRegime::Reduced { rate, note, nature: Some(nature), .. }) if rate.0.is_zero() => {
                VatRegime::Reduced { rate, note, nature: Some(nature), goods: None, forfettario: true }
            }
            _ => VatRegime::Forfettario,
        });
    }
    if customer.reverse_charge {
        if customer.vat_number.as_deref().is_none_or(|v| v.trim().is_empty()) {
            return Err(Problem::new(
                "reverse_charge",
                format!("{}: reverse charge is only for a customer with a Partita IVA", customer.id),
            ));
        }
        return Ok(VatRegime::ReverseCharge);
    }
    Ok(rule_of(customer, billing)?.unwrap_or(VatRegime::Standard))
}

/// The rule of tkt.toml the customer is billed under, if any.
fn rule_of(customer: &Customer, billing: &Billing) -> Result<Option<VatRegime>, Problem> {
    match &customer.vat_rate {
        None => Ok(None),
        Some(name) => match billing.reduced_rates.get(name) {
            None => {
                Err(Problem::new("vat_rate", format!("{}: no [billing.reduced_rates.{name}] in tkt.toml", customer.id)))
            }
            Some(r) if r.note.trim().is_empty() => Err(Problem::new(
                format!("billing.reduced_rates.{name}.note"),
                "empty: the invoice must cite the rule that allows the rate (RiferimentoNormativo)",
            )),
            Some(r) if let Some(long) = too_long_for_the_e_invoice(&r.note) => {
                Err(Problem::new(format!("billing.reduced_rates.{name}.note"), long))
            }
            Some(r) => Ok(Some(VatRegime::Reduced {
                rate: r.rate,
                note: r.note.clone(),
                nature: r.nature.clone(),
                goods: r.goods_nature.clone().zip(r.goods_note.clone()),
                forfettario: false,
            })),
        },
    }
}

/// Applies the regime to priced lines; lines already without VAT (warranty work) stay so.
pub fn apply_regime(draft: &mut super::InvoiceDraft, regime: &VatRegime) {
    let sold = draft.delivered_by.iter().map(Option::is_some).chain(std::iter::repeat(false));
    for (line, sold) in draft.lines.iter_mut().zip(sold).filter(|(l, _)| l.vat_nature.is_none()) {
        match regime {
            VatRegime::Standard => {}
            VatRegime::Forfettario => Exemption::Forfettario.apply(line),
            // Reverse charge is for work on buildings' systems (art. 17 c. 6 lett. a-ter DPR
            // 633/72): goods sold on their own bear VAT.
            VatRegime::ReverseCharge if sold => {}
            VatRegime::ReverseCharge => Exemption::ReverseCharge.apply(line),
            // So is a rule the business declares for its work (maintenance of a home at
            // 10%, a service outside the scope): goods sold on their own keep their rate,
            // unless the rule says what they are (goods sent to a business in the EU).
            VatRegime::Reduced { goods: Some((nature, note)), .. } if sold => {
                line.vat_rate = Some(Rate(Decimal::ZERO));
                line.vat_nature = Some(nature.clone());
                line.vat_note = Some(note.clone());
            }
            VatRegime::Reduced { forfettario: true, .. } if sold => Exemption::Forfettario.apply(line),
            VatRegime::Reduced { .. } if sold => {}
            VatRegime::Reduced { rate, note, nature, .. } => {
                line.vat_rate = Some(*rate);
                line.vat_nature = nature.clone();
                line.vat_note = Some(note.clone());
            }
        }
    }
}

/// The imposta di bollo of a document: due when its lines outside VAT (natura N1 to N4)
/// exceed 77.47 — but for exports of goods (N3.1, art. 15 of the table to DPR 642/72) and
/// goods sent to a business in another EU country (N3.2, art. 66 c. 1 DL 331/93); with
/// `StampDuty::Customer` it is also charged as a line of its own.
pub fn stamp_duty(lines: &[Line], who: StampDuty) -> (Option<Money>, Option<Line>) {
    let due = |n: &str| ["N1", "N2", "N3", "N4"].iter().any(|p| n.starts_with(p)) && !["N3.1", "N3.2"].contains(&n);
    // The duty charged back is no operation of its own: a credit note giving it back with
    // 76.00 of exempt work is under the threshold, as its invoice was before the duty
    // (found by a fiscal audit).
    let charged_back = |l: &Line| l.vat_note.as_deref() == Some(Exemption::StampDuty.note());
    let outside: Decimal = lines
        .iter()
        .filter(|l| l.vat_nature.as_deref().is_some_and(due) && !charged_back(l))
        .map(super::line_net)
        .sum();
    if who == StampDuty::Off || outside <= STAMP_DUTY_THRESHOLD {
        return (None, None);
    }
    let line = (who == StampDuty::Customer).then(|| {
        let mut l = Line {
            item: None,
            description: "Imposta di bollo".into(),
            qty: Rate(Decimal::ONE),
            unit: None,
            unit_price: Some(Money(STAMP_DUTY)),
            discount_pct: None,
            vat_rate: None,
            vat_nature: None,
            vat_note: None,
            serial: None,
            withholding: false,
            extra: Default::default(),
        };
        Exemption::StampDuty.apply(&mut l);
        l
    });
    (Some(Money(STAMP_DUTY)), line)
}

/// What is wrong with `note` as an e-invoice's RiferimentoNormativo, which holds 100
/// characters as it is written there (`€` is `EUR`): cut, it would lose its citation of the
/// law (found by a fiscal audit: a protocol number lost its last digit).
pub fn too_long_for_the_e_invoice(note: &str) -> Option<String> {
    let len = crate::model::latin::len(note);
    (len > 100).then(|| {
        format!("{len} characters as an e-invoice writes it (€ is EUR): it holds 100 of it (RiferimentoNormativo)")
    })
}

/// Whether an invoice's buyer pays its VAT to the State (split payment, art. 17-ter DPR
/// 633/72): a public administration, known by its 6-character SDI office code.
pub fn split_payment(doc: &crate::model::Document) -> bool {
    doc.buyer.as_ref().and_then(|b| b.sdi_code.as_deref()).is_some_and(|c| c.trim().len() == 6)
}

/// The 4% a condominium withholds on the taxable amount of the work (not on the bollo);
/// none when there is nothing to withhold on (work under warranty).
pub fn condominium_withholding(customer: &Customer, totals: &Totals) -> Option<Withholding> {
    if !customer.condominio {
        return None;
    }
    let base: Decimal = totals.vat.iter().filter(|v| v.nature.as_deref() != Some("N1")).map(|v| v.taxable.0).sum();
    if base.is_zero() {
        return None;
    }
    Some(Withholding {
        rate: Rate(CONDOMINIUM_WITHHOLDING),
        amount: Money(round_cents(base * CONDOMINIUM_WITHHOLDING / Decimal::ONE_HUNDRED)),
        reference: CONDOMINIUM_REFERENCE.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_note_fits_the_riferimento_normativo_of_an_e_invoice() {
        for e in Exemption::ALL {
            assert!(e.note().chars().count() <= 100, "{e:?}: {}", e.note());
        }
        assert_eq!(STAMP_DUTY.to_string(), "2.00");
        assert_eq!(STAMP_DUTY_THRESHOLD.to_string(), "77.47");
    }
}
