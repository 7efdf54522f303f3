//! Sending exported e-invoices to SDI by PEC: which documents, the files as they were
//! exported, the account from `[pec]` and credentials from outside the desk, and the record
//! of each message sent.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{DocKind, Document, PecTls, SDI_PEC};
use crate::pec::{Account, Letter, Server};
use crate::{Error, Result};

use super::einvoice::{
    answered_about, cancels_rejected, einvoice_file, entry_of, sdi_state, sent_as, sent_before, xml_to_send, SdiState,
    Selection, ToSend, EINVOICE,
};
use super::Env;

/// Credentials and trust that never live in the desk, as the command line found them
/// (`TKT_PEC_USER`, `TKT_PEC_PASSWORD`, `TKT_PEC_CREDENTIALS`, `TKT_PEC_CA_FILE`).
#[derive(Debug, Clone, Default)]
pub struct PecSecrets {
    pub user: Option<String>,
    pub password: Option<String>,
    /// A TOML file outside the desk with `user` and `password`.
    pub credentials_file: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
}

impl PecSecrets {
    /// The secrets from the variables `var` looks up; relative paths start at `cwd`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>, cwd: &Path) -> PecSecrets {
        PecSecrets {
            user: var("TKT_PEC_USER"),
            password: var("TKT_PEC_PASSWORD"),
            credentials_file: var("TKT_PEC_CREDENTIALS").map(|f| cwd.join(f)),
            ca_file: var("TKT_PEC_CA_FILE").map(|f| cwd.join(f)),
        }
    }
}

/// One e-invoice sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub id: String,
    pub file: String,
    pub message_id: String,
}

/// Mails the exported files of the selected documents (from `dir`, where they were
/// exported) to SDI; with no ids, every exported one of the period not sent yet. Everything
/// is checked before the first message goes; the messages that went are recorded even when
/// a later one fails (they cannot be called back), and the failure is returned.
pub fn send(env: &Env, what: &Selection, dir: &Path, secrets: &PecSecrets) -> Result<Vec<Sent>> {
    let _lock = env.lock()?;
    let desk = &env.desk;
    let all = desk.documents(&[DocKind::Invoice, DocKind::CreditNote])?;
    let marker = desk.abs(Path::new(SENDING));
    let earlier = interrupted_sends(&marker)?;
    // A send of this very file was interrupted, or timed out, before it was recorded: it may
    // have reached SDI. Another file of the document (exported again after SDI's answer)
    // is not that one (found by an SDI review: the note matched the document).
    // SDI's receipt about it (recorded here or by another clone) settles it.
    let in_doubt = |d: &Document| {
        let file = einvoice_file(d).filter(|f| !answered_about(d, f));
        earlier.iter().find(|(id, noted)| *id == d.id && Some(noted.as_str()) == file).cloned()
    };
    let left_out = std::cell::Cell::new(0);
    let chosen: Vec<Document> = if what.ids.is_empty() {
        // With no ids, one in doubt is left out, not the others with it.
        all.iter()
            .filter(|d| sdi_state(d) == SdiState::Exported && refuse_to_send(d, &all).is_ok())
            .filter(|d| what.since.is_none_or(|s| d.date >= s) && what.until.is_none_or(|u| d.date <= u))
            .filter(|d| match in_doubt(d) {
                Some((id, file)) => {
                    env.warn(format!("{id} left out: a send of {file} was interrupted before it was recorded"));
                    left_out.set(left_out.get() + 1);
                    false
                }
                None => true,
            })
            .cloned()
            .collect()
    } else {
        let mut chosen = Vec::new();
        // One id named twice is one document, mailed once (found by an SDI review).
        let mut seen = std::collections::HashSet::new();
        for id in what.ids.iter().filter(|id| seen.insert(id.as_str())) {
            let doc = desk.load_doc(id)?;
            refuse_to_send(&doc, &all)?;
            chosen.push(doc);
        }
        chosen
    };
    if chosen.is_empty() {
        match left_out.get() {
            0 => env.say("nothing to send: every exported e-invoice was sent"),
            n => env.say(format!("nothing sent: {n} e-invoice(s) left out, their sends in doubt")),
        }
        return Ok(vec![]);
    }
    // Its `sent` would commit a hand edit of it with it.
    super::documents::refuse_changed_since_issue(desk, &chosen.iter().collect::<Vec<_>>())?;
    let mut files = Vec::new();
    for doc in &chosen {
        files.push(xml_to_send(desk, doc, dir)?);
    }
    if let Some(interrupted) = chosen.iter().find_map(in_doubt) {
        return Err(Error::refused(format!(
            "a `tkt doc send` of {} ({}) was interrupted before it recorded what it sent: the file may have \
             reached SDI, which refuses a second file of one name",
            interrupted.1, interrupted.0
        ))
        .with_hint(format!(
            "wait for SDI's receipt (tkt import maildir, tkt import sdi); if you are sure nothing went out, \
             remove the line \"{} {}\" from {SENDING} and send again",
            interrupted.0, interrupted.1
        )));
    }
    let (account, from, to) = account(env, secrets)?;
    let server = Server::new(&account)?;
    server.reachable()?;
    let domain = from.rsplit_once('@').map_or("localhost", |(_, d)| d).to_string();
    let mut sent = Vec::new();
    let mut failure = None;
    let mut doubtful = None;
    let mut noted = earlier.clone();
    for (doc, ToSend { name, attachment, bytes }) in chosen.iter().zip(files) {
        let stem = name.trim_end_matches(".xml");
        let letter = Letter {
            from: from.clone(),
            to: to.clone(),
            subject: format!("Invio file {attachment}"),
            body: format!("Fattura elettronica {} del {}: file {attachment} in allegato.\r\n", doc.id, doc.date),
            message_id: format!("{stem}.{}@{domain}", env.now.format("%Y%m%dT%H%M%S")),
            file_name: attachment,
            file: bytes,
            date: env.now,
        };
        // Noted before it goes: killed before the commit records it, the next send knows.
        noted.push((doc.id.clone(), name.clone()));
        note_sends(&marker, &noted)?;
        match server.send(&letter) {
            Ok(()) => sent.push((doc, Sent { id: doc.id.clone(), file: name, message_id: letter.message_id })),
            Err(unsent) => {
                if unsent.in_doubt {
                    doubtful = Some((doc.id.clone(), name));
                }
                failure = Some(unsent.error);
                break;
            }
        }
    }
    if !sent.is_empty() {
        let mut paths = Vec::new();
        for (doc, s) in &sent {
            let mut marked = (*doc).clone();
            let mut entry = entry_of(&marked);
            let mut list = entry.get("sent").and_then(|l| l.as_sequence()).cloned().unwrap_or_default();
            let mut record = serde_yaml::Mapping::new();
            record.insert("file".into(), s.file.as_str().into());
            record.insert("at".into(), env.now.to_rfc3339().into());
            record.insert("to".into(), to.as_str().into());
            record.insert("message_id".into(), s.message_id.as_str().into());
            list.push(record.into());
            entry.insert("sent".into(), list.into());
            marked.extra.insert(EINVOICE.into(), entry.into());
            paths.push(desk.write(&marked)?);
        }
        let ids: Vec<&str> = sent.iter().map(|(_, s)| s.id.as_str()).collect();
        env.commit(&paths, &format!("{}: sent to SDI by PEC ({to})", ids.join(", ")))?;
    }
    // What went is recorded (a failure to connect or log in sent nothing). What an earlier
    // send left unrecorded stays noted (found by an SDI attack: a send of another document
    // forgot it, and the next `doc send --all` mailed those files a second time), and so
    // does a message that may have gone, as a killed send's does.
    note_sends(&marker, &earlier.into_iter().chain(doubtful).collect::<Vec<_>>())?;
    match failure {
        Some(e) if sent.is_empty() => Err(e),
        Some(e) => {
            let ids: Vec<&str> = sent.iter().map(|(_, s)| s.id.as_str()).collect();
            Err(Error::busy(format!("{}; sent and recorded before it: {}", e.message, ids.join(", "))))
        }
        None => Ok(sent.into_iter().map(|(_, s)| s).collect()),
    }
}

/// Where `doc send` notes each file before it mails it, until the sending is recorded.
pub const SENDING: &str = ".tkt/sending";

/// SDI answered about these files (document id, file): a send of them that was
/// interrupted is settled, and no longer noted (found by an SDI review: waiting for the
/// receipt, as the hint says, was not enough).
pub fn answered(desk: &crate::desk::Desk, files: &[(String, String)]) -> Result<()> {
    let marker = desk.abs(Path::new(SENDING));
    let noted = interrupted_sends(&marker)?;
    let left: Vec<(String, String)> = noted.iter().filter(|n| !files.contains(n)).cloned().collect();
    if left.len() == noted.len() {
        return Ok(());
    }
    note_sends(&marker, &left)
}

/// Writes the note of sends not recorded yet (document id, file), one a line; none, no file.
fn note_sends(marker: &Path, sends: &[(String, String)]) -> Result<()> {
    if sends.is_empty() {
        return match std::fs::remove_file(marker) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(marker, e)),
            _ => Ok(()),
        };
    }
    let lines: String = sends.iter().map(|(id, file)| format!("{id} {file}\n")).collect();
    crate::files::write_atomic(marker, lines.as_bytes())
}

/// The documents and files of a `doc send` that was killed before it recorded them.
pub fn interrupted_sends(marker: &Path) -> Result<Vec<(String, String)>> {
    match std::fs::read_to_string(marker) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(id, file)| (id.to_string(), file.to_string()))
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
        Err(e) => Err(Error::io(marker, e)),
    }
}

/// Refuses a document that is no e-invoice, not exported, or whose current file went
/// already (a rejected one is exported again first, then sent).
fn refuse_to_send(doc: &Document, all: &[Document]) -> Result<()> {
    let id = &doc.id;
    if !matches!(doc.kind, DocKind::Invoice | DocKind::CreditNote) {
        return Err(Error::refused(format!("{id} is {}: only invoices and credit notes are e-invoices", doc.kind.a())));
    }
    // A credit note of an invoice SDI rejected is not sent, as it is not exported (found by
    // a fiscal review: `doc send` mailed it).
    if cancels_rejected(doc, all) {
        return Err(Error::refused(format!(
            "{id} credits {}, which SDI rejected (never issued): it cancels it in your books only and is not sent",
            doc.invoice.as_deref().unwrap_or_default()
        )));
    }
    // A file name SDI had from another document (two clones exported offline under one
    // progressivo): SDI refuses it; the document takes a new one (found by a fiscal review).
    if let Some(file) = einvoice_file(doc).filter(|f| sent_by_another(doc, f, all)) {
        return Err(Error::refused(format!(
            "{id}: {file} was sent to SDI for another document; SDI refuses a duplicate"
        ))
        .with_hint(format!("export it again under a new progressivo: tkt doc export {id} --dir DIR")));
    }
    if let Some(file) = sent_before(doc) {
        return Err(Error::refused(format!(
            "{id}: {file} of it went to SDI already, and was not rejected; SDI refuses a duplicate"
        ))
        .with_hint("wait for SDI's receipt of that file (tkt import maildir, tkt import sdi)"));
    }
    let export_hint = format!("export it first: tkt doc export {id} --dir DIR, then tkt doc send {id} --dir DIR");
    match sdi_state(doc) {
        SdiState::NotExported => {
            Err(Error::refused(format!("{id} has not been exported yet: there is no file to send"))
                .with_hint(export_hint))
        }
        SdiState::Exported => Ok(()),
        SdiState::Rejected { .. } => Err(Error::refused(format!(
            "{id}: SDI rejected {}; correct it and export it again before sending",
            einvoice_file(doc).unwrap_or_default()
        ))
        .with_hint(format!("tkt doc export {id} --dir DIR  (same number and date, a new file)"))),
        state => Err(Error::refused(format!(
            "{id}: {} was sent already ({}); SDI refuses a duplicate",
            einvoice_file(doc).unwrap_or_default(),
            state.as_str()
        ))),
    }
}

/// Whether the file `file` of `doc` went to SDI for another document: another's current
/// file sent or answered, or one of its files recorded as sent.
fn sent_by_another(doc: &Document, file: &str, all: &[Document]) -> bool {
    all.iter().filter(|o| o.id != doc.id).any(|o| {
        sent_as(o, file)
            || einvoice_file(o) == Some(file) && !matches!(sdi_state(o), SdiState::Exported | SdiState::NotExported)
    })
}

/// The account, the sender and SDI's address: `[pec]` and the secrets, checked.
fn account(env: &Env, secrets: &PecSecrets) -> Result<(Account, String, String)> {
    let desk = &env.desk;
    let pec = &desk.config.pec;
    let host = pec.host.clone().filter(|h| !h.trim().is_empty()).ok_or_else(|| {
        Error::refused("tkt.toml [pec] host: missing; it is your PEC provider's SMTP server (e.g. smtps.pec.aruba.it)")
    })?;
    let from = pec.from.clone().or_else(|| desk.config.company.pec.clone()).ok_or_else(|| {
        Error::refused("tkt.toml [pec] from: missing; it is the desk's PEC address (or set [company] pec)")
    })?;
    let to = pec.sdi_address.clone().unwrap_or_else(|| SDI_PEC.to_string());
    let file = match &secrets.credentials_file {
        Some(path) => Some(credentials_file(env, path)?),
        None => None,
    };
    let user = secrets.user.clone().or_else(|| file.as_ref().and_then(|f| f.user.clone())).unwrap_or(from.clone());
    let password = secrets.password.clone().or_else(|| file.and_then(|f| f.password)).ok_or_else(|| {
        Error::refused("no PEC password: set TKT_PEC_PASSWORD (and TKT_PEC_USER), or TKT_PEC_CREDENTIALS to a file outside the desk")
    })?;
    let ca = secrets.ca_file.clone().or_else(|| pec.ca_file.as_ref().map(|f| desk.root().join(f)));
    let ca_pem = ca.map(|f| std::fs::read(&f).map_err(|e| Error::io(&f, e))).transpose()?;
    let port = pec.port.unwrap_or(match pec.tls {
        PecTls::Implicit => 465,
        PecTls::Starttls => 587,
    });
    trust_server(env, &format!("{host}:{port}"), ca_pem.is_some())?;
    Ok((Account { host, port, tls: pec.tls, user, password, ca_pem }, from, to))
}

/// Where this clone keeps the PEC server its password was first sent to.
const TRUSTED_SERVER: &str = ".tkt/pec-server";

/// The password goes only to the server it went to first from this clone: `[pec]` is in
/// the shared `tkt.toml`, and a commit from anyone with push access (or a hostile remote)
/// could otherwise point it, with a `ca_file` of their own, at a server that collects it.
fn trust_server(env: &Env, server: &str, own_ca: bool) -> Result<()> {
    let path = env.desk.abs(Path::new(TRUSTED_SERVER));
    let trusted = format!("{server}{}\n", if own_ca { " (own CA)" } else { "" });
    match std::fs::read_to_string(&path) {
        Ok(known) if known == trusted => Ok(()),
        Ok(known) => Err(Error::refused(format!(
            "tkt.toml [pec] now names {}, but this clone sent its PEC password to {}: a change of server must be yours",
            trusted.trim(),
            known.trim()
        ))
        .with_hint(format!("if you changed your PEC provider, delete {TRUSTED_SERVER} and send again"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => crate::files::write_atomic(&path, trusted.as_bytes()),
        Err(e) => Err(Error::io(&path, e)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    user: Option<String>,
    password: Option<String>,
}

/// Reads the credentials file, refusing one inside the desk (it would be committed) and
/// warning when others may read it.
fn credentials_file(env: &Env, path: &Path) -> Result<CredentialsFile> {
    let real = |p: &Path| std::fs::canonicalize(p).map_err(|e| Error::io(p, e));
    if real(path)?.starts_with(real(env.desk.root())?) {
        return Err(Error::refused(format!(
            "TKT_PEC_CREDENTIALS={}: the file is inside the desk, which is committed and shared; keep it outside",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.permissions().mode();
        if mode & 0o077 != 0 {
            env.warn(format!("{}: others can read your PEC password (chmod 600 it)", path.display()));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    toml::from_str(&text).map_err(|e| {
        Error::refused(format!("{}: {} (expected user = \"…\" and password = \"…\")", path.display(), e.message()))
    })
}
