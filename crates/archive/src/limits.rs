//! What one input file may ask for before it is refused (decoding bombs, huge registers): the
//! `[limits]` table of a profile (docs/profiles.md), shared by the page decoders and the
//! register readers, and left out of the profile fingerprint.

use serde::{Deserialize, Serialize};

/// Decoding limits, checked before anything is allocated: over a limit, the file is refused
/// with a clear error for its case (or its register) and the batch goes on. Memory stays
/// bounded by `--jobs` × these limits whatever the input declares.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Pixels of one page (width × height) at most; an A0 sheet at 300 dpi has 139 million.
    pub max_page_pixels: u64,
    /// Bytes of one scan file at most.
    pub max_file_bytes: u64,
    /// Pages (frames) of one multi-page file at most.
    pub max_pages_per_file: u32,
    /// Bytes of a register file (XLSX, XLS, ODS, CSV) at most.
    pub max_register_bytes: u64,
    /// Bytes a workbook may unpack to (the XML inside an XLSX/ODS zip) at most.
    pub max_register_unpacked_bytes: u64,
    /// Cells of a register (all sheets) at most.
    pub max_register_cells: u64,
    /// Characters of one register cell at most (Excel's own limit is 32,767).
    pub max_cell_chars: usize,
    /// Bytes of a `hoso.json` sidecar or a mapping file at most.
    pub max_sidecar_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_page_pixels: 150_000_000,
            max_file_bytes: 512 * 1024 * 1024,
            max_pages_per_file: 2_000,
            max_register_bytes: 100 * 1024 * 1024,
            max_register_unpacked_bytes: 128 * 1024 * 1024,
            max_register_cells: 5_000_000,
            max_cell_chars: 32_767,
            max_sidecar_bytes: 1024 * 1024,
        }
    }
}
