//! `tkt init`: a new desk with the default catalog, or the embedded example desk.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use super::{Desk, LOCAL_DIR};
use crate::files::write_atomic;
use crate::git::Repo;
use crate::model::{default_catalog, Kind, CONFIG_FILE, DEFAULT_CONFIG};
use crate::{Error, Result};

/// `data-example/`, built into the binary so `tkt init --example` works after install.
static EXAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/data-example");

/// The commits that made `data-example/` (`git fast-export` of the desk that
/// `tests/data-example.sh` builds), each dated when its command ran, with the tag
/// `2026-Q3`: `tkt init --example` replays them, so `--as-of` has a year to look at.
static EXAMPLE_HISTORY: &[u8] = include_bytes!("example-history.fast-export");

pub struct InitOptions {
    pub example: bool,
}

/// What `init_desk` did: the desk, the files it wrote, and whether it ran `git init`.
pub struct Initialised {
    pub desk: Desk,
    pub files: Vec<PathBuf>,
    pub created_repo: bool,
}

/// Creates a desk in `dir` (made if missing). Refuses a folder that already holds one —
/// but for an init cut short (killed before its first commit), which it finishes: its
/// files, as init writes them, are no one else's work.
pub fn init_desk(dir: &Path, opts: &InitOptions) -> Result<Initialised> {
    let planned = planned_files(opts)?;
    let unchanged = |rel: &Path, content: &[u8]| std::fs::read(dir.join(rel)).is_ok_and(|b| b == content);
    if dir.join(CONFIG_FILE).exists() {
        let config = planned.iter().find(|(rel, _)| rel == Path::new(CONFIG_FILE)).map(|(_, c)| c.as_slice());
        let cut_short = Repo::discover(dir)?.is_some_and(|r| !r.has_commits())
            && config.is_some_and(|c| unchanged(Path::new(CONFIG_FILE), c));
        if !cut_short {
            return Err(Error::refused(format!("{}: already a tkt desk ({CONFIG_FILE} exists)", dir.display())));
        }
    }
    // A desk inside a desk would be committed into the outer one's history, where its
    // files are no records of that desk (found by a review: `tkt init --example demo` in
    // the office's desk broke its check and its sync).
    let abs = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
    if let Some(outer) = abs.ancestors().skip(1).find(|a| a.join(CONFIG_FILE).is_file()) {
        return Err(Error::refused(format!("{}: inside the desk {}", dir.display(), outer.display()))
            .with_hint("make the new desk in a folder outside it (e.g. tkt init /tmp/prova --example)"));
    }
    // Nothing already in the folder is written over: a file of the same name may be
    // someone's work, in no commit (unless it is what init writes there).
    let taken: Vec<String> = planned
        .iter()
        .filter(|(rel, content)| std::fs::symlink_metadata(dir.join(rel)).is_ok() && !unchanged(rel, content))
        .map(|(rel, _)| rel.display().to_string())
        .collect();
    if !taken.is_empty() {
        return Err(Error::refused(format!(
            "{}: init would write over files already there: {}",
            dir.display(),
            taken.join(", ")
        ))
        .with_hint("make the desk in an empty folder, or move those files away first"));
    }
    crate::files::create_dirs(dir)?;
    let created_repo = match Repo::discover(dir)? {
        Some(repo) => {
            crate::files::share_like_git(repo.shared_perm());
            false
        }
        None => {
            Repo::init(dir)?;
            true
        }
    };
    let gitignore = dir.join(".gitignore");
    let old_gitignore = std::fs::read_to_string(&gitignore).ok();
    let mut files = Vec::new();
    let result = write_desk(dir, &planned, old_gitignore.as_deref(), &mut files).and_then(|desk| {
        // The temp files of an init killed while writing: no journal says so, so no later
        // command would remove them (found by a careless-office attack: a nightly check
        // failed for good).
        for temp in desk.leftover_temp_files()? {
            let abs = dir.join(&temp);
            std::fs::remove_file(&abs).map_err(|e| Error::io(&abs, e))?;
        }
        // In a repository with no commit yet, the example comes with its year of history;
        // the caller's commit then adds what the history lacks (web/, examples/).
        if let Some(repo) = desk.repo().filter(|r| opts.example && !r.has_commits()) {
            if let Some(last) = repo.replay_history(EXAMPLE_HISTORY)? {
                files.extend(repo.desk_files_at(&last.to_string())?.into_iter().map(|(p, _)| p));
            }
        }
        Ok(desk)
    });
    if result.is_err() {
        // Leave the folder as it was: remove what this init wrote.
        for f in &files {
            let _ = std::fs::remove_file(dir.join(f));
        }
        if let Some(old) = &old_gitignore {
            let _ = std::fs::write(&gitignore, old);
        }
        if created_repo {
            let _ = std::fs::remove_dir_all(dir.join(".git"));
        }
    }
    let desk = result?;
    files.sort();
    files.dedup();
    Ok(Initialised { desk, files, created_repo })
}

/// The files init writes, each with its content, `tkt.toml` last: until it is written the
/// folder is no desk, so an init cut short before it leaves nothing another command takes
/// for one.
fn planned_files(opts: &InitOptions) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut planned: Vec<(PathBuf, Vec<u8>)> = if opts.example {
        let mut all = Vec::new();
        embedded_files(&EXAMPLE, &mut all);
        all.into_iter().map(|f| (f.path().to_path_buf(), f.contents().to_vec())).collect()
    } else {
        let states = default_catalog()
            .into_iter()
            .map(|s| Ok((Kind::State.path_for(&s.id)?, super::store::to_yaml(&s)?.into_bytes())));
        let config = std::iter::once(Ok((PathBuf::from(CONFIG_FILE), DEFAULT_CONFIG.as_bytes().to_vec())));
        config.chain(states).collect::<Result<_>>()?
    };
    planned.sort_by_key(|(rel, _)| rel == Path::new(CONFIG_FILE));
    Ok(planned)
}

/// Writes the desk's files, listing each in `files` before it is written.
fn write_desk(
    dir: &Path,
    planned: &[(PathBuf, Vec<u8>)],
    old_gitignore: Option<&str>,
    files: &mut Vec<PathBuf>,
) -> Result<Desk> {
    // The local folder is ignored; a .gitignore the folder already has is kept and extended.
    let ignore_line = format!("/{LOCAL_DIR}/");
    let gitignore = match old_gitignore {
        Some(old) if old.lines().any(|l| l.trim() == ignore_line) => None,
        Some(old) => {
            Some(format!("{}{}{ignore_line}\n", old, if old.ends_with('\n') || old.is_empty() { "" } else { "\n" }))
        }
        None => Some(format!("{ignore_line}\n")),
    };
    if let Some(text) = gitignore {
        files.push(PathBuf::from(".gitignore"));
        write_atomic(&dir.join(".gitignore"), text.as_bytes())?;
    }
    for (rel, content) in planned {
        files.push(rel.clone());
        write_atomic(&dir.join(rel), content)?;
    }
    Desk::open(dir.to_path_buf())
}

/// The example's files as `init --example` writes them: all but its `.gitignore` (the
/// folder's own is extended instead) and its local folder (made when someone ran tkt on
/// data-example before this binary was built).
fn embedded_files<'a>(src: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
    out.extend(src.files().filter(|f| f.path() != Path::new(".gitignore")));
    for sub in src.dirs().filter(|d| d.path() != Path::new(LOCAL_DIR)) {
        embedded_files(sub, out);
    }
}
