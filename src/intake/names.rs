//! Safe file names for attachments sent by strangers.

/// A file name that stays inside its folder and means nothing special to any system: the
/// last path component, no control characters, no leading dots, no Windows device names,
/// at most 100 characters; `attachment` when nothing is left.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).to_string();
    let mut safe: String = trimmed.chars().take(100).collect();
    let stem = safe.split('.').next().unwrap_or_default().to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    if device {
        safe.insert(0, '_');
    }
    if safe.is_empty() {
        "attachment".to_string()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_made_safe() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\x\\foto.jpg"), "foto.jpg");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("CON.txt"), "_CON.txt");
        assert_eq!(safe_file_name("com1"), "_com1");
        assert_eq!(safe_file_name("a\nb\u{0}c.pdf"), "a_b_c.pdf");
        assert_eq!(safe_file_name("Fattura così.pdf"), "Fattura così.pdf");
        assert_eq!(safe_file_name("..."), "attachment");
        assert_eq!(safe_file_name(&"x".repeat(300)).len(), 100);
    }
}
