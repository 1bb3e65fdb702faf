//! A sliding-window limit per client address, for anonymous writes (residents' reports): a
//! client may send `limit` in any `window`; beyond that it is told when to come back.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The peer address of a connection, put on each request by the server loop.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub SocketAddr);

/// Recent requests per client address.
pub struct RateLimit {
    limit: usize,
    window: Duration,
    recent: Mutex<HashMap<Option<IpAddr>, VecDeque<Instant>>>,
}

impl RateLimit {
    /// At most `limit` requests per client in any `window`.
    pub fn new(limit: usize, window: Duration) -> RateLimit {
        RateLimit { limit, window, recent: Mutex::new(HashMap::new()) }
    }

    /// Counts one request from `client` (None: unknown, as in-process), or says how long to
    /// wait when it is over the limit.
    pub fn check(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        self.admit(client, true)
    }

    /// How long `client` must wait, if it is over the limit; counts nothing.
    pub fn waiting(&self, client: Option<IpAddr>) -> Option<Duration> {
        self.admit(client, false).err()
    }

    /// Counts one event for `client` (a failed sign-in, say), whatever the limit.
    pub fn record(&self, client: Option<IpAddr>) {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        recent.entry(client).or_default().push_back(Instant::now());
    }

    fn admit(&self, client: Option<IpAddr>, count: bool) -> Result<(), Duration> {
        let now = Instant::now();
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget clients whose requests are all outside the window, so the map stays small.
        recent.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        let times = recent.entry(client).or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_per_client() {
        let limit = RateLimit::new(2, Duration::from_secs(600));
        let (a, b) = (Some(IpAddr::from([127, 0, 0, 1])), Some(IpAddr::from([127, 0, 0, 2])));
        assert!(limit.check(a).is_ok() && limit.check(a).is_ok());
        let wait = limit.check(a).unwrap_err();
        assert!(wait > Duration::from_secs(590) && wait <= Duration::from_secs(600));
        assert!(limit.check(b).is_ok());
    }
}
