//! The invariants of Biểu 06 (received = resolved + pending, ...), checked on every row and
//! the total of a report, each stated with its figures.

use super::{Counts, Invariant, StatsRow};

pub(super) fn invariants(rows: &[StatsRow], total: &StatsRow, prev_pending: u64) -> Vec<Invariant> {
    type Check = (&'static str, fn(&Counts) -> (u64, u64));
    let checks: [Check; 5] = [
        (
            "recv_total = recv_online + recv_offline + carried_over",
            |c| {
                (
                    c.recv_total,
                    c.recv_online + c.recv_offline + c.carried_over,
                )
            },
        ),
        ("recv_offline = recv_direct + recv_postal", |c| {
            (c.recv_offline, c.recv_direct + c.recv_postal)
        }),
        ("done_total = done_early + done_ontime + done_late", |c| {
            (c.done_total, c.done_early + c.done_ontime + c.done_late)
        }),
        ("pending_total = pending_ok + pending_late", |c| {
            (c.pending_total, c.pending_ok + c.pending_late)
        }),
        ("recv_total = done_total + pending_total + withdrawn", |c| {
            (c.recv_total, c.done_total + c.pending_total + c.withdrawn)
        }),
    ];
    let mut out: Vec<Invariant> = checks
        .iter()
        .map(|(name, f)| {
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
        holds: carried == prev_pending,
        detail: if carried == prev_pending {
            Vec::new()
        } else {
            vec![format!("{carried} ≠ {prev_pending}")]
        },
    });
    out
}
