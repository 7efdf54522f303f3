use clap::Args;

use crate::ops::ticket;
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
    let note = args.note.map(|n| ctx.text_arg(&n)).transpose()?;
    ctx.run(|env| ticket::transition(env, &args.id, &args.state, note)).map(drop)
}
