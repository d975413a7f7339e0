//! Ingest of one case, as named steps on one [`CaseBuild`]: intake (fixity of every source,
//! skip when unchanged), identity (a code stored from another source is never replaced
//! silently), metadata, pages streamed into the PDF/A-2b bundle, the bundle finished and
//! checked, originals kept, the record written and the bag sealed, then committed atomically
//! (a changed case's old bag is moved to `versions/`, never overwritten).

mod metadata;

use self::metadata::{place_components, record_bag, Metadata};
use super::bundle::{self, NewBundle};
use super::outcome::{failed, interrupted, nothing_stored};
use super::seal::{labels, seal};
use super::sources::{fingerprint, intake_digest, original_rel, scan_file_problem};
use super::{identity, version, CaseResult, CaseStatus, Plan, Run};
use sohoa_archive::events::{self, kind, EventLog, Outcome};
use sohoa_archive::privacy::mask_ids_loose;
use sohoa_archive::problem::Problem;
use sohoa_archive::record::{DroppedPage, PageRecord, SourceRecord};
use sohoa_bagit::BagBuilder;
use sohoa_register::record::hoso;
use std::collections::HashSet;
use std::fs;
use std::path::Path;
use time::OffsetDateTime;

/// Ingests one planned case; never panics on bad input, never leaves a half-written bag.
pub(super) fn process(plan: &Plan, run: &Run) -> CaseResult {
    if run.opts.cancelled() {
        return interrupted(plan);
    }
    let mut case = CaseBuild::new(plan, run);
    if !case.intake() {
        case.files_done();
        return case.fail();
    }
    let fp = case.fingerprint();
    let current = version::current_bag(&run.opts.archive, &plan.case_id);
    if let Some(version::Current {
        version,
        fingerprint: Some(old),
        ..
    }) = &current
    {
        if *old == fp {
            return case.unchanged(*version);
        }
    }
    let Some(replacement) = case.identity(current.as_ref()) else {
        case.files_done();
        return case.fail();
    };
    let tmp = sohoa_archive::layout::building(&run.opts.archive, &plan.case_id);
    let _ = fs::remove_dir_all(&tmp);
    match case.build(&tmp, &fp, current.map(|c| c.version), replacement) {
        Ok(Some(done)) if case.errors.is_empty() => {
            identity::remember(&plan.case_id, &case.digests(), run);
            done
        }
        Ok(_) => {
            let _ = fs::remove_dir_all(&tmp);
            case.fail()
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            case.errors.push(Problem::error(
                "bag.write_failed",
                format!("Không ghi được gói lưu trữ: {e}"),
                format!("Cannot write the bag: {e}"),
            ));
            case.fail()
        }
    }
}

/// One case on its way into the archive: what every step reads and adds to.
struct CaseBuild<'a> {
    plan: &'a Plan,
    run: &'a Run<'a>,
    id: &'a str,
    folder: &'a str,
    started: OffsetDateTime,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
    sources: Vec<SourceRecord>,
}

/// The pages stored in the bundle, those left out as blank, and the sources always kept whole.
struct Pages {
    stored: Vec<PageRecord>,
    dropped: Vec<DroppedPage>,
    kept_whole: Vec<String>,
}

impl<'a> CaseBuild<'a> {
    fn new(plan: &'a Plan, run: &'a Run<'a>) -> Self {
        let mut case = CaseBuild {
            plan,
            run,
            id: &plan.case_id,
            folder: &plan.source.folder,
            started: sohoa_archive::time_format::now(),
            errors: Vec::new(),
            warnings: Vec::new(),
            sources: Vec::new(),
        };
        for p in &plan.problems {
            let p = case.in_case(p.clone());
            match p.is_error() {
                true => case.errors.push(p),
                false => case.warnings.push(p),
            }
        }
        case
    }

    /// A problem located in this case's folder.
    fn in_case(&self, p: Problem) -> Problem {
        let file = p.file.clone().unwrap_or_default();
        if file.is_empty() || file.starts_with(self.folder) {
            p
        } else {
            p.in_file(format!("{}/{file}", self.folder))
        }
    }

    /// Every file of the case counted as done for the progress display.
    fn files_done(&self) {
        for _ in &self.plan.source.files {
            self.run.progress.file_done(self.folder);
        }
    }

    /// The case failed: nothing was stored.
    fn fail(&mut self) -> CaseResult {
        failed(
            self.plan,
            std::mem::take(&mut self.errors),
            std::mem::take(&mut self.warnings),
        )
    }

    fn digests(&self) -> Vec<String> {
        self.sources.iter().map(|s| s.sha256.clone()).collect()
    }

    /// Step 1: fixity of every source at intake, page images first, then the other files
    /// (attachments). False when a source cannot be read.
    fn intake(&mut self) -> bool {
        let files = self.plan.source.files.iter().map(|f| (f, false));
        let attachments = self.plan.source.attachments.iter().map(|f| (f, true));
        for (f, attachment) in files.chain(attachments) {
            match intake_digest(&f.path, self.run.opts) {
                Ok((sha256, size)) => self.sources.push(SourceRecord {
                    path: f.rel.clone(),
                    sha256,
                    size,
                    pages: 0,
                    kept_as: None,
                    attachment,
                }),
                Err(e) => {
                    let p = self.in_case(scan_file_problem(&e).in_file(f.rel.clone()));
                    self.errors.push(p);
                }
            }
        }
        self.errors.is_empty()
    }

    /// What decides whether a stored bag is still this case as scanned: sources and profile.
    /// The limits decide what is refused, not what a stored bag holds: not fingerprinted.
    fn fingerprint(&self) -> String {
        let opts = self.run.opts;
        let mut profile_json = serde_json::to_value(&opts.profile).unwrap_or_default();
        if let Some(o) = profile_json.as_object_mut() {
            o.remove("limits");
        }
        let profile = serde_json::json!({ "profile": profile_json, "drop_blank": opts.drop_blank });
        fingerprint(self.plan, &self.sources, opts.keep_originals, &profile)
    }

    /// The stored bag is this case as it is now: nothing to do.
    fn unchanged(&self, version: u32) -> CaseResult {
        self.files_done();
        CaseResult {
            case_id: self.id.to_string(),
            version: Some(version),
            bag: Some(record_bag(self.id)),
            ..nothing_stored(self.plan, CaseStatus::Skipped)
        }
    }

    /// Step 2: identity. A case code stored from another source, or withdrawn, is stored
    /// again only with `--replace` (the note says why); otherwise None, with the error.
    fn identity(&mut self, current: Option<&version::Current>) -> Option<Option<String>> {
        let (opts, id) = (self.run.opts, self.id);
        let digests = self.digests();
        let mut replacement = None;
        if let Some(cur) = current {
            if !identity::same_source(cur, self.plan, &digests) {
                match &opts.replace {
                    None => {
                        self.errors.push(identity::taken(id, cur, self.plan));
                        return None;
                    }
                    Some(reason) => {
                        replacement = Some(identity::replacement_note(cur, self.plan, reason))
                    }
                }
            }
        } else if let Some((n, why)) = identity::withdrawn(&opts.archive, id) {
            match &opts.replace {
                None => {
                    self.errors.push(identity::was_withdrawn(id, n, &why));
                    return None;
                }
                Some(reason) => {
                    replacement = Some(mask_ids_loose(&format!(
                        "stored again after its withdrawal (withdrawn/{id}/{n}: {why}) on request (--replace): {reason}"
                    ))
                    .into_owned())
                }
            }
        }
        if let Some(w) = identity::likely_duplicates(id, &digests, self.run) {
            self.warnings.push(w);
        }
        Some(replacement)
    }

    /// Steps 3 to 7 in `tmp`: the bag is built, sealed and committed. `Ok(None)` when problems
    /// were recorded in `errors` (nothing committed); `Err` on I/O failure.
    fn build(
        &mut self,
        tmp: &Path,
        fp: &str,
        current_version: Option<u32>,
        replacement: Option<String>,
    ) -> std::io::Result<Option<CaseResult>> {
        let mut log = self.start_log(replacement);
        let mut bag = BagBuilder::create(tmp.to_path_buf())?;
        let mut meta = self.metadata(&mut log);
        // The agency holding the case, as the bag names it (Source-Organization).
        if let Some(agency) = meta
            .normalized
            .case
            .agency_name
            .clone()
            .or_else(|| self.run.opts.organization.clone())
        {
            log.agency(&agency);
        }
        let pdf = NewBundle::create(&mut bag, &format!("{}.pdf", self.id))?;
        let Some((pages, pdf)) = self.pages(&mut bag, &mut log, &meta, pdf)? else {
            return Ok(None);
        };
        place_components(&mut meta.components, &pages.stored);
        let hoso = hoso(
            &meta.normalized,
            self.folder,
            pages.stored.len() as u64,
            meta.components.len() as u64,
        );
        let info = bundle::info(&meta.normalized.case, &hoso, self.id, self.started);
        let count = pages.stored.len();
        let note = move |size: u64| format!("{count} pages, {size} bytes, PDF/A-2b");
        let objects = self
            .sources
            .iter()
            .map(|s| events::source(s.path.clone()))
            .chain([events::outcome(format!("data/{}", pdf.rel))])
            .collect();
        let rel = pdf.rel.clone();
        let finished = pdf.finish(
            &info,
            &bundle::outline(&meta.components),
            &mut bag,
            &mut log,
            ("PDF/A-2b bundle", &note, objects),
            pages.stored.len(),
        )?;
        let finished = match finished {
            Ok(f) => f,
            Err(problem) => {
                self.errors.push(problem);
                return Ok(None);
            }
        };
        if !self.keep_originals(&mut bag, &pages)? {
            return Ok(None);
        }
        let agency = meta.normalized.case.agency_name.clone();
        let (finished, signature) =
            self.sign(&mut bag, &mut log, &rel, finished, agency.as_deref())?;
        let (version, previous) = version::number(&self.run.opts.archive, self.id, current_version);
        let mut record = self.record(meta, hoso, pages, &rel, finished, fp, version, previous);
        if let (Some(s), Some(b)) = (signature, record.bundle.as_mut()) {
            b.signatures.push(s);
        }
        log.add(
            kind::PACKAGE_CREATION,
            events::detail("BagIt 1.0"),
            Outcome::Success,
            format!("bag {}, version {version}, SHA-256 manifests", self.id),
            vec![events::outcome(record_bag(self.id))],
        );
        let labels = labels(&record, self.organization(&record));
        let root = seal(bag, &record, &log, &labels)?;
        let bytes = dir_size(&root.join("data"));
        let moved = version::commit(
            &self.run.opts.archive,
            self.id,
            &root,
            record.previous_version.as_ref(),
        )?;
        Ok(Some(self.stored(&record, moved, bytes)))
    }

    /// `--sign`: the bundle just written signed by the agency (the payload file replaced, its
    /// digest with it). A case of another agency is stored unsigned, with a warning.
    fn sign(
        &mut self,
        bag: &mut BagBuilder,
        log: &mut EventLog,
        rel: &str,
        mut finished: bundle::Finished,
        agency: Option<&str>,
    ) -> std::io::Result<(
        bundle::Finished,
        Option<sohoa_archive::record::SignatureRecord>,
    )> {
        let Some(with) = &self.run.opts.sign else {
            return Ok((finished, None));
        };
        let in_bag = format!("data/{rel}");
        let signing = crate::sign_archive::Signing::of(with.signer.as_ref());
        let signed = signing.and_then(|who| {
            if let Some(p) = who.refuses(self.id, agency) {
                return Err(p);
            }
            let pdf = std::fs::read(bag.payload_path(rel).map_err(|e| self.io_problem(e))?)
                .map_err(|e| self.io_problem(e))?;
            let (bytes, record) = who.sign(
                with.signer.as_ref(),
                &pdf,
                agency,
                (&with.reason, with.tsa.as_deref()),
                self.id,
                &in_bag,
            )?;
            Ok((who, bytes, record))
        });
        match signed {
            Ok((who, bytes, record)) => {
                finished.sha256 = bag.replace(rel, &bytes)?;
                finished.size = bytes.len() as u64;
                who.event(log, &in_bag);
                Ok((finished, Some(record)))
            }
            Err(p) => {
                self.warnings.push(Problem::warning(
                    "sign.not_signed",
                    format!("Hồ sơ được lưu nhưng chưa ký số: {}", p.message),
                    format!("The case is stored but not signed: {}", p.message_en),
                ));
                Ok((finished, None))
            }
        }
    }

    fn io_problem(&self, e: std::io::Error) -> Problem {
        Problem::error("sign.failed", format!("{e}"), format!("{e}"))
    }

    /// The event log of the new bag: ingestion, and the replacement when there is one.
    fn start_log(&self, replacement: Option<String>) -> EventLog {
        let mut log = EventLog::new(None);
        log.acting(self.run.opts.operator.as_deref(), None);
        log.add(
            kind::INGESTION,
            events::detail("ingest"),
            Outcome::Success,
            format!(
                "{} source files from case folder \"{}\"",
                self.sources.len(),
                mask_ids_loose(self.folder)
            ),
            vec![events::source(self.folder.to_string())],
        );
        if let Some(note) = replacement {
            log.add(
                kind::MODIFICATION,
                events::detail("replacement"),
                Outcome::Success,
                note,
                vec![events::source(self.folder.to_string())],
            );
        }
        log
    }

    /// Step 4: every page of every source decoded, normalized, recognized and written into
    /// the bundle. None when a page failed (errors recorded).
    fn pages(
        &mut self,
        bag: &mut BagBuilder,
        log: &mut EventLog,
        meta: &Metadata,
        mut pdf: NewBundle,
    ) -> std::io::Result<Option<(Pages, NewBundle)>> {
        let (opts, run) = (self.run.opts, self.run);
        let (mut dropped, mut kept_whole) = (Vec::new(), Vec::new());
        let title = meta
            .normalized
            .case
            .case_code
            .clone()
            .unwrap_or_else(|| self.id.to_string());
        let stored = super::pages::stream_pages(
            self.plan,
            &mut self.sources,
            &mut pdf.writer,
            &mut super::pages::PageRun {
                pdf_rel: &pdf.rel,
                profile: &opts.profile,
                drop_blank: opts.drop_blank,
                follow: opts.follow(),
                cancel: opts.cancel.as_deref(),
                dropped: &mut dropped,
                kept_whole: &mut kept_whole,
                log,
                warnings: &mut self.warnings,
                errors: &mut self.errors,
                progress: run.progress,
                text: super::ocr_pages::TextPages::new(
                    run.pool,
                    title,
                    &pdf.rel,
                    self.folder,
                    opts.jobs,
                ),
                bag,
            },
        )?;
        if stored.is_empty() && !dropped.is_empty() && self.errors.is_empty() {
            self.errors.push(Problem::error(
                "page.all_blank",
                "Mọi trang của hồ sơ đều trắng: không bỏ trang nào; chạy lại không có --drop-blank để lưu hồ sơ",
                "Every page of the case is blank: nothing was dropped; run again without --drop-blank to store the case",
            ));
        }
        if stored.is_empty() && dropped.is_empty() && self.errors.is_empty() {
            self.errors.push(Problem::error(
                "scan.no_pages",
                "Không tệp nào của hồ sơ có trang quét (các tệp PDF chỉ có trang chữ hoặc hình vẽ số): không có gì để đưa vào tệp PDF/A",
                "No file of the case holds a scanned page (its PDFs have only pages of text or vector content): nothing to put in the bundle",
            ));
        }
        let pages = Pages {
            stored,
            dropped,
            kept_whole,
        };
        Ok(self.errors.is_empty().then_some((pages, pdf)))
    }

    /// Step 6: originals copied into the bag when asked, always for files whose pages were
    /// dropped as blank, for attachments (files that are not page images) and for files kept
    /// whole (PDFs); each copy's digest must match the intake's. False on a mismatch.
    fn keep_originals(&mut self, bag: &mut BagBuilder, pages: &Pages) -> std::io::Result<bool> {
        let opts = self.run.opts;
        let source = &self.plan.source;
        let dropped = &pages.dropped;
        if !opts.keep_originals
            && dropped.is_empty()
            && source.attachments.is_empty()
            && pages.kept_whole.is_empty()
        {
            return Ok(true);
        }
        let mut taken = HashSet::new();
        let all = source.files.iter().chain(source.attachments.iter());
        for (f, src) in all.zip(self.sources.iter_mut()) {
            let keep = opts.keep_originals
                || src.attachment
                || pages.kept_whole.contains(&f.rel)
                || dropped.iter().any(|d| d.source == f.rel);
            if !keep {
                continue;
            }
            let rel = original_rel(&f.rel, &mut taken);
            let (input, _) = sohoa_archive::safe_fs::open_regular(&f.path, opts.follow())?;
            if bag.copy_from(&rel, input)? != src.sha256 {
                self.errors.push(
                    Problem::error(
                        "page.changed_during_ingest",
                        "Tệp gốc đã thay đổi trong lúc sao chép",
                        "The original changed while it was being copied",
                    )
                    .in_file(format!("{}/{}", self.folder, f.rel)),
                );
                return Ok(false);
            }
            src.kept_as = Some(format!("data/{rel}"));
        }
        Ok(true)
    }
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
