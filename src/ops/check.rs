//! Checking the desk: every record parsed and checked on its own and against the others,
//! documents against their numbering, and what an interrupted command left.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::desk::{record_exists, Desk, LOCAL_DIR};
use crate::error::Location;
use crate::git::{content_hash, FirstVersion};
use crate::model::{
    Customer, DocKind, Document, Equipment, Item, Keyed, Kind, Money, Record, Request, SequenceId, State, Ticket,
    CONFIG_FILE, CONFLICTS,
};
use crate::ops::einvoice::{einvoice_file, sdi_state, SdiState};
use crate::rules::{
    check_catalog, check_company, check_customer, check_equipment, check_issued_document, check_item, check_request,
    check_ticket, credit_problems, same_customer, Problem, TicketRefs,
};
use crate::{Error, Result};

/// One finding: the file (with line and column for YAML errors) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub problem: String,
}

impl Finding {
    fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Finding { path: path.into(), line: None, column: None, problem: problem.into() }
    }

    /// From the error of reading `path`: where the error says, else the file itself.
    fn from_error(path: &Path, error: &Error) -> Self {
        match error.location.as_deref() {
            Some(Location { file, line, column, .. }) => Finding {
                path: file.display().to_string(),
                line: *line,
                column: *column,
                problem: error.message.clone(),
            },
            None => Finding::new(path.display().to_string(), error.to_string()),
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.path, self.problem),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.path, self.problem),
            _ => write!(f, "{}: {}", self.path, self.problem),
        }
    }
}

/// What `check` found, and how many records it read.
#[derive(Debug, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    pub records: usize,
}

/// Reads and checks every record of the desk; never writes a record (the local cache in
/// `.tkt/cache/` is brought up to date, as by any reader).
pub fn check_desk(desk: &Desk, today: chrono::NaiveDate) -> Result<Checked> {
    let mut findings = Vec::new();
    let mut audit = Audit::start(desk)?;
    let states = read::<State>(desk, &mut findings)?;
    let customers = read::<Customer>(desk, &mut findings)?;
    let items = read::<Item>(desk, &mut findings)?;
    let units = read::<Equipment>(desk, &mut findings)?;
    // Attachments a Windows or macOS clone cannot check out (stored before intake made
    // such names safe, or added by hand): sync refuses to publish them.
    let mut folders: HashMap<String, String> = HashMap::new();
    for record in crate::desk::list_dir(&desk.abs(Path::new(crate::desk::ATTACHMENTS_DIR)))? {
        let folder = Path::new(crate::desk::ATTACHMENTS_DIR).join(&record);
        if let Some(twin) = folders.insert(crate::files::case_folded(&record), record.clone()) {
            let why = format!("one folder with {twin} on Windows and macOS (names differ only in case)");
            findings.push(Finding::new(folder.display().to_string(), format!("{why}: move its files into one")));
        }
        let mut seen: HashMap<String, String> = HashMap::new();
        for name in crate::desk::list_dir(&desk.abs(&folder)).unwrap_or_default() {
            let twin = seen.insert(crate::files::case_folded(&name), name.clone());
            let why = match crate::files::unportable(&name) {
                Some(why) => Some(why.to_string()),
                None => {
                    twin.map(|other| format!("one file with {other} on Windows and macOS (names differ only in case)"))
                }
            };
            if let Some(why) = why {
                let hint = "rename it, and it in its record's `attachments`";
                findings.push(Finding::new(folder.join(&name).display().to_string(), format!("{why}: {hint}")));
            }
        }
    }
    // A live command's temp files and journal are its work in progress, not what an
    // interrupted one left: they are judged only when no command holds the lock, taken
    // for this look alone (found by an office review: check beside a cron job's import).
    // A lock that cannot be opened (a desk this user may only read) takes no writer:
    // everything is judged, as before there was a lock.
    let idle = desk.try_lock();
    let (temp_files, pending) = match &idle {
        Ok(None) => (Vec::new(), None),
        Ok(Some(_)) | Err(_) => (desk.leftover_temp_files()?, desk.pending()?),
    };
    drop(idle);
    // Without the journal of an interrupted command (a killed `tkt init` writes none) no
    // command removes it (found by a careless-office attack: a nightly check failed for good).
    let who = match pending {
        Some(_) => "the next command that changes the desk removes it",
        None => "remove it",
    };
    for path in temp_files {
        findings.push(Finding::new(
            path.display().to_string(),
            format!("temp file of an interrupted write; the record it was for is intact ({who})"),
        ));
    }
    // Kept by an older tkt (or put there by hand): read, but no command writes the desk
    // until they are moved. Named once, with how many.
    let unsharded = desk.unsharded(false)?;
    if let Some((first, _)) = unsharded.first() {
        let others = match unsharded.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        findings.push(Finding::new(
            first.display().to_string(),
            format!(
                "a record not in its folder of a thousand{others}, as an older tkt kept them: no command writes the \
                 desk until `tkt upgrade` moves them"
            ),
        ));
    }
    if let Some(repo) = desk.repo() {
        // An old commit checked out to look at it: what check finds gone may be only newer
        // than it (found by a careless-office attack: an invoice "gone from history, restore
        // it and commit" on a detached HEAD, where every write is refused).
        if repo.is_detached() {
            findings.push(Finding::new(
                "HEAD",
                "detached (a commit or a tag is checked out): check reads the desk of that commit, and what it \
                 names as gone may only be newer than it; commands that write refuse to run — `git switch -` goes \
                 back to your branch",
            ));
        }
        if repo.is_uncommitted(Path::new(CONFIG_FILE))? {
            findings.push(Finding::new(
                CONFIG_FILE,
                format!(
                    "changed and not committed: other clones and `--as-of` do not see it — `git commit {CONFIG_FILE}`"
                ),
            ));
        }
        let mut folded: HashMap<String, PathBuf> = HashMap::new();
        for path in repo.tracked_in(Path::new(""))? {
            // Two clones can each make one of two ids that differ only in case, which a
            // Windows or macOS clone takes for one file (found by a hostile-remote review;
            // attachments are looked at above).
            let twin = folded.insert(crate::files::case_folded(&path.to_string_lossy()), path.clone());
            // A path git's index holds once per side of a conflict (a `git pull` stopped
            // on it) is one file, looked at once (the conflict is named with the record).
            if twin.as_ref() == Some(&path) {
                continue;
            }
            let problem = if path.starts_with(LOCAL_DIR) {
                format!(
                    "{LOCAL_DIR}/ is local to each clone, but git tracks this file: `git rm --cached` it and commit"
                )
            } else if !Desk::in_layout(&path) {
                // Found by a careless-office review: a ticket renamed `.yml` was in no list,
                // check was clean, and every sync refused the desk.
                "not part of a desk's layout, so in no list, and sync refuses to publish it: `git mv` it where it \
                 belongs, or `git rm --cached` it and commit"
                    .to_string()
            } else if let Some(twin) = twin.filter(|_| Desk::kind_of_path(&path).is_some()) {
                format!(
                    "one file with {} on Windows and macOS (names differ only in case): give one another id",
                    twin.display()
                )
            } else if let Some(id) = Desk::kind_of_path(&path)
                .filter(|k| k.is_numbered())
                .and_then(|_| crate::model::written_otherwise(path.file_stem()?.to_str()?))
            {
                // Found by a careless-office attack: a copy named INV-2026-00007 was
                // committed, every invoice then failed ("INV-2026-0007 not found"), and check
                // was clean.
                format!(
                    "its number is written with more digits than tkt writes it, a second name for {id}: `git mv` it \
                     to {id}.yaml (or, if {id} is another record, take it out) and commit"
                )
            } else if let Some(why) =
                Desk::kind_of_path(&path).and_then(|_| path.file_name()?.to_str()).and_then(crate::files::unportable)
            {
                // A record made with plain git (found by a hostile-remote attack: an item
                // `CON` came in, and check said nothing).
                format!("{why}: give it another id")
            } else {
                continue;
            };
            findings.push(Finding::new(path.display().to_string(), problem));
        }
        check_what_happened(desk, repo, &mut findings)?;
        // Files not committed that sync refuses (an editor's `T-2026-0001.yaml~`, a
        // `Thumbs.db`): found by a careless-office attack, sync said "tkt check shows the
        // same" and check was clean.
        let prefix = repo.desk_prefix();
        let head = repo.head()?;
        for (path, deleted) in repo.uncommitted()? {
            let Ok(rel) = path.strip_prefix(prefix) else { continue };
            // What sync refuses to commit, check names too (found by a careless-office
            // attack: a payment deleted by hand, an editor's old copy of a ticket checked out
            // over its notes — check said clean, sync refused).
            let then = match &head {
                Some(head) if Desk::kind_of_path(rel).is_some() => repo.file_at(head, &path)?.map(|f| f.bytes),
                _ => None,
            };
            let shown = rel.display();
            let problem = match crate::sync::loss_by_hand(desk, rel, then.as_deref()) {
                Some(crate::sync::Loss::Deleted) => Some(format!(
                    "deleted by hand, and with it what happened (not committed): `git checkout HEAD -- {shown}` puts \
                     it back"
                )),
                Some(crate::sync::Loss::TakenAway(what)) => Some(format!(
                    "takes away {what} the last commit has (not committed; an editor's older copy?): `git diff HEAD \
                     -- {shown}` shows it"
                )),
                Some(crate::sync::Loss::Listed(_)) | None => None,
            };
            if let Some(problem) = problem {
                findings.push(Finding::new(shown.to_string(), problem));
                continue;
            }
            let named = findings.iter().any(|f| Path::new(&f.path) == rel);
            if !deleted && !named && crate::sync::stray_in_records(rel) {
                findings.push(Finding::new(
                    rel.display().to_string(),
                    format!(
                        "no record's name, so in no list, and sync publishes nothing while it is there: {}",
                        crate::sync::STRAY_HINT
                    ),
                ));
            } else if !deleted && !named && rel.to_str().is_none() {
                findings.push(Finding::new(
                    rel.display().to_string(),
                    "its name is not UTF-8: no other clone would take it, and sync publishes nothing while it is \
                     there — rename it (and it in its record's `attachments`)",
                ));
            }
        }
    }
    for (id, file) in super::pec::interrupted_sends(&desk.abs(Path::new(super::pec::SENDING)))? {
        // SDI's receipt, recorded here or by another clone, settles it (found by an SDI review).
        if desk.load_doc(&id).is_ok_and(|d| super::einvoice::answered_about(&d, &file)) {
            continue;
        }
        findings.push(Finding::new(
            super::pec::SENDING,
            format!(
                "a `tkt doc send` of {file} ({id}) was interrupted before it recorded what it sent: it may have \
                 reached SDI; import SDI's receipt, or remove its line if nothing went out"
            ),
        ));
    }
    for (id, _) in crate::sync::taken_back_waiting(desk)? {
        findings.push(Finding::new(
            format!("{}/{id}.yaml", crate::sync::TAKEN_BACK_DIR),
            format!(
                "{id} was taken back by `tkt sync --resolve` and is not issued again yet: run `tkt sync`; if it \
                 cannot be (it says why), it never reached anyone: bill its work anew (`tkt ticket invoice`), point \
                 what names {id} at the new document, and delete this copy"
            ),
        ));
    }
    if let Some(pending) = pending {
        for path in &pending.paths {
            findings.push(Finding::new(
                path.display().to_string(),
                if pending.sync {
                    "written by a sync that was interrupted, maybe before its commit (the next command that changes the desk puts back what it did not commit; tkt sync merges again)"
                } else {
                    "written by a command that was interrupted, maybe before its commit (the next command that changes the desk takes back what it did not commit)"
                },
            ));
        }
    }

    // A `.gitattributes` that has git write the desk's files as other bytes than committed
    // (as sync refuses to take one in): a clone made with plain git has them so.
    let attributes = desk.abs(Path::new(".gitattributes"));
    if let Some(why) = std::fs::read_to_string(&attributes)
        .ok()
        .and_then(|t| crate::sync::refused_attributes(&t, None, &crate::sync::record_names(desk.repo())))
    {
        findings.push(Finding::new(".gitattributes", format!("{why}: take the line out and commit")));
    }
    // A company without a Partita IVA just cannot invoice yet; a wrong one is a problem.
    for p in check_company(&desk.config.company) {
        if p.field != "company.vat_number" || desk.config.company.vat_number.is_some() {
            findings.push(Finding::new(CONFIG_FILE, p.to_string()));
        }
    }
    let catalog: Vec<State> = states.iter().map(|(_, s)| s.clone()).collect();
    for p in check_catalog(&catalog) {
        findings.push(Finding::new("states/", p.to_string()));
    }
    // A record whose file does not read is named once, as such: what points at it points
    // at a record that is there (found by a careless-office attack: one customer saved with
    // a tab made nine "unknown customer" lines).
    let ids_of_files = |kind: Kind| -> Result<Vec<String>> {
        Ok(desk.files(kind)?.iter().filter_map(|p| Some(p.file_stem()?.to_str()?.to_string())).collect())
    };
    let (customer_files, item_files) = (ids_of_files(Kind::Customer)?, ids_of_files(Kind::Item)?);
    let customer_ids: HashSet<&str> =
        customers.iter().map(|(_, c)| c.id.as_str()).chain(customer_files.iter().map(String::as_str)).collect();
    let items_by_code: HashMap<&str, &Item> = items.iter().map(|(_, i)| (i.code.as_str(), i)).collect();
    let units_by_serial: HashMap<&str, &Equipment> = units.iter().map(|(_, u)| (u.serial.as_str(), u)).collect();
    // The items tkt.toml prices work with: a missing one refuses every invoice of work.
    let billing = &desk.config.billing;
    let priced =
        [("labour_item", &billing.labour_item), ("travel_item", &billing.travel_item), ("km_item", &billing.km_item)];
    for (key, code) in priced {
        let there = |c: &str| items_by_code.contains_key(c) || item_files.iter().any(|f| f == c);
        if let Some(code) = code.as_deref().filter(|c| !there(c)) {
            findings.push(Finding::new(CONFIG_FILE, format!("billing.{key}: no item {code:?}")));
        }
    }
    let mut add = |path: &Path, problems: Vec<Problem>| found(&mut findings, path, problems);
    for (i, (path, c)) in customers.iter().enumerate() {
        add(path, check_customer(c).into_iter().chain(super::records::unknown_rate(c, &desk.config)).collect());
        if let Some((first, field)) =
            customers[..i].iter().find_map(|(_, other)| same_customer(other, c).map(|f| (other, f)))
        {
            add(
                path,
                vec![Problem::new(field, format!("the same as customer {} ({}): a duplicate?", first.id, first.name))],
            );
        }
    }
    for (path, i) in &items {
        add(path, check_item(i, desk.config.company.is_forfettario()));
    }
    for (path, u) in &units {
        add(
            path,
            check_equipment(u, items_by_code.get(u.item.as_str()).copied(), customer_ids.contains(u.customer.as_str())),
        );
    }
    // Tickets, requests and documents are checked as they are read, on every core; only
    // their problems (and what the checks across records need) are kept: at 100,000
    // tickets the records would not fit in memory all at once.
    let (config, root) = (&desk.config, desk.root());
    let exists = |kind: Kind, id: &str| record_exists(root, kind, id);
    let check_one_ticket = |_: &Path, t: Ticket| {
        let unit = t.serial.as_deref().and_then(|s| units_by_serial.get(s).copied());
        let refs = TicketRefs {
            state: catalog.iter().find(|s| s.id == t.state),
            customer_exists: customer_ids.contains(t.customer.as_str()),
            item: t.item.as_deref().map(|i| items_by_code.get(i).copied()),
            unit: t.serial.as_ref().map(|_| unit.map(|u| (u, items_by_code.get(u.item.as_str()).copied()))),
            kept_unit: true,
        };
        let mut problems = check_ticket(&t, config, &refs);
        problems.extend(refs.state.and_then(|s| crate::rules::closed_at_problem(&t, s)));
        if let Some(r) = t.request.as_deref().filter(|r| !exists(Kind::Request, r)) {
            problems.push(Problem::new("request", format!("unknown request {r:?}")));
        }
        (t.id, t.customer, problems)
    };
    // Each ticket's customer, for the documents that point at it.
    let mut ticket_customers: HashMap<String, String> = HashMap::new();
    let tickets =
        each(desk, Kind::Ticket, &mut findings, &check_one_ticket, |path, (id, customer, problems), findings| {
            found(findings, path, problems);
            ticket_customers.insert(id, customer);
        })?;
    let check_one_request = |_: &Path, r: Request| {
        let mut problems = check_request(&r);
        if let Some(c) = r.customer.as_deref().filter(|c| !customer_ids.contains(c)) {
            problems.push(Problem::new("customer", format!("unknown customer {c:?}")));
        }
        if let Some(t) = r.ticket.as_deref().filter(|t| !ticket_customers.contains_key(*t) && !exists(Kind::Ticket, t))
        {
            problems.push(Problem::new("ticket", format!("unknown ticket {t:?}")));
        }
        for a in &r.attachments {
            if !root.join(a).is_file() {
                problems.push(Problem::new("attachments", format!("{a} is missing")));
            }
        }
        problems
    };
    let requests = each(desk, Kind::Request, &mut findings, &check_one_request, |path, problems, findings| {
        found(findings, path, problems)
    })?;
    // What history says of the documents is named before them.
    audit.findings_at = findings.len();
    let documents = check_documents(desk, today, &ticket_customers, &customer_ids, &mut audit, &mut findings)?;
    let (ledgers, _) = audit.ledgers(desk, &mut findings)?;
    check_ledger(desk, &documents, ledgers, !unsharded.is_empty(), &mut findings)?;
    check_einvoice_files(&documents, &mut findings);
    // Last: a record made a link was named already by its read.
    for path in desk.links()? {
        let finding =
            Finding::new(path.display().to_string(), "is a symbolic link: tkt never follows links in the desk");
        if !findings.contains(&finding) {
            findings.push(finding);
        }
    }

    let records = states.len() + customers.len() + items.len() + units.len() + tickets + requests + documents.len();
    Ok(Checked { findings, records })
}

impl Checked {
    /// The error of a desk with problems (exit 4), or `None` when it is clean.
    pub fn failure(&self) -> Option<Error> {
        (!self.findings.is_empty()).then(|| {
            Error::refused(format!("{} problem(s) in the desk ({} records read)", self.findings.len(), self.records))
        })
    }
}

/// Findings of one file.
fn found(findings: &mut Vec<Finding>, path: &Path, problems: Vec<Problem>) {
    findings.extend(problems.into_iter().map(|p| Finding::new(path.display().to_string(), p.to_string())));
}

/// Reads every record of a kind, turning unreadable files and duplicate ids into findings.
fn read<T: Keyed + Send>(desk: &Desk, findings: &mut Vec<Finding>) -> Result<Vec<(PathBuf, T)>> {
    let mut good = Vec::new();
    each(desk, T::KIND, findings, &|_, r: T| r, |path, r, _| good.push((path.to_path_buf(), r)))?;
    Ok(good)
}

/// Reads the records of a kind, `prepare` making on every core what the checks need of
/// each, and gives that to `take` in the order of the files, turning unreadable files,
/// duplicate ids and open sync conflicts into findings; returns how many were good.
///
/// The records come through the cache, which is never wrong: a file unchanged since it was
/// read well (its size, times and inode, as git trusts them) is not parsed again, and one
/// that changed — or that another tkt read — is. Broken files are never cached.
fn each<T: Record + Send, U: Send>(
    desk: &Desk,
    kind: Kind,
    findings: &mut Vec<Finding>,
    prepare: &(dyn Fn(&Path, T) -> U + Sync),
    mut take: impl FnMut(&Path, U, &mut Vec<Finding>),
) -> Result<usize> {
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    // A record reads only at its id's path or, for tickets, where an older tkt kept it
    // (`store::misplaced`): only there can one id be read twice (the ids and paths of
    // 100,000 invoices are 13 MB not to hold).
    let twice = kind.sharded();
    let mut good = 0;
    let keep = |path: &Path, r: T| (r.id().to_string(), open_conflicts(path, &r), prepare(path, r));
    for (path, record) in desk.read_each(kind, &keep)? {
        match record {
            Ok((id, conflicts, r)) => {
                findings.extend(conflicts);
                if let Some(first) = twice.then(|| seen.insert(id.clone(), path.clone())).flatten() {
                    findings.push(Finding::new(
                        path.display().to_string(),
                        format!("duplicate id {id} (also in {})", first.display()),
                    ));
                }
                good += 1;
                take(&path, r, findings);
            }
            Err(e) => findings.push(Finding::from_error(&path, &e)),
        }
    }
    Ok(good)
}

/// What the checks across documents need of each one: the documents themselves are not
/// all kept in memory (300,000 of them would not fit in what `check` promises to use), and
/// the path follows from the kind and id (a record whose id disagrees with its path does
/// not read).
struct DocUnderCheck {
    id: String,
    kind: DocKind,
    /// `invoice`, `credit_note` and `ddt_in`.
    /// Boxed, and only when there is one: most documents point at no other.
    links: Option<Box<[Option<String>; 3]>>,
    sources: Vec<String>,
    value: Money,
    /// What the buyer withholds or pays the State itself: not paid to the seller.
    withheld: Money,
    /// Its taxable amount, for credit notes cancelling their invoice line by line.
    net: Money,
    customer: String,
    date: chrono::NaiveDate,
    /// The file it was exported as, whether it is not sent yet, and every file whose name
    /// it holds at SDI ([`super::einvoice::names_file`]).
    einvoice: Option<Box<(String, bool, Vec<String>)>>,
    problems: Vec<Problem>,
}

impl DocUnderCheck {
    /// `invoice`, `credit_note` or `ddt_in` (0, 1, 2).
    fn link(&self, at: usize) -> Option<&str> {
        self.links.as_ref().and_then(|l| l[at].as_deref())
    }

    fn path(&self) -> PathBuf {
        Kind::Document(self.kind).path_for(&self.id).expect("a document that read has the id of its path")
    }
}

/// The fiscal documents ever committed, per kind: each one's path and first version.
type Ledgers = BTreeMap<DocKind, BTreeMap<PathBuf, FirstVersion>>;

/// Every fiscal document ever committed on this branch, with its first version, and apart
/// those only git's reflog still has (committed, then reset away): history read whole, on
/// a thread of its own while the records are read and checked (at 100,000 tickets and
/// 400,000 commits each takes seconds).
struct Audit {
    reading: Option<std::thread::JoinHandle<Result<Vec<crate::git::Audited>>>>,
    ledgers: (Ledgers, Ledgers),
    /// Where in the findings what history says of them goes.
    findings_at: usize,
}

impl Audit {
    fn start(desk: &Desk) -> Result<Audit> {
        let reading = match desk.repo() {
            Some(repo) => {
                let repo = repo.another()?;
                let thread = std::thread::Builder::new().name("history".into());
                let reading = thread.spawn(move || {
                    let dirs: Vec<&Path> = Self::kinds().map(|k| Path::new(k.dir())).collect();
                    repo.audit_ledgers(&dirs)
                });
                Some(reading.map_err(|e| Error::failure(format!("cannot start reading git history: {e}")))?)
            }
            None => None,
        };
        Ok(Audit { reading, ledgers: Default::default(), findings_at: 0 })
    }

    fn kinds() -> impl Iterator<Item = DocKind> {
        DocKind::ALL.into_iter().filter(|k| k.is_fiscal())
    }

    /// The ledgers (and those of the reflog), once history is read.
    fn ledgers(&mut self, desk: &Desk, findings: &mut Vec<Finding>) -> Result<(&Ledgers, &Ledgers)> {
        if let Some(reading) = self.reading.take() {
            let audited = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            let mut named = Vec::new();
            for (kind, audited) in Self::kinds().zip(audited) {
                // What other commands read instead of history, checked against it.
                if let Some(kept) = audited.kept_differs {
                    named.push(Finding::new(
                        kept.strip_prefix(desk.root()).unwrap_or(&kept).display().to_string(),
                        "the first versions kept of these documents differ from git history (a cache damaged or \
                         edited): removed, history is read whole again",
                    ));
                }
                self.ledgers.0.insert(kind, audited.first);
                self.ledgers.1.insert(kind, audited.reset_away);
            }
            let at = self.findings_at.min(findings.len());
            findings.splice(at..at, named);
        }
        Ok((&self.ledgers.0, &self.ledgers.1))
    }
}

/// The documents dated no earlier than the invoice or credit note they point at.
const SETTLES: [DocKind; 3] = [DocKind::Payment, DocKind::Refund, DocKind::CreditNote];

/// Documents: their own consistency, the records and documents they point at, sources
/// billed once, credit notes and refunds within what they may take, and numbering without
/// duplicates or (for fiscal documents) gaps. Each is checked on its own as it is read;
/// what needs the others is checked on their facts.
/// Return DDTs that together send back more than their ddt-in brought (two clones each
/// returning the unit offline, merged by sync — `ticket ship` refuses it on one clone):
/// named on the one that went beyond, in the order of their numbers.
fn returned_beyond_problems(desk: &Desk, returns: &[Document], facts: &mut [DocUnderCheck]) {
    let mut of: BTreeMap<&str, Vec<&Document>> = BTreeMap::new();
    for r in returns {
        of.entry(crate::rules::returns_goods_of(r).unwrap_or_default()).or_default().push(r);
    }
    for (received, mut returns) in of {
        let Ok(received) = desk.load_doc(received) else { continue };
        returns.sort_by_key(|r| SequenceId::parse(&r.id).map(|s| (s.year, s.seq)));
        for k in 0..returns.len() {
            let Some(over) = crate::rules::returned_beyond(&received, &returns[..k], &returns[k].lines) else {
                continue;
            };
            let before: Vec<&str> = returns[..k].iter().map(|r| r.id.as_str()).collect();
            let (what, brought) = (&over.what, over.brought);
            let why = match before.is_empty() {
                true => format!("{what}: this return sends back more than {} brought ({brought})", received.id),
                false => format!(
                    "{what}: {} brought {brought}, and {} sent back {} before this return: goods are returned once",
                    received.id,
                    before.join(", "),
                    over.sent
                ),
            };
            let problem = Problem::new("lines", why);
            if let Some(f) = facts.iter_mut().find(|f| f.id == returns[k].id && f.kind == DocKind::DdtOut) {
                f.problems.push(problem);
            }
        }
    }
}

fn check_documents(
    desk: &Desk,
    today: chrono::NaiveDate,
    tickets: &HashMap<String, String>,
    customers: &HashSet<&str>,
    audit: &mut Audit,
    findings: &mut Vec<Finding>,
) -> Result<Vec<DocUnderCheck>> {
    let (numbering, root) = (&desk.config.numbering, desk.root());
    let item_codes: HashSet<String> = desk
        .files(Kind::Item)?
        .iter()
        .filter_map(|f| f.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect();
    let check_one = |_: &Path, d: Document| {
        let mut problems = check_issued_document(&d, today);
        let prefixes = numbering.prefixes_of(Kind::Document(d.kind));
        if SequenceId::parse(&d.id).is_none_or(|s| !prefixes.contains(&s.prefix.as_str())) {
            let article = if d.kind.noun().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            problems.push(Problem::new(
                "id",
                format!(
                    "{article} {} id starts with {}- (after a change of prefix, tkt.toml names the old one under \
                     [numbering.former_prefixes])",
                    d.kind, prefixes[0]
                ),
            ));
        }
        // A ticket file that exists but does not parse is reported once, on its own.
        if let Some(t) =
            d.ticket.as_deref().filter(|t| !tickets.contains_key(*t) && !record_exists(root, Kind::Ticket, t))
        {
            problems.push(Problem::new("ticket", format!("unknown ticket {t:?}")));
        }
        // A document is its ticket's customer's (found by a review: a ticket deleted by hand
        // and its number given again handed its documents to another customer).
        if let Some((t, c)) =
            d.ticket.as_deref().and_then(|t| Some((t, tickets.get(t)?))).filter(|(_, c)| **c != d.customer)
        {
            problems
                .push(Problem::new("customer", format!("{} is not the customer of its ticket {t} ({c})", d.customer)));
        }
        if !customers.contains(d.customer.as_str()) {
            problems.push(Problem::new("customer", format!("unknown customer {:?}", d.customer)));
        }
        // The items a document's lines and materials name (a review: a material's item
        // deleted, check was clean and `ticket invoice` refused).
        let items = d
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((format!("lines[{}].item", i + 1), l.item.as_deref()?)));
        let used = d.materials.iter().enumerate().map(|(i, m)| (format!("materials[{}].item", i + 1), m.item.as_str()));
        for (field, code) in items.chain(used) {
            if !item_codes.contains(code) {
                problems.push(Problem::new(field, format!("unknown item {code:?}")));
            }
        }
        let einvoice = einvoice_file(&d).map(|f| {
            let named = super::einvoice::files_named(&d).into_iter().map(str::to_string).collect();
            Box::new((f.to_string(), sdi_state(&d) == SdiState::Exported, named))
        });
        let links = [d.invoice.clone(), d.credit_note.clone(), d.ddt_in.clone()];
        let facts = DocUnderCheck {
            id: d.id.clone(),
            kind: d.kind,
            links: links.iter().any(Option::is_some).then(|| Box::new(links)),
            sources: d.sources.clone(),
            value: d.value(),
            withheld: crate::rules::Ledgered::withheld(&d),
            net: crate::rules::net_of(&d),
            customer: d.customer.clone(),
            date: d.date,
            einvoice,
            problems,
        };
        // Credit notes and returns are few, and checked against their invoices and ddt-ins
        // in full (boxed: a document is kilobytes, and each file's result is as large as
        // the largest).
        let whole = d.kind == DocKind::CreditNote || crate::rules::returns_goods_of(&d).is_some();
        (facts, whole.then(|| Box::new(d)))
    };
    // Made to measure: grown by doubling, the list of 300,000 documents held room for
    // 524,288 and, while it grew, the old list beside the new one (130 MB at its peak).
    let mut count = 0;
    for kind in DocKind::ALL {
        count += desk.files(Kind::Document(kind))?.len();
    }
    let mut facts = Vec::with_capacity(count);
    let (mut credit_notes, mut returns): (Vec<Document>, Vec<Document>) = Default::default();
    for kind in DocKind::ALL {
        each(desk, Kind::Document(kind), findings, &check_one, |_, (f, whole), _| {
            facts.push(f);
            match whole.map(|d| *d) {
                Some(d) if d.kind == DocKind::CreditNote => credit_notes.push(d),
                Some(d) => returns.push(d),
                None => {}
            }
        })?;
    }
    returned_beyond_problems(desk, &returns, &mut facts);

    let by_id: HashMap<&str, (DocKind, &str, chrono::NaiveDate)> =
        facts.iter().map(|d| (d.id.as_str(), (d.kind, d.customer.as_str(), d.date))).collect();
    let mut notes_of: BTreeMap<&str, Vec<&Document>> = BTreeMap::new();
    for n in &credit_notes {
        if let Some(invoice) = n.invoice.as_deref() {
            notes_of.entry(invoice).or_default().push(n);
        }
    }
    // A credit note names its invoice's date as the invoice has it: its e-invoice and its
    // print carry it (found by a fiscal audit: a hand-made one's wrong date went out).
    let mut misdated: HashMap<&str, Problem> = credit_notes
        .iter()
        .filter_map(|n| {
            let (invoice, said) = (n.invoice.as_deref()?, n.invoice_date?);
            let &(kind, _, date) = by_id.get(invoice)?;
            let why = format!("{said} is not the date of {invoice} ({date})");
            (kind == DocKind::Invoice && said != date).then(|| (n.id.as_str(), Problem::new("invoice_date", why)))
        })
        .collect();
    let mut refunded: HashMap<&str, rust_decimal::Decimal> = HashMap::new();
    for r in facts.iter().filter(|r| r.kind == DocKind::Refund) {
        if let Some(note) = r.link(1) {
            *refunded.entry(note).or_default() += r.value.0;
        }
    }
    // Money in and out per invoice: what was paid on it, what was refunded on its notes.
    type Sums<'a> = HashMap<&'a str, rust_decimal::Decimal>;
    let (mut paid, mut refunded_on): (Sums, Sums) = Default::default();
    for p in facts.iter().filter(|p| p.kind == DocKind::Payment) {
        if let Some(invoice) = p.link(0) {
            *paid.entry(invoice).or_default() += p.value.0;
        }
    }
    for n in &credit_notes {
        if let (Some(invoice), Some(sum)) = (n.invoice.as_deref(), refunded.get(n.id.as_str())) {
            *refunded_on.entry(invoice).or_default() += *sum;
        }
    }
    let mut billed: HashMap<&str, &str> = HashMap::new();
    let mut later: Vec<(usize, Problem)> = Vec::new();
    for (i, d) in facts.iter().enumerate() {
        let points_at = |field: &str, id: &str, kinds: &[DocKind]| -> Option<Problem> {
            match by_id.get(id) {
                // A payment, a refund, a credit note or a return DDT is its document's
                // customer's (found by a review: a payment named another's invoice).
                Some((kind, customer, _)) if kinds.contains(kind) && *customer != d.customer => {
                    Some(Problem::new(field, format!("{id} is {customer}'s, not {}'s", d.customer)))
                }
                // Money moves, and an invoice is credited, not before the document it
                // settles or credits (as `doc pay`, `doc refund` and `doc credit` refuse).
                Some((kind, _, date)) if kinds.contains(kind) && SETTLES.contains(&d.kind) && *date > d.date => {
                    Some(Problem::new("date", format!("{} is dated before {id} of {date}", d.date)))
                }
                Some((kind, ..)) if kinds.contains(kind) => None,
                Some((kind, ..)) => Some(Problem::new(field, format!("{id} is {}, not {}", kind.a(), kinds[0].a()))),
                None => Some(Problem::new(field, format!("unknown document {id:?}"))),
            }
        };
        let fields = [
            ("invoice", &[DocKind::Invoice][..]),
            ("credit_note", &[DocKind::CreditNote][..]),
            ("ddt_in", &[DocKind::DdtIn][..]),
        ];
        for (at, (field, kinds)) in fields.into_iter().enumerate() {
            later.extend(d.link(at).and_then(|id| points_at(field, id, kinds)).map(|p| (i, p)));
        }
        // An invoice its credit notes cancel whole bills nothing any more (two clones that
        // invoiced one job, one invoice then credited): its sources are not billed twice.
        let notes = notes_of.get(d.id.as_str());
        let credited = Money(notes.map(|n| n.iter().map(|n| crate::rules::net_of(n).0).sum()).unwrap_or_default());
        let cancelled = notes.is_some() && crate::rules::cancels(credited, d.net);
        for source in &d.sources {
            later.extend(points_at("sources", source, &[DocKind::WorkReport, DocKind::DdtOut]).map(|p| (i, p)));
            if cancelled {
                continue;
            }
            if let Some(first) = billed.insert(source.as_str(), d.id.as_str()) {
                later.push((i, Problem::new("sources", format!("{source} is already billed by {first}"))));
            }
        }
        if d.kind == DocKind::Invoice {
            let (paid, refunds) = (paid.get(d.id.as_str()).copied(), refunded_on.get(d.id.as_str()).copied());
            let (paid, refunds) = (paid.unwrap_or_default(), refunds.unwrap_or_default());
            // Two clones each recording the customer's payment, merged by sync; what the
            // buyer withholds, or pays the State itself (split payment), is never paid to the
            // seller (found by a fiscal review: 109.80 paid on a PA's invoice of 90.00 due).
            let payable = d.value.0 - d.withheld.0;
            if paid > payable {
                let of = match d.withheld.0.is_zero() {
                    true => format!("an invoice of {}", d.value),
                    false => format!("an invoice of {} of which {} is paid to the seller", d.value, Money(payable)),
                };
                later.push((i, Problem::new("balance", format!("payments total {} on {of}", Money(paid)))));
            }
            // Money going back that never came in.
            if refunds > paid {
                later.push((
                    i,
                    Problem::new(
                        "balance",
                        format!(
                            "refunds on its credit notes total {}, more than was paid ({})",
                            Money(refunds),
                            Money(paid)
                        ),
                    ),
                ));
            }
            if let Some(notes) = notes_of.get(d.id.as_str()) {
                // Read again: only invoices with credit notes are needed whole.
                if let Ok(invoice) = desk.read_file::<Document>(&desk.found_at(&d.path())) {
                    later.extend(credit_problems(&invoice, notes).into_iter().map(|p| (i, p)));
                }
            }
        }
        if d.kind == DocKind::CreditNote {
            later.extend(misdated.remove(d.id.as_str()).map(|p| (i, p)));
            let refunds = refunded.get(d.id.as_str()).copied().unwrap_or_default();
            if refunds > d.value.0 {
                later.push((
                    i,
                    Problem::new("balance", format!("refunds total {refunds} on a credit note of {}", d.value)),
                ));
            }
        }
    }
    drop((by_id, notes_of, refunded, billed, paid, refunded_on));
    for (i, p) in later {
        facts[i].problems.push(p);
    }
    // Named where each file is (on a desk not upgraded yet, where an older tkt kept it).
    for d in facts.iter_mut().filter(|d| !d.problems.is_empty()) {
        found(findings, &desk.found_at(&d.path()), std::mem::take(&mut d.problems));
    }
    // Numbering per kind, year and series, one sequence across a kind's present and former
    // prefixes: (kind, year, series) -> (number, prefix) used. Gaps are looked up in history.
    let (ledgers, reset_away) = audit.ledgers(desk, findings)?;
    type Series = (DocKind, Option<i32>, Option<String>);
    let mut sequences: BTreeMap<Series, Vec<(u32, String)>> = BTreeMap::new();
    let mut dated: BTreeMap<Series, Vec<(u32, &str, chrono::NaiveDate)>> = BTreeMap::new();
    for d in &facts {
        if let Some(s) = SequenceId::parse(&d.id) {
            if d.kind.is_fiscal() {
                dated.entry((d.kind, s.year, s.series.clone())).or_default().push((s.seq, &d.id, d.date));
            }
            sequences.entry((d.kind, s.year, s.series)).or_default().push((s.seq, s.prefix));
        }
    }
    for ((kind, year, _), mut register) in dated {
        let folder = format!("{}/{}", kind.dir(), year.map(|y| y.to_string()).unwrap_or_default());
        findings.extend(out_of_date_order(&mut register).into_iter().map(|why| Finding::new(folder.clone(), why)));
    }
    let mut last_of: HashMap<Series, u32> = HashMap::new();
    for ((kind, year, series), mut seqs) in sequences {
        seqs.sort_unstable();
        let id = |(seq, prefix): (u32, &str)| {
            SequenceId { prefix: prefix.to_string(), year, seq, series: series.clone() }.to_string()
        };
        let folder = format!("{}/{}", kind.dir(), year.map(|y| y.to_string()).unwrap_or_default());
        for pair in seqs.windows(2) {
            if pair[0].0 == pair[1].0 {
                let twice = if pair[0].1 == pair[1].1 {
                    id((pair[0].0, &pair[0].1))
                } else {
                    format!(
                        "{} (as {})",
                        pair[0].0,
                        [id((pair[0].0, &pair[0].1)), id((pair[1].0, &pair[1].1))].join(" and ")
                    )
                };
                findings.push(Finding::new(folder.clone(), format!("number {twice} is used twice")));
            }
        }
        if kind.is_fiscal() {
            let present: HashSet<u32> = seqs.iter().map(|(seq, _)| *seq).collect();
            let ledger = ledgers.get(&kind);
            let logged = desk.issued_blobs(Path::new(&folder));
            let missing = |id: &str| missing_fiscal(desk, kind, id, [ledger, reset_away.get(&kind)], &logged);
            // A file there that does not read is named on its own, not as a gap.
            let there = |seq: u32, prefix: &str| record_exists(root, Kind::Document(kind), &id((seq, prefix)));
            for seq in 1..seqs.last().map_or(0, |(seq, _)| *seq) {
                // Named with the prefix of the next number given.
                let next = seqs.iter().find(|(s, _)| *s > seq).map_or("", |(_, p)| p.as_str());
                if !present.contains(&seq) && !there(seq, next) {
                    findings.extend(missing(&id((seq, next))).map(|why| Finding::new(folder.clone(), why)));
                }
            }
        }
        last_of.insert((kind, year, series), seqs.last().map_or(0, |(seq, _)| *seq));
    }
    // One this clone issued or committed and history has lost since (a `git reset`: its
    // log, or git's reflog when `.tkt/` went too) above the last of its register, or the
    // only one of it (found by a fiscal audit: the year's one invoice reset away left check
    // clean); one below the last is a gap, named above.
    for kind in DocKind::ALL.into_iter().filter(|k| k.is_fiscal()) {
        let gone = reset_away.get(&kind);
        let logged = desk.issued_files(Kind::Document(kind)).into_iter().map(|(path, _)| path);
        let lost: BTreeSet<PathBuf> = logged.chain(gone.into_iter().flat_map(|g| g.keys().cloned())).collect();
        for path in lost {
            let Some((id, s)) =
                path.file_stem().and_then(|s| s.to_str()).and_then(|i| Some((i, SequenceId::parse(i)?)))
            else {
                continue;
            };
            let above = last_of.get(&(kind, s.year, s.series.clone())).is_none_or(|last| s.seq > *last);
            if above && !record_exists(root, Kind::Document(kind), id) {
                let folder = crate::model::year_folder(&path).unwrap_or_default();
                let logged = desk.issued_blobs(&folder);
                let why = missing_fiscal(desk, kind, id, [ledgers.get(&kind), gone], &logged);
                findings.extend(why.map(|why| Finding::new(folder.display().to_string(), why)));
            }
        }
    }
    Ok(facts)
}

/// The numbers of one fiscal register (kind, year, series) dated before a lower number:
/// a register is numbered in date order (art. 21 DPR 633/72), which a number issued while
/// the last document's file was missing, or a date edited by hand, breaks.
fn out_of_date_order(register: &mut [(u32, &str, chrono::NaiveDate)]) -> Vec<String> {
    register.sort_unstable();
    let mut latest: Option<(&str, chrono::NaiveDate)> = None;
    let mut found = Vec::new();
    for &(_, id, date) in register.iter() {
        match latest {
            Some((before, its)) if date < its => found.push(format!(
                "{id} is dated {date}, before {before} of {its}: fiscal documents are numbered in date order, \
                 and a number issued is never changed (ask your accountant how to regularise it)"
            )),
            _ => latest = Some((id, date)),
        }
    }
    found
}

/// Why the fiscal number `id`, missing from the desk, is missing, and how to put it back:
/// `None` when history has it (the ledger's check names it, with its commit to restore).
/// The number is looked for under each of the kind's prefixes: a gap is named with the next
/// number's, and the missing one may have been issued under a former prefix.
fn missing_fiscal(
    desk: &Desk,
    kind: DocKind,
    id: &str,
    [ledger, gone]: [Option<&BTreeMap<PathBuf, FirstVersion>>; 2],
    logged: &HashMap<String, String>,
) -> Option<String> {
    let sequence = SequenceId::parse(id)?;
    let kind = Kind::Document(kind);
    let ids: Vec<String> = desk
        .config
        .numbering
        .prefixes_of(kind)
        .iter()
        .map(|p| SequenceId { prefix: p.to_string(), ..sequence.clone() }.to_string())
        .collect();
    let path_of = |id: &str| kind.path_for(id).ok();
    if ids.iter().filter_map(|i| path_of(i)).any(|p| ledger.is_some_and(|l| l.contains_key(&p))) {
        return None;
    }
    let in_log = desk.issued_log(kind, id_year(id));
    let issued = ids.iter().find(|i| logged.contains_key(*i) || in_log.contains(*i));
    let kept = issued.and_then(|i| logged.get(i).filter(|b| desk.repo().is_some_and(|r| r.blob(b).is_some())));
    // Committed, and only git's reflog has it now (`.tkt/` gone with its log).
    let reset_away = ids.iter().find_map(|i| Some((i, gone?.get(&path_of(i)?)?)));
    if let (None, Some((id, first))) = (issued, reset_away) {
        return Some(format!(
            "{id} was committed ({}, by {}) and is gone from the desk and its history (a git reset?): restore it \
             with `git cat-file blob {} > {}` and commit it; never reuse its number",
            first.commit,
            first.author,
            first.blob,
            path_of(id)?.display()
        ));
    }
    Some(match (issued, kept) {
        (Some(issued), Some(blob)) => format!(
            "{issued} was issued by this clone (.tkt/issued) and is gone from the desk and its history (a git \
             reset?): restore it with `git cat-file blob {blob} > {}` and commit it; never reuse its number",
            path_of(issued)?.display()
        ),
        (Some(issued), None) => format!(
            "{issued} was issued by this clone (.tkt/issued) and is gone from the desk and its history (never reuse \
             its number; `git reflog` may still have it)"
        ),
        (None, _) => format!(
            "{id} is missing and no commit of this branch has it: fiscal numbering has a gap (never renumber; look \
             for it with `git log --all -- {}` and `git reflog`, or sync the clone that issued it; a number never \
             issued was skipped: say why in the register)",
            path_of(id)?.display()
        ),
    })
}

fn id_year(id: &str) -> i32 {
    SequenceId::parse(id).and_then(|s| s.year).unwrap_or_default()
}

/// Documents exported under one file name (clones that exported offline without a series
/// each): SDI refuses the second file of a name it receives.
fn check_einvoice_files(documents: &[DocUnderCheck], findings: &mut Vec<Finding>) {
    // Every file whose name each document holds: one it replaced that SDI had keeps its name
    // (found by an SDI attack: another clone's offline export under a rejected file's
    // progressivo was named by nothing, and could be neither sent nor exported again).
    let mut by_file: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in documents {
        if let Some((_, _, ever)) = d.einvoice.as_deref() {
            for file in ever {
                by_file.entry(file).or_default().push(&d.id);
            }
        }
    }
    for d in documents {
        let Some((file, not_sent, _)) = d.einvoice.as_deref() else { continue };
        let others: Vec<&str> = by_file[file.as_str()].iter().copied().filter(|id| *id != d.id).collect();
        if !others.is_empty() {
            let what = if *not_sent {
                format!("it was not sent yet: export it again (`tkt doc export {}`)", d.id)
            } else {
                "it went to SDI: the other, not sent yet, is exported again".to_string()
            };
            findings.push(Finding::new(
                d.path().display().to_string(),
                format!(
                    "exported as {file}, like {}: SDI refuses the second file of one name it receives; {what}; \
                     give each clone its own series",
                    others.join(", ")
                ),
            ));
        }
    }
}

/// How many commits back the first check of a clone looks for what happened taken away.
const FIRST_LOOK_BACK: usize = 200;

/// Tickets and requests whose notes or history a commit took away (an editor's older copy
/// committed with plain git: found by a careless-office attack, check was clean and only a
/// sync would have told), in the commits since the last check that found none (in
/// `.tkt/history-checked`; the last 200 the first time), as sync refuses to publish them.
fn check_what_happened(desk: &Desk, repo: &crate::git::Repo, findings: &mut Vec<Finding>) -> Result<()> {
    let Some(head) = repo.head()? else { return Ok(()) };
    let mark = desk.abs(Path::new(LOCAL_DIR)).join("history-checked");
    let checked = std::fs::read_to_string(&mark).ok().map(|s| s.trim().to_string());
    let from = match checked {
        Some(c) if c == head => return Ok(()),
        Some(c) if repo.is_ancestor(&c, &head).unwrap_or(false) => c,
        _ => repo.back_from(&head, FIRST_LOOK_BACK)?,
    };
    let lost = crate::sync::taken_away_between(repo, &from, &head, true)?;
    if lost.is_empty() {
        // Only a mark for the next look: a clone that cannot write it looks again.
        let _ = crate::files::write_atomic(&mark, format!("{head}\n").as_bytes());
    }
    for (path, problem) in lost {
        findings.push(Finding::new(
            path.display().to_string(),
            format!(
                "{problem}: put it back (`git log -p -- {}` shows what was taken away) and commit; sync publishes \
                 none of it until then",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// Fiscal documents against git history, the ledger: one that was ever committed still
/// exists, and says what it said when it was first committed (keys added by hand, which
/// tkt does not know, are annotations and may change). `kept_flat`: the desk still keeps
/// records as an older tkt did, where a document gone goes back.
fn check_ledger(
    desk: &Desk,
    documents: &[DocUnderCheck],
    ledgers: &Ledgers,
    kept_flat: bool,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    // By kind and id, not by path: 300,000 paths held 35 MB.
    let present: HashSet<(DocKind, &str)> = documents.iter().map(|d| (d.kind, d.id.as_str())).collect();
    let mut logs: HashMap<PathBuf, HashMap<String, String>> = HashMap::new();
    for (kind, ledger) in ledgers {
        for (path, first) in ledger {
            let Some(id) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            let folder = crate::model::year_folder(path).unwrap_or_default();
            let logged = logs.entry(folder).or_insert_with_key(|dir| desk.issued_blobs(dir));
            if let Some(why) = super::documents::rewritten_after_issue(path, first, logged) {
                findings.push(Finding::new(path.display().to_string(), why));
                continue;
            }
            let here = || Kind::Document(*kind).path_for(id).is_ok_and(|at| at == *path);
            if !(present.contains(&(*kind, id)) && here()) {
                // A file committed under a number's name that was never this register's
                // document (a ticket dropped here, `INV-2026-0006-BAK.yaml`): its id is not
                // its name (found by a review: check named it for good).
                let read = desk.repo().and_then(|r| r.first_content(first).ok());
                let value = read.and_then(|b| crate::model::from_yaml::<serde_yaml::Value>(&b).ok());
                let field = |v: &serde_yaml::Value, key: &str| v.get(key).and_then(|x| x.as_str()).map(str::to_string);
                let foreign = value.is_some_and(|v| {
                    field(&v, "id").as_deref() != Some(id) || field(&v, "kind").as_deref() != Some(kind.noun())
                });
                if foreign {
                    continue;
                }
                if !desk.abs(&desk.found_at(path)).exists() {
                    let old = crate::model::unsharded_path(path).filter(|_| kept_flat);
                    let at = old.as_deref().unwrap_or(path);
                    findings.push(Finding::new(
                        at.display().to_string(),
                        format!(
                            "{id}, issued in commit {} by {}, no longer exists: a fiscal document is never deleted \
                             (restore it with `{}`; correct it with a credit note)",
                            first.commit,
                            first.author,
                            first.restore_to(path, at)
                        ),
                    ));
                }
                continue;
            }
            // On a desk not upgraded yet, the file is where an older tkt kept it.
            let file = desk.found_at(path);
            if std::fs::read(desk.abs(&file)).is_ok_and(|bytes| content_hash(&bytes) == first.blob) {
                continue;
            }
            // Read again: only documents whose file changed since their issue are needed whole.
            let Ok(now) = desk.read_file::<Document>(&file) else { continue };
            let fields = super::documents::changed_since_issue(desk, &file, first, &now);
            if fields.is_empty() {
                continue;
            }
            findings.push(Finding::new(
                file.display().to_string(),
                format!(
                    "{} changed since it was issued in commit {}: an issued fiscal document never changes \
                     (restore it with `{}`; correct it with a credit note)",
                    fields.join(", "),
                    first.commit,
                    first.restore_to(path, &file)
                ),
            ));
        }
    }
    // A fiscal document's file no commit has was never issued (found by a careless-office
    // attack: the file of a killed `ticket invoice`, hidden by a `git stash` from the command
    // that would have taken it back, was billed on statements and check said nothing).
    // One an interrupted command wrote is named as such, above.
    if desk.repo().is_some() {
        let interrupted: HashSet<PathBuf> = desk.pending()?.map(|p| p.paths.into_iter().collect()).unwrap_or_default();
        for doc in documents.iter().filter(|d| d.kind.is_fiscal()) {
            let path = doc.path();
            if !interrupted.contains(&path) && !ledgers.get(&doc.kind).is_some_and(|ledger| ledger.contains_key(&path))
            {
                findings.push(Finding::new(
                    path.display().to_string(),
                    format!(
                        "no commit in git history has it: never issued (a copy made by hand, a command cut short), \
                         or its commit was taken away (a `git reset`) — commit it with git to issue it, or move it \
                         out of {}",
                        path.parent().unwrap_or(&path).display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A field name as a shell takes it: quoted when it holds more than letters, digits, `.`,
/// `_` and `-` (a note's field has brackets).
fn shell_word(field: &str) -> String {
    if field.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        field.to_string()
    } else {
        format!("'{}'", field.replace('\'', r"'\''"))
    }
}

/// Conflicts a sync recorded in a record (`conflicts:`), until a person resolves them,
/// each with the command that resolves it.
fn open_conflicts<T: Record>(path: &Path, record: &T) -> Vec<Finding> {
    let command = match record.kind() {
        Kind::Ticket | Kind::Customer | Kind::Item | Kind::Equipment => {
            Some(format!("tkt {} edit {}", record.kind().noun(), record.id()))
        }
        _ => None,
    };
    crate::model::conflicts_in(record.extra())
        .into_iter()
        .map(|c| {
            let by = c.other.who();
            let resolve = match &command {
                Some(command) => format!("resolve: {command} --resolve {}", shell_word(&c.field)),
                None => format!("resolve: remove its entry from `{CONFLICTS}:` in the file"),
            };
            Finding::new(
                path.display().to_string(),
                format!(
                    "sync conflict on {}: kept {:?}, other {:?}{} ({resolve})",
                    c.field,
                    c.kept.text(),
                    c.other.text(),
                    if by.is_empty() { String::new() } else { format!(" by {by}") },
                ),
            )
        })
        .collect()
}
