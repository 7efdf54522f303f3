//! Files on disk, below every floor that writes them: a write is atomic (temp file in the
//! same folder, fsync, rename, fsync of the folder), so a crash leaves the old file or the
//! new one, never half of either.

use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// Temp files of an interrupted write start with this; `tkt check` reports them.
pub const TEMP_PREFIX: &str = ".tkt-tmp-";

/// Writes a file atomically: temp file in the same folder, fsync, rename, fsync folder.
pub fn write_atomic(abs: &Path, contents: &[u8]) -> Result<()> {
    let dir = abs.parent().expect("record paths have a parent");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(contents).map_err(|e| Error::io(abs, e))?;
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
