//! Comments written by hand in a record file, kept when tkt writes the record again.
//!
//! A record is written from its fields, which hold no comments: without this, a note or a
//! transition would drop `# chiavi in portineria` from the file. Each comment of the old
//! text is put back beside the line it was on (a trailing one) or above the line it was
//! written above (a full-line one): the same line if it is still there, else the line of
//! the same key, else the key it was under, else above the next line or at the end. The result must read
//! as the same record as the new text, or the new text is written as it is.

use crate::model::from_yaml;

/// One line of a YAML text.
struct Line<'a> {
    raw: &'a str,
    /// The line without its trailing comment, trimmed at the end.
    content: &'a str,
    comment: Option<&'a str>,
    indent: usize,
    /// A line of a block scalar (`|`, `>`): text, where `#` is no comment.
    in_block: bool,
    /// A line that opens a block scalar.
    opens_block: bool,
}

impl Line<'_> {
    fn is_comment(&self) -> bool {
        !self.in_block && self.content.is_empty() && self.comment.is_some()
    }
    fn is_content(&self) -> bool {
        !self.in_block && !self.content.is_empty()
    }
    /// `key:` of a `key: value` line (after a list's `- `), or the whole content.
    fn key(&self) -> &str {
        let c = self.content.trim_start().trim_start_matches("- ");
        c.find(": ").or_else(|| c.strip_suffix(':').map(str::len)).map_or(c, |i| &c[..i])
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out: Vec<Line> = Vec::new();
    let mut block: Option<usize> = None;
    for raw in text.lines() {
        let indent = raw.len() - raw.trim_start().len();
        if let Some(parent) = block {
            if raw.trim().is_empty() || indent > parent {
                out.push(Line { raw, content: "", comment: None, indent, in_block: true, opens_block: false });
                continue;
            }
            block = None;
        }
        let (content, comment) = split_comment(raw);
        let last = content.rsplit(' ').next().unwrap_or_default();
        let opens_block = last.starts_with(['|', '>']) && last.len() <= 3;
        if opens_block {
            block = Some(indent);
        }
        out.push(Line { raw, content, comment, indent, in_block: false, opens_block });
    }
    out
}

/// A line's content and its comment: from a `#` at the start or after a blank, outside
/// quotes.
fn split_comment(raw: &str) -> (&str, Option<&str>) {
    let (mut single, mut double, mut prev) = (false, false, ' ');
    for (i, c) in raw.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && prev != '\\' => double = !double,
            '#' if !single && !double && prev.is_whitespace() => return (raw[..i].trim_end(), Some(&raw[i..])),
            _ => {}
        }
        prev = c;
    }
    (raw.trim_end(), None)
}

/// `new` with the comments of `old` put back; `new` itself when `old` has none, or when
/// the result would not read as the same record.
pub fn keep(old: &str, new: &str) -> String {
    if !old.contains('#') {
        return new.to_string();
    }
    let old_lines = lines(old);
    if !old_lines.iter().any(|l| !l.in_block && l.comment.is_some()) {
        return new.to_string();
    }
    let new_lines = lines(new);
    let mut above: Vec<Vec<&str>> = vec![Vec::new(); new_lines.len() + 1];
    let mut beside: Vec<Option<&str>> = vec![None; new_lines.len()];
    let mut pending: Vec<&str> = Vec::new();
    let mut cursor = 0;
    let mut top_key: Option<&str> = None;
    for line in &old_lines {
        if line.is_comment() {
            pending.push(line.raw);
            continue;
        }
        if !line.is_content() {
            continue;
        }
        if line.indent == 0 {
            top_key = Some(line.key());
        }
        let find = |from: usize, same: &dyn Fn(&Line) -> bool| {
            (from..new_lines.len()).find(|&j| new_lines[j].is_content() && same(&new_lines[j]))
        };
        let same_line = find(cursor, &|n| n.content.trim() == line.content.trim())
            .or_else(|| find(cursor, &|n| n.indent == line.indent && n.key() == line.key()));
        let j = match same_line {
            Some(j) => {
                cursor = j + 1;
                j
            }
            None => match top_key.and_then(|k| find(0, &|n| n.indent == 0 && n.key() == k)) {
                Some(j) => j,
                // Nowhere to stand: kept for the next line, or the end of the file.
                None => {
                    pending.extend(line.comment);
                    continue;
                }
            },
        };
        above[j].append(&mut pending);
        match line.comment {
            Some(c) if beside[j].is_none() && !new_lines[j].opens_block => beside[j] = Some(c),
            Some(c) => above[j].push(c),
            None => {}
        }
    }
    above[new_lines.len()].append(&mut pending);
    let mut out = String::with_capacity(new.len() + old.len() / 4);
    for (j, line) in new_lines.iter().enumerate() {
        for c in &above[j] {
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(line.raw);
        if let Some(c) = beside[j] {
            out.push_str("  ");
            out.push_str(c.trim_start());
        }
        out.push('\n');
    }
    for c in &above[new_lines.len()] {
        out.push_str(c.trim_start());
        out.push('\n');
    }
    let same = |a: &str, b: &str| {
        matches!((from_yaml::<serde_yaml::Value>(a.as_bytes()), from_yaml::<serde_yaml::Value>(b.as_bytes())),
            (Ok(x), Ok(y)) if x == y)
    };
    if same(&out, new) {
        out
    } else {
        new.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::keep;

    #[test]
    fn comments_stay_beside_and_above_their_lines() {
        let old = "# a note for the office\nid: T-1\nstate: new   # waiting for the part\nassignee: marco # keys at the door\n\
                   problem: |\n  error #5 on the display\n  # not a comment: text\nnotes: []\n";
        let new = "id: T-1\nstate: in-progress\nassignee: marco\nproblem: |\n  error #5 on the display\n  # not a comment: text\n\
                   notes:\n- at: x\n  text: y\n";
        let kept = keep(old, new);
        assert_eq!(
            kept,
            "# a note for the office\nid: T-1\nstate: in-progress  # waiting for the part\nassignee: marco  # keys at the door\n\
             problem: |\n  error #5 on the display\n  # not a comment: text\nnotes:\n- at: x\n  text: y\n"
        );
    }

    #[test]
    fn a_comment_whose_key_is_gone_goes_above_the_next_line_and_quotes_hide_no_comment() {
        let old = "id: T-1\ndue: 2026-12-01 # promised\ntitle: 'a # b'\n";
        let new = "id: T-1\ntitle: 'a # b'\n";
        assert_eq!(keep(old, new), "id: T-1\n# promised\ntitle: 'a # b'\n");
        let last = "id: T-1\ntitle: x\ndue: 2026-12-01 # promised\n";
        assert_eq!(keep(last, "id: T-1\ntitle: x\n"), "id: T-1\ntitle: x\n# promised\n", "or at the end");
        assert_eq!(keep("id: T-1\n", new), new, "no comment, nothing to do");
    }
}
