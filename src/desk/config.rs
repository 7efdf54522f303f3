//! `tkt.toml`: company data, features, numbering and custom fields.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::model::Kind;
use crate::{Error, Result};

pub const CONFIG_FILE: &str = "tkt.toml";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub company: Company,
    #[serde(default)]
    pub features: Features,
    #[serde(default)]
    pub numbering: Numbering,
    /// Custom ticket fields, `[fields.NAME]`, in name order.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldDef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub vat_number: Option<String>,
    #[serde(default)]
    pub tax_code: Option<String>,
    #[serde(default)]
    pub address: Option<toml::Table>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub pec: Option<String>,
    #[serde(default)]
    pub sdi_code: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// Equipment records, serials on tickets and warranty checks.
    #[serde(default)]
    pub serial_numbers: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    #[serde(default)]
    pub prefixes: Prefixes,
}

/// Id prefixes per kind (DESIGN §4); documents get theirs with the documents issue.
#[derive(Debug, Clone, Deserialize)]
pub struct Prefixes {
    #[serde(default = "default_ticket_prefix")]
    pub ticket: String,
    #[serde(default = "default_customer_prefix")]
    pub customer: String,
    /// Prefixes of kinds this version does not number yet are kept, not refused.
    #[serde(flatten)]
    pub other: BTreeMap<String, String>,
}

fn default_ticket_prefix() -> String {
    "T".into()
}
fn default_customer_prefix() -> String {
    "C".into()
}

impl Default for Prefixes {
    fn default() -> Self {
        Prefixes { ticket: default_ticket_prefix(), customer: default_customer_prefix(), other: BTreeMap::new() }
    }
}

impl Prefixes {
    pub fn for_kind(&self, kind: Kind) -> Option<&str> {
        match kind {
            Kind::Ticket => Some(&self.ticket),
            Kind::Customer => Some(&self.customer),
            _ => None,
        }
    }
}

/// A custom ticket field declared as `[fields.NAME]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub help: Option<String>,
    /// The allowed values of an `enum` field.
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Int,
    Decimal,
    Date,
    Bool,
    Enum,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text).map_err(|msg| Error::refused(format!("{}: {msg}", path.display())))
    }

    /// Parses and checks the config; the message names the line and the key.
    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let line = text[..span.start].matches('\n').count() + 1;
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            format!("{at}{}", e.message())
        })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> std::result::Result<(), String> {
        let prefix = regex::Regex::new(r"^[A-Z][A-Z0-9]{0,9}$").unwrap();
        let p = &self.numbering.prefixes;
        for (key, value) in [("ticket", &p.ticket), ("customer", &p.customer)]
            .into_iter()
            .chain(p.other.iter().map(|(k, v)| (k.as_str(), v)))
        {
            if !prefix.is_match(value) {
                return Err(format!("numbering.prefixes.{key}: {value:?} must be 1-10 capital letters or digits, starting with a letter"));
            }
        }
        let name = regex::Regex::new(r"^[a-z][a-z0-9_]{0,39}$").unwrap();
        for (field, def) in &self.fields {
            if !name.is_match(field) {
                return Err(format!("fields.{field}: a field name is lower-case letters, digits and '_'"));
            }
            match (def.kind, def.values.is_empty()) {
                (FieldType::Enum, true) => return Err(format!("fields.{field}: an enum field needs `values = [...]`")),
                (FieldType::Enum, false) | (_, true) => {}
                (_, false) => return Err(format!("fields.{field}: `values` is only for type = \"enum\"")),
            }
        }
        Ok(())
    }
}

/// The commented `tkt.toml` written by `tkt init`.
pub const DEFAULT_CONFIG: &str = r#"# tkt desk configuration. Every section is optional; this file documents them all.

# Your company, as printed on documents.
[company]
name = "My Service Company"
# vat_number = "01234567897"     # Partita IVA
# tax_code = "01234567897"       # Codice Fiscale
# email = "assistenza@example.it"
# phone = "+39 000 000000"
# pec = "azienda@pec.example.it"
# sdi_code = "0000000"
# address = { street = "Via Roma 1", zip = "20100", city = "Milano", province = "MI", country = "IT" }

[features]
# Track equipment by serial number, with warranty checks on tickets.
serial_numbers = true

# Id prefixes: ids look like T-2026-0001 (tickets) and C-0001 (customers).
[numbering.prefixes]
ticket = "T"
customer = "C"

# Custom ticket fields, set with `tkt ticket create --set NAME=VALUE` and filtered
# with `tkt ticket list --where NAME=VALUE`.
# type = string | int | decimal | date | bool | enum (enum needs values = [...])
#
# [fields.contract]
# type = "enum"
# values = ["none", "basic", "full"]
# required = false
# help = "Maintenance contract of the customer"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_parses() {
        let c = Config::parse(DEFAULT_CONFIG).unwrap();
        assert!(c.features.serial_numbers);
        assert_eq!(c.numbering.prefixes.ticket, "T");
    }

    #[test]
    fn config_errors_name_the_line_and_key() {
        let err = Config::parse("[features]\nserial_numbers = \"yes\"\n").unwrap_err();
        assert!(err.starts_with("line 2"), "{err}");
        let err = Config::parse("[fields.x]\ntype = \"enum\"\n").unwrap_err();
        assert!(err.contains("fields.x"), "{err}");
        let err = Config::parse("[numbering.prefixes]\nticket = \"t/\"\n").unwrap_err();
        assert!(err.contains("numbering.prefixes.ticket"), "{err}");
    }
}
