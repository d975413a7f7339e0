//! Step 1 of the flow: walk a scan folder into cases, each with its page files in order
//! and grouped by component document (thành phần hồ sơ). Nothing is read but names.

use crate::problem::Problem;
use crate::text::{natural_cmp, nfc};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// File name of a per-case metadata sidecar inside a case folder.
pub const SIDECAR: &str = "hoso.json";

/// Image formats sohoa reads, by extension (lowercase).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "tif", "tiff"];

/// Files that scanners and desktops leave behind; ignored without complaint.
const JUNK: &[&str] = &["thumbs.db", "desktop.ini", ".ds_store"];

/// One page file (which may hold several pages, e.g. a multi-page TIFF).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path relative to the case folder, `/`-separated, NFC.
    pub rel: String,
    /// Index into `CaseSource::components`, `None` for pages directly in the case folder.
    pub component: Option<usize>,
}

/// A component document: one subfolder of a case folder.
#[derive(Debug, Clone)]
pub struct ComponentFolder {
    /// Folder name as on disk (NFC).
    pub folder: String,
}

/// Everything found for one case folder.
#[derive(Debug, Clone)]
pub struct CaseSource {
    pub dir: PathBuf,
    /// Folder name (NFC).
    pub folder: String,
    pub files: Vec<SourceFile>,
    pub components: Vec<ComponentFolder>,
    pub sidecar: Option<PathBuf>,
    /// Problems found while walking (unsupported files, nesting, empty folders).
    pub problems: Vec<Problem>,
}

/// A scan folder: its cases and its register, if any.
#[derive(Debug)]
pub struct ScanBatch {
    pub root: PathBuf,
    /// The batch register (`hoso.xlsx`, `hoso.csv`, ... see `register::REGISTER_NAMES`).
    pub register: Option<PathBuf>,
    /// The register's column mapping file (`hoso.mapping.toml`).
    pub mapping: Option<PathBuf>,
    pub cases: Vec<CaseSource>,
    pub problems: Vec<Problem>,
}

fn name_of(path: &Path) -> String {
    nfc(&path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default())
}

fn is_junk(name: &str) -> bool {
    JUNK.contains(&name.to_lowercase().as_str()) || name.starts_with("._")
}

fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Walks `root`: every subfolder is a case; `hoso.xlsx`/`hoso.csv`/... at the top is the
/// register, `hoso.mapping.toml` its column mapping.
pub fn discover(root: &Path) -> std::io::Result<ScanBatch> {
    let mut batch = ScanBatch {
        root: root.to_path_buf(),
        register: None,
        mapping: None,
        cases: Vec::new(),
        problems: Vec::new(),
    };
    let mut entries: Vec<_> = std::fs::read_dir(root)?.collect::<Result<_, _>>()?;
    entries.sort_by(|a, b| natural_cmp(&name_of(&a.path()), &name_of(&b.path())));
    let mut registers = Vec::new();
    for entry in entries {
        let path = entry.path();
        let name = name_of(&path);
        if name.starts_with('.') || is_junk(&name) {
            continue;
        }
        if path.is_dir() {
            batch.cases.push(discover_case(&path));
        } else if let Some(rank) = register_rank(&name) {
            registers.push((rank, path));
        } else if name.eq_ignore_ascii_case(crate::register::MAPPING_NAME) {
            batch.mapping = Some(path);
        } else {
            batch.problems.push(
                Problem::warning(
                    "scan.ignored_file",
                    "Tệp ở thư mục gốc không thuộc hồ sơ nào nên bị bỏ qua",
                    "File at the top of the scan folder belongs to no case and is ignored",
                )
                .in_file(name),
            );
        }
    }
    registers.sort();
    let mut registers = registers.into_iter().map(|(_, p)| p);
    batch.register = registers.next();
    for other in registers {
        batch.problems.push(
            Problem::warning(
                "scan.several_registers",
                format!(
                    "Có nhiều sổ đăng ký: dùng {}, bỏ qua tệp này",
                    batch.register.as_deref().map(name_of).unwrap_or_default()
                ),
                format!(
                    "Several registers: using {}, this one is ignored",
                    batch.register.as_deref().map(name_of).unwrap_or_default()
                ),
            )
            .in_file(name_of(&other)),
        );
    }
    Ok(batch)
}

/// Preference of a register file name (lower first), or None when it is not one.
fn register_rank(name: &str) -> Option<usize> {
    crate::register::REGISTER_NAMES
        .iter()
        .position(|r| name.eq_ignore_ascii_case(r))
}

/// Walks one case folder (two levels: pages, or component subfolders of pages).
pub fn discover_case(dir: &Path) -> CaseSource {
    let folder = name_of(dir);
    let mut case = CaseSource {
        dir: dir.to_path_buf(),
        folder,
        files: Vec::new(),
        components: Vec::new(),
        sidecar: None,
        problems: Vec::new(),
    };
    let walker = WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by(|a, b| {
            // Loose files first, then component folders, each in natural order.
            let (ad, bd) = (a.file_type().is_dir(), b.file_type().is_dir());
            ad.cmp(&bd).then_with(|| {
                natural_cmp(
                    &a.file_name().to_string_lossy(),
                    &b.file_name().to_string_lossy(),
                )
            })
        });
    let mut walker = walker.into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let file = err.path().map(|p| rel_path(dir, p)).unwrap_or_default();
                case.problems.push(
                    Problem::error(
                        "scan.unreadable",
                        format!("Không đọc được: {err}"),
                        format!("Cannot read: {err}"),
                    )
                    .in_file(file),
                );
                continue;
            }
        };
        let name = nfc(&entry.file_name().to_string_lossy());
        let rel = rel_path(dir, entry.path());
        if name.starts_with('.') || is_junk(&name) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_dir() {
            if entry.depth() > 1 {
                case.problems.push(
                    Problem::error(
                        "scan.nested_folder",
                        "Thư mục lồng quá hai cấp: mỗi thành phần hồ sơ phải là một thư mục con trực tiếp của thư mục hồ sơ",
                        "Folder nested too deep: each component document must be a direct subfolder of the case folder",
                    )
                    .in_file(rel),
                );
                walker.skip_current_dir();
            } else {
                case.components.push(ComponentFolder { folder: name });
            }
            continue;
        }
        let component = if entry.depth() == 2 {
            Some(case.components.len() - 1)
        } else {
            None
        };
        if entry.depth() == 1 && name.eq_ignore_ascii_case(SIDECAR) {
            case.sidecar = Some(entry.path().to_path_buf());
        } else if IMAGE_EXTENSIONS.contains(&extension(&name).as_str()) {
            case.files.push(SourceFile {
                path: entry.path().to_path_buf(),
                rel,
                component,
            });
        } else {
            case.problems.push(
                Problem::error(
                    "scan.unsupported_file",
                    "Tệp không phải ảnh quét được hỗ trợ (JPEG, PNG, TIFF); hãy chuyển đổi hoặc đưa ra khỏi thư mục hồ sơ",
                    "Not a supported scan image (JPEG, PNG, TIFF); convert it or move it out of the case folder",
                )
                .in_file(rel),
            );
        }
    }
    if case.files.is_empty() && case.problems.is_empty() {
        case.problems.push(Problem::error(
            "scan.no_pages",
            "Thư mục hồ sơ không có trang ảnh nào",
            "The case folder holds no page images",
        ));
    }
    case
}

/// Path of `path` relative to `base`, `/`-separated and NFC.
pub fn rel_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| nfc(&c.as_os_str().to_string_lossy()))
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn pages_in_natural_order_grouped_by_component() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("HS1");
        fs::create_dir_all(case.join("02 Giấy chứng sinh")).unwrap();
        fs::create_dir_all(case.join("01 To khai")).unwrap();
        for f in [
            "01 To khai/10.jpg",
            "01 To khai/2.jpg",
            "02 Giấy chứng sinh/1.png",
            "hoso.json",
            "Thumbs.db",
        ] {
            fs::write(case.join(f), b"x").unwrap();
        }
        fs::write(dir.path().join("hoso.csv"), b"").unwrap();
        let batch = discover(dir.path()).unwrap();
        assert!(batch.register.is_some());
        let c = &batch.cases[0];
        let rels: Vec<_> = c.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "01 To khai/2.jpg",
                "01 To khai/10.jpg",
                "02 Giấy chứng sinh/1.png"
            ]
        );
        assert_eq!(c.components.len(), 2);
        assert_eq!(c.files[2].component, Some(1));
        assert!(c.sidecar.is_some());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    #[test]
    fn unsupported_and_nested_files_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("HS2");
        fs::create_dir_all(case.join("01/deeper")).unwrap();
        fs::write(case.join("notes.docx"), b"x").unwrap();
        fs::write(case.join("1.jpg"), b"x").unwrap();
        let c = discover_case(&case);
        let codes: Vec<_> = c
            .problems
            .iter()
            .map(|p| (p.code.as_str(), p.file.clone().unwrap()))
            .collect();
        assert!(codes.contains(&("scan.unsupported_file", "notes.docx".into())));
        assert!(codes.contains(&("scan.nested_folder", "01/deeper".into())));
    }
}
