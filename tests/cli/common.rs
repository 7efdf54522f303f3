//! A hermetic test desk: a temporary folder, a fixed clock and user, no global git config.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use tempfile::TempDir;

pub const NOW: &str = "2026-11-27T09:00:00+01:00";

pub struct TestDesk {
    pub tmp: TempDir,
    /// The desk folder (may be a sub-folder of the repository).
    pub dir: PathBuf,
}

impl TestDesk {
    /// A new desk made by `tkt init` in its own repository.
    pub fn new() -> TestDesk {
        let d = TestDesk::empty();
        d.tkt(&["init"]).assert().success();
        d
    }

    /// The example desk of `tkt init --example`.
    pub fn example() -> TestDesk {
        let d = TestDesk::empty();
        d.tkt(&["init", "--example"]).assert().success();
        d
    }

    /// An empty temporary folder, no desk yet.
    pub fn empty() -> TestDesk {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("desk");
        std::fs::create_dir_all(&dir).unwrap();
        TestDesk { tmp, dir }
    }

    /// `tkt` with a clean environment, run in the desk folder.
    pub fn tkt(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("tkt").unwrap();
        hermetic(&mut cmd, self.tmp.path());
        cmd.current_dir(&self.dir).args(args);
        cmd
    }

    /// `tkt` run by a shell under `umask`, as a web server or a login shell would start it.
    pub fn tkt_under_umask(&self, umask: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new("sh");
        hermetic(&mut cmd, self.tmp.path());
        cmd.current_dir(&self.dir)
            .args(["-c", &format!("umask {umask} && exec \"$0\" \"$@\"")])
            .arg(assert_cmd::cargo::cargo_bin("tkt"))
            .args(args);
        cmd
    }

    /// `tkt` as a plain process, for tests that start several at once or kill one.
    pub fn process(&self, args: &[&str]) -> StdCommand {
        let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("tkt"));
        cmd.env_clear();
        for (k, v) in hermetic_env(self.tmp.path()) {
            cmd.env(k, v);
        }
        cmd.current_dir(&self.dir).args(args);
        cmd
    }

    /// Runs tkt and returns its stdout, failing the test on a non-zero exit.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.tkt(args).output().unwrap();
        assert!(out.status.success(), "tkt {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `git` in the desk with the same clean environment.
    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = StdCommand::new("git");
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.tmp.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "user")
            .env("GIT_AUTHOR_EMAIL", "user@example.com")
            .env("GIT_COMMITTER_NAME", "user")
            .env("GIT_COMMITTER_EMAIL", "user@example.com")
            .current_dir(&self.dir)
            .args(args);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    pub fn status(&self) -> String {
        self.git(&["status", "--porcelain"])
    }

    pub fn commits(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"]).trim().parse().unwrap()
    }

    pub fn last_message(&self) -> String {
        self.git(&["log", "-1", "--format=%s"]).trim().to_string()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// A customer, a serial-tracked boiler with 24 months of warranty, and one unit of it
    /// sold on `sold_on`.
    pub fn with_unit(&self, serial: &str, sold_on: &str) -> &Self {
        if !self.path("customers/C-0001.yaml").exists() {
            self.ok(&["customer", "create", "--name", "Rossi Impianti", "--vat-number", "02345678904"]);
            self.ok(&[
                "item",
                "create",
                "CALD",
                "--description",
                "Caldaia 24 kW",
                "--serial-pattern",
                r"VX-\d{4}",
                "--warranty-months",
                "24",
            ]);
        }
        self.ok(&["equipment", "create", serial, "--item", "CALD", "--customer", "C-0001", "--sold-on", sold_on]);
        self
    }
}

/// Clears the environment and fixes time, user, home and git config.
pub fn hermetic(cmd: &mut Command, home: &Path) {
    cmd.env_clear();
    for (k, v) in hermetic_env(home) {
        cmd.env(k, v);
    }
}

pub fn hermetic_env(home: &Path) -> Vec<(&'static str, std::ffi::OsString)> {
    vec![
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
        ("HOME", home.into()),
        ("GIT_CONFIG_GLOBAL", "/dev/null".into()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("GIT_CEILING_DIRECTORIES", home.parent().unwrap_or(home).into()),
        ("TKT_NOW", NOW.into()),
        ("TKT_USER", "anna".into()),
        ("TKT_LOCK_TIMEOUT", "0.3".into()),
        ("NO_COLOR", "1".into()),
    ]
}

/// A small deterministic random source (xorshift), so a failure can be replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}
