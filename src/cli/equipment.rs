//! `tkt equipment`: serial-numbered units, their owner and warranty.

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::model::Equipment;
use crate::ops::query::{list_units, unit_tickets};
use crate::ops::records::{self, UnitChanges};
use crate::rules::warranty_covers;
use crate::{Error, Result};

use super::editor::edit_in_editor;
use super::ticket::print_tickets;
use super::{parse_date, Ctx, FormatArg};

#[derive(Debug, Subcommand)]
pub enum EquipmentCommand {
    /// Register a unit sold to a customer; prints its serial.
    Create {
        /// The unit's serial number (matricola).
        serial: String,
        #[command(flatten)]
        fields: EquipmentFields,
    },
    /// List units, with their warranty status today.
    List {
        /// Only units of this customer (C-0001).
        #[arg(long)]
        customer: Option<String>,
        /// Only units of this item.
        #[arg(long)]
        item: Option<String>,
        /// Only units whose warranty covers today.
        #[arg(long)]
        in_warranty: bool,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Show one unit.
    Show {
        serial: String,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Change fields (empty text clears one); $EDITOR without flags.
    Edit {
        serial: String,
        #[command(flatten)]
        fields: EquipmentFields,
        /// Empty an optional field (comma-separated or repeated): sold_on,
        /// warranty_until, location, notes.
        #[arg(long, value_name = "FIELD")]
        clear: Vec<String>,
        /// Mark a sync conflict on FIELD resolved (keeping the current value, or the one
        /// set by the other flags); `all` for every conflict of the unit.
        #[arg(long, value_name = "FIELD")]
        resolve: Vec<String>,
    },
    /// List the tickets opened on a unit.
    History {
        serial: String,
        #[command(flatten)]
        format: FormatArg,
    },
}

#[derive(Debug, Args, Default, PartialEq)]
pub struct EquipmentFields {
    /// The item this unit is (required to create).
    #[arg(long)]
    pub item: Option<String>,
    /// The customer who owns it (required to create).
    #[arg(long)]
    pub customer: Option<String>,
    /// The day it was sold or installed (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub sold_on: Option<NaiveDate>,
    /// Last day of warranty; by default sold_on plus the item's warranty months, less a day.
    #[arg(long, value_parser = parse_date)]
    pub warranty_until: Option<NaiveDate>,
    /// Where the unit is installed.
    #[arg(long)]
    pub location: Option<String>,
    /// Free notes.
    #[arg(long)]
    pub notes: Option<String>,
}

impl EquipmentFields {
    fn changes(self) -> UnitChanges {
        let f = self;
        UnitChanges {
            item: f.item,
            customer: f.customer,
            sold_on: f.sold_on,
            warranty_until: f.warranty_until,
            location: f.location,
            notes: f.notes,
        }
    }
}

pub fn run(ctx: &Ctx, cmd: EquipmentCommand) -> Result<()> {
    // A unit given to a customer this clone's sync just renumbered: the id is the remote's
    // customer now (found by a scripting attack: the unit and its warranty went to it).
    if let EquipmentCommand::Create { fields, .. } | EquipmentCommand::Edit { fields, .. } = &cmd {
        if let Some(customer) = &fields.customer {
            ctx.refuse_renumbered(customer)?;
        }
    }
    let desk = ctx.open_desk()?;
    if !desk.config.features.serial_numbers {
        return Err(Error::refused("serial numbers are off in this desk")
            .with_hint("set `serial_numbers = true` under [features] in tkt.toml"));
    }
    match cmd {
        EquipmentCommand::Create { serial, fields } => cmd_equipment_create(ctx, serial, fields),
        EquipmentCommand::List { customer, item, in_warranty, format } => {
            let today = ctx.now.date_naive();
            let units = list_units(&desk, customer.as_deref(), item.as_deref(), in_warranty.then_some(today))?;
            let opt_date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            ctx.out().records(
                format.format,
                &units,
                &[
                    ("serial", &|u: &Equipment| u.serial.clone()),
                    ("item", &|u: &Equipment| u.item.clone()),
                    ("customer", &|u: &Equipment| u.customer.clone()),
                    ("sold_on", &|u: &Equipment| opt_date(u.sold_on)),
                    ("warranty_until", &|u: &Equipment| opt_date(u.warranty_until)),
                    ("warranty", &|u: &Equipment| {
                        if warranty_covers(u, today) {
                            "in warranty".into()
                        } else {
                            "expired".into()
                        }
                    }),
                ],
            )
        }
        EquipmentCommand::Show { serial, format } => ctx.out().record(format.format, &desk.load::<Equipment>(&serial)?),
        EquipmentCommand::Edit { serial, fields, clear, resolve } => {
            if fields == EquipmentFields::default() && clear.is_empty() && resolve.is_empty() {
                return edit_in_editor::<Equipment>(ctx, &serial, |env, edit| records::edit_master(env, &serial, edit));
            }
            let clear = super::cleared(&clear, &["sold_on", "warranty_until", "location", "notes"])?;
            ctx.run(|env| {
                records::edit_master(env, &serial, |before: &Equipment| {
                    let mut after = before.clone();
                    fields.changes().apply(&env.desk, &mut after)?;
                    for field in &clear {
                        match field.as_str() {
                            "sold_on" => after.sold_on = None,
                            "warranty_until" => after.warranty_until = None,
                            "location" => after.location = None,
                            _ => after.notes = None,
                        }
                    }
                    records::resolve_conflicts(&mut after, &resolve)?;
                    Ok(after)
                })
            })
        }
        EquipmentCommand::History { serial, format } => {
            print_tickets(ctx, &desk, format.format, &unit_tickets(&desk, &serial)?)
        }
    }
}

fn cmd_equipment_create(ctx: &Ctx, serial: String, fields: EquipmentFields) -> Result<()> {
    let (Some(_), Some(_)) = (&fields.item, &fields.customer) else {
        return Err(Error::usage("a unit needs --item and --customer"));
    };
    let mut unit = Equipment { serial, ..Default::default() };
    ctx.run(|env| {
        fields.changes().apply(&env.desk, &mut unit)?;
        records::create_unit(env, unit.clone())
    })?;
    ctx.print_id(&unit.serial)
}
