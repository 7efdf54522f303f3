//! Exporting invoices and credit notes as FatturaPA files: each checked as SDI would
//! before anything is written, given the desk's next progressivo d'invio, written to a
//! folder for upload (or sending), and marked on the document as exported.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::desk::Desk;
use crate::einvoice::{check, fattura, file_name, xml_view, Export};
use crate::files::write_atomic;
use crate::intake::{parse_receipt, Receipt};
use crate::model::{DocKind, Document, Kind};
use crate::rules::refuse_if_any;
use crate::{Error, Result};

use super::Env;

pub use crate::model::EINVOICE;

/// Which documents to export: these ids, or those of a period not yet exported.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub ids: Vec<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// One document exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub id: String,
    pub file: PathBuf,
}

/// Exports the selected documents into `dir`; nothing is written when one fails its checks.
pub fn export(env: &Env, what: &Selection, dir: &Path) -> Result<Vec<Exported>> {
    let _lock = env.lock()?;
    let desk = &env.desk;
    let all = desk.documents(&[DocKind::Invoice, DocKind::CreditNote])?;
    remove_files_of_cut_short_export(env, &all)?;
    let history = exported_in_history(desk)?;
    // An annotation without its file names no export (found by a fiscal audit: one whose
    // `file:` was removed by hand was exported again, a duplicate SDI refuses).
    let exported = |d: &Document| einvoice_file(d).is_some();
    // Exported once, its annotation (or its file) since removed by hand: git history remembers.
    let removed = |d: &Document| if exported(d) { None } else { history.files.get(&d.id) };
    // Exported and never sent, its file since lost: written again, the same file.
    let mut lost = Vec::new();
    let chosen: Vec<Document> = if what.ids.is_empty() {
        for d in all.iter().filter(|d| removed(d).is_some()) {
            env.warn(format!("{} is not exported again: {}", d.id, already_exported(removed(d))));
        }
        all.iter()
            .filter(|d| !exported(d) && removed(d).is_none())
            .filter(|d| what.since.is_none_or(|s| d.date >= s) && what.until.is_none_or(|u| d.date <= u))
            .cloned()
            .collect()
    } else {
        let mut chosen = Vec::new();
        // One id named twice is one document, exported once (found by an SDI review: two
        // files of one invoice were written).
        let mut seen = HashSet::new();
        for id in what.ids.iter().filter(|id| seen.insert(id.as_str())) {
            let doc = desk.load_doc(id)?;
            if !matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
                return Err(Error::refused(format!(
                    "{id} is {}: only invoices and credit notes are e-invoices",
                    doc.kind.a()
                )));
            }
            let file = einvoice_file(&doc);
            let shared = file.is_some_and(|f| all.iter().any(|d| d.id != doc.id && names_file(d, f)));
            match (file, sdi_state(&doc)) {
                // A rejected e-invoice is corrected and sent again, same number and date.
                (Some(_), SdiState::Rejected { on }) => {
                    // Taken off the books by a credit note: it stays never issued, and the
                    // note with it (found by a fiscal review: the invoice went again, and
                    // then its note too, as a TD04).
                    // Only notes that cancel it whole do (found by a fiscal review: a discount
                    // of 10.00 blocked it for good, and its work could not be billed again).
                    let notes: Vec<&Document> =
                        all.iter().filter(|n| cancels_rejected(n, &all) && n.invoice.as_deref() == Some(id)).collect();
                    if crate::rules::cancelled_by(&doc, &notes) {
                        let ids: Vec<&str> = notes.iter().map(|n| n.id.as_str()).collect();
                        return Err(Error::refused(format!(
                            "{id} was rejected by SDI and {} took it off your books: it is not sent again",
                            ids.join(", ")
                        ))
                        .with_hint("bill its work with a new invoice (tkt ticket invoice)"));
                    }
                    if on.is_some_and(|day| (env.now.date_naive() - day).num_days() > 5) {
                        env.warn(format!(
                            "{id} was rejected more than 5 days ago: SDI keeps its number and date only when it is sent \
                             again within 5 days of the rejection"
                        ));
                    }
                }
                // Another document has the same file (clones that exported offline): the one
                // not sent yet takes a new progressivo.
                (Some(_), SdiState::Exported) if shared => {}
                // Its file went nowhere (nothing says it was sent) and is gone: SDI never
                // had it, and the same file is made again.
                (Some(file), SdiState::Exported) if !dir.join(file).exists() => {
                    lost.push(doc);
                    continue;
                }
                (Some(file), _) => {
                    return Err(Error::refused(format!("{id} was already exported as {file}: SDI refuses a duplicate")))
                }
                (None, _) if removed(&doc).is_some() => {
                    return Err(Error::refused(format!("{id}: {}", already_exported(removed(&doc)))))
                }
                (None, _) => {}
            }
            chosen.push(doc);
        }
        chosen
    };
    // A credit note of an invoice SDI rejected cancels, in the books only, an invoice that
    // was never issued: it is not sent (SDI would reject it as it rejected the invoice).
    let (internal, chosen): (Vec<Document>, Vec<Document>) =
        chosen.into_iter().partition(|d| cancels_rejected(d, &all));
    for d in &internal {
        let message = format!(
            "{} credits {}, which SDI rejected (never issued): it cancels it in your books only and is not sent",
            d.id,
            d.invoice.as_deref().unwrap_or_default()
        );
        match what.ids.is_empty() {
            true => env.warn(message),
            false => return Err(Error::refused(message)),
        }
    }
    let again = write_again(env, &lost, dir)?;
    if chosen.is_empty() {
        if again.is_empty() {
            env.say("nothing to export");
        }
        return Ok(again);
    }
    super::documents::refuse_changed_since_issue(desk, &chosen.iter().collect::<Vec<_>>())?;
    let mut used: Vec<String> = all.iter().flat_map(progressives_of).collect();
    used.extend(history.progressives);
    let progressives = progressives(&used, desk.local.series.as_deref(), chosen.len())?;
    let today = env.now.date_naive();
    let mut pages = Vec::new();
    for (progressive, doc) in progressives.into_iter().zip(&chosen) {
        let x = Export { company: &desk.config.company, progressive: &progressive, today, correcting: corrected(doc) };
        refuse_if_any(&format!("{} as an e-invoice", doc.id), check(doc, &x))?;
        if let Some(method) = crate::einvoice::unknown_payment_method(doc) {
            env.warn(format!(
                "{}: payment method \"{method}\" names no ModalitaPagamento: sent as MP05 (bonifico)",
                doc.id
            ));
        }
        pages.push((doc, progressive.clone(), file_name(doc, &progressive), fattura(doc, &x)));
    }
    let mut written: Vec<PathBuf> = Vec::new();
    // Until the commit, the next export knows which files a kill left behind.
    let noted: Vec<(PathBuf, String)> = pages
        .iter()
        .map(|(_, _, name, xml)| (std::path::absolute(dir.join(name)).unwrap_or(dir.join(name)), content_hash(xml)))
        .collect();
    note_exporting(desk, &noted)?;
    let result = (|| {
        let mut done = Vec::new();
        let mut paths = Vec::new();
        for (doc, progressive, name, xml) in &pages {
            let file = dir.join(name);
            // The same bytes are the file of an export cut short before its commit.
            if file.exists() && std::fs::read(&file).ok().as_deref() != Some(xml.as_bytes()) {
                return Err(Error::refused(format!("{}: exists already; nothing was exported", file.display())));
            }
            write_atomic(&file, xml.as_bytes())?;
            written.push(file.clone());
            let mut marked = (*doc).clone();
            let mut entry = entry_of(&marked);
            // A file sent again keeps the one it replaces, and the receipts about it.
            if let Some(old) = entry.get("file").cloned() {
                let mut previous = entry.get("previous").and_then(|p| p.as_sequence()).cloned().unwrap_or_default();
                previous.push(old);
                entry.insert("previous".into(), previous.into());
            }
            entry.insert("file".into(), name.as_str().into());
            entry.insert("progressive".into(), progressive.as_str().into());
            entry.insert("exported_at".into(), env.now.to_rfc3339().into());
            // What was exported, byte for byte: only that file is ever sent.
            entry.insert("hash".into(), content_hash(xml).into());
            marked.extra.insert(EINVOICE.into(), entry.into());
            paths.push(desk.write(&marked)?);
            done.push(Exported { id: doc.id.clone(), file });
        }
        let ids: Vec<&str> = done.iter().map(|e| e.id.as_str()).collect();
        env.commit(&paths, &format!("{}: exported as e-invoice", ids.join(", ")))?;
        for (doc, e) in chosen.iter().zip(&done).filter(|(d, _)| crate::einvoice::to_public_administration(d)) {
            env.warn(format!(
                "{}: {} goes to a public administration, which SDI takes only signed: sign it (CAdES) as {}.p7m \
                 beside it before `tkt doc send`",
                e.file.display(),
                doc.id,
                e.file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ));
        }
        Ok(done)
    })();
    if result.is_err() {
        for file in &written {
            let _ = std::fs::remove_file(file);
        }
    }
    note_exporting(desk, &[])?;
    result.map(|done| again.into_iter().chain(done).collect())
}

fn content_hash(xml: &str) -> String {
    crate::git::content_hash(xml.as_bytes())
}

/// `.tkt/exporting`: the files an export is writing (each with its content's hash), until
/// its commit is made or it fails; none when `files` is empty.
fn note_exporting(desk: &crate::desk::Desk, files: &[(PathBuf, String)]) -> Result<()> {
    let note = desk.root().join(crate::desk::LOCAL_DIR).join("exporting");
    if files.is_empty() {
        return match std::fs::remove_file(&note) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&note, e)),
            _ => Ok(()),
        };
    }
    let lines: String = files.iter().map(|(path, hash)| format!("{hash}\t{}\n", path.display())).collect();
    write_atomic(&note, lines.as_bytes())
}

/// The files an export killed before its commit left (its annotations already taken back
/// by the lock): removed while they hold what it wrote and no document names them, so the
/// progressivo they took is free again and its file name too (found by a crash attack: the
/// next export under that progressivo was refused, "exists already").
fn remove_files_of_cut_short_export(env: &Env, all: &[Document]) -> Result<()> {
    let note = env.desk.root().join(crate::desk::LOCAL_DIR).join("exporting");
    let Ok(text) = std::fs::read_to_string(&note) else { return Ok(()) };
    for (hash, path) in text.lines().filter_map(|l| l.split_once('\t')) {
        let path = Path::new(path);
        let named =
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| all.iter().any(|d| einvoice_file(d) == Some(n)));
        let ours = std::fs::read(path).is_ok_and(|b| crate::git::content_hash(&b) == hash);
        if ours && !named {
            std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            env.warn(format!("{}: left by an export cut short before its commit: removed", path.display()));
        }
    }
    note_exporting(&env.desk, &[])
}

/// Writes again, under its name and progressivo, the e-invoice file of documents exported
/// and never sent whose file is gone; their annotations stay as they are.
fn write_again(env: &Env, docs: &[Document], dir: &Path) -> Result<Vec<Exported>> {
    super::documents::refuse_changed_since_issue(&env.desk, &docs.iter().collect::<Vec<_>>())?;
    let mut pages = Vec::new();
    for doc in docs {
        let progressive = doc.extra.get(EINVOICE).and_then(|e| e.get("progressive")).and_then(|p| p.as_str());
        let (Some(progressive), Some(name)) = (progressive, einvoice_file(doc)) else {
            return Err(Error::refused(format!("{}: its einvoice annotation names no file or progressivo", doc.id)));
        };
        let x = Export {
            company: &env.desk.config.company,
            progressive,
            today: env.now.date_naive(),
            correcting: corrected(doc),
        };
        refuse_if_any(&format!("{} as an e-invoice", doc.id), check(doc, &x))?;
        let xml = fattura(doc, &x);
        if exported_hash(doc).is_some_and(|h| h != crate::git::content_hash(xml.as_bytes())) {
            return Err(Error::refused(format!(
                "{}: its file {name} cannot be made again the same (tkt.toml changed since its export)",
                doc.id
            ))
            .with_hint("find the file where it was exported, or restore tkt.toml as it was then"));
        }
        pages.push((doc.id.clone(), dir.join(name), xml));
    }
    let mut done = Vec::new();
    for (id, file, xml) in pages {
        write_atomic(&file, xml.as_bytes())?;
        env.say(format!("{id}: its file {} was gone and never sent: written again", file.display()));
        done.push(Exported { id, file });
    }
    Ok(done)
}

/// The content hash of the file a document was last exported as, when its export kept it.
fn exported_hash(doc: &Document) -> Option<&str> {
    doc.extra.get(EINVOICE)?.get("hash")?.as_str()
}

/// A document's `einvoice:` annotation, to add to (empty when it was never exported).
pub(super) fn entry_of(doc: &Document) -> serde_yaml::Mapping {
    match doc.extra.get(EINVOICE) {
        Some(serde_yaml::Value::Mapping(m)) => m.clone(),
        _ => serde_yaml::Mapping::new(),
    }
}

/// The file a document was last exported as, read from `dir` (the folder it was exported
/// to, or the file itself), and checked to be that document's: its number and progressivo.
pub fn exported_xml(doc: &Document, dir: &Path) -> Result<(String, Vec<u8>)> {
    let id = &doc.id;
    let name = einvoice_file(doc).map(str::to_string).ok_or_else(|| {
        Error::refused(format!("{id} has not been exported yet: there is no e-invoice file"))
            .with_hint(format!("export it first: tkt doc export {id} --dir DIR"))
    })?;
    let path = if dir.is_file() { dir.to_path_buf() } else { dir.join(&name) };
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::io(&path, e).with_hint(format!("name the folder {id} was exported to with --dir (or the file itself)"))
    })?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| Error::refused(format!("{}: not UTF-8 text", path.display())))?;
    let xml =
        roxmltree::Document::parse(text).map_err(|e| Error::refused(format!("{}: not XML: {e}", path.display())))?;
    let leaf = |tag: &str| xml.descendants().find(|n| n.has_tag_name(tag)).and_then(|n| n.text()).map(str::trim);
    let progressive = doc.extra.get(EINVOICE).and_then(|e| e.get("progressive")).and_then(|p| p.as_str());
    if leaf("Numero") != Some(id.as_str()) || leaf("ProgressivoInvio") != progressive {
        return Err(Error::refused(format!(
            "{}: not the e-invoice of {id} as exported (number {:?}, progressivo {:?})",
            path.display(),
            leaf("Numero").unwrap_or_default(),
            leaf("ProgressivoInvio").unwrap_or_default()
        )));
    }
    Ok((name, bytes))
}

/// [`exported_xml`], byte for byte the file exported (when its export kept its hash): one
/// changed since is neither sent nor shown as what the customer receives (found by a fiscal
/// audit: `doc print --from-xml` showed an edited file as it) — nor one whose hash in the
/// annotation was changed since the export committed it.
fn exported_as_it_was(desk: &Desk, doc: &Document, dir: &Path) -> Result<(String, Vec<u8>)> {
    let (name, bytes) = exported_xml(doc, dir)?;
    if let Some(first) = hash_as_exported(desk, doc)?.filter(|h| Some(h.as_str()) != exported_hash(doc)) {
        return Err(Error::refused(format!(
            "{}: its `einvoice: hash` is not the one its export of {name} committed ({first}): an annotation edited \
             by hand",
            doc.id
        ))
        .with_hint(format!(
            "restore the annotation from history (`git log -p -- {}`)",
            Kind::Document(doc.kind).path_for(&doc.id)?.display()
        )));
    }
    if exported_hash(doc).is_some_and(|h| h != crate::git::content_hash(&bytes)) {
        return Err(Error::refused(format!("{name}: changed since it was exported as {}'s e-invoice", doc.id))
            .with_hint(format!(
            "only the file exported is sent: write it again as it was (remove it, then tkt doc export {} --dir DIR)",
            doc.id
        )));
    }
    Ok((name, bytes))
}

/// The hash git history first recorded with the name of `doc`'s e-invoice file: written
/// once, by the export that wrote the file (a file's name never gets another: one
/// exported again takes a new progressivo). `None` outside git or before any commit has it.
fn hash_as_exported(desk: &Desk, doc: &Document) -> Result<Option<String>> {
    let (Some(repo), Some(file)) = (desk.repo(), einvoice_file(doc)) else { return Ok(None) };
    let Some(head) = repo.head()? else { return Ok(None) };
    let path = repo.desk_prefix().join(Kind::Document(doc.kind).path_for(&doc.id)?);
    // Newest first: the oldest version naming the file is the export's — its hash, or none
    // when that export kept none (before tkt kept them: a hash added since is no export's).
    let changes = repo.changes_of(None, &head, &path)?;
    let first = changes.iter().rev().filter_map(|c| c.after.as_deref()).find_map(|bytes| {
        let version: serde_yaml::Value = serde_yaml::from_slice(bytes).ok()?;
        let annotation = version.get(EINVOICE)?.clone();
        (annotation.get("file")?.as_str()? == file).then_some(annotation)
    });
    Ok(first.and_then(|a| a.get("hash")?.as_str().map(str::to_string)))
}

/// The file a document was exported as, to be sent ([`exported_as_it_was`]).
pub fn xml_to_send(desk: &Desk, doc: &Document, dir: &Path) -> Result<ToSend> {
    let (name, bytes) = exported_as_it_was(desk, doc, dir)?;
    if !crate::einvoice::to_public_administration(doc) {
        return Ok(ToSend { attachment: name.clone(), name, bytes });
    }
    // SDI takes an e-invoice to a public administration only signed: the seller's device
    // signs the file as `….xml.p7m` beside it, which goes in its place.
    let xml = if dir.is_file() { dir.to_path_buf() } else { dir.join(&name) };
    let signed = xml.with_file_name(format!("{name}.p7m"));
    let unsigned = || {
        Error::refused(format!(
            "{name}: {} goes to a public administration, and SDI takes it only signed (a qualified \
             electronic signature): {} is not there",
            doc.id,
            signed.display()
        ))
        .with_hint(format!(
            "sign {} with your signing device or program as CAdES (.p7m), keeping the name {name}.p7m \
             beside it, then send again",
            xml.display()
        ))
    };
    let envelope = match std::fs::read(&signed) {
        Ok(envelope) => envelope,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(unsigned()),
        Err(e) => return Err(Error::io(&signed, e)),
    };
    if !crate::einvoice::signed::carries(&envelope, &bytes) {
        return Err(Error::refused(format!(
            "{}: not a signed envelope (CAdES) of {name} as it was exported: only the file exported is sent",
            signed.display()
        ))
        .with_hint(format!("sign {} again, as it is now", xml.display())));
    }
    Ok(ToSend { attachment: format!("{name}.p7m"), name, bytes: envelope })
}

/// A document's e-invoice as it goes to SDI: the file it was exported as, and what is
/// attached — the file itself, or its signed envelope (`….xml.p7m`).
pub struct ToSend {
    pub name: String,
    pub attachment: String,
    pub bytes: Vec<u8>,
}

/// A document's exported e-invoice file (in `from`, its export folder, or `from` itself) as
/// the buyer's viewer shows it: text, or an HTML page; with a warning when it is not the
/// file exported ([`exported_as_it_was`]): the view reads the file whatever it holds, but
/// says when that is not what the customer receives (found by a fiscal audit).
pub fn render_xml_view(desk: &Desk, doc: &Document, from: &Path, html: bool) -> Result<(String, Option<String>)> {
    let ((name, bytes), warning) = match exported_as_it_was(desk, doc, from) {
        Ok(exported) => (exported, None),
        Err(e) if e.kind == crate::error::ErrorKind::Refused => (
            exported_xml(doc, from)?,
            Some(format!("{}; shown all the same, it is not what the customer received", e.message)),
        ),
        Err(e) => return Err(e),
    };
    let view = xml_view(&String::from_utf8_lossy(&bytes)).map_err(|e| Error::refused(format!("{name}: {e}")))?;
    Ok((if html { view.html() } else { view.text() }, warning))
}

/// The name of the file a document is exported as, if it was.
pub fn einvoice_file(d: &Document) -> Option<&str> {
    d.extra.get(EINVOICE)?.get("file")?.as_str()
}

/// Whether `file` is `d`'s current file, or one it replaced that SDI had (sent, or answered
/// about): its name stays SDI's, and another document's file of that name goes again under
/// a new progressivo (found by an SDI attack: one under a rejected file's name could be
/// neither sent nor exported again).
pub(crate) fn names_file(d: &Document, file: &str) -> bool {
    einvoice_file(d) == Some(file) || sent_as(d, file) || answered_about(d, file)
}

/// The files whose names `d` holds at SDI ([`names_file`]).
pub(crate) fn files_named(d: &Document) -> Vec<&str> {
    files_ever(d).into_iter().filter(|f| names_file(d, f)).collect()
}

/// Every file a document was exported as: its current one, then those it replaced, and
/// any other its `sent` list names (a merge of two clones' exports may leave one there).
fn files_ever(d: &Document) -> Vec<&str> {
    let mut files: Vec<&str> = einvoice_file(d)
        .into_iter()
        .chain(annotated(d, "previous").iter().filter_map(|f| f.as_str()))
        .chain(annotated(d, "sent").iter().filter_map(file_of))
        .collect();
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(*f));
    files
}

/// A file of the document, other than its current one, that went to SDI and was not
/// rejected: SDI has the document already, and refuses a second file of it (found by an
/// SDI attack: after two clones' offline exports met, `doc send` mailed the second).
pub fn sent_before(doc: &Document) -> Option<&str> {
    let current = einvoice_file(doc);
    let rejected = |file: &str| {
        let ns = |r: &&serde_yaml::Value| r.get("kind").and_then(|k| k.as_str()) == Some("NS");
        annotated(doc, "receipts").iter().filter(ns).any(|r| file_of(r) == Some(file))
    };
    annotated(doc, "sent").iter().filter_map(file_of).find(|f| Some(*f) != current && !rejected(f))
}

/// A list of the document's e-invoice annotation (`previous`, `sent`, `receipts`), empty
/// when there is none.
fn annotated<'a>(doc: &'a Document, list: &str) -> &'a [serde_yaml::Value] {
    let list = doc.extra.get(EINVOICE).and_then(|e| e.get(list)).and_then(|l| l.as_sequence());
    list.map_or(&[], Vec::as_slice)
}

/// The file an entry of `sent` or `receipts` names.
fn file_of(entry: &serde_yaml::Value) -> Option<&str> {
    entry.get("file")?.as_str()
}

/// Every progressivo a document was exported under, read from its files' names
/// (`IT<Partita IVA>_<progressivo>.xml`).
fn progressives_of(d: &Document) -> Vec<String> {
    files_ever(d).into_iter().filter_map(progressive).collect()
}

/// The progressivo of an e-invoice's file name.
fn progressive(file: &str) -> Option<String> {
    Some(file.strip_suffix(".xml")?.rsplit_once('_')?.1.to_string())
}

/// What git history says was exported: every file name any version of an invoice or a
/// credit note recorded (also of one deleted since, or whose annotation was removed by
/// hand), by document, and their progressivi — also of an export a `git reset` took away
/// while the reflog has it: SDI may have that file (found by a fiscal audit).
struct History {
    files: HashMap<String, String>,
    progressives: Vec<String>,
}

fn exported_in_history(desk: &Desk) -> Result<History> {
    let mut found = History { files: HashMap::new(), progressives: Vec::new() };
    let Some(repo) = desk.repo() else { return Ok(found) };
    for kind in [DocKind::Invoice, DocKind::CreditNote] {
        let [history, reset_away] = repo.versions_ever(Path::new(Kind::Document(kind).dir()))?;
        // An export a `git reset` took away keeps its progressivo — SDI may have the file —
        // but names no document's export: its number may be another's now (a copy taken
        // back by `sync --resolve`: found by a review).
        let history = history.into_iter().map(|v| (v, true));
        for ((path, bytes), names) in history.chain(reset_away.into_iter().map(|v| (v, false))) {
            // Only the annotation's file names: a note or a reason may name any file.
            let Ok(version) = serde_yaml::from_slice::<serde_yaml::Value>(&bytes) else { continue };
            let annotation = version.get(EINVOICE);
            let previous = annotation.and_then(|e| e.get("previous")).and_then(|p| p.as_sequence());
            let current = annotation.and_then(|e| e.get("file"));
            for file in current.into_iter().chain(previous.into_iter().flatten()).filter_map(|f| f.as_str()) {
                found.progressives.extend(progressive(file));
                if let Some(id) = path.file_stem().and_then(|s| s.to_str()).filter(|_| names) {
                    found.files.entry(id.to_string()).or_insert_with(|| file.to_string());
                }
            }
        }
    }
    Ok(found)
}

/// Why a document whose annotation says nothing is not exported again.
fn already_exported(file: Option<&String>) -> String {
    format!(
        "git history says it was exported as {}, and its `einvoice:` annotation, or its file, was removed since: SDI \
         refuses a duplicate (restore the annotation from history)",
        file.map_or("?", String::as_str)
    )
}

/// Refuses a clone's series its e-invoice files cannot be named after: one beginning with
/// a digit. Checked when an invoice or a credit note is issued too, so that none is issued
/// that this clone could not send.
pub fn refuse_series_for_files(series: Option<&str>) -> Result<()> {
    match series.and_then(|s| s.chars().find(char::is_ascii_alphanumeric)) {
        Some(first) if first.is_ascii_digit() => Err(Error::refused(format!(
            "this clone's series {:?} begins with a digit: e-invoice files are named after the series' first two \
             characters, which must begin with a letter (set another series in .tkt/settings.toml)",
            series.unwrap_or("")
        ))),
        _ => Ok(()),
    }
}

/// The next `n` progressivi d'invio: above every one the desk's documents were ever exported
/// under, so no two files get one name (SDI refuses the second). A clone with its own series
/// (`.tkt/settings.toml`) counts in its own space — the series' first two characters (a
/// letter first; one is followed by `0`), then base 36: `MR001`, `MR002`, … `MRZZZ` — so
/// that clones exporting offline never meet, as with fiscal numbers (two series that begin
/// alike share a space: `tkt check` names a name used twice); a desk without one counts
/// `00001` … `99999`.
fn progressives(used: &[String], series: Option<&str>, n: usize) -> Result<Vec<String>> {
    let mut prefix: String = series.unwrap_or("").chars().filter(char::is_ascii_alphanumeric).take(2).collect();
    prefix.make_ascii_uppercase();
    // Always two characters, a letter first: spaces of one width never overlap, and none
    // meets the plain numbers.
    if prefix.len() == 1 {
        prefix.push('0');
    }
    refuse_series_for_files(series)?;
    let (radix, width) = if prefix.is_empty() { (10, 5) } else { (36, 3) };
    let last = used
        .iter()
        .filter_map(|p| p.strip_prefix(prefix.as_str()).filter(|rest| rest.len() == width as usize))
        .filter_map(|rest| u32::from_str_radix(rest, radix).ok())
        .max()
        .unwrap_or(0);
    let most = radix.pow(width) - 1;
    (last + 1..)
        .take(n)
        .map(|next| {
            if next > most {
                return Err(Error::refused(format!(
                    "the progressivo d'invio has reached {prefix}{}, the most a file name holds{}",
                    digits(most, radix, width),
                    if prefix.is_empty() { "" } else { ": give this clone another series in .tkt/settings.toml" }
                )));
            }
            Ok(format!("{prefix}{}", digits(next, radix, width)))
        })
        .collect()
}

/// `value` in base `radix` (10 or 36, upper case), zero-padded to `width` digits.
fn digits(mut value: u32, radix: u32, width: u32) -> String {
    let mut out = vec![b'0'; width as usize];
    for slot in out.iter_mut().rev() {
        *slot = char::from_digit(value % radix, radix).map_or(b'0', |c| c.to_ascii_uppercase() as u8);
        value /= radix;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Where an e-invoice stands: not exported, exported, then what SDI said last about its
/// current file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdiState {
    NotExported,
    Exported,
    /// Mailed to SDI by PEC; SDI has not answered yet.
    Sent,
    Delivered,
    /// SDI could not deliver it: the buyer finds it in its reserved area of the Agenzia
    /// delle Entrate's portal; send a courtesy copy.
    NotDeliverable,
    /// Rejected by SDI (on that day): correct it and export it again, same number and date.
    Rejected {
        on: Option<NaiveDate>,
    },
    /// A public administration accepted (EC01) or refused (EC02) it.
    Accepted,
    Refused,
    /// A public administration did not answer within 15 days.
    TermsExpired,
}

impl SdiState {
    /// The word scripts filter on (`doc list --sdi`).
    pub fn as_str(&self) -> &'static str {
        match self {
            SdiState::NotExported => "not-exported",
            SdiState::Exported => "exported",
            SdiState::Sent => "sent",
            SdiState::Delivered => "delivered",
            SdiState::NotDeliverable => "not-deliverable",
            SdiState::Rejected { .. } => "rejected",
            SdiState::Accepted => "accepted",
            SdiState::Refused => "refused",
            SdiState::TermsExpired => "terms-expired",
        }
    }

    /// Whether the state passes a `doc list --sdi` filter: a state's word, or `pending`
    /// (exported or sent, SDI has not answered).
    pub fn is(&self, filter: &str) -> bool {
        self.as_str() == filter || (filter == "pending" && matches!(self, SdiState::Exported | SdiState::Sent))
    }

    /// The filters of `doc list --sdi`.
    pub const FILTERS: [&'static str; 10] = [
        "not-exported",
        "exported",
        "sent",
        "pending",
        "delivered",
        "not-deliverable",
        "rejected",
        "accepted",
        "refused",
        "terms-expired",
    ];
}

/// The state of a document's e-invoice, from its `einvoice:` annotation.
/// Whether `doc` is a credit note of an invoice (among `all`) that SDI rejected.
pub fn cancels_rejected(doc: &Document, all: &[Document]) -> bool {
    doc.kind == DocKind::CreditNote
        && doc
            .invoice
            .as_deref()
            .and_then(|id| all.iter().find(|d| d.id == id))
            .is_some_and(|invoice| matches!(sdi_state(invoice), SdiState::Rejected { .. }))
}

/// Whether SDI rejected the document before (it is, or was, exported again as corrected).
fn corrected(doc: &Document) -> bool {
    matches!(sdi_state(doc), SdiState::Rejected { .. }) || !annotated(doc, "previous").is_empty()
}

/// Whether SDI answered about the file `file` of `doc` (any receipt naming it): a send of
/// it in doubt is settled.
pub fn answered_about(doc: &Document, file: &str) -> bool {
    annotated(doc, "receipts").iter().any(|r| file_of(r) == Some(file))
}

/// Whether `doc` records the file `file` as sent to SDI (`einvoice.sent`).
pub fn sent_as(doc: &Document, file: &str) -> bool {
    annotated(doc, "sent").iter().any(|m| file_of(m) == Some(file))
}

pub fn sdi_state(doc: &Document) -> SdiState {
    let Some(entry) = doc.extra.get(EINVOICE) else { return SdiState::NotExported };
    let file = entry.get("file").and_then(|f| f.as_str()).unwrap_or_default();
    let receipts = entry.get("receipts").and_then(|r| r.as_sequence()).cloned().unwrap_or_default();
    let text = |r: &serde_yaml::Value, key: &str| r.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    // SDI's answers come in stages — the file rejected (NS), or delivered (RC) or not (MC;
    // for a public administration, AT after it: transmitted, not delivered), then the
    // administration's outcome (NE) or its terms expired (DT) — and the latest stage holds
    // whatever order its receipts were imported in. An NS beside a delivery is about a
    // second copy of the file, which SDI refuses by its name: the delivery stands (found by
    // an SDI attack, as was an AT read as no answer at all, and the file sent again).
    let stage = |r: &serde_yaml::Value| match text(r, "kind").as_str() {
        "NS" => 1,
        "RC" | "MC" | "AT" => 2,
        "NE" | "DT" => 3,
        _ => 0,
    };
    let last = receipts
        .iter()
        .enumerate()
        .filter(|(_, r)| text(r, "file") == file)
        .max_by_key(|(i, r)| (stage(r), *i))
        .map(|(_, r)| r);
    let sent = sent_as(doc, file);
    match last.map(|r| (text(r, "kind"), r)) {
        None if sent => SdiState::Sent,
        None => SdiState::Exported,
        Some((kind, r)) => match kind.as_str() {
            "RC" => SdiState::Delivered,
            "MC" | "AT" => SdiState::NotDeliverable,
            "NS" => SdiState::Rejected { on: text(r, "at").get(..10).and_then(|d| d.parse().ok()) },
            "NE" if text(r, "outcome") == "EC02" => SdiState::Refused,
            "NE" => SdiState::Accepted,
            "DT" => SdiState::TermsExpired,
            _ => SdiState::Exported,
        },
    }
}

/// The errors of the latest rejection of the document's current file, in SDI's words.
pub fn sdi_errors(doc: &Document) -> Vec<String> {
    if !matches!(sdi_state(doc), SdiState::Rejected { .. }) {
        return vec![];
    }
    let Some(entry) = doc.extra.get(EINVOICE) else { return vec![] };
    let receipts = entry.get("receipts").and_then(|r| r.as_sequence()).cloned().unwrap_or_default();
    let Some(last) = receipts.iter().rev().find(|r| r.get("kind").and_then(|k| k.as_str()) == Some("NS")) else {
        return vec![];
    };
    let errors = last.get("errors").and_then(|e| e.as_sequence()).cloned().unwrap_or_default();
    errors
        .iter()
        .map(|e| {
            let text = |k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            format!("{} {}", text("code"), text("description"))
        })
        .collect()
}

/// Reads SDI's receipts from files and records them; a file that is not a receipt is
/// refused, naming it, before anything is recorded.
pub fn import_receipts(env: &Env, files: &[PathBuf]) -> Result<Vec<(String, String)>> {
    let mut receipts = Vec::new();
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        receipts.push(parse_receipt(&bytes).ok_or_else(|| {
            Error::refused(format!("{}: not an SDI receipt (RC, NS, MC, NE, DT, AT)", path.display()))
        })?);
    }
    record_receipts(env, &receipts)
}

/// Records SDI's receipts against the documents whose e-invoice they are about (by file
/// name), once each; returns each document's id and the receipt's kind.
pub fn record_receipts(env: &Env, receipts: &[Receipt]) -> Result<Vec<(String, String)>> {
    let _lock = env.lock()?;
    record_receipts_locked(env, receipts)
}

/// [`record_receipts`] for an operation that holds the desk's lock already.
pub(super) fn record_receipts_locked(env: &Env, receipts: &[Receipt]) -> Result<Vec<(String, String)>> {
    let desk = &env.desk;
    let mut docs = desk.documents(&[DocKind::Invoice, DocKind::CreditNote])?;
    let mut changed: Vec<usize> = Vec::new();
    let mut done = Vec::new();
    let mut answered = Vec::new();
    for r in receipts {
        // The document whose current file it is and that sent it, before one that only
        // exported it or replaced it: two documents may share a name after two clones
        // exported offline.
        let rank =
            |d: &Document| 2 * u8::from(einvoice_file(d) == Some(r.file.as_str())) + u8::from(sent_as(d, &r.file));
        let fits: Vec<usize> = (0..docs.len()).filter(|&i| files_ever(&docs[i]).contains(&r.file.as_str())).collect();
        let best = fits.iter().map(|&i| rank(&docs[i])).max().ok_or_else(|| {
            Error::not_found("e-invoice", &r.file).with_hint("a receipt is recorded against a file tkt exported")
        })?;
        let top: Vec<usize> = fits.into_iter().filter(|&i| rank(&docs[i]) == best).collect();
        if top.len() > 1 {
            let ids: Vec<&str> = top.iter().map(|&i| docs[i].id.as_str()).collect();
            return Err(Error::refused(format!(
                "the receipt about {} fits {}, exported under one file name: record it by hand in the one SDI \
                 received (its einvoice: receipts)",
                r.file,
                ids.join(" and ")
            )));
        }
        let i = top[0];
        let mut entry = entry_of(&docs[i]);
        let mut list = entry.get("receipts").and_then(|l| l.as_sequence()).cloned().unwrap_or_default();
        let mut receipt = serde_yaml::Mapping::new();
        receipt.insert("kind".into(), r.kind.as_str().into());
        receipt.insert("file".into(), r.file.as_str().into());
        for (key, value) in [("sdi_id", &r.sdi_id), ("at", &r.at), ("outcome", &r.outcome)] {
            if let Some(v) = value {
                receipt.insert(key.into(), v.as_str().into());
            }
        }
        if !r.errors.is_empty() {
            let errors: Vec<serde_yaml::Value> = r
                .errors
                .iter()
                .map(|(code, text)| {
                    let mut e = serde_yaml::Mapping::new();
                    e.insert("code".into(), code.as_str().into());
                    e.insert("description".into(), text.as_str().into());
                    e.into()
                })
                .collect();
            receipt.insert("errors".into(), errors.into());
        }
        let receipt = serde_yaml::Value::Mapping(receipt);
        answered.push((docs[i].id.clone(), r.file.clone()));
        if list.contains(&receipt) {
            continue;
        }
        list.push(receipt);
        entry.insert("receipts".into(), list.into());
        docs[i].extra.insert(EINVOICE.into(), entry.into());
        if !changed.contains(&i) {
            changed.push(i);
        }
        done.push((docs[i].id.clone(), r.kind.clone()));
    }
    if done.is_empty() {
        env.say("every receipt was already recorded");
        super::pec::answered(desk, &answered)?;
        return Ok(done);
    }
    // A receipt is written into the document's file: not over a hand edit of an issued
    // document, which its commit would take with it (found by a fiscal audit: the buyer's
    // name changed by hand went out as "SDI receipts"). The receipt waits to be imported again.
    super::documents::refuse_changed_since_issue(desk, &changed.iter().map(|&i| &docs[i]).collect::<Vec<_>>())?;
    let paths = changed.iter().map(|&i| desk.write(&docs[i])).collect::<Result<Vec<_>>>()?;
    let what: Vec<String> = done.iter().map(|(id, kind)| format!("{id} {kind}")).collect();
    env.commit(&paths, &format!("SDI receipts: {}", what.join(", ")))?;
    super::pec::answered(desk, &answered)?;
    for &i in &changed {
        env.say(format!("{}: {}", docs[i].id, sdi_state(&docs[i]).as_str()));
    }
    Ok(done)
}
