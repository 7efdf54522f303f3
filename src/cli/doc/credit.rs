use clap::Args;

use crate::model::{Money, Rate};
use crate::ops::settle::{self, Credit};
use crate::Result;

use super::super::Ctx;
use super::DocArgs;

#[derive(Debug, Args)]
pub struct DocCreditArgs {
    /// The invoice to credit.
    pub invoice: String,
    /// Why (reso, errore di fatturazione, sconto concordato...); printed on the note.
    #[arg(long)]
    pub reason: String,
    /// Credit line N of the invoice, or QTY of it: --line 2 or --line 2:0.5 (repeatable).
    #[arg(long = "line", value_name = "N[:QTY]", conflicts_with = "amount")]
    pub lines: Vec<String>,
    /// Credit this taxable amount (VAT is added at the invoice's rate, or --vat-rate).
    #[arg(long, value_parser = Money::parse)]
    pub amount: Option<Money>,
    /// The VAT rate of an --amount credit, when the invoice has several.
    #[arg(long, value_parser = Rate::parse, requires = "amount")]
    pub vat_rate: Option<Rate>,
    /// The natura of an --amount credit (N6.7), when the invoice has several at its rate.
    #[arg(long, requires = "amount")]
    pub nature: Option<String>,
    #[command(flatten)]
    pub doc: DocArgs,
}

pub fn cmd_doc_credit(ctx: &Ctx, args: DocCreditArgs) -> Result<()> {
    // Never ignored: a credit by lines takes each line's own rate (found by a fiscal
    // review: `--line 2 --vat-rate 10` was issued at the line's 22%).
    if args.amount.is_none() && (args.vat_rate.is_some() || args.nature.is_some()) {
        return Err(crate::Error::usage("--vat-rate and --nature go with --amount: a credited line keeps its own"));
    }
    let what = match (args.amount, args.lines.is_empty()) {
        (Some(amount), _) => Credit::Amount(amount, args.vat_rate, args.nature),
        (None, true) => Credit::All,
        (None, false) => Credit::Lines(args.lines),
    };
    let opts = args.doc.options(ctx)?;
    let id = ctx.run(|env| settle::credit(env, &args.invoice, what, &args.reason, &opts))?;
    ctx.print_id(&id)
}
