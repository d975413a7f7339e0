//! The bundle of a bag being made, shared by ingest and `sohoa ocr`: the PDF/A writer inside
//! the bag, the bundle's self-description (XMP, outline) taken from the case record, and the
//! finish: fsync, digest, check, and the creation, digest and validation events.

use sohoa_archive::events::{self, kind, EventLog, LinkingObject, Outcome};
use sohoa_archive::problem::Problem;
use sohoa_archive::record::{CaseInfo, Component, HoSo};
use sohoa_bagit::BagBuilder;
use sohoa_pdfa::{BundleInfo, BundleWriter, OutlineEntry};
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use time::OffsetDateTime;

/// The PDF/A bundle being written into a bag, page by page.
pub(crate) struct NewBundle {
    /// Payload path without `data/`, e.g. `<id>.pdf`.
    pub rel: String,
    path: PathBuf,
    pub writer: BundleWriter<BufWriter<File>>,
}

/// The finished bundle.
pub(crate) struct Finished {
    pub sha256: String,
    pub size: u64,
    pub document_id: String,
}

impl NewBundle {
    /// Starts `data/<rel>` in the bag.
    pub fn create(bag: &mut BagBuilder, rel: &str) -> std::io::Result<NewBundle> {
        let path = bag.payload_path(rel)?;
        let writer = BundleWriter::new(BufWriter::with_capacity(
            1 << 20,
            bag.new_payload_file(rel)?,
        ))?;
        Ok(NewBundle {
            rel: rel.to_string(),
            path,
            writer,
        })
    }

    /// Writes the page tree, XMP and outline, fsyncs, records the digest in the bag and
    /// checks the file; logs creation (with `note` and `sources`), digest and validation.
    /// `Ok(Err(problem))` when the check fails (`bundle.invalid`).
    pub fn finish(
        self,
        info: &BundleInfo,
        outline: &[OutlineEntry],
        bag: &mut BagBuilder,
        log: &mut EventLog,
        creation: (&str, &dyn Fn(u64) -> String, Vec<LinkingObject>),
        pages: usize,
    ) -> std::io::Result<Result<Finished, Problem>> {
        let (buf, sha256, size) = self.writer.finish(info, outline)?;
        let file = buf.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        bag.record(&self.rel, sha256.clone(), size);
        let in_bag = format!("data/{}", self.rel);
        let (step, note, objects) = creation;
        log.add(
            kind::CREATION,
            events::detail(step),
            Outcome::Success,
            note(size),
            objects,
        );
        log.add(
            kind::DIGEST,
            events::detail("sha256"),
            Outcome::Success,
            sha256.clone(),
            vec![events::outcome(in_bag.clone())],
        );
        match sohoa_pdfa::check_bundle(&self.path, pages) {
            Ok(summary) => log.add(
                kind::VALIDATION,
                events::detail("bundle check"),
                Outcome::Success,
                summary,
                vec![events::source(in_bag)],
            ),
            Err(why) => {
                return Ok(Err(Problem::error(
                    "bundle.invalid",
                    format!("Tệp PDF/A vừa tạo không đạt kiểm tra: {why}"),
                    format!("The PDF/A just written failed its check: {why}"),
                )))
            }
        }
        Ok(Ok(Finished {
            sha256,
            size,
            document_id: info.document_id.clone(),
        }))
    }
}

/// The bundle's self-description (Dublin Core and XMP) from the case record's facts.
pub(crate) fn info(case: &CaseInfo, hoso: &HoSo, id: &str, created: OffsetDateTime) -> BundleInfo {
    let given = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
    let code = given(&case.case_code);
    BundleInfo {
        identifier: code.clone().unwrap_or_else(|| id.to_string()),
        other_identifiers: [given(&hoso.arc_file_code), given(&hoso.paper_file_code)]
            .into_iter()
            .flatten()
            .filter(|x| Some(x) != code.as_ref())
            .collect(),
        title: given(&hoso.title).unwrap_or_else(|| id.to_string()),
        description: describe(case),
        dates: [
            &case.received_date,
            &case.due_date,
            &case.resolved_date,
            &case.returned_date,
        ]
        .into_iter()
        .flatten()
        .filter_map(|d| sohoa_archive::values::date(d.get(..10).unwrap_or(d)))
        .map(|d| d.get(..10).unwrap_or(&d).to_string())
        .collect(),
        publisher: given(&case.agency_name),
        created,
        document_id: uuid::Uuid::new_v4().to_string(),
    }
}

/// One outline entry per component document that has pages.
pub(crate) fn outline(components: &[Component]) -> Vec<OutlineEntry> {
    components
        .iter()
        .filter_map(|c| {
            Some(OutlineEntry {
                title: format!("{:02}. {}", c.ordinal, c.label),
                page: (c.first_page? as usize).checked_sub(1)?,
            })
        })
        .collect()
}

/// One line for `dc:description`: procedure, agency, applicant, receipt date.
fn describe(case: &CaseInfo) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_describes_the_case_from_its_record() {
        let case = CaseInfo {
            case_code: Some("000.00.15.H12-250701-0001".into()),
            procedure_name: Some("Đăng ký khai sinh".into()),
            procedure_code: Some("1.001193".into()),
            agency_name: Some("UBND xã Tân Hòa".into()),
            received_date: Some("2025-07-01T08:30:00+07:00".into()),
            due_date: Some("bad".into()),
            ..Default::default()
        };
        let hoso = HoSo {
            arc_file_code: Some("000.00.15.H12-250701-0001".into()),
            paper_file_code: Some("HS-12".into()),
            title: Some("Khai sinh".into()),
            ..Default::default()
        };
        let i = info(&case, &hoso, "X", time::OffsetDateTime::UNIX_EPOCH);
        assert_eq!(i.identifier, "000.00.15.H12-250701-0001");
        assert_eq!(i.other_identifiers, ["HS-12"]);
        assert_eq!(i.title, "Khai sinh");
        assert_eq!(i.dates, ["2025-07-01"]);
        assert!(i
            .description
            .starts_with("Thủ tục: Đăng ký khai sinh (1.001193); Cơ quan"));
        let comps = [
            Component {
                ordinal: 1,
                label: "Tờ khai".into(),
                first_page: Some(1),
                ..Default::default()
            },
            Component {
                ordinal: 2,
                label: "Trống".into(),
                first_page: None,
                ..Default::default()
            },
        ];
        let o = outline(&comps);
        assert_eq!(
            (o.len(), o[0].title.as_str(), o[0].page),
            (1, "01. Tờ khai", 0)
        );
    }
}
