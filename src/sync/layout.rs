//! One layout in every merge: tickets kept by an older tkt (`tickets/2026/T-2026-1042.yaml`)
//! are read in their folders of a thousand (`tickets/2026/001/`) wherever a sync compares
//! two sides, so that the move of `tkt upgrade` is no change at all to the merge: a remote
//! not upgraded yet is upgraded by a commit on its tip (published with this clone's
//! work, as if its clone had upgraded), and a merge base from before the upgrade is read
//! through a commit that upgrades it.

use super::*;

/// The ticket files of `commit` not in their folders of a thousand, each `(from, to)` as
/// repository paths. Refused when a ticket would land on a file there already: two files
/// of one ticket.
fn unsharded_at(repo: &Repo, commit: &str) -> Result<Vec<(PathBuf, PathBuf)>> {
    let prefix = repo.desk_prefix();
    let mut moves = Vec::new();
    for kind in Kind::all().filter(|k| k.sharded()) {
        for year in repo.folders_in(commit, &prefix.join(kind.dir()))? {
            for file in repo.files_in(commit, &year)? {
                let Some(to) = file.strip_prefix(prefix).ok().and_then(Desk::sharded_path) else { continue };
                let to = prefix.join(to);
                if repo.file_at(commit, &to)?.is_some() {
                    return Err(Error::busy(format!(
                        "{} and {} at {} are two files of one ticket; nothing was merged or written",
                        file.display(),
                        to.display(),
                        &commit[..12]
                    ))
                    .with_hint(
                        "keep the right one (`git log` on each shows where it came from), delete the other, and commit",
                    ));
                }
                moves.push((file, to));
            }
        }
    }
    Ok(moves)
}

/// The remote's tip `theirs` as this clone merges it: itself, or — holding tickets not
/// in their folders of a thousand, and not in this clone's history already — a commit on
/// it that moves them (signed by `author`; pushed with the merge).
pub(super) fn upgraded_tip(
    repo: &Repo,
    ours: Option<&str>,
    theirs: Option<String>,
    author: &Author,
) -> Result<Option<String>> {
    let Some(tip) = theirs else { return Ok(None) };
    if let Some(ours) = ours {
        if repo.is_ancestor(&tip, ours)? {
            return Ok(Some(tip));
        }
    }
    let moves = unsharded_at(repo, &tip)?;
    if moves.is_empty() {
        return Ok(Some(tip));
    }
    let message = format!("{}\n\n{} moved, each byte for byte, by tkt sync.", crate::desk::UPGRADE, moves.len());
    repo.commit_moves(&tip, &moves, &message, Some(author)).map(Some)
}

/// The merge base of `ours` and `theirs`, read as if it were upgraded: a base from before
/// the upgrade is replaced by a commit on it that moves its tickets (made the same each
/// time, and never on a branch), so that what each side changed since is its own work.
pub(super) fn merge_base(repo: &Repo, ours: &str, theirs: &str) -> Result<Option<String>> {
    let Some(base) = repo.merge_base(ours, theirs)? else { return Ok(None) };
    let moves = unsharded_at(repo, &base)?;
    if moves.is_empty() {
        return Ok(Some(base));
    }
    repo.commit_moves(&base, &moves, crate::desk::UPGRADE, None).map(Some)
}
