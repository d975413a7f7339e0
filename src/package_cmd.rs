//! `sohoa export` (cases to archival packages: AIP_hoso, or SIP_hoso with `--as sip`) and
//! `sohoa import` (packages back to bags): one line per package for people, or the documented
//! JSON (`sohoa/export`, `sohoa/import`). Exit 0 all done, 1 some failed, 2 cannot run.

use crate::exit::{Done, Ran};
use clap::Args;
use serde_json::json;
use sohoa_archive::problem::Lang;
use sohoa_index::{ArchiveIndex, Filters, SearchRequest, Sort};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct ExportArgs {
    /// Case ids to export (the bag folder names in ARCHIVE/bags/).
    cases: Vec<String>,
    /// Export the cases a search finds instead (same query syntax as `sohoa search`).
    #[arg(long, conflicts_with = "cases")]
    query: Option<String>,
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    /// Folder the packages are written into (one folder, or zip, per case).
    #[arg(long)]
    out: PathBuf,
    /// aip: the package an archive keeps (AIP_hoso); sip: for handing over to another archive
    /// system (SIP_hoso).
    #[arg(long = "as", default_value = "aip", value_parser = ["aip", "sip"])]
    kind: String,
    /// Pack each package into one ZIP (its folder inside).
    #[arg(long)]
    zip: bool,
    /// Wrap each package in a BagIt bag for transfer (the package under data/).
    #[arg(long)]
    bag: bool,
    /// Print the result as JSON on standard output.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ImportArgs {
    /// Package folders or ZIPs written by `sohoa export`.
    #[arg(required = true)]
    packages: Vec<PathBuf>,
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    /// Print the result as JSON on standard output.
    #[arg(long)]
    json: bool,
}

/// Every case a search finds (all pages of results).
fn found(a: &ExportArgs, query: &str, lang: Lang) -> Result<Vec<String>, crate::exit::CannotRun> {
    let idx = ArchiveIndex::open(&a.archive).map_err(|e| {
        cannot!(
            "{}: {e}",
            lang.pick(
                "Không mở được chỉ mục tìm kiếm",
                "Cannot open the search index"
            )
        )
    })?;
    let mut ids: Vec<String> = Vec::new();
    let mut offset = 0;
    loop {
        let req = SearchRequest {
            query: query.to_string(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            limit: 1000,
            offset,
            facets: false,
            cases_only: false,
        };
        let r = idx.search(&req).map_err(|e| {
            cannot!(
                "{}: {e}",
                lang.pick("Tìm kiếm không thực hiện được", "Search failed")
            )
        })?;
        if r.hits.is_empty() {
            break;
        }
        offset += r.hits.len();
        for h in r.hits {
            if !ids.contains(&h.case_id) {
                ids.push(h.case_id);
            }
        }
        if offset >= r.total {
            break;
        }
    }
    Ok(ids)
}

pub fn export(a: &ExportArgs, lang: Lang) -> Ran {
    let cases = match &a.query {
        Some(q) => found(a, q, lang)?,
        None => a.cases.clone(),
    };
    if cases.is_empty() {
        return Err(cannot!(
            "{}",
            lang.pick(
                "Không có hồ sơ nào để xuất (nêu mã hồ sơ hoặc --query)",
                "No case to export (name case ids or --query)"
            )
        ));
    }
    let opts = sohoa_export::Options {
        sip: a.kind == "sip",
        zip: a.zip,
        bag: a.bag,
        operator: crate::operator(),
    };
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for id in &cases {
        let clock = Instant::now();
        match sohoa_export::export_case(&a.archive, id, &a.out, &opts) {
            Ok(e) => {
                let seconds = clock.elapsed().as_secs_f64();
                if !a.json {
                    say!(
                        "{} {} → {} ({} {}, {:.1} MB, {:.2} s)",
                        lang.pick("Đã xuất", "Exported"),
                        e.case_id,
                        e.path,
                        e.files,
                        lang.pick("tệp", "files"),
                        e.bytes as f64 / 1e6,
                        seconds
                    );
                    if !e.missing_fields.is_empty() {
                        warn!(
                            "  {}: {}",
                            lang.pick(
                                "chưa có các trường TT 05/2025 (nên bổ sung trước khi giao nộp)",
                                "TT 05/2025 fields missing (complete them before a hand-over)"
                            ),
                            e.missing_fields
                                .iter()
                                .map(|f| sohoa_archive::values::field_name(f, lang))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                }
                done.push((e, seconds));
            }
            Err(p) => {
                if !a.json {
                    warn!("{}", p.render(lang));
                }
                failed.push(p);
            }
        }
    }
    if a.json {
        let v = json!({
            "schema": "sohoa/export",
            "schema_version": 1,
            "package_type": if opts.sip { "SIP" } else { "AIP" },
            "packages": done.iter().map(|(e, s)| {
                let mut v = serde_json::to_value(e).unwrap_or_default();
                v["seconds"] = (*s).into();
                v
            }).collect::<Vec<_>>(),
            "errors": failed,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    Ok(if failed.is_empty() {
        Done::Ok
    } else {
        Done::Partial
    })
}

pub fn import(a: &ImportArgs, lang: Lang) -> Ran {
    let catalog = sohoa_index::Catalog::open(&a.archive);
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for p in &a.packages {
        match sohoa_ingest::import_package(&a.archive, p, crate::operator().as_deref(), &catalog) {
            Ok(i) => {
                if !a.json {
                    let what = if i.status == "imported" {
                        lang.pick("Đã nhập", "Imported")
                    } else {
                        lang.pick("Đã có sẵn, để nguyên", "Already present, left as it is")
                    };
                    say!("{what}: {} → {} ({})", i.package, i.bag, i.case_id);
                }
                done.push(i);
            }
            Err(e) => {
                if !a.json {
                    warn!("{}", e.render(lang));
                }
                failed.push(e);
            }
        }
    }
    if a.json {
        let v = json!({
            "schema": "sohoa/import",
            "schema_version": 1,
            "imported": done,
            "errors": failed,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    Ok(if failed.is_empty() {
        Done::Ok
    } else {
        Done::Partial
    })
}
