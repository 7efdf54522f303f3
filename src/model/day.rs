//! Days as records and the command line write them: `YYYY-MM-DD`, four digits of year.
//! chrono would also read `25-10-14` (the year 25) or `2026-1-5`: a date typed by hand
//! in another form is refused, never taken for another day.

use chrono::NaiveDate;
use serde::Deserializer;

/// The day `s` names, written `YYYY-MM-DD` — or, for a year past 9999 or before 0, as
/// chrono writes it (`+10240-12-31`): what tkt writes it always reads back (found by a
/// review: an invoice due in the year 10240 was written, then no list read it).
pub fn parse(s: &str) -> Result<NaiveDate, String> {
    let shape = |s: &str| {
        s.len() >= 10 && {
            let (year, rest) = s.split_at(s.len() - 6);
            year.len() >= 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && rest.bytes().enumerate().all(|(i, b)| if i == 0 || i == 3 { b == b'-' } else { b.is_ascii_digit() })
        }
    };
    let shaped = match s.strip_prefix(['+', '-']) {
        Some(year_on) => shape(year_on) && year_on.len() > 10,
        None => shape(s) && s.len() == 10,
    };
    shaped.then(|| s.parse().ok()).flatten().ok_or_else(|| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

/// A record's day ([`parse`]), refused within the reading so that the error names the
/// field and where it is.
pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_str(Day)
}

/// A record's optional day ([`parse`]): none when empty.
pub fn de_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    d.deserialize_option(MaybeDay)
}

struct Day;

impl serde::de::Visitor<'_> for Day {
    type Value = NaiveDate;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a date (YYYY-MM-DD)")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<NaiveDate, E> {
        parse(s).map_err(E::custom)
    }
}

struct MaybeDay;

impl<'de> serde::de::Visitor<'de> for MaybeDay {
    type Value = Option<NaiveDate>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a date (YYYY-MM-DD)")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        de(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_digits_of_year_and_two_of_month_and_day_are_a_day() {
        assert_eq!(parse("2026-01-05"), Ok(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()));
        for bad in ["25-10-14", "2026-1-5", "30/11/2026", "2026-02-30", " 2026-01-05", "02026-01-05", "+2026-01-05"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        // Every day chrono writes reads back, years past 9999 too.
        for year in [1, 999, 9999, 10240, 262_142] {
            let day = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
            assert_eq!(parse(&day.to_string()), Ok(day), "{day}");
        }
    }
}
