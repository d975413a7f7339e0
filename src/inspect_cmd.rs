//! `sohoa inspect FILE...`: what normalization would do to each page (skew angle, borders,
//! blank score, colour content, DPI decision, how it would be stored), writing nothing.

use crate::exit::{Done, Ran};
use sohoa_archive::problem::Lang;
use sohoa_archive::safe_fs::Follow;
use sohoa_imaging::inspect;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], profile: &str, json: bool, lang: Lang) -> Ran {
    let mut profile = crate::load_profile(profile, lang)?;
    profile.teller = sohoa_ingest::orientation_teller(&profile);
    let mut results = Vec::new();
    let mut failed = false;
    for f in files {
        // Shown masked; read as a regular file within the profile's limit (a FIFO never blocks).
        let name = sohoa_archive::privacy::mask_ids_loose(&f.display().to_string()).into_owned();
        let limit = profile.limits.max_file_bytes;
        let outcome = sohoa_archive::safe_fs::read_limited(f, limit, Follow::Yes)
            .map_err(|e| lang.pick(&e.vi(), &e.en()).to_string())
            .and_then(|b| inspect(&b, &profile).map_err(|e| e.into_problem(&name).render(lang)));
        match outcome {
            Ok(read) => {
                if !json {
                    print_file(&name, &read.pages, lang);
                    for w in &read.warnings {
                        say!("  {} {}", lang.pick("Cảnh báo", "Warning"), w.render(lang));
                    }
                }
                results.push(serde_json::json!({ "file": name, "pages": read.pages, "warnings": read.warnings }));
            }
            Err(e) => {
                failed = true;
                if !json {
                    say!("{name}: {} {e}", lang.pick("LỖI", "ERROR"));
                }
                results.push(serde_json::json!({ "file": name, "error": e }));
            }
        }
    }
    if json {
        let doc = serde_json::json!({ "schema": "sohoa/inspect", "schema_version": 1, "profile": profile.name, "files": results });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    if failed {
        Ok(Done::Partial)
    } else {
        Ok(Done::Ok)
    }
}

fn print_file(name: &str, pages: &[sohoa_imaging::Inspection], lang: Lang) {
    say!("{name}");
    for p in pages {
        let n = p.normalization.clone().unwrap_or_default();
        let skew = n
            .skew
            .map(|a| format!("{a:+.2}°"))
            .unwrap_or_else(|| "–".into());
        let action = match (n.rotated, lang) {
            (Some(r), Lang::Vi) => format!("xoay {r:+.2}°"),
            (Some(r), Lang::En) => format!("rotate {r:+.2}°"),
            (None, Lang::Vi) => "không xoay".into(),
            (None, Lang::En) => "no rotation".into(),
        };
        let crop = n
            .crop
            .map(|c| format!("{}/{}/{}/{}", c.left, c.top, c.right, c.bottom))
            .unwrap_or_else(|| "–".into());
        let content = n.content.map(|c| c.label(lang)).unwrap_or("–");
        let stored = p.encoding.label(lang);
        let dpi_source = p.dpi_source.label(lang);
        match lang {
            Lang::Vi => say!(
                "  trang {}: {}x{} px, {:.0} dpi ({dpi_source}), nghiêng {skew} → {action}, viền cắt (trái/trên/phải/dưới) {crop}, mực {:.5}{}, nội dung {content}, lưu {stored}",
                p.page, p.width, p.height, p.dpi_x, n.ink, if n.blank { " (TRANG TRẮNG)" } else { "" }
            ),
            Lang::En => say!(
                "  page {}: {}x{} px, {:.0} dpi ({dpi_source}), skew {skew} → {action}, borders cropped (l/t/r/b) {crop}, ink {:.5}{}, content {content}, stored as {stored}",
                p.page, p.width, p.height, p.dpi_x, n.ink, if n.blank { " (BLANK)" } else { "" }
            ),
        }
        if let Some(t) = n.orientation {
            let by = n.orientation_told_by.as_deref();
            let c = n.orientation_confidence.unwrap_or(0.0);
            match (lang, by) {
                (Lang::Vi, Some(by)) => {
                    say!("    quay {t}° theo chiều kim đồng hồ cho đứng thẳng (theo {by}, độ tin cậy {c:.2})")
                }
                (Lang::Vi, None) => {
                    say!("    quay {t}° theo chiều kim đồng hồ cho đứng thẳng (theo dòng chữ)")
                }
                (Lang::En, Some(by)) => {
                    say!("    turned {t}° clockwise to stand upright (told by {by}, confidence {c:.2})")
                }
                (Lang::En, None) => {
                    say!("    turned {t}° clockwise to stand upright (told by its text lines)")
                }
            }
        }
        for w in &p.warnings {
            say!(
                "    {} {}",
                lang.pick("Cảnh báo", "Warning"),
                w.render(lang)
            );
        }
    }
}
