//! Records as stored in YAML, their ids and the paths that follow from the ids.
//!
//! Every record keeps the keys it does not know in `extra`, so data added by hand (or by
//! a newer tkt) survives a rewrite.

mod config;
mod conflict;
mod customer;
pub mod day;
mod diff;
mod document;
mod equipment;
mod id;
pub mod instant;
mod item;
pub mod latin;
mod number;
mod request;
mod state;
mod ticket;
mod vocab;
mod yaml;

pub use config::{
    is_nature, not_a_nature, Billing, Company, Config, Cover, Creates, FieldDef, FieldType, FiscalNumbering, Intake,
    LocalSettings, Pec, PecTls, ReducedRate, StampDuty, StrangerTag, CONFIG_FILE, DEFAULT_CONFIG, SDI_PEC,
};
pub use conflict::{conflicts_in, resolve_conflicts, Conflict, ConflictSide};
pub use customer::{Address, Customer, Party};
pub use diff::{changed_fields, field_changes, issued_fields_changed, value_changes, FieldChange};
pub use document::{DdtRef, DocKind, Document, Line, Material, PaymentInfo, Totals, VatLine, Withholding, EINVOICE};
pub use equipment::Equipment;
pub use id::{
    in_year_folder, is_code, is_shard, record_path, record_places, shard_of, sharded_path, unsharded_path,
    written_otherwise, year_folder, Kind, SequenceId,
};
pub use item::{Item, ItemKind};
pub use number::{Money, Rate};
pub use request::{Contact, Request};
pub use state::{default_catalog, State};
pub use ticket::{HistoryEntry, Note, Priority, Ticket};
pub use vocab::{Channel, DdtPurpose, DdtReason, OrderStatus, PaymentMethod, RequestStatus, TransportBy, WorkOutcome};
pub use yaml::{from_yaml, YamlError, MAX_NESTING};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A record stored as one YAML file whose path follows from its id and kind.
pub trait Record: Serialize + DeserializeOwned + Clone + PartialEq {
    fn id(&self) -> &str;
    fn kind(&self) -> Kind;
    /// The keys of the file that no field reads, kept as they are (sync writes its
    /// `conflicts:` here).
    fn extra(&self) -> &serde_yaml::Mapping;
    /// The ids of other records this one points at (a document's ticket, invoice, …).
    fn links(&self) -> Vec<String> {
        Vec::new()
    }
    /// Values the cache keeps beside the record, so that commands can pass over records
    /// without decoding them; what each position means is the record type's to say.
    fn indexed(&self) -> Vec<String> {
        Vec::new()
    }
    /// The record as the mapping written to disk, every field it can hold present
    /// (`null`, or `[]` for a list, when empty). Most records write every field already.
    fn to_mapping(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
        serde_yaml::to_value(self)
    }
}

/// A value from JSON (as the cache keeps records), checked as UTF-8 once rather than
/// string by string (`report summary` spent 5 % less CPU so); `None` when it does not read.
pub fn from_json<T: serde::de::DeserializeOwned>(json: &[u8]) -> Option<T> {
    serde_json::from_str(std::str::from_utf8(json).ok()?).ok()
}

/// Serializes a record as [`Record::to_mapping`] gives it — every field it can hold, as
/// its file has them — so that `show` and `list` in JSON and YAML give every record of a
/// kind the same keys (`#[serde(serialize_with = "crate::model::as_stored")]`).
pub fn as_stored<R: Record, S: serde::Serializer>(record: &R, serializer: S) -> Result<S::Ok, S::Error> {
    record.to_mapping().map_err(serde::ser::Error::custom)?.serialize(serializer)
}

/// A record printed as [`as_stored`] serializes it.
pub struct Stored<'a, R>(pub &'a R);

impl<R: Record> Serialize for Stored<'_, R> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        as_stored(self.0, serializer)
    }
}

/// A record of one fixed kind, so that its file can be found from the id alone.
pub trait Keyed: Record {
    const KIND: Kind;
}

/// Implements [`Record`] and [`Keyed`] for a record type of one kind.
macro_rules! keyed_record {
    ($type:ty, $kind:expr, $id:ident) => {
        impl $crate::model::Record for $type {
            fn id(&self) -> &str {
                &self.$id
            }
            fn kind(&self) -> $crate::model::Kind {
                $kind
            }
            fn extra(&self) -> &serde_yaml::Mapping {
                &self.extra
            }
        }
        impl $crate::model::Keyed for $type {
            const KIND: $crate::model::Kind = $kind;
        }
    };
}
pub(crate) use keyed_record;

/// The key under which a record keeps the conflicts a sync recorded, until a person
/// resolves them.
pub const CONFLICTS: &str = "conflicts";

/// Time stamps are RFC 3339 instants with the offset they were taken in.
pub type Instant = chrono::DateTime<chrono::FixedOffset>;
