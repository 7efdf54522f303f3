//! What reports read of tickets and documents: a few fields each, kept as every record is
//! decoded, so that a report over 100,000 tickets and their documents holds those fields
//! and not the records (their notes, history, lines and parties).

use chrono::NaiveDate;

use crate::model::{DocKind, Document, Instant, Money, Priority, Rate, Ticket};
use crate::rules::Ledgered;

/// The fields of a ticket that reports and their filters read.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketFacts {
    pub id: String,
    pub customer: String,
    pub state: String,
    pub opened_at: Instant,
    pub closed_at: Option<Instant>,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub item: Option<String>,
    pub serial: Option<String>,
    pub warranty: bool,
    pub due: Option<NaiveDate>,
}

impl From<Ticket> for TicketFacts {
    fn from(t: Ticket) -> TicketFacts {
        TicketFacts {
            id: t.id,
            customer: t.customer,
            state: t.state,
            opened_at: t.opened_at,
            closed_at: t.closed_at,
            priority: t.priority,
            assignee: t.assignee,
            item: t.item,
            serial: t.serial,
            warranty: t.warranty,
            due: t.due,
        }
    }
}

/// The fields of [`TicketFacts`] as a ticket's JSON holds them, read with the same
/// attributes as [`Ticket`]'s; every other field is passed over without being decoded.
#[derive(serde::Deserialize)]
struct TicketWire {
    id: String,
    customer: String,
    state: String,
    #[serde(deserialize_with = "crate::model::instant::de")]
    opened_at: Instant,
    #[serde(default, deserialize_with = "crate::model::instant::de_option")]
    closed_at: Option<Instant>,
    #[serde(default)]
    priority: Priority,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    item: Option<String>,
    #[serde(default)]
    serial: Option<String>,
    #[serde(default)]
    warranty: bool,
    #[serde(default)]
    due: Option<NaiveDate>,
}

impl TicketFacts {
    /// The facts of the ticket `id` from its JSON (as the cache keeps it), without decoding
    /// its notes and history; `None` when the JSON is not that ticket's.
    pub fn from_json(json: &[u8], id: &str) -> Option<TicketFacts> {
        let w: TicketWire = crate::model::from_json(json)?;
        (w.id == id).then_some(TicketFacts {
            id: w.id,
            customer: w.customer,
            state: w.state,
            opened_at: w.opened_at,
            closed_at: w.closed_at,
            priority: w.priority,
            assignee: w.assignee,
            item: w.item,
            serial: w.serial,
            warranty: w.warranty,
            due: w.due,
        })
    }
}

/// The fields of a document that reports, their filters and balances read.
#[derive(Debug, Clone, PartialEq)]
pub struct DocFacts {
    pub id: String,
    pub kind: DocKind,
    pub date: NaiveDate,
    pub ticket: Option<String>,
    pub customer: String,
    /// Its total, or a payment's or refund's amount ([`Document::value`]).
    pub value: Money,
    /// The VAT of each rate of its totals: the rate and the tax.
    pub vat: Vec<(Rate, Money)>,
    /// Its VAT is paid to the State by the buyer, a public administration (split payment,
    /// art. 17-ter DPR 633/72): not the seller's to pay.
    pub split_payment: bool,
    /// An invoice's due day.
    pub due_date: Option<NaiveDate>,
    pub withheld: Money,
    /// Its taxable amount ([`Ledgered::net`]).
    pub net: Money,
    /// An invoice whose credit notes say what they give back of its withholding
    /// ([`Ledgered::gives_back_exactly`]).
    pub gives_back_exactly: bool,
    pub invoice: Option<String>,
    pub credit_note: Option<String>,
    // work-report
    pub technician: Option<String>,
    pub hours: Option<Rate>,
    pub travel_hours: Option<Rate>,
    /// Item code and quantity of each material used.
    pub materials: Vec<(String, Rate)>,
    /// Why its money cannot be counted ([`crate::rules::money_unsound`]).
    pub unsound: Option<String>,
}

impl From<Document> for DocFacts {
    fn from(d: Document) -> DocFacts {
        DocFacts {
            unsound: crate::rules::money_unsound(&d),
            value: d.value(),
            withheld: Ledgered::withheld(&d),
            net: crate::rules::net_of(&d),
            gives_back_exactly: Ledgered::gives_back_exactly(&d),
            vat: d.totals.iter().flat_map(|t| t.vat.iter().map(|v| (v.rate, v.tax))).collect(),
            split_payment: crate::rules::split_payment(&d),
            due_date: d.payment.as_ref().map(|p| p.due_date),
            materials: d.materials.into_iter().map(|m| (m.item, m.qty)).collect(),
            id: d.id,
            kind: d.kind,
            date: d.date,
            ticket: d.ticket,
            customer: d.customer,
            invoice: d.invoice,
            credit_note: d.credit_note,
            technician: d.technician,
            hours: d.hours,
            travel_hours: d.travel_hours,
        }
    }
}

impl Ledgered for DocFacts {
    fn doc_kind(&self) -> DocKind {
        self.kind
    }
    fn doc_id(&self) -> &str {
        &self.id
    }
    fn invoice(&self) -> Option<&str> {
        self.invoice.as_deref()
    }
    fn credit_note(&self) -> Option<&str> {
        self.credit_note.as_deref()
    }
    fn value(&self) -> Money {
        self.value
    }
    fn withheld(&self) -> Money {
        self.withheld
    }
    fn net(&self) -> Money {
        self.net
    }
    fn gives_back_exactly(&self) -> bool {
        self.gives_back_exactly
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts read straight from a ticket's JSON are those kept of the whole ticket, for
    /// every ticket of the example desk and for one with every optional field empty or odd.
    #[test]
    fn facts_from_a_tickets_json_are_those_of_the_ticket() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-example/tickets");
        let mut texts = Vec::new();
        for year in std::fs::read_dir(root).unwrap() {
            for shard in std::fs::read_dir(year.unwrap().path()).unwrap() {
                for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
                    texts.push(std::fs::read_to_string(file.unwrap().path()).unwrap());
                }
            }
        }
        assert!(texts.len() >= 20, "only {} tickets", texts.len());
        texts.push(
            "id: T-2026-0999\ntitle: x\ncustomer: C-0001\nstate: new\nopened_at: 2026-11-27T09:00:00.5+01:00\n\
             opened_by: anna\nclosed_at: null\nstate_note: kept\nnotes: [{at: 2026-11-27T09:00:00Z, by: a, text: t, x: 1}]\n"
                .to_string(),
        );
        for text in texts {
            let ticket: Ticket = serde_yaml::from_str(&text).unwrap();
            let json = serde_json::to_vec(&ticket).unwrap();
            let facts = TicketFacts::from_json(&json, &ticket.id);
            assert_eq!(facts.as_ref(), Some(&TicketFacts::from(ticket.clone())), "{}", ticket.id);
            assert_eq!(TicketFacts::from_json(&json, "T-2026-0000"), None, "another ticket's JSON is not taken");
        }
    }
}
