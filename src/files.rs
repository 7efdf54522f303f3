//! Files on disk, below every floor that writes them: a write is atomic (temp file in the
//! same folder, fsync, rename, fsync of the folder), so a crash leaves the old file or the
//! new one, never half of either. Files and folders are shared like git shares its own:
//! created under the umask, then widened as `core.sharedRepository` asks.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

use crate::{Error, Result};

/// `core.sharedRepository` as git keeps it: 0 follows the umask, a positive mode (0660,
/// 0664) is added to each file's, a negative one (-0640) replaces it. Set once per command
/// by [`share_like_git`] when the desk is opened.
static SHARED: AtomicI32 = AtomicI32::new(0);

/// What git reads from a `core.sharedRepository` value (`setup.c`, `git_config_perm`);
/// `None` for a value git refuses.
pub fn shared_repository_perm(value: &str) -> Option<i32> {
    let v = value.trim().to_ascii_lowercase();
    match v.as_str() {
        "" | "umask" | "false" | "no" | "off" | "0" => return Some(0),
        "group" | "true" | "yes" | "on" | "1" => return Some(0o660),
        "all" | "world" | "everybody" | "2" => return Some(0o664),
        _ => {}
    }
    let mode = i32::from_str_radix(&v, 8).ok()?;
    // Git refuses a mode that does not let the owner read and write.
    (mode & 0o600 == 0o600).then_some(-(mode & 0o666))
}

/// Makes every later file and folder follow `core.sharedRepository` (see [`SHARED`]).
pub fn share_like_git(perm: i32) {
    SHARED.store(perm, Ordering::Relaxed);
}

/// The mode git gives a file or folder of `mode` in a shared repository (`path.c`,
/// `calc_shared_perm` and `adjust_shared_perm`); `None` when nothing changes.
fn shared_mode(mode: u32, is_dir: bool) -> Option<u32> {
    let shared = SHARED.load(Ordering::Relaxed);
    if shared == 0 {
        return None;
    }
    let mut tweak = shared.unsigned_abs();
    if mode & 0o200 == 0 {
        tweak &= !0o222;
    }
    if mode & 0o100 != 0 {
        // Whoever may read a folder (or program) may also enter (or run) it.
        tweak |= (tweak & 0o444) >> 2;
    }
    let mut new = if shared < 0 { (mode & !0o777) | tweak } else { mode | tweak };
    if is_dir {
        new |= (new & 0o444) >> 2;
        // New files in the folder take its group, the shared one.
        if new & 0o060 != 0 {
            new |= 0o2000;
        }
    }
    (new & 0o7777 != mode & 0o7777).then_some(new & 0o7777)
}

/// Widens a file or folder tkt created as `core.sharedRepository` asks. Best effort: a
/// file another user owns keeps the mode that user gave it.
pub fn share(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::symlink_metadata(path) else { return };
        if meta.file_type().is_symlink() {
            return;
        }
        if let Some(mode) = shared_mode(meta.permissions().mode(), meta.is_dir()) {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Creates a folder and its missing parents under the umask, each shared like git's.
pub fn create_dirs(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    missing.reverse();
    for d in missing {
        share(d);
    }
    Ok(())
}

/// Temp files of an interrupted write start with this; `tkt check` reports them.
pub const TEMP_PREFIX: &str = ".tkt-tmp-";

/// How many files this process wrote with [`write_atomic`].
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Writes a file atomically: temp file in the same folder, fsync, rename, fsync folder.
/// It is counted in [`writes`].
pub fn write_atomic(abs: &Path, contents: &[u8]) -> Result<()> {
    WRITES.fetch_add(1, Ordering::SeqCst);
    write_atomic_with(abs, |out| out.write_all(contents))
}

/// Writes `contents` over the file at `abs` where it is, truncating it first: not atomic,
/// for the one case where a new file cannot be made — putting a file back after a write
/// that failed on a full disk, whose blocks the truncation frees.
pub fn overwrite_in_place(abs: &Path, contents: &[u8]) -> Result<()> {
    let write = || -> std::io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        // Never through a link put there meanwhile.
        let nofollow = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
        let mut file = std::fs::OpenOptions::new().write(true).truncate(true).custom_flags(nofollow).open(abs)?;
        file.write_all(contents)?;
        file.sync_all()
    };
    write().map_err(|e| Error::io(abs, e))
}

/// How many files this process has written with [`write_atomic`] so far: what was learnt
/// of the desk's files before a write may be out of date after it.
pub fn writes() -> u64 {
    WRITES.load(Ordering::SeqCst)
}

/// Writes a file atomically as [`write_atomic`] does, its contents written by `fill` a
/// piece at a time (buffered), so that a large file need not be held whole. Not counted
/// in [`writes`]: for tkt's own caches, which are no record.
pub fn write_atomic_with(abs: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let dir = abs.parent().expect("record paths have a parent");
    create_dirs(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    // Created like any file (0666 less the umask), not tempfile's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    share(tmp.path());
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
    fill(&mut out).and_then(|()| out.flush()).map_err(|e| Error::io(abs, e))?;
    drop(out);
    tmp.as_file().sync_all().map_err(|e| Error::io(abs, e))?;
    tmp.persist(abs).map_err(|e| Error::io(abs, e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Makes the rename itself durable; not every filesystem supports it.
        let _ = d.sync_all();
    }
    Ok(())
}

/// Refuses a desk path that is a symbolic link or lies inside one. `abs` is `rel` joined
/// to its root (the desk, or git's work tree); every component of `rel` is looked at
/// without following links, so a link is never read through nor written through.
pub fn refuse_links(abs: &Path, rel: &Path) -> Result<()> {
    let depth = rel.components().count();
    for (up, dir) in abs.ancestors().take(depth).enumerate() {
        let Ok(meta) = std::fs::symlink_metadata(dir) else { continue };
        if meta.file_type().is_symlink() {
            let link: std::path::PathBuf = rel.components().take(depth - up).collect();
            let what = if up == 0 {
                "is a symbolic link".to_string()
            } else {
                format!("is inside {}, a symbolic link", link.display())
            };
            return Err(Error::invalid(
                crate::error::Location::file(rel),
                format!("{what}: tkt never follows links in the desk"),
            )
            .with_hint(format!("replace {} with a real file or folder (or remove it)", link.display())));
        }
    }
    Ok(())
}

/// Whether a path component is `.git` (or `.gitmodules`) on some file system — in any
/// case, with trailing dots or spaces (Windows), with characters macOS ignores in names,
/// or as NTFS's short name (`git~1`, `gitmo~1`) — so that nothing tkt writes or takes in
/// can reach into a repository's own folder on a clone of another system.
pub fn spells_git(component: &str) -> bool {
    let plain: String = component.chars().filter(|c| !hfs_ignores(*c)).collect();
    let plain = plain.trim_end_matches(['.', ' ']).to_ascii_lowercase();
    matches!(plain.as_str(), ".git" | "git~1" | ".gitmodules" | "gitmo~1")
}

/// Whether Windows reserves a file name for a device — `CON`, `PRN`, `AUX`, `NUL`,
/// `CONIN$`, `CONOUT$`, `COM0`–`COM9` and `LPT0`–`LPT9` (with `¹²³` too) — whatever its
/// extension and the spaces before it, or takes it otherwise (a character it forbids, a
/// trailing dot or space): a clone there cannot check such a file out.
pub fn windows_refuses(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end().to_uppercase();
    let port = |prefix: &str| {
        stem.strip_prefix(prefix).is_some_and(|n| {
            let mut digits = n.chars();
            matches!((digits.next(), digits.next()), (Some('0'..='9' | '¹' | '²' | '³'), None))
        })
    };
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$")
        || port("COM")
        || port("LPT")
        || name.ends_with(['.', ' '])
        || name.chars().any(|c| c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\'))
}

/// Why a file name a clone on Windows or macOS could not check out is so ([`windows_refuses`],
/// or a name not in Unicode's NFC, which macOS stores as another), or `None`.
pub fn unportable(name: &str) -> Option<&'static str> {
    (windows_refuses(name) || !unicode_normalization::is_nfc(name)).then_some(
        "a name a Windows or macOS clone cannot check out (a device name, a character it forbids, or not NFC)",
    )
}

/// Characters the file systems of macOS ignore in names (so `\u{200c}.git` is `.git` there):
/// git's own list (`next_hfs_char`; found by a hostile-remote attack: the marks of
/// direction, U+200E, U+200F and U+202A to U+202E, were missing).
pub fn hfs_ignores(c: char) -> bool {
    matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}')
}

/// A file's bytes mapped into memory, read-only: reading a large file this way costs no
/// new memory (the pages are the page cache's). Only for files never changed in place —
/// written whole under a temporary name and renamed, as git and tkt write their index
/// and cache files: a file replaced so leaves the mapping whole, while one cut short in
/// place under it would kill the process.
#[cfg(unix)]
pub struct Mapped {
    ptr: *mut std::ffi::c_void,
    len: usize,
}

#[cfg(unix)]
impl Mapped {
    pub fn open(path: &Path) -> Result<Mapped> {
        let fail = |e: std::io::Error| Error::io(path, e);
        let file = std::fs::File::open(path).map_err(fail)?;
        let len = file.metadata().map_err(fail)?.len() as usize;
        if len == 0 {
            return Ok(Mapped { ptr: std::ptr::null_mut(), len });
        }
        // SAFETY: a private, read-only mapping of the whole file, unmapped on drop; see the
        // type's documentation for the files it may map.
        let ptr = unsafe {
            rustix::mm::mmap(
                std::ptr::null_mut(),
                len,
                rustix::mm::ProtFlags::READ,
                rustix::mm::MapFlags::PRIVATE,
                &file,
                0,
            )
        }
        .map_err(|e| fail(e.into()))?;
        Ok(Mapped { ptr, len })
    }
}

#[cfg(unix)]
impl std::ops::Deref for Mapped {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: `ptr` maps `len` readable bytes for as long as `self` lives.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }
}

#[cfg(unix)]
impl Drop for Mapped {
    fn drop(&mut self) {
        if self.len != 0 {
            // SAFETY: the mapping made in `open`, unmapped once; no slice of it outlives `self`.
            let _ = unsafe { rustix::mm::munmap(self.ptr, self.len) };
        }
    }
}

/// Elsewhere the file is read.
#[cfg(not(unix))]
pub struct Mapped(Vec<u8>);

#[cfg(not(unix))]
impl Mapped {
    pub fn open(path: &Path) -> Result<Mapped> {
        std::fs::read(path).map(Mapped).map_err(|e| Error::io(path, e))
    }
}

#[cfg(not(unix))]
impl std::ops::Deref for Mapped {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// A name as Windows and macOS compare names: each letter case-folded on its own (`Foto`
/// and `FOTO` are one name there, and so are `fotos` and `fotoſ`, `σ` and `ς` — found by a
/// remote attack, which `to_lowercase` let through), never a letter made two (`ß` stays).
pub fn case_folded(name: &str) -> String {
    fn one(mut mapped: impl Iterator<Item = char>, c: char) -> char {
        match (mapped.next(), mapped.next()) {
            (Some(one), None) => one,
            _ => c,
        }
    }
    name.chars().map(|c| one(c.to_uppercase(), c)).map(|c| one(c.to_lowercase(), c)).collect()
}

/// The regular file at `path` opened with `options`, never a link; a pipe put there is
/// not waited on (opened without blocking, then refused as no regular file).
pub fn open_regular(path: &Path, options: &mut std::fs::OpenOptions) -> Option<std::fs::File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        options,
        rustix::fs::OFlags::NOFOLLOW.bits() as i32 | rustix::fs::OFlags::NONBLOCK.bits() as i32,
    );
    let file = options.open(path).ok()?;
    file.metadata().ok().filter(std::fs::Metadata::is_file).map(|_| file)
}

#[cfg(test)]
mod tests {
    use super::case_folded as folded;

    #[test]
    fn names_windows_and_macos_take_for_one_fold_alike() {
        assert_eq!(folded("FOTO.JPG"), folded("foto.jpg"));
        assert_eq!(folded("fotos.pdf"), folded("fotoſ.pdf"));
        assert_eq!(folded("σ.pdf"), folded("ς.pdf"));
        assert_eq!(folded("ΟΔΟΣ.pdf"), folded("οδος.pdf"));
        assert_ne!(folded("straße.pdf"), folded("strasse.pdf"));
    }
}
