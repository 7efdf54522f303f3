//! What the remote brings, checked before anything is written or committed: paths,
//! attributes, the state catalog, numbering, skipped fiscal numbers and case twins.

use super::*;

/// Why a path the remote brings must not be written, or `None` when it may: the one check
/// of an incoming path. Anywhere in the repository: no `.git` component (in any case), no
/// `..`, `.` or empty component, not absolute, a plain file (no link, no submodule). In
/// the desk: not under `.tkt/`, and part of the desk's layout ([`Desk::in_layout`]).
pub(super) fn refused_path(path: &Path, prefix: &Path, kind: EntryKind) -> Option<&'static str> {
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
/// filter that would run on every clone), so that no clone could read them, or commit them
/// as other bytes than they are (line endings converted: an attachment no longer what was
/// received). `desk` is
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
    // Whether a pattern may name an attachment: one of any name (`*`, `*.pdf`), or a path
    // whose first folder in the desk is `attachments/` or a wildcard; not one of records
    // alone (`*.yaml`, `tickets/**`).
    let reaches_attachments = |pattern: &str| {
        let pattern = pattern.trim_start_matches('/').trim_end_matches('/');
        if !pattern.contains('/') {
            return !pattern.to_ascii_lowercase().ends_with(".yaml");
        }
        let mut parts = pattern.split('/').peekable();
        for folder in desk.into_iter().flat_map(|d| d.iter()).filter_map(|c| c.to_str()) {
            if parts.next_if(|p| p.eq_ignore_ascii_case(folder)).is_none() {
                break;
            }
        }
        parts.next().is_some_and(|first| {
            first.contains(['*', '?', '[', '\\', '"']) || first.eq_ignore_ascii_case(crate::desk::ATTACHMENTS_DIR)
        })
    };
    text.lines().map(str::trim).filter(|l| !l.starts_with('#')).find_map(|line| {
        let pattern = line.split_whitespace().next()?;
        if !reaches_desk(pattern) {
            return None;
        }
        let attribute = line.split_whitespace().skip(1).find(|a| {
            let name = a.trim_start_matches(['-', '!']).split('=').next().unwrap_or_default();
            let set = !a.starts_with(['-', '!']);
            let value = a.split_once('=').map(|(_, v)| v.to_ascii_lowercase());
            // Line endings converted on checkout (`eol=crlf`, `crlf`, `text` forced on, which
            // converts binary files too) are other bytes as well: a PDF corrupted, a CGI
            // script that no longer runs (found by a hostile-remote attack).
            let on_checkout = set
                && ((name == "eol" && value.as_deref() != Some("lf"))
                    || name == "crlf"
                    || (name == "text" && value.as_deref() != Some("auto")));
            // And so are line endings converted when a file is committed, for attachments
            // (`eol=lf` forces `text` on, `text=auto` takes a PDF without a NUL early on, and
            // a message's CRLF: found by a hostile-remote attack, attachments were published
            // without their CRs); a record's are any (`*.yaml text eol=lf` is fine).
            let on_commit = set && ["eol", "text"].contains(&name) && reaches_attachments(pattern);
            bad.contains(&name) || on_checkout || on_commit
        })?;
        Some(format!(
            "its line {line:?} sets {attribute}, which would make git write or commit the desk's files as other \
             bytes than they are"
        ))
    })
}

/// A line of a `.gitattributes` in the desk that has git merge the records with another
/// driver than tkt's — `merge=union`, `-merge`, `binary` or a macro that sets one — not
/// overridden by tkt's own `*.yaml merge=tkt` later in the file: git would merge them line
/// by line (`merge=union` kept both sides' `title:`, and no command read the record again:
/// found by a hostile-remote attack). A file of the repository around the desk is
/// overridden by the desk's own, which holds tkt's line.
pub(super) fn other_merge_driver(text: &str, records: &[String]) -> Option<String> {
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
pub(super) fn unquote_c(quoted: &str) -> String {
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
pub(super) fn names_records(pattern: &str, records: &[String]) -> bool {
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

/// Customers `base..tip` deleted that records at `tip`, or this clone's, still name: each
/// would name no one, and the customer's statement and `tkt check` stop on them (found by a
/// hostile-remote attack: a plain `git rm` of a customer came in; tkt deletes none).
fn refused_customers_gone(repo: &Repo, base: Option<&str>, tip: &str, ours: Option<&str>) -> Result<Vec<String>> {
    let Some(base) = base else { return Ok(Vec::new()) };
    let prefix = repo.desk_prefix();
    let dir = prefix.join(Kind::Customer.dir());
    let mut gone = Vec::new();
    for path in repo.changed_paths(Some(base), tip)?.into_iter().filter(|p| p.parent() == Some(dir.as_path())) {
        if repo.file_at(tip, &path)?.is_none() {
            gone.extend(path.file_stem().and_then(|s| s.to_str()).map(str::to_string));
        }
    }
    if gone.is_empty() {
        return Ok(Vec::new());
    }
    // Every record that names a customer says so on a line of its own: `customer: C-0001`.
    let mut naming: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Tickets, requests and documents: the kinds kept by year.
    for commit in std::iter::once(tip).chain(ours) {
        for kind in Kind::all().filter(|k| k.by_year()) {
            for path in record_files_at(repo, commit, kind)? {
                let Some(file) = repo.file_at(commit, &path)? else { continue };
                let text = String::from_utf8_lossy(&file.bytes);
                let named =
                    text.lines().find_map(|l| l.strip_prefix("customer:")).map(|v| v.trim().trim_matches(['\'', '"']));
                if let Some(customer) = named.filter(|c| gone.iter().any(|g| g == c)) {
                    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
                    naming.entry(customer.to_string()).or_default().insert(id);
                }
            }
        }
    }
    Ok(naming
        .into_iter()
        .map(|(customer, ids)| {
            let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
            let more = if ids.len() > 5 { format!(" and {} more", ids.len() - 5) } else { String::new() };
            format!(
                "{}: deletes customer {customer}, whom records still name: {}{more}",
                dir.join(format!("{customer}.yaml")).display(),
                shown.join(", ")
            )
        })
        .collect())
}

/// Whether the state catalog at `tip` holds together (one initial state, every target a
/// state...), when `base..tip` changed it: a catalog without them stops every command.
pub(super) fn refused_catalog(
    repo: &Repo,
    base: Option<&str>,
    tip: &str,
    ours: Option<&str>,
) -> Result<Option<String>> {
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
            // The year's folders of a thousand, and the tickets of a desk not upgraded yet.
            for dir in repo.folders_in(commit, &year)?.into_iter().chain([year]) {
                tickets.extend(records_at::<crate::model::Ticket>(repo, commit, &dir)?.unwrap_or_default());
            }
        }
    }
    Ok(states_in_use(&gone, &tickets))
}

/// The states of `before` that `after` has not.
pub(super) fn states_gone(before: &[crate::model::State], after: &[crate::model::State]) -> Vec<String> {
    before.iter().filter(|b| !after.iter().any(|a| a.id == b.id)).map(|b| b.id.clone()).collect()
}

/// Why the states `gone` cannot go: the tickets in them, or `None`.
pub(super) fn states_in_use(gone: &[String], tickets: &[crate::model::Ticket]) -> Option<String> {
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
pub(super) fn records_at<T: crate::model::Record>(repo: &Repo, commit: &str, dir: &Path) -> Result<Option<Vec<T>>> {
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
pub(super) fn catalog_refusal(states: &[crate::model::State]) -> Option<String> {
    let problems = crate::rules::check_catalog(states);
    (!problems.is_empty()).then(|| {
        let said: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        format!("{}/: the state catalog would not hold together: {}", Kind::State.dir(), said.join("; "))
    })
}

/// Whether a desk-relative path is a fiscal document's file.
pub(super) fn fiscal_path(rel: &Path) -> bool {
    matches!(Desk::kind_of_path(rel), Some(Kind::Document(d)) if d.is_fiscal())
}

/// Whether a file is new since the common ancestor `base` (absent there, or no ancestor):
/// a record `tkt upgrade` moved into its folder of a thousand is not.
pub(super) fn new_since(repo: &Repo, base: Option<&str>, path: &Path) -> Result<bool> {
    Ok(base.map(|b| repo.record_file_at(b, path)).transpose()?.flatten().is_none())
}

/// Checks what the remote brings before anything is written: every path it adds or
/// changes since the common ancestor ([`refused_path`]) and every record among them (it
/// must read: size, UTF-8, YAML, no conflict markers, an id that agrees with its path).
/// Refuses the sync (exit 5) naming each file and the commit and author that last changed
/// it on the remote's side.
pub(super) fn check_incoming(
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
    let base = merge_base(repo, ours, theirs)?;
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
pub(super) fn skipped_numbers(repo: &Repo, base: Option<&str>, ours: &str, theirs: &str) -> Result<Vec<String>> {
    let prefix = repo.desk_prefix();
    let mut refused = Vec::new();
    for folder in new_fiscal_folders(repo, base, theirs)? {
        let ids = |commit: &str| -> Result<Vec<SequenceId>> { Ok(sequence_ids(repo.year_names_at(commit, &folder)?)) };
        for (after, missing) in skipped_in(&ids(ours)?, &ids(theirs)?) {
            let path = prefix.join(crate::model::in_year_folder(&folder, &after.to_string()));
            let by = match repo.last_change(base, theirs, &path)? {
                Some(c) => format!(" (commit {} by {})", c.commit, c.by),
                None => String::new(),
            };
            refused.push(skipped_message(&path, &missing, &by));
        }
    }
    Ok(refused)
}

/// The year's folders of fiscal documents new in `tip` since `base`.
pub(super) fn new_fiscal_folders(repo: &Repo, base: Option<&str>, tip: &str) -> Result<BTreeSet<PathBuf>> {
    let prefix = repo.desk_prefix();
    let mut folders = BTreeSet::new();
    for (path, _) in repo.entries_changed(base, tip)? {
        let Ok(rel) = path.strip_prefix(prefix) else { continue };
        if fiscal_path(rel) && new_since(repo, base, &path)? {
            folders.extend(crate::model::year_folder(rel));
        }
    }
    Ok(folders)
}

pub(super) fn sequence_ids(names: Vec<String>) -> Vec<SequenceId> {
    names.iter().filter_map(|n| SequenceId::parse(n.strip_suffix(".yaml")?)).collect()
}

pub(super) fn skipped_message(path: &Path, missing: &SequenceId, by: &str) -> String {
    format!(
        "{}: a fiscal number given past {missing}, which no clone has: fiscal numbers follow each other without \
         gaps{by}",
        path.display()
    )
}

/// Of the numbers of one folder `brought` has above the last `mine` has of their series,
/// the first that skips a number neither has, with the number skipped: a copy made by hand
/// and named INV-2026-0070 for 0007 would leave 63 numbers never to be given.
pub(super) fn skipped_in(mine: &[SequenceId], brought: &[SequenceId]) -> Vec<(SequenceId, SequenceId)> {
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
pub(super) fn named(path: &Path) -> String {
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
pub(super) fn refused_entries(repo: &Repo, base: Option<&str>, tip: &str, ours: Option<&str>) -> Result<Vec<String>> {
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
    refused.extend(refused_customers_gone(repo, base, tip, ours)?);
    refused.extend(refused_numbering(repo, base, tip)?);
    Ok(refused)
}

/// A `tkt.toml` whose numbering no longer gives a kind the prefix its records carry (the
/// invoice prefix changed, the old one not kept under `[numbering.former_prefixes]`): every
/// such record would no longer read as its kind's, no invoice could be issued after them,
/// and `tkt check` would name them all (found by a hostile-remote attack).
pub(super) fn refused_numbering(repo: &Repo, base: Option<&str>, tip: &str) -> Result<Option<String>> {
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
    prefixes_lost(&config, &path, |kind| record_files_at(repo, tip, kind))
}

/// The files in a kind's folders at `commit` (repository paths): its years', and their
/// folders of a thousand.
fn record_files_at(repo: &Repo, commit: &str, kind: Kind) -> Result<Vec<PathBuf>> {
    let top = repo.desk_prefix().join(kind.dir());
    let mut folders = if kind.by_year() { repo.folders_in(commit, &top)? } else { vec![top] };
    if kind.sharded() {
        for year in folders.clone() {
            let shards = repo.folders_in(commit, &year)?.into_iter();
            folders
                .extend(shards.filter(|s| s.file_name().and_then(|n| n.to_str()).is_some_and(crate::model::is_shard)));
        }
    }
    let mut files = Vec::new();
    for folder in folders {
        files.extend(repo.files_in(commit, &folder)?);
    }
    Ok(files)
}

/// Why `config` (the tkt.toml at `path`) cannot be taken: the kinds whose records, as
/// `files` lists them, carry a prefix it no longer gives (the kind's key in tkt.toml is
/// its noun: `invoice`, `ticket`); `None` when none.
pub(super) fn prefixes_lost(
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
pub(super) struct CaseTwins {
    /// Each folder listed: its names by their lower case (a desk of 100,000 attachment
    /// folders is looked up, not searched, for each path).
    folders: HashMap<PathBuf, HashMap<String, Vec<String>>>,
    named: HashSet<PathBuf>,
}

impl CaseTwins {
    /// The names on the way to the desk path `rel` with a twin in their folder (`list`:
    /// a folder's names), each as its path and its twin's name; each name once.
    pub(super) fn of(
        &mut self,
        rel: &Path,
        list: &mut dyn FnMut(&Path) -> Result<Vec<String>>,
    ) -> Result<Vec<(PathBuf, String)>> {
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

pub(super) fn twin_problem(twin: &str) -> String {
    format!(
        "the same name as {twin} on Windows and macOS (they differ only in case), which no such clone could check out"
    )
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
        let exact = "*.yaml merge=tkt\ntickets/2026/000/T-2026-0912.yaml merge=union\n";
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
        for good in
            ["tkt.toml", "tickets/2026/000/T-2026-0001.yaml", "attachments/R-2026-0002/a.pdf", "templates/x/y.html"]
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
        // Line endings converted when a file is committed: an attachment no longer as received.
        for line in ["* text=auto\n", "*.pdf eol=lf\n", "*.eml text\n", "* crlf\n", "attachments/** text=auto\n"] {
            assert!(refused_attributes(line, None, &[]).is_some(), "{line}");
        }
        // Records' line endings are any (a review: the usual Windows fix was refused).
        let fine = "* -text\n*.pdf !eol\n*.yaml text=auto eol=lf\ntickets/** text=auto\n";
        assert_eq!(refused_attributes(fine, None, &[]), None);
    }
}
