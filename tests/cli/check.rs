//! `tkt check` and broken records: clear messages, the contract's exit codes, no writes.

use predicates::prelude::*;

use crate::common::TestDesk;

/// Found by a careless-office attack: a copy committed as INV-2026-00007 — invoice 7 under
/// a second name — made every invoice fail ("INV-2026-0007 not found"), and check was clean.
#[test]
fn a_record_whose_number_has_more_digits_than_tkt_writes_is_named() {
    let d = TestDesk::example();
    let copy = d.read("documents/invoice/2026/000/INV-2026-0006.yaml").replace("INV-2026-0006", "INV-2026-00007");
    d.write("documents/invoice/2026/000/INV-2026-00007.yaml", &copy);
    d.git(&["add", "documents"]);
    d.git(&["commit", "-qm", "copia"]);
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains(
        "INV-2026-00007.yaml: its number is written with more digits than tkt writes it, a second name for \
         INV-2026-0007",
    ));
}

#[test]
fn check_reports_every_problem_one_line_each() {
    let d = TestDesk::example();
    d.write(
        "tickets/2026/000/T-2026-0002.yaml",
        &d.read("tickets/2026/000/T-2026-0002.yaml").replace("priority: normal", "priority: [normal"),
    );
    d.write(
        "tickets/2026/000/T-2026-0003.yaml",
        &d.read("tickets/2026/000/T-2026-0003.yaml").replace("id: T-2026-0003", "id: T-2026-0099"),
    );
    d.write(
        "tickets/2026/000/T-2026-0004.yaml",
        &d.read("tickets/2026/000/T-2026-0004.yaml").replace("customer: C-0005", "customer: C-0077"),
    );
    d.write(
        "tickets/2026/000/T-2026-0005.yaml",
        &d.read("tickets/2026/000/T-2026-0005.yaml").replace("contratto: base", "contratto: oro"),
    );
    d.write(
        "equipment/AC09K00871.yaml",
        &d.read("equipment/AC09K00871.yaml").replace("item: SPLIT-9K", "item: SPLIT-99"),
    );
    d.write("states/chiuso.yaml", &d.read("states/chiuso.yaml").replace("- in-lavorazione", "- riaperto"));
    d.write("tickets/2026/.tkt-tmp-abc123", "half a record");
    let out = d
        .tkt(&["check"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("problem(s) in the desk"))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let expect = [
        "tickets/2026/000/T-2026-0002.yaml:7:",
        "tickets/2026/000/T-2026-0003.yaml: id \"T-2026-0099\" disagrees with its path",
        "tickets/2026/000/T-2026-0004.yaml: customer: unknown customer \"C-0077\"",
        "tickets/2026/000/T-2026-0005.yaml: custom.contratto: oro is not one of nessuno, base, completo",
        "equipment/AC09K00871.yaml: item: unknown item \"SPLIT-99\"",
        "states/: chiuso.transitions: unknown state \"riaperto\"",
        "tickets/2026/.tkt-tmp-abc123: temp file of an interrupted write",
    ];
    for e in expect {
        assert!(out.contains(e), "missing {e:?} in:\n{out}");
    }
    // T-2026-0005 (serial AC09K00871) now points at a unit of an unknown item.
    assert!(out.contains("tickets/2026/000/T-2026-0005.yaml: serial: AC09K00871 is a unit of unknown item"), "{out}");
    assert_eq!(out.lines().count(), 8, "{out}");
    let json: serde_json::Value = serde_json::from_str(
        &String::from_utf8(d.tkt(&["check", "--format", "json"]).output().unwrap().stdout).unwrap(),
    )
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 8);
}

/// Found by a fiscal review: `doc pay` refuses a payment dated before its invoice, but a
/// hand edit that moved one there was not named.
#[test]
fn check_names_money_dated_before_the_document_it_settles() {
    let d = TestDesk::example();
    d.ok(&["check"]);
    let pay = "documents/payment/2026/000/PAY-2026-0001.yaml";
    d.write(pay, &d.read(pay).replace("date: 2026-02-10", "date: 2026-01-10"));
    let refund = "documents/refund/2026/000/RF-2026-0001.yaml";
    d.write(refund, &d.read(refund).replace("date: 2026-02-25", "date: 2026-02-19"));
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains(&format!("{pay}: date: 2026-01-10 is dated before INV-2026-0001 of 2026-01-15")), "{out}");
    assert!(out.contains(&format!("{refund}: date: 2026-02-19 is dated before CN-2026-0001 of 2026-02-20")), "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
}

/// Found by a careless-office review: a ticket renamed `.yml` was in no list, check said
/// the desk was clean, and every sync refused it.
#[test]
fn check_names_a_committed_file_out_of_the_layout_that_sync_would_refuse() {
    let d = TestDesk::example();
    d.git(&["mv", "tickets/2026/000/T-2026-0017.yaml", "tickets/2026/000/T-2026-0017.yml"]);
    d.write("customers/C-0006.yaml.orig", "id: C-0006\n");
    d.git(&["add", "customers/C-0006.yaml.orig"]);
    d.git(&["commit", "-qm", "oops"]);
    // Two ids that differ only in case, as two clones can each make one (a review).
    let item = d.read("items/CALD-24K.yaml");
    d.write("items/cald-24k.yaml", &item.replace("code: CALD-24K", "code: cald-24k"));
    d.git(&["add", "items/cald-24k.yaml"]);
    d.git(&["commit", "-qm", "twin"]);
    d.write("notes-to-self.txt", "not tracked: not the desk's business\n");
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    for file in ["tickets/2026/000/T-2026-0017.yml", "customers/C-0006.yaml.orig"] {
        assert!(out.contains(&format!("{file}: not part of a desk's layout")), "{out}");
    }
    assert!(!out.contains("notes-to-self"), "{out}");
    assert!(out.contains("items/cald-24k.yaml: one file with items/CALD-24K.yaml on Windows and macOS"), "{out}");
}

/// An editor's older copy of a ticket committed with plain git takes away a note and an
/// entry of its history: check names it, every run, until it is put back (found by a
/// careless-office attack: check was clean, and only a sync would have told).
#[test]
fn check_names_what_happened_a_plain_commit_took_away_until_it_is_put_back() {
    let d = TestDesk::example();
    let path = "tickets/2026/000/T-2026-0012.yaml";
    let now = d.read(path);
    let old = d.git(&["log", "--format=%h", "-2", "--", path]).lines().nth(1).unwrap().to_string();
    d.ok(&["check"]);
    d.write(path, &d.git(&["show", &format!("{old}:{path}")]));
    d.git(&["commit", "-qam", "aggiornato ticket"]);
    for _ in 0..2 {
        d.tkt(&["check"])
            .assert()
            .code(4)
            .stdout(predicate::str::contains(format!("{path}: takes away an entry of its history, which records")));
    }
    d.write(path, &now);
    d.git(&["commit", "-qam", "rimesso"]);
    d.ok(&["check"]);
    d.ok(&["ticket", "note", "T-2026-0012", "nuova nota"]);
    d.ok(&["check"]);
}

/// Files never committed that sync refuses to publish beside (an editor's backup, a
/// `Thumbs.db`) are named by check too, with the way out that never writes a backup over
/// its record (found by a careless-office attack: sync said "tkt check shows the same",
/// check was clean, and sync's hint to rename the backup lost the ticket's new note).
#[test]
fn check_names_a_stray_file_in_the_record_folders_that_sync_refuses() {
    let d = TestDesk::example();
    d.write("tickets/2026/000/T-2026-0012.yaml~", &d.read("tickets/2026/000/T-2026-0012.yaml"));
    d.write("documents/invoice/2026/Thumbs.db", "x");
    d.write("tickets/2026/.DS_Store", "x");
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    for file in ["tickets/2026/000/T-2026-0012.yaml~", "documents/invoice/2026/Thumbs.db"] {
        assert!(out.contains(&format!("{file}: no record's name")), "{out}");
    }
    assert!(out.contains("never over its record"), "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
}

/// Found by a careless-office attack: an old version of a ticket checked out over its
/// notes (staged, so `git diff -- FILE` showed nothing and `git checkout -- FILE` put
/// nothing back), or a payment deleted by hand, were refused by every command and by sync,
/// while check said clean.
#[test]
fn what_an_uncommitted_edit_takes_away_is_named_by_check_with_a_way_back_that_works() {
    let d = TestDesk::example();
    let ticket = "tickets/2026/000/T-2026-0012.yaml";
    let old = d.head();
    d.ok(&["ticket", "note", "T-2026-0012", "nota nuova"]);
    d.git(&["checkout", &old, "--", ticket]);
    let payment = "documents/payment/2026/000/PAY-2026-0002.yaml";
    std::fs::remove_file(d.path(payment)).unwrap();
    let out = String::from_utf8(d.tkt(&["check"]).assert().code(4).get_output().stdout.clone()).unwrap();
    assert!(out.contains(&format!("{ticket}: takes away a note the last commit has")), "{out}");
    assert!(out.contains(&format!("{payment}: deleted by hand")), "{out}");
    d.tkt(&["ticket", "note", "T-2026-0012", "x"])
        .env("TKT_NOW", "2026-11-27T10:00:00+01:00")
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!("git diff HEAD -- {ticket}")));
    // The way back each names works, staged or not.
    d.git(&["checkout", "HEAD", "--", ticket]);
    d.git(&["checkout", "HEAD", "--", payment]);
    d.ok(&["check"]);
    assert_eq!(d.status(), "");
}

/// A ticket is read at its path or where an older tkt kept it: both files are named (check
/// looks for one id read twice only where it can be).
#[test]
fn a_ticket_at_its_path_and_where_an_older_tkt_kept_it_is_named_twice_read() {
    let d = TestDesk::example();
    d.write("tickets/2026/T-2026-0005.yaml", &d.read("tickets/2026/000/T-2026-0005.yaml"));
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains(
        "tickets/2026/T-2026-0005.yaml: duplicate id T-2026-0005 (also in tickets/2026/000/T-2026-0005.yaml)",
    ));
}

/// Found by a careless-office attack: a file manager's copy beside a record
/// (`T-2026-0005 - Copia.yaml`) stopped every list and report, and the hint said to rename
/// it — over the record it is a copy of.
#[test]
fn a_file_managers_copy_of_a_record_stops_no_list_and_is_never_renamed_over_it() {
    let d = TestDesk::example();
    let list = d.ok(&["ticket", "list", "--format", "csv"]);
    for copy in ["T-2026-0005 - Copia.yaml", "T-2026-0005 (1).yaml", "T-2026-0005 copy.yaml"] {
        d.write(&format!("tickets/2026/000/{copy}"), &d.read("tickets/2026/000/T-2026-0005.yaml"));
    }
    assert_eq!(d.ok(&["ticket", "list", "--format", "csv"]), list);
    d.ok(&["report", "summary"]);
    let out = String::from_utf8(d.tkt(&["check"]).assert().code(4).get_output().stdout.clone()).unwrap();
    assert!(out.contains("tickets/2026/000/T-2026-0005 - Copia.yaml: no record's name"), "{out}");
    assert_eq!(out.lines().count(), 3, "{out}");
    // A copy under another record's name says so, and never to rename it over the record.
    for copy in ["T-2026-0005 - Copia.yaml", "T-2026-0005 (1).yaml", "T-2026-0005 copy.yaml"] {
        std::fs::remove_file(d.path(&format!("tickets/2026/000/{copy}"))).unwrap();
    }
    d.write("tickets/2026/000/T-2026-0099.yaml", &d.read("tickets/2026/000/T-2026-0005.yaml"));
    d.tkt(&["ticket", "list"]).assert().code(4).stderr(predicate::str::contains(
        "tickets/2026/000/T-2026-0005.yaml is there already: if this file is a copy, move it out of the desk",
    ));
}

#[test]
fn a_broken_record_names_its_file_line_and_column_and_others_stay_usable() {
    let d = TestDesk::example();
    d.write("tickets/2026/000/T-2026-0002.yaml", "id: T-2026-0002\ntitle: [unclosed\n");
    d.git(&["commit", "-q", "-am", "broken by hand"]);
    let head = d.head();
    d.tkt(&["ticket", "show", "T-2026-0002"]).assert().code(4).stderr(predicate::str::contains(
        "tickets/2026/000/T-2026-0002.yaml:2:8: title: invalid type: sequence, expected a string",
    ));
    d.tkt(&["ticket", "note", "T-2026-0002", "x"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("tickets/2026/000/T-2026-0002.yaml:"));
    d.tkt(&["ticket", "list"]).assert().code(4).stderr(predicate::str::contains("T-2026-0002.yaml"));
    d.ok(&["ticket", "show", "T-2026-0001"]);
    d.ok(&["ticket", "note", "T-2026-0001", "still fine"]);
    assert_ne!(d.head(), head);
    assert_eq!(d.status(), "");
}

/// Found by a careless-office attack: one customer saved with a tab (Notepad) stopped every
/// ticket and document list, and check named it nine times as "unknown customer" in the
/// records pointing at it.
#[test]
fn one_customer_that_does_not_read_is_named_once_and_stops_no_list() {
    let d = TestDesk::example();
    let file = "customers/C-0002.yaml";
    d.write(file, &d.read(file).replacen("\n  city:", "\n\tcity:", 1));
    let out = String::from_utf8(d.tkt(&["check"]).assert().code(4).get_output().stdout.clone()).unwrap();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with(file), "{out}");
    d.tkt(&["customer", "show", "C-0002"]).assert().code(4).stderr(predicate::str::contains("a tab: YAML indents"));
    for list in [&["ticket", "list"][..], &["doc", "list"][..]] {
        d.tkt(list)
            .assert()
            .success()
            .stdout(predicate::str::contains("C-0002"))
            .stderr(predicate::str::contains(format!("{file} does not read: shown by its id")));
    }
}

#[test]
fn wrong_types_and_bad_money_are_refused_with_the_field() {
    let d = TestDesk::new();
    d.write("items/X.yaml", "code: X\ndescription: x\nprice: 12.345\n");
    d.write("customers/C-0001.yaml", "id: C-0001\nname: [1, 2]\n");
    let out = String::from_utf8(d.tkt(&["check"]).assert().code(4).get_output().stdout.clone()).unwrap();
    assert!(out.contains("items/X.yaml:3:8: price: 12.345 has more than two decimal places"), "{out}");
    assert!(out.contains("customers/C-0001.yaml:2:7: name: invalid type"), "{out}");
    // A field written twice is named at its second line, not the record's first (a review).
    d.write("customers/C-0001.yaml", "id: C-0001\nname: Rossi\nphone: '030 1'\nname: Bianchi\n");
    let out = String::from_utf8(d.tkt(&["check"]).assert().code(4).get_output().stdout.clone()).unwrap();
    assert!(out.contains("customers/C-0001.yaml:4:1: duplicate field `name`"), "{out}");
}

#[test]
fn a_broken_tkt_toml_is_named_with_its_line() {
    let d = TestDesk::new();
    d.write("tkt.toml", "[features]\nserial_numbers = maybe\n");
    d.tkt(&["check"]).assert().code(4).stderr(predicate::str::contains("tkt.toml: line 2"));
    d.tkt(&["ticket", "list"]).assert().code(4).stderr(predicate::str::contains("tkt.toml: line 2"));
    // Saved by Notepad in Windows-1252 (found by a careless-office attack: exit 1).
    std::fs::write(d.path("tkt.toml"), b"[company]\nname = \"Termoclima S.r.l.\"\ncity = \"Forl\xec\"\n").unwrap();
    d.tkt(&["check"]).assert().code(4).stderr(predicate::str::contains("tkt.toml: line 3, column 13: not UTF-8 text"));
}

#[test]
fn check_names_a_tkt_toml_changed_or_never_committed_and_says_to_commit_it() {
    let d = TestDesk::new();
    d.tkt(&["check"]).assert().success();
    let config = d.read("tkt.toml") + "\n[fields.contract]\ntype = \"enum\"\nvalues = [\"none\", \"full\"]\n";
    d.write("tkt.toml", &config);
    d.tkt(&["check"]).assert().code(4).stdout(
        predicate::str::contains("tkt.toml: changed and not committed")
            .and(predicate::str::contains("git commit tkt.toml")),
    );
    // Staged is not committed either.
    d.git(&["add", "tkt.toml"]);
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tkt.toml: changed and not committed"));
    d.git(&["commit", "-qm", "contract", "tkt.toml"]);
    d.tkt(&["check"]).assert().success();
    // A mode git records is a change too.
    let chmod = |mode: &str| {
        assert!(std::process::Command::new("chmod").arg(mode).arg(d.path("tkt.toml")).status().unwrap().success())
    };
    chmod("+x");
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tkt.toml: changed and not committed"));
    chmod("-x");
    d.tkt(&["check"]).assert().success();
    // Never committed at all: the same.
    d.git(&["rm", "-q", "--cached", "tkt.toml"]);
    d.git(&["commit", "-qm", "untrack"]);
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tkt.toml: changed and not committed"));
}

/// `check` reads through the lists' cache, which is never wrong: a file unchanged since it
/// was read well is not parsed again, but an edit in place with the same size and time is
/// seen, a broken file is named on every run (broken files are never cached), a record
/// mended by hand is clean again, and what check finds with the cache it finds without.
#[test]
fn check_through_the_cache_sees_every_hand_edit_and_names_a_broken_file_every_run() {
    let d = TestDesk::example();
    let rel = "tickets/2026/000/T-2026-0013.yaml";
    let path = d.path(rel);
    let original = d.read(rel);
    let when = d.git(&["log", "-1", "--format=%cd", "--date=iso"]).trim().to_string();
    let touch = || {
        assert!(std::process::Command::new("touch").args(["-m", "-d", &when]).arg(&path).status().unwrap().success())
    };
    let in_place = |text: &str| {
        use std::io::Write;
        std::fs::OpenOptions::new().write(true).truncate(true).open(&path).unwrap().write_all(text.as_bytes()).unwrap();
        touch();
    };
    let problems = || String::from_utf8(d.tkt(&["check"]).assert().code(4).get_output().stdout.clone()).unwrap();
    touch();
    d.tkt(&["check"]).assert().success();
    assert!(d.path(".tkt/cache/tickets.idx").is_file(), "check filled the cache");
    // Past the racy window: the cache's entries are trusted from here on.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // Same size, same modification time: only the inode's change time tells.
    in_place(&original.replace("customer: C-0006", "customer: C-0066"));
    let cached = problems();
    assert!(cached.contains(&format!("{rel}: customer: unknown customer \"C-0066\"")), "{cached}");
    std::fs::remove_dir_all(d.path(".tkt/cache")).unwrap();
    assert_eq!(problems(), cached, "with no cache, as with one");
    in_place(&original.replace("priority: high", "priority: [hig"));
    for run in 1..=2 {
        let out = problems();
        assert!(out.contains(&format!("{rel}:7:")), "run {run}: the broken file is named: {out}");
    }
    in_place(&original);
    d.tkt(&["check"]).assert().success();
}

/// An invoice file that does not read is named as such, never as a gap to re-create; and
/// the last invoice this clone issued, lost to a `git reset`, is named at once from the
/// clone's log of what it issued (found by a fiscal and a technician's review).
#[test]
fn a_broken_or_reset_away_invoice_is_named_for_what_it_is() {
    let d = TestDesk::example();
    let inv = "documents/invoice/2026/000/INV-2026-0002.yaml";
    d.write(inv, "id: [broken\n");
    d.git(&["commit", "-qam", "rotto"]);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(out.contains(inv) && !out.contains("INV-2026-0002 is missing"), "{out}");
    d.git(&["reset", "-q", "--hard", "HEAD~1"]);

    d.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    assert_eq!(d.ok(&["ticket", "invoice", "T-2026-0013"]), "INV-2026-0007\n");
    d.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    let lost = "INV-2026-0007 was issued by this clone (.tkt/issued) and is gone from the desk and its history";
    assert!(out.contains(lost) && out.contains("git cat-file blob "), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");

    // Found by a careless-office review: with an invoice issued after it, the lost one was
    // named as a gap to find with `git log --all`, which cannot find it.
    d.ok(&["ticket", "work", "T-2026-0017", "--hours", "1"]);
    assert_eq!(d.ok(&["ticket", "invoice", "T-2026-0017"]), "INV-2026-0008\n");
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(out.contains(lost) && out.contains("git cat-file blob ") && !out.contains("git log --all"), "{out}");
    // Restored as it says, the desk is clean.
    let line = out.lines().find(|l| l.contains("git cat-file")).unwrap();
    let command = line.split('`').nth(1).unwrap();
    let out = std::process::Command::new("sh").arg("-c").arg(command).current_dir(d.path("")).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    d.git(&["add", "documents"]);
    d.git(&["commit", "-qm", "ripristinata"]);
    d.ok(&["check"]);
}

/// Found by a review: while history was read without hashing each object, a folder stored
/// under another version's name (an object store damaged, or tampered with) read as that
/// version, and check named an invoice as issued in a commit that never had it.
#[test]
fn check_stops_at_an_object_stored_under_another_ones_name() {
    let d = TestDesk::example();
    d.git(&["repack", "-qad"]);
    d.git(&["prune-packed"]);
    for ticket in ["T-2026-0013", "T-2026-0017"] {
        d.ok(&["ticket", "work", ticket, "--hours", "1"]);
        d.ok(&["ticket", "invoice", ticket]);
    }
    let folder = "documents/invoice/2026/000";
    let issued = d.git(&["log", "--format=%H", "-1", "--", &format!("{folder}/INV-2026-0007.yaml")]);
    let [first, last] = [format!("{}:{folder}", issued.trim()), format!("HEAD:{folder}")].map(|rev| {
        let id = d.git(&["rev-parse", &rev]).trim().to_string();
        d.path(&format!(".git/objects/{}/{}", &id[..2], &id[2..]))
    });
    // The version that added INV-2026-0007 now holds the next one's bytes.
    let mut perms = std::fs::metadata(&first).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&first, perms).unwrap();
    std::fs::copy(&last, &first).unwrap();
    let out = d.tkt(&["check"]).assert().code(1).get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("hash mismatch"), "{err}");
}

/// Found by a careless-office review: an invoice taken out by `git revert` was named both
/// as "gone from its history" (false) and with its commit to restore; and a number no commit
/// ever had was named as one to restore from history.
#[test]
fn a_missing_fiscal_number_is_named_once_with_the_way_to_put_it_back() {
    let d = TestDesk::example();
    d.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    d.ok(&["ticket", "invoice", "T-2026-0013"]);
    d.git(&["revert", "--no-edit", "HEAD"]);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(out.contains("INV-2026-0007, issued in commit") && out.contains("git checkout"), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    d.git(&["revert", "--no-edit", "HEAD"]);
    d.ok(&["check"]);
    // A number skipped by a copy made by hand (INV-2026-0070 for 0007's neighbour).
    let inv = d.read("documents/invoice/2026/000/INV-2026-0007.yaml");
    d.write("documents/invoice/2026/000/INV-2026-0009.yaml", &inv.replace("INV-2026-0007", "INV-2026-0009"));
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(out.contains("INV-2026-0008 is missing and no commit of this branch has it"), "{out}");
    std::fs::remove_file(d.path("documents/invoice/2026/000/INV-2026-0009.yaml")).unwrap();
    // Under a new prefix, a number deleted under the former one is named once, with its
    // commit (a review: also as a gap "no commit has", under the new prefix).
    let config = d.read("tkt.toml").replace("[numbering.prefixes]", "[numbering.prefixes]\ninvoice = \"FT\"");
    d.write("tkt.toml", &format!("{config}\n[numbering.former_prefixes]\ninvoice = [\"INV\"]\n"));
    d.git(&["commit", "-qam", "FT"]);
    d.ok(&["ticket", "work", "T-2026-0017", "--hours", "1"]);
    assert_eq!(d.ok(&["ticket", "invoice", "T-2026-0017"]), "FT-2026-0008\n");
    d.git(&["rm", "-q", "documents/invoice/2026/000/INV-2026-0007.yaml"]);
    d.git(&["commit", "-qm", "via"]);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(out.contains("INV-2026-0007, issued in commit"), "{out}");
    assert!(!out.contains("FT-2026-0007") && !out.contains("no commit of this branch"), "{out}");
}

/// Attachments a Windows or macOS clone cannot check out — a device name, names that
/// differ only in case — are named by check (found by a careless-office review: sync
/// refuses to publish them, and check said the desk was clean).
#[test]
fn attachments_a_windows_or_macos_clone_cannot_hold_are_named() {
    let d = TestDesk::example();
    std::fs::create_dir_all(d.path("attachments/T-2026-0016")).unwrap();
    for name in ["CON", "foto.jpg", "FOTO.jpg"] {
        d.write(&format!("attachments/T-2026-0016/{name}"), "x");
    }
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains("attachments/T-2026-0016/CON: a name a Windows or macOS clone cannot check out"), "{out}");
    assert!(out.contains("names differ only in case"), "{out}");
    // Two folders too (found by a sync attack: sync now refuses them).
    std::fs::create_dir_all(d.path("attachments/t-2026-0016")).unwrap();
    d.write("attachments/t-2026-0016/nota.txt", "x");
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out);
    let named = ["t-2026-0016: one folder with T-2026-0016", "T-2026-0016: one folder with t-2026-0016"];
    assert!(named.iter().any(|n| out.contains(&format!("attachments/{n} on Windows and macOS"))), "{out}");
}

/// Found by a careless-office review: in a fresh clone, the number of a ticket deleted by
/// hand was given to another customer's new ticket, which inherited the old one's
/// delivery note — and `check` was clean.
#[test]
fn a_deleted_ticket_number_is_never_given_again_and_documents_stay_their_tickets_customers() {
    let d = TestDesk::example();
    d.git(&["rm", "-q", "tickets/2026/000/T-2026-0020.yaml"]);
    d.git(&["commit", "-qm", "deleted by hand"]);
    // A fresh clone has none of this clone's marks.
    std::fs::remove_dir_all(d.path(".tkt")).unwrap();
    assert_eq!(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "nuovo"]), "T-2026-0021\n");
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("unknown ticket \"T-2026-0020\""));

    // A ticket's customer does not change once it has documents, by a flag or by hand.
    let d = TestDesk::example();
    d.tkt(&["ticket", "edit", "T-2026-0003", "--customer", "C-0001"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("T-2026-0003: its customer cannot change: it has documents of C-0006"));
    let path = "tickets/2026/000/T-2026-0003.yaml";
    d.write(path, &d.read(path).replace("customer: C-0006", "customer: C-0001"));
    d.git(&["commit", "-qam", "hand edit"]);
    d.tkt(&["check"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("C-0006 is not the customer of its ticket T-2026-0003 (C-0001)"));

    // A payment names an invoice of its own customer (found by a review: one published on
    // another customer's invoice of the same number was not named).
    let d = TestDesk::example();
    let path = "documents/payment/2026/000/PAY-2026-0001.yaml";
    d.write(path, &d.read(path).replace("invoice: INV-2026-0001", "invoice: INV-2026-0003"));
    d.git(&["commit", "-qam", "hand edit"]);
    d.tkt(&["check"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("invoice: INV-2026-0003 is C-0006's, not C-0004's"));
}

#[test]
fn check_beside_a_live_writer_waits_for_it_and_never_calls_its_files_interrupted() {
    // Found by an office review: check run while a cron job's import was writing named
    // the import's temp file and journal as left by an interrupted command, and exited 4.
    let d = TestDesk::example();
    d.write("tickets/2026/.tkt-tmp-abc123", "half a record");
    d.write(".tkt/journal", "tickets/2026/000/T-2026-0001.yaml\n");
    // The writer: it holds the desk lock as every command that changes the desk does.
    let lock = std::fs::File::options().create(true).truncate(false).write(true).open(d.path(".tkt/lock")).unwrap();
    lock.try_lock().unwrap();
    // Check waits for it (TKT_LOCK_TIMEOUT), and reads no half-written desk: found by a
    // scripting attack, check beside a sync writing hundreds of files named problems that
    // were not there. Still writing then, the desk is busy (exit 5).
    let out = d.tkt(&["check"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(5), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("another command is writing the desk"));
    assert!(!stdout.contains("interrupted"), "{stdout}");
    assert!(d.path(".tkt/journal").exists() && d.path("tickets/2026/.tkt-tmp-abc123").exists(), "nothing settled");
    // The writer is gone and left them: now they are what an interrupted command left.
    drop(lock);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let stdout = String::from_utf8(out).unwrap();
    assert!(stdout.contains("tickets/2026/.tkt-tmp-abc123: temp file of an interrupted write"), "{stdout}");
    assert!(
        stdout.contains("tickets/2026/000/T-2026-0001.yaml: written by a command that was interrupted"),
        "{stdout}"
    );
}

/// Found by a careless-office review: a material's item deleted, check was clean, and
/// `ticket invoice` then refused naming no file.
#[test]
fn check_names_an_item_a_document_uses_that_is_gone() {
    let d = TestDesk::example();
    d.ok(&["ticket", "work", "T-2026-0013", "--hours", "1", "--material", "SCHEDA-CV:1"]);
    d.git(&["rm", "-q", "items/SCHEDA-CV.yaml"]);
    d.git(&["commit", "-qm", "via"]);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(
        out.contains("documents/work-report/2026/000/WR-2026-0009.yaml: materials[1].item: unknown item \"SCHEDA-CV\""),
        "{out}"
    );
}

/// An invoice dated after today, or in another year than its number's, is named: by a slip
/// of the hand INV-2026-0007 dated 2027 was clean, and every later invoice of the year was
/// refused "before INV-2026-0007" (found by a fiscal review).
#[test]
fn a_fiscal_document_dated_after_today_or_out_of_its_numbers_year_is_named() {
    let d = TestDesk::example();
    d.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    assert_eq!(d.ok(&["ticket", "invoice", "T-2026-0013"]), "INV-2026-0007\n");
    let inv = "documents/invoice/2026/000/INV-2026-0007.yaml";
    let text = d.read(inv);
    let date = text.lines().find(|l| l.starts_with("date: ")).unwrap().to_string();
    d.write(inv, &text.replacen(&date, "date: 2027-01-20", 1));
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(out.contains(&format!("{inv}: date: 2027-01-20 is after today")), "{out}");
    assert!(out.contains("2027-01-20 is in 2027, and its number in 2026"), "{out}");
}

/// Found by a hostile-remote attack: an item `CON` made with plain git came in (a record
/// keeps its id), and `tkt check` called the desk clean; a Windows clone cannot hold it.
#[test]
fn check_names_a_record_whose_name_a_windows_clone_cannot_hold() {
    let d = TestDesk::example();
    d.write("items/CON.yaml", &d.read("items/CALD-24K.yaml").replace("code: CALD-24K", "code: CON"));
    d.git(&["add", "items/CON.yaml"]);
    d.git(&["commit", "-qm", "con"]);
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out).to_string();
    assert!(out.contains("items/CON.yaml: a name a Windows or macOS clone cannot check out"), "{out}");
}

/// Found by a careless-office attack: a record there but unreadable (`chmod 000`) was
/// "deleted by hand" with a `git checkout` to put it back; it is named as what it is. Root
/// reads any file: run as root, the test says so and checks nothing.
#[test]
fn a_record_there_but_unreadable_is_not_called_deleted() {
    let root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if root {
        eprintln!("run as root, which reads a file of mode 000: nothing to check");
        return;
    }
    let d = TestDesk::example();
    let path = "tickets/2026/000/T-2026-0012.yaml";
    std::fs::set_permissions(d.path(path), std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let out = d.tkt(&["check"]).assert().code(4).get_output().stdout.clone();
    std::fs::set_permissions(d.path(path), std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains(&format!("{path}: {path}: Permission denied")), "{out}");
    assert!(!out.contains("deleted by hand"), "{out}");
}
