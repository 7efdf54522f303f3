//! The business workflows, one module each: what a command *does*, apart from how it is
//! asked for and shown.
//!
//! Every operation takes an [`Env`] — the desk, the command's single `now` and the actor,
//! resolved once by whoever calls — plus explicit arguments, and returns an outcome (ids,
//! what changed). Operations never print and never read the environment or the clock:
//! what a person should be told goes into the env's notices, which the command line shows.
//! A mutating operation takes the desk's lock, writes, and makes one commit.

pub mod check;
pub mod delivery;
pub mod documents;
pub mod edit;
pub mod einvoice;
pub mod intake;
pub mod invoice;
pub mod orders;
pub mod pec;
pub mod query;
pub mod records;
pub mod request;
pub mod settle;
pub mod sync;
pub mod ticket;
pub mod upgrade;
pub mod work;

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use crate::desk::{Desk, DeskGuard, LOCAL_DIR};
use crate::git::Author;
use crate::model::{Instant, Kind};
use crate::{Error, Result};

/// What an operation works in: the desk, the command's clock and actor, resolved once.
pub struct Env {
    pub desk: Desk,
    /// The operation's single notion of now.
    pub now: Instant,
    /// Who acts; commits are authored by them, records say `by: <name>`.
    pub author: Author,
    /// How long a mutating operation waits for the desk's lock.
    pub lock_wait: Duration,
    /// How a sync reaches the remote: whether someone is at a terminal (git's network
    /// transport may ask for a passphrase), and how long it waits when no one is.
    pub transport: crate::git::Transport,
    /// Now is the system clock's (no `TKT_NOW`): another instant is told in the local
    /// zone's offset at that instant, not in now's.
    pub system_clock: bool,
    /// What to tell, each with whether a commit was made since it was said.
    notices: RefCell<Vec<(Notice, bool)>>,
}

/// Something a person should be told about what an operation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// What happened, for people (hidden by `--quiet`).
    Info(String),
    /// Something to look at: a record left as it was, history off, a guess that was made.
    Warning(String),
}

impl Env {
    /// An env acting as `author` at `author.when`, waiting 10 s for the lock.
    pub fn new(desk: Desk, author: Author) -> Env {
        Env {
            desk,
            now: author.when,
            author,
            lock_wait: Duration::from_secs(10),
            transport: Default::default(),
            system_clock: false,
            notices: RefCell::new(Vec::new()),
        }
    }

    /// An instant in the desk's time: the local zone's at that instant (a transport start
    /// in summer, typed in winter, is at +02:00 in Italy: found by a review), or now's
    /// offset when now was set (`TKT_NOW`).
    pub fn desk_time(&self, t: Instant) -> Instant {
        match self.system_clock {
            true => t.with_timezone(&chrono::Local).fixed_offset(),
            false => t.with_timezone(self.now.offset()),
        }
    }

    /// The same env on the desk as its files are now (a sync may have merged a changed
    /// `tkt.toml` under the command); what it notices is told through this one, by
    /// [`Env::tell_from`].
    pub fn reopened(&self) -> Result<Env> {
        let mut env = Env::new(Desk::open(self.desk.root().to_path_buf())?, self.author.clone());
        (env.now, env.lock_wait, env.transport) = (self.now, self.lock_wait, self.transport);
        env.system_clock = self.system_clock;
        Ok(env)
    }

    /// Tells what another env noticed, after this env's own notices.
    pub fn tell_from(&self, other: &Env) {
        let told = std::mem::take(&mut *other.notices.borrow_mut());
        self.notices.borrow_mut().extend(told);
    }

    /// The actor's name, as records store it.
    pub fn actor(&self) -> &str {
        &self.author.name
    }

    /// Takes the desk's lock, telling what was taken back (or put back, after a sync) on
    /// behalf of an interrupted command.
    pub fn lock(&self) -> Result<DeskGuard<'_>> {
        let lock = self.lock_unsharded()?;
        self.desk.refuse_unsharded()?;
        Ok(lock)
    }

    /// [`Env::lock`] for the commands that take a desk whose tickets are not in their
    /// folders of a thousand yet: `tkt upgrade`, which moves them.
    pub fn lock_unsharded(&self) -> Result<DeskGuard<'_>> {
        let (lock, recovered) = self.desk.lock(self.lock_wait)?;
        for line in recovered {
            self.warn(line);
        }
        if let Some(repo) = self.desk.repo() {
            repo.refuse_unfinished()?;
        }
        documents::settle_interrupted_publication(self)?;
        Ok(lock)
    }

    /// Commits the changed files with one message; says once per desk when the desk is in
    /// no git repository and history is therefore off.
    pub fn commit(&self, paths: &[PathBuf], message: &str) -> Result<()> {
        // What was said since the last commit is what this one does: told when it is made,
        // never when it failed — not "Opened T-2026-0021" for a ticket whose commit failed
        // (found by a crash attack).
        let committed = refuse_taking_away_what_happened(&self.desk, paths)
            .and_then(|()| self.desk.commit(paths, message, &self.author))
            .inspect_err(|_| {
                self.notices.borrow_mut().retain(|(notice, landed)| *landed || matches!(notice, Notice::Warning(_)));
            })?;
        self.notices.borrow_mut().iter_mut().for_each(|(_, landed)| *landed = true);
        if let Some(e) = committed.stale_index {
            self.warn(std::iter::once(e.to_string()).chain(e.hints).collect::<Vec<_>>().join("; "));
        }
        if !committed.history {
            let marker = self.desk.root().join(LOCAL_DIR).join("history-off");
            if !marker.exists() {
                self.warn(
                    "this desk is in no git repository: history is off (run `git init` in the desk to turn it on)",
                );
                let _ = crate::files::write_atomic(&marker, b"");
            }
        }
        Ok(())
    }

    /// Tells the user what happened.
    pub fn say(&self, message: impl Into<String>) {
        self.notices.borrow_mut().push((Notice::Info(message.into()), false));
    }

    /// Warns the user.
    pub fn warn(&self, message: impl Into<String>) {
        self.notices.borrow_mut().push((Notice::Warning(message.into()), false));
    }

    /// The notices so far, oldest first; they are handed out once.
    pub fn take_notices(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.notices.borrow_mut()).into_iter().map(|(notice, _)| notice).collect()
    }
}

/// A record's file may be an editor's older copy, saved over a note added meanwhile by
/// another command: no command commits a ticket or a request that takes away a note or an
/// entry of its history as HEAD has them (found by a careless-office attack: `ticket assign`
/// committed such a copy, and the sync published the loss).
fn refuse_taking_away_what_happened(desk: &Desk, paths: &[PathBuf]) -> Result<()> {
    let Some(repo) = desk.repo() else { return Ok(()) };
    let Some(head) = repo.head()? else { return Ok(()) };
    // Tickets moved into their folders of a thousand: `tkt upgrade` moves files whole.
    let committed: HashSet<&PathBuf> = paths.iter().collect();
    let moved: HashSet<PathBuf> = paths
        .iter()
        .filter_map(|from| Some((from, crate::model::sharded_path(from)?)))
        .filter(|(from, to)| committed.contains(to) && !desk.abs(from).exists())
        .flat_map(|(from, to)| [from.clone(), to])
        .collect();
    for rel in paths.iter().filter(|p| matches!(Desk::kind_of_path(p), Some(Kind::Ticket | Kind::Request))) {
        if moved.contains(rel) {
            continue;
        }
        let Some(then) = repo.file_at(&head, &repo.desk_prefix().join(rel))? else { continue };
        let now = std::fs::read(desk.abs(rel)).unwrap_or_default();
        if now == then.bytes {
            continue;
        }
        if let Some(what) = crate::sync::what_happened_taken_away(rel, &then.bytes, &now) {
            return Err(Error::refused(format!(
                "{}: the file takes away {what} the last commit has (an editor's older copy saved over it?); \
                 nothing was committed",
                rel.display()
            ))
            .with_hint(format!(
                "`git diff HEAD -- {}` shows what it takes away: put it back, then run the command again",
                rel.display()
            )));
        }
    }
    Ok(())
}

/// Empty text given for an optional field clears it.
pub fn optional(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}
