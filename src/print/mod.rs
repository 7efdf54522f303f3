//! Printing documents: a DDT travels with the goods and a work report is signed by the
//! customer. Text and one self-contained HTML page, from minijinja templates built into
//! the binary; a desk overrides them with files in `templates/`.

use std::path::Path;

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::Config;
use crate::model::{Customer, DdtPurpose, DdtReason, DocKind, Document, Ticket};
use crate::rules::{line_net, round_cents, STAMP_DUTY_NOTE};
use crate::{Error, Result};

const HTML: &str = include_str!("templates/document.html");
const TEXT: &str = include_str!("templates/document.txt");

/// The output formats of `tkt doc print`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrintFormat {
    Text,
    Html,
}

impl PrintFormat {
    fn extension(self) -> &'static str {
        match self {
            PrintFormat::Text => "txt",
            PrintFormat::Html => "html",
        }
    }

    /// The file extensions a page of this format may be written to.
    pub fn file_extensions(self) -> &'static [&'static str] {
        match self {
            PrintFormat::Text => &["txt", "text"],
            PrintFormat::Html => &["html", "htm"],
        }
    }
}

/// Everything a template sees.
#[derive(Serialize)]
struct PrintContext<'a> {
    title: &'static str,
    /// The seller: the document's own copy for a fiscal document, else `[company]`.
    company: serde_json::Value,
    doc: &'a Document,
    /// The buyer: the document's own copy for a fiscal document, else the customer record.
    customer: Option<serde_json::Value>,
    ticket: Option<&'a Ticket>,
    /// Line nets, in line order.
    nets: Vec<String>,
    /// What the buyer pays: the total less a withholding, and less the VAT a public
    /// administration pays the State itself (split payment).
    net_due: String,
    /// That VAT, under split payment (art. 17-ter DPR 633/72), which the print must say.
    split_vat: Option<String>,
    /// A credit note: what is net is the buyer's credit, not to pay.
    credit: bool,
    stamp_note: &'static str,
    /// Whether the lines carry prices (an invoice, a sale, a replacement out of warranty).
    priced: bool,
    signatures: Vec<&'static str>,
    /// The causale as the trade writes it: a DDT's reason or purpose, a credit note's reason.
    causale: Option<String>,
    /// A DDT's sender (mittente) and recipient (destinatario), and where the goods go
    /// (luogo di destinazione): the recipient's address (DPR 472/1996).
    sender: Option<serde_json::Value>,
    recipient: Option<serde_json::Value>,
    destination: Option<String>,
    /// The seller's IBAN, when the payment is by bank transfer.
    iban: Option<String>,
}

/// What a document is called on paper.
pub fn title(kind: DocKind) -> &'static str {
    match kind {
        DocKind::DdtIn => "Documento di trasporto — ricevimento (DDT)",
        DocKind::DdtOut => "Documento di trasporto (DDT)",
        DocKind::WorkReport => "Rapporto di intervento",
        DocKind::Invoice => "Fattura",
        DocKind::CreditNote => "Nota di credito",
        DocKind::JobOrder => "Commessa",
        DocKind::SalesOrder => "Ordine cliente",
        DocKind::Payment => "Ricevuta di pagamento",
        DocKind::Refund => "Rimborso",
    }
}

fn signatures(kind: DocKind) -> Vec<&'static str> {
    match kind {
        DocKind::DdtIn | DocKind::DdtOut => vec!["Firma conducente", "Firma vettore", "Firma destinatario"],
        DocKind::WorkReport => vec!["Firma tecnico", "Firma cliente"],
        _ => vec![],
    }
}

/// The Italian words for the codes stored in documents (`{{ doc.purpose | it }}`); a
/// DDT's reason and purpose read as their causale (one table, in `model::vocab`).
fn italian(code: String) -> String {
    match code.as_str() {
        "repair" | "replacement" | "warranty" | "inspection" => return DdtReason::parse(&code).causale().to_string(),
        "sale" | "return" => return DdtPurpose::parse(&code).causale(false).to_string(),
        "sender" => "mittente",
        "recipient" => "destinatario",
        "carrier" => "vettore",
        "resolved" => "risolto",
        "unresolved" => "non risolto",
        "follow-up" => "da ricontrollare",
        "open" => "aperto",
        "closed" => "chiuso",
        "fulfilled" => "evaso",
        "cancelled" => "annullato",
        _ => return code,
    }
    .to_string()
}

/// Amounts as Italians write them, the one way every amount is printed:
/// 1234.5 -> `1.234,50 €`. Text that is not a number is printed as it is.
fn euro(value: Value) -> String {
    if value.is_undefined() || value.is_none() {
        return String::new();
    }
    let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
    let Ok(amount) = text.trim().parse::<Decimal>() else {
        return text;
    };
    let cents = format!("{:.2}", round_cents(amount).abs());
    let (units, decimals) = cents.split_once('.').unwrap_or((&cents, "00"));
    let mut grouped = String::new();
    for (i, digit) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    let sign = if amount.is_sign_negative() && !round_cents(amount).is_zero() { "-" } else { "" };
    format!("{sign}{grouped},{decimals} €")
}

/// A party's address on one line: `Via Roma 1, 20100 Milano (MI)`.
fn address_line(party: &serde_json::Value) -> Option<String> {
    let a = &party["address"];
    let part = |k: &str| a[k].as_str().map(str::trim).filter(|t| !t.is_empty());
    let place = [part("zip"), part("city")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let mut line = [part("street"), Some(place.as_str()).filter(|p| !p.is_empty())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(province) = part("province") {
        line.push_str(&format!(" ({province})"));
    }
    // Abroad, the country: a destination in Berlin is no Italian place (found by a fiscal
    // review: a DDT's and an invoice's foreign buyer had none).
    if let Some(country) = part("country").filter(|c| !c.eq_ignore_ascii_case("IT") && !line.is_empty()) {
        line.push_str(&format!(", {country}"));
    }
    Some(line).filter(|l| !l.is_empty())
}

/// Dates as Italians write them: 2026-11-27 -> 27/11/2026, an instant with its time.
fn italian_date(text: String) -> String {
    if let Ok(d) = text.parse::<chrono::NaiveDate>() {
        return d.format("%d/%m/%Y").to_string();
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&text) {
        return t.format("%d/%m/%Y %H:%M").to_string();
    }
    text
}

/// Any record as the JSON a template reads.
fn json<T: Serialize>(record: &T) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or_default()
}

/// What is needed to print one document.
pub struct PrintInput<'a> {
    pub config: &'a Config,
    pub doc: &'a Document,
    /// The customer record, printed only for a document without its own buyer.
    pub customer: Option<&'a Customer>,
    pub ticket: Option<&'a Ticket>,
    /// The desk's `templates/` folder, whose files override the built-in templates.
    pub templates: &'a Path,
}

/// How many steps a print template may take: a hundred times what an invoice of a thousand
/// lines needs.
const TEMPLATE_FUEL: u64 = 5_000_000;

/// Renders a document. A template in the desk (`templates/<kind>.<ext>`, else
/// `templates/document.<ext>`) replaces the built-in one; HTML output escapes all text.
pub fn render_document(input: &PrintInput, format: PrintFormat) -> Result<String> {
    let ext = format.extension();
    let mut source = match format {
        PrintFormat::Text => TEXT.to_string(),
        PrintFormat::Html => HTML.to_string(),
    };
    for name in [format!("{}.{ext}", input.doc.kind.noun()), format!("document.{ext}")] {
        let path = input.templates.join(&name);
        if path.is_file() {
            source = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            break;
        }
    }
    let mut env = Environment::new();
    // A template is a file anyone with push access can change: one that loops without end
    // stops, with its error, instead of running until memory runs out.
    env.set_fuel(Some(TEMPLATE_FUEL));
    // Escaping follows the output format, not the template's file name.
    let escape = if format == PrintFormat::Html { AutoEscape::Html } else { AutoEscape::None };
    env.set_auto_escape_callback(move |_| escape.clone());
    let syntax = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build();
    env.set_syntax(syntax.map_err(|e| Error::failure(format!("template syntax: {e}")))?);
    env.add_filter("it", italian);
    env.add_filter("data", italian_date);
    env.add_filter("euro", euro);
    env.add_template_owned("document", source).map_err(|e| Error::refused(format!("template: {e}")))?;
    let doc = input.doc;
    let company = doc.seller.as_ref().map_or_else(|| json(&input.config.company), json);
    let customer = doc.buyer.as_ref().map(json).or_else(|| input.customer.map(json));
    let priced = doc.lines.iter().any(|l| l.unit_price.is_some());
    // On a DDT in the customer sends and the company receives; on a DDT out, the reverse.
    let (sender, recipient) = match doc.kind {
        DocKind::DdtIn => (customer.clone(), Some(company.clone())),
        DocKind::DdtOut => (Some(company.clone()), customer.clone()),
        _ => (None, None),
    };
    let causale = match (doc.kind, &doc.purpose, &doc.reason) {
        (DocKind::DdtOut, Some(purpose), _) => Some(purpose.causale(priced).to_string()),
        (DocKind::DdtIn, _, Some(reason)) => Some(DdtReason::parse(reason).causale().to_string()),
        (_, _, reason) => reason.clone(),
    };
    let iban = match crate::rules::paid_by_transfer(doc) {
        true => company["iban"].as_str().map(str::to_string),
        false => None,
    };
    let ctx = PrintContext {
        title: title(doc.kind),
        destination: recipient.as_ref().and_then(address_line),
        sender,
        recipient,
        company,
        doc,
        customer,
        ticket: input.ticket,
        nets: doc.lines.iter().map(|l| format!("{:.2}", line_net(l))).collect(),
        net_due: format!("{:.2}", doc.value().0 - crate::rules::Ledgered::withheld(doc).0),
        // Only where there is VAT to split (none under reverse charge, a review).
        split_vat: Some(doc.totals.as_ref().map(|t| t.vat.iter().map(|v| v.tax.0).sum()).unwrap_or_default())
            .filter(|vat: &rust_decimal::Decimal| crate::rules::split_payment(doc) && !vat.is_zero())
            .map(|vat| format!("{vat:.2}")),
        credit: doc.kind == DocKind::CreditNote,
        stamp_note: STAMP_DUTY_NOTE,
        priced,
        signatures: signatures(doc.kind),
        causale,
        iban,
    };
    let template = env.get_template("document").map_err(|e| Error::failure(format!("template: {e}")))?;
    let page = template.render(Value::from(Serde(&ctx))).map_err(|e| Error::refused(format!("template: {e}")))?;
    Ok(crate::render::visible(&page).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_with_a_thousands_dot_a_decimal_comma_and_the_euro_sign_after() {
        assert_eq!(euro(Value::from("1234.56")), "1.234,56 €");
        assert_eq!(euro(Value::from("0.00")), "0,00 €");
        assert_eq!(euro(Value::from("1234567.5")), "1.234.567,50 €");
        assert_eq!(euro(Value::from("-225.70")), "-225,70 €");
        assert_eq!(euro(Value::from(185)), "185,00 €");
        assert_eq!(euro(Value::from("n/d")), "n/d");
        assert_eq!(euro(Value::from(())), "");
    }
}
