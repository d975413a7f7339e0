//! `sohoa withdraw CASE --reason`: moves a case out of the archive (nothing deleted), then
//! brings the search index level so the case is no longer found. Exit 0 done, 1 the bag is
//! damaged (not withdrawn), 2 cannot run (no such case, archive locked).

use crate::exit::{CannotRun, Done, Ran};
use sohoa_archive::problem::Lang;
use sohoa_ingest::withdraw;
use std::path::Path;

pub fn run(archive: &Path, case: &str, reason: &str, json: bool, lang: Lang) -> Ran {
    let catalog = sohoa_index::Catalog::open(archive);
    let report = match withdraw(
        archive,
        case,
        reason,
        crate::operator().as_deref(),
        &catalog,
    ) {
        Ok(r) => r,
        Err(p) => {
            let why = format!(
                "{}: {}",
                lang.pick("Không rút được hồ sơ", "Cannot withdraw the case"),
                p.render(lang)
            );
            if p.code == "withdraw.damaged" {
                warn!("{why}");
                return Ok(Done::Partial);
            }
            return Err(CannotRun::new(why));
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        match lang {
            Lang::Vi => say!(
                "Đã đưa hồ sơ {} ra khỏi kho (không xóa gì): phiên bản {} giữ tại {}, bản ghi việc rút tại {}.\nLý do: {}",
                report.case_id, report.previous_version, report.previous_path, report.path, report.reason
            ),
            Lang::En => say!(
                "Case {} moved out of the archive (nothing deleted): version {} kept at {}, the withdrawal recorded at {}.\nReason: {}",
                report.case_id, report.previous_version, report.previous_path, report.path, report.reason
            ),
        }
        crate::search_cmd::print_index(&report.index, lang);
    }
    Ok(Done::Ok)
}
