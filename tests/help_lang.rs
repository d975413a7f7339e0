//! The command line speaks the user's language: `--help` and command-line mistakes in
//! Vietnamese by default, in English with `--lang en` or `SOHOA_LANG=en`, for every command.

mod common;
use common::said;
use std::process::{Command, Output};

fn sohoa(lang: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sohoa"));
    c.env_remove("SOHOA_LANG").args(args);
    if let Some(l) = lang {
        c.env("SOHOA_LANG", l);
    }
    c.output().unwrap()
}

#[test]
fn help_is_vietnamese_by_default_and_english_when_asked() {
    for cmd in [
        "ingest", "search", "verify", "audit", "report", "ocr", "export", "serve",
    ] {
        let vi = sohoa(None, &[cmd, "--help"]);
        assert!(vi.status.success());
        let vi = said(&vi);
        assert!(
            vi.contains("Cách dùng: sohoa") && vi.contains("Tùy chọn:"),
            "{cmd}: {vi}"
        );
        for english in ["Usage:", "Options:", "Print help", "[default:", "[env:"] {
            assert!(
                !vi.contains(english),
                "{cmd}: {english:?} in Vietnamese help:\n{vi}"
            );
        }
        for en in [
            sohoa(None, &["--lang", "en", cmd, "--help"]),
            sohoa(None, &[cmd, "--help", "--lang=en"]),
            sohoa(Some("en"), &[cmd, "--help"]),
        ] {
            let en = said(&en);
            assert!(
                en.contains("Usage: sohoa") && en.contains("Print help"),
                "{cmd}: {en}"
            );
            assert!(!en.contains("Cách dùng"), "{cmd}: {en}");
        }
    }
    let vi = said(&sohoa(None, &["report", "--help"]));
    let flat = vi.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Kỳ báo cáo theo tên") && flat.contains("[mặc định: sector]"),
        "{vi}"
    );
}

#[test]
fn command_line_mistakes_are_said_in_the_users_language() {
    let vi = sohoa(None, &["report", "--by", "tinh"]);
    assert_eq!(vi.status.code(), Some(2));
    let out = said(&vi);
    assert!(out.contains("lỗi: giá trị 'tinh' của --by"), "{out}");
    assert!(out.contains("sector, agency, procedure, none"), "{out}");
    let out = said(&sohoa(None, &["serach", "x"]));
    assert!(out.contains("không có lệnh 'serach'"), "{out}");
    let en = sohoa(Some("en"), &["report", "--by", "tinh"]);
    assert_eq!(en.status.code(), Some(2));
    assert!(said(&en).contains("invalid value 'tinh'"), "{}", said(&en));
}
