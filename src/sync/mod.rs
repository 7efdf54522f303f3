//! Team sync through a git remote (DESIGN §7): commit valid hand edits, fetch, merge record
//! by record, renumber ids both clones created, push, and retry when someone pushed
//! meanwhile. Network transport runs the user's `git`; everything local uses git2.

pub mod merge;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::desk::{Desk, ATTACHMENTS_DIR};
use crate::git::{fetch, push, Author, FileState, Pushed, Repo};
use crate::model::{from_yaml, Kind, SequenceId};
use crate::{Error, Result};

use merge::{merge_record, Side};

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
        for path in &self.kept {
            parts.push(format!("{} deleted on one side and changed on the other: kept", path.display()));
        }
        parts.join("; ")
    }
}

pub struct SyncOptions<'a> {
    pub remote: Option<&'a str>,
    /// Someone is at a terminal (ssh may ask for a passphrase).
    pub interactive: bool,
}

/// Syncs the desk with its remote: hand edits, fetch, merge, push, retried when someone
/// pushed meanwhile.
pub fn sync(desk: &Desk, author: &Author, opts: &SyncOptions) -> Result<SyncReport> {
    let repo = repo_of(desk)?;
    let hand_edits = commit_hand_edits(desk, repo, author)?;
    let (remote, branch) = remote_of(repo, opts.remote)?;
    let mut report = SyncReport { hand_edits, remote: remote.clone(), ..Default::default() };
    for _ in 0..PUSH_ATTEMPTS {
        let theirs = pull_into(desk, repo, author, &remote, &branch, opts.interactive, &mut report)?;
        let head = repo.head()?;
        if head.is_none() || head == theirs {
            return Ok(report);
        }
        let ahead = repo.count_commits(theirs.as_deref(), head.as_deref().unwrap_or_default())?;
        match push(repo.workdir(), &remote, &branch, opts.interactive)? {
            Pushed::Done => {
                report.went_out = ahead;
                return Ok(report);
            }
            Pushed::Rejected => continue,
        }
    }
    Err(Error::busy(format!("{remote} kept moving: the push was rejected {PUSH_ATTEMPTS} times"))
        .with_hint("run tkt sync again; everything is committed locally"))
}

/// Fetches and merges the remote into the desk, without pushing.
pub fn pull(desk: &Desk, author: &Author, opts: &SyncOptions) -> Result<SyncReport> {
    let repo = repo_of(desk)?;
    let (remote, branch) = remote_of(repo, opts.remote)?;
    let mut report = SyncReport { remote: remote.clone(), ..Default::default() };
    pull_into(desk, repo, author, &remote, &branch, opts.interactive, &mut report)?;
    Ok(report)
}

/// Pushes HEAD to the remote's branch.
pub fn publish(desk: &Desk, opts: &SyncOptions) -> Result<Pushed> {
    let repo = repo_of(desk)?;
    let (remote, branch) = remote_of(repo, opts.remote)?;
    push(repo.workdir(), &remote, &branch, opts.interactive)
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
        Some(r) => r.to_string(),
        None => repo.default_remote(&branch).ok_or_else(|| {
            Error::usage("this desk has no remote to sync with").with_hint("add one: git remote add origin URL")
        })?,
    };
    Ok((remote, branch))
}

/// Fetches, then merges the remote's branch; returns its tip.
fn pull_into(
    desk: &Desk,
    repo: &Repo,
    author: &Author,
    remote: &str,
    branch: &str,
    interactive: bool,
    report: &mut SyncReport,
) -> Result<Option<String>> {
    fetch(repo.workdir(), remote, interactive)?;
    let theirs = repo.remote_tip(remote, branch)?;
    integrate(desk, repo, author, theirs.as_deref(), remote, branch, report)?;
    Ok(theirs)
}

/// Commits hand edits of the desk's files in one commit, after checking every changed
/// record; an invalid one refuses the sync (exit 4) naming the files.
fn commit_hand_edits(desk: &Desk, repo: &Repo, author: &Author) -> Result<Vec<PathBuf>> {
    let prefix = repo.desk_prefix().to_path_buf();
    let mut changed = Vec::new();
    let mut invalid = Vec::new();
    for (path, deleted) in repo.uncommitted()? {
        let Ok(rel) = path.strip_prefix(&prefix) else { continue };
        // Records and the desk's own files; anything else (a printed page saved in the
        // desk, say) is the user's business.
        let desk_file = Desk::kind_of_path(rel).is_some()
            || [ATTACHMENTS_DIR, "templates"].iter().any(|d| rel.starts_with(d))
            || [crate::model::CONFIG_FILE, ".gitattributes", ".gitignore"].iter().any(|f| rel == Path::new(f));
        if !desk_file {
            continue;
        }
        if !deleted {
            let text =
                std::fs::read(desk.abs(rel)).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
            if let Err(e) = Desk::check_record_text(rel, &text) {
                invalid.push(e.to_string());
            }
        }
        changed.push(rel.to_path_buf());
    }
    if !invalid.is_empty() {
        return Err(Error::refused(format!("hand edits that are not valid records:\n  {}", invalid.join("\n  ")))
            .with_hint("fix them (tkt check shows the same), then run tkt sync again"));
    }
    if !changed.is_empty() {
        let list: Vec<String> = changed.iter().map(|p| format!("  {}", p.display())).collect();
        desk.commit(&changed, &format!("tkt: hand edits\n\n{}", list.join("\n")), author)?;
    }
    Ok(changed)
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
    let plan = plan_merge(desk, repo, base.as_deref(), &ours, theirs, &author.when.to_rfc3339())?;
    refuse_dirty(repo, &plan.files.keys().cloned().collect::<Vec<_>>())?;
    let mut message = format!("tkt sync: merge {remote}/{branch}");
    let mut body = Vec::new();
    for (old, new) in &plan.renumbered {
        body.push(format!("{old} is now {new}"));
    }
    for (path, fields) in &plan.conflicts {
        body.push(format!("conflict in {}: {}", path.display(), fields.join(", ")));
    }
    if !body.is_empty() {
        message = format!("{message}\n\n{}", body.join("\n"));
    }
    let files: Vec<(PathBuf, Option<FileState>)> = plan.files.into_iter().collect();
    report.came_in += repo.count_commits(Some(&ours), theirs)?;
    desk.note_writes(&repo.in_desk(&files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>()))?;
    repo.write_merge(&ours, theirs, &files, &message, author)?;
    desk.writes_committed()?;
    report.renumbered.extend(plan.renumbered);
    report.conflicts.extend(plan.conflicts);
    report.kept.extend(plan.kept);
    Ok(())
}

/// Refuses to overwrite files the user changed and did not commit (outside the desk).
fn refuse_dirty(repo: &Repo, paths: &[PathBuf]) -> Result<()> {
    let dirty: Vec<PathBuf> = repo.uncommitted()?.into_iter().map(|(p, _)| p).filter(|p| paths.contains(p)).collect();
    if dirty.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = dirty.iter().map(|p| p.display().to_string()).collect();
    Err(Error::busy(format!("the remote changed files you have changed and not committed: {}", list.join(", ")))
        .with_hint("commit or stash them, then run tkt sync again"))
}

/// The files a merge writes (repository paths), and what it has to say.
struct MergePlan {
    files: BTreeMap<PathBuf, Option<FileState>>,
    renumbered: Vec<(String, String)>,
    conflicts: Vec<(PathBuf, Vec<String>)>,
    kept: Vec<PathBuf>,
}

fn plan_merge(desk: &Desk, repo: &Repo, base: Option<&str>, ours: &str, theirs: &str, now: &str) -> Result<MergePlan> {
    let prefix = repo.desk_prefix().to_path_buf();
    let ours_changed: BTreeSet<PathBuf> = repo.changed_paths(base, ours)?.into_iter().collect();
    let theirs_changed: Vec<PathBuf> = repo.changed_paths(base, theirs)?;
    let mut plan = MergePlan { files: BTreeMap::new(), renumbered: vec![], conflicts: vec![], kept: vec![] };
    let mut collisions: Vec<PathBuf> = Vec::new();
    for path in &theirs_changed {
        let t = repo.file_at(theirs, path)?;
        if !ours_changed.contains(path) {
            plan.files.insert(path.clone(), t);
            continue;
        }
        let o = repo.file_at(ours, path)?;
        if o == t {
            continue;
        }
        let b = match base {
            Some(c) => repo.file_at(c, path)?,
            None => None,
        };
        let rel = path.strip_prefix(&prefix).ok().map(Path::to_path_buf);
        let kind = rel.as_deref().and_then(Desk::kind_of_path);
        let (Some(rel), Some(kind)) = (rel, kind) else {
            return Err(Error::busy(format!("{} was changed both here and on the remote", path.display()))
                .with_hint("it is not a tkt record: merge it with git (git merge), then run tkt sync again"));
        };
        match (&b, &o, &t) {
            (None, Some(_), Some(_)) if kind.is_numbered() => collisions.push(path.clone()),
            (_, None, Some(_)) | (_, Some(_), None) => {
                plan.kept.push(rel);
                if o.is_none() {
                    plan.files.insert(path.clone(), t);
                }
            }
            (_, Some(o), Some(t)) => {
                let parse = |s: &FileState, side: &str| -> Result<Value> {
                    from_yaml(&s.bytes).map_err(|e| {
                        Error::busy(format!("{} does not parse on the {side} side: {e}", rel.display())).with_hint(
                            "nothing was merged or lost; fix the file (tkt check), commit, and run tkt sync again",
                        )
                    })
                };
                let base_value = b.as_ref().map(|b| parse(b, "common")).transpose()?;
                let (ov, tv) = (parse(o, "local")?, parse(t, "remote")?);
                let side = |tip: &str| -> Result<Side> {
                    Ok(repo
                        .last_change(base, tip, path)?
                        .map(|(by, at)| Side { by: Some(by), at: Some(at) })
                        .unwrap_or_default())
                };
                let merged = merge_record(base_value.as_ref(), &ov, &tv, [&side(ours)?, &side(theirs)?], now);
                if !merged.conflicts.is_empty() {
                    plan.conflicts.push((rel.clone(), merged.conflicts.clone()));
                }
                let text = serde_yaml::to_string(&merged.value).map_err(|e| Error::failure(e.to_string()))?;
                plan.files.insert(path.clone(), Some(FileState { bytes: text.into_bytes(), executable: false }));
            }
            (_, None, None) => {}
        }
    }
    if !collisions.is_empty() {
        renumber(desk, repo, &prefix, ours, theirs, &ours_changed, &theirs_changed, &collisions, &mut plan)?;
    }
    Ok(plan)
}

/// Gives this clone's colliding records the next free numbers and rewrites every
/// reference to them in the records this clone has not published yet.
#[allow(clippy::too_many_arguments)]
fn renumber(
    desk: &Desk,
    repo: &Repo,
    prefix: &Path,
    ours: &str,
    theirs: &str,
    ours_changed: &BTreeSet<PathBuf>,
    theirs_changed: &[PathBuf],
    collisions: &[PathBuf],
    plan: &mut MergePlan,
) -> Result<()> {
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut taken: BTreeSet<PathBuf> = theirs_changed.iter().cloned().collect();
    for path in collisions {
        let rel = path.strip_prefix(prefix).unwrap_or(path);
        let kind = Desk::kind_of_path(rel).expect("collisions are records");
        if let Kind::Document(d) = kind {
            if d.is_fiscal() {
                return Err(Error::busy(format!(
                    "{} was issued both here and on the remote with the same number",
                    rel.display()
                ))
                .with_hint(
                    "fiscal numbers are never renumbered: nothing was merged; decide which document keeps the number \
                     (cancel the other with a credit note), or give each clone its own series",
                ));
            }
        }
        let old = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let mut seq = SequenceId::parse(&old).ok_or_else(|| Error::failure(format!("{old}: not a numbered id")))?;
        let folder = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        let used: u32 = std::fs::read_dir(desk.abs(&folder))
            .map(|rd| {
                rd.filter_map(|e| e.ok()).filter_map(|e| e.file_name().to_str().map(str::to_string)).collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .map(|n| folder.join(n))
            .chain(taken.iter().filter_map(|p| p.strip_prefix(prefix).ok().map(Path::to_path_buf)))
            .filter(|p| p.parent() == Some(folder.as_path()))
            .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).and_then(SequenceId::parse))
            .filter(|s| s.prefix == seq.prefix && s.year == seq.year && s.series == seq.series)
            .map(|s| s.seq)
            .max()
            .unwrap_or(0);
        seq.seq = used + 1;
        let new = seq.to_string();
        let new_rel = kind.path_for(&new)?;
        taken.insert(prefix.join(&new_rel));
        // The remote's record keeps the path; ours moves to the new one.
        plan.files.insert(path.clone(), repo.file_at(theirs, path)?);
        plan.files.insert(prefix.join(&new_rel), repo.file_at(ours, path)?);
        ids.push((old, new));
    }
    // Rewrite references in every file this clone changed (and the moved records).
    let attach_dir = |id: &str| format!("attachments/{id}/");
    let mut touched: Vec<PathBuf> = ours_changed.iter().cloned().collect();
    touched.extend(plan.files.keys().cloned());
    touched.sort();
    touched.dedup();
    for path in touched {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        // Attachments this clone stored for a renumbered record move with it.
        if let Some((old, new)) = ids.iter().find(|(old, _)| rel_str.starts_with(&attach_dir(old))) {
            if ours_changed.contains(&path) && !theirs_changed.contains(&path) {
                let moved = prefix.join(rel_str.replacen(&attach_dir(old), &attach_dir(new), 1));
                plan.files.insert(moved, repo.file_at(ours, &path)?);
                plan.files.insert(path.clone(), None);
            }
            continue;
        }
        if Desk::kind_of_path(rel).is_none() {
            continue;
        }
        let current = match plan.files.get(&path) {
            Some(state) => state.clone(),
            None => repo.file_at(ours, &path)?,
        };
        // The remote's own records are published: they are never rewritten.
        if collisions.contains(&path) {
            continue;
        }
        let Some(state) = current else { continue };
        let Ok(mut value) = from_yaml::<Value>(&state.bytes) else { continue };
        if rewrite_ids(&mut value, &ids) {
            let text = serde_yaml::to_string(&value).map_err(|e| Error::failure(e.to_string()))?;
            plan.files.insert(path.clone(), Some(FileState { bytes: text.into_bytes(), executable: false }));
        }
    }
    plan.renumbered.extend(ids);
    Ok(())
}

/// Replaces old ids (and attachment paths under them) in every string of a value.
fn rewrite_ids(value: &mut Value, ids: &[(String, String)]) -> bool {
    match value {
        Value::String(s) => {
            for (old, new) in ids {
                if s == old {
                    *s = new.clone();
                    return true;
                }
                let dir = format!("attachments/{old}/");
                if s.starts_with(&dir) {
                    *s = s.replacen(&dir, &format!("attachments/{new}/"), 1);
                    return true;
                }
            }
            false
        }
        // Every element is visited: no short-circuit.
        Value::Sequence(items) => items.iter_mut().map(|v| rewrite_ids(v, ids)).fold(false, |a, b| a | b),
        Value::Mapping(map) => map.iter_mut().map(|(_, v)| rewrite_ids(v, ids)).fold(false, |a, b| a | b),
        _ => false,
    }
}
