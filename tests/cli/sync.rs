//! Team sync with real repositories: a bare remote and clones in a temp folder, all driven
//! through the binary.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::hermetic;

/// A bare remote and the clones of a team, in one temporary folder.
pub(crate) struct Team {
    pub(crate) tmp: tempfile::TempDir,
}

/// One technician's clone.
pub(crate) struct Clone<'a> {
    pub(crate) team: &'a Team,
    pub(crate) dir: PathBuf,
    pub(crate) user: &'static str,
}

impl Team {
    /// A remote holding the example desk, pushed by the first clone, `anna`.
    pub(crate) fn new() -> Team {
        let team = Team { tmp: tempfile::tempdir().unwrap() };
        team.git(team.tmp.path(), &["init", "-q", "--bare", "-b", "main", "remote.git"]);
        let anna = team.dir("anna");
        std::fs::create_dir_all(&anna).unwrap();
        let c = Clone { team: &team, dir: anna.clone(), user: "anna" };
        c.ok(&["init", "--example"]);
        team.git(&anna, &["remote", "add", "origin", "../remote.git"]);
        c.ok(&["sync"]);
        team
    }

    fn dir(&self, user: &str) -> PathBuf {
        self.tmp.path().join(user)
    }

    pub(crate) fn remote(&self) -> PathBuf {
        self.tmp.path().join("remote.git")
    }

    /// Makes the remote refuse every push (a hook), until the returned file is removed.
    fn refuse_pushes(&self) -> PathBuf {
        let hook = self.remote().join("hooks/pre-receive");
        std::fs::write(&hook, "#!/bin/sh\necho closed for maintenance >&2\nexit 1\n").unwrap();
        std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        hook
    }

    /// `anna`'s clone, or a new clone of the remote for another user.
    pub(crate) fn clone(&self, user: &'static str) -> Clone<'_> {
        let dir = self.dir(user);
        if !dir.exists() {
            self.git(self.tmp.path(), &["clone", "-q", "remote.git", user]);
        }
        Clone { team: self, dir, user }
    }

    pub(crate) fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let out = git_cmd(self.tmp.path(), cwd).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}

fn git_cmd(home: &Path, cwd: &Path) -> StdCommand {
    let mut cmd = StdCommand::new("git");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "git user")
        .env("GIT_AUTHOR_EMAIL", "git@example.com")
        .env("GIT_COMMITTER_NAME", "git user")
        .env("GIT_COMMITTER_EMAIL", "git@example.com")
        .current_dir(cwd);
    cmd
}

impl Clone<'_> {
    pub(crate) fn tkt(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("tkt").unwrap();
        hermetic(&mut cmd, self.team.tmp.path());
        cmd.env("TKT_USER", self.user).current_dir(&self.dir).args(args);
        cmd
    }

    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.tkt(args).output().unwrap();
        assert!(out.status.success(), "{} tkt {args:?}: {}", self.user, String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs tkt at a given time, for edits whose order matters.
    pub(crate) fn at(&self, now: &str, args: &[&str]) -> String {
        let out = self.tkt(args).env("TKT_NOW", now).output().unwrap();
        assert!(out.status.success(), "{} tkt {args:?}: {}", self.user, String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub(crate) fn sync(&self) -> String {
        let out = self.tkt(&["sync"]).output().unwrap();
        assert!(out.status.success(), "{} sync: {}", self.user, String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stderr).unwrap()
    }

    /// `tkt sync --resolve`, which must succeed; returns what it said.
    pub(crate) fn resolve(&self) -> String {
        let out = self.tkt(&["sync", "--resolve"]).output().unwrap();
        assert!(out.status.success(), "{} sync --resolve: {}", self.user, String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stderr).unwrap()
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap()
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.dir.join(rel), text).unwrap()
    }

    pub(crate) fn git(&self, args: &[&str]) -> String {
        self.team.git(&self.dir, args)
    }

    /// Switches the desk to online fiscal numbering (a hand edit the next sync commits).
    fn numbering_online(&self) {
        let online = "[numbering]\nfiscal = \"online\"\n\n[numbering.prefixes]";
        let config = self.read("tkt.toml").replace("[numbering.prefixes]", online);
        std::fs::write(self.dir.join("tkt.toml"), config).unwrap();
    }
}

/// Every file of the desk (not .git, not .tkt), path and content.
pub(crate) fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if name == ".git" || name == ".tkt" {
                continue;
            }
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push((p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Offline edits of two technicians on the same tickets.
fn offline_edits(anna: &Clone, marco: &Clone) {
    anna.at("2026-11-27T11:00:00+01:00", &["ticket", "note", "T-2026-0020", "nota di anna"]);
    anna.at("2026-11-27T11:01:00+01:00", &["ticket", "edit", "T-2026-0020", "--priority", "urgent"]);
    anna.at("2026-11-27T11:05:00+01:00", &["ticket", "edit", "T-2026-0016", "--title", "Titolo di anna"]);
    marco.at("2026-11-27T11:30:00+01:00", &["ticket", "note", "T-2026-0020", "nota di marco"]);
    marco.at("2026-11-27T11:31:00+01:00", &["ticket", "assign", "T-2026-0020", "marco"]);
    marco.at("2026-11-27T11:10:00+01:00", &["ticket", "edit", "T-2026-0016", "--title", "Titolo di marco"]);
}

/// A remote that lost its branch (a server rebuilt, the branch deleted) is published to
/// again, as an empty one is, and the line says what went out.
#[test]
fn a_remote_that_lost_its_branch_is_published_to_again() {
    let team = Team::new();
    let anna = team.clone("anna");
    team.git(&team.remote(), &["config", "receive.denyDeleteCurrent", "ignore"]);
    team.git(&anna.dir, &["push", "-q", "origin", ":main"]);
    let said = anna.sync();
    let mine = team.git(&anna.dir, &["rev-parse", "HEAD"]);
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), mine, "published again: {said}");
    assert!(!said.contains("0 out"), "{said}");
}

#[test]
fn two_technicians_sync_in_either_order_and_end_with_the_same_desk() {
    let mut results = Vec::new();
    for anna_first in [true, false] {
        let team = Team::new();
        let (anna, marco) = (team.clone("anna"), team.clone("marco"));
        offline_edits(&anna, &marco);
        let (first, second) = if anna_first { (&anna, &marco) } else { (&marco, &anna) };
        first.sync();
        let summary = second.sync();
        assert!(summary.contains("conflict in tickets/2026/000/T-2026-0016.yaml (title)"), "{summary}");
        first.sync();
        let (a, m) = (snapshot(&anna.dir), snapshot(&marco.dir));
        assert_eq!(a, m, "both clones hold the same desk");
        for (path, bytes) in &a {
            assert!(!String::from_utf8_lossy(bytes).contains("<<<<<<<"), "conflict marker in {}", path.display());
        }
        let t: serde_yaml::Value = serde_yaml::from_str(&anna.read("tickets/2026/000/T-2026-0020.yaml")).unwrap();
        let notes: Vec<&str> = t["notes"].as_sequence().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
        assert_eq!(notes, ["nota di anna", "nota di marco"], "every note of both");
        assert_eq!(t["priority"], "urgent");
        assert_eq!(t["assignee"], "marco", "different fields: both changes kept");
        let t16: serde_yaml::Value = serde_yaml::from_str(&anna.read("tickets/2026/000/T-2026-0016.yaml")).unwrap();
        assert_eq!(t16["title"], "Titolo di marco", "the later change wins");
        assert_eq!(t16["conflicts"][0]["other"]["value"], "Titolo di anna", "and the other is kept");
        anna.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("sync conflict on title"));
        assert_eq!(anna.git(&["status", "--porcelain"]), "");
        results.push(snapshot(&anna.dir));
    }
    assert_eq!(results[0], results[1], "the result does not depend on who synced first");
}

/// The shared indexes of a clone's split index.
fn shared_indexes(clone: &Clone) -> usize {
    std::fs::read_dir(clone.dir.join(".git"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("sharedindex."))
        .count()
}

/// A merge brings git's index in step with the files it writes through tkt's own index
/// code: a split index stays split on its shared index, and a file made executable (or
/// not) on the other side gets its mode in the index, as `git add` gives it.
#[test]
fn a_clone_with_a_split_index_merges_and_keeps_its_index_exact() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.git(&["config", "core.splitIndex", "true"]);
    marco.git(&["update-index", "--split-index"]);
    let shared = shared_indexes(&marco);
    offline_edits(&anna, &marco);
    std::fs::create_dir_all(anna.dir.join("attachments/T-2026-0020")).unwrap();
    std::fs::write(anna.dir.join("attachments/T-2026-0020/run.sh"), "echo ciao\n").unwrap();
    let chmod = |mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        let path = anna.dir.join("attachments/T-2026-0020/run.sh");
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    chmod(0o755);
    anna.git(&["add", "attachments/T-2026-0020/run.sh"]);
    anna.git(&["commit", "-qm", "a script"]);
    anna.sync();
    marco.sync();
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    assert_eq!(marco.git(&["diff-files", "--name-only"]), "");
    assert!(marco.git(&["ls-files", "-s", "attachments/T-2026-0020/run.sh"]).starts_with("100755 "));
    let t: serde_yaml::Value = serde_yaml::from_str(&marco.read("tickets/2026/000/T-2026-0020.yaml")).unwrap();
    assert_eq!(t["notes"].as_sequence().unwrap().len(), 2, "both notes");
    let split = || std::fs::read(marco.dir.join(".git/index")).unwrap().windows(4).any(|w| w == b"link");
    assert!(split(), "still split after the merge");
    assert_eq!(shared_indexes(&marco), shared, "the same shared index, no new one");
    chmod(0o644);
    anna.git(&["add", "attachments/T-2026-0020/run.sh"]);
    anna.git(&["commit", "-qm", "not a script"]);
    anna.sync();
    marco.sync();
    assert!(marco.git(&["ls-files", "-s", "attachments/T-2026-0020/run.sh"]).starts_with("100644 "));
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    marco.ok(&["ticket", "note", "T-2026-0020", "dopo"]);
    assert!(split(), "still split");
    assert_eq!(shared_indexes(&marco), shared, "still the same shared index");
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    assert_eq!(marco.git(&["diff-files", "--name-only"]), "");
    marco.git(&["fsck", "--strict"]);
}

/// A sync killed in its fetch leaves git's lock on a remote-tracking reference, and one
/// killed in its `git status` or its commit of hand edits the index's: the next command
/// removes them as its own (made after tkt's mark of the sync); a lock without the mark is
/// another git command's, left alone.
#[test]
fn locks_left_by_a_killed_sync_are_removed_by_the_next_command() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    // Something to fetch: origin/main is to move.
    anna.ok(&["ticket", "note", "T-2026-0020", "nota di anna"]);
    anna.sync();
    let refs = marco.dir.join(".git/refs/remotes/origin");
    std::fs::create_dir_all(&refs).unwrap();
    let lock = refs.join("main.lock");
    std::fs::write(&lock, "").unwrap();
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("main.lock"));
    assert!(lock.exists(), "not tkt's: left alone");
    // What a sync killed in its fetch leaves: tkt's mark, then git's lock.
    let mark = marco.dir.join(".tkt/syncing");
    std::fs::remove_file(&lock).unwrap();
    std::fs::write(&mark, "").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&lock, "").unwrap();
    let said = marco.sync();
    assert!(said.contains("removed what an interrupted sync left") && said.contains("main.lock"), "{said}");
    assert!(!lock.exists() && !mark.exists());
    assert!(marco.read("tickets/2026/000/T-2026-0020.yaml").contains("nota di anna"));
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    // Killed in its `git status`: the index's lock.
    std::fs::write(&mark, "").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let index_lock = marco.dir.join(".git/index.lock");
    std::fs::write(&index_lock, "").unwrap();
    marco.ok(&["ticket", "note", "T-2026-0020", "x"]);
    assert!(!index_lock.exists() && !mark.exists());
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    // Killed while setting up git's merge driver: the configuration's lock. A sync with the
    // driver set up already writes no configuration at all.
    std::fs::write(&mark, "").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let config_lock = marco.dir.join(".git/config.lock");
    std::fs::write(&config_lock, "").unwrap();
    marco.sync();
    assert!(!config_lock.exists() && !mark.exists());
    let config = marco.dir.join(".git/config");
    let before = std::fs::metadata(&config).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    marco.sync();
    assert_eq!(std::fs::metadata(&config).unwrap().modified().unwrap(), before, "the configuration was written again");
}

#[test]
fn the_same_id_created_on_two_clones_is_renumbered_with_its_references() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Di anna"]), "T-2026-0021\n");
    anna.ok(&["ticket", "work", "T-2026-0021", "--hours", "1"]);
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di marco"]), "T-2026-0021\n");
    assert_eq!(marco.ok(&["ticket", "work", "T-2026-0021", "--hours", "2"]), "WR-2026-0009\n");
    anna.sync();
    let summary = marco.sync();
    assert!(summary.contains("T-2026-0021 is now T-2026-0022"), "{summary}");
    assert!(summary.contains("WR-2026-0009 is now WR-2026-0010"), "{summary}");
    anna.sync();
    let mine: serde_yaml::Value = serde_yaml::from_str(&marco.read("tickets/2026/000/T-2026-0022.yaml")).unwrap();
    assert_eq!(mine["title"], "Di marco");
    assert_eq!(mine["id"], "T-2026-0022");
    let wr: serde_yaml::Value =
        serde_yaml::from_str(&marco.read("documents/work-report/2026/000/WR-2026-0010.yaml")).unwrap();
    assert_eq!(wr["ticket"], "T-2026-0022", "the reference follows the new number");
    assert_eq!(wr["hours"], 2);
    let theirs: serde_yaml::Value = serde_yaml::from_str(&marco.read("tickets/2026/000/T-2026-0021.yaml")).unwrap();
    assert_eq!(theirs["title"], "Di anna", "the published record keeps its number");
    assert_eq!(snapshot(&anna.dir), snapshot(&marco.dir));
    marco.tkt(&["check"]).assert().success();
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Dopo"]), "T-2026-0023\n");
}

/// Found by a team review: a renumbering gave a record the number of one the remote had
/// made and deleted (its history, and the deleted ticket's log, became the new one's).
/// Found by a team review: a renumbering wrote again the text of an invoice already
/// exported (or delivered by SDI), so its lines named another customer's report, and its
/// file could not be made again the same.
#[test]
fn an_exported_invoice_keeps_its_text_when_what_it_bills_is_renumbered() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    assert_eq!(anna.ok(&["ticket", "work", "T-2026-0015", "--hours", "1"]), "WR-2026-0009\n");
    assert_eq!(marco.ok(&["ticket", "work", "T-2026-0018", "--hours", "3"]), "WR-2026-0009\n");
    let inv = marco.ok(&["ticket", "invoice", "T-2026-0018"]).trim().to_string();
    let first = marco.ok(&["doc", "export", &inv, "--dir", "../fatture"]);
    let xml = std::fs::read(first.trim()).unwrap();
    let file = format!("documents/invoice/2026/000/{inv}.yaml");
    let line = |clone: &Clone| {
        let doc: serde_yaml::Value = serde_yaml::from_str(&clone.read(&file)).unwrap();
        (doc["lines"][0]["description"].as_str().unwrap().to_string(), doc["sources"].clone())
    };
    let (text, _) = line(&marco);
    assert!(text.contains("WR-2026-0009"), "{text}");
    anna.sync();
    assert!(marco.sync().contains("WR-2026-0009 is now WR-2026-0010"));
    let (after, sources) = line(&marco);
    assert_eq!(after, text, "the exported text stays");
    assert_eq!(sources, serde_yaml::from_str::<serde_yaml::Value>("[WR-2026-0010]").unwrap(), "the link follows");
    std::fs::remove_file(first.trim()).unwrap();
    let again = marco.ok(&["doc", "export", &inv, "--dir", "../fatture"]);
    assert_eq!(std::fs::read(again.trim()).unwrap(), xml, "the same file, made again");
    marco.tkt(&["check"]).assert().success();
}

/// Two clones returning the same unit offline, each in its own series: sync merges both
/// DDTs (issued documents are never taken back for what they say), and `tkt check` names
/// the return that went beyond what the ddt-in brought (found by a fiscal attack).
#[test]
fn a_unit_returned_by_two_clones_offline_is_named_by_check() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    marco.write(".tkt/settings.toml", "series = \"MR\"\n");
    let first = anna.ok(&["ticket", "ship", "T-2026-0020", "--purpose", "return"]).trim().to_string();
    let second = marco.ok(&["ticket", "ship", "T-2026-0020", "--purpose", "return"]).trim().to_string();
    anna.sync();
    marco.sync();
    let out = marco.tkt(&["check"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{said}");
    let line = said.lines().find(|l| l.contains("goods are returned once")).unwrap_or_else(|| panic!("{said}"));
    assert!(line.contains("DI-2026-0002 brought 1"), "{line}");
    assert!(line.contains(&first) && line.contains(&second), "the one named, the other beyond it: {line}");
    // On one clone, the second return is refused before it is issued.
    anna.sync();
    anna.tkt(&["ticket", "ship", "T-2026-0020", "--purpose", "return"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("was sent back already"));
}

/// Found by a team attack: a clone reset (`git reset --hard HEAD~1`) to before the sync
/// that renumbered its records is merely behind the remote; its sync fast-forwards (it was
/// refused for a note "taken away": the old number is another's ticket now). Work it did
/// since on its records follows them to their new numbers: no note merged into another's
/// ticket, no field into another's customer, no invoice billing another's work.
#[test]
fn a_clone_reset_to_before_its_renumbering_sync_keeps_its_work_on_its_own_records() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let open = |clone: &Clone, name: &str| {
        let c = clone
            .ok(&[
                "customer",
                "create",
                "--name",
                name,
                "--street",
                "Via Po 1",
                "--zip",
                "10121",
                "--city",
                "Torino",
                "--vat-number",
                if name == "Alfa" { "02345678904" } else { "01234567897" },
            ])
            .trim()
            .to_string();
        let t = clone.ok(&["ticket", "create", "--customer", &c, "--title", name]).trim().to_string();
        (c, t)
    };
    let (ca, ta) = open(&anna, "Alfa");
    let (cm, tm) = open(&marco, "Beta");
    assert_eq!((&ca, &ta), (&cm, &tm), "one number on both");
    anna.sync();
    marco.sync();
    marco.git(&["reset", "-q", "--hard", "HEAD~1"]);
    // Behind the remote, nothing of its own: the sync takes the remote's history.
    marco.sync();
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), team.git(&team.remote(), &["rev-parse", "main"]));
    marco.git(&["reset", "-q", "--hard", "HEAD~1"]);
    marco.ok(&["ticket", "note", &tm, "nota di marco"]);
    marco.ok(&["customer", "edit", &cm, "--phone", "011 555"]);
    marco.ok(&["ticket", "work", &tm, "--hours", "1"]);
    let inv = marco.ok(&["ticket", "invoice", &tm]).trim().to_string();
    marco.sync();
    let ticket = |id: &str| -> serde_json::Value {
        serde_json::from_str(&marco.ok(&["ticket", "show", id, "--format", "json"])).unwrap()
    };
    let customer = |id: &str| -> serde_json::Value {
        serde_json::from_str(&marco.ok(&["customer", "show", id, "--format", "json"])).unwrap()
    };
    let beta_ticket = marco
        .ok(&["ticket", "list", "--format", "csv"])
        .lines()
        .find(|l| l.contains("Beta"))
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(beta_ticket, ta);
    assert!(!ticket(&ta).to_string().contains("nota di marco"), "anna's ticket has no note of marco's");
    assert!(ticket(&beta_ticket).to_string().contains("nota di marco"));
    assert_eq!(customer(&ca)["name"], "Alfa");
    assert!(customer(&ca)["phone"].is_null(), "{}", customer(&ca));
    let beta = ticket(&beta_ticket)["customer"].as_str().unwrap().to_string();
    assert_eq!((customer(&beta)["name"].as_str(), customer(&beta)["phone"].as_str()), (Some("Beta"), Some("011 555")));
    let invoice: serde_json::Value =
        serde_json::from_str(&marco.ok(&["doc", "show", &inv, "--format", "json"])).unwrap();
    assert_eq!(
        (invoice["ticket"].as_str(), invoice["customer"].as_str()),
        (Some(beta_ticket.as_str()), Some(beta.as_str()))
    );
    marco.tkt(&["check"]).assert().success();
    anna.sync();
    anna.tkt(&["check"]).assert().success();
}

/// Found by a review: a namesake customer made on another clone (the same fields as the
/// published one before its edit) was taken for it "renumbered there", and this clone's
/// ticket and edit went to the namesake. Only a renumbering a tkt merge recorded moves
/// anything.
#[test]
fn a_namesake_customer_never_takes_a_published_ones_links() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let rossi = ["customer", "create", "--name", "Mario Rossi", "--city", "Milano"];
    let c = anna.ok(&rossi).trim().to_string();
    anna.sync();
    marco.sync();
    anna.ok(&["customer", "edit", &c, "--phone", "02 1234"]);
    let namesake = anna.ok(&rossi).trim().to_string();
    anna.sync();
    let t = marco.ok(&["ticket", "create", "--customer", &c, "--title", "Caldaia"]).trim().to_string();
    marco.ok(&["customer", "edit", &c, "--email", "mario@rossi.example"]);
    let said = marco.sync();
    assert!(!said.contains(&format!("{c} is now")), "{said}");
    let show = |kind: &str, id: &str| -> serde_json::Value {
        serde_json::from_str(&marco.ok(&[kind, "show", id, "--format", "json"])).unwrap()
    };
    assert_eq!(show("ticket", &t)["customer"], c.as_str());
    assert_eq!(
        (show("customer", &c)["email"].as_str(), show("customer", &c)["phone"].as_str()),
        (Some("mario@rossi.example"), Some("02 1234"))
    );
    assert!(show("customer", &namesake)["email"].is_null());
}

/// An issued invoice changed by `git commit --amend` of the commit that issued it, before
/// it was published, is not published: this clone's log says what it issued (found by a
/// careless-office attack: the amended invoice went out as issued).
#[test]
fn an_invoice_amended_before_it_was_published_is_not_published() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    let inv = anna.ok(&["ticket", "invoice", "T-2026-0013"]).trim().to_string();
    let path = format!("documents/invoice/2026/000/{inv}.yaml");
    let text = anna.read(&path);
    let line = text.lines().find(|l| l.trim_start().starts_with("description: ")).unwrap().to_string();
    std::fs::write(anna.dir.join(&path), text.replacen(&line, &format!("{line} (corretto)"), 1)).unwrap();
    anna.git(&["commit", "-qa", "--amend", "--no-edit"]);
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{path}: issued fiscal document changed")));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
}

/// A fiscal document made by hand is held to its kind's rules before it goes out: once
/// published it is issued (found by a careless-office attack: a copy with wrong totals was
/// published, and could then be neither fixed nor credited).
#[test]
fn an_invoice_made_by_hand_with_wrong_totals_is_not_published() {
    let team = Team::new();
    let anna = team.clone("anna");
    let copy = anna.read("documents/invoice/2026/000/INV-2026-0006.yaml").replace("INV-2026-0006", "INV-2026-0007");
    let net = copy.lines().find(|l| l.starts_with("  net: ")).unwrap().to_string();
    std::fs::write(
        anna.dir.join("documents/invoice/2026/000/INV-2026-0007.yaml"),
        copy.replacen(&net, "  net: '1.00'", 1),
    )
    .unwrap();
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.tkt(&["sync"]).assert().code(4).stderr(predicate::str::contains("INV-2026-0007.yaml: totals"));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    // Found by a hostile-remote attack: committed with git, it went out; and one dated in
    // 2027 by a slip, which then stopped every invoice of 2026 and could not be credited.
    anna.git(&["add", "-A"]);
    anna.git(&["commit", "-qm", "fattura"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("INV-2026-0007.yaml: made by hand, and totals"));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    anna.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let date = copy.lines().find(|l| l.starts_with("date: ")).unwrap().to_string();
    anna.write("documents/invoice/2026/000/INV-2026-0007.yaml", &copy.replacen(&date, "date: 2027-01-05", 1));
    anna.tkt(&["sync"]).assert().code(4).stderr(predicate::str::contains("2027-01-05 is after today"));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
}

/// A fiscal document that comes in is held to its kind's rules as one going out is: a
/// plain-git clone's invoice whose total is not its lines' is not taken in, so it is never
/// issued (found by a hostile-remote attack: it came in, and then could be neither fixed,
/// removed nor credited by any clone); whoever pushed it takes its commit back.
#[test]
fn an_incoming_invoice_against_its_kinds_rules_is_not_taken_in() {
    let team = Team::new();
    let anna = team.clone("anna");
    let rogue = team.clone("marco");
    let copy = rogue.read("documents/invoice/2026/000/INV-2026-0006.yaml").replace("INV-2026-0006", "INV-2026-0007");
    let net = copy.lines().find(|l| l.starts_with("  net: ")).unwrap().to_string();
    rogue.write("documents/invoice/2026/000/INV-2026-0007.yaml", &copy.replacen(&net, "  net: '1.00'", 1));
    rogue.git(&["add", "-A"]);
    rogue.git(&["commit", "-qm", "fattura"]);
    rogue.git(&["push", "-q", "origin", "main"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("brings fiscal documents no clone takes"))
        .stderr(predicate::str::contains("INV-2026-0007.yaml: made by hand, and totals"))
        .stderr(predicate::str::contains("takes their commit back from the remote"));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head, "nothing merged");
    assert!(!anna.dir.join("documents/invoice/2026/000/INV-2026-0007.yaml").exists());
    // Put right by a later commit, it is still the first version that was issued.
    rogue.write("documents/invoice/2026/000/INV-2026-0007.yaml", &copy);
    rogue.git(&["commit", "-qam", "fattura corretta"]);
    rogue.git(&["push", "-q", "origin", "main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("issued fiscal document changed (totals)"));
    // Its commit taken back from the remote, as the message says, the right one comes in.
    rogue.git(&["reset", "-q", "--hard", "HEAD~2"]);
    rogue.write("documents/invoice/2026/000/INV-2026-0007.yaml", &copy);
    rogue.git(&["add", "-A"]);
    rogue.git(&["commit", "-qm", "fattura"]);
    rogue.git(&["push", "-q", "--force", "origin", "main"]);
    anna.sync();
    assert_eq!(anna.read("documents/invoice/2026/000/INV-2026-0007.yaml"), copy);
    // Nor one of another seller, its rules kept (found by a hostile-remote attack: it took a
    // number of the register and the customer's work, and could never be credited here).
    let other = copy.replace("INV-2026-0007", "INV-2026-0008").replacen("'03912760984'", "'01234567897'", 1);
    rogue.write("documents/invoice/2026/000/INV-2026-0008.yaml", &other);
    rogue.git(&["add", "-A"]);
    rogue.git(&["commit", "-qm", "fattura"]);
    rogue.git(&["push", "-q", "origin", "main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(
        "INV-2026-0008.yaml: made by hand, and seller.vat_number: 01234567897 is not the Partita IVA of [company]",
    ));
    // Nor one dated before the number below it (found by a team attack: `check` named it,
    // and every clone took it in all the same).
    rogue.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let date = copy.lines().find(|l| l.starts_with("date: ")).unwrap().to_string();
    let early = copy.replace("INV-2026-0007", "INV-2026-0008").replacen(&date, "date: 2026-01-02", 1);
    rogue.write("documents/invoice/2026/000/INV-2026-0008.yaml", &early);
    rogue.git(&["add", "-A"]);
    rogue.git(&["commit", "-qm", "fattura"]);
    rogue.git(&["push", "-q", "--force", "origin", "main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(
        "INV-2026-0008.yaml: made by hand, and date: 2026-01-02 is before INV-2026-0007",
    ));
}

/// A ticket saved as `.yml` by a Windows editor is no record: sync names it and publishes
/// nothing, not the ticket's deletion (found by a careless-office attack: the ticket was
/// deleted for the whole team and the `.yml` never mentioned).
#[test]
fn a_record_renamed_out_of_the_layout_is_named_not_published_as_a_deletion() {
    let team = Team::new();
    let anna = team.clone("anna");
    let path = anna.dir.join("tickets/2026/000/T-2026-0012.yaml");
    std::fs::rename(&path, path.with_extension("yml")).unwrap();
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.tkt(&["sync"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("tickets/2026/000/T-2026-0012.yml: no record's name"));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    std::fs::rename(path.with_extension("yml"), &path).unwrap();
    anna.sync();
    anna.ok(&["ticket", "show", "T-2026-0012"]);
}

/// Found by a team attack: an empty note list written `notes:` by hand (it reads as null)
/// and the ticket edited on another clone merged into `notes: null`, which no clone reads,
/// and was pushed. An empty list merges as the empty list.
#[test]
fn an_empty_list_left_blank_by_hand_merges_into_a_record_that_reads() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let path = "tickets/2026/000/T-2026-0017.yaml";
    std::fs::write(anna.dir.join(path), anna.read(path).replace("notes: []\n", "notes:\n")).unwrap();
    anna.ok(&["ticket", "show", "T-2026-0017"]);
    anna.sync();
    marco.ok(&["ticket", "edit", "T-2026-0017", "--priority", "high"]);
    marco.sync();
    marco.ok(&["ticket", "show", "T-2026-0017"]);
    anna.sync();
    anna.ok(&["ticket", "show", "T-2026-0017"]);
    anna.tkt(&["check"]).assert().success();
}

/// Found by a team attack: a remote made anew (`git init`, push --force) with a ticket's
/// note left out took the note away from every clone. A history that shares no commit is
/// held to what the remote published before.
#[test]
fn a_remote_made_anew_without_a_note_is_refused() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let path = "tickets/2026/000/T-2026-0010.yaml";
    let note = "notes:\n- at: 2026-10-06T14:00:00+01:00\n  by: marco\n  text: Sonda NTC sanitaria fuori tolleranza.\n";
    let text = anna.read(path);
    assert!(text.contains(note));
    std::fs::write(anna.dir.join(path), text.replace(note, "notes: []\n")).unwrap();
    std::fs::remove_dir_all(anna.dir.join(".git")).unwrap();
    anna.git(&["init", "-q", "-b", "main"]);
    anna.git(&["add", "-A"]);
    anna.git(&["commit", "-qm", "squashed"]);
    anna.git(&["push", "-q", "-f", team.remote().to_str().unwrap(), "main"]);
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("T-2026-0010.yaml: takes away a note"));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head);
    assert!(marco.read(path).contains("Sonda NTC"));
}

/// Found by a team review: a clone restored from a backup taken before a sync that
/// renumbered its work merged that work again as new — its payment made twice, one on the
/// office's ticket, and its note added to another customer's ticket.
#[test]
fn a_clone_behind_its_own_renumbered_work_takes_it_as_published_not_again() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    marco.write(".tkt/settings.toml", "series = \"MR\"\n");
    anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "In ufficio"]);
    anna.sync();
    let t = marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di marco"]);
    marco.ok(&["ticket", "work", t.trim(), "--hours", "2"]);
    let inv = marco.ok(&["ticket", "invoice", t.trim()]);
    marco.ok(&["doc", "pay", inv.trim(), "--amount", "50"]);
    marco.ok(&["ticket", "note", t.trim(), "valvola sostituita"]);
    let backup = team.tmp.path().join("marco.bak");
    let restore = |backup: &Path| {
        let copy = team.tmp.path().join("marco.copy");
        let _ = std::fs::remove_dir_all(&copy);
        assert!(StdCommand::new("cp").arg("-a").arg(backup).arg(&copy).status().unwrap().success());
        std::fs::remove_dir_all(&marco.dir).unwrap();
        std::fs::rename(&copy, &marco.dir).unwrap();
    };
    assert!(StdCommand::new("cp").arg("-a").arg(&marco.dir).arg(&backup).status().unwrap().success());
    assert!(marco.sync().contains("T-2026-0021 is now T-2026-0022"));
    let published = team.git(&team.remote(), &["rev-parse", "main"]);
    let desk = snapshot(&marco.dir);

    // Restored, with nothing of its own since: it takes the remote's history.
    restore(&backup);
    marco.sync();
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), published, "nothing published again");
    assert_eq!(snapshot(&marco.dir), desk);
    let office: serde_yaml::Value = serde_yaml::from_str(&marco.read("tickets/2026/000/T-2026-0021.yaml")).unwrap();
    assert_eq!((office["title"].as_str(), office["notes"].as_sequence().map(Vec::len)), (Some("In ufficio"), Some(0)));
    marco.tkt(&["check"]).assert().success();

    // Restored, and work done since: a person decides, nothing is merged.
    restore(&backup);
    marco.ok(&["ticket", "create", "--customer", "C-0003", "--title", "Dopo il ripristino"]);
    for args in [&["sync"][..], &["sync", "--resolve"]] {
        marco.tkt(args).assert().code(5).stderr(predicate::str::contains("has work of its own after them"));
    }
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), published, "nothing published");
}

/// Found by a review of the fix above: one user's notes on two clones in one second share
/// author, time and message, and one was taken for a copy of the other, and lost.
#[test]
fn work_of_one_user_on_two_clones_in_one_second_is_two_works() {
    let team = Team::new();
    let anna = team.clone("anna");
    team.git(team.tmp.path(), &["clone", "-q", "remote.git", "anna2"]);
    let laptop = Clone { team: &team, dir: team.tmp.path().join("anna2"), user: "anna" };
    laptop.sync();
    anna.ok(&["ticket", "note", "T-2026-0016", "dal telefono"]);
    laptop.ok(&["ticket", "note", "T-2026-0016", "dal portatile"]);
    anna.sync();
    laptop.sync();
    anna.sync();
    for clone in [&anna, &laptop] {
        let text = clone.read("tickets/2026/000/T-2026-0016.yaml");
        assert!(text.contains("dal telefono") && text.contains("dal portatile"), "{text}");
    }
    // Nor two credit notes of one number, made in one second with other reasons: a
    // collision, as ever (found by a review: the laptop's was lost).
    laptop.sync();
    anna.ok(&["doc", "credit", "INV-2026-0003", "--amount", "10", "--reason", "Sconto concordato in ufficio"]);
    laptop.ok(&["doc", "credit", "INV-2026-0003", "--amount", "10", "--reason", "Reso ricambio dal cliente"]);
    anna.sync();
    laptop.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("issued both here and on the remote"));
    laptop.resolve();
    anna.sync();
    let notes = anna.ok(&["doc", "list", "--kind", "credit-note", "--format", "json"]);
    assert!(notes.contains("Sconto concordato in ufficio") && notes.contains("Reso ricambio dal cliente"), "{notes}");
}

/// Found by a review: a state made closed on one clone while a ticket entered it on another
/// left the ticket in a closed state with no `closed_at`, published.
#[test]
fn a_ticket_entering_a_state_closed_meanwhile_is_closed_by_the_merge() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    anna.ok(&["state", "edit", "risolto", "--closed", "true"]);
    anna.sync();
    marco.ok(&["ticket", "transition", "T-2026-0015", "risolto"]);
    marco.sync();
    anna.sync();
    for clone in [&anna, &marco] {
        let t: serde_yaml::Value = serde_yaml::from_str(&clone.read("tickets/2026/000/T-2026-0015.yaml")).unwrap();
        assert!(!t["closed_at"].is_null(), "{t:?}");
        clone.tkt(&["check"]).assert().success();
    }
    assert_eq!(snapshot(&anna.dir), snapshot(&marco.dir));
    // Merged by a plain `git pull`, the next sync settles it before it goes out (a review:
    // it went out in a closed state with no closed_at); a hand edit of it is kept.
    anna.ok(&["state", "edit", "attesa-ricambi", "--closed", "true"]);
    anna.sync();
    marco.ok(&["ticket", "transition", "T-2026-0016", "attesa-ricambi"]);
    marco.git(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"]);
    let file = "tickets/2026/000/T-2026-0016.yaml";
    marco.write(file, &marco.read(file).replace("title: ", "title: Urgente - "));
    marco.sync();
    anna.sync();
    for clone in [&anna, &marco] {
        let t: serde_yaml::Value = serde_yaml::from_str(&clone.read(file)).unwrap();
        assert!(!t["closed_at"].is_null() && t["title"].as_str().unwrap().starts_with("Urgente - "), "{t:?}");
        clone.tkt(&["check"]).assert().success();
    }
}

#[test]
fn a_renumbering_never_gives_a_number_used_and_deleted() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Di anna"]), "T-2026-0021\n");
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0003", "--title", "Sbagliato"]), "T-2026-0022\n");
    anna.git(&["rm", "-q", "tickets/2026/000/T-2026-0022.yaml"]);
    anna.git(&["commit", "-qm", "per errore"]);
    anna.sync();
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di marco"]), "T-2026-0021\n");
    let summary = marco.sync();
    assert!(summary.contains("T-2026-0021 is now T-2026-0023"), "{summary}");
    assert!(!marco.dir.join("tickets/2026/000/T-2026-0022.yaml").exists());
    marco.tkt(&["check"]).assert().success();
}

#[test]
fn check_after_a_plain_git_pull_stopped_on_a_conflict_names_no_record_its_own_case_twin() {
    // Found by a team review: the conflicted record is in git's index once per side, and
    // check said it was "one file with" itself "on Windows and macOS".
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Di anna"]);
    anna.sync();
    // marco never synced: no merge driver, so git's line merge stops on the new record.
    marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di marco"]);
    let out = git_cmd(team.tmp.path(), &marco.dir)
        .args(["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the pull stops on the conflict");
    assert!(marco.git(&["status", "--porcelain"]).contains("AA tickets/2026/000/T-2026-0021.yaml"));
    let out = marco.tkt(&["check"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("T-2026-0021"), "the conflicted record is named:\n{stdout}");
    assert!(!stdout.contains("differ only in case"), "{stdout}");
}

#[test]
fn a_record_deleted_on_one_side_and_edited_on_the_other_is_kept() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    // A ticket or a request is never deleted (what happened goes with it); an item may be.
    std::fs::remove_file(anna.dir.join("items/VASO-8L.yaml")).unwrap();
    let summary = anna.sync();
    assert!(summary.contains("1 hand edit(s) committed"), "{summary}");
    marco.ok(&["item", "edit", "VASO-8L", "--price", "99.00"]);
    let summary = marco.sync();
    assert!(summary.contains("items/VASO-8L.yaml deleted on one side and changed on the other: kept"), "{summary}");
    anna.sync();
    assert!(anna.read("items/VASO-8L.yaml").contains("99.00"));
}

/// Found by an office attack: an editor opened on a ticket before a colleague's note came
/// in saved its older copy over it, and `tkt sync` committed the loss and published it to
/// every clone, with exit 0. A hand edit may correct a note's text, never take one away,
/// as `tkt ticket edit` holds it.
#[test]
fn a_hand_edit_that_takes_away_a_colleagues_note_is_never_published() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let file = "tickets/2026/000/T-2026-0012.yaml";
    let stale = anna.read(file);
    marco.ok(&["ticket", "note", "T-2026-0012", "il cliente richiama alle 15"]);
    marco.sync();
    anna.sync();
    assert!(anna.read(file).contains("il cliente richiama alle 15"));
    anna.write(file, &stale.replace("priority: high", "priority: urgent"));
    let (head, remote) = (anna.git(&["rev-parse", "HEAD"]), team.git(&team.remote(), &["rev-parse", "main"]));
    let said = String::from_utf8(anna.tkt(&["sync"]).assert().code(5).get_output().stderr.clone()).unwrap();
    assert!(said.contains(&format!("{file}: the hand edit takes away a note")), "{said}");
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head, "nothing committed");
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    // Nor once committed, by git or by a tkt command built on the stale file (found by a
    // review of this fix); nor taken in when pushed by plain git.
    for commit in [&["git"][..], &["tkt"][..]] {
        if commit == ["git"] {
            anna.git(&["commit", "-qam", "stale"]);
        } else {
            anna.ok(&["ticket", "note", "T-2026-0012", "nota mia"]);
        }
        let said = String::from_utf8(anna.tkt(&["sync"]).assert().code(5).get_output().stderr.clone()).unwrap();
        assert!(said.contains(&format!("{file}: takes away a note, which records what happened")), "{said}");
        assert!(said.contains("put it back") && !said.contains("git rm"), "{said}");
        assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    }
    anna.git(&["push", "-q", "origin", "main"]);
    let before = marco.state();
    let said = String::from_utf8(marco.tkt(&["sync"]).assert().code(5).get_output().stderr.clone()).unwrap();
    assert!(said.contains(&format!("{file}: takes away a note")), "{said}");
    assert_eq!(marco.state(), before);
    anna.git(&["reset", "-q", "--hard", head.trim()]);
    anna.git(&["push", "-q", "-f", "origin", "main"]);
    // A note's text corrected, and the priority, go out.
    anna.git(&["checkout", "--", file]);
    let fixed = anna.read(file).replace("il cliente richiama alle 15", "il cliente richiama alle 16");
    anna.write(file, &fixed.replace("priority: high", "priority: urgent"));
    anna.sync();
    marco.sync();
    let theirs = marco.read(file);
    assert!(theirs.contains("il cliente richiama alle 16") && theirs.contains("priority: urgent"), "{theirs}");
}

/// Found by an office attack: `tkt sync` on a branch checked out to try something pushed
/// that branch beside the shared one, invoice included; the other clones issued its
/// number again on `main`, and `--resolve` then took back an invoice tkt had published.
#[test]
fn a_branch_beside_the_shared_one_is_never_published() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.git(&["checkout", "-q", "-b", "prova"]);
    anna.ok(&["ticket", "invoice", "T-2026-0010"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains("you are on branch prova, which origin does not have (origin has main)")
            .and(predicate::str::contains("git checkout main && git merge prova")),
    );
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(team.git(&team.remote(), &["branch", "--format=%(refname:short)"]), "main\n");
    // Back on the shared branch, it goes out.
    anna.git(&["checkout", "-q", "main"]);
    anna.git(&["merge", "-q", "--ff-only", "prova"]);
    anna.sync();
    assert!(team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main"]).contains("INV-2026-0007.yaml"));
    // With online numbering, nothing is issued there: refused before, with what to do
    // (found by a review: it was numbered, committed and taken back, with the hint of a
    // remote that cannot be reached).
    anna.numbering_online();
    anna.sync();
    anna.git(&["checkout", "-q", "-b", "prova2"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["ticket", "receive", "T-2026-0015"]).assert().code(5).stderr(
        predicate::str::contains("you are on branch prova2")
            .and(predicate::str::contains("git checkout main && git merge prova2"))
            .and(predicate::str::contains("can be reached").not()),
    );
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    // Nor when the remote lost the branch this clone knew: the numbers issued there since
    // cannot be known (found by a hostile-remote attack: one was issued again).
    anna.git(&["checkout", "-q", "main"]);
    team.git(&team.remote(), &["update-ref", "-d", "refs/heads/main"]);
    anna.tkt(&["ticket", "receive", "T-2026-0015"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("origin no longer has the branch main"));
    assert!(!anna.dir.join("documents/ddt-in/2026/000/DI-2026-0003.yaml").exists());
    // A sync puts it back from this clone, which has all of it.
    anna.sync();
    assert_eq!(anna.ok(&["ticket", "receive", "T-2026-0015"]), "DI-2026-0003\n");
    anna.sync();

    // A remote that renamed its branch, changing an issued invoice there: the hint has
    // tkt's merge, which checks it, bring it in — not plain git (found by a hostile-remote
    // attack: `git checkout master && git merge main` took the change unchecked).
    let x = team.clone("x");
    let invoice = "documents/invoice/2026/000/INV-2026-0001.yaml";
    x.write(invoice, &x.read(invoice).replacen("description: ", "description: FALSO ", 1));
    x.git(&["commit", "-qam", "ritocco"]);
    x.git(&["push", "-q", "origin", "main:master"]);
    team.git(&team.remote(), &["symbolic-ref", "HEAD", "refs/heads/master"]);
    team.git(&team.remote(), &["update-ref", "-d", "refs/heads/main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("git branch -m main master, then tkt sync"));
    anna.git(&["branch", "-m", "main", "master"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{invoice}: issued fiscal document changed")));
    assert!(!anna.read(invoice).contains("FALSO"));
}

/// Found by a review of the guard above: one reply imported on two clones is one note
/// after the merge (the earlier); the other clone's copy is no note taken away, and its
/// sync goes on.
#[test]
fn one_reply_imported_on_two_clones_is_no_note_taken_away() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let reply = "From: amministrazione@lequerce.example\nSubject: Re: [T-2026-0016] termosifoni\n\
                 Message-ID: <one-reply@l.example>\n\nGrazie, a domani.\n";
    let file = team.tmp.path().join("reply.eml");
    std::fs::write(&file, reply).unwrap();
    let mail = file.to_str().unwrap();
    anna.at("2026-11-27T09:00:00+01:00", &["import", "email", mail]);
    marco.at("2026-11-27T10:00:00+01:00", &["import", "email", mail]);
    marco.sync();
    anna.sync();
    marco.sync();
    let notes = |c: &Clone| c.read("tickets/2026/000/T-2026-0016.yaml").matches("a domani").count();
    assert_eq!((notes(&anna), notes(&marco)), (1, 1));
}

/// One e-mail imported on two clones that had numbered other requests meanwhile is one
/// request after the sync, whatever number each gave it: this clone's is folded into the
/// remote's, with the note added here since, and its stored message is the remote's (found
/// by a real-mail attack: two requests for one message, each to be promoted).
#[test]
fn one_email_imported_on_two_clones_under_different_numbers_is_one_request() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let mail = "From: Mario Rossi <mario.rossi@mail.example>\nSubject: Caldaia in blocco\n\
                Message-ID: <m1@mail.example>\n\nLa caldaia e in blocco.\n";
    let file = team.tmp.path().join("m1.eml");
    std::fs::write(&file, mail).unwrap();
    let file = file.to_str().unwrap();
    assert_eq!(anna.at("2026-11-27T09:00:00+01:00", &["import", "email", file]), "R-2026-0004\n");
    let phone = ["request", "create", "--channel", "phone", "--customer", "C-0001", "--subject", "Controllo"];
    assert_eq!(marco.at("2026-11-27T09:30:00+01:00", &phone), "R-2026-0004\n");
    assert_eq!(marco.at("2026-11-27T10:00:00+01:00", &["import", "email", file]), "R-2026-0005\n");
    marco.at("2026-11-27T10:10:00+01:00", &["request", "note", "R-2026-0005", "richiamato il cliente"]);
    anna.sync();
    let said = marco.sync();
    assert!(said.contains("R-2026-0005 is now R-2026-0004"), "{said}");
    anna.sync();
    for clone in [&anna, &marco] {
        let list = clone.ok(&["request", "list", "--format", "json"]);
        let requests: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
        let of_mail: Vec<&str> = requests
            .iter()
            .filter(|r| r["subject"] == "Caldaia in blocco")
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(of_mail, ["R-2026-0004"], "{list}");
        assert!(requests.iter().any(|r| r["subject"] == "Controllo"), "the phone request is kept: {list}");
        assert!(clone.read("requests/2026/R-2026-0004.yaml").contains("richiamato il cliente"));
        assert!(!clone.dir.join("attachments/R-2026-0005").exists(), "{}", clone.user);
    }
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), marco.git(&["rev-parse", "HEAD"]));

    // Two e-mails imported in opposite orders: each clone's numbers are the other's.
    let mut files = Vec::new();
    for n in [2, 3] {
        let file = team.tmp.path().join(format!("m{n}.eml"));
        std::fs::write(&file, mail.replace("m1@", &format!("m{n}@")).replace("in blocco", &format!("n. {n}"))).unwrap();
        files.push(file.to_str().unwrap().to_string());
    }
    anna.at("2026-11-27T11:00:00+01:00", &["import", "email", &files[0]]);
    anna.at("2026-11-27T11:01:00+01:00", &["import", "email", &files[1]]);
    marco.at("2026-11-27T11:02:00+01:00", &["import", "email", &files[1]]);
    marco.at("2026-11-27T11:03:00+01:00", &["import", "email", &files[0]]);
    anna.sync();
    marco.sync();
    anna.sync();
    for clone in [&anna, &marco] {
        let list = clone.ok(&["request", "list", "--format", "json"]);
        let requests: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
        for subject in ["Caldaia n. 2", "Caldaia n. 3"] {
            assert_eq!(requests.iter().filter(|r| r["subject"] == subject).count(), 1, "{subject}: {list}");
        }
    }
}

/// A note on the remote under this clone's reply's Message-ID and sender but with other
/// text is another note: both are kept (found by a hostile-remote attack: the forged text
/// replaced the customer's reply, with no conflict).
#[test]
fn a_note_under_a_replys_message_id_with_other_text_takes_nothing_away() {
    let team = Team::new();
    let (anna, rogue) = (team.clone("anna"), team.clone("marco"));
    let reply = "From: amministrazione@lequerce.example\nSubject: Re: [T-2026-0016] termosifoni\n\
                 Message-ID: <r1@l.example>\n\nErrore E05, pressione bassa.\n";
    let file = team.tmp.path().join("reply.eml");
    std::fs::write(&file, reply).unwrap();
    anna.ok(&["import", "email", file.to_str().unwrap()]);
    let path = "tickets/2026/000/T-2026-0016.yaml";
    let forged = "notes:\n- at: 2026-11-26T08:00:00+01:00\n  by: amministrazione@lequerce.example\n  \
                  text: Tutto risolto\n  source: email\n  message_id: r1@l.example\n";
    rogue.write(path, &rogue.read(path).replacen("notes:\n", forged, 1));
    rogue.git(&["commit", "-qam", "nota"]);
    rogue.git(&["push", "-q", "origin", "main"]);
    anna.sync();
    let ticket = anna.read(path);
    assert!(ticket.contains("Errore E05") && ticket.contains("Tutto risolto"), "{ticket}");
}

/// Found by a fiscal attack: a pull undone by `git reset` took the office's last invoice
/// out of this clone's history; its number was never given again (the reflog has it), but
/// the next invoice could be dated before it. Its date binds as well.
#[test]
fn an_invoice_a_reset_took_out_of_history_still_binds_the_date_order() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let ticket = marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "x"]).trim().to_string();
    marco.ok(&["ticket", "work", &ticket, "--hours", "1", "--date", "2026-11-20"]);
    anna.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    assert_eq!(anna.at("2026-11-28T09:00:00+01:00", &["ticket", "invoice", "T-2026-0013"]), "INV-2026-0007\n");
    anna.sync();
    marco.sync();
    marco.git(&["reset", "-q", "--hard", "HEAD@{1}"]);
    assert!(!marco.dir.join("documents/invoice/2026/000/INV-2026-0007.yaml").exists());
    let out = marco
        .tkt(&["ticket", "invoice", &ticket, "--date", "2026-11-21"])
        .env("TKT_NOW", "2026-11-28T10:00:00+01:00")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{said}");
    assert!(said.contains("before INV-2026-0007 of 2026-11-28"), "{said}");
}

/// Found by a fiscal review: a pull undone by `git reset` took the office's credit note
/// out of this clone's history, and the same invoice could be credited again in full —
/// credited twice once both were synced. A credit note the reflog still holds counts.
#[test]
fn a_credit_note_a_reset_took_out_of_history_still_counts() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    assert_eq!(anna.ok(&["doc", "credit", "INV-2026-0002", "--reason", "annullata"]), "CN-2026-0002\n");
    anna.sync();
    marco.sync();
    marco.git(&["reset", "-q", "--hard", "HEAD@{1}"]);
    assert!(!marco.dir.join("documents/credit-note/2026/000/CN-2026-0002.yaml").exists());
    let head = marco.git(&["rev-parse", "HEAD"]);
    let out = marco.tkt(&["doc", "credit", "INV-2026-0002", "--reason", "errore"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{said}");
    assert!(said.contains("CN-2026-0002 credited INV-2026-0002"), "{said}");
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "nothing issued");
}

#[test]
fn hand_edits_are_committed_when_valid_and_refused_when_not() {
    let team = Team::new();
    let anna = team.clone("anna");
    let path = anna.dir.join("tickets/2026/000/T-2026-0018.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("priority: normal", "priority: high")).unwrap();
    std::fs::write(anna.dir.join("rapportino.html"), "<p>printed</p>").unwrap();
    // A record written by hand in a folder git does not know yet is found inside it, even
    // when git is told not to show untracked files.
    anna.git(&["config", "status.showUntrackedFiles", "no"]);
    std::fs::create_dir_all(anna.dir.join("tickets/2027/000")).unwrap();
    std::fs::write(anna.dir.join("tickets/2027/000/T-2027-0001.yaml"), text.replace("T-2026-0018", "T-2027-0001"))
        .unwrap();
    anna.sync();
    let message = anna.git(&["log", "-1", "--format=%B"]);
    assert!(message.contains("tickets/2026/000/T-2026-0018.yaml"), "{message}");
    assert!(message.contains("tickets/2027/000/T-2027-0001.yaml"), "{message}");
    assert_eq!(anna.git(&["status", "--porcelain", "--untracked-files=all"]), "?? rapportino.html\n");
    assert!(!message.contains("rapportino.html"), "other files are the user's business");
    std::fs::write(&path, "id: T-2026-0018\ntitle: [broken\n").unwrap();
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"]).assert().code(4).stderr(
        predicate::str::contains("tickets/2026/000/T-2026-0018.yaml:")
            .and(predicate::str::contains("not valid records")),
    );
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);

    // Found by a careless-office review: a record taken out of git's index with its file
    // kept (`git rm --cached`) was counted twice as a hand edit, and named in the commit.
    std::fs::write(&path, text.replace("priority: normal", "priority: low")).unwrap();
    anna.git(&["rm", "-q", "--cached", "tickets/2026/000/T-2026-0017.yaml"]);
    let said = anna.sync();
    assert!(said.contains("1 hand edit(s) committed"), "{said}");
    let message = anna.git(&["log", "-1", "--format=%B"]);
    assert!(message.contains("T-2026-0018") && !message.contains("T-2026-0017"), "{message}");
    assert_eq!(anna.git(&["status", "--porcelain"]), "", "git's index in step again");
}

#[test]
fn a_file_made_a_folder_or_a_folder_made_a_file_by_hand_is_committed_by_one_sync() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let web = anna.dir.join("web");
    std::fs::create_dir_all(web.join("help/pages")).unwrap();
    std::fs::write(web.join("help/pages/a.html"), "a").unwrap();
    std::fs::write(web.join("help/index"), "index").unwrap();
    anna.sync();
    // Marco has them as they were (found by a review: a clone that had the folder then
    // failed every sync with exit 1, writing the file before removing the folder's file).
    marco.sync();
    assert_eq!(std::fs::read_to_string(marco.dir.join("web/help/pages/a.html")).unwrap(), "a");
    // The folder `pages` becomes a file, the file `index` a folder.
    std::fs::remove_dir_all(web.join("help/pages")).unwrap();
    std::fs::write(web.join("help/pages"), "now a file").unwrap();
    std::fs::remove_file(web.join("help/index")).unwrap();
    std::fs::create_dir_all(web.join("help/index")).unwrap();
    std::fs::write(web.join("help/index/b.html"), "b").unwrap();
    anna.sync();
    assert_eq!(anna.git(&["status", "--porcelain", "--untracked-files=all"]), "");
    marco.sync();
    assert_eq!(std::fs::read_to_string(marco.dir.join("web/help/pages")).unwrap(), "now a file");
    assert_eq!(std::fs::read_to_string(marco.dir.join("web/help/index/b.html")).unwrap(), "b");
    assert_eq!(marco.git(&["status", "--porcelain", "--untracked-files=all"]), "");
    let fsck = std::process::Command::new("git").args(["fsck", "--strict"]).current_dir(&marco.dir).output().unwrap();
    assert!(fsck.status.success(), "{}", String::from_utf8_lossy(&fsck.stderr));
}

/// A file on one side and a folder of the same name on the other is for a person (exit 5,
/// the whole path named); found by a hostile-remote review: exit 1 naming `guide` alone.
#[test]
fn a_file_here_and_a_folder_there_of_one_name_stops_sync_for_a_person() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.write("web/guide", "page");
    anna.sync();
    std::fs::create_dir_all(marco.dir.join("web/guide")).unwrap();
    marco.write("web/guide/index.html", "a");
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("web/guide is a file on one side"));
    assert_eq!(marco.read("web/guide/index.html"), "a", "nothing lost");
}

#[test]
fn a_record_that_does_not_parse_on_one_side_stops_the_merge_and_loses_nothing() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    // Someone broke a record with plain git and pushed it.
    std::fs::write(anna.dir.join("tickets/2026/000/T-2026-0020.yaml"), "id: T-2026-0020\ntitle: [broken\n").unwrap();
    anna.git(&["commit", "-qam", "broken by hand"]);
    anna.git(&["push", "-q", "origin", "main"]);
    marco.ok(&["ticket", "note", "T-2026-0020", "nota da salvare"]);
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains("tickets/2026/000/T-2026-0020.yaml:2")
            .and(predicate::str::contains("nothing was merged")),
    );
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head);
    assert!(marco.read("tickets/2026/000/T-2026-0020.yaml").contains("nota da salvare"));
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
}

#[test]
fn plain_git_pull_merges_records_with_the_merge_driver() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync(); // installs the merge driver in marco's clone
    anna.at("2026-11-27T11:00:00+01:00", &["ticket", "note", "T-2026-0020", "nota di anna"]);
    anna.ok(&["ticket", "edit", "T-2026-0020", "--priority", "urgent"]);
    anna.sync();
    marco.at("2026-11-27T11:30:00+01:00", &["ticket", "note", "T-2026-0020", "nota di marco"]);
    marco.ok(&["ticket", "assign", "T-2026-0020", "marco"]);
    marco.git(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"]);
    let text = marco.read("tickets/2026/000/T-2026-0020.yaml");
    assert!(!text.contains("<<<<<<<"), "{text}");
    let t: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(t["priority"], "urgent");
    assert_eq!(t["assignee"], "marco");
    assert_eq!(t["notes"].as_sequence().unwrap().len(), 2);
}

#[test]
fn a_push_rejected_because_someone_pushed_meanwhile_is_merged_and_retried() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.ok(&["ticket", "note", "T-2026-0019", "di marco, in corsa"]);
    marco.ok(&["sync"]);
    anna.ok(&["ticket", "note", "T-2026-0019", "di anna"]);
    // A `git` that lets marco push once more right before anna's first push.
    let real_git =
        String::from_utf8(StdCommand::new("sh").args(["-c", "command -v git"]).output().unwrap().stdout).unwrap();
    let bin = team.tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    marco.ok(&["ticket", "note", "T-2026-0019", "di marco, durante la sync di anna"]);
    let wrapper = format!(
        "#!/bin/sh\nif [ \"$1\" = push ] && [ ! -f '{mark}' ]; then touch '{mark}'; (cd '{marco}' && '{git}' push -q origin HEAD:refs/heads/main); fi\nexec '{git}' \"$@\"\n",
        mark = team.tmp.path().join("raced").display(),
        marco = marco.dir.display(),
        git = real_git.trim()
    );
    std::fs::write(bin.join("git"), wrapper).unwrap();
    StdCommand::new("chmod").args(["+x", bin.join("git").to_str().unwrap()]).status().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    anna.tkt(&["sync"]).env("PATH", path).assert().success();
    assert!(team.tmp.path().join("raced").exists(), "the race happened");
    let remote_log = team.git(&team.remote(), &["log", "--format=%s", "main"]);
    assert!(remote_log.lines().filter(|l| *l == "T-2026-0019: note").count() >= 3, "{remote_log}");
    marco.sync();
    let t: serde_yaml::Value = serde_yaml::from_str(&marco.read("tickets/2026/000/T-2026-0019.yaml")).unwrap();
    assert_eq!(t["notes"].as_sequence().unwrap().len(), 3, "no note lost in the race");
}

#[test]
fn the_same_fiscal_number_issued_offline_on_two_clones_stops_sync_for_a_person() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(anna.ok(&["ticket", "receive", "T-2026-0013"]), "DI-2026-0003\n");
    assert_eq!(marco.ok(&["ticket", "receive", "T-2026-0016", "--line", "CALD-35K:1"]), "DI-2026-0003\n");
    anna.sync();
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("issued both here and on the remote").and(predicate::str::contains("series")));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "both sides intact");
    assert!(marco.read("documents/ddt-in/2026/000/DI-2026-0003.yaml").contains("T-2026-0016"));
    // With a series per clone, offline numbers never meet.
    std::fs::write(marco.dir.join(".tkt/settings.toml"), "series = \"MR\"\n").unwrap();
    assert_eq!(marco.ok(&["ticket", "receive", "T-2026-0016", "--line", "CALD-35K:1"]), "DI-2026-0001-MR\n");
}

#[test]
fn online_fiscal_numbering_keeps_thirty_invoices_of_three_clones_unique_and_gapless() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.numbering_online();
    let mut tickets = Vec::new();
    for i in 0..30 {
        let t = anna
            .ok(&["-q", "ticket", "create", "--customer", "C-0001", "--title", &format!("Lavoro {i}")])
            .trim()
            .to_string();
        anna.ok(&["-q", "ticket", "work", &t, "--hours", "1"]);
        tickets.push(t);
    }
    anna.sync();
    let (marco, luca) = (team.clone("marco"), team.clone("luca"));
    let clones = [&anna, &marco, &luca];
    let children: Vec<_> = clones
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let mine: Vec<String> = tickets[n * 10..n * 10 + 10].to_vec();
            let mut cmd = StdCommand::new("sh");
            let script: String = mine.iter().map(|t| format!("\"$TKT\" -q ticket invoice {t} || exit 1\n")).collect();
            cmd.env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", team.tmp.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("TKT_NOW", crate::common::NOW)
                .env("TKT_USER", c.user)
                .env("TKT_LOCK_TIMEOUT", "30")
                .env("TKT", assert_cmd::cargo::cargo_bin("tkt"))
                .current_dir(&c.dir)
                .args(["-c", &script]);
            cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let mut issued = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        issued.extend(String::from_utf8(out.stdout).unwrap().lines().map(str::to_string));
    }
    issued.sort();
    let expected: Vec<String> = (1..=30).map(|n| format!("INV-2026-{:04}", n + 6)).collect();
    assert_eq!(issued, expected, "thirty unique, gapless numbers after the example's six");
    for c in clones {
        c.sync();
    }
    anna.tkt(&["check"]).assert().success();
    assert_eq!(snapshot(&anna.dir), snapshot(&luca.dir));
}

#[test]
fn online_numbering_refuses_with_exit_5_when_the_remote_is_unreachable() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.numbering_online();
    anna.sync();
    std::fs::rename(team.remote(), team.tmp.path().join("gone.git")).unwrap();
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["ticket", "receive", "T-2026-0013"]).assert().code(5).stderr(
        predicate::str::contains("cannot fetch")
            .and(predicate::str::contains("nothing was issued"))
            .and(predicate::str::contains("series").not()),
    );
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(anna.git(&["status", "--porcelain"]), "");
}

/// A number given back because the remote refused its push was never issued: it is the
/// next one given, or the remote would hold a gap that stops every clone's sync (found by
/// a crash attack: a refused push, then CN-2026-0003 after CN-2026-0001).
#[test]
fn online_numbering_gives_again_a_number_the_remote_refused() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.numbering_online();
    anna.sync();
    let hook = team.refuse_pushes();
    anna.tkt(&["doc", "credit", "INV-2026-0003", "--reason", "reso", "--amount", "5"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("nothing was issued"));
    std::fs::remove_file(hook).unwrap();
    assert_eq!(anna.ok(&["doc", "credit", "INV-2026-0003", "--reason", "reso", "--amount", "5"]), "CN-2026-0002\n");
    let marco = team.clone("marco");
    marco.sync();
    marco.ok(&["check"]);
}

#[test]
fn random_work_on_three_clones_converges_and_loses_nothing() {
    // A small deterministic generator (xorshift), so a failure can be replayed.
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let team = Team::new();
    let clones = [team.clone("anna"), team.clone("marco"), team.clone("luca")];
    let tickets = ["T-2026-0013", "T-2026-0016", "T-2026-0018", "T-2026-0020"];
    let mut notes = Vec::new();
    let mut titles = Vec::new();
    let mut minute = 0;
    for round in 0..4 {
        for (c, clone) in clones.iter().enumerate() {
            for _ in 0..(1 + next(3)) {
                minute += 1;
                let now = format!("2026-11-27T{:02}:{:02}:00+01:00", 10 + minute / 60, minute % 60);
                let t = tickets[next(tickets.len() as u64) as usize];
                match next(4) {
                    0 => {
                        let text = format!("nota {round}-{c}-{minute}");
                        clone.at(&now, &["ticket", "note", t, &text]);
                        notes.push(text);
                    }
                    1 => {
                        clone.at(
                            &now,
                            &["ticket", "edit", t, "--priority", ["low", "high", "urgent"][next(3) as usize]],
                        );
                    }
                    2 => {
                        clone.at(&now, &["ticket", "assign", t, ["anna", "marco", "luca"][next(3) as usize]]);
                    }
                    _ => {
                        let title = format!("Nuovo {round}-{c}-{minute}");
                        let id = clone.at(&now, &["ticket", "create", "--customer", "C-0001", "--title", &title]);
                        clone.at(&now, &["ticket", "note", id.trim(), &format!("prima nota di {title}")]);
                        notes.push(format!("prima nota di {title}"));
                        titles.push(title);
                    }
                }
            }
        }
        // Sync in a different order each round.
        let first = next(3) as usize;
        for k in 0..3 {
            clones[(first + k) % 3].sync();
        }
    }
    for clone in &clones {
        clone.sync();
    }
    let reference = snapshot(&clones[0].dir);
    for clone in &clones[1..] {
        assert_eq!(snapshot(&clone.dir), reference, "{} differs", clone.user);
    }
    let all: String = reference.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    let in_notes: Vec<String> = reference
        .iter()
        .filter(|(p, _)| p.starts_with("tickets"))
        .flat_map(|(_, b)| {
            let t: serde_yaml::Value = serde_yaml::from_slice(b).unwrap();
            t["notes"]
                .as_sequence()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|n| n["text"].as_str().unwrap().to_string())
        })
        .collect();
    for n in &notes {
        assert!(in_notes.contains(n), "note {n:?} lost from the notes");
    }
    for t in &titles {
        assert!(all.contains(t.as_str()), "ticket {t:?} lost");
    }
    assert!(!all.contains("<<<<<<<"));
    let out = clones[0].tkt(&["check"]).output().unwrap();
    let problems = String::from_utf8(out.stdout).unwrap();
    assert!(problems.lines().all(|l| l.contains("sync conflict")), "only recorded conflicts remain:\n{problems}");
}

impl Team {
    /// `git` with text on its standard input.
    fn git_stdin(&self, cwd: &Path, args: &[&str], input: impl AsRef<[u8]>) -> String {
        use std::io::Write;
        let mut child = git_cmd(self.tmp.path(), cwd)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_ref()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

impl Clone<'_> {
    /// The desk's state a failed command must leave: HEAD, `git status`, every file.
    fn state(&self) -> (String, String, Vec<(PathBuf, Vec<u8>)>) {
        (self.git(&["rev-parse", "HEAD"]), self.git(&["status", "--porcelain"]), snapshot(&self.dir))
    }

    /// Pushes a commit on top of the remote's main whose tree also holds `path` (mode and
    /// content), built with git's plumbing, which, unlike `git add`, takes any name.
    fn push_crafted(&self, path: &str, mode: &str, content: &str) -> String {
        self.git(&["fetch", "-q", "origin"]);
        let parent = self.git(&["rev-parse", "origin/main"]).trim().to_string();
        let object = if mode == "160000" {
            parent.clone()
        } else {
            self.team.git_stdin(&self.dir, &["hash-object", "-w", "--stdin"], content)
        };
        let root = self.git(&["rev-parse", "origin/main^{tree}"]).trim().to_string();
        let parts: Vec<&str> = path.split('/').collect();
        let tree = self.graft(Some(&root), &parts, mode, &object);
        let commit = self.git(&["commit-tree", &tree, "-p", &parent, "-m", &format!("add {path}")]).trim().to_string();
        self.git(&["push", "-q", "origin", &format!("{commit}:refs/heads/main")]);
        commit
    }

    /// A tree like `tree` with `parts` (a path) set to the object.
    fn graft(&self, tree: Option<&str>, parts: &[&str], mode: &str, object: &str) -> String {
        // NUL-ended entries: a name may hold a line break.
        let listing = tree.map(|t| self.git(&["ls-tree", "-z", t])).unwrap_or_default();
        let mut lines: Vec<String> = Vec::new();
        let mut sub = None;
        for line in listing.split('\0').filter(|l| !l.is_empty()) {
            let (meta, name) = line.split_once('\t').unwrap();
            if name == parts[0] {
                sub = meta.split(' ').nth(2).map(str::to_string);
            } else {
                lines.push(line.to_string());
            }
        }
        let name = parts[0];
        if parts.len() == 1 {
            let kind = match mode {
                "160000" => "commit",
                "040000" => "tree",
                _ => "blob",
            };
            lines.push(format!("{mode} {kind} {object}\t{name}"));
        } else {
            let t = self.graft(sub.as_deref(), &parts[1..], mode, object);
            lines.push(format!("040000 tree {t}\t{name}"));
        }
        self.team.git_stdin(&self.dir, &["mktree", "-z"], &(lines.join("\0") + "\0"))
    }
}

#[test]
fn a_pushed_tree_that_writes_into_dot_git_or_out_of_the_layout_is_refused_before_anything_is_written() {
    let hook = "#!/bin/sh\ntouch \"$HOME/pwned\"\n";
    let cases = [
        (".git/hooks/pre-commit", "100755", "a path inside .git"),
        (".GIT/hooks/pre-commit", "100755", "a path inside .git"),
        ("tickets/.Git/hooks/pre-commit", "100755", "a path inside .git"),
        // NTFS's short name and macOS's ignored characters spell .git on those systems.
        ("GIT~1/hooks/post-checkout", "100755", "a path inside .git"),
        (".git\u{200c}/config", "100644", "a path inside .git"),
        ("web/.g\u{200e}it/config", "100644", "a path inside .git"),
        ("tickets/2026/000/T-2026-0099.yaml", "120000", "a symbolic link"),
        ("attachments/R-2026-0002/modulo", "160000", "a submodule"),
        ("bin/run.sh", "100644", "not part of a desk's layout"),
        ("../outside.sh", "100755", "a path with an empty, '.' or '..' component"),
        ("tickets/../../outside.sh", "100755", "a path with an empty, '.' or '..' component"),
        // Found by a hostile-remote attack: tkt's own temp file made check fail on every
        // clone for ever, and a line break in a name wrote the remote's lines into the error.
        ("attachments/T-2026-0001/.tkt-tmp-x", "100644", "a temp file of tkt's"),
        ("web/z\nhint: run git reset --hard", "100644", "a name with a control character"),
    ];
    for (n, (path, mode, why)) in cases.into_iter().enumerate() {
        let shown = path.replace('\n', "\u{240a}");
        let team = Team::new();
        let (anna, marco) = (team.clone("anna"), team.clone("marco"));
        marco.sync();
        // Every other case also has local work to merge with, not just a fast-forward.
        if n % 2 == 1 {
            marco.ok(&["ticket", "note", "T-2026-0020", "nota di marco"]);
        }
        let content = if mode == "120000" { "/etc/passwd" } else { hook };
        let commit = anna.push_crafted(path, mode, content);
        let before = marco.state();
        marco.tkt(&["sync"]).assert().code(5).stderr(
            predicate::str::contains(format!("{shown}: {why}"))
                .and(predicate::str::contains("\nhint: run git reset").not())
                .and(predicate::str::contains(&commit[..12]))
                .and(predicate::str::contains("by git user")),
        );
        assert_eq!(marco.state(), before, "{path}: HEAD, index and files unchanged");
        assert!(!marco.dir.join(".git/hooks/pre-commit").exists(), "{path}: a hook was written");
        assert!(!marco.dir.join(".GIT").exists() && !marco.dir.join("bin").exists());
        assert!(!team.tmp.path().join("outside.sh").exists());
        assert!(std::fs::symlink_metadata(marco.dir.join("tickets/2026/000/T-2026-0099.yaml")).is_err());
    }
}

/// Found by a sync attack: names that differ only in case — two attachments, or two
/// folders — were taken in and published, though a Windows or macOS clone cannot check
/// them out side by side (it sees one file, and git shows the other as changed).
#[test]
fn names_that_differ_only_in_case_are_neither_taken_in_nor_published() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    anna.push_crafted("attachments/T-2026-0001/FOTO.JPG", "100644", "foto 1");
    let commit = anna.push_crafted("attachments/T-2026-0001/foto.jpg", "100644", "foto 2");
    let before = marco.state();
    let said = String::from_utf8(marco.tkt(&["sync"]).assert().code(5).get_output().stderr.clone()).unwrap();
    let named = ["/FOTO.JPG: the same name as foto.jpg", "/foto.jpg: the same name as FOTO.JPG"];
    assert!(named.iter().any(|n| said.contains(&format!("attachments/T-2026-0001{n} on Windows and macOS"))), "{said}");
    assert_eq!(marco.state(), before, "HEAD, index and files unchanged");
    // A folder counts as much as a file.
    anna.git(&["fetch", "-q", "origin"]);
    anna.git(&["reset", "-q", "--hard", &format!("{commit}~1")]);
    anna.git(&["push", "-q", "-f", "origin", "HEAD:main"]);
    anna.push_crafted("attachments/t-2026-0001/nota.txt", "100644", "altro");
    let said = String::from_utf8(marco.tkt(&["sync"]).assert().code(5).get_output().stderr.clone()).unwrap();
    let named = ["T-2026-0001: the same name as t-2026-0001", "t-2026-0001: the same name as T-2026-0001"];
    assert!(named.iter().any(|n| said.contains(&format!("attachments/{n} on Windows and macOS"))), "{said}");
    assert_eq!(marco.state(), before);
    // Going out: stored by hand, nothing is committed or pushed.
    anna.git(&["push", "-q", "-f", "origin", "HEAD:main"]);
    marco.sync();
    let folder = marco.dir.join("attachments/T-2026-0020");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("Scan.pdf"), "a").unwrap();
    std::fs::write(folder.join("SCAN.PDF"), "b").unwrap();
    let head = marco.git(&["rev-parse", "HEAD"]);
    let said = String::from_utf8(marco.tkt(&["sync"]).assert().code(5).get_output().stderr.clone()).unwrap();
    assert!(said.contains("differ only in case"), "{said}");
    assert!(said.contains("attachments/T-2026-0020/S"), "{said}");
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "nothing committed");
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(!remote.to_lowercase().contains("scan.pdf"), "{remote}");
    // Each side's name fine alone, the two merged are not (found by a remote attack: the
    // merge went out, and every other clone's sync was refused).
    std::fs::remove_dir_all(&folder).unwrap();
    std::fs::write(marco.dir.join("web/extra.html"), "marco's").unwrap();
    marco.git(&["add", "web/extra.html"]);
    marco.git(&["commit", "-qm", "a page"]);
    anna.push_crafted("web/Extra.html", "100644", "anna's");
    let before = marco.state();
    let said = String::from_utf8(marco.tkt(&["sync"]).assert().code(5).get_output().stderr.clone()).unwrap();
    assert!(said.contains("web/Extra.html: the same name as extra.html on Windows and macOS"), "{said}");
    assert_eq!(marco.state(), before);
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(!remote.contains("web/extra.html"), "{remote}");
}

/// Found by a remote attack: a branch the remote pointed at a tree for a moment gave a raw
/// git error (exit 1), and every later sync of the clone failed so, the tree being left in
/// its log of the remote's branch.
#[test]
fn a_remote_branch_pointed_at_a_tree_is_refused_and_syncs_go_on_once_it_is_put_back() {
    let team = Team::new();
    let marco = team.clone("marco");
    marco.sync();
    let remote = team.remote();
    let tip = team.git(&remote, &["rev-parse", "main"]);
    let tree = team.git(&remote, &["rev-parse", "main^{tree}"]);
    std::fs::write(remote.join("refs/heads/main"), &tree).unwrap();
    let before = marco.state();
    marco.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains("origin/main is a git tree")
            .and(predicate::str::contains("no commit: the remote's branch is broken, and nothing was taken in")),
    );
    assert_eq!(marco.state(), before);
    std::fs::write(remote.join("refs/heads/main"), &tip).unwrap();
    marco.sync();
    marco.ok(&["ticket", "note", "T-2026-0001", "dopo"]);
    marco.sync();
}

/// Found by a hostile-remote attack: a merge whose first parent is an orphan commit holding
/// a changed issued invoice made that version the "first" in history, and every clone took
/// the change in, `check` clean. What was issued is read in the history both sides share.
#[test]
fn an_issued_invoice_changed_by_a_merge_of_an_orphan_commit_is_refused() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let file = "documents/invoice/2026/000/INV-2026-0001.yaml";
    let issued = anna.read(file);
    let forged = issued.replace("name: Hotel Lago Blu S.p.A.", "name: Hotel FORGED S.p.A.");
    assert_ne!(forged, issued);
    anna.write(file, &forged);
    anna.git(&["add", file]);
    let tree = anna.git(&["write-tree"]).trim().to_string();
    let orphan = anna.git(&["commit-tree", &tree, "-m", "import"]).trim().to_string();
    let merge = anna.git(&["commit-tree", &tree, "-p", &orphan, "-p", "HEAD", "-m", "Merge import"]).trim().to_string();
    anna.git(&["push", "-q", "origin", &format!("{merge}:refs/heads/main")]);
    let before = marco.state();
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{file}: issued fiscal document changed (buyer)")));
    assert_eq!(marco.state(), before);
    assert!(!marco.read(file).contains("FORGED"));
}

/// Found by a hostile-remote review: a remote that deleted tkt.toml made every clone no
/// desk at all, the sync that would bring it back included; and a tree holding an issued
/// invoice twice, changed first, passed (libgit2 read the other), so the clone's history
/// held a changed invoice that check and reports then read.
#[test]
fn a_remote_without_tkt_toml_or_with_a_tree_git_refuses_is_not_taken_in() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let before = marco.state();
    anna.git(&["rm", "-q", "tkt.toml"]);
    anna.git(&["commit", "-qm", "no desk"]);
    anna.git(&["push", "-q", "origin", "main"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("tkt.toml: deleted"));
    assert_eq!(marco.state(), before);
    anna.git(&["revert", "--no-edit", "HEAD"]);
    anna.git(&["push", "-q", "origin", "main"]);
    marco.sync();

    let (dir, file) = ("documents/invoice/2026/000", "INV-2026-0001.yaml");
    let issued = anna.read(&format!("{dir}/{file}"));
    let changed = team.git_stdin(
        &anna.dir,
        &["hash-object", "-w", "--stdin"],
        issued.replace("total: '407.18'", "total: '9407.18'"),
    );
    let hex =
        |h: &str| (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect::<Vec<u8>>();
    let mut raw = Vec::new();
    for line in anna.git(&["ls-tree", &format!("HEAD:{dir}")]).lines() {
        let (meta, name) = line.split_once('\t').unwrap();
        let fields: Vec<&str> = meta.split(' ').collect();
        if name == file {
            raw.extend(format!("100644 {name}\0").bytes());
            raw.extend(hex(&changed));
        }
        raw.extend(format!("{} {name}\0", fields[0]).bytes());
        raw.extend(hex(fields[2]));
    }
    let twice = team.git_stdin(&anna.dir, &["hash-object", "-t", "tree", "-w", "--literally", "--stdin"], raw);
    let root = anna.git(&["rev-parse", "HEAD^{tree}"]).trim().to_string();
    let parts: Vec<&str> = dir.split('/').collect();
    let tree = anna.graft(Some(&root), &parts, "040000", &twice);
    let commit = anna.git(&["commit-tree", &tree, "-p", "HEAD", "-m", "twice"]).trim().to_string();
    anna.git(&["push", "-q", "origin", &format!("{commit}:refs/heads/main")]);
    let before = marco.state();
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("objects git's own checks refuse"));
    assert_eq!(marco.state(), before, "HEAD, index and files unchanged");
}

/// Found by a hostile-remote review: an invoice copied by hand as INV-2026-0070 (for
/// 0007) and pushed with plain git was taken in, every clone's next invoice was 0071, and
/// check then asked to restore 63 numbers no one ever issued.
#[test]
fn a_fiscal_number_pushed_past_a_gap_is_not_taken_in() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    anna.write(
        "documents/invoice/2026/000/INV-2026-0070.yaml",
        &anna.read(INV1).replace("INV-2026-0001", "INV-2026-0070"),
    );
    anna.git(&["add", "documents"]);
    anna.git(&["commit", "-qm", "copia"]);
    // Her sync does not publish it (every other clone's would then stop)...
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(
        "documents/invoice/2026/000/INV-2026-0070.yaml: a fiscal number given past INV-2026-0007",
    ));
    // ... nor does it take it in from a push made with plain git.
    anna.git(&["push", "-q", "origin", "main"]);
    let before = marco.state();
    marco.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains(
            "documents/invoice/2026/000/INV-2026-0070.yaml: a fiscal number given past INV-2026-0007, which no clone has",
        )
        .and(predicate::str::contains("takes their commit back from the remote")),
    );
    assert_eq!(marco.state(), before, "the local desk is exactly as it was");
    // Taken back from the remote (no clone took it), numbers that follow each other come in.
    anna.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let last = anna.read("documents/invoice/2026/000/INV-2026-0006.yaml");
    anna.write("documents/invoice/2026/000/INV-2026-0007.yaml", &last.replace("INV-2026-0006", "INV-2026-0007"));
    anna.git(&["add", "documents"]);
    anna.git(&["commit", "-qm", "il numero giusto"]);
    anna.git(&["push", "-q", "--force", "origin", "main"]);
    marco.sync();
    assert!(marco.dir.join("documents/invoice/2026/000/INV-2026-0007.yaml").exists());
}

/// Found by a hostile-remote review: a file the clone keeps out of git on purpose (the
/// support form's `web/.env`, its password) was written over by the remote's.
#[test]
fn a_file_kept_out_of_git_is_never_written_over_by_the_remote() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    marco.write("web/.env", "PASSWORD=the-office-secret\n");
    std::fs::write(marco.dir.join(".git/info/exclude"), "web/.env\n").unwrap();
    anna.write("web/.env", "PASSWORD=remote\n");
    anna.git(&["add", "web/.env"]);
    anna.git(&["commit", "-qm", "env"]);
    anna.git(&["push", "-q", "origin", "main"]);
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("the remote brings files you keep out of git: web/.env"));
    assert_eq!(marco.read("web/.env"), "PASSWORD=the-office-secret\n");
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head);
    std::fs::rename(marco.dir.join("web/.env"), marco.dir.join("web/env.mine")).unwrap();
    marco.sync();
    assert_eq!(marco.read("web/.env"), "PASSWORD=remote\n");
    // Nor one where the remote brings a folder: exit 5 naming it (found by a hostile-remote
    // attack: exit 1, "File exists").
    marco.write("web/cache", "mine\n");
    std::fs::write(marco.dir.join(".git/info/exclude"), "web/.env\nweb/cache\n").unwrap();
    anna.sync();
    std::fs::create_dir_all(anna.dir.join("web/cache")).unwrap();
    anna.write("web/cache/x.html", "<p>x</p>\n");
    anna.git(&["add", "web/cache/x.html"]);
    anna.git(&["commit", "-qm", "cache"]);
    anna.git(&["push", "-q", "origin", "main"]);
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("the remote brings files you keep out of git: web/cache"));
    assert_eq!(marco.read("web/cache"), "mine\n");
}

#[test]
fn bad_records_from_the_remote_are_refused_naming_each_file_and_who_committed_it() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    let ticket = |id: &str| anna.read(&format!("tickets/2026/000/{id}.yaml"));
    let write =
        |id: &str, text: String| std::fs::write(anna.dir.join(format!("tickets/2026/000/{id}.yaml")), text).unwrap();
    write("T-2026-0020", "id: T-2026-0020\ntitle: [broken\n".into());
    write(
        "T-2026-0019",
        format!("<<<<<<< HEAD\n{}=======\n{}>>>>>>> theirs\n", ticket("T-2026-0019"), ticket("T-2026-0019")),
    );
    write("T-2026-0018", ticket("T-2026-0018").replace("id: T-2026-0018", "id: T-2026-0017"));
    write("T-2026-0016", format!("{}# {}\n", ticket("T-2026-0016"), "x".repeat(4 * 1024 * 1024)));
    anna.git(&["commit", "-qam", "edited by hand"]);
    anna.git(&["push", "-q", "origin", "main"]);
    let commit = anna.git(&["rev-parse", "--short=12", "HEAD"]).trim().to_string();
    // Without the merge driver's line, the refused sync does not leave the one it adds.
    marco.git(&["rm", "-q", ".gitattributes"]);
    marco.git(&["commit", "-qm", "no attributes"]);
    let before = marco.state();
    let out = marco.tkt(&["sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (file, what) in [
        ("T-2026-0020", "tickets/2026/000/T-2026-0020.yaml:2"),
        ("T-2026-0019", "tickets/2026/000/T-2026-0019.yaml:1: git conflict markers"),
        ("T-2026-0018", "id \"T-2026-0017\" disagrees with its path"),
        ("T-2026-0016", "over the record size limit"),
    ] {
        let line = stderr.lines().find(|l| l.contains(file)).unwrap_or_else(|| panic!("{file} not named: {stderr}"));
        assert!(line.contains(what) && line.contains(&format!("commit {commit} by git user")), "{line}");
    }
    assert_eq!(marco.state(), before, "the local desk is exactly as it was");
}

#[test]
fn a_record_with_conflict_markers_is_refused_by_every_read_and_never_committed() {
    let team = Team::new();
    let anna = team.clone("anna");
    let path = anna.dir.join("tickets/2026/000/T-2026-0020.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let ours = text.replace("priority: normal", "priority: high");
    std::fs::write(&path, format!("<<<<<<< HEAD\n{ours}=======\n{text}>>>>>>> origin/main\n")).unwrap();
    let head = anna.git(&["rev-parse", "HEAD"]);
    for args in [&["ticket", "show", "T-2026-0020"][..], &["ticket", "note", "T-2026-0020", "x"], &["sync"]] {
        anna.tkt(args).assert().code(4).stderr(
            predicate::str::contains("tickets/2026/000/T-2026-0020.yaml:1: git conflict markers")
                .and(predicate::str::contains("git merge --abort"))
                .and(predicate::str::contains("drops the other's")),
        );
    }
    anna.tkt(&["check"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("tickets/2026/000/T-2026-0020.yaml:1: git conflict markers"));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head, "nothing committed");
    assert_eq!(anna.git(&["status", "--porcelain"]), " M tickets/2026/000/T-2026-0020.yaml\n");
}

#[test]
fn sync_in_the_middle_of_a_merge_rebase_or_cherry_pick_is_refused_before_committing() {
    for (marker, advice) in [
        ("MERGE_HEAD", "git merge --abort"),
        ("rebase-merge/", "git rebase --abort"),
        ("rebase-apply/", "git rebase --abort"),
        ("CHERRY_PICK_HEAD", "git cherry-pick --abort"),
    ] {
        let team = Team::new();
        let anna = team.clone("anna");
        let head = anna.git(&["rev-parse", "HEAD"]);
        let git_dir = anna.dir.join(".git");
        match marker.strip_suffix('/') {
            Some(dir) => {
                std::fs::create_dir_all(git_dir.join(dir)).unwrap();
                if dir == "rebase-apply" {
                    std::fs::write(git_dir.join(dir).join("rebasing"), "").unwrap();
                }
            }
            None => std::fs::write(git_dir.join(marker), &head).unwrap(),
        }
        let path = anna.dir.join("tickets/2026/000/T-2026-0018.yaml");
        std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("priority: normal", "priority: high"))
            .unwrap();
        let before = anna.state();
        anna.tkt(&["sync"])
            .assert()
            .code(5)
            .stderr(predicate::str::contains("git is in the middle of").and(predicate::str::contains(advice)));
        assert_eq!(anna.state(), before, "{marker}: nothing committed");
    }
}

#[test]
fn a_committed_tkt_folder_is_never_taken_by_sync_and_check_names_it() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    std::fs::create_dir_all(marco.dir.join(".tkt")).unwrap();
    std::fs::write(marco.dir.join(".tkt/settings.toml"), "series = \"MR\"\n").unwrap();
    std::fs::write(anna.dir.join(".tkt/settings.toml"), "series = \"AN\"\n").unwrap();
    anna.git(&["add", "-f", ".tkt/settings.toml"]);
    anna.git(&["commit", "-qm", "my settings"]);
    anna.git(&["push", "-q", "origin", "main"]);
    anna.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains(".tkt/settings.toml: .tkt/ is local"));
    let before = marco.state();
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(".tkt/settings.toml: .tkt/ is local to each clone and never shared"));
    assert_eq!(marco.state(), before);
    assert_eq!(marco.read(".tkt/settings.toml"), "series = \"MR\"\n", "each clone keeps its own series");
}

#[test]
fn sync_without_a_remote_commits_nothing() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.git(&["remote", "remove", "origin"]);
    let path = anna.dir.join("tickets/2026/000/T-2026-0018.yaml");
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("priority: normal", "priority: high"))
        .unwrap();
    let before = anna.state();
    anna.tkt(&["sync"]).assert().code(2).stderr(predicate::str::contains("no remote"));
    assert_eq!(anna.state(), before, "the hand edit is still uncommitted");
}

#[test]
fn conflict_instants_are_written_in_the_desks_time_zone() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    offline_edits(&anna, &marco);
    anna.sync();
    marco.sync();
    let t: serde_yaml::Value = serde_yaml::from_str(&marco.read("tickets/2026/000/T-2026-0016.yaml")).unwrap();
    let c = &t["conflicts"][0];
    assert_eq!(c["kept"]["at"], "2026-11-27T11:10:00+01:00", "{c:?}");
    assert_eq!(c["other"]["at"], "2026-11-27T11:05:00+01:00", "{c:?}");
    assert_eq!(c["recorded_at"], crate::common::NOW);
}

#[cfg(unix)]
#[test]
fn links_made_by_hand_are_refused_by_sync_not_committed() {
    let team = Team::new();
    let anna = team.clone("anna");
    let outside = team.tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::rename(anna.dir.join("attachments/R-2026-0002"), outside.join("R-2026-0002")).unwrap();
    std::os::unix::fs::symlink(outside.join("R-2026-0002"), anna.dir.join("attachments/R-2026-0002")).unwrap();
    let ticket = anna.dir.join("tickets/2026/000/T-2026-0018.yaml");
    std::fs::rename(&ticket, outside.join("T-2026-0018.yaml")).unwrap();
    std::fs::write(
        outside.join("T-2026-0018.yaml"),
        std::fs::read_to_string(outside.join("T-2026-0018.yaml"))
            .unwrap()
            .replace("priority: normal", "priority: high"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join("T-2026-0018.yaml"), &ticket).unwrap();
    let before = anna.state();
    anna.tkt(&["sync"]).assert().code(4).stderr(
        predicate::str::contains("tickets/2026/000/T-2026-0018.yaml: is a symbolic link")
            .and(predicate::str::contains("is inside attachments/R-2026-0002, a symbolic link")),
    );
    assert_eq!(anna.state(), before, "nothing committed");
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), anna.git(&["rev-parse", "HEAD"]), "nothing pushed");
}

#[test]
fn renumbering_never_rewrites_the_links_of_published_records() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Di anna"]), "T-2026-0021\n");
    assert_eq!(anna.ok(&["ticket", "work", "T-2026-0021", "--hours", "1"]), "WR-2026-0009\n");
    assert_eq!(anna.ok(&["ticket", "work", "T-2026-0021", "--hours", "3"]), "WR-2026-0010\n");
    anna.sync();
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di marco"]), "T-2026-0021\n");
    assert_eq!(marco.ok(&["ticket", "work", "T-2026-0021", "--hours", "2"]), "WR-2026-0009\n");
    let summary = marco.sync();
    assert!(summary.contains("T-2026-0021 is now T-2026-0022"), "{summary}");
    let wr = |id: &str| -> serde_yaml::Value {
        serde_yaml::from_str(&marco.read(&format!("documents/work-report/2026/000/{id}.yaml"))).unwrap()
    };
    assert_eq!(wr("WR-2026-0009")["ticket"], "T-2026-0021", "anna's published report keeps its ticket");
    assert_eq!(wr("WR-2026-0010")["ticket"], "T-2026-0021", "anna's published report keeps its ticket");
    assert_eq!(wr("WR-2026-0011")["ticket"], "T-2026-0022", "marco's unpublished report follows his ticket");
    assert_eq!(wr("WR-2026-0011")["hours"], 2);
    let remote_wr = team.git(&team.remote(), &["show", "main:documents/work-report/2026/000/WR-2026-0010.yaml"]);
    assert!(remote_wr.contains("ticket: T-2026-0021"), "{remote_wr}");
    // The draft invoice of anna's ticket bills her customer's work, all of it.
    let out = marco.tkt(&["ticket", "invoice", "T-2026-0021", "--dry-run"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("T-2026-0021 would bill WR-2026-0009, WR-2026-0010\n"), "{said}");
    marco.tkt(&["check"]).assert().success();
}

/// A `git` first on PATH that runs `script` for a push (with "$@" and the real git as
/// "$GIT"), and is the real git otherwise; returns the PATH to run tkt with.
fn git_on_push(team: &Team, script: &str) -> String {
    let real_git =
        String::from_utf8(StdCommand::new("sh").args(["-c", "command -v git"]).output().unwrap().stdout).unwrap();
    let bin = team.tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let wrapper = format!(
        "#!/bin/sh\nGIT='{}'\nif [ \"$1\" = push ]; then {script}\nfi\nexec \"$GIT\" \"$@\"\n",
        real_git.trim()
    );
    std::fs::write(bin.join("git"), wrapper).unwrap();
    StdCommand::new("chmod").args(["+x", bin.join("git").to_str().unwrap()]).status().unwrap();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

/// Online numbering, and two new tickets with work not yet invoiced (T-2026-0021 and
/// T-2026-0022), on the remote.
fn online_with_work(team: &Team) -> Clone<'_> {
    let anna = team.clone("anna");
    anna.numbering_online();
    for t in ["T-2026-0021", "T-2026-0022"] {
        assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Lavoro"]), format!("{t}\n"));
        anna.ok(&["ticket", "work", t, "--hours", "1"]);
    }
    anna.sync();
    anna
}

fn remote_files(team: &Team) -> String {
    team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main"])
}

#[test]
fn online_numbering_computes_the_invoice_from_the_synced_desk() {
    let team = Team::new();
    let anna = online_with_work(&team);
    let marco = team.clone("marco");
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0007\n");
    // marco's clone has not seen anna's invoice: the pull comes before the lines.
    marco
        .tkt(&["ticket", "invoice", "T-2026-0021"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("nothing to invoice"));
    assert!(!remote_files(&team).contains("INV-2026-0008"), "the same work is never invoiced twice");
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_push_reported_failed_that_reached_the_remote_is_kept_not_issued_again() {
    let team = Team::new();
    let anna = online_with_work(&team);
    let path = git_on_push(&team, "\"$GIT\" \"$@\"; exit 1");
    anna.tkt(&["ticket", "invoice", "T-2026-0021"])
        .env("PATH", path)
        .assert()
        .success()
        .stdout("INV-2026-0007\n")
        .stderr(predicate::str::contains("the remote has it"));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), team.git(&team.remote(), &["rev-parse", "main"]));
    assert!(anna.dir.join("documents/invoice/2026/000/INV-2026-0007.yaml").exists());
    anna.tkt(&["ticket", "invoice", "T-2026-0021"]).assert().code(4);
    anna.sync();
    anna.tkt(&["check"]).assert().success();
}

/// anna's `ticket invoice` killed while it pushes: the invoice is committed, not pushed.
fn killed_during_push(team: &Team, anna: &Clone, ticket: &str) {
    let path = git_on_push(team, "kill -9 $PPID; exit 1");
    let out = anna.tkt(&["ticket", "invoice", ticket]).env("PATH", path).output().unwrap();
    assert_eq!(out.status.code(), None, "killed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(anna.git(&["log", "-1", "--format=%s"]).starts_with("INV-2026-0007: invoice"));
}

#[test]
fn an_online_invoice_interrupted_during_its_push_is_taken_back_when_the_office_took_its_number() {
    let team = Team::new();
    let anna = online_with_work(&team);
    let marco = team.clone("marco");
    killed_during_push(&team, &anna, "T-2026-0021");
    assert_eq!(marco.ok(&["ticket", "invoice", "T-2026-0022"]), "INV-2026-0007\n");
    let said = anna.sync();
    assert!(said.contains("INV-2026-0007 never reached the remote, so it was never issued"), "{said}");
    assert!(anna.read("documents/invoice/2026/000/INV-2026-0007.yaml").contains("T-2026-0022"), "the office's");
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0008\n", "the work is invoiced again");
    let inv8 = team.git(&team.remote(), &["show", "main:documents/invoice/2026/000/INV-2026-0008.yaml"]);
    assert!(inv8.contains("ticket: T-2026-0021"), "{inv8}");
    anna.tkt(&["check"]).assert().success();
    assert_eq!(anna.git(&["status", "--porcelain"]), "");
}

#[test]
fn an_online_invoice_interrupted_during_its_push_is_published_by_the_next_command() {
    let team = Team::new();
    let anna = online_with_work(&team);
    killed_during_push(&team, &anna, "T-2026-0021");
    anna.tkt(&["ticket", "note", "T-2026-0022", "richiamare"])
        .assert()
        .success()
        .stderr(predicate::str::contains("INV-2026-0007 is published on the remote"));
    let inv = team.git(&team.remote(), &["show", "main:documents/invoice/2026/000/INV-2026-0007.yaml"]);
    assert!(inv.contains("ticket: T-2026-0021"), "{inv}");
    anna.sync();
    anna.tkt(&["check"]).assert().success();
}

/// The next command cannot reach the remote: it does not know whether the interrupted
/// push arrived, so it takes nothing back — issuing the work again could number it twice
/// (found by a hostile-remote review) — and the next sync publishes the invoice.
#[test]
fn an_online_invoice_interrupted_during_its_push_stays_while_the_remote_cannot_be_reached() {
    let team = Team::new();
    let anna = online_with_work(&team);
    killed_during_push(&team, &anna, "T-2026-0021");
    let away = team.remote().with_extension("away");
    std::fs::rename(team.remote(), &away).unwrap();
    anna.tkt(&["ticket", "note", "T-2026-0022", "richiamare"])
        .assert()
        .success()
        .stderr(predicate::str::contains("INV-2026-0007 committed, and the remote cannot be reached"));
    assert!(anna.dir.join("documents/invoice/2026/000/INV-2026-0007.yaml").exists());
    std::fs::rename(&away, team.remote()).unwrap();
    anna.sync();
    let inv = team.git(&team.remote(), &["show", "main:documents/invoice/2026/000/INV-2026-0007.yaml"]);
    assert!(inv.contains("ticket: T-2026-0021"), "{inv}");
    anna.tkt(&["ticket", "invoice", "T-2026-0021"]).assert().code(4);
    anna.tkt(&["check"]).assert().success();
}

/// An issued invoice changed by a plain `git commit` is refused by the pull that online
/// numbering makes before its push, as by sync (found by a hostile-remote review: the
/// next online document published the change, and every other clone's sync then stopped).
#[test]
fn online_numbering_publishes_no_change_to_an_issued_document() {
    let team = Team::new();
    let anna = online_with_work(&team);
    let inv3 = "documents/invoice/2026/000/INV-2026-0003.yaml";
    let published = team.git(&team.remote(), &["show", &format!("main:{inv3}")]);
    anna.write(inv3, &anna.read(inv3).replace("notes: null", "notes: ritoccata"));
    anna.git(&["commit", "-qam", "ritocco"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["ticket", "invoice", "T-2026-0021"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{inv3}: issued fiscal document changed (notes)")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(team.git(&team.remote(), &["show", &format!("main:{inv3}")]), published);
}

const INV1: &str = "documents/invoice/2026/000/INV-2026-0001.yaml";

/// Found by a hostile-remote review: an invoice issued offline and then deleted or
/// changed by hand before its first sync was published so, and every other clone's sync
/// then refused the remote.
#[test]
fn hand_edits_of_invoices_issued_here_and_not_yet_published_are_refused() {
    let team = Team::new();
    let marco = team.clone("marco");
    let remote_before = team.git(&team.remote(), &["rev-parse", "main"]);
    marco.ok(&["ticket", "work", "T-2026-0013", "--hours", "2"]);
    let inv = marco.ok(&["ticket", "invoice", "T-2026-0013"]);
    let inv = format!("documents/invoice/2026/000/{}.yaml", inv.trim());
    std::fs::remove_file(marco.dir.join(&inv)).unwrap();
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{inv}: an issued fiscal document deleted")));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "nothing committed");
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote_before, "nothing published");
    marco.git(&["checkout", "--", &inv]);
    let text = marco.read(&inv);
    marco.write(&inv, &text.replace("  total: ", "  total: '1.00'\n  was: "));
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("(a hand edit, not committed)"));
    marco.write(&inv, &text);
    marco.sync();
    team.clone("anna").sync();

    // A first push, to an empty remote, holds hand edits to the same.
    let first = Team { tmp: tempfile::tempdir().unwrap() };
    first.git(first.tmp.path(), &["init", "-q", "--bare", "-b", "main", "remote.git"]);
    let luca = first.clone("luca");
    luca.ok(&["init", "--example"]);
    std::fs::remove_file(luca.dir.join(INV1)).unwrap();
    luca.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{INV1}: an issued fiscal document deleted")));
    assert!(luca.dir.join(".git").exists() && !luca.git(&["status", "--porcelain"]).is_empty());
}

#[test]
fn sync_refuses_to_publish_a_deleted_or_changed_issued_document() {
    let team = Team::new();
    let anna = team.clone("anna");
    let remote_before = team.git(&team.remote(), &["rev-parse", "main"]);
    // A deletion committed by hand.
    anna.git(&["rm", "-q", INV1]);
    anna.git(&["commit", "-qm", "via la fattura"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains(format!("{INV1}: an issued fiscal document deleted (commit"))
            .and(predicate::str::contains("by git user)")),
    );
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote_before, "nothing published");
    anna.git(&["reset", "-q", "--hard", "HEAD~1"]);
    // A change of its fiscal content, by hand and not committed.
    let text = anna.read(INV1);
    std::fs::write(anna.dir.join(INV1), text.replace("60 gg fine mese", "30 gg")).unwrap();
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(format!(
        "{INV1}: issued fiscal document changed (payment) (a hand edit, not committed)"
    )));
    assert_eq!(anna.git(&["status", "--porcelain"]), format!(" M {INV1}\n"), "the desk as it was");
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote_before, "nothing published");
    // A change committed here, then put back by hand as `tkt check` says, is mended by the
    // hand edit that goes out with it (a review: the restore was called a change itself).
    anna.git(&["checkout", "--", INV1]);
    let issued = anna.git(&["log", "--format=%h", "-1", "--", INV1]).trim().to_string();
    std::fs::write(anna.dir.join(INV1), text.replace("60 gg fine mese", "30 gg")).unwrap();
    anna.git(&["commit", "-qam", "termini"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("issued fiscal document changed (payment)"));
    anna.git(&["checkout", &issued, "--", INV1]);
    anna.sync();
    assert_eq!(team.git(&team.remote(), &["show", &format!("main:{INV1}")]), text);
    // An annotation may change.
    std::fs::write(anna.dir.join(INV1), format!("{text}archived_in: faldone 3\n")).unwrap();
    anna.sync();
    let published = team.git(&team.remote(), &["show", &format!("main:{INV1}")]);
    assert!(published.contains("archived_in: faldone 3"), "{published}");
}

#[test]
fn sync_refuses_a_deleted_or_changed_issued_document_from_the_remote() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let text = marco.read(INV1);
    std::fs::write(marco.dir.join(INV1), text.replace("60 gg fine mese", "30 gg")).unwrap();
    marco.git(&["commit", "-qam", "termini corretti"]);
    marco.git(&["push", "-q", "origin", "main"]);
    anna.ok(&["ticket", "note", "T-2026-0020", "nota di anna"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    let before = snapshot(&anna.dir);
    anna.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains(format!("{INV1}: issued fiscal document changed (payment) (commit"))
            .and(predicate::str::contains("by git user)")),
    );
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(snapshot(&anna.dir), before, "the desk as it was");
    marco.git(&["rm", "-q", INV1]);
    marco.git(&["commit", "-qm", "via"]);
    marco.git(&["push", "-q", "origin", "main"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{INV1}: an issued fiscal document deleted (commit")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(anna.read(INV1), text);
}

/// anna and marco each issue DI-2026-0003 offline; anna's is published first, marco then
/// notes the ticket of his.
fn offline_ddts_under_one_number(team: &Team) -> (Clone<'_>, Clone<'_>) {
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(anna.ok(&["ticket", "receive", "T-2026-0013"]), "DI-2026-0003\n");
    assert_eq!(marco.ok(&["ticket", "receive", "T-2026-0016", "--line", "CALD-35K:1"]), "DI-2026-0003\n");
    marco.ok(&["ticket", "note", "T-2026-0016", "caldaia ritirata"]);
    anna.sync();
    (anna, marco)
}

#[test]
fn sync_resolve_takes_back_an_unpublished_fiscal_document_whose_number_was_taken_and_issues_it_again() {
    let team = Team::new();
    let (anna, marco) = offline_ddts_under_one_number(&team);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("tkt sync --resolve"));
    let out = marco.tkt(&["sync", "--resolve"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("DI-2026-0003 of this clone never reached the remote: taken back"), "{said}");
    assert!(said.contains("DI-2026-0003 taken back and issued again as DI-2026-0004"), "{said}");
    let remote_doc =
        |id: &str| team.git(&team.remote(), &["show", &format!("main:documents/ddt-in/2026/000/{id}.yaml")]);
    assert!(remote_doc("DI-2026-0003").contains("ticket: T-2026-0013"), "anna's keeps the number");
    let again = remote_doc("DI-2026-0004");
    assert!(again.contains("ticket: T-2026-0016") && again.contains("CALD-35K"), "{again}");
    assert!(marco.read("tickets/2026/000/T-2026-0016.yaml").contains("caldaia ritirata"), "later work kept");
    let log = marco.git(&["log", "--format=%s"]);
    assert!(!log.contains("DI-2026-0003: ddt-in for T-2026-0016"), "the number was never issued here: {log}");
    marco.tkt(&["check"]).assert().success();
    anna.sync();
    assert_eq!(snapshot(&anna.dir), snapshot(&marco.dir));
}

/// Found by a review: after `sync --resolve` issued an invoice again, the clone's payment
/// and credit note still named its old number — the remote's invoice of another ticket —,
/// an invoice billing a DDT issued again was dropped as "already invoiced on the remote",
/// and a line's text kept a renumbered work report's id.
#[test]
fn records_naming_a_document_issued_again_follow_its_new_number() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let mut made = Vec::new();
    for (clone, customer, hours) in [(&anna, "C-0001", "2"), (&marco, "C-0002", "3")] {
        let t = clone.ok(&["ticket", "create", "--customer", customer, "--title", "offline"]).trim().to_string();
        clone.ok(&["ticket", "work", &t, "--hours", hours]);
        let sale = clone.ok(&["ticket", "ship", &t, "--purpose", "sale", "--line", "VASO-8L:1"]).trim().to_string();
        let inv = clone.ok(&["ticket", "invoice", &t]).trim().to_string();
        let pay = clone.ok(&["doc", "pay", &inv, "--amount", "10.00"]).trim().to_string();
        let cn = clone.ok(&["doc", "credit", &inv, "--amount", "5", "--reason", "sconto"]).trim().to_string();
        made.push((t, sale, inv, pay, cn));
    }
    assert_eq!(made[0].2, made[1].2, "both issued one invoice number offline");
    anna.sync();
    marco.tkt(&["sync"]).assert().code(5);
    let said = marco.resolve();
    let doc = |kind: &str, id: &str| -> serde_yaml::Value {
        serde_yaml::from_str(&marco.read(&format!("documents/{kind}/2026/000/{id}.yaml"))).unwrap()
    };
    let again = |old: &str| {
        let at = said.find(&format!("{old} taken back and issued again as ")).unwrap_or_else(|| panic!("{said}"));
        said[at..].split_whitespace().nth(7).unwrap().to_string()
    };
    let (sale, inv) = (again(&made[1].1), again(&made[1].2));
    let tickets: serde_json::Value =
        serde_json::from_str(&marco.ok(&["ticket", "list", "--customer", "C-0002", "--format", "json"])).unwrap();
    let ticket = tickets.as_array().unwrap().iter().find(|t| t["title"] == "offline").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let invoice = doc("invoice", &inv);
    assert_eq!(invoice["ticket"].as_str(), Some(ticket.as_str()), "{said}");
    assert!(invoice["sources"].as_sequence().unwrap().iter().any(|s| s.as_str() == Some(sale.as_str())), "{invoice:?}");
    let work: Vec<String> = invoice["sources"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .filter(|s| s.starts_with("WR-"))
        .map(str::to_string)
        .collect();
    for line in invoice["lines"].as_sequence().unwrap() {
        let text = line["description"].as_str().unwrap();
        assert!(!text.contains(&made[0].1) || made[0].1 == sale, "{text}");
        if text.contains("WR-") {
            assert!(
                work.iter().any(|w| text.contains(w.as_str())),
                "the line names the report it bills: {text} {work:?}"
            );
        }
    }
    let cn = doc("credit-note", &again(&made[1].4));
    assert_eq!(cn["invoice"].as_str(), Some(inv.as_str()), "the credit note follows its invoice");
    let pays = marco.ok(&["doc", "list", "--kind", "payment", "--format", "json"]);
    let pays: serde_json::Value = serde_json::from_str(&pays).unwrap();
    let ours: Vec<&serde_json::Value> =
        pays.as_array().unwrap().iter().filter(|p| p["created_by"] == "marco").collect();
    assert_eq!(ours.len(), 1, "{pays}");
    assert_eq!(ours[0]["invoice"].as_str(), Some(inv.as_str()), "the payment follows its invoice");
    let statement = marco.ok(&["customer", "statement", "C-0001", "--format", "json"]);
    assert!(!statement.contains("marco"), "nothing of marco's lands on anna's customer: {statement}");
    marco.tkt(&["check"]).assert().success();
    anna.sync();
    assert_eq!(snapshot(&anna.dir), snapshot(&marco.dir));
    anna.tkt(&["check"]).assert().success();
}

/// Found by a review: an issued invoice altered and pushed with plain git, then put back
/// as `tkt check` says (`git checkout FIRST -- FILE`), was refused by every sync as a change
/// to an issued document — the version at the merge base was the altered one.
#[test]
fn an_issued_invoice_altered_by_plain_git_and_put_back_syncs_again() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let path = "documents/invoice/2026/000/INV-2026-0003.yaml";
    let issued = anna.read(path);
    anna.write(path, &issued.replace("notes: null", "notes: altered by hand"));
    anna.git(&["commit", "-qam", "oops"]);
    anna.git(&["push", "-q", "origin", "main"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("issued fiscal document changed"));
    let first = anna.git(&["log", "--diff-filter=A", "--format=%H", "--", path]);
    anna.git(&["checkout", first.trim(), "--", path]);
    anna.git(&["commit", "-qm", "restored as issued"]);
    anna.sync();
    marco.sync();
    assert_eq!(marco.read(path), issued);
    marco.tkt(&["check"]).assert().success();
}

impl Clone<'_> {
    /// Edits a record by hand in `$EDITOR` (a `sed` script) at a given time.
    fn edit_by_hand(&self, now: &str, id: &str, script: &str) {
        let out = self.tkt(&["ticket", "edit", id]).env("TKT_NOW", now).env("EDITOR", script).output().unwrap();
        assert!(out.status.success(), "{} edit {id}: {}", self.user, String::from_utf8_lossy(&out.stderr));
    }

    fn ticket(&self, id: &str) -> serde_yaml::Value {
        serde_yaml::from_str(&self.read(&format!("tickets/2026/000/{id}.yaml"))).unwrap()
    }
}

fn texts(t: &serde_yaml::Value) -> Vec<String> {
    t["notes"].as_sequence().unwrap().iter().map(|n| n["text"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_note_added_on_one_side_and_an_older_note_corrected_on_the_other_are_both_kept() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.edit_by_hand("2026-11-27T09:00:00+01:00", "T-2026-0016", "sed -i s/circolatore/pompa/");
    anna.sync();
    marco.at("2026-11-27T10:00:00+01:00", &["ticket", "note", "T-2026-0016", "richiamato il cliente"]);
    let summary = marco.sync();
    assert!(!summary.contains("conflict"), "{summary}");
    anna.sync();
    for clone in [&anna, &marco] {
        let t = clone.ticket("T-2026-0016");
        assert_eq!(texts(&t), ["Aria nell'impianto, pompa da verificare.", "richiamato il cliente"]);
        assert!(t.get("conflicts").is_none(), "{t:?}");
        let show = clone.ok(&["ticket", "show", "T-2026-0016"]);
        assert!(show.contains("richiamato il cliente") && show.contains("pompa da verificare"), "{show}");
    }
}

#[test]
fn a_note_corrected_both_ways_is_a_conflict_on_that_note_and_resolving_it_loses_no_note() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.edit_by_hand("2026-11-27T09:00:00+01:00", "T-2026-0016", "sed -i s/circolatore/pompa/");
    anna.at("2026-11-27T12:00:00+01:00", &["ticket", "note", "T-2026-0016", "nota di anna"]);
    anna.sync();
    marco.at("2026-11-27T10:00:00+01:00", &["ticket", "note", "T-2026-0016", "nota di marco"]);
    marco.edit_by_hand("2026-11-27T11:00:00+01:00", "T-2026-0016", "sed -i s/circolatore/circolatore\\ Grundfos/");
    let summary = marco.sync();
    let field = "notes[marco@2026-11-23T16:00:00+01:00].text";
    assert!(summary.contains(&format!("T-2026-0016.yaml ({field})")), "{summary}");
    let t = marco.ticket("T-2026-0016");
    assert_eq!(
        texts(&t),
        ["Aria nell'impianto, circolatore Grundfos da verificare.", "nota di marco", "nota di anna"],
        "the later correction (marco's, 11:00) wins; notes of both sides in time order"
    );
    assert_eq!(t["conflicts"][0]["field"], field);
    assert_eq!(t["conflicts"][0]["other"]["value"], "Aria nell'impianto, pompa da verificare.");
    assert_eq!(t["conflicts"][0]["other"]["at"], "2026-11-27T09:00:00+01:00");
    let check = marco.tkt(&["check"]).output().unwrap();
    let check = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.contains(&format!(
            "sync conflict on {field}: kept \"Aria nell'impianto, circolatore Grundfos da verificare.\", other \"Aria nell'impianto, pompa da verificare.\" by anna at 2026-11-27T09:00:00+01:00 (resolve: tkt ticket edit T-2026-0016 --resolve '{field}')"
        )),
        "{check}"
    );
    marco.ok(&["ticket", "edit", "T-2026-0016", "--resolve", field]);
    let t = marco.ticket("T-2026-0016");
    assert_eq!(texts(&t).len(), 3, "resolving keeps every note");
    assert!(t.get("conflicts").is_none());
}

#[test]
fn the_later_change_of_each_field_wins_the_same_way_in_sync_and_in_plain_git_pull() {
    let mut results = Vec::new();
    for plain_git in [false, true] {
        let team = Team::new();
        let (anna, marco) = (team.clone("anna"), team.clone("marco"));
        marco.sync(); // installs the merge driver in marco's clone
        anna.at("2026-11-27T09:00:00+01:00", &["ticket", "edit", "T-2026-0016", "--title", "Titolo di anna"]);
        anna.at("2026-11-27T18:00:00+01:00", &["ticket", "note", "T-2026-0016", "nota serale"]);
        anna.sync();
        marco.at("2026-11-27T15:00:00+01:00", &["ticket", "edit", "T-2026-0016", "--title", "Titolo di marco"]);
        if plain_git {
            let out = git_cmd(team.tmp.path(), &marco.dir)
                .env("TKT_NOW", crate::common::NOW)
                .args(["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"])
                .output()
                .unwrap();
            assert!(out.status.success(), "git pull: {}", String::from_utf8_lossy(&out.stderr));
        } else {
            marco.sync();
        }
        let text = marco.read("tickets/2026/000/T-2026-0016.yaml");
        let t: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(t["title"], "Titolo di marco", "15:00 beats 09:00 whatever else anna did later");
        assert!(texts(&t).contains(&"nota serale".to_string()));
        let c = &t["conflicts"][0];
        assert_eq!(c["field"], "title");
        assert_eq!((&c["kept"]["by"], &c["kept"]["at"]), (&"marco".into(), &"2026-11-27T15:00:00+01:00".into()));
        assert_eq!((&c["other"]["by"], &c["other"]["at"]), (&"anna".into(), &"2026-11-27T09:00:00+01:00".into()));
        results.push(text);
    }
    assert_eq!(results[0], results[1], "sync and git pull write the same record");
}

#[test]
fn transitions_on_both_sides_leave_a_consistent_ticket() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.at("2026-11-27T10:00:00+01:00", &["ticket", "transition", "T-2026-0010", "chiuso"]);
    anna.sync();
    marco.at("2026-11-27T11:00:00+01:00", &["ticket", "transition", "T-2026-0010", "in-lavorazione"]);
    marco.sync();
    let t = marco.ticket("T-2026-0010");
    assert_eq!(t["state"], "in-lavorazione", "the later transition wins");
    assert!(t["closed_at"].is_null(), "an open ticket has no closed_at: {:?}", t["closed_at"]);
    let history = t["history"].as_sequence().unwrap();
    let last: Vec<(&str, &str)> =
        history[history.len() - 2..].iter().map(|h| (h["at"].as_str().unwrap(), h["to"].as_str().unwrap())).collect();
    assert_eq!(last, [("2026-11-27T10:00:00+01:00", "chiuso"), ("2026-11-27T11:00:00+01:00", "in-lavorazione")]);
    // The other way round: the later side closes it, and closed_at says when.
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.at("2026-11-27T10:00:00+01:00", &["ticket", "transition", "T-2026-0010", "in-lavorazione"]);
    anna.sync();
    marco.at("2026-11-27T11:00:00+01:00", &["ticket", "transition", "T-2026-0010", "chiuso"]);
    marco.sync();
    let t = marco.ticket("T-2026-0010");
    assert_eq!(t["state"], "chiuso");
    assert_eq!(t["closed_at"], "2026-11-27T11:00:00+01:00");
}

#[test]
fn conflicts_are_shown_by_ticket_show_and_list_and_check_names_the_command_that_resolves_each() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    offline_edits(&anna, &marco);
    anna.at("2026-11-27T11:00:00+01:00", &["customer", "edit", "C-0003", "--phone", "011 111111"]);
    marco.at("2026-11-27T11:20:00+01:00", &["customer", "edit", "C-0003", "--phone", "011 222222"]);
    anna.sync();
    marco.sync();
    let show = marco.ok(&["ticket", "show", "T-2026-0016"]);
    assert!(
        show.contains(
            "conflicts:\n  title (resolve: tkt ticket edit T-2026-0016 --resolve FIELD)\n    \
             kept  Titolo di marco  (marco at 2026-11-27T11:10:00+01:00)\n    \
             other Titolo di anna  (anna at 2026-11-27T11:05:00+01:00)"
        ),
        "{show}"
    );
    let clean = marco.ok(&["ticket", "show", "T-2026-0020"]);
    assert!(!clean.contains("conflicts:"), "{clean}");
    let list = marco.ok(&["ticket", "list"]);
    let row = |id: &str| list.lines().find(|l| l.starts_with(id)).unwrap_or_default().to_string();
    let marked = |id: &str| row(id).split_whitespace().nth(2) == Some("!");
    assert!(marked("T-2026-0016"), "{list}");
    assert!(!marked("T-2026-0020"), "{list}");
    let check = marco.tkt(&["check"]).output().unwrap();
    let check = String::from_utf8_lossy(&check.stdout).to_string();
    assert!(check.contains("(resolve: tkt customer edit C-0003 --resolve phone)"), "{check}");
    assert!(check.contains("(resolve: tkt ticket edit T-2026-0016 --resolve title)"), "{check}");
    marco.ok(&["customer", "edit", "C-0003", "--resolve", "phone"]);
    marco.ok(&["ticket", "edit", "T-2026-0016", "--resolve", "title"]);
    let check = marco.tkt(&["check"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&check.stdout).contains("sync conflict"));
    let c: serde_yaml::Value = serde_yaml::from_str(&marco.read("customers/C-0003.yaml")).unwrap();
    assert_eq!(c["phone"], "011 222222", "the later change is kept");
    assert!(c.get("conflicts").is_none());
}

#[test]
fn a_merge_driver_whose_binary_moved_finds_tkt_on_path_or_leaves_a_real_conflict() {
    for on_path in [false, true] {
        let team = Team::new();
        let (anna, marco) = (team.clone("anna"), team.clone("marco"));
        marco.sync(); // registers the driver with this binary's path
        let moved = marco
            .git(&["config", "merge.tkt.driver"])
            .replace(assert_cmd::cargo::cargo_bin("tkt").to_str().unwrap(), "/nonexistent/old/place/tkt");
        marco.git(&["config", "merge.tkt.driver", moved.trim()]);
        anna.at("2026-11-27T09:00:00+01:00", &["ticket", "edit", "T-2026-0016", "--title", "Titolo di anna"]);
        anna.sync();
        marco.at("2026-11-27T15:00:00+01:00", &["ticket", "edit", "T-2026-0016", "--category", "caldaie"]);
        // Only git and sh on PATH, and with `on_path` a tkt of its own.
        let bin = team.tmp.path().join(format!("bin-{on_path}"));
        std::fs::create_dir_all(&bin).unwrap();
        if on_path {
            std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("tkt"), bin.join("tkt")).unwrap();
        }
        let out = git_cmd(team.tmp.path(), &marco.dir)
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("TKT_NOW", crate::common::NOW)
            .args(["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"])
            .output()
            .unwrap();
        let text = marco.read("tickets/2026/000/T-2026-0016.yaml");
        if on_path {
            assert!(out.status.success(), "git pull: {}", String::from_utf8_lossy(&out.stderr));
            let t: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!((t["title"].as_str(), t["category"].as_str()), (Some("Titolo di anna"), Some("caldaie")));
        } else {
            assert!(
                !out.status.success(),
                "git reports the conflict instead of taking ours silently: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            // git's own line merge, flagged for a person: neither side's change is dropped.
            assert!(text.contains("Titolo di anna") && text.contains("caldaie"), "{text}");
            assert!(marco.git(&["status", "--porcelain"]).contains("UU tickets/2026/000/T-2026-0016.yaml"));
        }
    }
}

#[test]
fn e_invoices_exported_offline_in_two_clones_never_keep_one_file_name() {
    let team = Team::new();
    let anna = team.clone("anna");
    let bruno = team.clone("bruno");
    // Without a series each, both clones take the next progressivo of the desk they see.
    assert!(anna.ok(&["doc", "export", "INV-2026-0001", "--dir", "../out-anna"]).contains("_00001.xml"));
    assert!(bruno.ok(&["doc", "export", "INV-2026-0002", "--dir", "../out-bruno"]).contains("_00001.xml"));
    anna.sync();
    bruno.sync();
    bruno
        .tkt(&["check"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("IT03912760984_00001.xml, like INV-2026-0001"))
        .stdout(predicate::str::contains("tkt doc export INV-2026-0002"));
    // The one not sent yet takes a new progressivo; the other keeps its file.
    assert!(bruno.ok(&["doc", "export", "INV-2026-0002", "--dir", "../out-bruno"]).contains("_00002.xml"));
    bruno.tkt(&["doc", "export", "INV-2026-0001", "--dir", "../out-bruno"]).assert().code(4);
    bruno.ok(&["check"]);
    // With its own series a clone counts in its own space, so offline exports never meet.
    std::fs::write(anna.dir.join(".tkt/settings.toml"), "series = \"AN\"\n").unwrap();
    anna.sync();
    assert!(anna.ok(&["doc", "export", "INV-2026-0003", "--dir", "../out-anna"]).contains("_AN001.xml"));
    assert!(anna.ok(&["doc", "export", "INV-2026-0004", "--dir", "../out-anna"]).contains("_AN002.xml"));
    assert!(bruno.ok(&["doc", "export", "INV-2026-0005", "--dir", "../out-bruno"]).contains("_00003.xml"));
    anna.sync();
    bruno.sync();
    bruno.ok(&["check"]);
    let xml = std::fs::read_to_string(team.tmp.path().join("out-anna/IT03912760984_AN002.xml")).unwrap();
    assert!(xml.contains("<ProgressivoInvio>AN002</ProgressivoInvio>"));
    // A one-letter series is padded, so its space never overlaps a two-letter one; a
    // series beginning with a digit cannot name files and is refused.
    std::fs::write(bruno.dir.join(".tkt/settings.toml"), "series = \"9X\"\n").unwrap();
    bruno.tkt(&["doc", "export", "CN-2026-0001", "--dir", "../out-bruno"]).assert().code(4);
    std::fs::write(bruno.dir.join(".tkt/settings.toml"), "series = \"A\"\n").unwrap();
    assert!(bruno.ok(&["doc", "export", "CN-2026-0001", "--dir", "../out-bruno"]).contains("_A0001.xml"));
}

#[test]
fn an_unpublished_invoice_of_a_renumbered_ticket_follows_it_and_reads_as_issued() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    std::fs::create_dir_all(marco.dir.join(".tkt")).unwrap();
    std::fs::write(marco.dir.join(".tkt/settings.toml"), "series = \"MA\"\n").unwrap();
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di anna"]), "T-2026-0021\n");
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Di marco"]), "T-2026-0021\n");
    marco.ok(&["ticket", "work", "T-2026-0021", "--technician", "marco", "--hours", "1", "--activity", "prova"]);
    assert_eq!(marco.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0001-MA\n");
    anna.sync();
    let said = marco.sync();
    assert!(said.contains("T-2026-0021 is now T-2026-0022"), "{said}");
    let inv = "documents/invoice/2026/000/INV-2026-0001-MA.yaml";
    assert!(marco.read(inv).contains("ticket: T-2026-0022"), "{}", marco.read(inv));
    // Never published before, the invoice reads as issued with its ticket's new id: its
    // first commit has it, and tkt check is clean in both clones.
    let first = marco.git(&["log", "--reverse", "--format=%H", "--", inv]);
    let first = first.lines().next().unwrap();
    assert!(marco.git(&["show", &format!("{first}:{inv}")]).contains("ticket: T-2026-0022"));
    marco.tkt(&["check"]).assert().success();
    anna.sync();
    anna.tkt(&["check"]).assert().success();
    assert!(anna.read(inv).contains("customer: C-0001"));
    let t22: serde_yaml::Value = serde_yaml::from_str(&anna.read("tickets/2026/000/T-2026-0022.yaml")).unwrap();
    assert_eq!(t22["title"], "Di marco");
}

/// Found by a scripting attack: a script kept the id its `ticket create` printed, a cron
/// sync renumbered that ticket meanwhile, and the script's work report and invoice went on
/// the remote's ticket of that id — another customer's. For ten minutes after the sync, a
/// command that changes a record under the old id is refused, naming the new one.
#[test]
fn a_ticket_id_a_sync_just_renumbered_is_refused_to_commands_that_change_it() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di anna"]), "T-2026-0021\n");
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Di marco"]), "T-2026-0021\n");
    let request = |who: &Clone, subject: &str| who.ok(&["request", "create", "--subject", subject, "--body", "x"]);
    assert_eq!(request(&anna, "Di anna"), "R-2026-0004\n");
    assert_eq!(request(&marco, "Di marco"), "R-2026-0004\n");
    anna.sync();
    let said = marco.sync();
    assert!(said.contains("T-2026-0021 is now T-2026-0022") && said.contains("R-2026-0004 is now R-2026-0005"));
    // So is a request, in its own commands (found by a review).
    marco
        .tkt(&["request", "note", "R-2026-0004", "richiamato"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("was renumbered R-2026-0005 by a sync"));
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco
        .tkt(&["ticket", "work", "T-2026-0021", "--hours", "1"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("was renumbered T-2026-0022 by a sync"));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "nothing written");
    marco.ok(&["ticket", "show", "T-2026-0021"]);
    marco.ok(&["ticket", "work", "T-2026-0022", "--hours", "1"]);
    // Later, the id is the remote's ticket's as any other.
    marco.at("2026-11-27T09:11:00+01:00", &["ticket", "note", "T-2026-0021", "visto"]);

    // A customer renumbered is refused wherever a command writes it into a record (found by
    // a scripting attack: a unit and its warranty, and a ticket, went to another's customer).
    let customer = |who: &Clone| who.ok(&["customer", "create", "--name", &format!("Cliente di {}", who.user)]);
    let (theirs, ours) = (customer(&anna), customer(&marco));
    assert_eq!(theirs, ours);
    anna.sync();
    let said = marco.sync();
    let old = ours.trim();
    assert!(said.contains(&format!("{old} is now")), "{said}");
    let head = marco.git(&["rev-parse", "HEAD"]);
    for args in [
        &["equipment", "create", "SN-NUOVO-1", "--item", "CALD-24K", "--customer", old][..],
        &["equipment", "edit", "CV24-104233", "--customer", old][..],
        &["ticket", "edit", "T-2026-0022", "--customer", old][..],
    ] {
        marco.tkt(args).assert().code(4).stderr(predicate::str::contains("renumbered"));
    }
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "nothing written");

    // Renumbered again by a later merge of the same sync (its push beaten): the hint names
    // where the record ends, not the remote's record under the first new number (found by
    // a scripting attack).
    let log = marco.dir.join(".tkt/renumbered");
    let text = std::fs::read_to_string(&log).unwrap();
    let again = text
        .lines()
        .find(|l| l.starts_with("T-2026-0021 "))
        .unwrap()
        .replace("T-2026-0021 T-2026-0022", "T-2026-0022 T-2026-0023");
    std::fs::write(&log, format!("{text}{again}\n")).unwrap();
    marco
        .tkt(&["ticket", "note", "T-2026-0021", "x"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("yours is T-2026-0023"));
}

/// Found by a hostile-remote attack: a remote that deleted a state closed tickets were in
/// (dropping it from the transitions too, so the catalog held together) was taken in, and
/// every closed ticket listed as open; the same deletion by hand was published by sync.
#[test]
fn a_state_tickets_are_in_is_never_taken_away_by_a_sync() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let drop_closed = |dir: &Path| {
        std::fs::remove_file(dir.join("states/chiuso.yaml")).unwrap();
        let risolto = std::fs::read_to_string(dir.join("states/risolto.yaml")).unwrap();
        std::fs::write(dir.join("states/risolto.yaml"), risolto.replace("- chiuso\n", "")).unwrap();
    };
    drop_closed(&marco.dir);
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(
        "states/: takes away state(s) chiuso that tickets are in: T-2026-0001 (chiuso)",
    ));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "nothing committed");
    marco.git(&["commit", "-qam", "via lo stato chiuso"]);
    marco.git(&["push", "-q", "origin", "main"]);

    let open = anna.ok(&["ticket", "list", "--open", "--format", "csv"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("takes away state(s) chiuso"));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head, "nothing merged");
    assert_eq!(anna.ok(&["ticket", "list", "--open", "--format", "csv"]), open);

    // A state no ticket was in when the remote deleted it, which this clone's ticket moved
    // into meanwhile (found by a review: the merge kept the ticket, its state gone).
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.ok(&["state", "create", "sopralluogo", "--from", "nuovo", "--to", "risolto"]);
    anna.sync();
    marco.sync();
    anna.ok(&["state", "delete", "sopralluogo"]);
    anna.sync();
    marco.ok(&["ticket", "transition", "T-2026-0017", "sopralluogo"]);
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("T-2026-0017 (sopralluogo)"));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head);
}

/// Found by a hostile-remote attack: a tkt.toml that gave invoices another prefix, the old
/// one not kept, was taken in; every invoice of the desk then failed check, and none could
/// be issued after them. With the old prefix kept, numbering goes on.
#[test]
fn a_tkt_toml_that_takes_their_prefix_from_the_desks_records_is_not_taken_in() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let config = marco.read("tkt.toml").replace("[numbering.prefixes]\n", "[numbering.prefixes]\ninvoice = \"FT\"\n");
    assert!(config.contains("invoice = \"FT\""), "{config}");
    marco.write("tkt.toml", &config);
    marco.git(&["commit", "-qam", "fatture FT"]);
    marco.git(&["push", "-q", "origin", "main"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(
        "tkt.toml: its numbering no longer gives records the prefix they carry: invoice (INV-2026-0001): keep INV \
         under [numbering.former_prefixes] (invoice = [\"INV\"])",
    ));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    // Nor does a clone publish it as a hand edit (found by a review).
    anna.write("tkt.toml", &config);
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("keep INV under [numbering.former_prefixes]"));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote);
    anna.git(&["checkout", "HEAD", "--", "tkt.toml"]);
    marco.write("tkt.toml", &(config + "\n[numbering.former_prefixes]\ninvoice = [\"INV\"]\n"));
    marco.git(&["commit", "-qam", "INV resta"]);
    marco.git(&["push", "-q", "origin", "main"]);
    anna.sync();
    anna.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0013"]), "FT-2026-0007\n");
}

/// Found by a hostile-remote attack: a remote history rewritten to forge an issued
/// invoice's first version, synced by a clone whose reflog had expired, was called this
/// clone's own commits "written again by a sync", and the hint to `git reset --hard` to it
/// took the forgery in. The forged invoice is named, and no reset is suggested.
#[test]
fn a_rewritten_history_that_forges_an_invoice_is_no_copy_of_this_clones_work() {
    let team = Team::new();
    let (anna, x) = (team.clone("anna"), team.clone("x"));
    anna.ok(&["ticket", "note", "T-2026-0001", "lavoro locale"]);
    let history = x.git(&["fast-export", "main"]);
    let forged = history
        .replace("Manodopera tecnico specializzato (WR-2026-0001", "Manodopera tecnico SUPERSPECIALE (WR-2026-0001")
        .replace("refs/heads/main", "refs/heads/forged");
    assert_ne!(forged, history);
    team.git_stdin(&x.dir, &["fast-import", "--quiet"], &forged);
    x.git(&["push", "-q", "-f", "origin", "forged:main"]);
    anna.git(&["fetch", "-q", "origin"]);
    anna.git(&["reflog", "expire", "--expire=now", "--all"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "documents/invoice/2026/000/INV-2026-0001.yaml: issued fiscal document changed",
        ))
        .stderr(predicate::str::contains("never take origin's history with `git reset --hard`"))
        .stderr(predicate::str::contains("no copy of this clone's"));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
}

/// Found by a team attack: an attachment whose name is not UTF-8 (a photo from an old
/// Windows share) was left out by sync without a word, and check was clean.
#[test]
fn a_file_whose_name_is_not_utf8_is_named_not_left_out_in_silence() {
    use std::os::unix::ffi::OsStrExt;
    let team = Team::new();
    let anna = team.clone("anna");
    let name = std::ffi::OsStr::from_bytes(b"foto-\xe8.jpg");
    std::fs::write(anna.dir.join("attachments/R-2026-0002").join(name), "foto").unwrap();
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.tkt(&["sync"]).assert().code(4).stderr(predicate::str::contains("its name is not UTF-8"));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    anna.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("its name is not UTF-8"));
}

/// Found by a team attack: an attachment deleted by hand (`rm`) while its request still
/// listed it was published as a hand edit, and every clone lost it.
#[test]
fn an_attachment_its_record_lists_deleted_by_hand_is_not_published() {
    let team = Team::new();
    let anna = team.clone("anna");
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    std::fs::remove_file(anna.dir.join("attachments/R-2026-0002/message.eml")).unwrap();
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(
        "attachments/R-2026-0002/message.eml: deleted by hand, and R-2026-0002 lists it",
    ));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    anna.git(&["checkout", "--", "attachments/R-2026-0002/message.eml"]);
    anna.sync();
    // Nor by a commit, going out or coming in (found by a remote attack: a teammate's
    // `git rm` of a customer's receipt came in, and check then failed on every clone).
    let marco = team.clone("marco");
    marco.sync();
    anna.git(&["rm", "-q", "attachments/R-2026-0002/message.eml"]);
    anna.git(&["commit", "-qm", "spazio"]);
    let said = "attachments/R-2026-0002/message.eml: deletes a file R-2026-0002 lists (commit ";
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(said));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    anna.git(&["push", "-q", "origin", "HEAD:main"]);
    let before = marco.state();
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(said));
    assert_eq!(marco.state(), before);
    assert!(marco.dir.join("attachments/R-2026-0002/message.eml").exists());
    // A folder in a record's place is no record, whatever it holds: its deletion is not
    // published (found by a review, when an unreadable file was first told from a deleted one).
    anna.git(&["reset", "-q", "--hard", remote.trim()]);
    anna.git(&["push", "-q", "-f", "origin", "HEAD:main"]);
    let ticket = marco.dir.join("tickets/2026/000/T-2026-0003.yaml");
    std::fs::remove_file(&ticket).unwrap();
    std::fs::create_dir(&ticket).unwrap();
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("tickets/2026/000/T-2026-0003.yaml: deleted by hand"));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head);
}

/// Found by a team attack: a server hook's refusal that mentioned "non-fast-forward" was
/// taken for a teammate's push, retried five times and reported as "kept moving", its
/// reason never shown.
#[test]
fn a_server_refusal_that_mentions_non_fast_forward_is_shown_as_a_refusal() {
    let team = Team::new();
    let anna = team.clone("anna");
    let hook = team.remote().join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'Denied by policy: non-fast-forward or unsigned pushes' >&2\nexit 1\n")
        .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    anna.ok(&["ticket", "note", "T-2026-0001", "nota"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("cannot push to origin"))
        .stderr(predicate::str::contains("Denied by policy"))
        // Refused again later: not "run tkt sync again later", nor git's closing words
        // (found by a scripting attack).
        .stderr(predicate::str::contains("the remote refuses this push"))
        .stderr(predicate::str::contains("run tkt sync again later").not())
        .stderr(predicate::str::contains("\nDone").not());
}

/// Found by a team attack: a remote that stopped answering held `tkt sync` — and the desk's
/// lock, the support form's and intake's with it — for as long as it hung. Unattended, a
/// fetch or push is stopped after TKT_NETWORK_TIMEOUT seconds, with what git started.
#[test]
fn a_remote_that_stops_answering_is_given_up_and_the_desk_is_free_again() {
    let team = Team::new();
    let anna = team.clone("anna");
    let hang = anna.dir.join("../hang.sh");
    let pid_file = anna.dir.join("../hang.pid");
    let script = format!("#!/bin/sh\necho $$ > '{}'\nsleep 30\nexec git-upload-pack \"$@\"\n", pid_file.display());
    std::fs::write(&hang, script).unwrap();
    std::fs::set_permissions(&hang, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    team.git(&anna.dir, &["config", "remote.origin.uploadpack", hang.to_str().unwrap()]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"])
        .env("TKT_NETWORK_TIMEOUT", "1")
        .assert()
        .code(5)
        .stderr(predicate::str::contains("origin sent nothing for 1 s during the fetch"));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    // What git started is stopped with it (found by a scripting attack: a cron job every
    // minute against a dead link piled up ssh processes): gone, or a zombie left to reap.
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    let state = stat.rsplit(')').next().unwrap_or_default().split_whitespace().next().unwrap_or("gone");
    assert!(["gone", "Z", "X"].contains(&state), "the remote's process lives on: {stat}");
    anna.ok(&["ticket", "note", "T-2026-0001", "chiamato il cliente"]);
    anna.tkt(&["sync"]).env("TKT_NETWORK_TIMEOUT", "soon").assert().code(2);
}

/// Found by a team attack: once a clone changed the company's Partita IVA in tkt.toml, every
/// other clone's sync refused its invoices — issued by tkt under the tkt.toml it brought —
/// as made by another company, for good.
#[test]
fn invoices_issued_after_a_change_of_the_companys_partita_iva_come_in() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let config = anna.read("tkt.toml").replace("vat_number = \"03912760984\"", "vat_number = \"01234567897\"");
    anna.write("tkt.toml", &config);
    anna.sync();
    anna.ok(&["ticket", "work", "T-2026-0013", "--hours", "2"]);
    let id = anna.ok(&["ticket", "invoice", "T-2026-0013"]);
    assert!(anna.read(&format!("documents/invoice/2026/000/{}.yaml", id.trim())).contains("01234567897"));
    anna.sync();
    marco.sync();
    assert!(marco.dir.join(format!("documents/invoice/2026/000/{}.yaml", id.trim())).exists());
    marco.tkt(&["check"]).assert().success();
}

/// Found by a team attack: a sync killed once it had moved HEAD onto this clone's invoice
/// written again (its link following a renumbering), before its log of what it issued said
/// so, left every later sync refusing the invoice as "changed since issued". Made here by
/// putting back the log and the journal as the kill left them.
#[test]
fn a_sync_killed_after_it_wrote_an_unpublished_invoice_again_is_settled_by_the_next() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    std::fs::create_dir_all(marco.dir.join(".tkt")).unwrap();
    std::fs::write(marco.dir.join(".tkt/settings.toml"), "series = \"MA\"\n").unwrap();
    anna.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di anna"]);
    marco.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Di marco"]);
    marco.ok(&["ticket", "work", "T-2026-0021", "--technician", "marco", "--hours", "1", "--activity", "prova"]);
    assert_eq!(marco.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0001-MA\n");
    anna.sync();
    let log = marco.dir.join(".tkt/issued/documents/invoice/2026");
    let logged = std::fs::read_to_string(&log).unwrap();
    marco.sync();
    let inv = "documents/invoice/2026/000/INV-2026-0001-MA.yaml";
    std::fs::write(&log, logged).unwrap();
    std::fs::write(marco.dir.join(".tkt/journal"), format!("!sync\n{inv}\n")).unwrap();
    marco.sync();
    marco.tkt(&["check"]).assert().success();
    assert!(marco.read(inv).contains("ticket: T-2026-0022"));
}

#[test]
fn a_document_taken_back_by_a_sync_that_then_fails_is_issued_again_and_published_by_the_next_sync() {
    let team = Team::new();
    let (_, marco) = offline_ddts_under_one_number(&team);
    // The remote refuses every push for a while: the sync fails after its take-back. It
    // pushes nothing before the document is issued again (the records naming it follow
    // it first), so the document is issued again here and goes out with the next sync.
    let hook = team.refuse_pushes();
    let out = marco.tkt(&["sync", "--resolve"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{said}");
    assert!(said.contains("DI-2026-0003 taken back and issued again as DI-2026-0004"), "{said}");
    assert!(marco.read("documents/ddt-in/2026/000/DI-2026-0003.yaml").contains("T-2026-0013"), "the remote's own");
    assert!(marco.read("documents/ddt-in/2026/000/DI-2026-0004.yaml").contains("T-2026-0016"), "marco's, issued again");
    marco.tkt(&["check"]).assert().success();
    std::fs::remove_file(&hook).unwrap();
    marco.sync();
    let remote_doc = team.git(&team.remote(), &["show", "main:documents/ddt-in/2026/000/DI-2026-0004.yaml"]);
    assert!(remote_doc.contains("ticket: T-2026-0016") && remote_doc.contains("CALD-35K"), "{remote_doc}");
    marco.tkt(&["check"]).assert().success();
}

/// Found by reviews: a payment of a taken-back invoice that could not be issued again
/// (dated before the remote's last) was pushed as a payment of the remote's invoice of
/// that number — another customer's —, and after a killed `sync --resolve` the next sync
/// pushed before issuing again. Nothing naming a kept document goes out.
#[test]
fn nothing_naming_a_taken_back_document_that_waits_is_pushed() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let invoice = |clone: &Clone, now: &str, customer: &str| {
        let ticket = clone.at(now, &["ticket", "create", "--customer", customer, "--title", "x"]).trim().to_string();
        clone.at(now, &["ticket", "work", &ticket, "--hours", "1"]);
        clone.at(now, &["ticket", "invoice", &ticket]).trim().to_string()
    };
    let mine = invoice(&marco, "2026-11-27T09:00:00+01:00", "C-0002");
    let pay = marco.at("2026-11-27T10:00:00+01:00", &["doc", "pay", &mine, "--amount", "10.00"]).trim().to_string();
    assert_eq!(invoice(&anna, "2026-11-28T09:00:00+01:00", "C-0004"), mine, "one number on both");
    anna.sync();
    let out = marco.tkt(&["sync", "--resolve"]).env("TKT_NOW", "2026-11-28T10:00:00+01:00").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{said}");
    assert!(said.contains(&format!("{mine} taken back and not issued again yet")), "{said}");
    assert!(said.contains(&format!("nothing was pushed: documents/payment/2026/000/{pay}.yaml name {mine}")), "{said}");
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(!remote.contains(&format!("{pay}.yaml")), "marco's payment stayed home");
    // A plain sync holds it back too.
    marco.tkt(&["sync"]).env("TKT_NOW", "2026-11-28T10:00:00+01:00").assert().code(5);
    anna.sync();
    anna.tkt(&["check"]).assert().success();
}

/// Found by a review: both clones invoiced one job offline under one number and one of
/// them recorded the payment; the remote's invoice is the same (work, customer, total), so
/// the payment pays it — the team was stuck for good, every push refused.
#[test]
fn a_payment_of_the_same_invoice_issued_on_both_clones_goes_out() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let ticket = anna.ok(&["ticket", "create", "--customer", "C-0002", "--title", "x"]).trim().to_string();
    anna.ok(&["ticket", "work", &ticket, "--hours", "1"]);
    anna.sync();
    marco.sync();
    let inv = anna.ok(&["ticket", "invoice", &ticket]).trim().to_string();
    assert_eq!(marco.ok(&["ticket", "invoice", &ticket]).trim(), inv);
    let pay = marco.ok(&["doc", "pay", &inv, "--amount", "10.00"]).trim().to_string();
    anna.sync();
    let said = marco.resolve();
    assert!(said.contains("already invoiced on the remote"), "{said}");
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(remote.contains(&format!("{pay}.yaml")), "the payment went out: {said}");
    marco.tkt(&["check"]).assert().success();
    marco.tkt(&["sync"]).assert().success();
}

/// Found by reviews: a clone whose sequence mark was behind gave again the number of a
/// ticket another clone created and deleted (a pull brought both), and the new ticket of
/// another customer inherited the deleted one's work report.
#[test]
fn a_number_a_pull_brought_and_a_deletion_took_away_is_never_given_again() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0001", "--title", "x"]), "T-2026-0021\n");
    marco.sync();
    anna.sync();
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0006", "--title", "y"]), "T-2026-0022\n");
    anna.ok(&["ticket", "work", "T-2026-0022", "--hours", "1"]);
    anna.git(&["rm", "-q", "tickets/2026/000/T-2026-0022.yaml"]);
    anna.git(&["commit", "-qm", "deleted by mistake"]);
    anna.sync();
    marco.sync();
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "z"]), "T-2026-0023\n");
}

/// A document taken back whose issue again is refused as it is — dated before the
/// remote's last of its series — is kept for a person, never dropped (found by a
/// hostile-remote review: the delivery note vanished from the desk with exit 0).
#[test]
fn a_taken_back_document_that_cannot_be_issued_again_as_it_is_is_kept() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    assert_eq!(marco.at("2026-11-27T09:00:00+01:00", &["ticket", "receive", "T-2026-0016"]), "DI-2026-0003\n");
    assert_eq!(anna.at("2026-11-28T09:00:00+01:00", &["ticket", "receive", "T-2026-0013"]), "DI-2026-0003\n");
    anna.sync();
    let out = marco.tkt(&["sync", "--resolve"]).env("TKT_NOW", "2026-11-28T10:00:00+01:00").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("DI-2026-0003 taken back and not issued again yet"), "{said}");
    assert!(said.contains("kept in .tkt/taken-back/DI-2026-0003.yaml"), "{said}");
    let kept = marco.read(".tkt/taken-back/DI-2026-0003.yaml");
    assert!(kept.contains("ticket: T-2026-0016"), "{kept}");
    marco.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("DI-2026-0003 was taken back"));
}

/// A `sync --resolve` killed after it issued a taken-back document again and before it
/// forgot its copy (found by killing it at random moments: about one kill in ten issued
/// the same goods twice): the next sync sees the commit and issues nothing more.
#[test]
fn a_document_issued_again_by_a_sync_killed_before_it_forgot_its_copy_is_not_issued_twice() {
    let team = Team::new();
    let (_, marco) = offline_ddts_under_one_number(&team);
    let di3 = "documents/ddt-in/2026/000/DI-2026-0003.yaml";
    let taken = marco.read(di3);
    assert!(marco.resolve().contains("issued again as DI-2026-0004"));
    // The state of the kill: the copy still kept, older than the commit that issued it.
    let copy = marco.dir.join(".tkt/taken-back/DI-2026-0003.yaml");
    std::fs::write(&copy, &taken).unwrap();
    let committed: u64 = marco
        .git(&["log", "-1", "--format=%ct", "--", "documents/ddt-in/2026/000/DI-2026-0004.yaml"])
        .trim()
        .parse()
        .unwrap();
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(committed);
    std::fs::File::options().write(true).open(&copy).unwrap().set_modified(at).unwrap();
    marco.tkt(&["check"]).assert().success();
    let said = marco.sync();
    assert!(said.contains("DI-2026-0003 taken back and issued again as DI-2026-0004"), "{said}");
    assert!(!marco.dir.join("documents/ddt-in/2026/000/DI-2026-0005.yaml").exists(), "{said}");
    assert!(!copy.exists());
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main", "documents/ddt-in"]);
    assert_eq!(remote.lines().count(), 4, "{remote}");
    // That commit issued that copy again, not another document taken back under the same
    // old number (found by a review: a waiting copy was forgotten for another clone's).
    std::fs::write(&copy, taken.replace("T-2026-0016", "T-2026-0015")).unwrap();
    std::fs::File::options().write(true).open(&copy).unwrap().set_modified(at).unwrap();
    let said = marco.sync();
    assert!(said.contains("DI-2026-0003 taken back and issued again as DI-2026-0005"), "{said}");
}

/// Found by a sync attack: a `sync --resolve` killed after it issued a taken-back invoice
/// again and before the payment naming it followed — the next `tkt sync` pushed first, and
/// the remote got a payment of the office's invoice of that number, another customer's.
/// That state is made here without a kill: the push fails, and the clone is put back to
/// the commit that issued the invoice again, before its payment followed, its copy kept.
#[test]
fn a_payment_is_never_pushed_naming_a_number_issued_again_by_a_sync_killed_before_it_followed() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    // Tickets and work published first, so that only the invoices collide.
    let worked = |clone: &Clone, customer: &str| {
        clone.sync();
        let ticket = clone.ok(&["ticket", "create", "--customer", customer, "--title", "x"]).trim().to_string();
        clone.ok(&["ticket", "work", &ticket, "--hours", "1"]);
        clone.sync();
        ticket
    };
    let (theirs, ours) = (worked(&anna, "C-0004"), worked(&marco, "C-0002"));
    let mine = marco.ok(&["ticket", "invoice", &ours]).trim().to_string();
    let pay = marco.ok(&["doc", "pay", &mine, "--amount", "10.00"]).trim().to_string();
    assert_eq!(anna.ok(&["ticket", "invoice", &theirs]).trim(), mine, "one number on both");
    anna.sync();
    let copy_bytes = marco.read(&format!("documents/invoice/2026/000/{mine}.yaml"));
    let hook = team.refuse_pushes();
    let out = marco.tkt(&["sync", "--resolve"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{said}");
    let again = "INV-2026-0008";
    assert!(said.contains(&format!("{mine} taken back and issued again as {again}")), "{said}");
    // The commit that issued it again, as it was before the payment followed it.
    let log = marco.git(&["log", "-g", "--format=%H %s"]);
    let issued: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(&format!("{again}: invoice issued again")))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let before_follow = issued.last().expect("the commit that issued it again");
    let paid = format!("documents/payment/2026/000/{pay}.yaml");
    assert!(marco.git(&["show", &format!("{before_follow}:{paid}")]).contains(&format!("invoice: {mine}")));
    marco.git(&["reset", "-q", "--hard", before_follow]);
    let copy = marco.dir.join(format!(".tkt/taken-back/{mine}.yaml"));
    std::fs::write(&copy, &copy_bytes).unwrap();
    let committed: u64 = marco.git(&["log", "-1", "--format=%ct", before_follow]).trim().parse().unwrap();
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(committed);
    std::fs::File::options().write(true).open(&copy).unwrap().set_modified(at).unwrap();
    std::fs::remove_file(&hook).unwrap();
    let said = marco.sync();
    assert!(said.contains(&format!("{paid}: its links follow {again}, issued again")), "{said}");
    let remote_pay = team.git(&team.remote(), &["show", &format!("main:{paid}")]);
    assert!(remote_pay.contains(&format!("invoice: {again}")), "{remote_pay}");
    assert!(!copy.exists());
    anna.sync();
    anna.tkt(&["check"]).assert().success();
}

/// A `sync --resolve` killed after it kept its copy of a document and before it took the
/// document out of history: the copy is not issued on its own, beside the document.
#[test]
fn a_copy_kept_by_a_sync_killed_before_its_take_back_is_not_issued() {
    let team = Team::new();
    let (_, marco) = offline_ddts_under_one_number(&team);
    let di3 = "documents/ddt-in/2026/000/DI-2026-0003.yaml";
    std::fs::create_dir_all(marco.dir.join(".tkt/taken-back")).unwrap();
    std::fs::write(marco.dir.join(".tkt/taken-back/DI-2026-0003.yaml"), marco.read(di3)).unwrap();
    marco.tkt(&["check"]).assert().success();
    let said = marco.resolve();
    assert!(said.contains("DI-2026-0003 taken back and issued again as DI-2026-0004"), "{said}");
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main", "documents/ddt-in"]);
    assert_eq!(remote.lines().count(), 4, "{remote}");
    marco.tkt(&["check"]).assert().success();
}

/// The remote rewound by a force-push after anna's invoice was published, and another
/// invoice issued there since under its number: marco, who had anna's, is told so, and
/// neither `sync` nor `sync --resolve` takes the published invoice back or renumbers it
/// (found by a hostile-remote review: `--resolve` called it "never reached the remote",
/// took it back and issued it again under another number).
#[test]
fn a_published_invoice_the_remote_lost_to_a_force_push_is_never_taken_back() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let base = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.ok(&["ticket", "create", "--customer", "C-0006", "--title", "Di anna"]);
    anna.ok(&["ticket", "work", "T-2026-0021", "--technician", "anna", "--hours", "1", "--activity", "prova"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0007\n");
    anna.sync();
    marco.sync();
    let inv = "documents/invoice/2026/000/INV-2026-0007.yaml";
    // An annotation added since changes nothing of what was issued.
    marco.write(inv, &format!("{}nota_interna: vista\n", marco.read(inv)));
    marco.git(&["commit", "-qam", "annotazione"]);
    let published = marco.read(inv);
    // The server is rewound, and carla, cloning it, issues her own INV-2026-0007.
    team.git(&team.remote(), &["update-ref", "refs/heads/main", base.trim()]);
    let carla = team.clone("carla");
    carla.ok(&["ticket", "create", "--customer", "C-0003", "--title", "Di carla"]);
    carla.ok(&["ticket", "work", "T-2026-0021", "--technician", "carla", "--hours", "3", "--activity", "prova"]);
    assert_eq!(carla.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0007\n");
    carla.sync();
    let head = marco.git(&["rev-parse", "HEAD"]);
    for args in [&["sync"][..], &["sync", "--resolve"][..]] {
        marco.tkt(args).assert().code(5).stderr(
            predicate::str::contains("origin/main no longer has commits it had")
                .and(predicate::str::contains(inv))
                .and(predicate::str::contains("never renumbered or taken back")),
        );
        assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "{args:?}");
        assert_eq!(marco.read(inv), published);
        assert!(!marco.dir.join(".tkt/taken-back/INV-2026-0007.yaml").exists());
    }
    marco.tkt(&["check"]).assert().success();
    // anna, who issued it, follows the message once people settled that carla's stands:
    // her clone takes the remote's history and, with `--resolve`, carla's invoice as the
    // one issued (found by a hostile-remote attack: every command then refused it as
    // "history rewritten after it was issued", and that message led back to the refusal).
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("tkt sync --resolve"));
    anna.git(&["branch", "keep"]);
    anna.git(&["reset", "-q", "--hard", "origin/main"]);
    anna.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("tkt sync --resolve"));
    let said = anna.resolve();
    assert!(said.contains("INV-2026-0007 is the remote's document now"), "{said}");
    anna.tkt(&["check"]).assert().success();
    let shown = anna.ok(&["doc", "show", "INV-2026-0007", "--format", "json"]);
    assert!(shown.contains("C-0003"), "{shown}");
    assert!(!anna.sync().contains("remote's document now"), "said once");
}

/// Found by a review: a remote rewrite that changed an invoice anna had published (its
/// price, with consistent totals) was called another document issued under its number,
/// and the way out that message gave (`--resolve`) took the altered invoice as issued.
#[test]
fn a_remote_rewrite_that_alters_a_published_invoice_is_named_and_never_taken_as_issued() {
    let team = Team::new();
    let (anna, carla) = (team.clone("anna"), team.clone("carla"));
    anna.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0013"]), "INV-2026-0007\n");
    anna.sync();
    anna.ok(&["ticket", "note", "T-2026-0013", "dopo"]);
    anna.sync();
    carla.sync();
    let inv = "documents/invoice/2026/000/INV-2026-0007.yaml";
    let issued = carla.git(&["log", "--format=%H", "--diff-filter=A", "-1", "--", inv]);
    let edit = format!("if [ -f {inv} ]; then sed -i -e \"s/unit_price: '45.00'/unit_price: '4.50'/\" {inv}; fi");
    let out = std::process::Command::new("git")
        .current_dir(&carla.dir)
        .env("FILTER_BRANCH_SQUELCH_WARNING", "1")
        .args(["filter-branch", "-f", "--tree-filter", &edit, "--", &format!("{}^..main", issued.trim())])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    carla.git(&["push", "-q", "-f", "origin", "main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains("the rewrite changed fiscal documents it had published")
            .and(predicate::str::contains(inv)),
    );
    anna.git(&["branch", "keep"]);
    anna.git(&["reset", "-q", "--hard", "origin/main"]);
    let said = anna.resolve();
    assert!(!said.contains("remote's document now"), "{said}");
    anna.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("history was rewritten after it was issued"));
}

/// A clone's own rewrite of an invoice it issued, force-pushed with git, is no collision a
/// `--resolve` settles: its log still names the invoice as rewritten after its issue.
#[test]
fn a_clones_own_force_pushed_rewrite_of_an_invoice_is_not_taken_as_issued_by_resolve() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0013"]), "INV-2026-0007\n");
    let inv = "documents/invoice/2026/000/INV-2026-0007.yaml";
    let text = anna.read(inv);
    let total = text.lines().find(|l| l.trim_start().starts_with("total:")).unwrap().to_string();
    anna.write(inv, &text.replace(&total, "  total: '1.00'"));
    anna.git(&["commit", "-q", "--amend", "-a", "--no-edit"]);
    anna.git(&["push", "-q", "-f", "origin", "main"]);
    anna.tkt(&["sync", "--resolve"]).output().unwrap();
    anna.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("history was rewritten after it was issued"));
}

/// The remote's history rewritten without losing anything (its last commit amended and
/// force-pushed): a ticket anna published is hers and carla's alike, not a new record of
/// each to renumber (found by a hostile-remote review: anna's sync made a duplicate
/// T-2026-0022 and pushed it).
#[test]
fn a_record_published_before_a_rewrite_of_the_remote_is_merged_not_renumbered() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Pubblicato da anna"]);
    anna.sync();
    let remote = team.remote();
    let tree = team.git(&remote, &["rev-parse", "main^{tree}"]);
    let parent = team.git(&remote, &["rev-parse", "main~1"]);
    let amended = team.git(&remote, &["commit-tree", tree.trim(), "-p", parent.trim(), "-m", "riscritto"]);
    team.git(&remote, &["update-ref", "refs/heads/main", amended.trim()]);
    let carla = team.clone("carla");
    carla.ok(&["ticket", "note", "T-2026-0021", "nota di carla"]);
    carla.sync();
    let said = anna.sync();
    assert!(!said.contains("is now"), "{said}");
    assert!(!anna.dir.join("tickets/2026/000/T-2026-0022.yaml").exists(), "{said}");
    assert!(anna.read("tickets/2026/000/T-2026-0021.yaml").contains("nota di carla"));
    anna.tkt(&["check"]).assert().success();
}

/// The remote rewound by a force-push, and carla makes her own T-2026-0021 there: anna's
/// published one is another record, renumbered, never merged into carla's (found by a
/// review of the rewrite handling: anna's ticket took carla's title and history).
#[test]
fn another_record_made_under_a_published_number_after_a_rewind_is_renumbered() {
    let team = Team::new();
    let anna = team.clone("anna");
    let carla = team.clone("carla");
    anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Pubblicato da anna"]);
    anna.sync();
    carla.git(&["push", "-q", "--force", "origin", "HEAD:main"]);
    carla.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Di carla dopo"]);
    carla.sync();
    anna.ok(&["ticket", "note", "T-2026-0021", "nota di anna"]);
    let said = anna.sync();
    assert!(said.contains("T-2026-0021 is now T-2026-0022"), "{said}");
    assert!(anna.read("tickets/2026/000/T-2026-0021.yaml").contains("Di carla dopo"));
    let mine = anna.read("tickets/2026/000/T-2026-0022.yaml");
    assert!(mine.contains("Pubblicato da anna") && mine.contains("nota di anna"), "{mine}");
}

/// marco sent his invoice to SDI, issued offline under the number anna published
/// meanwhile: it may be SDI's already, so `--resolve` does not take it back (found by a
/// fiscal review: the file sent as INV-2026-0007 then matched the other customer's
/// invoice). One only exported, a file that went nowhere, is taken back and issued again
/// without its old export, to be exported afresh.
#[test]
fn a_sent_invoice_is_never_taken_back_and_an_exported_one_is() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    for (clone, customer) in [(&anna, "C-0003"), (&marco, "C-0006")] {
        clone.ok(&["ticket", "create", "--customer", customer, "--title", "Lavoro"]);
        clone.ok(&["ticket", "work", "T-2026-0021", "--technician", clone.user, "--hours", "1", "--activity", "x"]);
        assert_eq!(clone.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0007\n");
    }
    marco.ok(&["doc", "export", "INV-2026-0007", "--dir", "../out"]);
    anna.sync();
    let inv = "documents/invoice/2026/000/INV-2026-0007.yaml";
    // As `tkt doc send` records it (an annotation, which may be written by hand too).
    let exported = marco.read(inv);
    marco.write(
        inv,
        &format!("{exported}  sent:\n  - file: IT03912760984_00001.xml\n    at: '2026-11-27T10:00:00+01:00'\n"),
    );
    marco.git(&["commit", "-qam", "inviata"]);
    let head = marco.git(&["rev-parse", "HEAD"]);
    let sent = marco.read(inv);
    for args in [&["sync"][..], &["sync", "--resolve"][..]] {
        marco.tkt(args).assert().code(5).stderr(
            predicate::str::contains("which this clone sent to SDI")
                .and(predicate::str::contains(format!("{inv} (sent as IT03912760984_00001.xml)")))
                .and(predicate::str::contains("git reset --hard origin/main")),
        );
        assert_eq!(marco.git(&["rev-parse", "HEAD"]), head, "{args:?}");
        assert_eq!(marco.read(inv), sent);
    }
    marco.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let said = marco.resolve();
    assert!(said.contains("INV-2026-0007 taken back and issued again as INV-2026-0008"), "{said}");
    // Its exported file stays where it was written, outside the desk: the user is told.
    assert!(
        said.contains("INV-2026-0007 had been exported as IT03912760984_00001.xml: that file is no invoice now, delete it and export INV-2026-0008"),
        "{said}"
    );
    let again = marco.read("documents/invoice/2026/000/INV-2026-0008.yaml");
    assert!(again.contains("customer: C-0006") && !again.contains("einvoice"), "{again}");
    let file = marco.ok(&["doc", "export", "INV-2026-0008", "--dir", "../out-again"]);
    let xml = std::fs::read_to_string(file.trim()).unwrap();
    assert!(xml.contains("<Numero>INV-2026-0008</Numero>"), "{xml}");
}

/// The office changes the invoices' prefix while marco, who does not know yet, invoices
/// offline: FT-2026-0007 there and INV-2026-0007 here are one number, and sync stops as
/// for one path; `--resolve` issues marco's again under the next number, with the prefix
/// the desk has now (found by a careless-office review: both were published).
#[test]
fn one_fiscal_number_under_two_prefixes_is_a_collision() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let config = anna.read("tkt.toml").replace(
        "[numbering.prefixes]\n",
        "[numbering.former_prefixes]\ninvoice = [\"INV\"]\n\n[numbering.prefixes]\ninvoice = \"FT\"\n",
    );
    anna.write("tkt.toml", &config);
    anna.sync();
    for (clone, customer) in [(&anna, "C-0003"), (&marco, "C-0006")] {
        clone.ok(&["ticket", "create", "--customer", customer, "--title", "Lavoro"]);
        clone.ok(&["ticket", "work", "T-2026-0021", "--technician", clone.user, "--hours", "1", "--activity", "x"]);
    }
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0021"]), "FT-2026-0007\n");
    assert_eq!(marco.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0007\n");
    anna.sync();
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(
        "documents/invoice/2026/000/INV-2026-0007.yaml was issued both here and on the remote with the same number",
    ));
    let said = marco.resolve();
    assert!(said.contains("INV-2026-0007 taken back and issued again as FT-2026-0008"), "{said}");
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main", "documents/invoice/2026"]);
    assert!(!remote.contains("INV-2026-0007") && remote.contains("FT-2026-0007"), "{remote}");
    assert!(remote.contains("FT-2026-0008"), "{remote}");
    marco.tkt(&["check"]).assert().success();
}

/// Two clones each record the customer's payment, or each credit the whole invoice, and
/// sync merges both (each clone in its own series): `tkt check` names the payments
/// beyond the invoice, and no refund is paid on credit notes that credit more than it —
/// money the customer never paid would go back (found by a fiscal review).
#[test]
fn payments_and_credit_notes_doubled_by_two_clones_are_named_and_refund_nothing() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    for (clone, series) in [(&anna, "AN"), (&marco, "MA")] {
        std::fs::create_dir_all(clone.dir.join(".tkt")).unwrap();
        std::fs::write(clone.dir.join(".tkt/settings.toml"), format!("series = \"{series}\"\n")).unwrap();
        clone.ok(&["doc", "pay", "INV-2026-0003", "--reference", series]);
        clone.ok(&["doc", "credit", "INV-2026-0003", "--reason", "annullata"]);
    }
    anna.sync();
    marco.sync();
    marco.tkt(&["check"]).assert().code(4).stdout(
        predicate::str::contains("INV-2026-0003.yaml: balance: payments total")
            .and(predicate::str::contains("at 22% credit notes would credit")),
    );
    marco
        .tkt(&["doc", "refund", "CN-2026-0001-MA"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("a refund on CN-2026-0001-MA"));
}

/// What every other clone's sync would refuse is not published: a file outside the
/// layout committed by `git add -A`, a link, a record that does not read (found by a
/// careless-office review: one clone's sync pushed them, and every other clone's stopped).
#[test]
fn sync_publishes_nothing_other_clones_would_refuse() {
    let team = Team::new();
    let anna = team.clone("anna");
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.write("appunti.txt", "appunti\n");
    std::os::unix::fs::symlink("/etc/passwd", anna.dir.join("tickets/2026/000/T-2026-0099.yaml")).unwrap();
    anna.git(&["add", "-A"]);
    anna.git(&["commit", "-qm", "wip"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains("no other clone would take")
            .and(predicate::str::contains("appunti.txt: not part of a desk's layout"))
            .and(predicate::str::contains("T-2026-0099.yaml: a symbolic link"))
            .and(predicate::str::contains("git rm --cached")),
    );
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote);
    anna.git(&["rm", "-q", "--cached", "appunti.txt", "tickets/2026/000/T-2026-0099.yaml"]);
    anna.git(&["commit", "-qm", "via"]);
    std::fs::remove_file(anna.dir.join("tickets/2026/000/T-2026-0099.yaml")).unwrap();
    anna.sync();
    let marco = team.clone("marco");
    marco.sync();
}

/// A `.gitignore` that ignores a folder of records (the remote's, or a careless edit)
/// hides no hand-made record from sync (found by a careless-office review: the customer
/// was never committed nor pushed, and nothing said so).
#[test]
fn a_record_a_gitignore_hides_is_synced_all_the_same() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.write(".gitignore", "customers/\n");
    anna.git(&["add", ".gitignore"]);
    anna.git(&["commit", "-qm", "ignora i clienti"]);
    let text = anna.read("customers/C-0001.yaml").replace("id: C-0001", "id: C-0099");
    anna.write("customers/C-0099.yaml", &text);
    // Only records: an attachment the user chose to ignore stays out of git.
    anna.write(".gitignore", "customers/\nattachments/*/private.pdf\n");
    anna.git(&["commit", "-qam", "e gli allegati privati"]);
    std::fs::create_dir_all(anna.dir.join("attachments/T-2026-0001")).unwrap();
    anna.write("attachments/T-2026-0001/private.pdf", "%PDF");
    let said = anna.sync();
    assert!(said.contains("1 hand edit(s) committed"), "{said}");
    let remote = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main", "customers", "attachments"]);
    assert!(remote.contains("customers/C-0099.yaml"), "{remote}");
    assert!(!remote.contains("private.pdf"), "{remote}");
    assert_eq!(anna.git(&["status", "--porcelain"]), "");
}

/// A sync that fails midway on a file it cannot write (here a file of marco's where the
/// remote has a folder) leaves the desk as it was, not half-merged until the next command
/// (found by a careless-office review).
#[test]
fn a_sync_that_cannot_write_a_file_leaves_the_desk_as_it_was() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.ok(&["ticket", "note", "T-2026-0001", "nota di anna"]);
    let mail = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/intake/mail/gmail_new_request.eml");
    anna.ok(&["import", "email", mail.to_str().unwrap()]);
    anna.sync();
    marco.write("attachments/R-2026-0004", "appunti di marco\n");
    let before = snapshot(&marco.dir);
    let out = marco.tkt(&["sync"]).output().unwrap();
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(snapshot(&marco.dir), before, "the desk as it was");
    assert_eq!(marco.git(&["status", "--porcelain"]), "?? attachments/R-2026-0004\n");
    let check = marco.tkt(&["check"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&check.stdout).contains("interrupted"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// A lock file a push cut short left on the server keeps the branch locked: sync says so,
/// with git's words and where the lock is, instead of "the push was rejected 5 times"
/// (found by a hostile-remote review).
#[test]
fn a_branch_left_locked_on_the_server_is_named_as_such() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.ok(&["ticket", "note", "T-2026-0001", "nota"]);
    let lock = team.remote().join("refs/heads/main.lock");
    std::fs::write(&lock, "").unwrap();
    anna.tkt(&["sync"]).assert().code(5).stderr(
        predicate::str::contains("origin's branch main stayed locked through 5 pushes")
            .and(predicate::str::contains("main.lock"))
            .and(predicate::str::contains("refs/heads/main.lock in the remote repository")),
    );
    std::fs::remove_file(&lock).unwrap();
    anna.sync();
}

/// A pull inside an online-numbered command that renumbers this clone's ticket: the id the
/// user typed now names the office's ticket, of another customer. Nothing is issued on
/// it: the command stops and says what moved (found by a hostile-remote review: the
/// invoice billed the other customer's ticket).
#[test]
fn an_online_invoice_is_not_issued_on_an_id_the_pull_renumbered() {
    let team = Team::new();
    let anna = online_with_work(&team);
    let marco = team.clone("marco");
    anna.ok(&["ticket", "create", "--customer", "C-0006", "--title", "Di Anna"]);
    anna.ok(&["ticket", "work", "T-2026-0023", "--hours", "4"]);
    anna.sync();
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0003", "--title", "Di Marco"]), "T-2026-0023\n");
    marco.ok(&["ticket", "work", "T-2026-0023", "--hours", "1"]);
    marco.tkt(&["ticket", "invoice", "T-2026-0023"]).assert().code(5).stderr(
        predicate::str::contains("T-2026-0023 is now T-2026-0024").and(predicate::str::contains("nothing was issued")),
    );
    assert!(!remote_files(&team).contains("documents/invoice/2026/000/INV-2026-0007"), "nothing published");
    assert!(!marco.dir.join("documents/invoice/2026/000/INV-2026-0007.yaml").exists());
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    // With the new number, marco's own work is invoiced to his customer.
    assert_eq!(marco.ok(&["ticket", "invoice", "T-2026-0024"]), "INV-2026-0007\n");
    assert!(marco.read("documents/invoice/2026/000/INV-2026-0007.yaml").contains("customer: C-0003"));
}

/// An invoice issued in this clone and not yet published, then changed with plain git:
/// sync publishes neither the change nor the invoice (found by a hostile-remote review:
/// only documents the remote had were compared).
#[test]
fn an_unpublished_invoice_changed_by_a_git_commit_is_not_published() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.ok(&["ticket", "create", "--customer", "C-0006", "--title", "Lavoro"]);
    anna.ok(&["ticket", "work", "T-2026-0021", "--hours", "1"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0007\n");
    let rel = "documents/invoice/2026/000/INV-2026-0007.yaml";
    let issued = anna.read(rel);
    let date = issued.lines().find(|l| l.starts_with("date: ")).unwrap();
    std::fs::write(anna.dir.join(rel), issued.replacen(date, "date: 2026-01-02", 1)).unwrap();
    anna.git(&["commit", "-qam", "fix the date"]);
    let remote_head = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("INV-2026-0007.yaml: issued fiscal document changed (date)"));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote_head, "nothing was pushed");
}

/// anna and marco each open T-2026-0021 offline, report work and invoice it: marco's ticket
/// and work report are renumbered by the merge, and his invoice, taken back, follows them
/// when it is issued again (found by a hostile-remote review: it was dropped as billing
/// anna's work; a DDT was issued again on anna's ticket).
#[test]
fn a_document_taken_back_follows_the_renumbering_of_what_it_names() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    for (who, customer) in [(&anna, "C-0006"), (&marco, "C-0003")] {
        assert_eq!(who.ok(&["ticket", "create", "--customer", customer, "--title", "Lavoro"]), "T-2026-0021\n");
        who.ok(&["ticket", "work", "T-2026-0021", "--hours", "1"]);
        assert_eq!(who.ok(&["ticket", "invoice", "T-2026-0021"]), "INV-2026-0007\n");
    }
    anna.sync();
    marco.tkt(&["sync"]).assert().code(5);
    let out = marco.tkt(&["sync", "--resolve"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("INV-2026-0007 taken back and issued again as INV-2026-0008"), "{said}");
    let again = marco.read("documents/invoice/2026/000/INV-2026-0008.yaml");
    assert!(again.contains("ticket: T-2026-0022") && again.contains("customer: C-0003"), "{again}");
    let report = marco.ok(&["doc", "list", "--kind", "work-report", "--format", "json"]);
    let ours: Vec<serde_json::Value> = serde_json::from_str::<Vec<serde_json::Value>>(&report)
        .unwrap()
        .into_iter()
        .filter(|d| d["ticket"] == "T-2026-0022")
        .collect();
    assert_eq!(ours.len(), 1);
    assert!(again.contains(ours[0]["id"].as_str().unwrap()), "the invoice bills marco's own work report: {again}");
    marco.tkt(&["ticket", "invoice", "T-2026-0022"]).assert().code(4);
    marco.tkt(&["check"]).assert().success();
}

/// Two clones import different e-mails offline: both become R-2026-0004, each with its
/// `message.eml`. The merge renumbers this clone's request and its attachments with it
/// (found by a hostile-remote review: the attachment stopped every sync for good).
#[test]
fn two_mails_imported_offline_under_one_number_are_both_kept() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let mail = |from: &str, id: &str| {
        format!(
            "From: {from}\nSubject: Guasto {id}\nMessage-ID: <{id}@x>\nContent-Type: text/plain\n\nLa caldaia {id}.\n"
        )
    };
    for (who, id) in [(&anna, "uno"), (&marco, "due")] {
        who.tkt(&["import", "email", "-"])
            .write_stdin(mail("mario.rossi@mail.example", id))
            .assert()
            .success()
            .stdout("R-2026-0004\n");
    }
    anna.sync();
    marco.sync();
    anna.sync();
    for who in [&anna, &marco] {
        assert!(who.read("attachments/R-2026-0004/message.eml").contains("La caldaia uno"));
        assert!(who.read("attachments/R-2026-0005/message.eml").contains("La caldaia due"));
        let r: serde_yaml::Value = serde_yaml::from_str(&who.read("requests/2026/R-2026-0005.yaml")).unwrap();
        assert!(serde_yaml::to_string(&r).unwrap().contains("attachments/R-2026-0005/message.eml"), "{r:?}");
        who.tkt(&["check"]).assert().success();
    }
}

/// An invoice issued and deleted again in two commits is no change between the two trees,
/// but it was issued: sync publishes neither, and takes in neither from the remote (found
/// by a careless-office review: both went through, and every clone's check failed since).
#[test]
fn an_invoice_issued_and_deleted_in_two_commits_is_neither_published_nor_taken_in() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let remote_before = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.ok(&["ticket", "work", "T-2026-0013", "--technician", "anna", "--hours", "2", "--activity", "x"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0013"]), "INV-2026-0007\n");
    let inv = "documents/invoice/2026/000/INV-2026-0007.yaml";
    anna.git(&["rm", "-q", inv]);
    anna.git(&["commit", "-qm", "undo"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{inv}: an issued fiscal document deleted")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote_before, "nothing published");
    // The same two commits pushed by plain git are not taken in.
    anna.git(&["push", "-q", "origin", "main"]);
    let marco_head = marco.git(&["rev-parse", "HEAD"]);
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{inv}: an issued fiscal document deleted")));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), marco_head);
}

/// anna and marco each import the customer's reply to one ticket: both keep it as the
/// ticket's `message.eml`. Sync keeps both messages, marco's under the next free name with
/// his note pointing at it (found by a careless-office review: sync stopped, and the merge
/// its hint asked for kept one message for both notes).
#[test]
fn two_clones_storing_an_attachment_under_one_name_keep_both() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let reply = |who: &str| {
        format!(
            "From: amministrazione@lequerce.example\nTo: assistenza@termoclimabianchi.example\n\
             Subject: Re: [T-2026-0016] caldaia\nDate: Thu, 26 Nov 2026 10:00:00 +0100\n\
             Message-ID: <{who}@mail.example>\nContent-Type: text/plain; charset=utf-8\n\nRisposta per {who}.\n"
        )
    };
    for clone in [&anna, &marco] {
        let file = clone.dir.join(format!("../{}.eml", clone.user));
        std::fs::write(&file, reply(clone.user)).unwrap();
        assert_eq!(clone.ok(&["import", "email", file.to_str().unwrap()]), "T-2026-0016\n");
    }
    anna.sync();
    marco.sync();
    anna.sync();
    for clone in [&anna, &marco] {
        let ticket: serde_yaml::Value = serde_yaml::from_str(&clone.read("tickets/2026/000/T-2026-0016.yaml")).unwrap();
        let notes = ticket["notes"].as_sequence().unwrap();
        for who in ["anna", "marco"] {
            let note =
                notes.iter().find(|n| n["text"].as_str().is_some_and(|t| t.contains(&format!("per {who}")))).unwrap();
            let kept = note["attachments"][0].as_str().unwrap();
            assert!(clone.read(kept).contains(&format!("Risposta per {who}.")), "{who}'s note names {kept}");
        }
        clone.tkt(&["check"]).assert().success();
    }
    assert!(marco.read("attachments/T-2026-0016/message-2.eml").contains("Risposta per marco."));
}

/// One e-mail delivered to two mailboxes (its copies differ in a `Delivered-To` line),
/// imported on both clones under one number, marco noting it: the request names the
/// remote's stored message, never marco's copy beside it (found by a real-mail attack: the
/// remote's `message.eml` was left named by no record).
#[test]
fn one_email_from_two_mailboxes_keeps_the_remotes_stored_message() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let mail = "From: Mario Rossi <mario.rossi@mail.example>\nSubject: Caldaia in blocco\n\
                Message-ID: <m1@mail.example>\n\nLa caldaia e in blocco.\n";
    for (clone, to) in [(&anna, "anna@office.example"), (&marco, "marco@office.example")] {
        let file = team.tmp.path().join(format!("{}.eml", clone.user));
        std::fs::write(&file, format!("Delivered-To: {to}\n{mail}")).unwrap();
        assert_eq!(clone.ok(&["import", "email", file.to_str().unwrap()]), "R-2026-0004\n");
    }
    marco.ok(&["request", "note", "R-2026-0004", "richiamato"]);
    anna.sync();
    marco.sync();
    let request = marco.read("requests/2026/R-2026-0004.yaml");
    assert!(request.contains("attachments/R-2026-0004/message.eml") && request.contains("richiamato"), "{request}");
    assert!(marco.read("attachments/R-2026-0004/message.eml").contains("anna@office.example"));
}

/// A request folded into the remote's, another request of the same second now under its
/// old number, is no note taken away: check stays clean on both clones (found by reviews:
/// it named the note for good, and its hint would have put it on the other request).
#[test]
fn a_request_folded_into_the_remotes_leaves_check_clean() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let mail = |n: u32| {
        format!(
            "From: Cliente {n} <cliente{n}@mail.example>\nSubject: Guasto {n}\nMessage-ID: <m{n}@mail.example>\n\nGuasto.\n"
        )
    };
    let import = |clone: &Clone, n: u32| {
        let file = team.tmp.path().join(format!("{}-{n}.eml", clone.user));
        std::fs::write(&file, mail(n)).unwrap();
        clone.at("2026-11-27T09:00:00+01:00", &["import", "email", file.to_str().unwrap()])
    };
    assert_eq!(import(&anna, 1), "R-2026-0004\n");
    anna.at("2026-11-27T09:05:00+01:00", &["request", "note", "R-2026-0004", "richiamato"]);
    anna.ok(&["check"]);
    assert_eq!(import(&marco, 2), "R-2026-0004\n");
    assert_eq!(import(&marco, 1), "R-2026-0005\n");
    marco.sync();
    assert!(anna.sync().contains("R-2026-0004 is now R-2026-0005"));
    marco.sync();
    for clone in [&anna, &marco] {
        assert!(clone.read("requests/2026/R-2026-0005.yaml").contains("richiamato"), "{}", clone.user);
        clone.ok(&["check"]);
    }
}

/// A plain commit whose message says what a tkt merge says ("T-2026-0020 is now
/// T-2026-0019") moves nothing: this clone's note stays on its ticket, never another
/// customer's (found by a hostile-remote attack: the note, a work report and an invoice
/// were moved to another customer's ticket by one commit's message).
#[test]
fn a_renumbering_said_by_a_plain_commit_moves_nothing() {
    let team = Team::new();
    let (anna, rogue) = (team.clone("anna"), team.clone("marco"));
    anna.ok(&["ticket", "note", "T-2026-0020", "nota di anna"]);
    let field = |text: &str, key: &str| text.lines().find(|l| l.starts_with(key)).unwrap().to_string();
    let (from, to) = ("tickets/2026/000/T-2026-0020.yaml", "tickets/2026/000/T-2026-0019.yaml");
    let (moved, other) = (rogue.read(from), rogue.read(to));
    let mut forged = other.clone();
    for key in ["opened_at:", "opened_by:"] {
        forged = forged.replace(&field(&other, key), &field(&moved, key));
    }
    rogue.write(to, &forged);
    rogue.write(from, &moved.replace(&field(&moved, "priority:"), "priority: urgent"));
    rogue.git(&["commit", "-qam", "tkt sync: merge origin/main\n\nT-2026-0020 is now T-2026-0019"]);
    rogue.git(&["push", "-q", "origin", "main"]);
    anna.sync();
    assert!(anna.read(from).contains("nota di anna"), "{}", anna.read(from));
    assert!(!anna.read(to).contains("nota di anna"));
}

/// A reply with a photo, as a mail client sends it.
fn reply_with(id: &str, who: &str, name: &str) -> String {
    let from = if id.starts_with('T') { "amministrazione@lequerce.example" } else { "mario.rossi@mail.example" };
    format!(
        "From: {from}\nSubject: Re: [{id}] caldaia\nMessage-ID: <{who}-{id}@mail.example>\n\
         MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\n\
         Content-Type: text/plain; charset=utf-8\n\nRisposta di {who}.\n--XX\n\
         Content-Type: image/jpeg; name={name}\nContent-Disposition: attachment; filename={name}\n\n\
         foto di {who}\n--XX--\n"
    )
}

/// Each note of a reply points at its own photo after the sync, when both clones stored one
/// under a name that differs only in case (one file on Windows and macOS: it stopped every
/// other clone's sync), or under one name for a request each numbered apart and the sync
/// folded into one (the photo of one was dropped for the other's): found by real-mail
/// attacks.
#[test]
fn photos_two_clones_stored_under_one_name_or_its_case_are_all_kept() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let mail =
        "From: mario.rossi@mail.example\nSubject: Caldaia in blocco\nMessage-ID: <m1@mail.example>\n\nIn blocco.\n";
    let import = |clone: &Clone, name: &str, text: &str| {
        let file = team.tmp.path().join(format!("{}-{name}.eml", clone.user));
        std::fs::write(&file, text).unwrap();
        clone.ok(&["import", "email", file.to_str().unwrap()])
    };
    assert_eq!(import(&anna, "m1", mail), "R-2026-0004\n");
    marco.ok(&["request", "create", "--channel", "phone", "--customer", "C-0001", "--subject", "Controllo"]);
    assert_eq!(import(&marco, "m1", mail), "R-2026-0005\n");
    import(&anna, "r1", &reply_with("R-2026-0004", "anna", "foto.jpg"));
    import(&marco, "r1", &reply_with("R-2026-0005", "marco", "foto.jpg"));
    // A second reply there, its photo kept as foto-2.jpg: no name the first takes (a review).
    import(&marco, "r2", &reply_with("R-2026-0005", "bruno", "foto.jpg"));
    import(&anna, "t1", &reply_with("T-2026-0016", "anna", "FOTO.JPG"));
    import(&marco, "t1", &reply_with("T-2026-0016", "marco", "foto.jpg"));
    anna.sync();
    marco.sync();
    anna.sync();
    anna.sync();
    for clone in [&anna, &marco] {
        for (file, writers) in [
            ("requests/2026/R-2026-0004.yaml", &["anna", "marco", "bruno"][..]),
            ("tickets/2026/000/T-2026-0016.yaml", &["anna", "marco"]),
        ] {
            let record: serde_yaml::Value = serde_yaml::from_str(&clone.read(file)).unwrap();
            for who in writers {
                let of = |n: &&serde_yaml::Value| n["text"].as_str().is_some_and(|t| t.contains(&format!("di {who}")));
                let notes = record["notes"].as_sequence().unwrap();
                let note = notes.iter().find(of).unwrap_or_else(|| panic!("{}: {file}: {notes:?}", clone.user));
                let photos: Vec<&str> = note["attachments"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .filter_map(|a| a.as_str())
                    .filter(|a| !a.ends_with(".eml"))
                    .collect();
                assert_eq!(photos.len(), 1, "{}: {file}: {note:?}", clone.user);
                assert_eq!(clone.read(photos[0]).trim(), format!("foto di {who}"), "{}: {file}", clone.user);
            }
        }
        clone.tkt(&["check"]).assert().success();
    }
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), marco.git(&["rev-parse", "HEAD"]));
}

/// The remote's last commit amended to correct a ticket anna published, and force-pushed:
/// carla's amended ticket is anna's, merged with her note, not a new record renumbered
/// into a duplicate (found by a careless-office review: one ticket twice, the note on the
/// copy).
#[test]
fn a_published_record_amended_on_the_remote_is_merged_not_duplicated() {
    let team = Team::new();
    let (anna, carla) = (team.clone("anna"), team.clone("carla"));
    carla.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Caldaia in bloco"]);
    carla.sync();
    anna.sync();
    anna.ok(&["ticket", "note", "T-2026-0021", "sul posto"]);
    let file = "tickets/2026/000/T-2026-0021.yaml";
    carla.write(file, &carla.read(file).replace("in bloco", "in blocco"));
    carla.git(&["commit", "-q", "--amend", "-a", "--no-edit"]);
    carla.git(&["push", "-q", "-f", "origin", "main"]);
    let said = anna.sync();
    assert!(!said.contains("is now"), "{said}");
    assert!(!anna.dir.join("tickets/2026/000/T-2026-0022.yaml").exists(), "{said}");
    let ticket = anna.read(file);
    assert!(ticket.contains("in blocco") && ticket.contains("sul posto"), "{ticket}");
    anna.tkt(&["check"]).assert().success();
}

/// What would leave every other clone unable to work is neither taken in nor published: a
/// `.gitattributes` that has git write the records in another encoding, a file name a
/// Windows clone cannot check out, a state catalog without its initial state (found by a
/// careless-office review: each went through, and no command worked after).
#[test]
fn sync_takes_in_no_attributes_names_or_catalog_that_break_other_clones() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let head = anna.git(&["rev-parse", "HEAD"]);
    let attributes = marco.read(".gitattributes");
    // Found by a hostile-remote review: a .gitattributes below the desk's top and a folder's
    // name were not looked at (the support form's script was made UTF-16 on every clone).
    let breakers: [(&str, &dyn Fn(), &str, &str); 9] = [
        // Found by a hostile-remote attack: a later line won over tkt's merge driver, and a
        // plain `git pull` kept both sides' `title:` in a record no command read again.
        (
            "merge driver",
            &|| marco.write(".gitattributes", &format!("{attributes}*.yaml merge=union\n")),
            ".gitattributes",
            "sets merge=union: git would merge the records otherwise than tkt",
        ),
        (
            "encoding",
            &|| marco.write(".gitattributes", &format!("{attributes}*.yaml working-tree-encoding=UTF-16\n")),
            ".gitattributes",
            "working-tree-encoding",
        ),
        // Found by a hostile-remote attack: every clone made after it had its PDFs
        // corrupted and the form's script ending its lines in CR.
        (
            "line endings",
            &|| marco.write(".gitattributes", &format!("{attributes}* text eol=crlf\n")),
            ".gitattributes",
            "sets text, which would make git write or commit",
        ),
        // Found by a hostile-remote attack: attachments committed after it lost their CRs.
        (
            "line endings in",
            &|| marco.write(".gitattributes", &format!("{attributes}*.pdf eol=lf\n")),
            ".gitattributes",
            "sets eol=lf, which would make git write or commit",
        ),
        (
            "encoding below",
            &|| marco.write("web/.gitattributes", "*.cgi working-tree-encoding=UTF-16LE\n"),
            "web/.gitattributes",
            "web/.gitattributes: its line",
        ),
        (
            "device folder",
            &|| {
                std::fs::create_dir_all(marco.dir.join("web/aux")).unwrap();
                marco.write("web/aux/x.html", "x");
            },
            "web",
            "web/aux/x.html: a name a Windows or macOS clone cannot check out",
        ),
        (
            "device",
            &|| {
                std::fs::create_dir_all(marco.dir.join("attachments/T-2026-0016")).unwrap();
                marco.write("attachments/T-2026-0016/CON", "x");
            },
            "attachments",
            "a name a Windows or macOS clone cannot check out",
        ),
        (
            "catalog",
            &|| std::fs::remove_file(marco.dir.join("states/nuovo.yaml")).unwrap(),
            "states",
            "the state catalog would not hold together",
        ),
        // Found by a hostile-remote attack: a customer deleted by plain git came in, and
        // the records naming it named no one.
        (
            "customer",
            &|| std::fs::remove_file(marco.dir.join("customers/C-0001.yaml")).unwrap(),
            "customers",
            "deletes customer C-0001, whom records still name",
        ),
    ];
    for (what, breaks, path, says) in breakers {
        let before = marco.git(&["rev-parse", "HEAD"]);
        breaks();
        marco.git(&["add", "--all", "--", path]);
        marco.git(&["commit", "-qm", what]);
        // Not published by tkt...
        marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(says));
        // ...nor taken in when pushed by plain git.
        marco.git(&["push", "-q", "origin", "main"]);
        anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(says));
        assert_eq!(anna.git(&["rev-parse", "HEAD"]), head, "{what}");
        marco.git(&["reset", "-q", "--hard", before.trim()]);
        marco.git(&["push", "-q", "-f", "origin", "main"]);
    }
    // A clone made with plain git has them: check names the line.
    marco.write(".gitattributes", &format!("{attributes}*.pdf eol=crlf\n"));
    marco
        .tkt(&["check"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains(".gitattributes: its line \"*.pdf eol=crlf\""));
    // Nor one that converts line endings when a file is committed: a PDF or the customer's
    // original message would be published without its CRs (found by a hostile-remote attack).
    for line in ["*.pdf eol=lf", "* text=auto", "*.eml text"] {
        marco.write(".gitattributes", &format!("{attributes}{line}\n"));
        marco.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains(format!("its line {line:?}")));
    }
    // Turning conversion off is no such line.
    marco.write(".gitattributes", &format!("{attributes}*.pdf -text\n* -text\n"));
    marco.tkt(&["check"]).assert().success();
    // Nor as hand edits, which sync would commit (found by a review of this fix).
    marco.write(".gitattributes", &format!("{attributes}*.yaml filter=evil\n"));
    marco
        .tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("your hand edits hold what no other clone would take"));
    marco.write(".gitattributes", &attributes);
    let state = marco.read("states/nuovo.yaml");
    marco.write("states/nuovo.yaml", &state.replace("initial: true", "initial: false"));
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("the state catalog would not hold together"));
    marco.write("states/nuovo.yaml", &state);
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    // A record named so before tkt refused such ids keeps its name, and syncs.
    marco.write("items/AUX.yaml", &marco.read("items/CALD-24K.yaml").replace("code: CALD-24K", "code: AUX"));
    marco.sync();
}

/// A hidden file left in the desk's folders (`web/.env` with a password, `.DS_Store`) is
/// not a hand edit: sync neither commits nor publishes it (found by a careless-office
/// review: a secret was pushed); a new page of the form is.
#[test]
fn sync_commits_no_hidden_file() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.write("web/.env", "PEC_PASSWORD=segreta\n");
    std::fs::create_dir_all(anna.dir.join("web/.secrets")).unwrap();
    anna.write("web/.secrets/env", "PEC_PASSWORD=segreta\n");
    anna.write("web/.DS_Store", "x");
    anna.write("web/grazie.html", "<p>Grazie</p>\n");
    let said = anna.sync();
    assert!(said.contains("1 hand edit(s) committed"), "{said}");
    let published = team.git(&team.remote(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(published.contains("web/grazie.html") && !published.contains(".env") && !published.contains(".DS_Store"));
    assert!(!published.contains(".secrets"), "nor a file in a hidden folder: {published}");
}

/// Two clones, each in its series, invoice the same work offline: check names it billed
/// twice until one invoice is credited whole, then is clean again (found by a fiscal
/// review: the finding could never be cleared).
#[test]
fn work_billed_twice_by_two_clones_is_settled_by_crediting_one_invoice() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    anna.ok(&["ticket", "work", "T-2026-0013", "--technician", "anna", "--hours", "1", "--activity", "x"]);
    anna.sync();
    marco.sync();
    for (clone, series) in [(&anna, "AA"), (&marco, "BB")] {
        std::fs::write(clone.dir.join(".tkt/settings.toml"), format!("series = \"{series}\"\n")).unwrap();
        clone.ok(&["ticket", "invoice", "T-2026-0013"]);
    }
    anna.sync();
    marco.sync();
    marco.tkt(&["check"]).assert().code(4).stdout(predicate::str::contains("is already billed by"));
    marco.ok(&["doc", "credit", "INV-2026-0001-BB", "--reason", "fatturato due volte"]);
    marco.tkt(&["check"]).assert().success();
}

/// A remote made anew (a new root commit) on which an issued invoice differs: sync and
/// `--resolve` both say the histories share nothing and a person must settle it, instead
/// of offering a take-back that cannot happen (found by a careless-office review).
#[test]
fn a_remote_made_anew_with_other_fiscal_documents_needs_a_person() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.git(&["checkout", "-q", "--orphan", "anew"]);
    marco.write(INV1, &marco.read(INV1).replace("60 gg fine mese", "30 gg"));
    marco.git(&["add", "-A"]);
    marco.git(&["commit", "-qm", "da capo"]);
    marco.git(&["push", "-q", "-f", "origin", "anew:main"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    for args in [&["sync"][..], &["sync", "--resolve"][..]] {
        anna.tkt(args)
            .assert()
            .code(5)
            .stderr(predicate::str::contains("shares no commit with this clone's").and(predicate::str::contains(INV1)));
        assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    }
}

/// The same e-mail imported on two clones is one request, and the same reply one note,
/// after sync (found by a careless-office review: a duplicate request, renumbered, and
/// two identical notes).
#[test]
fn one_mail_imported_on_two_clones_is_one_request_and_one_note() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let mail = "From: gianni@gmail.example\nSubject: Lavatrice\nMessage-ID: <same@gmail.example>\n\
                Content-Type: text/plain\n\nNon centrifuga.\n";
    let reply = "From: amministrazione@lequerce.example\nSubject: Re: [T-2026-0016] x\n\
                 Message-ID: <reply@lequerce.example>\nContent-Type: text/plain\n\nGrazie.\n";
    // Imported a few minutes apart.
    for (clone, now) in [(&anna, "2026-11-27T10:00:00+01:00"), (&marco, "2026-11-27T10:05:00+01:00")] {
        let import =
            |text: &str| clone.tkt(&["import", "email", "-"]).env("TKT_NOW", now).write_stdin(text).assert().success();
        import(mail).stdout("R-2026-0004\n");
        import(reply);
    }
    // A reply to the request marco alone received is kept (found by a review of this fix:
    // the remote's request replaced his, and the note went with it).
    let again = "From: gianni@gmail.example\nSubject: Re: Lavatrice\nIn-Reply-To: <same@gmail.example>\n\
                 Message-ID: <r2@gmail.example>\nContent-Type: text/plain\n\nE perde acqua dal fondo.\n";
    marco
        .tkt(&["import", "email", "-"])
        .env("TKT_NOW", "2026-11-27T10:06:00+01:00")
        .write_stdin(again)
        .assert()
        .success();
    anna.sync();
    let said = marco.sync();
    assert!(!said.contains("is now"), "{said}");
    anna.sync();
    for clone in [&anna, &marco] {
        assert!(!clone.dir.join("requests/2026/R-2026-0005.yaml").exists());
        let ticket = clone.read("tickets/2026/000/T-2026-0016.yaml");
        assert_eq!(ticket.matches("reply@lequerce.example").count(), 1, "{ticket}");
        let request = clone.read("requests/2026/R-2026-0004.yaml");
        assert!(request.contains("E perde acqua dal fondo."), "{}: {request}", clone.user);
        clone.tkt(&["check"]).assert().success();
    }
}

/// tkt.toml changed in other lines on two clones merges as git would (found by a
/// careless-office review: every such sync stopped, though git merged it cleanly); a merge
/// that would not read is still refused.
#[test]
fn tkt_toml_changed_in_other_lines_on_two_clones_merges() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let config = anna.read("tkt.toml");
    anna.write(
        "tkt.toml",
        &config.replace("name = \"Termoclima Bianchi S.r.l.\"", "name = \"Termoclima Bianchi S.p.A.\""),
    );
    anna.sync();
    marco.write("tkt.toml", &format!("{config}\n[fields.impianto]\ntype = \"string\"\n"));
    marco.sync();
    anna.sync();
    for clone in [&anna, &marco] {
        let merged = clone.read("tkt.toml");
        assert!(merged.contains("S.p.A.") && merged.contains("[fields.impianto]"), "{}: {merged}", clone.user);
        clone.tkt(&["check"]).assert().success();
    }
}

/// Found by an SDI attack: two clones exported one invoice offline, each its own file, and
/// one sent its file to SDI. The merge took the file exported later as the invoice's
/// current one, so the sent file's receipts were "not found" and `doc send` would mail SDI
/// a second file of the same invoice. The file SDI has stays current; the other is kept
/// among the replaced ones, so its progressivo is never given again.
#[test]
fn the_file_sent_to_sdi_stays_an_invoices_own_when_two_clones_exported_it_offline() {
    let team = Team::new();
    let (anna, bruno) = (team.clone("anna"), team.clone("bruno"));
    for (clone, series) in [(&anna, "AN"), (&bruno, "BR")] {
        std::fs::create_dir_all(clone.dir.join(".tkt")).unwrap();
        std::fs::write(clone.dir.join(".tkt/settings.toml"), format!("series = \"{series}\"\n")).unwrap();
    }
    let inv = "documents/invoice/2026/000/INV-2026-0003.yaml";
    let sent = "IT03912760984_BR001.xml";
    assert!(bruno
        .at("2026-11-27T10:00:00+01:00", &["doc", "export", "INV-2026-0003", "--dir", "../out-b"])
        .contains(sent));
    // As `tkt doc send` records it.
    let exported = bruno.read(inv);
    bruno.write(inv, &format!("{exported}  sent:\n  - file: {sent}\n    at: '2026-11-27T10:01:00+01:00'\n"));
    bruno.git(&["commit", "-qam", "inviata"]);
    let unsent = "IT03912760984_AN001.xml";
    assert!(anna
        .at("2026-11-27T11:00:00+01:00", &["doc", "export", "INV-2026-0003", "--dir", "../out-a"])
        .contains(unsent));
    bruno.sync();
    anna.sync();
    bruno.sync();
    let annotation = |clone: &Clone| {
        let json: serde_json::Value =
            serde_json::from_str(&clone.ok(&["doc", "show", "INV-2026-0003", "--format", "json"])).unwrap();
        json["einvoice"].clone()
    };
    let merged = annotation(&anna);
    assert_eq!(merged["file"], sent, "{merged}");
    assert_eq!(merged["progressive"], "BR001", "{merged}");
    assert_eq!(merged["previous"], serde_json::json!([unsent]), "{merged}");
    assert_eq!(annotation(&bruno), merged, "both clones read the same");
    assert!(!anna.read(inv).contains("conflicts"), "nothing for a person to resolve: {}", anna.read(inv));
    assert!(anna.ok(&["doc", "list", "--sdi", "sent", "--format", "csv"]).contains("INV-2026-0003"));
    assert!(!anna.ok(&["doc", "list", "--sdi", "exported", "--format", "csv"]).contains("INV-2026-0003"));
    anna.ok(&["check"]);
    // The unsent file's progressivo is not given again.
    assert!(anna.ok(&["doc", "export", "INV-2026-0004", "--dir", "../out-a"]).contains("IT03912760984_AN002.xml"));
}

/// Found by a hostile-remote attack: carla, who never synced anna's note, squashed the
/// remote's history since its first commit and force-pushed. anna's sync took the squashed
/// ticket as the published one with its note deleted, took the note away and pushed that.
/// The note is kept, here and on the remote.
#[test]
fn a_squashed_remote_takes_away_no_published_note() {
    let team = Team::new();
    let (anna, carla) = (team.clone("anna"), team.clone("carla"));
    let root = team.git(&team.remote(), &["rev-list", "--max-parents=0", "main"]);
    carla.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Caldaia"]);
    carla.sync();
    anna.sync();
    anna.ok(&["ticket", "note", "T-2026-0021", "pezzo ordinato"]);
    anna.sync();
    carla.git(&["reset", "-q", "--soft", root.trim()]);
    carla.git(&["commit", "-qm", "squash"]);
    carla.git(&["push", "-q", "-f", "origin", "main"]);
    anna.sync();
    let file = "tickets/2026/000/T-2026-0021.yaml";
    assert!(anna.read(file).contains("pezzo ordinato"), "{}", anna.read(file));
    let published = team.git(&team.remote(), &["show", &format!("main:{file}")]);
    assert!(published.contains("pezzo ordinato") && published.contains("Caldaia"), "{published}");
    carla.sync();
    assert!(carla.read(file).contains("pezzo ordinato"));
    anna.tkt(&["check"]).assert().success();
}

/// Found by a hostile-remote attack: a remote rewritten to change one commit's author (the
/// rest of its history the same work, made again) left every clone refused as "work of its
/// own after" commits a sync had written again. What the remote had before the rewrite is
/// no clone's own work: the sync merges, and the clone's note goes out.
#[test]
fn a_remote_rewritten_to_change_an_author_is_merged_and_loses_no_note() {
    let team = Team::new();
    let (anna, carla) = (team.clone("anna"), team.clone("carla"));
    carla.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Caldaia"]);
    carla.ok(&["ticket", "note", "T-2026-0021", "pezzo ordinato"]);
    carla.sync();
    anna.sync();
    anna.ok(&["ticket", "note", "T-2026-0021", "pezzo arrivato"]);
    let created = carla.git(&["log", "--format=%H", "--skip=1", "-1", "--", "tickets/2026/000/T-2026-0021.yaml"]);
    let filter = format!("if [ $GIT_COMMIT = {} ]; then export GIT_AUTHOR_NAME='Carla Bianchi'; fi", created.trim());
    let out = std::process::Command::new("git")
        .current_dir(&carla.dir)
        .env("FILTER_BRANCH_SQUELCH_WARNING", "1")
        .args(["filter-branch", "-f", "--env-filter", &filter, "--", "main"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(carla.git(&["rev-parse", "HEAD"]), anna.git(&["rev-parse", "origin/main"]));
    carla.git(&["push", "-q", "-f", "origin", "main"]);
    anna.sync();
    let file = "tickets/2026/000/T-2026-0021.yaml";
    let published = team.git(&team.remote(), &["show", &format!("main:{file}")]);
    assert!(published.contains("pezzo ordinato") && published.contains("pezzo arrivato"), "{published}");
    carla.sync();
    assert!(carla.read(file).contains("pezzo arrivato"));
    anna.tkt(&["check"]).assert().success();
}

/// Found by a hostile-remote attack: a ticket removed with `git rm` and pushed was taken
/// in by every clone, and one removed by a slip in a clone was published: its notes and
/// history with it. Neither goes through.
#[test]
fn a_ticket_deleted_with_git_goes_neither_out_nor_in() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let file = "tickets/2026/000/T-2026-0001.yaml";
    let kept = anna.read(file);
    // A slip in anna's clone: refused, and the file can be put back.
    std::fs::remove_file(anna.dir.join(file)).unwrap();
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(format!("{file}: deleted by hand")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    anna.git(&["checkout", "--", file]);
    // Committed with git in a clone, it is not published either.
    anna.git(&["rm", "-q", "tickets/2026/000/T-2026-0002.yaml"]);
    anna.git(&["commit", "-qm", "via anche questo"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("T-2026-0002.yaml: deletes the record"));
    anna.git(&["reset", "-q", "--hard", "HEAD~1"]);
    // marco's `git rm`, pushed with git: anna takes nothing in.
    marco.git(&["rm", "-q", file]);
    marco.git(&["commit", "-qm", "via"]);
    marco.git(&["push", "-q", "origin", "main"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{file}: deletes the record, and with it what happened")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(anna.read(file), kept);
}

/// Found by a careless-office attack: marco's editor held an older copy of a ticket while
/// anna added a note with tkt on the same desk; marco saved it and ran `ticket assign`,
/// which committed the copy without the note, and the sync published the loss. The command
/// refuses, keeping marco's edit; and a copy committed with git is not published.
#[test]
fn an_editors_older_copy_takes_away_no_note_through_a_command_or_a_commit() {
    let team = Team::new();
    let anna = team.clone("anna");
    let file = "tickets/2026/000/T-2026-0009.yaml";
    let older = anna.read(file);
    anna.ok(&["ticket", "note", "T-2026-0009", "ricambio ordinato"]);
    let saved = older.replace("priority: low", "priority: high");
    assert_ne!(saved, older, "the editor changed something");
    anna.write(file, &saved);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["ticket", "assign", "T-2026-0009", "marco"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!("{file}: the file takes away a note")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(anna.read(file), saved, "the hand edit stays, for a person to fix");
    // Refused, a command says nothing of what it did not do (found by a review: "Opened
    // T-2026-0021" for a promotion refused so).
    let request = "requests/2026/R-2026-0001.yaml";
    let older_request = anna.read(request);
    anna.ok(&["request", "note", "R-2026-0001", "richiamato"]);
    anna.write(request, &older_request);
    anna.tkt(&["request", "promote", "R-2026-0001"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("takes away a note").and(predicate::str::contains("Opened").not()));
    assert!(!anna.dir.join("tickets/2026/000/T-2026-0021.yaml").exists());
    anna.git(&["checkout", "--", request]);
    anna.git(&["commit", "-qam", "priorita"]);
    let remote = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(format!("{file}: takes away a note")));
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), remote, "nothing pushed");
    assert_eq!(anna.git(&["rev-list", "--count", "origin/main..HEAD"]).trim(), "3", "the notes and the copy stay here");
}

/// Found by a hostile-remote attack: invoice 7 pushed with plain git as
/// `INV-2026-00007.yaml`, beside the clone's `INV-2026-0007`, was merged: one number, two
/// invoices, on every clone. A number has one name; a file under another is refused.
#[test]
fn a_fiscal_number_written_with_more_digits_is_refused_coming_in_and_going_out() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    // A code or a serial is as its maker wrote it, leading zeros and all (found by a review).
    anna.ok(&["item", "create", "FILTRO-00012", "--description", "Filtro", "--kind", "goods", "--price", "5.00"]);
    anna.sync();
    marco.sync();
    let copy = "documents/invoice/2026/000/INV-2026-00003.yaml";
    let text =
        marco.read("documents/invoice/2026/000/INV-2026-0003.yaml").replace("id: INV-2026-0003", "id: INV-2026-00003");
    // Made by hand in a clone, it is not published.
    anna.write(copy, &text);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{copy}: a number written with more digits")));
    std::fs::remove_file(anna.dir.join(copy)).unwrap();
    marco.write(copy, &text);
    marco.git(&["add", copy]);
    marco.git(&["commit", "-qm", "fattura"]);
    marco.git(&["push", "-q", "origin", "main"]);
    let head = anna.git(&["rev-parse", "HEAD"]);
    anna.tkt(&["sync"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("{copy}: a number written with more digits")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    assert!(!anna.dir.join(copy).exists());
}

/// Found by a review: the server restored from a backup taken before a sync that
/// renumbered marco's ticket. His old versions of T-2026-0021 (with his note) were taken
/// for a note the sync took away, and his sync was refused for good: the note is in
/// T-2026-0022, and the lost commits go back.
#[test]
fn a_server_restored_to_before_a_renumbering_takes_the_lost_commits_back() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let backup = team.git(&team.remote(), &["rev-parse", "main"]);
    anna.ok(&["ticket", "create", "--customer", "C-0001", "--title", "Caldaia di anna"]);
    anna.sync();
    assert_eq!(marco.ok(&["ticket", "create", "--customer", "C-0002", "--title", "Split di marco"]), "T-2026-0021\n");
    marco.ok(&["ticket", "note", "T-2026-0021", "il cliente richiama"]);
    assert!(marco.sync().contains("T-2026-0021 is now T-2026-0022"));
    team.git(&team.remote(), &["update-ref", "refs/heads/main", backup.trim()]);
    marco.sync();
    let published = team.git(&team.remote(), &["show", "main:tickets/2026/000/T-2026-0022.yaml"]);
    assert!(published.contains("il cliente richiama"), "{published}");
    assert!(team.git(&team.remote(), &["show", "main:tickets/2026/000/T-2026-0021.yaml"]).contains("Caldaia di anna"));
}

/// Found by a team attack: the server restored from a backup taken before bruno published
/// his ticket; carla, who had it and had added a note, renumbered it under anna's new
/// ticket of the number. Bruno's sync was then refused for good ("takes away an entry of
/// its history"): his ticket went to T-2026-0022 with carla's note, as carla's merge says.
#[test]
fn a_published_ticket_another_clone_renumbered_after_a_restore_is_followed_where_it_went() {
    let team = Team::new();
    let (anna, bruno, carla) = (team.clone("anna"), team.clone("bruno"), team.clone("carla"));
    let backup = team.git(&team.remote(), &["rev-parse", "main"]);
    assert_eq!(bruno.ok(&["ticket", "create", "--customer", "C-0001", "--title", "di bruno"]), "T-2026-0021\n");
    bruno.sync();
    carla.sync();
    carla.ok(&["ticket", "note", "T-2026-0021", "nota di carla"]);
    team.git(&team.remote(), &["update-ref", "refs/heads/main", backup.trim()]);
    assert_eq!(anna.ok(&["ticket", "create", "--customer", "C-0002", "--title", "di anna"]), "T-2026-0021\n");
    anna.sync();
    assert!(carla.sync().contains("T-2026-0021 is now T-2026-0022"));
    bruno.sync();
    for clone in [&anna, &bruno, &carla] {
        clone.sync();
        let moved = clone.read("tickets/2026/000/T-2026-0022.yaml");
        assert!(moved.contains("di bruno") && moved.contains("nota di carla"), "{}: {moved}", clone.user);
        assert!(clone.read("tickets/2026/000/T-2026-0021.yaml").contains("di anna"), "{}", clone.user);
    }
}

/// Found by a review: a desk's first sync, to an empty remote, published an invoice made
/// by hand and committed with git, with wrong totals and dated in the next year.
#[test]
fn a_desks_first_sync_publishes_no_fiscal_document_made_by_hand_against_its_rules() {
    let team = Team { tmp: tempfile::tempdir().unwrap() };
    team.git(team.tmp.path(), &["init", "-q", "--bare", "-b", "main", "remote.git"]);
    let dir = team.tmp.path().join("anna");
    std::fs::create_dir_all(&dir).unwrap();
    let anna = Clone { team: &team, dir, user: "anna" };
    anna.ok(&["init", "--example"]);
    let copy = anna.read("documents/invoice/2026/000/INV-2026-0006.yaml").replace("INV-2026-0006", "INV-2026-0007");
    let date = copy.lines().find(|l| l.starts_with("date: ")).unwrap().to_string();
    anna.write("documents/invoice/2026/000/INV-2026-0007.yaml", &copy.replacen(&date, "date: 2027-06-01", 1));
    anna.git(&["add", "-A"]);
    anna.git(&["commit", "-qm", "fattura"]);
    anna.git(&["remote", "add", "origin", "../remote.git"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("INV-2026-0007.yaml: made by hand"));
    assert!(team.git(&team.remote(), &["branch", "--list"]).is_empty(), "nothing pushed");
}

/// Found by a review: anna's file was rejected and she sent a corrected one; bruno, offline,
/// recorded the same rejection. Their sync put the rejected file back as the invoice's,
/// sent before the other: the corrected file SDI delivered read "rejected" for good.
#[test]
fn a_rejected_file_never_comes_back_over_the_file_that_replaced_it() {
    let team = Team::new();
    let (anna, bruno) = (team.clone("anna"), team.clone("bruno"));
    let inv = "documents/invoice/2026/000/INV-2026-0003.yaml";
    let sent = |clone: &Clone, file: &str, at: &str| {
        let text = clone.read(inv);
        let text = if text.contains("  sent:\n") {
            text.replace("  sent:\n", &format!("  sent:\n  - file: {file}\n    at: '{at}'\n"))
        } else {
            format!("{text}  sent:\n  - file: {file}\n    at: '{at}'\n")
        };
        clone.write(inv, &text);
        clone.git(&["commit", "-qam", "inviata"]);
    };
    anna.ok(&["doc", "export", "INV-2026-0003", "--dir", "../out"]);
    sent(&anna, "IT03912760984_00001.xml", "2026-11-27T09:10:00+01:00");
    anna.sync();
    bruno.sync();
    let ns = team.tmp.path().join("ns.xml");
    let xml =
        crate::einvoice::receipt_xml("NotificaScarto", "IT03912760984_00001.xml", crate::einvoice::REJECTED_00305);
    std::fs::write(&ns, xml).unwrap();
    for clone in [&anna, &bruno] {
        clone.ok(&["import", "sdi", ns.to_str().unwrap()]);
    }
    assert!(anna.ok(&["doc", "export", "INV-2026-0003", "--dir", "../out"]).contains("_00002.xml"));
    sent(&anna, "IT03912760984_00002.xml", "2026-11-27T10:00:00+01:00");
    anna.sync();
    bruno.sync();
    anna.sync();
    for clone in [&anna, &bruno] {
        let json: serde_json::Value =
            serde_json::from_str(&clone.ok(&["doc", "show", "INV-2026-0003", "--format", "json"])).unwrap();
        assert_eq!(json["einvoice"]["file"], "IT03912760984_00002.xml", "{}", clone.user);
        assert!(clone.ok(&["doc", "list", "--sdi", "sent", "--format", "csv"]).contains("INV-2026-0003"));
    }
}

/// Found by a hostile-remote review: a billed work report renamed with `git mv` was billed
/// again, and a merge made by hand with `-s ours` dropped a published payment: neither
/// goes through a sync.
#[test]
fn a_work_report_or_a_payment_deleted_or_renamed_with_git_goes_neither_out_nor_in() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    let head = anna.git(&["rev-parse", "HEAD"]);
    let report = "documents/work-report/2026/000/WR-2026-0001.yaml";
    let renamed = "documents/work-report/2026/000/WR-2026-0009.yaml";
    marco.git(&["mv", report, renamed]);
    marco.write(renamed, &marco.read(renamed).replace("WR-2026-0001", "WR-2026-0009"));
    marco.git(&["commit", "-qam", "rinumerato"]);
    marco.git(&["push", "-q", "origin", "main"]);
    anna.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(format!("{report}: deletes the record")));
    assert_eq!(anna.git(&["rev-parse", "HEAD"]), head);
    // Going out, committed or by hand, neither.
    let payment = "documents/payment/2026/000/PAY-2026-0001.yaml";
    team.git(&team.remote(), &["update-ref", "refs/heads/main", head.trim()]);
    let carla = team.clone("carla");
    std::fs::remove_file(carla.dir.join(payment)).unwrap();
    carla.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(format!("{payment}: deleted by hand")));
    carla.git(&["rm", "-q", payment]);
    carla.git(&["commit", "-qm", "via"]);
    carla.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains(format!("{payment}: deletes the record")));
}

/// Found by a scripting attack: with no one at the terminal, tkt told ssh not to ask by
/// `GIT_SSH_COMMAND`, which overrides the desk's `core.sshCommand` (a deploy key): every
/// sync from cron failed where one by hand went through. The configured command runs.
#[test]
fn a_sync_with_no_terminal_runs_the_ssh_command_git_is_configured_with() {
    let d = crate::common::TestDesk::example();
    let marker = d.tmp.path().join("ssh-was-run");
    let fake = d.tmp.path().join("fake-ssh.sh");
    std::fs::write(&fake, format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker.display())).unwrap();
    d.git(&["remote", "add", "origin", "ssh://deskserver.invalid/desk.git"]);
    d.git(&["config", "core.sshCommand", &format!("sh {}", fake.display())]);
    d.tkt(&["sync"]).write_stdin("").assert().code(5);
    assert!(marker.exists(), "the configured ssh command was not run");
}

/// A trial invoice on a side branch pushed to the remote takes no number of the branch the
/// team issues on: a number skipped there is a gap no sync publishes (found by a review of
/// a change, taken back, that read numbers on every fetched branch).
#[test]
fn an_invoice_on_a_pushed_side_branch_takes_no_number_of_main() {
    let team = Team::new();
    let (anna, carla) = (team.clone("anna"), team.clone("carla"));
    carla.git(&["checkout", "-q", "-b", "prova"]);
    carla.ok(&["ticket", "work", "T-2026-0013", "--hours", "1"]);
    assert_eq!(carla.ok(&["ticket", "invoice", "T-2026-0013"]), "INV-2026-0007\n");
    carla.git(&["push", "-q", "origin", "prova"]);
    anna.sync();
    assert!(anna.git(&["branch", "-r"]).contains("origin/prova"));
    anna.ok(&["ticket", "work", "T-2026-0010", "--hours", "1"]);
    assert_eq!(anna.ok(&["ticket", "invoice", "T-2026-0010"]), "INV-2026-0007\n");
    anna.sync();
}

/// Two clones' changes each fine alone can merge into what no clone takes: two states made
/// the initial one (or a prefix changed on one clone while the other made a record of the
/// old one: the same check). Nothing is merged or pushed, and the team goes on (found by a
/// hostile-remote attack: the merge went out, and every other clone's sync was refused).
#[test]
fn a_merge_whose_catalog_or_numbering_would_not_hold_together_is_not_made() {
    let team = Team::new();
    let (anna, marco) = (team.clone("anna"), team.clone("marco"));
    marco.sync();
    anna.ok(&["state", "edit", "attesa-cliente", "--initial"]);
    anna.sync();
    marco.ok(&["state", "edit", "diagnosi", "--initial"]);
    let head = marco.git(&["rev-parse", "HEAD"]);
    marco.tkt(&["sync"]).assert().code(5).stderr(predicate::str::contains("nothing was merged or written"));
    assert_eq!(marco.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(marco.git(&["status", "--porcelain"]), "");
    assert_eq!(team.git(&team.remote(), &["rev-parse", "main"]), anna.git(&["rev-parse", "HEAD"]));
    // Settled on this clone, the sync goes through.
    marco.ok(&["state", "edit", "attesa-cliente", "--initial"]);
    marco.sync();
    anna.sync();
    anna.tkt(&["check"]).assert().success();
}

/// What a remote says during a push is kept to its end, not whole: a hook printing without
/// end took the machine's memory while the desk was locked (found by a hostile-remote
/// attack). The push's refusal still names its last words.
#[test]
fn a_remote_that_says_too_much_is_heard_to_its_last_words() {
    let team = Team::new();
    let anna = team.clone("anna");
    anna.ok(&["ticket", "note", "T-2026-0001", "visto"]);
    let flood = "yes 'a line of a hook' | head -c 20000000 >&2; echo 'quota exceeded: push refused' >&2; exit 1";
    let out = anna.tkt(&["sync"]).env("PATH", git_on_push(&team, flood)).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(said.contains("quota exceeded: push refused"), "{}", &said[said.len().saturating_sub(300)..]);
    assert!(said.len() < 10_000, "{} bytes said: {:?}", said.len(), &said[..300]);
}
