//! Fiscal documents both clones issued under one number: refused when issued beyond
//! doubt, taken back with `--resolve` to be issued again, and the records naming them
//! followed to their new numbers.

use super::*;

/// Refuses a sync whose colliding fiscal documents of this clone were issued beyond doubt,
/// so that neither `--resolve` nor anything else takes them back or renumbers them: one
/// the remote had published before its history was rewritten (a force-push), and one
/// exported as an e-invoice (it may have reached SDI). Only people can settle which of two
/// such documents of one number stands.
pub(super) fn refuse_issued_collisions(
    repo: &Repo,
    ours: &str,
    theirs: &str,
    remote: &str,
    branch: &str,
) -> Result<()> {
    let collisions = fiscal_collisions(repo, ours, theirs)?;
    if collisions.is_empty() {
        return Ok(());
    }
    let lost = repo.lost_tips(remote, branch, theirs)?;
    let (mut published, mut exported, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for (path, bytes) in collisions {
        // The remote's is this one, made when and by whom this clone's was, changed: no
        // other document to settle with, but an issued one altered (found by a review:
        // called a collision, its way out took the altered invoice as issued).
        if !lost.is_empty() && repo.file_at(theirs, &path)?.is_some_and(|t| same_making(&bytes, &t.bytes)) {
            changed.push(format!("  {}", path.display()));
            continue;
        }
        let doc = from_yaml::<Document>(&bytes).ok();
        // Sent to SDI by tkt, or answered by it: it may be SDI's already. Only exported, a
        // file that went nowhere, it is taken back as any document (and its export with it).
        let annotation = doc.as_ref().and_then(|d| d.extra.get(EINVOICE));
        let sent = annotation.is_some_and(|e| e.get("sent").is_some() || e.get("receipts").is_some());
        if let (true, Some(file)) = (sent, annotation.and_then(|e| e.get("file")?.as_str())) {
            exported.push(format!("  {} (sent as {file})", path.display()));
            continue;
        }
        for tip in &lost {
            let had = repo.file_at(tip, &path)?.and_then(|f| from_yaml::<Document>(&f.bytes).ok());
            // The same document, whatever annotations were added since.
            if let (Some(had), Some(doc)) = (had, doc.as_ref()) {
                if issued_fields_changed(&had, doc).is_empty() {
                    published.push(format!("  {}", path.display()));
                    break;
                }
            }
        }
    }
    let hint = format!(
        "a fiscal document once published or sent is issued, and is never renumbered or taken back, and two \
         documents cannot share one file: this needs a person — settle with your accountant which one stands, then \
         make this clone's history hold the remote's (for example `git branch keep` to keep this clone's commits, \
         then `git reset --hard {remote}/{branch}`), run `tkt sync --resolve` so that this clone takes the remote's \
         document as the one issued, and record this clone's document again by hand under a new number; `git \
         reflog {remote}/{branch}` shows what the remote had"
    );
    if !changed.is_empty() {
        return Err(Error::busy(format!(
            "{remote}/{branch} no longer has commits it had when this clone last synced (its history was rewritten, \
             as by `git push --force`), and the rewrite changed fiscal documents it had published, which never \
             change once issued; nothing was merged:\n{}",
            changed.join("\n")
        ))
        .with_hint(format!(
            "this needs a person: whoever rewrote {remote} puts these documents back as issued (this clone has them: \
             `git show HEAD:PATH`); then run tkt sync again"
        )));
    }
    if !published.is_empty() {
        return Err(Error::busy(format!(
            "{remote}/{branch} no longer has commits it had when this clone last synced (its history was rewritten, \
             as by `git push --force`), and it has since issued other fiscal documents under the numbers of these, \
             which it had published; nothing was merged:\n{}",
            published.join("\n")
        ))
        .with_hint(hint));
    }
    if !exported.is_empty() {
        return Err(Error::busy(format!(
            "the remote issued fiscal documents under the numbers of these, which this clone sent to SDI as \
             e-invoices; nothing was merged:\n{}",
            exported.join("\n")
        ))
        .with_hint(hint));
    }
    Ok(())
}

/// This clone's fiscal documents (repository path and content) that the remote has
/// under the same number with other content, added on both sides since their merge base.
pub(super) fn fiscal_collisions(repo: &Repo, ours: &str, theirs: &str) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let Some(base) = merge_base(repo, ours, theirs)? else { return Ok(Vec::new()) };
    let prefix = repo.desk_prefix().to_path_buf();
    let ours_changed: BTreeSet<PathBuf> = repo.changed_paths(Some(&base), ours)?.into_iter().collect();
    let theirs_changed = repo.changed_paths(Some(&base), theirs)?;
    let mut found = Vec::new();
    for path in collisions(repo, &prefix, Some(&base), ours, theirs, &ours_changed, &theirs_changed)? {
        let rel = path.strip_prefix(&prefix).unwrap_or(&path);
        if !fiscal_path(rel) {
            continue;
        }
        if let Some(state) = repo.file_at(ours, &path)? {
            found.push((path, state.bytes));
        }
    }
    Ok(found)
}

/// Takes back this clone's fiscal documents issued under numbers the remote has for its
/// own: they never reached the remote, so they were never issued. Their files leave the
/// clone's unpublished commits (its history is the ledger); returns their ids and content.
/// Each is first kept in [`TAKEN_BACK_DIR`] until it is issued again, so a sync that fails
/// or is killed after the take-back loses none.
pub(super) fn take_back_fiscal_collisions(
    desk: &Desk,
    repo: &Repo,
    ours: &str,
    theirs: &str,
) -> Result<Vec<(String, Vec<u8>)>> {
    let Some(base) = merge_base(repo, ours, theirs)? else { return Ok(Vec::new()) };
    let mut taken = Vec::new();
    let mut paths = Vec::new();
    for (path, bytes) in fiscal_collisions(repo, ours, theirs)? {
        let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        taken.push((id, bytes));
        paths.push(path);
    }
    for (id, bytes) in &taken {
        crate::files::write_atomic(&taken_back_path(desk, id), bytes)?;
    }
    // Its number is the remote's document's now: this clone knows no version of it.
    for path in &paths {
        desk.log_issued(path.strip_prefix(repo.desk_prefix()).unwrap_or(path), "-")?;
    }
    if !paths.is_empty() {
        // Killed between moving the branch and writing the work tree and the index, the
        // next command puts them as HEAD has them.
        desk.note_writes(&repo.in_desk(&paths))?;
        repo.drop_paths_since(&base, &paths)?;
        desk.writes_committed()?;
    }
    Ok(taken)
}

/// Where `tkt sync --resolve` keeps the documents it took back until they are issued again.
pub const TAKEN_BACK_DIR: &str = ".tkt/taken-back";

pub(super) fn taken_back_path(desk: &Desk, id: &str) -> PathBuf {
    desk.abs(&Path::new(TAKEN_BACK_DIR).join(format!("{id}.yaml")))
}

/// The copy of a document kept since its take-back, as it is now (the documents issued
/// again before it may have changed its links).
pub fn taken_back_copy(desk: &Desk, id: &str) -> Result<Vec<u8>> {
    let path = taken_back_path(desk, id);
    std::fs::read(&path).map_err(|e| Error::io(&path, e))
}

/// Whether a record's content names any of `ids` (as a value, or a word of a line's text).
pub fn names_any(bytes: &[u8], ids: &[String]) -> bool {
    let same: HashMap<String, String> = ids.iter().map(|id| (id.clone(), id.clone())).collect();
    from_yaml::<Value>(bytes).is_ok_and(|mut value| rewrite_ids(&mut value, &same, true))
}

/// Forgets a document kept since its take-back: it was issued again, or is not to be.
pub fn forget_taken_back(desk: &Desk, id: &str) -> Result<()> {
    let path = taken_back_path(desk, id);
    std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))
}

/// The documents taken back by an earlier `tkt sync --resolve` and not issued again yet.
pub fn taken_back_waiting(desk: &Desk) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(taken_back(desk)?.into_iter().filter(|t| t.settled.is_none()).map(|t| (t.id, t.bytes)).collect())
}

/// The documents taken back whose numbers this clone's records may still name: those
/// waiting to be issued again, and those issued again by a sync killed before the records
/// naming them followed ([`Settled::IssuedAgainAs`]; `tkt sync` makes them follow first).
pub fn taken_back_to_follow(desk: &Desk) -> Result<Vec<String>> {
    let kept = taken_back(desk)?.into_iter();
    Ok(kept.filter(|t| !matches!(t.settled, Some(Settled::StillHere))).map(|t| t.id).collect())
}

/// A document kept in [`TAKEN_BACK_DIR`] since its take-back.
pub struct TakenBack {
    pub id: String,
    pub bytes: Vec<u8>,
    /// Why it is not to be issued again although still kept, when a command was killed
    /// between two of its steps.
    pub settled: Option<Settled>,
}

pub enum Settled {
    /// Issued again under this number, by a sync killed before it forgot the copy.
    IssuedAgainAs(String),
    /// Never taken back: the sync was killed after keeping the copy and before it took
    /// the document out of this clone's history, which still has it as it was.
    StillHere,
}

/// What the commit that issues a taken-back document again says after its new id: the
/// mark by which a sync killed before it forgot the copy is seen to have issued it.
pub fn issued_again_message(kind: impl std::fmt::Display, old: &str, copy: &[u8]) -> String {
    format!(
        "{kind} issued again ({old} never reached the remote, whose {old} is another)\n\ntaken back: {}",
        crate::git::content_hash(copy)
    )
}

/// Every document kept since its take-back, each with whether it is still to be issued
/// again. Killed after keeping the copy and before taking the document out of history, a
/// sync leaves the document where it was; killed after issuing it again and before
/// forgetting the copy, it leaves that commit, newer than the copy. Either way the copy
/// is not to be issued (again), which would number the same goods twice.
pub fn taken_back(desk: &Desk) -> Result<Vec<TakenBack>> {
    let dir = desk.abs(Path::new(TAKEN_BACK_DIR));
    let mut all = Vec::new();
    for name in crate::desk::list_dir(&dir)? {
        let Some(id) = name.strip_suffix(".yaml") else { continue };
        let path = dir.join(&name);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let kept = std::fs::metadata(&path).and_then(|m| m.modified()).map_err(|e| Error::io(&path, e))?;
        let at = desk.doc_kind_of(id).and_then(|kind| Kind::Document(kind).path_for(id)).ok();
        let settled = match (desk.repo(), at) {
            (Some(repo), Some(at)) => settled(repo, id, &repo.desk_prefix().join(at), &bytes, kept)?,
            _ => None,
        };
        all.push(TakenBack { id: id.to_string(), bytes, settled });
    }
    all.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(all)
}

pub(super) fn settled(
    repo: &Repo,
    id: &str,
    path: &Path,
    bytes: &[u8],
    kept: std::time::SystemTime,
) -> Result<Option<Settled>> {
    let Some(head) = repo.head()? else { return Ok(None) };
    if repo.file_at(&head, path)?.is_some_and(|f| f.bytes == bytes) {
        return Ok(Some(Settled::StillHere));
    }
    // The commit is made after the copy, by this machine's clock (whole seconds).
    let kept = kept.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    // The commit names the copy by its content: another clone's document issued again
    // from the same old number is not this one.
    let mark = issued_again_message("", id, bytes);
    let (first, copy) = mark.trim_start().split_once('\n').unwrap_or((mark.trim_start(), ""));
    let found = repo.find_message_since(&head, kept - 1, &|message| {
        let (new, what) = message.lines().next()?.split_once(": ")?;
        (what.contains(first) && message.contains(copy.trim())).then(|| new.to_string())
    })?;
    Ok(found.map(Settled::IssuedAgainAs))
}

/// The documents taken back to be issued again name this clone's records as they were
/// numbered: their links follow the renumbering, or an invoice would be dropped as billing
/// the office's work, and a DDT issued again on the office's ticket.
pub(super) fn follow_in_taken_back(desk: &Desk, pairs: &HashMap<String, String>) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    for (id, bytes) in taken_back_waiting(desk)? {
        let Ok(mut value) = from_yaml::<Value>(&bytes) else { continue };
        if rewrite_ids(&mut value, pairs, true) {
            let text = crate::desk::yaml_text(&value).map_err(|e| Error::failure(e.to_string()))?;
            crate::files::write_atomic(&taken_back_path(desk, &id), text.as_bytes())?;
        }
    }
    Ok(())
}

/// Once `tkt sync --resolve` issued taken-back documents again (`pairs`: old number →
/// new), this clone's records follow them before anything is pushed: the copies still
/// waiting, and each unpublished record naming an old number — a payment of a taken-back
/// invoice, an invoice billing a taken-back DDT — written again with the new one in every
/// unpublished commit, as a renumbering's links are, so that each reads as issued with its
/// right link. The remote's records, which name its own documents of those numbers, are
/// left alone. Returns the desk paths written again.
pub fn follow_issued_again(desk: &Desk, remote: Option<&str>, pairs: &HashMap<String, String>) -> Result<Vec<PathBuf>> {
    follow_in_taken_back(desk, pairs)?;
    let repo = repo_of(desk)?;
    let (remote, branch) = remote_of(repo, remote)?;
    let (Some(theirs), Some(head)) = (repo.remote_tip(&remote, &branch)?, repo.head()?) else { return Ok(Vec::new()) };
    let prefix = repo.desk_prefix().to_path_buf();
    let mut paths = Vec::new();
    // The remote's tip as this clone reads it: one not upgraded yet, its records moved into
    // their folders of a thousand — else every record of the remote's would be this clone's
    // change (found by a layout review: its invoice of the old number was written again).
    let published = super::layout::upgraded_view(repo, &theirs)?;
    for path in repo.changed_paths(Some(&published), &head)? {
        let Some(state) = repo.file_at(&head, &path)? else { continue };
        if rewritten(&prefix, &path, &state, pairs, !exported(&state))?.is_some() {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    desk.note_writes(&repo.in_desk(&paths))?;
    let keep_text = exported_at(repo, &head, &paths)?;
    let edit = |path: &Path, bytes: &[u8]| {
        let state = FileState { bytes: bytes.to_vec(), executable: false };
        Ok(Some(rewritten(&prefix, path, &state, pairs, !keep_text.contains(path))?.unwrap_or(state).bytes))
    };
    repo.rewrite_unpublished(&theirs, &paths, &edit, "tkt: links follow the documents issued again")?;
    relog_written_again(desk, repo, &paths)?;
    desk.writes_committed()?;
    Ok(repo.in_desk(&paths))
}

/// What tkt wrote again of unpublished fiscal documents (repository `paths`) is the
/// version issued: this clone's log of what it issued says so.
pub(super) fn relog_written_again(desk: &Desk, repo: &Repo, paths: &[PathBuf]) -> Result<()> {
    desk.relog_from_history(&repo.in_desk(paths))
}
