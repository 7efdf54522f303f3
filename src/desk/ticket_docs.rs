//! Which documents belong to which ticket: a document points at its ticket, and payments,
//! credit notes and refunds point at the documents before them. Finding a ticket's
//! documents means knowing what every document points at ([`Links`]); with a file-system
//! monitor, the answer for every ticket is also kept in `.tkt/cache/ticket-documents`
//! ([`Kept`]) with the monitor's token and the seals of the documents' folders, and trusted
//! while the monitor names nothing in those folders and each keeps its seal (a document
//! added, removed or renamed changes its folder's) — so that `ticket show` looks at a few
//! files, not every document's.
//!
//! The kept file is text: four lines (the format's version, the tkt that wrote it, the
//! monitor's token, the folders with their seals), then a line per id that documents point
//! at, sorted — the id, then the desk-relative paths of its documents, separated by tabs —
//! found by a binary search of the mapped file, never decoded whole.

use std::path::{Path, PathBuf};

const MAGIC: &str = "tkt ticket-documents 2";

/// Every document's id and the ids it points at, in the order of the documents' files.
#[derive(Default)]
pub struct Links<'t> {
    ids: Vec<&'t str>,
    /// The ids the n-th document points at are `links[ends[n - 1]..ends[n]]`.
    links: Vec<&'t str>,
    ends: Vec<usize>,
}

impl<'t> Links<'t> {
    pub fn add(&mut self, id: &'t str, links: impl IntoIterator<Item = &'t str>) {
        self.ids.push(id);
        self.links.extend(links);
        self.ends.push(self.links.len());
    }

    fn links_of(&self, doc: usize) -> &[&'t str] {
        let from = doc.checked_sub(1).map_or(0, |d| self.ends[d]);
        &self.links[from..self.ends[doc]]
    }

    /// The documents (their numbers, in order) that point at `id`, or at a document that
    /// does, and so on: a ticket's work reports and invoices, its invoices' payments and
    /// credit notes, their refunds. For one id, a few passes over the documents cost less
    /// than numbering them all as [`Links::keep`] does for every id.
    pub fn of(&self, id: &str) -> Vec<usize> {
        let mut wanted: foldhash::HashSet<&str> = [id].into_iter().collect();
        let mut taken = vec![false; self.ids.len()];
        loop {
            let before = wanted.len();
            for (d, taken) in taken.iter_mut().enumerate() {
                if !*taken && self.links_of(d).iter().any(|l| wanted.contains(l)) {
                    *taken = true;
                    wanted.insert(self.ids[d]);
                }
            }
            if wanted.len() == before {
                break;
            }
        }
        (0..taken.len()).filter(|&d| taken[d]).collect()
    }

    /// Writes, for every id pointed at, the paths of its documents (`paths[n]` is the n-th
    /// document's), to be trusted while the monitor's answer to the token names no document
    /// and the folders keep their seals. Not written (the last one removed) when a name
    /// could not be read back: not UTF-8, holding a tab or a line break, or a folder's
    /// holding `=`.
    pub fn keep(&self, at: &Path, made: Made, paths: &[&Path]) {
        let plain = |s: &str| !s.contains(['\t', '\n']);
        let paths: Option<Vec<&str>> = paths.iter().map(|p| p.to_str()).collect();
        let folders: Option<Vec<(&str, &str)>> = made
            .folders
            .iter()
            .map(|(f, seal)| f.to_str().filter(|f| !f.contains('=')).map(|f| (f, seal.as_str())))
            .collect();
        let readable = paths.zip(folders).filter(|(paths, folders)| {
            let names = self.ids.iter().chain(&self.links).chain(paths).copied();
            let folders = folders.iter().flat_map(|(f, seal)| [*f, *seal]);
            [made.program, made.token].into_iter().chain(names).chain(folders).all(plain)
        });
        let Some((paths, folders)) = readable else {
            let _ = std::fs::remove_file(at);
            return;
        };
        let graph = Graph::new(self);
        let mut keys: Vec<u32> = (0..graph.names.len() as u32).filter(|&n| !graph.pointing(n).is_empty()).collect();
        keys.sort_unstable_by_key(|&n| graph.names[n as usize]);
        // A cache that cannot be written (a read-only desk) only costs speed.
        let _ = crate::files::write_atomic_with(at, |out| {
            write!(out, "{MAGIC}\n{}\n{}\n", made.program, made.token)?;
            let folders: Vec<String> = folders.iter().map(|(f, seal)| format!("{f}={seal}")).collect();
            writeln!(out, "{}", folders.join("\t"))?;
            let mut marks = vec![0; self.ids.len()];
            for (mark, key) in (1..).zip(keys) {
                out.write_all(graph.names[key as usize].as_bytes())?;
                for d in graph.reached(key, &mut marks, mark) {
                    out.write_all(b"\t")?;
                    out.write_all(paths[d].as_bytes())?;
                }
                out.write_all(b"\n")?;
            }
            Ok(())
        });
    }
}

/// The links with each name numbered once, and for each name the documents that point at
/// it (tens of thousands of documents are then walked by number, for every id at once).
struct Graph<'t> {
    names: Vec<&'t str>,
    /// Each document's id, by number.
    ids: Vec<u32>,
    /// The documents pointing at name `n` are `docs[start[n]..start[n + 1]]`, in order.
    start: Vec<u32>,
    docs: Vec<u32>,
}

impl<'t> Graph<'t> {
    fn new(links: &Links<'t>) -> Graph<'t> {
        // Most names are ids of documents (a ticket's are pointed at by several).
        let mut names = Vec::with_capacity(links.ids.len() * 2);
        let mut number = foldhash::HashMap::with_capacity_and_hasher(names.capacity(), Default::default());
        let mut name = |name: &'t str| {
            let next = names.len() as u32;
            *number.entry(name).or_insert_with(|| {
                names.push(name);
                next
            })
        };
        let ids: Vec<u32> = links.ids.iter().map(|&id| name(id)).collect();
        let mut edges = Vec::with_capacity(links.links.len());
        for doc in 0..links.ids.len() {
            edges.extend(links.links_of(doc).iter().map(|&l| (name(l), doc as u32)));
        }
        let mut start = vec![0u32; names.len() + 1];
        for &(name, _) in &edges {
            start[name as usize + 1] += 1;
        }
        for n in 1..start.len() {
            start[n] += start[n - 1];
        }
        let mut at = start.clone();
        let mut docs = vec![0; edges.len()];
        for (name, doc) in edges {
            docs[at[name as usize] as usize] = doc;
            at[name as usize] += 1;
        }
        Graph { names, ids, start, docs }
    }

    fn pointing(&self, name: u32) -> &[u32] {
        &self.docs[self.start[name as usize] as usize..self.start[name as usize + 1] as usize]
    }

    /// [`Links::of`] the name numbered `name`, marking in `marks` with `mark` the documents
    /// found (a mark not yet in them: the marks are kept from one name to the next). A
    /// document naming the same id twice, or pointed at in a cycle, is found once.
    fn reached(&self, name: u32, marks: &mut [u32], mark: u32) -> Vec<usize> {
        let (mut found, mut next) = (Vec::new(), vec![name]);
        while let Some(name) = next.pop() {
            for &d in self.pointing(name) {
                if marks[d as usize] != mark {
                    marks[d as usize] = mark;
                    found.push(d as usize);
                    next.push(self.ids[d as usize]);
                }
            }
        }
        found.sort_unstable();
        found
    }
}

/// What a kept list was made from, besides the documents: the tkt that wrote it, the
/// monitor's token, and the folders of documents with their seals as they were before the
/// documents were looked at.
pub struct Made<'m> {
    pub program: &'m str,
    pub token: &'m str,
    pub folders: &'m [(PathBuf, String)],
}

/// The documents of every ticket as kept by [`Links::keep`].
pub struct Kept<'k> {
    pub token: &'k str,
    folders: &'k str,
    table: &'k [u8],
}

impl<'k> Kept<'k> {
    /// What `bytes` (the kept file) hold, when written in this format by this `program`.
    pub fn read(bytes: &'k [u8], program: &str) -> Option<Kept<'k>> {
        let mut lines = bytes.splitn(5, |&b| b == b'\n');
        let (magic, by, token, folders) = (lines.next()?, lines.next()?, lines.next()?, lines.next()?);
        let table = lines.next()?;
        // Only a whole file is trusted: it ends with its last line's break.
        if magic != MAGIC.as_bytes() || by != program.as_bytes() || !(table.is_empty() || table.ends_with(b"\n")) {
            return None;
        }
        let text = |b| std::str::from_utf8(b).ok();
        Some(Kept { token: text(token)?, folders: text(folders).filter(|f| !f.is_empty())?, table })
    }

    /// The folders of documents with their seals when the list was made (a malformed one
    /// with a seal that no folder has).
    pub fn folders(&self) -> impl Iterator<Item = (&'k Path, &'k str)> {
        self.folders.split('\t').map(|f| f.split_once('=').map_or((Path::new(f), ""), |(f, seal)| (Path::new(f), seal)))
    }

    /// The desk-relative paths of the documents of `id` (none when no document points at
    /// it); `None` when its line is not text (a damaged file).
    pub fn documents(&self, id: &str) -> Option<Vec<&'k str>> {
        let table = self.table;
        // Both ends always stand at the start of a line (or the end of the table).
        let (mut lo, mut hi) = (0, table.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = table[lo..mid].iter().rposition(|&b| b == b'\n').map_or(lo, |p| lo + p + 1);
            let end = table[start..hi].iter().position(|&b| b == b'\n').map_or(hi, |p| start + p);
            let mut fields = table[start..end].split(|&b| b == b'\t');
            let key = fields.next().unwrap_or_default();
            match key.cmp(id.as_bytes()) {
                std::cmp::Ordering::Equal => return fields.map(|f| std::str::from_utf8(f).ok()).collect(),
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = start,
            }
        }
        Some(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links<'t>(docs: &[(&'t str, &[&'t str])]) -> Links<'t> {
        let mut links = Links::default();
        for (id, to) in docs {
            links.add(id, to.iter().copied());
        }
        links
    }

    #[test]
    fn a_ticket_has_what_points_at_it_and_at_its_documents_through_any_cycle() {
        let l = links(&[
            ("WR-1", &["T-1"]),
            ("INV-1", &["T-1", "WR-1", "WR-2"]),
            ("WR-2", &["T-2"]),
            ("PAY-1", &["INV-1"]),
            ("CN-1", &["INV-1", "CN-1"]),
            ("RF-1", &["CN-1"]),
            ("WR-3", &["T-3", "WR-3"]),
            // Another file with the same id, and a document naming one id twice.
            ("WR-1", &["T-4"]),
            ("DO-1", &["T-5", "T-5"]),
        ]);
        assert_eq!(l.of("T-1"), [0, 1, 3, 4, 5]);
        assert_eq!(l.of("T-2"), [1, 2, 3, 4, 5], "an invoice of two tickets' work is each one's");
        assert_eq!(l.of("T-3"), [6]);
        assert_eq!(l.of("T-4"), [1, 3, 4, 5, 7], "what points at either file of the id");
        assert_eq!(l.of("T-5"), [8]);
        assert_eq!(l.of("T-9"), Vec::<usize>::new());
        // What is kept for every id is what is found for it alone.
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("ticket-documents");
        let paths: Vec<String> = l.ids.iter().map(|id| format!("documents/{id}.yaml")).collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        l.keep(
            &at,
            made("p", "t", &[(PathBuf::from("documents"), "-".into())]),
            &paths.iter().map(Path::new).collect::<Vec<_>>(),
        );
        let bytes = std::fs::read(&at).unwrap();
        let kept = Kept::read(&bytes, "p").unwrap();
        for id in l.ids.iter().chain(&l.links).chain(&["T-9"]) {
            let found: Vec<&str> = l.of(id).into_iter().map(|d| paths[d]).collect();
            assert_eq!(kept.documents(id), Some(found), "{id}");
        }
    }

    #[test]
    fn the_kept_table_is_found_by_id_and_refused_when_not_whole_or_by_another_tkt() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("ticket-documents");
        // Ids of one length, and ids each the start of the next.
        let mut ids: Vec<String> = (0..500).map(|n| format!("T-{n:04}")).collect();
        ids.extend(["T-1", "T-10", "T-100", "T-1000"].map(String::from));
        let docs: Vec<(String, [&str; 1])> = ids.iter().map(|t| (format!("WR{}", &t[1..]), [t.as_str()])).collect();
        let l = links(&docs.iter().map(|(id, to)| (id.as_str(), &to[..])).collect::<Vec<_>>());
        let paths: Vec<PathBuf> =
            docs.iter().map(|(id, _)| format!("documents/work-report/{id}.yaml").into()).collect();
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let folders = [(PathBuf::from("documents/work-report"), "1.2.3.4".to_string())];
        l.keep(&at, made("p1", "tok", &folders), &paths);
        let bytes = std::fs::read(&at).unwrap();
        let kept = Kept::read(&bytes, "p1").expect("read back");
        assert_eq!(kept.token, "tok");
        assert_eq!(kept.folders().collect::<Vec<_>>(), [(Path::new("documents/work-report"), "1.2.3.4")]);
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(kept.documents(id), Some(vec![paths[n].to_str().unwrap()]), "{id}");
        }
        for absent in ["", "A", "T-0499x", "T-05", "T-10000", "T-2", "Z"] {
            assert_eq!(kept.documents(absent), Some(vec![]), "{absent}");
        }
        assert!(Kept::read(&bytes, "p2").is_none(), "another tkt's");
        assert!(Kept::read(&bytes[..bytes.len() - 1], "p1").is_none(), "cut short");
        // A name that would not read back is not kept, and what was kept goes.
        let odd = links(&[("WR-1", &["T-1\nT-2"])]);
        odd.keep(&at, made("p1", "tok", &folders), &[Path::new("documents/work-report/WR-1.yaml")]);
        assert!(!at.exists());
        l.keep(&at, made("p1", "tok", &folders), &paths);
        let odd = [(PathBuf::from("documents/a=b"), "1.2.3.4".to_string())];
        l.keep(&at, made("p1", "tok", &odd), &paths);
        assert!(!at.exists(), "a folder whose name would not read back");
    }

    fn made<'m>(program: &'m str, token: &'m str, folders: &'m [(PathBuf, String)]) -> Made<'m> {
        Made { program, token, folders }
    }
}
