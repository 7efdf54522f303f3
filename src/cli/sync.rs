//! `tkt sync`, and the merge driver that lets a plain `git merge` merge records the same way.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::ops::sync::{merge_driver, sync, DriverFiles};
use crate::Result;

use super::Ctx;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tkt sync                 # with the branch's remote (origin)
  tkt sync backup          # with another remote
  tkt sync --resolve       # a fiscal number issued here was taken on the remote meanwhile
Exit codes: 0 synced (conflicts, if any, are recorded in the records and listed by tkt check),
4 a hand edit is not a valid record, 5 the remote cannot be reached or a person must decide.")]
pub struct SyncArgs {
    /// The remote to sync with; the branch's upstream, else origin.
    pub remote: Option<String>,
    /// Take back this clone's fiscal documents whose numbers the remote took meanwhile
    /// (they never reached it, so they were never issued) and issue them again under the
    /// next free numbers.
    #[arg(long)]
    pub resolve: bool,
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
    let terminal = std::io::stderr().is_terminal();
    if terminal {
        ctx.progress_text("syncing…");
    }
    let result = ctx.run(|env| sync(env, args.remote.as_deref(), args.resolve));
    if terminal {
        ctx.progress_text("\r");
    }
    ctx.say(result?.summary());
    Ok(())
}

/// `git merge` calls this for each record changed on both sides. A clean merge, or one
/// whose conflicts are recorded inside the record, exits 0; a file that does not parse, or
/// the same new id on both sides (for `tkt sync` to renumber), exits 1 and leaves ours.
pub fn cmd_merge_driver(ctx: &Ctx, args: MergeDriverArgs) -> Result<()> {
    // `git merge` names the commit it merges in GITHEAD_<commit>; with one, the driver reads
    // the history as tkt sync does, so both pick the same winners.
    let named: Vec<String> =
        std::env::vars_os().filter_map(|(k, _)| k.to_str()?.strip_prefix("GITHEAD_").map(str::to_string)).collect();
    let theirs_commit = match named.as_slice() {
        [one] if one.len() >= 40 && one.chars().all(|c| c.is_ascii_hexdigit()) => Some(one.clone()),
        _ => None,
    };
    let worktree = std::env::current_dir().map_err(|e| crate::Error::failure(format!("no current folder: {e}")))?;
    let files =
        DriverFiles { base: args.base, ours: args.ours, theirs: args.theirs, path: args.path, theirs_commit, worktree };
    let conflicts = merge_driver(ctx.now, &files)?;
    if !conflicts.is_empty() {
        ctx.warn(format!("{}: conflicting {} recorded in the record", files.path.display(), conflicts.join(", ")));
    }
    Ok(())
}
