//! Records as stored in YAML, their ids and the paths that follow from the ids.
//!
//! Every record keeps the keys it does not know in `extra`, so data added by hand (or by
//! a newer tkt) survives a rewrite.

mod customer;
mod diff;
mod equipment;
mod id;
mod item;
mod number;
mod state;
mod ticket;

pub use customer::{Address, Customer};
pub use diff::{changed_fields, field_changes, value_changes, FieldChange};
pub use equipment::Equipment;
pub use id::{Kind, SequenceId};
pub use item::{Item, ItemKind};
pub use number::{Money, Rate};
pub use state::State;
pub use ticket::{HistoryEntry, Note, Priority, Ticket};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A record stored as one YAML file whose path follows from its id.
pub trait Record: Serialize + DeserializeOwned + Clone {
    const KIND: Kind;
    fn id(&self) -> &str;
}

/// Time stamps are RFC 3339 instants with the offset they were taken in.
pub type Instant = chrono::DateTime<chrono::FixedOffset>;
