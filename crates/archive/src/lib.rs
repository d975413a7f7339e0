//! sohoa-archive: the on-disk contract of a sohoa archive, and the only code that reads it.
//!
//! Every other crate of the workspace sits on this one (docs/architecture.md). It holds what a
//! bag *is*: the typed case record (`data/metadata.json`, [`record`]), the PREMIS event log
//! (`data/events.json`, [`events`]), BagIt tag files and manifests ([`bag`]), the archive's
//! folders ([`layout`]) and the one way into them ([`store`], [`safe_fs`]); and the vocabulary
//! every step shares: [`problem::Problem`] and [`problem::Lang`], text normalization
//! ([`text`]), values as people type them ([`values`]), time formats ([`time_format`]),
//! identity-number privacy ([`privacy`]) and input [`limits`].
//!
//! Records are written strictly (one type per file, every field in a fixed order) and read
//! leniently: older schema versions and damaged records load, with what is missing named
//! ([`record::load`]).

// `Problem` is a plain ~130-byte record returned on rare error paths; boxing it would only
// add noise at every call site.
#![allow(clippy::result_large_err)]

pub mod bag;
pub mod catalog;
pub mod code_lists;
pub mod events;
pub mod hash;
pub mod index_journal;
pub mod layout;
pub mod limits;
pub mod neutralize;
pub mod privacy;
pub mod problem;
pub mod record;
pub mod remote;
pub mod safe_fs;
pub mod store;
pub mod text;
pub mod time_format;
pub mod values;

pub use problem::{Lang, Problem, Severity};
pub use time_format::VN_OFFSET;
