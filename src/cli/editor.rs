//! The `$EDITOR` round trip that `edit` without flags uses.

use std::path::PathBuf;
use std::process::Command;

use crate::desk::{parse_record, to_yaml, Desk, LOCAL_DIR};
use crate::files::write_atomic;
use crate::model::Record;
use crate::ops::Env;
use crate::{Error, Result};

use super::Ctx;

/// `edit` without flags: `save` gets an editing step that opens the record in the user's
/// editor and reads back what they wrote. A result that does not parse or is refused
/// leaves the record as it was, and the edited text is kept in `.tkt/edit/` so no work is
/// lost.
pub fn edit_in_editor<T: Record>(
    ctx: &Ctx,
    save: impl FnOnce(&Env, &mut dyn FnMut(&T) -> Result<T>) -> Result<()>,
) -> Result<()> {
    let mut kept: Option<PathBuf> = None;
    let result = ctx.run(|env| {
        let mut edit = |before: &T| {
            let (after, file) = run_editor(ctx, &env.desk, before)?;
            kept = Some(file);
            Ok(after)
        };
        save(env, &mut edit)
    });
    match (result, kept) {
        (Ok(()), Some(file)) => {
            let _ = std::fs::remove_file(&file);
            Ok(())
        }
        (Err(e), Some(file)) => Err(e.with_hint(format!("your edit is kept in {}", file.display()))),
        (result, None) => result,
    }
}

fn run_editor<T: Record>(ctx: &Ctx, desk: &Desk, record: &T) -> Result<(T, PathBuf)> {
    let Some(editor) = ctx.editor.as_deref() else {
        return Err(Error::usage("no editor: set $EDITOR, or give flags to change fields (see --help)"));
    };
    let words = shell_words::split(editor).map_err(|e| Error::usage(format!("$EDITOR={editor:?}: {e}")))?;
    let (program, args) = words.split_first().ok_or_else(|| Error::usage("$EDITOR is empty"))?;
    let dir = desk.root().join(LOCAL_DIR).join("edit");
    let file: PathBuf = dir.join(format!("{}.yaml", record.id()));
    write_atomic(&file, to_yaml(record)?.as_bytes())?;
    // No shell; the file is an absolute path, so it cannot be read as an option.
    let status = Command::new(program)
        .args(args)
        .arg(&file)
        .status()
        .map_err(|e| Error::failure(format!("cannot start editor {program:?}: {e}")))?;
    if !status.success() {
        return Err(Error::failure(format!("editor {program:?} failed ({status}); nothing changed")));
    }
    let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
    let shown = PathBuf::from(LOCAL_DIR).join("edit").join(format!("{}.yaml", record.id()));
    let edited: T = parse_record(&text, &shown).map_err(|e| {
        Error::refused(format!("{e}\nthe record was not changed"))
            .with_hint(format!("your edit is kept in {}", file.display()))
    })?;
    Ok((edited, file))
}
