//! The HTTP server loop: hyper with a header-read timeout, which `axum::serve` does not
//! expose, so a client that opens connections and sends headers byte by byte (slowloris)
//! cannot hold them open; and graceful shutdown that lets in-flight requests finish.

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// How long shutdown waits for in-flight requests before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, lets open
/// connections finish their requests, and returns. A request's headers must arrive within
/// `header_read_timeout`; the request itself then has the router's own timeout.
pub async fn serve(
    listener: TcpListener,
    app: crate::app::App,
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
        // The peer address rides on each request, for the per-client limit on anonymous writes.
        let service = TowerToHyperService::new(
            tower::ServiceBuilder::new()
                .map_request(|request: axum::http::Request<hyper::body::Incoming>| request.map(Body::new))
                .layer(axum::Extension(crate::rate_limit::ClientAddr(peer)))
                .service(app.clone()),
        );
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
