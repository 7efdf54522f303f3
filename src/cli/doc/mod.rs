//! `tkt doc`: documents after they are issued — list, show, print, credit, pay, refund,
//! close — and the path every new document takes: check, number, write, commit.

mod close;
mod credit;
mod list;
mod pay;
mod print;
mod show;

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand};
use rust_decimal::Decimal;

use crate::desk::Desk;
use crate::model::FiscalNumbering;
use crate::git::Pushed;
use crate::model::{DocKind, Document, Item, Kind, Line, Rate, SequenceId, Ticket};
use crate::rules::{check_document, item_line, refuse_if_any, totals, Balance};
use crate::sync::{publish, pull, undo_last_commit, SyncOptions};
use crate::{Error, Result};

use super::{optional, parse_date, Ctx};

pub use print::render_document;

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  tkt doc list --kind invoice --unpaid
  tkt doc print WR-2026-0003 --format html > rapportino.html
  tkt doc credit INV-2026-0004 --line 2:1 --reason 'Ricambio reso'
  tkt doc pay INV-2026-0004 --amount 100.00 --method bonifico --reference CRO123")]
pub enum DocCommand {
    /// List documents, filtered.
    List(list::DocListArgs),
    /// Show one document (and an invoice's balance).
    Show(show::DocShowArgs),
    /// Print a document as text or as a self-contained HTML page.
    Print(print::DocPrintArgs),
    /// Issue a credit note against an invoice: all of it, chosen lines, or an amount.
    Credit(credit::DocCreditArgs),
    /// Record a payment received against an invoice.
    Pay(pay::DocPayArgs),
    /// Record a refund paid out against a credit note.
    Refund(pay::DocRefundArgs),
    /// Close a job order, or mark a sales order fulfilled or cancelled.
    Close(close::DocCloseArgs),
}

pub fn run(ctx: &Ctx, cmd: DocCommand) -> Result<()> {
    match cmd {
        DocCommand::List(a) => list::cmd_doc_list(ctx, a),
        DocCommand::Show(a) => show::cmd_doc_show(ctx, a),
        DocCommand::Print(a) => print::cmd_doc_print(ctx, a),
        DocCommand::Credit(a) => credit::cmd_doc_credit(ctx, a),
        DocCommand::Pay(a) => pay::cmd_doc_pay(ctx, a),
        DocCommand::Refund(a) => pay::cmd_doc_refund(ctx, a),
        DocCommand::Close(a) => close::cmd_doc_close(ctx, a),
    }
}

/// Flags every new document takes.
#[derive(Debug, Args, Default)]
pub struct DocArgs {
    /// The document's date (YYYY-MM-DD); today by default.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Numbering series (sezionale), e.g. MR for a technician's tablet; the clone's own
    /// series from .tkt/settings.toml by default.
    #[arg(long)]
    pub series: Option<String>,
    /// Notes printed on the document ('-' reads standard input).
    #[arg(long)]
    pub notes: Option<String>,
}

/// A new document of `kind` with the common fields set from the flags.
pub fn new_document(ctx: &Ctx, desk: &Desk, kind: DocKind, customer: &str, args: &DocArgs) -> Result<Document> {
    let mut doc = Document::new(kind, args.date.unwrap_or_else(|| ctx.now.date_naive()), customer, &ctx.actor(desk));
    doc.created_at = Some(ctx.now);
    doc.series = args.series.clone().or_else(|| desk.local.series.clone());
    if let Some(s) = &doc.series {
        if !regex::Regex::new(r"^[A-Z0-9]{1,10}$").unwrap().is_match(s) {
            return Err(Error::usage(format!("--series {s:?}: a series is 1-10 capital letters or digits")));
        }
    }
    doc.notes = args.notes.as_deref().map(|n| ctx.text_arg(n)).transpose()?.and_then(optional);
    Ok(doc)
}

/// A new document of a ticket: its customer, and the ticket it points at.
pub fn ticket_document(ctx: &Ctx, desk: &Desk, kind: DocKind, ticket: &Ticket, args: &DocArgs) -> Result<Document> {
    let mut doc = new_document(ctx, desk, kind, &ticket.customer, args)?;
    doc.ticket = Some(ticket.id.clone());
    Ok(doc)
}

/// Checks a new document, computes the totals of a priced one, gives it the next number
/// of its kind, year and series, writes it and commits it with `also` (records changed with
/// it) as `<ID>: <what>`, then prints the id. Nothing is written when a check refuses.
pub fn issue(ctx: &Ctx, desk: &Desk, doc: &mut Document, also: Vec<PathBuf>, what: &str) -> Result<()> {
    if doc.kind.is_priced() {
        // The lines are checked before any sum is made of them.
        refuse_if_any(&format!("the {}", doc.kind), crate::rules::check_priced_lines(&doc.lines))?;
        doc.totals = Some(totals(&doc.lines));
    }
    refuse_if_any(&format!("the {}", doc.kind), check_document(doc))?;
    if doc.kind.is_fiscal() && desk.config.numbering.fiscal == FiscalNumbering::Online {
        return issue_online(ctx, desk, doc, also, what);
    }
    if doc.kind.is_fiscal() {
        check_progressive_date(desk, doc)?;
    }
    doc.id = desk.next_id(Kind::Document(doc.kind), Some(doc.date.year()), doc.series.as_deref())?;
    let mut paths = also;
    paths.push(desk.write(doc)?);
    ctx.commit(desk, &paths, &format!("{}: {what}", doc.id))?;
    ctx.print_id(&doc.id)
}

/// How many times an online fiscal number is taken again after someone else took it.
const ONLINE_ATTEMPTS: u32 = 30;

/// Online fiscal numbering: fetch and merge, take the next number, commit and push at
/// once; when someone pushed meanwhile, give the number back and start again. An
/// unreachable remote refuses (exit 5): nothing is issued.
fn issue_online(ctx: &Ctx, desk: &Desk, doc: &mut Document, also: Vec<PathBuf>, what: &str) -> Result<()> {
    let author = ctx.author(desk);
    let opts = SyncOptions { remote: None, interactive: ctx.stdin_is_terminal };
    let offline_hint = "fiscal numbers are taken online ([numbering] fiscal = \"online\"); to issue offline, \
                        give this clone its own series (series = \"XX\" in .tkt/settings.toml, or --series)";
    // Records written with the document (a replacement's units) are kept across attempts.
    let saved: Vec<(PathBuf, Vec<u8>)> =
        also.iter().filter_map(|p| std::fs::read(desk.abs(p)).ok().map(|b| (p.clone(), b))).collect();
    for attempt in 0..ONLINE_ATTEMPTS {
        pull(desk, &author, &opts).map_err(|e| e.with_hint(offline_hint))?;
        for (p, bytes) in &saved {
            desk.write_file(p, bytes)?;
        }
        check_progressive_date(desk, doc)?;
        doc.id = desk.next_id(Kind::Document(doc.kind), Some(doc.date.year()), doc.series.as_deref())?;
        let mut paths = also.clone();
        paths.push(desk.write(doc)?);
        ctx.commit(desk, &paths, &format!("{}: {what}", doc.id))?;
        match publish(desk, &opts) {
            Ok(Pushed::Done) => return ctx.print_id(&doc.id),
            Ok(Pushed::Rejected) => {
                undo_last_commit(desk)?;
                // Someone else took the number: wait a little, differently each time.
                let jitter = u64::from(std::process::id() % 97) + 20 * u64::from(attempt);
                std::thread::sleep(std::time::Duration::from_millis(jitter));
            }
            Err(e) => {
                undo_last_commit(desk)?;
                return Err(e.with_hint(offline_hint));
            }
        }
    }
    Err(Error::busy(format!("no free {} number after {ONLINE_ATTEMPTS} attempts: the remote kept moving", doc.kind))
        .with_hint("try again in a moment"))
}

/// Fiscal documents are numbered in date order: a new one may not be dated before the last
/// one of its kind, year and series.
fn check_progressive_date(desk: &Desk, doc: &Document) -> Result<()> {
    let last = desk
        .files(Kind::Document(doc.kind))?
        .into_iter()
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).and_then(SequenceId::parse))
        .filter(|s| s.year == Some(doc.date.year()) && s.series == doc.series)
        .max_by_key(|s| s.seq);
    if let Some(last) = last {
        let last = desk.load_doc(&last.to_string())?;
        if doc.date < last.date {
            return Err(Error::refused(format!(
                "{} would be dated {}, before {} of {}: fiscal documents are numbered in date order",
                doc.kind, doc.date, last.id, last.date
            )));
        }
    }
    Ok(())
}

/// A document that others are issued against (an invoice credited or paid, a credit note
/// refunded): it must pass its own checks, or the amounts derived from it would be wrong.
pub fn load_sound_doc(desk: &Desk, id: &str) -> Result<Document> {
    let doc = desk.load_doc(id)?;
    let rel = Kind::Document(doc.kind).path_for(&doc.id)?;
    refuse_if_any(&rel.display().to_string(), check_document(&doc))
        .map_err(|e| e.with_hint("fix the file, then try again (tkt check lists what is wrong)"))?;
    Ok(doc)
}

/// The balance of one invoice, from the documents that point at it.
pub fn invoice_balance(desk: &Desk, invoice: &Document) -> Result<Balance> {
    Ok(Balance::of_invoice(invoice, &desk.documents(&[DocKind::CreditNote, DocKind::Payment, DocKind::Refund])?))
}

/// Parses `CODE:QTY[:SERIAL]` (quantity 1 when left out).
pub fn parse_item_spec(spec: &str) -> Result<(String, Decimal, Option<String>)> {
    let mut parts = spec.splitn(3, ':');
    let code = parts.next().unwrap_or_default().trim().to_string();
    let qty = match parts.next().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Rate::parse(q).map_err(|e| Error::refused(format!("{spec:?}: quantity {e}")))?.0,
        None => Decimal::ONE,
    };
    if code.is_empty() {
        return Err(Error::usage(format!("{spec:?}: expected CODE:QTY[:SERIAL]")));
    }
    if qty <= Decimal::ZERO {
        return Err(Error::refused(format!("{spec:?}: the quantity must be positive")));
    }
    let serial = parts.next().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    Ok((code, qty, serial))
}

/// Lines from `CODE:QTY[:SERIAL]` specs; priced from the items when `priced`.
pub fn item_lines(desk: &Desk, specs: &[String], priced: bool) -> Result<Vec<Line>> {
    let mut lines = Vec::new();
    for spec in specs {
        let (code, qty, serial) = parse_item_spec(spec)?;
        let item: Item = desk.get(&code)?.ok_or_else(|| Error::refused(format!("{spec:?}: unknown item {code:?}")))?;
        let line = if priced {
            item_line(&item, qty, item.description.clone(), serial).map_err(|p| Error::refused(p.to_string()))?
        } else {
            plain_line(&item, qty, serial)
        };
        lines.push(line);
    }
    Ok(lines)
}

/// A line without prices, as on a delivery note.
pub fn plain_line(item: &Item, qty: Decimal, serial: Option<String>) -> Line {
    Line {
        item: Some(item.code.clone()),
        description: item.description.clone(),
        qty: Rate(qty),
        unit: item.unit.clone(),
        unit_price: None,
        discount_pct: None,
        vat_rate: None,
        vat_nature: None,
        serial,
        extra: Default::default(),
    }
}
