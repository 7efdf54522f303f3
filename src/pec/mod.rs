//! PEC: an e-invoice mailed from the desk's certified-mail account to SDI over SMTP with
//! TLS (lettre, rustls). This module only builds and sends the message; what is sent and
//! how it is recorded is the operation's.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use crate::model::{Instant, PecTls};
use crate::{Error, Result};

/// How to reach the PEC server and log in.
#[derive(Clone)]
pub struct Account {
    pub host: String,
    pub port: u16,
    pub tls: PecTls,
    pub user: String,
    pub password: String,
    /// A certificate authority (PEM) trusted besides the bundled web roots.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for Account {
    // The password never reaches a log or an error message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Account {{ {}@{}:{} {:?} }}", self.user, self.host, self.port, self.tls)
    }
}

/// One e-invoice file as a PEC message.
#[derive(Debug, Clone)]
pub struct Letter {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub file_name: String,
    pub file: Vec<u8>,
    pub message_id: String,
    pub date: Instant,
}

/// Builds the message: a short text and the XML file attached as it is, byte for byte.
pub fn message(letter: &Letter) -> Result<Message> {
    let mailbox = |what: &str, address: &str| -> Result<Mailbox> {
        address.parse().map_err(|e| Error::refused(format!("[pec] {what}: {address:?} is not an e-mail address: {e}")))
    };
    // The signed envelope of an e-invoice to a public administration is CMS, not XML.
    let media = if letter.file_name.ends_with(".p7m") { "application/pkcs7-mime" } else { "application/xml" };
    let xml = ContentType::parse(media).expect("a valid media type");
    Message::builder()
        .from(mailbox("from", &letter.from)?)
        .to(mailbox("sdi_address", &letter.to)?)
        .subject(&letter.subject)
        .message_id(Some(format!("<{}>", letter.message_id)))
        .date(std::time::SystemTime::from(letter.date))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(letter.body.clone()))
                .singlepart(Attachment::new(letter.file_name.clone()).body(letter.file.clone(), xml)),
        )
        .map_err(|e| Error::failure(format!("the PEC message of {}: {e}", letter.file_name)))
}

/// A connection to the PEC server, opened once for a batch of messages.
pub struct Server {
    transport: SmtpTransport,
    host: String,
}

impl Server {
    pub fn new(account: &Account) -> Result<Server> {
        let mut params = TlsParameters::builder(account.host.clone());
        if let Some(pem) = &account.ca_pem {
            let cert = Certificate::from_pem(pem)
                .map_err(|e| Error::refused(format!("the PEC certificate authority (ca_file): {e}")))?;
            params = params.add_root_certificate(cert);
        }
        let params = params.build_rustls().map_err(|e| Error::failure(format!("TLS for {}: {e}", account.host)))?;
        let tls = match account.tls {
            PecTls::Implicit => Tls::Wrapper(params),
            PecTls::Starttls => Tls::Required(params),
        };
        let transport = SmtpTransport::builder_dangerous(account.host.as_str())
            .port(account.port)
            .tls(tls)
            .credentials(Credentials::new(account.user.clone(), account.password.clone()))
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Server { transport, host: format!("{}:{}", account.host, account.port) })
    }

    /// Connects and logs in, then quits: a server that cannot be reached, a certificate
    /// that is not trusted or a refused login is a busy error (exit 5), before anything
    /// is sent.
    pub fn reachable(&self) -> Result<()> {
        match self.transport.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => {
                Err(Error::busy(format!("PEC server {}: the connection closed at once; nothing was sent", self.host)))
            }
            Err(e) => Err(Error::busy(format!("PEC server {}: {}; nothing was sent", self.host, chain(&e)))),
        }
    }

    /// Sends one message. A refusal by the server (a 4xx or 5xx reply) or a TLS failure
    /// sent nothing; anything else a connection that broke or timed out on a server that had just let
    /// this clone in ([`Server::reachable`]) may have sent it — SDI may have the file —
    /// and is `in_doubt` (found by an SDI review: a timeout waiting for the last reply was
    /// taken for "not sent", and the file went twice).
    pub fn send(&self, letter: &Letter) -> std::result::Result<(), Unsent> {
        let message = message(letter).map_err(|error| Unsent { error, in_doubt: false })?;
        self.transport.send(&message).map(|_| ()).map_err(|e| {
            // A reply that never came whole ("incomplete response": the server closed the
            // connection cleanly after the message) is no refusal (found by an SDI review).
            let refused = e.is_permanent() || e.is_transient() || e.is_tls() || e.is_client();
            let said = if refused { "not sent" } else { "may have been sent" };
            let error = Error::busy(format!("PEC server {}: {} {said}: {}", self.host, letter.file_name, chain(&e)));
            Unsent { error, in_doubt: !refused }
        })
    }
}

/// A message [`Server::send`] could not send, and whether it may have gone all the same.
pub struct Unsent {
    pub error: Error,
    pub in_doubt: bool,
}

/// An SMTP error with its causes, in one line.
fn chain(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}
