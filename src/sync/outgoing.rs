//! What this clone would publish, checked before anything is pushed: no issued fiscal
//! document deleted or changed, no note or history entry taken away, no attachment a
//! record lists deleted.

use super::*;
use crate::model::{in_year_folder, year_folder};

/// Refuses (exit 5), before anything is committed or pushed, to publish the deletion of a
/// fiscal document the remote has or a change to its fiscal content: in this clone's
/// commits since the common ancestor, and in its hand edits.
pub(super) fn check_outgoing(
    desk: &Desk,
    repo: &Repo,
    ours: &str,
    theirs: &str,
    hand_edits: &[PathBuf],
    today: chrono::NaiveDate,
) -> Result<()> {
    let base = merge_base(repo, ours, theirs)?;
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
            let (Some(dir), Some(id)) = (year_folder(rel), rel.file_stem().and_then(|s| s.to_str())) else { continue };
            if !fiscal_path(rel) || refused.iter().any(|r| r.starts_with(&rel.display().to_string())) {
                continue;
            }
            let Some(issued) = desk.issued_blobs(&dir).get(id).and_then(|hash| repo.blob(hash)) else { continue };
            let now = match by_hand(&path) {
                Some(by_hand) => by_hand,
                None => repo.record_file_at(ours, &path)?.map(|f| f.bytes),
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
    folders.extend(hand_edits.iter().filter(|p| fiscal_path(p)).filter_map(|p| year_folder(p)));
    for folder in folders {
        let there = sequence_ids(repo.year_names_at(theirs, &folder)?);
        for (after, missing) in skipped_in(&there, &sequence_ids(desk.year_names(&folder))) {
            refused.push(skipped_message(&in_year_folder(&folder, &after.to_string()), &missing, ""));
        }
    }
    refuse_fiscal_changes(refused)
}

/// The fiscal documents `base..ours` makes (all of `ours` when there is no `base`: a
/// desk's first push) that tkt did not issue in this clone — committed with git — and that
/// break the rules of their kind: issued once published, they are held to them first, as
/// one not committed yet is (found by a hostile-remote attack: `git commit` of an invoice
/// with wrong totals let it out; and by a review, a desk's first push).
pub(super) fn made_by_hand(
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
        let (Some(dir), Some(id)) = (year_folder(rel), rel.file_stem().and_then(|s| s.to_str())) else { continue };
        if !fiscal_path(rel) || !new_since(repo, base, &path)? || desk.issued_blobs(&dir).contains_key(id) {
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
pub(super) fn listing_record(desk: &Desk, rel: &Path) -> Option<String> {
    let [dir, id, _] = rel.iter().filter_map(|c| c.to_str()).collect::<Vec<_>>()[..] else { return None };
    if dir != crate::desk::ATTACHMENTS_DIR {
        return None;
    }
    let listed = rel.to_str()?;
    [Kind::Ticket, Kind::Request].into_iter().find_map(|kind| {
        let text = std::fs::read_to_string(desk.abs(&desk.path_of(kind, id).ok()?)).ok()?;
        lists(&text, listed).then(|| id.to_string())
    })
}

/// Whether a record's text lists the attachment `listed` (desk-relative).
pub(super) fn lists(text: &str, listed: &str) -> bool {
    text.lines().any(|l| l.trim().trim_start_matches("- ").trim_matches(['\'', '"']) == listed)
}

/// A fiscal document dated before the number below it in its register (kind, year, series)
/// at `tip`: a register is numbered in date order (art. 21 DPR 633/72), which `tkt check`
/// names and issuing refuses (found by a team attack: one made by hand went out all the same).
pub(super) fn dated_before_the_number_below(
    repo: &Repo,
    tip: &str,
    path: &Path,
    doc: &Document,
) -> Result<Option<crate::rules::Problem>> {
    let rel = path.strip_prefix(repo.desk_prefix()).unwrap_or(path);
    let (Some(folder), Some(me)) = (year_folder(rel), SequenceId::parse(&doc.id)) else { return Ok(None) };
    let below = sequence_ids(repo.year_names_at(tip, &folder)?)
        .into_iter()
        .filter(|s| s.year == me.year && s.series == me.series && s.seq < me.seq)
        .max_by_key(|s| s.seq);
    let Some(below) = below else { return Ok(None) };
    let rel = in_year_folder(&folder, &below.to_string());
    let Some(file) = repo.record_file_at(tip, &repo.desk_prefix().join(&rel))? else { return Ok(None) };
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
pub(super) fn records_what_happened(kind: Kind) -> bool {
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
pub(super) fn published_base(published: FileState, theirs: &FileState) -> FileState {
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
pub(super) fn what_happened_taken_away_in(
    repo: &Repo,
    from: &str,
    to: &str,
    every_version: bool,
) -> Result<Vec<String>> {
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
            // Where its id puts it, or where an older tkt kept it.
            let mut record = None;
            for at in kind.places_of(id) {
                record = record.or(repo.file_at(to, &prefix.join(at))?);
            }
            let Some(record) = record else { continue };
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
            // A record moved into its folder of a thousand (`tkt upgrade`) is read there.
            if now.is_none() {
                now = repo.record_file_at(to, &path)?.map(|f| f.bytes);
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
pub(super) fn fiscal_hand_edits(
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

pub(super) fn refuse_fiscal_changes(refused: Vec<String>) -> Result<()> {
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
pub(super) fn fiscal_changes(repo: &Repo, from: &str, to: &str, worktree: &Worktree) -> Result<Vec<String>> {
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
        // A document `tkt upgrade` moved into its folder of a thousand is read there.
        let now = match worktree(&path) {
            Some(by_hand) => by_hand,
            None => repo.record_file_at(to, &path)?.map(|f| f.bytes),
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
pub(super) type Worktree<'w> = dyn Fn(&Path) -> Option<Option<Vec<u8>>> + 'w;

/// Nothing edited by hand: every file as committed.
pub(super) fn committed(_: &Path) -> Option<Option<Vec<u8>>> {
    None
}

/// What is wrong with `now` (None: deleted) as the later version of `issued`, when `rel` is
/// a fiscal document: deleted, or its fiscal content changed.
pub(super) fn fiscal_change(rel: &Path, issued: Vec<u8>, now: Option<Vec<u8>>) -> Option<String> {
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
