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
    // The media type alone, without its parameters (`; charset=utf-8`).
    let media = content_type.map(|ct| ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
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
        form_urlencoded::parse(text.trim().as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    };
    let get = |k: &str| fields.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
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
