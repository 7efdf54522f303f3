use clap::Args;

use crate::model::{Customer, Document, Money, State, Ticket};
use crate::render::{text, Format};
use crate::rules::{balances, Balance};
use crate::Result;

use super::super::{Ctx, FormatArg};

#[derive(Debug, Args)]
pub struct TicketShowArgs {
    pub id: String,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn cmd_ticket_show(ctx: &Ctx, args: TicketShowArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let t: Ticket = desk.load(&args.id)?;
    if args.format.format != Format::Table {
        return ctx.out().record(args.format.format, &t);
    }
    let state = desk
        .get::<State>(&t.state)
        .ok()
        .flatten()
        .map(|s| format!("{} ({})", s.name, s.id))
        .unwrap_or_else(|| t.state.clone());
    let customer = desk
        .get::<Customer>(&t.customer)
        .ok()
        .flatten()
        .map(|c| format!("{} {}", c.id, c.name))
        .unwrap_or_else(|| t.customer.clone());
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut card: Vec<(String, String)> = vec![
        ("id".into(), t.id.clone()),
        ("title".into(), t.title.clone()),
        ("state".into(), state),
        ("customer".into(), customer),
        ("priority".into(), t.priority.as_str().into()),
        ("assignee".into(), opt(&t.assignee)),
        ("category".into(), opt(&t.category)),
        ("item".into(), opt(&t.item)),
        ("serial".into(), opt(&t.serial)),
        ("warranty".into(), if t.warranty { "yes".into() } else { "no".into() }),
        ("opened".into(), format!("{} by {}", t.opened_at, t.opened_by)),
        ("due".into(), t.due.map(|d| d.to_string()).unwrap_or_default()),
        ("closed".into(), t.closed_at.map(|d| d.to_string()).unwrap_or_default()),
        ("request".into(), opt(&t.request)),
    ];
    for (name, value) in &t.custom {
        card.push((name.clone(), text(&serde_json::to_value(value).unwrap_or_default())));
    }
    card.retain(|(_, v)| !v.is_empty());
    let mut out = ctx.out();
    out.card(&card)?;
    let mut section = |title: &str, body: &str| -> Result<()> {
        use std::io::Write;
        writeln!(out.out, "\n{title}:")?;
        for line in body.lines() {
            writeln!(out.out, "  {}", crate::render::visible(line))?;
        }
        Ok(())
    };
    if let Some(p) = &t.problem {
        section("problem", p)?;
    }
    if let Some(s) = &t.solution {
        section("solution", s)?;
    }
    if !t.notes.is_empty() {
        let notes: Vec<String> = t
            .notes
            .iter()
            .map(|n| format!("{} {}: {}", n.at.format("%Y-%m-%d %H:%M"), n.by, n.text.replace('\n', "\n    ")))
            .collect();
        section("notes", &notes.join("\n"))?;
    }
    let history: Vec<String> = t
        .history
        .iter()
        .map(|h| {
            let step = match &h.from {
                Some(from) if from != &h.to => format!("{from} -> {}", h.to),
                Some(_) => "note".to_string(),
                None => format!("opened in {}", h.to),
            };
            let note = h.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
            format!("{} {}: {step}{note}", h.at.format("%Y-%m-%d %H:%M"), h.by)
        })
        .collect();
    if !history.is_empty() {
        section("history", &history.join("\n"))?;
    }
    // Documents point at their ticket; the ticket's list is derived from them. A document
    // that does not read leaves the ticket readable, with the problem named.
    let all = match desk.documents_of_ticket(&t.id) {
        Ok(all) => all,
        Err(e) => {
            ctx.warn(format!("documents not shown: {e}"));
            return Ok(());
        }
    };
    let docs: Vec<&Document> = all.iter().filter(|d| d.ticket.as_deref() == Some(t.id.as_str())).collect();
    if !docs.is_empty() {
        let lines: Vec<String> = docs
            .iter()
            .map(|d| {
                let amount =
                    if d.totals.is_some() || d.amount.is_some() { format!("  {}", d.value()) } else { String::new() };
                format!("{}  {}  {}{amount}", d.id, d.kind, d.date)
            })
            .collect();
        section("documents", &lines.join("\n"))?;
        let all_balances = balances(&all);
        let invoices: Vec<&Balance> = docs.iter().filter_map(|d| all_balances.get(&d.id)).collect();
        if !invoices.is_empty() {
            let sum = |f: fn(&Balance) -> Money| Money(invoices.iter().map(|b| f(b).0).sum());
            let line = format!(
                "invoiced {}  credited {}  paid {}  refunded {}  due {}",
                sum(|b| b.invoiced),
                sum(|b| b.credited),
                sum(|b| b.paid),
                sum(|b| b.refunded),
                sum(|b| b.due)
            );
            section("balance", &line)?;
        }
    }
    Ok(())
}
