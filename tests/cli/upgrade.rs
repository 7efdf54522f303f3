//! Desks made by an older tkt (every ticket of a year in one folder): read as they are,
//! written only once `tkt upgrade` moved the tickets into their folders of a thousand, and
//! merged by sync with upgraded clones without losing or confusing any work.

use std::path::Path;

use predicates::prelude::*;

use crate::common::TestDesk;
use crate::sync::{Clone, Team};

/// Moves the tickets of the desk in `dir` where an older tkt kept them
/// (`tickets/2026/T-2026-0001.yaml`); the caller commits.
fn flatten(dir: &Path) -> usize {
    flatten_in(&dir.join("tickets"))
}

/// Moves the documents of the desk in `dir` where an older tkt kept them
/// (`documents/invoice/2026/INV-2026-0001.yaml`); the caller commits.
fn flatten_documents(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("documents")).unwrap().map(|kind| flatten_in(&kind.unwrap().path())).sum()
}

/// Moves the files of each year's folders of a thousand below `top` into the year's folder.
fn flatten_in(top: &Path) -> usize {
    let mut moved = 0;
    for year in std::fs::read_dir(top).unwrap() {
        let year = year.unwrap().path();
        for shard in std::fs::read_dir(&year).unwrap() {
            let shard = shard.unwrap().path();
            for file in std::fs::read_dir(&shard).unwrap() {
                let file = file.unwrap().path();
                std::fs::rename(&file, year.join(file.file_name().unwrap())).unwrap();
                moved += 1;
            }
            std::fs::remove_dir(&shard).unwrap();
        }
    }
    moved
}

fn flat_desk() -> TestDesk {
    let d = TestDesk::example();
    assert_eq!(flatten(&d.dir), 20);
    d.git(&["add", "-A", "tickets"]);
    d.git(&["commit", "-qm", "tickets as an older tkt kept them"]);
    d
}

#[test]
fn a_desk_kept_by_an_older_tkt_is_read_written_by_nothing_and_upgraded_in_one_commit() {
    let d = flat_desk();
    let log_before = d.ok(&["ticket", "log", "T-2026-0003"]);
    // Read as it is.
    assert_eq!(d.ok(&["ticket", "list", "--format", "csv"]).lines().count(), 21);
    assert!(d.ok(&["ticket", "show", "T-2026-0003"]).contains("Pressione impianto scende"));
    d.ok(&["report", "summary"]);
    // Written by nothing, and said how to go on; nothing is left behind.
    let head = d.head();
    for args in [
        &["ticket", "create", "--customer", "C-0001", "--title", "Nuovo guasto"][..],
        &["ticket", "note", "T-2026-0003", "richiamato"],
        &["customer", "create", "--name", "Rossi"],
        &["sync"],
    ] {
        d.tkt(args).assert().code(4).stderr(
            predicate::str::contains("tickets/2026/T-2026-0001.yaml").and(predicate::str::contains("tkt upgrade")),
        );
    }
    assert_eq!(d.head(), head);
    assert_eq!(d.git(&["status", "--porcelain"]), "");
    d.tkt(&["check"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("(and 19 more)").and(predicate::str::contains("tkt upgrade")));

    d.tkt(&["upgrade"]).assert().success().stderr(predicate::str::contains("Moved 20 tickets"));
    // One commit, of moves alone, and nothing else to commit.
    assert_eq!(d.git(&["rev-parse", "HEAD~1"]).trim(), head);
    let moves = d.git(&["show", "--format=", "--name-status", "-M100%", "HEAD"]);
    assert_eq!(moves.lines().count(), 20, "{moves}");
    assert!(moves.lines().all(|l| l.starts_with("R100\ttickets/2026/T-2026-")), "{moves}");
    assert!(moves.contains("R100\ttickets/2026/T-2026-0003.yaml\ttickets/2026/000/T-2026-0003.yaml"), "{moves}");
    assert_eq!(d.git(&["status", "--porcelain"]), "");
    // History follows the move: the log is what it was.
    assert_eq!(d.ok(&["ticket", "log", "T-2026-0003"]), log_before);
    d.tkt(&["check"]).assert().success();
    // Written again, where this tkt keeps tickets; a second upgrade does nothing.
    assert_eq!(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Nuovo guasto"]).trim(), "T-2026-0021");
    assert!(d.path("tickets/2026/000/T-2026-0021.yaml").is_file());
    let head = d.head();
    d.tkt(&["upgrade"]).assert().success().stderr(predicate::str::contains("up to date"));
    assert_eq!(d.head(), head);
}

#[test]
fn an_upgrade_that_cannot_move_every_ticket_moves_none() {
    let d = flat_desk();
    // A ticket copied by hand to where this tkt keeps it, and committed: two files of one
    // ticket.
    std::fs::create_dir(d.path("tickets/2026/000")).unwrap();
    d.write("tickets/2026/000/T-2026-0005.yaml", &d.read("tickets/2026/T-2026-0005.yaml"));
    d.git(&["add", "-A"]);
    d.git(&["commit", "-qm", "a copy"]);
    let (head, files) = (d.head(), d.git(&["ls-files", "tickets"]));
    d.tkt(&["upgrade"]).assert().code(4).stderr(
        predicate::str::contains("tickets/2026/T-2026-0005.yaml and tickets/2026/000/T-2026-0005.yaml")
            .and(predicate::str::contains("nothing was moved")),
    );
    assert_eq!((d.head(), d.git(&["ls-files", "tickets"])), (head, files));
    assert_eq!(d.git(&["status", "--porcelain", "--untracked-files=all"]), "");
    d.git(&["rm", "-q", "tickets/2026/000/T-2026-0005.yaml"]);
    d.git(&["commit", "-qm", "the copy out"]);
    d.tkt(&["upgrade"]).assert().success().stderr(predicate::str::contains("Moved 20 tickets"));
}

/// Other files in a year's folder (a note, another year's ticket) are no tickets of the
/// old layout: they stop no write, the upgrade leaves them, and `tkt check` names them.
#[test]
fn a_stray_file_in_a_years_folder_stops_no_write() {
    let d = TestDesk::example();
    d.write("tickets/2026/appunti.yaml", "id: appunti\n");
    let other_year = d.read("tickets/2026/000/T-2026-0001.yaml").replace("T-2026-0001", "T-2025-0001");
    d.write("tickets/2026/T-2025-0001.yaml", &other_year);
    d.ok(&["ticket", "note", "T-2026-0001", "richiamato"]);
    d.tkt(&["upgrade"]).assert().success().stderr(predicate::str::contains("up to date"));
    d.tkt(&["check"]).assert().code(4).stdout(
        predicate::str::contains("tickets/2026/appunti.yaml")
            .and(predicate::str::contains("tickets/2026/T-2025-0001.yaml"))
            .and(predicate::str::contains("tickets/2025/000/T-2025-0001.yaml")),
    );
}

/// An upgrade moves committed tickets only: a hand edit not committed (an editor's older
/// copy dropping a note, a half-merged file) would go into its commit unchecked, and a
/// killed upgrade would put HEAD's version back over it.
#[test]
fn an_upgrade_refuses_tickets_changed_since_the_last_commit() {
    let d = flat_desk();
    let file = "tickets/2026/T-2026-0012.yaml";
    let edited = d.read(file).replace("title: ", "title: Rivisto ");
    d.write(file, &edited);
    let head = d.head();
    d.tkt(&["upgrade"]).assert().code(4).stderr(
        predicate::str::contains("tickets/2026/T-2026-0012.yaml: changed since the last commit")
            .and(predicate::str::contains("nothing was moved")),
    );
    assert_eq!(d.head(), head);
    assert_eq!(d.read(file), edited);
    assert_eq!(d.git(&["status", "--porcelain"]), " M tickets/2026/T-2026-0012.yaml\n");
    d.git(&["commit", "-qam", "Rivisto, by hand"]);
    d.tkt(&["upgrade"]).assert().success();
    assert!(d.read("tickets/2026/000/T-2026-0012.yaml").contains("title: Rivisto "));
}

/// The most dangerous mistake of the layout: a clone with no mark of its own (fresh, or
/// `.tkt/` deleted) reading one folder's history would number from 1 again.
#[test]
fn numbers_go_on_across_folders_of_a_thousand_and_are_never_given_twice() {
    let d = TestDesk::example();
    let ticket = |id: &str| d.read("tickets/2026/000/T-2026-0001.yaml").replace("T-2026-0001", id);
    // Numbers up to 999 taken, then one in the next thousand committed and deleted.
    std::fs::create_dir_all(d.path("tickets/2026/001")).unwrap();
    d.write("tickets/2026/000/T-2026-0999.yaml", &ticket("T-2026-0999"));
    d.write("tickets/2026/001/T-2026-1004.yaml", &ticket("T-2026-1004"));
    d.git(&["add", "-A"]);
    d.git(&["commit", "-qm", "by hand"]);
    d.git(&["rm", "-q", "tickets/2026/001/T-2026-1004.yaml"]);
    d.git(&["commit", "-qm", "taken out"]);
    std::fs::remove_dir_all(d.path(".tkt")).unwrap();
    let made = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "x"]);
    assert_eq!(made.trim(), "T-2026-1005");
    assert!(d.path("tickets/2026/001/T-2026-1005.yaml").is_file());
    d.tkt(&["check"]).assert().success();
}

/// A ticket filed by hand in the wrong folder of a thousand, and a file named like one,
/// never make a number given twice nor stop the desk.
#[test]
fn a_ticket_in_the_wrong_folder_of_a_thousand_never_has_its_number_given_again() {
    let d = TestDesk::example();
    std::fs::create_dir_all(d.path("tickets/2026/001")).unwrap();
    d.write("tickets/2026/001/T-2026-0003.yaml", &d.read("tickets/2026/000/T-2026-0003.yaml"));
    d.write(
        "tickets/2026/000/T-2026-0021.yaml",
        &d.read("tickets/2026/000/T-2026-0004.yaml").replace("T-2026-0004", "T-2026-0021"),
    );
    let four = d.read("tickets/2026/000/T-2026-0004.yaml");
    let made = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "x"]);
    assert_eq!(made.trim(), "T-2026-0022");
    assert_eq!(d.read("tickets/2026/000/T-2026-0004.yaml"), four);
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tickets/2026/001/T-2026-0003.yaml"));
    std::fs::remove_dir_all(d.path("tickets/2026/001")).unwrap();
    d.write("tickets/2026/001", "not a folder");
    d.ok(&["ticket", "list"]);
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tickets/2026/001: "));
}

/// A clone's commit of the old layout (an older tkt, before it was updated): the ticket
/// file `id` written flat with `title`, committed with plain git.
fn commit_flat(c: &Clone, id: &str, title: &str) {
    let text = c.read("tickets/2026/T-2026-0001.yaml").replace("T-2026-0001", id);
    let text = text.replace("Caldaia in blocco, hotel senza acqua calda", title);
    c.write(&format!("tickets/2026/{id}.yaml"), &text);
    c.git(&["add", "-A"]);
    c.git(&["commit", "-qm", &format!("{id}: by an older tkt")]);
}

fn flat_team() -> Team {
    let team = Team::new();
    publish_flat(&team.clone("anna"), "tickets");
    team
}

/// Moves the records below `top` (`tickets` or `documents`) of the clone's desk where an
/// older tkt kept them, commits and pushes: the remote as an older tkt kept it.
fn publish_flat(c: &Clone, top: &str) {
    match top {
        "tickets" => flatten(&c.dir),
        _ => flatten_documents(&c.dir),
    };
    c.git(&["add", "-A", top]);
    c.git(&["commit", "-qm", &format!("{top} as an older tkt kept them")]);
    c.git(&["push", "-q", "origin", "main"]);
}

fn assert_one_layout(c: &Clone) {
    let files = c.git(&["ls-files", "tickets"]);
    assert!(files.lines().all(|f| f.split('/').count() == 4), "{}: {files}", c.user);
    c.tkt(&["check"]).assert().success();
}

/// Both orders of the upgrade in a team: the clone that upgraded first meets a remote not
/// upgraded with work on it, and the other, upgraded later with unpublished work of its
/// own, meets the upgraded remote. No ticket is lost, doubled or taken for another's.
#[test]
fn clones_upgraded_at_different_times_merge_their_work_in_one_layout() {
    let team = flat_team();
    let (anna, bruno) = (team.clone("anna"), team.clone("bruno"));
    // Bruno, on the older tkt still: a ticket, pushed with plain git.
    commit_flat(&bruno, "T-2026-0021", "Perdita dal bollitore");
    bruno.git(&["push", "-q", "origin", "main"]);
    // Anna upgrades and works offline: the same number for another customer's ticket, and
    // a note on a ticket Bruno will change too.
    anna.ok(&["upgrade"]);
    assert_eq!(
        anna.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Condizionatore rumoroso"]).trim(),
        "T-2026-0021"
    );
    anna.ok(&["ticket", "note", "T-2026-0003", "nota di anna"]);
    // Bruno, offline, still on the older tkt: an edit of that ticket and one more ticket.
    let edited = bruno.read("tickets/2026/T-2026-0003.yaml").replace("priority: normal", "priority: high");
    bruno.write("tickets/2026/T-2026-0003.yaml", &edited);
    commit_flat(&bruno, "T-2026-0022", "Caldaia rumorosa");

    // Anna's sync meets a remote not upgraded: it is upgraded on its tip, merged, pushed.
    let said = anna.sync();
    assert!(said.contains("T-2026-0021 is now T-2026-0022"), "{said}");
    assert_one_layout(&anna);
    let remote_files = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main", "tickets"]);
    assert!(remote_files.lines().all(|f| f.split('/').count() == 4), "{remote_files}");
    let titles = anna.ok(&["ticket", "list", "--format", "csv"]);
    assert!(titles.contains("Perdita dal bollitore") && titles.contains("Condizionatore rumoroso"), "{titles}");
    assert_eq!(titles.lines().count(), 1 + 22, "{titles}");

    // Bruno updates tkt: his desk is refused until he upgrades, with his unpublished work.
    bruno.tkt(&["sync"]).assert().code(4).stderr(predicate::str::contains("tkt upgrade"));
    bruno.ok(&["upgrade"]);
    bruno.sync();
    assert_one_layout(&bruno);
    anna.sync();
    assert_eq!(anna.git(&["rev-parse", "HEAD^{tree}"]), bruno.git(&["rev-parse", "HEAD^{tree}"]));
    let all = bruno.ok(&["ticket", "list", "--format", "csv"]);
    assert_eq!(all.lines().count(), 1 + 23, "{all}");
    for title in ["Perdita dal bollitore", "Condizionatore rumoroso", "Caldaia rumorosa"] {
        assert_eq!(all.matches(title).count(), 1, "{title}: {all}");
    }
    let t3 = bruno.ok(&["ticket", "show", "T-2026-0003", "--format", "yaml"]);
    assert!(t3.contains("nota di anna") && t3.contains("priority: high"), "{t3}");
}

/// An upgrade killed once its files were moved, before its commit, is taken back whole by
/// the next command (the desk as it was, said in a few words), and made again.
#[test]
fn an_upgrade_killed_before_its_commit_is_taken_back_whole_and_made_again() {
    let d = flat_desk();
    let (head, before) = (d.head(), d.git(&["ls-files", "-s", "tickets"]));
    crate::crash::killed_before_its_commit_with(&d, &["upgrade"], &[]);
    assert!(d.path("tickets/2026/000").is_dir(), "killed after its moves");
    // The next writer takes it back (and, the desk as an older tkt kept it, writes nothing).
    let out = d.tkt(&["ticket", "note", "T-2026-0001", "x"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{said}");
    assert!(said.contains("took back what an interrupted command wrote"), "{said}");
    assert!(
        said.contains("T-2026-0001 (moved back)") && said.contains("and 8 more") && !said.contains("(new)"),
        "{said}"
    );
    assert_eq!(d.head(), head);
    assert_eq!(d.git(&["ls-files", "-s", "tickets"]), before);
    assert_eq!(d.git(&["status", "--porcelain"]), "");
    assert!(!d.path("tickets/2026/000").exists());
    d.tkt(&["upgrade"]).assert().success().stderr(predicate::str::contains("Moved 20 tickets"));
    d.tkt(&["check"]).assert().success();
}

/// The move of an upgrade is no change to a merge: of two edits of one field, the later
/// wins, with its own author and time, whichever clone upgraded last (found by a layout
/// attack: the later upgrade counted as every field's last change).
#[test]
fn an_upgrade_is_no_edit_the_later_change_of_a_field_wins_across_it() {
    let team = flat_team();
    let (anna, bruno) = (team.clone("anna"), team.clone("bruno"));
    // Bruno, on the older tkt still, retitles a ticket at 07:00 (not pushed).
    let edited = bruno.read("tickets/2026/T-2026-0020.yaml");
    let edited =
        edited.lines().map(|l| if l.starts_with("title:") { "title: di bruno" } else { l }).collect::<Vec<_>>();
    bruno.write("tickets/2026/T-2026-0020.yaml", &(edited.join("\n") + "\n"));
    bruno.git(&["commit", "-qam", "T-2026-0020: title", "--date", "2026-11-30T07:00:00+01:00"]);
    // Anna upgrades at 08:00, retitles at 09:00 and publishes.
    anna.at("2026-11-30T08:00:00+01:00", &["upgrade"]);
    anna.at("2026-11-30T09:00:00+01:00", &["ticket", "edit", "T-2026-0020", "--title", "di anna"]);
    anna.at("2026-11-30T09:05:00+01:00", &["sync"]);
    // Bruno updates tkt at 11:00: upgrades, then syncs.
    bruno.at("2026-11-30T11:00:00+01:00", &["upgrade"]);
    bruno.at("2026-11-30T11:05:00+01:00", &["sync"]);
    let ticket = bruno.read("tickets/2026/000/T-2026-0020.yaml");
    assert!(ticket.contains("title: di anna"), "{ticket}");
    assert!(ticket.contains("value: di anna\n    by: anna\n    at: 2026-11-30T09:00:00+01:00"), "{ticket}");
}

/// Two files of one ticket in a commit the remote already has, settled by a later commit,
/// stop no sync; a remote tip holding them is refused, naming both (found by a review: the
/// merge base kept every later sync refused).
#[test]
fn two_files_of_one_ticket_are_refused_coming_in_and_once_settled_stop_nothing() {
    let team = Team::new();
    let (anna, bruno) = (team.clone("anna"), team.clone("bruno"));
    anna.write("tickets/2026/T-2026-0005.yaml", &anna.read("tickets/2026/000/T-2026-0005.yaml"));
    anna.git(&["add", "-A"]);
    anna.git(&["commit", "-qm", "a copy, by hand"]);
    anna.git(&["push", "-q", "origin", "main"]);
    bruno.ok(&["ticket", "note", "T-2026-0001", "nota di bruno"]);
    bruno
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("tickets/2026/T-2026-0005.yaml and tickets/2026/000/T-2026-0005.yaml"));
    anna.git(&["rm", "-q", "tickets/2026/T-2026-0005.yaml"]);
    anna.git(&["commit", "-qm", "the copy out"]);
    anna.ok(&["ticket", "note", "T-2026-0002", "nota di anna"]);
    anna.sync();
    bruno.sync();
    anna.sync();
    assert_one_layout(&bruno);
    assert_eq!(anna.git(&["rev-parse", "HEAD^{tree}"]), bruno.git(&["rev-parse", "HEAD^{tree}"]));
}

/// The first sync after an upgrade publishes the move and this clone's work, and takes no
/// ticket it never touched for one going out (found by a review: a closed ticket of the
/// remote's, its `closed_at` left empty by hand, was rewritten by that sync).
#[test]
fn the_first_sync_after_an_upgrade_touches_no_ticket_of_the_remotes() {
    let team = Team::new();
    let anna = team.clone("anna");
    let file = "tickets/2026/000/T-2026-0001.yaml";
    let emptied: String = anna
        .read(file)
        .lines()
        .map(|l| if l.starts_with("closed_at:") { "closed_at: null\n".to_string() } else { format!("{l}\n") })
        .collect();
    anna.write(file, &emptied);
    anna.git(&["commit", "-qam", "closed_at emptied by hand"]);
    flatten(&anna.dir);
    anna.git(&["add", "-A", "tickets"]);
    anna.git(&["commit", "-qm", "tickets as an older tkt kept them"]);
    anna.git(&["push", "-q", "origin", "main"]);
    anna.ok(&["upgrade"]);
    anna.sync();
    let log = anna.git(&["log", "--format=%s", "-3"]);
    assert_eq!(log.lines().next(), Some("Upgrade: tickets and documents into folders of a thousand"), "{log}");
    assert_eq!(anna.read(file), emptied);
}

/// A ticket published flat and kept through a rewrite of the remote's history (an amend
/// and force-push) is the published one, never renumbered as new (found by a team attack:
/// it was doubled, and this clone's note went to the copy).
#[test]
fn a_ticket_published_flat_and_kept_through_a_rewrite_is_never_doubled() {
    let team = flat_team();
    let (anna, bruno) = (team.clone("anna"), team.clone("bruno"));
    commit_flat(&anna, "T-2026-0021", "Perdita dal bollitore");
    anna.git(&["push", "-q", "origin", "main"]);
    bruno.git(&["pull", "-q", "--ff-only"]);
    anna.git(&["commit", "-q", "--amend", "-m", "T-2026-0021, said again"]);
    anna.git(&["push", "-q", "-f", "origin", "main"]);
    anna.ok(&["upgrade"]);
    anna.sync();
    bruno.ok(&["upgrade"]);
    bruno.ok(&["ticket", "note", "T-2026-0021", "nota di bruno"]);
    let said = bruno.sync();
    assert!(!said.contains(" is now "), "{said}");
    let list = bruno.ok(&["ticket", "list", "--format", "csv"]);
    assert_eq!(list.matches("Perdita dal bollitore").count(), 1, "{list}");
    assert!(bruno.read("tickets/2026/000/T-2026-0021.yaml").contains("nota di bruno"));
    assert_one_layout(&bruno);
}

/// A clone put back to a backup from before its upgrade and its first sync is only behind:
/// upgraded again, it syncs (found by a team attack: its own renumbering was not found
/// through the merge base read as upgraded, and every sync was refused).
#[test]
fn a_clone_restored_from_before_its_upgrade_is_only_behind() {
    let team = flat_team();
    let (anna, bruno) = (team.clone("anna"), team.clone("bruno"));
    anna.ok(&["upgrade"]);
    anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "ticket di anna"]);
    anna.sync();
    commit_flat(&bruno, "T-2026-0021", "ticket di bruno");
    let backup = bruno.git(&["rev-parse", "HEAD"]);
    bruno.ok(&["upgrade"]);
    assert!(bruno.sync().contains("T-2026-0021 is now T-2026-0022"));
    bruno.git(&["reset", "-q", "--hard", backup.trim()]);
    bruno.at("2026-11-30T11:00:00+01:00", &["upgrade"]);
    bruno.at("2026-11-30T11:00:00+01:00", &["sync"]);
    bruno.at("2026-11-30T11:00:00+01:00", &["sync"]);
    let list = bruno.ok(&["ticket", "list", "--format", "csv"]);
    assert_eq!((list.matches("ticket di bruno").count(), list.matches("ticket di anna").count()), (1, 1), "{list}");
}

/// Documents an older tkt kept in their year's folder: read as they are, written by
/// nothing, moved by `tkt upgrade`, and known by history as what was issued before the
/// move (found by a layout review: a move read as the issued invoice deleted).
#[test]
fn documents_kept_flat_by_an_older_tkt_are_read_and_upgraded_as_issued() {
    let d = TestDesk::example();
    assert_eq!(flatten_documents(&d.dir), 24);
    d.git(&["add", "-A", "documents"]);
    d.git(&["commit", "-qm", "documents as an older tkt kept them"]);
    // First committed in its folder of a thousand, moved out by hand: the first commit of either.
    let (old, new) = ("documents/invoice/2026/INV-2026-0002.yaml", "documents/invoice/2026/000/INV-2026-0002.yaml");
    let issued_in = d.git(&["log", "--reverse", "--no-renames", "--format=%H", "--diff-filter=A", "--", old, new]);
    assert_eq!(issued_in.lines().count(), 2, "added, then added where it was moved: {issued_in}");
    // Read as they are; check names the layout, and no issued document gone or changed.
    assert!(d.ok(&["doc", "show", "INV-2026-0003"]).contains("INV-2026-0003"));
    assert!(d.ok(&["ticket", "show", "T-2026-0001"]).contains("PAY-2026-0001"));
    let out = d.tkt(&["check"]).output().unwrap();
    let found = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(4), "{found}");
    assert!(found.contains("(and 23 more)") && found.contains("tkt upgrade"), "{found}");
    assert!(!found.contains("issued"), "{found}");
    // Written by nothing.
    let head = d.head();
    let pay = ["doc", "pay", "INV-2026-0003", "--amount", "10.00", "--method", "contanti"];
    d.tkt(&pay).assert().code(4).stderr(predicate::str::contains("tkt upgrade"));
    assert_eq!(d.head(), head);

    d.tkt(&["upgrade"]).assert().success().stderr(predicate::str::contains("Moved 24 documents into"));
    let moves = d.git(&["show", "--format=", "--name-status", "-M100%", "HEAD"]);
    assert_eq!(moves.lines().filter(|l| l.starts_with("R100\tdocuments/")).count(), 24, "{moves}");
    d.ok(&["check"]);
    let paid = d.ok(&pay);
    assert!(d.path(&format!("documents/payment/2026/000/{}.yaml", paid.trim())).is_file(), "{paid}");
    d.ok(&["check"]);
    // Issued before the move, deleted after it: what was issued then is missed.
    d.git(&["rm", "-q", new]);
    d.git(&["commit", "-qm", "via"]);
    d.tkt(&["check"]).assert().code(4).stdout(
        predicate::str::contains(format!("INV-2026-0002, issued in commit {}", &issued_in[..7]))
            .and(predicate::str::contains("no longer exists")),
    );
}

/// A team whose remote keeps documents as an older tkt did: each clone's upgrade is
/// published by its next sync (the move is no issued document deleted), and fiscal numbers
/// go on from one folder of a thousand to the next through sync both ways, with no number
/// taken for skipped (found by a layout review: each folder of a thousand was read as the
/// whole register).
#[test]
fn issued_documents_moved_by_an_upgrade_and_numbers_past_a_thousand_go_through_sync() {
    let team = Team::new();
    let anna = team.clone("anna");
    publish_flat(&anna, "documents");
    let marco = team.clone("marco");
    marco.ok(&["upgrade"]);
    marco.sync();
    anna.ok(&["upgrade"]);
    anna.sync();
    let listed = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main", "documents/invoice"]);
    assert!(listed.lines().all(|l| l.starts_with("documents/invoice/2026/000/")), "{listed}");
    assert_eq!(listed.lines().count(), 6, "{listed}");

    // Invoices up to 999, committed by hand and published.
    let template = anna.read("documents/invoice/2026/000/INV-2026-0006.yaml").replace("- WR-2026-0007", "[]");
    let template = template.replace("sources:\n[]", "sources: []");
    for n in 7..=999 {
        let id = format!("INV-2026-{n:04}");
        anna.write(&format!("documents/invoice/2026/000/{id}.yaml"), &template.replace("INV-2026-0006", &id));
    }
    anna.git(&["add", "-A", "documents"]);
    anna.git(&["commit", "-qm", "fatture"]);
    anna.sync();
    marco.sync();
    // The next one is the first of the next thousand, published and taken in.
    assert_eq!(marco.ok(&["ticket", "invoice", "T-2026-0010"]).trim(), "INV-2026-1000");
    assert!(marco.dir.join("documents/invoice/2026/001/INV-2026-1000.yaml").is_file());
    marco.sync();
    anna.sync();
    assert!(anna.dir.join("documents/invoice/2026/001/INV-2026-1000.yaml").is_file());
    anna.ok(&["ticket", "work", "T-2026-0015", "--hours", "1"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0015"]).trim(), "INV-2026-1001");
    anna.sync();
}

/// A team whose remote keeps documents flat, one clone upgraded, each clone's work
/// published; and the other's clone, not updated yet: `anna` upgraded, `marco` flat.
fn flat_documents_team() -> Team {
    let team = Team::new();
    let anna = team.clone("anna");
    publish_flat(&anna, "documents");
    team.clone("marco");
    anna.ok(&["upgrade"]);
    anna.sync();
    team
}

/// A clone's work report and invoice as an older tkt wrote them, in their years' folders:
/// WR-2026-0009 (a copy of WR-2026-0007) billed by INV-2026-0007 (of INV-2026-0006), made
/// by the clone's user.
fn bill_flat(c: &Clone) {
    let report = c.read("documents/work-report/2026/WR-2026-0007.yaml").replace("WR-2026-0007", "WR-2026-0009");
    let report = report.replace("created_by: luca", &format!("created_by: {}", c.user));
    c.write("documents/work-report/2026/WR-2026-0009.yaml", &report);
    let invoice = c.read("documents/invoice/2026/INV-2026-0006.yaml").replace("INV-2026-0006", "INV-2026-0007");
    let invoice = invoice.replace("date: 2026-07-15", "date: 2026-11-27");
    let invoice = invoice.replace("created_by: giulia", &format!("created_by: {}", c.user));
    c.write("documents/invoice/2026/INV-2026-0007.yaml", &invoice.replace("- WR-2026-0007", "- WR-2026-0009"));
    c.git(&["add", "-A"]);
    c.git(&["commit", "-qm", "INV-2026-0007: by an older tkt"]);
}

/// An invoice issued flat and not published, its number then issued by another clone:
/// `tkt sync --resolve` on the upgraded clone takes it back from every unpublished commit,
/// the one that issued it flat included, and issues it again (found by a layout review:
/// the flat version stayed in history, the remote's invoice read as a change of it, and
/// no sync went through again).
#[test]
fn an_invoice_issued_flat_before_the_upgrade_is_taken_back_whole() {
    let team = flat_documents_team();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    bill_flat(&marco);
    anna.ok(&["ticket", "work", "T-2026-0016", "--hours", "2"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0016"]).trim(), "INV-2026-0007");
    anna.sync();
    marco.ok(&["upgrade"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("tkt sync --resolve"));
    assert!(marco.resolve().contains("INV-2026-0007 taken back and issued again as INV-2026-0008"));
    clean(&marco);
    let issued = marco.git(&["log", "--format=%s", "--all", "--", "documents/invoice/2026/INV-2026-0007.yaml"]);
    assert!(!issued.contains("by an older tkt"), "taken back from history: {issued}");
    anna.sync();
    clean(&anna);
    assert!(anna.read("documents/invoice/2026/000/INV-2026-0008.yaml").contains("INV-2026-0008"));
}

/// An invoice issued flat and not published, billing a work report whose number another
/// clone published meanwhile: the report is renumbered, and the invoice's link follows in
/// every unpublished commit, the one that issued it flat included (found by a layout
/// review: that commit kept the old link, history took it for what was issued, and every
/// other clone refused the remote).
#[test]
fn an_invoice_issued_flat_before_the_upgrade_follows_its_renumbered_report() {
    let team = flat_documents_team();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    bill_flat(&marco);
    assert_eq!(anna.ok(&["ticket", "work", "T-2026-0015", "--hours", "2"]).trim(), "WR-2026-0009");
    anna.sync();
    marco.ok(&["upgrade"]);
    assert!(marco.sync().contains("WR-2026-0009 is now WR-2026-0010"));
    clean(&marco);
    anna.sync();
    clean(&anna);
    let invoice = anna.read("documents/invoice/2026/000/INV-2026-0007.yaml");
    assert!(invoice.contains("- WR-2026-0010") && !invoice.contains("WR-2026-0009"), "{invoice}");
}

/// Asserts `tkt check` finds nothing wrong on the clone, showing what it found if not.
fn clean(c: &Clone) {
    let out = c.tkt(&["check"]).output().unwrap();
    assert!(out.status.success(), "{} check: {}", c.user, String::from_utf8_lossy(&out.stdout));
}

/// An upgrade refuses while a record HEAD has where an older tkt kept it is deleted by
/// hand and the deletion not committed: its commit would keep that file where it was,
/// beside the moved ones (found by a layout review, with an issued invoice).
#[test]
fn an_upgrade_refuses_a_record_deleted_since_the_last_commit() {
    let d = TestDesk::example();
    flatten_documents(&d.dir);
    d.git(&["add", "-A", "documents"]);
    d.git(&["commit", "-qm", "documents as an older tkt kept them"]);
    let file = "documents/invoice/2026/INV-2026-0003.yaml";
    std::fs::remove_file(d.path(file)).unwrap();
    let head = d.head();
    d.tkt(&["upgrade"]).assert().code(4).stderr(
        predicate::str::contains(format!("{file} (deleted): changed since the last commit"))
            .and(predicate::str::contains("nothing was moved")),
    );
    assert_eq!(d.head(), head);
    assert_eq!(d.git(&["status", "--porcelain"]), format!(" D {file}\n"));
    d.git(&["checkout", "--", file]);
    d.tkt(&["upgrade"]).assert().success();
    d.ok(&["check"]);
}

/// The seals of the year folders a write keeps (so that the next one need not list them)
/// are no way past a record put back where an older tkt kept it: its folder changed, and
/// the next write lists it and is refused.
#[test]
fn a_record_put_where_an_older_tkt_kept_it_after_a_write_stops_the_next_one() {
    let d = TestDesk::example();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    d.ok(&["ticket", "note", "T-2026-0003", "uno"]);
    assert!(d.path(".tkt/cache/layout").is_file(), "the folders' seals kept");
    d.ok(&["ticket", "note", "T-2026-0003", "due"]);
    let flat = "documents/invoice/2026/INV-2026-0003.yaml";
    std::fs::rename(d.path("documents/invoice/2026/000/INV-2026-0003.yaml"), d.path(flat)).unwrap();
    let head = d.head();
    d.tkt(&["ticket", "note", "T-2026-0003", "tre"]).assert().code(4).stderr(predicate::str::contains(flat));
    assert_eq!(d.head(), head);
}

/// A fiscal document deleted by hand: the restore `tkt check` gives, run as printed, puts
/// back the version issued where the desk keeps it — after the upgrade, from the commit
/// that had it where an older tkt kept it; before, where an older tkt keeps it, from a
/// commit that had it in its folder of a thousand (found by layout reviews: the hint's
/// `git checkout` named a path that commit never had).
#[test]
fn the_restore_check_gives_puts_back_the_issued_document_where_the_desk_keeps_it() {
    // Runs the restore of the one document `check` finds gone, and checks again.
    let restore = |d: &TestDesk| {
        let out = d.tkt(&["check"]).output().unwrap();
        let found = String::from_utf8(out.stdout).unwrap();
        assert!(found.contains("no longer exists"), "{found}");
        let run = found.split("restore it with `").nth(1).and_then(|r| r.split('`').next()).unwrap().to_string();
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c").arg(&run).current_dir(&d.dir).env("GIT_CONFIG_GLOBAL", "/dev/null");
        let out = sh.env("GIT_CONFIG_NOSYSTEM", "1").output().unwrap();
        assert!(out.status.success(), "{run}: {}", String::from_utf8_lossy(&out.stderr));
        run
    };
    let d = TestDesk::example();
    flatten_documents(&d.dir);
    let invoice = d.read("documents/invoice/2026/INV-2026-0006.yaml").replace("INV-2026-0006", "INV-2026-0007");
    let invoice =
        invoice.replace("date: 2026-07-15", "date: 2026-11-27").replace("sources:\n- WR-2026-0007", "sources: []");
    d.write("documents/invoice/2026/INV-2026-0007.yaml", &invoice);
    d.git(&["add", "-A", "documents"]);
    d.git(&["commit", "-qm", "documents as an older tkt kept them, and an invoice issued so"]);
    // Not upgraded: back where an older tkt kept it, from the commit that issued it in 000/.
    let flat = "documents/invoice/2026/INV-2026-0003.yaml";
    let three = d.read(flat);
    d.git(&["rm", "-q", flat]);
    d.git(&["commit", "-qm", "via"]);
    assert!(restore(&d).contains(&format!("> {flat}")));
    assert_eq!(d.read(flat), three);
    d.git(&["commit", "-qm", "rimessa"]);
    d.ok(&["upgrade"]);
    // Upgraded: into its folder of a thousand, from the commit that issued it flat.
    let now = "documents/invoice/2026/000/INV-2026-0007.yaml";
    d.git(&["rm", "-q", now]);
    d.git(&["commit", "-qm", "via"]);
    assert!(restore(&d).contains(":./documents/invoice/2026/INV-2026-0007.yaml > "));
    assert_eq!(d.read(now), invoice);
    d.git(&["commit", "-qm", "rimessa"]);
    let out = d.tkt(&["check"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

/// Both clones issued the same number as an older tkt, the remote still keeps documents
/// flat: `tkt sync --resolve` on the clone that upgraded takes back its own invoice and
/// leaves the remote's as it was published (found by a layout review: compared with the
/// remote's tip not upgraded, every moved record read as this clone's, and the remote's
/// invoice was written again under the new number).
#[test]
fn resolve_against_a_remote_not_upgraded_leaves_its_invoice_alone() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    publish_flat(&anna, "documents");
    marco.git(&["pull", "-q", "origin", "main"]);
    bill_flat(&anna);
    anna.git(&["push", "-q", "origin", "main"]);
    let published = anna.read("documents/invoice/2026/INV-2026-0007.yaml");
    bill_flat(&marco);
    marco.ok(&["upgrade"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("tkt sync --resolve"));
    let resolved = marco.resolve();
    assert!(resolved.contains("INV-2026-0007 taken back and issued again as INV-2026-0008"), "{resolved}");
    clean(&marco);
    assert_eq!(marco.read("documents/invoice/2026/000/INV-2026-0007.yaml"), published);
    anna.ok(&["upgrade"]);
    anna.sync();
    clean(&anna);
    assert_eq!(anna.read("documents/invoice/2026/000/INV-2026-0007.yaml"), published);
}
