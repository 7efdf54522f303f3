//! A small SMTP server for the tests, on 127.0.0.1: TLS from the first byte (SMTPS) or
//! after STARTTLS, with a certificate generated for the test run (rcgen, rustls). It keeps
//! what each message brought: the login, the envelope and the data.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// How the server speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Implicit,
    Starttls,
}

/// One message the server accepted.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// The user and password of AUTH.
    pub login: Option<(String, String)>,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent (dot-stuffing undone).
    pub data: Vec<u8>,
}

pub struct Sink {
    pub port: u16,
    pub mode: Mode,
    /// The certificate (PEM) a client must trust.
    pub ca_pem: String,
    received: Arc<Mutex<Vec<Received>>>,
    hang_up: Arc<AtomicBool>,
}

impl Sink {
    /// Starts a server that accepts any login, or only `password` when given.
    pub fn start(mode: Mode, password: Option<&str>) -> Sink {
        let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        let ca_pem = key.cert.pem();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(key.cert.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der())),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let (got, password) = (received.clone(), password.map(str::to_string));
        let hang_up = Arc::new(AtomicBool::new(false));
        let hangs = hang_up.clone();
        // Ends with the test process; each connection is served in turn.
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let mut session = Session {
                    conn: Conn::Plain(tcp),
                    config: config.clone(),
                    mode,
                    password: password.clone(),
                    hang_up: hangs.load(Ordering::SeqCst),
                };
                if mode == Mode::Implicit {
                    session.start_tls();
                }
                for message in session.serve() {
                    got.lock().unwrap().push(message);
                }
            }
        });
        Sink { port, mode, ca_pem, received, hang_up }
    }

    /// From the next connection on, takes each message and hangs up without answering it:
    /// the sender cannot know whether it went.
    pub fn hang_up_after_data(&self) {
        self.hang_up.store(true, Ordering::SeqCst);
    }

    /// The messages accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A port where nothing listens.
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
    Gone,
}

struct Session {
    conn: Conn,
    config: Arc<ServerConfig>,
    mode: Mode,
    password: Option<String>,
    hang_up: bool,
}

impl Session {
    fn start_tls(&mut self) {
        if let Conn::Plain(tcp) = std::mem::replace(&mut self.conn, Conn::Gone) {
            let server = ServerConnection::new(self.config.clone()).unwrap();
            self.conn = Conn::Tls(Box::new(StreamOwned::new(server, tcp)));
        }
    }

    fn write(&mut self, text: &str) -> bool {
        let bytes = text.as_bytes();
        let done = match &mut self.conn {
            Conn::Plain(s) => s.write_all(bytes).and_then(|_| s.flush()),
            Conn::Tls(s) => s.write_all(bytes).and_then(|_| s.flush()),
            Conn::Gone => return false,
        };
        done.is_ok()
    }

    /// One line without its CRLF; `None` when the client went (or TLS failed).
    fn line(&mut self) -> Option<String> {
        let mut line = Vec::new();
        let mut byte = [0u8];
        while !line.ends_with(b"\r\n") {
            let n = match &mut self.conn {
                Conn::Plain(s) => s.read(&mut byte),
                Conn::Tls(s) => s.read(&mut byte),
                Conn::Gone => return None,
            };
            match n {
                Ok(1) => line.push(byte[0]),
                _ => return None,
            }
        }
        line.truncate(line.len() - 2);
        Some(String::from_utf8_lossy(&line).into_owned())
    }

    /// Serves one connection; returns the messages it accepted.
    fn serve(&mut self) -> Vec<Received> {
        let mut done = Vec::new();
        let mut current = Received::default();
        if !self.write("220 sink.test ESMTP\r\n") {
            return done;
        }
        while let Some(line) = self.line() {
            let upper = line.to_ascii_uppercase();
            let reply = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                if self.mode == Mode::Starttls && matches!(self.conn, Conn::Plain(_)) {
                    "250-sink.test\r\n250 STARTTLS\r\n".to_string()
                } else {
                    "250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n".to_string()
                }
            } else if upper == "STARTTLS" {
                self.write("220 2.0.0 ready\r\n");
                self.start_tls();
                continue;
            } else if upper.starts_with("AUTH PLAIN") {
                let initial = line.get(11..).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
                let Some(encoded) = initial.or_else(|| self.write("334 \r\n").then(|| self.line()).flatten()) else {
                    break;
                };
                let plain = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap_or_default();
                let parts: Vec<String> = plain.split(|b| *b == 0).map(|p| String::from_utf8_lossy(p).into()).collect();
                self.login(
                    &mut current,
                    parts.get(1).cloned().unwrap_or_default(),
                    parts.get(2).cloned().unwrap_or_default(),
                )
            } else if upper == "AUTH LOGIN" {
                let ask = |s: &mut Session, prompt: &str| {
                    s.write(&format!("334 {prompt}\r\n"));
                    let answer = s.line().unwrap_or_default();
                    String::from_utf8_lossy(
                        &base64::engine::general_purpose::STANDARD.decode(answer.trim()).unwrap_or_default(),
                    )
                    .into_owned()
                };
                let user = ask(self, "VXNlcm5hbWU6");
                let password = ask(self, "UGFzc3dvcmQ6");
                self.login(&mut current, user, password)
            } else if upper.starts_with("MAIL FROM:") {
                current.mail_from = address(&line[10..]);
                "250 2.1.0 ok\r\n".into()
            } else if upper.starts_with("RCPT TO:") {
                current.rcpt_to.push(address(&line[8..]));
                "250 2.1.5 ok\r\n".into()
            } else if upper == "DATA" {
                self.write("354 go ahead\r\n");
                let mut data = Vec::new();
                loop {
                    let Some(l) = self.line() else { return done };
                    if l == "." {
                        break;
                    }
                    data.extend_from_slice(l.strip_prefix('.').unwrap_or(&l).as_bytes());
                    data.extend_from_slice(b"\r\n");
                }
                current.data = data;
                let login = current.login.clone();
                done.push(std::mem::take(&mut current));
                if self.hang_up {
                    return done;
                }
                current.login = login;
                "250 2.0.0 queued\r\n".into()
            } else if upper == "QUIT" {
                self.write("221 2.0.0 bye\r\n");
                break;
            } else if upper == "RSET" || upper == "NOOP" {
                "250 2.0.0 ok\r\n".into()
            } else {
                "502 5.5.2 not implemented\r\n".into()
            };
            if !self.write(&reply) {
                break;
            }
        }
        done
    }

    fn login(&self, current: &mut Received, user: String, password: String) -> String {
        if self.password.as_ref().is_some_and(|p| *p != password) {
            return "535 5.7.8 authentication failed\r\n".into();
        }
        current.login = Some((user, password));
        "235 2.7.0 authenticated\r\n".into()
    }
}

/// The address of `<a@b> SIZE=…`.
fn address(text: &str) -> String {
    let text = text.trim();
    let end = text.find('>').unwrap_or(text.len());
    text[..end].trim_start_matches('<').to_string()
}
