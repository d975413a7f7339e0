//! `--help` in the user's language: the commands' doc comments are the English text; in
//! Vietnamese (the default) every command's description, every option's help and clap's own
//! headings are replaced from the tables in `help_text.rs`, keyed by command path and option.
//! Options the code leaves without help get their English text from the same file.

use crate::help_text::{ABOUT_VI, ARG_VI, DEFAULT_EN};
use clap::{Command, CommandFactory};
use sohoa_archive::problem::Lang;

/// The language asked for before the arguments are parsed: `--lang en` (or `--lang=en`)
/// anywhere before `--`, else `SOHOA_LANG`, else Vietnamese.
pub fn requested() -> Lang {
    let pick = |v: &str| if v == "en" { Lang::En } else { Lang::Vi };
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return args.next().map_or(Lang::Vi, |v| pick(&v.to_string_lossy()));
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return pick(v);
        }
    }
    std::env::var("SOHOA_LANG").map_or(Lang::Vi, |v| pick(&v))
}

/// sohoa's command line with its help in `lang`.
pub fn command(lang: Lang) -> Command {
    let mut cmd = crate::Cli::command();
    // Built first, so clap's own --help, --version and `help` are there to be translated.
    cmd.build();
    localize(cmd, "", lang)
}

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Vietnamese help of option `id` of the command at `path`: its own entry, else the shared one.
fn arg_vi(path: &str, id: &str) -> Option<&'static str> {
    lookup(ARG_VI, &format!("{path}|{id}")).or_else(|| lookup(ARG_VI, id))
}

/// Vietnamese description of the command at `path`; clap's `help` command says what it does,
/// and its copies of the commands below it (`help queue add`) take theirs.
fn about_vi(path: &str) -> Option<&'static str> {
    if path.rsplit(' ').next() == Some("help") {
        return Some("In trợ giúp của lệnh này hoặc của các lệnh con đã cho");
    }
    let words: Vec<&str> = path.split(' ').filter(|w| *w != "help").collect();
    lookup(ABOUT_VI, &words.join(" "))
}

/// What clap prints after an option's help ("[default: …] [env: …] [possible values: …]"), in
/// Vietnamese.
fn details_vi(a: &clap::Arg) -> String {
    let mut out = String::new();
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && a.get_action().takes_values() {
        out += &format!(" [giá trị: {}]", values.join(", "));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && a.get_action().takes_values() {
        out += &format!(" [mặc định: {}]", defaults.join(", "));
    }
    if let Some(env) = a.get_env() {
        out += &format!(" [biến môi trường: {}]", env.to_string_lossy());
    }
    out
}

/// A command-line mistake said in Vietnamese (clap's own messages are English), with the
/// option and value concerned; `None` for help and version, which clap prints as asked.
pub fn error_vi(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let (arg, value) = (ctx(ContextKind::InvalidArg), ctx(ContextKind::InvalidValue));
    let said = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => format!("không có tham số '{arg}'"),
        ErrorKind::InvalidSubcommand => {
            format!("không có lệnh '{}'", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue => format!(
            "giá trị '{value}' của {arg} không hợp lệ (dùng: {})",
            ctx(ContextKind::ValidValue)
        ),
        ErrorKind::ValueValidation => format!("giá trị '{value}' của {arg} không hợp lệ"),
        ErrorKind::MissingRequiredArgument => format!("thiếu tham số bắt buộc: {arg}"),
        ErrorKind::MissingSubcommand => "thiếu lệnh".to_string(),
        ErrorKind::ArgumentConflict => {
            format!("{arg} không dùng cùng với {}", ctx(ContextKind::PriorArg))
        }
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => format!("số giá trị của {arg} không đúng"),
        _ => "tham số dòng lệnh không đúng".to_string(),
    };
    Some(format!(
        "lỗi: {said}\nXem cách dùng: sohoa --help, hoặc sohoa <lệnh> --help"
    ))
}

fn localize(mut cmd: Command, path: &str, lang: Lang) -> Command {
    let args: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in args {
        cmd = cmd.mut_arg(id.as_str(), |mut a| {
            if a.get_help().is_none() {
                if let Some(en) = lookup(DEFAULT_EN, &id) {
                    a = a.help(en);
                }
            }
            if lang == Lang::Vi {
                let vi = match id.as_str() {
                    "help" => Some("In trợ giúp"),
                    "version" => Some("In số phiên bản"),
                    _ => arg_vi(path, &id),
                };
                if let Some(vi) = vi {
                    let extra = details_vi(&a);
                    a = a
                        .help(format!("{vi}{extra}"))
                        .long_help(None::<&str>)
                        .hide_default_value(true)
                        .hide_env(true)
                        .hide_possible_values(true);
                }
                a = a.help_heading(if positional {
                    "Đối số"
                } else {
                    "Tùy chọn"
                });
            }
            a
        });
    }
    if lang == Lang::Vi {
        if let Some(about) = about_vi(path) {
            cmd = cmd.about(about).long_about(None::<&str>);
        }
        cmd = cmd
            .help_template(
                "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}",
            )
            .subcommand_help_heading("Lệnh")
            .subcommand_value_name("LỆNH");
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(name.as_str(), |s| localize(s, &sub_path, lang));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (command path, option id, help) of every option.
    type Args = Vec<(String, String, String)>;
    /// (command path, description) of every command.
    type Abouts = Vec<(String, String)>;

    fn walk(cmd: &Command, path: &str, args: &mut Args, abouts: &mut Abouts) {
        abouts.push((
            path.to_string(),
            cmd.get_about().map(|h| h.to_string()).unwrap_or_default(),
        ));
        for a in cmd.get_arguments() {
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            args.push((path.to_string(), a.get_id().to_string(), help));
        }
        for s in cmd.get_subcommands() {
            let p = if path.is_empty() {
                s.get_name().to_string()
            } else {
                format!("{path} {}", s.get_name())
            };
            walk(s, &p, args, abouts);
        }
    }

    fn inventory(lang: Lang) -> (Args, Abouts) {
        let (mut args, mut abouts) = (Vec::new(), Vec::new());
        walk(&command(lang), "", &mut args, &mut abouts);
        (args, abouts)
    }

    #[test]
    fn every_command_and_option_is_described_in_both_languages() {
        let (en_args, en_abouts) = inventory(Lang::En);
        let (vi_args, vi_abouts) = inventory(Lang::Vi);
        assert!(en_args.len() > 150, "{}", en_args.len());
        let blank: Vec<_> = en_args.iter().filter(|a| a.2.trim().is_empty()).collect();
        assert!(blank.is_empty(), "options without English help: {blank:?}");
        let blank: Vec<_> = en_abouts.iter().filter(|a| a.1.trim().is_empty()).collect();
        assert!(
            blank.is_empty(),
            "commands without a description: {blank:?}"
        );
        // Vietnamese: every text differs from the English one (it was translated), and has
        // Vietnamese letters or is one of the few made of codes only.
        let untranslated: Vec<_> = vi_args
            .iter()
            .zip(&en_args)
            .filter(|(v, e)| v.2 == e.2 && !v.2.is_empty())
            .map(|(v, _)| (&v.0, &v.1))
            .collect();
        assert!(
            untranslated.is_empty(),
            "options without Vietnamese help: {untranslated:?}"
        );
        let untranslated: Vec<_> = vi_abouts
            .iter()
            .zip(&en_abouts)
            .filter(|(v, e)| v.1 == e.1)
            .map(|(v, _)| &v.0)
            .collect();
        assert!(
            untranslated.is_empty(),
            "commands without Vietnamese text: {untranslated:?}"
        );
    }

    #[test]
    fn no_entry_names_a_command_or_option_that_does_not_exist() {
        let (args, abouts) = inventory(Lang::En);
        let paths: Vec<&str> = abouts.iter().map(|a| a.0.as_str()).collect();
        for (path, _) in ABOUT_VI {
            assert!(paths.contains(path), "ABOUT_VI names no command: {path:?}");
        }
        for (key, _) in ARG_VI.iter().chain(DEFAULT_EN) {
            let found = match key.split_once('|') {
                Some((p, id)) => args.iter().any(|a| a.0 == p && a.1 == id),
                None => args.iter().any(|a| a.1 == *key),
            };
            assert!(found, "help entry names no option: {key:?}");
        }
    }

    #[test]
    fn report_help_reads_in_the_chosen_language() {
        let render = |lang| {
            let mut cmd = command(lang);
            let Some(report) = cmd.find_subcommand_mut("report") else {
                panic!("no report command");
            };
            report.render_help().to_string()
        };
        let vi = render(Lang::Vi);
        for want in [
            "Cách dùng:",
            "Tùy chọn:",
            "Kỳ báo cáo theo tên",
            "In trợ giúp",
            "Ngày của phiếu",
        ] {
            assert!(vi.contains(want), "{want:?} missing in:\n{vi}");
        }
        assert!(!vi.contains("Usage:") && !vi.contains("Print help"), "{vi}");
        let en = render(Lang::En);
        for want in ["Usage:", "The period by name", "Print help"] {
            assert!(en.contains(want), "{want:?} missing in:\n{en}");
        }
        let top = command(Lang::Vi).render_help().to_string();
        assert!(
            top.contains("Lệnh:") && top.contains("Nhập một thư mục hồ sơ đã quét"),
            "{top}"
        );
    }
}
