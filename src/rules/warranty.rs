//! Serial compatibility and warranty coverage (DESIGN §5).

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{Days, Months, NaiveDate};

use crate::model::{Equipment, Item};

use super::Problem;

/// The last day of a warranty of `months` starting on `sold_on`: the day before the
/// anniversary (sold 2024-03-15 with 24 months -> covered up to 2026-03-14).
pub fn warranty_end(sold_on: NaiveDate, months: u32) -> Option<NaiveDate> {
    sold_on.checked_add_months(Months::new(months))?.checked_sub_days(Days::new(1))
}

/// Whether the unit's warranty covers the day `on`.
pub fn warranty_covers(unit: &Equipment, on: NaiveDate) -> bool {
    let started = unit.sold_on.is_none_or(|sold| sold <= on);
    started && unit.warranty_until.is_some_and(|until| on <= until)
}

/// Problems of putting `unit` (of item `unit_item`) on a ticket of `customer` for `item`.
pub fn check_serial(customer: &str, item: Option<&str>, unit: &Equipment, unit_item: &Item) -> Vec<Problem> {
    let mut problems: Vec<Problem> = check_serial_pattern(&unit.serial, unit_item).into_iter().collect();
    if let Some(item) = item {
        if item != unit.item {
            problems.push(Problem::new("serial", format!("{} is a unit of {}, not of {item}", unit.serial, unit.item)));
        }
    }
    if customer != unit.customer {
        problems.push(Problem::new(
            "serial",
            format!("{} belongs to customer {}, not {customer}", unit.serial, unit.customer),
        ));
    }
    problems
}

/// A problem when `serial` does not match, whole, the `serial_pattern` of its item.
pub fn check_serial_pattern(serial: &str, item: &Item) -> Option<Problem> {
    let pattern = item.serial_pattern.as_deref().filter(|p| !p.is_empty())?;
    match matches_whole(pattern, serial) {
        Some(true) => None,
        Some(false) => {
            Some(Problem::new("serial", format!("{serial} does not match the pattern {pattern} of item {}", item.code)))
        }
        None => Some(Problem::new("serial", format!("item {} has an invalid serial_pattern {pattern:?}", item.code))),
    }
}

/// Whether `text` matches `pattern` whole, or `None` when it is not a valid regex; each
/// pattern is compiled once (`tkt check` tests every ticket's serial, and compiling is the
/// slow part).
fn matches_whole(pattern: &str, text: &str) -> Option<bool> {
    thread_local! {
        static COMPILED: RefCell<HashMap<String, Option<regex::Regex>>> = RefCell::default();
    }
    COMPILED.with(|compiled| {
        let mut compiled = compiled.borrow_mut();
        if !compiled.contains_key(pattern) {
            compiled.insert(pattern.to_string(), regex::Regex::new(&format!("^(?:{pattern})$")).ok());
        }
        compiled[pattern].as_ref().map(|re| re.is_match(text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn unit() -> Equipment {
        serde_yaml::from_str(
            "serial: VX-0001\nitem: CALD\ncustomer: C-0001\nsold_on: 2024-03-15\nwarranty_until: 2026-03-14\n",
        )
        .unwrap()
    }

    fn item(pattern: &str) -> Item {
        serde_yaml::from_str(&format!("code: CALD\ndescription: Caldaia\nserial_pattern: '{pattern}'\n")).unwrap()
    }

    #[test]
    fn warranty_ends_the_day_before_the_anniversary() {
        assert_eq!(warranty_end(d("2024-03-15"), 24), Some(d("2026-03-14")));
        assert_eq!(warranty_end(d("2024-01-31"), 1), Some(d("2024-02-28")));
    }

    #[test]
    fn coverage_includes_the_last_day_only() {
        assert!(warranty_covers(&unit(), d("2026-03-14")));
        assert!(!warranty_covers(&unit(), d("2026-03-15")));
        assert!(!warranty_covers(&unit(), d("2024-03-14")));
    }

    #[test]
    fn a_serial_must_match_its_item_and_customer() {
        assert_eq!(check_serial("C-0001", Some("CALD"), &unit(), &item("VX-\\d{4}")), vec![]);
        let problems = check_serial("C-0002", Some("SPLIT"), &unit(), &item("AB\\d+"));
        assert_eq!(problems.len(), 3, "{problems:?}");
        // The pattern must match the whole serial, not a part of it.
        assert_eq!(check_serial("C-0001", None, &unit(), &item("VX-\\d{2}")).len(), 1);
    }
}
