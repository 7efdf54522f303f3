//! The schema of `tkt.toml` (company data, features, numbering, billing, intake, custom
//! fields) and of a clone's own `.tkt/settings.toml`. Reading the files is the desk's job.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Address, DocKind, Kind, Party, Rate};

pub const CONFIG_FILE: &str = "tkt.toml";

/// Sections tkt does not know are refused, as keys of a section are: `[Numbering]` for
/// `[numbering]` was ignored, and invoices were numbered locally (found by a careless-office
/// attack).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub company: Company,
    #[serde(default)]
    pub features: Features,
    #[serde(default)]
    pub numbering: Numbering,
    #[serde(default)]
    pub billing: Billing,
    #[serde(default)]
    pub intake: Intake,
    #[serde(default)]
    pub pec: Pec,
    /// Custom ticket fields, `[fields.NAME]`, in name order.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldDef>,
}

/// The business itself: what every fiscal document says of its seller. Keys tkt does not
/// know are kept (a template may print them).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct Company {
    #[serde(default)]
    pub name: String,
    /// Partita IVA; an invoice is refused without a valid one.
    #[serde(default)]
    pub vat_number: Option<String>,
    #[serde(default)]
    pub tax_code: Option<String>,
    #[serde(default)]
    pub address: Option<toml::Table>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub pec: Option<String>,
    #[serde(default)]
    pub sdi_code: Option<String>,
    /// Registro delle imprese: office and number, e.g. `MI-1234567`.
    #[serde(default)]
    pub rea: Option<String>,
    /// Capitale sociale of a company, as printed (e.g. `10.000,00 € i.v.`).
    #[serde(default)]
    pub share_capital: Option<String>,
    #[serde(default)]
    pub iban: Option<String>,
    #[serde(default)]
    pub bic: Option<String>,
    /// Regime fiscale of FatturaPA: RF01 (ordinario) to RF20; RF19 is the forfettario.
    #[serde(default)]
    pub regime_fiscale: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, toml::Value>,
}

/// The keys of `[company]` tkt reads.
const COMPANY_KEYS: [&str; 13] = [
    "name",
    "vat_number",
    "tax_code",
    "address",
    "email",
    "phone",
    "pec",
    "sdi_code",
    "rea",
    "share_capital",
    "iban",
    "bic",
    "regime_fiscale",
];

/// Whether `key` is `known` misspelt: the same but for case and `-` for `_`, or, for a key
/// of more than five letters, two letters — not one that begins with it (`address2`,
/// `iban2` are a template's own keys: found by a review).
fn near(key: &str, known: &str) -> bool {
    let plain = |s: &str| s.to_lowercase().replace('-', "_");
    let (a, b): (Vec<char>, Vec<char>) = (plain(key).chars().collect(), known.chars().collect());
    // Levenshtein's distance, row by row.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut next = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            next.push((row[j] + usize::from(ca != cb)).min(row[j + 1] + 1).min(next[j] + 1));
        }
        row = next;
    }
    let distance = row[b.len()];
    distance == 0 || (b.len() > 5 && distance <= 2 && !plain(key).starts_with(known))
}

impl Company {
    /// Whether the seller is in the regime forfettario (RF19), which charges no VAT.
    pub fn is_forfettario(&self) -> bool {
        self.regime_fiscale.as_deref() == Some("RF19")
    }

    /// The company as the seller of a document.
    pub fn seller(&self) -> Party {
        let text =
            |key: &str| self.address.as_ref().and_then(|a| a.get(key)).and_then(|v| v.as_str()).map(str::to_string);
        Party {
            name: self.name.clone(),
            address: Address {
                street: text("street"),
                zip: text("zip"),
                city: text("city"),
                province: text("province"),
                country: text("country"),
                extra: Default::default(),
            },
            vat_number: self.vat_number.clone(),
            tax_code: self.tax_code.clone(),
            rea: self.rea.clone(),
            share_capital: self.share_capital.clone(),
            sdi_code: None,
            pec: self.pec.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            iban: self.iban.clone(),
            // The regime in force, kept even when tkt.toml leaves it to its default: an
            // e-invoice exported after a change of regime still says the one it was made under.
            regime_fiscale: Some(self.regime_fiscale.clone().unwrap_or_else(|| "RF01".into())),
            extra: Default::default(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// Equipment records, serials on tickets and warranty checks.
    #[serde(default)]
    pub serial_numbers: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    #[serde(default)]
    pub prefixes: Prefixes,
    /// Prefixes a kind had before its present one (`invoice = ["INV"]`): the records that
    /// carry them keep their ids, and numbering goes on from their numbers.
    #[serde(default)]
    pub former_prefixes: BTreeMap<String, Vec<String>>,
    /// How fiscal documents get their numbers when a team shares the desk.
    #[serde(default)]
    pub fiscal: FiscalNumbering,
}

impl Numbering {
    /// Every prefix a kind's ids may carry: the present one first, then the former ones.
    pub fn prefixes_of(&self, kind: Kind) -> Vec<&str> {
        let mut all: Vec<&str> = self.prefixes.for_kind(kind).into_iter().collect();
        if let Some(former) = Prefixes::key(kind).and_then(|key| self.former_prefixes.get(key)) {
            all.extend(former.iter().map(String::as_str));
        }
        all
    }

    /// The document kind whose ids start with `prefix`, present or former.
    pub fn doc_kind(&self, prefix: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|d| self.prefixes_of(Kind::Document(*d)).contains(&prefix))
    }

    fn check(&self) -> std::result::Result<(), String> {
        self.prefixes.check()?;
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, kind) in Prefixes::kinds() {
            for prefix in self.prefixes_of(kind) {
                if let Some(other) = seen.insert(prefix, key).filter(|other| *other != key) {
                    return Err(format!(
                        "numbering.prefixes: {other} and {key} both use {prefix:?}; each kind needs its own (former_prefixes too)"
                    ));
                }
            }
        }
        for (key, former) in &self.former_prefixes {
            if !Prefixes::keys().any(|(k, _)| k == key) {
                let known: Vec<&str> = Prefixes::keys().map(|(k, _)| k).collect();
                return Err(format!("numbering.former_prefixes.{key}: unknown kind (known: {})", known.join(", ")));
            }
            if let Some(bad) = former.iter().find(|p| !Prefixes::shape().is_match(p)) {
                return Err(format!(
                    "numbering.former_prefixes.{key}: {bad:?} must be 1-10 capital letters or digits, starting with a letter"
                ));
            }
        }
        Ok(())
    }
}

/// `local`: each clone numbers from what it has (use a series per clone when several
/// clones issue offline); `online`: issuing a fiscal document takes the next number from
/// the remote and pushes at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FiscalNumbering {
    #[default]
    Local,
    Online,
}

/// Id prefixes per kind (DESIGN §4), keyed `ticket`, `request`, `customer` and the
/// document kinds (`ddt-in`, `invoice`, ...); the defaults fill what is not set.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Prefixes(BTreeMap<String, String>);

impl Prefixes {
    /// The names a prefix can be set for.
    fn keys() -> impl Iterator<Item = (&'static str, &'static str)> {
        [("ticket", "T"), ("request", "R"), ("customer", "C")]
            .into_iter()
            .chain(DocKind::ALL.iter().map(|d| (d.noun(), d.default_prefix())))
    }

    fn key(kind: Kind) -> Option<&'static str> {
        match kind {
            Kind::Ticket => Some("ticket"),
            Kind::Request => Some("request"),
            Kind::Customer => Some("customer"),
            Kind::Document(d) => Some(d.noun()),
            _ => None,
        }
    }

    /// The prefix of a numbered kind.
    pub fn for_kind(&self, kind: Kind) -> Option<&str> {
        let key = Self::key(kind)?;
        let default = Self::keys().find(|(k, _)| *k == key).map(|(_, d)| d)?;
        Some(self.0.get(key).map(String::as_str).unwrap_or(default))
    }

    /// Each kind with a prefix, by its key.
    fn kinds() -> impl Iterator<Item = (&'static str, Kind)> {
        Self::keys().map(|(key, _)| {
            let kind = match key {
                "ticket" => Kind::Ticket,
                "request" => Kind::Request,
                "customer" => Kind::Customer,
                _ => Kind::Document(DocKind::ALL.into_iter().find(|d| d.noun() == key).expect("listed")),
            };
            (key, kind)
        })
    }

    fn shape() -> regex::Regex {
        regex::Regex::new(r"^[A-Z][A-Z0-9]{0,9}$").unwrap()
    }

    fn check(&self) -> std::result::Result<(), String> {
        for (key, value) in &self.0 {
            if !Self::keys().any(|(k, _)| k == key) {
                let known: Vec<&str> = Self::keys().map(|(k, _)| k).collect();
                return Err(format!("numbering.prefixes.{key}: unknown kind (known: {})", known.join(", ")));
            }
            if !Self::shape().is_match(value) {
                return Err(format!(
                    "numbering.prefixes.{key}: {value:?} must be 1-10 capital letters or digits, starting with a letter"
                ));
            }
        }
        Ok(())
    }
}

/// How tickets are billed (`[billing]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Billing {
    /// The item that prices an hour of work of a work report.
    #[serde(default)]
    pub labour_item: Option<String>,
    /// The item that prices an hour of travel.
    #[serde(default)]
    pub travel_item: Option<String>,
    /// The item that prices a kilometre driven (optional).
    #[serde(default)]
    pub km_item: Option<String>,
    /// What a warranty intervention gives the customer for free.
    #[serde(default = "Billing::all_covered")]
    pub warranty_covers: Vec<Cover>,
    /// The payment method written on invoices when none is given.
    #[serde(default)]
    pub payment_method: Option<String>,
    /// Who pays the imposta di bollo of an invoice without VAT over 77.47: the customer (a
    /// line of 2.00 is added), the company (it is only declared), or off.
    #[serde(default)]
    pub stamp_duty: StampDuty,
    /// Reduced VAT rates a customer may be billed at, by name.
    #[serde(default)]
    pub reduced_rates: BTreeMap<String, ReducedRate>,
}

/// Who pays the imposta di bollo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StampDuty {
    #[default]
    Customer,
    Company,
    Off,
}

/// A reduced VAT rate, or an operation without VAT, and the rule that allows it, written
/// by the business, not by tkt.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReducedRate {
    pub rate: Rate,
    /// Why, as printed on the invoice (e.g. `IVA 10% art. 7 c. 1 lett. b L. 488/1999`).
    pub note: String,
    /// The natura of an operation at rate 0 (`N2.1`: services to a business established
    /// abroad, art. 7-ter DPR 633/72; `N3.2`: goods to a business in another EU country).
    #[serde(default)]
    pub nature: Option<String>,
    /// Goods sold on their own to such a customer: their natura and wording, when the rule
    /// covers them too (`N3.2`, art. 41 DL 331/93, beside services at `N2.1`); otherwise
    /// goods keep their item's rate.
    #[serde(default)]
    pub goods_nature: Option<String>,
    #[serde(default)]
    pub goods_note: Option<String>,
}

/// The naturas FatturaPA 1.2.3 takes (N2, N3 and N6 without their detail are no longer
/// accepted by SDI).
pub const NATURES: &str = r"^(N1|N2\.[12]|N3\.[1-6]|N4|N5|N6\.[1-9]|N7)$";

/// Whether `nature` is one of [`NATURES`]: a reduced rate's in tkt.toml, a document line's.
pub fn is_nature(nature: &str) -> bool {
    static NATURE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(NATURES).expect("a valid pattern"));
    NATURE.is_match(nature)
}

/// What is said of a natura that is not one of [`NATURES`].
pub fn not_a_nature(nature: &str) -> String {
    format!("{nature:?} is no nature of FatturaPA 1.2 (N1, N2.1, N2.2, N3.1–N3.6, N4, N5, N6.1–N6.9, N7)")
}

impl Default for Billing {
    fn default() -> Self {
        Billing {
            labour_item: None,
            travel_item: None,
            km_item: None,
            warranty_covers: Self::all_covered(),
            payment_method: None,
            stamp_duty: StampDuty::default(),
            reduced_rates: BTreeMap::new(),
        }
    }
}

impl Billing {
    fn all_covered() -> Vec<Cover> {
        vec![Cover::Labour, Cover::Materials, Cover::Travel]
    }
}

/// A part of a warranty intervention that the warranty may cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cover {
    Labour,
    Materials,
    Travel,
}

/// The desk's PEC account, which sends e-invoices to SDI (`[pec]`). Its user name and
/// password are never here: they come from the environment or a file outside the desk.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pec {
    /// The PEC provider's SMTP server, e.g. `smtps.pec.aruba.it`.
    #[serde(default)]
    pub host: Option<String>,
    /// 465 for implicit TLS, 587 for STARTTLS by default.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: PecTls,
    /// The desk's PEC address; `[company] pec` by default.
    #[serde(default)]
    pub from: Option<String>,
    /// SDI's PEC address: the first message goes to the published one, later ones to the
    /// address SDI assigned in its first answer.
    #[serde(default)]
    pub sdi_address: Option<String>,
    /// A certificate authority (PEM) to trust besides the usual ones.
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// Refused when present: credentials never go into the desk.
    #[serde(default)]
    pub user: Option<toml::Value>,
    #[serde(default)]
    pub username: Option<toml::Value>,
    #[serde(default)]
    pub password: Option<toml::Value>,
}

/// SDI's published PEC address, where the first e-invoice of a sender goes.
pub const SDI_PEC: &str = "sdi01@pec.fatturapa.it";

/// How the PEC server speaks TLS: from the first byte (SMTPS, port 465) or after STARTTLS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PecTls {
    #[default]
    Implicit,
    Starttls,
}

impl Pec {
    fn check(&self) -> std::result::Result<(), String> {
        let secret = [("user", &self.user), ("username", &self.username), ("password", &self.password)];
        if let Some((key, _)) = secret.iter().find(|(_, v)| v.is_some()) {
            return Err(format!(
                "pec.{key}: credentials never go into the desk (it is committed and shared); set TKT_PEC_USER and \
                 TKT_PEC_PASSWORD, or TKT_PEC_CREDENTIALS to a file outside the desk, and remove pec.{key}"
            ));
        }
        Ok(())
    }
}

/// What e-mail and the support form open, and how much they may bring (`[intake]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// What a new message opens: a request (default) or, for a known customer, a ticket.
    #[serde(default)]
    pub creates: Creates,
    /// A message larger than this is refused.
    #[serde(default = "Intake::default_message_bytes")]
    pub max_message_bytes: u64,
    /// An attachment larger than this refuses its message.
    #[serde(default = "Intake::default_attachment_bytes")]
    pub max_attachment_bytes: u64,
    /// A message of more MIME parts than this is refused before it is parsed.
    #[serde(default = "Intake::default_parts")]
    pub max_parts: usize,
    /// A message with more attachments than this is refused.
    #[serde(default = "Intake::default_attachments")]
    pub max_attachments: usize,
    /// The state a closed ticket moves to when its customer writes again; none keeps it
    /// closed and lists it as a reply after close.
    #[serde(default)]
    pub reopen: Option<String>,
    /// What a `[T-…]` tag from someone who is not the ticket's customer becomes.
    #[serde(default)]
    pub stranger_tag: StrangerTag,
}

impl Default for Intake {
    fn default() -> Self {
        Intake {
            creates: Creates::Request,
            max_message_bytes: Self::default_message_bytes(),
            max_attachment_bytes: Self::default_attachment_bytes(),
            max_parts: Self::default_parts(),
            max_attachments: Self::default_attachments(),
            reopen: None,
            stranger_tag: StrangerTag::Request,
        }
    }
}

impl Intake {
    fn default_message_bytes() -> u64 {
        25 * 1024 * 1024
    }
    fn default_attachment_bytes() -> u64 {
        10 * 1024 * 1024
    }
    fn default_parts() -> usize {
        200
    }
    fn default_attachments() -> usize {
        20
    }
}

/// What a message tagged with a ticket's id becomes when its sender is not that
/// ticket's customer (its e-mail or PEC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StrangerTag {
    /// A new request, linked to the ticket (`related`).
    #[default]
    Request,
    /// A note on the ticket, flagged with a warning.
    Note,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Creates {
    #[default]
    Request,
    Ticket,
}

/// Settings of one clone, in `.tkt/settings.toml` (not versioned).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalSettings {
    /// The numbering series of documents issued from this clone (e.g. a technician's
    /// tablet), so fiscal numbers stay unique when working offline.
    #[serde(default)]
    pub series: Option<String>,
}

/// A custom ticket field declared as `[fields.NAME]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub help: Option<String>,
    /// The allowed values of an `enum` field.
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Int,
    Decimal,
    Date,
    Bool,
    Enum,
}

impl Config {
    /// Parses and checks the config; the message names the line and the key.
    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let line = text[..span.start].matches('\n').count() + 1;
                    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
                    let shown: String = text[start..].lines().next().unwrap_or("").trim().chars().take(60).collect();
                    format!("line {line} (`{shown}`): ")
                })
                .unwrap_or_default();
            format!("{at}{}", e.message())
        })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> std::result::Result<(), String> {
        // A key of [company] tkt does not know is kept for the templates, unless it is one of
        // tkt's misspelt: `regime_fiscal` left a forfettario issuing invoices at 22% VAT
        // (found by a careless-office attack).
        for key in self.company.extra.keys() {
            if let Some(meant) = COMPANY_KEYS.iter().find(|k| near(key, k)) {
                return Err(format!("company.{key}: not a key tkt knows; did you mean `{meant}`?"));
            }
        }
        self.numbering.check()?;
        self.pec.check()?;
        if let Some(regime) = &self.company.regime_fiscale {
            // FatturaPA 1.2.3 lists no RF03.
            if !regex::Regex::new(r"^RF(0[124-9]|1[0-9]|20)$").unwrap().is_match(regime) {
                return Err(format!("company.regime_fiscale: {regime:?} is not one of RF01, RF02, RF04 to RF20"));
            }
        }
        for (name, r) in &self.billing.reduced_rates {
            let key = format!("billing.reduced_rates.{name}");
            match (&r.nature, r.rate.0.is_zero()) {
                (None, true) => {
                    return Err(format!(
                        "{key}: a rate of 0 needs its `nature` (e.g. \"N2.1\" for services to a business \
                         established abroad, art. 7-ter DPR 633/72)"
                    ))
                }
                (Some(n), _) if !is_nature(n) => {
                    return Err(format!("{key}.nature: {n:?} is not a natura of FatturaPA (N1, N2.1, N2.2, N3.1 to N3.6, N4, N5, N6.1 to N6.9, N7)"))
                }
                (Some(_), false) => return Err(format!("{key}.nature: a natura goes only with rate = 0")),
                _ => {}
            }
            match (&r.goods_nature, &r.goods_note) {
                (Some(n), _) if !is_nature(n) => {
                    return Err(format!("{key}.goods_nature: {n:?} is not a natura of FatturaPA"))
                }
                (Some(_), None) => return Err(format!("{key}: goods_nature needs its goods_note (the rule it cites)")),
                (None, Some(_)) => return Err(format!("{key}: goods_note goes with goods_nature")),
                (Some(_), Some(note)) if note.trim().is_empty() || crate::model::latin::len(note) > 100 => {
                    return Err(format!("{key}.goods_note: 1 to 100 characters (the e-invoice's RiferimentoNormativo)"))
                }
                _ => {}
            }
        }
        let name = regex::Regex::new(r"^[a-z][a-z0-9_]{0,39}$").unwrap();
        for (field, def) in &self.fields {
            if !name.is_match(field) {
                return Err(format!("fields.{field}: a field name is lower-case letters, digits and '_'"));
            }
            match (def.kind, def.values.is_empty()) {
                (FieldType::Enum, true) => return Err(format!("fields.{field}: an enum field needs `values = [...]`")),
                (FieldType::Enum, false) | (_, true) => {}
                (_, false) => return Err(format!("fields.{field}: `values` is only for type = \"enum\"")),
            }
        }
        Ok(())
    }
}

/// The commented `tkt.toml` written by `tkt init`.
pub const DEFAULT_CONFIG: &str = r#"# tkt desk configuration. Every section is optional; this file documents them all.

# Your company, as printed on documents.
[company]
name = "My Service Company"
# vat_number = "01234567897"     # Partita IVA
# tax_code = "01234567897"       # Codice Fiscale
# email = "assistenza@example.it"
# phone = "+39 000 000000"
# pec = "azienda@pec.example.it"
# sdi_code = "0000000"
# address = { street = "Via Roma 1", zip = "20100", city = "Milano", province = "MI", country = "IT" }

[features]
# Track equipment by serial number, with warranty checks on tickets.
serial_numbers = true

# Id prefixes: ids look like T-2026-0001 (tickets), C-0001 (customers), INV-2026-0001.
# Documents: ddt-in DI, ddt-out DO, work-report WR, invoice INV, credit-note CN,
# job-order JO, sales-order SO, payment PAY, refund RF.
[numbering]
# Fiscal documents (DDT, invoices, credit notes) in a team: "local" numbers them in this
# clone (give each clone a series in .tkt/settings.toml to issue offline); "online" takes
# the next number from the remote and pushes at once.
fiscal = "local"

[numbering.prefixes]
ticket = "T"
customer = "C"

# Billing of tickets: the items that price labour, travel and kilometres, and what a
# warranty intervention covers (billed at 0.00, VAT nature N2.2).
[billing]
# labour_item = "LABOUR"
# travel_item = "TRAVEL"
# km_item = "KM"
warranty_covers = ["labour", "materials", "travel"]
# payment_method = "bonifico bancario"
# Imposta di bollo on invoices without VAT over 77.47: "customer" (a 2.00 line), "company", "off".
stamp_duty = "customer"
# A reduced rate that customers with `vat_rate: home` are billed at:
# [billing.reduced_rates.home]
# rate = 10
# note = "IVA 10% per manutenzione su fabbricati abitativi, art. 7 c. 1 lett. b L. 488/1999"
# An operation without VAT names its natura, e.g. repairs for a business established abroad:
# [billing.reduced_rates.ue]
# rate = 0
# nature = "N2.1"
# note = "Inversione contabile, art. 7-ter DPR 633/72"   # to an EU business (art. 21 c. 6-bis a); outside the EU: "Operazione non soggetta"
# goods_nature = "N3.2"     # goods sold on their own; without it they keep their rate
# goods_note = "Cessione intracomunitaria non imponibile, art. 41 DL 331/93"

# E-mail and the support form (tkt import): what a new message opens — "request", or
# "ticket" for a known customer — size limits in bytes, and how many MIME parts and
# attachments one message may have.
[intake]
creates = "request"
max_message_bytes = 26214400
max_attachment_bytes = 10485760
max_parts = 200
max_attachments = 20
# reopen = "in-progress"    # the state a closed ticket moves to when its customer writes
#                           # again; unset, it stays closed and `ticket list --replied` lists it
stranger_tag = "request"    # a [T-…] tag from someone who is not the ticket's customer:
                            # "request" (a new request linked to it) or "note" (a flagged note)

# E-invoices mailed to SDI (tkt doc send) from your PEC account, over SMTP with TLS. The
# user name and password never go here: set TKT_PEC_USER and TKT_PEC_PASSWORD, or
# TKT_PEC_CREDENTIALS to a file outside the desk holding user = "…" and password = "…".
# [pec]                         # the desk's PEC account
# host = "smtps.pec.aruba.it"   # your provider's SMTP server
# tls = "implicit"              # or "starttls"
# port = 465                    # default: 465 implicit, 587 starttls
# from = "azienda@pec.example.it"          # default: [company] pec
# sdi_address = "sdi01@pec.fatturapa.it"   # SDI's published address (the default); later the one SDI assigned you
# ca_file = "/etc/ssl/certs/extra-ca.pem"  # one more certificate authority to trust

# Custom ticket fields, set with `tkt ticket create --set NAME=VALUE` and filtered
# with `tkt ticket list --where NAME=VALUE`.
# type = string | int | decimal | date | bool | enum (enum needs values = [...])
#
# [fields.contract]
# type = "enum"
# values = ["none", "basic", "full"]
# required = false
# help = "Maintenance contract of the customer"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_parses() {
        let c = Config::parse(DEFAULT_CONFIG).unwrap();
        assert!(c.features.serial_numbers);
        assert_eq!(c.numbering.prefixes.for_kind(Kind::Ticket), Some("T"));
        assert_eq!(c.numbering.prefixes.for_kind(Kind::Document(DocKind::Invoice)), Some("INV"));
        assert_eq!(c.numbering.doc_kind("CN"), Some(DocKind::CreditNote));
    }

    /// Found by a careless-office attack: `[Numbering]` was ignored (invoices numbered
    /// locally), and `regime_fiscal` left a forfettario issuing invoices at 22% VAT.
    #[test]
    fn a_section_or_company_key_misspelt_is_refused_naming_it() {
        let err = Config::parse("[Numbering]\nfiscal = \"online\"\n").unwrap_err();
        assert!(err.contains("unknown field `Numbering`"), "{err}");
        let err = Config::parse("[company]\nregime_fiscal = \"RF19\"\n").unwrap_err();
        assert_eq!(err, "company.regime_fiscal: not a key tkt knows; did you mean `regime_fiscale`?");
        let err = Config::parse("[company]\nIBAN = \"IT60X0542811101000000123456\"\n").unwrap_err();
        assert!(err.contains("did you mean `iban`"), "{err}");
        // A template's own keys are kept.
        let c = Config::parse(
            "[company]\niban2 = \"x\"\nsito_web = \"www.example.it\"\nslogan = \"x\"\naddress2 = \"x\"\nvat_number_2 = \"x\"\n",
        )
        .unwrap();
        assert_eq!(c.company.extra.len(), 5);
        assert!(Config::parse("[company]\nadress = \"x\"\n").unwrap_err().contains("did you mean `address`"));
    }

    #[test]
    fn pec_credentials_in_the_desk_are_refused() {
        let c = Config::parse("[pec]\nhost = \"smtps.example.it\"\ntls = \"starttls\"\n").unwrap();
        assert_eq!((c.pec.host.as_deref(), c.pec.tls), (Some("smtps.example.it"), PecTls::Starttls));
        let err = Config::parse("[pec]\nhost = \"h\"\npassword = \"x\"\n").unwrap_err();
        assert!(err.starts_with("pec.password: credentials never go into the desk"), "{err}");
    }

    #[test]
    fn config_errors_name_the_line_and_key() {
        let err = Config::parse("[features]\nserial_numbers = \"yes\"\n").unwrap_err();
        assert!(err.starts_with("line 2"), "{err}");
        let err = Config::parse("[fields.x]\ntype = \"enum\"\n").unwrap_err();
        assert!(err.contains("fields.x"), "{err}");
        let err = Config::parse("[numbering.prefixes]\nticket = \"t/\"\n").unwrap_err();
        assert!(err.contains("numbering.prefixes.ticket"), "{err}");
        let err = Config::parse("[numbering.prefixes]\ninvoice = \"T\"\n").unwrap_err();
        assert!(err.contains("ticket and invoice both use \"T\""), "{err}");
    }
}
