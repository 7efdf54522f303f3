use clap::{Args, ValueEnum};

use crate::model::OrderStatus;
use crate::ops::orders;
use crate::Result;

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
    let status = args.status.map(|s| match s {
        CloseStatus::Fulfilled => OrderStatus::Fulfilled,
        CloseStatus::Cancelled => OrderStatus::Cancelled,
    });
    ctx.run(|env| orders::close_order(env, &args.id, status)).map(drop)
}
