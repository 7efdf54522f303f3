//! A version of a folder read as git stores it, for walks through history: its entries
//! found by one scan of the raw object, and the entries it shares with the version before
//! (byte for byte, at its start) not scanned at all. A folder of a thousand documents
//! changes by one file per commit: a walk of 400,000 commits looked at every name of
//! every version through libgit2, 150 million entries.

use std::cmp::Ordering;

use git2::{ObjectType, Odb, OdbObject, Oid};

use crate::{Error, Result};

/// A tree object's data (`<mode> <name>\0<20-byte id>` for each entry, in git's order).
pub(super) struct RawTree<'o> {
    object: OdbObject<'o>,
    /// Where each entry starts in the data.
    starts: Vec<u32>,
    /// How many entries, first, are the version before's byte for byte.
    pub shared: usize,
}

/// An entry of a [`RawTree`].
pub(super) struct RawEntry<'a> {
    mode: u32,
    pub name: &'a [u8],
    pub id: Oid,
}

impl RawEntry<'_> {
    pub fn is_folder(&self) -> bool {
        self.mode & 0o170000 == 0o040000
    }

    /// A file: what libgit2 calls a blob (a link too), not a folder nor a submodule.
    pub fn is_file(&self) -> bool {
        !self.is_folder() && self.mode & 0o170000 != 0o160000
    }
}

impl<'o> RawTree<'o> {
    /// The tree `id`; the entries it shares with `before` (an earlier version of the same
    /// folder) at its start are taken from it, unscanned.
    pub fn read(odb: &'o Odb<'_>, id: Oid, before: Option<&RawTree>) -> Result<RawTree<'o>> {
        let object = read_checked(odb, id, ObjectType::Tree)?;
        let data = object.data();
        let (mut starts, mut at, mut shared) = (Vec::new(), 0, 0);
        if let Some(before) = before {
            let same = common_prefix(data, before.object.data());
            // The entries of `before` that end within the bytes both share.
            shared = before.starts.iter().skip(1).take_while(|s| **s as usize <= same).count();
            if shared + 1 == before.starts.len() && before.object.data().len() <= same {
                shared += 1;
            }
            starts.extend_from_slice(&before.starts[..shared]);
            if shared > 0 {
                at = before.end(shared - 1).unwrap_or(0);
            }
        }
        let malformed = || Error::failure(format!("git object {id} is not a well-formed folder"));
        while at < data.len() {
            starts.push(u32::try_from(at).map_err(|_| malformed())?);
            // `<mode> <name>\0` and the id's 20 bytes; a mode of up to six octal digits and
            // a name, as libgit2 reads them.
            let nul = data[at..].iter().position(|b| *b == 0).map(|n| at + n).ok_or_else(malformed)?;
            let space = data[at..nul].iter().position(|b| *b == b' ').ok_or_else(malformed)?;
            // Octal digits, zeros in front allowed (`0100644`: git warns), at most 0o177777.
            let mode = &data[at..at + space];
            let value = mode.iter().try_fold(0u32, |m, d| {
                (b'0'..=b'7').contains(d).then(|| (m << 3) | u32::from(d - b'0')).filter(|m| *m <= 0xFFFF)
            });
            if mode.is_empty() || value.is_none() {
                return Err(malformed());
            }
            if at + space + 1 == nul || nul + 21 > data.len() {
                return Err(malformed());
            }
            at = nul + 21;
        }
        Ok(RawTree { object, starts, shared })
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn id(&self) -> Oid {
        self.object.id()
    }

    /// Where entry `i` ends (`None` past the last).
    fn end(&self, i: usize) -> Option<usize> {
        match self.starts.get(i + 1) {
            Some(next) => Some(*next as usize),
            None => (i < self.starts.len()).then(|| self.object.data().len()),
        }
    }

    pub fn entry(&self, i: usize) -> RawEntry<'_> {
        let data = self.object.data();
        let (start, end) = (self.starts[i] as usize, self.end(i).unwrap_or(data.len()));
        let entry = &data[start..end];
        let space = entry.iter().position(|b| *b == b' ').unwrap_or(0);
        let mode = entry[..space].iter().fold(0u32, |m, d| (m << 3) | u32::from(d.wrapping_sub(b'0') & 7));
        let id = Oid::from_bytes(&entry[entry.len() - 20..]).unwrap_or(Oid::ZERO_SHA1);
        RawEntry { mode, name: &entry[space + 1..entry.len() - 21], id }
    }

    /// Whether the folder has a file named `name`.
    pub fn has_file(&self, name: &[u8]) -> bool {
        self.find(name, false).is_some_and(|e| e.is_file())
    }

    /// The folder named `name` in this one.
    pub fn folder(&self, name: &[u8]) -> Option<Oid> {
        self.find(name, true).filter(RawEntry::is_folder).map(|e| e.id)
    }

    /// The entry `name` (a folder's, or another's), found in git's order by halves.
    fn find(&self, name: &[u8], folder: bool) -> Option<RawEntry<'_>> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = (low + high) / 2;
            let entry = self.entry(middle);
            match git_order(entry.name, entry.is_folder(), name, folder) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Some(entry),
            }
        }
        None
    }
}

/// The object `id`, of `kind`, checked against its name: hashed here (the SHA-1 of the
/// CPU's own instructions, where it has them), not by libgit2, whose check of every
/// object a walk of history reads took a third of `tkt check`'s time at 400,000 commits.
/// Without a check, an object stored under another one's name read as that one (found by
/// a review: check named an invoice as issued in a commit that never had it).
pub(super) fn read_checked<'o>(odb: &'o Odb<'_>, id: Oid, kind: ObjectType) -> Result<OdbObject<'o>> {
    use sha1::{Digest, Sha1};
    let object = odb.read(id)?;
    if object.kind() != kind {
        return Err(Error::failure(format!("git object {id} is a {}, not a {kind}", object.kind())));
    }
    let mut hash = Sha1::new();
    hash.update(format!("{kind} {}\0", object.data().len()));
    hash.update(object.data());
    if hash.finalize().as_slice() != id.as_bytes() {
        return Err(Error::failure(format!(
            "git object {id} holds another object (hash mismatch): the repository is damaged, `git fsck` names \
             what is wrong"
        )));
    }
    Ok(object)
}

/// Git's order of a folder's entries: by name, a folder's as if it ended in `/`.
fn git_order(a: &[u8], a_folder: bool, b: &[u8], b_folder: bool) -> Ordering {
    let len = a.len().min(b.len());
    let tail = |name: &[u8], folder: bool| name.get(len).copied().unwrap_or(if folder { b'/' } else { 0 });
    a[..len].cmp(&b[..len]).then_with(|| tail(a, a_folder).cmp(&tail(b, b_folder)))
}

/// How many bytes `a` and `b` share at their start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    i + a[i..n].iter().zip(&b[i..n]).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of files (name, content) and empty-named folders (name ending in `/`).
    fn tree(repo: &git2::Repository, entries: &[(&str, &str)]) -> Oid {
        let mut builder = repo.treebuilder(None).unwrap();
        let empty = repo.treebuilder(None).unwrap().write().unwrap();
        let inner = {
            let mut b = repo.treebuilder(None).unwrap();
            b.insert("x.yaml", repo.blob(b"x").unwrap(), 0o100644).unwrap();
            b.write().unwrap()
        };
        for (name, content) in entries {
            match name.strip_suffix('/') {
                Some(folder) => builder.insert(folder, if content.is_empty() { empty } else { inner }, 0o040000),
                None => builder.insert(name, repo.blob(content.as_bytes()).unwrap(), 0o100644),
            }
            .unwrap();
        }
        builder.write().unwrap()
    }

    /// What libgit2 reads of the tree, as (name, id, folder), beside what [`RawTree`] reads.
    fn both(repo: &git2::Repository, raw: &RawTree, id: Oid) -> [Vec<(Vec<u8>, Oid, bool)>; 2] {
        let libgit2 = repo.find_tree(id).unwrap();
        let theirs = libgit2.iter().map(|e| (e.name_bytes().to_vec(), e.id(), e.kind() == Some(ObjectType::Tree)));
        let ours = (0..raw.len()).map(|i| raw.entry(i)).map(|e| (e.name.to_vec(), e.id, e.is_folder()));
        [theirs.collect(), ours.collect()]
    }

    #[test]
    fn a_folder_reads_as_libgit2_reads_it_and_shares_only_the_entries_before_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        // Git's order puts the folder `a` (as `a/`) after the file `a.b`, before `a0`.
        let first = [("INV-1.yaml", "1"), ("INV-3.yaml", "3"), ("a.b", "f"), ("a/", "x"), ("a0", "f"), ("b c/", "")];
        let before_id = tree(&repo, &first);
        let before = RawTree::read(&odb, before_id, None).unwrap();
        let [theirs, ours] = both(&repo, &before, before_id);
        assert_eq!(ours, theirs);
        assert_eq!(before.shared, 0);

        // A file added between the others: the two before it are shared, the rest read.
        let mut second = first.to_vec();
        second.insert(1, ("INV-2.yaml", "2"));
        let now_id = tree(&repo, &second);
        let now = RawTree::read(&odb, now_id, Some(&before)).unwrap();
        let [theirs, ours] = both(&repo, &now, now_id);
        assert_eq!(ours, theirs);
        assert_eq!(now.shared, 1, "INV-1.yaml is the version before's, byte for byte");

        // One added after all of them: every entry before it is shared.
        let mut third = second.clone();
        third.push(("c.yaml", "c"));
        let last_id = tree(&repo, &third);
        let last = RawTree::read(&odb, last_id, Some(&now)).unwrap();
        assert_eq!(both(&repo, &last, last_id)[1].len(), 8);
        assert_eq!(last.shared, 7);
        // Read against a version it shares nothing with, and against itself.
        let other = RawTree::read(&odb, tree(&repo, &[("0", "0")]), None).unwrap();
        assert_eq!(RawTree::read(&odb, last_id, Some(&other)).unwrap().shared, 0);
        let again = RawTree::read(&odb, last_id, Some(&last)).unwrap();
        assert_eq!((again.shared, both(&repo, &again, last_id)[1].len()), (8, 8));

        for name in ["INV-1.yaml", "INV-2.yaml", "INV-3.yaml", "a.b", "a0", "c.yaml"] {
            assert!(last.has_file(name.as_bytes()), "{name}");
        }
        // A folder is no file of its name, nor is a name it does not have.
        for name in ["a", "b c", "INV-4.yaml", "", "a/", "A"] {
            assert!(!last.has_file(name.as_bytes()), "{name}");
        }
        assert!(!before.has_file(b"INV-2.yaml"));
    }

    #[test]
    fn a_damaged_folder_or_another_object_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let blob = repo.blob(b"not a folder").unwrap();
        assert!(RawTree::read(&odb, blob, None).is_err());
        let damaged: [&[u8]; 6] = [
            b"100644 name",
            b"100644name\0aaaaaaaaaaaaaaaaaaaa",
            b"100644 name\0short",
            b"300644 name\0aaaaaaaaaaaaaaaaaaaa",
            b"10x644 name\0aaaaaaaaaaaaaaaaaaaa",
            b"100644 \0aaaaaaaaaaaaaaaaaaaa",
        ];
        for damaged in damaged {
            let id = odb.write(ObjectType::Tree, damaged).unwrap();
            assert!(RawTree::read(&odb, id, None).is_err(), "{damaged:?}");
        }
        // Zeros in front of a mode: git warns, libgit2 reads it (found by a review).
        let padded = odb.write(ObjectType::Tree, b"0100644 name\0aaaaaaaaaaaaaaaaaaaa").unwrap();
        assert!(RawTree::read(&odb, padded, None).is_ok_and(|t| t.entry(0).is_file() && t.entry(0).name == b"name"));
    }
}
