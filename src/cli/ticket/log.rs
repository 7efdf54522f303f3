use std::io::Write;

use clap::Args;
use serde::Serialize;

use crate::model::Instant;
use crate::ops::query::ticket_history;
use crate::render::{short, visible, Format};
use crate::Result;

use super::super::{Ctx, FormatArg};

#[derive(Debug, Args)]
pub struct TicketLogArgs {
    pub id: String,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_ticket_log(ctx: &Ctx, args: TicketLogArgs) -> Result<()> {
    let entries = ticket_history(&ctx.open_desk()?, &args.id)?;
    let mut out = ctx.out();
    match args.format.format {
        Format::Table => {
            for e in &entries {
                // What others wrote (a note from a stranger's e-mail, a commit by hand) is
                // shown, never run by the terminal (found by a scripting attack).
                let (by, message) = (visible(&e.by), visible(&e.message));
                writeln!(out.out, "{} {} {by}  {message}", &e.commit[..8], e.at.format("%Y-%m-%d %H:%M"))?;
                for c in &e.changes {
                    let line = match (c.field.as_str(), c.field.ends_with("[+]")) {
                        ("", _) if c.from.is_null() => "created".to_string(),
                        ("", _) => "deleted".to_string(),
                        (field, true) => format!("{} + {}", field.trim_end_matches("[+]"), short(&c.to)),
                        (field, false) => format!("{field}: {} -> {}", short(&c.from), short(&c.to)),
                    };
                    writeln!(out.out, "    {}", visible(&line))?;
                }
            }
            Ok(())
        }
        Format::Csv => out.csv(
            &entries
                .iter()
                .map(|e| LogRow { commit: &e.commit, at: e.at, by: &e.by, message: &e.message })
                .collect::<Vec<_>>(),
        ),
        other => out.records(other, &entries, &[]),
    }
}

#[derive(Serialize)]
struct LogRow<'a> {
    commit: &'a str,
    at: Instant,
    by: &'a str,
    message: &'a str,
}
