//! The command line: clap types, one module per noun, and the single place where errors
//! become messages and exit codes.
//!
//! Every command follows the same path: parse args -> open the desk -> (lock) -> call the
//! rules -> write -> commit -> print.

mod check;
mod completions;
mod context;
mod customer;
mod doc;
mod editor;
mod equipment;
mod import;
mod init;
mod item;
mod report;
mod request;
mod state;
mod sync;
mod ticket;
mod upgrade;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use context::Ctx;

use crate::Error;

/// Service tickets (ticket assistenza) as YAML files in a git-versioned desk.
///
/// A desk is a folder holding tkt.toml; tkt finds it like git finds a repository: -C DIR,
/// else $TKT_DESK, else the nearest parent of the current folder. Each command that
/// changes something writes YAML records and makes one git commit.
///
/// Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 refused or invalid, 5 busy.
#[derive(Debug, Parser)]
#[command(name = "tkt", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Use the desk in DIR instead of searching from the current folder.
    #[arg(short = 'C', long = "desk", global = true, value_name = "DIR", env = "TKT_DESK")]
    pub desk: Option<PathBuf>,

    /// Print no messages on stderr except errors and warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a desk: tkt.toml, the state catalog, a git repository and a first commit.
    Init(init::InitArgs),
    /// Open, follow and close tickets.
    #[command(subcommand)]
    Ticket(ticket::TicketCommand),
    /// Customer requests (phone, e-mail, form) before they become tickets.
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// Import e-mail (one message or a maildir) and support-form posts.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Edit the state catalog: names, order, closed states, allowed transitions.
    #[command(subcommand)]
    State(state::StateCommand),
    /// Customers and their fiscal data.
    #[command(subcommand)]
    Customer(customer::CustomerCommand),
    /// Products and services, with price, VAT rate, serial pattern and warranty.
    #[command(subcommand)]
    Item(item::ItemCommand),
    /// Serial-numbered units sold to customers, and their warranty.
    #[command(subcommand)]
    Equipment(equipment::EquipmentCommand),
    /// Documents: list, show, print; credit notes, payments, refunds; close orders.
    #[command(subcommand)]
    Doc(doc::DocCommand),
    /// Reports: summary, aging, hours, billing, receivables, warranty, equipment.
    Report(report::ReportArgs),
    /// Sync with the team's remote: commit hand edits, fetch, merge records, push.
    Sync(sync::SyncArgs),
    /// Check every record of the desk and list what is wrong, one line each.
    Check(check::CheckArgs),
    /// Move a desk kept by an older tkt to this one's layout, in one commit (tickets and
    /// documents into folders of a thousand: tickets/2026/001/T-2026-1042.yaml).
    Upgrade(upgrade::UpgradeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) or the man page.
    Completions(completions::CompletionsArgs),
    /// The merge driver git runs for records (set up by tkt init and tkt sync).
    #[command(hide = true)]
    MergeDriver(sync::MergeDriverArgs),
}

/// Runs tkt with the process's arguments and environment; returns the exit code.
pub fn run() -> ExitCode {
    let parsed = unset_empty_env(command())
        .try_get_matches()
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        // Help and version as clap prints them; an error with the values it quotes cut, as
        // tkt's own are (found by a scripting attack: `invalid value '…'` of 100,000
        // characters came back whole).
        Err(e) if e.use_stderr() => {
            eprint!("{}", crate::error::cut_quoted(&e.render().to_string(), &['\'']));
            return ExitCode::from(e.exit_code() as u8);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    std::panic::set_hook(Box::new(report_bug));
    let run = std::panic::AssertUnwindSafe(|| Ctx::from_env(&cli).and_then(|ctx| dispatch(&ctx, cli.command)));
    let Ok(result) = std::panic::catch_unwind(run) else {
        // The hook has said what happened; a bug is a failure of tkt (exit 1), not 101.
        return ExitCode::from(crate::ErrorKind::Failure.exit_code());
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A broken pipe (`tkt ticket list | head -1`) is not an error: exit quietly.
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(ctx: &Ctx, command: Command) -> crate::Result<()> {
    // The commands that read the whole desk.
    if matches!(command, Command::Report(_) | Command::Check(_)) {
        crate::memory::give_back_at_once();
    }
    match command {
        Command::Init(args) => init::cmd_init(ctx, args),
        Command::Ticket(cmd) => ticket::run(ctx, cmd),
        Command::Request(cmd) => request::run(ctx, cmd),
        Command::Import(cmd) => import::run(ctx, cmd),
        Command::State(cmd) => state::run(ctx, cmd),
        Command::Customer(cmd) => customer::run(ctx, cmd),
        Command::Item(cmd) => item::run(ctx, cmd),
        Command::Equipment(cmd) => equipment::run(ctx, cmd),
        Command::Doc(cmd) => doc::run(ctx, cmd),
        Command::Report(args) => report::cmd_report(ctx, args),
        Command::Sync(args) => sync::cmd_sync(ctx, args),
        Command::MergeDriver(args) => sync::cmd_merge_driver(ctx, args),
        Command::Check(args) => check::cmd_check(ctx, args),
        Command::Upgrade(args) => upgrade::cmd_upgrade(ctx, args),
        Command::Completions(args) => completions::cmd_completions(ctx, args),
    }
}

/// A variable set but empty (`TKT_DESK=`, `TKT_FORMAT=`) stands for no value, as for
/// `TKT_USER` and `TKT_NOW`: clap would take it as an empty `--desk` or `--format`.
fn unset_empty_env(mut cmd: clap::Command) -> clap::Command {
    let empty: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|a| a.get_env().and_then(std::env::var_os).is_some_and(|v| v.is_empty()))
        .map(|a| a.get_id().clone())
        .collect();
    for id in empty {
        cmd = cmd.mut_arg(id, |a| a.env(None));
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, unset_empty_env);
    }
    cmd
}

fn report(e: &Error) {
    let color = std::io::stderr().is_terminal() && !context::no_color();
    let (err, hint) = if color { ("\x1b[1;31merror:\x1b[0m", "\x1b[1;36mhint:\x1b[0m") } else { ("error:", "hint:") };
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{err} {}", crate::render::visible(&e.to_string()));
    for h in &e.hints {
        let _ = writeln!(stderr, "{hint} {}", crate::render::visible(h));
    }
}

/// A panic is a bug in tkt, never the user's fault: say so, where, and how to report it.
fn report_bug(info: &std::panic::PanicHookInfo) {
    let _ = writeln!(std::io::stderr().lock(), "{}", crate::error::bug_report(info));
}

/// The clap command, for completions, the man page and tests.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        super::command().debug_assert();
    }

    /// `--help` teaches every option: each says what it does (found by a review: `ticket
    /// edit --customer` showed a bare name).
    #[test]
    fn every_option_of_every_command_says_what_it_does() {
        fn walk(cmd: &clap::Command, path: String, bare: &mut Vec<String>) {
            for arg in cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_positional()) {
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    bare.push(format!("{path} --{}", arg.get_long().unwrap_or_default()));
                }
            }
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                walk(sub, format!("{path} {}", sub.get_name()), bare);
            }
        }
        let mut bare = Vec::new();
        walk(&super::command(), "tkt".into(), &mut bare);
        assert!(bare.is_empty(), "options with no help:\n{}", bare.join("\n"));
    }
}

/// `--format` of read commands.
#[derive(Debug, Clone, clap::Args)]
pub struct FormatArg {
    /// Output format: table for people; json, yaml and csv for scripts (keys are the YAML
    /// field names).
    #[arg(long, short = 'f', value_enum, default_value = "table", env = "TKT_FORMAT")]
    pub format: crate::render::Format,
}

/// `--since` and `--until`: a period of days, both ends included.
#[derive(Debug, Clone, clap::Args)]
pub struct Period {
    /// From this day on (YYYY-MM-DD): tickets opened, documents dated, work done.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Up to this day, included.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub until: Option<chrono::NaiveDate>,
}

/// The fields `--clear FIELD` names (comma-separated or repeated), each one of `optional`:
/// a usage error names those it takes otherwise.
fn cleared(fields: &[String], optional: &[&str]) -> crate::Result<Vec<String>> {
    let fields = split_list(fields);
    if let Some(other) = fields.iter().find(|f| !optional.contains(&f.as_str())) {
        return Err(crate::Error::usage(format!("--clear {other}: not an optional field ({})", optional.join(", "))));
    }
    Ok(fields)
}

/// Splits `a,b c` lists given on the command line.
fn split_list(values: &[String]) -> Vec<String> {
    values.iter().flat_map(|v| v.split([',', ' '])).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A day as `YYYY-MM-DD`, its year of four digits: `26-11-30` is a typo, never the year
/// 26 (found by a scripting attack: a DDT was issued as `DI-0026-0001`, for good). Records
/// are read by the same rule ([`crate::model::day`]).
pub(crate) use crate::model::day::parse as parse_date;

/// A new document's date: [`parse_date`], in a year from 1970 to 2099 (a fiscal number
/// carries its year for good; an old boiler's sale or an open period is not held to it).
fn parse_document_date(s: &str) -> Result<chrono::NaiveDate, String> {
    let day = parse_date(s)?;
    if !(1970..=2099).contains(&chrono::Datelike::year(&day)) {
        return Err(format!("{s:?}: a document is dated in a year from 1970 to 2099"));
    }
    Ok(day)
}

/// A parser for a closed vocabulary: one of `texts`, listed in `--help` and completions.
fn vocabulary<T>(texts: &'static [&'static str]) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr<Err = std::convert::Infallible> + Clone + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(texts).map(|text| match text.parse::<T>() {
        Ok(value) => value,
        Err(never) => match never {},
    })
}
