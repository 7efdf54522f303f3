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

/// Creates a desk in `dir` (made if missing). Refuses a folder that already holds one.
pub fn init_desk(dir: &Path, opts: &InitOptions) -> Result<Initialised> {
    if dir.join(CONFIG_FILE).exists() {
        return Err(Error::refused(format!("{}: already a tkt desk ({CONFIG_FILE} exists)", dir.display())));
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
    // someone's work, in no commit.
    let planned: Vec<PathBuf> = if opts.example {
        let mut all = Vec::new();
        embedded_files(&EXAMPLE, &mut all);
        all.into_iter().map(|f| f.path().to_path_buf()).collect()
    } else {
        let states = default_catalog().into_iter().map(|s| Kind::State.path_for(&s.id));
        std::iter::once(Ok(PathBuf::from(CONFIG_FILE))).chain(states).collect::<Result<_>>()?
    };
    let taken: Vec<String> = planned
        .iter()
        .filter(|rel| std::fs::symlink_metadata(dir.join(rel)).is_ok())
        .map(|rel| rel.display().to_string())
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
    let result = write_desk(dir, opts, old_gitignore.as_deref(), &mut files).and_then(|desk| {
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

/// Writes the desk's files, listing each in `files` before it is written.
fn write_desk(dir: &Path, opts: &InitOptions, old_gitignore: Option<&str>, files: &mut Vec<PathBuf>) -> Result<Desk> {
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
    if opts.example {
        let mut example = Vec::new();
        embedded_files(&EXAMPLE, &mut example);
        for file in example {
            files.push(file.path().to_path_buf());
            write_atomic(&dir.join(file.path()), file.contents())?;
        }
    } else {
        files.push(PathBuf::from(CONFIG_FILE));
        write_atomic(&dir.join(CONFIG_FILE), DEFAULT_CONFIG.as_bytes())?;
    }
    let desk = Desk::open(dir.to_path_buf())?;
    if !opts.example {
        for state in default_catalog() {
            files.push(Kind::State.path_for(&state.id)?);
            desk.write(&state)?;
        }
    }
    Ok(desk)
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
