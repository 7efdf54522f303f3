//! Reading and writing one record file: size and encoding checks, YAML errors with line
//! and column, ids that must agree with their path, and atomic writes.

use std::path::Path;
use std::sync::LazyLock;

use crate::error::Location;
use crate::model::{from_yaml, Kind, Record, YamlError, MAX_NESTING};
use crate::{Error, Result};

/// Records larger than this are refused rather than parsed.
pub const MAX_RECORD_BYTES: u64 = 4 * 1024 * 1024;

/// Reads and parses one record; `shown` is the path used in messages (desk-relative).
pub fn read_record<T: Record>(abs: &Path, shown: &Path) -> Result<T> {
    read_record_json(abs, shown).map(|(record, _)| record)
}

/// [`read_record`], with the record as JSON when it has one (the cache keeps it).
pub fn read_record_json<T: Record>(abs: &Path, shown: &Path) -> Result<(T, Option<String>)> {
    let text = read_text(abs, shown)?;
    let (record, json) = parse_record_json::<T>(&text, shown)?;
    misplaced(&record, shown, abs.ancestors().nth(shown.components().count()))?;
    Ok((record, json))
}

/// Refuses a record whose path is not the one its kind and id give: its kind (another
/// folder, same name) or its id. `root`, the desk's folder, lets the hint say when the
/// record's own path is taken — the file is then a copy, never to be renamed over it.
pub fn misplaced<T: Record>(record: &T, shown: &Path, root: Option<&Path>) -> Result<()> {
    let expected = record.kind().path_for(record.id());
    // A ticket or a document where it was kept before year folders were split is read
    // (`tkt upgrade` moves it).
    let before_shards = record.kind().old_path_for(record.id());
    if expected.as_deref().ok() != Some(shown) && before_shards.as_deref() != Some(shown) {
        // Where its id belongs holds a record already: this file is a copy, and a rename
        // would write over that record (found by a careless-office attack).
        let taken = expected.as_ref().ok().zip(root).filter(|(p, root)| root.join(p).exists()).map(|(p, _)| p.clone());
        // Same name, another folder: the id is right, what it says it is is not (a
        // document's `kind`; found by a hostile-remote attack, named as a wrong id).
        if let (Ok(p), Kind::Document(d)) = (&expected, record.kind()) {
            if p.file_name() == shown.file_name() && !shown.starts_with(d.dir()) {
                let field = Location { field: Some("kind".into()), ..Location::file(shown) };
                let folder = shown.parent().unwrap_or(shown).display();
                return Err(Error::invalid(field, format!("kind {:?} disagrees with its folder, {folder}", d.noun()))
                    .with_hint(format!(
                        "fix its kind, or move it to {} if it is the folder that is wrong",
                        p.display()
                    )));
            }
        }
        let why = match expected {
            Ok(p) => format!("belongs in {}", p.display()),
            Err(e) => e.to_string(),
        };
        let field = Location { field: Some("id".into()), ..Location::file(shown) };
        let hint = match taken {
            Some(p) => format!(
                "{} is there already: if this file is a copy, move it out of the desk, never over that record",
                p.display()
            ),
            None => "rename the file or fix its id".into(),
        };
        return Err(
            Error::invalid(field, format!("id {:?} disagrees with its path ({why})", record.id())).with_hint(hint)
        );
    }
    Ok(())
}

/// Reads a record file as UTF-8 text, refusing oversize files and links (`abs` is `shown`
/// joined to the desk's root).
pub fn read_text(abs: &Path, shown: &Path) -> Result<String> {
    crate::files::refuse_links(abs, shown)?;
    let meta = std::fs::metadata(abs).map_err(|e| Error::io(shown, e))?;
    // A pipe would be waited on for ever; a folder or a device is no record either.
    if !meta.is_file() {
        return Err(Error::invalid(Location::file(shown), "is not a regular file: a record is a file of text"));
    }
    if meta.len() > MAX_RECORD_BYTES {
        return Err(too_large(shown, meta.len()));
    }
    decode_text(std::fs::read(abs).map_err(|e| Error::io(shown, e))?, shown)
}

/// The text of a record file's bytes: at most [`MAX_RECORD_BYTES`], UTF-8, without the
/// byte-order mark some editors write.
pub fn decode_text(bytes: Vec<u8>, shown: &Path) -> Result<String> {
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(too_large(shown, bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::invalid(
            Location::file(shown),
            format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

fn too_large(shown: &Path, len: u64) -> Error {
    Error::invalid(Location::file(shown), format!("{len} bytes is over the record size limit of {MAX_RECORD_BYTES}"))
}

/// Parses YAML text into a record; errors read `path:line:column: message`.
pub fn parse_record<T: Record>(text: &str, shown: &Path) -> Result<T> {
    parse_record_json(text, shown).map(|(record, _)| record)
}

/// [`parse_record`], with the record as JSON when it has one.
fn parse_record_json<T: Record>(text: &str, shown: &Path) -> Result<(T, Option<String>)> {
    refuse_conflict_markers(text, shown)?;
    let record: T = from_yaml(text.as_bytes()).map_err(|e| match e {
        YamlError::Yaml(e) => yaml_error(shown, &e, text),
        YamlError::TooDeep { line } => Error::invalid(
            Location::at(shown, line, None),
            format!("collections nested more than {MAX_NESTING} levels deep"),
        ),
    })?;
    // What tkt reads it must be able to write back. JSON takes nearly every record and is
    // quick; YAML is asked only about the rest (a list or a mapping used as a key, say).
    let json = serde_json::to_string(&record).ok();
    if json.is_none() {
        if let Err(e) = serde_yaml::to_string(&record) {
            return Err(Error::invalid(Location::file(shown), format!("tkt could not write this record back: {e}"))
                .with_hint("keys must be plain values (text or numbers), not lists or mappings"));
        }
    }
    Ok((record, json))
}

/// Refuses a record git left half-merged: a line that opens, divides or closes a
/// conflict (`<<<<<<< `, `=======`, `>>>>>>> `). YAML that tkt writes never starts a line
/// with these (text spanning lines is indented), so they are git's.
pub fn refuse_conflict_markers(text: &str, shown: &Path) -> Result<()> {
    let is_marker = |line: &str| {
        let line = line.trim_end_matches('\r');
        line == "======="
            || ["<<<<<<<", ">>>>>>>", "|||||||"].iter().any(|m| line == *m || line.starts_with(&format!("{m} ")))
    };
    let Some(line) = text.lines().position(is_marker) else { return Ok(()) };
    Err(Error::invalid(
        Location::at(shown, line + 1, None),
        "git conflict markers (<<<<<<<, =======, >>>>>>>): this record was left half-merged",
    )
    .with_hint(format!(
        "in the middle of a `git merge` or `git pull`, abort it (`git merge --abort`; `git rebase --abort` after a \
         `git pull --rebase`, found by a careless-office attack) and run tkt sync, which merges \
         records field by field and renumbers a record both sides created; else resolve the markers in {} by hand, \
         keeping what both sides wrote (taking one side whole with `git checkout --theirs` or `--ours` drops the \
         other's)",
        shown.display()
    )))
}

pub fn yaml_error(shown: &Path, e: &serde_yaml::Error, text: &str) -> Error {
    // The location is already in front; drop serde_yaml's own " at line X column Y".
    let msg = e.to_string();
    let msg = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    let at = match (e.location(), repeated_key_line(text, &msg)) {
        (_, Some(line)) => Location::at(shown, line, Some(1)),
        (Some(loc), None) => Location::at(shown, loc.line(), Some(loc.column())),
        (None, None) => Location::file(shown),
    };
    // What a person editing by hand did, in their words (found by a careless-office
    // attack: a tab from Notepad gave only "cannot start any token").
    let line = e.location().and_then(|loc| text.lines().nth(loc.line().saturating_sub(1)));
    let hint = if line.is_some_and(|l| l.trim_end().starts_with('\t') || l.contains(":\t")) {
        Some("a tab: YAML indents with spaces, never tabs")
    } else if msg.contains("expected a boolean") {
        Some("write true or false (yes and no are text in YAML 1.2)")
    } else {
        None
    };
    match hint {
        Some(hint) => Error::invalid(at, msg).with_hint(hint),
        None => Error::invalid(at, msg),
    }
}

/// The line of a record's field written twice (`duplicate field `title``), its second
/// time: serde_yaml places the error at the record's first line (found by a review). Only
/// a top-level field is looked for: a nested one is placed at its mapping, which is right.
fn repeated_key_line(text: &str, msg: &str) -> Option<usize> {
    let key = msg.strip_prefix("duplicate field `")?.strip_suffix('`')?;
    let mut seen = false;
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix(key) else { continue };
        if rest.starts_with(':') {
            if seen {
                return Some(n + 1);
            }
            seen = true;
        }
    }
    None
}

/// Serialises a record as the YAML stored on disk, refusing one the reader would refuse
/// (over [`MAX_RECORD_BYTES`]): whatever tkt writes, it can read.
pub fn to_yaml<T: Record>(record: &T) -> Result<String> {
    let text = record
        .to_mapping()
        .and_then(|value| yaml_text(&value))
        .map_err(|e| Error::failure(format!("cannot serialise {}: {e}", record.id())))?;
    if text.len() as u64 > MAX_RECORD_BYTES {
        return Err(Error::refused(format!(
            "{}: the record would be {} bytes, over the {MAX_RECORD_BYTES} bytes a record may hold; nothing was written",
            record.id(),
            text.len()
        ))
        .with_hint("keep long text in a file and refer to it, or shorten it"));
    }
    Ok(text)
}

/// A value as the YAML tkt writes (records, merges, `--format yaml`): YAML 1.2, with what
/// a YAML 1.1 reader (PyYAML, Ruby, Go's yaml.v2) takes for other than text — `no`, `on`,
/// `y`…, `=`, `8:30`, `1_000` — quoted, so that a customer named "No" or a note "on" is
/// text to every reader (serde_yaml writes them bare, as 1.2 allows).
pub fn yaml_text<T: serde::Serialize + ?Sized>(value: &T) -> std::result::Result<String, serde_yaml::Error> {
    serde_yaml::to_string(value).map(|text| quote_yaml11(&text))
}

/// YAML 1.1's booleans that are text in YAML 1.2 (its own, `true` and `false` in any
/// case, serde_yaml quotes when they are text: bare, they are booleans).
const YAML11_BOOLEANS: [&str; 16] =
    ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"];

/// A plain scalar YAML 1.2 reads as text and YAML 1.1 as something else: a boolean word,
/// `=` and `<<` (1.1's "value" and "merge" tags, which PyYAML cannot even load), a sexagesimal number (`8:30`
/// is 510) or a number with `_` between its digits (`1_000`). Dates are left: a date
/// field is meant to read as one.
fn yaml11_not_text(plain: &str) -> bool {
    static NUMBER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"^[-+]?([0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?|\.[0-9_]+)$")
            .unwrap()
    });
    YAML11_BOOLEANS.contains(&plain)
        || plain == "="
        || plain == "<<"
        || (NUMBER.is_match(plain) && (plain.contains(['_', ':'])))
}

/// serde_yaml's block YAML with each plain scalar, key or value, that YAML 1.1 reads as
/// other than text quoted; the lines of a block scalar (`|-`, more indented than the line
/// opening it) are text, left as they are.
fn quote_yaml11(text: &str) -> String {
    let quoted = |plain: &str| if yaml11_not_text(plain) { format!("'{plain}'") } else { plain.to_string() };
    let mut out = String::with_capacity(text.len());
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let indent = body.len() - body.trim_start().len();
        if let Some(opened) = block {
            if body.trim().is_empty() || indent > opened {
                out.push_str(line);
                continue;
            }
            block = None;
        }
        // The sequence dashes, then a key (plain, or quoted: left), then its value.
        let mut rest = body.trim_start();
        while let Some(r) = rest.strip_prefix("- ") {
            rest = r;
        }
        let lead = &body[..body.len() - rest.len()];
        let (key, value) = match rest.split_once(": ") {
            Some((key, value)) if !key.starts_with(['\'', '"']) => (Some(key), value),
            Some(_) => {
                out.push_str(line);
                continue;
            }
            None => match rest.strip_suffix(':').filter(|k| !k.starts_with(['\'', '"'])) {
                Some(key) => (Some(key), ""),
                None => (None, rest.strip_prefix('-').filter(|r| r.is_empty()).unwrap_or(rest)),
            },
        };
        if value.starts_with(['|', '>']) {
            block = Some(indent);
        }
        out.push_str(lead);
        match key {
            Some(key) if value.is_empty() && !rest.contains(": ") => out.push_str(&format!("{}:", quoted(key))),
            Some(key) => out.push_str(&format!("{}: {}", quoted(key), quoted(value))),
            None => out.push_str(&quoted(value)),
        }
        out.push_str(&line[body.len()..]);
    }
    out
}

#[cfg(test)]
mod yaml_tests {
    use super::yaml_text;

    /// Found by a review: a customer named "No", whose notes said "on", read as `false`
    /// and `true` to a script using PyYAML.
    #[test]
    fn words_yaml_1_1_reads_as_booleans_are_quoted_and_read_back_as_text() {
        let value: serde_yaml::Value = serde_yaml::from_str(
            "name: 'no'\nnotes: 'on'\nlist:\n- 'y'\n- ok\n- 'OFF'\ntext: |-\n  no\n  on\nafter: 'N'\nkey: yes and no\nclosed: true\nword: 'true'\ncustom:\n  'on': '='\n  merge: '<<'\n  access: '8:30'\n  n: '1_000'\n  date: 2026-11-27\n  count: 12\n",
        )
        .unwrap();
        let text = yaml_text(&value).unwrap();
        assert_eq!(
            text,
            "name: 'no'\nnotes: 'on'\nlist:\n- 'y'\n- ok\n- 'OFF'\ntext: |-\n  no\n  on\nafter: 'N'\nkey: yes and no\nclosed: true\nword: 'true'\ncustom:\n  'on': '='\n  merge: '<<'\n  access: '8:30'\n  'n': '1_000'\n  date: 2026-11-27\n  count: 12\n"
        );
        assert_eq!(serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap(), value);
    }
}
