//! A cache of parsed records in `.tkt/cache/` (git-ignored) that is never wrong: every
//! entry is checked against its file's size, modification and change times and inode on
//! every run, and entries written in the same moment as their file are not trusted (the
//! "racy" case git also guards against). Deleting the cache changes only speed.
//!
//! Each entry also keeps the ids its record points at (a document's ticket, invoice, …), so
//! that the documents of one ticket are found without decoding every document.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, BufWriter, ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store;
use crate::files::write_atomic_with;
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
    /// The stamp of the file `m` tells of.
    #[cfg(unix)]
    fn of(m: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Stamp {
            len: m.len(),
            mtime_ns: ns(m.mtime(), m.mtime_nsec()),
            ctime_ns: ns(m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
        }
    }

    #[cfg(not(unix))]
    fn of(m: &std::fs::Metadata) -> Stamp {
        let mtime_ns = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        let mtime_ns = mtime_ns.map_or(0, |d| d.as_nanos() as i128);
        Stamp { len: m.len(), mtime_ns, ctime_ns: mtime_ns, ino: 0 }
    }

    /// The stamps of `files` (desk-relative, sorted by path) not `known` already, each
    /// found through its folder's handle: the kernel walks each folder's path once, not
    /// once per file. The link itself is stamped, never what it points at: a record made a
    /// link reads again (and is refused).
    fn of_files(root: &Path, files: &[PathBuf], known: &[Option<Stamp>]) -> Vec<Option<Stamp>> {
        let mut stamps = Vec::with_capacity(files.len());
        let mut start = 0;
        while start < files.len() {
            let folder = files[start].parent();
            let end = start + files[start..].iter().take_while(|f| f.parent() == folder).count();
            let mut open = None;
            for (f, known) in files[start..end].iter().zip(&known[start..end]) {
                stamps.push(known.or_else(|| {
                    let dir = open.get_or_insert_with(|| Folder::open(&root.join(folder.unwrap_or(Path::new("")))));
                    dir.as_ref().and_then(|d| d.stamp(f))
                }));
            }
            start = end;
        }
        stamps
    }

    /// The stamp of the folder at `abs` when its times tell every change of its names to
    /// this machine: a real folder (not a link, whose own stamp says nothing of what its
    /// target holds) on a local file system, whose times come from this machine's clock —
    /// a network or shared file system takes them from another clock, which may run
    /// behind this one and make a listing look older than it is.
    #[cfg(target_os = "linux")]
    fn of_folder(abs: &Path) -> Option<Stamp> {
        // ext2-4, XFS, Btrfs, tmpfs, F2FS, ZFS, bcachefs, overlayfs (a container's).
        const LOCAL: [u64; 8] =
            [0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0xF2F5_2010, 0x2FC1_2FC1, 0xCA45_1A4E, 0x794C_7630];
        let m = std::fs::symlink_metadata(abs).ok().filter(std::fs::Metadata::is_dir)?;
        // The type's width differs among platforms.
        #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
        let kind = rustix::fs::statfs(abs).ok()?.f_type as u64;
        LOCAL.contains(&kind).then(|| Stamp::of(&m))
    }

    /// Elsewhere a folder is listed every time.
    #[cfg(not(target_os = "linux"))]
    fn of_folder(_: &Path) -> Option<Stamp> {
        None
    }
}

/// The names in the folders of one kind of record, each with its folder's stamp when
/// listed (`<kind>.dirs`): a folder whose stamp still holds has the same names, since
/// adding, removing or renaming a name changes its folder's times — so the names of a
/// folder of thousands of records are not listed again on every run (a file changed in
/// place changes no name: each file is still looked at, in [`read_records`]).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Listings<'a> {
    version: u32,
    #[serde(borrow)]
    folders: Vec<Listing<'a>>,
    /// Whether a folder was listed anew, so that the listings are worth writing back.
    #[serde(skip)]
    changed: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Listing<'a> {
    #[serde(borrow)]
    path: Str<'a>,
    stamp: Stamp,
    /// When the folder was looked at: a folder changed this close to it may not show it
    /// in its times, and is listed again.
    listed_ns: i128,
    #[serde(borrow)]
    names: Vec<Str<'a>>,
}

impl<'a> Listings<'a> {
    /// The listings kept in `bytes` (the file at [`Listings::path`]); none when they do not read.
    pub fn read(bytes: &'a [u8]) -> Listings<'a> {
        postcard::from_bytes::<Listings>(bytes).ok().filter(|l| l.version == VERSION).unwrap_or_default()
    }

    /// Where the listings of the records whose cache is at `cache` are kept.
    pub fn path(cache: &Path) -> PathBuf {
        cache.with_extension("dirs")
    }

    /// The names in the desk-relative folder `rel` (none when it does not exist), from the
    /// listing kept of it when the folder's stamp still holds, else listed now.
    pub fn names(&mut self, root: &Path, rel: &Path) -> Result<Vec<String>> {
        let abs = root.join(rel);
        let started = now_ns();
        let Some(stamp) = Stamp::of_folder(&abs) else { return super::list_dir(&abs) };
        let key = rel.to_string_lossy();
        let at = self.folders.iter().position(|f| f.path.0 == key);
        if let Some(kept) = at.map(|i| &self.folders[i]) {
            let racy = kept.stamp.mtime_ns.max(kept.stamp.ctime_ns) + RACY_NS >= kept.listed_ns;
            if kept.stamp == stamp && !racy {
                return Ok(kept.names.iter().map(|n| n.0.to_string()).collect());
            }
        }
        let names = super::list_dir(&abs)?;
        let listing = Listing {
            path: Str(Cow::Owned(key.into_owned())),
            stamp,
            listed_ns: started,
            names: Str::owned(names.clone()),
        };
        match at {
            Some(i) => self.folders[i] = listing,
            None => self.folders.push(listing),
        }
        self.changed = true;
        Ok(names)
    }

    /// Writes the listings back to `path` when a folder was listed anew; a cache that
    /// cannot be written only costs speed.
    pub fn keep(mut self, path: &Path) {
        if self.changed {
            self.version = VERSION;
            if let Ok(bytes) = postcard::to_stdvec(&self) {
                let _ = write_atomic_with(path, |out| out.write_all(&bytes));
            }
        }
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
    #[serde(borrow)]
    links: Vec<Str<'a>>,
    /// [`Record::indexed`].
    #[serde(borrow)]
    indexed: Vec<Str<'a>>,
    /// Where the record's JSON is in the data file; `len` 0 when the record does not read
    /// back exactly from JSON (it is then read from its YAML).
    at: u64,
    len: u32,
}

/// Text of an entry, borrowed from the index file's bytes when read from it: an index of
/// 100,000 entries is read with no allocation for the text of each.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_string()))
            }
        }
        d.deserialize_str(Visit).map(Str)
    }
}

impl<'a> Str<'a> {
    fn owned(values: Vec<String>) -> Vec<Str<'a>> {
        values.into_iter().map(|v| Str(Cow::Owned(v))).collect()
    }
}

/// What `f` makes of the texts `values`, passed as a slice of `&str` made on the stack.
fn with_texts<R>(values: &[Str], f: impl FnOnce(&[&str]) -> R) -> R {
    let mut texts = [""; 8];
    if values.len() > texts.len() {
        return f(&values.iter().map(|v| v.0.as_ref()).collect::<Vec<_>>());
    }
    for (text, value) in texts.iter_mut().zip(values) {
        *text = value.0.as_ref();
    }
    f(&texts[..values.len()])
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
    /// Where the data file's JSON written in the order of the entries ends: JSON appended
    /// since lies after.
    ordered: u64,
    /// The data file's stamp once written: a data file changed since in any other way — put
    /// back from a backup, JSON appended by another tkt whose index is not this one — is
    /// not read (JSON appended at the same place by two tkts differs, generation and all).
    data: Stamp,
    /// The file-system monitor's token from just before the files were looked at, when
    /// the desk has one (`core.fsmonitor`): it tells what changed since.
    token: Option<String>,
    /// The tkt that read the records: another one (which may read a file otherwise, or
    /// find fault with it) reads every file again.
    #[serde(borrow)]
    program: Cow<'a, str>,
    #[serde(borrow, deserialize_with = "entries")]
    entries: Vec<Entry<'a>>,
}

/// The entries of an index, read into a list made as long as the index says at once (serde
/// grows a list of more than a megabyte step by step, each step a copy into new memory —
/// and new memory is what costs most here); a damaged count only reserves address space.
fn entries<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<Entry<'a>>, D::Error> {
    struct Visit<'a>(std::marker::PhantomData<Entry<'a>>);
    impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
        type Value = Vec<Entry<'a>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of entries")
        }
        fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<Self::Value, S::Error> {
            let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 22));
            while let Some(entry) = seq.next_element()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }
    d.deserialize_seq(Visit(std::marker::PhantomData))
}

const VERSION: u32 = 9;

/// The tkt that reads: its version, and the size and time of its program file, so that
/// another build of the same version (which may read a file otherwise) is another tkt.
pub(super) fn program() -> &'static str {
    static PROGRAM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PROGRAM.get_or_init(|| {
        let build = std::env::current_exe().and_then(std::fs::metadata).ok().map(|m| {
            let at = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!(" {} {}", m.len(), at.map_or(0, |d| d.as_nanos()))
        });
        format!("{}{}", env!("CARGO_PKG_VERSION"), build.unwrap_or_default())
    })
}
/// Files modified this close to the cache's writing are re-read: a change in the same
/// tick may not show in their times.
const RACY_NS: i128 = 2_000_000_000;

/// What is told of each record by [`read_links`]: the number of its file in the source's
/// files, its id and the ids it points at.
pub type EachLinks<'e> = dyn FnMut(usize, &str, &[&str]) + 'e;

/// Which records a caller wants decoded.
#[derive(Clone, Copy)]
pub enum Want<'f> {
    All,
    /// Those whose [`Record::indexed`] values pass the test (others are not decoded).
    Where(&'f (dyn Fn(&[&str]) -> bool + Sync)),
    /// None: only every record's links.
    Links,
}

/// The files of one kind of record and where their cache is.
pub struct Source<'s> {
    /// The desk.
    pub root: &'s Path,
    /// The cache files, less their extension (`.idx` and `.dat` are added).
    pub cache: &'s Path,
    /// Desk-relative, sorted by path.
    pub files: &'s [PathBuf],
    /// The desk, whose file-system monitor is asked what changed since the cache's token.
    pub desk: Option<&'s super::Desk>,
}

/// What a caller keeps of a record, made straight from the record's JSON in the cache and
/// its id (`None` when it cannot be): a few fields read from it without decoding the rest
/// (notes, history, lines), as `keep` would have kept them of the whole record.
pub type Light<'l, U> = dyn Fn(&[u8], &str) -> Option<U> + Sync + 'l;

/// Reads the records that `want` asks for, each passed through `keep` as soon as it is
/// decoded (or made by `light` from the cache's JSON): a caller that needs a few fields of
/// many records holds only those.
pub fn read_records<T: Record + Send, U: Send>(
    source: Source,
    want: Want,
    keep: &(dyn Fn(T) -> U + Sync),
    light: Option<&Light<U>>,
) -> Result<Vec<U>> {
    refresh(source, want, None, &|_, t| keep(t), light, None)
}

/// What `keep` makes of every record (given its file), or the error of each file that does
/// not read, in the order of the files: `tkt check` reports every broken file, not the
/// first. Records read well are cached as by [`read_records`]; broken files never are.
/// Every file is looked at, whatever a file-system monitor says: `check` takes no one's
/// word for the files.
pub fn read_each<T: Record + Send, U: Send>(
    source: Source,
    keep: &(dyn Fn(&Path, T) -> U + Sync),
) -> Result<Vec<Result<U>>> {
    refresh(source, Want::All, Some(&Err), &|rel, t| Ok(keep(rel, t)), None, None)
}

/// Tells `each` the id and links of every record that reads, decoding only records whose
/// file changed.
pub fn read_links<T: Record + Send>(source: Source, each: &mut EachLinks) -> Result<()> {
    refresh::<T, ()>(source, Want::Links, None, &|_, _| (), None, Some(each)).map(drop)
}

/// Where one file's entry comes from: the old cache (still valid), or the file itself
/// (with its JSON, when exact). Records travel apart: they are large.
enum Found<'a> {
    Cached(usize),
    /// Boxed: most files are cached, and each holds a `Found` as large as its largest kind.
    Read(Box<(Entry<'a>, Json)>),
    /// A file that does not read (when errors are taken as records): it has no entry.
    Broken,
}

impl Found<'_> {
    /// The length of the JSON its entry will have in the data file.
    fn json_len(&self, old: &Index) -> u64 {
        match self {
            Found::Cached(i) => u64::from(old.entries[*i].len),
            Found::Read(read) => match &read.1 {
                Json::Held(json) => json.len() as u64,
                Json::Spilled(_, len) => u64::from(*len),
            },
            Found::Broken => 0,
        }
    }
}

/// The data file at `path`, locked and with the length it has, when the JSON of the
/// records just read (`fresh` bytes) is to be appended to it: it is the data file the
/// index `of` was written with, unchanged since; with them at most half of it would be
/// dead bytes (the entries will hold `live` bytes of it); and all that was appended, them
/// too, is at most an eighth of what is live. What is appended is read a record at a time:
/// a pull, a checkout or a copy of the desk that changed thousands of files at once has it
/// written anew, in order (appended, every record of a list of 10,000 tickets was read by
/// a call of its own from then on). Appenders take turns by the lock (one who finds it
/// taken, or the file appended to by another, writes the data file anew); one who writes
/// the data file anew makes another file, which no appender writes to.
fn appendable(path: &Path, of: &Index, live: u64, fresh: u64) -> Option<(File, u64)> {
    let file = crate::files::open_regular(path, std::fs::OpenOptions::new().read(true).append(true))?;
    file.try_lock().ok()?;
    let end = data_of(&file, of)?.len;
    let dead = end.checked_sub(8)?.saturating_add(fresh).saturating_sub(live);
    let appended = end.saturating_sub(of.ordered).saturating_add(fresh);
    (fresh > 0 && dead <= live && appended <= live / 8).then_some((file, end))
}

/// The stamp of the data file `file` (read past its head), when it is the one the index
/// `of` was written with: its generation at its head, its stamp the one kept.
fn data_of(mut file: &File, of: &Index) -> Option<Stamp> {
    let mut head = [0; 8];
    file.read_exact(&mut head).ok()?;
    let stamp = Stamp::of(&file.metadata().ok()?);
    (head == of.generation.to_le_bytes() && stamp == of.data).then_some(stamp)
}

/// Appends the JSON of the records just read to the data file `file` (locked, `end` bytes
/// long): the entries kept stay where they are in it.
fn append<'a>(
    file: &File,
    end: u64,
    found: Vec<Found<'a>>,
    old: &mut Index<'a>,
    spilled: &mut [Option<BufReader<File>>],
) -> std::result::Result<(Vec<Entry<'a>>, Stamp), String> {
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let entries = write_entries(&mut out, end - 8, found, old, None, spilled).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    // On the disk before an index points at it.
    file.sync_data().map_err(|e| e.to_string())?;
    Ok((entries, Stamp::of(&file.metadata().map_err(|e| e.to_string())?)))
}

/// Writes the JSON of the records in `found` through `out`, the first at `at` (past the
/// data file's head), and returns their entries: the JSON of records read from their files
/// (held, or in the spill files), and the JSON of kept entries copied from `kept` — when
/// there is no `kept` (JSON appended to the same data file), kept entries stay where they
/// are.
fn write_entries<'a>(
    out: &mut dyn Write,
    mut at: u64,
    found: Vec<Found<'a>>,
    old: &mut Index<'a>,
    mut kept: Option<&mut Payloads>,
    spilled: &mut [Option<BufReader<File>>],
) -> std::io::Result<Vec<Entry<'a>>> {
    let (mut entries, mut buf) = (Vec::with_capacity(found.len()), Vec::new());
    for f in found {
        let (mut entry, json) = match f {
            Found::Cached(i) => {
                let mut entry = std::mem::take(&mut old.entries[i]);
                let Some(from) = kept.as_deref_mut() else {
                    // Kept where it is, unless it says it is past what the file held.
                    if entry.at.saturating_add(u64::from(entry.len)) > at {
                        entry.len = 0;
                    }
                    entries.push(entry);
                    continue;
                };
                let copied = from.json(&entry, &mut buf);
                (entry, if copied { Cow::Borrowed(&buf[..]) } else { Cow::Borrowed(&[][..]) })
            }
            Found::Read(read) => match *read {
                (entry, Json::Held(json)) => (entry, Cow::Owned(json.into_bytes())),
                (entry, Json::Spilled(part, len)) => {
                    let from = spilled.get_mut(part).and_then(Option::as_mut).ok_or(ErrorKind::NotFound)?;
                    buf.resize(len as usize, 0);
                    from.read_exact(&mut buf)?;
                    (entry, Cow::Borrowed(&buf[..]))
                }
            },
            Found::Broken => continue,
        };
        entry.at = at;
        entry.len = u32::try_from(json.len()).unwrap_or(0);
        if entry.len > 0 {
            out.write_all(&json)?;
            at += u64::from(entry.len);
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The JSON of a record read from its file, kept until the new data file is written.
enum Json {
    Held(String),
    /// This many bytes, next in the spill file of the reader's part.
    Spilled(usize, u32),
}

/// A temp file (deleted when dropped) that holds the JSON of the records a part of the
/// files read from their files, in their order, so that a cache made anew (100,000
/// records) does not hold it all in memory.
struct Spill(BufWriter<File>);

impl Spill {
    /// Keeps `json` in the spill file (made on first use beside the cache) when it can.
    /// A spill that fails to write is dropped whole: the JSON it held is then missing and
    /// the cache is not written (never written out of step).
    fn keep(spill: &mut Option<Option<Spill>>, dir: &Path, part: usize, json: String) -> Json {
        let file = spill.get_or_insert_with(|| {
            let _ = crate::files::create_dirs(dir);
            tempfile::tempfile_in(dir).ok().map(|f| Spill(BufWriter::new(f)))
        });
        if let (Some(Spill(out)), Ok(len)) = (file.as_mut(), u32::try_from(json.len())) {
            if len == 0 {
                return Json::Held(json);
            }
            if out.write_all(json.as_bytes()).is_ok() {
                return Json::Spilled(part, len);
            }
            *file = None;
        }
        Json::Held(json)
    }

    /// The spill file, to be read from its start.
    fn reader(self) -> Option<BufReader<File>> {
        let mut file = self.0.into_inner().ok()?;
        file.seek(SeekFrom::Start(0)).ok()?;
        Some(BufReader::with_capacity(1 << 16, file))
    }
}

/// A data file read in the order of its entries, through a buffer: a reader holds a few
/// hundred kilobytes of it, never the whole file. Entries appended after the others are
/// read at their place, the buffer kept for the rest.
struct Payloads {
    file: BufReader<File>,
    /// Where `file` stands, or `None` after a failed read (nothing more is read through it).
    pos: Option<u64>,
    /// The file's length when opened: no entry reads past it.
    size: u64,
    /// Where the JSON written in the order of the entries ends ([`Index::ordered`]).
    ordered: u64,
}

impl Payloads {
    /// The data file at `path`, when it is the one the index `of` was written with.
    fn open(path: &Path, of: &Index) -> Option<Payloads> {
        let file = crate::files::open_regular(path, std::fs::OpenOptions::new().read(true))?;
        let size = data_of(&file, of)?.len;
        let file = BufReader::with_capacity(1 << 18, file);
        Some(Payloads { file, pos: Some(8), size, ordered: of.ordered })
    }

    /// Reads the JSON of `entry` into `buf`; `false` when it has none or it cannot be read.
    fn json(&mut self, entry: &Entry, buf: &mut Vec<u8>) -> bool {
        let len = u64::from(entry.len);
        let start = entry.at.saturating_add(8);
        if len == 0 || start.saturating_add(len) > self.size {
            return false;
        }
        buf.clear();
        match self.pos {
            Some(pos) if start < self.ordered => {
                let moved = i64::try_from(start).ok().zip(i64::try_from(pos).ok()).map(|(s, p)| s - p);
                let read = moved.is_some_and(|m| self.file.seek_relative(m).is_ok())
                    && (&mut self.file).take(len).read_to_end(buf).is_ok_and(|n| n as u64 == len);
                self.pos = read.then_some(start + len);
                read
            }
            _ => {
                buf.resize(len as usize, 0);
                self.read_at(start, buf)
            }
        }
    }

    #[cfg(unix)]
    fn read_at(&self, at: u64, buf: &mut [u8]) -> bool {
        std::os::unix::fs::FileExt::read_exact_at(self.file.get_ref(), buf, at).is_ok()
    }

    #[cfg(not(unix))]
    fn read_at(&mut self, at: u64, buf: &mut [u8]) -> bool {
        let read = self.file.seek(SeekFrom::Start(at)).is_ok() && self.file.read_exact(buf).is_ok();
        self.pos = read.then_some(at + buf.len() as u64);
        read
    }
}

/// Checks every file against the cache, re-reads what changed, writes the cache back when
/// anything did, and returns what `keep` makes of the records wanted, or tells `each_links`
/// every file's links. A file that does not read stops it with its error, unless there is
/// a `broken` to make what takes the record's place; files are then all looked at (no
/// monitor is trusted).
fn refresh<T: Record + Send, U: Send>(
    source: Source,
    want: Want,
    broken: Option<&(dyn Fn(crate::Error) -> U + Sync)>,
    keep: &(dyn Fn(&Path, T) -> U + Sync),
    light: Option<&Light<U>>,
    each_links: Option<&mut EachLinks>,
) -> Result<Vec<U>> {
    let Source { root, cache, files, desk } = source;
    let decode = !matches!(want, Want::Links);
    let wanted = |indexed: &[Str]| match want {
        Want::All => true,
        Want::Where(test) => with_texts(indexed, test),
        Want::Links => false,
    };
    // Entries are trusted against the time the files were looked at, not the time the
    // cache is written: an edit made while they are read is then never taken as cached.
    let started = now_ns();
    let (idx_path, dat_path) = (cache.with_extension("idx"), cache.with_extension("dat"));
    // Mapped: the index is only ever replaced whole, never changed in place.
    let idx_bytes = mapped(&idx_path);
    let mut old: Index = postcard::from_bytes::<Index>(idx_bytes.as_deref().unwrap_or_default())
        .ok()
        .filter(|c| c.version == VERSION && c.program == program())
        .unwrap_or_default();
    // Entries are written in the order of the files, sorted by path: each file's entry is
    // most often the one after the last file's, else a search finds it (in a cache not so
    // sorted it finds nothing, which costs a read, never a wrong record).
    let entry_of = |rel: &str, next: &mut usize| {
        let at = match old.entries.get(*next) {
            Some(e) if e.path == rel => Some(*next),
            _ => old.entries.binary_search_by(|e| e.path.as_ref().cmp(rel)).ok(),
        };
        *next = at.map_or(*next, |i| i + 1);
        at
    };
    // A file changed this close to the cache's writing may not show it in its times.
    let racy = |e: &Entry| e.stamp.mtime_ns.max(e.stamp.ctime_ns) + RACY_NS >= old.written_ns;
    // A file-system monitor names the files that may have changed since the cache was
    // written: the others, but for racy entries, are taken as they were without a look.
    let answer = desk.filter(|_| !files.is_empty()).and_then(|d| d.ask_monitor(old.token.as_deref()));
    let unchanged = |rel: &Path| {
        broken.is_none() && old.token.is_some() && answer.as_ref().is_some_and(|a| !a.may_have_changed(rel))
    };
    let look =
        |rel: &PathBuf, stamp: Option<Stamp>, hit: Option<usize>, data: &mut Option<Payloads>, buf: &mut Vec<u8>| {
            let valid = hit.map(|i| (i, &old.entries[i])).filter(|(_, e)| Some(e.stamp) == stamp && !racy(e));
            if let Some((i, entry)) = valid {
                if !wanted(&entry.indexed) {
                    return Ok((Found::Cached(i), None));
                }
                let json = data.as_mut().is_some_and(|d| d.json(entry, buf));
                if let Some(kept) = json.then(|| light.and_then(|light| light(buf, &entry.id))).flatten() {
                    return Ok((Found::Cached(i), Some(kept)));
                }
                // A damaged cache could point at another record's text: the id must agree too.
                let record = json.then(|| crate::model::from_json::<T>(buf)).flatten().filter(|r| r.id() == entry.id);
                if let Some(record) = record {
                    return Ok((Found::Cached(i), Some(keep(rel, record))));
                }
            }
            let (record, json) = match store::read_record_json::<T>(&root.join(rel), rel) {
                Ok(read) => read,
                Err(e) => match broken {
                    Some(broken) => return Ok((Found::Broken, Some(broken(e)))),
                    None => return Err(e),
                },
            };
            // Only what reads back exactly is cached (a YAML tag, say, would not).
            let json = json.filter(|j| serde_json::from_str::<T>(j).ok().as_ref() == Some(&record)).unwrap_or_default();
            let entry = Entry {
                path: Cow::Owned(rel.to_string_lossy().into_owned()),
                stamp: stamp.unwrap_or_default(),
                id: Cow::Owned(record.id().to_string()),
                links: Str::owned(record.links()),
                indexed: Str::owned(record.indexed()),
                at: 0,
                len: 0,
            };
            let record = wanted(&entry.indexed).then(|| keep(rel, record));
            Ok::<_, crate::Error>((Found::Read(Box::new((entry, Json::Held(json)))), record))
        };
    // Checking and decoding thousands of files is shared among the cores, each reading
    // the data file from its own place.
    let dir = cache.parent().unwrap_or(root);
    let parts = crate::cores::on_cores(files, 256, |index, part| {
        let mut data = if decode { Payloads::open(&dat_path, &old) } else { None };
        let mut spill = None;
        let (mut found, mut records, mut buf, mut next) = (Vec::with_capacity(part.len()), Vec::new(), Vec::new(), 0);
        let hits: Vec<Option<usize>> =
            part.iter().map(|rel| rel.to_str().and_then(|r| entry_of(r, &mut next))).collect();
        let known: Vec<Option<Stamp>> = part
            .iter()
            .zip(&hits)
            .map(|(rel, hit)| {
                // Only entries stamped when cached (not a file that vanished while read).
                let trusted = |e: &&Entry| e.stamp != Stamp::default() && !racy(e) && unchanged(rel);
                hit.map(|i| &old.entries[i]).filter(|e| answer.is_some() && trusted(e))
            })
            .map(|e| e.map(|e| e.stamp))
            .collect();
        for ((rel, stamp), hit) in part.iter().zip(Stamp::of_files(root, part, &known)).zip(hits) {
            let (mut f, record) = look(rel, stamp, hit, &mut data, &mut buf)?;
            if let Found::Read(read) = &mut f {
                if let Json::Held(json) = &mut read.1 {
                    read.1 = Spill::keep(&mut spill, dir, index, std::mem::take(json));
                }
            }
            found.push(f);
            records.extend(record);
        }
        Ok::<_, crate::Error>((found, records, spill.flatten()))
    });
    let mut records = Vec::with_capacity(if decode { files.len() } else { 0 });
    let mut found: Vec<Found> = Vec::with_capacity(files.len());
    let mut spilled = Vec::new();
    for part in parts {
        let (f, r, spill) = part?;
        found.extend(f);
        records.extend(r);
        spilled.push(spill.and_then(Spill::reader));
    }

    let read = found.iter().filter(|f| !matches!(f, Found::Broken)).count();
    let changed = old.entries.len() != read || found.iter().any(|f| matches!(f, Found::Read(..)));
    if let Some(each) = each_links {
        for (n, f) in found.iter().enumerate() {
            let entry = match f {
                Found::Cached(i) => &old.entries[*i],
                Found::Read(read) => &read.0,
                Found::Broken => continue,
            };
            with_texts(&entry.links, |links| each(n, &entry.id, links));
        }
    }
    if changed {
        // New JSON is appended to the data file while at most half of it would be dead
        // (records changed or gone): a write to the desk costs the next read the records
        // it changed, not a data file of every record. Else the data file is written anew,
        // kept entries' JSON copied from the old one (read in order).
        let live: u64 = found.iter().map(|f| f.json_len(&old)).sum();
        let fresh: u64 = found.iter().filter(|f| matches!(f, Found::Read(..))).map(|f| f.json_len(&old)).sum();
        let (generation, ordered, written) = match appendable(&dat_path, &old, live, fresh) {
            Some((file, end)) => (old.generation, old.ordered, append(&file, end, found, &mut old, &mut spilled)),
            None => {
                let generation = now_ns() as u64;
                let mut from = Payloads::open(&dat_path, &old);
                let mut entries = Vec::new();
                let written = write_atomic_with(&dat_path, |out| {
                    out.write_all(&generation.to_le_bytes())?;
                    entries = write_entries(out, 0, found, &mut old, from.as_mut(), &mut spilled)?;
                    Ok(())
                });
                let ordered = entries.iter().map(|e| e.at + u64::from(e.len)).max().unwrap_or(0) + 8;
                // (Replaced by another tkt since, it holds another generation: not read.)
                let stamp = std::fs::symlink_metadata(&dat_path).map(|m| Stamp::of(&m));
                let written = written.map_err(|e| e.to_string()).and_then(|()| stamp.map_err(|e| e.to_string()));
                (generation, ordered, written.map(|stamp| (entries, stamp)))
            }
        };
        // A cache that cannot be written (a read-only desk) only costs speed. The data goes
        // first: an index is never newer than its data.
        let token = answer.as_ref().map(|a| a.token.clone());
        if let Ok((entries, data)) = written {
            let program = program().into();
            let new =
                Index { version: VERSION, written_ns: started, generation, ordered, data, token, program, entries };
            if let Ok(bytes) = postcard::to_stdvec(&new) {
                let _ = write_atomic_with(&idx_path, |out| out.write_all(&bytes));
            }
        }
    }
    Ok(records)
}

/// The folder at `abs` as text that adding, removing or renaming a name in it changes: its
/// stamp, or `-` when there is no folder. `None` when its times cannot be trusted
/// ([`Stamp::of_folder`]), or when they are within the racy window before `now` (when
/// given: a change in the same tick may not show in them).
pub(super) fn folder_seal(abs: &Path, now: Option<i128>) -> Option<String> {
    if std::fs::symlink_metadata(abs).is_err_and(|e| e.kind() == ErrorKind::NotFound) {
        return Some("-".into());
    }
    let s = Stamp::of_folder(abs)?;
    if now.is_some_and(|now| s.mtime_ns.max(s.ctime_ns) + RACY_NS >= now) {
        return None;
    }
    Some(format!("{}.{}.{}.{}", s.len, s.mtime_ns, s.ctime_ns, s.ino))
}

/// The cache file at `path` mapped into memory; `None` when it cannot be, or is no regular
/// file (a pipe would be waited on for ever): a cache that does not read costs only speed.
pub(super) fn mapped(path: &Path) -> Option<crate::files::Mapped> {
    crate::files::Mapped::open(regular(path)?).ok()
}

/// `path`, when it is a regular file.
fn regular(path: &Path) -> Option<&Path> {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()).then_some(path)
}

pub(super) fn now_ns() -> i128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as i128).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Item;

    fn item(code: &str, price: &str) -> String {
        format!("code: {code}\ndescription: {code} part\nkind: goods\nunit: pz\nprice: '{price}'\nvat_rate: 22\n")
    }

    /// What the data file holds for each entry, decoded.
    fn cached(cache: &Path) -> Vec<(String, Option<Item>)> {
        let bytes = std::fs::read(cache.with_extension("idx")).unwrap();
        let index: Index = postcard::from_bytes(&bytes).unwrap();
        let mut data = Payloads::open(&cache.with_extension("dat"), &index).expect("data of the index");
        let mut buf = Vec::new();
        let mut json = |e: &Entry, buf: &mut Vec<u8>| data.json(e, buf).then(|| serde_json::from_slice(buf).unwrap());
        index.entries.iter().map(|e| (e.path.to_string(), json(e, &mut buf))).collect()
    }

    #[test]
    fn entries_kept_when_another_file_changes_keep_their_records_in_the_new_data_file() {
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join("cache/items");
        std::fs::create_dir_all(root.path().join("items")).unwrap();
        let files: Vec<PathBuf> = ["A", "B", "C"].map(|c| PathBuf::from(format!("items/{c}.yaml"))).into();
        for (f, price) in files.iter().zip(["1.00", "2.00", "3.00"]) {
            std::fs::write(root.path().join(f), item(f.file_stem().unwrap().to_str().unwrap(), price)).unwrap();
        }
        // Past the racy window, so that the next reads trust the entries.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let source = || Source { root: root.path(), cache: &cache, files: &files, desk: None };
        let read = |want| read_records::<Item, Item>(source(), want, &|i| i, None).unwrap();
        let first = read(Want::All);
        assert_eq!(first.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["A", "B", "C"]);
        std::fs::write(root.path().join(&files[1]), item("B", "20.00")).unwrap();
        let second = read(Want::All);
        assert_eq!(second[1].price.unwrap().to_string(), "20.00", "the edit is seen");
        // A and C are where they were in the data file, B's new JSON after them.
        let held = cached(&cache);
        assert_eq!(held.len(), 3);
        for ((path, record), expected) in held.iter().zip(&second) {
            assert_eq!(record.as_ref(), Some(expected), "{path}");
        }
        assert_eq!(read(Want::All), second);
        let cheap: &(dyn Fn(&[&str]) -> bool + Sync) = &|_| false;
        assert!(read(Want::Where(cheap)).is_empty(), "none wanted, none decoded");
    }

    /// The data file's generation and length.
    fn data_file(cache: &Path) -> (u64, u64) {
        let bytes = std::fs::read(cache.with_extension("dat")).unwrap();
        (u64::from_le_bytes(bytes[..8].try_into().unwrap()), bytes.len() as u64)
    }

    #[test]
    fn a_record_read_again_is_appended_to_the_data_file_until_half_of_it_would_be_dead() {
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join("cache/items");
        std::fs::create_dir_all(root.path().join("items")).unwrap();
        let codes: Vec<String> = (0..16).map(|n| format!("I{n:02}")).collect();
        let files: Vec<PathBuf> = codes.iter().map(|c| PathBuf::from(format!("items/{c}.yaml"))).collect();
        let put = |n: usize, price: &str| std::fs::write(root.path().join(&files[n]), item(&codes[n], price)).unwrap();
        // Past the racy window, so that the next read trusts the entries.
        let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
        (0..16).for_each(|n| put(n, "1.00"));
        settle();
        let read = |files: &[PathBuf]| {
            let source = Source { root: root.path(), cache: &cache, files, desk: None };
            read_records::<Item, Item>(source, Want::All, &|i| i, None).unwrap()
        };
        let prices = |records: Vec<Item>| records.iter().map(|i| i.price.unwrap().to_string()).collect::<Vec<_>>();
        let price = |n: usize| prices(read(&files))[n].clone();
        read(&files);
        let (generation, len) = data_file(&cache);

        // I01 changed: its JSON is appended, the others stay where they are.
        put(1, "22.00");
        settle();
        assert_eq!(price(1), "22.00");
        let bytes = std::fs::read(cache.with_extension("idx")).unwrap();
        let b = postcard::from_bytes::<Index>(&bytes).unwrap().entries.swap_remove(1);
        assert_eq!((b.path.as_ref(), b.at), ("items/I01.yaml", len - 8), "its new JSON after the rest");
        assert_eq!(data_file(&cache), (generation, len + u64::from(b.len)), "appended to the same data file");
        assert_eq!(cached(&cache).iter().filter_map(|(_, i)| i.clone()).collect::<Vec<_>>(), read(&files));

        // While another tkt appends, the data file is written anew: dead bytes gone.
        let other = std::fs::File::open(cache.with_extension("dat")).unwrap();
        other.lock().unwrap();
        put(2, "33.00");
        settle();
        assert_eq!(price(2), "33.00");
        let (anew, anew_len) = data_file(&cache);
        assert!(anew != generation && anew_len < len + u64::from(b.len), "written anew");
        drop(other);

        // A quarter of the records changed at once (a pull): written anew, in order, not
        // appended (each appended record is read on its own).
        (4..8).for_each(|n| put(n, "5.00"));
        settle();
        assert_eq!(prices(read(&files))[3..9], ["1.00", "5.00", "5.00", "5.00", "5.00", "1.00"]);
        let (pulled, pulled_len) = data_file(&cache);
        assert!(pulled != anew && pulled_len == anew_len, "written anew: {pulled_len} of {anew_len}");

        // The last changed and the others gone: appended, most of the data file would be
        // dead, so it is written anew.
        put(15, "4.00");
        settle();
        assert_eq!(prices(read(&files[15..])), ["4.00"]);
        let (last, last_len) = data_file(&cache);
        assert!(last != pulled && last_len < pulled_len / 8, "written anew: {last_len} of {pulled_len}");
        assert_eq!(cached(&cache), [(files[15].to_string_lossy().into_owned(), Some(read(&files[15..])[0].clone()))]);
        // Records gone, none read: written anew, the one kept copied.
        assert_eq!(prices(read(&files[15..])), ["4.00"]);
    }

    /// A data file put back from elsewhere (a backup, a folder synchronised by another
    /// tool) whose JSON is another edit's at the same place is not trusted: the index keeps
    /// the data file's stamp (size, times, inode) as written.
    #[test]
    fn a_data_file_copied_back_with_another_edit_at_the_same_place_is_not_trusted() {
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join("cache/items");
        std::fs::create_dir_all(root.path().join("items")).unwrap();
        let files: Vec<PathBuf> = ["A", "B"].map(|c| PathBuf::from(format!("items/{c}.yaml"))).into();
        let write = |n: usize, price: &str| {
            std::fs::write(root.path().join(&files[n]), item(["A", "B"][n], price)).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(2100));
        };
        std::fs::write(root.path().join(&files[0]), item("A", "1.00")).unwrap();
        write(1, "1.00");
        let read = || {
            let source = Source { root: root.path(), cache: &cache, files: &files, desk: None };
            read_records::<Item, Item>(source, Want::All, &|i| i, None).unwrap()[1].price.unwrap().to_string()
        };
        let dat = cache.with_extension("dat");
        assert_eq!(read(), "1.00");
        let before = std::fs::read(&dat).unwrap();
        write(1, "7.00");
        assert_eq!(read(), "7.00");
        let elsewhere = std::fs::read(&dat).unwrap();
        // The old data file back (same generation), and B edited again: not appended to it ...
        std::fs::write(&dat, &before).unwrap();
        write(1, "8.00");
        assert_eq!(read(), "8.00");
        // ... and the other copy put back: same generation, B's JSON of the same length.
        std::fs::write(&dat, &elsewhere).unwrap();
        assert_eq!(read(), "8.00", "the file's price, not the copy's");
    }

    #[test]
    fn records_cached_by_another_tkt_are_read_again_from_their_files() {
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join("cache/items");
        std::fs::create_dir_all(root.path().join("items")).unwrap();
        let files = vec![PathBuf::from("items/A.yaml")];
        std::fs::write(root.path().join(&files[0]), item("A", "1.00")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let read = || {
            let source = Source { root: root.path(), cache: &cache, files: &files, desk: None };
            read_records::<Item, Item>(source, Want::All, &|i| i, None).unwrap()[0].price.unwrap().to_string()
        };
        assert_eq!(read(), "1.00");
        // The cached record is what is read while the file is unchanged (here made to differ
        // from the file, which only a damaged cache would do) ...
        let dat = cache.with_extension("dat");
        let text = std::fs::read(&dat).unwrap();
        let at = text.windows(4).position(|w| w == b"1.00").unwrap();
        let mut changed = text.clone();
        changed[at] = b'9';
        std::fs::write(&dat, &changed).unwrap();
        // (and its stamp in the index, or the change would be taken for another's)
        let idx = cache.with_extension("idx");
        let bytes = std::fs::read(&idx).unwrap();
        let mut index: Index = postcard::from_bytes(&bytes).unwrap();
        index.data = Stamp::of(&std::fs::metadata(&dat).unwrap());
        std::fs::write(&idx, postcard::to_stdvec(&index).unwrap()).unwrap();
        assert_eq!(read(), "9.00", "the cache was trusted");
        // ... but not when another tkt cached it: its reading of a file may differ.
        let bytes = std::fs::read(&idx).unwrap();
        let mut index: Index = postcard::from_bytes(&bytes).unwrap();
        index.program = Cow::Borrowed("0.0.0-another");
        std::fs::write(&idx, postcard::to_stdvec(&index).unwrap()).unwrap();
        assert_eq!(read(), "1.00", "the file was read again");
    }
}
