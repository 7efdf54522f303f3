use clap::Args;

use crate::model::Stored;
use crate::ops::documents::document_cards;
use crate::render::Format;
use crate::Result;

use super::super::{Ctx, FormatArg};

#[derive(Debug, Args)]
pub struct DocShowArgs {
    pub id: String,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_doc_show(ctx: &Ctx, args: DocShowArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let doc = desk.load_doc(&args.id)?;
    let mut out = ctx.out();
    if args.format.format == Format::Table {
        out.record(Format::Table, &doc)?;
        for card in document_cards(&desk, &doc)? {
            out.card(&card)?;
        }
    } else {
        // Every field of its kind, null when empty, as its file has them.
        out.record(args.format.format, &Stored(&doc))?;
    }
    Ok(())
}
