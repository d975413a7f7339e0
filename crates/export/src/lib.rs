//! sohoa-export: archival information packages of TT 05/2025/TT-BNV on E-ARK CSIP, written from
//! the archive's bags and read back (docs/export.md).
//!
//! [`write::export_case`] turns a case's bag into an `AIP_hoso` (the form an archive keeps) or,
//! with `--as sip`, a `SIP_hoso` (for handing over to another archive system): METS, the TT 05
//! descriptive files, PREMIS 3 from the bag's events, the PDF/A bundle and page texts as the
//! representation, the schemas used; optionally zipped. [`read::open`] checks a package file
//! by file against its METS before `sohoa import` (in sohoa-ingest) turns it back into a bag.

// `Problem` is a plain ~170-byte record returned on rare error paths (as in sohoa-archive).
#![allow(clippy::result_large_err)]

pub mod read;
pub mod write;

mod ead;
mod ids;
mod mets;
mod premis;
mod readme;
mod schemas;
mod xml;
mod zip;

pub use read::{open, unzip, Listed, Package};
pub use write::{export_case, Exported, Options, REP, SOHOA_METADATA};
