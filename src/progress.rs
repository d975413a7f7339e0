//! Progress for long work: an indicatif bar over source files on standard error, hidden
//! when standard error is not a terminal or when JSON goes to standard output.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sohoa_archive::problem::Lang;
use sohoa_ingest::{CaseResult, CaseStatus, Progress};

pub struct Bar {
    bar: ProgressBar,
    lang: Lang,
}

impl Bar {
    pub fn new(lang: Lang, hidden: bool) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(0),
            if hidden {
                ProgressDrawTarget::hidden()
            } else {
                ProgressDrawTarget::stderr()
            },
        );
        let template = match lang {
            Lang::Vi => "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} tệp · {msg}",
            Lang::En => "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files · {msg}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Bar { bar, lang }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, cases: usize, files: u64) {
        self.bar.set_length(files);
        self.bar.set_message(match self.lang {
            Lang::Vi => format!("{cases} hồ sơ"),
            Lang::En => format!("{cases} cases"),
        });
    }

    fn file_done(&self, folder: &str) {
        self.bar
            .set_message(sohoa_archive::neutralize::for_terminal(folder).into_owned());
        self.bar.inc(1);
    }

    fn case_done(&self, r: &CaseResult) {
        if self.bar.is_hidden() {
            return;
        }
        let line = match (r.status, self.lang) {
            (CaseStatus::Failed, Lang::Vi) => {
                format!("✗ {} ({}): lỗi, không lưu", r.case_id, r.folder)
            }
            (CaseStatus::Failed, Lang::En) => {
                format!("✗ {} ({}): failed, not stored", r.case_id, r.folder)
            }
            (CaseStatus::Interrupted, Lang::Vi) => {
                format!(
                    "■ {} ({}): dừng theo yêu cầu, không lưu",
                    r.case_id, r.folder
                )
            }
            (CaseStatus::Interrupted, Lang::En) => {
                format!(
                    "■ {} ({}): stopped on request, not stored",
                    r.case_id, r.folder
                )
            }
            _ => return,
        };
        self.bar.suspend(|| crate::warn!("{line}"));
    }
}
