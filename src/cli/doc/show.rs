use clap::Args;

use crate::model::DocKind;
use crate::ops::einvoice::{sdi_errors, sdi_state};
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
    out.record(args.format.format, &doc)?;
    if args.format.format == Format::Table && doc.kind == DocKind::Invoice {
        let b = crate::ops::documents::invoice_balance(&desk, &doc)?;
        out.card(&[
            ("balance.credited".into(), b.credited.to_string()),
            ("balance.paid".into(), b.paid.to_string()),
            ("balance.refunded".into(), b.refunded.to_string()),
            ("balance.due".into(), b.due.to_string()),
        ])?;
    }
    if args.format.format == Format::Table && matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
        let mut card = vec![("einvoice".to_string(), sdi_state(&doc).as_str().to_string())];
        card.extend(sdi_errors(&doc).into_iter().map(|e| ("sdi error".to_string(), e)));
        out.card(&card)?;
    }
    Ok(())
}
