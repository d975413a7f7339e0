//! sohoa-pipeline: the first half of sohoa's data flow, from scan folders to bags.
//!
//! scans -> [`discover`] -> [`register`] (metadata) -> [`page`] (decode, check, encode) ->
//! [`pdfa`] (one PDF/A-2b bundle per case) -> [`bag`] (BagIt 1.0, SHA-256, PREMIS
//! [`events`]) -> `ARCHIVE/bags/<case id>/`. [`ingest`] runs a whole batch; [`bag::verify`]
//! re-checks every bag's fixity. It does not index or search: that is `sohoa-index`.

// `Problem` is a plain ~130-byte record returned on rare error paths; boxing it would only
// add noise at every call site.
#![allow(clippy::result_large_err)]

pub mod bag;
pub mod discover;
pub mod events;
#[doc(hidden)]
pub mod fuzzing;
pub mod hash;
pub mod index_journal;
pub mod ingest;
pub mod legacy;
pub mod neutralize;
pub mod normalize;
pub mod ocr;
pub mod page;
pub mod pdfa;
pub mod privacy;
pub mod problem;
pub mod record;
pub mod register;
pub mod safe_fs;
pub mod text;

/// Vietnam time (UTC+7, no daylight saving): timestamps in events, XMP and reports.
pub const VN_OFFSET: time::UtcOffset = time::macros::offset!(+7);
