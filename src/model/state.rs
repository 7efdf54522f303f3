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

/// The catalog a new desk starts with; the user edits it with `tkt state`.
pub fn default_catalog() -> Vec<State> {
    let s = |id: &str, name: &str, description: &str, order: i64, closed: bool, transitions: &[&str]| State {
        id: id.into(),
        name: name.into(),
        description: Some(description.into()),
        closed,
        initial: id == "new",
        transitions: transitions.iter().map(|t| t.to_string()).collect(),
        order,
        extra: Default::default(),
    };
    vec![
        s(
            "new",
            "New",
            "Opened, nobody has looked at it yet",
            10,
            false,
            &["in-progress", "waiting-customer", "cancelled"],
        ),
        s(
            "in-progress",
            "In progress",
            "Someone is working on it",
            20,
            false,
            &["waiting-customer", "waiting-parts", "resolved", "cancelled"],
        ),
        s(
            "waiting-customer",
            "Waiting for customer",
            "Needs an answer or access from the customer",
            30,
            false,
            &["in-progress", "resolved", "cancelled"],
        ),
        s("waiting-parts", "Waiting for parts", "Spare parts are on order", 40, false, &["in-progress", "cancelled"]),
        s("resolved", "Resolved", "Fixed; waiting for the customer to confirm", 50, false, &["closed", "in-progress"]),
        s("closed", "Closed", "Done", 60, true, &["in-progress"]),
        s("cancelled", "Cancelled", "Not going ahead", 70, true, &["new"]),
    ]
}
