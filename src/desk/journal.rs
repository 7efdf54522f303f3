//! Crash recovery. A mutating command notes each desk file in `.tkt/journal` before it
//! writes it, and clears the journal once the files are committed. A journal found by the
//! next command that takes the lock means the last one was killed between writing and
//! committing: it never reported success, so its user will run it again, and the next
//! command takes back what it wrote (each noted file as HEAD has it). A sync's journal
//! says so ([`SYNC`]): what it merged is put back the same way, and the next sync merges
//! again (a merge comes out the same whenever it is made).

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::{Error, Result};

pub struct Journal {
    path: PathBuf,
}

/// What an interrupted command left: the files it was writing, and when it started.
pub struct Pending {
    pub since: SystemTime,
    pub paths: Vec<PathBuf>,
    /// A sync was writing them: the next sync merges again.
    pub sync: bool,
}

/// The journal's first line when a sync wrote it. No desk path starts with `!`.
const SYNC: &str = "!sync";

impl Journal {
    pub fn new(path: PathBuf) -> Journal {
        Journal { path }
    }

    /// Notes a desk-relative path about to be written or removed. Synced to disk before the
    /// write starts, so that a power cut cannot lose the note and keep the file.
    pub fn note(&self, rel: &Path) -> Result<()> {
        self.note_all(&[rel.to_path_buf()])
    }

    /// Notes many paths at once, with one sync to disk (a merge writes hundreds).
    pub fn note_all(&self, rels: &[PathBuf]) -> Result<()> {
        self.write_notes(rels, false)
    }

    /// Notes the files a sync is about to write: if it is cut short, the next command puts
    /// them back as HEAD has them, like any command's, and the next sync merges again.
    pub fn note_sync(&self, rels: &[PathBuf]) -> Result<()> {
        self.write_notes(rels, true)
    }

    fn write_notes(&self, rels: &[PathBuf], sync: bool) -> Result<()> {
        if rels.is_empty() {
            return Ok(());
        }
        if let Some(dir) = self.path.parent() {
            crate::files::create_dirs(dir)?;
        }
        let mut line: String = if sync { format!("{SYNC}\n") } else { String::new() };
        line.extend(rels.iter().map(|rel| format!("{}\n", rel.display())));
        let mut file =
            OpenOptions::new().create(true).append(true).open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        crate::files::share(&self.path);
        file.write_all(line.as_bytes()).and_then(|()| file.sync_data()).map_err(|e| Error::io(&self.path, e))
    }

    /// Forgets the notes once their files are committed.
    pub fn clear(&self) -> Result<()> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    /// The notes of a command that did not finish, if any.
    pub fn pending(&self) -> Result<Option<Pending>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        let since = fs::metadata(&self.path).and_then(|m| m.modified()).map_err(|e| Error::io(&self.path, e))?;
        let sync = text.lines().any(|l| l == SYNC);
        let mut paths: Vec<PathBuf> = text
            .lines()
            .filter(|l| *l != SYNC)
            .map(PathBuf::from)
            // Only plain desk-relative paths: the journal is a file in the desk, not trusted.
            .filter(|p| p.components().all(|c| matches!(c, std::path::Component::Normal(_))))
            .collect();
        paths.sort();
        paths.dedup();
        Ok(Some(Pending { since, paths, sync }))
    }
}
