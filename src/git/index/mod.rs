//! Keeping git's index in step with a commit of a few files.
//!
//! libgit2 loads every entry of the index into a hash map and writes every entry back, with
//! a collision-detecting SHA-1 on both ends: at 400,000 files that is half a second per
//! command. The index is one sorted file, so a change of a few entries is a merge of the old
//! bytes with the new entries: this module copies the untouched entries as they are, writes
//! the changed ones, marks the cached trees and the untracked cache's folders above them as
//! invalid (as `git add` does), and drops the optional caches whose offsets it would break.
//! It handles the index versions 2 to 4, with or without a checksum (`index.skipHash`), as
//! git's `feature.manyFiles` sets them, whole or split (`core.splitIndex`, [`split`]: then
//! only the small index file is written); anything else (a sparse index, conflicted paths,
//! a file replacing a folder) is answered with `None` and left to libgit2.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use super::{index_busy, Staged};
use crate::{Error, Result};

mod memo;
mod split;
pub use split::SplitConfig;

const HEADER: usize = 12;
const HASH: usize = 20;
/// Stat data (40 bytes), object id (20) and flags (2) before the path.
const FIXED: usize = 62;

/// How long a change of git's index waits for another git command's `index.lock` when
/// the caller has no wait of its own (a commit waits as long as for the desk lock).
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Git's own lock on its index (`index.lock`, created exclusively), held from before a
/// commit until the index is in step with it; dropped unused, it is removed.
pub struct IndexLock {
    index: PathBuf,
    lock: PathBuf,
    file: Option<File>,
}

impl IndexLock {
    pub fn acquire(index: PathBuf, wait: std::time::Duration) -> Result<IndexLock> {
        let mut lock = index.clone().into_os_string();
        lock.push(".lock");
        let lock = PathBuf::from(lock);
        let start = std::time::Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&lock) {
                Ok(file) => {
                    crate::files::share(&lock);
                    return Ok(IndexLock { index, lock, file: Some(file) });
                }
                // Another git command is at work: it is waited for, as the desk lock is.
                Err(e) if e.kind() == ErrorKind::AlreadyExists && start.elapsed() < wait => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(index_busy(&lock)),
                Err(e) => return Err(Error::io(&lock, e)),
            }
        }
    }

    /// The new index for `staged`, made before the commit so that nothing is committed
    /// when the index cannot follow; `None` when the index is in a form left to libgit2.
    /// `workdir` is where the entries' files are, to tell a racily clean entry from one
    /// whose file changed unseen; `split` is what git's configuration asks of a split index.
    pub fn prepare(&self, staged: &[Staged], workdir: &Path, split: &SplitConfig) -> Result<Option<NewIndex>> {
        // Mapped, not read: the index of a large desk is tens of megabytes, most of them
        // copied to the new one as they are. Git never changes an index file in place, and
        // the lock held keeps others from putting a new one there.
        if matches!(fs::symlink_metadata(&self.index), Err(e) if e.kind() == ErrorKind::NotFound) {
            return Ok(None);
        }
        let old = crate::files::Mapped::open(&self.index)?;
        let stamp = stamp(&self.index)?;
        let changed_unseen = changed_unseen(workdir);
        let was_split;
        let whole = match merged(&old, staged, stamp, &changed_unseen) {
            Some(whole) => {
                was_split = false;
                whole
            }
            // A split index's file has a link, which the whole index's merge refuses.
            None => {
                let Some(Some(link)) = without_checksum(&old).and_then(split::link_of) else {
                    return Ok(None);
                };
                was_split = true;
                let shared_path = split::shared_path(&self.index, &link.base);
                let shared = split::Shared::open(&shared_path)?;
                if split.want != Some(false) {
                    let memo = memo::load_or_make(&shared_path, &shared, &link.base);
                    let file = split::merged_split(
                        &old,
                        &shared,
                        staged,
                        stamp,
                        &changed_unseen,
                        split.max_percent,
                        memo.as_ref(),
                    );
                    if let Some(file) = file.and_then(|file| checksummed(&old, file)) {
                        return Ok(Some(NewIndex { file, shared: None, links_to: Some(shared_path) }));
                    }
                }
                // A change for the whole index: the index is spelled out whole and merged.
                let whole = split::unsplit(&old, &link, &shared).ok_or_else(|| damaged(&shared_path))?;
                let Some(new) = merged(&whole, staged, stamp, &changed_unseen) else { return Ok(None) };
                new
            }
        };
        let split_again = split.want == Some(true) || (was_split && split.want.is_none());
        if !split_again {
            return Ok(checksummed(&old, whole).map(|file| NewIndex { file, shared: None, links_to: None }));
        }
        let Some((shared, hash, file)) = split::split_whole(&whole) else { return Ok(None) };
        let shared_path = split::shared_path(&self.index, &hash);
        Ok(checksummed(&old, file).map(|file| NewIndex {
            file,
            shared: Some((shared_path, shared, split.expire)),
            links_to: None,
        }))
    }

    /// Writes a prepared index in place of the old one and releases the lock; a new shared
    /// index is written first, and the ones no longer used past their expiry removed.
    pub fn write(mut self, new: &NewIndex) -> Result<()> {
        if let Some((path, bytes, _)) = &new.shared {
            // Named by its hash: one already there holds the same bytes.
            if !path.exists() {
                crate::files::write_atomic_with(path, |out| out.write_all(bytes))?;
            }
        }
        let file = self.file.as_mut().expect("a lock is used once");
        file.write_all(&new.file)
            .and_then(|()| fs::rename(&self.lock, &self.index))
            .map_err(|e| Error::io(&self.index, e))?;
        // Renamed: nothing left for the drop to remove.
        self.file = None;
        if let Some((path, _, expire)) = &new.shared {
            split::remove_expired(&self.index, path, *expire);
        }
        if let Some(path) = &new.links_to {
            split::freshen(path);
        }
        Ok(())
    }

    /// Writes a split index whole (as `git update-index --no-split-index` does), for
    /// libgit2, which cannot read the split form; any other index is left as it is. The
    /// entries stay the same, but for the racily clean ones whose file changed unseen,
    /// smudged as for any new index (`workdir` holds their files): git splits the index
    /// again on its next write when `core.splitIndex` asks, and so does tkt.
    pub fn unsplit(self, workdir: &Path) -> Result<()> {
        match whole_copy(&self.index, workdir)? {
            Some(file) => self.write(&NewIndex { file, shared: None, links_to: None }),
            None => Ok(()),
        }
    }
}

/// The second the index file at `index` was last written (0 when there is none).
fn stamp(index: &Path) -> Result<u32> {
    match fs::metadata(index) {
        Ok(meta) => Ok(meta.mtime() as u32),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(0),
        Err(e) => Err(Error::io(index, e)),
    }
}

/// The split index at `index` spelled out whole, with its checksum, as libgit2 reads it;
/// `None` when it is not split (or in a form left to libgit2). The racily clean entries
/// whose file under `workdir` changed unseen are smudged, as for any new index, and the
/// caches whose offsets describe the split file dropped.
pub fn whole_copy(index: &Path, workdir: &Path) -> Result<Option<Vec<u8>>> {
    let old = match fs::read(index) {
        Ok(data) => data,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(index, e)),
    };
    let Some(Some(link)) = without_checksum(&old).and_then(split::link_of) else {
        return Ok(None);
    };
    let shared_path = split::shared_path(index, &link.base);
    let shared = split::Shared::open(&shared_path)?;
    let whole = split::unsplit(&old, &link, &shared).ok_or_else(|| damaged(&shared_path))?;
    let Some(mut file) = merged(&whole, &[], stamp(index)?, &changed_unseen(workdir)) else { return Ok(None) };
    let hash = Sha1::digest(&file);
    file.extend_from_slice(hash.as_slice());
    Ok(Some(file))
}

/// Git's test of a racily clean entry (`ce_smudge_racily_clean_entry`): its file under
/// `workdir` has the size the entry says, but not the content.
fn changed_unseen(workdir: &Path) -> impl Fn(&[u8], &[u8], u32) -> bool + '_ {
    move |name: &[u8], oid: &[u8], size: u32| {
        let path = workdir.join(std::ffi::OsStr::from_bytes(name));
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() && meta.size() as u32 == size => fs::read(&path)
                .ok()
                .and_then(|bytes| git2::Oid::hash_object(git2::ObjectType::Blob, &bytes).ok())
                .is_some_and(|now| now.as_bytes() != oid),
            _ => false,
        }
    }
}

/// The error for a split index whose link or shared index does not read.
fn damaged(shared: &Path) -> Error {
    let index = shared.with_file_name("index");
    Error::refused(format!("git's split index (linked to {}) is damaged", shared.display())).with_hint(format!(
        "git cannot read it either: remove {} and make it again with `git reset -q`",
        index.display()
    ))
}

/// A new index, ready to be written in place of the old one.
pub struct NewIndex {
    /// The index file, with its checksum.
    file: Vec<u8>,
    /// A shared index to write before it (a split index's), with how long the ones it
    /// replaces are kept.
    shared: Option<(PathBuf, Vec<u8>, Option<std::time::Duration>)>,
    /// The shared index the file links to, marked as used.
    links_to: Option<PathBuf>,
}

/// The new index file with its checksum: zeros when the old one has zeros (`index.skipHash`,
/// git 2.40+, set by `feature.manyFiles`: git checks none); `None` when the old file's
/// checksum is wrong.
fn checksummed(old: &[u8], mut new: Vec<u8>) -> Option<Vec<u8>> {
    let (body, checksum) = old.split_at(old.len().checked_sub(HASH)?);
    if checksum.iter().all(|&b| b == 0) {
        new.extend_from_slice(&[0; HASH]);
        return Some(new);
    }
    // Checking the old checksum and hashing the new file take one core each.
    let (old_ok, new_hash) = std::thread::scope(|s| {
        let check = s.spawn(|| Sha1::digest(body).as_slice() == checksum);
        let hash = Sha1::digest(&new);
        (check.join().unwrap_or(false), hash)
    });
    old_ok.then(|| {
        new.extend_from_slice(new_hash.as_slice());
        new
    })
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.lock);
        }
    }
}

/// The path, object id and mode of each entry of the index at `index` whose path is `under`
/// or inside it (`b""` for all), in the index's order; `None` when the index is missing, in a
/// form left to libgit2, damaged, or has a conflicted entry among them. Reading the paths
/// does not build libgit2's map of every entry (100 MB at 400,000 files, kept while the
/// repository is open).
pub fn entries_under(index: &Path, under: &[u8]) -> Option<Vec<(Vec<u8>, git2::Oid, u32)>> {
    let data = fs::read(index).ok()?;
    let body = without_checksum(&data)?;
    let checksum = &data[body.len()..];
    if checksum.iter().any(|&b| b != 0) && Sha1::digest(body).as_slice() != checksum {
        return None;
    }
    let whole;
    let data = match split::link_of(body)? {
        Some(link) => {
            whole = split::unsplit(&data, &link, &split::Shared::open(&split::shared_path(index, &link.base)).ok()?)?;
            &whole
        }
        None => &data,
    };
    let body = without_checksum(data)?;
    let (version, count) = header(body)?;
    let (entries, spelled, mut off) = read_entries(body, count, version)?;
    // A required extension (sparse index) changes what the entries mean.
    while off < body.len() {
        let signature = body.get(off..off + 4)?;
        if !signature[0].is_ascii_uppercase() {
            return None;
        }
        off = off.checked_add(8 + be32(body, off + 4)? as usize)?;
    }
    if off != body.len() {
        return None;
    }
    let inside = |name: &[u8]| {
        under.is_empty() || name.strip_prefix(under).is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
    };
    let mut found = Vec::new();
    for entry in &entries {
        let name = entry.name(body, &spelled);
        if inside(name) {
            if entry.fixed.get(60)? >> 4 & 3 != 0 {
                return None;
            }
            found.push((name.to_vec(), git2::Oid::from_bytes(entry.fixed.get(40..60)?).ok()?, be32(entry.fixed, 24)?));
        }
    }
    Some(found)
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
    let body = without_checksum(old)?;
    let (version, count) = header(body)?;
    let (entries, spelled, off) = read_entries(body, count, version)?;

    let mut changes: Vec<&Staged> = staged.iter().collect();
    changes.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    changes.dedup_by(|a, b| a.path == b.path);
    // Sorted: an entry is looked for among them by its folders, not against each (a
    // command that moves every ticket adds thousands).
    let added: Vec<&[u8]> = changes.iter().filter(|c| c.file.is_some()).map(|c| c.path.as_bytes()).collect();
    let mut out = Vec::with_capacity(old.len() + changes.len() * 128);
    out.extend_from_slice(&old[..HEADER]);
    let mut put = Writer { version, prev: Vec::new(), copied: None, run: 0..0, smudged: Vec::new() };
    let mut written = 0usize;
    let mut next = 0usize;
    // Whether the entry last written has the path of the old entry before this one: an
    // untouched entry's bytes, relative to that path in version 4, are then still right.
    let mut after_old = true;
    for (i, entry) in entries.iter().enumerate() {
        let name = entry.name(body, &spelled);
        if clashes(name, &added) {
            return None;
        }
        while next < changes.len() && changes[next].path.as_bytes() < name {
            if let Some(file) = &changes[next].file {
                let path = changes[next].path.as_bytes();
                put.entry(&mut out, &new_fixed(path, file, changes[next].executable), path, body, &entries, &spelled);
                written += 1;
                after_old = false;
            }
            next += 1;
        }
        if next < changes.len() && changes[next].path.as_bytes() == name {
            // A conflicted path (stage 1 to 3) is left to libgit2.
            if entry.fixed.get(60)? >> 4 & 3 != 0 {
                return None;
            }
            after_old = false;
            if let Some(file) = &changes[next].file {
                put.entry(&mut out, &new_fixed(name, file, changes[next].executable), name, body, &entries, &spelled);
                written += 1;
                after_old = true;
            }
            next += 1;
        } else {
            let smudge = be32(entry.fixed, 8)? >= stamp
                && changed_unseen(name, entry.fixed.get(40..60)?, be32(entry.fixed, 36)?);
            if after_old || version != 4 {
                put.copy(&mut out, body, i, entry.raw.clone(), smudge);
            } else {
                let at = put.entry(&mut out, entry.fixed, name, body, &entries, &spelled);
                if smudge {
                    out[at + 36..at + 40].copy_from_slice(&[0; 4]);
                }
            }
            written += 1;
            after_old = true;
        }
    }
    for c in &changes[next..] {
        if let Some(file) = &c.file {
            put.entry(
                &mut out,
                &new_fixed(c.path.as_bytes(), file, c.executable),
                c.path.as_bytes(),
                body,
                &entries,
                &spelled,
            );
            written += 1;
        }
    }
    put.flush(&mut out, body);
    out[8..HEADER].copy_from_slice(&u32::try_from(written).ok()?.to_be_bytes());

    carry_extensions(&mut out, &extensions(body, off)?, &folders_above(&changes))?;
    Some(out)
}

/// The extensions from `off` to the end of `body`: each one's signature and its data.
fn extensions(body: &[u8], mut off: usize) -> Option<Vec<(&[u8], &[u8])>> {
    let mut found = Vec::new();
    while off < body.len() {
        let signature = body.get(off..off + 4)?;
        let size = be32(body, off + 4)? as usize;
        found.push((signature, body.get(off + 8..(off + 8).checked_add(size)?)?));
        off += 8 + size;
    }
    Some(found)
}

/// Writes the old index's extensions after the new entries, the cached trees and the
/// untracked cache marked invalid for the folders `dirs` (those holding a changed path);
/// `None` for an extension this module does not know to be optional (a split or sparse
/// index's: the split index's code writes its link itself).
fn carry_extensions(out: &mut Vec<u8>, exts: &[(&[u8], &[u8])], dirs: &HashSet<Vec<u8>>) -> Option<()> {
    for &(signature, data) in exts {
        let kept = match signature {
            b"TREE" => {
                let mut tree = Vec::with_capacity(data.len());
                let mut pos = 0;
                invalidate_trees(data, &mut pos, b"", dirs, &mut tree)?;
                if pos != data.len() {
                    return None;
                }
                Some(tree)
            }
            // Resolve-undo data does not depend on where entries are.
            b"REUC" => Some(data.to_vec()),
            // The untracked cache keeps its lists, but for the folders that hold a changed
            // path; one that does not parse is dropped like the other caches.
            b"UNTR" => invalidate_untracked(data, dirs),
            // Other optional extensions are caches (fsmonitor, entry offsets) that git
            // rebuilds when they are missing.
            [b'A'..=b'Z', ..] => None,
            // A required extension (split or sparse index) is beyond this function.
            _ => return None,
        };
        if let Some(data) = kept {
            out.extend_from_slice(signature);
            out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
            out.extend_from_slice(&data);
        }
    }
    Some(())
}

/// One entry of the old index: its stat data, object id and flags (the fixed part before
/// the path), where its path is (in the index itself for versions 2 and 3, in the paths
/// spelled out from version 4's compressed ones), and its bytes.
struct Entry<'a> {
    fixed: &'a [u8],
    name: std::ops::Range<usize>,
    spelled: bool,
    raw: std::ops::Range<usize>,
}

impl Entry<'_> {
    fn name<'n>(&self, body: &'n [u8], spelled: &'n [u8]) -> &'n [u8] {
        if self.spelled {
            &spelled[self.name.clone()]
        } else {
            &body[self.name.clone()]
        }
    }
}

/// The old index's entries, the paths spelled out for version 4, and where the extensions
/// start.
fn read_entries(body: &[u8], count: usize, version: u32) -> Option<(Vec<Entry<'_>>, Vec<u8>, usize)> {
    let mut entries = Vec::with_capacity(count);
    let mut spelled: Vec<u8> = Vec::new();
    let end = walk(body, count, version, |raw, fixed_len, name| {
        let fixed = &body[raw.start..raw.start + fixed_len];
        if version == 4 {
            let start = spelled.len();
            spelled.extend_from_slice(name);
            entries.push(Entry { fixed, name: start..spelled.len(), spelled: true, raw });
        } else {
            let at = raw.start + fixed_len;
            entries.push(Entry { fixed, name: at..at + name.len(), spelled: false, raw });
        }
        Some(())
    })?;
    Some((entries, spelled, end))
}

/// Calls `each(bytes, length of the fixed part, path)` for each of the `count` entries from
/// the header on, in order, and returns where the extensions start. Versions 2 and 3 write
/// each path in full, padded with NULs to a multiple of 8 bytes; version 4 writes how many
/// bytes to drop from the end of the previous path and what follows them.
fn walk(
    body: &[u8],
    count: usize,
    version: u32,
    mut each: impl FnMut(std::ops::Range<usize>, usize, &[u8]) -> Option<()>,
) -> Option<usize> {
    walk_from(body, HEADER, Vec::new(), count, version, |raw, fixed_len, name| {
        each(raw, fixed_len, name).map(|()| true)
    })
}

/// [`walk`] from the entry at byte `off`, the path of the entry before it being `prev`
/// (what version 4 needs), for at most `count` entries; `each` stops it early with `false`.
/// Returns where it stopped.
fn walk_from(
    body: &[u8],
    mut off: usize,
    mut prev: Vec<u8>,
    count: usize,
    version: u32,
    mut each: impl FnMut(std::ops::Range<usize>, usize, &[u8]) -> Option<bool>,
) -> Option<usize> {
    for _ in 0..count {
        let flags = u16::from_be_bytes(body.get(off + 60..off + 62)?.try_into().ok()?);
        let extended = flags & 0x4000 != 0;
        if extended && version < 3 {
            return None;
        }
        let fixed_len = FIXED + if extended { 2 } else { 0 };
        body.get(off..off + fixed_len)?;
        let mut pos = off + fixed_len;
        let go_on = if version == 4 {
            let strip = varint(body, &mut pos)?;
            let suffix = cstr(body, &mut pos)?;
            prev.truncate(prev.len().checked_sub(strip)?);
            prev.extend_from_slice(suffix);
            let go_on = each(off..pos, fixed_len, &prev)?;
            off = pos;
            go_on
        } else {
            let name_len = match usize::from(flags & 0xfff) {
                0xfff => body.get(pos..)?.iter().position(|&b| b == 0)?,
                n => n,
            };
            let name = body.get(pos..pos + name_len)?;
            let end = off + ((fixed_len + name_len + 8) & !7);
            if end > body.len() {
                return None;
            }
            let go_on = each(off..end, fixed_len, name)?;
            off = end;
            go_on
        };
        if !go_on {
            break;
        }
    }
    Some(off)
}

/// Writes entries in the index's version, each path relative to the one before in version 4.
/// Untouched entries are copied as they are, a run of them at a time.
struct Writer {
    version: u32,
    /// The path of the entry written last, unless it was copied.
    prev: Vec<u8>,
    /// The old entry copied last, whose path is the one before the next entry.
    copied: Option<usize>,
    /// The old bytes still to copy, and where in them entries are to be smudged.
    run: std::ops::Range<usize>,
    smudged: Vec<usize>,
}

impl Writer {
    /// Writes one entry (after the run of copied bytes before it) and returns where it starts.
    fn entry(
        &mut self,
        out: &mut Vec<u8>,
        fixed: &[u8],
        name: &[u8],
        body: &[u8],
        old: &[Entry],
        spelled: &[u8],
    ) -> usize {
        self.flush(out, body);
        if let Some(i) = self.copied.take() {
            self.prev.clear();
            self.prev.extend_from_slice(old[i].name(body, spelled));
        }
        put_entry(out, self.version, &mut self.prev, fixed, name)
    }

    /// Adds old entry `i`, whose bytes are `raw`, to the run to copy; `smudge` sets its size to 0.
    fn copy(&mut self, out: &mut Vec<u8>, body: &[u8], i: usize, raw: std::ops::Range<usize>, smudge: bool) {
        if self.run.end != raw.start {
            // Not next to the run: an entry between was dropped or replaced.
            self.flush(out, body);
            self.run = raw.start..raw.start;
        }
        if smudge {
            self.smudged.push(raw.start);
        }
        self.run.end = raw.end;
        self.copied = Some(i);
    }

    /// Copies the run of old bytes.
    fn flush(&mut self, out: &mut Vec<u8>, body: &[u8]) {
        let run = std::mem::replace(&mut self.run, 0..0);
        let base = out.len();
        out.extend_from_slice(&body[run.clone()]);
        for at in self.smudged.drain(..) {
            let at = base + at - run.start;
            out[at + 36..at + 40].copy_from_slice(&[0; 4]);
        }
    }
}

/// Writes one entry and returns where it starts; `prev` is the path of the entry before,
/// which version 4 writes this one's path relative to.
fn put_entry(out: &mut Vec<u8>, version: u32, prev: &mut Vec<u8>, fixed: &[u8], name: &[u8]) -> usize {
    let start = out.len();
    out.extend_from_slice(fixed);
    if version == 4 {
        let common = prev.iter().zip(name).take_while(|(a, b)| a == b).count();
        put_varint(out, prev.len() - common);
        out.extend_from_slice(&name[common..]);
        out.push(0);
        prev.clear();
        prev.extend_from_slice(name);
    } else {
        out.extend_from_slice(name);
        out.resize(start + ((fixed.len() + name.len() + 8) & !7), 0);
    }
    start
}

/// Whether an entry and any of the new paths `added` (sorted) would make one name both a
/// file and a folder: a new path is one of the entry's folders, or the entry one of a new
/// path's.
fn clashes(entry: &[u8], added: &[&[u8]]) -> bool {
    let folders = entry.iter().enumerate().filter(|(_, b)| **b == b'/').map(|(at, _)| &entry[..at]);
    if folders.into_iter().any(|folder| added.binary_search(&folder).is_ok()) {
        return true;
    }
    let mut below = entry.to_vec();
    below.push(b'/');
    let first = added.partition_point(|p| *p < &below[..]);
    added.get(first).is_some_and(|p| folder_clash(entry, p))
}

/// Whether an entry and a new path would make one name both a file and a folder.
fn folder_clash(entry: &[u8], new: &[u8]) -> bool {
    // The `/` is looked at first: it rules out nearly every entry of a walk without comparing.
    let under = |long: &[u8], short: &[u8]| long.get(short.len()) == Some(&b'/') && long.starts_with(short);
    under(new, entry) || under(entry, new)
}

/// The fixed part of an entry for a file just committed: its stat data, blob, mode (as the
/// commit has it) and flags.
fn new_fixed(name: &[u8], (oid, meta): &(git2::Oid, fs::Metadata), executable: bool) -> Vec<u8> {
    let mode = if executable { 0o100755 } else { 0o100644 };
    let mut out = Vec::with_capacity(FIXED);
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
    out
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

/// Git's untracked cache (`UNTR`) with every folder that holds a changed path marked not
/// valid, as `git add` does (`untracked_cache_invalidate_path`): git lists those folders
/// again on its next `status` and trusts its lists of the others, whose times tell it they
/// did not change. (A path committed while untracked, such as a hand edit sync commits,
/// changes no folder's times; `git status` filters such stale names against the index, but
/// the cache stays what git itself would have written.) Layout (git's index-format.txt): an
/// identification string, the stat data and hashes of the exclude files, the per-folder
/// ignore file name, the folder blocks depth first, the EWAH bitmaps of valid, check-only
/// and hashed folders, a stat record per valid folder and a hash per hashed one. The valid
/// bitmap and the stat records are rewritten (a folder no longer valid loses its record, as
/// git reads one per valid bit); the rest is copied.
fn invalidate_untracked(data: &[u8], dirs: &HashSet<Vec<u8>>) -> Option<Vec<u8>> {
    const STAT: usize = 36;
    let mut pos = 0;
    let ident = varint(data, &mut pos)?;
    pos = pos.checked_add(ident)?.checked_add(2 * STAT + 4 + 2 * HASH)?;
    cstr(data, &mut pos)?;
    let count = varint(data, &mut pos)?;
    if count == 0 {
        return Some(data.to_vec());
    }
    // Each folder's path, in the order of the bitmaps; the stack holds the folders whose
    // subfolders are still to come, with how many.
    let mut paths: Vec<Vec<u8>> = Vec::new();
    let mut open: Vec<(Vec<u8>, usize)> = Vec::new();
    for i in 0..count {
        let untracked = varint(data, &mut pos)?;
        let subfolders = varint(data, &mut pos)?;
        let name = cstr(data, &mut pos)?;
        for _ in 0..untracked {
            cstr(data, &mut pos)?;
        }
        while open.last().is_some_and(|(_, left)| *left == 0) {
            open.pop();
        }
        let path = match open.last_mut() {
            None if i == 0 => name.to_vec(),
            None => return None,
            Some((parent, left)) => {
                *left -= 1;
                if parent.is_empty() {
                    name.to_vec()
                } else {
                    [parent.as_slice(), b"/", name].concat()
                }
            }
        };
        paths.push(path.clone());
        open.push((path, subfolders));
    }
    // The bitmaps of valid folders, of check-only ones and of those with an ignore file's
    // hash; then one stat record per valid folder, then the hashes.
    let (valid, valid_end) = ewah_read(data, pos)?;
    let (_, check_only_end) = ewah_read(data, valid_end)?;
    let (_, hashed_end) = ewah_read(data, check_only_end)?;
    let stats_end = hashed_end.checked_add(valid.iter().filter(|&&v| v).count().checked_mul(STAT)?)?;
    let stats = data.get(hashed_end..stats_end)?;
    let mut kept = valid.clone();
    let mut kept_stats = Vec::with_capacity(stats.len());
    let mut record = 0;
    for (i, bit) in kept.iter_mut().enumerate() {
        if !*bit {
            continue;
        }
        if paths.get(i).is_some_and(|path| dirs.contains(path)) {
            *bit = false;
        } else {
            kept_stats.extend_from_slice(&stats[record * STAT..(record + 1) * STAT]);
        }
        record += 1;
    }
    let mut out = data[..pos].to_vec();
    ewah_write(&kept, &mut out);
    out.extend_from_slice(&data[valid_end..hashed_end]);
    out.extend_from_slice(&kept_stats);
    out.extend_from_slice(data.get(stats_end..)?);
    Some(out)
}

/// Git's variable-width number (`decode_varint`).
fn varint(data: &[u8], pos: &mut usize) -> Option<usize> {
    let mut byte = *data.get(*pos)?;
    *pos += 1;
    let mut value = usize::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        byte = *data.get(*pos)?;
        *pos += 1;
        value = value.checked_add(1)?.checked_mul(128)? | usize::from(byte & 0x7f);
    }
    Some(value)
}

/// Git's variable-width number (`encode_varint`).
fn put_varint(out: &mut Vec<u8>, mut value: usize) {
    let mut bytes = vec![(value & 0x7f) as u8];
    value >>= 7;
    while value != 0 {
        value -= 1;
        bytes.push(0x80 | (value & 0x7f) as u8);
        value >>= 7;
    }
    out.extend(bytes.iter().rev());
}

/// A NUL-terminated string, without its NUL.
fn cstr<'a>(data: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let rest = data.get(*pos..)?;
    let len = rest.iter().position(|&b| b == 0)?;
    *pos += len + 1;
    Some(&rest[..len])
}

/// An EWAH bitmap (bit count, word count, words, position of the last marker word), as
/// one bool per bit, and where it ends. Each marker word holds a run of equal words (its
/// bit, then a 32-bit count) and the number of literal words that follow it (31 bits).
fn ewah_read(data: &[u8], at: usize) -> Option<(Vec<bool>, usize)> {
    let bits = be32(data, at)? as usize;
    let words = be32(data, at + 4)? as usize;
    let start = at + 8;
    let end = start.checked_add(words.checked_mul(8)?)?.checked_add(4)?;
    data.get(..end)?;
    let word = |i: usize| Some(u64::from_be_bytes(data.get(start + 8 * i..start + 8 * i + 8)?.try_into().ok()?));
    let mut out = Vec::with_capacity(bits.min(words * 64));
    let mut i = 0;
    while i < words {
        let marker = word(i)?;
        i += 1;
        let run = usize::try_from((marker >> 1) & 0xffff_ffff).ok()?.checked_mul(64)?;
        if out.len().checked_add(run)? > bits + 64 {
            return None;
        }
        out.resize(out.len() + run, marker & 1 == 1);
        for _ in 0..marker >> 33 {
            if i >= words {
                return None;
            }
            let literal = word(i)?;
            i += 1;
            out.extend((0..64).map(|b| literal >> b & 1 == 1));
        }
    }
    // Git sets the bit count to one past the last bit its words describe: a larger count
    // is damage (and is not trusted with an allocation).
    if bits > out.len() {
        return None;
    }
    out.truncate(bits);
    Some((out, end))
}

/// Writes `bits` as an EWAH bitmap: each marker word counts a run of words all clear or
/// all set, then the literal words after it (a split index's bitmaps over 400,000 entries,
/// a few of them set, take a few words).
fn ewah_write(bits: &[bool], out: &mut Vec<u8>) {
    let literals: Vec<u64> =
        bits.chunks(64).map(|c| c.iter().enumerate().fold(0, |w, (b, &on)| w | u64::from(on) << b)).collect();
    let clean = |w: u64| w == 0 || w == u64::MAX;
    let mut words = Vec::with_capacity(4);
    let mut marker;
    let mut i = 0;
    loop {
        marker = words.len();
        words.push(0);
        let set = literals.get(i) == Some(&u64::MAX);
        let mut run = 0u64;
        while i < literals.len() && clean(literals[i]) && (literals[i] == u64::MAX) == set && run < 0xffff_ffff {
            run += 1;
            i += 1;
        }
        let first = i;
        while i < literals.len() && !clean(literals[i]) && i - first < 0x7fff_ffff {
            i += 1;
        }
        words[marker] = u64::from(set) | run << 1 | ((i - first) as u64) << 33;
        words.extend_from_slice(&literals[first..i]);
        if i >= literals.len() {
            break;
        }
    }
    out.extend_from_slice(&(bits.len() as u32).to_be_bytes());
    out.extend_from_slice(&(words.len() as u32).to_be_bytes());
    for w in &words {
        out.extend_from_slice(&w.to_be_bytes());
    }
    out.extend_from_slice(&(marker as u32).to_be_bytes());
}

/// An index file without its checksum (or the zeros in its place).
fn without_checksum(file: &[u8]) -> Option<&[u8]> {
    file.get(..file.len().checked_sub(HASH)?).filter(|body| body.len() >= HEADER)
}

/// The version and entry count of an index, from its header; `None` unless it is one of
/// versions 2 to 4.
fn header(body: &[u8]) -> Option<(u32, usize)> {
    if body.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(body, 4)?;
    (2..=4).contains(&version).then_some((version, be32(body, 8)? as usize))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Runs git in `dir` without the user's configuration; it must succeed.
    pub fn git_in(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    /// Writes a file last changed long before any index: git keeps its entry in the
    /// shared index when it splits one.
    pub fn write_old(path: &Path, content: &str) {
        std::fs::write(path, content).unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_500_000_000);
        std::fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
    }

    /// A racily clean entry whose file changed unseen is smudged, itself and no other,
    /// wherever it is written from (copied, or written anew after a removed entry in
    /// version 4, whose paths depend on the one before).
    #[test]
    fn the_entry_smudged_is_the_one_that_changed_unseen_in_every_version() {
        for version in ["2", "3", "4"] {
            let dir = tempfile::tempdir().unwrap();
            let git = |args: &[&str]| git_in(dir.path(), args);
            git(&["init", "-q"]);
            for name in ["a", "b", "c", "d"] {
                std::fs::write(dir.path().join(name), name).unwrap();
            }
            git(&["add", "a", "b", "c", "d"]);
            git(&["update-index", "--index-version", version]);
            let old = std::fs::read(dir.path().join(".git/index")).unwrap();
            let staged = [Staged { path: "b".into(), file: None, executable: false }];
            // Stamp 0: every entry is racily clean; only c's file changed since.
            let new = merged(&old, &staged, 0, &|name, _, _| name == b"c").unwrap();
            let count = be32(&new, 8).unwrap() as usize;
            let (entries, spelled, _) = read_entries(&new, count, version.parse().unwrap()).unwrap();
            let sizes: Vec<(String, u32)> = entries
                .iter()
                .map(|e| (String::from_utf8_lossy(e.name(&new, &spelled)).into_owned(), be32(e.fixed, 36).unwrap()))
                .collect();
            let expected = [("a", 1), ("c", 0), ("d", 1)].map(|(n, s)| (n.to_string(), s));
            assert_eq!(sizes, expected, "index version {version}");
        }
    }

    #[test]
    fn git_s_varints_read_back_what_is_written() {
        for value in [0, 1, 127, 128, 255, 16_511, 16_512, 1 << 20, usize::MAX >> 8] {
            let mut bytes = Vec::new();
            put_varint(&mut bytes, value);
            let mut pos = 0;
            assert_eq!(varint(&bytes, &mut pos), Some(value));
            assert_eq!(pos, bytes.len());
        }
        // Git's own encoding of 128: one continuation byte, then 0.
        let mut bytes = Vec::new();
        put_varint(&mut bytes, 128);
        assert_eq!(bytes, [0x80, 0x00]);
    }

    #[test]
    fn an_ewah_bitmap_written_by_git_reads_and_writes_back() {
        // Four valid folders, as `git status` wrote them: one marker word with one literal.
        let git = [0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0, 0, 0, 0];
        let (bits, end) = ewah_read(&git, 0).unwrap();
        assert_eq!((bits, end), (vec![true; 4], git.len()));
        let mut out = Vec::new();
        ewah_write(&[true; 4], &mut out);
        assert_eq!(out, git);
        // A run of 64 set bits then a literal, and 70 bits written back.
        let bits: Vec<bool> = (0..70).map(|i| i != 3 && i != 69).collect();
        let mut out = Vec::new();
        ewah_write(&bits, &mut out);
        assert_eq!(ewah_read(&out, 0).unwrap().0, bits);
        let run = [0, 0, 0, 65, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        assert_eq!(ewah_read(&run, 0).unwrap().0, vec![true; 65]);
        // Long runs of clear and of set words take a marker each.
        for bits in [
            (0..400_000).map(|i| i == 3 || i == 250_001).collect::<Vec<bool>>(),
            (0..1000).map(|i| (128..320).contains(&i) || i == 999).collect(),
            vec![false; 64 * 3],
            vec![],
        ] {
            let mut out = Vec::new();
            ewah_write(&bits, &mut out);
            assert!(out.len() <= 12 + 8 * 5, "{} bits in {} bytes", bits.len(), out.len());
            assert_eq!(ewah_read(&out, 0), Some((bits.clone(), out.len())));
        }
        // A bit count past what the words describe is damage, not an allocation of 4 GB.
        let mut huge = Vec::new();
        ewah_write(&[true; 4], &mut huge);
        huge[..4].copy_from_slice(&0xffff_fff0u32.to_be_bytes());
        assert!(ewah_read(&huge, 0).is_none());
        // A count of literals beyond the words is refused, not read past.
        let bad = [0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0];
        assert!(ewah_read(&bad, 0).is_none());
    }
}
