//! `tkt request`: customer requests before a problem is identified; `promote` opens the
//! ticket.

use clap::{Args, Subcommand};

use crate::model::{Channel, Contact, Priority, Request, RequestStatus};
use crate::ops::optional;
use crate::ops::query::list_requests;
use crate::ops::request::{self, Promotion};
use crate::Result;

use super::ticket::WarrantyArgs;
use super::{vocabulary, Ctx, FormatArg};

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

#[derive(Debug, Args)]
pub struct RequestCreateArgs {
    /// What the customer asks, in a line ('-' reads standard input).
    #[arg(long)]
    pub subject: String,
    /// The request in full ('-' reads standard input).
    #[arg(long)]
    pub body: Option<String>,
    /// How it came in.
    #[arg(long, default_value = "phone", value_parser = vocabulary::<Channel>(Channel::TEXTS))]
    pub channel: Channel,
    /// The customer, when known.
    #[arg(long)]
    pub customer: Option<String>,
    /// Who asked, when no customer is known yet.
    #[arg(long)]
    pub contact_name: Option<String>,
    /// Their e-mail address.
    #[arg(long)]
    pub contact_email: Option<String>,
    /// Their phone number.
    #[arg(long)]
    pub contact_phone: Option<String>,
    /// The item concerned (its code).
    #[arg(long)]
    pub item: Option<String>,
    /// The unit concerned (its serial number).
    #[arg(long)]
    pub serial: Option<String>,
}

#[derive(Debug, Args)]
pub struct RequestListArgs {
    /// open, promoted or rejected.
    #[arg(long, value_parser = vocabulary::<RequestStatus>(RequestStatus::TEXTS))]
    pub status: Option<RequestStatus>,
    /// Only requests that came in this way.
    #[arg(long, value_parser = vocabulary::<Channel>(Channel::TEXTS))]
    pub channel: Option<Channel>,
    /// Only requests of this customer (C-0001).
    #[arg(long)]
    pub customer: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct RequestPromoteArgs {
    pub id: String,
    /// The ticket's title; the request's subject by default ('-' reads standard input).
    #[arg(long)]
    pub title: Option<String>,
    /// The customer, when the request has none (an unknown sender).
    #[arg(long)]
    pub customer: Option<String>,
    /// The ticket's priority.
    #[arg(long, value_enum, default_value = "normal")]
    pub priority: Priority,
    /// The technician who follows the ticket.
    #[arg(long)]
    pub assignee: Option<String>,
    /// The ticket's category.
    #[arg(long)]
    pub category: Option<String>,
    #[command(flatten)]
    pub warranty: WarrantyArgs,
}

pub fn run(ctx: &Ctx, cmd: RequestCommand) -> Result<()> {
    // A request this clone's sync just renumbered: the id is the remote's now.
    let changes: Vec<&String> = match &cmd {
        RequestCommand::Create(a) => a.customer.iter().collect(),
        RequestCommand::Promote(a) => std::iter::once(&a.id).chain(&a.customer).collect(),
        RequestCommand::Reject { id, .. } | RequestCommand::Note { id, .. } => vec![id],
        RequestCommand::List(_) | RequestCommand::Show { .. } => vec![],
    };
    for id in changes {
        ctx.refuse_renumbered(id)?;
    }
    match cmd {
        RequestCommand::Create(a) => cmd_request_create(ctx, a),
        RequestCommand::List(a) => cmd_request_list(ctx, a),
        RequestCommand::Show { id, format } => ctx.out().record(format.format, &ctx.open_desk()?.load::<Request>(&id)?),
        RequestCommand::Promote(a) => cmd_request_promote(ctx, a),
        RequestCommand::Reject { id, reason } => ctx.run(|env| request::reject(env, &id, &reason)),
        RequestCommand::Note { id, text } => {
            let text = ctx.text_arg(&text)?;
            ctx.run(|env| request::note(env, &id, text))
        }
    }
}

fn cmd_request_create(ctx: &Ctx, args: RequestCreateArgs) -> Result<()> {
    let subject = ctx.text_arg(&args.subject)?;
    let body = args.body.map(|b| ctx.text_arg(&b)).transpose()?.and_then(optional);
    let created = ctx.run(|env| {
        let mut r = request::new_request(env, args.channel, subject);
        r.customer = args.customer;
        r.body = body;
        r.contact = Contact {
            name: args.contact_name,
            email: args.contact_email,
            phone: args.contact_phone,
            extra: Default::default(),
        };
        r.item = args.item;
        r.serial = args.serial;
        request::create(env, r)
    })?;
    ctx.print_id(&created.id)
}

fn cmd_request_list(ctx: &Ctx, args: RequestListArgs) -> Result<()> {
    let requests = list_requests(&ctx.open_desk()?, args.status, args.channel, args.customer.as_deref())?;
    let from = |r: &Request| {
        r.customer.clone().or_else(|| r.contact.email.clone()).or_else(|| r.contact.name.clone()).unwrap_or_default()
    };
    ctx.out().optional(&["received", "channel", "ticket"]).records(
        args.format.format,
        &requests,
        &[
            ("id", &|r: &Request| r.id.clone()),
            ("status", &|r: &Request| r.status.to_string()),
            ("received", &|r: &Request| r.received_at.format("%Y-%m-%d %H:%M").to_string()),
            ("channel", &|r: &Request| r.channel.to_string()),
            ("ticket", &|r: &Request| r.ticket.clone().unwrap_or_default()),
            ("from", &from),
            ("subject", &|r: &Request| r.subject.clone()),
        ],
    )
}

fn cmd_request_promote(ctx: &Ctx, args: RequestPromoteArgs) -> Result<()> {
    let how = Promotion {
        title: args.title.map(|t| ctx.text_arg(&t)).transpose()?,
        customer: args.customer,
        priority: args.priority,
        assignee: args.assignee,
        category: args.category,
        warranty: args.warranty.flag(),
    };
    let ticket = ctx.run(|env| request::promote(env, &args.id, how))?;
    ctx.print_id(&ticket)
}
