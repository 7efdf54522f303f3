//! What sync needs from git history: tips, merge bases, the files a side changed, file
//! contents at a commit, and writing a merge or a fast-forward into HEAD, the index and the
//! work tree — only the files that change.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use git2::{FileMode, ObjectType, Oid, Signature, Time};

use super::{git_path, oid_short, Author, Repo};
use crate::{Error, Result};

/// A file's content in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub bytes: Vec<u8>,
    pub executable: bool,
}

impl FileState {
    /// The blob the file is, and whether it is executable.
    fn blob(&self) -> Result<(git2::Oid, bool)> {
        Ok((git2::Oid::hash_object(git2::ObjectType::Blob, &self.bytes)?, self.executable))
    }
}

/// Makes a file written from an executable blob executable (written files are not).
fn set_executable(abs: &Path, state: &FileState) {
    #[cfg(unix)]
    if state.executable {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(abs, std::fs::Permissions::from_mode(0o755));
    }
}

/// What kind of entry a tree holds at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Executable,
    Link,
    Submodule,
    Other,
}

/// One commit's change to a file: who, when (seconds since the epoch), the file's bytes
/// after it and in each parent (`None` where the file is absent).
#[derive(Debug, Clone)]
pub struct FileChange {
    pub by: String,
    pub at: i64,
    pub after: Option<Vec<u8>>,
    pub before: Vec<Option<Vec<u8>>>,
}

/// What [`Repo::rewrite_since`] makes of a version of a file (`None`: leave it out).
pub type EditFile<'a> = dyn Fn(&Path, &[u8]) -> Result<Option<Vec<u8>>> + 'a;

/// Who last changed a path on one side, in which commit, and when.
#[derive(Debug, Clone)]
pub struct Change {
    pub commit: String,
    pub by: String,
    /// Seconds since the epoch (the author's time).
    pub at: i64,
}

/// One of this clone's commits and the remote's commit of the same making, with the
/// repository paths whose contents differ between the two.
pub type WrittenAgain = (String, String, Vec<PathBuf>);

impl Repo {
    /// The work tree's folder.
    pub fn workdir(&self) -> &Path {
        self.repo.workdir().expect("discover keeps work-tree repositories only")
    }

    /// The desk's folder relative to the work tree.
    pub fn desk_prefix(&self) -> &Path {
        &self.prefix
    }

    /// The current branch's short name.
    pub fn branch(&self) -> Result<String> {
        let head = self.repo.head().map_err(|e| Error::failure(format!("no current branch: {}", e.message())))?;
        if !head.is_branch() {
            return Err(Error::refused("HEAD is detached: check out a branch before syncing"));
        }
        Ok(head.shorthand().unwrap_or("main").to_string())
    }

    /// Whether this clone has a branch `name` of its own.
    pub fn has_branch(&self, name: &str) -> bool {
        self.repo.find_branch(name, git2::BranchType::Local).is_ok()
    }

    /// Whether HEAD names a commit rather than a branch (a commit or a tag checked out, a
    /// bisect): a commit made there would be on no branch.
    pub fn is_detached(&self) -> bool {
        self.repo.head_detached().unwrap_or(false)
    }

    pub fn head(&self) -> Result<Option<String>> {
        Ok(self.head_commit()?.map(|c| c.id().to_string()))
    }

    /// HEAD's commit; `None` before the first one.
    pub(super) fn head_commit(&self) -> Result<Option<git2::Commit<'_>>> {
        match self.repo.head() {
            Ok(h) => Ok(Some(h.peel_to_commit()?)),
            Err(e) if matches!(e.code(), git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The names of the repository's remotes.
    pub fn remote_names(&self) -> Vec<String> {
        let Ok(remotes) = self.repo.remotes() else { return Vec::new() };
        remotes.iter().flatten().flatten().map(str::to_string).collect()
    }

    /// The remote a branch tracks, else `origin` when it exists, else the only remote.
    pub fn default_remote(&self, branch: &str) -> Option<String> {
        let config = self.repo.config().ok()?;
        if let Ok(r) = config.get_string(&format!("branch.{branch}.remote")) {
            return Some(r);
        }
        let remotes = self.repo.remotes().ok()?;
        let names: Vec<&str> = remotes.iter().flatten().flatten().collect();
        if names.contains(&"origin") {
            return Some("origin".into());
        }
        (names.len() == 1).then(|| names[0].to_string())
    }

    /// The commit of `remote/branch` as last fetched. A branch the remote points at a tree,
    /// a blob or a tag is refused (exit 5; found by a remote attack: a raw git error, exit 1).
    pub fn remote_tip(&self, remote: &str, branch: &str) -> Result<Option<String>> {
        match self.repo.refname_to_id(&format!("refs/remotes/{remote}/{branch}")) {
            Ok(oid) => match self.repo.find_object(oid, None).ok().and_then(|o| o.kind()) {
                Some(kind @ (ObjectType::Tree | ObjectType::Blob | ObjectType::Tag)) => Err(Error::busy(format!(
                    "{remote}/{branch} is a git {kind} ({}), no commit: the remote's branch is broken, and nothing \
                     was taken in",
                    oid_short(oid)
                ))
                .with_hint(format!(
                    "whoever keeps the remote points {branch} back at its last commit; then run `tkt sync` again"
                ))),
                _ => Ok(Some(oid.to_string())),
            },
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The branches of `remote` as last fetched (its `HEAD` left out).
    pub fn remote_branches(&self, remote: &str) -> Vec<String> {
        let prefix = format!("refs/remotes/{remote}/");
        let Ok(refs) = self.repo.references_glob(&format!("{prefix}*")) else { return Vec::new() };
        let mut names: Vec<String> = refs
            .flatten()
            .filter_map(|r| r.name().ok().and_then(|n| n.strip_prefix(prefix.as_str())).map(str::to_string))
            .filter(|n| n != "HEAD")
            .collect();
        names.sort();
        names
    }

    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<String>> {
        match self.repo.merge_base(oid(a)?, oid(b)?) {
            Ok(o) => Ok(Some(o.to_string())),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `ancestor` is `of` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: &str, of: &str) -> Result<bool> {
        Ok(ancestor == of || self.repo.graph_descendant_of(oid(of)?, oid(ancestor)?)?)
    }

    /// The messages of the commits reachable from `tip` and not from `hide` that say
    /// `needle` and whose first parent `hide` holds or grew from: the merges made on
    /// `hide`'s side (by this clone, before it was reset to `hide`; or by a clone that took
    /// `hide` and went on from it — found by a team attack: a server restored from a backup,
    /// a clone renumbered another's published ticket, and that one's sync was refused for
    /// good), not of another clone's records. Only the commits
    /// that say it are asked whether `hide` holds their first parent (asked of every
    /// commit, a sync took time in the square of the commits it brought: found by a
    /// hostile-remote review).
    pub fn messages_on_side_of(&self, hide: &str, tip: &str, needle: &str) -> Result<Vec<String>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(tip)?)?;
        walk.hide(oid(hide)?)?;
        let mut messages = Vec::new();
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            let message = commit.message().unwrap_or_default();
            if !message.contains(needle) {
                continue;
            }
            // A merge, as tkt's are: a plain commit saying so moves nothing (found by a
            // hostile-remote attack: one commit's message moved a clone's note and invoice
            // to another customer's ticket).
            let Ok(first) = commit.parent_id(0).map(|p| p.to_string()) else { continue };
            if commit.parent_count() != 2 {
                continue;
            }
            if first == hide || self.is_ancestor(&first, hide)? || self.is_ancestor(hide, &first)? {
                messages.push(message.to_string());
            }
        }
        Ok(messages)
    }

    /// The commit `steps` first parents back from `tip`, or the first of its history when
    /// that is shorter.
    pub fn back_from(&self, tip: &str, steps: usize) -> Result<String> {
        let mut commit = self.repo.find_commit(oid(tip)?)?;
        for _ in 0..steps {
            match commit.parent(0) {
                Ok(parent) => commit = parent,
                Err(_) => break,
            }
        }
        Ok(commit.id().to_string())
    }

    /// How many commits `tip` has that `hide` has not.
    pub fn count_commits(&self, hide: Option<&str>, tip: &str) -> Result<usize> {
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(tip)?)?;
        if let Some(h) = hide {
            walk.hide(oid(h)?)?;
        }
        Ok(walk.count())
    }

    /// This clone's commits since `base` that `theirs` holds as other commits of the same
    /// making (author, committer — each with its instant — and message) changing the same
    /// paths: candidates for the same work rewritten since (a sync making links follow a
    /// renumbering, then pushing it). Each as (ours, theirs) with the repository paths whose
    /// contents differ between the two, for the caller to judge; and how many commits of
    /// this clone's were looked at. Commits reachable from `published` (tips the remote
    /// had) are not this clone's own work, and are not looked at.
    pub fn rewritten_elsewhere(
        &self,
        base: Option<&str>,
        ours: &str,
        theirs: &str,
        published: &[String],
    ) -> Result<(Vec<WrittenAgain>, usize)> {
        let walk = |tip: &str, hide: &[String]| -> Result<Vec<Oid>> {
            let mut walk = self.repo.revwalk()?;
            walk.push(oid(tip)?)?;
            for b in base.into_iter().chain(hide.iter().map(String::as_str)) {
                walk.hide(oid(b)?)?;
            }
            Ok(walk.collect::<std::result::Result<Vec<_>, _>>()?)
        };
        let making = |id: Oid| -> Result<(String, String, i64, String, String, i64, String)> {
            let c = self.repo.find_commit(id)?;
            let (a, m) = (c.author(), c.committer());
            let text = |s: &git2::Signature| (s.name().unwrap_or("").to_string(), s.email().unwrap_or("").to_string());
            let ((an, ae), (cn, ce)) = (text(&a), text(&m));
            Ok((an, ae, a.when().seconds(), cn, ce, m.when().seconds(), c.message().unwrap_or("").to_string()))
        };
        let mine = walk(ours, published)?;
        if mine.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut theirs_by_making = std::collections::HashMap::new();
        for id in walk(theirs, &[])? {
            theirs_by_making.insert(making(id)?, id);
        }
        // What a commit changed against its first parent: each path and its new blob.
        let changes = |id: Oid| -> Result<BTreeMap<PathBuf, Oid>> {
            let commit = self.repo.find_commit(id)?;
            let parent = commit.parents().next().map(|p| p.tree()).transpose()?;
            let diff = self.repo.diff_tree_to_tree(parent.as_ref(), Some(&commit.tree()?), None)?;
            let mut out = BTreeMap::new();
            for delta in diff.deltas() {
                let file = delta.new_file();
                if let Some(path) = file.path().or_else(|| delta.old_file().path()) {
                    out.insert(path.to_path_buf(), file.id());
                }
            }
            Ok(out)
        };
        let mut found = Vec::new();
        for &id in &mine {
            let Some(other) = theirs_by_making.get(&making(id)?).copied().filter(|other| *other != id) else {
                continue;
            };
            let (a, b) = (changes(id)?, changes(other)?);
            if a.keys().ne(b.keys()) {
                continue;
            }
            let differ = a.iter().filter(|(path, blob)| b.get(*path) != Some(blob)).map(|(p, _)| p.clone()).collect();
            found.push((id.to_string(), other.to_string(), differ));
        }
        Ok((found, mine.len()))
    }

    /// The tips the remote's branch had when this clone fetched or pushed it that it no
    /// longer has: its history was rewritten since (a force-push), newest first. Read from
    /// the reflog of the remote-tracking branch: each update that was not a fast-forward
    /// lost the tip before it, unless `tip` has that tip again.
    pub fn lost_tips(&self, remote: &str, branch: &str, tip: &str) -> Result<Vec<String>> {
        let Ok(log) = self.repo.reflog(&format!("refs/remotes/{remote}/{branch}")) else { return Ok(Vec::new()) };
        let mut lost = Vec::new();
        for entry in log.iter() {
            let (old, new) = (entry.id_old(), entry.id_new());
            // git's own words for the updates that keep every commit, to spare the walk.
            let kept = matches!(entry.message(), Ok(Some(m)) if m.ends_with(": fast-forward") || m == "update by push");
            if kept || old.is_zero() || new.is_zero() || old == new || self.repo.find_commit(old).is_err() {
                continue;
            }
            // A tip moved onto no commit (a tree or a blob pushed as the branch, found by a
            // remote attack) kept nothing.
            let onto_a_commit = self.repo.find_commit(new).is_ok();
            let (old, new) = (old.to_string(), new.to_string());
            let replaced = !onto_a_commit || !self.is_ancestor(&old, &new)?;
            if replaced && !self.is_ancestor(&old, tip)? && !lost.contains(&old) {
                lost.push(old);
            }
        }
        Ok(lost)
    }

    /// The first answer `find` gives for the message of a commit reachable from `tip` and
    /// committed at `since` (seconds since the epoch) or later, newest first. Commits are
    /// walked by time, so the walk stops at the first older one.
    pub fn find_message_since(
        &self,
        tip: &str,
        since: i64,
        find: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<String>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(tip)?)?;
        walk.set_sorting(git2::Sort::TIME)?;
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            if commit.time().seconds() < since {
                break;
            }
            if let Some(found) = find(&String::from_utf8_lossy(commit.message_bytes())) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Repository paths that differ between two commits (`None`: the empty tree).
    pub fn changed_paths(&self, from: Option<&str>, to: &str) -> Result<Vec<PathBuf>> {
        let from_tree = match from {
            Some(f) => Some(self.repo.find_commit(oid(f)?)?.tree()?),
            None => None,
        };
        let to_tree = self.repo.find_commit(oid(to)?)?.tree()?;
        // The same tree changes nothing: libgit2 would read (and hash) every folder of both.
        if from_tree.as_ref().is_some_and(|f| f.id() == to_tree.id()) {
            return Ok(Vec::new());
        }
        let diff = self.repo.diff_tree_to_tree(from_tree.as_ref(), Some(&to_tree), None)?;
        let mut paths = Vec::new();
        let mut seen = HashSet::new();
        for delta in diff.deltas() {
            for f in [delta.old_file(), delta.new_file()] {
                if let Some(p) = f.path() {
                    if seen.insert(p.to_path_buf()) {
                        paths.push(p.to_path_buf());
                    }
                }
            }
        }
        Ok(paths)
    }

    /// Every path some commit after `from` up to `to` changed, even one a later commit put
    /// back: a file added and deleted again is no change between the two trees, but each
    /// commit of the range happened (a fiscal document committed is issued).
    pub fn paths_touched(&self, from: &str, to: &str) -> Result<Vec<PathBuf>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(to)?)?;
        walk.hide(oid(from)?)?;
        let mut seen = BTreeSet::new();
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            let tree = commit.tree()?;
            for parent in commit.parents() {
                let diff = self.repo.diff_tree_to_tree(Some(&parent.tree()?), Some(&tree), None)?;
                for delta in diff.deltas() {
                    for f in [delta.old_file(), delta.new_file()] {
                        seen.extend(f.path().map(Path::to_path_buf));
                    }
                }
            }
        }
        Ok(seen.into_iter().collect())
    }

    /// The paths `to` adds or changes compared with `from` (`None`: the empty tree), with
    /// the kind of entry each is in `to`. Deletions are left out.
    pub fn entries_changed(&self, from: Option<&str>, to: &str) -> Result<Vec<(PathBuf, EntryKind)>> {
        let from_tree = match from {
            Some(f) => Some(self.repo.find_commit(oid(f)?)?.tree()?),
            None => None,
        };
        let to_tree = self.repo.find_commit(oid(to)?)?.tree()?;
        if from_tree.as_ref().is_some_and(|f| f.id() == to_tree.id()) {
            return Ok(Vec::new());
        }
        let diff = self.repo.diff_tree_to_tree(from_tree.as_ref(), Some(&to_tree), None)?;
        let mut entries = Vec::new();
        for delta in diff.deltas().filter(|d| d.status() != git2::Delta::Deleted) {
            let file = delta.new_file();
            let Some(path) = file.path() else { continue };
            let kind = match file.mode() {
                FileMode::Blob => EntryKind::File,
                FileMode::BlobExecutable => EntryKind::Executable,
                FileMode::Link => EntryKind::Link,
                FileMode::Commit => EntryKind::Submodule,
                _ => EntryKind::Other,
            };
            entries.push((path.to_path_buf(), kind));
        }
        Ok(entries)
    }

    /// The operation git is in the middle of (a merge, a rebase…) with what finishes or
    /// abandons it, or `None` when the repository is clean of one.
    pub fn operation_in_progress(&self) -> Option<(&'static str, &'static str)> {
        use git2::RepositoryState as S;
        match self.repo.state() {
            S::Clean => None,
            S::Merge => Some(("a merge", "resolve and `git merge --continue`, or `git merge --abort`")),
            S::Rebase | S::RebaseInteractive | S::RebaseMerge | S::ApplyMailboxOrRebase => {
                Some(("a rebase", "resolve and `git rebase --continue`, or `git rebase --abort`"))
            }
            S::ApplyMailbox => Some(("git am", "resolve and `git am --continue`, or `git am --abort`")),
            S::CherryPick | S::CherryPickSequence => {
                Some(("a cherry-pick", "resolve and `git cherry-pick --continue`, or `git cherry-pick --abort`"))
            }
            S::Revert | S::RevertSequence => {
                Some(("a revert", "resolve and `git revert --continue`, or `git revert --abort`"))
            }
            S::Bisect => Some(("a bisect", "`git bisect reset`")),
        }
    }

    /// Refuses to write while git is in the middle of an operation, or on no branch: a
    /// commit there is carried into a rebase, or left behind by the next checkout — an
    /// invoice's with it, its number then a gap (found by a careless-office attack: issued
    /// during a stopped rebase, lost by the `git rebase --abort` sync then advised). Every
    /// command that writes, `tkt init` and `tkt sync` ask it.
    pub fn refuse_unfinished(&self) -> Result<()> {
        if let Some((what, how)) = self.operation_in_progress() {
            return Err(Error::busy(format!(
                "git is in the middle of {what}: tkt would commit on top of it; nothing was written"
            ))
            .with_hint(format!("finish it first: {how}; then run the command again")));
        }
        if self.is_detached() {
            return Err(Error::busy(
                "HEAD is detached (a commit or a tag is checked out): what tkt commits would be on no branch; \
                 nothing was written",
            )
            .with_hint("check out your branch first (`git switch main`), then run the command again"));
        }
        Ok(())
    }

    /// A file at a commit (repository path), or `None` when it is not there.
    pub fn file_at(&self, commit: &str, path: &Path) -> Result<Option<FileState>> {
        let root = self.repo.find_commit(oid(commit)?)?.tree_id();
        let Some(path) = path.to_str() else { return Ok(None) };
        let Some((mode, id)) = self.trees.entry_at(&self.repo.odb()?, root, path)? else { return Ok(None) };
        let Ok(blob) = self.repo.find_blob(id) else { return Ok(None) };
        Ok(Some(FileState { bytes: blob.content().to_vec(), executable: mode == 0o100755 }))
    }

    /// The file of a record at `commit` (a repository path): at `path`, or — none there —
    /// at its other place, where an older tkt kept it before its year folder was split or
    /// where `tkt upgrade` moved it ([`crate::model::unsharded_path`],
    /// [`crate::model::sharded_path`]).
    pub fn record_file_at(&self, commit: &str, path: &Path) -> Result<Option<FileState>> {
        if let Some(file) = self.file_at(commit, path)? {
            return Ok(Some(file));
        }
        let prefix = self.desk_prefix();
        let moved = path.strip_prefix(prefix).ok().and_then(crate::model::sharded_path).map(|p| prefix.join(p));
        match crate::model::unsharded_path(path).or(moved) {
            Some(other) => self.file_at(commit, &other),
            None => Ok(None),
        }
    }

    /// Three versions of a text file merged line by line as git merges them, when they
    /// merge without a conflict; `None` otherwise.
    pub fn merge_text(base: &[u8], ours: &[u8], theirs: &[u8]) -> Result<Option<Vec<u8>>> {
        let input = |bytes| {
            let mut i = git2::MergeFileInput::new();
            i.content(bytes);
            i
        };
        let merged = git2::merge_file(&input(base), &input(ours), &input(theirs), None)?;
        Ok(merged.is_automergeable().then(|| merged.content().to_vec()))
    }

    /// The files (repository paths) directly in the folder `dir` at `commit`.
    pub fn files_in(&self, commit: &str, dir: &Path) -> Result<Vec<PathBuf>> {
        self.entries_in(commit, dir, git2::ObjectType::Blob)
    }

    /// The folders directly in `dir` at `commit`.
    pub fn folders_in(&self, commit: &str, dir: &Path) -> Result<Vec<PathBuf>> {
        self.entries_in(commit, dir, git2::ObjectType::Tree)
    }

    fn entries_in(&self, commit: &str, dir: &Path, kind: git2::ObjectType) -> Result<Vec<PathBuf>> {
        let tree = self.repo.find_commit(oid(commit)?)?.tree()?;
        let folder = match tree.get_path(dir) {
            Ok(e) => self.repo.find_tree(e.id())?,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        Ok(folder
            .iter()
            .filter(|e| e.kind() == Some(kind))
            .filter_map(|e| e.name().ok().map(|n| dir.join(n)))
            .collect())
    }

    /// The newest commit in `base..tip` that changed `path`: which, by whom, when.
    pub fn last_change(&self, base: Option<&str>, tip: &str, path: &Path) -> Result<Option<Change>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(tip)?)?;
        if let Some(b) = base {
            walk.hide(oid(b)?)?;
        }
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            let now = self.record_at(&commit.tree()?, path);
            let changed = match commit.parents().next() {
                Some(p) => self.record_at(&p.tree()?, path) != now,
                None => now.is_some(),
            };
            if changed {
                let a = commit.author();
                return Ok(Some(Change {
                    commit: commit.id().to_string()[..12].to_string(),
                    by: a.name().unwrap_or("?").to_string(),
                    at: a.when().seconds(),
                }));
            }
        }
        Ok(None)
    }

    /// Every commit after `base` up to `tip` that changed `path`, newest first, with the
    /// file's bytes in the commit and in each of its parents (a merge counts when its
    /// version differs from every parent's), so that sync can tell which fields each
    /// commit touched.
    pub fn changes_of(&self, base: Option<&str>, tip: &str, path: &Path) -> Result<Vec<FileChange>> {
        let paths = BTreeSet::from([path.to_path_buf()]);
        Ok(self.changes_of_paths(base, tip, &paths)?.remove(path).unwrap_or_default())
    }

    /// [`Repo::changes_of`] for many paths at once, in one walk of the history: each
    /// commit is compared with its parents by a diff of their trees (which skips every
    /// folder they share), so the cost follows the commits and what they changed, not
    /// the number of paths asked about.
    pub fn changes_of_paths(
        &self,
        base: Option<&str>,
        tip: &str,
        paths: &BTreeSet<PathBuf>,
    ) -> Result<BTreeMap<PathBuf, Vec<FileChange>>> {
        let mut out: BTreeMap<PathBuf, Vec<FileChange>> = BTreeMap::new();
        if paths.is_empty() {
            return Ok(out);
        }
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(tip)?)?;
        if let Some(b) = base {
            walk.hide(oid(b)?)?;
        }
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        let bytes = |o: Option<Oid>| -> Option<Vec<u8>> {
            o.and_then(|o| self.repo.find_blob(o).ok()).map(|b| b.content().to_vec())
        };
        // A ticket's path before its year folder was split is the same file: the move of
        // an upgrade is no change (found by a layout attack: it counted as every field's
        // last change, by whoever upgraded, and beat older edits).
        let mut asked: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
        for path in paths {
            asked.insert(path.clone(), path.clone());
            if let Some(old) = crate::model::unsharded_path(path) {
                asked.entry(old).or_insert_with(|| path.clone());
            }
        }
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            let tree = commit.tree()?;
            let parents: Vec<git2::Tree> = commit.parents().map(|p| p.tree()).collect::<Result<_, _>>()?;
            // The paths asked about that differ from every parent (a root commit: that it has).
            let mut touched: Option<BTreeSet<PathBuf>> = None;
            if parents.is_empty() {
                touched = Some(paths.iter().filter(|p| self.record_at(&tree, p).is_some()).cloned().collect());
            }
            for parent in &parents {
                // One path (the merge driver's): the diff reads only the folders on its way.
                let mut opts = git2::DiffOptions::new();
                if paths.len() == 1 {
                    for only in asked.keys() {
                        opts.pathspec(git_path(only)?);
                    }
                    opts.disable_pathspec_match(true);
                }
                let diff = self.repo.diff_tree_to_tree(Some(parent), Some(&tree), Some(&mut opts))?;
                let mut set = BTreeSet::new();
                for delta in diff.deltas() {
                    for f in [delta.old_file(), delta.new_file()] {
                        if let Some(p) = f.path().and_then(|p| asked.get(p)) {
                            set.insert(p.clone());
                        }
                    }
                }
                let t = match touched {
                    None => set,
                    Some(t) => t.intersection(&set).cloned().collect(),
                };
                let done = t.is_empty();
                touched = Some(t);
                if done {
                    break;
                }
            }
            let a = commit.author();
            for path in touched.unwrap_or_default() {
                let now = self.record_at(&tree, &path);
                let before: Vec<Option<Oid>> = parents.iter().map(|t| self.record_at(t, &path)).collect();
                if !parents.is_empty() && before.contains(&now) {
                    continue;
                }
                out.entry(path).or_default().push(FileChange {
                    by: a.name().unwrap_or("?").to_string(),
                    at: a.when().seconds(),
                    after: bytes(now),
                    before: before.into_iter().map(bytes).collect(),
                });
            }
        }
        Ok(out)
    }

    /// The object at a record's path of a tree, or — none there — at the path it had before
    /// its year folder was split ([`crate::model::unsharded_path`]).
    fn record_at(&self, tree: &git2::Tree, path: &Path) -> Option<Oid> {
        crate::model::record_places(path).find_map(|place| self.object_at(tree, &place))
    }

    /// The object at a path of a tree, found name by name, so that any name a pushed tree
    /// may hold (`..`, `.git`) is found too.
    fn object_at(&self, tree: &git2::Tree, path: &Path) -> Option<Oid> {
        let mut current = self.repo.find_tree(tree.id()).ok()?;
        let mut parts = path.to_str()?.split('/').peekable();
        while let Some(name) = parts.next() {
            let id = current.get_name(name)?.id();
            if parts.peek().is_none() {
                return Some(id);
            }
            current = self.repo.find_tree(id).ok()?;
        }
        None
    }

    /// Takes the merge commit `merge` ([`Repo::merge_commit`]): writes the `files` it
    /// changed to the work tree and the index, then moves HEAD onto it. The files are
    /// written first and HEAD moves last: cut short in between, the journal names the files
    /// and the next command puts them back as HEAD has them (the next sync merges again),
    /// never commits half a merge.
    pub fn take_merge(&self, merge: &str, files: &[(PathBuf, Option<FileState>)]) -> Result<()> {
        self.apply_to_worktree(files)?;
        let name = self.repo.head()?.name().unwrap_or("HEAD").to_string();
        self.repo.reference(&name, oid(merge)?, true, "tkt sync: merge")?;
        Ok(())
    }

    /// The commit of a merge of `theirs` into `ours` (HEAD): ours's tree with `files`
    /// replaced (repository paths; `None` deletes). Made and not taken: nothing else is
    /// written, so that it can be looked at first ([`Repo::take_merge`] takes it).
    pub fn merge_commit(
        &self,
        ours: &str,
        theirs: &str,
        files: &[(PathBuf, Option<FileState>)],
        message: &str,
        author: &Author,
    ) -> Result<String> {
        let ours_commit = self.repo.find_commit(oid(ours)?)?;
        let theirs_commit = self.repo.find_commit(oid(theirs)?)?;
        let mut update = super::tree::Update::new();
        for (path, state) in files {
            let p = git_path(path)?;
            match state {
                Some(s) => {
                    let blob = self.repo.blob(&s.bytes)?;
                    let mode = if s.executable { FileMode::BlobExecutable } else { FileMode::Blob };
                    update.upsert(p.as_str(), blob, mode);
                }
                None => {
                    update.remove(p.as_str());
                }
            }
        }
        let tree = self.repo.find_tree(update.write(&self.repo, &self.trees, Some(ours_commit.tree_id()))?)?;
        let sig = signature(author)?;
        // `ours` may be HEAD's unpublished commits written again: HEAD moves in one step.
        Ok(self.repo.commit(None, &sig, &sig, message, &tree, &[&ours_commit, &theirs_commit])?.to_string())
    }

    /// A commit on `parent` (not taken: no branch moves) whose tree is the parent's with
    /// each file of `moves` (repository paths, `(from, to)`) moved, byte for byte and with
    /// its mode. `author` `None` signs it as the parent was, so the same moves of the same
    /// parent make the same commit.
    pub fn commit_moves(
        &self,
        parent: &str,
        moves: &[(PathBuf, PathBuf)],
        message: &str,
        author: Option<&Author>,
    ) -> Result<String> {
        let parent = self.repo.find_commit(oid(parent)?)?;
        let root = parent.tree()?;
        // Each folder moved from is read once (a year's folder of 20,000 tickets).
        let mut folders: HashMap<PathBuf, HashMap<String, (Oid, i32)>> = HashMap::new();
        let mut update = super::tree::Update::new();
        for (from, to) in moves {
            let folder = from.parent().unwrap_or(Path::new(""));
            if !folders.contains_key(folder) {
                let entries = match root.get_path(folder) {
                    Ok(e) => self
                        .repo
                        .find_tree(e.id())?
                        .iter()
                        .filter_map(|e| Some((e.name().ok()?.to_string(), (e.id(), e.filemode()))))
                        .collect(),
                    Err(_) => HashMap::new(),
                };
                folders.insert(folder.to_path_buf(), entries);
            }
            let name = from.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let Some((blob, mode)) = folders[folder].get(name).copied() else {
                return Err(Error::failure(format!(
                    "{}: no file at {} to move",
                    from.display(),
                    oid_short(parent.id())
                )));
            };
            let mode = match mode {
                0o100755 => FileMode::BlobExecutable,
                0o120000 => FileMode::Link,
                _ => FileMode::Blob,
            };
            update.remove(git_path(from)?);
            update.upsert(git_path(to)?, blob, mode);
        }
        let tree = self.repo.find_tree(update.write(&self.repo, &self.trees, Some(parent.tree_id()))?)?;
        let sig = match author {
            Some(author) => signature(author)?,
            None => parent.committer().to_owned(),
        };
        Ok(self.repo.commit(None, &sig, &sig, message, &tree, &[&parent])?.to_string())
    }

    /// Moves HEAD forward to `to`, writing only the files that differ (first, as in
    /// [`Repo::take_merge`]).
    pub fn fast_forward(&self, to: &str) -> Result<()> {
        let head = self.head()?;
        let mut files = Vec::new();
        for path in self.changed_paths(head.as_deref(), to)? {
            let state = self.file_at(to, &path)?;
            files.push((path, state));
        }
        let target = self.repo.find_commit(oid(to)?)?;
        self.apply_to_worktree(&files)?;
        let head_ref = self.repo.head()?;
        let name = head_ref.name().unwrap_or("HEAD").to_string();
        self.repo.reference(&name, target.id(), true, "tkt sync: fast-forward")?;
        Ok(())
    }

    /// The paths among `paths` (repository paths) that lie in the desk, relative to it.
    pub fn in_desk(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        paths.iter().filter_map(|p| p.strip_prefix(&self.prefix).ok().map(Path::to_path_buf)).collect()
    }

    /// Moves HEAD back to the parent of its commit and restores the files that commit
    /// changed, in the work tree and the index.
    pub fn undo_last_commit(&self) -> Result<()> {
        let head = self.repo.head()?.peel_to_commit()?;
        let parent = head.parent(0).map_err(|_| Error::failure("the first commit cannot be taken back"))?;
        let parent_id = parent.id().to_string();
        let mut files = Vec::new();
        for path in self.changed_paths(Some(&parent_id), &head.id().to_string())? {
            let state = self.file_at(&parent_id, &path)?;
            files.push((path, state));
        }
        let name = self.repo.head()?.name().unwrap_or("HEAD").to_string();
        self.repo.reference(&name, parent.id(), true, "tkt: push refused, number given back")?;
        // A number the remote never had was never issued: the reflog, which holds numbers
        // a `git reset` took back as used, forgets the commit (found by a crash attack: the
        // next number skipped it and left a gap on the remote).
        for log in ["HEAD", name.as_str()] {
            let Ok(mut reflog) = self.repo.reflog(log) else { continue };
            let taken_back: Vec<usize> =
                reflog.iter().enumerate().filter(|(_, e)| e.id_new() == head.id()).map(|(i, _)| i).collect();
            for i in taken_back.into_iter().rev() {
                reflog.remove(i, false)?;
            }
            reflog.write()?;
        }
        self.apply_to_worktree(&files)
    }

    /// Rewrites this clone's commits after `base` without `paths` (repository paths),
    /// keeping authors, committers and messages, and leaving out a commit that changed
    /// nothing else; HEAD moves to the new tip and the files leave the work tree and the
    /// index. Only for commits never published: `base` is the last commit the remote has.
    pub fn drop_paths_since(&self, base: &str, paths: &[PathBuf]) -> Result<()> {
        self.rewrite_unpublished(base, paths, &|_, _| Ok(None), "tkt: unpublished fiscal documents taken back")
    }

    /// [`Repo::rewrite_since`] up to HEAD, HEAD moved onto the new tip (the reflog saying
    /// `why`), and `paths` written in the work tree and the index as the tip has them.
    pub fn rewrite_unpublished(&self, base: &str, paths: &[PathBuf], edit: &EditFile<'_>, why: &str) -> Result<()> {
        let Some(head) = self.head()? else { return Ok(()) };
        let tip = self.rewrite_since(base, &head, paths, edit)?;
        if tip == head {
            return Ok(());
        }
        let name = self.repo.head()?.name().unwrap_or("HEAD").to_string();
        self.repo.reference(&name, oid(&tip)?, true, why)?;
        let places = paths.iter().flat_map(|p| crate::model::record_places(p));
        let files = places.map(|p| Ok((p.clone(), self.file_at(&tip, &p)?))).collect::<Result<Vec<_>>>()?;
        self.apply_to_worktree(&files)
    }

    /// The commits after `base` up to `tip` written again with each version of `paths`
    /// (repository paths) replaced by what `edit` makes of it (`None`: the file left out),
    /// keeping authors, committers and messages, and leaving out a commit that changed
    /// nothing else. Returns the new tip; no reference moves. Only for commits never
    /// published: `base` is the last commit the remote has.
    ///
    /// A record's versions where an older tkt kept it, in commits from before `tkt upgrade`
    /// moved it, are its versions too, and written again the same (found by a layout
    /// review: an invoice issued flat, then upgraded, kept its old link in the commit that
    /// issued it, and history took that one for what was issued).
    pub fn rewrite_since(&self, base: &str, tip: &str, paths: &[PathBuf], edit: &EditFile<'_>) -> Result<String> {
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(tip)?)?;
        walk.hide(oid(base)?)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        let mut rewritten: std::collections::HashMap<Oid, Oid> = std::collections::HashMap::new();
        // Each version of a file is edited once.
        let mut blobs: std::collections::HashMap<(PathBuf, Oid), Option<Oid>> = std::collections::HashMap::new();
        let mut new_tip = oid(tip)?;
        for id in walk {
            let id = id?;
            let commit = self.repo.find_commit(id)?;
            let old_tree = commit.tree()?;
            let mut update = super::tree::Update::new();
            for path in paths {
                for place in crate::model::record_places(path) {
                    let Ok(entry) = old_tree.get_path(&place) else { continue };
                    let key = (place.clone(), entry.id());
                    let blob = match blobs.get(&key) {
                        Some(b) => *b,
                        None => {
                            let bytes = self.repo.find_blob(entry.id())?.content().to_vec();
                            let b = edit(path, &bytes)?.map(|new| self.repo.blob(&new)).transpose()?;
                            blobs.insert(key, b);
                            b
                        }
                    };
                    match blob {
                        Some(b) => update.upsert(git_path(&place)?, b, FileMode::Blob),
                        None => update.remove(git_path(&place)?),
                    };
                }
            }
            let tree = self.repo.find_tree(update.write(&self.repo, &self.trees, Some(old_tree.id()))?)?;
            let parents = commit
                .parent_ids()
                .map(|p| self.repo.find_commit(rewritten.get(&p).copied().unwrap_or(p)))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let same = tree.id() == old_tree.id() && commit.parent_ids().eq(parents.iter().map(|p| p.id()));
            let new = match parents.first() {
                _ if same => id,
                Some(first) if parents.len() == 1 && first.tree_id() == tree.id() => first.id(),
                _ => {
                    let refs: Vec<&git2::Commit> = parents.iter().collect();
                    let message = commit.message().unwrap_or_default();
                    self.repo.commit(None, &commit.author(), &commit.committer(), message, &tree, &refs)?
                }
            };
            rewritten.insert(id, new);
            new_tip = new;
        }
        Ok(new_tip.to_string())
    }

    /// Puts desk files back as HEAD has them, in the work tree and the index: a file HEAD
    /// does not have is removed (with its folder, when that is left empty). Returns each
    /// path that differed from HEAD, with whether HEAD has it; a path no file can have (a
    /// name over the file system's limit) is passed over. For taking back what a command
    /// killed before its commit wrote.
    pub fn restore_from_head(&self, desk_paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
        let head = self.head()?;
        let mut restored = Vec::new();
        let mut paths = Vec::with_capacity(desk_paths.len());
        for desk_path in desk_paths {
            let path = self.prefix.join(desk_path);
            let abs = self.workdir().join(&path);
            crate::files::refuse_links(&abs, &path)?;
            let state = match &head {
                Some(h) => self.file_at(h, &path)?,
                None => None,
            };
            let now = match std::fs::read(&abs) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(_) => continue,
            };
            if now.as_deref() != state.as_ref().map(|s| s.bytes.as_slice()) {
                restored.push((desk_path.clone(), state.is_some()));
            }
            match &state {
                Some(s) => {
                    if now.as_deref() != Some(s.bytes.as_slice()) {
                        crate::files::write_atomic(&abs, &s.bytes)?;
                    }
                    set_executable(&abs, s);
                }
                None => {
                    if now.is_some() {
                        std::fs::remove_file(&abs).map_err(|e| Error::io(&abs, e))?;
                        if let Some(dir) = abs.parent() {
                            // Fails, as it should, when the folder holds anything else.
                            let _ = std::fs::remove_dir(dir);
                        }
                    }
                }
            }
            paths.push((path, state.as_ref().map(FileState::blob).transpose()?));
        }
        self.stage(&paths.iter().map(|(path, blob)| (path.as_path(), *blob)).collect::<Vec<_>>())?;
        Ok(restored)
    }

    /// Writes files to the work tree and the index, leaving every other file alone.
    fn apply_to_worktree(&self, files: &[(PathBuf, Option<FileState>)]) -> Result<()> {
        // A folder made a link by hand is never written through; checked before any write.
        for (path, _) in files {
            crate::files::refuse_links(&self.workdir().join(path), path)?;
        }
        // Removals first, each with the folders it leaves empty, so that a folder made a
        // file (`foo/bar` gone, `foo` new) is written where the folder was.
        for (path, _) in files.iter().filter(|(_, state)| state.is_none()) {
            let abs = self.workdir().join(path);
            if abs.is_file() {
                std::fs::remove_file(&abs).map_err(|e| Error::io(&abs, e))?;
            }
            for dir in path.ancestors().skip(1).take_while(|d| !d.as_os_str().is_empty()) {
                if std::fs::remove_dir(self.workdir().join(dir)).is_err() {
                    break;
                }
            }
        }
        for (path, s) in files.iter().filter_map(|(path, state)| Some((path, state.as_ref()?))) {
            let abs = self.workdir().join(path);
            if abs.is_dir() {
                return Err(Error::busy(format!(
                    "{} is a file now, but here it is a folder holding files git does not track",
                    path.display()
                ))
                .with_hint(format!("move what is in {} elsewhere, then sync again", path.display())));
            }
            crate::files::write_atomic(&abs, &s.bytes)?;
            set_executable(&abs, s);
        }
        let staged: Vec<(&Path, Option<(git2::Oid, bool)>)> = files
            .iter()
            .map(|(path, state)| Ok((path.as_path(), state.as_ref().map(FileState::blob).transpose()?)))
            .collect::<Result<_>>()?;
        self.stage(&staged)
    }

    /// Files of the work tree that differ from HEAD or are new (not ignored), as
    /// repository paths, with whether each was deleted.
    pub fn uncommitted(&self) -> Result<Vec<(PathBuf, bool)>> {
        // git's own status is several times quicker on a large work tree (its untracked
        // cache, stat on every core, a file-system monitor where there is one); libgit2's
        // when git cannot run.
        if let Some(found) = git_status(self.repo.path(), self.workdir()) {
            return Ok(found);
        }
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true).recurse_untracked_dirs(true).include_ignored(false);
        Ok(self.reading_index(|repo| {
            let mut out = Vec::new();
            for s in repo.statuses(Some(&mut opts))?.iter() {
                let Ok(path) = s.path() else { continue };
                let deleted = s.status().intersects(git2::Status::WT_DELETED | git2::Status::INDEX_DELETED);
                out.push((PathBuf::from(path), deleted));
            }
            Ok(out)
        })??)
    }

    /// Files under `dirs` (paths of the work tree) that git ignores and does not track: a
    /// `.gitignore` must not hide a record made by hand from sync. Listing them walks the
    /// folders, so only when git would ignore one of the `probes` (a file name in each
    /// folder): most desks ignore none. Empty when git cannot run.
    pub fn ignored_in(&self, dirs: &[PathBuf], probes: &[PathBuf]) -> Vec<PathBuf> {
        use std::os::unix::ffi::OsStrExt;
        let git = || git_in(self.repo.path(), self.workdir());
        let probed = git().args(["check-ignore", "--no-index", "--"]).args(probes).output();
        if !probed.is_ok_and(|out| out.status.success()) {
            return Vec::new();
        }
        let out = git()
            .args(["--literal-pathspecs", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--"])
            .args(dirs)
            .output();
        match out {
            Ok(out) if out.status.success() => out
                .stdout
                .split(|&b| b == 0)
                .filter(|f| !f.is_empty())
                .map(|f| PathBuf::from(std::ffi::OsStr::from_bytes(f)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Sets up the merge driver `tkt` for records, so a plain `git merge` merges them the
    /// way `tkt sync` does.
    /// The configuration is written only when it says something else: a sync killed while
    /// writing it leaves git's `config.lock`.
    pub fn set_merge_driver(&self, command: &str) -> Result<()> {
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        for (key, value) in
            [("merge.tkt.name", "tkt record-aware merge of YAML records"), ("merge.tkt.driver", command)]
        {
            if config.get_string(key).ok().as_deref() != Some(value) {
                config.set_str(key, value)?;
            }
        }
        Ok(())
    }
}

/// The `git` program on the repository tkt opened, whatever a hook's environment says
/// (`GIT_INDEX_FILE`), with no input and its errors unshown.
fn git_in(git_dir: &Path, workdir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(workdir)
        .arg("--git-dir")
        .arg(git_dir)
        .arg("--work-tree")
        .arg(workdir)
        .env_remove("GIT_INDEX_FILE")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

/// `git status` of the work tree as (repository path, deleted) pairs, or `None` when git
/// cannot tell: every file that differs from HEAD or is new and not ignored. Untracked
/// folders come first as folders (git's untracked cache answers that quickly), then their
/// files from a second status of just them.
#[cfg(unix)]
fn git_status(git_dir: &Path, workdir: &Path) -> Option<Vec<(PathBuf, bool)>> {
    use std::os::unix::ffi::OsStrExt;
    let status = |extra: &[&std::ffi::OsStr]| -> Option<Vec<(PathBuf, bool)>> {
        let out = git_in(git_dir, workdir)
            .args(["--literal-pathspecs", "status", "--porcelain=v1", "-z", "--no-renames", "--ignore-submodules"])
            // Whatever `status.showUntrackedFiles` the user set: new records must show.
            .arg("--untracked-files=normal")
            .args(extra)
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        // Each entry is `XY PATH` (index and work tree state), NUL-terminated; a rename or
        // copy (not asked for) would add its source as one more field.
        let mut found = Vec::new();
        let mut fields = out.stdout.split(|&b| b == 0).filter(|f| !f.is_empty());
        while let Some(entry) = fields.next() {
            let (&[x, y, b' '], path) = entry.split_at_checked(3)? else { return None };
            if matches!(x, b'R' | b'C') {
                fields.next();
            }
            found.push((PathBuf::from(std::ffi::OsStr::from_bytes(path)), x == b'D' || y == b'D'));
        }
        Some(found)
    };
    let mut found = status(&[])?;
    let is_folder = |p: &Path| p.as_os_str().as_bytes().ends_with(b"/");
    // A file replaced by a folder shows as deleted, and git does not name the folder.
    let replaced = found.iter().filter(|(p, deleted)| *deleted && !is_folder(p) && workdir.join(p).is_dir());
    let folders: Vec<PathBuf> = found
        .iter()
        .filter(|(p, _)| is_folder(p))
        .map(|(p, _)| p.clone())
        .chain(replaced.map(|(p, _)| {
            let mut folder = p.clone().into_os_string();
            folder.push("/");
            PathBuf::from(folder)
        }))
        .collect();
    if !folders.is_empty() {
        found.retain(|(p, _)| !is_folder(p));
        let mut args = vec![std::ffi::OsStr::new("--untracked-files=all"), std::ffi::OsStr::new("--")];
        args.extend(folders.iter().map(|f| f.as_os_str()));
        found.extend(status(&args)?);
    }
    Some(found)
}

#[cfg(not(unix))]
fn git_status(_git_dir: &Path, _workdir: &Path) -> Option<Vec<(PathBuf, bool)>> {
    None
}

fn oid(hex: &str) -> Result<Oid> {
    Oid::from_str(hex).map_err(|e| Error::failure(format!("bad commit id {hex:?}: {}", e.message())))
}

pub(super) fn signature(author: &Author) -> Result<Signature<'static>> {
    let offset = author.when.offset().local_minus_utc() / 60;
    Ok(Signature::new(&author.name, &author.email, &Time::new(author.when.timestamp(), offset))?)
}

impl Repo {
    /// The commit a report `--as-of` means: the desk as HEAD's history left it on a day
    /// (YYYY-MM-DD, in each commit's own time zone) — the last commit dated on or before it
    /// before HEAD's first-parent history goes past it — or any revision git understands.
    /// Returns the commit and the day it stands for.
    pub fn resolve_as_of(&self, spec: &str) -> Result<(String, chrono::NaiveDate)> {
        // A day is `YYYY-MM-DD`, its year of four digits: `26-09-30` is a typo, never the
        // year 26 (found by a scripting review: it was "history not found", exit 3), nor is
        // `30/11/2026` or a time a revision (found by a careless-office attack).
        // A tag `1.0` or `2026.11` stays a revision (a review).
        static DAY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"^\d+-[\d-]*$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T][\d:.]*)?$").unwrap()
        });
        let dated = DAY.is_match(spec);
        let strict = spec.len() == 10 && spec.as_bytes()[4] == b'-' && spec.as_bytes()[7] == b'-';
        if dated {
            let day = strict
                .then(|| spec.parse::<chrono::NaiveDate>().ok())
                .flatten()
                .ok_or_else(|| Error::usage(format!("--as-of {spec:?}: not a date (YYYY-MM-DD) nor a revision")))?;
            // Oldest first, HEAD's own line (a merge's first parent): the desk as it stood
            // before the first commit made after that day that follows one made by then. Not
            // the newest commit dated on or before it: one command back-dated (TKT_NOW, a
            // clock behind) made the whole desk of today that day's (found by a careless-office
            // attack). Commits dated later before any of that day (a desk set up today, its
            // past typed in back-dated) are the desk it was typed into.
            let mut walk = self.repo.revwalk()?;
            walk.push_head()?;
            walk.simplify_first_parent()?;
            walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
            let mut before = None;
            for id in walk {
                let commit = self.repo.find_commit(id?)?;
                let when = commit.time();
                let offset = chrono::FixedOffset::east_opt(when.offset_minutes() * 60)
                    .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
                let local =
                    chrono::DateTime::from_timestamp(when.seconds(), 0).unwrap_or_default().with_timezone(&offset);
                match local.date_naive() <= day {
                    true => before = Some(commit.id()),
                    false if before.is_some() => break,
                    false => {}
                }
            }
            return match before {
                Some(id) => Ok((id.to_string(), day)),
                None => Err(Error::not_found("history before", spec)
                    .with_hint("the desk's first commit is later than that day")),
            };
        }
        let object = self
            .repo
            .revparse_single(spec)
            .map_err(|e| Error::not_found("revision", spec).with_hint(e.message().to_string()))?;
        let commit = object.peel_to_commit()?;
        let when = commit.time();
        let day = chrono::DateTime::from_timestamp(when.seconds() + i64::from(when.offset_minutes()) * 60, 0)
            .unwrap_or_default()
            .date_naive();
        Ok((commit.id().to_string(), day))
    }

    /// Every file of the desk as it was at a commit: desk-relative path and bytes. Reads
    /// the git objects only; the work tree is not touched.
    pub fn desk_files_at(&self, commit: &str) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let tree = self.repo.find_commit(oid(commit)?)?.tree()?;
        let tree = if self.prefix.as_os_str().is_empty() {
            tree
        } else {
            let entry = tree.get_path(&self.prefix)?;
            self.repo.find_tree(entry.id())?
        };
        let mut files = Vec::new();
        let mut failure = None;
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                match self.repo.find_blob(entry.id()) {
                    Ok(blob) => {
                        files.push((PathBuf::from(dir).join(entry.name().unwrap_or_default()), blob.content().to_vec()))
                    }
                    Err(e) => {
                        failure = Some(e);
                        return git2::TreeWalkResult::Abort;
                    }
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(files),
        }
    }
}
