//! Days as records and the command line write them: `YYYY-MM-DD`, four digits of year.
//! chrono would also read `25-10-14` (the year 25) or `2026-1-5`: a date typed by hand
//! in another form is refused, never taken for another day.

use chrono::NaiveDate;
use serde::Deserializer;

/// The day `s` names, written `YYYY-MM-DD`.
pub fn parse(s: &str) -> Result<NaiveDate, String> {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
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
    }
}
