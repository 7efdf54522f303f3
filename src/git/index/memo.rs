//! Where a shared index's entries are, kept beside it (`tkt-sharedindex.<hash>` in the git
//! folder) so that a change finds its few paths without walking 400,000 entries: where
//! every 64th entry starts and the path of the entry before it (version 4 spells a path
//! from the one before), and the latest modification time of any entry, which says
//! whether one may be racily clean. A shared index is never changed once written, so
//! neither is its memo; one that does not read (damaged, or of another shared index) is
//! made again, and one whose shared index is gone is removed.

use std::ops::Range;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use super::{be32, walk, walk_from, HASH};

const MAGIC: &[u8; 8] = b"TKTSIDX1";
/// Entries between two marks: a path is found by walking at most this many.
const STEP: usize = 64;

pub(super) struct Memo {
    /// The latest modification time (seconds) of an entry of the shared index.
    pub newest: u32,
    count: usize,
    version: u32,
    marks: Vec<Mark>,
}

/// The entry at position `at` (a multiple of [`STEP`]) starts at byte `off`, after an
/// entry whose path is `prev` (kept for version 4 only).
struct Mark {
    at: usize,
    off: usize,
    prev: Vec<u8>,
}

/// The memo of the shared index at `shared` (`sharedindex.<hash>`).
pub(super) fn memo_path(shared: &Path) -> PathBuf {
    let name = shared.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    shared.with_file_name(format!("tkt-{name}"))
}

/// Removes the memos in `dir` whose shared index is gone.
fn remove_orphans(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(shared) = name.strip_prefix("tkt-").filter(|s| s.starts_with("sharedindex.")) {
            if !dir.join(shared).exists() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The memo of the shared index at `shared` (its bytes, named by `base`): the one stored
/// beside it, or one made now and stored for the next command (when it cannot be stored,
/// the next makes it again); the memos of shared indexes git removed go then.
pub(super) fn load_or_make(shared: &Path, bytes: &[u8], base: &[u8; HASH]) -> Option<Memo> {
    let body = super::without_checksum(bytes)?;
    let (version, count) = super::header(body)?;
    let path = memo_path(shared);
    if let Some(memo) = std::fs::read(&path).ok().and_then(|b| Memo::read(&b, base, count, version)) {
        return Some(memo);
    }
    let memo = Memo::build(body, count, version)?;
    let _ = crate::files::write_atomic_with(&path, |out| out.write_all(&memo.to_bytes(base)));
    if let Some(dir) = shared.parent() {
        remove_orphans(dir);
    }
    Some(memo)
}

impl Memo {
    /// The memo of a shared index (`body`: without its checksum), from one walk of it.
    pub fn build(body: &[u8], count: usize, version: u32) -> Option<Memo> {
        let mut marks = Vec::with_capacity(count / STEP + 1);
        let (mut newest, mut at) = (0, 0);
        let mut last: Vec<u8> = Vec::new();
        walk(body, count, version, |raw, _, name| {
            if at % STEP == 0 {
                marks.push(Mark { at, off: raw.start, prev: last.clone() });
            }
            newest = newest.max(be32(body, raw.start + 8)?);
            if version == 4 {
                last.clear();
                last.extend_from_slice(name);
            }
            at += 1;
            Some(())
        })?;
        Some(Memo { newest, count, version, marks })
    }

    /// The memo as stored, for the shared index named by `base`, with a checksum.
    pub fn to_bytes(&self, base: &[u8; HASH]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(base);
        for n in [self.count, self.version as usize, self.newest as usize, self.marks.len()] {
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        for m in &self.marks {
            for n in [m.at, m.off, m.prev.len()] {
                out.extend_from_slice(&(n as u32).to_be_bytes());
            }
            out.extend_from_slice(&m.prev);
        }
        let sum = Sha1::digest(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// Reads a stored memo; `None` unless it is whole and of the shared index named by
    /// `base`, with `count` entries of `version`.
    pub fn read(bytes: &[u8], base: &[u8; HASH], count: usize, version: u32) -> Option<Memo> {
        let body = bytes.get(..bytes.len().checked_sub(HASH)?)?;
        if Sha1::digest(body).as_slice() != &bytes[body.len()..] || !body.starts_with(MAGIC) {
            return None;
        }
        let mut pos = MAGIC.len();
        if body.get(pos..pos + HASH)? != base {
            return None;
        }
        pos += HASH;
        let number = |pos: &mut usize| {
            let n = be32(body, *pos)? as usize;
            *pos += 4;
            Some(n)
        };
        let (stored_count, stored_version, newest, n) =
            (number(&mut pos)?, number(&mut pos)?, number(&mut pos)?, number(&mut pos)?);
        if stored_count != count || stored_version != version as usize || n != count.div_ceil(STEP) {
            return None;
        }
        let mut marks = Vec::with_capacity(n);
        for i in 0..n {
            let (at, off, len) = (number(&mut pos)?, number(&mut pos)?, number(&mut pos)?);
            let prev = body.get(pos..pos + len)?.to_vec();
            pos += len;
            if at != i * STEP {
                return None;
            }
            marks.push(Mark { at, off, prev });
        }
        (pos == body.len()).then_some(Memo { newest: newest as u32, count, version, marks })
    }

    /// Calls `each(position, bytes, length of the fixed part, path)` for the entries of the
    /// shared index `body` from the first whose path is not below `key`, in order, until it
    /// returns `false`. `None` when `each` fails or the index does not read as the memo says.
    pub fn seek(
        &self,
        body: &[u8],
        key: &[u8],
        mut each: impl FnMut(usize, Range<usize>, usize, &[u8]) -> Option<bool>,
    ) -> Option<()> {
        if self.marks.is_empty() {
            return Some(());
        }
        // The last mark whose path is not above the key.
        let (mut lo, mut hi) = (0, self.marks.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.path_of(body, self.marks[mid].at)?.as_slice() <= key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mark = &self.marks[lo.saturating_sub(1)];
        let mut at = mark.at;
        walk_from(body, mark.off, mark.prev.clone(), self.count - mark.at, self.version, |raw, fixed_len, name| {
            at += 1;
            if name < key {
                return Some(true);
            }
            each(at - 1, raw, fixed_len, name)
        })?;
        Some(())
    }

    /// The first entry whose path is `path`: its position, bytes and the length of its
    /// fixed part.
    pub fn find(&self, body: &[u8], path: &[u8]) -> Option<Option<(usize, Range<usize>, usize)>> {
        let mut found = None;
        self.seek(body, path, |at, raw, fixed_len, name| {
            found = (name == path).then_some((at, raw, fixed_len));
            Some(false)
        })?;
        Some(found)
    }

    /// Whether an entry that is `live` (by position) stands where a file at `path` cannot
    /// go: at one of its folders, or under it.
    pub fn clashes(&self, body: &[u8], path: &[u8], live: impl Fn(usize) -> bool) -> Option<bool> {
        let folders = path.iter().enumerate().filter(|(_, &b)| b == b'/').map(|(i, _)| path[..i].to_vec());
        let under = [path, b"/"].concat();
        let mut clash = false;
        for (key, exact) in folders.map(|f| (f, true)).chain([(under, false)]) {
            self.seek(body, &key, |at, _, _, name| {
                let ours = if exact { name == key.as_slice() } else { name.starts_with(&key) };
                clash |= ours && live(at);
                Some(ours && !clash)
            })?;
            if clash {
                break;
            }
        }
        Some(clash)
    }

    /// The path of the entry at position `at`.
    pub fn path_of(&self, body: &[u8], at: usize) -> Option<Vec<u8>> {
        let mark = self.marks.get(at / STEP)?;
        let mut path = None;
        let mut left = at - mark.at;
        walk_from(body, mark.off, mark.prev.clone(), left + 1, self.version, |_, _, name| {
            if left == 0 {
                path = Some(name.to_vec());
            }
            left = left.wrapping_sub(1);
            Some(true)
        })?;
        path
    }
}

#[cfg(test)]
mod tests {
    use super::super::split::{link_of, merged_split, shared_path};
    use super::super::tests::{git_in, write_old};
    use super::super::{header, without_checksum};
    use super::*;
    use crate::git::Staged;

    /// Whatever the change, a split index written with the memo's help is the one written
    /// by walking every entry of the shared index: the same entries found, the same
    /// clashes of a file with a folder refused, the same racily clean entries smudged.
    #[test]
    fn a_change_found_through_the_memo_is_the_change_found_by_walking() {
        for version in ["2", "4"] {
            let dir = tempfile::tempdir().unwrap();
            let git = |args: &[&str]| git_in(dir.path(), args);
            git(&["init", "-q"]);
            // Names whose order differs as files and as folders, and folders of 64+ entries.
            let mut names: Vec<String> = ["a", "a-b", "a.b", "a0", "b/c", "b/c-d", "b-c/d"].map(String::from).to_vec();
            names.extend((0..400).map(|i| format!("t/{}/T-{i:05}.yaml", 2020 + i % 3)));
            for name in &names {
                let path = dir.path().join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                write_old(&path, name);
            }
            git(&["add", "-A"]);
            git(&["update-index", "--index-version", version]);
            git(&["update-index", "--split-index"]);
            // Entries of the split file itself: replaced (changed since, so newer than every
            // shared entry) and deleted ones.
            for name in ["a.b", "t/2021/T-00001.yaml", "t/2022/T-00398.yaml"] {
                std::fs::write(dir.path().join(name), "changed").unwrap();
            }
            git(&["add", "a.b", "t/2021/T-00001.yaml", "t/2022/T-00398.yaml"]);
            git(&["rm", "-q", "--cached", "a0", "t/2020/T-00003.yaml"]);
            let index = dir.path().join(".git/index");
            let main = std::fs::read(&index).unwrap();
            let link = link_of(without_checksum(&main).unwrap()).unwrap().unwrap();
            let shared = std::fs::read(shared_path(&index, &link.base)).unwrap();
            let body = without_checksum(&shared).unwrap();
            let (v, count) = header(body).unwrap();
            let memo = Memo::build(body, count, v).unwrap();
            // Stored and read back, it is the same; of another shared index, it is not read.
            let stored = memo.to_bytes(&link.base);
            let memo = Memo::read(&stored, &link.base, count, v).unwrap();
            assert!(Memo::read(&stored, &[7; HASH], count, v).is_none());
            let mut damaged = stored.clone();
            damaged[40] ^= 1;
            assert!(Memo::read(&damaged, &link.base, count, v).is_none());

            std::fs::write(dir.path().join("new"), "new").unwrap();
            let meta = std::fs::metadata(dir.path().join("new")).unwrap();
            let put = |path: &str| Staged {
                path: path.into(),
                file: Some((git2::Oid::ZERO_SHA1, meta.clone())),
                executable: false,
            };
            let gone = |path: &str| Staged { path: path.into(), file: None, executable: false };
            let cases: Vec<Vec<Staged>> = vec![
                vec![put("t/2026/T-00401.yaml")],
                vec![put("t/2020/T-00000.yaml"), gone("t/2021/T-00004.yaml")],
                vec![put("t/2021/T-00001.yaml"), put("a.b")],
                vec![gone("a0"), put("t/2020/T-00003.yaml")],
                vec![gone("nothing"), put("t/2022/T-00397.yaml")],
                // A file where a folder is, and under a file: a change for the whole index.
                vec![put("b")],
                vec![put("a/x")],
                vec![put("t/2020")],
                vec![put("t/2020/T-00006.yaml/x")],
                // Where a deleted entry was, no clash.
                vec![put("a0/x")],
            ];
            let newest = memo.newest;
            for stamp in [newest + 1, u32::MAX] {
                for (i, staged) in cases.iter().enumerate() {
                    let unseen = |name: &[u8], _: &[u8], _: u32| name == b"t/2021/T-00001.yaml";
                    let walked = merged_split(&main, &shared, staged, stamp, &unseen, 100, None);
                    assert_eq!(walked.is_some(), !(5..9).contains(&i), "case {i}");
                    let found = merged_split(&main, &shared, staged, stamp, &unseen, 100, Some(&memo));
                    let paths: Vec<&str> = staged.iter().map(|s| s.path.as_str()).collect();
                    assert_eq!(found, walked, "version {version}, stamp {stamp}, {paths:?}");
                }
            }
            // The racily clean entry of the split file was smudged (the first stamp).
            let walked = merged_split(&main, &shared, &cases[0], newest + 1, &|n, _, _| n == b"a.b", 100, None);
            let plain = merged_split(&main, &shared, &cases[0], u32::MAX, &|n, _, _| n == b"a.b", 100, None);
            assert_ne!(walked, plain, "version {version}");
            // Every path found where it is.
            for name in names.iter().filter(|n| !["a0", "t/2020/T-00003.yaml"].contains(&n.as_str())) {
                let mut seen = None;
                memo.seek(body, name.as_bytes(), |at, _, _, path| {
                    seen = Some((at, path.to_vec()));
                    Some(false)
                })
                .unwrap();
                let (at, path) = seen.unwrap();
                assert_eq!(path, name.as_bytes());
                assert_eq!(memo.path_of(body, at).unwrap(), name.as_bytes());
            }
        }
    }
}
