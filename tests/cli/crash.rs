//! Crashes and crowds: tkt killed at random points of its writes, and many tkt processes
//! on one desk at once. Nothing may be lost, half-written or numbered twice.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::TestDesk;

/// A small deterministic random source (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Kills at the least; more, up to [`MAX_ROUNDS`], until one has landed between a write
/// and its commit (a loaded machine can shift the timings).
const ROUNDS: usize = 60;
const MAX_ROUNDS: usize = 300;

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn mails() -> Vec<std::path::PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/intake/mail"));
    let mut all: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    all.sort();
    all
}

/// `tkt check` passes, or names only what the next command finishes.
fn check_names_only_what_is_recoverable(d: &TestDesk, when: &str) {
    let out = d.tkt(&["check"]).output().unwrap();
    if out.status.success() {
        return;
    }
    assert_eq!(out.status.code(), Some(4), "{when}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        assert!(
            line.contains("interrupted"),
            "{when}: check finds more than an interrupted write:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn killed_at_random_points_tkt_loses_nothing_and_the_next_command_finishes_the_work() {
    let d = TestDesk::example();
    let mails = mails();
    // CRASH_SEED=N replays another run.
    let seed = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x2545_f491_4f6c_dd1d_u64);
    let mut rng = Rng(seed);
    let command = |round: usize| -> Vec<String> {
        let mail = mails[round % mails.len()].to_str().unwrap().to_string();
        let assignee = if round.is_multiple_of(2) { "luca" } else { "marco" };
        let args: Vec<&str> = match round % 4 {
            0 => vec!["ticket", "create", "--customer", "C-0001", "--title", "Caldaia in blocco"],
            1 => vec!["ticket", "assign", "T-2026-0002", assignee],
            2 => vec!["ticket", "work", "T-2026-0003", "--technician", "luca", "--hours", "1.5", "--activity", "prova"],
            _ => vec!["import", "email", &mail],
        };
        args.into_iter().map(str::to_string).collect()
    };
    // How long each command takes here, so that the kills fall inside its run.
    let took: Vec<u64> = (0..4)
        .map(|round| {
            let start = std::time::Instant::now();
            d.process(&args(&command(round + 4))).output().unwrap();
            start.elapsed().as_millis() as u64
        })
        .collect();
    let mut finished = Vec::new();
    let mut recovered = 0;
    let mut rounds = 0;
    while rounds < ROUNDS || (recovered == 0 && rounds < MAX_ROUNDS) {
        let round = rounds;
        rounds += 1;
        let args_owned = command(round);
        let args = args(&args_owned);
        let mut child: Child = d.process(&args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(took[round % 4] + 5)));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let when = format!("round {round} (seed {seed:#x}) {args:?}");
        if out.status.success() {
            finished.extend(String::from_utf8(out.stdout).unwrap().split_whitespace().map(str::to_string));
        }

        check_names_only_what_is_recoverable(&d, &when);
        let fsck = d.git(&["fsck", "--no-dangling"]);
        assert!(!fsck.contains("error") && !fsck.contains("missing"), "{when}: {fsck}");

        // The next command finishes what was left, and leaves the desk clean.
        let next = d.tkt(&["ticket", "note", "T-2026-0001", &format!("giro {round}")]).output().unwrap();
        assert!(next.status.success(), "{when}: {}", String::from_utf8_lossy(&next.stderr));
        if String::from_utf8_lossy(&next.stderr).contains("an interrupted command was finished") {
            recovered += 1;
        }
        d.tkt(&["check"]).assert().success();
        assert_eq!(d.status(), "", "{when}");
    }
    eprintln!("{recovered} of {rounds} kills left work for the next command");
    assert!(recovered >= 1, "the kills must land inside writes");
    // Every command that reported success kept its result.
    for id in &finished {
        let kind = if id.starts_with("T-") {
            "ticket"
        } else if id.starts_with("R-") {
            "request"
        } else {
            "doc"
        };
        d.ok(&[kind, "show", id]);
    }
    let notes: serde_json::Value =
        serde_json::from_str(&d.ok(&["ticket", "show", "T-2026-0001", "--format", "json"])).unwrap();
    assert_eq!(
        notes["notes"].as_array().unwrap().iter().filter(|n| n["text"].as_str().unwrap().starts_with("giro")).count(),
        rounds
    );
}

#[test]
fn eight_creators_four_transitions_and_an_import_at_once_lose_and_repeat_nothing() {
    let d = TestDesk::example();
    let maildir = d.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    for (i, mail) in mails().iter().enumerate() {
        std::fs::copy(mail, maildir.join("new").join(format!("{i}.eml"))).unwrap();
    }
    let tickets: serde_json::Value = serde_json::from_str(&d.ok(&["ticket", "list", "--format", "json"])).unwrap();
    let moves: Vec<(String, &str)> = tickets
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| {
            let to = match t["state"].as_str().unwrap() {
                "nuovo" => "diagnosi",
                "diagnosi" => "in-lavorazione",
                _ => return None,
            };
            Some((t["id"].as_str().unwrap().to_string(), to))
        })
        .take(4)
        .collect();
    assert_eq!(moves.len(), 4);
    let before = d.commits();

    let wait = |mut cmd: std::process::Command| {
        cmd.env("TKT_LOCK_TIMEOUT", "20").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
    };
    let mut creators: Vec<Child> = (0..8)
        .map(|i| wait(d.process(&["ticket", "create", "--customer", "C-0002", "--title", &format!("Chiamata {i}")])))
        .collect();
    let mut movers: Vec<Child> =
        moves.iter().map(|(id, to)| wait(d.process(&["ticket", "transition", id, to]))).collect();
    let import = wait(d.process(&["import", "maildir", maildir.to_str().unwrap()]));

    let mut created = Vec::new();
    let mut ok = 0;
    for child in creators.drain(..) {
        let out = child.wait_with_output().unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0) | Some(5)), "create: {code:?} {}", String::from_utf8_lossy(&out.stderr));
        if code == Some(0) {
            created.push(String::from_utf8(out.stdout).unwrap().trim().to_string());
            ok += 1;
        }
    }
    for (child, (id, to)) in movers.drain(..).zip(&moves) {
        let out = child.wait_with_output().unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0) | Some(5)), "transition: {code:?} {}", String::from_utf8_lossy(&out.stderr));
        if code == Some(0) {
            let t: serde_json::Value =
                serde_json::from_str(&d.ok(&["ticket", "show", id, "--format", "json"])).unwrap();
            assert_eq!(t["state"], *to);
            ok += 1;
        }
    }
    let out = import.wait_with_output().unwrap();
    // The import exits 4 when some message could not be taken in; the corpus has none.
    assert_eq!(out.status.code(), Some(0), "import: {}", String::from_utf8_lossy(&out.stderr));
    let imported = std::fs::read_dir(maildir.join("cur")).unwrap().count();
    assert_eq!(std::fs::read_dir(maildir.join("new")).unwrap().count(), 0, "every message handled");

    let mut unique = created.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), created.len(), "ids unique: {created:?}");
    for id in &created {
        let t: serde_json::Value = serde_json::from_str(&d.ok(&["ticket", "show", id, "--format", "json"])).unwrap();
        assert!(t["title"].as_str().unwrap().starts_with("Chiamata"));
    }
    // One commit per successful create and transition, one per message taken in (skipped
    // auto-replies and bulk mail make none).
    let import_commits = d.git(&["log", "--format=%s", &format!("HEAD~{}..HEAD", d.commits() - before)]);
    let by_import =
        import_commits.lines().filter(|l| !l.contains("new ticket for C-0002") && !l.contains("transition")).count();
    assert_eq!(d.commits() - before, ok + by_import);
    assert!(by_import > 0 && by_import <= imported, "{import_commits}");
    d.tkt(&["check"]).assert().success();
    assert_eq!(d.status(), "");
}

#[test]
fn a_sync_cut_short_while_writing_merged_records_is_put_back_never_committed_half_merged() {
    let d = TestDesk::example();
    let path = "tickets/2026/T-2026-0001.yaml";
    let committed = d.read(path);
    // What a sync killed between writing merged records and moving HEAD leaves: the
    // records, changed, and its notes in the journal.
    let mut merged: serde_yaml::Value = serde_yaml::from_str(&committed).unwrap();
    merged["title"] = "merged, not committed".into();
    d.write(path, &serde_yaml::to_string(&merged).unwrap());
    d.write(".tkt/journal", &format!("!restore\n{path}\n"));
    let before = d.commits();
    d.tkt(&["ticket", "note", "T-2026-0002", "dopo"])
        .assert()
        .success()
        .stderr(predicates::str::contains("put back 1 file(s) an interrupted sync was writing"));
    assert_eq!(d.read(path), committed, "the record is as HEAD has it");
    assert_eq!(d.commits(), before + 1, "only the note's commit");
    assert_eq!(d.status(), "");
    d.tkt(&["check"]).assert().success();
}
