//! `tkt upgrade`: moves a desk's tickets and documents into the folders of a thousand their
//! ids give (`tickets/2026/T-2026-1042.yaml` to `tickets/2026/001/T-2026-1042.yaml`,
//! `documents/invoice/2026/INV-2026-0012.yaml` to `documents/invoice/2026/000/…`), in one
//! commit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::desk::Desk;
use crate::git::Repo;
use crate::model::{sharded_path, Kind};
use crate::{Error, Result};

use super::Env;

/// What an upgrade did.
#[derive(Debug, Default)]
pub struct Upgraded {
    /// The tickets and documents moved, each `(from, to)`, desk-relative.
    pub moved: Vec<(PathBuf, PathBuf)>,
}

/// Moves every ticket and document not in its folder of a thousand into it, in one commit;
/// a desk already upgraded is left as it is. Each file is moved byte for byte (git sees a
/// rename). Refused, with nothing moved, when a record's place is taken or its file
/// differs from the last commit. Other files of a year's folder are left to `tkt check`.
pub fn upgrade(env: &Env) -> Result<Upgraded> {
    let _lock = env.lock_unsharded()?;
    let moved = planned_moves(&env.desk)?;
    refuse_uncommitted(&env.desk, &moved)?;
    if moved.is_empty() {
        return Ok(Upgraded::default());
    }
    env.desk.move_files(&moved)?;
    let paths: Vec<PathBuf> = moved.iter().flat_map(|(from, to)| [from.clone(), to.clone()]).collect();
    let message = format!("{}\n\n{} moved, each byte for byte, by tkt upgrade.", crate::desk::UPGRADE, moved.len());
    env.commit(&paths, &message)?;
    Ok(Upgraded { moved })
}

/// Refuses an upgrade while a record's file differs from the last commit (a hand edit, a
/// file git does not know yet): the move commits files whole, and a hand edit goes through
/// `tkt sync`'s checks first (found by a layout attack: an editor's older copy, dropping a
/// note, went into the upgrade's commit; and killed, the upgrade put HEAD's version back).
fn refuse_uncommitted(desk: &Desk, moves: &[(PathBuf, PathBuf)]) -> Result<()> {
    let Some(repo) = desk.repo() else { return Ok(()) };
    let Some(head) = repo.head()? else { return Ok(()) };
    // Compared with HEAD's blobs, not through git's index (a command killed while holding
    // it is taken back by the lock first; this reads no index at all).
    let mut committed: HashMap<PathBuf, HashMap<String, String>> = HashMap::new();
    let mut edited = Vec::new();
    for (from, _) in moves {
        let folder = from.parent().unwrap_or(Path::new(""));
        if !committed.contains_key(folder) {
            committed.insert(folder.to_path_buf(), repo.blobs_at(&head, folder)?);
        }
        let name = from.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let bytes = std::fs::read(desk.abs(from)).map_err(|e| Error::io(from, e))?;
        if committed[folder].get(name) != Some(&Repo::blob_id(&bytes)) {
            edited.push(from.display().to_string());
        }
    }
    // Deleted by hand and not committed: the upgrade's commit would keep it where it was,
    // beside the moved ones (found by a layout review).
    let prefix = repo.desk_prefix();
    for kind in Kind::all().filter(|k| k.sharded()) {
        for year in repo.folders_in(&head, &prefix.join(kind.dir()))? {
            for file in repo.files_in(&head, &year)? {
                let rel = file.strip_prefix(prefix).unwrap_or(&file);
                if sharded_path(rel).is_some() && std::fs::symlink_metadata(desk.abs(rel)).is_err() {
                    edited.push(format!("{} (deleted)", rel.display()));
                }
            }
        }
    }
    if edited.is_empty() {
        return Ok(());
    }
    let more = if edited.len() > 5 { format!(" and {} more", edited.len() - 5) } else { String::new() };
    Err(Error::refused(format!(
        "{}{more}: changed since the last commit; the upgrade moves committed records only, and nothing was moved",
        edited[..edited.len().min(5)].join(", ")
    ))
    .with_hint(
        "commit them with `git commit` (or put them back: `git checkout -- FILE`), then upgrade; `tkt check` says \
         whether they read",
    ))
}

/// Where each ticket and document not in its folder of a thousand goes, every one checked
/// before any moves.
pub fn planned_moves(desk: &Desk) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut moves = Vec::new();
    for (from, to) in desk.unsharded(false)? {
        // A file named like the folder it goes to (found by a layout attack).
        if let Some(shard) = to.parent().filter(|s| desk.abs(s).exists() && !desk.abs(s).is_dir()) {
            return Err(Error::refused(format!(
                "{}: a file where the folder of a thousand {} goes; nothing was moved",
                shard.display(),
                from.display()
            ))
            .with_hint("move that file out of the desk, then upgrade"));
        }
        if std::fs::symlink_metadata(desk.abs(&to)).is_ok() {
            let noun = Desk::kind_of_path(&to).map_or("record", |k| k.noun());
            return Err(Error::refused(format!(
                "{} and {} are two files of one {noun}; nothing was moved",
                from.display(),
                to.display()
            ))
            .with_hint(format!(
                "one {noun} twice: keep the right one (`git log` on each shows where it came from) and delete the \
                 other; two {noun}s (a plain `git pull` of a remote not upgraded yet brought one): take the pull \
                 back with `git reset --hard ORIG_HEAD` and run tkt sync, which gives one a new number (a fiscal \
                 document's never: it says what to do)"
            )));
        }
        moves.push((from, to));
    }
    Ok(moves)
}
