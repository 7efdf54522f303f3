//! A desk: the directory holding `tkt.toml` and the record folders.
//!
//! The desk finds itself, reads and writes records by id, allocates numbers without
//! reading records, takes the lock, and hands changed files to git for one commit.

mod cache;
mod comments;
mod init;
mod journal;
mod lock;
mod snapshot;
mod store;
mod ticket_docs;

pub use cache::Light;
pub use comments::keep as keep_comments;
pub use init::{init_desk, InitOptions, Initialised};
pub use journal::Pending;
pub use lock::DeskLock;
pub use snapshot::{Keep, Snapshot};
pub use store::{decode_text, parse_record, read_text, to_yaml, yaml_error, yaml_text, MAX_RECORD_BYTES};

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::error::Location;
use crate::files::{write_atomic, TEMP_PREFIX};
use crate::git::{Answer, Author, Monitor, Repo};
use crate::model::{
    is_shard, record_path, shard_of, sharded_path, year_folder, Config, DocKind, Document, Keyed, Kind, LocalSettings,
    Record, SequenceId, State, CONFIG_FILE,
};
use crate::{Error, Result};
use cache::Want;
use journal::Journal;

/// The local, git-ignored folder: lock, sequence marks, per-clone settings.
pub const LOCAL_DIR: &str = ".tkt";

pub struct Desk {
    root: PathBuf,
    pub config: Config,
    /// This clone's own settings (`.tkt/settings.toml`).
    pub local: LocalSettings,
    repo: Option<Repo>,
    /// What this command wrote and not yet committed: each path with its bytes before the
    /// first write (`None`: it did not exist), so that a failed command can put them back.
    written: RefCell<Vec<(PathBuf, Option<Vec<u8>>)>>,
    /// The file-system monitor (`core.fsmonitor`), found when first asked.
    monitor: OnceCell<Option<Monitor>>,
    /// Its answers so far.
    answers: RefCell<Vec<Asked>>,
    /// How deep in [`Desk::syncing`] this command is.
    syncing: std::cell::Cell<u32>,
    /// A record's text whose comments its next write keeps instead of its file's: what the
    /// user wrote in `$EDITOR` ([`Desk::comments_from`]).
    comments: RefCell<Option<(PathBuf, String)>>,
    /// How long a commit waits for another git command's `index.lock`: the desk lock's wait.
    index_wait: std::cell::Cell<Duration>,
    /// The numbers this command gave, by the file that keeps the commit their history was
    /// read up to ([`Desk::next_id`]).
    given: RefCell<HashMap<PathBuf, Given>>,
}

/// A number [`Desk::next_id`] gave, and what it knew: every name of its folder in history up
/// to `head`. Its own commit on `head` adds no number above it, so the commit is known too,
/// and the next number reads no tree of the year's folder again (at 100,000 tickets, a fifth
/// of a create was reading the 20,000 names of the commit before).
struct Given {
    head: String,
    dir: PathBuf,
    number: SequenceId,
}

/// The monitor's answer (`None`: it failed) to a token, after so many writes of this process.
struct Asked {
    token: Option<String>,
    writes: u64,
    answer: Option<Arc<Answer>>,
}

/// The desk's lock, held by a mutating command. Dropped while the command's writes are not
/// committed (it failed, or panicked), it first puts back what the command wrote and clears
/// the journal: a failure leaves nothing, and never blocks the next command.
pub struct DeskGuard<'a> {
    desk: &'a Desk,
    _lock: DeskLock,
}

impl Drop for DeskGuard<'_> {
    fn drop(&mut self) {
        // Nothing can be reported from here; what stays is in the journal for the next
        // command to take back.
        let _ = self.desk.undo_writes();
    }
}

impl Desk {
    /// Finds the desk like git finds a repository: the nearest of `explicit` (from `-C` or
    /// `TKT_DESK`) and its parents holding `tkt.toml`, else of `cwd` and its parents (found
    /// by a careless-office attack: `-C desk/tickets/2026` was no desk, and the hint to
    /// `tkt init` there was refused).
    pub fn find(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
        if let Some(dir) = explicit {
            let dir = cwd.join(dir);
            if dir.join(CONFIG_FILE).is_file() {
                return Ok(dir);
            }
            // Parents as the file system has them (`a/..`'s is not `a`); a folder that is not
            // there is no desk, whatever its parents (found by a review: `-C ../bta`, a typo,
            // was the desk the command ran in).
            if let Ok(real) = std::fs::canonicalize(&dir) {
                if let Some(found) = real.ancestors().find(|d| d.join(CONFIG_FILE).is_file()) {
                    return Ok(found.to_path_buf());
                }
            }
            return Err(Error::usage(format!("{}: not a tkt desk (no {CONFIG_FILE})", dir.display()))
                .with_hint(format!("create one with `tkt init {}`", dir.display())));
        }
        let mut dir = Some(cwd);
        while let Some(d) = dir {
            if d.join(CONFIG_FILE).is_file() {
                return Ok(d.to_path_buf());
            }
            dir = d.parent();
        }
        Err(Error::usage(format!("no tkt desk in {} or any parent folder", cwd.display()))
            .with_hint("run `tkt init` to create one, or point at one with -C DIR or TKT_DESK"))
    }

    pub fn open(root: PathBuf) -> Result<Desk> {
        let config = load_config(&root.join(CONFIG_FILE))?;
        let local = load_local(&root.join(LOCAL_DIR).join("settings.toml"))?;
        let ledgers = root.join(LOCAL_DIR).join("cache").join("ledger");
        let repo = Repo::discover(&root)?.map(|r| r.keep_ledgers_in(ledgers, cache::program()));
        crate::files::share_like_git(repo.as_ref().map_or(0, Repo::shared_perm));
        ignore_local(&root);
        Ok(Desk {
            root,
            config,
            local,
            repo,
            written: RefCell::new(Vec::new()),
            monitor: OnceCell::new(),
            answers: RefCell::new(Vec::new()),
            syncing: std::cell::Cell::new(0),
            comments: RefCell::new(None),
            index_wait: std::cell::Cell::new(Duration::from_secs(10)),
            given: RefCell::new(HashMap::new()),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn repo(&self) -> Option<&Repo> {
        self.repo.as_ref()
    }

    pub fn abs(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }

    /// Takes the exclusive lock of the desk for a mutating command, first settling what an
    /// interrupted command left (returned as messages for the user), then waiting for git's
    /// index to be free.
    pub fn lock(&self, wait: Duration) -> Result<(DeskGuard<'_>, Vec<String>)> {
        let lock = DeskLock::acquire(&self.root.join(LOCAL_DIR).join("lock"), wait)?;
        self.index_wait.set(wait);
        let recovered = self.recover(wait)?;
        if let Some(repo) = &self.repo {
            repo.wait_for_index(wait)?;
        }
        Ok((DeskGuard { desk: self, _lock: lock }, recovered))
    }

    /// The desk lock if no command holds it now, taken without waiting and without
    /// settling what an interrupted command left (see [`Desk::lock`]); `None` while a
    /// live command holds it.
    pub fn try_lock(&self) -> Result<Option<DeskLock>> {
        DeskLock::try_acquire(&self.root.join(LOCAL_DIR).join("lock"))
    }

    /// Notes, in `.tkt/renumbered`, the records of this clone a sync just renumbered (old
    /// id, new id, when, and the merge that did it), so that a command naming an old id soon
    /// after is refused ([`Desk::renumbered_lately`]).
    pub fn note_renumbered(&self, pairs: &[(String, String)], at: crate::model::Instant, merge: &str) -> Result<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        let path = self.root.join(LOCAL_DIR).join(RENUMBERED);
        crate::files::create_dirs(path.parent().unwrap_or(&self.root))?;
        let lines: String =
            pairs.iter().map(|(old, new)| format!("{old} {new} {} {merge}\n", at.to_rfc3339())).collect();
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| Error::io(&path, e))?;
        std::io::Write::write_all(&mut file, lines.as_bytes()).map_err(|e| Error::io(&path, e))
    }

    /// The id a sync of this clone gave its record `id` within `window` before `now`, while
    /// the merge that did it is in HEAD's history (a `git reset` to before it gives the
    /// clone its record back): the remote's record has `id` now, and a script that kept
    /// `id` from its create would work, note and bill on another customer's ticket (found by
    /// a scripting attack). Read without opening the desk: a command checks before it starts.
    pub fn renumbered_lately(
        root: &Path,
        id: &str,
        now: crate::model::Instant,
        window: chrono::Duration,
    ) -> Result<Option<(String, crate::model::Instant)>> {
        let Ok(text) = std::fs::read_to_string(root.join(LOCAL_DIR).join(RENUMBERED)) else { return Ok(None) };
        let lines: Vec<(&str, &str, crate::model::Instant, &str)> = text
            .lines()
            .filter_map(|line| {
                let mut parts = line.split(' ');
                let (old, new, at, merge) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
                let at = chrono::DateTime::parse_from_rfc3339(at).ok()?;
                (at <= now && now - at <= window).then_some((old, new, at, merge))
            })
            .collect();
        let Some(mut i) = lines.iter().rposition(|l| l.0 == id) else { return Ok(None) };
        // Renumbered again by a later merge (a sync whose push was beaten, merging twice):
        // the record is where the last one put it (found by a scripting attack: the hint
        // named the remote's record under the first new number).
        while let Some(next) = lines.iter().skip(i + 1).position(|l| l.0 == lines[i].1) {
            i += 1 + next;
        }
        let (_, new, at, merge) = lines[i];
        let (new, merge) = (new.to_string(), merge.to_string());
        let Some(repo) = Repo::discover(root)? else { return Ok(None) };
        let standing = match repo.head()? {
            Some(head) => head == merge || repo.is_ancestor(&merge, &head).unwrap_or(false),
            None => false,
        };
        Ok(standing.then_some((new, at)))
    }

    /// Waits, up to `wait`, until no command holds the desk's lock, for a reader that must
    /// not see a half-written desk (`tkt check` beside a sync writing hundreds of files:
    /// found by a scripting attack, it named problems that were not there). A lock that
    /// cannot be opened (a desk this user may only read) takes no writer.
    pub fn wait_until_idle(&self, wait: Duration) -> Result<()> {
        let start = std::time::Instant::now();
        while let Ok(None) = self.try_lock() {
            if start.elapsed() >= wait {
                return Err(Error::busy("another command is writing the desk (a sync, an import)")
                    .with_hint("run tkt check again when it is done (TKT_LOCK_TIMEOUT sets the wait)"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Loads one record by id; exit 3 when it does not exist.
    pub fn load<T: Keyed>(&self, id: &str) -> Result<T> {
        let rel = self.path_of(T::KIND, id)?;
        let abs = self.abs(&rel);
        // A link (even a dangling one) is there, to be refused by the read, not "not found".
        if !abs.is_file() && std::fs::symlink_metadata(&abs).is_err() {
            return Err(self.id_of_another_kind(T::KIND, id).unwrap_or_else(|| Error::not_found(T::KIND.noun(), id)));
        }
        store::read_record(&abs, &rel)
    }

    /// The file of a record: where its id puts it, or for a ticket of a desk not upgraded
    /// yet, where tickets were kept before their year folders were split, when only that
    /// file is there ([`Kind::old_path_for`]).
    pub fn path_of(&self, kind: Kind, id: &str) -> Result<PathBuf> {
        let rel = kind.path_for(id)?;
        let there = |rel: &PathBuf| std::fs::symlink_metadata(self.abs(rel)).is_ok();
        Ok(kind.places_of(id).into_iter().find(there).unwrap_or(rel))
    }

    /// Where the record file history knows as `rel` (desk-relative, in its folder of a
    /// thousand) is on this desk: there, or — nothing there — where an older tkt kept it,
    /// when it is there (a desk not upgraded yet).
    pub fn found_at(&self, rel: &Path) -> PathBuf {
        let there = |rel: &Path| std::fs::symlink_metadata(self.abs(rel)).is_ok();
        match crate::model::unsharded_path(rel) {
            Some(old) if !there(rel) && there(&old) => old,
            _ => rel.to_path_buf(),
        }
    }

    /// The tickets and documents still where they were kept before year folders were split
    /// in folders of a thousand (`tickets/2026/T-2026-0001.yaml`,
    /// `documents/invoice/2026/INV-2026-0001.yaml`), sorted: read by every command, written
    /// by none until `tkt upgrade` moves them. With `first`, at most one. Any other file there
    /// (a note, another year's record) is no record of the old layout: `tkt check` names it,
    /// and it stops no write (found by a review).
    pub fn unsharded(&self, first: bool) -> Result<Vec<(PathBuf, PathBuf)>> {
        let mut found = Vec::new();
        for kind in Kind::all().filter(|k| k.sharded()) {
            for year in self.year_folders(Path::new(kind.dir()))? {
                let mut names = list_dir(&self.abs(&year))?;
                names.retain(|n| record_name(n) && !n.starts_with('.'));
                names.sort_unstable();
                let files = names.into_iter().map(|n| year.join(n));
                found.extend(files.filter_map(|rel| Some((rel.clone(), sharded_path(&rel)?))));
                if first && !found.is_empty() {
                    found.truncate(1);
                    return Ok(found);
                }
            }
        }
        Ok(found)
    }

    /// The year folders of a kind's folder `top` (desk-relative), sorted.
    fn year_folders(&self, top: &Path) -> Result<Vec<PathBuf>> {
        let mut years: Vec<String> = list_dir(&self.abs(top))?.into_iter().filter(|n| is_year(n)).collect();
        years.sort_unstable();
        Ok(years.into_iter().map(|y| top.join(y)).collect())
    }

    /// Refuses a write to a desk whose tickets and documents are not in their folders of a
    /// thousand yet.
    ///
    /// The year folders are listed only when one changed since they last held no record of
    /// the old layout (their seals are kept in the cache): a folder an upgrade emptied keeps
    /// the size it had on disk, and listing them all cost every write 4 ms at 100,000
    /// tickets.
    pub fn refuse_unsharded(&self) -> Result<()> {
        let kept_at = self.root.join(LOCAL_DIR).join("cache").join("layout");
        let seals = self.year_folder_seals();
        if seals.is_some() && std::fs::read_to_string(&kept_at).ok() == seals {
            return Ok(());
        }
        match self.unsharded(true)?.first() {
            None => {
                if let Some(seals) = seals {
                    let _ = crate::files::write_atomic(&kept_at, seals.as_bytes());
                }
                Ok(())
            }
            Some((file, _)) => Err(Error::refused(format!(
                "this desk keeps its records as tkt did before their year folders were split in folders of a \
                 thousand ({} is not in one): tkt writes nothing there",
                file.display()
            ))
            .with_hint(
                "run tkt upgrade once on this clone (it moves every ticket and document in one commit; reads work \
                 meanwhile), then tkt sync",
            )),
        }
    }

    /// The folders of the kinds kept in folders of a thousand and of their years, each with
    /// its seal ([`cache::folder_seal`]), as one text; `None` when one cannot be trusted or
    /// has just changed.
    fn year_folder_seals(&self) -> Option<String> {
        let now = cache::now_ns();
        let mut seals = String::new();
        for kind in Kind::all().filter(|k| k.sharded()) {
            let top = Path::new(kind.dir());
            for folder in std::iter::once(top.to_path_buf()).chain(self.year_folders(top).ok()?) {
                let seal = cache::folder_seal(&self.abs(&folder), Some(now))?;
                seals.push_str(&format!("{}\t{seal}\n", folder.display()));
            }
        }
        Some(seals)
    }

    /// An id whose prefix tkt.toml gives another kind (`ticket note R-2026-0001`): no such
    /// ticket can ever exist, so it is no id of a ticket (exit 4), not one not synced yet
    /// (exit 3, which a script waits on; found by a scripting attack).
    fn id_of_another_kind(&self, kind: Kind, id: &str) -> Option<Error> {
        // An item's code or a serial is free text (`R-1234` is an item): only numbered kinds
        // (found by a review).
        let prefix = SequenceId::parse(id).filter(|_| kind.is_numbered())?.prefix;
        let numbering = &self.config.numbering;
        if numbering.prefixes_of(kind).contains(&prefix.as_str()) {
            return None;
        }
        let other = self.kind_with_prefix(&prefix, id)?;
        let a = |noun: &str| if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        let theirs = if matches!(other, Kind::Document(_)) { "document" } else { other.noun() };
        let ours = kind.noun();
        Some(
            Error::refused(format!("{id} is the id of {} {theirs}, not of {} {ours}", a(theirs), a(ours)))
                .with_hint(format!("{ours} ids start with {}-", numbering.prefixes_of(kind).join("-, "))),
        )
    }

    /// The kind tkt.toml gives ids of `prefix` to, whose ids `id` is shaped as.
    fn kind_with_prefix(&self, prefix: &str, id: &str) -> Option<Kind> {
        Kind::all().find(|k| self.config.numbering.prefixes_of(*k).contains(&prefix) && k.check_id(id).is_ok())
    }

    /// Loads a record when it exists.
    pub fn get<T: Keyed>(&self, id: &str) -> Result<Option<T>> {
        if !self.exists(T::KIND, id) {
            return Ok(None);
        }
        self.load(id).map(Some)
    }

    pub fn exists(&self, kind: Kind, id: &str) -> bool {
        record_exists(&self.root, kind, id)
    }

    /// The desk-relative files of one kind, sorted by path. A folder is listed again only
    /// when its stamp changed since the listing kept in the cache ([`cache::Listings`]).
    pub fn files(&self, kind: Kind) -> Result<Vec<PathBuf>> {
        let kept_at = cache::Listings::path(&self.cache_file(kind));
        let kept = cache::mapped(&kept_at);
        let mut listings = cache::Listings::read(kept.as_deref().unwrap_or_default());
        let top = PathBuf::from(kind.dir());
        let mut dirs = vec![top.clone()];
        if kind.by_year() {
            let mut years: Vec<String> = listings.names(&self.root, &top)?.into_iter().filter(|n| is_year(n)).collect();
            years.sort_unstable();
            dirs = years.into_iter().map(|y| top.join(y)).collect();
        }
        // Sorted as names within sorted folders: the order of the paths, found cheaply. A
        // year folder of a sharded kind holds its folders of a thousand, and the records of
        // a desk not upgraded yet.
        let mut files = Vec::new();
        for dir in dirs {
            let mut names: Vec<String> = listings.names(&self.root, &dir)?;
            names.retain(|n| (record_name(n) && !n.starts_with('.')) || (kind.sharded() && is_shard(n)));
            names.sort_unstable();
            for name in names {
                if !is_shard(&name) {
                    files.push(dir.join(name));
                    continue;
                }
                let shard = dir.join(name);
                // A file named like one is no folder of records (`tkt check` names it).
                if !self.abs(&shard).is_dir() {
                    continue;
                }
                let mut names = listings.names(&self.root, &shard)?;
                names.retain(|n| record_name(n) && !n.starts_with('.'));
                names.sort_unstable();
                files.extend(names.into_iter().map(|n| shard.join(n)));
            }
        }
        listings.keep(&kept_at);
        Ok(files)
    }

    /// Loads every record of a kind; the first broken file stops with its error.
    pub fn load_all<T: Keyed + Send>(&self) -> Result<Vec<T>> {
        self.read_cached(T::KIND, Want::All, &|t| t, None)
    }

    /// The records whose [`Record::indexed`] values pass `keep`, without decoding the others
    /// when the cache is fresh; the caller still tests the records it gets in full.
    pub fn load_where<T: Keyed + Send>(&self, keep: &(dyn Fn(&[&str]) -> bool + Sync)) -> Result<Vec<T>> {
        self.read_cached(T::KIND, Want::Where(keep), &|t| t, None)
    }

    /// What `light` makes of the JSON in the cache of each record whose
    /// [`Record::indexed`] values pass `want` (and its id), or `keep` of the record where
    /// there is no such JSON (a file changed since): records left undecoded.
    pub fn light_where<T: Keyed + Send, U: Send>(
        &self,
        want: &(dyn Fn(&[&str]) -> bool + Sync),
        keep: &(dyn Fn(T) -> U + Sync),
        light: &cache::Light<U>,
    ) -> Result<Vec<U>> {
        self.read_cached(T::KIND, Want::Where(want), keep, Some(light))
    }

    /// Every record of a kind, through the cache in `.tkt/cache/`.
    fn read_cached<T: Record + Send, U: Send>(
        &self,
        kind: Kind,
        want: Want,
        keep: &(dyn Fn(T) -> U + Sync),
        light: Option<&cache::Light<U>>,
    ) -> Result<Vec<U>> {
        let files = self.files(kind)?;
        // A fresh cache entry is not read again: a folder made a link is refused here.
        self.refuse_linked_folders(&files)?;
        let cache = self.cache_file(kind);
        cache::read_records(self.source(&cache, &files), want, keep, light)
    }

    /// Every record of a kind through the cache, each file with its own result (what `keep`
    /// makes of its record, or why it does not read), in the order of the files. The files
    /// of a folder made a link are each refused on their own, never cached.
    pub fn read_each<T: Record + Send, U: Send>(
        &self,
        kind: Kind,
        keep: &(dyn Fn(&Path, T) -> U + Sync),
    ) -> Result<impl Iterator<Item = (PathBuf, Result<U>)>> {
        let files = self.files(kind)?;
        let results = if self.refuse_linked_folders(&files).is_err() {
            let read = self.read_files::<T>(&files).into_iter().zip(&files);
            read.map(|(record, rel)| record.map(|r| keep(rel, r))).collect()
        } else {
            let cache = self.cache_file(kind);
            cache::read_each(self.source(&cache, &files), keep)?
        };
        Ok(files.into_iter().zip(results))
    }

    /// The refusal of the first folder of `files` (sorted by path) that is a symbolic link.
    fn refuse_linked_folders(&self, files: &[PathBuf]) -> Result<()> {
        let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
        folders.dedup();
        folders.into_iter().try_for_each(|folder| crate::files::refuse_links(&self.abs(folder), folder))
    }

    /// Where the cache of `files` is, and how it learns what changed.
    fn source<'s>(&'s self, cache: &'s Path, files: &'s [PathBuf]) -> cache::Source<'s> {
        cache::Source { root: &self.root, cache, files, desk: Some(self) }
    }

    /// What the file-system monitor says changed since `token`; asked once per token
    /// until this process writes a file.
    fn ask_monitor(&self, token: Option<&str>) -> Option<Arc<Answer>> {
        let monitor = self.monitor.get_or_init(|| self.repo.as_ref().and_then(Repo::monitor)).as_ref()?;
        let writes = crate::files::writes();
        let mut answers = self.answers.borrow_mut();
        if let Some(asked) = answers.iter().find(|a| a.token.as_deref() == token && a.writes == writes) {
            return asked.answer.clone();
        }
        let answer = monitor.ask(token).map(Arc::new);
        answers.push(Asked { token: token.map(str::to_string), writes, answer: answer.clone() });
        answer
    }

    fn cache_file(&self, kind: Kind) -> PathBuf {
        self.root.join(LOCAL_DIR).join("cache").join(kind.dir().replace('/', "-"))
    }

    /// Writes a record to `.tkt/edit/<id>.yaml` for the user's editor, and returns the
    /// file; refused while an earlier edit is kept there, which is never written over —
    /// but one that holds nothing but the record (an edit whose tkt was killed before
    /// anything was typed: found by a careless-office attack, it stopped every edit).
    pub fn start_edit<T: Record>(&self, record: &T) -> Result<PathBuf> {
        let shown = Path::new(LOCAL_DIR).join("edit").join(format!("{}.yaml", record.id()));
        let file = self.abs(&shown);
        // With the comments of the file, for the user to see and change.
        let text = to_yaml(record)?;
        let text = match record.kind().path_for(record.id()).and_then(|rel| read_text(&self.abs(&rel), &rel)) {
            Ok(old) => comments::keep(&old, &text),
            Err(_) => text,
        };
        if file.exists() && std::fs::read(&file).ok().as_deref() != Some(text.as_bytes()) {
            return Err(Error::refused(format!("an earlier edit of {} is kept in {}", record.id(), shown.display()))
                .with_hint("take what you need from it and delete it, then edit again"));
        }
        write_atomic(&file, text.as_bytes())?;
        Ok(file)
    }

    /// The comments the next write of the record at `rel` keeps are those of `text` (what
    /// the user wrote in an editor), not its file's.
    pub fn comments_from(&self, rel: PathBuf, text: String) {
        *self.comments.borrow_mut() = Some((rel, text));
    }

    /// Reads back what the user wrote in an edit file of [`Desk::start_edit`].
    pub fn finish_edit<T: Record>(&self, file: &Path) -> Result<T> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let shown = file.strip_prefix(&self.root).unwrap_or(file);
        // Read as a record file is: an editor's byte-order mark is not the record's.
        store::decode_text(bytes, shown).and_then(|text| parse_record(&text, shown)).map_err(|e| {
            Error::refused(format!("{e}\nthe record was not changed"))
                .with_hint(format!("your edit is kept in {}", file.display()))
        })
    }

    /// Reads one record from its desk-relative file, parsing it whatever the cache holds.
    pub fn read_file<T: Record>(&self, rel: &Path) -> Result<T> {
        store::read_record(&self.abs(rel), rel)
    }

    /// Reads the records of desk-relative `files` on every core, each with its own result,
    /// in the order of `files`.
    pub fn read_files<T: Record + Send>(&self, files: &[PathBuf]) -> Vec<Result<T>> {
        let root = self.root.as_path();
        let read =
            |part: &[PathBuf]| part.iter().map(|rel| store::read_record(&root.join(rel), rel)).collect::<Vec<_>>();
        crate::cores::on_cores(files, 64, |_, part| read(part)).into_iter().flatten().collect()
    }

    /// Temp files left by a write that was interrupted (power cut, kill -9).
    pub fn leftover_temp_files(&self) -> Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        let tops = Kind::all().map(|k| PathBuf::from(k.dir())).chain([PathBuf::from(ATTACHMENTS_DIR)]);
        for top in tops {
            let subfolders = |dir: &Path| -> Result<Vec<PathBuf>> {
                let names = list_dir(&self.abs(dir))?.into_iter();
                Ok(names.map(|n| dir.join(n)).filter(|p| self.abs(p).is_dir()).collect())
            };
            // The kind's folder, its years (or attachments' records), and a sharded kind's
            // folders of a thousand.
            let sharded = Kind::all().any(|k| k.sharded() && Path::new(k.dir()) == top);
            let mut dirs = vec![top.clone()];
            for sub in subfolders(&top)? {
                if sharded {
                    dirs.extend(subfolders(&sub)?);
                }
                dirs.push(sub);
            }
            for dir in dirs {
                for name in list_dir(&self.abs(&dir))? {
                    if name.starts_with(TEMP_PREFIX) {
                        found.push(dir.join(name));
                    }
                }
            }
        }
        Ok(found)
    }

    /// The documents of the given `kinds` that point at `id` and those that point at them: a
    /// ticket's documents (and the payments and credit notes of its invoices, the refunds of
    /// those credit notes), or an invoice's payments, credit notes and refunds — decoding
    /// only these: the cache knows what every document points at, and only the folders of
    /// `kinds` are looked at (a document of another kind that does not read stops nothing).
    /// With a file-system monitor, what was found for every id among all kinds is kept, and
    /// trusted while the monitor names no document and no folder of documents changed
    /// ([`ticket_docs`]).
    pub fn documents_pointing_at(&self, id: &str, kinds: &[DocKind]) -> Result<Vec<Document>> {
        let kept_at = self.root.join(LOCAL_DIR).join("cache").join("ticket-documents");
        let bytes = cache::mapped(&kept_at);
        let kept = bytes.as_deref().and_then(|b| ticket_docs::Kept::read(b, cache::program()));
        // Asked before any file is looked at: a change made after it is told the next time.
        // Not after this process wrote a file, which the monitor may not have seen yet.
        let answer = (crate::files::writes() == 0).then(|| self.ask_monitor(kept.as_ref().map(|k| k.token))).flatten();
        let unchanged = answer.as_ref().is_some_and(|a| !DocKind::ALL.iter().any(|k| a.touches(Path::new(k.dir()))));
        // A document added, removed or renamed changes its folder, whatever the monitor says.
        let holds = |k: &ticket_docs::Kept| {
            k.folders().all(|(rel, seal)| cache::folder_seal(&self.abs(rel), None).as_deref() == Some(seal))
        };
        if let Some(paths) = kept.filter(|k| unchanged && holds(k)).and_then(|k| k.documents(id)) {
            let read: Result<Vec<Document>> = paths.into_iter().map(|rel| self.read_file(Path::new(rel))).collect();
            // A listed file that does not read is looked for the long way, which tells what
            // is wrong.
            if let Ok(mut docs) = read {
                docs.retain(|d| kinds.contains(&d.kind));
                return Ok(docs);
            }
        }
        // The folders as they are before their files are looked at.
        let sealed = answer.as_ref().and_then(|_| self.sealed_document_folders(cache::now_ns()));
        // Every document's id and links, their text side by side in one buffer (tens of
        // thousands of documents, with no allocation of their own).
        let (mut text, mut spans) = (String::new(), Vec::new());
        let mut files = Vec::new();
        for &kind in kinds {
            let kind = Kind::Document(kind);
            let (cache, kind_files) = (self.cache_file(kind), self.files(kind)?);
            // A fresh cache entry is not read again: a folder made a link is refused here.
            self.refuse_linked_folders(&kind_files)?;
            let first = files.len();
            cache::read_links::<Document>(self.source(&cache, &kind_files), &mut |n, id, links| {
                let mut span = |s: &str| {
                    text.push_str(s);
                    text.len() - s.len()..text.len()
                };
                spans.push((first + n, span(id), links.iter().map(|l| span(l)).collect::<Vec<_>>()));
            })?;
            files.extend(kind_files);
        }
        let mut links = ticket_docs::Links::default();
        for (_, id, to) in &spans {
            links.add(&text[id.clone()], to.iter().map(|l| &text[l.clone()]));
        }
        let paths: Vec<&Path> = spans.iter().map(|(n, ..)| files[*n].as_path()).collect();
        // Kept only when every kind was read: the list must hold every document's links.
        let every_kind = DocKind::ALL.iter().all(|k| kinds.contains(k));
        if let (Some(answer), Some(sealed), true) = (&answer, &sealed, every_kind) {
            links.keep(
                &kept_at,
                ticket_docs::Made { program: cache::program(), token: &answer.token, folders: sealed },
                &paths,
            );
        }
        links.of(id).into_iter().map(|d| self.read_file(paths[d])).collect()
    }

    /// The folders of documents (each kind's, its years' and their folders of a thousand)
    /// with their seals
    /// ([`cache::folder_seal`]); `None` when one cannot be trusted or has just changed.
    fn sealed_document_folders(&self, now: i128) -> Option<Vec<(PathBuf, String)>> {
        // Their parent too: made a link, it would take the others elsewhere unchanged.
        let top = PathBuf::from("documents");
        let mut sealed = vec![(top.clone(), cache::folder_seal(&self.abs(&top), Some(now))?)];
        for kind in DocKind::ALL {
            let dir = PathBuf::from(kind.dir());
            let years = self.year_folders(&dir).ok()?;
            // And each year's folders of a thousand, where documents are added.
            let mut shards = Vec::new();
            for year in &years {
                let mut names: Vec<String> =
                    list_dir(&self.abs(year)).ok()?.into_iter().filter(|n| is_shard(n)).collect();
                names.sort_unstable();
                shards.extend(names.into_iter().map(|n| year.join(n)));
            }
            for folder in std::iter::once(dir).chain(years).chain(shards) {
                let seal = cache::folder_seal(&self.abs(&folder), Some(now))?;
                sealed.push((folder, seal));
            }
        }
        Some(sealed)
    }

    /// The kind of a document id, from its prefix.
    pub fn doc_kind_of(&self, id: &str) -> Result<DocKind> {
        let parsed = SequenceId::parse(id).filter(|s| s.year.is_some()).ok_or_else(|| {
            Error::refused(format!("invalid document id {id:?}: expected PREFIX-YYYY-NNNN (e.g. INV-2026-0012)"))
        })?;
        self.config.numbering.doc_kind(&parsed.prefix).ok_or_else(|| {
            // A document kept under a prefix tkt.toml no longer gives its kind.
            let kept = DocKind::ALL.into_iter().find(|d| {
                Kind::Document(*d).places_of(id).iter().any(|rel| std::fs::symlink_metadata(self.abs(rel)).is_ok())
            });
            match kept {
                // It is there: tkt.toml does not say what it is (exit 4), not a missing one.
                Some(d) => Error::refused(format!("{id} has a prefix tkt.toml no longer gives any document kind"))
                    .with_hint(format!(
                        "{id} is in {}/, whose ids tkt.toml now starts with {}: name the old prefix under \
                         [numbering.former_prefixes] ({} = [\"{}\"])",
                        d.dir(),
                        self.config.numbering.prefixes_of(Kind::Document(d))[0],
                        d.noun(),
                        parsed.prefix
                    )),
                None => match self.kind_with_prefix(&parsed.prefix, id) {
                    // Another kind's id (`doc show R-2026-0001`): no document's (exit 4).
                    Some(other) => Error::refused(format!("{id} is the id of a {}, not of a document", other.noun())),
                    None => Error::not_found("document", id)
                        .with_hint(format!("no document kind has the prefix {}", parsed.prefix)),
                },
            }
        })
    }

    /// Loads a document by id; its kind follows from the prefix.
    pub fn load_doc(&self, id: &str) -> Result<Document> {
        let kind = Kind::Document(self.doc_kind_of(id)?);
        let rel = self.path_of(kind, id)?;
        let abs = self.abs(&rel);
        // A link (even a dangling one) is there, to be refused by the read, not "not found".
        if !abs.is_file() && std::fs::symlink_metadata(&abs).is_err() {
            // Its prefix given to another kind since (found by a hostile-remote review:
            // `INV-` made the credit notes' read "credit-note INV-2026-0006 not found").
            for other in DocKind::ALL.into_iter().filter(|d| Kind::Document(*d) != kind) {
                let Ok(there) = self.path_of(Kind::Document(other), id) else { continue };
                if self.abs(&there).is_file() {
                    let prefix = id.split('-').next().unwrap_or_default();
                    return Err(Error::refused(format!(
                        "{id} is {} ({}), but tkt.toml gives {prefix}- to {} now",
                        other.a(),
                        there.display(),
                        kind.noun()
                    ))
                    .with_hint(
                        "give each kind its own prefix in [numbering.prefixes] of tkt.toml, the old ones under \
                         [numbering.former_prefixes]",
                    ));
                }
            }
            return Err(Error::not_found(kind.noun(), id));
        }
        store::read_record(&abs, &rel)
    }

    /// Every document of the given kinds (all kinds when empty), in id order per kind.
    pub fn documents(&self, kinds: &[DocKind]) -> Result<Vec<Document>> {
        let kinds = if kinds.is_empty() { &DocKind::ALL[..] } else { kinds };
        self.documents_as(kinds, &|d| d)
    }

    /// What `keep` makes of each document of the given kinds, in id order per kind.
    fn documents_as<D: Send>(&self, kinds: &[DocKind], keep: &(dyn Fn(Document) -> D + Sync)) -> Result<Vec<D>> {
        let mut docs = Vec::new();
        for kind in kinds {
            docs.extend(self.read_cached(Kind::Document(*kind), Want::All, keep, None)?);
        }
        Ok(docs)
    }

    /// The kind of record a desk-relative path holds, from its folders
    /// (`tickets/2026/000/T-2026-0001.yaml` is a ticket, and so is the path it had before
    /// year folders were split, `tickets/2026/T-2026-0001.yaml`), or `None` for any other
    /// file. A record in the wrong folder of a thousand is a ticket its read refuses.
    pub fn kind_of_path(rel: &Path) -> Option<Kind> {
        let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
        if !record_name(parts.last()?) {
            return None;
        }
        let document = |kind: &str| Some(Kind::Document(DocKind::ALL.into_iter().find(|d| d.noun() == kind)?));
        let kind = match parts.as_slice() {
            ["documents", kind, _year, shard, _file] if is_shard(shard) => document(kind)?,
            ["documents", kind, _year, _file] => document(kind)?,
            [dir, _year, shard, _file] if is_shard(shard) => Kind::all().find(|k| k.sharded() && k.dir() == *dir)?,
            [dir, _year, _file] => Kind::all().find(|k| k.by_year() && k.dir() == *dir)?,
            [dir, _file] => Kind::all().find(|k| !k.by_year() && k.dir() == *dir)?,
            _ => return None,
        };
        Some(kind)
    }

    /// The desk's top folders of records, attachments and templates.
    pub fn layout_dirs() -> Vec<&'static str> {
        let mut dirs: Vec<&str> = Kind::all().map(|k| k.dir().split('/').next().unwrap_or_default()).collect();
        dirs.push(ATTACHMENTS_DIR);
        dirs.extend(FILE_DIRS);
        dirs.sort_unstable();
        dirs.dedup();
        dirs
    }

    /// A file name in each folder of the layout (the year's, for kinds kept by year), to ask
    /// git whether it ignores any of them.
    pub fn layout_probes(year: i32) -> Vec<PathBuf> {
        let mut probes: Vec<PathBuf> = Kind::all()
            .map(|k| {
                let dir = PathBuf::from(k.dir());
                if k.sharded() {
                    dir.join(format!("{year:04}")).join(shard_of(0)).join("probe.yaml")
                } else if k.by_year() {
                    dir.join(format!("{year:04}")).join("probe.yaml")
                } else {
                    dir.join("probe.yaml")
                }
            })
            .collect();
        probes.extend(
            std::iter::once(ATTACHMENTS_DIR).chain(FILE_DIRS).map(|d| Path::new(d).join("probe").join("probe")),
        );
        probes
    }

    /// Whether a desk-relative path belongs to the desk's layout (DESIGN §2): `tkt.toml`,
    /// `.gitattributes`, `.gitignore`, a record in its folder (a year folder is four
    /// digits), `attachments/<record-id>/<file>`, or a file under `templates/`, `web/` or
    /// `examples/`. Anything
    /// else is not tkt's: sync neither commits it as a hand edit nor takes it from the remote.
    pub fn in_layout(rel: &Path) -> bool {
        let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
        if parts.len() != rel.iter().count() {
            return false;
        }
        let year = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
        match parts.as_slice() {
            [file] => [CONFIG_FILE, ".gitattributes", ".gitignore"].contains(file),
            ["documents", _, y, _] | ["documents", _, y, _, _] | [_, y, _] | [_, y, _, _]
                if Self::kind_of_path(rel).is_some() =>
            {
                year(y)
            }
            [ATTACHMENTS_DIR, _, _] => true,
            // Print templates, and the support form and sample messages the example desk ships.
            [dir, _, ..] if FILE_DIRS.contains(dir) => true,
            _ => Self::kind_of_path(rel).is_some(),
        }
    }

    /// Symbolic links anywhere in the desk (not followed), outside `.git` and `.tkt`.
    pub fn links(&self) -> Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        let mut dirs = vec![PathBuf::new()];
        while let Some(dir) = dirs.pop() {
            let abs = self.abs(&dir);
            let entries = match std::fs::read_dir(&abs) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(&abs, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(&abs, e))?;
                let rel = dir.join(entry.file_name());
                if dir.as_os_str().is_empty() && (rel == Path::new(".git") || rel == Path::new(LOCAL_DIR)) {
                    continue;
                }
                let kind = entry.file_type().map_err(|e| Error::io(&rel, e))?;
                if kind.is_symlink() {
                    found.push(rel);
                } else if kind.is_dir() {
                    dirs.push(rel);
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// Checks that `text` is a valid record for the desk-relative path `rel`: it parses as
    /// the kind its folder holds and its id agrees with the path. Other files pass.
    pub fn check_record_text(rel: &Path, text: &str) -> Result<()> {
        fn parsed<T: Record>(rel: &Path, text: &str) -> Result<()> {
            let record: T = store::parse_record(text, rel)?;
            store::misplaced(&record, rel, None)
        }
        use crate::model::{Customer, Equipment, Item, Request, Ticket};
        match Self::kind_of_path(rel) {
            Some(Kind::State) => parsed::<State>(rel, text),
            Some(Kind::Customer) => parsed::<Customer>(rel, text),
            Some(Kind::Item) => parsed::<Item>(rel, text),
            Some(Kind::Equipment) => parsed::<Equipment>(rel, text),
            Some(Kind::Request) => parsed::<Request>(rel, text),
            Some(Kind::Ticket) => parsed::<Ticket>(rel, text),
            Some(Kind::Document(_)) => parsed::<Document>(rel, text),
            None if rel == Path::new(CONFIG_FILE) => {
                Config::parse(text).map(|_| ()).map_err(|m| Error::invalid(Location::file(CONFIG_FILE), m))
            }
            None => Ok(()),
        }
    }

    /// The state catalog in its display order.
    pub fn catalog(&self) -> Result<Vec<State>> {
        let mut states: Vec<State> = self.load_all()?;
        states.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
        Ok(states)
    }

    /// Writes a record atomically and returns its desk-relative path.
    pub fn write<T: Record>(&self, record: &T) -> Result<PathBuf> {
        let rel = record.kind().path_for(record.id())?;
        let mut text = store::to_yaml(record)?;
        // Comments written by hand are kept (found by a review: a note dropped them) —
        // the file's, or those of the text the user wrote in an editor —, within the size a
        // record may have.
        let edited = {
            let mut comments = self.comments.borrow_mut();
            match comments.as_ref() {
                Some((of, _)) if *of == rel => comments.take().map(|(_, text)| text),
                _ => None,
            }
        };
        let source = edited.map_or_else(|| std::fs::read_to_string(self.abs(&rel)), Ok);
        if let Ok(old) = source {
            let kept = comments::keep(&old, &text);
            if kept.len() as u64 <= store::MAX_RECORD_BYTES {
                text = kept;
            }
        }
        self.write_file(&rel, text.as_bytes())?;
        Ok(rel)
    }

    /// Writes any desk file (an attachment, a record's saved text) atomically, noted in the
    /// journal until it is committed.
    pub fn write_file(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        crate::files::refuse_links(&self.abs(rel), rel)?;
        self.keep_before(rel)?;
        self.journal().note(rel)?;
        write_atomic(&self.abs(rel), bytes)
    }

    /// Deletes a record file and returns its desk-relative path.
    pub fn remove(&self, kind: Kind, id: &str) -> Result<PathBuf> {
        let rel = kind.path_for(id)?;
        crate::files::refuse_links(&self.abs(&rel), &rel)?;
        self.keep_before(&rel)?;
        self.journal().note(&rel)?;
        std::fs::remove_file(self.abs(&rel)).map_err(|e| Error::io(&rel, e))?;
        Ok(rel)
    }

    /// Moves files within the desk (`(from, to)`, desk-relative, `to` new), noted in the
    /// journal at once until they are committed: taken back like any write if the command
    /// fails before its commit.
    pub fn move_files(&self, moves: &[(PathBuf, PathBuf)]) -> Result<()> {
        let kept: HashSet<PathBuf> = self.written.borrow().iter().map(|(p, _)| p.clone()).collect();
        for (from, to) in moves {
            crate::files::refuse_links(&self.abs(from), from)?;
            crate::files::refuse_links(&self.abs(to), to)?;
            if kept.contains(from) || kept.contains(to) || self.abs(to).exists() {
                return Err(Error::failure(format!("{}: moved onto a file written already", to.display())));
            }
            let before = std::fs::read(self.abs(from)).map_err(|e| Error::io(from, e))?;
            self.written.borrow_mut().extend([(from.clone(), Some(before)), (to.clone(), None)]);
        }
        let noted: Vec<PathBuf> = moves.iter().flat_map(|(from, to)| [from.clone(), to.clone()]).collect();
        self.journal().note_all(&noted)?;
        for (from, to) in moves {
            crate::files::create_dirs(self.abs(to).parent().unwrap_or(&self.root))?;
            std::fs::rename(self.abs(from), self.abs(to)).map_err(|e| Error::io(from, e))?;
        }
        Ok(())
    }

    /// Notes files that a merge from the team is about to write, until
    /// [`Desk::writes_committed`]. Cut short, the merge is undone by the next command: the
    /// files are put back as HEAD has them, and the next sync merges again.
    pub fn note_writes(&self, rels: &[PathBuf]) -> Result<()> {
        self.journal().note_sync(rels)
    }

    /// Forgets the noted files once a commit holds them.
    pub fn writes_committed(&self) -> Result<()> {
        self.written.borrow_mut().clear();
        self.journal().clear()
    }

    /// Keeps a file's bytes before this command first writes it, for [`Desk::undo_writes`].
    fn keep_before(&self, rel: &Path) -> Result<()> {
        if self.written.borrow().iter().any(|(p, _)| p == rel) {
            return Ok(());
        }
        let before = match std::fs::read(self.abs(rel)) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(rel, e)),
        };
        self.written.borrow_mut().push((rel.to_path_buf(), before));
        Ok(())
    }

    /// Puts back what this command wrote and did not commit (a file it created is removed,
    /// with its folder when that is left empty) and clears the journal. A command that fails
    /// after writing calls it (the lock's guard does) so that it leaves nothing behind.
    pub fn undo_writes(&self) -> Result<()> {
        // The numbers given are put back with their marks: no later commit of this process
        // moves a mark past history it never read (found by a review: a maildir run whose
        // first message failed gave a deleted request's number again).
        self.given.borrow_mut().clear();
        let written = std::mem::take(&mut *self.written.borrow_mut());
        let pending = self.journal().pending()?;
        if written.is_empty() && pending.is_none() {
            return Ok(());
        }
        // A sync — the command's own, or one run inside it (online numbering pulls first) —
        // may have noted merged files: they go back as HEAD has them, like an interrupted
        // sync's, so a sync that fails midway (a file it cannot write) leaves nothing.
        if let (Some(pending), Some(repo)) = (pending, &self.repo) {
            if pending.sync {
                let own: Vec<&PathBuf> = written.iter().map(|(rel, _)| rel).collect();
                let merged: Vec<PathBuf> =
                    pending.paths.into_iter().filter(|p| !own.contains(&p) && !p.starts_with(LOCAL_DIR)).collect();
                repo.restore_from_head(&merged)?;
            }
        }
        // Every file is put back that can be, also after one that cannot (the write that
        // failed may be the one no write can make): the journal stays for the next
        // command only when one could not.
        let mut failed = None;
        for (rel, before) in written.into_iter().rev() {
            let abs = self.abs(&rel);
            let put_back = match before {
                // A file the failed write never changed is left alone.
                Some(bytes) if std::fs::read(&abs).is_ok_and(|now| now == bytes) => Ok(()),
                // A full disk that failed the command may fail a new file too: the old
                // bytes then go over the file in place, which the failed write's own
                // blocks make room for (found by a careless-office attack: left for the
                // next command, which put the file back as HEAD has it, a hand edit lost).
                Some(bytes) => write_atomic(&abs, &bytes).or_else(|_| crate::files::overwrite_in_place(&abs, &bytes)),
                None => {
                    use std::io::ErrorKind::{InvalidFilename, NotFound};
                    // A file the failed write never made is gone already, whatever a
                    // removal would say (a read-only folder answers EROFS, not "not found":
                    // found by a careless-office attack, the journal stayed behind).
                    let absent = || std::fs::symlink_metadata(&abs).is_err_and(|e| e.kind() == NotFound);
                    let removed = match std::fs::remove_file(&abs) {
                        Err(e) if ![NotFound, InvalidFilename].contains(&e.kind()) && !absent() => {
                            Err(Error::io(&rel, e))
                        }
                        _ => Ok(()),
                    };
                    // The folders it made (a year's, a thousand's), up to the kind's: each
                    // removal fails, as it should, when the folder holds anything else.
                    for dir in rel.ancestors().skip(1).take_while(|dir| dir.components().count() > 1) {
                        if std::fs::remove_dir(self.abs(dir)).is_err() {
                            break;
                        }
                    }
                    removed
                }
            };
            if let Err(e) = put_back {
                failed.get_or_insert(e);
            }
        }
        match failed {
            Some(e) => Err(e),
            None => self.journal().clear(),
        }
    }

    fn journal(&self) -> Journal {
        Journal::new(self.root.join(LOCAL_DIR).join("journal"))
    }

    /// What an interrupted command left for the next one to take back, if anything.
    pub fn pending(&self) -> Result<Option<Pending>> {
        self.journal().pending()
    }

    /// Runs `work` — a sync, or another command's `git fetch` or `git push` — with a mark in
    /// `.tkt/syncing`. Killed in it, tkt may leave git's lock files: the index's, HEAD's or
    /// the branch's (from `git status` or a commit of hand edits, which no journal notes),
    /// a remote-tracking reference's or packed-refs' (from fetch and push). The next
    /// command removes those made within a minute after the mark, as its own. Nested
    /// calls keep the outer mark. Call it holding the lock.
    pub fn syncing<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let mark = self.root.join(LOCAL_DIR).join(SYNCING);
        let outer = self.syncing.get() == 0;
        if outer {
            crate::files::write_atomic_with(&mark, |_| Ok(()))?;
        }
        self.syncing.set(self.syncing.get() + 1);
        let result = work();
        self.syncing.set(self.syncing.get() - 1);
        if outer {
            let _ = std::fs::remove_file(&mark);
        }
        result
    }

    /// Removes the lock files a command killed in a sync left ([`Desk::syncing`]).
    fn recover_sync(&self) -> Result<Option<String>> {
        let mark = self.root.join(LOCAL_DIR).join(SYNCING);
        let Ok(since) = std::fs::metadata(&mark).and_then(|m| m.modified()) else { return Ok(None) };
        let mut removed = self.remove_stale_locks(since, false)?;
        removed.extend(self.remove_stale_locks(since, true)?);
        std::fs::remove_file(&mark).map_err(|e| Error::io(&mark, e))?;
        Ok((!removed.is_empty()).then(|| format!("removed what an interrupted sync left: {}", removed.join(", "))))
    }

    /// Removes git's lock files a killed command left ([`Repo::remove_stale_locks`]), named
    /// for the user.
    fn remove_stale_locks(&self, since: std::time::SystemTime, fetch: bool) -> Result<Vec<String>> {
        let Some(repo) = &self.repo else { return Ok(vec![]) };
        let locks = repo.remove_stale_locks(since, fetch)?;
        Ok(locks.iter().map(|lock| lock.strip_prefix(repo.workdir()).unwrap_or(lock).display().to_string()).collect())
    }

    /// Settles what a command killed between its writes and its commit left: removes its
    /// temp files and its git lock files, then takes back what it wrote — each noted file
    /// as HEAD has it, a new one removed — since it never reported success and its user
    /// will run it again. What it had committed already stays. What a sync was writing is
    /// put back the same way, and the next sync merges again. Returns what was done, for
    /// the user. Call it holding the lock.
    fn recover(&self, wait: Duration) -> Result<Vec<String>> {
        let synced = self.recover_sync()?;
        let Some(pending) = self.pending()? else {
            return Ok(synced.into_iter().collect());
        };
        let mut done: Vec<String> = synced.into_iter().collect();
        let mut removed = self.remove_stale_locks(pending.since, false)?;
        for temp in self.leftover_temp_files()? {
            let abs = self.abs(&temp);
            std::fs::remove_file(&abs).map_err(|e| Error::io(&abs, e))?;
            removed.push(temp.display().to_string());
        }
        if !removed.is_empty() {
            done.push(format!("removed what an interrupted command left: {}", removed.join(", ")));
        }
        let paths: Vec<PathBuf> = pending.paths.into_iter().filter(|p| !p.starts_with(LOCAL_DIR)).collect();
        // Without history there is nothing to take back from: what was written stays.
        if let Some(repo) = &self.repo {
            // A lock another git command holds now is waited on, as by any writer.
            repo.wait_for_index(wait)?;
            // A sync killed after it moved HEAD onto this clone's documents written again,
            // before its log said so: the log follows history (found by a team attack: every
            // later sync called them changed since issued). Before HEAD moved, it logs what
            // it had.
            if pending.sync {
                self.relog_from_history(&paths)?;
            }
            let taken = repo.restore_from_head(&paths)?;
            if !taken.is_empty() && pending.sync {
                done.push(format!(
                    "put back {} file(s) an interrupted sync was writing, as the last commit has them \
                     (tkt sync merges again)",
                    taken.len()
                ));
            } else if !taken.is_empty() {
                done.push(format!(
                    "took back what an interrupted command wrote before its commit: {} \
                     (it never reported success: run it again)",
                    describe_taken_back(&taken)
                ));
            }
        }
        self.journal().clear()?;
        Ok(done)
    }

    /// The next free id of a numbered kind. Reads only the names in the kind's folder (for
    /// the year) and, for kinds that are not fiscal, a local high-water mark, never the
    /// records, and never reuses a number even when a file was deleted. Call it while
    /// holding the lock.
    pub fn next_id(&self, kind: Kind, year: Option<i32>, series: Option<&str>) -> Result<String> {
        let prefix = self
            .config
            .numbering
            .prefixes
            .for_kind(kind)
            .ok_or_else(|| Error::failure(format!("{} ids are not numbered", kind.noun())))?
            .to_string();
        let mut dir = PathBuf::from(kind.dir());
        if let Some(y) = year {
            dir.push(format!("{y:04}"));
        }
        let fiscal = matches!(kind, Kind::Document(d) if d.is_fiscal());
        // Numbering goes on from the numbers of the kind's former prefixes; a fiscal
        // number is one whatever its prefix (a clone may not know yet of a prefix changed
        // in tkt.toml), so every name in its folder counts.
        let prefixes = self.config.numbering.prefixes_of(kind);
        let ours = |p: &str| fiscal || prefixes.contains(&p);
        let number_of = |name: &String| {
            Some(name)
                .and_then(|name| name.strip_suffix(".yaml"))
                // Only names of these prefixes are parsed (a year's folder holds thousands).
                .filter(|name| {
                    fiscal || prefixes.iter().any(|p| name.strip_prefix(p).is_some_and(|rest| rest.starts_with('-')))
                })
                .and_then(SequenceId::parse)
                .filter(|s| ours(&s.prefix) && s.year == year && s.series.as_deref() == series)
                .map(|s| s.seq)
        };
        // Listed now, never as kept: a number is given out only from what is there. Of a
        // sharded kind's folders of a thousand, the highest one holding a number of these.
        let mut names = list_dir(&self.abs(&dir))?;
        let mut shards: Vec<String> = names
            .iter()
            .filter(|n| kind.sharded() && is_shard(n) && self.abs(&dir.join(n)).is_dir())
            .cloned()
            .collect();
        shards.sort_unstable_by_key(|n| n.parse::<u32>().unwrap_or_default());
        // The next folder of a thousand, listed into `names`: whether it held a number of
        // these that belongs there — one filed in the wrong folder counts, and the search
        // goes on (found by a layout attack: T-2026-0003 copied into 001/ gave 0004 again)
        // — (`None` when none is left).
        let mut list_shard = |names: &mut Vec<String>| -> Result<Option<bool>> {
            let Some(shard) = shards.pop() else { return Ok(None) };
            let listed = list_dir(&self.abs(&dir.join(&shard)))?;
            let found = listed.iter().any(|n| number_of(n).is_some_and(|seq| shard_of(seq) == shard));
            names.extend(listed);
            Ok(Some(found))
        };
        while list_shard(&mut names)? == Some(false) {}
        // Git history is the ledger: a fiscal number once committed is never issued again,
        // even when its file was deleted since — nor when the commit left history (a `git
        // reset`): this clone's own log of what it issued remembers it.
        let logged: HashSet<String> = match fiscal {
            true => self.issued_in(&dir).into_iter().map(|id| format!("{id}.yaml")).collect(),
            false => HashSet::new(),
        };
        if let (true, Some(repo)) = (fiscal, &self.repo) {
            if repo.is_shallow() {
                return Err(Error::refused(format!(
                    "this clone has only part of git history (a shallow clone): it cannot know every {} number \
                     ever issued, so it issues none",
                    kind.noun()
                ))
                .with_hint("git fetch --unshallow, then issue it again"));
            }
            let ever = repo.names_ever(&dir)?;
            // A file never committed is no number issued, nor one to number past or beside:
            // deleted later, it would leave a gap for good (found by a careless-office
            // attack: a hand copy named INV-2026-0060 made tkt issue 0061).
            let loose = names
                .iter()
                .filter(|n| !ever.contains(*n) && !logged.contains(*n))
                .filter(|n| {
                    n.strip_suffix(".yaml")
                        .and_then(SequenceId::parse)
                        .is_some_and(|s| s.year == year && s.series.as_deref() == series)
                })
                .min();
            if let Some(loose) = loose {
                // In its folder of a thousand, or the year's (a desk not upgraded yet).
                let stem = loose.strip_suffix(".yaml").unwrap_or(loose);
                let places = [crate::model::in_year_folder(&dir, stem), dir.join(loose)];
                let at = places.iter().find(|p| self.abs(p).exists()).unwrap_or(&places[1]);
                return Err(Error::invalid(
                    Location::file(at),
                    format!(
                        "never committed: the next {} number follows the issued ones, and would leave a gap if \
                         this file went",
                        kind.noun()
                    ),
                )
                .with_hint(format!(
                    "a document made by hand is issued by committing it with git (`tkt check` first); anything \
                     else, move it out of {}",
                    at.parent().unwrap_or(&dir).display()
                )));
            }
            names.extend(ever);
        }
        names.extend(logged);
        let mark_key = match (year, series) {
            (Some(y), Some(s)) => format!("{prefix}-{y:04}-{s}"),
            (Some(y), None) => format!("{prefix}-{y:04}"),
            (None, Some(s)) => format!("{prefix}-{s}"),
            (None, None) => prefix.clone(),
        };
        let mark_path = self.root.join(LOCAL_DIR).join("sequences").join(&mark_key);
        let mark_rel = Path::new(LOCAL_DIR).join("sequences").join(&mark_key);
        // The names committed since this clone last looked (all of history for a clone with
        // no mark yet: a fresh clone, `.tkt/` deleted), so that a number a pull brought in
        // and a deletion took away is never given twice, and another customer's new ticket
        // never inherits an old one's documents (found by reviews).
        let seen_path = mark_path.with_file_name(format!("{mark_key}.seen"));
        let head = match (fiscal, &self.repo) {
            (false, Some(repo)) if !repo.is_shallow() => repo.head()?,
            _ => None,
        };
        if let (Some(repo), Some(head)) = (&self.repo, &head) {
            let seen = std::fs::read_to_string(&seen_path).ok().map(|s| s.trim().to_string());
            let since = seen.filter(|_| mark_path.exists());
            if since.as_deref() != Some(head.as_str()) {
                let lately = match &since {
                    Some(commit) => repo.names_since(commit, &dir)?,
                    None => None,
                };
                names.extend(match lately {
                    Some(names) => names,
                    None => repo.names_ever(&dir)?,
                });
            }
        }
        let in_folder = names.iter().filter_map(number_of).max().unwrap_or(0);
        // For fiscal documents the folder and its history are the whole truth; a local mark
        // could only open a gap after a number was given up (a refused or retried issue).
        let mark = if fiscal { 0 } else { read_mark(&mark_path, &mark_rel)? };
        let mut seq = in_folder.max(mark) + 1;
        if seq >= MAX_SEQ && !fiscal && mark < MAX_SEQ {
            // A record numbered at the end of the range (a file named by hand, or come from
            // a teammate: T-2026-999999999) stops no one: the number after the highest one
            // below it that is free, above this clone's mark — no number used is given again
            // (found by a team attack: no ticket could be opened for the rest of the year).
            // Not the last number itself while a lower one is free: given, it would be the
            // mark, and nothing above it (found by a review: T-2026-999999998 stopped all).
            while list_shard(&mut names)?.is_some() {}
            let used: std::collections::HashSet<u32> = names.iter().filter_map(number_of).collect();
            let free_after = |n: &u32| n + 1 < MAX_SEQ && n + 1 > mark && !used.contains(&(n + 1));
            if let Some(n) = std::iter::once(mark).chain(used.iter().copied()).filter(free_after).max() {
                seq = n + 1;
            }
        }
        if seq > MAX_SEQ {
            let at = if mark >= in_folder { Location::file(&mark_rel) } else { Location::file(&dir) };
            return Err(Error::invalid(
                at,
                format!("{prefix} numbers end at {MAX_SEQ}: no next number after {}", seq - 1),
            )
            .with_hint(format!(
                "a mark of {mark} in {} is impossible; set it to the last number given out",
                mark_rel.display()
            )));
        }
        let mut number = SequenceId { prefix, year, seq, series: series.map(str::to_string) };
        // A number whose file is there is used, whatever its listing missed (a copy filed
        // in another folder of a thousand, a file git does not know): never written over.
        let taken = |n: &SequenceId| {
            kind.places_of(&n.to_string()).into_iter().any(|p| std::fs::symlink_metadata(self.abs(&p)).is_ok())
        };
        while !fiscal && taken(&number) && number.seq < MAX_SEQ {
            number.seq += 1;
        }
        if taken(&number) {
            return Err(Error::failure(format!("{number}: its file is there already, and is no number given")));
        }
        let seq = number.seq;
        if !fiscal {
            // Put back by a command that fails before its commit, as its other writes are
            // (found by a careless-office attack: a ticket refused as too large still took
            // its number).
            self.keep_before(&mark_rel)?;
            write_atomic(&mark_path, format!("{seq}\n").as_bytes())?;
            if let Some(head) = head {
                self.keep_before(&mark_rel.with_file_name(format!("{mark_key}.seen")))?;
                write_atomic(&seen_path, format!("{head}\n").as_bytes())?;
                self.given.borrow_mut().insert(seen_path, Given { head, dir, number: number.clone() });
            }
        }
        Ok(number.to_string())
    }

    /// Notes in this clone's log (`.tkt/issued/`, per folder) a fiscal document once it is
    /// issued for good — committed, and with online numbering pushed — so that its number
    /// is never given again, whatever happens to history.
    ///
    /// Each line is the id and the git blob of the file as issued, so that a rewrite of
    /// history (`git commit --amend`, a rebase) cannot make another version its first.
    pub fn note_issued(&self, kind: Kind, id: &str) -> Result<()> {
        let rel = kind.path_for(id)?;
        let blob = std::fs::read(self.abs(&rel)).map(|bytes| crate::git::content_hash(&bytes)).unwrap_or_default();
        self.log_issued(&rel, &blob)
    }

    /// Notes that the issued version of the fiscal document at `rel` is now `blob` — one
    /// tkt itself wrote again before it was published (a sync moving its link after a
    /// renumbering) — or `-`, none this clone knows (its number taken back: the remote's
    /// document has it).
    pub fn log_issued(&self, rel: &Path, blob: &str) -> Result<()> {
        // One log per year, whichever folder of a thousand holds the file.
        let (Some(dir), Some(id)) = (year_folder(rel), rel.file_stem().and_then(|s| s.to_str())) else { return Ok(()) };
        let log = self.root.join(LOCAL_DIR).join(ISSUED_DIR).join(dir);
        if let Some(parent) = log.parent() {
            crate::files::create_dirs(parent)?;
        }
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).open(&log).map_err(|e| Error::io(&log, e))?;
        std::io::Write::write_all(&mut file, format!("{id} {blob}\n").as_bytes()).map_err(|e| Error::io(&log, e))
    }

    /// Brings this clone's log of what it issued to what history now has as the first
    /// version of each of its fiscal documents among `rels` (desk-relative): after a sync
    /// wrote its unpublished documents again (their links following a renumbering), the
    /// version issued is the one written again. Only documents the log names with their
    /// blob: this clone's own, not one taken back (`-`) nor the remote's.
    pub fn relog_from_history(&self, rels: &[PathBuf]) -> Result<()> {
        let Some(repo) = &self.repo else { return Ok(()) };
        let mut ledgers = HashMap::new();
        for rel in rels {
            if !matches!(Self::kind_of_path(rel), Some(Kind::Document(d)) if d.is_fiscal()) {
                continue;
            }
            let (Some(year), Some(id)) = (year_folder(rel), rel.file_stem().and_then(|s| s.to_str())) else { continue };
            if !self.issued_blobs(&year).contains_key(id) {
                continue;
            }
            let dir = year.parent().unwrap_or(Path::new("")).to_path_buf();
            let ledger = match ledgers.entry(dir) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let ledger = repo.first_versions(e.key())?;
                    e.insert(ledger)
                }
            };
            if let Some(first) = ledger.get(&record_path(rel)) {
                self.log_issued(rel, &first.blob)?;
            }
        }
        Ok(())
    }

    /// The git blob of each fiscal document of the folder `dir` as this clone issued it,
    /// by id: the last one logged (none for one logged before tkt kept it, or `-`).
    pub fn issued_blobs(&self, dir: &Path) -> HashMap<String, String> {
        let mut blobs: HashMap<String, String> = self.issued_lines(dir).into_iter().collect();
        blobs.retain(|_, blob| !blob.is_empty() && blob != "-");
        blobs
    }

    /// The lines of this clone's log of what it issued in a folder: each id, and its blob
    /// (empty in a line written before tkt kept it).
    fn issued_lines(&self, dir: &Path) -> Vec<(String, String)> {
        let log = self.root.join(LOCAL_DIR).join(ISSUED_DIR).join(dir);
        let text = std::fs::read_to_string(log).unwrap_or_default();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (id, blob) = l.trim().split_once(' ').unwrap_or((l.trim(), ""));
                (id.to_string(), blob.trim().to_string())
            })
            .collect()
    }

    /// The names of the files of the year's folder `year_dir` (desk-relative) as they are
    /// now: in it, and in its folders of a thousand.
    pub fn year_names(&self, year_dir: &Path) -> Vec<String> {
        let names = list_dir(&self.abs(year_dir)).unwrap_or_default();
        let shards = names
            .iter()
            .filter(|n| is_shard(n))
            .flat_map(|n| list_dir(&self.abs(&year_dir.join(n))).unwrap_or_default());
        shards.chain(names.iter().filter(|n| !is_shard(n)).cloned()).collect()
    }

    /// The ids of a kind and year this clone's log says it issued.
    pub fn issued_log(&self, kind: Kind, year: i32) -> Vec<String> {
        self.issued_in(&Path::new(kind.dir()).join(format!("{year:04}")))
    }

    /// Every document of a kind this clone's log says it issued, in any year: its path and
    /// the git blob of its file as issued (when the log kept it).
    pub fn issued_files(&self, kind: Kind) -> Vec<(PathBuf, Option<String>)> {
        let log = self.root.join(LOCAL_DIR).join(ISSUED_DIR).join(kind.dir());
        let Ok(years) = std::fs::read_dir(&log) else { return Vec::new() };
        let mut files = Vec::new();
        for year in years.flatten().filter_map(|e| e.file_name().into_string().ok()) {
            let dir = Path::new(kind.dir()).join(&year);
            for (id, blob) in self.issued_lines(&dir) {
                let blob = Some(blob).filter(|b| !b.is_empty() && b != "-");
                let Ok(file) = kind.path_for(&id) else { continue };
                files.push((file, blob));
            }
        }
        files.sort();
        files
    }

    /// The ids this clone's log says it issued in a folder.
    fn issued_in(&self, dir: &Path) -> Vec<String> {
        self.issued_lines(dir).into_iter().map(|(id, _)| id).collect()
    }

    /// Commits the changed files in one commit, when the desk is in a git repository.
    /// Returns false when history is off (no repository).
    pub fn commit(&self, paths: &[PathBuf], message: &str, author: &Author) -> Result<Commit> {
        if let Some(local) = paths.iter().find(|p| p.starts_with(LOCAL_DIR)) {
            return Err(Error::failure(format!(
                "{}: {LOCAL_DIR}/ is local to this clone and never committed",
                local.display()
            )));
        }
        if let Some(repo) = &self.repo {
            // Failed before its commit: what was written is taken back (HEAD may have moved
            // meanwhile, by another git command: that is not this commit, found by a
            // review). Failed after it (updating git's index): it is committed, and stays —
            // and the command did what it said (found by a careless-office attack: a
            // payment committed but reported failed was made again by a script's retry).
            let done = repo.commit_files(paths, message, author, self.index_wait.get())?;
            if let (Some(commit), Some(parent)) = (done.commit, done.parent) {
                self.saw_own_commit(paths, &commit.to_string(), &parent.to_string());
            }
            if done.stale_index.is_none() {
                repo.collect_garbage_when_due();
            }
            self.written.borrow_mut().clear();
            self.journal().clear()?;
            return Ok(Commit { history: true, stale_index: done.stale_index });
        }
        self.written.borrow_mut().clear();
        self.journal().clear()?;
        Ok(Commit { history: false, stale_index: None })
    }

    /// Moves the history [`Desk::next_id`] read up to onto this command's own commit of
    /// `paths` on `parent`, for each number given on `parent` when the commit adds no name of
    /// the same year and series above it: then every name of the folder in `commit` was
    /// counted. Only a speed-up: a mark left behind is read the long way.
    fn saw_own_commit(&self, paths: &[PathBuf], commit: &str, parent: &str) {
        for (seen_path, given) in self.given.borrow_mut().iter_mut().filter(|(_, g)| g.head == parent) {
            let above = |p: &PathBuf| {
                // In the year's folder, or in one of its folders of a thousand.
                (p.parent() == Some(given.dir.as_path()) || p.parent().and_then(Path::parent) == Some(&given.dir))
                    && p.file_stem().and_then(|s| s.to_str()).and_then(SequenceId::parse).is_some_and(|s| {
                        s.year == given.number.year && s.series == given.number.series && s.seq > given.number.seq
                    })
            };
            if !paths.iter().any(above) && write_atomic(seen_path, format!("{commit}\n").as_bytes()).is_ok() {
                given.head = commit.to_string();
            }
        }
    }
}

/// What [`Desk::commit`] did: whether the desk keeps history (is in a git repository), and
/// the error of git's index when it could not follow the commit, which stands all the same.
pub struct Commit {
    pub history: bool,
    pub stale_index: Option<Error>,
}

impl Commit {
    /// For a command that cannot go on with git's index out of step: its error.
    pub fn index_in_step(self) -> Result<()> {
        self.stale_index.map_or(Ok(()), Err)
    }
}

/// The desk's folders of plain files: print templates, and the support form and sample
/// messages the example desk ships.
const FILE_DIRS: [&str; 3] = ["templates", "web", "examples"];

/// Where each clone logs the fiscal documents it issued ([`Desk::note_issued`]).
const ISSUED_DIR: &str = "issued";

/// This clone's log of the records its syncs renumbered (`.tkt/renumbered`).
const RENUMBERED: &str = "renumbered";

/// The records among taken-back paths, for the user: `T-2026-0007 (new)`, `C-0001 (put
/// back)`, `2 attachments of R-2026-0004`; other files by their path.
fn describe_taken_back(taken: &[(PathBuf, bool)]) -> String {
    let mut records = Vec::new();
    let mut attachments: Vec<(String, usize)> = Vec::new();
    let mut moving: HashMap<&std::ffi::OsStr, usize> = HashMap::new();
    for (path, _) in taken {
        if sharded_path(path).is_some() || crate::model::unsharded_path(path).is_some() {
            *moving.entry(path.file_stem().unwrap_or_default()).or_default() += 1;
        }
    }
    let mut told = HashSet::new();
    for (path, in_head) in taken {
        let parts: Vec<String> = path.iter().map(|c| c.to_string_lossy().into_owned()).collect();
        if parts.first().map(String::as_str) == Some(ATTACHMENTS_DIR) && parts.len() >= 3 {
            match attachments.iter_mut().find(|(id, _)| *id == parts[1]) {
                Some((_, n)) => *n += 1,
                None => attachments.push((parts[1].clone(), 1)),
            }
            continue;
        }
        let name = match (Desk::kind_of_path(path), path.file_stem()) {
            (Some(_), Some(stem)) => crate::render::visible(&stem.to_string_lossy()).into_owned(),
            _ => crate::render::visible(&path.display().to_string()).into_owned(),
        };
        // A ticket an upgrade was moving is at both of its places: told once.
        if moving.get(path.file_stem().unwrap_or_default()).is_some_and(|n| *n > 1) {
            if told.insert(name.clone()) {
                records.push(format!("{name} (moved back)"));
            }
            continue;
        }
        records.push(format!("{name} ({})", if *in_head { "put back" } else { "new" }));
    }
    for (id, n) in attachments {
        let s = if n == 1 { "" } else { "s" };
        records.push(format!("{n} attachment{s} of {}", crate::render::visible(&id)));
    }
    // An interrupted `tkt upgrade` took back thousands: the first ones, and how many more.
    const SHOWN: usize = 12;
    if records.len() > SHOWN + 1 {
        let more = records.len() - SHOWN;
        records.truncate(SHOWN);
        records.push(format!("and {more} more"));
    }
    records.join(", ")
}

/// The largest sequence number an id can hold (nine digits).
const MAX_SEQ: u32 = 999_999_999;

/// A local high-water mark: a number, or 0 when there is none yet; anything else (or a
/// number no id can hold) is refused, naming the file.
fn read_mark(abs: &Path, rel: &Path) -> Result<u32> {
    let text = match std::fs::read_to_string(abs) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(rel, e)),
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    match text.parse::<u64>() {
        Ok(n) if n <= u64::from(MAX_SEQ) => Ok(n as u32),
        _ => Err(Error::invalid(
            Location::file(rel),
            format!(
                "{:?} is not a sequence mark (a number from 0 to {MAX_SEQ})",
                text.chars().take(20).collect::<String>()
            ),
        )
        .with_hint(format!("set it to the last number given out, or remove {}", rel.display()))),
    }
}

/// Reads and checks `tkt.toml`.
fn load_config(path: &Path) -> Result<Config> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    // Saved by a Windows editor in its own encoding: a bad file, with where (found by a
    // careless-office attack: exit 1, as if the disk had failed).
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = &e.as_bytes()[..at];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = at - valid.iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1) + 1;
        Error::invalid(
            Location::file(path),
            format!("line {line}, column {column}: not UTF-8 text (saved in another encoding?)"),
        )
        .with_hint("save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)")
    })?;
    Config::parse(&text).map_err(|msg| Error::invalid(Location::file(path), msg))
}

/// Reads `.tkt/settings.toml` when it exists.
fn load_local(path: &Path) -> Result<LocalSettings> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let settings: LocalSettings =
                toml::from_str(&text).map_err(|e| Error::refused(format!("{}: {}", path.display(), e.message())))?;
            match &settings.series {
                Some(s) if !crate::model::is_code(s) => Err(Error::refused(format!(
                    "{}: series {s:?}: a series is 1-10 capital letters or digits",
                    path.display()
                ))),
                _ => Ok(settings),
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LocalSettings::default()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The mark of a sync (or a fetch or push) under way, in the local folder.
const SYNCING: &str = "syncing";

/// The subject of the commit that moves tickets into their folders of a thousand (`tkt
/// upgrade`, or a sync taking in a remote not upgraded yet): what it does is known by the
/// files it moves, never by this text.
pub const UPGRADE: &str = "Upgrade: tickets and documents into folders of a thousand";

/// Where e-mail attachments are kept, one folder per request or ticket.
pub const ATTACHMENTS_DIR: &str = "attachments";

/// Whether the desk at `root` has the file of a record (for code that runs on every core,
/// where a [`Desk`] cannot go).
pub fn record_exists(root: &Path, kind: Kind, id: &str) -> bool {
    kind.places_of(id).into_iter().any(|rel| root.join(rel).is_file())
}

/// File names in a folder; an absent folder has none.
/// Keeps `.tkt/` out of git whatever the desk's `.gitignore` says (a remote may push one
/// without the line): the folder ignores its own files. A desk that cannot be written
/// (read-only) is left as it is.
fn ignore_local(root: &Path) {
    let ignore = root.join(LOCAL_DIR).join(".gitignore");
    if !ignore.exists() {
        // Made as tkt makes its other files: a shared repository's modes.
        let _ =
            crate::files::write_atomic_with(&ignore, |out| out.write_all(b"# tkt's own files, never committed\n*\n"));
    }
}

/// Whether a file name can be a record's: `.yaml` after what an id of any kind is written
/// with (letters, digits, `-`, `_`, `.`). A copy a file manager makes beside a record
/// (`T-2026-0005 - Copia.yaml`, `… copy.yaml`, `… (1).yaml`) is none: it stopped every list
/// (found by a careless-office attack); `tkt check` and sync name it, as an editor's backup.
pub fn record_name(name: &str) -> bool {
    name.strip_suffix(".yaml")
        .is_some_and(|stem| !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)))
}

/// Whether a folder's name is a year's, as the folders of records numbered by year are.
fn is_year(name: &str) -> bool {
    name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit())
}

pub fn list_dir(dir: &Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            names.push(name.to_string());
        }
    }
    Ok(names)
}
