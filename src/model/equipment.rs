use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_yaml::Mapping;

use super::Kind;

/// One physical unit of an item, sold to a customer (`equipment/<SERIAL>.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Equipment {
    pub serial: String,
    pub item: String,
    pub customer: String,
    #[serde(default, deserialize_with = "super::day::de_option")]
    pub sold_on: Option<NaiveDate>,
    /// Last day covered by the warranty; set at creation from `sold_on` and the item's
    /// `warranty_months` unless given.
    #[serde(default, deserialize_with = "super::day::de_option")]
    pub warranty_until: Option<NaiveDate>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// The unit that replaced this one, when a replacement was shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    #[serde(default, deserialize_with = "super::day::de_option", skip_serializing_if = "Option::is_none")]
    pub replaced_on: Option<NaiveDate>,
    #[serde(flatten)]
    pub extra: Mapping,
}

super::keyed_record!(Equipment, Kind::Equipment, serial);
