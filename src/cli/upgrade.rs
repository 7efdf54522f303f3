//! `tkt upgrade`: brings a desk kept by an older tkt to the layout of this one.

use clap::Args;

use crate::ops::upgrade::upgrade;
use crate::Result;

use super::Ctx;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tkt upgrade        # once, on one clone; then tkt sync\n  git show --stat    # the one commit it made"
)]
pub struct UpgradeArgs {}

pub fn cmd_upgrade(ctx: &Ctx, _args: UpgradeArgs) -> Result<()> {
    let upgraded = ctx.run(upgrade)?;
    match upgraded.moved.len() {
        0 => ctx.say("desk is up to date: every ticket is in its folder of a thousand"),
        n => ctx.say(format!(
            "Moved {n} ticket{} into folders of a thousand (tickets/<year>/000/, 001/, …), in one commit",
            if n == 1 { "" } else { "s" }
        )),
    }
    Ok(())
}
