//! `tkt check`: every record parsed and checked against the others.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use crate::desk::Desk;
use crate::model::{Customer, Equipment, Item, Kind, Record, State, Ticket};
use crate::render::Format;
use crate::rules::{check_catalog, check_customer, check_equipment, check_item, check_ticket, Problem, TicketRefs};
use crate::{Error, Result};

use super::{Ctx, FormatArg};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub format: FormatArg,
}

/// One finding: the file (with line and column for YAML errors) and what is wrong.
#[derive(Debug, Serialize)]
struct Finding {
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    problem: String,
}

impl Finding {
    fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Finding { path: path.into(), line: None, column: None, problem: problem.into() }
    }

    /// From a read error, whose message starts with `path:line:column: ` or `path: `.
    fn from_error(path: &Path, message: &str) -> Self {
        let shown = path.display().to_string();
        let rest = message.strip_prefix(&shown).unwrap_or(message);
        let located = regex::Regex::new(r"^:(\d+):(\d+): (?s)(.*)$").unwrap();
        match located.captures(rest) {
            Some(c) => {
                Finding { path: shown, line: c[1].parse().ok(), column: c[2].parse().ok(), problem: c[3].to_string() }
            }
            None => Finding::new(shown, rest.strip_prefix(": ").unwrap_or(rest)),
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.path, self.problem),
            _ => write!(f, "{}: {}", self.path, self.problem),
        }
    }
}

pub fn cmd_check(ctx: &Ctx, args: CheckArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let mut findings = Vec::new();
    let states = read::<State>(&desk, &mut findings)?;
    let customers = read::<Customer>(&desk, &mut findings)?;
    let items = read::<Item>(&desk, &mut findings)?;
    let units = read::<Equipment>(&desk, &mut findings)?;
    let tickets = read::<Ticket>(&desk, &mut findings)?;
    for path in desk.leftover_temp_files()? {
        findings.push(Finding::new(
            path.display().to_string(),
            "temp file of an interrupted write; the record it was for is intact, delete it",
        ));
    }

    let catalog: Vec<State> = states.iter().map(|(_, s)| s.clone()).collect();
    for p in check_catalog(&catalog) {
        findings.push(Finding::new("states/", p.to_string()));
    }
    let customer_ids: HashSet<&str> = customers.iter().map(|(_, c)| c.id.as_str()).collect();
    let items_by_code: HashMap<&str, &Item> = items.iter().map(|(_, i)| (i.code.as_str(), i)).collect();
    let units_by_serial: HashMap<&str, &Equipment> = units.iter().map(|(_, u)| (u.serial.as_str(), u)).collect();
    let mut add = |path: &PathBuf, problems: Vec<Problem>| {
        findings.extend(problems.into_iter().map(|p| Finding::new(path.display().to_string(), p.to_string())));
    };
    for (path, c) in &customers {
        add(path, check_customer(c));
    }
    for (path, i) in &items {
        add(path, check_item(i));
    }
    for (path, u) in &units {
        add(
            path,
            check_equipment(u, items_by_code.get(u.item.as_str()).copied(), customer_ids.contains(u.customer.as_str())),
        );
    }
    for (path, t) in &tickets {
        let unit = t.serial.as_deref().and_then(|s| units_by_serial.get(s).copied());
        let refs = TicketRefs {
            state: catalog.iter().find(|s| s.id == t.state),
            customer_exists: customer_ids.contains(t.customer.as_str()),
            item: t.item.as_deref().map(|i| items_by_code.get(i).copied()),
            unit: t.serial.as_ref().map(|_| unit.map(|u| (u, items_by_code.get(u.item.as_str()).copied()))),
        };
        let mut problems = check_ticket(t, &desk.config, &refs);
        if let Some(r) = t.request.as_deref().filter(|r| !desk.exists(Kind::Request, r)) {
            problems.push(Problem::new("request", format!("unknown request {r:?}")));
        }
        add(path, problems);
    }

    let mut out = ctx.out();
    match args.format.format {
        Format::Table => {
            use std::io::Write;
            for f in &findings {
                writeln!(out.out, "{f}")?;
            }
        }
        other => out.records(other, &findings, &[])?,
    }
    let records = states.len() + customers.len() + items.len() + units.len() + tickets.len();
    if findings.is_empty() {
        ctx.say(format!("desk is clean: {records} records checked"));
        Ok(())
    } else {
        Err(Error::refused(format!("{} problem(s) in the desk ({records} records read)", findings.len())))
    }
}

/// Reads every record of a kind, turning unreadable files and duplicate ids into findings.
fn read<T: Record>(desk: &Desk, findings: &mut Vec<Finding>) -> Result<Vec<(PathBuf, T)>> {
    let mut good = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for (path, record) in desk.read_each::<T>()? {
        match record {
            Ok(r) => {
                if let Some(first) = seen.insert(r.id().to_string(), path.clone()) {
                    findings.push(Finding::new(
                        path.display().to_string(),
                        format!("duplicate id {} (also in {})", r.id(), first.display()),
                    ));
                }
                good.push((path, r));
            }
            Err(e) => findings.push(Finding::from_error(&path, &e.message)),
        }
    }
    Ok(good)
}
