use serde::{Deserialize, Serialize};
use serde_yaml::Mapping;

use super::Kind;

/// One entry of the state catalog (`states/<id>.yaml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Tickets in a closed state count as done; entering one sets `closed_at`.
    #[serde(default)]
    pub closed: bool,
    /// The state new tickets start in; exactly one state of the catalog has it.
    #[serde(default)]
    pub initial: bool,
    /// The ids of the states a ticket may move to from here.
    #[serde(default)]
    pub transitions: Vec<String>,
    /// Position in lists and menus, lowest first.
    #[serde(default)]
    pub order: i64,
    #[serde(flatten)]
    pub extra: Mapping,
}

super::keyed_record!(State, Kind::State, id);
