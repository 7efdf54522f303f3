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
        write_embedded(&EXAMPLE, dir, files)?;
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

fn write_embedded(src: &Dir<'_>, dest: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for file in src.files() {
        let rel = file.path().to_path_buf();
        if rel == Path::new(".gitignore") {
            continue;
        }
        files.push(rel.clone());
        write_atomic(&dest.join(&rel), file.contents())?;
    }
    // The example's own local folder (made when someone ran tkt on data-example before
    // this binary was built) is not part of it.
    for sub in src.dirs().filter(|d| d.path() != Path::new(LOCAL_DIR)) {
        write_embedded(sub, dest, files)?;
    }
    Ok(())
}
