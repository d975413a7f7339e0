//! What sohoa hands to other programs is safe: CSV cells a spreadsheet would run as formulas
//! are written as text, terminal output carries no escape sequences from register text, a date
//! kept as typed never crashes a search, and a read-only archive is searchable.

mod common;
use common::*;
use std::path::Path;

/// A register whose text is hostile: a formula as the applicant, escape sequences in a name, a
/// date kept as typed. The first case is late (due 02/07, resolved 10/07).
fn hostile_register(w: &Work) {
    for f in ["a", "b", "c"] {
        std::fs::create_dir_all(w.scans().join(f)).unwrap();
        let mut jpeg = jpeg_bytes();
        jpeg.push(f.as_bytes()[0]);
        std::fs::write(w.scans().join(f).join("1.jpg"), jpeg).unwrap();
    }
    let csv = "Mã hồ sơ,Thư mục,Họ tên người nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái\n\
        @SUM(1+1)*cmd,a,\"=HYPERLINK(\"\"http://x.invalid\"\",\"\"bấm\"\")\",01/07/2025,02/07/2025,10/07/2025,Đã trả kết quả\n\
        HS-B,b,Nguyễn \u{1b}[2J\u{1b}]0;pwned\u{7}Văn \u{202e}Bình,01/07/2025,05/07/2025,,Đang giải quyết\n\
        HS-C,c,Lê Thị Cúc,Đợt 1/2025,,,Đang giải quyết\n";
    std::fs::write(w.scans().join("hoso.csv"), csv).unwrap();
}

fn csv_cells(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[..]);
    r.records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

#[test]
fn csv_outputs_write_formulas_as_text() {
    let w = Work::empty();
    hostile_register(&w);
    let (code, report) = w.ingest(&[]);
    assert!(code <= 1, "{report:#}");
    let a = w.archive();
    let out = w.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let audit_csv = out.join("audit.csv");
    let report_csv = out.join("bieu06.csv");
    for args in [
        vec![
            "audit",
            "--archive",
            a.to_str().unwrap(),
            "--csv",
            audit_csv.to_str().unwrap(),
        ],
        vec![
            "report",
            "--archive",
            a.to_str().unwrap(),
            "--from",
            "2025-07-01",
            "--to",
            "2025-07-31",
            "--csv",
            report_csv.to_str().unwrap(),
        ],
    ] {
        let o = w.sohoa(&args);
        assert!(
            o.status.code().unwrap() <= 1,
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let late = out.join("bieu06-tre-han.csv");
    let mut cells = csv_cells(&audit_csv);
    cells.extend(csv_cells(&late));
    let risky: Vec<&String> = cells
        .iter()
        .filter(|c| {
            c.starts_with(['=', '+', '@', '\t', '\r'])
                || (c.starts_with('-') && c.parse::<f64>().is_err())
        })
        .collect();
    assert!(risky.is_empty(), "cells a spreadsheet would run: {risky:?}");
    assert!(
        cells.iter().any(|c| c.starts_with("'=HYPERLINK")),
        "the late case's applicant is written as text: {cells:?}"
    );
    assert!(
        cells.iter().any(|c| c.starts_with("'@SUM")),
        "the case code as text"
    );
}

#[test]
fn search_and_report_print_no_terminal_escape_sequences() {
    let w = Work::empty();
    hostile_register(&w);
    let _ = w.ingest(&[]);
    let a = w.archive();
    for args in [
        vec!["search", "binh", "--archive", a.to_str().unwrap()],
        vec!["search", "", "--archive", a.to_str().unwrap(), "--facets"],
        vec![
            "report",
            "--archive",
            a.to_str().unwrap(),
            "--from",
            "2025-07-01",
            "--to",
            "2025-07-31",
        ],
        vec!["audit", "--archive", a.to_str().unwrap()],
        vec![
            "ingest",
            w.scans().to_str().unwrap(),
            "--archive",
            a.to_str().unwrap(),
        ],
    ] {
        let o = w.sohoa(&args);
        for (name, stream) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
                "{args:?} {name}: {text:?}"
            );
        }
        if args[0] == "search" && args[1] == "binh" {
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains("Nguyễn [2J]0;pwnedVăn «Bình»"), "{text}");
        }
    }
}

#[test]
fn a_date_kept_as_typed_is_shown_as_typed_by_search() {
    let w = Work::empty();
    hostile_register(&w);
    let _ = w.ingest(&[]);
    let a = w.archive();
    let o = w.sohoa(&["search", "cuc", "--archive", a.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Đợt 1/2025"));
}

#[test]
fn a_read_only_archive_is_searchable() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let w = Work::with_samples();
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);
    // Read-only for the reader: as root, search as an unprivileged user; otherwise read-only
    // permissions. Either way nothing in the archive can be created or changed.
    let root = unsafe { libc::geteuid() } == 0;
    let walk = |mode_dir: u32, mode_file: u32| {
        fn go(p: &Path, d: u32, f: u32) {
            let is_dir = p.is_dir();
            std::fs::set_permissions(
                p,
                std::fs::Permissions::from_mode(if is_dir { d } else { f }),
            )
            .unwrap();
            if is_dir {
                for e in std::fs::read_dir(p).unwrap() {
                    go(&e.unwrap().path(), d, f);
                }
            }
        }
        go(&w.archive(), mode_dir, mode_file);
    };
    std::fs::set_permissions(w.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    walk(0o555, 0o444);
    let before = tree_digest(&w.archive());
    let a = w.archive();
    let mut cmd = w.command();
    cmd.args([
        "search",
        "nguyen van an",
        "--archive",
        a.to_str().unwrap(),
        "--json",
    ]);
    if root {
        cmd.uid(65534).gid(65534);
    }
    let o = cmd.output().unwrap();
    walk(0o755, 0o644);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 1, "{v:#}");
    assert_eq!(tree_digest(&w.archive()), before, "nothing written");
}
