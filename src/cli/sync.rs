//! `tkt sync`, and the merge driver that lets a plain `git merge` merge records the same way.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use crate::desk::Desk;
use crate::files::write_atomic;
use crate::model::Kind;
use crate::sync::merge::{merge_record, Side};
use crate::sync::{sync, SyncOptions};
use crate::{Error, Result};

use super::Ctx;

/// The line `.gitattributes` needs for the merge driver.
pub const ATTRIBUTES: &str = "*.yaml merge=tkt";

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkt sync                 # with the branch's remote (origin)
  tkt sync backup          # with another remote
Exit codes: 0 synced (conflicts, if any, are recorded in the records and listed by tkt check),
4 a hand edit is not a valid record, 5 the remote cannot be reached or a person must decide.")]
pub struct SyncArgs {
    /// The remote to sync with; the branch's upstream, else origin.
    pub remote: Option<String>,
}

#[derive(Debug, Args)]
pub struct MergeDriverArgs {
    /// The common ancestor's version (%O).
    pub base: PathBuf,
    /// Our version (%A); the result is written here.
    pub ours: PathBuf,
    /// Their version (%B).
    pub theirs: PathBuf,
    /// The file's path in the repository (%P).
    pub path: PathBuf,
}

pub fn cmd_sync(ctx: &Ctx, args: SyncArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let _lock = ctx.lock(&desk)?;
    install_merge_driver(&desk)?;
    let terminal = std::io::stderr().is_terminal();
    if terminal {
        eprint!("syncing…");
        let _ = std::io::stderr().flush();
    }
    let result = sync(
        &desk,
        &ctx.author(&desk),
        &SyncOptions { remote: args.remote.as_deref(), interactive: ctx.stdin_is_terminal },
    );
    if terminal {
        eprint!("\r");
    }
    let report = result?;
    ctx.say(report.summary());
    Ok(())
}

/// Writes `.gitattributes` (when it lacks the line) and points the repository's merge
/// driver at this tkt. Returns the attributes file when it was written.
pub fn install_merge_driver(desk: &Desk) -> Result<Option<PathBuf>> {
    let Some(repo) = desk.repo() else { return Ok(None) };
    let exe = std::env::current_exe().map_err(|e| Error::failure(format!("cannot find the tkt program: {e}")))?;
    let quoted = format!("'{}'", exe.display().to_string().replace('\'', r"'\''"));
    repo.set_merge_driver(&format!("{quoted} merge-driver %O %A %B %P"))?;
    let rel = PathBuf::from(".gitattributes");
    let path = desk.abs(&rel);
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current.lines().any(|l| l.trim() == ATTRIBUTES) {
        return Ok(None);
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# tkt merges records field by field (tkt sync, git merge)\n");
    text.push_str(ATTRIBUTES);
    text.push('\n');
    write_atomic(&path, text.as_bytes())?;
    Ok(Some(rel))
}

/// `git merge` calls this for each record changed on both sides. A clean merge, or one
/// whose conflicts are recorded inside the record, exits 0; a file that does not parse, or
/// the same new id on both sides (for `tkt sync` to renumber), exits 1 and leaves ours.
pub fn cmd_merge_driver(ctx: &Ctx, args: MergeDriverArgs) -> Result<()> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| Error::io(p, e));
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let kind = (0..args.path.components().count())
        .find_map(|skip| Desk::kind_of_path(&args.path.components().skip(skip).collect::<PathBuf>()));
    if base.is_empty() && kind.is_some_and(Kind::is_numbered) {
        return Err(Error::busy(format!(
            "{}: both sides created this record; run tkt sync, which renumbers the unpublished one",
            args.path.display()
        )));
    }
    let parse = |bytes: &[u8], side: &str| {
        crate::model::from_yaml::<serde_yaml::Value>(bytes)
            .map_err(|e| Error::busy(format!("{}: the {side} version does not parse: {e}", args.path.display())))
    };
    let base = if base.is_empty() { None } else { Some(parse(&base, "common")?) };
    let merged = merge_record(
        base.as_ref(),
        &parse(&ours, "local")?,
        &parse(&theirs, "other")?,
        [&Side::default(), &Side::default()],
        &ctx.now.to_rfc3339(),
    );
    let text = serde_yaml::to_string(&merged.value).map_err(|e| Error::failure(e.to_string()))?;
    write_atomic(&args.ours, text.as_bytes())?;
    if !merged.conflicts.is_empty() {
        ctx.warn(format!(
            "{}: conflicting {} recorded in the record",
            args.path.display(),
            merged.conflicts.join(", ")
        ));
    }
    Ok(())
}
