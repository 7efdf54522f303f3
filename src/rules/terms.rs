//! Payment terms as Italian businesses write them: "30 gg data fattura",
//! "60 gg fine mese", "rimessa diretta", "30 days end of month".

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::model::{Document, PaymentMethod};

/// The due date of an invoice dated `date` under `terms`: the count of days is the number
/// written before `gg`, `giorni`, `days` or `d` (`30 gg`, `60gg d.f.`), else the first number
/// of at most three digits — never an order's or a contract's number (found by a review:
/// "ordine n. 3000123, 30 gg fine mese" made an invoice due in the year 10240); "fine mese"
/// / "fm" / "end of month" moves the result to the end of its month; terms with no number
/// (rimessa diretta, immediate) are due on the day.
pub fn due_date(date: NaiveDate, terms: Option<&str>) -> NaiveDate {
    let Some(terms) = terms.map(str::to_lowercase) else {
        return date;
    };
    let numbers: Vec<(&str, &str)> = terms
        .match_indices(|c: char| c.is_ascii_digit())
        .filter(|(at, _)| !terms[..*at].ends_with(|c: char| c.is_ascii_digit()))
        .map(|(at, _)| {
            let rest = &terms[at..];
            let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            (&rest[..end], rest[end..].trim_start())
        })
        .collect();
    let of_days = |after: &str| ["gg", "giorn", "day", "d "].iter().any(|w| after.starts_with(w)) || after == "d";
    let days: u64 = numbers
        .iter()
        .find(|(_, after)| of_days(after))
        .or_else(|| numbers.iter().find(|(n, _)| n.len() <= 3))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(0);
    let due = date.checked_add_days(Days::new(days)).unwrap_or(date);
    let end_of_month = ["fine mese", "f.m.", "fm", "end of month", "eom"]
        .iter()
        .any(|k| terms.split(|c: char| c.is_whitespace() || c == ',').collect::<Vec<_>>().join(" ").contains(k));
    if end_of_month {
        let first = NaiveDate::from_ymd_opt(due.year(), due.month(), 1).unwrap_or(due);
        first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(due)
    } else {
        due
    }
}

/// The ModalitaPagamento of a payment method (MP01 cash … MP23 PagoPA); a method written
/// by hand is recognised by its words — whole words, so that `bonifico postale` is a
/// transfer and `contrassegno` no cheque (found by a fiscal attack: `pos` inside `postale`
/// made it a card, with no IBAN) — and `None` names none.
pub fn payment_modality(method: &PaymentMethod) -> Option<&'static str> {
    let text = match method {
        PaymentMethod::Cash => return Some("MP01"),
        PaymentMethod::Cheque => return Some("MP02"),
        PaymentMethod::BankTransfer => return Some("MP05"),
        PaymentMethod::Card => return Some("MP08"),
        PaymentMethod::RiBa => return Some("MP12"),
        PaymentMethod::DirectDebit => return Some("MP19"),
        PaymentMethod::Unknown(text) => text.to_lowercase().replace('.', ""),
    };
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    let begins = |p: &str| words.iter().any(|w| w.starts_with(p));
    let postal = begins("postal");
    Some(match () {
        _ if begins("bonific") => "MP05",
        _ if has("pagopa") => "MP23",
        _ if has("bollettino") && postal => "MP18",
        _ if has("bollettino") => "MP07",
        _ if has("riba") || (has("ricevuta") && begins("bancari")) => "MP12",
        _ if has("rid") => "MP09",
        _ if has("carta") || has("bancomat") || has("pos") || has("card") => "MP08",
        _ if has("sdd") || begins("addebit") => "MP19",
        _ if has("mav") => "MP13",
        _ if has("domiciliazione") && postal => "MP17",
        _ if has("domiciliazione") => "MP16",
        _ if has("vaglia") => "MP06",
        _ if begins("assegn") && has("circolare") => "MP03",
        _ if begins("assegn") => "MP02",
        _ if begins("contant") || has("contrassegno") || has("cash") => "MP01",
        _ => return None,
    })
}

/// Whether a document is paid by bank transfer as its e-invoice says (MP05): a method named
/// so in any words ("Bonifico SEPA istantaneo"), or in words no ModalitaPagamento names. Its
/// IBAN is then written in the file and printed on the copy alike (found by a fiscal audit:
/// the printed copy of a "Bonifico Bancario" invoice said nowhere where to pay).
pub fn paid_by_transfer(doc: &Document) -> bool {
    doc.payment.as_ref().and_then(|p| p.method.as_ref()).map(|m| payment_modality(m).unwrap_or("MP05")) == Some("MP05")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PaymentMethod;

    #[test]
    fn a_payment_method_written_by_hand_is_read_by_its_whole_words() {
        let mp = |text: &str| payment_modality(&PaymentMethod::parse(text));
        for (text, code) in [
            ("bonifico postale", "MP05"),
            ("Bonifico SEPA istantaneo", "MP05"),
            ("bollettino postale", "MP18"),
            ("contrassegno", "MP01"),
            ("Bancomat", "MP08"),
            ("POS", "MP08"),
            ("ricevuta bancaria", "MP12"),
            ("Ri.Ba. 60 gg", "MP12"),
            ("assegno circolare", "MP03"),
            ("assegni", "MP02"),
            ("addebito diretto SEPA", "MP19"),
            ("pagoPA", "MP23"),
            ("bollettino pagoPA", "MP23"),
            ("addebito su carta di credito", "MP08"),
        ] {
            assert_eq!(mp(text), Some(code), "{text}");
        }
        assert_eq!(mp("alla consegna"), None);
        assert_eq!(mp("riba"), Some("MP12"));
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn common_italian_terms() {
        assert_eq!(due_date(d("2026-11-27"), Some("30 gg data fattura")), d("2026-12-27"));
        assert_eq!(due_date(d("2026-11-27"), Some("60 gg fine mese")), d("2027-01-31"));
        assert_eq!(due_date(d("2026-11-27"), Some("30 days end of month")), d("2026-12-31"));
        assert_eq!(due_date(d("2026-11-27"), Some("rimessa diretta")), d("2026-11-27"));
        assert_eq!(due_date(d("2026-11-27"), None), d("2026-11-27"));
        // An order's number before the days is no count of days (found by a review).
        assert_eq!(due_date(d("2026-11-27"), Some("ordine n. 3000123, 30 gg fine mese")), d("2026-12-31"));
        assert_eq!(due_date(d("2026-11-27"), Some("rif. contratto 2026/45: 60gg d.f.")), d("2027-01-26"));
        assert_eq!(due_date(d("2026-11-27"), Some("contratto 1234567")), d("2026-11-27"));
    }
}
