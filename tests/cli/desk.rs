//! The desk on disk and in git: init, commits, sub-folder desks, no repository, the lock.

use std::io::Write;

use predicates::prelude::*;

use crate::common::TestDesk;

#[test]
fn init_makes_a_desk_with_one_commit_and_a_clean_work_tree() {
    let d = TestDesk::new();
    assert!(d.path("tkt.toml").is_file());
    assert!(d.read("tkt.toml").contains("serial_numbers = true"));
    assert_eq!(d.read(".gitignore"), "/.tkt/\n");
    assert!(d.path("states/new.yaml").is_file());
    assert_eq!(d.commits(), 1);
    assert_eq!(d.last_message(), "tkt: new desk");
    assert_eq!(d.status(), "");
    let states = d.ok(&["state", "list", "--format", "json"]);
    let states: serde_json::Value = serde_json::from_str(&states).unwrap();
    assert_eq!(states.as_array().unwrap().len(), 7);
    assert_eq!(states[0]["id"], "new");
    assert_eq!(states[0]["initial"], true);
}

#[test]
fn init_refuses_a_folder_that_is_already_a_desk() {
    let d = TestDesk::new();
    let head = d.head();
    d.tkt(&["init"]).assert().code(4).stderr(predicate::str::contains("already a tkt desk"));
    assert_eq!(d.head(), head);
    // Nor a folder inside one: the example would be committed into the desk's history
    // (found by a review: its check and its sync failed from then on).
    d.tkt(&["init", "--example", "prova/demo"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("prova/demo: inside the desk"));
    assert_eq!(d.head(), head);
    assert!(!d.path("prova").exists());
    d.tkt(&["check"]).assert().success();
}

#[test]
fn init_never_writes_over_a_file_already_in_the_folder() {
    // Found by a review: a hand-written state and an uncommitted customer were replaced,
    // and --example committed the replacement.
    for (args, rel) in [(&["init"][..], "states/new.yaml"), (&["init", "--example"][..], "customers/C-0001.yaml")] {
        let d = TestDesk::empty();
        d.write(rel, "precious: yes\n");
        d.tkt(args).assert().code(4).stderr(predicate::str::contains(format!("write over files already there: {rel}")));
        assert_eq!(d.read(rel), "precious: yes\n");
        assert!(!d.path("tkt.toml").exists() && !d.path(".git").exists(), "{args:?} left a half desk");
    }
}

/// An init killed before its first commit — its files written, before or after tkt.toml —
/// is finished by running it again, as the README says of any interrupted command (found
/// by a crash attack: init refused the folder, check failed on a repository with no commit,
/// and the next command took the whole catalog back).
#[test]
fn an_init_cut_short_before_its_commit_is_finished_by_running_it_again() {
    for without_config in [false, true] {
        let d = TestDesk::new();
        std::fs::remove_dir_all(d.path(".git")).unwrap();
        d.git(&["init", "-q", "-b", "main"]);
        // Killed while writing a file: its temp file is left (found by a careless-office
        // attack: no command removed it, and every check failed).
        d.write("states/.tkt-tmp-nuovo.yaml", "id: mezzo");
        if without_config {
            std::fs::remove_file(d.path("tkt.toml")).unwrap();
        } else {
            // A desk of uncommitted files: check says so, and fails on nothing else.
            d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tkt.toml: changed and not committed")).stdout(
                predicate::str::contains("states/.tkt-tmp-nuovo.yaml: temp file of an interrupted write; the record it was for is intact (remove it)"),
            );
        }
        d.ok(&["init"]);
        assert_eq!((d.commits(), d.status()), (1, String::new()), "without tkt.toml: {without_config}");
        d.tkt(&["check"]).assert().success();
        d.tkt(&["init"]).assert().code(4).stderr(predicate::str::contains("already a tkt desk"));
    }
}

/// `tkt -C DIR init` makes the desk in DIR, as `git -C DIR init` does (found by a scripting
/// attack: the current folder was made a desk and a repository).
#[test]
fn init_makes_the_desk_where_minus_c_says() {
    let d = TestDesk::empty();
    d.ok(&["-C", "nuovo", "init"]);
    assert!(d.path("nuovo/tkt.toml").is_file() && d.path("nuovo/.git").is_dir());
    assert!(!d.path("tkt.toml").exists() && !d.path(".git").exists(), "the current folder is left alone");
    d.tkt(&["init", "altro"]).env("TKT_DESK", d.path("base")).assert().success();
    assert!(d.path("base/altro/tkt.toml").is_file());
}

#[test]
fn the_example_desk_is_embedded_and_checks_clean() {
    let d = TestDesk::example();
    d.tkt(&["check"]).assert().success().stderr(predicate::str::contains("desk is clean"));
    let tickets: serde_json::Value = serde_json::from_str(&d.ok(&["ticket", "list", "--format", "json"])).unwrap();
    assert_eq!(tickets.as_array().unwrap().len(), 20);
    let states: std::collections::HashSet<&str> =
        tickets.as_array().unwrap().iter().map(|t| t["state"].as_str().unwrap()).collect();
    assert_eq!(states.len(), 8, "every state of the catalog is used: {states:?}");
    let docs: serde_json::Value = serde_json::from_str(&d.ok(&["doc", "list", "--format", "json"])).unwrap();
    let kinds: std::collections::HashSet<&str> =
        docs.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 9, "every kind of document: {kinds:?}");
    let unpaid = d.ok(&["doc", "list", "--unpaid", "--format", "csv"]);
    assert_eq!(unpaid.lines().count(), 2, "{unpaid}");
    assert_eq!(d.status(), "");
    // Running the README's first command on data-example/ makes its .tkt/ folder; a build
    // made after that must still not put it in new desks.
    assert!(!d.git(&["ls-files"]).contains(".tkt/"), "no local folder from the example is committed");
}

#[test]
fn a_desk_in_a_sub_folder_commits_only_its_own_files_and_leaves_the_users_changes() {
    let d = TestDesk::empty();
    // The repository is the parent; the desk is desk/tkt inside it.
    let repo = d.dir.clone();
    d.git(&["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("staged.txt"), "staged\n").unwrap();
    std::fs::write(repo.join("unstaged.txt"), "v1\n").unwrap();
    d.git(&["add", "staged.txt", "unstaged.txt"]);
    d.git(&["commit", "-q", "-m", "user work"]);
    std::fs::write(repo.join("staged.txt"), "staged v2\n").unwrap();
    d.git(&["add", "staged.txt"]);
    std::fs::write(repo.join("unstaged.txt"), "v2\n").unwrap();

    d.tkt(&["init", "tkt"]).assert().success();
    d.tkt(&["-C", "tkt", "customer", "create", "--name", "Bianchi"]).assert().success().stdout("C-0001\n");

    let files = d.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), "tkt/customers/C-0001.yaml");
    let status = d.status();
    assert!(status.contains("M  staged.txt"), "the user's staged change is kept staged: {status}");
    assert!(status.contains(" M unstaged.txt"), "the user's unstaged change is kept: {status}");
    assert_eq!(status.lines().count(), 2, "{status}");
    assert_eq!(std::fs::read_to_string(repo.join("staged.txt")).unwrap(), "staged v2\n");
}

#[test]
fn without_a_repository_commands_work_and_say_once_that_history_is_off() {
    let d = TestDesk::empty();
    // A desk made by hand, in no git repository.
    d.write("tkt.toml", "[features]\nserial_numbers = false\n");
    d.write("states/open.yaml", "id: open\nname: Open\ninitial: true\ntransitions: [done]\n");
    d.write("states/done.yaml", "id: done\nname: Done\nclosed: true\n");
    d.tkt(&["customer", "create", "--name", "Verdi"])
        .assert()
        .success()
        .stderr(predicate::str::contains("history is off"));
    d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", "Guasto"])
        .assert()
        .success()
        .stdout("T-2026-0001\n")
        .stderr(predicate::str::contains("history is off").not());
    d.tkt(&["ticket", "transition", "T-2026-0001", "done"]).assert().success();
    d.tkt(&["ticket", "log", "T-2026-0001"]).assert().code(1).stderr(predicate::str::contains("history is off"));
}

#[test]
fn a_busy_desk_makes_writers_wait_then_exit_5_while_readers_go_on() {
    let d = TestDesk::new();
    std::fs::create_dir_all(d.path(".tkt")).unwrap();
    let lock = std::fs::File::options().create(true).truncate(false).write(true).open(d.path(".tkt/lock")).unwrap();
    lock.lock().unwrap();
    let head = d.head();
    d.tkt(&["customer", "create", "--name", "Neri"]).assert().code(5).stderr(predicate::str::contains("desk busy"));
    assert_eq!(d.head(), head);
    assert!(!d.path("customers/C-0001.yaml").exists());
    d.tkt(&["state", "list"]).assert().success();
    drop(lock);
    d.tkt(&["customer", "create", "--name", "Neri"]).assert().success().stdout("C-0001\n");
}

#[test]
fn the_desk_is_found_from_a_sub_folder_from_tkt_desk_and_not_elsewhere() {
    let d = TestDesk::new();
    std::fs::create_dir_all(d.path("tickets/2026")).unwrap();
    d.tkt(&["state", "show", "new"]).current_dir(d.path("tickets/2026")).assert().success();
    d.tkt(&["state", "show", "new"]).current_dir(d.tmp.path()).env("TKT_DESK", &d.dir).assert().success();
    d.tkt(&["state", "list"])
        .current_dir(d.tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no tkt desk").and(predicate::str::contains("tkt init")));
}

#[test]
fn numbers_are_never_reused_after_a_file_is_deleted() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "A"]);
    d.ok(&["customer", "create", "--name", "B"]);
    std::fs::remove_file(d.path("customers/C-0002.yaml")).unwrap();
    assert_eq!(d.ok(&["customer", "create", "--name", "C"]), "C-0003\n");
}

/// A number gives the next one from the names of the commits made since this clone last
/// gave one — none after its own commit, which it knows. A commit by hand beside it (an
/// amended tkt commit, then the file taken away) is read all the same.
#[test]
fn a_number_committed_by_hand_onto_tkts_own_commit_and_taken_away_is_never_given_again() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "A"]);
    assert_eq!(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "uno"]), "T-2026-0001\n");
    assert_eq!(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "due"]), "T-2026-0002\n");
    let copy = d.read("tickets/2026/000/T-2026-0002.yaml").replace("T-2026-0002", "T-2026-0050");
    d.write("tickets/2026/000/T-2026-0050.yaml", &copy);
    d.git(&["add", "tickets/2026/000/T-2026-0050.yaml"]);
    d.git(&["commit", "-q", "--amend", "--no-edit"]);
    d.git(&["rm", "-q", "tickets/2026/000/T-2026-0050.yaml"]);
    d.git(&["commit", "-qm", "taken away"]);
    assert_eq!(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "tre"]), "T-2026-0051\n");
    // And on tkt's own commit, the next follows it.
    assert_eq!(d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "quattro"]), "T-2026-0052\n");
}

#[test]
fn init_keeps_an_existing_gitignore_and_adds_its_line() {
    let d = TestDesk::empty();
    d.write(".gitignore", "*.bak");
    d.tkt(&["init"]).assert().success();
    assert_eq!(d.read(".gitignore"), "*.bak\n/.tkt/\n");
    assert_eq!(d.status(), "");
}

#[test]
fn the_cache_is_never_wrong_and_deleting_it_changes_nothing_but_speed() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "Rossi"]);
    d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "caldaia AAA"]);
    let path = d.path("tickets/2026/000/T-2026-0001.yaml");
    let touch = |when: &str| {
        let ok = std::process::Command::new("touch").args(["-m", "-d", when]).arg(&path).status().unwrap().success();
        assert!(ok);
    };
    touch("2026-01-01 10:00:00");
    let first = d.ok(&["ticket", "list", "--format", "csv"]);
    assert!(first.contains("caldaia AAA"));
    assert!(d.path(".tkt/cache/tickets.idx").is_file(), "the list filled the cache");
    // A hand edit in place: same size, and the same modification time as before.
    let text = std::fs::read_to_string(&path).unwrap().replace("caldaia AAA", "caldaia BBB");
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(text.as_bytes()).unwrap();
    touch("2026-01-01 10:00:00");
    let second = d.ok(&["ticket", "list", "--format", "csv"]);
    assert!(second.contains("caldaia BBB"), "the edit is seen: {second}");
    std::fs::remove_dir_all(d.path(".tkt/cache")).unwrap();
    assert_eq!(d.ok(&["ticket", "list", "--format", "csv"]), second);
    std::fs::write(d.path(".tkt/cache/tickets.idx"), b"garbage").unwrap();
    assert_eq!(d.ok(&["ticket", "list", "--format", "csv"]), second, "a broken index is ignored");
    std::fs::write(d.path(".tkt/cache/tickets.dat"), b"garbage").unwrap();
    assert_eq!(d.ok(&["ticket", "list", "--format", "csv"]), second, "broken data is ignored");
}

/// A list in CSV of what the cache's index holds (state, customer, assignee) is made from
/// each ticket's JSON in the cache, no ticket decoded: it is the list the tickets decoded
/// give (`--text ""` asks for them), with keys added by hand, custom fields, a map and a
/// list, in every order and filter — from the files, then from the cache, then after a
/// hand edit in place.
#[test]
fn a_csv_list_read_from_the_cache_is_the_list_of_the_tickets_decoded() {
    let d = TestDesk::example();
    let path = "tickets/2026/000/T-2026-0009.yaml";
    let text = d.read(path).replace(
        "custom: {}",
        "custom:\n  contratto: base\n  piano: 3\n  accesso: \"scala B, \\\"citofono\\\" 2\"\narchived_in: faldone 3\n\
         riferimenti:\n  ordine: A-1\n  righe: [1, 2]\n  vuoto: {}\netichette: [a, b]\n",
    );
    d.write(path, &text);
    let queries: [&[&str]; 8] = [
        &[],
        // (An empty cell is an assignee `null` and `""` alike: decoded.)
        &["--assignee", ""],
        &["--open"],
        &["--closed", "-r"],
        &["--state", "annullato,nuovo"],
        &["--customer", "C-0003"],
        &["--assignee", "-", "-n", "2"],
        &["--open", "--assignee", "marco", "--reverse"],
    ];
    let same = |when: &str| {
        for query in queries {
            let list = |more: &[&str]| d.ok(&[&["ticket", "list", "--format", "csv"], query, more].concat());
            let decoded = list(&["--text", ""]);
            assert_eq!(list(&[]), decoded, "{when}: {query:?}");
        }
    };
    same("from the files");
    assert!(d.ok(&["ticket", "list", "--format", "csv"]).contains("faldone 3"));
    // Past the racy window: the next lists read the cache's JSON.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    d.ok(&["ticket", "list", "--format", "csv"]);
    same("from the cache");
    let header = d.ok(&["ticket", "list", "--format", "csv"]).lines().next().unwrap().to_string();
    assert!(header.contains("custom.accesso") && header.contains("riferimenti.ordine"), "{header}");
    assert!(!header.contains("etichette") && !header.contains("righe"), "lists are left out: {header}");
    // A hand edit in place, same size and time: seen, and the list still the decoded one.
    let when = std::fs::metadata(d.path(path)).unwrap().modified().unwrap();
    let edited = d.read(path).replace("faldone 3", "faldone 4");
    std::fs::OpenOptions::new().write(true).open(d.path(path)).unwrap().write_all(edited.as_bytes()).unwrap();
    std::fs::File::options().write(true).open(d.path(path)).unwrap().set_modified(when).unwrap();
    assert!(d.ok(&["ticket", "list", "--format", "csv"]).contains("faldone 4"));
    same("after a hand edit");
}

#[test]
fn ticket_show_finds_a_documents_new_ticket_after_a_hand_edit_in_place() {
    let d = TestDesk::example();
    let path = d.path("documents/work-report/2026/000/WR-2026-0001.yaml");
    let mtime = || d.git(&["log", "-1", "--format=%cd", "--date=iso"]).trim().to_string();
    let touch = |when: &str| {
        assert!(std::process::Command::new("touch").args(["-m", "-d", when]).arg(&path).status().unwrap().success())
    };
    let when = mtime();
    touch(&when);
    assert!(d.ok(&["ticket", "show", "T-2026-0001"]).contains("WR-2026-0001"));
    assert!(!d.ok(&["ticket", "show", "T-2026-0002"]).contains("WR-2026-0001"));
    // Same size, same modification time: only the inode's change time tells.
    let text = std::fs::read_to_string(&path).unwrap().replace("ticket: T-2026-0001", "ticket: T-2026-0002");
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(text.as_bytes()).unwrap();
    touch(&when);
    assert!(!d.ok(&["ticket", "show", "T-2026-0001"]).contains("WR-2026-0001"));
    assert!(d.ok(&["ticket", "show", "T-2026-0002"]).contains("WR-2026-0001"));
}

#[test]
fn a_filtered_list_sees_a_state_changed_by_hand_in_place() {
    let d = TestDesk::example();
    let waiting = |d: &TestDesk| d.ok(&["ticket", "list", "--state", "attesa-ricambi", "--format", "csv"]);
    let path = d.path("tickets/2026/000/T-2026-0013.yaml");
    let when = d.git(&["log", "-1", "--format=%cd", "--date=iso"]).trim().to_string();
    let touch = || {
        assert!(std::process::Command::new("touch").args(["-m", "-d", &when]).arg(&path).status().unwrap().success())
    };
    touch();
    assert!(!waiting(&d).contains("T-2026-0013"), "the cache is filled without it");
    let text = std::fs::read_to_string(&path).unwrap().replace("state: attesa-cliente", "state: attesa-ricambi");
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(text.as_bytes()).unwrap();
    touch();
    assert!(waiting(&d).contains("T-2026-0013"), "the edit is seen by the filter");
}

/// The names in a folder of records are listed again only when the folder's stamp changed
/// since the listing kept in the cache: a file added, removed or renamed by hand is seen
/// all the same, also when the folder's modification time is put back as it was.
#[test]
fn a_file_added_removed_or_renamed_by_hand_is_seen_through_the_kept_listings() {
    let d = TestDesk::example();
    let listed = |d: &TestDesk| d.ok(&["ticket", "list", "--format", "csv"]);
    let folder = d.path("tickets/2026");
    // Past the racy window of the folders as the example made them: their listings are
    // then kept and trusted while their stamps hold.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let before = listed(&d);
    assert!(d.path(".tkt/cache/tickets.dirs").is_file(), "the listings are kept");
    assert!(!before.contains("T-2026-0099"));
    let mtime = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let was = mtime(&folder);
    let text = std::fs::read_to_string(d.path("tickets/2026/000/T-2026-0013.yaml")).unwrap();
    std::fs::write(folder.join("T-2026-0099.yaml"), text.replace("T-2026-0013", "T-2026-0099")).unwrap();
    // The modification time put back: the change time still tells.
    std::fs::File::open(&folder).unwrap().set_modified(was).unwrap();
    assert_eq!(mtime(&folder), was);
    assert!(listed(&d).contains("T-2026-0099"), "a file added by hand is seen");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert!(listed(&d).contains("T-2026-0099"), "and kept");
    std::fs::rename(folder.join("T-2026-0099.yaml"), folder.join("T-2026-0098.yaml")).unwrap();
    let text = std::fs::read_to_string(folder.join("T-2026-0098.yaml")).unwrap();
    std::fs::write(folder.join("T-2026-0098.yaml"), text.replace("T-2026-0099", "T-2026-0098")).unwrap();
    let renamed = listed(&d);
    assert!(renamed.contains("T-2026-0098") && !renamed.contains("T-2026-0099"), "a rename is seen: {renamed}");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    listed(&d);
    std::fs::remove_file(folder.join("T-2026-0098.yaml")).unwrap();
    let after = listed(&d);
    assert!(!after.contains("T-2026-0098") && after.lines().count() == before.lines().count(), "a removal is seen");
}

/// A year folder made a link is refused, also after a listing of it was kept: the link's
/// own stamp says nothing of what its target holds, so a link is listed every time.
#[test]
fn a_folder_made_a_link_is_refused_after_its_listing_was_kept() {
    let d = TestDesk::example();
    let elsewhere = d.tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::rename(d.path("tickets/2026"), d.tmp.path().join("kept-2026")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, d.path("tickets/2026")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    d.ok(&["ticket", "list", "--format", "csv"]);
    std::fs::create_dir(elsewhere.join("000")).unwrap();
    std::fs::copy(d.tmp.path().join("kept-2026/000/T-2026-0001.yaml"), elsewhere.join("000/T-2026-0001.yaml")).unwrap();
    d.tkt(&["ticket", "list", "--format", "csv"]).assert().code(4).stderr(predicate::str::contains("symbolic link"));
}

/// The folder of documents made a link is refused by `ticket show` and by a change of
/// customer whatever the caches hold: the documents' own cache, and the list of each
/// ticket's documents kept for a monitor (a link moves no folder under it).
#[test]
fn a_documents_folder_made_a_link_is_refused_whatever_the_caches_hold() {
    let d = TestDesk::example();
    let monitor = Monitor::install(&d);
    monitor.tell("quiet", "");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // T-2026-0004 has no documents: nothing of its own to read through the link.
    for _ in 0..2 {
        d.ok(&["ticket", "show", "T-2026-0004"]);
    }
    assert!(d.path(".tkt/cache/ticket-documents").is_file());
    let (head, ticket) = (d.head(), d.read("tickets/2026/000/T-2026-0004.yaml"));
    let elsewhere = d.tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::rename(d.path("documents"), elsewhere.join("documents")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("documents"), d.path("documents")).unwrap();
    for monitored in [true, false] {
        if !monitored {
            d.git(&["config", "--unset", "core.fsmonitor"]);
        }
        d.tkt(&["ticket", "show", "T-2026-0004"]).assert().success().stderr(predicate::str::contains("symbolic link"));
        d.tkt(&["ticket", "edit", "T-2026-0004", "--customer", "C-0001"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains("symbolic link"));
    }
    assert_eq!(d.head(), head, "nothing committed");
    assert_eq!(d.read("tickets/2026/000/T-2026-0004.yaml"), ticket, "nothing written");
}

/// A ticket's number comes from the names in the year folder as they are when it is
/// given: a ticket put there by hand (or by a pull) after a listing was kept is never
/// numbered again, also when the folder's modification time is put back as it was.
#[test]
fn a_ticket_added_by_hand_after_the_listing_was_kept_is_not_numbered_again() {
    let d = TestDesk::example();
    let folder = d.path("tickets/2026/000");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    d.ok(&["ticket", "list"]);
    let was = std::fs::metadata(&folder).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(folder.join("T-2026-0020.yaml")).unwrap();
    std::fs::write(folder.join("T-2026-0021.yaml"), text.replace("T-2026-0020", "T-2026-0021")).unwrap();
    std::fs::File::open(&folder).unwrap().set_modified(was).unwrap();
    let id = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Dopo"]);
    assert_eq!(id.trim(), "T-2026-0022");
    assert!(std::fs::read_to_string(folder.join("T-2026-0021.yaml")).unwrap().contains("T-2026-0021"));
}

/// A monitor hook (`core.fsmonitor`, protocol 2) that answers what the test tells it, and
/// writes down what it was asked; it fails while `.git/monitor-fail` exists.
struct Monitor<'d>(&'d TestDesk);

impl<'d> Monitor<'d> {
    fn install(d: &'d TestDesk) -> Monitor<'d> {
        let m = Monitor(d);
        let hook = d.path(".git/tkt-test-monitor");
        // Protocol 2: the token, then the changed paths, each ending in NUL.
        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\necho \"$*\" >> {asked}\n[ -f {fail} ] && exit 1\n\
                 [ \"$1\" = 2 ] && printf '%s\\0' \"$(cat {token})\"\n\
                 [ -f {changed} ] && tr '\\n' '\\0' < {changed}\nexit 0\n",
                asked = m.said("asked").display(),
                fail = m.said("fail").display(),
                token = m.said("token").display(),
                changed = m.said("changed").display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        d.git(&["config", "core.fsmonitor", hook.to_str().unwrap()]);
        d.git(&["config", "core.fsmonitorHookVersion", "2"]);
        m
    }

    fn said(&self, file: &str) -> std::path::PathBuf {
        self.0.path(&format!(".git/monitor-{file}"))
    }

    /// Its next answers: `token`, and the paths in `changed` (one a line).
    fn tell(&self, token: &str, changed: &str) {
        std::fs::write(self.said("token"), token).unwrap();
        std::fs::write(self.said("changed"), changed).unwrap();
        std::fs::write(self.said("asked"), "").unwrap();
    }

    /// What it was asked since it was last told.
    fn asked(&self) -> String {
        std::fs::read_to_string(self.said("asked")).unwrap()
    }
}

/// With a file-system monitor (`core.fsmonitor`), tkt asks it what changed since the token
/// it gave when the cache was written, reads again what it names, and looks at every file
/// when it fails or answers `/`; like git, it trusts the monitor's word for the rest.
#[test]
fn a_file_system_monitor_is_asked_what_changed_and_trusted_as_git_trusts_it() {
    let d = TestDesk::example();
    let monitor = Monitor::install(&d);
    let tell = |token: &str, changed: &str| monitor.tell(token, changed);
    let said = |file: &str| monitor.said(file);
    let asked = || monitor.asked();
    let waiting = |d: &TestDesk| d.ok(&["ticket", "list", "--state", "attesa-ricambi", "--format", "csv"]);
    let path = d.path("tickets/2026/000/T-2026-0013.yaml");
    let when = d.git(&["log", "-1", "--format=%cd", "--date=iso"]).trim().to_string();
    let edit = |from: &str, to: &str| {
        let text = std::fs::read_to_string(&path).unwrap().replace(from, to);
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(text.as_bytes()).unwrap();
        assert!(std::process::Command::new("touch").args(["-m", "-d", &when]).arg(&path).status().unwrap().success());
    };
    edit("", "");
    // Files changed in the last two seconds are always looked at (the racy window).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    tell("t1", "");
    assert!(!waiting(&d).contains("T-2026-0013"), "the cache is filled without it");
    assert!(asked().contains("2 0"), "asked since ever the first time: {}", asked());

    // Same size, same time: only the monitor can tell, and it names the file.
    edit("state: attesa-cliente", "state: attesa-ricambi");
    tell("t2", "tickets/2026/000/T-2026-0013.yaml\n");
    assert!(waiting(&d).contains("T-2026-0013"), "the file the monitor names is read again");
    assert!(asked().contains("2 t1"), "asked since its token: {}", asked());

    // Out of the racy window, the file is read once more and the cache written anew.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    tell("t3", "");
    assert!(waiting(&d).contains("T-2026-0013"));
    assert!(asked().contains("2 t2"), "the token of the cache rewritten: {}", asked());
    // It names nothing: what it vouches for is not looked at, as git does not.
    edit("state: attesa-ricambi", "state: attesa-cliente");
    tell("t4", "");
    assert!(waiting(&d).contains("T-2026-0013"), "the monitor is trusted");
    assert!(asked().contains("2 t3"), "{}", asked());

    // A monitor that fails, or answers `/`, has every file looked at.
    std::fs::write(said("fail"), "").unwrap();
    assert!(!waiting(&d).contains("T-2026-0013"), "a failing monitor: the edit is seen");
    std::fs::remove_file(said("fail")).unwrap();
    edit("state: attesa-cliente", "state: attesa-ricambi");
    tell("t5", "/\n");
    assert!(waiting(&d).contains("T-2026-0013"), "`/`: the edit is seen");
    // Protocol 1 (paths only) knows no token of protocol 2, nor 2 one of 1: all is looked at.
    d.git(&["config", "core.fsmonitorHookVersion", "1"]);
    edit("state: attesa-ricambi", "state: attesa-cliente");
    tell("", "");
    assert!(!waiting(&d).contains("T-2026-0013"), "a token of protocol 2 is no time: the edit is seen");
    assert!(asked().starts_with("1 0"), "{}", asked());
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert!(!waiting(&d).contains("T-2026-0013"), "out of the racy window, kept with a time of protocol 1");
    assert!(asked().contains("\n1 1"), "asked since a time: {}", asked());
    d.git(&["config", "core.fsmonitorHookVersion", "2"]);
    edit("state: attesa-cliente", "state: attesa-ricambi");
    tell("t6", "");
    assert!(waiting(&d).contains("T-2026-0013"), "a time of protocol 1 is no token: the edit is seen");
    // A command the shell must read (here with a space) runs through it, as git runs it;
    // a plain path is started straight away (all the asking above).
    let hook = d.path(".git/tkt-test-monitor");
    d.git(&["config", "core.fsmonitor", &format!("sh '{}'", hook.display())]);
    tell("t7", "tickets/2026/000/T-2026-0013.yaml\n");
    edit("state: attesa-ricambi", "state: attesa-cliente");
    assert!(!waiting(&d).contains("T-2026-0013"), "the file it names is read again");
    assert!(asked().contains("2 t6"), "asked through the shell: {}", asked());
    // A script with no `#!` line is run by the shell, as git runs it.
    let bare = d.path(".git/tkt-test-monitor-bare");
    std::fs::write(&bare, std::fs::read_to_string(&hook).unwrap().replace("#!/bin/sh\n", "")).unwrap();
    std::fs::set_permissions(&bare, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    d.git(&["config", "core.fsmonitor", bare.to_str().unwrap()]);
    tell("t8", "");
    waiting(&d);
    assert!(asked().contains("2 t7"), "a script with no `#!` line asked: {}", asked());
    // Git's own daemon (`true`) cannot be asked: every file is looked at.
    d.git(&["config", "core.fsmonitor", "true"]);
    edit("state: attesa-ricambi", "state: attesa-cliente");
    assert!(!waiting(&d).contains("T-2026-0013"), "no monitor to ask: the edit is seen");
}

/// With a file-system monitor, the documents of every ticket are kept with its token and
/// the seals of the documents' folders, and `ticket show` reads only the ticket's own while
/// the monitor names no document and no folder changed: a document or folder it names, a
/// file added by hand, a kept list naming a file that is not there, a monitor that fails,
/// each have them found again from every document.
#[test]
fn a_tickets_documents_are_kept_for_a_monitor_and_found_again_when_it_names_one() {
    let d = TestDesk::example();
    let kept = d.path(".tkt/cache/ticket-documents");
    // The documents shown for a ticket; a warning (a document that does not read) fails.
    let docs = |t: &str| {
        let out = d.tkt(&["ticket", "show", t]).output().unwrap();
        assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        let shown = String::from_utf8(out.stdout).unwrap();
        shown.split_once("documents:").map(|(_, docs)| docs.to_string()).unwrap_or_default()
    };
    // A list is kept only out of the racy window of the folders' last change.
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    assert!(docs("T-2026-0014").contains("JO-2026-0001"));
    assert!(!kept.exists(), "nothing kept without a monitor");
    let monitor = Monitor::install(&d);
    let jo = d.path("documents/job-order/2026/000/JO-2026-0001.yaml");
    // In place, with the same size: no folder changes.
    let point = |at: &std::path::Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(at).unwrap().replace(&format!("ticket: {from}"), &format!("ticket: {to}"));
        std::fs::OpenOptions::new().write(true).open(at).unwrap().write_all(text.as_bytes()).unwrap();
    };
    settle();
    monitor.tell("t1", "");
    assert!(docs("T-2026-0014").contains("JO-2026-0001"));
    assert!(kept.is_file(), "kept for the monitor");
    assert!(monitor.asked().starts_with("2 0"), "{}", monitor.asked());
    let paid = docs("T-2026-0001");
    assert!(["WR-2026-0001", "PAY-2026-0001", "RF-2026-0001"].iter().all(|d| paid.contains(d)), "{paid}");
    assert!(paid.contains("paid 407.18  refunded 61.00"), "its balance through the kept list: {paid}");

    // A document the monitor names is read again: it now points at another ticket.
    point(&jo, "T-2026-0014", "T-2026-0013");
    monitor.tell("t2", "documents/job-order/2026/000/JO-2026-0001.yaml\n");
    assert!(docs("T-2026-0013").contains("JO-2026-0001"), "the new ticket's");
    assert!(monitor.asked().starts_with("2 t1"), "asked since the kept token: {}", monitor.asked());

    // While it names nothing and no folder changed, what was kept is trusted (as git
    // trusts the monitor): an edit in place is not seen ...
    monitor.tell("t3", "");
    docs("T-2026-0013");
    point(&jo, "T-2026-0013", "T-2026-0014");
    assert!(!docs("T-2026-0014").contains("JO-2026-0001"), "the kept list is trusted");
    // ... until the monitor names it, or a folder above it (every file under it).
    monitor.tell("t4", "documents/job-order\n");
    assert!(docs("T-2026-0014").contains("JO-2026-0001"));

    // A document added by hand changes its folder: seen though the monitor names nothing.
    monitor.tell("t5", "");
    let added = d.path("documents/job-order/2026/000/JO-2026-0002.yaml");
    std::fs::write(&added, std::fs::read_to_string(&jo).unwrap().replace("JO-2026-0001", "JO-2026-0002")).unwrap();
    point(&added, "T-2026-0014", "T-2026-0013");
    assert!(docs("T-2026-0013").contains("JO-2026-0002"), "a file added is seen");

    // A kept list naming a file that is not there is no error: the documents are found
    // again from all of them.
    settle();
    docs("T-2026-0014");
    let text = std::fs::read_to_string(&kept).unwrap();
    assert!(text.contains("job-order/2026/000/JO-2026-0001.yaml"), "{text}");
    std::fs::write(&kept, text.replace("job-order/2026/000/JO-2026-0001.yaml", "job-order/2026/000/JO-2026-0009.yaml"))
        .unwrap();
    assert!(docs("T-2026-0014").contains("JO-2026-0001"), "found the long way");
    // Deleting the kept list changes only speed.
    std::fs::remove_file(&kept).unwrap();
    assert!(docs("T-2026-0014").contains("JO-2026-0001"));
    assert!(kept.is_file(), "kept again");

    // A monitor that fails vouches for nothing.
    point(&jo, "T-2026-0014", "T-2026-0013");
    std::fs::write(monitor.said("fail"), "").unwrap();
    assert!(docs("T-2026-0013").contains("JO-2026-0001"), "a failing monitor: the edit is seen");
}

/// A payment takes what is due from its invoice's own documents, found as a ticket's are
/// (with a monitor, from the kept lists): a payment added by hand is counted though the
/// monitor names nothing (its folder changed), one edited in place once the monitor names it.
#[test]
fn a_payment_counts_every_payment_of_its_invoice_added_or_edited_by_hand() {
    let d = TestDesk::example();
    let monitor = Monitor::install(&d);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    monitor.tell("t1", "");
    d.ok(&["ticket", "show", "T-2026-0003"]);
    assert!(d.path(".tkt/cache/ticket-documents").is_file(), "kept for the monitor");
    assert!(d.ok(&["doc", "show", "INV-2026-0003"]).contains("balance.due       112.28"));
    let by_hand = d.path("documents/payment/2026/000/PAY-2026-0009.yaml");
    let text = d.read("documents/payment/2026/000/PAY-2026-0002.yaml");
    std::fs::write(&by_hand, text.replace("PAY-2026-0002", "PAY-2026-0009").replace("'100.00'", "'112.28'")).unwrap();
    monitor.tell("t2", "");
    d.tkt(&["doc", "pay", "INV-2026-0003", "--amount", "0.01"]).assert().failure().stderr(predicate::str::contains(
        "INV-2026-0003: nothing is due (invoiced 212.28, credited 0.00, paid 212.28)",
    ));
    // In place, with the same size, and named by the monitor.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&by_hand)
        .unwrap()
        .write_all(std::fs::read_to_string(&by_hand).unwrap().replace("'112.28'", "'012.28'").as_bytes())
        .unwrap();
    monitor.tell("t3", "documents/payment/2026/000/PAY-2026-0009.yaml\n");
    d.tkt(&["doc", "pay", "INV-2026-0003", "--amount", "100.01"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("a payment of 100.01 is more than what is due (100.00)"));
    d.ok(&["doc", "pay", "INV-2026-0003", "--amount", "100.00"]);
    assert!(d.ok(&["doc", "show", "INV-2026-0003"]).contains("balance.due       0.00"));
}

/// A document of another kind that does not read stops no payment: an invoice's balance
/// looks only at the folders of credit notes, payments and refunds (found by a review).
#[test]
fn a_broken_document_of_another_kind_stops_no_payment() {
    let d = TestDesk::example();
    d.write("documents/job-order/2026/000/JO-2026-0001.yaml", "id: [broken\n");
    assert!(d.ok(&["doc", "show", "INV-2026-0003"]).contains("balance.due       112.28"));
    d.ok(&["doc", "pay", "INV-2026-0003", "--amount", "1.00"]);
    assert!(d.ok(&["doc", "show", "INV-2026-0003"]).contains("balance.due       111.28"));
}

/// After tkt's commits, git's index agrees with HEAD and with the files' stat data exactly,
/// whatever the index's version and extensions (tkt edits only the entries it changed).
#[test]
fn git_index_stays_exact_after_every_kind_of_commit() {
    for version in ["2", "3", "4"] {
        let d = TestDesk::new();
        d.git(&["update-index", "--index-version", version]);
        // A cached tree, an untracked cache and some history, as a real git user leaves them.
        d.git(&["config", "core.untrackedCache", "true"]);
        d.git(&["status", "--porcelain"]);
        d.git(&["write-tree"]);
        d.ok(&["customer", "create", "--name", "Rossi"]);
        let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "perde"]);
        d.ok(&["ticket", "transition", t.trim(), "in-progress"]);
        d.ok(&["state", "create", "on-hold", "--name", "On hold"]);
        d.ok(&["state", "delete", "on-hold"]);
        d.ok(&["state", "create", "parked", "--name", "Parked"]);
        d.ok(&["ticket", "note", t.trim(), "chiamato"]);
        // No refresh first: a wrong size, time or inode in an entry would show here.
        let diff_files = d.git(&["diff-files", "--name-only"]);
        assert_eq!(diff_files, "", "index v{version}: stat data of the entries");
        assert_eq!(d.git(&["diff-index", "--cached", "--name-only", "HEAD"]), "", "index v{version}");
        assert_eq!(d.git(&["write-tree"]), d.git(&["rev-parse", "HEAD^{tree}"]), "index v{version}");
        assert_eq!(d.status(), "", "index v{version}");
        assert!(!d.path("states/on-hold.yaml").exists());
        assert!(d.git(&["ls-files", "states"]).lines().all(|l| !l.contains("on-hold")));
        d.git(&["fsck", "--strict"]);
    }
}

#[test]
fn a_locked_git_index_is_reported_as_busy_and_nothing_is_half_done() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "Rossi"]);
    let git_dir = d.git(&["rev-parse", "--absolute-git-dir"]);
    let lock = std::path::Path::new(git_dir.trim()).join("index.lock");
    std::fs::write(&lock, "").unwrap();
    d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", "x"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("index.lock"));
    assert!(lock.exists(), "another program's lock is left alone");
}

/// The shared index a split index's file links to (`None` when it is whole), and how
/// many entries the file itself holds.
fn split_form(d: &TestDesk) -> (Option<String>, u32) {
    let git_dir = std::path::PathBuf::from(d.git(&["rev-parse", "--absolute-git-dir"]).trim());
    let index = std::fs::read(git_dir.join("index")).unwrap();
    let entries = u32::from_be_bytes(index[8..12].try_into().unwrap());
    let link = index
        .windows(4)
        .position(|w| w == b"link")
        .map(|at| index[at + 8..at + 28].iter().map(|b| format!("{b:02x}")).collect::<String>());
    if let Some(hash) = &link {
        assert!(git_dir.join(format!("sharedindex.{hash}")).exists(), "the shared index linked to is there");
    }
    (link, entries)
}

/// Splits git's index with every entry in the shared index: entries written in the same
/// second as the index would be kept in the index file itself (racily clean).
fn split_index(d: &TestDesk) {
    d.git(&["config", "core.splitIndex", "true"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    d.git(&["update-index", "--really-refresh"]);
    d.git(&["update-index", "--split-index"]);
    assert_eq!(split_form(d).1, 0, "git put every entry in the shared index");
}

/// The shared index files beside git's index.
fn shared_indexes(d: &TestDesk) -> Vec<String> {
    let git_dir = std::path::PathBuf::from(d.git(&["rev-parse", "--absolute-git-dir"]).trim());
    let mut names: Vec<String> = std::fs::read_dir(git_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("sharedindex."))
        .collect();
    names.sort();
    names
}

/// With git's split index (`core.splitIndex`), tkt writes only the small index file: the
/// entries it replaced, deleted and added, on the same shared index; git reads every
/// entry exact, in each index version.
#[test]
fn a_split_index_stays_split_and_exact_and_its_shared_index_is_not_rewritten() {
    for version in ["2", "3", "4"] {
        let d = TestDesk::new();
        d.git(&["update-index", "--index-version", version]);
        d.git(&["config", "core.untrackedCache", "true"]);
        d.ok(&["customer", "create", "--name", "Rossi"]);
        let t = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "perde"]);
        // Never a new shared index on so small a desk: every change stays in the file.
        d.git(&["config", "splitIndex.maxPercentChange", "100"]);
        split_index(&d);
        let (shared, _) = split_form(&d);
        d.ok(&["ticket", "transition", t.trim(), "in-progress"]);
        d.ok(&["state", "create", "on-hold", "--name", "On hold"]);
        d.ok(&["state", "delete", "on-hold"]);
        d.ok(&["state", "delete", "cancelled"]);
        d.ok(&["state", "create", "parked", "--name", "Parked"]);
        d.ok(&["ticket", "note", t.trim(), "chiamato"]);
        let t2 = d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "gocciola"]);
        let (now, entries) = split_form(&d);
        assert_eq!(now, shared, "index v{version}: the same shared index, not written again");
        let all = d.git(&["ls-files"]).lines().count() as u32;
        assert!(entries < all, "index v{version}: {entries} of {all} entries in the file itself");
        // No refresh first: a wrong size, time or inode in an entry would show here.
        assert_eq!(d.git(&["diff-files", "--name-only"]), "", "index v{version}: stat data of the entries");
        assert_eq!(d.git(&["diff-index", "--cached", "--name-only", "HEAD"]), "", "index v{version}");
        assert_eq!(d.git(&["write-tree"]), d.git(&["rev-parse", "HEAD^{tree}"]), "index v{version}");
        assert_eq!(d.status(), "", "index v{version}");
        let listed = d.git(&["ls-files", "-s"]);
        assert!(listed.contains(&format!("tickets/2026/000/{}.yaml", t2.trim())), "index v{version}: {listed}");
        assert!(!listed.contains("on-hold") && !listed.contains("cancelled"), "index v{version}: {listed}");
        d.git(&["fsck", "--strict"]);
        // Written whole by git, the index holds the same entries.
        d.git(&["config", "core.splitIndex", "false"]);
        d.git(&["update-index", "--no-split-index"]);
        assert_eq!(d.git(&["ls-files", "-s"]), listed, "index v{version}");
        assert_eq!(d.status(), "", "index v{version}");
    }
}

/// Past `splitIndex.maxPercentChange` of the entries outside the shared index, tkt writes
/// a new shared index as git does, and removes the old ones past their expiry; with
/// `core.splitIndex` false, it writes a split index whole, and with true, splits a whole one.
#[test]
fn a_split_index_gets_a_new_shared_index_when_git_would_and_follows_core_split_index() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "Rossi"]);
    d.git(&["config", "core.splitIndex", "true"]);
    d.ok(&["customer", "create", "--name", "Bianchi"]);
    let (first, _) = split_form(&d);
    assert!(first.is_some(), "tkt split a whole index, as core.splitIndex asks");
    assert_eq!(shared_indexes(&d).len(), 1);
    // Unused shared indexes go at once.
    d.git(&["config", "splitIndex.sharedIndexExpire", "now"]);
    d.git(&["config", "splitIndex.maxPercentChange", "10"]);
    let mut shared = vec![first.clone()];
    for i in 0..6 {
        d.ok(&["ticket", "create", "--customer", "C-0001", "--title", &format!("n. {i}")]);
        let (now, _) = split_form(&d);
        assert!(now.is_some(), "still split");
        if shared.last() != Some(&now) {
            shared.push(now);
        }
        assert_eq!(d.status(), "");
    }
    assert!(shared.len() > 2, "a new shared index once the split part grew past 10 %: {shared:?}");
    assert_eq!(shared_indexes(&d), [format!("sharedindex.{}", shared.last().unwrap().as_ref().unwrap())]);
    d.git(&["fsck", "--strict"]);
    d.git(&["config", "core.splitIndex", "false"]);
    d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "intero"]);
    assert_eq!(split_form(&d).0, None, "written whole, as core.splitIndex false asks");
    assert_eq!(d.status(), "");
    assert_eq!(d.git(&["ls-files", "tickets"]).lines().count(), 7);
}

/// libgit2 cannot read a split index: to ask it about one file (here `tkt.toml`, changed
/// by hand), tkt gives it a whole copy, and the index file stays split on its shared index.
#[test]
fn a_split_index_stays_split_when_check_asks_libgit2_about_a_file() {
    let d = TestDesk::new();
    split_index(&d);
    let before = split_form(&d);
    d.write("tkt.toml", &(d.read("tkt.toml") + "# a hand edit\n"));
    // Committed and changed again with the same size, all in (most likely) one second.
    d.write("notes.txt", "aaaa");
    d.git(&["add", "notes.txt"]);
    d.git(&["commit", "-qm", "notes"]);
    d.write("notes.txt", "bbbb");
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let split = split_form(&d);
    d.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tkt.toml"));
    assert_eq!(split_form(&d), split, "the index file is left as it was");
    assert_eq!(split.0, before.0, "on the same shared index");
    assert_eq!(shared_indexes(&d).len(), 1);
    assert_eq!(d.status(), " M notes.txt\n M tkt.toml\n");
}

/// A record with `$Id` or a CR is hashed through libgit2's filters, which read the
/// attributes from the index: a split one through a whole copy. Taken back after a kill, it
/// is staged as the last commit's blob. The index stays split and exact throughout.
#[test]
fn a_record_that_goes_through_git_s_filters_is_committed_and_taken_back_on_a_split_index() {
    let d = TestDesk::example();
    split_index(&d);
    d.ok(&["ticket", "note", "T-2026-0001", "firmware $Id$ aggiornato"]);
    d.ok(&["ticket", "note", "T-2026-0001", "ancora"]);
    assert_eq!(d.status(), "");
    // What a command killed before its commit leaves: the record written, the journal.
    d.write("tickets/2026/000/T-2026-0001.yaml", &(d.read("tickets/2026/000/T-2026-0001.yaml") + "# perso\n"));
    d.write(".tkt/journal", "tickets/2026/000/T-2026-0001.yaml\n");
    let out = d.tkt(&["ticket", "note", "T-2026-0002", "altro"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!d.read("tickets/2026/000/T-2026-0001.yaml").contains("perso"));
    assert_eq!(d.status(), "");
    assert_eq!(d.git(&["diff-files", "--name-only"]), "");
    assert!(split_form(&d).0.is_some(), "still split");
}

/// An entry has the mode its commit gives the file: tkt commits records as plain files,
/// so one made executable by hand is plain again in the index and the commit alike.
#[test]
fn a_record_made_executable_by_hand_is_committed_and_staged_plain() {
    use std::os::unix::fs::PermissionsExt;
    let d = TestDesk::example();
    let path = d.path("tickets/2026/000/T-2026-0001.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    d.git(&["commit", "-qam", "executable"]);
    d.ok(&["ticket", "note", "T-2026-0001", "x"]);
    assert!(d.git(&["ls-files", "-s", "tickets/2026/000/T-2026-0001.yaml"]).starts_with("100644 "));
    assert!(d.git(&["ls-tree", "HEAD", "tickets/2026/000/T-2026-0001.yaml"]).starts_with("100644 "));
    assert_eq!(d.status(), "");
}

/// A split index whose shared index is damaged is refused before anything is written,
/// with how to make it again; git refuses it too.
#[test]
fn a_split_index_with_a_damaged_shared_index_is_refused_and_nothing_is_written() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "Rossi"]);
    split_index(&d);
    let shared = d.path(&format!(".git/{}", shared_indexes(&d)[0]));
    let bytes = std::fs::read(&shared).unwrap();
    std::fs::write(&shared, &bytes[..bytes.len() / 2]).unwrap();
    let head = d.head();
    d.tkt(&["ticket", "create", "--customer", "C-0001", "--title", "x"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("split index").and(predicate::str::contains("damaged")))
        .stderr(predicate::str::contains(".git/index and make it again with `git reset -q`"));
    assert_eq!(d.head(), head, "nothing committed");
    assert!(!d.path("tickets/2026").exists() && !d.path(".tkt/journal").exists(), "nothing left");
    std::fs::remove_file(d.path(".git/index")).unwrap();
    d.git(&["reset", "-q"]);
    d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "x"]);
    assert_eq!(d.status(), "");
}

/// Taking back what a killed command wrote brings a split index in step through tkt's own
/// index code: it stays split.
#[test]
fn a_command_killed_on_a_split_index_is_taken_back_and_the_index_stays_split() {
    let d = TestDesk::example();
    split_index(&d);
    let note = ["ticket", "note", "T-2026-0001", "Richiamare il cliente"];
    crate::crash::killed_before_its_commit_with(&d, &note, &[]);
    let out = d.tkt(&["ticket", "note", "T-2026-0002", "altro"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("T-2026-0001 (put back)"));
    assert!(!d.read("tickets/2026/000/T-2026-0001.yaml").contains("Richiamare il cliente"));
    assert_eq!(d.status(), "");
    assert_eq!(d.git(&["diff-files", "--name-only"]), "");
    assert!(split_form(&d).0.is_some(), "still split");
    d.git(&["fsck", "--strict"]);
}

#[test]
fn loose_objects_are_packed_by_git_when_git_would() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "Rossi"]);
    // gc.auto = 256 means one loose object in the sample folder objects/17 is too many.
    d.git(&["config", "gc.auto", "256"]);
    let git_dir = std::path::PathBuf::from(d.git(&["rev-parse", "--absolute-git-dir"]).trim());
    for i in 0..600 {
        std::fs::write(d.path("scratch.txt"), format!("{i}\n")).unwrap();
        d.git(&["hash-object", "-w", "scratch.txt"]);
    }
    std::fs::remove_file(d.path("scratch.txt")).unwrap();
    let packs = || std::fs::read_dir(git_dir.join("objects/pack")).map_or(0, |e| e.count());
    assert_eq!(packs(), 0, "a new desk has no pack yet");
    d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "x"]);
    // The housekeeping runs in the background: give it a moment.
    for _ in 0..100 {
        if packs() > 0 && !git_dir.join("gc.pid").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(packs() > 0, "git gc --auto packed the desk's objects");
    d.git(&["fsck", "--strict"]);
    assert_eq!(d.status(), "");
}

/// The index file's version, whether it ends in a checksum, and whether it holds git's
/// untracked cache.
fn index_form(d: &TestDesk) -> (u32, bool, bool) {
    let git_dir = std::path::PathBuf::from(d.git(&["rev-parse", "--absolute-git-dir"]).trim());
    let index = std::fs::read(git_dir.join("index")).unwrap();
    let version = u32::from_be_bytes(index[4..8].try_into().unwrap());
    let checksum = index[index.len() - 20..].iter().any(|&b| b != 0);
    (version, checksum, index.windows(4).any(|w| w == b"UNTR"))
}

#[test]
fn an_index_in_git_s_many_files_form_keeps_its_form_and_its_untracked_cache() {
    let d = TestDesk::new();
    d.ok(&["customer", "create", "--name", "Rossi"]);
    d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Caldaia in blocco"]);
    // What `feature.manyFiles` sets: index version 4, no checksum, the untracked cache.
    d.git(&["config", "index.skipHash", "true"]);
    d.git(&["config", "core.untrackedCache", "true"]);
    d.git(&["update-index", "--index-version", "4"]);
    d.write("scratch.txt", "mine\n");
    d.git(&["status"]);
    assert_eq!(index_form(&d), (4, false, true), "git wrote the index in its many-files form");
    d.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Perdita"]);
    d.ok(&["ticket", "note", "T-2026-0001", "Passo domani"]);
    d.ok(&["customer", "create", "--name", "Bianchi"]);
    assert_eq!(index_form(&d), (4, false, true), "tkt kept the form and the untracked cache");
    // git reads the cache tkt wrote (when it drops one it cannot read, it makes every
    // folder's node again).
    let trace = d.tmp.path().join("trace2");
    let status = std::process::Command::new("git")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", d.tmp.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TRACE2_PERF", &trace)
        .args(["status", "--porcelain"])
        .current_dir(d.path(""))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "?? scratch.txt\n");
    let trace = std::fs::read_to_string(&trace).unwrap();
    let count = |key: &str| -> u64 {
        let at = trace.find(&format!("{key}:")).unwrap_or_else(|| panic!("{key} in {trace}")) + key.len() + 1;
        trace[at..].split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
    };
    assert_eq!(count("node-creation"), 0, "the cache was used, not built again: {trace}");
    d.git(&["fsck", "--strict"]);
    assert_eq!(d.git(&["ls-files", "tickets", "customers"]).lines().count(), 4);
    assert!(d.ok(&["ticket", "show", "T-2026-0001"]).contains("Passo domani"));
}

/// The permission bits of a desk file or folder.
fn mode(d: &TestDesk, rel: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(d.path(rel)).unwrap().permissions().mode() & 0o7777
}

/// A message with one attachment, from the example desk's customer C-0003.
const MAIL_WITH_PHOTO: &str = "From: Mario Rossi <mario.rossi@mail.example>\r\nTo: assistenza@example.com\r\n\
    Subject: foto\r\nMessage-ID: <perm@mail.example>\r\nMIME-Version: 1.0\r\n\
    Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
    Vedi foto.\r\n--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=foto.jpg\r\n\
    Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--b--\r\n";

#[test]
fn records_attachments_and_folders_follow_the_umask_like_gits_own_files() {
    let d = TestDesk::example();
    let _ = std::fs::remove_dir_all(d.path(".tkt"));
    d.tkt_under_umask("022", &["import", "email", "-"]).write_stdin(MAIL_WITH_PHOTO).assert().success();
    d.tkt_under_umask("022", &["ticket", "create", "--customer", "C-0001", "--title", "Perdita"]).assert().success();
    for file in [
        "requests/2026/R-2026-0004.yaml",
        "attachments/R-2026-0004/foto.jpg",
        "tickets/2026/000/T-2026-0021.yaml",
        ".tkt/lock",
        ".tkt/sequences/T-2026",
    ] {
        assert_eq!(mode(&d, file), 0o644, "{file}");
    }
    for dir in ["attachments/R-2026-0004", ".tkt", ".tkt/sequences"] {
        assert_eq!(mode(&d, dir), 0o755, "{dir}");
    }
    // What git writes under the same umask, for comparison.
    assert_eq!(mode(&d, ".git/index"), 0o644);
    assert_eq!(d.status(), "");
}

#[test]
fn a_desk_shared_through_git_is_group_writable_whatever_the_umask() {
    let d = TestDesk::example();
    d.git(&["config", "core.sharedRepository", "group"]);
    let _ = std::fs::remove_dir_all(d.path(".tkt"));
    d.tkt_under_umask("077", &["import", "email", "-"]).write_stdin(MAIL_WITH_PHOTO).assert().success();
    d.tkt_under_umask("077", &["ticket", "note", "T-2026-0001", "chiamato"]).assert().success();
    for file in [
        "requests/2026/R-2026-0004.yaml",
        "attachments/R-2026-0004/foto.jpg",
        "tickets/2026/000/T-2026-0001.yaml",
        ".tkt/lock",
        ".tkt/sequences/R-2026",
    ] {
        assert_eq!(mode(&d, file), 0o660, "{file}");
    }
    for dir in ["attachments/R-2026-0004", ".tkt", ".tkt/sequences"] {
        assert_eq!(mode(&d, dir), 0o2770, "{dir}");
    }

    // Shared with everybody: readable by all, writable by the group; an octal mode is taken
    // as git takes it, exactly.
    d.git(&["config", "core.sharedRepository", "all"]);
    d.tkt_under_umask("077", &["ticket", "create", "--customer", "C-0001", "--title", "Perdita"]).assert().success();
    assert_eq!(mode(&d, "tickets/2026/000/T-2026-0021.yaml"), 0o664);
    d.git(&["config", "core.sharedRepository", "0640"]);
    d.tkt_under_umask("000", &["ticket", "note", "T-2026-0002", "visto"]).assert().success();
    assert_eq!(mode(&d, "tickets/2026/000/T-2026-0002.yaml"), 0o640);
    d.tkt(&["check"]).assert().success();
    assert_eq!(d.status(), "");
}

/// A `.gitignore` without the line for `.tkt/` (pushed by a remote, or edited): the folder
/// keeps itself out of git, and `git status` stays clean (found by a hostile-remote review).
#[test]
fn the_local_folder_stays_out_of_git_whatever_the_gitignore_says() {
    let d = TestDesk::new();
    d.write(".gitignore", "");
    d.git(&["commit", "-qam", "no ignores"]);
    d.ok(&["customer", "create", "--name", "Bianchi"]);
    assert_eq!(d.status(), "");
}

/// Found by a careless-office attack: an invoice issued during a stopped rebase printed its
/// number and exited 0, and the `git rebase --abort` sync then advised took it out of the
/// branch, its number a gap. No command writes while git is in the middle of an operation,
/// or on a detached HEAD, whose commits the next checkout leaves behind.
#[test]
fn no_command_writes_in_the_middle_of_a_rebase_or_on_a_detached_head() {
    let d = TestDesk::example();
    let head = d.head();
    std::fs::create_dir_all(d.path(".git/rebase-merge")).unwrap();
    for args in [&["ticket", "invoice", "T-2026-0013"][..], &["ticket", "note", "T-2026-0013", "chiamato"][..]] {
        d.tkt(args).assert().code(5).stdout("").stderr(
            predicate::str::contains("git is in the middle of a rebase")
                .and(predicate::str::contains("git rebase --abort")),
        );
        assert_eq!((d.head(), d.status()), (head.clone(), String::new()), "{args:?}");
    }
    std::fs::remove_dir_all(d.path(".git/rebase-merge")).unwrap();
    d.git(&["checkout", "-q", "--detach"]);
    d.tkt(&["ticket", "note", "T-2026-0013", "chiamato"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("HEAD is detached").and(predicate::str::contains("git switch")));
    assert_eq!((d.head(), d.status()), (head.clone(), String::new()));
    d.ok(&["ticket", "list"]);
    // Check says so first (found by a careless-office attack: on an old commit it called
    // the invoices after it gone, with a restore to commit).
    d.tkt(&["check"]).assert().code(4).stdout(
        predicate::str::starts_with("HEAD: detached")
            .and(predicate::str::contains("`git switch -` goes back to your branch")),
    );
    // Nor is a desk made there (a review: its commit was on no branch, gone at the checkout).
    d.tkt(&["init", "altra"]).assert().code(5).stderr(predicate::str::contains("HEAD is detached"));
    assert!(!d.path("altra").exists());
    d.git(&["checkout", "-q", "main"]);
    d.ok(&["ticket", "note", "T-2026-0013", "chiamato"]);
}

/// Found by a careless-office attack: `-C` or `TKT_DESK` naming a folder inside the desk was
/// "not a tkt desk", and its hint to `tkt init` there was refused. The desk is found from
/// them as from the current folder, like `git -C`.
#[test]
fn a_desk_is_found_from_a_folder_inside_it_named_by_c_or_tkt_desk() {
    let d = TestDesk::example();
    let inside = d.path("tickets/2026");
    let show = |cmd: &mut assert_cmd::Command| {
        let out = cmd.args(["ticket", "show", "T-2026-0013", "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("T-2026-0013"));
    };
    show(d.tkt(&["-C", inside.to_str().unwrap()]).current_dir(std::env::temp_dir()));
    show(d.tkt(&[]).env("TKT_DESK", d.path("tickets")).current_dir(std::env::temp_dir()));
    let nowhere = std::env::temp_dir().join("tkt-no-desk-here");
    d.tkt(&["-C", nowhere.to_str().unwrap(), "ticket", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a tkt desk"));
    // A folder that is not there is no desk, not the one the command runs in (a review).
    d.tkt(&["-C", "../bta", "ticket", "list"]).assert().code(2).stderr(predicate::str::contains("not a tkt desk"));
    d.tkt(&["ticket", "list"]).env("TKT_DESK", "tickets/../../gone").assert().code(2);
}
