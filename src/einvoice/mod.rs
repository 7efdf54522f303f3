//! FatturaPA (schema 1.2.3): an invoice or credit note as the XML file that the Sistema di
//! Interscambio carries — FPR12 between businesses, FPA12 to a public administration — and
//! the checks SDI would reject it for, made before any file is written.

mod facets;
pub mod signed;
mod text;
mod view;

use rust_decimal::Decimal;

use crate::model::{Address, Company, DocKind, Document, Line, Party};
use crate::rules::{
    check_italian_vat_number, check_tax_code, check_vat_number, line_net, totals, Problem, MAX_FISCAL_NUMBER,
};

pub use text::latin;
pub use view::{xml_view, XmlView};

/// What an export needs besides the document.
pub struct Export<'a> {
    /// The desk's `[company]`: regime fiscale and IBAN (the document carries the rest).
    pub company: &'a Company,
    /// The progressivo d'invio: up to 5 characters, never repeated by the desk.
    pub progressive: &'a str,
    /// Today, for the date check.
    pub today: chrono::NaiveDate,
    /// Whether SDI rejected the document before: a correction takes the IBAN `[company]`
    /// gives now; otherwise the one copied into the document at issue, which its print
    /// shows too.
    pub correcting: bool,
}

impl Export<'_> {
    /// The IBAN the file gives for a bank transfer.
    fn iban<'d>(&'d self, doc: &'d Document) -> Option<&'d str> {
        // An invoice that copied its seller at issue copied the IBAN then, or none (found
        // by a fiscal review: one issued with none took the IBAN `[company]` gave later,
        // which its print does not show); one issued before seller data were copied has
        // only `[company]`'s.
        match (&doc.seller, self.correcting) {
            (Some(seller), false) => seller.iban.as_deref(),
            _ => self.company.iban.as_deref(),
        }
    }
}

/// Whether the e-invoice goes to a public administration (FPA12), which SDI takes only
/// signed (a qualified electronic signature, DM 55/2013 Allegato A).
pub fn to_public_administration(doc: &Document) -> bool {
    format_of(doc) == "FPA12"
}

/// The transmission format: to a public administration (a 6-character office code) or not.
fn format_of(doc: &Document) -> &'static str {
    match buyer(doc).sdi_code.as_deref().map(str::trim) {
        Some(code) if code.len() == 6 => "FPA12",
        _ => "FPR12",
    }
}

/// The file name SDI wants: `IT<seller P.IVA>_<progressivo>.xml`.
pub fn file_name(doc: &Document, progressive: &str) -> String {
    let vat = seller(doc).vat_number.as_deref().map(|v| vat_digits(v, "IT")).unwrap_or_default();
    format!("IT{vat}_{progressive}.xml")
}

/// A VAT number without the country it may be written with (`IT01234567897`,
/// `DE123456789`): the country goes to IdPaese.
///
/// The prefix a VAT number is written with is its VIES code: Greece's is `EL` (IdPaese
/// `GR`); a Swiss UID's `CHE` is the number's own, kept (found by a fiscal attack:
/// `CHE123456789` was sent as `E123456789`, a Greek `EL…` whole).
fn vat_digits(vat: &str, country: &str) -> String {
    // Written as letterheads print it (`DE 811 569 869`, `FR 40-303.265.045`): the number
    // is its letters and digits (found by a fiscal attack: the spaces were sent).
    let v: String = vat.chars().filter(|c| c.is_alphanumeric() || matches!(c, '+' | '*')).collect();
    let v = v.as_str();
    let prefix = if country.eq_ignore_ascii_case("GR") { "EL" } else { country };
    let swiss_uid = country.eq_ignore_ascii_case("CH") && v.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("CHE"));
    match v.get(..2) {
        Some(p) if p.eq_ignore_ascii_case(prefix) && !swiss_uid => v[2..].to_string(),
        _ => v.to_string(),
    }
}

fn seller(doc: &Document) -> Party {
    doc.seller.clone().unwrap_or_default()
}

fn buyer(doc: &Document) -> Party {
    doc.buyer.clone().unwrap_or_default()
}

/// The document type: TD01 invoice, TD24 deferred invoice (it bills DDTs), TD04 credit note.
fn document_type(doc: &Document) -> &'static str {
    match doc.kind {
        DocKind::CreditNote => "TD04",
        _ if !doc.ddts.is_empty() => "TD24",
        _ => "TD01",
    }
}

fn italian(address: &Address) -> bool {
    address.country.as_deref().is_none_or(|c| c.trim().is_empty() || c.trim().eq_ignore_ascii_case("IT"))
}

/// The code SDI delivers e-invoices to buyers in San Marino by: its tax office's, which
/// endorses the sale as not taxable (art. 71 DPR 633/72; DM 21 June 2021, from 1 July 2022).
pub const SAN_MARINO_OFFICE: &str = "2R4GTO8";

fn in_san_marino(address: &Address) -> bool {
    address.country.as_deref().is_some_and(|c| c.trim().eq_ignore_ascii_case("SM"))
}

/// What SDI (or the schema) would reject in this document, each naming its field; an
/// export with any is refused.
pub fn check(doc: &Document, x: &Export) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut need = |ok: bool, field: &str, message: &str| {
        if !ok {
            problems.push(Problem::new(field, message));
        }
    };
    need(
        matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote),
        "kind",
        "only invoices and credit notes are e-invoices",
    );
    need(doc.seller.is_some() && doc.buyer.is_some(), "seller", "issued before tkt kept the parties on the document");
    let (s, b) = (seller(doc), buyer(doc));
    need(
        s.vat_number.as_deref().is_some_and(|v| check_italian_vat_number(v).is_ok()),
        "seller.vat_number",
        "not a valid Italian Partita IVA",
    );
    for (who, p) in [("seller", &s), ("buyer", &b)] {
        let a = &p.address;
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        need(given(&a.street), &format!("{who}.address.street"), "missing (Sede/Indirizzo)");
        need(given(&a.city), &format!("{who}.address.city"), "missing (Sede/Comune)");
        let zip_ok =
            !italian(a) || a.zip.as_deref().is_some_and(|z| z.len() == 5 && z.bytes().all(|c| c.is_ascii_digit()));
        need(zip_ok, &format!("{who}.address.zip"), "an Italian CAP is 5 digits");
        // Abroad the province is never written (Sede/Provincia is Italy's).
        let province_ok = !italian(a)
            || a.province.as_deref().is_none_or(|p| p.len() == 2 && p.bytes().all(|c| c.is_ascii_uppercase()));
        need(province_ok, &format!("{who}.address.province"), "a province is 2 capital letters (MI, TO)");
    }
    let buyer_vat = b.vat_number.as_deref().filter(|v| !v.trim().is_empty());
    let buyer_code = b.tax_code.as_deref().filter(|v| !v.trim().is_empty());
    if italian(&b.address) {
        need(
            buyer_vat.is_some_and(|v| check_vat_number(v).is_ok())
                || buyer_code.is_some_and(|c| check_tax_code(c).is_ok()),
            "buyer",
            "neither a valid Partita IVA nor a valid Codice Fiscale",
        );
        // A Partita IVA given is the one sent: it must be valid, whatever the C.F. (SDI 00305),
        // and Italian (a buyer in Italy is sent as IdPaese IT); so must a C.F. given (00306).
        need(buyer_vat.is_none_or(|v| check_vat_number(v).is_ok()), "buyer.vat_number", "not a valid Partita IVA");
        let italian_vat = |v: &str| {
            let digits = vat_digits(v, "IT");
            digits.len() == 11 && digits.bytes().all(|c| c.is_ascii_digit())
        };
        need(
            buyer_vat.is_none_or(italian_vat),
            "buyer.vat_number",
            "a buyer in Italy has an Italian Partita IVA (11 digits); give a foreign buyer its country",
        );
        need(buyer_code.is_none_or(|c| check_tax_code(c).is_ok()), "buyer.tax_code", "not a valid Codice Fiscale");
    } else {
        need(buyer_vat.is_some(), "buyer.vat_number", "a foreign buyer needs its tax number");
        let country = b.address.country.as_deref().unwrap_or_default().trim().to_ascii_uppercase();
        need(
            buyer_vat.is_none_or(|v| vat_digits(v, &country).chars().count() <= 28),
            "buyer.vat_number",
            "longer than the 28 characters of IdCodice",
        );
    }
    if let Some(code) = b.sdi_code.as_deref().filter(|c| !c.trim().is_empty()) {
        let ok = (code.len() == 6 || code.len() == 7) && code.bytes().all(|c| c.is_ascii_alphanumeric());
        need(ok, "buyer.sdi_code", "a codice destinatario is 7 characters (6 for a public administration)");
    }
    need(doc.date <= x.today, "date", "after today");
    // Cut, two numbers would reach SDI as one.
    let numbers = [("id", Some(&doc.id)), ("invoice", doc.invoice.as_ref())].into_iter();
    let ddts = doc.ddts.iter().enumerate().map(|(i, d)| (format!("ddts[{}].id", i + 1), Some(&d.id)));
    for (field, number) in numbers.map(|(f, n)| (f.to_string(), n)).chain(ddts) {
        let fits = number.is_none_or(|n| n.chars().count() <= MAX_FISCAL_NUMBER);
        need(fits, &field, "longer than the 20 characters an e-invoice holds for a number");
    }
    // In any case: the file has it in capitals (found by an e-invoice audit: `xxxxxxx` went out).
    if let Some(code) = b.sdi_code.as_deref().filter(|c| c.trim().eq_ignore_ascii_case("XXXXXXX")) {
        need(!italian(&b.address), "buyer.sdi_code", &format!("{code} is for buyers outside Italy (SDI 00313)"));
    }
    for (who, p) in [("seller", &s), ("buyer", &b)] {
        let country = p.address.country.as_deref().map(str::trim).filter(|c| !c.is_empty());
        need(
            country.is_none_or(crate::rules::is_country_code),
            &format!("{who}.address.country"),
            "a country is its 2-letter ISO code (IT, DE, FR)",
        );
    }
    // A buyer abroad is never sent its PEC.
    if let Some(pec) = b.pec.as_deref().filter(|p| !p.trim().is_empty() && italian(&b.address)) {
        need(
            pec.trim().len() <= 256 && facets::dot_atom_address(pec.trim()),
            "buyer.pec",
            "not an address an e-invoice holds (name@domain in ASCII, no spaces, dots only between characters)",
        );
        // SDI delivers to the buyer's PEC, never to one of its own (00330).
        let code = b.sdi_code.as_deref().map(str::trim).filter(|c| !c.is_empty() && *c != "0000000");
        need(
            code.is_some() || !crate::rules::is_sdi_pec(pec),
            "buyer.pec",
            "is one of SDI's own addresses (@pec.fatturapa.it), where SDI delivers nothing (00330): the buyer's PEC \
             is its own",
        );
    }
    if let Some(email) = s.email.as_deref().filter(|e| !e.trim().is_empty()) {
        need(
            email.len() >= 7 && plain_address(email),
            "seller.email",
            "an e-invoice holds an address of 7 to 256 ASCII characters, with a dot in its domain",
        );
    }
    // The seller billing itself (SDI 00471), but by a credit note.
    let same = |p: &Party| p.vat_number.as_deref().map(|v| vat_digits(v, "IT"));
    need(
        doc.kind == DocKind::CreditNote || same(&b).is_none() || same(&b) != same(&s),
        "buyer.vat_number",
        "the seller's own Partita IVA: an invoice to oneself is refused (SDI 00471)",
    );
    if let Some(rea) = s.rea.as_deref().filter(|r| !r.trim().is_empty()) {
        need(crate::rules::rea_parts(rea).is_some(), "company.rea", crate::rules::REA_FORM);
    }
    for (i, l) in doc.lines.iter().enumerate() {
        let rate = l.vat_rate.map(|r| r.0).unwrap_or_default();
        let field = format!("lines[{}]", i + 1);
        need(
            rate.normalize().scale() <= 2 && rate <= Decimal::ONE_HUNDRED,
            &field,
            "a VAT rate has at most 2 decimals (at most 100)",
        );
        need(rate.is_zero() || rate >= Decimal::ONE, &field, "a VAT rate is a percentage: 22, not 0.22 (SDI 00424)");
        need(!rate.is_zero() || l.vat_nature.is_some(), &field, "VAT 0 needs its natura");
        need(rate.is_zero() || l.vat_nature.is_none(), &field, "a natura goes only with VAT 0");
    }
    match &doc.totals {
        Some(stored) => need(crate::rules::totals_agree(stored, &doc.lines), "totals", "disagree with the lines"),
        None => need(false, "totals", "missing"),
    }
    if doc.kind == DocKind::CreditNote {
        need(
            doc.invoice.is_some() && doc.invoice_date.is_some(),
            "invoice",
            "a credit note names its invoice and its date",
        );
    }
    // A bank transfer to an IBAN whose check digits are wrong would never arrive.
    if let Some(Err(why)) = x.iban(doc).filter(|_| crate::rules::paid_by_transfer(doc)).map(crate::rules::check_iban) {
        need(false, "iban", &why);
    }
    // The file itself, element by element, for what the fields' checks let through (text
    // left empty once folded, a character the element's type does not take); only when
    // those pass, so that one slip is not told twice.
    if problems.is_empty() {
        problems = write(doc, x).problems;
    }
    problems
}

/// The FatturaPA XML of a document that passed [`check`].
pub fn fattura(doc: &Document, x: &Export) -> String {
    write(doc, x).out
}

/// The document written as FatturaPA XML, each element's text held to its schema type.
fn write(doc: &Document, x: &Export) -> Xml {
    let format = format_of(doc);
    let pa = format == "FPA12";
    let (s, b) = (seller(doc), buyer(doc));
    let mut w = Xml::default();
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.raw(&format!(
        "<p:FatturaElettronica versione=\"{format}\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" \
         xmlns:p=\"http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    ));
    w.open("FatturaElettronicaHeader");
    w.open("DatiTrasmissione");
    w.open("IdTrasmittente");
    w.leaf("IdPaese", "IT");
    w.leaf("IdCodice", &vat_digits(s.vat_number.as_deref().unwrap_or_default(), "IT"));
    w.close("IdTrasmittente");
    w.leaf("ProgressivoInvio", x.progressive);
    w.leaf("FormatoTrasmissione", format);
    let sdi = b.sdi_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    // A buyer abroad is sent as XXXXXXX, also when its code was kept as 0000000; one in
    // San Marino through San Marino's tax office, which SDI delivers to.
    let abroad =
        |code: Option<&str>| code.is_none_or(|c| ["0000000", "XXXXXXX"].contains(&c.to_ascii_uppercase().as_str()));
    let destination = match sdi {
        _ if in_san_marino(&b.address) && abroad(sdi) => SAN_MARINO_OFFICE.into(),
        Some("0000000") | None if !italian(&b.address) => "XXXXXXX".into(),
        Some(code) => code.to_ascii_uppercase(),
        None => "0000000".into(),
    };
    w.leaf("CodiceDestinatario", &destination);
    // SDI delivers to a PEC only with the code 0000000 (00426): never to a buyer abroad.
    let pec = b.pec.as_deref().filter(|p| !p.trim().is_empty() && italian(&b.address));
    if let ("0000000", Some(pec)) = (destination.as_str(), pec) {
        w.leaf("PECDestinatario", &latin(pec, 256));
    }
    w.close("DatiTrasmissione");

    w.open("CedentePrestatore");
    w.open("DatiAnagrafici");
    fiscal_ids(&mut w, &s);
    anagrafica(&mut w, &s, false);
    // The regime the document was issued under (kept with its seller since), else the desk's.
    let regime = s.regime_fiscale.as_deref().or(x.company.regime_fiscale.as_deref());
    w.leaf("RegimeFiscale", regime.unwrap_or("RF01"));
    w.close("DatiAnagrafici");
    sede(&mut w, &s.address);
    if let Some((office, number)) = s.rea.as_deref().and_then(crate::rules::rea_parts) {
        w.open("IscrizioneREA");
        w.leaf("Ufficio", &office);
        w.leaf("NumeroREA", &latin(&number, 20));
        w.leaf("StatoLiquidazione", "LN");
        w.close("IscrizioneREA");
    }
    let phone = s.phone.as_deref().and_then(telephone);
    let email = s.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if phone.is_some() || email.is_some() {
        w.open("Contatti");
        if let Some(p) = phone {
            w.leaf("Telefono", &latin(&p, 12));
        }
        if let Some(e) = email {
            w.leaf("Email", &latin(e, 256));
        }
        w.close("Contatti");
    }
    w.close("CedentePrestatore");

    w.open("CessionarioCommittente");
    w.open("DatiAnagrafici");
    fiscal_ids(&mut w, &b);
    let person = b.vat_number.as_deref().is_none_or(|v| v.trim().is_empty())
        && b.tax_code.as_deref().is_some_and(|c| c.trim().len() == 16);
    anagrafica(&mut w, &b, person);
    w.close("DatiAnagrafici");
    sede(&mut w, &b.address);
    w.close("CessionarioCommittente");
    w.close("FatturaElettronicaHeader");

    let t = doc.totals.clone().unwrap_or_else(|| totals(&doc.lines));
    w.open("FatturaElettronicaBody");
    w.open("DatiGenerali");
    w.open("DatiGeneraliDocumento");
    w.leaf("TipoDocumento", document_type(doc));
    w.leaf("Divisa", "EUR");
    w.leaf("Data", &doc.date.to_string());
    w.leaf("Numero", &latin(&doc.id, 20));
    if let Some(r) = &doc.withholding {
        w.open("DatiRitenuta");
        // A company's income is withheld as RT02, a person's as RT01; the condominium's
        // 4% is reported under causale W of the Certificazione Unica.
        let company = s.tax_code.as_deref().unwrap_or_else(|| s.vat_number.as_deref().unwrap_or_default());
        w.leaf("TipoRitenuta", if company.trim().len() == 16 { "RT01" } else { "RT02" });
        w.leaf("ImportoRitenuta", &amount(r.amount.0));
        w.leaf("AliquotaRitenuta", &amount(r.rate.0));
        w.leaf("CausalePagamento", "W");
        w.close("DatiRitenuta");
    }
    if let Some(bollo) = doc.stamp_duty {
        w.open("DatiBollo");
        w.leaf("BolloVirtuale", "SI");
        w.leaf("ImportoBollo", &amount(bollo.0));
        w.close("DatiBollo");
    }
    w.leaf("ImportoTotaleDocumento", &amount(t.total.0));
    // The schema's Causale holds 200 characters and may repeat: a longer reason is sent
    // whole, in as many as it takes.
    if let Some(reason) = doc.reason.as_deref().filter(|_| doc.kind == DocKind::CreditNote) {
        for piece in text::latin_pieces(reason, 200) {
            w.leaf("Causale", &piece);
        }
    }
    w.close("DatiGeneraliDocumento");
    if let (Some(invoice), Some(date)) = (&doc.invoice, doc.invoice_date) {
        w.open("DatiFattureCollegate");
        w.leaf("IdDocumento", &latin(invoice, 20));
        w.leaf("Data", &date.to_string());
        w.close("DatiFattureCollegate");
    }
    for ddt in &doc.ddts {
        w.open("DatiDDT");
        w.leaf("NumeroDDT", &latin(&ddt.id, 20));
        w.leaf("DataDDT", &ddt.date.to_string());
        // Without them a DDT would stand for the whole invoice, the work included.
        for n in &ddt.lines {
            w.leaf("RiferimentoNumeroLinea", &n.to_string());
        }
        w.close("DatiDDT");
    }
    w.close("DatiGenerali");

    w.open("DatiBeniServizi");
    for (i, l) in doc.lines.iter().enumerate() {
        line(&mut w, i + 1, l, doc.withholding.is_some() && withheld_line(doc, l));
    }
    for v in &t.vat {
        w.open("DatiRiepilogo");
        w.leaf("AliquotaIVA", &amount(v.rate.0));
        if let Some(n) = &v.nature {
            w.leaf("Natura", n);
        }
        w.leaf("ImponibileImporto", &amount(v.taxable.0));
        w.leaf("Imposta", &amount(v.tax.0));
        if v.nature.is_none() {
            // A public administration pays the VAT to the State itself (split payment).
            w.leaf("EsigibilitaIVA", if pa { "S" } else { "I" });
        }
        if let Some(note) = &v.note {
            w.leaf("RiferimentoNormativo", &latin(note, 100));
        }
        w.close("DatiRiepilogo");
    }
    w.close("DatiBeniServizi");

    if let Some(payment) = doc.payment.as_ref().filter(|p| p.method.is_some()) {
        let due = t.total.0 - doc.withholding.as_ref().map(|r| r.amount.0).unwrap_or_default();
        let vat: Decimal = t.vat.iter().filter(|v| v.nature.is_none()).map(|v| v.tax.0).sum();
        w.open("DatiPagamento");
        w.leaf("CondizioniPagamento", "TP02");
        w.open("DettaglioPagamento");
        let method = payment.method.as_ref().and_then(crate::rules::payment_modality).unwrap_or("MP05");
        w.leaf("ModalitaPagamento", method);
        w.leaf("DataScadenzaPagamento", &payment.due_date.to_string());
        w.leaf("ImportoPagamento", &amount(if pa { due - vat } else { due }));
        if let (Some(iban), "MP05") = (x.iban(doc), method) {
            let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
            w.leaf("IBAN", &compact.to_ascii_uppercase());
        }
        w.close("DettaglioPagamento");
        w.close("DatiPagamento");
    }
    w.close("FatturaElettronicaBody");
    w.raw("</p:FatturaElettronica>\n");
    w
}

/// The payment method of a document written by hand in words no ModalitaPagamento names:
/// its e-invoice says MP05 (a transfer).
pub fn unknown_payment_method(doc: &Document) -> Option<&str> {
    let method = doc.payment.as_ref()?.method.as_ref()?;
    crate::rules::payment_modality(method).is_none().then(|| method.as_str())
}

fn fiscal_ids(w: &mut Xml, p: &Party) {
    if let Some(vat) = p.vat_number.as_deref().filter(|v| !v.trim().is_empty()) {
        let country =
            if italian(&p.address) { "IT".to_string() } else { p.address.country.clone().unwrap_or_default() };
        let country = country.trim().to_ascii_uppercase();
        w.open("IdFiscaleIVA");
        w.leaf("IdPaese", &country);
        w.leaf("IdCodice", &latin(&vat_digits(vat, &country), 28));
        w.close("IdFiscaleIVA");
    }
    if let Some(code) = p.tax_code.as_deref().filter(|c| !c.trim().is_empty() && italian(&p.address)) {
        w.leaf("CodiceFiscale", &code.trim().to_ascii_uppercase());
    }
}

/// A telephone number within the schema's 5 to 12 characters, or none rather than a
/// number cut short: spaces go, then the Italian prefix.
fn telephone(phone: &str) -> Option<String> {
    let compact: String = phone.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '/').collect();
    let local = if compact.chars().count() > 12 { compact.strip_prefix("+39").unwrap_or(&compact) } else { &compact };
    (5..=12).contains(&local.chars().count()).then(|| local.to_string())
}

/// A company by its name; a person by first names and surname.
fn anagrafica(w: &mut Xml, p: &Party, person: bool) {
    w.open("Anagrafica");
    match person_name(&p.name, p.tax_code.as_deref()) {
        Some((first, last)) if person => {
            w.leaf("Nome", &latin(&first, 60));
            w.leaf("Cognome", &latin(&last, 60));
        }
        _ => w.leaf("Denominazione", &latin(&p.name, 80)),
    }
    w.close("Anagrafica");
}

/// A person's first names and surname from the name as written: the split whose letters
/// the Codice Fiscale encodes ("Maria De Luca", DLCMRA…: De Luca; "Rossi Mario", RSSMRA…:
/// Rossi), in either order; else the last word is the surname.
fn person_name(name: &str, tax_code: Option<&str>) -> Option<(String, String)> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 {
        return None;
    }
    let code = tax_code.map(|c| c.trim().to_ascii_uppercase()).filter(|c| c.len() == 16 && c.is_ascii());
    if let Some(code) = code {
        for k in 1..words.len() {
            let (a, b) = (words[..k].join(" "), words[k..].join(" "));
            for (first, last) in [(&a, &b), (&b, &a)] {
                if code[..3] == cf_surname(last) && code[3..6] == cf_first_name(first) {
                    return Some((first.clone(), last.clone()));
                }
            }
        }
    }
    Some((words[..words.len() - 1].join(" "), words[words.len() - 1].to_string()))
}

/// The letters of a name as the Codice Fiscale reads them: consonants and vowels, in order,
/// accents taken off.
fn cf_letters(name: &str) -> (Vec<char>, Vec<char>) {
    let plain = name.chars().filter_map(|c| {
        let c = c.to_uppercase().next()?;
        Some(match c {
            'À' | 'Á' | 'Â' | 'Ä' => 'A',
            'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
            'Ò' | 'Ó' | 'Ô' | 'Ö' => 'O',
            'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            c => c,
        })
    });
    plain.filter(char::is_ascii_uppercase).partition(|c| !"AEIOU".contains(*c))
}

fn cf_code(mut letters: Vec<char>) -> String {
    letters.extend(['X', 'X', 'X']);
    letters.into_iter().take(3).collect()
}

/// The Codice Fiscale's three letters of a surname: consonants, then vowels, then X.
fn cf_surname(surname: &str) -> String {
    let (consonants, vowels) = cf_letters(surname);
    cf_code(consonants.into_iter().chain(vowels).collect())
}

/// The Codice Fiscale's three letters of first names: the 1st, 3rd and 4th consonant when
/// there are four or more, else as a surname's.
fn cf_first_name(first: &str) -> String {
    let (consonants, vowels) = cf_letters(first);
    if consonants.len() >= 4 {
        return [consonants[0], consonants[2], consonants[3]].iter().collect();
    }
    cf_code(consonants.into_iter().chain(vowels).collect())
}

fn sede(w: &mut Xml, a: &Address) {
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_string();
    w.open("Sede");
    w.leaf("Indirizzo", &latin(&text(&a.street), 60));
    w.leaf("CAP", if italian(a) { text(&a.zip) } else { "00000".into() }.as_str());
    w.leaf("Comune", &latin(&text(&a.city), 60));
    if let Some(p) = a.province.as_deref().filter(|p| !p.trim().is_empty() && italian(a)) {
        w.leaf("Provincia", p.trim());
    }
    let country = if italian(a) { "IT".to_string() } else { text(&a.country).to_ascii_uppercase() };
    w.leaf("Nazione", &country);
    w.close("Sede");
}

/// Whether the withholding of a document falls on a line: as the line says, or (a document
/// issued before lines said so) on every line but the bollo charged back.
fn withheld_line(doc: &Document, l: &Line) -> bool {
    match doc.lines.iter().any(|l| l.withholding) {
        true => l.withholding,
        false => l.vat_nature.as_deref() != Some("N1"),
    }
}

fn line(w: &mut Xml, n: usize, l: &Line, withheld: bool) {
    w.open("DettaglioLinee");
    w.leaf("NumeroLinea", &n.to_string());
    if let Some(code) = &l.item {
        w.open("CodiceArticolo");
        w.leaf("CodiceTipo", "INTERNO");
        w.leaf("CodiceValore", &latin(code, 35));
        w.close("CodiceArticolo");
    }
    w.leaf("Descrizione", &latin(&l.description, 1000));
    w.leaf("Quantita", &amount(l.qty.0));
    if let Some(unit) = l.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        // Basic Latin only (String10Type): m² is written m2.
        w.leaf("UnitaMisura", &crate::einvoice::text::ascii(unit, 10));
    }
    w.leaf("PrezzoUnitario", &amount(l.unit_price.map(|p| p.0).unwrap_or_default()));
    if let Some(d) = l.discount_pct.filter(|d| !d.0.is_zero()) {
        w.open("ScontoMaggiorazione");
        w.leaf("Tipo", "SC");
        w.leaf("Percentuale", &amount(d.0));
        w.close("ScontoMaggiorazione");
    }
    w.leaf("PrezzoTotale", &amount(line_net(l)));
    w.leaf("AliquotaIVA", &amount(l.vat_rate.map(|r| r.0).unwrap_or_default()));
    if withheld {
        w.leaf("Ritenuta", "SI");
    }
    if let Some(nature) = &l.vat_nature {
        w.leaf("Natura", nature);
    }
    w.close("DettaglioLinee");
}

/// A number with two decimals at least (the schema's amounts, rates and quantities).
fn amount(d: Decimal) -> String {
    let d = d.normalize();
    if d.scale() <= 2 {
        format!("{d:.2}")
    } else {
        d.to_string()
    }
}

/// An indented XML writer of the few shapes FatturaPA needs, which holds the text of each
/// element to the schema's type for it ([`facets`]).
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
    /// The open elements, to name where a text does not fit.
    path: Vec<String>,
    /// Each element whose text the schema would refuse, by its path.
    problems: Vec<Problem>,
}

impl Xml {
    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn indent(&mut self) {
        self.out.push_str(&"  ".repeat(self.depth + 1));
    }

    fn open(&mut self, tag: &str) {
        self.indent();
        self.out.push_str(&format!("<{tag}>\n"));
        self.depth += 1;
        self.path.push(tag.to_string());
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.path.pop();
        self.indent();
        self.out.push_str(&format!("</{tag}>\n"));
    }

    /// An element whose text is already folded and escaped (or needs neither).
    fn leaf(&mut self, tag: &str, text: &str) {
        let plain = text::unescape(text);
        if let Some(why) = facets::violation(tag, &plain) {
            let at = self.path.iter().skip(1).map(|p| format!("{p}/")).collect::<String>();
            self.problems.push(Problem::new(format!("{at}{tag}"), format!("{plain:?}: the schema's {tag} {why}")));
        }
        self.indent();
        self.out.push_str(&format!("<{tag}>{text}</{tag}>\n"));
    }
}

/// An e-mail address as FatturaPA's `EmailType` takes it: printable ASCII without spaces
/// or the characters an address quotes, one `@` between two non-empty parts.
fn plain_address(address: &str) -> bool {
    let ok =
        |part: &str| !part.is_empty() && part.bytes().all(|c| c.is_ascii_graphic() && !b"()<>[]\\,;:\"@".contains(&c));
    // `.+@.+[.]+.+`, as the schema's EmailType has it.
    let dotted = |domain: &str| domain.trim_end_matches('.').get(1..).is_some_and(|rest| rest.contains('.'));
    address.len() <= 256
        && address.split_once('@').is_some_and(|(local, domain)| ok(local) && ok(domain) && dotted(domain))
}

#[cfg(test)]
mod tests {
    use super::{person_name, vat_digits};

    #[test]
    fn a_vat_number_loses_its_countrys_prefix_and_only_that() {
        assert_eq!(vat_digits("DE 811 569 869", "DE"), "811569869");
        assert_eq!(vat_digits("FR 40-303.265.045", "FR"), "40303265045");
        assert_eq!(vat_digits("IT01234567897", "IT"), "01234567897");
        assert_eq!(vat_digits("ATU12345678", "AT"), "U12345678");
        assert_eq!(vat_digits("EL123456789", "GR"), "123456789");
        assert_eq!(vat_digits("CHE123456789", "CH"), "CHE123456789");
        assert_eq!(vat_digits("PL5260250995", "PL"), "5260250995");
    }

    /// Found by a fiscal review: "Maria De Luca" was sent as Nome "Maria De", Cognome "Luca".
    #[test]
    fn a_persons_surname_is_the_one_the_codice_fiscale_encodes() {
        let split = |name: &str, code: Option<&str>| {
            person_name(name, code).map(|(first, last)| format!("{first} / {last}")).unwrap()
        };
        assert_eq!(split("Maria De Luca", Some("DLCMRA80A41H501J")), "Maria / De Luca");
        assert_eq!(split("Rossi Mario", Some("rssmra80a01h501u")), "Mario / Rossi", "Cognome Nome as registries write");
        assert_eq!(split("Gian Luca Bianchi", Some("BNCGLC75B12F205X")), "Gian Luca / Bianchi");
        assert_eq!(split("Nicolò D'Amico", Some("DMCNCL90C03L219K")), "Nicolò / D'Amico");
        assert_eq!(split("Mario Rossi", None), "Mario / Rossi", "no code: the last word");
        assert_eq!(split("Anna Maria Verdi", Some("XXXXXX00A00A000A")), "Anna Maria / Verdi", "no split fits");
        assert!(person_name("Cher", None).is_none());
    }
}
