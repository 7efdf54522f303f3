use std::io::Write;

use clap::Args;

use crate::model::Ticket;
use crate::ops::query::view_ticket;
use crate::render::{text, Format};
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
    if args.format.format != Format::Table {
        return ctx.out().record(args.format.format, &desk.load::<Ticket>(&args.id)?);
    }
    let view = view_ticket(&desk, &args.id)?;
    let t = &view.ticket;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut card: Vec<(String, String)> = vec![
        ("id".into(), t.id.clone()),
        ("title".into(), t.title.clone()),
        ("state".into(), view.state.clone()),
        ("customer".into(), view.customer.clone()),
        ("priority".into(), t.priority.as_str().into()),
        ("assignee".into(), opt(&t.assignee)),
        ("category".into(), opt(&t.category)),
        ("item".into(), opt(&t.item)),
        ("serial".into(), opt(&t.serial)),
        ("warranty".into(), if t.warranty { "yes".into() } else { "no".into() }),
        ("opened".into(), format!("{} by {}", t.opened_at, t.opened_by)),
        ("due".into(), t.due.map(|d| d.to_string()).unwrap_or_default()),
        ("closed".into(), t.closed_at.map(|d| d.to_string()).unwrap_or_default()),
        (
            "reply after close".into(),
            t.reply_after_close().map(|n| format!("{} by {}", n.at.format("%Y-%m-%d %H:%M"), n.by)).unwrap_or_default(),
        ),
        ("request".into(), opt(&t.request)),
    ];
    for (name, value) in &t.custom {
        card.push((name.clone(), text(&serde_json::to_value(value).unwrap_or_default())));
    }
    card.retain(|(_, v)| !v.is_empty());
    let mut out = ctx.out();
    out.card(&card)?;
    let mut section = |title: &str, body: &str| -> Result<()> {
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
            .map(|n| {
                let flag = n.warning.as_ref().map(|w| format!(" [warning: {w}]")).unwrap_or_default();
                format!("{} {}{flag}: {}", n.at.format("%Y-%m-%d %H:%M"), n.by, n.text.replace('\n', "\n    "))
            })
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
    let conflicts = crate::model::conflicts_of(t);
    if !conflicts.is_empty() {
        let mut lines = Vec::new();
        for c in &conflicts {
            lines.push(format!("{} (resolve: tkt ticket edit {} --resolve FIELD)", c.field, t.id));
            for (label, side) in [("kept ", &c.kept), ("other", &c.other)] {
                let who = side.who();
                let who = if who.is_empty() { String::new() } else { format!("  ({who})") };
                lines.push(format!("  {label} {}{who}", side.text().replace('\n', "\n        ")));
            }
        }
        section("conflicts", &lines.join("\n"))?;
    }
    // A document that does not read leaves the ticket readable, with the problem named.
    let docs = match &view.documents {
        Ok(docs) => docs,
        Err(e) => {
            ctx.warn(format!("documents not shown: {e}"));
            return Ok(());
        }
    };
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
    }
    if let Some(b) = &view.balance {
        let line = format!(
            "invoiced {}  credited {}  paid {}  refunded {}  due {}",
            b.invoiced, b.credited, b.paid, b.refunded, b.due
        );
        section("balance", &line)?;
    }
    Ok(())
}
