//! Git's file-system monitor hook (`core.fsmonitor` naming a program, such as the
//! Watchman hook git ships as `fsmonitor-watchman.sample`): asked what changed since a
//! token, it answers with a new token and the paths that may have changed, so that a read
//! need not look at every file. tkt asks it as git does (`githooks(5)`, protocol 2, or 1
//! when `core.fsmonitorHookVersion` says so) and trusts its answer as git does; when the
//! hook fails or answers `/`, every file is looked at.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Repo;

/// The monitor hook of a repository.
pub struct Monitor {
    hook: String,
    version: Option<u32>,
    workdir: PathBuf,
    /// The desk's folder relative to the work tree.
    prefix: PathBuf,
}

/// The monitor's answer: a token to ask with next time, and what changed since the token
/// it was asked with.
#[derive(Debug)]
pub struct Answer {
    pub token: String,
    changed: Changed,
}

#[derive(Debug)]
enum Changed {
    Everything,
    /// Desk-relative files and folders (a folder: every file under it).
    Paths(HashSet<PathBuf>),
}

impl Answer {
    /// Whether the desk-relative file may have changed since the token asked with.
    pub fn may_have_changed(&self, rel: &Path) -> bool {
        match &self.changed {
            Changed::Everything => true,
            Changed::Paths(paths) => !paths.is_empty() && rel.ancestors().any(|p| paths.contains(p)),
        }
    }

    /// Whether anything in the desk-relative folder `dir` may have changed since the token
    /// asked with.
    pub fn touches(&self, dir: &Path) -> bool {
        match &self.changed {
            Changed::Everything => true,
            Changed::Paths(paths) => paths.iter().any(|p| p.starts_with(dir) || dir.starts_with(p)),
        }
    }
}

impl Repo {
    /// The monitor hook `core.fsmonitor` names, if any. `true` (git's own daemon, which
    /// tkt cannot ask) and `false` are none.
    pub fn monitor(&self) -> Option<Monitor> {
        let config = self.repo.config().ok()?.snapshot().ok()?;
        let hook = config.get_string("core.fsmonitor").ok().filter(|h| !h.trim().is_empty())?;
        if git2::Config::parse_bool(hook.as_str()).is_ok() {
            return None;
        }
        let version = config.get_i32("core.fsmonitorHookVersion").ok().and_then(|v| u32::try_from(v).ok());
        let workdir = self.repo.workdir()?.to_path_buf();
        // A desk outside the work tree is not watched by the work tree's monitor.
        let prefix = Some(self.prefix.clone()).filter(|_| self.in_work_tree)?;
        Some(Monitor { hook, version, workdir, prefix })
    }
}

impl Monitor {
    /// What changed since `token` (from an earlier answer; `None` the first time, when
    /// everything has); `None` when the hook fails.
    pub fn ask(&self, token: Option<&str>) -> Option<Answer> {
        match self.version {
            Some(1) => self.ask_v1(token),
            Some(2) => self.ask_v2(token),
            // Unset: protocol 2, then 1, as git tries them.
            _ => self.ask_v2(token).or_else(|| self.ask_v1(token)),
        }
    }

    fn ask_v2(&self, token: Option<&str>) -> Option<Answer> {
        let out = self.run(2, token.unwrap_or("0"))?;
        let mut fields = out.split(|&b| b == 0);
        let new = std::str::from_utf8(fields.next()?).ok()?.to_string();
        if new.is_empty() {
            return None;
        }
        // A token of protocol 1 means nothing to a hook of protocol 2.
        let changed = self.changed(token.is_some_and(|t| !t.starts_with("v1:")), fields)?;
        Some(Answer { token: new, changed })
    }

    /// Protocol 1: the token is the time asked, in nanoseconds since 1970.
    fn ask_v1(&self, token: Option<&str>) -> Option<Answer> {
        let since = token.and_then(|t| t.strip_prefix("v1:")).unwrap_or("0");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        let out = self.run(1, since)?;
        let changed = self.changed(token.is_some_and(|t| t.starts_with("v1:")), out.split(|&b| b == 0))?;
        Some(Answer { token: format!("v1:{now}"), changed })
    }

    /// The paths of an answer, taken to the desk; `None` for a path that is not text.
    fn changed<'o>(&self, known: bool, paths: impl Iterator<Item = &'o [u8]>) -> Option<Changed> {
        if !known {
            return Some(Changed::Everything);
        }
        let mut changed = HashSet::new();
        for path in paths.filter(|p| !p.is_empty()) {
            let path = std::str::from_utf8(path).ok()?;
            if path == "/" {
                return Some(Changed::Everything);
            }
            let rel = Path::new(path.trim_end_matches('/'));
            // A path above the desk's folder holds all of it.
            if self.prefix.starts_with(rel) {
                return Some(Changed::Everything);
            }
            // A name with or without its closing `/` may be a folder: all under it counts.
            if let Ok(rel) = rel.strip_prefix(&self.prefix) {
                changed.insert(rel.to_path_buf());
            }
        }
        Some(Changed::Paths(changed))
    }

    /// The hook's output, run as git runs it, in the work tree: a command with characters
    /// the shell reads (spaces, quotes, `$`, `~`, …) through the shell, any other started
    /// straight away (a shell started for nothing took half of the hook's time) — and, a
    /// script with no `#!` line, by the shell.
    fn run(&self, version: u32, token: &str) -> Option<Vec<u8>> {
        const SHELL: &[char] = &[
            '|', '&', ';', '<', '>', '(', ')', '$', '`', '\\', '"', '\'', ' ', '\t', '\n', '*', '?', '[', '#', '~',
            '=', '%',
        ];
        let run = |mut command: Command| {
            command
                .arg(version.to_string())
                .arg(token)
                .current_dir(&self.workdir)
                .stdin(Stdio::null())
                .stderr(Stdio::inherit())
                .output()
        };
        let sh = |args: &[&str]| {
            let mut sh = Command::new("sh");
            sh.args(args);
            sh
        };
        let out = if self.hook.contains(SHELL) {
            run(sh(&["-c", &format!("{} \"$@\"", self.hook), &self.hook]))
        } else {
            match run(Command::new(&self.hook)) {
                #[cfg(unix)]
                Err(e) if e.raw_os_error() == Some(rustix::io::Errno::NOEXEC.raw_os_error()) => run(sh(&[&self.hook])),
                out => out,
            }
        };
        let out = out.ok()?;
        out.status.success().then_some(out.stdout)
    }
}
