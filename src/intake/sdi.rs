//! SDI's receipts (ricevute e notifiche, schema MessaggiTypes 1.0): what the Sistema di
//! Interscambio says about an e-invoice it received — delivered, rejected with its errors,
//! not deliverable, accepted or refused by a public administration, terms expired; and
//! the certified-mail (PEC) envelopes they and customers' messages arrive in.

use super::email::{parse_mail, Mail};

/// One receipt, read from its XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// RC, NS, MC, NE, DT or AT.
    pub kind: String,
    /// The e-invoice file it is about (`NomeFile`).
    pub file: String,
    /// SDI's number for that file (`IdentificativoSdI`).
    pub sdi_id: Option<String>,
    /// When SDI received, delivered or decided (as SDI wrote it).
    pub at: Option<String>,
    /// A rejection's errors: code and description.
    pub errors: Vec<(String, String)>,
    /// A public administration's outcome (NE): EC01 accepted, EC02 refused.
    pub outcome: Option<String>,
}

/// The receipt kinds by their root element.
const KINDS: [(&str, &str); 6] = [
    ("RicevutaConsegna", "RC"),
    ("NotificaScarto", "NS"),
    ("NotificaMancataConsegna", "MC"),
    ("NotificaEsito", "NE"),
    ("NotificaDecorrenzaTermini", "DT"),
    ("AttestazioneTrasmissioneFattura", "AT"),
];

/// Parses an XML file of SDI or of a PEC provider: providers write `daticert.xml` with its
/// DOCTYPE (`<!DOCTYPE postacert SYSTEM "Postacert.dtd">`), which is read, never fetched,
/// and its entities are bounded.
fn parse_xml<T>(bytes: &[u8], read: impl FnOnce(roxmltree::Node) -> Option<T>) -> Option<T> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
    let options = roxmltree::ParsingOptions { allow_dtd: true, nodes_limit: 100_000, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, options).ok()?;
    read(doc.root_element())
}

/// Reads a receipt; anything else (another XML, not XML) is `None`.
pub fn parse_receipt(bytes: &[u8]) -> Option<Receipt> {
    parse_xml(bytes, read_receipt)
}

fn read_receipt(root: roxmltree::Node) -> Option<Receipt> {
    let kind = KINDS.iter().find(|(name, _)| root.tag_name().name() == *name)?.1;
    let child = |name: &str| {
        root.descendants().find(|n| n.tag_name().name() == name).and_then(|n| n.text()).map(|t| t.trim().to_string())
    };
    let errors = root
        .descendants()
        .filter(|n| n.tag_name().name() == "Errore")
        .map(|e| {
            let part = |name: &str| {
                e.children()
                    .find(|n| n.tag_name().name() == name)
                    .and_then(|n| n.text())
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            (part("Codice"), part("Descrizione"))
        })
        .collect();
    Some(Receipt {
        kind: kind.to_string(),
        // The file as signed before it went (CAdES: `….xml.p7m`) is the one tkt exported.
        file: child("NomeFile").map(|f| {
            // `get`: a name may end in any character (found by a mail attack: `n€12` panicked).
            match f.len().checked_sub(4).filter(|&n| f.get(n..).is_some_and(|end| end.eq_ignore_ascii_case(".p7m"))) {
                Some(n) => f[..n].to_string(),
                None => f,
            }
        })?,
        sdi_id: child("IdentificativoSdI"),
        at: child("DataOraConsegna").or_else(|| child("DataOraRicezione")),
        errors,
        outcome: child("Esito"),
    })
}

/// The message a certified-mail (PEC) envelope carries for someone who sent it: the
/// provider writes the envelope ("Per conto di: …", "POSTA CERTIFICATA: …") around the
/// sender's own message, attached as `postacert.eml`, with `daticert.xml` of type
/// `posta-certificata`. Its sender, subject, text and attachments are the message's; the
/// envelope is kept whole with it (`message.eml`). `None` for any other message.
///
/// Ordinary mail sent to a PEC address arrives wrapped too, as an anomaly ("ANOMALIA
/// MESSAGGIO: …", no `daticert.xml`): the provider vouches for nothing, and the message it
/// carries is read as any ordinary message is — its sender's, threaded, skipped when
/// automatic (found by a mail attack: a customer writing from Gmail to the company's PEC
/// opened a request of the provider's, its words only in the attached file).
pub fn certified_original(envelope: &Mail, hash: impl Fn(&[u8]) -> String) -> Option<Mail> {
    let anomaly = from_pec_provider(envelope)
        && envelope.subject.trim_start().to_uppercase().starts_with("ANOMALIA MESSAGGIO")
        && !envelope.attachments.iter().any(|a| a.name.eq_ignore_ascii_case("daticert.xml"));
    if !certified_envelope(envelope) && !anomaly {
        return None;
    }
    let postacert = envelope.attachments.iter().find(|a| a.name.eq_ignore_ascii_case("postacert.eml"))?;
    let original = parse_mail(&postacert.bytes, hash).ok()?;
    if anomaly {
        return Some(original);
    }
    // The envelope names whom it carries for: a message it does not vouch for is not
    // read as its sender's (anyone can attach a `postacert.eml`), nor one of another
    // address at the same provider (`mrossi@` is not `rossi@`).
    let vouched = original.from_address.as_deref().zip(on_behalf_of(envelope));
    vouched.is_some_and(|(sender, on_behalf)| sender.eq_ignore_ascii_case(&on_behalf)).then_some(original)
}

/// The address a PEC provider's envelope carries a message for: its sender's name is
/// "Per conto di: ADDRESS".
pub fn on_behalf_of(envelope: &Mail) -> Option<String> {
    let name = envelope.from_name.as_deref()?.to_lowercase();
    let (_, address) = name.split_once("per conto di:")?;
    let address = address.trim().trim_matches(['<', '>', '"', ' ']);
    (!address.is_empty() && !address.contains(char::is_whitespace)).then(|| address.to_string())
}

/// Whether a message comes from a PEC provider's own address: every provider writes its
/// envelopes and receipts from `posta-certificata@…`.
pub fn from_pec_provider(mail: &Mail) -> bool {
    mail.from_address.as_deref().and_then(|a| a.split_once('@')).is_some_and(|(local, _)| local == "posta-certificata")
}

/// The type of a PEC provider's `daticert.xml` (`accettazione`, `avvenuta-consegna`,
/// `posta-certificata` for a message someone sent, …).
pub fn pec_receipt_type(bytes: &[u8]) -> Option<String> {
    parse_xml(bytes, |root| {
        (root.tag_name().name() == "postacert").then(|| root.attribute("tipo").unwrap_or_default().to_string())
    })
}

/// Whether a message is a provider's PEC envelope around a message someone sent (its
/// `daticert.xml` of type `posta-certificata`), as every message of SDI arrives.
pub fn certified_envelope(mail: &Mail) -> bool {
    let daticert = mail.attachments.iter().find(|a| a.name.eq_ignore_ascii_case("daticert.xml"));
    from_pec_provider(mail) && daticert.and_then(|a| pec_receipt_type(&a.bytes)).as_deref() == Some("posta-certificata")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_is_read_with_its_errors_and_other_xml_is_not_a_receipt() {
        let ns = br#"<?xml version="1.0" encoding="UTF-8"?>
<ns3:NotificaScarto xmlns:ns3="http://www.fatturapa.gov.it/sdi/messaggi/v1.0" versione="1.0">
  <IdentificativoSdI>111</IdentificativoSdI><NomeFile>IT01234567897_00001.xml</NomeFile>
  <DataOraRicezione>2026-11-27T10:00:00.000+01:00</DataOraRicezione>
  <ListaErrori><Errore><Codice>00305</Codice><Descrizione>1.4.1.1.2 IdCodice non valido</Descrizione></Errore></ListaErrori>
  <MessageId>1</MessageId></ns3:NotificaScarto>"#;
        let r = parse_receipt(ns).unwrap();
        assert_eq!(
            (r.kind.as_str(), r.file.as_str(), r.sdi_id.as_deref()),
            ("NS", "IT01234567897_00001.xml", Some("111"))
        );
        assert_eq!(r.errors, vec![("00305".to_string(), "1.4.1.1.2 IdCodice non valido".to_string())]);
        assert!(parse_receipt(b"<FatturaElettronica/>").is_none());
        assert!(parse_receipt(b"not xml").is_none());
        // The file as signed before the portal took it is the one exported (found by a
        // review: its receipts were "not found").
        let signed = std::str::from_utf8(ns).unwrap().replace(".xml</NomeFile>", ".xml.P7M</NomeFile>");
        assert_eq!(parse_receipt(signed.as_bytes()).unwrap().file, "IT01234567897_00001.xml");
    }
}
