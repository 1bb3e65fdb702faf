//! The HTTP server loop: hyper, with every connection bounded ([`crate::net::connections`]): a cap
//! on open connections in all and per client, a deadline for the first request head and for
//! idle keep-alives (HTTP/1 and HTTP/2 alike), and an accept loop that backs off instead of
//! spinning when the process is out of file descriptors; and graceful shutdown that lets
//! in-flight requests finish.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use pin_project_lite::pin_project;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::http::fast_path::FastPath;
use crate::http::Problem;
use crate::net::client::TrustedProxies;
use crate::net::connections::{Activity, ConnectionLimits, Gate, InFlight, Tracked};
use axum::http::StatusCode;
use axum::response::IntoResponse;

/// How long shutdown waits for in-flight requests before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// HTTP/2 streams one connection may have open at once: with 64 connections per client,
/// one client can have at most 512 requests in flight, half the server's default 1,024.
const MAX_STREAMS_PER_CONNECTION: u32 = 8;

/// The longest request target (path and query) answered; longer ones get a 414 problem.
/// Our longest real URLs (a bbox query, a tile) are under 200 bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most header bytes a request may carry; more get a 431 problem. (Past hyper's own
/// buffer, 64 KiB, hyper answers a bare 431 before we see the request.)
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// hyper's read buffer for a request head.
const MAX_HEAD_BUFFER: usize = 64 * 1024;

/// The accept loop's pause after a failure doubles from this...
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
/// ...up to this.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// What the server loop needs besides the app.
pub struct ServeOptions {
    /// The connection bounds.
    pub limits: ConnectionLimits,
    /// Who may name the client in `Forwarded` / `X-Forwarded-For`.
    pub proxies: Arc<TrustedProxies>,
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, lets open
/// connections finish their requests, and returns. `fast` answers the hottest requests
/// before `app`'s layers ([`crate::http::fast_path`]).
pub async fn serve(
    listener: TcpListener,
    app: crate::app::App,
    fast: FastPath,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) {
    let ServeOptions { limits, proxies } = options;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BUFFER);
    builder.http2().timer(TokioTimer::new()).max_concurrent_streams(MAX_STREAMS_PER_CONNECTION);
    let gate = Gate::new(&limits);
    let graceful = GracefulShutdown::new();
    let mut failures = AcceptFailures::default();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                failures.reset();
                accepted
            }
            Err(error) => {
                // Out of file descriptors and the like: back off rather than spin.
                let pause = failures.record(&error);
                tokio::select! {
                    () = tokio::time::sleep(pause) => continue,
                    () = &mut shutdown => break,
                }
            }
        };
        let peer_ip = peer.ip().to_canonical();
        let admission = match gate.admit(peer_ip, proxies.trusts(peer_ip)) {
            Ok(admission) => admission,
            Err(refusal) => {
                // Closed at once: the clients the server already has keep being answered.
                metrics::counter!("hue_map_connections_refused_total", "reason" => refusal.as_str()).increment(1);
                drop(stream);
                continue;
            }
        };
        metrics::gauge!("hue_map_connections_open").set(gate.open_count(&limits) as f64);
        let _ = stream.set_nodelay(true);
        let activity = Activity::new();
        let service = Connection {
            app: app.clone(),
            fast: fast.clone(),
            peer: peer_ip,
            proxies: proxies.clone(),
            activity: activity.clone(),
        };
        let connection =
            graceful.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned());
        let watchdog = activity.watchdog(limits.clone());
        let (gate, limits) = (gate.clone(), limits.clone());
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => {
                    if let Err(error) = ended {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                }
                why = watchdog => {
                    metrics::counter!("hue_map_connections_timed_out_total", "phase" => why.as_str()).increment(1);
                    tracing::debug!(%peer, phase = why.as_str(), "closed a connection with nothing in progress");
                }
            }
            drop(admission);
            metrics::gauge!("hue_map_connections_open").set(gate.open_count(&limits) as f64);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running after {SHUTDOWN_GRACE:?}; stopping anyway");
    }
}

/// Failed accepts in a row: how long to pause, and when the last one was logged (at most
/// once a second, so a descriptor shortage cannot flood the log).
#[derive(Default)]
struct AcceptFailures {
    in_a_row: u32,
    logged_at: Option<Instant>,
    unlogged: u64,
}

impl AcceptFailures {
    fn record(&mut self, error: &std::io::Error) -> Duration {
        self.in_a_row = self.in_a_row.saturating_add(1);
        self.unlogged += 1;
        metrics::counter!("hue_map_accept_failures_total").increment(1);
        if self.logged_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
            tracing::warn!(%error, failures = self.unlogged, "accept failed; backing off");
            self.logged_at = Some(Instant::now());
            self.unlogged = 0;
        }
        let doublings = self.in_a_row.saturating_sub(1).min(7);
        (ACCEPT_BACKOFF_MIN * 2u32.pow(doublings)).min(ACCEPT_BACKOFF_MAX)
    }

    fn reset(&mut self) {
        self.in_a_row = 0;
    }
}

/// One connection's requests, as hyper calls them (by reference: nothing is cloned for a
/// request the fast path answers).
struct Connection {
    app: crate::app::App,
    fast: FastPath,
    peer: std::net::IpAddr,
    proxies: Arc<TrustedProxies>,
    activity: Arc<Activity>,
}

type Response = axum::response::Response;

impl hyper::service::Service<axum::http::Request<hyper::body::Incoming>> for Connection {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = futures_util::future::Either<
        std::future::Ready<Result<Response, Self::Error>>,
        Answering<tower::util::Oneshot<crate::app::App, axum::http::Request<Body>>>,
    >;

    fn call(&self, request: axum::http::Request<hyper::body::Incoming>) -> Self::Future {
        let busy = self.activity.begin();
        if let Some(problem) = refused_early(&request) {
            return futures_util::future::Either::Left(std::future::ready(Ok(track(problem.into_response(), busy))));
        }
        if let Some(response) = self.fast.answer(&request) {
            return futures_util::future::Either::Left(std::future::ready(Ok(track(response, busy))));
        }
        let mut request = request.map(Body::new);
        // The client rides on each request, for the per-client limits.
        let client = self.proxies.client(self.peer, request.headers());
        if !self.proxies.trusts(self.peer) {
            // Only our own proxies may speak of the original request: a forged
            // X-Forwarded-Proto would otherwise reach the links we write.
            for name in ["forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"] {
                request.headers_mut().remove(name);
            }
        }
        request.extensions_mut().insert(client);
        futures_util::future::Either::Right(Answering { inner: self.app.clone().oneshot(request), busy: Some(busy) })
    }
}

pin_project! {
    /// The app's answer to a request, whose body then keeps the connection busy until sent
    /// (if the request is dropped unanswered, the guard goes with it).
    pub struct Answering<F> {
        #[pin]
        inner: F,
        busy: Option<InFlight>,
    }
}

impl<F> Future for Answering<F>
where
    F: Future<Output = Result<Response, std::convert::Infallible>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let answered = std::task::ready!(this.inner.poll(cx));
        Poll::Ready(answered.map(|response| match this.busy.take() {
            Some(busy) => track(response, busy),
            None => response,
        }))
    }
}

/// A request refused before any route sees it, as a problem like every other refusal.
fn refused_early<B>(request: &axum::http::Request<B>) -> Option<Problem> {
    let target = request.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if target > MAX_URI_BYTES {
        return Some(Problem::new(
            StatusCode::URI_TOO_LONG,
            format!("the request target is {target} bytes; at most {MAX_URI_BYTES} are read (send large inputs as a POST body)"),
        ));
    }
    let header_bytes: usize = request.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Some(Problem::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the request carries {header_bytes} bytes of headers; at most {MAX_HEADER_BYTES} are read"),
        ));
    }
    None
}

/// `response`, with `busy` held until its body has been sent.
fn track(response: Response, busy: InFlight) -> Response {
    response.map(|body| Body::new(Tracked::new(body, busy)))
}
