use serde::{Deserialize, Serialize};
use serde_yaml::Mapping;

use super::Kind;

/// A customer (anagrafica cliente), `customers/<C-0001>.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
