//! The audit's ordered parallel map (rayon, on a pool of `jobs` threads): loads, checks and
//! fixity run `jobs` at a time and keep the input order. Items are taken one at a time
//! (`with_max_len(1)`): bags differ widely in size, and halves of the list would not. A
//! [`Pool`] is built once and reused for every chunk of a streamed audit.

use rayon::prelude::*;

/// `jobs` worker threads (none when `jobs` ≤ 1: the caller's thread does the work).
pub struct Pool(Option<rayon::ThreadPool>);

impl Pool {
    pub fn new(jobs: usize) -> Pool {
        if jobs <= 1 {
            return Pool(None);
        }
        Pool(
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs)
                .build()
                .ok(),
        )
    }

    /// Applies `f` to every item; results in input order.
    pub fn map<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
        match &self.0 {
            Some(pool) if items.len() > 1 => {
                pool.install(|| items.par_iter().with_max_len(1).map(f).collect())
            }
            _ => items.iter().map(f).collect(),
        }
    }
}

/// Applies `f` to every item on `jobs` threads; results in input order.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    Pool::new(jobs).map(items, f)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let v: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&v, 3, |x| x * 2),
            v.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        let pool = super::Pool::new(2);
        for chunk in v.chunks(100) {
            assert_eq!(
                pool.map(chunk, |x| x + 1),
                chunk.iter().map(|x| x + 1).collect::<Vec<_>>()
            );
        }
    }
}
