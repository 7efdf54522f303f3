//! Saving an edited record, and the `$EDITOR` round trip that `edit` without flags uses.

use std::path::PathBuf;
use std::process::Command;

use crate::desk::{parse_record, to_yaml, Desk, LOCAL_DIR};
use crate::files::write_atomic;
use crate::model::{changed_fields, value_changes, Record};
use crate::{Error, Result};

use super::Ctx;

/// Writes `after` and commits it as `<ID>: edit <fields>`, or says nothing changed.
/// `prepare` runs first: it checks the edited record (when it refuses, the file stays as
/// it was) and may write records that change with it, returning their paths to commit.
pub fn save_edit<T: Record>(
    ctx: &Ctx,
    desk: &Desk,
    before: &T,
    after: &T,
    prepare: impl FnOnce(&T) -> Result<Vec<PathBuf>>,
) -> Result<()> {
    if after.id() != before.id() {
        return Err(Error::refused(format!("the id of {} cannot be changed by an edit", before.id())));
    }
    let fields = changed_fields(&value_changes(before, after));
    if fields.is_empty() {
        ctx.say(format!("{}: nothing changed", before.id()));
        return Ok(());
    }
    let mut paths = prepare(after)?;
    paths.push(desk.write(after)?);
    ctx.commit(desk, &paths, &format!("{}: edit {}", after.id(), fields.join(", ")))?;
    ctx.say(format!("{}: changed {}", after.id(), fields.join(", ")));
    Ok(())
}

/// `edit` without flags: opens the record in the user's editor, then checks and saves what
/// they wrote. A result that does not parse or is refused leaves the record as it was, and
/// the edited text is kept in `.tkt/edit/` so no work is lost.
pub fn edit_in_editor<T: Record>(
    ctx: &Ctx,
    desk: &Desk,
    before: &T,
    prepare: impl FnOnce(&T) -> Result<Vec<PathBuf>>,
) -> Result<()> {
    let (after, file) = run_editor(ctx, desk, before)?;
    match save_edit(ctx, desk, before, &after, prepare) {
        Ok(()) => {
            let _ = std::fs::remove_file(&file);
            Ok(())
        }
        Err(e) => Err(e.with_hint(format!("your edit is kept in {}", file.display()))),
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
        Error::refused(format!("{}\nthe record was not changed", e.message))
            .with_hint(format!("your edit is kept in {}", file.display()))
    })?;
    Ok((edited, file))
}
