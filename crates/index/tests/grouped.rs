//! Results grouped by case (what the web shows): the pages that matched under their case,
//! totals and facets counted in cases, paging and sorting over cases, and the visibility
//! rules (agency, TT 05/2025 access mode, grants) applied inside the query so that nothing
//! hidden shows up in hits, totals or counts.

use sohoa_archive::record::{CaseInfo, HoSo};
use sohoa_index::document::CaseDoc;
use sohoa_index::{ArchiveIndex, Filters, GroupedResults, SearchRequest, Sort, Visibility};

fn case(id: &str, agency: &str, mode: Option<&str>, received: &str, pages: &[&str]) -> CaseDoc {
    CaseDoc {
        case_id: id.into(),
        version: 1,
        bag_path: format!("bags/{id}"),
        case: CaseInfo {
            case_code: Some(id.into()),
            procedure_code: Some("1.001193".into()),
            procedure_name: Some("Đăng ký khai sinh".into()),
            sector: Some("Hộ tịch".into()),
            agency_code: Some(agency.into()),
            agency_name: Some(format!("UBND {agency}")),
            applicant_name: Some("Nguyễn Văn An".into()),
            received_date: Some(received.into()),
            ..Default::default()
        },
        hoso: HoSo {
            title: Some(format!("Hồ sơ {id}")),
            mode: mode.map(String::from),
            ..Default::default()
        },
        page_count: pages.len() as u64,
        pages: pages
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| (i as u64 + 1, t.to_string()))
            .collect(),
        metadata_status: "complete".into(),
        ..Default::default()
    }
}

const A: &str = "000.00.15.H12";
const B: &str = "000.00.21.H36";

fn corpus() -> Vec<CaseDoc> {
    vec![
        // Five pages mention the land parcel; the metadata does not.
        case(
            "public-many-pages",
            A,
            Some("01"),
            "2025-07-01",
            &[
                "thửa đất số 12",
                "",
                "thửa đất",
                "thửa đất",
                "giấy khai sinh",
                "thửa đất",
                "thửa đất",
            ],
        ),
        case(
            "public-b",
            B,
            Some("Công khai"),
            "2025-07-05",
            &["giấy khai sinh", "thửa đất 7"],
        ),
        case(
            "conditional",
            A,
            Some("02"),
            "2025-07-03",
            &["thửa đất hạn chế"],
        ),
        case("secret", A, Some("03"), "2025-07-02", &["thửa đất mật"]),
        case("no-mode", A, None, "2025-07-04", &["thửa đất không rõ"]),
    ]
}

struct Fixture {
    _dir: tempfile::TempDir,
    idx: ArchiveIndex,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (idx, _) = ArchiveIndex::build_from(
        &dir.path().join("index"),
        sohoa_index::privacy::IdKey::fixed(1),
        corpus().into_iter(),
    )
    .unwrap();
    Fixture { _dir: dir, idx }
}

fn grouped(f: &Fixture, q: &str, visibility: Option<Visibility>) -> GroupedResults {
    f.idx
        .search_cases(&SearchRequest {
            query: q.into(),
            filters: Filters {
                visibility,
                ..Default::default()
            },
            limit: 20,
            facets: true,
            ..Default::default()
        })
        .unwrap()
}

fn ids(r: &GroupedResults) -> Vec<&str> {
    let mut v: Vec<&str> = r.groups.iter().map(|g| g.case_id.as_str()).collect();
    v.sort();
    v
}

fn readers(granted: &[&str]) -> Option<Visibility> {
    Some(Visibility {
        readers_rule: true,
        granted: granted.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    })
}

#[test]
fn pages_are_grouped_under_their_case() {
    let f = fixture();
    let r = grouped(&f, "thua dat", None);
    assert_eq!(r.total_cases, 5);
    // 5 pages of the first case, 1 of each other case.
    assert_eq!(r.total_hits, 9);
    let g = r
        .groups
        .iter()
        .find(|g| g.case_id == "public-many-pages")
        .unwrap();
    assert!(!g.metadata_hit);
    assert_eq!(g.page_hits, 5);
    let pages: Vec<u64> = g.pages.iter().map(|p| p.page).collect();
    assert_eq!(pages.len(), sohoa_index::grouped::PAGES_SHOWN);
    assert!(pages.windows(2).all(|w| w[0] < w[1]), "{pages:?}");
    assert!(!pages.contains(&5), "page 5 does not match: {pages:?}");
    assert!(g.pages.iter().all(|p| p.snippet.contains("<b>")));
    assert_eq!(g.case.case_id, "public-many-pages");
    assert_eq!(g.case.page_count, 7);
}

#[test]
fn a_metadata_hit_and_page_hits_make_one_entry() {
    let f = fixture();
    let r = grouped(&f, "khai sinh", None);
    // Every case's procedure says "khai sinh"; two also have it on a page.
    assert_eq!(r.total_cases, 5);
    let g = r.groups.iter().find(|g| g.case_id == "public-b").unwrap();
    assert!(g.metadata_hit);
    assert_eq!(g.pages.iter().map(|p| p.page).collect::<Vec<_>>(), [1]);
    assert!(g.snippet.contains("<b>"), "{}", g.snippet);
}

#[test]
fn facets_count_cases_not_hits() {
    let f = fixture();
    let r = grouped(&f, "thua dat", None);
    let agency = &r.facets["agency"];
    assert_eq!(
        agency,
        &vec![(format!("UBND {A}"), 4), (format!("UBND {B}"), 1)]
    );
    assert_eq!(r.facets["year"], vec![("2025".to_string(), 5)]);
}

#[test]
fn paging_and_sorting_count_cases() {
    let f = fixture();
    let all = |sort, offset, limit| {
        f.idx
            .search_cases(&SearchRequest {
                query: "thua dat".into(),
                sort,
                offset,
                limit,
                ..Default::default()
            })
            .unwrap()
            .groups
            .into_iter()
            .map(|g| g.case_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        all(Sort::ReceivedDesc, 0, 10),
        [
            "public-b",
            "no-mode",
            "conditional",
            "secret",
            "public-many-pages"
        ]
    );
    assert_eq!(
        all(Sort::ReceivedAsc, 0, 2),
        ["public-many-pages", "secret"]
    );
    assert_eq!(all(Sort::ReceivedAsc, 2, 2), ["conditional", "no-mode"]);
    assert_eq!(all(Sort::ReceivedAsc, 4, 2), ["public-b"]);
    assert!(all(Sort::ReceivedAsc, 9, 2).is_empty());
    // Relevance pages partition the same set.
    let mut pages: Vec<String> = (0..5).flat_map(|i| all(Sort::Relevance, i, 1)).collect();
    pages.sort();
    let mut whole = all(Sort::Relevance, 0, 10);
    whole.sort();
    assert_eq!(pages, whole);
}

#[test]
fn readers_see_public_cases_and_granted_conditional_ones_only() {
    let f = fixture();
    let r = grouped(&f, "thua dat", readers(&[]));
    assert_eq!(ids(&r), ["public-b", "public-many-pages"]);
    assert_eq!(r.total_cases, 2);
    assert_eq!(r.total_hits, 6);
    let counted: u64 = r.facets["agency"].iter().map(|(_, n)| n).sum();
    assert_eq!(counted, 2, "hidden cases are not counted: {:?}", r.facets);

    let r = grouped(
        &f,
        "thua dat",
        readers(&["conditional", "secret", "no-mode"]),
    );
    assert_eq!(ids(&r), ["conditional", "public-b", "public-many-pages"]);

    // A word found only in a secret case finds nothing, by text or by its code.
    assert_eq!(grouped(&f, "mat", readers(&["secret"])).total_cases, 0);
    assert_eq!(grouped(&f, "secret", readers(&["secret"])).total_cases, 0);
    assert_eq!(grouped(&f, "mat", None).total_cases, 1);

    // Browsing (no words) follows the same rule, and so does the flat search.
    let r = grouped(&f, "", readers(&[]));
    assert_eq!(ids(&r), ["public-b", "public-many-pages"]);
    let flat = f
        .idx
        .search(&SearchRequest {
            query: "thua dat".into(),
            filters: Filters {
                visibility: readers(&[]),
                ..Default::default()
            },
            limit: 50,
            facets: true,
            ..Default::default()
        })
        .unwrap();
    assert!(flat.hits.iter().all(|h| h.case_id.starts_with("public-")));
}

#[test]
fn an_agency_sees_its_own_cases() {
    let f = fixture();
    let own = Some(Visibility {
        agency: Some(B.into()),
        ..Default::default()
    });
    let r = grouped(&f, "", own);
    assert_eq!(ids(&r), ["public-b"]);
    let own_a = Some(Visibility {
        agency: Some(A.to_lowercase()),
        ..Default::default()
    });
    assert_eq!(grouped(&f, "thua dat", own_a).total_cases, 4);
}

#[test]
fn counts_stay_exact_over_many_segments() {
    // Cases added in several commits land in several segments; every document of a case is
    // in the same one, so nothing is counted twice and paging covers every case once.
    let dir = tempfile::tempdir().unwrap();
    let many: Vec<CaseDoc> = (0..600)
        .map(|i| {
            case(
                &format!("case-{i:04}"),
                if i % 2 == 0 { A } else { B },
                Some("01"),
                &format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                &["thửa đất", "thửa đất số", "giấy tờ"],
            )
        })
        .collect();
    let (idx, _) = ArchiveIndex::build_from(
        &dir.path().join("index"),
        sohoa_index::privacy::IdKey::fixed(1),
        many.into_iter(),
    )
    .unwrap();
    let segments = idx.segment_count().unwrap();
    assert!(
        segments >= 2,
        "the test needs several segments, got {segments}"
    );
    let r = idx
        .search_cases(&SearchRequest {
            query: "thua dat".into(),
            limit: 50,
            facets: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total_cases, 600, "{segments} segments");
    assert_eq!(r.total_hits, 1200);
    let counted: u64 = r.facets["agency"].iter().map(|(_, n)| n).sum();
    assert_eq!(counted, 600);
    let mut seen = std::collections::BTreeSet::new();
    for page in 0..12 {
        let r = idx
            .search_cases(&SearchRequest {
                query: "thua dat".into(),
                sort: Sort::ReceivedDesc,
                limit: 50,
                offset: page * 50,
                ..Default::default()
            })
            .unwrap();
        for g in r.groups {
            assert_eq!(g.page_hits, 2);
            assert!(seen.insert(g.case_id), "a case shown twice");
        }
    }
    assert_eq!(seen.len(), 600);
}
