//! `tkt upgrade`: moves a desk's tickets into the folders of a thousand their ids give
//! (`tickets/2026/T-2026-1042.yaml` to `tickets/2026/001/T-2026-1042.yaml`), in one commit.

use std::path::PathBuf;

use crate::desk::Desk;
use crate::{Error, Result};

use super::Env;

/// What an upgrade did.
#[derive(Debug, Default)]
pub struct Upgraded {
    /// The tickets moved, each `(from, to)`, desk-relative.
    pub moved: Vec<(PathBuf, PathBuf)>,
}

/// Moves every ticket not in its folder of a thousand into it, in one commit; a desk
/// already upgraded is left as it is. Each file is moved byte for byte (git sees a
/// rename). Refused, with nothing moved, when a file there is no ticket's own name or its
/// place is taken.
pub fn upgrade(env: &Env) -> Result<Upgraded> {
    let _lock = env.lock_unsharded()?;
    let moved = planned_moves(&env.desk)?;
    if moved.is_empty() {
        return Ok(Upgraded::default());
    }
    env.desk.move_files(&moved)?;
    let paths: Vec<PathBuf> = moved.iter().flat_map(|(from, to)| [from.clone(), to.clone()]).collect();
    let message = format!("{}\n\n{} moved, each byte for byte, by tkt upgrade.", crate::desk::UPGRADE, moved.len());
    env.commit(&paths, &message)?;
    Ok(Upgraded { moved })
}

/// Where each ticket not in its folder of a thousand goes, every one checked before any
/// moves.
pub fn planned_moves(desk: &Desk) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut moves = Vec::new();
    for from in desk.unsharded(false)? {
        let Some(to) = Desk::sharded_path(&from) else {
            return Err(Error::refused(format!(
                "{}: no ticket's name, so it has no folder of a thousand to go to; nothing was moved",
                from.display()
            ))
            .with_hint("rename it as the id it holds (`tkt check` names it), or move it out of the desk"));
        };
        if std::fs::symlink_metadata(desk.abs(&to)).is_ok() {
            return Err(Error::refused(format!(
                "{} and {} are two files of one ticket; nothing was moved",
                from.display(),
                to.display()
            ))
            .with_hint("keep the right one (`git log` on each shows where it came from) and delete the other"));
        }
        moves.push((from, to));
    }
    Ok(moves)
}
