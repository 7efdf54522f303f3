use std::path::PathBuf;

use clap::Args;

use crate::files::write_atomic;
use crate::ops::documents::render_document;
use crate::print::PrintFormat;
use crate::Result;

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct DocPrintArgs {
    pub id: String,
    /// text for a terminal or a printer; html for one self-contained page with print CSS.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: PrintFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn cmd_doc_print(ctx: &Ctx, args: DocPrintArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let doc = desk.load_doc(&args.id)?;
    let page = render_document(&desk, &doc, args.format)?;
    match args.output {
        Some(path) => {
            let path = ctx.cwd().join(path);
            write_atomic(&path, page.as_bytes())?;
            ctx.say(format!("{}: printed to {}", doc.id, path.display()));
        }
        None => ctx.print_text(&page)?,
    }
    Ok(())
}
