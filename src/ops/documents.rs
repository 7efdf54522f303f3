//! The path every new document takes — checked, totalled, numbered in date order (online
//! when the desk says so), written and committed — and the helpers documents are made of.

use std::collections::btree_map::BTreeMap;
use std::collections::hash_map::{Entry, HashMap};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::desk::{decode_text, parse_record, Desk, LOCAL_DIR};
use crate::files::write_atomic;
use crate::git::{content_hash, FirstVersion, Pushed};
use crate::model::{
    issued_fields_changed, Customer, DocKind, Document, Equipment, FiscalNumbering, Item, Kind, Line, Party, Rate,
    SequenceId, Ticket,
};
use crate::print::{PrintFormat, PrintInput};
use crate::rules::{
    check_buyer, check_company, check_ddt_parties, check_document, check_priced_lines, check_serial,
    check_serial_pattern, item_line, refuse_if_any, totals, Balance, Problem, MAX_FISCAL_NUMBER,
};
use crate::sync::{head_commit, publish, pull, remote_has_head, undo_last_commit, SyncOptions};
use crate::{Error, ErrorKind, Result};

use super::einvoice::{sdi_errors, sdi_state};
use super::Env;

/// What every new document may be given: its date (today by default), its numbering
/// series (the clone's own by default) and printed notes.
#[derive(Debug, Clone, Default)]
pub struct DocOptions {
    pub date: Option<NaiveDate>,
    pub series: Option<String>,
    pub notes: Option<String>,
}

/// A new document of `kind` for `customer`, by the actor, with the common fields set.
pub fn new_document(env: &Env, kind: DocKind, customer: &str, opts: &DocOptions) -> Result<Document> {
    let mut doc = Document::new(kind, opts.date.unwrap_or_else(|| env.now.date_naive()), customer, env.actor());
    doc.created_at = Some(env.now);
    doc.series = opts.series.clone().or_else(|| env.desk.local.series.clone());
    if let Some(s) = &doc.series {
        if !crate::model::is_code(s) {
            return Err(Error::usage(format!("--series {s:?}: a series is 1-10 capital letters or digits")));
        }
    }
    doc.notes = opts.notes.clone().and_then(super::optional);
    Ok(doc)
}

/// A new document of a ticket: its customer, and the ticket it points at.
pub fn ticket_document(env: &Env, kind: DocKind, ticket: &Ticket, opts: &DocOptions) -> Result<Document> {
    let mut doc = new_document(env, kind, &ticket.customer, opts)?;
    doc.ticket = Some(ticket.id.clone());
    Ok(doc)
}

/// Checks a new document, computes the totals of a priced one, gives it the next number
/// of its kind, year and series, writes it and commits it with `also` (records changed with
/// it) as `<ID>: <what>`; returns the id. Nothing is written when a check refuses. The
/// caller holds the lock.
pub fn issue(env: &Env, doc: &mut Document, also: Vec<PathBuf>, what: &str) -> Result<String> {
    let kind = doc.kind;
    let issued = issue_built(env, kind, also, &mut || Ok((doc.clone(), what.to_string())))?;
    *doc = issued;
    Ok(doc.id.clone())
}

/// As [`issue`], the records that go with the document written by `write_also` only once
/// the document passed its checks, so a refused document leaves none of them behind.
pub fn issue_with(
    env: &Env,
    doc: &mut Document,
    write_also: impl FnOnce() -> Result<Vec<PathBuf>>,
    what: &str,
) -> Result<String> {
    let mut probe = doc.clone();
    prepare(env, &mut probe)?;
    let also = write_also()?;
    issue(env, doc, also, what)
}

/// [`issue`] for a document computed from the desk (an invoice from what is not yet
/// invoiced): with online numbering `build` runs after each pull, so it always sees the
/// synced desk. `build` returns the document and what its commit says.
pub fn issue_built(
    env: &Env,
    kind: DocKind,
    also: Vec<PathBuf>,
    build: &mut dyn FnMut() -> Result<(Document, String)>,
) -> Result<Document> {
    let desk = &env.desk;
    if kind.is_fiscal() && desk.config.numbering.fiscal == FiscalNumbering::Online {
        return issue_online(env, also, build);
    }
    let (mut doc, what) = build()?;
    prepare(env, &mut doc)?;
    if doc.kind.is_fiscal() {
        check_progressive_date(env, &doc)?;
    }
    doc.id = next_number(desk, &doc)?;
    let mut paths = also;
    paths.push(desk.write(&doc)?);
    env.commit(&paths, &format!("{}: {what}", doc.id))?;
    note_issued(env, &doc);
    Ok(doc)
}

/// What [`issue_built`] would make of `doc`, with nothing written: every check made, its
/// number's too (as this clone would give it; with online numbering the remote gives it
/// at issue, of the same shape); its id is `(draft)`, never a number a printed draft could
/// be taken for.
pub fn dry_issue(env: &Env, doc: &mut Document) -> Result<()> {
    prepare(env, doc)?;
    // Only a fiscal number is checked, and giving one writes nothing (another kind's
    // moves this clone's mark).
    if doc.kind.is_fiscal() {
        check_progressive_date(env, doc)?;
        next_number(&env.desk, doc)?;
    }
    doc.id = "(draft)".into();
    Ok(())
}

/// Logs a fiscal document issued for good ([`Desk::note_issued`]); the document stands
/// whatever the log says, so a log that cannot be written is only told.
fn note_issued(env: &Env, doc: &Document) {
    let today = env.now.date_naive();
    // A deferred invoice of December's deliveries issued by 15 January is on time (found by
    // a fiscal review: it was called late).
    let deferred_on_time = doc.kind == DocKind::Invoice
        && !doc.ddts.is_empty()
        && doc.ddts.iter().all(|d| crate::rules::deferred_deadline(d.date).is_some_and(|last| today <= last));
    if doc.kind.is_fiscal() && doc.date.year() < today.year() && !deferred_on_time {
        env.warn(format!(
            "{} is dated {}, in {}: that year's VAT may be settled and declared already — a late document \
             is to be regularised with your accountant (art. 6 D.Lgs. 471/97)",
            doc.id,
            doc.date,
            doc.date.year()
        ));
    }
    if doc.kind.is_fiscal() {
        if let Err(e) = env.desk.note_issued(Kind::Document(doc.kind), &doc.id) {
            env.warn(format!("{} is issued, but this clone's log of issued numbers was not written: {e}", doc.id));
        }
    }
}

/// The next number of a document's kind, year and series; a fiscal one no longer than an
/// e-invoice holds (FatturaPA's `Numero`, `IdDocumento` and `NumeroDDT`: 20 characters), so
/// that two numbers never reach SDI as one.
fn next_number(desk: &Desk, doc: &Document) -> Result<String> {
    let id = desk.next_id(Kind::Document(doc.kind), Some(doc.date.year()), doc.series.as_deref())?;
    if doc.kind.is_fiscal() && id.chars().count() > MAX_FISCAL_NUMBER {
        return Err(Error::refused(format!(
            "the {} would be {id}: an e-invoice holds numbers of at most {MAX_FISCAL_NUMBER} characters",
            doc.kind
        ))
        .with_hint("use a shorter series (--series), or a shorter prefix under [numbering.prefixes] in tkt.toml"));
    }
    Ok(id)
}

/// The checks of a new document, its totals and (fiscal) its parties.
fn prepare(env: &Env, doc: &mut Document) -> Result<()> {
    if doc.kind.is_priced() {
        // The lines are checked before any sum is made of them.
        refuse_if_any(&format!("the {}", doc.kind), check_priced_lines(&doc.lines))?;
        doc.totals = Some(totals(&doc.lines));
    }
    refuse_if_any(&format!("the {}", doc.kind), check_document(doc))?;
    if doc.kind.is_fiscal() {
        // The goods leave at the desk's time of day, whatever offset it was typed with:
        // checked against the DDT's date and printed so (found by a fiscal review).
        doc.transport_start = doc.transport_start.map(|t| env.desk_time(t));
        check_fiscal_dates(env, doc)?;
        stamp_parties(env, doc)?;
    }
    if matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
        super::einvoice::refuse_series_for_files(env.desk.local.series.as_deref())?;
    }
    Ok(())
}

/// A fiscal document is dated on or before today, and its goods leave on or after its date.
fn check_fiscal_dates(env: &Env, doc: &Document) -> Result<()> {
    let today = env.now.date_naive();
    if doc.date > today {
        return Err(Error::refused(format!(
            "a {} may not be dated {}, after today ({today}): fiscal documents are issued, not planned",
            doc.kind, doc.date
        )));
    }
    if let Some(start) = doc.transport_start.filter(|s| s.date_naive() < doc.date) {
        return Err(Error::refused(format!(
            "--transport-start {start} is before the {}'s date {}: goods leave with their DDT, not before",
            doc.kind, doc.date
        )));
    }
    Ok(())
}

/// Copies the seller and the buyer into a fiscal document as they stand at issue (the
/// document is then a frozen fact: its print reads only itself). An invoice or a credit
/// note also needs the seller's valid Partita IVA and an identified buyer.
fn stamp_parties(env: &Env, doc: &mut Document) -> Result<()> {
    let company = &env.desk.config.company;
    // A credit note goes to the buyer of its invoice, as the invoice named it, whatever
    // the customer's record says since (art. 26 DPR 633/72: the same parties).
    let (invoiced, invoiced_by) = match (doc.kind, &doc.invoice) {
        (DocKind::CreditNote, Some(invoice)) => {
            let invoice = env.desk.load_doc(invoice)?;
            (invoice.buyer, invoice.seller.map(|s| (invoice.id, s)))
        }
        _ => (None, None),
    };
    // A credit note's buyer is its invoice's: the customer's record is not needed, and may
    // be gone since (found by a careless-office attack: exit 3 where `doc pay` went on).
    let customer: Customer = match (&invoiced, doc.kind) {
        (Some(_), DocKind::CreditNote) => env.desk.get(&doc.customer)?.unwrap_or_default(),
        _ => env.desk.load(&doc.customer)?,
    };
    if matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
        let mut problems = check_company(company);
        // A withholding is reported as a person's (RT01) or a company's (RT02): which one
        // the company is, only its Codice Fiscale says (16 characters, or 11 digits).
        if doc.withholding.is_some() && company.tax_code.as_deref().is_none_or(|c| c.trim().is_empty()) {
            problems.push(Problem::new(
                "company.tax_code",
                "missing: the e-invoice reports the withholding as a person's (RT01, a 16-character Codice \
                 Fiscale) or a company's (RT02, 11 digits)",
            ));
        }
        if invoiced.is_none() {
            problems.extend(check_buyer(&customer));
        }
        refuse_if_any(&format!("the {}", doc.kind), problems).map_err(|e| {
            e.with_hint("set the company's fiscal data under [company] in tkt.toml, and the customer's with `tkt customer edit`")
        })?;
    }
    if matches!(doc.kind, DocKind::DdtIn | DocKind::DdtOut) {
        refuse_if_any(&format!("the {}", doc.kind), check_ddt_parties(company, &customer)).map_err(|e| {
            e.with_hint(format!(
                "give the address with `tkt customer edit {} --street … --zip … --city …` (the company's under \
                 [company] in tkt.toml)",
                customer.id
            ))
        })?;
    }
    doc.seller = Some(company.seller());
    // ... and comes from its seller: the same Partita IVA, wherever its seat is now (found
    // by a fiscal attack: a credit note was issued by another company set in tkt.toml),
    // under the regime the invoice was issued under — a note reversing 22% VAT is no
    // forfettario's, whatever the company's regime since (found by an office attack).
    if let Some((invoice, by)) = invoiced_by {
        if let Some(seller) = doc.seller.as_mut().filter(|_| by.regime_fiscale.is_some()) {
            seller.regime_fiscale = by.regime_fiscale.clone();
        }
        let digits = |p: &Party| p.vat_number.as_deref().map(|v| v.trim().trim_start_matches("IT").to_string());
        let now = company.seller();
        if digits(&by).is_some() && digits(&by) != digits(&now) {
            return Err(Error::refused(format!(
                "{invoice} was issued by Partita IVA {}, and [company] in tkt.toml is now {}: a credit note is issued \
                 by the invoice's seller (art. 26 DPR 633/72)",
                by.vat_number.as_deref().unwrap_or_default(),
                now.vat_number.as_deref().unwrap_or("none")
            ))
            .with_hint("credit it from the desk of the company that issued it"));
        }
    }
    doc.buyer = Some(invoiced.unwrap_or_else(|| Party::buyer(&customer)));
    // Every invoice is an e-invoice: what SDI would reject is refused before a number is
    // given, since the parties and lines stamped now never change.
    if matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
        // Its number and its progressivo d'invio are given later (and checked then): the
        // file is checked with stand-ins for them.
        let x =
            crate::einvoice::Export { company, progressive: "00001", today: env.now.date_naive(), correcting: false };
        let numbered = Document { id: if doc.id.is_empty() { "1".into() } else { doc.id.clone() }, ..doc.clone() };
        refuse_if_any(&format!("the {} as an e-invoice", doc.kind), crate::einvoice::check(&numbered, &x)).map_err(|e| {
            e.with_hint("set the company's fiscal data under [company] in tkt.toml, and the customer's with `tkt customer edit`")
        })?;
        if let Some(method) = crate::einvoice::unknown_payment_method(doc) {
            return Err(Error::refused(format!(
                "payment method \"{method}\": no ModalitaPagamento of an e-invoice names it; nothing was issued"
            ))
            .with_hint(
                "say it in words FatturaPA knows: contanti, assegno (circolare), bonifico, carta, bancomat, riba, sdd, \
                 rid, mav, bollettino (postale), domiciliazione, vaglia, pagopa (--method, or billing.payment_method)",
            ));
        }
    }
    Ok(())
}

/// How many times an online fiscal number is taken again after someone else took it.
const ONLINE_ATTEMPTS: u32 = 30;

/// What to do when online numbering cannot reach the remote.
const OFFLINE_HINT: &str = "fiscal numbers are taken from the remote ([numbering] fiscal = \"online\" in tkt.toml): \
                            nothing was issued; issue it again when the remote can be reached";

/// Online fiscal numbering, under the caller's lock: pull, compute the document from the
/// synced desk, take the next number, commit and push at once; when someone pushed
/// meanwhile, give the number back and start again. An unreachable remote refuses (exit
/// 5): nothing is issued. A push git reports as failed is checked against the remote
/// before the document is taken back.
fn issue_online(
    env: &Env,
    also: Vec<PathBuf>,
    build: &mut dyn FnMut() -> Result<(Document, String)>,
) -> Result<Document> {
    let desk = &env.desk;
    let opts = SyncOptions { remote: None, transport: env.transport, resolve: false, issue_first: false };
    // Records written with the document (a replacement's units) are kept across attempts.
    let saved: Vec<(PathBuf, Vec<u8>)> =
        also.iter().filter_map(|p| std::fs::read(desk.abs(p)).ok().map(|b| (p.clone(), b))).collect();
    let mut last = Pushed::Rejected;
    for attempt in 0..ONLINE_ATTEMPTS {
        // A remote out of reach: nothing issued, issue it again then; any other refusal
        // (a side branch, a lost branch, what sync would refuse) says what to do itself.
        let offline = |e: &Error| e.hints.is_empty() || e.message.starts_with(crate::git::FETCH_FAILED);
        let pulled =
            pull(desk, &env.author, &opts).map_err(|e| if offline(&e) { e.with_hint(OFFLINE_HINT) } else { e })?;
        // The ids the command was given may now name the remote's records: nothing is
        // issued on a guess.
        if !pulled.renumbered.is_empty() {
            let moved: Vec<String> = pulled.renumbered.iter().map(|(old, new)| format!("{old} is now {new}")).collect();
            return Err(Error::busy(format!(
                "the pull renumbered records this clone made ({}): the ids given may name the remote's records now; \
                 nothing was issued",
                moved.join(", ")
            ))
            .with_hint("run the command again with the new numbers"));
        }
        for (p, bytes) in &saved {
            desk.write_file(p, bytes)?;
        }
        let (mut doc, what) = build()?;
        prepare(env, &mut doc)?;
        check_progressive_date(env, &doc)?;
        doc.id = next_number(desk, &doc)?;
        let mut paths = also.clone();
        paths.push(desk.write(&doc)?);
        env.commit(&paths, &format!("{}: {what}", doc.id))?;
        // Until the push is settled, the next command knows what to finish or take back.
        let publishing = Publishing::of(env);
        publishing.note(desk, &doc.id)?;
        match publish(desk, &opts) {
            Ok(Pushed::Done) => {
                publishing.clear()?;
                note_issued(env, &doc);
                return Ok(doc);
            }
            Ok(rejected) => {
                last = rejected;
                undo_last_commit(desk)?;
                publishing.clear()?;
                // Someone else took the number: wait a little, differently each time.
                let jitter = u64::from(std::process::id() % 97) + 20 * u64::from(attempt);
                std::thread::sleep(std::time::Duration::from_millis(jitter));
            }
            Err(mut e) => {
                if remote_has_head(desk, &opts).unwrap_or(false) {
                    publishing.clear()?;
                    env.warn(format!("git reported the push of {} as failed, but the remote has it: issued", doc.id));
                    note_issued(env, &doc);
                    return Ok(doc);
                }
                undo_last_commit(desk)?;
                publishing.clear()?;
                e.hints = vec![OFFLINE_HINT.to_string()];
                return Err(e);
            }
        }
    }
    match last {
        Pushed::Locked(_) => {
            let branch = desk.repo().and_then(|r| r.branch().ok()).unwrap_or_default();
            Err(last.gave_up("the remote", &branch, ONLINE_ATTEMPTS).with_hint(OFFLINE_HINT))
        }
        _ => Err(Error::busy(format!("no free number after {ONLINE_ATTEMPTS} attempts: the remote kept moving"))
            .with_hint("try again in a moment")),
    }
}

/// The note of an online-numbered document committed and not yet known to be on the
/// remote (`.tkt/publishing`: its commit and id). A command killed during the push leaves
/// it for the next one, which finishes or takes back the publication.
struct Publishing {
    path: PathBuf,
}

impl Publishing {
    fn of(env: &Env) -> Publishing {
        Publishing { path: env.desk.root().join(LOCAL_DIR).join("publishing") }
    }

    fn note(&self, desk: &Desk, id: &str) -> Result<()> {
        let commit = head_commit(desk)?.unwrap_or_default();
        write_atomic(&self.path, format!("{commit}\n{id}\n").as_bytes())
    }

    /// The commit and the document's id, if a publication was left unsettled.
    fn pending(&self) -> Option<(String, String)> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let mut lines = text.lines();
        Some((lines.next()?.trim().to_string(), lines.next()?.trim().to_string()))
    }

    fn clear(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&self.path, e)),
            _ => Ok(()),
        }
    }
}

/// Settles the publication of an online-numbered fiscal document that an interrupted
/// command committed and did not see pushed: pushes it, or — when the remote has moved on
/// (someone took the number) or cannot be reached — takes it back: it never reached the
/// remote, so it was never issued, and what it billed is not yet invoiced again. Says
/// which. Runs under the lock, before the command's own work.
pub fn settle_interrupted_publication(env: &Env) -> Result<()> {
    let publishing = Publishing::of(env);
    let Some((commit, id)) = publishing.pending() else { return Ok(()) };
    let desk = &env.desk;
    let opts = SyncOptions { remote: None, transport: env.transport, resolve: false, issue_first: false };
    if head_commit(desk)?.as_deref() != Some(commit.as_str()) {
        // HEAD moved since (by hand): the commit is no longer tkt's to take back.
        publishing.clear()?;
        env.warn(format!("the publication of {id} was interrupted and HEAD has moved since; run tkt sync"));
        return Ok(());
    }
    // Whether the remote has it: yes, no, or unknown (it cannot be reached).
    let pushed = match publish(desk, &opts) {
        Ok(Pushed::Done) => Some(true),
        _ => remote_has_head(desk, &opts).ok(),
    };
    match pushed {
        Some(true) => {
            publishing.clear()?;
            env.warn(format!("an interrupted command was finished: {id} is published on the remote"));
            if let Ok(kind) = desk.doc_kind_of(&id) {
                let _ = desk.note_issued(Kind::Document(kind), &id);
            }
            return Ok(());
        }
        // It may have reached the remote: it is never taken back on a guess, since
        // issuing it again would number the same work twice. A sync settles it.
        None => {
            publishing.clear()?;
            env.warn(format!(
                "an interrupted command left {id} committed, and the remote cannot be reached to say whether it \
                 has it: it stays in this clone, and `tkt sync` publishes it (or, if the remote gave its number \
                 to another meanwhile, says so)"
            ));
            return Ok(());
        }
        Some(false) => {}
    }
    undo_last_commit(desk)?;
    publishing.clear()?;
    env.warn(format!(
        "an interrupted command was taken back: {id} never reached the remote, so it was never issued; \
         what it billed is not yet invoiced again (issue it again: the next free number is taken online)"
    ));
    Ok(())
}

/// Fiscal documents are numbered in date order: a new one may not be dated before the last
/// one of its kind, year and series — the last one *issued*, so a last document whose file
/// was deleted is read from its first version in git history (its number is never given
/// again, and its date still binds; found by an attack).
fn check_progressive_date(env: &Env, doc: &Document) -> Result<()> {
    let desk = &env.desk;
    let kind = Kind::Document(doc.kind);
    let ours = |name: &str| {
        let s = name.strip_suffix(".yaml").and_then(SequenceId::parse)?;
        (s.year == Some(doc.date.year()) && s.series == doc.series).then_some(s)
    };
    let on_disk =
        desk.files(kind)?.into_iter().filter_map(|p| p.file_name()?.to_str().and_then(ours)).max_by_key(|s| s.seq);
    let mut last: Option<(String, NaiveDate)> = match &on_disk {
        Some(id) => {
            let on = desk.load_doc(&id.to_string())?;
            // The date issued binds, not one edited since (found by a fiscal attack: the
            // last invoice's date edited back let the next one be dated before it).
            let issued = issued_date(desk, &on)?;
            Some((on.id, issued.map_or(on.date, |d| d.max(on.date))))
        }
        None => None,
    };
    // Numbers above it that history has and the desk no longer has.
    if let Some(repo) = desk.repo() {
        let year_dir = Path::new(kind.dir()).join(format!("{:04}", doc.date.year()));
        let on_disk = on_disk.map(|s| s.seq);
        let above = |name: &str| ours(name).is_some_and(|s| on_disk.is_none_or(|d| s.seq > d));
        let ever: Vec<SequenceId> =
            repo.names_ever(&year_dir)?.iter().filter(|n| above(n)).filter_map(|n| ours(n)).collect();
        if !ever.is_empty() {
            for (rel, first) in repo.first_versions(Path::new(kind.dir()))? {
                let Some(name) = rel.file_name().and_then(|n| n.to_str()).filter(|n| above(n)) else { continue };
                let issued = repo.first_content(&first).and_then(|bytes| decode_text(bytes, &rel));
                let issued = issued.and_then(|text| parse_record::<Document>(&text, &rel)).map_err(|e| {
                    e.with_hint(format!(
                        "{name} was issued and its file deleted since: restore it with `{}`",
                        first.restore(&rel)
                    ))
                })?;
                if last.as_ref().is_none_or(|(_, date)| issued.date > *date) {
                    last = Some((issued.id, issued.date));
                }
            }
        }
        // The highest number, when only HEAD's reflog still has it (a pull undone by a `git
        // reset`: issued by another clone, published, gone from this clone's history;
        // found by a fiscal attack): its date binds as well.
        if let Some(top) = ever.iter().max_by_key(|s| s.seq).map(ToString::to_string) {
            let dated = last.as_ref().is_some_and(|(id, _)| *id == top);
            let kept = match dated {
                true => None,
                false => {
                    let reflog = repo.first_versions_in_reflog(&year_dir)?;
                    let top = crate::model::in_year_folder(&year_dir, &top);
                    reflog.get(&top).map(|v| repo.first_content(v)).transpose()?
                }
            };
            let issued = kept.and_then(|b| crate::model::from_yaml::<Document>(&b).ok());
            if let Some(issued) = issued.filter(|i| last.as_ref().is_none_or(|(_, date)| i.date > *date)) {
                last = Some((issued.id, issued.date));
            }
        }
        // Issued by this clone and gone from history too (a `git reset`): its blob, while
        // git keeps it (found by a review).
        for (rel, blob) in desk.issued_files(kind) {
            let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !above(name) || desk.abs(&rel).exists() {
                continue;
            }
            let issued =
                blob.and_then(|hash| repo.blob(&hash)).and_then(|b| crate::model::from_yaml::<Document>(&b).ok());
            if let Some(issued) = issued.filter(|i| last.as_ref().is_none_or(|(_, date)| i.date > *date)) {
                last = Some((issued.id, issued.date));
            }
        }
    }
    if let Some((id, date)) = last {
        if doc.date < date {
            return Err(Error::refused(format!(
                "{} would be dated {}, before {id} of {date}: fiscal documents are numbered in date order",
                doc.kind, doc.date
            )));
        }
    }
    Ok(())
}

/// The date of the fiscal document `doc` as it was issued, when its file is no longer
/// that version (its first in git history); `None` when it is, or history has none.
fn issued_date(desk: &Desk, doc: &Document) -> Result<Option<NaiveDate>> {
    let Some(repo) = desk.repo() else { return Ok(None) };
    let rel = Kind::Document(doc.kind).path_for(&doc.id)?;
    let bytes = std::fs::read(desk.abs(&rel)).map_err(|e| Error::io(&desk.abs(&rel), e))?;
    let folder = crate::model::year_folder(&rel).unwrap_or_default();
    // This clone's log says which version it issued: most often the file, with no walk;
    // else that version, whatever history says since (an amend rewrites history's first
    // version: found by a fiscal attack).
    if let Some(logged) = desk.issued_blobs(&folder).get(&doc.id) {
        if *logged == content_hash(&bytes) {
            return Ok(None);
        }
        let issued = repo.blob(logged).and_then(|b| crate::model::from_yaml::<Document>(&b).ok());
        if let Some(issued) = issued {
            return Ok(Some(issued.date));
        }
    }
    let (Some(head), path) = (repo.head()?, repo.desk_prefix().join(&rel)) else { return Ok(None) };
    let Some(first) = repo.first_version_at(&head, &path)? else { return Ok(None) };
    if first == bytes {
        return Ok(None);
    }
    let issued = decode_text(first, &rel).and_then(|text| parse_record::<Document>(&text, &rel));
    Ok(issued.ok().map(|d| d.date))
}

/// Refuses to build on `target` while a document of `kind` issued against it (`link`
/// names its target) is gone or changed since: deleted since its commit, changed in place
/// (its link edited to another document included), or taken out of history by a `git
/// reset` — this clone's log says so of its own, HEAD's reflog of another clone's. What it did (`did`: "credited", "returned goods of") still
/// counts, and is restored, not done twice (found by fiscal attacks: an invoice credited
/// whole again, a unit returned twice).
pub fn refuse_issued_against_gone(
    env: &Env,
    kind: DocKind,
    target: &str,
    link: &dyn Fn(&Document) -> Option<&str>,
    did: &str,
) -> Result<()> {
    let desk = &env.desk;
    let Some(repo) = desk.repo() else { return Ok(()) };
    let against = |bytes: &[u8]| {
        crate::model::from_yaml::<Document>(bytes).ok().filter(|d| link(d) == Some(target)).map(|d| d.id)
    };
    let ledger = repo.first_versions(Path::new(kind.dir()))?;
    for (path, first) in &ledger {
        let now = std::fs::read(desk.abs(path)).ok();
        if now.as_deref().is_some_and(|bytes| content_hash(bytes) == first.blob) {
            continue;
        }
        let Some(id) = against(&repo.first_content(first)?) else { continue };
        let why = match now.and_then(|bytes| crate::model::from_yaml::<Document>(&bytes).ok()) {
            None => "was deleted since",
            Some(now) if changed_since_issue(desk, path, first, &now).is_empty() => continue,
            Some(_) => "was changed since",
        };
        return Err(Error::refused(format!(
            "{id} {did} {target} as issued (commit {}) and {why}: an issued {kind} still counts as issued",
            first.commit
        ))
        .with_hint(format!("restore it: {}", first.restore(path))));
    }
    for (path, blob) in desk.issued_files(Kind::Document(kind)) {
        if ledger.contains_key(&path) || desk.abs(&path).exists() {
            continue;
        }
        let Some(hash) = blob else { continue };
        if let Some(id) = repo.blob(&hash).and_then(|bytes| against(&bytes)) {
            return Err(Error::refused(format!(
                "{id} {did} {target}, issued by this clone and gone from the desk and its history since (a git \
                 reset?): an issued {kind} still counts as issued"
            ))
            .with_hint(format!("restore it: git cat-file blob {hash} > {}, then commit it", path.display())));
        }
    }
    // Another clone's, pulled and then taken out of history by a `git reset`: the reflog
    // still holds it, and the remote too (found by a fiscal review).
    for (path, first) in repo.first_versions_in_reflog(Path::new(kind.dir()))? {
        if ledger.contains_key(&path) || desk.abs(&path).exists() {
            continue;
        }
        if let Some(id) = against(&repo.first_content(&first)?) {
            return Err(Error::refused(format!(
                "{id} {did} {target} as issued (commit {}), and a git reset took it out of this clone's history since: \
                 an issued {kind} still counts as issued",
                first.commit
            ))
            .with_hint(format!("bring it back: tkt sync (or {})", first.restore(&path))));
        }
    }
    Ok(())
}

/// A document that others are issued against (an invoice credited or paid, a credit note
/// refunded): it must be of `kind` and pass its own checks, or the amounts derived from it
/// would be wrong.
pub fn load_sound_doc(env: &Env, id: &str, kind: DocKind) -> Result<Document> {
    let doc = env.desk.load_doc(id)?;
    if doc.kind != kind {
        return Err(Error::refused(format!("{} is {}, not {}", doc.id, doc.kind.a(), kind.a())));
    }
    let rel = Kind::Document(doc.kind).path_for(&doc.id)?;
    refuse_if_any(&rel.display().to_string(), check_document(&doc))
        .map_err(|e| e.with_hint("fix the file, then try again (tkt check lists what is wrong)"))?;
    refuse_changed_since_issue(&env.desk, &[&doc])?;
    Ok(doc)
}

/// Refuses fiscal documents whose fields changed since they were issued (their first
/// version in git history, the ledger): nothing is issued against, nor sent from, a
/// document that is not what was issued.
pub fn refuse_changed_since_issue(desk: &Desk, docs: &[&Document]) -> Result<()> {
    let Some(repo) = desk.repo() else { return Ok(()) };
    let mut ledgers: HashMap<DocKind, BTreeMap<PathBuf, FirstVersion>> = HashMap::new();
    for doc in docs.iter().filter(|d| d.kind.is_fiscal()) {
        let kind = Kind::Document(doc.kind);
        let rel = kind.path_for(&doc.id)?;
        let ledger = match ledgers.entry(doc.kind) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(repo.first_versions(Path::new(kind.dir()))?),
        };
        // A file no commit has was never issued — a hand copy made to prepare one, or the
        // file of a command killed before its commit — or its commit was taken away: nothing
        // is credited, paid, sent or billed against it (found by a careless-office attack: a
        // credit note, which never goes, was issued against a draft).
        let Some(first) = ledger.get(&rel) else {
            return Err(Error::refused(format!(
                "{}: no commit in git history has it: it was never issued (a copy made by hand, a command cut \
                 short), or its commit was taken away (a `git reset`)",
                rel.display()
            ))
            .with_hint(format!(
                "a document made by hand is issued by committing it with git (`tkt check` first); anything else, \
                 move it out of {}",
                rel.parent().unwrap_or(&rel).display()
            )));
        };
        let year = crate::model::year_folder(&rel).unwrap_or_default();
        if let Some(why) = rewritten_after_issue(&rel, first, &desk.issued_blobs(&year)) {
            return Err(Error::refused(why));
        }
        let fields = changed_since_issue(desk, &rel, first, doc);
        if !fields.is_empty() {
            return Err(Error::refused(format!(
                "{}: {} changed since it was issued in commit {}: an issued fiscal document never changes",
                rel.display(),
                fields.join(", "),
                first.commit
            ))
            .with_hint(format!("restore it with `{}`; correct it with a credit note", first.restore(&rel))));
        }
    }
    Ok(())
}

/// Why the first version of the fiscal document at `rel` in git history is not the one
/// this clone issued (`logged`: its log's blobs by id), when it is not: history was
/// rewritten after the issue (`git commit --amend`, a rebase), and the ledger with it.
pub fn rewritten_after_issue(rel: &Path, first: &FirstVersion, logged: &HashMap<String, String>) -> Option<String> {
    let id = rel.file_stem()?.to_str()?;
    let blob = logged.get(id).filter(|blob| **blob != first.blob)?;
    let blob = &blob[..blob.len().min(12)];
    Some(format!(
        "{id} was issued by this clone as blob {blob} (.tkt/issued), but its first version in git history (commit {}) \
         is another: history was rewritten after it was issued (git commit --amend, a rebase), and an issued fiscal \
         document never changes — find the commit that issued it with `git reflog` and put the branch back there \
         (`git reset --hard COMMIT`), then redo what came after; `git cat-file -p {blob}` shows it as issued; or, \
         when it is the remote's history that gives the number another document, which people settled stands, \
         `tkt sync --resolve` on this clone reset to the remote takes that one as issued",
        first.commit,
    ))
}

/// The issued fields of the fiscal document `now` (at `rel`) that differ from its first
/// version; none when its file is that version. When that version does not read (a typo
/// committed by hand, fixed in the next commit), the first version that reads is the one
/// issued: before, such a document was never compared again, its price changed at will
/// (found by a fiscal audit); held to its unreadable text, it could be neither paid nor
/// credited (found by a review).
pub fn changed_since_issue(desk: &Desk, rel: &Path, first: &FirstVersion, now: &Document) -> Vec<String> {
    if std::fs::read(desk.abs(rel)).is_ok_and(|bytes| content_hash(&bytes) == first.blob) {
        return vec![];
    }
    let Some(repo) = desk.repo() else { return vec![] };
    let read = |bytes: Vec<u8>| decode_text(bytes, rel).and_then(|text| parse_record::<Document>(&text, rel)).ok();
    // Its history at its place and where an older tkt kept it, whichever `rel` is.
    let places: Vec<PathBuf> = crate::model::record_places(&crate::model::record_path(rel)).collect();
    let issued = match repo.first_content(first).ok().and_then(read) {
        Some(issued) => Some(issued),
        None => repo
            .record_history(&places)
            .ok()
            .and_then(|revisions| revisions.into_iter().find_map(|r| r.after.and_then(|text| read(text.into_bytes())))),
    };
    issued.map(|issued| issued_fields_changed(&issued, now)).unwrap_or_default()
}

/// The balance of one invoice, from the documents that point at it.
pub fn invoice_balance(desk: &Desk, invoice: &Document) -> Result<Balance> {
    Ok(Balance::of_invoice(invoice, &settling(desk, &invoice.id)?))
}

/// The credit notes and payments of an invoice and the refunds of those credit notes:
/// found as a ticket's documents are, not by decoding every one of the desk (at 100,000
/// tickets a payment took 0.9 s, most of it reading the 100,000 others); only these kinds
/// count, so only their folders are looked at.
pub fn settling(desk: &Desk, invoice: &str) -> Result<Vec<Document>> {
    desk.documents_pointing_at(invoice, &[DocKind::CreditNote, DocKind::Payment, DocKind::Refund])
}

/// Renders a document of the desk. A fiscal document prints its own parties; the printed
/// document is the document, so no balance (payments come later) is ever on it.
pub fn render_document(desk: &Desk, doc: &Document, format: PrintFormat) -> Result<String> {
    let customer: Option<Customer> = desk.get(&doc.customer)?;
    // A fiscal document prints only itself: not its ticket's title as it reads today (a
    // review: a DDT reprinted after the ticket's title changed printed the new one).
    let ticket: Option<Ticket> = match &doc.ticket {
        Some(t) if !doc.kind.is_fiscal() => desk.get(t)?,
        _ => None,
    };
    crate::print::render_document(
        &PrintInput {
            config: &desk.config,
            doc,
            customer: customer.as_ref(),
            ticket: ticket.as_ref(),
            templates: &desk.root().join("templates"),
        },
        format,
    )
}

/// Refuses a file name whose extension promises another format (`-o x.pdf` would hold
/// text), and any existing file inside the desk (a record, `tkt.toml`, an attachment).
pub fn check_print_output(desk: &Desk, path: &Path, format: PrintFormat) -> Result<()> {
    // A name without an extension (`-o fattura`, `-o -`) is refused as one of another.
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let allowed = format.file_extensions();
    if !allowed.contains(&ext.as_str()) {
        let what = if ext.is_empty() { "a file without an extension".to_string() } else { format!("a .{ext} file") };
        return Err(Error::usage(format!(
            "--output {}: {what} cannot hold a {} page (use .{}; without --output the page goes to standard output)",
            path.display(),
            format!("{format:?}").to_lowercase(),
            allowed[0]
        ))
        .with_hint("tkt prints text or HTML (-f html); print the HTML page to PDF from a browser"));
    }
    // Resolved through links, so a link outside that points in is caught too.
    let real = |p: &Path| std::fs::canonicalize(p).ok();
    let inside = |p: &Path| real(desk.root()).zip(real(p)).is_some_and(|(root, p)| p.starts_with(root));
    if std::fs::symlink_metadata(path).is_ok() && inside(path) {
        return Err(Error::refused(format!(
            "--output {}: the file is inside the desk; tkt does not overwrite it",
            path.display()
        ))
        .with_hint("write the page outside the desk, or to a new file"));
    }
    // Nor a new file among the records, attachments or templates, where check and sync
    // would refuse it (found by a careless-office attack: printed from `documents/…/2026`).
    // The folder as the file system resolves it: its nearest folder that exists, with the
    // rest of the path after it (found by a review: `documents/invoice/2027/`, which the
    // write would make, was let through).
    let parent = path.parent().unwrap_or(Path::new(""));
    let resolved = parent.ancestors().find_map(|above| {
        let there = real(if above.as_os_str().is_empty() { Path::new(".") } else { above })?;
        Some(there.join(parent.strip_prefix(above).ok()?))
    });
    let folder = real(desk.root()).zip(resolved).and_then(|(root, at)| {
        let top = at.strip_prefix(&root).ok()?.iter().next()?.to_str()?.to_string();
        Desk::layout_dirs().contains(&top.as_str()).then_some(top)
    });
    if let Some(folder) = folder {
        return Err(Error::refused(format!(
            "--output {}: inside the desk's {folder}/, which holds only tkt's files (check and sync would refuse the \
             page)",
            path.display()
        ))
        .with_hint("write the page outside the desk's folders"));
    }
    Ok(())
}

/// What `doc show` adds below a document: an invoice's balance, an e-invoice's state
/// with SDI's errors.
pub fn document_cards(desk: &Desk, doc: &Document) -> Result<Vec<Vec<(String, String)>>> {
    let mut cards = Vec::new();
    if doc.kind == DocKind::Invoice {
        let b = invoice_balance(desk, doc)?;
        cards.push(vec![
            ("balance.credited".into(), b.credited.to_string()),
            ("balance.paid".into(), b.paid.to_string()),
            ("balance.refunded".into(), b.refunded.to_string()),
            ("balance.due".into(), b.due.to_string()),
        ]);
    }
    if matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
        let mut card = vec![("einvoice".to_string(), sdi_state(doc).as_str().to_string())];
        card.extend(sdi_errors(doc).into_iter().map(|e| ("sdi error".to_string(), e)));
        cards.push(card);
    }
    Ok(cards)
}

/// Parses `CODE:QTY[:SERIAL]` (quantity 1 when left out).
pub fn parse_item_spec(spec: &str) -> Result<(String, Decimal, Option<String>)> {
    let mut parts = spec.splitn(3, ':');
    let code = parts.next().unwrap_or_default().trim().to_string();
    let qty = match parts.next().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Rate::parse(q).map_err(|e| Error::usage(format!("{spec:?}: quantity {e}")))?.0,
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

/// Lines from `CODE:QTY[:SERIAL]` specs of `--line`, for a document of `customer`;
/// priced from the items when `priced`; their serials checked for `using`.
pub fn item_lines(env: &Env, specs: &[String], priced: bool, customer: &str, using: SerialUse) -> Result<Vec<Line>> {
    let mut lines = Vec::new();
    for spec in specs {
        let (code, qty, serial) = parse_item_spec(spec)?;
        let item: Item = env
            .desk
            .get(&code)?
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("{spec:?}: unknown item {code:?}")))?;
        if let Some(serial) = &serial {
            check_line_serial(env, &format!("--line {spec:?}"), &item, qty, serial, customer, using)?;
        }
        let line = if priced {
            item_line(&item, qty, item.description.clone(), serial).map_err(|p| Error::refused(p.to_string()))?
        } else {
            plain_line(&item, qty, serial)
        };
        lines.push(line);
    }
    Ok(lines)
}

/// What a serial on a document line must be, besides a serial of its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SerialUse {
    /// A registered unit of the document's customer: goods received or sent back.
    Owned,
    /// A unit not registered yet: goods sold (the sale registers it).
    New,
    /// A serial of its item, nothing more: materials used, goods ordered.
    Any,
}

/// Checks the serials of lines not given on the command line (the ticket's unit, the lines
/// of a received DDT); `what` says where they come from.
pub fn check_serials(env: &Env, what: &str, lines: &[Line], customer: &str, using: SerialUse) -> Result<()> {
    for line in lines {
        if let (Some(code), Some(serial)) = (&line.item, &line.serial) {
            let item: Item = env.desk.load(code)?;
            check_line_serial(env, &format!("{what} ({code} {serial})"), &item, line.qty.0, serial, customer, using)?;
        }
    }
    Ok(())
}

/// A serial on a line of `item` (`qty` of it) for a document of `customer`, as on a ticket:
/// the item is serial-tracked, the line is one unit, the serial matches the item's
/// `serial_pattern`; with serial numbers on, a unit `Owned` exists, is of the item and
/// belongs to the customer, and a `New` one is not registered yet. `what` names the flag.
pub fn check_line_serial(
    env: &Env,
    what: &str,
    item: &Item,
    qty: Decimal,
    serial: &str,
    customer: &str,
    using: SerialUse,
) -> Result<()> {
    let refuse = |why: String| Err(Error::refused(format!("{what}: {why}")));
    if !item.serial_tracked {
        return refuse(format!("item {} is not serial-tracked: its lines carry no serial", item.code));
    }
    if qty != Decimal::ONE {
        return refuse(format!("a serial is one unit: the quantity must be 1, not {}", qty.normalize()));
    }
    if let Some(problem) = check_serial_pattern(serial, item) {
        return refuse(problem.message);
    }
    let desk = &env.desk;
    if !desk.config.features.serial_numbers {
        return Ok(());
    }
    Kind::Equipment.check_id(serial).map_err(|e| Error::refused(format!("{what}: {e}")))?;
    match using {
        SerialUse::Owned => {
            let Some(unit) = desk.get::<Equipment>(serial)? else {
                return refuse(format!("unknown unit {serial} (register it with `tkt equipment create`)"));
            };
            let problems = check_serial(customer, Some(&item.code), &unit, item);
            if !problems.is_empty() {
                let list: Vec<String> = problems.into_iter().map(|p| p.message).collect();
                return refuse(list.join("; "));
            }
        }
        SerialUse::New => {
            if let Some(unit) = desk.get::<Equipment>(serial)? {
                return refuse(format!(
                    "unit {serial} is already registered (to {}): a unit sold is a new one",
                    unit.customer
                ));
            }
        }
        SerialUse::Any => {}
    }
    Ok(())
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
        vat_note: None,
        serial,
        withholding: false,
        extra: Default::default(),
    }
}
