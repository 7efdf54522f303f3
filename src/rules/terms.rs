//! Payment terms as Italian businesses write them: "30 gg data fattura",
//! "60 gg fine mese", "rimessa diretta", "30 days end of month".

use chrono::{Datelike, Days, Months, NaiveDate};

/// The due date of an invoice dated `date` under `terms`: the first number is a count of
/// days; "fine mese" / "fm" / "end of month" moves the result to the end of its month;
/// terms with no number (rimessa diretta, immediate) are due on the day.
pub fn due_date(date: NaiveDate, terms: Option<&str>) -> NaiveDate {
    let Some(terms) = terms.map(str::to_lowercase) else {
        return date;
    };
    let days: u64 =
        terms.split(|c: char| !c.is_ascii_digit()).find(|s| !s.is_empty()).and_then(|s| s.parse().ok()).unwrap_or(0);
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
