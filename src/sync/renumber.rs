//! Records both clones created under one number: this clone's take the next free
//! numbers, and every record naming them follows.

use super::*;

/// The renumberings of `from`'s own records that tkt's merges between `from` and `to`
/// made and recorded ("T-2026-0021 is now T-2026-0022" in a `tkt sync: merge` commit whose
/// first parent `from` holds: this clone's merge, not another's renumbering its own
/// records): old id to new id, for the ids renumbered once.
pub(super) fn renumberings(repo: &Repo, from: &str, to: &str) -> Result<HashMap<String, String>> {
    let mut found: HashMap<String, Option<String>> = HashMap::new();
    // A merge base read as upgraded is asked about as the commit it is (found by a team
    // attack: a clone restored from before its upgrade never found its own renumbering).
    let from = &viewed(from);
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
pub(super) fn plain_id(id: &str) -> bool {
    id.split_once('-').is_some_and(|(p, n)| !p.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The path of the record `id` beside `like` (a record of its kind, a repository path):
/// in the folder of a thousand its number gives when `like` is in one.
pub(super) fn beside(like: &Path, id: &str) -> PathBuf {
    let file = format!("{id}.yaml");
    match (crate::model::unsharded_path(like), SequenceId::parse(id)) {
        (Some(year_file), Some(number)) => year_file.with_file_name(crate::model::shard_of(number.seq)).join(file),
        _ => like.with_file_name(file),
    }
}

/// This clone's records a merge of its own renumbered on the remote since `base`, the
/// merge taken back here since: a renumbering a tkt merge recorded between `base` and
/// `theirs` ([`renumberings`]) of a record `base` holds, which the remote holds under its
/// new number as the same record (made at the same instant by the same person, or, for a
/// customer, which says neither, the same but for its ids). Each as (old id, new id, old
/// path, new path). Only what a merge recorded: content alike is no proof (found by a
/// review: a namesake customer took another's edits).
pub(super) fn renumbered_there(
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

/// The attachments (repository paths) this clone stored since the common ancestor that
/// meet one of the remote's under their name — where they go (under the new number of a
/// record renumbered or folded into the remote's) — with other bytes, or under a name that
/// differs only in case (one file on Windows and macOS), each with the next name free on
/// both sides for this clone's (found by real-mail attacks: a reply's photo was dropped for
/// another's of the same name, and `FOTO.JPG` beside `foto.jpg` stopped every other sync).
pub(super) fn attachment_collisions(
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
pub(super) fn folded_requests(
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
pub(super) fn attachment_moved(prefix: &Path, path: &Path, ids: &[(String, String, PathBuf)]) -> Option<PathBuf> {
    let rel = path.strip_prefix(prefix).ok()?.to_string_lossy().replace('\\', "/");
    let dir = |id: &str| format!("attachments/{id}/");
    let (old, new, _) = ids.iter().find(|(old, _, _)| rel.starts_with(&dir(old)))?;
    Some(prefix.join(rel.replacen(&dir(old), &dir(new), 1)))
}

/// The records both clones created under the same number since the common ancestor
/// (ours is unpublished: the remote has its own record there).
pub(super) fn collisions(
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
pub(super) fn refuse_unrelated_fiscal(prefix: &Path, collisions: &[PathBuf]) -> Result<()> {
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
pub(super) fn new_numbers(
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
        // The year's folder of a kind kept in folders of a thousand: numbers go on across them.
        let folder = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        let folder = if kind.sharded() { folder.parent().unwrap_or(Path::new("")).to_path_buf() } else { folder };
        let in_folder = |p: &Path| match kind.sharded() {
            true => p.parent().and_then(Path::parent) == Some(folder.as_path()),
            false => p.parent() == Some(folder.as_path()),
        };
        let key = (folder.clone(), seq.prefix.clone(), seq.year, seq.series.clone());
        let used = match last.get(&key) {
            Some(n) => *n,
            None => listed(desk, &folder, kind.sharded())
                .into_iter()
                .chain(taken.iter().filter_map(|p| p.strip_prefix(prefix).ok().map(Path::to_path_buf)))
                .filter(|p| in_folder(p))
                .filter_map(|p| Some(p.file_name()?.to_str()?.to_string()))
                .chain(ever(&folder)?)
                .filter_map(|name| name.strip_suffix(".yaml").and_then(SequenceId::parse))
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

/// The desk-relative files of a folder of this clone's work tree, and with `sharded`, of
/// its folders of a thousand.
fn listed(desk: &Desk, folder: &Path, sharded: bool) -> Vec<PathBuf> {
    let names = |dir: &Path| -> Vec<PathBuf> {
        crate::desk::list_dir(&desk.abs(dir)).unwrap_or_default().into_iter().map(|n| dir.join(n)).collect()
    };
    match sharded {
        false => names(folder),
        true => names(folder)
            .into_iter()
            .filter(|shard| shard.file_name().and_then(|n| n.to_str()).is_some_and(crate::model::is_shard))
            .flat_map(|shard| names(&shard))
            .collect(),
    }
}

/// A record's content with renumbered ids replaced, or `None` when it names none of them
/// (or is no record).
///
/// `texts`: whether a line's text follows too. A document exported as an e-invoice keeps
/// its lines' text, which its file holds (and SDI may have), in every version: only its
/// links follow ([`exported`]; a review: a delivered invoice's line came to name another
/// customer's report, and its file could not be made again the same).
pub(super) fn rewritten(
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
pub(super) fn written_again(old: &[u8], value: &Value) -> Result<String> {
    let text = crate::desk::yaml_text(value).map_err(|e| Error::failure(e.to_string()))?;
    Ok(crate::desk::keep_comments(&String::from_utf8_lossy(old), &text))
}

/// Whether a record was exported as an e-invoice: its lines' text is its file's.
pub(super) fn exported(state: &FileState) -> bool {
    from_yaml::<Value>(&state.bytes).is_ok_and(|v| v.get(EINVOICE).is_some())
}

/// Of `paths`, those exported as e-invoices at `tip` (their text stays in every version).
pub(super) fn exported_at(repo: &Repo, tip: &str, paths: &[PathBuf]) -> Result<HashSet<PathBuf>> {
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
pub(super) fn rewrites(ids: &[(String, String, PathBuf)], moved: &[(String, String)]) -> HashMap<String, String> {
    ids.iter().map(|(o, n, _)| (o.clone(), n.clone())).chain(moved.iter().cloned()).collect()
}

/// Replaces old ids (and attachment paths under them) and moved attachments' paths in
/// every string of a value, and in a line's text when `texts`.
pub(super) fn rewrite_ids(value: &mut Value, ids: &HashMap<String, String>, texts: bool) -> bool {
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
pub(super) fn rewrite_ids_in_text(text: &mut String, ids: &HashMap<String, String>) -> bool {
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

    #[test]
    fn a_record_renumbered_goes_to_the_folder_of_a_thousand_of_its_new_number() {
        let like = Path::new("desk/tickets/2026/000/T-2026-0999.yaml");
        assert_eq!(beside(like, "T-2026-1000"), PathBuf::from("desk/tickets/2026/001/T-2026-1000.yaml"));
        assert_eq!(beside(like, "T-2026-0042"), PathBuf::from("desk/tickets/2026/000/T-2026-0042.yaml"));
        let request = Path::new("requests/2026/R-2026-0999.yaml");
        assert_eq!(beside(request, "R-2026-1000"), PathBuf::from("requests/2026/R-2026-1000.yaml"));
        assert_eq!(beside(Path::new("customers/C-0001.yaml"), "C-0002"), PathBuf::from("customers/C-0002.yaml"));
    }
}
