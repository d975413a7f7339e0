//! `sohoa register check FILE`: how a register (XLSX/XLS/ODS/CSV) is read: encoding, sheets,
//! header row, how each column maps to a field, which rows fail and why, legacy text converted.

use crate::exit::{CannotRun, Done, Ran};
use sohoa_archive::privacy::mask_ids_loose;
use sohoa_archive::problem::Lang;
use sohoa_register::{self as register, field_label, MappedBy, Mapping, Register};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The register: XLSX, XLS, XLSB, ODS or CSV (any delimiter; UTF-8, UTF-16, Windows-1258, TCVN3, VNI).
    file: PathBuf,
    /// Column mapping file (TOML); default: hoso.mapping.toml next to the register, if any.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// List every problem and conversion (default: the first 50 of each).
    #[arg(long)]
    all: bool,
    /// Print the result as JSON on standard output (schema sohoa/register-check, docs/cli.md).
    #[arg(long)]
    json: bool,
    /// With --json: also every row as read (cleaned fields and extra columns).
    #[arg(long, requires = "json")]
    rows: bool,
}

const SHOWN: usize = 50;

pub fn check(args: &CheckArgs, lang: Lang) -> Ran {
    if !args.file.is_file() {
        return Err(cannot!(
            "{} {}",
            lang.pick("Không tìm thấy tệp", "File not found:"),
            args.file.display()
        ));
    }
    let mapping_path = args.mapping.clone().or_else(|| {
        let p = args.file.with_file_name(register::MAPPING_NAME);
        p.is_file().then_some(p)
    });
    let mapping = match &mapping_path {
        Some(p) => match Mapping::load(p) {
            Ok(m) => m,
            Err(e) => {
                return Err(cannot!("{}", e.render(lang)));
            }
        },
        None => Mapping::default(),
    };
    let reg = register::read_register(&args.file, &mapping, &register::Limits::default());
    let unreadable = reg.rows.is_empty() && reg.problems.iter().any(|p| p.is_error());
    if args.json {
        print_json(&reg, &mapping, args.rows);
    } else {
        print_human(&reg, &mapping, args.all, lang);
    }
    if unreadable {
        Err(CannotRun::said())
    } else if reg.problems.is_empty() {
        Ok(Done::Ok)
    } else {
        Ok(Done::Partial)
    }
}

fn print_json(reg: &Register, mapping: &Mapping, rows: bool) {
    let mut doc = serde_json::json!({
        "schema": "sohoa/register-check",
        "schema_version": 1,
        "file": reg.path.display().to_string(),
        "format": reg.format,
        "encoding": reg.encoding,
        "delimiter": reg.delimiter.map(|d| d.to_string()),
        "legacy_hint": reg.legacy_hint,
        "mapping_file": mapping.path.as_ref().map(|p| p.display().to_string()),
        "sha256": reg.sha256,
        "sheets": reg.sheets,
        "columns": reg.columns,
        "rows": reg.rows.len(),
        "rows_with_problems": reg.rows_with_problems(),
        "problems": reg.problems,
        "conversions": reg.conversions().map(|c| {
            // Identity numbers masked, as everywhere sohoa prints.
            let mut c = c.clone();
            c.original = mask_ids_loose(&c.original).into_owned();
            c.text = mask_ids_loose(&c.text).into_owned();
            c
        }).collect::<Vec<_>>(),
    });
    if rows {
        doc["records"] = reg
            .rows
            .iter()
            .map(|r| {
                // Identity numbers masked, as everywhere sohoa prints: the applicant's whole
                // (also when a spreadsheet cut it), any other value where it quotes one.
                let masked = |m: &std::collections::BTreeMap<String, String>| {
                    m.iter()
                        .map(|(k, v)| {
                            let v = if k == "applicant_id" {
                                sohoa_archive::privacy::mask(v)
                            } else {
                                mask_ids_loose(v).into_owned()
                            };
                            (k.clone(), v)
                        })
                        .collect::<std::collections::BTreeMap<_, _>>()
                };
                serde_json::json!({
                    "sheet": r.sheet,
                    "row": r.row,
                    "fields": masked(&r.fields.known),
                    "extra": masked(&r.fields.extra),
                })
            })
            .collect();
    }
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}

fn print_human(reg: &Register, mapping: &Mapping, all: bool, lang: Lang) {
    let pick = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    say!(
        "{} {} ({})",
        pick("Sổ đăng ký:", "Register:"),
        reg.path.display(),
        reg.format.to_uppercase()
    );
    if let Some(e) = reg.encoding {
        let delim = match reg.delimiter {
            Some('\t') => "tab".to_string(),
            Some(d) => format!("\"{d}\""),
            None => "–".into(),
        };
        say!(
            "  {} {}; {} {delim}",
            pick("Mã hóa ký tự:", "Encoding:"),
            e.label(),
            pick("dấu phân cách", "delimiter")
        );
    }
    if let Some(p) = &mapping.path {
        say!(
            "  {} {} ({} {})",
            pick("Tệp ánh xạ cột:", "Column mapping file:"),
            p.display(),
            mapping.len(),
            pick("cột", "columns")
        );
    }
    for s in &reg.sheets {
        let Some(name) = s.name.as_deref().map(|n| format!("\"{n}\"")) else {
            if let Some(h) = s.header_row {
                match lang {
                    Lang::Vi => say!("  Dòng tiêu đề {h}, {} dòng hồ sơ", s.rows),
                    Lang::En => say!("  Header row {h}, {} case rows", s.rows),
                }
            }
            continue;
        };
        match (s.used, lang) {
            (true, Lang::Vi) => say!(
                "  Trang tính {name}: dòng tiêu đề {}, {} dòng hồ sơ",
                s.header_row.unwrap_or(0),
                s.rows
            ),
            (true, Lang::En) => say!(
                "  Sheet {name}: header row {}, {} case rows",
                s.header_row.unwrap_or(0),
                s.rows
            ),
            (false, Lang::Vi) => {
                say!("  Trang tính {name}: không có dòng tiêu đề nhận ra được, bỏ qua")
            }
            (false, Lang::En) => say!("  Sheet {name}: no recognisable header row, skipped"),
        }
    }
    let conversions: Vec<_> = reg.conversions().collect();
    if let Some(h) = reg.legacy_hint {
        say!(
            "  {} {} ({} {})",
            pick(
                "Chữ gõ bằng bảng mã cũ:",
                "Text typed in a legacy encoding:"
            ),
            h.name(),
            conversions.len(),
            pick(
                "giá trị đã chuyển sang Unicode",
                "values converted to Unicode"
            )
        );
    }
    if !reg.columns.is_empty() {
        say!("{}", pick("Ánh xạ cột:", "Column mapping:"));
        let width = reg
            .columns
            .iter()
            .map(|c| c.header.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for c in &reg.columns {
            let sheet = match (&c.sheet, reg.sheets.iter().filter(|s| s.used).count() > 1) {
                (Some(s), true) => format!("{s}!"),
                _ => String::new(),
            };
            let target = match (c.field, c.mapped_by) {
                (Some(f), _) => format!("{f} ({})", field_label(f)),
                (None, MappedBy::Ignored) => pick("(bỏ qua)", "(left out)").to_string(),
                (None, _) => pick("extra (giữ nguyên)", "extra (kept as is)").to_string(),
            };
            let how = match (c.mapped_by, lang) {
                (MappedBy::Auto, Lang::Vi) => "tự nhận theo tên cột",
                (MappedBy::Auto, Lang::En) => "recognised from the header",
                (MappedBy::Mapping, Lang::Vi) => "theo tệp ánh xạ",
                (MappedBy::Mapping, Lang::En) => "from the mapping file",
                (MappedBy::Ignored, Lang::Vi) => "tệp ánh xạ bảo bỏ qua",
                (MappedBy::Ignored, Lang::En) => "left out by the mapping file",
                (MappedBy::Duplicate, Lang::Vi) => "trùng trường với cột khác: giữ theo tên cột",
                (MappedBy::Duplicate, Lang::En) => {
                    "same field as another column: kept under its header"
                }
                (MappedBy::Unknown, Lang::Vi) => "không nhận ra: giữ nguyên theo tên cột",
                (MappedBy::Unknown, Lang::En) => "not recognised: kept as is under its header",
            };
            let header = format!("\"{}\"", c.header);
            say!(
                "  {sheet}{:<4} {header:<w$} -> {target} [{how}]",
                c.column,
                w = width + 2
            );
        }
    }
    say!(
        "{} {}; {} {}",
        pick("Dòng hồ sơ đọc được:", "Case rows read:"),
        reg.rows.len(),
        pick("dòng có vấn đề:", "rows with problems:"),
        reg.rows_with_problems()
    );
    let limit = if all { usize::MAX } else { SHOWN };
    for p in reg.problems.iter().take(limit) {
        say!("  {}", p.render(lang));
    }
    if reg.problems.len() > limit {
        match lang {
            Lang::Vi => say!(
                "  ... và {} vấn đề khác (--all để xem hết)",
                reg.problems.len() - limit
            ),
            Lang::En => say!(
                "  ... and {} more problems (--all to see them all)",
                reg.problems.len() - limit
            ),
        }
    }
    if !conversions.is_empty() {
        say!(
            "{}",
            pick(
                "Giá trị đã chuyển sang Unicode (giữ bản gốc trong hồ sơ):",
                "Values converted to Unicode (the original is kept in the record):"
            )
        );
        for c in conversions.iter().take(limit) {
            let mut at = String::new();
            if let Some(s) = &c.sheet {
                at.push_str(&format!("{s}!"));
            }
            if let Some(r) = c.row {
                at.push_str(&format!("{}{r} ", pick("dòng ", "row ")));
            }
            if let Some(col) = &c.column {
                at.push_str(&format!("{}{col}", pick("cột ", "column ")));
            }
            say!(
                "  {at}: \"{}\" -> \"{}\" ({})",
                mask_ids_loose(&c.original),
                mask_ids_loose(&c.text),
                sohoa_register::record::encoding_name(&c.encoding)
            );
        }
        if conversions.len() > limit {
            match lang {
                Lang::Vi => say!("  ... và {} giá trị khác", conversions.len() - limit),
                Lang::En => say!("  ... and {} more values", conversions.len() - limit),
            }
        }
    }
}
