use serde::{Deserialize, Serialize};
use serde_yaml::Mapping;

use super::{Channel, Instant, Kind, Note, RequestStatus};

/// A customer request (richiesta cliente): what a customer asked for, by phone, e-mail,
/// the support form or at the counter, before a problem is identified
/// (`requests/<YYYY>/<R-YYYY-NNNN>.yaml`). `promote` turns it into a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: String,
    #[serde(deserialize_with = "super::instant::de")]
    pub received_at: Instant,
    pub channel: Channel,
    /// Empty when the sender is not a known customer.
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub contact: Contact,
    pub subject: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    pub status: RequestStatus,
    /// The ticket it was promoted to.
    #[serde(default)]
    pub ticket: Option<String>,
    /// A ticket the message named (`[T-…]` in its subject) although its sender is not
    /// that ticket's customer: a link to look at, not a promotion.
    #[serde(default)]
    pub related: Option<String>,
    /// The Message-ID of the e-mail it came from.
    #[serde(default)]
    pub message_id: Option<String>,
    /// Outlook's conversation (Thread-Index root), to thread replies without In-Reply-To.
    #[serde(default)]
    pub thread: Option<String>,
    /// Files stored under `attachments/<id>/`, desk-relative.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// What intake could not verify (an unknown serial, an unknown sender).
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(flatten)]
    pub extra: Mapping,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(flatten)]
    pub extra: Mapping,
}

super::keyed_record!(Request, Kind::Request, id);
