use clap::Args;

use crate::model::{Money, PaymentMethod};
use crate::ops::settle::{self, Movement};
use crate::Result;

use super::super::Ctx;
use super::DocArgs;

#[derive(Debug, Args)]
pub struct DocPayArgs {
    /// The invoice paid.
    pub invoice: String,
    #[command(flatten)]
    pub money: MoneyArgs,
}

#[derive(Debug, Args)]
pub struct DocRefundArgs {
    /// The credit note refunded.
    pub credit_note: String,
    #[command(flatten)]
    pub money: MoneyArgs,
}

/// Money that moves: in for a payment, out for a refund.
#[derive(Debug, Args)]
pub struct MoneyArgs {
    /// The amount; when left out, all that is due (payment) or owed (refund).
    #[arg(long, value_parser = Money::parse)]
    pub amount: Option<Money>,
    /// How: contanti, assegno, bonifico bancario, carta, riba, sdd (or your own words).
    #[arg(long)]
    pub method: Option<PaymentMethod>,
    /// The bank's or the customer's reference (CRO, cheque number).
    #[arg(long)]
    pub reference: Option<String>,
    #[command(flatten)]
    pub doc: DocArgs,
}

impl MoneyArgs {
    fn movement(self, ctx: &Ctx) -> Result<Movement> {
        Ok(Movement {
            doc: self.doc.options(ctx)?,
            amount: self.amount,
            method: self.method,
            reference: self.reference,
        })
    }
}

pub fn cmd_doc_pay(ctx: &Ctx, args: DocPayArgs) -> Result<()> {
    let money = args.money.movement(ctx)?;
    let (id, _) = ctx.run(|env| settle::pay(env, &args.invoice, money))?;
    ctx.print_id(&id)
}

pub fn cmd_doc_refund(ctx: &Ctx, args: DocRefundArgs) -> Result<()> {
    let money = args.money.movement(ctx)?;
    let id = ctx.run(|env| settle::refund(env, &args.credit_note, money))?;
    ctx.print_id(&id)
}
