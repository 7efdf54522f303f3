//! Team sync through a git remote (DESIGN §7): commit valid hand edits, fetch, merge record
//! by record, renumber ids both clones created, push, and retry when someone pushed
//! meanwhile. Network transport runs the user's `git`; everything local uses git2.
//!
//! The flow is here; each step has its file: [`hand_edits`] finds what to commit first,
//! [`incoming`] checks what the remote brings, [`outgoing`] what this clone would publish,
//! [`integrate`] merges record by record ([`merge`] field by field), [`renumber`] gives
//! records both clones created new numbers, and [`taken_back`] settles fiscal documents
//! both clones issued under one number.

mod hand_edits;
mod incoming;
mod integrate;
mod layout;
pub mod merge;
mod outgoing;
mod renumber;
mod taken_back;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::desk::{decode_text, parse_record, read_text, Desk, LOCAL_DIR};
use crate::files::case_folded;
use crate::git::{fetch, push, Author, EntryKind, FileState, Pushed, Repo};
use crate::model::{from_yaml, issued_fields_changed, Document, Kind, SequenceId, EINVOICE};
use crate::{Error, Result};

use merge::{merge_record, Merged, Side};

pub(crate) use hand_edits::*;
pub(crate) use incoming::*;
pub use integrate::*;
use layout::*;
pub(crate) use outgoing::*;
use renumber::*;
pub use taken_back::*;

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
    let mut tip = repo.remote_tip(&remote, &branch)?;
    refuse_side_branch(repo, &remote, &branch, tip.as_deref())?;
    // The remote's tip as it merges: upgraded here when its clone was not (pushed then).
    let mut theirs = upgraded_tip(repo, repo.head()?.as_deref(), tip.clone(), author)?;
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
            tip = repo.remote_tip(&remote, &branch)?;
            theirs = upgraded_tip(repo, repo.head()?.as_deref(), tip.clone(), author)?;
        }
        integrate(desk, repo, author, theirs.as_deref(), &remote, &branch, &mut report)?;
        settle_closed_going_out(desk, repo, author, theirs.as_deref())?;
        let head = repo.head()?;
        if head.is_none() || head == tip {
            return Ok(report);
        }
        let ahead = repo.count_commits(tip.as_deref(), head.as_deref().unwrap_or_default())?;
        refuse_naming_taken_back(desk, repo, tip.as_deref(), head.as_deref().unwrap_or_default())?;
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
    let base = merge_base(repo, ours, theirs)?;
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
            let (Some(dir), Some(id)) = (crate::model::year_folder(&rel), rel.file_stem().and_then(|s| s.to_str()))
            else {
                continue;
            };
            let logged = logs.entry(dir.clone()).or_insert_with(|| desk.issued_blobs(&dir));
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
    // An upgrade's moves name nothing new.
    let published = published.map(|p| upgraded_view(repo, p)).transpose()?;
    for path in repo.changed_paths(published.as_deref(), head)? {
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
        let tip = repo.remote_tip(remote, branch)?;
        refuse_side_branch(repo, remote, branch, tip.as_deref())?;
        let theirs = upgraded_tip(repo, repo.head()?.as_deref(), tip, author)?;
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
