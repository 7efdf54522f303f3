//! A cache of parsed records in `.tkt/cache/` (git-ignored) that is never wrong: every
//! entry is checked against its file's size, modification and change times and inode on
//! every run, and entries written in the same moment as their file are not trusted (the
//! "racy" case git also guards against). Deleting the cache changes only speed.
//!
//! Each entry also keeps the ids its record points at (a document's ticket, invoice, …), so
//! that the documents of one ticket are found without decoding every document.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store;
use crate::model::Record;
use crate::Result;

/// A file's identity as the filesystem reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One file's entry. Text is borrowed from the cache file's bytes where it can be, so that
/// reading a large cache copies nothing but what is decoded.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    path: Cow<'a, str>,
    stamp: Stamp,
    #[serde(borrow)]
    id: Cow<'a, str>,
    /// The ids the record points at ([`Record::links`]).
    links: Vec<String>,
    /// The parsed record as JSON, which reads back many times faster than YAML; empty when
    /// the record does not read back exactly from JSON.
    #[serde(borrow)]
    json: Cow<'a, str>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile<'a> {
    /// The format of this file; another version is ignored.
    version: u32,
    /// When the cache was written; entries changed within a racy window of it are re-read.
    written_ns: i128,
    #[serde(borrow)]
    entries: Vec<Entry<'a>>,
}

const VERSION: u32 = 3;
/// Files modified this close to the cache's writing are re-read: a change in the same
/// tick may not show in their times.
const RACY_NS: i128 = 2_000_000_000;

/// A record's id and the ids it points at, known without decoding the record.
#[derive(Debug, Clone)]
pub struct Links {
    pub path: PathBuf,
    pub id: String,
    pub links: Vec<String>,
}

/// Reads the records at `files` (desk-relative), through the cache file `cache`.
pub fn read_records<T: Record + Send>(root: &Path, cache: &Path, files: &[PathBuf]) -> Result<Vec<T>> {
    refresh(root, cache, files, true).map(|(records, _)| records)
}

/// The ids and links of the records at `files`, decoding only records whose file changed.
pub fn read_links<T: Record + Send>(root: &Path, cache: &Path, files: &[PathBuf]) -> Result<Vec<Links>> {
    refresh::<T>(root, cache, files, false).map(|(_, links)| links)
}

/// Where one file's entry comes from: the old cache (still valid), or the file itself.
enum Found<'a, T> {
    Cached(usize, Option<T>),
    Read(Entry<'a>, Option<T>),
}

/// Checks every file against the cache, re-reads what changed, writes the cache back when
/// anything did, and returns the records (when `decode`) and every file's links.
fn refresh<T: Record + Send>(
    root: &Path,
    cache: &Path,
    files: &[PathBuf],
    decode: bool,
) -> Result<(Vec<T>, Vec<Links>)> {
    let bytes = std::fs::read(cache).unwrap_or_default();
    let mut old: CacheFile =
        postcard::from_bytes::<CacheFile>(&bytes).ok().filter(|c| c.version == VERSION).unwrap_or_default();
    let index: HashMap<&str, usize> = old.entries.iter().enumerate().map(|(i, e)| (e.path.as_ref(), i)).collect();
    let look = |rel: &PathBuf| -> Result<Found<T>> {
        let stamp = Stamp::of(&root.join(rel));
        let valid = rel.to_str().and_then(|r| index.get(r)).map(|&i| (i, &old.entries[i])).filter(|(_, e)| {
            Some(e.stamp) == stamp && e.stamp.mtime_ns.max(e.stamp.ctime_ns) + RACY_NS < old.written_ns
        });
        if let Some((i, entry)) = valid {
            if !decode {
                return Ok(Found::Cached(i, None));
            }
            if let Ok(record) = serde_json::from_str::<T>(&entry.json) {
                return Ok(Found::Cached(i, Some(record)));
            }
        }
        let record: T = store::read_record(&root.join(rel), rel)?;
        // Only what reads back exactly is cached (a YAML tag, say, would not).
        let json = serde_json::to_string(&record)
            .ok()
            .filter(|j| serde_json::from_str::<T>(j).ok().as_ref() == Some(&record))
            .unwrap_or_default();
        let entry = Entry {
            path: Cow::Owned(rel.to_string_lossy().into_owned()),
            stamp: stamp.unwrap_or_default(),
            id: Cow::Owned(record.id().to_string()),
            links: record.links(),
            json: Cow::Owned(json),
        };
        Ok(Found::Read(entry, decode.then_some(record)))
    };
    // Checking and decoding thousands of files is shared among the cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = files.len().div_ceil(threads).max(256);
    let found: Vec<Found<T>> = std::thread::scope(|s| {
        let handles: Vec<_> =
            files.chunks(chunk).map(|part| s.spawn(|| part.iter().map(&look).collect::<Result<Vec<_>>>())).collect();
        let mut all = Vec::with_capacity(files.len());
        for h in handles {
            all.extend(h.join().expect("a cache reader panicked")?);
        }
        Ok::<_, crate::Error>(all)
    })?;
    drop(index);

    let mut changed = old.entries.len() != files.len();
    let mut records = Vec::with_capacity(if decode { files.len() } else { 0 });
    let mut links = Vec::with_capacity(if decode { 0 } else { files.len() });
    let mut entries = Vec::with_capacity(files.len());
    for f in found {
        let (entry, record) = match f {
            Found::Cached(i, record) => (std::mem::take(&mut old.entries[i]), record),
            Found::Read(entry, record) => {
                changed = true;
                (entry, record)
            }
        };
        if !decode {
            let (path, id) = (PathBuf::from(entry.path.as_ref()), entry.id.to_string());
            links.push(Links { path, id, links: entry.links.clone() });
        }
        records.extend(record);
        entries.push(entry);
    }
    if changed {
        let new = CacheFile { version: VERSION, written_ns: now_ns(), entries };
        // A cache that cannot be written (a read-only desk) only costs speed.
        if let Ok(bytes) = postcard::to_stdvec(&new) {
            let _ = store::write_atomic(cache, &bytes);
        }
    }
    Ok((records, links))
}

fn now_ns() -> i128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as i128).unwrap_or(0)
}
