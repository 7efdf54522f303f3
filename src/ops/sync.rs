//! Working as a team: `sync` (hand edits, fetch, record-aware merge, push), the merge
//! driver that lets a plain `git merge` merge records the same way, and its registration.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::desk::{decode_text, parse_record, Desk};
use crate::files::write_atomic;
use crate::model::{DocKind, Document, Instant, Kind};
use crate::rules::unbilled;
use crate::sync::merge::Side;
use crate::sync::{
    check_ready, follow_issued_again, forget_taken_back, issued_again_message, merge_file, names_any, side_of,
    sync as sync_desk, taken_back, taken_back_copy, unpublished_naming, Settled, SyncOptions, SyncReport, TakenBack,
    TAKEN_BACK_DIR,
};
use crate::{Error, Result};

use super::documents::issue;
use super::Env;

/// How git runs the merge driver: this tkt, else the `tkt` on PATH (the binary may have
/// moved since it registered itself), and when neither merges the record, git's own
/// merge of the lines, so that git reports a real conflict with markers — which every tkt
/// read then refuses with how to fix it — and never takes "ours" silently.
const DRIVER_WRAPPER: &str = r#"exe=$1; shift; "$exe" merge-driver "$@" || tkt merge-driver "$@" 2>/dev/null || { git merge-file -L ours -L base -L theirs "$2" "$1" "$3"; exit 1; }"#;

/// The line `.gitattributes` needs for the merge driver.
pub const ATTRIBUTES: &str = "*.yaml merge=tkt";

/// Syncs with `remote` (the branch's upstream, else origin) under the desk's lock. With
/// `resolve`, this clone's fiscal documents whose numbers the remote took meanwhile are
/// taken back before the merge and issued again after it, under the next free numbers.
pub fn sync(env: &Env, remote: Option<&str>, resolve: bool) -> Result<SyncReport> {
    let _lock = env.lock()?;
    let opts = SyncOptions { remote, transport: env.transport, resolve, issue_first: true };
    check_ready(&env.desk, &opts)?;
    let attributes = env.desk.abs(Path::new(".gitattributes"));
    let before = std::fs::read(&attributes).ok();
    let head = |desk: &Desk| desk.repo().map(|r| r.head()).transpose();
    let head_before = head(&env.desk)?;
    // Under the sync's mark: killed while git's config is locked, the next command
    // removes the lock (found by a review: every later sync failed on it).
    let installed = env.desk.syncing(|| install_merge_driver(&env.desk))?;
    let result = sync_desk(&env.desk, &env.author, &opts);
    // A sync refused before it committed leaves the desk as it was, without the line it
    // added either.
    if result.is_err() && installed.is_some() && head(&env.desk)? == head_before {
        match before {
            Some(bytes) => write_atomic(&attributes, &bytes)?,
            None => std::fs::remove_file(&attributes).map_err(|e| Error::io(&attributes, e))?,
        }
    }
    let mut report = result?;
    let mut issued = false;
    // What this sync took back, and what an earlier one took back and could not issue
    // again (it failed or was killed after the take-back): each is kept until issued.
    // Issued again as the desk is now: the merge may have brought a changed tkt.toml.
    let fresh = env.reopened()?;
    // In the order in which documents name each other (DDTs, invoices, credit notes,
    // payments): each issued again before those naming it, which then name its new number.
    let mut waiting = taken_back(&env.desk)?;
    let rank = |id: &str| fresh.desk.doc_kind_of(id).ok().and_then(|k| DocKind::ALL.iter().position(|d| *d == k));
    waiting.sort_by_cached_key(|t| (rank(&t.id), t.id.clone()));
    // Each document issued again is followed at once by this clone's records naming it
    // (the copies still waiting among them), before its copy is forgotten: cut short in
    // between, the next sync still knows the pair (found by a review: a payment went out
    // on the old number).
    let follow = |old: &str, new: &str| -> Result<()> {
        let pair = HashMap::from([(old.to_string(), new.to_string())]);
        for path in follow_issued_again(&env.desk, opts.remote, &pair)? {
            env.say(format!("{}: its links follow {new}, issued again", path.display()));
        }
        Ok(())
    };
    // Taken back and not issued again: what names them waits with them.
    let mut not_issued: Vec<String> = Vec::new();
    for TakenBack { id: old, settled, .. } in waiting {
        if let Some(settled) = settled {
            match settled {
                Settled::IssuedAgainAs(new) => {
                    env.say(format!("{old} taken back and issued again as {new}"));
                    follow(&old, &new)?;
                }
                Settled::StillHere => env.warn(format!(
                    "{old} was not taken back: the sync taking it back was cut short (`tkt sync --resolve` takes it back)"
                )),
            }
            forget_taken_back(&env.desk, &old)?;
            continue;
        }
        let bytes = taken_back_copy(&env.desk, &old)?;
        if let Some(first) = not_issued.iter().find(|n| names_any(&bytes, std::slice::from_ref(n))) {
            env.warn(format!(
                "{old} taken back and not issued again yet: it names {first}, which was not issued again (kept in \
                 {TAKEN_BACK_DIR}/{old}.yaml, named by `tkt check`)"
            ));
            not_issued.push(old);
            continue;
        }
        let again = issue_again(&fresh, &old, &bytes);
        env.tell_from(&fresh);
        match again {
            Ok(Again::Issued(new, exported)) => {
                env.say(format!("{old} taken back and issued again as {new}"));
                follow(&old, &new)?;
                // Its file went nowhere, but it is an e-invoice of a number that is another's.
                if let Some(file) = exported {
                    env.warn(format!(
                        "{old} had been exported as {file}: that file is no invoice now, delete it and export {new}"
                    ));
                }
                issued = true;
                forget_taken_back(&env.desk, &old)?;
            }
            // The remote invoiced its work meanwhile: it is not to be issued again.
            Ok(Again::Billed(source)) => {
                env.warn(format!("{old} taken back and not issued again: {source} is already invoiced on the remote"));
                if let Some(file) = exported_as(&bytes) {
                    env.warn(format!(
                        "{old} had been exported as {file}: that file is no invoice now (the remote's {old} is), delete it"
                    ));
                }
                // What names it (a payment of it) is a person's to settle: it stays kept,
                // and nothing naming it is pushed — unless the remote's document of that
                // number is this one as the remote issued it (both clones invoiced the same
                // work to the same customer), which what names it may name as well.
                let naming = match same_as_the_remotes(&fresh, &bytes) {
                    true => Vec::new(),
                    false => unpublished_naming(&env.desk, opts.remote, std::slice::from_ref(&old))?,
                };
                if naming.is_empty() {
                    forget_taken_back(&env.desk, &old)?;
                } else {
                    env.warn(format!(
                        "{} name {old}: correct them (the remote's {old} is another document), then `tkt sync`; {old} \
                         is kept in {TAKEN_BACK_DIR}/{old}.yaml until nothing names it",
                        naming.join(", ")
                    ));
                }
                not_issued.push(old);
            }
            // Refused as it is (dated before the remote's last of its series, say), or not
            // possible now: kept for a person, never dropped.
            Err(e) => {
                env.warn(format!(
                    "{old} taken back and not issued again yet: {e} (kept in {TAKEN_BACK_DIR}/{old}.yaml, named by \
                     `tkt check`; the next `tkt sync` tries again — or, as it never reached anyone, bill its work \
                     anew, point what names {old} at the new document, and delete the kept copy)"
                ));
                not_issued.push(old);
            }
        }
    }
    if issued || report.held {
        // The documents issued again go out with this sync, and what it merged; nothing
        // naming a document still kept (`refuse_naming_taken_back`).
        let again = sync_desk(&env.desk, &env.author, &SyncOptions { resolve: false, issue_first: false, ..opts })?;
        report.went_out += again.went_out;
        report.came_in += again.came_in;
    }
    Ok(report)
}

/// Whether the desk's document of a taken-back copy's number — the remote's now — bills
/// the same work to the same customer for the same total on the same day (a payment of
/// the copy is then no earlier than the document it pays).
fn same_as_the_remotes(env: &Env, copy: &[u8]) -> bool {
    let shown = PathBuf::from("taken back");
    let Ok(copy) = decode_text(copy.to_vec(), &shown).and_then(|t| parse_record::<Document>(&t, &shown)) else {
        return false;
    };
    env.desk.load_doc(&copy.id).is_ok_and(|theirs| {
        theirs.kind == copy.kind
            && theirs.customer == copy.customer
            && theirs.sources == copy.sources
            && theirs.value() == copy.value()
            && theirs.date == copy.date
    })
}

/// The e-invoice file a taken-back copy had been exported as, if it had.
fn exported_as(copy: &[u8]) -> Option<String> {
    let shown = PathBuf::from("taken back");
    let doc = decode_text(copy.to_vec(), &shown).and_then(|t| parse_record::<Document>(&t, &shown)).ok()?;
    super::einvoice::einvoice_file(&doc).map(str::to_string)
}

/// What became of a document taken back.
enum Again {
    /// Its new id, and the e-invoice file it had been exported as under the old one.
    Issued(String, Option<String>),
    /// An invoice not issued again: the remote invoiced this work of it meanwhile.
    Billed(String),
}

/// Issues again, under the next free number, a fiscal document taken back because the
/// remote had its number. An invoice whose work the remote invoiced meanwhile is not.
fn issue_again(env: &Env, old: &str, bytes: &[u8]) -> Result<Again> {
    let shown = PathBuf::from(old);
    let mut doc: Document = parse_record(&decode_text(bytes.to_vec(), &shown)?, &shown)?;
    if doc.kind == DocKind::Invoice {
        let docs =
            env.desk.documents(&[DocKind::WorkReport, DocKind::DdtOut, DocKind::Invoice, DocKind::CreditNote])?;
        let open: Vec<&str> =
            unbilled(&docs, doc.ticket.as_deref().unwrap_or_default()).iter().map(|d| d.id.as_str()).collect();
        if let Some(billed) = doc.sources.iter().find(|s| !open.contains(&s.as_str())) {
            return Ok(Again::Billed(billed.clone()));
        }
    }
    doc.id = String::new();
    // An export of it under the old number went nowhere (a sent one is never taken back):
    // the document issued again is exported afresh.
    let exported = super::einvoice::einvoice_file(&doc).map(str::to_string);
    doc.extra.remove(crate::model::EINVOICE);
    let what = issued_again_message(doc.kind, old, bytes);
    issue(env, &mut doc, vec![], &what).map(|new| Again::Issued(new, exported))
}

/// Writes `.gitattributes` (when it lacks the line) and points the repository's merge
/// driver at this tkt. Returns the attributes file when it was written.
pub fn install_merge_driver(desk: &Desk) -> Result<Option<PathBuf>> {
    let Some(repo) = desk.repo() else { return Ok(None) };
    let exe = std::env::current_exe().map_err(|e| Error::failure(format!("cannot find the tkt program: {e}")))?;
    let quoted = format!("'{}'", exe.display().to_string().replace('\'', r"'\''"));
    repo.set_merge_driver(&format!("sh -c '{DRIVER_WRAPPER}' tkt {quoted} %O %A %B %P"))?;
    let rel = PathBuf::from(".gitattributes");
    let path = desk.abs(&rel);
    crate::files::refuse_links(&path, &rel)?;
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current.lines().any(|l| l.trim() == ATTRIBUTES) {
        return Ok(None);
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# tkt merges records field by field (tkt sync, git merge)\n");
    text.push_str(ATTRIBUTES);
    text.push('\n');
    write_atomic(&path, text.as_bytes())?;
    Ok(Some(rel))
}

/// The files git hands its merge driver.
#[derive(Debug, Clone)]
pub struct DriverFiles {
    /// The common ancestor's version (%O).
    pub base: PathBuf,
    /// Our version (%A); the result is written here.
    pub ours: PathBuf,
    /// Their version (%B).
    pub theirs: PathBuf,
    /// The file's path in the repository (%P).
    pub path: PathBuf,
    /// The commit being merged in, when git says (`git merge` names it in a
    /// `GITHEAD_<commit>` variable): the history tells who changed each field when.
    pub theirs_commit: Option<String>,
    /// The folder git runs its driver in: the top of the work tree.
    pub worktree: PathBuf,
}

/// Merges one record for `git merge`. A clean merge, or one whose conflicts are recorded
/// inside the record, succeeds (returning the conflicting fields); a file that does not
/// parse, or the same new id on both sides (for `tkt sync` to renumber), fails and leaves
/// ours.
pub fn merge_driver(now: Instant, files: &DriverFiles) -> Result<Vec<String>> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| Error::io(p, e));
    let (base, ours, theirs) = (read(&files.base)?, read(&files.ours)?, read(&files.theirs)?);
    let path = &files.path;
    let kind = (0..path.components().count())
        .find_map(|skip| Desk::kind_of_path(&path.components().skip(skip).collect::<PathBuf>()));
    if base.is_empty() && kind.is_some_and(Kind::is_numbered) {
        return Err(Error::busy(format!(
            "{}: both sides created this record; abort this merge (`git merge --abort`) and run tkt sync, which \
             renumbers the unpublished one (keeping one side would drop the other's record)",
            path.display()
        )));
    }
    let parse = |bytes: &[u8], side: &str| {
        crate::model::from_yaml::<serde_yaml::Value>(bytes)
            .map_err(|e| Error::busy(format!("{}: the {side} version does not parse: {e}", path.display())))
    };
    let base = if base.is_empty() { None } else { Some(parse(&base, "common")?) };
    let (ov, tv) = (parse(&ours, "local")?, parse(&theirs, "other")?);
    let desk = kind.and_then(|_| desk_of(&files.worktree, path));
    // Without the history (a rebase, a cherry-pick, a version git made up), each side is
    // unknown and the greater value wins.
    let sides = match &desk {
        Some(desk) => sides_from_history(desk, files, &ours, &theirs).unwrap_or_default(),
        None => Default::default(),
    };
    let catalog = desk.as_ref().and_then(|d| d.catalog().ok()).unwrap_or_default();
    let merged = merge_file(kind, base.as_ref(), &ov, &tv, &sides, &catalog, &now);
    let text = crate::desk::yaml_text(&merged.value).map_err(|e| Error::failure(e.to_string()))?;
    write_atomic(&files.ours, text.as_bytes())?;
    Ok(merged.conflicts)
}

/// The desk holding a record at a repository path: the folder above the record's kind
/// folder.
fn desk_of(worktree: &Path, path: &Path) -> Option<Desk> {
    let parts: Vec<_> = path.components().collect();
    let skip =
        (0..parts.len()).find(|&skip| Desk::kind_of_path(&parts[skip..].iter().collect::<PathBuf>()).is_some())?;
    let root: PathBuf = parts[..skip].iter().collect();
    Desk::open(worktree.join(root)).ok()
}

/// Both sides' field-by-field history, read as sync reads it, when git named the commit
/// being merged and both versions it handed over are the tips' own.
fn sides_from_history(desk: &Desk, files: &DriverFiles, ours: &[u8], theirs: &[u8]) -> Option<[Side; 2]> {
    let repo = desk.repo()?;
    let theirs_commit = files.theirs_commit.as_deref()?;
    let ours_commit = repo.head().ok()??;
    let at = |commit: &str| repo.file_at(commit, &files.path).ok().flatten().map(|f| f.bytes);
    if at(&ours_commit).as_deref() != Some(ours) || at(theirs_commit).as_deref() != Some(theirs) {
        return None;
    }
    let base = repo.merge_base(&ours_commit, theirs_commit).ok()?;
    let side = |tip: &str| side_of(repo, base.as_deref(), tip, &files.path).ok();
    Some([side(&ours_commit)?, side(theirs_commit)?])
}
