//! The exclusive desk lock held by mutating commands, so a cron job and a technician never
//! interleave their writes. Read commands take no lock.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// Held for the life of a mutating command; dropping it (or the process dying) releases it.
#[derive(Debug)]
pub struct DeskLock {
    _file: File,
}

impl DeskLock {
    /// Takes the lock at `path`, waiting up to `wait` before giving up with "desk busy".
    pub fn acquire(path: &Path, wait: Duration) -> Result<DeskLock> {
        let file = open(path)?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(DeskLock { _file: file }),
                Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::busy(format!("desk busy: another tkt command holds {}", path.display()))
                        .with_hint(format!(
                            "try again in a moment; the wait is {:.1}s (TKT_LOCK_TIMEOUT)",
                            wait.as_secs_f64()
                        )));
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(path, e)),
            }
        }
    }

    /// Takes the lock at `path` if no command holds it now, without waiting: `None` while
    /// a live command holds it.
    pub fn try_acquire(path: &Path) -> Result<Option<DeskLock>> {
        let file = open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DeskLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(Error::io(path, e)),
        }
    }
}

/// The lock file, made if missing.
fn open(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        crate::files::create_dirs(dir)?;
    }
    let file = File::options().create(true).truncate(false).write(true).open(path).map_err(|e| Error::io(path, e))?;
    // Another user of a shared desk must be able to take it too.
    crate::files::share(path);
    Ok(file)
}
