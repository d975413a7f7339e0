//! `sohoa ocr`: OCR for bags already in the archive. A bag whose pages have no text gets a new
//! version: the same page images, byte for byte, now with a text layer, page texts and OCR
//! events; every other payload file copied with its digest checked; the old bag kept in `versions/`.

use super::ocr_pages::{Sinks, TextPages};
use super::{lock, version};
use crate::bag::reader::Bag;
use crate::bag::rewrap::{carried_labels, check_intact, copy_payload, RewrapError};
use crate::bag::BagBuilder;
use crate::events::{self, kind, EventLog, Outcome};
use crate::ocr::{GrayPage, Pool, Settings};
use crate::page::{Colour, DpiSource, Encoding, PreparedPage};
use crate::pdfa::{BundleInfo, BundleWriter, OutlineEntry};
use crate::problem::Problem;
use crate::record::PageRecord;
use lopdf::{Document, Object};
use serde::Serialize;
use serde_json::Value;
use std::fs;
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

pub struct OcrOptions {
    pub archive: PathBuf,
    pub jobs: usize,
    pub settings: Settings,
    /// Recognize again bags whose pages already have text.
    pub force: bool,
    /// Only these cases (all bags when empty).
    pub cases: Vec<String>,
    /// Set when the run must stop (SIGINT, SIGTERM): no new case starts.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OcrCaseResult {
    pub case_id: String,
    /// `added`, `skipped` (already has text) or `failed`.
    pub status: &'static str,
    pub version: Option<u32>,
    pub previous_version: Option<String>,
    pub pages: u32,
    pub ocr_pages: u32,
    pub ocr_confidence: Option<u8>,
    pub warnings: Vec<Problem>,
    pub errors: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OcrReport {
    pub schema: &'static str,
    pub schema_version: u32,
    pub archive: String,
    pub engine: String,
    pub languages: String,
    pub added: usize,
    pub skipped: usize,
    pub failed: usize,
    pub seconds: f64,
    /// True when the run was stopped (Ctrl-C, SIGTERM) before every bag was done.
    pub interrupted: bool,
    pub cases: Vec<OcrCaseResult>,
    /// How the search index was brought level with the bags.
    pub index: super::IndexOutcome,
}

/// Adds text to the archive's bags; `Err` when it cannot run at all (no Tesseract, locked).
pub fn ocr_archive(
    opts: &OcrOptions,
    on_case: &dyn Fn(&OcrCaseResult),
    catalog: &dyn super::ArchiveCatalog,
) -> Result<OcrReport, Problem> {
    let clock = std::time::Instant::now();
    let _lock = lock::open_for_writing(&opts.archive)?;
    let pool = Pool::start(&opts.settings, opts.jobs)
        .map_err(|u| Problem::error("ocr.unavailable", u.vi, u.en))?
        .ok_or_else(|| {
            Problem::error(
                "ocr.off",
                "OCR đang tắt (--ocr off)",
                "OCR is switched off (--ocr off)",
            )
        })?;
    let mut ids = crate::bag::reader::current_ids(&opts.archive).map_err(|e| {
        Problem::error(
            "ocr.archive_unreadable",
            format!("Không đọc được kho lưu trữ: {e}"),
            format!("Cannot read the archive: {e}"),
        )
    })?;
    if !opts.cases.is_empty() {
        ids.retain(|id| opts.cases.contains(id));
    }
    let mut cases = Vec::new();
    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    };
    for id in ids {
        if cancelled() {
            break;
        }
        let r = add_text(&opts.archive, &id, opts, &pool);
        on_case(&r);
        cases.push(r);
    }
    let count = |s: &str| cases.iter().filter(|c| c.status == s).count();
    // The index, still under the lock.
    let changed: Vec<String> = cases
        .iter()
        .filter(|c| c.status == "added")
        .map(|c| c.case_id.clone())
        .collect();
    let index = catalog.catch_up(&changed, &[]);
    Ok(OcrReport {
        schema: "sohoa/ocr-report",
        schema_version: 1,
        archive: opts.archive.display().to_string(),
        engine: pool.engine.clone(),
        languages: pool.languages.clone(),
        added: count("added"),
        skipped: count("skipped"),
        failed: count("failed"),
        seconds: clock.elapsed().as_secs_f64(),
        interrupted: cancelled(),
        cases,
        index,
    })
}

fn has_text(page: &Value) -> bool {
    matches!(page["ocr"]["status"].as_str(), Some("done") | Some("blank"))
}

fn add_text(archive: &Path, id: &str, opts: &OcrOptions, pool: &Pool) -> OcrCaseResult {
    let mut r = OcrCaseResult {
        case_id: id.to_string(),
        status: "failed",
        version: None,
        previous_version: None,
        pages: 0,
        ocr_pages: 0,
        ocr_confidence: None,
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    let bag = match Bag::open(archive, &format!("bags/{id}")) {
        Ok(b) => b,
        Err(e) => {
            r.errors.push(
                Problem::error(
                    "ocr.bag_unreadable",
                    format!("Không mở được gói: {}", e.vi()),
                    format!("Cannot open the bag: {}", e.en()),
                )
                .in_file(format!("bags/{id}")),
            );
            return r;
        }
    };
    let meta: Option<Value> = bag.metadata_json().ok();
    let Some(meta) = meta.filter(|m| m["schema"] == "sohoa/metadata") else {
        r.errors.push(
            Problem::error(
                "ocr.no_metadata",
                "Gói không có data/metadata.json đọc được",
                "The bag has no readable data/metadata.json",
            )
            .in_file(format!("bags/{id}")),
        );
        return r;
    };
    let pages = meta["pages"].as_array().cloned().unwrap_or_default();
    r.pages = pages.len() as u32;
    if !opts.force && !pages.is_empty() && pages.iter().all(has_text) {
        r.status = "skipped";
        r.version = meta["version"].as_u64().map(|v| v as u32);
        return r;
    }
    let tmp = archive
        .join("bags")
        .join(format!(".tmp-{id}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    // A new version is only made from an intact bag: damage is never re-wrapped as good.
    let intact = match check_intact(&bag) {
        Ok(report) => report,
        Err(e) => {
            r.errors.push(
                Problem::error(
                    "ocr.bag_damaged",
                    format!("Gói không nguyên vẹn nên không thêm chữ: {e}"),
                    format!("The bag is not intact, so no text is added: {e}"),
                )
                .in_file(format!("bags/{id}")),
            );
            return r;
        }
    };
    match rebuild(
        archive, id, &bag, &intact, meta, pool, &tmp, opts.jobs, &mut r,
    ) {
        Ok(true) => r.status = "added",
        Ok(false) => {
            let _ = fs::remove_dir_all(&tmp);
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            r.errors.push(
                Problem::error(
                    "bag.write_failed",
                    format!("Không ghi được phiên bản mới của gói: {e}"),
                    format!("Cannot write the new version of the bag: {e}"),
                )
                .in_file(format!("bags/{id}")),
            );
        }
    }
    r
}

fn fail(r: &mut OcrCaseResult, id: &str, vi: String, en: String) -> std::io::Result<bool> {
    r.errors
        .push(Problem::error("ocr.bundle_unreadable", vi, en).in_file(format!("bags/{id}")));
    Ok(false)
}

/// Builds the new version in `tmp` and commits it. `Ok(false)`: problems recorded in `r`.
#[allow(clippy::too_many_arguments)]
fn rebuild(
    archive: &Path,
    id: &str,
    old: &Bag,
    intact: &crate::bag::verify::BagReport,
    mut meta: Value,
    pool: &Pool,
    tmp: &Path,
    jobs: usize,
    r: &mut OcrCaseResult,
) -> std::io::Result<bool> {
    let pdf_path_in_bag = meta["bundle"]["path"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let Some(pdf_rel) = pdf_path_in_bag.strip_prefix("data/").map(str::to_string) else {
        return fail(
            r,
            id,
            "metadata.json không ghi tệp PDF".into(),
            "metadata.json names no bundle".into(),
        );
    };
    let events_before = match old.json("data/events.json") {
        Ok(v) if v["events"].is_array() => v,
        Ok(_) | Err(_) => {
            r.errors.push(
                Problem::error(
                    "ocr.events_unreadable",
                    "data/events.json không đọc được: nhật ký bảo quản không bị thay thế; hãy chạy sohoa verify và khôi phục tệp từ bản sao lưu",
                    "data/events.json is unreadable: the preservation events are not replaced; run sohoa verify and restore the file from a backup",
                )
                .in_file(format!("bags/{id}")),
            );
            return Ok(false);
        }
    };
    let doc = match old
        .open_file(&pdf_path_in_bag)
        .map_err(|e| e.en())
        .and_then(|(f, _)| Document::load_from(f).map_err(|e| e.to_string()))
    {
        Ok(d) => d,
        Err(e) => {
            return fail(
                r,
                id,
                format!("Không đọc được {pdf_path_in_bag}: {e}"),
                format!("Cannot read {pdf_path_in_bag}: {e}"),
            )
        }
    };
    let page_ids: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let meta_pages = meta["pages"].as_array().cloned().unwrap_or_default();
    if page_ids.len() != meta_pages.len() {
        return fail(
            r,
            id,
            format!(
                "{pdf_path_in_bag} có {} trang, metadata.json ghi {}",
                page_ids.len(),
                meta_pages.len()
            ),
            format!(
                "{pdf_path_in_bag} has {} pages, metadata.json lists {}",
                page_ids.len(),
                meta_pages.len()
            ),
        );
    }
    let mut bag = BagBuilder::create(tmp.to_path_buf())?;
    let pdf_out = bag.payload_path(&pdf_rel)?;
    let mut writer = BundleWriter::new(BufWriter::with_capacity(
        1 << 20,
        bag.new_payload_file(&pdf_rel)?,
    ))?;
    let mut log = EventLog::new(None);
    let folder = meta["source_folder"].as_str().unwrap_or(id).to_string();
    let title = meta["case"]["case_code"].as_str().unwrap_or(id).to_string();
    let mut text = TextPages::new(Some(pool), title, &pdf_rel, &folder, jobs);
    let mut records: Vec<PageRecord> = Vec::new();
    let mut warnings = Vec::new();
    for (i, (page_id, m)) in page_ids.iter().zip(&meta_pages).enumerate() {
        let page = match extract(&doc, *page_id) {
            Ok(p) => p,
            Err(why) => {
                return fail(
                    r,
                    id,
                    format!("Trang {}: {why}", i + 1),
                    format!("Page {}: {why}", i + 1),
                )
            }
        };
        let gray = gray_of(&page);
        let Some(gray) = gray else {
            return fail(
                r,
                id,
                format!("Trang {}: không giải mã được ảnh", i + 1),
                format!("Page {}: cannot decode the image", i + 1),
            );
        };
        records.push(PageRecord {
            number: i as u32 + 1,
            component: None,
            source: m["source"].as_str().unwrap_or_default().to_string(),
            frame: m["frame"].as_u64().unwrap_or(0) as u32,
            width: page.width,
            height: page.height,
            dpi_x: page.dpi_x,
            dpi_y: page.dpi_y,
            dpi_source: DpiSource::File,
            colour: page.colour,
            encoding: page.encoding,
            conversions: Vec::new(),
            rotate: page.rotate,
            normalization: None,
            ocr: None,
        });
        let pending = writer.begin_page(&page)?;
        let blank = m["normalization"]["blank"].as_bool() == Some(true);
        text.push(
            pending,
            Some(gray),
            blank,
            i,
            Sinks {
                writer: &mut writer,
                bag: &mut bag,
                pages: &mut records,
                log: &mut log,
                warnings: &mut warnings,
            },
        )?;
    }
    text.finish(Sinks {
        writer: &mut writer,
        bag: &mut bag,
        pages: &mut records,
        log: &mut log,
        warnings: &mut warnings,
    })?;
    drop(doc);
    let now = OffsetDateTime::now_utc().to_offset(crate::VN_OFFSET);
    let document_id = uuid::Uuid::new_v4().to_string();
    let (buf, pdf_sha, pdf_size) =
        writer.finish(&bundle_info(&meta, id, now, &document_id), &outline(&meta))?;
    let file = buf.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    bag.record(&pdf_rel, pdf_sha.clone(), pdf_size);
    log.add(kind::CREATION, events::detail("PDF/A-2b bundle with text layer"), Outcome::Success,
        format!("{} pages, {pdf_size} bytes, PDF/A-2b; page images copied byte for byte from version {}", records.len(), meta["version"]),
        vec![events::source(pdf_path_in_bag.clone()), events::outcome(pdf_path_in_bag.clone())]);
    log.add(
        kind::DIGEST,
        events::detail("sha256"),
        Outcome::Success,
        pdf_sha.clone(),
        vec![events::outcome(pdf_path_in_bag.clone())],
    );
    match crate::pdfa::check_bundle(&pdf_out, records.len()) {
        Ok(summary) => log.add(
            kind::VALIDATION,
            events::detail("bundle check"),
            Outcome::Success,
            summary,
            vec![events::source(pdf_path_in_bag.clone())],
        ),
        Err(why) => {
            return fail(
                r,
                id,
                format!("Tệp PDF/A mới không đạt kiểm tra: {why}"),
                format!("The new PDF/A failed its check: {why}"),
            )
        }
    }
    // Every other payload file (kept originals) is carried over, its digest checked.
    let skip = |p: &str| {
        p == pdf_rel || p == "metadata.json" || p == "events.json" || p.starts_with("text/")
    };
    match copy_payload(old, intact, &mut bag, skip) {
        Ok(()) => {}
        Err(RewrapError::Io(e)) => return Err(e),
        Err(e @ RewrapError::Damaged(_)) => {
            return fail(
                r,
                id,
                format!("Gói không nguyên vẹn: {e}"),
                format!("The bag is not intact: {e}"),
            )
        }
    }
    let current = meta["version"].as_u64().unwrap_or(1) as u32;
    let (new_version, previous) = version::number(archive, id, Some(current));
    for (m, rec) in meta["pages"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .zip(&records)
    {
        m["ocr"] = serde_json::to_value(&rec.ocr).unwrap_or(Value::Null);
    }
    meta["version"] = new_version.into();
    meta["previous_version"] = serde_json::to_value(&previous).unwrap_or(Value::Null);
    meta["bundle"]["sha256"] = pdf_sha.into();
    meta["bundle"]["size"] = pdf_size.into();
    meta["bundle"]["document_id"] = document_id.into();
    log.add(
        kind::PACKAGE_CREATION,
        events::detail("BagIt 1.0"),
        Outcome::Success,
        format!(
            "bag {id}, version {new_version} (text added to version {current}), SHA-256 manifests"
        ),
        vec![events::outcome(format!("bags/{id}"))],
    );
    let mut all_events = events_before;
    if let (Some(list), Ok(Value::Array(new))) = (
        all_events["events"].as_array_mut(),
        serde_json::to_value(&log.events),
    ) {
        list.extend(new);
    }
    bag.write(
        "metadata.json",
        &serde_json::to_vec_pretty(&meta).map_err(std::io::Error::other)?,
    )?;
    bag.write(
        "events.json",
        &serde_json::to_vec_pretty(&all_events).map_err(std::io::Error::other)?,
    )?;
    let info = old.bag_info().unwrap_or_default();
    let labels = carried_labels(
        &info,
        &[
            ("Sohoa-Bag-Version", new_version.to_string()),
            ("Bagging-Date", crate::bag::bagging_date()),
            (
                "Bag-Software-Agent",
                format!("sohoa/{}", env!("CARGO_PKG_VERSION")),
            ),
        ],
    );
    let labels: Vec<(&str, String)> = labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let (root, _) = bag.finish(&labels)?;
    r.previous_version = version::commit(archive, id, &root, previous.as_ref())?;
    r.version = Some(new_version);
    let conf: Vec<u32> = records
        .iter()
        .filter_map(|p| p.ocr.as_ref().and_then(|o| o.confidence))
        .map(u32::from)
        .collect();
    r.ocr_pages = conf.len() as u32;
    r.ocr_confidence =
        (!conf.is_empty()).then(|| (conf.iter().sum::<u32>() / conf.len() as u32) as u8);
    r.warnings = warnings;
    Ok(true)
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(f) => Some(*f as f64),
        _ => None,
    }
}

/// The page's image stream (bytes as stored) and geometry, as sohoa wrote them.
fn extract(doc: &Document, page_id: lopdf::ObjectId) -> Result<PreparedPage, String> {
    let page = doc.get_dictionary(page_id).map_err(|e| e.to_string())?;
    let mb = page
        .get(b"MediaBox")
        .and_then(Object::as_array)
        .map_err(|e| format!("MediaBox: {e}"))?;
    let mb: Vec<f64> = mb.iter().filter_map(number).collect();
    if mb.len() != 4 {
        return Err("MediaBox is not 4 numbers".into());
    }
    let (w_pt, h_pt) = (mb[2] - mb[0], mb[3] - mb[1]);
    let rotate = page
        .get(b"Rotate")
        .ok()
        .and_then(number)
        .unwrap_or(0.0)
        .rem_euclid(360.0) as u16;
    let resources = page
        .get(b"Resources")
        .map_err(|e| format!("Resources: {e}"))?;
    let resources = doc
        .dereference(resources)
        .map_err(|e| e.to_string())?
        .1
        .as_dict()
        .map_err(|e| e.to_string())?;
    let xobjects = doc
        .dereference(
            resources
                .get(b"XObject")
                .map_err(|e| format!("XObject: {e}"))?,
        )
        .map_err(|e| e.to_string())?
        .1
        .as_dict()
        .map_err(|e| e.to_string())?;
    let image = xobjects.get(b"Im0").map_err(|e| format!("Im0: {e}"))?;
    let stream = doc
        .dereference(image)
        .map_err(|e| e.to_string())?
        .1
        .as_stream()
        .map_err(|e| e.to_string())?;
    let d = &stream.dict;
    let int = |k: &[u8]| {
        d.get(k)
            .ok()
            .and_then(number)
            .map(|v| v as u32)
            .ok_or_else(|| format!("image has no /{}", String::from_utf8_lossy(k)))
    };
    let (width, height) = (int(b"Width")?, int(b"Height")?);
    let name = |k: &[u8]| {
        d.get(k)
            .and_then(Object::as_name)
            .map(|n| n.to_vec())
            .unwrap_or_default()
    };
    let bits = int(b"BitsPerComponent").unwrap_or(8);
    let encoding = match name(b"Filter").as_slice() {
        b"DCTDecode" => Encoding::Dct,
        b"FlateDecode" => Encoding::Flate,
        b"CCITTFaxDecode" => Encoding::CcittG4,
        other => {
            return Err(format!(
                "unexpected image filter {}",
                String::from_utf8_lossy(other)
            ))
        }
    };
    let colour = match (name(b"ColorSpace").as_slice(), bits) {
        (b"DeviceRGB", _) => Colour::Rgb,
        (_, 1) => Colour::Bilevel,
        _ => Colour::Gray,
    };
    if width == 0 || height == 0 || w_pt <= 0.0 || h_pt <= 0.0 {
        return Err("empty image or page".into());
    }
    Ok(PreparedPage {
        frame: 0,
        width,
        height,
        dpi_x: width as f64 * 72.0 / w_pt,
        dpi_y: height as f64 * 72.0 / h_pt,
        dpi_source: DpiSource::File,
        colour,
        encoding,
        conversions: Vec::new(),
        data: stream.content.clone(),
        warnings: Vec::new(),
        rotate,
        normalization: None,
        gray: None,
    })
}

/// 8-bit gray pixels of a stored page image, for OCR.
fn gray_of(p: &PreparedPage) -> Option<GrayPage> {
    let n = p.width as usize * p.height as usize;
    let pixels = match p.encoding {
        Encoding::Dct | Encoding::DctReencoded => {
            image::load_from_memory_with_format(&p.data, image::ImageFormat::Jpeg)
                .ok()?
                .to_luma8()
                .into_raw()
        }
        Encoding::CcittG4 => crate::page::g4_decode(&p.data, p.width, p.height)?,
        Encoding::Flate => {
            let mut raw = Vec::new();
            flate2::read::ZlibDecoder::new(&p.data[..])
                .read_to_end(&mut raw)
                .ok()?;
            if p.colour == Colour::Rgb {
                crate::normalize::luma(&raw)
            } else {
                raw
            }
        }
    };
    (pixels.len() == n).then(|| GrayPage {
        width: p.width,
        height: p.height,
        pixels,
        dpi: (p.dpi_x + p.dpi_y) / 2.0,
        rotate: p.rotate,
    })
}

/// The bundle's self-description, from the case record (as at ingest).
fn bundle_info(m: &Value, id: &str, now: OffsetDateTime, document_id: &str) -> BundleInfo {
    let s = |v: &Value| v.as_str().filter(|x| !x.is_empty()).map(str::to_string);
    let c = &m["case"];
    let code = s(&c["case_code"]);
    let mut description = Vec::new();
    if let Some(p) = s(&c["procedure_name"]) {
        description.push(match s(&c["procedure_code"]) {
            Some(code) => format!("Thủ tục: {p} ({code})"),
            None => format!("Thủ tục: {p}"),
        });
    }
    for (label, key) in [("Cơ quan", "agency_name"), ("Người nộp", "applicant_name")] {
        if let Some(v) = s(&c[key]) {
            description.push(format!("{label}: {v}"));
        }
    }
    if let Some(d) = s(&c["received_date"]) {
        description.push(format!("Tiếp nhận: {}", d.get(..10).unwrap_or(&d)));
    }
    BundleInfo {
        identifier: code.clone().unwrap_or_else(|| id.to_string()),
        other_identifiers: [s(&m["hoso"]["arcFileCode"]), s(&m["hoso"]["paperFileCode"])]
            .into_iter()
            .flatten()
            .filter(|x| Some(x) != code.as_ref())
            .collect(),
        title: s(&m["hoso"]["title"]).unwrap_or_else(|| id.to_string()),
        description: description.join("; "),
        dates: [
            "received_date",
            "due_date",
            "resolved_date",
            "returned_date",
        ]
        .iter()
        .filter_map(|k| s(&c[*k]))
        .filter_map(|d| crate::record::parse_date(d.get(..10).unwrap_or(&d)))
        .map(|d| d.get(..10).unwrap_or(&d).to_string())
        .collect(),
        publisher: s(&c["agency_name"]),
        created: now,
        document_id: document_id.to_string(),
    }
}

fn outline(m: &Value) -> Vec<OutlineEntry> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let page = c["first_page"].as_u64()?;
            Some(OutlineEntry {
                title: format!(
                    "{:02}. {}",
                    c["ordinal"].as_u64().unwrap_or(0),
                    c["label"].as_str().unwrap_or("")
                ),
                page: page.checked_sub(1)? as usize,
            })
        })
        .collect()
}
