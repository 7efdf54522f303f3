//! The only module that touches git: finding the repository around a desk, committing
//! exactly the files a command changed, and reading a file's history.

mod commits;
mod fsmonitor;
mod history;
#[cfg(unix)]
mod index;
mod ledger;
mod merging;
mod raw_tree;
mod remote;
mod tree;

use std::path::{Path, PathBuf};

pub use fsmonitor::{Answer, Monitor};
pub use ledger::{Audited, FirstVersion};
pub use merging::{Change, EntryKind, FileChange, FileState};
pub use remote::{fetch, push, Pushed, Transport, FETCH_FAILED};

use git2::{FileMode, ObjectType, Oid, Repository};

use crate::model::Instant;
use crate::{Error, Result};

/// Who a commit is by, and when.
#[derive(Debug, Clone)]
pub struct Author {
    pub name: String,
    pub email: String,
    pub when: Instant,
}

/// The git repository holding a desk; the desk may be a sub-folder of it.
pub struct Repo {
    repo: Repository,
    /// The desk's folder relative to the work tree ("" when the desk is the top).
    prefix: PathBuf,
    /// Whether the desk is inside the work tree at all (`core.worktree` may point away).
    in_work_tree: bool,
    /// The trees this command read.
    trees: tree::Trees,
    /// Where the first versions found in history are kept ([`Repo::first_versions`]), and
    /// the tkt that keeps them.
    ledgers: Option<(PathBuf, String)>,
}

/// One path of a commit, as it must stand in git's index afterwards.
struct Staged {
    /// The repository-relative path, with `/` separators.
    path: String,
    /// The blob and the metadata of the file it was read from; `None` when it was removed.
    file: Option<(Oid, std::fs::Metadata)>,
    /// Whether the entry is executable (100755): as the commit or the merged tree has it.
    executable: bool,
}

/// One commit that changed a file, with the file's text before and after.
#[derive(Debug, Clone)]
pub struct Revision {
    pub commit: String,
    pub author: String,
    pub at: Instant,
    pub message: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Repo {
    /// The repository containing `desk`, if any.
    pub fn discover(desk: &Path) -> Result<Option<Repo>> {
        let repo = match Repository::discover(desk) {
            Ok(r) => r,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(workdir) = repo.workdir() else {
            return Ok(None);
        };
        let workdir = workdir.canonicalize().map_err(|e| Error::io(workdir, e))?;
        let desk = desk.canonicalize().map_err(|e| Error::io(desk, e))?;
        let prefix = desk.strip_prefix(&workdir).map(Path::to_path_buf);
        let in_work_tree = prefix.is_ok();
        Ok(Some(Repo {
            repo,
            prefix: prefix.unwrap_or_default(),
            in_work_tree,
            trees: tree::Trees::default(),
            ledgers: None,
        }))
    }

    /// Another handle on the same repository, for a thread of its own (libgit2 has a
    /// handle used by one thread at a time).
    pub fn another(&self) -> Result<Repo> {
        Ok(Repo {
            repo: Repository::open(self.repo.path())?,
            prefix: self.prefix.clone(),
            in_work_tree: self.in_work_tree,
            trees: tree::Trees::default(),
            ledgers: self.ledgers.clone(),
        })
    }

    /// Keeps the first versions found in history in the folder `dir` (the desk's cache),
    /// so that the next command reads only the commits made since; `program` names this
    /// tkt (another reads history whole again).
    pub fn keep_ledgers_in(mut self, dir: PathBuf, program: &str) -> Repo {
        self.ledgers = Some((dir, program.to_string()));
        self
    }

    /// Creates a repository in `dir` with `main` as its first branch.
    pub fn init(dir: &Path) -> Result<Repo> {
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main");
        Repository::init_opts(dir, &opts)?;
        Repo::discover(dir)?.ok_or_else(|| Error::failure(format!("{}: git init failed", dir.display())))
    }

    /// Whether the current branch has a commit yet.
    pub fn has_commits(&self) -> bool {
        self.repo.head().is_ok()
    }

    /// `user.name` and `user.email` from the repository's git config.
    pub fn configured_user(&self) -> (Option<String>, Option<String>) {
        let Ok(config) = self.repo.config() else {
            return (None, None);
        };
        (config.get_string("user.name").ok(), config.get_string("user.email").ok())
    }

    /// Whether a desk file is not as HEAD has it: changed (staged or not) or never
    /// committed. A file git ignores, or that is missing and never was, is not.
    pub fn is_uncommitted(&self, desk_path: &Path) -> Result<bool> {
        let rel = self.repo_path(desk_path);
        // Clean for sure when a plain file (not executable) holds, byte for byte, the blob
        // that both the index and HEAD have as such: found without libgit2 loading every
        // entry of the index. Anything else is left to libgit2.
        let path = git_path(&rel).ok();
        let staged = path.as_deref().and_then(|p| self.index_entries_under(p));
        if let (Some(path), Some([(name, staged, 0o100644)])) = (path, staged.as_deref()) {
            let committed =
                self.repo.head().ok().and_then(|h| h.peel_to_tree().ok()).and_then(|t| t.get_path(&rel).ok());
            let abs = self.workdir().join(&rel);
            let plain = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_file() && !user_executable(&m));
            let file = plain.then(|| git2::Oid::hash_file(git2::ObjectType::Blob, &abs).ok()).flatten();
            let same = |c: &git2::TreeEntry| c.id() == *staged && c.filemode() == 0o100644;
            if name == path.as_bytes() && committed.is_some_and(|c| same(&c)) && file == Some(*staged) {
                return Ok(false);
            }
        }
        match self.reading_index(|repo| repo.status_file(&rel))? {
            Ok(s) => Ok(!(s.is_empty() || s.contains(git2::Status::IGNORED))),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// How git shares this repository's files (`core.sharedRepository`, see
    /// [`crate::files::shared_repository_perm`]); a value git would refuse follows the umask.
    pub fn shared_perm(&self) -> i32 {
        let value = self.repo.config().and_then(|c| c.get_string("core.sharedRepository"));
        value.ok().and_then(|v| crate::files::shared_repository_perm(&v)).unwrap_or(0)
    }

    fn repo_path(&self, desk_path: &Path) -> PathBuf {
        self.prefix.join(desk_path)
    }

    /// Commits the given desk-relative files as they are in the work tree (deleted when
    /// missing) on top of HEAD, leaving every other file, staged or not, as it was.
    /// Returns `None` when the files already match HEAD. Another git command at work
    /// meanwhile is waited for, up to `wait`: one holding `index.lock` or the branch's
    /// lock, and one whose commit moved HEAD after tkt read it — the commit is made again
    /// on the new HEAD (found by a crash attack: a `git commit` by hand made tkt fail).
    pub fn commit_files(
        &self,
        desk_paths: &[PathBuf],
        message: &str,
        author: &Author,
        wait: std::time::Duration,
    ) -> Result<Committed> {
        let repo = &self.repo;
        #[cfg(unix)]
        let index_lock = index::IndexLock::acquire(self.repo.path().join("index"), wait)?;
        #[cfg(not(unix))]
        self.wait_for_index(wait)?;
        let start = std::time::Instant::now();
        let workdir = repo.workdir().expect("discover keeps work-tree repositories only");
        let mut update = tree::Update::new();
        let mut staged = Vec::with_capacity(desk_paths.len());
        // A path named twice is committed once.
        let mut seen = std::collections::HashSet::new();
        for p in desk_paths.iter().filter(|p| seen.insert(*p)) {
            let rel = self.repo_path(p);
            let abs = workdir.join(&rel);
            let path = git_path(&rel)?;
            crate::files::refuse_links(&abs, &rel)?;
            // The file's metadata is read before its content, so that a change in between
            // leaves the index pointing at a stale stamp (git looks again) and never at a
            // new stamp with old content. Gone, or a folder or a file now where it was (a
            // folder's files are paths of their own): removed.
            let meta = match std::fs::metadata(&abs) {
                Ok(meta) => Some(meta).filter(|m| !m.is_dir()),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => None,
                Err(e) => return Err(Error::io(&abs, e)),
            };
            match meta {
                Some(meta) => {
                    let oid = self.blob_of(&abs)?;
                    update.upsert(path.as_str(), oid, FileMode::Blob);
                    staged.push(Staged { path, file: Some((oid, meta)), executable: false });
                }
                None => {
                    update.remove(path.as_str());
                    staged.push(Staged { path, file: None, executable: false });
                }
            }
        }
        #[cfg(unix)]
        let prepared = index_lock.prepare(&staged, self.workdir(), &index::SplitConfig::from(&repo.config()?))?;
        #[cfg(not(unix))]
        let prepared: Option<()> = None;
        #[cfg(unix)]
        let index_lock = match prepared {
            Some(_) => Some(index_lock),
            // libgit2 will stage the files, and cannot read a split index: it is written
            // whole first (the same entries).
            None => {
                index_lock.unsplit(self.workdir())?;
                None
            }
        };
        if prepared.is_none() {
            // Make sure libgit2 can read this index (a sparse one it cannot) before
            // anything is committed.
            repo.index().map_err(|e| {
                Error::refused(format!("git's index is in a form tkt cannot update: {}", e.message()))
                    .with_hint("turn the sparse index off: `git sparse-checkout disable`")
            })?;
        }
        let commit = loop {
            let head = self.head_commit()?;
            let base_tree = head.as_ref().map(|c| c.tree_id());
            let tree_id = update.write(repo, &self.trees, base_tree)?;
            if head.is_some() && Some(tree_id) == base_tree {
                break None;
            }
            let tree = repo.find_tree(tree_id)?;
            let sig = merging::signature(author)?;
            let parents: Vec<&git2::Commit> = head.iter().collect();
            let logged = self.reflog_lengths();
            match repo.commit(Some("HEAD"), &sig, &sig, &crate::render::visible(message), &tree, &parents) {
                // libgit2 answers with an id, and moves nothing, when it could not store the
                // commit (a full disk: found by a careless-office attack, which was told the
                // invoice was issued): it is made only when git has it.
                Ok(oid) if repo.odb().is_ok_and(|db| db.exists(oid)) => {
                    break Some((oid, head.as_ref().map(|c| c.id())))
                }
                Ok(oid) => {
                    self.forget_unlanded_commit(&logged);
                    return Err(Error::failure(format!(
                        "the commit {} could not be stored (is the disk full?): nothing was committed",
                        oid_short(oid)
                    )));
                }
                // HEAD moved since it was read, or its branch is locked: git at work.
                Err(e)
                    if matches!(e.code(), git2::ErrorCode::Modified | git2::ErrorCode::Locked)
                        && start.elapsed() < wait =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                // Still locked when the wait is over: a crashed git's lock file, named, exit 5
                // as for the index's (found by a careless-office attack: exit 1, and git's
                // message cut short).
                Err(e) if e.code() == git2::ErrorCode::Locked => {
                    self.forget_unlanded_commit(&logged);
                    let branch = repo.head().ok().and_then(|h| h.name().ok().map(str::to_string));
                    let lock = self.repo.path().join(format!("{}.lock", branch.as_deref().unwrap_or("HEAD")));
                    return Err(held_by_git(&lock, "branch"));
                }
                Err(e) => {
                    self.forget_unlanded_commit(&logged);
                    return Err(e.into());
                }
            }
        };
        // The commit is made: a failure from here on leaves git's index behind it, which
        // `git reset` brings in step (the work tree is right).
        let (commit, parent) = match commit {
            Some((commit, parent)) => (Some(commit), parent),
            None => (None, None),
        };
        let stale = |e: Error| {
            let at = commit.map(oid_short).unwrap_or_default();
            e.with_hint(format!("committed as {at}, but git's index was not updated: run `git reset -q`"))
        };
        #[cfg(unix)]
        if let (Some(index), Some(lock)) = (prepared, index_lock) {
            return Ok(Committed { commit, parent, stale_index: lock.write(&index).err().map(stale) });
        }
        Ok(Committed { commit, parent, stale_index: self.stage_with_libgit2(&staged).err().map(stale) })
    }

    /// A commit whose branch could not be moved (a full disk) may have left its entry in
    /// the reflogs of HEAD and of the branch, which libgit2 writes first: an entry for a
    /// commit no branch has, whose fiscal numbers would count as given for months (found
    /// by a careless-office attack: the retry left a gap). Such a newest entry is removed.
    /// Only an entry this attempt added goes: the reflog grew since `logged` (a review
    /// found landed commits' entries removed on an unborn branch, one per retry).
    fn forget_unlanded_commit(&self, logged: &[(String, usize)]) {
        let head = self.repo.head().ok().and_then(|h| h.target());
        for (name, before) in logged {
            let Ok(mut log) = self.repo.reflog(name) else { continue };
            let added = log.len() == before + 1;
            if added && log.get(0).is_some_and(|entry| Some(entry.id_new()) != head) && log.remove(0, false).is_ok() {
                let _ = log.write();
            }
        }
    }

    /// The number of entries in the reflogs of HEAD and of its branch.
    fn reflog_lengths(&self) -> Vec<(String, usize)> {
        let branch =
            self.repo.find_reference("HEAD").ok().and_then(|h| h.symbolic_target().ok().flatten().map(str::to_string));
        std::iter::once("HEAD".to_string())
            .chain(branch)
            .map(|name| {
                let len = self.repo.reflog(&name).map_or(0, |log| log.len());
                (name, len)
            })
            .collect()
    }

    /// Starts git's own housekeeping (`git gc --auto`, in the background) when git would:
    /// when the sample folder `objects/17` holds more loose objects than `gc.auto` / 256.
    /// Each write adds loose objects, and without this they pile up for ever.
    pub fn collect_garbage_when_due(&self) {
        let limit = self.repo.config().and_then(|c| c.get_i64("gc.auto")).unwrap_or(6700);
        if limit <= 0 {
            return;
        }
        let loose = std::fs::read_dir(self.repo.path().join("objects").join("17")).map_or(0, |d| d.count());
        if loose as i64 > (limit + 255) / 256 {
            let _ = std::process::Command::new("git")
                .args(["gc", "--auto", "--quiet"])
                .current_dir(self.workdir())
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
        }
    }

    /// The blob a file is stored as. Git's only built-in clean filters (line endings and
    /// `$Id$`) leave a text without CR and without `$Id` as it is, so such a file is hashed
    /// straight away; anything else goes through libgit2's filters, which read the
    /// attributes from the whole index.
    fn blob_of(&self, abs: &Path) -> Result<Oid> {
        let content = std::fs::read(abs).map_err(|e| Error::io(abs, e))?;
        let filtered = content.contains(&b'\r') || content.windows(3).any(|w| w == b"$Id");
        // libgit2 reads the attributes from the index too: a split one through a whole copy.
        Ok(if filtered { self.reading_index(|repo| repo.blob_path(abs))?? } else { self.repo.blob(&content)? })
    }

    /// Waits up to `wait` for another git command to release the index a commit will need.
    pub fn wait_for_index(&self, wait: std::time::Duration) -> Result<()> {
        let lock = self.repo.path().join("index.lock");
        let start = std::time::Instant::now();
        while lock.exists() {
            if start.elapsed() >= wait {
                return Err(index_busy(&lock));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Ok(())
    }

    /// Removes the lock files git (through tkt) leaves when killed while committing — the
    /// index's, HEAD's, the branch's and the configuration's — or, with `fetch`, while fetching or pushing — the
    /// remote-tracking references' and packed-refs' — if they appeared within a minute
    /// after `since` (when the interrupted command last wrote, or marked its fetch). One
    /// made later is another git command's, at work now: it is left for the caller to wait
    /// on. Call it holding the desk lock, so no tkt is committing.
    pub fn remove_stale_locks(&self, since: std::time::SystemTime, fetch: bool) -> Result<Vec<PathBuf>> {
        let until = since + std::time::Duration::from_secs(60);
        let mut candidates = Vec::new();
        if fetch {
            // What `git fetch` and `git push` lock: the remote-tracking references, packed-refs.
            candidates.push(self.repo.commondir().join("packed-refs.lock"));
            let mut folders = vec![self.repo.commondir().join("refs/remotes")];
            while let Some(folder) = folders.pop() {
                for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                    let path = entry.path();
                    match entry.file_type() {
                        Ok(t) if t.is_dir() => folders.push(path),
                        Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "lock") => candidates.push(path),
                        _ => {}
                    }
                }
            }
        } else {
            candidates.extend([
                self.repo.path().join("index.lock"),
                self.repo.path().join("HEAD.lock"),
                // A sync sets up git's merge driver in the configuration.
                self.repo.commondir().join("config.lock"),
            ]);
            let head = self.repo.find_reference("HEAD").ok();
            if let Some(branch) = head.as_ref().and_then(|r| r.symbolic_target().ok().flatten()) {
                candidates.push(self.repo.commondir().join(format!("{branch}.lock")));
            }
        }
        // File times can be coarser than the clock; a second of slack.
        let since = since - std::time::Duration::from_secs(1);
        let mut removed = Vec::new();
        for lock in candidates {
            let Ok(modified) = std::fs::metadata(&lock).and_then(|m| m.modified()) else {
                continue;
            };
            if modified >= since && modified <= until {
                std::fs::remove_file(&lock).map_err(|e| Error::io(&lock, e))?;
                removed.push(lock);
            }
        }
        Ok(removed)
    }

    /// Brings git's index in step with files just written to the work tree from blobs, or
    /// removed from it: each repository path with its blob and whether it is executable, as
    /// the tree it came from has them (`None`: removed), and the stat data of the file now.
    /// Every other entry stays as it is. Through tkt's own index code (a split index stays
    /// split), or libgit2 for a form it leaves to libgit2.
    pub(crate) fn stage(&self, files: &[(&Path, Option<(Oid, bool)>)]) -> Result<()> {
        let mut staged = Vec::with_capacity(files.len());
        for (rel, blob) in files {
            let abs = self.workdir().join(rel);
            // A path removed needs no stat; it may lie below what is a file now.
            let file = match (blob, std::fs::symlink_metadata(&abs)) {
                (Some((oid, _)), Ok(meta)) if meta.is_file() => Some((*oid, meta)),
                (Some(_), Err(e)) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&abs, e)),
                _ => None,
            };
            staged.push(Staged { path: git_path(rel)?, file, executable: blob.is_some_and(|(_, x)| x) });
        }
        #[cfg(unix)]
        {
            let lock = index::IndexLock::acquire(self.repo.path().join("index"), index::WAIT)?;
            let config = index::SplitConfig::from(&self.repo.config()?);
            match lock.prepare(&staged, self.workdir(), &config)? {
                Some(index) => return lock.write(&index),
                None => lock.unsplit(self.workdir())?,
            }
        }
        self.stage_with_libgit2(&staged)
    }

    /// git's index through libgit2, to change it: written whole first if it is split (a
    /// form libgit2 cannot read); the next write splits it again.
    pub(crate) fn libgit2_index(&self) -> Result<git2::Index> {
        match self.repo.index() {
            #[cfg(unix)]
            Err(e) if e.message().contains("'link'") => {
                index::IndexLock::acquire(self.repo.path().join("index"), index::WAIT)?.unsplit(self.workdir())?;
                Ok(self.repo.index()?)
            }
            result => Ok(result?),
        }
    }

    /// Runs a libgit2 call that only reads git's index; when the index is split, a form
    /// libgit2 cannot read, the call is made again on a repository whose index is a whole
    /// copy of it, and the index file stays as it is.
    fn reading_index<T>(
        &self,
        mut call: impl FnMut(&Repository) -> std::result::Result<T, git2::Error>,
    ) -> Result<std::result::Result<T, git2::Error>> {
        match call(&self.repo) {
            #[cfg(unix)]
            Err(e) if e.message().contains("'link'") => {
                let Some(whole) = index::whole_copy(&self.repo.path().join("index"), self.workdir())? else {
                    return Ok(Err(e));
                };
                let copy =
                    tempfile::NamedTempFile::new_in(self.repo.path()).map_err(|e| Error::io(self.repo.path(), e))?;
                std::fs::write(copy.path(), whole).map_err(|e| Error::io(copy.path(), e))?;
                let repo = Repository::open(self.repo.path())?;
                repo.set_index(&mut git2::Index::open(copy.path())?)?;
                Ok(call(&repo))
            }
            result => Ok(result),
        }
    }

    /// Brings git's index in step with the committed files through libgit2, which reads
    /// and rewrites every entry.
    fn stage_with_libgit2(&self, staged: &[Staged]) -> Result<()> {
        let mut index = self.libgit2_index()?;
        for s in staged {
            match s.file {
                Some(_) => index.add_path(Path::new(&s.path))?,
                None => {
                    let _ = index.remove_path(Path::new(&s.path));
                }
            }
        }
        index.write()?;
        Ok(())
    }

    /// The commits reachable from HEAD in `order`; `None` before the first commit.
    fn walk_from_head(&self, order: git2::Sort) -> Result<Option<git2::Revwalk<'_>>> {
        // No commit yet (libgit2's revwalk says so with an error of no particular code).
        if matches!(self.repo.head(), Err(e) if e.code() == git2::ErrorCode::UnbornBranch) {
            return Ok(None);
        }
        let mut walk = self.repo.revwalk()?;
        match walk.push_head() {
            Ok(()) => {}
            Err(e) if matches!(e.code(), git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        walk.set_sorting(order)?;
        Ok(Some(walk))
    }

    /// Every commit reachable from HEAD that changed a record kept at any of `desk_paths`
    /// over time (a ticket moved into its folder of a thousand), oldest first: at each
    /// commit, the first of them there is the record. A move alone changes nothing.
    pub fn record_history(&self, desk_paths: &[PathBuf]) -> Result<Vec<Revision>> {
        let rels: Vec<PathBuf> = desk_paths.iter().map(|p| self.repo_path(p)).collect();
        let blob_at = |tree: &git2::Tree| -> Result<Option<(Oid, String)>> {
            for rel in &rels {
                if let Some(found) = self.blob_at(tree, rel)? {
                    return Ok(Some(found));
                }
            }
            Ok(None)
        };
        let Some(walk) = self.walk_from_head(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)? else {
            return Ok(vec![]);
        };
        let mut out = Vec::new();
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            let after = blob_at(&commit.tree()?)?;
            let before = match commit.parents().next() {
                Some(parent) => blob_at(&parent.tree()?)?,
                None => None,
            };
            if before.as_ref().map(|b| b.0) == after.as_ref().map(|a| a.0) {
                continue;
            }
            let a = commit.author();
            let when = commit.author().when();
            let offset = chrono::FixedOffset::east_opt(when.offset_minutes() * 60)
                .unwrap_or(chrono::FixedOffset::east_opt(0).unwrap());
            let at = chrono::DateTime::from_timestamp(when.seconds(), 0).unwrap_or_default().with_timezone(&offset);
            out.push(Revision {
                commit: oid_short(commit.id()),
                author: a.name().unwrap_or("?").to_string(),
                at,
                message: commit.message().unwrap_or("").trim().to_string(),
                before: before.map(|b| b.1),
                after: after.map(|a| a.1),
            });
        }
        Ok(out)
    }

    /// The files git's index tracks under a desk folder, desk-relative (`git ls-files`).
    pub fn tracked_in(&self, desk_dir: &Path) -> Result<Vec<PathBuf>> {
        let dir = self.repo_path(desk_dir);
        let under = git_path(&dir)?;
        let paths: Vec<Vec<u8>> = match self.index_entries_under(&under) {
            Some(entries) => entries.into_iter().map(|(path, ..)| path).collect(),
            None => self.reading_index(|repo| Ok(repo.index()?.iter().map(|e| e.path).collect()))??,
        };
        Ok(paths
            .into_iter()
            .map(|p| PathBuf::from(String::from_utf8_lossy(&p).into_owned()))
            .filter(|p| p.starts_with(&dir))
            .filter_map(|p| p.strip_prefix(&self.prefix).ok().map(Path::to_path_buf))
            .collect())
    }

    /// The index's entries at or inside the repository path `under`, read without libgit2
    /// ([`index::entries_under`]); `None` leaves the question to libgit2.
    fn index_entries_under(&self, under: &str) -> Option<Vec<(Vec<u8>, Oid, u32)>> {
        #[cfg(unix)]
        return index::entries_under(&self.repo.path().join("index"), under.as_bytes());
        #[cfg(not(unix))]
        None
    }

    fn blob_at(&self, tree: &git2::Tree, rel: &Path) -> Result<Option<(Oid, String)>> {
        let entry = match tree.get_path(rel) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self.repo.find_blob(entry.id())?;
        Ok(Some((entry.id(), String::from_utf8_lossy(blob.content()).into_owned())))
    }
}

/// Lets libgit2 keep trees of any desk's size in its object cache. A folder of a few
/// thousand records is a tree of 50–100 kB, and libgit2 caches no tree over 4 kB by
/// default: a merge that looks up hundreds of records in the same folder (or diffs
/// hundreds of commits) would read, inflate, hash and parse that folder every time.
/// Call it first, before any thread starts.
pub fn tune_object_cache() {
    // SAFETY (here and below): each sets a word of libgit2's globals that it reads without a
    // lock, before any thread starts (`main` calls this first).
    let _ = unsafe { git2::opts::set_cache_object_limit(git2::ObjectType::Tree, LARGEST_TREE_CACHED) };
    // Packs are mapped 8 MB at a time, at most 24 MB at once (libgit2's own: 1 GB windows,
    // 8 GB): a walk through 400,000 commits of a 400 MB pack touches all of it, and every
    // page touched counted in the command's memory (`tkt check` 660 → 360 MB with 16 MB
    // and 48 MB, 15-20 MB less again with these, as fast).
    let _ = unsafe { git2::opts::set_mwindow_size(8 << 20) };
    let _ = unsafe { git2::opts::set_mwindow_mapped_limit(24 << 20) };
}

/// The largest tree tkt has libgit2 keep in its object cache.
const LARGEST_TREE_CACHED: usize = 16 << 20;

/// While it is held, libgit2 caches no object: a walk through history reads each commit
/// and each version of a folder once, and holds the ones it compares with (kept, they
/// only filled the cache: `tkt check` at 400,000 commits peaked at 1.7 GB, 1.1 GB of it
/// commits and small folders). And libgit2 does not hash each object it reads to check its
/// name: the walk reads its objects raw and checks them itself, faster
/// ([`raw_tree::read_checked`]). Both hold for the whole process while any walk runs
/// (one on each of two threads: until both are over): another thread's reads are slower,
/// and read unchecked.
pub(super) struct WalkingHistory(());

/// How many [`WalkingHistory`] are held.
static WALKS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

impl WalkingHistory {
    pub(super) fn new() -> Self {
        let mut walks = WALKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *walks == 0 {
            git2::opts::enable_caching(false);
            git2::opts::strict_hash_verification(false);
        }
        *walks += 1;
        WalkingHistory(())
    }
}

impl Drop for WalkingHistory {
    fn drop(&mut self) {
        let mut walks = WALKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *walks -= 1;
        if *walks == 0 {
            git2::opts::strict_hash_verification(true);
            git2::opts::enable_caching(true);
        }
    }
}

/// The git blob hash of some bytes: a stable name for content that has none.
pub fn content_hash(bytes: &[u8]) -> String {
    Oid::hash_object(ObjectType::Blob, bytes).map(|o| o.to_string()).unwrap_or_default()
}

pub(super) fn oid_short(oid: Oid) -> String {
    oid.to_string()[..12].to_string()
}

/// What [`Repo::commit_files`] did: the commit made (`None` when the files matched HEAD)
/// and the one it was made on, and the error of git's index when it could not follow — the
/// commit stands all the same.
pub struct Committed {
    pub commit: Option<Oid>,
    pub parent: Option<Oid>,
    pub stale_index: Option<Error>,
}

/// The error for an index another git command holds.
fn index_busy(lock: &Path) -> Error {
    held_by_git(lock, "index")
}

/// Git's `what` (its index, a branch) locked by the file `lock`: another git command's at
/// work, or a crashed one's left behind (exit 5).
fn held_by_git(lock: &Path, what: &str) -> Error {
    Error::busy(format!("{}: git's {what} is locked by another git command", lock.display()))
        .with_hint("try again in a moment; if no git command is running, a crashed one left the file: remove it")
}

/// Whether git records a file as executable (its owner may run it).
#[cfg(unix)]
fn user_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o100 != 0
}

#[cfg(not(unix))]
fn user_executable(_: &std::fs::Metadata) -> bool {
    false
}

/// Git stores paths with `/` and as UTF-8 here.
pub(crate) fn git_path(p: &Path) -> Result<String> {
    let s = p.to_str().ok_or_else(|| Error::failure(format!("{}: path is not UTF-8", p.display())))?;
    Ok(s.replace('\\', "/"))
}
