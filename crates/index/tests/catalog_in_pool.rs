//! Ingest asks the catalog for likely duplicates from its own rayon pool, once per scan of
//! every case. A lookup that waited for tantivy's search pool there let rayon start another
//! case on the same stack while waiting, hundreds deep on an archive of a thousand cases (a
//! stack overflow that aborted the second batch of a growing archive). The lookup runs on the
//! calling thread: thousands of lookups from a pool of small stacks finish.

use sohoa_archive::catalog::ArchiveCatalog;
use sohoa_index::{ArchiveIndex, CaseDoc, Catalog};

#[test]
fn duplicate_lookups_from_a_worker_pool_do_not_nest() {
    let archive = tempfile::tempdir().expect("temp dir");
    let sha = |i: usize| format!("{i:064x}");
    let cases = (0..50).map(|i| CaseDoc {
        case_id: format!("case-{i:03}"),
        version: 1,
        bag_path: format!("bags/case-{i:03}"),
        source_sha256: vec![sha(i), sha(1000)],
        ..Default::default()
    });
    ArchiveIndex::build_from(
        &archive.path().join(sohoa_index::INDEX_DIR),
        sohoa_index::privacy::IdKey::fixed(1),
        cases,
    )
    .expect("index built");
    let catalog = Catalog::open(archive.path());
    assert_eq!(catalog.cases_with_source(&sha(7)), vec!["case-007"]);
    assert_eq!(catalog.cases_with_source(&sha(1000)).len(), 50);
    // Small stacks: a few nested lookups would already overflow them.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .stack_size(96 * 1024)
        .build()
        .expect("pool");
    let found: usize = pool.install(|| {
        use rayon::prelude::*;
        (0..4000usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| catalog.cases_with_source(&sha(i % 50)).len())
            .sum()
    });
    assert_eq!(found, 4000);
}
