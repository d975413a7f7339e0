//! The invariants of Biểu 06 (received = resolved + pending, ...), checked on every row and
//! the total of a report, each stated with its figures.

use super::{Counts, Invariant, StatsRow};

/// One rule of the form: stable name, sentence in Vietnamese and English, both sides of it.
type Check = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Counts) -> (u64, u64),
);

const CHECKS: [Check; 5] = [
    (
        "recv_total = recv_online + recv_offline + carried_over",
        "Số hồ sơ nhận giải quyết bằng số mới tiếp nhận trực tuyến, cộng số mới tiếp nhận trực tiếp \
         và qua dịch vụ bưu chính, cộng số kỳ trước chuyển qua.",
        "Cases received equal those newly received online, plus those newly received in person or \
         by post, plus those carried over from the previous period.",
        |c| {
            (
                c.recv_total,
                c.recv_online + c.recv_offline + c.carried_over,
            )
        },
    ),
    (
        "recv_offline = recv_direct + recv_postal",
        "Số mới tiếp nhận trực tiếp và qua dịch vụ bưu chính bằng số tiếp nhận trực tiếp cộng số \
         tiếp nhận qua bưu chính.",
        "Cases received in person or by post equal those received in person plus those received by \
         post.",
        |c| (c.recv_offline, c.recv_direct + c.recv_postal),
    ),
    (
        "done_total = done_early + done_ontime + done_late",
        "Số hồ sơ đã giải quyết bằng số giải quyết trước hạn, cộng đúng hạn, cộng quá hạn.",
        "Cases resolved equal those resolved early, plus on time, plus late.",
        |c| (c.done_total, c.done_early + c.done_ontime + c.done_late),
    ),
    (
        "pending_total = pending_ok + pending_late",
        "Số hồ sơ đang giải quyết bằng số còn trong hạn cộng số đã quá hạn.",
        "Cases pending equal those still within their time limit plus those past it.",
        |c| (c.pending_total, c.pending_ok + c.pending_late),
    ),
    (
        "recv_total = done_total + pending_total + withdrawn",
        "Số hồ sơ nhận giải quyết bằng số đã giải quyết, cộng số đang giải quyết, cộng số rút hoặc \
         trả lại.",
        "Cases received equal those resolved, plus those pending, plus those withdrawn or returned.",
        |c| (c.recv_total, c.done_total + c.pending_total + c.withdrawn),
    ),
];

pub(super) fn invariants(rows: &[StatsRow], total: &StatsRow, prev_pending: u64) -> Vec<Invariant> {
    let mut out: Vec<Invariant> = CHECKS
        .iter()
        .map(|(name, vi, en, f)| {
            let detail: Vec<String> = rows
                .iter()
                .chain(std::iter::once(total))
                .filter_map(|r| {
                    let (a, b) = f(&r.counts);
                    (a != b).then(|| format!("{}: {a} ≠ {b}", r.label))
                })
                .collect();
            Invariant {
                name: name.to_string(),
                text: vi.to_string(),
                text_en: en.to_string(),
                holds: detail.is_empty(),
                detail,
            }
        })
        .collect();
    // The groups add up to the total.
    if !rows.is_empty() {
        let sum: u64 = rows.iter().map(|r| r.counts.recv_total).sum();
        let done: u64 = rows.iter().map(|r| r.counts.done_total).sum();
        let ok = sum == total.counts.recv_total && done == total.counts.done_total;
        out.push(Invariant {
            name: "Σ rows = total".into(),
            text: "Các dòng cộng lại bằng dòng Tổng cộng (số nhận giải quyết và số đã giải quyết)."
                .into(),
            text_en: "The rows add up to the total (cases received and cases resolved).".into(),
            holds: ok,
            detail: if ok {
                Vec::new()
            } else {
                vec![format!(
                    "recv {sum} vs {}, done {done} vs {}",
                    total.counts.recv_total, total.counts.done_total
                )]
            },
        });
    }
    let carried = total.counts.carried_over;
    out.push(Invariant {
        name: "carried_over = pending_total of the previous period".into(),
        text: "Số kỳ trước chuyển qua bằng số hồ sơ đang giải quyết cuối kỳ trước.".into(),
        text_en: "Cases carried over equal the cases pending at the end of the previous period."
            .into(),
        holds: carried == prev_pending,
        detail: if carried == prev_pending {
            Vec::new()
        } else {
            vec![format!("{carried} ≠ {prev_pending}")]
        },
    });
    out
}
