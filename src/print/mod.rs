//! Printing documents: a DDT travels with the goods and a work report is signed by the
//! customer. Text and one self-contained HTML page, from minijinja templates built into
//! the binary; a desk overrides them with files in `templates/`.

use std::path::Path;

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::model::Config;
use crate::model::{Customer, DocKind, Document, Ticket};
use crate::rules::{line_net, STAMP_DUTY_NOTE};
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
    /// What the buyer pays: the total less a withholding.
    net_due: String,
    stamp_note: &'static str,
    signatures: Vec<&'static str>,
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

/// The Italian words for the codes stored in documents (`{{ doc.purpose | it }}`).
fn italian(code: String) -> String {
    match code.as_str() {
        "repair" => "riparazione",
        "replacement" => "sostituzione",
        "warranty" => "garanzia",
        "inspection" => "verifica",
        "sale" => "vendita",
        "return" => "reso",
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
    // Escaping follows the output format, not the template's file name.
    let escape = if format == PrintFormat::Html { AutoEscape::Html } else { AutoEscape::None };
    env.set_auto_escape_callback(move |_| escape.clone());
    let syntax = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build();
    env.set_syntax(syntax.map_err(|e| Error::failure(format!("template syntax: {e}")))?);
    env.add_filter("it", italian);
    env.add_filter("data", italian_date);
    env.add_template_owned("document", source).map_err(|e| Error::refused(format!("template: {e}")))?;
    let doc = input.doc;
    let ctx = PrintContext {
        title: title(doc.kind),
        company: doc.seller.as_ref().map_or_else(|| json(&input.config.company), json),
        doc,
        customer: doc.buyer.as_ref().map(json).or_else(|| input.customer.map(json)),
        ticket: input.ticket,
        nets: doc.lines.iter().map(|l| format!("{:.2}", line_net(l))).collect(),
        net_due: format!("{:.2}", doc.value().0 - doc.withholding.as_ref().map(|w| w.amount.0).unwrap_or_default()),
        stamp_note: STAMP_DUTY_NOTE,
        signatures: signatures(doc.kind),
    };
    let template = env.get_template("document").map_err(|e| Error::failure(format!("template: {e}")))?;
    let page = template.render(Value::from(Serde(&ctx))).map_err(|e| Error::refused(format!("template: {e}")))?;
    Ok(crate::render::visible(&page).into_owned())
}
