//! The record side of one case's build: its metadata normalized from the register row and the
//! sidecar (with their events), the case record as `data/metadata.json` holds it, and what the
//! batch report says of the stored case.

use super::{CaseBuild, Pages};
use crate::bundle;
use crate::outcome::shown_folder;
use crate::{CaseResult, CaseStatus, NormalizedCounts};
use sohoa_archive::events::{self, kind, EventLog, Outcome};
use sohoa_archive::privacy::mask_ids_loose;
use sohoa_archive::record::{
    self, BundleRecord, CaseRecord, Component, HoSo, IngestInfo, PageRecord, PreviousVersion,
};
use sohoa_register::record::{components, normalize, Normalized};

/// The case's metadata, normalized, and where its documents are.
pub(super) struct Metadata {
    pub normalized: Normalized,
    pub components: Vec<Component>,
    /// `complete` or `incomplete`.
    pub status: &'static str,
}

impl CaseBuild<'_> {
    /// Step 3: the metadata from the register row and the sidecar, normalized; its events.
    pub(super) fn metadata(&mut self, log: &mut EventLog) -> Metadata {
        let plan = self.plan;
        let mut normalized = normalize(
            plan.fields.clone(),
            self.folder,
            plan.from_register,
            plan.sidecar.is_some(),
        );
        self.warnings.append(&mut normalized.warnings);
        let folders: Vec<String> = plan
            .source
            .components
            .iter()
            .map(|c| c.folder.clone())
            .collect();
        let meta = plan
            .sidecar
            .as_ref()
            .map(|s| &s.components[..])
            .unwrap_or(&[]);
        let components = components(&folders, meta, &mut self.warnings);
        let status =
            if normalized.missing.is_empty() && (plan.from_register || plan.sidecar.is_some()) {
                "complete"
            } else {
                "incomplete"
            };
        log.add(
            kind::METADATA_EXTRACTION,
            events::detail("metadata"),
            if status == "complete" {
                Outcome::Success
            } else {
                Outcome::Warning
            },
            match plan.metadata_sources.is_empty() {
                true => "no register row or sidecar: identifier taken from the folder name".into(),
                false => plan
                    .metadata_sources
                    .iter()
                    .map(|m| format!("{} {}", m.kind, mask_ids_loose(&m.path)))
                    .collect::<Vec<_>>()
                    .join("; "),
            },
            plan.metadata_sources
                .iter()
                .map(|m| events::source(m.path.clone()))
                .collect(),
        );
        log_conversions(log, &normalized);
        Metadata {
            normalized,
            components,
            status,
        }
    }

    /// Step 7: the case record, as `data/metadata.json` holds it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn record(
        &self,
        meta: Metadata,
        hoso: HoSo,
        pages: Pages,
        pdf_rel: &str,
        pdf: bundle::Finished,
        fp: &str,
        version: u32,
        previous_version: Option<PreviousVersion>,
    ) -> CaseRecord {
        let opts = self.run.opts;
        let Metadata {
            normalized,
            components,
            status,
        } = meta;
        let page_count = pages.stored.len() as u32;
        CaseRecord {
            schema: record::SCHEMA.into(),
            schema_version: record::SCHEMA_VERSION,
            legal_basis: record::LEGAL_BASIS.into(),
            case_id: self.id.to_string(),
            identifier_source: normalized.identifier_source.into(),
            version,
            previous_version,
            source_folder: self.folder.to_string(),
            source_fingerprint: fp.to_string(),
            metadata_status: status.into(),
            metadata_missing: normalized.missing.clone(),
            declared: ["total_doc", "number_of_paper", "number_of_page"]
                .iter()
                .filter_map(|k| {
                    normalized
                        .fields
                        .get(k)
                        .map(|v| (k.to_string(), v.to_string()))
                })
                .collect(),
            case: normalized.case,
            hoso,
            // Filled when the bag is sealed (seal.rs).
            code_labels: Default::default(),
            components,
            pages: pages.stored,
            profile: opts.profile.name.clone(),
            dropped_pages: pages.dropped,
            sources: self.sources.clone(),
            bundle: Some(BundleRecord {
                path: format!("data/{pdf_rel}"),
                sha256: pdf.sha256,
                size: pdf.size,
                pages: page_count,
                conformance: "PDF/A-2b".into(),
                document_id: pdf.document_id,
                signatures: Vec::new(),
            }),
            metadata_sources: self.plan.metadata_sources.clone(),
            extra: normalized.fields.extra,
            text_conversions: normalized.fields.conversions,
            warnings: self.warnings.clone(),
            ingest: IngestInfo {
                software: sohoa_pdfa::producer(),
                started: events::timestamp(self.started),
                keep_originals: opts.keep_originals,
            },
            withdrawn: None,
        }
    }

    /// The agency that holds the case (`Source-Organization`).
    pub(super) fn organization(&self, record: &CaseRecord) -> String {
        record
            .case
            .agency_name
            .clone()
            .or_else(|| self.run.opts.organization.clone())
            .unwrap_or_else(|| "Không xác định".into())
    }

    /// What the batch report says of a stored case.
    pub(super) fn stored(
        &self,
        record: &CaseRecord,
        moved: Option<String>,
        bytes: u64,
    ) -> CaseResult {
        let confidences: Vec<u32> = record
            .pages
            .iter()
            .filter_map(|p| p.ocr.as_ref().and_then(|o| o.confidence))
            .map(u32::from)
            .collect();
        CaseResult {
            ocr_pages: confidences.len() as u32,
            ocr_confidence: (!confidences.is_empty())
                .then(|| (confidences.iter().sum::<u32>() / confidences.len() as u32) as u8),
            folder: shown_folder(self.plan),
            case_id: self.id.to_string(),
            status: CaseStatus::Ingested,
            version: Some(record.version),
            bag: Some(record_bag(self.id)),
            previous_version: moved,
            pages: record.pages.len() as u32,
            bytes,
            metadata_status: Some(if record.metadata_status == "complete" {
                "complete"
            } else {
                "incomplete"
            }),
            normalized: counts(record),
            warnings: self.warnings.clone(),
            errors: Vec::new(),
        }
    }
}

/// `bags/<id>`.
pub(super) fn record_bag(id: &str) -> String {
    sohoa_archive::layout::bag(id)
}

/// Where each component document's pages are in the bundle.
pub(super) fn place_components(components: &mut [Component], pages: &[PageRecord]) {
    for (i, c) in components.iter_mut().enumerate() {
        let mut numbers = pages
            .iter()
            .filter(|p| p.component == Some(i))
            .map(|p| p.number);
        c.first_page = numbers.next();
        c.page_count = c.first_page.map_or(0, |_| 1 + numbers.count() as u32);
    }
}

/// The event for values converted from a legacy encoding, when there are any.
fn log_conversions(log: &mut EventLog, normalized: &Normalized) {
    let conversions = &normalized.fields.conversions;
    if conversions.is_empty() {
        return;
    }
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
                .map(|c| format!("{} from {}", c.field, sohoa_register::record::encoding_name(&c.encoding)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        sources
            .into_iter()
            .map(events::source)
            .chain([events::outcome(record::PATH)])
            .collect(),
    );
}

/// What normalization did to the case's pages, counted.
fn counts(record: &CaseRecord) -> NormalizedCounts {
    let mut n = NormalizedCounts {
        dropped: record.dropped_pages.len() as u32,
        ..Default::default()
    };
    for p in &record.pages {
        let m = p.normalization.as_ref();
        n.deskewed += m.is_some_and(|m| m.rotated.is_some()) as u32;
        n.cropped += m.is_some_and(|m| m.crop.is_some()) as u32;
        n.blank += m.is_some_and(|m| m.blank) as u32;
        n.dpi_inferred += (p.dpi_source == record::DpiSource::Inferred) as u32;
        n.mode_changed += p
            .conversions
            .iter()
            .any(|c| c == "rgb-to-gray" || c == "gray-to-bilevel") as u32;
    }
    n
}
