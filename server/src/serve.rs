//! The HTTP server loop: hyper with a header-read timeout, which `axum::serve` does not
//! expose, so a client that opens connections and sends headers byte by byte (slowloris)
//! cannot hold them open; and graceful shutdown that lets in-flight requests finish.

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::http::fast_path::FastPath;

/// How long shutdown waits for in-flight requests before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, lets open
/// connections finish their requests, and returns. A request's headers must arrive within
/// `header_read_timeout`; the request itself then has the router's own timeout. `fast`
/// answers the hottest requests before `app`'s layers ([`crate::http::fast_path`]).
pub async fn serve(
    listener: TcpListener,
    app: crate::app::App,
    fast: FastPath,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = Connection { app: app.clone(), fast: fast.clone(), peer };
        let connection =
            graceful.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running after {SHUTDOWN_GRACE:?}; stopping anyway");
    }
}

/// One connection's requests, as hyper calls them (by reference: nothing is cloned for a
/// request the fast path answers).
struct Connection {
    app: crate::app::App,
    fast: FastPath,
    peer: std::net::SocketAddr,
}

impl hyper::service::Service<axum::http::Request<hyper::body::Incoming>> for Connection {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = futures_util::future::Either<
        std::future::Ready<Result<Self::Response, Self::Error>>,
        tower::util::Oneshot<crate::app::App, axum::http::Request<Body>>,
    >;

    fn call(&self, request: axum::http::Request<hyper::body::Incoming>) -> Self::Future {
        if let Some(response) = self.fast.answer(&request) {
            return futures_util::future::Either::Left(std::future::ready(Ok(response)));
        }
        let mut request = request.map(Body::new);
        // The peer address rides on each request, for the per-client limit on anonymous writes.
        request.extensions_mut().insert(crate::rate_limit::ClientAddr(self.peer));
        futures_util::future::Either::Right(self.app.clone().oneshot(request))
    }
}
