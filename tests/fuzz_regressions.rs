//! The fuzz targets on every `cargo test`: each seed (`fuzz/corpus/<target>/`) and every input
//! that once crashed a target (`fuzz/regressions/<target>/`) goes through it again, and so do a
//! few hundred deterministic mutations of each seed (bit flips, cuts, repeats, extreme numbers).
//! The long runs are libFuzzer's (`fuzz/`, CI runs each target for a bounded time).

use sohoa_ingest::fuzzing::TARGETS;
use std::path::Path;

fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().to_string(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A small deterministic generator (xorshift), so a failure names a reproducible mutation.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of `seed`, as libFuzzer makes them.
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            b.push(rng.next() as u8);
        }
        let at = rng.below(b.len());
        match rng.below(6) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => b[at] = [0x00, 0xFF, 0x7F, 0x80][rng.below(4)],
            2 => b.truncate(at),
            3 => {
                let n = rng.below(64).min(b.len() - at);
                let chunk = b[at..at + n].to_vec();
                b.splice(at..at, chunk);
            }
            4 => {
                // An extreme 16/32-bit number where a header field may be.
                let v: [u8; 4] = [0xFF, 0xFF, 0xFF, 0xFF];
                let n = (2 + 2 * rng.below(2)).min(b.len() - at);
                b[at..at + n].copy_from_slice(&v[..n]);
            }
            _ => {
                let n = rng.below(16).min(b.len() - at);
                b.drain(at..at + n);
            }
        }
    }
    b
}

#[test]
fn every_seed_and_every_past_crash_passes_every_fuzz_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, target) in TARGETS {
        let seeds = inputs(&root.join("corpus").join(name));
        assert!(!seeds.is_empty(), "no seeds for {name}");
        for (file, bytes) in seeds
            .iter()
            .chain(inputs(&root.join("regressions").join(name)).iter())
        {
            let r = std::panic::catch_unwind(|| target(bytes));
            assert!(r.is_ok(), "fuzz target {name} fails on {file}");
        }
    }
}

#[test]
fn mutations_of_the_seeds_never_crash_a_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (name, target) in TARGETS {
        let rounds = if *name == "page" || name.starts_with("register") {
            40
        } else {
            300
        };
        for (file, seed) in inputs(&root.join(name)) {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed.len() as u64);
            for i in 0..rounds {
                let input = mutate(&seed, &mut rng);
                let r = std::panic::catch_unwind(|| target(&input));
                assert!(
                    r.is_ok(),
                    "fuzz target {name} fails on mutation {i} of {file} ({} bytes): {:?}",
                    input.len(),
                    &input[..input.len().min(64)]
                );
            }
        }
    }
}
