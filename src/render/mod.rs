//! Output formats for read commands: tables that fit the terminal, JSON, YAML and CSV.
//!
//! JSON and YAML print the records as stored (keys are the YAML field names, stable for
//! scripts); CSV flattens nested objects to dotted columns (`address.city`,
//! `custom.contract`); tables show chosen columns.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufWriter, Write};

use serde::Serialize;
use serde_json::Value;
use tabled::builder::Builder;
use tabled::settings::object::Rows;
use tabled::settings::{Color, Padding, Style};

use crate::{Error, Result};

mod flat;

pub use flat::Cells;

/// Spaces between table columns.
const COLUMN_GAP: usize = 2;
/// The last column is not cut narrower than this before the others give way.
const MIN_FLEX_WIDTH: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Yaml,
    Csv,
}

/// Where and how to print: the terminal width to fit tables in, and whether to colour.
pub struct Output<W: Write> {
    pub out: W,
    /// Tables are cut to this width; `None` prints them whole (not a terminal).
    pub width: Option<usize>,
    pub color: bool,
    /// Headers of columns a narrow table may leave out (see [`Output::optional`]).
    pub optional: Vec<String>,
}

/// A table column: its header and how to get its text from a record.
pub type Column<'a, T> = (&'a str, &'a dyn Fn(&T) -> String);

impl<W: Write> Output<W> {
    /// Columns (by header) that a table too wide for the width leaves out, the rightmost
    /// first, before any column is cut: a narrow terminal shows fewer columns, whole.
    pub fn optional(mut self, headers: &[&str]) -> Self {
        self.optional = headers.iter().map(|h| h.to_uppercase()).collect();
        self
    }

    /// Prints records in the chosen format, using `columns` for the table; with no columns,
    /// the table has one per field of the records, in their order.
    pub fn records<T: Serialize + Sync>(&mut self, format: Format, records: &[T], columns: &[Column<T>]) -> Result<()> {
        match format {
            Format::Table if columns.is_empty() => {
                let objects: Vec<Value> = records.iter().map(|r| serde_json::to_value(r).unwrap_or_default()).collect();
                let keys: Vec<String> =
                    objects.first().and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default();
                let rows = objects.iter().map(|o| keys.iter().map(|k| text(&o[k])).collect::<Vec<_>>());
                self.table(keys.iter().map(|k| k.to_uppercase()), rows)
            }
            Format::Table => {
                let headers = columns.iter().map(|c| c.0.to_uppercase());
                let rows = records.iter().map(|r| columns.iter().map(|c| (c.1)(r)).collect::<Vec<_>>());
                self.table(headers, rows)
            }
            Format::Json => self.json_list(records),
            Format::Yaml => self.yaml(&records),
            Format::Csv => self.csv(records),
        }
    }

    /// A list as [`Output::json`] prints it, its records written on every core: each is
    /// printed alone and its lines indented one step (JSON's strings hold no line break).
    fn json_list<T: Serialize + Sync>(&mut self, records: &[T]) -> Result<()> {
        if records.is_empty() {
            return self.json(records);
        }
        let parts = crate::cores::on_cores(records, 256, |_, part| {
            let mut text = Vec::new();
            for record in part {
                let one = serde_json::to_vec_pretty(record).map_err(|e| json_error(&e))?;
                text.extend_from_slice(if text.is_empty() { b"  " } else { b",\n  " });
                for (i, line) in one.split(|&b| b == b'\n').enumerate() {
                    if i > 0 {
                        text.extend_from_slice(b"\n  ");
                    }
                    text.extend_from_slice(line);
                }
            }
            Ok::<_, Error>(text)
        });
        let mut out = BufWriter::new(&mut self.out);
        out.write_all(b"[\n")?;
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(&part?)?;
        }
        out.write_all(b"\n]\n")?;
        out.flush()?;
        Ok(())
    }

    /// Prints a table with a header row, fitted to the width when there is one (see
    /// [`fit_widths`]).
    pub fn table<I, R>(&mut self, headers: impl IntoIterator<Item = String>, rows: I) -> Result<()>
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator<Item = String>,
    {
        let mut records: Vec<Vec<String>> = vec![headers.into_iter().collect()];
        records.extend(
            rows.into_iter().map(|row| row.into_iter().map(|cell| visible(&one_line(&cell)).into_owned()).collect()),
        );
        if records.len() <= 1 {
            return Ok(());
        }
        if let Some(width) = self.width {
            for c in dropped_columns(&records, &self.optional, width) {
                for row in &mut records {
                    if c < row.len() {
                        row.remove(c);
                    }
                }
            }
        }
        if let Some(width) = self.width {
            let natural: Vec<usize> = (0..records[0].len())
                .map(|c| records.iter().map(|r| r.get(c).map_or(0, |s| columns_of(s))).max().unwrap_or(0))
                .collect();
            let header: Vec<usize> = records[0].iter().map(|h| columns_of(h)).collect();
            let (prose, ids) = prose_columns(&records);
            let least: Vec<usize> = header.iter().zip(&ids).map(|(&h, &i)| h.max(i)).collect();
            let fitted = fit_widths(&natural, &least, &prose, width.saturating_sub(COLUMN_GAP * natural.len()));
            for (c, (&w, &n)) in fitted.iter().zip(&natural).enumerate() {
                if w < n {
                    for cell in records.iter_mut().filter_map(|r| r.get_mut(c)) {
                        *cell = cut(cell, w);
                    }
                }
            }
        }
        let mut table = Builder::from(records).build();
        table.with(Style::empty()).with(Padding::new(0, COLUMN_GAP, 0, 0));
        if self.color {
            table.modify(Rows::first(), Color::BOLD);
        }
        // Standard output writes each line as it ends: 10,000 rows would be 10,000 writes.
        let mut out = BufWriter::new(&mut self.out);
        for line in table.to_string().lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
        out.flush()?;
        Ok(())
    }

    /// One line per item, as its text shows it.
    pub fn lines<I: std::fmt::Display>(&mut self, items: impl IntoIterator<Item = I>) -> Result<()> {
        let mut out = BufWriter::new(&mut self.out);
        for item in items {
            writeln!(out, "{item}")?;
        }
        out.flush()?;
        Ok(())
    }

    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        // Pretty JSON is a line per field: unbuffered, 10,000 tickets were 355,000 writes.
        let mut out = BufWriter::new(&mut self.out);
        serde_json::to_writer_pretty(&mut out, value).map_err(|e| json_error(&e))?;
        writeln!(out)?;
        out.flush()?;
        Ok(())
    }

    pub fn yaml<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let text = crate::desk::yaml_text(value).map_err(|e| Error::failure(format!("cannot write YAML: {e}")))?;
        self.out.write_all(text.as_bytes())?;
        Ok(())
    }

    /// CSV with one column per scalar field (nested objects as dotted names); list fields
    /// such as notes are left out. Cells a spreadsheet would run as a formula, headers
    /// included, are neutralised with a leading apostrophe.
    pub fn csv<T: Serialize + Sync>(&mut self, records: &[T]) -> Result<()> {
        let parts = crate::cores::on_cores(records, 256, |_, part| {
            let mut cells = flat::Cells::default();
            part.iter().for_each(|r| cells.add(r));
            cells
        });
        self.csv_cells(&parts)
    }

    /// [`Output::csv`] of records' cells made already (each [`flat::Cells`] holds one
    /// record's, or many), in their order.
    pub fn csv_cells(&mut self, parts: &[flat::Cells]) -> Result<()> {
        let rows = || parts.iter().flat_map(flat::Cells::rows);
        // Columns in the order their names first appear.
        let mut headers: Vec<&str> = Vec::new();
        let mut column: HashMap<&str, usize> = HashMap::new();
        // Records of one type mostly give their names in the same places: the name found
        // there is the column, without hashing it.
        let at = |headers: &[&str], column: &HashMap<&str, usize>, j: usize, k: &str| {
            if headers.get(j) == Some(&k) {
                Some(j)
            } else {
                column.get(k).copied()
            }
        };
        for row in rows() {
            for (j, (k, _)) in row.enumerate() {
                if at(&headers, &column, j, k).is_none() {
                    column.insert(k, headers.len());
                    headers.push(k);
                }
            }
        }
        // No record, no column to name: nothing at all, not a row of one empty cell.
        if headers.is_empty() {
            return Ok(());
        }
        let mut w = csv::Writer::from_writer(&mut self.out);
        let csv_err = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::from(io),
            other => Error::failure(format!("cannot write CSV: {other:?}")),
        };
        // Headers come from field names, and a hand-added key is a stranger's text too.
        w.write_record(headers.iter().map(|h| safe_cell(h).into_owned())).map_err(csv_err)?;
        let mut cells = vec![Cow::Borrowed(""); headers.len()];
        for row in rows() {
            cells.iter_mut().for_each(|c| *c = Cow::Borrowed(""));
            // The first value of a name, as a search from the start would find.
            for (j, (k, v)) in row.enumerate().rev() {
                cells[at(&headers, &column, j, k).expect("every name has a column")] = safe_cell(v);
            }
            w.write_record(cells.iter().map(|c| c.as_bytes())).map_err(csv_err)?;
        }
        w.flush()?;
        Ok(())
    }

    /// [`Output::csv`] of rows whose columns are known (a report's): with no row, the
    /// header alone, so that a script reads an empty table, not nothing.
    pub fn csv_of<T: Serialize + Sync>(&mut self, columns: &[String], records: &[T]) -> Result<()> {
        if !records.is_empty() {
            return self.csv(records);
        }
        let mut w = csv::Writer::from_writer(&mut self.out);
        w.write_record(columns.iter().map(|c| safe_cell(c).into_owned())).map_err(|e| Error::failure(e.to_string()))?;
        w.flush()?;
        Ok(())
    }

    /// Prints one record: a card of `key  value` lines for people, the record itself (an
    /// object, not a list) for scripts.
    pub fn record<T: Serialize + Sync>(&mut self, format: Format, record: &T) -> Result<()> {
        match format {
            Format::Table => {
                let mut fields = Vec::new();
                flatten("", &serde_json::to_value(record).unwrap_or(Value::Null), &mut fields);
                self.card(&fields)
            }
            Format::Json => self.json(record),
            Format::Yaml => self.yaml(record),
            Format::Csv => self.csv(std::slice::from_ref(record)),
        }
    }

    /// Prints `key  value` lines, aligned, for one record in table format.
    pub fn card(&mut self, fields: &[(String, String)]) -> Result<()> {
        let width = fields.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
        for (k, v) in fields {
            let key = format!("{:width$}", visible(k));
            let key = if self.color { format!("\x1b[1m{key}\x1b[0m") } else { key };
            writeln!(self.out, "{key}  {}", visible(v))?;
        }
        Ok(())
    }
}

/// A JSON error as tkt reports it: a closed pipe is the reader's choice, not a failure.
fn json_error(e: &serde_json::Error) -> Error {
    if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
        Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    } else {
        Error::failure(format!("cannot write JSON: {e}"))
    }
}

/// Column widths whose sum fits `room`. The first column (the id) is kept whole; the last
/// (a title, a description) gives way first, down to a few characters; then the widest
/// of the others, never narrower than `least` (their header, and the widest id among
/// their words); then the last again. A column with words (`prose`) gives way: an
/// amount, a date or an id cut would read as another (`11…` for 112.28), so a table of
/// those is printed wider than the terminal instead.
pub fn fit_widths(natural: &[usize], least: &[usize], prose: &[bool], room: usize) -> Vec<usize> {
    let mut w = natural.to_vec();
    let n = w.len();
    if n < 2 {
        return w;
    }
    let over = |w: &[usize]| w.iter().sum::<usize>().saturating_sub(room);
    let last = n - 1;
    let flex_floor = if prose[last] { MIN_FLEX_WIDTH.max(least[last]).min(natural[last]) } else { natural[last] };
    w[last] -= over(&w).min(w[last] - flex_floor);
    while over(&w) > 0 {
        let widest = (1..last).filter(|&c| prose[c] && w[c] > least[c].max(3)).max_by_key(|&c| (w[c], c));
        match widest {
            Some(c) => w[c] -= 1,
            None => break,
        }
    }
    let floor = if prose[last] { least[last].max(3).min(w[last]) } else { w[last] };
    w[last] -= over(&w).min(w[last] - floor);
    w
}

/// Whether a column may be cut: any but one of amounts, dates, record ids, item codes
/// and state ids alone (`112.28`, `2026-03-20`, `T-2026-0001`, `SPLIT-9K`,
/// `attesa-ricambi`), which cut would read as others; and the widest of those in each
/// column, which is not cut either when words beside it are (a customer id among e-mail
/// addresses).
fn prose_columns(records: &[Vec<String>]) -> (Vec<bool>, Vec<usize>) {
    static ATOM: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let atom = ATOM.get_or_init(|| {
        regex::Regex::new(r"^(?:[-+]?[0-9][0-9.,:/ -]*(?: ?€)?|[A-Z0-9][A-Z0-9._-]*|[a-z0-9_-]+)$")
            .expect("a valid pattern")
    });
    (0..records[0].len())
        .map(|c| {
            let cells = records[1..].iter().filter_map(|r| r.get(c)).map(|s| s.trim()).filter(|s| !s.is_empty());
            cells.fold((false, 0), |(prose, widest), s| match atom.is_match(s) {
                true => (prose, widest.max(columns_of(s))),
                false => (true, widest),
            })
        })
        .unzip()
}

/// The optional columns to leave out, right to left, until the table fits `width` with
/// every other column whole and the last at its floor; highest index first.
fn dropped_columns(records: &[Vec<String>], optional: &[String], width: usize) -> Vec<usize> {
    let n = records[0].len();
    let natural: Vec<usize> =
        (0..n).map(|c| records.iter().map(|r| r.get(c).map_or(0, |s| columns_of(s))).max().unwrap_or(0)).collect();
    let need = |kept: &[usize]| -> usize {
        kept.iter().map(|&c| if c + 1 == n { natural[c].min(MIN_FLEX_WIDTH) } else { natural[c] } + COLUMN_GAP).sum()
    };
    let mut kept: Vec<usize> = (0..n).collect();
    let mut dropped = Vec::new();
    for c in (1..n).rev().filter(|&c| optional.contains(&records[0][c])) {
        if need(&kept) <= width {
            break;
        }
        kept.retain(|&k| k != c);
        dropped.push(c);
    }
    dropped
}

/// Flattens a JSON value into `(key, text)` pairs for a card, nested objects as dotted
/// keys (`address.city`). Lists of scalars are joined; each element of a list of objects
/// gets its own line.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_object()) => {
            out.push((prefix.to_string(), items.iter().map(text).collect::<Vec<_>>().join(", ")));
        }
        Value::Array(items) => {
            for item in items {
                out.push((prefix.to_string(), one_line(&object_line(item))));
            }
        }
        other => out.push((prefix.to_string(), text(other))),
    }
}

/// The non-empty values of an object on one line, or the text of a scalar.
pub fn object_line(value: &Value) -> String {
    match value {
        Value::Object(m) => m.values().map(text).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("  "),
        other => text(other),
    }
}

/// Text of a scalar JSON value for a table or card.
pub fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CSV cell that a spreadsheet cannot run: plain numbers stay numbers.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    // A lone `-` (no one, nothing) is no formula.
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell != "-";
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Text made safe for a terminal or a commit message: control characters other than line
/// feed and tab are shown as their Unicode pictures (ESC as `␛`, CR as `␍`, NUL as `␀`,
/// DEL as `␡`) and C1 controls as `\u{9b}`, so no escape sequence a stranger sent can
/// reach the terminal. The stored text is left as received; this is the one helper every
/// place that shows it uses.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    // Control characters, and the marks that turn text around (U+202A-202E, U+2066-2069):
    // a name could otherwise show its letters in another order than they are.
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !hidden(c) => out.push(c),
            '\u{7f}' => out.push('\u{2421}'),
            c if (c as u32) < 0x20 => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The columns `text` takes on a terminal: two for a wide character (CJK, emoji), none
/// for a combining one, as tabled pads cells.
fn columns_of(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `cell` cut to at most `width` columns, ending in `…`; a wide character that does not
/// fit whole is left out with what follows, never split.
fn cut(cell: &str, width: usize) -> String {
    if columns_of(cell) <= width {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Table cells stay on one line.
fn one_line(cell: &str) -> String {
    if cell.contains(['\n', '\r', '\t']) {
        cell.split(['\n', '\r', '\t']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
    } else {
        cell.to_string()
    }
}

/// A value in one short line (a change in `ticket log`): scalars as text, list items by their text or values.
pub fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::Null => "(empty)".to_string(),
        // A note shows its text; a history entry its step and note.
        serde_json::Value::Object(m) if m.contains_key("text") => text(&m["text"]),
        serde_json::Value::Object(m) if m.contains_key("to") => {
            let step = match m.get("from").map(text).filter(|f| !f.is_empty()) {
                Some(from) => format!("{from} -> {}", text(&m["to"])),
                None => format!("opened in {}", text(&m["to"])),
            };
            match m.get("note").map(text).filter(|n| !n.is_empty()) {
                Some(note) => format!("{step}: {note}"),
                None => step,
            }
        }
        other => object_line(other),
    };
    let s = s.replace('\n', " ");
    if s.chars().count() > 72 {
        format!("{}…", s.chars().take(71).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(visible("\x1b]0;x\x07\x1b[31mrosso\r\x7f\u{9b}2J"), "␛]0;x␇␛[31mrosso␍␡\\u{9b}2J");
        assert_eq!(visible("riga\n\tdue"), "riga\n\tdue");
        // A name that turns its text around shows the mark (found by a scripting review).
        assert_eq!(visible("Rossi \u{202e}ftp.exe"), "Rossi \\u{202e}ftp.exe");
    }

    #[test]
    fn formula_cells_are_neutralised_but_numbers_are_not() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("-12.50"), "-12.50");
        assert_eq!(safe_cell("-"), "-", "the report aging's tickets with no assignee");
        assert_eq!(safe_cell("-1+2"), "'-1+2");
        assert_eq!(safe_cell("plain"), "plain");
    }

    #[test]
    fn the_title_gives_way_first_and_the_id_never() {
        // id, state, customer, title
        let natural = [11, 14, 29, 47];
        let header = [2, 5, 8, 5];
        let prose = [false, true, true, true];
        assert_eq!(fit_widths(&natural, &header, &prose, 200), natural);
        assert_eq!(fit_widths(&natural, &header, &prose, 80), [11, 14, 29, 26]);
        assert_eq!(fit_widths(&natural, &header, &prose, 60), [11, 14, 23, 12]);
        assert_eq!(fit_widths(&natural, &header, &prose, 10), [11, 5, 8, 5]);
        // Amounts and states are never cut (found by a technician's review: "11…" for
        // 112.28); the table is wider than asked instead.
        let prose = [false, false, true, false];
        assert_eq!(fit_widths(&natural, &header, &prose, 10), [11, 14, 8, 47]);
    }

    /// Written on every core, a list reads as serde_json writes it whole.
    #[test]
    fn a_json_list_is_the_one_serde_json_writes() {
        let record = |i: usize| serde_json::json!({"id": format!("T-{i}"), "n": i, "notes": [{"text": "a\nb", "at": []}], "empty": {}, "x": null});
        for n in [0, 1, 2, 700] {
            let records: Vec<Value> = (0..n).map(|i| if i % 7 == 3 { Value::from(i) } else { record(i) }).collect();
            let mut o = Output { out: Vec::new(), width: None, color: false, optional: vec![] };
            o.records(Format::Json, &records, &[]).unwrap();
            assert_eq!(
                String::from_utf8(o.out).unwrap(),
                serde_json::to_string_pretty(&records).unwrap() + "\n",
                "{n} records"
            );
        }
    }

    #[test]
    fn tables_fit_the_width() {
        let mut o = Output { out: Vec::new(), width: Some(30), color: false, optional: vec![] };
        let rows = vec![vec!["T-2026-0001".to_string(), "a very long title that does not fit anywhere".to_string()]];
        o.table(["ID".to_string(), "TITLE".to_string()], rows).unwrap();
        let text = String::from_utf8(o.out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert!(text.contains("T-2026-0001"));
    }
}
