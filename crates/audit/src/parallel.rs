//! The audit's ordered parallel map (rayon, on a pool of `jobs` threads): loads, checks and
//! fixity run `jobs` at a time and keep the input order. Items are taken one at a time
//! (`with_max_len(1)`): bags differ widely in size, and halves of the list would not.

use rayon::prelude::*;

/// Applies `f` to every item on `jobs` threads; results in input order.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if jobs <= 1 || items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(|| items.par_iter().with_max_len(1).map(f).collect()),
        Err(_) => items.iter().map(f).collect(),
    }
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
    }
}
