use clap::Args;

use crate::model::{Note, Ticket};
use crate::{Error, Result};

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct TicketNoteArgs {
    pub id: String,
    /// The note ('-' reads standard input).
    pub text: String,
}

pub fn cmd_ticket_note(ctx: &Ctx, args: TicketNoteArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let mut ticket: Ticket = desk.load(&args.id)?;
    let text = ctx.text_arg(&args.text)?;
    if text.trim().is_empty() {
        return Err(Error::refused("the note is empty"));
    }
    ticket.notes.push(Note::new(ctx.now, &ctx.actor(&desk), text));
    let path = desk.write(&ticket)?;
    ctx.commit(&desk, &[path], &format!("{}: note", ticket.id))?;
    ctx.say(format!("{}: note added ({} in all)", ticket.id, ticket.notes.len()));
    Ok(())
}
