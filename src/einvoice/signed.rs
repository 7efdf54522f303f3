//! An e-invoice signed as CAdES (`IT…_00001.xml.p7m`): a CMS SignedData envelope (PKCS#7)
//! that carries the file itself. SDI takes an e-invoice to a public administration only so
//! signed; the signature is made by the seller's own signing device, and what tkt checks is
//! that the envelope carries, byte for byte, the file it exported.

use base64::Engine;

/// The object identifier of CMS SignedData, 1.2.840.113549.1.7.2, as DER writes it.
const SIGNED_DATA: [u8; 11] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// Deeper than any envelope nests: a hostile file cannot make the reading recurse for ever.
const MAX_DEPTH: usize = 32;

/// Whether `p7m` — DER, BER (a signing tool's streamed form, its content in pieces) or
/// either in base64, with or without PEM's armour — is a SignedData envelope carrying
/// exactly `xml`.
pub fn carries(p7m: &[u8], xml: &[u8]) -> bool {
    let der = if p7m.first() == Some(&0x30) { Some(p7m.to_vec()) } else { from_base64(p7m) };
    let Some(der) = der else { return false };
    if !der.windows(SIGNED_DATA.len()).any(|w| w == SIGNED_DATA) {
        return false;
    }
    let mut found = false;
    walk(&der, 0, &mut |content| found |= content == xml);
    found
}

fn from_base64(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// One element of BER: its tag's first byte (whose bit 0x20 says it is constructed), its
/// content, and where the next element starts. An indefinite length runs to its end-of-contents mark.
struct Element<'a> {
    tag: u8,
    content: &'a [u8],
    next: usize,
}

fn element(data: &[u8], at: usize, depth: usize) -> Option<Element<'_>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag = *data.get(at)?;
    let mut i = at + 1;
    if tag & 0x1f == 0x1f {
        // A tag number of several bytes: none of the envelope's parts tkt reads has one.
        while *data.get(i)? & 0x80 != 0 {
            i += 1;
        }
        i += 1;
    }
    let first = *data.get(i)?;
    i += 1;
    if first == 0x80 {
        // Indefinite: constructed only, its elements end with two zero bytes.
        if tag & 0x20 == 0 {
            return None;
        }
        let start = i;
        let mut j = i;
        loop {
            if data.get(j..j + 2)? == [0, 0] {
                return Some(Element { tag, content: &data[start..j], next: j + 2 });
            }
            j = element(data, j, depth + 1)?.next;
        }
    }
    let len = if first & 0x80 == 0 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n > 4 {
            return None;
        }
        let bytes = data.get(i..i + n)?;
        i += n;
        bytes.iter().fold(0usize, |l, b| (l << 8) | usize::from(*b))
    };
    let content = data.get(i..i.checked_add(len)?)?;
    Some(Element { tag, content, next: i + len })
}

/// Calls `found` with the content of every OCTET STRING in `data`, a constructed one's
/// pieces joined.
fn walk(data: &[u8], depth: usize, found: &mut dyn FnMut(&[u8])) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut at = 0;
    while let Some(e) = element(data, at, depth) {
        match e.tag {
            0x04 => found(e.content),
            0x24 => {
                let mut whole = Vec::new();
                let mut piece = 0;
                while let Some(p) = element(e.content, piece, depth) {
                    if p.tag != 0x04 {
                        break;
                    }
                    whole.extend_from_slice(p.content);
                    piece = p.next;
                }
                found(&whole);
            }
            t if t & 0x20 != 0 => walk(e.content, depth + 1, found),
            _ => {}
        }
        at = e.next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        if content.len() < 128 {
            v.push(content.len() as u8);
        } else {
            v.extend([0x82, (content.len() >> 8) as u8, content.len() as u8]);
        }
        v.extend_from_slice(content);
        v
    }

    /// The outline of SignedData around `content` (an encoded eContent).
    fn envelope(content: &[u8]) -> Vec<u8> {
        let inner = [tlv(0x06, &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]), tlv(0xa0, content)].concat();
        let signed = tlv(0x30, &[tlv(0x02, &[1]), tlv(0x31, &[]), tlv(0x30, &inner), tlv(0x31, &[])].concat());
        tlv(0x30, &[SIGNED_DATA.to_vec(), tlv(0xa0, &signed)].concat())
    }

    #[test]
    fn the_file_is_found_whole_in_der_in_ber_pieces_and_in_base64() {
        let xml = b"<p:FatturaElettronica versione=\"FPA12\">...</p:FatturaElettronica>".repeat(3);
        let der = envelope(&tlv(0x04, &xml));
        assert!(carries(&der, &xml));
        assert!(!carries(&der, &xml[1..]), "another file");
        // Streamed: indefinite lengths, the content in pieces.
        let pieces = [vec![0x24, 0x80], tlv(0x04, &xml[..50]), tlv(0x04, &xml[50..]), vec![0, 0]].concat();
        let ber = [vec![0x30, 0x80], SIGNED_DATA.to_vec(), vec![0xa0, 0x80, 0x30, 0x80], pieces, vec![0; 6]].concat();
        assert!(carries(&ber, &xml));
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let pem = format!("-----BEGIN PKCS7-----\n{}\n{}\n-----END PKCS7-----\n", &b64[..40], &b64[40..]);
        assert!(carries(pem.as_bytes(), &xml));
        assert!(!carries(&xml, &xml), "the XML itself is no envelope");
        let not_signed = der.iter().map(|b| if *b == 0x02 { 0x03 } else { *b }).collect::<Vec<_>>();
        assert!(!carries(&not_signed, &xml));
    }

    #[test]
    fn a_damaged_or_hostile_envelope_is_no_envelope() {
        let xml = b"<x/>";
        let der = envelope(&tlv(0x04, xml));
        for cut in 0..der.len() {
            let _ = carries(&der[..cut], xml);
        }
        let deep = [[0x30, 0x80].repeat(100_000), SIGNED_DATA.to_vec()].concat();
        assert!(!carries(&deep, xml));
        let huge = [vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff], SIGNED_DATA.to_vec()].concat();
        assert!(!carries(&huge, xml));
    }
}
