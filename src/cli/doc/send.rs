use std::path::PathBuf;

use clap::Args;

use crate::ops::einvoice::Selection;
use crate::ops::pec::{send, PecSecrets};
use crate::Result;

use super::super::{Ctx, Period};

#[derive(Debug, Args)]
#[command(
    after_help = "Credentials: TKT_PEC_USER and TKT_PEC_PASSWORD, or TKT_PEC_CREDENTIALS (a file outside the desk).
Examples:
  tkt doc send INV-2026-0001 --dir fatture/
  tkt doc send --all --dir fatture/        # every exported e-invoice not sent yet"
)]
pub struct DocSendArgs {
    /// Exported invoices and credit notes to mail to SDI.
    #[arg(required_unless_present_any = ["all", "since", "until"], conflicts_with_all = ["since", "until"])]
    pub ids: Vec<String>,
    /// Every exported e-invoice not sent yet (of the period, with --since/--until).
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,
    #[command(flatten)]
    pub period: Period,
    /// The folder the files were exported to; the current folder by default.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the id of each document sent, one a line.
pub fn cmd_doc_send(ctx: &Ctx, args: DocSendArgs) -> Result<()> {
    let secrets = PecSecrets::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()), ctx.cwd());
    let dir = ctx.cwd().join(args.dir.unwrap_or_default());
    let what = Selection { ids: args.ids, since: args.period.since, until: args.period.until };
    for s in ctx.run(|env| send(env, &what, &dir, &secrets))? {
        ctx.say(format!("{}: {} sent to SDI ({})", s.id, s.file, s.message_id));
        ctx.print_id(&s.id)?;
    }
    Ok(())
}
