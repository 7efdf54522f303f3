use serde::{Deserialize, Serialize};
use serde_yaml::Mapping;

use super::Kind;

/// A customer (anagrafica cliente), `customers/<C-0001>.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// Partita IVA.
    #[serde(default)]
    pub vat_number: Option<String>,
    /// Codice Fiscale.
    #[serde(default)]
    pub tax_code: Option<String>,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub pec: Option<String>,
    #[serde(default)]
    pub sdi_code: Option<String>,
    #[serde(default)]
    pub payment_terms: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Work on building systems for this VAT-registered customer is billed net, the
    /// customer paying the VAT (inversione contabile, N6.7).
    #[serde(default)]
    pub reverse_charge: bool,
    /// A condominium: it withholds 4% of the taxable amount (art. 25-ter DPR 600/73).
    #[serde(default)]
    pub condominio: bool,
    /// The name of a reduced VAT rate of tkt.toml (`[billing.reduced_rates.NAME]`) that
    /// this customer's work is billed at, e.g. maintenance on a home at 10%.
    #[serde(default)]
    pub vat_rate: Option<String>,
    #[serde(flatten)]
    pub extra: Mapping,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub zip: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(flatten)]
    pub extra: Mapping,
}

super::keyed_record!(Customer, Kind::Customer, id);

/// A party to a fiscal document — the seller (cedente) or the buyer (cessionario) — as it
/// stood on the day of issue: the law wants these on the document, and an issued document
/// is a frozen fact, so it keeps its own copy (DESIGN §2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    #[serde(default)]
    pub address: Address,
    /// Partita IVA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
    /// Codice Fiscale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<String>,
    /// The seller's entry in the register of companies (e.g. `MI-1234567`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rea: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_capital: Option<String>,
    /// The buyer's SDI code (codice destinatario) or PEC, where invoices are delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdi_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The seller's bank account, printed where payment is by bank transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// The seller's tax regime at issue (`RF01`, `RF19`…): the e-invoice says the regime
    /// its lines were made under, whatever `tkt.toml` says later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime_fiscale: Option<String>,
    #[serde(flatten)]
    pub extra: Mapping,
}

impl Party {
    /// The customer as a buyer.
    pub fn buyer(c: &Customer) -> Party {
        Party {
            name: c.name.clone(),
            address: c.address.clone(),
            vat_number: c.vat_number.clone(),
            tax_code: c.tax_code.clone(),
            sdi_code: c.sdi_code.clone(),
            pec: c.pec.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            ..Default::default()
        }
    }
}
