//! Record kinds, the strict id patterns that guard every path, and sequence ids.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::DocKind;
use crate::{Error, Result};

/// The kinds of record a desk holds; each has a folder and an id pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    State,
    Customer,
    Item,
    Equipment,
    Request,
    Ticket,
    Document(DocKind),
}

static STATE_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9_-]{0,39}$").unwrap());
static CODE_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$").unwrap());

impl Kind {
    /// Every kind, documents included.
    pub fn all() -> impl Iterator<Item = Kind> {
        [Kind::State, Kind::Customer, Kind::Item, Kind::Equipment, Kind::Request, Kind::Ticket]
            .into_iter()
            .chain(DocKind::ALL.into_iter().map(Kind::Document))
    }

    /// The word used in messages: "ticket T-2026-0001 not found".
    pub fn noun(self) -> &'static str {
        match self {
            Kind::State => "state",
            Kind::Customer => "customer",
            Kind::Item => "item",
            Kind::Equipment => "equipment",
            Kind::Request => "request",
            Kind::Ticket => "ticket",
            Kind::Document(d) => d.noun(),
        }
    }

    /// The top folder of the kind, relative to the desk.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::State => "states",
            Kind::Customer => "customers",
            Kind::Item => "items",
            Kind::Equipment => "equipment",
            Kind::Request => "requests",
            Kind::Ticket => "tickets",
            Kind::Document(d) => d.dir(),
        }
    }

    /// Whether ids of the kind are numbers the desk hands out (so two clones can create
    /// the same one), rather than names people choose.
    pub fn is_numbered(self) -> bool {
        matches!(self, Kind::Ticket | Kind::Request | Kind::Customer | Kind::Document(_))
    }

    /// Whether the kind's files are grouped by year (`tickets/2026/T-2026-0001.yaml`).
    pub fn by_year(self) -> bool {
        matches!(self, Kind::Ticket | Kind::Request | Kind::Document(_))
    }

    /// Checks an id against the kind's strict pattern, so that it can never escape the
    /// kind's folder (no `..`, no `/`, no NUL, nothing absolute).
    pub fn check_id(self, id: &str) -> Result<()> {
        let valid = |id: &str| match self {
            Kind::State => STATE_ID.is_match(id),
            Kind::Item | Kind::Equipment => CODE_ID.is_match(id) && !id.contains(".."),
            Kind::Customer => SequenceId::parse(id).is_some_and(|s| s.year.is_none()),
            Kind::Ticket | Kind::Request | Kind::Document(_) => SequenceId::parse(id).is_some_and(|s| s.year.is_some()),
        };
        if valid(id) {
            Ok(())
        } else {
            let expected = match self {
                Kind::State => "lower-case letters, digits, '-' and '_' (e.g. in-progress)",
                Kind::Item => "letters, digits, '.', '-' and '_' (e.g. CALD-24K)",
                Kind::Equipment => "letters, digits, '.', '-' and '_' (e.g. VX24-000123)",
                Kind::Customer => "PREFIX-NNNN (e.g. C-0001)",
                Kind::Ticket => "PREFIX-YYYY-NNNN (e.g. T-2026-0042)",
                Kind::Request => "PREFIX-YYYY-NNNN (e.g. R-2026-0007)",
                Kind::Document(_) => "PREFIX-YYYY-NNNN[-SERIES] (e.g. INV-2026-0012)",
            };
            let error = Error::refused(format!("invalid {} id {id:?}: expected {expected}", self.noun()));
            // Typed in the other case: say the id it means.
            let (upper, lower) = (id.to_uppercase(), id.to_lowercase());
            if upper != id && valid(&upper) {
                Err(error.with_hint(format!("ids are written in capitals: {upper}")))
            } else if lower != id && valid(&lower) {
                Err(error.with_hint(format!("ids are written in lower case: {lower}")))
            } else {
                Err(error)
            }
        }
    }

    /// Whether the kind's year folders are split in folders of a thousand numbers
    /// (`tickets/2026/001/T-2026-1042.yaml`, `documents/invoice/2026/000/INV-2026-0012.yaml`),
    /// so that no folder git rewrites on a change holds more than a thousand records.
    pub fn sharded(self) -> bool {
        matches!(self, Kind::Ticket | Kind::Document(_))
    }

    /// The file of a record, relative to the desk. The id is checked first.
    pub fn path_for(self, id: &str) -> Result<PathBuf> {
        self.check_id(id)?;
        let mut path = PathBuf::from(self.dir());
        if self.by_year() {
            let number = SequenceId::parse(id).expect("checked above");
            path.push(format!("{:04}", number.year.expect("checked above")));
            if self.sharded() {
                path.push(shard_of(number.seq));
            }
        }
        path.push(format!("{id}.yaml"));
        Ok(path)
    }

    /// Where a record of a sharded kind was kept before its year folders were split
    /// (`tickets/2026/T-2026-1042.yaml`): still read, never written (`tkt upgrade` moves
    /// it). `None` for the other kinds, and for an invalid id.
    pub fn old_path_for(self, id: &str) -> Option<PathBuf> {
        let path = self.path_for(id).ok().filter(|_| self.sharded())?;
        let shard = path.parent()?;
        Some(shard.parent()?.join(path.file_name()?))
    }

    /// Every file a record of `id` may be in, where it is written first: its path, then
    /// the one an older tkt kept it at ([`Kind::old_path_for`]). None for an invalid id.
    pub fn places_of(self, id: &str) -> Vec<PathBuf> {
        self.path_for(id).ok().into_iter().chain(self.old_path_for(id)).collect()
    }
}

/// The folder of a thousand numbers a sharded record's number is kept in: `000` for
/// 1–999, `001` for 1000–1999, `1000` past a million.
pub fn shard_of(seq: u32) -> String {
    format!("{:03}", seq / 1000)
}

/// Where `rel`, a desk-relative ticket file where an older tkt kept it
/// (`tickets/2026/T-2026-1042.yaml`), goes in its folder of a thousand
/// (`tickets/2026/001/T-2026-1042.yaml`): the inverse of [`unsharded_path`]. `None` for any
/// other path, and for a file with no ticket's name or in another year's folder.
pub fn sharded_path(rel: &Path) -> Option<PathBuf> {
    let dir = rel.parent()?.parent()?;
    let kind = Kind::all().find(|k| k.sharded() && Path::new(k.dir()) == dir)?;
    let stem = rel.file_name()?.to_str()?.strip_suffix(".yaml")?;
    SequenceId::parse(stem)?;
    (kind.old_path_for(stem)? == rel).then(|| kind.path_for(stem).ok()).flatten()
}

/// A record's file in its folder of a thousand (any prefix) and, for one, where an older
/// tkt kept it ([`unsharded_path`]): the places history may hold it at.
pub fn record_places(path: &Path) -> impl Iterator<Item = PathBuf> {
    std::iter::once(path.to_path_buf()).chain(unsharded_path(path))
}

/// The path a record file at `rel` (desk-relative) is known by: where its id puts it now
/// ([`sharded_path`] of a file where an older tkt kept it), else `rel` itself. History and
/// this clone's log of what it issued know a record by it, whichever layout had it.
pub fn record_path(rel: &Path) -> PathBuf {
    sharded_path(rel).unwrap_or_else(|| rel.to_path_buf())
}

/// The file of the record `id` of a kind kept in folders of a thousand, in its year's
/// folder `year_dir` (any prefix): `…/2026` and `INV-2026-1042` give
/// `…/2026/001/INV-2026-1042.yaml`.
pub fn in_year_folder(year_dir: &Path, id: &str) -> PathBuf {
    let file = format!("{id}.yaml");
    match SequenceId::parse(id) {
        Some(number) => year_dir.join(shard_of(number.seq)).join(file),
        None => year_dir.join(file),
    }
}

/// The year's folder of a record of a kind kept by year, from its desk-relative file
/// (`documents/invoice/2026/000/INV-2026-0012.yaml` and `documents/invoice/2026/INV-2026-0012.yaml`
/// both give `documents/invoice/2026`).
pub fn year_folder(rel: &Path) -> Option<PathBuf> {
    let folder = rel.parent()?;
    match unsharded_path(rel) {
        Some(_) => folder.parent().map(Path::to_path_buf),
        None => Some(folder.to_path_buf()),
    }
}

/// Where a record at `path` (any prefix: desk- or repository-relative) in its folder of a
/// thousand (`…/2026/001/T-2026-1042.yaml`) was kept before year folders were split
/// (`…/2026/T-2026-1042.yaml`); `None` for any other path. History reads the two as one
/// file, so that the move is no change.
pub fn unsharded_path(path: &Path) -> Option<PathBuf> {
    let file = path.file_name()?.to_str()?;
    let shard = path.parent()?;
    let year = shard.parent()?;
    let number = SequenceId::parse(file.strip_suffix(".yaml")?)?;
    let year_name = year.file_name()?.to_str()?;
    let same_year = number.year.is_some_and(|y| format!("{y:04}") == year_name);
    (same_year && shard.file_name()?.to_str()? == shard_of(number.seq)).then(|| year.join(file))
}

/// Whether a folder's name is one [`shard_of`] gives.
pub fn is_shard(name: &str) -> bool {
    name.bytes().all(|b| b.is_ascii_digit())
        && name.parse::<u32>().ok().and_then(|n| n.checked_mul(1000)).is_some_and(|first| shard_of(first) == name)
}

/// Whether `s` is a prefix's or a series' code: 1 to 10 capital letters and digits.
pub fn is_code(s: &str) -> bool {
    (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A numbered id: `{prefix}-{year}-{seq:04}` with an optional `-{series}`, or
/// `{prefix}-{seq:04}` for kinds not numbered per year (customers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceId {
    pub prefix: String,
    pub year: Option<i32>,
    pub seq: u32,
    pub series: Option<String>,
}

impl SequenceId {
    /// Reads `{prefix}-[{year}-]{seq}[-{series}]`: a prefix of up to ten upper-case
    /// letters and ASCII digits starting with a letter, a four-digit year, four to nine
    /// digits, a series of up to ten. Where `A-1234-5678` could be either, the middle is
    /// the year. Parsed by hand: id allocation reads every name of a year's folder.
    pub fn parse(id: &str) -> Option<SequenceId> {
        let digits =
            |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        let code = is_code;
        let mut parts = id.split('-');
        let prefix = parts.next()?;
        if !code(prefix) || !prefix.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        let rest: Vec<&str> = parts.collect();
        let (year, seq, series) = match rest.as_slice() {
            [seq] => (None, *seq, None),
            [year, seq] if digits(year, 4..=4) && digits(seq, 4..=9) => (Some(*year), *seq, None),
            [seq, series] => (None, *seq, Some(*series)),
            [year, seq, series] if digits(year, 4..=4) => (Some(*year), *seq, Some(*series)),
            _ => return None,
        };
        if !digits(seq, 4..=9) || !series.is_none_or(code) {
            return None;
        }
        Some(SequenceId {
            prefix: prefix.to_string(),
            year: year.map(|y| y.parse().expect("four digits")),
            seq: seq.parse().expect("at most nine digits"),
            series: series.map(str::to_string),
        })
    }
}

/// The id a file name `stem` spells with more digits than tkt writes (`INV-2026-00007` for
/// INV-2026-0007): a second name for that number. `None` for an id as tkt writes it, or
/// no numbered id.
pub fn written_otherwise(stem: &str) -> Option<String> {
    SequenceId::parse(stem).map(|id| id.to_string()).filter(|id| id != stem)
}

impl std::fmt::Display for SequenceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.prefix)?;
        if let Some(year) = self.year {
            write!(f, "-{year:04}")?;
        }
        write!(f, "-{:04}", self.seq)?;
        if let Some(series) = &self.series {
            write!(f, "-{series}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_escape_their_folder_are_refused() {
        for bad in ["../etc", "a/b", "/abs", "T-2026-0001/../x", "x\0y", "", ".hidden", "a..b"] {
            assert!(Kind::Item.check_id(bad).is_err(), "{bad:?} accepted");
            assert!(Kind::Ticket.check_id(bad).is_err(), "{bad:?} accepted");
            assert!(Kind::State.check_id(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn ticket_paths_follow_the_year_of_the_id() {
        assert_eq!(Kind::Ticket.path_for("T-2026-0042").unwrap(), PathBuf::from("tickets/2026/000/T-2026-0042.yaml"));
        assert_eq!(Kind::Ticket.path_for("T-2026-1000").unwrap(), PathBuf::from("tickets/2026/001/T-2026-1000.yaml"));
        assert_eq!(
            Kind::Ticket.path_for("T-2026-1234567").unwrap(),
            PathBuf::from("tickets/2026/1234/T-2026-1234567.yaml")
        );
        assert_eq!(Kind::Ticket.old_path_for("T-2026-1000").unwrap(), PathBuf::from("tickets/2026/T-2026-1000.yaml"));
        assert_eq!(Kind::Request.path_for("R-2026-1000").unwrap(), PathBuf::from("requests/2026/R-2026-1000.yaml"));
        assert_eq!(Kind::Request.old_path_for("R-2026-1000"), None);
        assert_eq!(
            unsharded_path(Path::new("desk/tickets/2026/001/T-2026-1042.yaml")).unwrap(),
            PathBuf::from("desk/tickets/2026/T-2026-1042.yaml")
        );
        assert_eq!(
            sharded_path(Path::new("tickets/2026/T-2026-1042.yaml")).unwrap(),
            PathBuf::from("tickets/2026/001/T-2026-1042.yaml")
        );
        assert_eq!(sharded_path(Path::new("tickets/2026/T-2025-0001.yaml")), None);
        assert_eq!(sharded_path(Path::new("tickets/2026/appunti.yaml")), None);
        assert_eq!(Kind::Ticket.places_of("T-2026-0001").len(), 2);
        assert_eq!(unsharded_path(Path::new("tickets/2026/T-2026-1042.yaml")), None);
        assert_eq!(unsharded_path(Path::new("tickets/2026/000/T-2026-1042.yaml")), None);
        assert_eq!(unsharded_path(Path::new("documents/invoice/2026/INV-2026-0001.yaml")), None);
        assert!(is_shard("000") && is_shard("999") && is_shard("1234"));
        assert!(
            !is_shard("00") && !is_shard("0001") && !is_shard("2026x") && !is_shard("01a") && !is_shard("99999999")
        );
        assert_eq!(Kind::Customer.path_for("C-0001").unwrap(), PathBuf::from("customers/C-0001.yaml"));
        assert!(Kind::Customer.check_id("T-2026-0001").is_err());
    }

    #[test]
    fn sequence_ids_round_trip_with_series() {
        let id = SequenceId::parse("T-2026-0042-MR").unwrap();
        assert_eq!(id.seq, 42);
        assert_eq!(id.series.as_deref(), Some("MR"));
        assert_eq!(id.to_string(), "T-2026-0042-MR");
        assert_eq!(SequenceId::parse("C-12345").unwrap().to_string(), "C-12345");
    }

    #[test]
    fn sequence_ids_are_read_as_the_pattern_says() {
        let read = |id: &str| SequenceId::parse(id).map(|s| (s.prefix, s.year, s.seq, s.series));
        let s = |v: &str| Some(v.to_string());
        assert_eq!(read("T-2026-0042"), Some(("T".into(), Some(2026), 42, None)));
        assert_eq!(read("C-1234-MR"), Some(("C".into(), None, 1234, s("MR"))));
        assert_eq!(read("A1-1234-5678"), Some(("A1".into(), Some(1234), 5678, None)));
        assert_eq!(read("INV-2026-123456789-9"), Some(("INV".into(), Some(2026), 123_456_789, s("9"))));
        for bad in [
            "",
            "T",
            "T-",
            "t-2026-0001",
            "1T-2026-0001",
            "ABCDEFGHIJK-0001",
            "T-026-001",
            "T-2026-00012345678",
            "T-202-0001",
            "T-2026-0001-",
            "T-2026-0001-mr",
            "T-2026-0001-ABCDEFGHIJK",
            "T-2026-0001-A-B",
            "T-\u{663}\u{660}\u{662}\u{666}-0001",
            "T-2026-\u{661}234",
            "T--0001",
            "T-+123",
        ] {
            assert_eq!(read(bad), None, "{bad:?} read");
        }
        // Against the pattern, on names joined from pieces at the edges of each part.
        let pattern = Regex::new(r"^([A-Z][A-Z0-9]{0,9})-(?:([0-9]{4})-)?([0-9]{4,9})(?:-([A-Z0-9]{1,10}))?$").unwrap();
        let pieces = [
            "T",
            "INV",
            "A1",
            "t",
            "1T",
            "ABCDEFGHIJ",
            "ABCDEFGHIJK",
            "2026",
            "026",
            "20266",
            "0042",
            "123456789",
            "1234567890",
            "MR",
            "9",
            "x",
            "",
        ];
        let (mut seed, mut matched) = (0x2545_f491_4f6c_dd1d_u64, 0);
        for _ in 0..100_000 {
            let mut next = |n: u64| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                (seed >> 33) % n
            };
            let parts = 1 + next(5);
            let name = (0..parts).map(|_| pieces[next(pieces.len() as u64) as usize]).collect::<Vec<_>>().join("-");
            let want = pattern.captures(&name).map(|c| {
                let at = |i: usize| c.get(i).map(|m| m.as_str().to_string());
                (at(1).unwrap(), at(2).map(|y| y.parse().unwrap()), c[3].parse().unwrap(), at(4))
            });
            matched += usize::from(want.is_some());
            assert_eq!(read(&name), want, "{name:?}");
        }
        assert!(matched > 1_000, "only {matched} names match the pattern");
    }
}
