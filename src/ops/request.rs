//! Customer requests before a problem is identified: record one, note it, reject it, or
//! promote it to a ticket (linked both ways).

use std::path::PathBuf;

use chrono::Datelike;

use crate::model::{Channel, Contact, Customer, Equipment, Kind, Note, Priority, Request, RequestStatus};
use crate::{Error, Result};

use super::ticket::{open_ticket, TicketDraft, WarrantyFlag};
use super::Env;

/// A new open request received now; the caller fills in what it knows.
pub fn new_request(env: &Env, channel: Channel, subject: String) -> Request {
    Request {
        id: String::new(),
        received_at: env.now,
        channel,
        customer: None,
        contact: Contact::default(),
        subject,
        body: None,
        item: None,
        serial: None,
        related: None,
        status: RequestStatus::Open,
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
pub fn number_request(env: &Env, request: &mut Request) -> Result<()> {
    request.id = env.desk.next_id(Kind::Request, Some(env.now.year()), None)?;
    Ok(())
}

/// Records a request taken by a person (a phone call, a visit); returns it numbered.
pub fn create(env: &Env, mut request: Request) -> Result<Request> {
    let _lock = env.lock()?;
    request.subject = request.subject.trim().to_string();
    if request.subject.is_empty() {
        return Err(Error::refused("--subject must not be empty"));
    }
    crate::rules::refuse_if_any("the new request", crate::rules::check_request(&request))?;
    if let Some(c) = &request.customer {
        env.desk.load::<Customer>(c)?;
    }
    if let Some(s) = &request.serial {
        if !env.desk.exists(Kind::Equipment, s) {
            request.warnings.push(format!("serial {s} is not registered"));
        }
    }
    number_request(env, &mut request)?;
    let path = env.desk.write(&request)?;
    let message = format!("{}: new request by {}: {}", request.id, request.channel, request.subject);
    env.commit(&[path], &message)?;
    Ok(request)
}

/// Adds a note by the actor (a reply from the customer, a call back).
pub fn note(env: &Env, id: &str, text: String) -> Result<()> {
    let _lock = env.lock()?;
    let mut request: Request = env.desk.load(id)?;
    if text.trim().is_empty() {
        return Err(Error::refused("the note is empty"));
    }
    request.notes.push(Note::new(env.now, env.actor(), text));
    let path = env.desk.write(&request)?;
    env.commit(&[path], &format!("{}: note", request.id))?;
    env.say(format!("{}: note added ({} in all)", request.id, request.notes.len()));
    Ok(())
}

/// Closes an open request without a ticket, saying why in its notes.
pub fn reject(env: &Env, id: &str, reason: &str) -> Result<()> {
    let _lock = env.lock()?;
    let mut request: Request = env.desk.load(id)?;
    if request.status != RequestStatus::Open {
        return Err(Error::refused(format!("{} is {}; only an open request is rejected", request.id, request.status)));
    }
    if reason.trim().is_empty() {
        return Err(Error::refused("--reason must say why"));
    }
    request.status = RequestStatus::Rejected;
    request.notes.push(Note::new(env.now, env.actor(), format!("rejected: {}", reason.trim())));
    let path = env.desk.write(&request)?;
    env.commit(&[path], &format!("{}: rejected", request.id))?;
    env.say(format!("{}: rejected", request.id));
    Ok(())
}

/// How a request becomes a ticket.
#[derive(Debug, Clone, Default)]
pub struct Promotion {
    pub title: Option<String>,
    pub customer: Option<String>,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub category: Option<String>,
    pub warranty: WarrantyFlag,
}

/// Opens the ticket of request `id` and commits both; returns the ticket's id.
pub fn promote(env: &Env, id: &str, how: Promotion) -> Result<String> {
    let _lock = env.lock()?;
    let mut request: Request = env.desk.load(id)?;
    let (ticket, paths) = promote_request(env, &mut request, how)?;
    env.commit(&paths, &format!("{}: promoted to {ticket}", request.id))?;
    Ok(ticket)
}

/// Opens the ticket of a request and links both ways; returns the ticket's id and the
/// files to commit. A request is promoted once. The caller holds the lock.
pub fn promote_request(env: &Env, request: &mut Request, how: Promotion) -> Result<(String, Vec<PathBuf>)> {
    match &request.status {
        RequestStatus::Open => {}
        RequestStatus::Promoted => {
            return Err(Error::refused(format!(
                "{} is already promoted to {}",
                request.id,
                request.ticket.as_deref().unwrap_or("a ticket")
            )))
        }
        other => return Err(Error::refused(format!("{} is {other}; only an open request is promoted", request.id))),
    }
    let desk = &env.desk;
    let customer = how.customer.or_else(|| request.customer.clone()).ok_or_else(|| {
        Error::usage(format!("{} comes from an unknown sender: give the customer with --customer C-NNNN", request.id))
    })?;
    // A serial the request named but nobody registered stays on the request only.
    let serial = request.serial.clone().filter(|s| {
        desk.config.features.serial_numbers
            && desk.get::<Equipment>(s).ok().flatten().is_some_and(|u| u.customer == customer)
    });
    if let (Some(s), None) = (&request.serial, &serial) {
        env.warn(format!("{}: serial {s} is not a registered unit of {customer}; the ticket gets none", request.id));
    }
    let draft = TicketDraft {
        title: how.title.unwrap_or_else(|| request.subject.clone()),
        customer: Some(customer.clone()),
        item: request.item.clone().filter(|i| desk.exists(Kind::Item, i)),
        serial,
        warranty: how.warranty,
        priority: how.priority,
        category: how.category,
        assignee: how.assignee,
        problem: request.body.clone(),
        due: None,
        set: vec![],
        request: Some(request.id.clone()),
    };
    let (ticket, ticket_path) = open_ticket(env, draft)?;
    request.status = RequestStatus::Promoted;
    request.ticket = Some(ticket.id.clone());
    request.customer = Some(customer);
    let request_path = desk.write(request)?;
    Ok((ticket.id, vec![request_path, ticket_path]))
}
