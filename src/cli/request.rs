//! `tkt request`: customer requests before a problem is identified; `promote` opens the
//! ticket.

use std::path::PathBuf;

use chrono::Datelike;
use clap::{Args, Subcommand, ValueEnum};

use crate::desk::Desk;
use crate::model::{Contact, Customer, Equipment, Kind, Note, Priority, Request};
use crate::{Error, Result};

use super::ticket::{open_ticket, TicketDraft, WarrantyArgs};
use super::{optional, Ctx, FormatArg};

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  tkt request create --channel phone --customer C-0003 --subject 'Caldaia rumorosa'
  tkt request list --status open
  tkt request promote R-2026-0004 --assignee marco --priority high
  tkt request reject R-2026-0005 --reason 'Non è un nostro impianto'")]
pub enum RequestCommand {
    /// Record a request (phone call, visit...); prints its id.
    Create(RequestCreateArgs),
    /// List requests.
    List(RequestListArgs),
    /// Show one request.
    Show {
        id: String,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Open a ticket from a request; prints the ticket's id.
    Promote(RequestPromoteArgs),
    /// Close a request without a ticket.
    Reject {
        id: String,
        /// Why, written to the request's notes.
        #[arg(long)]
        reason: String,
    },
    /// Add a note to a request (a reply from the customer, a call back).
    Note {
        id: String,
        /// The note ('-' reads standard input).
        text: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Channel {
    Phone,
    Email,
    Form,
    WalkIn,
    Other,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Form => "form",
            Channel::WalkIn => "walk-in",
            Channel::Other => "other",
        }
    }
}

#[derive(Debug, Args)]
pub struct RequestCreateArgs {
    /// What the customer asks, in a line.
    #[arg(long)]
    pub subject: String,
    /// The request in full ('-' reads standard input).
    #[arg(long)]
    pub body: Option<String>,
    #[arg(long, value_enum, default_value = "phone")]
    pub channel: Channel,
    /// The customer, when known.
    #[arg(long)]
    pub customer: Option<String>,
    #[arg(long)]
    pub contact_name: Option<String>,
    #[arg(long)]
    pub contact_email: Option<String>,
    #[arg(long)]
    pub contact_phone: Option<String>,
    #[arg(long)]
    pub item: Option<String>,
    #[arg(long)]
    pub serial: Option<String>,
}

#[derive(Debug, Args)]
pub struct RequestListArgs {
    /// open, promoted or rejected.
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long, value_enum)]
    pub channel: Option<Channel>,
    #[arg(long)]
    pub customer: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct RequestPromoteArgs {
    pub id: String,
    /// The ticket's title; the request's subject by default.
    #[arg(long)]
    pub title: Option<String>,
    /// The customer, when the request has none (an unknown sender).
    #[arg(long)]
    pub customer: Option<String>,
    #[arg(long, value_enum, default_value = "normal")]
    pub priority: Priority,
    #[arg(long)]
    pub assignee: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    #[command(flatten)]
    pub warranty: WarrantyArgs,
}

pub fn run(ctx: &Ctx, cmd: RequestCommand) -> Result<()> {
    match cmd {
        RequestCommand::Create(a) => cmd_request_create(ctx, a),
        RequestCommand::List(a) => cmd_request_list(ctx, a),
        RequestCommand::Show { id, format } => ctx.out().record(format.format, &ctx.open_desk()?.load::<Request>(&id)?),
        RequestCommand::Promote(a) => cmd_request_promote(ctx, a),
        RequestCommand::Reject { id, reason } => cmd_request_reject(ctx, &id, &reason),
        RequestCommand::Note { id, text } => {
            let desk = ctx.open_desk()?;
            let _lock = ctx.lock(&desk)?;
            let mut request: Request = desk.load(&id)?;
            let text = ctx.text_arg(&text)?;
            if text.trim().is_empty() {
                return Err(Error::refused("the note is empty"));
            }
            request.notes.push(Note::new(ctx.now, &ctx.actor(&desk), text));
            let path = desk.write(&request)?;
            ctx.commit(&desk, &[path], &format!("{}: note", request.id))
        }
    }
}

/// A new open request received now; the caller fills in what it knows.
pub fn new_request(ctx: &Ctx, channel: &str, subject: String) -> Request {
    Request {
        id: String::new(),
        received_at: ctx.now,
        channel: channel.to_string(),
        customer: None,
        contact: Contact::default(),
        subject,
        body: None,
        item: None,
        serial: None,
        status: "open".into(),
        ticket: None,
        message_id: None,
        thread: None,
        attachments: vec![],
        warnings: vec![],
        notes: vec![],
        extra: Default::default(),
    }
}

/// Numbers a new request; the caller writes it (attachments go in its folder first).
pub fn number_request(ctx: &Ctx, desk: &Desk, request: &mut Request) -> Result<()> {
    request.id = desk.next_id(Kind::Request, Some(ctx.now.year()), None)?;
    Ok(())
}

fn cmd_request_create(ctx: &Ctx, args: RequestCreateArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    if args.subject.trim().is_empty() {
        return Err(Error::refused("--subject must not be empty"));
    }
    let mut request = new_request(ctx, args.channel.as_str(), args.subject.trim().to_string());
    if let Some(c) = &args.customer {
        desk.load::<Customer>(c)?;
    }
    request.customer = args.customer;
    request.body = args.body.map(|b| ctx.text_arg(&b)).transpose()?.and_then(optional);
    request.contact = Contact {
        name: args.contact_name,
        email: args.contact_email,
        phone: args.contact_phone,
        extra: Default::default(),
    };
    request.item = args.item;
    request.serial = args.serial;
    if let Some(s) = &request.serial {
        if !desk.exists(Kind::Equipment, s) {
            request.warnings.push(format!("serial {s} is not registered"));
        }
    }
    number_request(ctx, &desk, &mut request)?;
    let path = desk.write(&request)?;
    ctx.commit(&desk, &[path], &format!("{}: new request by {}: {}", request.id, request.channel, request.subject))?;
    ctx.print_id(&request.id)
}

fn cmd_request_list(ctx: &Ctx, args: RequestListArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let mut requests: Vec<Request> = desk.load_all()?;
    requests.retain(|r| {
        args.status.as_ref().is_none_or(|s| &r.status == s)
            && args.channel.is_none_or(|c| r.channel == c.as_str())
            && args.customer.as_ref().is_none_or(|c| r.customer.as_ref() == Some(c))
    });
    let from = |r: &Request| {
        r.customer.clone().or_else(|| r.contact.email.clone()).or_else(|| r.contact.name.clone()).unwrap_or_default()
    };
    ctx.out().records(
        args.format.format,
        &requests,
        &[
            ("id", &|r: &Request| r.id.clone()),
            ("status", &|r: &Request| r.status.clone()),
            ("received", &|r: &Request| r.received_at.format("%Y-%m-%d %H:%M").to_string()),
            ("channel", &|r: &Request| r.channel.clone()),
            ("ticket", &|r: &Request| r.ticket.clone().unwrap_or_default()),
            ("from", &from),
            ("subject", &|r: &Request| r.subject.clone()),
        ],
    )
}

fn cmd_request_promote(ctx: &Ctx, args: RequestPromoteArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let mut request: Request = desk.load(&args.id)?;
    let opts = Promotion {
        title: args.title,
        customer: args.customer,
        priority: args.priority,
        assignee: args.assignee,
        category: args.category,
        warranty: args.warranty,
    };
    let (ticket, paths) = promote(ctx, &desk, &mut request, opts)?;
    ctx.commit(&desk, &paths, &format!("{}: promoted to {ticket}", request.id))?;
    ctx.print_id(&ticket)
}

/// How a request becomes a ticket.
#[derive(Default)]
pub struct Promotion {
    pub title: Option<String>,
    pub customer: Option<String>,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub category: Option<String>,
    pub warranty: WarrantyArgs,
}

/// Opens the ticket of a request and links both ways; returns the ticket's id and the
/// files to commit. A request is promoted once.
pub fn promote(ctx: &Ctx, desk: &Desk, request: &mut Request, opts: Promotion) -> Result<(String, Vec<PathBuf>)> {
    match request.status.as_str() {
        "open" => {}
        "promoted" => {
            return Err(Error::refused(format!(
                "{} is already promoted to {}",
                request.id,
                request.ticket.as_deref().unwrap_or("a ticket")
            )))
        }
        other => return Err(Error::refused(format!("{} is {other}; only an open request is promoted", request.id))),
    }
    let customer = opts.customer.or_else(|| request.customer.clone()).ok_or_else(|| {
        Error::usage(format!("{} comes from an unknown sender: give the customer with --customer C-NNNN", request.id))
    })?;
    // A serial the request named but nobody registered stays on the request only.
    let serial = request.serial.clone().filter(|s| {
        desk.config.features.serial_numbers
            && desk.get::<Equipment>(s).ok().flatten().is_some_and(|u| u.customer == customer)
    });
    if let (Some(s), None) = (&request.serial, &serial) {
        ctx.warn(format!("{}: serial {s} is not a registered unit of {customer}; the ticket gets none", request.id));
    }
    let draft = TicketDraft {
        title: opts.title.unwrap_or_else(|| request.subject.clone()),
        customer: Some(customer.clone()),
        item: request.item.clone().filter(|i| desk.exists(Kind::Item, i)),
        serial,
        warranty: opts.warranty,
        priority: opts.priority,
        category: opts.category,
        assignee: opts.assignee,
        problem: request.body.clone(),
        due: None,
        set: vec![],
        request: Some(request.id.clone()),
    };
    let (ticket, ticket_path) = open_ticket(ctx, desk, draft)?;
    request.status = "promoted".into();
    request.ticket = Some(ticket.id.clone());
    request.customer = Some(customer);
    let request_path = desk.write(request)?;
    Ok((ticket.id, vec![request_path, ticket_path]))
}

fn cmd_request_reject(ctx: &Ctx, id: &str, reason: &str) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    let mut request: Request = desk.load(id)?;
    if request.status != "open" {
        return Err(Error::refused(format!("{} is {}; only an open request is rejected", request.id, request.status)));
    }
    if reason.trim().is_empty() {
        return Err(Error::refused("--reason must say why"));
    }
    request.status = "rejected".into();
    request.notes.push(Note::new(ctx.now, &ctx.actor(&desk), format!("rejected: {}", reason.trim())));
    let path = desk.write(&request)?;
    ctx.commit(&desk, &[path], &format!("{}: rejected", request.id))?;
    ctx.say(format!("{}: rejected", request.id));
    Ok(())
}
