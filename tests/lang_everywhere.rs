//! Vietnamese everywhere a person reads, English with `--lang en`: search facets, errors from
//! search and verify, `inspect` labels and field names in warnings, each in both languages.

mod common;
use common::*;
use std::process::Output;

/// `sohoa ARGS` in `lang` (the tests' default is English: Vietnamese is set explicitly).
fn run(w: &Work, lang: &str, args: &[&str]) -> Output {
    w.command()
        .env("SOHOA_LANG", lang)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn channel_facets_read_as_words_in_each_language() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let a = archive.to_str().unwrap();
    let vi = text(&run(&w, "vi", &["search", "", "--archive", a, "--facets"]));
    let line = vi
        .lines()
        .find(|l| l.starts_with("Hình thức nộp:"))
        .unwrap_or_else(|| panic!("{vi}"));
    assert!(
        line.contains("Trực tiếp (2)")
            && line.contains("Trực tuyến (2)")
            && line.contains("Bưu chính (1)"),
        "{line}"
    );
    assert!(
        !line.contains("direct") && !line.contains("postal"),
        "{line}"
    );
    let en = text(&run(&w, "en", &["search", "", "--archive", a, "--facets"]));
    let line = en
        .lines()
        .find(|l| l.starts_with("Channel:"))
        .unwrap_or_else(|| panic!("{en}"));
    assert!(
        line.contains("In person (2)")
            && line.contains("Online (2)")
            && line.contains("By post (1)"),
        "{line}"
    );
    for title in ["Agency:", "Sector:", "Procedure:", "Status:", "Year:"] {
        assert!(en.lines().any(|l| l.starts_with(title)), "{title} {en}");
    }
    // The filter takes the code or the words.
    for value in ["direct", "trực tiếp", "Trực tiếp"] {
        let o = run(
            &w,
            "vi",
            &["search", "", "--archive", a, "--channel", value, "--json"],
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["total"], 2, "{value}");
    }
}
