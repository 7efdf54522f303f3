//! `tkt state`: the user's own state catalog.

use clap::{Args, Subcommand};

use crate::model::State;
use crate::ops::{optional, records};
use crate::Result;

use super::editor::edit_in_editor;
use super::{split_list, Ctx, FormatArg};

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Add a state to the catalog.
    Create(StateCreateArgs),
    /// List the catalog in its order.
    List(FormatArg),
    /// Show one state.
    Show {
        id: String,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Rename, re-order, open/close a state or change its transitions ($EDITOR without flags).
    Edit(StateEditArgs),
    /// Delete a state no ticket is in; transitions to it are removed.
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct StateCreateArgs {
    /// The state's id: lower-case letters, digits, '-' (e.g. on-site).
    pub id: String,
    /// The name shown to people (defaults to the id).
    #[arg(long)]
    pub name: Option<String>,
    /// What the state means, for people.
    #[arg(long)]
    pub description: Option<String>,
    /// Tickets in this state are done (entering it sets closed_at).
    #[arg(long)]
    pub closed: bool,
    /// New tickets start here (the current initial state stops being initial).
    #[arg(long)]
    pub initial: bool,
    /// States a ticket may move to from this one (comma-separated, repeatable).
    #[arg(long = "to", value_name = "STATES")]
    pub transitions: Vec<String>,
    /// States that may move to this one (adds this state to their transitions).
    #[arg(long = "from", value_name = "STATES")]
    pub from: Vec<String>,
    /// Position in the catalog (default: after the last).
    #[arg(long)]
    pub order: Option<i64>,
}

#[derive(Debug, Args, Default, PartialEq)]
pub struct StateEditArgs {
    pub id: String,
    /// New display name.
    #[arg(long)]
    pub name: Option<String>,
    /// What the state means, for people.
    #[arg(long)]
    pub description: Option<String>,
    /// Whether tickets in this state are done.
    #[arg(long, value_name = "BOOL")]
    pub closed: Option<bool>,
    /// Make this the initial state (the current one stops being initial).
    #[arg(long)]
    pub initial: bool,
    /// Replace the allowed transitions (comma-separated).
    #[arg(long = "to", value_name = "STATES")]
    pub transitions: Option<Vec<String>>,
    /// Allow a transition to these states.
    #[arg(long = "add-to", value_name = "STATES")]
    pub add: Vec<String>,
    /// Stop allowing a transition to these states.
    #[arg(long = "remove-to", value_name = "STATES")]
    pub remove: Vec<String>,
    /// Position in the catalog.
    #[arg(long)]
    pub order: Option<i64>,
}

pub fn run(ctx: &Ctx, cmd: StateCommand) -> Result<()> {
    match cmd {
        StateCommand::Create(args) => cmd_state_create(ctx, args),
        StateCommand::List(f) => cmd_state_list(ctx, f),
        StateCommand::Show { id, format } => {
            let desk = ctx.open_desk()?;
            ctx.out().record(format.format, &desk.load::<State>(&id)?)
        }
        StateCommand::Edit(args) => cmd_state_edit(ctx, args),
        StateCommand::Delete { id } => cmd_state_delete(ctx, &id),
    }
}

fn cmd_state_create(ctx: &Ctx, args: StateCreateArgs) -> Result<()> {
    let from = split_list(&args.from);
    ctx.run(|env| {
        let last = env.desk.catalog()?.iter().map(|s| s.order).max().unwrap_or(0);
        let state = State {
            id: args.id.clone(),
            name: args.name.unwrap_or_else(|| args.id.clone()),
            description: args.description,
            closed: args.closed,
            initial: args.initial,
            transitions: split_list(&args.transitions),
            order: args.order.unwrap_or(last + 10),
            extra: Default::default(),
        };
        records::create_state(env, state, &from)
    })?;
    ctx.print_id(&args.id)
}

fn cmd_state_list(ctx: &Ctx, f: FormatArg) -> Result<()> {
    let desk = ctx.open_desk()?;
    print_states(ctx, f, &desk.catalog()?)
}

fn print_states(ctx: &Ctx, f: FormatArg, states: &[State]) -> Result<()> {
    let yes = |b: bool| if b { "yes".to_string() } else { String::new() };
    ctx.out().records(
        f.format,
        states,
        &[
            ("order", &|s: &State| s.order.to_string()),
            ("id", &|s: &State| s.id.clone()),
            ("name", &|s: &State| s.name.clone()),
            ("initial", &|s: &State| yes(s.initial)),
            ("closed", &|s: &State| yes(s.closed)),
            ("to", &|s: &State| s.transitions.join(", ")),
        ],
    )
}

fn cmd_state_edit(ctx: &Ctx, args: StateEditArgs) -> Result<()> {
    let no_flags = args == StateEditArgs { id: args.id.clone(), ..Default::default() };
    if no_flags {
        return edit_in_editor(ctx, &args.id, |env, edit| records::edit_state(env, &args.id, edit));
    }
    let id = args.id.clone();
    let change = move |before: &State| {
        let mut after = before.clone();
        if let Some(name) = args.name {
            after.name = name;
        }
        if let Some(d) = args.description {
            after.description = optional(d);
        }
        if let Some(c) = args.closed {
            after.closed = c;
        }
        if args.initial {
            after.initial = true;
        }
        if let Some(t) = args.transitions {
            after.transitions = split_list(&t);
        }
        for t in split_list(&args.add) {
            if !after.transitions.contains(&t) {
                after.transitions.push(t);
            }
        }
        let remove = split_list(&args.remove);
        after.transitions.retain(|t| !remove.contains(t));
        if let Some(o) = args.order {
            after.order = o;
        }
        Ok(after)
    };
    ctx.run(|env| records::edit_state(env, &id, change))
}

fn cmd_state_delete(ctx: &Ctx, id: &str) -> Result<()> {
    ctx.run(|env| records::delete_state(env, id))
}
