//! What every routed request goes through, as one layer that boxes and allocates nothing on
//! the way: it counts and times the request by its route template (Prometheus), and gives an
//! error that axum produced without a body (405, 413, …) the same problem+json shape as ours.
//!
//! It is applied with `Router::layer`, inside routing, because the route template
//! ([`MatchedPath`]) is known only there; the layer itself is a zero-sized value, so the
//! router's per-request clone of each route costs nothing more for it.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{header, Method, Uri};
use axum::response::{IntoResponse, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::media::PROBLEM_JSON;
use super::Problem;

/// Applies [`Observe`] to a route.
#[derive(Clone, Copy, Default)]
pub struct ObserveLayer;

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe { inner }
    }
}

/// Records metrics for, and completes bare errors of, the service it wraps.
#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ObserveFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // Cheap clones: a standard method is a small enum, a matched path and a URI share
        // their bytes.
        let route = request.extensions().get::<MatchedPath>().cloned();
        let method = request.method().clone();
        let uri = request.uri().clone();
        ObserveFuture { inner: self.inner.call(request), started: Instant::now(), route, method, uri }
    }
}

pin_project! {
    /// The wrapped service's answer, recorded and completed.
    pub struct ObserveFuture<F> {
        #[pin]
        inner: F,
        started: Instant,
        route: Option<MatchedPath>,
        method: Method,
        uri: Uri,
    }
}

impl<F, E> Future for ObserveFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx))?;
        let route = this.route.as_ref().map_or("unmatched", MatchedPath::as_str);
        crate::metrics::record_request(route, this.method, response.status(), this.started.elapsed());
        if needs_problem(&response) {
            response = bare_error_problem(response, this.method, this.uri);
        }
        Poll::Ready(Ok(response))
    }
}

fn needs_problem(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && !response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

/// An error axum answered without a body (405, 413, …), as problem+json naming the request.
fn bare_error_problem(response: Response, method: &Method, uri: &Uri) -> Response {
    let status = response.status();
    let path = uri.path();
    let detail = match status {
        axum::http::StatusCode::METHOD_NOT_ALLOWED => format!("{method} is not allowed on {path}"),
        _ => format!("{method} {path} failed"),
    };
    let mut problem = Problem::new(status, detail).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    problem
}
