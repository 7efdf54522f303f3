//! Reading instants. Every record holds several (a ticket: its opening, closing, and each
//! note and step of its history), and chrono's parser, which takes any form RFC 3339
//! allows, was a tenth of a report's time over 100,000 tickets. The form tkt writes
//! (`2026-11-28T10:00:00+01:00`, with fractions of a second or `Z`) is read here by hand;
//! any other text goes to chrono, so what is accepted, and as what, does not change.

use chrono::{FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Deserializer};

use super::Instant;

/// An instant in the form tkt writes, or `None` for any other text (even a valid one).
fn canonical(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    // A leap second, an hour 24 and the like are chrono's to judge.
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0;
    if at(i, b'.') {
        let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos = num(i + 1, digits)? * 10u32.pow(9 - digits as u32);
        i += 1 + digits;
    }
    let offset = match b.get(i..)? {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let naive = NaiveDate::from_ymd_opt(year as i32, month, day)?.and_hms_nano_opt(hour, minute, second, nanos)?;
    FixedOffset::east_opt(offset)?.from_local_datetime(&naive).single()
}

/// An instant, read by hand in tkt's own form and by chrono otherwise.
pub fn parse(s: &str) -> Result<Instant, chrono::ParseError> {
    canonical(s).map_or_else(|| s.parse(), Ok)
}

/// An instant from a record, read as chrono's own `Deserialize` reads it (the same
/// errors), through [`parse`].
struct Read(Instant);

impl<'de> Deserialize<'de> for Read {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Read, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Instant;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an RFC 3339 formatted date and time string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Instant, E> {
                parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(Text).map(Read)
    }
}

/// For `#[serde(deserialize_with)]` on an [`Instant`].
pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
    Read::deserialize(d).map(|r| r.0)
}

/// For `#[serde(deserialize_with)]` on an `Option<Instant>`.
pub fn de_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Instant>, D::Error> {
    Option::<Read>::deserialize(d).map(|r| r.map(|r| r.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the text, it reads as chrono reads it.
    fn same(s: &str) {
        let chrono: Result<Instant, _> = s.parse();
        assert_eq!(parse(s).ok(), chrono.ok(), "{s:?}");
        if let Some(t) = canonical(s) {
            assert_eq!(t.to_rfc3339(), chrono::DateTime::parse_from_rfc3339(s).unwrap().to_rfc3339(), "{s:?}");
        }
    }

    #[test]
    fn an_instant_reads_as_chrono_reads_it() {
        for s in [
            "2026-11-28T10:00:00+01:00",
            "2026-11-28T10:00:00.5+01:00",
            "2026-11-28T10:00:00.123456789-05:30",
            "2026-11-28T10:00:00.1234567891+01:00",
            "2026-11-28T10:00:00Z",
            "2026-11-28T10:00:00z",
            "2026-11-28t10:00:00+01:00",
            "2026-11-28 10:00:00+01:00",
            "2026-11-28T10:00:00-00:00",
            "2026-11-28T10:00:00+0100",
            "2026-11-28T10:00:00+01",
            "2026-11-28T10:00:00",
            "2026-11-28T23:59:60+01:00",
            "2026-11-28T24:00:00+01:00",
            "2026-02-29T10:00:00+01:00",
            "2028-02-29T10:00:00+01:00",
            "2026-13-01T10:00:00+01:00",
            "2026-11-28T10:00:00+24:00",
            "2026-11-28T10:00:00+23:59",
            "2026-11-28T10:00:00.+01:00",
            "2026-11-28T10:00:00+01:00 ",
            " 2026-11-28T10:00:00+01:00",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999+23:59",
            "2026-１1-28T10:00:00+01:00",
            "",
        ] {
            same(s);
        }
        for s in ["2026-11-28T10:00:00+01:00", "2026-11-28T10:00:00.123456789-05:30", "2026-11-28T10:00:00Z"] {
            assert!(canonical(s).is_some(), "{s} is read by hand");
        }
        // Every digit and separator at every place of the canonical form, changed.
        let base = "2026-11-28T10:00:00.25+01:00";
        for i in 0..base.len() {
            for c in ['0', '1', '2', '3', '5', '6', '9', '-', ':', '+', 'T', 'Z', '.', 'x'] {
                let mut s = base.to_string();
                s.replace_range(i..i + 1, &c.to_string());
                same(&s);
            }
        }
    }
}
