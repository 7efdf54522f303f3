use std::path::PathBuf;

use clap::Args;

use crate::ops::einvoice::{export, Selection};
use crate::Result;

use super::super::{Ctx, Period};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkt doc export INV-2026-0001 --dir fatture/           # IT03912760984_00001.xml
  tkt doc export --since 2026-11-01 --until 2026-11-30   # every one of the month not yet exported")]
pub struct DocExportArgs {
    /// Invoices and credit notes to export; none: those of the period not yet exported.
    #[arg(conflicts_with_all = ["since", "until"])]
    pub ids: Vec<String>,
    #[command(flatten)]
    pub period: Period,
    /// Where the XML files go; the current folder by default.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the path of each file written, one a line.
pub fn cmd_doc_export(ctx: &Ctx, args: DocExportArgs) -> Result<()> {
    let dir = ctx.cwd().join(args.dir.unwrap_or_default());
    let what = Selection { ids: args.ids, since: args.period.since, until: args.period.until };
    for e in ctx.run(|env| export(env, &what, &dir))? {
        ctx.say(format!("{}: {}", e.id, e.file.display()));
        ctx.print_id(&e.file.display().to_string())?;
    }
    Ok(())
}
