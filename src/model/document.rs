//! Documents produced from a ticket (DESIGN §3): delivery notes in and out, work reports,
//! invoices, credit notes, job and sales orders, payments and refunds. One type holds
//! every kind; the fields of other kinds stay empty and are not written.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_yaml::Mapping;

use super::{
    DdtPurpose, Instant, Kind, Money, OrderStatus, Party, PaymentMethod, Rate, Record, TransportBy, WorkOutcome,
};

/// The kinds of document, each in its own folder `documents/<kind>/<YYYY>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    DdtIn,
    DdtOut,
    WorkReport,
    Invoice,
    CreditNote,
    JobOrder,
    SalesOrder,
    Payment,
    Refund,
}

impl DocKind {
    pub const ALL: [DocKind; 9] = [
        DocKind::DdtIn,
        DocKind::DdtOut,
        DocKind::WorkReport,
        DocKind::Invoice,
        DocKind::CreditNote,
        DocKind::JobOrder,
        DocKind::SalesOrder,
        DocKind::Payment,
        DocKind::Refund,
    ];

    /// The kind's name in records, folders and `tkt.toml` (`ddt-in`).
    pub fn noun(self) -> &'static str {
        match self {
            DocKind::DdtIn => "ddt-in",
            DocKind::DdtOut => "ddt-out",
            DocKind::WorkReport => "work-report",
            DocKind::Invoice => "invoice",
            DocKind::CreditNote => "credit-note",
            DocKind::JobOrder => "job-order",
            DocKind::SalesOrder => "sales-order",
            DocKind::Payment => "payment",
            DocKind::Refund => "refund",
        }
    }

    /// The noun with its article: `an invoice`, `a payment`.
    pub fn a(self) -> String {
        let article = if self.noun().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{article} {}", self.noun())
    }

    pub fn dir(self) -> &'static str {
        match self {
            DocKind::DdtIn => "documents/ddt-in",
            DocKind::DdtOut => "documents/ddt-out",
            DocKind::WorkReport => "documents/work-report",
            DocKind::Invoice => "documents/invoice",
            DocKind::CreditNote => "documents/credit-note",
            DocKind::JobOrder => "documents/job-order",
            DocKind::SalesOrder => "documents/sales-order",
            DocKind::Payment => "documents/payment",
            DocKind::Refund => "documents/refund",
        }
    }

    pub fn default_prefix(self) -> &'static str {
        match self {
            DocKind::DdtIn => "DI",
            DocKind::DdtOut => "DO",
            DocKind::WorkReport => "WR",
            DocKind::Invoice => "INV",
            DocKind::CreditNote => "CN",
            DocKind::JobOrder => "JO",
            DocKind::SalesOrder => "SO",
            DocKind::Payment => "PAY",
            DocKind::Refund => "RF",
        }
    }

    /// Fiscal documents stay progressive and gapless per series, and are never deleted
    /// or renumbered once written (DESIGN §4).
    pub fn is_fiscal(self) -> bool {
        matches!(self, DocKind::DdtIn | DocKind::DdtOut | DocKind::Invoice | DocKind::CreditNote)
    }

    /// Documents whose lines carry prices and totals.
    pub fn is_priced(self) -> bool {
        matches!(self, DocKind::Invoice | DocKind::CreditNote | DocKind::SalesOrder)
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.noun())
    }
}

/// The annotation `tkt doc export` adds to an invoice or credit note: the e-invoice's
/// file and its state at SDI (a key tkt keeps beside the issued fields, which it may change).
pub const EINVOICE: &str = "einvoice";

/// A document file. Common fields first, then the fields of its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub kind: DocKind,
    #[serde(deserialize_with = "super::day::de")]
    pub date: NaiveDate,
    pub ticket: Option<String>,
    pub customer: String,
    #[serde(default)]
    pub series: Option<String>,
    pub created_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::instant::de_option")]
    pub created_at: Option<Instant>,
    /// Fiscal documents: the seller and the buyer as they stood at issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Party>,
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Stored for priced documents; `tkt check` verifies them against the lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
    #[serde(default)]
    pub notes: Option<String>,

    // ddt-in (a [`DdtReason`]) and credit-note (free text)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<DdtPurpose>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ddt_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_by: Option<TransportBy>,
    /// The carrier (vettore): name, address and Partita IVA (DPR 472/1996).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_vat_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<u32>,
    /// Gross weight in kg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::instant::de_option")]
    pub transport_start: Option<Instant>,
    /// ddt-in: the number and date of the customer's own DDT the goods came with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub their_ddt: Option<String>,
    #[serde(default, deserialize_with = "super::day::de_option", skip_serializing_if = "Option::is_none")]
    pub their_ddt_date: Option<NaiveDate>,

    // work-report
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_hours: Option<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub km: Option<Rate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<Material>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<WorkOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,

    // invoice
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty: Option<bool>,
    /// The work reports and delivery notes this invoice bills.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentInfo>,
    /// A deferred invoice (fattura differita, art. 21 c. 4 DPR 633/72): the delivery notes
    /// it bills, with their dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ddts: Vec<DdtRef>,
    /// Imposta di bollo paid virtually on an invoice whose lines without VAT exceed 77.47.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp_duty: Option<Money>,
    /// The condominium's 4% withholding (art. 25-ter DPR 600/73): it pays the total less this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withholding: Option<Withholding>,

    // credit-note, payment, refund
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<String>,
    /// A credit note: the date of the invoice it corrects, printed beside its number.
    #[serde(default, deserialize_with = "super::day::de_option", skip_serializing_if = "Option::is_none")]
    pub invoice_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<PaymentMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,

    // job-order, sales-order
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_hours: Option<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_amount: Option<Money>,
    #[serde(default, deserialize_with = "super::day::de_option", skip_serializing_if = "Option::is_none")]
    pub delivery_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,

    #[serde(flatten)]
    pub extra: Mapping,
}

/// One line of a document. Prices and VAT are set on priced documents (invoice, credit
/// note, sales order); a delivery note's lines may carry only item, quantity and serial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    #[serde(default)]
    pub item: Option<String>,
    pub description: String,
    pub qty: Rate,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub unit_price: Option<Money>,
    #[serde(default)]
    pub discount_pct: Option<Rate>,
    #[serde(default)]
    pub vat_rate: Option<Rate>,
    /// Natura IVA for lines without VAT (N2.2: outside the scope, warranty work).
    #[serde(default)]
    pub vat_nature: Option<String>,
    /// The legal wording of a line without VAT or at a reduced rate, with its reference
    /// (see the README's Rules); printed, and the riferimento normativo of an e-invoice.
    #[serde(default)]
    pub vat_note: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    /// The line is work a condominium withholds 4% of (its e-invoice's `Ritenuta SI`);
    /// goods sold and the bollo are not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withholding: bool,
    #[serde(flatten)]
    pub extra: Mapping,
}

/// A material used in a work report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Material {
    pub item: String,
    /// The item's description at the time of the report, printed beside its code.
    #[serde(default)]
    pub description: Option<String>,
    pub qty: Rate,
    #[serde(default)]
    pub serial: Option<String>,
}

/// Totals of a priced document: net, VAT per rate and nature, total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub net: Money,
    pub vat: Vec<VatLine>,
    pub total: Money,
}

/// The VAT of one rate (riepilogo per aliquota).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VatLine {
    pub rate: Rate,
    #[serde(default)]
    pub nature: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub taxable: Money,
    pub tax: Money,
}

/// A delivery note an invoice bills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DdtRef {
    pub id: String,
    #[serde(deserialize_with = "super::day::de")]
    pub date: NaiveDate,
    /// The numbers (from 1) of the invoice's lines it delivered; none on an invoice issued
    /// before tkt kept them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<u32>,
}

/// A withholding on account that the buyer pays to the State instead of to the seller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withholding {
    pub rate: Rate,
    pub amount: Money,
    /// The law it applies, e.g. `art. 25-ter DPR 600/73`.
    pub reference: String,
}

/// How an invoice is to be paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentInfo {
    #[serde(default)]
    pub terms: Option<String>,
    #[serde(default)]
    pub method: Option<PaymentMethod>,
    #[serde(deserialize_with = "super::day::de")]
    pub due_date: NaiveDate,
}

impl Record for Document {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> Kind {
        Kind::Document(self.kind)
    }
    fn extra(&self) -> &serde_yaml::Mapping {
        &self.extra
    }
    fn to_mapping(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
        let mut value = serde_yaml::to_value(self)?;
        if let serde_yaml::Value::Mapping(map) = &mut value {
            *map = with_kind_fields(std::mem::take(map), self.kind);
        }
        Ok(value)
    }
    fn links(&self) -> Vec<String> {
        [&self.ticket, &self.invoice, &self.credit_note, &self.ddt_in]
            .into_iter()
            .flatten()
            .chain(&self.sources)
            .cloned()
            .collect()
    }
}

/// Every field of a document, in the order they are written.
const FIELD_ORDER: &[&str] = &[
    "id",
    "kind",
    "date",
    "ticket",
    "customer",
    "series",
    "created_by",
    "created_at",
    "seller",
    "buyer",
    "lines",
    "totals",
    "notes",
    "reason",
    "purpose",
    "ddt_in",
    "transport_by",
    "carrier",
    "carrier_address",
    "carrier_vat_number",
    "packages",
    "weight",
    "appearance",
    "transport_start",
    "their_ddt",
    "their_ddt_date",
    "technician",
    "start",
    "end",
    "hours",
    "travel_hours",
    "km",
    "activities",
    "materials",
    "outcome",
    "signed_by",
    "warranty",
    "sources",
    "payment",
    "ddts",
    "stamp_duty",
    "withholding",
    "invoice",
    "invoice_date",
    "credit_note",
    "amount",
    "method",
    "reference",
    "title",
    "budget_hours",
    "budget_amount",
    "delivery_date",
    "status",
];

/// The list fields, written `[]` when empty.
const LIST_FIELDS: &[&str] = &["activities", "materials", "sources", "ddts"];

const TRANSPORT: &[&str] = &[
    "transport_by",
    "carrier",
    "carrier_address",
    "carrier_vat_number",
    "packages",
    "weight",
    "appearance",
    "transport_start",
];

/// The fields a document of `kind` can hold beyond the common ones: each is written,
/// empty or not, so its file shows what it can hold.
pub fn kind_fields(kind: DocKind) -> Vec<&'static str> {
    let own: &[&str] = match kind {
        DocKind::DdtIn => &["seller", "buyer", "reason", "their_ddt", "their_ddt_date"],
        DocKind::DdtOut => &["seller", "buyer", "purpose", "ddt_in"],
        DocKind::WorkReport => &[
            "technician",
            "start",
            "end",
            "hours",
            "travel_hours",
            "km",
            "activities",
            "materials",
            "outcome",
            "signed_by",
        ],
        DocKind::Invoice => {
            &["seller", "buyer", "totals", "warranty", "sources", "payment", "ddts", "stamp_duty", "withholding"]
        }
        DocKind::CreditNote => {
            &["seller", "buyer", "totals", "reason", "invoice", "invoice_date", "stamp_duty", "withholding"]
        }
        DocKind::JobOrder => &["title", "budget_hours", "budget_amount", "status"],
        DocKind::SalesOrder => &["totals", "delivery_date", "status"],
        DocKind::Payment => &["invoice", "amount", "method", "reference"],
        DocKind::Refund => &["credit_note", "amount", "method", "reference"],
    };
    let transport: &[&str] = if matches!(kind, DocKind::DdtIn | DocKind::DdtOut) { TRANSPORT } else { &[] };
    own.iter().chain(transport).copied().collect()
}

/// `map` with the fields of `kind` it lacks added empty, the known fields in their order
/// and the keys added by hand after them, as they were.
fn with_kind_fields(mut map: Mapping, kind: DocKind) -> Mapping {
    let own = kind_fields(kind);
    let mut out = Mapping::new();
    for name in FIELD_ORDER {
        let key = serde_yaml::Value::String((*name).to_string());
        match map.remove(&key) {
            Some(value) => {
                out.insert(key, value);
            }
            None if own.contains(name) => {
                let empty = if LIST_FIELDS.contains(name) {
                    serde_yaml::Value::Sequence(vec![])
                } else {
                    serde_yaml::Value::Null
                };
                out.insert(key, empty);
            }
            None => {}
        }
    }
    out.extend(map);
    out
}

impl Document {
    /// A new document with the common fields set and nothing else.
    pub fn new(kind: DocKind, date: NaiveDate, customer: &str, created_by: &str) -> Document {
        Document {
            id: String::new(),
            kind,
            date,
            ticket: None,
            customer: customer.to_string(),
            series: None,
            created_by: created_by.to_string(),
            created_at: None,
            seller: None,
            buyer: None,
            lines: vec![],
            totals: None,
            notes: None,
            reason: None,
            purpose: None,
            ddt_in: None,
            transport_by: None,
            carrier: None,
            carrier_address: None,
            carrier_vat_number: None,
            packages: None,
            weight: None,
            appearance: None,
            transport_start: None,
            their_ddt: None,
            their_ddt_date: None,
            technician: None,
            start: None,
            end: None,
            hours: None,
            travel_hours: None,
            km: None,
            activities: vec![],
            materials: vec![],
            outcome: None,
            signed_by: None,
            warranty: None,
            sources: vec![],
            payment: None,
            ddts: vec![],
            stamp_duty: None,
            withholding: None,
            invoice: None,
            invoice_date: None,
            credit_note: None,
            amount: None,
            method: None,
            reference: None,
            title: None,
            budget_hours: None,
            budget_amount: None,
            delivery_date: None,
            status: None,
            extra: Mapping::new(),
        }
    }

    /// The total of a priced document, or the amount of a payment or refund.
    pub fn value(&self) -> Money {
        self.totals.as_ref().map(|t| t.total).or(self.amount).unwrap_or_default()
    }
}
