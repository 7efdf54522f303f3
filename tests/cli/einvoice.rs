//! Invoices and credit notes as FatturaPA e-invoices: exported for every regime a service
//! business meets, each validated against the official schema (schema/fatturapa/), and one
//! compared with a file written by hand from the specification.

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;

use crate::common::TestDesk;
use crate::documents::{billing_desk, refused};
use crate::smtp::{self, Mode, Sink};

/// A billing desk whose company and customer C-0001 have the data an e-invoice needs.
fn einvoice_desk() -> TestDesk {
    let d = billing_desk();
    let company = "[company]\nrea = \"MI-1234567\"\nphone = \"02 1234 5678\"\niban = \"IT60X0542811101000000123456\"\n";
    d.write("tkt.toml", &d.read("tkt.toml").replace("[company]\n", company));
    d.git(&["commit", "-qam", "company data"]);
    d.ok(&["customer", "edit", "C-0001", "--province", "BS", "--pec", "rossi@pec.example.it"]);
    d
}

/// A new customer with an address; returns its id.
fn customer(d: &TestDesk, name: &str, extra: &[&str]) -> String {
    let mut args =
        vec!["customer", "create", "--name", name, "--street", "Via Po 2", "--zip", "10121", "--city", "Torino"];
    args.extend_from_slice(extra);
    d.ok(&args).trim().to_string()
}

/// Opens a ticket for `customer`, reports `hours` of work and invoices it; returns the id.
fn invoice(d: &TestDesk, customer: &str, hours: &str) -> String {
    let t = d.ok(&["ticket", "create", "--customer", customer, "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", hours]);
    d.ok(&["ticket", "invoice", t.trim(), "--method", "bonifico bancario"]).trim().to_string()
}

/// Exports documents into `out/` and returns the files' text.
fn export(d: &TestDesk, ids: &[&str]) -> Vec<String> {
    let mut args = vec!["doc", "export", "--dir", "../out"];
    args.extend_from_slice(ids);
    let files = d.ok(&args);
    files.lines().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

/// Validates every file of `out/` against the FatturaPA schema with xmllint, offline.
fn validate(d: &TestDesk) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/fatturapa");
    let files: Vec<_> = std::fs::read_dir(d.tmp.path().join("out")).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(!files.is_empty());
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", schema.join("catalog.xml"))
        .args(["--nonet", "--noout", "--schema"])
        .arg(schema.join("FatturaPA_FPR12_v1.2.3.xsd"))
        .args(&files)
        .output()
        .expect("xmllint (Debian's libxml2-utils; bash .ci/run installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The elements of an XML text, one a line, without comments and indentation.
fn elements(xml: &str) -> Vec<String> {
    let no_comments = regex::Regex::new(r"(?s)<!--.*?-->").unwrap().replace_all(xml, "");
    no_comments.replace('>', ">\n").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[test]
fn a_standard_invoice_is_exactly_the_fatturapa_written_by_hand() {
    let d = einvoice_desk();
    d.ok(&["ticket", "create", "--serial", "VX-0002", "--title", "Perdita"]);
    d.ok(&["ticket", "work", "T-2026-0001", "--hours", "1"]);
    d.ok(&["ticket", "invoice", "T-2026-0001", "--method", "bonifico bancario"]);
    let file = d.ok(&["doc", "export", "INV-2026-0001", "--dir", "../out"]);
    assert!(file.trim().ends_with("out/IT01234567897_00001.xml"), "{file}");
    let expected = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/einvoice/standard.xml"));
    assert_eq!(elements(&std::fs::read_to_string(file.trim()).unwrap()), elements(&expected.unwrap()));
    validate(&d);
    let inv = d.read("documents/invoice/2026/000/INV-2026-0001.yaml");
    assert!(inv.contains("einvoice:") && inv.contains("file: IT01234567897_00001.xml"), "{inv}");
    d.tkt(&["check"]).assert().success();
    refused(&d, &["doc", "export", "INV-2026-0001", "--dir", "../out"], "already exported as IT01234567897_00001.xml");
    // Not sent yet, it is the same file wherever it is written again.
    let again = d.ok(&["doc", "export", "INV-2026-0001", "--dir", "../again"]);
    assert_eq!(std::fs::read(again.trim()).unwrap(), std::fs::read(file.trim()).unwrap());
}

/// Found by a fiscal review: an invoice printed the IBAN copied into it at issue, and its
/// e-invoice carried `[company] iban` as it read at export, after a change of bank.
#[test]
fn the_e_invoice_carries_the_iban_its_invoice_was_issued_with() {
    let d = einvoice_desk();
    let id = invoice(&d, "C-0001", "1");
    d.write("tkt.toml", &d.read("tkt.toml").replace("IT60X0542811101000000123456", "IT07X0542811101000000654321"));
    d.git(&["commit", "-qam", "a new bank"]);
    let xml = export(&d, &[&id]);
    assert!(xml[0].contains("<IBAN>IT60X0542811101000000123456</IBAN>"), "{}", xml[0]);
    let print = d.ok(&["doc", "print", &id]);
    assert!(print.contains("IT60") && print.contains("123456") && !print.contains("654321"), "{print}");
    // One whose check digits are wrong is refused before a number is given.
    d.write("tkt.toml", &d.read("tkt.toml").replace("IT07X0542811101000000654321", "IT08X0542811101000000654321"));
    d.git(&["commit", "-qam", "a slip"]);
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim(), "--method", "bonifico bancario"], "iban");
    // One issued with no IBAN carries none, whatever `[company]` gives later (found by a
    // fiscal review: it took the IBAN added since, which its print does not show).
    let with_iban = d.read("tkt.toml");
    d.write("tkt.toml", &with_iban.replace("iban = \"IT08X0542811101000000654321\"\n", ""));
    d.git(&["commit", "-qam", "no bank yet"]);
    let none = invoice(&d, "C-0001", "1");
    d.write("tkt.toml", &with_iban);
    d.git(&["commit", "-qam", "a bank"]);
    let xml = export(&d, &[&none]);
    assert!(!xml[0].contains("<IBAN>"), "{}", xml[0]);
    assert!(!d.ok(&["doc", "print", &none]).contains("IBAN"));
}

#[test]
fn every_regime_a_service_business_meets_validates_against_the_schema() {
    let d = einvoice_desk();
    let rule =
        "\n[billing.reduced_rates.home]\nrate = 10\nnote = \"IVA 10% manutenzione abitazioni, art. 7 L. 488/1999\"\n";
    d.write("tkt.toml", &(d.read("tkt.toml") + rule));
    d.git(&["commit", "-qam", "home rate"]);
    let standard = invoice(&d, "C-0001", "2");
    d.ok(&["ticket", "create", "--serial", "VX-0001", "--title", "In garanzia"]);
    d.ok(&["ticket", "work", "T-2026-0002", "--hours", "1"]);
    let warranty = d.ok(&["ticket", "invoice", "T-2026-0002"]).trim().to_string();
    let reverse =
        invoice(&d, &customer(&d, "Edil Srl", &["--vat-number", "04981235676", "--reverse-charge", "true"]), "3");
    let home =
        invoice(&d, &customer(&d, "Mario Bianchi", &["--tax-code", "RSSMRA80A01H501U", "--vat-rate", "home"]), "1");
    let condo =
        invoice(&d, &customer(&d, "Condominio Aurora", &["--tax-code", "97123450013", "--condominio", "true"]), "2");
    let pa =
        invoice(&d, &customer(&d, "Comune di Torino", &["--tax-code", "00514490010", "--sdi-code", "UFABCD"]), "1");
    let note = d.ok(&["doc", "credit", &standard, "--reason", "Sconto concordato", "--amount", "10.00"]);
    d.ok(&["ticket", "create", "--serial", "VX-0002", "--title", "Vendita"]);
    d.ok(&["ticket", "ship", "T-2026-0007", "--purpose", "sale", "--line", "PART:1"]);
    let deferred = d.ok(&["ticket", "invoice", "T-2026-0007", "--method", "contanti"]).trim().to_string();

    let ids = [standard.as_str(), &warranty, &reverse, &home, &condo, &pa, note.trim(), &deferred];
    let xml = export(&d, &ids);
    validate(&d);
    let has = |i: usize, what: &str| assert!(xml[i].contains(what), "{}: no {what} in\n{}", ids[i], xml[i]);
    has(1, "<Natura>N2.2</Natura>");
    has(1, "<RiferimentoNormativo>Operazione non soggetta: intervento in garanzia senza corrispettivo");
    has(2, "<Natura>N6.7</Natura>");
    has(3, "<AliquotaIVA>10.00</AliquotaIVA>");
    has(3, "<Nome>Mario</Nome>");
    has(4, "<DatiRitenuta>");
    has(4, "<Ritenuta>SI</Ritenuta>");
    has(5, "versione=\"FPA12\"");
    has(5, "<EsigibilitaIVA>S</EsigibilitaIVA>");
    has(6, "<TipoDocumento>TD04</TipoDocumento>");
    has(6, &format!("<IdDocumento>{standard}</IdDocumento>"));
    has(7, "<TipoDocumento>TD24</TipoDocumento>");
    has(7, "<NumeroDDT>DO-2026-0001</NumeroDDT>");
    has(7, "<ModalitaPagamento>MP01</ModalitaPagamento>");
    let progressives: Vec<&str> = xml.iter().map(|x| &x[x.find("<ProgressivoInvio>").unwrap() + 18..][..5]).collect();
    assert_eq!(progressives, ["00001", "00002", "00003", "00004", "00005", "00006", "00007", "00008"]);
    // The public administration owes the seller the invoice less its VAT, which it pays
    // to the State (found by a fiscal review: 9.90 stayed due for ever).
    has(5, "<ImportoPagamento>45.00</ImportoPagamento>");
    d.ok(&["doc", "pay", &pa]);
    let paid = d.ok(&["doc", "list", "--kind", "payment", "--format", "csv"]);
    assert!(paid.lines().last().unwrap().contains("45.00"), "{paid}");
    assert!(!d.ok(&["doc", "list", "--unpaid", "--format", "csv"]).contains(&pa));
}

/// Found by a fiscal audit: an item at VAT 0 was accepted, and then no invoice of a ticket
/// that used it could ever be issued (its line had no natura); for a customer at a reduced
/// rate it was billed at 10%.
#[test]
fn an_item_without_vat_is_invoiced_with_its_nature_and_rule_whatever_the_customers_rate() {
    let d = einvoice_desk();
    let home =
        "\n[billing.reduced_rates.home]\nrate = 10\nnote = \"IVA 10% manutenzione abitazioni, art. 7 L. 488/1999\"\n";
    d.write("tkt.toml", &(d.read("tkt.toml") + home));
    d.git(&["commit", "-qam", "home rate"]);
    let item = ["item", "create", "TESSERA", "--description", "Tessera associativa", "--price", "50.00"];
    refused(&d, &[&item[..], &["--vat-rate", "0"]].concat(), "vat_nature: an item at 0% VAT needs its nature");
    refused(&d, &[&item[..], &["--vat-rate", "0", "--nature", "N4"]].concat(), "vat_note: missing");
    refused(&d, &[&item[..], &["--vat-rate", "22", "--nature", "N4", "--vat-note", "x"]].concat(), "0% VAT only");
    refused(&d, &[&item[..], &["--vat-rate", "0", "--nature", "N2", "--vat-note", "x"]].concat(), "no nature");
    // Counted as the e-invoice writes it: `€` is `EUR` there, and a cut protocol number would
    // be another (found by a fiscal audit).
    let long = format!("Non imponibile art. 8 c. 1 lett. c DPR 633/72, dich. d'intento {}", "€".repeat(35));
    assert_eq!(long.chars().count(), 98);
    refused(
        &d,
        &[&item[..], &["--vat-rate", "0", "--nature", "N3.5", "--vat-note", &long]].concat(),
        "as an e-invoice",
    );
    let rule = "Esente art. 10 c. 1 n. 22 DPR 633/72";
    d.ok(&[&item[..], &["--vat-rate", "0", "--nature", "n4", "--vat-note", rule]].concat());
    assert!(d.read("items/TESSERA.yaml").contains("vat_nature: N4"), "{}", d.read("items/TESSERA.yaml"));

    let customer = customer(&d, "Mario Bianchi", &["--tax-code", "RSSMRA80A01H501U", "--vat-rate", "home"]);
    let t = d.ok(&["ticket", "create", "--customer", &customer, "--title", "Iscrizione"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1", "--material", "TESSERA:1"]);
    let inv = d.ok(&["ticket", "invoice", t.trim(), "--method", "contanti"]).trim().to_string();
    let xml = export(&d, &[&inv]);
    validate(&d);
    let rows: Vec<&str> = xml[0].split("<DatiRiepilogo>").skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", xml[0]);
    assert!(rows[0].contains("<AliquotaIVA>10.00</AliquotaIVA>") && rows[0].contains("<Imposta>4.50</Imposta>"));
    assert!(rows[1].contains("<AliquotaIVA>0.00</AliquotaIVA>") && rows[1].contains("<Natura>N4</Natura>"));
    assert!(rows[1].contains(&format!("<RiferimentoNormativo>{rule}</RiferimentoNormativo>")), "{}", rows[1]);
    assert!(xml[0].contains("<ImportoTotaleDocumento>99.50</ImportoTotaleDocumento>"), "{}", xml[0]);
    assert!(d.ok(&["doc", "print", &inv]).contains(rule));

    // Two exemptions under different rules: an amount cannot say whose it is, a line can
    // (found by a fiscal audit: 150.00 went under the first rule, which billed 50.00).
    let other = ["item", "create", "QUOTA", "--description", "Quota", "--price", "100.00", "--vat-rate", "0"];
    d.ok(&[&other[..], &["--nature", "N4", "--vat-note", "Esente art. 10 c. 1 n. 20 DPR 633/72"]].concat());
    let t = d.ok(&["ticket", "create", "--customer", &customer, "--title", "Corso"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1", "--material", "TESSERA:1", "--material", "QUOTA:1"]);
    let two = d.ok(&["ticket", "invoice", t.trim(), "--method", "contanti"]).trim().to_string();
    let credit = ["doc", "credit", &two, "--amount", "120.00", "--vat-rate", "0", "--nature", "N4", "--reason", "x"];
    d.tkt(&credit).assert().code(2).stderr(predicate::str::contains("credit them line by line with --line N"));
    d.ok(&["doc", "credit", &two, "--line", "3", "--reason", "quota resa"]);

    // A rate above 0 makes it an item with VAT again: its nature and rule go.
    d.ok(&["item", "edit", "TESSERA", "--vat-rate", "22"]);
    let yaml = d.read("items/TESSERA.yaml");
    assert!(!yaml.contains("vat_nature") && !yaml.contains("vat_note"), "{yaml}");
    d.ok(&["check"]);
}

/// Found by an office attack: a credit note issued after the company became forfettario
/// said RF19 beside the 22% VAT it reversed; it is issued under its invoice's regime.
#[test]
fn a_credit_note_is_issued_under_its_invoices_regime() {
    let d = einvoice_desk();
    let id = invoice(&d, "C-0001", "1");
    d.write("tkt.toml", &d.read("tkt.toml").replace("[company]\n", "[company]\nregime_fiscale = \"RF19\"\n"));
    d.git(&["commit", "-qam", "forfettario"]);
    let note = d.ok(&["doc", "credit", &id, "--line", "1", "--reason", "errore"]).trim().to_string();
    let xml = export(&d, &[&note]);
    validate(&d);
    assert!(
        xml[0].contains("<RegimeFiscale>RF01</RegimeFiscale>") && xml[0].contains("<AliquotaIVA>22.00"),
        "{}",
        xml[0]
    );
}

/// Found by a fiscal audit: a buyer in San Marino was sent as XXXXXXX, so the e-invoice
/// never reached San Marino's tax office, whose endorsement makes the sale not taxable.
#[test]
fn a_buyer_in_san_marino_is_reached_through_its_tax_office() {
    let d = einvoice_desk();
    let sm = ["--vat-number", "SM12345", "--country", "SM"];
    let plain = invoice(&d, &customer(&d, "Sammarinese Srl", &sm), "1");
    let titano = ["--vat-number", "SM67890", "--country", "SM", "--sdi-code", "xxxxxxx"];
    let kept = invoice(&d, &customer(&d, "Titano Spa", &titano), "1");
    let german = invoice(&d, &customer(&d, "Bayern GmbH", &["--vat-number", "DE811569869", "--country", "DE"]), "1");
    let xml = export(&d, &[&plain, &kept, &german]);
    validate(&d);
    for x in &xml[..2] {
        assert!(x.contains("<CodiceDestinatario>2R4GTO8</CodiceDestinatario>"), "{x}");
    }
    assert!(xml[2].contains("<CodiceDestinatario>XXXXXXX</CodiceDestinatario>"), "{}", xml[2]);
}

#[test]
fn a_forfettario_invoice_with_the_bollo_validates_and_a_failing_one_writes_nothing() {
    let d = einvoice_desk();
    d.write("tkt.toml", &d.read("tkt.toml").replace("[company]\n", "[company]\nregime_fiscale = \"RF19\"\n"));
    d.git(&["commit", "-qam", "forfettario"]);
    let id = invoice(&d, "C-0001", "2");
    let xml = export(&d, &[&id]);
    validate(&d);
    assert!(
        xml[0].contains("<RegimeFiscale>RF19</RegimeFiscale>") && xml[0].contains("<BolloVirtuale>SI</BolloVirtuale>")
    );
    assert!(xml[0].contains("<Natura>N1</Natura>"), "the bollo charged back is its own line");

    let bare = customer(&d, "Senza Indirizzo", &["--tax-code", "RSSMRA80A01H501U"]);
    d.ok(&["customer", "edit", &bare, "--street", ""]);
    let t = d.ok(&["ticket", "create", "--customer", &bare, "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "buyer.address.street: missing");
    // One document of an export that fails: none is written.
    let id = invoice(&d, "C-0001", "1");
    refused(&d, &["doc", "export", &id, "WR-2026-0001", "--dir", "../out2"], "only invoices and credit notes");
    assert!(!d.tmp.path().join("out2").exists(), "nothing is written");
}

#[test]
fn text_the_schema_would_refuse_is_refused_before_a_number_is_given() {
    // Found by a fiscal review: each was issued, exported with exit 0 and failed the schema.
    let d = einvoice_desk();
    let two_dots = customer(&d, "Verdi Srl", &["--vat-number", "04981235676", "--pec", "mario..verdi@pec.it"]);
    let control = customer(&d, "Neri Srl", &["--vat-number", "07643520567"]);
    d.ok(&["customer", "edit", &control, "--street", "\u{7f}"]);
    for (who, message) in [(&two_dots, "buyer.pec: not an address"), (&control, "Sede/Indirizzo: \"\": the schema's")] {
        let t = d.ok(&["ticket", "create", "--customer", who, "--title", "Intervento"]);
        d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
        refused(&d, &["ticket", "invoice", t.trim()], message);
    }
    d.write("tkt.toml", &d.read("tkt.toml").replace("02 1234 5678", "030 123 456 ò"));
    d.git(&["commit", "-qam", "a phone with an accent"]);
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "Contatti/Telefono: \"030123456ò\"");
    d.write("tkt.toml", &d.read("tkt.toml").replace("030 123 456 ò", "030 123 456"));
    d.git(&["commit", "-qam", "the phone again"]);

    // A buyer abroad is sent as XXXXXXX and never with its PEC (SDI 00426), also when its
    // code was kept as 0000000.
    let abroad = customer(
        &d,
        "Dupont SARL",
        &[
            "--country",
            "FR",
            "--vat-number",
            "FR12345678901",
            "--sdi-code",
            "0000000",
            "--pec",
            "dupont@pec.example.fr",
        ],
    );
    let id = invoice(&d, &abroad, "1");
    let xml = export(&d, &[&id]);
    validate(&d);
    assert!(xml[0].contains("<CodiceDestinatario>XXXXXXX</CodiceDestinatario>"), "{}", xml[0]);
    assert!(!xml[0].contains("PECDestinatario"), "{}", xml[0]);

    // Found by a fiscal audit: a Polish buyer's letters became `?`, and its region, which
    // is never written for a buyer abroad, refused the invoice.
    let polish = d.ok(&[
        "customer",
        "create",
        "--name",
        "Zakład Usługowy Łódź Sp. z o.o.",
        "--street",
        "ul. Źródlana 3",
        "--zip",
        "90-001",
        "--city",
        "Łódź",
        "--province",
        "łódzkie",
        "--country",
        "PL",
        "--vat-number",
        "PL1234567890",
    ]);
    let id = invoice(&d, polish.trim(), "1");
    let xml = export(&d, &[&id]);
    validate(&d);
    assert!(xml[0].contains("<Denominazione>Zaklad Uslugowy Lódz Sp. z o.o.</Denominazione>"), "{}", xml[0]);
    assert!(xml[0].contains("<Indirizzo>ul. Zródlana 3</Indirizzo>") && !xml[0].contains("Provincia>l"), "{}", xml[0]);

    // Found by a fiscal review: a buyer's PEC that is SDI's own address (SDI 00330) was
    // issued and exported. Refused when it is given, and at issue after a hand edit.
    d.tkt(&["customer", "create", "--name", "Bianchi Srl", "--pec", "SDI01@pec.fatturapa.it"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("pec: SDI01@pec.fatturapa.it is SDI's own address"));
    let sdi = customer(&d, "Bianchi Srl", &["--vat-number", "00743110157", "--pec", "bianchi@pec.example.it"]);
    let file = format!("customers/{sdi}.yaml");
    d.write(&file, &d.read(&file).replace("bianchi@pec.example.it", "sdi01@pec.fatturapa.it"));
    d.git(&["commit", "-qam", "a slip"]);
    let t = d.ok(&["ticket", "create", "--customer", &sdi, "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "buyer.pec: is one of SDI's own addresses");
}

/// Found by a review: an invoice issued when each VAT row was rounded on its own (two rows
/// at 10% in different wordings: 1.49 + 2.01) read as right to `tkt check`, and could no
/// longer be exported.
#[test]
fn an_invoice_issued_with_each_vat_row_rounded_on_its_own_is_still_exported() {
    let d = TestDesk::example();
    let home = "\n[billing.reduced_rates.home]\nrate = 10\nnote = \"IVA 10% manutenzione su abitazioni, art. 7 c. 1 lett. b L. 488/1999\"\n";
    d.write("tkt.toml", &format!("{}{home}", d.read("tkt.toml")));
    d.git(&["commit", "-qam", "home rate"]);
    let valve = ["item", "create", "VALVOLA", "--description", "Valvola", "--kind", "goods", "--unit", "pz"];
    d.ok(&[&valve[..], &["--price", "20.05", "--vat-rate", "10"]].concat());
    d.ok(&["customer", "edit", "C-0002", "--vat-rate", "home"]);
    let t = d.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Manutenzione"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "0.33", "--outcome", "resolved"]);
    d.ok(&["ticket", "ship", t.trim(), "--purpose", "sale", "--line", "VALVOLA:1"]);
    let id = d.ok(&["ticket", "invoice", t.trim()]).trim().to_string();
    let file = format!("documents/invoice/2026/000/{id}.yaml");
    let now = d.read(&file);
    assert!(now.contains("tax: '1.48'") && now.contains("tax: '2.01'") && now.contains("total: '38.39'"), "{now}");
    // As the build before issued it, in its own commit.
    let before = now.replace("tax: '1.48'", "tax: '1.49'");
    d.write(&file, &before.replace("total: '38.39'", "total: '38.40'"));
    d.git(&["commit", "-qa", "--amend", "--no-edit"]);
    std::fs::remove_dir_all(d.path(".tkt/issued")).unwrap();
    d.ok(&["check"]);
    let xml = export(&d, &[&id]);
    assert!(xml[0].contains("<ImportoTotaleDocumento>38.40</ImportoTotaleDocumento>"), "{}", xml[0]);
    validate(&d);
    // Its two rows at 10% differ in wording alone: an amount is credited on the first (a
    // review: "several VAT rows (10%, 10%)", and no --nature could tell them apart).
    d.ok(&["doc", "credit", &id, "--amount", "5", "--vat-rate", "10", "--reason", "sconto"]);
    d.ok(&["check"]);
}

#[test]
fn a_credit_note_to_a_public_administration_gives_back_the_vat_it_reverses() {
    // Split payment (art. 17-ter DPR 633/72): the administration pays the VAT to the State.
    // Found by a fiscal review: crediting the labour of an invoice at two rates took back
    // the VAT in proportion to the total, so 97.58 was refunded where 90.00 was owed.
    let d = einvoice_desk();
    d.ok(&[
        "item",
        "create",
        "AUSILIO",
        "--description",
        "Ausilio",
        "--kind",
        "goods",
        "--price",
        "100.00",
        "--vat-rate",
        "4",
    ]);
    let pa = customer(&d, "Comune di Torino", &["--tax-code", "00514490010", "--sdi-code", "UFABCD"]);
    let t = d.ok(&["ticket", "create", "--customer", &pa, "--title", "Fornitura"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "2", "--material", "AUSILIO:1"]);
    let id = d.ok(&["ticket", "invoice", t.trim()]).trim().to_string();
    d.ok(&["doc", "pay", &id]);
    let note = d.ok(&["doc", "credit", &id, "--line", "1", "--reason", "Manodopera non dovuta"]);
    let due = |d: &TestDesk| {
        let s: serde_json::Value =
            serde_json::from_str(&d.ok(&["customer", "statement", &pa, "--format", "json"])).unwrap();
        (
            s[0]["invoiced"].as_str().unwrap().to_string(),
            s[0]["paid"].as_str().unwrap().to_string(),
            s[0]["due"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(due(&d), ("213.80".into(), "190.00".into(), "-90.00".into()), "the labour's 90.00 taxable is owed back");
    // With the goods credited too, each note's refund is what was paid for what it
    // credits (a review of this fix: the first took 109.80, VAT included).
    let goods = d.ok(&["doc", "credit", &id, "--line", "2", "--reason", "Reso"]);
    let refund = |note: &str| {
        let rf = d.ok(&["doc", "refund", note.trim()]);
        let rf: serde_json::Value =
            serde_json::from_str(&d.ok(&["doc", "show", rf.trim(), "--format", "json"])).unwrap();
        rf["amount"].as_str().unwrap().to_string()
    };
    assert_eq!((refund(&note), refund(&goods)), ("90.00".into(), "100.00".into()));
    assert_eq!(due(&d).2, "0.00");
    d.tkt(&["check"]).assert().success();
}

/// The body of SDI's rejection (NS) for the buyer's tax id (00305).
pub(crate) const REJECTED_00305: &str = "<DataOraRicezione>2026-11-27T11:00:00.000+01:00</DataOraRicezione><ListaErrori>\
     <Errore><Codice>00305</Codice><Descrizione>IdCodice del cessionario non valido</Descrizione></Errore></ListaErrori>";

/// An SDI receipt about `file`, as SDI writes it.
pub(crate) fn receipt_xml(root: &str, file: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ns3:{root} xmlns:ns3=\"http://www.fatturapa.gov.it/sdi/messaggi/v1.0\" \
         versione=\"1.0\"><IdentificativoSdI>4242</IdentificativoSdI><NomeFile>{file}</NomeFile>{body}\
         <MessageId>1</MessageId></ns3:{root}>\n"
    )
}

/// An SDI receipt about `file` in a file, as SDI sends it.
fn receipt(d: &TestDesk, root: &str, file: &str, body: &str) -> String {
    let name = format!("{}_{root}.xml", file.trim_end_matches(".xml"));
    let xml = receipt_xml(root, file, body);
    let path = d.tmp.path().join(&name);
    std::fs::write(&path, xml).unwrap();
    path.display().to_string()
}

/// Another clone's offline export under the progressivo of a file this desk replaced after
/// SDI rejected it is named by check, and exported again under a new one (found by an SDI
/// attack: check was clean, `doc send` said to export it again, and export refused).
#[test]
fn an_export_under_the_name_of_a_replaced_file_is_named_and_exported_again() {
    let d = einvoice_desk();
    let rejected = invoice(&d, "C-0001", "1");
    let other = invoice(&d, "C-0001", "2");
    export(&d, &[&rejected]);
    let path = |id: &str| format!("documents/invoice/2026/000/{id}.yaml");
    let text = d.read(&path(&rejected));
    let block = &text[text.find("einvoice:").unwrap()..];
    let ns = receipt(&d, "NotificaScarto", "IT01234567897_00001.xml", REJECTED_00305);
    d.ok(&["import", "sdi", &ns]);
    let again = export(&d, &[&rejected]);
    assert!(again[0].contains("<ProgressivoInvio>00002"), "{}", again[0]);
    // As a merge of another clone's offline export leaves it.
    d.write(&path(&other), &format!("{}{block}", d.read(&path(&other))));
    d.git(&["commit", "-qam", "merge"]);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains(&format!("{}: exported as IT01234567897_00001.xml, like {rejected}", path(&other))), "{out}");
    let moved = export(&d, &[&other]);
    assert!(moved[0].contains("<ProgressivoInvio>00003"), "{}", moved[0]);
    d.ok(&["check"]);
}

/// Found by a fiscal review: with a clone series beginning with a digit, invoices were
/// issued that the clone could then never export.
#[test]
fn no_invoice_is_issued_under_a_clone_series_its_files_cannot_be_named_after() {
    let d = einvoice_desk();
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    d.write(".tkt/settings.toml", "series = \"1\"\n");
    let head = d.head();
    refused(&d, &["ticket", "invoice", t.trim()], "this clone's series \"1\" begins with a digit");
    assert_eq!(d.head(), head);
    assert_eq!(d.status(), "");
}

/// Found by a fiscal review: a credit note of an invoice SDI rejected (never issued, by
/// law) was exported as a TD04 naming it, to the buyer SDI had refused.
#[test]
fn a_credit_note_of_a_rejected_invoice_cancels_it_in_the_books_only_and_is_never_sent() {
    let d = einvoice_desk();
    let inv = invoice(&d, "C-0001", "1");
    export(&d, &[&inv]);
    let ns = receipt(&d, "NotificaScarto", "IT01234567897_00001.xml", REJECTED_00305);
    d.ok(&["import", "sdi", &ns]);
    let out = d.tkt(&["doc", "credit", &inv, "--reason", "scartata da SDI"]).output().unwrap();
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(String::from_utf8_lossy(&out.stderr).contains("cancels it in your books only and is not sent"));
    refused(&d, &["doc", "export", &note, "--dir", "../out"], "which SDI rejected (never issued)");
    let bulk = d.tkt(&["doc", "export", "--dir", "../out"]).output().unwrap();
    assert!(bulk.status.success());
    assert!(String::from_utf8_lossy(&bulk.stderr).contains(&format!("{note} credits {inv}, which SDI rejected")));
    let file = d.read(&format!("documents/credit-note/2026/000/{note}.yaml"));
    assert!(!file.contains("einvoice:"), "left out of the bulk export: {file}");
    // The invoice it took off the books is not sent again, and its work is billed anew
    // (found by the second wave: "nothing to invoice", and the invoice then its note went).
    refused(&d, &["doc", "export", &inv, "--dir", "../out"], &format!("{note} took it off your books"));
    let ticket = d.ok(&["doc", "show", &inv, "--format", "json"]);
    let ticket: serde_json::Value = serde_json::from_str(&ticket).unwrap();
    let again = d.ok(&["ticket", "invoice", ticket["ticket"].as_str().unwrap()]).trim().to_string();
    assert_ne!(again, inv);
    d.tkt(&["check"]).assert().success();
}

/// Only notes that cancel a rejected invoice whole take it off the books: after a
/// discount it is corrected and exported again; and a note of an invoice SDI rejected,
/// exported before the rejection, is never mailed to SDI (found by a fiscal review).
#[test]
fn a_discount_does_not_keep_a_rejected_invoice_from_going_again_nor_is_a_rejected_invoices_note_sent() {
    let d = einvoice_desk();
    let inv = invoice(&d, "C-0001", "2");
    export(&d, &[&inv]);
    let discount = d.ok(&["doc", "credit", &inv, "--amount", "10.00", "--reason", "sconto"]).trim().to_string();
    export(&d, &[&discount]);
    let ns = receipt(&d, "NotificaScarto", "IT01234567897_00001.xml", REJECTED_00305);
    d.ok(&["import", "sdi", &ns]);
    refused(&d, &["doc", "send", &discount, "--dir", "../out"], "which SDI rejected (never issued)");
    let again = export(&d, &[&inv]);
    assert!(again[0].contains(&format!("<Numero>{inv}</Numero>")) && again[0].contains("00003"), "{}", again[0]);
}

#[test]
fn sdi_receipts_update_each_document_and_a_rejected_one_is_sent_again_with_its_number() {
    let d = einvoice_desk();
    let delivered = invoice(&d, "C-0001", "1");
    let rejected = invoice(&d, "C-0001", "2");
    export(&d, &[&delivered, &rejected]);
    let rc = receipt(
        &d,
        "RicevutaConsegna",
        "IT01234567897_00001.xml",
        "<DataOraConsegna>2026-11-27T11:00:00.000+01:00</DataOraConsegna>",
    );
    let ns = receipt(&d, "NotificaScarto", "IT01234567897_00002.xml", REJECTED_00305);
    assert_eq!(d.ok(&["import", "sdi", &rc, &ns]), format!("{delivered}\n{rejected}\n"));
    assert_eq!(d.ok(&["import", "sdi", &rc]), "", "a receipt is recorded once");
    assert_eq!(d.ok(&["doc", "list", "--sdi", "rejected", "--format", "csv"]).lines().count(), 2);
    let show = d.ok(&["doc", "show", &rejected]);
    assert!(show.contains("rejected") && show.contains("00305 IdCodice del cessionario non valido"), "{show}");
    assert!(d.ok(&["doc", "show", &delivered]).contains("delivered"));
    // Corrected, it goes again under the same number and date, in a new file.
    let again = export(&d, &[&rejected]);
    assert!(again[0].contains(&format!("<Numero>{rejected}</Numero>")) && again[0].contains("<ProgressivoInvio>00003"));
    assert!(d.ok(&["doc", "show", &rejected]).contains("exported"));
    refused(&d, &["doc", "export", &delivered, "--dir", "../out3"], "already exported");
    let stray = receipt(&d, "RicevutaConsegna", "IT01234567897_00099.xml", "");
    d.tkt(&["import", "sdi", &stray]).assert().code(3);

    // Found by a review: the state was the receipt imported last, so the administration's
    // refusal (NE EC02), imported before the delivery receipt by a glob, read "delivered";
    // and receipts naming the file as signed for the portal (`.xml.p7m`) were "not found".
    let pa = customer(&d, "Comune di Torino", &["--tax-code", "00514490010", "--sdi-code", "UFABCD"]);
    let refused_by_pa = invoice(&d, &pa, "1");
    export(&d, &[&refused_by_pa]);
    let file = "IT01234567897_00004.xml.p7m";
    let ne = receipt(&d, "NotificaEsito", file, "<EsitoCommittente><Esito>EC02</Esito></EsitoCommittente>");
    let rc = receipt(&d, "RicevutaConsegna", file, "<DataOraConsegna>2026-11-27T11:00:00.000+01:00</DataOraConsegna>");
    assert_eq!(d.ok(&["import", "sdi", &ne, &rc]), format!("{refused_by_pa}\n{refused_by_pa}\n"));
    let refused = d.ok(&["doc", "list", "--sdi", "refused", "--format", "csv"]);
    assert!(refused.contains(&refused_by_pa), "{refused}");

    // Found by an SDI attack: an NS about a second copy of a delivered file (SDI refuses a
    // name it has, 00002) made the delivered invoice "rejected"; an AT (transmitted to the
    // administration, not delivered) left the file "pending", to be sent again.
    let copy = receipt(&d, "NotificaScarto", "IT01234567897_00001.xml", REJECTED_00305);
    assert_eq!(d.ok(&["import", "sdi", &copy]), format!("{delivered}\n"));
    assert!(d.ok(&["doc", "show", &delivered]).contains("delivered"));
    let at_pa = invoice(&d, &pa, "3");
    let files = export(&d, &[&at_pa]);
    let file = files[0].split("<ProgressivoInvio>").nth(1).and_then(|p| p.get(..5)).unwrap();
    let at = receipt(&d, "AttestazioneTrasmissioneFattura", &format!("IT01234567897_{file}.xml"), "");
    assert_eq!(d.ok(&["import", "sdi", &at]), format!("{at_pa}\n"));
    assert!(d.ok(&["doc", "list", "--sdi", "not-deliverable", "--format", "csv"]).contains(&at_pa));
    assert!(!d.ok(&["doc", "list", "--sdi", "pending", "--format", "csv"]).contains(&at_pa));
}

/// The desk's PEC account on the test's SMTP server (`tls` implicit or starttls).
fn with_pec(d: &TestDesk, sink: &Sink, port: u16) {
    let tls = if sink.mode == Mode::Implicit { "implicit" } else { "starttls" };
    let pec =
        format!("\n[pec]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"{tls}\"\nfrom = \"fatture@pec.example.it\"\n");
    d.write("tkt.toml", &(d.read("tkt.toml") + &pec));
    d.git(&["commit", "-qam", "pec"]);
    std::fs::write(d.tmp.path().join("ca.pem"), &sink.ca_pem).unwrap();
}

/// `tkt doc send …` with the PEC password in the environment and the test's CA trusted.
fn send(d: &TestDesk, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = d.tkt(&[&["doc", "send", "--dir", "../out"], args].concat());
    cmd.env("TKT_PEC_PASSWORD", "segreta").env("TKT_PEC_CA_FILE", d.tmp.path().join("ca.pem"));
    cmd
}

/// Signs `file` as CAdES with a throw-away certificate, as a signing device would: the
/// envelope `file.p7m` beside it; `stream` writes the content in pieces (BER).
fn sign(d: &TestDesk, file: &Path, stream: bool) {
    let (key, cert) = (d.tmp.path().join("key.pem"), d.tmp.path().join("cert.pem"));
    let openssl = |args: &[&std::ffi::OsStr]| {
        let out = Command::new("openssl").args(args).output().expect("openssl (bash .ci/run installs it)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    if !cert.exists() {
        let args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=Firma", "-days", "2", "-keyout"];
        openssl(&[&args.map(std::ffi::OsStr::new)[..], &[key.as_os_str(), "-out".as_ref(), cert.as_os_str()]].concat());
    }
    let mut p7m = file.as_os_str().to_owned();
    p7m.push(".p7m");
    let args = ["cms", "-sign", "-binary", "-nodetach", "-outform", "DER"].map(std::ffi::OsStr::new);
    let stream: &[&std::ffi::OsStr] = if stream { &["-stream".as_ref()] } else { &[] };
    let files = ["-in".as_ref(), file.as_os_str(), "-signer".as_ref(), cert.as_os_str(), "-inkey".as_ref()];
    openssl(&[&args[..], stream, &files, &[key.as_os_str(), "-out".as_ref(), &p7m]].concat());
}

/// Found by a fiscal audit: an e-invoice to a public administration went to SDI unsigned,
/// which SDI rejects (FPA12 takes a qualified electronic signature, DM 55/2013).
#[test]
fn an_e_invoice_to_a_public_administration_goes_only_signed_and_as_exported() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Starttls, Some("segreta"));
    with_pec(&d, &sink, sink.port);
    let pa = customer(&d, "Comune di Torino", &["--tax-code", "00514490010", "--sdi-code", "UFABCD"]);
    let id = invoice(&d, &pa, "1");
    d.tkt(&["doc", "export", &id, "--dir", "../out"])
        .assert()
        .success()
        .stderr(predicate::str::contains("only signed: sign it (CAdES) as IT01234567897_00001.xml.p7m"));
    let xml = d.tmp.path().join("out/IT01234567897_00001.xml");
    let head = d.head();
    send(&d, &[&id]).assert().code(4).stderr(
        predicate::str::contains("SDI takes it only signed").and(predicate::str::contains(".p7m is not there")),
    );
    assert_eq!((d.head(), d.status(), sink.received().len()), (head.clone(), String::new(), 0));

    // An envelope of another file (the XML changed, then signed) is not sent either.
    let exported = std::fs::read(&xml).unwrap();
    std::fs::write(&xml, [&exported[..], b"<!-- -->"].concat()).unwrap();
    sign(&d, &xml, false);
    std::fs::write(&xml, &exported).unwrap();
    send(&d, &[&id]).assert().code(4).stderr(predicate::str::contains("not a signed envelope (CAdES) of"));
    assert_eq!((d.head(), sink.received().len()), (head, 0));

    // Signed as exported (a device's streamed form too), the envelope goes in its place.
    sign(&d, &xml, true);
    send(&d, &[&id]).assert().success().stdout(format!("{id}\n"));
    let got = sink.received();
    let p7m = std::fs::read(d.tmp.path().join("out/IT01234567897_00001.xml.p7m")).unwrap();
    assert_eq!(attachments(&got[0].data), [("IT01234567897_00001.xml.p7m".to_string(), p7m)]);
    assert!(String::from_utf8_lossy(&got[0].data).contains("application/pkcs7-mime"), "a CMS envelope, not XML");
    let yaml = d.read(&format!("documents/invoice/2026/000/{id}.yaml"));
    assert!(yaml.contains("file: IT01234567897_00001.xml\n"), "{yaml}");
    // SDI's receipt names the signed file: it is the exported one's.
    let rc = receipt(&d, "RicevutaConsegna", "IT01234567897_00001.xml.p7m", "");
    assert_eq!(d.ok(&["import", "sdi", &rc]), format!("{id}\n"));
    assert!(d.ok(&["doc", "show", &id]).contains("delivered"));
}

/// A failed send: exit 5, no commit, no file left.
fn busy(d: &TestDesk, mut cmd: assert_cmd::Command, message: &str) {
    let head = d.head();
    cmd.assert().code(5).stderr(predicate::str::contains(message));
    assert_eq!(d.head(), head, "a failed send committed");
    assert_eq!(d.status(), "", "a failed send left files");
}

/// The attachments of a message as received: name and bytes.
fn attachments(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    use mail_parser::MimeHeaders;
    let msg = mail_parser::MessageParser::default().parse(data).expect("a message");
    msg.attachments().map(|a| (a.attachment_name().unwrap_or("").to_string(), a.contents().to_vec())).collect()
}

#[test]
fn doc_send_mails_the_exported_file_to_sdi_by_pec_once() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Starttls, Some("segreta"));
    with_pec(&d, &sink, sink.port);
    let id = invoice(&d, "C-0001", "1");
    let other = invoice(&d, "C-0001", "2");
    refused(&d, &["doc", "send", &id, "--dir", "../out"], "has not been exported yet");
    d.tkt(&["doc", "send", &id]).assert().code(4).stderr(predicate::str::contains("tkt doc export"));
    export(&d, &[&id]);

    send(&d, &[&id]).assert().success().stdout(format!("{id}\n"));
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].mail_from, "fatture@pec.example.it");
    assert_eq!(got[0].rcpt_to, ["sdi01@pec.fatturapa.it"], "SDI's published address by default");
    assert_eq!(got[0].login, Some(("fatture@pec.example.it".to_string(), "segreta".to_string())));
    let file = std::fs::read(d.tmp.path().join("out/IT01234567897_00001.xml")).unwrap();
    assert_eq!(attachments(&got[0].data), [("IT01234567897_00001.xml".to_string(), file)]);
    assert!(d.last_message().contains(&format!("{id}: sent to SDI by PEC")), "{}", d.last_message());
    let yaml = d.read(&format!("documents/invoice/2026/000/{id}.yaml"));
    assert!(yaml.contains("sent:") && yaml.contains("message_id: IT01234567897_00001.20261127T090000@pec.example.it"));
    assert!(d.ok(&["doc", "show", &id]).contains("sent"));
    assert_eq!(d.ok(&["doc", "list", "--sdi", "sent", "--format", "csv"]).lines().count(), 2);

    refused(&d, &["doc", "send", &id, "--dir", "../out"], "was sent already");
    assert_eq!(d.ok(&["doc", "send", "--all", "--dir", "../out"]), "", "nothing left to send");
    assert_eq!(sink.received().len(), 1, "sent once");
    // Credentials in a file outside the desk work too; one inside it is refused.
    export(&d, &[&other]);
    let creds = "user = \"casella@pec.example.it\"\npassword = \"segreta\"\n";
    std::fs::write(d.tmp.path().join("pec.toml"), creds).unwrap();
    let readable = std::os::unix::fs::PermissionsExt::from_mode(0o644);
    std::fs::set_permissions(d.tmp.path().join("pec.toml"), readable).unwrap();
    d.write("pec.toml", creds);
    let mut inside = d.tkt(&["doc", "send", "--all", "--dir", "../out"]);
    inside.env("TKT_PEC_CREDENTIALS", "pec.toml").env("TKT_PEC_CA_FILE", d.tmp.path().join("ca.pem"));
    inside.assert().code(4).stderr(predicate::str::contains("inside the desk"));
    std::fs::remove_file(d.path("pec.toml")).unwrap();
    let mut outside = d.tkt(&["doc", "send", "--all", "--dir", "../out"]);
    outside
        .env("TKT_PEC_CREDENTIALS", d.tmp.path().join("pec.toml"))
        .env("TKT_PEC_CA_FILE", d.tmp.path().join("ca.pem"));
    outside.assert().success().stdout(format!("{other}\n")).stderr(predicate::str::contains("chmod 600"));
    assert_eq!(sink.received()[1].login, Some(("casella@pec.example.it".to_string(), "segreta".to_string())));
}

#[test]
fn a_pec_server_down_untrusted_or_refusing_the_login_exits_5_and_records_nothing() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Implicit, Some("segreta"));
    with_pec(&d, &sink, smtp::closed_port());
    let id = invoice(&d, "C-0001", "1");
    export(&d, &[&id]);
    busy(&d, send(&d, &[&id]), "nothing was sent");
    assert!(d.ok(&["doc", "show", &id]).contains("exported"));

    let d2 = einvoice_desk();
    with_pec(&d2, &sink, sink.port);
    let id2 = invoice(&d2, "C-0001", "1");
    export(&d2, &[&id2]);
    // Another certificate authority than the server's: TLS fails before any login.
    let stranger = Sink::start(Mode::Implicit, None);
    std::fs::write(d2.tmp.path().join("other-ca.pem"), &stranger.ca_pem).unwrap();
    let mut untrusted = send(&d2, &[&id2]);
    untrusted.env("TKT_PEC_CA_FILE", d2.tmp.path().join("other-ca.pem"));
    busy(&d2, untrusted, "certificate");
    let mut wrong = send(&d2, &[&id2]);
    wrong.env("TKT_PEC_PASSWORD", "sbagliata");
    busy(&d2, wrong, "535");
    assert!(sink.received().is_empty());
    // No password at all, or one written into tkt.toml, is refused before connecting.
    let mut none = d2.tkt(&["doc", "send", &id2, "--dir", "../out"]);
    none.env("TKT_PEC_CA_FILE", d2.tmp.path().join("ca.pem"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("TKT_PEC_PASSWORD"));
    d2.write("tkt.toml", &d2.read("tkt.toml").replace("[pec]\n", "[pec]\npassword = \"segreta\"\n"));
    send(&d2, &[&id2])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("pec.password: credentials never go into the desk"));
    d2.git(&["checkout", "tkt.toml"]);
    send(&d2, &["--all"]).assert().success().stdout(format!("{id2}\n"));
    assert_eq!(sink.received().len(), 1, "implicit TLS delivers");
}

const RC_BODY: &str = "<DataOraRicezione>2026-11-27T10:00:00.000+01:00</DataOraRicezione>\
                       <DataOraConsegna>2026-11-27T11:00:00.000+01:00</DataOraConsegna>";
const NS_BODY: &str = "<DataOraRicezione>2026-11-27T10:00:00.000+01:00</DataOraRicezione><ListaErrori><Errore>\
                       <Codice>00305</Codice><Descrizione>1.4.1.1.2 IdCodice del cessionario non valido</Descrizione>\
                       </Errore><Errore><Codice>00311</Codice><Descrizione>1.1.4 CodiceDestinatario non valido\
                       </Descrizione></Errore></ListaErrori>";

/// A PEC message as a certified-mail provider delivers it: an S/MIME-signed envelope
/// "per conto di" SDI with `daticert.xml` (of type `tipo`) and, for a message someone
/// sent, the original as `postacert.eml`, whose attachment is `name`. With `direct` the
/// XML is attached to the envelope itself.
fn pec_message(tipo: &str, name: &str, xml: &str, direct: bool) -> String {
    use base64::Engine;
    let b64 = |t: &str| {
        base64::engine::general_purpose::STANDARD
            .encode(t)
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned() + "\r\n")
            .collect::<String>()
    };
    let id = name.trim_end_matches(".xml");
    let attachment = format!(
        "Content-Type: application/octet-stream; name=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{}",
        b64(xml)
    );
    let original = format!(
        "Message-ID: <{id}@pec.fatturapa.it>\r\nDate: Fri, 27 Nov 2026 11:00:00 +0100\r\nFrom: sdi01@pec.fatturapa.it\r\n\
         To: fatture@pec.example.it\r\nSubject: {id}\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n--inner\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\
         Notifica del Sistema di Interscambio.\r\n--inner\r\n{attachment}--inner--\r\n"
    );
    let daticert = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!DOCTYPE postacert SYSTEM \"Postacert.dtd\">\r\n\
         <postacert tipo=\"{tipo}\" errore=\"nessuno\"><intestazione>\
         <mittente>sdi01@pec.fatturapa.it</mittente><destinatari tipo=\"certificato\">fatture@pec.example.it</destinatari>\
         <oggetto>{id}</oggetto></intestazione><dati><gestore-emittente>ARUBA PEC S.p.A.</gestore-emittente>\
         <data zona=\"+0100\"><giorno>27/11/2026</giorno><ora>11:00:05</ora></data>\
         <identificativo>opec21.{id}@pec.aruba.it</identificativo><msgid>&lt;{id}@pec.fatturapa.it&gt;</msgid></dati></postacert>\r\n"
    );
    let wrapped = if direct {
        attachment.clone()
    } else {
        format!("Content-Type: message/rfc822; name=\"postacert.eml\"\r\nContent-Disposition: inline; filename=\"postacert.eml\"\r\n\r\n{original}")
    };
    let body = if tipo == "posta-certificata" { format!("--mixed\r\n{wrapped}") } else { String::new() };
    format!(
        "Return-Path: <posta-certificata@pec.aruba.it>\r\nMessage-ID: <opec21.{id}.{tipo}@pec.aruba.it>\r\n\
         Date: Fri, 27 Nov 2026 11:00:05 +0100\r\nFrom: \"Per conto di: sdi01@pec.fatturapa.it\" <posta-certificata@pec.aruba.it>\r\n\
         To: fatture@pec.example.it\r\nSubject: POSTA CERTIFICATA: {id}\r\nX-Trasporto: posta-certificata\r\n\
         X-Riferimento-Message-ID: <{id}@pec.fatturapa.it>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"signed\"\r\n\r\n\
         --signed\r\nContent-Type: multipart/mixed; boundary=\"mixed\"\r\n\r\n--mixed\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nMessaggio di posta certificata: il giorno 27/11/2026 alle ore 11:00:05 \
         il messaggio \"{id}\" e' stato inviato da \"sdi01@pec.fatturapa.it\".\r\n\
         --mixed\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}{body}--mixed--\r\n\r\n--signed\r\n\
         Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==\r\n\
         --signed--\r\n",
        b64(&daticert)
    )
}

/// SDI's receipts are SDI's word only when SDI sends them: a stranger's plain mail with
/// a rejection naming an exported file records nothing — it is a request for a person —
/// and a customer's mail forwarding a PEC delivery receipt is read, not skipped (found by
/// a real-mail review: anyone could mark an e-invoice rejected or delivered).
/// Found by a fiscal audit: once a `git reset` took an export's commit away, the next
/// export gave another invoice the same file name and progressivo, which SDI refuses.
#[test]
fn an_export_reset_away_keeps_its_progressivo_and_its_file_name() {
    let d = einvoice_desk();
    let (first, second) = (invoice(&d, "C-0001", "1"), invoice(&d, "C-0001", "2"));
    assert!(export(&d, &[&first])[0].contains("<ProgressivoInvio>00001"));
    d.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let xml = d.ok(&["doc", "export", &second, "--dir", "../out2"]);
    assert!(xml.trim().ends_with("IT01234567897_00002.xml"), "{xml}");
    // The invoice whose export was reset away goes under a new one (its number may be
    // another document's now: a copy `sync --resolve` took back, found by a review).
    let again = d.ok(&["doc", "export", &first, "--dir", "../out3"]);
    assert!(again.trim().ends_with("IT01234567897_00003.xml"), "{again}");
}

#[test]
fn a_receipt_for_an_invoice_changed_by_hand_is_refused_and_commits_nothing() {
    // Found by a fiscal audit: the buyer's name changed by hand in an issued invoice went
    // out in the receipt's commit.
    let d = einvoice_desk();
    let id = invoice(&d, "C-0001", "1");
    export(&d, &[&id]);
    let rel = format!("documents/invoice/2026/000/{id}.yaml");
    let issued = d.read(&rel);
    let name = issued.lines().find(|l| l.trim_start().starts_with("name:")).unwrap().to_string();
    d.write(&rel, &issued.replacen(&name, "  name: Someone Else", 1));
    let head = d.head();
    let rc = receipt(
        &d,
        "RicevutaConsegna",
        "IT01234567897_00001.xml",
        "<DataOraConsegna>2026-11-27T11:00:00.000+01:00</DataOraConsegna>",
    );
    d.tkt(&["import", "sdi", &rc]).assert().code(4).stderr(predicate::str::contains("changed since it was issued"));
    assert_eq!(d.head(), head, "nothing committed");
    assert!(d.read(&rel).contains("Someone Else"), "the hand edit is left as it was");
    // Put back, the receipt is recorded.
    d.write(&rel, &issued);
    assert_eq!(d.ok(&["import", "sdi", &rc]), format!("{id}\n"));
    assert!(d.ok(&["doc", "show", &id]).contains("delivered"));
}

#[test]
fn receipts_from_anyone_but_sdi_are_mail_for_a_person() {
    use base64::Engine;
    let d = einvoice_desk();
    let id = invoice(&d, "C-0001", "1");
    export(&d, &[&id]);
    let ns = receipt_xml("NotificaScarto", "IT01234567897_00001.xml", NS_BODY);
    let attached = |from: &str, name: &str, xml: &str, text: &str| {
        format!(
            "From: {from}\r\nSubject: notifica\r\nMessage-ID: <{name}@x>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{text}\r\n\
             --b\r\nContent-Type: application/xml; name=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{}\r\n--b--\r\n",
            base64::engine::general_purpose::STANDARD.encode(xml)
        )
    };
    let forged = d.tmp.path().join("forged.eml");
    std::fs::write(&forged, attached("evil@attacker.example", "IT01234567897_00001_NS_001.xml", &ns, "ciao")).unwrap();
    let out = d.ok(&["import", "email", forged.to_str().unwrap()]);
    assert!(out.starts_with("R-"), "{out}");
    let shown: serde_json::Value = serde_json::from_str(&d.ok(&["doc", "show", &id, "--format", "json"])).unwrap();
    assert!(!shown.to_string().contains("00305"), "the forged errors are recorded: {shown}");
    let daticert = "<?xml version=\"1.0\"?><postacert tipo=\"avvenuta-consegna\" errore=\"nessuno\"></postacert>";
    let forwarded = d.tmp.path().join("forwarded.eml");
    let text = "la caldaia e' ancora ferma, chiamatemi";
    std::fs::write(&forwarded, attached("rossi@pec.example.it", "daticert.xml", daticert, text)).unwrap();
    let out = d.ok(&["import", "email", forwarded.to_str().unwrap()]);
    assert!(out.starts_with("R-") || out.starts_with("T-"), "read, not skipped: {out}");
}

/// A maildir under the test's folder (outside the desk) holding `messages` in new/.
fn maildir(d: &TestDesk, messages: &[(&str, String)]) -> String {
    let dir = d.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for (name, text) in messages {
        std::fs::write(dir.join("new").join(name), text).unwrap();
    }
    dir.display().to_string()
}

#[test]
fn sdi_receipts_arriving_by_pec_in_the_maildir_are_recorded_and_open_no_request() {
    let d = einvoice_desk();
    let delivered = invoice(&d, "C-0001", "1");
    let rejected = invoice(&d, "C-0001", "2");
    export(&d, &[&delivered, &rejected]);
    // Rows of the list, its header aside (an empty list prints nothing).
    let requests = |d: &TestDesk| d.ok(&["request", "list", "--format", "csv"]).lines().count().saturating_sub(1);
    let before = requests(&d);
    let rc = receipt_xml("RicevutaConsegna", "IT01234567897_00001.xml", RC_BODY);
    let ns = receipt_xml("NotificaScarto", "IT01234567897_00002.xml", NS_BODY);
    let stray = receipt_xml("RicevutaConsegna", "IT09999999999_00007.xml", RC_BODY);
    let md = maildir(
        &d,
        &[
            ("1.rc", pec_message("posta-certificata", "IT01234567897_00001_RC_001.xml", &rc, false)),
            ("2.ns", pec_message("posta-certificata", "IT01234567897_00002_NS_001.xml", &ns, true)),
            ("3.accepted", pec_message("accettazione", "IT01234567897_00001.xml", "", false)),
            ("4.odd", pec_message("posta-certificata", "IT01234567897_00002_XX_001.xml", "<Altro/>", false)),
            ("5.stray", pec_message("posta-certificata", "IT09999999999_00007_RC_001.xml", &stray, false)),
        ],
    );
    let out = d.tkt(&["import", "maildir", &md]).assert().success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(err.contains(&format!("1.rc: SDI receipts recorded: {delivered} RC")), "{err}");
    assert!(err.contains(&format!("2.ns: SDI receipts recorded: {rejected} NS")), "{err}");
    assert!(err.contains("3.accepted: skipped: a PEC receipt (accettazione)"), "{err}");
    assert_eq!(stdout.lines().count(), 2, "the unknown XML and the stranger's receipt are requests: {stdout}");
    assert_eq!(requests(&d), before + 2);
    assert_eq!(std::fs::read_dir(d.tmp.path().join("Maildir/new")).unwrap().count(), 0, "all handled");
    assert!(d.ok(&["doc", "show", &delivered]).contains("delivered"));
    let show = d.ok(&["doc", "show", &rejected]);
    assert!(show.contains("rejected") && show.contains("00311 1.1.4 CodiceDestinatario non valido"), "{show}");
    // The same PEC again changes nothing.
    std::fs::write(
        d.tmp.path().join("Maildir/new/6.rc-again"),
        pec_message("posta-certificata", "IT01234567897_00001_RC_001.xml", &rc, false),
    )
    .unwrap();
    let head = d.head();
    d.tkt(&["import", "maildir", &md]).assert().success().stdout("");
    assert_eq!(d.head(), head);
}

#[test]
fn doc_print_from_xml_shows_the_exported_file_as_the_buyers_viewer_does() {
    let d = einvoice_desk();
    let id = invoice(&d, "C-0001", "2");
    refused(&d, &["doc", "print", &id, "--from-xml", "../out"], "has not been exported yet");
    export(&d, &[&id]);
    let view = d.ok(&["doc", "print", &id, "--from-xml", "../out"]);
    for section in [
        "Dati relativi alla trasmissione",
        "Dati del cedente / prestatore",
        "Dati del cessionario / committente",
        "Dati generali del documento",
        "Dati relativi alle linee di dettaglio della fornitura",
        "Dati di riepilogo per aliquota IVA e natura",
        "Dati relativi al pagamento",
    ] {
        assert!(view.contains(&format!("{section}\n")), "no {section} in\n{view}");
    }
    assert!(view.contains("Importo totale documento  109.80"), "{view}");
    assert!(view.contains("22.00  90.00              19.80           I (esigibilita' immediata)"), "{view}");
    assert!(view.contains("Denominazione                       Rossi Impianti\n"), "{view}");
    assert!(view.contains("Modalita'      MP05 (bonifico)") && view.contains("TD01 (fattura)"), "{view}");
    // The view reads the file, not the record: a value changed in the XML shows.
    let file = d.tmp.path().join("out/IT01234567897_00001.xml");
    let xml = std::fs::read_to_string(&file).unwrap();
    let changed = xml.replace("<Imposta>19.80</Imposta>", "<Imposta>20.80</Imposta>").replace(
        "<Denominazione>Rossi Impianti</Denominazione>",
        "<Denominazione>Rossi Impianti &amp; Figli</Denominazione>",
    );
    std::fs::write(&file, changed).unwrap();
    let html = d.ok(&["doc", "print", &id, "--from-xml", "../out/IT01234567897_00001.xml", "-f", "html"]);
    assert!(html.contains("<td>20.80</td>") && html.contains("<dd>Rossi Impianti &amp; Figli</dd>"), "{html}");
    assert!(d.ok(&["doc", "print", &id]).contains("19,80"), "the print of the record is unchanged");
    let other = invoice(&d, "C-0001", "1");
    export(&d, &[&other]);
    refused(&d, &["doc", "print", &other, "--from-xml", "../out/IT01234567897_00001.xml"], "not the e-invoice of");
}

/// The issue's "done when", end to end: a company configured, four documents issued,
/// exported, validated, sent by PEC, answered by SDI through the maildir, the rejected
/// one corrected and sent again under its number and date.
#[test]
fn four_documents_go_from_issue_to_sdi_and_back_through_pec() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Starttls, Some("segreta"));
    with_pec(&d, &sink, sink.port);
    let standard = invoice(&d, "C-0001", "2");
    d.ok(&["ticket", "create", "--serial", "VX-0001", "--title", "In garanzia"]);
    d.ok(&["ticket", "work", "T-2026-0002", "--hours", "1"]);
    let warranty = d.ok(&["ticket", "invoice", "T-2026-0002"]).trim().to_string();
    let edil = customer(&d, "Edil Srl", &["--vat-number", "04981235676", "--reverse-charge", "true"]);
    let reverse = invoice(&d, &edil, "3");
    let credit = d.ok(&["doc", "credit", &standard, "--reason", "Sconto concordato", "--amount", "10.00"]);
    let ids = [standard.as_str(), &warranty, &reverse, credit.trim()];

    // Exported and valid against the official schema.
    let xml = export(&d, &[]);
    assert_eq!(xml.len(), 4, "the month's four documents");
    validate(&d);
    let file_of = |id: &str| {
        let yaml = d.read(&format!(
            "documents/{}/2026/000/{id}.yaml",
            if id.starts_with("CN") { "credit-note" } else { "invoice" }
        ));
        let line = yaml.lines().find(|l| l.trim_start().starts_with("file: ")).expect("exported").to_string();
        line.trim_start().trim_start_matches("file: ").to_string()
    };
    let files: Vec<String> = ids.iter().map(|id| file_of(id)).collect();
    assert!(
        xml.iter().any(|x| x.contains("<Natura>N2.2</Natura>"))
            && xml.iter().any(|x| x.contains("<Natura>N6.7</Natura>"))
    );
    assert!(xml.iter().any(|x| x.contains("<TipoDocumento>TD04</TipoDocumento>")));

    // Sent to SDI by PEC, each with its file attached.
    let sent = send(&d, &["--all"]).assert().success().get_output().stdout.clone();
    assert_eq!(String::from_utf8_lossy(&sent).lines().count(), 4);
    let got = sink.received();
    assert_eq!(got.len(), 4);
    for file in &files {
        let bytes = std::fs::read(d.tmp.path().join("out").join(file)).unwrap();
        let message = got.iter().find(|m| attachments(&m.data).iter().any(|(n, _)| n == file)).expect("a PEC per file");
        assert_eq!(attachments(&message.data), [(file.clone(), bytes)]);
        assert_eq!(
            (message.mail_from.as_str(), message.rcpt_to.as_slice()),
            ("fatture@pec.example.it", &["sdi01@pec.fatturapa.it".to_string()][..])
        );
    }
    assert_eq!(d.ok(&["doc", "list", "--sdi", "sent", "--format", "csv"]).lines().count(), 5);

    // SDI answers by PEC: the standard invoice delivered, the reverse-charge one rejected.
    let rc = receipt_xml("RicevutaConsegna", &files[0], RC_BODY);
    let ns = receipt_xml("NotificaScarto", &files[2], NS_BODY);
    let md = maildir(
        &d,
        &[
            ("1.rc", pec_message("posta-certificata", &files[0].replace(".xml", "_RC_001.xml"), &rc, false)),
            ("2.ns", pec_message("posta-certificata", &files[2].replace(".xml", "_NS_001.xml"), &ns, false)),
        ],
    );
    d.tkt(&["import", "maildir", &md]).assert().success().stdout("");
    let state = |id: &str| d.ok(&["doc", "show", id]);
    assert!(state(&standard).contains("delivered"));
    assert!(state(&reverse).contains("rejected") && state(&reverse).contains("00305"));
    assert!(state(&warranty).contains("sent") && state(credit.trim()).contains("sent"));
    assert_eq!(d.ok(&["doc", "list", "--sdi", "pending", "--format", "csv"]).lines().count(), 3, "two await SDI");
    refused(&d, &["doc", "send", &reverse, "--dir", "../out"], "correct it and export it again");

    // Corrected — the IBAN tkt adds at export from [company] was an old account's — and sent
    // again: same number and date, a new file.
    d.write("tkt.toml", &d.read("tkt.toml").replace("IT60X0542811101000000123456", "IT07X0542811101000000654321"));
    d.git(&["commit", "-qam", "IBAN corrected"]);
    let again = export(&d, &[&reverse]);
    assert!(again[0].contains(&format!("<Numero>{reverse}</Numero>")) && again[0].contains("<Data>2026-11-27</Data>"));
    assert!(again[0].contains("<ProgressivoInvio>00005</ProgressivoInvio>") && again[0].contains("654321"));
    validate(&d);
    send(&d, &[&reverse]).assert().success().stdout(format!("{reverse}\n"));
    assert_eq!(attachments(&sink.received()[4].data)[0].0, file_of(&reverse));
    assert!(state(&reverse).contains("sent"));
    d.tkt(&["check"]).assert().success();
}

#[test]
fn every_invoice_and_credit_note_of_the_example_desk_is_a_valid_e_invoice() {
    let d = TestDesk::example();
    let listed = d.ok(&["doc", "list", "--kind", "invoice", "--kind", "credit-note", "--format", "csv"]);
    let ids: Vec<&str> = listed.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
    assert!(ids.len() >= 7, "the example's six invoices and its credit note: {listed}");
    let files = export(&d, &ids);
    assert_eq!(files.len(), ids.len());
    assert!(files.iter().any(|x| x.contains("<TipoDocumento>TD04</TipoDocumento>")), "the credit note");
    assert!(files.iter().any(|x| x.contains("<Natura>N2.2</Natura>")), "a warranty invoice at zero");
    validate(&d);
}

#[test]
fn an_export_cut_short_before_its_commit_is_made_again_over_its_own_file() {
    let d = TestDesk::example();
    let out = d.tmp.path().join("out");
    let files = || -> Vec<std::path::PathBuf> {
        let mut f: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
        f.sort();
        f
    };
    // Killed after writing the file, before the commit: the next command takes the
    // annotation back; the file stays in the export folder.
    crate::crash::killed_before_its_commit_with(&d, &["doc", "export", "INV-2026-0003", "--dir", "../out"], &[]);
    let [written] = &files()[..] else { panic!("{:?}", files()) };
    let bytes = std::fs::read(written).unwrap();
    let again = d.ok(&["doc", "export", "INV-2026-0003", "--dir", "../out"]);
    assert!(again.trim().ends_with(written.file_name().unwrap().to_str().unwrap()), "the same name: {again}");
    assert_eq!(std::fs::read(written).unwrap(), bytes, "the same bytes");
    // A file of that name with other bytes is another's: refused, nothing exported.
    crate::crash::killed_before_its_commit_with(&d, &["doc", "export", "INV-2026-0004", "--dir", "../out"], &[]);
    let other = files().into_iter().find(|f| f != written).unwrap();
    std::fs::write(&other, "altro").unwrap();
    d.tkt(&["doc", "export", "INV-2026-0004", "--dir", "../out"]).assert().code(4);
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "altro");
}

#[test]
fn a_send_killed_before_it_recorded_what_it_mailed_is_never_mailed_twice_unasked() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Starttls, Some("segreta"));
    with_pec(&d, &sink, sink.port);
    let id = invoice(&d, "C-0001", "1");
    export(&d, &[&id]);
    let envs = [("TKT_PEC_PASSWORD", "segreta".into()), ("TKT_PEC_CA_FILE", d.tmp.path().join("ca.pem").into())];
    crate::crash::killed_before_its_commit_with(&d, &["doc", "send", &id, "--dir", "../out"], &envs);
    assert_eq!(sink.received().len(), 1, "the file went before the kill");
    // The next command takes the unrecorded annotation back; the send is not repeated.
    send(&d, &[&id]).assert().code(4).stderr(predicate::str::contains("was interrupted before it recorded"));
    assert_eq!(sink.received().len(), 1, "not mailed twice");
    // Found by an SDI attack: a send of another document forgot the interrupted one, and
    // the next `doc send --all` mailed it again.
    let other = invoice(&d, "C-0001", "2");
    export(&d, &[&other]);
    send(&d, &[&other]).assert().success();
    assert_eq!(sink.received().len(), 2);
    // With no ids it is left out, not the others with it (found by an SDI review).
    let third = invoice(&d, "C-0001", "3");
    export(&d, &[&third]);
    send(&d, &["--all"])
        .assert()
        .success()
        .stdout(format!("{third}\n"))
        .stderr(predicate::str::contains(format!("{id} left out: a send of IT01234567897_00001.xml was interrupted")));
    assert_eq!(sink.received().len(), 3, "not mailed twice");
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("may have reached SDI"));
    // SDI's answer settles it: waiting for the receipt is enough.
    let rc = receipt(&d, "RicevutaConsegna", "IT01234567897_00001.xml", "");
    d.ok(&["import", "sdi", &rc]);
    assert!(!d.path(".tkt/sending").exists());
    d.tkt(&["check"]).assert().success();
    assert!(d.ok(&["doc", "show", &id]).contains("delivered"));
    // A receipt another clone recorded, come by sync, settles it too (found by a review).
    d.write(".tkt/sending", &format!("{id} IT01234567897_00001.xml\n"));
    d.tkt(&["check"]).assert().success();
}

/// Found by an SDI review: the server took the message and then hung up (or timed out)
/// before its reply; tkt said "not sent", noted nothing, and the next send mailed the file
/// again. A send whose reply never came may have gone: it is noted as a killed one is.
#[test]
fn a_send_whose_reply_never_came_is_not_mailed_again_unasked() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Starttls, Some("segreta"));
    with_pec(&d, &sink, sink.port);
    let first = invoice(&d, "C-0001", "2");
    export(&d, &[&first, &first]);
    assert_eq!(std::fs::read_dir(d.tmp.path().join("out")).unwrap().count(), 1, "one id named twice, one file");
    send(&d, &[&first, &first]).assert().success().stdout(format!("{first}\n"));
    assert_eq!(sink.received().len(), 1, "one id named twice, mailed once (found by a review)");
    let id = invoice(&d, "C-0001", "1");
    export(&d, &[&id]);
    sink.hang_up_after_data();
    busy(&d, send(&d, &[&id]), "may have been sent");
    assert_eq!(sink.received().len(), 2);
    send(&d, &[&id]).assert().code(4).stderr(
        predicate::str::contains("was interrupted before it recorded")
            .and(predicate::str::contains(format!("remove the line \"{id} IT01234567897_00002.xml\""))),
    );
    send(&d, &["--all"]).assert().success().stderr(predicate::str::contains("nothing sent: 1 e-invoice(s) left out"));
    assert_eq!(sink.received().len(), 2, "not mailed twice");
}

#[test]
fn the_pec_password_never_follows_a_server_changed_in_the_shared_tkt_toml() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Starttls, Some("segreta"));
    with_pec(&d, &sink, sink.port);
    let (first, second) = (invoice(&d, "C-0001", "1"), invoice(&d, "C-0001", "2"));
    export(&d, &[&first, &second]);
    send(&d, &[&first]).assert().success();
    // A teammate's commit (or a hostile remote's) points [pec] at another server.
    let other = Sink::start(Mode::Starttls, Some("segreta"));
    d.write(
        "tkt.toml",
        &d.read("tkt.toml").replace(&format!("port = {}", sink.port), &format!("port = {}", other.port)),
    );
    d.git(&["commit", "-qam", "nuovo server"]);
    send(&d, &[&second]).assert().code(4).stderr(predicate::str::contains("this clone sent its PEC password to"));
    assert!(other.received().is_empty(), "the password did not go");
    // A change that is yours: the note of the server is removed, and the next send trusts it.
    std::fs::remove_file(d.path(".tkt/pec-server")).unwrap();
    std::fs::write(d.tmp.path().join("ca.pem"), &other.ca_pem).unwrap();
    send(&d, &[&second]).assert().success();
    assert_eq!(other.received().len(), 1);
}

#[test]
fn a_printed_invoice_or_credit_note_says_it_is_a_courtesy_copy_and_a_work_report_does_not() {
    let d = TestDesk::example();
    let line = "Copia di cortesia — il documento fiscale è il file XML trasmesso tramite SDI";
    for id in ["INV-2026-0001", "CN-2026-0001"] {
        assert!(d.ok(&["doc", "print", id]).contains(line), "{id} as text");
        assert!(d.ok(&["doc", "print", id, "--format", "html"]).contains(line), "{id} as html");
    }
    assert!(!d.ok(&["doc", "print", "WR-2026-0001"]).contains("Copia di cortesia"));
}

/// Found by a fiscal audit: paid by "Bonifico Bancario" or "bonifico SEPA istantaneo", the
/// e-invoice said MP05 with the IBAN, and the printed copy showed no IBAN.
#[test]
fn an_invoice_paid_by_transfer_in_any_words_prints_the_iban_its_e_invoice_has() {
    let d = einvoice_desk();
    for method in ["bonifico bancario", "Bonifico SEPA istantaneo", "contanti"] {
        let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Intervento"]);
        d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
        let id = d.ok(&["ticket", "invoice", t.trim(), "--method", method]);
        let printed = d.ok(&["doc", "print", id.trim()]);
        let xml = export(&d, &[id.trim()]).remove(0);
        let iban = "IT60X0542811101000000123456";
        let spaced = "IT60 X054 2811 1010 0000 0123 456";
        assert_eq!(xml.contains(iban), method != "contanti", "{method}: {xml}");
        assert_eq!(printed.contains(iban) || printed.contains(spaced), method != "contanti", "{method}: {printed}");
    }
}

/// The party names frozen in an issued invoice, changed by hand (by hand only, then
/// committed): nothing is sent from it, nor issued against it, until it is restored
/// (found by a fiscal review: the edit went out in the e-invoice, and the export's commit
/// took it in).
#[test]
fn an_invoice_changed_since_issue_is_neither_exported_nor_paid_nor_credited() {
    let d = einvoice_desk();
    let id = invoice(&d, "C-0001", "2");
    let rel = format!("documents/invoice/2026/000/{id}.yaml");
    let issued = d.read(&rel);
    let seller = issued.lines().find(|l| l.trim_start().starts_with("name: ")).unwrap().to_string();
    d.write(&rel, &issued.replacen(&seller, "  name: Fake Seller", 1));
    let head = d.head();
    let changed = "changed since it was issued";
    d.tkt(&["doc", "export", &id, "--dir", "../out"]).assert().code(4).stderr(predicate::str::contains(changed));
    assert!(!d.tmp.path().join("out").exists(), "nothing is written");
    assert_eq!(d.head(), head);
    d.git(&["commit", "-qam", "fix the seller"]);
    for args in [vec!["doc", "pay", &id, "--amount", "10.00"], vec!["doc", "credit", &id, "--reason", "reso"]] {
        d.tkt(&args).assert().code(4).stderr(predicate::str::contains(changed).and(predicate::str::contains(&rel)));
    }
    d.write(&rel, &issued);
    d.git(&["commit", "-qam", "restored"]);
    export(&d, &[&id]);
    validate(&d);
}

/// What FatturaPA cannot hold is refused when the document is issued, with nothing
/// written: a number over 20 characters (it was cut, and two invoices reached SDI as one),
/// an amount over 11 digits (it was issued and then could not be read), a quantity with
/// more than 8 decimals; and `XXXXXXX` for a buyer in Italy (SDI 00313) at export.
#[test]
fn what_an_einvoice_cannot_hold_is_refused_before_it_is_issued() {
    let d = einvoice_desk();
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Lavoro"]);
    let t = t.trim();
    d.ok(&["ticket", "work", t, "--hours", "1"]);
    // A dry run says so too (found by a fiscal review: it showed a draft and exited 0).
    refused(&d, &["ticket", "invoice", t, "--series", "ABCDEFGHIJ", "--dry-run"], "at most 20 characters");
    refused(&d, &["ticket", "invoice", t, "--series", "ABCDEFGHIJ"], "at most 20 characters");
    refused(&d, &["ticket", "work", t, "--hours", "1", "--material", "PART:0.000000001"], "more than 8 decimal places");
    // Travel is billed as a quantity too (found by a fiscal review: taken, then no invoice
    // of the ticket could be issued).
    refused(
        &d,
        &["ticket", "work", t, "--hours", "1", "--travel-hours", "0.1666666667"],
        "travel_hours: 0.1666666667 has more than 8",
    );
    refused(&d, &["ticket", "work", t, "--hours", "1", "--km", "12.0000000001"], "km: 12.0000000001 has more than 8");
    d.ok(&["item", "edit", "PART", "--price", "99999999.99"]);
    d.ok(&["ticket", "work", t, "--hours", "1", "--material", "PART:99999"]);
    refused(&d, &["ticket", "invoice", t], "too large: at most 11 digits");
    // What SDI would reject is refused at issue, since the parties stamped then never change.
    let c = customer(&d, "Cliente Italiano", &["--vat-number", "01129473656", "--sdi-code", "XXXXXXX"]);
    let t = d.ok(&["ticket", "create", "--customer", &c, "--title", "Lavoro"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "SDI 00313");
    // In any case (found by an e-invoice audit: `xxxxxxx` went out): typed so, it is kept in
    // capitals; written so by hand, it is refused all the same.
    d.ok(&["customer", "edit", &c, "--sdi-code", "xxxxxxx"]);
    assert!(d.read(&format!("customers/{c}.yaml")).contains("sdi_code: XXXXXXX"));
    let file = format!("customers/{c}.yaml");
    d.write(&file, &d.read(&file).replace("sdi_code: XXXXXXX", "sdi_code: xxxxxxx"));
    d.git(&["commit", "-qam", "a mano"]);
    refused(&d, &["ticket", "invoice", t.trim()], "SDI 00313");
    let nowhere = d.ok(&["customer", "create", "--name", "Senza Sede", "--vat-number", "07654321095"]);
    let t = d.ok(&["ticket", "create", "--customer", nowhere.trim(), "--title", "Lavoro"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "buyer.address.street: missing (Sede/Indirizzo)");
    d.ok(&["customer", "edit", nowhere.trim(), "--street", "Via Po 2", "--zip", "10121", "--city", "Torino"]);
    d.ok(&["customer", "edit", nowhere.trim(), "--province", "to"]);
    refused(&d, &["ticket", "invoice", t.trim()], "a province is 2 capital letters");
    d.ok(&["customer", "edit", nowhere.trim(), "--province", "TO"]);
    let id = d.ok(&["ticket", "invoice", t.trim()]);
    assert!(!export(&d, &[id.trim()]).is_empty());
}

/// What the FatturaPA schema or SDI would refuse in a party or a rate is refused at issue,
/// naming the field (found by a fiscal review: each of these was issued, then exported as
/// XML failing the schema, or sent with a Partita IVA SDI rejects).
#[test]
fn what_sdi_refuses_in_a_party_or_a_rate_is_refused_at_issue() {
    let d = einvoice_desk();
    let work = |customer: &str| {
        let t = d.ok(&["ticket", "create", "--customer", customer, "--title", "Lavoro"]);
        d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
        t.trim().to_string()
    };
    // A Partita IVA that does not check out is sent as it is, whatever the C.F. (00305).
    let c = customer(&d, "Codice Buono", &["--tax-code", "RSSMRA85T10A562S"]);
    let path = format!("customers/{c}.yaml");
    d.write(&path, &d.read(&path).replace("vat_number: null", "vat_number: '04981235670'"));
    d.git(&["commit", "-qam", "P.IVA a mano"]);
    refused(&d, &["ticket", "invoice", &work(&c)], "buyer.vat_number: not a valid Partita IVA");
    // A country by its name, not its code; a rate of three decimals: refused as they are
    // written, and at issue when written by hand.
    let args = ["customer", "create", "--name", "Kunde", "--vat-number", "DE123456789", "--country", "Germany"];
    refused(&d, &args, "\"Germany\" is not a 2-letter ISO country code");
    let c = customer(&d, "Kunde", &["--vat-number", "DE123456789", "--country", "DE"]);
    let path = format!("customers/{c}.yaml");
    d.write(&path, &d.read(&path).replace("country: DE", "country: Germany"));
    d.git(&["commit", "-qam", "paese a mano"]);
    refused(&d, &["ticket", "invoice", &work(&c)], "buyer.address.country: a country is its 2-letter ISO code");
    refused(&d, &["item", "create", "ODD", "--description", "Strano", "--vat-rate", "7.125"], "at most 2 decimals");
    // The REA's office is its province.
    let config = d.read("tkt.toml");
    d.write("tkt.toml", &config.replace("rea = \"MI-1234567\"", "rea = \"123456-BS\""));
    d.git(&["commit", "-qam", "rea"]);
    let t = work("C-0001");
    refused(&d, &["ticket", "invoice", &t], "company.rea: written PROVINCE-NUMBER");
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("company.rea: written PROVINCE-NUMBER"));
    // As offices write it, without the dash or with its name: read, and written as SDI wants.
    d.write("tkt.toml", &config.replace("rea = \"MI-1234567\"", "rea = \"REA MI 1234567\""));
    d.git(&["commit", "-qam", "rea"]);
    let id = d.ok(&["ticket", "invoice", &t]);
    let xml = export(&d, &[id.trim()]);
    assert!(
        xml[0].contains("<Ufficio>MI</Ufficio>") && xml[0].contains("<NumeroREA>1234567</NumeroREA>"),
        "{}",
        xml[0]
    );
}

/// The e-invoice says the regime its lines were made under: an invoice issued as a
/// forfettario (lines without VAT, N2.2) is exported under RF19 after tkt.toml moved to
/// the ordinary regime (found by a fiscal review: it said RF01 with no VAT charged).
#[test]
fn an_einvoice_keeps_the_regime_it_was_issued_under() {
    let d = einvoice_desk();
    let config = d.read("tkt.toml");
    d.write("tkt.toml", &config.replace("[company]\n", "[company]\nregime_fiscale = \"RF19\"\n"));
    d.git(&["commit", "-qam", "forfettario"]);
    let id = invoice(&d, "C-0001", "1");
    d.write("tkt.toml", &config);
    d.git(&["commit", "-qam", "regime ordinario"]);
    let xml = export(&d, &[&id]);
    validate(&d);
    assert!(xml[0].contains("<RegimeFiscale>RF19</RegimeFiscale>") && xml[0].contains("<Natura>N2.2</Natura>"));
}

/// A forfettario's condominium invoice bears no withholding (art. 1 c. 67 L. 190/2014;
/// found by a fiscal review).
#[test]
fn a_forfettario_withholds_nothing() {
    let d = einvoice_desk();
    d.write("tkt.toml", &d.read("tkt.toml").replace("[company]\n", "[company]\nregime_fiscale = \"RF19\"\n"));
    d.git(&["commit", "-qam", "forfettario"]);
    let condo =
        invoice(&d, &customer(&d, "Condominio Aurora", &["--tax-code", "97123450013", "--condominio", "true"]), "2");
    let issued = d.read(&format!("documents/invoice/2026/000/{condo}.yaml"));
    let issued: serde_yaml::Value = serde_yaml::from_str(&issued).unwrap();
    assert!(issued["withholding"].is_null(), "{issued:?}");
    let xml = export(&d, &[&condo]);
    validate(&d);
    assert!(!xml[0].contains("<DatiRitenuta>"), "{}", xml[0]);
}

/// A deferred invoice's DDTs each name the lines they delivered: a DatiDDT without them
/// stands for the whole invoice, the work included (found by a fiscal review).
#[test]
fn each_ddt_of_a_deferred_invoice_names_the_lines_it_delivered() {
    let d = einvoice_desk();
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Vendita e posa"]).trim().to_string();
    let dated = |day: &str, args: &[&str]| {
        d.tkt(args).env("TKT_NOW", format!("2026-11-{day}T10:00:00+01:00")).assert().success();
    };
    dated("10", &["ticket", "ship", &t, "--purpose", "sale", "--line", "PART:2"]);
    dated("12", &["ticket", "work", &t, "--hours", "1"]);
    dated("20", &["ticket", "ship", &t, "--purpose", "sale", "--line", "PART:1"]);
    let inv = d.ok(&["ticket", "invoice", &t, "--method", "contanti"]).trim().to_string();
    let xml = export(&d, &[&inv]).remove(0);
    validate(&d);
    let capture = |pattern: &str, text: &str| -> Vec<(String, String)> {
        let re = regex::Regex::new(pattern).unwrap();
        re.captures_iter(text).map(|c| (c[1].to_string(), c[2].to_string())).collect()
    };
    // The number of each line whose description names `ddt`.
    let numbered = |ddt: &str| -> Vec<String> {
        let lines = capture(r"(?s)<NumeroLinea>(\d+)</NumeroLinea>.*?<Descrizione>([^<]*)</Descrizione>", &xml);
        lines.into_iter().filter(|(_, text)| text.contains(ddt)).map(|(n, _)| n).collect()
    };
    let referenced = |ddt: &str| -> Vec<String> {
        let blocks = capture(r"(?s)<DatiDDT>\s*<NumeroDDT>([^<]*)</NumeroDDT>(.*?)</DatiDDT>", &xml);
        let (_, block) = blocks.into_iter().find(|(n, _)| n == ddt).unwrap();
        let re = regex::Regex::new(r"<RiferimentoNumeroLinea>(\d+)</RiferimentoNumeroLinea>").unwrap();
        re.captures_iter(&block).map(|c| c[1].to_string()).collect()
    };
    for ddt in ["DO-2026-0001", "DO-2026-0002"] {
        assert_eq!(referenced(ddt), numbered(ddt), "{ddt} in\n{xml}");
        assert_eq!(referenced(ddt).len(), 1, "{ddt} in\n{xml}");
    }
    assert_eq!(xml.matches("<NumeroLinea>").count(), 3, "two sales and the work: {xml}");
}

/// A withholding is reported as a person's (RT01) or a company's (RT02), as the company's
/// Codice Fiscale says; without one it is not guessed: the invoice is refused, naming the
/// field, and nothing is issued (found by a fiscal review: a sole trader with no C.F. in
/// tkt.toml was reported as a company, RT02).
#[test]
fn a_withholding_is_a_persons_or_a_companys_as_the_codice_fiscale_says() {
    let d = einvoice_desk();
    let condo = customer(&d, "Condominio Aurora", &["--tax-code", "97123450013", "--condominio", "true"]);
    let company = invoice(&d, &condo, "2");
    assert!(export(&d, &[&company])[0].contains("<TipoRitenuta>RT02</TipoRitenuta>"));

    let config = d.read("tkt.toml");
    let without = config.replace("tax_code = \"01234567897\"", "# no codice fiscale");
    assert_ne!(without, config);
    d.write("tkt.toml", &without);
    d.git(&["commit", "-qam", "no codice fiscale"]);
    let t = d.ok(&["ticket", "create", "--customer", &condo, "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "company.tax_code: missing: the e-invoice reports the withholding");

    let person = config.replace("tax_code = \"01234567897\"", "tax_code = \"RSSMRA80A01H501U\"");
    d.write("tkt.toml", &person);
    d.git(&["commit", "-qam", "a sole trader"]);
    let sole = d.ok(&["ticket", "invoice", t.trim()]).trim().to_string();
    let xml = export(&d, &[&sole]);
    validate(&d);
    assert!(xml[0].contains("<TipoRitenuta>RT01</TipoRitenuta>"), "{}", xml[0]);
}

/// A file name once sent is never given again, whatever happened to the desk since: not
/// when the `einvoice:` annotation was removed by hand (the invoice went out a second
/// time), not when an exported document was deleted (its progressivo went to the next).
/// Git history remembers (found by a fiscal review).
#[test]
fn an_einvoice_file_name_is_never_given_twice() {
    let d = einvoice_desk();
    let (first, second) = (invoice(&d, "C-0001", "1"), invoice(&d, "C-0001", "2"));
    assert!(export(&d, &[&first, &second])[1].contains("<ProgressivoInvio>00002</ProgressivoInvio>"));
    let rel = format!("documents/invoice/2026/000/{first}.yaml");
    let mut skipping = false;
    let text = d.read(&rel);
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            skipping = l.starts_with("einvoice:") || (skipping && l.starts_with(' '));
            !skipping
        })
        .collect();
    d.write(&rel, &(kept.join("\n") + "\n"));
    d.git(&["commit", "-qam", "annotation removed"]);
    refused(
        &d,
        &["doc", "export", &first, "--dir", "../again"],
        "git history says it was exported as IT01234567897_00001.xml",
    );
    d.tkt(&["doc", "export", "--dir", "../again"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("{first} is not exported again")));
    d.git(&["rm", "-q", &format!("documents/invoice/2026/000/{second}.yaml")]);
    d.git(&["commit", "-qm", "deleted"]);
    let third = invoice(&d, "C-0001", "3");
    let xml = export(&d, &[&third]);
    assert!(xml[0].contains("<ProgressivoInvio>00003</ProgressivoInvio>"), "{}", xml[0]);
    // Only what the annotation records counts: a reason that names a file is only words
    // (found by a fiscal review: it stopped that document, and a name ending in _99999
    // stopped every export).
    let note = d
        .ok(&["doc", "credit", &third, "--amount", "10", "--reason", "Rettifica di IT01234567897_99999.xml"])
        .trim()
        .to_string();
    let xml = export(&d, &[&note]);
    assert!(xml[0].contains("<ProgressivoInvio>00004</ProgressivoInvio>"), "{}", xml[0]);
}

/// The bollo is due on a credit note of more than 77.47 without VAT, as on the invoice it
/// credits (found by a fiscal review: only the invoice declared it).
#[test]
fn a_credit_note_without_vat_declares_its_bollo() {
    let d = einvoice_desk();
    d.write("tkt.toml", &d.read("tkt.toml").replace("[company]\n", "[company]\nregime_fiscale = \"RF19\"\n"));
    d.git(&["commit", "-qam", "forfettario"]);
    let id = invoice(&d, "C-0001", "2");
    let note = d.ok(&["doc", "credit", &id, "--reason", "Annullata"]).trim().to_string();
    let xml = export(&d, &[&id, &note]);
    validate(&d);
    assert!(xml[1].contains("<BolloVirtuale>SI</BolloVirtuale>"), "{}", xml[1]);
    assert_eq!(xml[1].matches("<Natura>N1</Natura>").count(), xml[0].matches("<Natura>N1</Natura>").count());
}

/// The duty charged back is no exempt operation: a credit note of 76.00 of exempt work and
/// of the 2.00 bollo line is under the threshold, as its invoice was before the duty (found
/// by a fiscal audit: it declared a bollo).
#[test]
fn a_credit_note_giving_back_the_bollo_line_counts_only_operations_toward_the_threshold() {
    let d = einvoice_desk();
    let rule = ["--vat-rate", "0", "--nature", "N4", "--vat-note", "Esente art. 10 c. 1 n. 22 DPR 633/72"];
    d.ok(&[&["item", "create", "CORSO", "--description", "Corso", "--price", "76.00"][..], &rule].concat());
    d.ok(&[&["item", "create", "TESSERA", "--description", "Tessera", "--price", "2.00"][..], &rule].concat());
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Corso"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1", "--material", "CORSO:1", "--material", "TESSERA:1"]);
    let inv = d.ok(&["ticket", "invoice", t.trim(), "--method", "contanti"]).trim().to_string();
    let shown: serde_json::Value = serde_json::from_str(&d.ok(&["doc", "show", &inv, "--format", "json"])).unwrap();
    assert_eq!(shown["stamp_duty"], "2.00", "{shown}");
    let lines = shown["lines"].as_array().unwrap();
    let at = |what: &str| 1 + lines.iter().position(|l| l["description"].as_str().unwrap().contains(what)).expect(what);
    let (corso, bollo) = (at("Corso").to_string(), at("bollo").to_string());
    let note = d.ok(&["doc", "credit", &inv, "--line", &corso, "--line", &bollo, "--reason", "corso annullato"]);
    let shown: serde_json::Value =
        serde_json::from_str(&d.ok(&["doc", "show", note.trim(), "--format", "json"])).unwrap();
    assert!(shown["stamp_duty"].is_null(), "{shown}");
}

/// Reverse charge covers work on a building's systems; goods a DDT sold on their own bear
/// VAT (found by a fiscal review: a bare sale got N6.7).
#[test]
fn reverse_charge_covers_the_work_and_not_the_goods_sold() {
    let d = einvoice_desk();
    let edil = customer(&d, "Edil Srl", &["--vat-number", "04981235676", "--reverse-charge", "true"]);
    let t = d.ok(&["ticket", "create", "--customer", &edil, "--title", "Impianto"]);
    let t = t.trim();
    d.ok(&["ticket", "work", t, "--hours", "2"]);
    d.ok(&["ticket", "ship", t, "--purpose", "sale", "--line", "PART:1"]);
    let id = d.ok(&["ticket", "invoice", t, "--method", "bonifico bancario"]).trim().to_string();
    let xml = export(&d, &[&id]);
    validate(&d);
    let lines: Vec<&str> =
        xml[0].split("<DettaglioLinee>").skip(1).map(|l| l.split("</DettaglioLinee>").next().unwrap()).collect();
    assert_eq!(lines.len(), 2, "{}", xml[0]);
    assert!(lines[0].contains("<Natura>N6.7</Natura>"), "the work: {}", lines[0]);
    assert!(
        lines[1].contains("<AliquotaIVA>22.00</AliquotaIVA>") && !lines[1].contains("<Natura>"),
        "the part: {}",
        lines[1]
    );
}

/// More of what SDI refuses, caught first (found by a fiscal review): a foreign VAT number
/// written with its country goes without it in IdCodice; a credit note's long reason is
/// sent whole, in repeated Causale; a payment is not dated before its invoice nor after
/// today.
#[test]
fn foreign_vat_numbers_long_reasons_and_payment_dates() {
    let d = einvoice_desk();
    let de = customer(&d, "Gmbh", &["--vat-number", "DE123456789", "--country", "DE"]);
    let id = invoice(&d, &de, "1");
    // The print says the buyer's country (found by a fiscal review: a buyer in Berlin read
    // as one in Italy).
    for format in ["text", "html"] {
        let print = d.ok(&["doc", "print", &id, "--format", format]);
        assert!(print.contains(", DE"), "{format}: {print}");
    }
    // Italy written in small letters is no country abroad (a review).
    let it = customer(&d, "Ditta Italiana", &["--vat-number", "01129473656", "--country", "it"]);
    let local = invoice(&d, &it, "1");
    let print = d.ok(&["doc", "print", &local]);
    assert!(!print.contains(", it") && !print.contains(", IT"), "{print}");
    let reason = "Reso parziale concordato. ".repeat(18);
    let note = d.ok(&["doc", "credit", &id, "--reason", &reason, "--amount", "10.00"]).trim().to_string();
    let xml = export(&d, &[&id, &note]);
    validate(&d);
    assert!(
        xml[0].contains("<IdPaese>DE</IdPaese>\n") && xml[0].contains("<IdCodice>123456789</IdCodice>"),
        "{}",
        xml[0]
    );
    assert_eq!(xml[1].matches("<Causale>").count(), 3, "{}", xml[1]);

    refused(&d, &["doc", "pay", &id, "--amount", "10.00", "--date", "2026-01-02"], "may not precede");
    refused(&d, &["doc", "pay", &id, "--amount", "10.00", "--date", "2027-01-02"], "after today");
}

/// A reduced rate's wording is the e-invoice's RiferimentoNormativo, 100 characters at
/// most: a longer one is refused when an invoice would use it, naming the key, rather than
/// cut off before its citation of the law (found by a fiscal review).
#[test]
fn a_reduced_rate_wording_longer_than_an_einvoice_holds_is_refused() {
    let d = einvoice_desk();
    let note = format!(
        "IVA agevolata per interventi di manutenzione ordinaria e straordinaria {}",
        "su edifici abitativi, ".repeat(2)
    ) + "art. 7 L. 488/1999";
    d.write(
        "tkt.toml",
        &(d.read("tkt.toml") + &format!("\n[billing.reduced_rates.home]\nrate = 10\nnote = \"{note}\"\n")),
    );
    d.git(&["commit", "-qam", "home rate"]);
    let c = customer(&d, "Mario Bianchi", &["--tax-code", "RSSMRA80A01H501U", "--vat-rate", "home"]);
    let t = d.ok(&["ticket", "create", "--customer", &c, "--title", "Lavoro"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "billing.reduced_rates.home.note");
}

/// An operation without VAT the business declares — services to a business established
/// abroad are outside the scope of Italian VAT (art. 7-ter DPR 633/72) — carries its natura
/// into the invoice and the e-invoice; goods sent to a business in another EU country bear
/// no bollo (art. 66 DL 331/93), services outside the scope do (found by a fiscal review:
/// a German customer's repair was charged Italian VAT, and no rule could say otherwise).
#[test]
fn an_operation_without_vat_the_business_declares_carries_its_natura() {
    let d = einvoice_desk();
    let config = d.read("tkt.toml");
    let rule = |nature: &str, rate: &str| {
        format!("\n[billing.reduced_rates.ue]\nrate = {rate}\n{nature}note = \"Operazione non soggetta IVA, art. 7-ter DPR 633/72\"\n")
    };
    // Rate 0 without its natura, a natura SDI no longer takes, a natura at 22%: tkt.toml is refused.
    for (bad, says) in [
        (rule("", "0"), "billing.reduced_rates.ue: a rate of 0 needs its `nature`"),
        (rule("nature = \"N2\"\n", "0"), "billing.reduced_rates.ue.nature: \"N2\" is not a natura"),
        (rule("nature = \"N2.1\"\n", "22"), "a natura goes only with rate = 0"),
    ] {
        d.write("tkt.toml", &(config.clone() + &bad));
        d.tkt(&["ticket", "list"]).assert().code(4).stderr(predicate::str::contains(says));
    }
    d.write("tkt.toml", &(config.clone() + &rule("nature = \"N2.1\"\n", "0")));
    d.git(&["commit", "-qam", "art. 7-ter"]);
    let de = customer(&d, "Maschinenbau GmbH", &["--vat-number", "DE123456789", "--country", "DE", "--vat-rate", "ue"]);
    let id = invoice(&d, &de, "2");
    let inv: serde_json::Value = serde_json::from_str(&d.ok(&["doc", "show", &id, "--format", "json"])).unwrap();
    assert_eq!(inv["lines"][0]["vat_nature"], "N2.1", "{inv}");
    assert_eq!(inv["stamp_duty"], "2.00", "90.00 outside the scope of VAT bears the bollo");
    assert_eq!(inv["totals"]["total"], "92.00");
    let xml = export(&d, &[&id]);
    validate(&d);
    assert!(xml[0].contains("<Natura>N2.1</Natura>"), "{}", xml[0]);
    assert!(xml[0]
        .contains("<RiferimentoNormativo>Operazione non soggetta IVA, art. 7-ter DPR 633/72</RiferimentoNormativo>"));

    // Goods sent to a business in another EU country are non imponibili (N3.2) beside the
    // services (N2.1), and bear no bollo (found by a review of this rule: the goods were
    // charged 22% and the work N3.2).
    let both = rule(
        "nature = \"N2.1\"\ngoods_nature = \"N3.2\"\ngoods_note = \"Cessione intracomunitaria non imponibile, art. 41 DL 331/93\"\n",
        "0",
    );
    d.write("tkt.toml", &(config + &both));
    d.git(&["commit", "-qam", "art. 41"]);
    d.ok(&["item", "create", "PEZZO", "--description", "Scheda", "--price", "200.00", "--vat-rate", "22"]);
    let t = d.ok(&["ticket", "create", "--customer", &de, "--title", "Ricambio"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    d.ok(&["ticket", "ship", t.trim(), "--purpose", "sale", "--line", "PEZZO:1"]);
    let id = d.ok(&["ticket", "invoice", t.trim()]).trim().to_string();
    let inv: serde_json::Value = serde_json::from_str(&d.ok(&["doc", "show", &id, "--format", "json"])).unwrap();
    let natures: Vec<&str> = inv["lines"].as_array().unwrap().iter().filter_map(|l| l["vat_nature"].as_str()).collect();
    assert_eq!(natures, ["N2.1", "N3.2"], "{inv}");
    assert_eq!(inv["totals"]["total"], "245.00");
    assert!(inv["stamp_duty"].is_null(), "45.00 of services, the goods excluded: {inv}");
    export(&d, &[&id]);
    validate(&d);
}

/// A forfettario seller's work for a business established in another EU country is
/// outside the scope of Italian VAT as anyone's (art. 7-ter: N2.1, not the regime's N2.2),
/// its goods are the regime's; a rule with a rate is not the regime's, whose lines bear no
/// VAT (found by a fiscal review: the customer's N2.1 rule was dropped without a word).
#[test]
fn a_forfettario_sellers_work_outside_the_scope_of_vat_carries_the_rules_natura() {
    let d = einvoice_desk();
    let config = d.read("tkt.toml").replace("[company]\n", "[company]\nregime_fiscale = \"RF19\"\n");
    d.write(
        "tkt.toml",
        &(config
            + "\n[billing.reduced_rates.ue]\nrate = 0\nnature = \"N2.1\"\nnote = \"Operazione non soggetta, art. 7-ter DPR 633/72\"\n"
            + "goods_nature = \"N3.2\"\ngoods_note = \"Cessione intracomunitaria non imponibile, art. 41 DL 331/93\"\n"
            + "\n[billing.reduced_rates.home]\nrate = 10\nnote = \"Manutenzione ordinaria, n. 127-duodecies tab. A/III DPR 633/72\"\n"),
    );
    d.git(&["commit", "-qam", "forfettario, with rules"]);
    d.ok(&["item", "create", "PEZZO", "--description", "Scheda", "--price", "200.00", "--vat-rate", "22"]);
    let de = customer(&d, "Maschinenbau GmbH", &["--vat-number", "DE123456789", "--country", "DE", "--vat-rate", "ue"]);
    let t = d.ok(&["ticket", "create", "--customer", &de, "--title", "Ricambio"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "2"]);
    d.ok(&["ticket", "ship", t.trim(), "--purpose", "sale", "--line", "PEZZO:1"]);
    let id = d.ok(&["ticket", "invoice", t.trim()]).trim().to_string();
    let inv: serde_json::Value = serde_json::from_str(&d.ok(&["doc", "show", &id, "--format", "json"])).unwrap();
    let natures: Vec<&str> = inv["lines"].as_array().unwrap().iter().filter_map(|l| l["vat_nature"].as_str()).collect();
    // A forfettario's goods to a business in the EU are no intra-EU supply (art. 41 c. 2-bis
    // DL 331/93), whatever the rule says of others' (found by a review).
    assert_eq!(natures, ["N2.1", "N2.2", "N1"], "the work by the rule, the goods as the regime's, the bollo: {inv}");
    let xml = export(&d, &[&id]);
    validate(&d);
    assert!(xml[0].contains("<Natura>N2.1</Natura>") && xml[0].contains("art. 7-ter DPR 633/72"), "{}", xml[0]);

    let home = customer(&d, "Mario Bianchi", &["--tax-code", "RSSMRA80A01H501U", "--vat-rate", "home"]);
    let id = invoice(&d, &home, "1");
    let inv: serde_json::Value = serde_json::from_str(&d.ok(&["doc", "show", &id, "--format", "json"])).unwrap();
    assert_eq!(inv["lines"][0]["vat_nature"], "N2.2", "a rate is not the forfettario's: {inv}");
    assert_eq!(inv["totals"]["total"], "45.00", "no VAT on the hour: {inv}");
}

/// SDI writes only by PEC, in a provider's envelope: a plain message that says it is from
/// SDI is anyone's, and its "receipt" changes no e-invoice (found by a real-mail review: a
/// plain mail from sdi01@pec.fatturapa.it marked an invoice rejected). Providers write
/// `daticert.xml` with its DOCTYPE, which is read (every PEC above carries one).
#[test]
fn a_receipt_outside_a_pec_envelope_changes_nothing() {
    use base64::Engine;
    let d = einvoice_desk();
    let id = invoice(&d, "C-0001", "1");
    export(&d, &[&id]);
    let ns = receipt_xml("NotificaScarto", "IT01234567897_00001.xml", NS_BODY);
    let plain = format!(
        "From: sdi01@pec.fatturapa.it\r\nTo: fatture@pec.example.it\r\nSubject: Notifica di scarto\r\n\
         Message-ID: <forged-ns@pec.fatturapa.it>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nScarto.\r\n\
         --b\r\nContent-Type: application/xml; name=\"IT01234567897_00001_NS_001.xml\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        base64::engine::general_purpose::STANDARD.encode(&ns)
    );
    let path = d.tmp.path().join("plain.eml");
    std::fs::write(&path, plain).unwrap();
    let out = d.ok(&["import", "email", path.to_str().unwrap()]);
    assert!(out.trim().starts_with("R-2026-"), "a message for a person: {out}");
    let show = d.ok(&["doc", "show", &id]);
    assert!(show.contains("exported") && !show.contains("rejected"), "{show}");
}

/// An exported file lost before it was sent (deleted, the folder cleaned) is written again,
/// the same file, when its document is exported again; one sent is not (found by a fiscal
/// review: the invoice could never reach SDI, its number taken).
#[test]
fn a_lost_export_never_sent_is_written_again_the_same_file() {
    let d = TestDesk::example();
    let file = d.ok(&["doc", "export", "INV-2026-0003", "--dir", "../out"]);
    let bytes = std::fs::read(file.trim()).unwrap();
    let head = d.head();
    std::fs::remove_file(file.trim()).unwrap();
    d.tkt(&["doc", "export", "INV-2026-0003", "--dir", "../out"])
        .assert()
        .success()
        .stdout(file.clone())
        .stderr(predicate::str::contains("was gone and never sent: written again"));
    assert_eq!(std::fs::read(file.trim()).unwrap(), bytes, "the same file");
    assert_eq!(d.head(), head, "its annotation unchanged");
    // There, it is not exported twice; sent, it is not written again.
    refused(&d, &["doc", "export", "INV-2026-0003", "--dir", "../out"], "already exported");
    let inv = "documents/invoice/2026/000/INV-2026-0003.yaml";
    let name = std::path::Path::new(file.trim()).file_name().unwrap().to_str().unwrap().to_string();
    d.write(inv, &format!("{}  sent:\n  - file: {name}\n    at: '2026-11-27T10:00:00+01:00'\n", d.read(inv)));
    d.git(&["commit", "-qam", "inviata"]);
    std::fs::remove_file(file.trim()).unwrap();
    refused(&d, &["doc", "export", "INV-2026-0003", "--dir", "../out"], "already exported");
}

/// What SDI would still reject, refused at issue or written as SDI takes it (found by a
/// fiscal review): a unit of measure outside Basic Latin, a seller e-mail without a dot
/// in its domain, a buyer in Italy with an invalid C.F. beside a valid P.IVA or with a
/// foreign P.IVA, an invoice to oneself (00471), a rate written as a fraction (00424), and
/// the PEC a buyer is reached at (00426: only with 0000000, never abroad).
#[test]
fn what_sdi_rejects_in_units_addresses_ids_and_rates_is_refused_or_written_as_it_takes_it() {
    let d = einvoice_desk();
    d.ok(&["item", "create", "TUBO", "--description", "Tubo", "--unit", "m²", "--price", "5", "--vat-rate", "22"]);
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Tubi"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1", "--material", "TUBO:2"]);
    let id = d.ok(&["ticket", "invoice", t.trim()]).trim().to_string();
    let xml = export(&d, &[&id]);
    assert!(xml[0].contains("<UnitaMisura>m2</UnitaMisura>"), "{}", xml[0]);
    validate(&d);
    refused(&d, &["item", "create", "F", "--description", "F", "--vat-rate", "0.22"], "is a percentage: 22, not 0.22");

    let config = d.read("tkt.toml");
    d.write("tkt.toml", &config.replace("[company]\n", "[company]\nemail = \"info@verdi\"\n"));
    d.git(&["commit", "-qam", "email"]);
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "x"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    refused(&d, &["ticket", "invoice", t.trim()], "seller.email");
    d.write("tkt.toml", &config);
    d.git(&["commit", "-qam", "email"]);

    let bad_cf = customer(&d, "Beta", &["--vat-number", "11111111115"]);
    let file = format!("customers/{bad_cf}.yaml");
    let text = regex::Regex::new(r"(?m)^tax_code:.*\n").unwrap().replace(&d.read(&file), "").to_string();
    d.write(&file, &(text + "tax_code: RSSMRA85T10A562X\n"));
    d.git(&["commit", "-qam", "cf"]);
    // A customer in Italy has an Italian Partita IVA: refused already where it is made.
    refused(
        &d,
        &["customer", "create", "--name", "Deutsch", "--city", "Torino", "--vat-number", "DE987654321"],
        "\"DE987654321\" is not an Italian Partita IVA",
    );
    let myself = customer(&d, "Noi stessi", &["--vat-number", "01234567897", "--allow-duplicate"]);
    for (who, says) in [
        (&bad_cf, "buyer.tax_code: not a valid Codice Fiscale"),
        (&myself, "an invoice to oneself is refused (SDI 00471)"),
    ] {
        let t = d.ok(&["ticket", "create", "--customer", who, "--title", "x"]);
        d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
        refused(&d, &["ticket", "invoice", t.trim()], says);
    }

    let abroad = customer(&d, "Alpen AG", &["--vat-number", "ATU12345678", "--country", "AT", "--pec", "alpen@pec.it"]);
    let by_pec = customer(
        &d,
        "Gamma",
        &["--vat-number", "02345678904", "--sdi-code", "0000000", "--pec", "gamma@pec.it", "--allow-duplicate"],
    );
    let (abroad, by_pec) = (invoice(&d, &abroad, "1"), invoice(&d, &by_pec, "1"));
    let xml = export(&d, &[&abroad, &by_pec]);
    assert!(
        xml[0].contains("<CodiceDestinatario>XXXXXXX</CodiceDestinatario>") && !xml[0].contains("PECDestinatario"),
        "{}",
        xml[0]
    );
    assert!(xml[1].contains("<PECDestinatario>gamma@pec.it</PECDestinatario>"), "{}", xml[1]);
    validate(&d);
}

/// The file sent is the file exported: one changed since (a price edited in the XML) is
/// not sent (found by a fiscal review: only its number and progressivo were compared).
#[test]
fn an_exported_file_changed_since_is_not_the_einvoice() {
    let d = TestDesk::example();
    let file = d.ok(&["doc", "export", "INV-2026-0003", "--dir", "../out"]);
    let xml = std::fs::read_to_string(file.trim()).unwrap();
    let changed = regex::Regex::new(r"<PrezzoUnitario>[0-9.]+</PrezzoUnitario>")
        .unwrap()
        .replace(&xml, "<PrezzoUnitario>1.00</PrezzoUnitario>");
    std::fs::write(file.trim(), changed.as_bytes()).unwrap();
    refused(&d, &["doc", "send", "INV-2026-0003", "--dir", "../out"], "changed since it was exported");
    // Nor shown as what the customer receives without a word (found by a fiscal audit).
    let shown = d.tkt(&["doc", "print", "INV-2026-0003", "--from-xml", "../out"]).assert().success();
    let said = String::from_utf8_lossy(&shown.get_output().stderr).to_string();
    assert!(
        said.contains("changed since it was exported") && said.contains("not what the customer received"),
        "{said}"
    );
    // Nor sent once the annotation's hash is made the changed file's and committed; nor
    // exported again once its `file:` is taken away (found by a fiscal audit: the edited
    // file was sent; a second file of one number was written).
    let record = "documents/invoice/2026/000/INV-2026-0003.yaml";
    let exported = d.read(record);
    let hash = regex::Regex::new(r"hash: ([0-9a-f]{40})").unwrap().captures(&exported).unwrap()[1].to_string();
    let edited_hash = d.git(&["hash-object", file.trim()]);
    d.write(record, &exported.replace(&hash, edited_hash.trim()));
    d.git(&["commit", "-qam", "hash"]);
    refused(&d, &["doc", "send", "INV-2026-0003", "--dir", "../out"], "is not the one its export");
    let shown = d.tkt(&["doc", "print", "INV-2026-0003", "--from-xml", "../out"]).assert().success();
    assert!(String::from_utf8_lossy(&shown.get_output().stderr).contains("is not the one its export"));
    let without_file: String =
        exported.lines().filter(|l| !l.trim_start().starts_with("file:")).map(|l| format!("{l}\n")).collect();
    assert_ne!(without_file, exported);
    d.write(record, &without_file);
    d.git(&["commit", "-qam", "file"]);
    refused(&d, &["doc", "export", "INV-2026-0003", "--dir", "../out2"], "git history says it was exported as");
    assert!(!d.dir.join("../out2").exists() || std::fs::read_dir(d.dir.join("../out2")).unwrap().next().is_none());
}

/// Found by a fiscal audit: an invoice issued under the default regime (RF01, none in
/// tkt.toml) and exported after the company moved to another said the new one beside its
/// 22% VAT. The regime in force is kept with the seller at issue.
#[test]
fn an_invoice_says_the_regime_it_was_issued_under_after_the_company_changes_it() {
    let d = TestDesk::example();
    let id = invoice(&d, "C-0001", "1");
    assert!(d.read(&format!("documents/invoice/2026/000/{id}.yaml")).contains("regime_fiscale: RF01"));
    d.write("tkt.toml", &d.read("tkt.toml").replacen("[company]\n", "[company]\nregime_fiscale = \"RF19\"\n", 1));
    d.git(&["commit", "-qam", "forfettario from now on"]);
    let xml = export(&d, &[&id]);
    assert!(xml[0].contains("<RegimeFiscale>RF01</RegimeFiscale>"), "{}", xml[0]);
}

/// Found by a fiscal attack: a method written by hand was read by pieces of words, so
/// `bonifico postale` went as a card payment (`pos`) with no IBAN, `contrassegno` as a
/// cheque, and a method no ModalitaPagamento names as a bank transfer, unsaid.
#[test]
fn a_payment_method_in_words_goes_as_the_modality_it_names_or_is_refused() {
    let d = einvoice_desk();
    let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Intervento"]);
    d.ok(&["ticket", "work", t.trim(), "--hours", "1"]);
    let head = d.head();
    refused(&d, &["ticket", "invoice", t.trim(), "--method", "alla consegna"], "no ModalitaPagamento");
    assert_eq!(d.head(), head);
    let id = d.ok(&["ticket", "invoice", t.trim(), "--method", "bonifico postale"]);
    let xml = export(&d, &[id.trim()]).remove(0);
    assert!(xml.contains("<ModalitaPagamento>MP05</ModalitaPagamento>"), "{xml}");
    assert!(xml.contains("<IBAN>IT60X0542811101000000123456</IBAN>"), "{xml}");
}

/// Found by an SDI attack: a document whose `sent` list names another file of it (two
/// clones' offline exports merged) was mailed again under its current file; SDI had it.
#[test]
fn a_document_sdi_has_under_another_file_is_not_sent_again() {
    let d = einvoice_desk();
    let sink = Sink::start(Mode::Starttls, Some("segreta"));
    with_pec(&d, &sink, sink.port);
    let id = invoice(&d, "C-0001", "1");
    export(&d, &[&id]);
    let path = format!("documents/invoice/2026/000/{id}.yaml");
    let sent = "  sent:\n  - file: IT01234567897_BR001.xml\n    at: '2026-11-27T08:00:00+01:00'\n";
    d.write(&path, &format!("{}{sent}", d.read(&path)));
    d.git(&["commit", "-qam", "inviata da un altro clone"]);
    refused(&d, &["doc", "send", &id, "--dir", "../out"], "IT01234567897_BR001.xml of it went to SDI already");
    assert!(sink.received().is_empty());
    // Its receipt finds it.
    let rc = receipt(&d, "RicevutaConsegna", "IT01234567897_BR001.xml", "");
    assert_eq!(d.ok(&["import", "sdi", &rc]), format!("{id}\n"));
}
