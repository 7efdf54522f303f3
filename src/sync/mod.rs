//! Team sync through a git remote: record-aware merge, id collisions, fiscal numbers.

pub mod merge;
