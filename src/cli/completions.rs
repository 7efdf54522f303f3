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
    let mut cmd = offered(super::command());
    let shell = match args.target {
        Target::Bash => Shell::Bash,
        Target::Zsh => Shell::Zsh,
        Target::Fish => Shell::Fish,
        Target::Elvish => Shell::Elvish,
        Target::Powershell => Shell::PowerShell,
        Target::Man => {
            out.write_all(&man_page(cmd)?)?;
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

/// The command line as completions offer it: without hidden commands (git's merge driver,
/// which clap_complete offers all the same).
fn offered(cmd: clap::Command) -> clap::Command {
    let commands: Vec<clap::Command> = cmd.get_subcommands().filter(|c| !c.is_hide_set()).cloned().collect();
    let mut shown = clap::Command::new("tkt")
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(true)
        .subcommand_required(cmd.is_subcommand_required_set())
        .args(cmd.get_arguments().cloned())
        .subcommands(commands);
    if let Some(about) = cmd.get_about() {
        shown = shown.about(about.clone());
    }
    if let Some(about) = cmd.get_long_about() {
        shown = shown.long_about(about.clone());
    }
    shown
}

/// One man page for the whole tool: every command, `tkt ticket create` included, with what
/// it does (clap_mangen's section of subcommands names a page per command, `tkt-init(1)`,
/// which no one installs; `tkt COMMAND --help` has their options).
fn man_page(cmd: clap::Command) -> Result<Vec<u8>> {
    fn roff(text: &str) -> String {
        let text = text.replace('\\', "\\e").replace('-', "\\-").replace('\'', "\\(aq");
        if text.starts_with('.') {
            format!("\\&{text}")
        } else {
            text
        }
    }
    fn commands(cmd: &clap::Command, path: &str, page: &mut String) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
            let path = format!("{path} {}", sub.get_name());
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            page.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(&path), roff(&about)));
            commands(sub, &path, page);
        }
    }
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    let mut list = String::from(".SH COMMANDS\nEach command's options: \\fBtkt COMMAND \\-\\-help\\fR.\n");
    commands(&cmd, "tkt", &mut list);
    page.extend(list.as_bytes());
    man.render_version_section(&mut page)?;
    Ok(page)
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
