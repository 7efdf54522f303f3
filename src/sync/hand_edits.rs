//! Hand edits: the files of the desk's layout changed since HEAD, which a sync commits
//! before it merges.

use super::*;

/// Records and the desk's own files are hand edits; anything else (a printed page saved in
/// the desk, say) is the user's business, and so is a hidden file (`web/.env` with a
/// password, macOS's `.DS_Store`): git commits them when asked, sync never.
pub(super) fn hidden_file(rel: &Path) -> bool {
    rel.components().count() > 1 && rel.iter().any(|c| c.to_str().is_some_and(|n| n.starts_with('.')))
}

/// Whether a desk-relative file in the work tree, not hidden, sits in a folder of records
/// under no record's name: a record renamed out of the layout (a Windows editor saving
/// `T-2026-0012.yml`) would leave only its deletion to publish, so sync names it, not
/// skips it (found by a careless-office attack: the ticket was deleted for the whole team),
/// and `tkt check` names it too.
pub(crate) fn stray_in_records(rel: &Path) -> bool {
    let records = Kind::all().map(|k| k.dir().split('/').next().unwrap_or_default()).collect::<Vec<_>>();
    !hidden_file(rel)
        && !Desk::in_layout(rel)
        && rel.iter().next().and_then(|c| c.to_str()).is_some_and(|d| records.contains(&d))
}

/// How to settle a file [`stray_in_records`]: a backup or a copy beside its record is moved
/// out, never renamed over it (found by a careless-office attack: "rename it as the record
/// it is" wrote an editor's backup over the ticket and its new note).
pub(crate) const STRAY_HINT: &str = "move it out of the desk's folders (a backup or a copy: never over its record); \
     only a record saved under another name, its own file gone, is renamed back";

/// The desk's files changed by hand and not committed, after checking every changed
/// record; an invalid one (or a link) refuses the sync (exit 4) naming the files.
pub(super) fn hand_edits(desk: &Desk, repo: &Repo, today: chrono::NaiveDate) -> Result<Vec<PathBuf>> {
    let year = chrono::Datelike::year(&today);
    let prefix = repo.desk_prefix().to_path_buf();
    let mut changed = Vec::new();
    let mut invalid = Vec::new();
    // Records a `.gitignore` hides from `git status` (the remote's may ignore a folder of
    // records) are hand edits all the same.
    let dirs: Vec<PathBuf> = Desk::layout_dirs().iter().map(|d| prefix.join(d)).collect();
    let probes: Vec<PathBuf> = Desk::layout_probes(year).into_iter().map(|p| prefix.join(p)).collect();
    // Only records: an attachment or a page the user chose to ignore stays theirs.
    let record = |p: &PathBuf| p.strip_prefix(&prefix).ok().and_then(Desk::kind_of_path).is_some();
    let hidden = repo.ignored_in(&dirs, &probes).into_iter().filter(record).map(|p| (p, false));
    for (path, deleted) in repo.uncommitted()?.into_iter().chain(hidden) {
        let Ok(rel) = path.strip_prefix(&prefix) else { continue };
        if hidden_file(rel) {
            continue;
        }
        // A name no other clone takes (found by a team attack: an attachment named in
        // Windows-1252 was left out without a word, for good).
        if !deleted && rel.to_str().is_none() {
            invalid.push(
                Error::refused(format!("{}: its name is not UTF-8, and no other clone would take it", rel.display()))
                    .with_hint("rename it (and it in its record's `attachments`), then run tkt sync again"),
            );
            continue;
        }
        if !Desk::in_layout(rel) {
            if !deleted && stray_in_records(rel) {
                invalid.push(
                    Error::refused(format!(
                        "{}: no record's name (a record is its id and .yaml, in its kind's folder)",
                        rel.display()
                    ))
                    .with_hint(STRAY_HINT),
                );
            }
            continue;
        }
        let abs = desk.abs(rel);
        // A folder made a link shows as its files deleted: refused, not committed.
        let checked = if !deleted && (Desk::kind_of_path(rel).is_some() || rel == Path::new(crate::model::CONFIG_FILE))
        {
            read_text(&abs, rel).and_then(|text| Desk::check_record_text(rel, &text))
        } else {
            crate::files::refuse_links(&abs, rel)
        };
        if let Err(e) = checked {
            invalid.push(e);
        } else if !deleted && fiscal_path(rel) && !in_head(repo, &path)? {
            // A fiscal document made by hand is issued once published: held to the rules of
            // its kind first (found by a careless-office attack: a copy with wrong totals went
            // out, and could then be neither fixed nor credited).
            let doc = read_text(&abs, rel).and_then(|text| parse_record::<crate::model::Document>(&text, rel));
            let problems = doc.map(|d| crate::rules::check_issued_document(&d, today)).unwrap_or_default();
            if !problems.is_empty() {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                invalid.push(Error::refused(format!("{}: {}", rel.display(), list.join("; "))));
            }
        }
        changed.push(rel.to_path_buf());
    }
    if !invalid.is_empty() {
        let list: Vec<String> = invalid.iter().map(|e| e.to_string()).collect();
        let mut error = Error::refused(format!("hand edits that are not valid records:\n  {}", list.join("\n  ")));
        for hint in invalid.into_iter().flat_map(|e| e.hints) {
            if !error.hints.contains(&hint) {
                error.hints.push(hint);
            }
        }
        return Err(error.with_hint("fix them (tkt check shows the same), then run tkt sync again"));
    }
    // A path git names twice (staged for deletion, and the file there untracked) is one.
    changed.sort();
    changed.dedup();
    Ok(changed)
}

/// Whether HEAD holds the repository path `path` (none when there is no commit yet).
pub(super) fn in_head(repo: &Repo, path: &Path) -> Result<bool> {
    match repo.head()? {
        Some(head) => Ok(repo.file_at(&head, path)?.is_some()),
        None => Ok(false),
    }
}

/// Of the paths git names as changed, those whose file differs from HEAD's: a file as
/// committed is no edit (only git's index was out of step, which committing it mends).
pub(super) fn edited_since_head(desk: &Desk, repo: &Repo, paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let Some(head) = repo.head()? else { return Ok(paths.to_vec()) };
    let mut edited = Vec::with_capacity(paths.len());
    for rel in paths {
        let committed = repo.file_at(&head, &repo.desk_prefix().join(rel))?.map(|f| f.bytes);
        if committed.is_none() || committed != std::fs::read(desk.abs(rel)).ok() {
            edited.push(rel.clone());
        }
    }
    Ok(edited)
}
