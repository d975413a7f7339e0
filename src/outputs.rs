//! What `sohoa audit` and `sohoa report` share around their outputs: the archive must be there,
//! and every file they write is written whole (atomically) or reported to people as not written.

use crate::exit::CannotRun;
use sohoa_archive::problem::Lang;
use sohoa_audit::tables::write_atomic;
use std::path::Path;

/// `archive` must hold bags: why the command cannot run when it does not.
pub fn archive_present(archive: &Path, lang: Lang) -> Result<(), CannotRun> {
    if sohoa_archive::remote::is_archive(archive) {
        return Ok(());
    }
    Err(cannot!(
        "{} {}",
        lang.pick(
            "Không tìm thấy kho lưu trữ (thiếu thư mục bags/):",
            "Archive not found (no bags/ folder):"
        ),
        archive.display()
    ))
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
