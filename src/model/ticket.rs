use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};

use super::{Instant, Kind};

/// A ticket assistenza: one identified problem of one customer
/// (`tickets/<YYYY>/<NNN>/<T-YYYY-NNNN>.yaml`, NNN its number's thousand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: String,
    pub title: String,
    pub customer: String,
    pub state: String,
    #[serde(deserialize_with = "super::instant::de")]
    pub opened_at: Instant,
    pub opened_by: String,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    /// The request this ticket was promoted from.
    #[serde(default)]
    pub request: Option<String>,
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    /// Whether the intervention is under warranty (costs the customer nothing).
    #[serde(default)]
    pub warranty: bool,
    #[serde(default)]
    pub problem: Option<String>,
    #[serde(default)]
    pub solution: Option<String>,
    #[serde(default, deserialize_with = "super::day::de_option")]
    pub due: Option<NaiveDate>,
    #[serde(default, deserialize_with = "super::instant::de_option")]
    pub closed_at: Option<Instant>,
    /// Values of the custom fields declared in `tkt.toml`.
    #[serde(default, deserialize_with = "each_once")]
    pub custom: BTreeMap<String, Value>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    #[serde(flatten)]
    pub extra: Mapping,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    #[serde(deserialize_with = "super::instant::de")]
    pub at: Instant,
    pub by: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Outlook's conversation of the e-mail the note came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// Files stored under `attachments/<record-id>/`, desk-relative.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// Why the note needs a second look (an e-mail from someone who is not the customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    #[serde(flatten)]
    pub extra: Mapping,
}

impl Note {
    /// A note typed by a person.
    pub fn new(at: Instant, by: &str, text: String) -> Note {
        Note {
            at,
            by: by.to_string(),
            text,
            source: None,
            message_id: None,
            thread: None,
            attachments: vec![],
            warning: None,
            extra: Default::default(),
        }
    }
}

impl Ticket {
    /// The first e-mail of its customer that came after the ticket was closed, while it
    /// stays closed: a customer wrote back and nobody has looked yet. A stranger's (a note
    /// with a warning) and the desk's own copy (from one of `desk_addresses`) are not.
    pub fn reply_after_close(&self, desk_addresses: &[&str]) -> Option<&Note> {
        let closed = self.closed_at?;
        let address = |by: &str| by.rsplit_once('<').map_or(by, |(_, a)| a.trim_end_matches('>')).trim().to_string();
        self.notes.iter().find(|n| {
            n.source.as_deref() == Some("email")
                && n.at >= closed
                && n.warning.is_none()
                && !desk_addresses.iter().any(|d| d.trim().eq_ignore_ascii_case(&address(&n.by)))
        })
    }
}

/// A state change (or creation, with no `from`), with an optional note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    #[serde(deserialize_with = "super::instant::de")]
    pub at: Instant,
    pub by: String,
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(flatten)]
    pub extra: Mapping,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl super::Record for Ticket {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> Kind {
        Kind::Ticket
    }
    fn extra(&self) -> &serde_yaml::Mapping {
        &self.extra
    }
    /// State, customer and assignee ("" for none): what lists filter on most.
    fn indexed(&self) -> Vec<String> {
        vec![self.state.clone(), self.customer.clone(), self.assignee.clone().unwrap_or_default()]
    }
}

impl super::Keyed for Ticket {
    const KIND: Kind = Kind::Ticket;
}

/// A map whose keys are each written once, as a record's fields are: serde's map keeps the
/// last of two silently (found by a careless-office attack: a custom field written twice
/// lost one value at the next write, `tkt check` clean).
fn each_once<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Value>, D::Error> {
    let mapping = Mapping::deserialize(d)?;
    serde_yaml::from_value(Value::Mapping(mapping)).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_custom_field_written_twice_is_refused() {
        let ticket = "id: T-2026-0001\ntitle: t\ncustomer: C-0001\nstate: new\nopened_at: 2026-11-27T09:00:00+01:00\n\
                      opened_by: anna\ncustom:\n  contratto: base\n  contratto: completo\n";
        let err = serde_yaml::from_str::<super::Ticket>(ticket).unwrap_err().to_string();
        assert!(err.contains("duplicate"), "{err}");
        let once = ticket.replace("  contratto: completo\n", "");
        assert_eq!(serde_yaml::from_str::<super::Ticket>(&once).unwrap().custom.len(), 1);
    }
}
