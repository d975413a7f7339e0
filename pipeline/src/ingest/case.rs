//! Ingest of one case: hash the sources, skip when unchanged, decode every page into a
//! streamed PDF/A-2b bundle, check it, write metadata and events, and commit the bag
//! atomically (a changed case's old bag is moved to `versions/`, never overwritten).

use super::outcome::{failed, interrupted, nothing_stored, shown_folder};
use super::sources::{fingerprint, intake_digest, original_rel, scan_file_problem};
use super::{identity, version, CaseResult, CaseStatus, Plan, Run};
use crate::bag::BagBuilder;
use crate::events::{self, kind, EventLog, Outcome};
use crate::pdfa::{BundleInfo, BundleWriter, OutlineEntry};
use crate::problem::Problem;
use crate::record::{self, BundleRecord, CaseRecord, IngestInfo, SourceRecord};
use std::collections::HashSet;
use std::fs;
use std::io::BufWriter;
use std::path::Path;
use time::OffsetDateTime;

/// Version of the bag layout; part of the fingerprint, so a layout change re-ingests.
pub const BAG_FORMAT: &str = "sohoa-bag-1";

pub(super) fn process(plan: &Plan, run: &Run) -> CaseResult {
    let (opts, progress) = (run.opts, run.progress);
    if opts.cancelled() {
        return interrupted(plan);
    }
    let started = OffsetDateTime::now_utc().to_offset(crate::VN_OFFSET);
    let id = &plan.case_id;
    let folder = &plan.source.folder;
    let mut errors: Vec<Problem> = plan
        .problems
        .iter()
        .filter(|p| p.is_error())
        .cloned()
        .collect();
    let mut warnings: Vec<Problem> = plan
        .problems
        .iter()
        .filter(|p| !p.is_error())
        .cloned()
        .collect();
    let in_case = |p: Problem| {
        let file = p.file.clone().unwrap_or_default();
        if file.is_empty() || file.starts_with(folder.as_str()) {
            p
        } else {
            p.in_file(format!("{folder}/{file}"))
        }
    };
    errors = errors.into_iter().map(in_case).collect();
    warnings = warnings.into_iter().map(in_case).collect();

    // 1. Fixity of every source at intake.
    let mut sources = Vec::new();
    for f in &plan.source.files {
        match intake_digest(&f.path, opts) {
            Ok((sha256, size)) => sources.push(SourceRecord {
                path: f.rel.clone(),
                sha256,
                size,
                pages: 0,
                kept_as: None,
            }),
            Err(e) => errors.push(in_case(scan_file_problem(&e).in_file(f.rel.clone()))),
        }
    }
    if !errors.is_empty() {
        for _ in &plan.source.files {
            progress.file_done(folder);
        }
        return failed(plan, errors, warnings);
    }
    // The limits decide what is refused, not what a stored bag holds: not fingerprinted.
    let mut profile_json = serde_json::to_value(&opts.profile).unwrap_or_default();
    if let Some(o) = profile_json.as_object_mut() {
        o.remove("limits");
    }
    let profile = serde_json::json!({ "profile": profile_json, "drop_blank": opts.drop_blank });
    let fp = fingerprint(plan, &sources, opts.keep_originals, &profile);
    let bags = opts.archive.join("bags");
    let current = version::current_bag(&opts.archive, id);
    if let Some(version::Current {
        version,
        fingerprint: Some(old_fp),
        ..
    }) = &current
    {
        if *old_fp == fp {
            for _ in &plan.source.files {
                progress.file_done(folder);
            }
            return CaseResult {
                case_id: id.clone(),
                version: Some(*version),
                bag: Some(format!("bags/{id}")),
                ..nothing_stored(plan, CaseStatus::Skipped)
            };
        }
    }

    // 2. Identity: a case code stored from another source is not replaced silently.
    let digests: Vec<String> = sources.iter().map(|s| s.sha256.clone()).collect();
    let mut replacement = None;
    if let Some(cur) = &current {
        if !identity::same_source(cur, plan, &digests) {
            match &opts.replace {
                None => {
                    errors.push(identity::taken(id, cur, plan));
                    for _ in &plan.source.files {
                        progress.file_done(folder);
                    }
                    return failed(plan, errors, warnings);
                }
                Some(reason) => replacement = Some(identity::replacement_note(cur, plan, reason)),
            }
        }
    }
    if current.is_none() {
        if let Some((n, why)) = identity::withdrawn(&opts.archive, id) {
            match &opts.replace {
                None => {
                    errors.push(identity::was_withdrawn(id, n, &why));
                    for _ in &plan.source.files {
                        progress.file_done(folder);
                    }
                    return failed(plan, errors, warnings);
                }
                Some(reason) => {
                    replacement = Some(crate::privacy::mask_ids_loose(&format!(
                        "stored again after its withdrawal (withdrawn/{id}/{n}: {why}) on request (--replace): {reason}"
                    ))
                    .into_owned())
                }
            }
        }
    }
    if let Some(w) = identity::likely_duplicates(id, &digests, run) {
        warnings.push(w);
    }

    let tmp = bags.join(format!(".tmp-{id}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let outcome = build(
        plan,
        run,
        &tmp,
        &mut sources,
        &fp,
        current.map(|c| c.version),
        replacement,
        started,
        &mut warnings,
        &mut errors,
    );
    match outcome {
        Ok(Some(done)) if errors.is_empty() => {
            identity::remember(id, &digests, run);
            done
        }
        Ok(_) => {
            let _ = fs::remove_dir_all(&tmp);
            failed(plan, errors, warnings)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            errors.push(Problem::error(
                "bag.write_failed",
                format!("Không ghi được gói lưu trữ: {e}"),
                format!("Cannot write the bag: {e}"),
            ));
            failed(plan, errors, warnings)
        }
    }
}

/// Builds the bag in `tmp` and commits it. `Ok(None)` when problems were recorded in
/// `errors` (nothing committed); `Err` on I/O failure.
#[allow(clippy::too_many_arguments)]
fn build(
    plan: &Plan,
    run: &Run,
    tmp: &Path,
    sources: &mut [SourceRecord],
    fp: &str,
    current_version: Option<u32>,
    replacement: Option<String>,
    started: OffsetDateTime,
    warnings: &mut Vec<Problem>,
    errors: &mut Vec<Problem>,
) -> std::io::Result<Option<CaseResult>> {
    let (opts, pool, progress) = (run.opts, run.pool, run.progress);
    let id = &plan.case_id;
    let folder = &plan.source.folder;
    let mut log = EventLog::new(None);
    let mut bag = BagBuilder::create(tmp.to_path_buf())?;
    log.add(
        kind::INGESTION,
        events::detail("ingest"),
        Outcome::Success,
        format!(
            "{} source files from case folder \"{}\"",
            sources.len(),
            crate::privacy::mask_ids_loose(folder)
        ),
        vec![events::source(folder.clone())],
    );
    if let Some(note) = replacement {
        log.add(
            kind::MODIFICATION,
            events::detail("replacement"),
            Outcome::Success,
            note,
            vec![events::source(folder.clone())],
        );
    }

    // 2. Metadata.
    let mut normalized = record::normalize(
        plan.fields.clone(),
        folder,
        plan.from_register,
        plan.sidecar.is_some(),
    );
    warnings.append(&mut normalized.warnings);
    let folders: Vec<String> = plan
        .source
        .components
        .iter()
        .map(|c| c.folder.clone())
        .collect();
    let empty = Vec::new();
    let meta = plan
        .sidecar
        .as_ref()
        .map(|s| &s.components)
        .unwrap_or(&empty);
    let mut components = record::components(&folders, meta, warnings);
    let metadata_status =
        if normalized.missing.is_empty() && (plan.from_register || plan.sidecar.is_some()) {
            "complete"
        } else {
            "incomplete"
        };
    log.add(
        kind::METADATA_EXTRACTION,
        events::detail("metadata"),
        if metadata_status == "complete" {
            Outcome::Success
        } else {
            Outcome::Warning
        },
        match plan.metadata_sources.is_empty() {
            true => "no register row or sidecar: identifier taken from the folder name".into(),
            false => plan
                .metadata_sources
                .iter()
                .map(|m| format!("{} {}", m.kind, crate::privacy::mask_ids_loose(&m.path)))
                .collect::<Vec<_>>()
                .join("; "),
        },
        plan.metadata_sources
            .iter()
            .map(|m| events::source(m.path.clone()))
            .collect(),
    );
    let conversions = &normalized.fields.conversions;
    if !conversions.is_empty() {
        let mut sources: Vec<String> = conversions.iter().map(|c| c.source.clone()).collect();
        sources.dedup();
        log.add(
            kind::METADATA_MODIFICATION,
            events::detail("legacy encoding conversion"),
            Outcome::Success,
            format!(
                "{} value(s) converted to Unicode NFC: {}; originals kept in metadata.json text_conversions",
                conversions.len(),
                conversions
                    .iter()
                    .map(|c| format!("{} from {}", c.field, c.encoding.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            sources
                .into_iter()
                .map(events::source)
                .chain([events::outcome("data/metadata.json")])
                .collect(),
        );
    }

    // 3. Pages, streamed into the bundle.
    let pdf_rel = format!("{id}.pdf");
    let pdf_path = bag.payload_path(&pdf_rel)?;
    let mut writer = BundleWriter::new(BufWriter::with_capacity(
        1 << 20,
        bag.new_payload_file(&pdf_rel)?,
    ))?;
    let mut dropped = Vec::new();
    let pages = super::pages::stream_pages(
        plan,
        sources,
        &mut writer,
        &mut super::pages::PageRun {
            pdf_rel: &pdf_rel,
            profile: &opts.profile,
            drop_blank: opts.drop_blank,
            follow: opts.follow(),
            cancel: opts.cancel.as_deref(),
            dropped: &mut dropped,
            log: &mut log,
            warnings,
            errors,
            progress,
            text: super::ocr_pages::TextPages::new(
                pool,
                title_hint(&normalized, id),
                &pdf_rel,
                folder,
                opts.jobs,
            ),
            bag: &mut bag,
        },
    )?;
    if pages.is_empty() && !dropped.is_empty() && errors.is_empty() {
        errors.push(Problem::error(
            "page.all_blank",
            "Mọi trang của hồ sơ đều trắng: không bỏ trang nào; chạy lại không có --drop-blank để lưu hồ sơ",
            "Every page of the case is blank: nothing was dropped; run again without --drop-blank to store the case",
        ));
    }
    if !errors.is_empty() {
        return Ok(None);
    }

    // 4. Finish and check the bundle.
    for (i, c) in components.iter_mut().enumerate() {
        let idx: Vec<u32> = pages
            .iter()
            .filter(|p| p.component == Some(i))
            .map(|p| p.number)
            .collect();
        c.first_page = idx.first().copied();
        c.page_count = idx.len() as u32;
    }
    let hoso = record::hoso(
        &normalized,
        folder,
        pages.len() as u64,
        components.len() as u64,
    );
    let case = &normalized.case;
    let document_id = uuid::Uuid::new_v4().to_string();
    let info = BundleInfo {
        identifier: case.case_code.clone().unwrap_or_else(|| id.clone()),
        other_identifiers: [
            Some(hoso.arc_file_code.clone()),
            hoso.paper_file_code.clone(),
        ]
        .into_iter()
        .flatten()
        .filter(|x| Some(x) != case.case_code.as_ref())
        .collect(),
        title: hoso.title.clone(),
        description: describe(case),
        dates: [
            &case.received_date,
            &case.due_date,
            &case.resolved_date,
            &case.returned_date,
        ]
        .into_iter()
        .flatten()
        .filter_map(|d| record::parse_date(d.get(..10).unwrap_or(d)))
        .map(|d| d.get(..10).unwrap_or(&d).to_string())
        .collect(),
        publisher: case.agency_name.clone(),
        created: started,
        document_id: document_id.clone(),
    };
    let outline: Vec<OutlineEntry> = components
        .iter()
        .filter_map(|c| {
            c.first_page.map(|p| OutlineEntry {
                title: format!("{:02}. {}", c.ordinal, c.label),
                page: p as usize - 1,
            })
        })
        .collect();
    let (buf, pdf_sha, pdf_size) = writer.finish(&info, &outline)?;
    let file = buf.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    bag.record(&pdf_rel, pdf_sha.clone(), pdf_size);
    log.add(
        kind::CREATION,
        events::detail("PDF/A-2b bundle"),
        Outcome::Success,
        format!("{} pages, {pdf_size} bytes, PDF/A-2b", pages.len()),
        sources
            .iter()
            .map(|s| events::source(s.path.clone()))
            .chain([events::outcome(format!("data/{pdf_rel}"))])
            .collect(),
    );
    log.add(
        kind::DIGEST,
        events::detail("sha256"),
        Outcome::Success,
        pdf_sha.clone(),
        vec![events::outcome(format!("data/{pdf_rel}"))],
    );
    match crate::pdfa::check_bundle(&pdf_path, pages.len()) {
        Ok(summary) => log.add(
            kind::VALIDATION,
            events::detail("bundle check"),
            Outcome::Success,
            summary,
            vec![events::source(format!("data/{pdf_rel}"))],
        ),
        Err(why) => {
            errors.push(Problem::error(
                "bundle.invalid",
                format!("Tệp PDF/A vừa tạo không đạt kiểm tra: {why}"),
                format!("The PDF/A just written failed its check: {why}"),
            ));
            return Ok(None);
        }
    }

    // 5. Originals, when asked.
    // Originals are kept when asked, and always for files whose pages were dropped as blank.
    let has_dropped = |rel: &str| dropped.iter().any(|d| d.source == rel);
    if opts.keep_originals || !dropped.is_empty() {
        let mut taken = HashSet::new();
        for (f, src) in plan.source.files.iter().zip(sources.iter_mut()) {
            if !opts.keep_originals && !has_dropped(&f.rel) {
                continue;
            }
            let rel = original_rel(&f.rel, &mut taken);
            let (input, _) = crate::safe_fs::open_regular(&f.path, opts.follow())?;
            let sha = bag.copy_from(&rel, input)?;
            if sha != src.sha256 {
                errors.push(
                    Problem::error(
                        "page.changed_during_ingest",
                        "Tệp gốc đã thay đổi trong lúc sao chép",
                        "The original changed while it was being copied",
                    )
                    .in_file(format!("{folder}/{}", f.rel)),
                );
                return Ok(None);
            }
            src.kept_as = Some(format!("data/{rel}"));
        }
    }

    // 6. Version, metadata, events, bag.
    let (version, previous_version) = version::number(&opts.archive, id, current_version);
    let organization = case
        .agency_name
        .clone()
        .or_else(|| opts.organization.clone())
        .unwrap_or_else(|| "Không xác định".into());
    let mut record = CaseRecord {
        schema: record::SCHEMA,
        schema_version: record::SCHEMA_VERSION,
        legal_basis: "TT 05/2025/TT-BNV",
        case_id: id.clone(),
        identifier_source: normalized.identifier_source,
        version,
        previous_version: previous_version.clone(),
        source_folder: folder.clone(),
        source_fingerprint: fp.to_string(),
        metadata_status,
        metadata_missing: normalized.missing.clone(),
        case: normalized.case.clone(),
        hoso: hoso.clone(),
        declared: ["total_doc", "number_of_paper", "number_of_page"]
            .iter()
            .filter_map(|k| {
                normalized
                    .fields
                    .get(k)
                    .map(|v| (k.to_string(), v.to_string()))
            })
            .collect(),
        components,
        pages,
        profile: opts.profile.name.clone(),
        dropped_pages: dropped.clone(),
        sources: sources.to_vec(),
        bundle: Some(BundleRecord {
            path: format!("data/{pdf_rel}"),
            sha256: pdf_sha,
            size: pdf_size,
            pages: 0,
            conformance: "PDF/A-2b",
            document_id,
        }),
        metadata_sources: plan.metadata_sources.clone(),
        extra: normalized.fields.extra.clone(),
        text_conversions: normalized.fields.conversions.clone(),
        warnings: warnings.clone(),
        ingest: IngestInfo {
            software: crate::pdfa::producer(),
            started: events::timestamp(started),
            keep_originals: opts.keep_originals,
        },
    };
    if let Some(b) = record.bundle.as_mut() {
        b.pages = record.pages.len() as u32;
    }
    log.add(
        kind::PACKAGE_CREATION,
        events::detail("BagIt 1.0"),
        Outcome::Success,
        format!("bag {id}, version {version}, SHA-256 manifests"),
        vec![events::outcome(format!("bags/{id}"))],
    );
    let meta_json = serde_json::to_vec_pretty(&record).map_err(std::io::Error::other)?;
    bag.write("metadata.json", &meta_json)?;
    let events_json = serde_json::to_vec_pretty(&log).map_err(std::io::Error::other)?;
    bag.write("events.json", &events_json)?;
    let today = OffsetDateTime::now_utc().to_offset(crate::VN_OFFSET).date();
    let info_labels: Vec<(&str, String)> = vec![
        ("Source-Organization", organization),
        // Tag files are not the record: identity numbers in the code or title are masked.
        (
            "External-Identifier",
            crate::privacy::mask_ids_loose(case.case_code.as_deref().unwrap_or(id)).into_owned(),
        ),
        (
            "External-Description",
            crate::privacy::mask_ids_loose(&hoso.title).into_owned(),
        ),
        (
            "Bagging-Date",
            format!(
                "{:04}-{:02}-{:02}",
                today.year(),
                today.month() as u8,
                today.day()
            ),
        ),
        (
            "Bag-Software-Agent",
            format!("sohoa/{}", env!("CARGO_PKG_VERSION")),
        ),
        (
            "Internal-Sender-Identifier",
            crate::privacy::mask_ids_loose(folder).into_owned(),
        ),
        ("Sohoa-Bag-Version", version.to_string()),
        ("Sohoa-Source-Fingerprint", fp.to_string()),
    ];
    let (root, _tag_sha) = bag.finish(&info_labels)?;
    let payload_bytes: u64 = dir_size(&root.join("data"));

    // 7. Commit: move the old bag aside, then the new one into place.
    let moved = version::commit(&opts.archive, id, &root, previous_version.as_ref())?;
    let pages_done = record.pages.len() as u32;
    let mut normalized = super::NormalizedCounts {
        dropped: record.dropped_pages.len() as u32,
        ..Default::default()
    };
    for p in &record.pages {
        let n = p.normalization.as_ref();
        normalized.deskewed += n.is_some_and(|n| n.rotated.is_some()) as u32;
        normalized.cropped += n.is_some_and(|n| n.crop.is_some()) as u32;
        normalized.blank += n.is_some_and(|n| n.blank) as u32;
        normalized.dpi_inferred += (p.dpi_source == crate::page::DpiSource::Inferred) as u32;
        normalized.mode_changed +=
            p.conversions
                .iter()
                .any(|c| *c == "rgb-to-gray" || *c == "gray-to-bilevel") as u32;
    }
    let confidences: Vec<u32> = record
        .pages
        .iter()
        .filter_map(|p| p.ocr.as_ref().and_then(|o| o.confidence))
        .map(u32::from)
        .collect();
    Ok(Some(CaseResult {
        ocr_pages: confidences.len() as u32,
        ocr_confidence: (!confidences.is_empty())
            .then(|| (confidences.iter().sum::<u32>() / confidences.len() as u32) as u8),
        folder: shown_folder(plan),
        case_id: id.clone(),
        status: CaseStatus::Ingested,
        version: Some(version),
        bag: Some(format!("bags/{id}")),
        previous_version: moved,
        pages: pages_done,
        bytes: payload_bytes,
        metadata_status: Some(metadata_status),
        normalized,
        warnings: warnings.clone(),
        errors: Vec::new(),
    }))
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// A name for the page texts' hOCR titles: the case code, else the identifier.
fn title_hint(n: &record::Normalized, id: &str) -> String {
    n.case.case_code.clone().unwrap_or_else(|| id.to_string())
}

/// One line for `dc:description`: procedure, agency, applicant, receipt date.
fn describe(case: &record::CaseInfo) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &case.procedure_name {
        match &case.procedure_code {
            Some(c) => parts.push(format!("Thủ tục: {p} ({c})")),
            None => parts.push(format!("Thủ tục: {p}")),
        }
    }
    if let Some(a) = &case.agency_name {
        parts.push(format!("Cơ quan: {a}"));
    }
    if let Some(a) = &case.applicant_name {
        parts.push(format!("Người nộp: {a}"));
    }
    if let Some(d) = &case.received_date {
        parts.push(format!("Tiếp nhận: {}", d.get(..10).unwrap_or(d)));
    }
    parts.join("; ")
}
