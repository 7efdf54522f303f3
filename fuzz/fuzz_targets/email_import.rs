//! The e-mail importer's reading of a message on arbitrary bytes: parsed or refused, never a
//! panic; a subject stays on one line and attachment names stay inside their folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tkt::intake::{find_tags, parse_mail, safe_file_name, strip_quoted};

fuzz_target!(|data: &[u8]| {
    if let Ok(mail) = parse_mail(data, |b| format!("{:x}", b.len())) {
        assert!(!mail.subject.contains(['\r', '\n']));
        let _ = find_tags(&mail.subject);
        let _ = strip_quoted(&mail.text);
        for a in &mail.attachments {
            let name = safe_file_name(&a.name);
            assert!(!name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']));
        }
    }
});
