//! Changing a record that exists: by fields or by hand, checked before anything is written,
//! committed as `<ID>: edit <fields>`.

use std::path::PathBuf;

use crate::model::{changed_fields, value_changes, Keyed, Record};
use crate::{Error, Result};

use super::Env;

/// Loads record `id` under the desk's lock, lets `change` make the new version (from flags,
/// or by hand in an editor), then saves it with [`save_edit`].
pub fn edit_record<T: Keyed>(
    env: &Env,
    id: &str,
    change: impl FnOnce(&T) -> Result<T>,
    prepare: impl FnOnce(&T, &T) -> Result<Vec<PathBuf>>,
) -> Result<()> {
    let _lock = env.lock()?;
    let before: T = env.desk.load(id)?;
    let after = change(&before)?;
    save_edit(env, &before, &after, |after| prepare(&before, after))
}

/// Writes `after` and commits it as `<ID>: edit <fields>`, or says nothing changed.
/// `prepare` runs first: it checks the edited record (when it refuses, the file stays as
/// it was) and may write records that change with it, returning their paths to commit.
/// Call it holding the lock.
pub fn save_edit<T: Record>(
    env: &Env,
    before: &T,
    after: &T,
    prepare: impl FnOnce(&T) -> Result<Vec<PathBuf>>,
) -> Result<()> {
    if after.id() != before.id() {
        return Err(Error::refused(format!("the id of {} cannot be changed by an edit", before.id())));
    }
    let fields = changed_fields(&value_changes(before, after));
    if fields.is_empty() {
        env.say(format!("{}: nothing changed", before.id()));
        return Ok(());
    }
    let mut paths = prepare(after)?;
    paths.push(env.desk.write(after)?);
    env.commit(&paths, &format!("{}: edit {}", after.id(), fields.join(", ")))?;
    env.say(format!("{}: changed {}", after.id(), fields.join(", ")));
    Ok(())
}
