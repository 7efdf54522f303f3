//! The records reports read, from the work tree or as they were at a git commit.

use std::path::Path;

use chrono::NaiveDate;

use super::{store, Desk, Want};
use crate::model::{Config, CONFIG_FILE};
use crate::model::{DocKind, Document, Item, Kind, State, Ticket};
use crate::{Error, Result};

/// The desk's records that reports need: tickets and documents as what the report keeps
/// of each (`T`, `D`), each kept as soon as it is decoded.
pub struct Snapshot<T, D> {
    pub config: Config,
    pub catalog: Vec<State>,
    pub tickets: Vec<T>,
    pub items: Vec<Item>,
    pub docs: Vec<D>,
}

/// What a report keeps of each ticket (`None`: it reads no ticket) and each document.
pub struct Keep<'k, T, D> {
    pub ticket: Option<&'k (dyn Fn(Ticket) -> T + Sync)>,
    /// What the report keeps of a ticket, made straight from its JSON in the cache and its
    /// id, as `ticket` would keep it of the whole ticket ([`super::cache::Light`]).
    pub ticket_json: Option<&'k super::cache::Light<'k, T>>,
    pub doc: &'k (dyn Fn(Document) -> D + Sync),
}

impl Desk {
    /// The records as they are now, with the documents of `kinds` only.
    pub fn snapshot<T: Send, D: Send>(&self, kinds: &[DocKind], keep: Keep<T, D>) -> Result<Snapshot<T, D>> {
        Ok(Snapshot {
            config: self.config.clone(),
            catalog: self.catalog()?,
            tickets: match keep.ticket {
                Some(ticket) => self.read_cached(Kind::Ticket, Want::All, ticket, keep.ticket_json)?,
                None => vec![],
            },
            items: self.load_all()?,
            docs: self.documents_as(kinds, keep.doc)?,
        })
    }

    /// The records as they were at a day or git revision (`--as-of`), read from git
    /// objects without touching the work tree, with the documents of `kinds` only; with
    /// the day it stands for.
    pub fn snapshot_at<T, D>(
        &self,
        spec: &str,
        kinds: &[DocKind],
        keep: Keep<T, D>,
    ) -> Result<(Snapshot<T, D>, NaiveDate)> {
        let repo =
            self.repo().ok_or_else(|| Error::refused("--as-of reads git history: the desk is in no git repository"))?;
        let (commit, day) = repo.resolve_as_of(spec)?;
        let short = &commit[..12];
        let mut config = None;
        let mut snap =
            Snapshot { config: Config::default(), catalog: vec![], tickets: vec![], items: vec![], docs: vec![] };
        for (rel, bytes) in repo.desk_files_at(&commit)? {
            let shown = Path::new(&format!("{}@{short}", rel.display())).to_path_buf();
            let text = || {
                String::from_utf8(bytes.clone()).map_err(|_| Error::refused(format!("{}: not UTF-8", shown.display())))
            };
            if rel == Path::new(CONFIG_FILE) {
                config =
                    Some(Config::parse(&text()?).map_err(|m| Error::refused(format!("{}: {m}", shown.display())))?);
                continue;
            }
            match Desk::kind_of_path(&rel) {
                Some(Kind::State) => snap.catalog.push(store::parse_record(&text()?, &shown)?),
                Some(Kind::Ticket) => {
                    if let Some(ticket) = keep.ticket {
                        snap.tickets.push(ticket(store::parse_record(&text()?, &shown)?))
                    }
                }
                Some(Kind::Item) => snap.items.push(store::parse_record(&text()?, &shown)?),
                Some(Kind::Document(k)) if kinds.contains(&k) => {
                    snap.docs.push((keep.doc)(store::parse_record(&text()?, &shown)?))
                }
                _ => {}
            }
        }
        snap.config =
            config.ok_or_else(|| Error::not_found("desk at", short).with_hint("the desk did not exist yet then"))?;
        snap.catalog.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
        Ok((snap, day))
    }
}
