//! sohoa-audit: the archive read back for inspection (bags -> findings, statistics, letters).
//!
//! [`audit::run`] streams every bag ([`scan`]: loaded by [`case`], kept as a [`digest`], compared
//! across cases by compact keys in [`cross`]) through the "đúng, đủ, sạch, sống" [`checks`];
//! [`stats`] computes the Biểu 06/VPCP/KSTT figures; [`html`], [`tables`] and [`letter`] write
//! what people read. Procedure rules ([`rules`]) and the holiday calendar ([`calendar`]) are data.

pub mod audit;
pub mod calendar;
pub mod case;
pub mod checks;
pub mod codes;
pub mod cross;
pub mod digest;
pub mod finding;
pub mod html;
pub mod letter;
pub mod parallel;
pub mod rules;
pub mod scan;
pub mod stats;
pub mod tables;

pub use finding::{AuditReport, Criterion, Finding};
pub use stats::StatsReport;
