//! `tkt check`: every record read (through the never-wrong cache) and checked against the others.

use clap::Args;

use crate::ops::check::check_desk;
use crate::render::Format;
use crate::Result;

use super::{Ctx, FormatArg};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_check(ctx: &Ctx, args: CheckArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    desk.wait_until_idle(ctx.lock_wait)?;
    let checked = check_desk(&desk, ctx.now.date_naive())?;
    let mut out = ctx.out();
    match args.format.format {
        Format::Table => out.lines(&checked.findings)?,
        other => out.records(other, &checked.findings, &[])?,
    }
    match checked.failure() {
        Some(e) => Err(e),
        None => {
            ctx.say(format!("desk is clean: {} records checked", checked.records));
            Ok(())
        }
    }
}
