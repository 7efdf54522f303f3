//! The YAML record reader on arbitrary bytes: read or refused, never a panic; and whatever
//! it accepts is written back and read again unchanged.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tkt::desk::{decode_text, parse_record, to_yaml};
use tkt::model::{Customer, Document, Equipment, Item, Request, State, Ticket};

fn round_trip<T: tkt::model::Record + PartialEq + std::fmt::Debug>(text: &str) {
    let shown = Path::new("fuzz.yaml");
    if let Ok(record) = parse_record::<T>(text, shown) {
        let yaml = to_yaml(&record).expect("an accepted record serialises");
        let again: T = parse_record(&yaml, shown).expect("what tkt writes it reads");
        assert_eq!(again, record);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode_text(data.to_vec(), Path::new("fuzz.yaml")) else {
        return;
    };
    round_trip::<Ticket>(&text);
    round_trip::<Document>(&text);
    round_trip::<Customer>(&text);
    round_trip::<Item>(&text);
    round_trip::<Equipment>(&text);
    round_trip::<Request>(&text);
    round_trip::<State>(&text);
});
