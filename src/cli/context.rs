//! What a command needs from its surroundings, read once from the environment: the desk
//! location, the clock (`TKT_NOW`), the identity (`TKT_USER`), the terminal. It is also the
//! command line's only way to the terminal: records and ids on stdout, messages, warnings
//! and progress on stderr.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::desk::Desk;
use crate::git::Author;
use crate::model::Instant;
use crate::ops::{Env, Notice};
use crate::render::Output;
use crate::{Error, Result};

use super::Cli;

pub struct Ctx {
    desk: Option<PathBuf>,
    cwd: PathBuf,
    /// The command's single notion of now (`TKT_NOW`, else the clock).
    pub now: Instant,
    /// Whether now is the clock's.
    system_clock: bool,
    /// `TKT_USER`, else (when the desk's git has none) the login name.
    user: Option<String>,
    login: Option<String>,
    email: Option<String>,
    pub lock_wait: Duration,
    /// How long a fetch or push may go without a word from the remote when no one is at
    /// the terminal (`TKT_NETWORK_TIMEOUT`).
    pub network_timeout: Duration,
    quiet: bool,
    stderr_color: bool,
    stdout_color: bool,
    width: Option<usize>,
    pub stdin_is_terminal: bool,
    /// `$VISUAL`, else `$EDITOR`.
    pub editor: Option<String>,
    /// Standard input was read for a `-` argument (it can be read once).
    stdin_taken: std::cell::Cell<bool>,
}

/// Colour is off with `NO_COLOR` or on a `TERM=dumb` terminal, for tables and errors alike.
pub(super) fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some() || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

/// How long after a sync renumbered this clone's record its old id is refused to commands
/// that change a record.
const RENUMBERED_WINDOW_MINUTES: i64 = 10;

impl Ctx {
    pub fn from_env(cli: &Cli) -> Result<Ctx> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        // tkt's own settings are text: one that is not (bytes of another encoding) is an
        // error, never taken as unset (found by a scripting attack: a back-filling script's
        // TKT_NOW was ignored and its records dated today).
        for name in ["TKT_NOW", "TKT_USER", "TKT_EMAIL", "TKT_LOCK_TIMEOUT", "TKT_NETWORK_TIMEOUT"] {
            if let Err(std::env::VarError::NotUnicode(v)) = std::env::var(name) {
                return Err(Error::usage(format!("{name}={v:?} is not UTF-8 text")));
            }
        }
        let now = match var("TKT_NOW") {
            // Git's history keeps an instant after 1970 only (and before 2106, in 32 bits).
            Some(text) => chrono::DateTime::parse_from_rfc3339(&text)
                .map_err(|e| e.to_string())
                .and_then(|t| match chrono::Datelike::year(&t.naive_utc()) {
                    1970..=2099 => Ok(t),
                    _ => Err("outside the years 1970 to 2099".into()),
                })
                .map_err(|e| Error::usage(format!("TKT_NOW={text:?} is not an RFC 3339 instant: {e}")))?,
            None => {
                let local = chrono::Local::now();
                local.with_timezone(local.offset()).with_nanosecond_zero()
            }
        };
        // A wait in seconds (`at_least` above it), or its default.
        let seconds = |name: &str, at_least: f64, default: Duration| match var(name) {
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|v| *v >= at_least)
                .and_then(|v| Duration::try_from_secs_f64(v).ok())
                .ok_or_else(|| Error::usage(format!("{name}={s:?} is not a number of seconds"))),
            None => Ok(default),
        };
        let lock_wait = seconds("TKT_LOCK_TIMEOUT", 0.0, Duration::from_secs(10))?;
        let network_timeout =
            seconds("TKT_NETWORK_TIMEOUT", f64::MIN_POSITIVE, crate::git::Transport::default().timeout)?;
        // Who commits, as git can record it: checked before anything is numbered or said
        // (a review: `TKT_USER='Marco <m@x>'` announced a ticket, then failed at its commit).
        // Git drops these from both ends of a name: a name of them alone is none.
        let crud = |c: char| c <= ' ' || ".,:;<>\"\\'".contains(c);
        let identity = |name: &str| match var(name) {
            Some(v) if v.trim_matches(crud).is_empty() || v.contains(['<', '>', '\n', '\r', '\0']) => {
                Err(Error::usage(format!(
                    "{name}={v:?} is not what git can record as who commits (no <, > or line break, not blank)"
                )))
            }
            v => Ok(v),
        };
        let (user, email) = (identity("TKT_USER")?, identity("TKT_EMAIL")?);
        let no_color = no_color();
        let stdout_tty = std::io::stdout().is_terminal();
        let width = if stdout_tty {
            terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
        } else {
            // `COLUMNS=0` (or empty), as some shells export it in a script, is no width.
            var("COLUMNS").and_then(|c| c.trim().parse().ok()).filter(|w: &usize| *w > 0)
        };
        Ok(Ctx {
            desk: cli.desk.clone(),
            cwd: std::env::current_dir().map_err(|e| Error::failure(format!("current folder: {e}")))?,
            now,
            system_clock: var("TKT_NOW").is_none(),
            user,
            login: var("USER"),
            email,
            lock_wait,
            network_timeout,
            quiet: cli.quiet,
            stderr_color: std::io::stderr().is_terminal() && !no_color,
            stdout_color: stdout_tty && !no_color,
            width,
            stdin_is_terminal: std::io::stdin().is_terminal(),
            // Like git: vi when nothing is set, but only for a person at a terminal.
            editor: var("VISUAL")
                .or_else(|| var("EDITOR"))
                .or_else(|| std::io::stdin().is_terminal().then(|| "vi".to_string())),
            stdin_taken: std::cell::Cell::new(false),
        })
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The folder `-C DIR` (or `TKT_DESK`) names, from the current folder.
    pub fn desk_dir(&self) -> Option<PathBuf> {
        self.desk.as_ref().map(|d| self.cwd.join(d))
    }

    /// Refuses a command that changes the record `id` when a sync of this clone renumbered
    /// its own record of that id in the last ten minutes: `id` is the remote's record now,
    /// and a script that kept it from its create would work, note and bill on another
    /// customer's ticket (found by a scripting attack). Exit 4, naming the new id.
    pub fn refuse_renumbered(&self, id: &str) -> Result<()> {
        let Ok(root) = Desk::find(self.desk.as_deref(), &self.cwd) else { return Ok(()) };
        let window = chrono::Duration::minutes(RENUMBERED_WINDOW_MINUTES);
        match Desk::renumbered_lately(&root, id, self.now, window)? {
            Some((new, at)) => Err(Error::refused(format!(
                "{id} is another record since {}: this clone's {id}, never published, was renumbered {new} by a sync",
                at.format("%H:%M")
            ))
            .with_hint(format!(
                "yours is {new}; for the remote's {id}, wait {RENUMBERED_WINDOW_MINUTES} minutes from the sync, so that \
                 a script that kept the old id never writes on another record"
            ))),
            None => Ok(()),
        }
    }

    pub fn open_desk(&self) -> Result<Desk> {
        Desk::open(Desk::find(self.desk.as_deref(), &self.cwd)?)
    }

    /// The env an operation runs in: the desk, now, and the actor, resolved once.
    pub fn env(&self) -> Result<Env> {
        Ok(self.env_of(self.open_desk()?))
    }

    /// The env of a desk already open.
    pub fn env_of(&self, desk: Desk) -> Env {
        let author = self.author(&desk);
        let mut env = Env::new(desk, author);
        env.lock_wait = self.lock_wait;
        env.transport = crate::git::Transport { interactive: self.stdin_is_terminal, timeout: self.network_timeout };
        env.system_clock = self.system_clock;
        env
    }

    /// Runs an operation in a new env and shows its notices, whether it succeeded or not.
    pub fn run<T>(&self, op: impl FnOnce(&Env) -> Result<T>) -> Result<T> {
        let env = self.env()?;
        let result = op(&env);
        self.show(env.take_notices());
        result
    }

    /// Who is acting: `TKT_USER`, else git's `user.name`, else the login name.
    fn author(&self, desk: &Desk) -> Author {
        let (git_name, git_email) = desk.repo().map(|r| r.configured_user()).unwrap_or_default();
        let name = self.user.clone().or(git_name).or_else(|| self.login.clone()).unwrap_or_else(|| {
            self.warn(
                "no identity: commits are authored `unknown`; set TKT_USER, or `git config user.name NAME` \
                 (and user.email) in the desk's repository",
            );
            "unknown".into()
        });
        // git needs an address; without one configured, a local one that says so.
        let email = self.email.clone().or(git_email).unwrap_or_else(|| {
            let local: String =
                name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '.' }).collect();
            format!("{local}@localhost")
        });
        Author { name, email, when: self.now }
    }

    /// Shows what operations had to say.
    pub fn show(&self, notices: Vec<Notice>) {
        for notice in notices {
            match notice {
                Notice::Info(text) => self.say(text),
                Notice::Warning(text) => self.warn(text),
            }
        }
    }

    /// `done` of `total` on stderr, on a terminal only, for long work.
    pub fn progress(&self, done: usize, total: usize) {
        if total > 1 && !self.quiet && std::io::stderr().is_terminal() {
            let end = if done == total { "\n" } else { "" };
            self.progress_text(&format!("\rimporting {done}/{total}{end}"));
        }
    }

    /// Text on stderr with no line end, for a status that the next one overwrites.
    pub fn progress_text(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
        let _ = stderr.flush();
    }

    /// Standard output as text, for a document printed on it.
    pub fn print_text(&self, text: &str) -> Result<()> {
        std::io::stdout().lock().write_all(text.as_bytes())?;
        Ok(())
    }

    /// Standard output for records, fitted to the terminal.
    pub fn out(&self) -> Output<std::io::StdoutLock<'static>> {
        Output { out: std::io::stdout().lock(), width: self.width, color: self.stdout_color, optional: vec![] }
    }

    /// Prints an id (or other result for scripts) alone on stdout.
    /// Prints the id a command made. The record is committed by then: an output that
    /// cannot be written (a full disk under `>> log`, a closed pipe) is warned about and
    /// the command still succeeds, so that a script's retry makes no second payment.
    pub fn print_id(&self, id: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, "{id}").and_then(|()| out.flush()) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                self.warn(format!("{id} was written, but its id could not be printed: {e}"));
            }
        }
        Ok(())
    }

    /// An informational message on stderr, unless --quiet.
    pub fn say(&self, message: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{}", crate::render::visible(message.as_ref()));
        }
    }

    pub fn warn(&self, message: impl AsRef<str>) {
        let prefix = if self.stderr_color { "\x1b[1;33mwarning:\x1b[0m" } else { "warning:" };
        let _ = writeln!(std::io::stderr().lock(), "{prefix} {}", crate::render::visible(message.as_ref()));
    }

    /// The names of the desk's customers, for a table: one whose file does not read is
    /// shown by its id, with a warning, and stops no list (found by a careless-office
    /// attack: one customer saved in Windows-1252 stopped every ticket and document list).
    pub fn customer_names(&self, desk: &Desk) -> Result<std::collections::HashMap<String, String>> {
        let mut names = std::collections::HashMap::new();
        for (rel, read) in desk.read_each::<crate::model::Customer, _>(crate::model::Kind::Customer, &|_, c| c)? {
            match read {
                Ok(c) => {
                    names.insert(c.id, c.name);
                }
                Err(_) => self.warn(format!("{} does not read: shown by its id (tkt check says why)", rel.display())),
            }
        }
        Ok(names)
    }

    /// A text argument: `-` reads standard input (for one argument of a command).
    pub fn text_arg(&self, value: &str) -> Result<String> {
        if value != "-" {
            return Ok(value.to_string());
        }
        if self.stdin_taken.replace(true) {
            return Err(Error::usage("only one argument can be `-` (standard input is read once)"));
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
