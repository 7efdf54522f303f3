//! What a message becomes: an e-mail (one, or a maildir from cron) or a support-form post
//! turns into a request (and, with `creates = "ticket"`, its ticket), or a note on the
//! ticket or request it answers. Duplicates and automatic mail change nothing; customers
//! are matched by address or VAT number; a serial named in the text is linked;
//! attachments are stored under `attachments/<record>/`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::desk::{Desk, ATTACHMENTS_DIR, MAX_RECORD_BYTES};
use crate::files::case_folded;
use crate::git::content_hash;
use crate::intake::{
    certified_envelope, certified_original, find_tags, from_pec_provider, is_forward, on_behalf_of, parse_form,
    parse_mail, parse_receipt, pec_receipt_type, safe_file_name, strip_quoted, too_many_parts, Attachment, Mail,
    Receipt,
};
use crate::model::{
    Channel, Contact, Creates, Customer, Equipment, Instant, Kind, Note, Request, RequestStatus, StrangerTag, Ticket,
};
use crate::rules::{refuse_if_any, transition as move_ticket, Problem};
use crate::{Error, ErrorKind, Result};

use super::einvoice::record_receipts_locked;
use super::request::{new_request, number_request, promote_request, Promotion};
use super::Env;

/// The largest form post read.
pub const MAX_FORM_BYTES: u64 = 1024 * 1024;

/// Imports one e-mail message.
pub fn import_email(env: &Env, bytes: &[u8]) -> Result<Delivered> {
    let _lock = env.lock()?;
    deliver_mail(env, bytes, &mut MessageIndex::build(env)?)
}

/// What a maildir import did: each message delivered (file name, outcome), in order, and
/// the messages left in `new/` with why.
#[derive(Debug, Default)]
pub struct MaildirImport {
    pub delivered: Vec<(String, Delivered)>,
    pub failed: Vec<(PathBuf, Error)>,
}

/// Imports every message in `dir/new`; each one imported moves to `dir/cur`, seen. A
/// message that cannot be imported stays in `new/`, the others go on: see
/// [`MaildirImport::failure`]. `progress` is told each message's number and the count.
pub fn import_maildir(env: &Env, dir: &Path, progress: &mut dyn FnMut(usize, usize)) -> Result<MaildirImport> {
    let new = dir.join("new");
    let cur = dir.join("cur");
    if !new.is_dir() {
        return Err(Error::usage(format!("{}: not a maildir (no new/ folder)", dir.display())));
    }
    std::fs::create_dir_all(&cur).map_err(|e| Error::io(&cur, e))?;
    let _lock = env.lock()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&new)
        .map_err(|e| Error::io(&new, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')))
        .collect();
    files.sort();
    let mut done = MaildirImport::default();
    // Nothing new, nothing read: a cron job's run says nothing.
    if files.is_empty() {
        return Ok(done);
    }
    let mut index = MessageIndex::build(env)?;
    for (i, file) in files.iter().enumerate() {
        progress(i + 1, files.len());
        // A message that trips a bug of tkt fails alone (the bug is reported as it
        // happens), and the next ones go on (found by a mail attack: one stranger's forged
        // receipt stopped every later import).
        let delivered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_message(file, env.desk.config.intake.max_message_bytes).and_then(|b| deliver_mail(env, &b, &mut index))
        }))
        .unwrap_or_else(|_| Err(Error::failure("tkt hit a bug reading it (reported above)")));
        match delivered {
            // Delivered (committed) but not moved: imported all the same — its id printed,
            // the run not failed for it (found by a review: it was "not imported", exit 4) —
            // and said; the next run finds it imported.
            Ok(d) => {
                if let Err(e) = move_to_cur(file, &cur) {
                    env.warn(format!("{}: imported, but not moved to cur/: {}", file.display(), e.message));
                }
                done.delivered
                    .push((file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), d));
            }
            Err(e) => {
                // What this message wrote goes, so the next one starts from a clean desk.
                env.desk.undo_writes()?;
                done.failed.push((file.clone(), e))
            }
        }
    }
    for (name, d) in &done.delivered {
        env.say(format!("{name}: {}", d.describe()));
    }
    Ok(done)
}

impl MaildirImport {
    /// The error of an import that left messages in `new/` (exit 4 when every one was
    /// refused), or `None` when all were imported.
    pub fn failure(&self) -> Option<Error> {
        if self.failed.is_empty() {
            return None;
        }
        let refused = self.failed.iter().all(|(_, e)| e.kind == ErrorKind::Refused);
        let lines: Vec<String> = self.failed.iter().map(|(f, e)| format!("  {}: {}", f.display(), e.message)).collect();
        let count = self.delivered.len() + self.failed.len();
        let message =
            format!("{} of {count} messages not imported (left in new/):\n{}", self.failed.len(), lines.join("\n"));
        Some(if refused { Error::refused(message) } else { Error::failure(message) })
    }

    /// The ids a script wants on stdout: new requests or tickets, and notes.
    pub fn delivered_ids(&self) -> Vec<String> {
        self.delivered
            .iter()
            .filter(|(_, d)| matches!(d, Delivered::New { .. } | Delivered::Note(_)))
            .filter_map(|(_, d)| d.id().map(str::to_string))
            .collect()
    }
}

/// Imports one support-form post (JSON or urlencoded, by `content_type` or its look).
pub fn import_form(env: &Env, body: &[u8], content_type: Option<&str>) -> Result<Delivered> {
    let post = parse_form(body, content_type).map_err(form_refusal)?;
    let _lock = env.lock()?;
    let desk = &env.desk;
    let mut problems = Vec::new();
    if let Some(item) = &post.item {
        if !desk.exists(Kind::Item, item) {
            problems.push(Problem::new("item", format!("unknown item {item:?}")));
        }
    }
    if !problems.is_empty() {
        return Err(form_refusal(problems));
    }
    // Matched as a message is: by its address, a person choosing when several customers
    // share it; a Partita IVA, which anyone can type, names a customer only from one of
    // its addresses.
    let (by_address, shared) = customer_by_email(desk, &post.email)?;
    // A customer file that does not read is passed over and named, as for a message (found
    // by a mail attack: one broken file made the form answer every visitor with an error).
    let customers: Vec<Customer> = readable(env, "its posts are taken as an unknown visitor's until it is fixed")?;
    let by_vat = post
        .vat_number
        .as_ref()
        .and_then(|v| customers.iter().find(|c| c.vat_number.as_deref().is_some_and(|cv| same_vat(cv, v))));
    let mut warnings: Vec<String> = shared.into_iter().collect();
    let customer = match by_vat {
        Some(c) if has_address(c, &post.email) => Some(c.id.clone()),
        Some(c) => {
            warnings.push(format!(
                "vat_number {} is {}'s, but {} is not its address: choose the customer",
                post.vat_number.as_deref().unwrap_or_default(),
                c.id,
                post.email
            ));
            None
        }
        None => by_address,
    };
    let mut request = new_request(env, Channel::Form, post.subject.clone());
    request.warnings.extend(warnings);
    request.contact = Contact {
        name: Some(post.name.clone()),
        email: Some(post.email.clone()),
        phone: post.phone.clone(),
        extra: Default::default(),
    };
    request.body = Some(post.description.clone());
    request.item = post.item.clone();
    if customer.is_none() && request.warnings.is_empty() {
        request.warnings.push(format!("unknown customer: {} <{}>", post.name, post.email));
    }
    request.customer = customer;
    if let Some(serial) = &post.serial {
        request.serial = Some(serial.clone());
        // A unit whose file does not read stops no post, as it stops no message (a review).
        // In any case, as a message's (a review: `cv24-104233` was "not registered").
        let known = desk.files(Kind::Equipment)?.into_iter().find_map(|f| {
            let stem = f.file_stem()?.to_str()?;
            stem.eq_ignore_ascii_case(serial).then(|| stem.to_string())
        });
        let serial = known.as_deref().unwrap_or(serial);
        request.serial = Some(serial.to_string());
        match desk.get::<Equipment>(serial) {
            Err(e) => request.warnings.push(format!("{serial} is not linked: {e}")),
            Ok(None) => request.warnings.push(format!("serial {serial} is not registered")),
            Ok(Some(u)) if request.customer.as_deref().is_some_and(|c| c != u.customer) => {
                request.warnings.push(format!("serial {serial} belongs to customer {}", u.customer))
            }
            Ok(Some(u)) => request.item = request.item.or(Some(u.item)),
        }
    }
    finish_request(env, request, vec![], &format!("from the support form ({})", post.email))
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// A new request (and, with `creates = "ticket"`, its ticket).
    New { request: String, ticket: Option<String> },
    /// A note on the ticket or request it answers.
    Note(String),
    /// Already imported into this record.
    Duplicate(String),
    /// Not for a person: an auto-reply, a bounce, bulk mail.
    Skipped(String),
    /// SDI's receipts, arrived by PEC, recorded against their e-invoices: (document, kind).
    Receipts(Vec<(String, String)>),
}

impl Delivered {
    /// The id a script wants on stdout.
    pub fn id(&self) -> Option<&str> {
        match self {
            Delivered::New { ticket: Some(t), .. } => Some(t),
            Delivered::New { request, .. } => Some(request),
            Delivered::Note(id) | Delivered::Duplicate(id) => Some(id),
            Delivered::Skipped(_) | Delivered::Receipts(_) => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Delivered::New { request, ticket: Some(t) } => format!("{request}: new request, opened {t}"),
            Delivered::New { request, ticket: None } => format!("{request}: new request"),
            Delivered::Note(id) => format!("{id}: note added"),
            Delivered::Duplicate(id) => format!("already imported into {id}; nothing changed"),
            Delivered::Skipped(why) => format!("skipped: {why}"),
            Delivered::Receipts(done) if done.is_empty() => "SDI receipts already recorded; nothing changed".into(),
            Delivered::Receipts(done) => {
                let what: Vec<String> = done.iter().map(|(id, kind)| format!("{id} {kind}")).collect();
                format!("SDI receipts recorded: {}", what.join(", "))
            }
        }
    }
}

/// Imports one message: a duplicate or an automatic message changes nothing; a reply
/// becomes a note; anything else a new request.
fn deliver_mail(env: &Env, bytes: &[u8], index: &mut MessageIndex) -> Result<Delivered> {
    let desk = &env.desk;
    let limits = &desk.config.intake;
    if bytes.len() as u64 > limits.max_message_bytes {
        return Err(Error::refused(format!(
            "the message is {} bytes, over intake.max_message_bytes ({})",
            bytes.len(),
            limits.max_message_bytes
        )));
    }
    if let Some(why) = too_many_parts(bytes, limits.max_parts) {
        return Err(Error::refused(format!("the message has {why}")));
    }
    let mail = parse_mail(bytes, content_hash).map_err(Error::refused)?;
    // What a PEC provider writes — an envelope, its receipt of a message the desk sent
    // (which carries that message back, an 8 MB PDF with it: found by a mail attack, it
    // stayed in the maildir for ever), an anomaly's wrapper — carries `postacert.eml`
    // beyond the limits; what it carries is held to them once unwrapped.
    refuse_over_limits(limits, &mail, from_pec_provider(&mail))?;
    if let Some(done) = pec_from_sdi(env, &mail)? {
        return Ok(done);
    }
    // A customer's certified mail is read as the message it carries, within the same limits.
    let mut mail = certified_original(&mail, content_hash).unwrap_or(mail);
    refuse_over_limits(limits, &mail, false)?;
    // A list that is the desk's own address (a Google Workspace group: `List-Id:
    // <assistenza.example.it>` for assistenza@example.it) marks every customer's message
    // as a list's: only what else makes it automatic counts (found by a mail attack: every
    // message and reply was skipped).
    let own_list = |id: &str| own_addresses(desk).any(|a| a.replacen('@', ".", 1).eq_ignore_ascii_case(id));
    let through_own_list = mail.list_id.as_deref().is_some_and(own_list);
    // Such a group writes its own address as the sender of a customer whose domain enforces
    // DMARC (`'Panificio Gatti' via Assistenza`), the customer in `X-Original-Sender`: the
    // customer is the sender (found by a mail attack: an unknown sender's request, and a
    // reply to a closed ticket taken for a colleague's copy).
    if let Some(sender) =
        mail.original_sender.clone().filter(|s| through_own_list && from_the_desk(desk, &mail) && !own_address(desk, s))
    {
        let name = mail.from_name.as_deref().and_then(|n| n.rsplit_once(" via ")).map(|(name, _)| name);
        mail.from_name = name.map(|n| n.trim_matches(['\'', '"', ' ']).to_string()).filter(|n| !n.is_empty());
        mail.from_address = Some(sender);
    }
    // A Message-ID is the sender's word: another sender's message under it is no duplicate.
    if let Some(home) = index.seen(&mail.message_id, mail.from_address.as_deref()) {
        return Ok(Delivered::Duplicate(home.to_string()));
    }
    let automatic = if through_own_list { &mail.automatic_but_list } else { &mail.automatic };
    if let Some(why) = automatic {
        return Ok(Delivered::Skipped(why.clone()));
    }
    let (message_id, thread, from) = (mail.message_id.clone(), mail.thread.clone(), mail.from_address.clone());
    // A record that does not read takes no reply: the message is a request of its own,
    // naming it, until the record is fixed (nothing is lost, and no cron run stops on it).
    let (home, unreadable) = match thread_of(desk, index, &mail)? {
        Some(target) if !record_reads(desk, &target) => {
            let why =
                format!("{target} does not read (tkt check names it): this reply is kept as a request of its own");
            env.warn(why.clone());
            (None, Some((target, why)))
        }
        home => (home, None),
    };
    let delivered = match home {
        None if unreadable.is_some() => request_from_mail(env, mail, bytes, unreadable)?,
        Some(target) => {
            // A tag is text anyone can type, and so are the ids of stored messages a
            // reply's headers name (they travel in every copy of a thread): only the
            // ticket's customer adds to it unchecked.
            let stranger = stranger_to(desk, &target, &mail)?;
            match (stranger, limits.stranger_tag) {
                (Some(why), StrangerTag::Request) => request_from_mail(env, mail, bytes, Some((target, why)))?,
                (why, _) => note_from_mail(env, &target, &mail, bytes, why).map(|()| Delivered::Note(target))?,
            }
        }
        None => request_from_mail(env, mail, bytes, None)?,
    };
    // The next message of the same run sees this one.
    if let Some(home) = delivered.id() {
        index.add(home, Some(&message_id), thread.as_deref(), from.as_deref(), env.now);
    }
    Ok(delivered)
}

/// Refuses a message with more attachments, or a larger one, than `[intake]` allows. An
/// automatic message (a bounce returning a large message, a newsletter of images) is
/// skipped later whatever it holds: refused, it would stay in the maildir and fail every
/// run of a cron job.
///
/// A PEC provider's envelope (`envelope`) is not held to the size of one attachment by the
/// message it carries (`postacert.eml`, the customer's attachments and all): that message
/// is held to the limits on its own, once unwrapped.
fn refuse_over_limits(limits: &crate::model::Intake, mail: &Mail, envelope: bool) -> Result<()> {
    if mail.automatic.is_some() {
        return Ok(());
    }
    if mail.attachments.len() > limits.max_attachments {
        return Err(Error::refused(format!(
            "the message has {} attachments, over intake.max_attachments ({})",
            mail.attachments.len(),
            limits.max_attachments
        )));
    }
    let carried = |name: &str| envelope && name.eq_ignore_ascii_case("postacert.eml");
    let too_big = |a: &&Attachment| a.bytes.len() as u64 > limits.max_attachment_bytes && !carried(&a.name);
    if let Some(big) = mail.attachments.iter().find(too_big) {
        return Err(Error::refused(format!(
            "attachment {:?} is {} bytes, over intake.max_attachment_bytes ({})",
            big.name,
            big.bytes.len(),
            limits.max_attachment_bytes
        )));
    }
    Ok(())
}

/// A PEC message about e-invoices: SDI's receipts it carries are recorded against their
/// documents, and the provider's own receipts of a message tkt sent (accepted, delivered)
/// need nobody. Anything else — a receipt about a file this desk did not export, an
/// undelivered PEC, XML that is no receipt — is for a person: `None`.
fn pec_from_sdi(env: &Env, mail: &Mail) -> Result<Option<Delivered>> {
    // Only SDI speaks for SDI: receipts from anyone else are a message for a person (a
    // stranger could name an e-invoice's file and mark it delivered or rejected).
    let receipts = if from_sdi(env, mail) { sdi_receipts(mail, 0) } else { Vec::new() };
    if !receipts.is_empty() {
        match record_receipts_locked(env, &receipts) {
            Ok(done) => return Ok(Some(Delivered::Receipts(done))),
            Err(e) if e.kind == ErrorKind::NotFound => {
                env.warn(format!("{} ({}): kept as a request", e.message, mail.subject));
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    // A provider's receipt comes from the provider; a customer may forward one with words.
    let provider = mail
        .attachments
        .iter()
        .filter(|_| from_pec_provider(mail))
        .find(|a| a.name.eq_ignore_ascii_case("daticert.xml"));
    match provider.and_then(|a| pec_receipt_type(&a.bytes)).as_deref() {
        Some(kind @ ("accettazione" | "presa-in-carico" | "avvenuta-consegna")) => {
            Ok(Some(Delivered::Skipped(format!("a PEC receipt ({kind}) of the provider"))))
        }
        _ => Ok(None),
    }
}

/// Whether a message is SDI's: a provider's PEC envelope (its `daticert.xml` of type
/// `posta-certificata`) "per conto di" one of SDI's PEC addresses (`sdiNN@pec.fatturapa.it`,
/// or the one `[pec] sdi_address` names). SDI writes only by PEC: a plain message that
/// says it is from SDI is anyone's.
fn from_sdi(env: &Env, mail: &Mail) -> bool {
    let configured = env.desk.config.pec.sdi_address.as_deref().map(str::to_lowercase);
    let sdi = |address: &str| crate::rules::is_sdi_pec(address) || configured.as_deref() == Some(address);
    certified_envelope(mail) && on_behalf_of(mail).is_some_and(|a| sdi(&a))
}

/// SDI's receipts among a message's XML attachments, or those of the original a PEC
/// envelope wraps (`postacert.eml`).
fn sdi_receipts(mail: &Mail, depth: usize) -> Vec<Receipt> {
    let mut found = Vec::new();
    for a in &mail.attachments {
        let name = a.name.to_ascii_lowercase();
        if name.ends_with(".xml") {
            found.extend(parse_receipt(&a.bytes));
        } else if name.ends_with(".eml") && depth < 2 {
            if let Ok(inner) = parse_mail(&a.bytes, content_hash) {
                found.extend(sdi_receipts(&inner, depth + 1));
            }
        }
    }
    found
}

/// Where each stored Message-ID and Outlook thread lives. A Message-ID is kept with each
/// record and sender's address (none when the sender gave none) it came with, and when:
/// anyone may send a message under an id already stored. A promoted request's mail
/// threads to its ticket.
struct MessageIndex {
    by_message: HashMap<String, Vec<Stored>>,
    /// Each thread's first home, and when it was stored there.
    /// Each Outlook conversation's homes, earliest first (one circular's replies share one).
    by_thread: HashMap<String, Vec<(Instant, String)>>,
}

/// A message stored in a record: where, from whom ([`sender_key`]), when.
struct Stored {
    home: String,
    sender: Option<String>,
    at: Instant,
}

/// Every record of a kind that reads; each that does not is named in a warning that says
/// what becomes of the mail meanwhile (`meanwhile`).
fn readable<T: crate::model::Keyed + Send>(env: &Env, meanwhile: &str) -> Result<Vec<T>> {
    let mut good = Vec::new();
    for (path, read) in env.desk.read_each(T::KIND, &|_, r: T| r)? {
        match read {
            Ok(r) => good.push(r),
            Err(e) => env.warn(format!("{} is not read ({e}): {meanwhile}", path.display())),
        }
    }
    Ok(good)
}

/// What a reply to a record that does not read becomes.
const REPLY_TO_UNREAD: &str = "a reply to it opens a request of its own until it is fixed";

/// Whether the ticket or request `id` reads.
fn record_reads(desk: &Desk, id: &str) -> bool {
    match desk.exists(Kind::Ticket, id) {
        true => desk.load::<Ticket>(id).is_ok(),
        false => desk.load::<Request>(id).is_ok(),
    }
}

/// A sender's address as the index tells senders apart by it: in lower case; none
/// without an `@` (a name alone, or a bare local part, tells no one apart).
fn sender_key(address: Option<&str>) -> Option<String> {
    address.filter(|a| a.contains('@')).map(str::to_lowercase)
}

impl MessageIndex {
    /// The index of every request's and ticket's messages. A record that does not read is
    /// left out, with a warning naming it (a review: one bad hand edit stopped all mail):
    /// a reply to it opens a request of its own until it is fixed, nothing is lost.
    fn build(env: &Env) -> Result<MessageIndex> {
        let mut index = MessageIndex { by_message: HashMap::new(), by_thread: HashMap::new() };
        // A note's author is written `Name <address>`, the address alone, or the name alone.
        let address = |by: &str| by.rsplit_once('<').map_or(by, |(_, a)| a.trim_end_matches('>')).to_string();
        let (requests, tickets) =
            (readable::<Request>(env, REPLY_TO_UNREAD)?, readable::<Ticket>(env, REPLY_TO_UNREAD)?);
        // Said once a run: a customer that does not read matches no sender meanwhile (found
        // by a review: one stopped every message, each failing every cron run).
        readable::<Customer>(env, "its mail is taken as an unknown sender's until it is fixed")?;
        for r in requests {
            let home = r.ticket.clone().unwrap_or_else(|| r.id.clone());
            index.add(&home, r.message_id.as_deref(), r.thread.as_deref(), r.contact.email.as_deref(), r.received_at);
            for n in &r.notes {
                index.add(&home, n.message_id.as_deref(), n.thread.as_deref(), Some(&address(&n.by)), n.at);
            }
        }
        for t in tickets {
            for n in &t.notes {
                index.add(&t.id, n.message_id.as_deref(), n.thread.as_deref(), Some(&address(&n.by)), n.at);
            }
        }
        Ok(index)
    }

    fn add(&mut self, home: &str, message: Option<&str>, thread: Option<&str>, sender: Option<&str>, at: Instant) {
        if let Some(m) = message {
            let sender = sender_key(sender);
            let stored = self.by_message.entry(m.to_string()).or_default();
            if !stored.iter().any(|s| s.home == home && s.sender == sender) {
                stored.push(Stored { home: home.to_string(), sender, at });
            }
        }
        if let Some(t) = thread {
            let homes = self.by_thread.entry(t.to_string()).or_default();
            if !homes.iter().any(|(_, h)| h == home) {
                let place = homes.partition_point(|(when, _)| *when <= at);
                homes.insert(place, (at, home.to_string()));
            }
        }
    }

    /// Where the message `id` from `sender` was stored, if it was: the same message again.
    fn seen(&self, id: &str, sender: Option<&str>) -> Option<&str> {
        let sender = sender_key(sender);
        self.by_message.get(id)?.iter().find(|s| s.sender == sender).map(|s| s.home.as_str())
    }

    /// Where a reply from `sender` to the message `id` belongs: with that sender's own
    /// message of that id, else with one from the sender's domain (a colleague's), else
    /// with the one stored first.
    fn home_of(&self, id: &str, sender: Option<&str>) -> Option<&str> {
        let domain = |a: &Option<String>| a.as_deref().and_then(|a| a.rsplit_once('@')).map(|(_, d)| d.to_string());
        let theirs = domain(&sender_key(sender));
        let first =
            self.by_message.get(id)?.iter().min_by_key(|s| (theirs.is_none() || domain(&s.sender) != theirs, s.at));
        self.seen(id, sender).or(first.map(|s| s.home.as_str()))
    }
}

/// The ticket or request a message answers: a `[T-2026-0042]` tag in the subject, else
/// In-Reply-To or References naming a stored message, else Outlook's Thread-Index.
fn thread_of(desk: &Desk, index: &MessageIndex, mail: &Mail) -> Result<Option<String>> {
    for tag in find_tags(&mail.subject) {
        if desk.exists(Kind::Ticket, &tag) {
            return Ok(Some(tag));
        }
        // A request that does not read is the reply's home all the same: it is then kept
        // as a request of its own naming it (found by an intake attack: the reply was
        // refused, and stayed in the maildir failing every run).
        if desk.exists(Kind::Request, &tag) {
            return Ok(Some(desk.load::<Request>(&tag).map_or(tag, |r| r.ticket.unwrap_or(r.id))));
        }
    }
    if let Some(home) = mail.replies_to.iter().find_map(|m| index.home_of(m, mail.from_address.as_deref())) {
        return Ok(Some(home.to_string()));
    }
    // Outlook's conversation header names nothing stored: one circular to many customers
    // gives all their replies one. It threads only its home's own customer (or sender);
    // anyone else's reply is a message of their own, not a stranger's on another's ticket
    // (found by a review with real mail).
    let homes = mail.thread.as_ref().and_then(|t| index.by_thread.get(t)).map(Vec::as_slice).unwrap_or_default();
    for (_, home) in homes {
        // One that does not read is taken as the home, kept apart by the caller.
        if !record_reads(desk, home) || stranger_to(desk, home, mail)?.is_none() {
            return Ok(Some(home.clone()));
        }
    }
    Ok(None)
}

/// Why the sender is a stranger to the ticket or request `target`: it has a customer, and
/// the sender's address is neither that customer's e-mail nor its PEC.
fn stranger_to(desk: &Desk, target: &str, mail: &Mail) -> Result<Option<String>> {
    // The sender of the request a ticket was promoted from is no stranger to it: the office
    // promoted their request (the customer given then may know them by a phone alone).
    let (customer, contact) = if desk.exists(Kind::Ticket, target) {
        let ticket = desk.load::<Ticket>(target)?;
        let promoted_from = match ticket.request.as_deref() {
            // One that does not read names no sender (named by tkt check).
            Some(r) if desk.exists(Kind::Request, r) => desk.load::<Request>(r).ok().and_then(|r| r.contact.email),
            _ => None,
        };
        (Some(ticket.customer), promoted_from)
    } else {
        let request = desk.load::<Request>(target)?;
        // A request of no customer is its sender's: another address is a stranger's, and
        // so is every address when it came by phone (no address to match).
        if request.customer.is_none() {
            let sender = request.contact.email.as_deref();
            let same = sender.zip(mail.from_address.as_deref()).is_some_and(|(s, a)| s.eq_ignore_ascii_case(a));
            let from = mail.from_address.as_deref().unwrap_or("a sender without an address");
            return Ok((!same && !from_the_desk(desk, mail)).then(|| match sender {
                Some(sender) => format!("{from} names {target} but is not the address of its sender {sender}"),
                None => format!("{from} names {target}, whose sender left no e-mail address to match"),
            }));
        }
        (request.customer, request.contact.email)
    };
    let Some(customer) = customer else { return Ok(None) };
    let known = match &mail.from_address {
        Some(a) => {
            contact.is_some_and(|c| c.eq_ignore_ascii_case(a))
                || customers_by_email(desk, a)?.contains(&customer)
                || from_the_desk(desk, mail)
        }
        None => false,
    };
    Ok((!known).then(|| {
        format!(
            "{} names {target} but is not the address of its customer {customer}",
            mail.from_address.as_deref().unwrap_or("a sender without an address")
        )
    }))
}

fn sender(mail: &Mail) -> String {
    match (&mail.from_name, &mail.from_address) {
        (Some(n), Some(a)) => format!("{n} <{a}>"),
        (None, Some(a)) => a.clone(),
        (Some(n), None) => n.clone(),
        (None, None) => "unknown sender".into(),
    }
}

fn mail_note(env: &Env, mail: &Mail, text: String, attachments: Vec<String>) -> Note {
    let mut note = Note::new(env.now, &sender(mail), text);
    note.source = Some("email".into());
    note.message_id = Some(mail.message_id.clone());
    note.thread = mail.thread.clone();
    note.attachments = attachments;
    note
}

/// Adds a note to the ticket or request a message answers (`warning` flags a stranger's).
/// The note's text is the reply without what it quotes; the message itself is kept beside
/// it (`message.eml`, numbered after the first), so that no word a cut took is lost.
/// A reply to a closed ticket reopens it in `[intake] reopen`, when set; otherwise the
/// ticket stays closed and is listed as a reply after close.
fn note_from_mail(env: &Env, target: &str, mail: &Mail, raw: &[u8], warning: Option<String>) -> Result<()> {
    let desk = &env.desk;
    // A forward keeps what it forwards (found by a mail attack: the plumber's findings a
    // customer forwarded to the ticket were cut as a quote).
    let mut text = match is_forward(&mail.subject, &mail.text) {
        true => mail.text.trim().to_string(),
        false => strip_quoted(&mail.text),
    };
    if let Some(forwarded) = forwarded_text(mail) {
        text = if text.is_empty() { forwarded } else { format!("{text}\n\n{forwarded}") };
    }
    if text.is_empty() {
        text = mail.subject.clone();
    }
    let mut attachments = mail.attachments.clone();
    // Anyone can write to a ticket: once its file is a quarter of the most a record may
    // be, a message's text is kept beside it only, so that mail never fills it.
    let kind = if desk.exists(Kind::Ticket, target) { Kind::Ticket } else { Kind::Request };
    let size = std::fs::metadata(desk.abs(&desk.path_of(kind, target)?)).map_or(0, |m| m.len());
    let room = if size > MAX_RECORD_BYTES / 4 { 0 } else { MAX_INLINE_TEXT };
    let full_text = keep_long_text(&text, &mut attachments, room);
    keep_message(&mut attachments, raw);
    let (stored, mut paths) = store_attachments(desk, target, &attachments)?;
    if let Some(i) = full_text {
        text = excerpt(&text, &stored[i], room);
    }
    // A colleague's copy from the desk's own address is a note, and reopens nothing.
    let from_customer = warning.is_none() && !from_the_desk(desk, mail);
    let mut note = mail_note(env, mail, text, stored);
    note.warning = warning;
    let mut what = String::new();
    if desk.exists(Kind::Ticket, target) {
        let mut ticket: Ticket = desk.load(target)?;
        ticket.notes.push(note);
        // Only its customer's reply reopens a closed ticket; a stranger's waits for a person.
        if ticket.closed_at.is_some() && from_customer {
            what = reply_after_close(env, &mut ticket)?;
        }
        paths.push(desk.write(&ticket)?);
    } else {
        let mut request: Request = desk.load(target)?;
        request.notes.push(note);
        // Its sender wrote again after it was rejected: a person decides again. A request
        // of no customer is its sender's alone: only their address reopens it.
        let its_sender = request.customer.is_some()
            || (request.contact.email.as_deref().zip(mail.from_address.as_deref()))
                .is_some_and(|(c, a)| c.eq_ignore_ascii_case(a));
        if request.status == RequestStatus::Rejected && from_customer && its_sender {
            request.status = RequestStatus::Open;
            env.say(format!("{target}: reopened: its sender wrote again after it was rejected"));
            what = ", reopened".into();
        }
        paths.push(desk.write(&request)?);
    }
    let from = mail.from_address.as_deref().unwrap_or("?");
    env.commit(&paths, &format!("{target}: note by email from {from}{what}"))
}

/// Reopens a closed ticket that received a reply, in `[intake] reopen`; says why not, or
/// that it stays closed. Returns what to add to the commit message.
fn reply_after_close(env: &Env, ticket: &mut Ticket) -> Result<String> {
    let Some(state) = env.desk.config.intake.reopen.clone() else {
        env.warn(format!(
            "{} is closed: the reply is added and the ticket is listed by `tkt ticket list --replied`",
            ticket.id
        ));
        return Ok(String::new());
    };
    let from = ticket.state.clone();
    let note = Some("reply by email after close".to_string());
    match move_ticket(ticket, &env.desk.catalog()?, &state, env.now, env.actor(), note) {
        Ok(()) => {
            env.say(format!("{}: reopened, {from} -> {state}", ticket.id));
            Ok(format!(", reopened {from} -> {state}"))
        }
        // A reply is never lost for a catalog that does not allow the move.
        Err(e) => {
            env.warn(format!(
                "{}: not reopened ({}); it is listed by `tkt ticket list --replied`",
                ticket.id, e.message
            ));
            Ok(String::new())
        }
    }
}

/// A new request from a message; the message itself is kept beside it as `message.eml`.
/// `related` is a ticket or request its subject named although the sender is a stranger
/// to it, and why.
fn request_from_mail(env: &Env, mail: Mail, raw: &[u8], related: Option<(String, String)>) -> Result<Delivered> {
    let desk = &env.desk;
    let subject = if mail.subject.is_empty() { "(no subject)".to_string() } else { mail.subject.clone() };
    let mut request = new_request(env, Channel::Email, subject);
    request.contact = Contact {
        name: mail.from_name.clone(),
        email: mail.from_address.clone(),
        phone: None,
        extra: Default::default(),
    };
    let (customer, shared) = match &mail.from_address {
        Some(a) => customer_by_email(desk, a)?,
        None => (None, None),
    };
    request.customer = customer;
    match shared {
        Some(why) => request.warnings.push(why),
        None if request.customer.is_none() => {
            request.warnings.push(format!("unknown sender {}", mail.from_address.as_deref().unwrap_or("(no address)")))
        }
        None => {}
    }
    if let Some((id, why)) = related {
        request.related = Some(id);
        request.warnings.push(why);
    }
    // What a forward as attachment carries goes after the forwarder's own words: Outlook
    // adds a signature, people a line ("Vi inoltro la segnalazione"), and the request is
    // the forwarded one (found by a mail attack: the request read only the signature).
    let own = Some(mail.text.trim()).filter(|t| !t.is_empty());
    request.body = match (own, forwarded_text(&mail)) {
        (Some(own), Some(forwarded)) => Some(format!("{own}\n\n{forwarded}")),
        (own, forwarded) => own.map(str::to_string).or(forwarded),
    };
    request.message_id = Some(mail.message_id.clone());
    request.thread = mail.thread.clone();
    let text = request.body.clone().unwrap_or_default();
    link_serial(desk, &mut request, &format!("{}\n{text}", mail.subject))?;
    let mut attachments = mail.attachments.clone();
    keep_message(&mut attachments, raw);
    finish_request(env, request, attachments, &format!("by email from {}", sender(&mail)))
}

/// The text of the messages forwarded as attachments (Outlook's "forward as attachment"),
/// each in turn: a request or a note reads them, and a serial in them is linked (found by a
/// mail attack: a note kept only the forwarder's line, and of several only the first was
/// read).
///
/// A forward of a forward (tenant, porter, administrator) is read down to the message
/// that has text, 16 levels at most (found by intake attacks: the request had none).
fn forwarded_text(mail: &Mail) -> Option<String> {
    const MAX_DEPTH: usize = 16;
    let read = |attached: &Attachment| {
        let mut inner = parse_mail(&attached.bytes, content_hash).ok()?;
        for _ in 1..MAX_DEPTH {
            if !inner.text.trim().is_empty() {
                break;
            }
            let next = parse_mail(&forwarded_messages(&inner).next()?.bytes, content_hash).ok()?;
            inner = next;
        }
        let text = inner.text.trim();
        (!text.is_empty()).then(|| format!("[forwarded: {}]\n{text}", inner.subject))
    };
    let texts: Vec<String> = forwarded_messages(mail).filter_map(read).collect();
    (!texts.is_empty()).then(|| texts.join("\n\n"))
}

/// The messages forwarded as attachments (`.eml`).
fn forwarded_messages(mail: &Mail) -> impl Iterator<Item = &Attachment> {
    mail.attachments.iter().filter(|a| a.name.to_ascii_lowercase().ends_with(".eml"))
}

/// Numbers, stores and commits a new request with its attachments; with
/// `creates = "ticket"` and a known customer, promotes it in the same commit.
fn finish_request(env: &Env, mut request: Request, mut attachments: Vec<Attachment>, how: &str) -> Result<Delivered> {
    let desk = &env.desk;
    number_request(env, &mut request)?;
    let full_text = request.body.as_deref().and_then(|body| keep_long_text(body, &mut attachments, MAX_INLINE_TEXT));
    let (stored, mut paths) = store_attachments(desk, &request.id, &attachments)?;
    if let (Some(i), Some(body)) = (full_text, &request.body) {
        request.body = Some(excerpt(body, &stored[i], MAX_INLINE_TEXT));
    }
    request.attachments = stored;
    if desk.config.intake.creates == Creates::Ticket && request.customer.is_some() {
        let (ticket, more) = promote_request(env, &mut request, Promotion::default())?;
        paths.extend(more);
        env.commit(&paths, &format!("{}: new request {how}, opened {ticket}", request.id))?;
        return Ok(Delivered::New { request: request.id, ticket: Some(ticket) });
    }
    paths.push(desk.write(&request)?);
    env.commit(&paths, &format!("{}: new request {how}", request.id))?;
    Ok(Delivered::New { request: request.id, ticket: None })
}

/// Every customer whose `email` or `pec` is `address` (an administrator of several
/// condominiums writes for all of them from one).
/// One that does not read matches none (named once a run, by [`MessageIndex::build`]).
fn customers_by_email(desk: &Desk, address: &str) -> Result<Vec<String>> {
    let all = desk.read_each(Kind::Customer, &|_, c: Customer| c)?;
    Ok(all.into_iter().filter_map(|(_, c)| c.ok()).filter(|c| has_address(c, address)).map(|c| c.id).collect())
}

/// Whether `address` is a customer's `email` or `pec`.
fn has_address(c: &Customer, address: &str) -> bool {
    let matches = |v: &Option<String>| v.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(address));
    matches(&c.email) || matches(&c.pec)
}

/// The one customer whose address `address` is; several, and a person chooses (a warning
/// says which).
fn customer_by_email(desk: &Desk, address: &str) -> Result<(Option<String>, Option<String>)> {
    let mut all = customers_by_email(desk, address)?;
    Ok(match all.len() {
        0 | 1 => (all.pop(), None),
        _ => (None, Some(format!("{address} is the address of {}: choose the customer", all.join(", ")))),
    })
}

/// Whether a message comes from the desk itself (`[company] email` or `pec`): a copy of a
/// colleague's reply, never a stranger's.
fn from_the_desk(desk: &Desk, mail: &Mail) -> bool {
    mail.from_address.as_deref().is_some_and(|from| own_address(desk, from))
}

/// Whether `address` is one of the desk's own.
fn own_address(desk: &Desk, address: &str) -> bool {
    own_addresses(desk).any(|a| a.eq_ignore_ascii_case(address))
}

/// The desk's own addresses: `[company] email` and `pec`.
fn own_addresses(desk: &Desk) -> impl Iterator<Item = &str> {
    let company = &desk.config.company;
    [&company.email, &company.pec].into_iter().flatten().map(|a| a.trim())
}

/// Links the first registered serial that appears, as a whole word, in the text: one of
/// the request's customer first, and one of another customer with a warning.
fn link_serial(desk: &Desk, request: &mut Request, text: &str) -> Result<()> {
    if !desk.config.features.serial_numbers {
        return Ok(());
    }
    let mut others = None;
    // What the record keeps of the text is looked at, not all of it: each unit is looked for
    // in turn (found by a mail attack: a 20 MB text on a desk of 15,000 units took 19 s,
    // the desk locked).
    let kept = text.char_indices().nth(MAX_INLINE_TEXT).map_or(text, |(at, _)| &text[..at]);
    // In any case: a customer types `cv24-104233` for CV24-104233 (found by a mail attack).
    // ASCII's case only, so that the text's offsets stay its own.
    let text = kept.to_ascii_uppercase();
    // The one named first, subject before text (found by a mail attack: of a boiler in the
    // subject and a split in the text, the split's file came first by name).
    let mut named: Vec<(usize, String)> = Vec::new();
    for file in desk.files(Kind::Equipment)? {
        let Some(serial) = file.file_stem().and_then(|s| s.to_str()) else { continue };
        if let Some(at) = word_at(&text, &serial.to_ascii_uppercase()) {
            named.push((at, serial.to_string()));
        }
    }
    named.sort();
    for (_, serial) in &named {
        // A unit whose file does not read links nothing and stops no mail (found by a
        // mail attack: every message naming it failed, the error blaming the message).
        let unit: Equipment = match desk.load(serial) {
            Ok(unit) => unit,
            Err(e) => {
                request.warnings.push(format!("{serial} is not linked: {e}"));
                continue;
            }
        };
        let theirs = request.customer.as_deref().is_none_or(|c| c == unit.customer);
        if theirs {
            request.serial = Some(unit.serial);
            request.item = Some(unit.item);
            return Ok(());
        }
        others.get_or_insert(unit);
    }
    if let Some(unit) = others {
        request.warnings.push(format!(
            "{} belongs to customer {}, not to {}",
            unit.serial,
            unit.customer,
            request.customer.as_deref().unwrap_or_default()
        ));
        request.serial = Some(unit.serial);
        request.item = Some(unit.item);
    }
    Ok(())
}

/// Where `word` first stands in `text` as a word of its own.
fn word_at(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The most text of a message a record keeps, as written in its YAML; longer text is kept
/// in full in a file beside the record (records stay small enough to read: see
/// `MAX_RECORD_BYTES`).
pub const MAX_INLINE_TEXT: usize = 64 * 1024;

/// What a character costs a record's YAML: a control character is written as an escape
/// (`\x01`, `\u0085`), at most 6 bytes.
fn yaml_cost(c: char) -> usize {
    if c.is_control() && c != '\n' && c != '\t' {
        6
    } else {
        c.len_utf8()
    }
}

/// Adds text that costs a record more than `room` to the attachments as `text.txt`;
/// returns its index among them.
fn keep_long_text(text: &str, attachments: &mut Vec<Attachment>, room: usize) -> Option<usize> {
    if text.chars().map(yaml_cost).sum::<usize>() <= room {
        return None;
    }
    attachments.push(Attachment { name: "text.txt".into(), bytes: text.as_bytes().to_vec() });
    Some(attachments.len() - 1)
}

/// The start of a long text within `room`, naming the file that keeps all of it.
fn excerpt(text: &str, full: &str, room: usize) -> String {
    let mut cost = 0;
    let end = text.char_indices().find(|(_, c)| {
        cost += yaml_cost(*c);
        cost > room
    });
    let head = text[..end.map_or(text.len(), |(i, _)| i)].trim_end();
    let gap = if head.is_empty() { "" } else { "\n\n" };
    format!("{head}{gap}[… {} bytes in all: the full text is in {full}]", text.len())
}

/// Adds the message itself as `message.eml`: a sender's attachment of that name is renamed,
/// so that the file a person trusts to be the message received is always the message.
fn keep_message(attachments: &mut Vec<Attachment>, raw: &[u8]) {
    // Nor `message-2.eml`, the name the next message kept beside a ticket takes.
    let numbered = regex::Regex::new(r"(?i)^message(-[0-9]+)?\.eml$").expect("a valid pattern");
    for a in attachments.iter_mut().filter(|a| numbered.is_match(&safe_file_name(&a.name))) {
        a.name = format!("attached {}", safe_file_name(&a.name));
    }
    attachments.push(Attachment { name: RAW_MESSAGE.into(), bytes: raw.to_vec() });
}

/// The name the message received is kept under, beside its request or note.
const RAW_MESSAGE: &str = "message.eml";

/// Stores attachments under `attachments/<record>/` with safe, distinct names; returns
/// their desk-relative paths (for the record, and for the commit).
fn store_attachments(desk: &Desk, record: &str, attachments: &[Attachment]) -> Result<(Vec<String>, Vec<PathBuf>)> {
    let dir = PathBuf::from(ATTACHMENTS_DIR).join(record);
    let mut names = Vec::new();
    let mut paths = Vec::new();
    // Names are told apart without case, as on Windows and macOS clones (`foto.jpg` and
    // `FOTO.JPG` would be one file there).
    let mut taken: HashSet<String> = crate::desk::list_dir(&desk.abs(&dir))?.iter().map(|n| case_folded(n)).collect();
    for a in attachments {
        let name = safe_file_name(&a.name);
        let mut file = name.clone();
        let mut n = 2;
        while taken.contains(&case_folded(&file)) {
            let (stem, ext) = match name.rsplit_once('.') {
                Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
                _ => (name.clone(), String::new()),
            };
            file = format!("{stem}-{n}{ext}");
            n += 1;
        }
        taken.insert(case_folded(&file));
        let rel = dir.join(&file);
        desk.write_file(&rel, &a.bytes)?;
        names.push(rel.to_string_lossy().replace('\\', "/"));
        paths.push(rel);
    }
    Ok((names, paths))
}

/// Reads a maildir message, refusing one over the size limit before reading it.
fn read_message(file: &Path, limit: u64) -> Result<Vec<u8>> {
    let size = std::fs::metadata(file).map_err(|e| Error::io(file, e))?.len();
    if size > limit {
        return Err(Error::refused(format!("the message is {size} bytes, over intake.max_message_bytes ({limit})")));
    }
    std::fs::read(file).map_err(|e| Error::io(file, e))
}

/// Moves a delivered message to cur/ with the seen flag (maildir `:2,S`), its name kept
/// byte for byte (a name that is not UTF-8 too); a message there already is never replaced.
fn move_to_cur(file: &Path, cur: &Path) -> Result<()> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let name = file.file_name().map(OsStrExt::as_bytes).unwrap_or_default();
    let at = name.windows(3).position(|w| w == b":2,");
    let target = match at.map(|i| (&name[..i], &name[i + 3..])) {
        Some((_, flags)) if flags.contains(&b'S') => name.to_vec(),
        Some((base, flags)) => {
            let mut f = flags.to_vec();
            f.push(b'S');
            f.sort_unstable();
            [base, b":2,", &f].concat()
        }
        None => [name, b":2,S"].concat(),
    };
    let dest = cur.join(std::ffi::OsString::from_vec(target));
    if dest.exists() {
        // The same message handled before (copied back to new/ to retry it, say): it is
        // there already, and goes from new/.
        if std::fs::read(&dest).ok() == std::fs::read(file).ok() {
            return std::fs::remove_file(file).map_err(|e| Error::io(file, e));
        }
        return Err(Error::refused(format!("{}: exists already; the message is left in new/", dest.display())));
    }
    std::fs::rename(file, &dest).map_err(|e| Error::io(file, e))
}

fn form_refusal(problems: Vec<Problem>) -> Error {
    refuse_if_any("the form post", problems).expect_err("problems are not empty")
}

fn same_vat(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_start_matches("IT").trim_start_matches("it").to_string();
    norm(a) == norm(b)
}
