//! `tkt item`: products and services.

use clap::{Args, Subcommand};

use crate::model::{Item, ItemKind, Money, Rate};
use crate::ops::{optional, records};
use crate::Result;

use super::editor::edit_in_editor;
use super::{Ctx, FormatArg};

#[derive(Debug, Subcommand)]
pub enum ItemCommand {
    /// Add an item; prints its code.
    Create {
        /// The item code: letters, digits, '.', '-', '_' (e.g. CALD-24K).
        code: String,
        #[command(flatten)]
        fields: ItemFields,
    },
    /// List items.
    List(FormatArg),
    /// Show one item.
    Show {
        code: String,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Change fields (empty text clears one); $EDITOR without flags.
    Edit {
        code: String,
        #[command(flatten)]
        fields: ItemFields,
        /// Empty an optional field (comma-separated or repeated): unit, price, vat_rate,
        /// vat_nature, vat_note, serial_pattern, warranty_months.
        #[arg(long, value_name = "FIELD")]
        clear: Vec<String>,
        /// Mark a sync conflict on FIELD resolved (keeping the current value, or the one
        /// set by the other flags); `all` for every conflict of the item.
        #[arg(long, value_name = "FIELD")]
        resolve: Vec<String>,
    },
}

/// The fields of an item, shared by create and edit.
#[derive(Debug, Args, Default, PartialEq)]
pub struct ItemFields {
    /// What the item is (required to create).
    #[arg(long)]
    pub description: Option<String>,
    /// goods (parts, units: a DDT carries them) or service (labour, travel).
    #[arg(long, value_enum)]
    pub kind: Option<ItemKind>,
    /// Unit of measure: pz, h, km...
    #[arg(long)]
    pub unit: Option<String>,
    /// Unit price in euro, e.g. 45.00 (at most two decimals).
    #[arg(long, value_parser = Money::parse)]
    pub price: Option<Money>,
    /// VAT rate in percent, e.g. 22; 0 with --nature and --vat-note. A rate above 0
    /// clears the item's nature and note.
    #[arg(long, value_parser = Rate::parse)]
    pub vat_rate: Option<Rate>,
    /// Why an item at VAT 0 bears none: its natura (N4 exempt, N2.2 not subject, N3.x
    /// not taxable...), carried onto every line that sells it.
    #[arg(long, value_name = "NATURE")]
    pub nature: Option<String>,
    /// The rule that allows it, printed on the invoice and sent as RiferimentoNormativo
    /// (e.g. "Esente art. 10 DPR 633/72"; at most 100 characters).
    #[arg(long, value_name = "TEXT")]
    pub vat_note: Option<String>,
    /// Whether each unit has a serial number.
    #[arg(long, value_name = "BOOL")]
    pub serial_tracked: Option<bool>,
    /// Regular expression every serial of this item must match, whole (e.g. 'VX24-\d{6}').
    #[arg(long)]
    pub serial_pattern: Option<String>,
    /// Months of warranty from the day a unit is sold.
    #[arg(long)]
    pub warranty_months: Option<u32>,
}

impl ItemFields {
    fn apply(self, i: &mut Item) {
        if let Some(d) = self.description {
            i.description = d.trim().to_string();
        }
        if let Some(k) = self.kind {
            i.kind = k;
        }
        if let Some(u) = self.unit {
            i.unit = optional(u);
        }
        i.price = self.price.or(i.price);
        if let Some(rate) = self.vat_rate {
            i.vat_rate = Some(rate);
            if !rate.0.is_zero() {
                (i.vat_nature, i.vat_note) = (None, None);
            }
        }
        if let Some(n) = self.nature {
            i.vat_nature = optional(n.to_uppercase());
        }
        if let Some(n) = self.vat_note {
            i.vat_note = optional(n);
        }
        if let Some(s) = self.serial_tracked {
            i.serial_tracked = s;
        }
        if let Some(p) = self.serial_pattern {
            i.serial_pattern = optional(p);
            if i.serial_pattern.is_some() {
                i.serial_tracked = true;
            }
        }
        i.warranty_months = self.warranty_months.or(i.warranty_months);
    }
}

pub fn run(ctx: &Ctx, cmd: ItemCommand) -> Result<()> {
    match cmd {
        ItemCommand::Create { code, fields } => cmd_item_create(ctx, code, fields),
        ItemCommand::List(format) => {
            let desk = ctx.open_desk()?;
            let items: Vec<Item> = desk.load_all()?;
            let opt = |v: Option<String>| v.unwrap_or_default();
            ctx.out().records(
                format.format,
                &items,
                &[
                    ("code", &|i: &Item| i.code.clone()),
                    ("description", &|i: &Item| i.description.clone()),
                    ("unit", &|i: &Item| opt(i.unit.clone())),
                    ("price", &|i: &Item| opt(i.price.map(|p| p.to_string()))),
                    ("vat", &|i: &Item| {
                        let rate = opt(i.vat_rate.map(|r| format!("{r}%")));
                        i.vat_nature.as_ref().map_or(rate.clone(), |n| format!("{rate} {n}"))
                    }),
                    ("warranty", &|i: &Item| opt(i.warranty_months.map(|m| format!("{m} months")))),
                    ("serials", &|i: &Item| opt(i.serial_pattern.clone())),
                ],
            )
        }
        ItemCommand::Show { code, format } => {
            let desk = ctx.open_desk()?;
            ctx.out().record(format.format, &desk.load::<Item>(&code)?)
        }
        ItemCommand::Edit { code, fields, clear, resolve } => {
            if fields == ItemFields::default() && clear.is_empty() && resolve.is_empty() {
                return edit_in_editor::<Item>(ctx, &code, |env, edit| records::edit_master(env, &code, edit));
            }
            let clear = super::cleared(
                &clear,
                &["unit", "price", "vat_rate", "vat_nature", "vat_note", "serial_pattern", "warranty_months"],
            )?;
            ctx.run(|env| {
                records::edit_master(env, &code, |before: &Item| {
                    let mut after = before.clone();
                    fields.apply(&mut after);
                    for field in &clear {
                        match field.as_str() {
                            "unit" => after.unit = None,
                            "price" => after.price = None,
                            "vat_rate" => after.vat_rate = None,
                            "vat_nature" => after.vat_nature = None,
                            "vat_note" => after.vat_note = None,
                            "serial_pattern" => after.serial_pattern = None,
                            _ => after.warranty_months = None,
                        }
                    }
                    records::resolve_conflicts(&mut after, &resolve)?;
                    Ok(after)
                })
            })
        }
    }
}

fn cmd_item_create(ctx: &Ctx, code: String, fields: ItemFields) -> Result<()> {
    let mut item = Item { code, ..Default::default() };
    fields.apply(&mut item);
    ctx.run(|env| records::create_item(env, item.clone()))?;
    ctx.print_id(&item.code)
}
