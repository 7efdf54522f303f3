//! `tkt` keeps after-sales service tickets as YAML records in a git-versioned desk.
//!
//! The crate is laid out by concern: `model` holds the records and ids, `rules` the pure
//! business rules, `desk` the files on disk (config, atomic writes, lock, numbering),
//! `git` the only code that touches git, `render` the output formats, `print` the printed documents, and `cli` the
//! command line that ties them together.

pub mod cli;
pub mod cores;
pub mod desk;
pub mod einvoice;
pub mod error;
pub mod files;
pub mod git;
pub mod intake;
pub mod memory;
pub mod model;
pub mod ops;
pub mod pec;
pub mod print;
pub mod render;
pub mod report;
pub mod rules;
pub mod sync;

pub use error::{Error, ErrorKind, Result};
