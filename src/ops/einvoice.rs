//! Exporting invoices and credit notes as FatturaPA files: each checked as SDI would
//! before anything is written, given the desk's next progressivo d'invio, written to a
//! folder for upload (or sending), and marked on the document as exported.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::einvoice::{check, fattura, file_name, Export};
use crate::files::write_atomic;
use crate::model::{DocKind, Document};
use crate::rules::refuse_if_any;
use crate::{Error, Result};

use super::Env;

/// The key under which a document keeps its export (an annotation: it may be added after
/// issue without changing the document).
pub const EINVOICE: &str = "einvoice";

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
    let exported = |d: &Document| d.extra.contains_key(EINVOICE);
    let chosen: Vec<Document> = if what.ids.is_empty() {
        all.iter()
            .filter(|d| !exported(d))
            .filter(|d| what.since.is_none_or(|s| d.date >= s) && what.until.is_none_or(|u| d.date <= u))
            .cloned()
            .collect()
    } else {
        let mut chosen = Vec::new();
        for id in &what.ids {
            let doc = desk.load_doc(id)?;
            if !matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
                return Err(Error::refused(format!(
                    "{id} is a {}: only invoices and credit notes are e-invoices",
                    doc.kind
                )));
            }
            if let Some(file) = doc.extra.get(EINVOICE).and_then(|e| e.get("file")).and_then(|f| f.as_str()) {
                return Err(Error::refused(format!("{id} was already exported as {file}: SDI refuses a duplicate")));
            }
            chosen.push(doc);
        }
        chosen
    };
    if chosen.is_empty() {
        env.say("nothing to export");
        return Ok(vec![]);
    }
    let first = all.iter().filter_map(progressive_of).max().unwrap_or(0) + 1;
    let today = env.now.date_naive();
    let mut pages = Vec::new();
    for (next, doc) in (first..).zip(&chosen) {
        if next > 99_999 {
            return Err(Error::refused("the progressivo d'invio has reached 99999, the most a file name holds"));
        }
        let progressive = format!("{next:05}");
        let x = Export { company: &desk.config.company, progressive: &progressive, today };
        refuse_if_any(&format!("{} as an e-invoice", doc.id), check(doc, &x))?;
        pages.push((doc, progressive.clone(), file_name(doc, &progressive), fattura(doc, &x)));
    }
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| {
        let mut done = Vec::new();
        let mut paths = Vec::new();
        for (doc, progressive, name, xml) in &pages {
            let file = dir.join(name);
            if file.exists() {
                return Err(Error::refused(format!("{}: exists already; nothing was exported", file.display())));
            }
            write_atomic(&file, xml.as_bytes())?;
            written.push(file.clone());
            let mut marked = (*doc).clone();
            let mut entry = serde_yaml::Mapping::new();
            entry.insert("file".into(), name.as_str().into());
            entry.insert("progressive".into(), progressive.as_str().into());
            entry.insert("exported_at".into(), env.now.to_rfc3339().into());
            marked.extra.insert(EINVOICE.into(), entry.into());
            paths.push(desk.write(&marked)?);
            done.push(Exported { id: doc.id.clone(), file });
        }
        let ids: Vec<&str> = done.iter().map(|e| e.id.as_str()).collect();
        env.commit(&paths, &format!("{}: exported as e-invoice", ids.join(", ")))?;
        Ok(done)
    })();
    if result.is_err() {
        for file in &written {
            let _ = std::fs::remove_file(file);
        }
    }
    result
}

/// The progressivo a document was exported under.
fn progressive_of(d: &Document) -> Option<u32> {
    d.extra.get(EINVOICE)?.get("progressive")?.as_str()?.parse().ok()
}
