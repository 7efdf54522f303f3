use clap::{Args, ValueEnum};

use crate::model::DocKind;
use crate::{Error, Result};

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct DocCloseArgs {
    /// A job order (JO-...) or a sales order (SO-...).
    pub id: String,
    /// For a sales order: fulfilled (the default) or cancelled.
    #[arg(long, value_enum)]
    pub status: Option<CloseStatus>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CloseStatus {
    Fulfilled,
    Cancelled,
}

pub fn cmd_doc_close(ctx: &Ctx, args: DocCloseArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let mut doc = desk.load_doc(&args.id)?;
    let status = match (doc.kind, args.status) {
        (DocKind::JobOrder, None) => "closed",
        (DocKind::JobOrder, Some(_)) => {
            return Err(Error::usage("--status is for sales orders; a job order is just closed"))
        }
        (DocKind::SalesOrder, None | Some(CloseStatus::Fulfilled)) => "fulfilled",
        (DocKind::SalesOrder, Some(CloseStatus::Cancelled)) => "cancelled",
        (kind, _) => {
            return Err(Error::refused(format!("{} is a {kind}; only job and sales orders are closed", doc.id)))
        }
    };
    if doc.status.as_deref() != Some("open") {
        return Err(Error::refused(format!("{} is already {}", doc.id, doc.status.as_deref().unwrap_or("closed"))));
    }
    doc.status = Some(status.to_string());
    let path = desk.write(&doc)?;
    ctx.commit(&desk, &[path], &format!("{}: {status}", doc.id))?;
    ctx.say(format!("{}: {status}", doc.id));
    Ok(())
}
