//! Bounds on connections, so that no client can hold the server's sockets: a cap on open
//! connections in all and per client, and a watchdog that closes a connection that has
//! nothing in progress for too long.
//!
//! hyper's own header-read timeout starts only once an HTTP/1 request's first bytes arrive,
//! so a connection that sends nothing, or only the HTTP/2 preface, was never closed (observed:
//! still open after 130 s, and 250 of them took a 200-descriptor server down). Here every
//! connection is watched from the moment it is accepted:
//! - until its first request head has arrived, it may take the header-read timeout;
//! - between requests (an idle keep-alive, or an HTTP/2 connection with no stream), the idle
//!   timeout;
//! - while a request is being answered (its response body included, so a long download is
//!   never cut), no connection timeout applies: the request has its own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
// tokio's clock, so the watchdog can be tested with paused time.
use tokio::time::Instant;

use crate::net::client::ClientKey;

/// Connection limits from the command line.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// How long a new connection may take to send its first request head.
    pub header_read_timeout: Duration,
    /// How long a connection may stay open with no request in progress.
    pub idle_timeout: Duration,
    /// Connections open at once, in all.
    pub max_open: usize,
    /// Connections open at once from one client (an IPv4 address or an IPv6 /64); trusted
    /// proxies, which carry many clients, count only against `max_open`.
    pub max_per_client: usize,
}

/// `hue-map serve`'s defaults, in seconds and connections: the command line's flags and
/// [`ConnectionLimits::default`] both read them, so the two cannot drift apart.
pub const DEFAULT_HEADER_READ_SECS: u64 = 10;
/// See [`DEFAULT_HEADER_READ_SECS`].
pub const DEFAULT_IDLE_SECS: u64 = 60;
/// See [`DEFAULT_HEADER_READ_SECS`].
pub const DEFAULT_MAX_PER_CLIENT: u64 = 64;

impl Default for ConnectionLimits {
    /// `hue-map serve`'s defaults: 10 s for the first request head, 60 s idle, most of the
    /// descriptor limit in all, 64 per client.
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(DEFAULT_HEADER_READ_SECS),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_SECS),
            max_open: default_max_open(),
            max_per_client: DEFAULT_MAX_PER_CLIENT as usize,
        }
    }
}

/// Descriptors kept back from the connection cap for the store, the dataset and logs.
const RESERVED_DESCRIPTORS: u64 = 64;

/// The default connection cap: most of the process's file-descriptor limit, so that accept
/// never fails with "too many open files" while the cap holds.
pub fn default_max_open() -> usize {
    let soft = rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024);
    // `soft / 4 * 3`: an unlimited soft limit is u64::MAX, which `* 3` would overflow.
    let usable = soft.saturating_sub(RESERVED_DESCRIPTORS).min(soft / 4 * 3);
    usize::try_from(usable.clamp(16, 65_536)).unwrap_or(65_536)
}

/// Why a new connection was closed at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The server holds `--max-connections` already.
    Full,
    /// This client holds `--max-connections-per-client` already.
    ClientFull,
}

impl Refusal {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Full => "max_connections",
            Refusal::ClientFull => "max_connections_per_client",
        }
    }
}

/// Counts open connections, in all and per client.
pub struct Gate {
    open: Arc<Semaphore>,
    per_client: Mutex<HashMap<ClientKey, usize>>,
    max_per_client: usize,
}

/// An admitted connection's places in the counts, given back when it drops.
pub struct Admission {
    _open: OwnedSemaphorePermit,
    client: Option<(Arc<Gate>, ClientKey)>,
}

impl Gate {
    /// A gate for `limits`.
    pub fn new(limits: &ConnectionLimits) -> Arc<Gate> {
        Arc::new(Gate {
            open: Arc::new(Semaphore::new(limits.max_open.max(1))),
            per_client: Mutex::new(HashMap::new()),
            max_per_client: limits.max_per_client.max(1),
        })
    }

    /// Admits a connection from `peer`, unless a cap is reached. A trusted proxy (`exempt`)
    /// counts only against the total.
    pub fn admit(self: &Arc<Self>, peer: IpAddr, exempt: bool) -> Result<Admission, Refusal> {
        let open = self.open.clone().try_acquire_owned().map_err(|_| Refusal::Full)?;
        if exempt {
            return Ok(Admission { _open: open, client: None });
        }
        let key = ClientKey::of(peer);
        let mut per_client = self.per_client.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = per_client.entry(key).or_insert(0);
        if *count >= self.max_per_client {
            return Err(Refusal::ClientFull);
        }
        *count += 1;
        Ok(Admission { _open: open, client: Some((self.clone(), key)) })
    }

    /// Connections open now.
    pub fn open_count(&self, limits: &ConnectionLimits) -> usize {
        limits.max_open.max(1) - self.open.available_permits()
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        if let Some((gate, key)) = &self.client {
            let mut per_client = gate.per_client.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(count) = per_client.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    per_client.remove(key);
                }
            }
        }
    }
}

/// What a connection is doing, for its watchdog.
pub struct Activity {
    opened: Instant,
    /// Requests being answered (HTTP/2 has several at once).
    in_flight: AtomicUsize,
    /// Whether a request head has arrived yet.
    served_any: AtomicBool,
    /// When the last request finished (since `opened`).
    idle_since: Mutex<Duration>,
}

/// Why the watchdog closed a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// No request head within the header-read timeout of opening.
    FirstRequest,
    /// Nothing in progress for the idle timeout.
    Idle,
}

impl Timeout {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Timeout::FirstRequest => "first_request",
            Timeout::Idle => "idle",
        }
    }
}

impl Activity {
    /// A connection accepted now.
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity {
            opened: Instant::now(),
            in_flight: AtomicUsize::new(0),
            served_any: AtomicBool::new(false),
            idle_since: Mutex::new(Duration::ZERO),
        })
    }

    /// A request head has arrived; the connection is busy until the guard (carried by the
    /// response body) drops.
    pub fn begin(self: &Arc<Self>) -> InFlight {
        self.served_any.store(true, Ordering::Relaxed);
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(self.clone())
    }

    /// Completes when the connection has had nothing in progress for longer than its limit.
    pub async fn watchdog(self: Arc<Self>, limits: ConnectionLimits) -> Timeout {
        loop {
            let (limit, why) = if self.served_any.load(Ordering::Relaxed) {
                (limits.idle_timeout, Timeout::Idle)
            } else {
                (limits.header_read_timeout, Timeout::FirstRequest)
            };
            if self.in_flight.load(Ordering::Acquire) > 0 {
                // Busy: look again later (a request ending resets the idle clock anyway).
                tokio::time::sleep(limit).await;
                continue;
            }
            let idle_since = *self.idle_since.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let deadline = self.opened + idle_since + limit;
            if Instant::now() >= deadline {
                return why;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A request in progress on a connection.
pub struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let activity = &self.0;
        *activity.idle_since.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = activity.opened.elapsed();
        activity.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

pin_project! {
    /// A response body that keeps its request in flight until it has been sent (or dropped).
    pub struct Tracked {
        #[pin]
        inner: Body,
        guard: Option<InFlight>,
    }
}

impl Tracked {
    /// `inner`, holding `guard` until its end.
    pub fn new(inner: Body, guard: InFlight) -> Tracked {
        Tracked { inner, guard: Some(guard) }
    }
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            this.guard.take();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_open: usize, max_per_client: usize) -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_open,
            max_per_client,
        }
    }

    #[test]
    fn the_gate_caps_each_client_and_the_total() {
        let limits = limits(3, 2);
        let gate = Gate::new(&limits);
        let (a, b) = (IpAddr::from([192, 0, 2, 1]), IpAddr::from([192, 0, 2, 2]));
        let first = gate.admit(a, false).unwrap();
        let _second = gate.admit(a, false).unwrap();
        assert_eq!(gate.admit(a, false).err(), Some(Refusal::ClientFull));
        let _third = gate.admit(b, false).unwrap();
        assert_eq!(gate.admit(b, true).err(), Some(Refusal::Full));
        assert_eq!(gate.open_count(&limits), 3);
        drop(first);
        assert!(gate.admit(a, false).is_ok(), "a closed connection gives its places back");
    }

    #[test]
    fn a_refused_client_does_not_keep_a_place_in_the_total() {
        let limits = limits(2, 1);
        let gate = Gate::new(&limits);
        let a = IpAddr::from([192, 0, 2, 1]);
        let _held = gate.admit(a, false).unwrap();
        assert!(gate.admit(a, false).is_err());
        assert_eq!(gate.open_count(&limits), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_connection_times_out_but_a_busy_one_does_not() {
        let limits = limits(1, 1);
        let silent = Activity::new();
        assert_eq!(silent.watchdog(limits.clone()).await, Timeout::FirstRequest);

        let busy = Activity::new();
        let request = busy.begin();
        let watch = tokio::spawn(busy.clone().watchdog(limits.clone()));
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert!(!watch.is_finished(), "a request in progress keeps its connection");
        drop(request);
        let started = tokio::time::Instant::now();
        assert_eq!(watch.await.unwrap(), Timeout::Idle);
        assert!(started.elapsed() <= limits.idle_timeout);
    }
}
