//! A sliding-window limit per key (a client, or a client and a token id), for anonymous
//! writes (residents' reports) and failed sign-ins: a key may count `limit` events in any
//! `window`; beyond that it is told when to come back.
//!
//! The table is bounded: forgotten keys are swept at most once a second (so a flood of new
//! keys costs no scan per request), and past [`MAX_KEYS`] keys a new key takes the place of
//! an old one, so the table cannot grow without end and still counts every key it is given
//! (an attacker with many keys can make others forget theirs, but cannot switch counting off).

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys the table holds at most.
const MAX_KEYS: usize = 65_536;

/// Recent events per key.
pub struct RateLimit<K> {
    limit: usize,
    window: Duration,
    table: Mutex<Table<K>>,
}

struct Table<K> {
    recent: HashMap<K, VecDeque<Instant>>,
    swept_at: Instant,
}

impl<K: Hash + Eq + Clone> RateLimit<K> {
    /// At most `limit` events per key in any `window`.
    pub fn new(limit: usize, window: Duration) -> RateLimit<K> {
        RateLimit {
            limit: limit.max(1),
            window,
            table: Mutex::new(Table { recent: HashMap::new(), swept_at: Instant::now() }),
        }
    }

    /// Counts one event for `key`, or says how long to wait when it is over the limit.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.admit(key, true)
    }

    /// How long `key` must wait, if it is over the limit; counts nothing.
    pub fn waiting(&self, key: &K) -> Option<Duration> {
        self.admit(key, false).err()
    }

    /// Counts one event for `key` (a failed sign-in, say), whatever the limit.
    pub fn record(&self, key: &K) {
        let now = Instant::now();
        let mut table = self.table.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.sweep(&mut table, now);
        if !table.recent.contains_key(key) {
            make_room(&mut table.recent);
        }
        let times = table.recent.entry(key.clone()).or_default();
        times.push_back(now);
        // Only the newest `limit` matter for the answer; older ones are kept no longer.
        while times.len() > self.limit {
            times.pop_front();
        }
    }

    fn sweep(&self, table: &mut Table<K>, now: Instant) {
        if now.duration_since(table.swept_at) < Duration::from_secs(1) {
            return;
        }
        table.swept_at = now;
        let window = self.window;
        table.recent.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
    }

    fn admit(&self, key: &K, count: bool) -> Result<(), Duration> {
        let now = Instant::now();
        let mut table = self.table.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.sweep(&mut table, now);
        let Some(times) = table.recent.get_mut(key) else {
            if !count {
                return Ok(());
            }
            make_room(&mut table.recent);
            table.recent.insert(key.clone(), VecDeque::from([now]));
            return Ok(());
        };
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.limit {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        if count {
            times.push_back(now);
        }
        Ok(())
    }
}

/// Forgets one key when the table is full.
fn make_room<K: Hash + Eq + Clone>(recent: &mut HashMap<K, VecDeque<Instant>>) {
    if recent.len() >= MAX_KEYS {
        if let Some(victim) = recent.keys().next().cloned() {
            recent.remove(&victim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_per_key() {
        let limit = RateLimit::new(2, Duration::from_secs(600));
        let (a, b) = ("a", "b");
        assert!(limit.check(&a).is_ok() && limit.check(&a).is_ok());
        let wait = limit.check(&a).unwrap_err();
        assert!(wait > Duration::from_secs(590) && wait <= Duration::from_secs(600));
        assert!(limit.check(&b).is_ok());
        assert!(limit.waiting(&b).is_none());
    }

    #[test]
    fn recorded_events_count_against_the_limit() {
        let limit = RateLimit::new(3, Duration::from_secs(600));
        for _ in 0..10 {
            limit.record(&7u32);
        }
        assert!(limit.waiting(&7).is_some());
        assert!(limit.waiting(&8).is_none());
    }
}
