use std::io::Write;

use clap::{Args, ValueEnum};
use clap_complete::Shell;

use crate::Result;

use super::Ctx;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for, or `man` for the man page (roff).
    #[arg(value_enum)]
    pub target: Target,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Target {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
    Man,
}

/// Prints a completion script; install it like `tkt completions bash > ~/.local/share/bash-completion/completions/tkt`.
pub fn cmd_completions(_ctx: &Ctx, args: CompletionsArgs) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut cmd = super::command();
    let shell = match args.target {
        Target::Bash => Shell::Bash,
        Target::Zsh => Shell::Zsh,
        Target::Fish => Shell::Fish,
        Target::Elvish => Shell::Elvish,
        Target::Powershell => Shell::PowerShell,
        Target::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            out.write_all(&page)?;
            return Ok(());
        }
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "tkt", &mut script);
    out.write_all(&script)?;
    Ok(())
}
