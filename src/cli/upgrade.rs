//! `tkt upgrade`: brings a desk kept by an older tkt to the layout of this one.

use clap::Args;

use crate::model::Kind;
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
    let tickets = upgraded.moved.iter().filter(|(from, _)| from.starts_with(Kind::Ticket.dir())).count();
    let counted = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    let moved = [(tickets, "ticket"), (upgraded.moved.len() - tickets, "document")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, noun)| counted(n, noun))
        .collect::<Vec<_>>();
    match moved.is_empty() {
        true => ctx.say("desk is up to date: every ticket and document is in its folder of a thousand"),
        false => ctx.say(format!(
            "Moved {} into folders of a thousand (tickets/<year>/000/, documents/<kind>/<year>/000/, …), in one \
             commit",
            moved.join(" and ")
        )),
    }
    Ok(())
}
