//! Login rate limiting: after [`MAX_FAILURES`] failed sign-ins within [`WINDOW`] from one
//! address, or for one account name, further attempts are refused until the window passes
//! (guessing passwords becomes slow; a locked-out person waits, an admin need not act).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    fn keys(ip: &str, name: &str) -> [String; 2] {
        [format!("ip:{ip}"), format!("user:{}", name.trim())]
    }

    /// Whether a sign-in from `ip` for `name` may be tried now.
    pub fn allowed(&self, ip: &str, name: &str) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        Self::keys(ip, name).iter().all(|k| {
            let v = map.entry(k.clone()).or_default();
            v.retain(|t| now.duration_since(*t) < WINDOW);
            v.len() < MAX_FAILURES
        })
    }

    pub fn failed(&self, ip: &str, name: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            // Bounded: old entries go first.
            let now = Instant::now();
            map.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        for k in Self::keys(ip, name) {
            map.entry(k).or_default().push(Instant::now());
        }
    }

    pub fn succeeded(&self, ip: &str, name: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("user:{}", name.trim()));
        let _ = ip;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_address_and_the_name() {
        let l = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(l.allowed("1.2.3.4", "lan"));
            l.failed("1.2.3.4", "lan");
        }
        assert!(!l.allowed("1.2.3.4", "lan"));
        assert!(!l.allowed("1.2.3.4", "hoa"), "same address, other name");
        assert!(!l.allowed("5.6.7.8", "lan"), "same name, other address");
        assert!(l.allowed("5.6.7.8", "hoa"));
    }
}
