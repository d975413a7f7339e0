//! `sohoa ocr`: adds a text layer and page texts to bags already in the archive (a new version
//! of each bag that had none), then brings the search index up to date.

use crate::exit::{Done, Ran};
use sohoa_archive::problem::Lang;
use sohoa_ingest::{ocr_archive, OcrOptions};

/// `off_typed`: `--ocr off` was typed on the command line (main.rs asks clap where the value
/// came from); then nothing is done.
pub fn run(opts: &OcrOptions, off_typed: bool, json: bool, lang: Lang) -> Ran {
    if opts.settings.mode == sohoa_ocr::Mode::Off || off_typed {
        return Err(cannot!(
            "{}",
            lang.pick(
                "sohoa ocr --ocr off: không nhận dạng chữ, không hồ sơ nào được thay đổi. \
                 Bỏ --ocr off để thêm lớp chữ cho các hồ sơ.",
                "sohoa ocr --ocr off: no text was recognized and no case was changed. \
                 Leave out --ocr off to add a text layer to the cases."
            )
        ));
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if json {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar.set_message(lang.pick("Đang nhận dạng chữ…", "Recognizing text…"));
    let catalog = sohoa_index::Catalog::open(&opts.archive);
    let report = ocr_archive(
        opts,
        &|c| {
            let line = match (c.status, lang) {
                ("added", lang) => {
                    let confidence = c.ocr_confidence.map_or("-".into(), |v| v.to_string());
                    let (pages, mean) = match lang {
                        Lang::Vi => ("trang có chữ", "độ tin cậy trung bình"),
                        Lang::En => ("pages with text", "mean confidence"),
                    };
                    format!(
                        "  ✓ {} v{}: {}/{} {pages}, {mean} {confidence}",
                        c.case_id,
                        c.version.unwrap_or(0),
                        c.ocr_pages,
                        c.pages,
                    )
                }
                ("skipped", Lang::Vi) => format!("  = {}: đã có lớp chữ, giữ nguyên", c.case_id),
                ("skipped", Lang::En) => format!("  = {}: already has text, unchanged", c.case_id),
                (_, _) => format!("  ✗ {}", c.case_id),
            };
            if !json {
                bar.println(sohoa_archive::neutralize::for_terminal(&line));
                for p in c.errors.iter().chain(&c.warnings) {
                    bar.println(sohoa_archive::neutralize::for_terminal(&format!(
                        "      {}",
                        p.render(lang)
                    )));
                }
            }
        },
        &catalog,
    );
    bar.finish_and_clear();
    let report = match report {
        Ok(r) => r,
        Err(p) => {
            return Err(cannot!("{}", p.render(lang)));
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
                "{} ({}): {} hồ sơ thêm lớp chữ, {} giữ nguyên, {} lỗi · {:.1} giây",
                report.engine,
                report.languages,
                report.added,
                report.skipped,
                report.failed,
                report.seconds
            ),
            Lang::En => say!(
                "{} ({}): {} cases got text, {} unchanged, {} failed · {:.1} s",
                report.engine,
                report.languages,
                report.added,
                report.skipped,
                report.failed,
                report.seconds
            ),
        }
        crate::search_cmd::print_index(&report.index, lang);
        if report.interrupted {
            say!(
                "{}",
                lang.pick(
                    "DỪNG THEO YÊU CẦU: các hồ sơ còn lại chưa được thêm lớp chữ; chạy lại lệnh để làm tiếp.",
                    "STOPPED ON REQUEST: the remaining cases got no text yet; run the command again to go on."
                )
            );
        }
    }
    if report.interrupted {
        Ok(Done::Interrupted)
    } else if report.failed > 0 {
        Ok(Done::Partial)
    } else {
        Ok(Done::Ok)
    }
}
