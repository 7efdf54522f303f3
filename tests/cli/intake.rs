//! Requests, e-mail, maildir and the support form, on the example desk and the mail corpus
//! in tests/intake/mail (messages as Gmail, Outlook and Apple Mail send them).

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::TestDesk;

fn mail(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/intake/mail").join(name)
}

fn import(d: &TestDesk, name: &str) -> String {
    d.ok(&["import", "email", mail(name).to_str().unwrap()]).trim().to_string()
}

fn request(d: &TestDesk, id: &str) -> serde_json::Value {
    serde_json::from_str(&d.ok(&["request", "show", id, "--format", "json"])).unwrap()
}

/// Found by an intake attack: an empty plain text beside the customer's HTML, then a
/// gateway's disclaimer part — the request kept only the disclaimer, and no serial.
#[test]
fn an_empty_plain_text_gives_way_to_its_html_alternative_whatever_follows_it() {
    let d = TestDesk::example();
    let id = import(&d, "empty_plain_beside_html_then_disclaimer.eml");
    let r = request(&d, &id);
    let body = r["body"].as_str().unwrap();
    assert!(body.starts_with("Lo split AC12M01544 è fermo da ieri sera, codice errore F28."), "{body}");
    assert!(body.ends_with("(disclaimer aziendale)."), "{body}");
    assert_eq!(r["serial"], "AC12M01544");
}

/// A message forwarding `inner` as an attachment, with a text of its own or none.
fn forward(subject: &str, text: Option<&str>, inner: &str) -> String {
    // Each level its own boundary.
    let b = format!("F{}", inner.len());
    let own =
        text.map(|t| format!("--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{t}\r\n")).unwrap_or_default();
    format!(
        "From: Amministrazione <amm@condominio.example>\r\nSubject: {subject}\r\nMessage-ID: <{b}@x.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n{own}--{b}\r\n\
         Content-Type: message/rfc822\r\n\r\n{inner}\r\n--{b}--\r\n"
    )
}

/// Found by an intake attack: a forward of a forward (tenant, porter, administrator) gave
/// a request with no text and no serial; and a forwarded message was named after what
/// follows the last `/` of its subject (two quotes stored as `B.eml` and `B-2.eml`).
#[test]
fn a_forward_of_a_forward_reads_as_the_first_message_and_keeps_its_subject_as_its_name() {
    let d = TestDesk::example();
    let tenant = "From: Inquilino <inq@mail.example>\r\nSubject: Split fermo\r\nMessage-ID: <t@mail.example>\r\n\r\n\
                  Lo split AC12M01544 non parte.\r\n";
    let porter = forward("Fwd: Split fermo", None, tenant);
    let admin = forward("Fwd: Fwd: Split fermo scala 1/B", None, &porter);
    let file = d.tmp.path().join("admin.eml");
    std::fs::write(&file, admin).unwrap();
    let id = d.ok(&["import", "email", file.to_str().unwrap()]).trim().to_string();
    let r = request(&d, &id);
    let body = r["body"].as_str().unwrap();
    assert!(body.contains("Lo split AC12M01544 non parte."), "{body}");
    assert_eq!(r["serial"], "AC12M01544");
    let quotes = forward(
        "Due preventivi",
        Some("In allegato."),
        &forward("Preventivo n. 45/2026 sala 1/B", Some("Preventivo"), "Subject: x\r\n\r\ny\r\n"),
    );
    let file = d.tmp.path().join("quotes.eml");
    std::fs::write(&file, quotes).unwrap();
    let id = d.ok(&["import", "email", file.to_str().unwrap()]).trim().to_string();
    let stored = request(&d, &id)["attachments"].to_string();
    assert!(stored.contains("Preventivo n. 45-2026 sala 1-B.eml"), "{stored}");
    // A signature or a line of the forwarder's own is followed by what it forwards (found by
    // a mail attack: Outlook signs forwards, and the request read only the signature).
    let signed = forward("Fwd: Split fermo", Some("-- \r\nStudio Amministrazioni Rossi"), tenant);
    let file = d.tmp.path().join("signed.eml");
    std::fs::write(&file, signed).unwrap();
    let id = d.ok(&["import", "email", file.to_str().unwrap()]).trim().to_string();
    let r = request(&d, &id);
    let body = r["body"].as_str().unwrap();
    assert!(body.contains("Studio Amministrazioni Rossi") && body.contains("Lo split AC12M01544 non parte."), "{body}");
    assert_eq!(r["serial"], "AC12M01544");
    // Found by a mail attack: five deep, nothing was read; of two forwarded, only the first;
    // and a forward sent to a ticket kept only the forwarder's line in its note.
    let deep = (0..5).fold(tenant.to_string(), |inner, _| forward("Fwd: Split fermo", None, &inner));
    let file = d.tmp.path().join("deep.eml");
    std::fs::write(&file, deep).unwrap();
    let id = d.ok(&["import", "email", file.to_str().unwrap()]).trim().to_string();
    assert!(request(&d, &id)["body"].as_str().unwrap().contains("Lo split AC12M01544 non parte."));
    let report = "Subject: Relazione\r\n\r\nVaso di espansione scarico: 0,3 bar.\r\n";
    let b = "TWO";
    let two = format!(
        "From: Amministrazione <amm@condominio.example>\r\nSubject: Due messaggi\r\nMessage-ID: <two@x.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n--{b}\r\n\
         Content-Type: text/plain\r\n\r\nVi inoltro.\r\n--{b}\r\nContent-Type: message/rfc822\r\n\r\n{tenant}\r\n\
         --{b}\r\nContent-Type: message/rfc822\r\n\r\n{report}\r\n--{b}--\r\n"
    );
    let file = d.tmp.path().join("two.eml");
    std::fs::write(&file, two).unwrap();
    let id = d.ok(&["import", "email", file.to_str().unwrap()]).trim().to_string();
    let body = request(&d, &id)["body"].as_str().unwrap().to_string();
    assert!(body.contains("non parte.") && body.contains("Vaso di espansione scarico"), "{body}");
    let to_ticket = forward("I: [T-2026-0013] Relazione", Some("Vi inoltro la relazione."), report)
        .replace("Amministrazione <amm@condominio.example>", "Cliente <CUSTOMER>");
    let customer = d.ok(&["customer", "show", "C-0006", "--format", "json"]);
    let email = serde_json::from_str::<serde_json::Value>(&customer).unwrap()["email"].as_str().unwrap().to_string();
    let file = d.tmp.path().join("to-ticket.eml");
    std::fs::write(&file, to_ticket.replace("CUSTOMER", &email)).unwrap();
    assert_eq!(d.ok(&["import", "email", file.to_str().unwrap()]).trim(), "T-2026-0013");
    let ticket = d.read("tickets/2026/000/T-2026-0013.yaml");
    assert!(ticket.contains("Vaso di espansione scarico"), "{ticket}");
}

#[test]
fn a_gmail_message_becomes_a_request_of_the_right_customer_with_its_serial_and_photo() {
    let d = TestDesk::example();
    assert_eq!(import(&d, "gmail_new_request.eml"), "R-2026-0004");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["channel"], "email");
    assert_eq!(r["customer"], "C-0003", "matched by the sender's address");
    assert_eq!(r["subject"], "Caldaia non si accende più", "encoded-word subject decoded");
    assert_eq!(r["serial"], "CV24-104233", "a registered serial in the body is linked");
    assert_eq!(r["item"], "CALD-24K");
    assert!(r["body"].as_str().unwrap().contains("non si accende più e sul display"), "quoted-printable decoded");
    assert_eq!(r["message_id"], "CAJ8kR5tZ3x9Lp0m2Q@mail.gmail.com");
    assert_eq!(
        r["attachments"],
        serde_json::json!(["attachments/R-2026-0004/foto caldaia.jpg", "attachments/R-2026-0004/message.eml"]),
        "the message itself is kept beside the request"
    );
    assert_eq!(
        std::fs::read(d.path("attachments/R-2026-0004/message.eml")).unwrap(),
        std::fs::read(mail("gmail_new_request.eml")).unwrap()
    );
    assert!(std::fs::read(d.path("attachments/R-2026-0004/foto caldaia.jpg")).unwrap().starts_with(&[0xff, 0xd8]));
    assert_eq!(d.status(), "", "the attachment is committed with the request");

    let head = d.head();
    d.tkt(&["import", "email", mail("gmail_new_request.eml").to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("already imported into R-2026-0004; nothing changed"));
    assert_eq!(d.head(), head);
}

/// Found by a mail attack: of a boiler named in the subject and a split in the text, both
/// the customer's, the split was linked — its file came first by name — and warranty and
/// billing followed the wrong unit. The unit named first is linked.
#[test]
fn the_unit_a_message_names_first_is_linked() {
    let d = TestDesk::example();
    let file = d.tmp.path().join("two-units.eml");
    std::fs::write(
        &file,
        "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: Caldaia CV24-104233 in blocco\r\n\
         Message-ID: <two-units@example.com>\r\n\r\nLa caldaia segna E10. Lo split AC09H00456 invece va bene.\r\n",
    )
    .unwrap();
    let id = d.ok(&["import", "email", file.to_str().unwrap()]).trim().to_string();
    let r = request(&d, &id);
    assert_eq!(r["customer"], "C-0003");
    assert_eq!(r["serial"], "CV24-104233", "{r}");
}

/// Found by a mail attack: what a customer forwarded to a ticket — the plumber's findings,
/// the administrator's authorisation — was cut from the note as a quoted reply.
#[test]
fn a_forward_to_a_ticket_keeps_what_it_forwards() {
    let d = TestDesk::example();
    let gmail = "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: Fwd: [T-2026-0010] Caldaia\r\n\
                 Message-ID: <fwd1@mail.example>\r\n\r\nVi giro quanto mi ha scritto l'idraulico.\r\n\r\n\
                 ---------- Forwarded message ---------\r\nDa: Idraulico <info@idraulico.example>\r\n\
                 Date: ven 27 nov 2026 alle ore 18:00\r\nSubject: caldaia\r\n\r\n\
                 La sonda NTC va sostituita, codice ricambio 5701234.\r\n";
    let outlook = "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: I: [T-2026-0010] Caldaia\r\n\
                   Message-ID: <fwd2@mail.example>\r\n\r\nEcco la risposta dell'amministratore.\r\n\r\n\
                   ________________________________\r\nDa: Studio <studio@amministrazioni.example>\r\n\
                   Inviato: venerd\u{ec} 27 novembre 2026 18:00\r\nOggetto: caldaia\r\n\r\n\
                   Autorizzo la sostituzione, spesa massima 150 euro.\r\n";
    let reply = "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: R: [T-2026-0010] Caldaia\r\n\
                 Message-ID: <re1@mail.example>\r\n\r\nVa bene, grazie.\r\n\r\n\
                 ________________________________\r\nDa: Assistenza <assistenza@example.com>\r\n\
                 Inviato: venerd\u{ec} 27 novembre 2026 18:00\r\nOggetto: caldaia\r\n\r\nPassiamo luned\u{ec}.\r\n";
    // A reply whose quoted thread holds a forward is a reply (found by a review).
    let quoting = "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: R: [T-2026-0010] Caldaia\r\n\
                   Message-ID: <re2@mail.example>\r\n\r\nRicevuto.\r\n\r\n\
                   ________________________________\r\nDa: Assistenza <assistenza@example.com>\r\n\
                   Inviato: venerd\u{ec} 27 novembre 2026 18:00\r\nOggetto: caldaia\r\n\r\nVi giro:\r\n\
                   ---------- Forwarded message ---------\r\nDa: Idraulico <info@idraulico.example>\r\n\
                   Date: ven 27 nov 2026\r\n\r\nCodice del cancello 4321.\r\n";
    for (name, text) in [("gmail.eml", gmail), ("outlook.eml", outlook), ("reply.eml", reply), ("quoting.eml", quoting)]
    {
        let file = d.tmp.path().join(name);
        std::fs::write(&file, text).unwrap();
        d.ok(&["import", "email", file.to_str().unwrap()]);
    }
    let ticket: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0010", "--format", "json"])).unwrap();
    let notes: Vec<&str> = ticket["notes"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    let last = &notes[notes.len() - 4..];
    assert!(last[0].contains("codice ricambio 5701234"), "{last:?}");
    assert!(last[1].contains("spesa massima 150 euro"), "{last:?}");
    assert_eq!(last[2], "Va bene, grazie.", "a reply still loses what it quotes");
    assert_eq!(last[3], "Ricevuto.", "and so does one quoting a forward");
}

/// A customer's certified mail (PEC), as the provider delivers it: a signed envelope "Per
/// conto di" the sender, its `daticert.xml`, and the customer's own message attached as
/// `postacert.eml`. The request is the customer's message — sender, subject, text,
/// attachments — with the envelope kept whole (before, it was the provider's boilerplate
/// from an unknown sender, posta-certificata@pec.aruba.it).
#[test]
fn a_customers_certified_mail_is_read_as_the_message_it_carries() {
    let d = TestDesk::example();
    let pec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/intake/pec/customer_request.eml");
    assert_eq!(d.ok(&["import", "email", pec.to_str().unwrap()]).trim(), "R-2026-0004");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["customer"], "C-0002", "matched by the sender's PEC address");
    assert_eq!(r["contact"]["email"], "damario@pec.example");
    assert_eq!(r["subject"], "Guasto forno combinato - richiesta intervento urgente");
    assert!(r["body"].as_str().unwrap().contains("non si accende più da stamattina (errore E34)"), "{r}");
    assert!(!r["body"].as_str().unwrap().contains("Messaggio di posta certificata"), "{r}");
    assert_eq!(r["message_id"], "CAF3x9kz=Qm7@mail.damario.example");
    assert_eq!(
        r["attachments"],
        serde_json::json!(["attachments/R-2026-0004/display.png", "attachments/R-2026-0004/message.eml"])
    );
    assert_eq!(std::fs::read(d.path("attachments/R-2026-0004/message.eml")).unwrap(), std::fs::read(&pec).unwrap());
    assert!(r["warnings"].as_array().is_none_or(|w| w.is_empty()), "{r}");
    d.tkt(&["import", "email", pec.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("already imported into R-2026-0004"));
    // Anyone can attach a daticert.xml and a postacert.eml: an envelope not from a PEC
    // provider, or not "per conto di" the message's sender, is read as it is (found by a
    // real-mail review: a stranger's mail became the customer's note).
    let envelope = std::fs::read_to_string(&pec).unwrap();
    let from = "From: \"Per conto di: damario@pec.example\" <posta-certificata@pec.aruba.it>";
    for (n, forged) in [
        "From: evil@attacker.example",
        "From: \"Per conto di: evil@attacker.example\" <posta-certificata@pec.aruba.it>",
        // Another address at the same provider is another sender (found by a real-mail
        // review: the check was that one address contained the other).
        "From: \"Per conto di: xdamario@pec.example\" <posta-certificata@pec.aruba.it>",
    ]
    .into_iter()
    .enumerate()
    {
        let text = envelope.replace(from, forged).replace("CAF3x9kz=Qm7", &format!("forged{n}"));
        let path = d.tmp.path().join(format!("forged{n}.eml"));
        std::fs::write(&path, text).unwrap();
        let id = d.ok(&["import", "email", path.to_str().unwrap()]).trim().to_string();
        let r = request(&d, &id);
        assert_eq!(r["customer"], serde_json::Value::Null, "{forged}: {r}");
        assert!(r["subject"].as_str().unwrap().starts_with("POSTA CERTIFICATA:"), "{forged}: {r}");
    }
}

/// Found by a mail attack: a desk whose address is a Google Workspace group (a
/// collaborative inbox) had every message skipped as list mail, for the group's
/// `List-Id` and `Precedence: list`; another list's mail is still skipped.
#[test]
fn mail_through_the_desks_own_google_group_is_read_and_another_lists_is_not() {
    let d = TestDesk::example();
    let group = |id: &str, list: &str| {
        format!(
            "From: Luca Gatti <panificio.gatti@mail.example>\r\nTo: assistenza@termoclimabianchi.example\r\n\
             Subject: Re: [T-2026-0013] caldaia\r\nMessage-ID: <{id}@mail.example>\r\nPrecedence: list\r\n\
             Mailing-list: list {list}; contact owners\r\nList-ID: <{}>\r\n\r\nConfermo per giovedi alle 7.\r\n",
            list.replacen('@', ".", 1)
        )
    };
    let out = import_bytes(&d, &group("g1", "assistenza@termoclimabianchi.example"));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "T-2026-0013", "{out:?}");
    assert!(d.ok(&["ticket", "show", "T-2026-0013"]).contains("Confermo per giovedi alle 7."));
    let head = d.head();
    let out = import_bytes(&d, &group("g2", "idraulici@lists.example"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped: bulk mail (Precedence: list)"), "{out:?}");
    assert_eq!(d.head(), head);
    // The group writes its own address for a sender whose domain enforces DMARC, the sender
    // in X-Original-Sender: the customer's message is the customer's (found by a mail attack:
    // an unknown sender's request).
    let rewritten = group("g3", "assistenza@termoclimabianchi.example")
        .replace("Subject: Re: [T-2026-0013] caldaia", "Subject: Forno in blocco")
        .replace(
            "From: Luca Gatti <panificio.gatti@mail.example>",
            "From: \"'Luca Gatti' via Assistenza\" <assistenza@termoclimabianchi.example>\r\n\
             X-Original-Sender: panificio.gatti@mail.example",
        );
    let out = import_bytes(&d, &rewritten);
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let request = d.ok(&["request", "show", &id, "--format", "json"]);
    let request: serde_json::Value = serde_json::from_str(&request).unwrap();
    assert_eq!(request["customer"], "C-0006", "{request}");
    assert_eq!(request["contact"]["email"], "panificio.gatti@mail.example", "{request}");
    assert_eq!(request["contact"]["name"], "Luca Gatti", "{request}");
}

/// A provider's wrapper around `inner`: `daticert` of that type, or none (an anomaly).
fn pec_wrapper(subject: &str, daticert: Option<&str>, inner: &str) -> String {
    let daticert = daticert.map_or(String::new(), |tipo| {
        format!(
            "--P\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: attachment; \
             filename=\"daticert.xml\"\r\n\r\n<?xml version=\"1.0\"?><postacert tipo=\"{tipo}\" errore=\"nessuno\"></postacert>\r\n"
        )
    });
    format!(
        "From: \"Per conto di: panificio.gatti@mail.example\" <posta-certificata@pec.aruba.it>\r\nTo: termoclima@pec.example\r\n\
         Subject: {subject}\r\nMessage-ID: <{}@pec.aruba.it>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"P\"\r\n\r\n--P\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Messaggio del gestore.\r\n{daticert}--P\r\nContent-Type: message/rfc822; name=\"postacert.eml\"\r\n\
         Content-Disposition: attachment; filename=\"postacert.eml\"\r\n\r\n{inner}\r\n--P--\r\n",
        subject.len()
    )
}

/// Found by a mail attack on a PEC mailbox: ordinary mail a customer sent to the desk's PEC
/// arrives wrapped as an anomaly (no daticert.xml); it opened a request of the provider's
/// with the customer's words only in the attached file. And the provider's delivery receipt
/// of a message the desk sent with a large PDF was refused by the attachment limit, and
/// stayed in the maildir for ever.
#[test]
fn ordinary_mail_to_a_pec_box_is_read_and_a_large_receipt_is_skipped() {
    let d = TestDesk::example();
    let reply = "From: Luca Gatti <panificio.gatti@mail.example>\r\nSubject: Re: [T-2026-0013] preventivo\r\n\
                 Message-ID: <ok-gatti@mail.example>\r\n\r\nProcedete pure con la sostituzione.\r\n";
    let out = import_bytes(&d, &pec_wrapper("ANOMALIA MESSAGGIO: Re: [T-2026-0013] preventivo", None, reply));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "T-2026-0013");
    assert!(d.ok(&["ticket", "show", "T-2026-0013"]).contains("Procedete pure con la sostituzione."));
    let bulk = "From: news@shop.example\r\nSubject: Offerte\r\nMessage-ID: <n1@shop.example>\r\nPrecedence: bulk\r\n\r\nSconti!\r\n";
    let out = import_bytes(&d, &pec_wrapper("ANOMALIA MESSAGGIO: Offerte", None, bulk));
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped: bulk mail"), "{out:?}");

    d.write("tkt.toml", &format!("{}\n[intake]\nmax_attachment_bytes = 700\n", d.read("tkt.toml")));
    d.git(&["commit", "-qam", "small attachments"]);
    let sent = format!(
        "From: termoclima@pec.example\r\nSubject: Fattura\r\nMessage-ID: <sent@pec.example>\r\n\r\n{}\r\n",
        "x".repeat(2000)
    );
    let head = d.head();
    let out = import_bytes(&d, &pec_wrapper("CONSEGNA: Fattura", Some("avvenuta-consegna"), &sent));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped: a PEC receipt (avvenuta-consegna)"), "{out:?}");
    assert_eq!(d.head(), head);
}

/// Found by a real-mail review: the size of one attachment was measured on the provider's
/// envelope, where the whole message it carries is one attachment (`postacert.eml`): a PEC
/// whose files were each within the limit was refused, and stayed in the maildir.
#[test]
fn a_certified_message_is_held_to_the_limits_by_what_it_carries() {
    let d = TestDesk::example();
    // Its photo (264 bytes) and daticert.xml (648) are within; postacert.eml (1178) is not.
    d.write("tkt.toml", &format!("{}\n[intake]\nmax_attachment_bytes = 700\n", d.read("tkt.toml")));
    d.git(&["commit", "-qam", "small attachments"]);
    let pec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/intake/pec/customer_request.eml");
    assert_eq!(d.ok(&["import", "email", pec.to_str().unwrap()]).trim(), "R-2026-0004");
    // The envelope's own files, and what it carries, are held to them.
    d.write("tkt.toml", &d.read("tkt.toml").replace("max_attachment_bytes = 700", "max_attachment_bytes = 200"));
    d.git(&["commit", "-qam", "smaller"]);
    let envelope = std::fs::read_to_string(&pec).unwrap().replace("CAF3x9kz=Qm7", "another");
    let out = import_bytes(&d, &envelope);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is 648 bytes, over intake.max_attachment_bytes (200)"),
        "{out:?}"
    );
}

/// `message.eml` beside a request is always the message received: a sender's attachment
/// of that name is renamed (found by a real-mail review: a forged "message" took the name,
/// and the real one became message-2.eml).
#[test]
fn the_kept_message_is_never_a_senders_attachment() {
    let d = TestDesk::example();
    let raw = "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: guasto\r\nMessage-ID: <spoof@x>\r\n\
               MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
               Content-Type: text/plain\r\n\r\nvedi allegato\r\n--b\r\nContent-Type: message/rfc822\r\n\
               Content-Disposition: attachment; filename=\"Message.EML\"\r\n\r\n\
               From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: autorizzo\r\n\r\nautorizzo il pagamento\r\n\
               --b--\r\n";
    let path = d.tmp.path().join("spoof.eml");
    std::fs::write(&path, raw).unwrap();
    let id = d.ok(&["import", "email", path.to_str().unwrap()]).trim().to_string();
    let r = request(&d, &id);
    assert_eq!(
        r["attachments"],
        serde_json::json!([format!("attachments/{id}/attached Message.EML"), format!("attachments/{id}/message.eml")])
    );
    assert_eq!(std::fs::read_to_string(d.path(&format!("attachments/{id}/message.eml"))).unwrap(), raw);
}

/// Who a message is from, as a small office's mail really is (found by a real-mail
/// review): an administrator writing for several condominiums from one address is not
/// filed under the first of them, nor taken for a stranger on the others' tickets; a copy
/// of a colleague's reply from the desk's own address is a note, not a stranger's request;
/// a customer naming a neighbour's serial beside their own gets their own linked.
#[test]
fn shared_addresses_the_desks_own_mail_and_a_neighbours_serial() {
    let d = TestDesk::example();
    let shared = "amministrazione@lequerce.example";
    let mail = |name: &str, from: &str, subject: &str, text: &str| {
        let path = d.tmp.path().join(name);
        let raw = format!("From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{name}@x>\r\n\r\n{text}\r\n");
        std::fs::write(&path, raw).unwrap();
        d.ok(&["import", "email", path.to_str().unwrap()]).trim().to_string()
    };
    // C-0001 names the hotel's AC12M00913 before its own CV35-220417.
    let r = request(&d, &mail("serials", shared, "Guasti", "come AC12M00913 del vicino, il nostro CV35-220417"));
    assert_eq!(r["serial"], "CV35-220417", "{r}");
    let r = request(&d, &mail("other", shared, "Guasto", "il condizionatore AC12M00913"));
    assert_eq!(r["serial"], "AC12M00913");
    assert!(r["warnings"].to_string().contains("AC12M00913 belongs to customer C-0004, not to C-0001"), "{r}");
    let c = d.ok(&["customer", "create", "--name", "Condominio Via Roma 5", "--email", shared, "--allow-duplicate"]);
    let t = d.ok(&["ticket", "create", "--customer", c.trim(), "--title", "Caldaia in blocco"]);
    let r = request(&d, &mail("new", shared, "Nuova richiesta", "la caldaia perde"));
    assert_eq!(r["customer"], serde_json::Value::Null, "{r}");
    assert!(r["warnings"].to_string().contains(&format!("is the address of C-0001, {}", c.trim())), "{r}");
    assert_eq!(mail("reply", shared, &format!("Re: [{}] Caldaia", t.trim()), "grazie"), t.trim());
    let copy = mail("copy", "assistenza@termoclimabianchi.example", "Re: [T-2026-0011] Condizionatore", "passo io");
    assert_eq!(copy, "T-2026-0011", "the desk's own copy is a note");
    // ... and reopens nothing, where a customer's reply would.
    d.write("tkt.toml", &format!("{}\n[intake]\nreopen = \"in-lavorazione\"\n", d.read("tkt.toml")));
    d.git(&["commit", "-qam", "reopen"]);
    assert_eq!(
        mail("closed", "assistenza@termoclimabianchi.example", "Re: [T-2026-0001] Caldaia", "chiuso"),
        "T-2026-0001"
    );
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0001", "--format", "json"])).unwrap();
    assert_eq!(t["state"], "chiuso");
}

#[test]
fn a_promoted_request_receives_the_customers_reply_as_a_note_on_the_ticket() {
    let d = TestDesk::example();
    import(&d, "gmail_new_request.eml");
    assert_eq!(d.ok(&["request", "promote", "R-2026-0004", "--assignee", "marco"]), "T-2026-0021\n");
    let files = d.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.lines().count(), 2, "request and ticket in one commit: {files}");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["status"], "promoted");
    assert_eq!(r["ticket"], "T-2026-0021");
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0021", "--format", "json"])).unwrap();
    assert_eq!(t["request"], "R-2026-0004");
    assert_eq!(t["title"], "Caldaia non si accende più");
    assert_eq!(t["serial"], "CV24-104233");
    assert_eq!(t["warranty"], true);
    d.tkt(&["request", "promote", "R-2026-0004"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("already promoted to T-2026-0021"));

    // The reply has no [T-...] tag; its References name the first message.
    assert_eq!(import(&d, "gmail_reply_without_tag.eml"), "T-2026-0021");
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0021", "--format", "json"])).unwrap();
    let note = &t["notes"][0];
    assert_eq!(note["text"], "Va bene lunedì mattina dalle 9.", "the quoted message is cut");
    assert_eq!(note["source"], "email");
    assert_eq!(note["by"], "Mario Rossi <mario.rossi@mail.example>");
    assert_eq!(note["message_id"], "CAJ8kR5u0Wq7Yb4@mail.gmail.com");
    // What the cut took is not lost: the message is kept beside the note.
    assert_eq!(note["attachments"], serde_json::json!(["attachments/T-2026-0021/message.eml"]));
    assert_eq!(
        std::fs::read(d.path("attachments/T-2026-0021/message.eml")).unwrap(),
        std::fs::read(mail("gmail_reply_without_tag.eml")).unwrap()
    );
    assert_eq!(d.status(), "");
}

/// Found by a real-mail review: an unknown sender's request promoted for a customer made
/// as `promote --help` says (a phone number only) left the sender a stranger to their own
/// ticket, and each reply became a new request with a warning.
#[test]
fn the_sender_of_a_promoted_request_is_no_stranger_to_its_ticket() {
    let d = TestDesk::example();
    let c = d.ok(&["customer", "create", "--name", "Nicolò Bianchi", "--phone", "+39 333 1234567"]);
    let t = d.ok(&["request", "promote", "R-2026-0003", "--customer", c.trim()]);
    let reply = "From: Nicolo B <nicolo.b@provider.example>\r\nSubject: Re: Caldaia che perde\r\n\
                 In-Reply-To: <20261124194500.1A2B3C@provider.example>\r\nMessage-ID: <reply1@provider.example>\r\n\r\n\
                 Va bene giovedi mattina.\r\n";
    let out = import_bytes(&d, reply);
    assert_eq!(String::from_utf8_lossy(&out.stdout), t, "{out:?}");
    let ticket: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", t.trim(), "--format", "json"])).unwrap();
    let note = ticket["notes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(note["text"], "Va bene giovedi mattina.");
    assert!(note.get("warning").is_none_or(|w| w.is_null()), "{note}");
    // Another address at the same provider still is a stranger.
    let other = reply.replace("nicolo.b@", "mallory@").replace("reply1@", "reply2@");
    let out = import_bytes(&d, &other);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("R-"), "{out:?}");
}

/// A customer who writes again after their request was rejected is not left unheard: the
/// request opens again, with the reply as its note (found by a real-mail review: the
/// reply was a silent note on a request no list shows).
#[test]
fn a_reply_to_a_rejected_request_opens_it_again() {
    let d = TestDesk::example();
    import(&d, "gmail_new_request.eml");
    d.ok(&["request", "reject", "R-2026-0004", "--reason", "fuori zona"]);
    d.tkt(&["import", "email", mail("gmail_reply_without_tag.eml").to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("R-2026-0004: reopened: its sender wrote again after it was rejected"));
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["status"], "open");
    assert_eq!(r["notes"][1]["text"], "Va bene lunedì mattina dalle 9.");
    assert!(d.ok(&["request", "list"]).contains("R-2026-0004"));
    assert_eq!(d.status(), "");
    // A request of no customer is its sender's: a stranger naming it reopens nothing.
    d.ok(&["request", "reject", "R-2026-0003", "--reason", "fuori zona"]);
    let stranger = d.tmp.path().join("stranger.eml");
    std::fs::write(
        &stranger,
        "From: evil@attacker.example\r\nSubject: Re: [R-2026-0003] riaprite\r\nMessage-ID: <s@x>\r\n\r\nciao\r\n",
    )
    .unwrap();
    d.ok(&["import", "email", stranger.to_str().unwrap()]);
    assert_eq!(request(&d, "R-2026-0003")["status"], "rejected");
}

#[test]
fn a_subject_tag_threads_a_message_to_its_ticket() {
    let d = TestDesk::example();
    let text = std::fs::read_to_string(mail("autoreply.eml")).unwrap();
    let tagged = text
        .replace("Subject: Risposta automatica: Ricevuta manutenzione", "Subject: R: [T-2026-0015] Studio 1")
        .replace("Auto-Submitted: auto-replied\n", "")
        .replace("X-Autoreply: yes\n", "")
        .replace("auto-20261125", "tagged-20261126");
    d.tkt(&["import", "email", "-"]).write_stdin(tagged).assert().success().stdout("T-2026-0015\n");
    assert_eq!(d.last_message(), "T-2026-0015: note by email from segreteria@studioferrari.example");
}

#[test]
fn outlook_replies_thread_by_thread_index_without_in_reply_to() {
    let d = TestDesk::example();
    assert_eq!(import(&d, "outlook_new.eml"), "R-2026-0004");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["subject"], "Camera 21 – odore dal condizionatore", "windows-1252 encoded word");
    assert_eq!(r["customer"], "C-0004");
    assert_eq!(r["serial"], "AC12M02210");
    assert_eq!(import(&d, "outlook_reply_thread_index.eml"), "R-2026-0004");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["notes"][0]["text"], "Aggiungo: l’odore c’è anche in modalità deumidificazione.");
}

/// Found by a review with real mail: two customers answering one circular the desk sent
/// from Outlook share its `Thread-Index` and name nothing stored; the second reply was
/// taken as a stranger's on the first customer's request (a false warning, or with
/// `stranger_tag = "note"` a note on the other customer's request).
#[test]
fn replies_to_one_circular_from_two_customers_are_two_requests() {
    for config in ["", "\n[intake]\nstranger_tag = \"note\"\n"] {
        let d = TestDesk::example();
        if !config.is_empty() {
            d.write("tkt.toml", &(d.read("tkt.toml") + config));
            d.git(&["commit", "-qam", "config"]);
        }
        assert_eq!(import(&d, "circular-reply-A.eml"), "R-2026-0004");
        assert_eq!(import(&d, "circular-reply-B.eml"), "R-2026-0005", "{config}");
        let (a, b) = (request(&d, "R-2026-0004"), request(&d, "R-2026-0005"));
        assert_eq!((a["customer"].as_str(), b["customer"].as_str()), (Some("C-0004"), Some("C-0005")));
        assert!(a["notes"].as_array().is_none_or(|n| n.is_empty()), "{a}");
        assert!(b["related"].is_null() && b["warnings"].as_array().is_none_or(|w| w.is_empty()), "{b}");
        // Every request has the same keys, empty ones included, as the README promises
        // (found by a scripting review: `related`, `thread` and `warnings` came and went).
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        let phone: serde_json::Value =
            serde_json::from_str(&d.ok(&["request", "show", "R-2026-0001", "--format", "json"])).unwrap();
        assert_eq!(keys(&b), keys(&phone));
        assert!(keys(&b).contains(&"warnings".to_string()) && keys(&b).contains(&"thread".to_string()));
        // The second customer writes again in that conversation, answering a message of the
        // desk's that is not stored: it reaches their own request, not the first one's.
        let again = std::fs::read_to_string(mail("circular-reply-B.eml"))
            .unwrap()
            .replace("Message-ID: <AM0PR01MB1234B@", "Message-ID: <AM0PR01MB1234C@")
            .replace("<AM9PR99MB0000CIRCOLARE@", "<AM9PR99MB0000RISPOSTA@");
        let out = import_bytes(&d, &again);
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "R-2026-0005", "{config}: {out:?}");
    }
}

/// Found by a review with mail-parser's corpus (Eudora Pro): a raw Latin-1 byte inside a
/// `Q`-encoded word was read twice, "FrÃ¶sche".
#[test]
fn a_raw_latin1_byte_inside_an_encoded_word_is_read_by_the_words_charset() {
    let d = TestDesk::example();
    let id = import(&d, "eudora-latin1-subject.eml");
    assert_eq!(request(&d, &id)["subject"], "Die Hasen und die Frösche");
}

#[test]
fn every_shape_of_mail_in_the_corpus_becomes_what_it_should() {
    let d = TestDesk::example();
    // The example desk imported these two already.
    assert_eq!(import(&d, "apple_mail_attachment.eml"), "R-2026-0002");
    assert_eq!(
        request(&d, "R-2026-0002")["attachments"],
        serde_json::json!(["attachments/R-2026-0002/ricevuta-perché.pdf", "attachments/R-2026-0002/message.eml"])
    );
    assert_eq!(import(&d, "latin1_unknown_sender.eml"), "R-2026-0003");
    let r = request(&d, "R-2026-0003");
    assert!(r["customer"].is_null());
    assert_eq!(r["contact"]["name"], "Nicolò Bianchi");
    assert_eq!(r["subject"], "Richiesta preventivo pompa di calore - città di Brescia");
    assert_eq!(r["warnings"][0], "unknown sender nicolo.b@provider.example");

    assert_eq!(import(&d, "forwarded.eml"), "R-2026-0004");
    let fwd = request(&d, "R-2026-0004");
    let stored = fwd["attachments"][0].as_str().unwrap();
    assert!(d.read(stored).contains("Lo split della sala fa un rumore forte"), "the forwarded message is kept whole");

    assert_eq!(import(&d, "html_only_malformed.eml"), "R-2026-0005");
    let html = request(&d, "R-2026-0005");
    assert_eq!(html["subject"], "Split sala: rumore – colpi all'avvio");
    let body = html["body"].as_str().unwrap();
    assert!(body.contains("fa dei colpi all'avvio è normale?"), "HTML turned into text: {body}");
    assert!(!body.contains("<p>") && !body.contains("<script>"), "{body}");
    assert_eq!(html["serial"], "AC12M01544");

    let head = d.head();
    for (name, why) in [
        ("autoreply.eml", "skipped: auto-reply"),
        ("bounce.eml", "skipped: bounce"),
        ("newsletter.eml", "skipped: bulk mail"),
    ] {
        d.tkt(&["import", "email", mail(name).to_str().unwrap()])
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(why));
    }
    assert_eq!(d.head(), head, "automatic mail opens nothing");
    d.tkt(&["check"]).assert().success();
}

#[test]
fn oversize_and_unreadable_messages_are_refused_without_writing() {
    let d = TestDesk::example();
    let config = d.read("tkt.toml") + "\n[intake]\nmax_attachment_bytes = 10\n";
    d.write("tkt.toml", &config);
    d.git(&["commit", "-qam", "small attachments"]);
    let head = d.head();
    d.tkt(&["import", "email", mail("gmail_new_request.eml").to_str().unwrap()]).assert().code(4).stderr(
        predicate::str::contains("attachment \"foto caldaia.jpg\"")
            .and(predicate::str::contains("max_attachment_bytes")),
    );
    d.tkt(&["import", "email", "-"])
        .write_stdin("just some text\n")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not an e-mail message"));
    assert_eq!(d.head(), head);
    assert_eq!(d.status(), "");
}

#[test]
fn a_maildir_is_imported_from_cron_idempotently_leaving_failures_in_new() {
    let d = TestDesk::example();
    let md = d.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    std::fs::copy(mail("gmail_new_request.eml"), md.join("new/1764255481.M1P42.mx")).unwrap();
    std::fs::copy(mail("bounce.eml"), md.join("new/1764255482.M2P42.mx:2,")).unwrap();
    std::fs::write(md.join("new/1764255483.M3P42.mx"), "garbage").unwrap();
    let md_arg = md.to_str().unwrap();
    d.tkt(&["import", "maildir", md_arg]).assert().code(4).stdout("R-2026-0004\n").stderr(
        predicate::str::contains("1 of 3 messages not imported").and(predicate::str::contains("1764255483.M3P42.mx")),
    );
    assert!(md.join("cur/1764255481.M1P42.mx:2,S").is_file(), "imported and marked seen");
    assert!(md.join("cur/1764255482.M2P42.mx:2,S").is_file(), "skipped mail is seen too");
    assert!(md.join("new/1764255483.M3P42.mx").is_file(), "a failure stays in new/");

    std::fs::remove_file(md.join("new/1764255483.M3P42.mx")).unwrap();
    let head = d.head();
    d.tkt(&["import", "maildir", md_arg]).assert().success().stdout("").stderr("");
    // The same message delivered again is recognised by its Message-ID.
    std::fs::copy(mail("gmail_new_request.eml"), md.join("new/1764259999.M9P42.mx")).unwrap();
    d.tkt(&["import", "maildir", md_arg])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("already imported"));
    assert_eq!(d.head(), head, "running the import again creates nothing");
    // A handled message copied back to new/ to retry it goes from new/, and one whose name
    // is taken in cur/ by another stays there, named — neither stops the messages after
    // it (found by a real-mail review: the run stopped at the first, every time).
    std::fs::copy(md.join("cur/1764255481.M1P42.mx:2,S"), md.join("new/1764255481.M1P42.mx:2,S")).unwrap();
    std::fs::write(md.join("new/1764255482.M2P42.mx:2,S"), "From: x@y.it\r\nSubject: altro\r\n\r\naltro\r\n").unwrap();
    std::fs::copy(mail("outlook_new.eml"), md.join("new/1764299999.M9P42.mx")).unwrap();
    // Imported, it is said so: its id on stdout, exit 0, and a warning that it stays in new/
    // (found by a review: "not imported", exit 4, for a request that was made).
    let out = d.tkt(&["import", "maildir", md_arg]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2, "both new requests");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("imported, but not moved to cur/") && said.contains("exists already"), "{said}");
    assert!(d.ok(&["request", "list", "--format", "csv"]).contains("altro"));
    assert!(
        d.ok(&["request", "list", "--format", "csv"]).contains("odore dal condizionatore"),
        "the message after it is imported"
    );
    assert!(!md.join("new/1764255481.M1P42.mx:2,S").exists());
    assert!(md.join("new/1764255482.M2P42.mx:2,S").exists());
}

#[test]
fn the_support_form_creates_a_request_or_refuses_naming_the_field() {
    let d = TestDesk::example();
    let head = d.head();
    d.tkt(&["import", "form"])
        .write_stdin("name=Anna+Neri&subject=Perdita&description=Perde+acqua&consent=on")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("email: is required"));
    d.tkt(&["import", "form"])
        .write_stdin(
            r#"{"name":"Anna","email":"anna@example.it","subject":"x","description":"y","consent":true,"item":"NOPE"}"#,
        )
        .assert()
        .code(4)
        .stderr(predicate::str::contains("item: unknown item \"NOPE\""));
    assert_eq!(d.head(), head);

    let post = "name=Luca+Gatti&email=panificio.gatti%40mail.example&phone=%2B39+030+7301122&vat_number=04981235676\
                &subject=Caldaia+in+blocco&description=Errore+F28&serial=ZZ-999&consent=on&submit=Invia";
    d.tkt(&["import", "form"]).write_stdin(post).assert().success().stdout("R-2026-0004\n");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["channel"], "form");
    assert_eq!(r["customer"], "C-0006", "matched by Partita IVA");
    assert_eq!(r["contact"]["phone"], "+39 030 7301122");
    assert_eq!(r["serial"], "ZZ-999", "an unknown serial is kept");
    assert_eq!(r["warnings"][0], "serial ZZ-999 is not registered", "and flagged");

    // A registered serial whose record does not read stops no post, as it stops no message
    // (found by a review: the visitor's request was lost to a 500); it is kept as typed, and
    // its warning names the unit's file, never "not registered" (an earlier review).
    // Typed in another case, a registered serial is the unit's (a review).
    let lower = "name=A&email=a%40x.it&subject=s&description=d&consent=on&serial=ac09h00456";
    let id = d.tkt(&["import", "form"]).write_stdin(lower).assert().success().get_output().stdout.clone();
    let r = request(&d, String::from_utf8(id).unwrap().trim());
    assert_eq!(r["serial"], "AC09H00456", "{r}");
    assert!(!r["warnings"].to_string().contains("not registered"), "{r}");
    let unit = "equipment/AC09H00456.yaml";
    d.write(unit, &(d.read(unit) + "notes: [broken\n"));
    let post = "name=A&email=a%40x.it&subject=s&description=d&consent=on&serial=AC09H00456";
    let id = d.tkt(&["import", "form"]).write_stdin(post).assert().success().get_output().stdout.clone();
    let r = request(&d, String::from_utf8(id).unwrap().trim());
    assert_eq!(r["serial"], "AC09H00456");
    let warnings = r["warnings"].to_string();
    assert!(
        warnings.contains("AC09H00456 is not linked")
            && warnings.contains(unit)
            && !warnings.contains("not registered"),
        "{r}"
    );
}

#[test]
fn the_cgi_wrapper_turns_exit_codes_into_http_statuses() {
    let d = TestDesk::example();
    let bin_dir = assert_cmd::cargo::cargo_bin("tkt").parent().unwrap().to_path_buf();
    let cgi = d.path("web/tkt-form.cgi");
    // The body and the length the server gives (none: unset).
    let post = |body: &str, length: Option<usize>| -> String {
        let mut cmd = assert_cmd::Command::new("sh");
        crate::common::hermetic(&mut cmd, d.tmp.path());
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
        cmd.env("PATH", path)
            .env("TKT_DESK", &d.dir)
            .env("REQUEST_METHOD", "POST")
            .env("CONTENT_TYPE", "application/x-www-form-urlencoded");
        if let Some(n) = length {
            cmd.env("CONTENT_LENGTH", n.to_string());
        }
        let out = cmd.arg(&cgi).write_stdin(body.to_string()).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let run = |body: &str| post(body, Some(body.len()));
    let ok = run("name=Anna&email=anna%40example.it&subject=x&description=y&consent=on");
    assert!(ok.starts_with("Status: 200 OK") && ok.contains("R-2026-0004"), "{ok}");
    let bad = run("name=Anna&subject=x&description=y&consent=on");
    assert!(bad.starts_with("Status: 400 Bad Request") && bad.contains("email: is required"), "{bad}");
    // Found by a review of the form: the body past CONTENT_LENGTH was read as the post's
    // (and a server that keeps stdin open hung the script); a refusal after a warning
    // was a 500; a body over the limit was a 500 too.
    let body = "name=Anna&email=anna%40example.it&subject=x&description=y&consent=on";
    let more = post(&format!("{body}&email=other%40evil.example"), Some(body.len()));
    assert!(more.starts_with("Status: 200 OK"), "{more}");
    assert!(d.git(&["log", "-1", "--format=%s"]).contains("anna@example.it"), "only CONTENT_LENGTH bytes are the post");
    assert!(post(body, None).starts_with("Status: 411"));
    assert!(post(body, Some(2 << 20)).starts_with("Status: 413"));
    d.write("requests/2026/R-2026-0099.yaml", "id: R-2026-0099\n");
    d.write(".tkt/journal", "requests/2026/R-2026-0099.yaml\n");
    let warned = run("name=Anna&subject=x&description=y&consent=on");
    assert!(warned.starts_with("Status: 400 Bad Request") && warned.contains("email: is required"), "{warned}");

    // A visitor's Content-Type that is not UTF-8 is the visitor's mistake, a 400 (found by
    // a review of the form: it was a 500, logged as the server's).
    let mut cmd = assert_cmd::Command::new("sh");
    crate::common::hermetic(&mut cmd, d.tmp.path());
    let odd = std::os::unix::ffi::OsStrExt::from_bytes(b"application/x-www-form-urlencoded; charset=\xe9");
    let odd: &std::ffi::OsStr = odd;
    let out = cmd
        .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
        .env("TKT_DESK", &d.dir)
        .env("REQUEST_METHOD", "POST")
        .env("CONTENT_TYPE", odd)
        .env("CONTENT_LENGTH", body.len().to_string())
        .arg(&cgi)
        .write_stdin(body.to_string())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.starts_with("Status: 400 Bad Request") && out.contains("content-type"), "{out}");

    // Git stopped on a detached HEAD: a 503, its reason on the server's log (a scripting
    // review: the log said nothing while every post was told to retry).
    d.git(&["checkout", "-q", "--detach"]);
    let mut cmd = assert_cmd::Command::new("sh");
    crate::common::hermetic(&mut cmd, d.tmp.path());
    let body = "name=Anna&email=anna%40example.it&subject=x&description=y&consent=on";
    let out = cmd
        .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
        .env("TKT_DESK", &d.dir)
        .env("REQUEST_METHOD", "POST")
        .env("CONTENT_TYPE", "application/x-www-form-urlencoded")
        .env("CONTENT_LENGTH", body.len().to_string())
        .arg(&cgi)
        .write_stdin(body)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Status: 503"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HEAD is detached"), "{out:?}");
    d.git(&["checkout", "-q", "main"]);
    // A customer file that does not read stops no visitor (found by a mail attack: every
    // post was a 500), as it stops no message.
    let path = "customers/C-0001.yaml";
    let customer = d.read(path);
    d.write(path, &customer.replace("name: ", "name: [secret internal text\n"));
    let taken = run("name=Anna&email=anna%40example.it&subject=x&description=y&consent=on");
    assert!(!taken.starts_with("Status: 500") && !taken.contains("secret"), "{taken}");
    d.write(path, &customer);
    // A broken desk is the server's problem: a generic 500, nothing of the desk shown.
    d.write("tkt.toml", &d.read("tkt.toml").replace("[company]", "[company\nsecret internal text"));
    let broken = run("name=Anna&email=anna%40example.it&subject=x&description=y&consent=on");
    assert!(broken.starts_with("Status: 500 Internal Server Error"), "{broken}");
    assert!(!broken.contains("tkt.toml") && !broken.contains("secret") && !broken.contains("campi"), "{broken}");
}

/// Found by a review of the intake: one request broken by a hand edit stopped every mail
/// import (each message stayed in the maildir, every cron run), though the form went on.
#[test]
fn one_unreadable_record_does_not_stop_the_mail() {
    let d = TestDesk::example();
    d.write("requests/2026/R-2026-0002.yaml", "id: R-2026-0002\nsubject: [broken\n");
    d.git(&["commit", "-qam", "a bad hand edit"]);
    let md = d.tmp.path().join("md");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    let message =
        "From: amministrazione@lequerce.example\nSubject: Caldaia ferma\nMessage-ID: <m1@l.example>\n\nAiuto\n";
    std::fs::write(md.join("new/m1"), message).unwrap();
    d.tkt(&["import", "maildir", md.to_str().unwrap()])
        .assert()
        .success()
        .stdout("R-2026-0004\n")
        .stderr(predicate::str::contains("requests/2026/R-2026-0002.yaml is not read"));
    assert_eq!(std::fs::read_dir(md.join("new")).unwrap().count(), 0);
    // A reply to a ticket that does not read is a request of its own, naming it (a review:
    // it failed, and stayed in the maildir for every cron run).
    let ticket = "tickets/2026/000/T-2026-0016.yaml";
    d.write(ticket, &format!("{}id: T-2026-0016\n", d.read(ticket)));
    let reply = "From: amministrazione@lequerce.example\nSubject: Re: [T-2026-0016] termosifoni\nMessage-ID: <m2@l.example>\n\nGrazie\n";
    std::fs::write(md.join("new/m2"), reply).unwrap();
    d.tkt(&["import", "maildir", md.to_str().unwrap()]).assert().success().stdout("R-2026-0005\n");
    assert_eq!(request(&d, "R-2026-0005")["related"], "T-2026-0016");
    // So is one tagged with a request that does not read (found by an intake attack: it
    // was refused, and stayed in the maildir).
    let reply = "From: amministrazione@lequerce.example\nSubject: Re: [R-2026-0002] caldaia\nMessage-ID: <m3@l.example>\n\nGrazie\n";
    std::fs::write(md.join("new/m3"), reply).unwrap();
    d.tkt(&["import", "maildir", md.to_str().unwrap()]).assert().success().stdout("R-2026-0006\n");
    assert_eq!(request(&d, "R-2026-0006")["related"], "R-2026-0002");
    // And a reply to a ticket that reads, promoted from a request that does not.
    assert_eq!(d.ok(&["request", "promote", "R-2026-0001"]), "T-2026-0021\n");
    let promoted = "requests/2026/R-2026-0001.yaml";
    d.write(promoted, &format!("{}item: [broken\n", d.read(promoted)));
    let reply = "From: amministrazione@lequerce.example\nSubject: Re: [T-2026-0021] caldaia\nMessage-ID: <m4@l.example>\n\nA domani\n";
    std::fs::write(md.join("new/m4"), reply).unwrap();
    d.tkt(&["import", "maildir", md.to_str().unwrap()]).assert().success().stdout("T-2026-0021\n");
    assert_eq!(std::fs::read_dir(md.join("new")).unwrap().count(), 0);
    // A customer that does not read matches no sender meanwhile, and stops no mail (found
    // by a review: every message was refused, and stayed in the maildir).
    let customer = "customers/C-0003.yaml";
    d.write(customer, &format!("{}name: doppio\n", d.read(customer)));
    let message = "From: amministrazione@lequerce.example\nSubject: Perdita\nMessage-ID: <m5@l.example>\n\nAiuto\n";
    std::fs::write(md.join("new/m5"), message).unwrap();
    d.tkt(&["import", "maildir", md.to_str().unwrap()])
        .assert()
        .success()
        .stdout("R-2026-0007\n")
        .stderr(predicate::str::contains("customers/C-0003.yaml is not read"));
    // With nothing new, a run says nothing, even of the records that do not read.
    d.tkt(&["-q", "import", "maildir", md.to_str().unwrap()]).assert().success().stdout("").stderr("");
}

#[test]
fn requests_by_phone_are_created_listed_noted_and_rejected() {
    let d = TestDesk::example();
    assert_eq!(
        d.ok(&["request", "create", "--customer", "C-0001", "--subject", "Radiatore freddo", "--body", "Piano 3"]),
        "R-2026-0004\n"
    );
    d.ok(&["request", "note", "R-2026-0004", "Richiamato il cliente"]);
    d.tkt(&["request", "reject", "R-2026-0004", "--reason", "Risolto spurgando il radiatore"]).assert().success();
    d.tkt(&["request", "promote", "R-2026-0004"]).assert().code(4).stderr(predicate::str::contains("rejected"));
    let list = d.ok(&["request", "list", "--status", "rejected", "--format", "csv"]);
    assert_eq!(list.lines().count(), 2, "{list}");
    d.ok(&["request", "create", "--channel", "walk-in", "--subject", "Preventivo", "--contact-name", "Sig. Neri"]);
    d.tkt(&["request", "promote", "R-2026-0005"]).assert().code(2).stderr(predicate::str::contains("--customer"));
    assert_eq!(d.ok(&["request", "promote", "R-2026-0005", "--customer", "C-0002"]), "T-2026-0021\n");
}

#[test]
fn with_creates_ticket_a_known_customers_mail_opens_a_ticket_and_an_unknown_one_a_request() {
    let d = TestDesk::example();
    let config = d.read("tkt.toml") + "\n[intake]\ncreates = \"ticket\"\n";
    d.write("tkt.toml", &config);
    d.git(&["commit", "-qam", "mail opens tickets"]);
    assert_eq!(import(&d, "gmail_new_request.eml"), "T-2026-0021");
    assert_eq!(
        d.last_message(),
        "R-2026-0004: new request by email from Mario Rossi <mario.rossi@mail.example>, opened T-2026-0021"
    );
    assert_eq!(request(&d, "R-2026-0004")["ticket"], "T-2026-0021");
    assert_eq!(import(&d, "forwarded.eml"), "R-2026-0005", "an unknown sender stays a request");
    assert_eq!(request(&d, "R-2026-0005")["status"], "open");
}

#[test]
fn check_reads_requests_and_their_links() {
    let d = TestDesk::example();
    import(&d, "gmail_new_request.eml");
    let path = "requests/2026/R-2026-0004.yaml";
    let text = d.read(path).replace("status: open", "status: promoted").replace("channel: email", "channel: pigeon");
    d.write(path, &text);
    std::fs::remove_file(d.path("attachments/R-2026-0004/foto caldaia.jpg")).unwrap();
    let out = String::from_utf8(d.tkt(&["check"]).assert().code(4).get_output().stdout.clone()).unwrap();
    assert!(
        out.contains("R-2026-0004.yaml: channel: \"pigeon\" is not one of phone, email, form, walk-in, other"),
        "{out}"
    );
    assert!(out.contains("R-2026-0004.yaml: ticket: a promoted request names its ticket"), "{out}");
    assert!(
        out.contains("R-2026-0004.yaml: attachments: attachments/R-2026-0004/foto caldaia.jpg is missing"),
        "{out}"
    );
}

/// Imports a message from stdin; returns the command's output.
fn import_bytes(d: &TestDesk, message: &str) -> std::process::Output {
    d.tkt(&["import", "email", "-"]).write_stdin(message.as_bytes().to_vec()).output().unwrap()
}

/// A message from the example desk's customer C-0003 with one attachment.
fn message_with_attachment(id: &str, disposition: &str) -> String {
    format!(
        "From: Mario Rossi <mario.rossi@mail.example>\r\nTo: assistenza@example.com\r\nSubject: foto\r\n\
         Message-ID: <{id}@mail.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVedi foto.\r\n\
         --b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; {disposition}\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--b--\r\n"
    )
}

#[test]
fn an_attachment_name_over_the_file_system_limit_is_cut_keeping_its_extension() {
    let d = TestDesk::example();
    let emoji = "%F0%9F%98%80".repeat(100);
    let out = import_bytes(&d, &message_with_attachment("emoji", &format!("filename*=UTF-8''{emoji}.jpg")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = request(&d, "R-2026-0004");
    let stored = r["attachments"][0].as_str().unwrap().to_string();
    let name = stored.rsplit('/').next().unwrap();
    assert!(name.len() < 250 && name.ends_with("😀.jpg"), "{name} ({} bytes)", name.len());
    assert!(d.path(&stored).is_file());
    assert_eq!(d.status(), "");
    assert!(!d.path(".tkt/journal").exists());

    // The same name again is told apart with a suffix that still fits.
    let out = import_bytes(&d, &message_with_attachment("emoji-2", &format!("filename*=UTF-8''{emoji}.jpg")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cjk = "%E6%BC%A2".repeat(90);
    let out = import_bytes(&d, &message_with_attachment("cjk", &format!("filename*=UTF-8''{cjk}")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(d.status(), "");
}

#[test]
fn a_command_that_fails_after_writing_leaves_nothing_and_blocks_nothing() {
    let d = TestDesk::example();
    let config = d.read("tkt.toml") + "\n[intake]\ncreates = \"ticket\"\n";
    d.write("tkt.toml", &config);
    d.git(&["commit", "-qam", "mail opens tickets"]);
    // The ticket's number cannot be given: the import fails after storing the attachment.
    d.write(".tkt/sequences/T-2026", "1000000000\n");
    let head = d.head();
    d.tkt(&["import", "email", mail("gmail_new_request.eml").to_str().unwrap()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(".tkt/sequences/T-2026"));
    assert_eq!(d.head(), head);
    assert_eq!(d.status(), "");
    assert!(!d.path("attachments/R-2026-0004").exists(), "the attachment it wrote is removed");
    assert!(!d.path(".tkt/journal").exists(), "the journal is cleared");

    d.write(".tkt/sequences/T-2026", "20\n");
    assert_eq!(import(&d, "gmail_new_request.eml"), "T-2026-0021");
    assert_eq!(d.status(), "");
}

#[test]
fn an_impossible_sequence_mark_is_refused_naming_its_file() {
    let d = TestDesk::example();
    let head = d.head();
    for mark in ["1000000000", "999999999", "18446744073709551617", "lots"] {
        d.write(".tkt/sequences/T-2026", mark);
        d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", "Perdita"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains(".tkt/sequences/T-2026"));
        assert_eq!(d.head(), head, "{mark}");
        assert_eq!(d.status(), "", "{mark}");
    }
    d.write(".tkt/sequences/T-2026", "41\n");
    assert_eq!(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Perdita"]), "T-2026-0042\n");
}

/// Found by a team attack: a ticket numbered at the end of the range (T-2026-999999999,
/// named by hand or come from a teammate) stopped every new ticket of the year, on every
/// clone, even once deleted: the next number is the one after the highest free one below.
#[test]
fn a_ticket_numbered_at_the_end_of_the_range_stops_no_new_ticket() {
    let d = TestDesk::example();
    let ticket = d.read("tickets/2026/000/T-2026-0001.yaml");
    d.write("tickets/2026/999999/T-2026-999999999.yaml", &ticket.replace("T-2026-0001", "T-2026-999999999"));
    d.git(&["add", "tickets"]);
    d.git(&["commit", "-qm", "by hand"]);
    let create = || d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Perdita"]);
    assert_eq!(create(), "T-2026-0021\n");
    d.git(&["rm", "-q", "tickets/2026/999999/T-2026-999999999.yaml"]);
    d.git(&["commit", "-qm", "gone"]);
    assert_eq!(create(), "T-2026-0022\n");
    // Nor is a number used before it given again.
    d.git(&["rm", "-q", "tickets/2026/000/T-2026-0022.yaml"]);
    d.git(&["commit", "-qm", "gone too"]);
    assert_eq!(create(), "T-2026-0023\n");
    // Nor does one a number below the end (found by a review: the next was the last
    // number, and nothing came after it).
    d.write("tickets/2026/999999/T-2026-999999998.yaml", &ticket.replace("T-2026-0001", "T-2026-999999998"));
    d.git(&["add", "tickets"]);
    d.git(&["commit", "-qm", "by hand again"]);
    assert_eq!(create(), "T-2026-0024\n");
    assert_eq!(create(), "T-2026-0025\n");
}

#[test]
fn a_number_deleted_after_it_was_published_is_never_given_again() {
    let d = TestDesk::example();
    // A clone whose mark is behind (tickets came by a pull), after T-2026-0015 was deleted
    // and a ticket was written with a longer number: neither is a gap to fill.
    d.write(".tkt/sequences/T-2026", "3\n");
    d.git(&["rm", "-q", "tickets/2026/000/T-2026-0015.yaml"]);
    let ticket = d.read("tickets/2026/000/T-2026-0001.yaml");
    d.write("tickets/2026/000/T-2026-00030.yaml", &ticket.replace("T-2026-0001", "T-2026-00030"));
    d.git(&["add", "-A"]);
    d.git(&["commit", "-qm", "T-2026-0015 deleted, T-2026-00030 by hand"]);
    let create = || d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Perdita"]);
    assert_eq!(create(), "T-2026-0031\n");
    assert_eq!(d.read(".tkt/sequences/T-2026"), "31\n");
    std::fs::remove_file(d.path(".tkt/sequences/T-2026")).unwrap();
    assert_eq!(create(), "T-2026-0032\n");
    assert_eq!(d.status(), "");
}

#[test]
fn bounces_by_any_of_their_marks_are_skipped() {
    let d = TestDesk::example();
    let head = d.head();
    let cases = [
        ("From: Postmaster <>\r\n", "pm"),
        ("Return-Path: <MAILER-DAEMON@mx.example.com>\r\nFrom: Mario Rossi <mario.rossi@mail.example>\r\n", "rp"),
        ("Return-Path: < >\r\nFrom: Mario Rossi <mario.rossi@mail.example>\r\n", "empty"),
        ("From: ndr@mail.example\r\n", "ndr"),
        ("From: \"Mail Delivery System\" <postmaster@mail.example>\r\n", "postmaster"),
        ("From: MAILER-DAEMON@mail.example\r\n", "daemon"),
        // Found by a mail-corpus attack: the name alone, with another address.
        ("From: Mail Delivery System <bounces@mx.provider.it>\r\n", "named"),
        ("From: Mail Delivery Subsystem <xxx@example.com>\r\n", "subsystem"),
    ];
    for (headers, id) in cases {
        let message = format!(
            "{headers}To: assistenza@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\
             Message-ID: <{id}@mx.example.com>\r\n\r\nThe mail system could not deliver your message.\r\n"
        );
        let out = import_bytes(&d, &message);
        assert!(out.status.success(), "{id}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("skipped: bounce"), "{id}: {out:?}");
        assert_eq!(d.head(), head, "{id}: nothing is created");
    }
}

/// A message of `n` parts after its text, each an attachment.
fn message_with_parts(n: usize) -> String {
    let mut m = String::from(
        "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: tante parti\r\nMessage-ID: <parts@mail.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nVedi allegati.\r\n",
    );
    for i in 0..n {
        m.push_str(&format!(
            "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"p{i}.bin\"\r\n\r\nx\r\n"
        ));
    }
    m + "--b--\r\n"
}

#[test]
fn a_message_of_too_many_parts_or_attachments_is_refused_quickly_writing_nothing() {
    let d = TestDesk::example();
    let head = d.head();
    let start = std::time::Instant::now();
    d.tkt(&["import", "email", "-"])
        .write_stdin(message_with_parts(10_000))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("more than 200 MIME parts (intake.max_parts"));
    assert!(start.elapsed().as_secs() < 10, "refused before parsing: {:?}", start.elapsed());
    d.tkt(&["import", "email", "-"])
        .write_stdin(message_with_parts(21))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("21 attachments, over intake.max_attachments (20)"));
    assert_eq!(d.head(), head);
    assert_eq!(d.status(), "");
    assert!(!d.path("attachments/R-2026-0004").exists());
    // Bulk mail over a limit is skipped as bulk mail is, not refused: refused, it stayed
    // in the maildir and failed every cron run (found by a review with real newsletters).
    let bulk =
        message_with_parts(21).replacen("Subject:", "Precedence: bulk\r\nList-Id: <news.example>\r\nSubject:", 1);
    assert!(bulk.contains("List-Id"));
    d.tkt(&["import", "email", "-"]).write_stdin(bulk).assert().success().stderr(predicate::str::contains("skipped"));
    assert_eq!(d.head(), head);

    let config = d.read("tkt.toml") + "\n[intake]\nmax_attachments = 30\n";
    d.write("tkt.toml", &config);
    d.git(&["commit", "-qam", "more attachments"]);
    d.tkt(&["import", "email", "-"]).write_stdin(message_with_parts(21)).assert().success();
}

#[test]
fn apple_mails_text_photo_text_keeps_both_texts_and_the_photo() {
    let d = TestDesk::example();
    let message = "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: perdita\r\nMessage-ID: <apple@mail.example>\r\n\
                   MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
                   --b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPerde acqua da sotto.\r\n\
                   --b\r\nContent-Type: image/jpeg; name=\"IMG_0001.jpeg\"\r\nContent-Disposition: inline; filename=\"IMG_0001.jpeg\"\r\n\
                   Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n\
                   --b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nCome vedete dalla foto.\r\n--b--\r\n";
    assert!(import_bytes(&d, message).status.success());
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["body"], "Perde acqua da sotto.\n\nCome vedete dalla foto.");
    assert_eq!(
        r["attachments"],
        serde_json::json!(["attachments/R-2026-0004/IMG_0001.jpeg", "attachments/R-2026-0004/message.eml"])
    );
}

#[test]
fn long_text_goes_to_a_file_and_every_record_written_reads_back() {
    let d = TestDesk::example();
    // 1.1 MB of control characters: YAML would escape each one in four bytes.
    let noise: String = (0..1_100_000).map(|i| char::from(1 + (i % 8) as u8)).collect();
    let message = format!(
        "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: rumore\r\nMessage-ID: <noise@mail.example>\r\n\r\n{noise}\r\n"
    );
    assert!(import_bytes(&d, &message).status.success());
    let r = request(&d, "R-2026-0004");
    let body = r["body"].as_str().unwrap();
    assert!(body.len() < 70_000, "an excerpt: {} bytes", body.len());
    assert!(body.ends_with("the full text is in attachments/R-2026-0004/text.txt]"), "{}", &body[body.len() - 100..]);
    assert_eq!(d.read("attachments/R-2026-0004/text.txt").len(), noise.len());
    assert!(std::fs::metadata(d.path("requests/2026/R-2026-0004.yaml")).unwrap().len() < 1_000_000);

    let big = "Testo lungo. ".repeat(400_000);
    let message = format!(
        "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: lungo\r\nMessage-ID: <long@mail.example>\r\n\r\n{big}\r\n"
    );
    assert!(import_bytes(&d, &message).status.success());
    d.ok(&["request", "list"]);
    d.ok(&["report", "summary"]);

    // A note too long for a record is refused, and the ticket stays usable.
    let head = d.head();
    let note = "x".repeat(5 * 1024 * 1024);
    d.tkt(&["ticket", "note", "T-2026-0001", "-"])
        .write_stdin(note)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("over the 4194304 bytes a record may hold"));
    assert_eq!(d.head(), head);
    assert_eq!(d.status(), "");
    d.ok(&["ticket", "show", "T-2026-0001"]);
    d.ok(&["ticket", "list"]);
    // A ticket refused so takes no number (found by a careless-office attack: the next
    // ticket skipped one).
    let number = |id: String| id.trim().rsplit('-').next().unwrap().parse::<u32>().unwrap();
    let before = number(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "prima"]));
    let head = d.head();
    d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", "lungo", "--problem", "-"])
        .write_stdin("x".repeat(5 * 1024 * 1024))
        .assert()
        .code(4);
    assert_eq!(d.head(), head);
    assert_eq!(d.status(), "");
    assert_eq!(number(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "dopo"])), before + 1);
}

/// Found by an intake review: 16 replies of 65,000 control characters each (under the
/// 64 KiB kept in a record, but four times that once escaped) filled a ticket to 4 MiB,
/// and every later mail and a technician's note were refused.
#[test]
fn mail_never_fills_a_ticket_so_a_technician_can_no_longer_write_to_it() {
    let d = TestDesk::example();
    let reply = |n: usize, text: &str| {
        format!(
            "From: Ristorante Da Mario <info@damario.example>\r\nSubject: Re: [T-2026-0002] perde acqua\r\n\
             Message-ID: <grow{n}@damario.example>\r\n\r\n{text}\r\n"
        )
    };
    let file = "tickets/2026/000/T-2026-0002.yaml";
    let size = |d: &TestDesk| std::fs::metadata(d.path(file)).unwrap().len();
    let before = size(&d);
    assert!(import_bytes(&d, &reply(1, &"\u{1}".repeat(65_000))).status.success());
    assert!(size(&d) - before < 70_000, "a text is measured as written: {} bytes more", size(&d) - before);
    // A ticket already a quarter of the most a record may hold keeps a message's text beside it.
    let ticket = d.read(file);
    d.write(file, &ticket.replacen("problem: ", &format!("problem: {} ", "Perdita. ".repeat(120_000)), 1));
    d.git(&["commit", "-qam", "a long problem"]);
    let before = size(&d);
    assert!(import_bytes(&d, &reply(2, &"Ancora. ".repeat(1000))).status.success());
    assert!(size(&d) - before < 2_000, "only the note's pointer: {} bytes more", size(&d) - before);
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0002", "--format", "json"])).unwrap();
    let text = t["notes"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(text.starts_with("[… 7999 bytes in all: the full text is in attachments/T-2026-0002/"), "{text}");
    d.ok(&["ticket", "note", "T-2026-0002", &"Richiamato il cliente. ".repeat(50)]);
    assert_eq!(d.status(), "");

    // Found by a real-mail review: what headers say (a From name of megabytes, a subject,
    // a Message-ID) was copied whole, and one message made a ticket of 3.9 MB.
    let before = size(&d);
    let huge = format!(
        "From: \"{}\" <info@damario.example>\r\nSubject: Re: [T-2026-0002] {}\r\nMessage-ID: <{}@damario.example>\r\n\r\nva bene\r\n",
        "A".repeat(3_900_000),
        "perde ".repeat(100_000),
        "x".repeat(100_000)
    );
    assert!(import_bytes(&d, &huge).status.success());
    assert!(size(&d) - before < 3_000, "a note of a few header lines: {} bytes more", size(&d) - before);
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0002", "--format", "json"])).unwrap();
    let by = t["notes"].as_array().unwrap().last().unwrap()["by"].as_str().unwrap().to_string();
    assert!(by.starts_with("AAAA") && by.ends_with("… <info@damario.example>"), "{by}");
    // Imported again, it is the same message (known by its content, its id being no id).
    let out = import_bytes(&d, &huge);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already imported into T-2026-0002"), "{out:?}");
    d.tkt(&["ticket", "note", "T-2026-0002", "-"]).write_stdin("x".repeat(300_000)).assert().success();
}

#[test]
fn escape_sequences_a_stranger_sends_never_reach_the_terminal_or_a_commit_message() {
    let d = TestDesk::example();
    let esc = "\x1b]0;pwned\x07\x1b[2J\x1b[31m";
    let message = format!(
        "From: \"Mario{esc}\" <mario.rossi@mail.example>\r\nSubject: Caldaia {esc}rotta\r\n\
         Message-ID: <esc@mail.example>\r\n\r\nTesto {esc}qui.\r\n"
    );
    assert!(import_bytes(&d, &message).status.success());
    assert!(d.read("requests/2026/R-2026-0004.yaml").contains("\\e]0;pwned"), "stored as received");
    d.ok(&["request", "promote", "R-2026-0004"]);
    d.ok(&["customer", "edit", "C-0001", "--name", &format!("Rossi {esc}Impianti")]);
    let shown = [
        d.ok(&["request", "list", "--format", "table"]),
        d.ok(&["request", "show", "R-2026-0004"]),
        d.ok(&["ticket", "list", "--format", "table"]),
        d.ok(&["ticket", "show", "T-2026-0021"]),
        d.ok(&["doc", "print", "WR-2026-0006", "--format", "text"]),
        d.git(&["log", "--format=%B"]),
        // The ticket's history: its title and the note a reply added (found by a scripting
        // attack: `ticket log` wrote them raw).
        {
            d.ok(&["ticket", "note", "T-2026-0021", &format!("risposta {esc}qui")]);
            d.ok(&["ticket", "log", "T-2026-0021"])
        },
    ];
    for out in shown {
        assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out}");
    }
    assert!(d.ok(&["request", "show", "R-2026-0004"]).contains("Caldaia ␛]0;pwned␇␛[2J␛[31mrotta"));
    // A work report prints the customer as it is now (an invoice, as it was at issue).
    assert!(d.ok(&["doc", "print", "WR-2026-0006", "--format", "text"]).contains("Rossi ␛]0;pwned"));
}

fn tagged(from: &str, subject: &str, id: &str) -> String {
    format!(
        "From: {from}\nTo: assistenza@termoclimabianchi.example\nSubject: {subject}\n\
         Date: Thu, 26 Nov 2026 10:00:00 +0100\nMessage-ID: <{id}@mail.example>\n\
         Content-Type: text/plain; charset=utf-8\n\nLa caldaia si è fermata di nuovo.\n"
    )
}

#[test]
fn a_reply_to_a_closed_ticket_is_listed_and_marked_or_reopens_it() {
    let d = TestDesk::example();
    assert_eq!(d.ok(&["ticket", "list", "--replied", "--format", "json"]).trim(), "[]");
    d.tkt(&["import", "email", "-"])
        .write_stdin(tagged("Trattoria <info@damario.example>", "Re: [T-2026-0002] Forno", "closed-1"))
        .assert()
        .success()
        .stdout("T-2026-0002\n")
        .stderr(predicate::str::contains("T-2026-0002 is closed"));
    let ids: Vec<String> =
        serde_json::from_str::<Vec<serde_json::Value>>(&d.ok(&["ticket", "list", "--replied", "--format", "json"]))
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect();
    assert_eq!(ids, ["T-2026-0002"]);
    let show = d.ok(&["ticket", "show", "T-2026-0002"]);
    assert!(show.contains("reply after close") && show.contains("info@damario.example"), "{show}");
    assert!(!d.ok(&["ticket", "show", "T-2026-0003"]).contains("reply after close"));

    // With [intake] reopen, the reply moves the ticket back to work.
    let d = TestDesk::example();
    d.write("tkt.toml", &format!("{}\n[intake]\nreopen = \"in-lavorazione\"\n", d.read("tkt.toml")));
    d.git(&["commit", "-qam", "reopen replies"]);
    d.tkt(&["import", "email", "-"])
        .write_stdin(tagged("info@damario.example", "Re: [T-2026-0002] Forno", "closed-2"))
        .assert()
        .success()
        .stdout("T-2026-0002\n");
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0002", "--format", "json"])).unwrap();
    assert_eq!(t["state"], "in-lavorazione");
    assert!(t["closed_at"].is_null());
    assert_eq!(
        d.last_message(),
        "T-2026-0002: note by email from info@damario.example, reopened chiuso -> in-lavorazione"
    );
    assert_eq!(d.ok(&["ticket", "list", "--replied", "--format", "json"]).trim(), "[]");
    assert_eq!(d.status(), "");

    // The desk's own copy of its closing mail is a note and no reply of the customer
    // (found by a review: the office was told the customer wrote back).
    let d = TestDesk::example();
    d.tkt(&["import", "email", "-"])
        .write_stdin(tagged(
            "Assistenza <assistenza@termoclimabianchi.example>",
            "[T-2026-0002] Forno chiuso",
            "copy-1",
        ))
        .assert()
        .success()
        .stdout("T-2026-0002\n");
    assert_eq!(d.ok(&["ticket", "list", "--replied", "--format", "json"]).trim(), "[]");
    assert!(!d.ok(&["ticket", "show", "T-2026-0002"]).contains("reply after close"));
}

#[test]
fn a_ticket_tag_from_a_stranger_opens_a_linked_request_or_a_flagged_note() {
    let d = TestDesk::example();
    let before = d.read("tickets/2026/000/T-2026-0002.yaml");
    d.tkt(&["import", "email", "-"])
        .write_stdin(tagged("Intruso <chiunque@altrove.example>", "[T-2026-0002] scrivo anch'io", "stranger-1"))
        .assert()
        .success()
        .stdout("R-2026-0004\n");
    assert_eq!(d.read("tickets/2026/000/T-2026-0002.yaml"), before, "the other customer's ticket is untouched");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["related"], "T-2026-0002");
    assert!(r["warnings"].to_string().contains("is not the address of its customer C-0002"), "{r}");

    // The customer's own address still threads to the ticket.
    d.tkt(&["import", "email", "-"])
        .write_stdin(tagged("INFO@damario.example", "Re: [T-2026-0002] Forno", "own-1"))
        .assert()
        .success()
        .stdout("T-2026-0002\n");

    // With stranger_tag = "note", a flagged note instead.
    let d = TestDesk::example();
    d.write("tkt.toml", &format!("{}\n[intake]\nstranger_tag = \"note\"\n", d.read("tkt.toml")));
    d.git(&["commit", "-qam", "notes from strangers"]);
    d.tkt(&["import", "email", "-"])
        .write_stdin(tagged("chiunque@altrove.example", "[T-2026-0015] ciao", "stranger-2"))
        .assert()
        .success()
        .stdout("T-2026-0015\n");
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0015", "--format", "json"])).unwrap();
    let note = t["notes"].as_array().unwrap().last().unwrap().clone();
    assert!(note["warning"].as_str().unwrap().contains("chiunque@altrove.example names T-2026-0015"), "{note}");
    assert!(d.ok(&["ticket", "show", "T-2026-0015"]).contains("[warning: chiunque@altrove.example"));
}

/// Base64 sent without its closing `=` padding is read whole, as other mail readers do:
/// the body's last word and the attachment's last bytes are kept (found by an intake
/// attack: "errore E4" was stored as "errore E", a 17-byte PDF as 15 bytes). Lines end
/// in LF, as in a maildir.
#[test]
fn base64_without_its_padding_loses_no_byte() {
    use base64::Engine;
    let d = TestDesk::example();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
    let pdf = b"%PDF-1.4 ...%%EOF";
    let mail = format!(
        "From: Mario <info@damario.example>\nSubject: errore pompa\nMessage-ID: <nopad@damario.example>\n\
         MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\n\
         Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{}\n--B\n\
         Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"scheda.pdf\"\n\
         Content-Transfer-Encoding: base64\n\n{}\n--B--\n",
        b64("Matricola AC12M01544, errore E4".as_bytes()),
        b64(pdf)
    );
    let id = d.tkt(&["import", "email", "-"]).write_stdin(mail).assert().success().get_output().stdout.clone();
    let id = String::from_utf8(id).unwrap();
    let r = request(&d, id.trim());
    assert_eq!(r["body"], "Matricola AC12M01544, errore E4", "{r}");
    let stored = d.path(&format!("attachments/{}/scheda.pdf", id.trim()));
    assert_eq!(std::fs::read(&stored).unwrap(), pdf);
}

/// A request taken by phone, with no customer and no address, is its caller's: a mail
/// naming it is a stranger's, never a note on it (found by an intake attack: anyone could
/// add a note to a phone request by guessing its number).
#[test]
fn a_mail_naming_a_phone_request_is_a_strangers() {
    let d = TestDesk::example();
    let r = d.ok(&[
        "request",
        "create",
        "--subject",
        "Caldaia in blocco",
        "--contact-name",
        "Neri",
        "--contact-phone",
        "333 1234567",
    ]);
    let r = r.trim();
    let before = d.read(&format!("requests/2026/{r}.yaml"));
    let new = d
        .tkt(&["import", "email", "-"])
        .write_stdin(tagged("Qualcuno <evil@attacker.example>", &format!("Re: [{r}] annullate"), "phone-1"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let new = String::from_utf8(new).unwrap();
    assert_ne!(new.trim(), r, "a new request, not a note");
    assert_eq!(d.read(&format!("requests/2026/{r}.yaml")), before, "the phone request is untouched");
    let opened = request(&d, new.trim());
    assert_eq!(opened["related"], r);
    assert!(opened["warnings"].to_string().contains("left no e-mail address"), "{opened}");
}

/// The id of a stored message is no secret either: it travels in every copy of the thread.
/// A stranger's reply whose `References` or `In-Reply-To` names the customer's message is
/// checked as a tag is, and never reopens the ticket (found by an intake review: it was
/// added silently, and reopened a closed ticket).
#[test]
fn a_reply_header_from_a_stranger_is_checked_like_a_tag_and_reopens_nothing() {
    let d = TestDesk::example();
    d.tkt(&["import", "email", "-"])
        .write_stdin(tagged("info@damario.example", "Re: [T-2026-0002] Forno", "own-2"))
        .assert()
        .success()
        .stdout("T-2026-0002\n");
    d.write("tkt.toml", &format!("{}\n[intake]\nreopen = \"in-lavorazione\"\n", d.read("tkt.toml")));
    d.git(&["commit", "-qam", "reopen replies"]);
    let before = d.read("tickets/2026/000/T-2026-0002.yaml");
    let reply = |header: &str, id: &str| {
        tagged("Intruso <chiunque@altrove.example>", "Re: Forno", id).replacen(
            "Content-Type",
            &format!("{header}: <own-2@mail.example>\nContent-Type"),
            1,
        )
    };
    d.tkt(&["import", "email", "-"])
        .write_stdin(reply("References", "stranger-3"))
        .assert()
        .success()
        .stdout("R-2026-0004\n");
    assert_eq!(d.read("tickets/2026/000/T-2026-0002.yaml"), before, "the customer's ticket is untouched");
    let r = request(&d, "R-2026-0004");
    assert_eq!(r["related"], "T-2026-0002");

    d.write("tkt.toml", &d.read("tkt.toml").replace("[intake]\n", "[intake]\nstranger_tag = \"note\"\n"));
    d.git(&["commit", "-qam", "notes from strangers"]);
    d.tkt(&["import", "email", "-"])
        .write_stdin(reply("In-Reply-To", "stranger-4"))
        .assert()
        .success()
        .stdout("T-2026-0002\n");
    let t: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0002", "--format", "json"])).unwrap();
    assert_eq!(t["state"], "chiuso", "a stranger's reply reopens nothing");
    let note = t["notes"].as_array().unwrap().last().unwrap().clone();
    assert!(note["warning"].as_str().unwrap().contains("chiunque@altrove.example"), "{note}");
    assert_eq!(d.status(), "");
}

/// Found by an intake review: a stranger sending under a customer's Message-ID took its
/// thread (the customer's reply opened a request linked to the stranger's) and made the
/// customer's own message new again; and a message whose sender gave no address was
/// added as a note on every import.
#[test]
fn a_message_id_a_stranger_reuses_takes_neither_the_thread_nor_the_customers_copy() {
    let d = TestDesk::example();
    let msg = |from: &str, headers: &str| {
        format!("From: {from}\r\nSubject: Forno rotto\r\nMessage-ID: <shared-1@damario.example>\r\n{headers}\r\nNon scalda.\r\n")
    };
    let customer = msg("Da Mario <info@damario.example>", "");
    let out = |m: &str| String::from_utf8(import_bytes(&d, m).stdout).unwrap();
    assert_eq!(out(&customer), "R-2026-0004\n");
    assert_eq!(out(&msg("spam@elsewhere.example", "")), "R-2026-0005\n", "another sender's message is its own");
    let reply = "From: info@damario.example\r\nSubject: Re: Forno rotto\r\nMessage-ID: <reply-1@damario.example>\r\n\
                 In-Reply-To: <shared-1@damario.example>\r\nReferences: <shared-1@damario.example>\r\n\r\nAncora rotto.\r\n";
    assert_eq!(out(reply), "R-2026-0004\n", "the customer's reply is a note on the customer's request");
    let commits = d.commits();
    assert_eq!(out(&customer), "R-2026-0004\n");
    assert_eq!(d.commits(), commits, "the customer's message again is a duplicate");

    let nameless =
        "From: Mario Rossi\r\nSubject: Re: [R-2026-0004] guasto\r\nMessage-ID: <na-2@x.example>\r\n\r\nciao\r\n";
    out(nameless);
    let notes = request(&d, "R-2026-0004")["notes"].as_array().unwrap().len();
    out(nameless);
    assert_eq!(request(&d, "R-2026-0004")["notes"].as_array().unwrap().len(), notes, "imported twice, noted once");
    // Found by a review of this fix: an address without `@` was such a sender again, and a
    // stranger's request under an id took the replies of a note stored before it.
    let bare = "From: Mario <mario>\r\nSubject: Re: [R-2026-0004] guasto\r\nMessage-ID: <m2@h>\r\n\r\ny\r\n";
    out(bare);
    let notes = request(&d, "R-2026-0004")["notes"].as_array().unwrap().len();
    out(bare);
    assert_eq!(request(&d, "R-2026-0004")["notes"].as_array().unwrap().len(), notes, "a bare name, noted once");
    let thanks = "From: amministrazione@lequerce.example\r\nSubject: [T-2026-0008] grazie\r\n\
                  Message-ID: <m1@lequerce.example>\r\n\r\nGrazie.\r\n";
    assert_eq!(out(thanks), "T-2026-0008\n");
    let copy = "From: evil@x.example\r\nSubject: offerta\r\nMessage-ID: <m1@lequerce.example>\r\n\r\nCompra.\r\n";
    let later = d.tkt(&["import", "email", "-"]).env("TKT_NOW", "2026-11-27T10:00:00+01:00").write_stdin(copy).output();
    let stranger = String::from_utf8(later.unwrap().stdout).unwrap();
    let reply = "From: portiere@lequerce.example\r\nSubject: Re: grazie\r\nMessage-ID: <m3@lequerce.example>\r\n\
                 In-Reply-To: <m1@lequerce.example>\r\n\r\nDi nulla.\r\n";
    let id = out(reply);
    assert_ne!(id, stranger);
    assert_eq!(request(&d, id.trim())["related"], "T-2026-0008", "a colleague's reply relates to the customer's");
    let other = reply.replace("portiere@lequerce.example", "tecnico@altrove.example").replace("<m3@", "<m4@");
    let id = out(&other);
    assert_eq!(request(&d, id.trim())["related"], "T-2026-0008", "anyone else's to the message stored first");
    assert_eq!(d.status(), "");
}

/// Mail as public corpora hold it (found by an intake review): Chinese, Japanese and
/// Korean charsets are decoded; an mbox is refused naming its file (it was read as one
/// message); a maildir message whose file name is not UTF-8 keeps its name in cur/ (it was
/// renamed `:2,S`, and the next one overwrote it).
#[test]
fn east_asian_charsets_mboxes_and_maildir_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let d = TestDesk::example();
    let mut gbk =
        b"From: Mario Rossi <mario.rossi@mail.example>\nSubject: gbk\nMessage-ID: <gbk@x>\nMIME-Version: 1.0\n\
                    Content-Type: text/plain; charset=gbk\nContent-Transfer-Encoding: 8bit\n\n"
            .to_vec();
    gbk.extend_from_slice(&[0xb9, 0xf8, 0xc2, 0xaf, 0xb9, 0xca, 0xd5, 0xcf, b'\n']);
    let id = d.tkt(&["import", "email", "-"]).write_stdin(gbk).output().unwrap();
    let id = String::from_utf8(id.stdout).unwrap();
    assert!(request(&d, id.trim())["body"].as_str().unwrap().contains("锅炉故障"));

    let mbox = d.tmp.path().join("two.mbox");
    let one = |who: &str, n: u8| {
        format!("From {who} Sat Nov 28 10:00:00 2026\nFrom: {who}\nSubject: s{n}\nMessage-ID: <mb{n}@x>\n\nCorpo {n}\n")
    };
    std::fs::write(&mbox, one("mario.rossi@mail.example", 1) + "\n" + &one("evil@x.example", 2)).unwrap();
    let head = d.head();
    d.tkt(&["import", "email", mbox.to_str().unwrap()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("two.mbox: more than one message (an mbox)"));
    assert_eq!(d.head(), head);
    // One message saved by Thunderbird, whose text has a paragraph starting "From ", is
    // one message (found by a real-mail review: it was refused as an mbox).
    let saved = d.tmp.path().join("saved.eml");
    std::fs::write(&saved, one("-", 3).replace("Corpo 3\n", "Corpo 3\n\nFrom the display: errore E34\n")).unwrap();
    let id = d.ok(&["import", "email", saved.to_str().unwrap()]);
    assert!(request(&d, id.trim())["body"].as_str().unwrap().contains("From the display: errore E34"));

    let md = d.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    for (n, file) in ["gmail_new_request.eml", "outlook_new.eml"].iter().enumerate() {
        let mut raw = format!("{n}.M1.h").into_bytes();
        raw.push(0xe9);
        std::fs::copy(mail(file), md.join("new").join(std::ffi::OsStr::from_bytes(&raw))).unwrap();
    }
    d.tkt(&["import", "maildir", md.to_str().unwrap()]).assert().success();
    let cur: Vec<_> = std::fs::read_dir(md.join("cur")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(cur.len(), 2, "{cur:?}");
    assert!(cur.iter().all(|n| n.as_bytes().ends_with(b"\xe9:2,S")), "{cur:?}");
}

/// Two attachments whose names differ only in case are two files on every clone, Windows
/// and macOS ones too (found by an intake review).
#[test]
fn attachment_names_that_differ_only_in_case_are_two_files() {
    let d = TestDesk::example();
    let part = |name: &str| {
        format!("--B\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=\"{name}\"\n\nx{name}\n")
    };
    let raw = format!(
        "From: mario.rossi@mail.example\nSubject: foto\nMessage-ID: <case@x>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nfoto\n{}{}--B--\n",
        part("foto.jpg"),
        part("FOTO.JPG")
    );
    d.tkt(&["import", "email", "-"]).write_stdin(raw).assert().success().stdout("R-2026-0004\n");
    let stored = request(&d, "R-2026-0004")["attachments"].clone();
    assert_eq!(
        stored,
        serde_json::json!([
            "attachments/R-2026-0004/foto.jpg",
            "attachments/R-2026-0004/FOTO-2.JPG",
            "attachments/R-2026-0004/message.eml"
        ])
    );
}

/// What a stranger's mail or form post can still do, found by a real-mail review: write
/// unflagged on a request of no customer, take a customer by typing its P.IVA into the
/// form, drop another sender's message by reusing its Message-ID, take the name the next
/// kept message gets, and pass the attachment limits inside a PEC.
#[test]
fn strangers_cannot_borrow_a_request_a_partita_iva_a_message_id_or_a_name() {
    let d = TestDesk::example();
    let mail = |from: &str, subject: &str, id: &str, extra: &str| {
        format!(
            "From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nTesto {id}.\n{extra}--b--\n"
        )
    };
    let out = import_bytes(&d, &mail("gianni@gmail.example", "Lavatrice", "a1@gmail.example", ""));
    let first = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // Another sender replying to it writes nothing on it: a request of its own, linked.
    let out = import_bytes(&d, &mail("evil@bad.example", &format!("Re: [{first}] x"), "e1@bad.example", ""));
    let stranger = request(&d, String::from_utf8_lossy(&out.stdout).trim());
    assert_eq!(stranger["related"], first.as_str(), "{stranger}");
    assert!(stranger["warnings"].to_string().contains("not the address of its sender"), "{stranger}");
    assert_eq!(request(&d, &first)["notes"], serde_json::json!([]));
    // The same Message-ID from another sender is another message.
    let out = import_bytes(&d, &mail("mario.rossi@mail.example", "Altro", "a1@gmail.example", ""));
    let second = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(second.starts_with("R-2026-") && second != first, "{second}");
    // A sender's `message-2.eml` is not the name of a kept message.
    let part = "--b\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"message-2.eml\"\n\nSubject: x\n\ny\n";
    let out = import_bytes(&d, &mail("mario.rossi@mail.example", "Con allegato", "m2@mail.example", part));
    let third = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let r = request(&d, &third);
    assert!(r["attachments"].to_string().contains("attached message-2.eml"), "{r}");
    // A form post with C-0004's P.IVA and a stranger's address names no customer.
    let post = "name=X&email=evil%40bad.example&subject=s&description=d&vat_number=01129473656&consent=on";
    let out = d.tkt(&["import", "form", "-"]).write_stdin(post).output().unwrap();
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let r = request(&d, &id);
    assert!(r["customer"].is_null() && r["warnings"].to_string().contains("is C-0004's"), "{r}");
    // A PEC carrying more attachments than [intake] allows is refused like any message.
    let config = d.read("tkt.toml") + "\n[intake]\nmax_attachments = 3\n";
    d.write("tkt.toml", &config);
    d.git(&["commit", "-qam", "limits"]);
    let pec =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/intake/pec/customer_request.eml"))
            .unwrap();
    let png = &pec[pec.find("--inner\r\nContent-Type: image/png").unwrap()..pec.find("--inner--").unwrap()];
    let many = pec.replace(png, &png.repeat(5));
    d.tkt(&["import", "email", "-"])
        .write_stdin(many)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("over intake.max_attachments"));
}

/// A message forwarded as an attachment, with no word of the forwarder's own, is read for
/// its text and its serial (found by a real-mail review: an empty request, the serial in
/// the attached message unlinked).
#[test]
fn a_message_forwarded_as_an_attachment_is_read_for_its_text() {
    let d = TestDesk::example();
    let inner = "From: cliente@example.com\nSubject: Codice errore F28\n\nLa caldaia CV24-104233 segna F28.\n";
    let outer = format!(
        "From: segreteria@example.com\nSubject: Fw: Codice errore F28\nMessage-ID: <fw1@example.com>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n\n--b\n\
         Content-Type: message/rfc822\nContent-Disposition: attachment; filename=\"Codice errore F28.eml\"\n\n{inner}\n--b--\n"
    );
    let out = import_bytes(&d, &outer);
    let r = request(&d, String::from_utf8_lossy(&out.stdout).trim());
    assert!(r["body"].as_str().is_some_and(|b| b.contains("segna F28")), "{r}");
    assert_eq!(r["serial"], "CV24-104233", "{r}");
}

/// Found by a mail attack: a stranger's message dressed as SDI's certified mail, whose
/// receipt names a file ending in a letter of more than one byte (`n€12`), made tkt panic,
/// and in a maildir the panic stopped the whole run: every later message stayed in `new/`
/// on every cron run. The receipt names no e-invoice of the desk: a person reads it.
#[test]
fn a_forged_sdi_receipt_naming_any_file_stops_no_mail() {
    let d = TestDesk::example();
    let md = d.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    let receipt = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<NotificaScarto versione=\"1.0\"><IdentificativoSdI>1\
                   </IdentificativoSdI><NomeFile>Fattura n€12</NomeFile></NotificaScarto>\n";
    let forged = format!(
        "From: \"Per conto di: sdi01@pec.fatturapa.it\" <posta-certificata@pec.example>\r\nTo: fatture@pec.example\r\n\
         Subject: POSTA CERTIFICATA: Notifica di scarto\r\nMessage-ID: <opec1@pec.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"PP\"\r\n\r\n--PP\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Messaggio di posta certificata.\r\n--PP\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\n\
         Content-Disposition: attachment; filename=\"daticert.xml\"\r\n\r\n<?xml version=\"1.0\"?>\r\n\
         <postacert tipo=\"posta-certificata\" errore=\"nessuno\"></postacert>\r\n--PP\r\n\
         Content-Type: application/xml; name=\"IT01234567897_00001_NS_001.xml\"\r\n\
         Content-Disposition: attachment; filename=\"IT01234567897_00001_NS_001.xml\"\r\n\r\n{receipt}--PP--\r\n"
    );
    std::fs::write(md.join("new/1000.stranger"), forged).unwrap();
    std::fs::copy(mail("gmail_new_request.eml"), md.join("new/2000.customer")).unwrap();
    d.tkt(&["import", "maildir", md.to_str().unwrap()]).assert().success().stdout("R-2026-0004\nR-2026-0005\n");
    assert_eq!(std::fs::read_dir(md.join("new")).unwrap().count(), 0, "nothing left behind");
    let file = d.tmp.path().join("ns.xml");
    std::fs::write(&file, receipt).unwrap();
    d.tkt(&["import", "sdi", file.to_str().unwrap()]).assert().code(3).stderr(predicate::str::contains("Fattura n€12"));
}

/// Found by a mail attack: a unit's file that did not read failed every message naming its
/// serial (left in `new/` for every cron run), the error naming the message. The message is
/// taken, the unit not linked, and the warning names the unit's file.
#[test]
fn a_unit_whose_file_does_not_read_stops_no_message_naming_it() {
    let d = TestDesk::example();
    let path = "equipment/AC09H00456.yaml";
    d.write(path, &format!("{}serial: doppio\n", d.read(path)));
    let message = "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: clima\r\n\
                   Message-ID: <unit@mail.example>\r\n\r\nIl condizionatore AC09H00456 perde acqua.\r\n";
    let out = import_bytes(&d, message);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap();
    let request: serde_json::Value =
        serde_json::from_str(&d.ok(&["request", "show", id.trim(), "--format", "json"])).unwrap();
    assert!(request["serial"].is_null() && request["body"].as_str().unwrap().contains("perde acqua"), "{request}");
    let warnings = request["warnings"].to_string();
    assert!(warnings.contains("AC09H00456 is not linked") && warnings.contains(path), "{request}");
    // Fixed, the unit is linked, its serial typed in any case (found by a mail attack).
    d.git(&["checkout", "--", path]);
    let lower = message.replace("AC09H00456", "ac09h00456").replace("<unit@", "<unit2@");
    let id = String::from_utf8(import_bytes(&d, &lower).stdout).unwrap();
    let request: serde_json::Value =
        serde_json::from_str(&d.ok(&["request", "show", id.trim(), "--format", "json"])).unwrap();
    assert_eq!(request["serial"], "AC09H00456", "{request}");
}

/// Found by a review: a maildir run whose first message was given a number and then failed
/// (a stray file where its attachments go) left that number's knowledge of history in
/// memory; the next message's commit moved the mark on, and a request number committed and
/// deleted before was given again.
#[test]
fn a_message_that_fails_in_a_maildir_run_leaves_no_number_to_be_given_twice() {
    let d = TestDesk::example();
    d.ok(&["request", "create", "--channel", "phone", "--customer", "C-0001", "--subject", "uno"]);
    let copy = d.read("requests/2026/R-2026-0004.yaml").replace("R-2026-0004", "R-2026-0005");
    d.write("requests/2026/R-2026-0005.yaml", &copy);
    d.git(&["add", "requests"]);
    d.git(&["commit", "-qm", "R-2026-0005 by hand"]);
    d.git(&["rm", "-q", "requests/2026/R-2026-0005.yaml"]);
    d.git(&["commit", "-qm", "R-2026-0005 deleted"]);
    let maildir = d.tmp.path().join("maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::write(
        maildir.join("new/1"),
        "From: x@stranger.example\r\nSubject: help\r\nMessage-ID: <a1@s>\r\n\r\nboiler broken\r\n",
    )
    .unwrap();
    std::fs::write(
        maildir.join("new/2"),
        "From: manutenzione@hotellagoblu.example\r\nSubject: Re: [T-2026-0001] x\r\nMessage-ID: <a2@s>\r\n\r\nok\r\n",
    )
    .unwrap();
    d.write("attachments/R-2026-0006", "");
    d.tkt(&["import", "maildir", maildir.to_str().unwrap()]).assert().failure();
    std::fs::remove_file(d.path("attachments/R-2026-0006")).unwrap();
    let next = d.ok(&["request", "create", "--channel", "phone", "--customer", "C-0001", "--subject", "due"]);
    assert_eq!(next, "R-2026-0006\n");
}

/// A serial is looked for in what the request keeps of a text (its first 64 KiB), not in
/// all of a long one: each registered unit was looked for in turn over all 20 MB of a
/// message, 19 s on a desk of 15,000 units with the desk locked (found by a mail attack).
#[test]
fn a_serial_is_looked_for_in_the_text_a_request_keeps() {
    let d = TestDesk::example();
    let filler = "Registro allarmi: pressione bassa.\r\n".repeat(2_000);
    let mail = |id: &str, text: &str| {
        format!(
            "From: Mario Rossi <mario.rossi@mail.example>\r\nSubject: Registro\r\nMessage-ID: <{id}@mail.example>\r\n\r\n{text}\r\n"
        )
    };
    let serial = |out: std::process::Output| {
        let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
        request(&d, &id)["serial"].clone()
    };
    assert_eq!(serial(import_bytes(&d, &mail("early", &format!("Caldaia CV24-104233.\r\n{filler}")))), "CV24-104233");
    assert!(serial(import_bytes(&d, &mail("late", &format!("{filler}Caldaia CV24-104233.")))).is_null());
}
