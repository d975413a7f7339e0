//! What `sohoa audit` and `sohoa report` share around their outputs: the archive must be there,
//! and every file they write is written whole (atomically) or reported to people as not written.

use sohoa_audit::tables::write_atomic;
use sohoa_pipeline::problem::Lang;
use std::path::Path;

/// Whether `archive` holds bags; says so on standard error when not.
pub fn archive_present(archive: &Path, lang: Lang) -> bool {
    let ok = archive.join("bags").is_dir();
    if !ok {
        warn!(
            "{} {}",
            lang.pick(
                "Không tìm thấy kho lưu trữ (thiếu thư mục bags/):",
                "Archive not found (no bags/ folder):"
            ),
            archive.display()
        );
    }
    ok
}

/// Writes output files, remembering whether any could not be written.
pub struct Outputs {
    lang: Lang,
    pub failed: bool,
}

impl Outputs {
    pub fn new(lang: Lang) -> Outputs {
        Outputs {
            lang,
            failed: false,
        }
    }

    pub fn write(&mut self, path: &Path, bytes: impl AsRef<[u8]>) {
        if let Err(e) = write_atomic(path, bytes.as_ref()) {
            warn!(
                "{} {}: {e}",
                self.lang.pick("Không ghi được", "Cannot write"),
                path.display()
            );
            self.failed = true;
        }
    }
}
