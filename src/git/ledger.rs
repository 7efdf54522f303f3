//! Git history as the ledger of fiscal documents: every file that was ever committed under
//! a folder, with its first version — so a number once issued is never issued again, and
//! an issued document can be compared with what was issued.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use git2::{Commit, ObjectType, Odb, Oid, Sort, Tree};
use serde::{Deserialize, Serialize};

use super::raw_tree::RawTree;
use super::{oid_short, Repo};
use crate::Result;

/// Versions of files: each one's desk-relative path and content.
pub type Versions = Vec<(PathBuf, Vec<u8>)>;

/// What a walk found of each file, by the path its record is known by
/// ([`crate::model::record_path`]): its first blob, the commit, and where that commit had
/// it when that was elsewhere (where an older tkt kept it).
type Found = BTreeMap<PathBuf, (Oid, Oid, Option<PathBuf>)>;

/// What [`Repo::audit_ledgers`] found of one folder.
pub struct Audited {
    /// The first version of each file in history.
    pub first: BTreeMap<PathBuf, FirstVersion>,
    /// The first version of each file that only commits of HEAD's reflog hold.
    pub reset_away: BTreeMap<PathBuf, FirstVersion>,
    /// The file of the first versions kept, when it differed from history (now removed).
    pub kept_differs: Option<PathBuf>,
}

/// The first committed version of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstVersion {
    /// Its blob, to tell cheaply whether the file is still the same (its content is read
    /// with [`Repo::first_content`] only when it is not).
    pub blob: String,
    /// The commit that added it (short), and who made it.
    pub commit: String,
    pub author: String,
    /// Where that commit had the file, when not where it is known now: where an older tkt
    /// kept it (`documents/invoice/2026/INV-2026-0012.yaml`), before `tkt upgrade`.
    pub at: Option<PathBuf>,
}

impl FirstVersion {
    /// The command that puts this version of the file known as `known` back there
    /// (desk-relative, run in the desk): [`FirstVersion::restore_to`] `known`.
    pub fn restore(&self, known: &Path) -> String {
        self.restore_to(known, known)
    }

    /// The command that puts this version of the file known as `known` back at `now` (on a
    /// desk not upgraded yet, where an older tkt kept it): a checkout from its commit, or —
    /// that commit had it elsewhere — its content written at `now` (its folder made, as a
    /// checkout makes it) and staged.
    pub fn restore_to(&self, known: &Path, now: &Path) -> String {
        let then = self.at.as_deref().unwrap_or(known);
        match now.parent() {
            Some(folder) if then != now => format!(
                "mkdir -p {} && git show {}:./{} > {} && git add {}",
                folder.display(),
                self.commit,
                then.display(),
                now.display(),
                now.display()
            ),
            _ => format!("git checkout {} -- {}", self.commit, now.display()),
        }
    }
}

impl Repo {
    /// Every file ever committed up to three folders below `desk_dir` (a desk-relative
    /// folder such as `documents/invoice`, whose files sit in year folders and their folders
    /// of a thousand), in any commit reachable from HEAD, with its first version; keyed by
    /// the desk-relative path its record is known by. Folders
    /// already seen in an older commit are not read again, so the cost follows the changes.
    ///
    /// What was found is kept (in the desk's `.tkt/cache/ledger/`, see
    /// [`Repo::keep_ledgers_in`]) with HEAD's commit: when HEAD has only moved on by commits
    /// of one parent since, only what they changed is read — a payment recorded after years
    /// of history reads the commits since the last one, not the years.
    pub fn first_versions(&self, desk_dir: &Path) -> Result<BTreeMap<PathBuf, FirstVersion>> {
        // HEAD read once: what is kept is what was found at that commit.
        let Some(head) = self.head_commit()? else { return Ok(BTreeMap::new()) };
        let (first, read) = match self.brought_on(desk_dir, &head)? {
            Some(brought) => brought,
            None => {
                let (odb, mut found): (_, Found) = (self.repo.odb()?, BTreeMap::new());
                let mut walk = Walk::first_versions();
                self.each_tree_oldest_first(&[desk_dir], Some(head.id()), |_, commit, tree| {
                    self.collect(&odb, tree, desk_dir, commit, &mut walk, &mut found, DEPTH)
                })?;
                (self.with_authors(found)?, true)
            }
        };
        if let (Some((at, program)), true) = (self.kept_at(desk_dir), read) {
            let (folder, tip) = (self.repo_path(desk_dir), head.id().to_string());
            Kept { version: KEPT_VERSION, program: program.clone(), folder, tip, files: &first }.write(&at);
        }
        Ok(first)
    }

    /// Where the first versions of `desk_dir` are kept, and the tkt that keeps them; none
    /// in a shallow clone or one with grafts, whose history can change under the same
    /// HEAD (a fetch that deepens it, a graft added).
    fn kept_at(&self, desk_dir: &Path) -> Option<(PathBuf, &String)> {
        let (dir, program) = self.ledgers.as_ref()?;
        if self.repo.is_shallow() || self.repo.path().join("info").join("grafts").exists() {
            return None;
        }
        Some((dir.join(desk_dir.to_string_lossy().replace('/', "-")), program))
    }

    /// The first versions kept of `desk_dir`, brought on by the commits since to `head`,
    /// and whether there were any; `None` when none are kept that `head` reaches through
    /// commits of one parent (or another tkt kept them).
    fn brought_on(
        &self,
        desk_dir: &Path,
        head: &Commit<'_>,
    ) -> Result<Option<(BTreeMap<PathBuf, FirstVersion>, bool)>> {
        let Some((at, program)) = self.kept_at(desk_dir) else { return Ok(None) };
        let kept = Kept::read(&at).filter(|k| k.folder == self.repo_path(desk_dir) && k.program == *program);
        let Some(kept) = kept else { return Ok(None) };
        let Some(commits) = self.commits_since(&kept.tip, head) else { return Ok(None) };
        let mut first = kept.files;
        for commit in &commits {
            for (path, version) in self.first_versions_of(commit, desk_dir)? {
                first.entry(path).or_insert(version);
            }
        }
        Ok(Some((first, !commits.is_empty())))
    }

    /// The file of the first versions kept of `desk_dir`, when they, brought on to HEAD,
    /// differ from `whole`, what reading history whole found (a kept file damaged or edited
    /// by hand); it is then removed: `tkt check` takes no cache's word, and leaves none it
    /// found wrong.
    fn kept_ledger_differs(
        &self,
        desk_dir: &Path,
        whole: &BTreeMap<PathBuf, FirstVersion>,
        head: &Commit<'_>,
    ) -> Result<Option<PathBuf>> {
        let differs = self.brought_on(desk_dir, head)?.is_some_and(|(kept, _)| kept != *whole);
        let removed = self.kept_at(desk_dir).map(|(at, _)| at).filter(|_| differs);
        if let Some(at) = &removed {
            let _ = std::fs::remove_file(at);
        }
        Ok(removed)
    }

    /// The commits from `tip` (not included) to `head`, oldest first, when `head` reaches
    /// `tip` through commits of one parent each (what a desk's own writes make); `None`
    /// otherwise (a merge, a reset, history rewritten, a tip no longer known) or when they
    /// are more than a few thousand.
    fn commits_since<'r>(&'r self, tip: &str, head: &Commit<'r>) -> Option<Vec<Commit<'r>>> {
        let tip = Oid::from_str(tip).ok()?;
        let (mut commits, mut at) = (Vec::new(), head.clone());
        while at.id() != tip {
            if at.parent_count() != 1 || commits.len() >= 5000 {
                return None;
            }
            let parent = at.parent(0).ok()?;
            commits.push(at);
            at = parent;
        }
        commits.reverse();
        Some(commits)
    }

    /// The files below `desk_dir` that `commit` (of one parent) added to the folder, each
    /// with its version there: the names of its folder's version that the parent's had not.
    fn first_versions_of(&self, commit: &Commit<'_>, desk_dir: &Path) -> Result<BTreeMap<PathBuf, FirstVersion>> {
        let rel = self.repo_path(desk_dir);
        let folder = |c: &Commit| -> Result<Option<Tree<'_>>> {
            Ok(match folder_in(&c.tree()?, &rel)? {
                Some(id) => Some(self.repo.find_tree(id)?),
                None => None,
            })
        };
        let Some(now) = folder(commit)? else { return Ok(BTreeMap::new()) };
        let before = folder(&commit.parent(0)?)?;
        if before.as_ref().is_some_and(|b| b.id() == now.id()) {
            return Ok(BTreeMap::new());
        }
        // Git's own comparison of the two versions: a folder the commit left as it was is
        // not read (its files and folders of a thousand).
        let mut found = BTreeMap::new();
        let diff = self.repo.diff_tree_to_tree(before.as_ref(), Some(&now), None)?;
        for delta in diff.deltas().filter(|d| d.status() == git2::Delta::Added) {
            let file = delta.new_file();
            let blob =
                matches!(file.mode(), git2::FileMode::Blob | git2::FileMode::BlobExecutable | git2::FileMode::Link);
            let Some(path) = file.path().filter(|p| blob && p.iter().count() <= usize::from(DEPTH)) else { continue };
            if path.file_name().and_then(|n| n.to_str()).is_some_and(is_record_name) {
                first_found(&mut found, desk_dir.join(path), file.id(), commit.id());
            }
        }
        self.with_authors(found)
    }

    /// History read whole, as `tkt check` reads it, for each of `desk_dirs` in one walk: its
    /// [`Repo::first_versions`], apart the first version of each file that only commits of
    /// HEAD's reflog hold (committed, then taken out of history by a `git reset`: read after
    /// history, so a folder's version seen there is not read again), and the file of the
    /// first versions kept when it differs from history — removed.
    pub fn audit_ledgers(&self, desk_dirs: &[&Path]) -> Result<Vec<Audited>> {
        let odb = self.repo.odb()?;
        let mut walks: Vec<_> = desk_dirs.iter().map(|_| (Walk::first_versions(), BTreeMap::new())).collect();
        // HEAD read once: the kept ledgers are compared with history at the same commit.
        let head = self.head_commit()?;
        if let Some(head) = &head {
            self.each_tree_oldest_first(desk_dirs, Some(head.id()), |n, commit, tree| {
                let (walk, found) = &mut walks[n];
                self.collect(&odb, tree, desk_dirs[n], commit, walk, found, DEPTH)
            })?;
        }
        desk_dirs
            .iter()
            .zip(walks)
            .map(|(desk_dir, (mut walk, found))| {
                // What history has is found: the reflog's versions add only names of their own.
                let mut gone = BTreeMap::new();
                for (commit, tree) in self.reflog_trees(desk_dir) {
                    self.collect(&odb, tree.id(), desk_dir, commit, &mut walk, &mut gone, DEPTH)?;
                }
                gone.retain(|path, _| !found.contains_key(path));
                let first = self.with_authors(found)?;
                let kept_differs = match &head {
                    Some(head) => self.kept_ledger_differs(desk_dir, &first, head)?,
                    None => None,
                };
                Ok(Audited { first, reset_away: self.with_authors(gone)?, kept_differs })
            })
            .collect()
    }

    /// The first version of each file up to three folders below `desk_dir` that a commit in
    /// HEAD's reflog holds, oldest entry first: with [`Repo::first_versions`], also the
    /// files a `git reset` took out of history (a pull undone, say) while the reflog keeps them.
    pub fn first_versions_in_reflog(&self, desk_dir: &Path) -> Result<BTreeMap<PathBuf, FirstVersion>> {
        let (odb, mut found, mut walk) = (self.repo.odb()?, BTreeMap::new(), Walk::first_versions());
        for (commit, tree) in self.reflog_trees(desk_dir) {
            self.collect(&odb, tree.id(), desk_dir, commit, &mut walk, &mut found, DEPTH)?;
        }
        self.with_authors(found)
    }

    /// The desk-relative folder `desk_dir` in each commit HEAD's reflog holds, oldest entry
    /// first (a commit a `git reset` took out of history stays there for months), one per
    /// change of the folder, each read as it is asked for.
    fn reflog_trees(&self, desk_dir: &Path) -> impl Iterator<Item = (Oid, Tree<'_>)> + '_ {
        let rel = self.repo_path(desk_dir);
        let reflog = self.repo.reflog("HEAD").ok();
        let entries = reflog.iter().flat_map(|r| r.iter().map(|e| (e.id_old(), e.id_new())));
        // Entries run newest first. One that never landed — its commit neither HEAD nor what
        // a later entry moved HEAD from: a commit whose branch could not be moved (a full
        // disk), its entry left because the reflog could not be written again either — gave
        // no number (found by a careless-office attack: the retry was refused as billing
        // work an invoice "reset away" had billed).
        let head = self.repo.head().ok().and_then(|h| h.target());
        // What the later entries moved HEAD from (a reflog of months holds thousands).
        let mut moved_from = HashSet::new();
        let mut commits = Vec::new();
        for (old, new) in entries {
            if Some(new) == head || moved_from.contains(&new) {
                commits.push(new);
            }
            moved_from.insert(old);
        }
        let mut last = None;
        commits.into_iter().rev().filter_map(move |commit| {
            let folder = self.repo.find_commit(commit).and_then(|c| c.tree()).and_then(|t| t.get_path(&rel)).ok()?;
            if last.replace(folder.id()) == Some(folder.id()) {
                return None;
            }
            Some((commit, folder.to_object(&self.repo).and_then(|o| o.peel_to_tree()).ok()?))
        })
    }

    /// Each file's first version, with the author of the commit that made it.
    fn with_authors(&self, found: Found) -> Result<BTreeMap<PathBuf, FirstVersion>> {
        let odb = self.repo.odb()?;
        let mut authors: HashMap<Oid, String> = HashMap::new();
        found
            .into_iter()
            .map(|(path, (blob, commit, at))| {
                let author = match authors.get(&commit) {
                    Some(a) => a.clone(),
                    None => {
                        let a = self.author_of(&odb, commit)?;
                        authors.entry(commit).or_insert(a).clone()
                    }
                };
                Ok((path, FirstVersion { blob: blob.to_string(), commit: oid_short(commit), author, at }))
            })
            .collect()
    }

    /// The name of `commit`'s author, as libgit2 gives it. Read raw, as the walk reads
    /// commits: libgit2 would keep each in its cache (60 MB at 100,000 invoices), and check
    /// each slower. By libgit2 when its header is not as git writes it.
    fn author_of(&self, odb: &Odb<'_>, commit: Oid) -> Result<String> {
        let raw = {
            let _walking = super::WalkingHistory::new();
            super::raw_tree::read_checked(odb, commit, ObjectType::Commit)?
        };
        match super::commits::author_name(raw.data()) {
            Some(name) => Ok(std::str::from_utf8(name).unwrap_or("?").to_string()),
            None => Ok(self.repo.find_commit(commit)?.author().name().unwrap_or("?").to_string()),
        }
    }

    /// The content of a file's first version.
    pub fn first_content(&self, first: &FirstVersion) -> Result<Vec<u8>> {
        let oid = Oid::from_str(&first.blob)?;
        Ok(self.repo.find_blob(oid)?.content().to_vec())
    }

    /// The content of the blob `hash`, while git still has it (one no commit reaches any
    /// more, a `git reset` away, is kept until git prunes it).
    pub fn blob(&self, hash: &str) -> Option<Vec<u8>> {
        let blob = self.repo.find_blob(Oid::from_str(hash).ok()?).ok()?;
        Some(blob.content().to_vec())
    }

    /// Every version ever committed of each file up to three folders below `desk_dir` (as
    /// [`Repo::first_versions`] finds them): its desk-relative path and content, each
    /// distinct content once — in HEAD's history, and apart those only the commits HEAD's
    /// reflog still holds have (a `git reset` away).
    pub fn versions_ever(&self, desk_dir: &Path) -> Result<[Versions; 2]> {
        let (odb, mut walk, mut blobs) = (self.repo.odb()?, Walk::every_version(), HashSet::new());
        let history = self.versions_in(&odb, self.trees_oldest_first(desk_dir)?, desk_dir, &mut walk, &mut blobs)?;
        let reset_away = self.versions_in(&odb, self.reflog_trees(desk_dir), desk_dir, &mut walk, &mut blobs)?;
        Ok([history, reset_away])
    }

    fn versions_in<'r, 'o>(
        &'r self,
        odb: &'o Odb<'_>,
        trees: impl IntoIterator<Item = (Oid, Tree<'r>)>,
        desk_dir: &Path,
        walk: &mut Walk<'o>,
        blobs: &mut HashSet<Oid>,
    ) -> Result<Versions> {
        let mut found: Found = BTreeMap::new();
        let mut versions = Vec::new();
        for (commit, tree) in trees {
            found.clear();
            // A tree seen before holds no version not found then.
            self.collect(odb, tree.id(), desk_dir, commit, walk, &mut found, DEPTH)?;
            for (path, (blob, ..)) in &found {
                if blobs.insert(*blob) {
                    versions.push((path.clone(), self.repo.find_blob(*blob)?.content().to_vec()));
                }
            }
        }
        Ok(versions)
    }

    /// Whether this clone has only part of the history (`git clone --depth`): it cannot
    /// know every number ever committed.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The names of every file ever committed in the desk-relative folder `desk_dir` (or in
    /// its folders of a thousand): in HEAD's history, or in a commit HEAD's reflog still holds.
    pub fn names_ever(&self, desk_dir: &Path) -> Result<HashSet<String>> {
        let mut names = Names::default();
        for (_, tree) in self.trees_oldest_first(desk_dir)? {
            names.add(&self.repo, &tree)?;
        }
        // A commit reset away (`git reset --hard`) stays in HEAD's reflog for months: what
        // it committed is taken, also when this clone's log in .tkt/ is gone too.
        for (_, tree) in self.reflog_trees(desk_dir) {
            names.add(&self.repo, &tree)?;
        }
        Ok(names.names)
    }

    /// The files directly in the desk-relative folder `desk_dir` at `commit`: name and blob id.
    pub fn blobs_at(&self, commit: &str, desk_dir: &Path) -> Result<HashMap<String, String>> {
        let tree = self.repo.find_commit(Oid::from_str(commit)?)?.tree()?;
        let Ok(entry) = tree.get_path(&self.repo_path(desk_dir)) else { return Ok(HashMap::new()) };
        let Ok(folder) = self.repo.find_tree(entry.id()) else { return Ok(HashMap::new()) };
        let blobs = folder.iter().filter(|e| e.kind() == Some(ObjectType::Blob));
        Ok(blobs.filter_map(|e| Some((e.name().ok()?.to_string(), e.id().to_string()))).collect())
    }

    /// The id git gives a file of these bytes.
    pub fn blob_id(bytes: &[u8]) -> String {
        Oid::hash_object(ObjectType::Blob, bytes).map(|o| o.to_string()).unwrap_or_default()
    }

    /// The names of the files in the desk-relative folder `desk_dir` at `commit` (none
    /// when the folder is not there).
    pub fn names_at(&self, commit: &str, desk_dir: &Path) -> Result<Vec<String>> {
        let tree = self.repo.find_commit(Oid::from_str(commit)?)?.tree()?;
        let Ok(entry) = tree.get_path(&self.repo_path(desk_dir)) else { return Ok(Vec::new()) };
        let Ok(folder) = self.repo.find_tree(entry.id()) else { return Ok(Vec::new()) };
        Ok(folder.iter().filter_map(|e| e.name().ok().map(str::to_string)).collect())
    }

    /// The names of the files of the desk-relative year's folder `year_dir` at `commit`: in
    /// it and in its folders of a thousand (none when the folder is not there).
    pub fn year_names_at(&self, commit: &str, year_dir: &Path) -> Result<Vec<String>> {
        let tree = self.repo.find_commit(Oid::from_str(commit)?)?.tree()?;
        let Some(folder) = folder_in(&tree, &self.repo_path(year_dir))? else { return Ok(Vec::new()) };
        let mut names = Names::default();
        names.add(&self.repo, &self.repo.find_tree(folder)?)?;
        Ok(names.names.into_iter().collect())
    }

    /// The names of the files in the desk-relative folder `desk_dir` in each commit reachable
    /// from HEAD and not from `since`: what was committed there since. `None` when `since`
    /// is no longer known (gone from the repository), for the caller to read all history.
    pub fn names_since(&self, since: &str, desk_dir: &Path) -> Result<Option<HashSet<String>>> {
        let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) else { return Ok(None) };
        self.names_between(Some(since), &head.id().to_string(), desk_dir)
    }

    /// The names of the files in the desk-relative folder `desk_dir` in each commit reachable
    /// from `tip` and not from `since` (from any commit without it). `None` when either is
    /// not known.
    pub fn names_between(&self, since: Option<&str>, tip: &str, desk_dir: &Path) -> Result<Option<HashSet<String>>> {
        let Ok(tip) = Oid::from_str(tip) else { return Ok(None) };
        let since = match since.map(Oid::from_str) {
            Some(Ok(since)) if self.repo.find_commit(since).is_ok() => Some(since),
            Some(_) => return Ok(None),
            None => None,
        };
        if self.repo.find_commit(tip).is_err() {
            return Ok(None);
        }
        let rel = self.repo_path(desk_dir);
        let mut walk = self.repo.revwalk()?;
        walk.push(tip)?;
        if let Some(since) = since {
            walk.hide(since)?;
        }
        let mut names = Names::default();
        for oid in walk {
            let folder = self.repo.find_commit(oid?)?.tree()?.get_path(&rel).ok();
            if let Some(entry) = folder.filter(|e| e.kind() == Some(ObjectType::Tree) && !names.seen.contains(&e.id()))
            {
                names.add(&self.repo, &self.repo.find_tree(entry.id())?)?;
            }
        }
        Ok(Some(names.names))
    }

    /// The first version of a repository path in the history of `tip`, in the order
    /// [`Repo::first_versions`] reads history (parents before children), so that a sync
    /// and `tkt check` agree on what was issued: of a record in its folder of a thousand,
    /// also where an older tkt kept it ([`crate::model::unsharded_path`]).
    pub fn first_version_at(&self, tip: &str, path: &Path) -> Result<Option<Vec<u8>>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(Oid::from_str(tip)?)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let places: Vec<PathBuf> = crate::model::record_places(path).collect();
        for oid in walk {
            let tree = self.repo.find_commit(oid?)?.tree()?;
            for place in &places {
                if let Ok(entry) = tree.get_path(place) {
                    if entry.kind() == Some(ObjectType::Blob) {
                        return Ok(Some(self.repo.find_blob(entry.id())?.content().to_vec()));
                    }
                }
            }
        }
        Ok(None)
    }

    /// The tree of `desk_dir` in each commit reachable from HEAD that has it, oldest first.
    fn trees_oldest_first(&self, desk_dir: &Path) -> Result<Vec<(Oid, Tree<'_>)>> {
        let mut trees = Vec::new();
        self.each_tree_oldest_first(&[desk_dir], None, |_, commit, tree| {
            trees.push((commit, tree));
            Ok(())
        })?;
        // Read once the walk is over: by libgit2, which checks each object's hash again.
        trees.into_iter().map(|(commit, tree)| Ok((commit, self.repo.find_tree(tree)?))).collect()
    }

    /// Gives `each` the tree (id) of each of `desk_dirs` (its number in them) in each commit
    /// reachable from `from` (else HEAD) that has it, oldest first, one per change of the
    /// folder, as it is read: years of history are thousands of versions of a folder of
    /// thousands of files, never all held at once; and several folders are one walk.
    fn each_tree_oldest_first(
        &self,
        desk_dirs: &[&Path],
        from: Option<Oid>,
        mut each: impl FnMut(usize, Oid, Oid) -> Result<()>,
    ) -> Result<()> {
        let rels: Vec<PathBuf> = desk_dirs.iter().map(|d| self.repo_path(d)).collect();
        let tip = match from {
            Some(commit) => commit,
            None => match self.head_commit()? {
                Some(head) => head.id(),
                None => return Ok(()),
            },
        };
        let _walking = super::WalkingHistory::new();
        let odb = self.repo.odb()?;
        let commits = super::commits::oldest_first(&odb, &super::commits::grafts_of(self.repo.commondir()), tip)?;
        let mut last = vec![None; rels.len()];
        // The folder holding each of them (`documents`), its version read last held: each
        // version read once.
        let mut above: Vec<(PathBuf, Option<RawTree>)> = Vec::new();
        for rel in &rels {
            let parent = rel.parent().unwrap_or(Path::new("")).to_path_buf();
            if !above.iter().any(|(p, _)| *p == parent) {
                above.push((parent, None));
            }
        }
        for (oid, root) in commits {
            for (parent, held) in &mut above {
                let mut id = Some(root);
                for name in parent.iter() {
                    id = match id {
                        Some(id) => RawTree::read(&odb, id, None)?.folder(name.as_encoded_bytes()),
                        None => None,
                    };
                }
                if held.as_ref().map(RawTree::id) != id {
                    *held = id.map(|id| RawTree::read(&odb, id, None)).transpose()?;
                }
            }
            for (n, rel) in rels.iter().enumerate() {
                let parent = rel.parent().unwrap_or(Path::new(""));
                let held = above.iter().find(|(p, _)| p == parent).and_then(|(_, t)| t.as_ref());
                let name = rel.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default();
                // Consecutive commits mostly share the folder: one tree per change.
                match held.and_then(|t| t.folder(name)) {
                    Some(id) if last[n] != Some(id) => {
                        last[n] = Some(id);
                        each(n, oid, id)?;
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Adds to `found` each record file of the folder `id` (the folder `dir` as `commit`
    /// has it, and its folders `depth - 1` levels down) that it does not hold yet, with its
    /// blob and `commit`. A version of a folder the walk has met before adds nothing (see
    /// [`Walk::met`]); of one read after an earlier version of the same folder, only the
    /// names that version had not are looked up (when the walk keeps versions: a folder of
    /// a thousand files changes by one file per commit), and the entries both share at
    /// their start are not looked at.
    #[allow(clippy::too_many_arguments)]
    fn collect<'o>(
        &self,
        odb: &'o Odb<'_>,
        id: Oid,
        dir: &Path,
        commit: Oid,
        walk: &mut Walk<'o>,
        found: &mut Found,
        depth: u8,
    ) -> Result<()> {
        let before = walk.take(dir);
        if walk.met(dir, id, depth, before.as_ref().map(|(b, _)| *b)) {
            // Held as it was, or read only if a later version is compared with it.
            let held = before.filter(|(b, _)| *b == id).and_then(|(_, tree)| tree);
            walk.hold(dir, id, held);
            return Ok(());
        }
        let before = match before {
            Some((_, Some(tree))) => Some(tree),
            Some((before, None)) => Some(RawTree::read(odb, before, None)?),
            None => None,
        };
        let tree = RawTree::read(odb, id, before.as_ref())?;
        // The entries shared with the version before are its: found, or read, then.
        for i in tree.shared..tree.len() {
            let entry = tree.entry(i);
            if entry.is_file() {
                // The folder's version before had the name: its first version is found.
                if before.as_ref().is_some_and(|b| b.has_file(entry.name)) {
                    continue;
                }
                // Only a record's name: a stray file committed beside them (`Thumbs.db`, an
                // editor's `INV-2026-0007.yaml~`, an interrupted write's temp file) is no
                // document, and taken out again it is none deleted (found by a careless-office
                // attack: it stopped every credit note and invoice of the number for good).
                match std::str::from_utf8(entry.name) {
                    Ok(name) if is_record_name(name) => first_found(found, dir.join(name), entry.id, commit),
                    _ => {}
                }
            } else if entry.is_folder() && depth > 1 {
                // A version of a folder met before is not read again (a year's folder of
                // thousands of files, beside the one that changed: see `Walk::met`).
                let Ok(name) = std::str::from_utf8(entry.name) else { continue };
                self.collect(odb, entry.id, &dir.join(name), commit, walk, found, depth - 1)?;
            }
        }
        walk.hold(dir, id, Some(tree));
        Ok(())
    }
}

/// Notes in `found` the file at `path` (desk-relative), of `blob` in `commit`, unless a
/// version of its record was found already: by the path its record is known by, with
/// `path` when that is another (where an older tkt kept it).
fn first_found(found: &mut Found, path: PathBuf, blob: Oid, commit: Oid) {
    let known = crate::model::record_path(&path);
    let at = (path != known).then_some(path);
    found.entry(known).or_insert((blob, commit, at));
}

/// The tree of the folder at the repository path `rel` in `root`; `None` when there is
/// none (or a file is there).
fn folder_in(root: &Tree, rel: &Path) -> Result<Option<Oid>> {
    match root.get_path(rel) {
        Ok(e) => Ok((e.kind() == Some(ObjectType::Tree)).then(|| e.id())),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// What a walk through history has read of a folder and its folders.
struct Walk<'o> {
    /// The versions (trees) read, each at its folder's path: a folder moved whole (a year's
    /// misfiled documents) is the same tree at another path, whose names are found there.
    /// In a walk of first versions, only those of the folder walked (see [`Walk::met`]).
    seen: HashSet<(PathBuf, Oid)>,
    /// Each folder's version met last, by desk-relative path, and what it holds while it is
    /// one of the last few read, when the walk looks only at names new to a folder (not at
    /// every version of every file).
    last: Option<HashMap<PathBuf, (Oid, Option<RawTree<'o>>)>>,
    /// How many of `last` hold what they hold.
    held: usize,
}

/// How many folders' last versions a walk holds read: the few it is adding to (a kind's,
/// its year's, its folder of a thousand), with room for merges. Holding every folder's
/// held 20 MB at 300,000 documents; one let go is read again when it next changes.
const HELD: usize = 64;

impl<'o> Walk<'o> {
    /// A walk for the first version of each file: each version of a folder adds only the
    /// names its version before had not.
    fn first_versions() -> Self {
        Walk { seen: HashSet::new(), last: Some(HashMap::new()), held: 0 }
    }

    /// A walk for every version of each file: each version of a folder read whole.
    fn every_version() -> Self {
        Walk { seen: HashSet::new(), last: None, held: 0 }
    }

    /// Whether the version `id` of the folder `dir` (`depth` levels of folders from the
    /// walk's own, `DEPTH` for it) was met before, `before` the one met last there; noted
    /// as met. A walk of first versions remembers only its own folder's versions (a commit
    /// of the reflog is mostly one of history): below it, a version is compared with the one
    /// met last at its path — the version before, in history as commits make it. Once in a
    /// while (a merge, a folder put back as it was) a folder is read again for nothing;
    /// remembering every version of every folder held 30 MB at 400,000 commits.
    fn met(&mut self, dir: &Path, id: Oid, depth: u8, before: Option<Oid>) -> bool {
        if self.last.is_some() && depth < DEPTH {
            return before == Some(id);
        }
        !self.seen.insert((dir.to_path_buf(), id))
    }

    /// The version of `dir` met last, taken out (with what it holds, if held).
    fn take(&mut self, dir: &Path) -> Option<(Oid, Option<RawTree<'o>>)> {
        let taken = self.last.as_mut()?.remove(dir);
        if let Some((_, Some(_))) = taken {
            self.held -= 1;
        }
        taken
    }

    /// Notes `id` as the version of `dir` met last, with what it holds when read (`tree`).
    fn hold(&mut self, dir: &Path, id: Oid, tree: Option<RawTree<'o>>) {
        let Some(last) = self.last.as_mut() else { return };
        if tree.is_some() {
            if self.held == HELD {
                last.values_mut().for_each(|(_, tree)| *tree = None);
                self.held = 0;
            }
            self.held += 1;
        }
        if let Some((_, Some(_))) = last.insert(dir.to_path_buf(), (id, tree)) {
            self.held -= 1;
        }
    }
}

/// The file names of a folder's versions, each version (tree) read once.
#[derive(Default)]
struct Names {
    names: HashSet<String>,
    seen: HashSet<Oid>,
}

impl Names {
    /// The names of the files of `tree`, and of its folders of a thousand
    /// (`tickets/2026/001/`), each version read once.
    fn add(&mut self, repo: &git2::Repository, tree: &Tree<'_>) -> Result<()> {
        if self.seen.insert(tree.id()) {
            for entry in tree.iter() {
                let Ok(name) = entry.name() else { continue };
                match entry.kind() {
                    Some(ObjectType::Blob) => {
                        self.names.insert(name.to_string());
                    }
                    Some(ObjectType::Tree) if crate::model::is_shard(name) && self.seen.insert(entry.id()) => {
                        let shard = repo.find_tree(entry.id())?;
                        let files = shard.iter().filter(|e| e.kind() == Some(ObjectType::Blob));
                        self.names.extend(files.filter_map(|e| e.name().ok().map(str::to_string)));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

/// How deep below a kind's folder its records are: in it, in its years' folders, and in
/// their folders of a thousand (`documents/invoice/2026/000/INV-2026-0012.yaml`).
const DEPTH: u8 = 3;

/// Whether a file's name is a numbered record's (`INV-2026-0007.yaml`).
fn is_record_name(name: &str) -> bool {
    name.strip_suffix(".yaml").and_then(crate::model::SequenceId::parse).is_some()
}

/// The version of [`Kept`]'s format; another is not read.
const KEPT_VERSION: u32 = 2;

/// The first versions of the files below a folder as HEAD's history had them at a commit,
/// kept in the desk's cache: like the rest of it, never shared, and deleting it changes
/// only speed. `tkt check` reads history whole, taking no cache's word.
#[derive(Serialize, Deserialize)]
struct Kept<F = BTreeMap<PathBuf, FirstVersion>> {
    version: u32,
    /// The tkt that found them (another may tell a record's name otherwise).
    program: String,
    /// The folder's repository path.
    folder: PathBuf,
    /// HEAD's commit.
    tip: String,
    files: F,
}

impl Kept {
    fn read(at: &Path) -> Option<Kept> {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut crate::files::open_regular(at, std::fs::OpenOptions::new().read(true))?,
            &mut bytes,
        )
        .ok()?;
        postcard::from_bytes::<Kept>(&bytes).ok().filter(|k| k.version == KEPT_VERSION)
    }
}

impl<F: Serialize> Kept<F> {
    /// Writes it at `at`; a cache that cannot be written only costs speed.
    fn write(&self, at: &Path) {
        if let Ok(bytes) = postcard::to_stdvec(self) {
            let _ = crate::files::write_atomic_with(at, |out| std::io::Write::write_all(out, &bytes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::build::TreeUpdateBuilder;

    /// A repository whose history is made commit by commit.
    struct History {
        dir: tempfile::TempDir,
        repo: git2::Repository,
    }

    impl History {
        fn new() -> History {
            let dir = tempfile::tempdir().unwrap();
            let repo = git2::Repository::init(dir.path()).unwrap();
            History { dir, repo }
        }

        /// A commit of `parents` (the first one's tree changed by `changes`: a path and its
        /// new content, or `None` to remove it), made HEAD.
        fn commit(&self, parents: &[Oid], changes: &[(&str, Option<&str>)]) -> Oid {
            let base = match parents.first() {
                Some(p) => self.repo.find_commit(*p).unwrap().tree().unwrap(),
                None => self.repo.find_tree(self.repo.treebuilder(None).unwrap().write().unwrap()).unwrap(),
            };
            let mut update = TreeUpdateBuilder::new();
            for (path, content) in changes {
                match content {
                    Some(text) => update.upsert(*path, self.repo.blob(text.as_bytes()).unwrap(), git2::FileMode::Blob),
                    None => update.remove(*path),
                };
            }
            let tree = self.repo.find_tree(update.create_updated(&self.repo, &base).unwrap()).unwrap();
            let who = git2::Signature::new("anna", "a@x", &git2::Time::new(1_700_000_000, 0)).unwrap();
            let parents: Vec<_> = parents.iter().map(|p| self.repo.find_commit(*p).unwrap()).collect();
            let parents: Vec<_> = parents.iter().collect();
            let oid = self.repo.commit(None, &who, &who, "c", &tree, &parents).unwrap();
            self.repo.reference("refs/heads/main", oid, true, "").unwrap();
            self.repo.set_head("refs/heads/main").unwrap();
            oid
        }

        /// The first versions of `documents/invoice`, kept in the cache or read whole.
        /// The first versions of the invoices: kept and brought on, or read from all
        /// history — and then also as `tkt check` reads them, in one walk with the credit
        /// notes, which finds the same for each folder.
        fn ledger(&self, kept: bool) -> BTreeMap<PathBuf, FirstVersion> {
            let repo = Repo::discover(self.dir.path()).unwrap().unwrap();
            let repo = if kept { repo.keep_ledgers_in(self.dir.path().join("ledger"), "tkt") } else { repo };
            let (invoices, notes) = (Path::new("documents/invoice"), Path::new("documents/credit-note"));
            let first = repo.first_versions(invoices).unwrap();
            if !kept {
                let audited = repo.audit_ledgers(&[notes, invoices]).unwrap();
                assert_eq!(audited[1].first, first, "one walk of two folders");
                assert_eq!(audited[0].first, repo.first_versions(notes).unwrap(), "one walk of two folders");
            }
            first
        }

        /// The first blob of each file of HEAD's history, file by file, commit by commit,
        /// oldest first, as libgit2 gives them.
        fn first_blobs(&self) -> BTreeMap<PathBuf, String> {
            let mut first = BTreeMap::new();
            let mut walk = self.repo.revwalk().unwrap();
            walk.push_head().unwrap();
            walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).unwrap();
            for oid in walk {
                let tree = self.repo.find_commit(oid.unwrap()).unwrap().tree().unwrap();
                tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                    if entry.kind() == Some(ObjectType::Blob) {
                        let path = PathBuf::from(format!("{dir}{}", entry.name().unwrap()));
                        first.entry(path).or_insert(entry.id().to_string());
                    }
                    git2::TreeWalkResult::Ok
                })
                .unwrap();
            }
            first
        }

        fn kept_at(&self) -> PathBuf {
            self.dir.path().join("ledger/documents-invoice")
        }
    }

    const A: &str = "documents/invoice/2026/000/INV-2026-0001.yaml";
    const B: &str = "documents/invoice/2026/000/INV-2026-0002.yaml";
    const C: &str = "documents/invoice/2026/000/INV-2026-0003.yaml";

    /// The first versions kept and brought on by the commits since are those a walk through
    /// all history finds: files added, changed, removed and added again, a new year's
    /// folder, a stray file; a reset and a merge have history read whole again.
    #[test]
    fn first_versions_kept_and_brought_on_are_those_all_history_gives() {
        let h = History::new();
        let c1 = h.commit(&[], &[(A, Some("a1")), (B, Some("b1"))]);
        assert_eq!(h.ledger(true), h.ledger(false));
        assert!(h.kept_at().exists(), "kept");

        let note = "documents/credit-note/2026/000/NC-2026-0001.yaml";
        let c2 = h.commit(&[c1], &[(A, Some("a2")), (C, Some("c1")), (note, Some("n1"))]);
        let c3 = h.commit(&[c2], &[(B, None), (note, Some("n2"))]);
        let c4 = h.commit(&[c3], &[(B, Some("b3"))]);
        let d = "documents/invoice/2025/000/INV-2025-0001.yaml";
        h.commit(&[c4], &[(d, Some("d1")), ("documents/invoice/2026/Thumbs.db", Some("x"))]);
        let ledger = h.ledger(true);
        assert_eq!(ledger, h.ledger(false));
        let first = |path: &str| ledger[Path::new(path)].clone();
        assert_eq!(first(A).blob, Repo::blob_id(b"a1"), "the version first committed");
        assert_eq!(first(B).blob, Repo::blob_id(b"b1"), "removed and added again: the first");
        assert_eq!((first(C).commit, first(C).author), (oid_short(c2), "anna".to_string()));
        assert!(ledger.contains_key(Path::new(d)) && ledger.len() == 4, "{ledger:?}");

        // HEAD reset to an older commit: what was kept is of history HEAD no longer has.
        h.repo.reference("refs/heads/main", c2, true, "").unwrap();
        assert_eq!(h.ledger(true), h.ledger(false));
        assert!(!h.ledger(true).contains_key(Path::new(d)));
        // A merge of another line of history, then a commit on it.
        let side = h.commit(&[c1], &[("documents/invoice/2026/000/INV-2026-0009.yaml", Some("s"))]);
        let merged = h.commit(&[c2, side], &[("documents/invoice/2026/000/INV-2026-0009.yaml", Some("s"))]);
        assert_eq!(h.ledger(true), h.ledger(false));
        h.commit(&[merged], &[("documents/invoice/2026/000/INV-2026-0010.yaml", Some("t"))]);
        assert_eq!(h.ledger(true), h.ledger(false));
        // The same number issued on two lines of history with other contents, merged, then
        // a commit on it: whichever the walk takes first, the kept one is the same.
        let tip = h.repo.head().unwrap().target().unwrap();
        let ours = h.commit(&[tip], &[("documents/invoice/2026/000/INV-2026-0011.yaml", Some("ours"))]);
        let theirs = h.commit(&[tip], &[("documents/invoice/2026/000/INV-2026-0011.yaml", Some("theirs"))]);
        let both = h.commit(&[ours, theirs], &[]);
        assert_eq!(h.ledger(true), h.ledger(false));
        h.commit(&[both], &[("documents/invoice/2026/000/INV-2026-0012.yaml", Some("u"))]);
        assert_eq!(h.ledger(true), h.ledger(false));
    }

    /// A year's folder put back to a version read before (its names found then, and not
    /// read again), then given a new name: every file's first version is the one a walk of
    /// all history, file by file and commit by commit, finds.
    #[test]
    fn a_folder_put_back_to_an_earlier_version_then_added_to_keeps_every_first_version() {
        let h = History::new();
        let old = "documents/invoice/2025/000/INV-2025-0001.yaml";
        let c1 = h.commit(&[], &[(A, Some("a1")), (B, Some("b1")), (old, Some("o1"))]);
        let c2 = h.commit(&[c1], &[(A, Some("a2")), (C, Some("c1")), (old, Some("o2"))]);
        // 2026 as it was at c1 (2025 not).
        let c3 = h.commit(&[c2], &[(A, Some("a1")), (C, None), (old, Some("o3"))]);
        let year =
            |c: Oid| h.repo.find_commit(c).unwrap().tree().unwrap().get_path(Path::new("documents/invoice/2026"));
        assert_eq!(year(c3).unwrap().id(), year(c1).unwrap().id());
        let d = "documents/invoice/2026/000/INV-2026-0004.yaml";
        let c4 = h.commit(&[c3], &[(d, Some("d1")), ("documents/invoice/2025/000/INV-2025-0002.yaml", Some("e1"))]);
        h.commit(&[c4], &[(C, Some("c2"))]);
        let ledger = h.ledger(false);
        assert_eq!(ledger, h.ledger(true));
        let found: BTreeMap<PathBuf, String> = ledger.into_iter().map(|(p, v)| (p, v.blob)).collect();
        assert_eq!(found, h.first_blobs());
        assert_eq!(found[Path::new(C)], Repo::blob_id(b"c1"), "removed, then back with another text");
    }

    /// More folders of a thousand than a walk holds read, each added to again after all the
    /// others: a folder let go is read again when it changes, and every first version is
    /// found (a file changed later keeps its first).
    #[test]
    fn folders_the_walk_let_go_are_read_again_when_they_change() {
        let h = History::new();
        let folders = HELD as u32 + 6;
        let path = |seq: u32| format!("documents/invoice/2026/{}/INV-2026-{seq:04}.yaml", crate::model::shard_of(seq));
        let mut at = Vec::new();
        for round in 1..=3 {
            for folder in 0..folders {
                let seq = folder * 1000 + round.min(2);
                at = vec![h.commit(&at, &[(&path(seq), Some(&format!("{seq} {round}")))])];
            }
        }
        let ledger = h.ledger(false);
        assert_eq!(ledger.len(), 2 * folders as usize);
        let found: BTreeMap<PathBuf, String> = ledger.into_iter().map(|(p, v)| (p, v.blob)).collect();
        assert_eq!(found, h.first_blobs());
        assert_eq!(found[Path::new(&path(2002))], Repo::blob_id(b"2002 2"), "changed in round 3, first in round 2");
    }

    /// A folder moved whole is the same tree at another path: its files are found at the
    /// new path (found by a review: a year's misfiled invoices moved to their year were
    /// never issued, for the walk and for the kept ledger alike).
    #[test]
    fn the_files_of_a_folder_moved_whole_are_found_at_its_new_path() {
        let h = History::new();
        let misfiled = "documents/invoice/2025/INV-2026-0001.yaml";
        let c1 = h.commit(&[], &[(misfiled, Some("a1"))]);
        h.ledger(true);
        let c2 = h.commit(&[c1], &[(misfiled, None), (A, Some("a1"))]);
        let c3 = h.commit(&[c2], &[(B, Some("b1"))]);
        let ledger = h.ledger(true);
        assert_eq!(ledger, h.ledger(false));
        assert_eq!(ledger[Path::new(A)].commit, oid_short(c2), "{ledger:?}");
        assert!(ledger.contains_key(Path::new(misfiled)));
        // Removed, then the same tree again at the new path, after the ledger was kept.
        let c4 = h.commit(&[c3], &[(A, None), (B, None), ("documents/invoice/2026/Thumbs.db", Some("x"))]);
        h.ledger(true);
        h.commit(&[c4], &[(A, Some("a1")), ("documents/invoice/2026/Thumbs.db", None)]);
        assert_eq!(h.ledger(true), h.ledger(false));
    }

    /// What is kept is what is read while HEAD moves on by commits of one parent (here made
    /// to hold a file history never had, which only a damaged cache would); a kept ledger
    /// of another folder, or of a tip history does not reach, is not.
    #[test]
    fn a_kept_ledger_is_read_only_while_head_moves_on_from_its_commit() {
        let h = History::new();
        let c1 = h.commit(&[], &[(A, Some("a1"))]);
        h.ledger(true);
        let mut kept = Kept::read(&h.kept_at()).unwrap();
        let planted = PathBuf::from("documents/invoice/2026/000/INV-2026-0099.yaml");
        kept.files.insert(planted.clone(), kept.files[Path::new(A)].clone());
        let plant = |folder: &Path, tip: &str| {
            let (folder, tip, program) = (folder.to_path_buf(), tip.to_string(), "tkt".to_string());
            Kept { version: KEPT_VERSION, program, folder, tip, files: &kept.files }.write(&h.kept_at())
        };
        plant(&kept.folder, &kept.tip);
        let c2 = h.commit(&[c1], &[(B, Some("b1"))]);
        assert!(h.ledger(true).contains_key(&planted), "the kept ledger brought on");
        let whole = h.ledger(false);
        assert!(!whole.contains_key(&planted));
        // `tkt check` reads history whole, and removes a kept ledger that differs.
        let repo = || Repo::discover(h.dir.path()).unwrap().unwrap();
        let kept_by = |program: &str| repo().keep_ledgers_in(h.dir.path().join("ledger"), program);
        let invoices = Path::new("documents/invoice");
        let audit = |program: &str| kept_by(program).audit_ledgers(&[invoices]).unwrap().remove(0);
        let audited = audit("tkt");
        assert_eq!((audited.first, audited.kept_differs), (whole.clone(), Some(h.kept_at())));
        assert!(!h.kept_at().exists(), "removed");
        assert_eq!(h.ledger(true), whole);
        assert_eq!(audit("tkt").kept_differs, None, "kept anew: the same");
        // Of another folder: not read.
        plant(Path::new("documents/credit-note"), &c2.to_string());
        assert!(!h.ledger(true).contains_key(&planted));
        // Of a commit HEAD does not reach: not read.
        plant(&kept.folder, &Oid::from_bytes(&[7; 20]).unwrap().to_string());
        assert!(!h.ledger(true).contains_key(&planted));
        // By another tkt: not read.
        plant(&kept.folder, &c2.to_string());
        assert!(!kept_by("tkt 2").first_versions(invoices).unwrap().contains_key(&planted));
        plant(&kept.folder, &c2.to_string());
        assert!(kept_by("tkt").first_versions(invoices).unwrap().contains_key(&planted), "planted again");
    }

    /// Files where an older tkt kept them (`documents/invoice/2026/INV-2026-0001.yaml`),
    /// then moved into their folders of a thousand by `tkt upgrade`, are known by their new
    /// path with the version first committed at the old one, kept or read whole; a number
    /// filed in another folder of a thousand is known where it is.
    #[test]
    fn a_file_moved_into_its_folder_of_a_thousand_keeps_its_first_version() {
        let h = History::new();
        let (old_a, old_b) = ("documents/invoice/2026/INV-2026-0001.yaml", "documents/invoice/2026/INV-2026-0002.yaml");
        let c1 = h.commit(&[], &[(old_a, Some("a1"))]);
        let c2 = h.commit(&[c1], &[(old_b, Some("b1"))]);
        h.ledger(true);
        let moved = h.commit(&[c2], &[(old_a, None), (old_b, None), (A, Some("a1")), (B, Some("b1"))]);
        let wrong = "documents/invoice/2026/001/INV-2026-0003.yaml";
        h.commit(&[moved], &[(C, Some("c1")), (wrong, Some("w1"))]);
        let ledger = h.ledger(true);
        assert_eq!(ledger, h.ledger(false));
        let keys: Vec<&str> = ledger.keys().filter_map(|p| p.to_str()).collect();
        assert_eq!(keys, [A, B, C, wrong]);
        assert_eq!(ledger[Path::new(A)].commit, oid_short(c1), "first committed before the move");
        assert_eq!(ledger[Path::new(A)].at.as_deref(), Some(Path::new(old_a)), "and where");
        assert_eq!(ledger[Path::new(C)].at, None);
        assert_eq!(ledger[Path::new(B)].commit, oid_short(c2));
        // Changed at its old place before the move: the first version is the one issued.
        let h = History::new();
        let c1 = h.commit(&[], &[(old_a, Some("a1"))]);
        let c2 = h.commit(&[c1], &[(old_a, Some("a2"))]);
        h.commit(&[c2], &[(old_a, None), (A, Some("a2"))]);
        assert_eq!(h.ledger(false)[Path::new(A)].blob, Repo::blob_id(b"a1"));
        assert_eq!(h.ledger(true), h.ledger(false));
    }
}
