//! The read workflows: which tickets match a filter and in what order, what a ticket's
//! page shows beside the ticket, and a report over the desk now or in the past.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::desk::{Desk, Keep};
use serde::Serialize;

use crate::model::{
    field_changes, Channel, Customer, DocKind, Document, Equipment, FieldChange, Instant, Item, Kind, Money, Priority,
    Request, RequestStatus, SequenceId, State, Ticket,
};
use crate::render::Cells;
use crate::report::{self, Data, DocFacts, GroupBy, Params, Report, TicketFacts};

use super::einvoice::sdi_state;
use crate::rules::{balances, warranty_covers, Balance};
use crate::{Error, Result};

/// Which tickets, in what order; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct TicketQuery {
    pub states: Vec<String>,
    pub open: bool,
    pub closed: bool,
    /// Only closed tickets that received an e-mail after they were closed.
    pub replied: bool,
    /// Only open tickets whose due day is before this day (today: overdue).
    pub overdue_on: Option<NaiveDate>,
    pub customer: Option<String>,
    /// `-` for unassigned tickets.
    pub assignee: Option<String>,
    pub priority: Option<Priority>,
    pub item: Option<String>,
    pub serial: Option<String>,
    pub warranty: Option<bool>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// In the title or the problem, any case.
    pub text: Option<String>,
    /// Custom fields as `NAME=VALUE`.
    pub custom: Vec<String>,
    pub sort: SortKey,
    pub reverse: bool,
    pub limit: Option<usize>,
}

/// How tickets are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    #[default]
    Id,
    Opened,
    /// Most urgent first.
    Priority,
    Due,
    /// In catalog order.
    State,
    Customer,
    Assignee,
}

/// The tickets that match, decoding only those whose state, customer and assignee can
/// match when the cache is fresh.
pub fn list_tickets(desk: &Desk, q: &TicketQuery) -> Result<Vec<Ticket>> {
    let catalog = desk.catalog()?;
    let wheres = checked(desk, q, &catalog)?;
    let indexed = on_index(q, &catalog);
    // State, customer and assignee are tested on the cache's index first, so that only
    // the tickets that can match are decoded.
    let mut tickets: Vec<Ticket> = desk.load_where(&on_index_values(&indexed))?;
    let own = desk_addresses(desk);
    let text = q.text.as_ref().map(|t| t.to_lowercase());
    tickets.retain(|t| {
        let opened = t.opened_at.date_naive();
        indexed(&t.state, &t.customer, t.assignee.as_deref())
            && (!q.replied || t.reply_after_close(&own).is_some())
            && q.overdue_on.is_none_or(|today| t.due.is_some_and(|due| due < today))
            && q.priority.is_none_or(|p| t.priority == p)
            && q.item.as_ref().is_none_or(|i| t.item.as_ref() == Some(i))
            && q.serial.as_ref().is_none_or(|s| t.serial.as_ref() == Some(s))
            && q.warranty.is_none_or(|w| t.warranty == w)
            && q.since.is_none_or(|d| opened >= d)
            && q.until.is_none_or(|d| opened <= d)
            && text.as_ref().is_none_or(|s| {
                t.title.to_lowercase().contains(s) || t.problem.as_ref().is_some_and(|p| p.to_lowercase().contains(s))
            })
            && wheres.iter().all(|(name, def, value)| {
                t.custom.get(name).is_some_and(|held| crate::rules::same_custom(name, def, held, value))
            })
    });
    sort(&mut tickets, q.sort, &catalog);
    if q.reverse {
        tickets.reverse();
    }
    if let Some(n) = q.limit {
        tickets.truncate(n);
    }
    Ok(tickets)
}

/// What `ticket list --format csv` prints of each ticket [`list_tickets`] gives, in its
/// order, when `q` asks nothing of a ticket but what the cache's index holds (state, open
/// or closed, customer, assignee) and sorts by id: each ticket's cells read straight from
/// its JSON in the cache, no ticket decoded (at 10,000 tickets, decoding them and printing
/// them again was most of a list). `None` for any other query.
pub fn list_ticket_cells(desk: &Desk, q: &TicketQuery) -> Result<Option<Vec<Cells>>> {
    let asks_more = q.replied
        || q.overdue_on.is_some()
        || q.priority.is_some()
        || q.item.is_some()
        || q.serial.is_some()
        || q.warranty.is_some()
        || q.since.is_some()
        || q.until.is_some()
        || q.text.is_some()
        || !q.custom.is_empty()
        || q.sort != SortKey::Id
        // A cell is empty for an assignee `null` and `""` alike (found by a review).
        || q.assignee.as_deref() == Some("");
    if asks_more {
        return Ok(None);
    }
    let catalog = desk.catalog()?;
    checked(desk, q, &catalog)?;
    let indexed = on_index(q, &catalog);
    // Each ticket's cells, with the key it is sorted by, when the ticket is wanted.
    let whole = |t: Ticket| {
        let mut cells = Cells::default();
        cells.add(&t);
        indexed(&t.state, &t.customer, t.assignee.as_deref()).then(|| (id_key(&t.id), cells))
    };
    // The same test of its cells. Cells the test cannot read, or of another ticket (a damaged
    // cache could point at another record's text), have the ticket read from its file.
    let light = |json: &[u8], id: &str| {
        let cells = Cells::of_json(json).filter(|c| c.field("id") == Some(id))?;
        let field = |name| cells.field(name);
        let wanted = indexed(field("state")?, field("customer")?, field("assignee"));
        Some(wanted.then(|| (id_key(id), cells)))
    };
    let read = desk.light_where::<Ticket, _>(&on_index_values(&indexed), &whole, &light)?;
    // (Made at its size: collected from a flattened list, it grew a copy at a time.)
    let mut rows = Vec::with_capacity(read.len());
    rows.extend(read.into_iter().flatten());
    // As `list_tickets` sorts them: by number, a stable sort.
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    if q.reverse {
        rows.reverse();
    }
    rows.truncate(q.limit.unwrap_or(usize::MAX));
    Ok(Some(rows.into_iter().map(|(_, cells)| cells).collect()))
}

/// The custom fields `q` asks for, as their types read the values; an unknown state,
/// customer, item or unit, or a field or value `tkt.toml` does not have, is refused.
fn checked<'d>(
    desk: &'d Desk,
    q: &TicketQuery,
    catalog: &[State],
) -> Result<Vec<(String, &'d crate::model::FieldDef, serde_yaml::Value)>> {
    for s in &q.states {
        refuse_unknown_state(catalog, s)?;
    }
    // A serial is a unit's when units are registered (with serial numbers on).
    let unit = q.serial.as_deref().filter(|_| desk.config.features.serial_numbers);
    refuse_unknown(
        desk,
        &[(Kind::Customer, q.customer.as_deref()), (Kind::Item, q.item.as_deref()), (Kind::Equipment, unit)],
    )?;
    let mut wheres = Vec::new();
    for w in &q.custom {
        let (name, value) =
            w.split_once('=').ok_or_else(|| Error::usage(format!("--where {w:?}: expected NAME=VALUE")))?;
        let Some(def) = desk.config.fields.get(name) else {
            return Err(Error::usage(format!("--where {name}: no custom field {name:?} in tkt.toml")));
        };
        // A value the field can never hold is a typo, not "none today" (found by a
        // scripting attack: `contratto=completto` listed nothing, exit 0).
        let value =
            crate::rules::parse_custom(name, def, value).map_err(|e| Error::usage(format!("--where {w:?}: {e}")))?;
        // Compared as the field's type reads it: `yes` is `true`, `01` is `1` (a review),
        // `12.5` is `12.50` (a careless-office attack).
        wheres.push((name.to_string(), def, value));
    }
    Ok(wheres)
}

/// The test of a ticket's state, customer and assignee (the values the cache's index
/// holds) that `q` asks.
fn on_index<'q>(q: &'q TicketQuery, catalog: &'q [State]) -> impl Fn(&str, &str, Option<&str>) -> bool + Sync + 'q {
    let closed_state = |s: &str| catalog.iter().find(|c| c.id == s).is_some_and(|c| c.closed);
    let assigned = |a: &str, to: Option<&str>| if a == "-" { to.is_none_or(str::is_empty) } else { to == Some(a) };
    move |state: &str, customer: &str, assignee: Option<&str>| {
        (q.states.is_empty() || q.states.iter().any(|s| s == state))
            && (!(q.open || q.overdue_on.is_some()) || !closed_state(state))
            && (!q.closed || closed_state(state))
            && q.customer.as_deref().is_none_or(|c| c == customer)
            && q.assignee.as_deref().is_none_or(|a| assigned(a, assignee))
    }
}

/// What tickets are sorted by by default: their number.
fn id_key(id: &str) -> Option<(Option<i32>, u32, Option<String>)> {
    SequenceId::parse(id).map(|s| (s.year, s.seq, s.series))
}

/// [`on_index`]'s test of the values the cache's index holds of a ticket
/// ([`crate::model::Record::indexed`] of a ticket: state, customer, assignee).
fn on_index_values<'t>(
    indexed: &'t (impl Fn(&str, &str, Option<&str>) -> bool + Sync),
) -> impl Fn(&[&str]) -> bool + Sync + 't {
    move |values| match values {
        [state, customer, assignee] => indexed(state, customer, Some(assignee)),
        _ => true,
    }
}

fn sort(tickets: &mut [Ticket], key: SortKey, catalog: &[State]) {
    match key {
        SortKey::Id => tickets.sort_by_cached_key(|t| id_key(&t.id)),
        SortKey::Opened => tickets.sort_by_key(|t| t.opened_at),
        SortKey::Priority => tickets.sort_by_key(|t| std::cmp::Reverse(t.priority)),
        // Tickets without a due date come last.
        SortKey::Due => tickets.sort_by_key(|t| (t.due.is_none(), t.due)),
        SortKey::State => tickets.sort_by_key(|t| catalog.iter().position(|s| s.id == t.state)),
        SortKey::Customer => tickets.sort_by(|a, b| a.customer.cmp(&b.customer)),
        SortKey::Assignee => tickets.sort_by(|a, b| a.assignee.cmp(&b.assignee)),
    }
}

/// What a ticket's page shows beside the ticket.
pub struct TicketView {
    pub ticket: Ticket,
    /// `Name (id)` of its state, or the id when the state is not in the catalog.
    pub state: String,
    /// `C-0001 Name` of its customer, or the id when unknown.
    pub customer: String,
    /// Its documents, or why they could not be read (the ticket is shown anyway).
    pub documents: Result<Vec<Document>>,
    /// The sum of its invoices' balances, when it has invoices.
    pub balance: Option<Balance>,
    /// When and by whom its customer wrote after it was closed ([`Ticket::reply_after_close`]).
    pub replied: Option<(Instant, String)>,
}

/// The desk's own addresses (`[company] email` and `pec`): mail from them is a copy of a
/// colleague's, never a customer's reply.
fn desk_addresses(desk: &Desk) -> Vec<&str> {
    let company = &desk.config.company;
    [company.email.as_deref(), company.pec.as_deref()].into_iter().flatten().collect()
}

/// A ticket's page as people read it: a card of fields, then titled sections (problem,
/// solution, notes, history, conflicts, documents, balance).
pub struct TicketPage {
    pub card: Vec<(String, String)>,
    pub sections: Vec<(String, String)>,
    /// Why the documents are not shown, when they could not be read.
    pub documents_error: Option<Error>,
}

impl TicketView {
    /// The page of the ticket: empty fields and sections are left out.
    pub fn page(self) -> TicketPage {
        let t = &self.ticket;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let when = |at: &Instant| at.format("%Y-%m-%d %H:%M").to_string();
        let mut card: Vec<(String, String)> = vec![
            ("id".into(), t.id.clone()),
            ("title".into(), t.title.clone()),
            ("state".into(), self.state.clone()),
            ("customer".into(), self.customer.clone()),
            ("priority".into(), t.priority.as_str().into()),
            ("assignee".into(), opt(&t.assignee)),
            ("category".into(), opt(&t.category)),
            ("item".into(), opt(&t.item)),
            ("serial".into(), opt(&t.serial)),
            ("warranty".into(), if t.warranty { "yes".into() } else { "no".into() }),
            ("opened".into(), format!("{} by {}", t.opened_at, t.opened_by)),
            ("due".into(), t.due.map(|d| d.to_string()).unwrap_or_default()),
            ("closed".into(), t.closed_at.map(|d| d.to_string()).unwrap_or_default()),
            (
                "reply after close".into(),
                self.replied.as_ref().map(|(at, by)| format!("{} by {by}", when(at))).unwrap_or_default(),
            ),
            ("request".into(), opt(&t.request)),
        ];
        for (name, value) in &t.custom {
            card.push((name.clone(), crate::render::text(&serde_json::to_value(value).unwrap_or_default())));
        }
        card.retain(|(_, v)| !v.is_empty());
        let mut sections = vec![("problem", opt(&t.problem)), ("solution", opt(&t.solution))];
        let notes = t.notes.iter().map(|n| {
            let flag = n.warning.as_ref().map(|w| format!(" [warning: {w}]")).unwrap_or_default();
            format!("{} {}{flag}: {}", when(&n.at), n.by, n.text.replace('\n', "\n    "))
        });
        sections.push(("notes", notes.collect::<Vec<_>>().join("\n")));
        let history = t.history.iter().map(|h| {
            let step = match &h.from {
                Some(from) if from != &h.to => format!("{from} -> {}", h.to),
                Some(_) => "note".to_string(),
                None => format!("opened in {}", h.to),
            };
            let note = h.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
            format!("{} {}: {step}{note}", when(&h.at), h.by)
        });
        sections.push(("history", history.collect::<Vec<_>>().join("\n")));
        let mut conflicts = Vec::new();
        for c in &crate::model::conflicts_in(&t.extra) {
            conflicts.push(format!("{} (resolve: tkt ticket edit {} --resolve FIELD)", c.field, t.id));
            for (label, side) in [("kept ", &c.kept), ("other", &c.other)] {
                let who = side.who();
                let who = if who.is_empty() { String::new() } else { format!("  ({who})") };
                conflicts.push(format!("  {label} {}{who}", side.text().replace('\n', "\n        ")));
            }
        }
        sections.push(("conflicts", conflicts.join("\n")));
        let (docs, documents_error) = match self.documents {
            Ok(docs) => (docs, None),
            Err(e) => (vec![], Some(e)),
        };
        let docs = docs.iter().map(|d| {
            let amount =
                if d.totals.is_some() || d.amount.is_some() { format!("  {}", d.value()) } else { String::new() };
            format!("{}  {}  {}{amount}", d.id, d.kind, d.date)
        });
        sections.push(("documents", docs.collect::<Vec<_>>().join("\n")));
        if let Some(b) = &self.balance {
            let withheld = if b.withheld.0.is_zero() { String::new() } else { format!("  withheld {}", b.withheld) };
            let line = format!(
                "invoiced {}{withheld}  credited {}  paid {}  refunded {}  due {}",
                b.invoiced, b.credited, b.paid, b.refunded, b.due
            );
            sections.push(("balance", line));
        }
        let sections = sections.into_iter().filter(|(_, b)| !b.is_empty()).map(|(t, b)| (t.to_string(), b)).collect();
        TicketPage { card, sections, documents_error }
    }
}

/// A ticket with its state and customer names, its documents and its invoices' balance.
/// Documents point at their ticket; the ticket's list is derived from them.
pub fn view_ticket(desk: &Desk, id: &str) -> Result<TicketView> {
    let ticket: Ticket = desk.load(id)?;
    let state = desk.get::<State>(&ticket.state).ok().flatten().map(|s| format!("{} ({})", s.name, s.id));
    let customer = desk.get::<Customer>(&ticket.customer).ok().flatten().map(|c| format!("{} {}", c.id, c.name));
    let (documents, balance) = match desk.documents_pointing_at(&ticket.id, &DocKind::ALL) {
        Ok(all) => {
            let all_balances = balances(&all);
            let docs: Vec<Document> =
                all.into_iter().filter(|d| d.ticket.as_deref() == Some(ticket.id.as_str())).collect();
            let invoices: Vec<&Balance> = docs.iter().filter_map(|d| all_balances.get(&d.id)).collect();
            let sum = |f: fn(&Balance) -> Money| Money(invoices.iter().map(|b| f(b).0).sum());
            let balance = (!invoices.is_empty()).then(|| Balance {
                invoiced: sum(|b| b.invoiced),
                credited: sum(|b| b.credited),
                paid: sum(|b| b.paid),
                refunded: sum(|b| b.refunded),
                withheld: sum(|b| b.withheld),
                due: sum(|b| b.due),
            });
            (Ok(docs), balance)
        }
        Err(e) => (Err(e), None),
    };
    let replied = ticket.reply_after_close(&desk_addresses(desk)).map(|n| (n.at, n.by.clone()));
    Ok(TicketView {
        replied,
        state: state.unwrap_or_else(|| ticket.state.clone()),
        customer: customer.unwrap_or_else(|| ticket.customer.clone()),
        ticket,
        documents,
        balance,
    })
}

/// One commit that changed a ticket, with its changes field by field.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub commit: String,
    pub at: Instant,
    pub by: String,
    pub message: String,
    pub changes: Vec<FieldChange>,
}

/// Who changed what of ticket `id` and when, from git history, oldest first.
pub fn ticket_history(desk: &Desk, id: &str) -> Result<Vec<LogEntry>> {
    Kind::Ticket.check_id(id)?;
    let paths = Kind::Ticket.places_of(id);
    let repo = desk.repo().ok_or_else(|| Error::failure("history is off: the desk is in no git repository"))?;
    let revisions = repo.record_history(&paths)?;
    if revisions.is_empty() {
        desk.load::<Ticket>(id)?;
    }
    // A version that does not read (a half-done edit committed, fixed in the next commit)
    // is said to be one; the next that reads is compared with the last that did, not taken
    // for the ticket deleted and made again (found by a careless-office attack).
    let reads = |text: &Option<String>| {
        text.as_deref().is_none_or(|t| crate::model::from_yaml::<serde_yaml::Value>(t.as_bytes()).is_ok())
    };
    let mut last_read: Option<String> = None;
    Ok(revisions
        .into_iter()
        .map(|r| {
            let changes = match reads(&r.after) {
                true => {
                    let before = if reads(&r.before) { r.before.clone() } else { last_read.clone() };
                    last_read = r.after.clone();
                    field_changes(before.as_deref(), r.after.as_deref())
                }
                false => vec![FieldChange {
                    field: "(file)".into(),
                    from: serde_json::Value::Null,
                    to: "does not read as YAML".into(),
                }],
            };
            LogEntry { changes, commit: r.commit, at: r.at, by: r.author, message: r.message }
        })
        .collect())
}

/// Refuses a filter naming a record that does not exist (exit 3): a typo, not a list that
/// happens to be empty (a cron job would read "nothing owed").
///
/// An id that is no id of its kind (`c-0001`) is refused as such, with the id it means (exit
/// 4, as `show` refuses it), not reported missing.
fn refuse_unknown(desk: &Desk, named: &[(Kind, Option<&str>)]) -> Result<()> {
    for (kind, id) in named.iter().filter_map(|(kind, id)| Some((kind, (*id)?))) {
        kind.check_id(id)?;
        if !desk.exists(*kind, id) {
            return Err(Error::not_found(kind.noun(), id));
        }
    }
    Ok(())
}

/// Refuses a state filter naming no state of `catalog` (exit 3), with the states there are.
fn refuse_unknown_state(catalog: &[State], state: &str) -> Result<()> {
    if catalog.iter().any(|c| c.id == state) {
        return Ok(());
    }
    // One no state can have is a typo (exit 4), as `state show` says.
    Kind::State.check_id(state)?;
    let known: Vec<&str> = catalog.iter().map(|c| c.id.as_str()).collect();
    Err(Error::not_found("state", state).with_hint(format!("states: {}", known.join(", "))))
}

/// The units of the desk, filtered by customer, item and warranty on `today`.
pub fn list_units(
    desk: &Desk,
    customer: Option<&str>,
    item: Option<&str>,
    in_warranty: Option<NaiveDate>,
) -> Result<Vec<Equipment>> {
    refuse_unknown(desk, &[(Kind::Customer, customer), (Kind::Item, item)])?;
    let mut units: Vec<Equipment> = desk.load_all()?;
    units.retain(|u| {
        customer.is_none_or(|c| u.customer == c)
            && item.is_none_or(|i| u.item == i)
            && in_warranty.is_none_or(|day| warranty_covers(u, day))
    });
    Ok(units)
}

/// The tickets about unit `serial`, which must exist.
pub fn unit_tickets(desk: &Desk, serial: &str) -> Result<Vec<Ticket>> {
    desk.load::<Equipment>(serial)?;
    let mut tickets: Vec<Ticket> = desk.load_all()?;
    tickets.retain(|t| t.serial.as_deref() == Some(serial));
    Ok(tickets)
}

/// Which documents; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct DocQuery {
    pub kinds: Vec<DocKind>,
    pub ticket: Option<String>,
    pub customer: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Only invoices with something still due.
    pub unpaid: bool,
    /// Only invoices and credit notes whose e-invoice is in this state (`rejected`, …).
    pub sdi: Option<String>,
}

/// A document as `doc list` gives it: the record, what an invoice still has due, and
/// where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct ListedDocument {
    /// Every field of its kind, null when empty, as its file has them.
    #[serde(flatten, serialize_with = "crate::model::as_stored")]
    pub doc: Document,
    /// An invoice's balance: what the customer still owes on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Money>,
    /// An invoice settled or due, what a payment or refund is on, an order's status, a
    /// DDT's causale.
    #[serde(skip)]
    pub status: String,
}

/// The documents that match, in id order per kind, each with where it stands.
pub fn list_documents(desk: &Desk, q: &DocQuery) -> Result<Vec<ListedDocument>> {
    refuse_unknown(desk, &[(Kind::Customer, q.customer.as_deref()), (Kind::Ticket, q.ticket.as_deref())])?;
    let kinds = if q.unpaid { vec![DocKind::Invoice] } else { q.kinds.clone() };
    // Only the kinds listed are read (and, for invoices, what their balance needs): a broken
    // invoice does not stop a list of work reports.
    let mut read = kinds.clone();
    if kinds.contains(&DocKind::Invoice) {
        read.extend([DocKind::CreditNote, DocKind::Payment, DocKind::Refund]);
    }
    read.sort_unstable_by_key(|k| DocKind::ALL.iter().position(|a| a == k));
    read.dedup();
    let all = desk.documents(&read)?;
    if q.unpaid {
        refuse_unsound(&all)?;
    }
    let balances = balances(&all);
    let due = |d: &Document| balances.get(&d.id).map(|b| b.due).unwrap_or_default();
    let docs = all.into_iter().filter(|d| {
        (kinds.is_empty() || kinds.contains(&d.kind))
            && q.ticket.as_ref().is_none_or(|t| d.ticket.as_ref() == Some(t))
            && q.customer.as_ref().is_none_or(|c| &d.customer == c)
            && q.since.is_none_or(|s| d.date >= s)
            && q.until.is_none_or(|u| d.date <= u)
            && (!q.unpaid || due(d).0.is_sign_positive() && !due(d).0.is_zero())
            && q.sdi
                .as_deref()
                .is_none_or(|state| matches!(d.kind, DocKind::Invoice | DocKind::CreditNote) && sdi_state(d).is(state))
    });
    let status = |d: &Document| match d.kind {
        DocKind::Invoice if due(d).0.is_zero() => "settled".to_string(),
        DocKind::Invoice => format!("due {}", due(d)),
        DocKind::CreditNote | DocKind::Payment => format!("on {}", d.invoice.as_deref().unwrap_or("?")),
        DocKind::Refund => format!("on {}", d.credit_note.as_deref().unwrap_or("?")),
        _ => d
            .status
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| d.purpose.as_ref().map(ToString::to_string))
            .or_else(|| d.reason.clone())
            .unwrap_or_default(),
    };
    Ok(docs
        .map(|mut d| {
            let due = (d.kind == DocKind::Invoice).then(|| due(&d));
            // The balance is what `due` says: a hand annotation of that name gave JSON and
            // YAML the key twice, and the accountant's CSV a date for the amount due (found
            // by a careless-office attack). Its file keeps it.
            if due.is_some() {
                d.extra.remove("due");
            }
            ListedDocument { due, status: status(&d), doc: d }
        })
        .collect())
}

/// The customers whose name, VAT number, city or e-mail contains `text` (any case).
pub fn find_customers(desk: &Desk, text: Option<&str>) -> Result<Vec<Customer>> {
    let mut customers: Vec<Customer> = desk.load_all()?;
    if let Some(text) = text.map(str::to_lowercase) {
        customers.retain(|c| {
            [Some(&c.name), c.vat_number.as_ref(), c.address.city.as_ref(), c.email.as_ref()]
                .into_iter()
                .flatten()
                .any(|v| v.to_lowercase().contains(&text))
        });
    }
    Ok(customers)
}

/// The requests with this status, from this channel, of this customer.
pub fn list_requests(
    desk: &Desk,
    status: Option<RequestStatus>,
    channel: Option<Channel>,
    customer: Option<&str>,
) -> Result<Vec<Request>> {
    refuse_unknown(desk, &[(Kind::Customer, customer)])?;
    let mut requests: Vec<Request> = desk.load_all()?;
    requests.retain(|r| {
        status.as_ref().is_none_or(|s| &r.status == s)
            && channel.as_ref().is_none_or(|c| &r.channel == c)
            && customer.is_none_or(|c| r.customer.as_deref() == Some(c))
    });
    Ok(requests)
}

/// One invoice of a customer's statement: what was invoiced and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct StatementLine {
    pub invoice: String,
    pub date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub invoiced: Money,
    /// What the buyer pays the State instead (a withholding, a public administration's
    /// VAT): the columns add up to `due`.
    pub withheld: Money,
    pub credited: Money,
    pub paid: Money,
    pub refunded: Money,
    pub due: Money,
}

/// Refuses balances made of documents whose stored money disagrees with itself.
fn refuse_unsound(docs: &[Document]) -> Result<()> {
    let unsound: Vec<(&str, String)> =
        docs.iter().filter_map(|d| Some((d.id.as_str(), crate::rules::money_unsound(d)?))).collect();
    crate::rules::refuse_unsound_money(unsound.iter().map(|(id, why)| (*id, why.as_str())))
}

/// A customer's statement (estratto conto): each invoice with its credit notes, payments,
/// refunds and what is still due — the live balances that are never on the invoice itself.
pub fn statement(desk: &Desk, customer: &str) -> Result<Vec<StatementLine>> {
    desk.load::<Customer>(customer)?;
    let docs = desk.documents(&[DocKind::Invoice, DocKind::CreditNote, DocKind::Payment, DocKind::Refund])?;
    refuse_unsound(&docs)?;
    let balances = balances(&docs);
    Ok(docs
        .iter()
        .filter(|d| d.kind == DocKind::Invoice && d.customer == customer)
        .map(|d| {
            let b = balances.get(&d.id).cloned().unwrap_or_default();
            StatementLine {
                invoice: d.id.clone(),
                date: d.date,
                due_date: d.payment.as_ref().map(|p| p.due_date),
                invoiced: b.invoiced,
                withheld: b.withheld,
                credited: b.credited,
                paid: b.paid,
                refunded: b.refunded,
                due: b.due,
            }
        })
        .collect())
}

/// The reports tkt computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportName {
    /// Tickets by state, opened and closed, time to close, backlog.
    Summary,
    /// Open tickets by age and assignee (or priority), and overdue ones.
    Aging,
    /// Hours and travel by technician, customer or month; billable and warranty.
    Hours,
    /// Invoiced, credited, paid, refunded and due, with VAT per rate.
    Billing,
    /// Unpaid invoices with due date and days overdue.
    Receivables,
    /// Warranty work per item and what it cost at list price.
    Warranty,
    /// Tickets per unit or item, and repeat failures.
    Equipment,
}

impl ReportName {
    /// Whether the report reads tickets (when no filter asks for them).
    fn reads_tickets(self) -> bool {
        !matches!(self, ReportName::Billing | ReportName::Receivables)
    }

    /// What the report may be grouped by.
    fn groups(self) -> &'static [GroupBy] {
        match self {
            ReportName::Aging => &[GroupBy::Assignee, GroupBy::Priority],
            ReportName::Hours => &[GroupBy::Technician, GroupBy::Customer, GroupBy::Month],
            ReportName::Billing => &[GroupBy::Month, GroupBy::Customer],
            ReportName::Equipment => &[GroupBy::Item],
            ReportName::Summary | ReportName::Receivables | ReportName::Warranty => &[],
        }
    }

    /// The kinds of document the report reads; the others are never loaded.
    fn documents(self) -> &'static [DocKind] {
        match self {
            ReportName::Summary | ReportName::Aging | ReportName::Equipment => &[],
            ReportName::Hours | ReportName::Warranty => &[DocKind::WorkReport],
            ReportName::Billing | ReportName::Receivables => {
                &[DocKind::Invoice, DocKind::CreditNote, DocKind::Payment, DocKind::Refund]
            }
        }
    }
}

/// A report and what it covers.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    pub name: ReportName,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub customer: Option<String>,
    pub assignee: Option<String>,
    pub item: Option<String>,
    pub state: Option<String>,
    pub warranty: Option<bool>,
    pub group_by: Option<GroupBy>,
    /// The desk as it was on this day or at this revision, from git history.
    pub as_of: Option<String>,
    /// equipment: a ticket within this many days of the previous one on a unit is a repeat.
    pub within: i64,
}

/// Computes a report on the desk as it is (`today`), or as it was (`as_of`).
pub fn run_report(desk: &Desk, today: NaiveDate, q: &ReportQuery) -> Result<Report> {
    // A grouping the report does not know is refused, never a report under a wrong label.
    if let Some(group) = q.group_by.filter(|g| !q.name.groups().contains(g)) {
        use clap::ValueEnum;
        let name = |v: Option<clap::builder::PossibleValue>| v.map(|v| v.get_name().to_string()).unwrap_or_default();
        let allowed: Vec<String> = q.name.groups().iter().map(|g| name(g.to_possible_value())).collect();
        return Err(Error::usage(format!(
            "--group-by {}: the {} report groups by {}",
            name(group.to_possible_value()),
            name(q.name.to_possible_value()),
            if allowed.is_empty() { "nothing".to_string() } else { allowed.join(" or ") }
        )));
    }
    // What the desk no longer has may be in one of the past (--as-of).
    if q.as_of.is_none() {
        refuse_unknown(desk, &[(Kind::Customer, q.customer.as_deref()), (Kind::Item, q.item.as_deref())])?;
    }
    let kinds = q.name.documents();
    let filtered =
        q.customer.is_some() || q.assignee.is_some() || q.item.is_some() || q.state.is_some() || q.warranty.is_some();
    // Billing and receivables read documents only, unless tickets filter them.
    let ticket: &(dyn Fn(Ticket) -> TicketFacts + Sync) = &TicketFacts::from;
    let ticket = (filtered || q.name.reads_tickets()).then_some(ticket);
    let keep = || Keep { ticket, ticket_json: Some(&TicketFacts::from_json), doc: &DocFacts::from };
    let (snap, today) = match &q.as_of {
        Some(spec) => desk.snapshot_at(spec, kinds, keep())?,
        None => (desk.snapshot(kinds, keep())?, today),
    };
    let keep = |t: &TicketFacts| {
        q.customer.as_ref().is_none_or(|c| &t.customer == c)
            && q.assignee.as_ref().is_none_or(|a| t.assignee.as_ref() == Some(a))
            && q.item.as_ref().is_none_or(|i| t.item.as_ref() == Some(i))
            && q.state.as_ref().is_none_or(|s| &t.state == s)
            && q.warranty.is_none_or(|w| t.warranty == w)
    };
    if let Some(state) = &q.state {
        refuse_unknown_state(&snap.catalog, state)?;
    }
    let tickets: Vec<TicketFacts> = snap.tickets.into_iter().filter(keep).collect();
    let ids: HashSet<&str> = tickets.iter().map(|t| t.id.as_str()).collect();
    let docs: Vec<_> = snap
        .docs
        .into_iter()
        .filter(|d| match &d.ticket {
            _ if !filtered => true,
            Some(t) => ids.contains(t.as_str()),
            None => q.customer.as_ref().is_some_and(|c| &d.customer == c),
        })
        .collect();
    crate::rules::refuse_unsound_money(docs.iter().filter_map(|d| Some((d.id.as_str(), d.unsound.as_deref()?))))?;
    let items: HashMap<String, Item> = snap.items.into_iter().map(|i| (i.code.clone(), i)).collect();
    let data =
        Data { tickets: &tickets, catalog: &snap.catalog, docs: &docs, items: &items, billing: &snap.config.billing };
    let params = Params {
        since: q.since,
        until: q.until.or(q.as_of.as_ref().map(|_| today)),
        today,
        group_by: q.group_by,
        within_days: q.within,
    };
    Ok(match q.name {
        ReportName::Summary => report::summary(&data, &params),
        ReportName::Aging => report::aging(&data, &params),
        ReportName::Hours => report::hours(&data, &params),
        ReportName::Billing => report::billing(&data, &params),
        ReportName::Receivables => report::receivables(&data, &params),
        ReportName::Warranty => report::warranty(&data, &params),
        ReportName::Equipment => report::equipment(&data, &params),
    })
}
