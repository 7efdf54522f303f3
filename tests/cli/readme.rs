//! The README's examples, run as a new user would run them: every ```sh block of the
//! sections below, in order, in one shell, with `tkt` on the PATH, in a temporary home.
//! A command that fails, or whose output differs from the `#   ` lines shown under it,
//! fails the test. The convention is written in the README's Development section.

use std::path::Path;
use std::process::Command;

use crate::common::hermetic_env;

/// The sections whose ```sh blocks are run (with their ### subsections).
const RUN: &[&str] =
    &["A five-minute tour", "Requests, e-mail and the support form", "Documents and billing", "Reports", "Scripting"];

/// A command of the README, where it is, and the output shown under it.
struct Example {
    line: usize,
    command: String,
    shown: Vec<String>,
}

/// The commands of the ```sh blocks (not ```sh no-run, nor any other language) of the
/// sections in [`RUN`].
fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut section = "";
    let mut lines = readme.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim();
            continue;
        }
        let Some(info) = line.strip_prefix("```") else { continue };
        let words: Vec<&str> = info.split_whitespace().collect();
        let run = words.first() == Some(&"sh") && !words.contains(&"no-run") && RUN.contains(&section);
        let mut heredoc: Option<String> = None;
        let mut continued = false;
        for (j, line) in lines.by_ref() {
            if line.starts_with("```") && heredoc.is_none() {
                break;
            }
            if !run {
                continue;
            }
            if let Some(end) = &heredoc {
                let last = out.last_mut().expect("a heredoc follows its command");
                last.command.push('\n');
                last.command.push_str(line);
                if line.trim() == end {
                    heredoc = None;
                }
                continue;
            }
            if continued {
                let last = out.last_mut().expect("a continued line follows its command");
                last.command.push('\n');
                last.command.push_str(line);
                continued = line.trim_end().ends_with('\\');
                continue;
            }
            if let Some(shown) = line.strip_prefix("#   ") {
                out.last_mut().expect("shown output follows a command").shown.push(shown.to_string());
            } else if !(line.trim().is_empty() || line.starts_with('#')) {
                out.push(Example { line: j + 1, command: line.to_string(), shown: vec![] });
                continued = line.trim_end().ends_with('\\');
                // `<<WORD`, `<<'WORD'` or `<<-WORD` opens a here-document; `<<<` does not.
                heredoc = line.split_once("<<").filter(|(_, rest)| !rest.starts_with('<')).map(|(_, rest)| {
                    let word = rest.trim_start_matches('-').split_whitespace().next().unwrap_or_default();
                    word.trim_matches(['\'', '"']).to_string()
                });
            }
        }
    }
    out
}

/// Spaces collapsed, so that a table's padding may change with its widest cell.
fn squeeze(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_readme_examples_run_and_show_what_they_print() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() > 40, "only {} commands found in the README", examples.len());
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    // One shell runs them all, so that `cd` and variables carry on as in a terminal;
    // each command's output and exit code go to files of their own.
    let mut script = String::from("cd ~\n");
    for (n, e) in examples.iter().enumerate() {
        script.push_str(&format!(
            "{{ {}\n}} > '{dir}/{n}.out' 2> '{dir}/{n}.err' < /dev/null; echo $? > '{dir}/{n}.rc'\n",
            e.command,
            dir = out.display()
        ));
    }
    let bin = assert_cmd::cargo::cargo_bin("tkt");
    let path = std::env::join_paths(
        std::iter::once(bin.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    // The environment of the other tests (clock, user, home, no global git config), with
    // tkt on the PATH and a git identity for the README's own `git commit`.
    let mut bash = Command::new("bash");
    bash.arg("-c").arg(&script).env_clear();
    for (k, v) in hermetic_env(&home) {
        bash.env(k, v);
    }
    let status = bash
        .env("PATH", path)
        .env("GIT_AUTHOR_NAME", "anna")
        .env("GIT_AUTHOR_EMAIL", "anna@example.com")
        .env("GIT_COMMITTER_NAME", "anna")
        .env("GIT_COMMITTER_EMAIL", "anna@example.com")
        .status()
        .unwrap();
    assert!(status.success(), "the README's script could not run");
    let mut failures = Vec::new();
    for (n, e) in examples.iter().enumerate() {
        let read = |ext: &str| std::fs::read_to_string(out.join(format!("{n}.{ext}"))).unwrap_or_default();
        let (rc, stdout, stderr) = (read("rc"), read("out"), read("err"));
        let at = format!("README.md:{}: {}", e.line, e.command.lines().next().unwrap_or_default());
        if std::env::var_os("README_DUMP").is_some() {
            eprintln!("{at}\n  exit {}\n{stderr}{stdout}", rc.trim());
        }
        if rc.trim() != "0" {
            failures.push(format!("{at}\n  exit {}\n  {}", rc.trim(), stderr.trim().replace('\n', "\n  ")));
            continue;
        }
        if e.shown.is_empty() {
            continue;
        }
        // What a terminal shows: messages (stderr) first here, then the output.
        let printed: Vec<String> = stderr.lines().chain(stdout.lines()).map(squeeze).collect();
        let shown: Vec<String> = e.shown.iter().map(|l| squeeze(l)).collect();
        if printed != shown {
            failures.push(format!(
                "{at}\n  the README shows:\n    {}\n  it prints:\n    {}",
                shown.join("\n    "),
                printed.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{} README example(s) fail:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn the_parser_finds_commands_output_and_markers() {
    let readme =
        "## A five-minute tour\n```sh\ntkt a \\\n  --b   # c\n#   out\n# a comment\ncat <<'EOF'\n```\nEOF\ncat <<< x\n```\n\
                  ```sh no-run\ntkt skipped\n```\n## Install\n```sh\ntkt elsewhere\n```\n";
    let found = examples(readme);
    let commands: Vec<&str> = found.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(commands, ["tkt a \\\n  --b   # c", "cat <<'EOF'\n```\nEOF", "cat <<< x"]);
    assert_eq!(found[0].shown, ["out"]);
    assert_eq!(found[0].line, 3);
}
