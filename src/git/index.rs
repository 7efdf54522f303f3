//! Keeping git's index in step with a commit of a few files.
//!
//! libgit2 loads every entry of the index into a hash map and writes every entry back, with
//! a collision-detecting SHA-1 on both ends: at 400,000 files that is half a second per
//! command. The index is one sorted file, so a change of a few entries is a merge of the old
//! bytes with the new entries: this module copies the untouched entries as they are, writes
//! the changed ones, marks the cached trees above them as invalid (as `git add` does), and
//! drops the optional caches whose offsets it would break. It handles the index versions 2
//! and 3 that git writes by default; anything else (version 4, split or sparse indexes,
//! conflicted paths, a file replacing a folder) is answered with `false` and left to libgit2.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use super::{index_busy, Staged};
use crate::{Error, Result};

const HEADER: usize = 12;
const HASH: usize = 20;
/// Stat data (40 bytes), object id (20) and flags (2) before the path.
const FIXED: usize = 62;

/// Git's own lock on its index (`index.lock`, created exclusively), held from before a
/// commit until the index is in step with it; dropped unused, it is removed.
pub struct IndexLock {
    index: PathBuf,
    lock: PathBuf,
    file: Option<File>,
}

impl IndexLock {
    pub fn acquire(index: PathBuf) -> Result<IndexLock> {
        let mut lock = index.clone().into_os_string();
        lock.push(".lock");
        let lock = PathBuf::from(lock);
        match OpenOptions::new().write(true).create_new(true).open(&lock) {
            Ok(file) => {
                crate::files::share(&lock);
                Ok(IndexLock { index, lock, file: Some(file) })
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(index_busy(&lock)),
            Err(e) => Err(Error::io(&lock, e)),
        }
    }

    /// The new index for `staged`, made before the commit so that nothing is committed
    /// when the index cannot follow; `None` when the index is in a form left to libgit2.
    /// `workdir` is where the entries' files are, to tell a racily clean entry from one
    /// whose file changed unseen.
    pub fn prepare(&self, staged: &[Staged], workdir: &Path) -> Result<Option<Vec<u8>>> {
        let old = match fs::read(&self.index) {
            Ok(data) => data,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&self.index, e)),
        };
        let stamp = fs::metadata(&self.index).map_err(|e| Error::io(&self.index, e))?;
        // Git's test (ce_smudge_racily_clean_entry): the stat data match, the content not.
        let changed_unseen = |name: &[u8], oid: &[u8], size: u32| {
            let path = workdir.join(std::ffi::OsStr::from_bytes(name));
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_file() && meta.size() as u32 == size => fs::read(&path)
                    .ok()
                    .and_then(|bytes| git2::Oid::hash_object(git2::ObjectType::Blob, &bytes).ok())
                    .is_some_and(|now| now.as_bytes() != oid),
                _ => false,
            }
        };
        let Some(mut new) = merged(&old, staged, stamp.mtime() as u32, &changed_unseen) else {
            return Ok(None);
        };
        // Checking the old checksum and hashing the new file take one core each.
        let (old_ok, new_hash) = std::thread::scope(|s| {
            let check = s.spawn(|| Sha1::digest(&old[..old.len() - HASH]).as_slice() == &old[old.len() - HASH..]);
            let hash = Sha1::digest(&new);
            (check.join().unwrap_or(false), hash)
        });
        if !old_ok {
            return Ok(None);
        }
        new.extend_from_slice(new_hash.as_slice());
        Ok(Some(new))
    }

    /// Writes a prepared index in place of the old one and releases the lock.
    pub fn write(mut self, index: &[u8]) -> Result<()> {
        let mut file = self.file.take().expect("a lock is used once");
        file.write_all(index).and_then(|()| fs::rename(&self.lock, &self.index)).map_err(|e| Error::io(&self.index, e))
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.lock);
        }
    }
}

/// Whether the file of an entry (path, object id, size) changed without its stat data
/// showing it.
type ChangedUnseen<'a> = dyn Fn(&[u8], &[u8], u32) -> bool + 'a;

/// The new index without its checksum, or `None` for a form left to libgit2. `stamp` is
/// the second the old index file was written: an entry modified in that second or later is
/// racily clean — its file may have changed since without changing size or second — and
/// when `changed_unseen(path, oid, size)` says it did, it is smudged like git does (its size
/// set to 0), so that git compares its content instead of trusting stat data that the new,
/// later index would otherwise vouch for. Seconds, not nanoseconds: git compares
/// sub-second times only when built to.
fn merged(old: &[u8], staged: &[Staged], stamp: u32, changed_unseen: &ChangedUnseen) -> Option<Vec<u8>> {
    if old.len() < HEADER + HASH || &old[..4] != b"DIRC" {
        return None;
    }
    let version = be32(old, 4)?;
    if version != 2 && version != 3 {
        return None;
    }
    let count = be32(old, 8)? as usize;
    let body = &old[..old.len() - HASH];

    let mut changes: Vec<&Staged> = staged.iter().collect();
    changes.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    changes.dedup_by(|a, b| a.path == b.path);
    let mut out = Vec::with_capacity(old.len() + changes.len() * 128);
    out.extend_from_slice(&old[..HEADER]);
    let mut written = 0usize;
    let mut next = 0usize;
    let mut off = HEADER;
    for _ in 0..count {
        let entry = Entry::at(body, off, version)?;
        let name = entry.name(body);
        for c in &changes {
            if c.file.is_some() && folder_clash(name, c.path.as_bytes()) {
                return None;
            }
        }
        while next < changes.len() && changes[next].path.as_bytes() < name {
            if let Some(file) = &changes[next].file {
                push_entry(&mut out, changes[next].path.as_bytes(), file, None);
                written += 1;
            }
            next += 1;
        }
        if next < changes.len() && changes[next].path.as_bytes() == name {
            if entry.stage() != 0 {
                return None;
            }
            if let Some(file) = &changes[next].file {
                push_entry(&mut out, name, file, Some(be32(body, off + 24)?));
                written += 1;
            }
            next += 1;
        } else {
            let at = out.len();
            out.extend_from_slice(&body[off..entry.end]);
            if be32(body, off + 8)? >= stamp
                && changed_unseen(name, body.get(off + 40..off + 60)?, be32(body, off + 36)?)
            {
                out[at + 36..at + 40].copy_from_slice(&[0; 4]);
            }
            written += 1;
        }
        off = entry.end;
    }
    for c in &changes[next..] {
        if let Some(file) = &c.file {
            push_entry(&mut out, c.path.as_bytes(), file, None);
            written += 1;
        }
    }
    out[8..HEADER].copy_from_slice(&u32::try_from(written).ok()?.to_be_bytes());

    let dirs = folders_above(&changes);
    while off < body.len() {
        let signature = body.get(off..off + 4)?;
        let size = be32(body, off + 4)? as usize;
        let data = body.get(off + 8..(off + 8).checked_add(size)?)?;
        match signature {
            b"TREE" => {
                let mut tree = Vec::with_capacity(data.len());
                let mut pos = 0;
                invalidate_trees(data, &mut pos, b"", &dirs, &mut tree)?;
                if pos != data.len() {
                    return None;
                }
                out.extend_from_slice(b"TREE");
                out.extend_from_slice(&u32::try_from(tree.len()).ok()?.to_be_bytes());
                out.extend_from_slice(&tree);
            }
            // Resolve-undo data does not depend on where entries are.
            b"REUC" => out.extend_from_slice(&body[off..off + 8 + size]),
            // Other optional extensions are caches (untracked files, fsmonitor, entry offsets)
            // that git rebuilds when they are missing.
            [b'A'..=b'Z', ..] => {}
            // A required extension (split or sparse index) is beyond this module.
            _ => return None,
        }
        off += 8 + size;
    }
    Some(out)
}

/// One entry's place in the index.
struct Entry {
    name_start: usize,
    name_len: usize,
    end: usize,
    flags: u16,
}

impl Entry {
    fn at(body: &[u8], off: usize, version: u32) -> Option<Entry> {
        let flags = u16::from_be_bytes(body.get(off + 60..off + 62)?.try_into().ok()?);
        let extended = flags & 0x4000 != 0;
        if extended && version < 3 {
            return None;
        }
        let name_start = off + FIXED + if extended { 2 } else { 0 };
        let name_len = match usize::from(flags & 0xfff) {
            0xfff => body.get(name_start..)?.iter().position(|&b| b == 0)?,
            n => n,
        };
        let end = off + ((name_start - off + name_len + 8) & !7);
        if end > body.len() {
            return None;
        }
        Some(Entry { name_start, name_len, end, flags })
    }

    fn name<'a>(&self, body: &'a [u8]) -> &'a [u8] {
        &body[self.name_start..self.name_start + self.name_len]
    }

    fn stage(&self) -> u16 {
        (self.flags >> 12) & 3
    }
}

/// Whether an entry and a new path would make one name both a file and a folder.
fn folder_clash(entry: &[u8], new: &[u8]) -> bool {
    let under =
        |long: &[u8], short: &[u8]| long.len() > short.len() && long.starts_with(short) && long[short.len()] == b'/';
    under(new, entry) || under(entry, new)
}

/// Appends an entry for a file just committed: its stat data, blob and name.
fn push_entry(out: &mut Vec<u8>, name: &[u8], (oid, meta): &(git2::Oid, fs::Metadata), old_mode: Option<u32>) {
    let start = out.len();
    let mode = match old_mode {
        Some(m @ (0o100644 | 0o100755)) => m,
        _ if meta.mode() & 0o111 != 0 => 0o100755,
        _ => 0o100644,
    };
    // Git keeps the low 32 bits of each stat field.
    for v in [
        meta.ctime() as u32,
        meta.ctime_nsec() as u32,
        meta.mtime() as u32,
        meta.mtime_nsec() as u32,
        meta.dev() as u32,
        meta.ino() as u32,
        mode,
        meta.uid(),
        meta.gid(),
        meta.size() as u32,
    ] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(oid.as_bytes());
    out.extend_from_slice(&(name.len().min(0xfff) as u16).to_be_bytes());
    out.extend_from_slice(name);
    let len = (FIXED + name.len() + 8) & !7;
    out.resize(start + len, 0);
}

/// Every folder holding a changed path, the top ("") included.
fn folders_above(changes: &[&Staged]) -> HashSet<Vec<u8>> {
    let mut dirs = HashSet::new();
    for c in changes {
        let path = c.path.as_bytes();
        dirs.insert(Vec::new());
        for (i, &b) in path.iter().enumerate() {
            if b == b'/' {
                dirs.insert(path[..i].to_vec());
            }
        }
    }
    dirs
}

/// Copies one node of the cached trees (and its subtrees), marking it invalid when it holds
/// a changed path: `name NUL entries SP subtrees LF [oid]`, depth first.
fn invalidate_trees(
    data: &[u8],
    pos: &mut usize,
    parent: &[u8],
    dirs: &HashSet<Vec<u8>>,
    out: &mut Vec<u8>,
) -> Option<()> {
    let rest = data.get(*pos..)?;
    let nul = rest.iter().position(|&b| b == 0)?;
    let name = &rest[..nul];
    let line_len = rest[nul + 1..].iter().position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(&rest[nul + 1..nul + 1 + line_len]).ok()?;
    let (entries, subtrees) = line.split_once(' ')?;
    let entries: i64 = entries.parse().ok()?;
    let subtrees: usize = subtrees.parse().ok()?;
    let mut used = nul + 1 + line_len + 1;
    let oid = if entries >= 0 {
        let oid = rest.get(used..used + HASH)?;
        used += HASH;
        Some(oid)
    } else {
        None
    };
    *pos += used;
    let path = if parent.is_empty() { name.to_vec() } else { [parent, b"/", name].concat() };
    out.extend_from_slice(name);
    out.push(0);
    match oid {
        Some(oid) if !dirs.contains(&path) => {
            out.extend_from_slice(format!("{entries} {subtrees}\n").as_bytes());
            out.extend_from_slice(oid);
        }
        _ => out.extend_from_slice(format!("-1 {subtrees}\n").as_bytes()),
    }
    for _ in 0..subtrees {
        invalidate_trees(data, pos, &path, dirs, out)?;
    }
    Some(())
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}
