//! A record's scalar fields as CSV cells, straight from its `Serialize` or from the JSON
//! it was written as: nested objects as dotted keys (`address.city`), lists left out. The
//! cells are the ones the record's JSON value would give (`serde_json::to_value`), without
//! building that value (a list of 10,000 tickets built, then threw away, every ticket's
//! history and notes) — nor, from JSON, the record.

use std::fmt::Display;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize};
use serde_json::Value;

/// A cell's dotted key: a struct's own field names are the program's, other names are
/// written into the cells' text (a list of 10,000 tickets has 170,000 cells: no key is a
/// string of its own).
#[derive(Debug, Clone, Copy)]
enum Key {
    Program(&'static str),
    /// `text[start..end]`.
    Held(u32, u32),
}

/// The key of the record itself.
const TOP: Key = Key::Program("");

/// One cell: its key, and its text, `text[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Cell {
    key: Key,
    start: u32,
    end: u32,
}

/// The cells of many records, their text and the keys that are not the program's in one
/// buffer: a list of 10,000 tickets made, then freed, 170,000 strings.
#[derive(Default, Clone)]
pub struct Cells {
    cells: Vec<Cell>,
    text: String,
    /// The n-th record's cells end before cell `rows[n]`.
    rows: Vec<usize>,
}

impl Cells {
    /// Adds `(key, text)` for each scalar field of `record`, in the order of its fields; a
    /// record that JSON cannot hold (a map key that is not a scalar) gives one empty cell,
    /// as its `null` value would.
    pub fn add<T: Serialize + ?Sized>(&mut self, record: &T) {
        let mark = self.mark();
        if record.serialize(Fields { key: TOP, out: self }).is_err() {
            self.back_to(mark);
            let at = self.at();
            self.cells.push(Cell { key: TOP, start: at, end: at });
        }
        self.rows.push(self.cells.len());
    }

    /// Adds the cells of the record `json` holds as `serde_json` writes it: those
    /// [`Cells::add`] of the record gives (its JSON value's), read from the text, nothing
    /// decoded — for a record without an `f32` or a number past 64 bits, which JSON writes
    /// otherwise than its value holds them. `false`, and nothing added, when it is not one
    /// JSON value.
    pub fn add_json(&mut self, json: &[u8]) -> bool {
        let mark = self.mark();
        let mut read = serde_json::Deserializer::from_slice(json);
        if (FromJson { key: TOP, out: self }).deserialize(&mut read).and_then(|()| read.end()).is_err() {
            self.back_to(mark);
            return false;
        }
        self.rows.push(self.cells.len());
        true
    }

    /// The cells of the one record `json` holds ([`Cells::add_json`]), each of their
    /// buffers made at its size: thousands of records read one by one, each grew its own
    /// step by step (a sixth of a list of 10,000 tickets).
    pub fn of_json(json: &[u8]) -> Option<Cells> {
        thread_local! {
            static READ: std::cell::RefCell<Cells> = std::cell::RefCell::default();
        }
        READ.with_borrow_mut(|read| {
            read.back_to((0, 0));
            read.rows.clear();
            read.add_json(json).then(|| read.clone())
        })
    }

    fn mark(&self) -> (usize, usize) {
        (self.cells.len(), self.text.len())
    }

    /// Takes back the cells added since `mark`.
    fn back_to(&mut self, (cells, text): (usize, usize)) {
        self.cells.truncate(cells);
        self.text.truncate(text);
    }

    /// Where the text ends (a list's cells are far fewer than 4 GB).
    fn at(&self) -> u32 {
        self.text.len() as u32
    }

    /// Each record's cells, `(key, text)`, in the order they were added.
    pub fn rows(&self) -> impl Iterator<Item = impl DoubleEndedIterator<Item = (&str, &str)> + ExactSizeIterator> {
        let starts = std::iter::once(0).chain(self.rows.iter().copied());
        starts.zip(&self.rows).map(move |(from, &to)| self.cells[from..to].iter().map(|c| self.cell_of(c)))
    }

    /// The text of the first record's cell `key`.
    pub fn field(&self, key: &str) -> Option<&str> {
        let first = &self.cells[..self.rows.first().copied().unwrap_or(0)];
        first.iter().map(|c| self.cell_of(c)).find(|(k, _)| *k == key).map(|(_, text)| text)
    }

    fn cell_of(&self, cell: &Cell) -> (&str, &str) {
        (self.key(cell.key), &self.text[cell.start as usize..cell.end as usize])
    }

    fn key(&self, key: Key) -> &str {
        match key {
            Key::Program(name) => name,
            Key::Held(start, end) => &self.text[start as usize..end as usize],
        }
    }

    /// The key of a field `name` inside the object at `key`: at the top, or under an empty
    /// key, the name itself.
    fn child(&mut self, key: Key, name: &str) -> Key {
        let start = self.at();
        match key {
            Key::Program(at) if !at.is_empty() => self.text.push_str(at),
            Key::Held(from, to) if from < to => self.text.extend_from_within(from as usize..to as usize),
            _ => {}
        }
        if self.at() > start {
            self.text.push('.');
        }
        self.text.push_str(name);
        Key::Held(start, self.at())
    }

    /// [`Cells::child`] of a name the program holds: at the top, the name itself.
    fn static_child(&mut self, key: Key, name: &'static str) -> Key {
        match key {
            Key::Program("") => Key::Program(name),
            _ => self.child(key, name),
        }
    }

    fn cell(&mut self, key: Key, text: impl Display) -> Result<(), std::fmt::Error> {
        use std::fmt::Write;
        let start = self.at();
        write!(self.text, "{text}")?;
        self.cells.push(Cell { key, start, end: self.at() });
        Ok(())
    }
}

#[derive(Debug)]
struct NotJson(String);

impl Display for NotJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotJson {}

impl ser::Error for NotJson {
    fn custom<T: Display>(msg: T) -> Self {
        NotJson(msg.to_string())
    }
}

type Done = Result<(), NotJson>;

/// Serializes one value found at `key`.
struct Fields<'o> {
    key: Key,
    out: &'o mut Cells,
}

impl<'o> Fields<'o> {
    fn cell(self, text: impl Display) -> Done {
        // A value whose `Display` fails makes no cell of half its text (the record's cells
        // are taken back).
        self.out.cell(self.key, text).map_err(|_| NotJson("a value that does not format".into()))
    }

    /// A number as JSON writes it (a float that JSON cannot hold is `null`).
    fn number(self, value: impl Serialize) -> Done {
        match serde_json::to_value(value).map_err(|e| NotJson(e.to_string()))? {
            Value::Number(n) => self.cell(n.to_string()),
            _ => self.cell(""),
        }
    }

    fn object(self) -> Object<'o> {
        Object { at: self, next: None }
    }
}

/// An object's fields, each under the object's key.
struct Object<'o> {
    at: Fields<'o>,
    /// The map key waiting for its value.
    next: Option<String>,
}

impl Object<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Done {
        value.serialize(Fields { key, out: self.at.out })
    }
}

impl<'o> ser::Serializer for Fields<'o> {
    type Ok = ();
    type Error = NotJson;
    type SerializeSeq = Skipped;
    type SerializeTuple = Skipped;
    type SerializeTupleStruct = Skipped;
    type SerializeTupleVariant = Skipped;
    type SerializeMap = Object<'o>;
    type SerializeStruct = Object<'o>;
    type SerializeStructVariant = Object<'o>;

    fn serialize_bool(self, v: bool) -> Done {
        self.cell(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.cell(v)
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.cell(v)
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.cell(v)
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.cell(v)
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.number(v)
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.cell(v)
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.cell(v)
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.cell(v)
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.cell(v)
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.number(v)
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.number(v)
    }
    fn serialize_char(self, v: char) -> Done {
        self.cell(v)
    }
    fn serialize_str(self, v: &str) -> Done {
        self.cell(v)
    }
    /// Text made by `Display` (an instant, a decimal) goes straight into the cell.
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Done {
        self.cell(value)
    }
    /// JSON writes bytes as a list of numbers: left out.
    fn serialize_bytes(self, _: &[u8]) -> Done {
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.cell("")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.cell("")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        self.cell("")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.cell(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    /// `{variant: value}`.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        let key = self.out.static_child(self.key, variant);
        value.serialize(Fields { key, out: self.out })
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Skipped, NotJson> {
        Ok(Skipped)
    }
    fn serialize_tuple(self, _: usize) -> Result<Skipped, NotJson> {
        Ok(Skipped)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Skipped, NotJson> {
        Ok(Skipped)
    }
    /// `{variant: [..]}`: a list, left out.
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Skipped, NotJson> {
        Ok(Skipped)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotJson> {
        Ok(self.object())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotJson> {
        Ok(self.object())
    }
    /// `{variant: {..}}`.
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotJson> {
        let key = self.out.static_child(self.key, variant);
        Ok(Fields { key, out: self.out }.object())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = NotJson;

    /// A key as JSON writes it: a string, or a number or boolean as text.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.next = Some(match serde_json::to_value(key).map_err(|e| NotJson(e.to_string()))? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(NotJson("a key must be a string".into())),
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        let name = self.next.take().ok_or_else(|| NotJson("a value without a key".into()))?;
        let key = self.at.out.child(self.at.key, &name);
        self.field(key, value)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

/// Struct fields are an object's fields.
macro_rules! fields {
    ($($kind:ident),*) => {$(
        impl ser::$kind for Object<'_> {
            type Ok = ();
            type Error = NotJson;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Done {
                let key = self.at.out.static_child(self.at.key, name);
                self.field(key, value)
            }
            fn end(self) -> Done {
                Ok(())
            }
        }
    )*};
}
fields!(SerializeStruct, SerializeStructVariant);

/// Reads one JSON value found at `key` into cells, as [`Fields`] writes the value it came
/// from: scalars as JSON writes them, objects by their fields, lists left out.
struct FromJson<'o> {
    key: Key,
    out: &'o mut Cells,
}

impl<'de> DeserializeSeed<'de> for FromJson<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl FromJson<'_> {
    fn cell<E: de::Error>(self, text: impl Display) -> Result<(), E> {
        self.out.cell(self.key, text).map_err(|_| E::custom("a value that does not format"))
    }
}

impl<'de> Visitor<'de> for FromJson<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.cell(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.cell(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.cell(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        match serde_json::Number::from_f64(v) {
            Some(n) => self.cell(n),
            None => self.cell(""),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.cell(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cell("")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let FromJson { key, out } = self;
        while let Some(name) = map.next_key::<Name>()? {
            let key = out.child(key, &name.0);
            map.next_value_seed(FromJson { key, out: &mut *out })?;
        }
        Ok(())
    }
}

/// A key of a JSON object, borrowed from the text when it has no escapes.
struct Name<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(v.to_string().into()))
            }
        }
        d.deserialize_str(Text)
    }
}

/// A list: CSV leaves it out, whatever it holds.
struct Skipped;

macro_rules! skipped {
    ($($kind:ident :: $add:ident),*) => {$(
        impl ser::$kind for Skipped {
            type Ok = ();
            type Error = NotJson;
            fn $add<T: Serialize + ?Sized>(&mut self, _: &T) -> Done {
                Ok(())
            }
            fn end(self) -> Done {
                Ok(())
            }
        }
    )*};
}
skipped!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::{json, Value};

    use super::Cells;
    use crate::render::text;

    /// What CSV made of a record before: its JSON value, walked.
    fn through_json<T: Serialize>(record: &T) -> Vec<(String, String)> {
        fn walk(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        walk(&if key.is_empty() { k.clone() } else { format!("{key}.{k}") }, v, out);
                    }
                }
                Value::Array(_) => {}
                other => out.push((key.to_string(), text(other))),
            }
        }
        let mut out = Vec::new();
        walk("", &serde_json::to_value(record).unwrap_or(Value::Null), &mut out);
        out
    }

    fn same<T: Serialize>(record: &T) {
        let mut cells = Cells::default();
        cells.add(record);
        assert_eq!(fields(&cells), through_json(record), "{}", serde_json::to_string(record).unwrap_or_default());
    }

    /// [`same`], and the cells read from the JSON serde_json writes of it are those too.
    fn same_from_json<T: Serialize>(record: &T) {
        same(record);
        let mut cells = Cells::default();
        cells.add(record);
        let json = serde_json::to_vec(record).unwrap();
        let mut read = Cells::default();
        assert!(read.add_json(&json));
        assert_eq!(fields(&read), fields(&cells), "{}", String::from_utf8_lossy(&json));
    }

    fn fields(cells: &Cells) -> Vec<(String, String)> {
        cells.rows().flat_map(|row| row.map(|(k, v)| (k.to_string(), v.to_string()))).collect()
    }

    #[derive(Serialize)]
    enum Shape {
        Plain,
        Wrapped(u8),
        Pair(u8, u8),
        Named { a: Option<String>, b: f64 },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Id(String);

    #[derive(Serialize)]
    struct Record {
        id: Id,
        #[serde(skip_serializing_if = "Option::is_none")]
        missing: Option<String>,
        empty: Option<String>,
        money: rust_decimal::Decimal,
        at: chrono::DateTime<chrono::FixedOffset>,
        day: chrono::NaiveDate,
        shapes: Vec<Shape>,
        plain: Shape,
        wrapped: Shape,
        pair: Shape,
        named: Shape,
        nothing: (),
        unit: Unit,
        letter: char,
        small: f32,
        nan: f64,
        huge: i128,
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
        nested: BTreeMap<String, BTreeMap<String, i64>>,
        #[serde(flatten)]
        extra: BTreeMap<String, Value>,
    }

    mod serde_bytes_like {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    fn record() -> Record {
        Record {
            id: Id("T-2026-0001".into()),
            missing: None,
            empty: None,
            money: "1234.50".parse().unwrap(),
            at: chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00+01:00").unwrap(),
            day: chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            shapes: vec![Shape::Plain, Shape::Wrapped(1)],
            plain: Shape::Plain,
            wrapped: Shape::Wrapped(7),
            pair: Shape::Pair(1, 2),
            named: Shape::Named { a: Some("x".into()), b: 0.1 },
            nothing: (),
            unit: Unit,
            letter: 'è',
            small: 1.1,
            nan: f64::NAN,
            huge: -5,
            bytes: vec![1, 2],
            nested: BTreeMap::from([("a".into(), BTreeMap::from([("b".into(), -3)])), ("e".into(), BTreeMap::new())]),
            extra: BTreeMap::from([
                ("contract".into(), json!("GOLD-1")),
                ("deep".into(), json!({"x": {"y": [1, 2], "z": null}, "w": 1e300})),
                ("list".into(), json!([{"a": 1}])),
            ]),
        }
    }

    #[test]
    fn the_cells_are_those_of_the_records_json() {
        same(&record());
        same(&Record { huge: i128::MAX, ..record() });
        // JSON writes an `f32` as the shortest text that reads back as that `f32` (1.1), its
        // value holds it as the `f64` it is (1.100000023841858); and a number past 64 bits
        // reads back as a float. Records read from JSON have neither.
        same_from_json(&Record { small: 0.5, ..record() });
        same_from_json(&json!("a scalar at the top"));
        same_from_json(
            &json!({"": {"": 1}, "a.b": 2, "a": {"b": 3}, "t": true, "f": -0.0, "u": 18446744073709551615u64}),
        );
        same_from_json(&json!({"e": "\"é\" \\ \u{1}\n", "deep": [{"a": [1]}], "n": -12, "x": 1e-7}));
        same_from_json(&BTreeMap::from([(1, "number key"), (2, "two")]));
        same_from_json(&BTreeMap::from([(true, "bool key")]));
        same(&BTreeMap::from([((1, 2), "a list as a key")]));
    }

    /// Records added one after another keep their own cells, also after one that JSON
    /// cannot hold (its cells made so far are taken back: it gives one empty cell).
    #[test]
    fn each_record_of_many_has_its_own_cells() {
        let broken = BTreeMap::from([((1, 2), "a list as a key")]);
        let mut cells = Cells::default();
        cells.add(&record());
        cells.add(&json!({"a": "first", "b": {"c": 2}}));
        cells.add(&BTreeMap::from([(String::from("z"), BTreeMap::from([((1, 2), "x")]))]));
        cells.add(&broken);
        cells.add(&json!("last"));
        let rows: Vec<Vec<(String, String)>> =
            cells.rows().map(|row| row.map(|(k, v)| (k.to_string(), v.to_string())).collect()).collect();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0], through_json(&record()));
        assert_eq!(rows[1], [("a".to_string(), "first".to_string()), ("b.c".into(), "2".into())]);
        assert_eq!(rows[2], [(String::new(), String::new())], "a key that is a list, one level down");
        assert_eq!(rows[3], [(String::new(), String::new())]);
        assert_eq!(rows[4], [(String::new(), "last".to_string())]);
    }

    /// Every record of the example desk, and hand-written YAML (tags, keys that are not
    /// strings), as YAML reads it.
    #[test]
    fn the_cells_of_any_yaml_are_those_of_its_json() {
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-example")];
        let mut seen = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    let value: serde_yaml::Value =
                        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                    same(&value);
                    if let Ok(json) = serde_json::to_vec(&value) {
                        let (mut cells, mut read) = (Cells::default(), Cells::default());
                        cells.add(&value);
                        assert!(read.add_json(&json));
                        assert_eq!(fields(&read), fields(&cells), "{}", path.display());
                    }
                    seen += 1;
                }
            }
        }
        assert!(seen > 50, "only {seen} records");
        for text in
            ["a: !tagged {b: 1}\nc: !t [1]\n", "1: one\ntrue: yes\n1.5: x\n", "? [1]\n: list key\n", "~: null key\n"]
        {
            same(&serde_yaml::from_str::<serde_yaml::Value>(text).unwrap());
        }
    }
}
