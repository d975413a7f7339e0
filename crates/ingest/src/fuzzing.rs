//! Entry points of the fuzz targets (`fuzz/fuzz_targets/`) and of their regression replays
//! (`tests/fuzz_regressions.rs`): each takes any bytes and must return without panicking,
//! hanging or allocating beyond the limits it is given. Not an API for anything else.

use sohoa_imaging::normalize::Profile;
use std::path::PathBuf;

/// The default profile with limits small enough for many runs a second.
fn small_profile() -> Profile {
    let mut p = Profile::default();
    p.limits.max_page_pixels = 4_000_000;
    p.limits.max_pages_per_file = 64;
    p.limits.max_register_unpacked_bytes = 16 * 1024 * 1024;
    p.limits.max_register_cells = 200_000;
    p
}

/// A scratch file for readers that take a path (one per process, thread and name).
fn scratch(name: &str, data: &[u8]) -> Option<PathBuf> {
    let thread = format!("{:?}", std::thread::current().id())
        .replace(|c: char| !c.is_ascii_alphanumeric(), "");
    let dir = std::env::temp_dir().join(format!("sohoa-fuzz-{}-{thread}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(name);
    std::fs::write(&path, data).ok()?;
    Some(path)
}

/// Page decoders (JPEG, PNG, TIFF) and normalization.
pub fn page(data: &[u8]) {
    let profile = small_profile();
    let _ = sohoa_imaging::read_pages(data, &profile, &mut |_| Ok(()));
}

/// A register read as CSV (any encoding and delimiter).
pub fn register_csv(data: &[u8]) {
    if let Some(p) = scratch("hoso.csv", data) {
        let _ = sohoa_register::read_register(
            &p,
            &sohoa_register::Mapping::default(),
            &small_profile().limits,
        );
    }
}

/// A register read as a workbook (XLSX, ODS, XLS by content).
pub fn register_workbook(data: &[u8]) {
    if let Some(p) = scratch("hoso.xlsx", data) {
        let _ = sohoa_register::read_register(
            &p,
            &sohoa_register::Mapping::default(),
            &small_profile().limits,
        );
    }
}

/// A `hoso.json` sidecar.
pub fn sidecar(data: &[u8]) {
    if let Some(p) = scratch("hoso.json", data) {
        let _ = sohoa_register::read_sidecar_limited(&p, "x/hoso.json", &small_profile().limits);
    }
}

/// A manifest and a bag-info, as the bag reader parses them: every entry it keeps is safe.
pub fn bag_tags(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let m = sohoa_bagit::Manifest::parse("manifest-sha256.txt", &text);
    for path in m.entries.keys() {
        assert!(
            sohoa_archive::safe_fs::safe_parts(path).is_ok(),
            "unsafe path kept: {path:?}"
        );
    }
    let _ = sohoa_bagit::BagInfo::parse(&text);
}

/// An archival package's METS (`sohoa import`): parsing never panics, and every path it yields
/// stays inside the package.
pub fn package_mets(data: &[u8]) {
    for base in ["", "representations/rep1/"] {
        if let Ok(paths) = sohoa_export::read::listed_in_mets(data, base) {
            for p in &paths {
                assert!(
                    sohoa_archive::safe_fs::safe_parts(p).is_ok() && !p.starts_with('/'),
                    "unsafe path kept: {p:?}"
                );
                assert!(p.starts_with(base), "left its folder: {p:?}");
            }
        }
    }
}

/// Identity numbers: masking never panics, and none of the numbers found is still findable in
/// the masked text (strict or loose masking).
pub fn identity_numbers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let found = sohoa_archive::privacy::find_ids(&text);
    assert_eq!(
        found,
        sohoa_archive::privacy::find_in_chains(&text),
        "the quick scan missed a number"
    );
    for f in &found {
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        assert!(matches!(f.digits.len(), 9 | 12), "{f:?}");
    }
    let digits: std::collections::HashSet<&str> = found.iter().map(|f| f.digits.as_str()).collect();
    for masked in [
        sohoa_archive::privacy::mask_ids(&text),
        sohoa_archive::privacy::mask_ids_loose(&text),
    ] {
        for again in sohoa_archive::privacy::find_ids(&masked) {
            assert!(
                !digits.contains(again.digits.as_str()),
                "{text:?} -> {masked:?} still shows {}",
                again.digits
            );
        }
    }
}

/// A fuzz target: any bytes in, nothing out (it panics on a finding).
pub type Target = fn(&[u8]);

/// Every target by name, for the regression replays.
pub const TARGETS: &[(&str, Target)] = &[
    ("page", page),
    ("register_csv", register_csv),
    ("register_workbook", register_workbook),
    ("sidecar", sidecar),
    ("bag_tags", bag_tags),
    ("identity_numbers", identity_numbers),
    ("package_mets", package_mets),
];
