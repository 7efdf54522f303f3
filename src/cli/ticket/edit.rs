use chrono::NaiveDate;
use clap::Args;

use crate::desk::Desk;
use crate::model::{Priority, Ticket};
use crate::sync::merge::CONFLICTS;
use crate::{Error, Result};

use super::super::editor::{edit_in_editor, save_edit};
use super::super::{optional, parse_date, Ctx};
use super::{apply_custom, check_against_desk, decide_warranty, event, require_serials, WarrantyArgs};

#[derive(Debug, Args)]
pub struct TicketEditArgs {
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub customer: Option<String>,
    #[arg(long)]
    pub item: Option<String>,
    #[arg(long)]
    pub serial: Option<String>,
    #[command(flatten)]
    pub warranty: WarrantyArgs,
    #[arg(long, value_enum)]
    pub priority: Option<Priority>,
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub assignee: Option<String>,
    /// What the customer reports ('-' reads standard input).
    #[arg(long)]
    pub problem: Option<String>,
    /// What was done to solve it ('-' reads standard input).
    #[arg(long)]
    pub solution: Option<String>,
    #[arg(long, value_parser = parse_date)]
    pub due: Option<NaiveDate>,
    /// Set a custom field: --set NAME=VALUE; an empty VALUE removes it (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Empty an optional field: category, assignee, item, serial, problem, solution, due.
    #[arg(long, value_name = "FIELD")]
    pub clear: Vec<String>,
    /// Mark a sync conflict on FIELD resolved (keeping the current value, or the one set
    /// by the other flags); `all` for every conflict of the ticket.
    #[arg(long, value_name = "FIELD")]
    pub resolve: Vec<String>,
}

impl TicketEditArgs {
    fn has_changes(&self) -> bool {
        self.title.is_some()
            || self.customer.is_some()
            || self.item.is_some()
            || self.serial.is_some()
            || self.warranty.given()
            || self.priority.is_some()
            || self.category.is_some()
            || self.assignee.is_some()
            || self.problem.is_some()
            || self.solution.is_some()
            || self.due.is_some()
            || !self.set.is_empty()
            || !self.clear.is_empty()
            || !self.resolve.is_empty()
    }
}

pub fn cmd_ticket_edit(ctx: &Ctx, args: TicketEditArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let before: Ticket = desk.load(&args.id)?;
    if !args.has_changes() {
        return edit_in_editor(ctx, &desk, &before, |after| {
            check_edit(ctx, &desk, &before, after)?;
            Ok(vec![])
        });
    }
    require_serials(&desk, args.serial.as_ref())?;
    let mut after = before.clone();
    if let Some(t) = args.title {
        after.title = t.trim().to_string();
    }
    if let Some(c) = args.customer {
        after.customer = c.trim().to_string();
    }
    if let Some(i) = args.item {
        after.item = optional(i);
    }
    if let Some(s) = args.serial {
        after.serial = optional(s);
    }
    if let Some(p) = args.priority {
        after.priority = p;
    }
    if let Some(c) = args.category {
        after.category = optional(c);
    }
    if let Some(a) = args.assignee {
        after.assignee = optional(a);
    }
    if let Some(p) = args.problem {
        after.problem = optional(ctx.text_arg(&p)?);
    }
    if let Some(s) = args.solution {
        after.solution = optional(ctx.text_arg(&s)?);
    }
    if let Some(d) = args.due {
        after.due = Some(d);
    }
    for field in &args.clear {
        match field.as_str() {
            "category" => after.category = None,
            "assignee" => after.assignee = None,
            "item" => after.item = None,
            "serial" => after.serial = None,
            "problem" => after.problem = None,
            "solution" => after.solution = None,
            "due" => after.due = None,
            other => {
                return Err(Error::usage(format!(
                    "--clear {other}: not an optional field (category, assignee, item, serial, problem, solution, due)"
                )))
            }
        }
    }
    apply_custom(&desk, &mut after, &args.set)?;
    resolve_conflicts(&mut after, &args.resolve)?;
    check_against_desk(&desk, &after)?;
    let serial_changed = after.serial != before.serial;
    if let Some(note) = decide_warranty(ctx, &desk, &mut after, &args.warranty, serial_changed)? {
        let entry = event(&after, ctx, &ctx.actor(&desk), note);
        after.history.push(entry);
    }
    save_edit(ctx, &desk, &before, &after, |_| Ok(vec![]))
}

/// What an edit in $EDITOR may not do: move the state around the catalog's rules, or set
/// the warranty flag on a unit out of warranty.
fn check_edit(ctx: &Ctx, desk: &Desk, before: &Ticket, after: &Ticket) -> Result<()> {
    if after.state != before.state {
        return Err(Error::refused(format!("{}: the state cannot be changed by an edit", before.id))
            .with_hint(format!("use `tkt ticket transition {} {}`", before.id, after.state)));
    }
    check_against_desk(desk, after)?;
    if after.warranty && !before.warranty {
        let mut probe = after.clone();
        decide_warranty(ctx, desk, &mut probe, &WarrantyArgs { warranty: true, ..Default::default() }, false)?;
    }
    Ok(())
}

/// Drops the recorded sync conflicts on the named fields (or all of them).
fn resolve_conflicts(ticket: &mut Ticket, fields: &[String]) -> Result<()> {
    if fields.is_empty() {
        return Ok(());
    }
    let key = serde_yaml::Value::from(CONFLICTS);
    let Some(serde_yaml::Value::Sequence(list)) = ticket.extra.get_mut(&key) else {
        return Err(Error::refused(format!("{} has no sync conflicts to resolve", ticket.id)));
    };
    let all = fields.iter().any(|f| f == "all");
    for f in fields.iter().filter(|f| *f != "all") {
        if !list.iter().any(|c| c.get("field").and_then(|v| v.as_str()) == Some(f.as_str())) {
            return Err(Error::refused(format!("{} has no sync conflict on {f}", ticket.id)));
        }
    }
    list.retain(|c| !all && !fields.iter().any(|f| c.get("field").and_then(|v| v.as_str()) == Some(f.as_str())));
    if list.is_empty() {
        ticket.extra.remove(&key);
    }
    Ok(())
}
