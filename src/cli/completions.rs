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
    if shell == Shell::Fish {
        script.extend(fish_positional_values(&cmd).as_bytes());
    }
    out.write_all(&script)?;
    Ok(())
}

/// The values of positional arguments from a closed set (`tkt report summary`, `tkt
/// completions bash`), which clap_complete's fish script does not offer (found by a
/// scripting attack: `tkt report <TAB>` listed files): one `complete` line each.
fn fish_positional_values(cmd: &clap::Command) -> String {
    let mut lines = String::new();
    let mut add = |condition: String, sub: &clap::Command| {
        for arg in sub.get_positionals() {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                lines.push_str(&format!("complete -c tkt -n \"{condition}\" -f -a \"{}\"\n", values.join(" ")));
            }
        }
    };
    for sub in cmd.get_subcommands() {
        add(format!("__fish_tkt_using_subcommand {}", sub.get_name()), sub);
        for inner in sub.get_subcommands() {
            add(
                format!(
                    "__fish_tkt_using_subcommand {}; and __fish_seen_subcommand_from {}",
                    sub.get_name(),
                    inner.get_name()
                ),
                inner,
            );
        }
    }
    lines
}
