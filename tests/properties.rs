//! Property tests on stable Rust: what tkt writes it reads back unchanged, whatever the text
//! in the fields; and no bytes, as a record file or as an e-mail, make it panic. The same
//! readers are fuzzed for longer by the cargo-fuzz targets in `fuzz/` (see the README).

use std::path::Path;

use proptest::prelude::*;
use rust_decimal::Decimal;
use tkt::desk::{decode_text, parse_record, to_yaml};
use tkt::intake::{find_tags, parse_mail, safe_file_name, strip_quoted};
use tkt::model::{Customer, Document, Money, Ticket};

const TICKET: &str = include_str!("../data-example/tickets/2026/000/T-2026-0005.yaml");
const INVOICE: &str = include_str!("../data-example/documents/invoice/2026/000/INV-2026-0001.yaml");

fn shown() -> &'static Path {
    Path::new("tickets/2026/000/T-2026-0005.yaml")
}

/// Text as people and mail clients produce it: any Unicode, and the characters that mean
/// something to YAML, at any place.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-:#&*!|>'\"%@` \t\r\n{}\\[\\],?a-zàèé€0-9]{0,40}",
        Just("null".to_string()),
        Just("~".to_string()),
        Just("yes".to_string()),
        Just("0x10".to_string()),
        Just("1e3".to_string()),
        Just("- item".to_string()),
        Just("---".to_string()),
        Just("...".to_string()),
        Just(" leading and trailing ".to_string()),
    ]
}

/// Inputs the fuzzers found slow or crashing, replayed on every run: each is read or
/// refused, quickly.
#[test]
fn what_the_fuzzers_found_stays_fixed() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions"));
    let files = |target: &str| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir.join(target)).unwrap().map(|e| e.unwrap().path()).collect()
    };
    let records = files("record_reader");
    assert!(!records.is_empty());
    for path in records {
        let start = std::time::Instant::now();
        if let Ok(text) = decode_text(std::fs::read(&path).unwrap(), shown()) {
            // Whatever is accepted can be written back and reads the same.
            fn round_trip<T: tkt::model::Record + std::fmt::Debug>(text: &str) {
                if let Ok(record) = parse_record::<T>(text, shown()) {
                    let again: T = parse_record(&to_yaml(&record).unwrap(), shown()).unwrap();
                    assert_eq!(again, record);
                }
            }
            round_trip::<Ticket>(&text);
            round_trip::<Document>(&text);
            round_trip::<Customer>(&text);
        }
        assert!(start.elapsed().as_millis() < 250, "{}: {:?}", path.display(), start.elapsed());
    }
    for path in files("email_import") {
        let start = std::time::Instant::now();
        let _ = parse_mail(&std::fs::read(&path).unwrap(), |b| format!("{:x}", b.len()));
        assert!(start.elapsed().as_millis() < 250, "{}: {:?}", path.display(), start.elapsed());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_ticket_reads_back_as_it_was_written(title in text(), problem in proptest::option::of(text()),
                                             note in text(), assignee in proptest::option::of(text())) {
        let mut ticket: Ticket = parse_record(TICKET, shown()).unwrap();
        ticket.title = title;
        ticket.problem = problem;
        ticket.assignee = assignee;
        ticket.notes[0].text = note;
        let yaml = to_yaml(&ticket).unwrap();
        let back: Ticket = parse_record(&yaml, shown()).unwrap();
        prop_assert_eq!(back, ticket);
    }

    #[test]
    fn an_invoice_keeps_every_cent_and_every_description(cents in 0i64..100_000_000_000, qty_hundredths in 1i64..1_000_000,
                                                         description in text()) {
        let mut invoice: Document = parse_record(INVOICE, shown()).unwrap();
        invoice.lines[0].unit_price = Some(Money::try_from(Decimal::new(cents, 2)).unwrap());
        invoice.lines[0].qty = tkt::model::Rate::try_from(Decimal::new(qty_hundredths, 2)).unwrap();
        invoice.lines[0].description = description;
        let yaml = to_yaml(&invoice).unwrap();
        let back: Document = parse_record(&yaml, shown()).unwrap();
        prop_assert_eq!(back, invoice);
    }

    #[test]
    fn any_bytes_as_a_record_file_are_read_or_refused_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(text) = decode_text(bytes, shown()) {
            let _ = parse_record::<Ticket>(&text, shown());
            let _ = parse_record::<Document>(&text, shown());
            let _ = parse_record::<Customer>(&text, shown());
        }
    }

    #[test]
    fn yaml_like_text_is_read_or_refused_never_a_panic(text in "([a-z_]{1,8}: [-\\[\\]{}:,&*!|>'\"0-9a-z. ]{0,12}\n){0,12}") {
        if let Ok(ticket) = parse_record::<Ticket>(&text, shown()) {
            // Whatever was accepted is written back and read again unchanged.
            let again: Ticket = parse_record(&to_yaml(&ticket).unwrap(), shown()).unwrap();
            prop_assert_eq!(again, ticket);
        }
    }

    #[test]
    fn any_bytes_as_an_email_are_imported_or_refused_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(mail) = parse_mail(&bytes, |b| format!("{:x}", b.len())) {
            prop_assert!(!mail.subject.contains(['\r', '\n']));
            let _ = find_tags(&mail.subject);
            let _ = strip_quoted(&mail.text);
            for a in &mail.attachments {
                let name = safe_file_name(&a.name);
                prop_assert!(!name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']));
            }
        }
    }

    #[test]
    fn mail_shaped_bytes_are_imported_or_refused_never_a_panic(subject in text(), body in text(), name in text(),
                                                                boundary in "[a-zA-Z0-9'()+_,./:=?-]{1,20}") {
        let raw = format!(
            "From: {name} <a@b.it>\r\nSubject: {subject}\r\nMessage-ID: <{boundary}@x>\r\n\
             Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--{boundary}\r\n\
             Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{body}\r\n--{boundary}--\r\n"
        );
        if let Ok(mail) = parse_mail(raw.as_bytes(), |b| format!("{:x}", b.len())) {
            prop_assert!(!mail.subject.contains(['\r', '\n']));
            for a in &mail.attachments {
                let name = safe_file_name(&a.name);
                prop_assert!(!name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']));
            }
        }
    }
}
