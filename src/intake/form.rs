//! The support form: the body a web form posts, as JSON or
//! `application/x-www-form-urlencoded`, read and checked field by field.

use std::collections::HashMap;

use crate::rules::{check_vat_number, Problem};

/// What a customer sent through the support form, checked for shape.
#[derive(Debug, Clone, Default)]
pub struct FormPost {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub vat_number: Option<String>,
    pub item: Option<String>,
    pub serial: Option<String>,
    pub subject: String,
    pub description: String,
}

const MAX_FIELD: usize = 200;
const MAX_DESCRIPTION: usize = 20_000;
/// The form's own `maxlength` for the phone.
const MAX_PHONE: usize = 40;

/// Reads a form post. JSON is recognised by its leading `{` unless `content_type` says
/// otherwise. Every problem names its field.
pub fn parse_form(body: &[u8], content_type: Option<&str>) -> Result<FormPost, Vec<Problem>> {
    let text = std::str::from_utf8(body).map_err(|_| vec![Problem::new("body", "is not UTF-8 text")])?;
    // The media type alone, without its parameters (`; charset=utf-8`), which may name
    // UTF-8 only: the form's page is UTF-8, and text in another charset would be misread.
    let media = content_type.map(|ct| ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    let charset = content_type.and_then(|ct| {
        ct.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches('"').to_ascii_lowercase())
        })
    });
    if let Some(other) = charset.filter(|c| c != "utf-8" && c != "utf8") {
        return Err(vec![Problem::new("content-type", format!("charset {other:?} is not read: post UTF-8"))]);
    }
    let json = match media.as_deref() {
        None | Some("") => text.trim_start().starts_with('{'),
        Some("application/json") => true,
        Some("application/x-www-form-urlencoded") => false,
        // Read as another, a multipart post was "every field is required".
        Some(other) => {
            return Err(vec![Problem::new(
                "content-type",
                format!("{other} is not read: post application/x-www-form-urlencoded or application/json"),
            )])
        }
    };
    let fields: HashMap<String, String> = if json {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| vec![Problem::new("body", format!("is not JSON: {e}"))])?;
        let object = value.as_object().ok_or_else(|| vec![Problem::new("body", "must be a JSON object")])?;
        object
            .iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k.clone(), s.clone())),
                serde_json::Value::Bool(b) => Some((k.clone(), b.to_string())),
                serde_json::Value::Number(n) => Some((k.clone(), n.to_string())),
                _ => None,
            })
            .collect()
    } else {
        url_decoded(text.trim())?
    };
    // Every field but the description is one line (a line break in a name, a subject or a
    // serial would forge a field in `show`, as an e-mail's subject cannot); a browser sends
    // a textarea's line breaks as CRLF: stored as the line breaks they are.
    let get = |k: &str| {
        let value = fields.get(k).map(|v| match k {
            "description" => v.trim().replace("\r\n", "\n").replace('\r', "\n"),
            _ => v.split_whitespace().collect::<Vec<_>>().join(" "),
        });
        value.filter(|v| !v.is_empty())
    };
    let mut problems = Vec::new();
    let mut required = |k: &str, max: usize| -> String {
        match get(k) {
            None => {
                problems.push(Problem::new(k, "is required"));
                String::new()
            }
            Some(v) if v.chars().count() > max => {
                problems.push(Problem::new(k, format!("is longer than {max} characters")));
                v
            }
            Some(v) => v,
        }
    };
    let post = FormPost {
        name: required("name", MAX_FIELD),
        email: required("email", MAX_FIELD).to_lowercase(),
        subject: required("subject", MAX_FIELD),
        description: required("description", MAX_DESCRIPTION),
        phone: get("phone").inspect(|p| {
            if p.chars().count() > MAX_PHONE {
                problems.push(Problem::new("phone", format!("is longer than {MAX_PHONE} characters")));
            }
        }),
        vat_number: get("vat_number"),
        item: get("item"),
        serial: get("serial"),
    };
    if !post.email.is_empty() && !is_email(&post.email) {
        problems.push(Problem::new("email", format!("{:?} is not an e-mail address", post.email)));
    }
    if let Some(phone) = &post.phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if digits < 6 || !phone.chars().all(|c| c.is_ascii_digit() || " +-()/.".contains(c)) {
            problems.push(Problem::new("phone", format!("{phone:?} is not a phone number")));
        }
    }
    if let Some(vat) = &post.vat_number {
        if let Err(e) = check_vat_number(vat) {
            problems.push(Problem::new("vat_number", e));
        }
    }
    for (k, v) in [("item", &post.item), ("serial", &post.serial)] {
        if v.as_ref().is_some_and(|v| v.chars().count() > 64) {
            problems.push(Problem::new(k, "is longer than 64 characters"));
        }
    }
    match get("consent").as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("true" | "on" | "yes" | "1" | "si" | "sì") => {}
        _ => {
            problems.push(Problem::new("consent", "must be given (the customer agrees to the processing of the data)"))
        }
    }
    if problems.is_empty() {
        Ok(post)
    } else {
        Err(problems)
    }
}

/// An address with one `@` and a dotted host, of printable characters only (no control,
/// no right-to-left override or other format character a list or a commit would show).
/// The fields of an `application/x-www-form-urlencoded` body; a field whose bytes, once
/// decoded, are not UTF-8 is refused, named (`Nicol%F2` is Latin-1, and would be kept as
/// `Nicol�`).
fn url_decoded(text: &str) -> Result<HashMap<String, String>, Vec<Problem>> {
    let decode = |part: &str| -> Option<String> {
        let bytes = part.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).ok()
    };
    let mut fields = HashMap::new();
    let mut problems = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match (decode(k), decode(v)) {
            (Some(k), Some(v)) => {
                fields.insert(k, v);
            }
            (Some(k), None) => problems.push(Problem::new(&k, "is not UTF-8 text once decoded")),
            (None, _) => problems.push(Problem::new("body", "has a field name that is not UTF-8 text once decoded")),
        }
    }
    if problems.is_empty() {
        Ok(fields)
    } else {
        Err(problems)
    }
}

fn is_email(s: &str) -> bool {
    let printable = |c: char| {
        !c.is_whitespace()
            && !c.is_control()
            && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    s.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && s.chars().all(printable)
        && s.matches('@').count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(problems: Vec<Problem>) -> Vec<String> {
        problems.into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn urlencoded_and_json_posts_are_read() {
        let body = b"name=Mario+Rossi&email=Mario%40example.it&subject=Caldaia&description=Non+parte%21&consent=on&serial=CV24-1";
        let post = parse_form(body, None).unwrap();
        assert_eq!(post.email, "mario@example.it");
        assert_eq!(post.description, "Non parte!");
        let json = br#"{"name":"Anna","email":"anna@example.it","subject":"x","description":"y","consent":true,"submit":"Invia"}"#;
        assert_eq!(parse_form(json, Some("application/json")).unwrap().name, "Anna");
    }

    /// Found by a review of the public form: a line break in the subject forged fields in
    /// `request show`, Latin-1 bytes percent-encoded were kept as `�`, and a textarea's
    /// CRLF showed `␍` on every line.
    #[test]
    fn what_a_browser_or_a_stranger_posts_is_read_as_the_form_means_it() {
        let ok = "name=Nicol%C3%B2%0ARossi&email=n%40x.it&description=Riga+1%0D%0ARiga+2%0D%0A&consent=on";
        let post =
            parse_form(format!("{ok}&subject=Caldaia%0Acustomer+C-0001&serial=SN1%0Astatus").as_bytes(), None).unwrap();
        assert_eq!((post.name.as_str(), post.subject.as_str()), ("Nicolò Rossi", "Caldaia customer C-0001"));
        assert_eq!(post.serial.as_deref(), Some("SN1 status"), "a serial too (a review)");
        assert_eq!(post.description, "Riga 1\nRiga 2");
        let latin1 = format!("{ok}&subject=Citt%E0");
        assert_eq!(fields(parse_form(latin1.as_bytes(), None).unwrap_err()), ["subject"]);
        let declared = Some("application/x-www-form-urlencoded; charset=ISO-8859-1");
        assert_eq!(fields(parse_form(format!("{ok}&subject=x").as_bytes(), declared).unwrap_err()), ["content-type"]);
        let utf8 = Some("application/x-www-form-urlencoded; charset=\"utf-8\"");
        assert!(parse_form(format!("{ok}&subject=x").as_bytes(), utf8).is_ok());
    }

    #[test]
    fn every_problem_names_its_field() {
        let body = b"name=Mario&email=not-an-address&subject=&description=x&phone=abc&vat_number=01234567890";
        assert_eq!(fields(parse_form(body, None).unwrap_err()), ["subject", "email", "phone", "vat_number", "consent"]);
        assert_eq!(fields(parse_form(b"{]", None).unwrap_err()), ["body"]);
    }

    /// Found by a review of the form: a phone of a megabyte was stored, an address with a
    /// NUL, an escape and a right-to-left override was taken, and a multipart post was
    /// read as urlencoded ("every field is required").
    #[test]
    fn a_long_phone_a_hidden_character_and_another_media_type_are_refused() {
        let ok = "name=A&email=a%40x.it&subject=s&description=d&consent=on";
        let with = |extra: &str| format!("{ok}&{extra}");
        let phone = with(&format!("phone={}", "1".repeat(41)));
        assert_eq!(fields(parse_form(phone.as_bytes(), None).unwrap_err()), ["phone"]);
        for hidden in ["%00", "%1b", "%E2%80%AE"] {
            let body = format!("name=A&email=a{hidden}%40x.it&subject=s&description=d&consent=on");
            assert_eq!(fields(parse_form(body.as_bytes(), None).unwrap_err()), ["email"], "{hidden}");
        }
        for media in ["multipart/form-data; boundary=XX", "text/csv"] {
            assert_eq!(fields(parse_form(ok.as_bytes(), Some(media)).unwrap_err()), ["content-type"], "{media}");
        }
        let typed = "application/x-www-form-urlencoded; charset=UTF-8";
        assert!(parse_form(ok.as_bytes(), Some(typed)).is_ok());
        assert!(parse_form(with("phone=%2B39 030 123456").as_bytes(), Some(typed)).is_ok());
    }
}
