use std::path::{Path, PathBuf};

use clap::Args;

use crate::desk::Desk;
use crate::files::write_atomic;
use crate::ops::documents::render_document;
use crate::print::PrintFormat;
use crate::{Error, Result};

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct DocPrintArgs {
    pub id: String,
    /// text for a terminal or a printer; html for one self-contained page with print CSS.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: PrintFormat,
    /// Write to FILE instead of standard output: a .txt file for text, .html for html;
    /// never a file inside the desk.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn cmd_doc_print(ctx: &Ctx, args: DocPrintArgs) -> Result<()> {
    let desk = ctx.open_desk()?;
    let output = args.output.map(|p| ctx.cwd().join(p));
    if let Some(path) = &output {
        check_output(&desk, path, args.format)?;
    }
    let doc = desk.load_doc(&args.id)?;
    let page = render_document(&desk, &doc, args.format)?;
    match output {
        Some(path) => {
            write_atomic(&path, page.as_bytes())?;
            ctx.say(format!("{}: printed to {}", doc.id, path.display()));
        }
        None => ctx.print_text(&page)?,
    }
    Ok(())
}

/// Refuses a file name whose extension promises another format (`-o x.pdf` would hold
/// text), and any existing file inside the desk (a record, `tkt.toml`, an attachment).
fn check_output(desk: &Desk, path: &Path, format: PrintFormat) -> Result<()> {
    if let Some(ext) = path.extension().map(|e| e.to_string_lossy().to_lowercase()) {
        let allowed = format.file_extensions();
        if !allowed.contains(&ext.as_str()) {
            return Err(Error::usage(format!(
                "--output {}: a .{ext} file cannot hold a {} page (use .{})",
                path.display(),
                format!("{format:?}").to_lowercase(),
                allowed[0]
            ))
            .with_hint("tkt prints text or HTML (-f html); print the HTML page to PDF from a browser"));
        }
    }
    // Resolved through links, so a link outside that points in is caught too.
    let real = |p: &Path| std::fs::canonicalize(p).ok();
    let inside = |p: &Path| real(desk.root()).zip(real(p)).is_some_and(|(root, p)| p.starts_with(root));
    if std::fs::symlink_metadata(path).is_ok() && inside(path) {
        return Err(Error::refused(format!(
            "--output {}: the file is inside the desk; tkt does not overwrite it",
            path.display()
        ))
        .with_hint("write the page outside the desk, or to a new file"));
    }
    Ok(())
}
