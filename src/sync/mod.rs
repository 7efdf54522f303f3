//! Team sync through a git remote (DESIGN §7): commit valid hand edits, fetch, merge record
//! by record, renumber ids both clones created, push, and retry when someone pushed
//! meanwhile. Network transport runs the user's `git`; everything local uses git2.

pub mod merge;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::desk::{decode_text, parse_record, read_text, Desk, LOCAL_DIR};
use crate::files::case_folded;
use crate::git::{fetch, push, Author, EntryKind, FileState, Pushed, Repo};
use crate::model::{from_yaml, issued_fields_changed, Document, Kind, SequenceId, EINVOICE};
use crate::{Error, Result};

use merge::{merge_record, Merged, Side};

/// How many times a push rejected by someone else's push is retried.
const PUSH_ATTEMPTS: usize = 5;

/// What a sync did, for its summary line.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub remote: String,
    pub hand_edits: Vec<PathBuf>,
    pub came_in: usize,
    pub went_out: usize,
    /// (old id, new id) of records this clone created that the remote already had.
    pub renumbered: Vec<(String, String)>,
    /// Files whose fields were changed both ways, with the fields.
    pub conflicts: Vec<(PathBuf, Vec<String>)>,
    /// Files deleted on one side and changed on the other: kept.
    pub kept: Vec<PathBuf>,
    /// Fiscal documents this clone issued under a number the remote had taken, taken back
    /// (`--resolve`): their ids and content, for the caller to issue again.
    pub taken_back: Vec<(String, Vec<u8>)>,
    /// Merged and not pushed: taken-back documents wait to be issued again first.
    pub held: bool,
    /// Fiscal documents this clone had issued under a number the remote's history gives
    /// another document, which stands now (`--resolve` on a clone reset to the remote):
    /// each id and the blob of this clone's version, to be recorded again by a person.
    pub given_up: Vec<(String, String)>,
}

impl SyncReport {
    /// One line: what came in, what went out, what was renumbered, what conflicts.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("sync with {}: {} in, {} out", self.remote, self.came_in, self.went_out)];
        if !self.hand_edits.is_empty() {
            parts.push(format!("{} hand edit(s) committed", self.hand_edits.len()));
        }
        for (old, new) in &self.renumbered {
            parts.push(format!("{old} is now {new}"));
        }
        for (path, fields) in &self.conflicts {
            parts.push(format!("conflict in {} ({}): see tkt check", path.display(), fields.join(", ")));
        }
        for (id, _) in &self.taken_back {
            parts.push(format!("{id} of this clone never reached the remote: taken back"));
        }
        for (id, blob) in &self.given_up {
            parts.push(format!(
                "{id} is the remote's document now; this clone's (`git cat-file -p {blob}`) is to be recorded again \
                 under a new number"
            ));
        }
        for path in &self.kept {
            parts.push(format!("{} deleted on one side and changed on the other: kept", path.display()));
        }
        parts.join("; ")
    }
}

pub struct SyncOptions<'a> {
    pub remote: Option<&'a str>,
    /// How the remote is reached.
    pub transport: crate::git::Transport,
    /// Take back this clone's fiscal documents whose numbers the remote took meanwhile.
    pub resolve: bool,
    /// Merge without pushing while taken-back documents wait to be issued again: the
    /// caller issues them, so that this clone's records naming them follow, then syncs
    /// again.
    pub issue_first: bool,
}

/// Syncs the desk with its remote: hand edits, fetch, merge, push, retried when someone
/// pushed meanwhile. What the remote brings is checked before the hand edits are
/// committed, so a refused sync leaves the desk as it was.
pub fn sync(desk: &Desk, author: &Author, opts: &SyncOptions) -> Result<SyncReport> {
    desk.syncing(|| sync_marked(desk, author, opts))
}

fn sync_marked(desk: &Desk, author: &Author, opts: &SyncOptions) -> Result<SyncReport> {
    let repo = repo_of(desk)?;
    repo.refuse_unfinished()?;
    let (remote, branch) = remote_of(repo, opts.remote)?;
    let today = author.when.date_naive();
    let hand_edits = hand_edits(desk, repo, today)?;
    let mut report = SyncReport { remote: remote.clone(), ..Default::default() };
    fetch(repo.workdir(), &remote, &opts.transport)?;
    let mut theirs = repo.remote_tip(&remote, &branch)?;
    refuse_side_branch(repo, &remote, &branch, theirs.as_deref())?;
    if let (Some(t), Some(ours)) = (theirs.as_deref(), repo.head()?) {
        settle_stale_copies(desk, repo, &ours, t, &remote, &branch)?;
    }
    if let (Some(t), Some(ours)) = (theirs.as_deref(), repo.head()?) {
        check_incoming(desk, repo, &ours, t, &remote, &branch, today)?;
        check_outgoing(desk, repo, &ours, t, &hand_edits, today)?;
        refuse_issued_collisions(repo, &ours, t, &remote, &branch)?;
        if opts.resolve {
            report.taken_back = take_back_fiscal_collisions(desk, repo, &ours, t)?;
            // Only after the remote lost commits to a rewrite by another (a push of this
            // clone's own rewrite is no collision to settle).
            if ours == t && !repo.lost_tips(&remote, &branch, t)?.is_empty() {
                report.given_up = give_up_to_the_remotes_history(desk, repo)?;
            }
        }
    } else if let Some(ours) = repo.head()? {
        // A first push, to a remote with nothing yet: hand edits are still held to what
        // this clone issued, and documents committed by hand to their rules.
        let mut refused = fiscal_hand_edits(desk, repo, &ours, None, &hand_edits)?;
        refused.extend(made_by_hand(desk, repo, None, &ours, today)?);
        refuse_fiscal_changes(refused)?;
    }
    if !hand_edits.is_empty() {
        let edited = edited_since_head(desk, repo, &hand_edits)?;
        let list: Vec<String> = edited.iter().map(|p| format!("  {}", p.display())).collect();
        desk.commit(&hand_edits, &format!("tkt: hand edits\n\n{}", list.join("\n")), author)?.index_in_step()?;
        report.hand_edits = edited;
    }
    // What was taken back is issued again by the caller before anything goes out, and
    // this clone's records naming it follow it first ([`follow_issued_again`]) — also
    // what an earlier sync took back, cut short before it was issued again.
    if !report.taken_back.is_empty() || (opts.issue_first && !taken_back_to_follow(desk)?.is_empty()) {
        integrate(desk, repo, author, theirs.as_deref(), &remote, &branch, &mut report)?;
        report.held = true;
        return Ok(report);
    }
    let mut last = Pushed::Rejected;
    for attempt in 0..PUSH_ATTEMPTS {
        if attempt > 0 {
            // Clones whose cron syncs start in one minute take turns: each waits a little,
            // longer each time and not alike, before it tries again.
            let (attempt, jitter) = (attempt as u64, u64::from(std::process::id() % 97));
            std::thread::sleep(std::time::Duration::from_millis((jitter + attempt * 150) * attempt));
            fetch(repo.workdir(), &remote, &opts.transport)?;
            theirs = repo.remote_tip(&remote, &branch)?;
        }
        integrate(desk, repo, author, theirs.as_deref(), &remote, &branch, &mut report)?;
        settle_closed_going_out(desk, repo, author, theirs.as_deref())?;
        let head = repo.head()?;
        if head.is_none() || head == theirs {
            return Ok(report);
        }
        let ahead = repo.count_commits(theirs.as_deref(), head.as_deref().unwrap_or_default())?;
        refuse_naming_taken_back(desk, repo, theirs.as_deref(), head.as_deref().unwrap_or_default())?;
        match push(repo.workdir(), &remote, &branch, &opts.transport)? {
            Pushed::Done => {
                report.went_out = ahead;
                return Ok(report);
            }
            rejected => last = rejected,
        }
    }
    Err(last.gave_up(&remote, &branch, PUSH_ATTEMPTS))
}

/// A clone whose unpublished commits the remote holds written again — the same work,
/// renumbered by an earlier sync of this clone and pushed —: a backup of the folder
/// restored, or a `git reset` to before that sync. Merged as new work, each record would
/// be renumbered again, a payment made twice, a note added to another's ticket (found by a
/// team review). When every unpublished commit is such a copy, nothing of this clone's is
/// missing from the remote: the clone takes the remote's history, and its log of what it
/// issued the versions published. Otherwise the sync is refused, for a person.
fn settle_stale_copies(desk: &Desk, repo: &Repo, ours: &str, theirs: &str, remote: &str, branch: &str) -> Result<()> {
    let base = repo.merge_base(ours, theirs)?;
    // The same work: the same paths changed, the same content but for fiscal documents a
    // sync wrote again (their links following a renumbering), each still the document
    // made then (a review: two clones' notes of one user in one second, with one message,
    // were taken for one, and one was lost).
    let prefix = repo.desk_prefix();
    let mut stale = Vec::new();
    // Commits the remote had before a rewrite of its history are not this clone's own
    // work, whatever the rewrite made of them (found by a hostile-remote attack: a rewrite
    // changing one commit's author left every clone refused, "work of its own after them").
    let had = repo.lost_tips(remote, branch, theirs)?;
    let (rewritten, own) = repo.rewritten_elsewhere(base.as_deref(), ours, theirs, &had)?;
    for (mine, published, differ) in rewritten {
        let mut same = true;
        for path in &differ {
            let fiscal = path.strip_prefix(prefix).is_ok_and(fiscal_path);
            let (a, b) = (repo.file_at(&mine, path)?, repo.file_at(&published, path)?);
            same &= fiscal
                && matches!((a, b), (Some(a), Some(b)) if same_making(&a.bytes, &b.bytes) && same_but_ids(&a.bytes, &b.bytes));
        }
        if same {
            stale.push((mine[..12].to_string(), published[..12].to_string()));
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    // A history that holds this clone's issued documents otherwise (but for the ids a
    // renumbering changed) is no copy of its work, whatever its commits' authors, times and
    // messages (found by a hostile-remote attack: a rewrite forging an invoice, with the
    // reflog gone, was called this clone's own commits, and the hint to reset to it took
    // the forgery in).
    let changed = repo.changed_paths(Some(ours), theirs)?;
    let mut altered = Vec::new();
    for path in &changed {
        let Some(rel) = path.strip_prefix(prefix).ok().filter(|rel| fiscal_path(rel)) else { continue };
        let Some(mine) = repo.file_at(ours, path)? else { continue };
        let now = repo.file_at(theirs, path)?;
        if now.as_ref().is_some_and(|now| same_but_ids(&mine.bytes, &now.bytes)) {
            continue;
        }
        altered.extend(fiscal_change(rel, mine.bytes, now.map(|now| now.bytes)));
    }
    if !altered.is_empty() {
        return Err(Error::busy(format!(
            "{remote}/{branch}'s history is no copy of this clone's: it holds documents this clone issued otherwise; \
             nothing was merged or written:\n  {}",
            altered.join("\n  ")
        ))
        .with_hint(format!(
            "this clone's versions are the ones issued: never take {remote}'s history with `git reset --hard`; ask \
             whoever rewrote it to put the documents back as issued"
        )));
    }
    if stale.len() == own {
        refuse_dirty(repo, &changed)?;
        desk.note_writes(&repo.in_desk(&changed))?;
        repo.fast_forward(theirs)?;
        // Only what this clone's log names: its own documents, as the remote has them.
        relog_written_again(desk, repo, &changed)?;
        return desk.writes_committed();
    }
    let list: Vec<String> = stale.iter().map(|(o, t)| format!("{o} (published as {t})")).collect();
    Err(Error::busy(format!(
        "this clone's commits are on {remote}/{branch} already, written again by a sync since (a backup restored, or \
         a reset to before that sync?), and it has work of its own after them; nothing was merged or written:\n  {}",
        list.join("\n  ")
    ))
    .with_hint(format!(
        "keep aside this clone's own work after them (its commits: git log {remote}/{branch}..HEAD), take the \
         remote's history with `git reset --hard {remote}/{branch}`, then redo that work and run tkt sync again"
    )))
}

/// On a clone whose history is the remote's — reset to it, as a collision with a document
/// the remote had published says, once people settled that the remote's stands —, the
/// first version in history of each fiscal document whose number this clone's log gives
/// another version is the one issued now: logged so, and this clone's named (found by a
/// hostile-remote attack: after the reset, every command refused the remote's invoice as
/// history rewritten after its issue, and its hint led back to the refused state).
fn give_up_to_the_remotes_history(desk: &Desk, repo: &Repo) -> Result<Vec<(String, String)>> {
    let mut given_up = Vec::new();
    for kind in crate::model::DocKind::ALL.into_iter().filter(|d| d.is_fiscal()) {
        let mut logs: HashMap<PathBuf, HashMap<String, String>> = HashMap::new();
        for (rel, first) in repo.first_versions(Path::new(Kind::Document(kind).dir()))? {
            let (Some(dir), Some(id)) = (rel.parent(), rel.file_stem().and_then(|s| s.to_str())) else { continue };
            let logged = logs.entry(dir.to_path_buf()).or_insert_with(|| desk.issued_blobs(dir));
            let Some(blob) = logged.get(id).filter(|blob| **blob != first.blob) else { continue };
            // Another document under the number, not this clone's changed: one made when
            // and by whom this clone's was is its own, altered, and stays refused (found by
            // a review: a remote rewrite of an issued invoice's price was taken as issued).
            let other = match (repo.blob(blob), repo.first_content(&first)) {
                (Some(ours), Ok(theirs)) => !same_making(&ours, &theirs),
                _ => false,
            };
            if other {
                given_up.push((id.to_string(), blob[..blob.len().min(12)].to_string()));
                desk.log_issued(&rel, &first.blob)?;
            }
        }
    }
    Ok(given_up)
}

/// Refuses a sync that cannot start — no git, git in the middle of a merge or a rebase, no
/// remote — before anything is written.
pub fn check_ready(desk: &Desk, opts: &SyncOptions) -> Result<()> {
    let repo = repo_of(desk)?;
    repo.refuse_unfinished()?;
    remote_of(repo, opts.remote).map(|_| ())
}

/// Fetches and merges the remote into the desk, without pushing.
pub fn pull(desk: &Desk, author: &Author, opts: &SyncOptions) -> Result<SyncReport> {
    let repo = repo_of(desk)?;
    repo.refuse_unfinished()?;
    let (remote, branch) = remote_of(repo, opts.remote)?;
    let mut report = SyncReport { remote: remote.clone(), ..Default::default() };
    // The remote's branch as this clone last saw it: gone since, the numbers issued on it
    // after this clone's last look are gone with it, and the next one is not known (found
    // by a hostile-remote attack: online numbering gave a published number again).
    let known = repo.remote_tip(&remote, &branch)?;
    let theirs = pull_into(desk, repo, author, &remote, &branch, &opts.transport, &mut report)?;
    if let (Some(known), None) = (known, theirs) {
        return Err(Error::busy(format!(
            "{remote} no longer has the branch {branch} (it was at {}): the numbers issued there since this clone \
             last looked cannot be known; nothing was issued",
            &known[..12.min(known.len())]
        ))
        .with_hint(format!(
            "whoever manages {remote} puts the branch back (from a clone that has all of it: git push {remote} \
             {branch}); then issue again"
        )));
    }
    Ok(report)
}

/// Pushes HEAD to the remote's branch.
pub fn publish(desk: &Desk, opts: &SyncOptions) -> Result<Pushed> {
    let repo = repo_of(desk)?;
    let (remote, branch) = remote_of(repo, opts.remote)?;
    let theirs = repo.remote_tip(&remote, &branch)?;
    refuse_side_branch(repo, &remote, &branch, theirs.as_deref())?;
    if let Some(head) = repo.head()? {
        refuse_naming_taken_back(desk, repo, theirs.as_deref(), &head)?;
    }
    desk.syncing(|| push(repo.workdir(), &remote, &branch, &opts.transport))
}

/// The desk paths of records changed after `published` up to `head` that name any of `ids`.
fn records_naming(repo: &Repo, published: Option<&str>, head: &str, ids: &[String]) -> Result<Vec<String>> {
    let prefix = repo.desk_prefix();
    let mut naming = Vec::new();
    for path in repo.changed_paths(published, head)? {
        let Some(rel) = path.strip_prefix(prefix).ok().filter(|rel| Desk::kind_of_path(rel).is_some()) else {
            continue;
        };
        if repo.file_at(head, &path)?.is_some_and(|f| names_any(&f.bytes, ids)) {
            naming.push(rel.display().to_string());
        }
    }
    Ok(naming)
}

/// This clone's records not yet pushed that name any of `ids`.
pub fn unpublished_naming(desk: &Desk, remote: Option<&str>, ids: &[String]) -> Result<Vec<String>> {
    let repo = repo_of(desk)?;
    let (remote, branch) = remote_of(repo, remote)?;
    let Some(head) = repo.head()? else { return Ok(Vec::new()) };
    records_naming(repo, repo.remote_tip(&remote, &branch)?.as_deref(), &head, ids)
}

/// Refuses to publish this clone's records (changed after `published`, up to `head`) that
/// name a document taken back whose records have not followed it: they would name the
/// remote's document of that number (found by reviews: a payment of a taken-back invoice
/// went out as a payment of another customer's — also after a sync killed between
/// issuing it again and the payment's follow).
fn refuse_naming_taken_back(desk: &Desk, repo: &Repo, published: Option<&str>, head: &str) -> Result<()> {
    let waiting = taken_back_to_follow(desk)?;
    if waiting.is_empty() {
        return Ok(());
    }
    let naming = records_naming(repo, published, head, &waiting)?;
    if naming.is_empty() {
        return Ok(());
    }
    Err(Error::busy(format!(
        "nothing was pushed: {} name {}, taken back (kept in {TAKEN_BACK_DIR}/) and not followed by what names it; \
         pushed, they would name the remote's document of that number",
        naming.join(", "),
        waiting.join(", ")
    ))
    .with_hint(
        "issue it again once what stopped it is fixed (`tkt sync`), or correct those records; `tkt check` names it",
    ))
}

/// Refuses a sync whose colliding fiscal documents of this clone were issued beyond doubt,
/// so that neither `--resolve` nor anything else takes them back or renumbers them: one
/// the remote had published before its history was rewritten (a force-push), and one
/// exported as an e-invoice (it may have reached SDI). Only people can settle which of two
/// such documents of one number stands.
fn refuse_issued_collisions(repo: &Repo, ours: &str, theirs: &str, remote: &str, branch: &str) -> Result<()> {
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
fn fiscal_collisions(repo: &Repo, ours: &str, theirs: &str) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let Some(base) = repo.merge_base(ours, theirs)? else { return Ok(Vec::new()) };
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
fn take_back_fiscal_collisions(desk: &Desk, repo: &Repo, ours: &str, theirs: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let Some(base) = repo.merge_base(ours, theirs)? else { return Ok(Vec::new()) };
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

fn taken_back_path(desk: &Desk, id: &str) -> PathBuf {
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

fn settled(repo: &Repo, id: &str, path: &Path, bytes: &[u8], kept: std::time::SystemTime) -> Result<Option<Settled>> {
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

/// Whether the remote's branch holds HEAD, after a fresh fetch: a push git reported as
/// failed may have reached the server all the same.
pub fn remote_has_head(desk: &Desk, opts: &SyncOptions) -> Result<bool> {
    let repo = repo_of(desk)?;
    let (remote, branch) = remote_of(repo, opts.remote)?;
    desk.syncing(|| fetch(repo.workdir(), &remote, &opts.transport))?;
    match (repo.head()?, repo.remote_tip(&remote, &branch)?) {
        (Some(head), Some(tip)) => repo.is_ancestor(&head, &tip),
        _ => Ok(false),
    }
}

/// The commit HEAD points at, if any.
pub fn head_commit(desk: &Desk) -> Result<Option<String>> {
    repo_of(desk)?.head()
}

/// Takes back the last commit (made by this command and refused by the remote): HEAD
/// moves to its parent and the files return to the parent's content.
pub fn undo_last_commit(desk: &Desk) -> Result<()> {
    repo_of(desk)?.undo_last_commit()
}

fn repo_of(desk: &Desk) -> Result<&Repo> {
    desk.repo().ok_or_else(|| {
        Error::refused("sync needs git: the desk is in no git repository").with_hint("run `git init` and add a remote")
    })
}

fn remote_of(repo: &Repo, asked: Option<&str>) -> Result<(String, String)> {
    let branch = repo.branch()?;
    let remote = match asked {
        Some(r) => {
            // A name that is no remote is a typo, not a remote that cannot be reached.
            let names = repo.remote_names();
            if !names.iter().any(|n| n == r) {
                let known = if names.is_empty() { "none".to_string() } else { names.join(", ") };
                return Err(Error::usage(format!("no remote named {r:?} (remotes: {known})")));
            }
            r.to_string()
        }
        None => repo.default_remote(&branch).ok_or_else(|| {
            Error::usage("this desk has no remote to sync with").with_hint("add one: git remote add origin URL")
        })?,
    };
    Ok((remote, branch))
}

/// Refuses to publish a branch the remote does not have while it has others: the desk is
/// shared on the remote's branch, and one pushed beside it (a branch checked out to try
/// something) holds fiscal numbers no other clone numbers after, nor takes as published
/// (found by an office attack: an invoice pushed on a side branch had its number issued
/// again on `main`). A remote with no branch yet takes the first.
fn refuse_side_branch(repo: &Repo, remote: &str, branch: &str, theirs: Option<&str>) -> Result<()> {
    let others = repo.remote_branches(remote);
    if theirs.is_some() || others.is_empty() {
        return Ok(());
    }
    let shared = others.iter().find(|b| *b == "main" || *b == "master").unwrap_or(&others[0]);
    Err(Error::busy(format!(
        "you are on branch {branch}, which {remote} does not have ({remote} has {}): tkt publishes the branch \
         the desk is shared on, never one beside it; nothing was pushed",
        others.join(", ")
    ))
    // The remote's branch comes in through tkt's merge, which checks what it brings — never
    // by plain git (found by a hostile-remote attack: `git checkout master` took the
    // remote's changed invoice unchecked, and the next sync said nothing).
    .with_hint(if repo.has_branch(shared) {
        format!("git checkout {shared} && git merge {branch}, then tkt sync")
    } else {
        format!(
            "if the desk is shared on {shared} now, name yours so and let tkt merge it: git branch -m {branch} {shared}, \
             then tkt sync"
        )
    }))
}

/// Fetches, then merges the remote's branch; returns its tip.
fn pull_into(
    desk: &Desk,
    repo: &Repo,
    author: &Author,
    remote: &str,
    branch: &str,
    transport: &crate::git::Transport,
    report: &mut SyncReport,
) -> Result<Option<String>> {
    desk.syncing(|| {
        fetch(repo.workdir(), remote, transport)?;
        let theirs = repo.remote_tip(remote, branch)?;
        refuse_side_branch(repo, remote, branch, theirs.as_deref())?;
        // What a sync refuses to take in or to publish, a pull before a push does too.
        if let (Some(t), Some(ours)) = (theirs.as_deref(), repo.head()?) {
            settle_stale_copies(desk, repo, &ours, t, remote, branch)?;
        }
        if let (Some(t), Some(ours)) = (theirs.as_deref(), repo.head()?) {
            check_incoming(desk, repo, &ours, t, remote, branch, author.when.date_naive())?;
            check_outgoing(desk, repo, &ours, t, &[], author.when.date_naive())?;
        }
        integrate(desk, repo, author, theirs.as_deref(), remote, branch, report)?;
        Ok(theirs)
    })
}

/// Records and the desk's own files are hand edits; anything else (a printed page saved in
/// the desk, say) is the user's business, and so is a hidden file (`web/.env` with a
/// password, macOS's `.DS_Store`): git commits them when asked, sync never.
fn hidden_file(rel: &Path) -> bool {
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
fn hand_edits(desk: &Desk, repo: &Repo, today: chrono::NaiveDate) -> Result<Vec<PathBuf>> {
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
fn in_head(repo: &Repo, path: &Path) -> Result<bool> {
    match repo.head()? {
        Some(head) => Ok(repo.file_at(&head, path)?.is_some()),
        None => Ok(false),
    }
}

/// Of the paths git names as changed, those whose file differs from HEAD's: a file as
/// committed is no edit (only git's index was out of step, which committing it mends).
fn edited_since_head(desk: &Desk, repo: &Repo, paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
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

/// Why a path the remote brings must not be written, or `None` when it may: the one check
/// of an incoming path. Anywhere in the repository: no `.git` component (in any case), no
/// `..`, `.` or empty component, not absolute, a plain file (no link, no submodule). In
/// the desk: not under `.tkt/`, and part of the desk's layout ([`Desk::in_layout`]).
fn refused_path(path: &Path, prefix: &Path, kind: EntryKind) -> Option<&'static str> {
    let Some(text) = path.to_str() else { return Some("its name is not UTF-8") };
    if text.starts_with('/') || path.is_absolute() {
        return Some("an absolute path");
    }
    let parts: Vec<&str> = text.split('/').collect();
    if parts.iter().any(|p| p.is_empty() || *p == "." || *p == "..") {
        return Some("a path with an empty, '.' or '..' component");
    }
    // Windows and macOS take `.GIT`, `.git.`, `GIT~1` and `.g\u{200c}it` for `.git`.
    if parts.iter().any(|p| crate::files::spells_git(p)) {
        return Some("a path inside .git (as some file system reads its name)");
    }
    if text.chars().any(char::is_control) {
        return Some("a name with a control character (a line break, an escape)");
    }
    // tkt's own temp files are its own clone's: `tkt check` names one as left by a write
    // cut short, on every clone, for ever (found by a hostile-remote attack).
    if parts.iter().any(|p| p.starts_with(crate::files::TEMP_PREFIX)) {
        return Some("a temp file of tkt's (.tkt-tmp-…), never shared");
    }
    match kind {
        EntryKind::File | EntryKind::Executable => {}
        EntryKind::Link => return Some("a symbolic link"),
        EntryKind::Submodule => return Some("a submodule (gitlink)"),
        EntryKind::Other => return Some("not a plain file"),
    }
    let Ok(rel) = path.strip_prefix(prefix) else { return None };
    // What a file system cannot hold (found by a remote attack: the checkout failed with a
    // raw "File name too long", exit 1): in the desk, a name of more than 255 bytes (ext4's,
    // NTFS's 255 letters), a path deeper or longer than any desk's.
    if rel.iter().any(|p| p.len() > 255) || rel.iter().count() > 32 || rel.as_os_str().len() > 1024 {
        return Some(
            "a name or path longer or deeper than a desk holds (255 bytes a name; 1024 a path, 32 folders deep)",
        );
    }
    if rel.iter().next().and_then(|c| c.to_str()).is_some_and(|c| c.eq_ignore_ascii_case(LOCAL_DIR)) {
        return Some(".tkt/ is local to each clone and never shared");
    }
    if !Desk::in_layout(rel) {
        return Some("not part of a desk's layout");
    }
    // What tkt's intake makes safe, a clone on Windows or macOS needs from everyone, in
    // the name of the file and of each folder on its way. A record keeps its id (others
    // point at it): new ids are refused where they are made.
    if let Some(kind) = Desk::kind_of_path(rel) {
        // One number, one name: `INV-2026-00007` beside `INV-2026-0007` is invoice 7 twice
        // (found by a hostile-remote attack: a plain-git push of it went through). Only
        // for the kinds tkt numbers: an item's code or a serial is as its maker wrote it.
        let numbered = matches!(kind, Kind::Customer | Kind::Request | Kind::Ticket | Kind::Document(_));
        let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if numbered && crate::model::written_otherwise(stem).is_some() {
            return Some("a number written with more digits than tkt writes it: a second name for that number");
        }
        return None;
    }
    rel.iter().find_map(|part| crate::files::unportable(part.to_str().unwrap_or_default()))
}

/// What a `.gitattributes` may not say of the desk's files: attributes that make git
/// write them in the work tree as other bytes than those committed (another encoding, a
/// filter that would run on every clone), so that no clone could read them. `desk` is
/// where the desk is from the file's folder: `None` for a file inside the desk (each of
/// its lines is about desk files), else only lines whose pattern may reach into it count
/// (a file of the repository around a desk may set an LFS filter on its own files).
pub(crate) fn refused_attributes(text: &str, desk: Option<&Path>, records: &[String]) -> Option<String> {
    if let Some(why) = desk.is_none().then(|| other_merge_driver(text, records)).flatten() {
        return Some(why);
    }
    let bad = ["working-tree-encoding", "filter", "ident"];
    let reaches_desk = |pattern: &str| {
        let Some(desk) = desk else { return true };
        // A pattern without a slash matches at any depth; else its first folder, when
        // spelt out, says whether it leads into the desk (in any case: a clone may ignore
        // it). A quoted pattern is taken to.
        let pattern = pattern.trim_start_matches('/');
        let first_of_desk = desk.iter().next().and_then(|c| c.to_str()).unwrap_or_default();
        match pattern.trim_end_matches('/').split_once('/') {
            None => true,
            Some((first, _)) => first.contains(['*', '?', '[', '\\', '"']) || first.eq_ignore_ascii_case(first_of_desk),
        }
    };
    text.lines().map(str::trim).filter(|l| !l.starts_with('#')).find_map(|line| {
        if !line.split_whitespace().next().is_some_and(reaches_desk) {
            return None;
        }
        let attribute = line.split_whitespace().skip(1).find(|a| {
            let name = a.trim_start_matches(['-', '!']).split('=').next().unwrap_or_default();
            // Line endings converted on checkout (`eol=crlf`, `crlf`, `text` forced on,
            // which converts binary files too) are other bytes as well: a PDF corrupted, a
            // CGI script that no longer runs (found by a hostile-remote attack). Turning
            // them off (`-text`), leaving text to git (`text=auto`) or keeping LF
            // (`eol=lf`) is not.
            let set = !a.starts_with(['-', '!']);
            let value = a.split_once('=').map(|(_, v)| v);
            bad.contains(&name)
                || (set
                    && ((name == "eol" && value.is_some_and(|v| !v.eq_ignore_ascii_case("lf")))
                        || name == "crlf"
                        || (name == "text" && value.is_none_or(|v| !v.eq_ignore_ascii_case("auto")))))
        })?;
        Some(format!(
            "its line {line:?} sets {attribute}, which would make every clone write the records as other bytes"
        ))
    })
}

/// A line of a `.gitattributes` in the desk that has git merge the records with another
/// driver than tkt's — `merge=union`, `-merge`, `binary` or a macro that sets one — not
/// overridden by tkt's own `*.yaml merge=tkt` later in the file: git would merge them line
/// by line (`merge=union` kept both sides' `title:`, and no command read the record again:
/// found by a hostile-remote attack). A file of the repository around the desk is
/// overridden by the desk's own, which holds tkt's line.
fn other_merge_driver(text: &str, records: &[String]) -> Option<String> {
    let mut setters = vec!["binary".to_string()];
    let mut found = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut words = line.split_whitespace();
        let pattern = words.next().unwrap_or_default();
        let attributes: Vec<&str> = words.collect();
        let other = |a: &&str| {
            (a.trim_start_matches(['-', '!']).split('=').next() == Some("merge") && *a != "merge=tkt")
                || setters.iter().any(|m| m == a)
        };
        if let Some(name) = pattern.strip_prefix("[attr]") {
            if attributes.iter().any(other) {
                setters.push(name.to_string());
            }
            continue;
        }
        if !names_records(pattern, records) {
            continue;
        }
        if let Some(a) = attributes.iter().find(|a| other(a)) {
            found = Some(format!("its line {line:?} sets {a}: git would merge the records otherwise than tkt"));
        } else if pattern == "*.yaml" && attributes.contains(&"merge=tkt") {
            found = None;
        }
    }
    found
}

/// The file names of the records git tracks in the desk, for [`names_records`] to try a
/// pattern on.
pub(crate) fn record_names(repo: Option<&Repo>) -> Vec<String> {
    let tracked = repo.and_then(|r| r.tracked_in(Path::new("")).ok()).unwrap_or_default();
    let mut names: Vec<String> = tracked
        .into_iter()
        .filter(|p| Desk::kind_of_path(p).is_some())
        .filter_map(|p| Some(p.file_name()?.to_str()?.to_string()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A pattern git quoted C-style (`"*.ya\155l"`), as git reads it: `\"`, `\\`, the
/// letters' escapes and three octal digits for a byte (found by a review).
fn unquote_c(quoted: &str) -> String {
    let mut bytes = Vec::new();
    let mut it = quoted.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(d @ b'0'..=b'7') => {
                let mut n = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(d) = it.next_if(|d| (b'0'..=b'7').contains(d)) {
                        n = n * 8 + u32::from(d - b'0');
                    }
                }
                bytes.push(n as u8);
            }
            Some(c) => bytes.push(match c {
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 11,
                other => other,
            }),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether a `.gitattributes` pattern may name a record: its last part, as a glob,
/// matches a record's file name (`*`, `*.yaml`, `T-*`; not `*.csproj`): one of `records`,
/// or of the shapes ids take.
fn names_records(pattern: &str, records: &[String]) -> bool {
    // Quoted as git reads a quoted pattern; in any case, as a clone on a file system that
    // ignores it (core.ignorecase) matches it (found by a review: `"*.yaml" merge=union`,
    // `*[[:digit:]].yaml` and `*.YAML` went through).
    let pattern = match pattern.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        Some(quoted) => unquote_c(quoted),
        None => pattern.to_string(),
    };
    let last = pattern.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    // Any name of a YAML file in a folder of records may be a record's, one of a series not
    // yet numbered too (a review: `*-MR.yaml merge=union` went through); `web/x.yaml` is
    // none (another review).
    let in_records = match pattern.trim_start_matches('/').split_once('/') {
        None => true,
        Some((first, _)) => {
            first.contains(['*', '?', '['])
                || Kind::all().any(|k| k.dir().split('/').next().is_some_and(|d| d.eq_ignore_ascii_case(first)))
        }
    };
    if in_records && last.to_ascii_lowercase().ends_with(".yaml") {
        return true;
    }
    let mut regex = String::from("(?i)^");
    let mut chars = last.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => regex.push_str(".*"),
            '?' => regex.push('.'),
            '[' => {
                regex.push('[');
                while let Some(c) = chars.next() {
                    match c {
                        ']' => break,
                        '!' | '^' => regex.push('^'),
                        // A class by its name, `[:digit:]`, as the regex reads it too.
                        '[' if chars.peek() == Some(&':') => {
                            regex.push('[');
                            for c in chars.by_ref() {
                                regex.push(c);
                                if c == ']' {
                                    break;
                                }
                            }
                        }
                        '\\' | '[' => regex.push_str(&regex::escape(&c.to_string())),
                        c => regex.push(c),
                    }
                }
                regex.push(']');
            }
            '\\' => regex.push_str(&regex::escape(&chars.next().map(String::from).unwrap_or_default())),
            c => regex.push_str(&regex::escape(&c.to_string())),
        }
    }
    regex.push('$');
    let Ok(re) = regex::Regex::new(&regex) else { return true };
    let names =
        ["T-2026-0001.yaml", "INV-2026-0001.yaml", "C-0001.yaml", "nuovo.yaml", "CALD-24K.yaml", "CV24-0988.yaml"];
    // And a name ending in each character an id may end in (found by a hostile-remote
    // attack: `*[02-7].yaml` named no sample, and went through).
    let endings = ('0'..='9').chain('A'..='Z').chain('a'..='z').chain(['-', '_', '.']);
    names.iter().any(|n| re.is_match(n))
        || endings.map(|c| format!("T-2026-001{c}.yaml")).any(|n| re.is_match(&n))
        || records.iter().any(|n| re.is_match(n))
}

/// Whether the state catalog at `tip` holds together (one initial state, every target a
/// state...), when `base..tip` changed it: a catalog without them stops every command.
fn refused_catalog(repo: &Repo, base: Option<&str>, tip: &str, ours: Option<&str>) -> Result<Option<String>> {
    let prefix = repo.desk_prefix();
    let dir = prefix.join(Kind::State.dir());
    let changed = repo.changed_paths(base, tip)?.iter().any(|p| p.starts_with(&dir));
    if !changed {
        return Ok(None);
    }
    let Some(states) = records_at::<crate::model::State>(repo, tip, &dir)? else { return Ok(None) };
    if let Some(refusal) = catalog_refusal(&states) {
        return Ok(Some(refusal));
    }
    // A state tickets are in cannot go (DESIGN §5): its tickets would list as open, closed
    // ones too (found by a hostile-remote attack; `tkt state delete` refused it already).
    let before = match base {
        Some(base) => records_at::<crate::model::State>(repo, base, &dir)?.unwrap_or_default(),
        None => vec![],
    };
    let gone = states_gone(&before, &states);
    if gone.is_empty() {
        return Ok(None);
    }
    // The remote's tickets, and this clone's, which the merge keeps (found by a review: a
    // ticket moved here into the state the remote deleted was merged, its state gone).
    let mut tickets = Vec::new();
    for commit in std::iter::once(tip).chain(ours) {
        for year in repo.folders_in(commit, &prefix.join(Kind::Ticket.dir()))? {
            tickets.extend(records_at::<crate::model::Ticket>(repo, commit, &year)?.unwrap_or_default());
        }
    }
    Ok(states_in_use(&gone, &tickets))
}

/// The states of `before` that `after` has not.
fn states_gone(before: &[crate::model::State], after: &[crate::model::State]) -> Vec<String> {
    before.iter().filter(|b| !after.iter().any(|a| a.id == b.id)).map(|b| b.id.clone()).collect()
}

/// Why the states `gone` cannot go: the tickets in them, or `None`.
fn states_in_use(gone: &[String], tickets: &[crate::model::Ticket]) -> Option<String> {
    let mut used: Vec<String> =
        tickets.iter().filter(|t| gone.contains(&t.state)).map(|t| format!("{} ({})", t.id, t.state)).collect();
    used.sort_unstable();
    used.dedup();
    (!used.is_empty()).then(|| {
        let more = if used.len() > 5 { format!(" and {} more", used.len() - 5) } else { String::new() };
        used.truncate(5);
        format!(
            "{}/: takes away state(s) {} that tickets are in: {}{more} (move them to another state first)",
            Kind::State.dir(),
            gone.join(", "),
            used.join(", ")
        )
    })
}

/// The records of one folder at `commit`, or `None` when one does not read (it is named on
/// its own).
fn records_at<T: crate::model::Record>(repo: &Repo, commit: &str, dir: &Path) -> Result<Option<Vec<T>>> {
    let prefix = repo.desk_prefix();
    let mut records = Vec::new();
    for path in repo.files_in(commit, dir)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let rel = path.strip_prefix(prefix).unwrap_or(&path).to_path_buf();
        let Some(file) = repo.file_at(commit, &path)? else { continue };
        match decode_text(file.bytes, &rel).and_then(|t| parse_record::<T>(&t, &rel)) {
            Ok(record) => records.push(record),
            Err(_) => return Ok(None),
        }
    }
    Ok(Some(records))
}

/// Why a state catalog would stop every command (no initial state, a target that is no
/// state...), or `None` when it holds together.
fn catalog_refusal(states: &[crate::model::State]) -> Option<String> {
    let problems = crate::rules::check_catalog(states);
    (!problems.is_empty()).then(|| {
        let said: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        format!("{}/: the state catalog would not hold together: {}", Kind::State.dir(), said.join("; "))
    })
}

/// Whether a desk-relative path is a fiscal document's file.
fn fiscal_path(rel: &Path) -> bool {
    matches!(Desk::kind_of_path(rel), Some(Kind::Document(d)) if d.is_fiscal())
}

/// Whether a file is new since the common ancestor `base` (absent there, or no ancestor).
fn new_since(repo: &Repo, base: Option<&str>, path: &Path) -> Result<bool> {
    Ok(base.map(|b| repo.file_at(b, path)).transpose()?.flatten().is_none())
}

/// Checks what the remote brings before anything is written: every path it adds or
/// changes since the common ancestor ([`refused_path`]) and every record among them (it
/// must read: size, UTF-8, YAML, no conflict markers, an id that agrees with its path).
/// Refuses the sync (exit 5) naming each file and the commit and author that last changed
/// it on the remote's side.
fn check_incoming(
    desk: &Desk,
    repo: &Repo,
    ours: &str,
    theirs: &str,
    remote: &str,
    branch: &str,
    today: chrono::NaiveDate,
) -> Result<()> {
    if repo.is_ancestor(theirs, ours)? {
        return Ok(());
    }
    let base = repo.merge_base(ours, theirs)?;
    let mut refused = refused_entries(repo, base.as_deref(), theirs, Some(ours))?;
    // Paths refused above are not read again.
    if let (true, Some(base)) = (refused.is_empty(), base.as_deref()) {
        refused.extend(fiscal_changes(repo, base, theirs, &committed)?);
        refused.extend(what_happened_taken_away_in(repo, base, theirs, false)?);
    }
    // A history made anew shares no commit: it is held to what the remote published
    // before, as the remote-tracking branch remembers it (found by a team attack: a
    // remote made anew without a note took it away from every clone).
    if refused.is_empty() && base.is_none() {
        for published in repo.lost_tips(remote, branch, theirs)? {
            refused.extend(fiscal_changes(repo, &published, theirs, &committed)?);
            refused.extend(what_happened_taken_away_in(repo, &published, theirs, false)?);
        }
    }
    if refused.is_empty() {
        // A new fiscal document against the rules of its kind, as one made by hand here
        // is held to going out (found by a hostile-remote attack: an invoice whose total
        // was not its lines' came in, and was then issued for good — never to be fixed,
        // removed or credited); or a number given past a gap.
        let mut skipped = made_by_hand(desk, repo, base.as_deref(), theirs, today)?;
        skipped.extend(skipped_numbers(repo, base.as_deref(), ours, theirs)?);
        if !skipped.is_empty() {
            // No clone takes such a document in: the commit is taken back from the remote.
            return Err(Error::busy(format!(
                "{remote}/{branch} brings fiscal documents no clone takes; nothing was merged or written:\n  {}",
                skipped.join("\n  ")
            ))
            .with_hint(format!(
                "no clone takes them: whoever pushed them takes their commit back from the remote (git reset --hard \
                 to the commit before it, then git push --force-with-lease {remote} {branch}), and issues the \
                 document again with tkt; then run tkt sync again"
            )));
        }
    }
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::busy(format!(
        "{remote}/{branch} brings files tkt will not take; nothing was merged or written:\n  {}",
        refused.join("\n  ")
    ))
    .with_hint("ask whoever committed them to fix or remove them and push; then run tkt sync again"))
}

/// The new fiscal numbers `theirs` brings that skip a number ([`skipped_in`]).
fn skipped_numbers(repo: &Repo, base: Option<&str>, ours: &str, theirs: &str) -> Result<Vec<String>> {
    let prefix = repo.desk_prefix();
    let mut refused = Vec::new();
    for folder in new_fiscal_folders(repo, base, theirs)? {
        let ids = |commit: &str| -> Result<Vec<SequenceId>> { Ok(sequence_ids(repo.names_at(commit, &folder)?)) };
        for (after, missing) in skipped_in(&ids(ours)?, &ids(theirs)?) {
            let path = prefix.join(&folder).join(format!("{after}.yaml"));
            let by = match repo.last_change(base, theirs, &path)? {
                Some(c) => format!(" (commit {} by {})", c.commit, c.by),
                None => String::new(),
            };
            refused.push(skipped_message(&path, &missing, &by));
        }
    }
    Ok(refused)
}

/// The folders of fiscal documents new in `tip` since `base`.
fn new_fiscal_folders(repo: &Repo, base: Option<&str>, tip: &str) -> Result<BTreeSet<PathBuf>> {
    let prefix = repo.desk_prefix();
    let mut folders = BTreeSet::new();
    for (path, _) in repo.entries_changed(base, tip)? {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        if fiscal_path(rel) && new_since(repo, base, &path)? {
            folders.extend(rel.parent().map(Path::to_path_buf));
        }
    }
    Ok(folders)
}

fn sequence_ids(names: Vec<String>) -> Vec<SequenceId> {
    names.iter().filter_map(|n| SequenceId::parse(n.strip_suffix(".yaml")?)).collect()
}

fn skipped_message(path: &Path, missing: &SequenceId, by: &str) -> String {
    format!(
        "{}: a fiscal number given past {missing}, which no clone has: fiscal numbers follow each other without \
         gaps{by}",
        path.display()
    )
}

/// Of the numbers of one folder `brought` has above the last `mine` has of their series,
/// the first that skips a number neither has, with the number skipped: a copy made by hand
/// and named INV-2026-0070 for 0007 would leave 63 numbers never to be given.
fn skipped_in(mine: &[SequenceId], brought: &[SequenceId]) -> Vec<(SequenceId, SequenceId)> {
    let all_series: BTreeSet<&Option<String>> = brought.iter().map(|i| &i.series).collect();
    let mut skipped = Vec::new();
    for series in all_series {
        let seqs = |ids: &[SequenceId]| -> BTreeSet<u32> {
            ids.iter().filter(|i| i.series == *series).map(|i| i.seq).collect()
        };
        let (m, b) = (seqs(mine), seqs(brought));
        let last_mine = m.last().copied().unwrap_or(0);
        let top = b.last().copied().unwrap_or(0);
        let Some(gap) = (last_mine + 1..top).find(|n| !m.contains(n) && !b.contains(n)) else { continue };
        // The first number given past the gap, and the one it skipped as it would be named.
        if let Some(after) = brought.iter().filter(|i| i.series == *series && i.seq > gap).min_by_key(|i| i.seq) {
            skipped.push((after.clone(), SequenceId { seq: gap, ..after.clone() }));
        }
    }
    skipped
}

/// A path as an error names it: a name sent by a remote shows its line breaks and control
/// characters as pictures, so it cannot write lines of its own into the message (found by
/// a hostile-remote attack: a file named `z\nhint: run git reset --hard` did); a path of
/// hundreds of letters is cut in its middle.
fn named(path: &Path) -> String {
    let shown = crate::render::visible(&path.display().to_string()).replace('\n', "\u{240a}").replace('\t', "\u{2409}");
    let letters: Vec<char> = shown.chars().collect();
    match letters.len() > 120 {
        true => format!(
            "{}…{}",
            letters[..80].iter().collect::<String>(),
            letters[letters.len() - 30..].iter().collect::<String>()
        ),
        false => shown,
    }
}

/// What of the commits after `base` up to `tip` no clone takes in ([`refused_path`], and
/// records and `tkt.toml` that do not read), each with the commit and author that last
/// changed it.
/// `ours`, for what comes in: this clone's own commit, whose records the merge keeps.
fn refused_entries(repo: &Repo, base: Option<&str>, tip: &str, ours: Option<&str>) -> Result<Vec<String>> {
    let prefix = repo.desk_prefix();
    let mut refused = Vec::new();
    let changed = repo.entries_changed(base, tip)?;
    let files: Vec<&Path> =
        changed.iter().filter(|(_, kind)| *kind != EntryKind::Other).map(|(p, _)| p.as_path()).collect();
    let mut twins = CaseTwins::default();
    // Against the names of `tip`, and those this clone's own commits added: each side's
    // fine alone, `web/extra.html` and `web/Extra.html` went out merged (found by a remote
    // attack, and every other clone's sync was refused). Not attachments: the merge gives
    // this clone's another name (`foto-2.jpg`).
    let mut names = |folder: &Path| -> Result<Vec<String>> {
        let mut names = repo.names_at(tip, folder)?;
        if let Some(ours) = ours.filter(|_| !folder.starts_with(crate::desk::ATTACHMENTS_DIR)) {
            let before: HashSet<String> = match base {
                Some(base) => repo.names_at(base, folder)?.into_iter().collect(),
                None => HashSet::new(),
            };
            names.extend(repo.names_at(ours, folder)?.into_iter().filter(|n| !before.contains(n)));
        }
        Ok(names)
    };
    for path in files {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        for (at, name) in twins.of(rel, &mut names)? {
            refused.push(format!("{}: {}", named(&prefix.join(at)), twin_problem(&name)));
        }
    }
    for (path, kind) in changed {
        // A `.gitattributes` in the desk, at any depth, or in a folder around it.
        let folder = path.parent().unwrap_or(Path::new(""));
        let attributes_over = (path.file_name() == Some(".gitattributes".as_ref()))
            .then(|| match prefix.strip_prefix(folder) {
                Ok(desk) => Some(Some(desk)),
                Err(_) => folder.starts_with(prefix).then_some(None),
            })
            .flatten();
        let problem = match refused_path(&path, prefix, kind) {
            Some(why) => Some(format!("{}: {why}", named(&path))),
            None => match path.strip_prefix(prefix) {
                _ if attributes_over.is_some() => {
                    let bytes = repo.file_at(tip, &path)?.map(|f| f.bytes).unwrap_or_default();
                    let desk = attributes_over.flatten().filter(|d| !d.as_os_str().is_empty());
                    refused_attributes(&String::from_utf8_lossy(&bytes), desk, &record_names(Some(repo)))
                        .map(|why| format!("{}: {why}", path.display()))
                }
                Ok(rel) if Desk::kind_of_path(rel).is_some() || rel == Path::new(crate::model::CONFIG_FILE) => {
                    let bytes = repo.file_at(tip, &path)?.map(|f| f.bytes).unwrap_or_default();
                    decode_text(bytes, rel)
                        .and_then(|text| Desk::check_record_text(rel, &text))
                        .err()
                        .map(|e| e.to_string())
                }
                _ => None,
            },
        };
        if let Some(problem) = problem {
            let by = match repo.last_change(base, tip, &path)? {
                Some(c) => format!(" (commit {} by {})", c.commit, c.by),
                None => String::new(),
            };
            refused.push(format!("{problem}{by}"));
        }
    }
    // Without tkt.toml the folder is no desk: no command, nor the sync that would bring it
    // back, would run again (found by a hostile-remote review).
    let config = prefix.join(crate::model::CONFIG_FILE);
    if repo.file_at(tip, &config)?.is_none() {
        let by = match repo.last_change(base, tip, &config)? {
            Some(c) => format!(" (commit {} by {})", c.commit, c.by),
            None => String::new(),
        };
        refused.push(format!("{}: deleted, and a folder without it is no desk{by}", config.display()));
    }
    refused.extend(refused_catalog(repo, base, tip, ours)?);
    refused.extend(refused_numbering(repo, base, tip)?);
    Ok(refused)
}

/// A `tkt.toml` whose numbering no longer gives a kind the prefix its records carry (the
/// invoice prefix changed, the old one not kept under `[numbering.former_prefixes]`): every
/// such record would no longer read as its kind's, no invoice could be issued after them,
/// and `tkt check` would name them all (found by a hostile-remote attack).
fn refused_numbering(repo: &Repo, base: Option<&str>, tip: &str) -> Result<Option<String>> {
    let prefix = repo.desk_prefix();
    let path = prefix.join(crate::model::CONFIG_FILE);
    if !repo.changed_paths(base, tip)?.contains(&path) {
        return Ok(None);
    }
    let Some(file) = repo.file_at(tip, &path)? else { return Ok(None) };
    // One that does not read is named on its own.
    let parsed = std::str::from_utf8(&file.bytes).ok().map(crate::model::Config::parse);
    let Some(Ok(config)) = parsed else {
        return Ok(None);
    };
    prefixes_lost(&config, &path, |kind| {
        let top = prefix.join(kind.dir());
        let folders = if kind.by_year() { repo.folders_in(tip, &top)? } else { vec![top] };
        let mut files = Vec::new();
        for folder in folders {
            files.extend(repo.files_in(tip, &folder)?);
        }
        Ok(files)
    })
}

/// Why `config` (the tkt.toml at `path`) cannot be taken: the kinds whose records, as
/// `files` lists them, carry a prefix it no longer gives (the kind's key in tkt.toml is
/// its noun: `invoice`, `ticket`); `None` when none.
fn prefixes_lost(
    config: &crate::model::Config,
    path: &Path,
    files: impl Fn(Kind) -> Result<Vec<PathBuf>>,
) -> Result<Option<String>> {
    let mut lost = Vec::new();
    for kind in Kind::all().filter(|k| k.is_numbered()) {
        let given = config.numbering.prefixes_of(kind);
        let carried = files(kind)?.into_iter().find_map(|f| {
            let id = f.file_stem()?.to_str()?.to_string();
            let carried = SequenceId::parse(&id)?.prefix;
            (!given.contains(&carried.as_str())).then_some((id, carried))
        });
        if let Some((id, carried)) = carried {
            lost.push(format!(
                "{noun} ({id}): keep {carried} under [numbering.former_prefixes] ({noun} = [\"{carried}\"])",
                noun = kind.noun()
            ));
        }
    }
    Ok((!lost.is_empty()).then(|| {
        format!("{}: its numbering no longer gives records the prefix they carry: {}", path.display(), lost.join("; "))
    }))
}

/// Names in a desk that a Windows or macOS clone takes for one (they differ only in case):
/// each name of a file's path — the file's, and each folder's on its way — against the
/// other names of its folder, each folder listed once. A record's own name is left to
/// `tkt check` (two clones can each make one of two ids; refusing them would stop the
/// team), as [`refused_path`] leaves it.
#[derive(Default)]
struct CaseTwins {
    /// Each folder listed: its names by their lower case (a desk of 100,000 attachment
    /// folders is looked up, not searched, for each path).
    folders: HashMap<PathBuf, HashMap<String, Vec<String>>>,
    named: HashSet<PathBuf>,
}

impl CaseTwins {
    /// The names on the way to the desk path `rel` with a twin in their folder (`list`:
    /// a folder's names), each as its path and its twin's name; each name once.
    fn of(&mut self, rel: &Path, list: &mut dyn FnMut(&Path) -> Result<Vec<String>>) -> Result<Vec<(PathBuf, String)>> {
        let mut found = Vec::new();
        let mut folder = PathBuf::new();
        let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
        for (i, name) in parts.iter().enumerate() {
            let at = folder.join(name);
            let record = i + 1 == parts.len() && Desk::kind_of_path(rel).is_some();
            if !record && !self.named.contains(&at) {
                if !self.folders.contains_key(&folder) {
                    let mut folded: HashMap<String, Vec<String>> = HashMap::new();
                    for n in list(&folder)? {
                        folded.entry(crate::files::case_folded(&n)).or_default().push(n);
                    }
                    self.folders.insert(folder.clone(), folded);
                }
                let same = self.folders[&folder].get(&crate::files::case_folded(name));
                let twin = same.and_then(|names| names.iter().find(|n| n.as_str() != *name));
                if let Some(twin) = twin {
                    self.named.insert(folder.join(twin));
                    self.named.insert(at.clone());
                    found.push((at.clone(), twin.clone()));
                }
            }
            folder = at;
        }
        Ok(found)
    }
}

fn twin_problem(twin: &str) -> String {
    format!(
        "the same name as {twin} on Windows and macOS (they differ only in case), which no such clone could check out"
    )
}

/// Refuses (exit 5), before anything is committed or pushed, to publish the deletion of a
/// fiscal document the remote has or a change to its fiscal content: in this clone's
/// commits since the common ancestor, and in its hand edits.
fn check_outgoing(
    desk: &Desk,
    repo: &Repo,
    ours: &str,
    theirs: &str,
    hand_edits: &[PathBuf],
    today: chrono::NaiveDate,
) -> Result<()> {
    let base = repo.merge_base(ours, theirs)?;
    // What every other clone's sync would refuse is not published: it would stop the team.
    let going_out = match base.as_deref() {
        Some(base) if !repo.is_ancestor(ours, theirs)? => Some(base),
        _ => None,
    };
    let unreadable =
        going_out.map(|base| refused_entries(repo, Some(base), ours, None)).transpose()?.unwrap_or_default();
    if !unreadable.is_empty() {
        return Err(Error::busy(format!(
            "this clone's commits hold files no other clone would take; nothing was committed or pushed:\n  {}",
            unreadable.join("\n  ")
        ))
        .with_hint("fix the record, or take the file out of git (git rm --cached FILE, then git commit); then run tkt sync again"));
    }
    let lost =
        going_out.map(|base| what_happened_taken_away_in(repo, base, ours, true)).transpose()?.unwrap_or_default();
    if !lost.is_empty() {
        return Err(Error::busy(format!(
            "this clone's commits take away what happened; nothing was committed or pushed:\n  {}",
            lost.join("\n  ")
        ))
        .with_hint("put it back (git log -p -- FILE shows what was taken away), commit, then run tkt sync again"));
    }
    let prefix = repo.desk_prefix();
    let by_hand = |path: &Path| {
        let rel = path.strip_prefix(prefix).ok()?;
        hand_edits.iter().any(|h| h == rel).then(|| std::fs::read(desk.abs(rel)).ok())
    };
    let mut refused = match base.as_deref() {
        Some(base) => fiscal_changes(repo, base, ours, &by_hand)?,
        None => Vec::new(),
    };
    // This clone's log of what it issued holds the version issued: an amend or a rebase
    // that changed an issued document before it was published left history no other
    // version to compare with (found by a careless-office attack: the amended invoice went
    // out, and every other clone took it as issued so).
    if let Some(base) = base.as_deref() {
        for path in repo.paths_touched(base, ours)? {
            let Ok(rel) = path.strip_prefix(prefix) else { continue };
            let (Some(dir), Some(id)) = (rel.parent(), rel.file_stem().and_then(|s| s.to_str())) else { continue };
            if !fiscal_path(rel) || refused.iter().any(|r| r.starts_with(&rel.display().to_string())) {
                continue;
            }
            let Some(issued) = desk.issued_blobs(dir).get(id).and_then(|hash| repo.blob(hash)) else { continue };
            let now = match by_hand(&path) {
                Some(by_hand) => by_hand,
                None => repo.file_at(ours, &path)?.map(|f| f.bytes),
            };
            if let Some(problem) = fiscal_change(rel, issued, now) {
                refused.push(format!("{problem} (as this clone issued it, .tkt/issued)"));
            }
        }
    }
    refused.extend(made_by_hand(desk, repo, base.as_deref(), ours, today)?);
    // Hand edits are held to what every other clone takes, as commits are.
    let mut unshareable = Vec::new();
    let mut twins = CaseTwins::default();
    for rel in hand_edits {
        let abs = desk.abs(rel);
        if abs.exists() {
            let mut list = |folder: &Path| crate::desk::list_dir(&desk.abs(folder));
            for (at, twin) in twins.of(rel, &mut list)? {
                unshareable.push(format!("{}: {}", at.display(), twin_problem(&twin)));
            }
        }
        let problem = match refused_path(&prefix.join(rel), prefix, EntryKind::File) {
            Some(why) if abs.exists() => Some(why.to_string()),
            _ if rel.file_name() == Some(".gitattributes".as_ref()) => {
                refused_attributes(&std::fs::read_to_string(&abs).unwrap_or_default(), None, &record_names(Some(repo)))
            }
            _ => None,
        };
        unshareable.extend(problem.map(|why| format!("{}: {why}", rel.display())));
    }
    // A tkt.toml that takes their prefix from the desk's records would stop every other
    // clone's sync (found by a review: refused coming in, it went out).
    if hand_edits.iter().any(|rel| rel == Path::new(crate::model::CONFIG_FILE)) {
        unshareable.extend(prefixes_lost(&desk.config, Path::new(crate::model::CONFIG_FILE), |kind| desk.files(kind))?);
    }
    if hand_edits.iter().any(|rel| rel.starts_with(Kind::State.dir())) {
        let states = desk.catalog()?;
        unshareable.extend(catalog_refusal(&states));
        let before = records_at::<crate::model::State>(repo, ours, &prefix.join(Kind::State.dir()))?;
        let gone = states_gone(&before.unwrap_or_default(), &states);
        if !gone.is_empty() {
            unshareable.extend(states_in_use(&gone, &desk.load_all::<crate::model::Ticket>()?));
        }
    }
    for rel in hand_edits {
        let then = repo.file_at(ours, &prefix.join(rel))?;
        let shown = rel.display();
        unshareable.extend(loss_by_hand(desk, rel, then.as_ref().map(|f| &f.bytes[..])).map(|loss| match loss {
            Loss::Deleted => {
                format!(
                    "{shown}: deleted by hand, and with it what happened; `git checkout HEAD -- {shown}` puts it back"
                )
            }
            Loss::Listed(owner) => {
                format!("{shown}: deleted by hand, and {owner} lists it; `git checkout HEAD -- {shown}` puts it back")
            }
            Loss::TakenAway(field) => format!(
                "{shown}: the hand edit takes away {field}, which records what happened (an editor's older copy saved \
                 over it?); `git diff HEAD -- {shown}` shows what it takes away"
            ),
        }));
    }
    if !unshareable.is_empty() {
        return Err(Error::busy(format!(
            "your hand edits hold what no other clone would take; nothing was committed or pushed:\n  {}",
            unshareable.join("\n  ")
        ))
        .with_hint("fix them (or put them back: git checkout HEAD -- FILE), then run tkt sync again"));
    }
    refused.extend(fiscal_hand_edits(desk, repo, ours, Some(theirs), hand_edits)?);
    // A number past a gap would stop every other clone's sync: the desk's folders as they
    // are (commits and hand edits) against the remote's.
    let mut folders = new_fiscal_folders(repo, base.as_deref(), ours)?;
    folders.extend(hand_edits.iter().filter(|p| fiscal_path(p)).filter_map(|p| p.parent().map(Path::to_path_buf)));
    for folder in folders {
        let here = std::fs::read_dir(desk.abs(&folder))
            .map(|entries| entries.flatten().filter_map(|e| e.file_name().into_string().ok()).collect::<Vec<_>>());
        let there = sequence_ids(repo.names_at(theirs, &folder)?);
        for (after, missing) in skipped_in(&there, &sequence_ids(here.unwrap_or_default())) {
            refused.push(skipped_message(&folder.join(format!("{after}.yaml")), &missing, ""));
        }
    }
    refuse_fiscal_changes(refused)
}

/// The fiscal documents `base..ours` makes (all of `ours` when there is no `base`: a
/// desk's first push) that tkt did not issue in this clone — committed with git — and that
/// break the rules of their kind: issued once published, they are held to them first, as
/// one not committed yet is (found by a hostile-remote attack: `git commit` of an invoice
/// with wrong totals let it out; and by a review, a desk's first push).
fn made_by_hand(
    desk: &Desk,
    repo: &Repo,
    base: Option<&str>,
    ours: &str,
    today: chrono::NaiveDate,
) -> Result<Vec<String>> {
    let prefix = repo.desk_prefix();
    let paths = match base {
        Some(base) => repo.paths_touched(base, ours)?,
        None => repo.changed_paths(None, ours)?,
    };
    let mut refused = Vec::new();
    // Issued by this desk's company: as this clone's tkt.toml has it, or the one `ours`
    // brings (found by a team attack: once a clone changed the Partita IVA in tkt.toml,
    // every other clone refused its invoices for good).
    let digits = |v: &str| v.trim().trim_start_matches("IT").to_string();
    let brought = repo.file_at(ours, &prefix.join(crate::model::CONFIG_FILE))?;
    let brought =
        brought.and_then(|f| String::from_utf8(f.bytes).ok()).and_then(|t| crate::model::Config::parse(&t).ok());
    let mut companies: Vec<String> = [Some(&desk.config), brought.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|c| c.company.vat_number.as_deref().map(digits))
        .collect();
    companies.dedup();
    for path in paths {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        let (Some(dir), Some(id)) = (rel.parent(), rel.file_stem().and_then(|s| s.to_str())) else { continue };
        if !fiscal_path(rel) || !new_since(repo, base, &path)? || desk.issued_blobs(dir).contains_key(id) {
            continue;
        }
        let Some(file) = repo.file_at(ours, &path)? else { continue };
        let Ok(doc) = decode_text(file.bytes, rel).and_then(|text| parse_record::<Document>(&text, rel)) else {
            continue;
        };
        let mut problems = crate::rules::check_issued_document(&doc, today);
        problems.extend(dated_before_the_number_below(repo, ours, &path, &doc)?);
        // Issued by this desk's company: another's Partita IVA would take a number of its
        // register and work of its customers, never to be credited here (found by a
        // hostile-remote attack).
        let seller = doc.seller.as_ref().and_then(|s| s.vat_number.as_deref());
        if let (false, Some(seller)) = (companies.is_empty(), seller) {
            if !companies.contains(&digits(seller)) {
                problems.push(crate::rules::Problem::new(
                    "seller.vat_number",
                    format!("{seller} is not the Partita IVA of [company] in tkt.toml ({})", companies.join(" or ")),
                ));
            }
        }
        if !problems.is_empty() {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            refused.push(format!("{}: made by hand, and {}", rel.display(), list.join("; ")));
        }
    }
    Ok(refused)
}

/// The ticket or request that lists the attachment at `rel` (`attachments/<id>/<file>`).
fn listing_record(desk: &Desk, rel: &Path) -> Option<String> {
    let [dir, id, _] = rel.iter().filter_map(|c| c.to_str()).collect::<Vec<_>>()[..] else { return None };
    if dir != crate::desk::ATTACHMENTS_DIR {
        return None;
    }
    let listed = rel.to_str()?;
    [Kind::Ticket, Kind::Request].into_iter().find_map(|kind| {
        let text = std::fs::read_to_string(desk.abs(&kind.path_for(id).ok()?)).ok()?;
        lists(&text, listed).then(|| id.to_string())
    })
}

/// Whether a record's text lists the attachment `listed` (desk-relative).
fn lists(text: &str, listed: &str) -> bool {
    text.lines().any(|l| l.trim().trim_start_matches("- ").trim_matches(['\'', '"']) == listed)
}

/// A fiscal document dated before the number below it in its register (kind, year, series)
/// at `tip`: a register is numbered in date order (art. 21 DPR 633/72), which `tkt check`
/// names and issuing refuses (found by a team attack: one made by hand went out all the same).
fn dated_before_the_number_below(
    repo: &Repo,
    tip: &str,
    path: &Path,
    doc: &Document,
) -> Result<Option<crate::rules::Problem>> {
    let (Some(folder), Some(me)) = (path.parent(), SequenceId::parse(&doc.id)) else { return Ok(None) };
    let folder = folder.strip_prefix(repo.desk_prefix()).unwrap_or(folder);
    let below = sequence_ids(repo.names_at(tip, folder)?)
        .into_iter()
        .filter(|s| s.year == me.year && s.series == me.series && s.seq < me.seq)
        .max_by_key(|s| s.seq);
    let Some(below) = below else { return Ok(None) };
    let rel = folder.join(format!("{below}.yaml"));
    let Some(file) = repo.file_at(tip, &repo.desk_prefix().join(&rel))? else { return Ok(None) };
    let Ok(before) = decode_text(file.bytes, &rel).and_then(|t| parse_record::<Document>(&t, &rel)) else {
        return Ok(None);
    };
    Ok((doc.date < before.date).then(|| {
        crate::rules::Problem::new(
            "date",
            format!("{} is before {below} of {}: fiscal documents are numbered in date order", doc.date, before.date),
        )
    }))
}

/// What a later version of a ticket or a request takes away of what happened, as `tkt ...
/// edit` refuses it: a note (by who wrote it when) or an entry of the history (found by an
/// office attack: an editor left open saved its stale copy over a colleague's note, which
/// the sync committed and published to every clone). A note's text may be corrected, notes
/// may be added, and a merge puts them in time order. `None` when nothing is taken away, or
/// either version does not read (named elsewhere).
pub(crate) fn what_happened_taken_away(rel: &Path, then: &[u8], now: &[u8]) -> Option<&'static str> {
    let read = |bytes: &[u8]| decode_text(bytes.to_vec(), rel).ok();
    let (then, now) = (read(then)?, read(now)?);
    // Every element of `then` is in `now`, as many times.
    fn kept<T: PartialEq>(then: &[T], now: &[T]) -> bool {
        let mut left: Vec<&T> = now.iter().collect();
        then.iter().all(|t| left.iter().position(|n| *n == t).map(|i| left.swap_remove(i)).is_some())
    }
    // A note from an e-mail is that message, whenever a clone imported it (two clones that
    // import one reply keep one note, the earlier: found by a review — the office's copy
    // was taken for a note taken away, and its sync refused for good); another is who
    // wrote it when.
    let written = |notes: &[crate::model::Note]| {
        notes
            .iter()
            .map(|n| n.message_id.clone().map_or_else(|| format!("{}\t{}", n.at, n.by), |m| format!("<{m}>")))
            .collect::<Vec<_>>()
    };
    let (notes, history) = match Desk::kind_of_path(rel)? {
        Kind::Ticket => {
            let (then, now): (crate::model::Ticket, crate::model::Ticket) =
                (parse_record(&then, rel).ok()?, parse_record(&now, rel).ok()?);
            (kept(&written(&then.notes), &written(&now.notes)), kept(&then.history, &now.history))
        }
        Kind::Request => {
            let (then, now): (crate::model::Request, crate::model::Request) =
                (parse_record(&then, rel).ok()?, parse_record(&now, rel).ok()?);
            (kept(&written(&then.notes), &written(&now.notes)), true)
        }
        _ => return None,
    };
    match (notes, history) {
        (false, _) => Some("a note"),
        (_, false) => Some("an entry of its history"),
        _ => None,
    }
}

/// The records no sync deletes, as what happened: tickets and requests (their notes and
/// history), work reports (the work an invoice bills: renamed with `git mv`, billed again —
/// found by a hostile-remote review), payments and refunds (money that moved: a merge made
/// by hand with `-s ours` dropped a published payment — found by the same review).
fn records_what_happened(kind: Kind) -> bool {
    use crate::model::DocKind::{Payment, Refund, WorkReport};
    matches!(kind, Kind::Ticket | Kind::Request | Kind::Document(WorkReport | Payment | Refund))
}

/// What a hand edit of a desk file takes away that no commit may.
pub(crate) enum Loss {
    /// A record of what happened (a ticket, a request, a work report, a payment) deleted.
    Deleted,
    /// An attachment deleted that this record still lists.
    Listed(String),
    /// Notes or history taken out of a record (an editor's older copy saved over it): the
    /// field.
    TakenAway(&'static str),
}

/// What the hand edit of `rel` (not committed; `then` its last committed bytes) takes away,
/// if anything: sync refuses to commit it, and `tkt check` names it.
pub(crate) fn loss_by_hand(desk: &Desk, rel: &Path, then: Option<&[u8]>) -> Option<Loss> {
    let then = then?;
    let now = match std::fs::read(desk.abs(rel)) {
        Ok(now) => Some(now),
        // There but unreadable (`chmod 000`): not deleted, and said as it is where it is read
        // (found by a careless-office attack: check called it "deleted by hand"). Anything
        // else — gone, a folder in its place, which git does not see — is a deletion to sync
        // (a review: taken for unreadable, a folder made sync publish the record's deletion).
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return None,
        Err(_) => None,
    };
    match now {
        None if Desk::kind_of_path(rel).is_some_and(records_what_happened) => Some(Loss::Deleted),
        // An attachment its record still lists (found by a team attack: an `rm` of a
        // request's message.eml was published, and every clone lost it).
        None => listing_record(desk, rel).map(Loss::Listed),
        Some(now) => what_happened_taken_away(rel, then, &now).map(Loss::TakenAway),
    }
}

/// A record's published version as the base of its merge with a remote whose history was
/// rewritten, less the notes and history entries the remote's version lacks: what the
/// rewrite dropped (a squash by a clone that never had a note) is not a deletion to take
/// in, and this clone's copy keeps it (found by a hostile-remote attack: a squashed remote
/// took a published note away from every clone).
fn published_base(published: FileState, theirs: &FileState) -> FileState {
    let read = |bytes: &[u8]| serde_yaml::from_slice::<Value>(bytes).ok();
    let (Some(mut base), Some(theirs)) = (read(&published.bytes), read(&theirs.bytes)) else { return published };
    for key in ["notes", "history"] {
        let kept = theirs.get(key).and_then(Value::as_sequence).cloned().unwrap_or_default();
        if let Some(Value::Sequence(list)) = base.get_mut(key) {
            list.retain(|entry| kept.contains(entry));
        }
    }
    match serde_yaml::to_string(&base) {
        Ok(text) => FileState { bytes: text.into_bytes(), executable: published.executable },
        Err(_) => published,
    }
}

/// The tickets and requests whose notes or history the commits `from..to` take away, each
/// named with the commit that last changed it: what no clone publishes, nor takes in. A
/// record deleted takes away all of it (found by a hostile-remote attack: a `git rm` of a
/// ticket went out and came in). With `every_version`, what a commit in between added and
/// a later one took away counts too (found by a careless-office attack: a note, then an
/// editor's older copy committed over it, went out as if the note had never been).
fn what_happened_taken_away_in(repo: &Repo, from: &str, to: &str, every_version: bool) -> Result<Vec<String>> {
    Ok(taken_away_between(repo, from, to, every_version)?
        .into_iter()
        .map(|(path, problem)| format!("{}: {problem}", repo.desk_prefix().join(path).display()))
        .collect())
}

/// [`what_happened_taken_away_in`] as (desk-relative path, what is taken away and by
/// which commit), every version in between counting: what `tkt check` names of the
/// commits made since it last found none (a plain `git commit` of an editor's older copy).
pub(crate) fn taken_away_between(
    repo: &Repo,
    from: &str,
    to: &str,
    every_version: bool,
) -> Result<Vec<(PathBuf, String)>> {
    let prefix = repo.desk_prefix();
    let mut found = Vec::new();
    let of_kind =
        |p: &Path| p.strip_prefix(prefix).ok().and_then(Desk::kind_of_path).filter(|k| records_what_happened(*k));
    let all_changed = repo.changed_paths(Some(from), to)?;
    // An attachment its record still lists, deleted by a commit, as by hand (found by a
    // remote attack: a `git rm` of a customer's receipt came in, and check then failed on
    // every clone).
    for path in &all_changed {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        let [crate::desk::ATTACHMENTS_DIR, id, _] = rel.iter().filter_map(|c| c.to_str()).collect::<Vec<_>>()[..]
        else {
            continue;
        };
        if repo.file_at(to, path)?.is_some() || repo.file_at(from, path)?.is_none() {
            continue;
        }
        let listed = rel.to_string_lossy();
        for kind in [Kind::Ticket, Kind::Request] {
            let Ok(record) = kind.path_for(id) else { continue };
            let Some(record) = repo.file_at(to, &prefix.join(record))? else { continue };
            if lists(&String::from_utf8_lossy(&record.bytes), &listed) {
                let by = repo.last_change(Some(from), to, path)?.map(|c| format!(" (commit {} by {})", c.commit, c.by));
                found.push((rel.to_path_buf(), format!("deletes a file {id} lists{}", by.unwrap_or_default())));
            }
        }
    }
    let changed: BTreeSet<PathBuf> = all_changed.into_iter().filter(|p| of_kind(p).is_some()).collect();
    let mut between = match every_version {
        true => repo.changes_of_paths(Some(from), to, &changed)?,
        false => BTreeMap::new(),
    };
    // Where a record a tkt merge renumbered went.
    let moved = renumberings(repo, from, to)?;
    for path in changed {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        let published = repo.file_at(from, &path)?.map(|f| f.bytes);
        let now = repo.file_at(to, &path)?.map(|f| f.bytes);
        // A version in between of another record than the path holds now went elsewhere
        // (renumbered by a merge of this side: found by a review, after a server restored
        // from a backup); one never published and then deleted is this clone's own to drop.
        let between = between.remove(&path).unwrap_or_default().into_iter().filter_map(|c| c.after);
        let between = between.filter(|v| match &now {
            Some(now) => one_record(v, now),
            None => published.is_some(),
        });
        let versions: Vec<Vec<u8>> = published.clone().into_iter().chain(between).collect();
        let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let mut problem = None;
        for then in &versions {
            let mut now = now.clone();
            // Another record under the path, or none, this one renumbered by a sync (a
            // clone reset to before it): what happened to it is read where it went (found
            // by a team attack: a plain fast-forward was refused for a note "taken away").
            if let Some(new) = moved.get(id).filter(|_| !now.as_deref().is_some_and(|n| one_record(then, n))) {
                if let Some(there) = repo.file_at(to, &beside(&path, new))?.filter(|t| one_record(then, &t.bytes)) {
                    now = Some(there.bytes);
                }
            }
            problem = match now {
                None => Some("deletes the record, and with it what happened".to_string()),
                Some(now) => what_happened_taken_away(rel, then, &now)
                    .map(|field| format!("takes away {field}, which records what happened")),
            };
            if problem.is_some() {
                break;
            }
        }
        if let Some(problem) = problem {
            let by = repo.last_change(Some(from), to, &path)?.map(|c| format!(" (commit {} by {})", c.commit, c.by));
            found.push((rel.to_path_buf(), format!("{problem}{}", by.unwrap_or_default())));
        }
    }
    Ok(found)
}

/// The hand edits that delete or change an issued fiscal document: as this clone committed
/// it (issued here, not yet published, it is issued all the same), else as `theirs` has it.
fn fiscal_hand_edits(
    desk: &Desk,
    repo: &Repo,
    ours: &str,
    theirs: Option<&str>,
    hand_edits: &[PathBuf],
) -> Result<Vec<String>> {
    let prefix = repo.desk_prefix();
    let mut refused = Vec::new();
    // Only fiscal documents: each is looked for in all of history.
    for rel in hand_edits.iter().filter(|rel| fiscal_path(rel)) {
        let path = prefix.join(rel);
        // As first committed: a version a later commit changed is not what was issued.
        let issued = match repo.first_version_at(ours, &path)? {
            Some(committed) => committed,
            None => match theirs.map(|t| repo.first_version_at(t, &path)).transpose()?.flatten() {
                Some(published) => published,
                None => continue,
            },
        };
        let now = std::fs::read(desk.abs(rel)).ok();
        if let Some(problem) = fiscal_change(rel, issued, now) {
            refused.push(format!("{problem} (a hand edit, not committed)"));
        }
    }
    Ok(refused)
}

fn refuse_fiscal_changes(refused: Vec<String>) -> Result<()> {
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::busy(format!(
        "this clone would publish changes to issued fiscal documents; nothing was committed or pushed:\n  {}",
        refused.join("\n  ")
    ))
    .with_hint("an issued fiscal document is never deleted or changed: restore it (git checkout) and correct it with a credit note"))
}

/// The fiscal documents `from` has, or `from..to` issues, that `to` deletes or changes
/// (annotations aside), each with the commit and author of the change: a document issued
/// in this clone and not yet published is issued all the same, and so is one a later
/// commit of the range deleted (every commit is looked at, not only the two trees).
///
/// `worktree` gives the file as it is in the work tree for the paths edited by hand (about
/// to be committed with what goes out; `None` for the others): putting an issued version
/// back by hand mends a change a commit made.
fn fiscal_changes(repo: &Repo, from: &str, to: &str, worktree: &Worktree) -> Result<Vec<String>> {
    let prefix = repo.desk_prefix();
    let mut found = Vec::new();
    for path in repo.paths_touched(from, to)? {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        if !fiscal_path(rel) {
            continue;
        }
        let issued = match repo.file_at(from, &path)? {
            Some(issued) => issued.bytes,
            // Issued since: the version of the commit that added it.
            None => match repo.changes_of(Some(from), to, &path)?.into_iter().rev().find_map(|c| c.after) {
                Some(bytes) => bytes,
                None => continue,
            },
        };
        let now = match worktree(&path) {
            Some(by_hand) => by_hand,
            None => repo.file_at(to, &path)?.map(|f| f.bytes),
        };
        let Some(mut problem) = fiscal_change(rel, issued, now.clone()) else { continue };
        // The version at `from` may itself be a change (pushed by plain git): what was
        // issued is the first version in history, and putting it back is no change (found
        // by a review: the restore `tkt check` prescribes was refused by every sync). The
        // history of `from`, which both sides share: `to` may bring a root of its own that
        // holds a forged version "first" (found by a hostile-remote attack: a merge whose
        // first parent was an orphan commit changed an issued invoice's buyer).
        let first = match now {
            Some(_) => repo.first_version_at(from, &path)?,
            None => None,
        };
        let by_hand = if worktree(&path).is_some() { " (and a hand edit, not committed)" } else { "" };
        if let Some(first) = first {
            match fiscal_change(rel, first, now) {
                Some(against_first) => problem = against_first,
                None => continue,
            }
        }
        let by = match repo.last_change(Some(from), to, &path)? {
            Some(c) => format!(" (commit {} by {}){by_hand}", c.commit, c.by),
            None => by_hand.to_string(),
        };
        found.push(format!("{problem}{by}"));
    }
    Ok(found)
}

/// A repository path's content in the work tree when it was edited by hand (`None` inside
/// when deleted), or `None` when it was not.
type Worktree<'w> = dyn Fn(&Path) -> Option<Option<Vec<u8>>> + 'w;

/// Nothing edited by hand: every file as committed.
fn committed(_: &Path) -> Option<Option<Vec<u8>>> {
    None
}

/// What is wrong with `now` (None: deleted) as the later version of `issued`, when `rel` is
/// a fiscal document: deleted, or its fiscal content changed.
fn fiscal_change(rel: &Path, issued: Vec<u8>, now: Option<Vec<u8>>) -> Option<String> {
    match Desk::kind_of_path(rel) {
        Some(Kind::Document(kind)) if kind.is_fiscal() => {}
        _ => return None,
    }
    let parse = |bytes: Vec<u8>| decode_text(bytes, rel).and_then(|t| parse_record::<Document>(&t, rel)).ok();
    let issued = parse(issued)?;
    let Some(now) = now else { return Some(format!("{}: an issued fiscal document deleted", rel.display())) };
    // A version that does not read is refused by the record checks, not here.
    let fields = issued_fields_changed(&issued, &parse(now)?);
    (!fields.is_empty()).then(|| format!("{}: issued fiscal document changed ({})", rel.display(), fields.join(", ")))
}

fn integrate(
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
    let base = repo.merge_base(&ours, theirs)?;
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
    // This clone's unpublished fiscal documents naming a renumbered record are written
    // again with the new id in every unpublished commit: the merge then moves HEAD onto
    // them, and each document reads as issued with its right link.
    let ours = match (base.as_deref(), plan.fiscal_links.is_empty()) {
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
        _ => ours,
    };
    follow_in_taken_back(desk, &rewrites(&plan.ids, &plan.followed))?;
    let files: Vec<(PathBuf, Option<FileState>)> = plan.files.into_iter().collect();
    report.came_in += repo.count_commits(Some(&ours), theirs)?;
    // The documents written again are noted too: killed once HEAD moved, the next command
    // brings the log of what this clone issued to them.
    let noted: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).chain(plan.fiscal_links.iter().cloned()).collect();
    desk.note_writes(&repo.in_desk(&noted))?;
    repo.write_merge(&ours, theirs, &files, &message, author)?;
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
fn refuse_unreadable_merge(repo: &Repo, plan: &MergePlan) -> Result<()> {
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

/// Before a push, the tickets it publishes close or reopen as the catalog says (a review:
/// a state made closed on one clone while a ticket entered it on another left the ticket
/// in a closed state with no `closed_at`), in a commit of their own — also on the sync run
/// again after one was killed, or after a plain `git pull` merged them. A ticket whose file
/// differs from HEAD (a hand edit a pull left alone) is left as it is: `tkt check` names it.
fn settle_closed_going_out(desk: &Desk, repo: &Repo, author: &Author, theirs: Option<&str>) -> Result<()> {
    let (Some(head), Some(theirs)) = (repo.head()?, theirs) else { return Ok(()) };
    if theirs == head {
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
fn refuse_dirty(repo: &Repo, paths: &[PathBuf]) -> Result<()> {
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
    for path in paths {
        if repo.workdir().join(path).is_file() && repo.file_at(&head, path)?.is_none() {
            ignored.push(path.clone());
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
fn one_note_per_message(record: &mut Value) {
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
fn same_message(ours: &[u8], theirs: &[u8]) -> bool {
    let (Ok(a), Ok(b)) = (from_yaml::<Value>(ours), from_yaml::<Value>(theirs)) else { return false };
    let promoted = |v: &Value| v.get("ticket").is_some_and(|t| !t.is_null());
    message_of(&a).is_some() && message_of(&a) == message_of(&b) && !promoted(&a) && !promoted(&b)
}

/// The e-mail a request was made from: its Message-ID and its sender's address.
fn message_of(request: &Value) -> Option<(Value, Option<Value>)> {
    let id = request.get("message_id").filter(|x| !x.is_null())?.clone();
    Some((id, request.get("contact").and_then(|c| c.get("email")).cloned()))
}

/// Who changed the record at `path` (a repository path) on the side from `base` to
/// `tip`, field by field, read from the commits: the later change of a field wins.
pub fn side_of(repo: &Repo, base: Option<&str>, tip: &str, path: &Path) -> Result<Side> {
    Ok(side_from(repo.changes_of(base, tip, path)?))
}

/// [`side_of`] for many records, in one walk of the side's history.
fn sides_of(repo: &Repo, base: Option<&str>, tip: &str, paths: &BTreeSet<PathBuf>) -> Result<BTreeMap<PathBuf, Side>> {
    Ok(repo.changes_of_paths(base, tip, paths)?.into_iter().map(|(path, changes)| (path, side_from(changes))).collect())
}

fn side_from(changes: Vec<crate::git::FileChange>) -> Side {
    let parse = |bytes: &Option<Vec<u8>>| bytes.as_ref().and_then(|b| from_yaml::<Value>(b).ok());
    let mut side = Side::default();
    for change in changes {
        let before: Vec<Option<Value>> = change.before.iter().map(parse).collect();
        side.record_change(&change.by, change.at, &before, parse(&change.after).as_ref());
    }
    side
}

/// The files a merge writes (repository paths), and what it has to say.
struct MergePlan {
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

fn plan_merge(
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
    let published = |path: &Path| -> Result<Option<FileState>> {
        for tip in lost {
            if let Some(state) = repo.file_at(tip, path)? {
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

/// The renumberings of `from`'s own records that tkt's merges between `from` and `to`
/// made and recorded ("T-2026-0021 is now T-2026-0022" in a `tkt sync: merge` commit whose
/// first parent `from` holds: this clone's merge, not another's renumbering its own
/// records): old id to new id, for the ids renumbered once.
fn renumberings(repo: &Repo, from: &str, to: &str) -> Result<HashMap<String, String>> {
    let mut found: HashMap<String, Option<String>> = HashMap::new();
    for message in repo.messages_on_side_of(from, to, " is now ")?.iter().filter(|m| m.starts_with("tkt sync: merge")) {
        for line in message.lines() {
            let Some((old, new)) = line.split_once(" is now ") else { continue };
            let (old, new) = (old.trim(), new.trim());
            if SequenceId::parse(old).is_some() && SequenceId::parse(new).is_some() || plain_id(old) && plain_id(new) {
                let seen = found.entry(old.to_string()).or_insert_with(|| Some(new.to_string()));
                if seen.as_deref() != Some(new) {
                    *seen = None;
                }
            }
        }
    }
    Ok(found.into_iter().filter_map(|(old, new)| Some((old, new?))).collect())
}

/// A record id with no year (C-0001, a customer's).
fn plain_id(id: &str) -> bool {
    id.split_once('-').is_some_and(|(p, n)| !p.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The path of the record `id` beside `like` (a record of its kind).
fn beside(like: &Path, id: &str) -> PathBuf {
    like.with_file_name(format!("{id}.yaml"))
}

/// This clone's records a merge of its own renumbered on the remote since `base`, the
/// merge taken back here since: a renumbering a tkt merge recorded between `base` and
/// `theirs` ([`renumberings`]) of a record `base` holds, which the remote holds under its
/// new number as the same record (made at the same instant by the same person, or, for a
/// customer, which says neither, the same but for its ids). Each as (old id, new id, old
/// path, new path). Only what a merge recorded: content alike is no proof (found by a
/// review: a namesake customer took another's edits).
fn renumbered_there(
    repo: &Repo,
    prefix: &Path,
    base: Option<&str>,
    theirs: &str,
    theirs_changed: &[PathBuf],
) -> Result<Vec<(String, String, PathBuf, PathBuf)>> {
    let Some(base) = base else { return Ok(Vec::new()) };
    let moved = renumberings(repo, base, theirs)?;
    if moved.is_empty() {
        return Ok(Vec::new());
    }
    let numbered = |p: &Path| p.strip_prefix(prefix).ok().and_then(Desk::kind_of_path).is_some_and(|k| k.is_numbered());
    let mut found = Vec::new();
    for path in theirs_changed.iter().filter(|p| numbered(p)) {
        let Some(old) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        let Some(new) = moved.get(old) else { continue };
        let new_path = beside(path, new);
        let (Some(was), Some(there)) = (repo.file_at(base, path)?, repo.file_at(theirs, &new_path)?) else { continue };
        if same_making(&was.bytes, &there.bytes) || same_but_ids(&was.bytes, &there.bytes) {
            found.push((old.to_string(), new.clone(), path.clone(), new_path));
        }
    }
    Ok(found)
}

/// Merges the common, local and remote versions of the record `rel` (its conflicts noted
/// in `plan`); a version that does not parse stops the sync, naming it.
fn merge_states(
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
fn same_but_ids(a: &[u8], b: &[u8]) -> bool {
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
fn one_record(a: &[u8], b: &[u8]) -> bool {
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
fn same_making(a: &[u8], b: &[u8]) -> bool {
    let (Ok(a), Ok(b)) = (from_yaml::<Value>(a), from_yaml::<Value>(b)) else { return false };
    let made = |v: &Value| -> Option<(Value, Value)> {
        ["opened", "created", "received"].iter().find_map(|k| {
            let at = v.get(format!("{k}_at").as_str()).filter(|at| !at.is_null())?;
            Some((at.clone(), v.get(format!("{k}_by").as_str()).cloned().unwrap_or(Value::Null)))
        })
    };
    made(&a).is_some_and(|m| Some(m) == made(&b))
}

/// The attachments (repository paths) this clone stored since the common ancestor that
/// meet one of the remote's under their name — where they go (under the new number of a
/// record renumbered or folded into the remote's) — with other bytes, or under a name that
/// differs only in case (one file on Windows and macOS), each with the next name free on
/// both sides for this clone's (found by real-mail attacks: a reply's photo was dropped for
/// another's of the same name, and `FOTO.JPG` beside `foto.jpg` stopped every other sync).
fn attachment_collisions(
    repo: &Repo,
    prefix: &Path,
    base: Option<&str>,
    [ours, theirs]: [&str; 2],
    ours_changed: &BTreeSet<PathBuf>,
    ids: &[(String, String, PathBuf)],
) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut new_here = Vec::new();
    for path in ours_changed {
        let rel = path.strip_prefix(prefix).unwrap_or(path);
        let in_attachments = rel.iter().count() == 3 && rel.starts_with(crate::desk::ATTACHMENTS_DIR);
        if in_attachments && new_since(repo, base, path)? {
            new_here.push((path, attachment_moved(prefix, path, ids).unwrap_or_else(|| path.clone())));
        }
    }
    // Where this clone's other files go: no free name is one of them (found by a review: a
    // folded request's `foto-2.jpg` overwrote the `foto.jpg` renamed so).
    let arriving: HashSet<String> = new_here.iter().map(|(_, dest)| case_folded(&dest.to_string_lossy())).collect();
    for (path, dest) in new_here {
        let Some(o) = repo.file_at(ours, path)? else { continue };
        let (Some(folder), Some(name)) = (dest.parent(), dest.file_name().and_then(|n| n.to_str())) else { continue };
        let folder_rel = folder.strip_prefix(prefix).unwrap_or(folder);
        let there = repo.names_at(theirs, folder_rel)?;
        let mut clash = false;
        for other in there.iter().filter(|n| case_folded(n) == case_folded(name)) {
            clash |= other != name || repo.file_at(theirs, &dest)?.as_ref() != Some(&o);
        }
        if !clash {
            continue;
        }
        let (stem, ext) = match name.rsplit_once('.') {
            Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
            _ => (name, String::new()),
        };
        // `message-2` goes on as `message-3`, not `message-2-2`.
        let stem = match stem.rsplit_once('-') {
            Some((s, n)) if !s.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => s,
            _ => stem,
        };
        let taken: HashSet<String> =
            there.iter().chain(&repo.names_at(ours, folder_rel)?).map(|n| case_folded(n)).collect();
        let mut n = 2;
        let free = loop {
            let candidate = dest.with_file_name(format!("{stem}-{n}{ext}"));
            let lower = case_folded(&format!("{stem}-{n}{ext}"));
            let whole = case_folded(&candidate.to_string_lossy());
            let planned =
                arriving.contains(&whole) || found.iter().any(|(_, new)| case_folded(&new.to_string_lossy()) == whole);
            if !taken.contains(&lower) && !planned {
                break candidate;
            }
            n += 1;
        };
        found.push((path.clone(), free));
    }
    Ok(found)
}

/// The requests both clones imported from one e-mail under different numbers (each had
/// numbered other requests meanwhile), neither promoted: this clone's new request and the
/// remote's, into which it is folded (found by a real-mail attack: one message became two
/// requests, each to be promoted). One imported under one number on both merges there.
fn folded_requests(
    repo: &Repo,
    prefix: &Path,
    base: Option<&str>,
    [ours, theirs]: [&str; 2],
    ours_changed: &BTreeSet<PathBuf>,
    theirs_changed: &[PathBuf],
) -> Result<Vec<(PathBuf, PathBuf)>> {
    let request = |p: &Path| p.strip_prefix(prefix).ok().and_then(Desk::kind_of_path) == Some(Kind::Request);
    let mut new_there = Vec::new();
    for path in theirs_changed.iter().filter(|p| request(p)) {
        if let (true, Some(t)) = (new_since(repo, base, path)?, repo.file_at(theirs, path)?) {
            new_there.push((path, t));
        }
    }
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    if new_there.is_empty() {
        return Ok(found);
    }
    for path in ours_changed.iter().filter(|p| request(p)) {
        let (true, Some(o)) = (new_since(repo, base, path)?, repo.file_at(ours, path)?) else { continue };
        if repo.file_at(theirs, path)?.is_some_and(|t| same_message(&o.bytes, &t.bytes)) {
            continue;
        }
        let there = new_there
            .iter()
            .find(|(p, t)| *p != path && same_message(&o.bytes, &t.bytes) && !found.iter().any(|(_, to)| to == *p));
        if let Some((to, _)) = there {
            found.push((path.clone(), (*to).clone()));
        }
    }
    Ok(found)
}

/// Where an attachment this clone stored for a record it renumbers goes: under the
/// record's new number (`attachments/<id>/<file>`); `None` for any other path.
fn attachment_moved(prefix: &Path, path: &Path, ids: &[(String, String, PathBuf)]) -> Option<PathBuf> {
    let rel = path.strip_prefix(prefix).ok()?.to_string_lossy().replace('\\', "/");
    let dir = |id: &str| format!("attachments/{id}/");
    let (old, new, _) = ids.iter().find(|(old, _, _)| rel.starts_with(&dir(old)))?;
    Some(prefix.join(rel.replacen(&dir(old), &dir(new), 1)))
}

/// The records both clones created under the same number since the common ancestor
/// (ours is unpublished: the remote has its own record there).
fn collisions(
    repo: &Repo,
    prefix: &Path,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    ours_changed: &BTreeSet<PathBuf>,
    theirs_changed: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in theirs_changed.iter().filter(|p| ours_changed.contains(*p)) {
        let numbered = path.strip_prefix(prefix).ok().and_then(Desk::kind_of_path).is_some_and(|k| k.is_numbered());
        if !numbered || !new_since(repo, base, path)? {
            continue;
        }
        let (o, t) = (repo.file_at(ours, path)?, repo.file_at(theirs, path)?);
        if let (Some(o), Some(t)) = (o, t) {
            // One e-mail imported on both clones is one request (merged in plan_merge).
            let one_message = Desk::kind_of_path(path.strip_prefix(prefix).unwrap_or(path)) == Some(Kind::Request)
                && same_message(&o.bytes, &t.bytes);
            if o != t && !one_message {
                found.push(path.clone());
            }
        }
    }
    // A fiscal number is one whatever the prefix it was written with (tkt.toml changed the
    // kind's prefix, and a clone issued under the former one): FT-2026-0007 there and
    // INV-2026-0007 here, in one folder, collide as one path would.
    let fiscal_added =
        |changed: &mut dyn Iterator<Item = &PathBuf>, side: &str| -> Result<Vec<(PathBuf, SequenceId)>> {
            let mut added = Vec::new();
            for path in changed {
                let rel = path.strip_prefix(prefix).unwrap_or(path);
                let fiscal = fiscal_path(rel);
                let Some(id) = rel.file_stem().and_then(|s| s.to_str()).and_then(SequenceId::parse).filter(|_| fiscal)
                else {
                    continue;
                };
                let new = new_since(repo, base, path)?;
                if new && repo.file_at(side, path)?.is_some() {
                    added.push((path.clone(), id));
                }
            }
            Ok(added)
        };
    let theirs_added = fiscal_added(&mut theirs_changed.iter(), theirs)?;
    for (path, id) in fiscal_added(&mut ours_changed.iter(), ours)? {
        let same_number = theirs_added.iter().any(|(p, t)| {
            p.parent() == path.parent()
                && t.prefix != id.prefix
                && (t.year, t.seq, &t.series) == (id.year, id.seq, &id.series)
        });
        if same_number && !found.contains(&path) {
            found.push(path);
        }
    }
    Ok(found)
}

/// Refuses to merge a remote whose history shares no commit with this clone's (it was made
/// anew: `rm -rf .git && git init`) when both have a fiscal document under one number:
/// which stands is for a person, and `--resolve` cannot take back what was published.
fn refuse_unrelated_fiscal(prefix: &Path, collisions: &[PathBuf]) -> Result<()> {
    let fiscal: Vec<String> = collisions
        .iter()
        .filter(|p| p.strip_prefix(prefix).is_ok_and(fiscal_path))
        .map(|p| format!("  {}", p.display()))
        .collect();
    if fiscal.is_empty() {
        return Ok(());
    }
    Err(Error::busy(format!(
        "the remote's history shares no commit with this clone's (made anew, as by `git init`), and both have \
         other fiscal documents under these numbers; nothing was merged:\n{}",
        fiscal.join("\n")
    ))
    .with_hint(
        "this needs a person: settle which history stands (`git log origin/main` shows the remote's), then make this \
         clone's history hold it (`git branch keep`, then `git reset --hard origin/main`) and record what only this \
         clone had again by hand",
    ))
}

/// Gives this clone's colliding records the next free numbers: (old id, new id, new
/// repository path) for each, in order. A fiscal document is never renumbered.
fn new_numbers(
    desk: &Desk,
    prefix: &Path,
    theirs_changed: &[PathBuf],
    collisions: &[PathBuf],
    ever: &dyn Fn(&Path) -> Result<HashSet<String>>,
) -> Result<Vec<(String, String, PathBuf)>> {
    let mut ids = Vec::new();
    let taken: BTreeSet<PathBuf> = theirs_changed.iter().cloned().collect();
    // The last number used in each folder, per prefix, year and series: the folder is read
    // once, then each new number follows the last.
    let mut last: BTreeMap<(PathBuf, String, Option<i32>, Option<String>), u32> = BTreeMap::new();
    for path in collisions {
        let rel = path.strip_prefix(prefix).unwrap_or(path);
        let Some(kind) = Desk::kind_of_path(rel) else { continue };
        if let Kind::Document(d) = kind {
            if d.is_fiscal() {
                return Err(Error::busy(format!(
                    "{} was issued both here and on the remote with the same number",
                    rel.display()
                ))
                .with_hint(
                    "fiscal numbers are never renumbered: nothing was merged. Yours never reached the remote, so it \
                     was never issued: `tkt sync --resolve` takes it back, syncs, and issues it again under the next \
                     free number; give each clone its own series to issue offline",
                ));
            }
        }
        let old = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let mut seq = SequenceId::parse(&old).ok_or_else(|| Error::failure(format!("{old}: not a numbered id")))?;
        let folder = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        let key = (folder.clone(), seq.prefix.clone(), seq.year, seq.series.clone());
        let used = match last.get(&key) {
            Some(n) => *n,
            None => std::fs::read_dir(desk.abs(&folder))
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .filter_map(|e| e.file_name().to_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
                .into_iter()
                .chain(ever(&folder)?)
                .map(|n| folder.join(n))
                .chain(taken.iter().filter_map(|p| p.strip_prefix(prefix).ok().map(Path::to_path_buf)))
                .filter(|p| p.parent() == Some(folder.as_path()))
                .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).and_then(SequenceId::parse))
                .filter(|s| s.prefix == seq.prefix && s.year == seq.year && s.series == seq.series)
                .map(|s| s.seq)
                .max()
                .unwrap_or(0),
        };
        seq.seq = used + 1;
        last.insert(key, seq.seq);
        let new = seq.to_string();
        let new_path = prefix.join(kind.path_for(&new)?);
        ids.push((old, new, new_path));
    }
    Ok(ids)
}

/// The documents taken back to be issued again name this clone's records as they were
/// numbered: their links follow the renumbering, or an invoice would be dropped as billing
/// the office's work, and a DDT issued again on the office's ticket.
fn follow_in_taken_back(desk: &Desk, pairs: &HashMap<String, String>) -> Result<()> {
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
    for path in repo.changed_paths(Some(&theirs), &head)? {
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
fn relog_written_again(desk: &Desk, repo: &Repo, paths: &[PathBuf]) -> Result<()> {
    desk.relog_from_history(&repo.in_desk(paths))
}

/// A record's content with renumbered ids replaced, or `None` when it names none of them
/// (or is no record).
///
/// `texts`: whether a line's text follows too. A document exported as an e-invoice keeps
/// its lines' text, which its file holds (and SDI may have), in every version: only its
/// links follow ([`exported`]; a review: a delivered invoice's line came to name another
/// customer's report, and its file could not be made again the same).
fn rewritten(
    prefix: &Path,
    path: &Path,
    state: &FileState,
    pairs: &HashMap<String, String>,
    texts: bool,
) -> Result<Option<FileState>> {
    if path.strip_prefix(prefix).ok().and_then(Desk::kind_of_path).is_none() {
        return Ok(None);
    }
    let Ok(mut value) = from_yaml::<Value>(&state.bytes) else { return Ok(None) };
    if !rewrite_ids(&mut value, pairs, texts) {
        return Ok(None);
    }
    Ok(Some(FileState { bytes: written_again(&state.bytes, &value)?.into_bytes(), executable: false }))
}

/// This clone's own record written again as `value`: the comments of its text `old` stay
/// (found by a review).
fn written_again(old: &[u8], value: &Value) -> Result<String> {
    let text = crate::desk::yaml_text(value).map_err(|e| Error::failure(e.to_string()))?;
    Ok(crate::desk::keep_comments(&String::from_utf8_lossy(old), &text))
}

/// Whether a record was exported as an e-invoice: its lines' text is its file's.
fn exported(state: &FileState) -> bool {
    from_yaml::<Value>(&state.bytes).is_ok_and(|v| v.get(EINVOICE).is_some())
}

/// Of `paths`, those exported as e-invoices at `tip` (their text stays in every version).
fn exported_at(repo: &Repo, tip: &str, paths: &[PathBuf]) -> Result<HashSet<PathBuf>> {
    let mut found = HashSet::new();
    for path in paths {
        if repo.file_at(tip, path)?.is_some_and(|s| exported(&s)) {
            found.insert(path.clone());
        }
    }
    Ok(found)
}

/// The old ids of renumbered records, and the old paths of attachments moved, with what
/// replaces each in this clone's records.
fn rewrites(ids: &[(String, String, PathBuf)], moved: &[(String, String)]) -> HashMap<String, String> {
    ids.iter().map(|(o, n, _)| (o.clone(), n.clone())).chain(moved.iter().cloned()).collect()
}

/// Replaces old ids (and attachment paths under them) and moved attachments' paths in
/// every string of a value, and in a line's text when `texts`.
fn rewrite_ids(value: &mut Value, ids: &HashMap<String, String>, texts: bool) -> bool {
    match value {
        Value::String(s) => {
            if let Some(new) = ids.get(s.as_str()) {
                *s = new.to_string();
                return true;
            }
            let Some(rest) = s.strip_prefix("attachments/") else { return false };
            let Some((old, file)) = rest.split_once('/') else { return false };
            match ids.get(old) {
                Some(new) => {
                    *s = format!("attachments/{new}/{file}");
                    true
                }
                None => false,
            }
        }
        // Every element is visited: no short-circuit.
        Value::Sequence(items) => items.iter_mut().map(|v| rewrite_ids(v, ids, texts)).fold(false, |a, b| a | b),
        Value::Mapping(map) => map
            .iter_mut()
            .map(|(key, v)| match (key.as_str(), v) {
                // A line's text names what it bills ("Manodopera (WR-2026-0009 2026-11-29)").
                (Some("description"), Value::String(text)) => texts && rewrite_ids_in_text(text, ids),
                (_, v) => rewrite_ids(v, ids, texts),
            })
            .fold(false, |a, b| a | b),
        _ => false,
    }
}

/// Replaces each old id standing as a word of `text` (not part of a longer id: neither
/// `T-2026-00051` nor `INV-2026-0005-MR` is `T-2026-0005` or `INV-2026-0005`).
fn rewrite_ids_in_text(text: &mut String, ids: &HashMap<String, String>) -> bool {
    let in_id = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let mut changed = false;
    for (old, new) in ids {
        let mut from = 0;
        while let Some(at) = text[from..].find(old.as_str()).map(|i| i + from) {
            let end = at + old.len();
            let alone = !text[..at].ends_with(in_id) && !text[end..].starts_with(in_id);
            if alone {
                text.replace_range(at..end, new);
                changed = true;
                from = at + new.len();
            } else {
                from = end;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by a review: any pattern with a wildcard counted (`*.csproj merge=union` in
    /// the repository around a desk stopped the team), and the order of the lines did not.
    #[test]
    fn only_a_merge_driver_that_wins_over_tkts_on_records_is_refused() {
        let refused = |text: &str| refused_attributes(text, None, &[]).is_some();
        assert!(refused("*.yaml merge=tkt\n*.yaml merge=union\n"));
        assert!(!refused("*.yaml merge=union\n*.yaml merge=tkt\n"));
        assert!(!refused("*.yaml merge=tkt\n*.csproj merge=union\n*.pbxproj -merge\n"));
        assert!(refused("*.yaml merge=tkt\n*.yaml binary\n"));
        assert!(refused("[attr]mio merge=union\n*.yaml merge=tkt\ntickets/*.yaml mio\n"));
        assert!(refused("*.yaml merge=tkt\ntickets/** -merge\n"));
        assert!(refused("*.yaml merge=tkt\nT-[0-9]*.yaml merge=ours\n"));
        // Found by a hostile-remote attack: patterns that named none of a few sample names.
        assert!(refused("*.yaml merge=tkt\n*[02-7].yaml merge=union\n"));
        assert!(refused("*.yaml merge=tkt\n*[A-Z].yaml merge=union\n"));
        // Quoted, a class by its name, another case (a review).
        assert!(refused("*.yaml merge=tkt\n\"*.yaml\" merge=union\n"));
        assert!(refused("*.yaml merge=tkt\n*[[:digit:]].yaml merge=union\n"));
        assert!(refused("*.yaml merge=tkt\n*.YAML merge=union\n"));
        assert!(refused("*.yaml merge=tkt\n*-MR.yaml merge=union\n"));
        assert!(!refused("*.yaml merge=tkt\nweb/form-config.yaml merge=union\n"));
        assert!(refused("*.yaml merge=tkt\ndocuments/invoice/*-MR.yaml merge=union\n"));
        assert!(refused("*.yaml merge=tkt\n\"*.ya\\155l\" merge=union\n"));
        assert!(!refused("*.yaml merge=tkt\n*.md merge=union\n\"*.csproj\" merge=union\n"));
        let exact = "*.yaml merge=tkt\ntickets/2026/T-2026-0912.yaml merge=union\n";
        assert!(refused_attributes(exact, None, &["T-2026-0912.yaml".to_string()]).is_some());
        // In the repository around the desk, the desk's own file (tkt's line) wins.
        assert!(refused_attributes("*.yaml merge=union\n", Some(Path::new("desk")), &[]).is_none());
    }

    #[test]
    fn incoming_paths_outside_the_desk_or_into_git_are_refused() {
        let ok = |p: &str, prefix: &str| refused_path(Path::new(p), Path::new(prefix), EntryKind::File);
        for bad in ["/etc/passwd", "a//b", "./tkt.toml", "x/../y", ".git/config", ".Git./hooks/x", "w/.GIT /x"] {
            assert!(ok(bad, "").is_some(), "{bad}");
        }
        assert_eq!(ok(".TKT/settings.toml", ""), Some(".tkt/ is local to each clone and never shared"));
        assert_eq!(ok("desk/notes.txt", "desk"), Some("not part of a desk's layout"));
        assert_eq!(ok("web/page.html", "desk"), None, "outside the desk: the bigger repository's own");
        for good in ["tkt.toml", "tickets/2026/T-2026-0001.yaml", "attachments/R-2026-0002/a.pdf", "templates/x/y.html"]
        {
            assert_eq!(ok(good, ""), None, "{good}");
        }
        assert_eq!(ok("tickets/26/T-2026-0001.yaml", ""), Some("not part of a desk's layout"));
        let link = refused_path(Path::new("customers/C-0001.yaml"), Path::new(""), EntryKind::Link);
        assert_eq!(link, Some("a symbolic link"));
        // What no file system holds (found by a remote attack: a raw OS error, exit 1).
        let long = format!("attachments/R-2026-0002/{}.pdf", "a".repeat(252));
        assert!(ok(&long, "").is_some_and(|why| why.contains("255 bytes a name")));
        assert_eq!(ok(&format!("src/{}Main.java", "d/".repeat(40)), "desk"), None, "outside the desk");
        assert_eq!(ok(&format!("attachments/R-2026-0002/{}.pdf", "a".repeat(251)), ""), None);
        assert!(ok(&format!("web/{}x.html", "d/".repeat(40)), "").is_some());
        let named = named(Path::new(&long));
        assert!(named.chars().count() <= 111 && named.ends_with("aaaa.pdf"), "{named}");
    }

    #[test]
    fn attributes_are_refused_only_where_they_reach_the_desk() {
        let encoding = "*.cgi working-tree-encoding=UTF-16LE\n";
        assert!(refused_attributes(encoding, None, &[]).is_some(), "in the desk, every line counts");
        let around = |text: &str| refused_attributes(text, Some(Path::new("desk")), &[]);
        assert!(around(encoding).is_some(), "a pattern without a folder reaches into the desk");
        assert!(around("desk/tickets/** working-tree-encoding=UTF-16LE\n").is_some());
        assert!(around("*/tickets/** filter=x\n").is_some());
        // Found by a review of this check: git reads C-quoted patterns, and may ignore case.
        assert!(around("\"desk/tickets/**\" working-tree-encoding=UTF-16\n").is_some());
        assert!(around("DESK/** filter=x\n").is_some());
        assert_eq!(around("# desk/* filter=x\nassets/*.psd filter=lfs diff=lfs merge=lfs -text\n"), None);
        assert_eq!(around("/docs/manual.pdf filter=lfs\n"), None);
    }
}
