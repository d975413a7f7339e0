//! One pass of the audit over the archive's cases, a chunk at a time: each case is loaded, its
//! own checks run, and what later steps need is kept (a [`CaseDigest`] and its cross-case
//! keys); its record is dropped with the chunk. Memory grows by the digests only, so a million
//! cases fit in well under a gigabyte. The cross-case checks run at the end on the keys.

use crate::case::{load_bag, LoadedBag};
use crate::checks::{self, Context};
use crate::cross::{CaseKeys, CrossKeys};
use crate::digest::{CaseDigest, Interner};
use crate::finding::Finding;
use crate::finding::Findings;
use crate::parallel::Pool;
use std::path::{Path, PathBuf};

/// Cases loaded this many at a time (enough to keep every core busy, few enough to be small).
pub const CHUNK: usize = 2048;

/// The cases an audit reads: by number, each loaded when its turn comes.
pub trait Cases: Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Loads case `i` (its bag and record, or why not).
    fn load(&self, i: usize) -> LoadedBag;
}

/// The current bags of an archive folder (or of the object storage its home names).
pub struct ArchiveCases {
    archive: PathBuf,
    ids: Vec<String>,
}

impl ArchiveCases {
    pub fn list(archive: &Path) -> std::io::Result<ArchiveCases> {
        Ok(ArchiveCases {
            archive: archive.to_path_buf(),
            ids: sohoa_index::bag_ids(archive)?,
        })
    }
}

impl Cases for ArchiveCases {
    fn len(&self) -> usize {
        self.ids.len()
    }
    fn load(&self, i: usize) -> LoadedBag {
        load_bag(&self.archive, self.ids.get(i).map_or("", String::as_str))
    }
}

/// What the pass leaves: one digest per case in order, the agencies they name, each case's own
/// findings (compact, in case order, each case's in report order) and the cross-case ones.
pub struct Checked {
    pub cases: Vec<CaseDigest>,
    pub agencies: Vec<String>,
    pub findings: Findings,
    pub cross: Vec<Finding>,
}

/// The report's order of one case's findings: criterion, severity, code, page.
pub fn sort_case(f: &mut [Finding]) {
    f.sort_by(|a, b| {
        (a.criterion, a.severity as u8, &a.code, a.page).cmp(&(
            b.criterion,
            b.severity as u8,
            &b.code,
            b.page,
        ))
    });
}

/// Checks every case, `CHUNK` at a time on the pool, then across cases.
/// `progress(done, total)` is called after every chunk.
pub fn check_all(
    cases: &dyn Cases,
    ctx: &Context,
    pool: &Pool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Checked {
    let total = cases.len();
    let mut digests = Vec::with_capacity(total);
    let mut findings = Findings::new();
    let mut keys = CrossKeys::default();
    let mut agencies = Interner::default();
    let numbers: Vec<usize> = (0..total).collect();
    for chunk in numbers.chunks(CHUNK) {
        let done = pool.map(chunk, |&i| {
            let b = cases.load(i);
            let mut f = checks::case_findings(&b, ctx);
            sort_case(&mut f);
            let k = b.record.as_ref().ok().map(|r| CaseKeys::of(&b.id, r));
            (CaseDigest::of(&b), k, (crate::finding::encode(&f), f.len()))
        });
        for (&i, ((mut d, agency), k, (lines, n))) in chunk.iter().zip(done) {
            d.agency = agency.map(|a| agencies.intern(a));
            if let Some(k) = k {
                keys.add(i as u32, k);
            }
            digests.push(d);
            findings.append(&lines, n);
        }
        progress(digests.len(), total);
    }
    // Duplicates: the cases whose keys meet another's, read again and compared whole.
    let candidates: Vec<usize> = keys.candidates().into_iter().map(|i| i as usize).collect();
    let reread: Vec<LoadedBag> = pool.map(&candidates, |&i| {
        let mut b = cases.load(i);
        b.bag = None;
        if let Ok(r) = &mut b.record {
            r.pages = Vec::new();
            r.components = Vec::new();
        }
        b
    });
    let records: Vec<(&str, &crate::case::Record)> = reread
        .iter()
        .filter_map(|b| Some((b.id.as_str(), b.record.as_ref().ok()?)))
        .collect();
    let mut cross = crate::cross::duplicates(&records);
    cross.extend(keys.gaps(|i| digests.get(i as usize).map_or("", |d| d.id())));
    Checked {
        cases: digests,
        agencies: agencies.into_names(),
        findings,
        cross,
    }
}
