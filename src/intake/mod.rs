//! Intake: turning what customers send — e-mail and the support form — into requests and
//! notes, and reading SDI's receipts about e-invoices. This module only reads and checks input; the command line decides where it goes.

mod email;
mod form;
mod names;
mod sdi;

pub use email::{find_tags, is_forward, parse_mail, strip_quoted, too_many_parts, Attachment, Mail};
pub use form::{parse_form, FormPost};
pub use names::safe_file_name;
pub use sdi::{
    certified_envelope, certified_original, from_pec_provider, on_behalf_of, parse_receipt, pec_receipt_type, Receipt,
};
