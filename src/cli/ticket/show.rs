use std::io::Write;

use clap::Args;

use crate::model::Ticket;
use crate::ops::query::view_ticket;
use crate::render::Format;
use crate::Result;

use super::super::{Ctx, FormatArg};

#[derive(Debug, Args)]
pub struct TicketShowArgs {
    pub id: String,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_ticket_show(ctx: &Ctx, args: TicketShowArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    if args.format.format != Format::Table {
        return ctx.out().record(args.format.format, &desk.load::<Ticket>(&args.id)?);
    }
    let page = view_ticket(&desk, &args.id)?.page();
    let mut out = ctx.out();
    out.card(&page.card)?;
    for (title, body) in &page.sections {
        writeln!(out.out, "\n{title}:")?;
        for line in body.lines() {
            writeln!(out.out, "  {}", crate::render::visible(line))?;
        }
    }
    // A document that does not read leaves the ticket readable, with the problem named.
    if let Some(e) = page.documents_error {
        ctx.warn(format!("documents not shown: {e}"));
    }
    Ok(())
}
