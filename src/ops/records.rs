//! The desk's master data: customers, items, units (equipment) and the state catalog —
//! created once checked, edited by fields or by hand, a state deleted only when unused.

use std::path::PathBuf;

use crate::desk::Desk;
use crate::model::{Customer, Equipment, Item, Kind, Record, State, Ticket};
use chrono::NaiveDate;

use crate::rules::{
    check_catalog, check_customer, check_equipment, check_item, refuse_if_any, same_customer, warranty_end,
};
use crate::{Error, Result};

use super::edit::edit_record;
use super::{optional, Env};

/// Adds a customer with the id given, or the next number; returns its id. A customer
/// with the Partita IVA, codice fiscale or e-mail of an existing one is refused, naming
/// it, unless `allow_duplicate`.
pub fn create_customer(env: &Env, mut customer: Customer, id: Option<String>, allow_duplicate: bool) -> Result<String> {
    let _lock = env.lock()?;
    let problems = check_customer(&customer).into_iter().chain(unknown_rate(&customer, &env.desk.config)).collect();
    refuse_if_any("the customer", problems)?;
    if !allow_duplicate {
        for other in env.desk.load_all::<Customer>()? {
            if let Some(field) = same_customer(&other, &customer) {
                return Err(Error::refused(format!(
                    "customer {} ({}) has the same {field}; nothing was written",
                    other.id, other.name
                ))
                .with_hint("use that customer, or add --allow-duplicate if this is another one"));
            }
        }
    }
    customer.id = match id {
        Some(id) => {
            Kind::Customer.check_id(&id)?;
            if env.desk.exists(Kind::Customer, &id) {
                return Err(Error::refused(format!("customer {id} already exists")));
            }
            id
        }
        None => env.desk.next_id(Kind::Customer, None, None)?,
    };
    let path = env.desk.write(&customer)?;
    env.commit(&[path], &format!("{}: new customer {}", customer.id, customer.name))?;
    Ok(customer.id)
}

/// Adds an item under its code.
pub fn create_item(env: &Env, item: Item) -> Result<()> {
    let _lock = env.lock()?;
    Kind::Item.check_id(&item.code)?;
    refuse_unportable(&env.desk, Kind::Item, &item.code)?;
    if env.desk.exists(Kind::Item, &item.code) {
        return Err(Error::refused(format!("item {} already exists", item.code)));
    }
    if item.description.trim().is_empty() {
        return Err(Error::usage("an item needs --description"));
    }
    refuse_if_any("the item", check_item(&item, env.desk.config.company.is_forfettario()))?;
    let path = env.desk.write(&item)?;
    env.commit(&[path], &format!("{}: new item", item.code))
}

/// Registers a unit sold to a customer.
pub fn create_unit(env: &Env, unit: Equipment) -> Result<()> {
    let _lock = env.lock()?;
    Kind::Equipment.check_id(&unit.serial)?;
    refuse_unportable(&env.desk, Kind::Equipment, &unit.serial)?;
    if env.desk.exists(Kind::Equipment, &unit.serial) {
        return Err(Error::refused(format!("equipment {} already exists", unit.serial)));
    }
    check_unit(&env.desk, &unit)?;
    let path = env.desk.write(&unit)?;
    env.commit(&[path], &format!("{}: new unit of {} for {}", unit.serial, unit.item, unit.customer))?;
    if let Some(until) = unit.warranty_until {
        env.say(format!("{}: warranty until {until}", unit.serial));
    }
    Ok(())
}

/// Changes to a unit's fields; `None` leaves a field alone, empty text clears one.
#[derive(Debug, Clone, Default)]
pub struct UnitChanges {
    pub item: Option<String>,
    pub customer: Option<String>,
    pub sold_on: Option<NaiveDate>,
    pub warranty_until: Option<NaiveDate>,
    pub location: Option<String>,
    pub notes: Option<String>,
}

impl UnitChanges {
    /// Applies the changes; a new sale date recomputes the warranty's end from the item's
    /// warranty months, unless the end is given too.
    pub fn apply(self, desk: &Desk, u: &mut Equipment) -> Result<()> {
        if let Some(i) = self.item {
            u.item = i;
        }
        if let Some(c) = self.customer {
            u.customer = c;
        }
        if let Some(s) = self.sold_on {
            u.sold_on = Some(s);
            if self.warranty_until.is_none() {
                let months = desk.get::<Item>(&u.item)?.and_then(|i| i.warranty_months);
                u.warranty_until = months.and_then(|m| warranty_end(s, m));
            }
        }
        if let Some(w) = self.warranty_until {
            u.warranty_until = Some(w);
        }
        if let Some(l) = self.location {
            u.location = optional(l);
        }
        if let Some(n) = self.notes {
            u.notes = optional(n);
        }
        Ok(())
    }
}

/// Edits a customer, an item or a unit: `change` makes the new version, which must pass
/// the checks of its kind.
pub fn edit_master<T: Master>(env: &Env, id: &str, change: impl FnOnce(&T) -> Result<T>) -> Result<()> {
    edit_record(env, id, change, |_, after: &T| after.check(&env.desk).map(|()| vec![]))
}

/// Refuses a new id whose file a Windows or macOS clone could not check out: a device name
/// (`CON`, `PRN`…), or one that differs only in case from an existing record's (one file
/// there).
fn refuse_unportable(desk: &Desk, kind: Kind, id: &str) -> Result<()> {
    if crate::files::windows_refuses(id) {
        return Err(Error::refused(format!("{} id {id:?}: Windows reserves that name for a device", kind.noun())));
    }
    let twin = desk.files(kind)?.into_iter().filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()));
    if let Some(other) = twin.into_iter().find(|other| other != id && other.eq_ignore_ascii_case(id)) {
        return Err(Error::refused(format!(
            "{} id {id:?}: {other} exists, and Windows and macOS take the two for one file",
            kind.noun()
        )));
    }
    Ok(())
}

/// A customer's `vat_rate` that names no `[billing.reduced_rates.NAME]` of tkt.toml: its
/// next invoice would be refused.
pub fn unknown_rate(c: &Customer, config: &crate::model::Config) -> Option<crate::rules::Problem> {
    let name = c.vat_rate.as_deref().filter(|n| !config.billing.reduced_rates.contains_key(*n))?;
    Some(crate::rules::Problem::new("vat_rate", format!("no [billing.reduced_rates.{name}] in tkt.toml")))
}

/// A master record, checked on its own and against the records it names.
pub trait Master: crate::model::Keyed {
    fn check(&self, desk: &Desk) -> Result<()>;
    /// The keys tkt does not know, where a sync records its conflicts.
    fn extra_mut(&mut self) -> &mut serde_yaml::Mapping;
}

/// Marks the named sync conflicts of a customer, an item or a unit resolved (`all` for
/// every one), keeping the current values.
pub fn resolve_conflicts<T: Master>(record: &mut T, fields: &[String]) -> Result<()> {
    let id = record.id().to_string();
    crate::model::resolve_conflicts(record.extra_mut(), fields).map_err(|why| Error::refused(format!("{id} {why}")))
}

impl Master for Customer {
    fn check(&self, desk: &Desk) -> Result<()> {
        let mut problems = check_customer(self);
        problems.extend(unknown_rate(self, &desk.config));
        refuse_if_any(&format!("customer {}", self.id), problems)
    }
    fn extra_mut(&mut self) -> &mut serde_yaml::Mapping {
        &mut self.extra
    }
}

impl Master for Item {
    fn check(&self, desk: &Desk) -> Result<()> {
        refuse_if_any(&format!("item {}", self.code), check_item(self, desk.config.company.is_forfettario()))
    }
    fn extra_mut(&mut self) -> &mut serde_yaml::Mapping {
        &mut self.extra
    }
}

impl Master for Equipment {
    fn check(&self, desk: &Desk) -> Result<()> {
        check_unit(desk, self)
    }
    fn extra_mut(&mut self) -> &mut serde_yaml::Mapping {
        &mut self.extra
    }
}

fn check_unit(desk: &Desk, u: &Equipment) -> Result<()> {
    let item = if Kind::Item.check_id(&u.item).is_ok() { desk.get::<Item>(&u.item)? } else { None };
    let customer = Kind::Customer.check_id(&u.customer).is_ok() && desk.get::<Customer>(&u.customer)?.is_some();
    // A record it names that does not exist is "not found" (exit 3), as everywhere.
    if item.is_none() && Kind::Item.check_id(&u.item).is_ok() {
        return Err(Error::not_found("item", &u.item));
    }
    if !customer && Kind::Customer.check_id(&u.customer).is_ok() {
        return Err(Error::not_found("customer", &u.customer));
    }
    refuse_if_any(&format!("unit {}", u.serial), check_equipment(u, item.as_ref(), customer))
}

/// Adds a state to the catalog; `from` are states that may now move to it. A new initial
/// state takes the place of the old one.
pub fn create_state(env: &Env, state: State, from: &[String]) -> Result<()> {
    let _lock = env.lock()?;
    let desk = &env.desk;
    Kind::State.check_id(&state.id)?;
    refuse_unportable(desk, Kind::State, &state.id)?;
    if desk.exists(Kind::State, &state.id) {
        return Err(Error::refused(format!("state {} already exists", state.id)));
    }
    let catalog = desk.catalog()?;
    let mut changed: Vec<State> = Vec::new();
    let mut next = catalog.clone();
    for s in &mut next {
        let before = s.clone();
        if from.contains(&s.id) && !s.transitions.contains(&state.id) {
            s.transitions.push(state.id.clone());
        }
        if state.initial {
            s.initial = false;
        }
        if *s != before {
            changed.push(s.clone());
        }
    }
    for f in from {
        if !catalog.iter().any(|s| &s.id == f) {
            return Err(Error::not_found("state", f));
        }
    }
    next.push(state.clone());
    refuse_if_any("the state catalog", check_catalog(&next))?;
    changed.push(state.clone());
    let paths = changed.iter().map(|s| desk.write(s)).collect::<Result<Vec<_>>>()?;
    env.commit(&paths, &format!("{}: new state", state.id))
}

/// Edits a state; the catalog must stay valid, and when the state becomes initial the
/// previous initial state is changed too and committed alongside.
pub fn edit_state(env: &Env, id: &str, change: impl FnOnce(&State) -> Result<State>) -> Result<()> {
    edit_record(env, id, change, |before: &State, after: &State| {
        let mut catalog = env.desk.catalog()?;
        let mut others = Vec::new();
        for s in &mut catalog {
            if s.id == after.id {
                *s = after.clone();
            } else if after.initial && s.initial {
                s.initial = false;
                others.push(s.clone());
            }
        }
        refuse_if_any("the state catalog", check_catalog(&catalog))?;
        let mut paths = others.iter().map(|s| env.desk.write(s)).collect::<Result<Vec<PathBuf>>>()?;
        if let Some(other) = others.first() {
            env.say(format!("{} is no longer the initial state", other.id()));
        }
        // A state made closed, or open again, closes or reopens the tickets in it: their
        // `closed_at` follows, in the same commit (a review: lists, reports and check
        // disagreed on which tickets were open).
        if before.closed != after.closed {
            let in_state = |k: &[&str]| k.first().is_none_or(|s| *s == after.id);
            for ticket in env.desk.load_where::<Ticket>(&in_state)?.into_iter().filter(|t| t.state == after.id) {
                let mut value = serde_yaml::to_value(&ticket).map_err(|e| Error::failure(e.to_string()))?;
                if crate::rules::settle_closed_at(&mut value, &catalog, &env.now) {
                    let ticket: Ticket = serde_yaml::from_value(value).map_err(|e| Error::failure(e.to_string()))?;
                    paths.push(env.desk.write(&ticket)?);
                }
            }
            if paths.len() > others.len() {
                env.say(format!(
                    "{} ticket(s) in {} {}",
                    paths.len() - others.len(),
                    after.id,
                    match after.closed {
                        true => "closed",
                        false => "reopened",
                    }
                ));
            }
        }
        Ok(paths)
    })
}

/// Deletes a state no ticket is in; transitions to it are removed.
pub fn delete_state(env: &Env, id: &str) -> Result<()> {
    let _lock = env.lock()?;
    let desk = &env.desk;
    let state: State = desk.load(id)?;
    if state.initial {
        return Err(Error::refused(format!("{id} is the initial state"))
            .with_hint("make another state initial first: `tkt state edit OTHER --initial`"));
    }
    let in_use: Vec<String> = desk.load_all::<Ticket>()?.into_iter().filter(|t| t.state == id).map(|t| t.id).collect();
    if !in_use.is_empty() {
        let shown: Vec<&str> = in_use.iter().take(5).map(String::as_str).collect();
        let more = if in_use.len() > 5 { format!(" and {} more", in_use.len() - 5) } else { String::new() };
        return Err(Error::refused(format!(
            "state {id} is used by {} ticket(s): {}{more}",
            in_use.len(),
            shown.join(", ")
        ))
        .with_hint("move them to another state first"));
    }
    let mut paths = vec![desk.remove(Kind::State, id)?];
    for mut s in desk.catalog()? {
        if s.transitions.iter().any(|t| t == id) {
            s.transitions.retain(|t| t != id);
            paths.push(desk.write(&s)?);
        }
    }
    env.commit(&paths, &format!("{id}: delete state"))?;
    env.say(format!("Deleted state {id}"));
    Ok(())
}
