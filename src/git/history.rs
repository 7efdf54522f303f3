//! Replaying a history written by `git fast-export` into a repository that has no commit
//! yet: how `tkt init --example` gives the example desk its year of commits, each dated
//! when its command ran, and its quarterly tags.

use std::collections::HashMap;
use std::path::Path;

use git2::{FileMode, Oid, Signature, Time};

use super::{git_path, Repo};
use crate::{Error, Result};

/// Reads a fast-export stream line by line, and its `data` blocks by length.
struct Stream<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Stream<'a> {
    fn peek(&self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.pos..).filter(|r| !r.is_empty())?;
        Some(&rest[..rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len())])
    }

    fn line(&mut self) -> Option<&'a [u8]> {
        let line = self.peek()?;
        self.pos += line.len() + 1;
        Some(line)
    }

    /// The block after a `data N` line: N bytes, then an optional newline.
    fn data(&mut self, header: &[u8]) -> Result<&'a [u8]> {
        let n: usize = text(header.strip_prefix(b"data ").unwrap_or_default())
            .parse()
            .map_err(|_| bad(format!("expected `data N`, found {:?}", text(header))))?;
        let block =
            self.bytes.get(self.pos..self.pos + n).ok_or_else(|| bad("a data block runs past the end".into()))?;
        self.pos += n;
        if self.bytes.get(self.pos) == Some(&b'\n') {
            self.pos += 1;
        }
        Ok(block)
    }
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

fn bad(message: String) -> Error {
    Error::failure(format!("the example desk's history cannot be read: {message}"))
}

/// `:N` → N.
fn mark(word: &[u8]) -> Result<u64> {
    text(word.strip_prefix(b":").unwrap_or(word)).parse().map_err(|_| bad(format!("bad mark {:?}", text(word))))
}

/// `NAME <EMAIL> SECONDS +HHMM`.
fn signature(line: &[u8]) -> Result<Signature<'static>> {
    let line = text(line);
    let (name, rest) = line.split_once(" <").ok_or_else(|| bad(format!("bad identity {line:?}")))?;
    let (email, when) = rest.split_once("> ").ok_or_else(|| bad(format!("bad identity {line:?}")))?;
    let (secs, zone) = when.split_once(' ').ok_or_else(|| bad(format!("bad date {when:?}")))?;
    let secs: i64 = secs.parse().map_err(|_| bad(format!("bad date {when:?}")))?;
    let zone: i32 = zone.parse().map_err(|_| bad(format!("bad zone {zone:?}")))?;
    let minutes = zone.signum() * ((zone.abs() / 100) * 60 + zone.abs() % 100);
    Ok(Signature::new(name, email, &Time::new(secs, minutes))?)
}

/// A path as fast-export writes it: plain, or C-quoted when it holds special bytes.
fn path(raw: &[u8]) -> Result<String> {
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return Ok(text(raw).to_string());
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        match (inner[i], inner.get(i + 1)) {
            (b'\\', Some(b'0'..=b'7')) => {
                let digits = inner.get(i + 1..i + 4).ok_or_else(|| bad("bad escape in a path".into()))?;
                out.push(u8::from_str_radix(text(digits), 8).map_err(|_| bad("bad escape in a path".into()))?);
                i += 4;
            }
            (b'\\', Some(c)) => {
                out.push(match c {
                    b'n' => b'\n',
                    b't' => b'\t',
                    other => *other,
                });
                i += 2;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| bad("a path is not UTF-8".into()))
}

impl Repo {
    /// Writes the commits and tags of a fast-export `stream` under the desk's folder and
    /// points the current branch at the last commit. The work tree and the index are not
    /// touched: the caller writes the files and commits them. Returns the last commit.
    pub fn replay_history(&self, stream: &[u8]) -> Result<Option<Oid>> {
        // The objects are made in memory and written as one pack at the end, not as a
        // thousand loose files; through a repository handle of their own, so that nothing
        // written later through `self` goes to memory.
        let own = git2::Repository::open(self.repo.path())?;
        let repo = &own;
        let odb = repo.odb()?;
        let mempack = odb.add_new_mempack_backend(999)?;
        let mut marks: HashMap<u64, Oid> = HashMap::new();
        // Each ref's tip, as fast-import keeps them: a commit without `from` goes on top of
        // its ref's tip.
        let mut tips: HashMap<String, Oid> = HashMap::new();
        let mut s = Stream { bytes: stream, pos: 0 };
        let in_desk = |p: &str| git_path(&self.repo_path(Path::new(p)));
        while let Some(line) = s.line() {
            if line == b"blob" {
                let m = mark(s.line().and_then(|l| l.strip_prefix(b"mark ")).unwrap_or_default())?;
                let header = s.line().unwrap_or_default();
                marks.insert(m, repo.blob(s.data(header)?)?);
            } else if let Some(name) = line.strip_prefix(b"commit ") {
                let name = text(name).to_string();
                let (mut m, mut author, mut committer, mut message) = (None, None, None, String::new());
                let mut parent = tips.get(&name).copied();
                let mut update = super::tree::Update::new();
                while let Some(l) = s.peek().filter(|l| !l.is_empty()) {
                    if let Some(rest) = l.strip_prefix(b"mark ") {
                        m = Some(mark(rest)?);
                    } else if let Some(rest) = l.strip_prefix(b"author ") {
                        author = Some(signature(rest)?);
                    } else if let Some(rest) = l.strip_prefix(b"committer ") {
                        committer = Some(signature(rest)?);
                    } else if l.starts_with(b"data ") {
                        s.line();
                        message = text(s.data(l)?).to_string();
                        continue;
                    } else if let Some(rest) = l.strip_prefix(b"from ") {
                        parent = Some(*marks.get(&mark(rest)?).ok_or_else(|| bad("unknown parent".into()))?);
                    } else if let Some(rest) = l.strip_prefix(b"M ") {
                        let mut parts = rest.splitn(3, |b| *b == b' ');
                        let (mode, blob, p) = (parts.next(), parts.next(), parts.next());
                        let (Some(mode), Some(blob), Some(p)) = (mode, blob, p) else {
                            return Err(bad(format!("bad line {:?}", text(l))));
                        };
                        let oid = *marks.get(&mark(blob)?).ok_or_else(|| bad("unknown blob".into()))?;
                        let mode = if mode == b"100755" { FileMode::BlobExecutable } else { FileMode::Blob };
                        update.upsert(in_desk(&path(p)?)?, oid, mode);
                    } else if let Some(rest) = l.strip_prefix(b"D ") {
                        update.remove(in_desk(&path(rest)?)?);
                    } else if !l.starts_with(b"original-oid ") && !l.starts_with(b"encoding ") {
                        break;
                    }
                    s.line();
                }
                let base = parent.map(|p| repo.find_commit(p).map(|c| c.tree_id())).transpose()?;
                let tree = repo.find_tree(update.write(repo, &super::tree::Trees::default(), base)?)?;
                let author = author.ok_or_else(|| bad("a commit without author".into()))?;
                let committer = committer.unwrap_or_else(|| author.clone());
                let parents = parent.map(|p| repo.find_commit(p)).transpose()?;
                let id =
                    repo.commit(None, &author, &committer, &message, &tree, &parents.iter().collect::<Vec<_>>())?;
                if let Some(m) = m {
                    marks.insert(m, id);
                }
                tips.insert(name, id);
            } else if let Some(name) = line.strip_prefix(b"reset ") {
                let name = text(name).to_string();
                match s.peek().and_then(|l| l.strip_prefix(b"from ")) {
                    Some(from) => {
                        s.line();
                        let target = *marks.get(&mark(from)?).ok_or_else(|| bad("unknown reset target".into()))?;
                        tips.insert(name, target);
                    }
                    None => {
                        tips.remove(&name);
                    }
                }
            } else if !(line.is_empty() || line.starts_with(b"feature ") || line == b"done") {
                return Err(bad(format!("unexpected line {:?}", text(line))));
            }
        }
        let mut pack = git2::Buf::new();
        mempack.dump(repo, &mut pack)?;
        let mut writer = odb.packwriter()?;
        std::io::Write::write_all(&mut writer, &pack).map_err(|e| Error::io(self.repo.path(), e))?;
        writer.commit()?;
        for (name, id) in &tips {
            if name.starts_with("refs/tags/") {
                repo.reference(name, *id, true, "tkt init --example")?;
            }
        }
        // The history's main branch becomes the current branch, whatever its name.
        let last = tips.get("refs/heads/main").copied();
        if let Some(id) = last {
            let head = repo.find_reference("HEAD")?;
            let branch = head.symbolic_target()?.unwrap_or("refs/heads/main").to_string();
            repo.reference(&branch, id, true, "tkt init --example: the example's history")?;
        }
        mempack.reset()?;
        Ok(last)
    }
}
