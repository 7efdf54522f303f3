//! `tkt customer`: customers and their fiscal data.

use clap::{Args, Subcommand};

use crate::model::Customer;
use crate::ops::query::{find_customers, statement};
use crate::ops::{optional, records};
use crate::{Error, Result};

use super::editor::edit_in_editor;
use super::{Ctx, FormatArg};

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Add a customer; prints the new id (C-0001...).
    Create(CustomerCreateArgs),
    /// List customers.
    List {
        /// Only customers whose name, VAT number, city or e-mail contains TEXT.
        #[arg(long)]
        text: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Show one customer.
    Show {
        id: String,
        #[command(flatten)]
        format: FormatArg,
    },
    /// The statement of account: each invoice, what was credited, paid and refunded, and
    /// what is still due.
    Statement {
        id: String,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Change fields (empty text clears one); $EDITOR without flags.
    Edit {
        id: String,
        #[command(flatten)]
        fields: CustomerFields,
        /// Empty an optional field (comma-separated or repeated): vat_number, tax_code,
        /// street, zip, city, province, country, email, phone, pec, sdi_code,
        /// payment_terms, notes, vat_rate.
        #[arg(long, value_name = "FIELD")]
        clear: Vec<String>,
        /// Mark a sync conflict on FIELD resolved (keeping the current value, or the one
        /// set by the other flags); `all` for every conflict of the customer.
        #[arg(long, value_name = "FIELD")]
        resolve: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct CustomerCreateArgs {
    /// Give the id yourself instead of the next number.
    #[arg(long)]
    pub id: Option<String>,
    /// Create it even when a customer with the same Partita IVA, codice fiscale or
    /// e-mail exists.
    #[arg(long)]
    pub allow_duplicate: bool,
    #[command(flatten)]
    pub fields: CustomerFields,
}

/// The fields of a customer, shared by create and edit.
#[derive(Debug, Args, Default, PartialEq)]
pub struct CustomerFields {
    /// Company or person name (required to create).
    #[arg(long)]
    pub name: Option<String>,
    /// Partita IVA (checked for Italian customers).
    #[arg(long)]
    pub vat_number: Option<String>,
    /// Codice Fiscale (checked for Italian customers).
    #[arg(long)]
    pub tax_code: Option<String>,
    /// Street and number (Via Roma 1); an e-invoice needs it.
    #[arg(long)]
    pub street: Option<String>,
    /// Postal code (CAP: 5 digits in Italy).
    #[arg(long)]
    pub zip: Option<String>,
    /// City (comune).
    #[arg(long)]
    pub city: Option<String>,
    /// Two-letter province (MI, TO, ...).
    #[arg(long)]
    pub province: Option<String>,
    /// ISO country code; empty or IT means Italian fiscal checks apply.
    #[arg(long)]
    pub country: Option<String>,
    /// E-mail address; mail from it is matched to the customer.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Certified e-mail (PEC).
    #[arg(long)]
    pub pec: Option<String>,
    /// Codice destinatario for e-invoicing (7 characters).
    #[arg(long)]
    pub sdi_code: Option<String>,
    /// Payment terms, e.g. "30 days end of month".
    #[arg(long)]
    pub payment_terms: Option<String>,
    /// Free notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// Bill building-system work net, the customer paying the VAT (inversione contabile).
    #[arg(long, value_name = "BOOL")]
    pub reverse_charge: Option<bool>,
    /// A condominium, which withholds 4% of the taxable amount (art. 25-ter DPR 600/73).
    #[arg(long, value_name = "BOOL")]
    pub condominio: Option<bool>,
    /// Bill at a reduced rate of tkt.toml ([billing.reduced_rates.NAME]); empty for none.
    #[arg(long, value_name = "NAME")]
    pub vat_rate: Option<String>,
}

impl CustomerFields {
    fn apply(self, c: &mut Customer) {
        if let Some(v) = self.name {
            c.name = v.trim().to_string();
        }
        let set = |slot: &mut Option<String>, value: Option<String>| {
            if let Some(v) = value {
                *slot = optional(v);
            }
        };
        set(&mut c.vat_number, self.vat_number);
        set(&mut c.tax_code, self.tax_code.map(|t| t.to_uppercase()));
        set(&mut c.address.street, self.street);
        set(&mut c.address.zip, self.zip);
        set(&mut c.address.city, self.city);
        set(&mut c.address.province, self.province);
        set(&mut c.address.country, self.country);
        set(&mut c.email, self.email);
        set(&mut c.phone, self.phone);
        set(&mut c.pec, self.pec);
        // An SDI code is written in capitals, as the e-invoice carries it.
        set(&mut c.sdi_code, self.sdi_code.map(|code| code.trim().to_ascii_uppercase()));
        set(&mut c.payment_terms, self.payment_terms);
        set(&mut c.notes, self.notes);
        set(&mut c.vat_rate, self.vat_rate);
        c.reverse_charge = self.reverse_charge.unwrap_or(c.reverse_charge);
        c.condominio = self.condominio.unwrap_or(c.condominio);
    }
}

pub fn run(ctx: &Ctx, cmd: CustomerCommand) -> Result<()> {
    match cmd {
        CustomerCommand::Create(args) => cmd_customer_create(ctx, args),
        CustomerCommand::List { text, format } => {
            print_customers(ctx, format, &find_customers(&ctx.open_desk()?, text.as_deref())?)
        }
        CustomerCommand::Show { id, format } => {
            let desk = ctx.open_desk()?;
            ctx.out().record(format.format, &desk.load::<Customer>(&id)?)
        }
        CustomerCommand::Statement { id, format } => {
            ctx.out().records(format.format, &statement(&ctx.open_desk()?, &id)?, &[])
        }
        CustomerCommand::Edit { id, fields, clear, resolve } => {
            // A customer this clone's sync just renumbered: the id is the remote's now.
            ctx.refuse_renumbered(&id)?;
            cmd_customer_edit(ctx, &id, fields, &clear, &resolve)
        }
    }
}

fn cmd_customer_create(ctx: &Ctx, args: CustomerCreateArgs) -> Result<()> {
    if args.fields.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(Error::usage("a customer needs --name"));
    }
    let mut customer = Customer::default();
    args.fields.apply(&mut customer);
    let id = ctx.run(|env| records::create_customer(env, customer, args.id, args.allow_duplicate))?;
    ctx.print_id(&id)
}

/// The fields of a customer `--clear` empties, each with its place in the record.
type Slot = fn(&mut Customer) -> &mut Option<String>;
const CUSTOMER_OPTIONAL: &[(&str, Slot)] = &[
    ("vat_number", |c| &mut c.vat_number),
    ("tax_code", |c| &mut c.tax_code),
    ("street", |c| &mut c.address.street),
    ("zip", |c| &mut c.address.zip),
    ("city", |c| &mut c.address.city),
    ("province", |c| &mut c.address.province),
    ("country", |c| &mut c.address.country),
    ("email", |c| &mut c.email),
    ("phone", |c| &mut c.phone),
    ("pec", |c| &mut c.pec),
    ("sdi_code", |c| &mut c.sdi_code),
    ("payment_terms", |c| &mut c.payment_terms),
    ("notes", |c| &mut c.notes),
    ("vat_rate", |c| &mut c.vat_rate),
];

fn cmd_customer_edit(ctx: &Ctx, id: &str, fields: CustomerFields, clear: &[String], resolve: &[String]) -> Result<()> {
    if fields == CustomerFields::default() && clear.is_empty() && resolve.is_empty() {
        return edit_in_editor::<Customer>(ctx, id, |env, edit| records::edit_master(env, id, edit));
    }
    let names: Vec<&str> = CUSTOMER_OPTIONAL.iter().map(|(name, _)| *name).collect();
    let clear = super::cleared(clear, &names)?;
    ctx.run(|env| {
        records::edit_master(env, id, |before: &Customer| {
            let mut after = before.clone();
            fields.apply(&mut after);
            for (_, slot) in CUSTOMER_OPTIONAL.iter().filter(|(name, _)| clear.iter().any(|c| c == name)) {
                *slot(&mut after) = None;
            }
            records::resolve_conflicts(&mut after, resolve)?;
            Ok(after)
        })
    })
}

fn print_customers(ctx: &Ctx, f: FormatArg, customers: &[Customer]) -> Result<()> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    ctx.out().records(
        f.format,
        customers,
        &[
            ("id", &|c: &Customer| c.id.clone()),
            ("name", &|c: &Customer| c.name.clone()),
            ("vat_number", &|c: &Customer| opt(&c.vat_number)),
            ("city", &|c: &Customer| opt(&c.address.city)),
            ("phone", &|c: &Customer| opt(&c.phone)),
            ("email", &|c: &Customer| opt(&c.email)),
        ],
    )
}
