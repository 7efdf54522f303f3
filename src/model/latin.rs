//! Text as FatturaPA's Latin fields take it: folded into Latin-1 without losing meaning (an
//! em dash becomes a dash, the euro sign EUR). The e-invoice writes it so; the rules count
//! a field's length on it.

/// How many characters `text` takes in a Latin-1 field: as folded (`€` is `EUR`).
pub fn len(text: &str) -> usize {
    fold(text).chars().count()
}

/// `text` folded into Latin-1 and trimmed.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut folded = String::with_capacity(text.len());
    // Composed first: `e` and a combining grave (text pasted from a PDF or a Mac) is `è`,
    // which Latin-1 has (found by a fiscal review: "Caffe? Citta?").
    for c in text.trim().nfc() {
        match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => folded.push('-'),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => folded.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => folded.push('"'),
            '\u{2026}' => folded.push_str("..."),
            '\u{20AC}' => folded.push_str("EUR"),
            '\u{2022}' | '\u{00B7}' => folded.push('-'),
            '\n' | '\r' | '\t' => folded.push(' '),
            c if c.is_control() => {}
            c if u32::from(c) <= 0xFF => folded.push(c),
            // A mark no letter here composes with: the letter stands without it.
            c if unicode_normalization::char::is_combining_mark(c) => {}
            // A letter of another Latin alphabet as its base letter (ź z, ř r, ő o, ł l):
            // a Polish or Czech name stays readable.
            'ł' => folded.push('l'),
            'Ł' => folded.push('L'),
            'đ' => folded.push('d'),
            'Đ' => folded.push('D'),
            'œ' => folded.push_str("oe"),
            'Œ' => folded.push_str("OE"),
            c => {
                let base: String =
                    std::iter::once(c).nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect();
                let plain = !base.is_empty() && base.chars().all(|b| u32::from(b) <= 0xFF && !b.is_control());
                // Without a plain equivalent: a visible mark, never a gap.
                if plain {
                    folded.push_str(&base);
                } else {
                    folded.push('?');
                }
            }
        }
    }
    folded
}
