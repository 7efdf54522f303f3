//! The one error type of tkt: what went wrong, where (a file, line, column, field, as
//! data), hints on what to do, and its kind, from which alone the exit code of the contract
//! (DESIGN §6) follows.

use std::fmt;
use std::path::{Path, PathBuf};

/// The class of an error; it decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// I/O, git or internal failure (exit 1).
    Failure,
    /// Bad command-line usage (exit 2).
    Usage,
    /// A record that does not exist (exit 3).
    NotFound,
    /// Refused by a rule, or invalid input (exit 4).
    Refused,
    /// The desk is busy or a conflict needs a person (exit 5).
    Busy,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Failure => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotFound => 3,
            ErrorKind::Refused => 4,
            ErrorKind::Busy => 5,
        }
    }
}

/// Where in the desk something is wrong: a file (desk-relative where it is in the desk),
/// with the line and column of a YAML error, and the field when one is known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location { file: file.into(), ..Default::default() }
    }

    pub fn at(file: impl Into<PathBuf>, line: usize, column: Option<usize>) -> Self {
        Location { file: file.into(), line: Some(line), column, field: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// An error with a message for people, where it is, hints on what to do, and its kind.
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    /// What is wrong, without the location (shown in front of it by `Display`).
    pub message: String,
    pub location: Option<Box<Location>>,
    /// What to do about it, one line each.
    pub hints: Vec<String>,
    /// Set when the error is a broken pipe on output: not an error, a signal to exit.
    pub broken_pipe: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), location: None, hints: Vec::new(), broken_pipe: false }
    }
    /// Invalid input found in a file: a record or config that does not read (exit 4).
    /// A value the message quotes is cut to [`MAX_QUOTED`] characters: an error shows
    /// where the file is wrong, never its contents.
    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        let message = shorten_quoted(&message.into());
        Error { location: Some(Box::new(location)), ..Self::new(ErrorKind::Refused, message) }
    }
    /// A value typed or read that the message quotes (`"…"`) is cut to [`MAX_QUOTED`]
    /// characters, as [`Error::invalid`] cuts it (found by a scripting attack: an id of
    /// 100,000 digits was said whole, and a form's field three times as long).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, cut_quoted(&message.into(), &['"']))
    }
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, cut_quoted(&message.into(), &['"']))
    }
    pub fn busy(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Busy, message)
    }
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failure, message)
    }
    pub fn not_found(noun: &str, id: &str) -> Self {
        // An id typed is echoed cut, as a quoted value is (found by a scripting attack: a
        // value of 100,000 characters came back whole).
        Self::new(ErrorKind::NotFound, format!("{noun} {} not found", cut(id, MAX_QUOTED)))
    }
    /// An I/O error on a path; a broken pipe is flagged so the caller can exit quietly.
    pub fn io(path: &Path, err: std::io::Error) -> Self {
        let mut e = Self::failure(format!("{}: {err}", path.display()));
        e.broken_pipe = err.kind() == std::io::ErrorKind::BrokenPipe;
        e
    }
    pub fn git(err: git2::Error) -> Self {
        match err.message().trim() {
            // libgit2 says nothing of some failed writes (found by a careless-office
            // attack: a full disk was "git: no error").
            "" | "no error" => Self::failure(format!(
                "git: writing to the repository failed and git gave no reason ({:?}, {:?}): is the disk full, or a \
                 file of .git not writable?",
                err.class(),
                err.code()
            )),
            message => Self::failure(format!("git: {message}")),
        }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        let mut e = Self::failure(err.to_string());
        e.broken_pipe = err.kind() == std::io::ErrorKind::BrokenPipe;
        e
    }
}

impl From<git2::Error> for Error {
    fn from(err: git2::Error) -> Self {
        Self::git(err)
    }
}

/// The most characters of a quoted value an error message shows.
pub const MAX_QUOTED: usize = 80;

/// Cuts every quoted value in a message (`"…"` or `` `…` ``, as serde and toml quote
/// them) longer than [`MAX_QUOTED`] characters, and the message itself to a few lines'
/// worth: parsers put the value they did not expect into their message, and a value can be
/// a whole file.
pub fn shorten_quoted(message: &str) -> String {
    const MAX_MESSAGE: usize = 1000;
    cut(&cut_quoted(message, &['"', '`']), MAX_MESSAGE)
}

/// `text` cut to `max` characters, `…` saying it was.
fn cut(text: &str, max: usize) -> String {
    match text.chars().count() > max {
        true => text.chars().take(max).chain(['…']).collect(),
        false => text.to_string(),
    }
}

/// Cuts every value quoted with one of `quotes` longer than [`MAX_QUOTED`] characters.
pub(crate) fn cut_quoted(message: &str, quotes: &[char]) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut chars = message.chars().peekable();
    let mut quote: Option<char> = None;
    let mut inside = 0usize;
    while let Some(c) = chars.next() {
        match quote {
            None => {
                if quotes.contains(&c) {
                    quote = Some(c);
                    inside = 0;
                }
                out.push(c);
            }
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(q) => {
                inside += 1;
                if inside <= MAX_QUOTED {
                    out.push(c);
                    if c == '\\' && q == '"' {
                        if let Some(next) = chars.next() {
                            out.push(next);
                        }
                    }
                } else if inside == MAX_QUOTED + 1 {
                    out.push('…');
                }
                if c == '\\' && q == '"' && inside > MAX_QUOTED {
                    chars.next();
                }
            }
        }
    }
    out
}

/// What tkt says when it panics: a bug of tkt, where it happened, and how to report it.
pub fn bug_report(info: &std::panic::PanicHookInfo) -> String {
    let what = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
    format!(
        "error: tkt hit a bug ({what}{at})\n\
         hint: please report it with the command you ran and the version (tkt {}); \
         `tkt check` shows whether the desk needs attention",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_git_failure_without_a_reason_says_what_may_be_wrong() {
        let err = Error::git(git2::Error::new(git2::ErrorCode::GenericError, git2::ErrorClass::Odb, "no error"));
        assert!(err.to_string().contains("is the disk full"), "{err}");
        let err = Error::git(git2::Error::from_str("reference is locked"));
        assert_eq!(err.to_string(), "git: reference is locked");
    }

    use super::*;

    #[test]
    fn long_quoted_values_are_cut_short_ones_kept() {
        let long = "x".repeat(5000);
        let cut = shorten_quoted(&format!("invalid type: string \"{long}\", expected a boolean"));
        assert_eq!(cut, format!("invalid type: string \"{}…\", expected a boolean", "x".repeat(MAX_QUOTED)));
        let cut = shorten_quoted(&format!("unknown variant `{long}`, expected one of `low`, `high`"));
        assert!(cut.ends_with("…`, expected one of `low`, `high`"), "{cut}");
        assert_eq!(shorten_quoted("channel: \"pig\\\"eon\" is not one"), "channel: \"pig\\\"eon\" is not one");
        assert!(shorten_quoted(&long).chars().count() <= 1001);
    }
}
