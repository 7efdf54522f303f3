use clap::Args;

use crate::model::Ticket;
use crate::rules::transition;
use crate::Result;

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct TicketTransitionArgs {
    pub id: String,
    /// The state to move to (see `tkt state list`).
    pub state: String,
    /// Why, written to the ticket's history ('-' reads standard input).
    #[arg(long, short = 'm')]
    pub note: Option<String>,
}

pub fn cmd_ticket_transition(ctx: &Ctx, args: TicketTransitionArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let mut ticket: Ticket = desk.load(&args.id)?;
    let catalog = desk.catalog()?;
    let note = args.note.map(|n| ctx.text_arg(&n)).transpose()?.filter(|n| !n.trim().is_empty());
    let from = ticket.state.clone();
    transition(&mut ticket, &catalog, &args.state, ctx.now, &ctx.actor(&desk), note)?;
    let path = desk.write(&ticket)?;
    ctx.commit(&desk, &[path], &format!("{}: transition {from} -> {}", ticket.id, ticket.state))?;
    let closed = if ticket.closed_at.is_some() { " (closed)" } else { "" };
    ctx.say(format!("{}: {from} -> {}{closed}", ticket.id, ticket.state));
    Ok(())
}
