//! The commits reachable from one, oldest first, in the order libgit2's walk
//! (`Sort::TOPOLOGICAL | Sort::REVERSE`) gives them, each read once, with its tree.
//! libgit2's walk reads every commit before it gives the first, and gives only its id: a
//! walk through history that then wanted each commit's tree read all of them twice (at
//! 400,000 commits, a quarter of `tkt check`'s reading of history).

use std::collections::HashMap;

use git2::{ObjectType, Odb, Oid};

use crate::{Error, Result};

/// A commit as the walk knows it.
struct Node {
    id: Oid,
    /// `None` until the commit is read.
    read: Option<Read>,
    seen: bool,
    /// While sorting: children not given yet, plus one (0: given).
    in_degree: u32,
}

struct Read {
    tree: Oid,
    parents: Vec<usize>,
}

struct Graph<'a> {
    odb: &'a Odb<'a>,
    /// The commits whose parents are others than they say: none, where a shallow clone
    /// cut history (`.git/shallow`), or those of `.git/info/grafts`.
    grafts: &'a Grafts,
    nodes: Vec<Node>,
    index: HashMap<Oid, usize>,
}

/// Each commit reachable from `tip`, with its tree, oldest first: after its parents and,
/// where the graph leaves the order free, in the order libgit2 gives. From one tip that
/// order is its topological sort's, reversed, which follows the graph alone (libgit2
/// walks the commits by date first, but only to find them). A commit of `grafts` has the
/// parents it lists there, as libgit2 and git read it.
pub(super) fn oldest_first(odb: &Odb<'_>, grafts: &Grafts, tip: Oid) -> Result<Vec<(Oid, Oid)>> {
    let mut graph = Graph { odb, grafts, nodes: Vec::new(), index: HashMap::new() };
    let tip = graph.node(tip);
    graph.nodes[tip].seen = true;
    let mut walked = vec![tip];
    let mut next = 0;
    while let Some(&commit) = walked.get(next) {
        graph.read(commit)?;
        for i in 0..graph.parents(commit).len() {
            let parent = graph.parents(commit)[i];
            if !graph.nodes[parent].seen {
                graph.nodes[parent].seen = true;
                walked.push(parent);
            }
        }
        next += 1;
    }
    // The topological sort: each commit once all its children are given, children first.
    for commit in &walked {
        graph.nodes[*commit].in_degree = 1;
    }
    for commit in &walked {
        for i in 0..graph.parents(*commit).len() {
            let parent = graph.parents(*commit)[i];
            if graph.nodes[parent].in_degree != 0 {
                graph.nodes[parent].in_degree += 1;
            }
        }
    }
    let mut ready: Vec<usize> = walked.iter().copied().filter(|c| graph.nodes[*c].in_degree == 1).collect();
    ready.reverse();
    let mut sorted = Vec::with_capacity(walked.len());
    while let Some(next) = ready.pop() {
        for i in 0..graph.parents(next).len() {
            let parent = graph.parents(next)[i];
            let node = &mut graph.nodes[parent];
            if node.in_degree == 0 {
                continue;
            }
            node.in_degree -= 1;
            if node.in_degree == 1 {
                ready.push(parent);
            }
        }
        graph.nodes[next].in_degree = 0;
        sorted.push(next);
    }
    Ok(sorted
        .into_iter()
        .rev()
        .map(|n| (graph.nodes[n].id, graph.nodes[n].read.as_ref().map_or(Oid::ZERO_SHA1, |r| r.tree)))
        .collect())
}

impl Graph<'_> {
    fn node(&mut self, id: Oid) -> usize {
        if let Some(at) = self.index.get(&id) {
            return *at;
        }
        self.nodes.push(Node { id, read: None, seen: false, in_degree: 0 });
        self.index.insert(id, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    fn parents(&self, at: usize) -> &[usize] {
        self.nodes[at].read.as_ref().map_or(&[], |r| &r.parents)
    }

    /// Reads the commit at `at`, unless it was.
    fn read(&mut self, at: usize) -> Result<()> {
        if self.nodes[at].read.is_some() {
            return Ok(());
        }
        let id = self.nodes[at].id;
        let object = super::raw_tree::read_checked(self.odb, id, ObjectType::Commit)?;
        let (tree, parents) = parse(object.data())
            .ok_or_else(|| Error::failure(format!("git commit {id} is not well formed: it names no tree")))?;
        let parents = self.grafts.get(&id).cloned().unwrap_or(parents);
        let parents = parents.into_iter().map(|p| self.node(p)).collect();
        self.nodes[at].read = Some(Read { tree, parents });
        Ok(())
    }
}

/// The commits whose parents are others than they say, and those parents.
pub(super) type Grafts = HashMap<Oid, Vec<Oid>>;

/// The grafts of the repository whose common folder (`.git`) is `git_dir`: each commit a
/// shallow clone cut (`shallow`) with no parents, and the lines of `info/grafts` (a commit,
/// then its parents).
pub(super) fn grafts_of(git_dir: &std::path::Path) -> Grafts {
    let read = |file: &str| std::fs::read_to_string(git_dir.join(file)).unwrap_or_default();
    let ids = |line: &str| -> Option<Vec<Oid>> { line.split_whitespace().map(|h| Oid::from_str(h).ok()).collect() };
    let mut grafts = Grafts::new();
    for line in read("info/grafts").lines().filter(|l| !l.trim_start().starts_with('#')) {
        if let Some((commit, parents)) = ids(line).and_then(|ids| Some((*ids.first()?, ids[1..].to_vec()))) {
            grafts.insert(commit, parents);
        }
    }
    for line in read("shallow").lines() {
        if let Ok(commit) = Oid::from_str(line.trim()) {
            grafts.insert(commit, Vec::new());
        }
    }
    grafts
}

/// A commit's tree and parents, as git reads its header: the tree on the first line, the
/// parents on the lines right after it (a `parent` line elsewhere is no parent).
fn parse(data: &[u8]) -> Option<(Oid, Vec<Oid>)> {
    let mut header = data.split(|b| *b == b'\n').take_while(|line| !line.is_empty()).peekable();
    let id = |hex: &[u8]| std::str::from_utf8(hex).ok().and_then(|h| Oid::from_str(h).ok());
    let tree = id(header.next()?.strip_prefix(b"tree ")?)?;
    let mut parents = Vec::new();
    while let Some(hex) = header.peek().and_then(|line| line.strip_prefix(b"parent ")) {
        parents.push(id(hex)?);
        header.next();
    }
    Some((tree, parents))
}

/// The name of a commit's author as libgit2 reads it: on the line right after its tree and
/// parents, before the line's last `<` (a `>` after it), without the spaces around it.
/// `None` when the header is not so, for libgit2 to read.
pub(super) fn author_name(data: &[u8]) -> Option<&[u8]> {
    let mut header = data.split(|b| *b == b'\n').take_while(|line| !line.is_empty());
    header.next()?.strip_prefix(b"tree ")?;
    let line = header.find(|line| !line.starts_with(b"parent "))?.strip_prefix(b"author ")?;
    let email = line.iter().rposition(|b| *b == b'<')?;
    line.iter().rposition(|b| *b == b'>').filter(|end| *end > email)?;
    // libgit2's spaces: C's, with the vertical tab.
    let space = |b: &u8| b" \t\n\x0b\x0c\r".contains(b);
    let name = &line[..email];
    let start = name.iter().position(|b| !space(b)).unwrap_or(name.len());
    let end = name.iter().rposition(|b| !space(b)).map_or(start, |e| e + 1);
    Some(&name[start..end])
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// libgit2's own walk from `tip`, oldest first.
    fn libgit2_order(repo: &git2::Repository, tip: Oid) -> Vec<Oid> {
        let mut walk = repo.revwalk().unwrap();
        walk.push(tip).unwrap();
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE).unwrap();
        walk.map(Result::unwrap).collect()
    }

    #[test]
    fn commits_come_oldest_first_in_libgit2s_order_whatever_their_merges_and_clocks() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        for seed in 1..=12u64 {
            // Random histories: merges of up to three parents, times equal, in order, or
            // earlier than a parent's (a clock set wrong on one clone).
            let mut state = seed;
            let mut next = |below: u64| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 33) % below
            };
            let mut commits: Vec<(Oid, Oid)> = Vec::new();
            for n in 0..120u64 {
                let tree = {
                    let mut builder = repo.treebuilder(None).unwrap();
                    builder.insert("f", repo.blob(format!("{seed} {n}").as_bytes()).unwrap(), 0o100644).unwrap();
                    builder.write().unwrap()
                };
                let time = 1_700_000_000
                    + match next(3) {
                        0 => 0,
                        1 => n as i64 * 60,
                        _ => next(100_000) as i64,
                    };
                let who = git2::Signature::new("T", "t@example.com", &git2::Time::new(time, 60)).unwrap();
                let parents: Vec<git2::Commit> = match commits.len() {
                    0 => Vec::new(),
                    len => (0..1 + next(3).min(len as u64 - 1))
                        .map(|_| commits[len - 1 - next(len.min(6) as u64) as usize].0)
                        .collect::<HashSet<Oid>>()
                        .into_iter()
                        .map(|id| repo.find_commit(id).unwrap())
                        .collect(),
                };
                let parents: Vec<&git2::Commit> = parents.iter().collect();
                let tree_object = repo.find_tree(tree).unwrap();
                let id = repo.commit(None, &who, &who, "c", &tree_object, &parents).unwrap();
                commits.push((id, tree));
            }
            let tip = commits.last().unwrap().0;
            let ours = oldest_first(&odb, &Grafts::new(), tip).unwrap();
            let ids: Vec<Oid> = ours.iter().map(|(id, _)| *id).collect();
            assert_eq!(ids, libgit2_order(&repo, tip), "seed {seed}");
            let trees: HashMap<Oid, Oid> = commits.iter().copied().collect();
            assert!(ours.iter().all(|(id, tree)| trees.get(id) == Some(tree)), "seed {seed}");
            // Cut short where a shallow clone has no parents, as libgit2 cuts it.
            let cut = commits[60].0;
            std::fs::write(dir.path().join(".git/shallow"), format!("{cut}\n")).unwrap();
            let shallow_repo = git2::Repository::open(dir.path()).unwrap();
            let shallow = oldest_first(&odb, &grafts_of(&dir.path().join(".git")), tip).unwrap();
            let ids: Vec<Oid> = shallow.iter().map(|(id, _)| *id).collect();
            assert_eq!(ids, libgit2_order(&shallow_repo, tip), "seed {seed}, shallow");
            std::fs::remove_file(dir.path().join(".git/shallow")).unwrap();
            // Grafted, as libgit2 grafts: one commit given another's parents, one none.
            let grafts = format!("{} {}\n{}\n", commits[90].0, commits[20].0, commits[50].0);
            std::fs::write(dir.path().join(".git/info/grafts"), grafts).unwrap();
            let grafted_repo = git2::Repository::open(dir.path()).unwrap();
            let grafted = oldest_first(&odb, &grafts_of(&dir.path().join(".git")), tip).unwrap();
            let ids: Vec<Oid> = grafted.iter().map(|(id, _)| *id).collect();
            assert_eq!(ids, libgit2_order(&grafted_repo, tip), "seed {seed}, grafted");
            std::fs::remove_file(dir.path().join(".git/info/grafts")).unwrap();
        }
    }

    #[test]
    fn a_commit_that_names_no_tree_or_is_no_commit_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let blob = repo.blob(b"x").unwrap();
        assert!(oldest_first(&odb, &Grafts::new(), blob).is_err());
        let broken = odb.write(ObjectType::Commit, b"author A <a@b> 1 +0000\n\nno tree\n").unwrap();
        assert!(oldest_first(&odb, &Grafts::new(), broken).is_err());
        // A `parent` line after the author and committer is no parent, to git as to libgit2
        // (found by a review: the walk followed it to a commit git never shows).
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let who = "author A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000";
        let first = odb.write(ObjectType::Commit, format!("tree {tree}\n{who}\n\nfirst\n").as_bytes()).unwrap();
        let hidden = odb.write(ObjectType::Commit, format!("tree {tree}\n{who}\n\nhidden\n").as_bytes()).unwrap();
        let text = format!("tree {tree}\nparent {first}\n{who}\nparent {hidden}\n\nlast\n");
        let last = odb.write(ObjectType::Commit, text.as_bytes()).unwrap();
        let ids: Vec<Oid> = oldest_first(&odb, &Grafts::new(), last).unwrap().into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, [first, last]);
        assert_eq!(ids, libgit2_order(&repo, last));
    }

    /// The author's name read raw is libgit2's, where the header is as git writes it; where
    /// it is not, none (libgit2 reads it).
    #[test]
    fn an_authors_name_reads_as_libgit2_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let parent = odb
            .write(
                ObjectType::Commit,
                format!("tree {tree}\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\np\n").as_bytes(),
            )
            .unwrap();
        let committer = "committer C <c@d> 1 +0000";
        let names: [&[u8]; 8] = [
            b"Anna Rossi <anna@x> 1700000000 +0100",
            b"  Luca \x0b\t <l@x> 1 +0000",
            b"Marco <old> Bianchi <m@x> 1 +0000",
            b"<no@name> 1 +0000",
            b"Nicol\xf2 <n@x> 1 +0000",
            b"Elena <e@x",
            b"Piero p@x> 1 +0000",
            b"Gino >g@x< 1 +0000",
        ];
        for (i, author) in names.iter().enumerate() {
            let parents = if i % 2 == 0 { String::new() } else { format!("parent {parent}\n") };
            let mut text = format!("tree {tree}\n{parents}author ").into_bytes();
            text.extend_from_slice(author);
            text.extend_from_slice(format!("\n{committer}\n\nm\n").as_bytes());
            let id = odb.write(ObjectType::Commit, &text).unwrap();
            let raw = author_name(odb.read(id).unwrap().data()).map(<[u8]>::to_vec);
            match repo.find_commit(id) {
                Ok(commit) => assert_eq!(raw.as_deref(), Some(commit.author().name_bytes()), "{i}"),
                Err(_) => assert_eq!(raw, None, "{i}: libgit2 refuses it"),
            }
        }
        // Not right after the tree and parents, or no author at all: libgit2's to read.
        for text in [
            format!("tree {tree}\n{committer}\nauthor A <a@b> 1 +0000\n\nm\n"),
            format!("tree {tree}\n{committer}\n\nm\n"),
        ] {
            let id = odb.write(ObjectType::Commit, text.as_bytes()).unwrap();
            assert_eq!(author_name(odb.read(id).unwrap().data()), None);
        }
    }
}
