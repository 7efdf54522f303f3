use clap::Args;

use crate::ops::ticket;
use crate::Result;

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct TicketNoteArgs {
    pub id: String,
    /// The note ('-' reads standard input).
    pub text: String,
}

pub fn cmd_ticket_note(ctx: &Ctx, args: TicketNoteArgs) -> Result<()> {
    let text = ctx.text_arg(&args.text)?;
    ctx.run(|env| ticket::note(env, &args.id, text)).map(drop)
}
