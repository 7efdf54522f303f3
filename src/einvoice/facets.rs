//! The schema's rule for the text of each element tkt writes (FatturaPA 1.2.3's simple
//! types: the characters, lengths and patterns its facets allow), so that every file is
//! held to the schema as it is made, whatever field a value came from — not only by the
//! checks [`super::check`] makes of the document's fields.

/// Why `text` (unescaped) is not what the schema takes in element `tag`; `None` when it is.
pub fn violation(tag: &str, text: &str) -> Option<String> {
    let n = text.chars().count();
    let latin1 = |max: usize| {
        if n == 0 || n > max {
            Some(format!("holds 1 to {max} characters"))
        } else if text.chars().any(|c| u32::from(c) > 0xFF) {
            Some("holds Latin-1 characters only".to_string())
        } else {
            None
        }
    };
    let ascii = |min: usize, max: usize| {
        if n < min || n > max {
            Some(format!("holds {min} to {max} characters"))
        } else if !text.is_ascii() {
            Some("holds plain ASCII characters only (no accents)".to_string())
        } else {
            None
        }
    };
    let all = |len: std::ops::RangeInclusive<usize>, ok: fn(char) -> bool, what: &str| {
        (!len.contains(&n) || !text.chars().all(ok)).then(|| what.to_string())
    };
    let upper_digit = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
    match tag {
        "Denominazione" => latin1(80),
        "Nome" | "Cognome" | "Indirizzo" | "Comune" => latin1(60),
        "Descrizione" => latin1(1000),
        "Causale" => latin1(200),
        "RiferimentoNormativo" => latin1(100),
        "Numero" | "IdDocumento" | "NumeroDDT" | "NumeroREA" => ascii(1, 20),
        "ProgressivoInvio" | "UnitaMisura" => ascii(1, 10),
        "CodiceTipo" => ascii(1, 35),
        "Telefono" => ascii(5, 12),
        "IdCodice" => (n == 0 || n > 28).then(|| "holds 1 to 28 characters".to_string()),
        "CodiceValore" => (n == 0 || n > 35).then(|| "holds 1 to 35 characters".to_string()),
        "CAP" => all(5..=5, |c| c.is_ascii_digit(), "is 5 digits"),
        "Provincia" | "Nazione" | "IdPaese" | "Ufficio" => {
            all(2..=2, |c| c.is_ascii_uppercase(), "is 2 capital letters")
        }
        "CodiceFiscale" => all(11..=16, upper_digit, "is 11 to 16 capital letters and digits"),
        "CodiceDestinatario" => all(6..=7, upper_digit, "is 6 or 7 capital letters and digits"),
        "IBAN" => iban(text).then_some("is 2 letters, 2 digits and 11 to 30 letters or digits".to_string()),
        "Email" => (!(7..=256).contains(&n) || !contact_address(text))
            .then(|| "holds an address of 7 to 256 characters with a dot after its @".to_string()),
        "PECDestinatario" => (n > 256 || !dot_atom_address(text))
            .then(|| "holds a plain address (name@domain, dots only between characters)".to_string()),
        "Quantita" => decimal(text, false, 12, 2..=8),
        "PrezzoUnitario" => decimal(text, true, 11, 2..=8),
        "ImportoTotaleDocumento"
        | "ImponibileImporto"
        | "Imposta"
        | "PrezzoTotale"
        | "ImportoPagamento"
        | "ImportoRitenuta"
        | "ImportoBollo" => decimal(text, true, 11, 2..=2),
        "AliquotaIVA" | "AliquotaRitenuta" | "Percentuale" => decimal(text, false, 3, 2..=2),
        // Found by a fiscal audit: an invoice of 10,000 lines, and a due date in the year
        // 10240 (`+10240-08-20`), were issued and exported.
        "NumeroLinea" | "RiferimentoNumeroLinea" => {
            (!text.parse::<u32>().is_ok_and(|n| (1..=9999).contains(&n))).then(|| "is 1 to 9999".to_string())
        }
        "Data" | "DataDDT" | "DataScadenzaPagamento" | "DataRiferimentoTerminiPagamento" => {
            let b = text.as_bytes();
            let ok = b.len() == 10 && b[4] == b'-' && b[7] == b'-' && text.parse::<chrono::NaiveDate>().is_ok();
            (!ok).then(|| "is a day from 0001 to 9999 (YYYY-MM-DD)".to_string())
        }
        _ => None,
    }
}

/// `IBANType`: `[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{11,30}`; true when `text` is not one.
fn iban(text: &str) -> bool {
    let b = text.as_bytes();
    !(b.len() >= 15
        && b.len() <= 34
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric))
}

/// `EmailContattiType`'s pattern, `.+@.+[.]+.+`.
fn contact_address(text: &str) -> bool {
    text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.get(1..).and_then(|d| d.find('.')).is_some_and(|dot| dot + 2 < domain.len())
    })
}

/// `EmailType`'s pattern in its plain form: a dot-atom, `@`, a dot-atom — each atom one or
/// more of the characters it allows (printable ASCII but specials), dots only between
/// atoms. (Its quoted and bracketed forms no PEC provider gives out; tkt refuses them.)
pub fn dot_atom_address(text: &str) -> bool {
    let atom_char = |c: u8| c.is_ascii_graphic() && !b"()<>[]\\,;:\"@.".contains(&c);
    let dot_atom = |s: &str| s.split('.').all(|atom| !atom.is_empty() && atom.bytes().all(atom_char));
    text.split_once('@').is_some_and(|(local, domain)| dot_atom(local) && dot_atom(domain))
}

/// A decimal written as the schema's amounts are: an optional minus (when `signed`), at
/// most `int` digits, a dot and `scale` decimals.
fn decimal(text: &str, signed: bool, int: usize, scale: std::ops::RangeInclusive<usize>) -> Option<String> {
    let digits = if signed { text.strip_prefix('-').unwrap_or(text) } else { text };
    let ok = digits.split_once('.').is_some_and(|(i, d)| {
        (1..=int).contains(&i.len())
            && scale.contains(&d.len())
            && i.bytes().all(|c| c.is_ascii_digit())
            && d.bytes().all(|c| c.is_ascii_digit())
    });
    (!ok).then(|| {
        let sign = if signed { "" } else { "not negative, " };
        format!("is a number {sign}of at most {int} digits before its point and {scale:?} after it")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_element_is_held_to_its_schema_type() {
        for (tag, good, bad) in [
            ("Indirizzo", "Via Roma 1", ""),
            ("Indirizzo", "Via Roma 1", "Via 上海"),
            ("Denominazione", "Caffè Rossi & C.", &"x".repeat(81)),
            ("Telefono", "030123456", "030 123 456 ò"),
            ("Telefono", "030123456", "1234"),
            ("Numero", "INV-2026-0001", "FT-2026-0001-ABCDEFGHIJ"),
            ("IdCodice", "01234567897", ""),
            ("CAP", "25100", "2510"),
            ("Provincia", "BS", "Bs"),
            ("CodiceDestinatario", "ABC1234", "abc1234"),
            ("IBAN", "IT60X0542811101000000123456", "IT60 X054"),
            ("Email", "ab@c.it", "abc@de"),
            ("PECDestinatario", "mario.verdi@pec.it", "mario..verdi@pec.it"),
            ("PECDestinatario", "mario.verdi@pec.it", ".mario@pec.it"),
            ("PECDestinatario", "mario.verdi@pec.it", "mario@pec.it."),
            ("PECDestinatario", "mario.verdi@pec.it", "mario verdi@pec.it"),
            ("Quantita", "1.50", "-1.00"),
            ("ImportoTotaleDocumento", "-12.30", "123456789012.00"),
            ("PrezzoUnitario", "12.12345678", "12.123456789"),
            ("AliquotaIVA", "22.00", "1000.00"),
            ("NumeroLinea", "9999", "10000"),
            ("DataScadenzaPagamento", "2026-12-27", "+10240-08-20"),
        ] {
            assert_eq!(violation(tag, good), None, "{tag} {good:?}");
            assert!(violation(tag, bad).is_some(), "{tag} {bad:?} passed");
        }
        // What the schema leaves free (or tkt writes from its own code) is not judged here.
        assert_eq!(violation("TipoDocumento", ""), None);
    }
}
