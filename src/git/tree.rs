//! New trees made from old ones: each tree on a changed path is read as raw bytes, the
//! changed entries are spliced in, and the rest is copied as it is. libgit2's tree update
//! parses every entry of each tree into a map, sorts and frees them; a year's folder of
//! 20,000 tickets made that most of a commit's time.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use git2::{FileMode, ObjectType, Odb, Oid, Repository};

use crate::{Error, Result};

const TREE_MODE: &[u8] = b"40000";

/// What a path becomes: a blob with its mode, or nothing.
type Change = Option<(Oid, FileMode)>;

/// What a name of a tree becomes: an entry's mode and object, or nothing.
type Edit = Option<(Vec<u8>, Oid)>;

/// The changes to make to a tree, by repository-relative path (`/` between folders): a
/// blob to put there, or nothing to remove what is there. The last change of a path wins.
#[derive(Default)]
pub(super) struct Update {
    changes: BTreeMap<String, Change>,
}

impl Update {
    pub fn new() -> Update {
        Update::default()
    }

    pub fn upsert(&mut self, path: impl Into<String>, blob: Oid, mode: FileMode) {
        self.changes.insert(path.into(), Some((blob, mode)));
    }

    pub fn remove(&mut self, path: impl Into<String>) {
        self.changes.insert(path.into(), None);
    }

    /// Writes the trees the changes make of `base` (an empty tree when `None`) and returns
    /// the new top tree; folders left empty are dropped, as git never stores one.
    pub fn write(&self, repo: &Repository, trees: &Trees, base: Option<Oid>) -> Result<Oid> {
        let odb = repo.odb()?;
        let changes: Vec<(&[u8], Change)> = self.changes.iter().map(|(p, c)| (p.as_bytes(), *c)).collect();
        match write_tree(&odb, trees, base, &changes, "")? {
            Some(oid) => Ok(oid),
            None => Ok(odb.write(ObjectType::Tree, &[])?),
        }
    }
}

/// Trees read as raw bytes, the large ones kept for the rest of the command (a tree's bytes
/// never change): a write reads its record's folder once to see what the file replaces and
/// again to splice it in, and at 100,000 tickets a year's folder is 890 kB to inflate and
/// hash each time.
#[derive(Default)]
pub(super) struct Trees {
    kept: RefCell<Vec<(Oid, Arc<[u8]>)>>,
}

impl Trees {
    /// Trees smaller than this are read again when asked: cheap, and a sync reads thousands.
    const KEPT_FROM: usize = 16 * 1024;
    const KEPT_AT_MOST: usize = 8;

    /// The raw bytes of the tree `id`.
    pub fn read(&self, odb: &Odb, id: Oid) -> Result<Arc<[u8]>> {
        if let Some((_, raw)) = self.kept.borrow().iter().find(|(k, _)| *k == id) {
            return Ok(raw.clone());
        }
        let object = odb.read(id)?;
        if object.kind() != ObjectType::Tree {
            return Err(Error::failure(format!("git object {id} is not a tree")));
        }
        let raw: Arc<[u8]> = object.data().into();
        if raw.len() >= Self::KEPT_FROM {
            let mut kept = self.kept.borrow_mut();
            if kept.len() == Self::KEPT_AT_MOST {
                kept.remove(0);
            }
            kept.push((id, raw.clone()));
        }
        Ok(raw)
    }

    /// The entry at `path` (`/` between folders) under the tree `root`: its mode and object,
    /// as git finds it (`None` when a folder on the way is missing or is no folder).
    pub fn entry_at(&self, odb: &Odb, root: Oid, path: &str) -> Result<Option<(u32, Oid)>> {
        let mut tree = root;
        let mut names = path.split('/').peekable();
        while let Some(name) = names.next() {
            let raw = self.read(odb, tree)?;
            let Some(entry) = entries(&raw, tree)?.into_iter().find(|e| e.name == name.as_bytes()) else {
                return Ok(None);
            };
            let id = Oid::from_bytes(entry.id)?;
            if names.peek().is_none() {
                return Ok(Some((entry.mode_bits(), id)));
            }
            if !entry.is_tree() {
                return Ok(None);
            }
            tree = id;
        }
        Ok(None)
    }
}

/// One entry of a raw tree: `<mode> <name>\0<20-byte id>`.
#[derive(Clone, Copy)]
struct Entry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
}

impl Entry<'_> {
    /// The mode's kind of object, read as git reads it: an octal number (old trees may
    /// spell a folder `040000`).
    fn kind(&self) -> u32 {
        kind(self.mode)
    }

    fn is_tree(&self) -> bool {
        self.kind() == 0o040000
    }

    /// The whole mode, as an octal number (`0o100755` for an executable file).
    fn mode_bits(&self) -> u32 {
        octal(self.mode)
    }
}

fn kind(mode: &[u8]) -> u32 {
    octal(mode) & 0o170000
}

fn octal(mode: &[u8]) -> u32 {
    let octal =
        mode.iter().try_fold(0u32, |n, &b| (b'0'..=b'7').contains(&b).then(|| n.wrapping_mul(8) + u32::from(b - b'0')));
    octal.unwrap_or(0)
}

/// Git's order of a tree's entries: by name, a folder's name read with a `/` after it.
fn order(a: (&[u8], bool), b: (&[u8], bool)) -> Ordering {
    let (a, b) = (a.0.iter().copied().chain(a.1.then_some(b'/')), b.0.iter().copied().chain(b.1.then_some(b'/')));
    a.cmp(b)
}

fn entries(raw: &[u8], id: Oid) -> Result<Vec<Entry<'_>>> {
    let bad = || Error::failure(format!("git tree {id} is damaged"));
    let mut out = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let nul = space + rest[space..].iter().position(|&b| b == 0).ok_or_else(bad)?;
        let end = nul + 1 + 20;
        if end > rest.len() {
            return Err(bad());
        }
        out.push(Entry { mode: &rest[..space], name: &rest[space + 1..nul], id: &rest[nul + 1..end] });
        rest = &rest[end..];
    }
    Ok(out)
}

/// The tree `base` (at the path `at`, `dir/` or empty) with `changes` (sorted by path,
/// relative to it) made, written to the object database; `None` when nothing is left in it.
fn write_tree(
    odb: &Odb,
    trees: &Trees,
    base: Option<Oid>,
    changes: &[(&[u8], Change)],
    at: &str,
) -> Result<Option<Oid>> {
    let object = base.map(|id| trees.read(odb, id).map(|raw| (id, raw))).transpose()?;
    let old = match &object {
        Some((id, raw)) => entries(raw, *id)?,
        None => Vec::new(),
    };
    // What each changed name becomes as a file (a change of the name itself) and as a
    // folder (the changes under it, written: `None` when nothing is left).
    let mut files: Vec<(&[u8], Change)> = Vec::new();
    let mut folders: Vec<(&[u8], Option<Oid>)> = Vec::new();
    let mut i = 0;
    while i < changes.len() {
        let (path, change) = changes[i];
        match path.iter().position(|&b| b == b'/') {
            None => {
                files.push((path, change));
                i += 1;
            }
            Some(slash) => {
                let name = &path[..slash];
                // Sorted paths keep a folder's together: everything up to the next name.
                let end = i + changes[i..]
                    .iter()
                    .take_while(|(p, _)| p.len() > slash && p[..=slash] == path[..=slash])
                    .count();
                let inner: Vec<_> = changes[i..end].iter().map(|(p, c)| (&p[slash + 1..], *c)).collect();
                let sub =
                    old.iter().find(|e| e.name == name && e.is_tree()).map(|e| Oid::from_bytes(e.id)).transpose()?;
                let inside = format!("{at}{}/", String::from_utf8_lossy(name));
                folders.push((name, write_tree(odb, trees, sub, &inner, &inside)?));
                i = end;
            }
        }
    }
    // The new entry of each changed name (`None`: removed), as (mode, id). A file takes the
    // place of a folder only when the folder is emptied in the same change, and the other
    // way round; a submodule is never replaced by a file.
    let names: std::collections::BTreeSet<&[u8]> =
        files.iter().map(|f| f.0).chain(folders.iter().map(|f| f.0)).collect();
    let mut edits: Vec<(&[u8], Edit)> = Vec::new();
    for name in names {
        let as_file = files.iter().find(|f| f.0 == name).map(|f| f.1);
        let as_folder = folders.iter().find(|f| f.0 == name).map(|f| f.1);
        let was = old.iter().find(|e| e.name == name).map(Entry::kind);
        // A file on one side and a folder of the same name on the other is for a person.
        let clash = |what: &str| {
            let name = String::from_utf8_lossy(name);
            Err(Error::busy(format!("cannot put {what} {at}{name} is")).with_hint(format!(
                "{at}{name} is a file on one side and a folder on the other: rename one, then run the command again"
            )))
        };
        let edit = match (as_file.flatten(), as_folder.flatten()) {
            (Some(_), Some(_)) => return clash("both a file and a folder where"),
            (Some(_), None) if was == Some(0o160000) => return clash("a file where the submodule"),
            (Some(_), None) if was == Some(0o040000) && as_folder.is_none() => return clash("a file where the folder"),
            (Some((blob, mode)), None) => Some((format!("{:o}", u32::from(mode)).into_bytes(), blob)),
            (None, Some(_)) if was.is_some_and(|k| k != 0o040000) && as_file.is_none() => {
                return clash("a folder where the file");
            }
            (None, Some(tree)) => Some((TREE_MODE.to_vec(), tree)),
            // Removed as a file, or emptied as a folder; removing under a file changes nothing.
            (None, None) if as_file.is_some() || was == Some(0o040000) => None,
            (None, None) => continue,
        };
        edits.push((name, edit));
    }

    let mut raw = Vec::with_capacity(object.as_ref().map_or(0, |o| o.1.len()) + 64);
    let put = |raw: &mut Vec<u8>, mode: &[u8], name: &[u8], id: &[u8]| {
        raw.extend_from_slice(mode);
        raw.push(b' ');
        raw.extend_from_slice(name);
        raw.push(0);
        raw.extend_from_slice(id);
    };
    let mut new: Vec<(&[u8], &[u8], Oid)> =
        edits.iter().filter_map(|(name, e)| e.as_ref().map(|(mode, id)| (*name, mode.as_slice(), *id))).collect();
    new.sort_by(|a, b| order((a.0, kind(a.1) == 0o040000), (b.0, kind(b.1) == 0o040000)));
    let mut new = new.into_iter().peekable();
    for entry in old.iter().filter(|e| edits.binary_search_by(|(n, _)| n.cmp(&e.name)).is_err()) {
        while let Some((name, mode, id)) =
            new.next_if(|n| order((n.0, kind(n.1) == 0o040000), (entry.name, entry.is_tree())).is_lt())
        {
            put(&mut raw, mode, name, id.as_bytes());
        }
        put(&mut raw, entry.mode, entry.name, entry.id);
    }
    for (name, mode, id) in new {
        put(&mut raw, mode, name, id.as_bytes());
    }
    if raw.is_empty() {
        return Ok(None);
    }
    if object.as_ref().is_some_and(|o| *o.1 == *raw.as_slice()) {
        return Ok(base);
    }
    Ok(Some(odb.write(ObjectType::Tree, &raw)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::build::TreeUpdateBuilder;

    /// The same changes through libgit2's tree update and through [`Update`].
    #[test]
    fn a_spliced_tree_is_the_tree_libgit2_makes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blob = |s: &str| repo.blob(s.as_bytes()).unwrap();
        let (a, b, c) = (blob("a"), blob("b"), blob("c"));
        // Names that sort differently as files and as folders: `x-y`, `x.txt`, `x/`, `x0`.
        let paths = [
            "x-y",
            "x.txt",
            "x/a",
            "x0",
            "x/b/c",
            "tickets/2026/000/T-2026-0001.yaml",
            "tickets/2025/000/T-2025-0001.yaml",
            "z",
        ];
        let (mut first, mut theirs) = (Update::new(), TreeUpdateBuilder::new());
        for p in paths {
            first.upsert(p, a, FileMode::Blob);
            theirs.upsert(p, a, FileMode::Blob);
        }
        let base = first.write(&repo, &Trees::default(), None).unwrap();
        let empty = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
        assert_eq!(base, theirs.create_updated(&repo, &empty).unwrap());

        let cases: Vec<Vec<(&str, Change)>> = vec![
            vec![("tickets/2026/000/T-2026-0002.yaml", Some((b, FileMode::Blob)))],
            vec![("tickets/2026/000/T-2026-0001.yaml", Some((c, FileMode::BlobExecutable)))],
            // The last file of a folder, and of its folder: both go.
            vec![("tickets/2025/000/T-2025-0001.yaml", None)],
            vec![("x/b/c", None), ("x/a", None)],
            vec![("x0", None)],
            vec![("a", Some((c, FileMode::Blob))), ("zz/y", Some((c, FileMode::Blob)))],
            vec![("x.txt", Some((a, FileMode::Blob)))],
        ];
        let base_tree = repo.find_tree(base).unwrap();
        for case in cases {
            let (ours, mut theirs) = both(&case);
            let made = ours.write(&repo, &Trees::default(), Some(base)).unwrap();
            assert_eq!(made, theirs.create_updated(&repo, &base_tree).unwrap(), "{case:?}");
            repo.find_tree(made).unwrap();
        }
        // Nothing changed, nothing written (a path not there is not removed); everything
        // removed, the empty tree.
        assert_eq!(Update::new().write(&repo, &Trees::default(), Some(base)).unwrap(), base);
        let mut folder = Update::new();
        folder.upsert("x/b", b, FileMode::Blob);
        assert!(folder.write(&repo, &Trees::default(), Some(base)).is_err());
        let mut file = Update::new();
        file.upsert("x-y/in", b, FileMode::Blob);
        assert!(file.write(&repo, &Trees::default(), Some(base)).is_err());
        let mut missing = Update::new();
        missing.remove("nothing/here");
        missing.remove("x/nothing");
        missing.remove("x-y/in");
        assert_eq!(missing.write(&repo, &Trees::default(), Some(base)).unwrap(), base);
        let mut all = Update::new();
        for p in paths {
            all.remove(p);
        }
        assert_eq!(all.write(&repo, &Trees::default(), Some(base)).unwrap(), empty.id());
    }

    /// The same changes as an [`Update`] and as libgit2's tree update.
    fn both(case: &[(&str, Change)]) -> (Update, TreeUpdateBuilder) {
        let (mut ours, mut theirs) = (Update::new(), TreeUpdateBuilder::new());
        for (p, change) in case {
            match change {
                Some((id, mode)) => {
                    ours.upsert(*p, *id, *mode);
                    theirs.upsert(*p, *id, *mode);
                }
                None => {
                    ours.remove(*p);
                    theirs.remove(*p);
                }
            }
        }
        (ours, theirs)
    }

    /// Entries as libgit2 reads them: (name, mode, id), in the tree's order.
    fn listed(repo: &Repository, tree: Oid) -> Vec<(String, i32, Oid)> {
        let tree = repo.find_tree(tree).unwrap();
        tree.iter().map(|e| (e.name().unwrap().to_string(), e.filemode(), e.id())).collect()
    }

    /// A folder spelled `040000` (as old git wrote it) is a folder: changed inside, it is
    /// written again (as `40000`), in git's order among names that sort around it; a file
    /// never replaces a submodule.
    #[test]
    fn a_folder_in_an_old_spelling_is_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let (f, g) = (repo.blob(b"f").unwrap(), repo.blob(b"g").unwrap());
        let mut inner = Update::new();
        inner.upsert("f", f, FileMode::Blob);
        inner.upsert("g", g, FileMode::Blob);
        let sub = inner.write(&repo, &Trees::default(), None).unwrap();
        let raw = |entries: &[(&str, &str, Oid)]| {
            let mut raw = Vec::new();
            for (mode, name, id) in entries {
                raw.extend_from_slice(format!("{mode} {name}\0").as_bytes());
                raw.extend_from_slice(id.as_bytes());
            }
            odb.write(ObjectType::Tree, &raw).unwrap()
        };
        // git's order: `desk-2` before the folder `desk/`, `desk0` after it.
        let base = raw(&[("100644", "desk-2", f), ("040000", "desk", sub), ("100644", "desk0", g)]);
        let base_tree = repo.find_tree(base).unwrap();
        let cases: Vec<Vec<(&str, Change)>> = vec![
            vec![("desk/h", Some((g, FileMode::Blob)))],
            vec![("desk/f", None)],
            vec![("desk/f", None), ("desk/g", None)],
            vec![("desk-3", Some((g, FileMode::Blob)))],
            vec![("desk.x", Some((g, FileMode::Blob))), ("desk/f", Some((g, FileMode::Blob)))],
        ];
        for case in cases {
            let (ours, mut theirs) = both(&case);
            let made = ours.write(&repo, &Trees::default(), Some(base)).unwrap();
            let expected = theirs.create_updated(&repo, &base_tree).unwrap();
            assert_eq!(listed(&repo, made), listed(&repo, expected), "{case:?}");
        }
        let mut file = Update::new();
        file.upsert("desk", f, FileMode::Blob);
        assert!(file.write(&repo, &Trees::default(), Some(base)).is_err());
        // A submodule (a commit) is not replaced by a file either.
        let with_module = raw(&[("160000", "module", f), ("100644", "z", g)]);
        let mut over = Update::new();
        over.upsert("module", g, FileMode::Blob);
        assert!(over.write(&repo, &Trees::default(), Some(with_module)).is_err());
    }

    /// A file takes a folder's place when the same change empties the folder, and a folder
    /// a file's place when the same change removes the file; otherwise neither does.
    #[test]
    fn a_file_and_a_folder_trade_places_only_when_the_old_one_goes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let (a, b) = (repo.blob(b"a").unwrap(), repo.blob(b"b").unwrap());
        let mut first = Update::new();
        first.upsert("pages/a.html", a, FileMode::Blob);
        first.upsert("index", a, FileMode::Blob);
        let base = first.write(&repo, &Trees::default(), None).unwrap();
        let mut swap = Update::new();
        swap.remove("pages/a.html");
        swap.upsert("pages", b, FileMode::Blob);
        swap.remove("index");
        swap.upsert("index/b.html", b, FileMode::Blob);
        let swapped = swap.write(&repo, &Trees::default(), Some(base)).unwrap();
        let sub = repo.find_tree(swapped).unwrap().get_name("index").unwrap().id();
        assert_eq!(
            listed(&repo, swapped),
            vec![("index".to_string(), 0o040000, sub), ("pages".to_string(), 0o100644, b)]
        );
        assert_eq!(listed(&repo, sub), vec![("b.html".to_string(), 0o100644, b)]);
        for (put, keep) in [("pages", "pages/b.html"), ("index/b.html", "index")] {
            let mut clash = Update::new();
            clash.upsert(put, b, FileMode::Blob);
            clash.upsert(keep, b, FileMode::Blob);
            assert!(clash.write(&repo, &Trees::default(), Some(base)).is_err(), "{put} and {keep}");
            let mut alone = Update::new();
            alone.upsert(put, b, FileMode::Blob);
            assert!(alone.write(&repo, &Trees::default(), Some(base)).is_err(), "{put}");
        }
    }
}
