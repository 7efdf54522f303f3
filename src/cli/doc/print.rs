use std::path::PathBuf;

use clap::Args;

use crate::files::write_atomic;
use crate::ops::documents::{check_print_output, render_document};
use crate::ops::einvoice::render_xml_view;
use crate::print::PrintFormat;
use crate::Result;

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct DocPrintArgs {
    pub id: String,
    /// text for a terminal or a printer; html for one self-contained page with print CSS.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: PrintFormat,
    /// Write to FILE instead of standard output: a .txt file for text, .html for html;
    /// never over a file inside the desk, nor into its folders of records, attachments or
    /// templates.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the exported e-invoice as the buyer's viewer shows it, read from its file in
    /// DIR (the export folder; the current one when no DIR), or FILE.
    #[arg(long, value_name = "DIR|FILE", num_args = 0..=1, default_missing_value = ".")]
    pub from_xml: Option<PathBuf>,
}

pub fn cmd_doc_print(ctx: &Ctx, args: DocPrintArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let output = args.output.map(|p| ctx.cwd().join(p));
    if let Some(path) = &output {
        check_print_output(&desk, path, args.format)?;
    }
    let doc = desk.load_doc(&args.id)?;
    let page = match &args.from_xml {
        Some(from) => {
            let (page, warning) =
                render_xml_view(&desk, &doc, &ctx.cwd().join(from), args.format == PrintFormat::Html)?;
            if let Some(warning) = warning {
                ctx.warn(warning);
            }
            page
        }
        None => render_document(&desk, &doc, args.format)?,
    };
    match output {
        Some(path) => {
            write_atomic(&path, page.as_bytes())?;
            ctx.say(format!("{}: printed to {}", doc.id, path.display()));
        }
        None => ctx.print_text(&page)?,
    }
    Ok(())
}
