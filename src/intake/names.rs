//! Safe file names for attachments sent by strangers.

/// The longest name kept, in bytes: file systems allow 255, and a de-duplication suffix
/// (`-2`, `-10`, ...) must still fit.
pub const MAX_NAME_BYTES: usize = 240;

/// A file name that stays inside its folder and means nothing special to any system: the
/// last path component, no control characters, no bidirectional overrides (which would show
/// `gpj.exe` as `exe.jpg`), no leading dots, no Windows device names, at most
/// [`MAX_NAME_BYTES`] bytes of UTF-8 with its extension kept; `attachment` when nothing is
/// left.
pub fn safe_file_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // One spelling of each name (NFC): `città` composed and decomposed are one name on
    // macOS, and must be told apart as one here.
    let name: String = name.nfc().collect();
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control()
                || is_bidi_control(c)
                || crate::files::hfs_ignores(c)
                || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).to_string();
    let mut safe = cut_name(&trimmed, MAX_NAME_BYTES);
    // Windows ignores spaces before the extension, and reserves COM¹ as it does COM1.
    let device = crate::files::windows_refuses(&safe);
    // NTFS's short names of `.git` and `.gitmodules`: git refuses such a path, and a clone
    // could not check out the desk.
    if device || crate::files::spells_git(&safe) {
        safe.insert(0, '_');
        safe = cut_name(&safe, MAX_NAME_BYTES);
    }
    if safe.is_empty() {
        "attachment".to_string()
    } else {
        safe
    }
}

/// Marks that reorder how text is shown: embeddings, overrides, isolates and the
/// invisible direction marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A name cut to `max` bytes on a character boundary, keeping a short extension.
fn cut_name(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.is_empty() && e.len() <= 16 => (s, &name[s.len()..]),
        _ => (name, ""),
    };
    let mut end = max - ext.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    // A cut may end on a dot or a space, which Windows drops from a name.
    format!("{}{ext}", stem[..end].trim_end_matches(['.', ' ']).trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_is_cut_to_one_every_clone_can_check_out() {
        for long in [
            format!("Verbale_{}.firmato_digitalmente_CAdES", "x".repeat(260)),
            format!("{}.{}", "a".repeat(239), "b".repeat(20)),
            format!("{} {}", "a".repeat(239), "b".repeat(20)),
        ] {
            let safe = safe_file_name(&long);
            assert!(safe.len() <= MAX_NAME_BYTES, "{safe}");
            assert!(!safe.ends_with(['.', ' ']) && !crate::files::windows_refuses(&safe), "{safe}");
        }
    }

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
        assert_eq!(safe_file_name(&"x".repeat(300)).len(), MAX_NAME_BYTES);
        assert_eq!(safe_file_name("foto\u{202e}gpj.exe"), "foto_gpj.exe");
    }

    /// Names git refuses in a tree (`git fsck`: hasDotgit), which a clone cannot check out:
    /// NTFS's short name of `.git`, and `.git` spelled with a character macOS ignores.
    #[test]
    fn names_git_refuses_are_made_names_it_takes() {
        assert_eq!(safe_file_name("git~1"), "_git~1");
        assert_eq!(safe_file_name("GIT~1"), "_GIT~1");
        assert_eq!(safe_file_name("Gitmo~1"), "_Gitmo~1");
        assert_eq!(safe_file_name("git~1. . "), "_git~1");
        assert_eq!(safe_file_name("\u{200c}.git"), "_.git");
        assert_eq!(safe_file_name(".g\u{feff}it"), "g_it");
        assert_eq!(safe_file_name("git~1.txt"), "git~1.txt", "git takes it");
    }

    /// Every name Windows reserves (CONIN$, COM¹, a device name before spaces) and one
    /// spelling of each name (found by a real-mail review: `città` composed and decomposed
    /// were two files, one on macOS).
    #[test]
    fn reserved_names_and_the_spellings_of_one_name() {
        for reserved in ["CONIN$", "conout$.log", "COM¹.txt", "lpt³", "NUL .txt", "com0"] {
            assert!(safe_file_name(reserved).starts_with('_'), "{reserved}");
        }
        assert_eq!(safe_file_name("COM10.txt"), "COM10.txt", "not a device");
        assert_eq!(safe_file_name("citta\u{300}.jpg"), safe_file_name("citt\u{e0}.jpg"));
        assert_eq!(safe_file_name("citta\u{300}.jpg"), "città.jpg");
    }

    #[test]
    fn long_names_are_cut_in_bytes_keeping_the_extension() {
        let emoji = format!("{}.jpg", "😀".repeat(100));
        let cut = safe_file_name(&emoji);
        assert!(cut.len() <= MAX_NAME_BYTES && cut.len() > MAX_NAME_BYTES - 4, "{}", cut.len());
        assert!(cut.ends_with("😀.jpg"));
        let cjk = safe_file_name(&"漢".repeat(86));
        assert!(cjk.len() <= MAX_NAME_BYTES && cjk.chars().all(|c| c == '漢'));
    }
}
