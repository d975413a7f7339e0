//! Search behaviour on a small hand-made archive index: Vietnamese with and without
//! diacritics, NFD like NFC, phrases, codes and prefixes, CCCD lookup without clear text,
//! filters, date ranges with overlap, sorting and paging.

use sohoa_archive::record::{CaseInfo, HoSo};
use sohoa_index::document::{CaseDoc, ComponentDoc};
use sohoa_index::{ArchiveIndex, Filters, SearchRequest, Sort};
use unicode_normalization::UnicodeNormalization;

fn case(id: &str, applicant: &str, title: &str, received: &str, resolved: Option<&str>) -> CaseDoc {
    CaseDoc {
        case_id: id.into(),
        version: 1,
        bag_path: format!("bags/{id}"),
        case: CaseInfo {
            case_code: Some(id.into()),
            procedure_code: Some("1.001193".into()),
            procedure_name: Some("Đăng ký khai sinh".into()),
            sector: Some("Hộ tịch".into()),
            agency_code: Some("000.00.15.H12".into()),
            agency_name: Some("UBND xã Tân Hòa".into()),
            applicant_name: Some(applicant.into()),
            channel: Some("online".into()),
            status: Some("Đã trả kết quả".into()),
            received_date: Some(received.into()),
            resolved_date: resolved.map(String::from),
            ..Default::default()
        },
        hoso: HoSo {
            title: Some(title.into()),
            ..Default::default()
        },
        page_count: 3,
        metadata_status: "complete".into(),
        ..Default::default()
    }
}

fn corpus() -> Vec<CaseDoc> {
    let mut v = vec![
        case(
            "000.00.15.H12-250701-0001",
            "Nguyễn Văn An",
            "Hồ sơ đăng ký khai sinh cho Nguyễn Minh Khôi",
            "2025-07-01",
            Some("2025-07-03"),
        ),
        case(
            "000.00.15.H12-250702-0002",
            "Nguyen Van An",
            "Khai sinh cho Lê Thị Hoa",
            "2025-07-02",
            Some("2025-07-20"),
        ),
        case(
            "000.00.15.H12-250703-0003",
            "Trần Thị Bình",
            "Đăng ký đất đai: quyền sử dụng đất thửa 12",
            "2025-07-03",
            None,
        ),
        case(
            "000.00.21.H36-250801-0001",
            "Lê Hoàng Đức",
            "Giấy tờ về quyền của người sử dụng, đất ở",
            "2025-08-01",
            Some("2025-08-05"),
        ),
        case(
            "000.00.21.H36-240105-0007",
            "Phạm Thị Thu Hằng",
            "Chứng thực bản sao",
            "2024-01-05",
            Some("2024-01-06"),
        ),
    ];
    v[2].case.procedure_code = Some("1.013978.H36".into());
    v[2].case.procedure_name = Some("Đăng ký đất đai lần đầu".into());
    v[2].case.sector = Some("Đất đai".into());
    v[2].case.channel = Some("postal".into());
    v[2].case.status = Some("Đang giải quyết".into());
    v[3].case.agency_name = Some("Văn phòng đăng ký đất đai tỉnh Lâm Đồng".into());
    v[3].case.agency_code = Some("000.00.21.H36".into());
    v[3].case.applicant_id = Some("068085012345".into());
    v[3].case.channel = Some("direct".into());
    v[4].components = vec![ComponentDoc {
        label: "Bản chính".into(),
        code_number: Some("15".into()),
        code_notation: Some("QĐ-UBND".into()),
        subject: Some("Quyết định giao đất".into()),
        ..Default::default()
    }];
    v
}

struct Fixture {
    _dir: tempfile::TempDir,
    idx: ArchiveIndex,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (idx, n) = ArchiveIndex::build_from(
        &dir.path().join("index"),
        sohoa_index::privacy::IdKey::fixed(1),
        corpus().into_iter(),
    )
    .unwrap();
    assert_eq!(n, 5);
    Fixture { _dir: dir, idx }
}

fn ids(f: &Fixture, q: &str) -> Vec<String> {
    ids_with(f, q, Filters::default())
}

fn ids_with(f: &Fixture, q: &str, filters: Filters) -> Vec<String> {
    let r = f
        .idx
        .search(&SearchRequest {
            query: q.into(),
            filters,
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    r.hits.into_iter().map(|h| h.case_id).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_same_hits_with_or_without_diacritics_and_in_any_case() {
    let f = fixture();
    let a = sorted(ids(&f, "nguyen van an"));
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(sorted(ids(&f, "Nguyễn Văn An")), a);
    assert_eq!(sorted(ids(&f, "NGUYỄN VĂN AN")), a);
    assert_eq!(sorted(ids(&f, "ngUYEN vAn AN")), a);
}

#[test]
fn exact_diacritics_rank_first() {
    let f = fixture();
    assert_eq!(ids(&f, "Nguyễn Văn An")[0], "000.00.15.H12-250701-0001");
    assert_eq!(ids(&f, "Nguyen Van An")[0], "000.00.15.H12-250702-0002");
}

#[test]
fn nfd_queries_behave_like_nfc() {
    let f = fixture();
    for q in [
        "Nguyễn Văn An",
        "quyền sử dụng đất",
        "\"Lê Hoàng Đức\"",
        "Đất đai",
    ] {
        let nfd: String = q.nfd().collect();
        assert_ne!(nfd, q);
        assert_eq!(ids(&f, &nfd), ids(&f, q), "{q}");
    }
}

#[test]
fn a_phrase_does_not_match_the_words_apart() {
    let f = fixture();
    assert_eq!(
        ids(&f, "\"quyền sử dụng đất\""),
        ["000.00.15.H12-250703-0003"]
    );
    assert_eq!(
        ids(&f, "\"quyen su dung dat\""),
        ["000.00.15.H12-250703-0003"]
    );
    // All four words are in the H36 case too, but apart: AND finds both.
    assert_eq!(sorted(ids(&f, "quyền sử dụng đất")).len(), 2);
}

#[test]
fn codes_exact_and_by_prefix() {
    let f = fixture();
    assert_eq!(
        ids(&f, "000.00.15.H12-250703-0003"),
        ["000.00.15.H12-250703-0003"]
    );
    assert_eq!(
        ids(&f, "000.00.15.h12-250703-0003"),
        ["000.00.15.H12-250703-0003"]
    );
    assert_eq!(sorted(ids(&f, "000.00.21*")).len(), 2);
    assert_eq!(sorted(ids(&f, "ma:000.00.15.H12-2507*")).len(), 3);
    assert_eq!(ids(&f, "1.013978.H36"), ["000.00.15.H12-250703-0003"]);
    assert_eq!(ids(&f, "15/QĐ-UBND"), ["000.00.21.H36-240105-0007"]);
}

#[test]
fn field_queries_and_exclusions() {
    let f = fixture();
    assert_eq!(ids(&f, "nguoi_nop:Đức"), ["000.00.21.H36-250801-0001"]);
    assert_eq!(ids(&f, "người_nộp:duc"), ["000.00.21.H36-250801-0001"]);
    assert!(ids(&f, "tieu_de:Đức").is_empty());
    assert_eq!(
        ids(&f, "tai_lieu:\"giao dat\""),
        ["000.00.21.H36-240105-0007"]
    );
    assert_eq!(
        sorted(ids(&f, "khai sinh -nguyen")),
        ["000.00.21.H36-240105-0007", "000.00.21.H36-250801-0001"]
    );
}

#[test]
fn cccd_is_found_by_its_number_but_never_stored_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let (idx, _) = ArchiveIndex::build_from(
        &dir.path().join("index"),
        sohoa_index::privacy::IdKey::fixed(1),
        corpus().into_iter(),
    )
    .unwrap();
    let r = idx
        .search(&SearchRequest {
            query: "068085012345".into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.hits.len(), 1);
    assert_eq!(
        r.hits[0].case.applicant_id_masked.as_deref(),
        Some("0680******45")
    );
    let r = idx
        .search(&SearchRequest {
            query: "cccd:068085012345".into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.hits.len(), 1);
    drop(idx);
    for e in std::fs::read_dir(dir.path().join("index")).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(12).any(|w| w == b"068085012345"),
            "CCCD in clear in the index"
        );
    }
}

#[test]
fn filters_and_facets() {
    let f = fixture();
    let by = |flt: Filters| sorted(ids_with(&f, "", flt));
    assert_eq!(
        by(Filters {
            sector: Some("dat dai".into()),
            ..Default::default()
        }),
        ["000.00.15.H12-250703-0003"]
    );
    assert_eq!(
        by(Filters {
            channel: Some("Bưu chính công ích".into()),
            ..Default::default()
        }),
        ["000.00.15.H12-250703-0003"]
    );
    assert_eq!(
        by(Filters {
            status: Some("dang giai quyet".into()),
            ..Default::default()
        }),
        ["000.00.15.H12-250703-0003"]
    );
    assert_eq!(
        by(Filters {
            year: Some(2024),
            ..Default::default()
        }),
        ["000.00.21.H36-240105-0007"]
    );
    assert_eq!(
        by(Filters {
            agency: Some("000.00.21.H36".into()),
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        by(Filters {
            procedure: Some("1.001193".into()),
            ..Default::default()
        })
        .len(),
        4
    );
    let r = f
        .idx
        .search(&SearchRequest {
            query: String::new(),
            limit: 10,
            facets: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 5);
    let years: Vec<_> = r.facets["year"].clone();
    assert_eq!(
        years,
        vec![("2025".to_string(), 4), ("2024".to_string(), 1)]
    );
}

#[test]
fn date_ranges_received_resolved_and_overlap() {
    let f = fixture();
    let by = |flt: Filters| sorted(ids_with(&f, "", flt));
    let received = by(Filters {
        received_from: Some("2025-07-02".into()),
        received_to: Some("03/07/2025".into()),
        ..Default::default()
    });
    assert_eq!(
        received,
        ["000.00.15.H12-250702-0002", "000.00.15.H12-250703-0003"]
    );
    let resolved = by(Filters {
        resolved_from: Some("2025-07-03".into()),
        resolved_to: Some("2025-07-03".into()),
        ..Default::default()
    });
    assert_eq!(resolved, ["000.00.15.H12-250701-0001"]);
    // Overlap: [10/07, 31/07] meets the case received 02/07 resolved 20/07 and the pending
    // case received 03/07, not the one closed on 03/07.
    let overlap = by(Filters {
        from: Some("2025-07-10".into()),
        to: Some("2025-07-31".into()),
        ..Default::default()
    });
    assert_eq!(
        overlap,
        ["000.00.15.H12-250702-0002", "000.00.15.H12-250703-0003"]
    );
    let bad = f.idx.search(&SearchRequest {
        filters: Filters {
            from: Some("hôm qua".into()),
            ..Default::default()
        },
        limit: 5,
        ..Default::default()
    });
    assert!(bad.is_err());
}

#[test]
fn sort_by_date_and_paging() {
    let f = fixture();
    let page = |offset| {
        f.idx
            .search(&SearchRequest {
                query: String::new(),
                sort: Sort::ReceivedDesc,
                limit: 2,
                offset,
                ..Default::default()
            })
            .unwrap()
    };
    let p1 = page(0);
    assert_eq!(p1.total, 5);
    assert_eq!(
        p1.hits
            .iter()
            .map(|h| h.case_id.as_str())
            .collect::<Vec<_>>(),
        ["000.00.21.H36-250801-0001", "000.00.15.H12-250703-0003"]
    );
    let p3 = page(4);
    assert_eq!(p3.hits.len(), 1);
    assert_eq!(p3.hits[0].case_id, "000.00.21.H36-240105-0007");
}

#[test]
fn snippets_highlight_matches_with_or_without_diacritics() {
    let f = fixture();
    let r = f
        .idx
        .search(&SearchRequest {
            query: "khoi".into(),
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.hits.len(), 1);
    assert!(
        r.hits[0].snippet.contains("<b>Khôi</b>"),
        "{}",
        r.hits[0].snippet
    );
}

#[test]
fn the_tail_of_a_receipt_number_and_codes_typed_with_spaces() {
    let f = fixture();
    assert_eq!(ids(&f, "0003"), ["000.00.15.H12-250703-0003"]);
    assert_eq!(ids(&f, "250703-0003"), ["000.00.15.H12-250703-0003"]);
    assert_eq!(
        ids(&f, "000.00.15.H12 - 250703 - 0003"),
        ["000.00.15.H12-250703-0003"]
    );
    assert_eq!(ids(&f, "250703 - 0003"), ["000.00.15.H12-250703-0003"]);
    // 0001 is the receipt tail of two cases (two agencies, two days).
    assert_eq!(
        sorted(ids(&f, "0001")),
        ["000.00.15.H12-250701-0001", "000.00.21.H36-250801-0001"]
    );
}
