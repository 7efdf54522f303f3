//! The workflows in process: each test opens a desk in a temporary folder and calls
//! `tkt::ops` directly — no process is spawned — with a clock the harness advances by a
//! minute per operation and a fixed actor.

mod layers;
mod mime;

use std::cell::Cell;
use std::path::{Path, PathBuf};

use chrono::Duration;
use tempfile::TempDir;
use tkt::desk::{init_desk, Desk, InitOptions};
use tkt::git::Author;
use tkt::model::{Channel, DocKind, Instant, Money, Rate, RequestStatus, Ticket};
use tkt::ops::documents::DocOptions;
use tkt::ops::intake::{import_email, Delivered};
use tkt::ops::invoice::{invoice_ticket, InvoiceOptions, Invoiced};
use tkt::ops::settle::{pay, Movement};
use tkt::ops::ticket::{create, transition, TicketDraft};
use tkt::ops::work::{report_work, WorkReport};
use tkt::ops::{check, request, Env, Notice};
use tkt::ErrorKind;

/// A desk in a temporary folder and the clock of the next operation.
struct Fixture {
    _tmp: TempDir,
    dir: PathBuf,
    now: Cell<Instant>,
}

impl Fixture {
    /// The example desk of `tkt init --example`, committed.
    #[track_caller]
    fn example() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("desk");
        let done = init_desk(&dir, &InitOptions { example: true }).unwrap();
        let f = Fixture { _tmp: tmp, dir, now: Cell::new("2026-11-27T09:00:00+01:00".parse().unwrap()) };
        Env::new(done.desk, f.author()).commit(&done.files, "tkt: new example desk").unwrap();
        f
    }

    fn author(&self) -> Author {
        Author { name: "anna".into(), email: "anna@example.com".into(), when: self.now.get() }
    }

    /// An env for the next operation, one minute after the previous one.
    #[track_caller]
    fn env(&self) -> Env {
        self.now.set(self.now.get() + Duration::minutes(1));
        Env::new(Desk::open(self.dir.clone()).unwrap(), self.author())
    }

    #[track_caller]
    fn git(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("git").args(args).current_dir(&self.dir).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap()
    }

    #[track_caller]
    fn open_ticket(&self, title: &str) -> Ticket {
        let draft = TicketDraft { title: title.into(), customer: Some("C-0001".into()), ..Default::default() };
        create(&self.env(), draft).unwrap()
    }
}

#[test]
fn opening_a_ticket_numbers_commits_and_tells_without_printing() {
    let f = Fixture::example();
    let env = f.env();
    let draft =
        TicketDraft { title: "Caldaia in blocco".into(), customer: Some("C-0001".into()), ..Default::default() };
    let ticket = create(&env, draft).unwrap();
    assert_eq!(ticket.id, "T-2026-0021");
    assert_eq!(ticket.opened_by, "anna");
    assert_eq!(ticket.opened_at.to_rfc3339(), "2026-11-27T09:01:00+01:00");
    assert!(f.read("tickets/2026/000/T-2026-0021.yaml").contains("title: Caldaia in blocco"));
    assert_eq!(f.git(&["log", "-1", "--format=%s"]).trim(), "T-2026-0021: new ticket for C-0001: Caldaia in blocco");
    assert_eq!(f.git(&["status", "--porcelain"]), "");
    assert!(env.take_notices().contains(&Notice::Info("Opened T-2026-0021 (Nuovo) for C-0001".into())));
}

#[test]
fn a_refused_transition_names_the_allowed_states_and_changes_nothing() {
    let f = Fixture::example();
    let t = f.open_ticket("Perdita");
    let (head, before) = (f.head(), f.read("tickets/2026/000/T-2026-0021.yaml"));
    let err = transition(&f.env(), &t.id, "chiuso", None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Refused);
    assert!(err.message.contains("diagnosi"), "{}", err.message);
    assert_eq!((f.head(), f.read("tickets/2026/000/T-2026-0021.yaml")), (head, before));
    let moved = transition(&f.env(), &t.id, "diagnosi", Some("Sul posto".into())).unwrap();
    assert_eq!(moved.state, "diagnosi");
    assert_eq!(moved.history.last().unwrap().note.as_deref(), Some("Sul posto"));
}

#[test]
fn work_is_invoiced_once_and_paid_never_beyond_what_is_due() {
    let f = Fixture::example();
    let t = f.open_ticket("Manutenzione");
    let work = WorkReport { hours: Some(Rate::parse("2").unwrap()), ..Default::default() };
    let wr = report_work(&f.env(), &t.id, work, &DocOptions::default()).unwrap();
    let Invoiced::Issued(invoice) = invoice_ticket(&f.env(), &t.id, InvoiceOptions::default()).unwrap() else {
        panic!("not issued")
    };
    let stored = f.read(&format!("documents/invoice/2026/000/{invoice}.yaml"));
    assert!(stored.contains(&wr), "the invoice lists the work report it bills:\n{stored}");
    let again = invoice_ticket(&f.env(), &t.id, InvoiceOptions::default()).err().expect("nothing left to invoice");
    assert_eq!(again.kind, ErrorKind::Refused);
    let (_, left) = pay(&f.env(), &invoice, Movement::default()).unwrap();
    assert_eq!(left, Money::default());
    let over = Movement { amount: Some(Money::parse("0.01").unwrap()), ..Default::default() };
    assert_eq!(pay(&f.env(), &invoice, over).unwrap_err().kind, ErrorKind::Refused);
    let docs = Desk::open(f.dir.clone()).unwrap().documents(&[DocKind::Payment]).unwrap();
    assert_eq!(docs.iter().filter(|d| d.invoice.as_deref() == Some(invoice.as_str())).count(), 1);
}

#[test]
fn a_dry_run_invoice_writes_nothing() {
    let f = Fixture::example();
    let t = f.open_ticket("Verifica");
    let work = WorkReport { hours: Some(Rate::parse("1").unwrap()), ..Default::default() };
    report_work(&f.env(), &t.id, work, &DocOptions::default()).unwrap();
    let head = f.head();
    let opts = InvoiceOptions { dry_run: true, ..Default::default() };
    let Invoiced::Draft(draft) = invoice_ticket(&f.env(), &t.id, opts).unwrap() else { panic!("issued") };
    assert_eq!(draft.id, "(draft)");
    assert!(draft.totals.is_some());
    assert_eq!(f.head(), head);
    assert_eq!(f.git(&["status", "--porcelain"]), "");
}

#[test]
fn an_email_becomes_a_request_once_and_a_reply_becomes_its_note() {
    let f = Fixture::example();
    let mail = b"From: Sconosciuto <chi@example.net>\r\nTo: assistenza@example.it\r\nSubject: Caldaia rumorosa\r\n\
Message-ID: <m1@example.net>\r\nDate: Fri, 27 Nov 2026 08:00:00 +0100\r\n\r\nFa rumore da ieri.\r\n";
    let Delivered::New { request: id, ticket: None } = import_email(&f.env(), mail).unwrap() else {
        panic!("not a new request")
    };
    let env = f.env();
    let r: tkt::model::Request = env.desk.load(&id).unwrap();
    assert_eq!((r.channel, r.status, r.customer), (Channel::Email, RequestStatus::Open, None));
    assert_eq!(import_email(&f.env(), mail).unwrap(), Delivered::Duplicate(id.clone()));
    let reply = b"From: chi@example.net\r\nSubject: Re: Caldaia rumorosa\r\nMessage-ID: <m2@example.net>\r\n\
In-Reply-To: <m1@example.net>\r\n\r\nAnche stamattina.\r\n";
    assert_eq!(import_email(&f.env(), reply).unwrap(), Delivered::Note(id.clone()));
    let ticket =
        request::promote(&f.env(), &id, request::Promotion { customer: Some("C-0001".into()), ..Default::default() })
            .unwrap();
    assert!(f.read(&format!("requests/2026/{id}.yaml")).contains(&format!("ticket: {ticket}")));
}

#[test]
fn the_example_desk_checks_clean_and_a_broken_record_is_located_as_data() {
    let f = Fixture::example();
    let desk = Desk::open(f.dir.clone()).unwrap();
    let checked = check::check_desk(&desk, f.env().now.date_naive()).unwrap();
    assert_eq!(checked.findings, vec![], "the example desk has problems");
    assert!(checked.failure().is_none());
    let rel = Path::new("tickets/2026/000/T-2026-0001.yaml");
    let text = f.read("tickets/2026/000/T-2026-0001.yaml").replacen("title:", "title: [a,\n  b]\nx:", 1);
    std::fs::write(f.dir.join(rel), text).unwrap();
    let checked = check::check_desk(&desk, f.env().now.date_naive()).unwrap();
    let found = checked.findings.iter().find(|x| x.path == rel.display().to_string()).expect("the file is named");
    assert!(found.line.is_some(), "{found:?}");
    assert_eq!(checked.failure().unwrap().kind, ErrorKind::Refused);
}

#[test]
fn a_failed_command_puts_back_every_file_it_can_and_keeps_the_journal_for_the_rest() {
    // Found by a careless-office review: the file whose write had failed was written back
    // first, failed again, and the files written before it were never put back.
    let f = Fixture::example();
    let (first, second) = ("customers/C-0001.yaml", "items/CALD-24K.yaml");
    let before = f.read(first);
    let desk = Desk::open(f.dir.clone()).unwrap();
    desk.write_file(Path::new(first), b"changed: yes\n").unwrap();
    desk.write_file(Path::new(second), b"changed: yes\n").unwrap();
    // The second file's folder is made a file: nothing can be written there.
    std::fs::remove_dir_all(f.dir.join("items")).unwrap();
    std::fs::write(f.dir.join("items"), "in the way").unwrap();
    assert!(desk.undo_writes().is_err(), "what could not be put back is told");
    assert_eq!(f.read(first), before, "the first file is put back all the same");
    assert!(desk.pending().unwrap().is_some(), "the journal stays, for the next command to take back the rest");
}
