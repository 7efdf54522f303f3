//! Network transport through the user's own `git` binary, so their ssh config, agent and
//! credential helpers work; never a prompt (GIT_TERMINAL_PROMPT=0, ssh in batch mode when
//! no one is at the terminal).

use std::path::Path;
use std::process::Command;

use crate::{Error, Result};

/// What a push came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    Done,
    /// Someone pushed meanwhile: fetch, merge and try again.
    Rejected,
}

fn git(workdir: &Path, interactive: bool) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(workdir).env("GIT_TERMINAL_PROMPT", "0");
    if !interactive && std::env::var_os("GIT_SSH_COMMAND").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    cmd
}

fn run(mut cmd: Command, what: &str) -> Result<std::process::Output> {
    cmd.output().map_err(|e| {
        Error::failure(format!("cannot run git for {what}: {e}")).with_hint("is git installed and on PATH?")
    })
}

/// `git fetch REMOTE`. An unreachable remote is "busy" (exit 5): try again later.
pub fn fetch(workdir: &Path, remote: &str, interactive: bool) -> Result<()> {
    let mut cmd = git(workdir, interactive);
    // `--` ends the options: a remote name can never be read as one.
    cmd.args(["fetch", "--quiet", "--no-write-fetch-head", "--", remote]);
    let out = run(cmd, "fetch")?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::busy(format!("cannot fetch from {remote}: {}", String::from_utf8_lossy(&out.stderr).trim()))
        .with_hint("check the network and the remote (git remote -v); your work is safe and committed locally"))
}

/// `git push REMOTE HEAD:refs/heads/BRANCH`, telling a rejection from a failure.
pub fn push(workdir: &Path, remote: &str, branch: &str, interactive: bool) -> Result<Pushed> {
    let mut cmd = git(workdir, interactive);
    cmd.args(["push", "--quiet", "--porcelain", "--", remote, &format!("HEAD:refs/heads/{branch}")]);
    let out = run(cmd, "push")?;
    if out.status.success() {
        return Ok(Pushed::Done);
    }
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // Someone pushed first, or pushed at the same instant (the ref was locked).
    let raced = text.contains("failed to update ref") || text.contains("cannot lock ref");
    if text.contains("[rejected]") || text.contains("non-fast-forward") || text.contains("fetch first") || raced {
        return Ok(Pushed::Rejected);
    }
    Err(Error::busy(format!("cannot push to {remote}: {}", text.trim()))
        .with_hint("your work is safe and committed locally; run tkt sync again later"))
}
