//! Italian fiscal identifiers: Partita IVA and Codice Fiscale check characters, IBAN, and
//! who may appear on an invoice (art. 21 DPR 633/72: the seller's Partita IVA, the
//! buyer's Partita IVA or Codice Fiscale).

use crate::model::{Company, Customer};

use super::Problem;

/// What keeps the company from issuing invoices: no valid Partita IVA, a bad Codice
/// Fiscale or IBAN in `[company]` of tkt.toml.
pub fn check_company(company: &Company) -> Vec<Problem> {
    let mut problems = Vec::new();
    match company.vat_number.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => problems.push(Problem::new("company.vat_number", "missing: an invoice needs the seller's Partita IVA")),
        Some(v) => problems.extend(check_italian_vat_number(v).err().map(|m| Problem::new("company.vat_number", m))),
    }
    if let Some(code) = company.tax_code.as_deref().filter(|c| !c.trim().is_empty()) {
        problems.extend(check_tax_code(code).err().map(|m| Problem::new("company.tax_code", m)));
    }
    if let Some(iban) = company.iban.as_deref() {
        problems.extend(check_iban(iban).err().map(|m| Problem::new("company.iban", m)));
    }
    if let Some(rea) = company.rea.as_deref().filter(|r| !r.trim().is_empty()) {
        if rea_parts(rea).is_none() {
            problems.push(Problem::new("company.rea", REA_FORM));
        }
    }
    problems
}

/// How a REA number is written, for messages.
pub const REA_FORM: &str = "written PROVINCE-NUMBER (MI-1234567): the office is the province's 2 letters";

/// A REA registration as its province office and number: `MI-1234567`, `MI 1234567`,
/// `MI1234567` or `REA MI-1234567`; `None` when it names no office.
pub fn rea_parts(rea: &str) -> Option<(String, String)> {
    let rest = rea.trim();
    let rest = match rest.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("rea") => rest[3..].trim_start_matches([' ', ':', '.', '-']),
        _ => rest,
    };
    let office = rest.get(..2).filter(|o| o.bytes().all(|c| c.is_ascii_alphabetic()))?.to_ascii_uppercase();
    let number = rest[2..].trim_start_matches([' ', '-', '/', '.']).trim();
    (!number.is_empty()).then(|| (office, number.to_string()))
}

/// The longest number an e-invoice holds (FatturaPA's `Numero`, `IdDocumento`, `NumeroDDT`).
pub const MAX_FISCAL_NUMBER: usize = 20;

/// An invoice's buyer is identified by a valid Partita IVA or Codice Fiscale; a foreign
/// buyer by its own tax number.
pub fn check_buyer(c: &Customer) -> Vec<Problem> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let (vat, code) = (given(&c.vat_number), given(&c.tax_code));
    let italian = c.address.country.as_deref().is_none_or(|cc| cc.trim().is_empty() || cc.eq_ignore_ascii_case("IT"));
    let valid_vat = vat.as_deref().is_some_and(|v| !italian || check_vat_number(v).is_ok());
    let valid_code = code.as_deref().is_some_and(|v| !italian || check_tax_code(v).is_ok());
    if valid_vat || valid_code {
        return vec![];
    }
    let why = match (&vat, &code) {
        (None, None) => "has neither a Partita IVA nor a Codice Fiscale".to_string(),
        _ => "has no valid Partita IVA or Codice Fiscale".to_string(),
    };
    vec![Problem::new("customer", format!("{} {why}: an invoice must identify its buyer", c.id))]
}

/// The parties' generalità a delivery note must show (DPR 472/1996, art. 1 c. 3): the
/// customer's address — on a ddt-out the Luogo di destinazione — and the company's.
pub fn check_ddt_parties(company: &Company, c: &Customer) -> Vec<Problem> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    let company = company.seller();
    let mut problems = Vec::new();
    if blank(&c.address.street) || blank(&c.address.city) {
        problems.push(Problem::new(
            "customer",
            format!("{} has no address (street and city): a DDT names where its goods go and come from", c.id),
        ));
    }
    if blank(&company.address.street) || blank(&company.address.city) {
        problems.push(Problem::new("company.address", "missing street or city: a DDT names its sender's address"));
    }
    problems
}

/// Checks an IBAN: country, check digits and the mod-97 rule (ISO 13616).
pub fn check_iban(iban: &str) -> Result<(), String> {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let shape = compact.len() >= 15
        && compact.len() <= 34
        && compact.bytes().all(|b| b.is_ascii_alphanumeric())
        && compact.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic);
    if !shape {
        return Err(format!("{iban:?} is not an IBAN"));
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    let mut rest: u32 = 0;
    for c in rearranged.chars() {
        let value = c.to_digit(36).unwrap_or(0);
        rest = if value >= 10 { (rest * 100 + value) % 97 } else { (rest * 10 + value) % 97 };
    }
    if rest != 1 {
        return Err(format!("{iban:?}: wrong check digits for an IBAN"));
    }
    Ok(())
}

/// Checks a Partita IVA: 11 digits with a valid check digit. A number with a foreign
/// country prefix (`DE123456789`) is accepted as given; `IT` is stripped and checked.
pub fn check_vat_number(vat: &str) -> Result<(), String> {
    let v = vat.trim();
    let digits = match v.get(..2) {
        Some(cc) if cc.chars().all(|c| c.is_ascii_alphabetic()) => {
            if !cc.eq_ignore_ascii_case("IT") {
                return Ok(());
            }
            &v[2..]
        }
        _ => v,
    };
    if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{vat:?} is not a Partita IVA (11 digits)"));
    }
    if partita_iva_check_digit(&digits[..10]) != digits.as_bytes()[10] - b'0' {
        return Err(format!("{vat:?}: wrong check digit for a Partita IVA"));
    }
    Ok(())
}

/// Checks an Italian Partita IVA (11 digits, `IT` before them or not): the seller's, who
/// issues Italian e-invoices and is their transmitter — a foreign number, or any text
/// after two letters, is no Partita IVA there (found by a fiscal attack: `TODO` and a
/// German number were issued and exported as the seller's, files SDI rejects).
pub fn check_italian_vat_number(vat: &str) -> Result<(), String> {
    let v = vat.trim();
    match v.get(..2) {
        Some(cc) if cc.chars().all(|c| c.is_ascii_alphabetic()) && !cc.eq_ignore_ascii_case("IT") => {
            Err(format!("{vat:?} is not an Italian Partita IVA (11 digits, IT before them or not)"))
        }
        _ => check_vat_number(v),
    }
}

/// The check digit of the first ten digits of a Partita IVA (Luhn on odd positions).
fn partita_iva_check_digit(first10: &str) -> u8 {
    let sum: u32 = first10
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Checks a Codice Fiscale: a person's 16 characters with their check letter, or a
/// company's 11 digits (checked like a Partita IVA).
pub fn check_tax_code(code: &str) -> Result<(), String> {
    let c = code.trim().to_ascii_uppercase();
    if c.len() == 11 && c.bytes().all(|b| b.is_ascii_digit()) {
        return check_vat_number(&c).map_err(|_| format!("{code:?}: wrong check digit for a Codice Fiscale"));
    }
    let shape =
        regex::Regex::new(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")
            .unwrap();
    if !shape.is_match(&c) {
        return Err(format!("{code:?} is not a Codice Fiscale (16 characters, or 11 digits)"));
    }
    if codice_fiscale_check_letter(&c[..15]) != c.as_bytes()[15] {
        return Err(format!("{code:?}: wrong check letter for a Codice Fiscale"));
    }
    Ok(())
}

fn codice_fiscale_check_letter(first15: &str) -> u8 {
    // Values of characters in odd positions (1st, 3rd, ...), indexed by digit or letter.
    const ODD: [u32; 26] =
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
    let sum: u32 = first15
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let index = if b.is_ascii_digit() { b - b'0' } else { b - b'A' } as usize;
            if i % 2 == 0 {
                ODD[index]
            } else {
                index as u32
            }
        })
        .sum();
    b'A' + (sum % 26) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rea_is_read_as_offices_write_it() {
        for rea in ["MI-1234567", "MI 1234567", "mi1234567", "REA MI-1234567", "REA: MI 1234567"] {
            assert_eq!(rea_parts(rea), Some(("MI".into(), "1234567".into())), "{rea}");
        }
        for rea in ["123456-BS", "1234567", "MI", "M1-123"] {
            assert_eq!(rea_parts(rea), None, "{rea}");
        }
    }

    #[test]
    fn partita_iva_check_digits() {
        assert!(check_vat_number("01234567897").is_ok());
        assert!(check_vat_number("IT01234567897").is_ok());
        assert!(check_vat_number("01234567890").unwrap_err().contains("check digit"));
        assert!(check_vat_number("1234").is_err());
        assert!(check_vat_number("DE123456789").is_ok());
    }

    #[test]
    fn codice_fiscale_check_letters() {
        assert!(check_tax_code("RSSMRA85T10A562S").is_ok());
        assert!(check_tax_code("RSSMRA85T10A562T").unwrap_err().contains("check letter"));
        assert!(check_tax_code("01234567897").is_ok());
        assert!(check_tax_code("not a code").is_err());
    }
}
