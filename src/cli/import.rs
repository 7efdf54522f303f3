//! `tkt import`: e-mail (one message, or a maildir from cron) and support-form posts
//! become requests, or notes on the ticket or request they answer.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::ops::einvoice::import_receipts;
use crate::ops::intake::{self, Delivered, MAX_FORM_BYTES};
use crate::{Error, Result};

use super::Ctx;

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  tkt import email message.eml
  tkt import maildir ~/Maildir/.assistenza          # from cron, every minute
  tkt import form --content-type application/json < post.json
  tkt import sdi IT03912760984_00001_RC_001.xml         # SDI's receipt: delivered")]
pub enum ImportCommand {
    /// Import one e-mail message (RFC 5322) from FILE, or standard input.
    Email(ImportEmailArgs),
    /// Import every message in DIR/new; each one imported moves to DIR/cur, seen.
    Maildir(ImportMaildirArgs),
    /// Import one support-form post, JSON or urlencoded, from FILE or standard input.
    Form(ImportFormArgs),
    /// Record SDI's receipts (RC delivered, NS rejected, MC not deliverable, NE, DT, AT)
    /// against the e-invoices they are about; prints each document's id.
    Sdi {
        /// Receipt files as SDI sends them (XML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ImportEmailArgs {
    /// The message file; '-' or nothing reads standard input.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportMaildirArgs {
    /// The maildir: the folder holding new/, cur/ and tmp/.
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportFormArgs {
    /// The post body; '-' or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// The body's media type (a CGI script passes $CONTENT_TYPE); JSON is recognised
    /// by its leading '{' otherwise.
    // Any bytes: the visitor's header, refused by the form's checks (not by clap, whose
    // exit 2 a web server would answer as its own fault).
    #[arg(long, env = "CONTENT_TYPE", value_parser = clap::value_parser!(std::ffi::OsString))]
    pub content_type: Option<std::ffi::OsString>,
}

pub fn run(ctx: &Ctx, cmd: ImportCommand) -> Result<()> {
    match cmd {
        ImportCommand::Email(a) => {
            let limit = ctx.open_desk()?.config.intake.max_message_bytes;
            let bytes = read_input(ctx, a.file.as_deref(), limit)?;
            let file = a.file.as_deref().filter(|f| *f != Path::new("-"));
            let named = |mut e: crate::Error| {
                e.message = file.map_or(e.message.clone(), |f| format!("{}: {}", f.display(), e.message));
                e
            };
            delivered(ctx, ctx.run(|env| intake::import_email(env, &bytes)).map_err(named)?)
        }
        ImportCommand::Maildir(a) => {
            let dir = ctx.cwd().join(&a.dir);
            let done = ctx.run(|env| intake::import_maildir(env, &dir, &mut |i, n| ctx.progress(i, n)))?;
            for id in done.delivered_ids() {
                ctx.print_id(&id)?;
            }
            done.failure().map_or(Ok(()), Err)
        }
        ImportCommand::Sdi { files } => {
            let files: Vec<PathBuf> = files.iter().map(|f| ctx.cwd().join(f)).collect();
            for (id, _) in ctx.run(|env| import_receipts(env, &files))? {
                ctx.print_id(&id)?;
            }
            Ok(())
        }
        ImportCommand::Form(a) => {
            let body = read_input(ctx, a.file.as_deref(), MAX_FORM_BYTES)?;
            let content_type = a.content_type.map(|c| c.to_string_lossy().into_owned());
            delivered(ctx, ctx.run(|env| intake::import_form(env, &body, content_type.as_deref()))?)
        }
    }
}

/// Says what became of a message and prints the id a script wants.
fn delivered(ctx: &Ctx, d: Delivered) -> Result<()> {
    ctx.say(d.describe());
    match d.id() {
        Some(id) => ctx.print_id(id),
        None => Ok(()),
    }
}

/// Reads a file, or standard input for `-` or nothing, refusing more than `limit` bytes.
fn read_input(ctx: &Ctx, file: Option<&Path>, limit: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match file.filter(|f| *f != Path::new("-")) {
        Some(f) => {
            let path = ctx.cwd().join(f);
            std::fs::File::open(&path)
                .map_err(|e| Error::io(&path, e))?
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io(&path, e))?;
        }
        None => {
            std::io::stdin()
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::refused(format!("standard input: {e}")))?;
        }
    }
    if bytes.len() as u64 > limit {
        return Err(Error::refused(format!("the input is over the limit of {limit} bytes")));
    }
    Ok(bytes)
}
