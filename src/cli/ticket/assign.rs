use clap::Args;

use crate::model::Ticket;
use crate::Result;

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct TicketAssignArgs {
    pub id: String,
    /// The technician; yourself (TKT_USER or git user.name) when left out.
    #[arg(conflicts_with = "clear")]
    pub user: Option<String>,
    /// Leave the ticket unassigned.
    #[arg(long)]
    pub clear: bool,
}

pub fn cmd_ticket_assign(ctx: &Ctx, args: TicketAssignArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let mut ticket: Ticket = desk.load(&args.id)?;
    let assignee = if args.clear {
        None
    } else {
        Some(args.user.map(|u| u.trim().to_string()).unwrap_or_else(|| ctx.actor(&desk)))
    };
    if ticket.assignee == assignee {
        ctx.say(format!("{}: nothing changed", ticket.id));
        return Ok(());
    }
    ticket.assignee = assignee.clone();
    let path = desk.write(&ticket)?;
    let what = match &assignee {
        Some(a) => format!("assign {a}"),
        None => "unassign".to_string(),
    };
    ctx.commit(&desk, &[path], &format!("{}: {what}", ticket.id))?;
    ctx.say(format!("{}: {what}", ticket.id));
    Ok(())
}
