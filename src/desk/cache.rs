//! A cache of parsed records in `.tkt/cache/` (git-ignored) that is never wrong: every
//! entry is checked against its file's size, modification and change times and inode on
//! every run, and entries written in the same moment as their file are not trusted (the
//! "racy" case git also guards against). Deleting the cache changes only speed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store;
use crate::model::Record;
use crate::Result;

/// A file's identity as the filesystem reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        let mtime_ns = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i128;
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            (i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()), m.ino())
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (mtime_ns, 0);
        Some(Stamp { len: m.len(), mtime_ns, ctime_ns, ino })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// The parsed record as JSON, which reads back many times faster than YAML.
    json: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// The format of this file; another version is ignored.
    version: u32,
    /// When the cache was written; entries changed within a racy window of it are re-read.
    written_ns: i128,
    entries: HashMap<PathBuf, Entry>,
}

const VERSION: u32 = 1;
/// Files modified this close to the cache's writing are re-read: a change in the same
/// tick may not show in their times.
const RACY_NS: i128 = 2_000_000_000;

/// Reads the records at `files` (desk-relative), through the cache file `cache`.
pub fn read_records<T: Record>(root: &Path, cache: &Path, files: &[PathBuf]) -> Result<Vec<T>> {
    let mut old: CacheFile = std::fs::read(cache)
        .ok()
        .and_then(|b| postcard::from_bytes::<CacheFile>(&b).ok())
        .filter(|c| c.version == VERSION)
        .unwrap_or_default();
    let mut new = CacheFile { version: VERSION, written_ns: now_ns(), entries: HashMap::with_capacity(files.len()) };
    let mut changed = old.entries.len() != files.len();
    let mut records = Vec::with_capacity(files.len());
    for rel in files {
        let abs = root.join(rel);
        let stamp = Stamp::of(&abs);
        let cached = old
            .entries
            .remove(rel)
            .filter(|e| Some(e.stamp) == stamp && e.stamp.mtime_ns.max(e.stamp.ctime_ns) + RACY_NS < old.written_ns);
        let hit = cached.and_then(|e| serde_json::from_str::<T>(&e.json).ok().map(|r| (r, e)));
        let (record, entry) = match hit {
            Some((record, entry)) => (record, entry),
            None => {
                changed = true;
                let record: T = store::read_record(&abs, rel)?;
                // Only what reads back exactly is cached (a YAML tag, say, would not).
                let json = serde_json::to_string(&record)
                    .ok()
                    .filter(|j| {
                        let back = serde_json::from_str::<T>(j).ok();
                        back.is_some_and(|b| serde_yaml::to_string(&b).ok() == serde_yaml::to_string(&record).ok())
                    })
                    .unwrap_or_default();
                let entry = Entry { stamp: stamp.unwrap_or(Stamp { len: 0, mtime_ns: 0, ctime_ns: 0, ino: 0 }), json };
                (record, entry)
            }
        };
        new.entries.insert(rel.clone(), entry);
        records.push(record);
    }
    if changed || !old.entries.is_empty() {
        // A cache that cannot be written (a read-only desk) only costs speed.
        if let Ok(bytes) = postcard::to_stdvec(&new) {
            let _ = store::write_atomic(cache, &bytes);
        }
    }
    Ok(records)
}

fn now_ns() -> i128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as i128).unwrap_or(0)
}
