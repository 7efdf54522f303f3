//! What a command needs from its surroundings, read once from the environment: the desk
//! location, the clock (`TKT_NOW`), the identity (`TKT_USER`), the terminal.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::desk::{Desk, DeskLock, LOCAL_DIR};
use crate::git::Author;
use crate::model::Instant;
use crate::render::Output;
use crate::{Error, Result};

use super::Cli;

pub struct Ctx {
    desk: Option<PathBuf>,
    cwd: PathBuf,
    /// The command's single notion of now (`TKT_NOW`, else the clock).
    pub now: Instant,
    user: Option<String>,
    email: Option<String>,
    pub lock_wait: Duration,
    quiet: bool,
    stderr_color: bool,
    stdout_color: bool,
    width: Option<usize>,
    pub stdin_is_terminal: bool,
    /// `$VISUAL`, else `$EDITOR`.
    pub editor: Option<String>,
}

impl Ctx {
    pub fn from_env(cli: &Cli) -> Result<Ctx> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let now = match var("TKT_NOW") {
            Some(text) => chrono::DateTime::parse_from_rfc3339(&text)
                .map_err(|e| Error::usage(format!("TKT_NOW={text:?} is not an RFC 3339 instant: {e}")))?,
            None => {
                let local = chrono::Local::now();
                local.with_timezone(local.offset()).with_nanosecond_zero()
            }
        };
        let lock_wait = match var("TKT_LOCK_TIMEOUT") {
            Some(s) => Duration::from_secs_f64(
                s.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| Error::usage(format!("TKT_LOCK_TIMEOUT={s:?} is not a number of seconds")))?,
            ),
            None => Duration::from_secs(10),
        };
        let no_color = std::env::var_os("NO_COLOR").is_some() || var("TERM").as_deref() == Some("dumb");
        let stdout_tty = std::io::stdout().is_terminal();
        let width = if stdout_tty {
            terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
        } else {
            var("COLUMNS").and_then(|c| c.parse().ok())
        };
        Ok(Ctx {
            desk: cli.desk.clone(),
            cwd: std::env::current_dir().map_err(|e| Error::failure(format!("current folder: {e}")))?,
            now,
            user: var("TKT_USER"),
            email: var("TKT_EMAIL"),
            lock_wait,
            quiet: cli.quiet,
            stderr_color: std::io::stderr().is_terminal() && !no_color,
            stdout_color: stdout_tty && !no_color,
            width,
            stdin_is_terminal: std::io::stdin().is_terminal(),
            // Like git: vi when nothing is set, but only for a person at a terminal.
            editor: var("VISUAL")
                .or_else(|| var("EDITOR"))
                .or_else(|| std::io::stdin().is_terminal().then(|| "vi".to_string())),
        })
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    pub fn open_desk(&self) -> Result<Desk> {
        Desk::open(Desk::find(self.desk.as_deref(), &self.cwd)?)
    }

    /// Who is acting: `TKT_USER`, else git's `user.name`, else the login name.
    pub fn actor(&self, desk: &Desk) -> String {
        self.author(desk).name
    }

    pub fn author(&self, desk: &Desk) -> Author {
        let (git_name, git_email) = desk.repo().map(|r| r.configured_user()).unwrap_or_default();
        let name = self
            .user
            .clone()
            .or(git_name)
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "unknown".into());
        // git needs an address; without one configured, a local one that says so.
        let email = self.email.clone().or(git_email).unwrap_or_else(|| {
            let local: String =
                name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '.' }).collect();
            format!("{local}@localhost")
        });
        Author { name, email, when: self.now }
    }

    /// Commits the changed files with one message; says once per desk when the desk is in
    /// no git repository and history is therefore off.
    pub fn commit(&self, desk: &Desk, paths: &[PathBuf], message: &str) -> Result<()> {
        if !desk.commit(paths, message, &self.author(desk))? {
            let marker = desk.root().join(LOCAL_DIR).join("history-off");
            if !marker.exists() {
                self.warn(
                    "this desk is in no git repository: history is off (run `git init` in the desk to turn it on)",
                );
                let _ = std::fs::create_dir_all(desk.root().join(LOCAL_DIR));
                let _ = std::fs::write(marker, "");
            }
        }
        Ok(())
    }

    /// Takes the desk's lock for a mutating command, telling the user what was finished on
    /// behalf of an interrupted one.
    pub fn lock(&self, desk: &Desk) -> Result<DeskLock> {
        let (lock, recovered) = desk.lock(self.lock_wait, &self.author(desk))?;
        for line in recovered {
            self.warn(format!("an interrupted command was finished: {line}"));
        }
        Ok(lock)
    }

    /// Standard output for records, fitted to the terminal.
    pub fn out(&self) -> Output<std::io::StdoutLock<'static>> {
        Output { out: std::io::stdout().lock(), width: self.width, color: self.stdout_color }
    }

    /// Prints an id (or other result for scripts) alone on stdout.
    pub fn print_id(&self, id: &str) -> Result<()> {
        writeln!(std::io::stdout().lock(), "{id}")?;
        Ok(())
    }

    /// An informational message on stderr, unless --quiet.
    pub fn say(&self, message: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{}", message.as_ref());
        }
    }

    pub fn warn(&self, message: impl AsRef<str>) {
        let prefix = if self.stderr_color { "\x1b[1;33mwarning:\x1b[0m" } else { "warning:" };
        let _ = writeln!(std::io::stderr().lock(), "{prefix} {}", message.as_ref());
    }

    /// A text argument: `-` reads standard input.
    pub fn text_arg(&self, value: &str) -> Result<String> {
        if value != "-" {
            return Ok(value.to_string());
        }
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| Error::refused(format!("standard input: {e}")))?;
        Ok(text.trim_end_matches(['\n', '\r']).to_string())
    }
}

trait ZeroNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl ZeroNanos for Instant {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
    }
}
