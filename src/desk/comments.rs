//! Comments written by hand in a record file, kept when tkt writes the record again.
//!
//! A record is written from its fields, which hold no comments: without this, a note or a
//! transition would drop `# chiavi in portineria` from the file. Each comment of the old
//! text is put back beside the line it was on (a trailing one) or above the line it was
//! written above (a full-line one): that line where it is now, else the line of the same
//! key in the same place, else above the next line that stayed, or at the end. The result
//! must read as the same record as the new text, or the new text is written as it is.

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

/// A line's content and its comment: from a `#` at the start or after a blank, outside a
/// quoted scalar (a quote opens one only where a value begins: the `'` of `dell'impianto`
/// is a letter).
fn split_comment(raw: &str) -> (&str, Option<&str>) {
    let (mut quote, mut prev) = (None::<char>, ' ');
    for (i, c) in raw.char_indices() {
        match (quote, c) {
            (Some('"'), '"') if prev != '\\' => quote = None,
            (Some('\''), '\'') => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"')
                if raw[..i].trim_end().is_empty() || raw[..i].trim_end().ends_with([':', '-', ',', '[', '{', '?']) =>
            {
                quote = Some(c)
            }
            (None, '#') if prev.is_whitespace() || prev == '\u{feff}' || i == 0 => {
                return (raw[..i].trim_end(), Some(&raw[i..]));
            }
            _ => {}
        }
        prev = c;
    }
    (raw.trim_end(), None)
}

/// How far past where it is expected a changed line is looked for.
const LOOK_AHEAD: usize = 64;

/// For each line of `old`, the line of `new` it is: lines found once in each are matched in
/// the longest run that keeps their order; the lines between two such are matched in
/// order, the same text first, else the same key at the same indent.
fn align(old: &[Line], new: &[Line]) -> Vec<Option<usize>> {
    use std::collections::HashMap;
    // Each text of a side: how many lines have it, and where the (last) one is.
    fn count<'a>(lines: &[Line<'a>]) -> HashMap<&'a str, (usize, usize)> {
        let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
        for (at, l) in lines.iter().enumerate().filter(|(_, l)| l.is_content()) {
            let e = seen.entry(l.content.trim()).or_insert((0, at));
            *e = (e.0 + 1, at);
        }
        seen
    }
    let in_new = count(new);
    let mut pairs: Vec<(usize, usize)> = count(old)
        .into_iter()
        .filter_map(|(text, (n, i))| match in_new.get(text) {
            Some((1, j)) if n == 1 => Some((i, *j)),
            _ => None,
        })
        .collect();
    pairs.sort_unstable();
    let mut matched = vec![None; old.len()];
    let mut anchors = vec![(None, None)];
    anchors.extend(longest_increasing(&pairs).into_iter().map(|(i, j)| (Some(i), Some(j))));
    anchors.push((Some(old.len()), Some(new.len())));
    for w in anchors.windows(2) {
        let (i0, j0) = (w[0].0.map_or(0, |i| i + 1), w[0].1.map_or(0, |j| j + 1));
        let (i1, j1) = (w[1].0.unwrap_or(old.len()), w[1].1.unwrap_or(new.len()));
        if let (Some(i), Some(j)) = w[0] {
            matched[i] = Some(j);
        }
        let mut used = vec![false; j1.saturating_sub(j0)];
        let mut cursor = j0;
        for i in i0..i1 {
            let line = &old[i];
            if !line.is_content() {
                continue;
            }
            let mut find = |same: &dyn Fn(&Line) -> bool| {
                let found = (cursor..j1.min(cursor + LOOK_AHEAD))
                    .find(|&j| !used[j - j0] && new[j].is_content() && same(&new[j]))?;
                used[found - j0] = true;
                Some(found)
            };
            let found = find(&|n| n.content.trim() == line.content.trim())
                .or_else(|| find(&|n| n.indent == line.indent && n.key() == line.key()));
            if let Some(j) = found {
                matched[i] = Some(j);
                cursor = j + 1;
            }
        }
    }
    matched
}

/// The longest run of `pairs` (sorted by their first) whose seconds increase too.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // Patience sorting: `tails[k]` ends the best run of k + 1 pairs found so far.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; pairs.len()];
    for (p, &(_, j)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < j);
        before[p] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(p);
        } else {
            tails[k] = p;
        }
    }
    let mut run = Vec::new();
    let mut at = tails.last().copied();
    while let Some(p) = at {
        run.push(pairs[p]);
        at = before[p];
    }
    run.reverse();
    run
}

/// `new` with the comments of `old` put back; `new` itself when `old` has none, or when
/// the result would not read as the same record.
pub fn keep(old: &str, new: &str) -> String {
    if !old.contains('#') {
        return new.to_string();
    }
    let old_lines = lines(old.trim_start_matches('\u{feff}'));
    if !old_lines.iter().any(|l| !l.in_block && l.comment.is_some()) {
        return new.to_string();
    }
    let new_lines = lines(new);
    let matched = align(&old_lines, &new_lines);
    let mut above: Vec<Vec<&str>> = vec![Vec::new(); new_lines.len() + 1];
    let mut beside: Vec<Option<&str>> = vec![None; new_lines.len()];
    // Comments of lines that went wait for the next line that stayed.
    let mut pending: Vec<&str> = Vec::new();
    for (line, to) in old_lines.iter().zip(&matched) {
        if line.is_comment() {
            pending.extend(line.comment);
            continue;
        }
        if !line.is_content() {
            continue;
        }
        let Some(j) = *to else {
            pending.extend(line.comment);
            continue;
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
        // At the line's own indent: never inside a block of text above it.
        for c in &above[j] {
            out.push_str(&line.raw[..line.indent]);
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(line.raw);
        if let Some(c) = beside[j] {
            out.push_str("  ");
            out.push_str(c);
        }
        out.push('\n');
    }
    for c in &above[new_lines.len()] {
        out.push_str(c);
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

    /// Found by reviews: an apostrophe in a plain value hid the comment after it, a BOM
    /// hid the first line's, a key added by hand and moved to the end sent every later
    /// comment to the first list entry, and a comment after a note's block of text was
    /// written at an indent that made it text, so every comment was dropped.
    #[test]
    fn apostrophes_byte_order_marks_moved_keys_and_blocks_keep_every_comment_in_place() {
        let old = "\u{feff}# cliente storico\nid: C-1\ncity: Palazzolo sull'Oglio  # frazione\nname: x\n";
        let new = "id: C-1\ncity: Palazzolo sull'Oglio\nname: y\n";
        assert_eq!(keep(old, new), "# cliente storico\nid: C-1\ncity: Palazzolo sull'Oglio  # frazione\nname: y\n");

        let old = "id: I-1\narchived_in: faldone 3\nlines:\n- item: A\n  unit_price: '1.00'\n- item: B\n  unit_price: '2.00' # scontato\n";
        let new = "id: I-1\nlines:\n- item: A\n  unit_price: '1.00'\n- item: B\n  unit_price: '2.00'\narchived_in: faldone 3\neinvoice: x\n";
        let kept = keep(old, new);
        assert!(kept.contains("- item: B\n  unit_price: '2.00'  # scontato\n"), "{kept}");

        let old = "id: T-1\nnotes:\n  - at: 1\n    text: a\n    # richiamare dopo le 15\n  - at: 2\n    text: b\nassignee: null # citofono 12\n";
        let new = "id: T-1\nnotes:\n- at: 1\n  text: a\n- at: 2\n  text: b\n- at: 3\n  text: |-\n    uno\n    due\nassignee: null\n";
        let kept = keep(old, new);
        assert!(kept.contains("# richiamare dopo le 15\n- at: 2"), "{kept}");
        assert!(kept.contains("assignee: null  # citofono 12"), "{kept}");
    }

    #[test]
    fn a_long_record_whose_every_line_changed_is_kept_quickly() {
        let old: String = (0..20_000).map(|i| format!("- at: \"{i}\"\n  text: \"nota {i}\"\n")).collect();
        let old = format!("# una\nnotes:\n{old}");
        let new: String = (0..20_000).map(|i| format!("- at: '{i}'\n  text: nota {i}\n")).collect();
        let new = format!("notes:\n{new}");
        let start = std::time::Instant::now();
        assert!(keep(&old, &new).starts_with("# una\nnotes:"));
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }
}
