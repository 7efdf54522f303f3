//! Reports on desks whose right answers the tests know.

use predicates::prelude::*;
use serde_json::{json, Value};

use crate::common::TestDesk;

fn report(d: &TestDesk, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let v: Value = serde_json::from_str(&d.ok(&all)).unwrap();
    v.as_array().unwrap().clone()
}

fn metric(rows: &[Value], name: &str) -> Value {
    rows.iter().find(|r| r["metric"] == name).map(|r| r["value"].clone()).unwrap_or(Value::Null)
}

/// Four tickets opened on Nov 1, 2, 10 and 20; the first closed after 2 days, the second
/// after 10. Commits follow the days, as they would in real use.
fn timeline() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "Rossi"]);
    let open = |day: &str| {
        d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", day])
            .env("TKT_NOW", format!("2026-11-{day}T09:00:00+01:00"))
            .assert()
            .success();
    };
    let close = |t: &str, day: &str| {
        for state in ["in-progress", "resolved", "closed"] {
            d.tkt(&["ticket", "transition", t, state])
                .env("TKT_NOW", format!("2026-11-{day}T09:00:00+01:00"))
                .assert()
                .success();
        }
    };
    open("01");
    open("02");
    close("T-2026-0001", "03");
    open("10");
    close("T-2026-0002", "12");
    open("20");
    d
}

#[test]
fn summary_counts_the_period_and_the_time_to_close() {
    let d = timeline();
    let rows = report(&d, &["summary", "--since", "2026-11-01", "--until", "2026-11-30"]);
    assert_eq!(metric(&rows, "opened"), 4);
    assert_eq!(metric(&rows, "closed"), 2);
    assert_eq!(metric(&rows, "median_days_to_close"), 2);
    assert_eq!(metric(&rows, "p90_days_to_close"), 10);
    assert_eq!(metric(&rows, "backlog_start"), 0);
    assert_eq!(metric(&rows, "backlog_end"), 2);
    assert_eq!(metric(&rows, "state.new"), 2);
    assert_eq!(metric(&rows, "state.closed"), 2);
    let later = report(&d, &["summary", "--since", "2026-11-11"]);
    assert_eq!(metric(&later, "opened"), 1);
    assert_eq!(metric(&later, "closed"), 1);
    assert_eq!(metric(&later, "backlog_start"), 2, "open at the end of Nov 10: the tickets of Nov 2 and 10");

    // Found by a scripting attack: a clone in UTC just before midnight counted a ticket
    // opened in Rome just after it as opened "tomorrow", out of the backlog it listed.
    d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", "Capodanno"])
        .env("TKT_NOW", "2027-01-01T00:10:00+01:00")
        .assert()
        .success();
    let listed = d.ok(&["ticket", "list", "--open", "--format", "csv"]).lines().count() - 1;
    let out =
        d.tkt(&["report", "summary", "--format", "json"]).env("TKT_NOW", "2026-12-31T23:30:00Z").output().unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(metric(&rows, "backlog_end"), listed as u64);
}

#[test]
fn summary_counts_a_ticket_whose_state_file_was_deleted_by_hand() {
    let d = timeline();
    d.ok(&["ticket", "transition", "T-2026-0003", "in-progress"]);
    d.git(&["rm", "-q", "states/in-progress.yaml"]);
    d.git(&["commit", "-q", "-m", "state removed by hand"]);
    let rows = report(&d, &["summary"]);
    assert_eq!(metric(&rows, "state.in-progress"), 1, "{rows:?}");
    let states: u64 = rows
        .iter()
        .filter(|r| r["metric"].as_str().unwrap().starts_with("state."))
        .map(|r| r["value"].as_u64().unwrap())
        .sum();
    assert_eq!(states, 4, "the rows of states add up to every ticket");
}

#[test]
fn aging_buckets_open_tickets_and_counts_the_overdue() {
    let d = timeline();
    d.ok(&["ticket", "assign", "T-2026-0003", "marco"]);
    d.ok(&["ticket", "edit", "T-2026-0004", "--due", "2026-11-25"]);
    // Today is Nov 27: T-3 is 17 days old, T-4 seven.
    let rows = report(&d, &["aging"]);
    assert_eq!(
        rows,
        [
            json!({"assignee": "-", "0-2": 0, "3-7": 1, "8-30": 0, "30+": 0, "total": 1, "overdue": 1}),
            json!({"assignee": "marco", "0-2": 0, "3-7": 0, "8-30": 1, "30+": 0, "total": 1, "overdue": 0}),
        ]
    );
    let by_priority = report(&d, &["aging", "--group-by", "priority"]);
    assert_eq!(by_priority[0]["priority"], "normal");
    assert_eq!(by_priority[0]["total"], 2);
    // A period takes the open tickets opened in it (found by a scripting attack: it was
    // taken and ignored).
    let of_t4 = report(&d, &["aging", "--since", "2026-11-15"]);
    assert_eq!(of_t4, [json!({"assignee": "-", "0-2": 0, "3-7": 1, "8-30": 0, "30+": 0, "total": 1, "overdue": 1})]);
    assert_eq!(report(&d, &["aging", "--until", "2025-12-31"]), Vec::<serde_json::Value>::new());
}

#[test]
fn money_and_hours_reports_on_the_example_desk() {
    let d = TestDesk::example();
    let hours = report(&d, &["hours"]);
    assert_eq!(
        hours,
        [
            json!({"technician": "luca", "reports": 3, "hours": 4, "travel_hours": 1, "billable_hours": 1, "warranty_hours": 3}),
            json!({"technician": "marco", "reports": 5, "hours": 13.25, "travel_hours": 1, "billable_hours": 9.75, "warranty_hours": 3.5}),
        ]
    );
    let billing = report(&d, &["billing", "--group-by", "customer"]);
    let hotel = billing.iter().find(|r| r["customer"] == "C-0004").unwrap();
    assert_eq!(hotel["invoiced"], 480.38);
    assert_eq!(hotel["credited"], 61);
    assert_eq!(hotel["refunded"], 61);
    assert_eq!(hotel["due"], 0);
    // The VAT owed: the invoices' 86.63 less the 11.00 the credit note reverses (found by a
    // fiscal review: the note's VAT showed in no column).
    assert_eq!(hotel["vat_22"], 75.63);
    // A table and CSV write money with its cents, as the documents do; JSON plain numbers.
    let table = d.ok(&["report", "billing", "--group-by", "customer"]);
    let row = table.lines().find(|l| l.starts_with("C-0004")).unwrap();
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["C-0004", "480.38", "61.00", "480.38", "61.00", "0.00", "75.63", "0.00"]
    );
    let csv = d.ok(&["report", "receivables", "--format", "csv"]);
    assert!(csv.contains(",212.28,112.28,"), "{csv}");
    let march = report(&d, &["billing", "--since", "2026-03-01", "--until", "2026-03-31"]);
    assert_eq!(
        march,
        [
            json!({"month": "2026-03", "invoiced": 212.28, "credited": 0, "paid": 0, "refunded": 0, "due": 112.28, "vat_22": 38.28, "vat_0": 0})
        ]
    );
    // The same columns for every period, an empty one's too (found by a scripting attack).
    let empty = d.ok(&["report", "billing", "--since", "2026-06-01", "--until", "2026-06-30", "--format", "csv"]);
    assert_eq!(empty, "month,invoiced,credited,paid,refunded,due,vat_22,vat_0\n");
    let due = report(&d, &["receivables"]);
    assert_eq!(
        due,
        [
            json!({"invoice": "INV-2026-0003", "customer": "C-0006", "date": "2026-03-20", "due_date": "2026-03-20", "total": 212.28, "due": 112.28, "days_overdue": 252})
        ]
    );
    let csv = d.ok(&["report", "receivables", "--format", "csv"]);
    assert_eq!(csv, "invoice,customer,date,due_date,total,due,days_overdue\nINV-2026-0003,C-0006,2026-03-20,2026-03-20,212.28,112.28,252\n");
}

#[test]
fn warranty_and_equipment_reports_on_the_example_desk() {
    let d = TestDesk::example();
    let w = report(&d, &["warranty"]);
    let split = w.iter().find(|r| r["item"] == "SPLIT-9K").unwrap();
    // WR-2026-0005: 1.5 h at 45.00 and 0.5 h of travel at 30.00.
    assert_eq!(split["hours"], 1.5);
    assert_eq!(split["labour_value"], 67.5);
    assert_eq!(split["travel_value"], 15);
    assert_eq!(split["given_away"], 82.5);
    // Only what the warranty covers is given away, and its hours are warranty hours (found
    // by a careless-office review: billed labour counted as given away).
    d.write(
        "tkt.toml",
        &d.read("tkt.toml")
            .replace("warranty_covers = [\"labour\", \"materials\", \"travel\"]", "warranty_covers = [\"travel\"]"),
    );
    d.git(&["commit", "-qam", "the warranty covers travel"]);
    let w = report(&d, &["warranty"]);
    let split = w.iter().find(|r| r["item"] == "SPLIT-9K").unwrap();
    assert_eq!((split["labour_value"].clone(), split["given_away"].clone()), (json!(0), json!(15)));
    let hours = report(&d, &["hours"]);
    assert!(hours.iter().all(|r| r["warranty_hours"] == json!(0)), "{hours:?}");
    d.git(&["revert", "--no-edit", "HEAD"]);
    let units = report(&d, &["equipment"]);
    let bakery = units.iter().find(|r| r["serial"] == "CV24-098811").unwrap();
    assert_eq!(bakery["tickets"], 3);
    assert_eq!(bakery["repeats"], 1, "two tickets within 90 days: Nov 9 and Nov 26");
    let items = report(&d, &["equipment", "--group-by", "item", "--within", "365"]);
    let cald = items.iter().find(|r| r["item"] == "CALD-24K").unwrap();
    assert_eq!(cald["units"], 2);
    assert_eq!(cald["tickets"], 5);
    let filtered = report(&d, &["equipment", "--customer", "C-0006"]);
    assert_eq!(filtered.len(), 1);
}

#[test]
fn reports_in_the_past_read_git_history_and_leave_the_work_tree_alone() {
    let d = timeline();
    // On Nov 5 the first ticket was closed and the second was open; the others did not exist.
    let then = report(&d, &["summary", "--as-of", "2026-11-05"]);
    assert_eq!(metric(&then, "opened"), 2);
    assert_eq!(metric(&then, "closed"), 1);
    assert_eq!(metric(&then, "state.new"), 1);
    assert_eq!(metric(&then, "state.closed"), 1);
    assert_eq!(metric(&then, "backlog_end"), 1);
    let by_rev = report(&d, &["summary", "--as-of", "HEAD~3"]);
    assert_eq!(
        metric(&by_rev, "state.closed"),
        1,
        "before its last three commits the second ticket was not closed yet"
    );
    let before = d.read("tickets/2026/000/T-2026-0002.yaml");
    let now = report(&d, &["summary"]);
    assert_eq!(metric(&now, "state.closed"), 2);
    assert_eq!(d.read("tickets/2026/000/T-2026-0002.yaml"), before);
    assert_eq!(d.status(), "");
    d.tkt(&["report", "summary", "--as-of", "2020-01-01"]).assert().code(3);
    d.tkt(&["report", "summary", "--as-of", "no-such-rev"]).assert().code(3);
    // A day written another way is a usage error, not a revision (found by a careless-office attack).
    for day in ["05/11/2026", "05.11.2026", "2026-11-05T18:00"] {
        d.tkt(&["report", "summary", "--as-of", day]).assert().code(2).stderr(predicate::str::contains("YYYY-MM-DD"));
    }
    // A tag of dots and digits stays a revision (a review).
    d.git(&["tag", "1.0", "HEAD~3"]);
    assert_eq!(metric(&report(&d, &["summary", "--as-of", "1.0"]), "state.closed"), 1);
    // One command back-dated today (back-filling with TKT_NOW) makes no day of the past
    // today's desk (found by a careless-office attack: every ticket since counted on Nov 5).
    d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", "Arretrato"])
        .env("TKT_NOW", "2026-11-01T09:00:00+01:00")
        .assert()
        .success();
    assert_eq!(metric(&report(&d, &["summary", "--as-of", "2026-11-05"]), "opened"), 2);
}

#[test]
fn the_help_of_report_shows_an_example_of_every_report() {
    let d = TestDesk::new();
    let help = d.ok(&["report", "--help"]);
    for name in ["summary", "aging", "hours", "billing", "receivables", "warranty", "equipment"] {
        assert!(
            help.contains(&format!("tkt report {name} ")) || help.contains(&format!("tkt report {name}\n")),
            "{name}:\n{help}"
        );
    }
}

#[test]
fn the_example_desk_comes_with_its_year_of_history_so_as_of_shows_the_past() {
    let d = TestDesk::example();
    // One commit per command, dated when it ran, from January on, and a quarterly tag.
    let first = d.git(&["log", "--reverse", "--format=%ad", "--date=short"]);
    assert_eq!(first.lines().next(), Some("2026-01-02"), "{first}");
    assert!(first.lines().count() > 100, "{} commits", first.lines().count());
    assert_eq!(d.git(&["tag"]).trim(), "2026-Q3");
    assert_eq!(d.status(), "");
    // At the end of September one ticket was open (T-2026-0009, waiting for the
    // customer); today there are more.
    let total = |rows: &[Value]| rows.iter().map(|r| r["total"].as_u64().unwrap()).sum::<u64>();
    let then = report(&d, &["aging", "--as-of", "2026-09-30"]);
    assert_eq!(total(&then), 1, "{then:?}");
    assert!(total(&report(&d, &["aging"])) > 5);
    let summary = |args: &[&str]| -> Value {
        let rows = report(&d, args);
        rows.iter().find(|r| r["metric"] == "opened").unwrap()["value"].clone()
    };
    assert_eq!(summary(&["summary", "--as-of", "2026-Q3"]), json!(9));
    assert_eq!(summary(&["summary"]), json!(20));
    d.tkt(&["check"]).assert().success();
}

/// A grouping a report does not know is refused (exit 2), never a report under a wrong
/// label; a customer's rate and the items tkt.toml prices work with are checked where they
/// are set and by `tkt check`, not first by an invoice (found by a technician's review).
#[test]
fn wrong_groupings_rates_and_pricing_items_are_named_where_they_are_set() {
    let d = TestDesk::example();
    d.tkt(&["report", "hours", "--group-by", "item"]).assert().code(2).stderr(predicate::str::contains(
        "--group-by item: the hours report groups by technician or customer or month",
    ));
    d.tkt(&["report", "aging", "--group-by", "month"]).assert().code(2);
    d.ok(&["report", "aging", "--group-by", "priority"]);
    d.tkt(&["customer", "edit", "C-0001", "--vat-rate", "casa"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("vat_rate: no [billing.reduced_rates.casa] in tkt.toml"));
    d.write("tkt.toml", &d.read("tkt.toml").replace("labour_item = \"MANODOPERA\"", "labour_item = \"NOPE\""));
    d.git(&["commit", "-qam", "x"]);
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("billing.labour_item: no item \"NOPE\""));
}
