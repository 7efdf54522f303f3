use serde::{Deserialize, Serialize};
use serde_yaml::Mapping;

use super::{Kind, Money, Rate};

/// A product or service (articolo), `items/<CODE>.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub description: String,
    #[serde(default)]
    pub kind: ItemKind,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub price: Option<Money>,
    #[serde(default)]
    pub vat_rate: Option<Rate>,
    /// Why an item at VAT 0 bears none: its natura (FatturaPA: N4 exempt, N2.2 not
    /// subject...), carried onto every line that sells it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_nature: Option<String>,
    /// The rule that allows it, as the invoice must cite it (art. 21 c. 6 DPR 633/72; the
    /// e-invoice's RiferimentoNormativo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_note: Option<String>,
    /// Whether each unit of this item has a serial number (an equipment record).
    #[serde(default)]
    pub serial_tracked: bool,
    /// A regular expression every serial of this item must match, whole.
    #[serde(default)]
    pub serial_pattern: Option<String>,
    #[serde(default)]
    pub warranty_months: Option<u32>,
    #[serde(flatten)]
    pub extra: Mapping,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    #[default]
    Goods,
    Service,
}

super::keyed_record!(Item, Kind::Item, code);
