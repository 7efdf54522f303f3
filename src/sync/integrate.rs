//! Merging the remote's history into this clone's, record by record: the plan of what
//! each side changed, field-level merges, and the merge commit.

use super::*;

pub(super) fn integrate(
    desk: &Desk,
    repo: &Repo,
    author: &Author,
    theirs: Option<&str>,
    remote: &str,
    branch: &str,
    report: &mut SyncReport,
) -> Result<()> {
    let (Some(theirs), Some(ours)) = (theirs, repo.head()?) else { return Ok(()) };
    if repo.is_ancestor(theirs, &ours)? {
        return Ok(());
    }
    check_incoming(desk, repo, &ours, theirs, remote, branch, author.when.date_naive())?;
    if repo.is_ancestor(&ours, theirs)? {
        let changed = repo.changed_paths(Some(&ours), theirs)?;
        refuse_dirty(repo, &changed)?;
        report.came_in += repo.count_commits(Some(&ours), theirs)?;
        desk.note_writes(&repo.in_desk(&changed))?;
        repo.fast_forward(theirs)?;
        desk.writes_committed()?;
        return Ok(());
    }
    let base = merge_base(repo, &ours, theirs)?;
    // What the remote had before its history was rewritten was published all the same.
    let lost = repo.lost_tips(remote, branch, theirs)?;
    let plan = plan_merge(desk, repo, base.as_deref(), &ours, theirs, &lost, &author.when)?;
    refuse_unreadable_merge(repo, &plan)?;
    refuse_dirty(repo, &plan.files.keys().cloned().collect::<Vec<_>>())?;
    let mut message = format!("tkt sync: merge {remote}/{branch}");
    let mut body = Vec::new();
    for (old, new) in &plan.renumbered {
        body.push(format!("{old} is now {new}"));
    }
    for (path, fields) in &plan.conflicts {
        body.push(format!("conflict in {}: {}", path.display(), fields.join(", ")));
    }
    for path in &plan.fiscal_links {
        body.push(format!("{}: never published, its link follows the renumbering", path.display()));
    }
    if !body.is_empty() {
        message = format!("{message}\n\n{}", body.join("\n"));
    }
    // Looked at as a whole before anything is written or followed: the merge this clone's
    // records make with the remote's, unpublished documents' links aside.
    let files: Vec<(PathBuf, Option<FileState>)> = plan.files.into_iter().collect();
    let merge = repo.merge_commit(&ours, theirs, &files, &message, author)?;
    refuse_unsound_merge(repo, [&ours, theirs], &merge, &format!("{remote}/{branch}"))?;
    // This clone's unpublished fiscal documents naming a renumbered record are written
    // again with the new id in every unpublished commit: the merge then moves HEAD onto
    // them, and each document reads as issued with its right link.
    let rewritten_ours = match (base.as_deref(), plan.fiscal_links.is_empty()) {
        (Some(base), false) => {
            let prefix = repo.desk_prefix().to_path_buf();
            let keep_text = exported_at(repo, &ours, &plan.fiscal_links)?;
            repo.rewrite_since(base, &ours, &plan.fiscal_links, &|path, bytes| {
                let state = FileState { bytes: bytes.to_vec(), executable: false };
                let texts = !keep_text.contains(path);
                Ok(Some(
                    rewritten(&prefix, path, &state, &rewrites(&plan.ids, &plan.followed), texts)?
                        .unwrap_or(state)
                        .bytes,
                ))
            })?
        }
        _ => ours.clone(),
    };
    follow_in_taken_back(desk, &rewrites(&plan.ids, &plan.followed))?;
    // Made again only on this clone's commits written again.
    let (ours, merge) = match rewritten_ours == ours {
        true => (ours, merge),
        false => {
            let merge = repo.merge_commit(&rewritten_ours, theirs, &files, &message, author)?;
            (rewritten_ours, merge)
        }
    };
    report.came_in += repo.count_commits(Some(&ours), theirs)?;
    // The documents written again are noted too: killed once HEAD moved, the next command
    // brings the log of what this clone issued to them.
    let noted: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).chain(plan.fiscal_links.iter().cloned()).collect();
    desk.note_writes(&repo.in_desk(&noted))?;
    repo.take_merge(&merge, &files)?;
    relog_written_again(desk, repo, &plan.fiscal_links)?;
    desk.writes_committed()?;
    if let Some(merge) = repo.head()? {
        desk.note_renumbered(&plan.renumbered, author.when, &merge)?;
    }
    // A record an earlier merge of this sync renumbered (its push beaten) and this one again
    // is reported where it ends.
    for (old, new) in plan.renumbered {
        match report.renumbered.iter_mut().find(|(_, earlier)| *earlier == old) {
            Some(renumbered) => renumbered.1 = new,
            None => report.renumbered.push((old, new)),
        }
    }
    report.conflicts.extend(plan.conflicts);
    report.kept.extend(plan.kept);
    Ok(())
}

/// Refuses a merge that would write a record no clone reads — nothing is merged: the
/// merge of a hand edit tkt reads (an empty `notes:`) was written as `notes: null`, pushed,
/// and stopped every other clone's sync (found by a team attack).
pub(super) fn refuse_unreadable_merge(repo: &Repo, plan: &MergePlan) -> Result<()> {
    let prefix = repo.desk_prefix();
    for (path, state) in &plan.files {
        let (Some(state), Ok(rel)) = (state, path.strip_prefix(prefix)) else { continue };
        if Desk::kind_of_path(rel).is_none() {
            continue;
        }
        if let Err(e) = decode_text(state.bytes.clone(), rel).and_then(|t| Desk::check_record_text(rel, &t)) {
            return Err(Error::busy(format!(
                "merged with the remote's, {} would not read ({e}); nothing was merged or written",
                rel.display()
            ))
            .with_hint("fix the file on either side (tkt check names what is wrong), commit, and run tkt sync again"));
        }
    }
    Ok(())
}

/// Refuses a merge whose state catalog or `tkt.toml` would not hold together though each
/// side's did — nothing is merged: two clones each making another state the initial one,
/// or one changing a prefix the other's new records carry, went out merged, and every other
/// clone's sync was refused (found by a hostile-remote attack).
fn refuse_unsound_merge(repo: &Repo, sides: [&str; 2], merged: &str, tracking: &str) -> Result<()> {
    // Each side's changes are looked at: what the merge brings to the other.
    let mut refused = Vec::new();
    for side in sides {
        let found = refused_catalog(repo, Some(side), merged, None)?.into_iter();
        for why in found.chain(refused_numbering(repo, Some(side), merged)?) {
            if !refused.contains(&why) {
                refused.push(why);
            }
        }
    }
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::busy(format!(
        "merged with the remote's, this clone's changes would make what no clone takes; nothing was merged or \
         written:\n  {}",
        refused.join("\n  ")
    ))
    .with_hint(format!(
        "settle it with whoever made the remote's change (`git log {tracking}` names them): change it back on this \
         clone, commit, and run tkt sync again"
    )))
}

/// Before a push, the tickets it publishes close or reopen as the catalog says (a review:
/// a state made closed on one clone while a ticket entered it on another left the ticket
/// in a closed state with no `closed_at`), in a commit of their own — also on the sync run
/// again after one was killed, or after a plain `git pull` merged them. A ticket whose file
/// differs from HEAD (a hand edit a pull left alone) is left as it is: `tkt check` names it.
pub(super) fn settle_closed_going_out(desk: &Desk, repo: &Repo, author: &Author, theirs: Option<&str>) -> Result<()> {
    let (Some(head), Some(theirs)) = (repo.head()?, theirs) else { return Ok(()) };
    // What goes out, an upgrade's moves aside (found by a review: the first sync after an
    // upgrade took every ticket for one going out).
    let theirs = &upgraded_view(repo, theirs)?;
    if *theirs == head {
        return Ok(());
    }
    let catalog = desk.catalog()?;
    let prefix = repo.desk_prefix().to_path_buf();
    let mut settled: Vec<(PathBuf, String)> = Vec::new();
    for path in repo.changed_paths(Some(theirs), &head)? {
        let Ok(rel) = path.strip_prefix(&prefix) else { continue };
        if Desk::kind_of_path(rel) != Some(Kind::Ticket) {
            continue;
        }
        let Some(state) = repo.file_at(&head, &path)? else { continue };
        if std::fs::read(desk.abs(rel)).ok().as_deref() != Some(&state.bytes[..]) {
            continue;
        }
        let Ok(mut value) = from_yaml::<Value>(&state.bytes) else { continue };
        if crate::rules::settle_closed_at(&mut value, &catalog, &author.when) {
            settled.push((rel.to_path_buf(), written_again(&state.bytes, &value)?));
        }
    }
    if settled.is_empty() {
        return Ok(());
    }
    let paths: Vec<PathBuf> = settled.iter().map(|(p, _)| p.clone()).collect();
    desk.note_writes(&paths)?;
    for (rel, text) in &settled {
        crate::files::write_atomic(&desk.abs(rel), text.as_bytes())?;
    }
    let list: Vec<String> = paths.iter().map(|p| format!("  {}", p.display())).collect();
    desk.commit(&paths, &format!("tkt sync: closed_at follows the catalog\n\n{}", list.join("\n")), author)?
        .index_in_step()?;
    Ok(())
}

/// Refuses to overwrite files the user changed and did not commit, or keeps out of git.
pub(super) fn refuse_dirty(repo: &Repo, paths: &[PathBuf]) -> Result<()> {
    let dirty: Vec<PathBuf> = repo.uncommitted()?.into_iter().map(|(p, _)| p).filter(|p| paths.contains(p)).collect();
    let list = |paths: &[PathBuf]| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    if !dirty.is_empty() {
        return Err(Error::busy(format!(
            "the remote changed files you have changed and not committed: {}",
            list(&dirty)
        ))
        .with_hint("commit or stash them, then run tkt sync again"));
    }
    // A file git ignores is no less the user's (`web/.env`, kept out of git on purpose):
    // git's own merge takes it as expendable, sync does not (found by a hostile-remote
    // review: the remote's `web/.env` replaced the clone's password).
    let Some(head) = repo.head()? else { return Ok(()) };
    let mut ignored = Vec::new();
    // Also one where the remote brings a folder (found by a hostile-remote attack: an ignored
    // `web/cache` beside the remote's `web/cache/x.html` was exit 1, "File exists").
    for path in paths {
        for at in path.ancestors().filter(|a| !a.as_os_str().is_empty()) {
            if repo.workdir().join(at).is_file()
                && repo.file_at(&head, at)?.is_none()
                && !ignored.iter().any(|p| p == at)
            {
                ignored.push(at.to_path_buf());
            }
        }
    }
    if ignored.is_empty() {
        return Ok(());
    }
    Err(Error::busy(format!("the remote brings files you keep out of git: {}", list(&ignored)))
        .with_hint("move yours aside (or ask whoever committed them to take them out of git), then run tkt sync again"))
}

/// Merges one record (sync and the merge driver alike): field by field, then a ticket's
/// `closed_at` made to agree with the merged state.
pub fn merge_file(
    kind: Option<Kind>,
    base: Option<&Value>,
    ours: &Value,
    theirs: &Value,
    sides: &[Side; 2],
    catalog: &[crate::model::State],
    now: &crate::model::Instant,
) -> Merged {
    let mut merged = merge_record(base, ours, theirs, [&sides[0], &sides[1]], now);
    if kind == Some(Kind::Ticket) {
        crate::rules::settle_closed_at(&mut merged.value, catalog, now);
    }
    if matches!(kind, Some(Kind::Ticket | Kind::Request)) {
        one_note_per_message(&mut merged.value);
    }
    merged
}

/// Keeps one note of each e-mail message: the same reply imported on two clones is one
/// note (the first, in time order), not two.
pub(super) fn one_note_per_message(record: &mut Value) {
    let Some(Value::Sequence(notes)) = record.get_mut("notes") else { return };
    let mut seen = BTreeSet::new();
    let text = |n: &Value, key: &str| n.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    notes.retain(|n| match n.get("message_id").and_then(Value::as_str) {
        // Another sender's message under the same id is another message, and so is other
        // text under it: never one note taken for another (found by a hostile-remote
        // attack: a forged note with this clone's reply's id replaced it).
        Some(id) => seen.insert((id.to_string(), text(n, "by"), text(n, "text"))),
        None => true,
    });
}

/// Whether two versions of a new request are one message imported on two clones: the
/// same Message-ID from the same sender, neither promoted to a ticket yet.
pub(super) fn same_message(ours: &[u8], theirs: &[u8]) -> bool {
    let (Ok(a), Ok(b)) = (from_yaml::<Value>(ours), from_yaml::<Value>(theirs)) else { return false };
    let promoted = |v: &Value| v.get("ticket").is_some_and(|t| !t.is_null());
    message_of(&a).is_some() && message_of(&a) == message_of(&b) && !promoted(&a) && !promoted(&b)
}

/// The e-mail a request was made from: its Message-ID and its sender's address.
pub(super) fn message_of(request: &Value) -> Option<(Value, Option<Value>)> {
    let id = request.get("message_id").filter(|x| !x.is_null())?.clone();
    Some((id, request.get("contact").and_then(|c| c.get("email")).cloned()))
}

/// Who changed the record at `path` (a repository path) on the side from `base` to
/// `tip`, field by field, read from the commits: the later change of a field wins.
pub fn side_of(repo: &Repo, base: Option<&str>, tip: &str, path: &Path) -> Result<Side> {
    Ok(side_from(repo.changes_of(base, tip, path)?))
}

/// [`side_of`] for many records, in one walk of the side's history.
pub(super) fn sides_of(
    repo: &Repo,
    base: Option<&str>,
    tip: &str,
    paths: &BTreeSet<PathBuf>,
) -> Result<BTreeMap<PathBuf, Side>> {
    Ok(repo.changes_of_paths(base, tip, paths)?.into_iter().map(|(path, changes)| (path, side_from(changes))).collect())
}

pub(super) fn side_from(changes: Vec<crate::git::FileChange>) -> Side {
    let parse = |bytes: &Option<Vec<u8>>| bytes.as_ref().and_then(|b| from_yaml::<Value>(b).ok());
    let mut side = Side::default();
    for change in changes {
        let before: Vec<Option<Value>> = change.before.iter().map(parse).collect();
        side.record_change(&change.by, change.at, &before, parse(&change.after).as_ref());
    }
    side
}

/// The files a merge writes (repository paths), and what it has to say.
pub(super) struct MergePlan {
    files: BTreeMap<PathBuf, Option<FileState>>,
    renumbered: Vec<(String, String)>,
    conflicts: Vec<(PathBuf, Vec<String>)>,
    kept: Vec<PathBuf>,
    /// This clone's unpublished fiscal documents that name a renumbered record: their
    /// links follow it in every unpublished commit, so each reads as issued that way.
    fiscal_links: Vec<PathBuf>,
    ids: Vec<(String, String, PathBuf)>,
    /// This clone's records a merge of its own renumbered, taken back here since
    /// ([`renumbered_there`]): (old id, new id), followed as `ids` are.
    followed: Vec<(String, String)>,
}

pub(super) fn plan_merge(
    desk: &Desk,
    repo: &Repo,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    lost: &[String],
    now: &crate::model::Instant,
) -> Result<MergePlan> {
    let prefix = repo.desk_prefix().to_path_buf();
    let ours_changed: BTreeSet<PathBuf> = repo.changed_paths(base, ours)?.into_iter().collect();
    let theirs_changed: Vec<PathBuf> = repo.changed_paths(base, theirs)?;
    // A record the remote published and then lost to a rewrite of its history is no new
    // record of either side: its published version is the common one.
    // Read as this tkt keeps tickets (found by a team attack: a ticket published flat, the
    // remote rewritten, was renumbered as new and doubled).
    let published = |path: &Path| -> Result<Option<FileState>> {
        for tip in lost {
            if let Some(state) = repo.file_at(&upgraded_view(repo, tip)?, path)? {
                return Ok(Some(state));
            }
        }
        Ok(None)
    };
    let mut plan = MergePlan {
        files: BTreeMap::new(),
        renumbered: vec![],
        conflicts: vec![],
        kept: vec![],
        fiscal_links: vec![],
        ids: vec![],
        followed: vec![],
    };
    let catalog = desk.catalog()?;
    let mut collisions = collisions(repo, &prefix, base, ours, theirs, &ours_changed, &theirs_changed)?;
    // A fiscal document stays a collision: two issued documents are never merged into one.
    let fiscal = |path: &Path| path.strip_prefix(&prefix).is_ok_and(fiscal_path);
    // Only when the remote's record grew from the published one (its history since the
    // common ancestor holds that version), or is that record amended (made at the same
    // instant by the same person: an amended or squashed commit changes its bytes, not
    // its making): another record made under the number after the rewrite is a
    // collision, renumbered as ever.
    let mut merged_as_published = Vec::new();
    for path in &collisions {
        if let (false, Some(was)) = (fiscal(path), published(path)?) {
            let grew = repo.changes_of(base, theirs, path)?.iter().any(|c| c.after.as_deref() == Some(&was.bytes[..]));
            let amended = repo.file_at(theirs, path)?.is_some_and(|t| same_making(&was.bytes, &t.bytes));
            if grew || amended {
                merged_as_published.push(path.clone());
            }
        }
    }
    collisions.retain(|p| !merged_as_published.contains(p));
    // One e-mail imported on both clones under different numbers: this clone's request is
    // folded into the remote's, and is no collision of the number it had.
    let folded = folded_requests(repo, &prefix, base, [ours, theirs], &ours_changed, &theirs_changed)?;
    collisions.retain(|p| !folded.iter().any(|(from, _)| from == p));
    if base.is_none() {
        refuse_unrelated_fiscal(&prefix, &collisions)?;
    }
    // Every name a folder ever had, here or on the remote: a number used and deleted is
    // never given again.
    let ever = |folder: &Path| -> Result<HashSet<String>> {
        let mut names = repo.names_ever(folder)?;
        names.extend(repo.names_between(base, theirs, folder)?.unwrap_or_default());
        Ok(names)
    };
    let mut ids = new_numbers(desk, &prefix, &theirs_changed, &collisions, &ever)?;
    let moved: BTreeMap<&PathBuf, PathBuf> = collisions.iter().zip(ids.iter().map(|(_, _, n)| n.clone())).collect();
    let stem = |p: &Path| p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    ids.extend(folded.iter().map(|(from, to)| (stem(from), stem(to), to.clone())));
    // Attachments both clones stored under one name (two replies to one ticket, each
    // kept as message-2.eml): the remote's keeps it, this clone's takes the next free name.
    let attachments = attachment_collisions(repo, &prefix, base, [ours, theirs], &ours_changed, &ids)?;
    let moved_attachments: Vec<(String, String)> = attachments
        .iter()
        .map(|(old, new)| {
            let rel = |p: &Path| p.strip_prefix(&prefix).unwrap_or(p).to_string_lossy().replace('\\', "/");
            (rel(old), rel(new))
        })
        .collect();
    let mut pairs = rewrites(&ids, &moved_attachments);
    // Records this clone published that a merge of its own then renumbered, the merge
    // taken back here since (`git reset` to before that sync): the remote holds them under
    // their new numbers and another's record under the old. What this clone did to them
    // since, and every link it made to them, follows them there (found by a team attack:
    // an invoice billed the office's work report, of another customer).
    let replaced = renumbered_there(repo, &prefix, base, theirs, &theirs_changed)?;
    pairs.extend(replaced.iter().map(|(old, new, ..)| (old.clone(), new.clone())));
    let followed: BTreeMap<&PathBuf, &PathBuf> = replaced
        .iter()
        .filter(|(_, _, old, _)| ours_changed.contains(old))
        .map(|(_, _, old, new)| (old, new))
        .collect();
    let taken_over: BTreeSet<&PathBuf> = followed.values().copied().collect();
    // Who changed each field of the records changed on both sides: one walk of each side.
    let both: BTreeSet<PathBuf> =
        theirs_changed.iter().filter(|p| ours_changed.contains(*p) && !moved.contains_key(p)).cloned().collect();
    let mut sides = [sides_of(repo, base, ours, &both)?, sides_of(repo, base, theirs, &both)?];
    // Our side of a file changed since the common ancestor is unpublished: references to
    // our renumbered records follow them there, and nowhere else.
    let ours_at = |path: &Path| -> Result<Option<FileState>> {
        let state = repo.file_at(ours, path)?;
        Ok(match state {
            Some(s) if !pairs.is_empty() => Some(rewritten(&prefix, path, &s, &pairs, !exported(&s))?.unwrap_or(s)),
            other => other,
        })
    };
    for path in &theirs_changed {
        if taken_over.contains(path) {
            continue;
        }
        let t = repo.file_at(theirs, path)?;
        if let Some((from, _)) = folded.iter().find(|(_, to)| to == path) {
            // What this clone did to the request since its import (a note, a customer
            // chosen) is merged into the remote's, the import as its base.
            let import = repo.changes_of(base, ours, from)?.into_iter().rev().find_map(|c| c.after);
            let import = match import.map(|bytes| FileState { bytes, executable: false }) {
                Some(i) => Some(rewritten(&prefix, from, &i, &pairs, true)?.unwrap_or(i)),
                None => None,
            };
            let rel = path.strip_prefix(&prefix).unwrap_or(path).to_path_buf();
            let merged = match (ours_at(from)?, t) {
                (Some(o), Some(t)) => {
                    let sides = Default::default();
                    Some(merge_states(&mut plan, &rel, import.as_ref(), [&o, &t], &sides, &catalog, now)?)
                }
                (o, t) => t.or(o),
            };
            plan.files.insert(path.clone(), merged);
            // This clone's own record under the number, if any, is renumbered as ever.
            if let Some(new_path) = moved.get(path) {
                plan.files.insert(new_path.clone(), ours_at(path)?);
            }
            continue;
        }
        if folded.iter().any(|(from, _)| from == path) {
            plan.files.insert(path.clone(), t);
            continue;
        }
        if let Some(&new_path) = followed.get(path) {
            // The remote's record keeps the old path; this clone's edits of its own go to
            // the new one, merged with what the remote has there.
            plan.files.insert(path.clone(), t);
            let at_base = match base {
                Some(c) => repo.file_at(c, path)?,
                None => None,
            };
            let at_base = match at_base {
                Some(b) => Some(rewritten(&prefix, path, &b, &pairs, !exported(&b))?.unwrap_or(b)),
                None => None,
            };
            let (o, t) = (ours_at(path)?, repo.file_at(theirs, new_path)?);
            let rel = new_path.strip_prefix(&prefix).unwrap_or(new_path).to_path_buf();
            let merged = match (o, t) {
                (Some(o), Some(t)) => {
                    let sides = Default::default();
                    Some(merge_states(&mut plan, &rel, at_base.as_ref(), [&o, &t], &sides, &catalog, now)?)
                }
                (o, t) => o.or(t),
            };
            plan.files.insert(new_path.clone(), merged);
            continue;
        }
        if !ours_changed.contains(path) {
            plan.files.insert(path.clone(), t);
            continue;
        }
        if let Some(new_path) = moved.get(path) {
            // The remote's record keeps the path; ours moves to the new one.
            plan.files.insert((*new_path).clone(), ours_at(path)?);
            plan.files.insert(path.clone(), t);
            continue;
        }
        if let Some((_, new_path)) = attachments.iter().find(|(old, _)| old == path) {
            plan.files.insert(new_path.clone(), repo.file_at(ours, path)?);
            plan.files.insert(path.clone(), t);
            continue;
        }
        // So do the attachments both stored under the number (two e-mails imported offline).
        if let Some(ours_moved) = attachment_moved(&prefix, path, &ids) {
            // The remote's file of a request folded into its own stays (one e-mail's).
            if repo.file_at(theirs, &ours_moved)?.is_none() {
                plan.files.insert(ours_moved, repo.file_at(ours, path)?);
            }
            plan.files.insert(path.clone(), t);
            continue;
        }
        if repo.file_at(ours, path)? == t {
            continue;
        }
        // One e-mail imported on both clones: one request, and what this clone did to it
        // since its import (a note, a customer chosen) is merged into the remote's, the
        // import as its base.
        let new_here = new_since(repo, base, path)?;
        let is_request = path.strip_prefix(&prefix).ok().and_then(Desk::kind_of_path) == Some(Kind::Request);
        let one_message = match (new_here && is_request, repo.file_at(ours, path)?, &t) {
            (true, Some(o), Some(theirs_state)) => same_message(&o.bytes, &theirs_state.bytes),
            _ => false,
        };
        let o = ours_at(path)?;
        let b = match base {
            Some(c) => repo.file_at(c, path)?,
            None => None,
        };
        let b = match b {
            None if merged_as_published.contains(path) => published(path)?.map(|p| match &t {
                Some(t) => published_base(p, t),
                None => p,
            }),
            // As this clone's side reads it: a stored message that met the remote's under
            // its name was renamed there, which is no change of the request's (found by a
            // real-mail attack: the request named this clone's copy, the remote's orphaned).
            None if one_message => match repo.changes_of(base, ours, path)?.into_iter().rev().find_map(|c| c.after) {
                Some(bytes) => {
                    let import = FileState { bytes, executable: false };
                    Some(rewritten(&prefix, path, &import, &pairs, true)?.unwrap_or(import))
                }
                None => None,
            },
            b => b,
        };
        let rel = path.strip_prefix(&prefix).ok().map(Path::to_path_buf);
        let kind = rel.as_deref().and_then(Desk::kind_of_path);
        let (Some(rel), Some(_)) = (rel, kind) else {
            // A text file of the desk (tkt.toml, a template) changed in other lines on each
            // side merges as git would; tkt.toml must still read.
            if let (Some(b), Some(o), Some(t)) = (&b, &o, &t) {
                if let Some(bytes) = Repo::merge_text(&b.bytes, &o.bytes, &t.bytes)? {
                    let rel = path.strip_prefix(&prefix).unwrap_or(path);
                    let reads = rel != Path::new(crate::model::CONFIG_FILE)
                        || decode_text(bytes.clone(), rel).and_then(|t| Desk::check_record_text(rel, &t)).is_ok();
                    if reads {
                        plan.files.insert(path.clone(), Some(FileState { bytes, executable: o.executable }));
                        continue;
                    }
                }
            }
            return Err(Error::busy(format!("{} was changed both here and on the remote", path.display()))
                .with_hint("it is not a tkt record: merge it with git (git merge), then run tkt sync again"));
        };
        match (&b, &o, &t) {
            (_, None, Some(_)) | (_, Some(_), None) => {
                plan.kept.push(rel);
                if o.is_none() {
                    plan.files.insert(path.clone(), t);
                }
            }
            (_, Some(o), Some(t)) => {
                let sides = [sides[0].remove(path).unwrap_or_default(), sides[1].remove(path).unwrap_or_default()];
                let merged = merge_states(&mut plan, &rel, b.as_ref(), [o, t], &sides, &catalog, now)?;
                plan.files.insert(path.clone(), Some(merged));
            }
            (_, None, None) => {}
        }
    }
    if pairs.is_empty() {
        return Ok(plan);
    }
    let theirs_changed: BTreeSet<&PathBuf> = theirs_changed.iter().collect();
    for path in ours_changed.iter().filter(|p| !theirs_changed.contains(p)) {
        let Ok(rel) = path.strip_prefix(&prefix) else { continue };
        if let Some((_, new_path)) = attachments.iter().find(|(old, _)| old == path) {
            plan.files.insert(new_path.clone(), repo.file_at(ours, path)?);
            plan.files.insert(path.clone(), None);
            continue;
        }
        // Attachments this clone stored for a renumbered record move with it (but over the
        // remote's same file of a request folded into its own: one e-mail's).
        if let Some(moved) = attachment_moved(&prefix, path, &ids) {
            if repo.file_at(theirs, &moved)?.is_none() {
                plan.files.insert(moved, repo.file_at(ours, path)?);
            }
            plan.files.insert(path.clone(), None);
            continue;
        }
        if folded.iter().any(|(from, _)| from == path) {
            plan.files.insert(path.clone(), None);
            continue;
        }
        if let Some(state) = repo.file_at(ours, path)? {
            if let Some(state) = rewritten(&prefix, path, &state, &pairs, !exported(&state))? {
                let fiscal = fiscal_path(rel);
                if fiscal && new_since(repo, base, path)? {
                    plan.fiscal_links.push(path.clone());
                }
                plan.files.insert(path.clone(), Some(state));
            }
        }
    }
    plan.renumbered.extend(ids.iter().map(|(old, new, _)| (old.clone(), new.clone())));
    plan.followed = replaced.iter().map(|(old, new, ..)| (old.clone(), new.clone())).collect();
    plan.renumbered.extend(plan.followed.iter().cloned());
    plan.ids = ids;
    Ok(plan)
}

/// Merges the common, local and remote versions of the record `rel` (its conflicts noted
/// in `plan`); a version that does not parse stops the sync, naming it.
pub(super) fn merge_states(
    plan: &mut MergePlan,
    rel: &Path,
    base: Option<&FileState>,
    [ours, theirs]: [&FileState; 2],
    sides: &[Side; 2],
    catalog: &[crate::model::State],
    now: &crate::model::Instant,
) -> Result<FileState> {
    let parse = |s: &FileState, side: &str| -> Result<Value> {
        from_yaml(&s.bytes).map_err(|e| {
            Error::busy(format!("{} does not parse on the {side} side: {e}", rel.display()))
                .with_hint("nothing was merged or lost; fix the file (tkt check), commit, and run tkt sync again")
        })
    };
    let base = base.map(|b| parse(b, "common")).transpose()?;
    let (ov, tv) = (parse(ours, "local")?, parse(theirs, "remote")?);
    let merged = merge_file(Desk::kind_of_path(rel), base.as_ref(), &ov, &tv, sides, catalog, now);
    if !merged.conflicts.is_empty() {
        plan.conflicts.push((rel.to_path_buf(), merged.conflicts.clone()));
    }
    let text = crate::desk::yaml_text(&merged.value).map_err(|e| Error::failure(e.to_string()))?;
    Ok(FileState { bytes: text.into_bytes(), executable: false })
}

/// Whether two versions of a record say the same but for the record ids they name: a
/// document whose links a sync wrote again after a renumbering, and nothing else (a review:
/// two credit notes of one user in one second, with other reasons, were taken for one).
pub(super) fn same_but_ids(a: &[u8], b: &[u8]) -> bool {
    static ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b[A-Z][A-Z0-9]{0,9}-(?:\d{4}-)?\d{4,9}(?:-[A-Z0-9]{1,10})?\b").expect("a valid pattern")
    });
    fn blank(v: &mut Value) {
        match v {
            Value::String(s) => *s = ID.replace_all(s, "#").into_owned(),
            Value::Sequence(items) => items.iter_mut().for_each(blank),
            Value::Mapping(map) => map.iter_mut().for_each(|(_, v)| blank(v)),
            _ => {}
        }
    }
    let read = |bytes: &[u8]| {
        from_yaml::<Value>(bytes).ok().map(|mut v| {
            blank(&mut v);
            v
        })
    };
    read(a).is_some_and(|a| Some(a) == read(b))
}

/// Whether two versions of a record are one record's: a request from an e-mail is that
/// message (two clones import it at other instants, and a sync folds one into the other;
/// another request received in the same second is another: found by reviews, check took a
/// folded request's note for one taken away); any other is [`same_making`].
pub(super) fn one_record(a: &[u8], b: &[u8]) -> bool {
    let message = |bytes: &[u8]| message_of(&from_yaml::<Value>(bytes).ok()?);
    match (message(a), message(b)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => same_making(a, b),
        _ => false,
    }
}

/// Whether two versions of a record are one record's: made at the same instant by the same
/// person (`opened_at`/`opened_by` of a ticket, `created_at`/`created_by` of a document,
/// `received_at` of a request), whatever was changed since.
pub(super) fn same_making(a: &[u8], b: &[u8]) -> bool {
    let (Ok(a), Ok(b)) = (from_yaml::<Value>(a), from_yaml::<Value>(b)) else { return false };
    let made = |v: &Value| -> Option<(Value, Value)> {
        ["opened", "created", "received"].iter().find_map(|k| {
            let at = v.get(format!("{k}_at").as_str()).filter(|at| !at.is_null())?;
            Some((at.clone(), v.get(format!("{k}_by").as_str()).cloned().unwrap_or(Value::Null)))
        })
    };
    made(&a).is_some_and(|m| Some(m) == made(&b))
}
