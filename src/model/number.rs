//! Exact decimal numbers in records: money (two places at most) and rates or quantities.
//!
//! YAML may hold them as strings (`"12.50"`) or numbers (`12.5`). A YAML number reaches
//! serde as an `f64`; its shortest round-trip text is exactly what was written for any
//! value of up to 15 significant digits, and that text is what gets parsed, so no float
//! arithmetic ever touches the value.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money in euro, with at most two decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(pub Decimal);

/// A decimal that is not money: a VAT rate, a quantity, hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Rate(pub Decimal);

impl Money {
    /// Parses money text, refusing more than two decimal places — written, too: `1.500` is
    /// refused, not read as 1.50 (found by a careless-office attack: an Italian writes
    /// fifteen hundred so, and a payment of 1.50 was recorded).
    pub fn parse(text: &str) -> Result<Money, String> {
        let d = parse_decimal(text)?;
        if d.scale() > 2 {
            return Err(format!(
                "{} has more than two decimal places (the point is the decimal point: fifteen hundred is 1500)",
                text.trim()
            ));
        }
        Money::try_from(d)
    }
}

/// The largest amount of money accepted (a trillion euro): every product and sum of
/// amounts, quantities and rates then stays far inside the exact decimal range.
const MAX_MONEY: i64 = 1_000_000_000_000;
/// The largest quantity or rate accepted.
const MAX_RATE: i64 = 1_000_000_000;

impl TryFrom<Decimal> for Money {
    type Error = String;
    fn try_from(d: Decimal) -> Result<Money, String> {
        if d.normalize().scale() > 2 {
            return Err(format!("{d} has more than two decimal places"));
        }
        if d.abs() > Decimal::from(MAX_MONEY) {
            return Err(format!("{d} is too large an amount"));
        }
        Ok(Money(d))
    }
}

impl Rate {
    pub fn parse(text: &str) -> Result<Rate, String> {
        Rate::try_from(parse_decimal(text)?)
    }
}

impl TryFrom<Decimal> for Rate {
    type Error = String;
    fn try_from(d: Decimal) -> Result<Rate, String> {
        if d.abs() > Decimal::from(MAX_RATE) {
            return Err(format!("{d} is too large"));
        }
        Ok(Rate(d))
    }
}

/// A decimal number written as people write amounts: digits, a dot and digits, a sign
/// before them — never `1e1` or `1_0`, which a typo makes (found by a scripting attack:
/// `--amount 1e1` paid 10.00).
fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (whole, part) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !(whole.is_empty() && part.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && part.bytes().all(|b| b.is_ascii_digit());
    plain
        .then(|| Decimal::from_str(t).ok())
        .flatten()
        .ok_or_else(|| format!("{text:?} is not a decimal number (use a dot: 12.50)"))
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        d.rescale(2);
        write!(f, "{d}")
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl Serialize for Rate {
    /// Written as a YAML number (`vat_rate: 22`, `hours: 2.5`) when the number reads back
    /// exactly, as exact text otherwise.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        if d.scale() == 0 {
            if let Ok(n) = i64::try_from(d) {
                return s.serialize_i64(n);
            }
        }
        if let Some(f) = rust_decimal::prelude::ToPrimitive::to_f64(&d) {
            // Not one YAML writes with an exponent (`1e-6`), which a YAML 1.1 reader (PyYAML)
            // takes for text (found by a fiscal review: a DDT's `qty: 1e-6`).
            let plain = (1e-4..1e15).contains(&f.abs());
            if plain && parse_decimal(&f.to_string()).is_ok_and(|back| back == d) {
                return s.serialize_f64(f);
            }
        }
        s.serialize_str(&d.to_string())
    }
}

/// Reads a decimal from a YAML string or number; `money` refuses more than two places.
/// The checks run inside the visitor so that errors carry the line and column.
struct DecimalVisitor {
    money: bool,
}

impl DecimalVisitor {
    fn check<E: de::Error>(&self, d: Decimal) -> Result<Decimal, E> {
        if self.money {
            Money::try_from(d).map(|m| m.0).map_err(E::custom)
        } else {
            Rate::try_from(d).map(|r| r.0).map_err(E::custom)
        }
    }
}

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number such as 12.50")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        match self.money {
            true => Money::parse(v).map(|m| m.0).map_err(E::custom),
            false => self.check(parse_decimal(v).map_err(E::custom)?),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        self.check(Decimal::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        self.check(Decimal::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("not a finite number"));
        }
        // The shortest text that reads back as `v`: what the user wrote.
        self.check(parse_decimal(&v.to_string()).map_err(E::custom)?)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        d.deserialize_any(DecimalVisitor { money: true }).map(Money)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rate, D::Error> {
        d.deserialize_any(DecimalVisitor { money: false }).map(Rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_from_yaml_numbers_and_strings_is_exact() {
        let m: Money = serde_yaml::from_str("0.1").unwrap();
        assert_eq!(m.to_string(), "0.10");
        let m: Money = serde_yaml::from_str("'1234567.89'").unwrap();
        assert_eq!(m.to_string(), "1234567.89");
        let m: Money = serde_yaml::from_str("45").unwrap();
        assert_eq!(serde_yaml::to_string(&m).unwrap().trim(), "'45.00'");
    }

    /// Found by a fiscal review: `qty: 1e-6` is text to a YAML 1.1 reader.
    #[test]
    fn a_rate_is_written_without_an_exponent_and_reads_back_exactly() {
        for text in ["0.000001", "0.0000025", "0.0001", "0.00012345", "2.5", "22", "0.5", "123456789.12345678"] {
            let rate = Rate::parse(text).unwrap();
            let yaml = serde_yaml::to_string(&rate).unwrap();
            assert!(!yaml.contains('e'), "{text}: {yaml}");
            assert_eq!(serde_yaml::from_str::<Rate>(&yaml).unwrap(), rate, "{text}: {yaml}");
        }
        assert_eq!(serde_yaml::to_string(&Rate::parse("2.5").unwrap()).unwrap().trim(), "2.5");
    }

    #[test]
    fn money_with_three_decimals_is_refused() {
        let err = serde_yaml::from_str::<Money>("12.345").unwrap_err();
        assert!(err.to_string().contains("more than two decimal places"), "{err}");
        assert!(Money::parse("1,5").is_err());
        // Written with three places, even zeros: an Italian's fifteen hundred is not 1.50.
        assert!(Money::parse("1.500").unwrap_err().contains("more than two decimal places"));
        assert!(serde_yaml::from_str::<Money>("'1.000'").is_err());
        assert_eq!(Money::parse("1.50").unwrap().to_string(), "1.50");
    }

    #[test]
    fn absurd_amounts_are_refused_before_any_arithmetic() {
        assert!(serde_yaml::from_str::<Money>("79228162514264337593543950335").is_err());
        assert!(serde_yaml::from_str::<Money>("'10000000000000.00'").unwrap_err().to_string().contains("too large"));
        assert!(serde_yaml::from_str::<Rate>("1e20").is_err());
        assert!(Rate::parse("99999999999").is_err());
    }

    #[test]
    fn rates_are_written_as_numbers_when_whole() {
        let r = Rate::parse("22.0").unwrap();
        assert_eq!(serde_yaml::to_string(&r).unwrap().trim(), "22");
        let r = Rate::parse("2.50").unwrap();
        assert_eq!(serde_yaml::to_string(&r).unwrap().trim(), "2.5");
        let r = Rate::parse("0.1234567890123456789").unwrap();
        assert_eq!(serde_yaml::to_string(&r).unwrap().trim(), "'0.1234567890123456789'");
    }
}
