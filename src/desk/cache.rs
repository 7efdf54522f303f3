//! A cache of parsed records in `.tkt/cache/` (git-ignored) that is never wrong: every
//! entry is checked against its file's size, modification and change times and inode on
//! every run, and entries written in the same moment as their file are not trusted (the
//! "racy" case git also guards against). Deleting the cache changes only speed.
//!
//! Each entry also keeps the ids its record points at (a document's ticket, invoice, …), so
//! that the documents of one ticket are found without decoding every document.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store;
use crate::files::write_atomic;
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
    /// The stamps of `files` (desk-relative, sorted by path), each found through its
    /// folder's handle: the kernel walks each folder's path once, not once per file. The
    /// link itself is stamped, never what it points at: a record made a link reads again
    /// (and is refused).
    fn of_files(root: &Path, files: &[PathBuf]) -> Vec<Option<Stamp>> {
        let mut stamps = Vec::with_capacity(files.len());
        let mut start = 0;
        while start < files.len() {
            let folder = files[start].parent();
            let end = start + files[start..].iter().take_while(|f| f.parent() == folder).count();
            let folder = Folder::open(&root.join(folder.unwrap_or(Path::new(""))));
            stamps.extend(files[start..end].iter().map(|f| folder.as_ref().and_then(|d| d.stamp(f))));
            start = end;
        }
        stamps
    }
}

/// An open folder whose files are stamped by name.
#[cfg(unix)]
struct Folder(std::os::fd::OwnedFd);

#[cfg(unix)]
impl Folder {
    fn open(path: &Path) -> Option<Folder> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        rustix::fs::open(path, flags, Mode::empty()).ok().map(Folder)
    }

    // The field types differ among platforms.
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    fn stamp(&self, file: &Path) -> Option<Stamp> {
        let st = rustix::fs::statat(&self.0, file.file_name()?, rustix::fs::AtFlags::SYMLINK_NOFOLLOW).ok()?;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Stamp {
            len: st.st_size as u64,
            mtime_ns: ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
            ctime_ns: ns(st.st_ctime as i64, st.st_ctime_nsec as i64),
            ino: st.st_ino as u64,
        })
    }
}

#[cfg(not(unix))]
struct Folder(PathBuf);

#[cfg(not(unix))]
impl Folder {
    fn open(path: &Path) -> Option<Folder> {
        Some(Folder(path.to_path_buf()))
    }

    fn stamp(&self, file: &Path) -> Option<Stamp> {
        let m = std::fs::symlink_metadata(self.0.join(file.file_name()?)).ok()?;
        let mtime_ns = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i128;
        Some(Stamp { len: m.len(), mtime_ns, ctime_ns: mtime_ns, ino: 0 })
    }
}

/// One file's entry. Text is borrowed from the index file's bytes where it can be, so that
/// reading a large index copies little.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    path: Cow<'a, str>,
    stamp: Stamp,
    #[serde(borrow)]
    id: Cow<'a, str>,
    /// The ids the record points at ([`Record::links`]).
    links: Vec<String>,
    /// [`Record::indexed`].
    indexed: Vec<String>,
    /// Where the record's JSON is in the data file; `len` 0 when the record does not read
    /// back exactly from JSON (it is then read from its YAML).
    at: u64,
    len: u32,
}

/// `<kind>.idx`: what each file was when it was cached, small enough to read on every run.
/// The records themselves, as JSON (which reads back many times faster than YAML), are in
/// `<kind>.dat`, read only by commands that decode them.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Index<'a> {
    /// The format of these files; another version is ignored.
    version: u32,
    /// When the files were looked at for this cache; entries changed within a racy window
    /// of it are re-read.
    written_ns: i128,
    /// Written at the start of the data file too: a data file of another generation (a
    /// crash between the two writes) is ignored.
    generation: u64,
    #[serde(borrow)]
    entries: Vec<Entry<'a>>,
}

const VERSION: u32 = 5;
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

/// Which records a caller wants decoded.
#[derive(Clone, Copy)]
pub enum Want<'f> {
    All,
    /// Those whose [`Record::indexed`] values pass the test (others are not decoded).
    Where(&'f (dyn Fn(&[String]) -> bool + Sync)),
    /// None: only every record's links.
    Links,
}

/// Reads the records at `files` (desk-relative) that `want` asks for, through the cache files
/// at `cache` (`.idx` and `.dat` are added).
pub fn read_records<T: Record + Send>(root: &Path, cache: &Path, files: &[PathBuf], want: Want) -> Result<Vec<T>> {
    refresh(root, cache, files, want).map(|(records, _)| records)
}

/// The ids and links of the records at `files`, decoding only records whose file changed.
pub fn read_links<T: Record + Send>(root: &Path, cache: &Path, files: &[PathBuf]) -> Result<Vec<Links>> {
    refresh::<T>(root, cache, files, Want::Links).map(|(_, links)| links)
}

/// Where one file's entry comes from: the old cache (still valid), or the file itself
/// (with its JSON, when exact). Records travel apart: they are large.
enum Found<'a> {
    Cached(usize),
    Read(Entry<'a>, String),
}

/// An entry's JSON in the data file (after its 8-byte generation), if it has any.
fn slice<'d>(data: &'d [u8], entry: &Entry) -> Option<&'d [u8]> {
    let start = usize::try_from(entry.at).ok()?.checked_add(8)?;
    data.get(start..start.checked_add(entry.len as usize)?).filter(|j| !j.is_empty())
}

/// The records' JSON, when the data file belongs to the index.
fn payloads(path: &Path, generation: u64) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    (bytes.get(..8)? == generation.to_le_bytes()).then_some(bytes)
}

/// Checks every file against the cache, re-reads what changed, writes the cache back when
/// anything did, and returns the records wanted, or every file's links.
fn refresh<T: Record + Send>(root: &Path, cache: &Path, files: &[PathBuf], want: Want) -> Result<(Vec<T>, Vec<Links>)> {
    let decode = !matches!(want, Want::Links);
    let wanted = |indexed: &[String]| match want {
        Want::All => true,
        Want::Where(test) => test(indexed),
        Want::Links => false,
    };
    // Entries are trusted against the time the files were looked at, not the time the
    // cache is written: an edit made while they are read is then never taken as cached.
    let started = now_ns();
    let (idx_path, dat_path) = (cache.with_extension("idx"), cache.with_extension("dat"));
    let idx_bytes = std::fs::read(&idx_path).unwrap_or_default();
    let mut old: Index =
        postcard::from_bytes::<Index>(&idx_bytes).ok().filter(|c| c.version == VERSION).unwrap_or_default();
    let mut data = if decode { payloads(&dat_path, old.generation) } else { None };
    // Entries are written in the order of the files, sorted by path: a search finds them
    // (in a cache not so sorted it finds nothing, which costs a read, never a wrong record).
    let entry_of = |rel: &str| old.entries.binary_search_by(|e| e.path.as_ref().cmp(rel)).ok();
    let look = |rel: &PathBuf, stamp: Option<Stamp>| -> Result<(Found, Option<T>)> {
        let valid = rel.to_str().and_then(entry_of).map(|i| (i, &old.entries[i])).filter(|(_, e)| {
            Some(e.stamp) == stamp && e.stamp.mtime_ns.max(e.stamp.ctime_ns) + RACY_NS < old.written_ns
        });
        if let Some((i, entry)) = valid {
            if !wanted(&entry.indexed) {
                return Ok((Found::Cached(i), None));
            }
            let json = data.as_deref().and_then(|d| slice(d, entry));
            // A damaged cache could point at another record's text: the id must agree too.
            let record = json.and_then(|j| serde_json::from_slice::<T>(j).ok()).filter(|r| r.id() == entry.id);
            if let Some(record) = record {
                return Ok((Found::Cached(i), Some(record)));
            }
        }
        let (record, json) = store::read_record_json::<T>(&root.join(rel), rel)?;
        // Only what reads back exactly is cached (a YAML tag, say, would not).
        let json = json.filter(|j| serde_json::from_str::<T>(j).ok().as_ref() == Some(&record)).unwrap_or_default();
        let entry = Entry {
            path: Cow::Owned(rel.to_string_lossy().into_owned()),
            stamp: stamp.unwrap_or_default(),
            id: Cow::Owned(record.id().to_string()),
            links: record.links(),
            indexed: record.indexed(),
            at: 0,
            len: 0,
        };
        let keep = wanted(&entry.indexed);
        Ok((Found::Read(entry, json), keep.then_some(record)))
    };
    // Checking and decoding thousands of files is shared among the cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = files.len().div_ceil(threads).max(256);
    let mut records = Vec::with_capacity(if decode { files.len() } else { 0 });
    let found: Vec<Found> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let look = &look;
                s.spawn(move || {
                    let (mut found, mut records) = (Vec::with_capacity(part.len()), Vec::new());
                    for (rel, stamp) in part.iter().zip(Stamp::of_files(root, part)) {
                        let (f, record) = look(rel, stamp)?;
                        found.push(f);
                        records.extend(record);
                    }
                    Ok::<_, crate::Error>((found, records))
                })
            })
            .collect();
        let mut all = Vec::with_capacity(files.len());
        for h in handles {
            let (found, part) = h.join().expect("a cache reader panicked")?;
            all.extend(found);
            records.extend(part);
        }
        Ok::<_, crate::Error>(all)
    })?;

    let changed = old.entries.len() != files.len() || found.iter().any(|f| matches!(f, Found::Read(..)));
    if !changed {
        // The decoded records are what the caller needs from here on.
        data = None;
    } else if data.is_none() {
        // Entries kept from the old cache bring their JSON along.
        data = payloads(&dat_path, old.generation);
    }
    let generation = now_ns() as u64;
    let mut new_data = if changed { generation.to_le_bytes().to_vec() } else { Vec::new() };
    let mut links = Vec::with_capacity(if decode { 0 } else { files.len() });
    let mut entries = Vec::with_capacity(if changed { files.len() } else { 0 });
    for f in found {
        let (mut entry, json) = match f {
            Found::Cached(i) => {
                let entry = std::mem::take(&mut old.entries[i]);
                let json =
                    if changed { data.as_deref().and_then(|d| slice(d, &entry)).unwrap_or_default() } else { &[] };
                (entry, Cow::Borrowed(json))
            }
            Found::Read(entry, json) => (entry, Cow::Owned(json.into_bytes())),
        };
        if !decode {
            links.push(Links {
                path: PathBuf::from(entry.path.as_ref()),
                id: entry.id.to_string(),
                links: entry.links.clone(),
            });
        }
        if changed {
            entry.at = (new_data.len() - 8) as u64;
            entry.len = u32::try_from(json.len()).unwrap_or(0);
            if entry.len > 0 {
                new_data.extend_from_slice(&json);
            }
            entries.push(entry);
        }
    }
    if changed {
        let new = Index { version: VERSION, written_ns: started, generation, entries };
        // A cache that cannot be written (a read-only desk) only costs speed. The data goes
        // first: an index is never newer than its data.
        if let Ok(bytes) = postcard::to_stdvec(&new) {
            if write_atomic(&dat_path, &new_data).is_ok() {
                let _ = write_atomic(&idx_path, &bytes);
            }
        }
    }
    Ok((records, links))
}

fn now_ns() -> i128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as i128).unwrap_or(0)
}
