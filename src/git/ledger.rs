//! Git history as the ledger of fiscal documents: every file that was ever committed under
//! a folder, with its first version — so a number once issued is never issued again, and
//! an issued document can be compared with what was issued.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Sort, Tree};

use super::{oid_short, Repo};
use crate::Result;

/// Versions of files: each one's desk-relative path and content.
pub type Versions = Vec<(PathBuf, Vec<u8>)>;

/// The first committed version of a file.
#[derive(Debug, Clone)]
pub struct FirstVersion {
    /// Its blob, to tell cheaply whether the file is still the same (its content is read
    /// with [`Repo::first_content`] only when it is not).
    pub blob: String,
    /// The commit that added it (short), and who made it.
    pub commit: String,
    pub author: String,
}

impl Repo {
    /// Every file ever committed one or two folders below `desk_dir` (a desk-relative
    /// folder such as `documents/invoice`, whose files sit in year folders), in any commit
    /// reachable from HEAD, with its first version; keyed by desk-relative path. Folders
    /// already seen in an older commit are not read again, so the cost follows the changes.
    pub fn first_versions(&self, desk_dir: &Path) -> Result<BTreeMap<PathBuf, FirstVersion>> {
        let mut found: BTreeMap<PathBuf, (Oid, Oid)> = BTreeMap::new();
        let mut seen = HashSet::new();
        for (commit, tree) in self.trees_oldest_first(desk_dir)? {
            self.collect(&tree, desk_dir, commit, &mut seen, &mut found, 2)?;
        }
        self.with_authors(found)
    }

    /// [`Repo::first_versions`], and apart the first version of each file that only commits
    /// of HEAD's reflog hold: committed, then taken out of history by a `git reset` (read
    /// after history, so a folder's version seen there is not read again).
    pub fn first_versions_and_reset_away(
        &self,
        desk_dir: &Path,
    ) -> Result<(BTreeMap<PathBuf, FirstVersion>, BTreeMap<PathBuf, FirstVersion>)> {
        let (mut found, mut gone) = (BTreeMap::new(), BTreeMap::new());
        let mut seen = HashSet::new();
        for (commit, tree) in self.trees_oldest_first(desk_dir)? {
            self.collect(&tree, desk_dir, commit, &mut seen, &mut found, 2)?;
        }
        for (commit, tree) in self.reflog_trees(desk_dir) {
            self.collect(&tree, desk_dir, commit, &mut seen, &mut gone, 2)?;
        }
        gone.retain(|path, _| !found.contains_key(path));
        Ok((self.with_authors(found)?, self.with_authors(gone)?))
    }

    /// The first version of each file one or two folders below `desk_dir` that a commit in
    /// HEAD's reflog holds, oldest entry first: with [`Repo::first_versions`], also the
    /// files a `git reset` took out of history (a pull undone, say) while the reflog keeps them.
    pub fn first_versions_in_reflog(&self, desk_dir: &Path) -> Result<BTreeMap<PathBuf, FirstVersion>> {
        let (mut found, mut seen) = (BTreeMap::new(), HashSet::new());
        for (commit, tree) in self.reflog_trees(desk_dir) {
            self.collect(&tree, desk_dir, commit, &mut seen, &mut found, 2)?;
        }
        self.with_authors(found)
    }

    /// The desk-relative folder `desk_dir` in each commit HEAD's reflog holds, oldest entry
    /// first (a commit a `git reset` took out of history stays there for months).
    fn reflog_trees(&self, desk_dir: &Path) -> Vec<(Oid, Tree<'_>)> {
        let rel = self.repo_path(desk_dir);
        let Ok(reflog) = self.repo.reflog("HEAD") else { return Vec::new() };
        // Entries run newest first. One that never landed — its commit neither HEAD nor what
        // a later entry moved HEAD from: a commit whose branch could not be moved (a full
        // disk), its entry left because the reflog could not be written again either — gave
        // no number (found by a careless-office attack: the retry was refused as billing
        // work an invoice "reset away" had billed).
        let head = self.repo.head().ok().and_then(|h| h.target());
        let entries: Vec<(Oid, Oid)> = reflog.iter().map(|e| (e.id_old(), e.id_new())).collect();
        let landed = |i: usize| {
            let new = entries[i].1;
            Some(new) == head || entries[..i].iter().any(|(old, _)| *old == new)
        };
        let commits: Vec<Oid> = (0..entries.len()).filter(|&i| landed(i)).map(|i| entries[i].1).collect();
        commits
            .into_iter()
            .rev()
            .filter_map(|commit| {
                let folder = self.repo.find_commit(commit).and_then(|c| c.tree()).and_then(|t| t.get_path(&rel));
                let tree = folder.and_then(|e| e.to_object(&self.repo)).and_then(|o| o.peel_to_tree()).ok()?;
                Some((commit, tree))
            })
            .collect()
    }

    /// Each file's first version, with the author of the commit that made it.
    fn with_authors(&self, found: BTreeMap<PathBuf, (Oid, Oid)>) -> Result<BTreeMap<PathBuf, FirstVersion>> {
        let mut authors: HashMap<Oid, String> = HashMap::new();
        found
            .into_iter()
            .map(|(path, (blob, commit))| {
                let author = match authors.get(&commit) {
                    Some(a) => a.clone(),
                    None => {
                        let a = self.repo.find_commit(commit)?.author().name().unwrap_or("?").to_string();
                        authors.entry(commit).or_insert(a).clone()
                    }
                };
                Ok((path, FirstVersion { blob: blob.to_string(), commit: oid_short(commit), author }))
            })
            .collect()
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

    /// Every version ever committed of each file one or two folders below `desk_dir` (as
    /// [`Repo::first_versions`] finds them): its desk-relative path and content, each
    /// distinct content once — in HEAD's history, and apart those only the commits HEAD's
    /// reflog still holds have (a `git reset` away).
    pub fn versions_ever(&self, desk_dir: &Path) -> Result<[Versions; 2]> {
        let (mut seen, mut blobs) = (HashSet::new(), HashSet::new());
        let history = self.versions_in(self.trees_oldest_first(desk_dir)?, desk_dir, &mut seen, &mut blobs)?;
        let reset_away = self.versions_in(self.reflog_trees(desk_dir), desk_dir, &mut seen, &mut blobs)?;
        Ok([history, reset_away])
    }

    fn versions_in(
        &self,
        trees: Vec<(Oid, Tree<'_>)>,
        desk_dir: &Path,
        seen: &mut HashSet<Oid>,
        blobs: &mut HashSet<Oid>,
    ) -> Result<Versions> {
        let mut found: BTreeMap<PathBuf, (Oid, Oid)> = BTreeMap::new();
        let mut versions = Vec::new();
        for (commit, tree) in trees {
            found.clear();
            // A tree seen before holds no version not found then.
            self.collect(&tree, desk_dir, commit, seen, &mut found, 2)?;
            for (path, (blob, _)) in &found {
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
    /// and `tkt check` agree on what was issued.
    pub fn first_version_at(&self, tip: &str, path: &Path) -> Result<Option<Vec<u8>>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(Oid::from_str(tip)?)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        for oid in walk {
            if let Ok(entry) = self.repo.find_commit(oid?)?.tree()?.get_path(path) {
                if entry.kind() == Some(ObjectType::Blob) {
                    return Ok(Some(self.repo.find_blob(entry.id())?.content().to_vec()));
                }
            }
        }
        Ok(None)
    }

    /// The tree of `desk_dir` in each commit reachable from HEAD that has it, oldest first.
    fn trees_oldest_first(&self, desk_dir: &Path) -> Result<Vec<(Oid, Tree<'_>)>> {
        let rel = self.repo_path(desk_dir);
        let Some(walk) = self.walk_from_head(Sort::TOPOLOGICAL | Sort::REVERSE)? else {
            return Ok(vec![]);
        };
        let mut trees = Vec::new();
        let mut last = None;
        for oid in walk {
            let oid = oid?;
            let root = self.repo.find_commit(oid)?.tree()?;
            let entry = match root.get_path(&rel) {
                Ok(e) => e,
                Err(e) if e.code() == git2::ErrorCode::NotFound => continue,
                Err(e) => return Err(e.into()),
            };
            // Consecutive commits mostly share the folder: keep one tree per change.
            if entry.kind() == Some(ObjectType::Tree) && last != Some(entry.id()) {
                last = Some(entry.id());
                trees.push((oid, self.repo.find_tree(entry.id())?));
            }
        }
        Ok(trees)
    }

    fn collect(
        &self,
        tree: &Tree,
        dir: &Path,
        commit: Oid,
        seen: &mut HashSet<Oid>,
        found: &mut BTreeMap<PathBuf, (Oid, Oid)>,
        depth: u8,
    ) -> Result<()> {
        if !seen.insert(tree.id()) {
            return Ok(());
        }
        for entry in tree.iter() {
            let Ok(name) = entry.name() else { continue };
            let path = dir.join(name);
            match entry.kind() {
                // Only a record's name: a stray file committed beside them (`Thumbs.db`, an
                // editor's `INV-2026-0007.yaml~`, an interrupted write's temp file) is no
                // document, and taken out again it is none deleted (found by a careless-office
                // attack: it stopped every credit note and invoice of the number for good).
                Some(ObjectType::Blob) if is_record_name(name) => {
                    found.entry(path).or_insert((entry.id(), commit));
                }
                Some(ObjectType::Tree) if depth > 1 => {
                    let sub = self.repo.find_tree(entry.id())?;
                    self.collect(&sub, &path, commit, seen, found, depth - 1)?;
                }
                _ => {}
            }
        }
        Ok(())
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

/// Whether a file's name is a numbered record's (`INV-2026-0007.yaml`).
fn is_record_name(name: &str) -> bool {
    name.strip_suffix(".yaml").and_then(crate::model::SequenceId::parse).is_some()
}
