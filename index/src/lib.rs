//! sohoa-index: the search side of the archive (bags -> tantivy index -> search).
//!
//! The index is derived from the bags and can always be rebuilt from them; it is filled
//! in by the search issue. This crate is deliberately empty until then.
