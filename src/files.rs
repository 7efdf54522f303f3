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
