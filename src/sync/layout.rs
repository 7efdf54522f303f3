//! One layout in every merge: tickets and documents kept by an older tkt
//! (`tickets/2026/T-2026-1042.yaml`, `documents/invoice/2026/INV-2026-0012.yaml`) are read
//! in their folders of a thousand (`tickets/2026/001/`) wherever a sync compares
//! two sides, so that the move of `tkt upgrade` is no change at all to the merge: a remote
//! not upgraded yet is upgraded by a commit on its tip (published with this clone's
//! work, as if its clone had upgraded), and a commit from before the upgrade that a sync
//! compares with (the merge base, the remote's tip already in this clone's history) is
//! read through a commit that upgrades it, made the same each time and never on a branch.

use std::cell::RefCell;

use super::*;

thread_local! {
    /// The upgraded view of each commit made in this process (a sync asks several times).
    static VIEWS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// The ticket and document files of `commit` not in their folders of a thousand, each
/// `(from, to)` as repository paths. A record with a file at both places is `Err` with the
/// two, or with `keep_both`, left where it is (history holds it: the later commits that
/// settled it are the sides' own work).
fn unsharded_at(repo: &Repo, commit: &str, keep_both: bool) -> Result<Vec<(PathBuf, PathBuf)>> {
    let prefix = repo.desk_prefix();
    let mut moves = Vec::new();
    for kind in Kind::all().filter(|k| k.sharded()) {
        for year in repo.folders_in(commit, &prefix.join(kind.dir()))? {
            // Each folder read once: what is in the year's folders of a thousand already.
            let mut sharded = HashSet::new();
            for shard in repo.folders_in(commit, &year)? {
                sharded.extend(repo.files_in(commit, &shard)?);
            }
            for file in repo.files_in(commit, &year)? {
                let Some(to) = file.strip_prefix(prefix).ok().and_then(crate::model::sharded_path) else { continue };
                let to = prefix.join(to);
                if !sharded.contains(&to) {
                    moves.push((file, to));
                } else if !keep_both {
                    return Err(Error::busy(format!(
                        "{} and {} at {} are two files of one record; nothing was merged or written",
                        file.display(),
                        to.display(),
                        &commit[..12.min(commit.len())]
                    ))
                    .with_hint(
                        "keep the right one (`git log` on each shows where it came from), delete the other, commit and \
                         push",
                    ));
                }
            }
        }
    }
    Ok(moves)
}

/// The remote's tip `theirs` as this clone merges it: itself, or — holding records not
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
    let moves = unsharded_at(repo, &tip, false)?;
    if moves.is_empty() {
        return Ok(Some(tip));
    }
    let message = format!("{}\n\n{} moved, each byte for byte, by tkt sync.", crate::desk::UPGRADE, moves.len());
    repo.commit_moves(&tip, &moves, &message, Some(author)).map(Some)
}

/// `commit` as this tkt reads it, to compare with: itself, or a commit on it that moves
/// its records into their folders of a thousand (never on a branch, never pushed).
pub(super) fn upgraded_view(repo: &Repo, commit: &str) -> Result<String> {
    if let Some(view) = VIEWS.with(|v| v.borrow().get(commit).cloned()) {
        return Ok(view);
    }
    let moves = unsharded_at(repo, commit, true)?;
    let view = match moves.is_empty() {
        true => commit.to_string(),
        false => repo.commit_moves(commit, &moves, crate::desk::UPGRADE, None)?,
    };
    VIEWS.with(|v| v.borrow_mut().insert(commit.to_string(), view.clone()));
    Ok(view)
}

/// The commit an upgraded view was made of (`commit` itself when it is none): ancestry is
/// asked of real commits.
pub(super) fn viewed(commit: &str) -> String {
    VIEWS
        .with(|v| v.borrow().iter().find(|(of, view)| *view == commit && *of != commit).map(|(of, _)| of.clone()))
        .unwrap_or_else(|| commit.to_string())
}

/// The merge base of `ours` and `theirs`, read as if it were upgraded ([`upgraded_view`]),
/// so that what each side changed since is its own work.
pub(super) fn merge_base(repo: &Repo, ours: &str, theirs: &str) -> Result<Option<String>> {
    match repo.merge_base(ours, theirs)? {
        Some(base) => upgraded_view(repo, &base).map(Some),
        None => Ok(None),
    }
}
