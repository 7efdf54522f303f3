//! Git's split index (`core.splitIndex`): the index file holds only the entries changed
//! since a shared index (`sharedindex.<its hash>`, beside it) was written, and a `link`
//! extension naming that shared index with two bitmaps over its entries: those deleted
//! and those replaced. Replacing entries come first in the file, in the order of the bits,
//! with empty paths (the shared entry's path is theirs); the entries added follow, sorted.
//! A change of a few files rewrites the small index file alone: the write costs the
//! change, not the desk. When the entries outside the shared index grow past
//! `splitIndex.maxPercentChange` (20 %) of all, a new shared index is written, as git does.
//! libgit2 cannot read this form: before it needs the index, tkt writes it whole
//! ([`super::IndexLock::unsplit`]).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha1::{Digest, Sha1};

use super::memo::Memo;
use super::{
    be32, carry_extensions, clashes, ewah_read, ewah_write, extensions, folders_above, header, new_fixed, put_entry,
    walk, without_checksum, ChangedUnseen, FIXED, HASH, HEADER,
};
use crate::git::Staged;

/// What git's configuration asks of the index's form.
#[derive(Debug, Clone)]
pub struct SplitConfig {
    /// `core.splitIndex`: split (`true`), whole (`false`) or left as it is (unset).
    pub want: Option<bool>,
    /// `splitIndex.maxPercentChange`: how many entries, in percent of all, may be outside
    /// the shared index before a new one is written.
    pub max_percent: u64,
    /// `splitIndex.sharedIndexExpire`: how long a shared index no longer used is kept
    /// (`None`: for ever).
    pub expire: Option<Duration>,
}

impl SplitConfig {
    pub fn from(config: &git2::Config) -> SplitConfig {
        let max_percent = match config.get_i64("splitIndex.maxPercentChange") {
            Ok(p @ 0..=100) => p as u64,
            _ => 20,
        };
        let expire = match config.get_string("splitIndex.sharedIndexExpire") {
            Ok(value) => expiry(&value),
            Err(_) => Some(TWO_WEEKS),
        };
        SplitConfig { want: config.get_bool("core.splitIndex").ok(), max_percent, expire }
    }
}

const TWO_WEEKS: Duration = Duration::from_secs(14 * 24 * 3600);

/// `never`, `now` or `<n>.<unit>.ago` (git's own default is `2.weeks.ago`); any other date
/// git understands is read as the default.
fn expiry(value: &str) -> Option<Duration> {
    let unit = |u: &str| match u.trim_end_matches('s') {
        "second" => Some(1),
        "minute" => Some(60),
        "hour" => Some(3600),
        "day" => Some(86_400),
        "week" => Some(7 * 86_400),
        "month" => Some(30 * 86_400),
        "year" => Some(365 * 86_400),
        _ => None,
    };
    match value.split('.').collect::<Vec<_>>().as_slice() {
        ["never"] => None,
        ["now"] => Some(Duration::ZERO),
        [n, u, "ago"] => match (n.parse::<u64>(), unit(u)) {
            (Ok(n), Some(secs)) => Some(Duration::from_secs(n.saturating_mul(secs))),
            _ => Some(TWO_WEEKS),
        },
        _ => Some(TWO_WEEKS),
    }
}

/// A shared index mapped into memory: a change reads a few pages of it for each of the
/// entries it walks past instead of copying 40 MB. Git writes a shared index once, under
/// the name of its hash, and never changes it in place.
pub(super) type Shared = crate::files::Mapped;

/// The `link` extension: the shared index's hash and the bitmaps over its entries.
pub(super) struct Link {
    pub base: [u8; HASH],
    delete: Vec<bool>,
    replace: Vec<bool>,
}

impl Link {
    pub fn read(data: &[u8]) -> Option<Link> {
        let base = data.get(..HASH)?.try_into().ok()?;
        let (delete, end) = ewah_read(data, HASH)?;
        let (replace, end) = ewah_read(data, end)?;
        (end == data.len()).then_some(Link { base, delete, replace })
    }

    fn write(&self, out: &mut Vec<u8>) -> Option<()> {
        let mut data = self.base.to_vec();
        ewah_write(&self.delete, &mut data);
        ewah_write(&self.replace, &mut data);
        out.extend_from_slice(b"link");
        out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
        out.extend_from_slice(&data);
        Some(())
    }
}

/// Where git keeps the shared index an index file at `index` links to.
pub(super) fn shared_path(index: &Path, base: &[u8; HASH]) -> PathBuf {
    index.with_file_name(format!("sharedindex.{}", hex(base)))
}

fn hex(hash: &[u8]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// The index's link when it is split (`Some(None)` when it is whole); `body` is the index
/// without its checksum.
pub(super) fn link_of(body: &[u8]) -> Option<Option<Link>> {
    let (version, count) = header(body)?;
    let end = walk(body, count, version, |_, _, _| Some(()))?;
    match extensions(body, end)?.into_iter().find(|(signature, _)| *signature == b"link") {
        Some((_, data)) => Some(Some(Link::read(data)?)),
        None => Some(None),
    }
}

/// The stage of an entry (0 unless conflicted).
fn stage(fixed: &[u8]) -> u8 {
    fixed[60] >> 4 & 3
}

/// The fixed part of an entry with its path's length set to 0, as replacing entries have.
fn nameless(fixed: &[u8]) -> Vec<u8> {
    let mut f = fixed.to_vec();
    f[60] &= 0xf0;
    f[61] = 0;
    f
}

/// The fixed part of a replacing entry given back the length of the path it replaces.
fn named(fixed: &[u8], name: &[u8]) -> Vec<u8> {
    let mut f = fixed.to_vec();
    let len = name.len().min(0xfff) as u16;
    f[60] = (f[60] & 0xf0) | (len >> 8) as u8;
    f[61] = len as u8;
    f
}

/// Makes an index of version 2 one of version 3 when it holds entries with extended flags
/// (copied from a shared index of version 3), as git does.
fn lift_version(out: &mut [u8], extended: bool) {
    if extended && be32(out, 4) == Some(2) {
        out[4..8].copy_from_slice(&3u32.to_be_bytes());
    }
}

/// An entry's path and fixed part.
type Named = (Vec<u8>, Vec<u8>);

/// A split index's own file: its version, its entries (path and fixed part) and its
/// extensions.
struct Own<'a> {
    version: u32,
    entries: Vec<Named>,
    extensions: Vec<(&'a [u8], &'a [u8])>,
}

impl Own<'_> {
    fn read(main: &[u8]) -> Option<Own<'_>> {
        let body = without_checksum(main)?;
        let (version, count) = header(body)?;
        let mut entries = Vec::with_capacity(count);
        let end = walk(body, count, version, |raw, fixed_len, name| {
            entries.push((name.to_vec(), body[raw.start..raw.start + fixed_len].to_vec()));
            Some(())
        })?;
        Some(Own { version, entries, extensions: extensions(body, end)? })
    }

    /// The replacing entries (the first `replacing`, which must have no path: their fixed
    /// parts) and the added ones.
    fn entries(&self, replacing: usize) -> Option<(Vec<Vec<u8>>, Vec<Named>)> {
        let (replacements, added) = self.entries.split_at_checked(replacing)?;
        if replacements.iter().any(|(name, _)| !name.is_empty()) {
            return None;
        }
        Some((replacements.iter().map(|(_, fixed)| fixed.clone()).collect(), added.to_vec()))
    }
}

/// The index's entries whole, as one index without a link (and a zeroed checksum): the
/// shared index's entries but those deleted, each replaced one by its replacement, and the
/// entries added, in order; the split file's other extensions after them.
pub(super) fn unsplit(main: &[u8], link: &Link, shared: &[u8]) -> Option<Vec<u8>> {
    let own = Own::read(main)?;
    let version = own.version;
    let (replacements, added) = own.entries(link.replace.iter().filter(|&&b| b).count())?;
    let mut replacements = replacements.into_iter();
    let mut added = added.into_iter().peekable();

    let shared_body = without_checksum(shared)?;
    let (shared_version, shared_count) = header(shared_body)?;
    if link.delete.len().max(link.replace.len()) > shared_count {
        return None;
    }
    let mut out = main[..HEADER].to_vec();
    let mut prev = Vec::new();
    let mut written = 0usize;
    let mut i = 0;
    let mut extended = false;
    walk(shared_body, shared_count, shared_version, |raw, fixed_len, name| {
        let replaced = link.replace.get(i).copied().unwrap_or(false);
        let fixed: std::borrow::Cow<[u8]> = if replaced {
            named(&replacements.next()?, name).into()
        } else {
            shared_body[raw.start..raw.start + fixed_len].into()
        };
        i += 1;
        if link.delete.get(i - 1).copied().unwrap_or(false) {
            return Some(());
        }
        while let Some((n, f)) = added.next_if(|(n, _)| n.as_slice() <= name) {
            put_entry(&mut out, version, &mut prev, &f, &n);
            written += 1;
            if n == name {
                // An added entry takes the place of the shared one of its path.
                return Some(());
            }
        }
        extended |= fixed.len() > FIXED;
        put_entry(&mut out, version, &mut prev, &fixed, name);
        written += 1;
        Some(())
    })?;
    for (n, f) in added {
        put_entry(&mut out, version, &mut prev, &f, &n);
        written += 1;
    }
    out[8..HEADER].copy_from_slice(&u32::try_from(written).ok()?.to_be_bytes());
    lift_version(&mut out, extended);
    for (signature, data) in own.extensions {
        if signature != b"link" {
            out.extend_from_slice(signature);
            out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
            out.extend_from_slice(data);
        }
    }
    out.extend_from_slice(&[0; HASH]);
    Some(out)
}

/// A whole index (without its checksum) split anew: the shared index holding every entry
/// (and its checksum, which names it), and the index file holding none, its link naming
/// the shared index with nothing deleted or replaced, and the extensions.
pub(super) fn split_whole(whole: &[u8]) -> Option<(Vec<u8>, [u8; HASH], Vec<u8>)> {
    let (version, count) = header(whole)?;
    let end = walk(whole, count, version, |_, _, _| Some(()))?;
    let mut shared = whole[..end].to_vec();
    let hash: [u8; HASH] = Sha1::digest(&shared).into();
    shared.extend_from_slice(&hash);
    let mut main = whole[..8].to_vec();
    main.extend_from_slice(&0u32.to_be_bytes());
    Link { base: hash, delete: Vec::new(), replace: Vec::new() }.write(&mut main)?;
    main.extend_from_slice(&whole[end..]);
    Some((shared, hash, main))
}

/// The new split index file for `staged` (without its checksum), on the same shared index;
/// `None` when the change is one for the whole index: a file where the index has a folder
/// or the other way round, a conflicted path, a damaged file, or more entries outside the
/// shared index than `max_percent` of all. `stamp` and `changed_unseen` are as for
/// [`super::merged`]: a racily clean entry of the shared index whose file changed unseen
/// is replaced by a smudged copy.
pub(super) fn merged_split(
    main: &[u8],
    shared: &[u8],
    staged: &[Staged],
    stamp: u32,
    changed_unseen: &ChangedUnseen,
    max_percent: u64,
    memo: Option<&Memo>,
) -> Option<Vec<u8>> {
    let own = Own::read(main)?;
    let version = own.version;
    let link = Link::read(own.extensions.iter().find(|(s, _)| *s == b"link")?.1)?;
    let others: Vec<(&[u8], &[u8])> = own.extensions.iter().copied().filter(|(s, _)| *s != b"link").collect();

    let shared_body = without_checksum(shared)?;
    let (shared_version, shared_count) = header(shared_body)?;
    if shared[shared.len() - HASH..] != link.base {
        return None;
    }
    let Link { base, mut delete, mut replace } = link;
    if delete.len().max(replace.len()) > shared_count {
        return None;
    }
    delete.resize(shared_count, false);
    replace.resize(shared_count, false);
    let positions: Vec<usize> = (0..shared_count).filter(|&i| replace[i]).collect();
    let (replacing, mut added) = own.entries(positions.len())?;
    let mut replacements: BTreeMap<usize, Vec<u8>> = positions.into_iter().zip(replacing).collect();

    let mut changes: Vec<&Staged> = staged.iter().collect();
    changes.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    changes.dedup_by(|a, b| a.path == b.path);
    let files: Vec<&[u8]> = changes.iter().filter(|c| c.file.is_some()).map(|c| c.path.as_bytes()).collect();
    let changed: HashSet<&[u8]> = changes.iter().map(|c| c.path.as_bytes()).collect();
    // The live shared entry of each changed path: its position and fixed part.
    let mut found: Vec<Option<(usize, Vec<u8>)>> = vec![None; changes.len()];
    match memo.filter(|m| m.newest < stamp) {
        // No entry of the shared index is racily clean: only the changed paths, their
        // folders and what is under them are looked at.
        Some(memo) => {
            for (k, c) in changes.iter().enumerate() {
                let path = c.path.as_bytes();
                if let Some((at, raw, fixed_len)) = memo.find(shared_body, path)?.filter(|(at, ..)| !delete[*at]) {
                    let fixed = match replace[at] {
                        true => named(replacements.get(&at)?, path),
                        false => shared_body[raw.start..raw.start + fixed_len].to_vec(),
                    };
                    if stage(&fixed) != 0 {
                        return None;
                    }
                    found[k] = Some((at, fixed));
                }
            }
            for p in &files {
                if memo.clashes(shared_body, p, |at| !delete[at])? {
                    return None;
                }
            }
            // The split file's own entries may be racily clean.
            let replaced: Vec<usize> = replacements.keys().copied().collect();
            for at in replaced {
                let fixed = &replacements[&at];
                if be32(fixed, 8)? >= stamp {
                    let name = memo.path_of(shared_body, at)?;
                    if !changed.contains(name.as_slice()) && changed_unseen(&name, &fixed[40..60], be32(fixed, 36)?) {
                        replacements.get_mut(&at)?[36..40].copy_from_slice(&[0; 4]);
                    }
                }
            }
        }
        None => {
            let mut next = 0;
            let mut i = 0;
            walk(shared_body, shared_count, shared_version, |raw, fixed_len, name| {
                let at = i;
                i += 1;
                if delete[at] {
                    return Some(());
                }
                if clashes(name, &files) {
                    return None;
                }
                let fixed: std::borrow::Cow<[u8]> = match replace[at].then(|| replacements.get(&at)).flatten() {
                    Some(f) => named(f, name).into(),
                    None => shared_body[raw.start..raw.start + fixed_len].into(),
                };
                while next < changes.len() && changes[next].path.as_bytes() < name {
                    next += 1;
                }
                if next < changes.len() && changes[next].path.as_bytes() == name {
                    if stage(&fixed) != 0 {
                        return None;
                    }
                    found[next] = Some((at, fixed.into_owned()));
                    next += 1;
                } else if be32(&fixed, 8)? >= stamp && changed_unseen(name, &fixed[40..60], be32(&fixed, 36)?) {
                    let mut smudged = nameless(&fixed);
                    smudged[36..40].copy_from_slice(&[0; 4]);
                    replacements.insert(at, smudged);
                    replace[at] = true;
                }
                Some(())
            })?;
        }
    }
    for (name, fixed) in &mut added {
        if clashes(name, &files) || (stage(fixed) != 0 && changed.contains(name.as_slice())) {
            return None;
        }
        if !changed.contains(name.as_slice())
            && be32(fixed, 8)? >= stamp
            && changed_unseen(name, &fixed[40..60], be32(fixed, 36)?)
        {
            fixed[36..40].copy_from_slice(&[0; 4]);
        }
    }
    for (c, live) in changes.iter().zip(found) {
        let path = c.path.as_bytes();
        let was_added = match added.binary_search_by(|(n, _)| n.as_slice().cmp(path)) {
            Ok(j) => Some(added.remove(j).1),
            Err(_) => None,
        };
        let live = match live {
            // Both added and in the shared index (git reads the added one): the shared one goes.
            Some((at, _)) if was_added.is_some() => {
                delete[at] = true;
                replace[at] = false;
                replacements.remove(&at);
                None
            }
            live => live.map(|(at, _)| at),
        };
        match (live, &c.file) {
            (Some(at), Some(file)) => {
                replacements.insert(at, nameless(&new_fixed(path, file, c.executable)));
                replace[at] = true;
            }
            (Some(at), None) => {
                delete[at] = true;
                replace[at] = false;
                replacements.remove(&at);
            }
            (None, Some(file)) => {
                let j = added.binary_search_by(|(n, _)| n.as_slice().cmp(path)).unwrap_or_else(|j| j);
                added.insert(j, (path.to_vec(), new_fixed(path, file, c.executable)));
            }
            (None, None) => {}
        }
    }
    // Git's measure: the entries not in the shared index against all.
    let all = delete.iter().filter(|&&d| !d).count() + added.len();
    if added.len() as u64 * 100 > all as u64 * max_percent {
        return None;
    }

    let mut out = main[..HEADER].to_vec();
    out[8..HEADER].copy_from_slice(&u32::try_from(replacements.len() + added.len()).ok()?.to_be_bytes());
    lift_version(&mut out, replacements.values().any(|fixed| fixed.len() > FIXED));
    let mut prev = Vec::new();
    for fixed in replacements.values() {
        put_entry(&mut out, version, &mut prev, fixed, b"");
    }
    for (name, fixed) in &added {
        put_entry(&mut out, version, &mut prev, fixed, name);
    }
    Link { base, delete, replace }.write(&mut out)?;
    carry_extensions(&mut out, &others, &folders_above(&changes))?;
    Some(out)
}

/// Removes the shared indexes beside `index` other than `keep` that were last used longer
/// ago than `expire`, as git does when it writes a new one.
pub(super) fn remove_expired(index: &Path, keep: &Path, expire: Option<Duration>) {
    let (Some(expire), Some(dir)) = (expire, index.parent()) else { return };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let path = entry.path();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= expire);
        if path != keep && entry.file_name().to_string_lossy().starts_with("sharedindex.") && old {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Marks a shared index as in use now (git reads its time to know it is not to expire).
pub(super) fn freshen(shared: &Path) {
    let now = rustix::fs::Timestamps {
        last_access: rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_NOW },
        last_modification: rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_NOW },
    };
    let _ = rustix::fs::utimensat(rustix::fs::CWD, shared, &now, rustix::fs::AtFlags::empty());
}

#[cfg(test)]
mod tests {
    use super::super::read_entries;
    use super::super::tests::{git_in, write_old};
    use super::*;

    /// The entries of a split index, spelled out whole: (path, size) each.
    fn sizes(main: &[u8], shared: &[u8]) -> Vec<(String, u32)> {
        let link = link_of(without_checksum(main).unwrap()).unwrap().unwrap();
        let whole = unsplit(main, &link, shared).unwrap();
        let body = without_checksum(&whole).unwrap();
        let (version, count) = header(body).unwrap();
        let (entries, spelled, _) = read_entries(body, count, version).unwrap();
        entries
            .iter()
            .map(|e| (String::from_utf8_lossy(e.name(body, &spelled)).into_owned(), be32(e.fixed, 36).unwrap()))
            .collect()
    }

    /// A change to a split index replaces, deletes and adds entries in its file alone; a
    /// racily clean entry of the shared index whose file changed unseen is smudged there.
    #[test]
    fn a_split_index_takes_changes_in_its_file_and_smudges_what_changed_unseen() {
        for version in ["2", "4"] {
            let dir = tempfile::tempdir().unwrap();
            let git = |args: &[&str]| git_in(dir.path(), args);
            git(&["init", "-q"]);
            for name in ["a", "b", "c", "d"] {
                write_old(&dir.path().join(name), name);
            }
            git(&["add", "a", "b", "c", "d"]);
            git(&["update-index", "--index-version", version]);
            git(&["update-index", "--split-index"]);
            assert_eq!(be32(&std::fs::read(dir.path().join(".git/index")).unwrap(), 8), Some(0));
            let index = dir.path().join(".git/index");
            let main = std::fs::read(&index).unwrap();
            let link = link_of(without_checksum(&main).unwrap()).unwrap().unwrap();
            let shared = std::fs::read(shared_path(&index, &link.base)).unwrap();
            std::fs::write(dir.path().join("e"), "eee").unwrap();
            let file = |name: &str| {
                let path = dir.path().join(name);
                let oid = git2::Oid::hash_file(git2::ObjectType::Blob, &path).unwrap();
                Some((oid, std::fs::metadata(&path).unwrap()))
            };
            let staged = [
                Staged { path: "b".into(), file: None, executable: false },
                Staged { path: "d".into(), file: file("d"), executable: false },
                Staged { path: "e".into(), file: file("e"), executable: false },
            ];
            // Stamp 0: every entry is racily clean; only c's file changed since.
            let mut new = merged_split(&main, &shared, &staged, 0, &|name, _, _| name == b"c", 100, None).unwrap();
            new.extend_from_slice(&[0; HASH]);
            let expected = [("a", 1), ("c", 0), ("d", 1), ("e", 3)].map(|(n, s)| (n.to_string(), s));
            assert_eq!(sizes(&new, &shared), expected, "index version {version}");
            // c and d replaced (nameless), e added: three entries in the file itself.
            assert_eq!(be32(&new, 8), Some(3), "index version {version}");
            // Past the share of entries allowed outside the shared index: a change for the whole.
            assert!(merged_split(&main, &shared, &staged, 0, &|_, _, _| false, 10, None).is_none());
        }
    }

    /// A split index spelled out whole for libgit2 smudges a racily clean entry whose file
    /// changed unseen (the same size, the same second), and no other.
    #[test]
    fn a_whole_copy_smudges_what_changed_unseen() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| git_in(dir.path(), args);
        git(&["init", "-q"]);
        for name in ["a", "b", "c"] {
            write_old(&dir.path().join(name), name);
        }
        git(&["add", "a", "b", "c"]);
        git(&["update-index", "--split-index"]);
        // b changes in place within the second its entry and the index were written.
        write_old(&dir.path().join("b"), "x");
        let index = dir.path().join(".git/index");
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_500_000_000);
        std::fs::File::options().write(true).open(&index).unwrap().set_modified(old).unwrap();
        let whole = super::super::whole_copy(&index, dir.path()).unwrap().unwrap();
        let body = without_checksum(&whole).unwrap();
        let (version, count) = header(body).unwrap();
        let (entries, spelled, _) = read_entries(body, count, version).unwrap();
        let sizes: Vec<(&[u8], u32)> =
            entries.iter().map(|e| (e.name(body, &spelled), be32(e.fixed, 36).unwrap())).collect();
        assert_eq!(sizes, [(&b"a"[..], 1), (b"b", 0), (b"c", 1)]);
        assert_eq!(Sha1::digest(body).as_slice(), &whole[body.len()..], "with its checksum");
    }

    /// An entry with extended flags (skip-worktree) in a shared index of version 3 makes
    /// the index spelled out whole one of version 3, though git wrote its file as version 2.
    #[test]
    fn a_whole_index_takes_the_version_its_entries_need() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| git_in(dir.path(), args);
        git(&["init", "-q"]);
        // Git then keeps no entry in its own file, which it writes as version 2.
        for name in ["a", "b"] {
            write_old(&dir.path().join(name), name);
        }
        git(&["add", "a", "b"]);
        git(&["update-index", "--skip-worktree", "a"]);
        git(&["update-index", "--split-index"]);
        let index = dir.path().join(".git/index");
        let main = std::fs::read(&index).unwrap();
        let link = link_of(without_checksum(&main).unwrap()).unwrap().unwrap();
        let shared = std::fs::read(shared_path(&index, &link.base)).unwrap();
        assert_eq!((be32(&main, 4), be32(&shared, 4)), (Some(2), Some(3)), "git's own forms");
        let whole = unsplit(&main, &link, &shared).unwrap();
        assert_eq!(be32(&whole, 4), Some(3));
        let body = without_checksum(&whole).unwrap();
        assert_eq!(read_entries(body, 2, 3).map(|(e, _, _)| e.len()), Some(2));
    }
}
