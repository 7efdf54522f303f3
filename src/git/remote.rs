//! Network transport through the user's own `git` binary, so their ssh config, agent and
//! credential helpers work; never a prompt (GIT_TERMINAL_PROMPT=0, ssh in batch mode when
//! no one is at the terminal).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::{Error, Result};

/// How tkt reaches the remote.
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    /// Someone is at a terminal: ssh may ask for a passphrase, and they can stop a fetch
    /// that hangs.
    pub interactive: bool,
    /// How long a fetch or a push may go without a word from the remote when no one is at
    /// the terminal (`TKT_NETWORK_TIMEOUT`): a remote that stops answering would hold the
    /// desk's lock for ever, and the support form and intake with it.
    pub timeout: Duration,
}

impl Default for Transport {
    fn default() -> Transport {
        Transport { interactive: false, timeout: Duration::from_secs(300) }
    }
}

/// What a push came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    Done,
    /// Someone pushed meanwhile: fetch, merge and try again.
    Rejected,
    /// The remote's branch was locked — by a push at the same instant, or by a lock file a
    /// push cut short left on the server: try again, and if it stays so, say what git said.
    Locked(String),
}

impl Pushed {
    /// What to tell the user when pushes kept failing this way.
    pub fn gave_up(&self, remote: &str, branch: &str, attempts: impl std::fmt::Display) -> Error {
        match self {
            Pushed::Locked(said) => {
                Error::busy(format!("{remote}'s branch {branch} stayed locked through {attempts} pushes: {said}"))
                    .with_hint(format!(
                        "when no one else is pushing, a push cut short left its lock file on the server \
                 (refs/heads/{branch}.lock in the remote repository): whoever keeps the server removes it; \
                 everything is committed locally"
                    ))
            }
            _ => Error::busy(format!("{remote} kept moving: the push was rejected {attempts} times"))
                .with_hint("run tkt sync again; everything is committed locally"),
        }
    }
}

fn git(workdir: &Path, interactive: bool) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(workdir).env("GIT_TERMINAL_PROMPT", "0");
    // No one at the terminal: ssh never asks — unless the user chose how ssh runs (a deploy
    // key in `core.sshCommand`, `GIT_SSH`), which `GIT_SSH_COMMAND` would override (found by
    // a scripting attack: every sync from cron failed where one by hand went through).
    let configured = ["GIT_SSH_COMMAND", "GIT_SSH"].iter().any(|v| std::env::var_os(v).is_some())
        || git2::Repository::discover(workdir)
            .and_then(|r| r.config())
            .and_then(|c| c.get_string("core.sshCommand"))
            .is_ok();
    if !interactive && !configured {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    cmd
}

/// Runs git, and when no one is at the terminal stops it once it has heard nothing from
/// the remote for `transport.timeout` (found by a team attack: a server that stopped
/// answering held the desk for an hour). Git reports its progress (`--progress`), so a slow
/// transfer that goes on is not stopped (found by a review); the progress is left out of
/// what git says. Git stays in tkt's process group: a supervisor that stops tkt stops it too.
fn run(mut cmd: Command, what: &str, remote: &str, transport: &Transport) -> Result<std::process::Output> {
    let cannot = |e: std::io::Error| {
        Error::failure(format!("cannot run git for {what}: {e}")).with_hint("is git installed and on PATH?")
    };
    if transport.interactive {
        return cmd.output().map_err(cannot);
    }
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().map_err(cannot)?;
    let started = std::time::Instant::now();
    // When git last said anything, in milliseconds since it started.
    let heard = Arc::new(AtomicU64::new(0));
    let (stdout, out_reader) = drain(child.stdout.take(), started, Arc::clone(&heard));
    let (stderr, err_reader) = drain(child.stderr.take(), started, Arc::clone(&heard));
    let status = loop {
        if let Some(status) = child.try_wait().map_err(cannot)? {
            break status;
        }
        let silent = started.elapsed().saturating_sub(Duration::from_millis(heard.load(Ordering::Relaxed)));
        if silent >= transport.timeout {
            // What git started (ssh, a credential helper) goes with it: a cron job every
            // minute against a dead link piled them up (found by a scripting attack).
            kill_descendants(child.id());
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::busy(format!(
                "{remote} sent nothing for {} s during the {what}; it was stopped",
                transport.timeout.as_secs_f64()
            ))
            .with_hint(
                "check the network and the remote; your work is safe and committed locally (TKT_NETWORK_TIMEOUT sets \
                 the wait, in seconds)",
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Git is done; what it started may hold its pipes open a while longer (ssh's
    // ControlPersist master): what git said until now is all it says.
    let done = std::time::Instant::now();
    while !(out_reader.is_finished() && err_reader.is_finished()) && done.elapsed() < Duration::from_millis(500) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let taken = |bytes: &Said| std::mem::take(&mut *bytes.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(std::process::Output { status, stdout: taken(&stdout), stderr: without_progress(&taken(&stderr)) })
}

/// Kills every process `pid` started, and theirs, as Linux's `/proc` lists them (elsewhere
/// nothing: git alone is stopped).
fn kill_descendants(pid: u32) {
    let children = |pid: u32| -> Vec<u32> {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return vec![] };
        tasks
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
            .flat_map(|c| c.split_whitespace().filter_map(|p| p.parse().ok()).collect::<Vec<u32>>())
            .collect()
    };
    // Found first, then killed: a child killed before its own are found would leave them
    // to init, where they are no one's to find.
    let (mut all, mut next) = (Vec::new(), vec![pid]);
    while let Some(p) = next.pop() {
        for c in children(p) {
            if !all.contains(&c) && all.len() < 4096 {
                all.push(c);
                next.push(c);
            }
        }
    }
    #[cfg(unix)]
    for pid in all.into_iter().filter_map(|c| rustix::process::Pid::from_raw(c as i32)) {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    }
}

/// What a pipe of git's has said so far.
type Said = std::sync::Arc<std::sync::Mutex<Vec<u8>>>;

/// Reads a pipe of git's on a thread of its own into what it returns, noting in `heard`
/// when it last said anything (milliseconds since `started`).
fn drain(
    pipe: Option<impl std::io::Read + Send + 'static>,
    started: std::time::Instant,
    heard: std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> (Said, std::thread::JoinHandle<()>) {
    let bytes = Said::default();
    let kept = std::sync::Arc::clone(&bytes);
    let reader = std::thread::spawn(move || {
        let Some(mut pipe) = pipe else { return };
        // What git (or a remote's hook) says is kept up to its last MiB: a hook printing
        // without end took the memory of the machine while the desk was locked (found by a
        // hostile-remote attack). Read to the end all the same, so that git never blocks.
        const KEPT: usize = 1 << 20;
        let mut chunk = [0u8; 8192];
        while let Ok(n @ 1..) = pipe.read(&mut chunk) {
            let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.extend_from_slice(&chunk[..n]);
            if kept.len() > 2 * KEPT {
                let cut = kept.len() - KEPT;
                kept.drain(..cut);
            }
            drop(kept);
            heard.store(started.elapsed().as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
        }
    });
    (bytes, reader)
}

/// What git wrote on its standard error, without its progress lines (`Receiving objects:
/// 45% …`, each redrawn after a carriage return, and the remote's `Counting objects`).
fn without_progress(stderr: &[u8]) -> Vec<u8> {
    const PROGRESS: [&str; 9] = [
        "Enumerating objects",
        "Counting objects",
        "Compressing objects",
        "Writing objects",
        "Receiving objects",
        "Resolving deltas",
        "Unpacking objects",
        "Total ",
        "Delta compression",
    ];
    let text = String::from_utf8_lossy(stderr);
    let lines = text.split('\n').map(|l| l.rsplit('\r').find(|part| !part.trim().is_empty()).unwrap_or(""));
    let said: Vec<&str> = lines
        .filter(|l| {
            let l = l.trim_start().strip_prefix("remote:").unwrap_or(l).trim_start();
            // A count after the name (`Counting objects: 100% (3/3)`, `Total 3 (delta 0)`):
            // a hook's own words that begin alike stay (found by a review: "Total size over
            // quota" was dropped).
            let counts = |p: &&str| {
                l.strip_prefix(*p).is_some_and(|rest| {
                    rest.trim_start_matches(':').trim_start().starts_with(|c: char| c.is_ascii_digit())
                })
            };
            // And git's own count of threads (`Delta compression using up to 2 threads`).
            !l.is_empty() && !PROGRESS.iter().any(counts) && !l.starts_with("Delta compression using up to")
        })
        .collect();
    said.join("\n").into_bytes()
}

/// Quiet at a terminal; unattended, git's progress tells that the transfer goes on.
fn progress(transport: &Transport) -> &'static str {
    if transport.interactive {
        "--quiet"
    } else {
        "--progress"
    }
}

/// How the error of a fetch that did not reach the remote begins: a caller that may say
/// more about being offline knows it by this.
pub const FETCH_FAILED: &str = "cannot fetch from";

/// `git fetch REMOTE`, every object it brings checked as `git fsck` would (a tree with an
/// entry twice reads as either, and libgit2 and git would not agree on which). An
/// unreachable remote is "busy" (exit 5): try again later; so is one that holds objects
/// git refuses, for a person to fix.
pub fn fetch(workdir: &Path, remote: &str, transport: &Transport) -> Result<()> {
    let mut cmd = git(workdir, transport.interactive);
    // `--` ends the options: a remote name can never be read as one.
    cmd.args(["-c", "fetch.fsckObjects=true"]);
    // What sync's own checks refuse naming the path, the commit and its author, git
    // leaves to them.
    for id in ["hasDot", "hasDotdot", "hasDotgit", "fullPathname", "emptyName"] {
        cmd.args(["-c", &format!("fetch.fsck.{id}=ignore")]);
    }
    // Pruned: a branch the remote lost is not taken as still there (nothing would be pushed).
    cmd.args(["fetch", progress(transport), "--prune", "--no-write-fetch-head", "--", remote]);
    let out = run(cmd, "fetch", remote, transport)?;
    if out.status.success() {
        return Ok(());
    }
    let said = last_words(&String::from_utf8_lossy(&out.stderr));
    if said.contains("fsck") {
        return Err(Error::busy(format!(
            "{remote} holds objects git's own checks refuse; nothing was taken in: {said}"
        ))
        .with_hint(
            "whoever pushed them (git log on the remote) fixes the remote; your work is safe and committed locally",
        ));
    }
    Err(Error::busy(format!("{FETCH_FAILED} {remote}: {said}"))
        .with_hint("check the network and the remote (git remote -v); your work is safe and committed locally"))
}

/// `git push REMOTE HEAD:refs/heads/BRANCH`, telling a rejection from a failure.
pub fn push(workdir: &Path, remote: &str, branch: &str, transport: &Transport) -> Result<Pushed> {
    let mut cmd = git(workdir, transport.interactive);
    cmd.args(["push", progress(transport), "--porcelain", "--", remote, &format!("HEAD:refs/heads/{branch}")]);
    let out = run(cmd, "push", remote, transport)?;
    if out.status.success() {
        return Ok(Pushed::Done);
    }
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if let Some(pushed) = refused_push(&text) {
        return Ok(pushed);
    }
    // Git's closing `Done` says nothing of why.
    let said = last_words(&text.lines().filter(|l| l.trim() != "Done").collect::<Vec<_>>().join("\n"));
    // A server that refuses the push (a hook, a branch checked out on a non-bare remote, a
    // permission) refuses it again later: say so (found by a scripting attack: "run tkt
    // sync again later" sent a cron job round for ever).
    let refused = ["hook declined", "refusing to update checked out branch", "denied", "protected branch"]
        .iter()
        .any(|w| text.contains(w));
    let hint = if refused {
        "the remote refuses this push (its words above): ask whoever keeps it; your work is safe and committed locally"
    } else {
        "your work is safe and committed locally; run tkt sync again later"
    };
    Err(Error::busy(format!("cannot push to {remote}: {said}")).with_hint(hint))
}

/// Of what a remote said, what a person reads: its last 20 lines, each cut to 300
/// characters (found by a hostile-remote attack: a hook's 300 MB went into the message).
fn last_words(text: &str) -> String {
    let lines: Vec<&str> = text.trim().lines().collect();
    let cut = |l: &&str| match l.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &l[..at]),
        None => l.to_string(),
    };
    lines[lines.len().saturating_sub(20)..].iter().map(cut).collect::<Vec<_>>().join("\n")
}

/// What a failed push's words say it came to: a race to retry, a lock, or `None` for a
/// refusal or a failure, which is shown as git said it.
fn refused_push(text: &str) -> Option<Pushed> {
    // What git says, not what the server's hooks print (`remote: …`): a hook's refusal that
    // mentions "non-fast-forward" is a refusal (found by a team attack: it was retried as a
    // race, and its reason never shown).
    let git_said: String =
        text.lines().filter(|l| !l.trim_start().starts_with("remote:")).collect::<Vec<_>>().join("\n");
    let rejected = ["[rejected]", "non-fast-forward", "fetch first"].iter().any(|w| git_said.contains(w));
    let hook_declined = git_said.contains("hook declined");
    // Someone pushed first; or `cannot lock ref …: is at X but expected Y`: another
    // clone's push landed between this one's look and its update — a race like any
    // rejection, not a lock file left on the server (found by a scripting attack: six cron
    // syncs in one minute).
    let moved = git_said.contains("failed to update ref")
        && text.lines().any(|l| l.contains("cannot lock ref") && l.contains("but expected"));
    if (rejected || moved) && !hook_declined {
        return Some(Pushed::Rejected);
    }
    if git_said.contains("failed to update ref") || git_said.contains("cannot lock ref") {
        let said = text.lines().find(|l| l.contains("cannot lock ref") || l.contains("Unable to create"));
        let said = said.map(|l| l.trim().trim_start_matches("remote:").trim());
        return Some(Pushed::Locked(said.unwrap_or("the ref was locked").to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{refused_push, without_progress, Pushed};

    #[test]
    fn a_push_beaten_by_another_is_a_race_and_a_lock_file_left_is_a_lock() {
        // git 2.39's words, as a push beaten between its look and its update gets them.
        let beaten = "To /srv/remote.git\nremote: error: cannot lock ref 'refs/heads/main': is at \
                      085416fb9b1d841a746e36c6702f765585de0208 but expected 5908758c50fb590c668af1cfbac233b6506137bc\n\
                      !\tHEAD:refs/heads/main\t[remote rejected] (failed to update ref)\nDone\n";
        assert_eq!(refused_push(beaten), Some(Pushed::Rejected));
        let left = "remote: error: cannot lock ref 'refs/heads/main': Unable to create '/srv/remote.git/refs/heads/main.lock': \
                    File exists.\n!\tHEAD:refs/heads/main\t[remote rejected] (failed to update ref)\n";
        assert!(matches!(refused_push(left), Some(Pushed::Locked(said)) if said.contains("main.lock': File exists")));
        let hook =
            "remote: Denied: cannot lock ref, but expected you to sign\n!\tHEAD:refs/heads/main\t[remote rejected] \
                    (pre-receive hook declined)\n";
        assert_eq!(refused_push(hook), None);
    }

    #[test]
    fn progress_is_left_out_of_what_git_says_and_a_hooks_words_are_not() {
        let stderr =
            b"Enumerating objects: 5, done.\nCounting objects:  20% (1/5)\rCounting objects: 100% (5/5), done.\n\
                       remote: Total size over quota: ask the admin\nTotal 3 (delta 0), reused 0 (delta 0)\n\
                       remote: error: denied\n";
        assert_eq!(
            String::from_utf8(without_progress(stderr)).unwrap(),
            "remote: Total size over quota: ask the admin\nremote: error: denied"
        );
    }
}
