//! Text as FatturaPA takes it: Latin-1 only (its `String…LatinType`s), each field within its
//! maximum length, XML-escaped — folded without losing meaning (an em dash becomes a dash,
//! the euro sign EUR), never silently dropped.

use crate::model::latin::fold;

/// `text` folded into Latin-1, trimmed, cut to `max` characters and escaped for XML.
pub fn latin(text: &str, max: usize) -> String {
    let cut: String = fold(text).chars().take(max).collect();
    escape(cut.trim_end())
}

/// `text` folded into Latin-1 and trimmed, whole, in pieces of `max` characters each
/// escaped for XML: for a field the schema lets repeat.
pub fn latin_pieces(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = fold(text).chars().collect();
    chars.chunks(max).map(|piece| escape(&piece.iter().collect::<String>())).collect()
}

/// `text` folded into Basic Latin (a field of the schema's plain `String…Type`s), trimmed,
/// cut to `max` characters and escaped: accents dropped, m² written m2, n° no.
pub fn ascii(text: &str, max: usize) -> String {
    use unicode_normalization::UnicodeNormalization;
    let plain: String = fold(text)
        .chars()
        .map(|c| if matches!(c, '°' | 'º') { 'o' } else { c })
        .collect::<String>()
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c.is_ascii() { c } else { '?' })
        .take(max)
        .collect();
    escape(plain.trim_end())
}

/// XML's five special characters as entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The text of an element [`escape`] wrote.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_folded_into_latin_1_cut_and_escaped() {
        assert_eq!(latin("Manodopera — intervento in garanzia", 100), "Manodopera - intervento in garanzia");
        assert_eq!(latin("Caffè “Rossi” & C. – 10 €", 100), "Caffè &quot;Rossi&quot; &amp; C. - 10 EUR");
        assert_eq!(latin("上海 <b>", 100), "?? &lt;b&gt;");
        let decomposed = "Caffe\u{300} Citta\u{300} di Forli\u{300}, Niccolo\u{300}";
        assert_eq!(latin(decomposed, 100), "Caffè Città di Forlì, Niccolò");
        assert_eq!(latin("x\u{300}y", 100), "xy");
        assert_eq!(
            latin("Zakład Usługowy Łódź, Šťastný Dvůr, Őrség", 100),
            "Zaklad Uslugowy Lódz, Stastný Dvur, Orség"
        );
        assert_eq!(latin("abcdef", 3), "abc");
        assert_eq!(latin_pieces("abcdefg&", 3), ["abc", "def", "g&amp;"]);
    }
}
