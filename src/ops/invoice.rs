//! Invoicing a ticket: what is not yet invoiced (work reports, sales), priced from the
//! items and `[billing]`, warranty work at 0.00; issued, or shown as a draft.

use std::collections::HashMap;

use crate::model::{Customer, DdtRef, DocKind, Document, Equipment, Item, Kind, PaymentInfo, PaymentMethod, Ticket};
use crate::rules::{
    apply_regime, check_document, condominium_withholding, due_date, invoice_lines, refuse_if_any, regime_of,
    stamp_duty, totals, unbilled,
};
use crate::{Error, Result};

use super::documents::{issue_built, ticket_document, DocOptions};
use super::Env;

/// How a ticket is invoiced.
#[derive(Debug, Clone, Default)]
pub struct InvoiceOptions {
    /// Payment terms; the customer's by default.
    pub terms: Option<String>,
    /// Payment method; `billing.payment_method` of tkt.toml by default.
    pub method: Option<PaymentMethod>,
    pub doc: DocOptions,
    /// Make the invoice but write nothing.
    pub dry_run: bool,
    /// Bill only the work reports and deliveries dated up to this day: one month's
    /// deliveries in a deferred invoice.
    pub until: Option<chrono::NaiveDate>,
}

/// An invoice issued, or the draft a dry run made.
pub enum Invoiced {
    Issued(String),
    Draft(Box<Document>),
}

/// Invoices what ticket `id` has not yet had invoiced. With online numbering the invoice
/// is computed after the pull, from the synced desk.
pub fn invoice_ticket(env: &Env, id: &str, opts: InvoiceOptions) -> Result<Invoiced> {
    let _lock = env.lock()?;
    if opts.dry_run {
        let mut doc = draft_invoice(env, id, &opts)?;
        super::documents::dry_issue(env, &mut doc)?;
        let ticket = doc.ticket.clone().unwrap_or_default();
        env.say(format!("dry run: nothing written; {ticket} would bill {}", doc.sources.join(", ")));
        return Ok(Invoiced::Draft(Box::new(doc)));
    }
    let issued = issue_built(env, DocKind::Invoice, vec![], &mut || {
        let doc = draft_invoice(env, id, &opts)?;
        let ticket = doc.ticket.clone().unwrap_or_default();
        let what = format!("invoice of {} for {ticket} ({})", totals(&doc.lines).total, doc.sources.join(", "));
        Ok((doc, what))
    })?;
    Ok(Invoiced::Issued(issued.id))
}

/// Refuses to bill work or goods that an issued invoice billed as it was issued, when that
/// invoice was deleted since, or its sources changed (`tkt check` names both): restoring
/// it is the way, not billing twice. An invoice is as issued in git history, or — one a
/// `git reset` took out of history — in this clone's log of what it issued.
///
/// Of the invoices still there, those of `ticket` are compared with their first version
/// (a hand edit of another's sources that frees this ticket's work is `tkt check`'s to name).
fn refuse_billed_as_issued(env: &Env, ticket: &str, invoices: &[&Document], sources: &[&Document]) -> Result<()> {
    let Some(repo) = env.desk.repo() else { return Ok(()) };
    let billed = |invoice: &Document| sources.iter().find(|s| invoice.sources.contains(&s.id)).map(|s| s.id.clone());
    let of_ticket: HashMap<&str, &Document> =
        invoices.iter().filter(|i| i.ticket.as_deref() == Some(ticket)).map(|i| (i.id.as_str(), *i)).collect();
    let ticket_invoice = |path: &std::path::Path| path.file_stem().and_then(|s| of_ticket.get(s.to_str()?)).copied();
    let ledger = repo.first_versions(std::path::Path::new(DocKind::Invoice.dir()))?;
    for (path, first) in &ledger {
        let there = env.desk.abs(path).exists();
        let now = ticket_invoice(path);
        // Unchanged since its issue, it bills what it billed.
        let changed = now.is_some()
            && std::fs::read(env.desk.abs(path)).is_ok_and(|b| crate::git::content_hash(&b) != first.blob);
        if there && !changed {
            continue;
        }
        let Ok(issued) = crate::model::from_yaml::<Document>(&repo.first_content(first)?) else { continue };
        if path.file_stem().and_then(|s| s.to_str()) != Some(issued.id.as_str()) {
            continue;
        }
        let Some(source) = billed(&issued) else { continue };
        let restore = format!("restore it: {}", first.restore(path));
        if !there {
            return Err(Error::refused(format!(
                "{source} was billed by {}, deleted since (commit {}): an issued invoice is never billed again",
                issued.id, first.commit
            ))
            .with_hint(restore));
        }
        if now.is_some_and(|now| !now.sources.contains(&source)) {
            return Err(Error::refused(format!(
                "{source} was billed by {} as it was issued (commit {}), and its file no longer says so: an issued \
                 invoice never changes, and its work is not billed again",
                issued.id, first.commit
            ))
            .with_hint(restore));
        }
    }
    for (path, blob) in env.desk.issued_files(crate::model::Kind::Document(DocKind::Invoice)) {
        if ledger.contains_key(&path) || env.desk.abs(&path).exists() {
            continue;
        }
        let Some(hash) = blob else { continue };
        let Some(issued) = repo.blob(&hash).and_then(|b| crate::model::from_yaml::<Document>(&b).ok()) else {
            continue;
        };
        if let Some(source) = billed(&issued) {
            return Err(Error::refused(format!(
                "{source} was billed by {}, issued by this clone and gone from the desk and its history since (a git \
                 reset?): an issued invoice is never billed again",
                issued.id
            ))
            .with_hint(format!("restore it: git cat-file blob {hash} > {}, then commit it", path.display())));
        }
    }
    // One a `git reset` took out of history, with this clone's log gone too (`.tkt/`
    // deleted): HEAD's reflog still holds it, as credit notes see (found by a careless-office
    // attack: the next invoice billed its work again).
    for (path, first) in repo.first_versions_in_reflog(std::path::Path::new(DocKind::Invoice.dir()))? {
        if ledger.contains_key(&path) || env.desk.abs(&path).exists() {
            continue;
        }
        let Ok(issued) = crate::model::from_yaml::<Document>(&repo.first_content(&first)?) else { continue };
        // Of this ticket: a reset to before a sync's renumbering gives another ticket's work
        // report the number it had here (found by a test of a reset pull).
        if issued.ticket.as_deref() != Some(ticket) {
            continue;
        }
        if let Some(source) = billed(&issued) {
            return Err(Error::refused(format!(
                "{source} was billed by {} as issued (commit {}), and a git reset took it out of this clone's history \
                 since: an issued invoice is never billed again",
                issued.id, first.commit
            ))
            .with_hint(format!("bring it back: tkt sync (or {})", first.restore(&path))));
        }
    }
    Ok(())
}

fn draft_invoice(env: &Env, id: &str, opts: &InvoiceOptions) -> Result<Document> {
    let desk = &env.desk;
    let ticket: Ticket = desk.load(id)?;
    let docs = desk.documents(&[DocKind::WorkReport, DocKind::DdtOut, DocKind::Invoice, DocKind::CreditNote])?;
    let all_unbilled = unbilled(&docs, &ticket.id);
    let unbilled: Vec<&Document> =
        all_unbilled.iter().copied().filter(|d| opts.until.is_none_or(|until| d.date <= until)).collect();
    let invoices: Vec<&Document> = docs.iter().filter(|d| d.kind == DocKind::Invoice).collect();
    refuse_billed_as_issued(env, &ticket.id, &invoices, &unbilled)?;
    // What it copies or counts — a DDT's lines, a credit note's total against its invoice —
    // is as it was issued: a hand edit could bill goods at another price, or bill again.
    let its = |d: &Document| d.ticket.as_deref() == Some(ticket.id.as_str());
    let counted: Vec<&Document> = docs
        .iter()
        .filter(|d| d.kind.is_fiscal())
        .filter(|d| its(d) || d.invoice.as_ref().is_some_and(|i| invoices.iter().any(|v| its(v) && &v.id == i)))
        .collect();
    super::documents::refuse_changed_since_issue(desk, &counted)?;
    if unbilled.is_empty() {
        let until = opts.until.map(|u| format!(" dated up to {u}")).unwrap_or_default();
        return Err(Error::refused(format!(
            "{}: nothing to invoice (no work report or sale{until} not yet invoiced)",
            ticket.id
        )));
    }
    // A deferred invoice goes to the recipient of the DDTs it bills (art. 21 c. 4 DPR
    // 633/72): a ticket moved to another customer since does not carry their goods over.
    if let Some(other) = unbilled.iter().find(|d| d.kind == DocKind::DdtOut && d.customer != ticket.customer) {
        return Err(Error::refused(format!(
            "{}: {} delivered goods to {}, and the ticket is now {}'s: a deferred invoice goes to its DDTs' recipient",
            ticket.id, other.id, other.customer, ticket.customer
        ))
        .with_hint(format!(
            "put the ticket back on {} (tkt ticket edit {} --customer {}) and invoice it; work for {} goes on a \
             ticket of its own",
            other.customer, ticket.id, other.customer, ticket.customer
        )));
    }
    // A source that breaks its kind's rules (hours made negative by hand) is named, never
    // billed in part: what an issued invoice lists as billed cannot be billed again.
    for doc in &unbilled {
        let rel = Kind::Document(doc.kind).path_for(&doc.id)?;
        refuse_if_any(&rel.display().to_string(), check_document(doc))
            .map_err(|e| e.with_hint("fix the file, then invoice again (tkt check lists what is wrong)"))?;
    }
    // What an issued invoice bills is as history holds it: a source never committed (a work
    // report made by hand), or changed by hand since, would be gone or other after a `git
    // stash -u` or a checkout, the invoice billing what no clone has (found by a
    // careless-office attack, and a review: 12 hours typed over 1 were billed).
    if let (Some(repo), Some(head)) = (desk.repo(), desk.repo().map(|r| r.head()).transpose()?.flatten()) {
        for doc in &unbilled {
            let rel = Kind::Document(doc.kind).path_for(&doc.id)?;
            let committed = repo.file_at(&head, &repo.desk_prefix().join(&rel))?.map(|f| f.bytes);
            if committed != std::fs::read(desk.abs(&rel)).ok() {
                return Err(Error::invalid(
                    crate::error::Location::file(&rel),
                    "not committed: an invoice bills only what the desk's history holds",
                )
                .with_hint("a document made or changed by hand is committed with git first (`tkt check`, then git commit), or put back (git checkout HEAD -- FILE)"));
            }
        }
    }
    let items: HashMap<String, Item> = desk.load_all::<Item>()?.into_iter().map(|i| (i.code.clone(), i)).collect();
    let billing = &desk.config.billing;
    let mut draft = invoice_lines(&ticket, &unbilled, &items, billing).map_err(|p| Error::refused(p.to_string()))?;
    let customer: Customer = desk.load(&ticket.customer)?;
    let regime = regime_of(&desk.config.company, &customer, billing).map_err(|p| Error::refused(p.to_string()))?;
    apply_regime(&mut draft, &regime);
    // A condominium withholds on work (art. 25-ter DPR 600/73), not on goods sold by DDT.
    let delivered_by = draft.delivered_by.clone();
    let is_work = |i: usize| delivered_by.get(i).is_none_or(Option::is_none);
    let work: Vec<_> = draft.lines.iter().enumerate().filter(|(i, _)| is_work(*i)).map(|(_, l)| l.clone()).collect();
    // A forfettario's income bears no withholding (art. 1 c. 67 L. 190/2014).
    let withholding = (!regime.is_forfettario()).then(|| condominium_withholding(&customer, &totals(&work))).flatten();
    // Each line says whether it is withheld on: its e-invoice's Ritenuta, and what a credit
    // note of it gives back of the withholding.
    if withholding.is_some() {
        for (i, line) in draft.lines.iter_mut().enumerate() {
            line.withholding = is_work(i) && line.vat_nature.as_deref() != Some("N1");
        }
    }
    let (duty, duty_line) = stamp_duty(&draft.lines, billing.stamp_duty);
    let mut doc = ticket_document(env, DocKind::Invoice, &ticket, &opts.doc)?;
    doc.lines = draft.lines;
    doc.lines.extend(duty_line);
    doc.stamp_duty = duty;
    doc.withholding = withholding;
    doc.sources = draft.sources;
    doc.ddts = unbilled
        .iter()
        .filter(|d| d.kind == DocKind::DdtOut)
        .map(|d| DdtRef {
            id: d.id.clone(),
            date: d.date,
            // The invoice's lines (from 1) it delivered: its e-invoice's RiferimentoNumeroLinea.
            lines: (1..)
                .zip(&delivered_by)
                .filter(|(_, by)| by.as_deref() == Some(d.id.as_str()))
                .map(|(n, _)| n)
                .collect(),
        })
        .collect();
    // A warranty invoice is one that bills nothing: a part billed on a warranty ticket
    // makes it an ordinary invoice.
    doc.warranty = Some(ticket.warranty && totals(&doc.lines).total.0.is_zero());
    // Work under warranty says which unit and which warranty it falls under.
    if let (true, Some(serial)) = (ticket.warranty, &ticket.serial) {
        let unit: Option<Equipment> = desk.get(serial)?;
        let until = unit.and_then(|u| u.warranty_until).map(|d| format!(", garanzia fino al {}", d.format("%d/%m/%Y")));
        let line = format!("Intervento in garanzia sulla matricola {serial}{}", until.unwrap_or_default());
        doc.notes = Some(match doc.notes.take() {
            Some(notes) => format!("{line}\n{notes}"),
            None => line,
        });
    }
    let terms = opts.terms.clone().or(customer.payment_terms);
    doc.payment = Some(PaymentInfo {
        due_date: due_date(doc.date, terms.as_deref()),
        terms,
        method: opts.method.clone().or_else(|| desk.config.billing.payment_method.as_deref().map(PaymentMethod::parse)),
    });
    if let Some(last) = unbilled.iter().filter(|d| d.date > doc.date).max_by_key(|d| d.date) {
        return Err(Error::refused(format!(
            "an invoice dated {} may not bill {}, dated {}: date it on or after the work or delivery",
            doc.date, last.id, last.date
        )));
    }
    // A deferred invoice is issued by the 15th of the month after its deliveries: on the
    // day it is issued, whatever date it is given (a review: `--date` before the deadline
    // hid an invoice issued late).
    let issued_on = env.now.date_naive().max(doc.date);
    // One deferred invoice bills one month's deliveries (found by a fiscal review: January's
    // and February's went in one, January's VAT in a February document).
    use chrono::Datelike;
    let months: std::collections::BTreeSet<(i32, u32)> =
        doc.ddts.iter().map(|d| (d.date.year(), d.date.month())).collect();
    if let (true, Some(&(year, month))) = (months.len() > 1, months.first()) {
        let last = chrono::NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt())
            .unwrap_or(doc.date);
        env.warn(format!(
            "the invoice bills deliveries of {} months: a deferred invoice bills one month's (art. 21 c. 4 DPR 633/72) — \
             bill the first month's alone with `tkt ticket invoice {} --until {last}`, then the rest",
            months.len(),
            ticket.id
        ));
    }
    for ddt in &doc.ddts {
        let deadline = crate::rules::deferred_deadline(ddt.date);
        if deadline.is_some_and(|deadline| issued_on > deadline) {
            env.warn(format!(
                "{} of {} is invoiced late: a deferred invoice is due by the 15th of the next month (art. 21 c. 4 \
                 DPR 633/72)",
                ddt.id, ddt.date
            ));
        }
    }
    Ok(doc)
}
