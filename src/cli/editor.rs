//! The `$EDITOR` round trip that `edit` without flags uses.

use std::path::PathBuf;
use std::process::Command;

use crate::desk::Desk;
use crate::model::{Keyed, Record};
use crate::ops::Env;
use crate::{Error, Result};

use super::Ctx;

/// `edit` without flags: the record opens in the user's editor — with no lock held, so a
/// technician who leaves it open blocks no other command — and `save` then gets an
/// editing step that gives what they wrote, refused when the record changed meanwhile. A
/// result that does not parse or is refused leaves the record as it was, and the edited
/// text is kept in `.tkt/edit/` so no work is lost; a kept edit is never written over.
pub fn edit_in_editor<T: Keyed>(
    ctx: &Ctx,
    id: &str,
    save: impl FnOnce(&Env, &mut dyn FnMut(&T) -> Result<T>) -> Result<()>,
) -> Result<()> {
    let (before, edited, file) = ctx.run(|env| {
        // Said before the editor opens, not after the user's work (found by a review).
        env.desk.refuse_unsharded()?;
        let before: T = env.desk.load(id)?;
        let (edited, file) = run_editor(ctx, &env.desk, &before)?;
        Ok((before, edited, file))
    })?;
    let written = std::fs::read(&file).ok().and_then(|bytes| crate::desk::decode_text(bytes, &file).ok());
    if let (true, Some(text)) = (edited == before, &written) {
        // Only comments changed, if anything: they are the user's to write.
        return match ctx.run(|env| save_comments(env, id, &before, text)) {
            Ok(()) => {
                let _ = std::fs::remove_file(&file);
                Ok(())
            }
            Err(e) => Err(e.with_hint(format!("your edit is kept in {}", file.display()))),
        };
    }
    let result = ctx.run(|env| {
        // The comments the user wrote (or removed) in the editor are the record's now.
        if let (Some(text), Ok(rel)) = (written.clone(), T::KIND.path_for(id)) {
            env.desk.comments_from(rel, text);
        }
        let mut edit = |current: &T| {
            if *current != before {
                return Err(Error::busy(format!("{id} changed while it was in your editor; nothing was saved")));
            }
            Ok(edited.clone())
        };
        save(env, &mut edit)
    });
    match result {
        Ok(()) => {
            let _ = std::fs::remove_file(&file);
            Ok(())
        }
        Err(e) => Err(e.with_hint(format!("your edit is kept in {}", file.display()))),
    }
}

/// Writes a record unchanged but for the comments the user wrote in the editor: committed
/// when the file changed, else nothing to do.
fn save_comments<T: Keyed>(env: &Env, id: &str, before: &T, text: &str) -> Result<()> {
    let _lock = env.lock()?;
    let current: T = env.desk.load(id)?;
    if current != *before {
        return Err(Error::busy(format!("{id} changed while it was in your editor; nothing was saved")));
    }
    let rel = T::KIND.path_for(id)?;
    // What tkt writes of the record anyway, with the file's comments, against what it
    // would write with the editor's: the same, and nothing of the user's changed.
    let old = crate::desk::read_text(&env.desk.abs(&rel), &rel)?;
    let yaml = crate::desk::to_yaml(&current)?;
    if crate::desk::keep_comments(text, &yaml) == crate::desk::keep_comments(&old, &yaml) {
        env.say(format!("{id}: nothing changed"));
        return Ok(());
    }
    env.desk.comments_from(rel.clone(), text.to_string());
    env.desk.write(&current)?;
    env.commit(&[rel], &format!("{id}: comments edited"))
}

fn run_editor<T: Record>(ctx: &Ctx, desk: &Desk, record: &T) -> Result<(T, PathBuf)> {
    let Some(editor) = ctx.editor.as_deref() else {
        return Err(Error::usage("no editor: set $EDITOR, or give flags to change fields (see --help)"));
    };
    let words = shell_words::split(editor).map_err(|e| Error::usage(format!("$EDITOR={editor:?}: {e}")))?;
    let (program, args) = words.split_first().ok_or_else(|| Error::usage("$EDITOR is empty"))?;
    let file = desk.start_edit(record)?;
    // No shell; the file is an absolute path, so it cannot be read as an option.
    let status = match Command::new(program).args(args).arg(&file).status() {
        Ok(status) => status,
        // No editor ran: there is no text of the user's to keep.
        Err(e) => {
            let _ = std::fs::remove_file(&file);
            return Err(Error::usage(format!("cannot start editor {program:?} ($EDITOR): {e}; nothing changed")));
        }
    };
    if !status.success() {
        let _ = std::fs::remove_file(&file);
        return Err(Error::failure(format!("editor {program:?} failed ({status}); nothing changed")));
    }
    // An editor (or a person in it) that deleted the file: nothing to take (found by an
    // office attack: a raw "No such file or directory", exit 1).
    if std::fs::symlink_metadata(&file).is_err() {
        return Err(Error::refused(format!("the edited file is gone ({}): nothing changed", file.display()))
            .with_hint("to delete a record, use its delete command where it has one"));
    }
    Ok((desk.finish_edit(&file)?, file))
}
