use std::path::PathBuf;

use clap::Args;

use crate::desk::{init_desk, InitOptions};
use crate::ops::sync::install_merge_driver;
use crate::Result;

use super::Ctx;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new desk (made if missing); the current folder by default.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Fill the desk with the example data of an Italian service business.
    #[arg(long)]
    pub example: bool,
}

pub fn cmd_init(ctx: &Ctx, args: InitArgs) -> Result<()> {
    // `-C DIR` (or TKT_DESK) is where it is made, as `git -C DIR init` (found by a scripting
    // attack: the current folder was made a desk).
    let base = ctx.desk_dir().unwrap_or_else(|| ctx.cwd().to_path_buf());
    let dir = base.join(args.dir.unwrap_or_default());
    // Nor is a desk made in a repository in the middle of a merge or on a detached HEAD:
    // its commit would be on no branch (found by a review).
    if let Some(there) = dir.ancestors().find(|d| d.is_dir()) {
        if let Some(repo) = crate::git::Repo::discover(there)? {
            repo.refuse_unfinished()?;
        }
    }
    let mut done = init_desk(&dir, &InitOptions { example: args.example })?;
    done.files.extend(install_merge_driver(&done.desk)?);
    // Both are the desk's own, also as an init cut short left them (finished now).
    done.files
        .extend([".gitignore", ".gitattributes"].map(PathBuf::from).into_iter().filter(|f| dir.join(f).is_file()));
    if done.created_repo {
        ctx.say(format!("Initialised a git repository in {}", dir.display()));
    }
    let what = if args.example { "example desk" } else { "desk" };
    let env = ctx.env_of(done.desk);
    let committed = env.commit(&done.files, &format!("tkt: new {what}"));
    ctx.show(env.take_notices());
    committed?;
    ctx.say(format!("Created a tkt {what} in {}", dir.display()));
    Ok(())
}
